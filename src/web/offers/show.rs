//! `/tilbud/{id}`: one decision with its history, and annulling it.

use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use dccc_matching::Region;
use serde::Deserialize;

use super::require_register_user;
use crate::catalogue::Catalogue;
use crate::db::history;
use crate::db::offers::{self as store, OfferRow};
use crate::domain::offers::{AgeBand, MdtLevel, NotOfferedReason, OfferOutcome};
use crate::services::offers::{self, OfferError};
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::extract::Form;
use crate::web::history::HistoryLine;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::{see_other, with_conn, AppState};

/// An entry as pages show it, with labels in the page's language.
#[derive(Debug, Clone)]
pub struct OfferView {
    pub id: i32,
    pub decision_date: String,
    pub site: String,
    pub site_name: String,
    pub dmcg: String,
    pub patient_ref: String,
    pub age_band: String,
    pub sex: String,
    pub residence_region: String,
    pub mdt_level: String,
    pub offered: bool,
    pub decision: String,
    pub protocol_slug: Option<String>,
    pub outcome: String,
    pub outcome_date: String,
    pub reason_text: String,
    pub annulled: bool,
    pub annul_reason: String,
    pub demo: bool,
    /// Offered, still awaiting its outcome [`FOLLOW_UP_DAYS`](crate::domain::offers::FOLLOW_UP_DAYS)
    /// days after the decision.
    pub overdue: bool,
}

impl OfferView {
    pub fn new(r: &OfferRow, catalogue: &Catalogue, lang: Lang) -> Self {
        let en = lang.is_en();
        let decision = if r.offered == 1 {
            format!(
                "{}: {}",
                lang.pick("Tilbudt", "Offered"),
                r.protocol_acronym.as_deref().unwrap_or("")
            )
        } else {
            format!(
                "{}: {}",
                lang.pick("Ikke tilbudt", "Not offered"),
                r.not_offered_reason
                    .as_deref()
                    .and_then(NotOfferedReason::parse)
                    .map_or("", |v| v.label(en))
            )
        };
        Self {
            id: r.id,
            decision_date: r.decision_date.format("%d-%m-%Y").to_string(),
            site: r.site_code.clone(),
            site_name: catalogue
                .site(&r.site_code)
                .map(|s| format!("{}, {}", s.hospital, s.department))
                .unwrap_or_default(),
            dmcg: r.dmcg.clone(),
            patient_ref: r.patient_ref.clone(),
            age_band: AgeBand::parse(&r.age_band)
                .map_or(r.age_band.clone(), |v| v.label(en).into()),
            sex: match r.sex.as_str() {
                "female" => lang.pick("Kvinde", "Female"),
                _ => lang.pick("Mand", "Male"),
            }
            .into(),
            residence_region: Region::from_code(r.residence_region).map_or_else(String::new, |g| {
                if en { g.name_en() } else { g.name_da() }.into()
            }),
            mdt_level: MdtLevel::parse(&r.mdt_level)
                .map_or("", |v| v.label(en))
                .into(),
            offered: r.offered == 1,
            decision,
            protocol_slug: r.protocol_slug.clone(),
            outcome: r
                .outcome
                .as_deref()
                .and_then(OfferOutcome::parse)
                .map_or("", |v| v.label(en))
                .into(),
            outcome_date: r
                .outcome_date
                .map(|d| d.format("%d-%m-%Y").to_string())
                .unwrap_or_default(),
            reason_text: r.reason_text.clone().unwrap_or_default(),
            annulled: r.annulled == 1,
            annul_reason: r.annul_reason.clone().unwrap_or_default(),
            demo: r.is_demo == 1,
            overdue: r.offered == 1
                && r.annulled == 0
                && r.outcome.as_deref() == Some("pending")
                && r.decision_date
                    < crate::domain::offers::follow_up_date(crate::web::time::today()),
        }
    }
}

#[derive(Template)]
#[template(path = "offers/show.html")]
pub struct OfferPage {
    pub layout: Layout,
    pub csrf: String,
    pub offer: OfferView,
    pub history: Vec<HistoryLine>,
    pub may_change: bool,
    pub saved: bool,
    pub annul_error: String,
    pub annul_reason: String,
}

#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    saved: Option<String>,
}

async fn page(
    req: &HttpRequest,
    lang: Lang,
    viewer: &Viewer,
    state: &AppState,
    id: i32,
) -> Result<OfferPage, PageError> {
    let user = require_register_user(viewer, req)?.clone();
    let (row, history) = with_conn(state, move |conn| {
        let row = store::find_offer(conn, id)?;
        let history = history::for_entity(conn, "offer", &id.to_string(), false)?;
        Ok((row, history))
    })
    .await?;
    let row = row.ok_or(PageError::not_found())?;
    if !offers::may_register(&user, &row.site_code) {
        return Err(PageError::forbidden());
    }
    let catalogue = state.catalogue.get();
    let title = format!("{} {}", lang.pick("Registrering", "Entry"), row.id);
    Ok(OfferPage {
        layout: Layout::new(req, lang, title, false, "offers").with_viewer(viewer),
        csrf: viewer.csrf(),
        may_change: row.annulled == 0,
        offer: OfferView::new(&row, &catalogue, lang),
        history: crate::web::history::lines(&history, lang, &catalogue, true),
        saved: false,
        annul_error: String::new(),
        annul_reason: String::new(),
    })
}

pub async fn show_offer(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    path: web::Path<i32>,
    query: web::Query<ShowQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let mut view = page(&req, lang, &viewer, &state, path.into_inner()).await?;
    view.saved = query.saved.is_some();
    render_with(StatusCode::OK, &view)
}

/// The annul form: why the entry is annulled.
#[derive(Debug, Deserialize)]
pub struct AnnulInput {
    #[serde(default)]
    reason: String,
}

pub async fn annul_offer(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    path: web::Path<i32>,
    Form(form): Form<AnnulInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = require_register_user(&viewer, &req)?.clone();
    let id = path.into_inner();
    let reason = form.reason.trim().to_owned();
    let reason2 = reason.clone();
    let result = with_conn(&state, move |conn| {
        Ok(offers::annul(conn, id, &reason2, &user))
    })
    .await?;
    match result {
        Ok(()) => Ok(see_other(&format!("/tilbud/{id}"))),
        Err(OfferError::Invalid(errors)) => {
            let mut view = page(&req, lang, &viewer, &state, id).await?;
            view.annul_error = errors
                .iter()
                .map(|e| lang.message(&e.message))
                .collect::<Vec<_>>()
                .join(" ");
            if !crate::domain::cpr::looks_like_cpr(&reason) {
                view.annul_reason = reason;
            }
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(e) => Err(PageError::from(e)),
    }
}
