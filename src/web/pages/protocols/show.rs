//! `/protokoller/{slug}`: everything a patient or doctor needs about one protocol.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use dccc_matching::{IcdCode, IcdPattern, Region};

use super::super::rows::{format_km, status_class};
use crate::catalogue::matcher::diagnosis_names;
use crate::catalogue::Catalogue;
use crate::db::drafts::Draft;
use crate::db::history::Change;
use crate::db::protocols::{StoredProtocol, PUBLISHED};
use crate::domain::messages::quoted;
use crate::domain::{msg, Message, Postcode};
use crate::domain::{FieldError, ProtocolDoc};
use crate::services::protocols::workflow;
use crate::web::error::PageError;
use crate::web::history::HistoryLine;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::map::MapView;
use crate::web::match_::results::tel_uri;
use crate::web::AppState;

pub struct IdentifierView {
    pub label: &'static str,
    pub value: String,
    pub href: String,
}

#[derive(Clone)]
pub struct SiteView {
    pub code: String,
    pub name: String,
    pub city: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub open: bool,
    pub contact: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The distance from the reader's postcode, as the page writes it.
    pub km: Option<String>,
    lat: f64,
    lon: f64,
    distance: Option<f64>,
}

impl SiteView {
    /// The phone number as a `tel:` link.
    pub fn tel(&self) -> Option<String> {
        self.phone.as_deref().map(tel_uri)
    }
}

/// One line of who can join, and the glossary entry that explains its term.
pub struct EligibilityLine {
    pub text: String,
    pub glossary: Option<&'static str>,
}

pub struct RegionSites {
    pub region: String,
    pub sites: Vec<SiteView>,
}

/// A protocol as its public page shows it. The review and the editor's read-only view of a
/// submission show a draft with the same template (`preview`), without the page's own forms.
#[derive(Template)]
#[template(path = "protocols/article.html")]
pub struct ProtocolArticle {
    /// The print view ("take this to your doctor") instead of the page.
    pub print: bool,
    /// A submission not yet published: no postcode form, print link or change log.
    pub preview: bool,
    /// The parts a submission changes against the published version (see [`Self::changed`]).
    pub changed_parts: Vec<&'static str>,
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
    /// With a postcode: every department nearest first (instead of by region).
    pub by_distance: Vec<SiteView>,
    /// With a postcode: the nearest open department, whose contact comes first.
    pub nearest: Option<SiteView>,
    /// The postcode as typed, and what was wrong with it.
    pub postcode: String,
    pub postcode_place: Option<String>,
    pub postcode_error: Option<String>,
    pub map: Option<MapView>,
    pub slug: String,
    /// This page's address, for the print view.
    pub address: String,
    pub eligibility: Vec<EligibilityLine>,
    pub criteria_text: Option<String>,
    pub interventions: Vec<String>,
    pub opened_on: Option<String>,
    pub closes_on: Option<String>,
    pub target_enrolment: Option<u32>,
    pub last_confirmed: Option<String>,
    pub updated: String,
    pub demo: bool,
    pub history: Vec<HistoryLine>,
}

impl ProtocolArticle {
    /// A phone number as a `tel:` link.
    pub fn tel(&self, phone: &str) -> String {
        tel_uri(phone)
    }

    /// Whether a part of the page shows something the submission changes.
    pub fn changed(&self, part: &str) -> bool {
        self.changed_parts.contains(&part)
    }
}

/// The part of the page that shows a field (its first path segment), for [`ProtocolArticle::changed`].
pub fn page_part(field: &str) -> &'static str {
    match field.split(['.', '[']).next().unwrap_or(field) {
        "acronym" | "title_da" | "title_en" => "title",
        "summary_da" | "summary_en" => "summary",
        "eligibility" => "eligibility",
        "interventions" => "interventions",
        "sites" => "sites",
        "dmcg" | "other_dmcgs" => "dmcg",
        "phase" => "phase",
        "recruitment_status" => "status",
        "evidence_generating" => "evidence",
        "initiator" => "initiator",
        "sponsor" => "sponsor",
        "identifiers" => "identifiers",
        "contact" => "contact",
        "opened_on" => "opened",
        "closes_on" => "closes",
        "target_enrolment" => "target",
        _ => "other",
    }
}

#[derive(Template)]
#[template(path = "protocols/show.html")]
pub struct ProtocolDetailPage {
    pub layout: Layout,
    pub article: ProtocolArticle,
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

/// The name of a diagnosis pattern in the page's language: the ICD-10 category's name, or the
/// lay group's for a range of categories ("C33–C34": lung cancer).
fn pattern_name(pattern: &IcdPattern, english: bool) -> Option<String> {
    let names = diagnosis_names();
    let category = |code: &str| {
        let code: IcdCode = code.parse().ok()?;
        names.name_of(&code).map(|n| {
            if english {
                n.name_en.clone()
            } else {
                n.name_da.clone()
            }
        })
    };
    match pattern {
        IcdPattern::Prefix(p) => category(p),
        IcdPattern::Range { from, to } if from.get(..3) == to.get(..3) => category(from),
        IcdPattern::Range { .. } => names
            .lay
            .groups()
            .iter()
            .find(|g| g.codes.0.len() == 1 && g.codes.0[0] == *pattern)
            .map(|g| g.name(english).to_owned()),
    }
}

fn line(text: String) -> EligibilityLine {
    EligibilityLine {
        text,
        glossary: None,
    }
}

fn eligibility_lines(stored: &StoredProtocol, lang: Lang) -> Vec<EligibilityLine> {
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
    lines.extend(age.map(line));
    if e.sex != dccc_matching::SexEligibility::All {
        lines.push(line(
            if en {
                e.sex.label_en()
            } else {
                e.sex.label_da()
            }
            .to_owned(),
        ));
    }
    if !e.diagnoses.is_empty() {
        let codes: Vec<String> = e
            .diagnoses
            .0
            .iter()
            .map(|p| match pattern_name(p, en) {
                Some(name) => format!("{name} ({})", dotted(p)),
                None => dotted(p),
            })
            .collect();
        lines.push(EligibilityLine {
            text: format!("{}: {}", lang.t("elig.diagnoses"), codes.join(", ")),
            glossary: Some("icd-10"),
        });
    }
    if !e.exclude_diagnoses.is_empty() {
        let codes: Vec<String> = e
            .exclude_diagnoses
            .0
            .iter()
            .map(ToString::to_string)
            .collect();
        lines.push(EligibilityLine {
            text: format!("{}: {}", lang.t("elig.exclude_diagnoses"), codes.join(", ")),
            glossary: Some("icd-10"),
        });
    }
    if !e.settings.is_empty() {
        let s: Vec<&str> = e
            .settings
            .iter()
            .map(|s| if en { s.label_en() } else { s.label_da() })
            .collect();
        lines.push(line(format!(
            "{}: {}",
            lang.t("elig.settings"),
            s.join(", ")
        )));
    }
    if !e.stages.is_empty() {
        let s: Vec<&str> = e.stages.iter().map(|s| s.as_str()).collect();
        lines.push(line(format!("{}: {}", lang.t("elig.stages"), s.join(", "))));
    }
    match (e.prior_lines_min, e.prior_lines_max) {
        (None, None) => {}
        (min, max) => lines.push(line(format!(
            "{}: {}–{}",
            lang.t("elig.prior_lines"),
            min.unwrap_or(0),
            max.map_or_else(|| "∞".to_owned(), |m| m.to_string())
        ))),
    }
    if let Some(ecog) = e.ecog_max {
        lines.push(EligibilityLine {
            text: format!("{} {ecog}", lang.t("elig.ecog")),
            glossary: Some("ecog"),
        });
    }
    for b in &e.biomarkers_required {
        lines.push(EligibilityLine {
            text: format!(
                "{} {} {}",
                lang.t("elig.requires"),
                b.marker,
                lang.t(&format!("elig.{}", b.status.as_str()))
            ),
            glossary: Some("biomarkoer"),
        });
    }
    for b in &e.biomarkers_excluded {
        lines.push(EligibilityLine {
            text: format!(
                "{} {} {}",
                lang.t("elig.excludes"),
                b.marker,
                lang.t(&format!("elig.{}", b.status.as_str()))
            ),
            glossary: Some("biomarkoer"),
        });
    }
    lines
}

fn site_views(
    stored: &StoredProtocol,
    catalogue: &Catalogue,
    home: Option<(f64, f64)>,
    lang: Lang,
) -> Vec<SiteView> {
    let en = lang.is_en();
    stored
        .protocol
        .sites
        .iter()
        .filter_map(|ps| {
            let site = catalogue.site(&ps.site)?;
            let distance =
                home.map(|(lat, lon)| dccc_matching::haversine_km(lat, lon, site.lat, site.lon));
            let contact = ps.contact.as_ref();
            Some(SiteView {
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
                open: ps.status == dccc_matching::SiteStatus::Open,
                contact: contact.and_then(|c| c.name.clone()),
                email: contact.and_then(|c| c.email.as_ref().map(|e| e.as_str().to_owned())),
                phone: contact.and_then(|c| c.phone.clone()),
                km: distance.map(|d| format_km(d, lang)),
                lat: site.lat,
                lon: site.lon,
                distance,
            })
        })
        .collect()
}

fn region_groups(stored: &StoredProtocol, catalogue: &Catalogue, lang: Lang) -> Vec<RegionSites> {
    let mut sites = site_views(stored, catalogue, None, lang);
    Region::ALL
        .iter()
        .filter_map(|region| {
            let in_region: Vec<SiteView> = {
                let (here, rest): (Vec<SiteView>, Vec<SiteView>) = sites
                    .drain(..)
                    .partition(|s| catalogue.site(&s.code).is_some_and(|i| i.region == *region));
                sites = rest;
                here
            };
            (!in_region.is_empty()).then(|| RegionSites {
                region: lang.pick(region.name_da(), region.name_en()).to_owned(),
                sites: in_region,
            })
        })
        .collect()
}

/// A postcode read from the address: its name ("8000 Aarhus C") and position.
type Home = (String, f64, f64);

/// The `postcode` parameter: the postcode's place and position, or the message for the field.
fn read_postcode(
    req: &HttpRequest,
    catalogue: &Catalogue,
) -> (String, Result<Option<Home>, Message>) {
    let pairs = super::list::query_pairs(req);
    let raw: String = pairs
        .iter()
        .find(|(k, _)| k == "postcode")
        .map(|(_, v)| v.chars().filter(|c| !c.is_control()).take(20).collect())
        .unwrap_or_default();
    if raw.trim().is_empty() {
        return (raw, Ok(None));
    }
    let found = Postcode::parse(&raw).and_then(|code| {
        catalogue
            .postcodes
            .get(code.as_str())
            .map(|p| Some((format!("{} {}", p.postcode, p.place), p.lat, p.lon)))
            .ok_or_else(|| Message::new(msg::UNKNOWN_POSTCODE).with("input", quoted(&raw)))
    });
    (raw, found)
}

pub async fn show_protocol(
    req: HttpRequest,
    lang: Lang,
    viewer: crate::web::auth::Viewer,
    slug: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    protocol_page(req, lang, viewer, slug.into_inner(), state, false).await
}

/// `/protokoller/{slug}/print`: the page made for taking to the doctor.
pub async fn print_protocol(
    req: HttpRequest,
    lang: Lang,
    viewer: crate::web::auth::Viewer,
    slug: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    protocol_page(req, lang, viewer, slug.into_inner(), state, true).await
}

async fn protocol_page(
    req: HttpRequest,
    lang: Lang,
    viewer: crate::web::auth::Viewer,
    slug: String,
    state: web::Data<AppState>,
    print: bool,
) -> Result<HttpResponse, PageError> {
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
    let layout = Layout::new(
        &req,
        lang,
        stored.protocol.acronym.clone(),
        stored.protocol.demo || catalogue.has_demo(),
        "protocols",
    )
    .with_viewer(&viewer);
    let (postcode, home) = read_postcode(&req, &catalogue);
    let (home, postcode_error) = match home {
        Ok(home) => (home, None),
        Err(message) => (None, Some(message.page_text(lang.code()))),
    };
    let status = if postcode_error.is_some() {
        actix_web::http::StatusCode::BAD_REQUEST
    } else {
        actix_web::http::StatusCode::OK
    };
    let mut article = article(&stored, &catalogue, &layout, &state.settings.base_url);
    article.print = print;
    article.history = crate::web::history::lines(&history, lang, &catalogue, layout.is_editor);
    if let Some((place, lat, lon)) = &home {
        article.by_distance = site_views(&stored, &catalogue, Some((*lat, *lon)), lang);
        article.by_distance.sort_by(|a, b| {
            b.open.cmp(&a.open).then(
                a.distance
                    .unwrap_or(f64::MAX)
                    .total_cmp(&b.distance.unwrap_or(f64::MAX)),
            )
        });
        article.nearest = article.by_distance.first().filter(|s| s.open).cloned();
        let places: Vec<(String, f64, f64, Option<String>)> = article
            .by_distance
            .iter()
            .filter(|s| s.open)
            .map(|s| {
                (
                    format!("{} ({})", s.name, s.city),
                    s.lat,
                    s.lon,
                    s.km.clone(),
                )
            })
            .collect();
        article.map = Some(crate::web::map::map_view(
            &places,
            Some((place.clone(), *lat, *lon)),
            lang,
        ));
        article.postcode_place = Some(place.clone());
    }
    article.postcode = postcode.trim().to_owned();
    article.postcode_error = postcode_error;
    let page = ProtocolDetailPage { layout, article };
    crate::web::pages::render_with(status, &page)
}

/// The page of a stored protocol (published, or a submission shown as it will look), without
/// a postcode: departments by region, the map of the open ones, no change log.
pub fn article(
    stored: &StoredProtocol,
    catalogue: &Catalogue,
    layout: &Layout,
    base_url: &str,
) -> ProtocolArticle {
    let lang = layout.lang;
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
    let places: Vec<(String, f64, f64, Option<String>)> = site_views(stored, catalogue, None, lang)
        .iter()
        .filter(|s| s.open)
        .map(|s| (format!("{} ({})", s.name, s.city), s.lat, s.lon, None))
        .collect();
    let map = (!places.is_empty()).then(|| crate::web::map::map_view(&places, None, lang));
    ProtocolArticle {
        print: false,
        preview: false,
        changed_parts: Vec::new(),
        layout: layout.clone(),
        by_distance: Vec::new(),
        nearest: None,
        postcode_place: None,
        postcode: String::new(),
        postcode_error: None,
        map,
        slug: stored.slug.clone(),
        address: format!(
            "{}/protokoller/{}",
            base_url.trim_end_matches('/'),
            stored.slug
        ),
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
        regions: region_groups(stored, catalogue, lang),
        eligibility: eligibility_lines(stored, lang),
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
        history: Vec::new(),
    }
}

/// A submission as its public page will look, with what it changes against the published
/// version (`public`). `Err` with the problems when the draft cannot be shown as a page (it no
/// longer passes validation, e.g. a department was removed since it was sent).
pub fn preview(
    draft: &Draft,
    public: Option<&StoredProtocol>,
    catalogue: &Catalogue,
    layout: &Layout,
    base_url: &str,
) -> Result<(ProtocolArticle, Vec<Change>), Vec<FieldError>> {
    let protocol = draft.doc.validate(&catalogue.reference_codes())?;
    let changes = public.map_or_else(Vec::new, |p| {
        workflow::changes_against(&p.protocol, &ProtocolDoc::from_protocol(&protocol))
    });
    let stored = StoredProtocol {
        id: public.map_or(0, |p| p.id),
        slug: public.map_or_else(String::new, |p| p.slug.clone()),
        review_status: draft.state.as_str().to_owned(),
        created_at: draft.created_at,
        updated_at: draft.updated_at,
        last_confirmed_at: public.and_then(|p| p.last_confirmed_at),
        protocol,
    };
    let mut article = article(&stored, catalogue, layout, base_url);
    article.preview = true;
    article.changed_parts = changes.iter().map(|c| page_part(&c.field)).collect();
    Ok((article, changes))
}
