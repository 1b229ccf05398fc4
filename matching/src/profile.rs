//! The patient profile a match starts from: validated values only, every field but age and
//! diagnosis optional, where absent means unknown.

use crate::diagnosis::Diagnosis;
use crate::geo::Region;
use crate::icd::IcdCode;
use crate::vocab::{Biomarker, BiomarkerStatus, Setting, Sex, Stage};
use serde::Serialize;
use std::fmt;

/// Oldest age the contract accepts.
pub const MAX_AGE: u8 = 120;

/// Worst ECOG performance status short of death (5), the highest a living patient can have.
pub const MAX_ECOG: u8 = 4;

/// Most earlier lines of treatment a profile or a protocol's bound may name.
pub const MAX_PRIOR_LINES: u8 = 20;

/// What is known about one patient. Nothing of it is stored or logged.
///
/// The web app parses JSON and forms into this type (the postcode becomes a [`Home`]); the
/// engine never sees raw input. [`PatientProfile::check`] tells whether the numbers are in the
/// contract's ranges; the engine stays total for any value, so an unchecked profile gives
/// sensible, if meaningless, results rather than a panic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientProfile {
    /// Whole years, 0–120.
    pub age: u8,
    pub sex: Option<Sex>,
    /// A code, or the group of codes a lay term stands for.
    pub diagnosis: Diagnosis,
    pub setting: Option<Setting>,
    pub stage: Option<Stage>,
    /// Number of earlier lines of systemic treatment.
    pub prior_lines: Option<u8>,
    /// ECOG performance status, 0–4.
    pub ecog: Option<u8>,
    /// Test results the patient has; a marker not listed is unknown. When a marker appears
    /// twice, the first entry counts.
    pub biomarkers: Vec<Biomarker>,
    /// Whether established treatment options are exhausted; only `Some(true)` opens the
    /// pathways that require it.
    pub standard_options_exhausted: Option<bool>,
    /// Where the patient lives, for distances and referral.
    pub home: Option<Home>,
    /// Leave out protocols whose nearest open site is farther than this (needs `home`).
    pub max_km: Option<f64>,
}

impl PatientProfile {
    /// A profile with only the two required fields, the diagnosis a code; everything else
    /// unknown.
    pub fn new(age: u8, diagnosis: IcdCode) -> Self {
        Self::with_diagnosis(age, Diagnosis::Code(diagnosis))
    }

    /// A profile with only the two required fields, the diagnosis a code or a group (see
    /// [`Diagnosis`]); everything else unknown.
    pub fn with_diagnosis(age: u8, diagnosis: Diagnosis) -> Self {
        Self {
            age,
            sex: None,
            diagnosis,
            setting: None,
            stage: None,
            prior_lines: None,
            ecog: None,
            biomarkers: Vec::new(),
            standard_options_exhausted: None,
            home: None,
            max_km: None,
        }
    }

    /// The patient's status for a marker, `None` when not tested (or not told).
    pub fn biomarker_status(&self, marker: &str) -> Option<BiomarkerStatus> {
        self.biomarkers
            .iter()
            .find(|biomarker| biomarker.marker == marker)
            .map(|biomarker| biomarker.status)
    }

    /// Checks the numeric ranges of the contract: age 0–120, ECOG 0–4, a finite `max_km` ≥ 0
    /// and finite home coordinates. The first problem found is the error.
    pub fn check(&self) -> Result<(), ProfileError> {
        if self.age > MAX_AGE {
            return Err(ProfileError::new(
                "age",
                "must be a whole number of years, 0–120",
            ));
        }
        if self.ecog.is_some_and(|ecog| ecog > MAX_ECOG) {
            return Err(ProfileError::new("ecog", "must be 0–4"));
        }
        if self.max_km.is_some_and(|km| !km.is_finite() || km < 0.0) {
            return Err(ProfileError::new(
                "max_km",
                "must be a distance in kilometres, 0 or more",
            ));
        }
        if self
            .home
            .is_some_and(|home| !home.lat.is_finite() || !home.lon.is_finite())
        {
            return Err(ProfileError::new("home", "must have finite coordinates"));
        }
        Ok(())
    }
}

/// The patient's home: the centroid of their postcode and its region.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Home {
    pub lat: f64,
    pub lon: f64,
    pub region: Region,
}

/// A profile value outside the contract's range, naming the field as the JSON API does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    pub field: &'static str,
    pub message: &'static str,
}

impl ProfileError {
    const fn new(field: &'static str, message: &'static str) -> Self {
        Self { field, message }
    }
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.message)
    }
}

impl std::error::Error for ProfileError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> PatientProfile {
        PatientProfile::new(67, "DC509".parse().expect("valid code"))
    }

    #[test]
    fn check_names_the_first_field_out_of_range() {
        let home = Home {
            lat: 56.15,
            lon: 10.2,
            region: Region::Midtjylland,
        };
        let cases: [(&str, PatientProfile, Option<&str>); 8] = [
            ("a new profile", profile(), None),
            (
                "age 120",
                PatientProfile {
                    age: 120,
                    ..profile()
                },
                None,
            ),
            (
                "age 121",
                PatientProfile {
                    age: 121,
                    ..profile()
                },
                Some("age"),
            ),
            (
                "ecog 4",
                PatientProfile {
                    ecog: Some(4),
                    ..profile()
                },
                None,
            ),
            (
                "ecog 5",
                PatientProfile {
                    ecog: Some(5),
                    ..profile()
                },
                Some("ecog"),
            ),
            (
                "negative max_km",
                PatientProfile {
                    max_km: Some(-1.0),
                    ..profile()
                },
                Some("max_km"),
            ),
            (
                "infinite max_km",
                PatientProfile {
                    max_km: Some(f64::INFINITY),
                    ..profile()
                },
                Some("max_km"),
            ),
            (
                "home without coordinates",
                PatientProfile {
                    home: Some(Home {
                        lat: f64::NAN,
                        ..home
                    }),
                    ..profile()
                },
                Some("home"),
            ),
        ];
        for (case, profile, field) in cases {
            assert_eq!(
                profile.check().err().map(|error| error.field),
                field,
                "{case}"
            );
        }
    }

    #[test]
    fn the_first_entry_of_a_marker_counts() {
        let mut profile = profile();
        for status in [BiomarkerStatus::Negative, BiomarkerStatus::Positive] {
            profile
                .biomarkers
                .push(Biomarker::new("HER2", status).expect("valid marker"));
        }
        assert_eq!(
            profile.biomarker_status("HER2"),
            Some(BiomarkerStatus::Negative)
        );
        assert_eq!(profile.biomarker_status("ER"), None);
    }
}
