//! `serve` (the default): the web server on `BIND`.

use std::net::TcpListener;

use crate::config::Settings;
use crate::db;
use crate::search::{self, SearchIndex};
use crate::web::{self, AppState};

pub fn serve(settings: Settings, pool: db::DbPool) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let search = SearchIndex::open_or_in_ram(&settings.data_dir.join(search::INDEX_DIR))?;
        let mailer = std::sync::Arc::new(crate::mail::Mailer::from_settings(&settings)?);
        let listener = TcpListener::bind(settings.bind)?;
        let state = AppState::build(pool, settings, search, mailer)?;
        tracing::info!(address = %state.settings.bind, "serving http://{}", state.settings.bind);
        web::start(listener, state)?.await?;
        anyhow::Ok(())
    })
}
