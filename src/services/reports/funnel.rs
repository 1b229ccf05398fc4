//! The departments' funnel plot: each department's share offered against its number of
//! patients, with the control limits of [`crate::domain::funnel`] around the national share.

use crate::domain::funnel::{limits, position, Position, Z95, Z998};
use crate::domain::indicator::IndicatorTable;

/// One department in the funnel.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelPoint {
    pub group: String,
    pub name: String,
    pub patients: u64,
    pub offered: u64,
    pub position: Position,
    /// The 95 % and 99.8 % limits at this department's number of patients (proportions).
    pub limits95: (f64, f64),
    pub limits998: (f64, f64),
}

impl FunnelPoint {
    pub fn share(&self) -> f64 {
        self.offered as f64 / self.patients as f64
    }
}

/// The funnel of one table of departments.
#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    /// The national share offered (0–1): the funnel's centre line.
    pub national: f64,
    pub points: Vec<FunnelPoint>,
    /// Departments not shown: suppressed (publicly) or without patients.
    pub left_out: usize,
}

/// The funnel of a department table, as the viewer may see it: suppressed rows are left out.
/// `None` when the national share itself is not shown.
pub fn funnel(table: &IndicatorTable) -> Option<Funnel> {
    let national = &table.national;
    let (Some(n), Some(k)) = (national.patients, national.offered) else {
        return None;
    };
    if national.suppressed || n == 0 {
        return None;
    }
    let p0 = k as f64 / n as f64;
    let mut points = Vec::new();
    let mut left_out = 0;
    for row in &table.rows {
        match (row.suppressed, row.patients, row.offered) {
            (false, Some(n), Some(k)) if n > 0 => points.push(FunnelPoint {
                group: row.group.clone(),
                name: row.name.clone(),
                patients: n,
                offered: k,
                position: position(p0, k, n),
                limits95: limits(p0, n, Z95),
                limits998: limits(p0, n, Z998),
            }),
            _ => left_out += 1,
        }
    }
    Some(Funnel {
        national: p0,
        points,
        left_out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::indicator::{publish, GroupTally, Grouping, Tally};

    fn group(code: &str, patients: u64, offered: u64) -> GroupTally {
        GroupTally {
            group: code.into(),
            name: code.into(),
            tally: Tally {
                patients,
                offered,
                included: 0,
                reasons: [0; 6],
            },
            standard_pct: None,
        }
    }

    #[test]
    fn suppressed_departments_are_left_out_of_the_public_funnel() {
        // National 80 of 200 = 0.4. A: 50/100 (above 95 %), B: 13/25 (inside), C: 3 patients.
        let groups = [group("A", 100, 50), group("B", 25, 13), group("C", 3, 1)];
        let national = group("national", 200, 80);
        let public = funnel(&publish(Grouping::Department, &national, &groups, false))
            .expect("national shown");
        assert!((public.national - 0.4).abs() < 1e-12);
        let shown: Vec<&str> = public.points.iter().map(|p| p.group.as_str()).collect();
        assert!(!shown.contains(&"C"), "a cell under 5 is never plotted");
        assert!(public.left_out >= 1);
        let a = public
            .points
            .iter()
            .find(|p| p.group == "A")
            .expect("A has 100 patients and is shown");
        assert_eq!(a.position, Position::AboveWarning);
        assert!((a.limits95.1 - 0.496020).abs() < 5e-5);
        let exact = funnel(&publish(Grouping::Department, &national, &groups, true))
            .expect("national shown");
        assert_eq!(exact.points.len(), 3, "staff see every department");
        assert_eq!(exact.left_out, 0);
        let b = exact.points.iter().find(|p| p.group == "B").expect("B");
        assert_eq!(b.position, Position::Inside);
    }
}
