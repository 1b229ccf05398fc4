//! Logging in and out, and changing one's own password.

pub mod login;
pub mod logout;
pub mod password;

use actix_web::web;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(login::show_login))
        .route("/login", web::post().to(login::log_in))
        .route("/logout", web::post().to(logout::log_out))
        .route(
            "/konto/adgangskode",
            web::get().to(password::show_password_form),
        )
        .route(
            "/konto/adgangskode",
            web::post().to(password::change_password),
        );
}

/// Only a local path may be returned to after logging in.
pub fn safe_next(next: &str) -> String {
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
    {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}
