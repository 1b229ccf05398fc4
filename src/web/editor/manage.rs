//! `/redaktion/protokoller/{slug}`: an editor keeps a published protocol current: recruitment
//! and department statuses (published at once), confirmation, and revisions for review.

use crate::web::see_other;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;
use dccc_matching::{RecruitmentStatus, SiteStatus};

use crate::db::history::{self, HistoryEntry};
use crate::db::protocols::{self, StoredProtocol};
use crate::services::protocols::workflow;
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::extract::{CsrfChecked, Form};
use crate::web::forms::FormData;
use crate::web::history::HistoryLine;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render;
use crate::web::{run_step, with_conn, AppState};

pub struct SiteStatusRow {
    pub code: String,
    pub name: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "editor/manage.html")]
pub struct ManagePage {
    pub layout: Layout,
    pub csrf: String,
    pub slug: String,
    pub acronym: String,
    pub status: String,
    pub statuses: Vec<(&'static str, &'static str)>,
    pub site_statuses: Vec<(&'static str, &'static str)>,
    pub sites: Vec<SiteStatusRow>,
    pub confirmed: String,
    pub open_revision: Option<i32>,
    pub history: Vec<HistoryLine>,
}

async fn load(
    state: &AppState,
    slug: String,
) -> Result<(StoredProtocol, Option<i32>, Vec<HistoryEntry>), PageError> {
    let (stored, revision, entries) = with_conn(state, move |conn| {
        let stored = protocols::find_by_slug(conn, &slug)?;
        let revision = match &stored {
            Some(s) => crate::db::drafts::open_revision_of(conn, s.id)?.map(|d| d.id),
            None => None,
        };
        let entries = history::for_entity(conn, "protocol", &slug, false)?;
        Ok((stored, revision, entries))
    })
    .await?;
    Ok((stored.ok_or(PageError::not_found())?, revision, entries))
}

pub async fn manage_protocol(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    slug: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = viewer.require_editor(&req)?.clone();
    let (stored, open_revision, history) = load(&state, slug.into_inner()).await?;
    if !user.may_edit_dmcg(&stored.protocol.dmcg) {
        return Err(PageError::forbidden());
    }
    let catalogue = state.catalogue.get();
    let page = ManagePage {
        layout: Layout::new(
            &req,
            lang,
            stored.protocol.acronym.clone(),
            catalogue.has_demo(),
            "editor",
        )
        .with_viewer(&viewer),
        csrf: viewer.csrf(),
        slug: stored.slug.clone(),
        acronym: stored.protocol.acronym.clone(),
        status: stored.protocol.recruitment_status.as_str().into(),
        statuses: RecruitmentStatus::ALL
            .iter()
            .map(|s| (s.as_str(), lang.pick(s.label_da(), s.label_en())))
            .collect(),
        site_statuses: SiteStatus::ALL
            .iter()
            .map(|s| (s.as_str(), lang.pick(s.label_da(), s.label_en())))
            .collect(),
        sites: stored
            .protocol
            .sites
            .iter()
            .map(|s| SiteStatusRow {
                name: catalogue.site(&s.site).map_or_else(
                    || s.site.clone(),
                    |i| format!("{}, {}", i.hospital, i.department),
                ),
                code: s.site.clone(),
                status: s.status.as_str().into(),
            })
            .collect(),
        confirmed: stored
            .last_confirmed_at
            .map_or_else(|| "–".into(), |c| c.format("%d-%m-%Y").to_string()),
        open_revision,
        history: crate::web::history::lines(&history, lang, &catalogue, true),
    };
    render(&page)
}

pub async fn change_status(
    req: HttpRequest,
    viewer: Viewer,
    slug: web::Path<String>,
    Form(form): Form<FormData>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = viewer.require_editor(&req)?.clone();
    let slug = slug.into_inner();
    let status: RecruitmentStatus = form
        .get("recruitment_status")
        .parse()
        .map_err(|e| PageError::conflict(format!("{e}")))?;
    let mut sites = Vec::new();
    for (key, value) in &form.0 {
        if let Some(code) = key.strip_prefix("site.") {
            let s: SiteStatus = value
                .parse()
                .map_err(|e| PageError::conflict(format!("{e}")))?;
            sites.push((code.to_owned(), s));
        }
    }
    let target = slug.clone();
    run_step(&state, move |conn| {
        workflow::change_statuses(conn, &user, &target, status, &sites, Utc::now().naive_utc())
    })
    .await?;
    Ok(see_other(&format!("/redaktion/protokoller/{slug}")))
}

pub async fn confirm_protocol(
    req: HttpRequest,
    viewer: Viewer,
    slug: web::Path<String>,
    _: CsrfChecked,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = viewer.require_editor(&req)?.clone();
    let slug = slug.into_inner();
    let target = slug.clone();
    run_step(&state, move |conn| {
        workflow::confirm(conn, &user, &target, Utc::now().naive_utc())
    })
    .await?;
    Ok(see_other(&format!("/redaktion/protokoller/{slug}")))
}

pub async fn start_revision(
    req: HttpRequest,
    viewer: Viewer,
    slug: web::Path<String>,
    _: CsrfChecked,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = viewer.require_editor(&req)?.clone();
    let slug = slug.into_inner();
    let id = run_step(&state, move |conn| {
        workflow::start_revision(conn, &user, &slug, Utc::now().naive_utc())
    })
    .await?;
    Ok(see_other(&format!("/redaktion/kladder/{id}")))
}
