//! The public pages, read as parsed HTML.

use crate::helpers::{attrs, spawn_app, texts, Data};

#[tokio::test]
async fn home_counts_open_protocols_per_region_and_per_dmcg() {
    let app = spawn_app(Data::Fixture).await;
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, "#open-total"), ["5"]);
    let regions = texts(&html, "#by-region td.count");
    assert_eq!(
        regions,
        ["2", "2", "2", "2", "1"],
        "Nordjylland, Midtjylland, Syddanmark, Hovedstaden, Sjælland"
    );
    assert_eq!(texts(&html, "#by-dmcg tr").len(), 23, "one row per DMCG");
    assert_eq!(
        attrs(&html, "form#find input[name=postcode]", "name").len(),
        1
    );
    assert_eq!(
        attrs(&html, "form#find input[name=q]", "list"),
        ["lay-terms"],
        "the diagnosis field offers the lay terms"
    );
    assert!(attrs(&html, "datalist#lay-terms option", "value").contains(&"Lungekræft".to_owned()));
    assert!(
        texts(&html, "#demo-banner").is_empty(),
        "no demo banner without demo data"
    );
}

#[tokio::test]
async fn the_list_keeps_its_filters_and_pages_through_links() {
    let app = spawn_app(Data::Fixture).await;
    let (status, html) = app.get_html("/protokoller?dmcg=DCCG&status=all").await;
    assert_eq!(status, 200);
    assert_eq!(
        attrs(&html, "tr.protocol-row", "data-slug"),
        ["dccg-test-closed", "dccg-test-syd"]
    );
    assert_eq!(attrs(&html, "#f-dmcg option[selected]", "value"), ["DCCG"]);
    assert_eq!(attrs(&html, "#f-status option[selected]", "value"), ["all"]);

    let (_, first) = app.get_html("/protokoller?per_page=2").await;
    assert_eq!(texts(&first, "#total"), ["5"]);
    assert_eq!(attrs(&first, "tr.protocol-row", "data-slug").len(), 2);
    let next = attrs(&first, ".pagination a[rel=next]", "href");
    assert_eq!(next, ["/protokoller?per_page=2&page=2"]);
    let (_, second) = app.get_html(&next[0]).await;
    assert_eq!(texts(&second, ".pagination [aria-current=page]"), ["2"]);
    assert_eq!(attrs(&second, "tr.protocol-row", "data-slug").len(), 2);
}

#[tokio::test]
async fn a_postcode_shows_the_nearest_department_and_sorts_by_distance() {
    let app = spawn_app(Data::Fixture).await;
    let (status, html) = app.get_html("/protokoller?postcode=5000").await;
    assert_eq!(status, 200);
    let km: Vec<f64> = attrs(&html, "td.nearest .km", "data-km")
        .iter()
        .map(|k| k.parse().expect("number"))
        .collect();
    assert_eq!(km.len(), 5);
    assert!(km.windows(2).all(|w| w[0] <= w[1]), "ascending: {km:?}");
    assert_eq!(attrs(&html, "td.nearest .site", "data-site")[0], "OUH-ONK");
    assert_eq!(
        attrs(&html, "#f-postcode", "value"),
        ["5000"],
        "postcode kept in the form"
    );
}

#[tokio::test]
async fn bad_filters_show_the_form_again_with_a_400_and_the_input_kept() {
    let app = spawn_app(Data::Fixture).await;
    // The field is named by its label in the page's language.
    for (query, field) in [
        ("phase=banana", "Fase"),
        ("age=-3", "Alder"),
        ("postcode=12", "Postnummer"),
    ] {
        let (status, html) = app.get_html(&format!("/protokoller?{query}")).await;
        assert_eq!(status, 400, "?{query}");
        let error = texts(&html, "#filter-error").join(" ");
        assert!(error.contains(field), "error names {field}: {error}");
        assert!(texts(&html, "tr.protocol-row").is_empty());
    }
    let (_, html) = app.get_html("/protokoller?age=-3&postcode=8000").await;
    assert_eq!(attrs(&html, "#f-age", "value"), ["-3"]);
    assert_eq!(attrs(&html, "#f-age", "aria-invalid"), ["true"]);
    assert_eq!(attrs(&html, "#f-postcode", "value"), ["8000"]);
}

#[tokio::test]
async fn a_protocol_page_shows_identifiers_departments_by_region_and_eligibility() {
    let app = spawn_app(Data::Fixture).await;
    let (status, html) = app.get_html("/protokoller/dbcg-test-all5").await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, "#acronym"), ["DBCG TEST-ALL5"]);
    let links = attrs(&html, ".identifiers a", "href");
    assert!(
        links
            .iter()
            .any(|l| l == "https://clinicaltrials.gov/study/NCT09000001"),
        "{links:?}"
    );
    assert_eq!(links.len(), 3);
    assert_eq!(texts(&html, "#sites h3").len(), 5, "one heading per region");
    assert_eq!(attrs(&html, "#sites li.site", "data-site").len(), 5);
    let eligibility = texts(&html, "#eligibility li").join(" | ");
    assert!(eligibility.contains("C50"), "{eligibility}");
    assert!(eligibility.contains("HER2"), "{eligibility}");
    assert_eq!(
        attrs(&html, "#contact a[href^=mailto]", "href"),
        ["mailto:kontakt@example.dk"]
    );
    assert!(!texts(&html, "#last-confirmed")[0].is_empty());
}

#[tokio::test]
async fn unknown_addresses_get_a_404_page_in_the_site_layout() {
    let app = spawn_app(Data::Fixture).await;
    for path in [
        "/protokoller/no-such-trial",
        "/no/such/page",
        "/dmcg/NOPE",
        "/regioner/1099",
        "/regioner/abc",
        "/sprog/fr",
    ] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(texts(&html, "h1"), ["Siden findes ikke"], "{path}");
        assert_eq!(texts(&html, "a.brand").len(), 1, "layout on {path}");
    }
}

#[tokio::test]
async fn dmcg_and_region_pages_list_their_protocols() {
    let app = spawn_app(Data::Fixture).await;
    let (status, html) = app.get_html("/dmcg/DCCG").await;
    assert_eq!(status, 200);
    assert_eq!(
        attrs(&html, "#open tr.protocol-row", "data-slug"),
        ["dccg-test-syd"]
    );
    assert_eq!(
        attrs(&html, "#other tr.protocol-row", "data-slug"),
        ["dccg-test-closed"]
    );

    let (status, html) = app.get_html("/regioner/1081").await;
    assert_eq!(status, 200);
    assert_eq!(
        attrs(&html, "#open tr.protocol-row", "data-slug"),
        ["dbcg-test-all5", "dlcg-test-nord"]
    );
    let referral = attrs(&html, "#referral tr.protocol-row", "data-slug");
    assert_eq!(referral.len(), 3, "{referral:?}");
    assert_eq!(
        referral[0], "daproca-test-mid",
        "the nearest (Aarhus) first"
    );
    let sites = attrs(&html, "#referral td.nearest .site", "data-site");
    assert_eq!(sites, ["AUH-ONK", "OUH-ONK", "RH-NMBK"]);
}

#[tokio::test]
async fn the_language_switch_is_remembered() {
    let app = spawn_app(Data::Fixture).await;
    let (_, html) = app.get_html("/protokoller").await;
    assert_eq!(attrs(&html, "html", "lang"), ["da"]);
    assert_eq!(texts(&html, "h1"), ["Protokoller"]);
    let switch = attrs(&html, "a.lang", "href");
    assert_eq!(switch, ["/sprog/en?next=%2Fprotokoller"]);
    let (status, html) = app.get_html(&switch[0]).await;
    assert_eq!(status, 200);
    assert_eq!(attrs(&html, "html", "lang"), ["en"]);
    assert_eq!(texts(&html, "h1"), ["Protocols"]);
    let (_, home) = app.get_html("/").await;
    assert_eq!(
        attrs(&home, "html", "lang"),
        ["en"],
        "remembered on the next page"
    );
    assert_eq!(texts(&home, "h1"), ["Cancer trials in Denmark"]);
}

#[tokio::test]
async fn the_language_switch_only_returns_to_local_pages() {
    let app = spawn_app(Data::Fixture).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let response = client
        .get(format!("{}/sprog/en?next=//evil.example/x", app.address))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let app = spawn_app(Data::Fixture).await;
    let response = app.get("/").await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .expect("csp");
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'none'"),
        "{csp}"
    );
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let css = app.get("/static/style.css").await;
    assert_eq!(css.status().as_u16(), 200);
}

#[tokio::test]
async fn demo_data_is_loaded_and_every_page_says_so() {
    let app = spawn_app(Data::Demo).await;
    let (_, body) = app
        .get_json("/api/v1/protocols?status=all&per_page=100")
        .await;
    let total = body["total"].as_u64().expect("total");
    assert!(total >= 40, "at least 40 demo protocols, got {total}");
    let items = body["items"].as_array().expect("items");
    assert!(items.iter().all(|i| i["demo"] == true));
    let dmcgs: std::collections::HashSet<&str> =
        items.iter().filter_map(|i| i["dmcg"].as_str()).collect();
    assert!(
        dmcgs.len() >= 15,
        "spread over at least 15 DMCGs: {}",
        dmcgs.len()
    );
    let slug = items[0]["slug"].as_str().expect("slug").to_owned();
    for path in [
        "/".to_owned(),
        "/protokoller".to_owned(),
        format!("/protokoller/{slug}"),
        "/om".to_owned(),
        "/regioner/1083".to_owned(),
    ] {
        let (_, html) = app.get_html(&path).await;
        assert_eq!(
            texts(&html, "#demo-banner").len(),
            1,
            "demo banner on {path}"
        );
    }
    let (_, nmbk) = app
        .get_json("/api/v1/protocols?site=RH-NMBK&paediatric=true")
        .await;
    assert!(
        nmbk["total"].as_u64().expect("total") >= 3,
        "paediatric early-phase trials at RH-NMBK"
    );
}
