//! Recognising Danish CPR numbers (DDMMYY-SSSS) in free text, so they can be refused: the
//! service never stores or processes a personal identification number.

use chrono::NaiveDate;

/// True when the text contains ten digits, optionally with a dash or space after the sixth,
/// whose first six form a valid date (DDMMYY). Longer digit runs are not CPR numbers.
pub fn looks_like_cpr(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let run: String = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let candidate = if run.len() == 10 {
            Some(run.clone())
        } else if run.len() == 6 {
            let sep = chars.get(i + 6).copied();
            let rest: String = chars.get(i + 7..).map_or(String::new(), |r| {
                r.iter().take_while(|c| c.is_ascii_digit()).collect()
            });
            (matches!(sep, Some('-' | ' ' | '/')) && rest.len() == 4)
                .then(|| format!("{run}{rest}"))
        } else {
            None
        };
        if let Some(digits) = candidate {
            if valid_date(&digits[..6]) {
                return true;
            }
        }
        i += run.len().max(1);
    }
    false
}

fn valid_date(ddmmyy: &str) -> bool {
    let day = ddmmyy[0..2].parse::<u32>().unwrap_or(0);
    let month = ddmmyy[2..4].parse::<u32>().unwrap_or(0);
    let year = ddmmyy[4..6].parse::<i32>().unwrap_or(0);
    // The century is not known from the number alone; 2000 is a leap year, so 29 February
    // is accepted for every "00".
    NaiveDate::from_ymd_opt(2000 + year, month, day).is_some()
        || NaiveDate::from_ymd_opt(1900 + year, month, day).is_some()
}

/// The message shown when input is refused.
pub const CPR_REFUSED_DA: &str = "Det ligner et CPR-nummer. Skriv aldrig CPR-numre her – tjenesten må ikke gemme eller behandle dem.";

#[cfg(test)]
mod tests {
    use super::looks_like_cpr;

    #[test]
    fn cpr_numbers_are_recognised_with_or_without_dash() {
        let cases = [
            ("010190-1234", true),
            ("0101901234", true),
            ("patient 310155 1234 henvist", true),
            ("290200-1234", true),
            ("320190-1234", false),
            ("011390-1234", false),
            ("12345678901", false),
            ("C50.9", false),
            ("8000", false),
            ("NCT03646955", false),
            ("2018-001234-56", false),
            ("", false),
        ];
        for (text, expected) in cases {
            assert_eq!(looks_like_cpr(text), expected, "case {text:?}");
        }
    }
}
