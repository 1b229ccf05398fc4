//! `GET /api/v1/indicator` (contract.md §3): the indicator for a period and grouping. Small
//! cells are suppressed unless a DCCC admin is logged in.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{Datelike, NaiveDate, Utc};
use serde::Serialize;
use utoipa::openapi::schema::{Array, ArrayBuilder, Object, ObjectBuilder, SchemaType, Type};
use utoipa::ToSchema;

use crate::domain::indicator::{Grouping, IndicatorRow};
use crate::services::offers::indicator::{self, IndicatorQuery, Unpublished};
use crate::web::api::params::SingleParams;
use crate::web::error::ApiError;
use crate::web::AppState;

/// The parameters of the endpoint, each at most once.
pub const PARAMS: [&str; 4] = ["from", "to", "by", "dmcg"];

/// A row exactly as the contract names its fields. Counts, percentages and intervals are
/// null when the row is suppressed.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowJson {
    /// The DMCG acronym, the region code (a number) or the department code; null for the
    /// national row.
    #[schema(schema_with = group_schema)]
    group: serde_json::Value,
    name: String,
    #[schema(minimum = 0)]
    patients: Option<u64>,
    #[schema(minimum = 0)]
    offered: Option<u64>,
    /// Per cent, 0–100.
    #[schema(minimum = 0, maximum = 100)]
    offered_pct: Option<f64>,
    /// Wilson 95% interval, per cent.
    #[schema(schema_with = interval_schema)]
    offered_ci: Option<[f64; 2]>,
    #[schema(minimum = 0)]
    included: Option<u64>,
    #[schema(minimum = 0, maximum = 100)]
    included_pct: Option<f64>,
    #[schema(schema_with = interval_schema)]
    included_ci: Option<[f64; 2]>,
    /// A count of the row is 1–4: its figures are withheld.
    suppressed: bool,
}

fn group_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([
            Type::String,
            Type::Integer,
            Type::Null,
        ]))
        .build()
}

/// Two per-cent bounds, low then high, or null.
fn interval_schema() -> Array {
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(
            ObjectBuilder::new()
                .schema_type(Type::Number)
                .minimum(Some(0.0))
                .maximum(Some(100.0)),
        )
        .min_items(Some(2))
        .max_items(Some(2))
        .build()
}

impl RowJson {
    pub fn new(row: &IndicatorRow, grouping: Option<Grouping>) -> Self {
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

#[derive(Debug, Serialize, ToSchema)]
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

/// `GET /api/v1/indicator`.
#[utoipa::path(
    get,
    path = "/api/v1/indicator",
    tag = "indicator",
    summary = "The indicator for a period, by DMCG, region, residence region or department",
    description = "The share of patients offered and included in a trial among the decisions \
        of the offer register, with Wilson 95% intervals. A row with a count of 1–4 is \
        suppressed (`suppressed: true`, its figures null), and so is any row from which one \
        could be worked out. Without a DCCC login only ended quarters, half-years and years \
        are published.",
    responses(
        (status = 200, description = "The national row and one row per group", body = IndicatorJson),
        (status = 400, description = "A parameter is unknown, repeated, empty or malformed, or the period is not a published one", body = crate::web::error::ErrorBody),
    )
)]
pub async fn show_indicator(
    viewer: crate::web::auth::Viewer,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = SingleParams::parse(&req, &PARAMS)?;
    let exact = viewer.is_admin();
    let today = Utc::now().date_naive();
    // DCCC staff may ask for any period (default: this year to today); everybody else reads
    // the published periods only (default: the last whole year), see services::offers::disclosure.
    let (default_from, default_to) = if exact {
        (
            NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
            today,
        )
    } else {
        let last = today.year() - 1;
        (
            NaiveDate::from_ymd_opt(last, 1, 1).unwrap_or(today),
            NaiveDate::from_ymd_opt(last, 12, 31).unwrap_or(today),
        )
    };
    let from = date("from", params.get("from"), default_from)?;
    let to = date("to", params.get("to"), default_to)?;
    if to < from {
        return Err(ApiError::bad_request("to", "must not be before from"));
    }
    let published = if exact {
        None
    } else {
        match indicator::published_period(from, to, today) {
            Ok(p) => Some(p),
            Err(Unpublished::NotAPublishedPeriod) => {
                return Err(ApiError::bad_request(
                    "from",
                    "the public indicator covers a calendar quarter, half-year or year: from and to must be its first and last day",
                ))
            }
            Err(Unpublished::NotEnded) => {
                return Err(ApiError::bad_request(
                    "to",
                    "the period has not ended yet; its figures are published when it has",
                ))
            }
        }
    };
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
                .dmcg(d)
                .map(|x| x.acronym.clone())
                .ok_or_else(|| ApiError::bad_request("dmcg", "unknown DMCG"))?,
        ),
    };
    let query = IndicatorQuery { from, to, dmcg };
    let pool = state.pool.clone();
    let reports = state.reports.clone();
    let cat = catalogue.clone();
    let table = web::block(move || -> anyhow::Result<_> {
        let mut conn = pool.get()?;
        Ok(match published {
            Some(period) => {
                let quarters = indicator::load_year(&mut conn, period.0)?;
                indicator::public_table(
                    &quarters,
                    &cat,
                    grouping,
                    &query,
                    period,
                    &reports.disclosure,
                    false,
                )
            }
            None => {
                let counts = indicator::load_counts(&mut conn, &query)?;
                indicator::exact_table(&counts, &cat, grouping, &query, false)
            }
        })
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(IndicatorJson {
        national: RowJson::new(&table.national, None),
        rows: table
            .rows
            .iter()
            .map(|r| RowJson::new(r, Some(grouping)))
            .collect(),
    }))
}
