//! Recognising Danish CPR numbers (DDMMYY-SSSS) in any spelling, so they can be refused: the
//! service never stores or processes a personal identification number.
//!
//! People and the programs they copy from write a CPR number in many ways: `0101901234`,
//! `010190-1234`, `01 01 90 1234`, `01.01.90-1234`, with an en dash or a minus sign, with a
//! non-breaking space, in full-width digits, or with a zero-width space pasted in the middle.
//! The text is normalised (Unicode NFKC), separators are set aside, and any ten digits that
//! are written together or split only by separators, whose first six are a date, count.
//!
//! Every caller is a patient-data input (the match form and API, the patient page, the offer
//! register and its CSV import), where refusing too much is the safe side: a telephone number
//! such as `20 10 12 34 56` whose first six digits happen to form a date (20.10.12) is
//! refused too. Danish numbers written with `+45` never are (day 45 does not exist). Fields
//! where telephone numbers and trial identifiers belong (the protocol editor's contact
//! phone, EudraCT numbers) are not checked.

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

/// Digits in a CPR number.
const CPR_DIGITS: usize = 10;

/// True when the text holds something that looks like a CPR number.
///
/// The text is cut into *groups*: runs of digits written together. Groups separated only by
/// separators (spaces of any kind, dots, hyphens and dashes of any kind, slashes, invisible
/// characters) belong to one *sequence*; anything else (a letter, `+`, a comma) ends the
/// sequence. A CPR number is whole groups of one sequence with ten digits in all, whose first
/// six form a valid DDMMYY date. A longer run of digits written together (`12345678901`) is
/// never split, but a sequence is: in `8000 010190-1234` the postcode does not hide the number.
pub fn looks_like_cpr(text: &str) -> bool {
    let mut sequence: Vec<String> = Vec::new();
    let mut group = String::new();
    for c in text.nfkc() {
        if let Some(digit) = digit_value(c) {
            group.push(digit);
        } else if is_separator(c) {
            if !group.is_empty() {
                sequence.push(std::mem::take(&mut group));
            }
        } else {
            if !group.is_empty() {
                sequence.push(std::mem::take(&mut group));
            }
            if sequence_holds_cpr(&sequence) {
                return true;
            }
            sequence.clear();
        }
    }
    if !group.is_empty() {
        sequence.push(group);
    }
    sequence_holds_cpr(&sequence)
}

/// Whether consecutive whole groups of one sequence make ten digits that start with a date.
fn sequence_holds_cpr(groups: &[String]) -> bool {
    (0..groups.len()).any(|start| {
        let mut digits = String::new();
        for group in &groups[start..] {
            digits.push_str(group);
            if digits.len() >= CPR_DIGITS {
                break;
            }
        }
        digits.len() == CPR_DIGITS && valid_date(&digits[..6])
    })
}

/// The first code point of each block of ten decimal digits that NFKC leaves alone (Arabic-
/// Indic, Devanagari, Thai and the like). Full-width and mathematical digits become ASCII
/// digits under NFKC already.
const DIGIT_ZEROS: &[u32] = &[
    0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
    0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
];

/// The ASCII digit a character stands for, if it is a decimal digit of any script.
fn digit_value(c: char) -> Option<char> {
    if c.is_ascii_digit() {
        return Some(c);
    }
    let code = u32::from(c);
    DIGIT_ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&code))
        .and_then(|&zero| char::from_digit(code - zero, 10))
}

/// Characters that may stand between the parts of a number without ending it.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            // Hyphens, dashes and minus signs (NFKC has turned full-width and small forms
            // into '-' already, and the non-breaking hyphen U+2011 into U+2010).
            '-' | '\u{00AD}' | '\u{058A}' | '\u{2010}'..='\u{2015}' | '\u{2043}' | '\u{2212}'
                | '\u{2E3A}' | '\u{2E3B}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
            // Dots and points.
            | '.' | '\u{00B7}' | '\u{2024}' | '\u{2027}' | '\u{2219}' | '\u{22C5}' | '\u{30FB}'
                | '\u{3002}' | '\u{FF0E}'
            // Slashes.
            | '/' | '\\' | '\u{2044}' | '\u{2215}' | '\u{FF0F}'
            // Invisible characters: zero-width space, non-joiner and joiner, word joiner,
            // invisible operators, byte order mark, direction marks and embeddings.
            | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
        )
}

/// Whether six ASCII digits are a date DDMMYY in some century.
fn valid_date(ddmmyy: &str) -> bool {
    let part = |range: std::ops::Range<usize>| {
        ddmmyy
            .get(range)
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let (day, month, year) = (part(0..2), part(2..4), part(4..6));
    let year = i32::try_from(year).unwrap_or(0);
    // The century is not known from the number alone; 2000 is a leap year, so 29 February
    // is accepted for every "00".
    NaiveDate::from_ymd_opt(2000 + year, month, day).is_some()
        || NaiveDate::from_ymd_opt(1900 + year, month, day).is_some()
}

#[cfg(test)]
mod tests {
    use super::looks_like_cpr;

    #[test]
    fn cpr_numbers_are_recognised_in_any_spelling() {
        let cases = [
            ("0101901234", "ten digits"),
            ("010190-1234", "a hyphen"),
            ("01 01 90 1234", "spaces"),
            ("01-01-90-1234", "hyphens"),
            ("01.01.90-1234", "dots and a hyphen"),
            ("01.01.90.1234", "dots"),
            ("01/01/90/1234", "slashes"),
            ("010190/1234", "a slash"),
            ("010190 - 1234", "a spaced hyphen"),
            ("010190\u{2013}1234", "an en dash"),
            ("010190\u{2014}1234", "an em dash"),
            ("010190\u{2212}1234", "a minus sign"),
            ("010190\u{2011}1234", "a non-breaking hyphen"),
            ("010190\u{2010}1234", "a hyphen U+2010"),
            ("010190\u{FE63}1234", "a small hyphen-minus"),
            ("010190\u{FF0D}1234", "a full-width hyphen"),
            ("010190\u{00A0}1234", "a no-break space"),
            ("010190\u{202F}1234", "a narrow no-break space"),
            ("010190\u{3000}1234", "an ideographic space"),
            ("０１０１９０１２３４", "full-width digits"),
            ("０１０１９０－１２３４", "full-width digits and hyphen"),
            ("0１0１90-1234", "mixed digits"),
            ("٠١٠١٩٠١٢٣٤", "Arabic-Indic digits"),
            ("010190\u{200B}1234", "a zero-width space"),
            (
                "0101\u{200C}90\u{200D}1234",
                "zero-width non-joiner and joiner",
            ),
            ("010190\u{2060}1234", "a word joiner"),
            ("\u{FEFF}010190-1234", "a byte order mark"),
            ("0101 901234", "a space after the month"),
            ("patient 010190-1234 henvist", "text around it"),
            ("CPR:0101901234", "a label before it"),
            ("pt310155 1234", "letters right before it"),
            ("290200-1234", "29 February 2000"),
            ("8000 010190-1234", "a postcode before it"),
            ("010190-1234 5678", "more digits after a space"),
        ];
        for (text, case) in cases {
            assert!(looks_like_cpr(text), "{case}: {text:?} must be refused");
        }
    }

    #[test]
    fn other_numbers_are_not_taken_for_cpr_numbers() {
        let cases = [
            ("320190-1234", "day 32"),
            ("011390-1234", "month 13"),
            ("290201-1234", "29 February 2001"),
            ("000190-1234", "day 0"),
            ("12345678901", "eleven digits"),
            ("01019012345", "eleven digits starting with a date"),
            ("10101901234", "a date inside eleven digits"),
            ("010190-12345", "six and five digits"),
            ("010190-123", "nine digits"),
            ("010190", "a date alone"),
            ("+45 12 34 56 78", "a telephone number"),
            ("+45 35 45 12 34", "a telephone number of ten digits"),
            ("35 45 12 34", "a telephone number without +45"),
            ("2026-01-01", "an ISO date"),
            ("01-01-2026", "a Danish date"),
            ("01.01.2026 kl. 12", "a date and an hour"),
            ("NCT03646955", "an NCT number"),
            ("2018-001234-56", "a EudraCT number"),
            ("2023-501234-12-00", "an EU CT number"),
            ("8000", "a postcode"),
            ("2100 København Ø", "a postcode and town"),
            ("C50.9", "an ICD-10 code"),
            ("MDT-2026-0042", "a patient reference"),
            ("HER2", "a biomarker"),
            ("", "nothing"),
        ];
        for (text, case) in cases {
            assert!(!looks_like_cpr(text), "{case}: {text:?} must be accepted");
        }
    }
}
