//! `dccc-bench batch`: an MDT conference's 50 cases (`benches/batch/cases50.json`) in process,
//! as `POST /api/v1/match/batch` answers them but without HTTP: reading and matching the 50
//! profiles, then the answer's JSON written, whole and with the best `--limit` per case.

use std::time::{Duration, Instant};

use anyhow::Context;
use dccc_registry::catalogue::Catalogue;
use dccc_registry::db::DbConnection;
use dccc_registry::web::api::matching::read_profile;
use dccc_registry::web::match_::results::best_json;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    (ms(v[v.len() / 2]), ms(*v.last().unwrap_or(&Duration::ZERO)))
}

pub fn run(
    conn: &mut DbConnection,
    cases: &std::path::Path,
    rounds: u32,
    limit: usize,
) -> anyhow::Result<i32> {
    let catalogue = Catalogue::load(conn)?;
    let open = catalogue.entries.iter().filter(|e| e.is_open()).count();
    let text = std::fs::read_to_string(cases).with_context(|| format!("{}", cases.display()))?;
    let list: serde_json::Value = serde_json::from_str(&text)?;
    let cases = list["cases"]
        .as_array()
        .context("a {\"cases\": [...]} file")?;
    println!(
        "{open} open protocols, {} cases, {rounds} rounds after one warm-up",
        cases.len()
    );
    let mut matching = Vec::new();
    let mut written = Vec::new();
    let mut written_best = Vec::new();
    let (mut bytes, mut bytes_best, mut results) = (0, 0, 0);
    for round in 0..=rounds {
        let started = Instant::now();
        let mut outcomes = Vec::with_capacity(cases.len());
        for case in cases {
            let profile = read_profile(case["profile"].clone(), &catalogue)
                .map_err(|e| anyhow::anyhow!("{}: {e}", case["ref"]))?;
            outcomes.push(catalogue.matcher.snapshot.match_profile(&profile, false));
        }
        let matched = started.elapsed();
        let started = Instant::now();
        let whole: Vec<_> = outcomes
            .iter()
            .map(|o| best_json(&catalogue, o, None))
            .collect();
        let out = serde_json::to_vec(&whole)?;
        let json = started.elapsed();
        let started = Instant::now();
        let best: Vec<_> = outcomes
            .iter()
            .map(|o| best_json(&catalogue, o, Some(limit)))
            .collect();
        let out_best = serde_json::to_vec(&best)?;
        let json_best = started.elapsed();
        if round > 0 {
            matching.push(matched);
            written.push(json);
            written_best.push(json_best);
        }
        bytes = out.len();
        bytes_best = out_best.len();
        results = outcomes.iter().map(|o| o.results.len()).sum::<usize>();
    }
    let (m, mmax) = median(matching);
    let (w, wmax) = median(written);
    let (b, bmax) = median(written_best);
    println!("read and match 50 profiles: median {m:.2} ms, max {mmax:.2} ms ({results} results)");
    println!(
        "write the whole answer:      median {w:.2} ms, max {wmax:.2} ms ({:.2} MB)",
        bytes as f64 / 1e6
    );
    println!(
        "write the best {limit} per case:  median {b:.2} ms, max {bmax:.2} ms ({:.3} MB)",
        bytes_best as f64 / 1e6
    );
    Ok(0)
}
