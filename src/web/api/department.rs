//! Handles `GET /api/v1/reference/sites/{code}`: one department with its research activity,
//! the same as its page `/afdelinger/{code}`: the protocols open there, those planned or
//! paused there, the national protocols it does not run with the nearest department that
//! does, and its indicator for the last published periods (suppressed as the report
//! suppresses it, exact for DCCC staff).

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::catalogue::department::Here;
use crate::catalogue::Catalogue;
use crate::services::reports::department;
use crate::web::api::indicator::RowJson;
use crate::web::api::params::{quoted, SingleParams};
use crate::web::api::protocols::{protocol_url, round_km};
use crate::web::api::reference::SiteJson;
use crate::web::auth::Viewer;
use crate::web::error::ApiError;
use crate::web::feeds::department_feed_href;
use crate::web::AppState;

/// A protocol at the department.
#[derive(Serialize, ToSchema)]
pub struct DepartmentProtocolJson<'a> {
    slug: &'a str,
    acronym: &'a str,
    dmcg: &'a str,
    /// The protocol's recruitment status.
    #[schema(schema_with = crate::domain::schema::recruitment_status)]
    recruitment_status: &'static str,
    /// The department's own status for it: `planned`, `open`, `temporarily-closed`.
    #[schema(schema_with = crate::domain::schema::site_status)]
    site_status: &'static str,
    url: String,
}

/// A national protocol the department does not run, and the nearest department that does.
#[derive(Serialize, ToSchema)]
pub struct DepartmentReferralJson<'a> {
    slug: &'a str,
    acronym: &'a str,
    dmcg: &'a str,
    nearest_site: &'a str,
    /// Straight line from the department, kilometres to one decimal.
    distance_km: f64,
    url: String,
}

/// The department's indicator row for one published period.
#[derive(Serialize, ToSchema)]
pub struct DepartmentPeriodJson {
    /// `2025` for a year, `2025-Q3` for a quarter.
    period: String,
    #[schema(value_type = String, format = Date)]
    from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    to: NaiveDate,
    row: RowJson,
}

/// One department and its research activity.
#[derive(Serialize, ToSchema)]
pub struct DepartmentJson<'a> {
    site: SiteJson<'a>,
    /// Open for recruitment, with this department open.
    open: Vec<DepartmentProtocolJson<'a>>,
    /// Planned or temporarily closed: the protocol itself or at this department.
    paused: Vec<DepartmentProtocolJson<'a>>,
    /// Open in two regions or more, of a DMCG the department takes part in, not run here;
    /// nearest first.
    referral: Vec<DepartmentReferralJson<'a>>,
    /// The last ended year and the last four ended quarters in which the department had
    /// decisions, newest first.
    indicator: Vec<DepartmentPeriodJson>,
    /// The department's page and its Atom feed of newly opened protocols.
    url: String,
    feed: String,
}

fn here_json<'a>(catalogue: &'a Catalogue, here: &[Here]) -> Vec<DepartmentProtocolJson<'a>> {
    here.iter()
        .map(|h| {
            let e = &catalogue.entries[h.entry];
            DepartmentProtocolJson {
                slug: &e.slug,
                acronym: &e.acronym,
                dmcg: &e.dmcg,
                recruitment_status: e.status.as_str(),
                site_status: h.status.as_str(),
                url: protocol_url(&e.slug),
            }
        })
        .collect()
}

/// `GET /api/v1/reference/sites/{code}`.
#[utoipa::path(
    get,
    path = "/api/v1/reference/sites/{code}",
    tag = "reference",
    summary = "One department and its research activity",
    description = "What the department's page shows: the protocols open there (with the \
        department's own status), those planned or temporarily closed there, the national \
        protocols of its DMCGs it does not run with the nearest department that does, and its \
        indicator for the last published periods. Indicator rows are suppressed as in the \
        transparency report (exact for DCCC staff).",
    params(("code" = String, Path, description = "A department code as /api/v1/reference/sites gives it")),
    responses(
        (status = 200, description = "The department", body = DepartmentJson),
        (status = 400, description = "A parameter was given: this endpoint takes none", body = crate::web::error::ErrorBody),
        (status = 404, description = "No department has this code", body = crate::web::error::ErrorBody),
    )
)]
pub async fn show_site(
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    SingleParams::parse(&req, &[])?;
    let catalogue = state.catalogue.get();
    let Some(&index) = catalogue.site_index.get(code.as_str()) else {
        return Err(ApiError::missing(format!(
            "no department has the code {}",
            quoted(&code)
        )));
    };
    let exact = viewer.is_admin();
    let rows = {
        let (catalogue, cache, code) = (catalogue.clone(), state.reports.clone(), code.clone());
        let periods = department::last_published_periods(Utc::now().date_naive());
        let pool = state.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            department::department_rows(
                &mut conn,
                &catalogue,
                &cache.disclosure,
                &code,
                &periods,
                exact,
                false,
            )
        })
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?
    };
    let site = &catalogue.sites[index];
    let activity = catalogue.department_activity(index);
    let body = DepartmentJson {
        site: SiteJson::new(site),
        open: here_json(&catalogue, &activity.open),
        paused: here_json(&catalogue, &activity.paused),
        referral: activity
            .referral
            .iter()
            .map(|r| {
                let e = &catalogue.entries[r.entry];
                DepartmentReferralJson {
                    slug: &e.slug,
                    acronym: &e.acronym,
                    dmcg: &e.dmcg,
                    nearest_site: &catalogue.sites[r.nearest.site].code,
                    distance_km: round_km(r.nearest.distance_km),
                    url: protocol_url(&e.slug),
                }
            })
            .collect(),
        indicator: rows
            .iter()
            .map(|(p, row)| DepartmentPeriodJson {
                period: match p.quarter {
                    None => p.year.to_string(),
                    Some(q) => format!("{}-Q{q}", p.year),
                },
                from: p.from,
                to: p.to,
                row: RowJson::new(row, Some(crate::domain::indicator::Grouping::Department)),
            })
            .collect(),
        url: format!("/afdelinger/{}", site.code),
        feed: department_feed_href(&site.code),
    };
    Ok(HttpResponse::Ok().json(body))
}
