//! The validated protocol record: what the registry stores and the rest of the app reads.

use chrono::NaiveDate;
pub use dccc_matching::Eligibility;
use dccc_matching::{Initiator, Phase, RecruitmentStatus, SiteStatus};

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
    /// Who may take part, as structured criteria (for matching).
    pub eligibility: Eligibility,
    /// Who may take part, as text (for people), in Danish and English.
    pub criteria_text_da: Option<String>,
    pub criteria_text_en: Option<String>,
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
