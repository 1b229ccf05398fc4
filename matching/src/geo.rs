//! Danish geography for matching: great-circle distance and the five regions with their codes.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Mean Earth radius (IUGG), the usual choice when one sphere stands in for the ellipsoid.
pub const EARTH_MEAN_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance in kilometres between two points given in decimal degrees.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let half_dlat = (lat2 - lat1).to_radians() / 2.0;
    let half_dlon = (lon2 - lon1).to_radians() / 2.0;
    let a = half_dlat.sin().powi(2)
        + lat1.to_radians().cos() * lat2.to_radians().cos() * half_dlon.sin().powi(2);
    // Rounding can push `a` a hair above 1 for near-antipodal points, and asin would give NaN.
    2.0 * EARTH_MEAN_RADIUS_KM * a.sqrt().min(1.0).asin()
}

/// One of the five Danish regions. Serializes as its official code (1081–1085).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "i32", try_from = "i32")]
pub enum Region {
    Nordjylland,
    Midtjylland,
    Syddanmark,
    Hovedstaden,
    Sjaelland,
}

impl Region {
    /// In code order, the order official statistics use.
    pub const ALL: [Self; 5] = [
        Self::Nordjylland,
        Self::Midtjylland,
        Self::Syddanmark,
        Self::Hovedstaden,
        Self::Sjaelland,
    ];

    /// The official region code (Danmarks Statistik / DAGI).
    pub const fn code(self) -> i32 {
        match self {
            Self::Nordjylland => 1081,
            Self::Midtjylland => 1082,
            Self::Syddanmark => 1083,
            Self::Hovedstaden => 1084,
            Self::Sjaelland => 1085,
        }
    }

    pub fn from_code(code: i32) -> Option<Self> {
        Self::ALL.into_iter().find(|region| region.code() == code)
    }

    pub const fn name_da(self) -> &'static str {
        match self {
            Self::Nordjylland => "Region Nordjylland",
            Self::Midtjylland => "Region Midtjylland",
            Self::Syddanmark => "Region Syddanmark",
            Self::Hovedstaden => "Region Hovedstaden",
            Self::Sjaelland => "Region Sjælland",
        }
    }

    pub const fn name_en(self) -> &'static str {
        match self {
            Self::Nordjylland => "North Denmark Region",
            Self::Midtjylland => "Central Denmark Region",
            Self::Syddanmark => "Region of Southern Denmark",
            Self::Hovedstaden => "Capital Region of Denmark",
            Self::Sjaelland => "Region Zealand",
        }
    }

    /// The name without "Region", for tables and facets.
    pub const fn short_da(self) -> &'static str {
        match self {
            Self::Nordjylland => "Nordjylland",
            Self::Midtjylland => "Midtjylland",
            Self::Syddanmark => "Syddanmark",
            Self::Hovedstaden => "Hovedstaden",
            Self::Sjaelland => "Sjælland",
        }
    }

    /// The region of a GeoNames postcode row by its `state_code`. GeoNames still uses the
    /// pre-2007 county codes 81–84 for some postcodes, so those are mapped too.
    pub fn from_geonames_state_code(state_code: &str) -> Option<Self> {
        match state_code.trim() {
            "17" | "84" => Some(Self::Hovedstaden),
            "18" | "82" => Some(Self::Midtjylland),
            "19" | "81" => Some(Self::Nordjylland),
            "20" => Some(Self::Sjaelland),
            "21" | "83" => Some(Self::Syddanmark),
            _ => None,
        }
    }
}

impl From<Region> for i32 {
    fn from(region: Region) -> i32 {
        region.code()
    }
}

impl TryFrom<i32> for Region {
    type Error = UnknownRegionCode;

    fn try_from(code: i32) -> Result<Self, UnknownRegionCode> {
        Self::from_code(code).ok_or(UnknownRegionCode(code))
    }
}

/// A number that is not one of the five region codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownRegionCode(pub i32);

impl fmt::Display for UnknownRegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is not a Danish region code (expected 1081–1085)",
            self.0
        )
    }
}

impl std::error::Error for UnknownRegionCode {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serde_capture::{capture, from_i32, Captured};

    #[test]
    fn haversine_gives_known_distances() {
        let cases = [
            (
                "Copenhagen to Aarhus",
                (55.6761, 12.5683),
                (56.1629, 10.2039),
                157.0,
                2.0,
            ),
            (
                "same point",
                (55.6761, 12.5683),
                (55.6761, 12.5683),
                0.0,
                1e-9,
            ),
            (
                "one degree of latitude",
                (0.0, 0.0),
                (1.0, 0.0),
                111.195,
                0.01,
            ),
            ("antipodes", (0.0, 0.0), (0.0, 180.0), 20015.1, 0.1),
        ];
        for (case, (lat1, lon1), (lat2, lon2), expected_km, tolerance_km) in cases {
            let km = haversine_km(lat1, lon1, lat2, lon2);
            assert!(
                (km - expected_km).abs() <= tolerance_km,
                "{case}: {km} km, expected {expected_km} ± {tolerance_km}"
            );
            let back = haversine_km(lat2, lon2, lat1, lon1);
            assert!((km - back).abs() < 1e-9, "{case}: distance is symmetric");
        }
    }

    #[test]
    fn regions_map_to_and_from_their_codes_and_names() {
        let cases = [
            (
                Region::Nordjylland,
                1081,
                "Region Nordjylland",
                "North Denmark Region",
                "Nordjylland",
            ),
            (
                Region::Midtjylland,
                1082,
                "Region Midtjylland",
                "Central Denmark Region",
                "Midtjylland",
            ),
            (
                Region::Syddanmark,
                1083,
                "Region Syddanmark",
                "Region of Southern Denmark",
                "Syddanmark",
            ),
            (
                Region::Hovedstaden,
                1084,
                "Region Hovedstaden",
                "Capital Region of Denmark",
                "Hovedstaden",
            ),
            (
                Region::Sjaelland,
                1085,
                "Region Sjælland",
                "Region Zealand",
                "Sjælland",
            ),
        ];
        assert_eq!(Region::ALL.len(), cases.len(), "every region has a case");
        for (region, code, name_da, name_en, short_da) in cases {
            assert_eq!(region.code(), code, "code of {region:?}");
            assert_eq!(Region::from_code(code), Some(region), "from_code({code})");
            assert_eq!(region.name_da(), name_da, "Danish name of {region:?}");
            assert_eq!(region.name_en(), name_en, "English name of {region:?}");
            assert_eq!(region.short_da(), short_da, "short name of {region:?}");
            assert_eq!(
                capture(&region).ok(),
                Some(Captured::Int(code.into())),
                "serialize {region:?}"
            );
            assert_eq!(
                from_i32::<Region>(code).ok(),
                Some(region),
                "deserialize {code}"
            );
        }
        for code in [0, 1080, 1086, -1084] {
            assert_eq!(Region::from_code(code), None, "from_code({code})");
            assert!(
                from_i32::<Region>(code).is_err(),
                "deserialize {code} should fail"
            );
        }
    }

    #[test]
    fn geonames_state_codes_map_to_regions() {
        let cases = [
            ("17", Some(Region::Hovedstaden)),
            ("18", Some(Region::Midtjylland)),
            ("19", Some(Region::Nordjylland)),
            ("20", Some(Region::Sjaelland)),
            ("21", Some(Region::Syddanmark)),
            ("81", Some(Region::Nordjylland)),
            ("82", Some(Region::Midtjylland)),
            ("83", Some(Region::Syddanmark)),
            ("84", Some(Region::Hovedstaden)),
            ("85", None),
            ("", None),
            ("1084", None),
        ];
        for (state_code, expected) in cases {
            assert_eq!(
                Region::from_geonames_state_code(state_code),
                expected,
                "GeoNames state_code {state_code:?}"
            );
        }
    }
}
