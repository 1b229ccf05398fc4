//! `import FILE.json` and `export [--status all]`: the interchange format (contract.md §1) in
//! and out of the registry.

use std::io::Write;
use std::path::Path;

use crate::db::DbConnection;
use crate::services::interchange::{self, ImportError};

/// `import FILE.json`: exit 0 with the acronyms stored, or 2 with every error of every record.
pub fn import(conn: &mut DbConnection, file: &Path) -> anyhow::Result<i32> {
    let json = match std::fs::read_to_string(file) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return Ok(2);
        }
    };
    match interchange::import_json(conn, &json, false) {
        Ok(report) => {
            for w in &report.warnings {
                eprint!("warning: {w}");
            }
            println!(
                "imported {} protocol(s): {}",
                report.stored.len(),
                report.stored.join(", ")
            );
            Ok(0)
        }
        Err(ImportError::Invalid(records)) => {
            for r in &records {
                eprint!("{r}");
            }
            eprintln!(
                "nothing was imported: {} record(s) have errors",
                records.len()
            );
            Ok(2)
        }
        Err(ImportError::Unreadable(msg)) => {
            eprintln!("error: {}: {msg}; nothing was imported", file.display());
            Ok(2)
        }
        Err(e) => Err(e.into()),
    }
}

/// `export [--status all]`: published protocols (or all) as a JSON array on stdout.
pub fn export(conn: &mut DbConnection, status: &str) -> anyhow::Result<i32> {
    let all = match status {
        "all" => true,
        "published" => false,
        other => {
            eprintln!("error: --status must be all or published (got {other:?})");
            return Ok(2);
        }
    };
    let docs = interchange::export_docs(conn, all)?;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &docs)?;
    writeln!(out)?;
    Ok(0)
}
