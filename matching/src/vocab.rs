//! Controlled vocabularies of the interchange format (phase, statuses, sex, setting, stage,
//! initiator, biomarkers): their exact serde strings and their Danish and English labels.

mod biomarker;

pub use biomarker::{Biomarker, InvalidBiomarker, MAX_MARKER_LEN};

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Text that is none of a vocabulary's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// What the vocabulary is called in messages, e.g. "phase".
    pub kind: &'static str,
    pub input: String,
    /// Every accepted string, in the vocabulary's order.
    pub allowed: &'static [&'static str],
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} \"{}\"; allowed: {}",
            self.kind,
            self.input,
            self.allowed.join(", ")
        )
    }
}

impl std::error::Error for UnknownValue {}

fn same_text(allowed: &str, input: &str) -> bool {
    allowed == input
}

fn same_text_ignoring_case(allowed: &str, input: &str) -> bool {
    allowed.eq_ignore_ascii_case(input)
}

/// Declares a vocabulary enum from one table of variant, serde string and labels, so the
/// string, the parser, `ALL` and the labels cannot drift apart.
macro_rules! vocabulary {
    (
        $(#[$enum_attribute:meta])*
        enum $name:ident (kind $kind:literal, compare $compare:path) {
            $($variant:ident = $text:literal, da $da:literal, en $en:literal;)+
        }
    ) => {
        $(#[$enum_attribute])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[doc = $en] #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in the order forms and filters list them.
            pub const ALL: [Self; $name::ALLOWED.len()] = [$(Self::$variant),+];

            /// The serde strings of [`Self::ALL`], in the same order.
            pub const ALLOWED: &'static [&'static str] = &[$($text),+];

            /// The serde string, as in the interchange format.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            /// The Danish label shown to patients and clinicians.
            pub const fn label_da(self) -> &'static str {
                match self {
                    $(Self::$variant => $da,)+
                }
            }

            /// The English label.
            pub const fn label_en(self) -> &'static str {
                match self {
                    $(Self::$variant => $en,)+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;

            fn from_str(input: &str) -> Result<Self, UnknownValue> {
                Self::ALL
                    .into_iter()
                    .find(|value| $compare(value.as_str(), input))
                    .ok_or_else(|| UnknownValue {
                        kind: $kind,
                        input: input.to_owned(),
                        allowed: Self::ALLOWED,
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// Trial phase, as in ClinicalTrials.gov.
    enum Phase (kind "phase", compare same_text) {
        NotApplicable = "n-a", da "Ikke relevant (ikke lægemiddelforsøg)", en "Not applicable (not a drug trial)";
        EarlyPhase1 = "early-phase-1", da "Tidlig fase 1 (fase 0)", en "Early phase 1 (phase 0)";
        Phase1 = "phase-1", da "Fase 1", en "Phase 1";
        Phase1Phase2 = "phase-1-phase-2", da "Fase 1/2", en "Phase 1/2";
        Phase2 = "phase-2", da "Fase 2", en "Phase 2";
        Phase2Phase3 = "phase-2-phase-3", da "Fase 2/3", en "Phase 2/3";
        Phase3 = "phase-3", da "Fase 3", en "Phase 3";
        Phase4 = "phase-4", da "Fase 4", en "Phase 4";
    }
}

impl Phase {
    /// Early-phase trials are the ones phase 1 units and the paediatric phase 1/2 unit offer.
    pub const fn is_early(self) -> bool {
        matches!(self, Self::EarlyPhase1 | Self::Phase1 | Self::Phase1Phase2)
    }
}

vocabulary! {
    /// Recruitment status of a whole trial (HL7 FHIR ResearchStudy), independent of review.
    enum RecruitmentStatus (kind "recruitment status", compare same_text) {
        Planned = "planned", da "Planlagt", en "Planned";
        Open = "open", da "Åben for inklusion", en "Open for recruitment";
        TemporarilyClosed = "temporarily-closed", da "Midlertidigt lukket", en "Temporarily closed";
        Closed = "closed", da "Lukket for inklusion", en "Closed for recruitment";
        Completed = "completed", da "Afsluttet", en "Completed";
        Withdrawn = "withdrawn", da "Trukket tilbage", en "Withdrawn";
    }
}

vocabulary! {
    /// Recruitment status of a trial at one department.
    enum SiteStatus (kind "site status", compare same_text) {
        Planned = "planned", da "Planlagt", en "Planned";
        Open = "open", da "Åben for inklusion", en "Open for recruitment";
        TemporarilyClosed = "temporarily-closed", da "Midlertidigt lukket", en "Temporarily closed";
        Closed = "closed", da "Lukket for inklusion", en "Closed for recruitment";
    }
}

vocabulary! {
    /// A patient's sex.
    enum Sex (kind "sex", compare same_text) {
        Female = "female", da "Kvinde", en "Female";
        Male = "male", da "Mand", en "Male";
    }
}

vocabulary! {
    /// Which sexes a protocol admits.
    enum SexEligibility (kind "sex", compare same_text) {
        All = "all", da "Alle køn", en "All sexes";
        Female = "female", da "Kun kvinder", en "Women only";
        Male = "male", da "Kun mænd", en "Men only";
    }
}

impl SexEligibility {
    pub const fn admits(self, sex: Sex) -> bool {
        matches!(
            (self, sex),
            (Self::All, _) | (Self::Female, Sex::Female) | (Self::Male, Sex::Male)
        )
    }
}

vocabulary! {
    /// Where in the course of the disease a treatment is given.
    enum Setting (kind "setting", compare same_text) {
        NewlyDiagnosed = "newly-diagnosed", da "Nydiagnosticeret", en "Newly diagnosed";
        Neoadjuvant = "neoadjuvant", da "Neoadjuverende (før operation)", en "Neoadjuvant (before surgery)";
        Adjuvant = "adjuvant", da "Adjuverende (efter operation)", en "Adjuvant (after surgery)";
        LocallyAdvanced = "locally-advanced", da "Lokalt fremskreden", en "Locally advanced";
        Metastatic = "metastatic", da "Metastatisk (spredning)", en "Metastatic (spread)";
        Relapsed = "relapsed", da "Tilbagefald (recidiv)", en "Relapsed";
        Refractory = "refractory", da "Resistent (refraktær)", en "Refractory (resistant to treatment)";
        Maintenance = "maintenance", da "Vedligeholdelse", en "Maintenance";
    }
}

vocabulary! {
    /// Overall disease stage. Lower case is accepted when parsing because people type `iv`.
    enum Stage (kind "stage", compare same_text_ignoring_case) {
        I = "I", da "Stadie I", en "Stage I";
        II = "II", da "Stadie II", en "Stage II";
        III = "III", da "Stadie III", en "Stage III";
        IV = "IV", da "Stadie IV", en "Stage IV";
    }
}

vocabulary! {
    /// Who initiated the trial.
    enum Initiator (kind "initiator", compare same_text) {
        Investigator = "investigator", da "Forskerinitieret", en "Investigator-initiated";
        Industry = "industry", da "Industrisponsoreret", en "Industry-sponsored";
    }
}

vocabulary! {
    /// Result of a biomarker test.
    enum BiomarkerStatus (kind "biomarker status", compare same_text) {
        Positive = "positive", da "Positiv", en "Positive";
        Negative = "negative", da "Negativ", en "Negative";
    }
}

#[cfg(test)]
mod tests;
