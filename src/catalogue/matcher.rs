//! The matching side of the snapshot: the engine's immutable [`Snapshot`] of open protocols
//! (keyed by the catalogue's entry index), what result cards show beyond the engine's output,
//! and diagnosis look-up by code, Danish name or lay term (a lay term is a group of codes).

use std::collections::HashMap;

use dccc_matching::{
    Diagnosis, IcdCode, IcdPatternList, MatchSite, Pathway, ProtocolCriteria, Setting, Snapshot,
};

use super::cancer_types::DmcgAreas;
use super::lay_groups::{LayGroup, LayGroups};
use super::snapshot::{DmcgInfo, Entry, PathwayInfo, SiteInfo};
use crate::domain::Protocol;

/// What a result card shows that the engine does not need.
#[derive(Debug, Clone, Default)]
pub struct CardExtras {
    pub summary_da: Option<String>,
    pub summary_en: Option<String>,
    /// Markers the patient must have, as the card says them in lay words.
    pub biomarkers_required: Vec<dccc_matching::Biomarker>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    /// A basket or all-cancer trial ([`super::cancer_types::MANY_CANCER_TYPES_DMCGS`]).
    pub many_cancer_types: bool,
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
    records: &HashMap<i32, &Protocol>,
    sites: &[SiteInfo],
    pathways: &[PathwayInfo],
    dmcgs: &[DmcgInfo],
) -> Matcher {
    let areas = DmcgAreas::new(dmcgs);
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
            summary_en: p.summary_en.clone(),
            biomarkers_required: p.eligibility.biomarkers_required.clone(),
            contact_name: p.contact.name.clone(),
            contact_email: p.contact.email.as_ref().map(|e| e.as_str().to_owned()),
            contact_phone: p.contact.phone.clone(),
            many_cancer_types: areas.many_cancer_types(&p.eligibility.diagnoses),
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

/// A diagnosis people can choose by name: a code and what it is called.
#[derive(Debug, Clone)]
pub struct NamedDiagnosis {
    pub code: String,
    pub name_da: String,
    pub name_en: String,
}

/// ICD-10 category names and the lay diagnosis groups, for pickers and for typing a name
/// instead of a code.
#[derive(Debug, Clone, Default)]
pub struct DiagnosisNames {
    pub categories: Vec<NamedDiagnosis>,
    /// What a patient's word for their cancer stands for ("lungekræft": C33–C34).
    pub lay: LayGroups,
}

/// A typed diagnosis, resolved.
#[derive(Debug, Clone)]
pub struct ResolvedDiagnosis<'a> {
    pub diagnosis: Diagnosis,
    /// The lay group it was found as, when it was one.
    pub group: Option<&'a LayGroup>,
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
        Self {
            categories,
            lay: LayGroups::builtin(),
        }
    }

    /// A diagnosis as a clinician types it: a code (`C50.9`, `DC509`) is that code; then a
    /// lay term ("lungekræft") is its group; then several codes or ranges (`C18-C20`) are a
    /// group; then a picker's entry ("C50 Brystkræft") is its code; then an ICD-10 category's
    /// Danish or English name is that category.
    pub fn resolve(&self, typed: &str) -> Option<ResolvedDiagnosis<'_>> {
        let typed = typed.trim();
        if let Ok(code) = typed.parse::<IcdCode>() {
            return Some(ResolvedDiagnosis::code(code));
        }
        if let Some(group) = self.lay.find(typed) {
            return Some(ResolvedDiagnosis::lay(group));
        }
        if let Ok(codes) = IcdPatternList::parse_list(typed) {
            if !codes.is_empty() {
                return Some(ResolvedDiagnosis {
                    diagnosis: Diagnosis::Group(codes),
                    group: None,
                });
            }
        }
        // "C50 Brystkræft" as a picker shows it: the code first.
        if let Some(code) = typed
            .split_whitespace()
            .next()
            .and_then(|w| w.parse::<IcdCode>().ok())
        {
            return Some(ResolvedDiagnosis::code(code));
        }
        let lower = typed.to_lowercase();
        self.categories
            .iter()
            .find(|n| n.name_da.to_lowercase() == lower || n.name_en.to_lowercase() == lower)
            .and_then(|n| n.code.parse().ok())
            .map(ResolvedDiagnosis::code)
    }

    /// A diagnosis as a patient gives it: a lay term, or a lay group's codes as the patient
    /// page posts them (`C33-C34`, `C50`, `*`), is its group, even where the codes are also
    /// one code; anything else is read as [`DiagnosisNames::resolve`] reads it.
    pub fn resolve_lay(&self, typed: &str) -> Option<ResolvedDiagnosis<'_>> {
        match self.lay.find(typed) {
            Some(group) => Some(ResolvedDiagnosis::lay(group)),
            None => self.resolve(typed),
        }
    }

    pub fn name_of(&self, code: &IcdCode) -> Option<&NamedDiagnosis> {
        self.categories.iter().find(|c| c.code == code.category())
    }
}

impl<'a> ResolvedDiagnosis<'a> {
    fn code(code: IcdCode) -> Self {
        Self {
            diagnosis: Diagnosis::Code(code),
            group: None,
        }
    }

    fn lay(group: &'a LayGroup) -> Self {
        Self {
            diagnosis: group.diagnosis(),
            group: Some(group),
        }
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
        assert!(names.lay.groups().len() > 30);
        // (typed, as a clinician's, as a patient's)
        let cases = [
            ("DC50.9", "C50.9", "C50.9"),
            ("c50", "C50", "C50"),
            ("brystkræft", "C50", "C50"),
            ("C34 Lungekræft", "C34", "C34"),
            ("Lungekræft", "C33-C34", "C33-C34"),
            ("C33-C34", "C33-C34", "C33-C34"),
            ("C18 - C20, C50", "C18-C20 C50", "C18-C20 C50"),
            ("C67", "C67", "C67"),
            ("Kræft i nyrebækkenet", "C65-C66 C68", "C65-C66 C68"),
            ("Kaposis sarkom", "C46", "C46"),
            ("Malignant neoplasm of gum", "C03", "C03"),
            ("*", "*", "*"),
        ];
        for (typed, clinical, lay) in cases {
            let shown = |resolved: Option<super::ResolvedDiagnosis<'_>>| {
                resolved.map(|r| r.diagnosis.to_string())
            };
            assert_eq!(
                shown(names.resolve(typed)).as_deref(),
                Some(clinical),
                "case {typed:?}, as a clinician's"
            );
            assert_eq!(
                shown(names.resolve_lay(typed)).as_deref(),
                Some(lay),
                "case {typed:?}, as a patient's"
            );
        }
        // A code that is also a lay group's codes: one code for a clinician, the group for a
        // patient (who would then reach a C67.9 trial too).
        let clinical = names.resolve("C67").map(|r| r.group.is_some());
        let lay = names.resolve_lay("C67").map(|r| r.group.is_some());
        assert_eq!((clinical, lay), (Some(false), Some(true)));
        assert!(names.resolve("not a diagnosis").is_none());
        assert!(names.resolve_lay("not a diagnosis").is_none());
    }
}
