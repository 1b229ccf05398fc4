//! `dccc-bench propagation`: the delay, end to end, from a protocol published in the database
//! by one process (as `dccc-registry import` or another server does) to its appearance in a
//! running server's Atom feed and in its text search. Each round writes a new published
//! protocol and polls the server every 20 ms until both show it.

use std::time::{Duration, Instant};

use dccc_registry::db::DbConnection;
use dccc_registry::services::interchange;

/// One new protocol, unique per round.
fn record(acronym: &str, site: &str) -> String {
    serde_json::json!({
        "acronym": acronym,
        "title_da": format!("{acronym}. Et forsøg til måling af forsinkelse"),
        "dmcg": "DBCG",
        "phase": "phase-2",
        "recruitment_status": "open",
        "contact": { "email": "bench@example.dk" },
        "eligibility": { "diagnoses": ["C50"] },
        "sites": [{ "site": site, "status": "open" }],
    })
    .to_string()
}

fn shows(url: &str, needle: &str) -> bool {
    ureq::get(url)
        .timeout(Duration::from_secs(5))
        .call()
        .ok()
        .and_then(|r| r.into_string().ok())
        .is_some_and(|body| body.contains(needle))
}

pub fn run(conn: &mut DbConnection, url: &str, rounds: u32) -> anyhow::Result<i32> {
    let site = dccc_registry::db::reference::list_sites(conn)?
        .into_iter()
        .next()
        .map(|s| s.code)
        .ok_or_else(|| anyhow::anyhow!("no sites in the reference data"))?;
    let base = url.trim_end_matches('/');
    let stamp = chrono::Utc::now().timestamp();
    let (mut feed, mut search) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let acronym = format!("DBCG PROP-{stamp}-{round}");
        let slug = dccc_registry::domain::slugify(&acronym);
        let word = format!("prop{stamp}x{round}");
        let json = record(&acronym, &site).replace("Et forsøg", &format!("{word} Et forsøg"));
        interchange::import_json(conn, &json, false)?;
        let written = Instant::now();
        let (mut in_feed, mut in_search) = (None, None);
        while in_feed.is_none() || in_search.is_none() {
            if written.elapsed() > Duration::from_secs(60) {
                anyhow::bail!("{acronym} did not arrive within 60 s");
            }
            if in_feed.is_none() && shows(&format!("{base}/feeds/protokoller.atom"), &slug) {
                in_feed = Some(written.elapsed());
            }
            if in_search.is_none() && shows(&format!("{base}/api/v1/protocols?q={word}"), &slug) {
                in_search = Some(written.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        feed.extend(in_feed);
        search.extend(in_search);
    }
    let report = |name: &str, mut times: Vec<Duration>| {
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let median = times.get(times.len() / 2).copied().unwrap_or_default();
        let max = times.last().copied().unwrap_or_default();
        println!(
            "{name}: median {:.0} ms, max {:.0} ms over {} rounds",
            ms(median),
            ms(max),
            times.len()
        );
    };
    report("feed", feed);
    report("search", search);
    Ok(0)
}
