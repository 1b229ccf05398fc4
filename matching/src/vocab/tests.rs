//! Table tests for the vocabularies: every value round-trips through its string and serde.

use super::*;
use crate::serde_capture::{capture, from_text, Captured};
use serde::de::DeserializeOwned;

/// Checks one vocabulary: `ALL` and `ALLOWED` agree, and every value survives
/// as_str → from_str, Display, and serde in both directions.
fn assert_round_trips<T>(
    vocabulary: &str,
    all: &[T],
    allowed: &[&str],
    as_str: fn(T) -> &'static str,
) where
    T: Copy + fmt::Debug + PartialEq + fmt::Display + FromStr + Serialize + DeserializeOwned,
    T::Err: fmt::Display,
{
    assert_eq!(
        all.len(),
        allowed.len(),
        "{vocabulary}: ALL and ALLOWED differ in length"
    );
    for (&value, &text) in all.iter().zip(allowed) {
        let case = format!("{vocabulary} {value:?}");
        assert_eq!(as_str(value), text, "{case}: as_str");
        assert_eq!(value.to_string(), text, "{case}: Display");
        match text.parse::<T>() {
            Ok(parsed) => assert_eq!(parsed, value, "{case}: from_str"),
            Err(error) => panic!("{case}: from_str failed: {error}"),
        }
        assert_eq!(
            capture(&value).ok(),
            Some(Captured::Str(text.to_owned())),
            "{case}: serialize"
        );
        match from_text::<T>(text) {
            Ok(parsed) => assert_eq!(parsed, value, "{case}: deserialize"),
            Err(error) => panic!("{case}: deserialize failed: {error}"),
        }
    }
}

#[test]
fn every_vocabulary_value_round_trips_through_its_string() {
    assert_round_trips("Phase", &Phase::ALL, Phase::ALLOWED, Phase::as_str);
    assert_round_trips(
        "RecruitmentStatus",
        &RecruitmentStatus::ALL,
        RecruitmentStatus::ALLOWED,
        RecruitmentStatus::as_str,
    );
    assert_round_trips(
        "SiteStatus",
        &SiteStatus::ALL,
        SiteStatus::ALLOWED,
        SiteStatus::as_str,
    );
    assert_round_trips("Sex", &Sex::ALL, Sex::ALLOWED, Sex::as_str);
    assert_round_trips(
        "SexEligibility",
        &SexEligibility::ALL,
        SexEligibility::ALLOWED,
        SexEligibility::as_str,
    );
    assert_round_trips("Setting", &Setting::ALL, Setting::ALLOWED, Setting::as_str);
    assert_round_trips("Stage", &Stage::ALL, Stage::ALLOWED, Stage::as_str);
    assert_round_trips(
        "Initiator",
        &Initiator::ALL,
        Initiator::ALLOWED,
        Initiator::as_str,
    );
    assert_round_trips(
        "BiomarkerStatus",
        &BiomarkerStatus::ALL,
        BiomarkerStatus::ALLOWED,
        BiomarkerStatus::as_str,
    );
}

#[test]
fn serde_strings_are_exactly_those_of_the_contract() {
    let cases: [(&str, &[&str], &[&str]); 9] = [
        (
            "phase",
            Phase::ALLOWED,
            &[
                "n-a",
                "early-phase-1",
                "phase-1",
                "phase-1-phase-2",
                "phase-2",
                "phase-2-phase-3",
                "phase-3",
                "phase-4",
            ],
        ),
        (
            "recruitment status",
            RecruitmentStatus::ALLOWED,
            &[
                "planned",
                "open",
                "temporarily-closed",
                "closed",
                "completed",
                "withdrawn",
            ],
        ),
        (
            "site status",
            SiteStatus::ALLOWED,
            &["planned", "open", "temporarily-closed", "closed"],
        ),
        ("sex", Sex::ALLOWED, &["female", "male"]),
        (
            "sex eligibility",
            SexEligibility::ALLOWED,
            &["all", "female", "male"],
        ),
        (
            "setting",
            Setting::ALLOWED,
            &[
                "newly-diagnosed",
                "neoadjuvant",
                "adjuvant",
                "locally-advanced",
                "metastatic",
                "relapsed",
                "refractory",
                "maintenance",
            ],
        ),
        ("stage", Stage::ALLOWED, &["I", "II", "III", "IV"]),
        (
            "initiator",
            Initiator::ALLOWED,
            &["investigator", "industry"],
        ),
        (
            "biomarker status",
            BiomarkerStatus::ALLOWED,
            &["positive", "negative"],
        ),
    ];
    for (vocabulary, allowed, contract) in cases {
        assert_eq!(allowed, contract, "{vocabulary} strings");
    }
}

#[test]
fn unknown_values_are_refused_with_the_allowed_list() {
    let error = "banana".parse::<Phase>().expect_err("banana is no phase");
    assert_eq!(
        error.to_string(),
        "unknown phase \"banana\"; allowed: n-a, early-phase-1, phase-1, phase-1-phase-2, \
         phase-2, phase-2-phase-3, phase-3, phase-4"
    );
    let refused = [
        ("Phase-1", "Phase-1".parse::<Phase>().is_err()),
        ("OPEN", "OPEN".parse::<RecruitmentStatus>().is_err()),
        ("Female", "Female".parse::<Sex>().is_err()),
        ("completed site", "completed".parse::<SiteStatus>().is_err()),
        ("stage V", "V".parse::<Stage>().is_err()),
        ("empty setting", "".parse::<Setting>().is_err()),
    ];
    for (case, is_refused) in refused {
        assert!(is_refused, "{case} should be refused");
    }
}

#[test]
fn stage_accepts_lower_case_when_parsing() {
    let cases = [
        ("i", Stage::I),
        ("ii", Stage::II),
        ("iii", Stage::III),
        ("iv", Stage::IV),
    ];
    for (input, expected) in cases {
        assert_eq!(
            input.parse::<Stage>().ok(),
            Some(expected),
            "stage {input:?}"
        );
    }
}

#[test]
fn labels_are_the_agreed_danish_wording() {
    let cases = [
        (Phase::Phase1Phase2.label_da(), "Fase 1/2"),
        (
            Phase::NotApplicable.label_da(),
            "Ikke relevant (ikke lægemiddelforsøg)",
        ),
        (RecruitmentStatus::Open.label_da(), "Åben for inklusion"),
        (RecruitmentStatus::Withdrawn.label_da(), "Trukket tilbage"),
        (
            SiteStatus::TemporarilyClosed.label_da(),
            "Midlertidigt lukket",
        ),
        (
            Setting::Neoadjuvant.label_da(),
            "Neoadjuverende (før operation)",
        ),
        (Sex::Male.label_da(), "Mand"),
        (SexEligibility::All.label_da(), "Alle køn"),
        (Phase::Phase2Phase3.label_en(), "Phase 2/3"),
    ];
    for (label, expected) in cases {
        assert_eq!(label, expected, "label for {expected:?}");
    }
}

#[test]
fn early_phases_are_phase_one_and_earlier() {
    for phase in Phase::ALL {
        let expected = matches!(
            phase.as_str(),
            "early-phase-1" | "phase-1" | "phase-1-phase-2"
        );
        assert_eq!(phase.is_early(), expected, "is {phase} early?");
    }
}

#[test]
fn sex_eligibility_admits_the_listed_sex() {
    let cases = [
        (SexEligibility::All, Sex::Female, true),
        (SexEligibility::All, Sex::Male, true),
        (SexEligibility::Female, Sex::Female, true),
        (SexEligibility::Female, Sex::Male, false),
        (SexEligibility::Male, Sex::Male, true),
        (SexEligibility::Male, Sex::Female, false),
    ];
    for (eligibility, sex, expected) in cases {
        assert_eq!(
            eligibility.admits(sex),
            expected,
            "does {eligibility} admit {sex}?"
        );
    }
}
