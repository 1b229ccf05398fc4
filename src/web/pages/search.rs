//! `/soeg`: full-text search with the structured filters, facets that narrow the result,
//! highlighted snippets and a "did you mean" link.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use dccc_matching::{Phase, Region};

use super::protocols::list::{page_href, page_links, query_pairs, PageLink};
use super::render_with;
use super::rows::{beyond_view, with_max_km, BeyondView, ProtocolRow};
use crate::catalogue::{Catalogue, Facets, ProtocolQuery, Sort};
use crate::search::Piece;
use crate::web::error::{internal, PageError};
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::AppState;

const PATH: &str = "/soeg";

/// Parameters the search form keeps as hidden fields when the text changes.
/// Kept as hidden fields when the text changes (postcode and distance have fields of their own).
const KEPT: [&str; 9] = [
    "dmcg",
    "region",
    "site",
    "phase",
    "status",
    "paediatric",
    "age",
    "sex",
    "sort",
];

pub struct SearchHit {
    pub row: ProtocolRow,
    /// Empty when no stored text mentions the words (e.g. a match on a synonym).
    pub snippet: Vec<Piece>,
}

pub struct FacetOption {
    pub label: String,
    pub count: usize,
    pub href: String,
    pub selected: bool,
}

pub struct FacetGroup {
    pub id: &'static str,
    pub title: String,
    pub options: Vec<FacetOption>,
}

pub struct HiddenField {
    pub name: String,
    pub value: String,
}

pub struct Suggestion {
    pub text: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub layout: Layout,
    /// The text as searched (control characters removed, cut to length).
    pub q: String,
    pub postcode: String,
    pub max_km: String,
    pub hidden: Vec<HiddenField>,
    pub error_param: String,
    /// The parameter of the error, as named in the address.
    pub error_field: String,
    pub error: String,
    pub total: usize,
    pub hits: Vec<SearchHit>,
    /// The nearest department is shown (a postcode is given).
    pub with_distance: bool,
    /// The hits are nearest first.
    pub sorted_by_distance: bool,
    pub fuzzy: bool,
    pub suggestion: Option<Suggestion>,
    pub facets: Vec<FacetGroup>,
    /// A link that shows closed trials too (or only open ones again).
    pub status_href: String,
    pub showing_all: bool,
    pub pages: Vec<PageLink>,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    /// What the distance limit hides.
    pub beyond: Option<BeyondView>,
}

/// The address of this search with one parameter value switched on or off (page reset).
fn toggle_href(pairs: &[(String, String)], name: &str, value: &str) -> String {
    let on = pairs.iter().any(|(k, v)| k == name && v == value);
    let mut next: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, v)| k != "page" && !(k == name && v == value))
        .cloned()
        .collect();
    if !on {
        next.push((name.to_owned(), value.to_owned()));
    }
    page_href(PATH, &next, 1)
}

fn without(pairs: &[(String, String)], name: &str) -> Vec<(String, String)> {
    pairs.iter().filter(|(k, _)| k != name).cloned().collect()
}

fn facet_groups(
    catalogue: &Catalogue,
    facets: &Facets,
    pairs: &[(String, String)],
    lang: Lang,
) -> Vec<FacetGroup> {
    let selected = |name: &str, value: &str| pairs.iter().any(|(k, v)| k == name && v == value);
    let option = |name: &str, value: &str, label: String, count: usize| FacetOption {
        label,
        count,
        href: toggle_href(pairs, name, value),
        selected: selected(name, value),
    };
    let dmcg = facets
        .dmcg
        .iter()
        .map(|(acronym, &count)| {
            let area = catalogue
                .dmcg(acronym)
                .map(|d| format!(" – {}", lang.pick(&d.area_da, &d.area_en)))
                .unwrap_or_default();
            option("dmcg", acronym, format!("{acronym}{area}"), count)
        })
        .collect();
    let region = facets
        .region
        .iter()
        .map(|(code, &count)| {
            let label = code.parse().ok().and_then(Region::from_code).map_or_else(
                || code.clone(),
                |r| lang.pick(r.name_da(), r.name_en()).to_owned(),
            );
            option("region", code, label, count)
        })
        .collect();
    let phase = facets
        .phase
        .iter()
        .map(|(value, &count)| {
            let label = value.parse::<Phase>().map_or_else(
                |_| value.clone(),
                |p| lang.pick(p.label_da(), p.label_en()).to_owned(),
            );
            option("phase", value, label, count)
        })
        .collect();
    vec![
        FacetGroup {
            id: "dmcg",
            title: lang.t("search.facet_dmcg"),
            options: dmcg,
        },
        FacetGroup {
            id: "region",
            title: lang.t("search.facet_region"),
            options: region,
        },
        FacetGroup {
            id: "phase",
            title: lang.t("search.facet_phase"),
            options: phase,
        },
    ]
}

pub async fn search_protocols(
    req: HttpRequest,
    lang: Lang,
    viewer: crate::web::auth::Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let catalogue = state.catalogue.get();
    let pairs = query_pairs(&req);
    let layout = Layout::new(
        &req,
        lang,
        lang.t("search.title"),
        catalogue.has_demo(),
        "search",
    )
    .with_viewer(&viewer);
    let first = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.chars().filter(|c| !c.is_control()).take(20).collect())
            .unwrap_or_default()
    };
    let hidden = pairs
        .iter()
        .filter(|(k, v)| KEPT.contains(&k.as_str()) && !v.is_empty())
        .map(|(k, v)| HiddenField {
            name: k.clone(),
            value: v.clone(),
        })
        .collect();
    let showing_all = pairs.iter().any(|(k, v)| k == "status" && v == "all");
    let mut status_pairs = without(&pairs, "status");
    if !showing_all {
        status_pairs.push(("status".into(), "all".into()));
    }
    let mut page = SearchPage {
        layout,
        q: String::new(),
        postcode: first("postcode"),
        max_km: first("max_km"),
        hidden,
        error_param: String::new(),
        error_field: String::new(),
        error: String::new(),
        total: 0,
        hits: Vec::new(),
        with_distance: false,
        sorted_by_distance: false,
        fuzzy: false,
        suggestion: None,
        facets: Vec::new(),
        status_href: page_href(PATH, &status_pairs, 1),
        showing_all,
        pages: Vec::new(),
        prev_href: None,
        next_href: None,
        beyond: None,
    };
    let query = match ProtocolQuery::parse(&pairs, &catalogue) {
        Ok(q) => q,
        Err(e) => {
            page.q = pairs
                .iter()
                .find(|(k, _)| k == "q")
                .map(|(_, v)| v.chars().filter(|c| !c.is_control()).take(500).collect())
                .unwrap_or_default();
            page.error_param = super::protocols::filters::param_label(&e.param, lang);
            page.error_field = e.param;
            page.error = e.message.page_text(lang.code());
            return render_with(StatusCode::BAD_REQUEST, &page);
        }
    };
    page.q = query.q.clone().unwrap_or_default();
    let found = state.search.search(&catalogue, &query).map_err(internal)?;
    let result = catalogue.list(&query, found.as_ref().map(|f| f.candidates.as_slice()));
    let entries: Vec<usize> = result.hits.iter().map(|h| h.entry).collect();
    let snippets = found
        .as_ref()
        .map(|f| f.snippets(&entries, lang.is_en()))
        .unwrap_or_default();
    page.hits = result
        .hits
        .iter()
        .enumerate()
        .map(|(i, h)| SearchHit {
            row: ProtocolRow::new(&catalogue, &catalogue.entries[h.entry], h.nearest, lang),
            snippet: snippets.get(i).cloned().flatten().unwrap_or_default(),
        })
        .collect();
    if let Some(found) = &found {
        page.fuzzy = found.fuzzy;
        page.suggestion = found.suggestion.as_ref().map(|text| {
            let mut next = without(&pairs, "page");
            next.retain(|(k, _)| k != "q");
            next.insert(0, ("q".into(), text.clone()));
            Suggestion {
                text: text.clone(),
                href: page_href(PATH, &next, 1),
            }
        });
    }
    page.total = result.total;
    page.with_distance = query.postcode.is_some();
    page.sorted_by_distance = query.order() == Sort::Distance;
    page.beyond = query.max_km.and_then(|max| {
        beyond_view("list.beyond", result.beyond, max, lang, |km| {
            with_max_km(PATH, &pairs, km)
        })
    });
    page.facets = facet_groups(&catalogue, &result.facets, &pairs, lang);
    page.pages = page_links(PATH, &pairs, &result);
    page.prev_href = (result.page > 1).then(|| page_href(PATH, &pairs, result.page - 1));
    page.next_href =
        (result.page < result.page_count()).then(|| page_href(PATH, &pairs, result.page + 1));
    render_with(StatusCode::OK, &page)
}
