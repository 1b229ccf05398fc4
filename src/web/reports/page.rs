//! The transparency report page: registry activity, coverage, access close to home and the
//! indicator with charts, for a year or a quarter.

use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Datelike, Utc};
use dccc_matching::Region;

use super::charts::offered_chart;
use super::{build_report, decimal, PeriodQuery, RowView, UnknownDmcg};
use crate::domain::indicator::Grouping;
use crate::domain::offers::NotOfferedReason;
use crate::services::reports::{Coverage, ProtocolCount};
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::AppState;

/// One grouping of the indicator: its table, chart and download.
pub struct IndicatorSection {
    pub key: &'static str,
    pub title: &'static str,
    pub national: RowView,
    pub rows: Vec<RowView>,
    pub chart: String,
    pub with_standard: bool,
}

#[derive(Template)]
#[template(path = "reports/transparency.html")]
pub struct ReportPage {
    pub layout: Layout,
    pub period_label: String,
    pub query: String,
    pub api_query: String,
    /// The DMCG the indicator is limited to ("" for all).
    pub dmcg: String,
    pub dmcgs: Vec<(String, String)>,
    pub year: i32,
    pub quarter: u32,
    pub years: Vec<i32>,
    pub bad_parameter: Option<&'static str>,
    pub exact: bool,
    pub demo_register: bool,
    pub region_names: Vec<&'static str>,
    pub protocols_by_dmcg: Vec<ProtocolCount>,
    pub protocols_by_region: Vec<ProtocolCount>,
    pub coverage: Vec<(String, [Coverage; 5])>,
    pub access: Vec<(String, Vec<String>)>,
    pub reason_labels: Vec<&'static str>,
    pub sections: Vec<IndicatorSection>,
    /// The period has not ended: the public sees no indicator for it yet.
    pub indicator_withheld: bool,
}

pub async fn show_report(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    query: web::Query<PeriodQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (period, mut bad_parameter) = query.period(
        viewer
            .user
            .as_ref()
            .is_some_and(crate::db::users::User::is_admin),
    );
    let dmcg = query
        .dmcg(&state.catalogue.get())
        .unwrap_or_else(|UnknownDmcg| {
            bad_parameter = Some("dmcg");
            None
        });
    let report = build_report(&state, &viewer, period, dmcg, lang).await?;
    let en = lang.is_en();
    let sections = report
        .indicator
        .iter()
        .map(|table| {
            let key = table.grouping.as_str();
            let title = if en {
                table.grouping.label_en()
            } else {
                table.grouping.label_da()
            };
            let with_standard = table.grouping == Grouping::Dmcg || report.dmcg.is_some();
            IndicatorSection {
                key,
                title,
                national: RowView::new(&table.national, en),
                rows: table.rows.iter().map(|r| RowView::new(r, en)).collect(),
                chart: offered_chart(
                    &format!("chart-{key}"),
                    &format!(
                        "{} – {}",
                        lang.pick("Andel tilbudt forsøg", "Share offered a trial"),
                        title
                    ),
                    &table.rows,
                    en,
                ),
                with_standard,
            }
        })
        .collect();
    let access = report
        .access
        .iter()
        .map(|(dmcg, cells)| {
            (
                dmcg.clone(),
                cells
                    .iter()
                    .map(|c| {
                        c.map_or_else(
                            || "–".to_owned(),
                            |a| {
                                format!(
                                    "{} / {}",
                                    decimal(a.median_km, en),
                                    decimal(a.worst_km, en)
                                )
                            },
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    let query_string = PeriodQuery::link(&period, report.dmcg.as_deref());
    let page = ReportPage {
        layout: Layout::new(
            &req,
            lang,
            lang.pick(
                "Gennemsigtighed i kræftforskningen",
                "Transparency in cancer research",
            ),
            state.catalogue.get().has_demo() || report.demo_register,
            "report",
        )
        .with_viewer(&viewer),
        period_label: period.label(en),
        query: query_string,
        api_query: match &report.dmcg {
            Some(d) => format!("from={}&to={}&dmcg={d}", period.from, period.to),
            None => format!("from={}&to={}", period.from, period.to),
        },
        dmcg: report.dmcg.clone().unwrap_or_default(),
        dmcgs: state
            .catalogue
            .get()
            .dmcgs
            .iter()
            .map(|d| (d.acronym.clone(), d.name_da.clone()))
            .collect(),
        year: period.year,
        quarter: period.quarter.unwrap_or(0),
        years: (report.first_year..=Utc::now().year().max(period.year))
            .rev()
            .collect(),
        bad_parameter,
        exact: report.exact,
        demo_register: report.demo_register,
        region_names: Region::ALL.iter().map(|r| r.short_da()).collect(),
        protocols_by_dmcg: report.protocols_by_dmcg,
        protocols_by_region: report.protocols_by_region,
        coverage: report.coverage,
        access,
        reason_labels: NotOfferedReason::ALL.iter().map(|r| r.label(en)).collect(),
        sections,
        indicator_withheld: report.indicator_withheld,
    };
    let status = if bad_parameter.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render_with(status, &page)
}
