//! Query strings of the API (contract.md §6): each endpoint names the parameters it knows; an
//! unknown or repeated one is a 400 naming it, in the contract's JSON body. A name or value
//! that looks like a CPR number is refused (`cpr_refused`) without being repeated.

use std::collections::HashSet;

use actix_web::HttpRequest;

use crate::domain::cpr::looks_like_cpr;
use crate::web::error::ApiError;

/// The query string as name/value pairs, in order, with CPR numbers refused.
pub fn query_pairs(req: &HttpRequest) -> Result<Vec<(String, String)>, ApiError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect();
    for (name, value) in &pairs {
        if looks_like_cpr(name) {
            return Err(ApiError::refused(
                "cpr_refused",
                None,
                "a parameter name looks like a CPR number; CPR numbers are not accepted",
            ));
        }
        if looks_like_cpr(value) {
            return Err(ApiError::refused(
                "cpr_refused",
                Some(name.clone()),
                format!("{name}: looks like a CPR number; CPR numbers are not accepted"),
            ));
        }
    }
    Ok(pairs)
}

/// The parameters of an endpoint that takes each of its parameters at most once.
#[derive(Debug, Clone, Default)]
pub struct SingleParams(Vec<(String, String)>);

impl SingleParams {
    /// Reads the query string; a parameter not in `known`, or given twice, is refused.
    pub fn parse(req: &HttpRequest, known: &[&str]) -> Result<Self, ApiError> {
        let pairs = query_pairs(req)?;
        let mut seen = HashSet::new();
        for (name, _) in &pairs {
            if !known.contains(&name.as_str()) {
                let message = if known.is_empty() {
                    "is not a known parameter; this endpoint takes none".to_owned()
                } else {
                    format!("is not a known parameter; known: {}", known.join(", "))
                };
                return Err(ApiError::bad_request(name.clone(), message));
            }
            if !seen.insert(name.as_str()) {
                return Err(ApiError::bad_request(
                    name.clone(),
                    "may be given only once",
                ));
            }
        }
        Ok(Self(pairs))
    }

    /// The value of a parameter, trimmed; `None` when absent or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// A piece of the client's input (a path segment) quoted for a message, unless it looks like
/// a CPR number, which is never repeated.
pub fn quoted(input: &str) -> String {
    if looks_like_cpr(input) {
        "(a value that looks like a CPR number)".to_owned()
    } else {
        format!("{input:?}")
    }
}
