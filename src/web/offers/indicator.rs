//! `/tilbud/indikator`: a clinician's own departments' indicator for a year or quarter, exact
//! (their own decisions, as DCCC staff see them), beside the national row as the public reads
//! it (DCCC staff: exact, and every department).

use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::Datelike;

use super::require_register_user;
use crate::services::offers::indicator::{department_indicator, DepartmentRequest, IndicatorQuery};
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::reports::{PeriodQuery, RowView};
use crate::web::{with_conn, AppState};

#[derive(Template)]
#[template(path = "offers/indicator.html")]
pub struct DepartmentIndicatorPage {
    pub layout: Layout,
    pub years: Vec<i32>,
    pub year: i32,
    pub quarter: u32,
    pub dmcgs: Vec<String>,
    pub dmcg: String,
    /// The period could not be read: the field named.
    pub error_field: String,
    pub national: Option<RowView>,
    pub rows: Vec<RowView>,
    /// Own departments without decisions in the period: (code, name).
    pub without: Vec<(String, String)>,
    pub all_sites: bool,
    /// The same period in the transparency report.
    pub report_link: String,
}

/// `GET /tilbud/indikator?year=2026&quarter=3&dmcg=DBCG`.
pub async fn show_department_indicator(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    query: web::Query<PeriodQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = require_register_user(&viewer, &req)?.clone();
    let catalogue = state.catalogue.get();
    let (period, bad_period) = query.period(true);
    let dmcg = query.dmcg(&catalogue);
    let error_field = match (bad_period, &dmcg) {
        (Some(field), _) => field.to_owned(),
        (None, Err(_)) => "dmcg".to_owned(),
        (None, Ok(_)) => String::new(),
    };
    let dmcg = dmcg.ok().flatten();
    let this_year = chrono::Utc::now().year();
    let mut view = DepartmentIndicatorPage {
        layout: Layout::new(
            &req,
            lang,
            if user.is_admin() {
                lang.pick("Afdelingernes indikator", "The departments' indicator")
            } else {
                lang.pick("Dine afdelingers indikator", "Your departments' indicator")
            },
            false,
            "offers",
        )
        .with_viewer(&viewer),
        years: (2020.min(period.year)..=this_year).rev().collect(),
        year: period.year,
        quarter: period.quarter.unwrap_or(0),
        dmcgs: catalogue.dmcgs.iter().map(|d| d.acronym.clone()).collect(),
        dmcg: dmcg.clone().unwrap_or_default(),
        error_field,
        national: None,
        rows: Vec::new(),
        without: Vec::new(),
        all_sites: user.is_admin(),
        report_link: PeriodQuery::link(&period, dmcg.as_deref()),
    };
    if !view.error_field.is_empty() {
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    let request = DepartmentRequest {
        query: IndicatorQuery {
            from: period.from,
            to: period.to,
            dmcg,
        },
        sites: (!user.is_admin()).then(|| user.sites.clone()),
        exact_national: user.is_admin(),
        today: crate::web::time::today(),
        english: lang.is_en(),
    };
    let cache = state.reports.clone();
    let catalogue2 = catalogue.clone();
    let indicator = with_conn(&state, move |conn| {
        department_indicator(conn, &catalogue2, &cache.disclosure, &request)
    })
    .await?;
    let en = lang.is_en();
    view.national = indicator.national.as_ref().map(|r| RowView::new(r, en));
    view.rows = indicator.rows.iter().map(|r| RowView::new(r, en)).collect();
    if !user.is_admin() {
        view.without = user
            .sites
            .iter()
            .filter(|s| !indicator.rows.iter().any(|r| r.group == **s))
            .map(|s| {
                let name = catalogue.site(s).map_or_else(
                    || s.clone(),
                    |x| format!("{}, {}", x.hospital, x.department),
                );
                (s.clone(), name)
            })
            .collect();
    }
    render_with(StatusCode::OK, &view)
}
