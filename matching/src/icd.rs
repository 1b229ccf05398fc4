//! ICD-10 diagnosis codes as patients have them, and the error for text that is not one.
//!
//! Clinicians type codes in several forms (`C50.9`, `c509`, SKS `DC509`); every form becomes
//! one canonical string (`C509`) so that matching elsewhere is plain prefix comparison.

mod pattern;

pub use pattern::{IcdPattern, IcdPatternList};

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Longest subcode accepted after the category. Real ICD-10 and SKS subcodes are shorter, so
/// anything longer is a typing error rather than a more specific diagnosis.
const MAX_SUBCODE_LEN: usize = 4;

const EXPECTED_CODE: &str =
    "an ICD-10 code (expected a letter, two digits and optional subcode, e.g. C50.9 or DC509)";

/// A validated ICD-10 code in canonical form: upper case, no SKS `D` prefix, no dot (`C509`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IcdCode(String);

impl IcdCode {
    /// The canonical form, e.g. `C509`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The three-character category, e.g. `C50` for `C509`.
    pub fn category(&self) -> &str {
        // Parsing guarantees at least three ASCII characters; the fallback only keeps this total.
        self.0.get(..3).unwrap_or(&self.0)
    }

    /// What follows the category, e.g. `9` for `C509`; empty for a bare category.
    pub fn subcode(&self) -> &str {
        self.0.get(3..).unwrap_or_default()
    }
}

impl FromStr for IcdCode {
    type Err = IcdError;

    fn from_str(input: &str) -> Result<Self, IcdError> {
        let trimmed = input.trim();
        let invalid = || IcdError {
            input: trimmed.to_owned(),
            reason: EXPECTED_CODE,
        };
        let upper = trimmed.to_ascii_uppercase();
        // SKS writes ICD-10 codes with a leading D (`DC509`). A D followed by a digit is the
        // ICD-10 chapter D itself (`D05`), so only a D followed by a letter is that prefix.
        let without_sks_prefix = match upper.as_bytes() {
            [b'D', second, ..] if second.is_ascii_alphabetic() => &upper[1..],
            _ => upper.as_str(),
        };
        let (category, rest) = without_sks_prefix.split_at_checked(3).ok_or_else(invalid)?;
        let [letter, tens, units] = category.as_bytes() else {
            return Err(invalid());
        };
        if !(letter.is_ascii_uppercase() && tens.is_ascii_digit() && units.is_ascii_digit()) {
            return Err(invalid());
        }
        let subcode = match rest.strip_prefix('.') {
            // A dot promises a subcode; `C50.` is more likely cut off than meant.
            Some("") => return Err(invalid()),
            Some(after_dot) => after_dot,
            None => rest,
        };
        if subcode.len() > MAX_SUBCODE_LEN || !subcode.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid());
        }
        Ok(Self(format!("{category}{subcode}")))
    }
}

impl TryFrom<String> for IcdCode {
    type Error = IcdError;

    fn try_from(text: String) -> Result<Self, IcdError> {
        text.parse()
    }
}

impl From<IcdCode> for String {
    fn from(code: IcdCode) -> String {
        code.0
    }
}

/// Shows the dotted form people read: `C50.9`, or `D05` for a bare category.
impl fmt::Display for IcdCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.subcode() {
            "" => f.write_str(self.category()),
            subcode => write!(f, "{}.{subcode}", self.category()),
        }
    }
}

/// Text that is not an ICD-10 code, prefix or range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcdError {
    /// The offending text, trimmed.
    pub input: String,
    /// What the text should have been, worded to follow "is not", e.g. "an ICD-10 code (...)".
    pub reason: &'static str,
}

impl fmt::Display for IcdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\" is not {}", self.input, self.reason)
    }
}

impl std::error::Error for IcdError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serde_capture::{capture, from_text, Captured};

    #[test]
    fn every_accepted_form_parses_to_its_canonical_code() {
        let cases = [
            ("C50.9", "C509"),
            ("C509", "C509"),
            ("c50.9", "C509"),
            ("DC509", "C509"),
            ("DC50.9", "C509"),
            ("dc509", "C509"),
            ("  C50.9 ", "C509"),
            ("D05", "D05"),
            ("D05.1", "D051"),
            ("DD05", "D05"),
            ("E85", "E85"),
            ("C50", "C50"),
            ("C50.1234", "C501234"),
            ("C9100A", "C9100A"),
        ];
        for (input, canonical) in cases {
            match input.parse::<IcdCode>() {
                Ok(code) => assert_eq!(code.as_str(), canonical, "canonical form of {input:?}"),
                Err(error) => panic!("{input:?} should parse but gave: {error}"),
            }
        }
    }

    #[test]
    fn malformed_codes_are_rejected() {
        let cases = [
            "",
            "  ",
            "C",
            "C5",
            "CC50",
            "C50..9",
            "123",
            "C5X",
            "C50.12345",
            "C5012345",
            "C50.",
            ".C50",
            "C50 9",
            "DDC50",
            "C50-9",
            "Ç50",
            "1C50",
        ];
        for input in cases {
            assert!(
                input.parse::<IcdCode>().is_err(),
                "{input:?} should be rejected"
            );
        }
    }

    #[test]
    fn display_uses_the_dotted_form_and_category_is_the_first_three_characters() {
        let cases = [
            ("DC509", "C50.9", "C50"),
            ("D05", "D05", "D05"),
            ("c9100a", "C91.00A", "C91"),
        ];
        for (input, dotted, category) in cases {
            let code: IcdCode = input.parse().expect("test input is valid");
            assert_eq!(code.to_string(), dotted, "dotted form of {input:?}");
            assert_eq!(code.category(), category, "category of {input:?}");
        }
    }

    #[test]
    fn error_message_names_the_input_and_the_expected_form() {
        let error = "C5X".parse::<IcdCode>().expect_err("C5X is not a code");
        assert_eq!(
            error.to_string(),
            "\"C5X\" is not an ICD-10 code (expected a letter, two digits and optional subcode, \
             e.g. C50.9 or DC509)"
        );
    }

    #[test]
    fn serde_uses_the_canonical_string_and_refuses_invalid_codes() {
        let code: IcdCode = from_text("DC50.9").expect("SKS form deserializes");
        assert_eq!(code.as_str(), "C509");
        assert_eq!(capture(&code).ok(), Some(Captured::Str("C509".into())));
        assert!(
            from_text::<IcdCode>("C5X").is_err(),
            "C5X must not deserialize"
        );
    }
}
