//! The map scene: everything a map shows, already resolved to pixels. The scene builder
//! (projection, density, boundaries) fills it; [`crate::render::render`] only draws it.
//!
//! Coordinates are pixels of a 1× render (x right, y down); `scale` multiplies the output
//! (2 for print). Build a scene with [`MapScene::new`], project the map into
//! [`MapScene::frame`], then add layers with the helpers ([`crate::render::build`]), which take their colours and
//! widths from the style and skip layers the style hides:
//!
//! ```no_run
//! # use conflictmap::render::scene::*;
//! # use conflictmap::render::geom::*;
//! # use conflictmap::model::Style;
//! let style = Style::builtin("report").unwrap();
//! let mut scene = MapScene::new(style, "Militant Islamist attacks, 2024", "Southern Mali", vec![]);
//! let frame = scene.frame; // fit the projected extent into this box
//! scene.add_polygons(Role::Country, vec![Polygon::new(vec![px(100.0, 100.0), px(900.0, 150.0), px(600.0, 700.0)])]);
//! scene.add_town("Bamako", px(400.0, 500.0), Some(2_500_000), true);
//! scene.scale_bar = Some(ScaleBar { pixels_per_km: 1.2 });
//! ```

use crate::model::{Colour, Style};
use crate::render::geom::{Polygon, PxPoint, PxRect};

/// A whole map: layers, labels, zones and furniture.
#[derive(Debug, Clone)]
pub struct MapScene {
    /// Size of the 1× image, px.
    pub width: u32,
    pub height: u32,
    /// Output pixels per scene pixel (1 for screens, 2 for print).
    pub scale: f32,
    pub style: Style,
    /// The map frame: the box the map face fills (title above, credits below). Computed by
    /// [`MapScene::new`] / [`MapScene::relayout`] from the size, fonts and credits.
    pub frame: PxRect,
    /// Drawn sorted by `z` (stable: equal `z` keeps insertion order), clipped to the frame.
    pub layers: Vec<SceneLayer>,
    /// Labels to place (the renderer picks positions and drops those that do not fit).
    pub labels: Vec<LabelRequest>,
    pub zones: Vec<ZoneOutline>,
    pub title: String,
    pub subtitle: String,
    pub legend: Legend,
    pub scale_bar: Option<ScaleBar>,
    pub north_arrow: Option<NorthArrow>,
    pub inset: Option<Inset>,
    /// Data source and boundary credits, printed below the map (wrapped).
    pub credits: Vec<String>,
    /// Adds a prominent "SYNTHETIC DEMO DATA — not real events" notice.
    pub synthetic: bool,
    /// The period a frame of an animation shows, in large type on the map face.
    pub period: Option<PeriodLabel>,
}

/// The large period label of an animation frame: "2019", "2021 Q3", "Jan 2022", with an
/// optional smaller line under it ("12 months: Apr 2021 – Mar 2022").
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodLabel {
    pub text: String,
    pub detail: Option<String>,
}

/// One drawable layer.
#[derive(Debug, Clone)]
pub struct SceneLayer {
    pub name: String,
    /// Draw order (see [`z`]).
    pub z: i32,
    pub content: LayerContent,
}

/// Draw order of the standard layers: density sits on the country fill, under water and
/// boundary lines.
pub mod z {
    pub const NEIGHBOURS: i32 = 10;
    pub const COUNTRY: i32 = 20;
    /// Earlier periods of an animation, faded, under the frame's own density.
    pub const TRAIL: i32 = 25;
    pub const DENSITY: i32 = 30;
    pub const LAKES: i32 = 40;
    pub const RIVERS: i32 = 50;
    pub const ADM1: i32 = 60;
    pub const COUNTRY_OUTLINE: i32 = 70;
    pub const EVENTS: i32 = 80;
}

#[derive(Debug, Clone)]
pub enum LayerContent {
    Polygons {
        polygons: Vec<Polygon>,
        fill: Option<Colour>,
        stroke: Option<LineStyle>,
    },
    Lines {
        lines: Vec<Vec<PxPoint>>,
        stroke: LineStyle,
    },
    /// Round points (events).
    Points {
        points: Vec<PxPoint>,
        radius: f32,
        fill: Colour,
        outline: Option<LineStyle>,
    },
    Raster(DensityImage),
}

/// A stroke: colour, width (px) and dash pattern (on, off, ... px; empty = solid).
#[derive(Debug, Clone, PartialEq)]
pub struct LineStyle {
    pub colour: Colour,
    pub width: f32,
    pub dash: Vec<f32>,
}

impl LineStyle {
    pub fn solid(colour: Colour, width: f32) -> LineStyle {
        LineStyle {
            colour,
            width,
            dash: Vec::new(),
        }
    }

    pub fn dashed(colour: Colour, width: f32, dash: Vec<f32>) -> LineStyle {
        LineStyle {
            colour,
            width,
            dash,
        }
    }
}

/// A density raster: colours per pixel (straight alpha, row-major from the top-left),
/// stretched over `rect`, optionally clipped to polygons (the country).
#[derive(Debug, Clone, PartialEq)]
pub struct DensityImage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<[u8; 4]>,
    /// Where the raster goes, scene px.
    pub rect: PxRect,
    pub opacity: f32,
    /// Drawn only inside these polygons, if any.
    pub clip: Vec<Polygon>,
    /// Bilinear (true) or nearest-neighbour (false) resampling.
    pub smooth: bool,
}

/// What a label names; decides its font, colour and the positions tried.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LabelKind {
    /// A town with a dot at the anchor; the label goes beside the dot.
    Town { capital: bool },
    /// An ADM1 region: spaced capitals, centred on the anchor.
    Region,
    /// A neighbouring country: spaced grey capitals, centred on the anchor.
    Neighbour,
    /// A zone's label ("150 km"), next to its outline.
    Zone(ZoneKind),
    /// A river or lake: italic, centred.
    Water,
}

/// A label to place: the renderer tries positions around `anchor`, highest `priority`
/// first, and skips it when no position is free.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelRequest {
    pub text: String,
    pub anchor: PxPoint,
    pub priority: f32,
    pub kind: LabelKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneKind {
    /// A ring around a centre (dashed outline).
    Ring,
    /// A band along borders (solid outline, light fill).
    Band,
}

/// A zone outline with its short label; `label_at` defaults to the outline's top point.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneOutline {
    pub kind: ZoneKind,
    pub polygons: Vec<Polygon>,
    pub label: String,
    pub label_at: Option<PxPoint>,
}

/// The legend: a colour ramp (drawn as a bar) and symbol items.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Legend {
    pub title: String,
    /// Unit of the ramp values, e.g. "events per 1,000 km²".
    pub unit: String,
    /// Colour stops (value, straight RGBA), drawn evenly spaced along the bar with the value
    /// under each: pass the colours the density uses at the values you want as ticks.
    pub stops: Vec<(f64, [u8; 4])>,
    pub items: Vec<LegendItem>,
}

impl Legend {
    /// Makes the legend a key of `items` under `title` (no colour bar), followed by the
    /// items it had (the zones, the events).
    pub fn classes(&mut self, title: &str, mut items: Vec<LegendItem>) {
        self.title = title.to_string();
        self.unit = String::new();
        self.stops = Vec::new();
        items.append(&mut self.items);
        self.items = items;
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub label: String,
    pub symbol: Symbol,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Symbol {
    Dot {
        fill: Colour,
        outline: Colour,
        radius: f32,
    },
    Line(LineStyle),
    Area {
        fill: Colour,
        stroke: Option<LineStyle>,
    },
}

/// The scale bar: ground kilometres per pixel at the map centre (from the projection).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaleBar {
    pub pixels_per_km: f32,
}

/// North arrow; `rotation_deg` clockwise when grid north is not up the page.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NorthArrow {
    pub rotation_deg: f32,
}

/// A locator map: shapes in the inset's own pixels (0..width, 0..height) and the box of
/// the main map to highlight.
#[derive(Debug, Clone, PartialEq)]
pub struct Inset {
    pub width: f32,
    pub height: f32,
    pub shapes: Vec<InsetShape>,
    pub highlight: Option<Polygon>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InsetShape {
    pub polygon: Polygon,
    /// The study country, drawn darker.
    pub focus: bool,
}

/// Standard layer roles; the helpers take their look from the style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Neighbours,
    Country,
    Lakes,
    Rivers,
    Adm1,
    CountryOutline,
}
