//! The web layer: application state, routes, pages and the JSON API. The only place that
//! knows actix.

pub mod account;
pub mod admin;
pub mod alerts;
pub mod api;
pub mod auth;
pub mod body_timeout;
pub mod editor;
pub mod error;
pub mod extract;
pub mod feeds;
pub mod fhir;
pub mod forms;
pub mod history;
pub mod i18n;
pub mod layout;
pub mod map;
pub mod match_;
pub mod no_store;
pub mod offers;
pub mod pages;
pub mod reports;
pub mod state;
pub mod time;
pub mod upload;

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress, DefaultHeaders, Logger};
use actix_web::{web, App, HttpServer};

use crate::mail::spawn_worker;
pub use state::AppState;

/// How often queued e-mail is sent.
pub const MAIL_PERIOD: Duration = Duration::from_secs(5);

/// How often each server checks whether the registry changed under it.
pub const REFRESH_PERIOD: Duration = Duration::from_secs(1);

/// How long a client may take to send a request's head (the request line and headers) before
/// it is answered 408. The body has its own deadline: [`body_timeout::BODY_IDLE_TIMEOUT`].
pub const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a connection being closed waits for the client to acknowledge it.
pub const CLIENT_DISCONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// All routes, in one place.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(pages::config)
        .configure(account::config)
        .configure(editor::config)
        .configure(admin::config)
        .configure(match_::config)
        .configure(offers::config)
        .configure(reports::config)
        .configure(feeds::config)
        .configure(alerts::config)
        .configure(fhir::config)
        .configure(api::config);
}

/// Binds the app to a listener; the caller awaits the returned server.
pub fn start(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    state
        .read_models()
        .spawn_refresher(state.pool.clone(), REFRESH_PERIOD);
    spawn_worker(state.mailer.clone(), state.pool.clone(), MAIL_PERIOD);
    crate::services::protocols::freshness::spawn(
        state.pool.clone(),
        state.settings.base_url.clone(),
    );
    crate::services::interchange::export::spawn(
        state.pool.clone(),
        state.catalogue.clone(),
        state.settings.base_url.trim_end_matches('/').to_owned(),
        crate::services::interchange::export::export_dir(&state.settings.data_dir),
    );
    crate::services::alerts::spawn(
        state.pool.clone(),
        state.catalogue.clone(),
        state.settings.base_url.clone(),
        state.link_key.to_vec(),
    );
    if state.settings.ctgov_sync_hours > 0 {
        crate::services::interchange::ctgov::sync::spawn(
            state.pool.clone(),
            state.settings.ctgov_api_url.clone(),
            state.settings.base_url.clone(),
            std::time::Duration::from_secs(state.settings.ctgov_sync_hours * 3600),
        );
    }
    let key = auth::session_key(&state.settings).map_err(std::io::Error::other)?;
    let secure = state.settings.base_url.starts_with("https://");
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .wrap(access_log())
            .wrap(auth::session_middleware(key.clone(), secure))
            .wrap(Compress::default())
            .wrap(from_fn(no_store::mark_no_store))
            .wrap(from_fn(body_timeout::limit_body_reads))
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
    .client_request_timeout(CLIENT_REQUEST_TIMEOUT)
    .client_disconnect_timeout(CLIENT_DISCONNECT_TIMEOUT)
    .listen(listener)?
    .run();
    Ok(server)
}

/// The access log: method, the matched route pattern (`/protokoller/{slug}`), status and
/// time. Never the path or the query string: a patient's age, postcode or CPR number can be
/// typed into either. A request that matches no route is logged as `-`.
fn access_log() -> Logger {
    Logger::new("%{method}xi %{route}xi %s %Dms")
        .custom_request_replace("method", |req| req.method().to_string())
        .custom_request_replace("route", |req| {
            req.match_pattern().unwrap_or_else(|| "-".to_owned())
        })
}

/// 303 See Other: where a successful POST sends the browser (post/redirect/get).
pub fn see_other(location: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish()
}

/// Runs database work on the blocking pool with a pooled connection.
pub async fn with_conn<R, F>(state: &AppState, work: F) -> Result<R, error::PageError>
where
    R: Send + 'static,
    F: FnOnce(&mut crate::db::DbConnection) -> anyhow::Result<R> + Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        work(&mut conn)
    })
    .await
    .map_err(error::internal)?
    .map_err(error::internal)
}

/// Runs a service step that may be refused (its error turns into the page's: not found,
/// forbidden, conflict ...) on the blocking pool with a pooled connection.
pub async fn run_step<R, E, F>(state: &AppState, work: F) -> Result<R, error::PageError>
where
    R: Send + 'static,
    E: Into<error::PageError> + Send + 'static,
    F: FnOnce(&mut crate::db::DbConnection) -> Result<R, E> + Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || -> anyhow::Result<Result<R, E>> { Ok(work(&mut *pool.get()?)) })
        .await
        .map_err(error::internal)?
        .map_err(error::internal)?
        .map_err(Into::into)
}
