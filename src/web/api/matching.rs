//! `POST /api/v1/match` (contract.md §2): a profile in, proposals out. Nothing is stored or
//! logged; every bad field is a 400 naming it. The body must be JSON (`Content-Type:
//! application/json`, else 415) of at most [`BODY_LIMIT`](super::errors::BODY_LIMIT) bytes
//! (else 413): see [`super::errors::json_config`].

use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};

use crate::catalogue::matcher::diagnosis_names;
use crate::domain::cpr::looks_like_cpr;
use crate::web::api::params::SingleParams;
use crate::web::error::ApiError;
use crate::web::match_::profile::ProfileInput;
use crate::web::match_::results::to_json;
use crate::web::AppState;

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
    let input: ProfileInput = serde_path_to_error::deserialize(body.into_inner()).map_err(|e| {
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
    let profile = input
        .to_profile(&catalogue, diagnosis_names())
        .map_err(ApiError::invalid)?;
    let outcome = catalogue
        .matcher
        .snapshot
        .match_profile(&profile, include_ineligible);
    Ok(HttpResponse::Ok().json(to_json(&catalogue, &outcome)))
}
