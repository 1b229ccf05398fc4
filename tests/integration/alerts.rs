//! E-mail alerts end to end: the form and its messages, double opt-in (nothing to an
//! unconfirmed address), the weekly batch with only the newly opened protocols that match,
//! leaving by the signed link (the page's button and the one-click POST of RFC 8058), and
//! the deletion of unconfirmed subscriptions after 7 days.

use chrono::{Duration, NaiveDateTime, Utc};
use dccc_registry::catalogue::Catalogue;
use dccc_registry::db::alerts::{self as rows, Subscription};
use dccc_registry::db::schema::alert_subscriptions::dsl as a;
use dccc_registry::services::alerts;
use dccc_registry::services::interchange;
use diesel::prelude::*;

use crate::helpers::{attrs, browser, spawn_app, texts, Data, TestApp, BASE_URL};

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

fn subscriptions(app: &TestApp) -> Vec<Subscription> {
    let mut conn = app.pool.get().expect("connection");
    a::alert_subscriptions
        .order(a::id.asc())
        .load(&mut conn)
        .expect("rows")
}

/// Subscribes through the form as a visitor would; returns the page's status and HTML.
async fn subscribe(app: &TestApp, fields: &[(&str, &str)]) -> (u16, scraper::Html) {
    let client = browser();
    let token = app.csrf(&client, "/abonnement").await;
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    let response = app.post(&client, "/abonnement", &form).await;
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    (status, scraper::Html::parse_document(&body))
}

/// The link a message holds that starts with `prefix`.
fn link_in(text: &str, prefix: &str) -> String {
    let start = text.find(prefix).expect("a link in the message");
    text[start..]
        .split_whitespace()
        .next()
        .expect("the link")
        .to_owned()
}

/// The last message sent to `to`, after delivering what is due by `at`.
fn last_mail_at(
    app: &TestApp,
    to: &str,
    at: NaiveDateTime,
) -> Option<dccc_registry::mail::SentMail> {
    let mut conn = app.pool.get().expect("connection");
    app.mailer
        .deliver_due(&mut conn, at + Duration::seconds(1), 100)
        .expect("delivery");
    app.sent
        .lock()
        .expect("lock")
        .iter()
        .rev()
        .find(|m| m.to == to)
        .cloned()
}

/// Confirms through the link in the confirmation message: the GET page has a button, the
/// POST confirms.
async fn confirm_by_mail(app: &TestApp, to: &str) {
    let mail = last_mail_at(app, to, now()).expect("a confirmation message");
    let link = link_in(&mail.text, &format!("{BASE_URL}/abonnement/bekraeft/"));
    let path = link.strip_prefix(BASE_URL).expect("our address");
    let client = browser();
    let (status, page) = app.page(&client, path).await;
    assert_eq!(status, 200);
    assert_eq!(
        attrs(&page, ".alert-message form", "action"),
        vec![path.to_owned()]
    );
    let token = attrs(&page, ".alert-message input[name=csrf_token]", "value")
        .pop()
        .expect("a token");
    let response = app.post(&client, path, &[("csrf_token", &token)]).await;
    assert_eq!(response.status().as_u16(), 200);
}

/// Publishes a copy of the first fixture protocol under another acronym and DMCG.
fn publish(app: &TestApp, acronym: &str, dmcg: &str) {
    let fixtures: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/protocols.json")).expect("fixtures");
    let mut record = fixtures[0].clone();
    record["acronym"] = acronym.into();
    record["dmcg"] = dmcg.into();
    record["identifiers"] = serde_json::json!({});
    let mut conn = app.pool.get().expect("connection");
    interchange::import_json(&mut conn, &record.to_string(), false).expect("import");
}

fn run_round(app: &TestApp, at: NaiveDateTime) -> alerts::RoundReport {
    let mut conn = app.pool.get().expect("connection");
    let catalogue = Catalogue::load(&mut conn).expect("catalogue");
    alerts::run(&mut conn, &catalogue, BASE_URL, &app.link_key, at).expect("round")
}

#[tokio::test]
async fn nothing_is_sent_to_an_address_until_its_owner_confirms() {
    let app = spawn_app(Data::Fixture).await;
    let (status, page) = subscribe(&app, &[("email", "ida@example.dk"), ("dmcg", "DBCG")]).await;
    assert_eq!(status, 200);
    assert_eq!(texts(&page, "h1"), vec!["Tjek din e-mail".to_owned()]);
    let sent = app.deliver_mail();
    assert_eq!(sent.len(), 1, "only the confirmation: {sent:?}");
    assert_eq!(sent[0].0, "ida@example.dk");
    // The same request again within the hour sends no second message.
    subscribe(&app, &[("email", "ida@example.dk"), ("dmcg", "DBCG")]).await;
    assert_eq!(app.deliver_mail().len(), 1);
    assert_eq!(subscriptions(&app).len(), 1);
    // A new matching protocol does not reach an unconfirmed address.
    publish(&app, "DBCG ALERT-NEW", "DBCG");
    let report = run_round(&app, now() + Duration::minutes(1));
    assert_eq!(report.alerts_queued, 0);
    assert_eq!(app.deliver_mail().len(), 1);
    // Only the address, the language, the filter and the state are stored.
    let sub = &subscriptions(&app)[0];
    assert_eq!(sub.email, "ida@example.dk");
    assert_eq!(sub.dmcg.as_deref(), Some("DBCG"));
    assert!(sub.confirmed_at.is_none());
    assert_eq!(
        sub.confirm_token_hash.len(),
        64,
        "the token's hash, not the token"
    );
}

#[tokio::test]
async fn the_weekly_alert_lists_only_new_matching_protocols_once_a_week_and_one_click_leaves() {
    let app = spawn_app(Data::Fixture).await;
    subscribe(
        &app,
        &[
            ("email", "ole@example.dk"),
            ("dmcg", "DBCG"),
            ("audience", "adults"),
        ],
    )
    .await;
    confirm_by_mail(&app, "ole@example.dk").await;
    let sub = subscriptions(&app).remove(0);
    assert!(sub.confirmed_at.is_some());
    // Published after the confirmation: one matching, one of another DMCG.
    publish(&app, "DBCG ALERT-NEW", "DBCG");
    publish(&app, "DLCG ALERT-OTHER", "DLCG");
    let at = now();
    assert_eq!(run_round(&app, at).alerts_queued, 1);
    let mail = last_mail_at(&app, "ole@example.dk", at).expect("the alert");
    assert!(
        mail.text.contains("/protokoller/dbcg-alert-new"),
        "{}",
        mail.text
    );
    assert!(
        !mail.text.contains("/protokoller/dlcg-alert-other"),
        "another DMCG"
    );
    assert!(
        !mail.text.contains("/protokoller/dbcg-test-all5"),
        "published before the subscription: {}",
        mail.text
    );
    let leave = link_in(&mail.text, &format!("{BASE_URL}/abonnement/afmeld/"));
    assert_eq!(mail.list_unsubscribe.as_deref(), Some(leave.as_str()));
    assert!(mail.html.contains(&leave), "the HTML has the link too");
    // Not again within the week, even with another new protocol.
    publish(&app, "DBCG ALERT-LATER", "DBCG");
    assert_eq!(run_round(&app, at + Duration::days(3)).alerts_queued, 0);
    // A week on, only what is new since the last alert.
    assert_eq!(run_round(&app, at + Duration::days(8)).alerts_queued, 1);
    let second =
        last_mail_at(&app, "ole@example.dk", at + Duration::days(8)).expect("the second alert");
    assert!(second.text.contains("/protokoller/dbcg-alert-later"));
    assert!(
        !second.text.contains("/protokoller/dbcg-alert-new"),
        "already told"
    );
    // Nothing new: no message.
    assert_eq!(run_round(&app, at + Duration::days(16)).alerts_queued, 0);

    // A forged signature leaves nothing.
    let path = leave
        .strip_prefix(BASE_URL)
        .expect("our address")
        .to_owned();
    // Another last character: "0", or "1" where the signature already ends in "0".
    let other = if path.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{other}", &path[..path.len() - 1]);
    let client = browser();
    let response = client
        .post(format!("{}{forged}", app.address))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        subscriptions(&app).len(),
        1,
        "a forged link deletes nothing"
    );
    // The page behind the link has a button; a mail program's one-click POST leaves.
    let (status, page) = app.page(&client, &path).await;
    assert_eq!(status, 200);
    assert_eq!(
        attrs(&page, ".alert-message form", "action"),
        vec![path.clone()]
    );
    let response = client
        .post(format!("{}{path}", app.address))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 200);
    assert!(subscriptions(&app).is_empty(), "the address is deleted");
    let (status, _) = app.page(&client, &path).await;
    assert_eq!(status, 404, "the link is spent");
}

#[tokio::test]
async fn leaving_from_the_page_needs_its_form_token() {
    let app = spawn_app(Data::Fixture).await;
    subscribe(&app, &[("email", "bo@example.dk")]).await;
    confirm_by_mail(&app, "bo@example.dk").await;
    let sub = subscriptions(&app).remove(0);
    let path = alerts::unsubscribe_url("", &app.link_key, &sub);
    let client = browser();
    let response = app.post(&client, &path, &[("csrf_token", "wrong")]).await;
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(subscriptions(&app).len(), 1);
    let (_, page) = app.page(&client, &path).await;
    let token = attrs(&page, ".alert-message input[name=csrf_token]", "value")
        .pop()
        .expect("a token");
    let response = app.post(&client, &path, &[("csrf_token", &token)]).await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(subscriptions(&app).is_empty());
}

#[tokio::test]
async fn unconfirmed_subscriptions_are_deleted_after_seven_days() {
    let app = spawn_app(Data::Fixture).await;
    subscribe(&app, &[("email", "old@example.dk")]).await;
    subscribe(&app, &[("email", "new@example.dk")]).await;
    {
        let mut conn = app.pool.get().expect("connection");
        diesel::update(a::alert_subscriptions.filter(a::email.eq("old@example.dk")))
            .set(a::created_at.eq(now() - Duration::days(8)))
            .execute(&mut conn)
            .expect("age one");
        diesel::update(a::alert_subscriptions.filter(a::email.eq("new@example.dk")))
            .set(a::created_at.eq(now() - Duration::days(6)))
            .execute(&mut conn)
            .expect("age the other");
    }
    let report = run_round(&app, now());
    assert_eq!(report.deleted_unconfirmed, 1);
    let left: Vec<String> = subscriptions(&app).into_iter().map(|s| s.email).collect();
    assert_eq!(left, vec!["new@example.dk".to_owned()]);
    // Its confirmation link no longer works.
    let mut conn = app.pool.get().expect("connection");
    assert!(
        rows::find_by_token_hash(&mut conn, &alerts::token_hash("anything"))
            .expect("query")
            .is_none()
    );
}

#[tokio::test]
async fn a_bad_address_or_choice_gets_the_form_again_with_the_message_beside_the_field() {
    let app = spawn_app(Data::Fixture).await;
    let (status, page) = subscribe(&app, &[("email", "not-an-address"), ("dmcg", "NOPE")]).await;
    assert_eq!(status, 422);
    assert_eq!(
        attrs(&page, "#a-email", "value"),
        vec!["not-an-address".to_owned()],
        "the input is kept"
    );
    assert_eq!(texts(&page, "#err-email").len(), 1);
    assert_eq!(texts(&page, "#err-dmcg").len(), 1);
    assert_eq!(texts(&page, "#form-errors li").len(), 2);
    assert!(subscriptions(&app).is_empty(), "nothing stored");
    assert!(app.deliver_mail().is_empty(), "nothing sent");
    // In English the messages are English.
    let client = browser();
    client
        .get(format!("{}/sprog/en?next=/", app.address))
        .send()
        .await
        .expect("switch");
    let token = app.csrf(&client, "/abonnement").await;
    let response = app
        .post(
            &client,
            "/abonnement",
            &[("csrf_token", token.as_str()), ("email", "")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let page = scraper::Html::parse_document(&response.text().await.expect("body"));
    assert_eq!(
        texts(&page, "h1"),
        vec!["Get told about new trials".to_owned()]
    );
    let message = texts(&page, "#err-email").join(" ");
    assert!(!message.is_empty() && message.is_ascii(), "{message}");
}
