//! `POST /api/v1/match` (contract.md §2): a profile in, proposals out. Nothing is stored or
//! logged; every bad field is a 400 naming it, and a CPR number in any field (or parameter) is
//! refused with `cpr_refused` without being echoed. The body must be JSON (`Content-Type:
//! application/json`, else 415) of at most [`BODY_LIMIT`](super::errors::BODY_LIMIT) bytes
//! (else 413): see [`super::errors::json_config`].

use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};

use crate::catalogue::matcher::diagnosis_names;
use crate::domain::cpr::looks_like_cpr;
use crate::domain::{msg, FieldError, Message};
use crate::web::api::params::SingleParams;
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
    body: web::Json<serde_json::Value>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = SingleParams::parse(&req, &["include_ineligible"])?;
    let include_ineligible = match params.get("include_ineligible") {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "include_ineligible",
                format!("must be true or false (got {other:?})"),
            ))
        }
    };
    // The body is searched for CPR numbers before its shape is checked, since serde's messages
    // quote the values they refuse.
    let body = body.into_inner();
    if let Some(field) = cpr_in_json(&body, "") {
        return Err(cpr_refused(&field));
    }
    let input: ProfileInput = serde_path_to_error::deserialize(body).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        // An unknown field is named in the message: never repeat one that is a CPR number.
        if looks_like_cpr(&message) || looks_like_cpr(&path) {
            return ApiError::refused(
                "cpr_refused",
                None,
                "a field looks like a CPR number; CPR numbers are not accepted",
            );
        }
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
