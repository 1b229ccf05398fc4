//! `POST /api/v1/match` (contract.md §2): a profile in, proposals out. Nothing is stored or
//! logged; every bad field is a 400 naming it, and a CPR number in any field (or parameter) is
//! refused with `cpr_refused` without being echoed.

use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};

use crate::catalogue::matcher::diagnosis_names;
use crate::domain::cpr::looks_like_cpr;
use crate::domain::{msg, FieldError, Message};
use crate::web::error::ApiError;
use crate::web::match_::profile::ProfileInput;
use crate::web::match_::results::to_json;
use crate::web::AppState;

/// The contract's refusal of a CPR number in `field` (the message names no value).
fn cpr_refused(field: &str) -> ApiError {
    ApiError::refused(
        "cpr_refused",
        Some(field.to_owned()),
        format!("{field}: {}", Message::new(msg::CPR_REFUSED)),
    )
}

/// The first place in a JSON value that looks like a CPR number: a string, a number, or an
/// object's key (named by the object holding it, so the key itself is not echoed).
fn cpr_in_json(value: &serde_json::Value, path: &str) -> Option<String> {
    let here = || {
        if path.is_empty() {
            "body".to_owned()
        } else {
            path.to_owned()
        }
    };
    match value {
        serde_json::Value::String(s) => looks_like_cpr(s).then(here),
        serde_json::Value::Number(n) => looks_like_cpr(&n.to_string()).then(here),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| cpr_in_json(item, &format!("{path}[{i}]"))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            if looks_like_cpr(key) {
                return Some(here());
            }
            let inner = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            cpr_in_json(item, &inner)
        }),
        serde_json::Value::Bool(_) | serde_json::Value::Null => None,
    }
}

pub async fn match_api(
    req: HttpRequest,
    body: Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect();
    let mut include_ineligible = false;
    for (k, v) in &pairs {
        if looks_like_cpr(k) {
            return Err(cpr_refused("query"));
        }
        if looks_like_cpr(v) {
            return Err(cpr_refused(k));
        }
        match (k.as_str(), v.as_str()) {
            ("include_ineligible", "true") => include_ineligible = true,
            ("include_ineligible", "false") => include_ineligible = false,
            ("include_ineligible", other) => {
                return Err(ApiError::bad_request(
                    "include_ineligible",
                    format!("must be true or false (got {other:?})"),
                ))
            }
            (other, _) => return Err(ApiError::bad_request(other, "is not a known parameter")),
        }
    }
    // The body is searched for CPR numbers before its shape is checked, since serde's messages
    // quote the values they refuse: as JSON, to name the field, and then as text (a value
    // hidden in a repeated key or in a body that is not JSON).
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&body) {
        if let Some(field) = cpr_in_json(&value, "") {
            return Err(cpr_refused(&field));
        }
    }
    if looks_like_cpr(&String::from_utf8_lossy(&body)) {
        return Err(cpr_refused("body"));
    }
    let mut de = serde_json::Deserializer::from_slice(&body);
    let input: ProfileInput = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        // serde names a missing or unknown field only in its message: `missing field `age``.
        let named = message.split('`').nth(1).map(str::to_owned);
        let field = if path == "." {
            named.unwrap_or_else(|| "body".into())
        } else {
            path
        };
        ApiError::bad_request(field, message)
    })?;
    let catalogue = state.catalogue.get();
    let profile =
        input
            .to_profile(&catalogue, diagnosis_names())
            .map_err(|errors: Vec<FieldError>| {
                match errors.iter().find(|e| e.is(msg::CPR_REFUSED)) {
                    Some(refused) => cpr_refused(&refused.field),
                    None => ApiError::invalid(errors),
                }
            })?;
    let outcome = catalogue
        .matcher
        .snapshot
        .match_profile(&profile, include_ineligible);
    Ok(HttpResponse::Ok().json(to_json(&catalogue, &outcome)))
}
