//! The protocol interchange format (contract.md §1): the JSON shape that `import` reads,
//! `export` writes and the API returns, and its validation into a [`Protocol`].

use std::collections::HashSet;

use chrono::NaiveDate;
use dccc_matching::{
    Biomarker, BiomarkerStatus, IcdPatternList, Initiator, Phase, RecruitmentStatus, Setting,
    SexEligibility, SiteStatus, Stage,
};
use serde::{Deserialize, Serialize};

use super::identifiers::{Email, EuCtNumber, EudractNumber, NctId};
use super::protocol::{Contact, Eligibility, Identifiers, Protocol, ProtocolSite};

/// One problem with one field; `field` is a JSON path such as `eligibility.age_min`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
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

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IdentifiersDoc {
    #[serde(default)]
    pub nct: Option<String>,
    #[serde(default)]
    pub eudract: Option<String>,
    #[serde(default)]
    pub eu_ct: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContactDoc {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BiomarkerDoc {
    pub marker: String,
    pub status: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EligibilityDoc {
    #[serde(default)]
    pub age_min: Option<i64>,
    #[serde(default)]
    pub age_max: Option<i64>,
    #[serde(default)]
    pub sex: Option<String>,
    #[serde(default)]
    pub diagnoses: Vec<String>,
    #[serde(default)]
    pub exclude_diagnoses: Vec<String>,
    #[serde(default)]
    pub settings: Vec<String>,
    #[serde(default)]
    pub stages: Vec<String>,
    #[serde(default)]
    pub prior_lines_min: Option<i64>,
    #[serde(default)]
    pub prior_lines_max: Option<i64>,
    #[serde(default)]
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SiteDoc {
    pub site: String,
    pub status: String,
    #[serde(default)]
    pub contact: Option<ContactDoc>,
}

/// A protocol as it travels in JSON. Enumerations are strings here so that every bad value
/// of a record can be reported at once, not just the first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
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
    pub phase: Option<String>,
    #[serde(default)]
    pub recruitment_status: Option<String>,
    #[serde(default)]
    pub evidence_generating: Option<bool>,
    #[serde(default)]
    pub initiator: Option<String>,
    #[serde(default)]
    pub sponsor: Option<String>,
    #[serde(default)]
    pub identifiers: IdentifiersDoc,
    #[serde(default)]
    pub contact: ContactDoc,
    #[serde(default)]
    pub opened_on: Option<String>,
    #[serde(default)]
    pub closes_on: Option<String>,
    #[serde(default)]
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

/// Collects the errors of one record while turning its fields into domain values.
struct Checker<'a> {
    errors: Vec<FieldError>,
    codes: &'a ReferenceCodes,
}

fn text(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

impl Checker<'_> {
    fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    fn parse<T, E: std::fmt::Display>(&mut self, field: &str, r: Result<T, E>) -> Option<T> {
        r.map_err(|e| self.fail(field, e.to_string())).ok()
    }

    fn max_len(&mut self, field: &str, value: Option<String>, max: usize) -> Option<String> {
        if let Some(v) = &value {
            if v.chars().count() > max {
                self.fail(field, format!("must be at most {max} characters"));
            }
        }
        value
    }

    fn bounded(&mut self, field: &str, value: Option<i64>, min: i64, max: i64) -> Option<u8> {
        let v = value?;
        if (min..=max).contains(&v) {
            u8::try_from(v).ok()
        } else {
            self.fail(field, format!("must be a whole number from {min} to {max} (got {v})"));
            None
        }
    }

    fn date(&mut self, field: &str, value: &Option<String>) -> Option<NaiveDate> {
        let raw = text(value)?;
        self.parse(
            field,
            NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
                .map_err(|_| format!("{raw:?} is not a date in the form YYYY-MM-DD")),
        )
    }

    fn contact(&mut self, field: &str, doc: &ContactDoc) -> Contact {
        let email = text(&doc.email).and_then(|e| self.parse(&format!("{field}.email"), Email::parse(&e)));
        Contact {
            name: self.max_len(&format!("{field}.name"), text(&doc.name), 200),
            email,
            phone: self.max_len(&format!("{field}.phone"), text(&doc.phone), 40),
        }
    }

    fn list<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        values: &[String],
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Vec<T> {
        let mut out = Vec::new();
        for (i, raw) in values.iter().enumerate() {
            if let Some(v) = self.parse(&format!("{field}[{i}]"), parse(raw.trim())) {
                out.push(v);
            }
        }
        out
    }

    fn biomarkers(&mut self, field: &str, docs: &[BiomarkerDoc]) -> Vec<Biomarker> {
        let mut out: Vec<Biomarker> = Vec::new();
        for (i, doc) in docs.iter().enumerate() {
            let status = self.parse(&format!("{field}[{i}].status"), doc.status.parse::<BiomarkerStatus>());
            let marker = status.and_then(|s| {
                self.parse(&format!("{field}[{i}].marker"), Biomarker::new(&doc.marker, s))
            });
            if let Some(b) = marker {
                if out.iter().any(|o| o.marker == b.marker) {
                    self.fail(format!("{field}[{i}].marker"), format!("{} is listed twice", b.marker));
                } else {
                    out.push(b);
                }
            }
        }
        out
    }

    fn patterns(&mut self, field: &str, values: &[String]) -> IcdPatternList {
        let mut list = Vec::new();
        for (i, raw) in values.iter().enumerate() {
            if let Some(p) = self.parse(&format!("{field}[{i}]"), raw.trim().parse()) {
                list.push(p);
            }
        }
        IcdPatternList(list)
    }

    fn eligibility(&mut self, doc: &EligibilityDoc) -> Eligibility {
        let age_min = self.bounded("eligibility.age_min", doc.age_min, 0, 120);
        let age_max = self.bounded("eligibility.age_max", doc.age_max, 0, 120);
        if let (Some(min), Some(max)) = (age_min, age_max) {
            if min > max {
                self.fail("eligibility.age_max", format!("must not be below age_min ({min})"));
            }
        }
        let sex = match text(&doc.sex) {
            None => SexEligibility::All,
            Some(s) => self.parse("eligibility.sex", s.parse()).unwrap_or(SexEligibility::All),
        };
        let prior_lines_min = self.bounded("eligibility.prior_lines_min", doc.prior_lines_min, 0, 20);
        let prior_lines_max = self.bounded("eligibility.prior_lines_max", doc.prior_lines_max, 0, 20);
        if let (Some(min), Some(max)) = (prior_lines_min, prior_lines_max) {
            if min > max {
                self.fail("eligibility.prior_lines_max", format!("must not be below prior_lines_min ({min})"));
            }
        }
        let mut settings = self.list("eligibility.settings", &doc.settings, str::parse::<Setting>);
        settings.dedup();
        let mut stages = self.list("eligibility.stages", &doc.stages, str::parse::<Stage>);
        stages.dedup();
        Eligibility {
            age_min,
            age_max,
            sex,
            diagnoses: self.patterns("eligibility.diagnoses", &doc.diagnoses),
            exclude_diagnoses: self.patterns("eligibility.exclude_diagnoses", &doc.exclude_diagnoses),
            settings,
            stages,
            prior_lines_min,
            prior_lines_max,
            ecog_max: self.bounded("eligibility.ecog_max", doc.ecog_max, 0, 4),
            biomarkers_required: self.biomarkers("eligibility.biomarkers_required", &doc.biomarkers_required),
            biomarkers_excluded: self.biomarkers("eligibility.biomarkers_excluded", &doc.biomarkers_excluded),
            criteria_text_da: self.max_len("eligibility.criteria_text_da", text(&doc.criteria_text_da), 10_000),
            criteria_text_en: self.max_len("eligibility.criteria_text_en", text(&doc.criteria_text_en), 10_000),
        }
    }

    fn sites(&mut self, docs: &[SiteDoc]) -> Vec<ProtocolSite> {
        let mut out: Vec<ProtocolSite> = Vec::new();
        for (i, doc) in docs.iter().enumerate() {
            let code = doc.site.trim().to_owned();
            if !self.codes.sites.contains(&code) {
                self.fail(format!("sites[{i}].site"), format!("{code:?} is not a known department code"));
                continue;
            }
            if out.iter().any(|s| s.site == code) {
                self.fail(format!("sites[{i}].site"), format!("{code} is listed twice"));
                continue;
            }
            let status = self.parse(&format!("sites[{i}].status"), doc.status.trim().parse::<SiteStatus>());
            let contact = doc
                .contact
                .as_ref()
                .map(|c| self.contact(&format!("sites[{i}].contact"), c))
                .filter(|c| !c.is_empty());
            if let Some(status) = status {
                out.push(ProtocolSite { site: code, status, contact });
            }
        }
        out
    }
}

impl ProtocolDoc {
    /// Validates every field (contract.md §1) and returns the record or all its errors.
    pub fn validate(&self, codes: &ReferenceCodes) -> Result<Protocol, Vec<FieldError>> {
        let mut c = Checker { errors: Vec::new(), codes };
        let acronym = text(&self.acronym).unwrap_or_default();
        let len = acronym.chars().count();
        if len == 0 {
            c.fail("acronym", "is required");
        } else if !(2..=60).contains(&len) {
            c.fail("acronym", format!("must be 2 to 60 characters (got {len})"));
        } else if super::slugify(&acronym).is_empty() {
            c.fail("acronym", "must contain at least one letter or digit");
        }
        let title_da = c.max_len("title_da", text(&self.title_da), 300);
        let title_en = c.max_len("title_en", text(&self.title_en), 300);
        if title_da.is_none() && title_en.is_none() {
            c.fail("title_da", "title_da or title_en is required");
        }
        let dmcg = text(&self.dmcg).unwrap_or_default();
        if dmcg.is_empty() {
            c.fail("dmcg", "is required");
        } else if !codes.dmcgs.contains(&dmcg) {
            c.fail("dmcg", format!("{dmcg:?} is not a known DMCG acronym"));
        }
        let mut other_dmcgs = Vec::new();
        for (i, other) in self.other_dmcgs.iter().map(|d| d.trim()).enumerate() {
            if !codes.dmcgs.contains(other) {
                c.fail(format!("other_dmcgs[{i}]"), format!("{other:?} is not a known DMCG acronym"));
            } else if other != dmcg && !other_dmcgs.iter().any(|o| o == other) {
                other_dmcgs.push(other.to_owned());
            }
        }
        let phase = match text(&self.phase) {
            None => {
                c.fail("phase", "is required");
                None
            }
            Some(p) => c.parse("phase", p.parse::<Phase>()),
        };
        let recruitment_status = match text(&self.recruitment_status) {
            None => {
                c.fail("recruitment_status", "is required");
                None
            }
            Some(s) => c.parse("recruitment_status", s.parse::<RecruitmentStatus>()),
        };
        let initiator = text(&self.initiator).and_then(|i| c.parse("initiator", i.parse::<Initiator>()));
        let identifiers = Identifiers {
            nct: text(&self.identifiers.nct).and_then(|v| c.parse("identifiers.nct", NctId::parse(&v))),
            eudract: text(&self.identifiers.eudract)
                .and_then(|v| c.parse("identifiers.eudract", EudractNumber::parse(&v))),
            eu_ct: text(&self.identifiers.eu_ct).and_then(|v| c.parse("identifiers.eu_ct", EuCtNumber::parse(&v))),
        };
        let contact = c.contact("contact", &self.contact);
        if contact.email.is_none() && text(&self.contact.email).is_none() {
            c.fail("contact.email", "is required for a published protocol");
        }
        let opened_on = c.date("opened_on", &self.opened_on);
        let closes_on = c.date("closes_on", &self.closes_on);
        if let (Some(open), Some(close)) = (opened_on, closes_on) {
            if close < open {
                c.fail("closes_on", format!("must not be before opened_on ({open})"));
            }
        }
        let target_enrolment = match self.target_enrolment {
            None => None,
            Some(n) if (0..=1_000_000).contains(&n) => u32::try_from(n).ok(),
            Some(n) => {
                c.fail("target_enrolment", format!("must be a whole number from 0 to 1000000 (got {n})"));
                None
            }
        };
        let clean_list = |values: &[String]| -> Vec<String> {
            values.iter().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()).collect()
        };
        let eligibility = c.eligibility(&self.eligibility);
        let sites = c.sites(&self.sites);
        let protocol = Protocol {
            acronym,
            title_da,
            title_en,
            summary_da: c.max_len("summary_da", text(&self.summary_da), 5_000),
            summary_en: c.max_len("summary_en", text(&self.summary_en), 5_000),
            dmcg,
            other_dmcgs,
            phase: phase.unwrap_or(Phase::NotApplicable),
            recruitment_status: recruitment_status.unwrap_or(RecruitmentStatus::Planned),
            evidence_generating: self.evidence_generating.unwrap_or(false),
            initiator,
            sponsor: c.max_len("sponsor", text(&self.sponsor), 300),
            identifiers,
            contact,
            opened_on,
            closes_on,
            target_enrolment,
            interventions: clean_list(&self.interventions),
            keywords: clean_list(&self.keywords),
            eligibility,
            sites,
            demo: self.demo,
        };
        if c.errors.is_empty() {
            Ok(protocol)
        } else {
            Err(c.errors)
        }
    }

    /// The interchange form of a stored record; `validate` of it gives the record back.
    pub fn from_protocol(p: &Protocol) -> Self {
        let contact_doc = |c: &Contact| ContactDoc {
            name: c.name.clone(),
            email: c.email.as_ref().map(|e| e.as_str().to_owned()),
            phone: c.phone.clone(),
        };
        let biomarker_docs = |list: &[Biomarker]| {
            list.iter()
                .map(|b| BiomarkerDoc { marker: b.marker.clone(), status: b.status.as_str().to_owned() })
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
                eudract: p.identifiers.eudract.as_ref().map(|v| v.as_str().to_owned()),
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
                exclude_diagnoses: e.exclude_diagnoses.0.iter().map(ToString::to_string).collect(),
                settings: e.settings.iter().map(|s| s.as_str().to_owned()).collect(),
                stages: e.stages.iter().map(|s| s.as_str().to_owned()).collect(),
                prior_lines_min: e.prior_lines_min.map(i64::from),
                prior_lines_max: e.prior_lines_max.map(i64::from),
                ecog_max: e.ecog_max.map(i64::from),
                biomarkers_required: biomarker_docs(&e.biomarkers_required),
                biomarkers_excluded: biomarker_docs(&e.biomarkers_excluded),
                criteria_text_da: e.criteria_text_da.clone(),
                criteria_text_en: e.criteria_text_en.clone(),
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

/// Advice that does not stop a record: the contract recommends the DMCG's acronym in the title.
pub fn warnings(p: &Protocol) -> Vec<FieldError> {
    let needle = p.dmcg.to_lowercase();
    let mentions = [Some(&p.acronym), p.title_da.as_ref(), p.title_en.as_ref()]
        .into_iter()
        .flatten()
        .any(|t| t.to_lowercase().contains(&needle));
    if mentions {
        Vec::new()
    } else {
        vec![FieldError::new(
            "title_da",
            format!("the title should contain the DMCG acronym {} so the protocol can be found", p.dmcg),
        )]
    }
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
                FieldError::new(field, e.into_inner().to_string())
            })
        })
        .collect())
}
