//! Server-rendered public pages, one module per area.

pub mod about;
pub mod api_docs;
pub mod departments;
pub mod dmcg;
pub mod downloads;
pub mod glossary;
pub mod home;
pub mod language;
pub mod not_found;
pub mod protocols;
pub mod regions;
pub mod rows;
pub mod search;
pub mod static_files;

use actix_web::{web, HttpResponse};
use askama::Template;

use super::error::{internal, PageError};

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::home))
        .route(
            "/protokoller",
            web::get().to(protocols::list::list_protocols),
        )
        .route("/soeg", web::get().to(search::search_protocols))
        .route(
            "/protokoller/{slug}",
            web::get().to(protocols::show::show_protocol),
        )
        .route(
            "/protokoller/{slug}/print",
            web::get().to(protocols::show::print_protocol),
        )
        .route("/ordliste", web::get().to(glossary::glossary))
        .route("/dmcg/{acronym}", web::get().to(dmcg::show_dmcg))
        .route("/regioner/{code}", web::get().to(regions::show_region))
        .route("/afdelinger", web::get().to(departments::list_departments))
        .route(
            "/afdelinger/{code}",
            web::get().to(departments::show_department),
        )
        .route("/om", web::get().to(about::about))
        .route("/api", web::get().to(api_docs::show_api))
        .route("/data/{file}", web::get().to(downloads::download))
        .route("/sprog/{lang}", web::get().to(language::switch_language))
        .route("/static/{file}", web::get().to(static_files::static_file));
}

/// Renders a page template into a 200 response.
pub fn render<T: Template>(page: &T) -> Result<HttpResponse, PageError> {
    render_with(actix_web::http::StatusCode::OK, page)
}

pub fn render_with<T: Template>(
    status: actix_web::http::StatusCode,
    page: &T,
) -> Result<HttpResponse, PageError> {
    let body = page.render().map_err(internal)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}
