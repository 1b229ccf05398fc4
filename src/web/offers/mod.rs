//! `/tilbud`: the offer register for clinicians (their own departments) and DCCC staff:
//! list, register, edit, annul and import MDT decisions.

pub mod filter;
pub mod form;
pub mod import;
pub mod indicator;
pub mod list;
pub mod show;

use actix_web::web;

use super::auth::Viewer;
use super::error::PageError;
use crate::db::users::User;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/tilbud", web::get().to(list::list_offers))
        .route("/tilbud.csv", web::get().to(list::export_offers))
        .route("/tilbud/ny", web::get().to(form::new_offer))
        .route("/tilbud/ny", web::post().to(form::create_offer))
        .route(
            "/tilbud/indikator",
            web::get().to(indicator::show_department_indicator),
        )
        .route("/tilbud/import", web::get().to(import::import_form))
        .route("/tilbud/import", web::post().to(import::import_offers))
        .route("/tilbud/{id}", web::get().to(show::show_offer))
        .route("/tilbud/{id}/rediger", web::get().to(form::edit_offer))
        .route("/tilbud/{id}/rediger", web::post().to(form::update_offer))
        .route("/tilbud/{id}/annuller", web::post().to(show::annul_offer));
}

/// The logged-in clinician or admin; others may not use the register.
pub fn require_register_user<'a>(
    viewer: &'a Viewer,
    req: &actix_web::HttpRequest,
) -> Result<&'a User, PageError> {
    let user = viewer.require(req)?;
    if crate::services::offers::uses_register(user) {
        Ok(user)
    } else {
        Err(PageError::forbidden())
    }
}
