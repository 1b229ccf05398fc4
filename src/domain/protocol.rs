//! The validated protocol record: what the registry stores and the rest of the app reads.

use chrono::NaiveDate;
use dccc_matching::{
    Biomarker, IcdPatternList, Initiator, Phase, RecruitmentStatus, Setting, SexEligibility,
    SiteStatus, Stage,
};

use super::identifiers::{Email, EuCtNumber, EudractNumber, NctId};

/// A person to contact about a trial or about a trial at one department.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<Email>,
    pub phone: Option<String>,
}

impl Contact {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none() && self.phone.is_none()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Identifiers {
    pub nct: Option<NctId>,
    pub eudract: Option<EudractNumber>,
    pub eu_ct: Option<EuCtNumber>,
}

/// Who may take part, as structured criteria (for matching) and as text (for people).
#[derive(Debug, Clone, PartialEq)]
pub struct Eligibility {
    pub age_min: Option<u8>,
    pub age_max: Option<u8>,
    pub sex: SexEligibility,
    pub diagnoses: IcdPatternList,
    pub exclude_diagnoses: IcdPatternList,
    pub settings: Vec<Setting>,
    pub stages: Vec<Stage>,
    pub prior_lines_min: Option<u8>,
    pub prior_lines_max: Option<u8>,
    pub ecog_max: Option<u8>,
    pub biomarkers_required: Vec<Biomarker>,
    pub biomarkers_excluded: Vec<Biomarker>,
    pub criteria_text_da: Option<String>,
    pub criteria_text_en: Option<String>,
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
    pub fn admits_age(&self, age: u8) -> bool {
        self.age_min.is_none_or(|min| age >= min) && self.age_max.is_none_or(|max| age <= max)
    }
}

/// One department where the trial runs, with its own status and contact.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtocolSite {
    pub site: String,
    pub status: SiteStatus,
    pub contact: Option<Contact>,
}

/// A registry record of one trial.
#[derive(Debug, Clone, PartialEq)]
pub struct Protocol {
    pub acronym: String,
    pub title_da: Option<String>,
    pub title_en: Option<String>,
    pub summary_da: Option<String>,
    pub summary_en: Option<String>,
    pub dmcg: String,
    pub other_dmcgs: Vec<String>,
    pub phase: Phase,
    pub recruitment_status: RecruitmentStatus,
    pub evidence_generating: bool,
    pub initiator: Option<Initiator>,
    pub sponsor: Option<String>,
    pub identifiers: Identifiers,
    pub contact: Contact,
    pub opened_on: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
    pub target_enrolment: Option<u32>,
    pub interventions: Vec<String>,
    pub keywords: Vec<String>,
    pub eligibility: Eligibility,
    pub sites: Vec<ProtocolSite>,
    /// Fictional record loaded as demo data; every page showing one says so.
    pub demo: bool,
}

impl Protocol {
    pub fn slug(&self) -> String {
        super::slugify(&self.acronym)
    }
    /// The title in the wanted language, falling back to the other one.
    pub fn title(&self, english: bool) -> &str {
        let (first, second) = if english {
            (&self.title_en, &self.title_da)
        } else {
            (&self.title_da, &self.title_en)
        };
        first
            .as_deref()
            .or(second.as_deref())
            .unwrap_or(&self.acronym)
    }
}
