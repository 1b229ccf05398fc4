//! The `alert_subscriptions` table: who asked to hear about newly opened protocols, with
//! which filter, and whether they confirmed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::alert_subscriptions;
use crate::db::DbConnection;
use alert_subscriptions::dsl as a;

/// A subscription as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Subscription {
    pub id: i32,
    pub email: String,
    pub lang: String,
    pub dmcg: Option<String>,
    pub region: Option<i32>,
    pub lay_group: Option<String>,
    pub phase: Option<String>,
    pub audience: Option<String>,
    pub confirm_token_hash: String,
    pub created_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub last_sent_at: Option<NaiveDateTime>,
}

/// A new, unconfirmed subscription.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = alert_subscriptions)]
pub struct NewSubscription<'a> {
    pub email: &'a str,
    pub lang: &'a str,
    pub dmcg: Option<&'a str>,
    pub region: Option<i32>,
    pub lay_group: Option<&'a str>,
    pub phase: Option<&'a str>,
    pub audience: Option<&'a str>,
    pub confirm_token_hash: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, new: &NewSubscription<'_>) -> QueryResult<()> {
    diesel::insert_into(alert_subscriptions::table)
        .values(new)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Subscription>> {
    a::alert_subscriptions
        .filter(a::id.eq(id))
        .first(conn)
        .optional()
}

pub fn find_by_token_hash(
    conn: &mut DbConnection,
    hash: &str,
) -> QueryResult<Option<Subscription>> {
    a::alert_subscriptions
        .filter(a::confirm_token_hash.eq(hash))
        .first(conn)
        .optional()
}

/// The unconfirmed subscriptions of an address made since `since`.
pub fn pending_since(
    conn: &mut DbConnection,
    email: &str,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    a::alert_subscriptions
        .filter(a::email.eq(email))
        .filter(a::confirmed_at.is_null())
        .filter(a::created_at.ge(since))
        .count()
        .get_result(conn)
}

pub fn confirm(conn: &mut DbConnection, id: i32, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(a::alert_subscriptions.filter(a::id.eq(id)))
        .set(a::confirmed_at.eq(Some(now)))
        .execute(conn)
        .map(|_| ())
}

pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(a::alert_subscriptions.filter(a::id.eq(id))).execute(conn)
}

/// Deletes the subscriptions never confirmed and made before `before`; how many.
pub fn delete_unconfirmed_before(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        a::alert_subscriptions
            .filter(a::confirmed_at.is_null())
            .filter(a::created_at.lt(before)),
    )
    .execute(conn)
}

/// Confirmed subscriptions last mailed before `before` (or never).
pub fn confirmed_due(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> QueryResult<Vec<Subscription>> {
    a::alert_subscriptions
        .filter(a::confirmed_at.is_not_null())
        .filter(a::last_sent_at.is_null().or(a::last_sent_at.lt(before)))
        .order(a::id.asc())
        .load(conn)
}

pub fn mark_sent(conn: &mut DbConnection, id: i32, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(a::alert_subscriptions.filter(a::id.eq(id)))
        .set(a::last_sent_at.eq(Some(now)))
        .execute(conn)
        .map(|_| ())
}
