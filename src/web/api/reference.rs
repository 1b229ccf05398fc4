//! `GET /api/v1/reference/{dmcgs,sites,regions,pathways}`.

use actix_web::{web, HttpRequest, HttpResponse};
use dccc_matching::Region;
use serde::Serialize;
use utoipa::ToSchema;

use crate::catalogue::SiteInfo;
use crate::web::api::params::{quoted, SingleParams};
use crate::web::error::ApiError;
use crate::web::AppState;

/// A DMCG (Danish multidisciplinary cancer group).
#[derive(Serialize, ToSchema)]
pub struct DmcgJson<'a> {
    acronym: &'a str,
    name_da: &'a str,
    area_da: &'a str,
    area_en: &'a str,
    icd10: Vec<&'a str>,
    umbrella: Option<&'a str>,
    scope: &'a str,
}

/// A department that can run trials.
#[derive(Serialize, ToSchema)]
pub struct SiteJson<'a> {
    code: &'a str,
    hospital: &'a str,
    department: &'a str,
    #[schema(schema_with = crate::domain::schema::region)]
    region: i32,
    postcode: &'a str,
    city: &'a str,
    lat: f64,
    lon: f64,
    paediatric: bool,
    early_phase: bool,
    research: ResearchJson<'a>,
}

/// A department's research unit: each part null where not known.
#[derive(Serialize, ToSchema)]
pub struct ResearchJson<'a> {
    unit: Option<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
}

impl<'a> SiteJson<'a> {
    pub fn new(s: &'a SiteInfo) -> Self {
        SiteJson {
            code: &s.code,
            hospital: &s.hospital,
            department: &s.department,
            region: s.region.code(),
            postcode: &s.postcode,
            city: &s.city,
            lat: s.lat,
            lon: s.lon,
            paediatric: s.paediatric,
            early_phase: s.early_phase,
            research: ResearchJson {
                unit: s.research.unit.as_deref(),
                email: s.research.email.as_deref(),
                phone: s.research.phone.as_deref(),
            },
        }
    }
}

/// One of the five regions.
#[derive(Serialize, ToSchema)]
pub struct RegionJson {
    #[schema(schema_with = crate::domain::schema::region)]
    code: i32,
    name_da: &'static str,
    name_en: &'static str,
}

/// A referral route.
#[derive(Serialize, ToSchema)]
pub struct PathwayJson<'a> {
    code: &'a str,
    kind: &'a str,
    name_da: &'a str,
    name_en: &'a str,
    site: Option<&'a str>,
    age_min: Option<i32>,
    age_max: Option<i32>,
    #[schema(schema_with = crate::domain::schema::settings)]
    settings: &'a [String],
    icd10: Vec<&'a str>,
    requires_exhausted: bool,
    only_without_eligible: bool,
}

pub async fn show_reference(
    req: HttpRequest,
    kind: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    SingleParams::parse(&req, &[])?;
    let c = state.catalogue.get();
    let body = match kind.as_str() {
        "dmcgs" => serde_json::to_value(
            c.dmcgs
                .iter()
                .map(|d| DmcgJson {
                    acronym: &d.acronym,
                    name_da: &d.name_da,
                    area_da: &d.area_da,
                    area_en: &d.area_en,
                    icd10: d.icd10.split_whitespace().collect(),
                    umbrella: d.umbrella.as_deref(),
                    scope: &d.scope,
                })
                .collect::<Vec<_>>(),
        ),
        "sites" => serde_json::to_value(c.sites.iter().map(SiteJson::new).collect::<Vec<_>>()),
        "regions" => serde_json::to_value(
            Region::ALL
                .iter()
                .map(|r| RegionJson {
                    code: r.code(),
                    name_da: r.name_da(),
                    name_en: r.name_en(),
                })
                .collect::<Vec<_>>(),
        ),
        "pathways" => serde_json::to_value(
            c.pathways
                .iter()
                .map(|p| PathwayJson {
                    code: &p.code,
                    kind: &p.kind,
                    name_da: &p.name_da,
                    name_en: &p.name_en,
                    site: p.site_code.as_deref(),
                    age_min: p.age_min,
                    age_max: p.age_max,
                    settings: &p.settings,
                    icd10: p.icd10.split_whitespace().collect(),
                    requires_exhausted: p.requires_exhausted,
                    only_without_eligible: p.only_without_eligible,
                })
                .collect::<Vec<_>>(),
        ),
        other => {
            return Err(ApiError::missing(format!(
                "no reference list {}; there are dmcgs, sites, regions and pathways",
                quoted(other)
            )))
        }
    }
    .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(body))
}
