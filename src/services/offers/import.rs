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
use crate::domain::csv_table::{read_table, Columns};

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
/// be read. An error of the whole file (its header) is the `Err`.
fn read_rows(text: &str) -> Result<(Rows, Vec<LineError>), ImportError> {
    let columns = Columns {
        required: &COLUMNS,
        optional: &OPTIONAL,
    };
    let (rows, errors) = read_table(text, columns).map_err(ImportError::Invalid)?;
    let rows = rows
        .iter()
        .map(|row| (row.line, OfferInput::from_fields(|c| row.get(c).to_owned())))
        .collect();
    Ok((rows, errors))
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
    crate::db::write_transaction(conn, |conn| {
        // The writer lock before the duplicate check: a second import of the same file at
        // the same time waits here, then finds the first one's rows.
        store::lock_register(conn)?;
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
