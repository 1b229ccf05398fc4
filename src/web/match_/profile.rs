//! A patient profile from a form or from JSON, checked field by field into the engine's
//! validated [`PatientProfile`]. Nothing here is stored or logged; CPR numbers are refused.

use dccc_matching::{Biomarker, BiomarkerStatus, Home, PatientProfile, Setting, Sex, Stage};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::catalogue::matcher::{DiagnosisNames, ResolvedDiagnosis};
use crate::catalogue::Catalogue;
use crate::domain::cpr::looks_like_cpr;
use crate::domain::messages::{quoted, Message};
use crate::domain::{msg, FieldError, Postcode};
use dccc_matching::{MAX_AGE, MAX_ECOG, MAX_PRIOR_LINES};

/// A patient profile. Nothing of it is stored or logged; a field that looks like a CPR
/// number is refused.
//
// As typed: every value a string (or absent), as forms and JSON give them. The schema
// attributes describe the JSON the API takes, numbers as numbers, which `web::api::matching`
// checks before the values are read.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    /// Age in whole years.
    #[serde(default)]
    #[schema(value_type = u8, required = true, minimum = 0, maximum = 120)]
    pub age: Option<serde_json::Value>,
    #[serde(default)]
    #[schema(schema_with = crate::domain::schema::sex_or_null)]
    pub sex: Option<String>,
    /// An ICD-10 code in any accepted form (`C50.9`, `C509`, `DC509`), or a lay diagnosis
    /// group (`lungekræft`).
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub diagnosis: Option<String>,
    #[serde(default)]
    #[schema(schema_with = crate::domain::schema::setting_or_null)]
    pub setting: Option<String>,
    #[serde(default)]
    #[schema(schema_with = crate::domain::schema::stage_or_null)]
    pub stage: Option<String>,
    /// Earlier lines of treatment for this disease.
    #[serde(default)]
    #[schema(value_type = Option<u8>, minimum = 0, maximum = 20)]
    pub prior_lines: Option<serde_json::Value>,
    /// ECOG performance status.
    #[serde(default)]
    #[schema(value_type = Option<u8>, minimum = 0, maximum = 4)]
    pub ecog: Option<serde_json::Value>,
    #[serde(default)]
    pub biomarkers: Option<Vec<BiomarkerInput>>,
    /// The standard treatments have been tried.
    #[serde(default)]
    pub standard_options_exhausted: Option<bool>,
    /// The patient's postcode; results then give the nearest open department.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub postcode: Option<serde_json::Value>,
    /// Leave out trials whose nearest open department is farther (needs `postcode`).
    #[serde(default)]
    #[schema(value_type = Option<f64>, exclusive_minimum = 0, maximum = 1000)]
    pub max_km: Option<serde_json::Value>,
}

/// A biomarker result of the patient.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BiomarkerInput {
    #[schema(schema_with = crate::domain::schema::marker_input)]
    pub marker: String,
    #[schema(schema_with = crate::domain::schema::biomarker_status)]
    pub status: String,
}

fn as_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.trim().to_owned(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn whole(
    field: &str,
    v: &Option<serde_json::Value>,
    max: i64,
    errors: &mut Vec<FieldError>,
) -> Option<u8> {
    let raw = v.as_ref().map(as_text).filter(|s| !s.is_empty())?;
    match raw.parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) => u8::try_from(n).ok(),
        _ => {
            errors.push(FieldError::new(
                field,
                Message::new(msg::WHOLE_NUMBER_RANGE)
                    .with("min", 0)
                    .with("max", max)
                    .with("got", raw),
            ));
            None
        }
    }
}

fn optional<T: std::str::FromStr>(
    field: &str,
    v: &Option<String>,
    errors: &mut Vec<FieldError>,
) -> Option<T>
where
    T::Err: Into<Message>,
{
    let raw = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    match raw.parse::<T>() {
        Ok(x) => Some(x),
        Err(e) => {
            errors.push(FieldError::new(field, e));
            None
        }
    }
}

impl ProfileInput {
    /// Every field as text, named as in the JSON API (`biomarkers[0].marker`).
    pub fn texts(&self) -> Vec<(String, String)> {
        let value = |v: &Option<serde_json::Value>| v.as_ref().map(as_text).unwrap_or_default();
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let mut texts = vec![
            ("age".to_owned(), value(&self.age)),
            ("sex".to_owned(), text(&self.sex)),
            ("diagnosis".to_owned(), text(&self.diagnosis)),
            ("setting".to_owned(), text(&self.setting)),
            ("stage".to_owned(), text(&self.stage)),
            ("prior_lines".to_owned(), value(&self.prior_lines)),
            ("ecog".to_owned(), value(&self.ecog)),
            ("postcode".to_owned(), value(&self.postcode)),
            ("max_km".to_owned(), value(&self.max_km)),
        ];
        for (i, b) in self.biomarkers.iter().flatten().enumerate() {
            texts.push((format!("biomarkers[{i}].marker"), b.marker.clone()));
            texts.push((format!("biomarkers[{i}].status"), b.status.clone()));
        }
        texts
    }

    /// The fields that look like a CPR number, each refused (nothing else is said about
    /// them, so no message quotes one).
    pub fn cpr_errors(&self) -> Vec<FieldError> {
        self.texts()
            .into_iter()
            .filter(|(_, text)| looks_like_cpr(text))
            .map(|(field, _)| FieldError::new(field, msg::CPR_REFUSED))
            .collect()
    }

    /// Every field checked; all errors at once, each naming its field. A CPR number in any
    /// field refuses the profile with only that error. The diagnosis is read as a clinician
    /// gives it ([`DiagnosisNames::resolve`]: a code first, a lay term as its group).
    pub fn to_profile(
        &self,
        catalogue: &Catalogue,
        names: &DiagnosisNames,
    ) -> Result<PatientProfile, Vec<FieldError>> {
        self.checked(catalogue, |typed| names.resolve(typed))
    }

    /// As [`ProfileInput::to_profile`], the diagnosis read as a patient gives it
    /// ([`DiagnosisNames::resolve_lay`]: a lay group first, also where its codes are one code).
    pub fn to_patient_profile(
        &self,
        catalogue: &Catalogue,
        names: &DiagnosisNames,
    ) -> Result<PatientProfile, Vec<FieldError>> {
        self.checked(catalogue, |typed| names.resolve_lay(typed))
    }

    fn checked<'n>(
        &self,
        catalogue: &Catalogue,
        resolve: impl Fn(&str) -> Option<ResolvedDiagnosis<'n>>,
    ) -> Result<PatientProfile, Vec<FieldError>> {
        let refused = self.cpr_errors();
        if !refused.is_empty() {
            return Err(refused);
        }
        let mut errors = Vec::new();
        let age = match self.age.as_ref().map(as_text).filter(|s| !s.is_empty()) {
            None => {
                errors.push(FieldError::new("age", msg::REQUIRED));
                None
            }
            Some(_) => whole("age", &self.age, MAX_AGE.into(), &mut errors),
        };
        let diagnosis = match self
            .diagnosis
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => {
                errors.push(FieldError::new("diagnosis", msg::REQUIRED));
                None
            }
            Some(typed) => {
                let resolved = resolve(typed);
                match &resolved {
                    None => errors.push(
                        FieldError::new("diagnosis", msg::UNKNOWN_DIAGNOSIS)
                            .with("input", quoted(typed)),
                    ),
                    // "Børnekræft" is every diagnosis of a child: for an adult it would
                    // propose every trial, so the adult is asked for the kind of cancer.
                    Some(ResolvedDiagnosis {
                        group: Some(group), ..
                    }) => {
                        if let (Some(max), Some(age)) = (group.max_age, age) {
                            if age > max {
                                errors.push(
                                    FieldError::new("diagnosis", msg::LAY_GROUP_MAX_AGE)
                                        .with("max", max),
                                );
                            }
                        }
                    }
                    Some(_) => {}
                }
                resolved.map(|resolved| resolved.diagnosis)
            }
        };
        let sex: Option<Sex> = optional("sex", &self.sex, &mut errors);
        let setting: Option<Setting> = optional("setting", &self.setting, &mut errors);
        let stage: Option<Stage> = optional("stage", &self.stage, &mut errors);
        let prior_lines = whole(
            "prior_lines",
            &self.prior_lines,
            MAX_PRIOR_LINES.into(),
            &mut errors,
        );
        let ecog = whole("ecog", &self.ecog, MAX_ECOG.into(), &mut errors);
        let mut biomarkers = Vec::new();
        for (i, b) in self.biomarkers.iter().flatten().enumerate() {
            if b.marker.trim().is_empty() {
                continue;
            }
            let status = match b.status.trim().parse::<BiomarkerStatus>() {
                Ok(s) => s,
                Err(e) => {
                    errors.push(FieldError::new(format!("biomarkers[{i}].status"), e));
                    continue;
                }
            };
            match Biomarker::new(&b.marker, status) {
                Ok(m) => biomarkers.push(m),
                Err(e) => errors.push(FieldError::new(format!("biomarkers[{i}].marker"), e)),
            }
        }
        let home = match self
            .postcode
            .as_ref()
            .map(as_text)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(raw) => match Postcode::parse(&raw) {
                Err(m) => {
                    errors.push(FieldError::new("postcode", m));
                    None
                }
                Ok(code) => match catalogue.postcodes.get(code.as_str()) {
                    None => {
                        errors.push(
                            FieldError::new("postcode", msg::UNKNOWN_POSTCODE)
                                .with("input", quoted(&raw)),
                        );
                        None
                    }
                    Some(p) => Some(Home {
                        lat: p.lat,
                        lon: p.lon,
                        region: p.region,
                    }),
                },
            },
        };
        let max_km = match self.max_km.as_ref().map(as_text).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => match raw.replace(',', ".").parse::<f64>() {
                Ok(km) if km.is_finite() && km > 0.0 && km <= 1000.0 => Some(km),
                _ => {
                    errors.push(FieldError::new("max_km", msg::MAX_KM).with("got", raw));
                    None
                }
            },
        };
        if max_km.is_some() && home.is_none() && !errors.iter().any(|e| e.field == "postcode") {
            errors.push(FieldError::new("max_km", msg::MAX_KM_NEEDS_POSTCODE));
        }
        match (age, diagnosis) {
            (Some(age), Some(diagnosis)) if errors.is_empty() => {
                let mut profile = PatientProfile::with_diagnosis(age, diagnosis);
                profile.sex = sex;
                profile.setting = setting;
                profile.stage = stage;
                profile.prior_lines = prior_lines;
                profile.ecog = ecog;
                profile.biomarkers = biomarkers;
                profile.standard_options_exhausted = self.standard_options_exhausted;
                profile.home = home;
                profile.max_km = max_km;
                Ok(profile)
            }
            _ => Err(errors),
        }
    }

    /// The form's fields (names as in the JSON API; biomarkers as `biomarkers[i].marker`).
    pub fn from_form(form: &crate::web::forms::FormData) -> Self {
        let text = |name: &str| Some(form.get(name).to_owned()).filter(|s| !s.is_empty());
        let value = |name: &str| text(name).map(serde_json::Value::String);
        let mut biomarkers = Vec::new();
        for i in 0..12 {
            let marker = form.get(&format!("biomarkers[{i}].marker"));
            if !marker.is_empty() {
                biomarkers.push(BiomarkerInput {
                    marker: marker.to_owned(),
                    status: form.get(&format!("biomarkers[{i}].status")).to_owned(),
                });
            }
        }
        Self {
            age: value("age"),
            sex: text("sex"),
            diagnosis: text("diagnosis"),
            setting: text("setting"),
            stage: text("stage"),
            prior_lines: value("prior_lines"),
            ecog: value("ecog"),
            biomarkers: Some(biomarkers),
            standard_options_exhausted: match form.get("standard_options_exhausted") {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            postcode: value("postcode"),
            max_km: value("max_km"),
        }
    }
}
