//! Sentences for where the patient is in the course of the disease and treatment: setting,
//! stage, earlier lines of treatment and ECOG performance status.

use crate::criteria::ProtocolCriteria;
use crate::engine::text::{fill, Bounds, Lang, List, LowerFirst, Piece, Texts};
use crate::outcome::Outcome;
use crate::profile::PatientProfile;
use crate::vocab::{Setting, Stage};

/// "is / is not included" in each language, by outcome.
fn included_word(outcome: Outcome) -> (&'static str, &'static str) {
    match outcome {
        Outcome::NotMet => ("er ikke omfattet", "is not included"),
        _ => ("er omfattet", "is included"),
    }
}

pub(super) fn setting(
    protocol: &ProtocolCriteria,
    profile: &PatientProfile,
    outcome: Outcome,
) -> Texts {
    let required_da = List {
        items: &protocol.settings,
        last_word: " eller ",
        show: |setting: &Setting, out| LowerFirst(setting.label_da()).push_to(out),
    };
    let required_en = List {
        items: &protocol.settings,
        last_word: " or ",
        show: |setting: &Setting, out| LowerFirst(setting.label_en()).push_to(out),
    };
    let Some(setting) = profile.setting else {
        return Texts::new(
            fill!(
                "Sygdomssituationen er ukendt; protokollen kræver {}",
                required_da
            ),
            fill!(
                "The setting is unknown; the protocol requires {}",
                required_en
            ),
        );
    };
    let (is_da, is_en) = included_word(outcome);
    let (label_da, label_en) = (
        LowerFirst(setting.label_da()),
        LowerFirst(setting.label_en()),
    );
    Texts::new(
        fill!(
            "Sygdomssituationen {} {}; protokollen kræver {}",
            label_da,
            is_da,
            required_da
        ),
        fill!(
            "The setting {} {}; the protocol requires {}",
            label_en,
            is_en,
            required_en
        ),
    )
}

pub(super) fn stage(
    protocol: &ProtocolCriteria,
    profile: &PatientProfile,
    outcome: Outcome,
) -> Texts {
    let roman = |stage: &Stage, out: &mut String| out.push_str(stage.as_str());
    let stages = &protocol.stages;
    let required_da = List {
        items: stages,
        last_word: " eller ",
        show: roman,
    };
    let required_en = List {
        items: stages,
        last_word: " or ",
        show: roman,
    };
    let Some(stage) = profile.stage else {
        return Texts::new(
            fill!("Stadie ukendt; protokollen kræver stadie {}", required_da),
            fill!("Stage unknown; the protocol requires stage {}", required_en),
        );
    };
    let (is_da, is_en) = included_word(outcome);
    let stage = stage.as_str();
    Texts::new(
        fill!(
            "Stadie {} {}; protokollen kræver stadie {}",
            stage,
            is_da,
            required_da
        ),
        fill!(
            "Stage {} {}; the protocol requires stage {}",
            stage,
            is_en,
            required_en
        ),
    )
}

pub(super) fn prior_lines(
    protocol: &ProtocolCriteria,
    profile: &PatientProfile,
    outcome: Outcome,
) -> Texts {
    let (min, max) = (protocol.prior_lines_min, protocol.prior_lines_max);
    let bounds = |lang| Bounds { min, max, lang };
    let Some(lines) = profile.prior_lines else {
        return Texts::new(
            fill!(
                "Antal tidligere behandlingslinjer ukendt; protokollen kræver {}",
                bounds(Lang::Da)
            ),
            fill!(
                "Number of prior lines of treatment unknown; the protocol requires {}",
                bounds(Lang::En)
            ),
        );
    };
    let (lines_da, lines_en) = if lines == 1 {
        ("behandlingslinje", "line")
    } else {
        ("behandlingslinjer", "lines")
    };
    let (where_da, where_en) = match outcome {
        Outcome::NotMet => ("uden for", "outside"),
        _ => ("inden for", "within"),
    };
    Texts::new(
        fill!(
            "{} tidligere {}: {} protokollens krav på {}",
            lines,
            lines_da,
            where_da,
            bounds(Lang::Da)
        ),
        fill!(
            "{} prior {} of treatment: {} the protocol's requirement of {}",
            lines,
            lines_en,
            where_en,
            bounds(Lang::En)
        ),
    )
}

pub(super) fn ecog(
    protocol: &ProtocolCriteria,
    profile: &PatientProfile,
    outcome: Outcome,
) -> Texts {
    let max = protocol.ecog_max.unwrap_or_default();
    let Some(ecog) = profile.ecog else {
        return Texts::new(
            fill!(
                "ECOG-funktionsniveau ukendt; protokollen kræver højst {}",
                max
            ),
            fill!(
                "ECOG performance status unknown; the protocol requires at most {}",
                max
            ),
        );
    };
    let (where_da, where_en) = match outcome {
        Outcome::NotMet => ("over", "above"),
        _ => ("inden for", "within"),
    };
    Texts::new(
        fill!(
            "ECOG-funktionsniveau {} er {} protokollens grænse på højst {}",
            ecog,
            where_da,
            max
        ),
        fill!(
            "ECOG performance status {} is {} the protocol's limit of at most {}",
            ecog,
            where_en,
            max
        ),
    )
}
