//! `GET /api/v1/protocols` and `GET /api/v1/protocols/{slug}`.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use crate::catalogue::{Catalogue, Facets, ListResult, ProtocolQuery};
use crate::db::protocols::{StoredProtocol, PUBLISHED};
use crate::domain::ProtocolDoc;
use crate::search::{Piece, SearchIndex};
use crate::web::api::params::{exact_list_values, query_pairs, quoted, SingleParams};
use crate::web::error::ApiError;
use crate::web::AppState;

/// The nearest department with an open site, from the postcode's centre.
#[derive(Serialize, ToSchema)]
pub struct NearestSiteJson {
    /// The department's code (see `/api/v1/reference/sites`).
    pub code: String,
    /// Hospital and department.
    pub name: String,
    #[schema(schema_with = crate::domain::schema::region)]
    pub region: i32,
    /// Straight-line distance, one decimal.
    pub distance_km: f64,
}

#[derive(Serialize, ToSchema)]
pub struct ProtocolItem {
    pub slug: String,
    pub acronym: String,
    pub title_da: Option<String>,
    pub title_en: Option<String>,
    pub dmcg: String,
    #[schema(schema_with = crate::domain::schema::phase)]
    pub phase: &'static str,
    #[schema(schema_with = crate::domain::schema::recruitment_status)]
    pub recruitment_status: &'static str,
    /// The regions with at least one open department.
    #[schema(schema_with = crate::domain::schema::regions)]
    pub regions_open: Vec<i32>,
    /// The protocol's public page.
    pub url: String,
    /// A fictional record of the demo data.
    pub demo: bool,
    /// With `postcode`: the nearest open department, null when none is open.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<NearestSiteJson>)]
    pub nearest_site: Option<Option<NearestSiteJson>>,
    /// With `q`: a fragment of the record's text with the matched words marked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<Vec<Piece>>,
}

#[derive(Serialize, ToSchema)]
pub struct ProtocolList {
    pub total: usize,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<ProtocolItem>,
    pub facets: Facets,
    /// With `q`: the query with misspelt words corrected, when some word was found nowhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

pub fn protocol_url(slug: &str) -> String {
    format!("/protokoller/{slug}")
}

/// Kilometres rounded to one decimal, as people read them.
pub fn round_km(km: f64) -> f64 {
    (km * 10.0).round() / 10.0
}

/// The list response: the text search's hits (best first) filtered, faceted and paged by the
/// snapshot, or the whole snapshot when there is no text.
pub fn list_json(
    catalogue: &Catalogue,
    search: &SearchIndex,
    query: &ProtocolQuery,
) -> anyhow::Result<ProtocolList> {
    let found = search.search(catalogue, query)?;
    let result = catalogue.list(query, found.as_ref().map(|f| f.candidates.as_slice()));
    let with_postcode = query.postcode.is_some();
    let page_entries: Vec<usize> = result.hits.iter().map(|h| h.entry).collect();
    let mut snippets = found
        .as_ref()
        .map(|f| f.snippets(&page_entries, false))
        .unwrap_or_default()
        .into_iter();
    let items = result
        .hits
        .iter()
        .map(|hit| {
            let e = &catalogue.entries[hit.entry];
            ProtocolItem {
                slug: e.slug.clone(),
                acronym: e.acronym.clone(),
                title_da: e.title_da.clone(),
                title_en: e.title_en.clone(),
                dmcg: e.dmcg.clone(),
                phase: e.phase.as_str(),
                recruitment_status: e.status.as_str(),
                regions_open: e.regions_open.iter().map(|r| r.code()).collect(),
                url: protocol_url(&e.slug),
                demo: e.demo,
                nearest_site: with_postcode.then(|| {
                    hit.nearest.map(|n| {
                        let site = &catalogue.sites[n.site];
                        NearestSiteJson {
                            code: site.code.clone(),
                            name: format!("{}, {}", site.hospital, site.department),
                            region: site.region.code(),
                            distance_km: round_km(n.distance_km),
                        }
                    })
                }),
                snippet: snippets.next().flatten(),
            }
        })
        .collect();
    Ok(ProtocolList {
        total: result.total,
        page: result.page,
        per_page: result.per_page,
        items,
        facets: result.facets,
        suggestion: found.and_then(|f| f.suggestion),
    })
}

/// The list's query, read as the OpenAPI document describes it.
fn list_query(req: &HttpRequest, catalogue: &Catalogue) -> Result<ProtocolQuery, ApiError> {
    let pairs = query_pairs(req)?;
    exact_list_values(&pairs, catalogue)?;
    ProtocolQuery::parse(&pairs, catalogue)
        .map_err(|e| ApiError::bad_request(e.param, e.message.english()))
}

/// `GET /api/v1/protocols`.
#[utoipa::path(
    get,
    path = "/api/v1/protocols",
    tag = "protocols",
    summary = "Published protocols, filtered, faceted and paged",
    description = "Open protocols by default. Several values of one parameter are ORed; \
        different parameters are ANDed.",
    responses(
        (status = 200, description = "One page of the list", body = ProtocolList),
        (status = 400, description = "A parameter is unknown, repeated, empty or out of range", body = crate::web::error::ErrorBody),
    )
)]
pub async fn list_protocols(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let catalogue = state.catalogue.get();
    let query = list_query(&req, &catalogue)?;
    let list = list_json(&catalogue, &state.search, &query).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(list))
}

/// Every protocol the filters admit, paging ignored, in the list's order: what a feed or a
/// download holds.
pub fn unpaged(
    catalogue: &Catalogue,
    search: &SearchIndex,
    mut query: ProtocolQuery,
) -> anyhow::Result<ListResult> {
    query.page = 1;
    query.per_page = u32::try_from(catalogue.entries.len().max(1)).unwrap_or(u32::MAX);
    let found = search.search(catalogue, &query)?;
    Ok(catalogue.list(&query, found.as_ref().map(|f| f.candidates.as_slice())))
}

/// The columns of `GET /api/v1/protocols.csv`; with `postcode` also the nearest open
/// department and its distance.
const CSV_COLUMNS: [&str; 13] = [
    "slug",
    "acronym",
    "title_da",
    "title_en",
    "dmcg",
    "phase",
    "recruitment_status",
    "regions_open",
    "opened_on",
    "closes_on",
    "updated_at",
    "url",
    "demo",
];

/// `GET /api/v1/protocols.csv`: the whole list the filters admit (no paging), in the list's
/// order, as CSV for Danish Excel (semicolons, decimal commas, a byte order mark).
#[utoipa::path(
    get,
    path = "/api/v1/protocols.csv",
    tag = "protocols",
    summary = "The whole filtered list as CSV for Danish Excel",
    description = "The parameters of /api/v1/protocols; `page` and `per_page` are ignored. \
        Semicolon-separated, UTF-8 with a byte order mark, decimal commas. Columns: slug, \
        acronym, title_da, title_en, dmcg, phase, recruitment_status, regions_open, \
        opened_on, closes_on, updated_at, url, demo, and with `postcode` nearest_site and \
        distance_km.",
    responses(
        (status = 200, description = "The list", content_type = "text/csv", body = String),
        (status = 400, description = "A parameter is unknown, repeated, empty or out of range", body = crate::web::error::ErrorBody),
    )
)]
pub async fn list_protocols_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let catalogue = state.catalogue.get();
    let query = list_query(&req, &catalogue)?;
    let with_postcode = query.postcode.is_some();
    let result = unpaged(&catalogue, &state.search, query).map_err(ApiError::internal)?;
    let base = state.settings.base_url.trim_end_matches('/');
    let mut header: Vec<String> = CSV_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    if with_postcode {
        header.extend(["nearest_site".to_owned(), "distance_km".to_owned()]);
    }
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = result
        .hits
        .iter()
        .map(|hit| {
            let e = &catalogue.entries[hit.entry];
            let mut row = vec![
                e.slug.clone(),
                e.acronym.clone(),
                e.title_da.clone().unwrap_or_default(),
                e.title_en.clone().unwrap_or_default(),
                e.dmcg.clone(),
                e.phase.as_str().to_owned(),
                e.status.as_str().to_owned(),
                e.regions_open
                    .iter()
                    .map(|r| r.code().to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
                date(e.opened_on),
                date(e.closes_on),
                timestamp(e.updated_at),
                format!("{base}{}", protocol_url(&e.slug)),
                e.demo.to_string(),
            ];
            if with_postcode {
                match hit.nearest {
                    Some(n) => row.extend([
                        catalogue.sites[n.site].code.clone(),
                        format!("{:.1}", round_km(n.distance_km)).replace('.', ","),
                    ]),
                    None => row.extend([String::new(), String::new()]),
                }
            }
            row
        })
        .collect();
    let body = crate::domain::spreadsheet::excel_csv(&header, &rows).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"protokoller.csv\"",
        ))
        .body(body))
}

fn timestamp(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A protocol in the interchange format with the API's additions.
#[derive(Serialize, ToSchema)]
pub struct ProtocolJson {
    pub slug: String,
    pub url: String,
    /// Always `published` here: drafts are not served.
    pub review_status: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// When the DMCG last confirmed that the record is current.
    #[schema(format = DateTime)]
    pub last_confirmed_at: Option<String>,
    #[serde(flatten)]
    pub doc: ProtocolDoc,
}

impl From<&StoredProtocol> for ProtocolJson {
    fn from(s: &StoredProtocol) -> Self {
        Self {
            slug: s.slug.clone(),
            url: protocol_url(&s.slug),
            review_status: s.review_status.clone(),
            updated_at: timestamp(s.updated_at),
            last_confirmed_at: s.last_confirmed_at.map(timestamp),
            doc: ProtocolDoc::from_protocol(&s.protocol),
        }
    }
}

/// `GET /api/v1/protocols/{slug}`.
#[utoipa::path(
    get,
    path = "/api/v1/protocols/{slug}",
    tag = "protocols",
    summary = "One published protocol in the interchange format",
    params(("slug" = String, Path, description = "The protocol's slug, as the list gives it")),
    responses(
        (status = 200, description = "The protocol", body = ProtocolJson),
        (status = 400, description = "A parameter was given: this endpoint takes none", body = crate::web::error::ErrorBody),
        (status = 404, description = "No published protocol has this slug", body = crate::web::error::ErrorBody),
    )
)]
pub async fn show_protocol(
    req: HttpRequest,
    slug: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    SingleParams::parse(&req, &[])?;
    let slug = slug.into_inner();
    let pool = state.pool.clone();
    let wanted = slug.clone();
    let stored = web::block(move || -> anyhow::Result<Option<StoredProtocol>> {
        let mut conn = pool.get()?;
        Ok(crate::db::protocols::find_by_slug(&mut conn, &wanted)?)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?
    .filter(|s| s.review_status == PUBLISHED)
    .ok_or_else(|| ApiError::missing(format!("no published protocol {}", quoted(&slug))))?;
    Ok(HttpResponse::Ok().json(ProtocolJson::from(&stored)))
}
