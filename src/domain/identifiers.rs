//! Trial registry identifiers (NCT, EudraCT, EU CT), Danish postcodes, e-mail and slugs.

use std::fmt;

use validator::ValidateEmail;

use super::messages::{quoted, Key, Message};
use super::msg;

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

macro_rules! identifier {
    ($(#[$doc:meta])* $name:ident, $check:expr, $message:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// Parses after trimming; the error says which form was expected.
            pub fn parse(raw: &str) -> Result<Self, Message> {
                let value = raw.trim().to_ascii_uppercase();
                let check: fn(&str) -> bool = $check;
                if check(&value) {
                    Ok(Self(value))
                } else {
                    let key: Key = $message;
                    Err(Message::new(key).with("input", quoted(raw)))
                }
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

identifier!(
    /// ClinicalTrials.gov identifier: `NCT` and 8 digits.
    NctId,
    |v| v.len() == 11 && v.starts_with("NCT") && all_digits(&v[3..]),
    msg::NCT
);

identifier!(
    /// EudraCT number `YYYY-NNNNNN-NN` (trials authorised before the EU CTR).
    EudractNumber,
    |v| {
        let parts: Vec<&str> = v.split('-').collect();
        parts.len() == 3
            && parts[0].len() == 4
            && parts[1].len() == 6
            && parts[2].len() == 2
            && parts.iter().all(|p| all_digits(p))
    },
    msg::EUDRACT
);

identifier!(
    /// EU CT number `YYYY-5NNNNN-NN-NN` (CTIS, EU Clinical Trials Regulation).
    EuCtNumber,
    |v| {
        let parts: Vec<&str> = v.split('-').collect();
        parts.len() == 4
            && parts[0].len() == 4
            && parts[1].len() == 6
            && parts[1].starts_with('5')
            && parts[2].len() == 2
            && parts[3].len() == 2
            && parts.iter().all(|p| all_digits(p))
    },
    msg::EU_CT
);

impl NctId {
    pub fn registry_url(&self) -> String {
        format!("https://clinicaltrials.gov/study/{}", self.0)
    }
}

impl EudractNumber {
    pub fn registry_url(&self) -> String {
        format!(
            "https://www.clinicaltrialsregister.eu/ctr-search/search?query={}",
            self.0
        )
    }
}

impl EuCtNumber {
    pub fn registry_url(&self) -> String {
        format!(
            "https://euclinicaltrials.eu/search-for-clinical-trials/?lang=en&EUCT={}",
            self.0
        )
    }
}

/// A Danish postcode: exactly four digits. Whether it exists is a question for the
/// postcode table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Postcode(String);

impl Postcode {
    pub fn parse(raw: &str) -> Result<Self, Message> {
        let value = raw.trim();
        if value.len() == 4 && all_digits(value) {
            Ok(Self(value.to_owned()))
        } else {
            Err(Message::new(msg::POSTCODE_FORM).with("input", quoted(raw)))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address as the validator crate understands one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Message> {
        let value = raw.trim();
        if value.validate_email() {
            Ok(Self(value.to_owned()))
        } else {
            Err(Message::new(msg::EMAIL).with("input", quoted(raw)))
        }
    }
    /// An address this registry checked with [`Self::parse`] when it stored it (read back
    /// from its own database; never for input).
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// URL-safe lower-case slug of an acronym: Danish letters transliterated, any other
/// run of non-alphanumerics turned into one dash (`DBCG RT-NATURAL` → `dbcg-rt-natural`).
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let piece = match c {
            'æ' => "ae",
            'ø' => "oe",
            'å' => "aa",
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'é' | 'è' => "e",
            c if c.is_ascii_alphanumeric() => {
                slug.push(c);
                continue;
            }
            _ => "-",
        };
        if piece == "-" {
            if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        } else {
            slug.push_str(piece);
        }
    }
    slug.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_accept_the_documented_forms_and_refuse_others() {
        let cases: &[(&str, bool, bool, bool)] = &[
            // input, nct ok, eudract ok, eu ct ok
            ("NCT03646955", true, false, false),
            ("nct03646955", true, false, false),
            ("NCT0364695", false, false, false),
            ("NCT036469551", false, false, false),
            ("2018-001234-56", false, true, false),
            ("2018-01234-56", false, false, false),
            ("2023-501234-12-00", false, false, true),
            ("2023-401234-12-00", false, false, false),
            ("2023-501234-12", false, true, false),
            ("", false, false, false),
        ];
        for &(input, nct, eudract, euct) in cases {
            assert_eq!(NctId::parse(input).is_ok(), nct, "NCT case {input:?}");
            assert_eq!(
                EudractNumber::parse(input).is_ok(),
                eudract,
                "EudraCT case {input:?}"
            );
            assert_eq!(
                EuCtNumber::parse(input).is_ok(),
                euct,
                "EU CT case {input:?}"
            );
        }
    }

    #[test]
    fn postcodes_are_exactly_four_digits() {
        for (input, ok) in [
            ("8000", true),
            (" 2100 ", true),
            ("12", false),
            ("80000", false),
            ("80a0", false),
        ] {
            assert_eq!(Postcode::parse(input).is_ok(), ok, "case {input:?}");
        }
    }

    #[test]
    fn slugs_are_lower_case_ascii_with_single_dashes() {
        for (input, slug) in [
            ("DBCG RT-NATURAL", "dbcg-rt-natural"),
            ("DAHANCA 35", "dahanca-35"),
            ("Børn/ÆØÅ  test", "boern-aeoeaa-test"),
            ("--x--", "x"),
        ] {
            assert_eq!(slugify(input), slug, "case {input:?}");
        }
    }

    #[test]
    fn emails_are_validated() {
        assert!(Email::parse("a.b@example.dk").is_ok());
        assert!(Email::parse("not an email").is_err());
    }
}
