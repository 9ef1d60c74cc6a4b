//! The spread product: distance profiles of the chosen categories to each ring's centre
//! (e.g. Bamako) and to the study's band borders (per neighbour and combined), written as
//! tables (CSV, JSON, Markdown) and a chart, with the key-number sentences a report uses.
//!
//! One loaded run in ([`Setup`], [`Loaded`], [`Zoned`]), plain [`SpreadOptions`], and a
//! [`SpreadSummary`] out: everything a report section needs without reading files back.

use std::path::{Path, PathBuf};

use chrono::Datelike;
use rayon::prelude::*;
use serde::Serialize;

use geo::{Area, LineString, MultiPolygon};

use crate::analysis::change::{self, Compare};
use crate::analysis::contours;
use crate::analysis::density::DensityGrid;
use crate::analysis::spread::{Bands, Observation, Profile, ProfileSpec, YearStats, profile};
use crate::analysis::zones::{self, InsideCountry, ZoneKind};
use crate::error::{Error, Result};
use crate::model::study::Study;
use crate::model::{Category, Style};
use crate::output::geojson::write_geojson;
use crate::output::geotiff::write_geotiff;
use crate::output::gpkg::write_geopackage;
use crate::output::layer::{
    Feature, Field, FieldType, GeometryKind, SYNTHETIC_MARK, Value, VectorLayer,
};
use crate::output::lock;
use crate::output::qml::{outlines_qml, outlines_sld, with_note, write_qml};
use crate::output::spread::{self as tables, SpreadContext};
use crate::output::write_bytes_atomic;
use crate::products::maps::MapSet;
use crate::render::charts::bars_svg;
use crate::render::charts::{Bar, BarChart, Panel, render_bars};
use crate::render::legend::format_value;
use crate::render::spread::{change_scene, expansion_scene, year_colours};
use crate::render::svg::{TextMode, print_dpi, scene_svg, write_formats};
use crate::render::{ImageFormat, render};
use crate::run::{Filter, Loaded, Run, Setup, Zoned, passes};
use crate::units::Km;

/// What to measure and where to write it.
#[derive(Debug, Clone)]
pub struct SpreadOptions {
    /// Output folder.
    pub out: PathBuf,
    /// Category ids to count (empty: the first category of the study's categories, the
    /// one zone tables count by default, is the headline; all are counted).
    pub categories: Vec<String>,
    /// The category of the sentences and the chart (default: the first counted).
    pub headline: Option<String>,
    /// Rings whose centre to measure from, by zone id or centre name (empty: all).
    pub centres: Vec<String>,
    /// Bands of distance to a centre.
    pub centre_bands: Bands,
    /// Bands of distance to a border (inside the country).
    pub border_bands: Bands,
    /// Distances of the "share within" columns (to a centre).
    pub within: Vec<Km>,
    /// Years counted (default: the years in the data).
    pub years: Option<(i32, i32)>,
    /// Only these event types (as in the data).
    pub event_types: Vec<String>,
    /// Only events at least this precisely located (1–3).
    pub min_precision: Option<u8>,
    /// Style of the chart (the maps' style).
    pub style: Style,
    /// Image formats of the chart (PNG, SVG, PDF).
    pub image: ImageOptions,
}

/// The image formats of a product's maps or charts, and how SVG text is written.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageOptions {
    pub formats: Vec<ImageFormat>,
    pub svg_text: TextMode,
}

impl Default for ImageOptions {
    fn default() -> Self {
        ImageOptions {
            formats: vec![ImageFormat::Png],
            svg_text: TextMode::default(),
        }
    }
}

impl ImageOptions {
    /// Writes what `png` drew (and what `svg` draws, as SVG and PDF when asked) at
    /// `path` (its .png name); returns the files written.
    pub(crate) fn write(
        &self,
        path: &Path,
        dpi: Option<u32>,
        print_dpi: f32,
        png: impl FnOnce() -> Result<tiny_skia::Pixmap>,
        svg: impl FnOnce() -> Result<String>,
    ) -> Result<Vec<PathBuf>> {
        write_formats(path, &self.formats, dpi, print_dpi, png, svg)
    }
}

impl Default for SpreadOptions {
    fn default() -> Self {
        SpreadOptions {
            out: PathBuf::from("output"),
            categories: Vec::new(),
            headline: None,
            centres: Vec::new(),
            centre_bands: Bands::centre_default(),
            border_bands: Bands::border_default(),
            within: [150.0, 300.0]
                .map(|k| Km::new(k).expect("a distance"))
                .to_vec(),
            years: None,
            event_types: Vec::new(),
            min_precision: None,
            style: Style::builtin("report").expect("the built-in style loads"),
            image: ImageOptions::default(),
        }
    }
}

impl SpreadOptions {
    /// The defaults with the bands and "share within" distances of the study's
    /// `[spread]` section where it gives them (flags then override these).
    pub fn for_study(study: &Study) -> Result<SpreadOptions> {
        let spec = &study.spread;
        let bands = |key: &str, edges: &Option<Vec<f64>>, default: Bands| match edges {
            Some(e) => Bands::new(e).map_err(|e| Error::Usage(format!("study spread.{key}: {e}"))),
            None => Ok(default),
        };
        let mut o = SpreadOptions::default();
        o.centre_bands = bands("centre_bands", &spec.centre_bands, o.centre_bands)?;
        o.border_bands = bands("border_bands", &spec.border_bands, o.border_bands)?;
        if let Some(w) = &spec.within {
            o.within = w
                .iter()
                .map(|k| {
                    Km::new(*k).ok_or_else(|| {
                        Error::Usage(format!("study spread.within: {k} is not a distance"))
                    })
                })
                .collect::<Result<_>>()?;
        }
        Ok(o)
    }
}

/// What the spread product made: the profiles, the key sentences, the Markdown tables
/// and the files (paths under the output folder).
#[derive(Debug, Clone, Serialize)]
pub struct SpreadSummary {
    pub title: String,
    /// Key numbers, one sentence each (for the report's key numbers).
    pub sentences: Vec<String>,
    /// The headline category: (id, label).
    pub headline: (String, String),
    /// Distance to each centre.
    pub centres: Vec<Profile>,
    /// Distance to each neighbour's border and to all of them ("all").
    pub borders: Vec<Profile>,
    /// The whole spread.md (sentences, tables, notes).
    pub markdown: String,
    /// Definitions and filters, one sentence each.
    pub notes: Vec<String>,
    /// The chart's file name in the output folder.
    pub chart: String,
    pub synthetic: bool,
    /// Every file written, in order.
    pub files: Vec<PathBuf>,
}

/// The chart's file name in the output folder (beside spread.csv, spread_years.csv,
/// border_approach.csv, border_approach_years.csv, spread.json and spread.md).
pub const CHART_FILE: &str = "spread_profile.png";

/// Measures, tabulates and writes the spread of one loaded run.
pub fn write(run: &Run, opts: &SpreadOptions) -> Result<SpreadSummary> {
    let (setup, loaded) = (&run.setup, &run.loaded);
    let mut s = summarise(run, opts)?;
    let _hold = lock::hold(&opts.out)?;
    let id_col =
        |p: &[Profile], col: &str, f: fn(&[Profile], &str, bool) -> csv::Result<Vec<u8>>| {
            f(p, col, s.synthetic).map_err(|e| Error::Usage(format!("spread tables: {e}")))
        };
    let context = context_of(&s, loaded, setup);
    let json = tables::to_json(&context, &s.centres, &s.borders)
        .map_err(|e| Error::Usage(format!("spread.json: {e}")))?;
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "spread.csv",
            id_col(&s.centres, "centre_id", tables::bands_csv)?,
        ),
        (
            "spread_years.csv",
            id_col(&s.centres, "centre_id", tables::years_csv)?,
        ),
        (
            "border_approach.csv",
            id_col(&s.borders, "border_id", tables::bands_csv)?,
        ),
        (
            "border_approach_years.csv",
            id_col(&s.borders, "border_id", tables::years_csv)?,
        ),
        ("spread.json", json),
        ("spread.md", s.markdown.clone().into_bytes()),
    ];
    for (name, bytes) in files {
        let path = opts.out.join(name);
        write_bytes_atomic(&path, &bytes)?;
        s.files.push(path);
    }
    let chart = chart(&s, setup, loaded, opts);
    let written = opts.image.write(
        &opts.out.join(CHART_FILE),
        None,
        print_dpi(1.0),
        || Ok(render_bars(&chart, &opts.style).0),
        || Ok(bars_svg(&chart, &opts.style, opts.image.svg_text)),
    )?;
    s.files.extend(written);
    Ok(s)
}

/// [`write`] without writing: the profiles, sentences and Markdown.
pub fn summarise(run: &Run, opts: &SpreadOptions) -> Result<SpreadSummary> {
    let (setup, loaded) = (&run.setup, &run.loaded);
    let zoned = &run.zoned()?;
    let mut cats = categories(setup, opts)?;
    // The headline category first: the sentences and the chart are of category 0.
    if let Some(id) = &opts.headline {
        let h = cats.iter().position(|(_, c)| c.id == *id).ok_or_else(|| {
            Error::Usage(format!("--headline {id}: not among the counted categories"))
        })?;
        cats.swap(0, h);
    }
    let events = &loaded.read.events;
    let years = match (opts.years, events.date_range()) {
        (Some((a, b)), _) => a..=b,
        (None, Some((a, b))) => chrono::Datelike::year(&a)..=chrono::Datelike::year(&b),
        (None, None) => {
            return Err(Error::Usage(format!(
                "{}: no events to measure",
                loaded.input
            )));
        }
    };
    let verdicts = loaded.verdicts();
    let distances = zones::distances(
        zoned.zones,
        &setup.boundaries,
        &loaded.places,
        &loaded.place_positions(),
        InsideCountry::Verdicts(&verdicts),
    );
    let filter = Filter {
        years: opts.years,
        event_types: opts.event_types.clone(),
        min_precision: opts.min_precision,
    };
    // Per counted event (in the country, passing the filters, in a counted category):
    // its index and category mask.
    let counted: Vec<(usize, u64)> = events
        .events
        .par_iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let in_country = zoned.membership.masks[i] & 1 != 0;
            let mask = cats
                .iter()
                .enumerate()
                .filter(|(_, (ci, _))| loaded.classes[i].contains(*ci))
                .fold(0u64, |m, (bit, _)| m | 1 << bit);
            (in_country && mask != 0 && passes(e, events, &filter)).then_some((i, mask))
        })
        .collect();
    let observe = |km: &dyn Fn(usize) -> f64| -> Vec<Observation> {
        counted
            .iter()
            .map(|(i, mask)| {
                let e = &events.events[*i];
                Observation {
                    year: e.year(),
                    categories: *mask,
                    distance: Km::new(km(*i)).expect("measured distances are distances"),
                    fatalities: e.fatalities,
                }
            })
            .collect()
    };
    let ids: Vec<String> = cats.iter().map(|(_, c)| c.id.clone()).collect();
    let centre_spec = ProfileSpec {
        categories: &ids,
        years: years.clone(),
        bands: &opts.centre_bands,
        within: &opts.within,
    };
    let border_within: Vec<Km> = Vec::new();
    let border_spec = ProfileSpec {
        categories: &ids,
        years: years.clone(),
        bands: &opts.border_bands,
        within: &border_within,
    };
    let mut centres = Vec::new();
    for (wanted, (ring_id, km)) in rings(zoned, &opts.centres)?
        .into_iter()
        .zip(&distances.ring_km)
    {
        let Some((id, to)) = wanted else { continue };
        debug_assert_eq!(ring_id.as_str(), id);
        centres.push(profile(id, &to, &observe(&|i| km[i]), &centre_spec));
    }
    // Per neighbour (in the order of the study's bands, each once) and combined.
    let mut neighbours: Vec<(&str, &str, Vec<usize>)> = Vec::new();
    for (n, (_, code, _)) in distances.border_km.iter().enumerate() {
        let name = band_border_name(zoned, code);
        match neighbours.iter_mut().find(|(c, _, _)| *c == code.as_str()) {
            Some(entry) => entry.2.push(n),
            None => neighbours.push((code.as_str(), name, vec![n])),
        }
    }
    let nearest = |lines: &[usize], i: usize| {
        lines
            .iter()
            .map(|n| distances.border_km[*n].2[i])
            .fold(f64::INFINITY, f64::min)
    };
    let mut borders = Vec::new();
    for (code, name, lines) in &neighbours {
        let obs = observe(&|i| nearest(lines, i));
        borders.push(profile(
            code,
            &format!("the border with {name}"),
            &obs,
            &border_spec,
        ));
    }
    if neighbours.len() > 1 {
        let all: Vec<usize> = (0..distances.border_km.len()).collect();
        let names: Vec<&str> = neighbours.iter().map(|n| n.1).collect();
        let obs = observe(&|i| nearest(&all, i));
        let to = format!("the borders with {}", join_and(&names));
        borders.push(profile("all", &to, &obs, &border_spec));
    }
    let hcat = cats[0].1;
    let hid = &hcat.id;
    let sentences = sentences(&hcat.label, &centres, &borders, &opts.within);
    let notes = notes(setup, &cats, opts);
    let title = format!(
        "{}: spread of events toward the centres and borders",
        setup.boundaries.name()
    );
    let mut s = SpreadSummary {
        title,
        sentences,
        headline: (hid.clone(), hcat.label.clone()),
        centres,
        borders,
        markdown: String::new(),
        notes,
        chart: CHART_FILE.to_string(),
        synthetic: loaded.synthetic,
        files: Vec::new(),
    };
    let context = context_of(&s, loaded, setup);
    s.markdown = tables::to_markdown(&context, &s.centres, &s.borders);
    Ok(s)
}

fn context_of(s: &SpreadSummary, loaded: &Loaded, setup: &Setup) -> SpreadContext {
    let mut categories: Vec<(String, String)> = Vec::new();
    for y in s.centres.iter().chain(&s.borders).flat_map(|p| &p.years) {
        if !categories.iter().any(|(id, _)| *id == y.category_id) {
            let label = setup
                .categories
                .index_of(&y.category_id)
                .map(|i| setup.categories.list()[i].label.clone())
                .unwrap_or_else(|| y.category_id.clone());
            categories.push((y.category_id.clone(), label));
        }
    }
    SpreadContext {
        title: s.title.clone(),
        input: loaded.input.clone(),
        attribution: loaded.attribution(),
        synthetic: s.synthetic,
        notes: s.notes.clone(),
        sentences: s.sentences.clone(),
        categories,
    }
}

/// The counted categories with their index in the study's list.
fn categories<'a>(setup: &'a Setup, opts: &SpreadOptions) -> Result<Vec<(usize, &'a Category)>> {
    let list = setup.categories.list();
    if opts.categories.is_empty() {
        return Ok(list.iter().enumerate().collect());
    }
    opts.categories
        .iter()
        .map(|id| {
            setup
                .categories
                .index_of(id)
                .map(|i| (i, &list[i]))
                .ok_or_else(|| {
                    let known: Vec<&str> = list.iter().map(|c| c.id.as_str()).collect();
                    Error::Usage(format!(
                        "--category {id}: no such category; known: {}",
                        known.join(", ")
                    ))
                })
        })
        .collect()
}

/// Per ring zone (in zone order, as [`zones::distances`] lists them): `Some((id, centre
/// name))` if it is asked for.
fn rings<'a>(zoned: &'a Zoned, asked: &[String]) -> Result<Vec<Option<(&'a str, String)>>> {
    let all: Vec<(&str, String)> = zoned
        .zones
        .iter()
        .filter_map(|z| match &z.kind {
            ZoneKind::Ring { centre_name, .. } => Some((
                z.id.as_str(),
                centre_name
                    .clone()
                    .unwrap_or_else(|| format!("the centre of {}", z.name)),
            )),
            _ => None,
        })
        .collect();
    let wanted = |id: &str, name: &str| {
        asked.is_empty()
            || asked
                .iter()
                .any(|a| a.eq_ignore_ascii_case(id) || a.eq_ignore_ascii_case(name))
    };
    for a in asked {
        if !all
            .iter()
            .any(|(id, name)| a.eq_ignore_ascii_case(id) || a.eq_ignore_ascii_case(name))
        {
            let known: Vec<String> = all.iter().map(|(id, n)| format!("{n} ({id})")).collect();
            return Err(Error::Usage(format!(
                "--centre {a}: the study has no ring with that id or centre; known: {}",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )));
        }
    }
    Ok(all
        .into_iter()
        .map(|(id, name)| wanted(id, &name).then_some((id, name)))
        .collect())
}

fn band_border_name<'a>(zoned: &'a Zoned, code: &str) -> &'a str {
    zoned
        .zones
        .iter()
        .filter_map(|z| match &z.kind {
            ZoneKind::Band { borders, .. } => borders.iter().find(|b| b.code == code),
            _ => None,
        })
        .map(|b| b.name.as_str())
        .next()
        .unwrap_or("")
}

/// "A, B and C".
fn join_and(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The first and last year of the headline category (profile category 0) with events.
fn span(p: &Profile) -> Option<(&YearStats, &YearStats)> {
    let head = &p.years.first()?.category_id;
    let mut with = p
        .years
        .iter()
        .filter(|y| y.category_id == *head && y.events > 0);
    let first = with.next()?;
    Some((first, with.next_back().unwrap_or(first)))
}

fn km0(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.0} km"))
        .unwrap_or_else(|| "–".into())
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{:.0} %", v * 100.0))
        .unwrap_or_else(|| "–".into())
}

/// The key-number sentences of the headline category: per centre the median distance
/// in the first and last year with events, the 10th percentile and the share within
/// the first "within" distance; for all borders the median distance.
fn sentences(label: &str, centres: &[Profile], borders: &[Profile], within: &[Km]) -> Vec<String> {
    let mut out = Vec::new();
    for p in centres {
        let Some((a, b)) = span(p) else { continue };
        if a.year == b.year {
            out.push(format!(
                "{label}: the median distance to {} was {} in {} ({} events).",
                p.to,
                km0(a.median_km),
                a.year,
                a.events
            ));
            continue;
        }
        out.push(format!(
            "{label}: the median distance to {} was {} in {} and {} in {} ({} and {} events).",
            p.to,
            km0(a.median_km),
            a.year,
            km0(b.median_km),
            b.year,
            a.events,
            b.events
        ));
        out.push(format!(
            "{label}: a tenth were within {} of {} in {}, within {} in {}.",
            km0(a.p10_km),
            p.to,
            a.year,
            km0(b.p10_km),
            b.year
        ));
        if let (Some(w), Some(sa), Some(sb)) = (within.first(), a.shares.first(), b.shares.first())
        {
            out.push(format!(
                "{label}: {} were within {} km of {} in {}, against {} in {}.",
                pct(sb.share),
                w.get(),
                p.to,
                b.year,
                pct(sa.share),
                a.year
            ));
        }
    }
    if let Some(p) = borders.iter().find(|p| p.id == "all").or(borders.first())
        && let Some((a, b)) = span(p)
        && a.year != b.year
    {
        out.push(format!(
            "{label}: the median distance to {} was {} in {} and {} in {}.",
            p.to,
            km0(a.median_km),
            a.year,
            km0(b.median_km),
            b.year
        ));
    }
    out
}

/// The definitions behind the numbers.
fn notes(setup: &Setup, cats: &[(usize, &Category)], opts: &SpreadOptions) -> Vec<String> {
    let mut n = vec![
        format!(
            "Events counted: those of {} (as the zone tables count the whole country), by category.",
            setup.boundaries.name()
        ),
        "Distances are WGS84 geodesic (Karney), rounded to the metre; a distance on a band edge belongs to the nearer band.".to_string(),
        "Distance to a border: to the nearest point of that shared land border; to all borders: the nearest of them.".to_string(),
        "Median and 10th percentile: linear interpolation between ranks (type 7, as in R and NumPy).".to_string(),
    ];
    for (_, c) in cats {
        n.push(format!("{}: {}.", c.label, c.describe(&setup.categories)));
    }
    if !opts.event_types.is_empty() {
        n.push(format!(
            "Only event types: {}.",
            opts.event_types.join(", ")
        ));
    }
    if let Some(p) = opts.min_precision {
        n.push(format!("Only events with geo_precision ≤ {p}."));
    }
    n
}

/// The last event date when it is not a year's last day: that year is counted in part.
pub(crate) fn part_year(loaded: &Loaded) -> Option<chrono::NaiveDate> {
    let (_, last) = loaded.read.events.date_range()?;
    (last.ordinal() != if last.leap_year() { 366 } else { 365 }).then_some(last)
}

/// The chart: the median distance to the first centre per year, then one panel per band
/// with the headline category's events per year.
fn chart(s: &SpreadSummary, setup: &Setup, loaded: &Loaded, opts: &SpreadOptions) -> BarChart {
    let head = &s.headline.0;
    let mut panels = Vec::new();
    if let Some(p) = s.centres.first() {
        panels.push(Panel {
            title: format!("Median distance to {}", p.to),
            y_label: Some("km".into()),
            note: None,
            bars: p
                .years
                .iter()
                .filter(|y| y.category_id == *head)
                .filter_map(|y| {
                    // Years without events have no median: no bar (not a 0 km one).
                    y.median_km.map(|m| Bar {
                        label: y.year.to_string(),
                        observed: m,
                        projected: None,
                    })
                })
                .collect(),
        });
        for b in 0..opts.centre_bands.len() {
            let (from, to) = opts.centre_bands.range(b);
            panels.push(Panel {
                title: format!("{} from {}", opts.centre_bands.label(b), p.to),
                y_label: None,
                note: None,
                bars: p
                    .bands
                    .iter()
                    .filter(|c| {
                        c.category_id == *head
                            && c.band_from_km == from.get()
                            && c.band_to_km == to.map(Km::get)
                    })
                    .map(|c| Bar {
                        label: c.year.to_string(),
                        observed: c.events as f64,
                        projected: None,
                    })
                    .collect(),
            });
        }
    }
    let mut credits = vec![loaded.attribution()];
    credits.extend(setup.boundaries.credits().iter().cloned());
    BarChart {
        title: format!(
            "{}: distance to {}",
            s.headline.1,
            s.centres
                .first()
                .map(|p| p.to.as_str())
                .unwrap_or("the centre")
        ),
        subtitle: format!(
            "{}; WGS84 geodesic distance; events per distance band and year, each panel on its own scale{}",
            setup.boundaries.name(),
            part_year(loaded)
                .map(|d| format!("; {} counts to {d} (part year, not projected)", d.year()))
                .unwrap_or_default()
        ),
        y_label: "events per year".into(),
        panels,
        columns: 3,
        colour: opts.style.events.colour(head).opaque(),
        projection_label: None,
        credits,
        synthetic: s.synthetic,
    }
}

/// What the expansion map and layer show.
#[derive(Debug, Clone)]
pub struct ExpansionOptions {
    /// Output folder.
    pub out: PathBuf,
    /// The density threshold (events per 1,000 km²). Default: [`default_threshold`] of
    /// the maps' shared colour scale.
    pub threshold: Option<f64>,
    /// Pixel density recorded in the PNG (300 for print renders).
    pub dpi: Option<u32>,
    /// Image formats of the map (PNG, SVG, PDF).
    pub image: ImageOptions,
}

impl Default for ExpansionOptions {
    fn default() -> Self {
        ExpansionOptions {
            out: PathBuf::from("output"),
            threshold: None,
            dpi: None,
            image: ImageOptions::default(),
        }
    }
}

/// The expansion map's file name in the output folder.
pub const EXPANSION_MAP: &str = "spread_expansion.png";
/// The expansion layer (GeoJSON with its QML style beside it).
pub const EXPANSION_LAYER: &str = "spread_expansion.geojson";
/// The expansion layer in a GeoPackage, its style as the layer's default.
pub const EXPANSION_GPKG: &str = "spread_expansion.gpkg";

/// What the expansion product made.
#[derive(Debug, Clone, Serialize)]
pub struct Expansion {
    /// Events per 1,000 km².
    pub threshold: f64,
    /// "Density ≥ 1 events per 1,000 km²": the legend's title.
    pub legend_title: String,
    /// Per year: the area where the density reached the threshold, km² (map area).
    pub area_km2: Vec<(i32, f64)>,
    /// The area's growth, one sentence (none without an area in two years).
    pub sentence: Option<String>,
    /// The map's and the layer's file names in the output folder.
    pub map: String,
    pub layer: String,
    pub files: Vec<PathBuf>,
}

/// A fiftieth of the top of the shared yearly colour scale, rounded down to 1, 2 or 5 ×
/// 10^k: low enough to outline where attacks recur beyond the few hotspots, high enough
/// to leave out the faint tails of single events.
pub fn default_threshold(scale_top: f64) -> f64 {
    let raw = scale_top / 50.0;
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|v| *v <= raw)
        .unwrap_or(mag)
}

/// The expansion map (`spread_expansion.png`: one outline per year of where the density
/// of the maps' category reached the threshold, on the maps' basemap, zones and
/// furniture) and the same areas as a GeoJSON layer with a `year` field and a QML style,
/// and as a GeoPackage with that style as its default.
pub fn write_expansion(
    loaded: &Loaded,
    maps: &MapSet,
    opts: &ExpansionOptions,
) -> Result<Expansion> {
    let d = &maps.densities;
    let _hold = lock::hold(&opts.out)?;
    let threshold = opts
        .threshold
        .unwrap_or_else(|| default_threshold(f64::from(d.year_scale.max)));
    let mut areas = Vec::new();
    for g in &d.grids {
        if let Some(year) = g.year {
            areas.push((year, contours::at_least(&g.grid, threshold)?));
        }
    }
    let legend_title = format!("Density ≥ {} {}", format_value(threshold), d.unit);
    let mut scene = expansion_scene(
        &maps.template,
        |xy| maps.view.px_xy(xy),
        &areas,
        &legend_title,
    );
    scene.title = format!(
        "{}: area with density ≥ {} {}, year by year",
        d.category.label,
        format_value(threshold),
        d.unit
    );
    scene.subtitle = format!(
        "{}{}; outline of density ≥ {} {}, one colour per year",
        maps.described,
        maps.filters,
        format_value(threshold),
        d.unit
    );
    let map_path = opts.out.join(EXPANSION_MAP);
    let map_files = opts.image.write(
        &map_path,
        opts.dpi,
        print_dpi(scene.scale),
        || render(&scene),
        || scene_svg(&scene, opts.image.svg_text),
    )?;
    let area_km2: Vec<(i32, f64)> = areas
        .iter()
        .map(|(y, a)| (*y, a.unsigned_area() / 1e6))
        .collect();
    let layer = expansion_layer(maps, &areas, &area_km2, threshold, loaded.synthetic)?;
    let layer_path = opts.out.join(EXPANSION_LAYER);
    write_geojson(&layer, &layer_path)?;
    let colours: Vec<(String, [u8; 4])> = areas
        .iter()
        .zip(year_colours(areas.len()))
        .map(|((y, _), c)| (y.to_string(), c.to_array()))
        .collect();
    let cats: Vec<(&str, &str, [u8; 4])> = colours
        .iter()
        .map(|(y, c)| (y.as_str(), y.as_str(), *c))
        .collect();
    let qml_path = layer_path.with_extension("qml");
    let qml = match loaded.synthetic {
        true => with_note(&outlines_qml("year", &cats), SYNTHETIC_MARK),
        false => outlines_qml("year", &cats),
    };
    write_qml(&qml, &qml_path)?;
    // The same layer and style in a GeoPackage (QGIS applies its default style).
    let gpkg_path = opts.out.join(EXPANSION_GPKG);
    let sld = outlines_sld(&layer.name, "year", &cats);
    write_geopackage(
        &gpkg_path,
        std::slice::from_ref(&layer),
        &[(layer.name.as_str(), qml.as_str(), sld.as_str())],
    )?;
    let with_area: Vec<&(i32, f64)> = area_km2.iter().filter(|(_, a)| *a > 0.0).collect();
    let sentence = match (with_area.first(), with_area.last()) {
        (Some(a), Some(b)) if a.0 != b.0 => Some(format!(
            "{}: the area with density ≥ {} {} was {} km² in {} and {} km² in {}.",
            d.category.label,
            format_value(threshold),
            d.unit,
            thousands(a.1),
            a.0,
            thousands(b.1),
            b.0
        )),
        _ => None,
    };
    Ok(Expansion {
        threshold,
        legend_title,
        area_km2,
        sentence,
        map: EXPANSION_MAP.into(),
        layer: EXPANSION_LAYER.into(),
        files: map_files
            .into_iter()
            .chain([layer_path, qml_path, gpkg_path])
            .collect(),
    })
}

/// "12,300": km² rounded to 100, digits grouped as on the maps.
fn thousands(km2: f64) -> String {
    format_value((km2 / 100.0).round() * 100.0)
}

/// The yearly areas in lon/lat (each vertex projected back from map metres).
fn expansion_layer(
    maps: &MapSet,
    areas: &[(i32, MultiPolygon<f64>)],
    area_km2: &[(i32, f64)],
    threshold: f64,
    synthetic: bool,
) -> Result<VectorLayer> {
    let proj = maps.view.projection();
    let unproject = |l: &LineString<f64>| -> Result<LineString<f64>> {
        l.coords()
            .map(|c| {
                proj.inverse([c.x, c.y])
                    .map(|p| p.to_coord())
                    .ok_or_else(|| Error::Proj(format!("({}, {}) has no lon/lat", c.x, c.y)))
            })
            .collect()
    };
    let mut features = Vec::new();
    for ((year, area), (_, km2)) in areas.iter().zip(area_km2) {
        let polygons = area
            .iter()
            .map(|p| {
                let holes = p.interiors().iter().map(unproject).collect::<Result<_>>()?;
                Ok(geo::Polygon::new(unproject(p.exterior())?, holes))
            })
            .collect::<Result<Vec<_>>>()?;
        features.push(Feature {
            geometry: geo::Geometry::MultiPolygon(MultiPolygon(polygons)),
            values: vec![
                Value::Int(i64::from(*year)),
                Value::Text(maps.densities.category.id.clone()),
                Value::Real(threshold),
                Value::Real((km2 * 10.0).round() / 10.0),
            ],
        });
    }
    let mut layer = VectorLayer {
        name: "spread_expansion".into(),
        description: format!(
            "Where the density of {} reached {} {}, per year ({}).",
            maps.densities.category.label,
            format_value(threshold),
            maps.densities.unit,
            maps.described
        ),
        geometry: GeometryKind::MultiPolygon,
        fields: vec![
            Field::new("year", FieldType::Integer),
            Field::new("category_id", FieldType::Text),
            Field::new("threshold", FieldType::Real),
            Field::new("area_km2", FieldType::Real),
        ],
        features,
    };
    layer.mark_provenance(synthetic);
    Ok(layer)
}

/// What the change map compares.
#[derive(Debug, Clone)]
pub struct ChangeOptions {
    /// Output folder.
    pub out: PathBuf,
    /// The periods; default: the last full year minus the year before
    /// ([`Compare::last_full_year`]).
    pub compare: Option<Compare>,
    /// Pixel density recorded in the PNG (300 for print renders).
    pub dpi: Option<u32>,
    /// Image formats of the map (PNG, SVG, PDF).
    pub image: ImageOptions,
}

impl Default for ChangeOptions {
    fn default() -> Self {
        ChangeOptions {
            out: PathBuf::from("output"),
            compare: None,
            dpi: None,
            image: ImageOptions::default(),
        }
    }
}

/// The change map's file name in the output folder.
pub const CHANGE_MAP: &str = "spread_change.png";
/// The change as a GeoTIFF layer (one band, in the map CRS).
pub const CHANGE_LAYER: &str = "spread_change.tif";
/// GeoTIFF nodata value (declared; every cell has a value).
const NODATA: f32 = -9999.0;

/// What the change product made.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub compare: Compare,
    /// "events per 1,000 km² per year": the unit of the difference.
    pub unit: String,
    /// The largest absolute change: both ends of the colour scale.
    pub max: f64,
    pub map: String,
    pub layer: String,
    pub files: Vec<PathBuf>,
}

/// The change map (`spread_change.png`: the mean yearly density of the later period
/// minus the earlier one's, on a diverging scale symmetric about zero, with the maps'
/// basemap, zones and furniture) and the same grid as a GeoTIFF. `None` when no
/// periods were asked for and the data lack the default's two full years; periods
/// asked for but not in the data are an error.
pub fn write_change(
    loaded: &Loaded,
    maps: &MapSet,
    opts: &ChangeOptions,
) -> Result<Option<Change>> {
    let d = &maps.densities;
    let _hold = lock::hold(&opts.out)?;
    let yearly: Vec<(i32, &DensityGrid)> = d
        .grids
        .iter()
        .filter_map(|g| g.year.map(|y| (y, &g.grid)))
        .collect();
    let compare = match opts.compare {
        Some(c) => c,
        None => {
            let last = part_year(loaded)
                .map(|d| d.year() - 1)
                .unwrap_or(*d.years.end());
            let c = Compare::last_full_year(last);
            let have = |y: i32| yearly.iter().any(|(yy, _)| *yy == y);
            if !(have(c.before.first) && have(c.after.first)) {
                return Ok(None);
            }
            c
        }
    };
    let diff = change::difference(&yearly, &compare)?;
    let unit = format!("{} per year", d.unit);
    let (mut scene, scale) = change_scene(
        &maps.template,
        &diff,
        maps.view.grid_rect(&diff.spec),
        &format!("Change, {} minus {}", compare.after, compare.before),
        &unit,
    );
    scene.title = format!(
        "{}: change in density, {} against {}",
        d.category.label, compare.after, compare.before
    );
    scene.subtitle = format!(
        "{}{}; mean yearly density of {} minus that of {}; red: more, blue: fewer",
        maps.described, maps.filters, compare.after, compare.before
    );
    let map_path = opts.out.join(CHANGE_MAP);
    let map_files = opts.image.write(
        &map_path,
        opts.dpi,
        print_dpi(scene.scale),
        || render(&scene),
        || scene_svg(&scene, opts.image.svg_text),
    )?;
    let tif_path = opts.out.join(CHANGE_LAYER);
    let attribution = loaded.attribution();
    let what = format!("{}: {compare} ({unit})", d.category.label);
    let mut metadata = vec![
        ("DATA_SOURCE", attribution.as_str()),
        ("DESCRIPTION", what.as_str()),
    ];
    if loaded.synthetic {
        metadata.push(("SYNTHETIC", SYNTHETIC_MARK));
    }
    write_geotiff(
        &tif_path,
        &[(&compare.to_string(), &diff)],
        maps.view.projection().crs(),
        NODATA,
        &metadata,
    )?;
    Ok(Some(Change {
        compare,
        unit,
        max: f64::from(scale.max),
        map: CHANGE_MAP.into(),
        layer: CHANGE_LAYER.into(),
        files: map_files.into_iter().chain([tif_path]).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_thresholds_round_down_to_1_2_5() {
        assert_eq!(default_threshold(55.0), 1.0);
        assert_eq!(default_threshold(120.0), 2.0);
        assert_eq!(default_threshold(260.0), 5.0);
        assert_eq!(default_threshold(20.0), 0.2);
        assert_eq!(default_threshold(0.0), 1.0);
    }

    #[test]
    fn areas_print_to_the_hundred_km2() {
        assert_eq!(thousands(23_449.0), "23,400");
        assert_eq!(thousands(1_234_567.0), "1,234,600");
        assert_eq!(thousands(40.0), "0");
    }

    #[test]
    fn names_join_with_and() {
        assert_eq!(join_and(&["A"]), "A");
        assert_eq!(join_and(&["A", "B", "C"]), "A, B and C");
    }
}
