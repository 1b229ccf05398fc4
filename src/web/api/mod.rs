//! The public, read-only JSON API under `/api/v1` (contract.md §3).

pub mod indicator;
pub mod matching;
pub mod protocols;
pub mod reference;

use actix_web::web;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .route("/protocols", web::get().to(protocols::list_protocols))
            .route("/match", web::post().to(matching::match_api))
            .route("/indicator", web::get().to(indicator::show_indicator))
            .route("/protocols/{slug}", web::get().to(protocols::show_protocol))
            .route(
                "/reference/{kind}",
                web::get().to(reference::show_reference),
            ),
    );
}
