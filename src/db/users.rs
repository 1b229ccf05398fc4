//! User accounts in the database: rows, the DMCGs and departments a user is bound to,
//! failed-login throttling, and the session epoch that invalidates old sessions. The rules
//! (roles, password rules, hashing) are in `domain::accounts`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{user_dmcgs, user_sites, users};
use super::DbConnection;
use crate::domain::accounts::verify_password;
pub use crate::domain::accounts::{check_password_rules, hash_password, Role, User};

#[derive(Debug, Clone, Queryable)]
struct UserRow {
    id: i32,
    email: String,
    display_name: String,
    password_hash: String,
    role: String,
    active: i16,
    session_epoch: i32,
    #[expect(dead_code, reason = "loaded with the row; shown nowhere yet")]
    created_at: NaiveDateTime,
    #[expect(dead_code, reason = "loaded with the row; shown nowhere yet")]
    updated_at: NaiveDateTime,
}

fn to_user(conn: &mut DbConnection, row: UserRow) -> QueryResult<User> {
    let dmcgs = user_dmcgs::table
        .filter(user_dmcgs::user_id.eq(row.id))
        .select(user_dmcgs::dmcg)
        .order(user_dmcgs::dmcg)
        .load(conn)?;
    let sites = user_sites::table
        .filter(user_sites::user_id.eq(row.id))
        .select(user_sites::site_code)
        .order(user_sites::site_code)
        .load(conn)?;
    let role = Role::parse(&row.role).ok_or_else(|| {
        diesel::result::Error::DeserializationError(format!("unknown role {}", row.role).into())
    })?;
    Ok(User {
        id: row.id,
        email: row.email,
        display_name: row.display_name,
        role,
        active: row.active == 1,
        session_epoch: row.session_epoch,
        dmcgs,
        sites,
    })
}

pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The fields of a new or edited user.
#[derive(Debug, Clone)]
pub struct UserInput {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub dmcgs: Vec<String>,
    pub sites: Vec<String>,
}

fn set_bindings(conn: &mut DbConnection, id: i32, input: &UserInput) -> QueryResult<()> {
    diesel::delete(user_dmcgs::table.filter(user_dmcgs::user_id.eq(id))).execute(conn)?;
    diesel::delete(user_sites::table.filter(user_sites::user_id.eq(id))).execute(conn)?;
    for d in &input.dmcgs {
        diesel::insert_into(user_dmcgs::table)
            .values((user_dmcgs::user_id.eq(id), user_dmcgs::dmcg.eq(d)))
            .execute(conn)?;
    }
    for s in &input.sites {
        diesel::insert_into(user_sites::table)
            .values((user_sites::user_id.eq(id), user_sites::site_code.eq(s)))
            .execute(conn)?;
    }
    Ok(())
}

/// Creates a user; returns its id.
pub fn create_user(
    conn: &mut DbConnection,
    input: &UserInput,
    password_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    let email = normalise_email(&input.email);
    diesel::insert_into(users::table)
        .values((
            users::email.eq(&email),
            users::display_name.eq(input.display_name.trim()),
            users::password_hash.eq(password_hash),
            users::role.eq(input.role.as_str()),
            users::active.eq(1i16),
            users::session_epoch.eq(0),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    let id = users::table
        .filter(users::email.eq(&email))
        .select(users::id)
        .first(conn)?;
    set_bindings(conn, id, input)?;
    Ok(id)
}

/// Changes a user's name, role and bindings.
pub fn update_user(
    conn: &mut DbConnection,
    id: i32,
    input: &UserInput,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(normalise_email(&input.email)),
            users::display_name.eq(input.display_name.trim()),
            users::role.eq(input.role.as_str()),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    set_bindings(conn, id, input)
}

/// Enables or disables a user; disabling ends every session of theirs.
pub fn set_active(
    conn: &mut DbConnection,
    id: i32,
    active: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::active.eq(i16::from(active)),
            users::session_epoch.eq(users::session_epoch + 1),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sets a new password hash and ends the user's other sessions.
pub fn set_password(
    conn: &mut DbConnection,
    id: i32,
    password_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::session_epoch.eq(users::session_epoch + 1),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    users::table
        .find(id)
        .select(users::session_epoch)
        .first(conn)
}

pub fn find_user(conn: &mut DbConnection, id: i32) -> QueryResult<Option<User>> {
    match users::table.find(id).first::<UserRow>(conn).optional()? {
        Some(row) => Ok(Some(to_user(conn, row)?)),
        None => Ok(None),
    }
}

pub fn email_taken(conn: &mut DbConnection, email: &str, except: Option<i32>) -> QueryResult<bool> {
    let mut q = users::table
        .filter(users::email.eq(normalise_email(email)))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(users::id.ne(id));
    }
    Ok(q.count().get_result::<i64>(conn)? > 0)
}

pub fn list_users(conn: &mut DbConnection) -> QueryResult<Vec<User>> {
    let rows: Vec<UserRow> = users::table.order(users::email).load(conn)?;
    rows.into_iter().map(|r| to_user(conn, r)).collect()
}

pub fn count_admins(conn: &mut DbConnection) -> QueryResult<i64> {
    users::table
        .filter(users::role.eq("admin").and(users::active.eq(1i16)))
        .count()
        .get_result(conn)
}

/// Failures before an account is locked, and for how long.
/// Checks a password. An unknown address costs the same work as a known one, so timing does
/// not tell which addresses have accounts; throttling is in `services::accounts`.
pub fn authenticate(
    conn: &mut DbConnection,
    email: &str,
    password: &str,
) -> QueryResult<Option<User>> {
    let Some(row) = users::table
        .filter(users::email.eq(normalise_email(email)))
        .first::<UserRow>(conn)
        .optional()?
    else {
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let dummy = DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default());
        let _ = verify_password(dummy, password);
        return Ok(None);
    };
    if !verify_password(&row.password_hash, password) || row.active != 1 {
        return Ok(None);
    }
    Ok(Some(to_user(conn, row)?))
}

/// Checks the current password of a logged-in user (for changing it).
pub fn password_matches(conn: &mut DbConnection, id: i32, password: &str) -> QueryResult<bool> {
    let hash: String = users::table
        .find(id)
        .select(users::password_hash)
        .first(conn)?;
    Ok(verify_password(&hash, password))
}

/// E-mail addresses of the active editors of a DMCG.
pub fn editor_emails(conn: &mut DbConnection, dmcg: &str) -> QueryResult<Vec<String>> {
    users::table
        .inner_join(user_dmcgs::table)
        .filter(user_dmcgs::dmcg.eq(dmcg))
        .filter(
            users::role
                .eq(Role::DmcgEditor.as_str())
                .and(users::active.eq(1i16)),
        )
        .select(users::email)
        .order(users::email)
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hashed_with_argon2id_and_verified() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "wrong horse battery"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn editors_edit_only_their_own_dmcgs() {
        let mut user = User {
            id: 1,
            email: "e@x.dk".into(),
            display_name: "E".into(),
            role: Role::DmcgEditor,
            active: true,
            session_epoch: 0,
            dmcgs: vec!["DBCG".into()],
            sites: vec![],
        };
        assert!(user.may_edit_dmcg("DBCG"));
        assert!(!user.may_edit_dmcg("DLCG"));
        user.role = Role::Clinician;
        assert!(!user.may_edit_dmcg("DBCG"));
        user.role = Role::Admin;
        assert!(user.may_edit_dmcg("DLCG"));
    }
}
