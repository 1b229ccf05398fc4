//! The matching side of the snapshot: the engine's immutable [`Snapshot`] of open protocols
//! (keyed by the catalogue's entry index), what result cards show beyond the engine's output,
//! and diagnosis look-up by code, Danish name or lay term.

use std::collections::HashMap;

use dccc_matching::{
    IcdCode, IcdPatternList, MatchSite, Pathway, ProtocolCriteria, Setting, Snapshot,
};

use super::snapshot::{Entry, PathwayInfo, SiteInfo};
use crate::domain::Protocol;

/// What a result card shows that the engine does not need.
#[derive(Debug, Clone, Default)]
pub struct CardExtras {
    pub summary_da: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
}

/// The engine's snapshot plus the card extras, both indexed like the catalogue's entries.
#[derive(Debug)]
pub struct Matcher {
    pub snapshot: Snapshot,
    pub extras: Vec<CardExtras>,
}

impl Default for Matcher {
    fn default() -> Self {
        Self {
            snapshot: Snapshot::build(Vec::new(), Vec::new(), Vec::new()),
            extras: Vec::new(),
        }
    }
}

/// Builds the matcher from the catalogue's entries and the full records they came from.
pub fn build(
    entries: &[Entry],
    records: &HashMap<i32, Protocol>,
    sites: &[SiteInfo],
    pathways: &[PathwayInfo],
) -> Matcher {
    let site_index: HashMap<&str, usize> = sites
        .iter()
        .enumerate()
        .map(|(i, s)| (s.code.as_str(), i))
        .collect();
    let mut criteria = Vec::with_capacity(entries.len());
    let mut extras = Vec::with_capacity(entries.len());
    for (key, entry) in entries.iter().enumerate() {
        let Some(p) = records.get(&entry.id) else {
            extras.push(CardExtras::default());
            continue;
        };
        criteria.push(ProtocolCriteria {
            key,
            acronym: p.acronym.clone(),
            recruitment_status: p.recruitment_status,
            eligibility: p.eligibility.clone(),
            sites: entry.sites.clone(),
        });
        extras.push(CardExtras {
            summary_da: p.summary_da.clone(),
            contact_name: p.contact.name.clone(),
            contact_email: p.contact.email.as_ref().map(|e| e.as_str().to_owned()),
            contact_phone: p.contact.phone.clone(),
        });
    }
    let match_sites = sites
        .iter()
        .map(|s| MatchSite {
            code: s.code.clone(),
            region: s.region,
            lat: s.lat,
            lon: s.lon,
        })
        .collect();
    let match_pathways = pathways
        .iter()
        .map(|p| Pathway {
            code: p.code.clone(),
            kind: p.kind.clone(),
            name_da: p.name_da.clone(),
            name_en: p.name_en.clone(),
            site: p
                .site_code
                .as_deref()
                .and_then(|c| site_index.get(c).copied()),
            age_min: p.age_min.and_then(|a| u8::try_from(a).ok()),
            age_max: p.age_max.and_then(|a| u8::try_from(a).ok()),
            settings: p
                .settings
                .iter()
                .filter_map(|s| s.parse::<Setting>().ok())
                .collect(),
            icd10: IcdPatternList::parse_list(&p.icd10).unwrap_or_default(),
            requires_exhausted: p.requires_exhausted,
            only_without_eligible: p.only_without_eligible,
        })
        .collect();
    Matcher {
        snapshot: Snapshot::build(criteria, match_sites, match_pathways),
        extras,
    }
}

const ICD_CATEGORIES: &str = include_str!("../../seed/icd10_categories.csv");
const SYNONYMS: &str = include_str!("../../seed/synonyms.csv");

/// A diagnosis people can choose by name: a code and what it is called.
#[derive(Debug, Clone)]
pub struct NamedDiagnosis {
    pub code: String,
    pub name_da: String,
    pub name_en: String,
}

/// ICD-10 category names and lay terms, for pickers and for typing a name instead of a code.
#[derive(Debug, Clone, Default)]
pub struct DiagnosisNames {
    pub categories: Vec<NamedDiagnosis>,
    /// Lay terms a patient recognises ("brystkræft"), each with the code it stands for.
    pub lay_terms: Vec<NamedDiagnosis>,
}

impl DiagnosisNames {
    pub fn load() -> Self {
        let mut categories = Vec::new();
        for line in ICD_CATEGORIES.lines().skip(1) {
            let mut parts = line.splitn(3, ',');
            if let (Some(code), Some(da), Some(en)) = (parts.next(), parts.next(), parts.next()) {
                categories.push(NamedDiagnosis {
                    code: code.trim().into(),
                    name_da: da.trim().into(),
                    name_en: en.trim().trim_matches('"').into(),
                });
            }
        }
        let mut lay_terms: Vec<NamedDiagnosis> = Vec::new();
        for line in SYNONYMS.lines().filter(|l| !l.starts_with('#')).skip(1) {
            let mut parts = line.splitn(3, ',');
            let (Some(dmcg), Some(icd), Some(terms)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if dmcg.trim().is_empty() || icd.trim() == "*" {
                continue;
            }
            let Some(first) = IcdPatternList::parse_list(icd)
                .ok()
                .and_then(|l| l.0.first().and_then(|p| p.categories().into_iter().next()))
            else {
                continue;
            };
            let mut words = terms.split('|').map(str::trim);
            let Some(term) = words.next().filter(|t| !t.is_empty()) else {
                continue;
            };
            let english = words
                .find(|w| w.is_ascii() && w.contains("cancer"))
                .unwrap_or(term);
            if !lay_terms.iter().any(|t| t.name_da == term) {
                let mut name = term.to_owned();
                if let Some(c) = name.get_mut(0..1) {
                    c.make_ascii_uppercase();
                }
                lay_terms.push(NamedDiagnosis {
                    code: first,
                    name_da: name,
                    name_en: english.to_owned(),
                });
            }
        }
        lay_terms.sort_by_cached_key(|t| t.name_da.to_lowercase());
        Self {
            categories,
            lay_terms,
        }
    }

    /// A code typed as a code (`C50.9`, `DC509`) or as a Danish or English name.
    pub fn resolve(&self, typed: &str) -> Option<IcdCode> {
        let typed = typed.trim();
        if let Ok(code) = typed.parse::<IcdCode>() {
            return Some(code);
        }
        // "C50 Brystkræft" as a picker shows it: the code first.
        if let Some(code) = typed
            .split_whitespace()
            .next()
            .and_then(|w| w.parse::<IcdCode>().ok())
        {
            return Some(code);
        }
        let lower = typed.to_lowercase();
        self.categories
            .iter()
            .chain(self.lay_terms.iter())
            .find(|n| n.name_da.to_lowercase() == lower || n.name_en.to_lowercase() == lower)
            .and_then(|n| n.code.parse().ok())
    }

    pub fn name_of(&self, code: &IcdCode) -> Option<&NamedDiagnosis> {
        self.categories.iter().find(|c| c.code == code.category())
    }
}

/// The diagnosis names compiled into the binary, read once.
pub fn diagnosis_names() -> &'static DiagnosisNames {
    static NAMES: std::sync::OnceLock<DiagnosisNames> = std::sync::OnceLock::new();
    NAMES.get_or_init(DiagnosisNames::load)
}

#[cfg(test)]
mod tests {
    use super::DiagnosisNames;

    #[test]
    fn diagnoses_resolve_from_codes_and_names() {
        let names = DiagnosisNames::load();
        assert!(names.categories.len() > 100);
        assert!(names.lay_terms.len() > 30);
        for (typed, code) in [
            ("DC50.9", "C509"),
            ("c50", "C50"),
            ("brystkræft", "C50"),
            ("C34 Lungekræft", "C34"),
        ] {
            assert_eq!(
                names
                    .resolve(typed)
                    .map(|c| c.as_str().to_owned())
                    .as_deref(),
                Some(code),
                "case {typed:?}"
            );
        }
        assert!(names.resolve("not a diagnosis").is_none());
    }
}
