//! Registry operations shared by the command line and the web: importing interchange files
//! all-or-nothing, exporting, and the reference codes a record is checked against.

use std::collections::HashSet;

use chrono::{NaiveDateTime, Utc};

use crate::db::history::{self, diff_json, Actor};
use crate::db::protocols::{StoredProtocol, PUBLISHED};
use crate::db::{self, DbConnection};
use crate::domain::interchange::{parse_documents, warnings};
use crate::domain::{FieldError, Protocol, ProtocolDoc, ReferenceCodes};

/// The problems of one record of an import file.
#[derive(Debug, Clone)]
pub struct RecordErrors {
    /// 1-based position of the record in the file.
    pub record: usize,
    pub acronym: Option<String>,
    pub errors: Vec<FieldError>,
}

impl std::fmt::Display for RecordErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self
            .acronym
            .as_deref()
            .map(|a| format!(" ({a})"))
            .unwrap_or_default();
        for e in &self.errors {
            let field = if e.field.is_empty() {
                String::new()
            } else {
                format!("{}: ", e.field)
            };
            writeln!(f, "record {}{name}: {field}{}", self.record, e.message)?;
        }
        Ok(())
    }
}

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Unreadable(String),
    #[error("{} invalid record(s)", .0.len())]
    Invalid(Vec<RecordErrors>),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// What an import stored.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub stored: Vec<String>,
    pub warnings: Vec<RecordErrors>,
}

pub fn reference_codes(conn: &mut DbConnection) -> diesel::QueryResult<ReferenceCodes> {
    Ok(ReferenceCodes {
        dmcgs: db::reference::list_dmcgs(conn)?
            .into_iter()
            .map(|d| d.acronym)
            .collect(),
        sites: db::reference::list_sites(conn)?
            .into_iter()
            .map(|s| s.code)
            .collect(),
    })
}

/// Validates every record of `json` and, only if all are valid, stores them as published in
/// one transaction (a record with an existing acronym is replaced, and the change recorded in
/// its history as by [`IMPORT_ACTOR`]).
pub fn import_json(
    conn: &mut DbConnection,
    json: &str,
    demo: bool,
) -> Result<ImportReport, ImportError> {
    let docs = parse_documents(json).map_err(ImportError::Unreadable)?;
    let codes = reference_codes(conn)?;
    let mut invalid = Vec::new();
    let mut valid: Vec<Protocol> = Vec::new();
    let mut report = ImportReport::default();
    let mut seen_slugs: HashSet<String> = HashSet::new();
    let mut seen_ids: HashSet<(&'static str, String)> = HashSet::new();
    for (i, doc) in docs.into_iter().enumerate() {
        let record = i + 1;
        let doc: ProtocolDoc = match doc {
            Ok(doc) => doc,
            Err(e) => {
                invalid.push(RecordErrors {
                    record,
                    acronym: None,
                    errors: vec![e],
                });
                continue;
            }
        };
        let acronym = doc.acronym.clone();
        let mut protocol = match doc.validate(&codes) {
            Ok(p) => p,
            Err(errors) => {
                invalid.push(RecordErrors {
                    record,
                    acronym,
                    errors,
                });
                continue;
            }
        };
        protocol.demo |= demo;
        let mut errors = Vec::new();
        let slug = protocol.slug();
        if !seen_slugs.insert(slug.clone()) {
            errors.push(FieldError::new(
                "acronym",
                format!(
                    "{} appears twice in the file (or differs only in punctuation)",
                    protocol.acronym
                ),
            ));
        } else if let Some(holder) = db::protocols::slug_holder(conn, &slug)? {
            if holder != protocol.acronym {
                errors.push(FieldError::new(
                    "acronym",
                    format!("gives the same web address as the existing protocol {holder}"),
                ));
            }
        }
        let ids = &protocol.identifiers;
        let pairs = [
            ("nct", ids.nct.as_ref().map(|v| v.as_str().to_owned())),
            (
                "eudract",
                ids.eudract.as_ref().map(|v| v.as_str().to_owned()),
            ),
            ("eu_ct", ids.eu_ct.as_ref().map(|v| v.as_str().to_owned())),
        ];
        for (scheme, value) in pairs {
            let Some(value) = value else { continue };
            if !seen_ids.insert((scheme, value.clone())) {
                errors.push(FieldError::new(
                    format!("identifiers.{scheme}"),
                    format!("{value} is used by another record in the file"),
                ));
            } else if let Some(holder) = db::protocols::identifier_holder(conn, scheme, &value)? {
                if holder != protocol.acronym {
                    errors.push(FieldError::new(
                        format!("identifiers.{scheme}"),
                        format!("{value} already belongs to {holder}"),
                    ));
                }
            }
        }
        if errors.is_empty() {
            let advice = warnings(&protocol);
            if !advice.is_empty() {
                report.warnings.push(RecordErrors {
                    record,
                    acronym: Some(protocol.acronym.clone()),
                    errors: advice,
                });
            }
            valid.push(protocol);
        } else {
            invalid.push(RecordErrors {
                record,
                acronym: Some(protocol.acronym.clone()),
                errors,
            });
        }
    }
    if !invalid.is_empty() {
        return Err(ImportError::Invalid(invalid));
    }
    let now = Utc::now().naive_utc();
    let actor = Actor::system(IMPORT_ACTOR);
    crate::db::write_transaction(conn, |conn| {
        for protocol in &valid {
            let before = db::protocols::find_by_acronym(conn, &protocol.acronym)?;
            db::protocols::save_protocol(conn, protocol, PUBLISHED, now)?;
            if let Some(before) = before {
                record_replacement(conn, &before, protocol, &actor, now)?;
            }
        }
        diesel::QueryResult::Ok(())
    })?;
    report.stored = valid.into_iter().map(|p| p.acronym).collect();
    Ok(report)
}

/// Who the history names for an import: files are imported from the command line (and the
/// demo data at a first start, which replaces nothing).
pub const IMPORT_ACTOR: &str = "command line";

/// A record that replaced an existing one is an edit like any other: its changed fields go
/// into the protocol's public history (nothing is recorded when the file changed nothing).
fn record_replacement(
    conn: &mut DbConnection,
    before: &StoredProtocol,
    after: &Protocol,
    actor: &Actor,
    now: NaiveDateTime,
) -> diesel::QueryResult<()> {
    let value = |p: &Protocol| {
        serde_json::to_value(ProtocolDoc::from_protocol(p)).unwrap_or(serde_json::Value::Null)
    };
    let changes = diff_json(&value(&before.protocol), &value(after));
    if changes.is_empty() {
        return Ok(());
    }
    history::record(
        conn,
        "protocol",
        &before.slug,
        "imported",
        actor,
        &changes,
        true,
        now,
    )
}

/// Published records (or all records) in the interchange format, ordered by acronym.
pub fn export_docs(conn: &mut DbConnection, all: bool) -> diesel::QueryResult<Vec<ProtocolDoc>> {
    let stored = db::protocols::load_protocols(conn, None, !all)?;
    Ok(stored
        .iter()
        .map(|s| ProtocolDoc::from_protocol(&s.protocol))
        .collect())
}
