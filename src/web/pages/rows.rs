//! The view of one protocol in a list, shared by the list, DMCG and region pages.

use dccc_matching::RecruitmentStatus;

use crate::catalogue::{query::Nearest, Catalogue, Entry};
use crate::web::i18n::Lang;

#[derive(Debug, Clone)]
pub struct ProtocolRow {
    pub slug: String,
    pub acronym: String,
    pub title: String,
    pub dmcg: String,
    pub phase: &'static str,
    pub status: &'static str,
    pub status_class: &'static str,
    pub regions: String,
    pub nearest: Option<NearestView>,
    pub demo: bool,
}

#[derive(Debug, Clone)]
pub struct NearestView {
    pub code: String,
    pub name: String,
    /// The distance as the page's language writes it ("4,7" on Danish pages).
    pub km: String,
    /// The same with a decimal point, for `data-km` (scripts and tests read it).
    pub km_value: String,
    pub region: String,
}

/// A distance in km: one decimal below 10 km, none above; with a decimal point.
pub fn km_value(km: f64) -> String {
    if km < 10.0 {
        format!("{km:.1}")
    } else {
        format!("{km:.0}")
    }
}

/// A distance in km as the page's language writes it: a decimal comma on Danish pages.
pub fn format_km(km: f64, lang: Lang) -> String {
    let value = km_value(km);
    if lang.is_en() {
        value
    } else {
        value.replace('.', ",")
    }
}

pub fn status_class(status: RecruitmentStatus) -> &'static str {
    match status {
        RecruitmentStatus::Open => "status-open",
        RecruitmentStatus::Planned | RecruitmentStatus::TemporarilyClosed => "status-paused",
        _ => "status-closed",
    }
}

pub fn nearest_view(catalogue: &Catalogue, nearest: Nearest, lang: Lang) -> NearestView {
    let site = &catalogue.sites[nearest.site];
    NearestView {
        code: site.code.clone(),
        name: format!("{}, {}", site.hospital, site.department),
        km: format_km(nearest.distance_km, lang),
        km_value: km_value(nearest.distance_km),
        region: lang
            .pick(site.region.short_da(), site.region.name_en())
            .to_owned(),
    }
}

impl ProtocolRow {
    pub fn new(catalogue: &Catalogue, entry: &Entry, nearest: Option<Nearest>, lang: Lang) -> Self {
        let regions = entry
            .regions_open
            .iter()
            .map(|r| lang.pick(r.short_da(), r.name_en()))
            .collect::<Vec<_>>()
            .join(", ");
        Self {
            slug: entry.slug.clone(),
            acronym: entry.acronym.clone(),
            title: entry.title(lang.is_en()).to_owned(),
            dmcg: entry.dmcg.clone(),
            phase: if lang.is_en() {
                entry.phase.label_en()
            } else {
                entry.phase.label_da()
            },
            status: if lang.is_en() {
                entry.status.label_en()
            } else {
                entry.status.label_da()
            },
            status_class: status_class(entry.status),
            regions,
            nearest: nearest.map(|n| nearest_view(catalogue, n, lang)),
            demo: entry.demo,
        }
    }
}
