//! Forms whose field names are built at run time (indexed rows, reference data columns) as
//! ordered name/value pairs, read through the [`Form`](super::extract::Form) extractor; the
//! refusal of CPR numbers in any posted field; a form's messages in the page's language.

use serde::Deserialize;

use super::auth::CSRF_FIELD;
use super::i18n::Lang;
use crate::domain::cpr::looks_like_cpr;
use crate::domain::{msg, FieldError};

/// The fields of a posted form, in order, with repeated and indexed names kept.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The first value of a field, trimmed ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .collect()
    }
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }
}

/// The messages for one field in the page's language, for the error shown next to it ("" when
/// it has none).
pub fn messages_for(errors: &[FieldError], field: &str, lang: Lang) -> String {
    errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| lang.message(&e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// One error of a form's summary at the top: the field, its label on the page, the message.
#[derive(Debug, Clone)]
pub struct ErrorLine {
    pub field: String,
    pub label: String,
    pub text: String,
}

/// The summary of a form's errors in the page's language, each field named by `label`.
pub fn error_lines(
    errors: &[FieldError],
    lang: Lang,
    label: impl Fn(&str) -> String,
) -> Vec<ErrorLine> {
    errors
        .iter()
        .map(|e| ErrorLine {
            field: e.field.clone(),
            label: label(&e.field),
            text: lang.message(&e.message),
        })
        .collect()
}

/// Every posted field (but the CSRF token) that looks like a CPR number, refused by name. A
/// field whose very name looks like one is named `form`, so that nothing echoes it.
pub fn cpr_errors(form: &FormData) -> Vec<FieldError> {
    form.0
        .iter()
        .filter(|(k, _)| k != CSRF_FIELD)
        .filter(|(k, v)| looks_like_cpr(k) || looks_like_cpr(v))
        .map(|(k, _)| {
            let field = if looks_like_cpr(k) { "form" } else { k };
            FieldError::new(field, msg::CPR_REFUSED)
        })
        .collect()
}

/// One error or warning on a line of an uploaded or pasted file, in the page's language.
#[derive(Debug, Clone)]
pub struct LineView {
    pub line: u64,
    pub field: String,
    pub message: String,
}

/// A file's line errors in the page's language.
pub fn line_views(lines: &[crate::domain::csv_table::LineError], lang: Lang) -> Vec<LineView> {
    lines
        .iter()
        .map(|e| LineView {
            line: e.line,
            field: e.field.clone(),
            message: lang.message(&e.message),
        })
        .collect()
}
