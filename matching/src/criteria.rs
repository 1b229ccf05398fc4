//! What the engine is given to match against: protocols' eligibility criteria with their sites,
//! the departments, and the referral pathways. All values are validated types.

use crate::geo::Region;
use crate::icd::IcdPatternList;
use crate::vocab::{Biomarker, RecruitmentStatus, Setting, SexEligibility, SiteStatus, Stage};
use serde::Serialize;

/// The eligibility rules of one protocol: the interchange format's `eligibility` object less
/// its free texts. The one shape of these rules in the whole service: the registry's domain
/// records, its database rows, its catalogue and this engine all hold this type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Eligibility {
    /// Inclusive bounds in whole years; `None` is no bound.
    pub age_min: Option<u8>,
    pub age_max: Option<u8>,
    pub sex: SexEligibility,
    /// Included diagnoses; empty means any diagnosis.
    pub diagnoses: IcdPatternList,
    pub exclude_diagnoses: IcdPatternList,
    /// Empty means no restriction.
    pub settings: Vec<Setting>,
    /// Empty means no restriction.
    pub stages: Vec<Stage>,
    /// Inclusive bounds on earlier lines of treatment; `None` is no bound.
    pub prior_lines_min: Option<u8>,
    pub prior_lines_max: Option<u8>,
    pub ecog_max: Option<u8>,
    /// The patient must have each of these markers with this status.
    pub biomarkers_required: Vec<Biomarker>,
    /// A patient with one of these markers with this status is excluded.
    pub biomarkers_excluded: Vec<Biomarker>,
}

impl Default for Eligibility {
    /// No restriction at all: any age, sex and diagnosis.
    fn default() -> Self {
        Self {
            age_min: None,
            age_max: None,
            sex: SexEligibility::All,
            diagnoses: IcdPatternList::default(),
            exclude_diagnoses: IcdPatternList::default(),
            settings: Vec::new(),
            stages: Vec::new(),
            prior_lines_min: None,
            prior_lines_max: None,
            ecog_max: None,
            biomarkers_required: Vec::new(),
            biomarkers_excluded: Vec::new(),
        }
    }
}

impl Eligibility {
    /// Open to patients under 18 (no lower bound counts as open to children).
    pub fn admits_children(&self) -> bool {
        self.age_min.is_none_or(|min| min < 18)
    }
    /// Open to patients of 18 or more.
    pub fn admits_adults(&self) -> bool {
        self.age_max.is_none_or(|max| max >= 18)
    }
    /// Admits a patient of this age.
    pub fn admits_age(&self, age: u8) -> bool {
        self.age_min.is_none_or(|min| age >= min) && self.age_max.is_none_or(|max| age <= max)
    }
}

/// One protocol as the engine is given it: its eligibility rules, its recruitment status and
/// its sites.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProtocolCriteria {
    /// The caller's id for the protocol (e.g. its database id), handed back in results.
    pub key: usize,
    pub acronym: String,
    pub recruitment_status: RecruitmentStatus,
    pub eligibility: Eligibility,
    /// Each site as an index into the snapshot's sites, with the protocol's status there. An
    /// index with no site behind it is ignored.
    pub sites: Vec<(usize, SiteStatus)>,
}

impl ProtocolCriteria {
    /// A protocol open to everyone: `open`, any age, sex and diagnosis, no sites yet.
    pub fn open(key: usize, acronym: impl Into<String>) -> Self {
        Self {
            key,
            acronym: acronym.into(),
            recruitment_status: RecruitmentStatus::Open,
            eligibility: Eligibility::default(),
            sites: Vec::new(),
        }
    }
}

/// A department where protocols can be open, with its own coordinates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchSite {
    /// The site code, e.g. `AUH-ONK`.
    pub code: String,
    pub region: Region,
    pub lat: f64,
    pub lon: f64,
}

/// A referral route (pathways.csv): a unit or conference a patient can be referred to when
/// the rules below hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pathway {
    /// E.g. `NMBK`.
    pub code: String,
    /// E.g. `paediatric_phase12`, `national_mdt`, `phase1_unit`, `experimental_panel`.
    pub kind: String,
    pub name_da: String,
    pub name_en: String,
    /// The department to refer to, as an index into the snapshot's sites.
    pub site: Option<usize>,
    /// Inclusive age bounds; `None` is no bound.
    pub age_min: Option<u8>,
    pub age_max: Option<u8>,
    /// When not empty, the profile's setting must be one of these; an unknown setting is not.
    pub settings: Vec<Setting>,
    /// When not empty, one of these must cover the diagnosis.
    pub icd10: IcdPatternList,
    /// Applies only when established options are known to be exhausted.
    pub requires_exhausted: bool,
    /// Applies only when no protocol in the results is `eligible`.
    pub only_without_eligible: bool,
}
