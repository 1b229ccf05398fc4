//! The one web error type: [`WebError`], one set of kinds with two renderings, chosen by the
//! handler's return type: [`PageError`] (an HTML page) and [`ApiError`] (the JSON body of
//! contract.md §6). Not found → 404, invalid → 422 (forms) or 400 (API parameters and bodies),
//! forbidden → 403, conflict → 409, anything unexpected → an opaque 500 logged once. User input
//! never becomes a 500.

use std::marker::PhantomData;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use serde::Serialize;

use crate::domain::FieldError;
use crate::services::offers::OfferError;
use crate::services::protocols::workflow::WorkflowError;
use crate::web::see_other;

/// What went wrong, whatever the rendering.
#[derive(Debug)]
pub enum ErrorKind {
    /// Nothing at this address; the API says what was looked for.
    NotFound(Option<String>),
    Forbidden,
    /// Not logged in: go to the login page, then back to this address.
    LoginRequired(String),
    BadCsrf,
    /// A form or body whose fields are wrong (422 on pages; 400 with the first field in the API).
    Invalid(Vec<FieldError>),
    /// A parameter or body the API refuses (400), naming the field where there is one.
    BadRequest {
        code: &'static str,
        field: Option<String>,
        message: String,
    },
    /// The action is not possible from the record's current state.
    Conflict(String),
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
    /// The client stopped sending the request body (see `web::body_timeout`).
    RequestTimeout,
    Internal(anyhow::Error),
}

impl ErrorKind {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Forbidden | Self::BadCsrf => StatusCode::FORBIDDEN,
            Self::LoginRequired(_) => StatusCode::SEE_OTHER,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Rendered as an HTML page.
#[derive(Debug, Clone, Copy)]
pub struct Html;
/// Rendered as the JSON error body of the API.
#[derive(Debug, Clone, Copy)]
pub struct Json;

/// An error of a handler; `F` says how it is rendered.
pub struct WebError<F> {
    pub kind: ErrorKind,
    format: PhantomData<F>,
}

/// An error on an HTML page.
pub type PageError = WebError<Html>;
/// An error of the JSON API: `{"error": {"code", "message", "field"}}` (contract.md §6).
pub type ApiError = WebError<Json>;

impl<F> From<ErrorKind> for WebError<F> {
    fn from(kind: ErrorKind) -> Self {
        Self {
            kind,
            format: PhantomData,
        }
    }
}

impl<F> WebError<F> {
    pub fn not_found() -> Self {
        ErrorKind::NotFound(None).into()
    }
    /// Not found, saying what was looked for (shown by the API).
    pub fn missing(what: impl Into<String>) -> Self {
        ErrorKind::NotFound(Some(what.into())).into()
    }
    pub fn forbidden() -> Self {
        ErrorKind::Forbidden.into()
    }
    pub fn login_required(next: impl Into<String>) -> Self {
        ErrorKind::LoginRequired(next.into()).into()
    }
    pub fn bad_csrf() -> Self {
        ErrorKind::BadCsrf.into()
    }
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        ErrorKind::Invalid(errors).into()
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        ErrorKind::Conflict(message.into()).into()
    }
    /// A refused parameter or field: 400 `invalid_parameter` naming it.
    pub fn bad_request(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let message = message.into();
        ErrorKind::BadRequest {
            code: "invalid_parameter",
            message: format!("{field}: {message}"),
            field: Some(field),
        }
        .into()
    }
    /// 400 with a code of its own (e.g. `cpr_refused`).
    pub fn refused(code: &'static str, field: Option<String>, message: impl Into<String>) -> Self {
        ErrorKind::BadRequest {
            code,
            field,
            message: message.into(),
        }
        .into()
    }
    /// Anything unexpected: logged once when rendered, answered opaquely.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        ErrorKind::Internal(cause.into()).into()
    }
}

/// Shorthand for `PageError::internal` (and `ApiError::internal`) in `map_err`.
pub fn internal<F, E: Into<anyhow::Error>>(e: E) -> WebError<F> {
    WebError::internal(e)
}

/// A refused workflow step; `Invalid` is normally shown by the form page itself.
impl<F> From<WorkflowError> for WebError<F> {
    fn from(e: WorkflowError) -> Self {
        match e {
            WorkflowError::NotFound => Self::not_found(),
            WorkflowError::Forbidden => Self::forbidden(),
            WorkflowError::Conflict(message) => Self::conflict(message),
            WorkflowError::Invalid(errors) => Self::invalid(errors),
            WorkflowError::Database(e) => Self::internal(e),
        }
    }
}

/// A refused offer register change; `Invalid` is normally shown by the form page itself.
impl<F> From<OfferError> for WebError<F> {
    fn from(e: OfferError) -> Self {
        match e {
            OfferError::NotFound => Self::not_found(),
            OfferError::Forbidden => Self::forbidden(),
            OfferError::Conflict(message) => Self::conflict(message),
            OfferError::Invalid(errors) => Self::invalid(errors),
            OfferError::Database(e) => Self::internal(e),
        }
    }
}

/// Without messages: actix logs errors with `Debug`, and a message can quote the input, which
/// may be a patient's postcode or diagnosis.
impl<F> std::fmt::Debug for WebError<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.kind {
            ErrorKind::BadRequest { code, field, .. } => format!("BadRequest({code}, {field:?})"),
            ErrorKind::Invalid(errors) => format!(
                "Invalid({:?})",
                errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>()
            ),
            ErrorKind::Conflict(_) => "Conflict".into(),
            ErrorKind::NotFound(_) => "NotFound".into(),
            ErrorKind::LoginRequired(_) => "LoginRequired".into(),
            ErrorKind::Internal(_) => "Internal".into(),
            other => format!("{other:?}"),
        };
        f.debug_struct("WebError").field("kind", &kind).finish()
    }
}

impl<F> std::fmt::Display for WebError<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.kind.status())
    }
}

fn log_internal(kind: &ErrorKind) {
    if let ErrorKind::Internal(cause) = kind {
        tracing::error!(error = %format!("{cause:#}"), "request failed");
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    heading_da: &'a str,
    heading_en: &'a str,
    text_da: &'a str,
    text_en: &'a str,
}

impl ErrorPage<'_> {
    fn render_response(self, status: StatusCode) -> HttpResponse {
        match self.render() {
            Ok(body) => HttpResponse::build(status)
                .content_type("text/html; charset=utf-8")
                .body(body),
            Err(_) => HttpResponse::build(status).body("error"),
        }
    }
}

pub fn not_found_response() -> HttpResponse {
    html_response(&ErrorKind::NotFound(None))
}

fn html_response(kind: &ErrorKind) -> HttpResponse {
    let status = kind.status();
    let (heading_da, heading_en, text_da, text_en): (&str, &str, String, &str) = match kind {
        ErrorKind::LoginRequired(next) => {
            let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
            return see_other(&format!("/login?next={next}"));
        }
        ErrorKind::NotFound(_) => (
            "Siden findes ikke",
            "Page not found",
            "Adressen findes ikke i protokoloversigten. Måske er protokollen omdøbt eller fjernet."
                .into(),
            "This address does not exist in the protocol registry. The protocol may have been renamed or removed.",
        ),
        ErrorKind::Forbidden => (
            "Ingen adgang",
            "Access denied",
            "Din konto har ikke adgang til denne side eller handling.".into(),
            "Your account may not use this page or action.",
        ),
        ErrorKind::BadCsrf => (
            "Formularen er udløbet",
            "The form has expired",
            "Gå tilbage, genindlæs siden og send formularen igen.".into(),
            "Go back, reload the page and send the form again.",
        ),
        ErrorKind::Conflict(message) => (
            "Handlingen er ikke mulig",
            "This action is not possible now",
            message.clone(),
            "The record's current state does not allow this step.",
        ),
        ErrorKind::Invalid(_) | ErrorKind::BadRequest { .. } => (
            "Oplysningerne kan ikke bruges",
            "The input cannot be used",
            "Gå tilbage og ret de markerede felter.".into(),
            "Go back and correct the marked fields.",
        ),
        ErrorKind::MethodNotAllowed => (
            "Handlingen findes ikke her",
            "Method not allowed",
            "Adressen tager ikke imod denne slags forespørgsel.".into(),
            "This address does not accept this kind of request.",
        ),
        ErrorKind::PayloadTooLarge => (
            "Filen er for stor",
            "The file is too large",
            "Send en mindre fil eller del den op.".into(),
            "Send a smaller file, or split it.",
        ),
        ErrorKind::UnsupportedMediaType => (
            "Formatet kan ikke læses",
            "Unsupported format",
            "Send formularen fra siden igen.".into(),
            "Send the form from the page again.",
        ),
        ErrorKind::RequestTimeout => (
            "Forespørgslen blev ikke færdig",
            "The request was not completed",
            "Forbindelsen holdt op med at sende. Prøv igen.".into(),
            "The connection stopped sending. Please try again.",
        ),
        ErrorKind::Internal(_) => (
            "Der skete en fejl",
            "Something went wrong",
            "Fejlen er logget. Prøv igen om lidt.".into(),
            "The error has been logged. Please try again shortly.",
        ),
    };
    ErrorPage {
        status: status.as_u16(),
        heading_da,
        heading_en,
        text_da: &text_da,
        text_en,
    }
    .render_response(status)
}

/// The JSON error body of every refusal under `/api/`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody<'a> {
    error: ErrorFields<'a>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorFields<'a> {
    /// What kind of refusal: `invalid_parameter`, `cpr_refused`, `not_found`,
    /// `method_not_allowed`, `payload_too_large`, `unsupported_media_type`, …
    code: &'a str,
    /// In English, naming the field; a CPR number is never repeated.
    message: String,
    /// The parameter or field at fault (a JSON path such as `biomarkers[0].status`).
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl<'a> ErrorFields<'a> {
    pub fn new(code: &'a str, message: String, field: Option<&'a str>) -> Self {
        Self {
            code,
            message,
            field,
        }
    }
}

/// The JSON error body of contract.md §6 for any kind; also used for actix's own errors under
/// `/api/` (see `web::api`).
pub fn json_response(kind: &ErrorKind) -> HttpResponse {
    let (status, code, message, field) = json_parts(kind);
    HttpResponse::build(status).json(ErrorBody {
        error: ErrorFields {
            code,
            message,
            field,
        },
    })
}

impl WebError<Json> {
    /// The code, message and field of the JSON body (for an error reported inside another
    /// answer, such as one case of a batch).
    pub fn fields(&self) -> (&'static str, String, Option<String>) {
        let (_, code, message, field) = json_parts(&self.kind);
        (code, message, field.map(str::to_owned))
    }
}

/// The status, code, message and field of an error's JSON body.
fn json_parts(kind: &ErrorKind) -> (StatusCode, &'static str, String, Option<&str>) {
    match kind {
        ErrorKind::NotFound(what) => (
            StatusCode::NOT_FOUND,
            "not_found",
            what.clone().unwrap_or_else(|| "no such resource".into()),
            None,
        ),
        ErrorKind::Forbidden | ErrorKind::BadCsrf => (
            StatusCode::FORBIDDEN,
            "forbidden",
            "not allowed".into(),
            None,
        ),
        ErrorKind::LoginRequired(_) => (
            StatusCode::UNAUTHORIZED,
            "login_required",
            "log in first".into(),
            None,
        ),
        ErrorKind::Invalid(errors) => (
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            errors.first().map(|e| e.field.as_str()),
        ),
        ErrorKind::BadRequest {
            code,
            field,
            message,
        } => (
            StatusCode::BAD_REQUEST,
            *code,
            message.clone(),
            field.as_deref(),
        ),
        ErrorKind::Conflict(message) => (StatusCode::CONFLICT, "conflict", message.clone(), None),
        ErrorKind::MethodNotAllowed => (
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this method is not allowed on this path".into(),
            None,
        ),
        ErrorKind::PayloadTooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is too large".into(),
            None,
        ),
        ErrorKind::UnsupportedMediaType => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as application/json".into(),
            None,
        ),
        ErrorKind::RequestTimeout => (
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "the request body stopped arriving".into(),
            None,
        ),
        ErrorKind::Internal(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; it has been logged".into(),
            None,
        ),
    }
}

impl ResponseError for WebError<Html> {
    fn status_code(&self) -> StatusCode {
        self.kind.status()
    }
    fn error_response(&self) -> HttpResponse {
        log_internal(&self.kind);
        html_response(&self.kind)
    }
}

impl ResponseError for WebError<Json> {
    fn status_code(&self) -> StatusCode {
        json_response(&self.kind).status()
    }
    fn error_response(&self) -> HttpResponse {
        log_internal(&self.kind);
        json_response(&self.kind)
    }
}
