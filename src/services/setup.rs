//! Preparing a database for any command: migrations, reference data, and (on request) the
//! demo registry.

use super::interchange::json::{import_json, ImportError};
use crate::db::{self, DbConnection};

/// Migrates, loads reference data into an empty database and, when asked, the demo protocols.
pub fn prepare_database(conn: &mut DbConnection, demo: bool) -> anyhow::Result<()> {
    db::migrate(conn)?;
    // Protocols stored before the status history was kept get theirs from the change history.
    let rebuilt = db::status_history::backfill(conn)?;
    if rebuilt > 0 {
        tracing::info!(
            count = rebuilt,
            "status history rebuilt from the change history"
        );
    }
    if !db::reference::is_seeded(conn)? {
        db::seed::load_reference_data(conn)?;
        tracing::info!("reference data loaded");
    }
    if demo && db::protocols::count_protocols(conn)? == 0 {
        match import_json(conn, super::demo::DEMO_PROTOCOLS, true) {
            Ok(report) => tracing::info!(count = report.stored.len(), "demo protocols loaded"),
            Err(ImportError::Invalid(errors)) => {
                let text: String = errors.iter().map(ToString::to_string).collect();
                anyhow::bail!("the demo data in seed/ is invalid:\n{text}");
            }
            Err(e) => return Err(e.into()),
        }
    }
    if demo && db::offers::is_empty(conn)? {
        let n = super::offers::generate::load_demo(conn)?;
        tracing::info!(count = n, "demo offer register loaded");
    }
    Ok(())
}
