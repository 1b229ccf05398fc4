//! The read models that follow the database: the catalogue snapshot and the search index.
//! Every write bumps the registry's change counter; [`ReadModels::refresh`] rebuilds the
//! snapshot when the counter moved and then brings the index in step with it, so changes made
//! by another process (an import on the command line, another server) show up within seconds.

use std::sync::Arc;
use std::time::Duration;

use crate::catalogue::CatalogueHandle;
use crate::db::{DbConnection, DbPool};
use crate::search::SearchIndex;
use crate::services::reports::ReportCache;

/// The snapshot and the index, side by side, and the report tables computed from the
/// snapshot; cheap to clone.
#[derive(Clone)]
pub struct ReadModels {
    pub catalogue: CatalogueHandle,
    pub search: SearchIndex,
    pub reports: Arc<ReportCache>,
}

impl ReadModels {
    /// Loads the snapshot (from the file in `data_dir` the last run left, when there is one:
    /// see `catalogue::persist`) and readies the index: an empty one is built now, from the
    /// records the snapshot was built from; one that holds documents serves as it is and is
    /// brought in step by the first [`Self::refresh`], so a restart answers at once while the
    /// refresher checks both against the database.
    pub fn open(
        conn: &mut DbConnection,
        search: SearchIndex,
        data_dir: Option<&std::path::Path>,
    ) -> anyhow::Result<Self> {
        let catalogue =
            CatalogueHandle::open_with(conn, data_dir, |snapshot, records, checked| {
                if search.is_empty() && !records.is_empty() {
                    search.rebuild_from(snapshot, records, checked)?;
                }
                Ok(())
            })?;
        Ok(Self {
            catalogue,
            search,
            reports: Arc::default(),
        })
    }

    /// A snapshot with a search index in memory (tests and tools).
    pub fn in_ram(conn: &mut DbConnection) -> anyhow::Result<Self> {
        Self::open(conn, SearchIndex::in_ram()?, None)
    }

    /// Rebuilds the snapshot if the registry changed, then brings the search index in step;
    /// returns whether the snapshot was rebuilt.
    pub fn refresh(&self, conn: &mut DbConnection) -> anyhow::Result<bool> {
        let rebuilt = self.catalogue.refresh_if_stale(conn)?;
        // The snapshot is already current, so a failed index update is only logged; the index
        // stays behind the snapshot's version and is retried on the next check.
        if let Err(e) = self.search.sync(&self.catalogue.get(), conn) {
            tracing::warn!(error = %format!("{e:#}"), "search index update failed");
        }
        Ok(rebuilt)
    }

    /// Computes the report tables of the current snapshot ([`ReportCache::warm`]); a failure
    /// is logged and the tables are computed when first asked for.
    pub fn warm_reports(&self, conn: &mut DbConnection) {
        if let Err(e) = self.reports.warm(conn, &self.catalogue.get()) {
            tracing::warn!(error = %format!("{e:#}"), "report tables not computed ahead");
        }
    }

    /// Runs [`Self::refresh`] every `period` on the blocking pool; at the start and after a
    /// rebuild, computes the report tables of the snapshot.
    pub fn spawn_refresher(&self, pool: DbPool, period: Duration) {
        let models = self.clone();
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(period);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut first = true;
            loop {
                ticker.tick().await;
                let (m, pool) = (models.clone(), pool.clone());
                let warm_anyway = std::mem::take(&mut first);
                let result = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
                    let mut conn = pool.get()?;
                    let rebuilt = m.refresh(&mut conn)?;
                    if rebuilt || warm_anyway {
                        m.warm_reports(&mut conn);
                    }
                    Ok(rebuilt)
                })
                .await;
                match result {
                    Ok(Ok(true)) => tracing::info!("registry changed; snapshot rebuilt"),
                    Ok(Ok(false)) => {}
                    Ok(Err(e)) => tracing::warn!(error = %e, "snapshot refresh failed"),
                    Err(e) => tracing::warn!(error = %e, "snapshot refresh task failed"),
                }
            }
        });
    }
}
