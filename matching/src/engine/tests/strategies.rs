//! Generators of protocols and profiles for the property tests: few codes, patterns and
//! markers, so that matches, ties and unknowns are common.

use super::fixtures::sites;
use crate::criteria::Eligibility;
use crate::{
    Biomarker, BiomarkerStatus, Diagnosis, Home, IcdPatternList, PatientProfile, ProtocolCriteria,
    RecruitmentStatus, Region, Setting, Sex, SexEligibility, SiteStatus, Stage,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

const CODES: &[&str] = &[
    "C50", "C509", "C501", "C18", "C199", "C341", "C710", "C910", "D05",
];
const PATTERNS: &[&str] = &[
    "C50", "C509", "C501", "C18-C20", "C34", "C71", "C91", "C00-C97", "D05",
];
/// Groups a lay term may stand for, chosen to lie inside, cover, straddle and miss `PATTERNS`.
const GROUP_PATTERNS: &[&str] = &[
    "C50", "C509", "C501", "C33-C34", "C34", "C910", "C91-C95", "C17-C19", "C81-C86", "D05",
];
pub const MARKERS: &[&str] = &["HER2", "ER", "EGFR", "ALK"];

fn status() -> impl Strategy<Value = BiomarkerStatus> {
    select(BiomarkerStatus::ALL.to_vec())
}

fn biomarkers(max: usize) -> impl Strategy<Value = Vec<Biomarker>> {
    vec((select(MARKERS), status()), 0..=max).prop_map(|pairs| {
        pairs
            .into_iter()
            .filter_map(|(marker, status)| Biomarker::new(marker, status).ok())
            .collect()
    })
}

fn pattern_list(max: usize) -> impl Strategy<Value = IcdPatternList> {
    subsequence(PATTERNS, 0..=max).prop_map(|texts| texts.join(" ").parse().unwrap_or_default())
}

/// A code as a clinician gives it, or a group (the empty one is any diagnosis) as a lay term
/// stands for it.
pub fn diagnosis() -> impl Strategy<Value = Diagnosis> {
    prop_oneof![
        2 => select(CODES).prop_map(|code| Diagnosis::Code(code.parse().expect("CODES are valid"))),
        1 => group(),
    ]
}

/// A group of up to three patterns; the empty group is any diagnosis.
pub fn group() -> impl Strategy<Value = Diagnosis> {
    subsequence(GROUP_PATTERNS, 0..=3).prop_map(|texts| {
        Diagnosis::Group(texts.join(" ").parse().expect("GROUP_PATTERNS are valid"))
    })
}

pub fn home() -> impl Strategy<Value = Home> {
    (54.6..57.7f64, 8.1..15.1f64, select(Region::ALL.to_vec()))
        .prop_map(|(lat, lon, region)| Home { lat, lon, region })
}

pub fn profile() -> impl Strategy<Value = PatientProfile> {
    let basics = (
        0..=120u8,
        option::of(select(Sex::ALL.to_vec())),
        diagnosis(),
        option::of(select(Setting::ALL.to_vec())),
        option::of(select(Stage::ALL.to_vec())),
        option::of(0..6u8),
        option::of(0..=4u8),
    );
    let rest = (
        biomarkers(3),
        option::of(any::<bool>()),
        option::of(home()),
        option::of(0.0..400.0f64),
    );
    (basics, rest).prop_map(
        |(
            (age, sex, diagnosis, setting, stage, prior_lines, ecog),
            (biomarkers, exhausted, home, max_km),
        )| {
            PatientProfile {
                age,
                sex,
                diagnosis,
                setting,
                stage,
                prior_lines,
                ecog,
                biomarkers,
                standard_options_exhausted: exhausted,
                home,
                max_km,
            }
        },
    )
}

fn protocol() -> impl Strategy<Value = ProtocolCriteria> {
    let eligibility = (
        select(RecruitmentStatus::ALL.to_vec()),
        option::of(0..=120u8),
        option::of(0..=120u8),
        select(SexEligibility::ALL.to_vec()),
        pattern_list(2),
        pattern_list(1),
        subsequence(Setting::ALL.to_vec(), 0..=3),
        subsequence(Stage::ALL.to_vec(), 0..=2),
    );
    let rest = (
        option::of(0..4u8),
        option::of(0..4u8),
        option::of(0..=4u8),
        biomarkers(2),
        biomarkers(1),
        vec((0..=sites().len(), select(SiteStatus::ALL.to_vec())), 0..4),
        0..4usize,
    );
    (eligibility, rest).prop_map(
        |(
            (
                recruitment_status,
                age_min,
                age_max,
                sex,
                diagnoses,
                exclude_diagnoses,
                settings,
                stages,
            ),
            (prior_lines_min, prior_lines_max, ecog_max, required, excluded, sites, acronym),
        )| ProtocolCriteria {
            key: 0, // Few acronyms, so ties on every other key are common.
            acronym: format!("P{acronym}"),
            recruitment_status,
            sites,
            eligibility: Eligibility {
                age_min,
                age_max,
                sex,
                diagnoses,
                exclude_diagnoses,
                settings,
                stages,
                prior_lines_min,
                prior_lines_max,
                ecog_max,
                biomarkers_required: required,
                biomarkers_excluded: excluded,
            },
        },
    )
}

/// Protocols with keys 0, 1, 2, … as the caller's database would give.
pub fn protocols() -> impl Strategy<Value = Vec<ProtocolCriteria>> {
    vec(protocol(), 0..24).prop_map(|mut protocols| {
        for (key, protocol) in protocols.iter_mut().enumerate() {
            protocol.key = key;
        }
        protocols
    })
}
