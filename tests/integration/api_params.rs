//! Query strings of every `/api/v1` endpoint (contract.md §6): an unknown or repeated
//! parameter is a 400 naming it in the JSON error body, and a CPR number is refused without
//! being repeated.

use crate::helpers::{post_match, spawn_app, Data, TestApp};

/// Status and parsed body; the body must be JSON whatever the status.
async fn json_of(response: reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {text:?}"));
    (status, body)
}

async fn get(app: &TestApp, path: &str) -> (u16, serde_json::Value) {
    json_of(app.get(path).await).await
}

#[tokio::test]
async fn unknown_and_repeated_parameters_are_refused_by_name_on_every_endpoint() {
    let app = spawn_app(Data::Fixture).await;
    let cases = [
        ("/api/v1/indicator?year=2025", "year"),
        ("/api/v1/indicator?from=2025-01-01&colour=blue", "colour"),
        ("/api/v1/indicator?by=dmcg&by=region", "by"),
        ("/api/v1/indicator?from=2025-01-01&from=2025-02-01", "from"),
        ("/api/v1/indicator?dmcg=DBCG&dmcg=DLCG", "dmcg"),
        ("/api/v1/reference/sites?region=1081", "region"),
        ("/api/v1/reference/regions?lang=en", "lang"),
        ("/api/v1/protocols/dbcg-test-all5?format=xml", "format"),
        ("/api/v1/protocols?colour=blue", "colour"),
        ("/api/v1/protocols?page=1&page=2", "page"),
    ];
    for (path, field) in cases {
        let (status, body) = get(&app, path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["error"]["code"], "invalid_parameter", "{path}: {body}");
        assert_eq!(body["error"]["field"], field, "{path}: {body}");
    }
    let profile = serde_json::json!({ "age": 50, "diagnosis": "C50" });
    for (query, field) in [
        (
            "?include_ineligible=true&include_ineligible=false",
            "include_ineligible",
        ),
        ("?include_ineligible=true&verbose=1", "verbose"),
    ] {
        let (status, body) = post_match(&app, query, profile.clone()).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["error"]["field"], field, "{query}: {body}");
    }
}

#[tokio::test]
async fn known_parameters_given_once_are_still_answered() {
    let app = spawn_app(Data::Fixture).await;
    for path in [
        "/api/v1/indicator?from=2025-01-01&to=2025-12-31&by=region&dmcg=DBCG",
        "/api/v1/indicator",
        "/api/v1/reference/sites",
        "/api/v1/protocols/dbcg-test-all5",
        "/api/v1/protocols?region=1081&region=1083",
    ] {
        let (status, body) = get(&app, path).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    let (status, body) = post_match(
        &app,
        "?include_ineligible=true",
        serde_json::json!({ "age": 50, "diagnosis": "C50" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_cpr_number_in_a_parameter_or_path_is_refused_and_never_repeated() {
    let app = spawn_app(Data::Fixture).await;
    let cases = [
        ("/api/v1/protocols?dmcg=010190-1234", 400),
        ("/api/v1/protocols?q=0101901234", 400),
        ("/api/v1/protocols?0101901234=1", 400),
        ("/api/v1/indicator?0101901234=1", 400),
        ("/api/v1/indicator?dmcg=0101901234", 400),
        ("/api/v1/reference/sites?x=0101901234", 400),
        ("/api/v1/protocols/0101901234", 404),
        ("/api/v1/reference/0101901234", 404),
    ];
    for (path, expected) in cases {
        let (status, body) = get(&app, path).await;
        assert_eq!(status, expected, "{path}: {body}");
        if expected == 400 {
            assert_eq!(body["error"]["code"], "cpr_refused", "{path}: {body}");
        }
        let text = body.to_string();
        assert!(
            !text.contains("010190") && !text.contains("1234"),
            "{path}: the number is repeated: {text}"
        );
    }
    let (status, body) = post_match(
        &app,
        "",
        serde_json::json!({ "age": 50, "diagnosis": "C50", "0101901234": true }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "cpr_refused", "{body}");
    assert!(!body.to_string().contains("0101901234"), "{body}");
}
