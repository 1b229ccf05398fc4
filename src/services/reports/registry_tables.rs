//! The registry side of the transparency report: open and newly opened protocols per DMCG and
//! region in a period, the DMCG × region coverage matrix, and how far patients in each region
//! live from the nearest open department. Computed from the catalogue snapshot.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use dccc_matching::{haversine_km, RecruitmentStatus, Region};

use crate::catalogue::{Catalogue, Entry};
use crate::domain::status_history::{day_span, OpenSpans};

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

/// The departments (indexes into [`Catalogue::sites`]) at which each entry (in
/// `catalogue.entries` order) is open, all in one allocation: a report asks for nine of
/// these over every protocol of the registry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenSites {
    /// Where each entry's departments end in `sites`.
    ends: Vec<usize>,
    sites: Vec<usize>,
}

impl OpenSites {
    /// The departments of entry `i`.
    pub fn get(&self, i: usize) -> &[usize] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.sites[start..self.ends[i]]
    }
    /// Each entry's departments, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[usize]> + '_ {
        (0..self.ends.len()).map(|i| self.get(i))
    }
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    /// Every department at which some entry is open, each once, in index order.
    pub fn all_sites(&self) -> Vec<usize> {
        let mut all = self.sites.clone();
        all.sort_unstable();
        all.dedup();
        all
    }
    fn end_entry(&mut self) {
        self.ends.push(self.sites.len());
    }
}

impl<S: IntoIterator<Item = usize>> FromIterator<S> for OpenSites {
    fn from_iter<I: IntoIterator<Item = S>>(entries: I) -> Self {
        let mut out = Self::default();
        for sites in entries {
            out.sites.extend(sites);
            out.end_entry();
        }
        out
    }
}

/// When each entry (in `catalogue.entries` order) recruited at each department (an index
/// into [`Catalogue::sites`]): [`OpenSpans::recruiting`], read once per snapshot, then asked
/// for many periods per report (the period and each quarter of the trends) without a
/// lookup by id or code.
#[derive(Debug, Default)]
pub struct EntrySpans(Vec<Vec<(usize, NaiveDateTime, NaiveDateTime)>>);

impl EntrySpans {
    pub fn new(catalogue: &Catalogue, spans: &HashMap<i32, OpenSpans>) -> Self {
        Self(
            catalogue
                .entries
                .iter()
                .map(|e| {
                    spans.get(&e.id).map_or_else(Vec::new, |s| {
                        s.recruiting()
                            .into_iter()
                            .filter_map(|(code, from, to)| {
                                Some((*catalogue.site_index.get(code)?, from, to))
                            })
                            .collect()
                    })
                })
                .collect(),
        )
    }
}

/// The departments (indexes into [`Catalogue::sites`]) at which each entry (in
/// `catalogue.entries` order) recruited at some moment of the period, from the status
/// history: the protocol open and the department open at the same time. Empty for an entry
/// that was not open in the period.
pub fn open_in_period(spans: &EntrySpans, period: &Period) -> OpenSites {
    open_in_periods(spans, std::slice::from_ref(period))
        .pop()
        .unwrap_or_default()
}

/// [`open_in_period`] for each of `periods`, in one pass over the entries.
pub fn open_in_periods(spans: &EntrySpans, periods: &[Period]) -> Vec<OpenSites> {
    let bounds: Vec<(NaiveDateTime, NaiveDateTime)> =
        periods.iter().map(|p| day_span(p.from, p.to)).collect();
    let mut out: Vec<OpenSites> = periods
        .iter()
        .map(|_| OpenSites {
            ends: Vec::with_capacity(spans.0.len()),
            sites: Vec::new(),
        })
        .collect();
    for intervals in &spans.0 {
        for (open, &(from, to)) in out.iter_mut().zip(&bounds) {
            let start = open.sites.len();
            for &(site, begins, ends) in intervals {
                if begins < to && ends > from && !open.sites[start..].contains(&site) {
                    open.sites.push(site);
                }
            }
            open.end_entry();
        }
    }
    out
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
    /// Open at some time in the period, from the status history ([`open_in_period`]).
    pub open: usize,
    pub newly_opened: usize,
}

/// Per DMCG; `in_period` as [`open_in_period`] gives it.
pub fn protocols_by_dmcg(
    catalogue: &Catalogue,
    period: &Period,
    in_period: &OpenSites,
) -> Vec<ProtocolCount> {
    catalogue
        .dmcgs
        .iter()
        .zip(catalogue.open_per_dmcg())
        .map(|(d, open_now)| {
            let (mut open, mut new) = (0, 0);
            for (e, sites) in catalogue.entries.iter().zip(in_period.iter()) {
                if e.dmcg != d.acronym {
                    continue;
                }
                open += usize::from(!sites.is_empty());
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
    in_period: &OpenSites,
    english: bool,
) -> Vec<ProtocolCount> {
    Region::ALL
        .iter()
        .zip(catalogue.open_per_region())
        .map(|(&r, open_now)| {
            let (mut open, mut new) = (0, 0);
            for (e, sites) in catalogue.entries.iter().zip(in_period.iter()) {
                if sites.iter().any(|&i| catalogue.sites[i].region == r) {
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

/// DMCG × region, in `catalogue.dmcgs` and [`Region::ALL`] order (`open` as [`open_now`] or
/// [`open_in_period`] gives it).
pub fn coverage(catalogue: &Catalogue, open: &OpenSites) -> Vec<(String, [Coverage; 5])> {
    let mut cells = vec![[Coverage::default(); 5]; catalogue.dmcgs.len()];
    let dmcg_of = dmcg_positions(catalogue);
    for (e, sites) in catalogue.entries.iter().zip(open.iter()) {
        let Some(&d) = dmcg_of.get(e.dmcg.as_str()).filter(|_| !sites.is_empty()) else {
            continue;
        };
        let mut here = [false; 5];
        for &i in sites {
            here[region_position(catalogue.sites[i].region)] = true;
        }
        let national = here.iter().filter(|h| **h).count() >= 2;
        for (cell, here) in cells[d].iter_mut().zip(here) {
            if here {
                cell.open_here += 1;
            } else if national {
                cell.national_missing += 1;
            }
        }
    }
    catalogue
        .dmcgs
        .iter()
        .zip(cells)
        .map(|(d, cells)| (d.acronym.clone(), cells))
        .collect()
}

/// Each DMCG's position in `catalogue.dmcgs`, by acronym.
fn dmcg_positions(catalogue: &Catalogue) -> HashMap<&str, usize> {
    catalogue
        .dmcgs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.acronym.as_str(), i))
        .collect()
}

/// A region's position in [`Region::ALL`].
fn region_position(region: Region) -> usize {
    Region::ALL.iter().position(|r| *r == region).unwrap_or(0)
}

/// For each DMCG (in `catalogue.dmcgs` order), the departments at which one of its protocols
/// is open, each once, in index order: one pass over the entries.
fn sites_per_dmcg(catalogue: &Catalogue, open: &OpenSites) -> Vec<Vec<usize>> {
    let mut marks = vec![vec![false; catalogue.sites.len()]; catalogue.dmcgs.len()];
    let dmcg_of = dmcg_positions(catalogue);
    for (e, sites) in catalogue.entries.iter().zip(open.iter()) {
        if let Some(&d) = dmcg_of.get(e.dmcg.as_str()) {
            for &i in sites {
                marks[d][i] = true;
            }
        }
    }
    marks
        .into_iter()
        .map(|m| (0..m.len()).filter(|&i| m[i]).collect())
        .collect()
}

/// How far the postcodes of one region are from the nearest open department of one DMCG.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Access {
    pub median_km: f64,
    pub worst_km: f64,
}

/// The departments at which each entry (in `catalogue.entries` order) is open now: its open
/// departments if [`Entry::is_open`], else none. The same shape as [`open_in_period`].
pub fn open_now(catalogue: &Catalogue) -> OpenSites {
    catalogue
        .entries
        .iter()
        .map(|e| e.open_sites().filter(|_| e.is_open()))
        .collect()
}

/// The departments at which a protocol of `dmcg` is open, each once (`open` as
/// [`open_now`] or [`open_in_period`] gives it).
pub fn dmcg_sites(catalogue: &Catalogue, open: &OpenSites, dmcg: &str) -> Vec<usize> {
    let mut sites: Vec<usize> = catalogue
        .entries
        .iter()
        .zip(open.iter())
        .filter(|(e, _)| e.dmcg == dmcg)
        .flat_map(|(_, sites)| sites.iter().copied())
        .collect();
    sites.sort_unstable();
    sites.dedup();
    sites
}

/// How far one postcode's centroid is from the nearest of a set of departments.
#[derive(Debug, Clone, PartialEq)]
pub struct PostcodeDistance {
    pub postcode: String,
    pub place: String,
    pub region: Region,
    pub lat: f64,
    pub lon: f64,
    pub km: f64,
    /// The nearest department (an index into [`Catalogue::sites`]).
    pub nearest: usize,
}

/// Every postcode's distance to the nearest of `sites` (indexes into [`Catalogue::sites`]),
/// in postcode order; empty when `sites` is.
pub fn postcode_distances(catalogue: &Catalogue, sites: &[usize]) -> Vec<PostcodeDistance> {
    if sites.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<PostcodeDistance> = catalogue
        .postcodes
        .values()
        .map(|p| {
            let (km, nearest) = sites
                .iter()
                .map(|&i| {
                    let s = &catalogue.sites[i];
                    (haversine_km(p.lat, p.lon, s.lat, s.lon), i)
                })
                .fold((f64::INFINITY, sites[0]), |best, x| {
                    if x.0 < best.0 {
                        x
                    } else {
                        best
                    }
                });
            PostcodeDistance {
                postcode: p.postcode.clone(),
                place: p.place.clone(),
                region: p.region,
                lat: p.lat,
                lon: p.lon,
                km,
                nearest,
            }
        })
        .collect();
    out.sort_by(|a, b| a.postcode.cmp(&b.postcode));
    out
}

/// The median and largest distance per region ([`Region::ALL`] order); `None` for a region
/// without postcodes in `distances`.
pub fn access_of(distances: &[PostcodeDistance]) -> [Option<Access>; 5] {
    let mut cells = [None; 5];
    for (cell, region) in cells.iter_mut().zip(Region::ALL) {
        let mut km: Vec<f64> = distances
            .iter()
            .filter(|d| d.region == region)
            .map(|d| d.km)
            .collect();
        if km.is_empty() {
            continue;
        }
        km.sort_by(f64::total_cmp);
        let n = km.len();
        let median = if n % 2 == 1 {
            km[n / 2]
        } else {
            (km[n / 2 - 1] + km[n / 2]) / 2.0
        };
        *cell = Some(Access {
            median_km: median,
            worst_km: km[n - 1],
        });
    }
    cells
}

/// The upper bounds (km) of the distance map's classes; a fifth class holds the rest.
pub const DISTANCE_BANDS: [f64; 4] = [25.0, 50.0, 100.0, 150.0];

/// The class of a distance: 0 for up to 25 km … 4 for over 150 km.
pub fn distance_band(km: f64) -> usize {
    DISTANCE_BANDS.iter().filter(|&&b| km > b).count()
}

/// The distance map of one DMCG (or of every DMCG together): each postcode's distance to the
/// nearest department where a protocol of it is open, and the same per region.
#[derive(Debug, Clone)]
pub struct DistanceMap {
    /// `None`: the nearest department with any open protocol.
    pub dmcg: Option<String>,
    pub sites: Vec<usize>,
    pub distances: Vec<PostcodeDistance>,
    pub by_region: [Option<Access>; 5],
}

/// The distance map for `dmcg` (or all) from `open` ([`open_now`] or [`open_in_period`]).
pub fn distance_map(catalogue: &Catalogue, open: &OpenSites, dmcg: Option<&str>) -> DistanceMap {
    let sites = match dmcg {
        Some(d) => dmcg_sites(catalogue, open, d),
        None => open.all_sites(),
    };
    let distances = postcode_distances(catalogue, &sites);
    DistanceMap {
        dmcg: dmcg.map(str::to_owned),
        by_region: access_of(&distances),
        sites,
        distances,
    }
}

/// Per DMCG (in `catalogue.dmcgs` order) and region ([`Region::ALL`] order): the median and
/// the largest distance from the region's postcode centroids to the nearest department with a
/// protocol of the DMCG open (`open` as [`open_now`] or [`open_in_period`] gives it); `None`
/// where there is none.
pub fn access(catalogue: &Catalogue, open: &OpenSites) -> Vec<(String, [Option<Access>; 5])> {
    catalogue
        .dmcgs
        .iter()
        .zip(sites_per_dmcg(catalogue, open))
        .map(|(d, sites)| {
            let distances = postcode_distances(catalogue, &sites);
            (d.acronym.clone(), access_of(&distances))
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
            research: Default::default(),
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
        for (id, e) in (1..).zip(c.entries.iter_mut()) {
            e.id = id;
        }
        c.site_index = c
            .sites
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.clone(), i))
            .collect();
        c
    }

    /// Each entry's status history as if it had been imported on 1 March 2026 with its
    /// dates: open before that as its dates say, as stored since.
    fn in_period(c: &Catalogue, p: &Period) -> OpenSites {
        use crate::domain::status_history::{rebuild, Dates, Source, StatusState};
        let spans = c
            .entries
            .iter()
            .map(|e| {
                let now = StatusState {
                    protocol: e.status.as_str().into(),
                    sites: e
                        .sites
                        .iter()
                        .map(|&(i, s)| (c.sites[i].code.clone(), s.as_str().to_owned()))
                        .collect(),
                };
                let dates = Dates {
                    opened_on: e.opened_on,
                    closes_on: e.closes_on,
                };
                let imported = date(2026, 3, 1).and_hms_opt(0, 0, 0).expect("time");
                let intervals = rebuild(&now, &[], imported, dates, Source::Recorded);
                (e.id, OpenSpans::of(&intervals))
            })
            .collect();
        open_in_period(&EntrySpans::new(c, &spans), p)
    }

    #[test]
    fn open_and_newly_opened_protocols_follow_the_dates_and_statuses() {
        let c = catalogue();
        let count = |year, quarter| {
            let p = Period::new(year, quarter).expect("period");
            let x = &protocols_by_dmcg(&c, &p, &in_period(&c, &p))[0];
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
        let year = Period::new(2026, None).expect("period");
        let regions = protocols_by_region(&c, &year, &in_period(&c, &year), false);
        let open: Vec<usize> = regions.iter().map(|r| r.open).collect();
        assert_eq!(open, [1, 0, 1, 1, 0], "by region code order 1081–1085");
    }

    #[test]
    fn the_coverage_matrix_marks_national_protocols_missing_from_a_region() {
        let c = catalogue();
        let (_, cells) = &coverage(&c, &open_now(&c))[0];
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
        let (_, cells) = &access(&c, &open_now(&c))[0];
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
