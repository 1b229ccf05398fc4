//! `/protokoller/{slug}`: everything a patient or doctor needs about one protocol.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use dccc_matching::{IcdCode, IcdPattern, Region};

use super::super::rows::status_class;
use crate::catalogue::Catalogue;
use crate::db::protocols::{StoredProtocol, PUBLISHED};
use crate::web::error::PageError;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render;
use crate::web::AppState;

pub struct IdentifierView {
    pub label: &'static str,
    pub value: String,
    pub href: String,
}

pub struct SiteView {
    pub code: String,
    pub name: String,
    pub city: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub contact: Option<String>,
    pub email: Option<String>,
}

pub struct RegionSites {
    pub region: String,
    pub sites: Vec<SiteView>,
}

#[derive(Template)]
#[template(path = "protocols/show.html")]
pub struct ProtocolDetailPage {
    pub layout: Layout,
    pub acronym: String,
    pub title: String,
    pub other_title: Option<String>,
    pub summary: Option<String>,
    pub dmcg: String,
    pub dmcg_name: String,
    pub other_dmcgs: Vec<String>,
    pub phase: &'static str,
    pub status: &'static str,
    pub status_class: &'static str,
    pub evidence_generating: bool,
    pub initiator: Option<&'static str>,
    pub sponsor: Option<String>,
    pub identifiers: Vec<IdentifierView>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub regions: Vec<RegionSites>,
    pub eligibility: Vec<String>,
    pub criteria_text: Option<String>,
    pub interventions: Vec<String>,
    pub opened_on: Option<String>,
    pub closes_on: Option<String>,
    pub target_enrolment: Option<u32>,
    pub last_confirmed: Option<String>,
    pub updated: String,
    pub demo: bool,
    pub history: Vec<crate::db::history::HistoryEntry>,
}

/// A pattern as people read codes: with the dot (`C50.9`, `C92.4–C92.6`).
fn dotted(pattern: &IcdPattern) -> String {
    let show = |code: &str| {
        code.parse::<IcdCode>()
            .map_or_else(|_| code.to_owned(), |c| c.to_string())
    };
    match pattern {
        IcdPattern::Prefix(p) => show(p),
        IcdPattern::Range { from, to } => format!("{}–{}", show(from), show(to)),
    }
}

fn eligibility_lines(stored: &StoredProtocol, lang: Lang) -> Vec<String> {
    let e = &stored.protocol.eligibility;
    let en = lang.is_en();
    let mut lines = Vec::new();
    let age = match (e.age_min, e.age_max) {
        (Some(min), Some(max)) => Some(format!(
            "{} {min}–{max} {}",
            lang.t("elig.age"),
            lang.t("elig.years")
        )),
        (Some(min), None) => Some(format!(
            "{} {min} {}",
            lang.t("elig.age_from"),
            lang.t("elig.years")
        )),
        (None, Some(max)) => Some(format!(
            "{} {max} {}",
            lang.t("elig.age_to"),
            lang.t("elig.years")
        )),
        (None, None) => None,
    };
    lines.extend(age);
    if e.sex != dccc_matching::SexEligibility::All {
        lines.push(
            if en {
                e.sex.label_en()
            } else {
                e.sex.label_da()
            }
            .to_owned(),
        );
    }
    if !e.diagnoses.is_empty() {
        let codes: Vec<String> = e.diagnoses.0.iter().map(dotted).collect();
        lines.push(format!(
            "{}: {}",
            lang.t("elig.diagnoses"),
            codes.join(", ")
        ));
    }
    if !e.exclude_diagnoses.is_empty() {
        let codes: Vec<String> = e
            .exclude_diagnoses
            .0
            .iter()
            .map(ToString::to_string)
            .collect();
        lines.push(format!(
            "{}: {}",
            lang.t("elig.exclude_diagnoses"),
            codes.join(", ")
        ));
    }
    if !e.settings.is_empty() {
        let s: Vec<&str> = e
            .settings
            .iter()
            .map(|s| if en { s.label_en() } else { s.label_da() })
            .collect();
        lines.push(format!("{}: {}", lang.t("elig.settings"), s.join(", ")));
    }
    if !e.stages.is_empty() {
        let s: Vec<&str> = e.stages.iter().map(|s| s.as_str()).collect();
        lines.push(format!("{}: {}", lang.t("elig.stages"), s.join(", ")));
    }
    match (e.prior_lines_min, e.prior_lines_max) {
        (None, None) => {}
        (min, max) => lines.push(format!(
            "{}: {}–{}",
            lang.t("elig.prior_lines"),
            min.unwrap_or(0),
            max.map_or_else(|| "∞".to_owned(), |m| m.to_string())
        )),
    }
    if let Some(ecog) = e.ecog_max {
        lines.push(format!("{} {ecog}", lang.t("elig.ecog")));
    }
    for b in &e.biomarkers_required {
        lines.push(format!(
            "{}: {} {}",
            lang.t("elig.requires"),
            b.marker,
            lang.t(&format!("elig.{}", b.status.as_str()))
        ));
    }
    for b in &e.biomarkers_excluded {
        lines.push(format!(
            "{}: {} {}",
            lang.t("elig.excludes"),
            b.marker,
            lang.t(&format!("elig.{}", b.status.as_str()))
        ));
    }
    lines
}

fn region_groups(stored: &StoredProtocol, catalogue: &Catalogue, lang: Lang) -> Vec<RegionSites> {
    let en = lang.is_en();
    Region::ALL
        .iter()
        .filter_map(|region| {
            let sites: Vec<SiteView> = stored
                .protocol
                .sites
                .iter()
                .filter_map(|ps| {
                    let site = catalogue.site(&ps.site)?;
                    (site.region == *region).then(|| SiteView {
                        code: site.code.clone(),
                        name: format!("{}, {}", site.hospital, site.department),
                        city: site.city.clone(),
                        status: if en {
                            ps.status.label_en()
                        } else {
                            ps.status.label_da()
                        },
                        status_class: match ps.status {
                            dccc_matching::SiteStatus::Open => "status-open",
                            dccc_matching::SiteStatus::Closed => "status-closed",
                            _ => "status-paused",
                        },
                        contact: ps.contact.as_ref().and_then(|c| c.name.clone()),
                        email: ps
                            .contact
                            .as_ref()
                            .and_then(|c| c.email.as_ref().map(|e| e.as_str().to_owned())),
                    })
                })
                .collect();
            (!sites.is_empty()).then(|| RegionSites {
                region: lang.pick(region.name_da(), region.name_en()).to_owned(),
                sites,
            })
        })
        .collect()
}

pub async fn show_protocol(
    req: HttpRequest,
    lang: Lang,
    viewer: crate::web::auth::Viewer,
    slug: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let slug = slug.into_inner();
    let (stored, history) = crate::web::with_conn(&state, move |conn| {
        let stored = crate::db::protocols::find_by_slug(conn, &slug)?;
        let history = crate::db::history::for_entity(conn, "protocol", &slug, true)?;
        Ok((stored, history))
    })
    .await?;
    let stored = stored
        .filter(|s| s.review_status == PUBLISHED)
        .ok_or(PageError::not_found())?;
    let catalogue = state.catalogue.get();
    let en = lang.is_en();
    let p = &stored.protocol;
    let ids = &p.identifiers;
    let mut identifiers = Vec::new();
    if let Some(v) = &ids.nct {
        identifiers.push(IdentifierView {
            label: "ClinicalTrials.gov",
            value: v.to_string(),
            href: v.registry_url(),
        });
    }
    if let Some(v) = &ids.eu_ct {
        identifiers.push(IdentifierView {
            label: "EU CT (CTIS)",
            value: v.to_string(),
            href: v.registry_url(),
        });
    }
    if let Some(v) = &ids.eudract {
        identifiers.push(IdentifierView {
            label: "EudraCT",
            value: v.to_string(),
            href: v.registry_url(),
        });
    }
    let other = if en {
        p.title_da.clone()
    } else {
        p.title_en.clone()
    };
    let title = p.title(en).to_owned();
    let page = ProtocolDetailPage {
        layout: Layout::new(
            &req,
            lang,
            p.acronym.clone(),
            p.demo || catalogue.has_demo(),
            "protocols",
        )
        .with_viewer(&viewer),
        acronym: p.acronym.clone(),
        other_title: other.filter(|o| *o != title),
        title,
        summary: if en {
            p.summary_en.clone().or(p.summary_da.clone())
        } else {
            p.summary_da.clone().or(p.summary_en.clone())
        },
        dmcg_name: catalogue
            .dmcg(&p.dmcg)
            .map(|d| d.name_da.clone())
            .unwrap_or_default(),
        dmcg: p.dmcg.clone(),
        other_dmcgs: p.other_dmcgs.clone(),
        phase: if en {
            p.phase.label_en()
        } else {
            p.phase.label_da()
        },
        status: if en {
            p.recruitment_status.label_en()
        } else {
            p.recruitment_status.label_da()
        },
        status_class: status_class(p.recruitment_status),
        evidence_generating: p.evidence_generating,
        initiator: p
            .initiator
            .map(|i| if en { i.label_en() } else { i.label_da() }),
        sponsor: p.sponsor.clone(),
        identifiers,
        contact_name: p.contact.name.clone(),
        contact_email: p.contact.email.as_ref().map(|e| e.as_str().to_owned()),
        contact_phone: p.contact.phone.clone(),
        regions: region_groups(&stored, &catalogue, lang),
        eligibility: eligibility_lines(&stored, lang),
        criteria_text: if en {
            p.criteria_text_en.clone().or(p.criteria_text_da.clone())
        } else {
            p.criteria_text_da.clone().or(p.criteria_text_en.clone())
        },
        interventions: p.interventions.clone(),
        opened_on: p.opened_on.map(|d| d.format("%d-%m-%Y").to_string()),
        closes_on: p.closes_on.map(|d| d.format("%d-%m-%Y").to_string()),
        target_enrolment: p.target_enrolment,
        last_confirmed: stored
            .last_confirmed_at
            .map(|d| d.format("%d-%m-%Y").to_string()),
        updated: stored.updated_at.format("%d-%m-%Y").to_string(),
        demo: p.demo,
        history,
    };
    render(&page)
}
