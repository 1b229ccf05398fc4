//! `/afdelinger`: every department by region with its count of open protocols, and
//! `/afdelinger/{code}`: one department's research activity: what it runs (with its own
//! status there), what is planned or paused there, the national protocols it does not run with
//! the nearest department that does, and its indicator as published.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use dccc_matching::{RecruitmentStatus, Region, SiteStatus};

use super::render;
use super::rows::ProtocolRow;
use crate::catalogue::query::Nearest;
use crate::catalogue::Catalogue;
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::AppState;

/// One department in the list.
pub struct DepartmentItem {
    pub code: String,
    pub hospital: String,
    pub department: String,
    pub city: String,
    pub open: usize,
}

#[derive(Template)]
#[template(path = "departments/list.html")]
pub struct DepartmentList {
    pub layout: Layout,
    /// Per region: its name and departments.
    pub regions: Vec<(i32, String, Vec<DepartmentItem>)>,
}

/// How many open protocols each department (by index into `catalogue.sites`) is open for.
pub fn open_per_site(catalogue: &Catalogue) -> Vec<usize> {
    let mut counts = vec![0; catalogue.sites.len()];
    for e in catalogue.entries.iter().filter(|e| e.is_open()) {
        for i in e.open_sites() {
            counts[i] += 1;
        }
    }
    counts
}

pub async fn list_departments(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let catalogue = state.catalogue.get();
    let counts = open_per_site(&catalogue);
    let regions = Region::ALL
        .iter()
        .map(|&r| {
            let mut items: Vec<DepartmentItem> = catalogue
                .sites
                .iter()
                .zip(&counts)
                .filter(|(s, _)| s.region == r)
                .map(|(s, &open)| DepartmentItem {
                    code: s.code.clone(),
                    hospital: s.hospital.clone(),
                    department: s.department.clone(),
                    city: s.city.clone(),
                    open,
                })
                .collect();
            items.sort_by(|a, b| (&a.hospital, &a.department).cmp(&(&b.hospital, &b.department)));
            (
                r.code(),
                lang.pick(r.name_da(), r.name_en()).to_owned(),
                items,
            )
        })
        .collect();
    let page = DepartmentList {
        layout: Layout::new(
            &req,
            lang,
            lang.pick("Afdelinger", "Departments"),
            catalogue.has_demo(),
            "departments",
        )
        .with_viewer(&viewer),
        regions,
    };
    render(&page)
}

/// A protocol as the department page lists it: with its status at this department.
pub struct HereRow {
    pub protocol: ProtocolRow,
    pub site_status: &'static str,
    pub site_status_class: &'static str,
}

/// The department's indicator row for one published period.
pub struct IndicatorLine {
    pub period: String,
    pub row: crate::web::reports::RowView,
}

#[derive(Template)]
#[template(path = "departments/show.html")]
pub struct DepartmentPage {
    pub layout: Layout,
    pub code: String,
    pub hospital: String,
    pub department: String,
    pub address: String,
    pub region_code: i32,
    pub region: String,
    pub open_rows: Vec<HereRow>,
    pub paused_rows: Vec<HereRow>,
    pub referral_rows: Vec<ProtocolRow>,
    pub with_distance: bool,
    pub indicator: Vec<IndicatorLine>,
    pub exact: bool,
}

fn site_status_class(status: SiteStatus) -> &'static str {
    match status {
        SiteStatus::Open => "status-open",
        SiteStatus::Planned | SiteStatus::TemporarilyClosed => "status-paused",
        SiteStatus::Closed => "status-closed",
    }
}

pub async fn show_department(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    code: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let catalogue = state.catalogue.get();
    let wanted = code.trim().to_uppercase();
    let Some(&index) = catalogue.site_index.get(&wanted) else {
        return Err(PageError::not_found());
    };
    let site = &catalogue.sites[index];
    let distances = catalogue.site_distances(site.lat, site.lon);
    let (mut open_rows, mut paused_rows) = (Vec::new(), Vec::new());
    let mut dmcgs_here: Vec<&str> = Vec::new();
    for e in &catalogue.entries {
        let Some(&(_, status)) = e.sites.iter().find(|(i, _)| *i == index) else {
            continue;
        };
        dmcgs_here.push(&e.dmcg);
        let row = HereRow {
            protocol: ProtocolRow::new(&catalogue, e, None, lang),
            site_status: if lang.is_en() {
                status.label_en()
            } else {
                status.label_da()
            },
            site_status_class: site_status_class(status),
        };
        let paused = matches!(
            e.status,
            RecruitmentStatus::Planned | RecruitmentStatus::TemporarilyClosed
        ) || matches!(status, SiteStatus::Planned | SiteStatus::TemporarilyClosed);
        if e.is_open() && status == SiteStatus::Open {
            open_rows.push(row);
        } else if paused {
            paused_rows.push(row);
        }
    }
    let by_dmcg = |a: &HereRow, b: &HereRow| {
        (&a.protocol.dmcg, &a.protocol.acronym).cmp(&(&b.protocol.dmcg, &b.protocol.acronym))
    };
    open_rows.sort_by(by_dmcg);
    paused_rows.sort_by(by_dmcg);
    // National protocols (open in two regions or more) of the DMCGs this department works
    // with that it does not run, nearest first.
    let mut referral: Vec<(f64, ProtocolRow)> = catalogue
        .entries
        .iter()
        .filter(|e| {
            e.is_open()
                && e.regions_open.len() >= 2
                && dmcgs_here.contains(&e.dmcg.as_str())
                && !e.open_sites().any(|i| i == index)
        })
        .filter_map(|e| {
            let (site, distance_km) = catalogue.nearest_open_site(e, &distances)?;
            Some((
                distance_km,
                ProtocolRow::new(&catalogue, e, Some(Nearest { site, distance_km }), lang),
            ))
        })
        .collect();
    referral.sort_by(|a, b| a.0.total_cmp(&b.0));
    let exact = viewer
        .user
        .as_ref()
        .is_some_and(crate::db::users::User::is_admin);
    let indicator = department_indicator(&state, &site.code, exact, lang).await?;
    let page = DepartmentPage {
        layout: Layout::new(
            &req,
            lang,
            format!("{}, {}", site.hospital, site.department),
            catalogue.has_demo(),
            "departments",
        )
        .with_viewer(&viewer),
        code: site.code.clone(),
        hospital: site.hospital.clone(),
        department: site.department.clone(),
        address: format!("{} {}", site.postcode, site.city),
        region_code: site.region.code(),
        region: lang
            .pick(site.region.name_da(), site.region.name_en())
            .to_owned(),
        open_rows,
        paused_rows,
        referral_rows: referral.into_iter().map(|(_, r)| r).collect(),
        with_distance: true,
        indicator,
        exact,
    };
    render(&page)
}

/// The department's row of the published department table for the last ended year and each
/// of its quarters (exact for DCCC staff), as the report publishes them.
async fn department_indicator(
    state: &AppState,
    code: &str,
    exact: bool,
    lang: Lang,
) -> Result<Vec<IndicatorLine>, PageError> {
    use crate::services::reports::Period;
    use chrono::Datelike;
    let year = chrono::Utc::now().year() - 1;
    let periods: Vec<Period> = std::iter::once(Period::new(year, None))
        .chain((1..=4).map(|q| Period::new(year, Some(q))))
        .flatten()
        .collect();
    let catalogue = state.catalogue.get();
    let cache = state.reports.clone();
    let code = code.to_owned();
    let en = lang.is_en();
    crate::web::with_conn(state, move |conn| {
        use crate::domain::indicator::Grouping;
        use crate::services::offers::disclosure::PublishedPeriod;
        use crate::services::offers::indicator::{self, IndicatorQuery};
        let quarters = indicator::load_year(conn, year)?;
        let mut out = Vec::new();
        for p in periods {
            let query = IndicatorQuery {
                from: p.from,
                to: p.to,
                dmcg: None,
            };
            let table = if exact {
                let counts = indicator::load_counts(conn, &query)?;
                indicator::exact_table(&counts, &catalogue, Grouping::Department, &query, en)
            } else {
                let published = match p.quarter {
                    None => PublishedPeriod::Year,
                    Some(q) => PublishedPeriod::Quarter(q as u8),
                };
                indicator::public_table(
                    &quarters,
                    &catalogue,
                    Grouping::Department,
                    &query,
                    (year, published),
                    &cache.disclosure,
                    en,
                )
            };
            if let Some(row) = table.rows.iter().find(|r| r.group == code) {
                out.push(IndicatorLine {
                    period: p.label(en),
                    row: crate::web::reports::RowView::new(row, en),
                });
            }
        }
        anyhow::Ok(out)
    })
    .await
}
