//! The index folder (`DATA_DIR/search-index/`): its schema-version file, the marker a
//! `reindex` leaves for a running server, wiping, and what a commit records.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexReader};

use super::schema::SCHEMA_VERSION;

const VERSION_FILE: &str = "schema-version";
const REBUILD_MARKER: &str = "rebuild-requested";

/// Recorded with every commit: what the documents were built against.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct CommitPayload {
    pub fingerprint: u64,
    pub version: i64,
}

/// Whether the folder's schema-version file names this build's schema.
pub fn version_is_current(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join(VERSION_FILE))
        .is_ok_and(|v| v.trim() == SCHEMA_VERSION.to_string())
}

pub fn write_version(dir: &Path) -> anyhow::Result<()> {
    std::fs::write(dir.join(VERSION_FILE), format!("{SCHEMA_VERSION}\n"))
        .with_context(|| format!("writing {}", dir.join(VERSION_FILE).display()))
}

/// Empties the folder (the index is a cache; the database has everything).
pub fn wipe(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

/// Asks the server holding the index to rebuild it at its next check.
pub fn request_rebuild(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join(REBUILD_MARKER),
        b"requested by dccc-registry reindex\n",
    )
    .with_context(|| format!("writing {}", dir.join(REBUILD_MARKER).display()))
}

/// Whether a rebuild was asked for; consumes the request.
pub fn take_rebuild_request(dir: &Path) -> bool {
    std::fs::remove_file(dir.join(REBUILD_MARKER)).is_ok()
}

/// What the committed index holds: its payload and each document's id and `updated`.
pub fn load_state(
    index: &Index,
    reader: &IndexReader,
) -> anyhow::Result<(Option<CommitPayload>, HashMap<i32, i64>)> {
    let payload = index
        .load_metas()
        .context("reading the index metadata")?
        .payload
        .and_then(|p| serde_json::from_str(&p).ok());
    let searcher = reader.searcher();
    let mut indexed = HashMap::new();
    for segment in searcher.segment_readers() {
        let ids = segment.fast_fields().u64("id")?;
        let updated = segment.fast_fields().i64("updated")?;
        for doc in segment.doc_ids_alive() {
            if let (Some(id), Some(t)) = (ids.first(doc), updated.first(doc)) {
                indexed.insert(i32::try_from(id).context("a stored id is out of range")?, t);
            }
        }
    }
    Ok((payload, indexed))
}
