//! `/`: open protocols per DMCG and per region, a search box and a "near me" box.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use dccc_matching::Region;

use super::render;
use crate::web::error::PageError;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::AppState;

pub struct CountRow {
    pub href: String,
    pub label: String,
    pub detail: String,
    pub count: usize,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub layout: Layout,
    pub total_open: usize,
    pub by_dmcg: Vec<CountRow>,
    pub by_region: Vec<CountRow>,
}

pub async fn home(
    req: HttpRequest,
    lang: Lang,
    viewer: crate::web::auth::Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let catalogue = state.catalogue.get();
    let open: Vec<_> = catalogue.entries.iter().filter(|e| e.is_open()).collect();
    let by_dmcg = catalogue
        .dmcgs
        .iter()
        .zip(catalogue.open_per_dmcg())
        .map(|(d, count)| CountRow {
            href: format!("/dmcg/{}", d.acronym),
            label: d.acronym.clone(),
            detail: lang.pick(&d.area_da, &d.area_en).to_owned(),
            count,
        })
        .collect();
    let by_region = Region::ALL
        .iter()
        .zip(catalogue.open_per_region())
        .map(|(r, count)| CountRow {
            href: format!("/regioner/{}", r.code()),
            label: lang.pick(r.name_da(), r.name_en()).to_owned(),
            detail: r.code().to_string(),
            count,
        })
        .collect();
    let layout = Layout::new(
        &req,
        lang,
        lang.t("home.title"),
        catalogue.has_demo(),
        "home",
    )
    .with_viewer(&viewer);
    render(&HomePage {
        layout,
        total_open: open.len(),
        by_dmcg,
        by_region,
    })
}
