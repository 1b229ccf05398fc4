//! What a match returns (contract §2): per protocol a verdict with a reason per criterion, the
//! nearest open site, and the referral pathways that apply. Everything serializes as the JSON
//! API embeds it.

use crate::engine::Detail;
use crate::geo::Region;
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;
use std::fmt;

/// The answer to one patient profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchOutcome {
    /// In the contract's order: verdict, longer diagnosis match, narrower diagnosis scope,
    /// fewer unknowns, shorter distance (none last), acronym.
    pub results: Vec<MatchResult>,
    /// Pathways that apply, in the snapshot's pathway order.
    pub pathways: Vec<PathwayHit>,
    /// Set when no result is `eligible` or `possibly_eligible`.
    pub no_offer_reason: Option<NoOfferReason>,
}

/// How well a patient fits one protocol. Ordered best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every reported criterion is met.
    Eligible,
    /// None is unmet but at least one is unknown.
    PossiblyEligible,
    /// At least one criterion is not met.
    NotEligible,
}

impl Verdict {
    /// The verdict of a set of criteria: any `not_met` decides, then any `unknown`.
    pub fn from_outcomes(outcomes: impl IntoIterator<Item = Outcome>) -> Self {
        let mut verdict = Self::Eligible;
        for outcome in outcomes {
            match outcome {
                Outcome::NotMet => return Self::NotEligible,
                Outcome::Unknown => verdict = Self::PossiblyEligible,
                Outcome::Met => {}
            }
        }
        verdict
    }
}

/// The outcome of one criterion for one patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Met,
    NotMet,
    /// The profile lacks the value the criterion needs.
    Unknown,
}

/// One criterion of one protocol judged for the patient, with a plain-language reason.
///
/// The reason is written when it is read ([`CriterionResult::detail_da`],
/// [`CriterionResult::detail_en`]) or serialized, as `detail_da` and `detail_en` beside
/// `criterion` and `outcome`, so a match that reports thousands of criteria writes no text.
#[derive(Clone)]
pub struct CriterionResult {
    /// `age`, `sex`, `diagnosis`, `setting`, `stage`, `prior_lines`, `ecog`,
    /// `biomarker:<MARKER>` or `excluded_biomarker:<MARKER>`.
    pub criterion: String,
    pub outcome: Outcome,
    detail: Detail,
}

impl CriterionResult {
    pub(crate) fn new(criterion: String, outcome: Outcome, detail: Detail) -> Self {
        Self {
            criterion,
            outcome,
            detail,
        }
    }

    /// The reason in Danish, e.g. "Alder 67 er inden for 18–75 år".
    pub fn detail_da(&self) -> String {
        self.detail.da(self.outcome)
    }

    /// The reason in English, e.g. "Age 67 is within 18–75 years".
    pub fn detail_en(&self) -> String {
        self.detail.en(self.outcome)
    }
}

impl Serialize for CriterionResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut fields = serializer.serialize_struct("CriterionResult", 4)?;
        fields.serialize_field("criterion", &self.criterion)?;
        fields.serialize_field("outcome", &self.outcome)?;
        fields.serialize_field("detail_da", &self.detail_da())?;
        fields.serialize_field("detail_en", &self.detail_en())?;
        fields.end()
    }
}

/// Equal when the criterion, the outcome and both reasons read the same.
impl PartialEq for CriterionResult {
    fn eq(&self, other: &Self) -> bool {
        self.criterion == other.criterion
            && self.outcome == other.outcome
            && self.detail_da() == other.detail_da()
            && self.detail_en() == other.detail_en()
    }
}

impl Eq for CriterionResult {}

/// Shows what the JSON holds, the reasons written out.
impl fmt::Debug for CriterionResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CriterionResult")
            .field("criterion", &self.criterion)
            .field("outcome", &self.outcome)
            .field("detail_da", &self.detail_da())
            .field("detail_en", &self.detail_en())
            .finish()
    }
}

/// One protocol judged for the patient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchResult {
    /// The caller's key from [`crate::ProtocolCriteria::key`].
    pub key: usize,
    pub acronym: String,
    pub verdict: Verdict,
    /// The reported criteria, in the contract table's order.
    pub criteria: Vec<CriterionResult>,
    /// The nearest open site, when the profile has a home.
    pub nearest_site: Option<NearestSite>,
    /// Whether the nearest open site is outside the patient's home region.
    pub referral_needed: bool,
    /// Length of the longest included diagnosis pattern matching the patient's code, or
    /// reaching the patient's group (0 when none does or the protocol takes any diagnosis);
    /// longer means more specific. The second ordering key.
    pub diagnosis_match_len: usize,
    /// How many three-character ICD-10 categories the protocol's included diagnoses cover:
    /// 1 for a trial of one disease, 98 for `C00-C97`, and 2,600 (every category) for a
    /// protocol that lists none. Fewer is narrower; the third ordering key.
    pub diagnosis_scope: usize,
}

impl MatchResult {
    /// How many criteria are `unknown`, the fourth ordering key.
    pub fn unknowns(&self) -> usize {
        self.criteria
            .iter()
            .filter(|criterion| criterion.outcome == Outcome::Unknown)
            .count()
    }

    /// The outcome of a named criterion, if it was reported.
    pub fn outcome_of(&self, criterion: &str) -> Option<Outcome> {
        self.criteria
            .iter()
            .find(|result| result.criterion == criterion)
            .map(|result| result.outcome)
    }
}

/// The open site of a protocol nearest to the patient's home.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearestSite {
    /// Index into the snapshot's sites.
    pub site: usize,
    pub code: String,
    pub region: Region,
    /// Great-circle kilometres from the home postcode's centroid, unrounded.
    pub distance_km: f64,
}

/// A referral pathway that applies to the patient, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathwayHit {
    pub code: String,
    pub kind: String,
    pub name_da: String,
    pub name_en: String,
    pub reason_da: String,
    pub reason_en: String,
    /// Index into the snapshot's sites of the department to refer to.
    pub site: Option<usize>,
}

/// Why nothing can be offered, in the offer register's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoOfferReason {
    NoRelevantProtocol,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_follows_the_worst_outcome() {
        use Outcome::{Met, NotMet, Unknown};
        let cases: [(&[Outcome], Verdict); 6] = [
            (&[], Verdict::Eligible),
            (&[Met, Met], Verdict::Eligible),
            (&[Met, Unknown], Verdict::PossiblyEligible),
            (&[Unknown, NotMet], Verdict::NotEligible),
            (&[NotMet, Unknown], Verdict::NotEligible),
            (&[Met, NotMet, Met], Verdict::NotEligible),
        ];
        for (outcomes, verdict) in cases {
            assert_eq!(
                Verdict::from_outcomes(outcomes.iter().copied()),
                verdict,
                "outcomes {outcomes:?}"
            );
        }
    }

    #[test]
    fn enums_serialize_as_the_contract_strings() {
        let cases = [
            (serde_json::to_value(Verdict::Eligible), "eligible"),
            (
                serde_json::to_value(Verdict::PossiblyEligible),
                "possibly_eligible",
            ),
            (serde_json::to_value(Verdict::NotEligible), "not_eligible"),
            (serde_json::to_value(Outcome::Met), "met"),
            (serde_json::to_value(Outcome::NotMet), "not_met"),
            (serde_json::to_value(Outcome::Unknown), "unknown"),
            (
                serde_json::to_value(NoOfferReason::NoRelevantProtocol),
                "no_relevant_protocol",
            ),
        ];
        for (value, expected) in cases {
            assert_eq!(
                value.ok(),
                Some(serde_json::Value::from(expected)),
                "{expected}"
            );
        }
    }
}
