//! The `mail_outbox` table: messages waiting to be sent, their attempts and the backoff
//! between them. Writing a row is all a request does; the worker in `super` sends.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::OutgoingMail;
use crate::db::DbConnection;

use crate::db::schema::mail_outbox;
use mail_outbox::dsl as o;

/// The first retry waits this long; each further failure doubles the wait.
const FIRST_RETRY: TimeDelta = TimeDelta::seconds(30);
/// The longest wait between two attempts: a message is retried at least hourly, forever.
const LONGEST_RETRY: TimeDelta = TimeDelta::hours(1);
/// How long a worker may hold a message it is sending before another worker may take it.
/// Longer than any one SMTP conversation (each step times out after 10 s).
pub(super) const CLAIM_LEASE: TimeDelta = TimeDelta::minutes(10);
/// Stored error texts are cut to this many characters.
const ERROR_TEXT_LIMIT: usize = 1000;

/// Queues a message; call it inside the transaction that makes the change the message
/// reports, so both are committed together (or neither is).
pub fn enqueue(
    conn: &mut DbConnection,
    mail: &OutgoingMail,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(mail_outbox::table)
        .values((
            o::recipient.eq(&mail.to),
            o::subject.eq(&mail.subject),
            o::body_text.eq(&mail.text),
            o::body_html.eq(&mail.html),
            o::kind.eq(mail.kind),
            o::attempts.eq(0),
            o::next_attempt_at.eq(now),
            o::created_at.eq(now),
            o::list_unsubscribe.eq(&mail.list_unsubscribe),
        ))
        .execute(conn)?;
    Ok(())
}

/// How long to wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, ... up to 1 h.
pub fn backoff(attempts: i32) -> TimeDelta {
    // Past 2^7 the cap applies anyway; clamping the exponent keeps the multiplication small.
    let doublings = attempts.saturating_sub(1).clamp(0, 8);
    (FIRST_RETRY * (1 << doublings)).min(LONGEST_RETRY)
}

/// A queued message as stored.
#[derive(Debug, Clone, Queryable)]
pub(super) struct OutboxRow {
    pub id: i32,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub kind: String,
    pub attempts: i32,
    pub list_unsubscribe: Option<String>,
}

/// Unsent messages whose time has come, oldest first.
pub(super) fn due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    o::mail_outbox
        .filter(o::sent_at.is_null())
        .filter(o::next_attempt_at.le(now))
        .order((o::next_attempt_at.asc(), o::id.asc()))
        .limit(limit)
        .select((
            o::id,
            o::recipient,
            o::subject,
            o::body_text,
            o::body_html,
            o::kind,
            o::attempts,
            o::list_unsubscribe,
        ))
        .load(conn)
}

/// Takes a due message for sending by moving its next attempt past the lease; false when
/// another worker (another server on the same database) took it first.
pub(super) fn claim(conn: &mut DbConnection, id: i32, now: NaiveDateTime) -> QueryResult<bool> {
    let taken = diesel::update(
        o::mail_outbox
            .filter(o::id.eq(id))
            .filter(o::sent_at.is_null())
            .filter(o::next_attempt_at.le(now)),
    )
    .set(o::next_attempt_at.eq(now + CLAIM_LEASE))
    .execute(conn)?;
    Ok(taken == 1)
}

/// Records that the mail server accepted the message.
pub(super) fn mark_sent(conn: &mut DbConnection, id: i32, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(o::mail_outbox.filter(o::id.eq(id)))
        .set((o::sent_at.eq(Some(now)), o::last_error.eq(None::<String>)))
        .execute(conn)?;
    Ok(())
}

/// Records a failed attempt (the `attempts`-th) and when to try again.
pub(super) fn mark_failed(
    conn: &mut DbConnection,
    id: i32,
    attempts: i32,
    error: &str,
    now: NaiveDateTime,
) -> QueryResult<NaiveDateTime> {
    let next = now + backoff(attempts);
    let error: String = error.chars().take(ERROR_TEXT_LIMIT).collect();
    diesel::update(o::mail_outbox.filter(o::id.eq(id)))
        .set((
            o::attempts.eq(attempts),
            o::last_error.eq(Some(error)),
            o::next_attempt_at.eq(next),
        ))
        .execute(conn)?;
    Ok(next)
}

/// An unsent message that has failed at least once, for the admin dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct OutboxFailure {
    pub id: i32,
    pub recipient: String,
    pub subject: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: NaiveDateTime,
}

/// Unsent messages that have failed at least once, oldest first.
pub fn failures(conn: &mut DbConnection) -> QueryResult<Vec<OutboxFailure>> {
    o::mail_outbox
        .filter(o::sent_at.is_null())
        .filter(o::attempts.gt(0))
        .order(o::id.asc())
        .select((
            o::id,
            o::recipient,
            o::subject,
            o::attempts,
            o::last_error,
            o::next_attempt_at,
        ))
        .load(conn)
}

/// How many messages are not yet sent (due or waiting for a retry).
pub fn pending_count(conn: &mut DbConnection) -> QueryResult<i64> {
    o::mail_outbox
        .filter(o::sent_at.is_null())
        .count()
        .get_result(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_and_stops_at_an_hour() {
        for (attempts, seconds) in [
            (1, 30),
            (2, 60),
            (3, 120),
            (4, 240),
            (5, 480),
            (6, 960),
            (7, 1920),
            (8, 3600),
            (9, 3600),
            (1000, 3600),
            (i32::MAX, 3600),
        ] {
            assert_eq!(
                backoff(attempts),
                TimeDelta::seconds(seconds),
                "after {attempts} failed attempts"
            );
        }
    }

    #[test]
    fn backoff_before_any_failure_is_the_first_retry() {
        assert_eq!(backoff(0), FIRST_RETRY);
        assert_eq!(backoff(-3), FIRST_RETRY);
    }
}
