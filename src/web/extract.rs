//! Typed input at the boundary: [`Form<T>`] reads a posted HTML form, checks its CSRF token
//! against the session first, and deserialises it into the handler's input struct (repeated
//! names become `Vec`s). Handlers never parse a raw body; input structs turn into domain types
//! through `TryFrom`, where the limits live.

use std::future::Future;
use std::pin::Pin;

use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use super::auth::{check_csrf, CSRF_FIELD};
use super::error::{ErrorKind, PageError};

/// A posted `application/x-www-form-urlencoded` form whose CSRF token matched.
#[derive(Debug)]
pub struct Form<T>(pub T);

/// A form whose only content that matters is its CSRF token (a button).
pub type CsrfChecked = Form<serde::de::IgnoredAny>;

impl<T: DeserializeOwned + 'static> FromRequest for Form<T> {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let body = Bytes::from_request(req, payload);
        Box::pin(async move {
            let body = body
                .await
                .map_err(|_| PageError::from(ErrorKind::PayloadTooLarge))?;
            let token = form_urlencoded::parse(&body)
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v.into_owned());
            check_csrf(&session, token.as_deref())?;
            serde_html_form::from_bytes::<T>(&body)
                .map(Form)
                .map_err(|e| PageError::refused("invalid_form", None, e.to_string()))
        })
    }
}

/// How an unsubscribe request was posted: by a mail program's one-click request (RFC 8058:
/// the body `List-Unsubscribe=One-Click` and no CSRF token, as the signed link alone
/// authorises it) or by the page's button, whose CSRF token is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsubscribe {
    OneClick,
    Page,
}

/// The fields an unsubscribe post may carry; any other is ignored.
#[derive(Debug, serde::Deserialize)]
struct UnsubscribeFields {
    #[serde(rename = "List-Unsubscribe")]
    list_unsubscribe: Option<String>,
    csrf_token: Option<String>,
}

impl FromRequest for Unsubscribe {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let body = Bytes::from_request(req, payload);
        Box::pin(async move {
            let body = body
                .await
                .map_err(|_| PageError::from(ErrorKind::PayloadTooLarge))?;
            let fields: UnsubscribeFields = serde_html_form::from_bytes(&body)
                .map_err(|e| PageError::refused("invalid_form", None, e.to_string()))?;
            if fields.list_unsubscribe.as_deref() == Some("One-Click") {
                return Ok(Self::OneClick);
            }
            check_csrf(&session, fields.csrf_token.as_deref())?;
            Ok(Self::Page)
        })
    }
}
