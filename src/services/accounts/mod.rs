//! Accounts: creating users (from the admin pages and the command line) with their history
//! entry. Logging in, sessions and password changes are in `web::auth` and `db::users`.

use chrono::NaiveDateTime;

use crate::db::history::{self, Actor, Change};
use crate::db::users::{self, hash_password, UserInput};
use crate::db::DbConnection;

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
