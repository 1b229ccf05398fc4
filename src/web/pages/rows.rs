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

/// "3 more protocols farther than 50 km; the nearest is 72 km away", with a link that widens
/// the limit to take the nearest in.
#[derive(Debug, Clone)]
pub struct BeyondView {
    pub text: String,
    pub widen_label: String,
    /// The same address with the wider limit.
    pub href: String,
}

/// A limit that takes in `km`: rounded up to the next 25 km.
pub fn widened_km(km: f64) -> u32 {
    let steps = (km / 25.0).ceil().max(1.0);
    // At most 1000 km, the largest limit a query takes.
    (steps * 25.0).min(1000.0) as u32
}

pub fn beyond_view(
    key: &str,
    beyond: crate::catalogue::query::Beyond,
    max_km: f64,
    lang: Lang,
    href: impl Fn(u32) -> String,
) -> Option<BeyondView> {
    let nearest = beyond.nearest_km.filter(|_| beyond.count > 0)?;
    let widen_km = widened_km(nearest);
    let text = rust_i18n::replace_patterns(
        &lang.count(beyond.count, key),
        &["max", "nearest"],
        &[limit_km(max_km, lang), format_km(nearest, lang)],
    );
    let widen_label =
        rust_i18n::replace_patterns(&lang.t("list.widen"), &["km"], &[widen_km.to_string()]);
    Some(BeyondView {
        text,
        widen_label,
        href: href(widen_km),
    })
}

/// The list's address with `max_km` replaced (and the first page).
pub fn with_max_km(path: &str, pairs: &[(String, String)], km: u32) -> String {
    let mut next: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "max_km")
        .cloned()
        .collect();
    next.push(("max_km".to_owned(), km.to_string()));
    super::protocols::list::page_href(path, &next, 1)
}

/// A distance limit as the reader gave it: whole kilometres without decimals.
fn limit_km(km: f64, lang: Lang) -> String {
    if km.fract() == 0.0 {
        format!("{km:.0}")
    } else {
        format_km(km, lang)
    }
}
