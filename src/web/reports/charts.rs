//! Server-rendered SVG bar charts of the indicator: one bar per group for the share offered,
//! whiskers for the 95% confidence interval, and a line at the standard, each explained in a
//! legend under the axis. Groups are named in full (their code in a tooltip), as in the
//! tables. No JavaScript; the SVG prints as it shows.

use std::fmt::Write;

use crate::domain::indicator::IndicatorRow;

const LABEL_WIDTH: f64 = 330.0;
/// The most characters of a name beside a bar (12 px text in [`LABEL_WIDTH`]).
const LABEL_CHARS: usize = 50;
/// The legend's height under the axis.
const LEGEND: f64 = 26.0;
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

/// The label of a row: its full name (a region's without "Region"), shortened with "…"
/// where it would not fit beside the bar.
fn label(row: &IndicatorRow) -> String {
    let name = if row.group.parse::<i32>().is_ok() {
        // "Region Sjælland" → "Sjælland"; "Region of Southern Denmark" stays whole.
        match row.name.strip_prefix("Region ") {
            Some(short) if !short.starts_with("of ") => short,
            _ => &row.name,
        }
    } else {
        &row.name
    };
    if name.chars().count() > LABEL_CHARS {
        let cut: String = name.chars().take(LABEL_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        name.to_owned()
    }
}

/// A horizontal bar chart of the share offered per row. Suppressed rows get a "<5" note and
/// no bar; a row's standard is a dashed red line across its band.
pub fn offered_chart(id: &str, title: &str, rows: &[IndicatorRow], english: bool) -> String {
    let height = TOP + ROW_HEIGHT * rows.len() as f64 + 24.0 + LEGEND;
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
            r#"<g class="group{}" data-group="{}"><text class="label" x="{}" y="{}" font-size="12" text-anchor="end"><title>{} ({})</title>{}</text>"#,
            if row.suppressed { " suppressed" } else { "" },
            escape(&row.group),
            LABEL_WIDTH - 6.0,
            mid + 4.0,
            escape(&row.name),
            escape(&row.group),
            escape(&label(row))
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
    legend(
        &mut svg,
        bottom + 30.0,
        rows.iter().any(|r| r.standard_pct.is_some()),
        english,
    );
    svg.push_str("</svg>");
    svg
}

/// What the bar, the whisker and the red dashed line mean, under the axis.
fn legend(svg: &mut String, y: f64, with_standard: bool, english: bool) {
    let pick = |da: &'static str, en: &'static str| if english { en } else { da };
    let x0 = LABEL_WIDTH;
    let _ = write!(
        svg,
        r##"<g class="legend"><rect x="{x0}" y="{}" width="14" height="10" fill="#2b6cb0"/><text x="{}" y="{}" font-size="12">{}</text><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#111"/><text x="{}" y="{}" font-size="12">{}</text>"##,
        y - 9.0,
        x0 + 18.0,
        y,
        pick("andel tilbudt", "share offered"),
        x0 + 120.0,
        y - 4.0,
        x0 + 140.0,
        y - 4.0,
        x0 + 144.0,
        y,
        pick("95 % KI", "95% CI"),
    );
    if with_standard {
        let _ = write!(
            svg,
            r##"<line class="standard-key" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#c53030" stroke-width="2" stroke-dasharray="3,2"/><text x="{}" y="{}" font-size="12">{}</text>"##,
            x0 + 210.0,
            y - 10.0,
            x0 + 210.0,
            y + 2.0,
            x0 + 216.0,
            y,
            pick("standard (DMCG'ens mål)", "standard (the DMCG's target)"),
        );
    }
    svg.push_str("</g>");
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
        let svg = offered_chart("c", "Title", &table.rows, false);
        assert_eq!(svg.matches("class=\"group").count(), 4);
        let shown = table.rows.iter().filter(|r| !r.suppressed).count();
        assert_eq!(svg.matches("class=\"bar\"").count(), shown);
        assert!(
            svg.contains("<title>A (A&lt;&amp;&gt;)</title>A</text>"),
            "full name, code in a tooltip, escaped: {svg}"
        );
        assert!(
            svg.contains("standard (DMCG'ens mål)"),
            "the standard line is explained"
        );
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
            "one standard mark per row (the legend's key is another class)"
        );
    }
}

#[cfg(test)]
mod label_tests {
    use super::*;

    #[test]
    fn long_names_are_shortened_and_regions_lose_region() {
        let row = |group: &str, name: &str| IndicatorRow {
            group: group.into(),
            name: name.into(),
            suppressed: false,
            patients: None,
            offered: None,
            included: None,
            offered_share: None,
            included_share: None,
            reasons: Vec::new(),
            standard_pct: None,
            standard_met: None,
        };
        assert_eq!(label(&row("1085", "Region Sjælland")), "Sjælland");
        assert_eq!(
            label(&row("1083", "Region of Southern Denmark")),
            "Region of Southern Denmark"
        );
        let long = label(&row("X", &"a".repeat(80)));
        assert_eq!(long.chars().count(), LABEL_CHARS);
        assert!(long.ends_with('…'));
    }
}
