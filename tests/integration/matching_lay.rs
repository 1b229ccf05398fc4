//! Matching with lay diagnoses and the contract's order, end to end: the patient page finds
//! every open demo trial of a patient's lay group (contract §2, last paragraph), the trial for
//! one disease first; a lay term for children is refused for an adult; `/match` and the API
//! list a trial for one disease before a basket trial beside it, and the basket's card says it
//! is open to many cancer types.

use crate::helpers::{attrs, browser, spawn_app, texts, Data, TestApp};

/// How the patient gives the diagnosis: an entry the field's list suggests, or typed text
/// (misspelt, in capitals, as patients write).
#[derive(Debug, Clone, Copy)]
enum Given {
    Listed(&'static str),
    Typed(&'static str),
}

/// One search: the diagnosis, age, sex, postcode, the DMCG whose patients these are, the slug
/// expected first, every trial for the group's disease expected, and the basket trials
/// expected after them (all in any order).
struct LayCase {
    given: Given,
    age: &'static str,
    sex: &'static str,
    postcode: &'static str,
    dmcg: &'static str,
    first: &'static str,
    found: &'static [&'static str],
    also: &'static [&'static str],
}

/// The open demo trials for every cancer of adults (C00–C97); the first two leave out blood
/// cancers (C81–C96).
const BASKETS: &[&str] = &["dccg-fih-kras-01", "dlgcg-fih-adc01", "dmcg-pal-early-home"];
/// The adults' basket that takes blood cancers too.
const PALLIATIVE: &[&str] = &["dmcg-pal-early-home"];
/// The children's phase 1 trial for every solid tumour.
const CHILDREN_S_BASKET: &[&str] = &["dapho-nmbk-fih-paed"];
const NONE: &[&str] = &[];

#[rustfmt::skip]
const CASES: &[LayCase] = &[
    // Lung cancer is C33–C34: the C34 trials are found (once only C33 was sent).
    LayCase { given: Given::Listed("Lungekræft"), age: "64", sex: "", postcode: "", dmcg: "DLCG",
              first: "dlcg-sclc-thorax", found: &["dlcg-sclc-thorax", "dlcg-adapt-egfr", "dlcg-sbrt-oligo"], also: BASKETS },
    LayCase { given: Given::Typed("lunge kræft"), age: "64", sex: "", postcode: "8000", dmcg: "DLCG",
              first: "dlcg-sclc-thorax", found: &["dlcg-sclc-thorax", "dlcg-adapt-egfr", "dlcg-sbrt-oligo"], also: BASKETS },
    LayCase { given: Given::Listed("Lungehindekræft (mesoteliom)"), age: "70", sex: "", postcode: "", dmcg: "DLCG",
              first: "dlcg-meso-io", found: &["dlcg-meso-io"], also: BASKETS },
    // Bladder cancer is C67 (once C65 was sent); the upper urinary tract is its own group,
    // and both are inside "blærekræft og urinvejskræft".
    LayCase { given: Given::Listed("Blærekræft"), age: "70", sex: "male", postcode: "", dmcg: "DaBlaCa",
              first: "dablaca-trimodal-dk", found: &["dablaca-trimodal-dk"], also: BASKETS },
    LayCase { given: Given::Typed("nyrebækkenkræft"), age: "70", sex: "male", postcode: "", dmcg: "DaBlaCa",
              first: "dablaca-utuc-neo", found: &["dablaca-utuc-neo"], also: BASKETS },
    LayCase { given: Given::Listed("Blærekræft og urinvejskræft"), age: "70", sex: "male", postcode: "", dmcg: "DaBlaCa",
              first: "dablaca-trimodal-dk", found: &["dablaca-trimodal-dk", "dablaca-utuc-neo"], also: BASKETS },
    // Lymphoma is C81–C86 and C88: the DLBCL trial (C83.3) is found too (once only C81).
    LayCase { given: Given::Listed("Lymfekræft"), age: "65", sex: "", postcode: "", dmcg: "DLG",
              first: "dlg-dlbcl-bispec", found: &["dlg-dlbcl-bispec", "dlg-hl-elderly"], also: PALLIATIVE },
    // Uveal melanoma is C69, not skin melanoma C43.
    LayCase { given: Given::Listed("Uvealt melanom (øjenkræft)"), age: "58", sex: "", postcode: "", dmcg: "DMG",
              first: "dmg-uvea-liver", found: &["dmg-uvea-liver"], also: BASKETS },
    LayCase { given: Given::Typed("Modermærkekræft"), age: "45", sex: "", postcode: "", dmcg: "DMG",
              first: "dmg-neo-pd1", found: &["dmg-neo-pd1", "dmg-til-2"], also: BASKETS },
    // Gynaecological cancer is C51–C58 (once only C51): the ovarian and the uterine trial.
    LayCase { given: Given::Listed("Gynækologisk kræft"), age: "60", sex: "female", postcode: "", dmcg: "DGCG",
              first: "dgcg-ova-maint", found: &["dgcg-ova-maint", "dgcg-endo-mmr"], also: BASKETS },
    // Head and neck is C00–C14 and C30–C32 (once only C00).
    LayCase { given: Given::Listed("Hoved-hals-kræft"), age: "62", sex: "", postcode: "", dmcg: "DAHANCA",
              first: "dahanca-40", found: &["dahanca-40", "dahanca-38"], also: BASKETS },
    // A child of 8 with acute lymphoblastic leukaemia (C91.0): the two children's trials, not
    // the adults' ALL trial, and not the phase 1 trial that leaves out blood cancers.
    LayCase { given: Given::Listed("Akut lymfatisk leukæmi (ALL)"), age: "8", sex: "", postcode: "2100", dmcg: "DAPHO",
              first: "dapho-all-nord-2025", found: &["dapho-all-nord-2025", "dapho-nmbk-rel-car19"], also: NONE },
    LayCase { given: Given::Typed("blodkræft hos børn"), age: "8", sex: "", postcode: "", dmcg: "DAPHO",
              first: "dapho-all-nord-2025", found: &["dapho-all-nord-2025", "dapho-nmbk-rel-car19"], also: NONE },
    // Childhood cancer is every diagnosis of a child: every open children's trial.
    LayCase { given: Given::Listed("Børnekræft"), age: "8", sex: "", postcode: "", dmcg: "DAPHO",
              first: "dapho-all-nord-2025",
              found: &["dapho-all-nord-2025", "dapho-nmbk-rel-car19", "dapho-nmbk-brain-mek", "dapho-nmbk-neuro-alk"],
              also: CHILDREN_S_BASKET },
    LayCase { given: Given::Typed("akut myeloid leukaemi"), age: "70", sex: "", postcode: "", dmcg: "ALG",
              first: "alg-aml-ven60", found: &["alg-aml-ven60"], also: PALLIATIVE },
    LayCase { given: Given::Listed("Prostatakræft"), age: "70", sex: "male", postcode: "", dmcg: "DaProCa",
              first: "daproca-active-mri", found: &["daproca-active-mri", "daproca-psma-rt"], also: BASKETS },
    LayCase { given: Given::Typed("BRYSTKRÆFT"), age: "55", sex: "female", postcode: "", dmcg: "DBCG",
              first: "dbcg-rt-hyposkan", found: &["dbcg-rt-hyposkan", "dbcg-neo-tilde", "dbcg-met-cdk"], also: BASKETS },
    // Colorectal is C18–C20; colon C18 and rectum C20 are groups of their own.
    LayCase { given: Given::Listed("Tyk- og endetarmskræft"), age: "66", sex: "", postcode: "", dmcg: "DCCG",
              first: "dccg-rectum-ww2", found: &["dccg-rectum-ww2", "dccg-msi-neo", "dccg-colowatch"], also: BASKETS },
    LayCase { given: Given::Typed("tyktarmskraeft"), age: "66", sex: "", postcode: "", dmcg: "DCCG",
              first: "dccg-msi-neo", found: &["dccg-msi-neo", "dccg-colowatch"], also: BASKETS },
    LayCase { given: Given::Listed("Bugspytkirtelkræft"), age: "60", sex: "", postcode: "", dmcg: "DPCG",
              first: "dpcg-fih-tracer", found: &["dpcg-fih-tracer", "dpcg-panc-neox"], also: BASKETS },
    LayCase { given: Given::Listed("Hjernekræft"), age: "72", sex: "", postcode: "", dmcg: "DNOG",
              first: "dnog-gbm-hypo70", found: &["dnog-gbm-hypo70"], also: BASKETS },
    LayCase { given: Given::Typed("blod-delssarkom"), age: "40", sex: "", postcode: "", dmcg: "DSG",
              first: "dsg-preop-hypo", found: &["dsg-preop-hypo"], also: BASKETS },
    LayCase { given: Given::Listed("Myelomatose (knoglemarvskræft)"), age: "75", sex: "", postcode: "", dmcg: "DMSG",
              first: "dmsg-frail-mm", found: &["dmsg-frail-mm"], also: PALLIATIVE },
    LayCase { given: Given::Listed("Nyrekræft"), age: "68", sex: "", postcode: "", dmcg: "DaRenCa",
              first: "darenca-sbrt-kidney", found: &["darenca-sbrt-kidney"], also: BASKETS },
    LayCase { given: Given::Typed("spiserørscancer"), age: "63", sex: "", postcode: "", dmcg: "DECV",
              first: "decv-oeso-watch", found: &["decv-oeso-watch"], also: BASKETS },
];

/// The names the patient page's diagnosis field suggests (its `<datalist>`); choosing one
/// fills the field with it.
async fn listed_diagnoses(app: &TestApp, client: &reqwest::Client) -> Vec<String> {
    let (status, html) = app.page(client, "/find-forsoeg").await;
    assert_eq!(status, 200);
    assert_eq!(
        attrs(&html, "#p-diagnosis", "list"),
        ["lay-terms"],
        "the field suggests the lay terms"
    );
    attrs(&html, "datalist#lay-terms option", "value")
}

/// Each result card's slug, and whether it carries the "many cancer types" tag.
fn cards(html: &scraper::Html) -> Vec<(String, bool)> {
    let card = scraper::Selector::parse("#results .match-card").expect("selector");
    let tag = scraper::Selector::parse(".tag.many-types").expect("selector");
    html.select(&card)
        .map(|element| {
            (
                element
                    .value()
                    .attr("data-slug")
                    .unwrap_or_default()
                    .to_owned(),
                element.select(&tag).next().is_some(),
            )
        })
        .collect()
}

#[tokio::test]
async fn matching_by_lay_term_on_the_patient_page_finds_every_trial_of_the_group() {
    let app = spawn_app(Data::Demo).await;
    let client = browser();
    let listed = listed_diagnoses(&app, &client).await;
    let mut dmcgs: Vec<&str> = CASES.iter().map(|case| case.dmcg).collect();
    dmcgs.sort_unstable();
    dmcgs.dedup();
    assert!(
        CASES.len() >= 15 && dmcgs.len() >= 12,
        "{} cases for {dmcgs:?}",
        CASES.len()
    );
    for case in CASES {
        let diagnosis = match case.given {
            Given::Listed(label) => listed
                .iter()
                .find(|shown| *shown == label)
                .cloned()
                .unwrap_or_else(|| panic!("{label:?} is in the list: {listed:?}")),
            Given::Typed(text) => text.to_owned(),
        };
        let token = app.csrf(&client, "/find-forsoeg").await;
        let max_km = if case.postcode.is_empty() { "" } else { "400" };
        let response = app
            .post(
                &client,
                "/find-forsoeg",
                &[
                    ("csrf_token", token.as_str()),
                    ("age", case.age),
                    ("sex", case.sex),
                    ("diagnosis", diagnosis.as_str()),
                    ("postcode", case.postcode),
                    ("max_km", max_km),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 200, "{:?}", case.given);
        let html = scraper::Html::parse_document(&response.text().await.expect("body"));
        let found = cards(&html);
        let slugs: Vec<&str> = found.iter().map(|(slug, _)| slug.as_str()).collect();
        assert_eq!(
            slugs.first().copied(),
            Some(case.first),
            "{:?} (age {}): first of {slugs:?}",
            case.given,
            case.age
        );
        // The trials for the group's own disease, then the baskets, each basket tagged as
        // open to many cancer types.
        let (specific, baskets) = slugs.split_at(case.found.len().min(slugs.len()));
        assert_eq!(
            sorted(specific),
            sorted(case.found),
            "{:?} (age {}): the group's trials first, in {slugs:?}",
            case.given,
            case.age
        );
        assert_eq!(
            sorted(baskets),
            sorted(case.also),
            "{:?} (age {}): then the baskets, in {slugs:?}",
            case.given,
            case.age
        );
        for (slug, tagged) in &found {
            assert_eq!(
                *tagged,
                case.also.contains(&slug.as_str()),
                "{:?}: {slug} is tagged as open to many cancer types exactly when it is a basket",
                case.given
            );
        }
    }
}

fn sorted<'a>(slugs: &[&'a str]) -> Vec<&'a str> {
    let mut sorted = slugs.to_vec();
    sorted.sort_unstable();
    sorted
}

#[tokio::test]
async fn matching_by_lay_term_names_the_group_searched_for_in_the_page_s_language() {
    let app = spawn_app(Data::Demo).await;
    let client = browser();
    for (lang, label) in [("da", "Lungekræft"), ("en", "Lung cancer")] {
        let (status, _) = app.page(&client, &format!("/sprog/{lang}?next=/")).await;
        assert_eq!(status, 303, "language switch");
        let listed = listed_diagnoses(&app, &client).await;
        assert!(
            listed.iter().any(|shown| shown == label),
            "{lang}: {label:?} is in the list"
        );
        let value = label.to_owned();
        let token = app.csrf(&client, "/find-forsoeg").await;
        let response = app
            .post(
                &client,
                "/find-forsoeg",
                &[
                    ("csrf_token", token.as_str()),
                    ("age", "64"),
                    ("diagnosis", value.as_str()),
                ],
            )
            .await;
        let html = scraper::Html::parse_document(&response.text().await.expect("body"));
        assert_eq!(
            texts(&html, "#searched-for strong"),
            [label],
            "{lang}: the group searched for"
        );
        assert_eq!(
            attrs(&html, "#p-diagnosis", "value"),
            [label],
            "{lang}: the field keeps the choice"
        );
    }
}

#[tokio::test]
async fn matching_by_the_children_s_lay_term_asks_an_adult_for_the_kind_of_cancer() {
    let app = spawn_app(Data::Demo).await;
    let client = browser();
    let token = app.csrf(&client, "/find-forsoeg").await;
    let refused = app
        .post(
            &client,
            "/find-forsoeg",
            &[
                ("csrf_token", token.as_str()),
                ("age", "40"),
                ("diagnosis", "børnekræft"),
            ],
        )
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    let html = scraper::Html::parse_document(&refused.text().await.expect("body"));
    assert_eq!(
        texts(&html, ".field-error[data-for='diagnosis']"),
        ["gælder kun børn og unge på højst 17 år; vælg kræftformen i stedet"]
    );
    for age in ["17", "0"] {
        let accepted = app
            .post(
                &client,
                "/find-forsoeg",
                &[
                    ("csrf_token", token.as_str()),
                    ("age", age),
                    ("diagnosis", "*"),
                ],
            )
            .await;
        assert_eq!(accepted.status().as_u16(), 200, "age {age}");
    }
}

/// A trial for lung cancer far from Aarhus and a basket trial for every cancer in Aarhus:
/// equal in verdict, match length and unknowns, so only the diagnosis scope puts the lung
/// trial first (by distance the basket would come first).
const LUNG_AND_BASKET: &str = r#"[
  {"acronym": "DLCG TEST-LUNG", "title_da": "DLCG TEST-LUNG. Et testforsøg for lungekræft",
   "title_en": "DLCG TEST-LUNG. A lung cancer test trial", "dmcg": "DLCG", "phase": "phase-2",
   "recruitment_status": "open", "initiator": "investigator",
   "contact": {"name": "Test Kontakt", "email": "lunge@example.dk"},
   "eligibility": {"age_min": 18, "diagnoses": ["C34"]},
   "sites": [{"site": "RH-ONK", "status": "open"}]},
  {"acronym": "DCCG-FIH TEST-BASKET", "title_da": "DCCG-FIH TEST-BASKET. Et testforsøg for alle kræftformer",
   "title_en": "DCCG-FIH TEST-BASKET. A test trial for all cancers", "dmcg": "DCCG", "phase": "phase-1",
   "recruitment_status": "open", "initiator": "industry",
   "contact": {"name": "Test Kontakt", "email": "kurv@example.dk"},
   "eligibility": {"age_min": 18, "diagnoses": ["C00-C97"]},
   "sites": [{"site": "AUH-ONK", "status": "open"}]}
]"#;

#[tokio::test]
async fn matching_on_the_mdt_page_lists_the_trial_for_one_disease_before_a_basket_beside_it() {
    let app = spawn_app(Data::Corpus(LUNG_AND_BASKET)).await;
    app.create_user("doc@auh.test", "clinician", &[], &["AUH-ONK"]);
    let doc = app.login("doc@auh.test").await;
    let token = app.csrf(&doc, "/match").await;
    for diagnosis in ["C34.1", "Lungekræft"] {
        let response = app
            .post(
                &doc,
                "/match",
                &[
                    ("csrf_token", token.as_str()),
                    ("age", "66"),
                    ("diagnosis", diagnosis),
                    ("postcode", "8000"),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 200, "{diagnosis}");
        let html = scraper::Html::parse_document(&response.text().await.expect("body"));
        assert_eq!(
            cards(&html),
            [
                ("dlcg-test-lung".to_owned(), false),
                ("dccg-fih-test-basket".to_owned(), true)
            ],
            "{diagnosis}: the lung trial first, the basket tagged"
        );
        assert_eq!(
            texts(&html, "#results .match-card .tag.many-types"),
            ["Åbent for mange kræftformer"]
        );
        let km = texts(&html, "#results .match-card .km");
        assert_eq!(km.len(), 2, "{diagnosis}: {km:?}");
    }
    // The API orders the same, for a code and for a lay term.
    for diagnosis in ["C34.1", "lungekræft"] {
        let body: serde_json::Value = app
            .client
            .post(format!("{}/api/v1/match", app.address))
            .json(&serde_json::json!({ "age": 66, "diagnosis": diagnosis, "postcode": "8000" }))
            .send()
            .await
            .expect("post")
            .json()
            .await
            .expect("json");
        let order: Vec<&str> = body["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|r| r["protocol"]["acronym"].as_str())
            .collect();
        assert_eq!(
            order,
            ["DLCG TEST-LUNG", "DCCG-FIH TEST-BASKET"],
            "API, {diagnosis}"
        );
        let nearest: Vec<f64> = body["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|r| r["nearest_site"]["distance_km"].as_f64())
            .collect();
        assert!(
            nearest.len() == 2 && nearest[1] < nearest[0],
            "the basket is the nearer: {nearest:?}"
        );
    }
}

#[tokio::test]
async fn result_cards_link_e_mail_and_phone_and_write_distances_in_the_page_s_language() {
    let app = spawn_app(Data::Demo).await;
    let client = browser();
    for (lang, decimal, other) in [("da", ',', '.'), ("en", '.', ',')] {
        let (status, _) = app.page(&client, &format!("/sprog/{lang}?next=/")).await;
        assert_eq!(status, 303, "language switch");
        let token = app.csrf(&client, "/find-forsoeg").await;
        let response = app
            .post(
                &client,
                "/find-forsoeg",
                &[
                    ("csrf_token", token.as_str()),
                    ("age", "64"),
                    ("diagnosis", "C33-C34"),
                    ("postcode", "8000"),
                    ("max_km", "100"),
                ],
            )
            .await;
        let html = scraper::Html::parse_document(&response.text().await.expect("body"));
        let mail = attrs(&html, "#results .contact a[href^='mailto:']", "href");
        let tel = attrs(&html, "#results .contact a[href^='tel:']", "href");
        assert!(
            !mail.is_empty() && !tel.is_empty(),
            "{lang}: {mail:?} {tel:?}"
        );
        assert!(
            tel.iter()
                .all(|t| t[4..].chars().all(|c| c.is_ascii_digit() || c == '+')),
            "{tel:?}"
        );
        let km = texts(&html, "#results .km");
        let short: Vec<&String> = km.iter().filter(|k| k.len() < 8).collect();
        assert!(!short.is_empty(), "{lang}: distances shown {km:?}");
        for k in &km {
            let number = k.trim_end_matches(" km");
            assert!(
                !number.contains(other),
                "{lang}: {k:?} uses the other language's decimal mark"
            );
            if number.len() > 2 && number.contains(|c: char| !c.is_ascii_digit()) {
                assert!(number.contains(decimal), "{lang}: {k:?}");
            }
        }
    }
}
