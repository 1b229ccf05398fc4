//! The patient's side of the service, end to end: who the search is for and the situation in
//! lay words, the referral pathways in plain words, what a distance limit hides, the protocol
//! page from a postcode (nearest open department and its contact first, a print view) and the
//! map with its text alternative.

use crate::helpers::{attrs, browser, spawn_app, texts, Data, TestApp};

async fn find(app: &TestApp, client: &reqwest::Client, fields: &[(&str, &str)]) -> scraper::Html {
    let token = app.csrf(client, "/find-forsoeg").await;
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    let response = app.post(client, "/find-forsoeg", &form).await;
    assert_eq!(response.status().as_u16(), 200, "{fields:?}");
    scraper::Html::parse_document(&response.text().await.expect("body"))
}

#[tokio::test]
async fn a_parent_searching_for_a_child_with_relapse_is_told_of_the_national_unit_and_what_to_ask()
{
    let app = spawn_app(Data::Demo).await;
    let client = browser();
    let html = find(
        &app,
        &client,
        &[
            ("for_whom", "child"),
            ("situation", "relapse"),
            ("age", "8"),
            ("diagnosis", "Akut lymfatisk leukæmi (ALL)"),
            ("postcode", "8000"),
            ("max_km", "500"),
        ],
    )
    .await;
    assert_eq!(
        attrs(&html, "input[name=for_whom][checked]", "value"),
        ["child"],
        "the choice is kept"
    );
    let pathways = attrs(&html, "#pathways article", "data-code");
    assert!(
        pathways.contains(&"NMBK".to_owned()),
        "the national phase 1/2 unit for children: {pathways:?}"
    );
    let ask = texts(&html, "#pathways article[data-code=NMBK] .ask");
    assert_eq!(ask.len(), 1);
    assert!(
        ask[0].starts_with("Spørg dit barns læge:"),
        "what to ask, said to a parent: {ask:?}"
    );
    assert!(
        texts(&html, "#results h2")[0].starts_with("Forsøg, dit barn måske kan deltage i"),
        "the heading speaks of the child"
    );
    // Without the relapse the unit is not proposed.
    let html = find(
        &app,
        &client,
        &[
            ("for_whom", "child"),
            ("situation", "new"),
            ("age", "8"),
            ("diagnosis", "Akut lymfatisk leukæmi (ALL)"),
        ],
    )
    .await;
    assert!(!attrs(&html, "#pathways article", "data-code").contains(&"NMBK".to_owned()));

    // An adult whose standard options are used up hears of the phase 1 units and the panel.
    let html = find(
        &app,
        &client,
        &[
            ("for_whom", "relative"),
            ("situation", "no-options"),
            ("age", "60"),
            ("diagnosis", "bugspytkirtelkræft"),
        ],
    )
    .await;
    let pathways = attrs(&html, "#pathways article", "data-kind");
    assert!(
        pathways.contains(&"phase1_unit".to_owned()),
        "phase 1 units: {pathways:?}"
    );
    let ask = texts(&html, "#pathways article[data-kind=phase1_unit] .ask");
    assert!(
        ask[0].starts_with("Din pårørende kan spørge sin læge:"),
        "{ask:?}"
    );
}

#[tokio::test]
async fn a_distance_limit_that_hides_trials_says_how_many_and_widens_on_request() {
    let app = spawn_app(Data::Demo).await;
    let client = browser();
    let fields = [
        ("age", "55"),
        ("sex", "female"),
        ("diagnosis", "brystkræft"),
        ("postcode", "8000"),
        ("max_km", "1"),
    ];
    let html = find(&app, &client, &fields).await;
    assert!(attrs(&html, "#results .match-card", "data-slug").is_empty());
    let note = texts(&html, "#beyond p");
    assert_eq!(note.len(), 1, "the limit's note");
    assert!(
        note[0].starts_with("6 forsøg mere kan passe")
            && note[0].contains("længere væk end 1 km")
            && note[0].contains("Vis inden for 25 km"),
        "{note:?}"
    );
    // The button searches again with the wider limit and the same answers.
    let names = attrs(&html, "#beyond input", "name");
    let values = attrs(&html, "#beyond input", "value");
    let form: Vec<(&str, &str)> = names
        .iter()
        .map(String::as_str)
        .zip(values.iter().map(String::as_str))
        .collect();
    assert!(form.contains(&("max_km", "25")), "{form:?}");
    assert!(form.contains(&("diagnosis", "brystkræft")), "{form:?}");
    let response = app.post(&client, "/find-forsoeg", &form).await;
    assert_eq!(response.status().as_u16(), 200);
    let wider = scraper::Html::parse_document(&response.text().await.expect("body"));
    let found = attrs(&wider, "#results .match-card", "data-slug");
    assert!(!found.is_empty(), "within 25 km of Aarhus C");
    assert!(
        found
            .iter()
            .all(|slug| attrs(&wider, "#results .match-card a", "href")
                .iter()
                .any(|href| href == &format!("/protokoller/{slug}?postcode=8000"))),
        "the links keep the postcode"
    );
    // The map marks each nearest department once and the postcode, and lists the same.
    assert_eq!(attrs(&wider, "#map svg", "role"), ["img"]);
    let departments = texts(&wider, "#map .map-list li.dept").len();
    assert!(departments >= 1);
    assert_eq!(
        wider
            .select(&scraper::Selector::parse("#map svg circle").expect("selector"))
            .count(),
        departments
    );
    assert_eq!(texts(&wider, "#map .map-list li.home").len(), 1);

    // The list page says the same and links to the wider limit.
    let (status, html) = app
        .page(&client, "/protokoller?postcode=8000&max_km=1")
        .await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, "#total"), ["0"]);
    let widen = attrs(&html, "#widen", "href");
    assert_eq!(widen.len(), 1, "a link that widens the limit");
    assert!(widen[0].contains("max_km=25"), "{widen:?}");
    let (_, wider) = app.page(&client, &widen[0]).await;
    assert_ne!(texts(&wider, "#total"), ["0"]);
    assert!(!attrs(&wider, "td.nearest .km", "data-km").is_empty());
}

#[tokio::test]
async fn the_protocol_page_from_a_postcode_puts_the_nearest_open_department_and_its_contact_first()
{
    let app = spawn_app(Data::Demo).await;
    let client = browser();
    let (status, html) = app
        .page(&client, "/protokoller/dbcg-rt-hyposkan?postcode=8000")
        .await;
    assert_eq!(status, 200);
    let sites = attrs(&html, "#sites li.site", "data-site");
    assert_eq!(
        sites.first().map(String::as_str),
        Some("AUH-ONK"),
        "{sites:?}"
    );
    assert_eq!(
        sites.last().map(String::as_str),
        Some("SLA-ONK"),
        "the planned department last"
    );
    let km: Vec<String> = texts(&html, "#sites li.site .km");
    let values: Vec<f64> = km
        .iter()
        .take(8)
        .map(|k| {
            k.trim_end_matches(" km")
                .replace(',', ".")
                .parse()
                .expect("km")
        })
        .collect();
    assert!(
        values.windows(2).all(|w| w[0] <= w[1]),
        "nearest first: {km:?}"
    );
    let nearest = texts(&html, "#nearest");
    assert!(
        nearest[0].contains("Aarhus Universitetshospital"),
        "{nearest:?}"
    );
    let links = attrs(&html, "#nearest-contact a", "href");
    assert_eq!(links, ["mailto:casper.munk@example.dk", "tel:+4578457046"]);
    assert!(attrs(&html, "#contact a", "href").contains(&"tel:+4535454090".to_owned()));
    // The map: every open department and the postcode.
    assert_eq!(
        html.select(&scraper::Selector::parse("#map svg circle").expect("selector"))
            .count(),
        8
    );
    assert_eq!(
        html.select(&scraper::Selector::parse("#map svg polygon").expect("selector"))
            .count(),
        1
    );
    assert_eq!(
        attrs(&html, "#print-link", "href"),
        ["/protokoller/dbcg-rt-hyposkan/print?postcode=8000"]
    );

    // The print view: title, who can join, the nearest department and contact, the address.
    let (status, print) = app
        .page(&client, "/protokoller/dbcg-rt-hyposkan/print?postcode=8000")
        .await;
    assert_eq!(status, 200);
    assert_eq!(texts(&print, "#acronym"), ["DBCG RT-HYPOSKAN"]);
    assert!(!texts(&print, "#eligibility li").is_empty());
    assert!(texts(&print, "#nearest")[0].contains("Aarhus Universitetshospital"));
    let address = texts(&print, "#address");
    assert!(
        address[0].starts_with("http") && address[0].ends_with("/protokoller/dbcg-rt-hyposkan"),
        "{address:?}"
    );

    // A postcode that is not one: the message beside the field, the page still shown.
    let (status, html) = app
        .page(&client, "/protokoller/dbcg-rt-hyposkan?postcode=0000")
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        texts(&html, ".field-error[data-for=postcode]"),
        ["\"0000\" er ikke et dansk postnummer, vi kender"]
    );
    assert_eq!(attrs(&html, "#d-postcode", "value"), ["0000"]);
    assert!(!texts(&html, "#sites li.site").is_empty());
}

#[tokio::test]
async fn the_glossary_explains_the_terms_the_pages_link_to() {
    let app = spawn_app(Data::Demo).await;
    let client = browser();
    let (status, glossary) = app.page(&client, "/ordliste").await;
    assert_eq!(status, 200);
    let ids = attrs(&glossary, "#glossary dt", "id");
    let (_, page) = app.page(&client, "/protokoller/dbcg-rt-hyposkan").await;
    let links = attrs(&page, "a.glossary-link", "href");
    assert!(links.len() >= 3, "{links:?}");
    for link in links {
        let anchor = link.trim_start_matches("/ordliste#");
        assert!(
            ids.iter().any(|id| id == anchor),
            "{link} has an entry: {ids:?}"
        );
    }
    // English pages show English diagnosis names.
    let english = browser();
    let _ = english
        .get(format!("{}/sprog/en?next=/", app.address))
        .send()
        .await
        .expect("switch");
    let (_, page) = app.page(&english, "/protokoller/dbcg-rt-hyposkan").await;
    let lines = texts(&page, "#eligibility li");
    assert!(
        lines
            .iter()
            .any(|l| l.to_lowercase().contains("breast") && l.contains("C50")),
        "{lines:?}"
    );
}

#[tokio::test]
async fn the_checklist_s_screen_reader_words_are_in_the_page_s_language() {
    let app = spawn_app(Data::Demo).await;
    app.create_user("doc@auh.test", "clinician", &[], &["AUH-ONK"]);
    for (lang, words) in [
        ("da", ["opfyldt:", "ikke opfyldt:", "ukendt:"]),
        ("en", ["met:", "not met:", "unknown:"]),
    ] {
        let doc = app.login("doc@auh.test").await;
        let _ = doc
            .get(format!("{}/sprog/{lang}?next=/", app.address))
            .send()
            .await
            .expect("switch");
        let token = app.csrf(&doc, "/match").await;
        let response = app
            .post(
                &doc,
                "/match",
                &[
                    ("csrf_token", token.as_str()),
                    ("age", "67"),
                    ("sex", "female"),
                    ("diagnosis", "C50"),
                    ("setting", "metastatic"),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 200);
        let html = scraper::Html::parse_document(&response.text().await.expect("body"));
        let hidden = texts(&html, ".match-card .visually-hidden");
        assert!(
            !hidden.is_empty(),
            "{lang}: the checklist has screen-reader words"
        );
        for word in &hidden {
            assert!(words.contains(&word.as_str()), "{lang}: {word:?}");
        }
    }
}
