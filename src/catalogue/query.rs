//! Structured protocol queries (contract.md §3): parsing and validating the parameters, then
//! filtering, faceting, sorting and paging the snapshot.

use std::collections::BTreeMap;

use dccc_matching::{Phase, RecruitmentStatus, Region, Sex};
use serde::Serialize;

use super::snapshot::{Catalogue, Entry, PostcodeInfo};
use crate::domain::messages::{quoted, Message};
use crate::domain::{msg, Postcode};

pub const DEFAULT_PER_PAGE: u32 = 20;

pub const MAX_PER_PAGE: u32 = 100;

/// The highest page number asked for; a page past the last is empty.
pub const MAX_PAGE: u32 = 1_000_000;

/// A parameter that could not be used, named as the client wrote it. The message renders in
/// English for the API and in the reader's language on pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamError {
    pub param: String,
    pub message: Message,
}

impl ParamError {
    fn new(param: &str, message: impl Into<Message>) -> Self {
        Self {
            param: param.to_owned(),
            message: message.into(),
        }
    }
}

/// The order of a list, as `sort` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Best match of the text search (`q`) first.
    Relevance,
    /// Nearest open department first (needs `postcode`); protocols without one last.
    Distance,
    /// Latest opening date (`opened_on`) first; protocols without a date last.
    Newest,
    /// By acronym.
    Acronym,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Relevance, Sort::Distance, Sort::Newest, Sort::Acronym];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Distance => "distance",
            Sort::Newest => "newest",
            Sort::Acronym => "acronym",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// A validated query. Empty lists mean "no restriction"; several values of one parameter are ORed.
#[derive(Debug, Clone, Default)]
pub struct ProtocolQuery {
    pub q: Option<String>,
    pub dmcgs: Vec<String>,
    pub regions: Vec<Region>,
    pub sites: Vec<String>,
    pub phases: Vec<Phase>,
    /// `None` = every status (`status=all`).
    pub statuses: Option<Vec<RecruitmentStatus>>,
    pub paediatric: Option<bool>,
    pub ages: Vec<u8>,
    pub sexes: Vec<Sex>,
    pub postcode: Option<PostcodeInfo>,
    pub max_km: Option<f64>,
    pub page: u32,
    pub per_page: u32,
    /// `None`: the default order (see [`ProtocolQuery::order`]).
    pub sort: Option<Sort>,
}

fn one<'a>(values: &[&'a str], param: &str) -> Result<Option<&'a str>, ParamError> {
    match values {
        [] => Ok(None),
        [v] => Ok(Some(v)),
        _ => Err(ParamError::new(param, msg::PARAM_ONCE)),
    }
}

fn whole(param: &str, raw: &str, min: u32, max: u32) -> Result<u32, ParamError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (i64::from(min)..=i64::from(max)).contains(n))
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| {
            ParamError::new(
                param,
                Message::new(msg::WHOLE_NUMBER_RANGE)
                    .with("min", min)
                    .with("max", max)
                    .with("got", quoted(raw)),
            )
        })
}

impl ProtocolQuery {
    /// The parameters a list takes, each described in the API's OpenAPI document.
    pub const PARAMS: [&'static str; 15] = [
        "q",
        "dmcg",
        "region",
        "site",
        "phase",
        "status",
        "paediatric",
        "age",
        "sex",
        "postcode",
        "max_km",
        "page",
        "per_page",
        "lang",
        "sort",
    ];

    /// Parses query-string pairs against the snapshot's codes. Unknown parameters are refused.
    pub fn parse(pairs: &[(String, String)], catalogue: &Catalogue) -> Result<Self, ParamError> {
        let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (k, v) in pairs {
            // An empty value (an untouched form field) means "not given".
            if !v.trim().is_empty() {
                by_name.entry(k.as_str()).or_default().push(v.as_str());
            } else {
                by_name.entry(k.as_str()).or_default();
            }
        }
        if let Some(unknown) = by_name.keys().find(|k| !Self::PARAMS.contains(k)) {
            return Err(ParamError::new(
                unknown,
                Message::new(msg::PARAM_UNKNOWN).with("known", Self::PARAMS.join(", ")),
            ));
        }
        let get = |name: &str| by_name.get(name).cloned().unwrap_or_default();
        let mut query = Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            statuses: Some(vec![RecruitmentStatus::Open]),
            ..Self::default()
        };
        if let Some(q) = one(&get("q"), "q")? {
            let q: String = q.chars().filter(|c| !c.is_control()).take(500).collect();
            query.q = Some(q.trim().to_owned()).filter(|q| !q.is_empty());
        }
        for raw in get("dmcg") {
            let found = catalogue.find_dmcg(raw);
            let d = found.ok_or_else(|| {
                ParamError::new(
                    "dmcg",
                    Message::new(msg::PARAM_DMCG).with("input", quoted(raw)),
                )
            })?;
            query.dmcgs.push(d.acronym.clone());
        }
        for raw in get("region") {
            let region = raw
                .trim()
                .parse::<i32>()
                .ok()
                .and_then(Region::from_code)
                .ok_or_else(|| {
                    ParamError::new(
                        "region",
                        Message::new(msg::PARAM_REGION).with("input", quoted(raw)),
                    )
                })?;
            query.regions.push(region);
        }
        for raw in get("site") {
            let code = raw.trim().to_ascii_uppercase();
            if catalogue.site(&code).is_none() {
                return Err(ParamError::new(
                    "site",
                    Message::new(msg::PARAM_SITE).with("input", quoted(raw)),
                ));
            }
            query.sites.push(code);
        }
        for raw in get("phase") {
            query.phases.push(
                raw.trim()
                    .parse()
                    .map_err(|e: dccc_matching::UnknownValue| ParamError::new("phase", e))?,
            );
        }
        let statuses = get("status");
        // `all` with other statuses is still every status.
        if statuses.iter().any(|s| s.trim() == "all") {
            query.statuses = None;
        } else if !statuses.is_empty() {
            let parsed = statuses
                .iter()
                .map(|s| {
                    s.trim().parse().map_err(|e: dccc_matching::UnknownValue| {
                        ParamError::new(
                            "status",
                            Message::new(msg::UNKNOWN_VALUE)
                                .with_term("kind", "validation.kind.recruitment_status")
                                .with("input", e.input)
                                .with("allowed", format!("{}, all", e.allowed.join(", "))),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            query.statuses = Some(parsed);
        }
        if let Some(raw) = one(&get("paediatric"), "paediatric")? {
            query.paediatric = Some(match raw.trim() {
                "true" => true,
                "false" => false,
                _ => {
                    return Err(ParamError::new(
                        "paediatric",
                        Message::new(msg::PARAM_TRUE_FALSE).with("got", quoted(raw)),
                    ))
                }
            });
        }
        for raw in get("age") {
            let age = whole("age", raw, 0, 120)?;
            query.ages.push(u8::try_from(age).unwrap_or(u8::MAX));
        }
        for raw in get("sex") {
            query.sexes.push(
                raw.trim()
                    .parse()
                    .map_err(|e: dccc_matching::UnknownValue| ParamError::new("sex", e))?,
            );
        }
        if let Some(raw) = one(&get("postcode"), "postcode")? {
            let code = Postcode::parse(raw).map_err(|m| ParamError::new("postcode", m))?;
            let info = catalogue.postcodes.get(code.as_str()).ok_or_else(|| {
                ParamError::new(
                    "postcode",
                    Message::new(msg::UNKNOWN_POSTCODE).with("input", quoted(raw)),
                )
            })?;
            query.postcode = Some(info.clone());
        }
        if let Some(raw) = one(&get("max_km"), "max_km")? {
            let km: f64 = raw
                .trim()
                .parse()
                .ok()
                .filter(|k: &f64| k.is_finite() && *k > 0.0 && *k <= 1000.0)
                .ok_or_else(|| {
                    ParamError::new("max_km", Message::new(msg::MAX_KM).with("got", quoted(raw)))
                })?;
            if query.postcode.is_none() {
                return Err(ParamError::new("max_km", msg::MAX_KM_NEEDS_POSTCODE));
            }
            query.max_km = Some(km);
        }
        if let Some(raw) = one(&get("page"), "page")? {
            query.page = whole("page", raw, 1, MAX_PAGE)?;
        }
        if let Some(raw) = one(&get("per_page"), "per_page")? {
            query.per_page = whole("per_page", raw, 1, MAX_PER_PAGE)?;
        }
        if let Some(raw) = one(&get("sort"), "sort")? {
            let sort = Sort::parse(raw.trim()).ok_or_else(|| {
                let known: Vec<&str> = Sort::ALL.iter().map(|s| s.as_str()).collect();
                ParamError::new(
                    "sort",
                    Message::new(msg::PARAM_ONE_OF)
                        .with("allowed", known.join(", "))
                        .with("got", quoted(raw)),
                )
            })?;
            // Refused rather than quietly ignored, as `max_km` is without a postcode: a list
            // asked for nearest first that is not would mislead.
            if sort == Sort::Distance && query.postcode.is_none() {
                return Err(ParamError::new("sort", msg::PARAM_DISTANCE_NEEDS_POSTCODE));
            }
            query.sort = Some(sort);
        }
        Ok(query)
    }

    /// The order the list comes in: `sort` where it applies, else the default: nearest first
    /// with a postcode, else best match first with text, else by acronym. `relevance` without
    /// text falls back to that default.
    pub fn order(&self) -> Sort {
        match self.sort {
            Some(Sort::Relevance) if self.q.is_some() => Sort::Relevance,
            None | Some(Sort::Relevance) => {
                if self.postcode.is_some() {
                    Sort::Distance
                } else if self.q.is_some() {
                    Sort::Relevance
                } else {
                    Sort::Acronym
                }
            }
            Some(sort) => sort,
        }
    }

    /// Whether an entry passes every structured filter (text search is applied elsewhere).
    pub fn admits(&self, catalogue: &Catalogue, entry: &Entry) -> bool {
        if let Some(statuses) = &self.statuses {
            // "open" means open with an open department (domain.md); a trial whose status is
            // open but whose departments are all closed shows only under `status=all`.
            let admitted = statuses.iter().any(|&s| {
                if s == RecruitmentStatus::Open {
                    entry.is_open()
                } else {
                    s == entry.status
                }
            });
            if !admitted {
                return false;
            }
        }
        if !self.dmcgs.is_empty() && !self.dmcgs.contains(&entry.dmcg) {
            return false;
        }
        if !self.phases.is_empty() && !self.phases.contains(&entry.phase) {
            return false;
        }
        // For an open trial "in a region" means an open department there; for the others, any
        // department there (so closed trials can still be found by where they ran).
        let regions = if entry.status == RecruitmentStatus::Open {
            &entry.regions_open
        } else {
            &entry.regions_any
        };
        if !self.regions.is_empty() && !self.regions.iter().any(|r| regions.contains(r)) {
            return false;
        }
        if !self.sites.is_empty() {
            let open_only = entry.status == RecruitmentStatus::Open;
            let at_site = entry.sites.iter().any(|(i, status)| {
                self.sites.contains(&catalogue.sites[*i].code)
                    && (!open_only || *status == dccc_matching::SiteStatus::Open)
            });
            if !at_site {
                return false;
            }
        }
        match self.paediatric {
            Some(true) if !entry.admits_children() => return false,
            Some(false) if !entry.admits_adults() => return false,
            _ => {}
        }
        if !self.ages.is_empty()
            && !self.ages.iter().any(|&a| {
                entry.age_min.is_none_or(|m| a >= m) && entry.age_max.is_none_or(|m| a <= m)
            })
        {
            return false;
        }
        if !self.sexes.is_empty() && !self.sexes.iter().any(|&s| entry.sex.admits(s)) {
            return false;
        }
        true
    }
}

/// The nearest open department for a hit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nearest {
    pub site: usize,
    pub distance_km: f64,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub entry: usize,
    pub nearest: Option<Nearest>,
}

/// How many of the matching protocols each DMCG, region (code) and phase has.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Facets {
    pub dmcg: BTreeMap<String, usize>,
    pub region: BTreeMap<String, usize>,
    pub phase: BTreeMap<String, usize>,
}

/// An entry's facet values as small numbers (see [`Catalogue::facet_keys`]).
#[derive(Debug, Clone, Copy)]
pub struct FacetKey {
    /// Index into [`Catalogue::dmcgs`]; `u16::MAX` when the DMCG is not in the table.
    pub dmcg: u16,
    /// Index into [`Phase::ALL`].
    pub phase: u8,
    /// Bit `i` set when the entry is open in `Region::ALL[i]`.
    pub regions_open: u8,
    /// Bit `i` set when the entry has any department in `Region::ALL[i]`.
    pub regions_any: u8,
    /// Whether the entry's recruitment status is open (whatever its departments say).
    pub status_open: bool,
}

impl FacetKey {
    pub fn new(entry: &Entry, dmcgs: &[super::snapshot::DmcgInfo]) -> Self {
        let dmcg = dmcgs
            .iter()
            .position(|d| d.acronym == entry.dmcg)
            .and_then(|i| u16::try_from(i).ok())
            .unwrap_or(u16::MAX);
        let phase = Phase::ALL
            .iter()
            .position(|p| *p == entry.phase)
            .and_then(|i| u8::try_from(i).ok())
            .unwrap_or_default();
        Self {
            dmcg,
            phase,
            regions_open: region_mask(&entry.regions_open),
            regions_any: region_mask(&entry.regions_any),
            status_open: entry.status == RecruitmentStatus::Open,
        }
    }

    /// False when the query's regions rule the entry out (the test of
    /// [`ProtocolQuery::admits`], on the packed key): lets a list skip most entries of a
    /// region filter without reading them. `regions` is [`region_mask`] of the query's.
    pub fn in_regions(&self, regions: u8) -> bool {
        let own = if self.status_open {
            self.regions_open
        } else {
            self.regions_any
        };
        regions == 0 || own & regions != 0
    }
}

/// Bit `i` set for each of `regions` that is `Region::ALL[i]`.
pub fn region_mask(regions: &[Region]) -> u8 {
    Region::ALL
        .iter()
        .enumerate()
        .filter(|(_, r)| regions.contains(r))
        .fold(0u8, |mask, (i, _)| mask | (1 << i))
}

#[derive(Debug, Clone)]
pub struct ListResult {
    pub total: usize,
    pub page: u32,
    pub per_page: u32,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// What `max_km` left out: protocols that pass every other filter and have an open
    /// department, only farther away.
    pub beyond: Beyond,
}

/// Protocols hidden by the distance limit alone, and how far the nearest of them is.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Beyond {
    pub count: usize,
    pub nearest_km: Option<f64>,
}

impl Beyond {
    /// Counts one more protocol hidden by the limit, whose nearest open department is `km` away.
    pub fn add(&mut self, km: f64) {
        self.count += 1;
        if self.nearest_km.is_none_or(|nearest| km < nearest) {
            self.nearest_km = Some(km);
        }
    }
}

impl ListResult {
    pub fn page_count(&self) -> u32 {
        let pages = self.total.div_ceil(self.per_page.max(1) as usize);
        u32::try_from(pages.max(1)).unwrap_or(u32::MAX)
    }
}

impl Catalogue {
    /// Filters, facets, sorts (in [`ProtocolQuery::order`]) and pages.
    /// `candidates` limits the entries considered (the text search's hits), in its order.
    pub fn list(&self, query: &ProtocolQuery, candidates: Option<&[usize]>) -> ListResult {
        let distances = query
            .postcode
            .as_ref()
            .map(|p| self.site_distances(p.lat, p.lon));
        let all: Vec<usize>;
        let pool: &[usize] = match candidates {
            Some(c) => c,
            None => {
                all = (0..self.entries.len()).collect();
                &all
            }
        };
        let mut hits: Vec<Hit> = Vec::with_capacity(pool.len());
        // Counted by number and turned into the response's strings once at the end: a text
        // search can pass tens of thousands of candidates.
        let mut dmcg_counts = vec![0usize; self.dmcgs.len()];
        let mut other_dmcgs: BTreeMap<&str, usize> = BTreeMap::new();
        let mut phase_counts = [0usize; Phase::ALL.len()];
        let mut region_counts = [0usize; Region::ALL.len()];
        let mut beyond = Beyond::default();
        let regions = region_mask(&query.regions);
        for &i in pool {
            let key = self
                .facet_keys
                .get(i)
                .copied()
                .unwrap_or_else(|| FacetKey::new(&self.entries[i], &self.dmcgs));
            if !key.in_regions(regions) {
                continue;
            }
            let entry = &self.entries[i];
            if !query.admits(self, entry) {
                continue;
            }
            let nearest = distances.as_deref().and_then(|d| {
                self.nearest_open_site(entry, d)
                    .map(|(site, distance_km)| Nearest { site, distance_km })
            });
            if let Some(max) = query.max_km {
                match nearest {
                    None => continue,
                    Some(n) if n.distance_km > max => {
                        beyond.add(n.distance_km);
                        continue;
                    }
                    Some(_) => {}
                }
            }
            match dmcg_counts.get_mut(usize::from(key.dmcg)) {
                Some(n) => *n += 1,
                None => *other_dmcgs.entry(entry.dmcg.as_str()).or_default() += 1,
            }
            phase_counts[usize::from(key.phase) % Phase::ALL.len()] += 1;
            for (r, n) in region_counts.iter_mut().enumerate() {
                if key.regions_open & (1 << r) != 0 {
                    *n += 1;
                }
            }
            hits.push(Hit { entry: i, nearest });
        }
        let named = |counts: &[usize], name: &dyn Fn(usize) -> String| -> BTreeMap<String, usize> {
            counts
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(i, n)| (name(i), *n))
                .collect()
        };
        let mut dmcg = named(&dmcg_counts, &|i| self.dmcgs[i].acronym.clone());
        for (name, n) in other_dmcgs {
            *dmcg.entry(name.to_owned()).or_default() += n;
        }
        let facets = Facets {
            dmcg,
            region: named(&region_counts, &|i| Region::ALL[i].code().to_string()),
            phase: named(&phase_counts, &|i| Phase::ALL[i].as_str().to_owned()),
        };
        // The hits are in the order of `pool`: the text search's ranking, or by acronym (the
        // order of the entries). Stable sorts keep that order among equals.
        match query.order() {
            Sort::Relevance => {}
            Sort::Acronym => hits.sort_by_key(|h| h.entry),
            Sort::Newest => hits.sort_by(|a, b| {
                // `None < Some`, so the latest date comes first and undated entries last.
                self.entries[b.entry]
                    .opened_on
                    .cmp(&self.entries[a.entry].opened_on)
            }),
            Sort::Distance => hits.sort_by(|a, b| match (a.nearest, b.nearest) {
                (Some(x), Some(y)) => x.distance_km.total_cmp(&y.distance_km),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }),
        }
        let total = hits.len();
        let start = (query.page as usize - 1).saturating_mul(query.per_page as usize);
        let page_hits = hits
            .into_iter()
            .skip(start)
            .take(query.per_page as usize)
            .collect();
        ListResult {
            total,
            page: query.page,
            per_page: query.per_page,
            hits: page_hits,
            facets,
            beyond,
        }
    }
}
