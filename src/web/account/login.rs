//! `/login`: e-mail and password; accounts lock for a while after repeated failures.

use crate::web::see_other;
use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::safe_next;
use crate::domain::accounts::throttle_keys;
use crate::services::accounts;
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::extract::Form;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::with_conn;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "account/login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub csrf: String,
    pub email: String,
    pub next: String,
    pub error: String,
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

fn page(
    req: &HttpRequest,
    lang: Lang,
    viewer: &Viewer,
    state: &AppState,
    email: String,
    next: String,
    error: String,
) -> LoginPage {
    let layout = Layout::new(
        req,
        lang,
        lang.t("nav.login"),
        state.catalogue.get().has_demo(),
        "login",
    );
    LoginPage {
        layout,
        csrf: viewer.csrf(),
        email,
        next,
        error,
    }
}

pub async fn show_login(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    query: web::Query<Next>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let next = safe_next(query.next.as_deref().unwrap_or("/"));
    render_with(
        StatusCode::OK,
        &page(
            &req,
            lang,
            &viewer,
            &state,
            String::new(),
            next,
            String::new(),
        ),
    )
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// Where to go after logging in (a path of this site only).
    #[serde(default)]
    next: String,
}

pub async fn log_in(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    Form(input): Form<LoginInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let LoginInput {
        email,
        password,
        next,
    } = input;
    // Surrounding spaces are dropped from both, as every form field is (a pasted password
    // often carries a trailing space).
    let (email, password) = (email.trim().to_owned(), password.trim().to_owned());
    let next = safe_next(next.trim());
    let keys = throttle_keys(&email, client_address(&req).as_deref());
    // Wait first, then check: the same for known and unknown addresses, so neither the answer
    // nor its timing tells whether an account exists.
    wait_for_throttle(&state, &keys).await?;
    let login_email = email.clone();
    let outcome = with_conn(&state, move |conn| {
        accounts::log_in(conn, &login_email, &password, &keys, Utc::now().naive_utc())
    })
    .await?;
    match outcome {
        Some((user, token)) => {
            viewer.log_in(&user, &token)?;
            tracing::info!(user = user.id, "login");
            Ok(see_other(&next))
        }
        None => render_with(
            StatusCode::UNAUTHORIZED,
            &page(
                &req,
                lang,
                &viewer,
                &state,
                email,
                next,
                lang.t("login.invalid"),
            ),
        ),
    }
}

/// Waits as long as recent failures for these keys ask, before a password is checked.
pub async fn wait_for_throttle(state: &AppState, keys: &[String]) -> Result<(), PageError> {
    let keys = keys.to_vec();
    let wait = with_conn(state, move |conn| {
        accounts::login_wait(conn, &keys, Utc::now().naive_utc())
    })
    .await?;
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
    Ok(())
}

/// The client's own address (not a forwarded header, which anyone can write).
pub fn client_address(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|a| a.ip().to_string())
}
