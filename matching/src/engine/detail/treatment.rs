//! Sentences for where the patient is in the course of the disease and treatment: setting,
//! stage, earlier lines of treatment and ECOG performance status.

use super::in_lang;
use crate::criteria::ProtocolCriteria;
use crate::engine::text::{fill, Bounds, Lang, List, LowerFirst, Piece};
use crate::outcome::Outcome;
use crate::vocab::{Setting, Stage};

/// "is / is not included" in the language, by outcome.
fn included_word(outcome: Outcome, lang: Lang) -> &'static str {
    match outcome {
        Outcome::NotMet => lang.pick("er ikke omfattet", "is not included"),
        _ => lang.pick("er omfattet", "is included"),
    }
}

pub(super) fn setting(
    protocol: &ProtocolCriteria,
    setting: Option<Setting>,
    outcome: Outcome,
    lang: Lang,
) -> String {
    let required = List {
        items: &protocol.eligibility.settings,
        last_word: lang.pick(" eller ", " or "),
        show: match lang {
            Lang::Da => |setting: &Setting, out: &mut String| {
                LowerFirst(setting.label_da()).push_to(out);
            },
            Lang::En => |setting: &Setting, out: &mut String| {
                LowerFirst(setting.label_en()).push_to(out);
            },
        },
    };
    let Some(setting) = setting else {
        return in_lang!(
            lang,
            fill!(
                "Sygdomssituationen er ukendt; protokollen kræver {}",
                required
            ),
            fill!("The setting is unknown; the protocol requires {}", required),
        );
    };
    let is = included_word(outcome, lang);
    let label = LowerFirst(lang.pick(setting.label_da(), setting.label_en()));
    in_lang!(
        lang,
        fill!(
            "Sygdomssituationen {} {}; protokollen kræver {}",
            label,
            is,
            required
        ),
        fill!(
            "The setting {} {}; the protocol requires {}",
            label,
            is,
            required
        ),
    )
}

pub(super) fn stage(
    protocol: &ProtocolCriteria,
    stage: Option<Stage>,
    outcome: Outcome,
    lang: Lang,
) -> String {
    let required = List {
        items: &protocol.eligibility.stages,
        last_word: lang.pick(" eller ", " or "),
        show: |stage: &Stage, out: &mut String| out.push_str(stage.as_str()),
    };
    let Some(stage) = stage else {
        return in_lang!(
            lang,
            fill!("Stadie ukendt; protokollen kræver stadie {}", required),
            fill!("Stage unknown; the protocol requires stage {}", required),
        );
    };
    let is = included_word(outcome, lang);
    let stage = stage.as_str();
    in_lang!(
        lang,
        fill!(
            "Stadie {} {}; protokollen kræver stadie {}",
            stage,
            is,
            required
        ),
        fill!(
            "Stage {} {}; the protocol requires stage {}",
            stage,
            is,
            required
        ),
    )
}

pub(super) fn prior_lines(
    protocol: &ProtocolCriteria,
    lines: Option<u8>,
    outcome: Outcome,
    lang: Lang,
) -> String {
    let (min, max) = (
        protocol.eligibility.prior_lines_min,
        protocol.eligibility.prior_lines_max,
    );
    let bounds = Bounds { min, max, lang };
    let Some(lines) = lines else {
        return in_lang!(
            lang,
            fill!(
                "Antal tidligere behandlingslinjer ukendt; protokollen kræver {}",
                bounds
            ),
            fill!(
                "Number of prior lines of treatment unknown; the protocol requires {}",
                bounds
            ),
        );
    };
    let line_word = if lines == 1 {
        lang.pick("behandlingslinje", "line")
    } else {
        lang.pick("behandlingslinjer", "lines")
    };
    let relation = match outcome {
        Outcome::NotMet => lang.pick("uden for", "outside"),
        _ => lang.pick("inden for", "within"),
    };
    in_lang!(
        lang,
        fill!(
            "{} tidligere {}: {} protokollens krav på {}",
            lines,
            line_word,
            relation,
            bounds
        ),
        fill!(
            "{} prior {} of treatment: {} the protocol's requirement of {}",
            lines,
            line_word,
            relation,
            bounds
        ),
    )
}

pub(super) fn ecog(
    protocol: &ProtocolCriteria,
    ecog: Option<u8>,
    outcome: Outcome,
    lang: Lang,
) -> String {
    let max = protocol.eligibility.ecog_max.unwrap_or_default();
    let Some(ecog) = ecog else {
        return in_lang!(
            lang,
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
    let relation = match outcome {
        Outcome::NotMet => lang.pick("over", "above"),
        _ => lang.pick("inden for", "within"),
    };
    in_lang!(
        lang,
        fill!(
            "ECOG-funktionsniveau {} er {} protokollens grænse på højst {}",
            ecog,
            relation,
            max
        ),
        fill!(
            "ECOG performance status {} is {} the protocol's limit of at most {}",
            ecog,
            relation,
            max
        ),
    )
}
