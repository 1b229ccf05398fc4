//! A conference's list matched case by case, each case exactly as `/match` matches it (the
//! clinician's reading of the diagnosis), into one row per case for the page and the printed
//! summary.

use dccc_matching::{PatientProfile, Verdict};

use crate::catalogue::matcher::diagnosis_names;
use crate::catalogue::Catalogue;
use crate::domain::case_list::{check_case_number, read_biomarkers, read_yes_no, CaseRow};
use crate::domain::FieldError;
use crate::web::i18n::Lang;
use crate::web::match_::profile::{BiomarkerInput, ProfileInput};
use crate::web::match_::results::{card, pathway_views, CardView, PathwayView};

/// The most proposals a case shows on the page: a conference needs the best few; the rest
/// are one click away in the single match.
pub const BEST_PER_CASE: usize = 10;

/// One case's answer.
pub struct CaseResultView {
    /// The case's place in the list, from 0.
    pub index: usize,
    pub reference: String,
    pub eligible: usize,
    pub possibly: usize,
    pub not_eligible: usize,
    /// The eligible and possibly eligible protocols, best first (as the single match orders
    /// them: verdict, then distance).
    pub protocols: Vec<CardView>,
    /// Eligible or possibly eligible protocols beyond the best [`BEST_PER_CASE`].
    pub more: usize,
    /// The case as the single match's form names its fields, for "see them all".
    pub single_fields: Vec<(String, String)>,
    pub pathways: Vec<PathwayView>,
    /// No open protocol fits: the register's "no relevant protocol".
    pub no_offer: bool,
    /// The case's fields the offer form is prefilled with.
    pub age: String,
    pub sex: String,
    pub postcode: String,
}

/// The name of a case's field on the page: `cases[3].age`.
pub fn field_name(index: usize, field: &str) -> String {
    format!("cases[{index}].{field}")
}

/// The profile of one case, or its errors, each naming the case's field (`cases[3].age`).
pub fn case_profile(
    index: usize,
    case: &CaseRow,
    catalogue: &Catalogue,
) -> Result<PatientProfile, Vec<FieldError>> {
    let mut errors = Vec::new();
    if let Err(message) = check_case_number(case.get("case")) {
        errors.push(FieldError::new(field_name(index, "case"), message));
    }
    let biomarkers = match read_biomarkers(case.get("biomarkers")) {
        Ok(markers) => markers
            .into_iter()
            .map(|(marker, status)| BiomarkerInput {
                marker,
                status: status.to_owned(),
            })
            .collect(),
        Err(message) => {
            errors.push(FieldError::new(field_name(index, "biomarkers"), message));
            Vec::new()
        }
    };
    let exhausted = read_yes_no(case.get("standard_options_exhausted")).unwrap_or_else(|message| {
        errors.push(FieldError::new(
            field_name(index, "standard_options_exhausted"),
            message,
        ));
        None
    });
    let text = |field: &str| Some(case.get(field).to_owned()).filter(|s| !s.is_empty());
    let value = |field: &str| text(field).map(serde_json::Value::String);
    let input = ProfileInput {
        age: value("age"),
        sex: text("sex"),
        diagnosis: text("diagnosis"),
        setting: text("setting"),
        stage: text("stage"),
        prior_lines: value("prior_lines"),
        ecog: value("ecog"),
        biomarkers: Some(biomarkers),
        standard_options_exhausted: exhausted,
        postcode: value("postcode"),
        max_km: value("max_km"),
    };
    let profile = input.to_profile(catalogue, diagnosis_names());
    if let Err(profile_errors) = &profile {
        for e in profile_errors {
            // A biomarker's errors belong to the case's one biomarker field.
            let field = if e.field.starts_with("biomarkers") {
                "biomarkers"
            } else {
                e.field.as_str()
            };
            let mut e = e.clone();
            e.field = field_name(index, field);
            errors.push(e);
        }
    }
    match profile {
        Ok(profile) if errors.is_empty() => Ok(profile),
        _ => Err(errors),
    }
}

/// Matches every case of a checked list; `profiles` are in the list's order.
pub fn match_cases(
    catalogue: &Catalogue,
    cases: &[CaseRow],
    profiles: &[PatientProfile],
    lang: Lang,
) -> Vec<CaseResultView> {
    cases
        .iter()
        .zip(profiles)
        .enumerate()
        .map(|(index, (case, profile))| {
            let outcome = catalogue.matcher.snapshot.match_profile(profile, true);
            let count = |v: Verdict| outcome.results.iter().filter(|r| r.verdict == v).count();
            let fitting = count(Verdict::Eligible) + count(Verdict::PossiblyEligible);
            CaseResultView {
                index,
                reference: case.get("case").to_owned(),
                eligible: count(Verdict::Eligible),
                possibly: count(Verdict::PossiblyEligible),
                not_eligible: count(Verdict::NotEligible),
                protocols: outcome
                    .results
                    .iter()
                    .filter(|r| r.verdict != Verdict::NotEligible)
                    .take(BEST_PER_CASE)
                    .filter_map(|r| card(catalogue, r, lang))
                    .collect(),
                more: fitting.saturating_sub(BEST_PER_CASE),
                single_fields: single_fields(case),
                pathways: pathway_views(catalogue, &outcome, lang),
                no_offer: outcome.no_offer_reason.is_some(),
                age: case.get("age").to_owned(),
                sex: case.get("sex").to_owned(),
                postcode: case.get("postcode").to_owned(),
            }
        })
        .collect()
}

/// A case's fields as `/match` names them: `standard_options_exhausted` as `true`/`false`,
/// biomarkers as `biomarkers[i].marker` and `.status` (the case was read, so they parse).
fn single_fields(case: &CaseRow) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        "age",
        "sex",
        "diagnosis",
        "setting",
        "stage",
        "prior_lines",
        "ecog",
        "postcode",
        "max_km",
    ]
    .iter()
    .filter(|f| !case.get(f).is_empty())
    .map(|f| ((*f).to_owned(), case.get(f).to_owned()))
    .collect();
    if let Ok(Some(exhausted)) = read_yes_no(case.get("standard_options_exhausted")) {
        fields.push(("standard_options_exhausted".into(), exhausted.to_string()));
    }
    for (i, (marker, status)) in read_biomarkers(case.get("biomarkers"))
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        fields.push((format!("biomarkers[{i}].marker"), marker));
        fields.push((format!("biomarkers[{i}].status"), status.to_owned()));
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_becomes_the_single_match_form_with_its_biomarkers_and_yes_or_no() {
        let mut case = CaseRow::default();
        case.set("case", "K1");
        case.set("age", "64");
        case.set("diagnosis", "C50.9");
        case.set("biomarkers", "HER2- ER+");
        case.set("standard_options_exhausted", "ja");
        let fields = single_fields(&case);
        let get = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("age"), Some("64"));
        assert_eq!(get("case"), None, "the case number stays on the list");
        assert_eq!(get("standard_options_exhausted"), Some("true"));
        assert_eq!(get("biomarkers[0].marker"), Some("HER2"));
        assert_eq!(get("biomarkers[0].status"), Some("negative"));
        assert_eq!(get("biomarkers[1].status"), Some("positive"));
        assert_eq!(get("sex"), None, "empty fields are left out");
    }
}
