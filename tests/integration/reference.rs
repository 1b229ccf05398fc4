//! Admins edit reference data through forms: validated, kept in the history, shown at once.

use crate::helpers::{attrs, spawn_app, texts, Data, TestDatabase, PASSWORD};

#[tokio::test]
async fn an_admin_edits_a_department_and_adds_a_pathway() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    let admin = app.login("admin@dccc.test").await;
    let path = "/admin/reference/sites/OUH-ONK";
    let (status, html) = app.page(&admin, path).await;
    assert_eq!(status, 200);
    assert_eq!(attrs(&html, "#r-city", "value"), ["Odense C"]);
    let token = app.csrf(&admin, path).await;
    let base = [
        ("csrf_token", token.as_str()),
        ("hospital", "Odense Universitetshospital"),
        ("department", "Onkologisk Afdeling R"),
        ("region_code", "1083"),
        ("postcode", "5000"),
        ("city", "Odense"),
        ("lon", "10.3690"),
    ];
    let mut bad = base.to_vec();
    bad.push(("lat", "95"));
    let refused = app.post(&admin, path, &bad).await;
    assert_eq!(refused.status().as_u16(), 422);
    let html = scraper::Html::parse_document(&refused.text().await.expect("body"));
    assert_eq!(
        texts(&html, "[data-for=lat]").len(),
        1,
        "error next to the latitude"
    );
    assert_eq!(attrs(&html, "#r-city", "value"), ["Odense"], "input kept");

    let mut good = base.to_vec();
    good.push(("lat", "55.3855"));
    assert_eq!(app.post(&admin, path, &good).await.status().as_u16(), 303);
    let (_, sites) = app.get_json("/api/v1/reference/sites").await;
    let ouh = sites
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["code"] == "OUH-ONK")
        .expect("site");
    assert_eq!(ouh["city"], "Odense");

    let token = app.csrf(&admin, "/admin/reference/pathways/ny").await;
    let created = app
        .post(
            &admin,
            "/admin/reference/pathways/ny",
            &[
                ("csrf_token", &token),
                ("code", "NATMDT-SARKOM"),
                ("kind", "national_mdt"),
                ("name_da", "National MDT for sarkom"),
                ("name_en", "National sarcoma MDT"),
                ("age_min", "18"),
                ("icd10", "C40-C41 C49"),
                ("settings", "relapsed"),
            ],
        )
        .await;
    assert_eq!(created.status().as_u16(), 303);
    let (_, pathways) = app.get_json("/api/v1/reference/pathways").await;
    assert!(pathways.as_array().expect("array").iter().any(
        |p| p["code"] == "NATMDT-SARKOM" && p["icd10"] == serde_json::json!(["C40-C41", "C49"])
    ));
    let duplicate = app
        .post(
            &admin,
            "/admin/reference/pathways/ny",
            &[
                ("csrf_token", &token),
                ("code", "NATMDT-SARKOM"),
                ("kind", "x"),
                ("name_da", "x"),
                ("name_en", "x"),
            ],
        )
        .await;
    assert_eq!(duplicate.status().as_u16(), 422);

    let (_, html) = app.page(&admin, "/admin/historik").await;
    let entities = attrs(&html, ".history-entry", "data-entity");
    assert!(
        entities.iter().any(|e| e == "sites") && entities.iter().any(|e| e == "pathways"),
        "{entities:?}"
    );
}

#[test]
fn the_first_admin_comes_from_the_command_line_with_the_password_on_stdin() {
    use std::io::Write;
    let db = TestDatabase::new();
    let run = |args: &[&str], stdin: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dccc-registry"))
            .args(args)
            .env("DATABASE_URL", &db.url)
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("binary runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write");
        child.wait_with_output().expect("output")
    };
    let out = run(
        &[
            "user",
            "add",
            "--email",
            "first@dccc.test",
            "--role",
            "admin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(PASSWORD),
        "the password is never printed"
    );
    let again = run(
        &[
            "user",
            "add",
            "--email",
            "first@dccc.test",
            "--role",
            "admin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(again.status.code(), Some(2), "the same e-mail twice");
    let short = run(
        &[
            "user",
            "add",
            "--email",
            "second@dccc.test",
            "--role",
            "admin",
        ],
        "short\n",
    );
    assert_eq!(short.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&short.stderr).contains("12"));
    let editor = run(
        &[
            "user",
            "add",
            "--email",
            "ed@dccc.test",
            "--role",
            "dmcg_editor",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(editor.status.code(), Some(2), "an editor needs a DMCG");
    let pool = db.pool();
    let mut conn = pool.get().expect("connection");
    let outcome = dccc_registry::db::users::authenticate(&mut conn, "first@dccc.test", PASSWORD)
        .expect("query");
    assert!(outcome.is_some_and(|u| u.is_admin()));
}
