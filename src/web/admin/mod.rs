//! `/admin`: DCCC's secretariat: the review queue, users, the history and outbox failures.

pub mod dashboard;
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
        );
}
