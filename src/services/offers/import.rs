//! Bulk import of MDT decisions from a department's system (contract.md §4): a CSV file with
//! a header row, comma or semicolon separated. Every row is checked first; one bad row, and
//! nothing of the file is stored. Errors name the line (the header is line 1).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use chrono::Utc;
use diesel::QueryResult;

use crate::db::history::Actor;
use crate::db::offers as store;
use crate::db::DbConnection;
use crate::domain::offers::{OfferInput, OfferRecord, OfferReference};
use crate::domain::{msg, Message};

/// The columns a file must have, in the contract's order.
pub const COLUMNS: [&str; 13] = [
    "decision_date",
    "site",
    "dmcg",
    "patient_ref",
    "age",
    "sex",
    "residence_postcode",
    "mdt_level",
    "offered",
    "protocol",
    "not_offered_reason",
    "outcome",
    "outcome_date",
];

/// Optional columns also read (beyond the contract's list, which may grow).
const OPTIONAL: [&str; 1] = ["reason_text"];

pub use crate::domain::csv_table::LineError;
use crate::domain::csv_table::{no_rows, read_table, Columns, Row, TableReader};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Every problem found, in line order; nothing was stored.
    #[error("{} invalid rows", .0.len())]
    Invalid(Vec<LineError>),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    /// The file could not be opened or read again.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The rows of a file with their line numbers.
type Rows = Vec<(u64, OfferInput)>;

/// The file's columns.
const TABLE: Columns = Columns {
    required: &COLUMNS,
    optional: &OPTIONAL,
};

/// Reads the file into rows with their line numbers; any problem of a row is an error.
pub fn parse_csv(text: &str) -> Result<Rows, ImportError> {
    let (rows, errors) = read_table(text, TABLE).map_err(ImportError::Invalid)?;
    if !errors.is_empty() {
        return Err(ImportError::Invalid(errors));
    }
    Ok(rows.iter().map(|row| (row.line, input_of(row))).collect())
}

fn input_of(row: &Row) -> OfferInput {
    OfferInput::from_fields(|c| row.get(c).to_owned())
}

/// What an import stored, and the rows worth a second look.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub stored: usize,
    /// Rows that repeat an entry already in the register, or another row of the file (same
    /// department, DMCG, patient reference and date): stored, since a patient can have two
    /// decisions a day, but named so that a file imported twice is noticed and annulled.
    pub warnings: Vec<LineError>,
}

/// Checks every row of the file and, only if all are valid, stores them in one transaction.
/// `allowed_sites` limits a clinician to their departments.
pub fn import_csv(
    conn: &mut DbConnection,
    text: &str,
    reference: &impl OfferReference,
    actor: &Actor,
    allowed_sites: Option<&[String]>,
) -> Result<ImportReport, ImportError> {
    import_from(
        conn,
        || Ok(text.as_bytes()),
        reference,
        actor,
        allowed_sites,
    )
}

/// [`import_csv`] of a file, read twice from disk (once to check, once to store), so that
/// memory does not grow with its rows.
pub fn import_file(
    conn: &mut DbConnection,
    path: &Path,
    reference: &impl OfferReference,
    actor: &Actor,
    allowed_sites: Option<&[String]>,
) -> Result<ImportReport, ImportError> {
    import_from(conn, || File::open(path), reference, actor, allowed_sites)
}

/// How many entries one statement batch stores.
const BATCH: usize = 2000;

/// Reads the file from `open` twice: the first pass checks every row and keeps only the
/// errors; if there are none, the second stores the rows in batches, in one transaction under
/// the register's writer lock, and the duplicates are found by the database afterwards.
pub fn import_from<R: Read>(
    conn: &mut DbConnection,
    open: impl Fn() -> std::io::Result<R>,
    reference: &impl OfferReference,
    actor: &Actor,
    allowed_sites: Option<&[String]>,
) -> Result<ImportReport, ImportError> {
    let mut errors = Vec::new();
    let mut rows = 0usize;
    for row in TableReader::new(open()?, TABLE).map_err(ImportError::Invalid)? {
        match row.map(|row| record_of(&row, reference, allowed_sites)) {
            Ok(Ok(_)) => rows += 1,
            Ok(Err(row_errors)) => errors.extend(row_errors),
            Err(e) => errors.push(e),
        }
    }
    if rows == 0 && errors.is_empty() {
        errors.push(no_rows());
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(ImportError::Invalid(errors));
    }
    let now = Utc::now().naive_utc();
    crate::db::write_transaction(conn, |conn| {
        // The writer lock before anything is stored or compared: a second import of the
        // same file at the same time waits here, then finds the first one's rows.
        store::lock_register(conn)?;
        let before = store::last_id(conn)?;
        let mut lines: Vec<u64> = Vec::with_capacity(rows);
        let mut batch = Vec::with_capacity(BATCH);
        let mut touched = store::Touched::new();
        for row in TableReader::new(open()?, TABLE).map_err(ImportError::Invalid)? {
            // The file was valid a moment ago; if it changed since, stop and store nothing.
            let row = row.map_err(|e| ImportError::Invalid(vec![e]))?;
            let record = record_of(&row, reference, allowed_sites).map_err(ImportError::Invalid)?;
            lines.push(row.line);
            batch.push(record);
            if batch.len() == BATCH {
                store::append_offers(conn, &batch, actor, false, true, now, &mut touched)?;
                batch.clear();
            }
        }
        store::append_offers(conn, &batch, actor, false, true, now, &mut touched)?;
        store::recount_touched(conn, touched)?;
        let warnings = duplicates(conn, before, &lines)?;
        Ok(ImportReport {
            stored: lines.len(),
            warnings,
        })
    })
}

/// A row as an entry, or its problems.
fn record_of(
    row: &Row,
    reference: &impl OfferReference,
    allowed_sites: Option<&[String]>,
) -> Result<OfferRecord, Vec<LineError>> {
    let line = row.line;
    let record = input_of(row).validate(reference).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| LineError {
                line,
                field: e.field,
                message: e.message,
            })
            .collect::<Vec<_>>()
    })?;
    if allowed_sites.is_some_and(|sites| !sites.contains(&record.site_code)) {
        return Err(vec![LineError {
            line,
            field: "site".into(),
            message: Message::new(msg::OFFER_NOT_YOUR_SITE).with("site", &record.site_code),
        }]);
    }
    Ok(record)
}

/// The warnings for the entries stored after `before` (the file's rows, at `lines` in id
/// order) that repeat an earlier entry not annulled: one of the register, or an earlier row
/// of the file.
fn duplicates(conn: &mut DbConnection, before: i32, lines: &[u64]) -> QueryResult<Vec<LineError>> {
    let repeats = store::repeated_after(conn, before)?;
    let line_of = |id: i32| {
        usize::try_from(id - before - 1)
            .ok()
            .and_then(|i| lines.get(i))
            .copied()
            .unwrap_or(0)
    };
    Ok(repeats
        .into_iter()
        .map(|(id, first)| {
            let message = if first <= before {
                msg::IMPORT_DUPLICATE_OF_REGISTER.into()
            } else {
                Message::new(msg::IMPORT_DUPLICATE_OF_LINE).with("line", line_of(first))
            };
            LineError {
                line: line_of(id),
                field: "patient_ref".into(),
                message,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "decision_date,site,dmcg,patient_ref,age,sex,residence_postcode,mdt_level,offered,protocol,not_offered_reason,outcome,outcome_date";

    #[test]
    fn semicolons_and_a_byte_order_mark_are_read() {
        let text = format!(
            "\u{feff}{}\n2026-03-01;AUH-ONK;DBCG;P1;67;female;8000;local;no;;capacity;;\n",
            HEADER.replace(',', ";")
        );
        let rows = parse_csv(&text).expect("readable");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[0].1.not_offered_reason, "capacity");
    }

    #[test]
    fn a_missing_column_is_reported_on_line_one() {
        let Err(ImportError::Invalid(errors)) = parse_csv("decision_date,site\n2026-01-01,X\n")
        else {
            panic!("expected an error");
        };
        assert_eq!(errors[0].line, 1);
        assert!(
            errors[0].message.to_string().contains("patient_ref"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn a_column_outside_the_contract_is_refused_by_name_on_line_one() {
        let text = format!(
            "{HEADER},cpr,navn,,0101901234,site\n2026-03-01,AUH-ONK,DBCG,P1,67,female,8000,local,no,,capacity,,,0101901234,Jens,,,AUH-ONK\n"
        );
        let Err(ImportError::Invalid(errors)) = parse_csv(&text) else {
            panic!("expected an error");
        };
        let found: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            found,
            [
                (1, "cpr"),
                (1, "navn"),
                (1, "column 16"),
                (1, "column 17"),
                (1, "site")
            ],
            "{errors:?}"
        );
        assert_eq!(
            errors[0].to_string(),
            format!(
                "line 1: cpr: unknown column; allowed: {}, reason_text",
                COLUMNS.join(", ")
            )
        );
        assert!(
            errors.iter().all(|e| !e.to_string().contains("0101901234")),
            "a CPR number is not repeated: {errors:?}"
        );
        assert_eq!(errors[4].message.english(), "the column appears twice");
    }

    #[test]
    fn the_optional_column_and_any_column_order_are_read() {
        let mut columns: Vec<&str> = COLUMNS.iter().rev().copied().collect();
        columns.push("reason_text");
        let text = format!(
            "{}\n,,capacity,,no,local,8000,female,67,P1,DBCG,AUH-ONK,2026-03-01,uddybning\n",
            columns.join(",")
        );
        let rows = parse_csv(&text).expect("readable");
        assert_eq!(rows[0].1.site, "AUH-ONK");
        assert_eq!(rows[0].1.reason_text, "uddybning");
    }

    #[test]
    fn a_short_row_is_reported_with_its_line() {
        let text = format!(
            "{HEADER}\n2026-03-01,AUH-ONK,DBCG,P1,67,female,8000,local,no,,capacity,,\n\n2026-03-01,AUH-ONK\n"
        );
        let Err(ImportError::Invalid(errors)) = parse_csv(&text) else {
            panic!("expected an error");
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 4);
    }

    #[test]
    fn a_file_without_rows_is_refused() {
        assert!(parse_csv(&format!("{HEADER}\n")).is_err());
        assert!(parse_csv("").is_err());
    }
}
