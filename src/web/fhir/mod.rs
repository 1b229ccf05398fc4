//! Handles `/fhir`: the registry's published protocols as HL7 FHIR R4, read-only and public
//! (contract.md §9): `GET /fhir/metadata`, `GET /fhir/ResearchStudy/{slug}` and
//! `GET /fhir/ResearchStudy?status=&condition=&phase=&_count=&_offset=`. Every answer is
//! `application/fhir+json`; every refusal is an OperationOutcome. The mapping is in
//! `services::interchange::fhir`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use dccc_matching::{IcdPatternList, Phase, RecruitmentStatus};
use serde_json::Value;

use crate::db::protocols::{StoredProtocol, PUBLISHED};
use crate::domain::cpr::looks_like_cpr;
use crate::services::interchange::fhir::{self, FHIR_JSON, ICD10_SYSTEM};
use crate::web::AppState;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/fhir")
            .service(
                web::resource("/metadata")
                    .route(web::get().to(metadata))
                    .default_service(web::to(read_only)),
            )
            .service(
                web::resource("/ResearchStudy")
                    .route(web::get().to(search_studies))
                    .default_service(web::to(read_only)),
            )
            .service(
                web::resource("/ResearchStudy/{id}")
                    .route(web::get().to(read_study))
                    .default_service(web::to(read_only)),
            )
            .default_service(web::to(unknown)),
    );
}

/// A refusal, answered as an OperationOutcome.
#[derive(Debug)]
pub struct FhirError {
    status: StatusCode,
    code: &'static str,
    diagnostics: String,
}

impl FhirError {
    fn invalid(diagnostics: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "invalid",
            diagnostics: diagnostics.into(),
        }
    }
    fn not_found(diagnostics: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: "not-found",
            diagnostics: diagnostics.into(),
        }
    }
    fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(error = %error, "a FHIR request failed");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "exception",
            diagnostics: "internal error; it has been logged".into(),
        }
    }
}

impl std::fmt::Display for FhirError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status, self.diagnostics)
    }
}

impl ResponseError for FhirError {
    fn status_code(&self) -> StatusCode {
        self.status
    }
    fn error_response(&self) -> HttpResponse {
        fhir_response(
            self.status,
            &fhir::operation_outcome("error", self.code, &self.diagnostics),
        )
    }
}

fn fhir_response(status: StatusCode, body: &Value) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(FHIR_JSON)
        .body(body.to_string())
}

/// A client's value quoted in a message, unless it looks like a CPR number.
fn quoted(input: &str) -> String {
    if looks_like_cpr(input) {
        "(a value that looks like a CPR number)".to_owned()
    } else {
        format!("{input:?}")
    }
}

/// The query's pairs; a name not in `known`, or given twice, is refused. `_format` is
/// accepted where it asks for JSON, the only format served.
fn params(req: &HttpRequest, known: &[&str]) -> Result<Vec<(String, String)>, FhirError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect();
    let mut seen = std::collections::HashSet::new();
    for (name, value) in &pairs {
        if name == "_format" {
            if !matches!(value.as_str(), "json" | "application/json" | FHIR_JSON) {
                return Err(FhirError::invalid(format!(
                    "_format: only json is served (got {})",
                    quoted(value)
                )));
            }
            continue;
        }
        if !known.contains(&name.as_str()) {
            let known = if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            };
            return Err(FhirError {
                status: StatusCode::BAD_REQUEST,
                code: "not-supported",
                diagnostics: format!(
                    "unknown search parameter {}; supported: {known}",
                    quoted(name)
                ),
            });
        }
        if !seen.insert(name.clone()) {
            return Err(FhirError::invalid(format!(
                "{name}: give it once, with comma-separated values for OR"
            )));
        }
    }
    Ok(pairs
        .into_iter()
        .filter(|(name, _)| name != "_format")
        .collect())
}

fn base(state: &AppState) -> String {
    state.settings.base_url.trim_end_matches('/').to_owned()
}

/// `GET /fhir/metadata`.
pub async fn metadata(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, FhirError> {
    params(&req, &[])?;
    let date = chrono::Utc::now().date_naive().to_string();
    Ok(fhir_response(
        StatusCode::OK,
        &fhir::capability_statement(&base(&state), &date),
    ))
}

async fn published(
    state: &AppState,
    slug: Option<String>,
) -> Result<Vec<StoredProtocol>, FhirError> {
    let pool = state.pool.clone();
    web::block(move || -> anyhow::Result<Vec<StoredProtocol>> {
        let mut conn = pool.get()?;
        Ok(match slug {
            Some(slug) => crate::db::protocols::find_by_slug(&mut conn, &slug)?
                .into_iter()
                .filter(|s| s.review_status == PUBLISHED)
                .collect(),
            None => crate::db::protocols::load_protocols(&mut conn, None, true)?,
        })
    })
    .await
    .map_err(FhirError::internal)?
    .map_err(FhirError::internal)
}

/// `GET /fhir/ResearchStudy/{id}`: the id is the protocol's slug.
pub async fn read_study(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, FhirError> {
    params(&req, &[])?;
    let id = id.into_inner();
    let found = published(&state, Some(id.clone())).await?;
    let stored = found
        .first()
        .ok_or_else(|| FhirError::not_found(format!("no ResearchStudy {}", quoted(&id))))?;
    let catalogue = state.catalogue.get();
    Ok(fhir_response(
        StatusCode::OK,
        &fhir::research_study(stored, &catalogue, &base(&state)),
    ))
}

/// A search, validated.
#[derive(Debug, Default)]
struct Search {
    statuses: Option<Vec<RecruitmentStatus>>,
    conditions: Option<IcdPatternList>,
    phases: Option<Vec<Phase>>,
    count: usize,
    offset: usize,
}

const DEFAULT_COUNT: usize = 20;
const MAX_COUNT: usize = 100;

fn values(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',').map(str::trim)
}

impl Search {
    fn parse(pairs: &[(String, String)]) -> Result<Self, FhirError> {
        let mut search = Self {
            count: DEFAULT_COUNT,
            ..Self::default()
        };
        for (name, raw) in pairs {
            match name.as_str() {
                "status" => {
                    let mut statuses = Vec::new();
                    for code in values(raw) {
                        let found = fhir::statuses_for(code).ok_or_else(|| {
                            FhirError::invalid(format!(
                                "status: {} is not an R4 ResearchStudy status",
                                quoted(code)
                            ))
                        })?;
                        statuses.extend(found);
                    }
                    search.statuses = Some(statuses);
                }
                "phase" => {
                    let phases = values(raw)
                        .map(|code| {
                            code.parse::<Phase>().map_err(|_| {
                                FhirError::invalid(format!(
                                    "phase: {} is not a research-study-phase code ({})",
                                    quoted(code),
                                    Phase::ALLOWED.join(", ")
                                ))
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    search.phases = Some(phases);
                }
                "condition" => {
                    let mut patterns = Vec::new();
                    for token in values(raw) {
                        let code = match token.split_once('|') {
                            Some((system, code)) if system.is_empty() || system == ICD10_SYSTEM => {
                                code
                            }
                            Some(_) => {
                                return Err(FhirError::invalid(format!(
                                    "condition: only ICD-10 ({ICD10_SYSTEM}) codes are searched"
                                )))
                            }
                            None => token,
                        };
                        let list = IcdPatternList::parse_list(code)
                            .ok()
                            .filter(|l| l.0.len() == 1)
                            .ok_or_else(|| {
                                FhirError::invalid(format!(
                                    "condition: {} is not an ICD-10 code",
                                    quoted(code)
                                ))
                            })?;
                        patterns.extend(list.0);
                    }
                    search.conditions = Some(IcdPatternList(patterns));
                }
                "_count" => {
                    search.count = raw
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=MAX_COUNT).contains(n))
                        .ok_or_else(|| {
                            FhirError::invalid(format!(
                                "_count: a whole number from 1 to {MAX_COUNT} (got {})",
                                quoted(raw)
                            ))
                        })?;
                }
                _ => {
                    search.offset = raw
                        .parse::<usize>()
                        .ok()
                        .filter(|n| *n <= 1_000_000)
                        .ok_or_else(|| {
                            FhirError::invalid(format!(
                                "_offset: a whole number from 0 (got {})",
                                quoted(raw)
                            ))
                        })?;
                }
            }
        }
        Ok(search)
    }

    fn admits(&self, stored: &StoredProtocol) -> bool {
        let p = &stored.protocol;
        self.statuses
            .as_ref()
            .is_none_or(|s| s.contains(&p.recruitment_status))
            && self.phases.as_ref().is_none_or(|s| s.contains(&p.phase))
            && self
                .conditions
                .as_ref()
                .is_none_or(|c| p.eligibility.diagnoses.overlaps(c))
    }
}

/// The search's own address with another offset, for the Bundle's links.
fn page_url(base: &str, pairs: &[(String, String)], offset: usize, count: usize) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        if name != "_offset" && name != "_count" {
            query.append_pair(name, value);
        }
    }
    query.append_pair("_count", &count.to_string());
    query.append_pair("_offset", &offset.to_string());
    format!("{base}/fhir/ResearchStudy?{}", query.finish())
}

/// `GET /fhir/ResearchStudy?...`: a searchset Bundle, by acronym, one page at a time.
pub async fn search_studies(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, FhirError> {
    let pairs = params(&req, &["status", "condition", "phase", "_count", "_offset"])?;
    let search = Search::parse(&pairs)?;
    let mut found: Vec<StoredProtocol> = published(&state, None)
        .await?
        .into_iter()
        .filter(|s| search.admits(s))
        .collect();
    found.sort_by(|a, b| {
        a.protocol
            .acronym
            .to_lowercase()
            .cmp(&b.protocol.acronym.to_lowercase())
    });
    let total = found.len();
    let base = base(&state);
    let catalogue = state.catalogue.get();
    let (offset, count) = (search.offset, search.count);
    let studies: Vec<Value> = found
        .iter()
        .skip(offset)
        .take(count)
        .map(|s| fhir::research_study(s, &catalogue, &base))
        .collect();
    let mut links = vec![
        ("self", page_url(&base, &pairs, offset, count)),
        ("first", page_url(&base, &pairs, 0, count)),
    ];
    if offset > 0 {
        links.push((
            "previous",
            page_url(&base, &pairs, offset.saturating_sub(count), count),
        ));
    }
    if offset + count < total {
        links.push(("next", page_url(&base, &pairs, offset + count, count)));
    }
    if total > 0 {
        let last = (total - 1) / count * count;
        links.push(("last", page_url(&base, &pairs, last, count)));
    }
    Ok(fhir_response(
        StatusCode::OK,
        &fhir::search_bundle(studies, total, &links, &base),
    ))
}

/// A method other than GET on a path the interface has.
pub async fn read_only() -> HttpResponse {
    let mut response = FhirError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        code: "not-supported",
        diagnostics: "the FHIR interface is read-only: only GET is served".into(),
    }
    .error_response();
    response.headers_mut().insert(
        actix_web::http::header::ALLOW,
        actix_web::http::header::HeaderValue::from_static("GET"),
    );
    response
}

/// A path under `/fhir` that the interface does not have.
pub async fn unknown() -> Result<HttpResponse, FhirError> {
    Err(FhirError::not_found(
        "no such path; the FHIR interface serves /fhir/metadata and /fhir/ResearchStudy",
    ))
}
