//! `/admin`: DCCC's secretariat: the review queue, users, reference data, the history and
//! outbox failures.

pub mod dashboard;
pub mod reference;
pub mod reference_fields;
pub mod review;
pub mod users;

use actix_web::web;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(dashboard::admin_dashboard))
        .route("/admin/historik", web::get().to(dashboard::all_history))
        .route("/admin/kladder/{id}", web::get().to(review::show_review))
        .route(
            "/admin/kladder/{id}/offentliggoer",
            web::post().to(review::publish_draft),
        )
        .route(
            "/admin/kladder/{id}/returner",
            web::post().to(review::return_draft),
        )
        .route("/admin/brugere", web::get().to(users::list_users))
        .route("/admin/brugere/ny", web::get().to(users::new_user))
        .route("/admin/brugere/ny", web::post().to(users::create_user))
        .route("/admin/brugere/{id}", web::get().to(users::edit_user))
        .route("/admin/brugere/{id}", web::post().to(users::update_user))
        .route(
            "/admin/brugere/{id}/aktiv",
            web::post().to(users::set_active),
        )
        .route(
            "/admin/reference/{table}",
            web::get().to(reference::list_reference),
        )
        .route(
            "/admin/reference/{table}/ny",
            web::get().to(reference::new_reference),
        )
        .route(
            "/admin/reference/{table}/ny",
            web::post().to(reference::create_reference),
        )
        .route(
            "/admin/reference/{table}/{key}",
            web::get().to(reference::edit_reference),
        )
        .route(
            "/admin/reference/{table}/{key}",
            web::post().to(reference::update_reference),
        );
}
