//! `/dmcg/{acronym}`: one cancer group's protocols, open ones first.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::render;
use super::rows::ProtocolRow;
use crate::web::error::PageError;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "dmcg/show.html")]
pub struct DmcgPage {
    pub layout: Layout,
    pub acronym: String,
    pub name: String,
    pub area: String,
    pub icd10: String,
    pub open_rows: Vec<ProtocolRow>,
    pub other_rows: Vec<ProtocolRow>,
    pub with_distance: bool,
}

pub async fn show_dmcg(
    req: HttpRequest,
    lang: Lang,
    viewer: crate::web::auth::Viewer,
    acronym: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let catalogue = state.catalogue.get();
    let dmcg = catalogue
        .find_dmcg(&acronym)
        .ok_or(PageError::not_found())?;
    let mut open_rows = Vec::new();
    let mut other_rows = Vec::new();
    for entry in catalogue.entries.iter().filter(|e| e.dmcg == dmcg.acronym) {
        let row = ProtocolRow::new(&catalogue, entry, None, lang);
        if entry.is_open() {
            open_rows.push(row)
        } else {
            other_rows.push(row)
        }
    }
    let page = DmcgPage {
        layout: Layout::new(
            &req,
            lang,
            dmcg.acronym.clone(),
            catalogue.has_demo(),
            "protocols",
        )
        .with_viewer(&viewer)
        .with_feed(crate::web::feeds::feed_href(&[("dmcg", &dmcg.acronym)])),
        acronym: dmcg.acronym.clone(),
        name: dmcg.name_da.clone(),
        area: lang.pick(&dmcg.area_da, &dmcg.area_en).to_owned(),
        icd10: dmcg.icd10.clone(),
        open_rows,
        other_rows,
        with_distance: false,
    };
    render(&page)
}
