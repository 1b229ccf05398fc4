//! Posted forms as ordered name/value pairs (repeated and indexed names are kept), and the
//! CSRF check every form passes first.

use actix_web::web::Bytes;

use super::auth::{Viewer, CSRF_FIELD};
use super::error::PageError;

/// The fields of an `application/x-www-form-urlencoded` body, in order.
#[derive(Debug, Clone, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &Bytes) -> Self {
        Self(form_urlencoded::parse(body).into_owned().collect())
    }
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
    /// Checks the form's CSRF token against the session.
    pub fn check_csrf(&self, viewer: &Viewer) -> Result<(), PageError> {
        viewer.check_csrf(
            self.0
                .iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v.as_str()),
        )
    }
}

/// The messages for one field, for the error shown next to it ("" when it has none).
pub fn messages_for(errors: &[crate::domain::FieldError], field: &str) -> String {
    errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A posted form, read and checked against the session's CSRF token in one step.
pub fn checked(body: &Bytes, viewer: &Viewer) -> Result<FormData, PageError> {
    let form = FormData::parse(body);
    form.check_csrf(viewer)?;
    Ok(form)
}
