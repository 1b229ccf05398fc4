//! The cross-cutting indicator (domain.md): counts of MDT decisions, offers and inclusions per
//! group, proportions with Wilson 95% confidence intervals, the DMCG standard, and the
//! suppression of small cells on public pages.
//!
//! Suppression: a row with any count of 1–4 is hidden ("<5"). [`publish`] protects one table
//! on its own (a lone hidden row takes the smallest other row with it); what the public reads
//! is protected over the whole published set at once (`domain::disclosure`, laid out in
//! `services::offers::disclosure`) and built with [`publish_with`].

use serde::Serialize;

use super::offers::NotOfferedReason;

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.96;

/// Counts below this (and above zero) are never published.
pub const SMALL_CELL: u64 = 5;

/// What the indicator is grouped by (`by` in `GET /api/v1/indicator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grouping {
    Dmcg,
    /// The region of the department that made the decision.
    Region,
    ResidenceRegion,
    Department,
}

impl Grouping {
    pub const ALL: [Self; 4] = [
        Self::Dmcg,
        Self::Region,
        Self::ResidenceRegion,
        Self::Department,
    ];
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == s.trim())
    }
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Dmcg => "dmcg",
            Self::Region => "region",
            Self::ResidenceRegion => "residence_region",
            Self::Department => "department",
        }
    }
    pub const fn label_da(self) -> &'static str {
        match self {
            Self::Dmcg => "DMCG",
            Self::Region => "Afdelingens region",
            Self::ResidenceRegion => "Bopælsregion",
            Self::Department => "Afdeling",
        }
    }
    pub const fn label_en(self) -> &'static str {
        match self {
            Self::Dmcg => "DMCG",
            Self::Region => "Region of the department",
            Self::ResidenceRegion => "Region of residence",
            Self::Department => "Department",
        }
    }
}

/// Counts for one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub patients: u64,
    pub offered: u64,
    pub included: u64,
    /// Decisions without an offer, per reason in [`NotOfferedReason::ALL`] order.
    pub reasons: [u64; 6],
}

impl Tally {
    /// Adds `n` decisions of one kind.
    pub fn add(&mut self, n: u64, offered: bool, included: bool, reason: Option<NotOfferedReason>) {
        self.patients += n;
        if offered {
            self.offered += n;
        }
        if included {
            self.included += n;
        }
        if let Some(reason) = reason {
            if let Some(i) = NotOfferedReason::ALL.iter().position(|r| *r == reason) {
                self.reasons[i] += n;
            }
        }
    }
    pub fn merge(&mut self, other: &Tally) {
        self.patients += other.patients;
        self.offered += other.offered;
        self.included += other.included;
        for (a, b) in self.reasons.iter_mut().zip(other.reasons) {
            *a += b;
        }
    }
    fn has_small_cell(&self) -> bool {
        [self.patients, self.offered, self.included]
            .into_iter()
            .any(is_small)
    }
}

/// A count of 1–4: never published.
pub fn is_small(n: u64) -> bool {
    n > 0 && n < SMALL_CELL
}

/// The Wilson score interval for `k` successes in `n` trials, as proportions (0–1).
pub fn wilson(k: u64, n: u64, z: f64) -> Option<(f64, f64)> {
    if n == 0 || k > n {
        return None;
    }
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// A percentage rounded to one decimal.
pub fn pct(x: f64) -> f64 {
    (x * 1000.0).round() / 10.0
}

/// A proportion with its interval, in percent with one decimal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Share {
    pub pct: f64,
    pub ci: (f64, f64),
}

impl Share {
    pub fn of(k: u64, n: u64) -> Option<Self> {
        let (lo, hi) = wilson(k, n, Z95)?;
        Some(Self {
            pct: pct(k as f64 / n as f64),
            ci: (pct(lo), pct(hi)),
        })
    }
}

/// One group before publication.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupTally {
    /// The DMCG acronym, region code or department code.
    pub group: String,
    pub name: String,
    pub tally: Tally,
    /// The standard for the share offered, in percent, where one applies.
    pub standard_pct: Option<i32>,
}

/// One row as shown: `None` counts when suppressed.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    pub group: String,
    pub name: String,
    pub suppressed: bool,
    pub patients: Option<u64>,
    pub offered: Option<u64>,
    pub included: Option<u64>,
    pub offered_share: Option<Share>,
    pub included_share: Option<Share>,
    /// Per reason, `None` where suppressed.
    pub reasons: Vec<(NotOfferedReason, Option<u64>)>,
    pub standard_pct: Option<i32>,
    /// Whether the share offered reaches the standard (unknown when suppressed or none set).
    pub standard_met: Option<bool>,
}

impl IndicatorRow {
    fn exact(g: &GroupTally) -> Self {
        let t = &g.tally;
        let offered_share = Share::of(t.offered, t.patients);
        Self {
            group: g.group.clone(),
            name: g.name.clone(),
            suppressed: false,
            patients: Some(t.patients),
            offered: Some(t.offered),
            included: Some(t.included),
            offered_share,
            included_share: Share::of(t.included, t.patients),
            reasons: NotOfferedReason::ALL
                .iter()
                .zip(t.reasons)
                .map(|(r, n)| (*r, Some(n)))
                .collect(),
            standard_pct: g.standard_pct,
            standard_met: g
                .standard_pct
                .zip(offered_share)
                .map(|(standard, share)| share.pct >= f64::from(standard)),
        }
    }
    fn suppress(&mut self) {
        self.suppressed = true;
        self.patients = None;
        self.offered = None;
        self.included = None;
        self.offered_share = None;
        self.included_share = None;
        self.standard_met = None;
        for (_, n) in &mut self.reasons {
            *n = None;
        }
    }
}

/// The national row and one row per group.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorTable {
    pub grouping: Grouping,
    pub national: IndicatorRow,
    pub rows: Vec<IndicatorRow>,
}

/// Builds the table: exact figures for DCCC staff, suppressed ones for everybody else.
pub fn publish(
    grouping: Grouping,
    national: &GroupTally,
    groups: &[GroupTally],
    exact: bool,
) -> IndicatorTable {
    let mut table = IndicatorTable {
        grouping,
        national: IndicatorRow::exact(national),
        rows: groups.iter().map(IndicatorRow::exact).collect(),
    };
    if exact {
        return table;
    }
    if national.tally.has_small_cell() {
        table.national.suppress();
    }
    let mut hidden: Vec<bool> = groups.iter().map(|g| g.tally.has_small_cell()).collect();
    // A lone hidden row could be recovered as national minus the rows shown: hide the next
    // smallest row too, or the national row when there is none.
    if hidden.iter().filter(|h| **h).count() == 1 && !table.national.suppressed {
        let partner = groups
            .iter()
            .enumerate()
            .filter(|(i, _)| !hidden[*i])
            .min_by_key(|(_, g)| (g.tally.patients, g.tally.offered, g.tally.included))
            .map(|(i, _)| i);
        match partner {
            Some(i) => hidden[i] = true,
            None => table.national.suppress(),
        }
    }
    for (row, hide) in table.rows.iter_mut().zip(&hidden) {
        if *hide {
            row.suppress();
        }
    }
    for row in std::iter::once(&mut table.national).chain(table.rows.iter_mut()) {
        suppress_reasons(&mut row.reasons);
    }
    table
}

/// Builds the table with the suppressions decided for the whole published set: `hide` gives,
/// for the national row (`None`) or a group, whether the row is hidden and which reasons are.
pub fn publish_with(
    grouping: Grouping,
    national: &GroupTally,
    groups: &[GroupTally],
    hide: impl Fn(Option<&str>) -> (bool, [bool; 6]),
) -> IndicatorTable {
    let mut table = IndicatorTable {
        grouping,
        national: IndicatorRow::exact(national),
        rows: groups.iter().map(IndicatorRow::exact).collect(),
    };
    let apply = |row: &mut IndicatorRow, (whole, reasons): (bool, [bool; 6])| {
        if whole {
            row.suppress();
        }
        for ((_, n), h) in row.reasons.iter_mut().zip(reasons) {
            if h {
                *n = None;
            }
        }
    };
    apply(&mut table.national, hide(None));
    for row in &mut table.rows {
        let decision = hide(Some(&row.group));
        apply(row, decision);
    }
    table
}

/// Hides reason counts of 1–4, and a partner so that a lone hidden reason cannot be
/// recovered from the number not offered.
fn suppress_reasons(reasons: &mut [(NotOfferedReason, Option<u64>)]) {
    let small = |n: Option<u64>| n.is_some_and(is_small);
    let mut hidden: Vec<bool> = reasons.iter().map(|(_, n)| small(*n)).collect();
    if hidden.iter().filter(|h| **h).count() == 1 {
        if let Some(i) = reasons
            .iter()
            .enumerate()
            .filter(|(i, (_, n))| !hidden[*i] && n.is_some_and(|n| n > 0))
            .min_by_key(|(_, (_, n))| *n)
            .map(|(i, _)| i)
        {
            hidden[i] = true;
        }
    }
    for ((_, n), hide) in reasons.iter_mut().zip(hidden) {
        if hide {
            *n = None;
        }
    }
}

#[cfg(test)]
#[path = "indicator_tests.rs"]
mod tests;
