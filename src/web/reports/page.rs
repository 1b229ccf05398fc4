//! The transparency report page: registry activity, coverage, access close to home and the
//! indicator with charts, for a year or a quarter.

use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Datelike, Utc};
use dccc_matching::Region;

use super::charts::{funnel_chart, offered_chart, open_trend_chart, share_trend_chart, Multiple};
use super::{build_report, decimal, PeriodQuery, RowView, UnknownDmcg};
use crate::domain::indicator::Grouping;
use crate::domain::offers::NotOfferedReason;
use crate::services::reports::funnel::Funnel;
use crate::services::reports::trends::{TrendSeries, Trends};
use crate::services::reports::{
    distance_band, Coverage, DistanceMap, ProtocolCount, DISTANCE_BANDS,
};
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::AppState;

/// One grouping of the indicator: its table, chart and download.
pub struct IndicatorSection {
    pub key: &'static str,
    pub title: &'static str,
    pub national: RowView,
    pub rows: Vec<RowView>,
    pub chart: String,
    pub with_standard: bool,
}

#[derive(Template)]
#[template(path = "reports/transparency.html")]
pub struct ReportPage {
    pub layout: Layout,
    pub period_label: String,
    pub query: String,
    pub api_query: String,
    /// The DMCG the indicator is limited to ("" for all).
    pub dmcg: String,
    pub dmcgs: Vec<(String, String)>,
    pub year: i32,
    pub quarter: u32,
    pub years: Vec<i32>,
    pub bad_parameter: Option<&'static str>,
    pub exact: bool,
    pub demo_register: bool,
    pub region_names: Vec<&'static str>,
    pub protocols_by_dmcg: Vec<ProtocolCount>,
    pub protocols_by_region: Vec<ProtocolCount>,
    /// Coverage and distances are of the period (ended), not of today.
    pub registry_in_period: bool,
    pub coverage: Vec<(String, [Coverage; 5])>,
    pub access: Vec<(String, Vec<String>)>,
    pub reason_labels: Vec<&'static str>,
    pub sections: Vec<IndicatorSection>,
    /// The period has not ended: the public sees no indicator for it yet.
    pub indicator_withheld: bool,
    pub funnel: Option<FunnelView>,
    pub distance_map: DistanceMapView,
    pub trends: TrendsView,
}

/// The trends as small multiples, per DMCG and per region, each with the table behind it.
pub struct TrendsView {
    pub quarters: Vec<String>,
    pub groupings: Vec<TrendGrouping>,
}

pub struct TrendGrouping {
    pub key: &'static str,
    pub title: &'static str,
    pub items: Vec<TrendItem>,
}

pub struct TrendItem {
    pub key: String,
    pub name: String,
    pub open_chart: String,
    pub share_chart: String,
    pub open: Vec<usize>,
    /// "offered / included" per quarter, "–" where not published.
    pub shares: Vec<String>,
    pub standard: String,
}

fn trends_view(trends: &Trends, lang: Lang) -> TrendsView {
    let en = lang.is_en();
    let share =
        |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{} %", decimal(v, en)));
    let grouping = |key: &'static str, title: &'static str, series: &[TrendSeries]| TrendGrouping {
        key,
        title,
        items: series
            .iter()
            .map(|s| TrendItem {
                key: s.key.clone(),
                name: s.name.clone(),
                open_chart: open_trend_chart(
                    &Multiple {
                        id: &format!("trend-open-{key}-{}", s.key),
                        title: &format!(
                            "{} – {}",
                            s.name,
                            lang.pick("åbne protokoller pr. kvartal", "open protocols per quarter")
                        ),
                        quarters: &trends.quarters,
                        english: en,
                    },
                    s,
                ),
                share_chart: share_trend_chart(
                    &Multiple {
                        id: &format!("trend-share-{key}-{}", s.key),
                        title: &format!(
                            "{} – {}",
                            s.name,
                            lang.pick(
                                "andel tilbudt og inkluderet pr. kvartal",
                                "share offered and included per quarter"
                            )
                        ),
                        quarters: &trends.quarters,
                        english: en,
                    },
                    s,
                ),
                open: s.open.clone(),
                shares: s
                    .offered_pct
                    .iter()
                    .zip(&s.included_pct)
                    .map(|(o, i)| format!("{} / {}", share(*o), share(*i)))
                    .collect(),
                standard: s.standard_pct.map(|p| format!("{p} %")).unwrap_or_default(),
            })
            .collect(),
    };
    TrendsView {
        quarters: trends.quarters.iter().map(|p| p.label(en)).collect(),
        groupings: vec![
            grouping("dmcg", "DMCG", &trends.dmcg),
            grouping(
                "region",
                lang.pick("Afdelingens region", "The department's region"),
                &trends.region,
            ),
        ],
    }
}

/// Colours of the distance classes, near to far (light to dark, so they read in grey too).
const BAND_FILLS: [&str; 5] = ["#fee391", "#fec44f", "#fd8d3c", "#e6550d", "#a63603"];

/// The distance map, its legend and the table behind it.
pub struct DistanceMapView {
    /// "" when no department is open (nothing to measure from).
    pub svg: String,
    /// The DMCG shown, "" for every DMCG together.
    pub dmcg: String,
    /// Per class: colour, label, number of postcodes.
    pub legend: Vec<(&'static str, String, usize)>,
    /// Per region: name, median km, longest km, postcodes.
    pub regions: Vec<(String, String, String, usize)>,
    pub departments: usize,
}

fn band_label(band: usize, lang: Lang) -> String {
    let bounds = DISTANCE_BANDS;
    match band {
        0 => format!("{} {} km", lang.pick("op til", "up to"), bounds[0]),
        b if b < bounds.len() => format!("{}–{} km", bounds[b - 1], bounds[b]),
        _ => format!(
            "{} {} km",
            lang.pick("over", "over"),
            bounds[bounds.len() - 1]
        ),
    }
}

fn distance_map_view(
    map: &DistanceMap,
    catalogue: &crate::catalogue::Catalogue,
    in_period: bool,
    lang: Lang,
) -> DistanceMapView {
    use crate::web::map::{denmark, Dot, MapText, Marker, MarkerKind};
    let en = lang.is_en();
    let km = |x: f64| format!("{} km", decimal(x, en));
    let mut legend: Vec<(&'static str, String, usize)> = BAND_FILLS
        .iter()
        .enumerate()
        .map(|(b, fill)| (*fill, band_label(b, lang), 0))
        .collect();
    let dots: Vec<Dot> = map
        .distances
        .iter()
        .map(|d| {
            let band = distance_band(d.km);
            legend[band].2 += 1;
            Dot {
                lat: d.lat,
                lon: d.lon,
                fill: BAND_FILLS[band].to_owned(),
                class: band.to_string(),
                label: format!(
                    "{} {}: {} ({})",
                    d.postcode,
                    d.place,
                    km(d.km),
                    catalogue.sites[d.nearest].hospital
                ),
            }
        })
        .collect();
    let markers: Vec<Marker> = map
        .sites
        .iter()
        .map(|&i| {
            let s = &catalogue.sites[i];
            Marker {
                lat: s.lat,
                lon: s.lon,
                label: format!("{}, {}", s.hospital, s.department),
                kind: MarkerKind::Department,
            }
        })
        .collect();
    let which = map
        .dmcg
        .clone()
        .unwrap_or_else(|| lang.pick("alle DMCG'er", "all DMCGs").to_owned());
    let when = if in_period {
        lang.pick(
            "åbne på et tidspunkt i perioden",
            "open at some time in the period",
        )
    } else {
        lang.pick("åbne i dag", "open today")
    };
    let svg = if map.sites.is_empty() {
        String::new()
    } else {
        denmark().render_with_dots(
            &dots,
            &markers,
            &MapText {
                title: format!(
                    "{} ({which})",
                    lang.pick(
                        "Afstand til nærmeste afdeling med en åben protokol",
                        "Distance to the nearest department with an open protocol"
                    )
                ),
                description: format!(
                    "{} {} {when}. {}",
                    map.sites.len(),
                    lang.pick("afdelinger med protokoller", "departments with protocols"),
                    lang.pick(
                        "Hvert postnummer er farvet efter afstanden; tabellen under kortet giver tallene.",
                        "Each postcode is coloured by its distance; the table below the map gives the figures."
                    )
                ),
            },
        )
    };
    DistanceMapView {
        svg,
        dmcg: map.dmcg.clone().unwrap_or_default(),
        legend,
        regions: Region::ALL
            .iter()
            .zip(&map.by_region)
            .map(|(r, a)| {
                let postcodes = map.distances.iter().filter(|d| d.region == *r).count();
                (
                    if en { r.name_en() } else { r.short_da() }.to_owned(),
                    a.map(|a| km(a.median_km)).unwrap_or_else(|| "–".into()),
                    a.map(|a| km(a.worst_km)).unwrap_or_else(|| "–".into()),
                    postcodes,
                )
            })
            .collect(),
        departments: map.sites.len(),
    }
}

/// The funnel plot and the table behind it.
pub struct FunnelView {
    pub chart: String,
    pub national: String,
    pub rows: Vec<FunnelRow>,
    pub left_out: usize,
}

pub struct FunnelRow {
    pub group: String,
    pub name: String,
    pub patients: u64,
    pub offered: u64,
    pub share: String,
    pub limits95: String,
    pub limits998: String,
    pub position: &'static str,
    pub position_label: &'static str,
}

fn funnel_view(funnel: &Funnel, lang: Lang) -> FunnelView {
    let en = lang.is_en();
    let pct = |p: f64| format!("{} %", decimal(p * 100.0, en));
    let range =
        |(lo, hi): (f64, f64)| format!("{}–{} %", decimal(lo * 100.0, en), decimal(hi * 100.0, en));
    FunnelView {
        chart: funnel_chart(
            "chart-funnel",
            lang.pick(
                "Tragtdiagram: afdelingernes andel tilbudt forsøg mod antal patienter",
                "Funnel plot: the departments' share offered a trial against their number of patients",
            ),
            funnel,
            en,
        ),
        national: pct(funnel.national),
        rows: funnel
            .points
            .iter()
            .map(|p| FunnelRow {
                group: p.group.clone(),
                name: p.name.clone(),
                patients: p.patients,
                offered: p.offered,
                share: pct(p.share()),
                limits95: range(p.limits95),
                limits998: range(p.limits998),
                position: p.position.as_str(),
                position_label: p.position.label(en),
            })
            .collect(),
        left_out: funnel.left_out,
    }
}

pub async fn show_report(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    query: web::Query<PeriodQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (period, mut bad_parameter) = query.period(viewer.is_admin());
    let dmcg = query
        .dmcg(&state.catalogue.get())
        .unwrap_or_else(|UnknownDmcg| {
            bad_parameter = Some("dmcg");
            None
        });
    let report = build_report(&state, &viewer, period, dmcg, lang).await?;
    let en = lang.is_en();
    let sections = report
        .indicator
        .iter()
        .map(|table| {
            let key = table.grouping.as_str();
            let title = if en {
                table.grouping.label_en()
            } else {
                table.grouping.label_da()
            };
            let with_standard = table.grouping == Grouping::Dmcg || report.dmcg.is_some();
            IndicatorSection {
                key,
                title,
                national: RowView::new(&table.national, en),
                rows: table.rows.iter().map(|r| RowView::new(r, en)).collect(),
                chart: offered_chart(
                    &format!("chart-{key}"),
                    &format!(
                        "{} – {}",
                        lang.pick("Andel tilbudt forsøg", "Share offered a trial"),
                        title
                    ),
                    &table.rows,
                    en,
                ),
                with_standard,
            }
        })
        .collect();
    let access = report
        .access
        .iter()
        .map(|(dmcg, cells)| {
            (
                dmcg.clone(),
                cells
                    .iter()
                    .map(|c| {
                        c.map_or_else(
                            || "–".to_owned(),
                            |a| {
                                format!(
                                    "{} / {}",
                                    decimal(a.median_km, en),
                                    decimal(a.worst_km, en)
                                )
                            },
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    let query_string = PeriodQuery::link(&period, report.dmcg.as_deref());
    let page = ReportPage {
        layout: Layout::new(
            &req,
            lang,
            lang.pick(
                "Gennemsigtighed i kræftforskningen",
                "Transparency in cancer research",
            ),
            state.catalogue.get().has_demo() || report.demo_register,
            "report",
        )
        .with_viewer(&viewer),
        period_label: period.label(en),
        query: query_string,
        api_query: match &report.dmcg {
            Some(d) => format!("from={}&to={}&dmcg={d}", period.from, period.to),
            None => format!("from={}&to={}", period.from, period.to),
        },
        dmcg: report.dmcg.clone().unwrap_or_default(),
        dmcgs: state
            .catalogue
            .get()
            .dmcgs
            .iter()
            .map(|d| (d.acronym.clone(), d.name_da.clone()))
            .collect(),
        year: period.year,
        quarter: period.quarter.unwrap_or(0),
        years: (report.first_year..=Utc::now().year().max(period.year))
            .rev()
            .collect(),
        bad_parameter,
        exact: report.exact,
        demo_register: report.demo_register,
        region_names: Region::ALL.iter().map(|r| r.short_da()).collect(),
        protocols_by_dmcg: report.protocols_by_dmcg,
        protocols_by_region: report.protocols_by_region,
        registry_in_period: report.registry_in_period,
        coverage: report.coverage,
        access,
        reason_labels: NotOfferedReason::ALL.iter().map(|r| r.label(en)).collect(),
        sections,
        indicator_withheld: report.indicator_withheld,
        funnel: report.funnel.as_ref().map(|f| funnel_view(f, lang)),
        trends: trends_view(&report.trends, lang),
        distance_map: distance_map_view(
            &report.distance_map,
            &state.catalogue.get(),
            report.registry_in_period,
            lang,
        ),
    };
    let status = if bad_parameter.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render_with(status, &page)
}
