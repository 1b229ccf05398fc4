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
pub const TABLES: [&str; 8] = [
    "protokoller-dmcg",
    "protokoller-region",
    "daekning",
    "afstand",
    "indikator-dmcg",
    "indikator-region",
    "indikator-residence_region",
    "indikator-department",
];

fn share_cells(share: Option<crate::domain::indicator::Share>) -> [String; 3] {
    share.map_or_else(Default::default, |s| {
        [
            decimal(s.pct, false),
            decimal(s.ci.0, false),
            decimal(s.ci.1, false),
        ]
    })
}

fn indicator_row(row: &IndicatorRow) -> Vec<String> {
    let mut cells = vec![
        row.group.clone(),
        row.name.clone(),
        count(row.patients),
        count(row.offered),
    ];
    cells.extend(share_cells(row.offered_share));
    cells.push(count(row.included));
    cells.extend(share_cells(row.included_share));
    cells.push(row.standard_pct.map(|s| s.to_string()).unwrap_or_default());
    cells.push(match row.standard_met {
        Some(true) => "ja".into(),
        Some(false) => "nej".into(),
        None => String::new(),
    });
    cells.extend(row.reasons.iter().map(|(_, n)| count(*n)));
    cells
}

/// A Danish label as a column name: lower case, `æ ø å` as `ae oe aa`, anything but letters
/// and digits as one `_` ("Patientens tilstand" → `patientens_tilstand`).
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

/// The header and rows of one table, or `None` for an unknown table.
pub fn table(report: &Report, name: &str) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let regions = || Region::ALL.iter().map(|r| r.short_da().to_owned());
    match name {
        "protokoller-dmcg" | "protokoller-region" => {
            let rows = if name == "protokoller-dmcg" {
                &report.protocols_by_dmcg
            } else {
                &report.protocols_by_region
            };
            Some((
                strings(&[
                    "gruppe",
                    "navn",
                    "aabne_nu",
                    "aabne_i_perioden",
                    "nyaabnede",
                ]),
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
            for r in regions() {
                header.push(format!("{r} aabne"));
                header.push(format!("{r} nationale mangler"));
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
            for r in regions() {
                header.push(format!("{r} median km"));
                header.push(format!("{r} laengste km"));
            }
            let rows = report
                .access
                .iter()
                .map(|(dmcg, cells)| {
                    let mut row = vec![dmcg.clone()];
                    for c in cells {
                        row.push(c.map(|a| decimal(a.median_km, false)).unwrap_or_default());
                        row.push(c.map(|a| decimal(a.worst_km, false)).unwrap_or_default());
                    }
                    row
                })
                .collect();
            Some((header, rows))
        }
        _ => {
            let grouping = Grouping::parse(name.strip_prefix("indikator-")?)?;
            let table = report.indicator.iter().find(|t| t.grouping == grouping)?;
            let mut header = strings(&[
                "gruppe",
                "navn",
                "patienter",
                "tilbudt",
                "tilbudt_pct",
                "tilbudt_ki_nedre",
                "tilbudt_ki_oevre",
                "inkluderet",
                "inkluderet_pct",
                "inkluderet_ki_nedre",
                "inkluderet_ki_oevre",
                "standard_pct",
                "standard_opfyldt",
            ]);
            header.extend(
                NotOfferedReason::ALL
                    .iter()
                    .map(|r| format!("ikke_tilbudt_{}", column_name(r.label_da()))),
            );
            let rows = std::iter::once(&table.national)
                .chain(&table.rows)
                .map(indicator_row)
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
    let (period, _) = query.period(
        viewer
            .user
            .as_ref()
            .is_some_and(crate::db::users::User::is_admin),
    );
    let dmcg = query
        .dmcg(&state.catalogue.get())
        .map_err(|UnknownDmcg| PageError::not_found())?;
    let report = build_report(&state, &viewer, period, dmcg, lang).await?;
    let (header, rows) = table(&report, &name).ok_or(PageError::not_found())?;
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
