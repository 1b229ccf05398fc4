//! Match results as people and programs see them: cards with a ✓/✗/? checklist for the pages,
//! and the contract's JSON (contract.md §2) for the API.

use dccc_matching::{MatchOutcome, MatchResult, Outcome, Verdict};
use serde::Serialize;

use utoipa::openapi::schema::{Array, ArrayBuilder, Object, ObjectBuilder, SchemaType, Type};
use utoipa::ToSchema;

use crate::catalogue::Catalogue;
use crate::web::api::protocols::{protocol_url, round_km, NearestSiteJson};
use crate::web::i18n::Lang;
use crate::web::pages::rows::format_km;

pub struct CheckView {
    pub symbol: &'static str,
    pub class: &'static str,
    pub criterion: String,
    pub detail: String,
}

pub struct CardView {
    pub slug: String,
    pub acronym: String,
    pub title: String,
    pub dmcg: String,
    pub phase: &'static str,
    pub verdict: &'static str,
    pub verdict_label: String,
    pub checks: Vec<CheckView>,
    pub nearest_name: Option<String>,
    /// The nearest department's code (its page is `/afdelinger/{code}`).
    pub nearest_code: Option<String>,
    pub nearest_km: Option<String>,
    pub referral: bool,
    pub summary: Option<String>,
    /// Required biomarkers ("HER2 positiv"), for the patient page's lay sentence.
    pub biomarkers: Vec<String>,
    /// The trial's contact as (text, link): the name, the e-mail address as a `mailto:` link
    /// and the phone number as a `tel:` link, each where known.
    pub contact: Vec<(String, Option<String>)>,
    pub demo: bool,
    /// A basket or all-cancer trial, tagged "open to many cancer types".
    pub many_cancer_types: bool,
}

pub use crate::web::map::MapView;

/// The map of the patient results: each result's nearest department once, and home.
pub fn map_view(
    catalogue: &Catalogue,
    outcome: &MatchOutcome,
    home: &dccc_matching::Home,
    home_name: String,
    lang: Lang,
) -> Option<MapView> {
    let mut seen = std::collections::BTreeSet::new();
    let mut places = Vec::new();
    for r in outcome
        .results
        .iter()
        .filter(|r| r.verdict != Verdict::NotEligible)
    {
        let Some(n) = r.nearest_site.as_ref() else {
            continue;
        };
        let Some(site) = catalogue.sites.get(n.site) else {
            continue;
        };
        if seen.insert(n.site) {
            places.push((
                format!("{}, {} ({})", site.hospital, site.department, site.city),
                site.lat,
                site.lon,
                Some(format_km(n.distance_km, lang)),
            ));
        }
    }
    if places.is_empty() {
        return None;
    }
    Some(crate::web::map::map_view(
        &places,
        Some((home_name, home.lat, home.lon)),
        lang,
    ))
}

pub struct PathwayView {
    pub code: String,
    pub kind: String,
    pub name: String,
    pub reason: String,
    pub site: Option<String>,
}

fn verdict_key(v: Verdict) -> &'static str {
    match v {
        Verdict::Eligible => "eligible",
        Verdict::PossiblyEligible => "possibly_eligible",
        Verdict::NotEligible => "not_eligible",
    }
}

pub fn card(catalogue: &Catalogue, r: &MatchResult, lang: Lang) -> Option<CardView> {
    let entry = catalogue.entries.get(r.key)?;
    let extras = catalogue
        .matcher
        .extras
        .get(r.key)
        .cloned()
        .unwrap_or_default();
    let en = lang.is_en();
    let site = r
        .nearest_site
        .as_ref()
        .and_then(|n| catalogue.sites.get(n.site));
    Some(CardView {
        slug: entry.slug.clone(),
        acronym: entry.acronym.clone(),
        title: entry.title(en).to_owned(),
        dmcg: entry.dmcg.clone(),
        phase: if en {
            entry.phase.label_en()
        } else {
            entry.phase.label_da()
        },
        verdict: verdict_key(r.verdict),
        verdict_label: lang.t(&format!("match.verdict.{}", verdict_key(r.verdict))),
        checks: r
            .criteria
            .iter()
            .map(|c| {
                let (symbol, class) = match c.outcome {
                    Outcome::Met => ("✓", "met"),
                    Outcome::NotMet => ("✗", "not-met"),
                    Outcome::Unknown => ("?", "unknown"),
                };
                CheckView {
                    symbol,
                    class,
                    criterion: c.criterion.clone(),
                    detail: if en { c.detail_en() } else { c.detail_da() },
                }
            })
            .collect(),
        nearest_name: site.map(|s| format!("{}, {} ({})", s.hospital, s.department, s.city)),
        nearest_code: site.map(|s| s.code.clone()),
        nearest_km: r
            .nearest_site
            .as_ref()
            .map(|n| format_km(n.distance_km, lang)),
        referral: r.referral_needed,
        summary: if en {
            extras.summary_en.or(extras.summary_da)
        } else {
            extras.summary_da.or(extras.summary_en)
        },
        biomarkers: extras
            .biomarkers_required
            .iter()
            .map(|b| {
                let status = if en {
                    b.status.label_en()
                } else {
                    b.status.label_da()
                };
                format!("{} {}", b.marker, status.to_lowercase())
            })
            .collect(),
        contact: extras
            .contact_name
            .iter()
            .map(|n| (n.clone(), None))
            .chain(
                extras
                    .contact_email
                    .iter()
                    .map(|e| (e.clone(), Some(format!("mailto:{e}")))),
            )
            .chain(
                extras
                    .contact_phone
                    .iter()
                    .map(|p| (p.clone(), Some(tel_uri(p)))),
            )
            .collect(),
        demo: entry.demo,
        many_cancer_types: extras.many_cancer_types,
    })
}

pub fn pathway_views(
    catalogue: &Catalogue,
    outcome: &MatchOutcome,
    lang: Lang,
) -> Vec<PathwayView> {
    outcome
        .pathways
        .iter()
        .map(|p| PathwayView {
            code: p.code.clone(),
            kind: p.kind.clone(),
            name: lang.pick(&p.name_da, &p.name_en).to_owned(),
            reason: lang.pick(&p.reason_da, &p.reason_en).to_owned(),
            site: p
                .site
                .and_then(|i| catalogue.sites.get(i))
                .map(|s| format!("{}, {} ({})", s.hospital, s.department, s.city)),
        })
        .collect()
}

/// The protocol a match result is about.
#[derive(Serialize, ToSchema)]
pub struct ProtocolRef<'a> {
    slug: &'a str,
    acronym: &'a str,
    title_da: Option<&'a str>,
    title_en: Option<&'a str>,
    dmcg: &'a str,
    #[schema(schema_with = crate::domain::schema::phase)]
    phase: &'static str,
    url: String,
}

/// One protocol judged for the profile.
#[derive(Serialize, ToSchema)]
pub struct ResultJson<'a> {
    protocol: ProtocolRef<'a>,
    #[schema(schema_with = verdict_schema)]
    verdict: Verdict,
    /// Every criterion the protocol sets, with its outcome and the reason in words.
    #[schema(schema_with = criteria_schema)]
    criteria: &'a [dccc_matching::CriterionResult],
    /// With `postcode`: the nearest open department.
    nearest_site: Option<NearestSiteJson>,
    /// The patient would be referred to another hospital.
    referral_needed: bool,
}

/// A referral route that applies to the profile.
#[derive(Serialize, ToSchema)]
pub struct ReferralJson<'a> {
    code: &'a str,
    kind: &'a str,
    name_da: &'a str,
    name_en: &'a str,
    reason_da: &'a str,
    reason_en: &'a str,
    /// The department the route leads to, when it is one.
    site: Option<&'a str>,
}

/// The response body of `POST /api/v1/match`.
#[derive(Serialize, ToSchema)]
pub struct MatchJson<'a> {
    results: Vec<ResultJson<'a>>,
    /// With `limit` (the case list): how many results there were before the best `limit`
    /// were kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    results_total: Option<usize>,
    pathways: Vec<ReferralJson<'a>>,
    /// `no_relevant_protocol` when no result is eligible or possibly eligible.
    #[schema(schema_with = no_offer_reason_schema)]
    no_offer_reason: Option<dccc_matching::NoOfferReason>,
}

/// The serde strings of some values of a type, for the OpenAPI document.
fn serde_strings<T: Serialize>(values: &[T]) -> Vec<String> {
    values
        .iter()
        .filter_map(|v| serde_json::to_value(v).ok())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Every verdict and every outcome of a criterion, as the document lists them.
const VERDICTS: [Verdict; 3] = [
    Verdict::Eligible,
    Verdict::PossiblyEligible,
    Verdict::NotEligible,
];
const OUTCOMES: [Outcome; 3] = [Outcome::Met, Outcome::NotMet, Outcome::Unknown];

fn strings(values: Vec<String>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
}

fn verdict_schema() -> Object {
    strings(serde_strings(&VERDICTS)).build()
}

fn no_offer_reason_schema() -> Object {
    let reasons = serde_strings(&[dccc_matching::NoOfferReason::NoRelevantProtocol]);
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(
            reasons
                .into_iter()
                .map(serde_json::Value::from)
                .chain([serde_json::Value::Null]),
        ))
        .build()
}

/// A judged criterion as [`dccc_matching::CriterionResult`] serializes it.
fn criteria_schema() -> Array {
    let text = || ObjectBuilder::new().schema_type(Type::String);
    let item = ObjectBuilder::new()
        .property(
            "criterion",
            text().description(Some(
                "age, sex, diagnosis, setting, stage, prior_lines, ecog, biomarker:<MARKER> or excluded_biomarker:<MARKER>",
            )),
        )
        .property("outcome", strings(serde_strings(&OUTCOMES)))
        .property("detail_da", text())
        .property("detail_en", text())
        .required("criterion")
        .required("outcome")
        .required("detail_da")
        .required("detail_en");
    ArrayBuilder::new().items(item).build()
}

/// The response body of `POST /api/v1/match`.
pub fn to_json<'a>(catalogue: &'a Catalogue, outcome: &'a MatchOutcome) -> MatchJson<'a> {
    best_json(catalogue, outcome, None)
}

impl MatchJson<'_> {
    /// Keeps `results_total` only when `say` (a list's case that was cut, or asked for a
    /// limit).
    #[must_use]
    pub fn with_total(mut self, say: bool) -> Self {
        if !say {
            self.results_total = None;
        }
        self
    }
}

/// As [`to_json`], with only the best `limit` results (in the engine's order) and their
/// number before the cut, when a limit is given.
pub fn best_json<'a>(
    catalogue: &'a Catalogue,
    outcome: &'a MatchOutcome,
    limit: Option<usize>,
) -> MatchJson<'a> {
    let results = outcome
        .results
        .iter()
        .take(limit.unwrap_or(usize::MAX))
        .filter_map(|r| {
            let e = catalogue.entries.get(r.key)?;
            Some(ResultJson {
                protocol: ProtocolRef {
                    slug: &e.slug,
                    acronym: &e.acronym,
                    title_da: e.title_da.as_deref(),
                    title_en: e.title_en.as_deref(),
                    dmcg: &e.dmcg,
                    phase: e.phase.as_str(),
                    url: protocol_url(&e.slug),
                },
                verdict: r.verdict,
                criteria: &r.criteria,
                nearest_site: r.nearest_site.as_ref().and_then(|n| {
                    let s = catalogue.sites.get(n.site)?;
                    Some(NearestSiteJson {
                        code: s.code.clone(),
                        name: format!("{}, {}", s.hospital, s.department),
                        region: s.region.code(),
                        distance_km: round_km(n.distance_km),
                    })
                }),
                referral_needed: r.referral_needed,
            })
        })
        .collect();
    let pathways = outcome
        .pathways
        .iter()
        .map(|p| ReferralJson {
            code: &p.code,
            kind: &p.kind,
            name_da: &p.name_da,
            name_en: &p.name_en,
            reason_da: &p.reason_da,
            reason_en: &p.reason_en,
            site: p
                .site
                .and_then(|i| catalogue.sites.get(i))
                .map(|s| s.code.as_str()),
        })
        .collect();
    MatchJson {
        results,
        results_total: limit.map(|_| outcome.results.len()),
        pathways,
        no_offer_reason: outcome.no_offer_reason,
    }
}

/// A phone number as a `tel:` URI: digits and a leading plus only ("+45 78 45 71 50" →
/// "+4578457150").
pub fn tel_uri(phone: &str) -> String {
    let mut out = String::from("tel:");
    for (i, c) in phone.trim().chars().enumerate() {
        if c.is_ascii_digit() || (c == '+' && i == 0) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod contact_tests {
    #[test]
    fn phone_numbers_become_tel_links_of_digits() {
        assert_eq!(super::tel_uri("+45 78 45 71 50"), "tel:+4578457150");
        assert_eq!(super::tel_uri(" 35-45 12 34"), "tel:35451234");
    }
}
