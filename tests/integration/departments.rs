//! `/afdelinger` and `/afdelinger/{code}`: a department's open protocols are those the
//! list gives for `site=`, and the referral list names the nearest department that runs each
//! national protocol missing here.

use crate::helpers::{acronyms, attrs, spawn_app, texts, Data};

#[tokio::test]
async fn a_department_page_lists_what_the_site_filter_lists_and_where_to_refer() {
    let app = spawn_app(Data::Demo).await;
    let (status, list) = app.get_html("/afdelinger").await;
    assert_eq!(status, 200);
    let codes = attrs(&list, "tr[data-site]", "data-site");
    assert!(codes.len() > 20, "{}", codes.len());
    for code in ["AUH-ONK", "RH-ONK", "AAUH-ONK", "OUH-ONK"] {
        let (_, api) = app
            .get_json(&format!("/api/v1/protocols?site={code}&per_page=100"))
            .await;
        let mut expected = acronyms(&api);
        expected.sort();
        let (status, page) = app.get_html(&format!("/afdelinger/{code}")).await;
        assert_eq!(status, 200);
        let mut shown = texts(&page, "#open a.acronym");
        shown.sort();
        assert_eq!(shown, expected, "{code}");
        let count = texts(
            &list,
            &format!("tr[data-site='{code}'] td[data-count=open]"),
        );
        assert_eq!(count, [expected.len().to_string()], "{code} in the list");
        // No protocol in the referral list is open here.
        for site in attrs(&page, "#referral td.nearest .site", "data-site") {
            assert_ne!(site, code);
        }
    }
    let (status, _) = app.get_html("/afdelinger/NO-SUCH").await;
    assert_eq!(status, 404);
}

/// Kilometres between two points on a sphere of the Earth's mean radius.
fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

fn str_of<'a>(v: &'a serde_json::Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}"))
}

#[tokio::test]
async fn the_referral_list_names_the_nearest_department_that_runs_each_missing_national_protocol() {
    let app = spawn_app(Data::Demo).await;
    let (_, sites) = app.get_json("/api/v1/reference/sites").await;
    let position: std::collections::HashMap<String, (f64, f64)> = sites
        .as_array()
        .expect("sites")
        .iter()
        .map(|s| {
            (
                str_of(s, "code").to_owned(),
                (
                    s["lat"].as_f64().expect("lat"),
                    s["lon"].as_f64().expect("lon"),
                ),
            )
        })
        .collect();
    // Every open protocol with its open departments and DMCG, read as anyone can.
    let mut open: Vec<(String, String, String, Vec<String>)> = Vec::new();
    for page in 1.. {
        let (_, body) = app
            .get_json(&format!("/api/v1/protocols?per_page=100&page={page}"))
            .await;
        let items = body["items"].as_array().expect("items").clone();
        for item in &items {
            let slug = str_of(item, "slug");
            let (_, doc) = app.get_json(&format!("/api/v1/protocols/{slug}")).await;
            let sites: Vec<String> = doc["sites"]
                .as_array()
                .expect("sites")
                .iter()
                .filter(|s| s["status"] == "open")
                .map(|s| str_of(s, "site").to_owned())
                .collect();
            open.push((
                slug.to_owned(),
                str_of(item, "acronym").to_owned(),
                str_of(item, "dmcg").to_owned(),
                sites,
            ));
        }
        if items.len() < 100 {
            break;
        }
    }
    let region_of = |code: &str| {
        sites
            .as_array()
            .expect("sites")
            .iter()
            .find(|s| s["code"] == code)
            .and_then(|s| s["region"].as_i64())
            .expect("region")
    };
    let mut referrals_seen = 0;
    for code in ["AAUH-ONK", "SUH-NAE-ONK", "OUH-ONK", "RH-ONK"] {
        let (status, body) = app
            .get_json(&format!("/api/v1/reference/sites/{code}"))
            .await;
        assert_eq!(status, 200, "{code}");
        let here = position[code];
        // The DMCGs it takes part in: those of every protocol that names it.
        let dmcgs: Vec<&str> = ["open", "paused"]
            .iter()
            .flat_map(|k| body[*k].as_array().expect("list").iter())
            .map(|p| str_of(p, "dmcg"))
            .collect();
        let expected: Vec<&(String, String, String, Vec<String>)> = open
            .iter()
            .filter(|(_, _, dmcg, sites)| {
                let mut regions: Vec<i64> = sites.iter().map(|s| region_of(s)).collect();
                regions.sort_unstable();
                regions.dedup();
                dmcgs.contains(&dmcg.as_str())
                    && regions.len() >= 2
                    && !sites.iter().any(|s| s == code)
            })
            .collect();
        let referral = body["referral"].as_array().expect("referral");
        let mut got: Vec<&str> = referral.iter().map(|r| str_of(r, "slug")).collect();
        let mut want: Vec<&str> = expected.iter().map(|p| p.0.as_str()).collect();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want, "{code}: the national protocols it does not run");
        let mut last = 0.0;
        for r in referral {
            let (_, _, _, sites) = expected
                .iter()
                .find(|p| p.0 == str_of(r, "slug"))
                .expect("expected");
            let nearest = sites
                .iter()
                .map(|s| km(here, position[s]))
                .fold(f64::INFINITY, f64::min);
            let named = str_of(r, "nearest_site");
            assert!(sites.iter().any(|s| s == named), "{code}: {named} runs it");
            let distance = r["distance_km"].as_f64().expect("distance");
            assert!(
                (distance - nearest).abs() < 0.06
                    && (km(here, position[named]) - nearest).abs() < 1e-6,
                "{code} → {r}: nearest is {nearest:.1} km"
            );
            assert!(distance >= last, "{code}: nearest first");
            last = distance;
            referrals_seen += 1;
        }
        // The page shows the same list in the same order, linking the department named.
        let (_, page) = app.get_html(&format!("/afdelinger/{code}")).await;
        let shown = attrs(&page, "#referral tr.protocol-row", "data-slug");
        let listed: Vec<&str> = referral.iter().map(|r| str_of(r, "slug")).collect();
        assert_eq!(shown, listed, "{code}: page and JSON");
        let named: Vec<&str> = referral.iter().map(|r| str_of(r, "nearest_site")).collect();
        assert_eq!(
            attrs(&page, "#referral td.nearest .site", "data-site"),
            named,
            "{code}: the department named on the page"
        );
    }
    assert!(referrals_seen > 5, "the demo data has referrals to check");
}

#[tokio::test]
async fn the_department_json_is_the_page_and_is_in_the_openapi_document() {
    let app = spawn_app(Data::Demo).await;
    let (status, body) = app.get_json("/api/v1/reference/sites/AUH-ONK").await;
    assert_eq!(status, 200);
    assert_eq!(body["site"]["code"], "AUH-ONK");
    assert_eq!(body["feed"], "/feeds/afdelinger/AUH-ONK.atom");
    let (_, page) = app.get_html("/afdelinger/AUH-ONK").await;
    for (list, section) in [("open", "#open"), ("paused", "#paused")] {
        let slugs: Vec<String> = body[list]
            .as_array()
            .expect("list")
            .iter()
            .map(|p| str_of(p, "slug").to_owned())
            .collect();
        assert_eq!(
            attrs(&page, &format!("{section} tr.protocol-row"), "data-slug"),
            slugs,
            "{list}"
        );
    }
    assert!(body["open"]
        .as_array()
        .expect("open")
        .iter()
        .all(|p| p["site_status"] == "open" && p["recruitment_status"] == "open"));
    let (status, missing) = app.get_json("/api/v1/reference/sites/NO-SUCH").await;
    assert_eq!(status, 404);
    assert_eq!(missing["error"]["code"], "not_found", "{missing}");
    let (status, _) = app.get_json("/api/v1/reference/sites/AUH-ONK?x=1").await;
    assert_eq!(status, 400);
    let (_, doc) = app.get_json("/api/v1/openapi.json").await;
    let operation = &doc["paths"]["/api/v1/reference/sites/{code}"]["get"];
    assert!(operation.is_object(), "documented");
    let codes = operation["parameters"][0]["schema"]["enum"]
        .as_array()
        .expect("the codes the server knows");
    assert!(codes.iter().any(|c| c == "AUH-ONK"));
    assert!(doc["components"]["schemas"]["DepartmentJson"].is_object());
}

#[tokio::test]
async fn an_admin_fills_in_the_research_unit_and_the_page_and_json_show_it() {
    let app = spawn_app(Data::Fixture).await;
    let (_, before) = app.get_html("/afdelinger/OUH-ONK").await;
    assert!(attrs(&before, "#research-contact a", "href").is_empty());
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    app.create_user("editor@dccc.test", "dmcg_editor", &["DBCG"], &[]);
    let admin = app.login("admin@dccc.test").await;
    let path = "/admin/reference/sites/OUH-ONK";
    let token = app.csrf(&admin, path).await;
    let mut fields = vec![
        ("csrf_token", token.as_str()),
        ("hospital", "Odense Universitetshospital"),
        ("department", "Onkologisk Afdeling R"),
        ("region_code", "1083"),
        ("postcode", "5000"),
        ("city", "Odense C"),
        ("lat", "55.3848"),
        ("lon", "10.3690"),
        ("research_unit", "Forskningsenheden, Onkologisk Afdeling R"),
        ("research_email", "not an address"),
        ("research_phone", "65 41"),
    ];
    let refused = app.post(&admin, path, &fields).await;
    assert_eq!(refused.status().as_u16(), 422);
    let html = scraper::Html::parse_document(&refused.text().await.expect("body"));
    assert_eq!(texts(&html, "[data-for=research_email]").len(), 1);
    assert_eq!(texts(&html, "[data-for=research_phone]").len(), 1);
    // The summary names the fields as the form labels them.
    let summary = texts(&html, "#form-errors li");
    assert!(
        summary
            .iter()
            .any(|l| l.starts_with("Forskningsenhedens e-mail:")),
        "{summary:?}"
    );
    assert_eq!(
        attrs(&html, "#r-research_unit", "value"),
        ["Forskningsenheden, Onkologisk Afdeling R"],
        "input kept"
    );
    fields[9] = ("research_email", "forskning.onk@rsyd.dk");
    fields[10] = ("research_phone", "+45 65 41 00 00");
    let saved = app.post(&admin, path, &fields).await;
    assert_eq!(saved.status().as_u16(), 303, "saved and back at the list");
    let (_, page) = app.get_html("/afdelinger/OUH-ONK").await;
    assert_eq!(
        attrs(&page, "#research-contact a", "href"),
        ["mailto:forskning.onk@rsyd.dk", "tel:+4565410000"]
    );
    let (_, body) = app.get_json("/api/v1/reference/sites/OUH-ONK").await;
    assert_eq!(body["site"]["research"]["email"], "forskning.onk@rsyd.dk");
    assert_eq!(
        body["site"]["research"]["unit"],
        "Forskningsenheden, Onkologisk Afdeling R"
    );
    // Only DCCC's administrators edit reference data.
    let editor = app.login("editor@dccc.test").await;
    let token = app.csrf(&editor, "/").await;
    fields[0] = ("csrf_token", token.as_str());
    fields[9] = ("research_email", "someone@else.dk");
    let forbidden = app.post(&editor, path, &fields).await;
    assert_eq!(forbidden.status().as_u16(), 403);
    let (_, body) = app.get_json("/api/v1/reference/sites/OUH-ONK").await;
    assert_eq!(body["site"]["research"]["email"], "forskning.onk@rsyd.dk");
}

/// `n` generated decisions from the first day of last year to the end of the last ended
/// quarter: what the department pages publish.
fn generate_decisions(app: &crate::helpers::TestApp, n: usize) {
    use chrono::Datelike;
    use dccc_registry::services::reports::department::last_published_periods;
    let periods = last_published_periods(chrono::Utc::now().date_naive());
    assert_eq!(periods[0].from.year() + 1, chrono::Utc::now().year());
    app.generate_decisions(n, periods[0].from, periods[1].to, 7, "DEP");
}

#[tokio::test]
async fn a_departments_indicator_is_the_reports_published_cell_suppressed_alike() {
    let app = spawn_app(Data::Fixture).await;
    generate_decisions(&app, 700);
    let (_, sites) = app.get_json("/api/v1/reference/sites").await;
    let codes: Vec<String> = sites
        .as_array()
        .expect("sites")
        .iter()
        .map(|s| str_of(s, "code").to_owned())
        .collect();
    let mut published: std::collections::HashMap<String, serde_json::Value> = Default::default();
    let (mut suppressed, mut shown) = (0, 0);
    for code in &codes {
        let (_, body) = app
            .get_json(&format!("/api/v1/reference/sites/{code}"))
            .await;
        let lines = body["indicator"].as_array().expect("indicator");
        let (_, page) = app.get_html(&format!("/afdelinger/{code}")).await;
        let rows = attrs(&page, "#department-indicator tbody tr", "data-suppressed");
        assert_eq!(rows.len(), lines.len(), "{code}: page and JSON");
        for (line, class) in lines.iter().zip(&rows) {
            let (from, to) = (str_of(line, "from"), str_of(line, "to"));
            let key = format!("{from}/{to}");
            if !published.contains_key(&key) {
                let (status, table) = app
                    .get_json(&format!(
                        "/api/v1/indicator?by=department&from={from}&to={to}"
                    ))
                    .await;
                assert_eq!(status, 200, "{key} is published");
                published.insert(key.clone(), table);
            }
            let report = published[&key]["rows"]
                .as_array()
                .expect("rows")
                .iter()
                .find(|r| r["group"] == code.as_str())
                .unwrap_or_else(|| panic!("{code} in the report for {key}"));
            assert_eq!(&line["row"], report, "{code} {key}");
            let hidden = report["suppressed"] == true;
            assert_eq!(hidden, class == "true", "{code} {key} on the page");
            if hidden {
                assert!(line["row"]["patients"].is_null() && line["row"]["offered_pct"].is_null());
                suppressed += 1;
            } else {
                shown += 1;
            }
        }
    }
    assert!(
        suppressed > 10 && shown > 3,
        "{suppressed} suppressed, {shown} shown"
    );

    // DCCC staff read exact figures: nothing suppressed, the admin API's counts.
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    let admin = app.login("admin@dccc.test").await;
    let body = app.json_as(&admin, "/api/v1/reference/sites/AUH-ONK").await;
    let lines = body["indicator"].as_array().expect("indicator");
    assert!(!lines.is_empty());
    for line in lines {
        assert_eq!(line["row"]["suppressed"], false, "{line}");
        let exact = app
            .json_as(
                &admin,
                &format!(
                    "/api/v1/indicator?by=department&from={}&to={}",
                    str_of(line, "from"),
                    str_of(line, "to")
                ),
            )
            .await;
        let row = exact["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["group"] == "AUH-ONK")
            .expect("AUH-ONK");
        assert_eq!(&line["row"], row);
    }
}
