//! `/tilbud`: the decisions of the user's departments (all, for DCCC staff), newest first,
//! filtered by period, department, DMCG, protocol, offered or not and outcome, counted at the
//! top; `/tilbud.csv`: the same filtered list for Danish Excel, under the same access rules.
//! Offers still awaiting an outcome a month after the decision are marked for follow-up.

use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::filter::ListQuery;
use super::require_register_user;
use super::show::OfferView;
use crate::db::offers::{self as store, OfferCounts, OfferFilter};
use crate::db::users::User;
use crate::domain::offers::{follow_up_date, OfferOutcome, FOLLOW_UP_DAYS};
use crate::domain::FieldError;
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::{with_conn, AppState};

const PER_PAGE: i64 = 50;
/// The most rows one export holds (about ten years of a large department).
const MAX_EXPORT: i64 = 200_000;

#[derive(Template)]
#[template(path = "offers/list.html")]
pub struct OfferListPage {
    pub layout: Layout,
    pub offers: Vec<OfferView>,
    pub total: i64,
    pub counts: OfferCounts,
    pub page: i64,
    pub pages: i64,
    pub all_sites: bool,
    pub own_sites: Vec<String>,
    /// The departments to choose from: (code, name).
    pub sites: Vec<(String, String)>,
    pub dmcgs: Vec<String>,
    pub protocols: Vec<String>,
    pub outcomes: Vec<(&'static str, &'static str)>,
    /// The filters as typed.
    pub query: ListQuery,
    pub errors: Vec<FieldError>,
    /// The filters as a query string, for the pager and the export.
    pub link: String,
    pub follow_up_days: i64,
}

impl OfferListPage {
    pub fn q<'a>(&self, value: &'a Option<String>) -> &'a str {
        value.as_deref().unwrap_or("")
    }
    pub fn err(&self, field: &str) -> String {
        crate::web::forms::messages_for(&self.errors, field, self.layout.lang)
    }
    pub fn outcome(&self) -> String {
        self.query.outcome().unwrap_or_default()
    }
}

fn page(
    req: &HttpRequest,
    lang: Lang,
    viewer: &Viewer,
    state: &AppState,
    user: &User,
    query: ListQuery,
) -> OfferListPage {
    let catalogue = state.catalogue.get();
    let en = lang.is_en();
    OfferListPage {
        layout: Layout::new(
            req,
            lang,
            lang.pick("Tilbudsregistret", "Offer register"),
            false,
            "offers",
        )
        .with_viewer(viewer),
        offers: Vec::new(),
        total: 0,
        counts: OfferCounts::default(),
        page: 1,
        pages: 1,
        all_sites: user.is_admin(),
        own_sites: user.sites.clone(),
        sites: catalogue
            .sites
            .iter()
            .filter(|s| crate::services::offers::may_register(user, &s.code))
            .map(|s| (s.code.clone(), format!("{}, {}", s.hospital, s.department)))
            .collect(),
        dmcgs: catalogue.dmcgs.iter().map(|d| d.acronym.clone()).collect(),
        // Suggestions only (the open ones, as on the offer form): any acronym may be typed.
        protocols: catalogue
            .entries
            .iter()
            .filter(|e| e.is_open())
            .take(super::form::SUGGESTIONS)
            .map(|e| e.acronym.clone())
            .collect(),
        outcomes: OfferOutcome::ALL
            .iter()
            .map(|o| (o.as_str(), o.label(en)))
            .collect(),
        link: query.without_page(),
        query,
        errors: Vec::new(),
        follow_up_days: FOLLOW_UP_DAYS,
    }
}

/// `GET /tilbud`.
pub async fn list_offers(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = require_register_user(&viewer, &req)?.clone();
    let query = query.into_inner();
    let page_no = query.page.unwrap_or(1).clamp(1, 1_000_000);
    let mut view = page(&req, lang, &viewer, &state, &user, query.clone());
    let filter = match query.to_filter(&user, &state.catalogue.get()) {
        Ok(filter) => filter,
        Err(errors) => {
            view.errors = errors;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &view);
        }
    };
    let follow_up = follow_up_date(crate::web::time::today());
    let ((rows, total), counts) = with_conn(&state, move |conn| {
        let list = store::list_offers(conn, &filter, (page_no - 1) * PER_PAGE, PER_PAGE)?;
        let counts = store::count_filtered(conn, &filter, follow_up)?;
        Ok((list, counts))
    })
    .await?;
    let catalogue = state.catalogue.get();
    view.offers = rows
        .iter()
        .map(|r| OfferView::new(r, &catalogue, lang))
        .collect();
    view.total = total;
    view.counts = counts;
    view.page = page_no;
    view.pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    render_with(StatusCode::OK, &view)
}

/// `GET /tilbud.csv`: the filtered list, every page, for Danish Excel; headers in the page's
/// language. Bad filters give the list page with the errors beside the fields.
pub async fn export_offers(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = require_register_user(&viewer, &req)?.clone();
    let query = query.into_inner();
    let filter: OfferFilter = match query.to_filter(&user, &state.catalogue.get()) {
        Ok(filter) => filter,
        Err(errors) => {
            let mut view = page(&req, lang, &viewer, &state, &user, query);
            view.errors = errors;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &view);
        }
    };
    let rows = with_conn(&state, move |conn| {
        Ok(store::all_offers(conn, &filter, MAX_EXPORT)?)
    })
    .await?;
    let catalogue = state.catalogue.get();
    let header: Vec<String> = [
        ("dato", "date"),
        ("afdeling", "department"),
        ("afdelingens_navn", "department_name"),
        ("dmcg", "dmcg"),
        ("patientreference", "patient_reference"),
        ("aldersgruppe", "age_band"),
        ("køn", "sex"),
        ("bopælsregion", "region_of_residence"),
        ("mdt_niveau", "mdt_level"),
        ("tilbudt", "offered"),
        ("beslutning", "decision"),
        ("udfald", "outcome"),
        ("udfaldsdato", "outcome_date"),
        ("afventer_over_30_dage", "awaiting_over_30_days"),
        ("annulleret", "annulled"),
        ("annulleringsgrund", "annul_reason"),
    ]
    .iter()
    .map(|(da, en)| lang.pick(da, en).to_owned())
    .collect();
    let yes_no = |b: bool| {
        lang.pick(if b { "ja" } else { "nej" }, if b { "yes" } else { "no" })
            .to_owned()
    };
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let o = OfferView::new(r, &catalogue, lang);
            vec![
                o.decision_date,
                o.site,
                o.site_name,
                o.dmcg,
                o.patient_ref,
                o.age_band,
                o.sex,
                o.residence_region,
                o.mdt_level,
                yes_no(o.offered),
                o.decision,
                o.outcome,
                o.outcome_date,
                yes_no(o.overdue),
                yes_no(o.annulled),
                o.annul_reason,
            ]
        })
        .collect();
    let bytes =
        crate::domain::spreadsheet::excel_csv(&header, &body).map_err(PageError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"tilbudsregister.csv\"",
        ))
        .body(bytes))
}
