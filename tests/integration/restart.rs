//! A restart serves what the last run left in `DATA_DIR` (the snapshot file and the search
//! index on disk) at once, and the refresher then brings both in step with the database.

use dccc_registry::catalogue::{persist, Catalogue, CatalogueHandle};
use dccc_registry::search::SearchIndex;
use dccc_registry::services::read_model::ReadModels;
use dccc_registry::services::{interchange, setup};

use crate::helpers::{TestDatabase, FIXTURE};

const ADDED: &str = r#"{
  "acronym": "DSG RESTART-1", "title_da": "DSG RESTART-1. Et forsøg registreret mens serveren var stoppet",
  "dmcg": "DSG", "phase": "phase-2", "recruitment_status": "open",
  "contact": { "email": "dsg@example.dk" },
  "eligibility": { "diagnoses": ["C49"] },
  "sites": [ { "site": "AUH-ONK", "status": "open" } ]
}"#;

fn prepared() -> (TestDatabase, dccc_registry::db::DbPool) {
    let db = TestDatabase::new();
    let pool = db.pool();
    let mut conn = pool.get().expect("connection");
    setup::prepare_database(&mut conn, false).expect("prepare");
    interchange::import_json(&mut conn, FIXTURE, false).expect("fixture");
    drop(conn);
    (db, pool)
}

fn acronyms(catalogue: &Catalogue) -> Vec<String> {
    catalogue
        .entries
        .iter()
        .map(|e| e.acronym.clone())
        .collect()
}

/// What two snapshots hold, in a form that compares (the hash maps left out: they are
/// indexes over the vectors compared here).
fn contents(c: &Catalogue) -> String {
    format!(
        "{} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {}",
        c.version,
        c.sites,
        c.dmcgs,
        c.pathways,
        c.entries,
        c.id_index,
        c.facet_keys,
        c.matcher,
        c.postcodes.len()
    )
}

#[test]
fn the_saved_snapshot_builds_the_same_catalogue_as_the_database() {
    let (_db, pool) = prepared();
    let dir = tempfile::tempdir().expect("data dir");
    let mut conn = pool.get().expect("connection");
    let first = CatalogueHandle::open(&mut conn, Some(dir.path())).expect("first start");
    assert!(
        !first.is_unverified(),
        "nothing saved yet: read from the database"
    );
    assert!(
        persist::path(dir.path()).exists(),
        "the start saved its snapshot"
    );
    let again = CatalogueHandle::open(&mut conn, Some(dir.path())).expect("restart");
    assert!(again.is_unverified(), "the restart served the file");
    let from_db = Catalogue::load(&mut conn).expect("database");
    assert!(!from_db.entries.is_empty());
    assert_eq!(contents(&again.get()), contents(&from_db));
}

#[test]
fn a_restart_serves_the_last_snapshot_until_the_refresh_reads_the_database() {
    let (_db, pool) = prepared();
    let dir = tempfile::tempdir().expect("data dir");
    let mut conn = pool.get().expect("connection");
    drop(CatalogueHandle::open(&mut conn, Some(dir.path())).expect("first run"));
    // While the server is stopped, a protocol is published from the command line.
    interchange::import_json(&mut conn, &format!("[{ADDED}]"), false).expect("import");

    let restarted = CatalogueHandle::open(&mut conn, Some(dir.path())).expect("restart");
    assert!(!acronyms(&restarted.get()).contains(&"DSG RESTART-1".to_owned()));
    assert!(restarted.refresh_if_stale(&mut conn).expect("refresh"));
    assert!(acronyms(&restarted.get()).contains(&"DSG RESTART-1".to_owned()));
    assert!(!restarted
        .refresh_if_stale(&mut conn)
        .expect("second refresh"));

    // The refresh saved what it read: the next start serves the new protocol at once.
    let next = CatalogueHandle::open(&mut conn, Some(dir.path())).expect("next start");
    assert!(next.is_unverified());
    assert!(acronyms(&next.get()).contains(&"DSG RESTART-1".to_owned()));
}

#[test]
fn a_served_file_is_read_again_from_the_database_even_at_the_same_version() {
    let (_db, pool) = prepared();
    let dir = tempfile::tempdir().expect("data dir");
    let mut conn = pool.get().expect("connection");
    drop(CatalogueHandle::open(&mut conn, Some(dir.path())).expect("first run"));
    let restarted = CatalogueHandle::open(&mut conn, Some(dir.path())).expect("restart");
    assert!(restarted.refresh_if_stale(&mut conn).expect("refresh"));
    assert!(!restarted.is_unverified());
    assert!(!restarted
        .refresh_if_stale(&mut conn)
        .expect("second refresh"));
}

#[test]
fn a_damaged_or_foreign_snapshot_file_is_ignored_and_replaced() {
    let (_db, pool) = prepared();
    let mut conn = pool.get().expect("connection");
    let from_db = contents(&Catalogue::load(&mut conn).expect("database"));
    for junk in [
        b"not a snapshot at all".to_vec(),
        b"dccc-registry snapshot format 0 version 0.0.0\n\x01\x02".to_vec(),
        Vec::new(),
    ] {
        let dir = tempfile::tempdir().expect("data dir");
        std::fs::write(persist::path(dir.path()), &junk).expect("write junk");
        let opened = CatalogueHandle::open(&mut conn, Some(dir.path())).expect("start");
        assert!(!opened.is_unverified(), "read from the database instead");
        assert_eq!(contents(&opened.get()), from_db);
        assert_ne!(
            std::fs::read(persist::path(dir.path())).expect("file"),
            junk
        );
    }
    // A file cut short (a full disk, say) is not read either.
    let dir = tempfile::tempdir().expect("data dir");
    drop(CatalogueHandle::open(&mut conn, Some(dir.path())).expect("save"));
    let file = persist::path(dir.path());
    let whole = std::fs::read(&file).expect("file");
    std::fs::write(&file, &whole[..whole.len() / 2]).expect("truncate");
    let opened = CatalogueHandle::open(&mut conn, Some(dir.path())).expect("start");
    assert!(!opened.is_unverified());
    assert_eq!(contents(&opened.get()), from_db);
}

#[test]
fn a_restart_serves_the_index_on_disk_and_the_refresh_brings_it_in_step() {
    let (_db, pool) = prepared();
    let data = tempfile::tempdir().expect("data dir");
    let index_dir = data.path().join(dccc_registry::search::INDEX_DIR);
    let mut conn = pool.get().expect("connection");
    let indexed = {
        let index = SearchIndex::open(&index_dir).expect("index");
        let models = ReadModels::open(&mut conn, index, Some(data.path())).expect("first run");
        assert!(
            !models.search.is_empty(),
            "a new index is built before serving"
        );
        models.search.len()
    };
    interchange::import_json(&mut conn, &format!("[{ADDED}]"), false).expect("import");

    let index = SearchIndex::open(&index_dir).expect("index again");
    let models = ReadModels::open(&mut conn, index, Some(data.path())).expect("restart");
    // Served as the last run left it: neither the snapshot nor the index has the new one yet.
    assert_eq!(models.search.len(), indexed);
    assert!(!acronyms(&models.catalogue.get()).contains(&"DSG RESTART-1".to_owned()));
    assert!(models.refresh(&mut conn).expect("refresh"));
    assert_eq!(models.search.len(), indexed + 1);
    assert!(acronyms(&models.catalogue.get()).contains(&"DSG RESTART-1".to_owned()));
}
