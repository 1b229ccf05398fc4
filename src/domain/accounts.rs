//! Accounts as rules without storage: roles and what each may do, password rules, and
//! argon2id hashing.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

/// What a user may do (issue: accounts). Checked on the server for every mutating route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// DCCC secretariat: reviews, publishes, manages users and reference data.
    Admin,
    /// Submits and maintains the protocols of the DMCGs they are bound to.
    DmcgEditor,
    /// Works at the departments they are bound to (matching, offer register).
    Clinician,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::DmcgEditor, Role::Clinician];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::DmcgEditor => "dmcg_editor",
            Self::Clinician => "clinician",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
    pub fn label_da(self) -> &'static str {
        match self {
            Self::Admin => "Administrator (DCCC-sekretariatet)",
            Self::DmcgEditor => "DMCG-redaktør",
            Self::Clinician => "Kliniker",
        }
    }
}

/// A user as the rest of the app sees one (never with the password hash).
#[derive(Debug, Clone)]
pub struct User {
    pub id: i32,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub session_epoch: i32,
    pub dmcgs: Vec<String>,
    pub sites: Vec<String>,
}

impl User {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
    /// May edit the protocols of this DMCG: admins always, editors of that DMCG.
    pub fn may_edit_dmcg(&self, dmcg: &str) -> bool {
        self.is_admin() || (self.role == Role::DmcgEditor && self.dmcgs.iter().any(|d| d == dmcg))
    }
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Password rules, checked when a password is set.
pub fn check_password_rules(password: &str) -> Result<(), &'static str> {
    if password.chars().count() < 12 {
        return Err("Adgangskoden skal være mindst 12 tegn.");
    }
    if password.chars().count() > 200 {
        return Err("Adgangskoden må højst være 200 tegn.");
    }
    Ok(())
}

/// A session ends after this long without a request...
pub const SESSION_IDLE: chrono::TimeDelta = chrono::TimeDelta::hours(2);
/// ...and this long after it began, whatever its use.
pub const SESSION_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::hours(12);
/// Failed logins older than this no longer slow anyone down.
pub const FAILURE_WINDOW: chrono::TimeDelta = chrono::TimeDelta::minutes(15);
/// Failed logins within the window that cost nothing; each one after doubles the wait.
pub const FREE_FAILURES: i32 = 5;
/// The longest wait before a login attempt is checked.
pub const MAX_LOGIN_DELAY: std::time::Duration = std::time::Duration::from_secs(10);

/// Whether a session begun at `created` and last used at `last_seen` is still valid at `now`.
pub fn session_valid(
    created: chrono::NaiveDateTime,
    last_seen: chrono::NaiveDateTime,
    now: chrono::NaiveDateTime,
) -> bool {
    now - created < SESSION_LIFETIME && now - last_seen < SESSION_IDLE
}

/// How long a login (or password check) waits before it is checked, after `failures` recent
/// failures for its account or client address: nothing for the first few, then 1, 2, 4, 8 s
/// up to [`MAX_LOGIN_DELAY`]. The owner of an attacked account is slowed, never locked out.
pub fn login_delay(failures: i32) -> std::time::Duration {
    let over = failures - FREE_FAILURES;
    if over < 0 {
        return std::time::Duration::ZERO;
    }
    let seconds = 1u64 << over.min(8);
    std::time::Duration::from_secs(seconds).min(MAX_LOGIN_DELAY)
}

/// The hex SHA-256 of a text: session tokens and throttling keys are stored only so.
pub fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The throttling keys of a login attempt: its account (by normalised address, whether or not
/// the account exists, so unknown addresses are treated alike) and its client address.
pub fn throttle_keys(email: &str, client: Option<&str>) -> Vec<String> {
    let mut keys = vec![sha256_hex(&format!(
        "account:{}",
        email.trim().to_lowercase()
    ))];
    if let Some(client) = client {
        keys.push(sha256_hex(&format!("address:{client}")));
    }
    keys
}

#[cfg(test)]
mod session_tests {
    use super::*;

    #[test]
    fn login_delays_grow_after_the_free_failures_and_stop_at_the_cap() {
        let cases = [
            (0, 0),
            (4, 0),
            (5, 1),
            (6, 2),
            (7, 4),
            (8, 8),
            (9, 10),
            (50, 10),
        ];
        for (failures, seconds) in cases {
            assert_eq!(
                login_delay(failures),
                std::time::Duration::from_secs(seconds),
                "{failures} failures"
            );
        }
    }

    #[test]
    fn sessions_end_when_idle_for_two_hours_or_twelve_hours_after_login() {
        let t = |h: i64, m: i64| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d + chrono::TimeDelta::hours(h) + chrono::TimeDelta::minutes(m))
                .unwrap_or_default()
        };
        assert!(session_valid(t(0, 0), t(0, 0), t(1, 59)));
        assert!(!session_valid(t(0, 0), t(0, 0), t(2, 0)), "idle 2 h");
        assert!(session_valid(t(0, 0), t(11, 0), t(11, 59)));
        assert!(
            !session_valid(t(0, 0), t(11, 59), t(12, 0)),
            "12 h after login"
        );
    }

    #[test]
    fn throttle_keys_hide_the_address_and_ignore_case() {
        let a = throttle_keys(" Anne@Example.dk ", Some("127.0.0.1"));
        let b = throttle_keys("anne@example.dk", Some("127.0.0.1"));
        assert_eq!(a, b);
        assert_eq!(a.len(), 2);
        assert!(a.iter().all(|k| k.len() == 64 && !k.contains('@')));
        assert_ne!(a[0], throttle_keys("other@example.dk", None)[0]);
    }
}
