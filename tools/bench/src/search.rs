//! `dccc-bench search`: index build time and memory, the cost of updating one record,
//! and query latency (median, 99th percentile) for the query kinds BENCHMARKS.md reports,
//! on whatever registry `DATABASE_URL` holds (fill it with `dccc-bench generate`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;

use dccc_registry::catalogue::{Catalogue, ProtocolQuery, Sources};
use dccc_registry::db::DbConnection;
use dccc_registry::search::SearchIndex;

/// The query kinds and their queries: words the generated records (and real ones) contain.
const KINDS: [(&str, &[&str]); 4] = [
    (
        "one word",
        &[
            "q=brystkræft",
            "q=lungekræft",
            "q=immunterapi",
            "q=leukæmi",
            "q=strålebehandling",
            "q=melanom",
        ],
    ),
    (
        "three words",
        &[
            "q=HER2 negativ metastatisk",
            "q=stereotaktisk strålebehandling lungekræft",
            "q=immunterapi adjuverende modermærkekræft",
            "q=kemoterapi før operation",
        ],
    ),
    (
        "fuzzy",
        &[
            "q=brystkrft",
            "q=lymfomm",
            "q=prostatakrft",
            "q=immunterapy",
            "q=melanon",
        ],
    ),
    (
        "filtered, with facets",
        &[
            "q=brystkræft&region=1082&phase=phase-3",
            "q=lungekræft&dmcg=DLCG&paediatric=false",
            "q=immunterapi&age=70&sex=female",
            "q=strålebehandling&region=1084&phase=phase-2&status=all",
        ],
    ),
];

fn rss_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "n/a".into(), |k| format!("{:.0} MiB", k as f64 / 1024.0))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn pairs(params: &str) -> Vec<(String, String)> {
    params
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Runs the benchmark; returns the exit code.
pub fn run(
    conn: &mut DbConnection,
    rounds: u32,
    in_ram: bool,
    dir: Option<PathBuf>,
) -> anyhow::Result<i32> {
    if rounds == 0 {
        eprintln!("error: --rounds must be at least 1");
        return Ok(2);
    }
    // What a first start does: read the database once, build the snapshot, and index the
    // records the snapshot was built from before they are dropped.
    let began = Instant::now();
    let sources = Sources::read(conn)?;
    println!(
        "reading the registry from the database: {:.2} s",
        began.elapsed().as_secs_f64()
    );

    let folder = dir.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("dccc-bench-search-{}", std::process::id()))
    });
    let index = if in_ram {
        SearchIndex::in_ram()?
    } else {
        if folder.exists() {
            std::fs::remove_dir_all(&folder)
                .with_context(|| format!("removing {}", folder.display()))?;
        }
        SearchIndex::open(&folder)?
    };
    // Peak memory from here on: Linux resets the high-water mark on "5" to clear_refs.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let rss_before = rss_kib("VmRSS:");
    let began = Instant::now();
    let (catalogue, report) =
        Catalogue::from_sources_with(sources, |c, records| index.rebuild_from(c, records, true))?;
    let report = report?;
    println!(
        "snapshot: {} published protocol(s) built in {:.0} ms",
        catalogue.entries.len(),
        ms(began.elapsed().saturating_sub(report.took))
    );
    let began = Instant::now();
    index.settle();
    let merged = began.elapsed();
    let rss_after = rss_kib("VmRSS:");
    let peak = rss_kib("VmHWM:");
    println!(
        "index build: {} document(s) searchable in {:.2} s (from the records in memory), merged into one segment {:.2} s later; {}",
        report.written,
        report.took.as_secs_f64(),
        merged.as_secs_f64(),
        if in_ram {
            "in memory".to_owned()
        } else {
            format!(
                "{:.1} MiB on disk in {}",
                index.size_on_disk() as f64 / 1_048_576.0,
                folder.display()
            )
        }
    );
    println!(
        "memory: resident {} before the build, {} after, peak {} during",
        mib(rss_before),
        mib(rss_after),
        mib(peak)
    );

    // Updating one record: read it from the database, delete-term, add-document, commit.
    let mut updates = Vec::new();
    for entry in catalogue
        .entries
        .iter()
        .step_by((catalogue.entries.len() / 20).max(1))
        .take(20)
    {
        index.mark_stale(&[entry.id])?;
        let began = Instant::now();
        index.sync(&catalogue, conn)?;
        updates.push(began.elapsed());
    }
    updates.sort();
    if !updates.is_empty() {
        println!(
            "update of one record: median {:.1} ms, max {:.1} ms over {} updates",
            ms(percentile(&updates, 0.5)),
            ms(percentile(&updates, 1.0)),
            updates.len()
        );
    }

    println!(
        "query latency (search + filters + facets + first page with snippets), {rounds} round(s):"
    );
    println!("| query kind | queries | median | 99th percentile | mean hits | median search / list / snippets |");
    println!("|---|---|---|---|---|---|");
    let mut per_query: Vec<(&str, Vec<Duration>, usize)> = Vec::new();
    for (kind, queries) in KINDS {
        let parsed: Vec<ProtocolQuery> = queries
            .iter()
            .map(|q| {
                ProtocolQuery::parse(&pairs(q), &catalogue)
                    .map_err(|e| anyhow::anyhow!("{q}: {}: {}", e.param, e.message))
            })
            .collect::<anyhow::Result<_>>()?;
        // Warm-up: the first run of a query pages in the index files.
        for query in &parsed {
            run_query(&index, &catalogue, query)?;
        }
        let mut times = Vec::new();
        let mut phases: [Vec<Duration>; 3] = Default::default();
        let mut hits = 0usize;
        let first = per_query.len();
        per_query.extend(queries.iter().map(|q| (*q, Vec::new(), 0)));
        for _ in 0..rounds {
            for (i, query) in parsed.iter().enumerate() {
                let timing = run_query(&index, &catalogue, query)?;
                hits += timing.hits;
                let total = timing.search + timing.list + timing.snippets;
                times.push(total);
                per_query[first + i].1.push(total);
                per_query[first + i].2 = timing.hits;
                phases[0].push(timing.search);
                phases[1].push(timing.list);
                phases[2].push(timing.snippets);
            }
        }
        times.sort();
        for p in &mut phases {
            p.sort();
        }
        println!(
            "| {kind} | {} | {:.2} ms | {:.2} ms | {} | {:.2} / {:.2} / {:.2} ms |",
            queries.len(),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
            hits / times.len().max(1),
            ms(percentile(&phases[0], 0.5)),
            ms(percentile(&phases[1], 0.5)),
            ms(percentile(&phases[2], 0.5)),
        );
    }
    println!();
    println!("| query | hits | median | 99th percentile |");
    println!("|---|---|---|---|");
    for (text, mut times, hits) in per_query {
        times.sort();
        println!(
            "| `{text}` | {hits} | {:.2} ms | {:.2} ms |",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99))
        );
    }
    drop(index);
    if !in_ram {
        let _ = std::fs::remove_dir_all(&folder);
    }
    Ok(0)
}

/// How long the parts of one list request took.
struct Timing {
    search: Duration,
    list: Duration,
    snippets: Duration,
    hits: usize,
}

/// What a list request does with a text query.
fn run_query(
    index: &SearchIndex,
    catalogue: &Catalogue,
    query: &ProtocolQuery,
) -> anyhow::Result<Timing> {
    let began = Instant::now();
    let found = index.search(catalogue, query)?;
    let search = began.elapsed();
    let began = Instant::now();
    let result = catalogue.list(query, found.as_ref().map(|f| f.candidates.as_slice()));
    std::hint::black_box(&result.facets);
    let list = began.elapsed();
    let began = Instant::now();
    let page: Vec<usize> = result.hits.iter().map(|h| h.entry).collect();
    if let Some(found) = &found {
        std::hint::black_box(found.snippets(&page, false));
    }
    Ok(Timing {
        search,
        list,
        snippets: began.elapsed(),
        hits: result.total,
    })
}
