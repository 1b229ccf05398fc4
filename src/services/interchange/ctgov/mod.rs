//! ClinicalTrials.gov API v2 study records into the interchange format (contract.md §8):
//! the mapping of each field, the Danish locations matched to departments, and criteria
//! suggested from the record's text. Nothing here is stored; `import` stores a draft.

pub mod fetch;
pub mod sites;
pub mod sync;

use serde::Serialize;
use serde_json::Value;

use crate::catalogue::matcher::diagnosis_names;
use crate::domain::interchange::{BiomarkerDoc, ContactDoc, IdentifiersDoc};
use crate::domain::suggest::{suggest, Suggestion};
use crate::domain::ProtocolDoc;

pub use sites::{DepartmentRef, UnmatchedLocation};

/// A study record converted: the draft record, what in it is only suggested, and the Danish
/// locations no department was found for.
#[derive(Debug, Clone, Serialize)]
pub struct Converted {
    pub record: ProtocolDoc,
    /// Values read from free text (diagnoses, ECOG, stages, settings, biomarkers, prior
    /// lines), each with the sentence or condition it came from.
    pub suggestions: Vec<Suggestion>,
    /// Danish locations that match no department of the sites table.
    pub unmatched_locations: Vec<UnmatchedLocation>,
    /// Fields a Danish record needs that the study record cannot give.
    pub to_write: Vec<&'static str>,
}

/// Why a file is not a study record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotAStudy(pub String);

fn text(v: &Value, path: &[&str]) -> Option<String> {
    let mut at = v;
    for key in path {
        at = at.get(key)?;
    }
    at.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn list<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
    let mut at = v;
    for key in path {
        match at.get(key) {
            Some(next) => at = next,
            None => return &[],
        }
    }
    at.as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// A record as the API returns it for one study, or a file holding one (also inside
/// `{"studies": [...]}` with exactly one study).
pub fn study_of(value: &Value) -> Result<&Value, NotAStudy> {
    let study = match value.get("studies").and_then(Value::as_array) {
        Some(studies) if studies.len() == 1 => &studies[0],
        Some(studies) => {
            return Err(NotAStudy(format!(
                "the file holds {} studies; give one study record",
                studies.len()
            )))
        }
        None => value,
    };
    let nct = text(study, &["protocolSection", "identificationModule", "nctId"]);
    match nct {
        Some(id) if is_nct(&id) => Ok(study),
        Some(id) => Err(NotAStudy(format!(
            "protocolSection.identificationModule.nctId {id:?} is not an NCT number"
        ))),
        None => Err(NotAStudy(
            "not a ClinicalTrials.gov study record: protocolSection.identificationModule.nctId is missing"
                .to_owned(),
        )),
    }
}

fn is_nct(id: &str) -> bool {
    id.len() == 11 && id.starts_with("NCT") && id[3..].bytes().all(|b| b.is_ascii_digit())
}

/// `PHASE1`, `PHASE2` … as the interchange phase.
fn phase(phases: &[Value]) -> Option<String> {
    let mut names: Vec<&str> = phases.iter().filter_map(Value::as_str).collect();
    names.sort_unstable();
    names.dedup();
    let one = |p: &str| -> Option<&'static str> {
        Some(match p {
            "NA" => "n-a",
            "EARLY_PHASE1" => "early-phase-1",
            "PHASE1" => "phase-1",
            "PHASE2" => "phase-2",
            "PHASE3" => "phase-3",
            "PHASE4" => "phase-4",
            _ => return None,
        })
    };
    match names.as_slice() {
        [p] => one(p).map(str::to_owned),
        ["PHASE1", "PHASE2"] => Some("phase-1-phase-2".to_owned()),
        ["PHASE2", "PHASE3"] => Some("phase-2-phase-3".to_owned()),
        _ => None,
    }
}

/// The overall status as the interchange recruitment status.
pub fn recruitment_status(status: &str) -> Option<&'static str> {
    Some(match status {
        "NOT_YET_RECRUITING" => "planned",
        "RECRUITING" | "ENROLLING_BY_INVITATION" => "open",
        "ACTIVE_NOT_RECRUITING" | "TERMINATED" => "closed",
        "SUSPENDED" => "temporarily-closed",
        "COMPLETED" => "completed",
        "WITHDRAWN" => "withdrawn",
        _ => return None,
    })
}

/// "18 Years" → 18, "6 Months" → 0; anything else is no bound.
fn age_years(age: Option<String>) -> Option<i64> {
    let age = age?;
    let mut parts = age.split_whitespace();
    let n: f64 = parts.next()?.parse().ok()?;
    let unit = parts.next().unwrap_or("Years").to_lowercase();
    let years = match unit.trim_end_matches('s') {
        "year" => n,
        "month" => n / 12.0,
        "week" => n / 52.0,
        "day" => n / 365.0,
        "hour" | "minute" => 0.0,
        _ => return None,
    };
    Some(years.floor() as i64)
}

/// "2021-03" → "2021-03-01"; "2021-03-15" as it is.
fn start_date(date: Option<String>) -> Option<String> {
    let date = date?;
    let parts: Vec<&str> = date.split('-').collect();
    match parts.as_slice() {
        [y, m] if y.len() == 4 && m.len() == 2 => Some(format!("{y}-{m}-01")),
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => Some(date),
        _ => None,
    }
}

fn looks_like_eudract(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 14
        && id.char_indices().all(|(i, c)| {
            if i == 4 || i == 11 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        })
}

fn looks_like_eu_ct(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 17
        && b[5] == b'5'
        && id.char_indices().all(|(i, c)| {
            if i == 4 || i == 11 || i == 14 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// The diagnoses of the conditions and keywords, as ICD-10 codes of the lay groups whose
/// terms they name ("Metastatic Breast Cancer" → C50), each with the condition it came from.
fn diagnoses_of(terms: &[String]) -> Vec<Suggestion> {
    let groups = diagnosis_names().lay.groups();
    let mut out: Vec<Suggestion> = Vec::new();
    for term in terms {
        let folded = sites::fold(term);
        // The longest lay term inside the condition decides ("non-small cell lung cancer"
        // is lung cancer, not "cancer").
        let mut best: Option<(usize, &crate::catalogue::lay_groups::LayGroup)> = None;
        for group in groups.iter().filter(|g| !g.codes.0.is_empty()) {
            for t in group.terms.iter().chain([&group.name_en, &group.name_da]) {
                let t = sites::fold(t);
                if t.len() >= 4
                    && sites::contains_words(&folded, &t)
                    && best.is_none_or(|(len, _)| t.len() > len)
                {
                    best = Some((t.len(), group));
                }
            }
        }
        if let Some((_, group)) = best {
            for pattern in &group.codes.0 {
                let value = pattern.to_string();
                if !out
                    .iter()
                    .any(|s| s.field == "eligibility.diagnoses" && s.value == value)
                {
                    out.push(Suggestion {
                        field: "eligibility.diagnoses",
                        value,
                        sentence: term.clone(),
                    });
                }
            }
        }
    }
    out
}

/// Converts one study record for DMCG `dmcg` (which picks the department kind at each
/// hospital), against the sites table.
pub fn convert(
    value: &Value,
    dmcg: Option<&str>,
    departments: &[DepartmentRef],
) -> Result<Converted, NotAStudy> {
    let study = study_of(value)?;
    let p = study
        .get("protocolSection")
        .ok_or_else(|| NotAStudy("protocolSection is missing".to_owned()))?;
    let id = |k: &str| text(p, &["identificationModule", k]);
    let nct = id("nctId").unwrap_or_default();
    let mut identifiers = IdentifiersDoc {
        nct: Some(nct.clone()),
        ..IdentifiersDoc::default()
    };
    for secondary in list(p, &["identificationModule", "secondaryIdInfos"]) {
        let Some(sid) = secondary.get("id").and_then(Value::as_str).map(str::trim) else {
            continue;
        };
        let kind = secondary.get("type").and_then(Value::as_str).unwrap_or("");
        if (kind == "EUDRACT_NUMBER" || looks_like_eudract(sid)) && identifiers.eudract.is_none() {
            if looks_like_eudract(sid) {
                identifiers.eudract = Some(sid.to_owned());
            }
        } else if (kind == "CTIS" || looks_like_eu_ct(sid))
            && looks_like_eu_ct(sid)
            && identifiers.eu_ct.is_none()
        {
            identifiers.eu_ct = Some(sid.to_owned());
        }
    }
    let status = text(p, &["statusModule", "overallStatus"]);
    let recruitment = status.as_deref().and_then(recruitment_status);
    let sponsor_class = text(p, &["sponsorCollaboratorsModule", "leadSponsor", "class"]);
    let conditions: Vec<String> = list(p, &["conditionsModule", "conditions"])
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let keywords: Vec<String> = list(p, &["conditionsModule", "keywords"])
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let criteria = text(p, &["eligibilityModule", "eligibilityCriteria"]);
    let mut suggestions = diagnoses_of(&[conditions.clone(), keywords.clone()].concat());
    suggestions.extend(criteria.as_deref().map(suggest).unwrap_or_default());

    let mut eligibility = crate::domain::interchange::EligibilityDoc {
        age_min: age_years(text(p, &["eligibilityModule", "minimumAge"])),
        age_max: age_years(text(p, &["eligibilityModule", "maximumAge"])),
        sex: text(p, &["eligibilityModule", "sex"]).and_then(|s| match s.as_str() {
            "ALL" => Some("all".to_owned()),
            "FEMALE" => Some("female".to_owned()),
            "MALE" => Some("male".to_owned()),
            _ => None,
        }),
        criteria_text_en: criteria.clone(),
        ..Default::default()
    };
    for s in &suggestions {
        let number = || s.value.parse::<i64>().ok();
        match s.field {
            "eligibility.diagnoses" => eligibility.diagnoses.push(s.value.clone()),
            "eligibility.ecog_max" => {
                eligibility.ecog_max = eligibility.ecog_max.max(number());
            }
            "eligibility.stages" => eligibility.stages.push(s.value.clone()),
            "eligibility.settings" => eligibility.settings.push(s.value.clone()),
            "eligibility.prior_lines_min" => eligibility.prior_lines_min = number(),
            "eligibility.prior_lines_max" => eligibility.prior_lines_max = number(),
            "eligibility.biomarkers_required" | "eligibility.biomarkers_excluded" => {
                let (marker, status) = s.value.split_once(' ').unwrap_or((&s.value, ""));
                let doc = BiomarkerDoc {
                    marker: marker.to_owned(),
                    status: status.to_owned(),
                };
                if s.field == "eligibility.biomarkers_required" {
                    eligibility.biomarkers_required.push(doc);
                } else {
                    eligibility.biomarkers_excluded.push(doc);
                }
            }
            _ => {}
        }
    }

    let locations = list(p, &["contactsLocationsModule", "locations"]);
    let (site_docs, unmatched) = sites::match_locations(locations, dmcg, recruitment, departments);
    let contact = list(p, &["contactsLocationsModule", "centralContacts"])
        .first()
        .map(|c| ContactDoc {
            name: c.get("name").and_then(Value::as_str).map(str::to_owned),
            email: c.get("email").and_then(Value::as_str).map(str::to_owned),
            phone: c.get("phone").and_then(Value::as_str).map(str::to_owned),
        })
        .unwrap_or_default();
    let record = ProtocolDoc {
        acronym: id("acronym").or_else(|| Some(nct.clone())),
        title_en: id("officialTitle").or_else(|| id("briefTitle")),
        summary_en: text(p, &["descriptionModule", "briefSummary"]),
        dmcg: dmcg.map(str::to_owned),
        phase: phase(list(p, &["designModule", "phases"])),
        recruitment_status: recruitment.map(str::to_owned),
        initiator: sponsor_class.map(|c| {
            if c == "INDUSTRY" {
                "industry".to_owned()
            } else {
                "investigator".to_owned()
            }
        }),
        sponsor: text(p, &["sponsorCollaboratorsModule", "leadSponsor", "name"]),
        identifiers,
        contact,
        opened_on: start_date(text(p, &["statusModule", "startDateStruct", "date"])),
        target_enrolment: p
            .get("designModule")
            .and_then(|d| d.get("enrollmentInfo"))
            .and_then(|e| e.get("count"))
            .and_then(Value::as_i64),
        interventions: list(p, &["armsInterventionsModule", "interventions"])
            .iter()
            .filter_map(|i| i.get("name").and_then(Value::as_str))
            .map(str::to_owned)
            .collect(),
        keywords,
        eligibility,
        sites: site_docs,
        ..ProtocolDoc::default()
    };
    Ok(Converted {
        record,
        suggestions,
        unmatched_locations: unmatched,
        to_write: vec!["title_da", "summary_da"],
    })
}

impl Converted {
    /// The notes the draft keeps for the editor: (kind, field, value, source).
    pub fn notes(&self) -> Vec<(&'static str, String, String, String)> {
        let mut notes: Vec<(&'static str, String, String, String)> = self
            .suggestions
            .iter()
            .map(|s| {
                (
                    "suggested",
                    s.field.to_owned(),
                    s.value.clone(),
                    s.sentence.clone(),
                )
            })
            .collect();
        notes.extend(self.unmatched_locations.iter().map(|u| {
            (
                "unmatched",
                "sites".to_owned(),
                format!("{}, {}", u.facility, u.city),
                u.status.clone().unwrap_or_default(),
            )
        }));
        notes.extend(
            self.to_write
                .iter()
                .map(|f| ("to_write", (*f).to_owned(), String::new(), String::new())),
        );
        notes
    }
}

/// The departments of the sites table, as the matching reads them.
pub fn departments(conn: &mut crate::db::DbConnection) -> diesel::QueryResult<Vec<DepartmentRef>> {
    Ok(crate::db::reference::list_sites(conn)?
        .into_iter()
        .map(|s| DepartmentRef {
            code: s.code,
            hospital: s.hospital,
            department: s.department,
            city: s.city,
            paediatric: s.paediatric != 0,
            early_phase: s.early_phase != 0,
        })
        .collect())
}

/// Where a record comes from: a file, or an NCT number fetched from the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(std::path::PathBuf),
    Nct(String),
}

impl Source {
    /// `NCT` + 8 digits is fetched; anything else is a file path.
    pub fn parse(arg: &str) -> Self {
        let upper = arg.trim().to_ascii_uppercase();
        if is_nct(&upper) {
            Self::Nct(upper)
        } else {
            Self::File(arg.into())
        }
    }
}

/// Why a record could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {0}: {1}")]
    File(String, String),
    #[error("{0} is not JSON: {1}")]
    NotJson(String, String),
    #[error(transparent)]
    Fetch(#[from] fetch::FetchError),
}

/// The JSON of a source: the file's, or the API's answer for the NCT number.
pub fn read(source: &Source, api_url: &str) -> Result<Value, ReadError> {
    match source {
        Source::File(path) => {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|e| ReadError::File(name.clone(), e.to_string()))?;
            serde_json::from_str(&text).map_err(|e| ReadError::NotJson(name, e.to_string()))
        }
        Source::Nct(nct) => Ok(fetch::fetch_study(api_url, nct, fetch::TIMEOUT)?),
    }
}
