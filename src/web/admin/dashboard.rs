//! `/admin` and `/admin/historik`: what waits for DCCC, counts, stale protocols per DMCG,
//! e-mail that could not be sent, and every change.

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;

use crate::db::drafts::{self, DraftState};
use crate::db::history;
use crate::mail::{self, OutboxFailure};
use crate::services::protocols::freshness::stale_before;
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::history::HistoryLine;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render;
use crate::web::{with_conn, AppState};

pub struct QueueRow {
    pub id: i32,
    pub acronym: String,
    pub dmcg: String,
    pub revision: bool,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
pub struct AdminDashboard {
    pub layout: Layout,
    pub queue: Vec<QueueRow>,
    pub published: usize,
    pub open: usize,
    pub drafts: usize,
    pub stale_by_dmcg: Vec<(String, usize)>,
    pub failures: Vec<OutboxFailure>,
    pub pending_mail: i64,
    pub history: Vec<HistoryLine>,
}

pub async fn admin_dashboard(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    viewer.require_admin(&req)?;
    let now = Utc::now().naive_utc();
    let (open_drafts, stale, failures, pending_mail, history) = with_conn(&state, move |conn| {
        Ok((
            drafts::open_drafts(conn, None)?,
            crate::db::protocols::stale_protocols(conn, stale_before(now))?,
            mail::failures(conn)?,
            mail::pending_count(conn)?,
            history::latest(conn, 20)?,
        ))
    })
    .await?;
    let catalogue = state.catalogue.get();
    let mut stale_by_dmcg: BTreeMap<String, usize> = BTreeMap::new();
    for row in &stale {
        *stale_by_dmcg.entry(row.3.clone()).or_default() += 1;
    }
    let queue = open_drafts
        .iter()
        .filter(|d| d.state == DraftState::Submitted)
        .map(|d| QueueRow {
            id: d.id,
            acronym: d.acronym.clone(),
            dmcg: d.dmcg.clone(),
            revision: d.protocol_id.is_some(),
            updated: crate::web::time::minute(d.updated_at),
        })
        .collect();
    let page = AdminDashboard {
        layout: Layout::new(
            &req,
            lang,
            lang.t("nav.admin"),
            catalogue.has_demo(),
            "admin",
        )
        .with_viewer(&viewer),
        queue,
        published: catalogue.entries.len(),
        open: catalogue.entries.iter().filter(|e| e.is_open()).count(),
        drafts: open_drafts.len(),
        stale_by_dmcg: stale_by_dmcg.into_iter().collect(),
        failures,
        pending_mail,
        history: crate::web::history::lines(&history, lang, &catalogue, true),
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "admin/history.html")]
pub struct HistoryPage {
    pub layout: Layout,
    pub history: Vec<HistoryLine>,
}

pub async fn all_history(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    viewer.require_admin(&req)?;
    let history = with_conn(&state, |conn| Ok(history::latest(conn, 500)?)).await?;
    let page = HistoryPage {
        layout: Layout::new(
            &req,
            lang,
            lang.t("history.title"),
            state.catalogue.get().has_demo(),
            "admin",
        )
        .with_viewer(&viewer),
        history: crate::web::history::lines(&history, lang, &state.catalogue.get(), true),
    };
    render(&page)
}
