//! `/protokoller`: filtered, paged list; sorted by `sort`, by default by distance when a
//! postcode is given.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::filters::FilterForm;
use crate::catalogue::{ListResult, ProtocolQuery, Sort};
use crate::web::error::{internal, PageError};
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::pages::rows::{beyond_view, with_max_km, BeyondView, ProtocolRow};
use crate::web::AppState;

pub struct PageLink {
    pub number: u32,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "protocols/list.html")]
pub struct ProtocolListPage {
    pub layout: Layout,
    pub form: FilterForm,
    pub rows: Vec<ProtocolRow>,
    pub total: usize,
    /// The nearest department is shown (a postcode is given).
    pub with_distance: bool,
    /// The rows are nearest first.
    pub sorted_by_distance: bool,
    pub pages: Vec<PageLink>,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    /// What the distance limit hides.
    pub beyond: Option<BeyondView>,
    /// The whole filtered list as CSV.
    pub csv_href: String,
}

pub fn query_pairs(req: &HttpRequest) -> Vec<(String, String)> {
    form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect()
}

/// The current address with `page` replaced.
pub fn page_href(path: &str, pairs: &[(String, String)], page: u32) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(k, v)| k != "page" && !v.is_empty()) {
        ser.append_pair(k, v);
    }
    if page > 1 {
        ser.append_pair("page", &page.to_string());
    }
    let qs = ser.finish();
    if qs.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{qs}")
    }
}

pub fn page_links(path: &str, pairs: &[(String, String)], result: &ListResult) -> Vec<PageLink> {
    let count = result.page_count();
    // First, last, and two either side of the current page.
    (1..=count)
        .filter(|&n| n == 1 || n == count || n.abs_diff(result.page) <= 2)
        .map(|n| PageLink {
            number: n,
            href: page_href(path, pairs, n),
            current: n == result.page,
        })
        .collect()
}

pub async fn list_protocols(
    req: HttpRequest,
    lang: Lang,
    viewer: crate::web::auth::Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let catalogue = state.catalogue.get();
    let pairs = query_pairs(&req);
    let mut form = FilterForm::new(&pairs, &catalogue, lang);
    let feed_pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let layout = Layout::new(
        &req,
        lang,
        lang.t("list.title"),
        catalogue.has_demo(),
        "protocols",
    )
    .with_viewer(&viewer)
    .with_feed(crate::web::feeds::feed_href(&feed_pairs));
    let csv_href = crate::web::feeds::filtered_href("/api/v1/protocols.csv", &feed_pairs);
    let query = match ProtocolQuery::parse(&pairs, &catalogue) {
        Ok(q) => q,
        Err(e) => {
            form.error_label = super::filters::param_label(&e.param, lang);
            form.error_field = e.param;
            form.error = e.message.page_text(lang.code());
            let page = ProtocolListPage {
                layout,
                form,
                rows: Vec::new(),
                total: 0,
                with_distance: false,
                sorted_by_distance: false,
                pages: Vec::new(),
                prev_href: None,
                next_href: None,
                beyond: None,
                csv_href,
            };
            return render_with(StatusCode::BAD_REQUEST, &page);
        }
    };
    let found = state.search.search(&catalogue, &query).map_err(internal)?;
    let result = catalogue.list(&query, found.as_ref().map(|f| f.candidates.as_slice()));
    let rows = result
        .hits
        .iter()
        .map(|h| ProtocolRow::new(&catalogue, &catalogue.entries[h.entry], h.nearest, lang))
        .collect();
    let path = req.path();
    let prev_href = (result.page > 1).then(|| page_href(path, &pairs, result.page - 1));
    let next_href =
        (result.page < result.page_count()).then(|| page_href(path, &pairs, result.page + 1));
    let page = ProtocolListPage {
        layout,
        form,
        rows,
        total: result.total,
        with_distance: query.postcode.is_some(),
        sorted_by_distance: query.order() == Sort::Distance,
        pages: page_links(path, &pairs, &result),
        prev_href,
        next_href,
        csv_href,
        beyond: query.max_km.and_then(|max| {
            beyond_view("list.beyond", result.beyond, max, lang, |km| {
                with_max_km(path, &pairs, km)
            })
        }),
    };
    render_with(StatusCode::OK, &page)
}
