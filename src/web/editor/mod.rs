//! `/redaktion`: where DMCG editors (and admins) write, submit and maintain protocols.

pub mod ctgov;
pub mod dashboard;
pub mod draft;
pub mod form;
pub mod manage;

use actix_web::web;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/redaktion", web::get().to(dashboard::editor_dashboard))
        .route("/redaktion/ny", web::get().to(draft::new_protocol))
        .route("/redaktion/ctgov", web::get().to(ctgov::show_ctgov_form))
        .route("/redaktion/ctgov", web::post().to(ctgov::import_from_ctgov))
        .route("/redaktion/ny", web::post().to(draft::create_protocol))
        .route("/redaktion/kladder/{id}", web::get().to(draft::edit_draft))
        .route(
            "/redaktion/kladder/{id}",
            web::post().to(draft::update_draft),
        )
        .route(
            "/redaktion/protokoller/{slug}",
            web::get().to(manage::manage_protocol),
        )
        .route(
            "/redaktion/protokoller/{slug}/status",
            web::post().to(manage::change_status),
        )
        .route(
            "/redaktion/protokoller/{slug}/bekraeft",
            web::post().to(manage::confirm_protocol),
        )
        .route(
            "/redaktion/protokoller/{slug}/revision",
            web::post().to(manage::start_revision),
        );
}
