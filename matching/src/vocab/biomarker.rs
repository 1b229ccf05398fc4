//! A biomarker and its test result, as protocols require or exclude it and patients report it.

use super::BiomarkerStatus;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest marker code accepted; real codes (`BRAF-V600E`, `KRAS-G12C`) are far shorter.
pub const MAX_MARKER_LEN: usize = 20;

/// A marker code (`HER2`, `BRAF-V600E`, upper case) with its status.
///
/// Deserializing goes through [`Biomarker::new`], so JSON input is normalised and checked
/// like form input.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "BiomarkerFields")]
pub struct Biomarker {
    pub marker: String,
    pub status: BiomarkerStatus,
}

impl Biomarker {
    /// Trims and upper-cases the marker, which must then be 1–20 letters A–Z, digits or dashes.
    pub fn new(marker: &str, status: BiomarkerStatus) -> Result<Self, InvalidBiomarker> {
        let trimmed = marker.trim();
        let normalised = trimmed.to_ascii_uppercase();
        let well_formed = (1..=MAX_MARKER_LEN).contains(&normalised.len())
            && normalised
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        if !well_formed {
            return Err(InvalidBiomarker {
                input: trimmed.to_owned(),
            });
        }
        Ok(Self {
            marker: normalised,
            status,
        })
    }
}

/// The fields as they arrive, before the marker is checked. Unknown fields are refused, as
/// everywhere in the interchange format.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BiomarkerFields {
    marker: String,
    status: BiomarkerStatus,
}

impl TryFrom<BiomarkerFields> for Biomarker {
    type Error = InvalidBiomarker;

    fn try_from(fields: BiomarkerFields) -> Result<Self, InvalidBiomarker> {
        Self::new(&fields.marker, fields.status)
    }
}

/// A marker code that is not 1–20 letters, digits or dashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidBiomarker {
    /// The offending marker, trimmed.
    pub input: String,
}

impl fmt::Display for InvalidBiomarker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "\"{}\" is not a biomarker code (expected 1–20 letters, digits or dashes, \
             e.g. HER2 or BRAF-V600E)",
            self.input
        )
    }
}

impl std::error::Error for InvalidBiomarker {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serde_capture::{capture, from_fields, Captured};

    #[test]
    fn markers_are_trimmed_and_upper_cased() {
        let cases = [
            ("her2", "HER2"),
            (" HER2 ", "HER2"),
            ("BRAF-V600E", "BRAF-V600E"),
            ("pd-l1", "PD-L1"),
            ("msi-h", "MSI-H"),
            ("ABCDEFGHIJ0123456789", "ABCDEFGHIJ0123456789"),
        ];
        for (input, expected) in cases {
            match Biomarker::new(input, BiomarkerStatus::Positive) {
                Ok(biomarker) => assert_eq!(biomarker.marker, expected, "marker {input:?}"),
                Err(error) => panic!("{input:?} should be accepted but gave: {error}"),
            }
        }
    }

    #[test]
    fn malformed_markers_are_rejected() {
        let cases = [
            "",
            "  ",
            "HER 2",
            "HER2+",
            "PD_L1",
            "ABCDEFGHIJ01234567890",
            "ÆØÅ",
            "ER/PR",
        ];
        for input in cases {
            assert!(
                Biomarker::new(input, BiomarkerStatus::Negative).is_err(),
                "{input:?} should be rejected"
            );
        }
    }

    #[test]
    fn serde_uses_the_contract_fields_and_checks_the_marker() {
        let parsed: Biomarker = from_fields(&[("marker", "her2"), ("status", "negative")])
            .expect("a well-formed biomarker deserializes");
        assert_eq!(
            capture(&parsed).ok(),
            Some(Captured::Struct(vec![
                ("marker", Captured::Str("HER2".into())),
                ("status", Captured::Str("negative".into())),
            ]))
        );
        let refused = [
            (
                "unknown field",
                vec![("marker", "ER"), ("status", "positive"), ("level", "high")],
            ),
            (
                "bad marker",
                vec![("marker", "E R"), ("status", "positive")],
            ),
            ("bad status", vec![("marker", "ER"), ("status", "unknown")]),
            ("missing status", vec![("marker", "ER")]),
        ];
        for (case, fields) in refused {
            assert!(
                from_fields::<Biomarker>(&fields).is_err(),
                "{case} should be refused"
            );
        }
    }
}
