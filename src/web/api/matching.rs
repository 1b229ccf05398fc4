//! `POST /api/v1/match` (contract.md §2): a profile in, proposals out. Nothing is stored or
//! logged; every bad field is a 400 naming it, and a CPR number in any field (or parameter) is
//! refused with `cpr_refused` without being echoed. The body must be JSON (`Content-Type:
//! application/json`, else 415) of at most [`BODY_LIMIT`](super::errors::BODY_LIMIT) bytes
//! (else 413): see [`super::errors::json_config`].

use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};

use crate::catalogue::matcher::diagnosis_names;
use crate::catalogue::Catalogue;
use crate::domain::cpr::looks_like_cpr;
use crate::domain::{msg, FieldError, Message};
use crate::web::api::params::{quoted, SingleParams};
use crate::web::error::ApiError;
use crate::web::match_::profile::ProfileInput;
use crate::web::match_::results::{to_json, MatchJson};
use crate::web::AppState;
use dccc_matching::PatientProfile;

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
pub(crate) fn cpr_in_json(value: &serde_json::Value, path: &str) -> Option<String> {
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

/// The body's numbers as numbers and its texts as texts, as the OpenAPI document describes
/// them: the forms' fields are all text, so [`ProfileInput`] reads either, but the API says
/// exactly what it takes. A whole number written with a zero fraction (`1.0`) is a whole
/// number. An empty text or biomarker is refused (a form leaves empty fields out), and so are
/// spaces around a text.
fn json_types(mut body: serde_json::Value) -> Result<serde_json::Value, ApiError> {
    use serde_json::Value;
    let Value::Object(fields) = &mut body else {
        return Err(ApiError::bad_request("body", "must be a JSON object"));
    };
    for name in ["age", "prior_lines", "ecog"] {
        if let Some(value) = fields.get_mut(name) {
            match value {
                Value::Null => {}
                Value::Number(n) if n.is_i64() || n.is_u64() => {}
                Value::Number(n) => match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() < 1e9 => {
                        #[expect(
                            clippy::cast_possible_truncation,
                            reason = "a whole number below 1e9 fits"
                        )]
                        let whole = f as i64;
                        *value = Value::from(whole);
                    }
                    _ => return Err(ApiError::bad_request(name, "must be a whole number")),
                },
                _ => return Err(ApiError::bad_request(name, "must be a whole number")),
            }
        }
    }
    for name in ["sex", "diagnosis", "setting", "stage", "postcode"] {
        if let Some(Value::String(text)) = fields.get(name) {
            if text.is_empty() {
                return Err(ApiError::bad_request(
                    name,
                    "must not be empty; leave the field out instead",
                ));
            }
            if text.trim() != text {
                return Err(ApiError::bad_request(
                    name,
                    "must not begin or end with spaces",
                ));
            }
        }
    }
    if let Some(value) = fields.get("max_km") {
        if !(value.is_null() || value.is_number()) {
            return Err(ApiError::bad_request("max_km", "must be a number"));
        }
    }
    if let Some(value) = fields.get("postcode") {
        if !(value.is_null() || value.is_string()) {
            return Err(ApiError::bad_request(
                "postcode",
                "must be a string of four digits",
            ));
        }
    }
    if let Some(Value::Array(markers)) = fields.get("biomarkers") {
        for (i, marker) in markers.iter().enumerate() {
            if marker.get("marker").and_then(Value::as_str) == Some("") {
                return Err(ApiError::bad_request(
                    format!("biomarkers[{i}].marker"),
                    "must not be empty",
                ));
            }
        }
    }
    Ok(body)
}

/// A profile from the JSON the API takes: CPR numbers refused first (serde's messages quote
/// the values they refuse), then the types as documented (numbers as numbers, texts as
/// texts), then every field checked; the first refusal names its field.
pub fn read_profile(
    body: serde_json::Value,
    catalogue: &Catalogue,
) -> Result<PatientProfile, ApiError> {
    if let Some(field) = cpr_in_json(&body, "") {
        return Err(cpr_refused(&field));
    }
    let body = json_types(body)?;
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
    input
        .to_profile(catalogue, diagnosis_names())
        .map_err(
            |errors: Vec<FieldError>| match errors.iter().find(|e| e.is(msg::CPR_REFUSED)) {
                Some(refused) => cpr_refused(&refused.field),
                None => ApiError::invalid(errors),
            },
        )
}

/// The `include_ineligible` parameter: `true` or `false`, default false.
pub(crate) fn include_ineligible(params: &SingleParams) -> Result<bool, ApiError> {
    match params.get("include_ineligible") {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::bad_request(
            "include_ineligible",
            format!("must be true or false (got {})", quoted(other)),
        )),
    }
}

/// `POST /api/v1/match`.
#[utoipa::path(
    post,
    path = "/api/v1/match",
    tag = "matching",
    summary = "Open trials for a patient profile, judged criterion by criterion",
    description = "Nothing of the profile is stored or logged. Results are ordered: eligible \
        first, then by longer matching diagnosis code, narrower diagnosis scope, fewer unknown \
        criteria, shorter distance and acronym.",
    params(("include_ineligible" = Option<bool>, Query, description = "Also return the protocols of the patient's disease area that the patient does not fit")),
    request_body(content = ProfileInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The proposals, referral routes and whether nothing can be offered", body = MatchJson),
        (status = 400, description = "A field is missing, unknown or out of range, or looks like a CPR number", body = crate::web::error::ErrorBody),
        (status = 413, description = "The body is larger than 64 KB", body = crate::web::error::ErrorBody),
        (status = 415, description = "The body is not sent as application/json", body = crate::web::error::ErrorBody),
    )
)]
pub async fn match_api(
    req: HttpRequest,
    body: web::Json<serde_json::Value>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = SingleParams::parse(&req, &["include_ineligible"])?;
    let include_ineligible = include_ineligible(&params)?;
    let catalogue = state.catalogue.get();
    let profile = read_profile(body.into_inner(), &catalogue)?;
    let outcome = catalogue
        .matcher
        .snapshot
        .match_profile(&profile, include_ineligible);
    Ok(HttpResponse::Ok().json(to_json(&catalogue, &outcome)))
}
