//! `/afdelinger`: every department by region with its count of open protocols, and
//! `/afdelinger/{code}`: one department's research activity: what it runs (with its own
//! status there), what is planned or paused there, the national protocols it does not run with
//! the nearest department that does, and its indicator as published.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use dccc_matching::{Region, SiteStatus};

use super::render;
use super::rows::ProtocolRow;
use crate::catalogue::department::Here;
use crate::catalogue::{Catalogue, ResearchContact};
use crate::services::reports::department;
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::feeds::department_feed_href;
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

pub async fn list_departments(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let catalogue = state.catalogue.get();
    let counts = catalogue.open_per_site();
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
    pub research: ResearchContact,
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

fn here_rows(catalogue: &Catalogue, here: &[Here], lang: Lang) -> Vec<HereRow> {
    here.iter()
        .map(|h| HereRow {
            protocol: ProtocolRow::new(catalogue, &catalogue.entries[h.entry], None, lang),
            site_status: lang.pick(h.status.label_da(), h.status.label_en()),
            site_status_class: site_status_class(h.status),
        })
        .collect()
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
    let activity = catalogue.department_activity(index);
    let exact = viewer.is_admin();
    let indicator = indicator_lines(&state, &site.code, exact, lang).await?;
    let page = DepartmentPage {
        layout: Layout::new(
            &req,
            lang,
            format!("{}, {}", site.hospital, site.department),
            catalogue.has_demo(),
            "departments",
        )
        .with_viewer(&viewer)
        .with_feed(department_feed_href(&site.code)),
        code: site.code.clone(),
        hospital: site.hospital.clone(),
        department: site.department.clone(),
        address: format!("{} {}", site.postcode, site.city),
        region_code: site.region.code(),
        region: lang
            .pick(site.region.name_da(), site.region.name_en())
            .to_owned(),
        research: site.research.clone(),
        open_rows: here_rows(&catalogue, &activity.open, lang),
        paused_rows: here_rows(&catalogue, &activity.paused, lang),
        referral_rows: activity
            .referral
            .iter()
            .map(|r| {
                ProtocolRow::new(
                    &catalogue,
                    &catalogue.entries[r.entry],
                    Some(r.nearest),
                    lang,
                )
            })
            .collect(),
        with_distance: true,
        indicator,
        exact,
    };
    render(&page)
}

/// The department's indicator rows for the last published periods, as the report publishes
/// them (exact for DCCC staff).
async fn indicator_lines(
    state: &AppState,
    code: &str,
    exact: bool,
    lang: Lang,
) -> Result<Vec<IndicatorLine>, PageError> {
    let catalogue = state.catalogue.get();
    let cache = state.reports.clone();
    let code = code.to_owned();
    let en = lang.is_en();
    let periods = department::last_published_periods(chrono::Utc::now().date_naive());
    crate::web::with_conn(state, move |conn| {
        let rows = department::department_rows(
            conn,
            &catalogue,
            &cache.disclosure,
            &code,
            &periods,
            exact,
            en,
        )?;
        anyhow::Ok(
            rows.iter()
                .map(|(p, row)| IndicatorLine {
                    period: p.label(en),
                    row: crate::web::reports::RowView::new(row, en),
                })
                .collect::<Vec<_>>(),
        )
    })
    .await
}
