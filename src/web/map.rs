//! Server-side SVG map of Denmark.
//!
//! The map is drawn without any external geometry: the land layer is derived
//! purely from postcode centroids (a disc around every centroid, rasterised
//! onto a coarse grid and emitted as a single `<path>`). Markers for
//! departments and the user's home postcode are drawn on top.
//!
//! The projection and the extent are fixed, so every map rendered by this
//! module lines up with every other one, whatever markers it shows.
//!
//! # Example
//!
//! ```
//! use dccc_registry::web::map::{DenmarkMap, MapText, Marker, MarkerKind};
//! // Normally the ~1160 GeoNames postcode centroids (lat, lon).
//! let map = DenmarkMap::new(&[(55.68, 12.57), (55.47, 8.45), (57.72, 10.58)]);
//! let svg = map.render(
//!     &[Marker {
//!         lat: 55.68,
//!         lon: 12.57,
//!         label: "Copenhagen office".to_string(),
//!         kind: MarkerKind::Department,
//!     }],
//!     &MapText {
//!         title: "Our departments".to_string(),
//!         description: "One department in Copenhagen.".to_string(),
//!     },
//! );
//! assert!(svg.starts_with("<svg "));
//! ```

use std::fmt::Write as _;

/// Southern edge of the fixed map extent (degrees latitude).
const LAT_MIN: f64 = 54.5;
/// Northern edge of the fixed map extent (degrees latitude).
const LAT_MAX: f64 = 57.85;
/// Western edge of the fixed map extent (degrees longitude).
///
/// The extent leaves a margin of at least one marker size around the
/// outermost postcode centroids (Skagen, Gedser, Fanø/Blåvand, Svaneke).
const LON_MIN: f64 = 7.95;
/// Eastern edge of the fixed map extent (degrees longitude); includes
/// Bornholm with room for a marker at its east coast.
const LON_MAX: f64 = 15.3;
/// Reference latitude of the equirectangular projection (degrees).
const LAT_REF: f64 = 56.0;
/// Width of the SVG viewBox in user units.
const VIEW_WIDTH: f64 = 400.0;

/// Radius of the land disc drawn around every postcode centroid (km).
const LAND_RADIUS_KM: f64 = 7.0;
/// Extra radius used for a morphological closing (dilate, then erode by the
/// same amount), which fills small gaps between sparse rural centroids
/// without growing the coastline (km). Larger values start to close the
/// Little Belt and the Limfjord.
const CLOSING_RADIUS_KM: f64 = 2.5;
/// Enclosed holes (not connected to the map border) of at most this many
/// cells are filled: they are artefacts of sparse rural centroids, not lakes
/// or fjords (about 20 cells, roughly 100 km²).
const MAX_HOLE_CELLS: usize = 20;
/// Side of one raster cell in SVG user units (about 2.25 km). An integer
/// keeps every coordinate of the land path an integer.
const CELL: f64 = 2.0;
/// Kilometres per degree of latitude (mean).
const KM_PER_DEG_LAT: f64 = 111.2;

/// Fill colour of the land layer.
const LAND_FILL: &str = "#dfe6ea";
/// Fill colour of department markers.
const DEPARTMENT_FILL: &str = "#1f4e79";
/// Fill colour of the home marker.
const HOME_FILL: &str = "#c0392b";
/// Radius of a department circle in user units.
const DEPARTMENT_RADIUS: f64 = 5.0;
/// Half-diagonal of the home diamond in user units.
const HOME_HALF_DIAGONAL: f64 = 7.0;

/// Scale factor from projected degrees to SVG user units.
fn scale() -> f64 {
    VIEW_WIDTH / ((LON_MAX - LON_MIN) * LAT_REF.to_radians().cos())
}

/// Height of the SVG viewBox in user units, rounded to one decimal.
fn view_height() -> f64 {
    round1((LAT_MAX - LAT_MIN) * scale())
}

/// SVG user units per kilometre (the projection is close to isotropic
/// around the reference latitude).
fn units_per_km() -> f64 {
    scale() / KM_PER_DEG_LAT
}

/// Projects (lat, lon) in degrees to unrounded SVG user coordinates.
///
/// Returns `None` for non-finite input. Points outside the extent are
/// projected anyway (callers decide whether to clip or skip them).
fn project(lat: f64, lon: f64) -> Option<(f64, f64)> {
    if !lat.is_finite() || !lon.is_finite() {
        return None;
    }
    let s = scale();
    let x = (lon - LON_MIN) * LAT_REF.to_radians().cos() * s;
    let y = (LAT_MAX - lat) * s;
    Some((x, y))
}

/// Returns whether (lat, lon) lies inside the fixed map extent.
fn in_extent(lat: f64, lon: f64) -> bool {
    (LAT_MIN..=LAT_MAX).contains(&lat) && (LON_MIN..=LON_MAX).contains(&lon)
}

/// Rounds to one decimal.
fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Formats a coordinate with at most one decimal and no trailing `.0`.
fn num(v: f64) -> String {
    let r = round1(v);
    if r == 0.0 {
        // Also normalises -0.
        "0".to_string()
    } else if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// Escapes a string for use in XML text and attribute values.
///
/// Replaces `& < > " '` with entities and drops characters that are not
/// allowed in XML 1.0 (most C0 control characters).
fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A boolean raster over the map extent.
struct Grid {
    /// Number of columns (cells per row).
    cols: usize,
    /// Number of rows.
    rows: usize,
    /// Row-major cell flags; `true` means land.
    cells: Vec<bool>,
}

impl Grid {
    /// Creates an empty grid covering the whole viewBox.
    fn new() -> Grid {
        let cols = (VIEW_WIDTH / CELL).ceil() as usize;
        let rows = (view_height() / CELL).ceil() as usize;
        Grid {
            cols,
            rows,
            cells: vec![false; cols * rows],
        }
    }

    /// Returns the cell at (col, row).
    fn get(&self, col: usize, row: usize) -> bool {
        self.cells[row * self.cols + col]
    }

    /// Marks every cell whose centre is within `radius` (user units) of
    /// (x, y). Parts of the disc outside the grid are clipped.
    fn fill_disc(&mut self, x: f64, y: f64, radius: f64) {
        let col_lo = ((x - radius) / CELL).floor().max(0.0);
        let col_hi = ((x + radius) / CELL).ceil().min(self.cols as f64 - 1.0);
        let row_lo = ((y - radius) / CELL).floor().max(0.0);
        let row_hi = ((y + radius) / CELL).ceil().min(self.rows as f64 - 1.0);
        if col_lo > col_hi || row_lo > row_hi {
            return;
        }
        let r2 = radius * radius;
        for row in row_lo as usize..=row_hi as usize {
            let cy = (row as f64 + 0.5) * CELL;
            for col in col_lo as usize..=col_hi as usize {
                let cx = (col as f64 + 0.5) * CELL;
                if (cx - x).powi(2) + (cy - y).powi(2) <= r2 {
                    self.cells[row * self.cols + col] = true;
                }
            }
        }
    }

    /// Morphological erosion with a disc of `radius` user units: a cell stays
    /// set only if every cell centre within the radius is set. Cells beyond
    /// the grid border count as set, so the border does not eat land.
    fn erode(&self, radius: f64) -> Grid {
        let reach = (radius / CELL).floor() as isize;
        let r2 = (radius / CELL).powi(2);
        let offsets: Vec<(isize, isize)> = (-reach..=reach)
            .flat_map(|dy| (-reach..=reach).map(move |dx| (dx, dy)))
            .filter(|&(dx, dy)| ((dx * dx + dy * dy) as f64) <= r2)
            .collect();
        let mut out = Grid {
            cols: self.cols,
            rows: self.rows,
            cells: vec![false; self.cells.len()],
        };
        for row in 0..self.rows {
            for col in 0..self.cols {
                if !self.get(col, row) {
                    continue;
                }
                let keep = offsets.iter().all(|&(dx, dy)| {
                    let c = col as isize + dx;
                    let r = row as isize + dy;
                    if c < 0 || r < 0 || c >= self.cols as isize || r >= self.rows as isize {
                        true
                    } else {
                        self.get(c as usize, r as usize)
                    }
                });
                out.cells[row * self.cols + col] = keep;
            }
        }
        out
    }

    /// Fills every connected region of unset cells (4-neighbourhood) that
    /// does not touch the grid border and has at most `max_cells` cells.
    fn fill_small_holes(&mut self, max_cells: usize) {
        let mut seen = vec![false; self.cells.len()];
        let mut stack = Vec::new();
        let mut region = Vec::new();
        for start in 0..self.cells.len() {
            if self.cells[start] || seen[start] {
                continue;
            }
            seen[start] = true;
            stack.push(start);
            region.clear();
            let mut touches_border = false;
            while let Some(i) = stack.pop() {
                region.push(i);
                let (col, row) = (i % self.cols, i / self.cols);
                if col == 0 || row == 0 || col + 1 == self.cols || row + 1 == self.rows {
                    touches_border = true;
                }
                let mut visit = |j: usize| {
                    if !self.cells[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                };
                if col > 0 {
                    visit(i - 1);
                }
                if col + 1 < self.cols {
                    visit(i + 1);
                }
                if row > 0 {
                    visit(i - self.cols);
                }
                if row + 1 < self.rows {
                    visit(i + self.cols);
                }
            }
            if !touches_border && region.len() <= max_cells {
                for &i in &region {
                    self.cells[i] = true;
                }
            }
        }
    }

    /// Returns the set cells as rectangles `(col, row, width, height)` in
    /// cells: horizontal runs per row, merged vertically with identical runs
    /// in the following rows. Sorted by row, then column.
    fn rectangles(&self) -> Vec<(usize, usize, usize, usize)> {
        let mut done = Vec::new();
        // Open rectangles: (col_start, col_end_exclusive, row_start).
        let mut open: Vec<(usize, usize, usize)> = Vec::new();
        for row in 0..=self.rows {
            let mut runs = Vec::new();
            if row < self.rows {
                let mut col = 0;
                while col < self.cols {
                    if self.get(col, row) {
                        let start = col;
                        while col < self.cols && self.get(col, row) {
                            col += 1;
                        }
                        runs.push((start, col));
                    } else {
                        col += 1;
                    }
                }
            }
            let mut next = Vec::with_capacity(runs.len());
            for &(a, b) in &runs {
                match open.iter().position(|&(oa, ob, _)| oa == a && ob == b) {
                    Some(i) => next.push(open.swap_remove(i)),
                    None => next.push((a, b, row)),
                }
            }
            for (a, b, r0) in open {
                done.push((a, r0, b - a, row - r0));
            }
            open = next;
        }
        done.sort_unstable_by_key(|&(c, r, _, _)| (r, c));
        done
    }
}

/// Rasterises the land layer from postcode centroids.
fn land_grid(points: &[(f64, f64)]) -> Grid {
    let upk = units_per_km();
    let mut grid = Grid::new();
    for &(lat, lon) in points {
        if let Some((x, y)) = project(lat, lon) {
            grid.fill_disc(x, y, (LAND_RADIUS_KM + CLOSING_RADIUS_KM) * upk);
        }
    }
    let mut grid = grid.erode(CLOSING_RADIUS_KM * upk);
    grid.fill_small_holes(MAX_HOLE_CELLS);
    grid
}

/// Builds the `d` attribute of the land path from postcode centroids.
fn land_path_data(points: &[(f64, f64)]) -> String {
    let grid = land_grid(points);
    let mut d = String::new();
    for (col, row, w, h) in grid.rectangles() {
        let x = col as f64 * CELL;
        let y = row as f64 * CELL;
        let w = w as f64 * CELL;
        let h = h as f64 * CELL;
        // `write!` into a String cannot fail.
        let _ = write!(
            d,
            "M{} {}h{}v{}h-{}z",
            num(x),
            num(y),
            num(w),
            num(h),
            num(w)
        );
    }
    d
}

/// What a [`Marker`] represents; the two kinds differ in shape, not only in
/// colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkerKind {
    /// A department, drawn as a dark-blue circle with a white outline.
    Department,
    /// The user's home postcode, drawn as a red diamond with a white outline,
    /// always on top of the departments.
    Home,
}

/// A point of interest drawn on the map.
///
/// Markers with non-finite coordinates or outside the fixed map extent
/// (lat 54.5–57.85, lon 7.95–15.3) are skipped, not clamped, so a wrong
/// coordinate never shows up at a misleading place on the map border.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Latitude in degrees (WGS84).
    pub lat: f64,
    /// Longitude in degrees (WGS84).
    pub lon: f64,
    /// Accessible label, emitted as the marker's `<title>` (tooltip); escaped.
    pub label: String,
    /// Whether this is a department or the home postcode.
    pub kind: MarkerKind,
}

/// A coloured dot under the markers: one place's value, shown by `fill` and named in its
/// tooltip (`label`). `class` is the value's class as data (`data-class`), for tests and styles.
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    pub lat: f64,
    pub lon: f64,
    pub fill: String,
    pub class: String,
    pub label: String,
}

/// Radius of a [`Dot`] in user units (about 3.4 km): postcode centroids in towns overlap a
/// little, rural ones stand apart.
const DOT_RADIUS: f64 = 3.0;

/// Accessible text of the map, emitted as the SVG's `<title>` and `<desc>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapText {
    /// Short title (`<title id="map-title">`); escaped.
    pub title: String,
    /// Longer description (`<desc id="map-desc">`); escaped.
    pub description: String,
}

/// A map of Denmark with a precomputed land layer.
///
/// Build it once (for example at start-up) with [`DenmarkMap::new`] and call
/// [`DenmarkMap::render`] per page; rendering only formats the markers.
#[derive(Debug, Clone)]
pub struct DenmarkMap {
    /// The complete `<path .../>` element of the land layer.
    land: String,
    /// The `viewBox` attribute value.
    view_box: String,
}

impl DenmarkMap {
    /// Precomputes the land layer from postcode centroids (lat, lon in degrees).
    ///
    /// Every centroid contributes a disc of about 7 km radius; the discs are
    /// rasterised onto a grid of roughly 2.25 km cells, narrow gaps and small
    /// enclosed holes are closed, and the occupied cells are emitted as one `<path>` made of merged
    /// rectangles. Non-finite points are ignored and parts outside the fixed
    /// extent are clipped. An empty input gives an empty (invisible) path.
    #[must_use]
    pub fn new(points: &[(f64, f64)]) -> DenmarkMap {
        let land = format!(
            "<path class=\"dk-land\" fill=\"{LAND_FILL}\" d=\"{}\"/>",
            land_path_data(points)
        );
        let view_box = format!("0 0 {} {}", num(VIEW_WIDTH), num(view_height()));
        DenmarkMap { land, view_box }
    }

    /// Renders the whole `<svg>` element.
    ///
    /// The output has no `width`/`height` (size it with CSS via the
    /// `dk-map` class) and uses the fixed ids `map-title` and `map-desc`, so
    /// it should appear at most once per page. All text is XML-escaped.
    /// Departments are drawn in input order, followed by home markers so
    /// that home is always on top. Markers with non-finite coordinates or
    /// outside the map extent are skipped. The output is deterministic.
    #[must_use]
    pub fn render(&self, markers: &[Marker], text: &MapText) -> String {
        self.render_with_dots(&[], markers, text)
    }

    /// Like [`DenmarkMap::render`], with coloured dots (a value per place, such as a
    /// postcode's distance to care) drawn on the land under the markers. Dots outside the
    /// extent are skipped like markers.
    #[must_use]
    pub fn render_with_dots(&self, dots: &[Dot], markers: &[Marker], text: &MapText) -> String {
        let mut svg =
            String::with_capacity(self.land.len() + 512 + markers.len() * 160 + dots.len() * 120);
        let _ = write!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{}\" \
             preserveAspectRatio=\"xMidYMid meet\" role=\"img\" \
             aria-labelledby=\"map-title map-desc\" class=\"dk-map\">\
             <title id=\"map-title\">{}</title><desc id=\"map-desc\">{}</desc>",
            self.view_box,
            escape_xml(&text.title),
            escape_xml(&text.description)
        );
        svg.push_str(&self.land);
        for d in dots.iter().filter(|d| in_extent(d.lat, d.lon)) {
            if let Some((x, y)) = project(d.lat, d.lon) {
                let _ = write!(
                    svg,
                    "<circle class=\"dk-dot\" data-class=\"{}\" cx=\"{}\" cy=\"{}\" r=\"{}\" \
                     fill=\"{}\"><title>{}</title></circle>",
                    escape_xml(&d.class),
                    num(x),
                    num(y),
                    num(DOT_RADIUS),
                    escape_xml(&d.fill),
                    escape_xml(&d.label)
                );
            }
        }
        let visible = |m: &&Marker| in_extent(m.lat, m.lon);
        for m in markers
            .iter()
            .filter(|m| m.kind == MarkerKind::Department)
            .filter(visible)
        {
            push_marker(&mut svg, m);
        }
        for m in markers
            .iter()
            .filter(|m| m.kind == MarkerKind::Home)
            .filter(visible)
        {
            push_marker(&mut svg, m);
        }
        svg.push_str("</svg>");
        svg
    }
}

/// Appends one marker element (with its `<title>` child) to `svg`.
///
/// The caller guarantees that the marker lies inside the extent.
fn push_marker(svg: &mut String, m: &Marker) {
    let Some((x, y)) = project(m.lat, m.lon) else {
        return;
    };
    let label = escape_xml(&m.label);
    match m.kind {
        MarkerKind::Department => {
            let _ = write!(
                svg,
                "<circle class=\"dk-dept\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{DEPARTMENT_FILL}\" \
                 stroke=\"#fff\" stroke-width=\"1.5\"><title>{label}</title></circle>",
                num(x),
                num(y),
                num(DEPARTMENT_RADIUS)
            );
        }
        MarkerKind::Home => {
            let h = HOME_HALF_DIAGONAL;
            let _ = write!(
                svg,
                "<polygon class=\"dk-home\" points=\"{},{} {},{} {},{} {},{}\" \
                 fill=\"{HOME_FILL}\" stroke=\"#fff\" stroke-width=\"1.5\" \
                 stroke-linejoin=\"round\"><title>{label}</title></polygon>",
                num(x),
                num(y - h),
                num(x + h),
                num(y),
                num(x),
                num(y + h),
                num(x - h),
                num(y)
            );
        }
    }
}

/// The map of Denmark drawn from the project's own postcode centroids
/// (`seed/dk_postcodes.csv`, GeoNames), built on first use.
pub fn denmark() -> &'static DenmarkMap {
    static MAP: std::sync::OnceLock<DenmarkMap> = std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let csv = include_str!("../../seed/dk_postcodes.csv");
        let points: Vec<(f64, f64)> = csv
            .lines()
            .skip(1)
            .filter_map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                Some((
                    f.get(9)?.trim().parse().ok()?,
                    f.get(10)?.trim().parse().ok()?,
                ))
            })
            .collect();
        DenmarkMap::new(&points)
    })
}

/// A map ready for a page: the SVG and, as its text alternative, the same places as a list.
#[derive(Debug, Clone)]
pub struct MapView {
    pub svg: String,
    pub heading: String,
    pub items: Vec<MapItem>,
}

/// One place on the map, as the list beside it names it.
#[derive(Debug, Clone)]
pub struct MapItem {
    pub name: String,
    /// The distance from the home postcode, as the page writes it.
    pub km: Option<String>,
    pub home: bool,
}

/// A map of `places` (name, lat, lon, km as written) and the home postcode, in `lang`.
pub fn map_view(
    places: &[(String, f64, f64, Option<String>)],
    home: Option<(String, f64, f64)>,
    lang: crate::web::i18n::Lang,
) -> MapView {
    let mut markers: Vec<Marker> = places
        .iter()
        .map(|(name, lat, lon, _)| Marker {
            lat: *lat,
            lon: *lon,
            label: name.clone(),
            kind: MarkerKind::Department,
        })
        .collect();
    let mut items: Vec<MapItem> = Vec::new();
    if let Some((name, lat, lon)) = &home {
        markers.push(Marker {
            lat: *lat,
            lon: *lon,
            label: name.clone(),
            kind: MarkerKind::Home,
        });
        items.push(MapItem {
            name: name.clone(),
            km: None,
            home: true,
        });
    }
    items.extend(places.iter().map(|(name, _, _, km)| MapItem {
        name: name.clone(),
        km: km.clone(),
        home: false,
    }));
    let description = lang.count(places.len(), "map.description");
    let svg = denmark().render(
        &markers,
        &MapText {
            title: lang.t("map.title"),
            description,
        },
    );
    MapView {
        svg,
        heading: lang.t("map.title"),
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A handful of real postcode centroids (lat, lon).
    const POINTS: &[(f64, f64)] = &[
        (55.6806, 12.5857), // 1050 København K
        (55.4700, 8.4500),  // 6700 Esbjerg
        (57.7209, 10.5839), // 9990 Skagen
        (56.1567, 10.2108), // 8000 Aarhus C
        (55.3959, 10.3883), // 5000 Odense C
        (57.0488, 9.9217),  // 9000 Aalborg
        (55.1031, 14.7066), // 3700 Rønne
    ];

    fn dept(lat: f64, lon: f64, label: &str) -> Marker {
        Marker {
            lat,
            lon,
            label: label.to_string(),
            kind: MarkerKind::Department,
        }
    }

    fn home(lat: f64, lon: f64, label: &str) -> Marker {
        Marker {
            lat,
            lon,
            label: label.to_string(),
            kind: MarkerKind::Home,
        }
    }

    fn text() -> MapText {
        MapText {
            title: "Departments".to_string(),
            description: "Map of departments".to_string(),
        }
    }

    #[test]
    fn root_element_and_accessibility() {
        let svg = DenmarkMap::new(POINTS).render(&[], &text());
        assert!(svg.starts_with(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 400 326\" \
             preserveAspectRatio=\"xMidYMid meet\" role=\"img\" \
             aria-labelledby=\"map-title map-desc\" class=\"dk-map\">\
             <title id=\"map-title\">Departments</title>\
             <desc id=\"map-desc\">Map of departments</desc>"
        ));
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("width=\"") || svg.contains("stroke-width=\""));
        assert!(!svg.contains(" width="));
        assert!(!svg.contains(" height="));
        assert!(!svg.contains("<text"));
    }

    #[test]
    fn exactly_one_land_path() {
        let svg = DenmarkMap::new(POINTS)
            .render(&[dept(55.68, 12.57, "a"), home(56.16, 10.21, "b")], &text());
        assert_eq!(svg.matches("<path").count(), 1);
        assert!(svg.contains("fill=\"#dfe6ea\""));
        // Still exactly one (empty) path without any points.
        let empty = DenmarkMap::new(&[]).render(&[], &text());
        assert_eq!(empty.matches("<path").count(), 1);
    }

    #[test]
    fn one_shape_per_marker() {
        let markers = [
            dept(55.68, 12.57, "Copenhagen"),
            dept(56.16, 10.21, "Aarhus"),
            dept(55.10, 14.71, "Rønne"),
            home(55.40, 10.39, "Odense"),
        ];
        let svg = DenmarkMap::new(POINTS).render(&markers, &text());
        assert_eq!(svg.matches("<circle").count(), 3);
        assert_eq!(svg.matches("<polygon").count(), 1);
        // One <title> per marker plus the map title.
        assert_eq!(svg.matches("<title>").count(), 4);
        assert_eq!(svg.matches("<title").count(), 5);
    }

    #[test]
    fn home_is_drawn_after_departments() {
        let markers = [
            home(55.40, 10.39, "Home"),
            dept(55.68, 12.57, "Copenhagen"),
            dept(56.16, 10.21, "Aarhus"),
        ];
        let svg = DenmarkMap::new(POINTS).render(&markers, &text());
        let home_at = svg.find("<polygon").expect("home marker");
        let last_dept = svg.rfind("<circle").expect("department marker");
        assert!(home_at > last_dept);
        // Departments keep their input order.
        assert!(svg.find("Copenhagen").expect("present") < svg.find("Aarhus").expect("present"));
    }

    #[test]
    fn escapes_all_text() {
        let evil = "<script>&\"'";
        let svg = DenmarkMap::new(POINTS).render(
            &[dept(55.68, 12.57, evil), home(56.16, 10.21, evil)],
            &MapText {
                title: evil.to_string(),
                description: format!("{evil}\u{0}end"),
            },
        );
        assert!(!svg.contains("<script"));
        assert!(!svg.contains("&\""));
        assert!(!svg.contains('\''));
        assert!(!svg.contains('\u{0}'));
        assert_eq!(
            svg.matches("&lt;script&gt;&amp;&quot;&apos;").count(),
            4,
            "title, desc and two marker labels"
        );
        assert!(svg.contains("&lt;script&gt;&amp;&quot;&apos;end</desc>"));
    }

    #[test]
    fn deterministic() {
        let markers = [dept(55.68, 12.57, "a"), home(56.16, 10.21, "b")];
        let a = DenmarkMap::new(POINTS).render(&markers, &text());
        let b = DenmarkMap::new(POINTS).render(&markers, &text());
        assert_eq!(a, b);
        let map = DenmarkMap::new(POINTS);
        assert_eq!(map.render(&markers, &text()), map.render(&markers, &text()));
    }

    #[test]
    fn outside_points_and_nan_do_not_panic() {
        let weird = [
            (f64::NAN, 10.0),
            (56.0, f64::INFINITY),
            (0.0, 0.0),
            (90.0, 180.0),
            (-90.0, -180.0),
            (59.9, 10.75), // Oslo
            (54.4, 7.9),   // just outside the corner
            (57.85, 15.3), // exactly on the corner
        ];
        let map = DenmarkMap::new(&weird);
        let markers: Vec<Marker> = weird
            .iter()
            .map(|&(lat, lon)| dept(lat, lon, "x"))
            .chain(std::iter::once(home(f64::NAN, f64::NAN, "h")))
            .collect();
        let svg = map.render(&markers, &text());
        // Only the corner point is inside the extent; everything else is skipped.
        assert_eq!(svg.matches("<circle").count(), 1);
        assert_eq!(svg.matches("<polygon").count(), 0);
        assert!(!svg.contains("NaN"));
        assert!(!svg.contains("inf"));
    }

    #[test]
    fn projection_orientation() {
        let (cph_x, cph_y) = project(55.68, 12.57).expect("present");
        let (esb_x, esb_y) = project(55.47, 8.45).expect("present");
        let (_, ska_y) = project(57.72, 10.58).expect("present");
        assert!(cph_x > esb_x, "Copenhagen east of Esbjerg");
        assert!(ska_y < cph_y && ska_y < esb_y, "Skagen north of both");
        // Whole extent fits the viewBox.
        let (x0, y0) = project(LAT_MAX, LON_MIN).expect("present");
        let (x1, y1) = project(LAT_MIN, LON_MAX).expect("present");
        assert!(x0.abs() < 1e-9 && y0.abs() < 1e-9);
        assert!((x1 - VIEW_WIDTH).abs() < 1e-9);
        assert!((y1 - view_height()).abs() < 0.1);
    }

    #[test]
    fn markers_at_the_outermost_postcodes_fit_the_view_box() {
        // Outermost GeoNames centroids: north, south, west, east.
        let extremes = [
            (57.7209, 10.5839),
            (54.5953, 11.944),
            (55.6247, 8.1316),
            (55.1313, 15.1295),
        ];
        let reach = HOME_HALF_DIAGONAL.max(DEPARTMENT_RADIUS) + 0.75;
        for (lat, lon) in extremes {
            assert!(in_extent(lat, lon));
            let (x, y) = project(lat, lon).expect("present");
            assert!(x - reach >= 0.0 && x + reach <= VIEW_WIDTH, "x {x}");
            assert!(y - reach >= 0.0 && y + reach <= view_height(), "y {y}");
        }
    }

    #[test]
    fn coordinates_have_at_most_one_decimal() {
        assert_eq!(num(1.04), "1");
        assert_eq!(num(1.05 + 1e-9), "1.1");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(325.6), "325.6");
        let svg = DenmarkMap::new(POINTS).render(&[dept(55.6806, 12.5857, "a")], &text());
        for token in svg.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
            if let Some((_, frac)) = token.split_once('.') {
                assert!(frac.len() <= 1, "too many decimals in {token:?}");
            }
        }
    }

    #[test]
    fn land_covers_centroids() {
        let map = DenmarkMap::new(POINTS);
        let d = land_path_data(POINTS);
        assert!(map.land.contains(&d));
        assert!(!d.is_empty());
        let grid = land_grid(POINTS);
        for &(lat, lon) in POINTS {
            let (x, y) = project(lat, lon).expect("present");
            assert!(grid.get((x / CELL) as usize, (y / CELL) as usize));
        }
        // Far from any centroid (the Kattegat) stays sea.
        let (x, y) = project(56.7, 11.5).expect("present");
        assert!(!grid.get((x / CELL) as usize, (y / CELL) as usize));
    }

    #[test]
    fn small_enclosed_holes_are_filled_large_ones_kept() {
        let mut grid = Grid::new();
        // A 20x20 block with a 1-cell hole and a 6x6 (36-cell) hole.
        for row in 10..30 {
            for col in 10..30 {
                grid.cells[row * grid.cols + col] = true;
            }
        }
        grid.cells[12 * grid.cols + 12] = false;
        for row in 20..26 {
            for col in 20..26 {
                grid.cells[row * grid.cols + col] = false;
            }
        }
        grid.fill_small_holes(MAX_HOLE_CELLS);
        assert!(grid.get(12, 12));
        assert!(!grid.get(22, 22));
        // The open sea around the block is untouched.
        assert!(!grid.get(0, 0));
        assert!(!grid.get(5, 5));
    }

    /// Renders the project's own `GeoNames` postcode file. Prints the size
    /// of the base layer; run with `--nocapture` to see it. If the
    /// environment variable `DK_MAP_SAMPLE_SVG` is set, the sample map is
    /// written there.
    #[test]
    fn full_csv_renders() {
        let csv = include_str!("../../seed/dk_postcodes.csv");
        let points: Vec<(f64, f64)> = csv
            .lines()
            .skip(1)
            .filter_map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                let lat = f.get(9)?.trim().parse().ok()?;
                let lon = f.get(10)?.trim().parse().ok()?;
                Some((lat, lon))
            })
            .collect();
        assert!(points.len() > 1000, "parsed {} points", points.len());
        let map = DenmarkMap::new(&points);
        let markers = [
            dept(55.6806, 12.5857, "København K"),
            dept(56.1567, 10.2108, "Aarhus C"),
            dept(57.0488, 9.9217, "Aalborg"),
            dept(55.3959, 10.3883, "Odense C"),
            dept(55.1031, 14.7066, "Rønne"),
            home(55.4700, 8.4500, "Home: 6700 Esbjerg"),
        ];
        let svg = map.render(&markers, &text());
        println!(
            "points: {}, base layer: {} bytes, full SVG: {} bytes",
            points.len(),
            map.land.len(),
            svg.len()
        );
        assert!(
            map.land.len() < 25_000,
            "base layer {} bytes",
            map.land.len()
        );
        assert_eq!(svg.matches("<path").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 5);
        assert_eq!(svg.matches("<polygon").count(), 1);
        if let Ok(out) = std::env::var("DK_MAP_SAMPLE_SVG") {
            std::fs::write(&out, &svg).expect("write sample SVG");
        }
    }
}
