//! Trends: per quarter over two years (up to the report's period), the protocols open at some time in the
//! quarter (from the status history) and the indicator's shares offered and included, per
//! DMCG and per region. The public sees the published figures of each quarter (suppressed
//! where small, with the suppressions of that year's published set); DCCC staff exact ones.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::registry_tables::{open_in_periods, EntrySpans, OpenSites, Period};
use super::ReportCache;
use crate::catalogue::Catalogue;
use crate::db::offers::Counted;
use crate::db::DbConnection;
use crate::domain::indicator::{Grouping, IndicatorRow, IndicatorTable};
use crate::services::offers::disclosure::PublishedPeriod;
use crate::services::offers::indicator::{self, IndicatorQuery};
use dccc_matching::Region;

/// How many quarters a trend covers: the last two years.
pub const QUARTERS: usize = 8;

/// One group's figures per quarter (in [`Trends::quarters`] order).
#[derive(Debug, Clone, PartialEq)]
pub struct TrendSeries {
    pub key: String,
    pub name: String,
    /// The standard for the share offered, where one applies.
    pub standard_pct: Option<i32>,
    /// Protocols open at some time in the quarter.
    pub open: Vec<usize>,
    /// Share offered and included, in percent; `None` where suppressed or without patients.
    pub offered_pct: Vec<Option<f64>>,
    pub included_pct: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trends {
    pub quarters: Vec<Period>,
    pub dmcg: Vec<TrendSeries>,
    pub region: Vec<TrendSeries>,
}

/// The [`QUARTERS`] quarters that ended last before `today`, oldest first.
pub fn last_quarters(today: NaiveDate) -> Vec<Period> {
    let mut out = Vec::with_capacity(QUARTERS);
    let mut p = Period::of_quarter(today);
    while out.len() < QUARTERS {
        let Some(before) = p.from.pred_opt() else {
            break;
        };
        p = Period::of_quarter(before);
        out.push(p);
    }
    out.reverse();
    out
}

fn shares(row: Option<&IndicatorRow>) -> (Option<f64>, Option<f64>) {
    row.filter(|r| !r.suppressed).map_or((None, None), |r| {
        (
            r.offered_share.map(|s| s.pct),
            r.included_share.map(|s| s.pct),
        )
    })
}

/// The trends for a viewer (`exact` for DCCC staff): the [`QUARTERS`] quarters that ended
/// before `until` (today, or the day after a past report period).
pub fn trends(
    conn: &mut DbConnection,
    catalogue: &Catalogue,
    cache: &ReportCache,
    spans: &EntrySpans,
    exact: bool,
    english: bool,
    until: NaiveDate,
) -> anyhow::Result<Trends> {
    let quarters = last_quarters(until);
    let mut years: HashMap<i32, [Vec<Counted>; 4]> = HashMap::new();
    let mut tables: Vec<[IndicatorTable; 2]> = Vec::with_capacity(quarters.len());
    for p in &quarters {
        let q = p.quarter.unwrap_or(1);
        if let std::collections::hash_map::Entry::Vacant(slot) = years.entry(p.year) {
            slot.insert(indicator::load_year(conn, p.year)?);
        }
        let year = &years[&p.year];
        let query = IndicatorQuery {
            from: p.from,
            to: p.to,
            dmcg: None,
        };
        let table = |g: Grouping| {
            if exact {
                indicator::exact_table(&year[q as usize - 1], catalogue, g, &query, english)
            } else {
                indicator::public_table(
                    year,
                    catalogue,
                    g,
                    &query,
                    (p.year, PublishedPeriod::Quarter(q as u8)),
                    &cache.disclosure,
                    english,
                )
            }
        };
        tables.push([table(Grouping::Dmcg), table(Grouping::Region)]);
    }
    let open: Vec<OpenSites> = open_in_periods(spans, &quarters);
    let series =
        |key: &str, name: String, which: usize, standard: Option<i32>, counts: Vec<usize>| {
            let (offered_pct, included_pct) = tables
                .iter()
                .map(|t| shares(t[which].rows.iter().find(|r| r.group == key)))
                .unzip();
            TrendSeries {
                key: key.to_owned(),
                name,
                standard_pct: standard,
                open: counts,
                offered_pct,
                included_pct,
            }
        };
    // Per quarter, one pass over the entries: the count per DMCG and per region.
    let mut per_dmcg: Vec<HashMap<&str, usize>> = Vec::with_capacity(open.len());
    let mut per_region: Vec<[usize; 5]> = Vec::with_capacity(open.len());
    for o in &open {
        let mut dmcgs: HashMap<&str, usize> = HashMap::new();
        let mut regions = [0usize; 5];
        for (e, sites) in catalogue.entries.iter().zip(o.iter()) {
            if sites.is_empty() {
                continue;
            }
            *dmcgs.entry(e.dmcg.as_str()).or_default() += 1;
            for (slot, r) in regions.iter_mut().zip(Region::ALL) {
                if sites.iter().any(|&i| catalogue.sites[i].region == r) {
                    *slot += 1;
                }
            }
        }
        per_dmcg.push(dmcgs);
        per_region.push(regions);
    }
    let dmcg = catalogue
        .dmcgs
        .iter()
        .map(|d| {
            let counts = per_dmcg
                .iter()
                .map(|c| c.get(d.acronym.as_str()).copied().unwrap_or(0))
                .collect();
            series(
                &d.acronym,
                d.name_da.clone(),
                0,
                d.offer_standard_pct,
                counts,
            )
        })
        .collect();
    let region = Region::ALL
        .iter()
        .enumerate()
        .map(|(n, &r)| {
            let counts = per_region.iter().map(|c| c[n]).collect();
            let name = if english { r.name_en() } else { r.name_da() };
            series(&r.code().to_string(), name.to_owned(), 1, None, counts)
        })
        .collect();
    Ok(Trends {
        quarters,
        dmcg,
        region,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_two_years_are_the_eight_quarters_that_have_ended() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).expect("date");
        let q = last_quarters(today);
        assert_eq!(q.len(), 8);
        assert_eq!((q[0].year, q[0].quarter), (2024, Some(4)));
        assert_eq!((q[7].year, q[7].quarter), (2026, Some(3)));
        // On the first day of a quarter, the quarter before has just ended.
        let first = last_quarters(NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"));
        assert_eq!((first[7].year, first[7].quarter), (2025, Some(4)));
    }
}
