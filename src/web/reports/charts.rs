//! Server-rendered SVG bar charts of the indicator: one bar per group for the share offered,
//! whiskers for the 95% confidence interval, and a line at the standard, each explained in a
//! legend under the axis. Groups are named in full (their code in a tooltip), as in the
//! tables. No JavaScript; the SVG prints as it shows.

use std::fmt::Write;

use crate::domain::funnel::Position;
use crate::domain::indicator::IndicatorRow;
use crate::services::reports::funnel::Funnel;
use crate::services::reports::trends::TrendSeries;
use crate::services::reports::Period;

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

/// Plot size of the funnel (the axes' inner area) and its margins.
const FUNNEL_WIDTH: f64 = 560.0;
const FUNNEL_HEIGHT: f64 = 300.0;
const FUNNEL_LEFT: f64 = 56.0;
const FUNNEL_TOP: f64 = 16.0;
const FUNNEL_BOTTOM: f64 = 44.0;

/// A round axis maximum at or above `n`: 1, 2 or 5 times a power of ten.
fn nice_max(n: u64) -> u64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= n.max(1) {
                return m * step;
            }
        }
        step *= 10;
    }
}

/// The funnel plot of the departments: one point per department (share offered against its
/// number of patients), the national share as a line, and the 95 % (dashed) and 99.8 %
/// (dotted) control limits. Colours and shapes both tell a point's place, and each point's
/// tooltip names the department and its figures.
pub fn funnel_chart(id: &str, title: &str, funnel: &Funnel, english: bool) -> String {
    let pick = |da: &'static str, en: &'static str| if english { en } else { da };
    let n_max = nice_max(funnel.points.iter().map(|p| p.patients).max().unwrap_or(10));
    let px = |n: f64| FUNNEL_LEFT + FUNNEL_WIDTH * n / n_max as f64;
    let py = |p: f64| FUNNEL_TOP + FUNNEL_HEIGHT * (1.0 - p.clamp(0.0, 1.0));
    let width = FUNNEL_LEFT + FUNNEL_WIDTH + 16.0;
    let height = FUNNEL_TOP + FUNNEL_HEIGHT + FUNNEL_BOTTOM + LEGEND;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart funnel" id="{id}" role="img" aria-labelledby="{id}-title" viewBox="0 0 {width} {height}" width="{width}" height="{height}" data-national="{:.6}"><title id="{id}-title">{}</title>"#,
        funnel.national,
        escape(title)
    );
    let bottom = FUNNEL_TOP + FUNNEL_HEIGHT;
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let y = py(tick);
        let _ = write!(
            svg,
            r##"<line class="grid" x1="{FUNNEL_LEFT}" y1="{y}" x2="{}" y2="{y}" stroke="#ddd"/><text class="tick" x="{}" y="{}" font-size="12" text-anchor="end">{} %</text>"##,
            FUNNEL_LEFT + FUNNEL_WIDTH,
            FUNNEL_LEFT - 6.0,
            y + 4.0,
            tick * 100.0
        );
    }
    for i in 0..=5 {
        let n = n_max as f64 * f64::from(i) / 5.0;
        let _ = write!(
            svg,
            r##"<text class="tick" x="{:.1}" y="{}" font-size="12" text-anchor="middle">{n}</text>"##,
            px(n),
            bottom + 16.0
        );
    }
    let _ = write!(
        svg,
        r##"<line x1="{FUNNEL_LEFT}" y1="{bottom}" x2="{}" y2="{bottom}" stroke="#555"/><text x="{}" y="{}" font-size="12" text-anchor="middle">{}</text>"##,
        FUNNEL_LEFT + FUNNEL_WIDTH,
        FUNNEL_LEFT + FUNNEL_WIDTH / 2.0,
        bottom + 34.0,
        pick("Antal patienter", "Number of patients"),
    );
    // The limits, sampled from 5 patients (the smallest published cell) to the axis' end.
    let samples: Vec<u64> = (0..=80)
        .map(|i| 5 + (n_max.saturating_sub(5)) * i / 80)
        .collect();
    for (z, class, dash) in [
        (crate::domain::funnel::Z95, "limit-95", "6,4"),
        (crate::domain::funnel::Z998, "limit-99.8", "2,3"),
    ] {
        for upper in [false, true] {
            let points: Vec<String> = samples
                .iter()
                .map(|&n| {
                    let (lo, hi) = crate::domain::funnel::limits(funnel.national, n, z);
                    format!("{:.1},{:.1}", px(n as f64), py(if upper { hi } else { lo }))
                })
                .collect();
            let _ = write!(
                svg,
                r##"<polyline class="{class}" fill="none" stroke="#555" stroke-width="1.5" stroke-dasharray="{dash}" points="{}"/>"##,
                points.join(" ")
            );
        }
    }
    let _ = write!(
        svg,
        r##"<line class="national" x1="{FUNNEL_LEFT}" y1="{0:.1}" x2="{1}" y2="{0:.1}" stroke="#2b6cb0" stroke-width="2"/>"##,
        py(funnel.national),
        FUNNEL_LEFT + FUNNEL_WIDTH
    );
    for p in &funnel.points {
        let (x, y) = (px(p.patients as f64), py(p.share()));
        let (fill, shape) = match p.position {
            Position::Inside => ("#2b6cb0", "circle"),
            Position::AboveWarning | Position::AboveAlarm => ("#2f855a", "up"),
            Position::BelowWarning | Position::BelowAlarm => ("#c53030", "down"),
        };
        let tip = format!(
            "{} ({}): {} / {} = {} % – {}",
            p.name,
            p.group,
            p.offered,
            p.patients,
            super::decimal(p.share() * 100.0, english),
            p.position.label(english)
        );
        let open = format!(
            r##"class="point {}" data-group="{}" data-n="{}" data-share="{:.6}" fill="{fill}" stroke="#fff""##,
            p.position.as_str(),
            escape(&p.group),
            p.patients,
            p.share()
        );
        let _ = match shape {
            "circle" => write!(
                svg,
                r#"<circle {open} cx="{x:.1}" cy="{y:.1}" r="5"><title>{}</title></circle>"#,
                escape(&tip)
            ),
            "up" => write!(
                svg,
                r#"<polygon {open} points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}"><title>{}</title></polygon>"#,
                x,
                y - 6.0,
                x + 6.0,
                y + 5.0,
                x - 6.0,
                y + 5.0,
                escape(&tip)
            ),
            _ => write!(
                svg,
                r#"<polygon {open} points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}"><title>{}</title></polygon>"#,
                x,
                y + 6.0,
                x + 6.0,
                y - 5.0,
                x - 6.0,
                y - 5.0,
                escape(&tip)
            ),
        };
    }
    let ly = bottom + FUNNEL_BOTTOM + 14.0;
    let _ = write!(
        svg,
        r##"<g class="legend"><line x1="{FUNNEL_LEFT}" y1="{0}" x2="{1}" y2="{0}" stroke="#2b6cb0" stroke-width="2"/><text x="{2}" y="{3}" font-size="12">{4}</text><line x1="{5}" y1="{0}" x2="{6}" y2="{0}" stroke="#555" stroke-dasharray="6,4"/><text x="{7}" y="{3}" font-size="12">{8}</text><line x1="{9}" y1="{0}" x2="{10}" y2="{0}" stroke="#555" stroke-dasharray="2,3"/><text x="{11}" y="{3}" font-size="12">{12}</text></g>"##,
        ly - 4.0,
        FUNNEL_LEFT + 20.0,
        FUNNEL_LEFT + 24.0,
        ly,
        pick("landsgennemsnit", "national share"),
        FUNNEL_LEFT + 150.0,
        FUNNEL_LEFT + 170.0,
        FUNNEL_LEFT + 174.0,
        pick("95 %-grænser", "95% limits"),
        FUNNEL_LEFT + 290.0,
        FUNNEL_LEFT + 310.0,
        FUNNEL_LEFT + 314.0,
        pick("99,8 %-grænser", "99.8% limits"),
    );
    svg.push_str("</svg>");
    svg
}

/// Size of one small multiple: the plot and its margins (12 px text at its natural width).
const SM_LEFT: f64 = 34.0;
const SM_WIDTH: f64 = 196.0;
const SM_TOP: f64 = 34.0;
const SM_HEIGHT: f64 = 80.0;
const SM_BOTTOM: f64 = 34.0;

/// The quarter ticks under a small multiple: "K1"/"Q1" under each quarter, the year under
/// the first quarter shown and each first quarter.
fn quarter_axis(svg: &mut String, quarters: &[Period], english: bool) {
    let n = quarters.len().max(1) as f64;
    let bottom = SM_TOP + SM_HEIGHT;
    let _ = write!(
        svg,
        r##"<line x1="{SM_LEFT}" y1="{bottom}" x2="{}" y2="{bottom}" stroke="#555"/>"##,
        SM_LEFT + SM_WIDTH
    );
    for (i, p) in quarters.iter().enumerate() {
        let x = SM_LEFT + SM_WIDTH * (i as f64 + 0.5) / n;
        let q = p.quarter.unwrap_or(0);
        let _ = write!(
            svg,
            r#"<text class="tick" x="{x:.1}" y="{}" font-size="12" text-anchor="middle">{}{q}</text>"#,
            bottom + 14.0,
            if english { "Q" } else { "K" }
        );
        if i == 0 || q == 1 {
            let _ = write!(
                svg,
                r#"<text class="tick" x="{x:.1}" y="{}" font-size="12" text-anchor="middle">{}</text>"#,
                bottom + 28.0,
                p.year
            );
        }
    }
}

/// What a group's small multiples share: their id, accessible title, quarters and language.
pub struct Multiple<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub quarters: &'a [Period],
    pub english: bool,
}

impl Multiple<'_> {
    /// Opens the `<svg>`, with its caption (what it shows) written at its top.
    fn start(&self, caption_da: &str, caption_en: &str) -> String {
        let width = SM_LEFT + SM_WIDTH + 8.0;
        let height = SM_TOP + SM_HEIGHT + SM_BOTTOM;
        let id = self.id;
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart multiple" id="{id}" role="img" aria-labelledby="{id}-title" viewBox="0 0 {width} {height}"><title id="{id}-title">{}</title><text class="caption" x="0" y="12" font-size="12">{}</text>"#,
            escape(self.title),
            escape(if self.english { caption_en } else { caption_da })
        )
    }

    /// Draws the quarter axis and closes the `<svg>`.
    fn finish(&self, mut svg: String) -> String {
        quarter_axis(&mut svg, self.quarters, self.english);
        svg.push_str("</svg>");
        svg
    }
}

/// A small multiple of the protocols open in each quarter: one bar per quarter, the count
/// above it.
pub fn open_trend_chart(m: &Multiple, series: &TrendSeries) -> String {
    let mut svg = m.start("Åbne protokoller", "Open protocols");
    let max = series.open.iter().copied().max().unwrap_or(0).max(1) as f64;
    let n = series.open.len().max(1) as f64;
    let band = SM_WIDTH / n;
    for (i, &count) in series.open.iter().enumerate() {
        let h = SM_HEIGHT * count as f64 / max;
        let x = SM_LEFT + band * i as f64 + band * 0.15;
        let y = SM_TOP + SM_HEIGHT - h;
        let _ = write!(
            svg,
            r##"<rect class="bar" data-count="{count}" x="{x:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}" fill="#2b6cb0"/><text class="note" x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">{count}</text>"##,
            band * 0.7,
            x + band * 0.35,
            y - 3.0
        );
    }
    m.finish(svg)
}

/// A small multiple of the shares offered (solid) and included (dashed) per quarter on a
/// 0–100 % axis, with the standard as a red dashed line labelled with its value. A quarter
/// without a published share leaves a gap in the line.
pub fn share_trend_chart(m: &Multiple, series: &TrendSeries) -> String {
    let mut svg = m.start(
        "Andel tilbudt / inkluderet, %",
        "Share offered / included, %",
    );
    let n = series.offered_pct.len().max(1) as f64;
    let px = |i: usize| SM_LEFT + SM_WIDTH * (i as f64 + 0.5) / n;
    let py = |pct: f64| SM_TOP + SM_HEIGHT * (1.0 - pct.clamp(0.0, 100.0) / 100.0);
    for tick in [0.0, 50.0, 100.0] {
        let y = py(tick);
        let _ = write!(
            svg,
            r##"<line class="grid" x1="{SM_LEFT}" y1="{y}" x2="{}" y2="{y}" stroke="#ddd"/><text class="tick" x="{}" y="{}" font-size="12" text-anchor="end">{tick}</text>"##,
            SM_LEFT + SM_WIDTH,
            SM_LEFT - 4.0,
            y + 4.0
        );
    }
    if let Some(standard) = series.standard_pct {
        let y = py(f64::from(standard));
        let _ = write!(
            svg,
            r##"<line class="standard" data-pct="{standard}" x1="{SM_LEFT}" y1="{y}" x2="{}" y2="{y}" stroke="#c53030" stroke-width="1.5" stroke-dasharray="4,3"/><text class="standard-label" x="{}" y="{}" font-size="12" text-anchor="end" fill="#9b2c2c">standard {standard} %</text>"##,
            SM_LEFT + SM_WIDTH,
            SM_LEFT + SM_WIDTH,
            y - 3.0
        );
    }
    for (values, class, colour, dash) in [
        (&series.offered_pct, "offered", "#2b6cb0", ""),
        (&series.included_pct, "included", "#222", "4,2"),
    ] {
        // One polyline per run of published quarters.
        let mut runs: Vec<Vec<(usize, f64)>> = vec![Vec::new()];
        for (i, v) in values.iter().enumerate() {
            match v {
                Some(v) => {
                    if let Some(run) = runs.last_mut() {
                        run.push((i, *v));
                    }
                }
                None => runs.push(Vec::new()),
            }
        }
        for run in runs.iter().filter(|r| !r.is_empty()) {
            let points: Vec<String> = run
                .iter()
                .map(|&(i, v)| format!("{:.1},{:.1}", px(i), py(v)))
                .collect();
            let _ = write!(
                svg,
                r##"<polyline class="{class}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}" points="{}"/>"##,
                points.join(" ")
            );
            for &(i, v) in run {
                let _ = write!(
                    svg,
                    r##"<circle class="{class}-point" data-pct="{v:.1}" cx="{:.1}" cy="{:.1}" r="2.5" fill="{colour}"><title>{} %</title></circle>"##,
                    px(i),
                    py(v),
                    super::decimal(v, m.english)
                );
            }
        }
    }
    m.finish(svg)
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
