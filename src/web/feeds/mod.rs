//! `/feeds/protokoller.atom` (contract.md §10): newly opened and changed published protocols
//! as Atom 1.0, newest change first, with the filters of `/protokoller`. Feed readers poll it;
//! the list page, each DMCG page and each region page link to the feed of what they show.
//! Each department has a feed of the protocols newly opened there.

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
    cfg.route(PROTOCOLS_FEED, web::get().to(protocols_feed))
        .route("/feeds/afdelinger/{file}", web::get().to(department_feed));
}

/// The feed address for a list filtered by `pairs` (as `/protokoller` takes them).
pub fn feed_href(pairs: &[(&str, &str)]) -> String {
    filtered_href(PROTOCOLS_FEED, pairs)
}

/// The address of a department's feed.
pub fn department_feed_href(code: &str) -> String {
    format!("/feeds/afdelinger/{code}.atom")
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
    let with_query = |path: &str| match req.query_string() {
        "" => format!("{base}{path}"),
        q => format!("{base}{path}?{q}"),
    };
    let head = FeedHead {
        title: lang.t("feed.title"),
        subtitle: lang.t("feed.subtitle"),
        self_href: with_query(PROTOCOLS_FEED),
        page_href: with_query("/protokoller"),
        updated: entries
            .first()
            .map(|&i| catalogue.entries[i].updated_at)
            .unwrap_or_else(|| Utc::now().naive_utc()),
    };
    let items = entries
        .iter()
        .map(|&i| entry(&catalogue, i, base, lang))
        .collect();
    Ok(atom(&feed(head, items, base, lang)))
}

/// `/feeds/afdelinger/{code}.atom`: the protocols open at a department, newest opening there
/// first, each dated by when it opened there (from the status history), so that a reader
/// sees a protocol again when it reopens.
pub async fn department_feed(
    lang: Lang,
    file: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let catalogue = state.catalogue.get();
    let code = file
        .strip_suffix(".atom")
        .ok_or(PageError::not_found())?
        .to_uppercase();
    let &index = catalogue
        .site_index
        .get(&code)
        .ok_or(PageError::not_found())?;
    let site = &catalogue.sites[index];
    let opened = {
        let code = code.clone();
        crate::web::with_conn(&state, move |conn| {
            Ok(crate::db::status_history::opened_at_site(conn, &code)?)
        })
        .await?
    };
    // Opened here when the history says so; else when the protocol itself opened.
    let mut dated: Vec<(usize, NaiveDateTime)> = catalogue
        .department_activity(index)
        .open
        .iter()
        .map(|h| {
            let e = &catalogue.entries[h.entry];
            let at = opened.get(&e.id).copied().unwrap_or_else(|| {
                e.opened_on
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .unwrap_or(e.updated_at)
            });
            (h.entry, at)
        })
        .collect();
    dated.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    dated.truncate(FEED_LENGTH);
    let base = state.settings.base_url.trim_end_matches('/');
    let page_href = format!("{base}/afdelinger/{code}");
    let items = dated
        .iter()
        .map(|&(i, at)| {
            let mut item = entry(&catalogue, i, base, lang);
            // One entry per opening here: a reopening is a new entry.
            item.id = format!(
                "{page_href}#{}-{}",
                catalogue.entries[i].slug,
                at.format("%Y%m%dT%H%M%S")
            );
            item.updated = utc(at);
            item.published = Some(utc(at));
            item
        })
        .collect();
    let name = format!("{}, {}", site.hospital, site.department);
    let head = FeedHead {
        title: format!(
            "{}: {name}",
            lang.pick("Nyåbnede protokoller", "Newly opened protocols")
        ),
        subtitle: lang
            .pick(
                "Protokoller, der er åbnet for inklusion på afdelingen, nyeste først.",
                "Protocols opened for recruitment at the department, newest first.",
            )
            .to_owned(),
        self_href: format!("{base}{}", department_feed_href(&code)),
        page_href,
        updated: dated
            .first()
            .map_or_else(|| Utc::now().naive_utc(), |d| d.1),
    };
    Ok(atom(&feed(head, items, base, lang)))
}

/// A stored UTC time to the second, as Atom's dates carry it.
fn utc(at: NaiveDateTime) -> FixedDateTime {
    at.with_nanosecond(0).unwrap_or(at).and_utc().fixed_offset()
}

/// A protocol as a feed entry, linked to its page.
fn entry(catalogue: &Catalogue, i: usize, base: &str, lang: Lang) -> Entry {
    let e = &catalogue.entries[i];
    let href = format!("{base}/protokoller/{}", e.slug);
    let title = match if lang.is_en() {
        &e.title_en
    } else {
        &e.title_da
    } {
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
        .map(|r| lang.pick(r.name_da(), r.name_en()))
        .collect();
    let phase = lang.pick(e.phase.label_da(), e.phase.label_en());
    let mut summary = format!(
        "{} · {phase} · {}",
        e.dmcg,
        lang.pick(e.status.label_da(), e.status.label_en()),
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
                scheme: Some("http://terminology.hl7.org/CodeSystem/research-study-phase".into()),
                label: Some(phase.into()),
            },
        ],
        summary: Some(Text::plain(summary)),
        ..Entry::default()
    }
}

/// What a feed says of itself.
struct FeedHead {
    title: String,
    subtitle: String,
    /// The feed's own address and the page it follows, both absolute.
    self_href: String,
    page_href: String,
    /// When the feed last changed (its newest entry's time, or now when it has none).
    updated: NaiveDateTime,
}

fn feed(head: FeedHead, entries: Vec<Entry>, base: &str, lang: Lang) -> Feed {
    Feed {
        title: Text::plain(head.title),
        subtitle: Some(Text::plain(head.subtitle)),
        id: head.self_href.clone(),
        updated: utc(head.updated),
        authors: vec![Person {
            name: "DCCC".into(),
            uri: Some(format!("{base}/om")),
            ..Person::default()
        }],
        links: vec![
            Link {
                href: head.self_href,
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Link::default()
            },
            Link {
                href: head.page_href,
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Link::default()
            },
        ],
        lang: Some(lang.code().into()),
        entries,
        ..Feed::default()
    }
}

fn atom(feed: &Feed) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .body(feed.to_string())
}
