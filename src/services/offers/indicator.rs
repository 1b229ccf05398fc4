//! The indicator from the register's counts: tallies per group for a period, named from the
//! reference data, with each DMCG's standard, then published exact or suppressed.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use dccc_matching::Region;

use super::disclosure::{row_key, DisclosureCache, PublishedPeriod};
use crate::catalogue::Catalogue;
use crate::db::offers::{self, Counted};
use crate::db::DbConnection;
use crate::domain::indicator::{
    publish, publish_with, GroupTally, Grouping, IndicatorTable, Tally,
};

/// What to count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Only decisions of this DMCG (its standard then applies to every row).
    pub dmcg: Option<String>,
}

/// The group a count belongs to, or `None` when its reference data is gone.
fn group_key(grouping: Grouping, c: &Counted, catalogue: &Catalogue) -> Option<String> {
    match grouping {
        Grouping::Dmcg => Some(c.dmcg.clone()),
        Grouping::Region => catalogue
            .site(&c.site_code)
            .map(|s| s.region.code().to_string()),
        Grouping::ResidenceRegion => Some(c.residence_region.to_string()),
        Grouping::Department => Some(c.site_code.clone()),
    }
}

fn group_name(grouping: Grouping, key: &str, catalogue: &Catalogue, english: bool) -> String {
    match grouping {
        Grouping::Dmcg => catalogue
            .dmcg(key)
            .map_or_else(|| key.to_owned(), |d| d.name_da.clone()),
        Grouping::Region | Grouping::ResidenceRegion => {
            key.parse().ok().and_then(Region::from_code).map_or_else(
                || key.to_owned(),
                |r| if english { r.name_en() } else { r.name_da() }.to_owned(),
            )
        }
        Grouping::Department => catalogue.site(key).map_or_else(
            || key.to_owned(),
            |s| format!("{}, {}", s.hospital, s.department),
        ),
    }
}

fn standard(catalogue: &Catalogue, dmcg: &str) -> Option<i32> {
    catalogue.dmcg(dmcg).and_then(|d| d.offer_standard_pct)
}

/// The national tally and one tally per group, in group order (DMCG acronym, region code,
/// department code).
pub fn tallies(
    counts: &[Counted],
    catalogue: &Catalogue,
    grouping: Grouping,
    query: &IndicatorQuery,
    english: bool,
) -> (GroupTally, Vec<GroupTally>) {
    let mut national = Tally::default();
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    for c in counts {
        if query.dmcg.as_ref().is_some_and(|d| *d != c.dmcg) {
            continue;
        }
        national.merge(&c.tally);
        if let Some(key) = group_key(grouping, c, catalogue) {
            groups.entry(key).or_default().merge(&c.tally);
        }
    }
    let filter_standard = query.dmcg.as_deref().and_then(|d| standard(catalogue, d));
    let rows = groups
        .into_iter()
        .filter(|(_, t)| t.patients > 0)
        .map(|(key, tally)| GroupTally {
            name: group_name(grouping, &key, catalogue, english),
            standard_pct: match grouping {
                Grouping::Dmcg => standard(catalogue, &key),
                _ => filter_standard,
            },
            group: key,
            tally,
        })
        .collect();
    let national = GroupTally {
        group: "national".into(),
        name: if english { "Denmark" } else { "Hele landet" }.into(),
        tally: national,
        standard_pct: filter_standard,
    };
    (national, rows)
}

/// Reads the counts of the period once.
pub fn load_counts(
    conn: &mut DbConnection,
    query: &IndicatorQuery,
) -> anyhow::Result<Vec<Counted>> {
    Ok(offers::counts(conn, query.from, query.to)?)
}

/// One grouping of the indicator with exact figures, for DCCC staff (any period). What the
/// public reads comes from [`public_table`].
pub fn exact_table(
    counts: &[Counted],
    catalogue: &Catalogue,
    grouping: Grouping,
    query: &IndicatorQuery,
    english: bool,
) -> IndicatorTable {
    let (national, rows) = tallies(counts, catalogue, grouping, query, english);
    publish(grouping, &national, &rows, true)
}

/// The year's decisions counted per quarter: what the published set of that year is laid out
/// from.
pub fn load_year(conn: &mut DbConnection, year: i32) -> anyhow::Result<[Vec<Counted>; 4]> {
    let mut quarters: [Vec<Counted>; 4] = Default::default();
    for (q, counts) in (1u8..=4).zip(quarters.iter_mut()) {
        if let Some((from, to)) = PublishedPeriod::Quarter(q).dates(year) {
            *counts = offers::counts(conn, from, to)?;
        }
    }
    Ok(quarters)
}

/// A period the public may read, or why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpublished {
    /// Not a calendar quarter, half-year or year.
    NotAPublishedPeriod,
    /// The period has not ended: its figures would change from day to day, and the changes
    /// would tell single decisions.
    NotEnded,
}

/// The published period `from`–`to` is, if the public may read it on `today`.
pub fn published_period(
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<(i32, PublishedPeriod), Unpublished> {
    let found = PublishedPeriod::of(from, to).ok_or(Unpublished::NotAPublishedPeriod)?;
    if to >= today {
        return Err(Unpublished::NotEnded);
    }
    Ok(found)
}

/// One grouping of the indicator as the public sees it: the period's counts with the
/// suppressions of the whole published set of its year.
pub fn public_table(
    quarters: &[Vec<Counted>; 4],
    catalogue: &Catalogue,
    grouping: Grouping,
    query: &IndicatorQuery,
    period: (i32, PublishedPeriod),
    cache: &DisclosureCache,
    english: bool,
) -> IndicatorTable {
    let (year, published) = period;
    let protected = cache.year(quarters, catalogue, year);
    let counts: Vec<Counted> = quarters
        .iter()
        .enumerate()
        .filter(|(q, _)| {
            let q = *q as u8 + 1;
            match published {
                PublishedPeriod::Year => true,
                PublishedPeriod::Half(h) => q.div_ceil(2) == h,
                PublishedPeriod::Quarter(x) => q == x,
            }
        })
        .flat_map(|(_, c)| c.iter().cloned())
        .collect();
    let (national, rows) = tallies(&counts, catalogue, grouping, query, english);
    let filter = query.dmcg.as_deref();
    publish_with(grouping, &national, &rows, |group| {
        let key = match group {
            None => row_key(published, filter, None, ""),
            Some(g) => row_key(published, filter, Some(grouping), g),
        };
        let s = protected.get(&key);
        (s.row, s.reasons)
    })
}

/// The indicator of some departments beside the national row: the departments' rows exact
/// (their own decisions), the national row exact for DCCC staff (`exact_national`) and as
/// the public reads it otherwise, which is `None` while the period is not published (its
/// changes from day to day, less one's own, would tell other departments' single decisions).
pub struct DepartmentIndicator {
    pub national: Option<crate::domain::indicator::IndicatorRow>,
    pub rows: Vec<crate::domain::indicator::IndicatorRow>,
}

/// Whose indicator, for which period, as whom.
#[derive(Debug, Clone)]
pub struct DepartmentRequest {
    pub query: IndicatorQuery,
    /// The departments (every one when `None`).
    pub sites: Option<Vec<String>>,
    /// DCCC staff: the national row exact for any period.
    pub exact_national: bool,
    pub today: NaiveDate,
    pub english: bool,
}

/// Builds [`DepartmentIndicator`].
pub fn department_indicator(
    conn: &mut DbConnection,
    catalogue: &Catalogue,
    cache: &DisclosureCache,
    request: &DepartmentRequest,
) -> anyhow::Result<DepartmentIndicator> {
    let DepartmentRequest {
        query,
        sites,
        exact_national,
        today,
        english,
    } = request;
    let (today, english) = (*today, *english);
    let counts = load_counts(conn, query)?;
    let exact = exact_table(&counts, catalogue, Grouping::Department, query, english);
    let rows = exact
        .rows
        .into_iter()
        .filter(|r| sites.as_ref().is_none_or(|sites| sites.contains(&r.group)))
        .collect();
    let national = if *exact_national {
        Some(exact.national)
    } else if let Ok(published) = published_period(query.from, query.to, today) {
        let quarters = load_year(conn, published.0)?;
        let public = public_table(
            &quarters,
            catalogue,
            Grouping::Department,
            query,
            published,
            cache,
            english,
        );
        Some(public.national)
    } else {
        None
    };
    Ok(DepartmentIndicator { national, rows })
}
