//! How the vocabularies of the interchange format and the JSON API are described in the
//! OpenAPI document (`/api/v1/openapi.json`): string enumerations made from the matching
//! crate's own lists of allowed values ([`Phase::ALLOWED`] …), so that the description
//! follows the code. Used by `#[schema(schema_with = …)]` on the types the API serializes.

use dccc_matching::{
    BiomarkerStatus, Initiator, Phase, RecruitmentStatus, Region, Setting, Sex, SexEligibility,
    SiteStatus, Stage, MAX_MARKER_LEN,
};
use utoipa::openapi::schema::{Array, ArrayBuilder, Object, ObjectBuilder, SchemaType, Type};

/// A string that is one of `allowed`.
pub fn one_of(allowed: &[&str]) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(allowed.iter().copied()))
        .build()
}

/// A string that is one of `allowed`, or null.
pub fn one_of_or_null(allowed: &[&str]) -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(
            allowed
                .iter()
                .map(|s| serde_json::Value::from(*s))
                .chain([serde_json::Value::Null]),
        ))
        .build()
}

/// A list of strings, each one of `allowed`.
pub fn list_of(allowed: &[&str]) -> Array {
    ArrayBuilder::new().items(one_of(allowed)).build()
}

pub fn phase() -> Object {
    one_of(Phase::ALLOWED)
}

pub fn phase_or_null() -> Object {
    one_of_or_null(Phase::ALLOWED)
}

pub fn recruitment_status() -> Object {
    one_of(RecruitmentStatus::ALLOWED)
}

pub fn recruitment_status_or_null() -> Object {
    one_of_or_null(RecruitmentStatus::ALLOWED)
}

pub fn site_status() -> Object {
    one_of(SiteStatus::ALLOWED)
}

pub fn initiator_or_null() -> Object {
    one_of_or_null(Initiator::ALLOWED)
}

pub fn sex_eligibility_or_null() -> Object {
    one_of_or_null(SexEligibility::ALLOWED)
}

pub fn sex_or_null() -> Object {
    one_of_or_null(Sex::ALLOWED)
}

pub fn settings() -> Array {
    list_of(Setting::ALLOWED)
}

pub fn setting_or_null() -> Object {
    one_of_or_null(Setting::ALLOWED)
}

pub fn stages() -> Array {
    list_of(Stage::ALLOWED)
}

/// A stage as a profile gives it: lower case is read too (people type `iv`).
pub fn stage_or_null() -> Object {
    let lower: Vec<String> = Stage::ALLOWED.iter().map(|s| s.to_lowercase()).collect();
    let mut both: Vec<&str> = Stage::ALLOWED.to_vec();
    both.extend(lower.iter().map(String::as_str));
    one_of_or_null(&both)
}

/// A marker code as stored and served: upper case (`HER2`, `BRAF-V600E`).
pub fn marker() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(format!("^[A-Z0-9-]{{1,{MAX_MARKER_LEN}}}$")))
        .build()
}

/// A marker code as a profile may give it: lower case is read as upper case.
pub fn marker_input() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(format!("^[A-Za-z0-9-]{{1,{MAX_MARKER_LEN}}}$")))
        .build()
}

pub fn biomarker_status() -> Object {
    one_of(BiomarkerStatus::ALLOWED)
}

/// The code of one of the five regions (1081–1085).
pub fn region() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .enum_values(Some(Region::ALL.iter().map(|r| r.code())))
        .build()
}

/// A list of region codes.
pub fn regions() -> Array {
    ArrayBuilder::new().items(region()).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enum_of(object: &Object) -> Vec<serde_json::Value> {
        object.enum_values.clone().unwrap_or_default()
    }

    #[test]
    fn every_vocabulary_lists_exactly_the_values_the_parsers_accept() {
        let cases: [(&str, Object, &[&str]); 4] = [
            ("phase", phase(), Phase::ALLOWED),
            ("status", recruitment_status(), RecruitmentStatus::ALLOWED),
            ("site status", site_status(), SiteStatus::ALLOWED),
            ("biomarker", biomarker_status(), BiomarkerStatus::ALLOWED),
        ];
        for (name, object, allowed) in cases {
            let listed = enum_of(&object);
            assert_eq!(listed.len(), allowed.len(), "{name}");
            for value in &listed {
                let text = value.as_str().unwrap_or_default();
                assert!(allowed.contains(&text), "{name}: {text}");
            }
        }
    }

    #[test]
    fn a_nullable_vocabulary_also_lists_null() {
        let listed = enum_of(&phase_or_null());
        assert_eq!(listed.last(), Some(&serde_json::Value::Null));
        assert_eq!(listed.len(), Phase::ALLOWED.len() + 1);
    }

    #[test]
    fn stages_are_listed_as_typed_in_either_case_and_each_is_read() {
        for value in enum_of(&stage_or_null()) {
            if let Some(text) = value.as_str() {
                assert!(text.parse::<Stage>().is_ok(), "{text}");
            }
        }
    }
}
