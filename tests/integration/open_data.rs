//! The nightly full export at its stable addresses: every published protocol in the
//! interchange format (read back by `import`) and as a FHIR Bundle, and a new export that
//! holds what was published since.

use dccc_registry::catalogue::Catalogue;
use dccc_registry::services::interchange::{self, export};

use crate::helpers::{spawn_app, Data, BASE_URL};

#[tokio::test]
async fn the_export_holds_every_published_protocol_as_json_and_as_a_fhir_bundle() {
    let app = spawn_app(Data::Demo).await;
    let (_, list) = app
        .get_json("/api/v1/protocols?status=all&per_page=1")
        .await;
    let total = list["total"].as_u64().expect("total");

    let response = app.get("/data/protokoller.json").await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(crate::helpers::content_type(&response).starts_with("application/json"));
    assert!(response.headers().get("last-modified").is_some());
    let docs: Vec<serde_json::Value> = response.json().await.expect("a JSON array");
    assert_eq!(docs.len() as u64, total, "every published protocol");
    // The interchange format: `import` reads it back, every record valid.
    let mut conn = app.pool.get().expect("connection");
    let json = serde_json::to_string(&docs).expect("json");
    let report = interchange::import_json(&mut conn, &json, true);
    assert!(report.is_ok(), "{report:?}");
    drop(conn);

    let response = app.get("/data/protokoller.fhir.json").await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(crate::helpers::content_type(&response).starts_with("application/fhir+json"));
    let bundle: serde_json::Value = response.json().await.expect("json");
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    let entries = bundle["entry"].as_array().expect("entries");
    assert_eq!(entries.len() as u64, total);
    for entry in entries {
        assert_eq!(entry["resource"]["resourceType"], "ResearchStudy");
        let id = entry["resource"]["id"].as_str().expect("id");
        assert_eq!(
            entry["fullUrl"],
            format!("{BASE_URL}/fhir/ResearchStudy/{id}")
        );
    }

    let (status, _) = app.get_html("/data/other.json").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_next_export_holds_what_was_published_since() {
    let app = spawn_app(Data::Fixture).await;
    let before: Vec<serde_json::Value> = app
        .get("/data/protokoller.json")
        .await
        .json()
        .await
        .expect("json");
    let fixtures: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/protocols.json")).expect("fixtures");
    let mut record = fixtures[0].clone();
    record["acronym"] = "DBCG EXPORT-NEW".into();
    record["identifiers"] = serde_json::json!({});
    let mut conn = app.pool.get().expect("connection");
    interchange::import_json(&mut conn, &record.to_string(), false).expect("import");
    let catalogue = Catalogue::load(&mut conn).expect("catalogue");
    let dir = tempfile::tempdir().expect("dir");
    let report = export::write_all(
        &mut conn,
        &catalogue,
        BASE_URL,
        dir.path(),
        chrono::Utc::now().naive_utc(),
    )
    .expect("export");
    assert_eq!(report.protocols, before.len() + 1);
    let written: Vec<serde_json::Value> = serde_json::from_slice(
        &std::fs::read(dir.path().join(export::JSON_FILE)).expect("the file"),
    )
    .expect("json");
    assert!(written.iter().any(|d| d["acronym"] == "DBCG EXPORT-NEW"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file is left behind");
}
