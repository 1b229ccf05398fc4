//! Sites, pathways, protocols and profiles the engine tests build on.

use crate::{
    Biomarker, BiomarkerStatus, Home, IcdCode, IcdPatternList, MatchSite, Pathway, PatientProfile,
    ProtocolCriteria, Region, Setting, SiteStatus, Snapshot,
};

/// Real departments (seed/sites.csv), by the index they get in [`sites`].
pub const RH_ONK: usize = 0;
pub const RH_FASE1: usize = 1;
pub const RH_NMBK: usize = 2;
pub const HGH_EFEK: usize = 3;
pub const AUH_ONK: usize = 4;
pub const AAUH_ONK: usize = 5;
pub const OUH_ONK: usize = 6;
pub const HJO_ONK: usize = 7;

pub fn sites() -> Vec<MatchSite> {
    [
        ("RH-ONK", Region::Hovedstaden, 55.6963, 12.5663),
        ("RH-FASE1", Region::Hovedstaden, 55.6963, 12.5663),
        ("RH-NMBK", Region::Hovedstaden, 55.6963, 12.5663),
        ("HGH-EFEK", Region::Hovedstaden, 55.7310, 12.4440),
        ("AUH-ONK", Region::Midtjylland, 56.1915, 10.1710),
        ("AAUH-ONK", Region::Nordjylland, 57.0320, 9.9310),
        ("OUH-ONK", Region::Syddanmark, 55.3855, 10.3690),
        ("HJO-ONK", Region::Nordjylland, 57.4620, 9.9860),
    ]
    .into_iter()
    .map(|(code, region, lat, lon)| MatchSite {
        code: code.to_owned(),
        region,
        lat,
        lon,
    })
    .collect()
}

/// Centroid of postcode 8000 Aarhus C.
pub fn aarhus() -> Home {
    Home {
        lat: 56.1567,
        lon: 10.2108,
        region: Region::Midtjylland,
    }
}

/// Centroid of postcode 9800 Hjørring.
pub fn hjoerring() -> Home {
    Home {
        lat: 57.4641,
        lon: 9.9822,
        region: Region::Nordjylland,
    }
}

/// Centroid of postcode 2100 København Ø.
pub fn copenhagen() -> Home {
    Home {
        lat: 55.7186,
        lon: 12.5782,
        region: Region::Hovedstaden,
    }
}

pub fn code(text: &str) -> IcdCode {
    text.parse()
        .unwrap_or_else(|error| panic!("test code {text}: {error}"))
}

pub fn patterns(text: &str) -> IcdPatternList {
    text.parse()
        .unwrap_or_else(|error| panic!("test patterns {text}: {error}"))
}

pub fn marker(name: &str, status: BiomarkerStatus) -> Biomarker {
    Biomarker::new(name, status).unwrap_or_else(|error| panic!("test marker {name}: {error}"))
}

/// An open protocol for anyone, open at AUH-ONK.
pub fn protocol(key: usize, acronym: &str) -> ProtocolCriteria {
    ProtocolCriteria {
        sites: vec![(AUH_ONK, SiteStatus::Open)],
        ..ProtocolCriteria::open(key, acronym)
    }
}

/// A 67-year-old with breast cancer (DC509) and nothing else known.
pub fn profile() -> PatientProfile {
    PatientProfile::new(67, code("DC509"))
}

/// The pathways of seed/pathways.csv, with their site codes turned into indices of [`sites`].
pub fn pathways() -> Vec<Pathway> {
    let text = include_str!("../../../../seed/pathways.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let site_codes: Vec<String> = sites().into_iter().map(|site| site.code).collect();
    lines
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let values: Vec<&str> = line.split(',').collect();
            let field = |name: &str| -> &str {
                let column = header.iter().position(|&column| column == name);
                column
                    .and_then(|column| values.get(column).copied())
                    .unwrap_or_else(|| panic!("pathways.csv has no {name} in {line:?}"))
            };
            let number = |name: &str| -> Option<u8> {
                let text = field(name);
                (!text.is_empty()).then(|| {
                    text.parse()
                        .unwrap_or_else(|_| panic!("pathways.csv {name} {text:?}"))
                })
            };
            let flag = |name: &str| field(name) == "true";
            Pathway {
                code: field("code").to_owned(),
                kind: field("kind").to_owned(),
                name_da: field("name_da").to_owned(),
                name_en: field("name_en").to_owned(),
                site: site_codes
                    .iter()
                    .position(|site| site == field("site_code")),
                age_min: number("age_min"),
                age_max: number("age_max"),
                settings: field("settings")
                    .split_whitespace()
                    .map(|setting| {
                        setting
                            .parse::<Setting>()
                            .unwrap_or_else(|error| panic!("pathways.csv: {error}"))
                    })
                    .collect(),
                icd10: patterns(field("icd10")),
                requires_exhausted: flag("requires_exhausted"),
                only_without_eligible: flag("only_without_eligible"),
            }
        })
        .collect()
}

/// A snapshot of the given protocols with the test sites and the seed pathways.
pub fn snapshot(protocols: Vec<ProtocolCriteria>) -> Snapshot {
    Snapshot::build(protocols, sites(), pathways())
}

/// The codes of the pathways that apply, in order.
pub fn pathway_codes(snapshot: &Snapshot, profile: &PatientProfile) -> Vec<String> {
    snapshot
        .match_profile(profile, false)
        .pathways
        .into_iter()
        .map(|hit| hit.code)
        .collect()
}
