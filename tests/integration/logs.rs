//! The server's logs (access log and application log) never contain a patient's profile.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::helpers::TestDatabase;

#[tokio::test]
async fn logs_hold_no_profile_data() {
    let db = TestDatabase::new();
    let data = tempfile::tempdir().expect("dir");
    let log_path = data.path().join("server.log");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut server = Command::new(env!("CARGO_BIN_EXE_dccc-registry"))
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("DATA_DIR", data.path())
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "debug")
        .env("DEMO_DATA", "false")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("server starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..300 {
        if client
            .get(format!("{base}/api/v1/reference/regions"))
            .send()
            .await
            .is_ok()
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "server answered");
    let profile = serde_json::json!({ "age": 93, "sex": "female", "diagnosis": "DC50.8", "postcode": "7130", "biomarkers": [{ "marker": "ZZTOP1", "status": "positive" }] });
    let response = client
        .post(format!("{base}/api/v1/match"))
        .json(&profile)
        .send()
        .await
        .expect("match");
    assert_eq!(response.status().as_u16(), 200);
    let bad = client
        .post(format!("{base}/api/v1/match"))
        .json(&serde_json::json!({ "age": 93, "diagnosis": "DC50.8", "postcode": "7199" }))
        .send()
        .await
        .expect("match");
    assert_eq!(bad.status().as_u16(), 400);
    let listed = client
        .get(format!("{base}/api/v1/protocols?postcode=7100&age=93"))
        .send()
        .await
        .expect("list");
    assert_eq!(listed.status().as_u16(), 200);
    let page = client
        .get(format!("{base}/find-forsoeg"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status().as_u16(), 200);
    let _ = server.kill();
    let _ = server.wait();
    let logs = std::fs::read_to_string(&log_path).expect("logs");
    assert!(
        logs.contains("/api/v1/match"),
        "the access log works: {logs}"
    );
    for secret in [
        "DC50.8", "C508", "7130", "7199", "ZZTOP1", "age=93", "\"age\"",
    ] {
        let line = logs.lines().find(|l| contains_token(l, secret));
        assert!(line.is_none(), "{secret:?} found in the logs: {line:?}");
    }
}

/// Whether `needle` occurs in `line` other than inside a longer run of digits: timestamps and
/// durations ("08:07:52.271301Z", "2.005672ms") hold every four-digit string now and then.
fn contains_token(line: &str, needle: &str) -> bool {
    line.match_indices(needle).any(|(i, m)| {
        let before = line[..i].chars().next_back();
        let after = line[i + m.len()..].chars().next();
        !(before.is_some_and(|c| c.is_ascii_digit()) || after.is_some_and(|c| c.is_ascii_digit()))
    })
}
