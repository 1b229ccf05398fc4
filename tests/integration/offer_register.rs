//! The offer register as a department works with it: filters by period, department, DMCG,
//! protocol, offered and outcome, counts at the top, the CSV export of the filtered list under
//! the list's access rules, offers awaiting an outcome over 30 days marked, and the annul box
//! one step away.

use chrono::Duration;

use crate::helpers::{attrs, excel_rows, spawn_app, texts, Data, TestApp};
use crate::offers::{clinician, multipart, HEADER};

fn day(days_ago: i64) -> String {
    (dccc_registry::web::time::today() - Duration::days(days_ago)).to_string()
}

/// Six decisions: five of AUH-ONK (one from 2024), one of RH-ONK, imported by an admin.
async fn register(app: &TestApp) -> reqwest::Client {
    app.create_user("staff@dccc.test", "admin", &[], &[]);
    let admin = app.login("staff@dccc.test").await;
    let rows = [
        format!(
            "{},AUH-ONK,DBCG,R-1,67,female,8000,local,yes,DBCG TEST-ALL5,,pending,",
            day(40)
        ),
        format!(
            "{},AUH-ONK,DBCG,R-2,55,female,8000,local,yes,DBCG TEST-ALL5,,pending,",
            day(10)
        ),
        format!(
            "{},AUH-ONK,DBCG,R-3,45,female,2100,regional,yes,DBCG TEST-ALL5,,included,{}",
            day(20),
            day(5)
        ),
        format!(
            "{},AUH-ONK,DLCG,R-4,71,male,9000,local,no,,capacity,,",
            day(15)
        ),
        format!(
            "{},RH-ONK,DBCG,R-5,60,female,2100,local,yes,DBCG TEST-ALL5,,pending,",
            day(12)
        ),
        "2024-06-01,AUH-ONK,DBCG,R-6,50,female,8000,local,no,,no_relevant_protocol,,".to_owned(),
    ];
    let csv = format!("{HEADER}\n{}\n", rows.join("\n"));
    let token = app.csrf(&admin, "/tilbud/import").await;
    let response = admin
        .post(format!("{}/tilbud/import", app.address))
        .multipart(multipart(&token, &csv))
        .send()
        .await
        .expect("import");
    assert_eq!(response.status().as_u16(), 200);
    admin
}

fn refs(html: &scraper::Html) -> Vec<String> {
    texts(html, "#offers tbody tr td:nth-child(4)")
}

fn count(html: &scraper::Html, name: &str) -> String {
    texts(html, &format!("#offer-counts dd[data-count={name}]"))
        .pop()
        .unwrap_or_default()
}

#[tokio::test]
async fn filters_narrow_the_list_and_the_counts_follow_the_filter() {
    let app = spawn_app(Data::Fixture).await;
    let admin = register(&app).await;
    let client = clinician(&app).await;
    let (status, all) = app.page(&client, "/tilbud").await;
    assert_eq!(status, 200);
    assert_eq!(
        refs(&all),
        ["R-2", "R-4", "R-3", "R-1", "R-6"],
        "own department only"
    );
    for (name, expected) in [
        ("entries", "5"),
        ("offered", "3"),
        ("not_offered", "2"),
        ("included", "1"),
        ("pending", "2"),
        ("overdue", "1"),
        ("annulled", "0"),
    ] {
        assert_eq!(count(&all, name), expected, "{name}");
    }
    assert_eq!(
        attrs(&all, "#offers tbody tr.overdue", "data-id").len(),
        1,
        "the offer awaiting an outcome for 40 days is marked"
    );
    assert_eq!(
        texts(&all, "#offers tbody tr.overdue td:nth-child(4)"),
        ["R-1"]
    );

    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            format!("/tilbud?from={}", day(30)),
            vec!["R-2", "R-4", "R-3"],
        ),
        (
            format!("/tilbud?from={}&to={}", day(30), day(12)),
            vec!["R-4", "R-3"],
        ),
        ("/tilbud?to=2024-12-31".to_owned(), vec!["R-6"]),
        ("/tilbud?offered=no".to_owned(), vec!["R-4", "R-6"]),
        ("/tilbud?outcome=pending".to_owned(), vec!["R-2", "R-1"]),
        ("/tilbud?outcome=included".to_owned(), vec!["R-3"]),
        ("/tilbud?dmcg=DLCG".to_owned(), vec!["R-4"]),
        (
            "/tilbud?protocol=DBCG+TEST-ALL5".to_owned(),
            vec!["R-2", "R-3", "R-1"],
        ),
        (
            "/tilbud?site=AUH-ONK&offered=yes&outcome=pending".to_owned(),
            vec!["R-2", "R-1"],
        ),
    ];
    for (path, expected) in cases {
        let (status, html) = app.page(&client, &path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(refs(&html), expected, "{path}");
        assert_eq!(
            count(&html, "entries"),
            expected.len().to_string(),
            "{path}"
        );
    }
    let (_, pending) = app.page(&client, "/tilbud?outcome=pending").await;
    assert_eq!(count(&pending, "overdue"), "1");
    assert_eq!(
        attrs(&pending, "#f-outcome option[selected]", "value"),
        ["pending"],
        "the filter is kept"
    );

    let (_, everything) = app.page(&admin, "/tilbud").await;
    assert_eq!(
        count(&everything, "entries"),
        "6",
        "DCCC staff see every department"
    );
    let (_, rh) = app.page(&admin, "/tilbud?site=RH-ONK").await;
    assert_eq!(refs(&rh), ["R-5"]);
}

#[tokio::test]
async fn bad_filters_are_named_beside_their_fields_and_a_clinician_cannot_ask_for_another_department(
) {
    let app = spawn_app(Data::Fixture).await;
    register(&app).await;
    let client = clinician(&app).await;
    for (path, field) in [
        ("/tilbud?site=RH-ONK", "site"),
        ("/tilbud?site=NOPE", "site"),
        ("/tilbud?from=01-02-2025", "from"),
        ("/tilbud?from=2025-03-01&to=2025-02-01", "to"),
        ("/tilbud?dmcg=XYZ", "dmcg"),
        ("/tilbud?offered=maybe", "offered"),
        ("/tilbud?outcome=won", "outcome"),
        ("/tilbud.csv?site=RH-ONK", "site"),
    ] {
        let (status, html) = app.page(&client, path).await;
        assert_eq!(status, 422, "{path}");
        assert_eq!(attrs(&html, ".field-error", "data-for"), [field], "{path}");
        assert!(refs(&html).is_empty(), "{path}: nothing listed");
    }
    let (_, html) = app.page(&client, "/tilbud?from=01-02-2025").await;
    assert_eq!(
        attrs(&html, "#f-from", "value"),
        ["01-02-2025"],
        "kept as typed"
    );
}

#[tokio::test]
async fn the_export_holds_the_filtered_list_with_headers_in_the_page_language() {
    let app = spawn_app(Data::Fixture).await;
    let admin = register(&app).await;
    let client = clinician(&app).await;
    let (_, page) = app.page(&client, "/tilbud?dmcg=DBCG").await;
    let link = attrs(&page, "#offers-csv", "href")
        .pop()
        .expect("export link");
    assert_eq!(link, "/tilbud.csv?dmcg=DBCG");
    let response = client
        .get(format!("{}{link}", app.address))
        .send()
        .await
        .expect("csv");
    assert_eq!(response.status().as_u16(), 200);
    assert!(crate::helpers::content_type(&response).starts_with("text/csv"));
    let bytes = response.bytes().await.expect("body");
    let (header, rows) = excel_rows(&bytes);
    assert_eq!(header[0], "dato");
    assert!(header.contains(&"afventer_over_30_dage".to_owned()));
    let reference = header
        .iter()
        .position(|h| h == "patientreference")
        .expect("column");
    let overdue = header
        .iter()
        .position(|h| h == "afventer_over_30_dage")
        .expect("column");
    let listed: Vec<&str> = rows.iter().map(|r| &r[reference]).collect();
    assert_eq!(
        listed,
        ["R-2", "R-3", "R-1", "R-6"],
        "the filter's rows, none of RH-ONK"
    );
    assert_eq!(&rows[2][overdue], "ja");

    let all = admin
        .get(format!("{}/tilbud.csv", app.address))
        .send()
        .await
        .expect("csv");
    let (_, rows) = excel_rows(&all.bytes().await.expect("body"));
    assert_eq!(rows.len(), 6, "DCCC staff export every department");

    let english = app.login("klinik@auh.test").await;
    let switched = english
        .get(format!("{}/sprog/en?next=/tilbud", app.address))
        .send()
        .await
        .expect("language");
    assert!(switched.status().is_redirection());
    let response = english
        .get(format!("{}/tilbud.csv?offered=no", app.address))
        .send()
        .await
        .expect("csv");
    let (header, rows) = excel_rows(&response.bytes().await.expect("body"));
    assert_eq!(header[0], "date");
    assert_eq!(rows.len(), 2);

    let anonymous = crate::helpers::browser()
        .get(format!("{}/tilbud.csv", app.address))
        .send()
        .await
        .expect("csv");
    assert_eq!(anonymous.status().as_u16(), 303, "login first");
}

#[tokio::test]
async fn a_newly_saved_entry_keeps_the_annul_box_one_step_away() {
    let app = spawn_app(Data::Fixture).await;
    let client = clinician(&app).await;
    let token = app.csrf(&client, "/tilbud/ny").await;
    let saved = app
        .post(
            &client,
            "/tilbud/ny",
            &crate::offers::offer_form(&token, "S-1", "AUH-ONK"),
        )
        .await;
    assert_eq!(saved.status().as_u16(), 303);
    let location = saved
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_owned();
    let (_, html) = app.page(&client, &location).await;
    assert_eq!(texts(&html, "#saved").len(), 1);
    assert_eq!(
        attrs(&html, "details#annul-step #annul-form", "method"),
        ["post"]
    );
    assert!(
        attrs(&html, "details#annul-step[open]", "id").is_empty(),
        "folded away"
    );
    let action = attrs(&html, "#annul-form", "action").pop().expect("action");
    let refused = app
        .post(&client, &action, &[("csrf_token", &token), ("reason", "")])
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    let html = scraper::Html::parse_document(&refused.text().await.expect("body"));
    assert_eq!(
        attrs(&html, "details#annul-step[open]", "id"),
        ["annul-step"],
        "open with the error"
    );
}

#[tokio::test]
async fn a_clinician_sees_their_departments_indicator_exact_beside_the_published_national_row() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("staff@dccc.test", "admin", &[], &[]);
    let admin = app.login("staff@dccc.test").await;
    let csv = format!(
        "{HEADER}\n\
         2025-02-03,AUH-ONK,DBCG,I-1,67,female,8000,local,yes,DBCG TEST-ALL5,,included,2025-02-20\n\
         2025-02-04,AUH-ONK,DBCG,I-2,55,female,8000,local,no,,capacity,,\n\
         2025-02-05,AUH-ONK,DBCG,I-3,45,female,8000,local,yes,DBCG TEST-ALL5,,pending,\n\
         2025-05-06,RH-ONK,DBCG,I-4,60,female,2100,local,yes,DBCG TEST-ALL5,,pending,\n\
         2025-05-07,RH-ONK,DBCG,I-5,61,female,2100,local,no,,capacity,,\n"
    );
    let token = app.csrf(&admin, "/tilbud/import").await;
    let response = admin
        .post(format!("{}/tilbud/import", app.address))
        .multipart(multipart(&token, &csv))
        .send()
        .await
        .expect("import");
    assert_eq!(response.status().as_u16(), 200);
    let cell = |html: &scraper::Html, group: &str, n: usize| {
        texts(
            html,
            &format!("#department-indicator tr[data-group='{group}'] td:nth-of-type({n})"),
        )
        .pop()
        .unwrap_or_default()
    };
    let client = clinician(&app).await;
    let (status, html) = app.page(&client, "/tilbud/indikator?year=2025").await;
    assert_eq!(status, 200);
    assert_eq!(
        attrs(&html, "#department-indicator tbody tr", "data-group"),
        ["national", "AUH-ONK"],
        "the national row and the own department only"
    );
    assert_eq!(
        cell(&html, "AUH-ONK", 1),
        "3",
        "exact, where the public reads <5"
    );
    assert_eq!(cell(&html, "AUH-ONK", 2), "2");
    assert_eq!(cell(&html, "AUH-ONK", 4), "1");
    let (_, public) = app
        .page(&crate::helpers::browser(), "/gennemsigtighed?year=2025")
        .await;
    let public_national = texts(&public, "#table-department tr[data-group=national] td");
    let national = texts(&html, "#department-indicator tr[data-group=national] td");
    assert_eq!(
        national.first().map(String::as_str),
        Some("<5"),
        "suppressed as in public (one patient included nationally): {national:?}"
    );
    assert_eq!(national, public_national, "the national row as published");

    let this_year = chrono::Datelike::year(&dccc_registry::web::time::today());
    let (status, current) = app
        .page(&client, &format!("/tilbud/indikator?year={this_year}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        texts(&current, "#national-withheld").len(),
        1,
        "not published yet"
    );
    assert_eq!(
        attrs(&current, "#department-indicator tbody tr", "data-group"),
        ["AUH-ONK"],
        "the own department, without decisions this year"
    );

    let (_, staff) = app
        .page(&admin, "/tilbud/indikator?year=2025&quarter=1")
        .await;
    assert_eq!(
        attrs(&staff, "#department-indicator tbody tr", "data-group"),
        ["national", "AUH-ONK"],
        "DCCC staff: every department with decisions in the quarter"
    );
    assert_eq!(cell(&staff, "national", 1), "3", "exact for staff");
    let (status, bad) = app.page(&client, "/tilbud/indikator?year=abc").await;
    assert_eq!(status, 422);
    assert_eq!(attrs(&bad, ".field-error", "data-for"), ["year"]);
}
