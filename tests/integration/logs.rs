//! The server's logs (access log and application log) never contain a patient's profile, and
//! the access log names routes, never the paths typed.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::helpers::TestDatabase;

/// The real binary serving on a free port, its log going to a file.
struct LoggedServer {
    base: String,
    client: reqwest::Client,
    process: Child,
    log_path: std::path::PathBuf,
    db: TestDatabase,
    _data: tempfile::TempDir,
}

impl LoggedServer {
    async fn start() -> Self {
        let db = TestDatabase::new();
        let data = tempfile::tempdir().expect("dir");
        let log_path = data.path().join("server.log");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("port")
            .local_addr()
            .expect("addr")
            .port();
        let log = std::fs::File::create(&log_path).expect("log file");
        let process = Command::new(env!("CARGO_BIN_EXE_dccc-registry"))
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
        Self {
            base,
            client,
            process,
            log_path,
            db,
            _data: data,
        }
    }

    /// Stops the server and returns everything it logged, and its database.
    fn stop_keeping_database(mut self) -> (String, TestDatabase) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        let logs = std::fs::read_to_string(&self.log_path).expect("logs");
        (logs, self.db)
    }

    /// Stops the server and returns everything it logged.
    fn stop(self) -> String {
        self.stop_keeping_database().0
    }

    /// A clinician of `site` logged in through the login form, with the token of the page's
    /// forms.
    async fn clinician(&self, site: &str) -> (reqwest::Client, String) {
        use dccc_registry::db::users::{self, Role, UserInput};
        let mut conn = self.db.pool().get().expect("connection");
        let input = UserInput {
            email: "mdt@auh.test".into(),
            display_name: "mdt".into(),
            role: Role::Clinician,
            dmcgs: Vec::new(),
            sites: vec![site.to_owned()],
        };
        let hash = users::hash_password(crate::helpers::PASSWORD).expect("hash");
        users::create_user(&mut conn, &input, &hash, chrono::Utc::now().naive_utc()).expect("user");
        let client = crate::helpers::browser();
        let token = |html: String| {
            let html = scraper::Html::parse_document(&html);
            crate::helpers::attrs(&html, "input[name=csrf_token]", "value")
                .into_iter()
                .next()
                .expect("a form")
        };
        let page = |path: &'static str| {
            let client = client.clone();
            let base = self.base.clone();
            async move {
                client
                    .get(format!("{base}{path}"))
                    .send()
                    .await
                    .expect("page")
                    .text()
                    .await
                    .expect("body")
            }
        };
        let login = token(page("/login").await);
        let response = client
            .post(format!("{}/login", self.base))
            .form(&[
                ("csrf_token", login.as_str()),
                ("email", "mdt@auh.test"),
                ("password", crate::helpers::PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("login");
        assert_eq!(response.status().as_u16(), 303, "logged in");
        let csrf = token(page("/match/konference").await);
        (client, csrf)
    }
}

#[tokio::test]
async fn logs_hold_no_profile_data() {
    let server = LoggedServer::start().await;
    let (base, client) = (&server.base, &server.client);
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
    let batch = client
        .post(format!("{base}/api/v1/match/batch"))
        .json(&serde_json::json!({ "cases": [
            { "ref": "KONF-77", "profile": profile },
            { "ref": "KONF-78", "profile": { "age": 93, "diagnosis": "DC50.8", "postcode": "7199" } }
        ] }))
        .send()
        .await
        .expect("batch");
    assert_eq!(batch.status().as_u16(), 400, "the second case is refused");
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
    let logs = server.stop();
    assert!(
        logs.contains("/api/v1/match"),
        "the access log works: {logs}"
    );
    for secret in [
        "DC50.8", "C508", "7130", "7199", "ZZTOP1", "age=93", "\"age\"", "KONF-77", "KONF-78",
    ] {
        let line = logs.lines().find(|l| contains_token(l, secret));
        assert!(line.is_none(), "{secret:?} found in the logs: {line:?}");
    }
}

#[tokio::test]
async fn the_access_log_names_the_route_never_the_path_typed() {
    let server = LoggedServer::start().await;
    let (base, client) = (&server.base, &server.client);
    for (path, status) in [
        ("/protokoller/010190-1234", 404),
        ("/api/v1/protocols/0101901234", 404),
        ("/tilbud/0201901234", 303),
        ("/0301901234", 404),
        ("/api/v1/0401901234", 404),
    ] {
        let response = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("get");
        assert_eq!(response.status().as_u16(), status, "{path}");
    }
    let listed = client
        .get(format!("{base}/api/v1/protocols?age=93"))
        .send()
        .await
        .expect("list");
    assert_eq!(listed.status().as_u16(), 200);
    let logs = server.stop();
    let access: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("actix_web::middleware::logger"))
        .collect();
    for route in [
        "GET /protokoller/{slug} 404",
        "GET /api/v1/protocols/{slug} 404",
        "GET /tilbud/{id} 303",
        "GET /api/v1/protocols 200",
    ] {
        assert!(
            access.iter().any(|l| l.contains(route)),
            "{route:?} in the access log: {access:#?}"
        );
    }
    for secret in [
        "010190-1234",
        "0101901234",
        "0201901234",
        "0301901234",
        "0401901234",
        "age=93",
    ] {
        let line = logs.lines().find(|l| l.contains(secret));
        assert!(line.is_none(), "{secret:?} found in the logs: {line:?}");
    }
}

#[tokio::test]
async fn a_conference_list_reaches_neither_the_logs_nor_the_database() {
    let server = LoggedServer::start().await;
    let (client, token) = server.clinician("AUH-ONK").await;
    let url = format!("{}/match/konference", server.base);
    let post = |fields: Vec<(String, &str)>| {
        let request = client.post(&url).form(&fields);
        async move { request.send().await.expect("post").status().as_u16() }
    };
    let case = |i: usize, name: &str| format!("cases[{i}].{name}");
    let field = |name: &str| name.to_owned();
    let matched = post(vec![
        (field("csrf_token"), token.as_str()),
        (field("action"), "match"),
        (case(0, "case"), "KONFX-501"),
        (case(0, "age"), "93"),
        (case(0, "diagnosis"), "DC50.8"),
        (case(0, "postcode"), "7130"),
        (case(0, "biomarkers"), "ZZTOP1+"),
        (case(1, "case"), "KONFX-502"),
        (case(1, "age"), "88"),
        (case(1, "diagnosis"), "C34.1"),
        (field("list"), "case;age;diagnosis\nKONFX-503;77;C61\n"),
    ])
    .await;
    assert_eq!(matched, 200);
    let refused = post(vec![
        (field("csrf_token"), token.as_str()),
        (field("action"), "print"),
        (case(0, "case"), "KONFX-504"),
        (case(0, "age"), "93"),
        (case(0, "diagnosis"), "DC50.8"),
        (case(0, "postcode"), "7199"),
    ])
    .await;
    assert_eq!(refused, 422, "an unknown postcode");
    let (logs, db) = server.stop_keeping_database();
    assert!(
        logs.contains("/match/konference"),
        "the access log works: {logs}"
    );
    for secret in [
        "KONFX-501",
        "KONFX-502",
        "KONFX-503",
        "KONFX-504",
        "DC50.8",
        "ZZTOP1",
        "7130",
        "7199",
    ] {
        let line = logs.lines().find(|l| contains_token(l, secret));
        assert!(line.is_none(), "{secret:?} found in the logs: {line:?}");
    }
    assert!(
        db.holds_text("mdt@auh.test"),
        "the search finds what is stored"
    );
    for secret in ["KONFX-501", "KONFX-502", "KONFX-503", "KONFX-504", "ZZTOP1"] {
        assert!(!db.holds_text(secret), "{secret:?} found in the database");
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
