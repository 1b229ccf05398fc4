//! The indicator from the register's counts: tallies per group for a period, named from the
//! reference data, with each DMCG's standard, then published exact or suppressed.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use dccc_matching::Region;

use crate::catalogue::Catalogue;
use crate::db::offers::{self, Counted};
use crate::db::DbConnection;
use crate::domain::indicator::{publish, GroupTally, Grouping, IndicatorTable, Tally};

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

/// One grouping of the indicator, exact for DCCC staff and suppressed for everybody else.
pub fn table(
    counts: &[Counted],
    catalogue: &Catalogue,
    grouping: Grouping,
    query: &IndicatorQuery,
    exact: bool,
    english: bool,
) -> IndicatorTable {
    let (national, rows) = tallies(counts, catalogue, grouping, query, english);
    publish(grouping, &national, &rows, exact)
}
