//! Server-rendered SVG bar charts of the indicator: one bar per group for the share offered,
//! whiskers for the 95% confidence interval, and a line at the standard. No JavaScript; the
//! SVG prints as it shows.

use std::fmt::Write;

use crate::domain::indicator::IndicatorRow;

const LABEL_WIDTH: f64 = 240.0;
const PLOT_WIDTH: f64 = 400.0;
const ROW_HEIGHT: f64 = 22.0;
const TOP: f64 = 24.0;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn x(pct: f64) -> f64 {
    LABEL_WIDTH + PLOT_WIDTH * pct.clamp(0.0, 100.0) / 100.0
}

/// The short label of a row: a region's name without "Region", else the group's acronym or
/// department code (full names do not fit beside a bar).
fn short_label(row: &IndicatorRow) -> &str {
    if row.group.parse::<i32>().is_ok() {
        // "Region Sjælland" → "Sjælland"; "Region of Southern Denmark" stays whole.
        match row.name.strip_prefix("Region ") {
            Some(short) if !short.starts_with("of ") => short,
            _ => &row.name,
        }
    } else {
        &row.group
    }
}

/// A horizontal bar chart of the share offered per row. Suppressed rows get a "<5" note and
/// no bar; a row's standard is a dashed red line across its band.
pub fn offered_chart(id: &str, title: &str, rows: &[IndicatorRow]) -> String {
    let height = TOP + ROW_HEIGHT * rows.len() as f64 + 24.0;
    let width = LABEL_WIDTH + PLOT_WIDTH + 60.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{id}" role="img" aria-labelledby="{id}-title" viewBox="0 0 {width} {height}" width="{width}" height="{height}"><title id="{id}-title">{}</title>"#,
        escape(title)
    );
    // Axis: 0, 25, 50, 75, 100 %.
    let bottom = TOP + ROW_HEIGHT * rows.len() as f64;
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let tx = x(tick);
        let _ = write!(
            svg,
            r##"<line class="grid" x1="{tx}" y1="{TOP}" x2="{tx}" y2="{bottom}" stroke="#ddd"/><text class="tick" x="{tx}" y="{}" font-size="12" text-anchor="middle">{tick} %</text>"##,
            bottom + 14.0
        );
    }
    for (i, row) in rows.iter().enumerate() {
        let y = TOP + ROW_HEIGHT * i as f64;
        let mid = y + ROW_HEIGHT / 2.0;
        let _ = write!(
            svg,
            r#"<g class="group{}" data-group="{}"><text class="label" x="{}" y="{}" font-size="12" text-anchor="end">{}</text>"#,
            if row.suppressed { " suppressed" } else { "" },
            escape(&row.group),
            LABEL_WIDTH - 6.0,
            mid + 4.0,
            escape(short_label(row))
        );
        match row.offered_share {
            Some(share) if !row.suppressed => {
                let _ = write!(
                    svg,
                    r##"<rect class="bar" x="{LABEL_WIDTH}" y="{}" width="{:.1}" height="{}" fill="#2b6cb0" data-pct="{}"><title>{} %</title></rect>"##,
                    y + 4.0,
                    x(share.pct) - LABEL_WIDTH,
                    ROW_HEIGHT - 8.0,
                    share.pct,
                    share.pct
                );
                let (lo, hi) = (x(share.ci.0), x(share.ci.1));
                let _ = write!(
                    svg,
                    r##"<g class="whisker" data-lo="{}" data-hi="{}" stroke="#111"><line x1="{lo:.1}" y1="{mid}" x2="{hi:.1}" y2="{mid}"/><line x1="{lo:.1}" y1="{}" x2="{lo:.1}" y2="{}"/><line x1="{hi:.1}" y1="{}" x2="{hi:.1}" y2="{}"/></g>"##,
                    share.ci.0,
                    share.ci.1,
                    mid - 4.0,
                    mid + 4.0,
                    mid - 4.0,
                    mid + 4.0
                );
            }
            _ => {
                let _ = write!(
                    svg,
                    r#"<text class="note" x="{}" y="{}" font-size="12">{}</text>"#,
                    LABEL_WIDTH + 4.0,
                    mid + 4.0,
                    if row.suppressed { "&lt;5" } else { "–" }
                );
            }
        }
        if let Some(standard) = row.standard_pct {
            let sx = x(f64::from(standard));
            let _ = write!(
                svg,
                r##"<line class="standard" data-pct="{standard}" x1="{sx}" y1="{}" x2="{sx}" y2="{}" stroke="#c53030" stroke-width="2" stroke-dasharray="3,2"><title>standard {standard} %</title></line>"##,
                y + 1.0,
                y + ROW_HEIGHT - 1.0
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::indicator::{publish, GroupTally, Grouping, Tally};

    fn group(name: &str, patients: u64, offered: u64) -> GroupTally {
        GroupTally {
            group: format!("{name}<&>"),
            name: name.into(),
            tally: Tally {
                patients,
                offered,
                included: offered,
                reasons: [0; 6],
            },
            standard_pct: Some(50),
        }
    }

    #[test]
    fn one_bar_per_shown_group_and_whiskers_within_the_axis() {
        let groups = [
            group("A", 40, 40),
            group("B", 60, 0),
            group("C", 3, 3),
            group("D", 20, 10),
        ];
        let national = group("national", 123, 53);
        let table = publish(Grouping::Dmcg, &national, &groups, false);
        let svg = offered_chart("c", "Title", &table.rows);
        assert_eq!(svg.matches("class=\"group").count(), 4);
        let shown = table.rows.iter().filter(|r| !r.suppressed).count();
        assert_eq!(svg.matches("class=\"bar\"").count(), shown);
        assert!(svg.contains(">A&lt;&amp;&gt;<"), "labels are escaped");
        for part in svg.split("class=\"whisker\"").skip(1) {
            let attr = |name: &str| -> f64 {
                let start = part.find(&format!("{name}=\"")).expect("valid") + name.len() + 2;
                part[start..]
                    .split('"')
                    .next()
                    .expect("valid")
                    .parse()
                    .expect("valid")
            };
            let (lo, hi) = (attr("data-lo"), attr("data-hi"));
            assert!((0.0..=100.0).contains(&lo) && (0.0..=100.0).contains(&hi) && lo <= hi);
        }
        assert_eq!(
            svg.matches("class=\"standard\"").count(),
            4,
            "one standard mark per row"
        );
    }
}
