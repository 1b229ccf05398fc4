//! `/redaktion`: the editor's own DMCGs: published protocols, drafts, returned and stale ones.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;

use crate::catalogue::Catalogue;
use crate::db::drafts::{self, DraftState};
use crate::services::interchange::ctgov::sync::Difference;
use crate::services::protocols::freshness::stale_before;
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render;
use crate::web::{with_conn, AppState};

pub struct DraftRow {
    pub id: i32,
    pub acronym: String,
    pub dmcg: String,
    pub state: &'static str,
    pub returned: bool,
    pub updated: String,
    pub revision: bool,
}

pub struct PublishedRow {
    /// Where ClinicalTrials.gov says something else, one line each, in the page's language.
    pub source_differences: Vec<String>,
    pub slug: String,
    pub acronym: String,
    pub dmcg: String,
    pub status: &'static str,
    pub confirmed: String,
    pub stale: bool,
}

#[derive(Template)]
#[template(path = "editor/dashboard.html")]
pub struct EditorDashboard {
    pub layout: Layout,
    pub dmcgs: String,
    pub drafts: Vec<DraftRow>,
    pub published: Vec<PublishedRow>,
    pub stale_count: usize,
}

pub async fn editor_dashboard(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = viewer.require_editor(&req)?.clone();
    let scope: Option<Vec<String>> = (!user.is_admin()).then(|| user.dmcgs.clone());
    let scope2 = scope.clone();
    let (open, stored, differences) = with_conn(&state, move |conn| {
        let open = drafts::open_drafts(conn, scope2.as_deref())?;
        let stored = crate::db::protocols::load_protocols(conn, None, true)?;
        let differences = crate::db::source_differences::all(conn)?;
        Ok((open, stored, differences))
    })
    .await?;
    let catalogue = state.catalogue.get();
    let differences_of = |id: i32| -> Vec<String> {
        differences
            .iter()
            .find(|(p, _, _, _)| *p == id)
            .and_then(|(_, _, json, _)| serde_json::from_str::<Vec<Difference>>(json).ok())
            .unwrap_or_default()
            .iter()
            .map(|d| describe(d, &catalogue, lang))
            .collect()
    };
    let stale_limit = stale_before(Utc::now().naive_utc());
    let in_scope = |dmcg: &str| scope.as_ref().is_none_or(|s| s.iter().any(|d| d == dmcg));
    let drafts = open
        .into_iter()
        .map(|d| DraftRow {
            id: d.id,
            acronym: if d.acronym.is_empty() {
                "(uden akronym)".into()
            } else {
                d.acronym.clone()
            },
            dmcg: d.dmcg.clone(),
            state: d.state.label(lang.is_en()),
            returned: d.state == DraftState::Returned,
            updated: crate::web::time::minute(d.updated_at),
            revision: d.protocol_id.is_some(),
        })
        .collect();
    let published: Vec<PublishedRow> = stored
        .into_iter()
        .filter(|s| in_scope(&s.protocol.dmcg))
        .map(|s| PublishedRow {
            source_differences: differences_of(s.id),
            stale: s.last_confirmed_at.is_none_or(|c| c < stale_limit),
            confirmed: s
                .last_confirmed_at
                .map_or_else(|| "–".into(), |c| c.format("%d-%m-%Y").to_string()),
            slug: s.slug,
            acronym: s.protocol.acronym,
            dmcg: s.protocol.dmcg,
            status: s.protocol.recruitment_status.label_da(),
        })
        .collect();
    let stale_count = published.iter().filter(|p| p.stale).count();
    let page = EditorDashboard {
        layout: Layout::new(
            &req,
            lang,
            lang.t("nav.editor"),
            state.catalogue.get().has_demo(),
            "editor",
        )
        .with_viewer(&viewer),
        dmcgs: scope.map_or_else(|| "alle".to_owned(), |s| s.join(", ")),
        drafts,
        published,
        stale_count,
    };
    render(&page)
}

/// A difference with ClinicalTrials.gov in the page's words: "Recruitment status: open here,
/// closed on ClinicalTrials.gov".
fn describe(d: &Difference, catalogue: &Catalogue, lang: Lang) -> String {
    let site_name = |code: &str| {
        catalogue
            .site(code)
            .map(|s| format!("{}, {}", s.hospital, s.department))
    };
    let (what, ours, theirs) = d.labels(site_name, lang.is_en());
    rust_i18n::replace_patterns(
        &lang.t("sync.line"),
        &["what", "ours", "theirs"],
        &[what.unwrap_or_else(|| lang.t("sync.status")), ours, theirs],
    )
}
