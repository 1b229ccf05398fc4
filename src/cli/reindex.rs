//! `reindex`: rebuild the search index from the database and make running servers rebuild
//! their snapshot.

use crate::catalogue::{Catalogue, Sources};
use crate::config::Settings;
use crate::db::{self, DbConnection};
use crate::search::{self, SearchIndex};

pub fn reindex(conn: &mut DbConnection, settings: &Settings) -> anyhow::Result<i32> {
    let dir = settings.data_dir.join(search::INDEX_DIR);
    match SearchIndex::open(&dir) {
        Ok(index) => {
            // The records the snapshot is built from are indexed as they are: read once.
            let (_, report) = Catalogue::from_sources_with(Sources::read(conn)?, |c, records| {
                index.rebuild_from(c, records, true)
            })?;
            let report = report?;
            // The merge into one segment runs in the background; let it finish before exiting.
            index.settle();
            println!(
                "search index in {} rebuilt: {} protocol(s) in {:.1} s",
                dir.display(),
                report.written,
                report.took.as_secs_f64()
            );
        }
        Err(search::OpenError::Busy(_)) => {
            SearchIndex::request_rebuild(&dir)?;
            println!(
                "a running server holds the search index in {}; it rebuilds it within seconds",
                dir.display()
            );
        }
        Err(search::OpenError::Failed(e)) => return Err(e),
    }
    db::bump_registry_version(conn)?;
    println!("registry marked changed; running servers rebuild within seconds");
    Ok(0)
}
