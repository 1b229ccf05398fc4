//! `/admin/brugere`: DCCC creates, edits and disables accounts; every change is in the history.

use crate::web::see_other;
use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::db::history::{self, Actor, Change};
use crate::db::users::{self, Role, User, UserInput};
use crate::domain::{Email, FieldError, Message};
use crate::services::accounts::{self, AccountError};
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::extract::Form;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::{with_conn, AppState};

#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UserListPage {
    pub layout: Layout,
    pub csrf: String,
    pub users: Vec<User>,
    pub me: i32,
}

#[derive(Template)]
#[template(path = "admin/user_form.html")]
pub struct UserFormPage {
    pub layout: Layout,
    pub csrf: String,
    pub id: Option<i32>,
    pub email: String,
    pub name: String,
    pub role: String,
    pub dmcgs: Vec<(String, bool)>,
    pub sites: Vec<(String, String, bool)>,
    pub errors: Vec<FieldError>,
    pub roles: Vec<(&'static str, &'static str)>,
}

impl UserFormPage {
    pub fn err(&self, field: &str) -> String {
        crate::web::forms::messages_for(&self.errors, field, self.layout.lang)
    }
    /// The errors at the top of the form, by field name.
    pub fn summary(&self) -> Vec<crate::web::forms::ErrorLine> {
        crate::web::forms::error_lines(&self.errors, self.layout.lang, str::to_owned)
    }
}

pub async fn list_users(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let me = viewer.require_admin(&req)?.id;
    let users = with_conn(&state, |conn| Ok(users::list_users(conn)?)).await?;
    let page = UserListPage {
        layout: Layout::new(
            &req,
            lang,
            lang.t("admin.users"),
            state.catalogue.get().has_demo(),
            "admin",
        )
        .with_viewer(&viewer),
        csrf: viewer.csrf(),
        users,
        me,
    };
    render_with(StatusCode::OK, &page)
}

fn form_page(
    req: &HttpRequest,
    lang: Lang,
    viewer: &Viewer,
    state: &AppState,
    id: Option<i32>,
    input: Option<&UserInput>,
) -> UserFormPage {
    let catalogue = state.catalogue.get();
    let chosen_dmcgs = input.map(|i| i.dmcgs.clone()).unwrap_or_default();
    let chosen_sites = input.map(|i| i.sites.clone()).unwrap_or_default();
    UserFormPage {
        layout: Layout::new(
            req,
            lang,
            lang.t("admin.users"),
            catalogue.has_demo(),
            "admin",
        )
        .with_viewer(viewer),
        csrf: viewer.csrf(),
        id,
        email: input.map(|i| i.email.clone()).unwrap_or_default(),
        name: input.map(|i| i.display_name.clone()).unwrap_or_default(),
        role: input.map_or("dmcg_editor", |i| i.role.as_str()).to_owned(),
        dmcgs: catalogue
            .dmcgs
            .iter()
            .map(|d| (d.acronym.clone(), chosen_dmcgs.contains(&d.acronym)))
            .collect(),
        sites: catalogue
            .sites
            .iter()
            .map(|s| {
                (
                    s.code.clone(),
                    format!("{} – {}", s.code, s.department),
                    chosen_sites.contains(&s.code),
                )
            })
            .collect(),
        errors: Vec::new(),
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), r.label_da()))
            .collect(),
    }
}

/// The user form as posted.
#[derive(Debug, Deserialize)]
pub struct UserFormInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    dmcgs: Vec<String>,
    #[serde(default)]
    sites: Vec<String>,
    /// A new password (required when creating; empty keeps the old one when editing).
    #[serde(default)]
    password: String,
}

/// The posted user fields, checked; the role string is kept for showing the form again.
fn read_form(form: &UserFormInput, state: &AppState) -> (UserInput, Vec<FieldError>) {
    let catalogue = state.catalogue.get();
    let mut errors = Vec::new();
    let email = form.email.trim().to_owned();
    if let Err(m) = Email::parse(&email) {
        errors.push(FieldError::new("email", m));
    }
    let display_name = form.display_name.trim().to_owned();
    if display_name.is_empty() {
        errors.push(FieldError::new(
            "display_name",
            Message::untranslated("Skriv brugerens navn."),
        ));
    }
    let role = Role::parse(&form.role).unwrap_or_else(|| {
        errors.push(FieldError::new(
            "role",
            Message::untranslated("Vælg en rolle."),
        ));
        Role::Clinician
    });
    let dmcgs: Vec<String> = form
        .dmcgs
        .iter()
        .map(|d| d.trim())
        .filter(|d| catalogue.dmcg(d).is_some())
        .map(str::to_owned)
        .collect();
    let sites: Vec<String> = form
        .sites
        .iter()
        .map(|d| d.trim())
        .filter(|s| catalogue.site(s).is_some())
        .map(str::to_owned)
        .collect();
    if role == Role::DmcgEditor && dmcgs.is_empty() {
        errors.push(FieldError::new(
            "dmcgs",
            Message::untranslated("En DMCG-redaktør skal have mindst én DMCG."),
        ));
    }
    if role == Role::Clinician && sites.is_empty() {
        errors.push(FieldError::new(
            "sites",
            Message::untranslated("En kliniker skal have mindst én afdeling."),
        ));
    }
    (
        UserInput {
            email,
            display_name,
            role,
            dmcgs,
            sites,
        },
        errors,
    )
}

pub async fn new_user(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    viewer.require_admin(&req)?;
    render_with(
        StatusCode::OK,
        &form_page(&req, lang, &viewer, &state, None, None),
    )
}

pub async fn create_user(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    Form(form): Form<UserFormInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let admin = viewer.require_admin(&req)?.clone();
    let (input, mut errors) = read_form(&form, &state);
    let password = form.password.trim().to_owned();
    if let Err(m) = users::check_password_rules(&password) {
        errors.push(FieldError::new("password", Message::untranslated(m)));
    }
    if errors.is_empty() {
        let input2 = input.clone();
        let actor = Actor::of(&admin);
        let created = with_conn(&state, move |conn| {
            match accounts::create_user(conn, &input2, &password, &actor, Utc::now().naive_utc()) {
                Ok(id) => Ok(Some(id)),
                Err(AccountError::EmailTaken) => Ok(None),
                Err(AccountError::Database(e)) => Err(e),
            }
        })
        .await?;
        match created {
            Some(_) => return Ok(see_other("/admin/brugere")),
            None => errors.push(FieldError::new(
                "email",
                Message::untranslated("Der findes allerede en bruger med den e-mail."),
            )),
        }
    }
    let mut page = form_page(&req, lang, &viewer, &state, None, Some(&input));
    page.role = form.role.trim().to_owned();
    page.errors = errors;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

pub async fn edit_user(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    id: web::Path<i32>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    viewer.require_admin(&req)?;
    let id = id.into_inner();
    let user = with_conn(&state, move |conn| Ok(users::find_user(conn, id)?))
        .await?
        .ok_or(PageError::not_found())?;
    let input = UserInput {
        email: user.email,
        display_name: user.display_name,
        role: user.role,
        dmcgs: user.dmcgs,
        sites: user.sites,
    };
    render_with(
        StatusCode::OK,
        &form_page(&req, lang, &viewer, &state, Some(id), Some(&input)),
    )
}

pub async fn update_user(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    id: web::Path<i32>,
    Form(form): Form<UserFormInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let admin = viewer.require_admin(&req)?.clone();
    let id = id.into_inner();
    let (input, mut errors) = read_form(&form, &state);
    let new_password = form.password.trim().to_owned();
    if !new_password.is_empty() {
        if let Err(m) = users::check_password_rules(&new_password) {
            errors.push(FieldError::new("password", Message::untranslated(m)));
        }
    }
    if id == admin.id && input.role != Role::Admin {
        errors.push(FieldError::new(
            "role",
            Message::untranslated("Du kan ikke fjerne din egen administratorrolle."),
        ));
    }
    if errors.is_empty() {
        let input2 = input.clone();
        let updated = with_conn(&state, move |conn| {
            let Some(before) = users::find_user(conn, id)? else {
                return Ok(Some(false));
            };
            if users::email_taken(conn, &input2.email, Some(id))? {
                return Ok(None);
            }
            let now = Utc::now().naive_utc();
            users::update_user(conn, id, &input2, now)?;
            let mut changes = Vec::new();
            let mut note = |field: &str, old: String, new: String| {
                if old != new {
                    changes.push(Change {
                        field: field.into(),
                        old: Some(old),
                        new: Some(new),
                    });
                }
            };
            note("email", before.email, users::normalise_email(&input2.email));
            note(
                "display_name",
                before.display_name,
                input2.display_name.trim().to_owned(),
            );
            note(
                "role",
                before.role.as_str().into(),
                input2.role.as_str().into(),
            );
            note("dmcgs", before.dmcgs.join(" "), input2.dmcgs.join(" "));
            note("sites", before.sites.join(" "), input2.sites.join(" "));
            if !new_password.is_empty() {
                users::set_password(conn, id, &users::hash_password(&new_password)?, now)?;
                changes.push(Change {
                    field: "password".into(),
                    old: None,
                    new: Some("(ny)".into()),
                });
            }
            history::record(
                conn,
                "user",
                &id.to_string(),
                "updated",
                &Actor::of(&admin),
                &changes,
                false,
                now,
            )?;
            Ok(Some(true))
        })
        .await?;
        match updated {
            Some(true) => return Ok(see_other("/admin/brugere")),
            Some(false) => return Err(PageError::not_found()),
            None => errors.push(FieldError::new(
                "email",
                Message::untranslated("Der findes allerede en bruger med den e-mail."),
            )),
        }
    }
    let mut page = form_page(&req, lang, &viewer, &state, Some(id), Some(&input));
    page.errors = errors;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// The enable/disable button.
#[derive(Debug, Deserialize)]
pub struct ActiveInput {
    #[serde(default)]
    active: String,
}

pub async fn set_active(
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<i32>,
    Form(form): Form<ActiveInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let admin = viewer.require_admin(&req)?.clone();
    let id = id.into_inner();
    let active = form.active.trim() == "true";
    if id == admin.id && !active {
        return Err(PageError::conflict(
            "Du kan ikke deaktivere din egen konto.",
        ));
    }
    let found = with_conn(&state, move |conn| {
        let Some(before) = users::find_user(conn, id)? else {
            return Ok(false);
        };
        let now = Utc::now().naive_utc();
        users::set_active(conn, id, active, now)?;
        let change = Change {
            field: "active".into(),
            old: Some(before.active.to_string()),
            new: Some(active.to_string()),
        };
        history::record(
            conn,
            "user",
            &id.to_string(),
            if active { "enabled" } else { "disabled" },
            &Actor::of(&admin),
            &[change],
            false,
            now,
        )?;
        Ok(true)
    })
    .await?;
    if !found {
        return Err(PageError::not_found());
    }
    Ok(see_other("/admin/brugere"))
}
