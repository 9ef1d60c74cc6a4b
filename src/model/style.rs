//! Map styles: what a map looks like, as a TOML file. Two are built in, `report` (light,
//! for print) and `dark`; `styles/report.toml` documents every key.
//!
//! ```toml
//! name = "report"
//! [map]        crs = "+proj=lcc ... +type=crs" (or "EPSG:32630"), width = 1600, height = 1200
//! [colours]    page, sea, neighbours, neighbour_lines, country, country_outline, adm1,
//!              rivers, lakes, towns, capital, text, text_muted, neighbour_text, halo,
//!              ring, ring_fill, band, band_fill, panel, panel_border, inset_focus, frame,
//!              notice
//! [fonts]      title, subtitle, labels, capital, regions, neighbours, zones, legend, credits (px)
//! [lines]      frame, country, neighbours, adm1, rivers, zones, halo (px)
//! [layers]     neighbours, neighbour_names, adm1, adm1_names, rivers, lakes, towns, zones,
//!              events, inset, north_arrow, scale_bar (true/false)
//! [density]    ramp = "viridis" | "magma" | "ylorrd", threshold (0–1), opacity (0–1)
//! [events]     radius (px), outline, default, colours = { category_id = "#rrggbb", ... }
//! [placement]  legend, inset, scale_bar, north_arrow = "top-left" | "top-right" |
//!              "bottom-left" | "bottom-right" (optional)
//! [extents.NAME] bbox = [west, south, east, north] (degrees; optional, any number)
//! ```
//!
//! Sizes are in pixels of a 1× render (a 2× render doubles them). Colours are `"#rrggbb"`
//! or `"#rrggbbaa"`. Unknown keys are errors, so a misspelt key never silently falls back.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
pub use crate::model::colour::Colour;

const REPORT: &str = include_str!("../../styles/report.toml");
const DARK: &str = include_str!("../../styles/dark.toml");

/// The names of the built-in styles.
pub const BUILTIN_STYLES: [&str; 2] = ["report", "dark"];

/// A map style, parsed and checked.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Style {
    pub name: String,
    pub map: MapSpec,
    pub colours: Colours,
    pub fonts: FontSizes,
    pub lines: LineWidths,
    pub layers: LayerToggles,
    pub density: DensitySpec,
    pub events: EventStyle,
    #[serde(default)]
    pub placement: Placement,
    /// Named map extents (`[extents.south]`), in lon/lat degrees.
    #[serde(default)]
    pub extents: BTreeMap<String, Extent>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapSpec {
    /// The map projection: an EPSG code ("EPSG:32630") or a PROJ string with `+type=crs`.
    pub crs: String,
    #[serde(default = "default_width")]
    pub width: u32,
    #[serde(default = "default_height")]
    pub height: u32,
}

fn default_width() -> u32 {
    1600
}
fn default_height() -> u32 {
    1200
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Colours {
    /// Paper around the map frame (title and credits sit on it).
    pub page: Colour,
    pub sea: Colour,
    pub neighbours: Colour,
    pub neighbour_lines: Colour,
    pub country: Colour,
    pub country_outline: Colour,
    pub adm1: Colour,
    pub rivers: Colour,
    pub lakes: Colour,
    pub towns: Colour,
    pub capital: Colour,
    pub text: Colour,
    /// Subtitle, region names, credits.
    pub text_muted: Colour,
    pub neighbour_text: Colour,
    pub halo: Colour,
    pub ring: Colour,
    pub ring_fill: Colour,
    pub band: Colour,
    pub band_fill: Colour,
    /// Background of the legend and inset panels.
    pub panel: Colour,
    pub panel_border: Colour,
    /// The study country in the inset locator map.
    pub inset_focus: Colour,
    pub frame: Colour,
    /// The "synthetic data" notice.
    pub notice: Colour,
}

impl Colours {
    /// Every colour of the style (for building a GIF palette that holds them exactly).
    pub fn all(&self) -> [Colour; 24] {
        // Destructured without `..`, so a new colour cannot be forgotten here.
        let Colours {
            page,
            sea,
            neighbours,
            neighbour_lines,
            country,
            country_outline,
            adm1,
            rivers,
            lakes,
            towns,
            capital,
            text,
            text_muted,
            neighbour_text,
            halo,
            ring,
            ring_fill,
            band,
            band_fill,
            panel,
            panel_border,
            inset_focus,
            frame,
            notice,
        } = self;
        [
            *page,
            *sea,
            *neighbours,
            *neighbour_lines,
            *country,
            *country_outline,
            *adm1,
            *rivers,
            *lakes,
            *towns,
            *capital,
            *text,
            *text_muted,
            *neighbour_text,
            *halo,
            *ring,
            *ring_fill,
            *band,
            *band_fill,
            *panel,
            *panel_border,
            *inset_focus,
            *frame,
            *notice,
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FontSizes {
    pub title: f32,
    pub subtitle: f32,
    /// Town names.
    pub labels: f32,
    pub capital: f32,
    pub regions: f32,
    pub neighbours: f32,
    pub zones: f32,
    pub legend: f32,
    pub credits: f32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineWidths {
    pub frame: f32,
    pub country: f32,
    pub neighbours: f32,
    pub adm1: f32,
    pub rivers: f32,
    pub zones: f32,
    /// Width of the halo stroked under text.
    pub halo: f32,
}

/// Which layers and pieces of map furniture are drawn.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerToggles {
    pub neighbours: bool,
    pub neighbour_names: bool,
    pub adm1: bool,
    pub adm1_names: bool,
    pub rivers: bool,
    pub lakes: bool,
    pub towns: bool,
    pub zones: bool,
    pub events: bool,
    pub inset: bool,
    pub north_arrow: bool,
    pub scale_bar: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DensitySpec {
    /// Colour ramp name, parsed by the density side (`RampName`).
    pub ramp: String,
    /// Densities below this fraction of the scale's maximum are transparent.
    pub threshold: f64,
    /// Opacity of the density layer over the base map.
    pub opacity: f32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventStyle {
    /// Radius of an event point, px.
    pub radius: f32,
    /// Thin ring around each point so points read on the density.
    pub outline: Colour,
    /// Colour of categories not listed in `colours`.
    pub default: Colour,
    /// Point colour per category id (`config/categories.toml`).
    #[serde(default)]
    pub colours: BTreeMap<String, Colour>,
}

impl EventStyle {
    pub fn colour(&self, category: &str) -> Colour {
        self.colours.get(category).copied().unwrap_or(self.default)
    }
}

/// A corner of the map frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Corner {
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}

/// Where the furniture sits inside the map frame.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Placement {
    /// When true (the default), the scene builder moves the legend and the inset to the
    /// corners that cover the least of the study country (the corners below are the
    /// preference on ties); the scale bar and north arrow stay where they are set.
    pub auto: bool,
    pub legend: Corner,
    pub inset: Corner,
    pub scale_bar: Corner,
    pub north_arrow: Corner,
}

impl Default for Placement {
    fn default() -> Self {
        Placement {
            auto: true,
            legend: Corner::BottomLeft,
            inset: Corner::TopRight,
            scale_bar: Corner::BottomRight,
            north_arrow: Corner::BottomRight,
        }
    }
}

/// A lon/lat box: `bbox = [west, south, east, north]`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extent {
    pub bbox: [f64; 4],
}

impl Style {
    /// A built-in style by name ("report" or "dark").
    pub fn builtin(name: &str) -> Result<Style> {
        let text = match name {
            "report" => REPORT,
            "dark" => DARK,
            _ => {
                return Err(Error::Usage(format!(
                    "unknown built-in style {name:?} (known: {})",
                    BUILTIN_STYLES.join(", ")
                )));
            }
        };
        Style::parse(text, Path::new(&format!("styles/{name}.toml")))
    }

    /// Reads a style file.
    pub fn load(path: impl AsRef<Path>) -> Result<Style> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Style::parse(&text, path)
    }

    /// Parses style text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Style> {
        let style: Style = toml::from_str(text).map_err(|e| {
            let at = e.span().map(|s| s.start);
            let key = at.and_then(|at| key_at(text, at));
            let line = at.map(|at| text[..at].matches('\n').count() + 1);
            let mut msg = String::new();
            if let Some(key) = key {
                msg.push_str(&key);
                msg.push_str(": ");
            }
            msg.push_str(e.message().trim_end());
            if let Some(line) = line {
                msg.push_str(&format!(" (line {line})"));
            }
            Error::config(path, msg)
        })?;
        style.check().map_err(|m| Error::config(path, m))?;
        Ok(style)
    }

    /// A named extent, `[west, south, east, north]`.
    pub fn extent(&self, name: &str) -> Option<[f64; 4]> {
        self.extents.get(name).map(|e| e.bbox)
    }

    /// Checks what serde cannot.
    fn check(&self) -> std::result::Result<(), String> {
        let m = &self.map;
        if m.crs.trim().is_empty() {
            return Err("map.crs is empty".into());
        }
        for (key, v) in [("map.width", m.width), ("map.height", m.height)] {
            if !(64..=20_000).contains(&v) {
                return Err(format!("{key} must be 64–20000 px, not {v}"));
            }
        }
        let f = &self.fonts;
        let l = &self.lines;
        let sizes = [
            ("fonts.title", f.title),
            ("fonts.subtitle", f.subtitle),
            ("fonts.labels", f.labels),
            ("fonts.capital", f.capital),
            ("fonts.regions", f.regions),
            ("fonts.neighbours", f.neighbours),
            ("fonts.zones", f.zones),
            ("fonts.legend", f.legend),
            ("fonts.credits", f.credits),
        ];
        for (key, v) in sizes {
            if !(v.is_finite() && (4.0..=200.0).contains(&v)) {
                return Err(format!("{key} must be a font size of 4–200 px, not {v}"));
            }
        }
        let widths = [
            ("lines.frame", l.frame),
            ("lines.country", l.country),
            ("lines.neighbours", l.neighbours),
            ("lines.adm1", l.adm1),
            ("lines.rivers", l.rivers),
            ("lines.zones", l.zones),
            ("lines.halo", l.halo),
            ("events.radius", self.events.radius),
        ];
        for (key, v) in widths {
            if !(v.is_finite() && (0.0..=50.0).contains(&v)) {
                return Err(format!("{key} must be 0–50 px, not {v}"));
            }
        }
        let d = &self.density;
        if d.ramp.trim().is_empty() {
            return Err("density.ramp is empty".into());
        }
        if !(0.0..=1.0).contains(&d.threshold) {
            return Err(format!(
                "density.threshold must be 0–1, not {}",
                d.threshold
            ));
        }
        if !(0.0..=1.0).contains(&d.opacity) {
            return Err(format!("density.opacity must be 0–1, not {}", d.opacity));
        }
        for (name, e) in &self.extents {
            let [w, s, east, n] = e.bbox;
            let ok = (-180.0..=180.0).contains(&w)
                && (-180.0..=180.0).contains(&east)
                && (-90.0..=90.0).contains(&s)
                && (-90.0..=90.0).contains(&n)
                && w < east
                && s < n;
            if !ok {
                return Err(format!(
                    "extents.{name}.bbox must be [west, south, east, north] in degrees with west < east and south < north, not {:?}",
                    e.bbox
                ));
            }
        }
        Ok(())
    }
}

/// The dotted key (`colours.ring`) whose value starts at or contains byte `at` of a TOML
/// text: the last `[table]` header above it, then the key on its line. Only used to name
/// the key in error messages, so it handles the plain `key = value` lines styles use.
fn key_at(text: &str, at: usize) -> Option<String> {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = &text[line_start..line_end];
    let key = line.split_once('=').map(|(k, _)| k.trim())?;
    if key.is_empty() || key.starts_with('[') || key.starts_with('#') {
        return None;
    }
    let table = text[..line_start].lines().rev().find_map(|l| {
        let l = l.trim();
        (l.starts_with('[') && !l.starts_with("[[")).then(|| l.trim_matches(['[', ']']).trim())
    });
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_styles_parse() {
        for name in BUILTIN_STYLES {
            let s = Style::builtin(name).unwrap();
            assert_eq!(s.name, name);
            assert_eq!((s.map.width, s.map.height), (1600, 1200));
            assert!(s.map.crs.contains("+type=crs"));
            assert!(["viridis", "magma", "ylorrd"].contains(&s.density.ramp.as_str()));
            assert_eq!(s.extent("south"), Some([-12.5, 10.0, -3.5, 15.8]));
        }
        assert!(Style::builtin("sepia").is_err());
    }

    fn report_with(from: &str, to: &str) -> Result<Style> {
        assert!(REPORT.contains(from), "{from}");
        Style::parse(&REPORT.replacen(from, to, 1), Path::new("my/style.toml"))
    }

    #[test]
    fn bad_colour_names_file_and_key() {
        let line = REPORT.lines().find(|l| l.starts_with("ring =")).unwrap();
        let e = report_with(line, "ring = \"#12345z\"").unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, Error::Config { .. }), "{msg}");
        assert!(msg.starts_with("my/style.toml: colours.ring: "), "{msg}");
        assert!(msg.contains("#12345z") && msg.contains("#rrggbb"), "{msg}");
    }

    #[test]
    fn unknown_keys_are_errors() {
        let e = report_with("[colours]\n", "[colours]\nsee = \"#ffffff\"\n").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("my/style.toml: ") && msg.contains("see"),
            "{msg}"
        );
        let e = report_with("[layers]\n", "[layer]\nx = 1\n[layers]\n").unwrap_err();
        assert!(e.to_string().contains("layer"), "{e}");
    }

    #[test]
    fn impossible_values_are_errors() {
        let e = report_with("threshold = ", "threshold = 2.0 #").unwrap_err();
        assert!(e.to_string().contains("density.threshold"), "{e}");
        let e = report_with(
            "bbox = [-12.5, 10.0, -3.5, 15.8]",
            "bbox = [1.0, 10.0, -3.5, 15.8]",
        )
        .unwrap_err();
        assert!(e.to_string().contains("extents.south.bbox"), "{e}");
    }

    #[test]
    fn size_defaults_to_1600_by_1200() {
        let text = REPORT
            .replace("width = 1600\n", "")
            .replace("height = 1200\n", "");
        let s = Style::parse(&text, Path::new("s.toml")).unwrap();
        assert_eq!((s.map.width, s.map.height), (1600, 1200));
    }

    #[test]
    fn load_names_a_missing_file() {
        let e = Style::load("no/such/style.toml").unwrap_err();
        assert!(e.to_string().contains("no/such/style.toml"), "{e}");
    }

    #[test]
    fn key_at_finds_table_and_key() {
        let t = "name = \"x\"\n[colours]\n# c\nsea = \"#zz\"\n";
        let at = t.find("\"#zz").unwrap();
        assert_eq!(key_at(t, at).as_deref(), Some("colours.sea"));
        assert_eq!(key_at(t, 2).as_deref(), Some("name"));
    }
}
