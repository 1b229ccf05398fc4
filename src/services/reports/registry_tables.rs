//! The registry side of the transparency report: open and newly opened protocols per DMCG and
//! region in a period, the DMCG × region coverage matrix, and how far patients in each region
//! live from the nearest open department. Computed from the catalogue snapshot.

use chrono::{Datelike, NaiveDate};
use dccc_matching::{haversine_km, RecruitmentStatus, Region};

use crate::catalogue::{Catalogue, Entry};

/// A calendar year, or one quarter of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub year: i32,
    pub quarter: Option<u32>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// `None` for a year outside 2000–2100 or a quarter outside 1–4.
    pub fn new(year: i32, quarter: Option<u32>) -> Option<Self> {
        if !(2000..=2100).contains(&year) {
            return None;
        }
        let (first_month, last_month) = match quarter {
            None => (1, 12),
            Some(q @ 1..=4) => (3 * q - 2, 3 * q),
            Some(_) => return None,
        };
        let from = NaiveDate::from_ymd_opt(year, first_month, 1)?;
        let after = if last_month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, last_month + 1, 1)?
        };
        Some(Self {
            year,
            quarter,
            from,
            to: after.pred_opt()?,
        })
    }

    /// The period that holds a day.
    pub fn of_quarter(day: NaiveDate) -> Self {
        let q = (day.month() - 1) / 3 + 1;
        Self::new(day.year(), Some(q)).unwrap_or(Self {
            year: day.year(),
            quarter: None,
            from: day,
            to: day,
        })
    }

    pub fn label(&self, english: bool) -> String {
        match (self.quarter, english) {
            (None, _) => self.year.to_string(),
            (Some(q), false) => format!("{}, {q}. kvartal", self.year),
            (Some(q), true) => format!("{} Q{q}", self.year),
        }
    }
}

/// Whether a protocol recruited at some point of the period, as far as the registry knows:
/// opened by the period's end, and open now or (closed since) expected to close after its
/// start.
pub fn open_during(entry: &Entry, period: &Period) -> bool {
    let started = entry.opened_on.is_none_or(|d| d <= period.to);
    let running = match entry.status {
        RecruitmentStatus::Open => !entry.regions_open.is_empty(),
        RecruitmentStatus::TemporarilyClosed
        | RecruitmentStatus::Closed
        | RecruitmentStatus::Completed => entry.closes_on.is_some_and(|d| d >= period.from),
        _ => false,
    };
    started && running
}

/// Opened for recruitment within the period: dated so, and not still planned or withdrawn
/// before it recruited.
fn newly_opened(entry: &Entry, period: &Period) -> bool {
    entry
        .opened_on
        .is_some_and(|d| d >= period.from && d <= period.to)
        && !matches!(
            entry.status,
            RecruitmentStatus::Planned | RecruitmentStatus::Withdrawn
        )
}

/// Open and newly opened protocols of one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolCount {
    pub key: String,
    pub name: String,
    /// Open now ([`Entry::is_open`]): the count the home page, lists and API give.
    pub open_now: usize,
    /// Open at some time in the period, as far as the registry knows ([`open_during`]).
    pub open: usize,
    pub newly_opened: usize,
}

pub fn protocols_by_dmcg(catalogue: &Catalogue, period: &Period) -> Vec<ProtocolCount> {
    catalogue
        .dmcgs
        .iter()
        .zip(catalogue.open_per_dmcg())
        .map(|(d, open_now)| {
            let mine = catalogue.entries.iter().filter(|e| e.dmcg == d.acronym);
            let (mut open, mut new) = (0, 0);
            for e in mine {
                open += usize::from(open_during(e, period));
                new += usize::from(newly_opened(e, period));
            }
            ProtocolCount {
                key: d.acronym.clone(),
                name: d.name_da.clone(),
                open_now,
                open,
                newly_opened: new,
            }
        })
        .collect()
}

/// Per region: protocols open at a department of the region, and those newly opened with a
/// department there.
pub fn protocols_by_region(
    catalogue: &Catalogue,
    period: &Period,
    english: bool,
) -> Vec<ProtocolCount> {
    Region::ALL
        .iter()
        .zip(catalogue.open_per_region())
        .map(|(&r, open_now)| {
            let (mut open, mut new) = (0, 0);
            for e in &catalogue.entries {
                if open_during(e, period) && e.regions_open.contains(&r) {
                    open += 1;
                }
                if newly_opened(e, period) && e.regions_any.contains(&r) {
                    new += 1;
                }
            }
            ProtocolCount {
                key: r.code().to_string(),
                name: if english { r.name_en() } else { r.name_da() }.into(),
                open_now,
                open,
                newly_opened: new,
            }
        })
        .collect()
}

/// One cell of the coverage matrix.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Open protocols of the DMCG with an open department in the region.
    pub open_here: usize,
    /// National protocols of the DMCG (open in two or more regions) with no open department
    /// in this region: its patients must be referred elsewhere.
    pub national_missing: usize,
}

/// DMCG × region, in `catalogue.dmcgs` and [`Region::ALL`] order. Counts protocols open now.
pub fn coverage(catalogue: &Catalogue) -> Vec<(String, [Coverage; 5])> {
    catalogue
        .dmcgs
        .iter()
        .map(|d| {
            let mut cells = [Coverage::default(); 5];
            for e in catalogue
                .entries
                .iter()
                .filter(|e| e.dmcg == d.acronym && e.is_open())
            {
                let national = e.regions_open.len() >= 2;
                for (cell, region) in cells.iter_mut().zip(Region::ALL) {
                    if e.regions_open.contains(&region) {
                        cell.open_here += 1;
                    } else if national {
                        cell.national_missing += 1;
                    }
                }
            }
            (d.acronym.clone(), cells)
        })
        .collect()
}

/// How far the postcodes of one region are from the nearest open department of one DMCG.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Access {
    pub median_km: f64,
    pub worst_km: f64,
}

/// Per DMCG (in `catalogue.dmcgs` order) and region ([`Region::ALL`] order): the median and
/// the largest distance from the region's postcode centroids to the nearest department with
/// an open protocol of the DMCG; `None` where the DMCG has no open protocol.
pub fn access(catalogue: &Catalogue) -> Vec<(String, [Option<Access>; 5])> {
    let mut by_region: [Vec<(f64, f64)>; 5] = Default::default();
    for p in catalogue.postcodes.values() {
        if let Some(i) = Region::ALL.iter().position(|r| *r == p.region) {
            by_region[i].push((p.lat, p.lon));
        }
    }
    catalogue
        .dmcgs
        .iter()
        .map(|d| {
            let mut open_sites: Vec<usize> = catalogue
                .entries
                .iter()
                .filter(|e| e.dmcg == d.acronym && e.is_open())
                .flat_map(Entry::open_sites)
                .collect();
            open_sites.sort_unstable();
            open_sites.dedup();
            let coords: Vec<(f64, f64)> = open_sites
                .iter()
                .map(|&i| (catalogue.sites[i].lat, catalogue.sites[i].lon))
                .collect();
            let mut cells = [None; 5];
            if !coords.is_empty() {
                for (cell, postcodes) in cells.iter_mut().zip(&by_region) {
                    let mut nearest: Vec<f64> = postcodes
                        .iter()
                        .map(|&(lat, lon)| {
                            coords
                                .iter()
                                .map(|&(slat, slon)| haversine_km(lat, lon, slat, slon))
                                .fold(f64::INFINITY, f64::min)
                        })
                        .collect();
                    if nearest.is_empty() {
                        continue;
                    }
                    nearest.sort_by(f64::total_cmp);
                    let n = nearest.len();
                    let median = if n % 2 == 1 {
                        nearest[n / 2]
                    } else {
                        (nearest[n / 2 - 1] + nearest[n / 2]) / 2.0
                    };
                    *cell = Some(Access {
                        median_km: median,
                        worst_km: nearest[n - 1],
                    });
                }
            }
            (d.acronym.clone(), cells)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{DmcgInfo, PostcodeInfo, SiteInfo};
    use dccc_matching::{Phase, SexEligibility, SiteStatus};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid")
    }

    fn site(code: &str, region: Region, lat: f64, lon: f64) -> SiteInfo {
        SiteInfo {
            code: code.into(),
            hospital: code.into(),
            department: code.into(),
            region,
            postcode: String::new(),
            city: String::new(),
            lat,
            lon,
            paediatric: false,
            early_phase: false,
        }
    }

    fn entry(
        acronym: &str,
        status: RecruitmentStatus,
        opened: NaiveDate,
        closes: Option<NaiveDate>,
        open_sites: &[usize],
        catalogue: &Catalogue,
    ) -> Entry {
        let mut regions_open: Vec<Region> = open_sites
            .iter()
            .map(|&i| catalogue.sites[i].region)
            .collect();
        regions_open.sort();
        regions_open.dedup();
        if status != RecruitmentStatus::Open {
            regions_open.clear();
        }
        Entry {
            id: 1,
            slug: acronym.to_lowercase(),
            acronym: acronym.into(),
            title_da: None,
            title_en: None,
            dmcg: "X".into(),
            phase: Phase::Phase3,
            status,
            demo: false,
            age_min: None,
            age_max: None,
            sex: SexEligibility::All,
            sites: open_sites.iter().map(|&i| (i, SiteStatus::Open)).collect(),
            regions_any: regions_open.clone(),
            regions_open,
            updated_at: date(2025, 1, 1).and_hms_opt(0, 0, 0).expect("time"),
            opened_on: Some(opened),
            closes_on: closes,
        }
    }

    /// Departments in Nordjylland (0), Hovedstaden (1) and Syddanmark (2); DMCG X with a
    /// national protocol (open in Nordjylland and Hovedstaden), a regional one (Syddanmark),
    /// one that closed at the end of 2025, and one still planned.
    fn catalogue() -> Catalogue {
        let mut c = Catalogue {
            sites: vec![
                site("N", Region::Nordjylland, 57.0, 10.0),
                site("H", Region::Hovedstaden, 55.7, 12.5),
                site("S", Region::Syddanmark, 55.4, 10.4),
            ],
            dmcgs: vec![DmcgInfo {
                acronym: "X".into(),
                name_da: "X".into(),
                area_da: String::new(),
                area_en: String::new(),
                icd10: String::new(),
                umbrella: None,
                scope: "site".into(),
                offer_standard_pct: None,
            }],
            ..Catalogue::default()
        };
        for (code, lat) in [("9000", 57.0), ("9999", 58.0)] {
            c.postcodes.insert(
                code.into(),
                PostcodeInfo {
                    postcode: code.into(),
                    place: String::new(),
                    region: Region::Nordjylland,
                    lat,
                    lon: 10.0,
                },
            );
        }
        use RecruitmentStatus::{Closed, Open, Planned};
        c.entries = vec![
            entry("NAT", Open, date(2025, 3, 1), None, &[0, 1], &c),
            entry("REG", Open, date(2026, 2, 1), None, &[2], &c),
            entry(
                "OLD",
                Closed,
                date(2024, 5, 1),
                Some(date(2025, 12, 31)),
                &[0],
                &c,
            ),
            entry("PLAN", Planned, date(2026, 1, 1), None, &[], &c),
        ];
        c
    }

    #[test]
    fn open_and_newly_opened_protocols_follow_the_dates_and_statuses() {
        let c = catalogue();
        let count = |year, quarter| {
            let p = Period::new(year, quarter).expect("period");
            let x = &protocols_by_dmcg(&c, &p)[0];
            (x.open, x.newly_opened)
        };
        assert_eq!(count(2024, None), (1, 1), "OLD opened in 2024");
        assert_eq!(
            count(2025, None),
            (2, 1),
            "NAT opened; OLD ran until December"
        );
        assert_eq!(
            count(2026, None),
            (2, 1),
            "REG opened; PLAN is only planned"
        );
        assert_eq!(count(2025, Some(1)), (2, 1));
        let regions = protocols_by_region(&c, &Period::new(2026, None).expect("period"), false);
        let open: Vec<usize> = regions.iter().map(|r| r.open).collect();
        assert_eq!(open, [1, 0, 1, 1, 0], "by region code order 1081–1085");
    }

    #[test]
    fn the_coverage_matrix_marks_national_protocols_missing_from_a_region() {
        let c = catalogue();
        let (_, cells) = &coverage(&c)[0];
        let open: Vec<usize> = cells.iter().map(|x| x.open_here).collect();
        let missing: Vec<usize> = cells.iter().map(|x| x.national_missing).collect();
        assert_eq!(open, [1, 0, 1, 1, 0]);
        assert_eq!(
            missing,
            [0, 1, 1, 0, 1],
            "NAT is missing where it has no open department"
        );
    }

    #[test]
    fn access_gives_the_median_and_worst_distance_to_the_nearest_open_department() {
        let c = catalogue();
        let (_, cells) = &access(&c)[0];
        let north = cells[0].expect("Nordjylland has postcodes");
        // 9000 lies at department N; 9999 one degree of latitude north of it.
        let far = haversine_km(58.0, 10.0, 57.0, 10.0);
        assert!((north.worst_km - far).abs() < 1e-9);
        assert!((north.median_km - far / 2.0).abs() < 1e-9);
        assert!(cells[1].is_none(), "no postcodes in Midtjylland here");
    }

    #[test]
    fn quarters_cover_their_months() {
        let p = Period::new(2026, Some(3)).expect("valid");
        assert_eq!(p.from, NaiveDate::from_ymd_opt(2026, 7, 1).expect("valid"));
        assert_eq!(p.to, NaiveDate::from_ymd_opt(2026, 9, 30).expect("valid"));
        let y = Period::new(2024, None).expect("valid");
        assert_eq!(y.to, NaiveDate::from_ymd_opt(2024, 12, 31).expect("valid"));
        assert!(Period::new(2026, Some(5)).is_none());
        assert!(Period::new(1999, None).is_none());
        assert_eq!(
            Period::of_quarter(NaiveDate::from_ymd_opt(2026, 11, 30).expect("valid")).quarter,
            Some(4)
        );
    }
}
