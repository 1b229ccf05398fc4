//! ClinicalTrials.gov records into the registry (contract.md §8), from real public records in
//! `tests/fixtures/ctgov/` (their sources are in its README): each record converted field by
//! field, Danish locations matched to departments, `ctgov convert`/`import` on the command
//! line (a file, or an NCT number fetched from a local server standing in for the API, with a
//! 404 and a timeout), and the editor's "Hent fra ClinicalTrials.gov" page.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;
use std::time::Duration;

use dccc_registry::services::interchange::ctgov::{self, fetch};

use crate::helpers::{attrs, spawn_app, texts, Data, TestDatabase};

fn fixture(nct: &str) -> serde_json::Value {
    let path = format!(
        "{}/tests/fixtures/ctgov/{nct}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("JSON")
}

fn convert(nct: &str, dmcg: Option<&str>) -> ctgov::Converted {
    let db = TestDatabase::new();
    let pool = db.pool();
    let mut conn = pool.get().expect("connection");
    dccc_registry::services::setup::prepare_database(&mut conn, false).expect("prepare");
    let departments = ctgov::departments(&mut conn).expect("departments");
    ctgov::convert(&fixture(nct), dmcg, &departments).expect("a study record")
}

fn values(c: &ctgov::Converted, field: &str) -> Vec<String> {
    c.suggestions
        .iter()
        .filter(|s| s.field == field)
        .map(|s| s.value.clone())
        .collect()
}

#[test]
fn the_pallas_record_converts_field_by_field() {
    let c = convert("NCT02513394", Some("DBCG"));
    let r = &c.record;
    assert_eq!(r.identifiers.nct.as_deref(), Some("NCT02513394"));
    assert_eq!(
        r.identifiers.eudract.as_deref(),
        Some("2014-005181-30"),
        "secondaryIdInfos EUDRACT_NUMBER"
    );
    assert_eq!(r.identifiers.eu_ct, None);
    assert_eq!(r.acronym.as_deref(), Some("PALLAS"));
    assert!(
        r.title_en
            .as_deref()
            .is_some_and(|t| t.starts_with("PALbociclib CoLlaborative Adjuvant Study")),
        "officialTitle"
    );
    assert!(r.summary_en.is_some(), "briefSummary");
    assert_eq!(
        r.title_da, None,
        "the Danish title is for the editor to write"
    );
    assert_eq!(c.to_write, ["title_da", "summary_da"]);
    assert_eq!(r.dmcg.as_deref(), Some("DBCG"));
    assert_eq!(r.phase.as_deref(), Some("phase-3"));
    assert_eq!(
        r.recruitment_status.as_deref(),
        Some("closed"),
        "ACTIVE_NOT_RECRUITING"
    );
    assert_eq!(
        r.initiator.as_deref(),
        Some("investigator"),
        "leadSponsor.class OTHER"
    );
    assert_eq!(
        r.sponsor.as_deref(),
        Some("Alliance Foundation Trials, LLC.")
    );
    assert_eq!(
        r.opened_on.as_deref(),
        Some("2015-08-01"),
        "a month alone is its first day"
    );
    assert_eq!(r.target_enrolment, Some(5796));
    assert_eq!(
        r.interventions,
        ["Palbociclib", "Standard Adjuvant Endocrine Therapy"]
    );
    assert_eq!(r.keywords, ["HR+/HER2- breast cancer", "Palbociclib"]);
    assert_eq!(r.eligibility.age_min, Some(18), "\"18 Years\"");
    assert_eq!(r.eligibility.age_max, None);
    assert_eq!(r.eligibility.sex.as_deref(), Some("all"));
    assert!(r
        .eligibility
        .criteria_text_en
        .as_deref()
        .is_some_and(|t| t.contains("ECOG")));
    assert_eq!(r.eligibility.diagnoses, ["C50"], "Breast Cancer");
    assert_eq!(r.eligibility.ecog_max, Some(1));
    assert_eq!(r.eligibility.stages, ["II", "III"]);
    assert_eq!(
        values(&c, "eligibility.biomarkers_required"),
        ["HER2 negative", "ER positive", "PR positive"]
    );
    assert!(
        r.sites.is_empty() && c.unmatched_locations.is_empty(),
        "437 locations, none in Denmark"
    );
    // Every suggestion names where it was read.
    for s in &c.suggestions {
        assert!(!s.sentence.is_empty(), "{s:?}");
    }
}

#[test]
fn two_phases_a_female_only_trial_and_her2_overexpression() {
    let c = convert("NCT03377387", None);
    assert_eq!(c.record.phase.as_deref(), Some("phase-1-phase-2"));
    assert_eq!(
        c.record.acronym.as_deref(),
        Some("NCT03377387"),
        "no acronym: the NCT id"
    );
    assert_eq!(c.record.eligibility.sex.as_deref(), Some("female"));
    assert_eq!(c.record.opened_on.as_deref(), Some("2017-12-13"));
    assert_eq!(
        values(&c, "eligibility.biomarkers_required"),
        ["HER2 positive"]
    );
    assert_eq!(values(&c, "eligibility.settings"), ["metastatic"]);
    assert_eq!(values(&c, "eligibility.stages"), ["IV"]);
}

#[test]
fn an_industry_record_with_a_ctis_number_and_an_estimated_month() {
    let c = convert("NCT07284979", None);
    assert_eq!(
        c.record.identifiers.eu_ct.as_deref(),
        Some("2025-523511-11-00")
    );
    assert_eq!(c.record.initiator.as_deref(), Some("industry"));
    assert_eq!(
        c.record.recruitment_status.as_deref(),
        Some("planned"),
        "NOT_YET_RECRUITING"
    );
    assert_eq!(c.record.opened_on.as_deref(), Some("2025-12-01"));
    assert_eq!(
        c.record.contact.email.as_deref(),
        Some("info-clinicalstudies@kailera.com"),
        "first central contact"
    );
}

#[test]
fn danish_locations_are_matched_to_departments_by_facility_and_city() {
    // "Zealand University Hospital, Køge" and "Odense Univeristy Hospital" (sic), each with
    // its own status; both recruiting.
    let c = convert("NCT06473480", None);
    let sites: Vec<(&str, &str)> = c
        .record
        .sites
        .iter()
        .map(|s| (s.site.as_str(), s.status.as_str()))
        .collect();
    assert_eq!(sites, [("SUH-KOE-ONK", "open"), ("OUH-ONK", "open")]);
    assert_eq!(c.record.phase.as_deref(), Some("n-a"));
    assert_eq!(c.record.eligibility.age_max, Some(110));
    let odense = &c.record.sites[1];
    assert_eq!(
        odense.contact.as_ref().and_then(|c| c.email.as_deref()),
        Some("Helen.Schultz@rsyd.dk"),
        "the location's own contact"
    );
    // "Copenhagen University Hospital" is Rigshospitalet; Hvidovre Hospital is not in the
    // sites table, so it is listed for the editor rather than put at Rigshospitalet.
    let c = convert("NCT06547541", None);
    assert_eq!(c.record.sites.len(), 1);
    assert_eq!(c.record.sites[0].site, "RH-ONK");
    assert_eq!(c.unmatched_locations.len(), 1);
    assert!(c.unmatched_locations[0].facility.contains("Hvidovre"));
    // A haematology DMCG's record goes to the haematology department of the same hospital.
    let c = convert("NCT06547541", Some("DLG"));
    assert_eq!(c.record.sites[0].site, "RH-HAEM");
}

#[test]
fn a_file_that_is_not_a_study_record_is_refused() {
    let departments = Vec::new();
    for not_a_study in [
        serde_json::json!({"acronym": "DBCG X"}),
        serde_json::json!({"studies": []}),
        serde_json::json!({"protocolSection": {"identificationModule": {"nctId": "12345"}}}),
    ] {
        assert!(
            ctgov::convert(&not_a_study, None, &departments).is_err(),
            "{not_a_study}"
        );
    }
}

/// A stand-in for the API on 127.0.0.1: `/studies/{NCT}` answers the fixture of that id,
/// `NCT09999999` answers after 3 s, anything else 404.
fn study_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = format!(
        "http://127.0.0.1:{}",
        listener.local_addr().expect("addr").port()
    );
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut line = String::new();
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                        break;
                    }
                }
                let path = line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or_default()
                    .to_owned();
                let nct = path.rsplit('/').next().unwrap_or_default().to_owned();
                if nct == "NCT09999999" {
                    std::thread::sleep(Duration::from_secs(3));
                }
                let file = format!(
                    "{}/tests/fixtures/ctgov/{nct}.json",
                    env!("CARGO_MANIFEST_DIR")
                );
                let (status, body) = match std::fs::read_to_string(&file) {
                    Ok(body) if path.starts_with("/studies/") => ("200 OK", body),
                    _ => ("404 Not Found", "{\"message\":\"not found\"}".to_owned()),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    address
}

#[test]
fn fetching_reads_the_record_and_says_what_went_wrong() {
    let api = study_server();
    let study = fetch::fetch_study(&api, "NCT03377387", Duration::from_secs(5)).expect("fetched");
    assert!(ctgov::study_of(&study).is_ok());
    assert_eq!(
        fetch::fetch_study(&api, "NCT00000001", Duration::from_secs(5)),
        Err(fetch::FetchError::NotFound("NCT00000001".into()))
    );
    assert_eq!(
        fetch::fetch_study(&api, "NCT09999999", Duration::from_secs(1)),
        Err(fetch::FetchError::Timeout(1))
    );
    assert!(matches!(
        fetch::fetch_study("http://127.0.0.1:9", "NCT03377387", Duration::from_secs(2)),
        Err(fetch::FetchError::Unreachable(_) | fetch::FetchError::Timeout(_))
    ));
    assert_eq!(
        fetch::fetch_study("", "NCT03377387", Duration::from_secs(1)),
        Err(fetch::FetchError::Disabled)
    );
}

fn run(db: &TestDatabase, api: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dccc-registry"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("DEMO_DATA", "false")
        .env("RUST_LOG", "warn")
        .env("CTGOV_API_URL", api)
        .output()
        .expect("binary runs")
}

#[test]
fn the_command_line_converts_and_imports_as_a_draft_only() {
    let api = study_server();
    let db = TestDatabase::new();
    let file = format!(
        "{}/tests/fixtures/ctgov/NCT06473480.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = run(&db, &api, &["ctgov", "convert", &file]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).expect("interchange JSON");
    assert_eq!(record["identifiers"]["nct"], "NCT06473480");
    assert_eq!(record["sites"][0]["site"], "SUH-KOE-ONK");

    // Fetched by NCT number and stored as a draft of DBCG: not published.
    let out = run(
        &db,
        &api,
        &["ctgov", "import", "nct03377387", "--dmcg", "DBCG"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "nct03377387");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("suggested eligibility.biomarkers_required = HER2 positive"),
        "{stderr}"
    );
    let export = run(&db, &api, &["export", "--status", "all"]);
    let published: Vec<serde_json::Value> = serde_json::from_slice(&export.stdout).expect("export");
    assert!(
        published.is_empty(),
        "an import never publishes: {published:?}"
    );
    let pool = db.pool();
    let mut conn = pool.get().expect("connection");
    let drafts = dccc_registry::db::drafts::open_drafts(&mut conn, None).expect("drafts");
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].dmcg, "DBCG");
    assert_eq!(drafts[0].created_by, None, "made on the command line");
    let notes = dccc_registry::db::drafts::notes(&mut conn, drafts[0].id).expect("notes");
    assert!(notes
        .iter()
        .any(|n| n.kind == "to_write" && n.field == "title_da"));
    assert!(notes
        .iter()
        .any(|n| n.kind == "suggested" && n.value == "HER2 positive"));

    // Not a study record, an unknown number, an unreachable registry, an unknown DMCG: 2.
    let bad = tempfile::NamedTempFile::new().expect("temp");
    std::fs::write(bad.path(), r#"{"acronym": "DBCG X"}"#).expect("write");
    for (args, says) in [
        (
            vec!["ctgov", "convert", bad.path().to_str().expect("path")],
            "not a ClinicalTrials.gov study record",
        ),
        (
            vec!["ctgov", "convert", "NCT00000001"],
            "is not on ClinicalTrials.gov",
        ),
        (
            vec!["ctgov", "import", &file, "--dmcg", "NOPE"],
            "is not a DMCG acronym",
        ),
    ] {
        let out = run(&db, &api, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    let out = run(
        &db,
        "http://127.0.0.1:9",
        &["ctgov", "convert", "NCT03377387"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ClinicalTrials.gov"));
}

#[tokio::test]
async fn an_editor_uploads_a_record_and_gets_a_draft_with_the_suggestions_marked() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("ed@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    let editor = app.login("ed@dbcg.test").await;
    let (status, html) = app.page(&editor, "/redaktion/ctgov").await;
    assert_eq!(status, 200);
    let action = attrs(&html, "#ctgov-form", "action");
    let record = std::fs::read(format!(
        "{}/tests/fixtures/ctgov/NCT02513394.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let form = reqwest::multipart::Form::new()
        .text("dmcg", "DBCG")
        .text("nct", "")
        .part(
            "file",
            reqwest::multipart::Part::bytes(record).file_name("NCT02513394.json"),
        );
    let response = editor
        .post(format!("{}{}", app.address, action[0]))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status().as_u16(), 303, "to the draft");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        location.starts_with("/redaktion/kladder/") && location.ends_with("?hentet=1"),
        "{location}"
    );
    let (status, html) = app.page(&editor, &location).await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, "#notice").len(), 1, "says what to do next");
    assert_eq!(attrs(&html, "#f-acronym", "value"), ["PALLAS"]);
    assert_eq!(
        attrs(&html, "#f-eligibility\\.ecog_max option[selected]", "value"),
        ["1"]
    );
    let fields = attrs(&html, "#import-notes li", "data-field");
    for field in [
        "eligibility.ecog_max",
        "eligibility.stages",
        "eligibility.diagnoses",
        "title_da",
        "summary_da",
    ] {
        assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
    }
    assert!(
        !texts(&html, ".field.suggested .suggested-mark").is_empty(),
        "marked in the form"
    );
    // Suggested values in the page's words, not as codes.
    let stages = texts(
        &html,
        "#import-notes li[data-field='eligibility.stages'] label",
    )
    .join(" ");
    assert!(stages.starts_with("Stadie: Stadie II"), "{stages}");
    let sources = texts(&html, "#import-notes .note-source q");
    assert!(
        sources
            .iter()
            .any(|s| s.contains("ECOG performance status 0-1")),
        "{sources:?}"
    );

    // Confirming a note on save removes it and its mark.
    let ids = attrs(&html, "#import-notes input[name=confirm_note]", "value");
    let ecog_note = ids[fields
        .iter()
        .position(|f| f == "eligibility.ecog_max")
        .expect("ecog note")]
    .clone();
    let draft_path = response_path(&html);
    let names = attrs(&html, "form input[name], form textarea[name]", "name");
    assert!(names.contains(&"csrf_token".to_owned()));
    let token = attrs(&html, "input[name=csrf_token]", "value")[0].clone();
    let mut post: Vec<(String, String)> = vec![
        ("csrf_token".into(), token),
        ("acronym".into(), "PALLAS".into()),
        ("dmcg".into(), "DBCG".into()),
        ("eligibility.ecog_max".into(), "1".into()),
        ("confirm_note".into(), ecog_note),
        ("action".into(), "save".into()),
    ];
    post.push(("title_en".into(), "PALLAS".into()));
    let saved = editor
        .post(format!("{}{}", app.address, draft_path))
        .form(&post)
        .send()
        .await
        .expect("save");
    assert_eq!(saved.status().as_u16(), 303, "saved");
    let (_, html) = app.page(&editor, &draft_path).await;
    let fields = attrs(&html, "#import-notes li", "data-field");
    assert!(
        !fields.iter().any(|f| f == "eligibility.ecog_max"),
        "{fields:?}"
    );
    assert!(fields.iter().any(|f| f == "title_da"));

    // Without a file or a number, the form again with the message beside the field.
    let form = reqwest::multipart::Form::new()
        .text("dmcg", "DBCG")
        .text("nct", "NCT123");
    let response = editor
        .post(format!("{}{}", app.address, action[0]))
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 422);
    let html = scraper::Html::parse_document(&response.text().await.expect("body"));
    assert_eq!(
        texts(&html, ".field-error[data-for=nct]"),
        ["Et NCT-nummer er NCT efterfulgt af 8 cifre, fx NCT01234567."]
    );
}

/// The draft form's own address.
fn response_path(html: &scraper::Html) -> String {
    attrs(html, "form[method=post]", "action")
        .into_iter()
        .find(|a| a.starts_with("/redaktion/kladder/"))
        .expect("the draft form")
}

/// A stand-in for the API whose one record can be changed while it runs.
fn changing_server(body: std::sync::Arc<std::sync::Mutex<String>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = format!(
        "http://127.0.0.1:{}",
        listener.local_addr().expect("addr").port()
    );
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                    break;
                }
            }
            let body = body.lock().expect("body").clone();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    address
}

const SYNCED: &str = r#"{"acronym": "DBCG GLUCOSENS", "title_en": "GLUCOSENS", "dmcg": "DBCG",
  "phase": "n-a", "recruitment_status": "open", "identifiers": {"nct": "NCT06473480"},
  "contact": {"email": "glucosens@example.dk"},
  "sites": [{"site": "SUH-KOE-ONK", "status": "open"}, {"site": "OUH-ONK", "status": "open"}]}"#;

#[tokio::test]
async fn the_sync_flags_a_status_that_changed_on_clinicaltrials_gov_and_mails_the_editors_once() {
    use dccc_registry::db::schema::mail_outbox;
    use dccc_registry::services::interchange::ctgov::sync;
    use diesel::prelude::*;

    let app = spawn_app(Data::Fixture).await;
    app.create_user("ed@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    let original = std::fs::read_to_string(format!(
        "{}/tests/fixtures/ctgov/NCT06473480.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let body = std::sync::Arc::new(std::sync::Mutex::new(original.clone()));
    let api = changing_server(body.clone());
    let pool = app.pool.clone();
    let run = move || {
        let (pool, api) = (pool.clone(), api.clone());
        move || {
            let mut conn = pool.get().expect("connection");
            let fetch = |nct: &str| fetch::fetch_study(&api, nct, Duration::from_secs(5));
            let report = sync::sync_once(
                &mut conn,
                &fetch,
                "http://registry.test",
                chrono::Utc::now().naive_utc(),
            )
            .expect("sync");
            let mails: i64 = mail_outbox::table
                .filter(mail_outbox::kind.eq("source_changed"))
                .count()
                .get_result(&mut conn)
                .expect("count");
            (report, mails)
        }
    };
    {
        let mut conn = app.pool.get().expect("connection");
        dccc_registry::services::interchange::import_json(&mut conn, SYNCED, false)
            .expect("import");
    }
    // The same on both sides: nothing to say.
    let (report, mails) = tokio::task::spawn_blocking(run()).await.expect("task");
    // The fixture's other protocols get another study's record: not an answer for them.
    assert_eq!((report.checked, report.differing), (1, 0), "{report:?}");
    assert!(!report.failed.is_empty());
    assert_eq!(mails, 0);

    // ClinicalTrials.gov now says the trial no longer recruits and Odense has completed.
    let changed = original
        .replacen("\"overallStatus\": \"RECRUITING\"", "\"overallStatus\": \"ACTIVE_NOT_RECRUITING\"", 1)
        .replace(
            "\"facility\": \"The Department of Surgery, Odense Univeristy Hospital\",\n          \"status\": \"RECRUITING\"",
            "\"facility\": \"The Department of Surgery, Odense Univeristy Hospital\",\n          \"status\": \"COMPLETED\"",
        );
    assert_ne!(changed, original, "the fixture was changed");
    *body.lock().expect("body") = changed;
    let (report, mails) = tokio::task::spawn_blocking(run()).await.expect("task");
    assert_eq!((report.differing, report.mailed), (1, 1), "{report:?}");
    assert_eq!(mails, 1, "one editor, one e-mail");

    // The editor sees it on the dashboard; our record is unchanged.
    let editor = app.login("ed@dbcg.test").await;
    let (_, html) = app.page(&editor, "/redaktion").await;
    let lines = texts(&html, "tr[data-slug=dbcg-glucosens] .source-differences li");
    assert!(
        lines.iter().any(|l| l
            == "Rekrutteringsstatus: Åben for inklusion her, Lukket for inklusion på ClinicalTrials.gov"),
        "{lines:?}"
    );
    assert_eq!(lines.len(), 2, "the status and Odense: {lines:?}");
    let (_, page) = app.page(&editor, "/protokoller/dbcg-glucosens").await;
    assert_eq!(
        texts(&page, "#status"),
        ["Åben for inklusion"],
        "nothing changed without an editor"
    );

    // Run again: the same differences are not mailed twice.
    let (report, mails) = tokio::task::spawn_blocking(run()).await.expect("task");
    assert_eq!((report.differing, report.mailed), (1, 0));
    assert_eq!(mails, 1);

    // Back in step: the flag goes.
    *body.lock().expect("body") = original;
    let (report, _) = tokio::task::spawn_blocking(run()).await.expect("task");
    assert_eq!(report.differing, 0);
    let (_, html) = app.page(&editor, "/redaktion").await;
    assert!(texts(&html, ".source-differences").is_empty());
}
