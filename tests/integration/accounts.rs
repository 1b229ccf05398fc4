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

/// Posts a login form with a fresh CSRF token.
async fn try_login(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let token = app.csrf(client, "/login").await;
    app.post(
        client,
        "/login",
        &[
            ("csrf_token", &token),
            ("email", email),
            ("password", password),
            ("next", "/"),
        ],
    )
    .await
}

#[tokio::test]
async fn wrong_passwords_slow_logins_down_but_never_lock_the_owner_out_or_tell_which_part_was_wrong(
) {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("a@dccc.test", "admin", &[], &[]);
    let client = browser();
    let mut wrong_pages = Vec::new();
    for attempt in 1..=5 {
        let response = try_login(&app, &client, "a@dccc.test", "wrong password!!").await;
        assert_eq!(response.status().as_u16(), 401, "attempt {attempt}");
        let html = scraper::Html::parse_document(&response.text().await.expect("body"));
        assert!(
            attrs(&html, "#password", "value").is_empty(),
            "the password is never echoed"
        );
        wrong_pages.push(texts(&html, "#login-error"));
    }
    // The failures are counted under hashed keys: no e-mail or IP address in the clear.
    {
        use dccc_registry::db::schema::login_throttle as t;
        use diesel::prelude::*;
        let mut conn = app.pool.get().expect("connection");
        let rows: Vec<(String, i32)> = t::table
            .select((t::key, t::failures))
            .load(&mut conn)
            .expect("throttle rows");
        assert_eq!(
            rows.len(),
            2,
            "one key for the account, one for the address: {rows:?}"
        );
        assert!(rows
            .iter()
            .all(|(k, n)| *n == 5 && k.len() == 64 && !k.contains('@')));
    }
    let owner = try_login(&app, &client, "a@dccc.test", PASSWORD).await;
    assert_eq!(owner.status().as_u16(), 303, "the owner still gets in");
    let (status, html) = app.page(&client, "/admin").await;
    assert_eq!(status, 200);
    assert!(!texts(&html, "#account-name").is_empty());

    // An unknown address gets exactly the answer of a known one with a wrong password.
    let other = browser();
    let unknown = try_login(&app, &other, "nobody@dccc.test", PASSWORD).await;
    assert_eq!(unknown.status().as_u16(), 401);
    let unknown = scraper::Html::parse_document(&unknown.text().await.expect("body"));
    let known = try_login(&app, &other, "a@dccc.test", "another wrong one").await;
    assert_eq!(known.status().as_u16(), 401);
    let known = scraper::Html::parse_document(&known.text().await.expect("body"));
    let message = |html: &scraper::Html| texts(html, "#login-error");
    assert_eq!(message(&unknown), message(&known));
    assert_eq!(message(&known), wrong_pages[0]);
    assert!(!message(&known).is_empty(), "a message is shown");
}

/// Logs in with a cookie jar the test can read, and returns the client, the jar and the
/// session cookie as a `Cookie` header value.
async fn login_with_jar(
    app: &TestApp,
    email: &str,
) -> (
    reqwest::Client,
    std::sync::Arc<reqwest::cookie::Jar>,
    String,
) {
    use reqwest::cookie::CookieStore;
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let response = try_login(app, &client, email, PASSWORD).await;
    assert_eq!(response.status().as_u16(), 303, "login of {email}");
    let url: reqwest::Url = app.address.parse().expect("url");
    let cookie = jar
        .cookies(&url)
        .and_then(|c| c.to_str().ok().map(str::to_owned))
        .expect("a session cookie");
    (client, jar, cookie)
}

/// A GET with exactly this Cookie header and no cookie store: what a replayed cookie does.
async fn get_with_cookie(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(format!("{}{path}", app.address))
        .header("cookie", cookie)
        .send()
        .await
        .expect("get")
}

#[tokio::test]
async fn a_cookie_saved_before_logout_no_longer_works_afterwards() {
    let app = spawn_app(Data::Fixture).await;
    app.create_user("klin@auh.test", "clinician", &[], &["AUH-ONK"]);
    let (client, _jar, cookie) = login_with_jar(&app, "klin@auh.test").await;
    assert_eq!(
        get_with_cookie(&app, "/tilbud", &cookie)
            .await
            .status()
            .as_u16(),
        200
    );
    let (_, html) = app.page(&client, "/tilbud").await;
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
    let replayed = get_with_cookie(&app, "/tilbud", &cookie).await;
    assert_eq!(
        replayed.status().as_u16(),
        303,
        "the old cookie is logged out"
    );
    assert!(location(&replayed).starts_with("/login"));
}

#[tokio::test]
async fn the_server_ends_sessions_idle_for_two_hours_or_twelve_hours_after_login() {
    use dccc_registry::db::schema::sessions as s;
    use diesel::prelude::*;
    let app = spawn_app(Data::Fixture).await;
    app.create_user("klin@auh.test", "clinician", &[], &["AUH-ONK"]);
    let now = chrono::Utc::now().naive_utc();
    let cases = [
        (
            "used 1 hour ago",
            chrono::TimeDelta::hours(1),
            chrono::TimeDelta::hours(1),
            200,
        ),
        (
            "idle for 2 hours",
            chrono::TimeDelta::hours(3),
            chrono::TimeDelta::hours(2) + chrono::TimeDelta::minutes(1),
            303,
        ),
        (
            "begun 12 hours ago, used just now",
            chrono::TimeDelta::hours(12) + chrono::TimeDelta::minutes(1),
            chrono::TimeDelta::minutes(1),
            303,
        ),
    ];
    for (case, age, idle, expected) in cases {
        let (_, _, cookie) = login_with_jar(&app, "klin@auh.test").await;
        {
            let mut conn = app.pool.get().expect("connection");
            // Only the newest session: move its clock back.
            let newest: String = s::table
                .order(s::created_at.desc())
                .select(s::token_hash)
                .first(&mut conn)
                .expect("a session row");
            diesel::update(s::table.find(&newest))
                .set((s::created_at.eq(now - age), s::last_seen_at.eq(now - idle)))
                .execute(&mut conn)
                .expect("age the session");
        }
        let response = get_with_cookie(&app, "/tilbud", &cookie).await;
        assert_eq!(response.status().as_u16(), expected, "{case}");
    }
}

#[tokio::test]
async fn wrong_current_passwords_on_the_password_form_count_like_failed_logins() {
    use dccc_registry::db::schema::login_throttle as t;
    use diesel::prelude::*;
    let app = spawn_app(Data::Fixture).await;
    app.create_user("klin@auh.test", "clinician", &[], &["AUH-ONK"]);
    let client = app.login("klin@auh.test").await;
    let token = app.csrf(&client, "/konto/adgangskode").await;
    let response = app
        .post(
            &client,
            "/konto/adgangskode",
            &[
                ("csrf_token", &token),
                ("current", "not my password!"),
                ("new", "a brand new passphrase"),
                ("repeat", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let mut conn = app.pool.get().expect("connection");
    let counts: Vec<i32> = t::table.select(t::failures).load(&mut conn).expect("rows");
    assert_eq!(counts, vec![1, 1], "account and address each counted once");
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
    let draft_id =
        drafts::create(&mut conn, None, &doc("DBCG MATRIX"), Some(owner), now).expect("draft");
    let fixture: Vec<ProtocolDoc> = serde_json::from_str(crate::helpers::FIXTURE).expect("fixture");
    let complete = fixture
        .into_iter()
        .find(|d| d.acronym.as_deref() == Some("DBCG TEST-ALL5"))
        .expect("DBCG");
    let mut sub = complete.clone();
    sub.acronym = Some("DBCG MATRIX-SUB".into());
    sub.identifiers = Default::default();
    let submitted_id = drafts::create(&mut conn, None, &sub, Some(owner), now).expect("draft");
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
