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
