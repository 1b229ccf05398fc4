//! Every table of the report as CSV for Danish Excel: UTF-8 with a byte order mark,
//! semicolons, decimal commas, and no cell a spreadsheet would run as a formula.

use actix_web::http::header;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use dccc_matching::Region;

use super::{build_report, count, decimal, PeriodQuery, Report, UnknownDmcg};
use crate::domain::indicator::{Grouping, IndicatorRow};
use crate::domain::offers::NotOfferedReason;
use crate::domain::spreadsheet::excel_csv;
use crate::web::auth::Viewer;
use crate::web::error::{internal, PageError};
use crate::web::i18n::Lang;
use crate::web::AppState;

/// The tables that can be downloaded, by the name in their address.
pub const TABLES: [&str; 12] = [
    "protokoller-dmcg",
    "protokoller-region",
    "daekning",
    "afstand",
    "indikator-dmcg",
    "indikator-region",
    "indikator-residence_region",
    "indikator-department",
    "tragt",
    "afstand-postnumre",
    "udvikling-dmcg",
    "udvikling-region",
];

fn share_cells(share: Option<crate::domain::indicator::Share>, english: bool) -> [String; 3] {
    share.map_or_else(Default::default, |s| {
        [
            decimal(s.pct, english),
            decimal(s.ci.0, english),
            decimal(s.ci.1, english),
        ]
    })
}

fn indicator_row(row: &IndicatorRow, english: bool) -> Vec<String> {
    let mut cells = vec![
        row.group.clone(),
        row.name.clone(),
        count(row.patients),
        count(row.offered),
    ];
    cells.extend(share_cells(row.offered_share, english));
    cells.push(count(row.included));
    cells.extend(share_cells(row.included_share, english));
    cells.push(row.standard_pct.map(|s| s.to_string()).unwrap_or_default());
    cells.push(
        row.standard_met
            .map(|met| yes_no(met, english).to_owned())
            .unwrap_or_default(),
    );
    cells.extend(row.reasons.iter().map(|(_, n)| count(*n)));
    cells
}

fn yes_no(yes: bool, english: bool) -> &'static str {
    match (yes, english) {
        (true, false) => "ja",
        (false, false) => "nej",
        (true, true) => "yes",
        (false, true) => "no",
    }
}

/// A label as a column name: lower case, `æ ø å` as `ae oe aa`, anything but letters and
/// digits as one `_` ("Patientens tilstand" → `patientens_tilstand`).
fn column_name(label: &str) -> String {
    let mut out = String::new();
    for c in label.to_lowercase().chars() {
        match c {
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ if !out.ends_with('_') && !out.is_empty() => out.push('_'),
            _ => {}
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// A region as the first part of a column name, in the file's language.
fn region_column(region: Region, english: bool) -> String {
    column_name(if english {
        region.name_en()
    } else {
        region.short_da()
    })
}

/// The header and rows of one table, or `None` for an unknown table. Column names and
/// words in cells are in the page's language (`english`); decimals too. `catalogue` names the
/// departments of the distance map.
pub fn table(
    report: &Report,
    catalogue: &crate::catalogue::Catalogue,
    name: &str,
    english: bool,
) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    let pick = |da: &str, en: &str| {
        if english {
            en.to_owned()
        } else {
            da.to_owned()
        }
    };
    let dec = |x: f64| decimal(x, english);
    match name {
        "protokoller-dmcg" | "protokoller-region" => {
            let rows = if name == "protokoller-dmcg" {
                &report.protocols_by_dmcg
            } else {
                &report.protocols_by_region
            };
            Some((
                vec![
                    pick("gruppe", "group"),
                    pick("navn", "name"),
                    pick("aabne_nu", "open_now"),
                    pick("aabne_i_perioden", "open_in_period"),
                    pick("nyaabnede", "newly_opened"),
                ],
                rows.iter()
                    .map(|p| {
                        vec![
                            p.key.clone(),
                            p.name.clone(),
                            p.open_now.to_string(),
                            p.open.to_string(),
                            p.newly_opened.to_string(),
                        ]
                    })
                    .collect(),
            ))
        }
        "daekning" => {
            let mut header = vec!["dmcg".to_owned()];
            for r in Region::ALL {
                let r = region_column(r, english);
                header.push(format!("{r}_{}", pick("aabne", "open")));
                header.push(format!(
                    "{r}_{}",
                    pick("nationale_mangler", "national_missing")
                ));
            }
            let rows = report
                .coverage
                .iter()
                .map(|(dmcg, cells)| {
                    let mut row = vec![dmcg.clone()];
                    for c in cells {
                        row.push(c.open_here.to_string());
                        row.push(c.national_missing.to_string());
                    }
                    row
                })
                .collect();
            Some((header, rows))
        }
        "afstand" => {
            let mut header = vec!["dmcg".to_owned()];
            for r in Region::ALL {
                let r = region_column(r, english);
                header.push(format!("{r}_{}", pick("median_km", "median_km")));
                header.push(format!("{r}_{}", pick("laengste_km", "longest_km")));
            }
            let rows = report
                .access
                .iter()
                .map(|(dmcg, cells)| {
                    let mut row = vec![dmcg.clone()];
                    for c in cells {
                        row.push(c.map(|a| dec(a.median_km)).unwrap_or_default());
                        row.push(c.map(|a| dec(a.worst_km)).unwrap_or_default());
                    }
                    row
                })
                .collect();
            Some((header, rows))
        }
        "afstand-postnumre" => {
            let map = &report.distance_map;
            let header = vec![
                pick("postnummer", "postcode"),
                pick("by", "place"),
                pick("region", "region"),
                "dmcg".to_owned(),
                pick("km_til_naermeste", "km_to_nearest"),
                pick("naermeste_afdeling", "nearest_department"),
            ];
            let rows = map
                .distances
                .iter()
                .map(|d| {
                    let site = &catalogue.sites[d.nearest];
                    vec![
                        d.postcode.clone(),
                        d.place.clone(),
                        d.region.code().to_string(),
                        map.dmcg.clone().unwrap_or_default(),
                        dec(d.km),
                        format!("{} ({})", site.code, site.hospital),
                    ]
                })
                .collect();
            Some((header, rows))
        }
        "udvikling-dmcg" | "udvikling-region" => {
            let trends = &report.trends;
            let series = if name == "udvikling-dmcg" {
                &trends.dmcg
            } else {
                &trends.region
            };
            let header = vec![
                pick("gruppe", "group"),
                pick("navn", "name"),
                pick("kvartal", "quarter"),
                pick("aabne_i_kvartalet", "open_in_quarter"),
                pick("tilbudt_pct", "offered_pct"),
                pick("inkluderet_pct", "included_pct"),
                pick("standard_pct", "standard_pct"),
            ];
            let pct = |v: Option<f64>| v.map(dec).unwrap_or_default();
            let mut rows = Vec::new();
            for s in series {
                for (i, q) in trends.quarters.iter().enumerate() {
                    rows.push(vec![
                        s.key.clone(),
                        s.name.clone(),
                        format!("{}-{}{}", q.year, pick("K", "Q"), q.quarter.unwrap_or(0)),
                        s.open[i].to_string(),
                        pct(s.offered_pct[i]),
                        pct(s.included_pct[i]),
                        s.standard_pct.map(|p| p.to_string()).unwrap_or_default(),
                    ]);
                }
            }
            Some((header, rows))
        }
        "tragt" => {
            let funnel = report.funnel.as_ref()?;
            let header = vec![
                pick("afdeling", "department"),
                pick("navn", "name"),
                pick("patienter", "patients"),
                pick("tilbudt", "offered"),
                pick("andel_pct", "share_pct"),
                pick("landsgennemsnit_pct", "national_pct"),
                pick("graense_95_nedre_pct", "limit_95_lower_pct"),
                pick("graense_95_oevre_pct", "limit_95_upper_pct"),
                pick("graense_998_nedre_pct", "limit_998_lower_pct"),
                pick("graense_998_oevre_pct", "limit_998_upper_pct"),
                pick("placering", "position"),
            ];
            let pct = |p: f64| dec(p * 100.0);
            let rows = funnel
                .points
                .iter()
                .map(|p| {
                    vec![
                        p.group.clone(),
                        p.name.clone(),
                        p.patients.to_string(),
                        p.offered.to_string(),
                        pct(p.share()),
                        pct(funnel.national),
                        pct(p.limits95.0),
                        pct(p.limits95.1),
                        pct(p.limits998.0),
                        pct(p.limits998.1),
                        p.position.label(english).to_owned(),
                    ]
                })
                .collect();
            Some((header, rows))
        }
        _ => {
            let grouping = Grouping::parse(name.strip_prefix("indikator-")?)?;
            let table = report.indicator.iter().find(|t| t.grouping == grouping)?;
            let mut header: Vec<String> = [
                ("gruppe", "group"),
                ("navn", "name"),
                ("patienter", "patients"),
                ("tilbudt", "offered"),
                ("tilbudt_pct", "offered_pct"),
                ("tilbudt_ki_nedre", "offered_ci_lower"),
                ("tilbudt_ki_oevre", "offered_ci_upper"),
                ("inkluderet", "included"),
                ("inkluderet_pct", "included_pct"),
                ("inkluderet_ki_nedre", "included_ci_lower"),
                ("inkluderet_ki_oevre", "included_ci_upper"),
                ("standard_pct", "standard_pct"),
                ("standard_opfyldt", "standard_met"),
            ]
            .into_iter()
            .map(|(da, en)| pick(da, en))
            .collect();
            header.extend(NotOfferedReason::ALL.iter().map(|r| {
                format!(
                    "{}_{}",
                    pick("ikke_tilbudt", "not_offered"),
                    column_name(r.label(english))
                )
            }));
            let rows = std::iter::once(&table.national)
                .chain(&table.rows)
                .map(|r| indicator_row(r, english))
                .collect();
            Some((header, rows))
        }
    }
}

/// Writes a table as Danish-Excel CSV, formula-safe (see [`excel_csv`]).
pub fn to_csv(header: &[String], rows: &[Vec<String>]) -> anyhow::Result<Vec<u8>> {
    Ok(excel_csv(header, rows)?)
}

pub async fn download_table(
    viewer: Viewer,
    lang: Lang,
    path: web::Path<String>,
    query: web::Query<PeriodQuery>,
    state: web::Data<AppState>,
    _req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let name = path.into_inner();
    if !TABLES.contains(&name.as_str()) {
        return Err(PageError::not_found());
    }
    let (period, _) = query.period(viewer.is_admin());
    let dmcg = query
        .dmcg(&state.catalogue.get())
        .map_err(|UnknownDmcg| PageError::not_found())?;
    let report = build_report(&state, &viewer, period, dmcg, lang).await?;
    let (header, rows) =
        table(&report, &state.catalogue.get(), &name, lang.is_en()).ok_or(PageError::not_found())?;
    let body = to_csv(&header, &rows).map_err(internal)?;
    let file = match period.quarter {
        Some(q) => format!("{name}-{}-k{q}.csv", period.year),
        None => format!("{name}-{}.csv", period.year),
    };
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_columns_are_named_in_danish() {
        assert_eq!(
            column_name("Ingen relevant protokol"),
            "ingen_relevant_protokol"
        );
        assert_eq!(
            column_name("Patienten ønskede ikke at overveje forsøg"),
            "patienten_oenskede_ikke_at_overveje_forsoeg"
        );
        let names: Vec<String> = NotOfferedReason::ALL
            .iter()
            .map(|r| column_name(r.label_da()))
            .collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            names.len(),
            "one column per reason: {names:?}"
        );
    }
}
