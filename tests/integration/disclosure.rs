//! The attacker's view of the indicator: every table the public can read for a generated
//! register of 5,000 decisions over two years at 31 departments, and every way of combining
//! them (periods, DMCG filters, the national ⊃ region ⊃ department hierarchy). No suppressed
//! cell may be recovered, neither by peeling (solving every relation with one unknown, again
//! and again) nor by any linear combination at all.

use std::collections::HashMap;

use chrono::NaiveDate;
use dccc_registry::catalogue::Catalogue;
use dccc_registry::domain::disclosure::{derivable, Line};
use dccc_registry::services::offers::disclosure::PublishedPeriod;

use crate::helpers::{spawn_app, Data, TestApp};

const GROUPINGS: [&str; 4] = ["dmcg", "region", "residence_region", "department"];

/// What the attacker keys a published row by: year, period, DMCG filter, grouping, group.
type Key = (i32, usize, String, String, String);

/// A published table: year, period, DMCG filter, grouping.
type Table = (i32, usize, String, String);

/// A published row: patients, offered, included, or `None` where suppressed.
type Observed = Option<[u64; 3]>;

fn generate(app: &TestApp, decisions: usize) {
    let from = NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
    let to = NaiveDate::from_ymd_opt(2025, 12, 31).expect("date");
    app.generate_decisions(decisions, from, to, 41, "ATT");
}

/// Every public table, read through the API as anyone can.
async fn published(app: &TestApp, dmcgs: &[String]) -> HashMap<Key, Observed> {
    let client = reqwest::Client::new();
    let mut seen: HashMap<Key, Observed> = HashMap::new();
    let mut observe = |key: Key, value: Observed| {
        // The same row reached twice (a DMCG's national row and its row among all DMCGs)
        // must be shown or hidden alike, with the same figures.
        if let Some(before) = seen.insert(key.clone(), value) {
            assert_eq!(before, value, "{key:?} is published two ways");
        }
    };
    let filters: Vec<Option<&String>> = std::iter::once(None)
        .chain(dmcgs.iter().map(Some))
        .collect();
    for year in [2024, 2025] {
        for (p, period) in PublishedPeriod::ALL.into_iter().enumerate() {
            let (from, to) = period.dates(year).expect("dates");
            for filter in &filters {
                for by in GROUPINGS {
                    let mut url = format!(
                        "{}/api/v1/indicator?from={from}&to={to}&by={by}",
                        app.address
                    );
                    if let Some(d) = filter {
                        url.push_str(&format!("&dmcg={d}"));
                    }
                    let response = client.get(&url).send().await.expect("request");
                    assert_eq!(response.status().as_u16(), 200, "{url}");
                    let body: serde_json::Value = response.json().await.expect("json");
                    let row = |r: &serde_json::Value| -> Observed {
                        if r["suppressed"].as_bool() == Some(true) {
                            return None;
                        }
                        let n = |f: &str| r[f].as_u64().expect("a count");
                        Some([n("patients"), n("offered"), n("included")])
                    };
                    let f = filter.cloned().unwrap_or_default();
                    // A DMCG's national row is its row in the table of all DMCGs.
                    let national = match filter {
                        Some(d) => (year, p, String::new(), "dmcg".into(), (*d).clone()),
                        None => (year, p, String::new(), "national".into(), String::new()),
                    };
                    observe(national, row(&body["national"]));
                    for r in body["rows"].as_array().expect("rows") {
                        let group = match &r["group"] {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        let key = if by == "dmcg" {
                            (year, p, String::new(), "dmcg".into(), group)
                        } else {
                            (year, p, f.clone(), by.into(), group)
                        };
                        observe(key, row(r));
                    }
                }
            }
        }
    }
    seen
}

/// The additive relations the attacker knows between published rows (absent rows are 0).
fn relations(
    cells: &HashMap<Key, usize>,
    region_of: &HashMap<String, String>,
    dmcgs: &[String],
) -> Vec<Line> {
    let mut lines = Vec::new();
    let national = |year: i32, p: usize, f: &str| -> Option<usize> {
        if f.is_empty() {
            cells
                .get(&(year, p, String::new(), "national".into(), String::new()))
                .copied()
        } else {
            cells
                .get(&(year, p, String::new(), "dmcg".into(), f.to_owned()))
                .copied()
        }
    };
    let mut tables: HashMap<Table, Vec<(usize, String)>> = HashMap::new();
    for (k, &i) in cells {
        if k.3 != "national" {
            tables
                .entry((k.0, k.1, k.2.clone(), k.3.clone()))
                .or_default()
                .push((i, k.4.clone()));
        }
    }
    for ((year, p, f, by), rows) in &tables {
        if let Some(total) = national(*year, *p, f) {
            lines.push(Line {
                total,
                parts: rows.iter().map(|(i, _)| *i).collect(),
            });
        }
        if by == "department" {
            let mut per_region: HashMap<&str, Vec<usize>> = HashMap::new();
            for (i, site) in rows {
                per_region
                    .entry(region_of.get(site).map_or("", String::as_str))
                    .or_default()
                    .push(*i);
            }
            for (region, parts) in per_region {
                let key = (*year, *p, f.clone(), "region".to_owned(), region.to_owned());
                if let Some(&total) = cells.get(&key) {
                    lines.push(Line { total, parts });
                }
            }
        }
    }
    // Periods: year = H1 + H2, H1 = Q1 + Q2, H2 = Q3 + Q4 (indexes as PublishedPeriod::ALL).
    for (k, &total) in cells {
        for (t, a, b) in [(0, 1, 2), (1, 3, 4), (2, 5, 6)] {
            if k.1 == t {
                let at = |p: usize| cells.get(&(k.0, p, k.2.clone(), k.3.clone(), k.4.clone()));
                let parts: Vec<usize> = [at(a), at(b)].into_iter().flatten().copied().collect();
                lines.push(Line { total, parts });
            }
        }
    }
    // All DMCGs are the sum of each DMCG's table.
    for (k, &total) in cells {
        if k.2.is_empty() && k.3 != "dmcg" && k.3 != "national" {
            let parts: Vec<usize> = dmcgs
                .iter()
                .filter_map(|d| cells.get(&(k.0, k.1, d.clone(), k.3.clone(), k.4.clone())))
                .copied()
                .collect();
            lines.push(Line { total, parts });
        }
    }
    lines
}

#[tokio::test]
async fn an_attacker_with_every_published_table_recovers_no_suppressed_cell() {
    let app = spawn_app(Data::Fixture).await;
    generate(&app, 5_000);
    let (_, reference) = app.get_json("/api/v1/reference/dmcgs").await;
    let dmcgs: Vec<String> = reference
        .as_array()
        .expect("dmcgs")
        .iter()
        .map(|d| d["acronym"].as_str().expect("acronym").to_owned())
        .collect();
    let (_, sites) = app.get_json("/api/v1/reference/sites").await;
    let region_of: HashMap<String, String> = sites
        .as_array()
        .expect("sites")
        .iter()
        .map(|s| {
            (
                s["code"].as_str().expect("code").to_owned(),
                s["region"].to_string(),
            )
        })
        .collect();
    assert!(region_of.len() >= 30, "30 departments or more");

    let seen = published(&app, &dmcgs).await;
    let mut keys: Vec<&Key> = seen.keys().collect();
    keys.sort();
    let cells: HashMap<Key, usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| ((*k).clone(), i))
        .collect();
    let values: Vec<Observed> = keys.iter().map(|k| seen[*k]).collect();
    let hidden: Vec<bool> = values.iter().map(Option::is_none).collect();
    let suppressed = hidden.iter().filter(|h| **h).count();
    assert!(
        suppressed > 50,
        "a register this size has many small cells ({suppressed} suppressed)"
    );
    let lines = relations(&cells, &region_of, &dmcgs);
    for year in [2024, 2025] {
        let national = (year, 0, String::new(), "national".to_owned(), String::new());
        assert!(
            seen[&national].is_some(),
            "the national figure of {year} is published"
        );
    }

    // Peeling: solve any relation with one unknown, substitute, repeat.
    let mut known: Vec<Option<[u64; 3]>> = values.clone();
    let mut recovered = Vec::new();
    loop {
        let mut progress = false;
        for line in &lines {
            let members: Vec<(usize, i64)> = std::iter::once((line.total, -1))
                .chain(line.parts.iter().map(|&p| (p, 1)))
                .collect();
            let unknown: Vec<(usize, i64)> = members
                .iter()
                .copied()
                .filter(|(c, _)| known[*c].is_none())
                .collect();
            if unknown.len() != 1 {
                continue;
            }
            let (cell, sign) = unknown[0];
            let mut solved = [0u64; 3];
            for (m, slot) in solved.iter_mut().enumerate() {
                let rest: i64 = members
                    .iter()
                    .filter(|(c, _)| *c != cell)
                    .map(|(c, s)| s * known[*c].map_or(0, |v| v[m] as i64))
                    .sum();
                *slot = (-rest * sign).max(0) as u64;
            }
            known[cell] = Some(solved);
            recovered.push(keys[cell].clone());
            progress = true;
        }
        if !progress {
            break;
        }
    }
    assert!(recovered.is_empty(), "peeling recovered {recovered:?}");

    // Any linear combination at all: no hidden cell is determined by the published ones.
    let derived = derivable(values.len(), &lines, &hidden);
    let named: Vec<&Key> = derived.iter().map(|&i| keys[i]).collect();
    assert!(named.is_empty(), "derivable: {named:?}");
}

#[tokio::test]
async fn small_cells_alone_would_be_given_away_and_the_protection_closes_every_gap() {
    use dccc_registry::services::offers::{disclosure, indicator};
    let app = spawn_app(Data::Fixture).await;
    generate(&app, 5_000);
    let mut conn = app.pool.get().expect("connection");
    let catalogue = Catalogue::load(&mut conn).expect("catalogue");
    let quarters = indicator::load_year(&mut conn, 2025).expect("year");
    let tables = disclosure::year_tables(&quarters, &catalogue);
    // Hiding only the cells of 1-4, as the first round did, leaves many derivable.
    let primary: Vec<bool> = tables
        .tallies
        .iter()
        .map(|t| {
            [t.patients, t.offered, t.included]
                .into_iter()
                .any(dccc_registry::domain::indicator::is_small)
        })
        .collect();
    let exposed = derivable(tables.tallies.len(), &tables.lines, &primary);
    assert!(
        exposed.len() > 10,
        "the attack is real: {} cells derivable from primary suppression alone",
        exposed.len()
    );
    let protected = disclosure::protect_year(&tables);
    assert_eq!(
        disclosure::leaks(&tables, &protected),
        0,
        "rows and reasons"
    );
    for (k, was) in tables.keys.iter().zip(&primary) {
        if *was {
            assert!(protected.get(k).row, "a small cell stays hidden: {k:?}");
        }
    }
}

#[tokio::test]
async fn the_public_reads_whole_ended_quarters_half_years_and_years_only() {
    let app = spawn_app(Data::Fixture).await;
    generate(&app, 200);
    let today = chrono::Utc::now().date_naive();
    let this_year = chrono::Datelike::year(&today);
    let q = (chrono::Datelike::month(&today) - 1) / 3 + 1;
    let (from, to) = PublishedPeriod::Quarter(q as u8)
        .dates(this_year)
        .expect("dates");
    let cases = [
        ("from=2025-01-01&to=2025-12-31", 200, ""),
        ("from=2025-07-01&to=2025-12-31", 200, ""),
        ("from=2025-04-01&to=2025-06-30", 200, ""),
        // A period one day shorter or longer would tell the decisions of that day.
        ("from=2025-01-01&to=2025-12-30", 400, "from"),
        ("from=2025-01-02&to=2025-12-31", 400, "from"),
        ("from=2024-10-01&to=2025-03-31", 400, "from"),
    ];
    for (query, status, field) in cases {
        let (got, body) = app.get_json(&format!("/api/v1/indicator?{query}")).await;
        assert_eq!(got, status, "{query}: {body}");
        if status == 400 {
            assert_eq!(body["error"]["field"], field, "{query}");
        }
    }
    let current = format!("/api/v1/indicator?from={from}&to={to}");
    let (got, body) = app.get_json(&current).await;
    assert_eq!(got, 400, "the current quarter has not ended: {body}");
    assert_eq!(body["error"]["field"], "to");
    // DCCC staff read any period, exactly.
    app.create_user("admin@dccc.test", "admin", &[], &[]);
    let admin = app.login("admin@dccc.test").await;
    let body = app
        .json_as(&admin, "/api/v1/indicator?from=2025-01-02&to=2025-12-30")
        .await;
    assert!(body["national"]["patients"].as_u64().is_some(), "{body}");
}
