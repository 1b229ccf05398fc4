//! Handles `POST /api/v1/match/batch`: an MDT conference's case list, up to [`MAX_CASES`]
//! profiles matched in one request, each answered as `POST /api/v1/match` answers it, in the
//! order given. All or nothing: when any case is refused the answer is a 400 whose `errors`
//! name every refused case and its field (`cases[3].profile.age`), and no case is matched.
//! Nothing of the list is stored or logged; a case reference is a local number, never a CPR
//! number (refused as everywhere).

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::domain::case_list::check_case_number;
use crate::domain::msg;
use crate::web::api::matching::{cpr_in_json, include_ineligible, read_profile};
use crate::web::api::params::SingleParams;
use crate::web::error::{ApiError, ErrorFields};
use crate::web::match_::profile::ProfileInput;
use crate::web::match_::results::{best_json, MatchJson};
use crate::web::AppState;

pub use crate::domain::case_list::{MAX_CASES, MAX_REF};

/// A conference's list of cases.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchInput {
    #[schema(min_items = 1, max_items = 50)]
    cases: Vec<CaseInput>,
}

/// One case: the conference's own reference and the patient's profile.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    /// The case's local number on the conference's list (never a CPR number).
    #[serde(rename = "ref")]
    #[schema(
        min_length = 1,
        max_length = 40,
        pattern = "^[^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]+$"
    )]
    reference: String,
    #[schema(value_type = ProfileInput)]
    profile: Value,
}

/// The answer for one case.
#[derive(Serialize, ToSchema)]
pub struct CaseResultJson<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
    #[serde(rename = "match")]
    result: MatchJson<'a>,
}

/// The answer for the list, case by case in the order given.
#[derive(Serialize, ToSchema)]
pub struct BatchJson<'a> {
    results: Vec<CaseResultJson<'a>>,
}

/// One refused case.
#[derive(Serialize, ToSchema)]
pub struct CaseErrorJson {
    /// The case's place in the list, from 0.
    case: usize,
    /// Its reference, unless that is what was refused.
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    code: &'static str,
    /// The field at fault, as a path in the request (`cases[3].profile.age`).
    field: String,
    message: String,
}

/// A refused list: the first refusal as the contract's error, then every refused case (only
/// when cases were refused; a bad parameter or envelope has the error alone).
#[derive(Serialize, ToSchema)]
pub struct BatchErrorBody<'a> {
    error: ErrorFields<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    errors: Vec<CaseErrorJson>,
}

fn case_error(case: usize, reference: Option<&str>, error: &ApiError) -> CaseErrorJson {
    let (code, message, field) = error.fields();
    let inner = field.unwrap_or_else(|| "profile".to_owned());
    let field = match inner.as_str() {
        "ref" | "profile" => format!("cases[{case}].{inner}"),
        "body" => format!("cases[{case}].profile"),
        _ => format!("cases[{case}].profile.{inner}"),
    };
    CaseErrorJson {
        case,
        reference: reference.map(str::to_owned),
        code,
        field,
        message,
    }
}

/// A case's reference as the list may hold it; the refusal names `ref`.
fn check_reference(reference: &str) -> Result<(), ApiError> {
    check_case_number(reference).map_err(|message| {
        if message.key() == msg::CPR_REFUSED {
            ApiError::refused(
                "cpr_refused",
                Some("ref".into()),
                "ref: looks like a CPR number; give the case's local number on the list instead",
            )
        } else {
            ApiError::bad_request("ref", message.to_string())
        }
    })
}

/// The most results one case of a list is answered with (the best ones): it bounds the
/// memory and time one request may take (50 broad cases against 100,000 open protocols would
/// otherwise be a 280 MB answer). A real registry gives a case far fewer; a case cut says so
/// in `results_total`. Also the largest `limit`.
pub const MAX_LIMIT: usize = 200;

/// The `limit` parameter: a whole number from 1 to [`MAX_LIMIT`], written plainly.
fn limit(params: &SingleParams) -> Result<Option<usize>, ApiError> {
    let Some(raw) = params.get("limit") else {
        return Ok(None);
    };
    match raw.parse::<usize>() {
        Ok(n)
            if (1..=MAX_LIMIT).contains(&n)
                && raw.bytes().all(|b| b.is_ascii_digit())
                && !raw.starts_with('0') =>
        {
            Ok(Some(n))
        }
        _ => Err(ApiError::bad_request(
            "limit",
            format!(
                "must be a whole number from 1 to {MAX_LIMIT} (got {})",
                crate::web::api::params::quoted(raw)
            ),
        )),
    }
}

/// The 400 of a list with refused cases (`errors` is not empty).
fn refused(errors: Vec<CaseErrorJson>) -> HttpResponse {
    let (code, field, message) = errors.first().map_or_else(
        || ("invalid_parameter", "cases".to_owned(), String::new()),
        |first| {
            let message = format!("cases[{}]: {}", first.case, first.message);
            (first.code, first.field.clone(), message)
        },
    );
    HttpResponse::BadRequest().json(BatchErrorBody {
        error: ErrorFields::new(code, message, Some(field.as_str())),
        errors,
    })
}

/// `POST /api/v1/match/batch`.
#[utoipa::path(
    post,
    path = "/api/v1/match/batch",
    tag = "matching",
    summary = "A conference's case list, each case matched as /api/v1/match matches it",
    description = "Up to 50 cases, answered in the order given, each with at most its best 200 \
        results. Nothing of the list is stored \
        or logged. When any case is refused, no case is matched: the 400 names every refused \
        case and its field in `errors`.",
    params(
        ("include_ineligible" = Option<bool>, Query, description = "Also return, for each case, the protocols of its disease area that the patient does not fit"),
        ("limit" = Option<u8>, Query, minimum = 1, maximum = 200, description = "Only the best `limit` results of each case (in the single match's order); each case then says in `results_total` how many there were. Without it a case has at most its best 200, and `results_total` only when it had more"),
    ),
    request_body(content = BatchInput, content_type = "application/json"),
    responses(
        (status = 200, description = "One answer per case, in order", body = BatchJson),
        (status = 400, description = "The list is malformed, has more than 50 cases, or a case is refused (each named in `errors`)", body = BatchErrorBody),
        (status = 413, description = "The body is larger than 64 KB", body = crate::web::error::ErrorBody),
        (status = 415, description = "The body is not sent as application/json", body = crate::web::error::ErrorBody),
    )
)]
pub async fn match_batch(
    req: HttpRequest,
    body: web::Json<Value>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = SingleParams::parse(&req, &["include_ineligible", "limit"])?;
    let include_ineligible = include_ineligible(&params)?;
    let limit = limit(&params)?;
    let body = body.into_inner();
    // CPR numbers anywhere are refused before anything is read or repeated.
    if let Some(field) = cpr_in_json(&body, "") {
        return Err(ApiError::refused(
            "cpr_refused",
            Some(field.clone()),
            format!("{field}: looks like a CPR number; CPR numbers are not accepted"),
        ));
    }
    if !body.is_object() {
        return Err(ApiError::bad_request(
            "body",
            "must be a JSON object: {\"cases\": [...]}",
        ));
    }
    let input: BatchInput = serde_path_to_error::deserialize(body).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        ApiError::bad_request(field, message)
    })?;
    if input.cases.is_empty() || input.cases.len() > MAX_CASES {
        return Err(ApiError::bad_request(
            "cases",
            format!(
                "must hold 1 to {MAX_CASES} cases (got {})",
                input.cases.len()
            ),
        ));
    }
    let catalogue = state.catalogue.get();
    let mut profiles = Vec::with_capacity(input.cases.len());
    let mut errors = Vec::new();
    for (i, case) in input.cases.iter().enumerate() {
        if let Err(e) = check_reference(&case.reference) {
            errors.push(case_error(i, None, &e));
            continue;
        }
        match read_profile(case.profile.clone(), &catalogue) {
            Ok(profile) => profiles.push(profile),
            Err(e) => errors.push(case_error(i, Some(&case.reference), &e)),
        }
    }
    if !errors.is_empty() {
        return Ok(refused(errors));
    }
    let outcomes: Vec<_> = profiles
        .iter()
        .map(|p| {
            catalogue
                .matcher
                .snapshot
                .match_profile(p, include_ineligible)
        })
        .collect();
    let results = input
        .cases
        .iter()
        .zip(&outcomes)
        .map(|(case, outcome)| CaseResultJson {
            reference: &case.reference,
            result: best_json(&catalogue, outcome, Some(limit.unwrap_or(MAX_LIMIT)))
                .with_total(limit.is_some() || outcome.results.len() > MAX_LIMIT),
        })
        .collect();
    Ok(HttpResponse::Ok().json(BatchJson { results }))
}
