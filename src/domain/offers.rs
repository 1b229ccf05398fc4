//! The offer register's vocabulary and rules (domain.md, contract.md §4): one MDT decision for
//! one patient, read from a form or a CSV row into an [`OfferRecord`] that is valid by
//! construction. Nothing here identifies a person: an age becomes an age band and a postcode
//! becomes a region before a record exists.

use std::collections::HashMap;

use chrono::NaiveDate;
use dccc_matching::{Region, Sex};
use serde::Serialize;

use super::cpr::looks_like_cpr;
use super::messages::{quoted, Message};
use super::validate::unknown_dmcg;
use super::{msg, FieldError};

/// Declares a small vocabulary: its stored strings and Danish and English labels.
macro_rules! offer_vocabulary {
    ($(#[$attr:meta])* $name:ident { $($variant:ident = $text:literal, $da:literal, $en:literal;)+ }) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant,)+ }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text,)+ }
            }
            pub const fn label_da(self) -> &'static str {
                match self { $(Self::$variant => $da,)+ }
            }
            pub const fn label_en(self) -> &'static str {
                match self { $(Self::$variant => $en,)+ }
            }
            pub fn label(self, english: bool) -> &'static str {
                if english { self.label_en() } else { self.label_da() }
            }
            /// The value whose stored string is `text` (trimmed, any case).
            pub fn parse(text: &str) -> Option<Self> {
                let text = text.trim();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(text))
            }
            fn allowed() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

/// An offer still awaiting its outcome this many days after the decision is due a follow-up.
pub const FOLLOW_UP_DAYS: i64 = 30;

/// The date before which an offer still awaiting its outcome is overdue, seen on `today`.
pub fn follow_up_date(today: chrono::NaiveDate) -> chrono::NaiveDate {
    today - chrono::Duration::days(FOLLOW_UP_DAYS)
}

offer_vocabulary! {
    /// The age bands the register keeps instead of an age (contract.md §4).
    AgeBand {
        Child = "0-17", "0–17 år", "0–17 years";
        Young = "18-39", "18–39 år", "18–39 years";
        Middle = "40-59", "40–59 år", "40–59 years";
        Sixties = "60-69", "60–69 år", "60–69 years";
        Seventies = "70-79", "70–79 år", "70–79 years";
        Eighty = "80+", "80 år og derover", "80 years and over";
    }
}

impl AgeBand {
    pub fn from_age(age: u16) -> Self {
        match age {
            0..=17 => Self::Child,
            18..=39 => Self::Young,
            40..=59 => Self::Middle,
            60..=69 => Self::Sixties,
            70..=79 => Self::Seventies,
            _ => Self::Eighty,
        }
    }
}

offer_vocabulary! {
    /// The level of the MDT conference that made the decision.
    MdtLevel {
        Local = "local", "Lokal", "Local";
        Regional = "regional", "Regional", "Regional";
        National = "national", "National", "National";
    }
}

offer_vocabulary! {
    /// Why a patient was not offered a trial (domain.md).
    NotOfferedReason {
        NoRelevantProtocol = "no_relevant_protocol", "Ingen relevant protokol", "No relevant protocol";
        NotEligible = "not_eligible", "Opfylder ikke kriterierne", "Not eligible";
        PatientCondition = "patient_condition", "Patientens tilstand", "Patient's condition";
        PatientDeclinedConsideration = "patient_declined_consideration", "Patienten ønskede ikke at overveje forsøg", "Patient declined consideration";
        Capacity = "capacity", "Manglende kapacitet", "Capacity";
        Other = "other", "Anden årsag", "Other";
    }
}

offer_vocabulary! {
    /// What became of an offer.
    OfferOutcome {
        Pending = "pending", "Afventer", "Pending";
        Included = "included", "Inkluderet", "Included";
        Declined = "declined", "Patienten takkede nej", "Declined";
        IneligibleAtScreening = "ineligible_at_screening", "Ikke egnet ved screening", "Ineligible at screening";
    }
}

/// The decision itself: an offer of one protocol, or the reason there was none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Decision {
    Offered {
        protocol_slug: String,
        protocol_acronym: String,
        outcome: OfferOutcome,
        outcome_date: Option<NaiveDate>,
    },
    NotOffered {
        reason: NotOfferedReason,
        /// Free text, for `other`.
        text: Option<String>,
    },
}

/// One valid MDT decision, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferRecord {
    pub decision_date: NaiveDate,
    pub site_code: String,
    pub dmcg: String,
    pub patient_ref: String,
    pub age_band: AgeBand,
    pub sex: Sex,
    pub residence_region: Region,
    pub mdt_level: MdtLevel,
    pub decision: Decision,
}

impl OfferRecord {
    pub fn offered(&self) -> bool {
        matches!(self.decision, Decision::Offered { .. })
    }
    /// The record as flat fields, for the history's field-by-field diff.
    pub fn to_json(&self) -> serde_json::Value {
        let (protocol, outcome, outcome_date, reason, text) = match &self.decision {
            Decision::Offered {
                protocol_acronym,
                outcome,
                outcome_date,
                ..
            } => (
                Some(protocol_acronym.clone()),
                Some(outcome.as_str()),
                outcome_date.map(|d| d.to_string()),
                None,
                None,
            ),
            Decision::NotOffered { reason, text } => {
                (None, None, None, Some(reason.as_str()), text.clone())
            }
        };
        serde_json::json!({
            "decision_date": self.decision_date.to_string(),
            "site": self.site_code,
            "dmcg": self.dmcg,
            "patient_ref": self.patient_ref,
            "age_band": self.age_band.as_str(),
            "sex": self.sex.as_str(),
            "residence_region": self.residence_region.code(),
            "mdt_level": self.mdt_level.as_str(),
            "offered": if self.offered() { "yes" } else { "no" },
            "protocol": protocol,
            "not_offered_reason": reason,
            "reason_text": text,
            "outcome": outcome,
            "outcome_date": outcome_date,
        })
    }
}

/// A decision as typed: every field a string, named as the CSV columns (contract.md §4).
/// `residence_region` is the form's alternative to a postcode when editing a stored entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfferInput {
    pub decision_date: String,
    pub site: String,
    pub dmcg: String,
    pub patient_ref: String,
    pub age: String,
    pub sex: String,
    pub residence_postcode: String,
    pub residence_region: String,
    pub mdt_level: String,
    pub offered: String,
    pub protocol: String,
    pub not_offered_reason: String,
    pub reason_text: String,
    pub outcome: String,
    pub outcome_date: String,
}

/// A published protocol an offer can name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferableProtocol {
    pub slug: String,
    pub acronym: String,
}

/// The reference data a decision is checked against. The app answers from its snapshot of
/// the registry (`crate::services::offers::CatalogueReference`), so nothing is copied per request.
pub trait OfferReference {
    /// Whether a department with this code exists.
    fn has_site(&self, code: &str) -> bool;
    /// The DMCG's acronym as the registry spells it, found in any case.
    fn dmcg(&self, acronym: &str) -> Option<String>;
    /// The region of a Danish postcode.
    fn postcode_region(&self, postcode: &str) -> Option<Region>;
    /// A published protocol by acronym (any case) or slug.
    fn protocol(&self, acronym_or_slug: &str) -> Option<OfferableProtocol>;
    /// Decisions cannot be dated after this day.
    fn today(&self) -> NaiveDate;
}

/// Reference data in plain maps (tests, small tools).
#[derive(Debug, Clone, Default)]
pub struct OfferTables {
    pub sites: HashMap<String, Region>,
    pub dmcgs: Vec<String>,
    pub postcodes: HashMap<String, Region>,
    /// By lower-case acronym and by slug.
    pub protocols: HashMap<String, OfferableProtocol>,
    pub today: NaiveDate,
}

impl OfferTables {
    pub fn add_protocol(&mut self, slug: &str, acronym: &str) {
        let protocol = OfferableProtocol {
            slug: slug.to_owned(),
            acronym: acronym.to_owned(),
        };
        self.protocols
            .insert(acronym.to_lowercase(), protocol.clone());
        self.protocols.insert(slug.to_lowercase(), protocol);
    }
}

impl OfferReference for OfferTables {
    fn has_site(&self, code: &str) -> bool {
        self.sites.contains_key(code)
    }
    fn dmcg(&self, acronym: &str) -> Option<String> {
        self.dmcgs
            .iter()
            .find(|d| d.eq_ignore_ascii_case(acronym))
            .cloned()
    }
    fn postcode_region(&self, postcode: &str) -> Option<Region> {
        self.postcodes.get(postcode).copied()
    }
    fn protocol(&self, acronym_or_slug: &str) -> Option<OfferableProtocol> {
        self.protocols.get(&acronym_or_slug.to_lowercase()).cloned()
    }
    fn today(&self) -> NaiveDate {
        self.today
    }
}

/// The longest patient reference accepted.
pub const PATIENT_REF_MAX: usize = 40;
const TEXT_MAX: usize = 500;

fn date(field: &str, raw: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let raw = raw.trim();
    let parsed = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%d-%m-%Y"))
        .or_else(|_| NaiveDate::parse_from_str(raw, "%d.%m.%Y"));
    match parsed {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(field, msg::DATE).with("input", quoted(raw)));
            None
        }
    }
}

/// A free text of at most [`TEXT_MAX`] characters (CPR numbers are refused before this).
fn free_text(field: &str, raw: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let text = raw.trim();
    if text.is_empty() {
        return None;
    }
    if text.chars().count() > TEXT_MAX {
        errors.push(FieldError::new(field, msg::TOO_LONG).with("max", TEXT_MAX));
    }
    Some(text.to_owned())
}

/// Reads a yes/no answer in English or Danish.
fn yes_no(raw: &str) -> Option<bool> {
    match raw.trim().to_lowercase().as_str() {
        "yes" | "ja" | "true" | "1" | "y" | "j" => Some(true),
        "no" | "nej" | "false" | "0" | "n" => Some(false),
        _ => None,
    }
}

impl OfferInput {
    /// Reads every field by its column name, from a form or a CSV row.
    pub fn from_fields(mut get: impl FnMut(&str) -> String) -> Self {
        Self {
            decision_date: get("decision_date"),
            site: get("site"),
            dmcg: get("dmcg"),
            patient_ref: get("patient_ref"),
            age: get("age"),
            sex: get("sex"),
            residence_postcode: get("residence_postcode"),
            residence_region: get("residence_region"),
            mdt_level: get("mdt_level"),
            offered: get("offered"),
            protocol: get("protocol"),
            not_offered_reason: get("not_offered_reason"),
            reason_text: get("reason_text"),
            outcome: get("outcome"),
            outcome_date: get("outcome_date"),
        }
    }

    /// Every field with its column name.
    pub fn fields(&self) -> [(&'static str, &str); 15] {
        [
            ("decision_date", &self.decision_date),
            ("site", &self.site),
            ("dmcg", &self.dmcg),
            ("patient_ref", &self.patient_ref),
            ("age", &self.age),
            ("sex", &self.sex),
            ("residence_postcode", &self.residence_postcode),
            ("residence_region", &self.residence_region),
            ("mdt_level", &self.mdt_level),
            ("offered", &self.offered),
            ("protocol", &self.protocol),
            ("not_offered_reason", &self.not_offered_reason),
            ("reason_text", &self.reason_text),
            ("outcome", &self.outcome),
            ("outcome_date", &self.outcome_date),
        ]
    }

    /// The names of the fields that look like a CPR number.
    pub fn cpr_fields(&self) -> Vec<&'static str> {
        self.fields()
            .into_iter()
            .filter(|(_, value)| looks_like_cpr(value))
            .map(|(name, _)| name)
            .collect()
    }

    /// Empties a field by its column name (a refused value is never shown again).
    pub fn clear(&mut self, name: &str) {
        let field = match name {
            "decision_date" => &mut self.decision_date,
            "site" => &mut self.site,
            "dmcg" => &mut self.dmcg,
            "patient_ref" => &mut self.patient_ref,
            "age" => &mut self.age,
            "sex" => &mut self.sex,
            "residence_postcode" => &mut self.residence_postcode,
            "residence_region" => &mut self.residence_region,
            "mdt_level" => &mut self.mdt_level,
            "offered" => &mut self.offered,
            "protocol" => &mut self.protocol,
            "not_offered_reason" => &mut self.not_offered_reason,
            "reason_text" => &mut self.reason_text,
            "outcome" => &mut self.outcome,
            "outcome_date" => &mut self.outcome_date,
            _ => return,
        };
        field.clear();
    }

    /// Checks every field and returns the record, or every problem found (field names as in
    /// the CSV header). A field that looks like a CPR number is refused first, and nothing
    /// else is said about it, so no message quotes it.
    pub fn validate(
        &self,
        reference: &impl OfferReference,
    ) -> Result<OfferRecord, Vec<FieldError>> {
        let refused = self.cpr_fields();
        if refused.is_empty() {
            return self.check(reference);
        }
        let mut rest = self.clone();
        for name in &refused {
            rest.clear(name);
        }
        let mut errors: Vec<FieldError> = refused
            .iter()
            .map(|name| FieldError::new(*name, msg::CPR_REFUSED))
            .collect();
        if let Err(others) = rest.check(reference) {
            errors.extend(
                others
                    .into_iter()
                    .filter(|e| !refused.contains(&e.field.as_str())),
            );
        }
        Err(errors)
    }

    fn check(&self, reference: &impl OfferReference) -> Result<OfferRecord, Vec<FieldError>> {
        let mut errors = Vec::new();
        let decision_date = date("decision_date", &self.decision_date, &mut errors);
        if let Some(d) = decision_date {
            if d > reference.today() {
                errors.push(FieldError::new("decision_date", msg::OFFER_DATE_IN_FUTURE));
            } else if d < NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(d) {
                errors.push(FieldError::new(
                    "decision_date",
                    msg::OFFER_DATE_BEFORE_2000,
                ));
            }
        }
        let site = self.site.trim().to_uppercase();
        if !reference.has_site(&site) {
            errors.push(
                FieldError::new("site", msg::UNKNOWN_SITE).with("input", quoted(self.site.trim())),
            );
        }
        let dmcg = reference.dmcg(self.dmcg.trim());
        if dmcg.is_none() {
            errors.push(FieldError::new("dmcg", unknown_dmcg(self.dmcg.trim())));
        }
        let patient_ref = self.patient_ref.trim().to_owned();
        if patient_ref.is_empty() {
            errors.push(FieldError::new(
                "patient_ref",
                msg::OFFER_PATIENT_REF_REQUIRED,
            ));
        } else if patient_ref.chars().count() > PATIENT_REF_MAX {
            errors.push(FieldError::new("patient_ref", msg::TOO_LONG).with("max", PATIENT_REF_MAX));
        } else if super::has_control_characters(&patient_ref, false) {
            errors.push(FieldError::new("patient_ref", msg::CONTROL_CHARACTERS));
        }
        let age_band = match self.age.trim() {
            "" => {
                errors.push(FieldError::new("age", msg::OFFER_AGE_REQUIRED));
                None
            }
            raw => match raw.parse::<u16>() {
                Ok(age) if age <= 125 => Some(AgeBand::from_age(age)),
                Ok(_) => {
                    errors.push(FieldError::new("age", msg::OFFER_AGE_IMPOSSIBLE).with("age", raw));
                    None
                }
                Err(_) => AgeBand::parse(&raw.replace('–', "-")).or_else(|| {
                    errors.push(
                        FieldError::new("age", msg::OFFER_AGE_UNREADABLE)
                            .with("input", quoted(raw))
                            .with("allowed", AgeBand::allowed()),
                    );
                    None
                }),
            },
        };
        let sex = match self.sex.trim().to_lowercase().as_str() {
            "female" | "kvinde" | "f" | "k" => Some(Sex::Female),
            "male" | "mand" | "m" => Some(Sex::Male),
            other => {
                errors.push(FieldError::new("sex", msg::OFFER_SEX).with("input", quoted(other)));
                None
            }
        };
        let residence_region = self.residence(reference, &mut errors);
        let mdt_level = MdtLevel::parse(&self.mdt_level).or_else(|| {
            errors.push(
                FieldError::new("mdt_level", msg::OFFER_MDT_LEVEL)
                    .with("input", quoted(self.mdt_level.trim()))
                    .with("allowed", MdtLevel::allowed()),
            );
            None
        });
        let decision = self.decision(reference, decision_date, &mut errors);
        match (
            decision_date,
            dmcg,
            age_band,
            sex,
            residence_region,
            mdt_level,
            decision,
        ) {
            (
                Some(decision_date),
                Some(dmcg),
                Some(age_band),
                Some(sex),
                Some(region),
                Some(mdt_level),
                Some(decision),
            ) if errors.is_empty() => Ok(OfferRecord {
                decision_date,
                site_code: site,
                dmcg,
                patient_ref,
                age_band,
                sex,
                residence_region: region,
                mdt_level,
                decision,
            }),
            _ => Err(errors),
        }
    }

    fn residence(
        &self,
        reference: &impl OfferReference,
        errors: &mut Vec<FieldError>,
    ) -> Option<Region> {
        let postcode = self.residence_postcode.trim();
        if !postcode.is_empty() {
            return reference.postcode_region(postcode).or_else(|| {
                errors.push(
                    FieldError::new("residence_postcode", msg::UNKNOWN_POSTCODE)
                        .with("input", quoted(postcode)),
                );
                None
            });
        }
        let region = self.residence_region.trim();
        if region.is_empty() {
            errors.push(FieldError::new(
                "residence_postcode",
                msg::OFFER_POSTCODE_REQUIRED,
            ));
            return None;
        }
        region
            .parse::<i32>()
            .ok()
            .and_then(Region::from_code)
            .or_else(|| {
                errors.push(
                    FieldError::new("residence_region", msg::OFFER_REGION)
                        .with("input", quoted(region)),
                );
                None
            })
    }

    fn decision(
        &self,
        reference: &impl OfferReference,
        decision_date: Option<NaiveDate>,
        errors: &mut Vec<FieldError>,
    ) -> Option<Decision> {
        let before = errors.len();
        let Some(offered) = yes_no(&self.offered) else {
            errors.push(
                FieldError::new("offered", msg::OFFER_YES_NO)
                    .with("input", quoted(self.offered.trim())),
            );
            return None;
        };
        let protocol = self.protocol.trim();
        let reason = self.not_offered_reason.trim();
        let outcome = self.outcome.trim();
        let outcome_date = self.outcome_date.trim();
        if offered {
            if !reason.is_empty() {
                errors.push(FieldError::new(
                    "not_offered_reason",
                    msg::OFFER_REASON_WITH_OFFER,
                ));
            }
            let found = if protocol.is_empty() {
                errors.push(FieldError::new("protocol", msg::OFFER_PROTOCOL_REQUIRED));
                None
            } else {
                reference.protocol(protocol).or_else(|| {
                    errors.push(
                        FieldError::new("protocol", msg::OFFER_UNKNOWN_PROTOCOL)
                            .with("input", quoted(protocol)),
                    );
                    None
                })
            };
            let outcome = if outcome.is_empty() {
                Some(OfferOutcome::Pending)
            } else {
                OfferOutcome::parse(outcome).or_else(|| {
                    errors.push(
                        FieldError::new("outcome", msg::OFFER_OUTCOME)
                            .with("input", quoted(outcome))
                            .with("allowed", OfferOutcome::allowed()),
                    );
                    None
                })
            };
            let outcome_date = if outcome_date.is_empty() {
                None
            } else {
                date("outcome_date", outcome_date, errors)
            };
            if let (Some(d), Some(decided)) = (outcome_date, decision_date) {
                if d < decided {
                    errors.push(FieldError::new(
                        "outcome_date",
                        msg::OFFER_OUTCOME_BEFORE_DECISION,
                    ));
                } else if d > reference.today() {
                    errors.push(FieldError::new(
                        "outcome_date",
                        msg::OFFER_OUTCOME_IN_FUTURE,
                    ));
                }
            }
            if outcome_date.is_some() && outcome == Some(OfferOutcome::Pending) {
                errors.push(FieldError::new(
                    "outcome_date",
                    msg::OFFER_PENDING_WITHOUT_DATE,
                ));
            }
            match (found, outcome) {
                (Some(p), Some(outcome)) if errors.len() == before => Some(Decision::Offered {
                    protocol_slug: p.slug,
                    protocol_acronym: p.acronym,
                    outcome,
                    outcome_date,
                }),
                _ => None,
            }
        } else {
            if !protocol.is_empty() {
                errors.push(FieldError::new(
                    "protocol",
                    msg::OFFER_PROTOCOL_WITHOUT_OFFER,
                ));
            }
            if !outcome.is_empty() || !outcome_date.is_empty() {
                errors.push(FieldError::new("outcome", msg::OFFER_OUTCOME_WITHOUT_OFFER));
            }
            let reason = NotOfferedReason::parse(reason).or_else(|| {
                errors.push(FieldError::new(
                    "not_offered_reason",
                    if reason.is_empty() {
                        Message::new(msg::OFFER_REASON_REQUIRED)
                    } else {
                        Message::new(msg::OFFER_REASON)
                            .with("input", quoted(reason))
                            .with("allowed", NotOfferedReason::allowed())
                    },
                ));
                None
            });
            let text = free_text("reason_text", &self.reason_text, errors);
            match reason {
                Some(reason) if errors.len() == before => {
                    Some(Decision::NotOffered { reason, text })
                }
                _ => None,
            }
        }
    }
}

/// Reads an annulment reason: required, free of CPR numbers.
pub fn annul_reason(raw: &str) -> Result<String, Message> {
    if looks_like_cpr(raw) {
        return Err(Message::new(msg::CPR_REFUSED));
    }
    let mut errors = Vec::new();
    match free_text("reason", raw, &mut errors) {
        None => Err(Message::new(msg::OFFER_ANNUL_REASON_REQUIRED)),
        Some(_) if !errors.is_empty() => Err(errors.remove(0).message),
        Some(text) => Ok(text),
    }
}

#[cfg(test)]
#[path = "offers_tests.rs"]
mod tests;
