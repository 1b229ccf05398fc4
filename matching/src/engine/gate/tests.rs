//! The compiled gate against the reference judgement for hand-built patterns.

use super::super::judge;
use super::*;
use crate::criteria::Eligibility;
use crate::icd::IcdPattern;
use crate::vocab::SiteStatus;
use crate::Diagnosis;

#[test]
fn hand_built_patterns_give_the_reference_answer() {
    let prefix = |text: &str| IcdPattern::Prefix(text.to_owned());
    let range = |from: &str, to: &str| IcdPattern::Range {
        from: from.to_owned(),
        to: to.to_owned(),
    };
    let cases = [
        ("short prefix", vec![prefix("C5")], vec![]),
        ("empty prefix", vec![prefix("")], vec![]),
        ("prefix too long to pack", vec![prefix("C50912345")], vec![]),
        ("prefix that is not ASCII", vec![prefix("CÆ0")], vec![]),
        ("range of unequal ends", vec![range("C50", "C5099")], vec![]),
        ("range across letters", vec![range("C50", "D05")], vec![]),
        ("range of two characters", vec![range("C5", "C6")], vec![]),
        ("range of subcodes", vec![range("C508", "C509")], vec![]),
        (
            "long excluded prefix",
            vec![prefix("C50")],
            vec![prefix("C509123456")],
        ),
    ];
    let codes = ["C509", "C50", "D05", "C5099", "C501"];
    let groups = [
        IcdPatternList::default(),
        IcdPatternList(vec![prefix("C50"), range("C18", "C20")]),
        IcdPatternList(vec![prefix("C5")]),
        IcdPatternList(vec![prefix("")]),
        IcdPatternList(vec![prefix("CÆ0")]),
        IcdPatternList(vec![prefix("C509123456")]),
        IcdPatternList(vec![range("C50", "D05")]),
        IcdPatternList(vec![range("C508", "C509"), prefix("D05")]),
    ];
    let diagnoses: Vec<Diagnosis> = codes
        .iter()
        .map(|code| Diagnosis::Code(code.parse().expect("valid code")))
        .chain(groups.into_iter().map(Diagnosis::Group))
        .collect();
    for (case, included, excluded) in cases {
        let protocol = ProtocolCriteria {
            sites: vec![(0, SiteStatus::Open)],
            eligibility: Eligibility {
                diagnoses: IcdPatternList(included),
                exclude_diagnoses: IcdPatternList(excluded),
                ..Eligibility::default()
            },
            ..ProtocolCriteria::open(1, "HAND-BUILT")
        };
        let gates = Gates::build([&protocol]);
        for diagnosis in &diagnoses {
            let profile = PatientProfile::with_diagnosis(50, diagnosis.clone());
            let prepared = gates.prepare(&profile);
            assert_eq!(
                gates.summarise(0, &protocol, &profile, &prepared, false),
                judge::summarise(&protocol, &profile, false),
                "{case}, diagnosis {}",
                profile.diagnosis
            );
            let fast = gates.diagnosis_match(0, &protocol, &profile, &prepared);
            let reference = judge::diagnosis_match(&protocol, &profile.diagnosis);
            assert_eq!(
                (fast.best, fast.excluded_by),
                (reference.best, reference.excluded_by),
                "{case}, diagnosis {}: patterns named",
                profile.diagnosis
            );
        }
    }
}

#[test]
fn packed_texts_keep_text_order() {
    let cases = [
        ("C18", "C20"),
        ("C509", "C51"),
        ("C0", "C00"),
        ("C924", "C926"),
    ];
    for (lower, higher) in cases {
        assert!(pack(lower) < pack(higher), "{lower} < {higher}");
    }
    assert_eq!(pack("C509123456"), None, "more than eight characters");
}
