//! The web layer: application state, routes, pages and the JSON API. The only place that
//! knows actix.

pub mod api;
pub mod error;
pub mod i18n;
pub mod layout;
pub mod pages;
pub mod text_filter;

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, Logger};
use actix_web::{web, App, HttpServer};

use crate::catalogue::CatalogueHandle;
use crate::config::Settings;
use crate::db::DbPool;

/// Everything a handler needs, built once before the server starts.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub catalogue: CatalogueHandle,
    pub settings: Settings,
}

/// How often each server checks whether the registry changed under it.
pub const REFRESH_PERIOD: Duration = Duration::from_secs(1);

/// All routes, in one place.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(pages::config).configure(api::config);
}

/// Binds the app to a listener; the caller awaits the returned server.
pub fn start(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    state.catalogue.spawn_refresher(REFRESH_PERIOD);
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            // Path only: query strings can carry a patient's age or postcode.
            .wrap(Logger::new("%{method}xi %U %s %Dms").custom_request_replace("method", |req| req.method().to_string()))
            .wrap(Compress::default())
            .wrap(
                DefaultHeaders::new()
                    .add(("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"))
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "same-origin"))
                    .add(("X-Frame-Options", "DENY")),
            )
            .configure(routes)
            .default_service(web::to(pages::not_found::not_found))
    })
    .listen(listener)?
    .run();
    Ok(server)
}
