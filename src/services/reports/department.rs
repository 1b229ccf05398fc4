//! A department's indicator for the last published periods (the last ended year and the last
//! four ended quarters), read from the report's department tables: what the public reads is
//! exactly the published cell, suppressed where the report suppresses it; DCCC staff read
//! exact figures.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::Period;
use crate::catalogue::Catalogue;
use crate::db::offers::Counted;
use crate::db::DbConnection;
use crate::domain::indicator::{Grouping, IndicatorRow};
use crate::services::offers::disclosure::{DisclosureCache, PublishedPeriod};
use crate::services::offers::indicator::{self, IndicatorQuery};

/// The last ended year, then the last four ended quarters, newest first, as of `today`.
pub fn last_published_periods(today: NaiveDate) -> Vec<Period> {
    let year = today.year();
    let mut periods: Vec<Period> = Period::new(year - 1, None).into_iter().collect();
    // The quarter `today` falls in has not ended: step back from the one before.
    let (mut y, mut q) = (year, today.month0() / 3 + 1);
    for _ in 0..4 {
        (y, q) = if q == 1 { (y - 1, 4) } else { (y, q - 1) };
        periods.extend(Period::new(y, Some(q)));
    }
    periods
}

/// The department's row (by code) for each of `periods` in which it had decisions.
pub fn department_rows(
    conn: &mut DbConnection,
    catalogue: &Catalogue,
    disclosure: &DisclosureCache,
    code: &str,
    periods: &[Period],
    exact: bool,
    english: bool,
) -> anyhow::Result<Vec<(Period, IndicatorRow)>> {
    let mut years: HashMap<i32, [Vec<Counted>; 4]> = HashMap::new();
    let mut out = Vec::new();
    for p in periods {
        let query = IndicatorQuery {
            from: p.from,
            to: p.to,
            dmcg: None,
        };
        let table = if exact {
            let counts = indicator::load_counts(conn, &query)?;
            indicator::exact_table(&counts, catalogue, Grouping::Department, &query, english)
        } else {
            if let std::collections::hash_map::Entry::Vacant(slot) = years.entry(p.year) {
                slot.insert(indicator::load_year(conn, p.year)?);
            }
            let published = match p.quarter {
                None => PublishedPeriod::Year,
                Some(q) => PublishedPeriod::Quarter(q as u8),
            };
            indicator::public_table(
                &years[&p.year],
                catalogue,
                Grouping::Department,
                &query,
                (p.year, published),
                disclosure,
                english,
            )
        };
        if let Some(row) = table.rows.into_iter().find(|r| r.group == code) {
            out.push((*p, row));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(today: &str) -> Vec<String> {
        last_published_periods(today.parse().expect("a date"))
            .iter()
            .map(|p| p.label(false))
            .collect()
    }

    #[test]
    fn the_last_published_periods_are_the_last_ended_year_and_four_ended_quarters() {
        assert_eq!(
            labels("2026-12-03"),
            [
                "2025",
                "2026, 3. kvartal",
                "2026, 2. kvartal",
                "2026, 1. kvartal",
                "2025, 4. kvartal"
            ]
        );
        assert_eq!(
            labels("2026-01-01"),
            [
                "2025",
                "2025, 4. kvartal",
                "2025, 3. kvartal",
                "2025, 2. kvartal",
                "2025, 1. kvartal"
            ]
        );
        assert_eq!(
            labels("2026-04-01"),
            [
                "2025",
                "2026, 1. kvartal",
                "2025, 4. kvartal",
                "2025, 3. kvartal",
                "2025, 2. kvartal"
            ]
        );
    }
}
