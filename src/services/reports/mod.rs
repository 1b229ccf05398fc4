//! The transparency report: the registry's tables (open and newly opened protocols, coverage,
//! distance to the nearest open department) from the catalogue snapshot, and the indicator
//! tables from the offer register, for one period and viewer.

pub mod registry_tables;

use std::sync::{Arc, Mutex};

pub use registry_tables::{
    access, coverage, open_during, protocols_by_dmcg, protocols_by_region, Access, Coverage,
    Period, ProtocolCount,
};

use crate::catalogue::Catalogue;
use crate::db::DbConnection;
use crate::domain::indicator::{Grouping, IndicatorTable};
use crate::services::offers::indicator::{self, IndicatorQuery};

/// The tables that depend on the snapshot only, whatever the period.
#[derive(Debug)]
pub struct SnapshotTables {
    pub coverage: Vec<(String, [Coverage; 5])>,
    pub access: Vec<(String, [Option<Access>; 5])>,
}

/// [`SnapshotTables`] of the latest snapshot, computed on first use after each rebuild.
/// Also holds the suppressions of each year's published indicator tables.
#[derive(Debug, Default)]
pub struct ReportCache {
    latest: Mutex<Option<(i64, Arc<SnapshotTables>)>>,
    pub disclosure: crate::services::offers::disclosure::DisclosureCache,
}

impl ReportCache {
    pub fn tables(&self, catalogue: &Catalogue) -> Arc<SnapshotTables> {
        let mut latest = self
            .latest
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((version, tables)) = latest.as_ref() {
            if *version == catalogue.version {
                return tables.clone();
            }
        }
        let tables = Arc::new(SnapshotTables {
            coverage: coverage(catalogue),
            access: access(catalogue),
        });
        *latest = Some((catalogue.version, tables.clone()));
        tables
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
    pub coverage: Vec<(String, [Coverage; 5])>,
    pub access: Vec<(String, [Option<Access>; 5])>,
    /// Empty when the viewer may not see the period's indicator (see `indicator_withheld`).
    pub indicator: Vec<IndicatorTable>,
    /// For the public: the period has not ended, so its indicator is not published yet.
    pub indicator_withheld: bool,
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
    let tables = cache.tables(catalogue);
    Ok(Report {
        period,
        dmcg: query.dmcg.clone(),
        exact,
        demo_register,
        first_year: span
            .map_or(period.year, |(first, _)| first.year())
            .min(period.year),
        protocols_by_dmcg: protocols_by_dmcg(catalogue, &period),
        protocols_by_region: protocols_by_region(catalogue, &period, english),
        coverage: tables.coverage.clone(),
        access: tables.access.clone(),
        indicator,
        indicator_withheld,
    })
}
