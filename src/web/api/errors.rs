//! Errors everywhere under `/api/` (contract.md §6): what actix itself refuses (no route, a
//! wrong method, a body too large or not JSON) gets the same `{"error": …}` body as the
//! handlers' [`ApiError`]s.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::error::{JsonPayloadError, PayloadError};
use actix_web::http::header::{self, HeaderMap};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, HttpResponse};

use crate::web::body_timeout::is_timeout;
use crate::web::error::{json_response, ApiError, ErrorKind};

/// The largest request body the API reads: a patient profile is well under 1 KB.
pub const BODY_LIMIT: usize = 64 * 1024;

/// How `web::Json` bodies are read under `/api/`: at most [`BODY_LIMIT`] bytes, and only with
/// a JSON content type (`application/json` or `…+json`); every refusal is an [`ApiError`].
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(BODY_LIMIT)
        .content_type_required(true)
        .error_handler(|err, _req| json_refusal(&err).into())
}

/// How raw bodies (`Bytes`, `String`) are read under `/api/`: the same limit.
pub fn payload_config() -> web::PayloadConfig {
    web::PayloadConfig::new(BODY_LIMIT)
}

fn json_refusal(err: &JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::OverflowKnownLength { .. }
        | JsonPayloadError::Overflow { .. }
        | JsonPayloadError::Payload(PayloadError::Overflow) => ErrorKind::PayloadTooLarge.into(),
        JsonPayloadError::ContentType => ErrorKind::UnsupportedMediaType.into(),
        JsonPayloadError::Payload(e) if is_timeout(e) => ErrorKind::RequestTimeout.into(),
        // serde_json's syntax errors give a position, never the input.
        JsonPayloadError::Deserialize(e) => {
            ApiError::bad_request("body", format!("is not valid JSON: {e}"))
        }
        _ => ApiError::refused(
            "bad_request",
            Some("body".into()),
            "the request body could not be read",
        ),
    }
}

/// The answer to a path under `/api/` that no route has. The path is not repeated: it is the
/// client's input and may hold anything.
pub async fn unknown_path() -> Result<HttpResponse, ApiError> {
    Err(ApiError::missing(
        "no such path in the API; its endpoints are under /api/v1",
    ))
}

/// Middleware for the `/api` scope: a non-success response that is not JSON yet (actix's own
/// 404, 405, 413, 415, …) is given the contract's body. Its status and `Allow` header stay.
pub fn contract_errors<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(|res: ServiceResponse<B>| {
        if is_json(res.headers()) {
            return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
        }
        let status = res.status();
        let kind = match status.as_u16() {
            404 => ErrorKind::NotFound(None),
            408 => ErrorKind::RequestTimeout,
            405 => ErrorKind::MethodNotAllowed,
            413 => ErrorKind::PayloadTooLarge,
            415 => ErrorKind::UnsupportedMediaType,
            500..=599 => ErrorKind::Internal(anyhow::anyhow!("{status}")),
            _ => ErrorKind::BadRequest {
                code: "bad_request",
                field: None,
                message: status
                    .canonical_reason()
                    .unwrap_or("the request cannot be answered")
                    .to_lowercase(),
            },
        };
        let allow = res.headers().get(header::ALLOW).cloned();
        let (req, _) = res.into_parts();
        let mut body = json_response(&kind);
        *body.status_mut() = status;
        if let Some(allow) = allow {
            body.headers_mut().insert(header::ALLOW, allow);
        }
        Ok(ErrorHandlerResponse::Response(
            ServiceResponse::new(req, body).map_into_right_body(),
        ))
    })
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}
