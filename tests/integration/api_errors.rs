//! Errors everywhere under `/api/` (contract.md §6): whatever refuses a request, the answer is
//! the contract's JSON error body; HTML pages keep their HTML error pages.

use crate::helpers::{spawn_app, texts, Data, TestApp};

/// Status, `Allow` header and the parsed body of a response that must be a contract error.
async fn contract_error(response: reqwest::Response) -> (u16, String, serde_json::Value) {
    let status = response.status().as_u16();
    let allow = response
        .headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = response.text().await.expect("body");
    let body: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {text:?}"));
    assert!(
        content_type.starts_with("application/json"),
        "{status}: content type {content_type:?}"
    );
    let error = body["error"].as_object().expect("an error object");
    assert!(
        error["code"].as_str().is_some_and(|c| !c.is_empty()),
        "{status}: a code: {body}"
    );
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{status}: a message: {body}"
    );
    (status, allow, body)
}

async fn send(app: &TestApp, method: reqwest::Method, path: &str) -> reqwest::Response {
    app.client
        .request(method, format!("{}{path}", app.address))
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn an_unknown_path_under_the_api_is_a_json_404() {
    let app = spawn_app(Data::Fixture).await;
    // `/api` itself is the page that explains the API; everything below it is the API.
    for path in [
        "/api/",
        "/api/v2/protocols",
        "/api/v1/nothing",
        "/api/v1/reference/dmcgs/extra",
    ] {
        let (status, _, body) = contract_error(send(&app, reqwest::Method::GET, path).await).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
}

#[tokio::test]
async fn a_wrong_method_on_an_api_path_is_a_json_405_saying_what_is_allowed() {
    let app = spawn_app(Data::Fixture).await;
    let cases = [
        (reqwest::Method::DELETE, "/api/v1/protocols", "GET"),
        (reqwest::Method::POST, "/api/v1/protocols", "GET"),
        (reqwest::Method::GET, "/api/v1/match", "POST"),
        (reqwest::Method::PUT, "/api/v1/indicator", "GET"),
        (
            reqwest::Method::DELETE,
            "/api/v1/protocols/dbcg-test-all5",
            "GET",
        ),
        (reqwest::Method::POST, "/api/v1/reference/sites", "GET"),
    ];
    for (method, path, allowed) in cases {
        let (status, allow, body) = contract_error(send(&app, method.clone(), path).await).await;
        assert_eq!(status, 405, "{method} {path}");
        assert_eq!(
            body["error"]["code"], "method_not_allowed",
            "{method} {path}"
        );
        assert_eq!(allow, allowed, "{method} {path}");
    }
}

#[tokio::test]
async fn a_match_body_too_large_is_a_json_413() {
    let app = spawn_app(Data::Fixture).await;
    let padding = "x".repeat(2 * 1024 * 1024);
    let body = format!(r#"{{"age": 50, "diagnosis": "C50", "padding": "{padding}"}}"#);
    let response = app
        .client
        .post(format!("{}/api/v1/match", app.address))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("post");
    let (status, _, body) = contract_error(response).await;
    assert_eq!(status, 413);
    assert_eq!(body["error"]["code"], "payload_too_large");
}

#[tokio::test]
async fn a_match_body_that_is_not_json_is_a_json_415() {
    let app = spawn_app(Data::Fixture).await;
    let profile = r#"{"age": 50, "diagnosis": "C50"}"#;
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = app
            .client
            .post(format!("{}/api/v1/match", app.address))
            .body(profile);
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let (status, _, body) = contract_error(request.send().await.expect("post")).await;
        assert_eq!(status, 415, "{content_type:?}");
        assert_eq!(
            body["error"]["code"], "unsupported_media_type",
            "{content_type:?}"
        );
    }
    let response = app
        .client
        .post(format!("{}/api/v1/match", app.address))
        .header("content-type", "application/json; charset=utf-8")
        .body(profile)
        .send()
        .await
        .expect("post");
    assert_eq!(
        response.status().as_u16(),
        200,
        "JSON with a charset is read"
    );
}

#[tokio::test]
async fn pages_outside_the_api_keep_their_html_errors() {
    let app = spawn_app(Data::Fixture).await;
    for path in ["/nothing-here", "/apiary", "/protokoller/no-such-protocol"] {
        let response = send(&app, reqwest::Method::GET, path).await;
        assert_eq!(response.status().as_u16(), 404, "{path}");
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        assert!(
            content_type.starts_with("text/html"),
            "{path}: {content_type}"
        );
        let html = scraper::Html::parse_document(&response.text().await.expect("body"));
        assert_eq!(texts(&html, ".status-code"), ["404"], "{path}");
    }
}
