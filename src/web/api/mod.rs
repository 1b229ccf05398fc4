//! The public, read-only JSON API under `/api/v1` (contract.md §3). Everything under `/api/`
//! that is not a success answers with the contract's JSON error body (§6), see [`errors`].

pub mod batch;
pub mod department;
pub mod errors;
pub mod indicator;
pub mod matching;
pub mod openapi;
pub mod params;
pub mod protocols;
pub mod reference;

use actix_web::web;

/// One resource per path, so that a wrong method is a 405 (with `Allow`) rather than a miss.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api")
            .app_data(errors::json_config())
            .app_data(errors::payload_config())
            .wrap(errors::contract_errors())
            .service(web::resource("/v1/protocols").route(web::get().to(protocols::list_protocols)))
            .service(
                web::resource("/v1/protocols.csv")
                    .route(web::get().to(protocols::list_protocols_csv)),
            )
            .service(web::resource("/v1/match").route(web::post().to(matching::match_api)))
            .service(web::resource("/v1/match/batch").route(web::post().to(batch::match_batch)))
            .service(web::resource("/v1/openapi.json").route(web::get().to(openapi::show_openapi)))
            .service(web::resource("/v1/indicator").route(web::get().to(indicator::show_indicator)))
            .service(
                web::resource("/v1/protocols/{slug}")
                    .route(web::get().to(protocols::show_protocol)),
            )
            .service(
                web::resource("/v1/reference/sites/{code}")
                    .route(web::get().to(department::show_site)),
            )
            .service(
                web::resource("/v1/reference/{kind}")
                    .route(web::get().to(reference::show_reference)),
            )
            .default_service(web::to(errors::unknown_path)),
    );
}
