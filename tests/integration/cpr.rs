//! CPR numbers are refused in every field of every patient-data input, in any spelling: the
//! match form, `POST /api/v1/match`, the patient page, the offer form (new, edit, annul) and
//! the offer CSV import (page and command line). The refusal names the field and the response
//! never holds the number: not the digits, not the spelling sent, not in a field's value.

use std::io::Write;

use dccc_registry::domain::{msg, Message};

use crate::helpers::{attrs, browser, spawn_app, texts, Data, TestApp};
use crate::offers::{clinician, count_offers, multipart, offer_form, run};

/// The digits every spelling stands for, and its first six (the date).
const DIGITS: &str = "0101901234";
const DATE: &str = "010190";

/// Spellings sent to every field: the usual ones, an en dash, full-width digits, a
/// zero-width space and a no-break space.
const SPELLINGS: &[&str] = &[
    "010190-1234",
    "01 01 90 1234",
    "01.01.90\u{2013}1234",
    "０１０１９０１２３４",
    "0101\u{200B}901234",
    "010190\u{00A0}1234",
];

/// Fails when a response body holds the number in any form that was sent.
fn assert_not_echoed(case: &str, body: &str, spelling: &str) {
    for needle in [DIGITS, DATE, spelling] {
        assert!(
            !body.contains(needle),
            "{case}: the response holds {needle:?}"
        );
    }
}

/// The Danish refusal, as the pages show it by default.
fn refusal() -> String {
    Message::new(msg::CPR_REFUSED).page_text("da")
}

/// The summary line of a refused field names it and says why.
fn assert_refused_field(case: &str, html: &scraper::Html, field: &str) {
    let lines = texts(html, &format!("#form-errors li[data-field='{field}']"));
    assert_eq!(lines.len(), 1, "{case}: {field} is named in the summary");
    assert!(
        lines[0].ends_with(&refusal()),
        "{case}: {field} is refused as a CPR number, got {lines:?}"
    );
}

/// `fields` with `field` set to `value` (added when the form does not have it).
fn with_value<'a>(
    fields: &[(&'a str, &'a str)],
    field: &'a str,
    value: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut out: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(k, _)| *k != field)
        .copied()
        .collect();
    out.push((field, value));
    out
}

async fn refused_page(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
    case: &str,
    spelling: &str,
) -> scraper::Html {
    let response = app.post(client, path, fields).await;
    assert_eq!(response.status().as_u16(), 422, "{case}");
    let body = response.text().await.expect("body");
    assert_not_echoed(case, &body, spelling);
    scraper::Html::parse_document(&body)
}

const PROFILE: &[(&str, &str)] = &[
    ("age", "60"),
    ("sex", "female"),
    ("diagnosis", "C50"),
    ("setting", "metastatic"),
    ("stage", "IV"),
    ("prior_lines", "1"),
    ("ecog", "1"),
    ("standard_options_exhausted", "false"),
    ("postcode", "8000"),
    ("max_km", "150"),
    ("biomarkers[0].marker", "HER2"),
    ("biomarkers[0].status", "negative"),
];

#[tokio::test]
async fn the_match_form_refuses_a_cpr_number_in_every_field() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("doc@rh.test", "clinician", &[], &["RH-ONK"]);
    let doc = app.login("doc@rh.test").await;
    let token = app.csrf(&doc, "/match").await;
    let mut base = PROFILE.to_vec();
    base.push(("csrf_token", &token));
    let accepted = app.post(&doc, "/match", &base).await;
    assert_eq!(
        accepted.status().as_u16(),
        200,
        "the profile itself is valid"
    );
    // The inputs whose value the form shows again, by id or name.
    let inputs = [
        ("age", "#m-age"),
        ("diagnosis", "#m-diagnosis"),
        ("prior_lines", "#m-prior"),
        ("postcode", "#m-postcode"),
        ("max_km", "#m-km"),
        ("biomarkers[0].marker", "input[name='biomarkers[0].marker']"),
    ];
    let fields = PROFILE.iter().map(|(k, _)| *k).chain(["note"]);
    for field in fields {
        for spelling in SPELLINGS {
            let case = format!("/match {field} = {spelling:?}");
            let posted = with_value(&base, field, spelling);
            let html = refused_page(&app, &doc, "/match", &posted, &case, spelling).await;
            assert_refused_field(&case, &html, field);
            if let Some((_, selector)) = inputs.iter().find(|(f, _)| *f == field) {
                assert_eq!(attrs(&html, selector, "value"), [""], "{case}: emptied");
            }
            assert_eq!(
                attrs(&html, "#m-postcode", "value"),
                [if field == "postcode" { "" } else { "8000" }],
                "{case}: the other input is kept"
            );
        }
    }
}

#[tokio::test]
async fn the_patient_page_refuses_a_cpr_number_in_every_field() {
    let app = spawn_app(Data::Fixture).await;
    let client = browser();
    let token = app.csrf(&client, "/find-forsoeg").await;
    let base = [
        ("csrf_token", token.as_str()),
        ("age", "60"),
        ("sex", "female"),
        ("diagnosis", "C50"),
        ("postcode", "8000"),
        ("max_km", "100"),
    ];
    for field in ["age", "sex", "diagnosis", "postcode", "max_km", "note"] {
        for spelling in SPELLINGS {
            let case = format!("/find-forsoeg {field} = {spelling:?}");
            let posted = with_value(&base, field, spelling);
            let html = refused_page(&app, &client, "/find-forsoeg", &posted, &case, spelling).await;
            assert_refused_field(&case, &html, field);
            for (name, id) in [
                ("age", "#p-age"),
                ("postcode", "#p-postcode"),
                ("max_km", "#p-km"),
            ] {
                if name == field {
                    assert_eq!(attrs(&html, id, "value"), [""], "{case}: emptied");
                }
            }
        }
    }
}

async fn post_match(app: &TestApp, query: &str, body: &serde_json::Value) -> (u16, String) {
    let response = app
        .client
        .post(format!("{}/api/v1/match{query}", app.address))
        .json(body)
        .send()
        .await
        .expect("post");
    (
        response.status().as_u16(),
        response.text().await.expect("body"),
    )
}

fn assert_cpr_refused(case: &str, status: u16, body: &str, field: &str, spelling: &str) {
    assert_eq!(status, 400, "{case}: {body}");
    let error: serde_json::Value = serde_json::from_str(body).expect("a JSON error");
    assert_eq!(error["error"]["code"], "cpr_refused", "{case}: {body}");
    assert_eq!(error["error"]["field"], field, "{case}: {body}");
    assert_not_echoed(case, body, spelling);
}

#[tokio::test]
async fn the_match_api_refuses_a_cpr_number_in_every_field_and_parameter() {
    let app = spawn_app(Data::Fixture).await;
    let base = serde_json::json!({
        "age": 60, "sex": "female", "diagnosis": "C50", "setting": "metastatic", "stage": "IV",
        "prior_lines": 1, "ecog": 1, "biomarkers": [{ "marker": "HER2", "status": "negative" }],
        "standard_options_exhausted": false, "postcode": "8000", "max_km": 150
    });
    let (status, _) = post_match(&app, "", &base).await;
    assert_eq!(status, 200, "the profile itself is valid");
    let fields = [
        "age",
        "sex",
        "diagnosis",
        "setting",
        "stage",
        "prior_lines",
        "ecog",
        "standard_options_exhausted",
        "postcode",
        "max_km",
        "biomarkers[0].marker",
        "biomarkers[0].status",
        "name",
    ];
    for field in fields {
        for spelling in SPELLINGS.iter().chain(&[DIGITS]) {
            let case = format!("API {field} = {spelling:?}");
            let mut body = base.clone();
            match field.strip_prefix("biomarkers[0].") {
                Some(part) => body["biomarkers"][0][part] = serde_json::json!(spelling),
                None => body[field] = serde_json::json!(spelling),
            }
            let (status, text) = post_match(&app, "", &body).await;
            assert_cpr_refused(&case, status, &text, field, spelling);
        }
    }
    // A number that is a CPR number, a CPR number as a key, and one in the query.
    let mut number = base.clone();
    number["postcode"] = serde_json::json!(1_101_901_234_u64);
    let (status, text) = post_match(&app, "", &number).await;
    assert_cpr_refused("a number", status, &text, "postcode", "1101901234");
    let mut key = base.clone();
    key["biomarkers"][0]["010190-1234"] = serde_json::json!("x");
    let (status, text) = post_match(&app, "", &key).await;
    assert_cpr_refused("a key", status, &text, "biomarkers[0]", "010190-1234");
    let (status, text) = post_match(&app, "?include_ineligible=010190-1234", &base).await;
    assert_cpr_refused(
        "the query",
        status,
        &text,
        "include_ineligible",
        "010190-1234",
    );
}

/// Every field of the offer form with a text input, by its id.
const OFFER_INPUTS: &[&str] = &[
    "decision_date",
    "patient_ref",
    "age",
    "residence_postcode",
    "protocol",
    "outcome_date",
    "reason_text",
];

/// Every field the offer register reads.
const OFFER_FIELDS: &[&str] = &[
    "decision_date",
    "site",
    "dmcg",
    "patient_ref",
    "age",
    "sex",
    "residence_postcode",
    "residence_region",
    "mdt_level",
    "offered",
    "protocol",
    "not_offered_reason",
    "reason_text",
    "outcome",
    "outcome_date",
];

#[tokio::test]
async fn the_offer_form_refuses_a_cpr_number_in_every_field_when_registering_editing_and_annulling()
{
    let app = spawn_app(Data::Fixture).await;
    let client = clinician(&app).await;
    let token = app.csrf(&client, "/tilbud/ny").await;
    let base = offer_form(&token, "AUH-MDT-0001", "AUH-ONK");
    let created = app.post(&client, "/tilbud/ny", &base).await;
    assert_eq!(created.status().as_u16(), 303, "the entry itself is valid");
    let id = created
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .and_then(|l| l.trim_start_matches("/tilbud/").split('?').next())
        .and_then(|id| id.parse::<i32>().ok())
        .expect("the new entry's address");
    let edit = format!("/tilbud/{id}/rediger");
    for path in ["/tilbud/ny", edit.as_str()] {
        for field in OFFER_FIELDS.iter().copied().chain(["note"]) {
            for spelling in SPELLINGS {
                let case = format!("{path} {field} = {spelling:?}");
                let posted = with_value(&base, field, spelling);
                let html = refused_page(&app, &client, path, &posted, &case, spelling).await;
                assert_refused_field(&case, &html, field);
                if OFFER_INPUTS.contains(&field) {
                    assert_eq!(
                        attrs(&html, &format!("#o-{field}"), "value"),
                        [""],
                        "{case}: emptied"
                    );
                }
            }
        }
    }
    // From a match result: the prefilled form does not show a CPR number either.
    let spelling = SPELLINGS[0];
    let prefill = [
        ("csrf_token", token.as_str()),
        ("prefill", "1"),
        ("age", spelling),
        ("residence_postcode", "8000"),
    ];
    let html = refused_page(&app, &client, "/tilbud/ny", &prefill, "prefill", spelling).await;
    assert_refused_field("prefill", &html, "age");

    let annul = format!("/tilbud/{id}/annuller");
    for spelling in SPELLINGS {
        let case = format!("annul reason = {spelling:?}");
        let posted = [
            ("csrf_token", token.as_str()),
            ("reason", &format!("registreret to gange, {spelling}")),
        ];
        let html = refused_page(&app, &client, &annul, &posted, &case, spelling).await;
        assert_eq!(
            texts(&html, "[data-for=reason]"),
            [refusal()],
            "{case}: refused"
        );
        assert_eq!(attrs(&html, "#a-reason", "value"), [""], "{case}: emptied");
        assert!(texts(&html, "#annulled").is_empty(), "{case}: not annulled");
    }
    assert_eq!(count_offers(&app), 1, "only the valid entry is stored");
}

/// A valid row of the offer file, by column, with the optional `reason_text` (a column outside
/// the contract is refused as a whole: see `offers::a_column_outside_the_contract_...`).
const ROW: &[(&str, &str)] = &[
    ("decision_date", "2025-03-01"),
    ("site", "AUH-ONK"),
    ("dmcg", "DBCG"),
    ("patient_ref", "P-1"),
    ("age", "67"),
    ("sex", "female"),
    ("residence_postcode", "8000"),
    ("mdt_level", "local"),
    ("offered", "no"),
    ("protocol", ""),
    ("not_offered_reason", "other"),
    ("outcome", ""),
    ("outcome_date", ""),
    ("reason_text", "kapacitet"),
];

/// A file of one row with `column` set to `value`, semicolon separated.
fn file_with(column: &str, value: &str) -> String {
    let header: Vec<&str> = ROW.iter().map(|(c, _)| *c).collect();
    let row: Vec<&str> = ROW
        .iter()
        .map(|(c, v)| if *c == column { value } else { *v })
        .collect();
    format!("{}\n{}\n", header.join(";"), row.join(";"))
}

#[tokio::test]
async fn the_offer_import_refuses_a_cpr_number_in_every_cell_naming_line_and_column() {
    let app = spawn_app(Data::Fixture).await;
    let client = clinician(&app).await;
    let token = app.csrf(&client, "/tilbud/import").await;
    let upload = |csv: String| {
        client
            .post(format!("{}/tilbud/import", app.address))
            .multipart(multipart(&token, &csv))
            .send()
    };
    let good = upload(file_with("", "")).await.expect("post");
    assert_eq!(good.status().as_u16(), 200, "the row itself is valid");
    assert_eq!(count_offers(&app), 1);
    for (column, _) in ROW {
        for spelling in SPELLINGS {
            let case = format!("import {column} = {spelling:?}");
            let response = upload(file_with(column, spelling)).await.expect("post");
            assert_eq!(response.status().as_u16(), 422, "{case}");
            let body = response.text().await.expect("body");
            assert_not_echoed(&case, &body, spelling);
            let html = scraper::Html::parse_document(&body);
            let selector = format!(".import-error[data-line='2'][data-field='{column}']");
            assert_eq!(
                texts(&html, &format!("{selector} td:last-child")),
                [refusal()],
                "{case}: line and column named"
            );
        }
    }
    assert_eq!(count_offers(&app), 1, "nothing of a refused file is stored");

    // The command line names line and column in English and prints no number either.
    let spelling = SPELLINGS[2];
    let text = file_with("patient_ref", spelling).replace("kapacitet", spelling);
    let mut file = tempfile::Builder::new()
        .suffix(".csv")
        .tempfile()
        .expect("temp");
    write!(file, "{text}").expect("write");
    let out = run(
        &app.db,
        &["offers", "import", file.path().to_str().expect("path")],
    );
    assert_eq!(out.status.code(), Some(2));
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let english = Message::new(msg::CPR_REFUSED).english();
    for column in ["patient_ref", "reason_text"] {
        assert!(
            printed.contains(&format!("line 2: {column}: {english}")),
            "{column} named:\n{printed}"
        );
    }
    assert_not_echoed("command line", &printed, spelling);
    assert_eq!(count_offers(&app), 1);
}
