//! The web error types: [`PageError`] for HTML pages and [`ApiError`] for the JSON API.
//! User input never becomes a 500; anything unexpected is logged once and answered opaquely.

use crate::web::see_other;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use serde::Serialize;

/// An error on an HTML page.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Not logged in: go to the login page, then back to this address.
    #[error("login required")]
    LoginRequired(String),
    #[error("missing or wrong CSRF token")]
    BadCsrf,
    /// The action is not possible from the record's current state.
    #[error("{0}")]
    Conflict(String),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

pub fn internal<E: Into<anyhow::Error>>(e: E) -> PageError {
    PageError::Internal(e.into())
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
    ErrorPage {
        status: 404,
        heading_da: "Siden findes ikke",
        heading_en: "Page not found",
        text_da: "Adressen findes ikke i protokoloversigten. Måske er protokollen omdøbt eller fjernet.",
        text_en: "This address does not exist in the protocol registry. The protocol may have been renamed or removed.",
    }
    .render_response(StatusCode::NOT_FOUND)
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Forbidden | Self::BadCsrf => StatusCode::FORBIDDEN,
            Self::LoginRequired(_) => StatusCode::SEE_OTHER,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    fn error_response(&self) -> HttpResponse {
        match self {
            Self::NotFound => not_found_response(),
            Self::LoginRequired(next) => {
                let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
                see_other(&format!("/login?next={next}"))
            }
            Self::Forbidden => ErrorPage {
                status: 403,
                heading_da: "Ingen adgang",
                heading_en: "Access denied",
                text_da: "Din konto har ikke adgang til denne side eller handling.",
                text_en: "Your account may not use this page or action.",
            }
            .render_response(StatusCode::FORBIDDEN),
            Self::BadCsrf => ErrorPage {
                status: 403,
                heading_da: "Formularen er udløbet",
                heading_en: "The form has expired",
                text_da: "Gå tilbage, genindlæs siden og send formularen igen.",
                text_en: "Go back, reload the page and send the form again.",
            }
            .render_response(StatusCode::FORBIDDEN),
            Self::Conflict(message) => ErrorPage {
                status: 409,
                heading_da: "Handlingen er ikke mulig",
                heading_en: "This action is not possible now",
                text_da: message,
                text_en: "The record's current state does not allow this step.",
            }
            .render_response(StatusCode::CONFLICT),
            Self::Internal(cause) => {
                tracing::error!(error = %format!("{cause:#}"), "request failed");
                ErrorPage {
                    status: 500,
                    heading_da: "Der skete en fejl",
                    heading_en: "Something went wrong",
                    text_da: "Fejlen er logget. Prøv igen om lidt.",
                    text_en: "The error has been logged. Please try again shortly.",
                }
                .render_response(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

/// An error of the JSON API: `{"error": {"code", "message", "field"}}` (contract.md).
#[derive(Clone, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    #[serde(skip)]
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn bad_request(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let message = message.into();
        Self {
            status: 400,
            code: "invalid_parameter",
            message: format!("{field}: {message}"),
            field: Some(field),
        }
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: 404,
            code: "not_found",
            message: message.into(),
            field: None,
        }
    }
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        tracing::error!(error = %format!("{:#}", cause.into()), "API request failed");
        Self {
            status: 500,
            code: "internal",
            message: "internal error; it has been logged".into(),
            field: None,
        }
    }
}

/// Without the message: actix logs errors with `Debug`, and a message can quote the input,
/// which may be a patient's postcode or diagnosis.
impl std::fmt::Debug for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("code", &self.code)
            .field("field", &self.field)
            .finish()
    }
}

#[derive(Serialize)]
struct ApiErrorBody<'a> {
    error: &'a ApiError,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).json(ApiErrorBody { error: self })
    }
}
