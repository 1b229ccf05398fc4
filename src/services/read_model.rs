//! The read models that follow the database: the catalogue snapshot and the search index.
//! Every write bumps the registry's change counter; [`ReadModels::refresh`] rebuilds the
//! snapshot when the counter moved and then brings the index in step with it, so changes made
//! by another process (an import on the command line, another server) show up within seconds.

use std::time::Duration;

use crate::catalogue::CatalogueHandle;
use crate::db::{DbConnection, DbPool};
use crate::search::SearchIndex;

/// The snapshot and the index, side by side; cheap to clone.
#[derive(Clone)]
pub struct ReadModels {
    pub catalogue: CatalogueHandle,
    pub search: SearchIndex,
}

impl ReadModels {
    /// Loads the snapshot and brings the given index up to date with it (built from scratch
    /// when it is new).
    pub fn open(conn: &mut DbConnection, search: SearchIndex) -> anyhow::Result<Self> {
        let catalogue = CatalogueHandle::load(conn)?;
        search.sync(&catalogue.get(), conn)?;
        Ok(Self { catalogue, search })
    }

    /// A snapshot with a search index in memory (tests and tools).
    pub fn in_ram(conn: &mut DbConnection) -> anyhow::Result<Self> {
        Self::open(conn, SearchIndex::in_ram()?)
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

    /// Runs [`Self::refresh`] every `period` on the blocking pool.
    pub fn spawn_refresher(&self, pool: DbPool, period: Duration) {
        let models = self.clone();
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(period);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                let (m, pool) = (models.clone(), pool.clone());
                let result = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
                    m.refresh(&mut *pool.get()?)
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
