//! The OpenAPI document (`/api/v1/openapi.json`) against the API it describes: every route is
//! in it, its parameters are those the handlers take, its enumerations are the reference
//! data, and what it does not allow the API refuses. (schemathesis fuzzes the whole of it in
//! `.ci/schemathesis/run`.) Also the `/api` page that explains it.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::helpers::{post_match, spawn_app, texts, Data, TestApp};

async fn document(app: &TestApp) -> Value {
    let (status, doc) = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    doc
}

fn names(values: &Value) -> BTreeSet<String> {
    values
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

fn parameter<'a>(doc: &'a Value, path: &str, name: &str) -> &'a Value {
    doc["paths"][path]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{path} documents {name}"))
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_names_every_route_of_the_api() {
    let app = spawn_app(Data::Demo).await;
    let doc = document(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths: BTreeSet<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .cloned()
        .collect();
    let expected: BTreeSet<String> = [
        "/api/v1/protocols",
        "/api/v1/protocols.csv",
        "/api/v1/protocols/{slug}",
        "/api/v1/match",
        "/api/v1/match/batch",
        "/api/v1/indicator",
        "/api/v1/openapi.json",
        "/api/v1/reference/dmcgs",
        "/api/v1/reference/sites",
        "/api/v1/reference/sites/{code}",
        "/api/v1/reference/regions",
        "/api/v1/reference/pathways",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    assert_eq!(paths, expected);
    // Every operation has an id (the /api page names it by that) and its errors' body: the
    // contract's, or for the batch the contract's with the refused cases beside it.
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("operations") {
            assert!(operation["operationId"].is_string(), "{method} {path}");
            let body = &operation["responses"]["400"]["content"]["application/json"]["schema"];
            let expected = if path == "/api/v1/match/batch" {
                "#/components/schemas/BatchErrorBody"
            } else {
                "#/components/schemas/ErrorBody"
            };
            assert_eq!(body["$ref"], expected, "{method} {path}");
        }
    }
    // Each GET without a path parameter answers as documented: 200 and its content type.
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let Some(get) = item.get("get") else { continue };
        if path.contains('{') {
            continue;
        }
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let declared = get["responses"]["200"]["content"]
            .as_object()
            .expect("a 200 body")
            .keys()
            .next()
            .cloned()
            .unwrap_or_default();
        let served = crate::helpers::content_type(&response);
        assert!(
            served.starts_with(&declared),
            "{path}: {served} vs {declared}"
        );
    }
}

#[tokio::test]
async fn the_list_parameters_are_those_the_list_takes_with_the_reference_data_as_their_values() {
    let app = spawn_app(Data::Demo).await;
    let doc = document(&app).await;
    let documented: BTreeSet<String> = doc["paths"]["/api/v1/protocols"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .map(|p| p["name"].as_str().expect("name").to_owned())
        .collect();
    // An unknown parameter is refused with the list of known ones: the same list.
    let (status, body) = app.get_json("/api/v1/protocols?nonsense=1").await;
    assert_eq!(status, 400);
    let message = body["error"]["message"].as_str().expect("message");
    let known: BTreeSet<String> = message
        .split("known: ")
        .nth(1)
        .expect("the known names")
        .split(", ")
        .map(str::to_owned)
        .collect();
    assert_eq!(documented, known);

    let (_, dmcgs) = app.get_json("/api/v1/reference/dmcgs").await;
    let acronyms: BTreeSet<String> = dmcgs
        .as_array()
        .expect("dmcgs")
        .iter()
        .map(|d| d["acronym"].as_str().expect("acronym").to_owned())
        .collect();
    let dmcg = parameter(&doc, "/api/v1/protocols", "dmcg");
    assert_eq!(dmcg["schema"]["type"], "array");
    assert_eq!(names(&dmcg["schema"]["items"]["enum"]), acronyms);
    let (_, sites) = app.get_json("/api/v1/reference/sites").await;
    let codes: BTreeSet<String> = sites
        .as_array()
        .expect("sites")
        .iter()
        .map(|s| s["code"].as_str().expect("code").to_owned())
        .collect();
    let site = parameter(&doc, "/api/v1/protocols", "site");
    assert_eq!(names(&site["schema"]["items"]["enum"]), codes);
    let per_page = parameter(&doc, "/api/v1/protocols", "per_page");
    assert_eq!(per_page["schema"]["maximum"], 100);
    let (status, _) = app.get_json("/api/v1/protocols?per_page=100").await;
    assert_eq!(status, 200);
    let (status, _) = app.get_json("/api/v1/protocols?per_page=101").await;
    assert_eq!(status, 400);

    // Every documented value of an enumerated parameter is accepted.
    for name in ["dmcg", "region", "phase", "status", "sex", "sort", "lang"] {
        let schema = &parameter(&doc, "/api/v1/protocols", name)["schema"];
        let values = if schema["type"] == "array" {
            &schema["items"]["enum"]
        } else {
            &schema["enum"]
        };
        for value in names(values) {
            let extra = if value == "distance" {
                "&postcode=8000"
            } else {
                ""
            };
            let (status, body) = app
                .get_json(&format!("/api/v1/protocols?{name}={value}{extra}"))
                .await;
            assert_eq!(status, 200, "{name}={value}: {body}");
        }
    }
}

#[tokio::test]
async fn what_the_document_does_not_allow_the_api_refuses_naming_the_parameter() {
    let app = spawn_app(Data::Demo).await;
    for (query, field) in [
        ("dmcg=", "dmcg"),
        ("dmcg=dbcg", "dmcg"),
        ("site=rh-onk", "site"),
        ("age=%205", "age"),
        ("age=+5", "age"),
        ("page=+2", "page"),
        ("lang=fr", "lang"),
        ("lang=da&lang=en", "lang"),
        ("paediatric=", "paediatric"),
    ] {
        let (status, body) = app.get_json(&format!("/api/v1/protocols?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["error"]["field"], field, "{query}");
        let (status, _) = app
            .get_json(&format!("/api/v1/protocols.csv?{query}"))
            .await;
        assert_eq!(status, 400, "csv {query}");
    }
    for (query, field) in [("by=", "by"), ("dmcg=dbcg", "dmcg")] {
        let (status, body) = app.get_json(&format!("/api/v1/indicator?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["error"]["field"], field, "{query}");
    }
    // Empty text is no text search, as documented.
    let (status, _) = app.get_json("/api/v1/protocols?q=").await;
    assert_eq!(status, 200);
    // `all` beside another status is still every status.
    let (_, all) = app.get_json("/api/v1/protocols?status=all").await;
    let (status, both) = app
        .get_json("/api/v1/protocols?status=all&status=open")
        .await;
    assert_eq!(status, 200);
    assert_eq!(all["total"], both["total"]);
}

#[tokio::test]
async fn the_match_body_takes_numbers_as_numbers_and_texts_as_texts() {
    let app = spawn_app(Data::Demo).await;
    let doc = document(&app).await;
    let profile = &doc["components"]["schemas"]["ProfileInput"];
    assert_eq!(
        names(&profile["required"]),
        names(&json!(["age", "diagnosis"]))
    );
    assert_eq!(profile["additionalProperties"], false);
    let postcodes = names(&profile["properties"]["postcode"]["enum"]);
    assert!(postcodes.contains("8000") && postcodes.contains("null"));

    let (status, _) = post_match(&app, "", json!({"age": 64, "diagnosis": "C34.1"})).await;
    assert_eq!(status, 200);
    let (status, _) = post_match(&app, "", json!({"age": 64.0, "diagnosis": "C34.1"})).await;
    assert_eq!(status, 200, "a whole number with a zero fraction");
    let (status, _) = post_match(
        &app,
        "",
        json!({"age": 64, "diagnosis": "lungekræft", "postcode": "8000", "max_km": 1.0e-5}),
    )
    .await;
    assert_eq!(status, 200, "a lay group and a tiny distance");
    for (body, field) in [
        (json!({"age": "64", "diagnosis": "C34.1"}), "age"),
        (json!({"age": 64.5, "diagnosis": "C34.1"}), "age"),
        (
            json!({"age": 64, "ecog": "1", "diagnosis": "C34.1"}),
            "ecog",
        ),
        (
            json!({"age": 64, "diagnosis": "C34.1", "postcode": 8000}),
            "postcode",
        ),
        (
            json!({"age": 64, "diagnosis": "C34.1", "postcode": "8000", "max_km": "50"}),
            "max_km",
        ),
        (
            json!({"age": 64, "diagnosis": "C34.1", "biomarkers": [{"marker": "", "status": "positive"}]}),
            "biomarkers[0].marker",
        ),
        (
            json!({"age": 64, "diagnosis": "C34.1", "max_km": 50}),
            "max_km",
        ),
        (json!({"age": 64, "diagnosis": "C34.1", "sex": ""}), "sex"),
        (json!({"age": 64, "diagnosis": " C34.1"}), "diagnosis"),
    ] {
        let (status, answer) = post_match(&app, "", body.clone()).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["error"]["field"], field, "{body}");
    }
}

#[tokio::test]
async fn the_api_page_names_every_operation_of_the_document_in_danish_and_in_english() {
    let app = spawn_app(Data::Demo).await;
    let doc = document(&app).await;
    let operations: usize = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| item.as_object().map_or(0, serde_json::Map::len))
        .sum();
    let mut summaries = Vec::new();
    for (lang, heading) in [("da", "API og åbne data"), ("en", "API and open data")] {
        let client = crate::helpers::browser();
        let switched = client
            .get(format!("{}/sprog/{lang}?next=/", app.address))
            .send()
            .await
            .expect("switch");
        assert_eq!(switched.status().as_u16(), 303);
        let (status, page) = app.page(&client, "/api").await;
        assert_eq!(status, 200, "{lang}");
        assert_eq!(texts(&page, "h1"), vec![heading.to_owned()]);
        let rows = texts(&page, "table.endpoints tbody tr");
        assert_eq!(rows.len(), operations, "{lang}");
        assert!(
            rows.iter().all(|r| !r.contains("api.op.")),
            "{lang}: every operation has its words: {rows:?}"
        );
        assert_eq!(
            crate::helpers::attrs(&page, "#openapi-link", "href"),
            vec!["/api/v1/openapi.json".to_owned()]
        );
        summaries.push(texts(&page, "table.endpoints tbody tr td:last-child"));
    }
    assert_ne!(
        summaries[0], summaries[1],
        "the summaries are in the page's language"
    );
}
