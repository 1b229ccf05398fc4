//! Times as readers in Denmark expect them: stored in UTC, shown in Danish time (CET/CEST).

use chrono::NaiveDateTime;
use chrono_tz::Europe::Copenhagen;

/// A stored UTC time as `dd-mm-yyyy hh:mm` in Danish time.
pub fn minute(at_utc: NaiveDateTime) -> String {
    at_utc
        .and_utc()
        .with_timezone(&Copenhagen)
        .format("%d-%m-%Y %H:%M")
        .to_string()
}

/// Today's date in Denmark.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&Copenhagen).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summer_and_winter_time_are_applied() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time");
        assert_eq!(minute(at("2026-07-01 10:00")), "01-07-2026 12:00");
        assert_eq!(minute(at("2026-12-01 23:30")), "02-12-2026 00:30");
    }
}
