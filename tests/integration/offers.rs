//! The offer register: registering, CPR refusal, own departments only, history, annulment,
//! CSV import through the page and the command line, all or nothing.

use std::io::Write;
use std::process::Command;

use crate::helpers::{attrs, hidden_fields, spawn_app, texts, Data, TestApp};

pub const HEADER: &str = "decision_date,site,dmcg,patient_ref,age,sex,residence_postcode,mdt_level,offered,protocol,not_offered_reason,outcome,outcome_date";

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

pub fn count_offers(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().expect("connection");
    dccc_registry::db::offers::count_offers(&mut conn).expect("count")
}

pub fn offer_form<'a>(
    token: &'a str,
    patient_ref: &'a str,
    site: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", token),
        ("decision_date", "2025-05-14"),
        ("site", site),
        ("dmcg", "DBCG"),
        ("patient_ref", patient_ref),
        ("age", "58"),
        ("sex", "female"),
        ("residence_postcode", "8210"),
        ("mdt_level", "local"),
        ("offered", "yes"),
        ("protocol", "DBCG TEST-ALL5"),
        ("outcome", "pending"),
    ]
}

pub async fn clinician(app: &TestApp) -> reqwest::Client {
    app.create_user("klinik@auh.test", "clinician", &[], &["AUH-ONK"]);
    app.login("klinik@auh.test").await
}

#[tokio::test]
async fn a_clinician_registers_a_decision_for_an_own_department() {
    let app = spawn_app(Data::Fixture).await;
    let client = clinician(&app).await;
    let (status, html) = app.page(&client, "/tilbud/ny").await;
    assert_eq!(status, 200);
    assert_eq!(
        attrs(&html, "#o-site option[selected]", "value"),
        ["AUH-ONK"]
    );
    let token = app.csrf(&client, "/tilbud/ny").await;
    let response = app
        .post(
            &client,
            "/tilbud/ny",
            &offer_form(&token, "AUH-MDT-0001", "AUH-ONK"),
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let shown = location(&response);
    let (status, html) = app.page(&client, &shown).await;
    assert_eq!(status, 200);
    let facts = texts(&html, "#offer dd");
    assert!(
        facts.iter().any(|f| f == "40–59 år"),
        "age kept as a band: {facts:?}"
    );
    assert!(
        facts.iter().any(|f| f == "Region Midtjylland"),
        "postcode kept as a region: {facts:?}"
    );
    assert!(
        !facts.iter().any(|f| f.contains("8210") || f.contains("58")),
        "{facts:?}"
    );
    assert_eq!(attrs(&html, ".history-entry", "data-action"), ["created"]);
    let (_, list) = app.page(&client, "/tilbud").await;
    assert_eq!(
        texts(&list, "#offers tbody tr td:nth-child(4)"),
        ["AUH-MDT-0001"]
    );
}

#[tokio::test]
async fn a_cpr_number_is_refused_with_the_other_input_kept_and_nothing_stored() {
    let app = spawn_app(Data::Fixture).await;
    let client = clinician(&app).await;
    for cpr in ["010190-1234", "0101901234"] {
        let token = app.csrf(&client, "/tilbud/ny").await;
        let response = app
            .post(&client, "/tilbud/ny", &offer_form(&token, cpr, "AUH-ONK"))
            .await;
        assert_eq!(response.status().as_u16(), 422, "{cpr}");
        let body = response.text().await.expect("body");
        let html = scraper::Html::parse_document(&body);
        let message = texts(&html, "[data-for=patient_ref]");
        assert_eq!(message.len(), 1);
        assert!(message[0].contains("CPR"), "{message:?}");
        assert_eq!(
            attrs(&html, "#o-patient_ref", "value"),
            [""],
            "the CPR number is not echoed"
        );
        assert!(!body.contains(cpr));
        assert_eq!(attrs(&html, "#o-age", "value"), ["58"], "other input kept");
    }
    assert_eq!(count_offers(&app), 0);
}

#[tokio::test]
async fn clinicians_register_only_for_their_departments_and_editors_not_at_all() {
    let app = spawn_app(Data::Fixture).await;
    let client = clinician(&app).await;
    let token = app.csrf(&client, "/tilbud/ny").await;
    let refused = app
        .post(&client, "/tilbud/ny", &offer_form(&token, "X-1", "RH-ONK"))
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    let html = scraper::Html::parse_document(&refused.text().await.expect("body"));
    assert_eq!(texts(&html, "[data-for=site]").len(), 1);
    assert_eq!(count_offers(&app), 0);

    app.create_user("red@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    let editor = app.login("red@dbcg.test").await;
    let (status, _) = app.page(&editor, "/tilbud").await;
    assert_eq!(status, 403);
    let token = app.csrf(&editor, "/").await;
    let response = app
        .post(&editor, "/tilbud/ny", &offer_form(&token, "X-2", "AUH-ONK"))
        .await;
    assert_eq!(response.status().as_u16(), 403);
    let anonymous = crate::helpers::browser();
    let response = anonymous
        .get(format!("{}/tilbud", app.address))
        .send()
        .await
        .expect("get");
    assert_eq!(response.status().as_u16(), 303, "login first");
    assert_eq!(count_offers(&app), 0);
}

#[tokio::test]
async fn edits_are_kept_in_the_history_and_an_annulled_entry_leaves_the_indicator() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    let admin = app.login("admin@dccc.test").await;
    let token = app.csrf(&admin, "/tilbud/ny").await;
    let created = app
        .post(
            &admin,
            "/tilbud/ny",
            &offer_form(&token, "AUH-7", "AUH-ONK"),
        )
        .await;
    let shown = location(&created);
    let id: i32 = shown
        .trim_start_matches("/tilbud/")
        .split('?')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("id in the address");
    let indicator = "/api/v1/indicator?from=2025-01-01&to=2025-12-31&by=dmcg";
    let patients = |body: &serde_json::Value| body["national"]["patients"].as_u64();
    let (_, before) = app.get_json(indicator).await;
    assert_eq!(
        before["national"]["suppressed"], true,
        "public: one patient"
    );

    let edit = format!("/tilbud/{id}/rediger");
    let (_, html) = app.page(&admin, &edit).await;
    assert_eq!(attrs(&html, "#o-age", "value"), ["40-59"]);
    assert_eq!(
        attrs(&html, "#o-residence_region option[selected]", "value"),
        ["1082"]
    );
    let mut form = offer_form(&token, "AUH-7", "AUH-ONK");
    form.retain(|(k, _)| !matches!(*k, "age" | "residence_postcode" | "outcome"));
    form.extend([
        ("age", "40-59"),
        ("residence_region", "1082"),
        ("outcome", "included"),
        ("outcome_date", "2025-06-01"),
    ]);
    let updated = app.post(&admin, &edit, &form).await;
    assert_eq!(updated.status().as_u16(), 303);
    let (_, html) = app.page(&admin, &format!("/tilbud/{id}")).await;
    assert_eq!(
        attrs(&html, ".history-entry", "data-action"),
        ["updated", "created"]
    );
    // Each change as "Felt: gammel → ny", labels and values in Danish, never JSON.
    let changed = texts(&html, ".history-entry[data-action=updated] li.change");
    assert_eq!(
        changed,
        [
            "Udfald: Afventer → Inkluderet",
            "Udfaldets dato: 01-06-2025"
        ]
    );
    let created = texts(&html, ".history-entry[data-action=created] li.change").join(" | ");
    assert!(created.contains("Aldersgruppe: 40–59 år"), "{created}");
    assert!(
        created.contains("Bopælsregion: Region Midtjylland"),
        "{created}"
    );
    assert!(
        !created.contains('{') && !created.contains("age_band"),
        "{created}"
    );
    assert_eq!(
        texts(&html, ".history-entry[data-action=updated] .what"),
        ["ændret"]
    );

    // Admins see exact figures through the API.
    let body = app.json_as(&admin, indicator).await;
    assert_eq!(patients(&body), Some(1));
    assert_eq!(body["national"]["included"], 1);

    let annul = format!("/tilbud/{id}/annuller");
    let no_reason = app
        .post(&admin, &annul, &[("csrf_token", &token), ("reason", "")])
        .await;
    assert_eq!(no_reason.status().as_u16(), 422);
    let annulled = app
        .post(
            &admin,
            &annul,
            &[("csrf_token", &token), ("reason", "Registreret to gange")],
        )
        .await;
    assert_eq!(annulled.status().as_u16(), 303);
    let (_, html) = app.page(&admin, &format!("/tilbud/{id}")).await;
    assert_eq!(texts(&html, "#annulled").len(), 1);
    assert!(
        attrs(&html, "#annul-form", "action").is_empty(),
        "no second annulment"
    );
    let body = app.json_as(&admin, indicator).await;
    assert_eq!(patients(&body), Some(0), "annulled entries are not counted");
    let again = app.post(&admin, &edit, &form).await;
    assert_eq!(
        again.status().as_u16(),
        409,
        "an annulled entry cannot be edited"
    );
    assert_eq!(count_offers(&app), 1, "annulled, not deleted");
}

pub fn multipart(token: &str, csv: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("csrf_token", token.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
                .file_name("mdt.csv")
                .mime_str("text/csv")
                .expect("mime"),
        )
}

#[tokio::test]
async fn the_upload_page_imports_all_rows_or_none_and_names_the_lines() {
    let app = spawn_app(Data::Fixture).await;
    let client = clinician(&app).await;
    let token = app.csrf(&client, "/tilbud/import").await;
    let bad = format!(
        "{}\n2025-03-01;AUH-ONK;DBCG;P-1;67;female;8000;local;no;;no_relevant_protocol;;\n2025-03-02;AUH-ONK;DBCG;010190-1234;67;female;8000;local;no;;capacity;;\n2025-03-03;RH-ONK;DBCG;P-3;67;female;8000;local;no;;capacity;;\n2025-03-04;AUH-ONK;DBCG;P-4;300;female;8000;local;no;;capacity;;\n",
        HEADER.replace(',', ";")
    );
    let response = client
        .post(format!("{}/tilbud/import", app.address))
        .multipart(multipart(&token, &bad))
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 422);
    let html = scraper::Html::parse_document(&response.text().await.expect("body"));
    let lines: Vec<String> = attrs(&html, ".import-error", "data-line");
    assert_eq!(lines, ["3", "4", "5"]);
    assert_eq!(
        attrs(&html, ".import-error", "data-field"),
        ["patient_ref", "site", "age"]
    );
    assert_eq!(count_offers(&app), 0, "nothing of a bad file is stored");

    let good = format!(
        "\u{feff}{HEADER}\n2025-03-01,AUH-ONK,DBCG,P-1,67,female,8000,local,no,,no_relevant_protocol,,\n2025-03-02,AUH-ONK,DBCG,P-2,45,male,2100,regional,yes,DBCG TEST-ALL5,,included,2025-03-20\n"
    );
    let response = client
        .post(format!("{}/tilbud/import", app.address))
        .multipart(multipart(&token, &good))
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 200);
    let html = scraper::Html::parse_document(&response.text().await.expect("body"));
    assert_eq!(texts(&html, "#imported").len(), 1);
    assert_eq!(count_offers(&app), 2);

    let twice = client
        .post(format!("{}/tilbud/import", app.address))
        .multipart(multipart(&token, &good))
        .send()
        .await
        .expect("post");
    assert_eq!(twice.status().as_u16(), 200);
    let html = scraper::Html::parse_document(&twice.text().await.expect("body"));
    assert_eq!(
        attrs(&html, ".import-warning", "data-line"),
        ["2", "3"],
        "a file imported twice is pointed out"
    );
    assert_eq!(count_offers(&app), 4);

    let forged = client
        .post(format!("{}/tilbud/import", app.address))
        .multipart(multipart("wrong", &good))
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status().as_u16(), 403, "CSRF token checked");
}

/// A CSV file with the header and these rows.
pub fn csv_file(rows: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new()
        .suffix(".csv")
        .tempfile()
        .expect("temp");
    write!(file, "{HEADER}\n{rows}").expect("write");
    file
}

pub fn run(db: &crate::helpers::TestDatabase, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dccc-registry"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("DEMO_DATA", "false")
        .env("RUST_LOG", "warn")
        .output()
        .expect("binary runs")
}

#[tokio::test]
async fn the_command_line_import_lists_errors_by_line_and_stores_nothing_until_all_are_valid() {
    let app = spawn_app(Data::Fixture).await;
    let file = csv_file("2025-01-10,OUH-ONK,DCCG,K-1,71,male,5000,local,yes,DCCG TEST-SYD,,pending,\n2025-01-11,OUH-ONK,NOPE,K-2,71,male,5000,local,no,,capacity,,\n");
    let out = run(
        &app.db,
        &["offers", "import", file.path().to_str().expect("path")],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 3: dmcg"), "{stderr}");
    assert!(!stderr.contains("line 2"), "{stderr}");
    assert_eq!(count_offers(&app), 0);

    let file =
        csv_file("2025-01-10,OUH-ONK,DCCG,K-1,71,male,5000,local,yes,DCCG TEST-SYD,,pending,\n");
    let out = run(
        &app.db,
        &["offers", "import", file.path().to_str().expect("path")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count_offers(&app), 1);
}

/// The hidden fields of the first form matching `selector`, as name/value pairs.
#[tokio::test]
async fn one_click_from_a_match_result_opens_the_form_prefilled() {
    let app = spawn_app(Data::Fixture).await;
    let client = clinician(&app).await;
    let token = app.csrf(&client, "/match").await;
    let matched = app
        .post(
            &client,
            "/match",
            &[
                ("csrf_token", &token),
                ("age", "9"),
                ("sex", "female"),
                ("diagnosis", "C50 Brystkræft"),
                ("setting", "refractory"),
                ("postcode", "8000"),
            ],
        )
        .await;
    let html = scraper::Html::parse_document(&matched.text().await.expect("body"));
    let fields = hidden_fields(&html, "#results .match-card form.register-offer");
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert!(
        pairs.contains(&("protocol", "dapho-test-nmbk")),
        "{pairs:?}"
    );
    let opened = app.post(&client, "/tilbud/ny", &pairs).await;
    assert_eq!(opened.status().as_u16(), 200);
    let form = scraper::Html::parse_document(&opened.text().await.expect("body"));
    assert_eq!(texts(&form, "#from-match").len(), 1);
    assert_eq!(attrs(&form, "#o-protocol", "value"), ["DAPHO TEST-NMBK"]);
    assert_eq!(attrs(&form, "#o-dmcg option[selected]", "value"), ["DAPHO"]);
    assert_eq!(
        attrs(&form, "input[name=offered][checked]", "value"),
        ["yes"]
    );
    assert_eq!(attrs(&form, "#o-age", "value"), ["9"]);
    assert_eq!(attrs(&form, "#o-residence_postcode", "value"), ["8000"]);
    assert_eq!(count_offers(&app), 0, "opening the form stores nothing");

    // Nothing fits: the form opens with "no relevant protocol".
    let none = app
        .post(
            &client,
            "/match",
            &[
                ("csrf_token", &token),
                ("age", "50"),
                ("diagnosis", "C71"),
                ("postcode", "8000"),
            ],
        )
        .await;
    let html = scraper::Html::parse_document(&none.text().await.expect("body"));
    let fields = hidden_fields(&html, "#register-no-offer");
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let opened = app.post(&client, "/tilbud/ny", &pairs).await;
    let form = scraper::Html::parse_document(&opened.text().await.expect("body"));
    assert_eq!(
        attrs(&form, "input[name=offered][checked]", "value"),
        ["no"]
    );
    assert_eq!(
        attrs(&form, "#o-not_offered_reason option[selected]", "value"),
        ["no_relevant_protocol"]
    );
}

#[tokio::test]
async fn the_list_finds_the_offers_awaiting_an_outcome_and_a_patient_reference() {
    let app = spawn_app(Data::Fixture).await;
    let client = clinician(&app).await;
    let token = app.csrf(&client, "/tilbud/import").await;
    let rows = format!(
        "{HEADER}\n2025-03-01,AUH-ONK,DBCG,P-1,67,female,8000,local,yes,DBCG TEST-ALL5,,pending,\n2025-03-02,AUH-ONK,DBCG,P-2,45,male,2100,regional,yes,DBCG TEST-ALL5,,included,2025-03-20\n2025-03-03,AUH-ONK,DLCG,P-3,45,male,2100,local,no,,capacity,,\n"
    );
    let response = client
        .post(format!("{}/tilbud/import", app.address))
        .multipart(multipart(&token, &rows))
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 200);
    let refs = |html: &scraper::Html| texts(html, "#offers tbody tr td:nth-child(4)");
    let (_, all) = app.page(&client, "/tilbud").await;
    assert_eq!(refs(&all), ["P-3", "P-2", "P-1"], "newest decision first");
    let (_, pending) = app.page(&client, "/tilbud?pending=1").await;
    assert_eq!(refs(&pending), ["P-1"]);
    let (_, dlcg) = app.page(&client, "/tilbud?dmcg=DLCG").await;
    assert_eq!(refs(&dlcg), ["P-3"]);
    let (_, one) = app.page(&client, "/tilbud?reference=P-2").await;
    assert_eq!(refs(&one), ["P-2"]);
}

#[tokio::test]
async fn uploads_check_login_and_token_before_the_file_and_say_when_it_is_too_large() {
    let app = spawn_app(Data::Fixture).await;
    let good = format!(
        "{HEADER}\n2025-03-01,AUH-ONK,DBCG,P-1,67,female,8000,local,no,,no_relevant_protocol,,\n"
    );
    // Anonymous: sent to the login page, nothing stored.
    let anonymous = crate::helpers::browser()
        .post(format!("{}/tilbud/import", app.address))
        .multipart(multipart("whatever", &good))
        .send()
        .await
        .expect("post");
    assert_eq!(anonymous.status().as_u16(), 303);
    assert_eq!(count_offers(&app), 0);

    let client = clinician(&app).await;
    let token = app.csrf(&client, "/tilbud/import").await;
    let (_, page) = app.page(&client, "/tilbud/import").await;
    assert_eq!(
        attrs(&page, "#import-form", "action"),
        [format!("/tilbud/import?csrf_token={token}")],
        "the form carries its token in the URL, read before the body"
    );
    let file_only = || {
        reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(good.as_bytes().to_vec())
                .file_name("mdt.csv")
                .mime_str("text/csv")
                .expect("mime"),
        )
    };
    let by_url = client
        .post(format!("{}/tilbud/import?csrf_token={token}", app.address))
        .multipart(file_only())
        .send()
        .await
        .expect("post");
    assert_eq!(by_url.status().as_u16(), 200, "token in the URL");
    let by_header = client
        .post(format!("{}/tilbud/import", app.address))
        .header("x-csrf-token", &token)
        .multipart(file_only())
        .send()
        .await
        .expect("post");
    assert_eq!(by_header.status().as_u16(), 200, "token in a header");
    assert_eq!(count_offers(&app), 2);
    let without = client
        .post(format!("{}/tilbud/import", app.address))
        .multipart(file_only())
        .send()
        .await
        .expect("post");
    assert_eq!(without.status().as_u16(), 403, "no token anywhere");

    // Over 10 MB: the size message in the page's language, not "the form has expired".
    let big = format!("{HEADER}\n{}", "x".repeat(11 * 1024 * 1024));
    let too_large = client
        .post(format!("{}/tilbud/import?csrf_token={token}", app.address))
        .multipart(
            reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(big.into_bytes())
                    .file_name("big.csv")
                    .mime_str("text/csv")
                    .expect("mime"),
            ),
        )
        .send()
        .await
        .expect("post");
    assert_eq!(too_large.status().as_u16(), 413);
    let html = scraper::Html::parse_document(&too_large.text().await.expect("body"));
    let message = texts(&html, "#import-message").join(" ");
    assert!(
        message.contains("10 MB") && message.contains("Filen"),
        "{message}"
    );
    assert_eq!(count_offers(&app), 2);
}

/// `line N: field: message` lines of the command line's error output, as (line, field).
fn line_errors(stderr: &str) -> Vec<(u64, String)> {
    stderr
        .lines()
        .filter_map(|l| {
            let rest = &l[l.find("line ")? + "line ".len()..];
            let mut parts = rest.splitn(3, ": ");
            let line = parts.next()?.parse().ok()?;
            let field = parts.next()?.to_owned();
            parts.next()?;
            Some((line, field))
        })
        .collect()
}

#[tokio::test]
async fn a_column_outside_the_contract_is_refused_by_name_on_the_command_line_and_the_page() {
    let app = spawn_app(Data::Fixture).await;
    let text = format!(
        "{HEADER},cpr,name\n2025-01-10,OUH-ONK,DCCG,K-1,71,male,5000,local,yes,DCCG TEST-SYD,,pending,,0101901234,Jens Jensen\n"
    );
    let mut file = tempfile::Builder::new()
        .suffix(".csv")
        .tempfile()
        .expect("temp");
    file.write_all(text.as_bytes()).expect("write");
    let out = run(
        &app.db,
        &["offers", "import", file.path().to_str().expect("path")],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        line_errors(&stderr),
        [(1, "cpr".to_owned()), (1, "name".to_owned())],
        "{stderr}"
    );
    assert!(
        stderr.contains("line 1: cpr: unknown column; allowed: decision_date, site, dmcg,"),
        "{stderr}"
    );
    assert!(!stderr.contains("0101901234"), "{stderr}");
    assert_eq!(count_offers(&app), 0);

    let client = clinician(&app).await;
    let token = app.csrf(&client, "/tilbud/import").await;
    let text = text.replace("OUH-ONK", "AUH-ONK");
    let response = client
        .post(format!("{}/tilbud/import", app.address))
        .multipart(multipart(&token, &text))
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 422);
    let html = scraper::Html::parse_document(&response.text().await.expect("body"));
    assert_eq!(attrs(&html, ".import-error", "data-line"), ["1", "1"]);
    assert_eq!(attrs(&html, ".import-error", "data-field"), ["cpr", "name"]);
    assert_eq!(count_offers(&app), 0, "nothing of the file is stored");
}
