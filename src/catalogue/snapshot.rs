//! The snapshot itself: reference data and one compact entry per published protocol.

use std::collections::HashMap;
use std::sync::Arc;

use arc_swap::ArcSwap;
use chrono::{NaiveDate, NaiveDateTime};
use dccc_matching::{haversine_km, Phase, RecruitmentStatus, Region, SexEligibility, SiteStatus};

use crate::db::{self, protocols::StoredProtocol, DbConnection};

#[derive(Debug, Clone)]
pub struct SiteInfo {
    pub code: String,
    pub hospital: String,
    pub department: String,
    pub region: Region,
    pub postcode: String,
    pub city: String,
    pub lat: f64,
    pub lon: f64,
    pub paediatric: bool,
    pub early_phase: bool,
    /// The department's research unit and how to reach it, where DCCC knows it.
    pub research: ResearchContact,
}

/// A department's research unit: each part may be unknown.
#[derive(Debug, Clone, Default)]
pub struct ResearchContact {
    pub unit: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl ResearchContact {
    pub fn is_known(&self) -> bool {
        self.unit.is_some() || self.email.is_some() || self.phone.is_some()
    }
    /// The telephone number as a `tel:` link writes it: digits and a leading `+` only.
    pub fn tel(&self) -> String {
        self.phone
            .as_deref()
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct DmcgInfo {
    pub acronym: String,
    pub name_da: String,
    pub area_da: String,
    pub area_en: String,
    pub icd10: String,
    pub umbrella: Option<String>,
    pub scope: String,
    pub offer_standard_pct: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct PathwayInfo {
    pub code: String,
    pub kind: String,
    pub name_da: String,
    pub name_en: String,
    pub site_code: Option<String>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub settings: Vec<String>,
    pub icd10: String,
    pub requires_exhausted: bool,
    pub only_without_eligible: bool,
}

#[derive(Debug, Clone)]
pub struct PostcodeInfo {
    pub postcode: String,
    pub place: String,
    pub region: Region,
    pub lat: f64,
    pub lon: f64,
}

/// What lists and filters need of one published protocol.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i32,
    pub slug: String,
    pub acronym: String,
    pub title_da: Option<String>,
    pub title_en: Option<String>,
    pub dmcg: String,
    pub phase: Phase,
    pub status: RecruitmentStatus,
    pub demo: bool,
    pub age_min: Option<u8>,
    pub age_max: Option<u8>,
    pub sex: SexEligibility,
    /// Indexes into [`Catalogue::sites`] with the department's status.
    pub sites: Vec<(usize, SiteStatus)>,
    pub regions_open: Vec<Region>,
    pub regions_any: Vec<Region>,
    pub updated_at: NaiveDateTime,
    /// When recruitment opened and is expected to close, as the DMCG reported.
    pub opened_on: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
}

impl Entry {
    /// Open for recruitment with at least one open department: the only kind ever counted
    /// or proposed as open.
    pub fn is_open(&self) -> bool {
        self.status == RecruitmentStatus::Open && !self.regions_open.is_empty()
    }
    pub fn admits_children(&self) -> bool {
        self.age_min.is_none_or(|m| m < 18)
    }
    pub fn admits_adults(&self) -> bool {
        self.age_max.is_none_or(|m| m >= 18)
    }
    pub fn title(&self, english: bool) -> &str {
        let (a, b) = if english {
            (&self.title_en, &self.title_da)
        } else {
            (&self.title_da, &self.title_en)
        };
        a.as_deref().or(b.as_deref()).unwrap_or(&self.acronym)
    }
    /// Open departments as indexes into the catalogue's sites.
    pub fn open_sites(&self) -> impl Iterator<Item = usize> + '_ {
        self.sites
            .iter()
            .filter(|(_, s)| *s == SiteStatus::Open)
            .map(|(i, _)| *i)
    }
}

/// What the snapshot is built from, as read from the database: the registry's version,
/// reference data and the published records' rows. Kept between starts in a file
/// (`super::persist`), so a start can serve at once.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Sources {
    /// The registry's change counter when these were read.
    pub version: i64,
    pub sites: Vec<db::reference::SiteRow>,
    pub dmcgs: Vec<db::reference::DmcgRow>,
    pub pathways: Vec<db::reference::PathwayRow>,
    pub postcodes: Vec<db::reference::PostcodeRow>,
    pub protocols: db::protocols::ProtocolTables,
}

impl Sources {
    /// Reads them, the version first: a write that lands between two of the queries has
    /// bumped the counter past it, so the next refresh reads again.
    pub fn read(conn: &mut DbConnection) -> anyhow::Result<Self> {
        Ok(Self {
            version: db::registry_version(conn)?,
            sites: db::reference::list_sites(conn)?,
            dmcgs: db::reference::list_dmcgs(conn)?,
            pathways: db::reference::list_pathways(conn)?,
            postcodes: db::reference::list_postcodes(conn)?,
            protocols: db::protocols::ProtocolTables::read(conn, None, true)?,
        })
    }
}

/// The snapshot. Cheap to share: handlers hold an `Arc` for the length of a request.
#[derive(Debug, Default)]
pub struct Catalogue {
    pub version: i64,
    pub sites: Vec<SiteInfo>,
    pub site_index: HashMap<String, usize>,
    pub dmcgs: Vec<DmcgInfo>,
    pub pathways: Vec<PathwayInfo>,
    pub postcodes: HashMap<String, PostcodeInfo>,
    /// Published protocols, sorted by acronym (case-insensitive).
    pub entries: Vec<Entry>,
    pub slug_index: HashMap<String, usize>,
    /// Entry index by protocol id (search hits carry ids): position `id` holds the entry's
    /// index, `u32::MAX` where no published protocol has that id. Ids are a database sequence,
    /// so the table is about as long as the registry.
    pub id_index: Vec<u32>,
    /// What the facets count of each entry, packed: a text search can hand `list` tens of
    /// thousands of candidates, and reading these beats chasing each entry's strings.
    pub facet_keys: Vec<super::query::FacetKey>,
    /// The matching engine's snapshot of the open protocols, keyed by entry index.
    pub matcher: super::matcher::Matcher,
}

impl Catalogue {
    /// Open protocols ([`Entry::is_open`], the one meaning of open everywhere: home page,
    /// lists, API, report) of each DMCG, in [`Catalogue::dmcgs`] order.
    pub fn open_per_dmcg(&self) -> Vec<usize> {
        self.dmcgs
            .iter()
            .map(|d| {
                self.entries
                    .iter()
                    .filter(|e| e.is_open() && e.dmcg == d.acronym)
                    .count()
            })
            .collect()
    }

    /// Open protocols with an open department in each region, in [`Region::ALL`] order.
    pub fn open_per_region(&self) -> [usize; 5] {
        Region::ALL.map(|r| {
            self.entries
                .iter()
                .filter(|e| e.is_open() && e.regions_open.contains(&r))
                .count()
        })
    }

    /// Reads reference data and every published protocol.
    pub fn load(conn: &mut DbConnection) -> anyhow::Result<Self> {
        Self::from_sources(Sources::read(conn)?)
    }

    /// Builds the snapshot from what [`Sources::read`] read (from the database, or from the
    /// file the last start left: `super::persist`).
    pub fn from_sources(sources: Sources) -> anyhow::Result<Self> {
        Self::from_sources_with(sources, |_, _| ()).map(|(catalogue, ())| catalogue)
    }

    /// [`Self::from_sources`], then `then` with the snapshot and the full records it was built
    /// from, before they are dropped: a first start builds the search index from them
    /// instead of reading every record from the database a second time.
    pub fn from_sources_with<R>(
        sources: Sources,
        then: impl FnOnce(&Catalogue, &[StoredProtocol]) -> R,
    ) -> anyhow::Result<(Self, R)> {
        let Sources {
            version,
            sites,
            dmcgs,
            pathways,
            postcodes,
            protocols,
        } = sources;
        let sites: Vec<SiteInfo> = sites
            .into_iter()
            .map(|s| {
                Ok(SiteInfo {
                    region: Region::from_code(s.region_code).ok_or_else(|| {
                        anyhow::anyhow!("site {} has unknown region {}", s.code, s.region_code)
                    })?,
                    code: s.code,
                    hospital: s.hospital,
                    department: s.department,
                    postcode: s.postcode,
                    city: s.city,
                    lat: s.lat,
                    lon: s.lon,
                    paediatric: s.paediatric == 1,
                    early_phase: s.early_phase == 1,
                    research: ResearchContact {
                        unit: s.research_unit,
                        email: s.research_email,
                        phone: s.research_phone,
                    },
                })
            })
            .collect::<anyhow::Result<_>>()?;
        let site_index: HashMap<String, usize> = sites
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.clone(), i))
            .collect();
        let dmcgs: Vec<DmcgInfo> = dmcgs
            .into_iter()
            .map(|d| DmcgInfo {
                acronym: d.acronym,
                name_da: d.name_da,
                area_da: d.area_da,
                area_en: d.area_en,
                icd10: d.icd10,
                umbrella: d.umbrella,
                scope: d.scope,
                offer_standard_pct: d.offer_standard_pct,
            })
            .collect();
        let pathways: Vec<PathwayInfo> = pathways
            .into_iter()
            .map(|p| PathwayInfo {
                code: p.code,
                kind: p.kind,
                name_da: p.name_da,
                name_en: p.name_en,
                site_code: p.site_code,
                age_min: p.age_min,
                age_max: p.age_max,
                settings: p.settings.split_whitespace().map(str::to_owned).collect(),
                icd10: p.icd10,
                requires_exhausted: p.requires_exhausted == 1,
                only_without_eligible: p.only_without_eligible == 1,
            })
            .collect();
        let postcodes = postcodes
            .into_iter()
            .filter_map(|p| {
                let region = Region::from_code(p.region_code)?;
                Some((
                    p.postcode.clone(),
                    PostcodeInfo {
                        postcode: p.postcode,
                        place: p.place,
                        region,
                        lat: p.lat,
                        lon: p.lon,
                    },
                ))
            })
            .collect();
        // Full records are kept until the matcher (and `then`) are done with them; an entry
        // copies only the few fields lists need.
        let stored = protocols.assemble()?;
        let mut records: HashMap<i32, &crate::domain::Protocol> = HashMap::new();
        let mut entries: Vec<Entry> = stored
            .iter()
            .map(|stored| {
                let p = &stored.protocol;
                let sites: Vec<(usize, SiteStatus)> = p
                    .sites
                    .iter()
                    .filter_map(|s| site_index.get(&s.site).map(|&i| (i, s.status)))
                    .collect();
                let entry = Entry {
                    id: stored.id,
                    slug: stored.slug.clone(),
                    acronym: p.acronym.clone(),
                    title_da: p.title_da.clone(),
                    title_en: p.title_en.clone(),
                    dmcg: p.dmcg.clone(),
                    phase: p.phase,
                    status: p.recruitment_status,
                    demo: p.demo,
                    age_min: p.eligibility.age_min,
                    age_max: p.eligibility.age_max,
                    sex: p.eligibility.sex,
                    sites,
                    regions_open: Vec::new(),
                    regions_any: Vec::new(),
                    updated_at: stored.updated_at,
                    opened_on: p.opened_on,
                    closes_on: p.closes_on,
                };
                records.insert(stored.id, p);
                entry
            })
            .collect();
        for entry in &mut entries {
            let mut open = Vec::new();
            let mut any = Vec::new();
            for &(i, status) in &entry.sites {
                let region = sites[i].region;
                if !any.contains(&region) {
                    any.push(region);
                }
                if status == SiteStatus::Open && !open.contains(&region) {
                    open.push(region);
                }
            }
            open.sort();
            any.sort();
            // A trial that is not open has no open regions, whatever its departments say.
            if entry.status != RecruitmentStatus::Open {
                open.clear();
            }
            entry.regions_open = open;
            entry.regions_any = any;
        }
        entries.sort_by_cached_key(|e| (e.acronym.to_lowercase(), e.id));
        let slug_index = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.slug.clone(), i))
            .collect();
        let mut id_index = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let (Ok(id), Ok(i)) = (usize::try_from(e.id), u32::try_from(i)) else {
                continue;
            };
            if id >= id_index.len() {
                id_index.resize(id + 1, u32::MAX);
            }
            id_index[id] = i;
        }
        let facet_keys = entries
            .iter()
            .map(|e| super::query::FacetKey::new(e, &dmcgs))
            .collect();
        let matcher = super::matcher::build(&entries, &records, &sites, &pathways, &dmcgs);
        drop(records);
        let catalogue = Self {
            version,
            sites,
            site_index,
            dmcgs,
            pathways,
            postcodes,
            entries,
            slug_index,
            id_index,
            facet_keys,
            matcher,
        };
        let then = then(&catalogue, &stored);
        Ok((catalogue, then))
    }

    /// The index into [`Self::entries`] of the protocol with this id.
    pub fn entry_by_id(&self, id: i32) -> Option<usize> {
        let slot = *self.id_index.get(usize::try_from(id).ok()?)?;
        (slot != u32::MAX).then_some(slot as usize)
    }

    /// The DMCG and department codes a protocol may name, for validating one.
    pub fn reference_codes(&self) -> crate::domain::ReferenceCodes {
        crate::domain::ReferenceCodes {
            dmcgs: self.dmcgs.iter().map(|d| d.acronym.clone()).collect(),
            sites: self.sites.iter().map(|s| s.code.clone()).collect(),
        }
    }

    pub fn site(&self, code: &str) -> Option<&SiteInfo> {
        self.site_index.get(code).map(|&i| &self.sites[i])
    }

    pub fn dmcg(&self, acronym: &str) -> Option<&DmcgInfo> {
        self.dmcgs.iter().find(|d| d.acronym == acronym)
    }

    /// A DMCG as a user may type it: any case, surrounding spaces ignored.
    pub fn find_dmcg(&self, typed: &str) -> Option<&DmcgInfo> {
        let typed = typed.trim();
        self.dmcgs
            .iter()
            .find(|d| d.acronym.eq_ignore_ascii_case(typed))
    }

    /// A published protocol by acronym (any case; entries are sorted by lower-case acronym)
    /// or by slug.
    pub fn find_protocol(&self, acronym_or_slug: &str) -> Option<&Entry> {
        let key = acronym_or_slug.trim().to_lowercase();
        let first = self
            .entries
            .partition_point(|e| e.acronym.to_lowercase() < key);
        self.entries
            .get(first)
            .filter(|e| e.acronym.to_lowercase() == key)
            .or_else(|| self.slug_index.get(&key).map(|&i| &self.entries[i]))
    }

    /// Great-circle distance from a point to each department, by site index.
    pub fn site_distances(&self, lat: f64, lon: f64) -> Vec<f64> {
        self.sites
            .iter()
            .map(|s| haversine_km(lat, lon, s.lat, s.lon))
            .collect()
    }

    /// The nearest open department of an entry and its distance, given `site_distances`.
    pub fn nearest_open_site(&self, entry: &Entry, distances: &[f64]) -> Option<(usize, f64)> {
        if entry.status != RecruitmentStatus::Open {
            return None;
        }
        entry
            .open_sites()
            .map(|i| (i, distances[i]))
            .min_by(|a, b| {
                a.1.total_cmp(&b.1)
                    .then_with(|| self.sites[a.0].code.cmp(&self.sites[b.0].code))
            })
    }

    /// The mean position of a region's postcodes: where "nearest for the region" is measured from.
    pub fn region_centre(&self, region: Region) -> Option<(f64, f64)> {
        let (mut lat, mut lon, mut n) = (0.0, 0.0, 0u32);
        for p in self.postcodes.values().filter(|p| p.region == region) {
            lat += p.lat;
            lon += p.lon;
            n += 1;
        }
        (n > 0).then(|| (lat / f64::from(n), lon / f64::from(n)))
    }

    /// True while any published record shown could be fictional demo data.
    pub fn has_demo(&self) -> bool {
        self.entries.iter().any(|e| e.demo)
    }
}

/// The shared, swappable snapshot. What follows the snapshot (the search index, the report
/// caches) is kept beside it, not in it: see `services::read_model`.
#[derive(Clone)]
pub struct CatalogueHandle {
    current: Arc<ArcSwap<Catalogue>>,
    /// The snapshot file (`super::persist`) written after each rebuild; `None` keeps none.
    file: Option<Arc<std::path::Path>>,
    /// Set while the snapshot served came from the file: the next refresh reads the database
    /// even if the version matches, so a file that somehow disagrees is replaced within one
    /// refresh period.
    unverified: Arc<std::sync::atomic::AtomicBool>,
}

impl CatalogueHandle {
    /// With a data folder: the snapshot the last run left there when there is one (served at
    /// once, checked against the database by the next [`Self::refresh_if_stale`]), else the
    /// database's, which is then saved there.
    pub fn open(
        conn: &mut DbConnection,
        data_dir: Option<&std::path::Path>,
    ) -> anyhow::Result<Self> {
        Self::open_with(conn, data_dir, |_, _, _| Ok(()))
    }

    /// [`Self::open`], calling `then` with the snapshot, the full records it was built from
    /// and whether they were read from the database (`false`: from the file, not yet
    /// checked), before the records are dropped. An error from `then` fails the open.
    pub fn open_with(
        conn: &mut DbConnection,
        data_dir: Option<&std::path::Path>,
        mut then: impl FnMut(&Catalogue, &[StoredProtocol], bool) -> anyhow::Result<()>,
    ) -> anyhow::Result<Self> {
        let began = std::time::Instant::now();
        let file: Option<Arc<std::path::Path>> = data_dir.map(|d| super::persist::path(d).into());
        let saved = file.as_deref().and_then(super::persist::load);
        let read_ms = began.elapsed().as_millis() as u64;
        let built =
            saved.map(|s| Catalogue::from_sources_with(s, |c, records| then(c, records, false)));
        let (catalogue, unverified) = match built {
            Some(Ok((catalogue, then))) => {
                then?;
                (catalogue, true)
            }
            failed => {
                if let Some(Err(e)) = failed {
                    tracing::warn!(error = %format!("{e:#}"), "snapshot file not used");
                }
                (
                    Self::read(conn, file.as_deref(), |c, records| then(c, records, true))?,
                    false,
                )
            }
        };
        tracing::info!(
            from = if unverified { "file" } else { "database" },
            protocols = catalogue.entries.len(),
            file_read_ms = read_ms,
            ms = began.elapsed().as_millis() as u64,
            "snapshot loaded"
        );
        Ok(Self {
            current: Arc::new(ArcSwap::from_pointee(catalogue)),
            file,
            unverified: Arc::new(std::sync::atomic::AtomicBool::new(unverified)),
        })
    }

    /// Reads the database, saves what it read to `file`, builds the snapshot and hands it and
    /// its records to `then`. A failed save is logged: the next start reads the database
    /// instead.
    fn read(
        conn: &mut DbConnection,
        file: Option<&std::path::Path>,
        then: impl FnOnce(&Catalogue, &[StoredProtocol]) -> anyhow::Result<()>,
    ) -> anyhow::Result<Catalogue> {
        let sources = Sources::read(conn)?;
        if let Some(file) = file {
            if let Err(e) = super::persist::save(file, &sources) {
                tracing::warn!(error = %format!("{e:#}"), "snapshot file not saved");
            }
        }
        let (catalogue, then) = Catalogue::from_sources_with(sources, then)?;
        then?;
        Ok(catalogue)
    }

    pub fn get(&self) -> Arc<Catalogue> {
        self.current.load_full()
    }

    /// Whether the snapshot served came from the file and has not been checked yet.
    pub fn is_unverified(&self) -> bool {
        self.unverified.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Rebuilds the snapshot if the registry changed since it was taken (or it came from the
    /// file and was not read from the database since); returns whether it was rebuilt.
    pub fn refresh_if_stale(&self, conn: &mut DbConnection) -> anyhow::Result<bool> {
        let version = db::registry_version(conn)?;
        let rebuilt = version != self.current.load().version || self.is_unverified();
        if rebuilt {
            let catalogue = Self::read(conn, self.file.as_deref(), |_, _| Ok(()))?;
            self.current.store(Arc::new(catalogue));
            self.unverified
                .store(false, std::sync::atomic::Ordering::Release);
        }
        Ok(rebuilt)
    }
}
