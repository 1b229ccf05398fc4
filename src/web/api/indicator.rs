//! `GET /api/v1/indicator` (contract.md §3): the indicator for a period and grouping. Small
//! cells are suppressed unless a DCCC admin is logged in.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{Datelike, NaiveDate, Utc};
use serde::Serialize;

use crate::domain::indicator::{Grouping, IndicatorRow};
use crate::services::offers::indicator::{self, IndicatorQuery};
use crate::web::api::params::SingleParams;
use crate::web::auth::Viewer;
use crate::web::error::ApiError;
use crate::web::AppState;

/// The parameters of the endpoint, each at most once.
const PARAMS: [&str; 4] = ["from", "to", "by", "dmcg"];

/// A row exactly as the contract names its fields.
#[derive(Debug, Serialize)]
pub struct RowJson {
    group: serde_json::Value,
    name: String,
    patients: Option<u64>,
    offered: Option<u64>,
    offered_pct: Option<f64>,
    offered_ci: Option<[f64; 2]>,
    included: Option<u64>,
    included_pct: Option<f64>,
    included_ci: Option<[f64; 2]>,
    suppressed: bool,
}

impl RowJson {
    fn new(row: &IndicatorRow, grouping: Option<Grouping>) -> Self {
        // Region codes are numbers, as everywhere else in the API.
        let group = match grouping {
            Some(Grouping::Region | Grouping::ResidenceRegion) => row
                .group
                .parse::<i64>()
                .map_or_else(|_| row.group.clone().into(), Into::into),
            Some(_) => row.group.clone().into(),
            None => serde_json::Value::Null,
        };
        Self {
            group,
            name: row.name.clone(),
            patients: row.patients,
            offered: row.offered,
            offered_pct: row.offered_share.map(|s| s.pct),
            offered_ci: row.offered_share.map(|s| [s.ci.0, s.ci.1]),
            included: row.included,
            included_pct: row.included_share.map(|s| s.pct),
            included_ci: row.included_share.map(|s| [s.ci.0, s.ci.1]),
            suppressed: row.suppressed,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct IndicatorJson {
    national: RowJson,
    rows: Vec<RowJson>,
}

fn date(field: &str, raw: Option<&str>, default: NaiveDate) -> Result<NaiveDate, ApiError> {
    match raw {
        None => Ok(default),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| ApiError::bad_request(field, "expected a date as YYYY-MM-DD")),
    }
}

pub async fn show_indicator(
    viewer: crate::web::auth::Viewer,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = SingleParams::parse(&req, &PARAMS)?;
    let today = Utc::now().date_naive();
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let from = date("from", params.get("from"), year_start)?;
    let to = date("to", params.get("to"), today)?;
    if to < from {
        return Err(ApiError::bad_request("to", "must not be before from"));
    }
    let grouping = match params.get("by") {
        None => Grouping::Dmcg,
        Some(by) => Grouping::parse(by).ok_or_else(|| {
            ApiError::bad_request(
                "by",
                "expected dmcg, region, residence_region or department",
            )
        })?,
    };
    let catalogue = state.catalogue.get();
    let dmcg = match params.get("dmcg") {
        None => None,
        Some(d) => Some(
            catalogue
                .find_dmcg(d)
                .map(|x| x.acronym.clone())
                .ok_or_else(|| ApiError::bad_request("dmcg", "unknown DMCG"))?,
        ),
    };
    let query = IndicatorQuery { from, to, dmcg };
    let q2 = query.clone();
    let pool = state.pool.clone();
    let counts = web::block(move || -> anyhow::Result<_> {
        let mut conn = pool.get()?;
        indicator::load_counts(&mut conn, &q2)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    let exact = is_admin(&viewer);
    let table = indicator::table(&counts, &catalogue, grouping, &query, exact, false);
    Ok(HttpResponse::Ok().json(IndicatorJson {
        national: RowJson::new(&table.national, None),
        rows: table
            .rows
            .iter()
            .map(|r| RowJson::new(r, Some(grouping)))
            .collect(),
    }))
}

fn is_admin(viewer: &Viewer) -> bool {
    viewer
        .user
        .as_ref()
        .is_some_and(crate::db::users::User::is_admin)
}
