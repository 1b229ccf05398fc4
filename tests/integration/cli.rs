//! The command line: import all-or-nothing with every error listed, and export/import round trips.

use std::io::Write;
use std::process::Command;

use dccc_registry::domain::ProtocolDoc;
use dccc_registry::services::{interchange, setup};

use crate::helpers::{TestDatabase, FIXTURE};

fn run(db: &TestDatabase, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dccc-registry"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("DEMO_DATA", "false")
        .env("RUST_LOG", "warn")
        .output()
        .expect("binary runs")
}

fn temp_json(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new()
        .suffix(".json")
        .tempfile()
        .expect("temp file");
    file.write_all(text.as_bytes()).expect("write");
    file
}

fn export(db: &TestDatabase) -> Vec<ProtocolDoc> {
    let out = run(db, &["export"]);
    assert!(
        out.status.success(),
        "export: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("export writes a JSON array of protocols")
}

#[test]
fn export_then_import_into_an_empty_database_round_trips_every_field() {
    let first = TestDatabase::new();
    let fixture = temp_json(FIXTURE);
    let out = run(&first, &["import", fixture.path().to_str().expect("path")]);
    assert!(
        out.status.success(),
        "import: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exported = export(&first);
    let mut expected: Vec<ProtocolDoc> = serde_json::from_str(FIXTURE).expect("fixture");
    expected.sort_by(|a, b| {
        a.acronym
            .as_deref()
            .map(str::to_lowercase)
            .cmp(&b.acronym.as_deref().map(str::to_lowercase))
    });
    let mut got = exported.clone();
    got.sort_by(|a, b| {
        a.acronym
            .as_deref()
            .map(str::to_lowercase)
            .cmp(&b.acronym.as_deref().map(str::to_lowercase))
    });
    assert_eq!(got, expected, "export gives back what was imported");

    let second = TestDatabase::new();
    let file = temp_json(&serde_json::to_string(&exported).expect("json"));
    let out = run(&second, &["import", file.path().to_str().expect("path")]);
    assert!(
        out.status.success(),
        "re-import: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        export(&second),
        exported,
        "a second round trip changes nothing"
    );
}

#[test]
fn an_invalid_file_is_refused_whole_with_every_error_listed() {
    let db = TestDatabase::new();
    let bad = r#"[
      { "acronym": "DBCG GOOD", "title_da": "DBCG GOOD", "dmcg": "DBCG", "phase": "phase-2",
        "recruitment_status": "open", "contact": { "email": "a@example.dk" } },
      { "acronym": "DBCG BAD", "title_da": "DBCG BAD", "dmcg": "DBCG", "phase": "phase-9",
        "recruitment_status": "open", "contact": { "email": "not-an-address" },
        "identifiers": { "nct": "NCT123", "eudract": "2018-1-1", "eu_ct": "2023-401234-12-00" },
        "opened_on": "2025-05-01", "closes_on": "2024-01-01",
        "eligibility": { "age_min": 70, "age_max": 130, "diagnoses": ["X"], "ecog_max": 7,
                         "biomarkers_required": [{ "marker": "HER2", "status": "maybe" }] },
        "sites": [ { "site": "NOPE", "status": "open" }, { "site": "RH-ONK", "status": "shut" } ] },
      { "acronym": "DBCG UNKNOWN-FIELD", "title_da": "x", "dmcg": "DBCG", "phase": "phase-2",
        "recruitment_status": "open", "colour": "blue" }
    ]"#;
    let file = temp_json(bad);
    let out = run(&db, &["import", file.path().to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for field in [
        "phase",
        "contact.email",
        "identifiers.nct",
        "identifiers.eudract",
        "identifiers.eu_ct",
        "closes_on",
        "eligibility.age_max",
        "eligibility.diagnoses[0]",
        "eligibility.ecog_max",
        "eligibility.biomarkers_required[0].status",
        "sites[0].site",
        "sites[1].status",
    ] {
        assert!(
            stderr.contains(&format!("record 2 (DBCG BAD): {field}:")),
            "error for {field} in:\n{stderr}"
        );
    }
    assert!(
        stderr.contains("record 3") && stderr.contains("colour"),
        "unknown field named:\n{stderr}"
    );
    assert!(
        export(&db).is_empty(),
        "nothing stored, not even the valid record"
    );
}

#[test]
fn an_unreadable_file_exits_with_2() {
    let db = TestDatabase::new();
    let file = temp_json("{ not json");
    let out = run(&db, &["import", file.path().to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid JSON"));
    let out = run(&db, &["import", "/no/such/file.json"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn importing_a_record_again_replaces_it_and_keeps_its_address() {
    let db = TestDatabase::new();
    let pool = db.pool();
    let mut conn = pool.get().expect("connection");
    setup::prepare_database(&mut conn, false).expect("prepare");
    interchange::import_json(&mut conn, FIXTURE, false).expect("first import");
    let changed = FIXTURE.replace("\"Testsponsor\"", "\"Ny sponsor\"");
    interchange::import_json(&mut conn, &changed, false).expect("second import");
    let docs = interchange::export_docs(&mut conn, false).expect("export");
    assert_eq!(docs.len(), 8);
    assert!(docs
        .iter()
        .all(|d| d.sponsor.as_deref() == Some("Ny sponsor")));
}

#[test]
fn an_import_that_replaces_a_protocol_is_in_its_history_like_any_edit() {
    use dccc_registry::db::history::{self, Change};
    let db = TestDatabase::new();
    let first = temp_json(FIXTURE);
    let out = run(&db, &["import", first.path().to_str().expect("path")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut docs: Vec<serde_json::Value> = serde_json::from_str(FIXTURE).expect("fixture");
    let record = docs
        .iter_mut()
        .find(|d| d["acronym"] == "DBCG TEST-ALL5")
        .expect("DBCG TEST-ALL5");
    record["sponsor"] = "Ny sponsor".into();
    record["target_enrolment"] = 250.into();
    let changed = temp_json(&serde_json::to_string(&docs).expect("json"));
    for _ in 0..2 {
        // The second run changes nothing and records nothing.
        let out = run(&db, &["import", changed.path().to_str().expect("path")]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let pool = db.pool();
    let mut conn = pool.get().expect("connection");
    let entries =
        history::for_entity(&mut conn, "protocol", "dbcg-test-all5", true).expect("history");
    let summary: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e.action.as_str(), e.actor_label.as_str()))
        .collect();
    assert_eq!(summary, [("imported", "command line")], "{entries:?}");
    assert_eq!(
        entries[0].changes,
        [
            Change {
                field: "sponsor".into(),
                old: Some("Testsponsor".into()),
                new: Some("Ny sponsor".into()),
            },
            Change {
                field: "target_enrolment".into(),
                old: Some("100".into()),
                new: Some("250".into()),
            },
        ]
    );
    let untouched =
        history::for_entity(&mut conn, "protocol", "dlcg-test-nord", false).expect("history");
    assert!(
        untouched.is_empty(),
        "an unchanged record has no entry: {untouched:?}"
    );
}
