//! `/tilbud`: the decisions of the user's departments (all, for DCCC staff), newest first.

use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::require_register_user;
use super::show::OfferView;
use crate::db::offers::{self as store, OfferFilter};
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
    pub dmcgs: Vec<String>,
    pub dmcg: String,
    pub pending: bool,
    pub reference: String,
    /// The filters as a query string, for the pager.
    pub link: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    page: Option<i64>,
    dmcg: Option<String>,
    /// `1`: only offers whose outcome is still pending.
    pending: Option<String>,
    /// A patient reference, exactly.
    reference: Option<String>,
}

impl ListQuery {
    /// The query string of this list without the page, for the pager's links.
    fn without_page(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("dmcg", &self.dmcg),
            ("pending", &self.pending),
            ("reference", &self.reference),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                out.append_pair(k, v.trim());
            }
        }
        out.finish()
    }
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
    let nonempty = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let filter = OfferFilter {
        sites: (!user.is_admin()).then(|| user.sites.clone()),
        dmcg: nonempty(&query.dmcg),
        pending_only: query.pending.as_deref() == Some("1"),
        patient_ref: nonempty(&query.reference),
    };
    let filter2 = filter.clone();
    let (rows, total) = with_conn(&state, move |conn| {
        Ok(store::list_offers(
            conn,
            &filter2,
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
        dmcgs: catalogue.dmcgs.iter().map(|d| d.acronym.clone()).collect(),
        dmcg: filter.dmcg.clone().unwrap_or_default(),
        pending: filter.pending_only,
        reference: filter.patient_ref.clone().unwrap_or_default(),
        link: query.without_page(),
    };
    render_with(StatusCode::OK, &view)
}
