//! The referral pathways of seed/pathways.csv applied as contract §2 says.

use super::fixtures::{
    code, pathway_codes, pathways, patterns, profile, protocol, sites, snapshot, HGH_EFEK,
    RH_FASE1, RH_NMBK,
};
use crate::{Pathway, PatientProfile, ProtocolCriteria, Setting, Snapshot};

/// A child's relapse protocol the patient fits when relapsed, and a breast protocol.
fn protocols() -> Vec<ProtocolCriteria> {
    let mut relapse = protocol(1, "NOPHO RELAPSE");
    relapse.eligibility.age_max = Some(17);
    relapse.eligibility.settings = vec![Setting::Relapsed];
    relapse.eligibility.diagnoses = patterns("C91");
    let mut breast = protocol(2, "DBCG TEST");
    breast.eligibility.age_min = Some(18);
    breast.eligibility.diagnoses = patterns("C50");
    vec![relapse, breast]
}

fn patient(age: u8, diagnosis: &str) -> PatientProfile {
    PatientProfile::new(age, code(diagnosis))
}

#[test]
fn pathways_apply_as_their_rules_say() {
    let snapshot = snapshot(protocols());
    #[rustfmt::skip]
    let cases: &[(&str, PatientProfile, &[&str])] = &[
        ("relapsed child with an eligible protocol gets NMBK only",
         PatientProfile { setting: Some(Setting::Relapsed), ..patient(9, "C910") }, &["NMBK"]),
        ("relapsed child with nothing eligible also gets the national MDT",
         PatientProfile { setting: Some(Setting::Relapsed), ..patient(9, "C710") }, &["NMBK", "NATMDT-BOERN"]),
        ("refractory child, whatever the code",
         PatientProfile { setting: Some(Setting::Refractory), ..patient(3, "D330") }, &["NMBK", "NATMDT-BOERN"]),
        ("relapsed 17-year-old is still a child",
         PatientProfile { setting: Some(Setting::Relapsed), ..patient(17, "C710") }, &["NMBK", "NATMDT-BOERN"]),
        ("newly diagnosed child gets no pathway",
         PatientProfile { setting: Some(Setting::NewlyDiagnosed), ..patient(9, "C710") }, &[]),
        ("child with an unknown setting gets no pathway",
         patient(9, "C710"), &[]),
        ("relapsed child with exhausted options, nothing eligible, also gets the panel",
         PatientProfile { setting: Some(Setting::Relapsed), standard_options_exhausted: Some(true), ..patient(9, "C710") },
         &["NMBK", "NATMDT-BOERN", "SST-PANEL"]),
        ("exhausted adult with nothing eligible gets the phase 1 units and the panel",
         PatientProfile { standard_options_exhausted: Some(true), ..patient(67, "C250") },
         &["RH-FASE1", "HGH-EFEK", "SST-PANEL"]),
        ("exhausted adult with an eligible protocol gets the phase 1 units only",
         PatientProfile { standard_options_exhausted: Some(true), ..patient(67, "C509") },
         &["RH-FASE1", "HGH-EFEK"]),
        ("exhausted 18-year-old relapsed is an adult",
         PatientProfile { setting: Some(Setting::Relapsed), standard_options_exhausted: Some(true), ..patient(18, "C710") },
         &["RH-FASE1", "HGH-EFEK", "SST-PANEL"]),
        ("adult whose options are not exhausted gets none",
         PatientProfile { standard_options_exhausted: Some(false), setting: Some(Setting::Relapsed), ..patient(67, "C250") }, &[]),
        ("adult with unknown exhaustion gets none",
         PatientProfile { setting: Some(Setting::Refractory), ..patient(67, "C250") }, &[]),
    ];
    for (case, profile, expected) in cases {
        assert_eq!(pathway_codes(&snapshot, profile), *expected, "{case}");
    }
}

#[test]
fn only_without_eligible_counts_possibly_eligible_results_as_not_eligible() {
    let mut breast = protocol(2, "DBCG TEST");
    breast.eligibility.diagnoses = patterns("C50");
    breast.eligibility.ecog_max = Some(1);
    let snapshot = snapshot(vec![breast]);
    let exhausted = PatientProfile {
        standard_options_exhausted: Some(true),
        ..profile()
    };
    let outcome = snapshot.match_profile(&exhausted, false);
    assert_eq!(
        outcome.results.len(),
        1,
        "the breast protocol is possibly eligible"
    );
    let codes: Vec<&str> = outcome
        .pathways
        .iter()
        .map(|hit| hit.code.as_str())
        .collect();
    assert_eq!(codes, ["RH-FASE1", "HGH-EFEK", "SST-PANEL"]);
}

#[test]
fn a_pathway_hit_names_the_site_and_says_why_it_applies() {
    let snapshot = snapshot(Vec::new());
    let child = PatientProfile {
        setting: Some(Setting::Relapsed),
        ..patient(9, "C710")
    };
    let outcome = snapshot.match_profile(&child, false);
    let nmbk = &outcome.pathways[0];
    assert_eq!(nmbk.code, "NMBK");
    assert_eq!(nmbk.kind, "paediatric_phase12");
    assert_eq!(nmbk.site, Some(RH_NMBK));
    assert_eq!(
        nmbk.reason_da,
        "Gælder, fordi patienten er 9 år (0–17 år) og sygdomssituationen er tilbagefald \
         (recidiv)."
    );
    assert_eq!(
        nmbk.reason_en,
        "Applies because the patient is 9 years old (0–17 years) and the setting is relapsed."
    );
    let national_mdt = &outcome.pathways[1];
    assert!(
        national_mdt
            .reason_en
            .ends_with("and no open protocol was found that the patient clearly qualifies for."),
        "the national MDT says that nothing was eligible: {}",
        national_mdt.reason_en
    );
    let panel = snapshot.match_profile(
        &PatientProfile {
            standard_options_exhausted: Some(true),
            ..patient(67, "C250")
        },
        false,
    );
    let sites: Vec<Option<usize>> = panel.pathways.iter().map(|hit| hit.site).collect();
    assert_eq!(sites, [Some(RH_FASE1), Some(HGH_EFEK), None]);
    let panel = panel.pathways.last().expect("the panel applies");
    assert_eq!(
        panel.reason_da,
        "Gælder, fordi de etablerede behandlingsmuligheder er udtømte og ingen åben protokol er fundet, som patienten med sikkerhed opfylder."
    );
}

#[test]
fn icd10_prefixes_scope_a_pathway_to_a_diagnosis() {
    let sarcoma_mdt = Pathway {
        code: "SARKOM-MDT".to_owned(),
        kind: "national_mdt".to_owned(),
        name_da: "National MDT for sarkomer".to_owned(),
        name_en: "National sarcoma MDT".to_owned(),
        site: None,
        age_min: None,
        age_max: None,
        settings: Vec::new(),
        icd10: patterns("C40-C41 C49"),
        requires_exhausted: false,
        only_without_eligible: false,
    };
    let snapshot = Snapshot::build(Vec::new(), sites(), vec![sarcoma_mdt]);
    let cases = [
        ("bone sarcoma in the range", "C402", true),
        ("soft-tissue sarcoma under the prefix", "DC499", true),
        ("breast cancer", "C509", false),
    ];
    for (case, diagnosis, applies) in cases {
        let hits = pathway_codes(&snapshot, &patient(45, diagnosis));
        assert_eq!(hits == ["SARKOM-MDT"], applies, "{case}: {hits:?}");
    }
    let hit = snapshot.match_profile(&patient(45, "C402"), false).pathways;
    assert_eq!(
        hit[0].reason_en,
        "Applies because the diagnosis C40.2 falls under C40–C41."
    );
    // A lay group reaches the pathway when one of the pathway's codes reaches the group.
    let group_cases = [
        ("sarcoma as a lay group", "C40-C41 C46-C47 C480 C49", true),
        ("soft-tissue sarcoma", "C49", true),
        ("bone cancer", "C40-C41", true),
        ("lung cancer", "C33-C34", false),
    ];
    for (case, group, applies) in group_cases {
        let lay = PatientProfile::with_diagnosis(45, crate::Diagnosis::Group(patterns(group)));
        let hits = pathway_codes(&snapshot, &lay);
        assert_eq!(hits == ["SARKOM-MDT"], applies, "{case}: {hits:?}");
    }
    let sarcoma = patterns("C40-C41 C46-C47 C480 C49");
    let lay = PatientProfile::with_diagnosis(45, crate::Diagnosis::Group(sarcoma));
    let hit = snapshot.match_profile(&lay, false).pathways;
    assert_eq!(
        hit[0].reason_da,
        "Gælder, fordi diagnosegruppen C40–C41, C46–C47, C48.0, C49 overlapper C40–C41."
    );
}

#[test]
fn the_seed_has_the_five_pathways_the_tests_rely_on() {
    let codes: Vec<String> = pathways().into_iter().map(|pathway| pathway.code).collect();
    assert_eq!(
        codes,
        ["NMBK", "NATMDT-BOERN", "RH-FASE1", "HGH-EFEK", "SST-PANEL"]
    );
}
