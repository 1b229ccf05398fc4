//! A diagnosis given as a group of codes, as a lay term stands for one (contract §2, last
//! paragraph): which protocols it reaches, what excludes it, how it reads, and properties that
//! tie a group to the codes inside it.

use super::fixtures::{code, patterns, protocol, snapshot};
use super::strategies::{group, protocols};
use crate::{Diagnosis, IcdPattern, Outcome, PatientProfile, ProtocolCriteria};
use proptest::prelude::*;

fn lay(group: &str) -> PatientProfile {
    PatientProfile::with_diagnosis(55, Diagnosis::Group(patterns(group)))
}

/// The diagnosis outcome of a protocol with these included and excluded diagnoses.
fn diagnosis_outcome(included: &str, excluded: &str, patient: &PatientProfile) -> Option<Outcome> {
    let mut criteria = protocol(1, "TEST");
    criteria.eligibility.diagnoses = patterns(included);
    criteria.eligibility.exclude_diagnoses = patterns(excluded);
    snapshot(vec![criteria])
        .match_profile(patient, true)
        .results
        .first()
        .and_then(|result| result.outcome_of("diagnosis"))
}

#[test]
fn a_group_meets_a_protocol_that_lies_inside_it_or_covers_it_unless_an_exclusion_covers_it_all() {
    // (case, group, included, excluded, outcome); a protocol of a category the group does not
    // touch is not judged at all (contract §2 lets protocols of other diagnoses be left out).
    const MET: Option<Outcome> = Some(Outcome::Met);
    const NOT_MET: Option<Outcome> = Some(Outcome::NotMet);
    const LEFT_OUT: Option<Outcome> = None;
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str, &str, Option<Outcome>)] = &[
        ("lung: a C34 trial lies inside C33–C34", "C33-C34", "C34", "", MET),
        ("lung: a trachea trial lies inside", "C33-C34", "C33", "", MET),
        ("lung: an upper-lobe trial lies inside", "C33-C34", "C341", "", MET),
        ("lung: an all-cancer range covers it", "C33-C34", "C00-C97", "", MET),
        ("lung: a thoracic range covers it", "C33-C34", "C30-C39", "", MET),
        ("lung: a range that shares C33 reaches it", "C33-C34", "C32-C33", "", MET),
        ("lung: no diagnoses is any diagnosis", "C33-C34", "", "", MET),
        ("lung: a breast trial does not", "C33-C34", "C50", "", LEFT_OUT),
        ("lung: one of several patterns is enough", "C33-C34", "C50 C34", "", MET),
        ("lung: excluding part of it leaves the rest", "C00-C97", "C00-C97", "C34", MET),
        ("lung: excluding a subcode leaves the rest", "C33-C34", "C34", "C341", MET),
        ("lung: excluding all of it", "C33-C34", "C00-C97", "C30-C39", NOT_MET),
        ("lung: excluding exactly it", "C33-C34", "C00-C97", "C33-C34", NOT_MET),
        ("lung: two exclusions that each cover part", "C33-C34", "C00-C97", "C33 C34", MET),
        ("ALL: a C91 trial covers C91.0", "C910", "C91", "", MET),
        ("ALL: a C91.00 trial lies inside C91.0", "C910", "C9100", "", MET),
        ("ALL: a CLL trial does not", "C910", "C911", "", NOT_MET),
        ("ALL: an AML trial does not", "C910", "C92", "", LEFT_OUT),
        ("ALL: excluded by the lymphatic leukaemias", "C910", "C00-C97", "C91", NOT_MET),
        ("lymphoma: a DLBCL trial lies inside", "C81-C86 C88", "C833", "", MET),
        ("lymphoma: a Hodgkin trial lies inside", "C81-C86 C88", "C81", "", MET),
        ("lymphoma: a Waldenström trial lies inside", "C81-C86 C88", "C88", "", MET),
        ("lymphoma: a myeloma trial does not", "C81-C86 C88", "C90", "", LEFT_OUT),
        ("lymphoma: a CLL trial does not", "C81-C86 C88", "C911", "", LEFT_OUT),
        ("lymphoma: a basket without blood cancers", "C81-C86 C88", "C00-C97", "C81-C96", NOT_MET),
        ("lymphoma: a basket without Hodgkin", "C81-C86 C88", "C00-C97", "C81", MET),
        ("a four-character range inside a group", "C920 C924-C926", "C925", "", MET),
        ("a four-character range over a category", "C92", "C924-C926", "", MET),
    ];
    for &(case, group, included, excluded, expected) in cases {
        assert_eq!(
            diagnosis_outcome(included, excluded, &lay(group)),
            expected,
            "{case}"
        );
    }
}

#[test]
fn any_diagnosis_meets_every_protocol_s_diagnosis_criterion() {
    let child = PatientProfile::with_diagnosis(8, Diagnosis::any());
    #[rustfmt::skip]
    let cases = [
        ("C910", ""), ("C74 C47", ""), ("C00-C97", "C81-C96"), ("", ""), ("D76", ""), ("C50", "C50"),
    ];
    for (included, excluded) in cases {
        assert_eq!(
            diagnosis_outcome(included, excluded, &child),
            Some(Outcome::Met),
            "{included} without {excluded}"
        );
    }
}

#[test]
fn a_group_judges_every_protocol_of_every_category_it_touches_once() {
    let mut protocols: Vec<ProtocolCriteria> = [
        "C34", "C33", "C33-C34", "C00-C97", "C50", "", "C341 C34", "C35",
    ]
    .iter()
    .enumerate()
    .map(|(key, diagnoses)| {
        let mut p = protocol(key, &format!("P{key}"));
        p.eligibility.diagnoses = patterns(diagnoses);
        p
    })
    .collect();
    protocols.reverse();
    let outcome = snapshot(protocols).match_profile(&lay("C33-C34"), true);
    let mut keys: Vec<usize> = outcome.results.iter().map(|r| r.key).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [0, 1, 2, 3, 5, 6],
        "every protocol of C33 or C34, and the unrestricted, once; not C50 or C35"
    );
    let met: Vec<usize> = {
        let mut met: Vec<usize> = outcome
            .results
            .iter()
            .filter(|r| r.outcome_of("diagnosis") == Some(Outcome::Met))
            .map(|r| r.key)
            .collect();
        met.sort_unstable();
        met
    };
    assert_eq!(met, [0, 1, 2, 3, 5, 6], "and each of them is met");
}

#[test]
fn group_details_say_how_the_protocol_relates_to_the_group() {
    // (case, group, included, excluded, Danish, English)
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str, &str, &str, &str)] = &[
        ("inside", "C33-C34", "C34", "",
         "Protokollens diagnoser (C34) hører under diagnosegruppen C33–C34",
         "The protocol's diagnoses (C34) fall within diagnosis group C33–C34"),
        ("covering", "C33-C34", "C00-C97", "",
         "Diagnosegruppen C33–C34 er omfattet af protokollens diagnoser (C00–C97)",
         "Diagnosis group C33–C34 is covered by the protocol's diagnoses (C00–C97)"),
        ("sharing a category", "C33-C34", "C32-C33", "",
         "Protokollens diagnoser (C32–C33) overlapper diagnosegruppen C33–C34",
         "The protocol's diagnoses (C32–C33) overlap diagnosis group C33–C34"),
        ("not listed", "C910", "C911 C92", "",
         "Diagnosegruppen C91.0 er ikke blandt protokollens diagnoser (C91.1, C92)",
         "Diagnosis group C91.0 is not among the protocol's diagnoses (C91.1, C92)"),
        ("excluded", "C81-C86 C88", "C00-C97", "C81-C96",
         "Diagnosegruppen C81–C86, C88 er udelukket af protokollen (C81–C96)",
         "Diagnosis group C81–C86, C88 is excluded by the protocol (C81–C96)"),
        ("unrestricted", "C910", "", "",
         "Diagnosegruppen C91.0 – protokollen er ikke begrænset til bestemte diagnoser",
         "Diagnosis group C91.0 – the protocol is not limited to particular diagnoses"),
        ("any diagnosis", "", "C910", "",
         "Protokollens diagnoser (C91.0) hører under diagnosegruppen (alle diagnoser)",
         "The protocol's diagnoses (C91.0) fall within diagnosis group (any diagnosis)"),
    ];
    for &(case, group, included, excluded, da, en) in cases {
        let mut criteria = protocol(1, "TEST");
        criteria.eligibility.diagnoses = patterns(included);
        criteria.eligibility.exclude_diagnoses = patterns(excluded);
        let outcome = snapshot(vec![criteria]).match_profile(&lay(group), true);
        let Some(reported) = outcome
            .results
            .first()
            .and_then(|r| r.criteria.iter().find(|c| c.criterion == "diagnosis"))
        else {
            panic!("{case}: diagnosis is reported");
        };
        assert_eq!(reported.detail_da(), da, "{case}: Danish");
        assert_eq!(reported.detail_en(), en, "{case}: English");
    }
}

/// The diagnosis outcome of every protocol for a profile, by key.
fn diagnosis_outcomes(
    protocols: &[ProtocolCriteria],
    patient: &PatientProfile,
) -> Vec<Option<Outcome>> {
    let outcome = snapshot(protocols.to_vec()).match_profile(patient, true);
    protocols
        .iter()
        .map(|p| {
            outcome
                .results
                .iter()
                .find(|r| r.key == p.key)
                .and_then(|r| r.outcome_of("diagnosis"))
        })
        .collect()
}

/// Codes for the properties, among them some of every group the strategies make.
const CODES: &[&str] = &[
    "C50", "C509", "C501", "C33", "C34", "C341", "C910", "C911", "C92", "C18", "C19", "C81",
    "C833", "D05",
];

proptest! {
    #[test]
    fn a_group_meets_every_protocol_that_one_of_its_codes_meets(
        protocols in protocols(),
        group in group(),
    ) {
        let age = 55;
        let for_group = diagnosis_outcomes(&protocols, &PatientProfile::with_diagnosis(age, group.clone()));
        for text in CODES {
            let code = code(text);
            let inside = match &group {
                Diagnosis::Group(list) => list.is_empty() || list.matches(&code),
                Diagnosis::Code(_) => false,
            };
            if !inside {
                continue;
            }
            let for_code = diagnosis_outcomes(&protocols, &PatientProfile::new(age, code));
            for (index, (by_code, by_group)) in for_code.iter().zip(&for_group).enumerate() {
                if *by_code == Some(Outcome::Met) {
                    prop_assert_eq!(
                        *by_group, Some(Outcome::Met),
                        "protocol {} is met for {}, inside {}", index, text, group
                    );
                }
            }
        }
    }

    #[test]
    fn a_wider_group_meets_every_protocol_a_narrower_one_meets(
        protocols in protocols(),
        narrow in group(),
        more in group(),
    ) {
        let (Diagnosis::Group(narrow_list), Diagnosis::Group(more_list)) = (&narrow, &more) else {
            return Err(TestCaseError::fail("groups are groups"));
        };
        // The empty group is already every diagnosis; widening it means nothing.
        prop_assume!(!narrow_list.is_empty() && !more_list.is_empty());
        let mut wide_list = narrow_list.clone();
        wide_list.0.extend(more_list.0.iter().cloned());
        let wide = Diagnosis::Group(wide_list);
        let narrow_outcomes = diagnosis_outcomes(&protocols, &PatientProfile::with_diagnosis(55, narrow.clone()));
        let wide_outcomes = diagnosis_outcomes(&protocols, &PatientProfile::with_diagnosis(55, wide.clone()));
        for (index, (was, is)) in narrow_outcomes.iter().zip(&wide_outcomes).enumerate() {
            if *was == Some(Outcome::Met) {
                prop_assert_eq!(*is, Some(Outcome::Met), "protocol {} for {} and {}", index, narrow, wide);
            }
        }
    }

    #[test]
    fn a_group_is_met_exactly_as_the_contract_words_it(
        protocols in protocols(),
        group in group(),
    ) {
        let outcomes = diagnosis_outcomes(&protocols, &PatientProfile::with_diagnosis(55, group.clone()));
        let reaches = |pattern: &IcdPattern| group.is_reached_by(pattern);
        for (protocol, outcome) in protocols.iter().zip(outcomes) {
            let Some(outcome) = outcome else { continue };
            let included = &protocol.eligibility.diagnoses;
            let met = (included.is_empty() || included.0.iter().any(reaches))
                && !protocol.eligibility.exclude_diagnoses.0.iter().any(|e| group.is_covered_by(e));
            let expected = if met { Outcome::Met } else { Outcome::NotMet };
            prop_assert_eq!(outcome, expected, "protocol {} for {}", protocol.key, group);
        }
    }
}
