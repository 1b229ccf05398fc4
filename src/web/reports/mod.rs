//! `/gennemsigtighed`: the public transparency report, its CSV downloads, and the data both
//! are built from. DCCC staff see exact indicator figures; everybody else sees small cells
//! suppressed.

pub mod charts;
pub mod csv;
pub mod page;

use actix_web::web;
use chrono::{Datelike, Utc};
use serde::Deserialize;

use super::auth::Viewer;
use super::error::PageError;
use super::i18n::Lang;
use super::{with_conn, AppState};
use crate::domain::indicator::{IndicatorRow, Share};
use crate::services::reports::{self, Period, Report, ReportRequest};

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/gennemsigtighed", web::get().to(page::show_report))
        .route(
            "/gennemsigtighed/csv/{table}",
            web::get().to(csv::download_table),
        );
}

/// A `dmcg` parameter that names no DMCG.
#[derive(Debug, Clone, Copy)]
pub struct UnknownDmcg;

/// `?year=2026&quarter=3`; both optional.
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    pub year: Option<String>,
    pub quarter: Option<String>,
    /// One DMCG's decisions only (its standard then applies to every table).
    pub dmcg: Option<String>,
}

impl PeriodQuery {
    /// The period asked for, or the current year with a note saying why.
    /// The DMCG asked for, if it exists (its acronym as the catalogue spells it).
    pub fn dmcg(
        &self,
        catalogue: &crate::catalogue::Catalogue,
    ) -> Result<Option<String>, UnknownDmcg> {
        match self.dmcg.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(d) => catalogue
                .find_dmcg(d)
                .map(|x| Some(x.acronym.clone()))
                .ok_or(UnknownDmcg),
        }
    }

    /// `year=…&quarter=…&dmcg=…` for links to the same report.
    pub fn link(period: &Period, dmcg: Option<&str>) -> String {
        let mut query = format!("year={}", period.year);
        if let Some(q) = period.quarter {
            query.push_str(&format!("&quarter={q}"));
        }
        if let Some(d) = dmcg {
            query.push_str("&dmcg=");
            query.extend(form_urlencoded::byte_serialize(d.as_bytes()));
        }
        query
    }

    /// `exact` viewers (DCCC staff) start at this year; everybody else at the last whole year,
    /// the latest whose indicator is published.
    pub fn period(&self, exact: bool) -> (Period, Option<&'static str>) {
        let this_year = Utc::now().year() - i32::from(!exact);
        let fallback =
            Period::new(this_year, None).unwrap_or(Period::of_quarter(Utc::now().date_naive()));
        let year = match self.year.as_deref().map(str::trim) {
            None | Some("") => this_year,
            Some(y) => match y.parse() {
                Ok(y) => y,
                Err(_) => return (fallback, Some("year")),
            },
        };
        let quarter = match self.quarter.as_deref().map(str::trim) {
            None | Some("") | Some("all") => None,
            Some(q) => match q.parse() {
                Ok(q) => Some(q),
                Err(_) => return (fallback, Some("quarter")),
            },
        };
        match Period::new(year, quarter) {
            Some(p) => (p, None),
            None => (
                fallback,
                Some(if quarter.is_some() { "quarter" } else { "year" }),
            ),
        }
    }
}

/// Builds the report; the indicator tables are exact for admins only.
pub async fn build_report(
    state: &AppState,
    viewer: &Viewer,
    period: Period,
    dmcg: Option<String>,
    lang: Lang,
) -> Result<Report, PageError> {
    let exact = viewer.is_admin();
    let catalogue = state.catalogue.get();
    let cache = state.reports.clone();
    let request = ReportRequest {
        period,
        dmcg,
        exact,
        english: lang.is_en(),
    };
    with_conn(state, move |conn| {
        reports::build_report(conn, &catalogue, &cache, request)
    })
    .await
}

/// A count as published: "<5" when suppressed.
pub fn count(n: Option<u64>) -> String {
    n.map_or_else(|| "<5".to_owned(), |n| n.to_string())
}

/// A number with a decimal comma (Danish) or point.
pub fn decimal(x: f64, english: bool) -> String {
    let s = format!("{x:.1}");
    if english {
        s
    } else {
        s.replace('.', ",")
    }
}

/// "62,8 % (51,2–73,1)", or "" when hidden or undefined.
pub fn share_text(share: Option<Share>, english: bool) -> String {
    share.map_or_else(String::new, |s| {
        format!(
            "{} % ({}–{})",
            decimal(s.pct, english),
            decimal(s.ci.0, english),
            decimal(s.ci.1, english)
        )
    })
}

/// An indicator row as the page shows it.
pub struct RowView {
    pub group: String,
    pub name: String,
    pub suppressed: bool,
    pub patients: String,
    pub offered: String,
    pub offered_share: String,
    pub included: String,
    pub included_share: String,
    pub standard: String,
    pub standard_met: Option<bool>,
    pub reasons: Vec<String>,
}

impl RowView {
    pub fn new(row: &IndicatorRow, english: bool) -> Self {
        Self {
            group: row.group.clone(),
            name: row.name.clone(),
            suppressed: row.suppressed,
            patients: count(row.patients),
            offered: count(row.offered),
            offered_share: share_text(row.offered_share, english),
            included: count(row.included),
            included_share: share_text(row.included_share, english),
            standard: row
                .standard_pct
                .map(|s| format!("{s} %"))
                .unwrap_or_default(),
            standard_met: row.standard_met,
            reasons: row.reasons.iter().map(|(_, n)| count(*n)).collect(),
        }
    }
}
