//! The web layer: application state, routes, pages and the JSON API. The only place that
//! knows actix.

pub mod account;
pub mod admin;
pub mod api;
pub mod auth;
pub mod editor;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod layout;
pub mod match_;
pub mod messages;
pub mod offers;
pub mod pages;
pub mod reports;

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, Logger};
use actix_web::{web, App, HttpServer};

use std::sync::Arc;

use crate::catalogue::CatalogueHandle;
use crate::config::Settings;
use crate::db::DbPool;
use crate::mail::{spawn_worker, Mailer};

/// Everything a handler needs, built once before the server starts.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub catalogue: CatalogueHandle,
    pub settings: Settings,
    pub mailer: Arc<Mailer>,
}

impl AppState {
    pub fn mail_context(&self) -> crate::workflow::MailContext {
        crate::workflow::MailContext {
            inbox: self.settings.protocol_inbox.clone(),
            base_url: self.settings.base_url.clone(),
        }
    }
}

/// How often queued e-mail is sent.
pub const MAIL_PERIOD: Duration = Duration::from_secs(5);

/// How often each server checks whether the registry changed under it.
pub const REFRESH_PERIOD: Duration = Duration::from_secs(1);

/// All routes, in one place.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(pages::config)
        .configure(account::config)
        .configure(editor::config)
        .configure(admin::config)
        .configure(match_::config)
        .configure(offers::config)
        .configure(reports::config)
        .configure(api::config);
}

/// Binds the app to a listener; the caller awaits the returned server.
pub fn start(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    state.catalogue.spawn_refresher(REFRESH_PERIOD);
    spawn_worker(state.mailer.clone(), state.pool.clone(), MAIL_PERIOD);
    crate::reminders::spawn(state.clone());
    let key = auth::session_key(&state.settings).map_err(std::io::Error::other)?;
    let secure = state.settings.base_url.starts_with("https://");
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            // Path only: query strings can carry a patient's age or postcode.
            .wrap(Logger::new("%{method}xi %U %s %Dms").custom_request_replace("method", |req| req.method().to_string()))
            .wrap(auth::session_middleware(key.clone(), secure))
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

/// Maps a refused workflow step to its page; `Invalid` is handled by the form pages.
pub fn workflow_error(e: crate::workflow::WorkflowError) -> error::PageError {
    use crate::workflow::WorkflowError as W;
    match e {
        W::NotFound => error::PageError::NotFound,
        W::Forbidden => error::PageError::Forbidden,
        W::Conflict(message) => error::PageError::Conflict(message),
        W::Invalid(errors) => error::PageError::Conflict(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        W::Database(e) => error::internal(e),
    }
}
