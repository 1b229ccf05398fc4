//! `/om`: what the registry is, its sources, and the GeoNames credit (CC BY 4.0).

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::render;
use crate::web::error::PageError;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "about.html")]
pub struct AboutPage {
    pub layout: Layout,
}

pub async fn about(
    req: HttpRequest,
    lang: Lang,
    viewer: crate::web::auth::Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(
        &req,
        lang,
        lang.t("about.title"),
        state.catalogue.get().has_demo(),
        "about",
    )
    .with_viewer(&viewer);
    render(&AboutPage { layout })
}
