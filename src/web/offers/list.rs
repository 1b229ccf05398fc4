//! `/tilbud`: the decisions of the user's departments (all, for DCCC staff), newest first.

use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::require_register_user;
use super::show::OfferView;
use crate::db::offers as store;
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::{with_conn, AppState};

const PER_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "offers/list.html")]
pub struct OfferListPage {
    pub layout: Layout,
    pub offers: Vec<OfferView>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub all_sites: bool,
    pub sites: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    page: Option<i64>,
}

pub async fn list_offers(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = require_register_user(&viewer, &req)?.clone();
    let page = query.page.unwrap_or(1).clamp(1, 1_000_000);
    let sites = (!user.is_admin()).then(|| user.sites.clone());
    let (rows, total) = with_conn(&state, move |conn| {
        Ok(store::list_offers(
            conn,
            sites.as_deref(),
            (page - 1) * PER_PAGE,
            PER_PAGE,
        )?)
    })
    .await?;
    let catalogue = state.catalogue.get();
    let view = OfferListPage {
        layout: Layout::new(
            &req,
            lang,
            lang.pick("Tilbudsregistret", "Offer register"),
            false,
            "offers",
        )
        .with_viewer(&viewer),
        offers: rows
            .iter()
            .map(|r| OfferView::new(r, &catalogue, lang))
            .collect(),
        total,
        page,
        pages: ((total + PER_PAGE - 1) / PER_PAGE).max(1),
        all_sites: user.is_admin(),
        sites: user.sites.clone(),
    };
    render_with(StatusCode::OK, &view)
}
