//! `reindex`: rebuild the search index from the database and make running servers rebuild
//! their snapshot.

use crate::catalogue::Catalogue;
use crate::config::Settings;
use crate::db::{self, DbConnection};
use crate::search::{self, SearchIndex};

pub fn reindex(conn: &mut DbConnection, settings: &Settings) -> anyhow::Result<i32> {
    let dir = settings.data_dir.join(search::INDEX_DIR);
    match SearchIndex::open(&dir) {
        Ok(index) => {
            let catalogue = Catalogue::load(conn)?;
            let report = index.rebuild(&catalogue, conn)?;
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
