//! Handles `GET /api`: the JSON API explained in Danish or English, with examples and a link
//! to the OpenAPI document. The list of endpoints is read from that document, so the page
//! names every operation the API has; each one's words come from the locale files.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::render;
use crate::web::api::openapi;
use crate::web::error::PageError;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::AppState;

/// One operation of the document.
pub struct EndpointView {
    pub method: String,
    pub path: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "api.html")]
pub struct ApiPage {
    pub layout: Layout,
    pub endpoints: Vec<EndpointView>,
    /// The server's own address, for the examples.
    pub base: String,
}

/// The operations of the document in its path order, each summed up in `lang`.
pub fn endpoints(document: &serde_json::Value, lang: Lang) -> Vec<EndpointView> {
    let Some(paths) = document["paths"].as_object() else {
        return Vec::new();
    };
    paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .map(move |(method, operation)| {
                    let id = operation["operationId"].as_str().unwrap_or_default();
                    EndpointView {
                        method: method.to_uppercase(),
                        path: path.clone(),
                        summary: lang.t(&format!("api.op.{id}")),
                    }
                })
        })
        .collect()
}

pub async fn show_api(
    req: HttpRequest,
    lang: Lang,
    viewer: crate::web::auth::Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let catalogue = state.catalogue.get();
    let document = openapi::document(&catalogue);
    let layout = Layout::new(&req, lang, lang.t("api.title"), catalogue.has_demo(), "api")
        .with_viewer(&viewer);
    render(&ApiPage {
        layout,
        endpoints: endpoints(&document, lang),
        base: state.settings.base_url.trim_end_matches('/').to_owned(),
    })
}
