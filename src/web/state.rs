//! [`AppState`]: everything a handler needs, built once before the server starts.

use std::sync::Arc;

use crate::catalogue::CatalogueHandle;
use crate::config::Settings;
use crate::db::DbPool;
use crate::mail::Mailer;
use crate::search::SearchIndex;
use crate::services::protocols::workflow::MailContext;
use crate::services::read_model::ReadModels;
use crate::services::reports::ReportCache;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    /// The snapshot of the published registry.
    pub catalogue: CatalogueHandle,
    /// The full-text index, kept in step with the snapshot.
    pub search: SearchIndex,
    /// The transparency report's tables that depend on the snapshot only.
    pub reports: Arc<ReportCache>,
    pub settings: Settings,
    pub mailer: Arc<Mailer>,
    /// The key that signs links sent by e-mail (unsubscribing from alerts): the signing half
    /// of the session key, so it survives restarts as sessions do.
    pub link_key: Arc<Vec<u8>>,
}

impl AppState {
    /// Loads the snapshot and readies `search` ([`ReadModels::open`]).
    pub fn build(
        pool: DbPool,
        settings: Settings,
        search: SearchIndex,
        mailer: Arc<Mailer>,
    ) -> anyhow::Result<Self> {
        let models = ReadModels::open(&mut *pool.get()?, search, Some(&settings.data_dir))?;
        let link_key = Arc::new(crate::web::auth::session_key(&settings)?.signing().to_vec());
        Ok(Self {
            pool,
            catalogue: models.catalogue,
            search: models.search,
            reports: models.reports,
            settings,
            mailer,
            link_key,
        })
    }

    pub fn read_models(&self) -> ReadModels {
        ReadModels {
            catalogue: self.catalogue.clone(),
            search: self.search.clone(),
            reports: self.reports.clone(),
        }
    }

    /// Brings the snapshot and the index up to date now (after a write whose result the next
    /// page must show); a failure is logged and left to the periodic refresh.
    pub async fn refresh_now(&self) {
        let (models, pool) = (self.read_models(), self.pool.clone());
        let result = actix_web::web::block(move || -> anyhow::Result<bool> {
            models.refresh(&mut *pool.get()?)
        })
        .await;
        match result {
            Ok(Ok(true)) => {
                // The report tables follow in the background: the writer does not wait.
                let (models, pool) = (self.read_models(), self.pool.clone());
                actix_web::rt::task::spawn_blocking(move || {
                    if let Ok(mut conn) = pool.get() {
                        models.warm_reports(&mut conn);
                    }
                });
            }
            Ok(Err(e)) => tracing::warn!(error = %format!("{e:#}"), "snapshot refresh failed"),
            _ => {}
        }
    }

    pub fn mail_context(&self) -> MailContext {
        MailContext {
            inbox: self.settings.protocol_inbox.clone(),
            base_url: self.settings.base_url.clone(),
        }
    }
}
