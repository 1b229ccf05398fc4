//! Response headers: `Cache-Control: no-store` on every page and export that holds register
//! data or a match result, and not on the public registry pages.

use crate::helpers::{browser, spawn_app, Data, TestApp};

fn cache_control(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> reqwest::Response {
    client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .expect("get")
}

#[tokio::test]
async fn register_data_and_match_results_are_never_stored() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("doc@auh.test", "clinician", &[], &["AUH-ONK"]);
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    app.create_user("ed@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    let doc = app.login("doc@auh.test").await;
    let admin = app.login("admin@dccc.test").await;
    let editor = app.login("ed@dbcg.test").await;
    let anonymous = browser();
    let pages: [(&reqwest::Client, &str, u16); 11] = [
        (&doc, "/tilbud", 200),
        (&doc, "/tilbud/ny", 200),
        (&doc, "/tilbud/import", 200),
        (&doc, "/match", 200),
        (&anonymous, "/find-forsoeg", 200),
        (&anonymous, "/gennemsigtighed?year=2025", 200),
        (
            &anonymous,
            "/gennemsigtighed/csv/indikator-dmcg?year=2025",
            200,
        ),
        (&anonymous, "/api/v1/indicator", 200),
        (&admin, "/admin", 200),
        (&admin, "/admin/brugere", 200),
        (&editor, "/redaktion", 200),
    ];
    for (client, path, status) in pages {
        let response = get(&app, client, path).await;
        assert_eq!(response.status().as_u16(), status, "{path}");
        assert_eq!(
            cache_control(&response).as_deref(),
            Some("no-store"),
            "{path}"
        );
    }

    let token = app.csrf(&doc, "/match").await;
    let matched = app
        .post(
            &doc,
            "/match",
            &[("csrf_token", &token), ("age", "60"), ("diagnosis", "C50")],
        )
        .await;
    assert_eq!(matched.status().as_u16(), 200);
    assert_eq!(
        cache_control(&matched).as_deref(),
        Some("no-store"),
        "POST /match"
    );
    for body in [
        serde_json::json!({ "age": 60, "diagnosis": "C50" }),
        serde_json::json!({ "age": 600, "diagnosis": "C50" }),
    ] {
        let response = app
            .client
            .post(format!("{}/api/v1/match", app.address))
            .json(&body)
            .send()
            .await
            .expect("post");
        assert_eq!(
            cache_control(&response).as_deref(),
            Some("no-store"),
            "POST /api/v1/match {body} ({})",
            response.status()
        );
    }
}

#[tokio::test]
async fn the_public_registry_pages_may_be_cached() {
    let app = spawn_app(Data::Fixture).await;
    for path in [
        "/",
        "/protokoller",
        "/protokoller/dbcg-test-all5",
        "/api/v1/protocols",
        "/api/v1/reference/sites",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(cache_control(&response), None, "{path}");
    }
}
