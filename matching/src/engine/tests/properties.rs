//! Properties that hold for any protocols and profile: what knowing more changes, determinism
//! and order, inclusive age bounds, what is never proposed, and the distance limit.

use super::super::judge;
use super::fixtures::{sites, snapshot};
use super::strategies::{home, profile, protocols, MARKERS};
use crate::{
    Biomarker, BiomarkerStatus, MatchOutcome, Outcome, PatientProfile, ProtocolCriteria,
    RecruitmentStatus, Setting, Sex, SiteStatus, Stage, Verdict,
};
use proptest::prelude::*;
use std::cmp::Reverse;

fn proposable(protocol: &ProtocolCriteria) -> bool {
    protocol.recruitment_status == RecruitmentStatus::Open
        && protocol
            .sites
            .iter()
            .any(|&(site, status)| status == SiteStatus::Open && site < sites().len())
}

/// The documented order, as a sort key: verdict, longer diagnosis match, narrower diagnosis
/// scope, fewer unknowns, distance (none last), acronym.
type OrderKey = (Verdict, Reverse<usize>, usize, usize, (bool, u64), String);

fn order_key(result: &crate::MatchResult) -> OrderKey {
    let distance = result
        .nearest_site
        .as_ref()
        .map_or((true, 0), |nearest| (false, nearest.distance_km.to_bits()));
    (
        result.verdict,
        Reverse(result.diagnosis_match_len),
        result.diagnosis_scope,
        result.unknowns(),
        distance,
        result.acronym.clone(),
    )
}

/// Which criteria a filled-in field may change, and a profile with it filled in.
fn fillings(profile: &PatientProfile) -> Vec<(Vec<String>, PatientProfile)> {
    let mut filled = Vec::new();
    let with = |edit: &dyn Fn(&mut PatientProfile)| {
        let mut copy = profile.clone();
        edit(&mut copy);
        copy
    };
    if profile.sex.is_none() {
        for sex in Sex::ALL {
            filled.push((vec!["sex".to_owned()], with(&|p| p.sex = Some(sex))));
        }
    }
    if profile.setting.is_none() {
        for setting in Setting::ALL {
            filled.push((
                vec!["setting".to_owned()],
                with(&|p| p.setting = Some(setting)),
            ));
        }
    }
    if profile.stage.is_none() {
        for stage in Stage::ALL {
            filled.push((vec!["stage".to_owned()], with(&|p| p.stage = Some(stage))));
        }
    }
    if profile.prior_lines.is_none() {
        for lines in [0, 1, 3] {
            filled.push((
                vec!["prior_lines".to_owned()],
                with(&|p| p.prior_lines = Some(lines)),
            ));
        }
    }
    if profile.ecog.is_none() {
        for ecog in [0, 2, 4] {
            filled.push((vec!["ecog".to_owned()], with(&|p| p.ecog = Some(ecog))));
        }
    }
    for marker in MARKERS {
        if profile.biomarker_status(marker).is_none() {
            for status in BiomarkerStatus::ALL {
                let Ok(biomarker) = Biomarker::new(marker, status) else {
                    continue;
                };
                let names = vec![
                    format!("biomarker:{marker}"),
                    format!("excluded_biomarker:{marker}"),
                ];
                filled.push((names, with(&|p| p.biomarkers.push(biomarker.clone()))));
            }
        }
    }
    filled
}

fn check_consistency(
    outcome: &MatchOutcome,
    include_ineligible: bool,
) -> Result<(), TestCaseError> {
    for result in &outcome.results {
        let verdict = Verdict::from_outcomes(result.criteria.iter().map(|c| c.outcome));
        prop_assert_eq!(result.verdict, verdict, "verdict of {}", result.key);
        prop_assert!(include_ineligible || result.verdict != Verdict::NotEligible);
    }
    let any_offer = outcome
        .results
        .iter()
        .any(|r| r.verdict != Verdict::NotEligible);
    prop_assert_eq!(outcome.no_offer_reason.is_none(), any_offer);
    Ok(())
}

proptest! {
    #[test]
    fn filling_in_an_unknown_field_changes_only_that_criterion_from_unknown(
        protocols in protocols(),
        profile in profile(),
    ) {
        let snapshot = snapshot(protocols);
        let before = snapshot.match_profile(&profile, true);
        for (changeable, filled) in fillings(&profile) {
            let after = snapshot.match_profile(&filled, true);
            prop_assert_eq!(before.results.len(), after.results.len());
            for old in &before.results {
                let new = after.results.iter().find(|r| r.key == old.key);
                let Some(new) = new else { return Err(TestCaseError::fail("a result went missing")) };
                prop_assert_eq!(old.criteria.len(), new.criteria.len());
                for (was, is) in old.criteria.iter().zip(&new.criteria) {
                    prop_assert_eq!(&was.criterion, &is.criterion);
                    if changeable.contains(&was.criterion) {
                        // A known value stays as it was; an unknown one becomes known.
                        let expected = if was.outcome == Outcome::Unknown {
                            is.outcome != Outcome::Unknown
                        } else {
                            was.outcome == is.outcome
                        };
                        prop_assert!(
                            expected,
                            "{} went from {:?} to {:?}", was.criterion, was.outcome, is.outcome
                        );
                    } else {
                        prop_assert_eq!(was, is, "filling {:?} changed another criterion", changeable);
                    }
                }
            }
        }
    }

    #[test]
    fn results_are_deterministic_and_in_the_documented_order(
        protocols in protocols(),
        profile in profile(),
        include_ineligible in any::<bool>(),
    ) {
        let forward = snapshot(protocols.clone());
        let outcome = forward.match_profile(&profile, include_ineligible);
        prop_assert_eq!(&outcome, &forward.match_profile(&profile, include_ineligible));
        let mut reversed = protocols;
        reversed.reverse();
        let from_reversed = snapshot(reversed).match_profile(&profile, include_ineligible);
        prop_assert_eq!(&outcome, &from_reversed, "input order does not matter");
        let mut resorted = outcome.results.clone();
        resorted.sort_by_key(order_key);
        prop_assert_eq!(&resorted, &outcome.results);
        check_consistency(&outcome, include_ineligible)?;
    }

    #[test]
    fn the_compiled_gate_agrees_with_the_full_judgement(
        protocols in protocols(),
        profile in profile(),
    ) {
        let snapshot = snapshot(protocols);
        let prepared = snapshot.gates.prepare(&profile);
        for (index, candidate) in snapshot.protocols.iter().enumerate() {
            for stop_when_unmet in [false, true] {
                let criteria = &candidate.criteria;
                prop_assert_eq!(
                    snapshot.gates.summarise(index, criteria, &profile, &prepared, stop_when_unmet),
                    judge::summarise(criteria, &profile, stop_when_unmet),
                    "protocol {}, stop when unmet {}", criteria.key, stop_when_unmet
                );
                let fast = snapshot.gates.diagnosis_match(index, criteria, &profile, &prepared);
                let reference = judge::diagnosis_match(criteria, &profile.diagnosis);
                prop_assert_eq!(fast.best, reference.best, "best pattern of {}", criteria.key);
                prop_assert_eq!(fast.excluded_by, reference.excluded_by);
            }
        }
    }

    #[test]
    fn without_ineligible_the_results_are_the_eligible_and_possibly_eligible_ones(
        protocols in protocols(),
        profile in profile(),
    ) {
        let snapshot = snapshot(protocols);
        let all = snapshot.match_profile(&profile, true);
        let mut wanted = all.clone();
        wanted.results.retain(|result| result.verdict != Verdict::NotEligible);
        prop_assert_eq!(snapshot.match_profile(&profile, false), wanted);
    }

    #[test]
    fn age_bounds_are_inclusive(min in 0..=120u8, span in 0..=40u8, age in 0..=120u8) {
        let max = min.saturating_add(span).min(120);
        let criteria = { let mut p = super::fixtures::protocol(1, "AGE"); p.eligibility.age_min = Some(min); p.eligibility.age_max = Some(max); p };
        let patient = PatientProfile { age, ..super::fixtures::profile() };
        let outcome = snapshot(vec![criteria]).match_profile(&patient, true);
        let expected = if (min..=max).contains(&age) { Outcome::Met } else { Outcome::NotMet };
        prop_assert_eq!(outcome.results[0].outcome_of("age"), Some(expected));
    }

    #[test]
    fn exactly_the_proposable_protocols_covering_the_diagnosis_are_judged(
        protocols in protocols(),
        profile in profile(),
    ) {
        let profile = PatientProfile { max_km: None, ..profile };
        let outcome = snapshot(protocols.clone()).match_profile(&profile, true);
        let mut judged: Vec<usize> = outcome.results.iter().map(|r| r.key).collect();
        judged.sort_unstable();
        for key in &judged {
            prop_assert!(proposable(&protocols[*key]), "protocol {} is not proposable", key);
        }
        let covering: Vec<usize> = protocols
            .iter()
            .filter(|p| proposable(p))
            .filter(|p| {
                p.eligibility.diagnoses.is_empty()
                    || p.eligibility.diagnoses.0.iter().any(|d| profile.diagnosis.is_reached_by(d))
            })
            .map(|p| p.key)
            .collect();
        for key in covering {
            prop_assert!(judged.contains(&key), "protocol {} covers the diagnosis", key);
        }
    }

    #[test]
    fn max_km_never_admits_a_farther_site(
        protocols in protocols(),
        profile in profile(),
        home in home(),
        max_km in 0.0..400.0f64,
    ) {
        let limited = PatientProfile { home: Some(home), max_km: Some(max_km), ..profile };
        let unlimited = PatientProfile { max_km: None, ..limited.clone() };
        let snapshot = snapshot(protocols);
        let within = snapshot.match_profile(&limited, true);
        for result in &within.results {
            let km = result.nearest_site.as_ref().map(|nearest| nearest.distance_km);
            prop_assert!(km.is_some_and(|km| km <= max_km), "{:?} km > {}", km, max_km);
        }
        let expected: Vec<_> = snapshot
            .match_profile(&unlimited, true)
            .results
            .into_iter()
            .filter(|r| r.nearest_site.as_ref().is_some_and(|n| n.distance_km <= max_km))
            .collect();
        prop_assert_eq!(&within.results, &expected);
    }
}
