//! The published indicator tables of one year, protected together (domain.md "Small numbers
//! and differencing"). The public may read the year, its half-years and its quarters, each
//! for all DMCGs or one, grouped nationally, by DMCG, by the department's region, by region of
//! residence and by department. Those tables are laid out here as one set of cells with their
//! additive relations, and `domain::disclosure` hides cells until none of the hidden ones can
//! be derived from the published ones. Every public page, API answer and CSV file reads its
//! suppressions from this one computation.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use chrono::{Datelike, NaiveDate};

use crate::catalogue::Catalogue;
use crate::db::offers::Counted;
use crate::domain::disclosure::{derivable, protect, Line};
use crate::domain::indicator::{is_small, Grouping, Tally};

/// The periods published for a year: the year, its half-years, its quarters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PublishedPeriod {
    Year,
    Half(u8),
    Quarter(u8),
}

impl PublishedPeriod {
    pub const ALL: [Self; 7] = [
        Self::Year,
        Self::Half(1),
        Self::Half(2),
        Self::Quarter(1),
        Self::Quarter(2),
        Self::Quarter(3),
        Self::Quarter(4),
    ];

    fn index(self) -> usize {
        match self {
            Self::Year => 0,
            Self::Half(h) => usize::from(h),
            Self::Quarter(q) => 2 + usize::from(q),
        }
    }

    /// The first and last day of the period in `year`.
    pub fn dates(self, year: i32) -> Option<(NaiveDate, NaiveDate)> {
        let (first, last) = match self {
            Self::Year => (1, 12),
            Self::Half(h) => (6 * u32::from(h) - 5, 6 * u32::from(h)),
            Self::Quarter(q) => (3 * u32::from(q) - 2, 3 * u32::from(q)),
        };
        let from = NaiveDate::from_ymd_opt(year, first, 1)?;
        let next = if last == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, last + 1, 1)?
        };
        Some((from, next.pred_opt()?))
    }

    /// The published period that `from`–`to` is exactly, if any.
    pub fn of(from: NaiveDate, to: NaiveDate) -> Option<(i32, Self)> {
        let year = from.year();
        Self::ALL
            .into_iter()
            .find(|p| p.dates(year) == Some((from, to)))
            .map(|p| (year, p))
    }
}

/// A row of a published table: which grouping and which group (`None` is the national row).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RowKey {
    pub period: PublishedPeriod,
    /// `None`: all DMCGs; else one DMCG's decisions.
    pub filter: Option<String>,
    pub grouping: Option<Grouping>,
    pub group: String,
}

/// What the public may see of each row: hidden whole, or with some reasons hidden.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowSuppression {
    pub row: bool,
    pub reasons: [bool; 6],
}

/// The suppressions of one year's published tables.
#[derive(Debug, Default)]
pub struct ProtectedYear {
    rows: HashMap<RowKey, RowSuppression>,
}

impl ProtectedYear {
    /// The suppression of a row; a row that is not in the set has no decisions (shown as 0).
    pub fn get(&self, key: &RowKey) -> RowSuppression {
        self.rows.get(key).cloned().unwrap_or_default()
    }
}

/// A row across periods: its DMCG filter, grouping and group.
type RowOfTable = (Option<String>, Option<Grouping>, String);

/// The year's tables as cells and lines, before suppression.
#[derive(Debug, Default)]
pub struct YearTables {
    pub keys: Vec<RowKey>,
    pub tallies: Vec<Tally>,
    pub lines: Vec<Line>,
}

impl YearTables {
    fn cell(&mut self, index: &mut HashMap<RowKey, usize>, key: RowKey) -> usize {
        *index.entry(key.clone()).or_insert_with(|| {
            self.keys.push(key);
            self.tallies.push(Tally::default());
            self.tallies.len() - 1
        })
    }
}

/// The key of a row. One DMCG's national row is the DMCG's row of the table of all DMCGs (and
/// so is its table by DMCG): the same cell.
pub fn row_key(
    period: PublishedPeriod,
    filter: Option<&str>,
    grouping: Option<Grouping>,
    group: &str,
) -> RowKey {
    let (filter, grouping, group) = match (filter, grouping) {
        (Some(d), None | Some(Grouping::Dmcg)) => (None, Some(Grouping::Dmcg), d.to_owned()),
        (f, g) => (f.map(str::to_owned), g, group.to_owned()),
    };
    RowKey {
        period,
        filter,
        grouping,
        group,
    }
}

/// Lays out every published table of a year from its decisions counted per quarter.
pub fn year_tables(quarters: &[Vec<Counted>; 4], catalogue: &Catalogue) -> YearTables {
    let mut t = YearTables::default();
    let mut index: HashMap<RowKey, usize> = HashMap::new();
    let key = row_key;
    let region_of = |site: &str| {
        catalogue
            .site(site)
            .map(|s| s.region.code().to_string())
            .unwrap_or_default()
    };
    // Cells, with the quarters' counts added into each period that holds them.
    for (q, counts) in quarters.iter().enumerate() {
        let q = q as u8 + 1;
        let periods = [
            PublishedPeriod::Year,
            PublishedPeriod::Half(q.div_ceil(2)),
            PublishedPeriod::Quarter(q),
        ];
        for c in counts {
            let region = region_of(&c.site_code);
            let residence = c.residence_region.to_string();
            for period in periods {
                for filter in [None, Some(c.dmcg.as_str())] {
                    let rows = [
                        (None, ""),
                        (Some(Grouping::Region), region.as_str()),
                        (Some(Grouping::ResidenceRegion), residence.as_str()),
                        (Some(Grouping::Department), c.site_code.as_str()),
                    ];
                    for (grouping, group) in rows {
                        let i = t.cell(&mut index, key(period, filter, grouping, group));
                        t.tallies[i].merge(&c.tally);
                    }
                }
                let i = t.cell(&mut index, key(period, None, Some(Grouping::Dmcg), &c.dmcg));
                t.tallies[i].merge(&c.tally);
            }
        }
    }
    // Lines. Group the cells by table (period, filter, grouping) and by row across periods
    // and filters.
    let mut tables: HashMap<(PublishedPeriod, Option<String>, Option<Grouping>), Vec<usize>> =
        HashMap::new();
    for (i, k) in t.keys.iter().enumerate() {
        tables
            .entry((k.period, k.filter.clone(), k.grouping))
            .or_default()
            .push(i);
    }
    let national = |period, filter: &Option<String>| {
        index
            .get(&key(period, filter.as_deref(), None, ""))
            .copied()
    };
    let mut lines = Vec::new();
    for ((period, filter, grouping), cells) in &tables {
        let Some(grouping) = grouping else { continue };
        if *grouping == Grouping::Dmcg && filter.is_some() {
            continue;
        }
        // The national row is the sum of each grouping's rows.
        if let Some(total) = national(*period, filter) {
            lines.push(Line {
                total,
                parts: cells.clone(),
            });
        }
        // A region of departments is the sum of its departments.
        if *grouping == Grouping::Department {
            let mut by_region: HashMap<String, Vec<usize>> = HashMap::new();
            for &c in cells {
                by_region
                    .entry(region_of(&t.keys[c].group))
                    .or_default()
                    .push(c);
            }
            for (region, parts) in by_region {
                let k = key(*period, filter.as_deref(), Some(Grouping::Region), &region);
                if let Some(&total) = index.get(&k) {
                    lines.push(Line { total, parts });
                }
            }
        }
    }
    // Periods: a year is its half-years, a half-year its quarters; all DMCGs the sum of each.
    let mut by_row: HashMap<RowOfTable, Vec<Option<usize>>> = HashMap::new();
    let mut by_filter: HashMap<(PublishedPeriod, Option<Grouping>, String), Vec<usize>> =
        HashMap::new();
    for (i, k) in t.keys.iter().enumerate() {
        by_row
            .entry((k.filter.clone(), k.grouping, k.group.clone()))
            .or_insert_with(|| vec![None; 7])[k.period.index()] = Some(i);
        if k.filter.is_some() {
            by_filter
                .entry((k.period, k.grouping, k.group.clone()))
                .or_default()
                .push(i);
        }
    }
    for periods in by_row.values() {
        for (total, a, b) in [(0, 1, 2), (1, 3, 4), (2, 5, 6)] {
            if let Some(total) = periods[total] {
                let parts: Vec<usize> = [periods[a], periods[b]].into_iter().flatten().collect();
                lines.push(Line { total, parts });
            }
        }
    }
    for ((period, grouping, group), parts) in by_filter {
        if let Some(&total) = index.get(&key(period, None, grouping, &group)) {
            lines.push(Line { total, parts });
        }
    }
    // Deterministic order, so the same register always gets the same suppressions.
    lines.sort_by(|a, b| (a.total, &a.parts).cmp(&(b.total, &b.parts)));
    for line in &mut lines {
        line.parts.sort_unstable();
    }
    t.lines = lines;
    t
}

/// Suppresses the year's tables: rows with a count of 1–4, then partners until no hidden row
/// can be derived; then each reason the same way within the rows shown.
pub fn protect_year(tables: &YearTables) -> ProtectedYear {
    let n = tables.tallies.len();
    let small_row = |t: &Tally| {
        [t.patients, t.offered, t.included]
            .into_iter()
            .any(is_small)
    };
    let mut rows: Vec<bool> = tables.tallies.iter().map(small_row).collect();
    let patients: Vec<u64> = tables.tallies.iter().map(|t| t.patients).collect();
    protect(n, &tables.lines, &patients, &mut rows);
    let mut reasons = vec![[false; 6]; n];
    #[expect(
        clippy::needless_range_loop,
        reason = "r indexes the reasons of every tally"
    )]
    for r in 0..6 {
        let size: Vec<u64> = tables.tallies.iter().map(|t| t.reasons[r]).collect();
        let mut hidden: Vec<bool> = (0..n).map(|i| rows[i] || is_small(size[i])).collect();
        protect(n, &tables.lines, &size, &mut hidden);
        for (cell, h) in hidden.into_iter().enumerate() {
            reasons[cell][r] = h;
        }
    }
    ProtectedYear {
        rows: tables
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                (
                    k.clone(),
                    RowSuppression {
                        row: rows[i],
                        reasons: reasons[i],
                    },
                )
            })
            .collect(),
    }
}

/// Whether any hidden row or reason of a protected year can still be derived (for tests and
/// for checking a change to the layout).
pub fn leaks(tables: &YearTables, protected: &ProtectedYear) -> usize {
    let n = tables.tallies.len();
    let rows: Vec<bool> = tables.keys.iter().map(|k| protected.get(k).row).collect();
    let mut found = derivable(n, &tables.lines, &rows).len();
    for r in 0..6 {
        let hidden: Vec<bool> = tables
            .keys
            .iter()
            .map(|k| protected.get(k).reasons[r])
            .collect();
        found += derivable(n, &tables.lines, &hidden).len();
    }
    found
}

/// Protected years by year and a fingerprint of their counts, so the work is done once per
/// change of the register.
#[derive(Debug, Default)]
pub struct DisclosureCache {
    years: Mutex<HashMap<i32, (u64, Arc<ProtectedYear>)>>,
}

impl DisclosureCache {
    /// The protected tables of `year`, laid out and protected only when its counts changed
    /// since the last call (the fingerprint of the counts is cheap; the protection is not).
    pub fn year(
        &self,
        quarters: &[Vec<Counted>; 4],
        catalogue: &Catalogue,
        year: i32,
    ) -> Arc<ProtectedYear> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for counts in quarters {
            counts.len().hash(&mut hasher);
            for c in counts {
                (&c.site_code, &c.dmcg, c.residence_region).hash(&mut hasher);
                let t = &c.tally;
                (t.patients, t.offered, t.included, t.reasons).hash(&mut hasher);
            }
        }
        // The layout also depends on which region each department is in.
        for s in &catalogue.sites {
            (&s.code, s.region.code()).hash(&mut hasher);
        }
        let fingerprint = hasher.finish();
        if let Some((f, p)) = self
            .years
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&year)
        {
            if *f == fingerprint {
                return p.clone();
            }
        }
        let protected = Arc::new(protect_year(&year_tables(quarters, catalogue)));
        self.years
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(year, (fingerprint, protected.clone()));
        protected
    }
}
