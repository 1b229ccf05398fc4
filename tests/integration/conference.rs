//! `/match/konference`: an MDT conference's case list matched in one post, each case exactly as
//! the single match answers it, refused case by case with the field named, and one button per
//! proposal to the offer form prefilled for that case. Nothing of the list is stored.

use scraper::{Html, Selector};
use serde_json::Value;

use crate::batch::cases;
use crate::helpers::{
    attrs, breast_trials, hidden_fields, post_match, spawn_app, texts, Data, TestApp,
};

const PAGE: &str = "/match/konference";

/// The form fields of a list of cases as the page names them (`cases[3].age`).
fn list_form(token: &str, list: &[Value]) -> Vec<(String, String)> {
    let mut fields = vec![
        ("csrf_token".to_owned(), token.to_owned()),
        ("site".to_owned(), "AUH-ONK".to_owned()),
        ("date".to_owned(), "2026-11-30".to_owned()),
        ("mdt_level".to_owned(), "regional".to_owned()),
    ];
    for (i, case) in list.iter().enumerate() {
        let mut field = |name: &str, value: String| {
            fields.push((format!("cases[{i}].{name}"), value));
        };
        field("case", case["ref"].as_str().expect("ref").to_owned());
        for (name, value) in case["profile"].as_object().expect("profile") {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            field(name, text);
        }
    }
    fields
}

async fn clinician(app: &TestApp) -> reqwest::Client {
    app.create_user("mdt@auh.test", "clinician", &[], &["AUH-ONK"]);
    app.login("mdt@auh.test").await
}

async fn post_list(
    app: &TestApp,
    client: &reqwest::Client,
    fields: &[(String, String)],
) -> (u16, String) {
    let response = client
        .post(format!("{}{PAGE}", app.address))
        .form(fields)
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

fn with_action(mut fields: Vec<(String, String)>, action: &str) -> Vec<(String, String)> {
    fields.push(("action".into(), action.into()));
    fields
}

#[tokio::test]
async fn a_forty_case_list_matches_in_one_post_each_row_as_the_single_match() {
    let app = spawn_app(Data::Demo).await;
    let client = clinician(&app).await;
    let token = app.csrf(&client, PAGE).await;
    let list = cases();
    let (status, body) = post_list(
        &app,
        &client,
        &with_action(list_form(&token, &list), "match"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let html = Html::parse_document(&body);
    let rows = Selector::parse("section.conference-case").expect("selector");
    let sections: Vec<_> = html.select(&rows).collect();
    assert_eq!(sections.len(), 40, "one row per case");
    assert_eq!(texts(&html, "#summary-table tbody tr").len(), 40);
    let protocol = Selector::parse("li.case-protocol").expect("selector");
    let pathway = Selector::parse("li.pathway").expect("selector");
    let mut with_proposals = 0;
    for (case, section) in list.iter().zip(&sections) {
        let reference = case["ref"].as_str().expect("ref");
        assert_eq!(
            section.value().attr("data-case"),
            Some(reference),
            "in order"
        );
        let (status, single) = post_match(&app, "", &case["profile"]).await;
        assert_eq!(status, 200);
        let expected: Vec<(String, String)> = single["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                (
                    r["protocol"]["slug"].as_str().expect("slug").to_owned(),
                    r["verdict"].as_str().expect("verdict").to_owned(),
                )
            })
            .collect();
        let shown: Vec<(String, String)> = section
            .select(&protocol)
            .map(|li| {
                let attr = |name| li.value().attr(name).unwrap_or_default().to_owned();
                (attr("data-slug"), attr("data-verdict"))
            })
            .collect();
        let best = expected.len().min(10);
        assert_eq!(
            shown,
            expected[..best],
            "{reference}: the single match's best protocols, in its order"
        );
        let more: Vec<String> = section
            .select(&Selector::parse(".more-count").expect("selector"))
            .filter_map(|e| e.value().attr("data-more").map(str::to_owned))
            .collect();
        let rest = expected.len() - best;
        let expected_more: Vec<String> = if rest > 0 {
            vec![rest.to_string()]
        } else {
            Vec::new()
        };
        assert_eq!(more, expected_more, "{reference}: the rest counted");
        let expected_pathways: Vec<&str> = single["pathways"]
            .as_array()
            .expect("pathways")
            .iter()
            .map(|p| p["code"].as_str().expect("code"))
            .collect();
        let shown_pathways: Vec<&str> = section
            .select(&pathway)
            .filter_map(|li| li.value().attr("data-code"))
            .collect();
        assert_eq!(shown_pathways, expected_pathways, "{reference}: pathways");
        if !expected.is_empty() {
            with_proposals += 1;
        }
    }
    assert!(
        with_proposals >= 20,
        "many cases have proposals: {with_proposals}"
    );
}

#[tokio::test]
async fn a_case_number_like_a_cpr_number_is_refused_with_its_row_named_and_not_shown_again() {
    let app = spawn_app(Data::Demo).await;
    let client = clinician(&app).await;
    let token = app.csrf(&client, PAGE).await;
    let mut list = cases()[..5].to_vec();
    list[2]["ref"] = "010190-1234".into();
    list[3]["profile"]["age"] = 130.into();
    let (status, body) = post_list(
        &app,
        &client,
        &with_action(list_form(&token, &list), "match"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        !body.contains("010190-1234"),
        "the CPR number is not echoed"
    );
    let html = Html::parse_document(&body);
    assert_eq!(
        attrs(&html, "#form-errors li", "data-field"),
        ["cases[2].case", "cases[3].age"],
        "each refused row and field named"
    );
    let errors = texts(&html, "#form-errors li");
    assert!(errors[0].starts_with("Sag 3, Sagsnummer"), "{errors:?}");
    assert_eq!(
        texts(&html, "[data-for='cases[3].age']").len(),
        1,
        "beside the field"
    );
    assert_eq!(
        attrs(&html, "#c1-case", "value"),
        ["K02"],
        "the other rows are kept"
    );
    assert_eq!(attrs(&html, "#c3-age", "value"), ["130"], "as typed");
    assert!(
        texts(&html, "section.conference-case").is_empty(),
        "nothing matched"
    );

    // In a pasted list the CPR number's line is named.
    let fields = vec![
        ("csrf_token".to_owned(), token.clone()),
        ("action".to_owned(), "match".to_owned()),
        (
            "list".to_owned(),
            "case;age;diagnosis\nK1;60;C50\n0101901234;55;C34\n".to_owned(),
        ),
    ];
    let (status, body) = post_list(&app, &client, &fields).await;
    assert_eq!(status, 422);
    assert!(!body.contains("0101901234"));
    let html = Html::parse_document(&body);
    assert_eq!(
        attrs(&html, "#file-errors tr.file-error", "data-line"),
        ["3"]
    );
    assert_eq!(
        attrs(&html, "#file-errors tr.file-error", "data-field"),
        ["case"]
    );
}

#[tokio::test]
async fn the_offer_button_opens_the_form_prefilled_with_the_case_and_the_conference() {
    let app = spawn_app(Data::Demo).await;
    let client = clinician(&app).await;
    let token = app.csrf(&client, PAGE).await;
    let list = cases();
    let stored = crate::offers::count_offers(&app);
    let (status, body) = post_list(
        &app,
        &client,
        &with_action(list_form(&token, &list), "match"),
    )
    .await;
    assert_eq!(status, 200);
    let html = Html::parse_document(&body);
    let fields = hidden_fields(
        &html,
        "section.conference-case li.case-protocol form.register-offer",
    );
    let get = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let reference = get("patient_ref");
    let case = list
        .iter()
        .find(|c| c["ref"] == reference.as_str())
        .expect("the button names its case");
    assert_eq!(
        attrs(&html, "li.case-protocol form.register-offer", "action")[0],
        "/tilbud/ny"
    );
    let response = client
        .post(format!("{}/tilbud/ny", app.address))
        .form(&fields)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 200);
    let offer = Html::parse_document(&response.text().await.expect("body"));
    assert_eq!(
        attrs(&offer, "#o-patient_ref", "value"),
        std::slice::from_ref(&reference)
    );
    assert_eq!(
        attrs(&offer, "#o-age", "value"),
        [case["profile"]["age"].to_string()]
    );
    assert_eq!(attrs(&offer, "#o-decision_date", "value"), ["2026-11-30"]);
    assert_eq!(
        attrs(&offer, "#o-site option[selected]", "value"),
        ["AUH-ONK"]
    );
    assert_eq!(
        attrs(&offer, "#o-mdt_level option[selected]", "value"),
        ["regional"]
    );
    let (_, single) = post_match(&app, "", &case["profile"]).await;
    let first = &single["results"][0]["protocol"];
    assert_eq!(get("protocol"), first["slug"].as_str().expect("slug"));
    assert_eq!(
        attrs(&offer, "#o-protocol", "value"),
        [first["acronym"].as_str().expect("acronym").to_owned()]
    );
    assert_eq!(
        attrs(&offer, "#o-dmcg option[selected]", "value"),
        [first["dmcg"].as_str().expect("dmcg").to_owned()]
    );
    assert_eq!(
        crate::offers::count_offers(&app),
        stored,
        "nothing saved yet"
    );
}

#[tokio::test]
async fn rows_are_added_and_removed_and_a_pasted_list_joins_the_typed_rows() {
    let app = spawn_app(Data::Demo).await;
    let client = clinician(&app).await;
    let (status, html) = app.page(&client, PAGE).await;
    assert_eq!(status, 200);
    assert_eq!(
        texts(&html, "fieldset.case-row").len(),
        3,
        "three empty rows"
    );
    let token = app.csrf(&client, PAGE).await;
    let list = cases()[..2].to_vec();
    let (status, body) =
        post_list(&app, &client, &with_action(list_form(&token, &list), "add")).await;
    assert_eq!(status, 200);
    let html = Html::parse_document(&body);
    assert_eq!(
        texts(&html, "fieldset.case-row").len(),
        3,
        "two cases and a new row"
    );
    assert_eq!(attrs(&html, "#c2-case", "value"), [""]);
    let (_, body) = post_list(
        &app,
        &client,
        &with_action(list_form(&token, &list), "remove-0"),
    )
    .await;
    let html = Html::parse_document(&body);
    assert_eq!(
        attrs(&html, "#c0-case", "value"),
        ["K02"],
        "the first row removed"
    );
    // A blank row between two cases: the remove button of the case after it removes that
    // case, not its neighbour, though blank rows close up.
    let gapped = vec![
        ("csrf_token".to_owned(), token.clone()),
        ("cases[0].case".to_owned(), "G1".to_owned()),
        ("cases[0].age".to_owned(), "60".to_owned()),
        ("cases[1].case".to_owned(), String::new()),
        ("cases[2].case".to_owned(), "G3".to_owned()),
        ("cases[2].age".to_owned(), "61".to_owned()),
        ("cases[3].case".to_owned(), "G4".to_owned()),
        ("cases[3].age".to_owned(), "62".to_owned()),
    ];
    let (_, body) = post_list(&app, &client, &with_action(gapped, "remove-2")).await;
    let html = Html::parse_document(&body);
    let kept: Vec<String> = attrs(&html, "fieldset.case-row input[id$='-case']", "value");
    assert_eq!(kept, ["G1", "G4"], "the third row (G3) removed");
    let mut fields = with_action(list_form(&token, &list), "match");
    fields.push((
        "list".into(),
        "case\tage\tdiagnosis\tbiomarkers\nP1\t64\tC50.9\tHER2+\n".into(),
    ));
    let (status, body) = post_list(&app, &client, &fields).await;
    assert_eq!(status, 200, "{body}");
    let html = Html::parse_document(&body);
    assert_eq!(
        attrs(&html, "section.conference-case", "data-case"),
        ["K01", "K02", "P1"]
    );
    let fields = vec![
        ("csrf_token".to_owned(), token.clone()),
        ("action".to_owned(), "match".to_owned()),
    ];
    let (status, body) = post_list(&app, &client, &fields).await;
    assert_eq!(status, 422, "an empty list");
    let html = Html::parse_document(&body);
    assert_eq!(attrs(&html, "#form-errors li", "data-field"), ["list"]);
}

#[tokio::test]
async fn the_template_downloads_and_an_uploaded_file_fills_the_rows() {
    let app = spawn_app(Data::Demo).await;
    let client = clinician(&app).await;
    let response = client
        .get(format!("{}{PAGE}/skabelon.csv", app.address))
        .send()
        .await
        .expect("template");
    assert_eq!(response.status().as_u16(), 200);
    let bytes = response.bytes().await.expect("body");
    let (header, rows) = crate::helpers::excel_rows(&bytes);
    assert_eq!(header[0], "case");
    assert_eq!(rows.len(), 2);
    let token = app.csrf(&client, PAGE).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token.clone())
        .text("site", "AUH-ONK")
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("liste.csv"),
        );
    let response = client
        .post(format!("{}{PAGE}/fil?csrf_token={token}", app.address))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status().as_u16(), 200);
    let html = Html::parse_document(&response.text().await.expect("body"));
    assert_eq!(texts(&html, "fieldset.case-row").len(), 2);
    assert_eq!(attrs(&html, "#c0-markers", "value"), ["HER2- ER+"]);
    assert_eq!(attrs(&html, "#c1-diagnosis", "value"), ["lungekræft"]);
    assert_eq!(
        attrs(&html, "#c-site option[selected]", "value"),
        ["AUH-ONK"]
    );

    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"case,age,navn\n1,2,x\n".to_vec()).file_name("x.csv"),
        );
    let response = client
        .post(format!("{}{PAGE}/fil?csrf_token={token}", app.address))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status().as_u16(), 422);
    let html = Html::parse_document(&response.text().await.expect("body"));
    assert_eq!(
        attrs(&html, "#file-errors tr.file-error", "data-field"),
        ["navn", "header"]
    );
}

#[tokio::test]
async fn the_printable_summary_lists_every_case_and_only_clinicians_reach_the_page() {
    let app = spawn_app(Data::Demo).await;
    let client = clinician(&app).await;
    let token = app.csrf(&client, PAGE).await;
    let list = cases()[..6].to_vec();
    let (status, body) = post_list(
        &app,
        &client,
        &with_action(list_form(&token, &list), "print"),
    )
    .await;
    assert_eq!(status, 200);
    let html = Html::parse_document(&body);
    assert_eq!(
        attrs(&html, "#print-table tbody tr", "data-case"),
        ["K01", "K02", "K03", "K04", "K05", "K06"]
    );
    assert!(texts(&html, "#conference-summary .meta")[0].contains("2026-11-30"));
    assert!(
        texts(&html, "form.register-offer").is_empty(),
        "no buttons on paper"
    );

    let anonymous = crate::helpers::browser();
    let response = anonymous
        .get(format!("{}{PAGE}", app.address))
        .send()
        .await
        .expect("page");
    assert_ne!(response.status().as_u16(), 200, "login first");
    app.create_user("red@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    let editor = app.login("red@dbcg.test").await;
    let (status, _) = app.page(&editor, PAGE).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_case_with_many_proposals_shows_the_best_ten_and_opens_the_rest_in_the_single_match() {
    let app = spawn_app(Data::Corpus(breast_trials(12))).await;
    let client = clinician(&app).await;
    let token = app.csrf(&client, PAGE).await;
    let fields = vec![
        ("csrf_token".to_owned(), token.clone()),
        ("action".to_owned(), "match".to_owned()),
        ("cases[0].case".to_owned(), "M1".to_owned()),
        ("cases[0].age".to_owned(), "60".to_owned()),
        ("cases[0].diagnosis".to_owned(), "C50.9".to_owned()),
        ("cases[0].biomarkers".to_owned(), "HER2-".to_owned()),
        (
            "cases[0].standard_options_exhausted".to_owned(),
            "nej".to_owned(),
        ),
    ];
    let (status, body) = post_list(&app, &client, &fields).await;
    assert_eq!(status, 200, "{body}");
    let html = Html::parse_document(&body);
    assert_eq!(texts(&html, "li.case-protocol").len(), 10, "the best ten");
    assert_eq!(attrs(&html, ".more-count", "data-more"), ["2"]);
    let hidden = hidden_fields(&html, "form.more-protocols");
    let response = client
        .post(format!("{}/match", app.address))
        .form(&hidden)
        .send()
        .await
        .expect("single match");
    assert_eq!(response.status().as_u16(), 200);
    let single = Html::parse_document(&response.text().await.expect("body"));
    assert_eq!(
        texts(&single, "#results article.match-card").len(),
        12,
        "all twelve in the single match"
    );
    assert_eq!(
        attrs(&single, "#m-exhausted option[selected]", "value"),
        ["false"]
    );
}
