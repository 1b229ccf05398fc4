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
        let _ = reports::protocols_by_dmcg(&catalogue, &year);
        let _ = reports::protocols_by_region(&catalogue, &year, false);
        let _ = reports::coverage(&catalogue);
        let _ = reports::access(&catalogue);
        if round > 0 {
            times.push(started.elapsed());
        }
    }
    println!(
        "registry tables (protocols, coverage, access) for {} protocols: {}",
        catalogue.entries.len(),
        stats(times)
    );
    Ok(0)
}
