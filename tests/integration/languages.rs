//! Validation messages speak the page's language: the protocol editor, the match form, the
//! patient page and the offer form, sent bad input in Danish and in English. Every message
//! next to a field is the locale file's text for that language, and no error text on the page
//! holds a word of the other language.

use dccc_matching::IcdPattern;
use dccc_registry::domain::messages::{quoted, Message};
use dccc_registry::domain::msg;

use crate::helpers::{browser, spawn_app, texts, Data, TestApp};

/// Words that only Danish messages use, and words that only English messages use.
const DANISH_WORDS: &[&str] = &[
    "skal",
    "ikke",
    "må",
    "udfyld",
    "udfyldes",
    "tilladt",
    "ukendt",
    "eller",
    "er",
    "være",
    "højst",
    "tegn",
    "fik",
    "ligner",
    "kendt",
    "hverken",
    "fra",
    "til",
    "mindst",
    "gyldigt",
    "forventet",
    "fx",
    "en",
    "et",
    "og",
    "angiv",
    "skriv",
    "ligger",
    "dato",
    "alder",
];
const ENGLISH_WORDS: &[&str] = &[
    "must",
    "is",
    "not",
    "required",
    "allowed",
    "unknown",
    "or",
    "be",
    "below",
    "most",
    "characters",
    "got",
    "looks",
    "never",
    "enter",
    "valid",
    "expected",
    "the",
    "a",
    "an",
    "and",
    "of",
    "from",
    "known",
    "write",
    "date",
    "age",
    "neither",
];

/// A client whose pages are in `lang` (the switch sets a cookie).
async fn in_language(app: &TestApp, client: &reqwest::Client, lang: &str) {
    let response = client
        .get(format!("{}/sprog/{lang}?next=/", app.address))
        .send()
        .await
        .expect("switch");
    assert_eq!(response.status().as_u16(), 303);
}

/// The texts of every error element: messages next to fields, the summary, warnings.
fn error_texts(html: &scraper::Html) -> Vec<String> {
    texts(html, ".field-error, #form-errors li, .warning")
}

/// Fails on a word of the other language in any error text of the page.
fn assert_one_language(page: &str, lang: &str, html: &scraper::Html) {
    let found = error_texts(html);
    assert!(!found.is_empty(), "{page} ({lang}): no error shown");
    let foreign = if lang == "da" {
        ENGLISH_WORDS
    } else {
        DANISH_WORDS
    };
    for text in &found {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphabetic())
            .map(str::to_lowercase)
            .collect();
        if let Some(word) = foreign.iter().find(|w| words.iter().any(|x| x == *w)) {
            panic!("{page} ({lang}): {word:?} of the other language in {text:?}");
        }
    }
}

/// Each field's message is exactly the locale text of the page's language.
fn assert_messages(page: &str, lang: &str, html: &scraper::Html, expected: &[(&str, String)]) {
    for (field, text) in expected {
        let shown = texts(html, &format!(".field-error[data-for='{field}']"));
        assert_eq!(
            shown,
            std::slice::from_ref(text),
            "{page} ({lang}): message of {field}"
        );
    }
}

async fn post_html(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> scraper::Html {
    let response = app.post(client, path, fields).await;
    assert_eq!(response.status().as_u16(), 422, "{path}: {fields:?}");
    scraper::Html::parse_document(&response.text().await.expect("body"))
}

#[tokio::test]
async fn every_form_shows_its_messages_in_the_pages_language_only() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("ed@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    app.create_user("doc@auh.test", "clinician", &[], &["AUH-ONK"]);
    for lang in ["da", "en"] {
        let text = |message: Message| message.page_text(lang);

        // The protocol editor: submitting checks every field.
        let editor = app.login("ed@dbcg.test").await;
        in_language(&app, &editor, lang).await;
        let token = app.csrf(&editor, "/redaktion/ny").await;
        let html = post_html(
            &app,
            &editor,
            "/redaktion/ny",
            &[
                ("csrf_token", &token),
                ("acronym", "X"),
                ("dmcg", "DBCG"),
                ("recruitment_status", "open"),
                ("identifiers.nct", "NCT1"),
                ("contact.email", "nobody"),
                ("opened_on", "2025-03-01"),
                ("closes_on", "2025-01-01"),
                ("eligibility.age_min", "30"),
                ("eligibility.age_max", "20"),
                ("eligibility.diagnoses", "C5X"),
                ("sites[0].site", "NOPE"),
                ("sites[0].status", "open"),
                ("action", "submit"),
            ],
        )
        .await;
        let icd = Message::from("C5X".parse::<IcdPattern>().expect_err("not ICD-10"));
        assert_messages(
            "editor",
            lang,
            &html,
            &[
                (
                    "acronym",
                    text(
                        Message::new(msg::LENGTH_RANGE)
                            .with("min", 2)
                            .with("max", 60)
                            .with("got", 1),
                    ),
                ),
                (
                    "title_da",
                    text(
                        Message::new(msg::ONE_OF_REQUIRED)
                            .with_field("first_field", "title_da")
                            .with_field("second_field", "title_en"),
                    ),
                ),
                ("phase", text(Message::new(msg::REQUIRED))),
                (
                    "identifiers.nct",
                    text(Message::new(msg::NCT).with("input", quoted("NCT1"))),
                ),
                (
                    "contact.email",
                    text(Message::new(msg::EMAIL).with("input", quoted("nobody"))),
                ),
                (
                    "closes_on",
                    text(
                        Message::new(msg::NOT_BEFORE)
                            .with_field("other_field", "opened_on")
                            .with("date", "2025-03-01"),
                    ),
                ),
                (
                    "eligibility.age_max",
                    text(
                        Message::new(msg::BELOW_MIN)
                            .with_field("min_field", "eligibility.age_min")
                            .with("min", 30),
                    ),
                ),
                ("eligibility.diagnoses", text(icd)),
            ],
        );
        let summary = texts(&html, "#form-errors li[data-field='eligibility.age_max']");
        let expected = if lang == "da" {
            "Alder til (år): må ikke være under alder fra (30)"
        } else {
            "Age to (years): must not be below age from (30)"
        };
        assert_eq!(
            summary,
            [expected],
            "editor ({lang}): the summary uses labels"
        );
        let site = texts(&html, "#form-errors li[data-field='sites[0].site']");
        let department = if lang == "da" {
            "Afdeling 1"
        } else {
            "Department 1"
        };
        assert!(
            site.len() == 1 && site[0].starts_with(&format!("{department}: ")),
            "editor ({lang}): department rows by number, got {site:?}"
        );
        assert_one_language("editor", lang, &html);

        // The match form.
        let doc = app.login("doc@auh.test").await;
        in_language(&app, &doc, lang).await;
        let token = app.csrf(&doc, "/match").await;
        let html = post_html(
            &app,
            &doc,
            "/match",
            &[
                ("csrf_token", &token),
                ("age", "abc"),
                ("sex", "x"),
                ("diagnosis", "X99.9.9"),
                ("setting", "palliative"),
                ("prior_lines", "99"),
                ("postcode", "12"),
                ("max_km", "0"),
                ("biomarkers[0].marker", "HER2"),
                ("biomarkers[0].status", "weak"),
            ],
        )
        .await;
        let weak = Message::from(
            "weak"
                .parse::<dccc_matching::BiomarkerStatus>()
                .expect_err("weak"),
        );
        assert_messages(
            "match",
            lang,
            &html,
            &[
                (
                    "age",
                    text(
                        Message::new(msg::WHOLE_NUMBER_RANGE)
                            .with("min", 0)
                            .with("max", 120)
                            .with("got", "abc"),
                    ),
                ),
                (
                    "diagnosis",
                    text(Message::new(msg::UNKNOWN_DIAGNOSIS).with("input", quoted("X99.9.9"))),
                ),
                (
                    "prior_lines",
                    text(
                        Message::new(msg::WHOLE_NUMBER_RANGE)
                            .with("min", 0)
                            .with("max", 20)
                            .with("got", 99),
                    ),
                ),
                (
                    "postcode",
                    text(Message::new(msg::POSTCODE_FORM).with("input", quoted("12"))),
                ),
                ("max_km", text(Message::new(msg::MAX_KM).with("got", 0))),
                ("biomarkers", text(weak)),
            ],
        );
        for field in ["sex", "setting"] {
            assert_eq!(
                texts(&html, &format!("#form-errors li[data-field='{field}']")).len(),
                1,
                "match ({lang}): {field} in the summary"
            );
        }
        assert_one_language("match", lang, &html);

        // The patient page, without login.
        let patient = browser();
        in_language(&app, &patient, lang).await;
        let token = app.csrf(&patient, "/find-forsoeg").await;
        let html = post_html(
            &app,
            &patient,
            "/find-forsoeg",
            &[
                ("csrf_token", &token),
                ("age", "200"),
                ("diagnosis", ""),
                ("postcode", "0999"),
                ("max_km", "5000"),
            ],
        )
        .await;
        assert_messages(
            "patient",
            lang,
            &html,
            &[
                (
                    "age",
                    text(
                        Message::new(msg::WHOLE_NUMBER_RANGE)
                            .with("min", 0)
                            .with("max", 120)
                            .with("got", 200),
                    ),
                ),
                ("diagnosis", text(Message::new(msg::REQUIRED))),
                (
                    "postcode",
                    text(Message::new(msg::UNKNOWN_POSTCODE).with("input", quoted("0999"))),
                ),
                ("max_km", text(Message::new(msg::MAX_KM).with("got", 5000))),
            ],
        );
        assert_one_language("patient", lang, &html);

        // The offer form.
        let token = app.csrf(&doc, "/tilbud/ny").await;
        let html = post_html(
            &app,
            &doc,
            "/tilbud/ny",
            &[
                ("csrf_token", &token),
                ("decision_date", "2999-01-01"),
                ("site", "NOPE"),
                ("dmcg", "DBCG"),
                ("patient_ref", ""),
                ("age", "300"),
                ("sex", "x"),
                ("residence_postcode", "0999"),
                ("mdt_level", "weekly"),
                ("offered", "yes"),
                ("protocol", "NOPE-1"),
                ("outcome", "pending"),
                ("outcome_date", "2025-01-01"),
            ],
        )
        .await;
        let both = |a: Message, b: Message| format!("{}; {}", text(a), text(b));
        assert_messages(
            "offer",
            lang,
            &html,
            &[
                (
                    "decision_date",
                    text(Message::new(msg::OFFER_DATE_IN_FUTURE)),
                ),
                (
                    "site",
                    text(Message::new(msg::UNKNOWN_SITE).with("input", quoted("NOPE"))),
                ),
                (
                    "patient_ref",
                    text(Message::new(msg::OFFER_PATIENT_REF_REQUIRED)),
                ),
                (
                    "age",
                    text(Message::new(msg::OFFER_AGE_IMPOSSIBLE).with("age", 300)),
                ),
                (
                    "sex",
                    text(Message::new(msg::OFFER_SEX).with("input", quoted("x"))),
                ),
                (
                    "residence_postcode",
                    text(Message::new(msg::UNKNOWN_POSTCODE).with("input", quoted("0999"))),
                ),
                (
                    "mdt_level",
                    text(
                        Message::new(msg::OFFER_MDT_LEVEL)
                            .with("input", quoted("weekly"))
                            .with("allowed", "local, regional, national"),
                    ),
                ),
                (
                    "protocol",
                    text(Message::new(msg::OFFER_UNKNOWN_PROTOCOL).with("input", quoted("NOPE-1"))),
                ),
                (
                    "outcome_date",
                    both(
                        Message::new(msg::OFFER_OUTCOME_BEFORE_DECISION),
                        Message::new(msg::OFFER_PENDING_WITHOUT_DATE),
                    ),
                ),
            ],
        );
        assert_one_language("offer", lang, &html);
    }
}

/// Words of the interface that only Danish uses, and only English.
const DANISH_UI: &[&str] = &[
    "og",
    "ikke",
    "eller",
    "skal",
    "forsøg",
    "afdeling",
    "afdelinger",
    "postnummer",
    "kræft",
    "søg",
    "vis",
    "højst",
    "din",
    "dit",
    "dig",
    "hvad",
    "betyder",
    "nærmeste",
    "fundet",
    "protokoller",
    "kendt",
    "vælg",
    "tilbage",
    "udskriv",
    "lægen",
    "væk",
];
const ENGLISH_UI: &[&str] = &[
    "the",
    "and",
    "not",
    "or",
    "must",
    "trial",
    "trials",
    "department",
    "departments",
    "postcode",
    "search",
    "show",
    "your",
    "cancer",
    "nearest",
    "found",
    "protocols",
    "known",
    "choose",
    "back",
    "print",
    "doctor",
    "away",
    "what",
    "does",
    "mean",
];

/// The interface's own texts: labels, buttons, headings of forms, notices, messages, the
/// navigation, column heads and hints (not the protocols' titles, names or summaries).
fn ui_texts(html: &scraper::Html) -> Vec<String> {
    texts(
        html,
        "label, legend, button, summary, .field-error, .hint, .notice, .beyond-note, \
         .result-count, .form-error, #form-errors li, .site-nav a, th[scope=col], \
         .glossary-link, .print-link, #nearest h2, .ask-doctor h2, .ask-doctor li, #map figcaption, \
         .map-list li.home, #sites-by-distance, #searched-for",
    )
}

fn assert_ui_in(page: &str, lang: &str, html: &scraper::Html) {
    let found = ui_texts(html);
    assert!(
        !found.is_empty(),
        "{page} ({lang}): no interface text found"
    );
    let foreign = if lang == "da" { ENGLISH_UI } else { DANISH_UI };
    for text in &found {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphabetic())
            .map(str::to_lowercase)
            .collect();
        if let Some(word) = foreign.iter().find(|w| words.iter().any(|x| x == *w)) {
            panic!("{page} ({lang}): {word:?} of the other language in {text:?}");
        }
    }
}

#[tokio::test]
async fn the_main_pages_speak_the_page_s_language_throughout_also_with_bad_input() {
    let app = spawn_app(Data::Demo).await;
    for lang in ["da", "en"] {
        let client = browser();
        in_language(&app, &client, lang).await;
        for path in [
            "/",
            "/protokoller",
            "/protokoller?postcode=8000&max_km=20",
            "/protokoller?postcode=0000",
            "/protokoller?max_km=abc&postcode=8000",
            "/soeg?q=lungekr%C3%A6ft&postcode=8000&max_km=30",
            "/soeg?q=lunge&postcode=12",
            "/soeg?q=lunge&sort=near",
            "/protokoller/dbcg-rt-hyposkan?postcode=8000",
            "/protokoller/dbcg-rt-hyposkan?postcode=99",
            "/protokoller/dbcg-rt-hyposkan/print?postcode=8000",
            "/find-forsoeg",
            "/ordliste",
        ] {
            let (_, html) = app.page(&client, path).await;
            assert_ui_in(path, lang, &html);
        }
        // The patient page with bad input of every kind, then a search that finds trials
        // (with the distance limit hiding some, and the pathways for a child with relapse).
        let token = app.csrf(&client, "/find-forsoeg").await;
        let response = app
            .post(
                &client,
                "/find-forsoeg",
                &[
                    ("csrf_token", token.as_str()),
                    ("for_whom", "neighbour"),
                    ("situation", "better"),
                    ("age", "x"),
                    ("diagnosis", "noget"),
                    ("postcode", "0000"),
                    ("max_km", "-1"),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 422);
        let html = scraper::Html::parse_document(&response.text().await.expect("body"));
        for field in [
            "for_whom",
            "situation",
            "age",
            "diagnosis",
            "postcode",
            "max_km",
        ] {
            assert_eq!(
                texts(&html, &format!(".field-error[data-for='{field}']")).len(),
                1,
                "patient ({lang}): the error beside {field}"
            );
        }
        assert_ui_in("/find-forsoeg (bad input)", lang, &html);
        for (for_whom, situation, age, diagnosis) in [
            ("child", "relapse", "8", "Akut lymfatisk leukæmi (ALL)"),
            ("me", "spread", "67", "brystkræft"),
        ] {
            let response = app
                .post(
                    &client,
                    "/find-forsoeg",
                    &[
                        ("csrf_token", token.as_str()),
                        ("for_whom", for_whom),
                        ("situation", situation),
                        ("age", age),
                        ("diagnosis", diagnosis),
                        ("postcode", "8000"),
                        ("max_km", "50"),
                    ],
                )
                .await;
            assert_eq!(response.status().as_u16(), 200);
            let html = scraper::Html::parse_document(&response.text().await.expect("body"));
            assert_ui_in(&format!("/find-forsoeg ({diagnosis})"), lang, &html);
        }
    }
}
