//! Server-side sessions and login throttling counters (the rules are in `domain::accounts`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{login_throttle, sessions};
use super::DbConnection;

/// Stores a new session of a user under the hash of its token.
pub fn create(
    conn: &mut DbConnection,
    token_hash: &str,
    user_id: i32,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A session as stored: its user, when it began, when it was last used, whether it was revoked.
#[derive(Debug, Clone, Copy, Queryable)]
pub struct SessionRow {
    pub user_id: i32,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn find(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<SessionRow>> {
    sessions::table
        .find(token_hash)
        .select((
            sessions::user_id,
            sessions::created_at,
            sessions::last_seen_at,
            sessions::revoked_at,
        ))
        .first(conn)
        .optional()
}

/// Records that the session was used now.
pub fn touch(conn: &mut DbConnection, token_hash: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(sessions::table.find(token_hash))
        .set(sessions::last_seen_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Ends one session (logout).
pub fn revoke(conn: &mut DbConnection, token_hash: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(sessions::table.find(token_hash))
        .filter(sessions::revoked_at.is_null())
        .set(sessions::revoked_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Ends every session of a user except `keep` (a password change keeps the session it was
/// made in; disabling a user keeps none).
pub fn revoke_all(
    conn: &mut DbConnection,
    user_id: i32,
    keep: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let sessions = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::token_hash.ne(keep.unwrap_or_default()));
    diesel::update(sessions)
        .set(sessions::revoked_at.eq(now))
        .execute(conn)
}

/// Deletes sessions that ended before `before` (revoked or begun that long ago).
pub fn delete_ended(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        sessions::table.filter(
            sessions::created_at
                .lt(before)
                .or(sessions::revoked_at.lt(before)),
        ),
    )
    .execute(conn)
}

/// Failures recorded under any of `keys` since `since`: the largest count.
pub fn recent_failures(
    conn: &mut DbConnection,
    keys: &[String],
    since: NaiveDateTime,
) -> QueryResult<i32> {
    let counts: Vec<i32> = login_throttle::table
        .filter(login_throttle::key.eq_any(keys))
        .filter(login_throttle::last_failure_at.ge(since))
        .select(login_throttle::failures)
        .load(conn)?;
    Ok(counts.into_iter().max().unwrap_or(0))
}

/// Counts a failure under each key; a count older than `since` starts again from one.
pub fn record_failure(
    conn: &mut DbConnection,
    keys: &[String],
    since: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        for key in keys {
            let current: Option<(i32, NaiveDateTime)> = login_throttle::table
                .find(key)
                .select((login_throttle::failures, login_throttle::last_failure_at))
                .first(conn)
                .optional()?;
            match current {
                Some((failures, last)) => {
                    let failures = if last < since { 1 } else { failures + 1 };
                    diesel::update(login_throttle::table.find(key))
                        .set((
                            login_throttle::failures.eq(failures),
                            login_throttle::last_failure_at.eq(now),
                        ))
                        .execute(conn)?;
                }
                None => {
                    diesel::insert_into(login_throttle::table)
                        .values((
                            login_throttle::key.eq(key),
                            login_throttle::failures.eq(1),
                            login_throttle::last_failure_at.eq(now),
                        ))
                        .execute(conn)?;
                }
            }
        }
        Ok(())
    })
}

/// Forgets the failures under a key (after a successful login).
pub fn clear_failures(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    diesel::delete(login_throttle::table.find(key)).execute(conn)?;
    Ok(())
}
