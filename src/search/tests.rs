//! Unit tests of the index: the folder's life cycle (new, reopened, old, corrupt, busy),
//! record-by-record updates, and the search tiers on the demo protocols.

use diesel::RunQueryDsl;

use super::*;
use crate::catalogue::ProtocolQuery;
use crate::config::DatabaseUrl;
use crate::db::DbPool;
use crate::services::{interchange, setup};

/// A SQLite database with reference data and the demo protocols.
fn database() -> (tempfile::TempDir, DbPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("r.db").display()))
        .expect("url");
    let pool = db::connect(&url, 2).expect("pool");
    let mut conn = pool.get().expect("connection");
    setup::prepare_database(&mut conn, true).expect("demo data");
    (dir, pool)
}

fn catalogue(pool: &DbPool) -> Catalogue {
    Catalogue::load(&mut pool.get().expect("connection")).expect("snapshot")
}

fn sync(index: &SearchIndex, pool: &DbPool) -> Option<SyncReport> {
    let c = catalogue(pool);
    index
        .sync(&c, &mut pool.get().expect("connection"))
        .expect("sync")
}

fn search(index: &SearchIndex, pool: &DbPool, params: &[(&str, &str)]) -> Vec<String> {
    let c = catalogue(pool);
    let pairs: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let query = ProtocolQuery::parse(&pairs, &c).expect("valid query");
    let found = index.search(&c, &query).expect("search");
    let result = c.list(&query, found.as_ref().map(|f| f.candidates.as_slice()));
    result
        .hits
        .iter()
        .map(|h| c.entries[h.entry].acronym.clone())
        .collect()
}

#[test]
fn an_index_on_disk_is_reused_and_rebuilt_when_old_or_corrupt() {
    let (tmp, pool) = database();
    let dir = tmp.path().join(INDEX_DIR);
    let published = catalogue(&pool).entries.len() as u64;

    let index = SearchIndex::open(&dir).expect("new index");
    let first = sync(&index, &pool).expect("a new index is built");
    assert!(first.rebuilt);
    assert_eq!(index.len(), published);
    assert!(std::fs::read_to_string(dir.join("schema-version"))
        .expect("version file")
        .starts_with(&SCHEMA_VERSION.to_string()));
    drop(index);

    // Reopened: nothing to do.
    let index = SearchIndex::open(&dir).expect("reopened");
    assert_eq!(index.len(), published);
    assert!(
        sync(&index, &pool).is_none(),
        "a current index is not rewritten"
    );
    drop(index);

    // An older schema version: rebuilt.
    std::fs::write(dir.join("schema-version"), "0\n").expect("write");
    let index = SearchIndex::open(&dir).expect("reopened after a version change");
    assert_eq!(index.len(), 0);
    assert!(sync(&index, &pool).expect("rebuilt").rebuilt);
    assert_eq!(index.len(), published);
    drop(index);

    // Corrupt metadata: rebuilt.
    std::fs::write(dir.join("meta.json"), "{ not json").expect("write");
    let index = SearchIndex::open(&dir).expect("reopened after corruption");
    assert!(sync(&index, &pool).expect("rebuilt").rebuilt);
    assert_eq!(index.len(), published);
    let hits = search(&index, &pool, &[("q", "DAHANCA 38")]);
    assert_eq!(hits.first().map(String::as_str), Some("DAHANCA 38"));
}

#[test]
fn a_folder_in_use_is_reported_busy_and_a_rebuild_can_be_requested() {
    let (tmp, pool) = database();
    let dir = tmp.path().join(INDEX_DIR);
    let index = SearchIndex::open(&dir).expect("index");
    sync(&index, &pool);
    assert!(matches!(SearchIndex::open(&dir), Err(OpenError::Busy(_))));
    let fallback = SearchIndex::open_or_in_ram(&dir).expect("in memory instead");
    assert!(fallback.dir().is_none());

    SearchIndex::request_rebuild(&dir).expect("marker");
    // The holder rebuilds at its next sync even though nothing changed.
    let report = sync(&index, &pool).expect("rebuilt on request");
    assert!(report.rebuilt);
    assert!(sync(&index, &pool).is_none(), "the request is used up");
}

const NEW_PROTOCOL: &str = r#"{
  "acronym": "DSG CHONDRO-1", "title_da": "DSG CHONDRO-1. Protonbestråling af kondrosarkom",
  "dmcg": "DSG", "phase": "phase-2", "recruitment_status": "open",
  "contact": { "email": "dsg@example.dk" },
  "eligibility": { "diagnoses": ["C41"] },
  "sites": [ { "site": "AUH-ONK", "status": "open" } ]
}"#;

#[test]
fn changes_replace_only_the_records_that_changed() {
    let (_tmp, pool) = database();
    let index = SearchIndex::in_ram().expect("index");
    sync(&index, &pool);
    let before = index.len();

    let mut conn = pool.get().expect("connection");
    interchange::import_json(&mut conn, NEW_PROTOCOL, false).expect("import");
    let report = sync(&index, &pool).expect("updated");
    assert!(!report.rebuilt);
    assert_eq!((report.written, report.removed), (1, 0));
    assert_eq!(index.len(), before + 1);
    assert_eq!(
        search(&index, &pool, &[("q", "kondrosarkom")]),
        ["DSG CHONDRO-1"]
    );

    // An edit replaces the document: the old words are gone, the new ones found.
    let edited = NEW_PROTOCOL.replace("kondrosarkom", "chordom");
    interchange::import_json(&mut conn, &edited, false).expect("re-import");
    let report = sync(&index, &pool).expect("updated");
    assert_eq!((report.written, report.removed), (1, 0));
    assert_eq!(index.len(), before + 1);
    assert!(search(&index, &pool, &[("q", "kondrosarkom")]).is_empty());
    assert_eq!(
        search(&index, &pool, &[("q", "chordom")]),
        ["DSG CHONDRO-1"]
    );

    // Unpublished: removed from the index.
    diesel::sql_query(
        "UPDATE protocols SET review_status = 'draft' WHERE acronym = 'DSG CHONDRO-1'",
    )
    .execute(&mut conn)
    .expect("unpublish");
    db::bump_registry_version(&mut conn).expect("bump");
    let report = sync(&index, &pool).expect("updated");
    assert_eq!((report.written, report.removed), (0, 1));
    assert_eq!(index.len(), before);
}

#[test]
fn tiers_put_exact_keys_first_and_filters_narrow_the_text() {
    let (_tmp, pool) = database();
    let index = SearchIndex::in_ram().expect("index");
    sync(&index, &pool);
    let first = |params: &[(&str, &str)]| search(&index, &pool, params).into_iter().next();
    assert_eq!(first(&[("q", "DAHANCA38")]).as_deref(), Some("DAHANCA 38"));
    assert_eq!(
        first(&[("q", "NCT09184527")]).as_deref(),
        Some("DBCG RT-HYPOSKAN")
    );
    assert_eq!(first(&[("q", "proton")]).as_deref(), Some("DAHANCA 38"));
    let children = search(&index, &pool, &[("q", "leukæmi"), ("paediatric", "true")]);
    assert!(!children.is_empty());
    assert!(
        children.iter().all(|a| a.starts_with("DAPHO")),
        "{children:?}"
    );
    assert!(
        search(&index, &pool, &[("q", "(((")]).len() > 1,
        "no words: no text filter"
    );
}

#[test]
fn a_rebuild_from_records_in_memory_answers_at_once_and_after_its_merge() {
    let (tmp, pool) = database();
    let from_db = SearchIndex::in_ram().expect("index");
    sync(&from_db, &pool);

    let index = SearchIndex::open(&tmp.path().join(INDEX_DIR)).expect("index on disk");
    let sources =
        crate::catalogue::Sources::read(&mut pool.get().expect("connection")).expect("sources");
    let (built, report) =
        Catalogue::from_sources_with(sources, |c, records| index.rebuild_from(c, records, true))
            .expect("snapshot");
    let report = report.expect("rebuilt");
    assert!(report.rebuilt);
    assert_eq!(report.written, built.entries.len());
    assert_eq!(index.len(), built.entries.len() as u64);

    let queries: [&[(&str, &str)]; 5] = [
        &[("q", "brystkræft")],
        &[("q", "lungekræft"), ("region", "1084")],
        &[("q", "immunterapi")],
        &[("q", "leukæmi"), ("paediatric", "true")],
        &[("q", "DAHANCA38")],
    ];
    // Searchable from the commit on, whether or not the merge has finished yet.
    for q in queries {
        assert_eq!(
            search(&index, &pool, q),
            search(&from_db, &pool, q),
            "{q:?}"
        );
    }
    index.settle();
    assert_eq!(
        index.inner.reader.searcher().segment_readers().len(),
        1,
        "merged into one segment, and the reader sees it"
    );
    for q in queries {
        assert_eq!(
            search(&index, &pool, q),
            search(&from_db, &pool, q),
            "{q:?}"
        );
    }
    assert!(
        sync(&index, &pool).is_none(),
        "records read from the database: the index is current"
    );
}

#[test]
fn records_from_the_snapshot_file_are_checked_by_the_next_sync() {
    let (_tmp, pool) = database();
    let c = catalogue(&pool);
    let mut records =
        db::protocols::load_protocols(&mut pool.get().expect("connection"), None, true)
            .expect("records");
    // A file older than the database: one record had other words and an earlier timestamp.
    let stale = &mut records[0];
    stale.protocol.title_da = Some("Kvartsglasstudiet".to_owned());
    stale.updated_at -= chrono::Duration::days(1);
    let acronym = stale.protocol.acronym.clone();

    for checked in [true, false] {
        let index = SearchIndex::in_ram().expect("index");
        index.rebuild_from(&c, &records, checked).expect("rebuilt");
        assert_eq!(
            search(&index, &pool, &[("q", "kvartsglasstudiet")]),
            std::slice::from_ref(&acronym)
        );
        let report = sync(&index, &pool);
        if checked {
            assert!(report.is_none(), "trusted as the database's");
        } else {
            let report = report.expect("compared record by record");
            assert_eq!(
                (report.written, report.removed, report.rebuilt),
                (1, 0, false)
            );
            assert!(search(&index, &pool, &[("q", "kvartsglasstudiet")]).is_empty());
        }
    }
}
