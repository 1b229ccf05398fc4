//! `/feeds/protokoller.atom` (contract.md §10): newly opened and changed published protocols
//! as Atom 1.0, newest change first, with the filters of `/protokoller`. Feed readers poll it;
//! the list page, each DMCG page and each region page link to the feed of what they show.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use atom_syndication::{Category, Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{NaiveDateTime, Timelike, Utc};

use crate::catalogue::{Catalogue, ProtocolQuery};
use crate::web::api::protocols::unpaged;
use crate::web::error::{internal, PageError};
use crate::web::i18n::Lang;
use crate::web::pages::protocols::list::query_pairs;
use crate::web::AppState;

/// The path of the protocol feed.
pub const PROTOCOLS_FEED: &str = "/feeds/protokoller.atom";

/// How many protocols a feed lists: the latest changes are what a reader polls for.
pub const FEED_LENGTH: usize = 50;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route(PROTOCOLS_FEED, web::get().to(protocols_feed));
}

/// The feed address for a list filtered by `pairs` (as `/protokoller` takes them).
pub fn feed_href(pairs: &[(&str, &str)]) -> String {
    filtered_href(PROTOCOLS_FEED, pairs)
}

/// `path` with the filters of `pairs`, without paging (a feed or a download holds them all).
pub fn filtered_href(path: &str, pairs: &[(&str, &str)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs
        .iter()
        .filter(|(k, v)| !matches!(*k, "page" | "per_page") && !v.is_empty())
    {
        ser.append_pair(k, v);
    }
    match ser.finish() {
        q if q.is_empty() => path.to_owned(),
        q => format!("{path}?{q}"),
    }
}

pub async fn protocols_feed(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let catalogue = state.catalogue.get();
    let pairs = query_pairs(&req);
    let query = match ProtocolQuery::parse(&pairs, &catalogue) {
        Ok(q) => q,
        Err(e) => {
            let label = crate::web::pages::protocols::filters::param_label(&e.param, lang);
            return Ok(HttpResponse::BadRequest()
                .content_type("text/plain; charset=utf-8")
                .body(format!("{label}: {}", e.message.page_text(lang.code()))));
        }
    };
    // Every protocol the filters admit, newest change first.
    let result = unpaged(&catalogue, &state.search, query).map_err(internal)?;
    let mut entries: Vec<usize> = result.hits.iter().map(|h| h.entry).collect();
    entries.sort_by(|a, b| {
        catalogue.entries[*b]
            .updated_at
            .cmp(&catalogue.entries[*a].updated_at)
            .then(a.cmp(b))
    });
    entries.truncate(FEED_LENGTH);
    let base = state.settings.base_url.trim_end_matches('/');
    let feed = feed(&catalogue, &entries, base, req.query_string(), lang);
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .body(feed.to_string()))
}

/// A stored UTC time to the second, as Atom's dates carry it.
fn utc(at: NaiveDateTime) -> FixedDateTime {
    at.with_nanosecond(0).unwrap_or(at).and_utc().fixed_offset()
}

fn feed(catalogue: &Catalogue, entries: &[usize], base: &str, query: &str, lang: Lang) -> Feed {
    let en = lang.is_en();
    let with_query = |path: &str| match query {
        "" => format!("{base}{path}"),
        q => format!("{base}{path}?{q}"),
    };
    let self_href = with_query(PROTOCOLS_FEED);
    let items: Vec<Entry> = entries
        .iter()
        .map(|&i| {
            let e = &catalogue.entries[i];
            let href = format!("{base}/protokoller/{}", e.slug);
            let title = match if en { &e.title_en } else { &e.title_da } {
                Some(t) if !t.is_empty() => t.clone(),
                _ => e
                    .title_da
                    .clone()
                    .or(e.title_en.clone())
                    .unwrap_or_default(),
            };
            let regions: Vec<&str> = e
                .regions_open
                .iter()
                .map(|r| if en { r.name_en() } else { r.name_da() })
                .collect();
            let mut summary = format!(
                "{} · {} · {}",
                e.dmcg,
                if en {
                    e.phase.label_en()
                } else {
                    e.phase.label_da()
                },
                if en {
                    e.status.label_en()
                } else {
                    e.status.label_da()
                },
            );
            if !regions.is_empty() {
                summary.push_str(&format!(
                    " · {}: {}",
                    lang.t("feed.open_in"),
                    regions.join(", ")
                ));
            }
            if e.demo {
                summary.push_str(&format!(" · {}", lang.t("feed.demo")));
            }
            Entry {
                // Titles usually begin with the acronym (contract.md §1); said once.
                title: Text::plain(if title.starts_with(&e.acronym) {
                    title
                } else {
                    format!("{}: {title}", e.acronym)
                }),
                id: href.clone(),
                updated: utc(e.updated_at),
                published: e.opened_on.and_then(|d| d.and_hms_opt(0, 0, 0)).map(utc),
                links: vec![Link {
                    href,
                    rel: "alternate".into(),
                    mime_type: Some("text/html".into()),
                    ..Link::default()
                }],
                categories: vec![
                    Category {
                        term: e.dmcg.clone(),
                        scheme: Some(format!("{base}/dmcg")),
                        label: catalogue.dmcg(&e.dmcg).map(|d| d.name_da.clone()),
                    },
                    Category {
                        term: e.phase.as_str().into(),
                        scheme: Some(
                            "http://terminology.hl7.org/CodeSystem/research-study-phase".into(),
                        ),
                        label: Some(
                            if en {
                                e.phase.label_en()
                            } else {
                                e.phase.label_da()
                            }
                            .into(),
                        ),
                    },
                ],
                summary: Some(Text::plain(summary)),
                ..Entry::default()
            }
        })
        .collect();
    let updated = entries
        .first()
        .map(|&i| catalogue.entries[i].updated_at)
        .unwrap_or_else(|| Utc::now().naive_utc());
    Feed {
        title: Text::plain(lang.t("feed.title")),
        subtitle: Some(Text::plain(lang.t("feed.subtitle"))),
        id: self_href.clone(),
        updated: utc(updated),
        authors: vec![Person {
            name: "DCCC".into(),
            uri: Some(format!("{base}/om")),
            ..Person::default()
        }],
        links: vec![
            Link {
                href: self_href,
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Link::default()
            },
            Link {
                href: with_query("/protokoller"),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Link::default()
            },
        ],
        lang: Some(lang.code().into()),
        entries: items,
        ..Feed::default()
    }
}
