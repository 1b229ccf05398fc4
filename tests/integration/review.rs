//! The editorial workflow through the real forms: draft, submit, return, resubmit, publish;
//! revisions that leave the public version alone until published; statuses that publish at
//! once; history; e-mail; and the freshness reminder.

use std::time::Duration;

use crate::helpers::{acronyms, attrs, spawn_app, texts, Data, TestApp, INBOX};

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

fn draft_id(location: &str) -> i32 {
    location
        .trim_start_matches("/redaktion/kladder/")
        .split('?')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("draft address")
}

/// Waits for the server's snapshot to show a change (it polls the change counter every second).
async fn eventually(
    app: &TestApp,
    path: &str,
    check: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let mut last = serde_json::Value::Null;
    for _ in 0..crate::helpers::REFRESH_WAIT_ROUNDS {
        let (_, body) = app.get_json(path).await;
        if check(&body) {
            return body;
        }
        last = body;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} never satisfied the check; last: {last}");
}

const COMPLETE: &[(&str, &str)] = &[
    ("acronym", "DBCG FORM-TEST"),
    (
        "title_da",
        "DBCG FORM-TEST. Et forsøg indsendt gennem formularen",
    ),
    ("dmcg", "DBCG"),
    ("phase", "phase-2"),
    ("recruitment_status", "open"),
    ("contact.email", "form@example.dk"),
    ("eligibility.age_min", "18"),
    ("eligibility.diagnoses", "DC50.9 C18 - C20"),
    ("eligibility.settings", "metastatic"),
    ("eligibility.biomarkers_required[0].marker", "her2"),
    ("eligibility.biomarkers_required[0].status", "positive"),
    ("sites[0].site", "OUH-ONK"),
    ("sites[0].status", "open"),
    ("sites[1].site", ""),
    ("sites[1].status", "open"),
];

#[tokio::test]
async fn a_protocol_goes_from_draft_through_return_to_publication() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("ed@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    let editor = app.login("ed@dbcg.test").await;
    let admin = app.login("admin@dccc.test").await;

    // An incomplete draft can be saved at any time.
    let token = app.csrf(&editor, "/redaktion/ny").await;
    let saved = app
        .post(
            &editor,
            "/redaktion/ny",
            &[
                ("csrf_token", &token),
                ("acronym", "DBCG FORM-TEST"),
                ("dmcg", "DBCG"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status().as_u16(), 303);
    let id = draft_id(&location(&saved));
    let edit = format!("/redaktion/kladder/{id}");

    // Submitting it is refused with the errors next to their fields and the input kept.
    let mut bad = COMPLETE.to_vec();
    bad.retain(|(k, _)| *k != "contact.email" && *k != "phase");
    bad.push(("eligibility.age_max", "ti"));
    bad.push(("sites[1].site", "NOPE"));
    bad.push(("action", "submit"));
    let token = app.csrf(&editor, &edit).await;
    bad.push(("csrf_token", &token));
    let refused = app.post(&editor, &edit, &bad).await;
    assert_eq!(refused.status().as_u16(), 422);
    let html = scraper::Html::parse_document(&refused.text().await.expect("body"));
    assert_eq!(
        texts(&html, "[data-for='eligibility.age_max']").len(),
        1,
        "error next to the age"
    );
    assert_eq!(
        attrs(&html, "#f-acronym", "value"),
        ["DBCG FORM-TEST"],
        "input kept"
    );
    assert_eq!(
        attrs(&html, "[id='f-eligibility.age_max']", "value"),
        ["ti"],
        "bad input kept as typed"
    );

    let mut bad2: Vec<(&str, &str)> = COMPLETE
        .iter()
        .filter(|(k, _)| !matches!(*k, "contact.email" | "phase" | "sites[1].site"))
        .copied()
        .collect();
    bad2.push(("sites[1].site", "NOPE"));
    bad2.push(("action", "submit"));
    bad2.push(("csrf_token", &token));
    let refused = app.post(&editor, &edit, &bad2).await;
    assert_eq!(refused.status().as_u16(), 422);
    let html = scraper::Html::parse_document(&refused.text().await.expect("body"));
    for field in ["contact.email", "phase"] {
        assert_eq!(
            texts(&html, &format!("[data-for='{field}']")).len(),
            1,
            "error next to {field}"
        );
    }
    assert!(
        !texts(&html, ".site-row .field-error").is_empty(),
        "the unknown department is flagged on its row"
    );

    // A complete submission goes to DCCC, with an e-mail to the protocol inbox.
    let mut good = COMPLETE.to_vec();
    good.push(("action", "submit"));
    good.push(("csrf_token", &token));
    let submitted = app.post(&editor, &edit, &good).await;
    assert_eq!(submitted.status().as_u16(), 303, "{}", location(&submitted));
    let mail = app.deliver_mail();
    assert!(
        mail.iter()
            .any(|(to, subject)| to == INBOX && subject.contains("DBCG FORM-TEST")),
        "{mail:?}"
    );
    let locked = app.post(&editor, &edit, &good).await;
    assert_eq!(
        locked.status().as_u16(),
        409,
        "a submitted draft cannot be changed"
    );

    // DCCC returns it; a comment is required.
    let review = format!("/admin/kladder/{id}");
    let token = app.csrf(&admin, &review).await;
    let no_comment = app
        .post(
            &admin,
            &format!("{review}/returner"),
            &[("csrf_token", &token), ("comment", " ")],
        )
        .await;
    assert_eq!(no_comment.status().as_u16(), 422);
    let returned = app
        .post(
            &admin,
            &format!("{review}/returner"),
            &[
                ("csrf_token", &token),
                ("comment", "Tilføj en engelsk titel."),
            ],
        )
        .await;
    assert_eq!(returned.status().as_u16(), 303);
    let (_, html) = app.page(&editor, &edit).await;
    assert_eq!(
        texts(&html, "#review-comment p"),
        ["Tilføj en engelsk titel."]
    );
    let mail = app.deliver_mail();
    assert!(
        mail.iter().any(|(to, _)| to == "ed@dbcg.test"),
        "the submitter hears of the return: {mail:?}"
    );
    let publish_early = app
        .post(
            &admin,
            &format!("{review}/offentliggoer"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(
        publish_early.status().as_u16(),
        409,
        "a returned draft cannot be published"
    );

    // Resubmitted and published: public at once, in the API, with e-mail to the submitter.
    let mut again = COMPLETE.to_vec();
    again.push((
        "title_en",
        "DBCG FORM-TEST. A trial submitted through the form",
    ));
    again.push(("action", "submit"));
    let token = app.csrf(&editor, &edit).await;
    again.push(("csrf_token", &token));
    assert_eq!(
        app.post(&editor, &edit, &again).await.status().as_u16(),
        303
    );
    let token = app.csrf(&admin, &review).await;
    let published = app
        .post(
            &admin,
            &format!("{review}/offentliggoer"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(published.status().as_u16(), 303);
    assert_eq!(location(&published), "/protokoller/dbcg-form-test");
    let (status, body) = app.get_json("/api/v1/protocols/dbcg-form-test").await;
    assert_eq!(status, 200);
    assert_eq!(
        body["eligibility"]["diagnoses"],
        serde_json::json!(["C509", "C18-C20"])
    );
    assert_eq!(
        body["eligibility"]["biomarkers_required"][0]["marker"],
        "HER2"
    );
    let list = eventually(&app, "/api/v1/protocols?dmcg=DBCG", |b| {
        acronyms(b).contains(&"DBCG FORM-TEST".to_owned())
    })
    .await;
    assert!(acronyms(&list).contains(&"DBCG FORM-TEST".to_owned()));
    let mail = app.deliver_mail();
    assert!(
        mail.iter().any(|(to, subject)| to == "ed@dbcg.test"
            && subject.contains("DBCG FORM-TEST")
            && subject.to_lowercase().contains("offentlig")),
        "{mail:?}"
    );

    // Every step is in the history.
    let (_, html) = app.page(&admin, "/admin/historik").await;
    let actions = attrs(&html, ".history-entry", "data-action");
    for action in ["created", "saved", "submitted", "returned", "published"] {
        assert!(
            actions.iter().any(|a| a == action),
            "history has {action}: {actions:?}"
        );
    }
}

#[tokio::test]
async fn a_published_protocol_stays_public_while_its_revision_is_reviewed() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("ed@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    let editor = app.login("ed@dbcg.test").await;
    let admin = app.login("admin@dccc.test").await;
    let manage = "/redaktion/protokoller/dbcg-test-all5";
    let token = app.csrf(&editor, manage).await;
    let started = app
        .post(
            &editor,
            &format!("{manage}/revision"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(started.status().as_u16(), 303);
    let edit = location(&started);
    let id = draft_id(&edit);
    // The revision form comes filled with the published record.
    let (_, html) = app.page(&editor, &edit).await;
    assert_eq!(
        attrs(&html, "#f-title_da", "value"),
        ["DBCG TEST-ALL5. Et testforsøg"]
    );
    let mut fields: Vec<(String, String)> = Vec::new();
    let sel =
        scraper::Selector::parse("form[method=post] input[name], form[method=post] textarea[name]")
            .expect("selector");
    for e in html.select(&sel) {
        let name = e.value().attr("name").unwrap_or("").to_owned();
        let kind = e.value().attr("type").unwrap_or("");
        if kind == "checkbox" && e.value().attr("checked").is_none() {
            continue;
        }
        let value = if e.value().name() == "textarea" {
            e.text().collect()
        } else {
            e.value().attr("value").unwrap_or("").to_owned()
        };
        fields.push((name, value));
    }
    let sel = scraper::Selector::parse("form[method=post] select[name]").expect("selector");
    for e in html.select(&sel) {
        let name = e.value().attr("name").unwrap_or("").to_owned();
        let chosen = scraper::Selector::parse("option[selected]").expect("selector");
        if let Some(o) = e.select(&chosen).next() {
            fields.push((name, o.value().attr("value").unwrap_or("").to_owned()));
        }
    }
    for f in fields.iter_mut() {
        if f.0 == "title_da" {
            f.1 = "DBCG TEST-ALL5. Ny titel".into();
        }
    }
    fields.push(("action".into(), "submit".into()));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let submitted = app.post(&editor, &edit, &pairs).await;
    assert_eq!(
        submitted.status().as_u16(),
        303,
        "{}",
        submitted.text().await.unwrap_or_default()
    );

    let (_, public) = app.get_html("/protokoller/dbcg-test-all5").await;
    assert_eq!(
        texts(&public, "h1 .title"),
        ["DBCG TEST-ALL5. Et testforsøg"],
        "public version unchanged during review"
    );

    // What was sent, read-only, for the editor.
    let (_, sent) = app.page(&editor, &edit).await;
    assert_eq!(
        texts(&sent, "#preview h1 .title"),
        ["DBCG TEST-ALL5. Ny titel"]
    );
    assert!(
        attrs(&sent, "form input[name=title_da]", "value").is_empty(),
        "no form to change it while DCCC reviews"
    );

    let review = format!("/admin/kladder/{id}");
    let (_, html) = app.page(&admin, &review).await;
    assert_eq!(
        texts(&html, "#changes li.change"),
        ["Titel (dansk): DBCG TEST-ALL5. Et testforsøg → DBCG TEST-ALL5. Ny titel"],
        "the review shows exactly what changed, by the field's label"
    );
    // The submission as the public page will look, its changed part marked, the decision after.
    assert_eq!(
        texts(&html, "#preview article.protocol h1 .title"),
        ["DBCG TEST-ALL5. Ny titel"]
    );
    assert_eq!(texts(&html, "#preview h1 .changed-tag"), ["ændret"]);
    assert!(
        texts(&html, "#preview dt .changed-tag").is_empty(),
        "only the title changed"
    );
    let page = html.html();
    let (preview_at, decision_at) = (
        page.find("id=\"preview\"").expect("preview"),
        page.find("id=\"publish-form\"").expect("publish form"),
    );
    assert!(
        preview_at < decision_at,
        "publish and return come after the content"
    );
    assert!(!page.contains("<pre"), "no raw record");
    let token = app.csrf(&admin, &review).await;
    assert_eq!(
        app.post(
            &admin,
            &format!("{review}/offentliggoer"),
            &[("csrf_token", &token)]
        )
        .await
        .status()
        .as_u16(),
        303
    );
    let (_, public) = app.get_html("/protokoller/dbcg-test-all5").await;
    assert_eq!(texts(&public, "h1 .title"), ["DBCG TEST-ALL5. Ny titel"]);
    assert_eq!(
        attrs(&public, "#history .history-entry", "data-action"),
        ["revision_published"],
        "public change log"
    );
    assert_eq!(
        texts(&public, "#history .history-entry .what"),
        ["ændring offentliggjort"]
    );
    assert_eq!(
        texts(&public, "#history li.change"),
        ["Titel (dansk): DBCG TEST-ALL5. Et testforsøg → DBCG TEST-ALL5. Ny titel"]
    );
    assert!(
        texts(&public, "#history .actor").is_empty(),
        "the public does not see who made the change"
    );
}

#[tokio::test]
async fn closing_a_department_is_published_at_once_and_logged() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("ed@dlcg.test", "dmcg_editor", &["DLCG"], &[]);
    let editor = app.login("ed@dlcg.test").await;
    let manage = "/redaktion/protokoller/dlcg-test-nord";
    let token = app.csrf(&editor, manage).await;
    let response = app
        .post(
            &editor,
            &format!("{manage}/status"),
            &[
                ("csrf_token", &token),
                ("recruitment_status", "open"),
                ("site.AAUH-ONK", "closed"),
                ("site.RH-ONK", "open"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let body = eventually(&app, "/api/v1/protocols?status=all&dmcg=DLCG", |b| {
        b["items"][0]["regions_open"] == serde_json::json!([1084])
    })
    .await;
    assert_eq!(body["items"][0]["regions_open"], serde_json::json!([1084]));
    let (_, public) = app.get_html("/protokoller/dlcg-test-nord").await;
    assert_eq!(
        attrs(&public, "#history .history-entry", "data-action"),
        ["status_changed"]
    );
    let bad = app
        .post(
            &editor,
            &format!("{manage}/status"),
            &[("csrf_token", &token), ("recruitment_status", "recruiting")],
        )
        .await;
    assert_eq!(
        bad.status().as_u16(),
        409,
        "an unknown status is refused without a 500"
    );
}

#[tokio::test]
async fn stale_protocols_are_flagged_and_their_editors_reminded_once_a_week() {
    use dccc_registry::db::schema::protocols;
    use diesel::prelude::*;
    let app = spawn_app(Data::Fixture).await;
    app.create_user("ed@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    let now = chrono::Utc::now().naive_utc();
    {
        let mut conn = app.pool.get().expect("connection");
        diesel::update(protocols::table.filter(protocols::slug.eq("dbcg-test-all5")))
            .set(protocols::last_confirmed_at.eq(Some(now - chrono::Duration::days(200))))
            .execute(&mut conn)
            .expect("age the record");
        let sent = dccc_registry::services::protocols::freshness::send_due_reminders(
            &mut conn,
            "http://registry.test",
            now,
        )
        .expect("reminders");
        assert_eq!(sent, 1);
        let again = dccc_registry::services::protocols::freshness::send_due_reminders(
            &mut conn,
            "http://registry.test",
            now + chrono::Duration::days(3),
        )
        .expect("reminders");
        assert_eq!(again, 0, "not twice in a week");
        let later = dccc_registry::services::protocols::freshness::send_due_reminders(
            &mut conn,
            "http://registry.test",
            now + chrono::Duration::days(8),
        )
        .expect("reminders");
        assert_eq!(later, 1, "again after a week");
    }
    {
        let mut conn = app.pool.get().expect("connection");
        app.mailer
            .deliver_due(&mut conn, now + chrono::Duration::days(9), 100)
            .expect("delivery");
    }
    let mail = app.deliver_mail();
    assert_eq!(
        mail.iter()
            .filter(|(to, s)| to == "ed@dbcg.test" && s.contains("DBCG TEST-ALL5"))
            .count(),
        2,
        "{mail:?}"
    );
    let editor = app.login("ed@dbcg.test").await;
    let (_, html) = app.page(&editor, "/redaktion").await;
    assert_eq!(
        attrs(&html, "tr.published-row.stale", "data-slug"),
        ["dbcg-test-all5"]
    );
    let token = app
        .csrf(&editor, "/redaktion/protokoller/dbcg-test-all5")
        .await;
    let confirmed = app
        .post(
            &editor,
            "/redaktion/protokoller/dbcg-test-all5/bekraeft",
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(confirmed.status().as_u16(), 303);
    let (_, html) = app.page(&editor, "/redaktion").await;
    assert!(
        attrs(&html, "tr.published-row.stale", "data-slug").is_empty(),
        "confirmed: no longer stale"
    );
}

#[tokio::test]
async fn a_draft_is_saved_as_it_is_and_shows_at_once_what_submitting_would_refuse() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("ed@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    let editor = app.login("ed@dbcg.test").await;
    let token = app.csrf(&editor, "/redaktion/ny").await;
    let saved = app
        .post(
            &editor,
            "/redaktion/ny",
            &[
                ("csrf_token", &token),
                ("acronym", "DBCG SAVE-CHECK"),
                ("dmcg", "DBCG"),
                ("eligibility.age_min", "80"),
                ("eligibility.age_max", "18"),
                ("contact.email", "nobody"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status().as_u16(), 303, "the draft is kept");
    let (status, html) = app.page(&editor, &location(&saved)).await;
    assert_eq!(status, 200);
    assert_eq!(
        attrs(&html, "#form-errors", "class"),
        ["warning"],
        "a warning, not a refusal"
    );
    for field in ["eligibility.age_max", "contact.email", "phase"] {
        assert_eq!(
            texts(&html, &format!(".field-error[data-for='{field}']")).len(),
            1,
            "the message beside {field}"
        );
    }
    assert_eq!(
        attrs(&html, "#f-eligibility\\.age_min", "value"),
        ["80"],
        "kept as typed"
    );
}

#[tokio::test]
async fn another_department_row_comes_without_saving_and_keeps_what_was_typed() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("ed@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    let editor = app.login("ed@dbcg.test").await;
    let (_, empty) = app.page(&editor, "/redaktion/ny").await;
    let rows = texts(&empty, ".site-row").len();
    let token = app.csrf(&editor, "/redaktion/ny").await;
    let mut form: Vec<(String, String)> = vec![
        ("csrf_token".into(), token),
        ("acronym".into(), "DBCG ROWS".into()),
        ("dmcg".into(), "DBCG".into()),
        ("action".into(), "add_site".into()),
    ];
    for i in 0..rows {
        let site = if i == 0 { "OUH-ONK" } else { "" };
        form.push((format!("sites[{i}].site"), site.into()));
        form.push((format!("sites[{i}].status"), "open".into()));
    }
    let response = editor
        .post(format!("{}/redaktion/ny", app.address))
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(
        response.status().as_u16(),
        200,
        "the form again, not a redirect"
    );
    let html = scraper::Html::parse_document(&response.text().await.expect("body"));
    assert_eq!(texts(&html, ".site-row").len(), rows + 1, "one more row");
    assert_eq!(attrs(&html, "#f-acronym", "value"), ["DBCG ROWS"]);
    assert_eq!(
        attrs(&html, "#f-sites\\[0\\]\\.site option[selected]", "value"),
        ["OUH-ONK"]
    );
    let mut conn = app.pool.get().expect("connection");
    let drafts = dccc_registry::db::drafts::open_drafts(&mut conn, None).expect("drafts");
    assert!(drafts.is_empty(), "nothing was saved");
}

#[tokio::test]
async fn the_change_log_reads_as_sentences_in_the_pages_language_and_a_non_cancer_code_is_flagged()
{
    let app = spawn_app(Data::Fixture).await;
    app.create_user("ed@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    let editor = app.login("ed@dbcg.test").await;
    let token = app.csrf(&editor, "/redaktion/ny").await;
    let saved = app
        .post(
            &editor,
            "/redaktion/ny",
            &[
                ("csrf_token", &token),
                ("acronym", "DBCG WORDS-1"),
                ("title_da", "DBCG WORDS-1. Et forsøg"),
                ("dmcg", "DBCG"),
                ("phase", "phase-2"),
                ("eligibility.diagnoses", "C50 X99"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status().as_u16(), 303);
    let draft = location(&saved);
    let (_, html) = app.page(&editor, &draft).await;
    let warning = texts(&html, ".warning[data-field='eligibility.diagnoses']").join(" ");
    assert!(
        warning.contains("X99") && warning.contains("C00–D48") && !warning.contains("C50"),
        "a code outside the neoplasm chapter is flagged, by itself: {warning}"
    );
    // Saved again with the phase changed: the log says what changed in words.
    let again = [
        ("csrf_token", token.as_str()),
        ("acronym", "DBCG WORDS-1"),
        ("title_da", "DBCG WORDS-1. Et forsøg"),
        ("dmcg", "DBCG"),
        ("phase", "phase-3"),
        ("eligibility.diagnoses", "C50"),
        ("action", "save"),
    ];
    assert_eq!(
        app.post(&editor, &draft, &again).await.status().as_u16(),
        303
    );
    let (_, html) = app.page(&editor, &draft).await;
    assert!(texts(&html, ".warning[data-field='eligibility.diagnoses']").is_empty());

    let admin = app.login("admin@dccc.test").await;
    let (_, log) = app.page(&admin, "/admin/historik").await;
    let saved_entry = ".history-entry[data-entity=draft][data-action=saved]";
    assert_eq!(texts(&log, &format!("{saved_entry} .what")), ["gemt"]);
    let changes = texts(&log, &format!("{saved_entry} li.change"));
    assert!(
        changes.iter().any(|c| c == "Fase: Fase 2 → Fase 3"),
        "{changes:?}"
    );
    assert!(
        texts(&log, &format!("{saved_entry} .actor"))
            .iter()
            .all(|a| a.contains("ed@dbcg.test")),
        "who did it"
    );
    let whole = texts(&log, "#history").join(" ");
    for raw in ["{", "title_da", "phase-3", "eligibility.", "draft 1"] {
        assert!(!whole.contains(raw), "no {raw:?} in the log: {whole}");
    }
    // In English, English words only.
    app.page(&admin, "/sprog/en?next=/admin").await;
    let (_, log) = app.page(&admin, "/admin/historik").await;
    assert_eq!(texts(&log, &format!("{saved_entry} .what")), ["saved"]);
    let changes = texts(&log, &format!("{saved_entry} li.change"));
    assert!(
        changes.iter().any(|c| c == "Phase: Phase 2 → Phase 3"),
        "{changes:?}"
    );
    assert!(texts(&log, ".history-head a, .history-head")
        .iter()
        .all(|h| !h.contains("Kladde") && !h.contains("gemt")));
}
