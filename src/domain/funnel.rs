//! Funnel plots, the way clinical quality registers compare units: each department's share
//! offered a trial against its number of patients, with control limits around the national
//! share that narrow as the number grows. A department outside the 99.8 % limits differs by
//! more than chance would explain (about 1 in 500); between 95 % and 99.8 % is a warning.
//!
//! Limits use the normal approximation to the binomial, `p₀ ± z·√(p₀(1−p₀)/n)`, clipped to
//! 0–100 %, with z = 1.96 (95 %) and z = 3.09 (99.8 %).

/// z for two-sided 95 % limits.
pub const Z95: f64 = 1.959_964;
/// z for two-sided 99.8 % limits.
pub const Z998: f64 = 3.090_232;

/// The lower and upper control limit (proportions, 0–1) at `n` patients around `p0`.
pub fn limits(p0: f64, n: u64, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let half = z * (p0 * (1.0 - p0) / n as f64).sqrt();
    ((p0 - half).max(0.0), (p0 + half).min(1.0))
}

/// Where a department falls in the funnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Within the 95 % limits.
    Inside,
    /// Above the 95 % limit, within the 99.8 %.
    AboveWarning,
    /// Above the 99.8 % limit.
    AboveAlarm,
    BelowWarning,
    BelowAlarm,
}

impl Position {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Inside => "inside",
            Self::AboveWarning => "above-95",
            Self::AboveAlarm => "above-99.8",
            Self::BelowWarning => "below-95",
            Self::BelowAlarm => "below-99.8",
        }
    }

    pub const fn label(self, english: bool) -> &'static str {
        match (self, english) {
            (Self::Inside, false) => "Inden for 95 %-grænserne",
            (Self::Inside, true) => "Within the 95% limits",
            (Self::AboveWarning, false) => "Over 95 %-grænsen",
            (Self::AboveWarning, true) => "Above the 95% limit",
            (Self::AboveAlarm, false) => "Over 99,8 %-grænsen",
            (Self::AboveAlarm, true) => "Above the 99.8% limit",
            (Self::BelowWarning, false) => "Under 95 %-grænsen",
            (Self::BelowWarning, true) => "Below the 95% limit",
            (Self::BelowAlarm, false) => "Under 99,8 %-grænsen",
            (Self::BelowAlarm, true) => "Below the 99.8% limit",
        }
    }
}

/// The position of `offered` of `n` patients around the national share `p0`.
pub fn position(p0: f64, offered: u64, n: u64) -> Position {
    if n == 0 {
        return Position::Inside;
    }
    let p = offered as f64 / n as f64;
    let (lo95, hi95) = limits(p0, n, Z95);
    let (lo998, hi998) = limits(p0, n, Z998);
    if p > hi998 {
        Position::AboveAlarm
    } else if p > hi95 {
        Position::AboveWarning
    } else if p < lo998 {
        Position::BelowAlarm
    } else if p < lo95 {
        Position::BelowWarning
    } else {
        Position::Inside
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-5
    }

    #[test]
    fn limits_match_figures_worked_out_by_hand() {
        // p0 = 0.4, n = 100: √(0.4·0.6/100) = 0.048990.
        // 95 %: 0.4 ± 1.96·0.048990 = 0.4 ± 0.096020; 99.8 %: 0.4 ± 3.0902·0.048990 = ± 0.151389.
        let (lo, hi) = limits(0.4, 100, Z95);
        assert!(close(lo, 0.303980) && close(hi, 0.496020), "{lo} {hi}");
        let (lo, hi) = limits(0.4, 100, Z998);
        assert!(close(lo, 0.248611) && close(hi, 0.551389), "{lo} {hi}");
        // n = 25: √(0.24/25) = 0.097980; ± 0.192036 and ± 0.302781.
        let (lo, hi) = limits(0.4, 25, Z95);
        assert!(close(lo, 0.207964) && close(hi, 0.592036), "{lo} {hi}");
        let (lo, hi) = limits(0.4, 25, Z998);
        assert!(close(lo, 0.097219) && close(hi, 0.702781), "{lo} {hi}");
        // p0 = 0.1, n = 10: ± 3.0902·0.094868 = 0.293163 reaches below 0 and is clipped.
        let (lo, hi) = limits(0.1, 10, Z998);
        assert!(close(lo, 0.0) && close(hi, 0.393163), "{lo} {hi}");
    }

    #[test]
    fn departments_are_placed_by_the_limits_at_their_own_size() {
        // 50 of 100 (0.50) is just above the 95 % limit 0.4960 at n = 100 …
        assert_eq!(position(0.4, 50, 100), Position::AboveWarning);
        // … but 13 of 25 (0.52) is inside the wider funnel at n = 25.
        assert_eq!(position(0.4, 13, 25), Position::Inside);
        assert_eq!(position(0.4, 56, 100), Position::AboveAlarm);
        assert_eq!(position(0.4, 30, 100), Position::BelowWarning);
        assert_eq!(position(0.4, 24, 100), Position::BelowAlarm);
        assert_eq!(position(0.4, 40, 100), Position::Inside);
    }
}
