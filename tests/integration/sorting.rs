//! The list parameter `sort` on `GET /api/v1/protocols`, `/protokoller` and `/soeg`:
//! `relevance`, `distance`, `newest` and `acronym` each order the list, and anything else
//! (or `distance` without a postcode) is a 400 naming `sort`.

use std::collections::{HashMap, HashSet};

use crate::helpers::{attrs, spawn_app, texts, Data, TestApp};
use crate::search::CORPUS;

/// Words of the search corpus whose ranking is not the acronym order.
const Q: &str = "q=str%C3%A5leterapi";

/// Every record at once.
const ALL: &str = "status=all&per_page=100";

/// The search corpus with opening dates spread out, some equal and some missing; the dates
/// by acronym.
fn dated_corpus() -> (&'static str, HashMap<String, Option<String>>) {
    let mut docs: Vec<serde_json::Value> = serde_json::from_str(CORPUS).expect("corpus");
    let mut dates = HashMap::new();
    for (i, doc) in docs.iter_mut().enumerate() {
        let date = (i % 7 != 0).then(|| format!("202{}-0{}-15", i % 3, 1 + i % 4));
        doc["opened_on"] = date.clone().map_or(serde_json::Value::Null, Into::into);
        doc["closes_on"] = serde_json::Value::Null;
        let acronym = doc["acronym"].as_str().expect("acronym").to_owned();
        dates.insert(acronym, date);
    }
    let json = serde_json::to_string(&docs).expect("json");
    (Box::leak(json.into_boxed_str()), dates)
}

async fn body(app: &TestApp, query: &str) -> serde_json::Value {
    let (status, body) = app.get_json(&format!("/api/v1/protocols?{query}")).await;
    assert_eq!(status, 200, "{query}: {body}");
    body
}

async fn list(app: &TestApp, query: &str) -> Vec<String> {
    crate::helpers::acronyms(&body(app, query).await)
}

/// `list` in newest-first order: latest date first, undated last, the given order among equals.
fn newest_first(list: &[String], dates: &HashMap<String, Option<String>>) -> Vec<String> {
    let mut sorted = list.to_vec();
    sorted.sort_by(|a, b| dates[b].cmp(&dates[a]));
    sorted
}

#[tokio::test]
async fn each_sort_orders_the_api_list() {
    let (corpus, dates) = dated_corpus();
    let app = spawn_app(Data::Corpus(corpus)).await;
    let by_acronym = list(&app, ALL).await;
    assert_eq!(by_acronym.len(), 31);
    assert_eq!(
        list(&app, &format!("{ALL}&sort=acronym")).await,
        by_acronym,
        "without text or postcode the default order is by acronym"
    );

    let ranked = list(&app, &format!("{ALL}&{Q}")).await;
    assert!(ranked.len() > 3, "{ranked:?}");
    let found: HashSet<&String> = ranked.iter().collect();
    let found_by_acronym: Vec<String> = by_acronym
        .iter()
        .filter(|a| found.contains(a))
        .cloned()
        .collect();
    assert_ne!(
        ranked, found_by_acronym,
        "the ranking is not the acronym order"
    );
    for query in [
        format!("{ALL}&{Q}&sort=relevance"),
        format!("{ALL}&{Q}&sort=relevance&postcode=9000"),
    ] {
        assert_eq!(list(&app, &query).await, ranked, "{query}");
    }
    for query in [
        format!("{ALL}&{Q}&sort=acronym"),
        format!("{ALL}&{Q}&sort=acronym&postcode=9000"),
    ] {
        assert_eq!(list(&app, &query).await, found_by_acronym, "{query}");
    }
    assert_eq!(
        list(&app, &format!("{ALL}&sort=acronym&postcode=9000")).await,
        by_acronym
    );

    assert_eq!(
        list(&app, &format!("{ALL}&sort=newest")).await,
        newest_first(&by_acronym, &dates),
        "newest first, by acronym among equal dates"
    );
    assert_eq!(
        list(&app, &format!("{ALL}&{Q}&sort=newest")).await,
        newest_first(&ranked, &dates),
        "newest first, best match among equal dates"
    );

    // Relevance without text: the default order (by acronym; nearest first with a postcode).
    assert_eq!(
        list(&app, &format!("{ALL}&sort=relevance")).await,
        by_acronym
    );
    let nearest = list(&app, &format!("{ALL}&postcode=9000")).await;
    assert_ne!(nearest, by_acronym);
    assert_eq!(
        list(&app, &format!("{ALL}&sort=relevance&postcode=9000")).await,
        nearest
    );

    for query in [
        format!("{ALL}&postcode=9000&sort=distance"),
        format!("{ALL}&{Q}&postcode=9000&sort=distance"),
        format!("{ALL}&{Q}&postcode=9000"),
    ] {
        let body = body(&app, &query).await;
        let distances: Vec<f64> = body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| {
                i["nearest_site"]["distance_km"]
                    .as_f64()
                    .unwrap_or(f64::INFINITY)
            })
            .collect();
        assert!(
            distances.windows(2).all(|w| w[0] <= w[1]),
            "{query}: nearest first: {distances:?}"
        );
    }
}

#[tokio::test]
async fn an_unknown_sort_or_distance_without_a_postcode_is_refused_naming_sort() {
    let app = spawn_app(Data::Fixture).await;
    for query in [
        "sort=bogus",
        "sort=Newest",
        "sort=distance",
        "sort=distance&q=test",
        "sort=newest&sort=acronym",
    ] {
        let (status, body) = app.get_json(&format!("/api/v1/protocols?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["error"]["field"], "sort", "{query}: {body}");
    }
    for (path, error) in [
        ("/protokoller?sort=bogus", "#filter-error strong"),
        ("/protokoller?sort=distance", "#filter-error strong"),
        ("/soeg?q=test&sort=bogus", "#search-error strong"),
        ("/soeg?q=test&sort=distance", "#search-error strong"),
    ] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, 400, "{path}");
        assert_eq!(
            texts(&html, error),
            ["Rækkefølge"],
            "{path}: the field by its Danish name"
        );
    }
}

#[tokio::test]
async fn the_list_and_search_pages_sort_as_asked_and_keep_the_sort() {
    let (corpus, dates) = dated_corpus();
    let app = spawn_app(Data::Corpus(corpus)).await;
    let by_acronym = list(&app, ALL).await;
    let newest = newest_first(&by_acronym, &dates);

    let (status, html) = app.get_html("/protokoller?status=all&sort=newest").await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, ".protocol-row a.acronym"), newest[..20]);
    assert_eq!(
        attrs(&html, "form.filters input[name=sort]", "value"),
        ["newest"],
        "changing a filter keeps the order"
    );
    assert!(
        attrs(&html, ".pagination a[rel=next]", "href")
            .iter()
            .all(|h| h.contains("sort=newest")),
        "so does the next page"
    );

    let (_, html) = app
        .get_html("/protokoller?status=all&postcode=9000&sort=acronym")
        .await;
    assert_eq!(texts(&html, ".protocol-row a.acronym"), by_acronym[..20]);
    assert_eq!(
        texts(&html, ".protocol-row td.nearest").len(),
        20,
        "the distance column stays"
    );
    assert!(texts(&html, "#sorted-by-distance").is_empty());
    let (_, html) = app.get_html("/protokoller?status=all&postcode=9000").await;
    assert_eq!(texts(&html, "#sorted-by-distance").len(), 1);

    let ranked = list(&app, &format!("{ALL}&{Q}&sort=acronym")).await;
    let (status, html) = app
        .get_html(&format!("/soeg?{Q}&status=all&sort=acronym"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, ".search-hit a.acronym"), ranked);
    assert!(
        attrs(&html, "form.search-form input[type=hidden]", "name").contains(&"sort".to_owned()),
        "a new text keeps the order"
    );
}
