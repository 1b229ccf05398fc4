//! `dccc-bench batch`: an MDT conference's 50 cases (`benches/batch/cases50.json`) in process,
//! as `POST /api/v1/match/batch` answers them but without HTTP: reading the 50 profiles,
//! matching them, writing the answer with the best `--limit` per case; then, in rounds of
//! their own (a 30 MB answer leaves the allocator in another state), the whole answer.

use std::time::{Duration, Instant};

use anyhow::Context;
use dccc_matching::{MatchOutcome, PatientProfile};
use dccc_registry::catalogue::Catalogue;
use dccc_registry::db::DbConnection;
use dccc_registry::web::api::matching::read_profile;
use dccc_registry::web::match_::results::best_json;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The median and the largest of some times, in milliseconds.
fn summary(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    (ms(v[v.len() / 2]), ms(*v.last().unwrap_or(&Duration::ZERO)))
}

fn read_all(
    catalogue: &Catalogue,
    cases: &[serde_json::Value],
) -> anyhow::Result<Vec<PatientProfile>> {
    cases
        .iter()
        .map(|case| {
            read_profile(case["profile"].clone(), catalogue)
                .map_err(|e| anyhow::anyhow!("{}: {e}", case["ref"]))
        })
        .collect()
}

fn match_all(catalogue: &Catalogue, profiles: &[PatientProfile]) -> Vec<MatchOutcome> {
    profiles
        .iter()
        .map(|p| catalogue.matcher.snapshot.match_profile(p, false))
        .collect()
}

fn write(
    catalogue: &Catalogue,
    outcomes: &[MatchOutcome],
    limit: Option<usize>,
) -> anyhow::Result<Vec<u8>> {
    let answers: Vec<_> = outcomes
        .iter()
        .map(|o| best_json(catalogue, o, limit))
        .collect();
    Ok(serde_json::to_vec(&answers)?)
}

pub fn run(
    conn: &mut DbConnection,
    cases: &std::path::Path,
    rounds: u32,
    limit: usize,
) -> anyhow::Result<i32> {
    let catalogue = Catalogue::load(conn)?;
    // Timed on a thread of its own, as a server's worker runs a request: the thread that
    // loaded the catalogue keeps a fragmented allocator arena that slows every allocation.
    let cases = cases.to_owned();
    std::thread::spawn(move || time(&catalogue, &cases, rounds, limit))
        .join()
        .map_err(|_| anyhow::anyhow!("the timing thread panicked"))?
}

fn time(
    catalogue: &Catalogue,
    cases: &std::path::Path,
    rounds: u32,
    limit: usize,
) -> anyhow::Result<i32> {
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
    let (mut reading, mut matching, mut writing, mut totals) = (vec![], vec![], vec![], vec![]);
    let (mut results, mut bytes) = (0, 0);
    for round in 0..=rounds {
        let started = Instant::now();
        let profiles = read_all(catalogue, cases)?;
        let read = started.elapsed();
        let outcomes = match_all(catalogue, &profiles);
        let matched = started.elapsed();
        let out = write(catalogue, &outcomes, Some(limit))?;
        let total = started.elapsed();
        if round > 0 {
            reading.push(read);
            matching.push(matched - read);
            writing.push(total - matched);
            totals.push(total);
        }
        results = outcomes.iter().map(|o| o.results.len()).sum::<usize>();
        bytes = out.len();
    }
    let line = |what: &str, times: Vec<Duration>| {
        let (median, max) = summary(times);
        println!("{what:<34} median {median:>7.2} ms, max {max:>7.2} ms");
    };
    line("read the profiles", reading);
    line(&format!("match them ({results} results)"), matching);
    line(
        &format!("write the best {limit} ({:.2} MB)", bytes as f64 / 1e6),
        writing,
    );
    line("all three", totals);
    let profiles = read_all(catalogue, cases)?;
    let outcomes = match_all(catalogue, &profiles);
    let mut whole = Vec::new();
    for round in 0..=rounds {
        let started = Instant::now();
        let out = write(catalogue, &outcomes, None)?;
        if round > 0 {
            whole.push(started.elapsed());
        }
        bytes = out.len();
    }
    line(
        &format!("write the whole answer ({:.1} MB)", bytes as f64 / 1e6),
        whole,
    );
    Ok(0)
}
