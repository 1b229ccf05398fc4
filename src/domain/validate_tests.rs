//! Table tests for the validation of interchange records: each case breaks one rule and must
//! be refused with an error on exactly the field that breaks it.

use serde_json::{json, Value};

use super::super::interchange::{ProtocolDoc, ReferenceCodes};

fn codes() -> ReferenceCodes {
    ReferenceCodes {
        dmcgs: ["DBCG", "DLCG"].into_iter().map(String::from).collect(),
        sites: ["RH-ONK", "AUH-ONK"]
            .into_iter()
            .map(String::from)
            .collect(),
    }
}

fn valid() -> Value {
    json!({
        "acronym": "DBCG RT-TEST", "title_da": "DBCG RT-TEST. Et forsøg", "dmcg": "DBCG",
        "phase": "phase-3", "recruitment_status": "open",
        "identifiers": { "nct": "NCT03646955", "eudract": "2018-001234-56", "eu_ct": "2023-501234-12-00" },
        "contact": { "name": "A", "email": "a@example.dk" },
        "opened_on": "2025-03-01", "closes_on": "2027-03-01",
        "eligibility": { "age_min": 18, "age_max": 80, "diagnoses": ["C50", "DC18-DC20", "c50.9"],
                         "settings": ["adjuvant"], "stages": ["I"], "ecog_max": 2,
                         "prior_lines_min": 0, "prior_lines_max": 2,
                         "biomarkers_required": [{ "marker": "her2", "status": "negative" }] },
        "sites": [ { "site": "RH-ONK", "status": "open", "contact": { "email": "b@example.dk" } } ]
    })
}

fn set(doc: &mut Value, path: &str, value: Value) {
    let mut target = doc;
    let parts: Vec<&str> = path.split('.').collect();
    for part in &parts[..parts.len() - 1] {
        target = &mut target[*part];
    }
    target[parts[parts.len() - 1]] = value;
}

fn validate(doc: Value) -> Result<crate::domain::Protocol, Vec<crate::domain::FieldError>> {
    let doc: ProtocolDoc = serde_json::from_value(doc).expect("shape is right");
    doc.validate(&codes())
}

#[test]
fn a_valid_record_is_accepted_and_normalised() {
    let protocol = validate(valid()).expect("valid");
    assert_eq!(
        protocol.eligibility.diagnoses.to_string(),
        "C50 C18-C20 C509"
    );
    assert_eq!(protocol.eligibility.biomarkers_required[0].marker, "HER2");
    assert_eq!(protocol.slug(), "dbcg-rt-test");
}

#[test]
fn each_broken_rule_is_reported_on_its_field() {
    let cases: &[(&str, Value, &str)] = &[
        ("acronym", json!(null), "acronym"),
        ("acronym", json!("X"), "acronym"),
        ("acronym", json!("A".repeat(61)), "acronym"),
        ("title_da", json!(null), "title_da"),
        ("title_da", json!("T".repeat(301)), "title_da"),
        ("dmcg", json!("NOPE"), "dmcg"),
        ("phase", json!("phase-5"), "phase"),
        ("phase", json!(null), "phase"),
        (
            "recruitment_status",
            json!("recruiting"),
            "recruitment_status",
        ),
        ("initiator", json!("pharma"), "initiator"),
        ("identifiers.nct", json!("NCT1234"), "identifiers.nct"),
        (
            "identifiers.eudract",
            json!("18-001234-56"),
            "identifiers.eudract",
        ),
        (
            "identifiers.eu_ct",
            json!("2023-401234-12-00"),
            "identifiers.eu_ct",
        ),
        ("contact.email", json!("nobody"), "contact.email"),
        ("contact.email", json!(null), "contact.email"),
        ("opened_on", json!("01-03-2025"), "opened_on"),
        ("closes_on", json!("2020-01-01"), "closes_on"),
        ("target_enrolment", json!(-5), "target_enrolment"),
        ("eligibility.age_min", json!(-1), "eligibility.age_min"),
        ("eligibility.age_max", json!(121), "eligibility.age_max"),
        ("eligibility.age_max", json!(10), "eligibility.age_max"),
        ("eligibility.sex", json!("other"), "eligibility.sex"),
        (
            "eligibility.diagnoses",
            json!(["C5X"]),
            "eligibility.diagnoses[0]",
        ),
        (
            "eligibility.diagnoses",
            json!(["C50", "C20-C18"]),
            "eligibility.diagnoses[1]",
        ),
        (
            "eligibility.settings",
            json!(["palliative"]),
            "eligibility.settings[0]",
        ),
        ("eligibility.stages", json!(["V"]), "eligibility.stages[0]"),
        ("eligibility.ecog_max", json!(5), "eligibility.ecog_max"),
        (
            "eligibility.prior_lines_max",
            json!(-1),
            "eligibility.prior_lines_max",
        ),
        (
            "eligibility.biomarkers_required",
            json!([{ "marker": "HER2", "status": "weak" }]),
            "eligibility.biomarkers_required[0].status",
        ),
        (
            "eligibility.biomarkers_required",
            json!([{ "marker": "HER 2!", "status": "positive" }]),
            "eligibility.biomarkers_required[0].marker",
        ),
        (
            "sites",
            json!([{ "site": "XX-ONK", "status": "open" }]),
            "sites[0].site",
        ),
        (
            "sites",
            json!([{ "site": "RH-ONK", "status": "recruiting" }]),
            "sites[0].status",
        ),
        (
            "sites",
            json!([{ "site": "RH-ONK", "status": "open" }, { "site": "RH-ONK", "status": "closed" }]),
            "sites[1].site",
        ),
        (
            "sites",
            json!([{ "site": "RH-ONK", "status": "open", "contact": { "email": "x" } }]),
            "sites[0].contact.email",
        ),
    ];
    for (path, value, field) in cases {
        let mut doc = valid();
        set(&mut doc, path, value.clone());
        let errors = validate(doc).expect_err(&format!("{path} = {value} must be refused"));
        assert!(
            errors.iter().any(|e| e.field == *field),
            "{path} = {value}: expected an error on {field}, got {errors:?}"
        );
    }
}

#[test]
fn unknown_fields_are_refused_by_name() {
    let mut doc = valid();
    doc["eligibility"]["colour"] = json!("blue");
    let err = serde_json::from_value::<ProtocolDoc>(doc).expect_err("unknown field");
    assert!(err.to_string().contains("colour"), "{err}");
}

#[test]
fn a_title_without_the_dmcg_acronym_is_a_warning_not_an_error() {
    let mut doc = valid();
    doc["acronym"] = json!("RT-TEST");
    doc["title_da"] = json!("Et forsøg med stråler");
    let protocol = validate(doc).expect("still valid");
    let warnings = super::super::interchange::warnings(&protocol);
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].message.to_string().contains("DBCG"));
}

#[test]
fn line_breaks_and_control_characters_are_refused_in_one_line_fields() {
    let cases: &[(&str, Value, &str)] = &[
        (
            "acronym",
            json!("DBCG RT-TEST\r\nInjected: header"),
            "acronym",
        ),
        ("acronym", json!("DBCG\u{0}RT"), "acronym"),
        ("title_da", json!("DBCG RT-TEST.\nEt forsøg"), "title_da"),
        ("title_en", json!("DBCG RT-TEST\u{2028}A trial"), "title_en"),
        ("sponsor", json!("Sponsor\tA/S\r"), "sponsor"),
        ("contact.name", json!("Anne\nHansen"), "contact.name"),
        ("contact.phone", json!("+45 1234\u{7}5678"), "contact.phone"),
        (
            "interventions",
            json!(["Strålebehandling\r\nX"]),
            "interventions",
        ),
        ("summary_da", json!("Første linje\u{1b}[31m"), "summary_da"),
    ];
    for (path, value, field) in cases {
        let mut doc = valid();
        set(&mut doc, path, value.clone());
        let errors = validate(doc).expect_err(path);
        assert!(
            errors
                .iter()
                .any(|e| e.field == *field && e.message.english().contains("control characters")),
            "{path} = {value}: {errors:?}"
        );
    }
    // Texts keep their line breaks and tabs.
    let mut doc = valid();
    set(
        &mut doc,
        "summary_da",
        json!("Første linje\nAnden linje\r\n\tindrykket"),
    );
    assert!(validate(doc).is_ok());
}

#[test]
fn diagnoses_outside_the_neoplasm_chapter_are_a_warning_not_a_refusal() {
    let warned = |codes: &[&str]| {
        let codes: Vec<String> = codes.iter().map(|c| (*c).to_owned()).collect();
        super::super::interchange::diagnosis_warnings(&codes).map(|w| w.message.to_string())
    };
    assert_eq!(warned(&["C50", "D05", "C81-C96", "D45-D47", "C34.1"]), None);
    let w = warned(&["C50", "X99", "Z51-Z52", "not a code"]).expect("a warning");
    assert!(w.contains("X99, Z51-Z52") && !w.contains("C50"), "{w}");
    let mut doc = valid();
    set(&mut doc, "eligibility.diagnoses", json!(["X99"]));
    let protocol = validate(doc).expect("accepted: advice only");
    let warnings = super::super::interchange::warnings(&protocol);
    assert!(
        warnings.iter().any(|w| w.field == "eligibility.diagnoses"),
        "{warnings:?}"
    );
}
