//! Bulk import of MDT decisions from a department's system (contract.md §4): a CSV file with
//! a header row, comma or semicolon separated. Every row is checked first; one bad row, and
//! nothing of the file is stored. Errors name the line (the header is line 1).

use std::fs::File;
use std::io::Read;
use std::mem::take;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender};

use chrono::{NaiveDateTime, Utc};
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
    /// The file could not be opened.
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
    reference: &(impl OfferReference + Sync),
    actor: &Actor,
    allowed_sites: Option<&[String]>,
) -> Result<ImportReport, ImportError> {
    import_from(conn, text.as_bytes(), reference, actor, allowed_sites)
}

/// [`import_csv`] of a file, read as a stream, so that memory does not grow with its rows.
pub fn import_file(
    conn: &mut DbConnection,
    path: &Path,
    reference: &(impl OfferReference + Sync),
    actor: &Actor,
    allowed_sites: Option<&[String]>,
) -> Result<ImportReport, ImportError> {
    import_from(conn, File::open(path)?, reference, actor, allowed_sites)
}

/// How many entries one batch carries from the checking thread to the writer.
const BATCH: usize = 2000;

/// How many checked batches may wait for the writer (bounds the memory of an import).
const QUEUED: usize = 2;

/// Checked rows on their way to the writer, with their line numbers.
#[derive(Default)]
struct Batch {
    records: Vec<OfferRecord>,
    lines: Vec<u64>,
}

/// Reads the file once, in one transaction under the register's writer lock: one thread
/// parses and checks the rows and hands them on in batches; this one stores them. At the
/// first bad row the storing stops and the checking goes on to the end, so that every
/// problem is named; then the transaction is rolled back and nothing of the file is kept.
/// The duplicates are found by the database at the end.
pub fn import_from<R: Read + Send>(
    conn: &mut DbConnection,
    source: R,
    reference: &(impl OfferReference + Sync),
    actor: &Actor,
    allowed_sites: Option<&[String]>,
) -> Result<ImportReport, ImportError> {
    let now = Utc::now().naive_utc();
    crate::db::write_transaction(conn, |conn| {
        // The writer lock before anything is stored or compared: a second import of the
        // same file at the same time waits here, then finds the first one's rows.
        store::lock_register(conn)?;
        let before = store::last_id(conn)?;
        std::thread::scope(|scope| {
            let (sender, batches) = std::sync::mpsc::sync_channel(QUEUED);
            let checker =
                scope.spawn(move || check_rows(source, reference, allowed_sites, &sender));
            let stored = store_batches(conn, batches, actor, now);
            let checked = checker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            // A database error stopped the writer (and with it the checker): it comes first.
            let (lines, touched) = stored?;
            let rows = checked?;
            if rows == 0 {
                return Err(ImportError::Invalid(vec![no_rows()]));
            }
            store::recount_touched(conn, touched)?;
            let warnings = duplicates(conn, before, &lines)?;
            Ok(ImportReport {
                stored: rows,
                warnings,
            })
        })
    })
}

/// Parses and checks every row of `source`, sending the valid ones on in batches until the
/// first problem; returns the number of rows, or every problem in line order. Stops early
/// when the writer has stopped.
fn check_rows<R: Read>(
    source: R,
    reference: &impl OfferReference,
    allowed_sites: Option<&[String]>,
    sender: &SyncSender<Batch>,
) -> Result<usize, ImportError> {
    let mut errors = Vec::new();
    let mut rows = 0usize;
    let mut batch = Batch::default();
    for row in TableReader::new(source, TABLE).map_err(ImportError::Invalid)? {
        match row.map(|row| (row.line, record_of(&row, reference, allowed_sites))) {
            Ok((line, Ok(record))) => {
                rows += 1;
                if errors.is_empty() {
                    batch.records.push(record);
                    batch.lines.push(line);
                    if batch.records.len() == BATCH && sender.send(take(&mut batch)).is_err() {
                        // The writer failed; its error is the answer.
                        return Ok(rows);
                    }
                }
            }
            Ok((_, Err(row_errors))) => errors.extend(row_errors),
            Err(e) => errors.push(e),
        }
        if !errors.is_empty() && !batch.records.is_empty() {
            batch = Batch::default();
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(ImportError::Invalid(errors));
    }
    if !batch.records.is_empty() {
        // A closed channel means the writer failed; its error is the answer.
        let _ = sender.send(batch);
    }
    Ok(rows)
}

/// Stores the batches as they come; returns where each stored entry came from and the months
/// and departments to recount.
fn store_batches(
    conn: &mut DbConnection,
    batches: Receiver<Batch>,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<(LineMap, store::Touched)> {
    let mut lines = LineMap::default();
    let mut touched = store::Touched::new();
    for batch in batches {
        let ids =
            store::append_offers(conn, &batch.records, actor, false, true, now, &mut touched)?;
        for (id, line) in ids.into_iter().zip(batch.lines) {
            lines.push(id, line);
        }
    }
    Ok((lines, touched))
}

/// The line of the file each stored entry came from, by id. Ids and lines both mostly go up
/// by one, so runs of both are kept, not one pair per entry: memory stays flat in the rows.
#[derive(Debug, Default)]
struct LineMap {
    /// (first id, first line, length), in id order.
    runs: Vec<(i32, u64, u32)>,
}

impl LineMap {
    /// Notes the entry `id` (greater than every id before it) as read from `line`.
    fn push(&mut self, id: i32, line: u64) {
        if let Some((first_id, first_line, len)) = self.runs.last_mut() {
            let next = i64::from(*first_id) + i64::from(*len);
            if i64::from(id) == next && line == *first_line + u64::from(*len) && *len < u32::MAX {
                *len += 1;
                return;
            }
        }
        self.runs.push((id, line, 1));
    }

    /// The line of entry `id`, if it came from the file.
    fn line(&self, id: i32) -> Option<u64> {
        let run = self.runs.partition_point(|(first, _, _)| *first <= id);
        let (first_id, first_line, len) = *self.runs.get(run.checked_sub(1)?)?;
        let offset = u32::try_from(i64::from(id) - i64::from(first_id)).ok()?;
        (offset < len).then(|| first_line + u64::from(offset))
    }
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

/// The warnings for the entries stored after `before` (the file's rows, their lines in
/// `lines`) that repeat an earlier entry not annulled: one of the register, or an earlier row
/// of the file.
fn duplicates(
    conn: &mut DbConnection,
    before: i32,
    lines: &LineMap,
) -> QueryResult<Vec<LineError>> {
    let repeats = store::repeated_after(conn, before)?;
    let line_of = |id: i32| lines.line(id).unwrap_or(0);
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
    fn the_line_map_follows_gaps_in_ids_and_in_lines() {
        let mut map = LineMap::default();
        // Ids 11..=13 from lines 2..=4; line 5 blank; ids 14, 15 from lines 6, 7; a gap in the
        // ids (a rolled-back write) before 40 from line 8.
        for (id, line) in [(11, 2), (12, 3), (13, 4), (14, 6), (15, 7), (40, 8)] {
            map.push(id, line);
        }
        assert_eq!(map.runs.len(), 3, "{map:?}");
        let found: Vec<Option<u64>> = [10, 11, 13, 14, 15, 16, 39, 40, 41]
            .iter()
            .map(|id| map.line(*id))
            .collect();
        assert_eq!(
            found,
            [
                None,
                Some(2),
                Some(4),
                Some(6),
                Some(7),
                None,
                None,
                Some(8),
                None
            ]
        );
        assert_eq!(LineMap::default().line(1), None);
    }

    #[test]
    fn a_file_without_rows_is_refused() {
        assert!(parse_csv(&format!("{HEADER}\n")).is_err());
        assert!(parse_csv("").is_err());
    }
}
