//! The Atom feed (contract.md §10), read with a plain XML parser as a feed reader would.

use std::time::Duration;

use crate::helpers::{attrs, spawn_app, Data, TestApp};

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// One entry as a reader sees it.
#[derive(Debug)]
struct Item {
    id: String,
    title: String,
    updated: chrono::DateTime<chrono::FixedOffset>,
    link: String,
    dmcg: String,
}

/// The first Atom child element of `node` named `name`.
fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children()
        .find(|c| c.tag_name().name() == name && c.tag_name().namespace() == Some(ATOM))
}

/// Fetches and parses a feed; checks what Atom 1.0 requires of the feed and of each entry.
async fn read_feed(app: &TestApp, path: &str) -> Vec<Item> {
    let response = app.get(path).await;
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let kind = crate::helpers::content_type(&response);
    assert!(kind.starts_with("application/atom+xml"), "{kind}");
    let body = response.text().await.expect("body");
    let doc = roxmltree::Document::parse(&body).expect("well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(
        feed.tag_name().namespace(),
        Some(ATOM),
        "the Atom namespace"
    );
    for required in ["id", "title", "updated", "author"] {
        assert!(child(feed, required).is_some(), "feed has <{required}>");
    }
    let self_link = feed
        .children()
        .filter(|c| c.tag_name().name() == "link")
        .find(|l| l.attribute("rel") == Some("self"))
        .and_then(|l| l.attribute("href"))
        .expect("a self link");
    let own_path = path.split('?').next().unwrap_or(path);
    assert!(self_link.contains(own_path), "{self_link}");
    feed.children()
        .filter(|c| c.tag_name().name() == "entry")
        .map(|e| {
            let text = |name: &str| {
                child(e, name)
                    .and_then(|n| n.text())
                    .unwrap_or_else(|| panic!("entry has <{name}>"))
                    .to_owned()
            };
            let updated =
                chrono::DateTime::parse_from_rfc3339(&text("updated")).expect("an RFC 3339 date");
            Item {
                id: text("id"),
                title: text("title"),
                updated,
                link: child(e, "link")
                    .and_then(|l| l.attribute("href"))
                    .expect("entry link")
                    .to_owned(),
                dmcg: child(e, "category")
                    .and_then(|c| c.attribute("term"))
                    .expect("DMCG category")
                    .to_owned(),
            }
        })
        .collect()
}

const NEW_PROTOCOL: &str = r#"{
  "acronym": "DBCG ZULU-1", "title_da": "DBCG ZULU-1. Et nyt forsøg", "dmcg": "DBCG",
  "phase": "phase-2", "recruitment_status": "open",
  "contact": { "email": "dbcg@example.dk" },
  "eligibility": { "diagnoses": ["C50"] },
  "sites": [ { "site": "AUH-ONK", "status": "open" } ]
}"#;

#[tokio::test]
async fn the_feed_lists_published_protocols_newest_change_first_with_the_lists_filters() {
    let app = spawn_app(Data::Fixture).await;
    let all = read_feed(&app, "/feeds/protokoller.atom?status=all").await;
    assert!(all.len() >= 4, "{all:?}");
    let mut ids: Vec<&str> = all.iter().map(|i| i.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "each entry its own id");
    for item in &all {
        assert!(item.link.ends_with(&format!(
            "/protokoller/{}",
            item.id.rsplit('/').next().unwrap_or_default()
        )));
    }
    // The list's filters: one DMCG; the default of open protocols only.
    let dbcg = read_feed(&app, "/feeds/protokoller.atom?dmcg=DBCG&status=all").await;
    assert!(
        !dbcg.is_empty() && dbcg.iter().all(|i| i.dmcg == "DBCG"),
        "{dbcg:?}"
    );
    let open = read_feed(&app, "/feeds/protokoller.atom").await;
    assert!(
        open.iter().all(|i| !i.title.contains("TEST-CLOSED")),
        "closed protocols only with status=all: {open:?}"
    );
    assert!(all.iter().any(|i| i.title.contains("TEST-CLOSED")));
    // A filter it cannot read is refused in words, not ignored.
    let bad = app.get("/feeds/protokoller.atom?phase=phase-9").await;
    assert_eq!(bad.status().as_u16(), 400);
    assert!(bad.text().await.unwrap_or_default().contains("phase-9"));

    // (Its acronym sorts last: only the order by change puts it first.)
    // A protocol published by another process shows at the top once this server has seen it.
    crate::helpers::import_elsewhere(app.pool.clone(), NEW_PROTOCOL).await;
    let mut first = String::new();
    for _ in 0..crate::helpers::REFRESH_WAIT_ROUNDS {
        let feed = read_feed(&app, "/feeds/protokoller.atom?dmcg=DBCG").await;
        first = feed.first().map(|i| i.title.clone()).unwrap_or_default();
        if first.starts_with("DBCG ZULU-1") {
            for pair in feed.windows(2) {
                assert!(pair[0].updated >= pair[1].updated, "newest first: {feed:?}");
            }
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(first.starts_with("DBCG ZULU-1"), "first entry: {first}");
}

#[tokio::test]
async fn the_list_dmcg_and_region_pages_link_to_the_feed_of_what_they_show() {
    let app = spawn_app(Data::Fixture).await;
    let feed_of = |html: &scraper::Html| {
        attrs(
            html,
            "link[rel=alternate][type='application/atom+xml']",
            "href",
        )
    };
    let (_, list) = app
        .get_html("/protokoller?dmcg=DBCG&phase=phase-3&page=2")
        .await;
    assert_eq!(
        feed_of(&list),
        ["/feeds/protokoller.atom?dmcg=DBCG&phase=phase-3"],
        "the same filters, without the page"
    );
    assert_eq!(attrs(&list, "#feed-link", "href"), feed_of(&list));
    assert_eq!(
        attrs(&list, "#csv-link", "href"),
        ["/api/v1/protocols.csv?dmcg=DBCG&phase=phase-3"],
        "and the same list as CSV"
    );
    let (_, dmcg) = app.get_html("/dmcg/DLCG").await;
    assert_eq!(feed_of(&dmcg), ["/feeds/protokoller.atom?dmcg=DLCG"]);
    let (_, region) = app.get_html("/regioner/1081").await;
    assert_eq!(feed_of(&region), ["/feeds/protokoller.atom?region=1081"]);
    // Each of those feeds is served.
    for href in [feed_of(&list), feed_of(&dmcg), feed_of(&region)].concat() {
        read_feed(&app, &href).await;
    }
}

#[tokio::test]
async fn a_departments_feed_lists_what_opened_there_newest_opening_first() {
    let app = spawn_app(Data::Fixture).await;
    let path = "/feeds/afdelinger/AUH-ONK.atom";
    let (_, page) = app.get_html("/afdelinger/AUH-ONK").await;
    assert_eq!(attrs(&page, "#feed-link", "href"), [path]);
    assert_eq!(
        attrs(
            &page,
            "link[rel=alternate][type='application/atom+xml']",
            "href"
        ),
        [path]
    );
    let open_here = attrs(&page, "#open tr.protocol-row", "data-slug");
    assert!(!open_here.is_empty());
    let slug_of = |item: &Item| item.link.rsplit('/').next().unwrap_or_default().to_owned();
    let feed = read_feed(&app, path).await;
    let mut listed: Vec<String> = feed.iter().map(slug_of).collect();
    let mut expected = open_here.clone();
    listed.sort();
    expected.sort();
    assert_eq!(listed, expected, "the protocols open at the department");
    // Opened at the department now: first, dated by the opening.
    crate::helpers::import_elsewhere(app.pool.clone(), NEW_PROTOCOL).await;
    let mut first = String::new();
    for _ in 0..crate::helpers::REFRESH_WAIT_ROUNDS {
        let feed = read_feed(&app, path).await;
        first = feed.first().map(|i| i.title.clone()).unwrap_or_default();
        if first.starts_with("DBCG ZULU-1") {
            assert_eq!(feed.len(), open_here.len() + 1);
            for pair in feed.windows(2) {
                assert!(pair[0].updated >= pair[1].updated, "newest first: {feed:?}");
            }
            let age = chrono::Utc::now().fixed_offset() - feed[0].updated;
            assert!(
                age.num_minutes() < 10,
                "dated by its opening: {:?}",
                feed[0]
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(first.starts_with("DBCG ZULU-1"), "first entry: {first}");
    // A department elsewhere does not list it; an unknown one is not found.
    let other = read_feed(&app, "/feeds/afdelinger/RH-ONK.atom").await;
    assert!(other.iter().all(|i| !i.title.starts_with("DBCG ZULU-1")));
    assert_eq!(
        app.get("/feeds/afdelinger/NO-SUCH.atom")
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        app.get("/feeds/afdelinger/AUH-ONK").await.status().as_u16(),
        404
    );
}
