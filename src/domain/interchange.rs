//! The protocol interchange format (contract.md §1): the JSON shape that `import` reads,
//! `export` writes and the API returns. Its validation is in `validate.rs`.

use std::collections::HashSet;

use dccc_matching::{Biomarker, IcdPattern};
use serde::{Deserialize, Serialize};

use super::messages::{Key, Message};
use super::msg;
use super::protocol::{Contact, Protocol};

/// One problem with one field; `field` is a JSON path such as `eligibility.age_min`. The
/// message is a key of the locale files with its arguments: `Display` gives the English of the
/// JSON API and the command line (`field: message`), [`FieldError::page_text`] a page's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: Message,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<Message>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Adds an argument to the message, shown as given.
    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.message = self.message.with(name, value);
        self
    }

    /// Adds an argument naming another field by its path (its label on pages).
    #[must_use]
    pub fn with_field(mut self, name: &'static str, path: impl Into<String>) -> Self {
        self.message = self.message.with_field(name, path);
        self
    }

    /// Whether the message is the one of this key.
    pub fn is(&self, key: Key) -> bool {
        self.message.key() == key
    }

    /// The message for a page in `locale` (`da` or `en`).
    pub fn page_text(&self, locale: &str) -> String {
        self.message.page_text(locale)
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// The codes a protocol may refer to.
#[derive(Debug, Clone, Default)]
pub struct ReferenceCodes {
    pub dmcgs: HashSet<String>,
    pub sites: HashSet<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentifiersDoc {
    #[serde(default)]
    pub nct: Option<String>,
    #[serde(default)]
    pub eudract: Option<String>,
    #[serde(default)]
    pub eu_ct: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactDoc {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BiomarkerDoc {
    #[schema(schema_with = crate::domain::schema::marker)]
    pub marker: String,
    #[schema(schema_with = crate::domain::schema::biomarker_status)]
    pub status: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EligibilityDoc {
    #[serde(default)]
    #[schema(minimum = 0, maximum = 120)]
    pub age_min: Option<i64>,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 120)]
    pub age_max: Option<i64>,
    #[serde(default)]
    #[schema(schema_with = crate::domain::schema::sex_eligibility_or_null)]
    pub sex: Option<String>,
    #[serde(default)]
    pub diagnoses: Vec<String>,
    #[serde(default)]
    pub exclude_diagnoses: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = crate::domain::schema::settings)]
    pub settings: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = crate::domain::schema::stages)]
    pub stages: Vec<String>,
    #[serde(default)]
    #[schema(minimum = 0)]
    pub prior_lines_min: Option<i64>,
    #[serde(default)]
    #[schema(minimum = 0)]
    pub prior_lines_max: Option<i64>,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 4)]
    pub ecog_max: Option<i64>,
    #[serde(default)]
    pub biomarkers_required: Vec<BiomarkerDoc>,
    #[serde(default)]
    pub biomarkers_excluded: Vec<BiomarkerDoc>,
    #[serde(default)]
    pub criteria_text_da: Option<String>,
    #[serde(default)]
    pub criteria_text_en: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteDoc {
    pub site: String,
    #[schema(schema_with = crate::domain::schema::site_status)]
    pub status: String,
    #[serde(default)]
    pub contact: Option<ContactDoc>,
}

/// A protocol as it travels in JSON. Enumerations are strings here so that every bad value
/// of a record can be reported at once, not just the first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProtocolDoc {
    #[serde(default)]
    pub acronym: Option<String>,
    #[serde(default)]
    pub title_da: Option<String>,
    #[serde(default)]
    pub title_en: Option<String>,
    #[serde(default)]
    pub summary_da: Option<String>,
    #[serde(default)]
    pub summary_en: Option<String>,
    #[serde(default)]
    pub dmcg: Option<String>,
    #[serde(default)]
    pub other_dmcgs: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = crate::domain::schema::phase_or_null)]
    pub phase: Option<String>,
    #[serde(default)]
    #[schema(schema_with = crate::domain::schema::recruitment_status_or_null)]
    pub recruitment_status: Option<String>,
    #[serde(default)]
    pub evidence_generating: Option<bool>,
    #[serde(default)]
    #[schema(schema_with = crate::domain::schema::initiator_or_null)]
    pub initiator: Option<String>,
    #[serde(default)]
    pub sponsor: Option<String>,
    #[serde(default)]
    pub identifiers: IdentifiersDoc,
    #[serde(default)]
    pub contact: ContactDoc,
    #[serde(default)]
    #[schema(format = Date)]
    pub opened_on: Option<String>,
    #[serde(default)]
    #[schema(format = Date)]
    pub closes_on: Option<String>,
    #[serde(default)]
    #[schema(minimum = 0)]
    pub target_enrolment: Option<i64>,
    #[serde(default)]
    pub interventions: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub eligibility: EligibilityDoc,
    #[serde(default)]
    pub sites: Vec<SiteDoc>,
    /// Marks a fictional demo record (an addition to the contract's fields).
    #[serde(default)]
    pub demo: bool,
}

impl ProtocolDoc {
    /// The interchange form of a stored record; `validate` of it gives the record back.
    pub fn from_protocol(p: &Protocol) -> Self {
        let contact_doc = |c: &Contact| ContactDoc {
            name: c.name.clone(),
            email: c.email.as_ref().map(|e| e.as_str().to_owned()),
            phone: c.phone.clone(),
        };
        let biomarker_docs = |list: &[Biomarker]| {
            list.iter()
                .map(|b| BiomarkerDoc {
                    marker: b.marker.clone(),
                    status: b.status.as_str().to_owned(),
                })
                .collect()
        };
        let e = &p.eligibility;
        Self {
            acronym: Some(p.acronym.clone()),
            title_da: p.title_da.clone(),
            title_en: p.title_en.clone(),
            summary_da: p.summary_da.clone(),
            summary_en: p.summary_en.clone(),
            dmcg: Some(p.dmcg.clone()),
            other_dmcgs: p.other_dmcgs.clone(),
            phase: Some(p.phase.as_str().to_owned()),
            recruitment_status: Some(p.recruitment_status.as_str().to_owned()),
            evidence_generating: Some(p.evidence_generating),
            initiator: p.initiator.map(|i| i.as_str().to_owned()),
            sponsor: p.sponsor.clone(),
            identifiers: IdentifiersDoc {
                nct: p.identifiers.nct.as_ref().map(|v| v.as_str().to_owned()),
                eudract: p
                    .identifiers
                    .eudract
                    .as_ref()
                    .map(|v| v.as_str().to_owned()),
                eu_ct: p.identifiers.eu_ct.as_ref().map(|v| v.as_str().to_owned()),
            },
            contact: contact_doc(&p.contact),
            opened_on: p.opened_on.map(|d| d.to_string()),
            closes_on: p.closes_on.map(|d| d.to_string()),
            target_enrolment: p.target_enrolment.map(i64::from),
            interventions: p.interventions.clone(),
            keywords: p.keywords.clone(),
            eligibility: EligibilityDoc {
                age_min: e.age_min.map(i64::from),
                age_max: e.age_max.map(i64::from),
                sex: Some(e.sex.as_str().to_owned()),
                diagnoses: e.diagnoses.0.iter().map(ToString::to_string).collect(),
                exclude_diagnoses: e
                    .exclude_diagnoses
                    .0
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
                settings: e.settings.iter().map(|s| s.as_str().to_owned()).collect(),
                stages: e.stages.iter().map(|s| s.as_str().to_owned()).collect(),
                prior_lines_min: e.prior_lines_min.map(i64::from),
                prior_lines_max: e.prior_lines_max.map(i64::from),
                ecog_max: e.ecog_max.map(i64::from),
                biomarkers_required: biomarker_docs(&e.biomarkers_required),
                biomarkers_excluded: biomarker_docs(&e.biomarkers_excluded),
                criteria_text_da: p.criteria_text_da.clone(),
                criteria_text_en: p.criteria_text_en.clone(),
            },
            sites: p
                .sites
                .iter()
                .map(|s| SiteDoc {
                    site: s.site.clone(),
                    status: s.status.as_str().to_owned(),
                    contact: s.contact.as_ref().map(contact_doc),
                })
                .collect(),
            demo: p.demo,
        }
    }
}

/// ICD-10's chapter II, neoplasms (C00–D48): a cancer trial's diagnoses lie here.
const NEOPLASMS: [&str; 2] = ["C00-C97", "D00-D48"];

/// Advice that does not stop a record: the contract recommends the DMCG's acronym in the title,
/// and a diagnosis outside the neoplasm chapter (`X99`) is more likely a typing error than a
/// cancer trial's criterion.
pub fn warnings(p: &Protocol) -> Vec<FieldError> {
    let mut out = Vec::new();
    let needle = p.dmcg.to_lowercase();
    let mentions = [Some(&p.acronym), p.title_da.as_ref(), p.title_en.as_ref()]
        .into_iter()
        .flatten()
        .any(|t| t.to_lowercase().contains(&needle));
    if !mentions {
        out.push(FieldError::new("title_da", msg::TITLE_WITHOUT_DMCG).with("dmcg", &p.dmcg));
    }
    out.extend(diagnosis_warnings(
        &p.eligibility
            .diagnoses
            .0
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
    ));
    out
}

/// The included diagnoses outside ICD-10's neoplasm chapter, as one warning; codes that do not
/// parse are left to validation.
pub fn diagnosis_warnings(diagnoses: &[String]) -> Option<FieldError> {
    let neoplasms: Vec<IcdPattern> = NEOPLASMS
        .iter()
        .map(|p| p.parse().expect("a valid pattern"))
        .collect();
    let outside: Vec<String> = diagnoses
        .iter()
        .filter_map(|d| d.parse::<IcdPattern>().ok())
        .filter(|d| !neoplasms.iter().any(|n| d.overlaps(n)))
        .map(|d| d.to_string())
        .collect();
    (!outside.is_empty()).then(|| {
        FieldError::new("eligibility.diagnoses", msg::DIAGNOSIS_NOT_NEOPLASM)
            .with("codes", outside.join(", "))
    })
}

/// Reads a JSON file of one protocol or an array of them. Each record is read on its own, so
/// a structural error in one is reported with its index and the others are still checked.
pub fn parse_documents(json: &str) -> Result<Vec<Result<ProtocolDoc, FieldError>>, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("not valid JSON: {e}"))?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        obj @ serde_json::Value::Object(_) => vec![obj],
        _ => return Err("expected a protocol object or an array of them".into()),
    };
    Ok(items
        .into_iter()
        .map(|item| {
            serde_path_to_error::deserialize::<_, ProtocolDoc>(item).map_err(|e| {
                let path = e.path().to_string();
                let field = if path == "." { String::new() } else { path };
                FieldError::new(field, msg::JSON_SHAPE).with("detail", e.into_inner())
            })
        })
        .collect())
}
