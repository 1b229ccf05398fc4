//! The plain Danish and English sentence for each judged criterion, e.g. "Alder 67 er inden
//! for 18–75 år" or "HER2 negativ kræves; patienten er HER2 positiv".
//!
//! A match keeps only what a sentence is written from, a [`Detail`], and writes the sentence
//! when it is read or serialized: at 100,000 protocols a match reports some 8,000 criteria,
//! and writing their 16,000 sentences took most of its time.

mod markers;
mod treatment;

use super::judge::Check;
use super::text::{fill, AgeRange, Dotted, Group, Lang, Pattern, Patterns};
use crate::criteria::ProtocolCriteria;
use crate::diagnosis::{members, Diagnosis};
use crate::icd::{IcdCode, IcdPattern, IcdPatternList};
use crate::outcome::{CriterionResult, Outcome};
use crate::profile::PatientProfile;
use crate::vocab::{BiomarkerStatus, Setting, Sex, SexEligibility, Stage};
use std::sync::Arc;

/// What the sentence about one judged criterion is written from: the protocol, shared with
/// the snapshot, and what was judged of the patient. Cheap to make and to clone; the outcome
/// is the [`CriterionResult`]'s.
#[derive(Clone)]
pub(crate) struct Detail {
    protocol: Arc<ProtocolCriteria>,
    judged: Judged,
}

/// The criterion and the patient's values its sentence names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Judged {
    Age(u8),
    Sex(Option<Sex>),
    /// Indices into the protocol's included and excluded diagnoses.
    Diagnosis {
        patient: ShownDiagnosis,
        best: Option<usize>,
        excluded_by: Option<usize>,
    },
    Setting(Option<Setting>),
    Stage(Option<Stage>),
    PriorLines(Option<u8>),
    Ecog(Option<u8>),
    /// An index into the protocol's required markers and the patient's status for it.
    Required(usize, Option<BiomarkerStatus>),
    /// An index into the protocol's excluding markers and the patient's status for it.
    Excluded(usize, Option<BiomarkerStatus>),
}

/// The patient's canonical ICD-10 code, kept inline: a letter, two digits and a subcode of at
/// most four characters ([`IcdCode`] parsing guarantees it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ShortCode {
    bytes: [u8; 7],
    len: u8,
}

impl ShortCode {
    fn new(code: &IcdCode) -> Self {
        let text = code.as_str().as_bytes();
        let len = text.len().min(7);
        let mut bytes = [0; 7];
        bytes[..len].copy_from_slice(&text[..len]);
        Self {
            bytes,
            len: len as u8,
        }
    }

    fn as_str(&self) -> &str {
        // Copied whole from ASCII, so always valid.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

/// The patient's diagnosis as its sentences name it: a code inline, a group shared by every
/// result of the match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ShownDiagnosis {
    Code(ShortCode),
    Group(Arc<IcdPatternList>),
}

impl ShownDiagnosis {
    /// Made once per match.
    pub fn new(diagnosis: &Diagnosis) -> Self {
        match diagnosis {
            Diagnosis::Code(code) => Self::Code(ShortCode::new(code)),
            Diagnosis::Group(group) => Self::Group(Arc::new(group.clone())),
        }
    }
}

/// Where an item the judgement found stands in one of the protocol's lists. The judgement
/// hands out references into this same protocol, so the item is always found.
fn position<T>(items: &[T], found: &T) -> Option<usize> {
    items.iter().position(|item| std::ptr::eq(item, found))
}

/// The reported form of one judged criterion; its sentences are written when read.
pub(super) fn criterion_result(
    check: Check<'_>,
    outcome: Outcome,
    protocol: &Arc<ProtocolCriteria>,
    profile: &PatientProfile,
    diagnosis: &ShownDiagnosis,
) -> CriterionResult {
    let (criterion, judged) = match check {
        Check::Age => ("age".to_owned(), Judged::Age(profile.age)),
        Check::Sex => ("sex".to_owned(), Judged::Sex(profile.sex)),
        Check::Diagnosis(found) => (
            "diagnosis".to_owned(),
            Judged::Diagnosis {
                patient: diagnosis.clone(),
                best: found
                    .best
                    .and_then(|(_, found)| position(&protocol.eligibility.diagnoses.0, found)),
                excluded_by: found
                    .excluded_by
                    .and_then(|found| position(&protocol.eligibility.exclude_diagnoses.0, found)),
            },
        ),
        Check::Setting => ("setting".to_owned(), Judged::Setting(profile.setting)),
        Check::Stage => ("stage".to_owned(), Judged::Stage(profile.stage)),
        Check::PriorLines => (
            "prior_lines".to_owned(),
            Judged::PriorLines(profile.prior_lines),
        ),
        Check::Ecog => ("ecog".to_owned(), Judged::Ecog(profile.ecog)),
        Check::Required(biomarker, status) => (
            fill!("biomarker:{}", biomarker.marker),
            Judged::Required(
                position(&protocol.eligibility.biomarkers_required, biomarker)
                    .unwrap_or(usize::MAX),
                status,
            ),
        ),
        Check::Excluded(biomarker, status) => (
            fill!("excluded_biomarker:{}", biomarker.marker),
            Judged::Excluded(
                position(&protocol.eligibility.biomarkers_excluded, biomarker)
                    .unwrap_or(usize::MAX),
                status,
            ),
        ),
    };
    let detail = Detail {
        protocol: Arc::clone(protocol),
        judged,
    };
    CriterionResult::new(criterion, outcome, detail)
}

impl Detail {
    /// The sentence in Danish.
    pub(crate) fn da(&self, outcome: Outcome) -> String {
        self.text(outcome, Lang::Da)
    }

    /// The sentence in English.
    pub(crate) fn en(&self, outcome: Outcome) -> String {
        self.text(outcome, Lang::En)
    }

    fn text(&self, outcome: Outcome, lang: Lang) -> String {
        let protocol = &*self.protocol;
        match &self.judged {
            &Judged::Age(age) => self::age(protocol, age, outcome, lang),
            &Judged::Sex(sex) => self::sex(protocol, sex, lang),
            Judged::Diagnosis {
                patient,
                best,
                excluded_by,
            } => {
                let best = best.and_then(|index| protocol.eligibility.diagnoses.0.get(index));
                let excluded_by = excluded_by
                    .and_then(|index| protocol.eligibility.exclude_diagnoses.0.get(index));
                match patient {
                    ShownDiagnosis::Code(code) => {
                        diagnosis(protocol, code.as_str(), best, excluded_by, lang)
                    }
                    ShownDiagnosis::Group(group) => {
                        group_diagnosis(protocol, group, best, excluded_by, lang)
                    }
                }
            }
            &Judged::Setting(setting) => treatment::setting(protocol, setting, outcome, lang),
            &Judged::Stage(stage) => treatment::stage(protocol, stage, outcome, lang),
            &Judged::PriorLines(lines) => treatment::prior_lines(protocol, lines, outcome, lang),
            &Judged::Ecog(ecog) => treatment::ecog(protocol, ecog, outcome, lang),
            &Judged::Required(index, status) => protocol
                .eligibility
                .biomarkers_required
                .get(index)
                .map(|biomarker| markers::required(biomarker, status, lang))
                .unwrap_or_default(),
            &Judged::Excluded(index, status) => protocol
                .eligibility
                .biomarkers_excluded
                .get(index)
                .map(|biomarker| markers::excluded(biomarker, status, lang))
                .unwrap_or_default(),
        }
    }
}

/// The text in the chosen language, written only for that one:
/// `in_lang!(lang, fill!("Alder {}", age), fill!("Age {}", age))`.
macro_rules! in_lang {
    ($lang:expr, $da:expr, $en:expr $(,)?) => {
        match $lang {
            $crate::engine::text::Lang::Da => $da,
            $crate::engine::text::Lang::En => $en,
        }
    };
}
pub(super) use in_lang;

fn age(protocol: &ProtocolCriteria, age: u8, outcome: Outcome, lang: Lang) -> String {
    let (min, max) = (protocol.eligibility.age_min, protocol.eligibility.age_max);
    match (outcome, min, max) {
        (Outcome::NotMet, Some(min), _) if age < min => in_lang!(
            lang,
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
        (Outcome::NotMet, _, Some(max)) => in_lang!(
            lang,
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
        (_, None, None) => in_lang!(
            lang,
            fill!("Alder {} – protokollen har ingen aldersgrænse", age),
            fill!("Age {} – the protocol has no age limit", age),
        ),
        _ => {
            let range = AgeRange { min, max, lang };
            in_lang!(
                lang,
                fill!("Alder {} er {}", age, range),
                fill!("Age {} is {}", age, range),
            )
        }
    }
}

fn sex(protocol: &ProtocolCriteria, sex: Option<Sex>, lang: Lang) -> String {
    let only = match protocol.eligibility.sex {
        SexEligibility::Female => lang.pick("kun for kvinder", "for women only"),
        SexEligibility::Male => lang.pick("kun for mænd", "for men only"),
        SexEligibility::All => lang.pick("for alle køn", "for all sexes"),
    };
    let patient = match sex {
        Some(sex) => lang.pick(sex.label_da(), sex.label_en()),
        None => lang.pick("Køn ukendt", "Sex unknown"),
    };
    in_lang!(
        lang,
        fill!("{} – protokollen er {}", patient, only),
        fill!("{} – the protocol is {}", patient, only),
    )
}

/// `best` is the longest included pattern covering the patient's `code`, `excluded_by` the
/// first excluded one.
fn diagnosis(
    protocol: &ProtocolCriteria,
    code: &str,
    best: Option<&IcdPattern>,
    excluded_by: Option<&IcdPattern>,
    lang: Lang,
) -> String {
    let code = Dotted(code);
    let included = &protocol.eligibility.diagnoses;
    if !included.is_empty() && best.is_none() {
        let list = Patterns(&included.0);
        return in_lang!(
            lang,
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
    if let Some(excluded) = excluded_by {
        let pattern = Pattern(excluded);
        return in_lang!(
            lang,
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
    match best {
        Some(pattern) => {
            let pattern = Pattern(pattern);
            in_lang!(
                lang,
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
        None => in_lang!(
            lang,
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

/// The sentence for a group: `best` is the longest included pattern sharing a code with the
/// group, `excluded_by` the first excluded one covering all of it.
fn group_diagnosis(
    protocol: &ProtocolCriteria,
    group: &IcdPatternList,
    best: Option<&IcdPattern>,
    excluded_by: Option<&IcdPattern>,
    lang: Lang,
) -> String {
    let shown = Group(group, lang);
    let included = &protocol.eligibility.diagnoses;
    if !included.is_empty() && best.is_none() {
        let list = Patterns(&included.0);
        return in_lang!(
            lang,
            fill!(
                "Diagnosegruppen {} er ikke blandt protokollens diagnoser ({})",
                shown,
                list
            ),
            fill!(
                "Diagnosis group {} is not among the protocol's diagnoses ({})",
                shown,
                list
            ),
        );
    }
    if let Some(excluded) = excluded_by {
        let pattern = Pattern(excluded);
        return in_lang!(
            lang,
            fill!(
                "Diagnosegruppen {} er udelukket af protokollen ({})",
                shown,
                pattern
            ),
            fill!(
                "Diagnosis group {} is excluded by the protocol ({})",
                shown,
                pattern
            ),
        );
    }
    let Some(best) = best else {
        return in_lang!(
            lang,
            fill!(
                "Diagnosegruppen {} – protokollen er ikke begrænset til bestemte diagnoser",
                shown
            ),
            fill!(
                "Diagnosis group {} – the protocol is not limited to particular diagnoses",
                shown
            ),
        );
    };
    let members = members(group);
    let pattern = Pattern(best);
    if members.iter().all(|member| best.covers(member)) {
        in_lang!(
            lang,
            fill!(
                "Diagnosegruppen {} er omfattet af protokollens diagnoser ({})",
                shown,
                pattern
            ),
            fill!(
                "Diagnosis group {} is covered by the protocol's diagnoses ({})",
                shown,
                pattern
            ),
        )
    } else if members.iter().any(|member| member.covers(best)) {
        in_lang!(
            lang,
            fill!(
                "Protokollens diagnoser ({}) hører under diagnosegruppen {}",
                pattern,
                shown
            ),
            fill!(
                "The protocol's diagnoses ({}) fall within diagnosis group {}",
                pattern,
                shown
            ),
        )
    } else {
        in_lang!(
            lang,
            fill!(
                "Protokollens diagnoser ({}) overlapper diagnosegruppen {}",
                pattern,
                shown
            ),
            fill!(
                "The protocol's diagnoses ({}) overlap diagnosis group {}",
                pattern,
                shown
            ),
        )
    }
}
