//! `/login`: e-mail and password; accounts lock for a while after repeated failures.

use crate::web::see_other;
use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::safe_next;
use crate::db::users::{self, LoginFailure, User};
use crate::web::auth::Viewer;
use crate::web::error::{internal, PageError};
use crate::web::extract::Form;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
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
    let pool = state.pool.clone();
    let login_email = email.clone();
    let outcome = web::block(move || -> anyhow::Result<Result<User, LoginFailure>> {
        let mut conn = pool.get()?;
        Ok(users::authenticate(
            &mut conn,
            &login_email,
            &password,
            Utc::now().naive_utc(),
        )?)
    })
    .await
    .map_err(internal)?
    .map_err(internal)?;
    match outcome {
        Ok(user) => {
            viewer.log_in(&user)?;
            tracing::info!(user = user.id, "login");
            Ok(see_other(&next))
        }
        Err(failure) => {
            let message = match failure {
                LoginFailure::Invalid => lang.t("login.invalid"),
                LoginFailure::Locked => lang.t("login.locked"),
            };
            let status = if failure == LoginFailure::Locked {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            render_with(
                status,
                &page(&req, lang, &viewer, &state, email, next, message),
            )
        }
    }
}
