//! `/regioner/{code}`: protocols open in a region, and the protocols open elsewhere in Denmark
//! but not here, each with the nearest department to refer to.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use dccc_matching::Region;

use super::render;
use super::rows::ProtocolRow;
use crate::catalogue::query::Nearest;
use crate::web::error::PageError;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "regions/show.html")]
pub struct RegionPage {
    pub layout: Layout,
    pub code: i32,
    pub name: String,
    pub open_rows: Vec<ProtocolRow>,
    pub referral_rows: Vec<ProtocolRow>,
    pub with_distance: bool,
}

pub async fn show_region(
    req: HttpRequest,
    lang: Lang,
    viewer: crate::web::auth::Viewer,
    code: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let region = code
        .parse::<i32>()
        .ok()
        .and_then(Region::from_code)
        .ok_or(PageError::not_found())?;
    let catalogue = state.catalogue.get();
    let distances = catalogue
        .region_centre(region)
        .map(|(lat, lon)| catalogue.site_distances(lat, lon));
    let mut open_rows = Vec::new();
    let mut referral: Vec<(f64, ProtocolRow)> = Vec::new();
    for entry in catalogue.entries.iter().filter(|e| e.is_open()) {
        if entry.regions_open.contains(&region) {
            open_rows.push(ProtocolRow::new(&catalogue, entry, None, lang));
        } else {
            let nearest = distances
                .as_deref()
                .and_then(|d| catalogue.nearest_open_site(entry, d))
                .map(|(site, distance_km)| Nearest { site, distance_km });
            let km = nearest.map_or(f64::MAX, |n| n.distance_km);
            referral.push((km, ProtocolRow::new(&catalogue, entry, nearest, lang)));
        }
    }
    referral.sort_by(|a, b| a.0.total_cmp(&b.0));
    let name = lang.pick(region.name_da(), region.name_en()).to_owned();
    let page = RegionPage {
        layout: Layout::new(&req, lang, name.clone(), catalogue.has_demo(), "regions")
            .with_viewer(&viewer)
            .with_feed(crate::web::feeds::feed_href(&[(
                "region",
                &region.code().to_string(),
            )])),
        code: region.code(),
        name,
        open_rows,
        referral_rows: referral.into_iter().map(|(_, r)| r).collect(),
        with_distance: true,
    };
    render(&page)
}
