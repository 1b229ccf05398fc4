//! Accounts and security: login and throttling, sessions that end, tampered cookies, CSRF,
//! and the allow/deny matrix of every mutating route for every role.

use crate::helpers::{attrs, browser, spawn_app, texts, Data, TestApp, PASSWORD};

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn logging_in_shows_the_user_and_logging_out_ends_the_session() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("redaktor@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    let client = app.login("redaktor@dbcg.test").await;
    let (status, html) = app.page(&client, "/redaktion").await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, "#account-name"), ["redaktor"]);
    let token = attrs(
        &html,
        "form[action='/logout'] input[name=csrf_token]",
        "value",
    )
    .remove(0);
    let out = app
        .post(&client, "/logout", &[("csrf_token", &token)])
        .await;
    assert_eq!(out.status().as_u16(), 303);
    let after = client
        .get(format!("{}/redaktion", app.address))
        .send()
        .await
        .expect("get");
    assert_eq!(after.status().as_u16(), 303);
    assert!(location(&after).starts_with("/login?next=%2Fredaktion"));
}

#[tokio::test]
async fn wrong_passwords_lock_the_account_and_say_nothing_about_which_part_was_wrong() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("a@dccc.test", "admin", &[], &[]);
    let client = browser();
    for attempt in 1..=5 {
        let token = app.csrf(&client, "/login").await;
        let response = app
            .post(
                &client,
                "/login",
                &[
                    ("csrf_token", &token),
                    ("email", "a@dccc.test"),
                    ("password", "wrong password!!"),
                ],
            )
            .await;
        let expected = if attempt < 5 { 401 } else { 429 };
        assert_eq!(response.status().as_u16(), expected, "attempt {attempt}");
        let html = scraper::Html::parse_document(&response.text().await.expect("body"));
        assert!(
            attrs(&html, "#password", "value").is_empty(),
            "the password is never echoed"
        );
    }
    let token = app.csrf(&client, "/login").await;
    let locked = app
        .post(
            &client,
            "/login",
            &[
                ("csrf_token", &token),
                ("email", "a@dccc.test"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        locked.status().as_u16(),
        429,
        "locked even with the right password"
    );
    let token = app.csrf(&client, "/login").await;
    let unknown = app
        .post(
            &client,
            "/login",
            &[
                ("csrf_token", &token),
                ("email", "nobody@dccc.test"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(unknown.status().as_u16(), 401);
}

#[tokio::test]
async fn a_disabled_users_session_stops_working() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    let editor_id = app.create_user("ed@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    let admin = app.login("admin@dccc.test").await;
    let editor = app.login("ed@dbcg.test").await;
    assert_eq!(app.page(&editor, "/redaktion").await.0, 200);
    let token = app.csrf(&admin, "/admin/brugere").await;
    let response = app
        .post(
            &admin,
            &format!("/admin/brugere/{editor_id}/aktiv"),
            &[("csrf_token", &token), ("active", "false")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let after = editor
        .get(format!("{}/redaktion", app.address))
        .send()
        .await
        .expect("get");
    assert_eq!(
        after.status().as_u16(),
        303,
        "disabled: sent to the login page"
    );
}

#[tokio::test]
async fn a_tampered_session_cookie_is_refused() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    let client = browser();
    let token = app.csrf(&client, "/login").await;
    let response = app
        .post(
            &client,
            "/login",
            &[
                ("csrf_token", &token),
                ("email", "admin@dccc.test"),
                ("password", PASSWORD),
                ("next", "/admin"),
            ],
        )
        .await;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find(|c| c.starts_with("dccc_session="))
        .expect("session cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let value = cookie
        .split(';')
        .next()
        .expect("pair")
        .trim_start_matches("dccc_session=")
        .to_owned();
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let good = plain
        .get(format!("{}/admin", app.address))
        .header("cookie", format!("dccc_session={value}"))
        .send()
        .await
        .expect("get");
    assert_eq!(good.status().as_u16(), 200, "the untouched cookie works");
    let mut bytes = value.into_bytes();
    let middle = bytes.len() / 2;
    bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).expect("ascii");
    let bad = plain
        .get(format!("{}/admin", app.address))
        .header("cookie", format!("dccc_session={tampered}"))
        .send()
        .await
        .expect("get");
    assert_eq!(
        bad.status().as_u16(),
        303,
        "a changed cookie is no session at all"
    );
}

#[tokio::test]
async fn a_post_without_a_valid_csrf_token_is_refused() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("ed@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    let editor = app.login("ed@dbcg.test").await;
    for token in [None, Some("not-the-token")] {
        let mut fields = vec![
            ("acronym", "DBCG CSRF"),
            ("dmcg", "DBCG"),
            ("action", "save"),
        ];
        if let Some(t) = token {
            fields.push(("csrf_token", t));
        }
        let response = app.post(&editor, "/redaktion/ny", &fields).await;
        assert_eq!(response.status().as_u16(), 403, "token {token:?}");
    }
    let (_, html) = app.page(&editor, "/redaktion").await;
    assert!(
        attrs(&html, "tr.draft-row", "data-id").is_empty(),
        "nothing was saved"
    );
}

/// What a role may do on a route: allowed, or refused (403, or sent to log in).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Allow,
    Deny,
}

/// A route, the fields it is posted with, and what each role may do there.
type Route<'a> = (&'a str, Vec<(&'a str, &'a str)>, [Expect; 5]);

struct Fixture {
    draft_id: i32,
    submitted_id: i32,
    target_user: i32,
}

fn prepare(app: &TestApp) -> Fixture {
    use dccc_registry::db::{drafts, users};
    use dccc_registry::domain::ProtocolDoc;
    let owner = app.create_user("owner@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    let target_user = app.create_user("target@dccc.test", "clinician", &[], &["RH-ONK"]);
    let mut conn = app.pool.get().expect("connection");
    let now = chrono::Utc::now().naive_utc();
    let doc = |acronym: &str| ProtocolDoc {
        acronym: Some(acronym.into()),
        dmcg: Some("DBCG".into()),
        ..ProtocolDoc::default()
    };
    let draft_id = drafts::create(&mut conn, None, &doc("DBCG MATRIX"), owner, now).expect("draft");
    let fixture: Vec<ProtocolDoc> = serde_json::from_str(crate::helpers::FIXTURE).expect("fixture");
    let complete = fixture
        .into_iter()
        .find(|d| d.acronym.as_deref() == Some("DBCG TEST-ALL5"))
        .expect("DBCG");
    let mut sub = complete.clone();
    sub.acronym = Some("DBCG MATRIX-SUB".into());
    sub.identifiers = Default::default();
    let submitted_id = drafts::create(&mut conn, None, &sub, owner, now).expect("draft");
    drafts::set_submitted(&mut conn, submitted_id, owner, now).expect("submitted");
    let _ = users::find_user(&mut conn, owner);
    Fixture {
        draft_id,
        submitted_id,
        target_user,
    }
}

#[tokio::test]
async fn every_mutating_route_allows_and_denies_by_role() {
    let app = spawn_app(Data::Fixture).await;
    let f = prepare(&app);
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    app.create_user("ed@dbcg.test", "dmcg_editor", &["DBCG"], &[]);
    app.create_user("ed@dlcg.test", "dmcg_editor", &["DLCG"], &[]);
    app.create_user("doc@rh.test", "clinician", &[], &["RH-ONK"]);
    use Expect::{Allow, Deny};
    // (route, fields, anonymous, clinician, editor of another DMCG, editor, admin)
    let draft = format!("/redaktion/kladder/{}", f.draft_id);
    let publish = format!("/admin/kladder/{}/offentliggoer", f.submitted_id);
    let ret = format!("/admin/kladder/{}/returner", f.submitted_id);
    let user = format!("/admin/brugere/{}", f.target_user);
    let active = format!("/admin/brugere/{}/aktiv", f.target_user);
    let routes: Vec<Route> = vec![
        (
            "/redaktion/ny",
            vec![
                ("acronym", "DBCG NEW"),
                ("dmcg", "DBCG"),
                ("action", "save"),
            ],
            [Deny, Deny, Deny, Allow, Allow],
        ),
        (
            &draft,
            vec![
                ("acronym", "DBCG MATRIX"),
                ("dmcg", "DBCG"),
                ("action", "save"),
            ],
            [Deny, Deny, Deny, Allow, Allow],
        ),
        (
            "/redaktion/protokoller/dbcg-test-all5/status",
            vec![("recruitment_status", "open")],
            [Deny, Deny, Deny, Allow, Allow],
        ),
        (
            "/redaktion/protokoller/dbcg-test-all5/bekraeft",
            vec![],
            [Deny, Deny, Deny, Allow, Allow],
        ),
        (
            "/redaktion/protokoller/dbcg-test-all5/revision",
            vec![],
            [Deny, Deny, Deny, Allow, Allow],
        ),
        (
            &ret,
            vec![("comment", "Ret titlen")],
            [Deny, Deny, Deny, Deny, Allow],
        ),
        (&publish, vec![], [Deny, Deny, Deny, Deny, Deny]),
        (
            "/admin/brugere/ny",
            vec![
                ("email", "new@dccc.test"),
                ("display_name", "Ny"),
                ("role", "clinician"),
                ("sites", "RH-ONK"),
                ("password", "a long enough password"),
            ],
            [Deny, Deny, Deny, Deny, Allow],
        ),
        (
            &user,
            vec![
                ("email", "target@dccc.test"),
                ("display_name", "Target"),
                ("role", "clinician"),
                ("sites", "AUH-ONK"),
            ],
            [Deny, Deny, Deny, Deny, Allow],
        ),
        (
            &active,
            vec![("active", "false")],
            [Deny, Deny, Deny, Deny, Allow],
        ),
        (
            "/admin/reference/dmcgs/DBCG",
            vec![
                ("name_da", "Danish Breast Cancer Group"),
                ("area_da", "Brystkræft"),
                ("area_en", "Breast"),
                ("icd10", "C50 D05"),
                ("scope", "site"),
            ],
            [Deny, Deny, Deny, Deny, Allow],
        ),
        (
            "/admin/reference/pathways/ny",
            vec![
                ("code", "NATMDT-SARKOM"),
                ("kind", "national_mdt"),
                ("name_da", "National MDT for sarkom"),
                ("name_en", "National sarcoma MDT"),
                ("icd10", "C40-C41 C49"),
            ],
            [Deny, Deny, Deny, Deny, Allow],
        ),
    ];
    let roles = [
        None,
        Some("doc@rh.test"),
        Some("ed@dlcg.test"),
        Some("ed@dbcg.test"),
        Some("admin@dccc.test"),
    ];
    for (route, fields, expected) in &routes {
        for (who, expect) in roles.iter().zip(expected.iter()) {
            let client = match who {
                Some(email) => app.login(email).await,
                None => browser(),
            };
            let token = app
                .csrf(
                    &client,
                    if who.is_some() {
                        "/konto/adgangskode"
                    } else {
                        "/login"
                    },
                )
                .await;
            let mut all = fields.clone();
            all.push(("csrf_token", &token));
            let response = app.post(&client, route, &all).await;
            let status = response.status().as_u16();
            let to_login = location(&response).starts_with("/login");
            // 422 is a refusal too: the form comes back and nothing is stored.
            let allowed = (status == 303 && !to_login) || status == 200;
            // Publishing the submitted draft happens last in the matrix only for admins, and
            // the record is a copy of a published one; refusals must never be a server error.
            assert!(status < 500, "{route} as {who:?}: {status}");
            let got = if allowed { Allow } else { Deny };
            if *route == publish.as_str() && who == &Some("admin@dccc.test") {
                continue;
            }
            assert_eq!(
                got,
                *expect,
                "{route} as {who:?}: status {status}, location {}",
                location(&response)
            );
        }
    }
}
