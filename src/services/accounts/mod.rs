//! Accounts: creating users (from the admin pages and the command line) with their history
//! entry; logging in with throttling instead of lock-out; server-side sessions that end at
//! logout, after 2 hours idle or 12 hours in all (the rules are in `domain::accounts`).

use chrono::NaiveDateTime;

use crate::db::history::{self, Actor, Change};
use crate::db::users::{self, hash_password, User, UserInput};
use crate::db::{sessions, DbConnection};
use crate::domain::accounts;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("a user with this e-mail address exists already")]
    EmailTaken,
    #[error(transparent)]
    Database(#[from] anyhow::Error),
}

/// Creates a user whose input and password were checked, and records who created it.
pub fn create_user(
    conn: &mut DbConnection,
    input: &UserInput,
    password: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<i32, AccountError> {
    if users::email_taken(conn, &input.email, None).map_err(anyhow::Error::from)? {
        return Err(AccountError::EmailTaken);
    }
    let hash = hash_password(password)?;
    let id = users::create_user(conn, input, &hash, now).map_err(anyhow::Error::from)?;
    let created = |field: &str, value: String| Change {
        field: field.into(),
        old: None,
        new: Some(value),
    };
    let changes = [
        created("email", input.email.clone()),
        created("role", input.role.as_str().into()),
        created("dmcgs", input.dmcgs.join(" ")),
        created("sites", input.sites.join(" ")),
    ];
    history::record(
        conn,
        "user",
        &id.to_string(),
        "created",
        actor,
        &changes,
        false,
        now,
    )
    .map_err(anyhow::Error::from)?;
    Ok(id)
}

/// How long a login (or password check) for these throttling keys waits before it is checked.
pub fn login_wait(
    conn: &mut DbConnection,
    keys: &[String],
    now: NaiveDateTime,
) -> anyhow::Result<std::time::Duration> {
    let failures = sessions::recent_failures(conn, keys, now - accounts::FAILURE_WINDOW)?;
    Ok(accounts::login_delay(failures))
}

/// Checks a login. On success the account's failures are forgotten and a server-side session
/// begins: the returned token goes into the cookie. On failure it counts under every key.
pub fn log_in(
    conn: &mut DbConnection,
    email: &str,
    password: &str,
    keys: &[String],
    now: NaiveDateTime,
) -> anyhow::Result<Option<(User, String)>> {
    let Some(user) = users::authenticate(conn, email, password)? else {
        sessions::record_failure(conn, keys, now - accounts::FAILURE_WINDOW, now)?;
        return Ok(None);
    };
    if let Some(account) = keys.first() {
        sessions::clear_failures(conn, account)?;
    }
    let token = new_token();
    sessions::create(conn, &accounts::sha256_hex(&token), user.id, now)?;
    // Ended sessions are of no use to anyone; a login is a good moment to forget old ones.
    sessions::delete_ended(conn, now - accounts::SESSION_LIFETIME)?;
    Ok(Some((user, token)))
}

/// Counts a wrong current password on the password form like a failed login.
pub fn record_failed_check(
    conn: &mut DbConnection,
    keys: &[String],
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    sessions::record_failure(conn, keys, now - accounts::FAILURE_WINDOW, now)?;
    Ok(())
}

/// The user of a session token, if the session is live: not revoked, used within the idle
/// time, begun within the lifetime, its user active. A live session is marked as used.
pub fn session_user(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
) -> anyhow::Result<Option<User>> {
    let hash = accounts::sha256_hex(token);
    let Some(session) = sessions::find(conn, &hash)? else {
        return Ok(None);
    };
    if session.revoked_at.is_some()
        || !accounts::session_valid(session.created_at, session.last_seen_at, now)
    {
        return Ok(None);
    }
    let Some(user) = users::find_user(conn, session.user_id)?.filter(|u| u.active) else {
        return Ok(None);
    };
    // One write a minute at most per session, not one per request.
    if now - session.last_seen_at >= chrono::TimeDelta::minutes(1) {
        sessions::touch(conn, &hash, now)?;
    }
    Ok(Some(user))
}

/// Ends a session (logout): the token no longer works, even if the cookie is replayed.
pub fn log_out(conn: &mut DbConnection, token: &str, now: NaiveDateTime) -> anyhow::Result<()> {
    sessions::revoke(conn, &accounts::sha256_hex(token), now)?;
    Ok(())
}

/// 32 random bytes from the OS, as hex.
fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
