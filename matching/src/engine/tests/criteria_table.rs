//! Every row of the contract §2 criterion table: when a criterion is reported, and when it is
//! met, not met or unknown.

use super::fixtures::{code, marker, patterns, profile, protocol, snapshot};
use crate::{
    BiomarkerStatus::{Negative, Positive},
    MatchResult, Outcome, PatientProfile, ProtocolCriteria, Setting, Sex, SexEligibility, Stage,
};

type Edit<T> = fn(&mut T);

/// Case name, protocol edit, profile edit, criterion, expected outcome (`None`: not reported).
type OutcomeCase = (
    &'static str,
    Edit<ProtocolCriteria>,
    Edit<PatientProfile>,
    &'static str,
    Option<Outcome>,
);

/// Case name, protocol edit, profile edit, criterion, Danish and English detail.
type DetailCase = (
    &'static str,
    Edit<ProtocolCriteria>,
    Edit<PatientProfile>,
    &'static str,
    &'static str,
    &'static str,
);

/// Judges one protocol for one profile, ineligible results included.
fn judged(protocol: ProtocolCriteria, profile: &PatientProfile) -> Option<MatchResult> {
    snapshot(vec![protocol])
        .match_profile(profile, true)
        .results
        .into_iter()
        .next()
}

#[test]
fn every_criterion_is_reported_and_judged_as_the_contract_table_says() {
    use Outcome::{Met, NotMet, Unknown};
    #[rustfmt::skip]
    let cases: &[OutcomeCase] = &[
        ("age within 18–75", |p| { p.eligibility.age_min = Some(18); p.eligibility.age_max = Some(75) }, |_| {}, "age", Some(Met)),
        ("age at the minimum", |p| { p.eligibility.age_min = Some(18); p.eligibility.age_max = Some(75) }, |f| f.age = 18, "age", Some(Met)),
        ("age at the maximum", |p| { p.eligibility.age_min = Some(18); p.eligibility.age_max = Some(75) }, |f| f.age = 75, "age", Some(Met)),
        ("age below the minimum", |p| { p.eligibility.age_min = Some(18); p.eligibility.age_max = Some(75) }, |f| f.age = 17, "age", Some(NotMet)),
        ("age above the maximum", |p| { p.eligibility.age_min = Some(18); p.eligibility.age_max = Some(75) }, |f| f.age = 76, "age", Some(NotMet)),
        ("age without bounds is still reported", |_| {}, |_| {}, "age", Some(Met)),
        ("age max 17 for a child", |p| p.eligibility.age_max = Some(17), |f| f.age = 4, "age", Some(Met)),
        ("sex all is not reported", |_| {}, |f| f.sex = Some(Sex::Male), "sex", None),
        ("women only, a woman", |p| p.eligibility.sex = SexEligibility::Female, |f| f.sex = Some(Sex::Female), "sex", Some(Met)),
        ("women only, a man", |p| p.eligibility.sex = SexEligibility::Female, |f| f.sex = Some(Sex::Male), "sex", Some(NotMet)),
        ("women only, sex unknown", |p| p.eligibility.sex = SexEligibility::Female, |_| {}, "sex", Some(Unknown)),
        ("men only, a man", |p| p.eligibility.sex = SexEligibility::Male, |f| f.sex = Some(Sex::Male), "sex", Some(Met)),
        ("men only, a woman", |p| p.eligibility.sex = SexEligibility::Male, |f| f.sex = Some(Sex::Female), "sex", Some(NotMet)),
        ("diagnosis under a category prefix", |p| p.eligibility.diagnoses = patterns("C50"), |_| {}, "diagnosis", Some(Met)),
        ("diagnosis equal to a subcode prefix", |p| p.eligibility.diagnoses = patterns("C509"), |_| {}, "diagnosis", Some(Met)),
        ("diagnosis inside a range", |p| p.eligibility.diagnoses = patterns("C48-C52"), |_| {}, "diagnosis", Some(Met)),
        ("diagnosis under another subcode", |p| p.eligibility.diagnoses = patterns("C501"), |_| {}, "diagnosis", Some(NotMet)),
        ("diagnosis shorter than the prefix", |p| p.eligibility.diagnoses = patterns("C509"), |f| f.diagnosis = code("C50").into(), "diagnosis", Some(NotMet)),
        ("no diagnoses listed is any diagnosis", |_| {}, |_| {}, "diagnosis", Some(Met)),
        ("diagnosis excluded", |p| p.eligibility.exclude_diagnoses = patterns("C509"), |_| {}, "diagnosis", Some(NotMet)),
        ("diagnosis included and excluded", |p| { p.eligibility.diagnoses = patterns("C50"); p.eligibility.exclude_diagnoses = patterns("C50.9") }, |_| {}, "diagnosis", Some(NotMet)),
        ("another subcode excluded", |p| { p.eligibility.diagnoses = patterns("C50"); p.eligibility.exclude_diagnoses = patterns("C501") }, |_| {}, "diagnosis", Some(Met)),
        ("no settings listed is not reported", |_| {}, |f| f.setting = Some(Setting::Metastatic), "setting", None),
        ("setting listed", |p| p.eligibility.settings = vec![Setting::Adjuvant, Setting::Metastatic], |f| f.setting = Some(Setting::Metastatic), "setting", Some(Met)),
        ("setting not listed", |p| p.eligibility.settings = vec![Setting::Adjuvant], |f| f.setting = Some(Setting::Metastatic), "setting", Some(NotMet)),
        ("setting unknown", |p| p.eligibility.settings = vec![Setting::Adjuvant], |_| {}, "setting", Some(Unknown)),
        ("no stages listed is not reported", |_| {}, |f| f.stage = Some(Stage::IV), "stage", None),
        ("stage listed", |p| p.eligibility.stages = vec![Stage::III, Stage::IV], |f| f.stage = Some(Stage::IV), "stage", Some(Met)),
        ("stage not listed", |p| p.eligibility.stages = vec![Stage::I, Stage::II], |f| f.stage = Some(Stage::IV), "stage", Some(NotMet)),
        ("stage unknown", |p| p.eligibility.stages = vec![Stage::I], |_| {}, "stage", Some(Unknown)),
        ("no prior-line bounds is not reported", |_| {}, |f| f.prior_lines = Some(3), "prior_lines", None),
        ("prior lines under the maximum", |p| p.eligibility.prior_lines_max = Some(2), |f| f.prior_lines = Some(1), "prior_lines", Some(Met)),
        ("prior lines at the maximum", |p| p.eligibility.prior_lines_max = Some(2), |f| f.prior_lines = Some(2), "prior_lines", Some(Met)),
        ("prior lines over the maximum", |p| p.eligibility.prior_lines_max = Some(2), |f| f.prior_lines = Some(3), "prior_lines", Some(NotMet)),
        ("prior lines at the minimum", |p| p.eligibility.prior_lines_min = Some(1), |f| f.prior_lines = Some(1), "prior_lines", Some(Met)),
        ("prior lines under the minimum", |p| p.eligibility.prior_lines_min = Some(1), |f| f.prior_lines = Some(0), "prior_lines", Some(NotMet)),
        ("prior lines unknown", |p| { p.eligibility.prior_lines_min = Some(1); p.eligibility.prior_lines_max = Some(3) }, |_| {}, "prior_lines", Some(Unknown)),
        ("no ecog maximum is not reported", |_| {}, |f| f.ecog = Some(3), "ecog", None),
        ("ecog at the maximum", |p| p.eligibility.ecog_max = Some(1), |f| f.ecog = Some(1), "ecog", Some(Met)),
        ("ecog over the maximum", |p| p.eligibility.ecog_max = Some(1), |f| f.ecog = Some(2), "ecog", Some(NotMet)),
        ("ecog unknown", |p| p.eligibility.ecog_max = Some(1), |_| {}, "ecog", Some(Unknown)),
        ("marker not required is not reported", |_| {}, |f| f.biomarkers = vec![marker("HER2", Negative)], "biomarker:HER2", None),
        ("required marker with the same status", |p| p.eligibility.biomarkers_required = vec![marker("HER2", Negative)], |f| f.biomarkers = vec![marker("HER2", Negative)], "biomarker:HER2", Some(Met)),
        ("required marker with the other status", |p| p.eligibility.biomarkers_required = vec![marker("HER2", Negative)], |f| f.biomarkers = vec![marker("HER2", Positive)], "biomarker:HER2", Some(NotMet)),
        ("required marker absent", |p| p.eligibility.biomarkers_required = vec![marker("HER2", Negative)], |f| f.biomarkers = vec![marker("ER", Positive)], "biomarker:HER2", Some(Unknown)),
        ("marker not excluded is not reported", |_| {}, |f| f.biomarkers = vec![marker("EGFR", Positive)], "excluded_biomarker:EGFR", None),
        ("excluded marker with the other status", |p| p.eligibility.biomarkers_excluded = vec![marker("EGFR", Positive)], |f| f.biomarkers = vec![marker("EGFR", Negative)], "excluded_biomarker:EGFR", Some(Met)),
        ("excluded marker with the same status", |p| p.eligibility.biomarkers_excluded = vec![marker("EGFR", Positive)], |f| f.biomarkers = vec![marker("EGFR", Positive)], "excluded_biomarker:EGFR", Some(NotMet)),
        ("excluded marker absent", |p| p.eligibility.biomarkers_excluded = vec![marker("EGFR", Positive)], |_| {}, "excluded_biomarker:EGFR", Some(Unknown)),
    ];
    for &(case, edit_protocol, edit_profile, criterion, expected) in cases {
        let mut criteria = protocol(1, "TEST");
        edit_protocol(&mut criteria);
        let mut patient = profile();
        edit_profile(&mut patient);
        let Some(result) = judged(criteria, &patient) else {
            panic!("{case}: the protocol should be judged");
        };
        assert_eq!(
            result.outcome_of(criterion),
            expected,
            "{case}: {criterion}"
        );
        let reported: Vec<&str> = result
            .criteria
            .iter()
            .map(|c| c.criterion.as_str())
            .collect();
        let times = reported.iter().filter(|&&name| name == criterion).count();
        assert_eq!(
            times,
            usize::from(expected.is_some()),
            "{case}: {criterion} reported {times} times"
        );
        for reported in &result.criteria {
            assert!(
                !reported.detail_da().is_empty() && !reported.detail_en().is_empty(),
                "{case}: {} has both texts",
                reported.criterion
            );
        }
    }
}

#[test]
fn criteria_come_in_the_contract_tables_order() {
    let mut criteria = protocol(1, "ALL-CRITERIA");
    criteria.eligibility.sex = SexEligibility::Female;
    criteria.eligibility.settings = vec![Setting::Metastatic];
    criteria.eligibility.stages = vec![Stage::IV];
    criteria.eligibility.prior_lines_max = Some(2);
    criteria.eligibility.ecog_max = Some(2);
    criteria.eligibility.biomarkers_required =
        vec![marker("HER2", Negative), marker("ER", Positive)];
    criteria.eligibility.biomarkers_excluded = vec![marker("BRCA1", Positive)];
    let result = judged(criteria, &profile()).expect("judged");
    let names: Vec<&str> = result
        .criteria
        .iter()
        .map(|c| c.criterion.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "age",
            "sex",
            "diagnosis",
            "setting",
            "stage",
            "prior_lines",
            "ecog",
            "biomarker:HER2",
            "biomarker:ER",
            "excluded_biomarker:BRCA1"
        ]
    );
}

#[test]
fn details_explain_the_outcome_in_plain_danish_and_english() {
    #[rustfmt::skip]
    let cases: &[DetailCase] = &[
        ("age in range", |p| { p.eligibility.age_min = Some(18); p.eligibility.age_max = Some(75) }, |_| {}, "age",
         "Alder 67 er inden for 18–75 år", "Age 67 is within 18–75 years"),
        ("age too low", |p| p.eligibility.age_min = Some(70), |_| {}, "age",
         "Alder 67 er under protokollens nedre aldersgrænse på 70 år",
         "Age 67 is below the protocol's minimum age of 70 years"),
        ("age too high", |p| p.eligibility.age_max = Some(17), |_| {}, "age",
         "Alder 67 er over protokollens øvre aldersgrænse på 17 år",
         "Age 67 is above the protocol's maximum age of 17 years"),
        ("sex unknown", |p| p.eligibility.sex = SexEligibility::Female, |_| {}, "sex",
         "Køn ukendt – protokollen er kun for kvinder", "Sex unknown – the protocol is for women only"),
        ("diagnosis covered", |p| p.eligibility.diagnoses = patterns("C18-C20 C50"), |_| {}, "diagnosis",
         "Diagnosen C50.9 er omfattet af protokollens diagnoser (C50)",
         "Diagnosis C50.9 is covered by the protocol's diagnoses (C50)"),
        ("diagnosis not listed", |p| p.eligibility.diagnoses = patterns("C501 C18-C20"), |_| {}, "diagnosis",
         "Diagnosen C50.9 er ikke blandt protokollens diagnoser (C50.1, C18–C20)",
         "Diagnosis C50.9 is not among the protocol's diagnoses (C50.1, C18–C20)"),
        ("diagnosis excluded", |p| p.eligibility.exclude_diagnoses = patterns("C509"), |_| {}, "diagnosis",
         "Diagnosen C50.9 er udelukket af protokollen (C50.9)",
         "Diagnosis C50.9 is excluded by the protocol (C50.9)"),
        ("setting not listed", |p| p.eligibility.settings = vec![Setting::Adjuvant, Setting::Neoadjuvant], |f| f.setting = Some(Setting::Metastatic), "setting",
         "Sygdomssituationen metastatisk (spredning) er ikke omfattet; protokollen kræver adjuverende (efter operation) eller neoadjuverende (før operation)",
         "The setting metastatic (spread) is not included; the protocol requires adjuvant (after surgery) or neoadjuvant (before surgery)"),
        ("stage unknown", |p| p.eligibility.stages = vec![Stage::III, Stage::IV], |_| {}, "stage",
         "Stadie ukendt; protokollen kræver stadie III eller IV", "Stage unknown; the protocol requires stage III or IV"),
        ("one prior line", |p| p.eligibility.prior_lines_max = Some(2), |f| f.prior_lines = Some(1), "prior_lines",
         "1 tidligere behandlingslinje: inden for protokollens krav på højst 2",
         "1 prior line of treatment: within the protocol's requirement of at most 2"),
        ("ecog too high", |p| p.eligibility.ecog_max = Some(1), |f| f.ecog = Some(3), "ecog",
         "ECOG-funktionsniveau 3 er over protokollens grænse på højst 1",
         "ECOG performance status 3 is above the protocol's limit of at most 1"),
        ("marker with the other status", |p| p.eligibility.biomarkers_required = vec![marker("HER2", Negative)], |f| f.biomarkers = vec![marker("HER2", Positive)], "biomarker:HER2",
         "HER2 negativ kræves; patienten er HER2 positiv", "HER2 negative required; the patient is HER2 positive"),
        ("excluded marker unknown", |p| p.eligibility.biomarkers_excluded = vec![marker("EGFR", Positive)], |_| {}, "excluded_biomarker:EGFR",
         "Patienter med EGFR positiv kan ikke deltage; patientens EGFR-status er ukendt",
         "Patients who are EGFR positive cannot take part; the patient's EGFR status is unknown"),
    ];
    for &(case, edit_protocol, edit_profile, criterion, da, en) in cases {
        let mut criteria = protocol(1, "TEST");
        edit_protocol(&mut criteria);
        let mut patient = profile();
        edit_profile(&mut patient);
        let result = judged(criteria, &patient).unwrap_or_else(|| panic!("{case}: judged"));
        let Some(reported) = result.criteria.iter().find(|c| c.criterion == criterion) else {
            panic!("{case}: {criterion} is reported");
        };
        assert_eq!(reported.detail_da(), da, "{case}: Danish");
        assert_eq!(reported.detail_en(), en, "{case}: English");
    }
}
