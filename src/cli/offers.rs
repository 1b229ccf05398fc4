//! `offers import FILE.csv`: MDT decisions from a department's file (contract.md §4).

use std::path::Path;

use crate::catalogue::Catalogue;
use crate::db::{self, DbConnection};
use crate::services::offers::import::{import_file, ImportError};

/// `offers import FILE.csv`: exit 0 with the count, or 2 with every error by line.
pub fn import(conn: &mut DbConnection, file: &Path) -> anyhow::Result<i32> {
    let catalogue = Catalogue::load(conn)?;
    let reference = crate::services::offers::reference(&catalogue);
    let actor = db::history::Actor::system("command line");
    match import_file(conn, file, &reference, &actor, None) {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("{}: warning: {w}", file.display());
            }
            println!(
                "imported {} decision(s) from {}",
                report.stored,
                file.display()
            );
            Ok(0)
        }
        Err(ImportError::Invalid(errors)) => {
            for e in &errors {
                eprintln!("{}: {e}", file.display());
            }
            eprintln!(
                "nothing was imported: {} error(s) in {}",
                errors.len(),
                file.display()
            );
            Ok(2)
        }
        Err(ImportError::Io(e)) => {
            eprintln!(
                "error: cannot read {}: {e}; nothing was imported",
                file.display()
            );
            Ok(2)
        }
        Err(ImportError::Database(e)) => Err(e.into()),
    }
}
