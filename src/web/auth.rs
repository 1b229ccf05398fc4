//! Sessions, the logged-in user, CSRF tokens and role checks. Sessions live in signed and
//! encrypted cookies (actix-session); each request re-reads the user, so a disabled user or
//! a changed password ends older sessions at once.

use std::future::Future;
use std::pin::Pin;

use actix_session::config::{CookieContentSecurity, PersistentSession};
use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionExt, SessionMiddleware};
use actix_web::cookie::{Key, SameSite};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use rand::RngCore;
use subtle::ConstantTimeEq;

use super::error::{internal, PageError};
use super::AppState;
use crate::config::Settings;
use crate::db::users::User;
use crate::services::accounts;
use chrono::Utc;

/// The cookie holds the token of a server-side session (see `services::accounts`).
const TOKEN: &str = "sid";
const EPOCH: &str = "epoch";
const CSRF: &str = "csrf";
pub const CSRF_FIELD: &str = "csrf_token";

/// The key that signs and encrypts session cookies: from `SECRET_KEY`, or generated once and
/// kept in `DATA_DIR/session.key` so that sessions survive a restart.
pub fn session_key(settings: &Settings) -> anyhow::Result<Key> {
    if let Some(secret) = &settings.secret_key {
        return Ok(Key::derive_from(secret.as_bytes()));
    }
    let path = settings.data_dir.join("session.key");
    if let Ok(bytes) = std::fs::read(&path) {
        if bytes.len() >= 64 {
            return Ok(Key::from(&bytes));
        }
    }
    std::fs::create_dir_all(&settings.data_dir)?;
    let mut bytes = [0u8; 64];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    std::fs::write(&path, bytes)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(Key::from(&bytes))
}

pub fn session_middleware(key: Key, secure: bool) -> SessionMiddleware<CookieSessionStore> {
    SessionMiddleware::builder(CookieSessionStore::default(), key)
        .cookie_name("dccc_session".into())
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_secure(secure)
        .cookie_content_security(CookieContentSecurity::Private)
        .session_lifecycle(
            PersistentSession::default().session_ttl(actix_web::cookie::time::Duration::hours(12)),
        )
        .build()
}

/// Refuses a token that does not match the session's (compared in constant time).
pub fn check_csrf(session: &Session, submitted: Option<&str>) -> Result<(), PageError> {
    let expected = session.get::<String>(CSRF).ok().flatten();
    match (expected, submitted) {
        (Some(e), Some(s)) if bool::from(e.as_bytes().ct_eq(s.as_bytes())) => Ok(()),
        _ => Err(PageError::bad_csrf()),
    }
}

/// Who is asking: the session and, when logged in and still valid, the user.
pub struct Viewer {
    pub session: Session,
    pub user: Option<User>,
}

impl Viewer {
    /// Whether a DCCC administrator is logged in (exact figures, every department).
    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(User::is_admin)
    }

    /// The session's CSRF token, created on first use.
    pub fn csrf(&self) -> String {
        if let Ok(Some(token)) = self.session.get::<String>(CSRF) {
            return token;
        }
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let _ = self.session.insert(CSRF, &token);
        token
    }

    /// Refuses a form whose token does not match the session's.
    pub fn check_csrf(&self, submitted: Option<&str>) -> Result<(), PageError> {
        check_csrf(&self.session, submitted)
    }

    /// The user, or a redirect to the login page that comes back here.
    pub fn require(&self, req: &HttpRequest) -> Result<&User, PageError> {
        self.user.as_ref().ok_or_else(|| {
            let next = if req.method() == actix_web::http::Method::GET {
                match req.query_string() {
                    "" => req.path().to_owned(),
                    q => format!("{}?{q}", req.path()),
                }
            } else {
                "/".to_owned()
            };
            PageError::login_required(next)
        })
    }

    pub fn require_admin(&self, req: &HttpRequest) -> Result<&User, PageError> {
        let user = self.require(req)?;
        if user.is_admin() {
            Ok(user)
        } else {
            Err(PageError::forbidden())
        }
    }

    /// Editors and admins: those who maintain protocols.
    pub fn require_editor(&self, req: &HttpRequest) -> Result<&User, PageError> {
        let user = self.require(req)?;
        if user.is_admin() || user.role == crate::db::users::Role::DmcgEditor {
            Ok(user)
        } else {
            Err(PageError::forbidden())
        }
    }

    /// Starts a session for a user who just logged in: a fresh cookie (against fixation)
    /// holding the token of the server-side session.
    pub fn log_in(&self, user: &User, token: &str) -> Result<(), PageError> {
        self.session.renew();
        self.session.insert(TOKEN, token).map_err(internal)?;
        self.session
            .insert(EPOCH, user.session_epoch)
            .map_err(internal)?;
        Ok(())
    }

    /// The token of this request's server-side session, if it has one.
    pub fn token(&self) -> Option<String> {
        self.session.get::<String>(TOKEN).ok().flatten()
    }

    /// Forgets the cookie; the server-side session is revoked by the logout handler.
    pub fn forget(&self) {
        self.session.purge();
    }

    /// After a password change: keep this session valid under the new epoch.
    pub fn set_epoch(&self, epoch: i32) -> Result<(), PageError> {
        self.session.insert(EPOCH, epoch).map_err(internal)
    }
}

impl FromRequest for Viewer {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let token = session.get::<String>(TOKEN).ok().flatten();
            let epoch = session.get::<i32>(EPOCH).ok().flatten();
            let (Some(token), Some(epoch), Some(state)) = (token, epoch, state) else {
                return Ok(Self {
                    session,
                    user: None,
                });
            };
            let pool = state.pool.clone();
            let user = web::block(move || -> anyhow::Result<Option<User>> {
                let mut conn = pool.get()?;
                accounts::session_user(&mut conn, &token, Utc::now().naive_utc())
            })
            .await
            .map_err(internal)?
            .map_err(internal)?
            .filter(|u| u.session_epoch == epoch);
            if user.is_none() {
                session.purge();
            }
            Ok(Self { session, user })
        })
    }
}
