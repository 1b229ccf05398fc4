//! Matching end to end: the API (contract.md §2), the MDT page and the patient page, pathways
//! for children and for adults with exhausted options, referral across regions, refusals, and
//! logs that never hold the profile.

use crate::helpers::{attrs, post_match, spawn_app, texts, Data};

fn acronyms(body: &serde_json::Value) -> Vec<String> {
    body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["protocol"]["acronym"]
                .as_str()
                .expect("acronym")
                .to_owned()
        })
        .collect()
}

fn pathways(body: &serde_json::Value) -> Vec<String> {
    body["pathways"]
        .as_array()
        .expect("pathways")
        .iter()
        .map(|p| p["code"].as_str().expect("code").to_owned())
        .collect()
}

#[tokio::test]
async fn a_child_with_relapsed_cancer_is_sent_to_nmbk_and_the_national_mdt_only_when_nothing_fits()
{
    let app = spawn_app(Data::Fixture).await;
    // The fixture's DAPHO TEST-NMBK takes relapsed or refractory children with any cancer.
    let (status, body) = post_match(&app, "", serde_json::json!({ "age": 7, "diagnosis": "C71.9", "setting": "relapsed", "postcode": "2100" })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(acronyms(&body), ["DAPHO TEST-NMBK"]);
    assert_eq!(body["results"][0]["verdict"], "eligible");
    assert_eq!(
        pathways(&body),
        ["NMBK"],
        "NMBK always; the national MDT not while a protocol fits"
    );
    assert!(body["no_offer_reason"].is_null());
    let (_, edge) = post_match(&app, "", serde_json::json!({ "age": 17, "diagnosis": "C71", "setting": "refractory", "sex": "male", "postcode": "9000" })).await;
    assert_eq!(
        acronyms(&edge),
        ["DAPHO TEST-NMBK"],
        "17 is within 0–17 (inclusive)"
    );
    // A benign brain tumour (D33) is outside the protocol's C00–C97: nothing fits, so the
    // national MDT for children joins NMBK.
    let (_, nothing) = post_match(
        &app,
        "",
        serde_json::json!({ "age": 10, "diagnosis": "D33.1", "setting": "relapsed" }),
    )
    .await;
    assert!(acronyms(&nothing).is_empty());
    let mut codes = pathways(&nothing);
    codes.sort();
    assert_eq!(codes, ["NATMDT-BOERN", "NMBK"]);
    assert_eq!(nothing["no_offer_reason"], "no_relevant_protocol");
    let (_, adult) = post_match(
        &app,
        "?include_ineligible=true",
        serde_json::json!({ "age": 18, "diagnosis": "C71", "setting": "refractory" }),
    )
    .await;
    assert!(
        !pathways(&adult).contains(&"NMBK".to_owned()),
        "18 is an adult"
    );
}

#[tokio::test]
async fn an_adult_with_exhausted_options_gets_phase_1_units_and_the_panel_only_when_nothing_fits() {
    let app = spawn_app(Data::Fixture).await;
    let (status, body) = post_match(
        &app,
        "",
        serde_json::json!({ "age": 60, "diagnosis": "C25.0", "standard_options_exhausted": true }),
    )
    .await;
    assert_eq!(status, 200);
    assert!(acronyms(&body).is_empty());
    assert_eq!(body["no_offer_reason"], "no_relevant_protocol");
    let mut codes = pathways(&body);
    codes.sort();
    assert_eq!(codes, ["HGH-EFEK", "RH-FASE1", "SST-PANEL"]);
    // With an eligible protocol the panel is not proposed.
    let (_, fits) = post_match(&app, "", serde_json::json!({ "age": 60, "diagnosis": "C61", "sex": "male", "standard_options_exhausted": true })).await;
    assert_eq!(fits["results"][0]["verdict"], "eligible");
    let mut codes = pathways(&fits);
    codes.sort();
    assert_eq!(codes, ["HGH-EFEK", "RH-FASE1"]);
    let (_, not_exhausted) = post_match(
        &app,
        "",
        serde_json::json!({ "age": 60, "diagnosis": "C25.0" }),
    )
    .await;
    assert!(pathways(&not_exhausted).is_empty());
}

#[tokio::test]
async fn a_patient_far_from_an_open_department_is_referred_across_regions() {
    let app = spawn_app(Data::Fixture).await;
    // Colon cancer in Aalborg: DCCG TEST-SYD is open only in Odense (Syddanmark).
    let (_, body) = post_match(
        &app,
        "",
        serde_json::json!({ "age": 70, "diagnosis": "C18.2", "postcode": "9000" }),
    )
    .await;
    assert_eq!(acronyms(&body), ["DCCG TEST-SYD"]);
    let result = &body["results"][0];
    assert_eq!(result["nearest_site"]["code"], "OUH-ONK");
    assert_eq!(result["referral_needed"], true);
    assert!(result["nearest_site"]["distance_km"].as_f64().expect("km") > 150.0);
    let (_, local) = post_match(
        &app,
        "",
        serde_json::json!({ "age": 70, "diagnosis": "C18.2", "postcode": "5000" }),
    )
    .await;
    assert_eq!(local["results"][0]["referral_needed"], false);
    let (_, near) = post_match(
        &app,
        "",
        serde_json::json!({ "age": 70, "diagnosis": "C18.2", "postcode": "9000", "max_km": 50 }),
    )
    .await;
    assert!(
        acronyms(&near).is_empty(),
        "max_km leaves out the far department"
    );
    // C19 is excluded by the protocol.
    let (_, excluded) = post_match(
        &app,
        "?include_ineligible=true",
        serde_json::json!({ "age": 70, "diagnosis": "C19" }),
    )
    .await;
    assert_eq!(excluded["results"][0]["verdict"], "not_eligible");
}

#[tokio::test]
async fn the_criteria_of_a_result_follow_the_contract_table() {
    let app = spawn_app(Data::Fixture).await;
    let (_, body) = post_match(&app, "", serde_json::json!({ "age": 55, "diagnosis": "DC509", "sex": "female", "setting": "adjuvant", "biomarkers": [{ "marker": "her2", "status": "negative" }] })).await;
    let result = body["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["protocol"]["acronym"] == "DBCG TEST-ALL5")
        .expect("DBCG");
    let outcomes: Vec<(String, String)> = result["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .map(|c| {
            (
                c["criterion"].as_str().unwrap_or("").to_owned(),
                c["outcome"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let expect = |name: &str| {
        outcomes
            .iter()
            .find(|(c, _)| c == name)
            .map(|(_, o)| o.clone())
    };
    assert_eq!(expect("age").as_deref(), Some("met"));
    assert_eq!(expect("sex").as_deref(), Some("met"));
    assert_eq!(expect("diagnosis").as_deref(), Some("met"));
    assert_eq!(expect("setting").as_deref(), Some("met"));
    assert_eq!(expect("stage").as_deref(), Some("unknown"));
    assert_eq!(expect("ecog").as_deref(), Some("unknown"));
    assert_eq!(expect("biomarker:HER2").as_deref(), Some("met"));
    assert_eq!(expect("prior_lines"), None, "no bound set: not reported");
    assert_eq!(result["verdict"], "possibly_eligible");
    for c in result["criteria"].as_array().expect("criteria") {
        assert!(
            !c["detail_da"].as_str().unwrap_or("").is_empty()
                && !c["detail_en"].as_str().unwrap_or("").is_empty()
        );
    }
}

#[tokio::test]
async fn bad_profiles_give_a_400_naming_the_field() {
    let app = spawn_app(Data::Fixture).await;
    let cases = [
        (serde_json::json!({ "diagnosis": "C50" }), "age"),
        (serde_json::json!({ "age": 300, "diagnosis": "C50" }), "age"),
        (serde_json::json!({ "age": 50 }), "diagnosis"),
        (
            serde_json::json!({ "age": 50, "diagnosis": "X99.9.9" }),
            "diagnosis",
        ),
        (
            serde_json::json!({ "age": 50, "diagnosis": "C50", "ecog": 7 }),
            "ecog",
        ),
        (
            serde_json::json!({ "age": 50, "diagnosis": "C50", "biomarkers": [{ "marker": "HER2", "status": "weak" }] }),
            "biomarkers[0].status",
        ),
        (
            serde_json::json!({ "age": 50, "diagnosis": "C50", "postcode": "0999" }),
            "postcode",
        ),
        (
            serde_json::json!({ "age": 50, "diagnosis": "C50", "postcode": "12" }),
            "postcode",
        ),
        (
            serde_json::json!({ "age": 50, "diagnosis": "C50", "sex": "x" }),
            "sex",
        ),
        (
            serde_json::json!({ "age": 50, "diagnosis": "C50", "setting": "palliative" }),
            "setting",
        ),
        (
            serde_json::json!({ "age": 50, "diagnosis": "C50", "max_km": 20 }),
            "max_km",
        ),
        (
            serde_json::json!({ "age": 50, "diagnosis": "010190-1234" }),
            "diagnosis",
        ),
        (
            serde_json::json!({ "age": 50, "diagnosis": "C50", "name": "Jens" }),
            "name",
        ),
    ];
    for (body, field) in cases {
        let (status, error) = post_match(&app, "", body.clone()).await;
        assert_eq!(status, 400, "{body}: {error}");
        assert_eq!(error["error"]["field"], field, "{body}: {error}");
    }
    let response = app
        .client
        .post(format!("{}/api/v1/match", app.address))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 400);
}

#[tokio::test]
async fn the_mdt_page_is_for_clinicians_and_shows_pathways_checklists_and_the_unfit() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("doc@rh.test", "clinician", &[], &["RH-ONK"]);
    app.create_user("ed@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    let anonymous = app.get("/match").await;
    assert!(
        anonymous.url().path().starts_with("/login"),
        "anonymous: sent to log in"
    );
    let editor = app.login("ed@dbcg.test").await;
    assert_eq!(app.page(&editor, "/match").await.0, 403);
    let doc = app.login("doc@rh.test").await;
    let token = app.csrf(&doc, "/match").await;
    let response = app
        .post(
            &doc,
            "/match",
            &[
                ("csrf_token", &token),
                ("age", "9"),
                ("diagnosis", "C50 Brystkræft"),
                ("setting", "refractory"),
                ("postcode", "8000"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = scraper::Html::parse_document(&response.text().await.expect("body"));
    assert_eq!(attrs(&html, "#pathways .pathway", "data-code"), ["NMBK"]);
    assert_eq!(
        attrs(&html, "#results .match-card", "data-slug"),
        ["dapho-test-nmbk"]
    );
    assert_eq!(
        attrs(&html, "#results .match-card li.check-met", "data-criterion").len(),
        3
    );
    assert_eq!(
        texts(&html, "#results .referral").len(),
        1,
        "Aarhus to Copenhagen: referral"
    );
    assert_eq!(
        attrs(&html, "#not-fitting .match-card", "data-slug"),
        ["dbcg-test-all5"],
        "the unfit can be expanded"
    );
    assert_eq!(
        attrs(
            &html,
            "#not-fitting .match-card li.check-not-met",
            "data-criterion"
        ),
        ["age", "setting"],
        "with the reasons"
    );
    assert_eq!(
        attrs(&html, "#m-age", "value"),
        ["9"],
        "the profile stays in the form"
    );
    let bad = app
        .post(
            &doc,
            "/match",
            &[("csrf_token", &token), ("age", "abc"), ("diagnosis", "C71")],
        )
        .await;
    assert_eq!(bad.status().as_u16(), 422);
    let html = scraper::Html::parse_document(&bad.text().await.expect("body"));
    assert_eq!(texts(&html, "[data-for=age]").len(), 1);
}

#[tokio::test]
async fn the_patient_page_needs_no_login_and_speaks_plainly() {
    let app = spawn_app(Data::Fixture).await;
    let client = crate::helpers::browser();
    let (status, html) = app.page(&client, "/find-forsoeg").await;
    assert_eq!(status, 200);
    let options = attrs(&html, "datalist#lay-terms option", "value");
    assert!(
        options.iter().any(|o| o == "Brystkræft"),
        "the field suggests lay terms: {options:?}"
    );
    let token = app.csrf(&client, "/find-forsoeg").await;
    let response = app
        .post(
            &client,
            "/find-forsoeg",
            &[
                ("csrf_token", &token),
                ("age", "60"),
                ("sex", "female"),
                ("diagnosis", "C50"),
                ("postcode", "8000"),
                ("max_km", "100"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = scraper::Html::parse_document(&response.text().await.expect("body"));
    assert_eq!(
        attrs(&html, "#results .match-card", "data-slug"),
        ["dbcg-test-all5"]
    );
    assert_eq!(
        texts(&html, "#results .notice").len(),
        1,
        "talk to your doctor"
    );
    let cpr = app
        .post(
            &client,
            "/find-forsoeg",
            &[
                ("csrf_token", &token),
                ("age", "010190-1234"),
                ("diagnosis", "C50"),
            ],
        )
        .await;
    assert_eq!(cpr.status().as_u16(), 422);
    let body = cpr.text().await.expect("body");
    assert!(
        body.contains("CPR"),
        "a CPR number is refused with a clear message"
    );
    assert!(!body.contains("010190-1234"), "and not shown back");
}
