//! Full-text search over published protocols: one [`SearchIndex`] (tantivy) kept in step with
//! the database. The index is a cache (style rule 9): documents carry the protocol id and the
//! texts snippets quote; lists read records from the catalogue snapshot. Each server process
//! keeps its own index, updated after every snapshot reload (see `services::read_model`).

pub mod analysis;
pub mod document;
mod find;
pub mod parse;
pub mod query;
pub mod schema;
pub mod snippet;
mod store;
pub mod vocabulary;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::Context;
use tantivy::directory::error::LockError;
use tantivy::directory::MmapDirectory;
use tantivy::indexer::{IndexWriterOptions, LogMergePolicy, NoMergePolicy};
use tantivy::{Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, TantivyError, Term};

pub use find::Found;
pub use snippet::Piece;

use self::document::{updated_micros, DocumentBuilder};
use self::schema::{Fields, SCHEMA_VERSION};
use self::store::CommitPayload;
use self::vocabulary::{fnv1a, Vocabulary, FNV_OFFSET};
use crate::catalogue::Catalogue;
use crate::db::{self, protocols::StoredProtocol, DbConnection};

/// The folder under `DATA_DIR` that holds the index.
pub const INDEX_DIR: &str = "search-index";

/// Records loaded per database query when updating changed records.
const LOAD_CHUNK: usize = 500;

/// Why an index folder could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Another process (a running server) has the folder's index writer.
    #[error("the search index in {0} is in use by another process")]
    Busy(PathBuf),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// What a [`SearchIndex::sync`] did.
#[derive(Debug, Clone, Copy)]
pub struct SyncReport {
    /// Documents written (new or changed records, or all of them on a rebuild).
    pub written: usize,
    pub removed: usize,
    pub rebuilt: bool,
    pub took: Duration,
}

impl SyncReport {
    fn logged(written: usize, removed: usize, rebuilt: bool, began: Instant) -> Self {
        let report = Self {
            written,
            removed,
            rebuilt,
            took: began.elapsed(),
        };
        tracing::info!(
            written,
            removed,
            rebuilt,
            ms = report.took.as_millis() as u64,
            "search index updated"
        );
        report
    }
}

/// What the index reflects.
#[derive(Debug, Default)]
struct SyncState {
    /// Registry version of the snapshot last synced; `None` until the first sync, which always
    /// compares the index with the snapshot record by record.
    version: Option<i64>,
    /// Reference data and vocabulary the documents were built with.
    fingerprint: u64,
    /// `updated_at` (microseconds) of each indexed record.
    indexed: HashMap<i32, i64>,
}

struct Inner {
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    vocabulary: Vocabulary,
    state: Mutex<SyncState>,
    /// `None` for an index in memory.
    dir: Option<PathBuf>,
    /// The thread waiting for a rebuilt index's merge into one segment, if one runs.
    merging: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Inner {
    /// Waits for the merge thread, if one runs.
    fn join_merge(&self) {
        let handle = self.merging.lock().ok().and_then(|mut m| m.take());
        if let Some(handle) = handle {
            let _ = handle.join();
        }
    }
}

impl Drop for Inner {
    /// The last clone gone: let a running merge finish while the writer still exists, so no
    /// merge is left writing into a folder the next opener may wipe.
    fn drop(&mut self) {
        self.join_merge();
    }
}

/// The search index. Cheap to clone; all clones share one index.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.inner.dir)
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> anyhow::Result<MutexGuard<'_, T>> {
    mutex
        .lock()
        .map_err(|_| anyhow::anyhow!("a search index update panicked"))
}

impl SearchIndex {
    /// An empty index in memory (tests, and the fallback when the folder is taken).
    pub fn in_ram() -> anyhow::Result<Self> {
        let (schema, fields) = Fields::build();
        Self::assemble(Index::create_in_ram(schema), fields, None).map_err(|e| match e {
            OpenError::Failed(e) => e,
            busy @ OpenError::Busy(_) => anyhow::anyhow!(busy),
        })
    }

    /// Opens the index in `dir`, creating it when missing and starting afresh when it is
    /// corrupt or of another schema version. It is filled by the first [`Self::sync`].
    pub fn open(dir: &Path) -> Result<Self, OpenError> {
        match Self::open_once(dir) {
            Err(OpenError::Failed(e)) => {
                tracing::warn!(error = %format!("{e:#}"), dir = %dir.display(), "search index unusable; starting a new one");
                store::wipe(dir)?;
                Self::open_once(dir)
            }
            other => other,
        }
    }

    /// [`Self::open`], or an index in memory when another process holds the folder (two
    /// servers sharing one `DATA_DIR`) or it cannot be used at all.
    pub fn open_or_in_ram(dir: &Path) -> anyhow::Result<Self> {
        match Self::open(dir) {
            Ok(index) => Ok(index),
            Err(e) => {
                tracing::warn!(error = %e, "keeping the search index in memory instead");
                Self::in_ram()
            }
        }
    }

    fn open_once(dir: &Path) -> Result<Self, OpenError> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        if !store::version_is_current(dir) {
            // Missing version file (new or foreign folder) or an older layout: start afresh.
            store::wipe(dir)?;
        }
        let (schema, fields) = Fields::build();
        let directory = MmapDirectory::open(dir).context("opening the index folder")?;
        let exists = Index::exists(&directory).context("looking for an index")?;
        let index = if exists {
            let index = Index::open(directory).context("opening the index")?;
            if index.schema() != schema {
                return Err(anyhow::anyhow!("the index on disk has another schema").into());
            }
            index
        } else {
            Index::create(directory, schema, IndexSettings::default())
                .context("creating the index")?
        };
        store::write_version(dir)?;
        Self::assemble(index, fields, Some(dir.to_owned()))
    }

    fn assemble(index: Index, fields: Fields, dir: Option<PathBuf>) -> Result<Self, OpenError> {
        analysis::register(index.tokenizers());
        // On disk the index may hold 100,000 records and is built at start: give it two
        // indexing threads. In memory (tests) one small writer is plenty.
        let (threads, budget) = if dir.is_some() {
            (2, 64_000_000)
        } else {
            (1, 16_000_000)
        };
        let options = IndexWriterOptions::builder()
            .num_worker_threads(threads)
            .memory_budget_per_thread(budget)
            .num_merge_threads(1)
            .build();
        let writer = match index.writer_with_options(options) {
            Ok(w) => w,
            Err(TantivyError::LockFailure(LockError::LockBusy, _)) => {
                return Err(OpenError::Busy(dir.unwrap_or_default()));
            }
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context("opening the index writer")
                    .into())
            }
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("opening the index reader")?;
        let (payload, indexed) = store::load_state(&index, &reader)?;
        let state = SyncState {
            version: None,
            fingerprint: payload.map_or(0, |p| p.fingerprint),
            indexed,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                fields,
                reader,
                writer: Mutex::new(writer),
                vocabulary: Vocabulary::builtin()?,
                state: Mutex::new(state),
                dir,
                merging: Mutex::new(None),
            }),
        })
    }

    /// Asks a server holding the index in `dir` to rebuild it (used by `reindex` when the
    /// folder is busy); the server does so when it next sees the registry change.
    pub fn request_rebuild(dir: &Path) -> anyhow::Result<()> {
        store::request_rebuild(dir)
    }

    /// Where the index lives, `None` in memory.
    pub fn dir(&self) -> Option<&Path> {
        self.inner.dir.as_deref()
    }

    /// Documents in the index as last committed.
    pub fn len(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the index files take (0 in memory).
    pub fn size_on_disk(&self) -> u64 {
        fn walk(dir: &Path) -> u64 {
            std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => walk(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        }
        self.dir().map_or(0, walk)
    }

    /// What documents depend on besides the records: reference data and the vocabulary.
    fn fingerprint(&self, catalogue: &Catalogue) -> u64 {
        let mut h = fnv1a(FNV_OFFSET, &SCHEMA_VERSION.to_le_bytes());
        h = fnv1a(h, &self.inner.vocabulary.fingerprint().to_le_bytes());
        for s in &catalogue.sites {
            for part in [&s.code, &s.hospital, &s.department, &s.city] {
                h = fnv1a(h, part.as_bytes());
                h = fnv1a(h, &[0]);
            }
            h = fnv1a(h, &s.region.code().to_le_bytes());
        }
        for d in &catalogue.dmcgs {
            for part in [&d.acronym, &d.name_da, &d.area_da, &d.area_en] {
                h = fnv1a(h, part.as_bytes());
                h = fnv1a(h, &[0]);
            }
        }
        h
    }

    /// Brings the index in step with the snapshot: records new or changed since they were
    /// indexed (by `updated_at`) are read from the database and replaced (delete-term plus
    /// add-document), records gone from the snapshot are deleted, and everything is rebuilt
    /// when reference data or the vocabulary changed or a rebuild was requested. Returns
    /// `None` when the index already reflected the snapshot's version.
    pub fn sync(
        &self,
        catalogue: &Catalogue,
        conn: &mut DbConnection,
    ) -> anyhow::Result<Option<SyncReport>> {
        let mut state = lock(&self.inner.state)?;
        let fingerprint = self.fingerprint(catalogue);
        let requested = self.dir().is_some_and(store::take_rebuild_request);
        if !requested
            && state.version == Some(catalogue.version)
            && state.fingerprint == fingerprint
        {
            return Ok(None);
        }
        let began = Instant::now();
        let wanted: HashMap<i32, i64> = catalogue
            .entries
            .iter()
            .map(|e| (e.id, updated_micros(e.updated_at)))
            .collect();
        let changed: Vec<i32> = wanted
            .iter()
            .filter(|(id, t)| state.indexed.get(id) != Some(t))
            .map(|(id, _)| *id)
            .collect();
        let removed: Vec<i32> = state
            .indexed
            .keys()
            .filter(|id| !wanted.contains_key(id))
            .copied()
            .collect();
        // Past a quarter of the registry one query for everything beats many small ones.
        let rebuild = requested
            || state.fingerprint != fingerprint
            || changed.len() > (catalogue.entries.len() / 4).max(LOAD_CHUNK);
        if !rebuild && changed.is_empty() && removed.is_empty() {
            state.version = Some(catalogue.version);
            return Ok(None);
        }
        let records = if rebuild {
            db::protocols::load_protocols(conn, None, true)?
        } else {
            let mut records = Vec::with_capacity(changed.len());
            for chunk in changed.chunks(LOAD_CHUNK) {
                records.extend(db::protocols::load_protocols(conn, Some(chunk), true)?);
            }
            records
        };
        let payload = CommitPayload {
            fingerprint,
            version: catalogue.version,
        };
        self.write(
            catalogue,
            &records,
            rebuild,
            changed.iter().chain(&removed),
            payload,
        )?;
        if rebuild {
            state.indexed.clear();
        } else {
            for id in changed.iter().chain(&removed) {
                state.indexed.remove(id);
            }
        }
        for r in &records {
            state.indexed.insert(r.id, updated_micros(r.updated_at));
        }
        state.version = Some(catalogue.version);
        state.fingerprint = fingerprint;
        Ok(Some(SyncReport::logged(
            records.len(),
            removed.len(),
            rebuild,
            began,
        )))
    }

    /// Builds the whole index from records already in memory: those the snapshot was just
    /// built from, on a start that finds the index empty, instead of reading every record from
    /// the database a second time. `checked`: they were read from the database; records from
    /// the snapshot file leave the index unchecked, so the next [`Self::sync`] compares it with
    /// the database's snapshot record by record.
    pub fn rebuild_from(
        &self,
        catalogue: &Catalogue,
        records: &[StoredProtocol],
        checked: bool,
    ) -> anyhow::Result<SyncReport> {
        let mut state = lock(&self.inner.state)?;
        let began = Instant::now();
        let fingerprint = self.fingerprint(catalogue);
        let payload = CommitPayload {
            fingerprint,
            version: catalogue.version,
        };
        self.write(catalogue, records, true, std::iter::empty(), payload)?;
        state.indexed = records
            .iter()
            .map(|r| (r.id, updated_micros(r.updated_at)))
            .collect();
        state.version = checked.then_some(catalogue.version);
        state.fingerprint = fingerprint;
        Ok(SyncReport::logged(records.len(), 0, true, began))
    }

    /// Waits for the merge into one segment that a rebuild starts in the background, so the
    /// index is one segment: before a process exits after a rebuild (`reindex`), and before
    /// benchmarks time queries. Returns at once when none runs.
    pub fn settle(&self) {
        self.inner.join_merge();
    }

    /// Makes the next [`Self::sync`] read these records again (benchmarks, repairs).
    pub fn mark_stale(&self, ids: &[i32]) -> anyhow::Result<()> {
        let mut state = lock(&self.inner.state)?;
        for id in ids {
            state.indexed.remove(id);
        }
        state.version = None;
        Ok(())
    }

    /// Applies deletions and documents in one commit; on failure nothing of it is kept. After a
    /// rebuild, the new segments are merged into one in the background: the index answers from
    /// the commit on, and the reader is reloaded again when the merge is done.
    fn write<'r>(
        &self,
        catalogue: &Catalogue,
        records: &[StoredProtocol],
        everything: bool,
        delete: impl Iterator<Item = &'r i32>,
        payload: CommitPayload,
    ) -> anyhow::Result<()> {
        let fields = &self.inner.fields;
        if everything {
            // One rebuild's merge at a time: the next rebuild replaces what it merges anyway.
            self.settle();
        }
        let mut writer = lock(&self.inner.writer)?;
        let mut merge = None;
        if everything {
            // No background merges while the rebuilt index is merged into one segment
            // below: one could take segments away from under that merge.
            writer.set_merge_policy(Box::new(NoMergePolicy));
        }
        let result = (|| -> anyhow::Result<()> {
            if everything {
                writer.delete_all_documents()?;
            } else {
                let ids: HashSet<&i32> = delete.collect();
                for id in ids {
                    let id = u64::try_from(*id).unwrap_or_default();
                    writer.delete_term(Term::from_field_u64(fields.id, id));
                }
            }
            let mut builder = DocumentBuilder::new(fields, catalogue, &self.inner.vocabulary);
            for record in records {
                writer.add_document(builder.build(record))?;
            }
            let mut commit = writer.prepare_commit()?;
            commit.set_payload(&serde_json::to_string(&payload)?);
            commit.commit()?;
            if everything {
                // One segment answers queries fastest; later updates add small segments
                // that the merge policy folds in over time. Started here, while no merge
                // policy can take these segments; awaited on a thread of its own below.
                let segments = writer.index().searchable_segment_ids()?;
                if segments.len() > 1 {
                    merge = Some(writer.merge(&segments));
                }
            }
            Ok(())
        })();
        if everything {
            writer.set_merge_policy(Box::new(LogMergePolicy::default()));
        }
        if let Err(e) = result {
            // Drop what was staged so the next attempt starts clean.
            let _ = writer.rollback();
            return Err(e.context("updating the search index"));
        }
        drop(writer);
        self.inner
            .reader
            .reload()
            .context("reloading the search index reader")?;
        if let Some(merge) = merge {
            let reader = self.inner.reader.clone();
            let began = Instant::now();
            // The commit has already succeeded; a failed merge only leaves more segments.
            let waiter = std::thread::Builder::new()
                .name("search-merge".into())
                .spawn(move || match merge.wait() {
                    Ok(_) => {
                        if let Err(e) = reader.reload() {
                            tracing::warn!(error = %e, "reloading the merged search index failed");
                        }
                        tracing::info!(
                            ms = began.elapsed().as_millis() as u64,
                            "search index merged into one segment"
                        );
                    }
                    Err(e) => tracing::warn!(error = %e, "merging the rebuilt search index failed"),
                })
                .context("starting the search index merge")?;
            if let Ok(mut merging) = self.inner.merging.lock() {
                *merging = Some(waiter);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
