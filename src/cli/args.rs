//! Command-line arguments (clap). Each subcommand's arguments, and the groups they
//! share: which study, which events, which filters.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::analysis::density::Kernel;
use crate::model::{CountryBy, Dataset};
use crate::products::density::Weight;
use crate::products::tiles::{MAX_TILE_ZOOM, TileFormat};
use crate::render::ImageFormat;
use crate::render::svg::TextMode;
use crate::sample::Shape;

#[derive(Debug, Parser)]
#[command(
    name = "conflictmap",
    version,
    about = "Conflict-event data (ACLED, UCDP GED) into report maps, zone tables and GIS layers.",
    long_about = "Conflict-event data (ACLED, UCDP GED) into report maps, zone tables and GIS layers.\n\
                  Without --events, commands use the shipped synthetic sample (not real events).\n\
                  Mali is the built-in study; other countries work through --study or the boundary flags."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read an event file and report what is in it: format, rows read/kept/skipped by
    /// reason, date range, counts by year, category and region, bounding box.
    Inspect(InspectArgs),
    /// Write a deterministic synthetic ACLED-format sample (for demos and benchmarks).
    Sample(SampleArgs),
    /// Yearly events and deaths per zone and category, as CSV, JSON and Markdown.
    Zones(ZonesArgs),
    /// Spread: events per year in distance bands from each ring's centre and from the
    /// border bands' borders, median and 10th-percentile distances, and a chart.
    Spread(SpreadArgs),
    /// Yearly heatmap maps (PNG) plus an all-years map, with one colour scale for all.
    Maps(MapsArgs),
    /// GIS layers for QGIS: GeoJSON and a GeoPackage (events, zones, regions, cercles)
    /// with their styles, and the yearly densities as GeoTIFF.
    Layers(LayersArgs),
    /// The whole study in one run: zone tables, yearly maps, GIS layers, charts, a report
    /// page (HTML and Markdown) and a manifest of every file with its SHA-256.
    Report(ReportArgs),
    /// Animated maps (GIF and APNG) plus numbered PNG frames: one frame per year, quarter
    /// or month, all on one colour scale.
    Animate(AnimateArgs),
    /// Web map tiles (EPSG:3857) of the yearly density: XYZ folders, MBTiles and PMTiles,
    /// one colour scale for every zoom and year; optional boundary and zone overlay tiles.
    Tiles(TilesArgs),
    /// Benchmark: generate synthetic files of several sizes and time every stage of the
    /// zones, maps and tiles pipelines (wall time and peak memory).
    Bench(BenchArgs),
    /// Serve a folder (the tiles and web viewer) over HTTP on 127.0.0.1, for browsers.
    Serve(ServeArgs),
}

/// Which study (country, boundary files, zones, categories).
#[derive(Debug, Args, Clone, Default)]
pub struct StudyArgs {
    /// Study file (TOML). Default: the built-in Mali study.
    #[arg(long, value_name = "FILE")]
    pub study: Option<PathBuf>,
    /// Country outline (GeoJSON polygons), replacing the study's.
    #[arg(long, value_name = "FILE")]
    pub outline: Option<PathBuf>,
    /// Pick the outline's features by a property, e.g. ISO_A3=BFA.
    #[arg(long, value_name = "FIELD=VALUE")]
    pub outline_where: Option<String>,
    /// Country name for messages and titles.
    #[arg(long, value_name = "NAME")]
    pub country_name: Option<String>,
    /// Country ISO 3166-1 alpha-3 code.
    #[arg(long, value_name = "ISO3")]
    pub country_iso3: Option<String>,
    /// First-level admin units (GeoJSON polygons).
    #[arg(long, value_name = "FILE")]
    pub adm1: Option<PathBuf>,
    /// Second-level admin units (GeoJSON polygons).
    #[arg(long, value_name = "FILE")]
    pub adm2: Option<PathBuf>,
    /// Neighbouring countries (GeoJSON polygons).
    #[arg(long, value_name = "FILE")]
    pub neighbours: Option<PathBuf>,
    /// Shared land borders (GeoJSON lines).
    #[arg(long, value_name = "FILE")]
    pub borders: Option<PathBuf>,
    /// Towns (GeoJSON points).
    #[arg(long, value_name = "FILE")]
    pub places: Option<PathBuf>,
    /// Category definitions (TOML). Default: the study's, else the built-in ones.
    #[arg(long, value_name = "FILE")]
    pub categories: Option<PathBuf>,
}

/// Which events, and how strictly to read them.
#[derive(Debug, Args, Clone, Default)]
pub struct EventArgs {
    /// Event file: ACLED CSV (current, monadic or dyadic export) or XLSX, UCDP GED CSV,
    /// or a GeoJSON FeatureCollection of points; plain or in .gz/.zip. Repeat the flag
    /// (or give a comma list) to read several files as one: an event id in several
    /// files is one event, its newest revision (ACLED `timestamp`) wins. Default: the
    /// shipped synthetic sample.
    #[arg(long, value_name = "FILE", value_delimiter = ',')]
    pub events: Vec<PathBuf>,
    /// The sheet of an .xlsx event file to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Force the input format (acled, ged, geojson) instead of detecting it from the
    /// header.
    #[arg(long = "input-format", value_name = "FORMAT", value_parser = parse_format)]
    pub format: Option<Dataset>,
    /// Fail on the first bad row instead of skipping it.
    #[arg(long)]
    pub strict: bool,
    /// Keep events that are not the study country's (outside its outline with no
    /// country code, or coded as another country); they are always counted and
    /// reported, and by default dropped.
    #[arg(long)]
    pub keep_outside: bool,
    /// What decides whether an event is the study country's: `source` (the default),
    /// the row's country code (ACLED iso/iso3/country, UCDP GED country_id/country) where
    /// it has one, the outline otherwise; `outline`, the outline alone.
    #[arg(long, value_name = "HOW", value_enum, default_value_t = CountryBy::Source)]
    pub country_by: CountryBy,
    /// Write every reported problem (file, line, column, reason) to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub diagnostics: Option<PathBuf>,
    /// How many problems of each kind to print (the rest are counted).
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub show_problems: usize,
}

fn parse_format(s: &str) -> Result<Dataset, String> {
    s.parse()
}

/// Which events count.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Years to include, e.g. 2012-2024 or 2020 (default: the years in the data).
    #[arg(long, value_name = "FROM-TO", value_parser = parse_years)]
    pub years: Option<(i32, i32)>,
    /// Only these event types (comma-separated, as in the data, e.g.
    /// "Battles,Violence against civilians").
    #[arg(long, value_name = "TYPES", value_delimiter = ',')]
    pub event_types: Vec<String>,
    /// Keep events located at least this precisely: 1 = exact town only, 2 = also near a
    /// town, 3 = also region centroids (everything). Events without a precision are
    /// kept only when this is 3 or unset.
    #[arg(long, value_name = "1|2|3", value_parser = clap::value_parser!(u8).range(1..=3))]
    pub min_precision: Option<u8>,
}

pub fn parse_years(s: &str) -> Result<(i32, i32), String> {
    let parse = |t: &str| {
        t.trim()
            .parse::<i32>()
            .map_err(|_| format!("\"{t}\" is not a year"))
    };
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (parse(a)?, parse(b)?),
        None => (parse(s)?, parse(s)?),
    };
    if a > b {
        return Err(format!("years {a}-{b}: the first is after the last"));
    }
    Ok((a, b))
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub study: StudyArgs,
    #[command(flatten)]
    pub events: EventArgs,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    #[command(flatten)]
    pub study: StudyArgs,
    /// Number of rows.
    #[arg(long, default_value_t = 8000)]
    pub rows: u64,
    /// Random seed: the same seed gives a byte-identical file.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Output CSV file.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// First year of events.
    #[arg(long, default_value_t = 2012)]
    pub first_year: i32,
    /// Last year of events.
    #[arg(long, default_value_t = 2024)]
    pub last_year: i32,
    /// Last event date (a partial last year), e.g. 2024-09-13.
    #[arg(long, value_name = "DATE")]
    pub last_date: Option<NaiveDate>,
    /// Row shape: `towns` (ACLED's 31 columns, events on town positions) or `distinct`
    /// (10 short columns, almost every event on its own position).
    #[arg(long, value_enum, default_value_t = Shape::Towns)]
    pub shape: Shape,
}

#[derive(Debug, Args)]
pub struct ZonesArgs {
    #[command(flatten)]
    pub study: StudyArgs,
    #[command(flatten)]
    pub events: EventArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Categories to show (ids from the categories file; repeatable or comma-separated).
    /// Default: all.
    #[arg(long = "category", value_name = "ID", value_delimiter = ',')]
    pub category_ids: Vec<String>,
    /// Count the last year as running to this date (for the projection and the trailing
    /// windows), instead of the last event date in the data.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,
    /// Length of the trailing windows counted beside the years: the N months ending at
    /// the as-of date, and the same months a year earlier ("in the past year").
    #[arg(long, value_name = "N", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=120))]
    pub window_months: u32,
    /// Radius of the study's rings, replacing theirs (km).
    #[arg(long, value_name = "KM")]
    pub ring_km: Option<f64>,
    /// Width of the study's border bands, replacing theirs (km).
    #[arg(long, value_name = "KM")]
    pub band_km: Option<f64>,
    /// Neighbours of the study's border bands, replacing theirs (ISO3 codes,
    /// comma-separated).
    #[arg(long, value_name = "ISO3", value_delimiter = ',')]
    pub band_neighbours: Vec<String>,
    /// Output folder.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct SpreadArgs {
    #[command(flatten)]
    pub study: StudyArgs,
    #[command(flatten)]
    pub events: EventArgs,
    #[command(flatten)]
    pub image: ImageArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Categories to count (ids; repeatable or comma-separated). Default: all.
    #[arg(long = "category", value_name = "ID", value_delimiter = ',')]
    pub category_ids: Vec<String>,
    /// The category of the key sentences and the chart. Default: the first counted
    /// (the study's first category when all are counted).
    #[arg(long, value_name = "ID")]
    pub headline: Option<String>,
    /// Rings to measure from, by zone id or centre name (e.g. bamako; repeatable or
    /// comma-separated). Default: every ring of the study.
    #[arg(long = "centre", value_name = "NAME", value_delimiter = ',')]
    pub centres: Vec<String>,
    /// Edges of the distance bands around a centre, km, from 0 (the last band is open).
    /// Default: the study's `[spread] centre_bands`, else 0,50,100,150,200,300,500.
    #[arg(long, value_name = "KM,KM,...", value_parser = parse_bands)]
    pub bands: Option<crate::analysis::spread::Bands>,
    /// Edges of the distance bands from the borders (inside the country), km, from 0.
    /// Default: the study's `[spread] border_bands`, else 0,25,50,100,200.
    #[arg(long, value_name = "KM,KM,...", value_parser = parse_bands)]
    pub border_bands: Option<crate::analysis::spread::Bands>,
    /// Distances for the yearly "share within" columns, km. Default: the study's
    /// `[spread] within`, else 150,300.
    #[arg(long, value_name = "KM,...", value_delimiter = ',', value_parser = parse_positive)]
    pub within: Vec<f64>,
    /// Style of the chart and the expansion map: "report", "dark", or a style file (TOML).
    #[arg(long, value_name = "NAME|FILE", default_value = "report")]
    pub style: String,
    /// Extent of the expansion map: "country", a named extent of the style, or
    /// WEST,SOUTH,EAST,NORTH in degrees.
    #[arg(long, value_name = "EXTENT", default_value = "country")]
    pub extent: String,
    /// Density threshold of the expansion map's outlines (events per 1,000 km²).
    /// Default: a fiftieth of the highest yearly density, rounded down to 1, 2 or 5 × 10^k.
    #[arg(long, value_name = "DENSITY", value_parser = parse_positive)]
    pub threshold: Option<f64>,
    /// Kernel radius of the densities behind the expansion map, km (quartic kernel).
    #[arg(long, value_name = "KM", default_value_t = 25.0, value_parser = parse_positive)]
    pub bandwidth_km: f64,
    /// Periods of the change map, BEFORE:AFTER: years or year ranges, e.g. 2020:2023 or
    /// 2018-2020:2021-2023 (mean yearly density of each). Default: the last full year
    /// against the year before.
    #[arg(long, value_name = "BEFORE:AFTER", value_parser = parse_compare)]
    pub compare: Option<crate::analysis::change::Compare>,
    /// Pixel scale of the maps (2 for print, recorded as 300 dpi).
    #[arg(long, value_name = "1|2", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=4))]
    pub scale: u32,
    /// Do not make the choropleth sheets and table (regions and cercles by events per
    /// 1,000 km² per year).
    #[arg(long)]
    pub no_choropleth: bool,
    /// Output folder.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
}

pub fn parse_compare(s: &str) -> Result<crate::analysis::change::Compare, String> {
    s.parse().map_err(|e: crate::error::Error| e.to_string())
}

pub fn parse_bands(s: &str) -> Result<crate::analysis::spread::Bands, String> {
    crate::analysis::spread::Bands::parse(s).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn counts_parse() {
        assert_eq!(parse_count("10k"), Ok(10_000));
        assert_eq!(parse_count("1M"), Ok(1_000_000));
        assert_eq!(parse_count("2500"), Ok(2_500));
        assert!(parse_count("0").is_err() && parse_count("x").is_err());
    }

    #[test]
    fn positive_numbers_only() {
        assert_eq!(parse_positive(" 2.5 "), Ok(2.5));
        for bad in ["0", "-1", "NaN", "inf", "x", ""] {
            assert!(parse_positive(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn zooms_parse() {
        assert_eq!(parse_zooms("0-10"), Ok((0, 10)));
        assert_eq!(parse_zooms("6"), Ok((6, 6)));
        assert!(parse_zooms("7-3").is_err() && parse_zooms("0-17").is_err());
        assert!(parse_zooms("x").is_err());
        assert_eq!(parse_tile_size("512"), Ok(512));
        assert!(parse_tile_size("300").is_err());
    }

    #[test]
    fn years_parse() {
        assert_eq!(parse_years("2012-2024"), Ok((2012, 2024)));
        assert_eq!(parse_years("2020"), Ok((2020, 2020)));
        assert!(parse_years("2024-2012").is_err());
        assert!(parse_years("20x0").is_err());
    }
}

/// What the density shows and how it is computed (shared by `maps` and `layers`).
#[derive(Debug, Args, Clone)]
pub struct DensityArgs {
    /// The category mapped (an id of the categories file).
    #[arg(
        long = "category",
        value_name = "ID",
        default_value = "militant_islamist_attack"
    )]
    pub category_id: String,
    /// Weight of each event in the density.
    #[arg(long, value_enum, default_value_t = Weight::Events)]
    pub weight: Weight,
    /// Kernel radius (quartic) or standard deviation (Gaussian), in km on the ground.
    #[arg(long, value_name = "KM", default_value_t = 25.0)]
    pub bandwidth_km: f64,
    #[arg(long, value_enum, default_value_t = Kernel::Quartic)]
    pub kernel: Kernel,
    /// Density grid cell size in km (default: about one map pixel).
    #[arg(long, value_name = "KM")]
    pub cell_km: Option<f64>,
    /// Top of the colour scale (density units, > 0). Default: the highest density of any
    /// year of the run, so equal density is equal colour in every map.
    #[arg(long, value_name = "DENSITY", value_parser = parse_positive, allow_negative_numbers = true)]
    pub max: Option<f64>,
}

/// The image formats of maps and charts.
#[derive(Debug, Args, Clone)]
pub struct ImageArgs {
    /// Image formats, comma-separated: png, svg (vector, text as text, named layers),
    /// pdf (one page at print size, fonts embedded). Every format is drawn from the same
    /// scene.
    #[arg(
        long = "format",
        value_name = "LIST",
        value_enum,
        value_delimiter = ',',
        default_value = "png"
    )]
    pub formats: Vec<ImageFormat>,
    /// SVG text: `text` (in the bundled font, embedded) or `paths` (glyph outlines, for
    /// programs that ignore embedded fonts).
    #[arg(long, value_enum, default_value_t = TextMode::Text)]
    pub svg_text: TextMode,
}

/// [`ImageArgs`] without a default format (the report's default is the study's).
#[derive(Debug, Args, Clone)]
pub struct ReportImageArgs {
    /// Image formats, comma-separated: png, svg, pdf (default: the study's `[report]
    /// formats`, else png).
    #[arg(
        long = "format",
        value_name = "LIST",
        value_enum,
        value_delimiter = ','
    )]
    pub formats: Vec<ImageFormat>,
    /// SVG text: `text` (in the bundled font, embedded) or `paths` (glyph outlines).
    #[arg(long, value_enum, default_value_t = TextMode::Text)]
    pub svg_text: TextMode,
}

impl ReportImageArgs {
    pub fn formats(&self) -> Vec<ImageFormat> {
        each_once(&self.formats)
    }
}

/// The formats asked, each once, in a fixed order.
fn each_once(formats: &[ImageFormat]) -> Vec<ImageFormat> {
    let mut f = formats.to_vec();
    f.sort();
    f.dedup();
    f
}

impl ImageArgs {
    /// The formats asked, each once, in a fixed order.
    pub fn formats(&self) -> Vec<ImageFormat> {
        each_once(&self.formats)
    }
}

/// Which map (style and extent).
#[derive(Debug, Args, Clone)]
pub struct ViewArgs {
    /// Map style: "report", "dark", or a style file (TOML).
    #[arg(long, value_name = "NAME|FILE", default_value = "report")]
    pub style: String,
    /// Map extent: "country", a named extent of the style (e.g. "south"), or
    /// WEST,SOUTH,EAST,NORTH in degrees.
    #[arg(long, value_name = "EXTENT", default_value = "country")]
    pub extent: String,
}

#[derive(Debug, Args)]
pub struct MapsArgs {
    #[command(flatten)]
    pub study: StudyArgs,
    #[command(flatten)]
    pub events: EventArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub density: DensityArgs,
    #[command(flatten)]
    pub view: ViewArgs,
    /// Pixel scale: 2 doubles the size for print (300 dpi metadata in the PNG).
    #[arg(long, value_name = "1|2", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=4))]
    pub scale: u32,
    /// Also draw the events as points.
    #[arg(long)]
    pub points: bool,
    #[command(flatten)]
    pub image: ImageArgs,
    /// Output folder (maps go to OUT/maps/).
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct LayersArgs {
    #[command(flatten)]
    pub study: StudyArgs,
    #[command(flatten)]
    pub events: EventArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub density: DensityArgs,
    /// The density GeoTIFFs cover what the map of this style and extent shows, in its CRS.
    #[command(flatten)]
    pub view: ViewArgs,
    /// Also put a print layout in the QGIS project: an A4 landscape page with the map
    /// of the last year, its legend, a scale bar, a north arrow, the title and credits.
    #[arg(long)]
    pub qgis_layout: bool,
    /// Output folder (layers go to OUT/layers/).
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
}

/// The time between frames of an animation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StepArg {
    Year,
    Quarter,
    Month,
}

/// What each frame of an animation counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WindowArg {
    /// The events of the frame's year, quarter or month only.
    Step,
    /// All events from the first step up to the frame's.
    Cumulative,
    /// The events of the --window-months months ending with the frame's step (frames start
    /// with the first whole window).
    Rolling,
}

#[derive(Debug, Args)]
pub struct AnimateArgs {
    #[command(flatten)]
    pub study: StudyArgs,
    #[command(flatten)]
    pub events: EventArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub density: DensityArgs,
    #[command(flatten)]
    pub view: ViewArgs,
    /// One frame per year, quarter or month.
    #[arg(long, value_enum, default_value_t = StepArg::Year)]
    pub step: StepArg,
    /// What each frame counts.
    #[arg(long, value_enum, default_value_t = WindowArg::Step)]
    pub window: WindowArg,
    /// Length of a rolling window, in months (at least one step).
    #[arg(long, value_name = "N", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=240))]
    pub window_months: u32,
    /// Trail: also show, in grey, where the density was visible (at least the lowest value
    /// of the legend) in the N previous frames, darkest for the most recent; drawn under
    /// the frame's own density and listed in the legend. Not with --window cumulative,
    /// whose frames already hold the past.
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=4))]
    pub trail: u32,
    /// Width of the animation in pixels (the height follows the style's aspect ratio).
    #[arg(long, value_name = "PX", default_value_t = 1200, value_parser = clap::value_parser!(u32).range(320..=4000))]
    pub width: u32,
    /// Time each frame shows, in milliseconds (stored in hundredths of a second).
    #[arg(long, value_name = "MS", default_value_t = 800, value_parser = clap::value_parser!(u32).range(20..=600_000))]
    pub delay_ms: u32,
    /// Time the last frame shows before the animation starts again, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 3000, value_parser = clap::value_parser!(u32).range(20..=600_000))]
    pub hold_ms: u32,
    /// Play the animation N times, then stop on the last frame; 0 loops forever.
    #[arg(long = "loop", value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=65_535))]
    pub loops: u32,
    /// Output folder (animations go to OUT/animation/, frames to OUT/animation/frames/).
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub study: StudyArgs,
    #[command(flatten)]
    pub events: EventArgs,
    /// Which events count (`--years` replaces the study's `[report] years`).
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Report title (default: the study's, else "<category> in <country>").
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// The category mapped and charted (default: the study's, else the first category).
    #[arg(long = "category", value_name = "ID")]
    pub category_id: Option<String>,
    /// A second category charted per year in the whole country (default: the study's
    /// `civilians_category`).
    #[arg(long = "civilians-category", value_name = "ID")]
    pub civilians_category: Option<String>,
    /// Map style: "report", "dark", or a style file (default: the study's, else "report").
    #[arg(long, value_name = "NAME|FILE")]
    pub style: Option<String>,
    /// Map extent: "country", a named extent of the style, or WEST,SOUTH,EAST,NORTH
    /// (default: the study's, else "country").
    #[arg(long, value_name = "EXTENT")]
    pub extent: Option<String>,
    /// Products to make, comma-separated: zones, maps, layers, charts, animation, tiles,
    /// page (default: the study's `[report] products`, else all but tiles).
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_product)]
    pub products: Vec<crate::model::study::Product>,
    /// Image formats of the maps and charts (default: the study's `[report] formats`,
    /// else png).
    #[command(flatten)]
    pub image: ReportImageArgs,
    /// Also write the web tiles (XYZ, MBTiles, PMTiles) and their offline viewer into
    /// OUT/tiles/, on the maps' colour scale.
    #[arg(long)]
    pub tiles: bool,
    /// Also put a print layout in the GIS layers' QGIS project (as `layers --qgis-layout`;
    /// default: the study's `[report] qgis_layout`).
    #[arg(long)]
    pub qgis_layout: bool,
    /// Zoom levels of the tiles, e.g. 0-10 (with --tiles or the "tiles" product).
    #[arg(long, value_name = "FROM-TO", default_value = "0-10", value_parser = parse_zooms)]
    pub tile_zooms: (u8, u8),
    /// Count the last year as running to this date (for the projection and the trailing
    /// windows), instead of the last event date in the data.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,
    /// Length of the zone tables' trailing windows in months (the months ending at the
    /// as-of date, and the same months a year earlier).
    #[arg(long, value_name = "N", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=120))]
    pub window_months: u32,
    /// Weight of each event in the density.
    #[arg(long, value_enum, default_value_t = Weight::Events)]
    pub weight: Weight,
    /// Kernel radius (quartic) or standard deviation (Gaussian), in km on the ground.
    #[arg(long, value_name = "KM", default_value_t = 25.0)]
    pub bandwidth_km: f64,
    #[arg(long, value_enum, default_value_t = Kernel::Quartic)]
    pub kernel: Kernel,
    /// Output folder.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
}

fn parse_product(s: &str) -> Result<crate::model::study::Product, String> {
    s.parse()
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Numbers of events to benchmark, e.g. 10k,1m,10m.
    #[arg(long, value_delimiter = ',', default_value = "10k,1m", value_parser = parse_count)]
    pub sizes: Vec<u64>,
    /// Row shapes to benchmark, each at every size: towns (ACLED's 31 columns on town
    /// positions) and distinct (10 short columns, almost every event on its own position).
    #[arg(
        long,
        value_delimiter = ',',
        value_enum,
        default_value = "towns,distinct"
    )]
    pub shapes: Vec<Shape>,
    /// Pipelines to time on each file, each stage by stage.
    #[arg(
        long,
        value_delimiter = ',',
        value_enum,
        default_value = "inspect,zones,maps,tiles"
    )]
    pub pipelines: Vec<Pipeline>,
    /// Folder for the generated event files (reused between runs) and the maps.
    #[arg(long, value_name = "DIR", default_value = "output/bench")]
    pub dir: PathBuf,
}

/// A pipeline `conflictmap bench` times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Pipeline {
    /// `inspect`: read, classify, overview.
    Inspect,
    /// `zones`: read, classify, zones, tables.
    Zones,
    /// `maps`: read, classify, basemap, grid, density, draw (PNGs drawn and written).
    Maps,
    /// `tiles`: read, classify, tile densities, tiles (zooms 0-10, every container).
    Tiles,
}

impl Pipeline {
    /// The command that runs the pipeline.
    pub fn command(self) -> &'static str {
        match self {
            Pipeline::Inspect => "inspect",
            Pipeline::Zones => "zones",
            Pipeline::Maps => "maps",
            Pipeline::Tiles => "tiles",
        }
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The folder to serve: the tiles folder with the viewer's index.html.
    #[arg(value_name = "DIR", default_value = "output/tiles")]
    pub dir: PathBuf,
    /// TCP port on 127.0.0.1; 0 picks a free one (the URL is printed).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
}

/// A finite number above zero (a density, a size).
pub fn parse_positive(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
        .ok_or_else(|| format!("\"{s}\" is not a number above zero"))
}

/// "10k" → 10,000; "1m" → 1,000,000; "2500" → 2,500.
pub fn parse_count(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_lowercase();
    let (digits, mult) = match t.chars().last() {
        Some('k') => (&t[..t.len() - 1], 1_000),
        Some('m') => (&t[..t.len() - 1], 1_000_000),
        _ => (t.as_str(), 1),
    };
    digits
        .parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .map(|n| n * mult)
        .ok_or_else(|| format!("\"{s}\" is not a count such as 10k or 1m"))
}

#[derive(Debug, Args)]
pub struct TilesArgs {
    #[command(flatten)]
    pub study: StudyArgs,
    #[command(flatten)]
    pub events: EventArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub density: DensityArgs,
    /// The style gives the colour ramp and threshold; the extent is the area tiled.
    #[command(flatten)]
    pub view: ViewArgs,
    /// Zoom levels, e.g. 0-10, or 6 for one level (at most 16).
    #[arg(long, value_name = "FROM-TO", default_value = "0-10", value_parser = parse_zooms)]
    pub zooms: (u8, u8),
    /// Containers to write (comma-separated).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "xyz,mbtiles,pmtiles"
    )]
    pub formats: Vec<TileFormat>,
    /// Tile size in pixels: 256, or 512 for high-density (@2x) screens.
    #[arg(long, value_name = "256|512", default_value_t = 256, value_parser = parse_tile_size)]
    pub tile_size: u32,
    /// Also write transparent overlay tiles of the country outline, admin boundaries and
    /// zone outlines (one set for all years).
    #[arg(long)]
    pub overlays: bool,
    /// Do not write the web viewer (index.html and its files) next to the tiles.
    #[arg(long)]
    pub no_viewer: bool,
    /// Output folder (tiles go to OUT/tiles/).
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
}

/// "0-10" → (0, 10); "6" → (6, 6).
pub fn parse_zooms(s: &str) -> Result<(u8, u8), String> {
    let parse = |t: &str| {
        t.trim()
            .parse::<u8>()
            .ok()
            .filter(|z| *z <= MAX_TILE_ZOOM)
            .ok_or_else(|| format!("\"{t}\" is not a zoom level from 0 to {MAX_TILE_ZOOM}"))
    };
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (parse(a)?, parse(b)?),
        None => (parse(s)?, parse(s)?),
    };
    if a > b {
        return Err(format!("zooms {a}-{b}: the first is deeper than the last"));
    }
    Ok((a, b))
}

fn parse_tile_size(s: &str) -> Result<u32, String> {
    match s.trim() {
        "256" => Ok(256),
        "512" => Ok(512),
        _ => Err(format!("tile size {s}: 256 or 512")),
    }
}
