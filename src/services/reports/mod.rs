//! The transparency report: the registry's tables (open and newly opened protocols, coverage,
//! distance to the nearest open department) from the catalogue snapshot, and the indicator
//! tables from the offer register, for one period and viewer.

pub mod department;
pub mod funnel;
pub mod registry_tables;
pub mod trends;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use registry_tables::{
    access, coverage, distance_band, distance_map, open_in_period, open_now, protocols_by_dmcg,
    protocols_by_region, Access, Coverage, DistanceMap, EntrySpans, OpenSites, Period,
    PostcodeDistance, ProtocolCount, DISTANCE_BANDS,
};

use crate::catalogue::Catalogue;
use crate::db::DbConnection;
use crate::domain::indicator::{Grouping, IndicatorTable};
use crate::services::offers::indicator::{self, IndicatorQuery};

/// What depends on the registry only, whatever the period: the tables of what is open now,
/// and every protocol's open spans from the status history.
#[derive(Debug)]
pub struct SnapshotTables {
    pub open_now: OpenSites,
    pub coverage: Vec<(String, [Coverage; 5])>,
    pub access: Vec<(String, [Option<Access>; 5])>,
    pub spans: EntrySpans,
}

/// What the trends depend on: the registry's and the register's change counters, exact or
/// published figures, the language, and the day after the last quarter.
type TrendsKey = (i64, i64, bool, bool, chrono::NaiveDate);

/// At most this many trends are kept (a few viewers × languages × ends).
const TRENDS_KEPT: usize = 16;

/// [`SnapshotTables`] of the latest snapshot, computed on first use after each rebuild.
/// Also holds the suppressions of each year's published indicator tables.
#[derive(Debug, Default)]
pub struct ReportCache {
    latest: Mutex<Option<(i64, Arc<SnapshotTables>)>>,
    /// The trends of the latest registry and register, by viewer, language and end: the same
    /// for every DMCG and period that ends alike, so a reader moving through the report
    /// computes them once.
    trends: Mutex<HashMap<TrendsKey, Arc<trends::Trends>>>,
    pub disclosure: crate::services::offers::disclosure::DisclosureCache,
}

impl ReportCache {
    pub fn tables(
        &self,
        conn: &mut DbConnection,
        catalogue: &Catalogue,
    ) -> diesel::QueryResult<Arc<SnapshotTables>> {
        let mut latest = self
            .latest
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((version, tables)) = latest.as_ref() {
            if *version == catalogue.version {
                return Ok(tables.clone());
            }
        }
        let open = open_now(catalogue);
        let tables = Arc::new(SnapshotTables {
            coverage: coverage(catalogue, &open),
            access: access(catalogue, &open),
            open_now: open,
            spans: EntrySpans::new(catalogue, &crate::db::status_history::open_spans(conn)?),
        });
        *latest = Some((catalogue.version, tables.clone()));
        Ok(tables)
    }

    /// The trends for `until`, computed once per registry and register version.
    pub fn trends(
        &self,
        conn: &mut DbConnection,
        catalogue: &Catalogue,
        exact: bool,
        english: bool,
        until: chrono::NaiveDate,
    ) -> anyhow::Result<Arc<trends::Trends>> {
        let key = (
            catalogue.version,
            crate::db::offers::register_version(conn)?,
            exact,
            english,
            until,
        );
        let kept = |this: &Self| {
            this.trends
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(&key)
                .cloned()
        };
        if let Some(found) = kept(self) {
            return Ok(found);
        }
        let tables = self.tables(conn, catalogue)?;
        let computed = Arc::new(trends::trends(
            conn,
            catalogue,
            self,
            &tables.spans,
            exact,
            english,
            until,
        )?);
        let mut all = self
            .trends
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Older versions are never asked for again.
        all.retain(|k, _| k.0 == key.0 && k.1 == key.1);
        if all.len() >= TRENDS_KEPT {
            all.clear();
        }
        all.insert(key, computed.clone());
        Ok(computed)
    }

    /// Computes what the first reader of the public report after a registry change would
    /// otherwise wait for: the snapshot's tables and the trends of the default report (the
    /// last whole year, in Danish).
    pub fn warm(&self, conn: &mut DbConnection, catalogue: &Catalogue) -> anyhow::Result<()> {
        use chrono::Datelike;
        self.tables(conn, catalogue)?;
        let today = chrono::Utc::now().date_naive();
        if let Some(until) = chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1) {
            self.trends(conn, catalogue, false, false, until)?;
        }
        Ok(())
    }
}

/// Which report: the period, one DMCG or all, exact figures or published ones, the language
/// of group names.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    pub period: Period,
    pub dmcg: Option<String>,
    pub exact: bool,
    pub english: bool,
}

/// Everything the report shows, for one period and viewer.
pub struct Report {
    pub period: Period,
    pub dmcg: Option<String>,
    pub exact: bool,
    pub demo_register: bool,
    pub first_year: i32,
    pub protocols_by_dmcg: Vec<ProtocolCount>,
    pub protocols_by_region: Vec<ProtocolCount>,
    /// Coverage and distances describe the protocols open at some time in the period (a
    /// period that has ended), not those open now.
    pub registry_in_period: bool,
    pub coverage: Vec<(String, [Coverage; 5])>,
    pub access: Vec<(String, [Option<Access>; 5])>,
    /// Empty when the viewer may not see the period's indicator (see `indicator_withheld`).
    pub indicator: Vec<IndicatorTable>,
    /// For the public: the period has not ended, so its indicator is not published yet.
    pub indicator_withheld: bool,
    /// The departments' funnel plot, from the department table as the viewer sees it.
    pub funnel: Option<funnel::Funnel>,
    /// Distance to the nearest open department per postcode, for the chosen DMCG (or all).
    pub distance_map: DistanceMap,
    /// The last two years per quarter.
    pub trends: trends::Trends,
}

/// Builds the report from the register (the indicator counts) and the snapshot.
pub fn build_report(
    conn: &mut DbConnection,
    catalogue: &Catalogue,
    cache: &ReportCache,
    request: ReportRequest,
) -> anyhow::Result<Report> {
    use chrono::Datelike;
    let ReportRequest {
        period,
        dmcg,
        exact,
        english,
    } = request;
    let query = IndicatorQuery {
        from: period.from,
        to: period.to,
        dmcg,
    };
    let today = chrono::Utc::now().date_naive();
    let published = indicator::published_period(period.from, period.to, today);
    let indicator_withheld = !exact && published.is_err();
    let indicator = if exact {
        let counts = indicator::load_counts(conn, &query)?;
        Grouping::ALL
            .iter()
            .map(|&g| indicator::exact_table(&counts, catalogue, g, &query, english))
            .collect()
    } else if let Ok(published) = published {
        // The same suppressions as the API and every CSV: those of the whole published set.
        let quarters = indicator::load_year(conn, published.0)?;
        Grouping::ALL
            .iter()
            .map(|&g| {
                indicator::public_table(
                    &quarters,
                    catalogue,
                    g,
                    &query,
                    published,
                    &cache.disclosure,
                    english,
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let demo_register = crate::db::offers::has_demo(conn)?;
    let span = crate::db::offers::month_span(conn)?;
    let funnel = indicator
        .iter()
        .find(|t: &&IndicatorTable| t.grouping == Grouping::Department)
        .and_then(funnel::funnel);
    let tables = cache.tables(conn, catalogue)?;
    let in_period = open_in_period(&tables.spans, &period);
    let registry_in_period = period.to < today;
    let (coverage, access) = if registry_in_period {
        (
            coverage(catalogue, &in_period),
            access(catalogue, &in_period),
        )
    } else {
        (tables.coverage.clone(), tables.access.clone())
    };
    let open = if registry_in_period {
        &in_period
    } else {
        &tables.open_now
    };
    let distance_map = distance_map(catalogue, open, query.dmcg.as_deref());
    // The two years up to the period's end, or up to today for a period still running.
    let until = if registry_in_period {
        period.to.succ_opt().unwrap_or(today)
    } else {
        today
    };
    let trends = cache.trends(conn, catalogue, exact, english, until)?;
    Ok(Report {
        period,
        dmcg: query.dmcg.clone(),
        exact,
        demo_register,
        first_year: span
            .map_or(period.year, |(first, _)| first.year())
            .min(period.year),
        protocols_by_dmcg: protocols_by_dmcg(catalogue, &period, &in_period),
        protocols_by_region: protocols_by_region(catalogue, &period, &in_period, english),
        registry_in_period,
        coverage,
        access,
        indicator,
        indicator_withheld,
        funnel,
        distance_map,
        trends: (*trends).clone(),
    })
}
