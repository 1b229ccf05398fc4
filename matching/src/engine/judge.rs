//! Judging one protocol's criteria for one patient, criterion by criterion, as the contract §2
//! table says. The reported criteria of every result come from here (their text is written
//! in `detail`), and the compiled gates that sort out candidates must agree with it.

use super::text::within;
use crate::criteria::ProtocolCriteria;
use crate::diagnosis::Diagnosis;
use crate::icd::{IcdPattern, IcdPatternList};
use crate::outcome::{Outcome, Verdict};
use crate::profile::PatientProfile;
use crate::vocab::{Biomarker, BiomarkerStatus, SexEligibility};
use std::ops::ControlFlow;

/// Which criterion was judged, with what the sentence about it needs beyond the protocol and
/// the profile.
#[derive(Debug, Clone, Copy)]
pub(super) enum Check<'a> {
    Age,
    Sex,
    Diagnosis(DiagnosisMatch<'a>),
    Setting,
    Stage,
    PriorLines,
    Ecog,
    /// A required marker and the patient's status for it.
    Required(&'a Biomarker, Option<BiomarkerStatus>),
    /// An excluding marker and the patient's status for it.
    Excluded(&'a Biomarker, Option<BiomarkerStatus>),
}

/// How the patient's diagnosis relates to a protocol's included and excluded diagnoses.
#[derive(Debug, Clone, Copy)]
pub(super) struct DiagnosisMatch<'a> {
    /// The longest included pattern reaching the diagnosis (matching the code, or sharing a
    /// code with the group), with its match length.
    pub best: Option<(usize, &'a IcdPattern)>,
    /// The first excluded pattern covering the diagnosis (matching the code, or covering the
    /// whole group).
    pub excluded_by: Option<&'a IcdPattern>,
}

impl DiagnosisMatch<'_> {
    pub fn outcome(&self, included: &IcdPatternList) -> Outcome {
        let included = included.is_empty() || self.best.is_some();
        met_if(included && self.excluded_by.is_none())
    }

    #[cfg(test)]
    pub fn match_len(&self) -> usize {
        self.best.map_or(0, |(len, _)| len)
    }
}

/// Finds the patterns reaching and covering the diagnosis by comparing text; [`super::gate`]
/// finds the same faster when the patterns could be packed.
pub(super) fn diagnosis_match<'a>(
    protocol: &'a ProtocolCriteria,
    diagnosis: &Diagnosis,
) -> DiagnosisMatch<'a> {
    let mut best: Option<(usize, &IcdPattern)> = None;
    for pattern in &protocol.eligibility.diagnoses.0 {
        if let Some(len) = diagnosis.match_len(pattern) {
            // Strictly longer, so the first of equally long patterns is the one named.
            if best.is_none_or(|(best_len, _)| len > best_len) {
                best = Some((len, pattern));
            }
        }
    }
    let excluded_by = protocol
        .eligibility
        .exclude_diagnoses
        .0
        .iter()
        .find(|pattern| diagnosis.is_covered_by(pattern));
    DiagnosisMatch { best, excluded_by }
}

pub(super) const fn met_if(condition: bool) -> Outcome {
    if condition {
        Outcome::Met
    } else {
        Outcome::NotMet
    }
}

/// `unknown` when the profile lacks the value, else met when the test holds.
pub(super) fn known_and<T>(value: Option<T>, test: impl FnOnce(T) -> bool) -> Outcome {
    value.map_or(Outcome::Unknown, |value| met_if(test(value)))
}

/// Hands each reported criterion with its outcome to `each`, in the contract table's order,
/// skipping those the table does not report for this protocol; `diagnosis` is how the
/// patient's code matches the protocol's patterns. Stops when `each` breaks.
pub(super) fn judge<'a>(
    protocol: &'a ProtocolCriteria,
    profile: &PatientProfile,
    diagnosis: DiagnosisMatch<'a>,
    mut each: impl FnMut(Check<'a>, Outcome) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let age_met = within(
        profile.age,
        protocol.eligibility.age_min,
        protocol.eligibility.age_max,
    );
    each(Check::Age, met_if(age_met))?;
    if protocol.eligibility.sex != SexEligibility::All {
        let outcome = known_and(profile.sex, |sex| protocol.eligibility.sex.admits(sex));
        each(Check::Sex, outcome)?;
    }
    each(
        Check::Diagnosis(diagnosis),
        diagnosis.outcome(&protocol.eligibility.diagnoses),
    )?;
    if !protocol.eligibility.settings.is_empty() {
        let outcome = known_and(profile.setting, |setting| {
            protocol.eligibility.settings.contains(&setting)
        });
        each(Check::Setting, outcome)?;
    }
    if !protocol.eligibility.stages.is_empty() {
        let outcome = known_and(profile.stage, |stage| {
            protocol.eligibility.stages.contains(&stage)
        });
        each(Check::Stage, outcome)?;
    }
    if protocol.eligibility.prior_lines_min.is_some()
        || protocol.eligibility.prior_lines_max.is_some()
    {
        let outcome = known_and(profile.prior_lines, |lines| {
            within(
                lines,
                protocol.eligibility.prior_lines_min,
                protocol.eligibility.prior_lines_max,
            )
        });
        each(Check::PriorLines, outcome)?;
    }
    if let Some(ecog_max) = protocol.eligibility.ecog_max {
        each(
            Check::Ecog,
            known_and(profile.ecog, |ecog| ecog <= ecog_max),
        )?;
    }
    for required in &protocol.eligibility.biomarkers_required {
        let status = profile.biomarker_status(&required.marker);
        let outcome = known_and(status, |status| status == required.status);
        each(Check::Required(required, status), outcome)?;
    }
    for excluded in &protocol.eligibility.biomarkers_excluded {
        let status = profile.biomarker_status(&excluded.marker);
        let outcome = known_and(status, |status| status != excluded.status);
        each(Check::Excluded(excluded, status), outcome)?;
    }
    ControlFlow::Continue(())
}

/// What ordering and filtering need to know about a protocol for a patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Summary {
    pub verdict: Verdict,
    pub unknowns: usize,
    pub diagnosis_match_len: usize,
}

/// Judges a protocol without text, the reference that [`super::gate`] must agree with. With
/// `stop_when_unmet`, returns `None` as soon as a
/// criterion is not met, because such a result is not wanted.
#[cfg(test)]
pub(super) fn summarise(
    protocol: &ProtocolCriteria,
    profile: &PatientProfile,
    stop_when_unmet: bool,
) -> Option<Summary> {
    let mut summary = Summary {
        verdict: Verdict::Eligible,
        unknowns: 0,
        diagnosis_match_len: 0,
    };
    let diagnosis = diagnosis_match(protocol, &profile.diagnosis);
    let flow = judge(protocol, profile, diagnosis, |check, outcome| {
        if let Check::Diagnosis(diagnosis) = check {
            summary.diagnosis_match_len = diagnosis.match_len();
        }
        match outcome {
            Outcome::Met => {}
            Outcome::Unknown => {
                summary.unknowns += 1;
                summary.verdict = summary.verdict.max(Verdict::PossiblyEligible);
            }
            Outcome::NotMet => {
                summary.verdict = Verdict::NotEligible;
                if stop_when_unmet {
                    return ControlFlow::Break(());
                }
            }
        }
        ControlFlow::Continue(())
    });
    match flow {
        ControlFlow::Break(()) => None,
        ControlFlow::Continue(()) => Some(summary),
    }
}
