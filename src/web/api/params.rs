//! Query strings of the API (contract.md §6): each endpoint names the parameters it knows; an
//! unknown or repeated one is a 400 naming it, in the contract's JSON body. A name or value
//! that looks like a CPR number is refused (`cpr_refused`) without being repeated.

use std::collections::HashSet;

use actix_web::HttpRequest;

use crate::catalogue::Catalogue;
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
        for (name, value) in &pairs {
            exact_value(name, value)?;
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

/// A value as the OpenAPI document describes it: not empty (leave the parameter out instead)
/// and without surrounding spaces. Pages are kinder to their forms; the API says exactly what
/// it reads.
fn exact_value(name: &str, value: &str) -> Result<(), ApiError> {
    if value.is_empty() {
        return Err(ApiError::bad_request(
            name,
            "must not be empty; leave the parameter out instead",
        ));
    }
    if value.trim() != value {
        return Err(ApiError::bad_request(
            name,
            "must not begin or end with spaces",
        ));
    }
    Ok(())
}

/// The parameters of the protocol list as the OpenAPI document describes them, before
/// [`ProtocolQuery::parse`](crate::catalogue::ProtocolQuery::parse) reads them: every value
/// but `q`'s exact (see `exact_value`), codes in their own case, and whole numbers
/// without a sign.
pub fn exact_list_values(
    pairs: &[(String, String)],
    catalogue: &Catalogue,
) -> Result<(), ApiError> {
    if pairs.iter().filter(|(name, _)| name == "lang").count() > 1 {
        return Err(ApiError::bad_request("lang", "may be given only once"));
    }
    for (name, value) in pairs {
        if name == "q" {
            continue;
        }
        exact_value(name, value)?;
        let known = match name.as_str() {
            "dmcg" => catalogue.dmcgs.iter().any(|d| d.acronym == *value),
            "site" => catalogue.site(value).is_some(),
            // Rust reads `+5` as 5; the document's integers are digits.
            "age" | "region" | "page" | "per_page" => !value.starts_with('+'),
            "lang" => matches!(value.as_str(), "da" | "en"),
            _ => true,
        };
        if !known {
            let message = match name.as_str() {
                "dmcg" => format!(
                    "{} is not a DMCG acronym as /api/v1/reference/dmcgs writes it",
                    quoted(value)
                ),
                "site" => format!(
                    "{} is not a department code as /api/v1/reference/sites writes it",
                    quoted(value)
                ),
                "lang" => format!("must be da or en (got {})", quoted(value)),
                _ => format!("must be a whole number in digits (got {})", quoted(value)),
            };
            return Err(ApiError::bad_request(name.clone(), message));
        }
    }
    Ok(())
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
