//! Which protocols are proposed, where, in what order, and how the outcome serializes.

use super::fixtures::{
    aarhus, copenhagen, hjoerring, marker, patterns, profile, protocol, snapshot, AAUH_ONK,
    AUH_ONK, HJO_ONK, OUH_ONK, RH_ONK,
};
use crate::criteria::Eligibility;
use crate::{
    BiomarkerStatus, MatchOutcome, NoOfferReason, PatientProfile, ProtocolCriteria,
    RecruitmentStatus, Region, Setting, SiteStatus, Verdict,
};

/// Case name, trial status, sites, whether the protocol is proposed.
type StatusCase = (
    &'static str,
    RecruitmentStatus,
    &'static [(usize, SiteStatus)],
    bool,
);

fn keys(outcome: &MatchOutcome) -> Vec<usize> {
    outcome.results.iter().map(|result| result.key).collect()
}

#[test]
fn only_open_protocols_with_an_open_site_are_proposed() {
    use RecruitmentStatus as R;
    use SiteStatus as S;
    #[rustfmt::skip]
    let cases: &[StatusCase] = &[
        ("open with an open site", R::Open, &[(AUH_ONK, S::Open)], true),
        ("open with one open site of several", R::Open, &[(RH_ONK, S::Closed), (AUH_ONK, S::Open)], true),
        ("open without sites", R::Open, &[], false),
        ("open with only planned sites", R::Open, &[(AUH_ONK, S::Planned)], false),
        ("open with only a temporarily closed site", R::Open, &[(AUH_ONK, S::TemporarilyClosed)], false),
        ("open with only closed sites", R::Open, &[(AUH_ONK, S::Closed), (RH_ONK, S::Closed)], false),
        ("open at a site that does not exist", R::Open, &[(999, S::Open)], false),
        ("planned", R::Planned, &[(AUH_ONK, S::Open)], false),
        ("temporarily closed", R::TemporarilyClosed, &[(AUH_ONK, S::Open)], false),
        ("closed", R::Closed, &[(AUH_ONK, S::Open)], false),
        ("completed", R::Completed, &[(AUH_ONK, S::Open)], false),
        ("withdrawn", R::Withdrawn, &[(AUH_ONK, S::Open)], false),
    ];
    for &(case, status, sites, proposed) in cases {
        let criteria = ProtocolCriteria {
            recruitment_status: status,
            sites: sites.to_vec(),
            ..protocol(1, "TEST")
        };
        let snapshot = snapshot(vec![criteria]);
        assert_eq!(snapshot.len(), usize::from(proposed), "{case}: kept");
        let outcome = snapshot.match_profile(&profile(), true);
        assert_eq!(
            outcome.results.len(),
            usize::from(proposed),
            "{case}: proposed"
        );
    }
}

#[test]
fn not_eligible_results_come_only_when_asked_for() {
    let too_young = {
        let mut p = protocol(1, "YOUNG");
        p.eligibility.age_max = Some(40);
        p
    };
    let snapshot = snapshot(vec![too_young, protocol(2, "ANY")]);
    let without = snapshot.match_profile(&profile(), false);
    assert_eq!(keys(&without), [2]);
    assert_eq!(without.no_offer_reason, None);
    let with = snapshot.match_profile(&profile(), true);
    assert_eq!(keys(&with), [2, 1]);
    assert_eq!(with.results[1].verdict, Verdict::NotEligible);
}

#[test]
fn no_offer_reason_is_set_when_nothing_is_even_possibly_eligible() {
    let cases: [(&str, Vec<ProtocolCriteria>, Option<NoOfferReason>); 4] = [
        (
            "no protocols",
            vec![],
            Some(NoOfferReason::NoRelevantProtocol),
        ),
        (
            "only an ineligible protocol",
            vec![{
                let mut p = protocol(1, "CHILD");
                p.eligibility.age_max = Some(17);
                p
            }],
            Some(NoOfferReason::NoRelevantProtocol),
        ),
        (
            "a possibly eligible protocol",
            vec![{
                let mut p = protocol(1, "ECOG");
                p.eligibility.ecog_max = Some(1);
                p
            }],
            None,
        ),
        ("an eligible protocol", vec![protocol(1, "ANY")], None),
    ];
    for (case, protocols, expected) in cases {
        let snapshot = snapshot(protocols);
        for include_ineligible in [false, true] {
            let outcome = snapshot.match_profile(&profile(), include_ineligible);
            assert_eq!(
                outcome.no_offer_reason, expected,
                "{case}, {include_ineligible}"
            );
        }
    }
}

#[test]
fn the_nearest_open_site_decides_distance_and_referral() {
    let open_at = |sites: &[usize]| ProtocolCriteria {
        sites: sites.iter().map(|&site| (site, SiteStatus::Open)).collect(),
        ..protocol(1, "TEST")
    };
    #[rustfmt::skip]
    let cases = [
        ("Aarhus patient, Aarhus site", aarhus(), open_at(&[AUH_ONK, RH_ONK]), "AUH-ONK", Region::Midtjylland, false),
        ("Hjørring patient, only Aarhus", hjoerring(), open_at(&[AUH_ONK]), "AUH-ONK", Region::Midtjylland, true),
        ("Hjørring patient, Aalborg in the home region", hjoerring(), open_at(&[AUH_ONK, AAUH_ONK]), "AAUH-ONK", Region::Nordjylland, false),
        ("Hjørring patient, Hjørring site", hjoerring(), open_at(&[AAUH_ONK, HJO_ONK]), "HJO-ONK", Region::Nordjylland, false),
        ("Copenhagen patient, only Odense", copenhagen(), open_at(&[OUH_ONK]), "OUH-ONK", Region::Syddanmark, true),
        ("closed nearer site does not count", hjoerring(), ProtocolCriteria {
            sites: vec![(HJO_ONK, SiteStatus::Closed), (AUH_ONK, SiteStatus::Open)], ..protocol(1, "TEST")
        }, "AUH-ONK", Region::Midtjylland, true),
    ];
    for (case, home, criteria, site_code, region, referral) in cases {
        let patient = PatientProfile {
            home: Some(home),
            ..profile()
        };
        let outcome = snapshot(vec![criteria]).match_profile(&patient, false);
        let result = &outcome.results[0];
        let Some(nearest) = &result.nearest_site else {
            panic!("{case}: a nearest site is given");
        };
        assert_eq!(nearest.code, site_code, "{case}: site");
        assert_eq!(nearest.region, region, "{case}: region");
        assert!(
            nearest.distance_km.is_finite() && nearest.distance_km >= 0.0,
            "{case}"
        );
        assert_eq!(result.referral_needed, referral, "{case}: referral");
    }
    let without_home = snapshot(vec![open_at(&[AUH_ONK])]).match_profile(&profile(), false);
    assert_eq!(
        without_home.results[0].nearest_site, None,
        "no home, no distance"
    );
    assert!(
        !without_home.results[0].referral_needed,
        "no home, no referral"
    );
}

#[test]
fn max_km_leaves_out_protocols_whose_nearest_site_is_farther() {
    let protocols = vec![
        protocol(1, "AARHUS"),
        ProtocolCriteria {
            sites: vec![(RH_ONK, SiteStatus::Open)],
            ..protocol(2, "COPENHAGEN")
        },
    ];
    let snapshot = snapshot(protocols);
    #[rustfmt::skip]
    let cases = [
        ("no limit", Some(aarhus()), None, vec![1, 2]),
        ("50 km from Aarhus", Some(aarhus()), Some(50.0), vec![1]),
        ("0 km from Aarhus", Some(aarhus()), Some(0.0), vec![]),
        ("200 km from Aarhus", Some(aarhus()), Some(200.0), vec![1, 2]),
        ("max_km without a home is ignored", None, Some(1.0), vec![1, 2]),
    ];
    for (case, home, max_km, expected) in cases {
        let patient = PatientProfile {
            home,
            max_km,
            ..profile()
        };
        let outcome = snapshot.match_profile(&patient, true);
        assert_eq!(keys(&outcome), expected, "{case}");
    }
}

#[test]
fn results_are_ordered_by_verdict_specificity_scope_unknowns_distance_and_acronym() {
    let at = |key, acronym: &str, site| ProtocolCriteria {
        sites: vec![(site, SiteStatus::Open)],
        ..protocol(key, acronym)
    };
    let with_unknowns = |key, acronym, count: usize| {
        let mut p = at(key, acronym, AUH_ONK);
        p.eligibility.biomarkers_required = ["ER", "PR", "HER2"][..count]
            .iter()
            .map(|name| marker(name, BiomarkerStatus::Positive))
            .collect();
        p
    };
    let protocols = vec![
        {
            let mut p = at(1, "A NOT ELIGIBLE", AUH_ONK);
            p.eligibility.age_max = Some(17);
            p
        },
        with_unknowns(2, "B TWO UNKNOWNS", 2),
        with_unknowns(3, "C ONE UNKNOWN", 1),
        {
            let mut p = at(4, "D CATEGORY", RH_ONK);
            p.eligibility.diagnoses = patterns("C50");
            p
        },
        {
            let mut p = at(5, "E SUBCODE FAR", RH_ONK);
            p.eligibility.diagnoses = patterns("C509");
            p
        },
        {
            let mut p = at(6, "F SUBCODE NEAR", AUH_ONK);
            p.eligibility.diagnoses = patterns("C509");
            p
        },
        at(7, "H ANY", RH_ONK),
        at(8, "G ANY", RH_ONK),
        {
            let mut p = at(9, "I RANGE", AUH_ONK);
            p.eligibility.diagnoses = patterns("C00-C97");
            p
        },
        {
            let mut p = at(10, "J WRONG SETTING", AUH_ONK);
            p.eligibility.settings = vec![Setting::Adjuvant];
            p
        },
    ];
    let patient = PatientProfile {
        home: Some(aarhus()),
        setting: Some(Setting::Metastatic),
        ..profile()
    };
    let outcome = snapshot(protocols).match_profile(&patient, true);
    let acronyms: Vec<&str> = outcome.results.iter().map(|r| r.acronym.as_str()).collect();
    assert_eq!(
        acronyms,
        [
            "F SUBCODE NEAR",
            "E SUBCODE FAR",
            "D CATEGORY",
            "I RANGE",
            "G ANY",
            "H ANY",
            "C ONE UNKNOWN",
            "B TWO UNKNOWNS",
            "A NOT ELIGIBLE",
            "J WRONG SETTING",
        ]
    );
}

#[test]
fn the_outcome_serializes_in_the_contract_shape() {
    let criteria = {
        let mut p = protocol(7, "DBCG TEST");
        p.eligibility = Eligibility {
            diagnoses: patterns("C50"),
            ecog_max: Some(2),
            ..p.eligibility
        };
        p
    };
    let patient = PatientProfile {
        home: Some(hjoerring()),
        ..profile()
    };
    let outcome = snapshot(vec![criteria]).match_profile(&patient, false);
    let json = serde_json::to_value(&outcome).expect("serializes");
    let result = &json["results"][0];
    assert_eq!(result["key"], 7);
    assert_eq!(result["acronym"], "DBCG TEST");
    assert_eq!(result["verdict"], "possibly_eligible");
    assert_eq!(result["criteria"][2]["criterion"], "ecog");
    assert_eq!(result["criteria"][2]["outcome"], "unknown");
    assert!(result["criteria"][2]["detail_da"].is_string());
    assert!(result["criteria"][2]["detail_en"].is_string());
    assert_eq!(result["nearest_site"]["code"], "AUH-ONK");
    assert_eq!(result["nearest_site"]["site"], AUH_ONK);
    assert_eq!(result["nearest_site"]["region"], 1082);
    assert!(result["nearest_site"]["distance_km"]
        .as_f64()
        .is_some_and(|km| km > 100.0));
    assert_eq!(result["referral_needed"], true);
    assert_eq!(result["diagnosis_match_len"], 3);
    assert_eq!(result["diagnosis_scope"], 1);
    assert_eq!(json["pathways"], serde_json::json!([]));
    assert_eq!(json["no_offer_reason"], serde_json::Value::Null);
}

#[test]
fn distances_order_as_total_cmp_orders_them() {
    let values = [
        f64::NEG_INFINITY,
        -1.0,
        -0.0,
        0.0,
        1e-9,
        4.2,
        157.3,
        1e300,
        f64::INFINITY,
        f64::NAN,
    ];
    for a in values {
        for b in values {
            assert_eq!(
                super::super::total_order_bits(a).cmp(&super::super::total_order_bits(b)),
                a.total_cmp(&b),
                "{a} against {b}"
            );
        }
    }
}

/// A protocol open at one site with these diagnoses and this many unknown markers.
fn ranked(acronym: &str, diagnoses: &str, unknowns: usize, site: usize) -> ProtocolCriteria {
    let mut p = ProtocolCriteria {
        sites: vec![(site, SiteStatus::Open)],
        ..protocol(0, acronym)
    };
    p.eligibility.diagnoses = patterns(diagnoses);
    p.eligibility.biomarkers_required = ["ER", "PR", "HER2"][..unknowns]
        .iter()
        .map(|name| marker(name, BiomarkerStatus::Positive))
        .collect();
    p
}

#[test]
fn each_ordering_key_decides_before_the_ones_after_it() {
    // (case, first, second): the first protocol is listed before the second although every
    // later key favours the second. The patient has lung cancer (C34.1) and lives in Aarhus.
    #[rustfmt::skip]
    let cases = [
        ("eligible before possibly eligible, however wide",
         ranked("B BASKET", "C00-C97", 0, RH_ONK), ranked("A LUNG", "C341", 1, AUH_ONK)),
        ("a longer match before a narrower scope",
         ranked("B SUBCODE", "C341 C50-C59", 0, RH_ONK), ranked("A LUNG", "C34", 0, AUH_ONK)),
        ("a narrower scope before fewer unknowns",
         ranked("B LUNG", "C34", 2, RH_ONK), ranked("A BASKET", "C00-C97", 1, AUH_ONK)),
        ("a narrower scope before distance",
         ranked("B LUNG", "C34", 0, RH_ONK), ranked("A THORAX", "C30-C39", 0, AUH_ONK)),
        ("one category before two",
         ranked("B LUNG", "C34", 0, RH_ONK), ranked("A AIRWAYS", "C33-C34", 0, AUH_ONK)),
        ("fewer unknowns before distance",
         ranked("B LUNG", "C34", 0, RH_ONK), ranked("A LUNG", "C34", 1, AUH_ONK)),
        ("nearer before the acronym",
         ranked("B LUNG", "C34", 0, AUH_ONK), ranked("A LUNG", "C34", 0, RH_ONK)),
    ];
    let patient = PatientProfile {
        home: Some(aarhus()),
        ..PatientProfile::new(67, super::fixtures::code("C341"))
    };
    for (case, mut first, mut second) in cases {
        first.key = 1;
        second.key = 2;
        let (first_name, second_name) = (first.acronym.clone(), second.acronym.clone());
        for protocols in [vec![first.clone(), second.clone()], vec![second, first]] {
            let outcome = snapshot(protocols).match_profile(&patient, true);
            let acronyms: Vec<&str> = outcome.results.iter().map(|r| r.acronym.as_str()).collect();
            assert_eq!(
                acronyms,
                [first_name.as_str(), second_name.as_str()],
                "{case}"
            );
        }
    }
}

#[test]
fn a_trial_for_one_disease_comes_before_baskets_and_all_cancer_trials_for_a_lay_group() {
    let protocols = vec![
        ranked("A NO DIAGNOSES", "", 0, AUH_ONK),
        ranked("B ALL CANCERS", "C00-C97", 0, AUH_ONK),
        ranked("C THORAX", "C30-C39", 0, AUH_ONK),
        ranked("D LUNG", "C34", 0, RH_ONK),
        ranked("E UPPER LOBE", "C341", 0, RH_ONK),
        ranked("F BREAST", "C50", 0, AUH_ONK),
    ];
    let lung = PatientProfile {
        home: Some(aarhus()),
        ..PatientProfile::with_diagnosis(67, crate::Diagnosis::Group(patterns("C33-C34")))
    };
    let outcome = snapshot(protocols).match_profile(&lung, false);
    let found: Vec<(&str, usize, usize)> = outcome
        .results
        .iter()
        .map(|r| (r.acronym.as_str(), r.diagnosis_match_len, r.diagnosis_scope))
        .collect();
    assert_eq!(
        found,
        [
            ("E UPPER LOBE", 4, 1),
            ("D LUNG", 3, 1),
            ("C THORAX", 3, 10),
            ("B ALL CANCERS", 3, 98),
            ("A NO DIAGNOSES", 0, 2600),
        ],
        "the breast trial does not reach the group"
    );
}

#[test]
fn the_diagnosis_scope_counts_the_categories_a_protocol_covers() {
    let cases = [
        ("C34", 1),
        ("C341", 1),
        ("C341 C349", 1),
        ("C33-C34", 2),
        ("C509 C50-C52", 3),
        ("C81-C86 C88", 7),
        ("C00-C14 C30-C32 C73", 19),
        ("C00-C97", 98),
        ("", 2600),
    ];
    for (diagnoses, scope) in cases {
        let outcome = snapshot(vec![ranked("P", diagnoses, 0, AUH_ONK)]).match_profile(
            &PatientProfile::with_diagnosis(50, crate::Diagnosis::any()),
            true,
        );
        assert_eq!(
            outcome.results.first().map(|r| r.diagnosis_scope),
            Some(scope),
            "scope of {diagnoses:?}"
        );
    }
}
