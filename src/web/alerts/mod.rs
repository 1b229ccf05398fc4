//! Handles `/abonnement`: subscribing to e-mail alerts about newly opened protocols (the form,
//! then a confirmation link by e-mail), confirming, and leaving by the signed link every
//! alert carries. Leaving also takes the one-click POST of RFC 8058 that mail programs send
//! from the `List-Unsubscribe` header. The work is in `services::alerts`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;
use dccc_matching::{Phase, Region};
use serde::Deserialize;

use crate::catalogue::matcher::diagnosis_names;
use crate::domain::{msg, Email, FieldError};
use crate::services::alerts::{self, AlertFilter, FilterInput, AUDIENCES};
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::extract::{CsrfChecked, Form, Unsubscribe};
use crate::web::forms::{error_lines, messages_for, ErrorLine};
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::protocols::filters::Choice;
use crate::web::pages::render_with;
use crate::web::{with_conn, AppState};

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/abonnement", web::get().to(show_form))
        .route("/abonnement", web::post().to(subscribe))
        .route("/abonnement/bekraeft/{token}", web::get().to(show_confirm))
        .route("/abonnement/bekraeft/{token}", web::post().to(confirm))
        .route(
            "/abonnement/afmeld/{id}/{signature}",
            web::get().to(show_leave),
        )
        .route("/abonnement/afmeld/{id}/{signature}", web::post().to(leave));
}

/// The form, with the choices kept as given.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AlertInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    dmcg: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    lay_group: String,
    #[serde(default)]
    phase: String,
    #[serde(default)]
    audience: String,
}

/// One choice list of the form.
pub struct SelectField {
    pub name: &'static str,
    pub label: String,
    pub options: Vec<Choice>,
    /// The field's message ("" when none).
    pub error: String,
}

#[derive(Template)]
#[template(path = "alerts/form.html")]
pub struct AlertFormPage {
    pub layout: Layout,
    pub csrf: String,
    pub email: String,
    pub selects: Vec<SelectField>,
    pub errors: Vec<FieldError>,
}

impl AlertFormPage {
    pub fn err(&self, field: &str) -> String {
        messages_for(&self.errors, field, self.layout.lang)
    }
    pub fn summary(&self) -> Vec<ErrorLine> {
        let lang = self.layout.lang;
        error_lines(&self.errors, lang, |field| label(field, lang))
    }
}

fn label(field: &str, lang: Lang) -> String {
    match field {
        "email" => lang.t("alerts.email"),
        "dmcg" => lang.t("filter.dmcg"),
        "region" => lang.t("filter.region"),
        "lay_group" => lang.t("alerts.lay_group"),
        "phase" => lang.t("filter.phase"),
        "audience" => lang.t("filter.who"),
        other => other.to_owned(),
    }
}

fn choices(options: Vec<(String, String)>, selected: &str, lang: Lang) -> Vec<Choice> {
    let mut list = vec![Choice {
        value: String::new(),
        label: lang.t("alerts.any"),
        selected: selected.is_empty(),
    }];
    list.extend(options.into_iter().map(|(value, label)| Choice {
        selected: value == selected,
        value,
        label,
    }));
    list
}

fn form_page(
    req: &HttpRequest,
    lang: Lang,
    viewer: &Viewer,
    state: &AppState,
    input: &AlertInput,
    errors: Vec<FieldError>,
) -> AlertFormPage {
    let catalogue = state.catalogue.get();
    let english = lang.is_en();
    let layout = Layout::new(
        req,
        lang,
        lang.t("alerts.title"),
        catalogue.has_demo(),
        "alerts",
    )
    .with_viewer(viewer);
    let dmcgs = catalogue
        .dmcgs
        .iter()
        .map(|d| (d.acronym.clone(), format!("{} – {}", d.acronym, d.name_da)))
        .collect();
    let regions = Region::ALL
        .iter()
        .map(|r| {
            let name = if english { r.name_en() } else { r.name_da() };
            (r.code().to_string(), name.to_owned())
        })
        .collect();
    let lay_groups = diagnosis_names()
        .lay
        .groups()
        .iter()
        .map(|g| {
            let name = if english { &g.name_en } else { &g.name_da };
            (g.key(), name.clone())
        })
        .collect();
    let phases = Phase::ALL
        .iter()
        .map(|p| {
            let name = if english { p.label_en() } else { p.label_da() };
            (p.as_str().to_owned(), name.to_owned())
        })
        .collect();
    let audiences = AUDIENCES
        .iter()
        .map(|a| ((*a).to_owned(), lang.t(&format!("alerts.audience.{a}"))))
        .collect();
    let select = |name: &'static str, options, selected: &str| SelectField {
        name,
        label: label(name, lang),
        options: choices(options, selected, lang),
        error: messages_for(&errors, name, lang),
    };
    let selects = vec![
        select("lay_group", lay_groups, &input.lay_group),
        select("dmcg", dmcgs, &input.dmcg),
        select("region", regions, &input.region),
        select("phase", phases, &input.phase),
        select("audience", audiences, &input.audience),
    ];
    AlertFormPage {
        layout,
        csrf: viewer.csrf(),
        email: input.email.clone(),
        selects,
        errors,
    }
}

/// `GET /abonnement`: the form; its choices may come filled from a link
/// (`/abonnement?dmcg=DBCG`).
pub async fn show_form(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    query: web::Query<AlertInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let mut input = query.into_inner();
    input.email.clear();
    render_with(
        StatusCode::OK,
        &form_page(&req, lang, &viewer, &state, &input, Vec::new()),
    )
}

#[derive(Template)]
#[template(path = "alerts/message.html")]
pub struct AlertMessagePage {
    pub layout: Layout,
    pub heading: String,
    pub text: String,
    /// A button to press (confirm, leave), posting to `action`; none when empty.
    pub action: String,
    pub button: String,
    pub csrf: String,
    pub filter: Vec<String>,
}

fn message_page(
    req: &HttpRequest,
    lang: Lang,
    viewer: &Viewer,
    state: &AppState,
    key: &str,
) -> AlertMessagePage {
    AlertMessagePage {
        layout: Layout::new(
            req,
            lang,
            lang.t(&format!("alerts.{key}.title")),
            state.catalogue.get().has_demo(),
            "alerts",
        )
        .with_viewer(viewer),
        heading: lang.t(&format!("alerts.{key}.title")),
        text: lang.t(&format!("alerts.{key}.text")),
        action: String::new(),
        button: String::new(),
        csrf: viewer.csrf(),
        filter: Vec::new(),
    }
}

/// `POST /abonnement`: a subscription waiting for its confirmation, and the message that
/// asks for it. The answer is the same whether or not the address asked before.
pub async fn subscribe(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    Form(input): Form<AlertInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let catalogue = state.catalogue.get();
    let mut errors = Vec::new();
    let email = match Email::parse(&input.email) {
        Ok(e) => Some(e),
        Err(m) if input.email.trim().is_empty() => {
            let _ = m;
            errors.push(FieldError::new("email", msg::REQUIRED));
            None
        }
        Err(m) => {
            errors.push(FieldError::new("email", m));
            None
        }
    };
    let filter = AlertFilter::parse(
        &FilterInput {
            dmcg: input.dmcg.trim(),
            region: input.region.trim(),
            lay_group: input.lay_group.trim(),
            phase: input.phase.trim(),
            audience: input.audience.trim(),
        },
        &catalogue,
    );
    let filter = match filter {
        Ok(f) => Some(f),
        Err(more) => {
            errors.extend(more);
            None
        }
    };
    let (Some(email), Some(filter), true) = (email, filter, errors.is_empty()) else {
        return render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&req, lang, &viewer, &state, &input, errors),
        );
    };
    let english = lang.is_en();
    let base = state.settings.base_url.trim_end_matches('/').to_owned();
    let cat = catalogue.clone();
    let described = filter.describe(&catalogue, english);
    with_conn(&state, move |conn| {
        alerts::subscribe(
            conn,
            &email,
            &filter,
            english,
            &base,
            &cat,
            Utc::now().naive_utc(),
        )
    })
    .await?;
    let mut page = message_page(&req, lang, &viewer, &state, "sent");
    page.filter = described;
    render_with(StatusCode::OK, &page)
}

/// `GET /abonnement/bekraeft/{token}`: a button that confirms. Following the link does not
/// confirm by itself, since mail scanners follow links too.
pub async fn show_confirm(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    token: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let mut page = message_page(&req, lang, &viewer, &state, "confirm");
    page.action = format!("/abonnement/bekraeft/{}", token.into_inner());
    page.button = lang.t("alerts.confirm.button");
    render_with(StatusCode::OK, &page)
}

/// `POST /abonnement/bekraeft/{token}`.
pub async fn confirm(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    _form: CsrfChecked,
    token: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let confirmed = with_conn(&state, move |conn| {
        alerts::confirm(conn, &token, Utc::now().naive_utc())
    })
    .await?;
    let catalogue = state.catalogue.get();
    match confirmed {
        Some(sub) => {
            let mut page = message_page(&req, lang, &viewer, &state, "confirmed");
            page.filter = AlertFilter::of(&sub).describe(&catalogue, lang.is_en());
            render_with(StatusCode::OK, &page)
        }
        None => render_with(
            StatusCode::NOT_FOUND,
            &message_page(&req, lang, &viewer, &state, "unknown_link"),
        ),
    }
}

fn link_id(raw: &str) -> Option<i32> {
    raw.parse().ok()
}

/// `GET /abonnement/afmeld/{id}/{signature}`: a button that ends the alerts.
pub async fn show_leave(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (raw_id, signature) = path.into_inner();
    let key = state.link_key.clone();
    let found = match link_id(&raw_id) {
        Some(id) => {
            let given = signature.clone();
            with_conn(&state, move |conn| {
                alerts::find_signed(conn, &key, id, &given)
            })
            .await?
        }
        None => None,
    };
    let Some(sub) = found else {
        return render_with(
            StatusCode::NOT_FOUND,
            &message_page(&req, lang, &viewer, &state, "left_already"),
        );
    };
    let mut page = message_page(&req, lang, &viewer, &state, "leave");
    page.action = format!("/abonnement/afmeld/{}/{signature}", sub.id);
    page.button = lang.t("alerts.leave.button");
    page.filter = AlertFilter::of(&sub).describe(&state.catalogue.get(), lang.is_en());
    render_with(StatusCode::OK, &page)
}

/// `POST /abonnement/afmeld/{id}/{signature}`: from the page's button (with its CSRF token)
/// or from a mail program's one-click request (`List-Unsubscribe=One-Click`, RFC 8058),
/// which carries no token: the link's signature is what authorises either.
pub async fn leave(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    path: web::Path<(String, String)>,
    how: Unsubscribe,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let one_click = how == Unsubscribe::OneClick;
    let (raw_id, signature) = path.into_inner();
    let key = state.link_key.clone();
    let left = match link_id(&raw_id) {
        Some(id) => {
            with_conn(&state, move |conn| {
                alerts::unsubscribe(conn, &key, id, &signature)
            })
            .await?
        }
        None => false,
    };
    if one_click {
        return Ok(HttpResponse::Ok().finish());
    }
    let key = if left { "left" } else { "left_already" };
    render_with(
        if left {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        },
        &message_page(&req, lang, &viewer, &state, key),
    )
}
