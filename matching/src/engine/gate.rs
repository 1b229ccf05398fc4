//! A compact, compiled form of each protocol's criteria that decides verdict, unknowns and
//! diagnosis match length with integer operations only: codes packed into integers, marker
//! names turned into numbers, settings and stages into bit sets. It gives the same answers as
//! [`super::judge`] (a property test holds it to that) at a fraction of the cost, so the many
//! candidates that are left out are cheap.

use super::judge::{self, known_and, met_if, DiagnosisMatch, Summary};
use super::text::within;
use crate::criteria::ProtocolCriteria;
use crate::diagnosis::Diagnosis;
use crate::icd::{IcdPattern, IcdPatternList};
use crate::outcome::{Outcome, Verdict};
use crate::profile::PatientProfile;
use crate::vocab::{BiomarkerStatus, Setting, SexEligibility, Stage};
use packed::{pack, Packed};
use std::collections::BTreeMap;

mod packed;

/// A run of entries in one of the arenas.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: u32,
    len: u32,
}

impl Span {
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

/// One protocol's criteria, compiled.
#[derive(Debug, Clone)]
struct Gate {
    age_min: Option<u8>,
    age_max: Option<u8>,
    prior_lines_min: Option<u8>,
    prior_lines_max: Option<u8>,
    ecog_max: Option<u8>,
    sex: SexEligibility,
    /// Bit sets over [`Setting::ALL`] and [`Stage::ALL`]; 0 is no restriction.
    settings: u8,
    stages: u8,
    /// False when a pattern did not compile; then the protocol's own patterns are used.
    packed_diagnoses: bool,
    diagnoses: Span,
    excluded_diagnoses: Span,
    /// Required markers first, then excluded ones.
    markers: Span,
    required_markers: u32,
}

/// Every protocol's gate, with the arenas they point into.
#[derive(Debug, Clone, Default)]
pub(super) struct Gates {
    gates: Vec<Gate>,
    patterns: Vec<Packed>,
    /// Marker number and the status the protocol names.
    markers: Vec<(u32, BiomarkerStatus)>,
    marker_numbers: BTreeMap<String, u32>,
}

/// A profile's values as the gates compare them, computed once per match.
pub(super) struct PreparedProfile {
    diagnosis: PreparedDiagnosis,
    setting: Option<u8>,
    stage: Option<u8>,
    /// The first status the patient has for each marker some protocol names.
    markers: Vec<(u32, BiomarkerStatus)>,
}

/// The patient's diagnosis packed; `None` where something could not be packed (a code too
/// long, a group pattern too long or not ASCII), and then protocols' own patterns are used.
enum PreparedDiagnosis {
    Code(Option<(u64, u8)>),
    Group(Option<Vec<Packed>>),
}

impl PreparedDiagnosis {
    fn of(diagnosis: &Diagnosis) -> Self {
        match (diagnosis.code(), diagnosis.group_patterns()) {
            (Some(code), _) => {
                let text = code.as_str();
                Self::Code(pack(text).map(|packed| (packed, text_len(text))))
            }
            (None, Some(group)) => Self::Group(group.iter().map(Packed::compile).collect()),
            (None, None) => Self::Group(None),
        }
    }
}

fn text_len(text: &str) -> u8 {
    u8::try_from(text.len()).unwrap_or(u8::MAX)
}

fn bit_set<T: PartialEq>(values: &[T], all: &[T]) -> u8 {
    all.iter()
        .enumerate()
        .filter(|(_, value)| values.contains(value))
        .fold(0, |set, (index, _)| set | (1 << index))
}

fn bit_of<T: PartialEq>(value: &T, all: &[T]) -> Option<u8> {
    all.iter()
        .position(|candidate| candidate == value)
        .map(|index| 1 << index)
}

impl Gates {
    pub fn build<'a>(protocols: impl IntoIterator<Item = &'a ProtocolCriteria>) -> Self {
        let mut gates = Self::default();
        for protocol in protocols {
            let gate = gates.compile(protocol);
            gates.gates.push(gate);
        }
        gates
    }

    fn compile(&mut self, protocol: &ProtocolCriteria) -> Gate {
        let mut packed_diagnoses = true;
        let mut span_of = |list: &IcdPatternList, patterns: &mut Vec<Packed>| {
            let start = position(patterns.len());
            for pattern in &list.0 {
                match Packed::compile(pattern) {
                    Some(packed) => patterns.push(packed),
                    None => packed_diagnoses = false,
                }
            }
            Span {
                start,
                len: position(patterns.len()) - start,
            }
        };
        let diagnoses = span_of(&protocol.eligibility.diagnoses, &mut self.patterns);
        let excluded_diagnoses =
            span_of(&protocol.eligibility.exclude_diagnoses, &mut self.patterns);
        let start = position(self.markers.len());
        for biomarker in protocol
            .eligibility
            .biomarkers_required
            .iter()
            .chain(&protocol.eligibility.biomarkers_excluded)
        {
            let number = match self.marker_numbers.get(&biomarker.marker) {
                Some(&number) => number,
                None => {
                    let next = position(self.marker_numbers.len());
                    self.marker_numbers.insert(biomarker.marker.clone(), next);
                    next
                }
            };
            self.markers.push((number, biomarker.status));
        }
        Gate {
            age_min: protocol.eligibility.age_min,
            age_max: protocol.eligibility.age_max,
            prior_lines_min: protocol.eligibility.prior_lines_min,
            prior_lines_max: protocol.eligibility.prior_lines_max,
            ecog_max: protocol.eligibility.ecog_max,
            sex: protocol.eligibility.sex,
            settings: bit_set(&protocol.eligibility.settings, &Setting::ALL),
            stages: bit_set(&protocol.eligibility.stages, &Stage::ALL),
            packed_diagnoses,
            diagnoses,
            excluded_diagnoses,
            markers: Span {
                start,
                len: position(self.markers.len()) - start,
            },
            required_markers: position(protocol.eligibility.biomarkers_required.len()),
        }
    }

    pub fn prepare(&self, profile: &PatientProfile) -> PreparedProfile {
        let mut markers: Vec<(u32, BiomarkerStatus)> = Vec::new();
        for biomarker in &profile.biomarkers {
            if let Some(&number) = self.marker_numbers.get(&biomarker.marker) {
                if !markers.iter().any(|&(known, _)| known == number) {
                    markers.push((number, biomarker.status));
                }
            }
        }
        PreparedProfile {
            diagnosis: PreparedDiagnosis::of(&profile.diagnosis),
            setting: profile.setting.and_then(|s| bit_of(&s, &Setting::ALL)),
            stage: profile.stage.and_then(|s| bit_of(&s, &Stage::ALL)),
            markers,
        }
    }

    /// The summary of protocol `index`, whose criteria are `protocol`: the same as the
    /// reference `judge::summarise` (built for tests only) gives.
    pub fn summarise(
        &self,
        index: usize,
        protocol: &ProtocolCriteria,
        profile: &PatientProfile,
        prepared: &PreparedProfile,
        stop_when_unmet: bool,
    ) -> Option<Summary> {
        let gate = &self.gates[index];
        let mut tally = Tally::default();
        // Cheapest and most selective first; the order does not change the summary.
        tally.add(met_if(within(profile.age, gate.age_min, gate.age_max)));
        if gate.sex != SexEligibility::All {
            tally.add(known_and(profile.sex, |sex| gate.sex.admits(sex)));
        }
        if gate.settings != 0 {
            tally.add(known_and(prepared.setting, |bit| gate.settings & bit != 0));
        }
        if gate.stages != 0 {
            tally.add(known_and(prepared.stage, |bit| gate.stages & bit != 0));
        }
        if let Some(max) = gate.ecog_max {
            tally.add(known_and(profile.ecog, |ecog| ecog <= max));
        }
        if gate.prior_lines_min.is_some() || gate.prior_lines_max.is_some() {
            tally.add(known_and(profile.prior_lines, |lines| {
                within(lines, gate.prior_lines_min, gate.prior_lines_max)
            }));
        }
        if stop_when_unmet && tally.unmet {
            return None;
        }
        let (diagnosis, match_len) = match (&prepared.diagnosis, gate.packed_diagnoses) {
            (PreparedDiagnosis::Code(Some((code, len))), true) => self.diagnosis(gate, *code, *len),
            (PreparedDiagnosis::Group(Some(group)), true) => self.group_diagnosis(gate, group),
            _ => reference_diagnosis(protocol, &profile.diagnosis),
        };
        tally.add(diagnosis);
        for (position, &(number, status)) in self.markers[gate.markers.range()].iter().enumerate() {
            let patient = prepared
                .markers
                .iter()
                .find(|&&(known, _)| known == number)
                .map(|&(_, status)| status);
            let required = position < gate.required_markers as usize;
            tally.add(known_and(patient, |patient| {
                (patient == status) == required
            }));
        }
        if stop_when_unmet && tally.unmet {
            return None;
        }
        Some(tally.summary(match_len))
    }

    /// The patterns of protocol `index` (whose criteria are `protocol`) that reach and cover
    /// the patient's diagnosis, as [`judge::diagnosis_match`] finds them. A group is compared
    /// as text: this runs only for the results kept.
    pub fn diagnosis_match<'a>(
        &self,
        index: usize,
        protocol: &'a ProtocolCriteria,
        profile: &PatientProfile,
        prepared: &PreparedProfile,
    ) -> DiagnosisMatch<'a> {
        let gate = &self.gates[index];
        let (PreparedDiagnosis::Code(Some((code, code_len))), true) =
            (&prepared.diagnosis, gate.packed_diagnoses)
        else {
            return judge::diagnosis_match(protocol, &profile.diagnosis);
        };
        // Packed patterns stand in the order of the protocol's own.
        let covers = |packed: &Packed| packed.match_len(*code, *code_len);
        let mut best: Option<(usize, &IcdPattern)> = None;
        for (packed, pattern) in self.patterns[gate.diagnoses.range()]
            .iter()
            .zip(&protocol.eligibility.diagnoses.0)
        {
            if let Some(len) = covers(packed) {
                // Strictly longer, so the first of equally long patterns is the one named.
                if best.is_none_or(|(best_len, _)| len > best_len) {
                    best = Some((len, pattern));
                }
            }
        }
        let excluded_by = self.patterns[gate.excluded_diagnoses.range()]
            .iter()
            .zip(&protocol.eligibility.exclude_diagnoses.0)
            .find(|(packed, _)| covers(packed).is_some())
            .map(|(_, pattern)| pattern);
        DiagnosisMatch { best, excluded_by }
    }

    fn diagnosis(&self, gate: &Gate, code: u64, code_len: u8) -> (Outcome, usize) {
        let included = &self.patterns[gate.diagnoses.range()];
        let best = included
            .iter()
            .filter_map(|pattern| pattern.match_len(code, code_len))
            .max();
        let excluded = self.patterns[gate.excluded_diagnoses.range()]
            .iter()
            .any(|pattern| pattern.match_len(code, code_len).is_some());
        let outcome = met_if((included.is_empty() || best.is_some()) && !excluded);
        (outcome, best.unwrap_or(0))
    }

    /// Contract §2 for a group: met when an included pattern shares a code with the group and
    /// no excluded pattern covers all of it; the match length is the longest such pattern's.
    fn group_diagnosis(&self, gate: &Gate, group: &[Packed]) -> (Outcome, usize) {
        let included = &self.patterns[gate.diagnoses.range()];
        let best = included
            .iter()
            .filter(|pattern| group.iter().any(|member| pattern.overlaps(*member)))
            .filter_map(|pattern| pattern.head_len())
            .max();
        let excluded = self.patterns[gate.excluded_diagnoses.range()]
            .iter()
            .any(|pattern| group.iter().all(|member| pattern.covers(*member)));
        let outcome = met_if((included.is_empty() || best.is_some()) && !excluded);
        (outcome, best.unwrap_or(0))
    }
}

/// The diagnosis outcome and match length from the protocol's own patterns.
fn reference_diagnosis(protocol: &ProtocolCriteria, diagnosis: &Diagnosis) -> (Outcome, usize) {
    let found = judge::diagnosis_match(protocol, diagnosis);
    (
        found.outcome(&protocol.eligibility.diagnoses),
        found.best.map_or(0, |(len, _)| len),
    )
}

/// Outcomes counted so far.
#[derive(Default)]
struct Tally {
    unmet: bool,
    unknowns: usize,
}

impl Tally {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Met => {}
            Outcome::NotMet => self.unmet = true,
            Outcome::Unknown => self.unknowns += 1,
        }
    }

    fn summary(&self, diagnosis_match_len: usize) -> Summary {
        let verdict = match (self.unmet, self.unknowns) {
            (true, _) => Verdict::NotEligible,
            (false, 0) => Verdict::Eligible,
            (false, _) => Verdict::PossiblyEligible,
        };
        Summary {
            verdict,
            unknowns: self.unknowns,
            diagnosis_match_len,
        }
    }
}

/// An arena position; arenas hold far fewer than 2³² entries.
fn position(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests;
