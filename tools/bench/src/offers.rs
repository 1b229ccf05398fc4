//! `offers` fills the register with generated decisions; `indicator` times the
//! indicator and the report's registry tables over it (BENCHMARKS.md).

use std::time::{Duration, Instant};

use chrono::{Datelike, Duration as Days, Utc};
use diesel::Connection;

use dccc_registry::catalogue::Catalogue;
use dccc_registry::db::offers as store;
use dccc_registry::db::DbConnection;
use dccc_registry::domain::indicator::Grouping;
use dccc_registry::services::offers::generate::Generator;
use dccc_registry::services::offers::indicator::{self, IndicatorQuery};
use dccc_registry::services::reports::{self, Period};

/// Inserts `entries` generated decisions spread over the last `years` years, in batches,
/// then recounts the monthly summary.
pub fn generate(
    conn: &mut DbConnection,
    entries: u64,
    seed: u64,
    years: u32,
) -> anyhow::Result<i32> {
    let catalogue = Catalogue::load(conn)?;
    let today = Utc::now().date_naive();
    let from = today - Days::days(365 * i64::from(years.max(1)));
    let mut generator = Generator::new(&catalogue, from, today, seed, "BENCH");
    let started = Instant::now();
    let now = Utc::now().naive_utc();
    let mut done = 0u64;
    while done < entries {
        let n = (entries - done).min(20_000);
        let batch: Vec<_> = (0..n).map(|_| generator.next_record()).collect();
        conn.transaction(|conn| store::insert_bulk(conn, &batch, now))?;
        done += n;
        if done.is_multiple_of(1_000_000) {
            eprintln!(
                "{done} decisions inserted ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let inserted = started.elapsed();
    let started = Instant::now();
    conn.transaction(store::rebuild_summary)?;
    println!(
        "inserted {entries} decisions in {:.1} s; monthly counts rebuilt in {:.1} s",
        inserted.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(0)
}

fn stats(mut times: Vec<Duration>) -> String {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    format!(
        "median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms(p(0.5)),
        ms(p(0.99)),
        ms(*times.last().unwrap_or(&Duration::ZERO))
    )
}

/// Times the indicator for a year, an odd period with partial months at both ends, and the
/// whole register, in every grouping; and the report's registry tables.
pub fn indicator_bench(conn: &mut DbConnection, rounds: u32) -> anyhow::Result<i32> {
    let catalogue = Catalogue::load(conn)?;
    let total = store::count_offers(conn)?;
    let Some((first, last)) = store::date_span(conn)? else {
        eprintln!("the register is empty: run `bench offers --entries N` first");
        return Ok(2);
    };
    let year = Period::new(last.year(), None).unwrap_or(Period::of_quarter(last));
    let odd_from = first + Days::days(40);
    let odd_to = last - Days::days(20);
    let periods = [
        ("last calendar year", year.from, year.to),
        ("partial months at both ends", odd_from, odd_to),
        ("whole register", first, last),
    ];
    println!("{total} decisions from {first} to {last}; {rounds} rounds after one warm-up");
    for (label, from, to) in periods {
        let query = IndicatorQuery {
            from,
            to,
            dmcg: None,
        };
        for grouping in Grouping::ALL {
            let mut times = Vec::new();
            let mut patients = 0;
            for round in 0..=rounds {
                let started = Instant::now();
                let counts = indicator::load_counts(conn, &query)?;
                let table = indicator::exact_table(&counts, &catalogue, grouping, &query, false);
                patients = table.national.patients.unwrap_or(0);
                if round > 0 {
                    times.push(started.elapsed());
                }
            }
            println!(
                "indicator {label:28} by {:16} {patients:>9} patients: {}",
                grouping.as_str(),
                stats(times)
            );
        }
    }
    let mut times = Vec::new();
    for round in 0..=rounds {
        let started = Instant::now();
        let spans = reports::EntrySpans::new(
            &catalogue,
            &dccc_registry::db::status_history::open_spans(conn)?,
        );
        let in_period = reports::open_in_period(&spans, &year);
        let _ = reports::protocols_by_dmcg(&catalogue, &year, &in_period);
        let _ = reports::protocols_by_region(&catalogue, &year, &in_period, false);
        let _ = reports::coverage(&catalogue, &in_period);
        let _ = reports::access(&catalogue, &in_period);
        if round > 0 {
            times.push(started.elapsed());
        }
    }
    println!(
        "registry tables (status history, protocols, coverage, access) for {} protocols: {}",
        catalogue.entries.len(),
        stats(times)
    );
    Ok(0)
}

/// Times the whole transparency report as the page builds it: once on a new cache (the status
/// history read, the tables of what is open now and the year's suppressions computed) and
/// `rounds` times after, for the public and for DCCC staff, a year and a quarter, all DMCGs
/// and one; and the parts that grow with the registry on their own.
pub fn report_bench(conn: &mut DbConnection, rounds: u32) -> anyhow::Result<i32> {
    use dccc_registry::services::reports::{trends, ReportCache, ReportRequest};
    let catalogue = Catalogue::load(conn)?;
    let total = store::count_offers(conn)?;
    let today = Utc::now().date_naive();
    let last_year = Period::new(today.year() - 1, None).unwrap_or(Period::of_quarter(today));
    let quarter = Period::of_quarter(today);
    let dmcg = catalogue.dmcgs.first().map(|d| d.acronym.clone());
    println!(
        "{total} decisions, {} published protocols; {rounds} rounds after the first build",
        catalogue.entries.len()
    );
    let cases = [
        ("public, last year, all DMCGs", last_year, None, false),
        (
            "public, last year, one DMCG",
            last_year,
            dmcg.clone(),
            false,
        ),
        ("staff, last year, all DMCGs", last_year, None, true),
        ("staff, this quarter, one DMCG", quarter, dmcg, true),
    ];
    for (label, period, dmcg, exact) in cases {
        let cache = ReportCache::default();
        let request = ReportRequest {
            period,
            dmcg,
            exact,
            english: false,
        };
        let started = Instant::now();
        let report = reports::build_report(conn, &catalogue, &cache, request.clone())?;
        let first = started.elapsed();
        let mut times = Vec::new();
        for _ in 0..rounds {
            let started = Instant::now();
            let _ = reports::build_report(conn, &catalogue, &cache, request.clone())?;
            times.push(started.elapsed());
        }
        println!(
            "report {label:32} first {:.1} ms; then {} ({} postcodes on the map, {} funnel points)",
            first.as_secs_f64() * 1000.0,
            stats(times),
            report.distance_map.distances.len(),
            report.funnel.as_ref().map_or(0, |f| f.points.len())
        );
    }
    let mut load = Vec::new();
    let mut trend = Vec::new();
    let cache = ReportCache::default();
    for round in 0..=rounds {
        let started = Instant::now();
        let spans = reports::EntrySpans::new(
            &catalogue,
            &dccc_registry::db::status_history::open_spans(conn)?,
        );
        let loaded = started.elapsed();
        let started = Instant::now();
        let _ = trends::trends(conn, &catalogue, &cache, &spans, false, false, today)?;
        if round > 0 {
            load.push(loaded);
            trend.push(started.elapsed());
        }
    }
    println!("  reading the status history's open spans: {}", stats(load));
    println!("  trends (eight quarters, public): {}", stats(trend));
    Ok(0)
}
