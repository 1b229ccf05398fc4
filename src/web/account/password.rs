//! `/konto/adgangskode`: change one's own password (other sessions end).

use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::db::users;
use crate::domain::accounts::throttle_keys;
use crate::services::accounts;
use crate::web::account::login::{client_address, wait_for_throttle};
use crate::web::auth::Viewer;
use crate::web::error::{internal, PageError};
use crate::web::extract::Form;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "account/password.html")]
pub struct PasswordPage {
    pub layout: Layout,
    pub csrf: String,
    pub email: String,
    pub role: &'static str,
    pub error_field: String,
    pub error: String,
    pub done: bool,
}

fn page(
    req: &HttpRequest,
    lang: Lang,
    viewer: &Viewer,
    state: &AppState,
) -> Result<PasswordPage, PageError> {
    let user = viewer.require(req)?;
    Ok(PasswordPage {
        layout: Layout::new(
            req,
            lang,
            lang.t("password.title"),
            state.catalogue.get().has_demo(),
            "account",
        )
        .with_viewer(viewer),
        csrf: viewer.csrf(),
        email: user.email.clone(),
        role: user.role.label_da(),
        error_field: String::new(),
        error: String::new(),
        done: false,
    })
}

pub async fn show_password_form(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    render_with(StatusCode::OK, &page(&req, lang, &viewer, &state)?)
}

/// The password form.
#[derive(Debug, Deserialize)]
pub struct PasswordInput {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

pub async fn change_password(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    Form(input): Form<PasswordInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let mut view = page(&req, lang, &viewer, &state)?;
    let user_id = viewer.require(&req)?.id;
    let PasswordInput {
        current,
        new,
        repeat,
    } = input;
    // Trimmed like every form field and the login form, so the new password works there.
    let (current, new) = (current.trim().to_owned(), new.trim().to_owned());
    if let Err(message) = users::check_password_rules(&new) {
        view.error_field = "new".into();
        view.error = message.into();
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    if new != repeat.trim() {
        view.error_field = "repeat".into();
        view.error = "De to nye adgangskoder er ikke ens.".into();
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    // Wrong current passwords are throttled like failed logins, by account and address.
    let email = viewer.require(&req)?.email.clone();
    let keys = throttle_keys(&email, client_address(&req).as_deref());
    wait_for_throttle(&state, &keys).await?;
    let pool = state.pool.clone();
    let epoch = web::block(move || -> anyhow::Result<Option<i32>> {
        let mut conn = pool.get()?;
        if !users::password_matches(&mut conn, user_id, &current)? {
            accounts::record_failed_check(&mut conn, &keys, Utc::now().naive_utc())?;
            return Ok(None);
        }
        let hash = users::hash_password(&new)?;
        let now = Utc::now().naive_utc();
        let epoch = users::set_password(&mut conn, user_id, &hash, now)?;
        let actor = crate::db::history::Actor {
            id: Some(user_id),
            label: format!("user {user_id}"),
        };
        crate::db::history::record(
            &mut conn,
            "user",
            &user_id.to_string(),
            "password_changed",
            &actor,
            &[],
            false,
            now,
        )?;
        Ok(Some(epoch))
    })
    .await
    .map_err(internal)?
    .map_err(internal)?;
    match epoch {
        Some(epoch) => {
            viewer.set_epoch(epoch)?;
            view.done = true;
            render_with(StatusCode::OK, &view)
        }
        None => {
            view.error_field = "current".into();
            view.error = "Den nuværende adgangskode er forkert.".into();
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
    }
}
