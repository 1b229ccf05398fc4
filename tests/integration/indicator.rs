//! The indicator and the transparency report against figures computed by hand for a small
//! register: counts, Wilson intervals, suppression that cannot be undone from the totals,
//! the public/admin difference, the SVG charts and the CSV downloads.

use dccc_registry::db::history::Actor;
use dccc_registry::services::offers::import::import_csv;

use crate::helpers::{attrs, spawn_app, spawn_on, texts, Data, TestApp, TestDatabase};
use crate::offers::HEADER;

/// DBCG: 10 patients, 6 offered, 5 included. DCCG: 20 patients, 12 offered, 7 included.
/// DLCG: 3 patients, none offered. One more DCCG decision falls outside 2025.
fn fixture_csv() -> String {
    let mut rows = vec![HEADER.to_owned()];
    let mut add = |n: usize, row: &dyn Fn(usize) -> String| {
        for i in 0..n {
            rows.push(row(i));
        }
    };
    add(5, &|i| {
        format!("2025-02-{:02},AUH-ONK,DBCG,B{i},60,female,8000,local,yes,DBCG TEST-ALL5,,included,2025-03-01", i + 1)
    });
    add(1, &|i| {
        format!("2025-02-10,AUH-ONK,DBCG,BD{i},60,female,8000,local,yes,DBCG TEST-ALL5,,declined,2025-03-01")
    });
    add(4, &|i| {
        format!(
            "2025-04-{:02},AUH-ONK,DBCG,BN{i},60,female,8000,local,no,,no_relevant_protocol,,",
            i + 1
        )
    });
    add(7, &|i| {
        format!("2025-05-{:02},OUH-ONK,DCCG,C{i},70,male,5000,regional,yes,DCCG TEST-SYD,,included,2025-06-01", i + 1)
    });
    add(5, &|i| {
        format!(
            "2025-06-{:02},OUH-ONK,DCCG,CP{i},70,male,5000,regional,yes,DCCG TEST-SYD,,pending,",
            i + 1
        )
    });
    add(6, &|i| {
        format!(
            "2025-07-{:02},OUH-ONK,DCCG,CN{i},70,male,5000,local,no,,no_relevant_protocol,,",
            i + 1
        )
    });
    add(2, &|i| {
        format!(
            "2025-12-{:02},OUH-ONK,DCCG,CC{i},70,male,2100,local,no,,patient_condition,,",
            i + 30
        )
    });
    add(3, &|i| {
        format!(
            "2025-08-{:02},AUH-ONK,DLCG,L{i},55,male,8000,local,no,,not_eligible,,",
            i + 1
        )
    });
    add(1, &|_| {
        "2026-01-01,OUH-ONK,DCCG,LATE,70,male,5000,local,no,,capacity,,".to_owned()
    });
    rows.join("\n")
}

async fn register() -> TestApp {
    register_in(spawn_app(Data::Fixture).await)
}

/// The fixture register (`fixture_csv`) stored in a running app.
fn register_in(app: TestApp) -> TestApp {
    let mut conn = app.pool.get().expect("connection");
    let catalogue = dccc_registry::catalogue::Catalogue::load(&mut conn).expect("catalogue");
    let reference = dccc_registry::services::offers::reference(&catalogue);
    let stored = import_csv(
        &mut conn,
        &fixture_csv(),
        &reference,
        &Actor::system("test"),
        None,
    )
    .expect("fixture imports");
    assert_eq!(stored.stored, 34);
    app
}

const YEAR: &str = "/api/v1/indicator?from=2025-01-01&to=2025-12-31";

fn row<'a>(body: &'a serde_json::Value, group: &str) -> &'a serde_json::Value {
    body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["group"] == group)
        .unwrap_or_else(|| panic!("no row {group} in {body}"))
}

#[tokio::test]
async fn admins_see_exact_counts_and_wilson_intervals() {
    let app = register().await;
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    let admin = app.login("admin@dccc.test").await;
    let body = app.json_as(&admin, &format!("{YEAR}&by=dmcg")).await;
    let national = &body["national"];
    assert_eq!(
        (
            &national["patients"],
            &national["offered"],
            &national["included"]
        ),
        (
            &serde_json::json!(33),
            &serde_json::json!(18),
            &serde_json::json!(12)
        )
    );
    assert_eq!(national["offered_pct"], 54.5);
    let dbcg = row(&body, "DBCG");
    assert_eq!(dbcg["patients"], 10);
    assert_eq!(dbcg["offered_pct"], 60.0);
    assert_eq!(dbcg["offered_ci"], serde_json::json!([31.3, 83.2]));
    assert_eq!(dbcg["included_ci"], serde_json::json!([23.7, 76.3]));
    let dccg = row(&body, "DCCG");
    assert_eq!(
        (&dccg["patients"], &dccg["offered"]),
        (&serde_json::json!(20), &serde_json::json!(12))
    );
    let dlcg = row(&body, "DLCG");
    assert_eq!(dlcg["patients"], 3);
    assert_eq!(dlcg["offered_ci"], serde_json::json!([0.0, 56.2]));
    assert_eq!(dlcg["suppressed"], false);
}

#[tokio::test]
async fn the_public_sees_small_cells_suppressed_so_that_no_count_can_be_recovered() {
    let app = register().await;
    let (status, body) = app.get_json(&format!("{YEAR}&by=dmcg")).await;
    assert_eq!(status, 200);
    let dlcg = row(&body, "DLCG");
    assert_eq!(dlcg["suppressed"], true);
    for field in [
        "patients",
        "offered",
        "included",
        "offered_pct",
        "offered_ci",
        "included_ci",
    ] {
        assert!(dlcg[field].is_null(), "{field} hidden");
    }
    // A lone hidden row would be national minus the rest: a second row is hidden with it.
    let hidden: Vec<&serde_json::Value> = body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["suppressed"] == true)
        .collect();
    assert_eq!(hidden.len(), 2, "{body}");
    assert_eq!(row(&body, "DBCG")["suppressed"], true);
    let shown: u64 = body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["patients"].as_u64())
        .sum();
    // The quarters of the year are published too (Q4 of the nation has 2 decisions), so the
    // protection of the whole published set may hide the national row of so small a register;
    // where it is shown, only the sum of two hidden rows is known.
    if let Some(national) = body["national"]["patients"].as_u64() {
        assert_eq!(
            national - shown,
            13,
            "only the sum of two hidden rows is known"
        );
    } else {
        assert_eq!(body["national"]["suppressed"], true);
    }

    // Region of residence: 1084 has two patients (the December DCCG decisions).
    let (_, by_residence) = app.get_json(&format!("{YEAR}&by=residence_region")).await;
    let capital = by_residence["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["group"] == 1084)
        .expect("region 1084");
    assert_eq!(capital["suppressed"], true);
}

#[tokio::test]
async fn bad_parameters_are_named() {
    let app = register().await;
    for (query, field) in [
        ("by=county", "by"),
        ("from=2025-13-01", "from"),
        ("from=2025-06-01&to=2025-01-01", "to"),
        ("dmcg=NOPE", "dmcg"),
    ] {
        let (status, body) = app.get_json(&format!("/api/v1/indicator?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["error"]["field"], field, "{query}");
    }
}

#[tokio::test]
async fn partial_months_and_whole_months_count_the_same_decisions() {
    let app = register().await;
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    let admin = app.login("admin@dccc.test").await;
    let get = |q: String| {
        let admin = admin.clone();
        let address = app.address.clone();
        async move {
            let body: serde_json::Value = admin
                .get(format!("{address}/api/v1/indicator?{q}"))
                .send()
                .await
                .expect("get")
                .json()
                .await
                .expect("json");
            body["national"]["patients"].as_u64().expect("patients")
        }
    };
    assert_eq!(get("from=2025-02-03&to=2025-02-05".into()).await, 3);
    assert_eq!(get("from=2025-02-05&to=2025-04-02".into()).await, 1 + 1 + 2);
    assert_eq!(get("from=2025-01-15&to=2026-01-01".into()).await, 34);
    assert_eq!(
        get("from=2025-12-30&to=2025-12-31".into()).await,
        2,
        "December 30 and 31"
    );
    assert_eq!(get("from=2025-12-31&to=2025-12-31".into()).await, 1);
}

#[tokio::test]
async fn the_report_shows_one_bar_per_group_with_whiskers_inside_the_axis() {
    let app = register().await;
    let (status, html) = app.get_html("/gennemsigtighed?year=2025").await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, "#period"), ["2025"]);
    let groups = attrs(&html, "#chart-dmcg g.group", "data-group");
    assert_eq!(groups, ["DBCG", "DCCG", "DLCG"]);
    assert_eq!(
        attrs(&html, "#chart-dmcg rect.bar", "data-pct"),
        ["60"],
        "only DCCG is shown"
    );
    for (lo, hi) in attrs(&html, "svg.chart .whisker", "data-lo")
        .iter()
        .zip(attrs(&html, "svg.chart .whisker", "data-hi"))
    {
        let (lo, hi): (f64, f64) = (lo.parse().expect("lo"), hi.parse().expect("hi"));
        assert!((0.0..=100.0).contains(&lo) && (0.0..=100.0).contains(&hi) && lo <= hi);
    }
    assert_eq!(
        texts(&html, "#table-dmcg tr[data-group=DLCG] td:nth-child(2)"),
        ["<5"]
    );
    // Each grouping has its section; the registry tables are there too.
    for id in [
        "#indicator-dmcg",
        "#indicator-region",
        "#indicator-residence_region",
        "#indicator-department",
        "#coverage-matrix",
        "#access-matrix",
        "#protocols-dmcg",
    ] {
        assert_eq!(texts(&html, id).len(), 1, "{id}");
    }
}

#[tokio::test]
async fn the_csv_download_parses_back_to_the_numbers_of_the_api() {
    let app = register().await;
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    let admin = app.login("admin@dccc.test").await;
    let response = admin
        .get(format!(
            "{}/gennemsigtighed/csv/indikator-dmcg?year=2025",
            app.address
        ))
        .send()
        .await
        .expect("get");
    assert_eq!(response.status().as_u16(), 200);
    assert!(crate::helpers::content_type(&response).starts_with("text/csv"));
    let bytes = response.bytes().await.expect("body");
    let (header, records) = crate::helpers::excel_rows(&bytes);
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let number = |s: &str| -> f64 { s.replace(',', ".").parse().expect("decimal comma") };
    let body = app.json_as(&admin, &format!("{YEAR}&by=dmcg")).await;
    for record in &records[1..] {
        let api = row(&body, &record[column("gruppe")]);
        assert_eq!(
            number(&record[column("patienter")]),
            api["patients"].as_f64().expect("n")
        );
        assert_eq!(
            number(&record[column("tilbudt_pct")]),
            api["offered_pct"].as_f64().expect("pct")
        );
        assert_eq!(
            number(&record[column("tilbudt_ki_nedre")]),
            api["offered_ci"][0].as_f64().expect("lo")
        );
        assert_eq!(
            number(&record[column("tilbudt_ki_oevre")]),
            api["offered_ci"][1].as_f64().expect("hi")
        );
        assert_eq!(
            number(&record[column("inkluderet")]),
            api["included"].as_f64().expect("inc")
        );
    }
    assert_eq!(records.len(), 4, "national and three DMCGs");
    assert_eq!(&records[0][column("patienter")], "33");

    let public = crate::helpers::browser()
        .get(format!(
            "{}/gennemsigtighed/csv/indikator-dmcg?year=2025",
            app.address
        ))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("body");
    assert!(public.contains("<5"), "public downloads are suppressed too");
    let (status, _) = app.get_html("/gennemsigtighed/csv/nope").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn an_admin_sets_a_dmcg_standard_and_the_report_says_whether_it_is_met() {
    let app = register().await;
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    let admin = app.login("admin@dccc.test").await;
    let path = "/admin/reference/dmcgs/DCCG";
    let (_, form) = app.page(&admin, path).await;
    let token = app.csrf(&admin, path).await;
    let value = |id: &str| {
        attrs(&form, &format!("#r-{id}"), "value")
            .pop()
            .unwrap_or_default()
    };
    let fields = [
        "acronym", "name_da", "area_da", "area_en", "icd10", "umbrella", "scope",
    ];
    let kept: Vec<(String, String)> = fields.iter().map(|f| ((*f).to_owned(), value(f))).collect();
    let mut post: Vec<(&str, &str)> = kept.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    post.push(("csrf_token", &token));
    post.push(("offer_standard_pct", "150"));
    let refused = app.post(&admin, path, &post).await;
    assert_eq!(
        refused.status().as_u16(),
        422,
        "a standard above 100 % is refused"
    );
    post.pop();
    post.push(("offer_standard_pct", "65"));
    assert_eq!(app.post(&admin, path, &post).await.status().as_u16(), 303);
    // DCCG offered 12 of 20 (60 %): below its standard of 65 %.
    let mut shown = Vec::new();
    for _ in 0..crate::helpers::REFRESH_WAIT_ROUNDS {
        let (_, html) = app.get_html("/gennemsigtighed?year=2025").await;
        shown = texts(&html, "#table-dmcg tr[data-group=DCCG] .unmet");
        if !shown.is_empty() {
            assert_eq!(
                attrs(&html, "#chart-dmcg line.standard", "data-pct"),
                ["65"]
            );
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(shown.len(), 1, "the standard is shown as not met");
}

#[tokio::test]
async fn demo_data_fills_the_register_and_the_report_says_so() {
    let app = spawn_app(Data::Demo).await;
    let (status, html) = app.get_html("/gennemsigtighed").await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, "#demo-register").len(), 1);
    assert!(!attrs(&html, "#chart-dmcg rect.bar", "data-pct").is_empty());
    let (_, body) = app
        .get_json(&format!(
            "/api/v1/indicator?from={last}-01-01&to={last}-12-31&by=region",
            last = chrono::Datelike::year(&chrono::Utc::now().date_naive()) - 1
        ))
        .await;
    assert!(
        body["national"]["patients"].as_u64().unwrap_or(0) > 1000,
        "{body}"
    );
    let fixture = register().await;
    let (_, html) = fixture.get_html("/gennemsigtighed?year=2025").await;
    assert!(
        texts(&html, "#demo-register").is_empty(),
        "no demo banner without demo data"
    );
}

#[tokio::test]
async fn one_dmcg_s_report_holds_its_decisions_only_with_its_standard_everywhere() {
    let app = register().await;
    let (status, html) = app.get_html("/gennemsigtighed?year=2025&dmcg=dccg").await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, "#indicator-dmcg-filter"), ["DCCG"]);
    assert_eq!(
        texts(&html, "#table-region tr.national td:nth-child(2)"),
        ["20"],
        "DCCG's 20 decisions"
    );
    assert_eq!(attrs(&html, "#chart-dmcg g.group", "data-group"), ["DCCG"]);
    let csv = app
        .get("/gennemsigtighed/csv/indikator-region?year=2025&dmcg=DCCG")
        .await
        .text()
        .await
        .expect("body");
    assert!(
        csv.lines().nth(1).is_some_and(|l| l.contains(";20;")),
        "{csv}"
    );
    let (status, _) = app.get_html("/gennemsigtighed?year=2025&dmcg=NOPE").await;
    assert_eq!(status, 400);
}

/// Names a spreadsheet would run as formulas, given to reference data that the exports show.
const HOSTILE: [(&str, &str); 4] = [
    ("DBCG", "=HYPERLINK(\"http://example.invalid\",\"klik\")"),
    ("DCCG", "+SUM(1;2)"),
    ("DLCG", "@SUM(A1)"),
    ("AUH-ONK", "-2+3+cmd|' /C calc'!A0"),
];

#[tokio::test]
async fn no_csv_export_holds_a_cell_a_spreadsheet_would_run_as_a_formula() {
    use dccc_registry::db::reference;
    let db = TestDatabase::new();
    {
        let pool = db.pool();
        let mut conn = pool.get().expect("connection");
        dccc_registry::services::setup::prepare_database(&mut conn, false).expect("prepare");
        for mut row in reference::list_dmcgs(&mut conn).expect("dmcgs") {
            if let Some((_, name)) = HOSTILE.iter().find(|(k, _)| *k == row.acronym) {
                row.name_da = (*name).to_owned();
                reference::save_dmcg(&mut conn, &row, true).expect("save dmcg");
            }
        }
        for mut row in reference::list_sites(&mut conn).expect("sites") {
            if let Some((_, name)) = HOSTILE.iter().find(|(k, _)| *k == row.code) {
                row.hospital = (*name).to_owned();
                reference::save_site(&mut conn, &row, true).expect("save site");
            }
        }
    }
    let app = register_in(spawn_on(db, Data::Fixture).await);
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    let admin = app.login("admin@dccc.test").await;
    let mut escaped = Vec::new();
    for table in dccc_registry::web::reports::csv::TABLES {
        let response = admin
            .get(format!(
                "{}/gennemsigtighed/csv/{table}?year=2025",
                app.address
            ))
            .send()
            .await
            .expect("get");
        assert_eq!(response.status().as_u16(), 200, "{table}");
        let bytes = response.bytes().await.expect("body");
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .from_reader(&bytes[3..]);
        for record in reader.records() {
            let record = record.expect("row");
            for cell in &record {
                let plain_number = cell
                    .trim_start_matches('-')
                    .replace(',', "")
                    .parse::<u64>()
                    .is_ok();
                assert!(
                    plain_number || !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{table}: {cell:?}"
                );
                if let Some((_, name)) = HOSTILE.iter().find(|(_, n)| cell.contains(n)) {
                    assert!(cell.starts_with('\''), "{table}: {cell:?}");
                    escaped.push((table, name.chars().next()));
                }
            }
        }
    }
    for (table, first) in [
        ("protokoller-dmcg", Some('=')),
        ("indikator-dmcg", Some('=')),
        ("indikator-dmcg", Some('+')),
        ("indikator-dmcg", Some('@')),
        ("indikator-department", Some('-')),
    ] {
        assert!(
            escaped.contains(&(table, first)),
            "{table} shows the name starting {first:?}, escaped: {escaped:?}"
        );
    }
}

/// Downloads a report CSV as `client` sees it: header and records.
async fn report_csv(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
) -> (Vec<String>, Vec<csv::StringRecord>) {
    let response = client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .expect("get");
    assert_eq!(response.status().as_u16(), 200, "{path}");
    crate::helpers::excel_rows(&response.bytes().await.expect("body"))
}

#[tokio::test]
async fn the_funnel_plot_places_departments_by_limits_worked_out_by_hand() {
    let app = register().await;
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    let admin = app.login("admin@dccc.test").await;
    let (_, html) = app.page(&admin, "/gennemsigtighed?year=2025").await;
    // National: 18 of 33 offered (p0 = 0.5455). AUH-ONK 6 of 13, OUH-ONK 12 of 20.
    // n = 13: √(p0(1−p0)/13) = 0.13810; 95 %: 27.5–81.6 %, 99.8 %: 11.9–97.2 %.
    // n = 20: √(p0(1−p0)/20) = 0.11134; 95 %: 32.7–76.4 %, 99.8 %: 20.1–89.0 %.
    let row = |group: &str| texts(&html, &format!("#funnel-table tr[data-group='{group}'] td"));
    assert_eq!(
        row("AUH-ONK"),
        [
            "13",
            "6",
            "46,2 %",
            "27,5–81,6 %",
            "11,9–97,2 %",
            "Inden for 95 %-grænserne"
        ]
    );
    assert_eq!(
        row("OUH-ONK"),
        [
            "20",
            "12",
            "60,0 %",
            "32,7–76,4 %",
            "20,1–89,0 %",
            "Inden for 95 %-grænserne"
        ]
    );
    assert_eq!(attrs(&html, "#chart-funnel", "data-national"), ["0.545455"]);
    assert_eq!(
        attrs(&html, "#chart-funnel .point", "data-group"),
        ["AUH-ONK", "OUH-ONK"]
    );
    // The same figures as CSV, in English on an English page.
    admin
        .get(format!("{}/sprog/en?next=/", app.address))
        .send()
        .await
        .expect("language");
    let (header, records) = report_csv(&app, &admin, "/gennemsigtighed/csv/tragt?year=2025").await;
    assert_eq!(
        header,
        [
            "department",
            "name",
            "patients",
            "offered",
            "share_pct",
            "national_pct",
            "limit_95_lower_pct",
            "limit_95_upper_pct",
            "limit_998_lower_pct",
            "limit_998_upper_pct",
            "position"
        ]
    );
    let auh = records
        .iter()
        .find(|r| &r[0] == "AUH-ONK")
        .expect("AUH-ONK");
    assert_eq!(&auh[6], "27.5", "decimal points in English");
    assert_eq!(&auh[10], "Within the 95% limits");
    let (header, records) = report_csv(
        &app,
        &admin,
        "/gennemsigtighed/csv/indikator-dmcg?year=2025",
    )
    .await;
    assert_eq!(
        &header[..5],
        ["group", "name", "patients", "offered", "offered_pct"]
    );
    assert!(
        header
            .iter()
            .all(|h| !h.contains("tilbudt") && !h.contains("aabne")),
        "no Danish column on an English page: {header:?}"
    );
    assert!(records.len() > 1);

    // The public funnel leaves out what is suppressed: AUH-ONK's DLCG cell of 3 is small.
    let (_, public) = app.get_html("/gennemsigtighed?year=2025").await;
    let shown = attrs(&public, "#chart-funnel .point", "data-group");
    let table = attrs(&public, "#funnel-table tbody tr", "data-group");
    assert_eq!(shown, table, "every point has its row");
    for group in &shown {
        let cells = texts(
            &public,
            &format!("#table-department tr[data-group='{group}'] td"),
        );
        assert!(
            !cells.iter().any(|c| c.contains("<5")),
            "{group} is plotted although suppressed: {cells:?}"
        );
    }
}

#[tokio::test]
async fn trends_give_each_quarter_s_shares_and_open_protocols() {
    let app = register().await;
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    let admin = app.login("admin@dccc.test").await;
    let (_, html) = app.page(&admin, "/gennemsigtighed?year=2025").await;
    let quarters = texts(&html, "#trends-table-dmcg thead th");
    assert_eq!(
        quarters.len(),
        9,
        "the grouping and eight quarters: {quarters:?}"
    );
    assert_eq!(quarters[1], "2024, 1. kvartal");
    assert_eq!(quarters[8], "2025, 4. kvartal");
    let q1 = quarters
        .iter()
        .position(|q| q == "2025, 1. kvartal")
        .expect("2025 Q1")
        - 1;
    let cells = texts(&html, "#trends-table-dmcg tr[data-group='DBCG'] td");
    // DBCG in Q1 2025: 6 decisions, all offered, 5 included; in Q2 4, none offered.
    assert!(cells[q1].ends_with("100,0 % / 83,3 %"), "{cells:?}");
    assert!(cells[q1 + 1].ends_with("0,0 % / 0,0 %"), "{cells:?}");
    assert!(
        cells[0].ends_with("– / –"),
        "no decisions in 2024: {cells:?}"
    );
    // The open count of a quarter is the report's own for that quarter.
    let (_, quarter) = app
        .page(&admin, "/gennemsigtighed?year=2025&quarter=1")
        .await;
    for dmcg in ["DBCG", "DLCG", "DCCG"] {
        let trend = texts(
            &html,
            &format!("#trends-table-dmcg tr[data-group='{dmcg}'] td span[data-count=open]"),
        );
        let report = texts(
            &quarter,
            &format!("#protocols-dmcg tr[data-group='{dmcg}'] td[data-count=open_in_period]"),
        );
        assert_eq!(trend[q1], report[0], "{dmcg}");
    }
    // Each group has its two small multiples, the standard line labelled where one is set.
    assert_eq!(
        attrs(&html, "#trends-dmcg li[data-group='DBCG'] svg", "id"),
        ["trend-open-dmcg-DBCG", "trend-share-dmcg-DBCG"]
    );
    let bars = attrs(&html, "#trend-open-dmcg-DBCG rect.bar", "data-count");
    assert_eq!(bars.len(), 8);
    let points = attrs(
        &html,
        "#trend-share-dmcg-DBCG circle.offered-point",
        "data-pct",
    );
    assert_eq!(
        points,
        ["100.0", "0.0"],
        "a point per quarter with decisions"
    );
}

#[tokio::test]
async fn the_distance_map_colours_each_postcode_by_the_nearest_open_department() {
    let app = register().await;
    let (status, html) = app.get_html("/gennemsigtighed?dmcg=DBCG").await;
    assert_eq!(status, 200);
    assert_eq!(attrs(&html, "#distance-map", "data-dmcg"), ["DBCG"]);
    let postcodes = include_str!("../../seed/dk_postcodes.csv").lines().count() - 1;
    let dots = attrs(&html, "#distance-map circle.dk-dot", "data-class");
    assert!(
        dots.len() > 1000 && dots.len() <= postcodes,
        "{}",
        dots.len()
    );
    // Skagen (9990) by hand: its centroid 57.7208 N 10.5621 E to Aalborg's AUH oncology
    // department (AAUH-ONK, 57.0320 N 9.9310 E), the nearest DBCG department open there.
    let km = dccc_matching::haversine_km(57.7208, 10.5621, 57.0320, 9.9310);
    assert!((km - 85.6).abs() < 1.0, "{km}");
    let (header, records) = report_csv(
        &app,
        &app.client,
        "/gennemsigtighed/csv/afstand-postnumre?dmcg=DBCG",
    )
    .await;
    assert_eq!(
        header,
        [
            "postnummer",
            "by",
            "region",
            "dmcg",
            "km_til_naermeste",
            "naermeste_afdeling"
        ]
    );
    assert_eq!(records.len(), dots.len(), "one row per dot");
    let skagen = records.iter().find(|r| &r[0] == "9990").expect("9990");
    assert_eq!(&skagen[4], format!("{km:.1}").replace('.', ","));
    assert!(skagen[5].starts_with("AAUH-ONK"), "{skagen:?}");
    // 85.6 km is in the 50–100 km class (2).
    let skagen_dot: Vec<String> = texts(&html, "#distance-map circle.dk-dot[data-class='2'] title")
        .into_iter()
        .filter(|t| t.starts_with("9990 "))
        .collect();
    assert_eq!(skagen_dot.len(), 1, "Skagen in the 50–100 km class");
    // The table behind the map: Nordjylland's longest distance is at least Skagen's.
    let north = texts(&html, "#distance-regions tbody tr:first-child td");
    let longest: f64 = north[1]
        .trim_end_matches(" km")
        .replace(',', ".")
        .parse()
        .expect("km");
    assert!(longest >= km - 0.05, "{north:?}");
}

#[tokio::test]
async fn the_trends_kept_between_reports_follow_a_new_decision_and_a_registry_change() {
    use dccc_registry::catalogue::Catalogue;
    use dccc_registry::services::reports::{build_report, Period, ReportCache, ReportRequest};
    let app = register().await;
    let mut conn = app.pool.get().expect("connection");
    let cache = ReportCache::default();
    let request = ReportRequest {
        period: Period::new(2025, None).expect("period"),
        dmcg: None,
        exact: true,
        english: false,
    };
    let report = |conn: &mut dccc_registry::db::DbConnection, cache: &ReportCache| {
        let catalogue = Catalogue::load(conn).expect("catalogue");
        build_report(conn, &catalogue, cache, request.clone()).expect("report")
    };
    let patients = |r: &dccc_registry::services::reports::Report| {
        r.trends
            .dmcg
            .iter()
            .find(|s| s.key == "DCCG")
            .map(|s| (s.offered_pct.clone(), s.open.clone()))
            .expect("DCCG")
    };
    let first = patients(&report(&mut conn, &cache));
    assert_eq!(patients(&report(&mut conn, &cache)), first, "kept");
    // A decision in the last quarter of 2025: the kept trends are not served again.
    let more = format!(
        "{HEADER}\n2025-11-10,OUH-ONK,DCCG,NEW-1,70,male,5000,local,yes,DCCG TEST-SYD,,pending,\n"
    );
    let catalogue = Catalogue::load(&mut conn).expect("catalogue");
    let reference = dccc_registry::services::offers::reference(&catalogue);
    import_csv(&mut conn, &more, &reference, &Actor::system("test"), None).expect("import");
    let second = patients(&report(&mut conn, &cache));
    assert_ne!(second.0, first.0, "the share offered moved");
    // A new open DCCG protocol: its open counts move too.
    crate::helpers::import_elsewhere(
        app.pool.clone(),
        r#"{"acronym": "DCCG NEW-OPEN", "title_da": "DCCG NEW-OPEN. Et forsøg", "dmcg": "DCCG",
            "phase": "phase-2", "recruitment_status": "open", "opened_on": "2024-06-01",
            "contact": {"email": "a@b.dk"}, "eligibility": {"diagnoses": ["C18"]},
            "sites": [{"site": "OUH-ONK", "status": "open"}]}"#,
    )
    .await;
    let third = patients(&report(&mut conn, &cache));
    assert_ne!(third.1, second.1, "open counts follow the registry");
}
