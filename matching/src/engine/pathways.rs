//! Which referral pathways apply to a patient (contract §2), with a sentence saying why.

use super::text::{fill, within, Group, Lang, List, LowerFirst, Pattern, Piece, Texts};
use crate::criteria::Pathway;
use crate::diagnosis::Diagnosis;
use crate::outcome::PathwayHit;
use crate::profile::PatientProfile;

/// The pathway as a hit when every one of its rules holds for the patient, else `None`.
/// `any_eligible` says whether some result is `eligible`.
pub(super) fn pathway_hit(
    pathway: &Pathway,
    profile: &PatientProfile,
    any_eligible: bool,
) -> Option<PathwayHit> {
    let mut reasons_da: Vec<String> = Vec::new();
    let mut reasons_en: Vec<String> = Vec::new();
    let mut because = |texts: Texts| {
        reasons_da.push(texts.da);
        reasons_en.push(texts.en);
    };

    let age = profile.age;
    if !within(age, pathway.age_min, pathway.age_max) {
        return None;
    }
    // A lower bound of 0 alone excludes nobody, so it is no reason worth giving.
    let age_min = match pathway.age_max {
        Some(_) => pathway.age_min,
        None => pathway.age_min.filter(|&min| min > 0),
    };
    match (age_min, pathway.age_max) {
        (Some(min), Some(max)) => because(Texts::new(
            fill!("patienten er {} år ({}–{} år)", age, min, max),
            fill!("the patient is {} years old ({}–{} years)", age, min, max),
        )),
        (Some(min), None) => because(Texts::new(
            fill!("patienten er {} år ({} år eller ældre)", age, min),
            fill!("the patient is {} years old ({} or older)", age, min),
        )),
        (None, Some(max)) => because(Texts::new(
            fill!("patienten er {} år ({} år eller yngre)", age, max),
            fill!("the patient is {} years old ({} or younger)", age, max),
        )),
        (None, None) => {}
    }

    if !pathway.settings.is_empty() {
        // An unknown setting does not open a pathway reserved for some settings.
        let setting = profile
            .setting
            .filter(|setting| pathway.settings.contains(setting))?;
        because(Texts::new(
            fill!("sygdomssituationen er {}", LowerFirst(setting.label_da())),
            fill!("the setting is {}", LowerFirst(setting.label_en())),
        ));
    }

    if !pathway.icd10.is_empty() {
        // With a group, a pathway whose codes reach it may be the patient's, as a protocol's
        // diagnosis criterion is met (contract §2).
        let reaching = pathway
            .icd10
            .0
            .iter()
            .find(|pattern| profile.diagnosis.is_reached_by(pattern))?;
        let pattern = Pattern(reaching);
        match &profile.diagnosis {
            Diagnosis::Code(code) => because(Texts::new(
                fill!("diagnosen {} hører under {}", code, pattern),
                fill!("the diagnosis {} falls under {}", code, pattern),
            )),
            Diagnosis::Group(group) => because(Texts::new(
                fill!(
                    "diagnosegruppen {} overlapper {}",
                    Group(group, Lang::Da),
                    pattern
                ),
                fill!(
                    "the diagnosis group {} overlaps {}",
                    Group(group, Lang::En),
                    pattern
                ),
            )),
        }
    }

    if pathway.requires_exhausted {
        if profile.standard_options_exhausted != Some(true) {
            return None;
        }
        because(Texts::new(
            "de etablerede behandlingsmuligheder er udtømte".to_owned(),
            "established treatment options are exhausted".to_owned(),
        ));
    }

    if pathway.only_without_eligible {
        if any_eligible {
            return None;
        }
        because(Texts::new(
            "ingen åben protokol er fundet, som patienten med sikkerhed opfylder".to_owned(),
            "no open protocol was found that the patient clearly qualifies for".to_owned(),
        ));
    }

    let (reason_da, reason_en) = if reasons_da.is_empty() {
        (
            "Gælder alle patienter.".to_owned(),
            "Applies to every patient.".to_owned(),
        )
    } else {
        (
            fill!("Gælder, fordi {}.", reasons(&reasons_da, " og ")),
            fill!("Applies because {}.", reasons(&reasons_en, " and ")),
        )
    };
    Some(PathwayHit {
        code: pathway.code.clone(),
        kind: pathway.kind.clone(),
        name_da: pathway.name_da.clone(),
        name_en: pathway.name_en.clone(),
        reason_da,
        reason_en,
        site: pathway.site,
    })
}

/// The reasons as one list: "a, b og c".
fn reasons<'a>(reasons: &'a [String], last_word: &'static str) -> List<'a, String> {
    List {
        items: reasons,
        last_word,
        show: |reason, out| reason.push_to(out),
    }
}
