//! The web tiles: Web Mercator (EPSG:3857) PNG tiles of the yearly density for web
//! maps and QGIS (XYZ folders, MBTiles, PMTiles), on one colour scale for every zoom and
//! year, plus a `tiles.json` describing them for viewers.
//!
//! **Densities.** For each zoom up to the *density zoom* (the first whose pixels are at
//! most `--cell-km`, by default 1/16 of the bandwidth, on the ground at the extent's
//! centre), the density is computed on that zoom's own pixel lattice over every pixel of
//! the extent's tiles ([`crate::analysis::tile_density`]); deeper zooms interpolate the
//! density zoom's grid, which is already far finer than the kernel. The kernel is in
//! ground kilometres at every latitude, so its size on the ground does not change with
//! zoom or place.
//!
//! **Colour scale.** Densities are per 1,000 km² of ground, so they do not depend on the
//! zoom; the top of the scale is the highest density of any year on the grid of the
//! *reference zoom* (the density zoom uncapped by `--zooms`: zoom 7 for 25 km), or
//! `--max`. It is the finest grid computed, so no tile of any zoom exceeds it (coarser
//! zooms average over larger pixels and show lower peaks, as a coarser map would), and it
//! does not change with `--zooms`: runs of different zooms share one scale. Values below
//! the style's threshold are transparent.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::analysis::density::Kernel;
use crate::analysis::tile_density::{Lattice, LatticeGrid, SortedPoints, ZoomPlan};
use crate::analysis::webmercator::{Tile, pixel_m, scale_factor, tile_range, to_metres};
use crate::error::{Error, Result};
use crate::model::{Category, Style};
use crate::output::gis_layers::event_points_layer;
use crate::output::tilesets::{
    TileData, TileKind, TileSetInfo, write_mbtiles, write_pmtiles, write_xyz,
};
use crate::output::{lock, write_bytes_atomic};
use crate::products::density::{self, DensityOptions, Selection, ViewOptions, Weight};
use crate::products::event_tiles::{self, EventTilesInfo};
use crate::products::viewer;
use crate::render::ramp::{ColourScale, ScaleKind};
use crate::render::tiles::{Overlay, TilePalette, heat_tile_png};
use crate::run::{Filter, Loaded, Run, Setup};

/// The density grid is at most this fraction of the bandwidth (without `--cell-km`).
const CELLS_PER_BANDWIDTH: f64 = 16.0;
/// Colour stops in the legend of tiles.json.
const LEGEND_STOPS: usize = 6;
/// Marks every product made from the synthetic sample.
const SYNTHETIC: &str = "SYNTHETIC DEMO DATA — not real events";

/// The deepest zoom of the tiles.
pub const MAX_TILE_ZOOM: u8 = 16;

/// A tile container format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum TileFormat {
    /// Folders of PNG files, tiles/xyz/YEAR/Z/X/Y.png.
    Xyz,
    /// One MBTiles 1.3 (SQLite) file per year.
    Mbtiles,
    /// One PMTiles v3 archive per year.
    Pmtiles,
}

/// The web tiles: the density (its style gives the ramp and threshold, its extent the
/// area tiled), the zooms, containers and tile size, and what goes beside them.
#[derive(Debug, Clone, PartialEq)]
pub struct TilesOptions {
    pub view: ViewOptions,
    pub density: DensityOptions,
    pub filter: Filter,
    /// First and last zoom (at most [`MAX_TILE_ZOOM`]).
    pub zooms: (u8, u8),
    pub formats: Vec<TileFormat>,
    /// 256, or 512 for high-density screens.
    pub tile_size: u32,
    /// Also transparent tiles of the outline, admin boundaries and zones.
    pub overlays: bool,
    /// Write the web viewer (index.html and its files) beside the tiles.
    pub viewer: bool,
    /// The output folder (the tiles go to `out`/tiles/).
    pub out: PathBuf,
}

impl Default for TilesOptions {
    fn default() -> Self {
        TilesOptions {
            view: ViewOptions::default(),
            density: DensityOptions::default(),
            filter: Filter::default(),
            zooms: (0, 10),
            formats: vec![TileFormat::Xyz, TileFormat::Mbtiles, TileFormat::Pmtiles],
            tile_size: 256,
            overlays: false,
            viewer: true,
            out: PathBuf::from("output"),
        }
    }
}

/// What the tiles product wrote.
#[derive(Debug, Clone)]
pub struct Tiles {
    /// The tile sets (XYZ folders, MBTiles and PMTiles files), tiles.json and the viewer.
    pub files: Vec<PathBuf>,
    /// One line on the pyramid and its colour scale.
    pub summary: String,
    /// Why something asked for was not written (e.g. the viewer without XYZ tiles).
    pub notes: Vec<String>,
}

/// Every zoom here is at most [`MAX_TILE_ZOOM`] (`--zooms` is checked when read; the
/// density zooms are capped likewise), within Web Mercator's tile scheme.
const ZOOMS_CHECKED: &str = "zooms are at most MAX_TILE_ZOOM";

/// The zooms whose densities are computed, and the tiles.
struct Pyramid {
    minzoom: u8,
    maxzoom: u8,
    /// The deepest zoom computed on its own lattice; deeper zooms interpolate it.
    density_zoom: u8,
    tile_size: u32,
    /// [west, south, east, north] of the area tiled.
    bounds: [f64; 4],
}

impl Pyramid {
    /// The grid a tile of zoom `z` takes its values from.
    fn grid_zoom(&self, z: u8) -> u8 {
        z.min(self.density_zoom)
    }

    /// Index in [`Pyramid::grid_zooms`] of the grid of zoom `z`'s tiles.
    fn grid_index(&self, z: u8) -> usize {
        usize::from(self.grid_zoom(z) - self.grid_zooms().start())
    }

    /// Zooms with their own density grid.
    fn grid_zooms(&self) -> std::ops::RangeInclusive<u8> {
        self.minzoom.min(self.density_zoom)..=self.density_zoom
    }

    fn tiles(&self) -> Vec<Tile> {
        (self.minzoom..=self.maxzoom)
            .flat_map(|z| {
                let ([x0, x1], [y0, y1]) = tile_range(self.bounds, z).expect(ZOOMS_CHECKED);
                (y0..=y1).flat_map(move |y| (x0..=x1).filter_map(move |x| Tile::new(z, x, y)))
            })
            .collect()
    }
}

/// The densities of every year on each zoom's lattice, and their one colour scale.
pub struct TileDensities {
    pyramid: Pyramid,
    years: Vec<YearTiles>,
    category: Category,
    unit: String,
    scale: ColourScale,
    kernel: Kernel,
    style: Style,
    /// The events mapped (indices into the loaded events): the viewer's points.
    selected: Vec<usize>,
}

struct YearTiles {
    year: i32,
    events: usize,
    /// One grid per zoom of [`Pyramid::grid_zooms`].
    grids: Vec<LatticeGrid>,
}

/// Computes the densities of every year on each zoom's lattice and writes the tiles,
/// tiles.json and the viewer into `args.out`/tiles/. Laps "tile densities" and "tiles".
pub fn write(run: &Run, args: &TilesOptions) -> Result<Tiles> {
    let d = compute(&run.setup, &run.loaded, args)?;
    run.lap("tile densities");
    let _hold = lock::hold(&args.out)?;
    let written = write_tiles(run, args, &d)?;
    run.lap("tiles");
    Ok(written)
}

/// The selected events of each year, on each zoom's lattice, with the colour scale.
pub fn compute(setup: &Setup, loaded: &Loaded, args: &TilesOptions) -> Result<TileDensities> {
    let style = density::style(&args.view)?;
    let bounds = density::extent(&args.view.extent, &style, setup)?;
    let Selection {
        category,
        selected,
        years,
    } = density::select(&args.density, &args.filter, setup, loaded)?;
    let category = setup.categories.list()[category].clone();
    let kernel = args.density.kernel;
    let bandwidth_km = args.density.bandwidth_km;
    let cell_km = match args.density.cell_km {
        Some(km) if km.is_finite() && km > 0.0 => km,
        Some(km) => {
            return Err(Error::Usage(format!(
                "--cell-km must be positive, not {km}"
            )));
        }
        None => bandwidth_km / CELLS_PER_BANDWIDTH,
    };
    let (minzoom, maxzoom) = args.zooms;
    let centre_lat = (bounds[1] + bounds[3]) / 2.0;
    // The zoom whose pixels reach the density's resolution: the reference of the colour
    // scale, whatever --zooms asks, and the deepest zoom computed on its own grid.
    let reference_zoom = (0..=MAX_TILE_ZOOM)
        .find(|&z| ground_px_km(z, args.tile_size, centre_lat) <= cell_km)
        .unwrap_or(MAX_TILE_ZOOM);
    let density_zoom = reference_zoom.min(maxzoom);
    let pyramid = Pyramid {
        minzoom,
        maxzoom,
        density_zoom,
        tile_size: args.tile_size,
        bounds,
    };

    // The events of each year in Mercator metres (no PROJ: closed formulas).
    let events = &loaded.read.events;
    let year_points: Vec<(i32, SortedPoints)> = years
        .into_par_iter()
        .map(|year| {
            let idx: Vec<usize> = selected
                .iter()
                .copied()
                .filter(|&i| events.events[i].year() == year)
                .collect();
            let xy = idx
                .iter()
                .map(|&i| {
                    let p = events.events[i].position;
                    to_metres(p.lon(), p.lat())
                })
                .collect();
            let w = (args.density.weight == Weight::Fatalities).then(|| {
                idx.iter()
                    .map(|&i| events.events[i].fatalities as f32)
                    .collect()
            });
            (year, SortedPoints::new(xy, w))
        })
        .collect();

    // One plan per zoom with a grid, over every pixel of the tiles drawn (events beyond
    // within the kernel's reach are binned in the grid's margin).
    let plan = |z: u8| {
        let ([x0, x1], [y0, y1]) = tile_range(bounds, z).expect(ZOOMS_CHECKED);
        let corner = |x, y| Tile::new(z, x, y).expect("tile_range gives tiles of the zoom");
        let [w, _, _, n] = corner(x0, y0).bounds_m();
        let [_, s, e, _] = corner(x1, y1).bounds_m();
        let lattice = Lattice::covering([w, s, e, n], z, args.tile_size);
        ZoomPlan::new(lattice, kernel, bandwidth_km)
    };
    let plans: Vec<ZoomPlan> = pyramid.grid_zooms().map(plan).collect();
    let years: Vec<YearTiles> = year_points
        .iter()
        .map(|(year, pts)| YearTiles {
            year: *year,
            events: pts.len(),
            grids: plans.iter().map(|p| p.apply(pts)).collect(),
        })
        .collect();
    drop(plans);

    // One colour scale: the densest cell of any year at the reference zoom (computed
    // for the scale alone when --zooms stops short of it).
    let max = match args.density.max {
        // Positive and finite: checked when the flag was read.
        Some(m) => m as f32,
        None if reference_zoom > density_zoom => {
            let reference = plan(reference_zoom);
            year_points
                .iter()
                .map(|(_, pts)| reference.apply(pts).grid.max())
                .fold(0.0, f32::max)
        }
        None => years
            .iter()
            .filter_map(|y| y.grids.last())
            .map(|g| g.grid.max())
            .fold(0.0, f32::max),
    };
    let scale = ColourScale {
        ramp: density::ramp(&style)?,
        max,
        threshold: style.density.threshold as f32 * max,
        scale: ScaleKind::Sqrt,
    };
    Ok(TileDensities {
        pyramid,
        years,
        unit: density::unit(&args.density, &category),
        category,
        scale,
        kernel,
        style,
        selected,
    })
}

/// Size of a pixel of zoom `z` on the ground at `lat`, km.
fn ground_px_km(z: u8, tile_size: u32, lat: f64) -> f64 {
    pixel_m(z, tile_size) / scale_factor(lat) / 1000.0
}

/// Draws and writes the tiles of `d`, the overlay tiles if asked, and tiles.json.
fn write_tiles(run: &Run, args: &TilesOptions, d: &TileDensities) -> Result<Tiles> {
    let (setup, loaded, out) = (&run.setup, &run.loaded, args.out.as_path());
    let mut notes = Vec::new();
    let (pyramid, cat, scale, unit, style) = (&d.pyramid, &d.category, &d.scale, &d.unit, &d.style);
    let dir = out.join("tiles");
    let attribution = attribution(run);
    let described = format!(
        "Kernel density of {} ({} kernel, {} km bandwidth), {unit}; one colour scale for every year and zoom (top {:.3}).",
        cat.label, d.kernel, args.density.bandwidth_km, scale.max
    );
    let center = center(pyramid);
    let tile_list = pyramid.tiles();
    let overlay = if args.overlays {
        Some(Overlay::new(
            &setup.boundaries,
            run.zones()?,
            style,
            args.tile_size,
        ))
    } else {
        None
    };
    let palette = TilePalette::new(scale, style.density.opacity);
    let sets = d.years.len() as u64 + u64::from(overlay.is_some());
    let bar = progress(tile_list.len() as u64 * sets);
    let mut written = Vec::new();
    for y in &d.years {
        let year = y.year;
        let tiles: Vec<TileData> = tile_list
            .par_iter()
            .map(|&t| {
                let g = &y.grids[pyramid.grid_index(t.z)];
                let tile = match g.tile_values(t, scale.threshold) {
                    Some(v) => {
                        heat_tile_png(&v, pyramid.tile_size, &palette).map(|png| Some((t, png)))
                    }
                    None => Ok(None),
                };
                bar.inc(1);
                tile
            })
            .filter_map(Result::transpose)
            .collect::<Result<_>>()?;
        let info = TileSetInfo {
            kind: TileKind::Png,
            name: format!("{} {year}", cat.label),
            description: with_notice(
                loaded.synthetic,
                format!(
                    "{} in {}, {year}: {described} {} events.",
                    cat.label,
                    setup.boundaries.name(),
                    y.events
                ),
            ),
            attribution: attribution.join(" "),
            bounds: pyramid.bounds,
            center,
            minzoom: pyramid.minzoom,
            maxzoom: pyramid.maxzoom,
            extra: extra_metadata(year, cat, unit, scale, loaded.synthetic),
        };
        let stem = format!("{}_{year}", cat.id);
        let xyz_dir = dir.join("xyz").join(year.to_string());
        written.extend(write_sets(
            &dir,
            &stem,
            &xyz_dir,
            &info,
            &tiles,
            &args.formats,
        )?);
    }
    if let Some(overlay) = &overlay {
        let tiles: Vec<TileData> = tile_list
            .par_iter()
            .map(|&t| {
                let tile = overlay.tile_png(t, pyramid.tile_size);
                bar.inc(1);
                tile.map(|png| png.map(|png| (t, png)))
            })
            .filter_map(Result::transpose)
            .collect::<Result<_>>()?;
        let info = TileSetInfo {
            kind: TileKind::Png,
            name: format!("Boundaries and zones of {}", setup.boundaries.name()),
            description: format!(
                "Country outline, first-level admin boundaries and analysis zones of {}, to lay over the density tiles.",
                setup.boundaries.name()
            ),
            attribution: setup.boundaries.credits().join(" "),
            bounds: pyramid.bounds,
            center,
            minzoom: pyramid.minzoom,
            maxzoom: pyramid.maxzoom,
            extra: serde_json::Map::new(),
        };
        let xyz_dir = dir.join("overlay");
        written.extend(write_sets(
            &dir,
            "overlay",
            &xyz_dir,
            &info,
            &tiles,
            &args.formats,
        )?);
    }
    bar.finish_and_clear();

    let points = event_points_layer(&loaded.read.events, &d.selected);
    let (files, events_member) = event_tiles::write(
        &dir,
        &points,
        &args.formats,
        &EventTilesInfo {
            bounds: pyramid.bounds,
            center,
            attribution: &attribution,
            description: &format!("{} in {}", cat.label, setup.boundaries.name()),
            synthetic: loaded.synthetic,
        },
    )?;
    written.extend(files);

    let mut json = tiles_json(&TilesJson {
        cat_id: &cat.id,
        cat_label: &cat.label,
        unit,
        years: &d.years.iter().map(|y| y.year).collect::<Vec<_>>(),
        pyramid,
        center,
        attribution: &attribution,
        synthetic: loaded.synthetic,
        xyz: args.formats.contains(&TileFormat::Xyz),
        pmtiles: args.formats.contains(&TileFormat::Pmtiles),
        overlay: overlay.is_some() && args.formats.contains(&TileFormat::Xyz),
        scale,
        name: &format!("{} in {}", cat.label, setup.boundaries.name()),
        description: &described,
    });
    json["events"] = events_member.unwrap_or(Value::Null);
    let json_path = dir.join("tiles.json");
    let text = serde_json::to_string_pretty(&json).expect("JSON of plain values");
    write_bytes_atomic(&json_path, text.as_bytes())?;
    written.push(json_path);
    if args.viewer && !args.formats.contains(&TileFormat::Xyz) {
        notes.push("No web viewer: it shows the XYZ tiles (add xyz to --formats).".into());
    } else if args.viewer {
        let title = format!("{} in {}", cat.label, setup.boundaries.name());
        written.extend(viewer::write(&dir, run, points, &title, &described, json)?);
    }
    let centre_lat = (pyramid.bounds[1] + pyramid.bounds[3]) / 2.0;
    let summary = format!(
        "Tiles: {} years × {} tiles of zooms {}-{} ({} px; densities computed to zoom {}, {:.2} km pixels); one colour scale (top {:.3} {unit})",
        d.years.len(),
        tile_list.len(),
        pyramid.minzoom,
        pyramid.maxzoom,
        pyramid.tile_size,
        pyramid.density_zoom,
        ground_px_km(pyramid.density_zoom, pyramid.tile_size, centre_lat),
        scale.max
    );
    Ok(Tiles {
        files: written,
        summary,
        notes,
    })
}

/// Writes one tile set in every requested container: `xyz_dir/`, `<stem>.mbtiles`,
/// `<stem>.pmtiles`.
fn write_sets(
    dir: &Path,
    stem: &str,
    xyz_dir: &Path,
    info: &TileSetInfo,
    tiles: &[TileData],
    formats: &[TileFormat],
) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for f in formats {
        let path = match f {
            TileFormat::Xyz => {
                write_xyz(xyz_dir, tiles)?;
                xyz_dir.to_path_buf()
            }
            TileFormat::Mbtiles => {
                let p = dir.join(format!("{stem}.mbtiles"));
                write_mbtiles(&p, info, tiles)?;
                p
            }
            TileFormat::Pmtiles => {
                let p = dir.join(format!("{stem}.pmtiles"));
                write_pmtiles(&p, info, tiles)?;
                p
            }
        };
        written.push(path);
    }
    Ok(written)
}

/// The data and boundary credits, led by the synthetic-data notice when it applies.
fn attribution(run: &Run) -> Vec<String> {
    let mut c = run.credits();
    if run.loaded.synthetic {
        c.insert(0, format!("{SYNTHETIC}."));
    }
    c
}

fn with_notice(synthetic: bool, text: String) -> String {
    if synthetic {
        format!("{SYNTHETIC}. {text}")
    } else {
        text
    }
}

/// The centre of the area tiled, at the zoom where it fills about 1,000 pixels.
fn center(p: &Pyramid) -> [f64; 3] {
    let [w, s, e, n] = p.bounds;
    let [x0, y0] = to_metres(w, s);
    let [x1, y1] = to_metres(e, n);
    let span = (x1 - x0).max(y1 - y0);
    let z = (p.minzoom..=p.maxzoom)
        .take_while(|&z| span / pixel_m(z, p.tile_size) <= 1024.0)
        .last()
        .unwrap_or(p.minzoom);
    [(w + e) / 2.0, (s + n) / 2.0, f64::from(z)]
}

fn legend(scale: &ColourScale) -> Value {
    let stops: Vec<Value> = scale
        .legend_stops(LEGEND_STOPS)
        .into_iter()
        .map(|(v, [r, g, b, _])| json!([v, format!("#{r:02x}{g:02x}{b:02x}")]))
        .collect();
    json!({"max": scale.max, "threshold": scale.threshold, "stops": stops})
}

fn extra_metadata(
    year: i32,
    cat: &Category,
    unit: &str,
    scale: &ColourScale,
    synthetic: bool,
) -> serde_json::Map<String, Value> {
    let v = json!({
        "year": year,
        "category": {"id": cat.id, "label": cat.label},
        "unit": unit,
        "legend": legend(scale),
        "synthetic": synthetic,
    });
    match v {
        Value::Object(m) => m,
        _ => unreachable!("an object literal"),
    }
}

struct TilesJson<'a> {
    name: &'a str,
    description: &'a str,
    cat_id: &'a str,
    cat_label: &'a str,
    unit: &'a str,
    years: &'a [i32],
    pyramid: &'a Pyramid,
    center: [f64; 3],
    attribution: &'a [String],
    synthetic: bool,
    xyz: bool,
    pmtiles: bool,
    overlay: bool,
    scale: &'a ColourScale,
}

/// `tiles.json`: a TileJSON 3.0.0 document (`tilejson`, `tiles`, `scheme`, `attribution`
/// as one string, `bounds`, `center`, zooms) for MapLibre, Leaflet plugins and QGIS, with
/// conflictmap's own keys beside it (TileJSON allows extra keys): the contract with the
/// viewer (the `serve` viewer reads them), never renamed.
///
/// TileJSON describes one tile set and our tiles are one set per year, so its `tiles`
/// endpoint is the latest year's (`xyz/{year}/...` with the year filled in; without XYZ
/// folders, that year's archive as a `pmtiles://` URL, which PMTiles clients read, or an
/// `mbtiles://` one); `years` and `xyz` give the others. Endpoints are relative to the file: TileJSON
/// asks for absolute URLs, which a folder of files cannot know, so `serve` rewrites them
/// to absolute ones when it serves the file ([`absolute_endpoints`]).
fn tiles_json(t: &TilesJson) -> Value {
    let p = t.pyramid;
    let latest = t.years.iter().max().copied().unwrap_or_default();
    let endpoint = if t.xyz {
        XYZ_TEMPLATE.replace("{year}", &latest.to_string())
    } else if t.pmtiles {
        format!("pmtiles://{}_{latest}.pmtiles", t.cat_id)
    } else {
        // MBTiles alone: the archive, as tile servers (e.g. tileserver-gl) name one.
        format!("mbtiles://{}_{latest}.mbtiles", t.cat_id)
    };
    json!({
        "tilejson": "3.0.0",
        "tiles": [endpoint],
        "scheme": "xyz",
        "name": t.name,
        "description": t.description,
        "version": "1.0.0",
        "attribution": t.attribution.join(" · "),
        "credits": t.attribution,
        "category": {"id": t.cat_id, "label": t.cat_label},
        "unit": t.unit,
        "years": t.years,
        "minzoom": p.minzoom,
        "maxzoom": p.maxzoom,
        "tile_size": p.tile_size,
        "bounds": p.bounds,
        "center": t.center,
        "synthetic": t.synthetic,
        "xyz": t.xyz.then_some(XYZ_TEMPLATE),
        "overlay": t.overlay.then_some("overlay/{z}/{x}/{y}.png"),
        "legend": legend(t.scale),
        "density_zoom": p.density_zoom,
    })
}

/// Where the XYZ tiles of a year are, relative to `tiles.json`.
const XYZ_TEMPLATE: &str = "xyz/{year}/{z}/{x}/{y}.png";

/// `tiles.json` with its TileJSON endpoints made absolute under `base` (e.g.
/// `http://127.0.0.1:8080/`), as `serve` hands it out. Other keys are left as written.
pub fn absolute_endpoints(mut tiles_json: Value, base: &str) -> Value {
    let base = base.trim_end_matches('/');
    if let Some(Value::Array(tiles)) = tiles_json.get_mut("tiles") {
        for t in tiles.iter_mut() {
            if let Value::String(url) = t
                && !url.contains("://")
            {
                *url = format!("{base}/{}", url.trim_start_matches("./"));
            } else if let Value::String(url) = t
                && let Some(file) = url.strip_prefix("pmtiles://")
                && !file.contains("://")
            {
                // PMTiles clients read the archive over HTTP range requests.
                *url = format!("pmtiles://{base}/{file}");
            }
        }
    }
    tiles_json
}

/// A progress bar over `n` tiles (drawn only on a terminal).
fn progress(n: u64) -> ProgressBar {
    let bar = ProgressBar::new(n);
    if let Ok(style) =
        ProgressStyle::with_template("tiles {bar:40} {pos}/{len} ({per_sec}, {eta} left)")
    {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
#[path = "tiles_tests.rs"]
mod tests;
