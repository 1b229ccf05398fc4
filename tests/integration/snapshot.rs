//! Changes made to the database by another process reach a running server's lists.

use std::time::Duration;

use crate::helpers::{acronyms, spawn_app, Data};

const NEW_PROTOCOL: &str = r#"{
  "acronym": "DSG LATE-ARRIVAL", "title_da": "DSG LATE-ARRIVAL. Et nyt forsøg", "dmcg": "DSG",
  "phase": "phase-2", "recruitment_status": "open",
  "contact": { "email": "dsg@example.dk" },
  "eligibility": { "diagnoses": ["C49"] },
  "sites": [ { "site": "AUH-ONK", "status": "open" } ]
}"#;

#[tokio::test]
async fn an_import_by_another_process_appears_in_the_running_server() {
    let app = spawn_app(Data::Fixture).await;
    let (_, before) = app.get_json("/api/v1/protocols?dmcg=DSG").await;
    assert!(acronyms(&before).is_empty());
    // A separate pool stands in for the command line running `import` beside the server.
    crate::helpers::import_elsewhere(app.db.pool(), NEW_PROTOCOL).await;
    let mut found = Vec::new();
    for _ in 0..crate::helpers::REFRESH_WAIT_ROUNDS {
        let (_, body) = app.get_json("/api/v1/protocols?dmcg=DSG").await;
        found = acronyms(&body);
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(found, ["DSG LATE-ARRIVAL"]);
}
