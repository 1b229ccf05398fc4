//! The plain Danish and English sentence for each judged criterion, e.g. "Alder 67 er inden
//! for 18–75 år" or "HER2 negativ kræves; patienten er HER2 positiv".

mod markers;
mod treatment;

use super::judge::{Check, DiagnosisMatch};
use super::text::{fill, AgeRange, Lang, Pattern, Patterns, Texts};
use crate::criteria::ProtocolCriteria;
use crate::outcome::{CriterionResult, Outcome};
use crate::profile::PatientProfile;
use crate::vocab::SexEligibility;

/// The reported form of one judged criterion.
pub(super) fn criterion_result(
    check: Check<'_>,
    outcome: Outcome,
    protocol: &ProtocolCriteria,
    profile: &PatientProfile,
) -> CriterionResult {
    let (criterion, texts) = match check {
        Check::Age => ("age".to_owned(), age(protocol, profile.age, outcome)),
        Check::Sex => ("sex".to_owned(), sex(protocol, profile)),
        Check::Diagnosis(diagnosis) => (
            "diagnosis".to_owned(),
            diagnosis_texts(protocol, profile, diagnosis),
        ),
        Check::Setting => (
            "setting".to_owned(),
            treatment::setting(protocol, profile, outcome),
        ),
        Check::Stage => (
            "stage".to_owned(),
            treatment::stage(protocol, profile, outcome),
        ),
        Check::PriorLines => (
            "prior_lines".to_owned(),
            treatment::prior_lines(protocol, profile, outcome),
        ),
        Check::Ecog => (
            "ecog".to_owned(),
            treatment::ecog(protocol, profile, outcome),
        ),
        Check::Required(biomarker, status) => (
            fill!("biomarker:{}", biomarker.marker),
            markers::required(biomarker, status),
        ),
        Check::Excluded(biomarker, status) => (
            fill!("excluded_biomarker:{}", biomarker.marker),
            markers::excluded(biomarker, status),
        ),
    };
    CriterionResult {
        criterion,
        outcome,
        detail_da: texts.da,
        detail_en: texts.en,
    }
}

fn age(protocol: &ProtocolCriteria, age: u8, outcome: Outcome) -> Texts {
    let (min, max) = (protocol.age_min, protocol.age_max);
    match (outcome, min, max) {
        (Outcome::NotMet, Some(min), _) if age < min => Texts::new(
            fill!(
                "Alder {} er under protokollens nedre aldersgrænse på {} år",
                age,
                min
            ),
            fill!(
                "Age {} is below the protocol's minimum age of {} years",
                age,
                min
            ),
        ),
        (Outcome::NotMet, _, Some(max)) => Texts::new(
            fill!(
                "Alder {} er over protokollens øvre aldersgrænse på {} år",
                age,
                max
            ),
            fill!(
                "Age {} is above the protocol's maximum age of {} years",
                age,
                max
            ),
        ),
        (_, None, None) => Texts::new(
            fill!("Alder {} – protokollen har ingen aldersgrænse", age),
            fill!("Age {} – the protocol has no age limit", age),
        ),
        _ => {
            let range = |lang| AgeRange { min, max, lang };
            Texts::new(
                fill!("Alder {} er {}", age, range(Lang::Da)),
                fill!("Age {} is {}", age, range(Lang::En)),
            )
        }
    }
}

fn sex(protocol: &ProtocolCriteria, profile: &PatientProfile) -> Texts {
    let (only_da, only_en) = match protocol.sex {
        SexEligibility::Female => ("kun for kvinder", "for women only"),
        SexEligibility::Male => ("kun for mænd", "for men only"),
        SexEligibility::All => ("for alle køn", "for all sexes"),
    };
    let (patient_da, patient_en) = match profile.sex {
        Some(sex) => (sex.label_da(), sex.label_en()),
        None => ("Køn ukendt", "Sex unknown"),
    };
    Texts::new(
        fill!("{} – protokollen er {}", patient_da, only_da),
        fill!("{} – the protocol is {}", patient_en, only_en),
    )
}

fn diagnosis_texts(
    protocol: &ProtocolCriteria,
    profile: &PatientProfile,
    diagnosis: DiagnosisMatch<'_>,
) -> Texts {
    let code = &profile.diagnosis;
    let included = &protocol.diagnoses;
    if !included.is_empty() && diagnosis.best.is_none() {
        let list = Patterns(&included.0);
        return Texts::new(
            fill!(
                "Diagnosen {} er ikke blandt protokollens diagnoser ({})",
                code,
                list
            ),
            fill!(
                "Diagnosis {} is not among the protocol's diagnoses ({})",
                code,
                list
            ),
        );
    }
    if let Some(excluded) = diagnosis.excluded_by {
        let pattern = Pattern(excluded);
        return Texts::new(
            fill!(
                "Diagnosen {} er udelukket af protokollen ({})",
                code,
                pattern
            ),
            fill!(
                "Diagnosis {} is excluded by the protocol ({})",
                code,
                pattern
            ),
        );
    }
    match diagnosis.best {
        Some((_, pattern)) => {
            let pattern = Pattern(pattern);
            Texts::new(
                fill!(
                    "Diagnosen {} er omfattet af protokollens diagnoser ({})",
                    code,
                    pattern
                ),
                fill!(
                    "Diagnosis {} is covered by the protocol's diagnoses ({})",
                    code,
                    pattern
                ),
            )
        }
        None => Texts::new(
            fill!(
                "Diagnosen {} – protokollen er ikke begrænset til bestemte diagnoser",
                code
            ),
            fill!(
                "Diagnosis {} – the protocol is not limited to particular diagnoses",
                code
            ),
        ),
    }
}
