//! Bulk import of MDT decisions from a department's system (contract.md §4): a CSV file with
//! a header row, comma or semicolon separated. Every row is checked first; one bad row, and
//! nothing of the file is stored. Errors name the line (the header is line 1).

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::history::Actor;
use crate::db::offers as store;
use crate::db::schema::offers;
use crate::db::DbConnection;
use crate::domain::cpr::looks_like_cpr;
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

/// One problem on one line of the file; `Display` gives the command line's English
/// `line N: field: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub field: String,
    pub message: Message,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Every problem found, in line order; nothing was stored.
    #[error("{} invalid rows", .0.len())]
    Invalid(Vec<LineError>),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// The rows of a file with their line numbers.
type Rows = Vec<(u64, OfferInput)>;

/// Reads the file into rows with their line numbers; any problem of a row is an error.
pub fn parse_csv(text: &str) -> Result<Rows, ImportError> {
    let (rows, errors) = read_rows(text)?;
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(ImportError::Invalid(errors))
    }
}

/// Reads the file into rows with their line numbers, and the problems of rows that could not
/// be read (or hold a CPR number in a column the register does not read). An error of the
/// whole file (its header) is the `Err`.
fn read_rows(text: &str) -> Result<(Rows, Vec<LineError>), ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let fail = |line: u64, field: &str, message: Message| {
        ImportError::Invalid(vec![LineError {
            line,
            field: field.to_owned(),
            message,
        }])
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| {
            fail(
                1,
                "header",
                Message::new(msg::IMPORT_HEADER_UNREADABLE).with("detail", e),
            )
        })?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(fail(1, "header", msg::IMPORT_EMPTY.into()));
    }
    check_header(&headers)?;
    let position: HashMap<&str, usize> = COLUMNS
        .iter()
        .chain(OPTIONAL.iter())
        .filter_map(|c| headers.iter().position(|h| h == c).map(|i| (*c, i)))
        .collect();
    let read: Vec<bool> = headers
        .iter()
        .enumerate()
        .map(|(i, _)| position.values().any(|&p| p == i))
        .collect();
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut lines = LineCounter::new(text);
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
                errors.push(LineError {
                    line,
                    field: "row".into(),
                    message: Message::new(msg::IMPORT_ROW_UNREADABLE).with("detail", e),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != headers.len() {
            errors.push(LineError {
                line,
                field: "row".into(),
                message: Message::new(msg::IMPORT_FIELD_COUNT)
                    .with("fields", record.len())
                    .with("header", headers.len()),
            });
            continue;
        }
        // The columns the register reads are checked with the row; a CPR number in any other
        // column is refused here, naming the column and not the value.
        for (i, cell) in record.iter().enumerate() {
            if !read[i] && looks_like_cpr(cell) {
                errors.push(LineError {
                    line,
                    field: match headers[i].as_str() {
                        "" => format!("column {}", i + 1),
                        name => name.to_owned(),
                    },
                    message: msg::CPR_REFUSED.into(),
                });
            }
        }
        let get = |c: &str| {
            position
                .get(c)
                .and_then(|&i| record.get(i))
                .unwrap_or("")
                .to_owned()
        };
        rows.push((line, OfferInput::from_fields(get)));
    }
    if rows.is_empty() && errors.is_empty() {
        return Err(fail(2, "row", msg::IMPORT_NO_ROWS.into()));
    }
    Ok((rows, errors))
}

/// Checks the header row (line 1): every column is one of the contract's (or an optional one
/// this import reads), named once, and none is missing. A column of anything else is refused
/// rather than skipped, so that a CPR number or a name is never read by mistake; a name that
/// is itself a CPR number is not repeated.
fn check_header(headers: &[String]) -> Result<(), ImportError> {
    let allowed: Vec<&str> = COLUMNS.iter().chain(OPTIONAL.iter()).copied().collect();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut error = |field: String, message: Message| {
        errors.push(LineError {
            line: 1,
            field,
            message,
        });
    };
    for (i, name) in headers.iter().enumerate() {
        let column = i + 1;
        if name.is_empty() {
            error(
                format!("column {column}"),
                Message::new(msg::IMPORT_UNNAMED_COLUMN).with("columns", allowed.join(", ")),
            );
        } else if looks_like_cpr(name) {
            error(format!("column {column}"), msg::IMPORT_CPR_COLUMN.into());
        } else if !allowed.contains(&name.as_str()) {
            error(
                name.clone(),
                Message::new(msg::IMPORT_UNKNOWN_COLUMN).with("columns", allowed.join(", ")),
            );
        } else if !seen.insert(name.as_str()) {
            error(name.clone(), msg::IMPORT_DUPLICATE_COLUMN.into());
        }
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !headers.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        error(
            "header".into(),
            Message::new(msg::IMPORT_MISSING_COLUMNS).with("columns", missing.join(", ")),
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ImportError::Invalid(errors))
    }
}

/// Line numbers of records from their byte offsets, counting newlines only between one record
/// and the next, so a file is read once however many rows it has. The csv crate's own count,
/// and its offset, include the blank lines it skipped before the record.
struct LineCounter<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The line (from 1) on which the record at `byte` starts; offsets come in file order.
    fn line_at(&mut self, byte: u64) -> u64 {
        let bytes = self.bytes;
        let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\n' | b'\r') {
            start += 1;
        }
        if start < self.at {
            // Out of order (never, with one reader): count from the top.
            self.at = 0;
            self.line = 1;
        }
        self.line += bytes[self.at..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.at = start;
        self.line
    }
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
    let (rows, mut errors) = read_rows(text)?;
    let mut records: Vec<(u64, OfferRecord)> = Vec::new();
    for (line, input) in rows {
        match input.validate(reference) {
            Ok(record) => {
                if allowed_sites.is_some_and(|sites| !sites.contains(&record.site_code)) {
                    errors.push(LineError {
                        line,
                        field: "site".into(),
                        message: Message::new(msg::OFFER_NOT_YOUR_SITE)
                            .with("site", &record.site_code),
                    });
                } else {
                    records.push((line, record));
                }
            }
            Err(field_errors) => errors.extend(field_errors.into_iter().map(|e| LineError {
                line,
                field: e.field,
                message: e.message,
            })),
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(ImportError::Invalid(errors));
    }
    conn.transaction(|conn| {
        let existing = existing_keys(conn, &records)?;
        let mut seen: HashMap<Key, u64> = HashMap::new();
        let mut warnings = Vec::new();
        for (line, record) in &records {
            let key = key_of(record);
            if existing.contains(&key) {
                warnings.push(LineError {
                    line: *line,
                    field: "patient_ref".into(),
                    message: msg::IMPORT_DUPLICATE_OF_REGISTER.into(),
                });
            } else if let Some(first) = seen.insert(key, *line) {
                warnings.push(LineError {
                    line: *line,
                    field: "patient_ref".into(),
                    message: Message::new(msg::IMPORT_DUPLICATE_OF_LINE).with("line", first),
                });
            }
        }
        let records: Vec<OfferRecord> = records.iter().map(|(_, r)| r.clone()).collect();
        store::insert_offers(conn, &records, actor, false, true, Utc::now().naive_utc())?;
        Ok(ImportReport {
            stored: records.len(),
            warnings,
        })
    })
}

type Key = (String, String, String, NaiveDate);

fn key_of(r: &OfferRecord) -> Key {
    (
        r.site_code.clone(),
        r.dmcg.clone(),
        r.patient_ref.clone(),
        r.decision_date,
    )
}

/// The keys already registered (not annulled) for the departments and dates of the file.
fn existing_keys(
    conn: &mut DbConnection,
    records: &[(u64, OfferRecord)],
) -> QueryResult<HashSet<Key>> {
    let (Some(first), Some(last)) = (
        records.iter().map(|(_, r)| r.decision_date).min(),
        records.iter().map(|(_, r)| r.decision_date).max(),
    ) else {
        return Ok(HashSet::new());
    };
    let sites: HashSet<&str> = records.iter().map(|(_, r)| r.site_code.as_str()).collect();
    let mut keys = HashSet::new();
    for site in sites {
        let rows: Vec<(String, String, String, NaiveDate)> = offers::table
            .filter(offers::site_code.eq(site))
            .filter(offers::decision_date.ge(first))
            .filter(offers::decision_date.le(last))
            .filter(offers::annulled.eq(0i16))
            .select((
                offers::site_code,
                offers::dmcg,
                offers::patient_ref,
                offers::decision_date,
            ))
            .load(conn)?;
        keys.extend(rows);
    }
    Ok(keys)
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
