//! The report: the whole study in one run. The events are loaded, classified
//! and zoned once; the densities are computed once, so the maps, the GIS layers and the
//! charts (and, with `--tiles`, the web tiles) share one colour scale. Products follow the study's `[report]` section
//! (flags override); `manifest.json` is written last and lists every file with its
//! SHA-256. Nothing written depends on the time, the machine or the output folder, so two
//! runs on the same input give byte-identical files.

mod charts;
mod config;
mod manifest;
mod narrative;
mod page;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::analysis::density::Kernel;
use crate::error::{Error, Result};
use crate::model::ImageFormat;
use crate::model::study::Product;
use crate::output::lock;
use crate::products::animation::{self, AnimationOptions};
use crate::products::choropleth;
use crate::products::density::{DensityOptions, ViewOptions, Weight};
use crate::products::layers::{self, LayersOptions};
use crate::products::maps::{self, MapOptions, MapSet, MapsOptions};
use crate::products::spread;
use crate::products::tables::{self, TablesOptions};
use crate::products::tiles::{self, TilesOptions};
use crate::render::svg::TextMode;
use crate::run::{Filter, Run, Setup, hash_inputs};

pub use config::ReportConfig;

/// The report's options; what is unset comes from the study's `[report]` section.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    /// Default: the study's, else "<category> in <country>".
    pub title: Option<String>,
    /// The category mapped and charted (default: the study's, else the first).
    pub category_id: Option<String>,
    /// A second category charted per year (default: the study's `civilians_category`).
    pub civilians_category: Option<String>,
    /// Map style (default: the study's, else "report").
    pub style: Option<String>,
    /// Map extent (default: the study's, else "country").
    pub extent: Option<String>,
    /// Products to make (empty: the study's `[report] products`, else all but tiles).
    pub products: Vec<Product>,
    /// Image formats of the maps and charts (empty: the study's `[report] formats`, else
    /// PNG).
    pub formats: Vec<ImageFormat>,
    /// How SVG text is written.
    pub svg_text: TextMode,
    /// Also make the web tiles.
    pub tiles: bool,
    /// Also put a print layout in the QGIS project (with the layers).
    pub qgis_layout: bool,
    /// Zoom levels of the tiles.
    pub tile_zooms: (u8, u8),
    /// The last year runs to this date, instead of the last event date.
    pub as_of: Option<NaiveDate>,
    /// Length of the zone tables' trailing windows, months.
    pub window_months: u32,
    pub weight: Weight,
    pub bandwidth_km: f64,
    pub kernel: Kernel,
    /// Which events count (`years` replaces the study's `[report] years`).
    pub filter: Filter,
    /// The output folder.
    pub out: PathBuf,
}

impl Default for ReportOptions {
    fn default() -> Self {
        let d = DensityOptions::default();
        ReportOptions {
            title: None,
            category_id: None,
            civilians_category: None,
            style: None,
            extent: None,
            products: Vec::new(),
            formats: Vec::new(),
            svg_text: TextMode::default(),
            tiles: false,
            qgis_layout: false,
            tile_zooms: TilesOptions::default().zooms,
            as_of: None,
            window_months: TablesOptions::default().window_months,
            weight: d.weight,
            bandwidth_km: d.bandwidth_km,
            kernel: d.kernel,
            filter: Filter::default(),
            out: PathBuf::from("output"),
        }
    }
}

/// What a run wrote, by kind (for the summary, the page and the manifest).
#[derive(Debug, Default)]
pub struct Written {
    pub tables: Vec<PathBuf>,
    pub maps: Vec<PathBuf>,
    pub charts: Vec<PathBuf>,
    pub layers: Vec<PathBuf>,
    /// The GIF first, then the APNG, the frame table and the frames.
    pub animation: Vec<PathBuf>,
    /// The spread tables, chart, expansion and change maps and their layers.
    pub spread: Vec<PathBuf>,
    /// Every file of the web tiles (sorted by path): the XYZ tiles, the MBTiles and
    /// PMTiles files, tiles.json and the viewer (tiles/index.html and its files).
    pub tiles: Vec<PathBuf>,
    pub page: Vec<PathBuf>,
}

impl Written {
    /// Every file, grouped and labelled, in summary order.
    pub fn groups(&self) -> [(&'static str, &[PathBuf]); 8] {
        [
            ("tables", &self.tables),
            ("maps", &self.maps),
            ("charts", &self.charts),
            ("layers", &self.layers),
            ("animation", &self.animation),
            ("spread", &self.spread),
            ("tiles", &self.tiles),
            ("report", &self.page),
        ]
    }

    pub fn all(&self) -> impl Iterator<Item = &PathBuf> {
        self.groups().into_iter().flat_map(|(_, v)| v.iter())
    }
}

/// What a report wrote: every file by kind, and the manifest (written last).
#[derive(Debug)]
pub struct Report {
    pub written: Written,
    pub manifest: PathBuf,
}

/// Whether the report of `args` on the study of `setup` writes the GIS layers or the web
/// tiles, whose events (layer, vector tiles, viewer popups) print the events' details
/// ([`crate::run::EventOptions::details`]).
pub fn needs_details(setup: &Setup, args: &ReportOptions) -> Result<bool> {
    let cfg = ReportConfig::resolve(setup, args)?;
    Ok(cfg.wants(Product::Layers) || cfg.wants(Product::Tiles))
}

/// Makes the report of `run` into `args.out`: the zone tables, then (on one map set, so
/// on one colour scale) the maps, layers, animation, tiles and charts asked for, the page,
/// and the manifest. `stage` is told the name of each stage as it starts (for progress).
pub fn write(run: &Run, args: &ReportOptions, stage: &mut dyn FnMut(&str)) -> Result<Report> {
    let setup = &run.setup;
    let loaded = &run.loaded;
    let cfg = ReportConfig::resolve(setup, args)?;
    // One writer per folder; stale temporaries of killed runs are removed.
    let _hold = lock::hold(&args.out)?;
    let input_hashes = match loaded.hashes.is_empty() {
        true => hash_inputs(&loaded.files)?,
        false => loaded.hashes.clone(),
    };
    let input_names = input_hashes
        .iter()
        .map(|h| h.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    stage("zones");
    run.zoned()?;
    let filter = cfg.filter(args);
    let tables_opts = TablesOptions {
        filter: filter.clone(),
        category_ids: Vec::new(),
        as_of: args.as_of,
        window_months: args.window_months,
        out: args.out.clone(),
    };
    let mut tables = tables::tabulate(run, &tables_opts)?;
    let mut written = Written::default();
    if cfg.wants(Product::Zones) {
        tables.write(&args.out)?;
        written.tables = tables.paths.clone();
    }

    let map = MapOptions {
        view: ViewOptions {
            style: cfg.style.clone(),
            extent: cfg.extent.clone(),
        },
        density: DensityOptions {
            category_id: cfg.category.clone(),
            weight: args.weight,
            bandwidth_km: args.bandwidth_km,
            kernel: args.kernel,
            cell_km: None,
            max: None,
        },
        filter,
        scale: 1,
    };
    // Every product but the tables and the page draws from the densities.
    let needs_density = Product::ALL
        .iter()
        .filter(|p| !matches!(p, Product::Zones | Product::Page))
        .any(|p| cfg.wants(*p));
    let maps = if needs_density {
        stage("densities (one colour scale)");
        Some(run.maps(&map)?)
    } else {
        None
    };
    let out = args.out.clone();
    if maps.is_some() && cfg.wants(Product::Maps) {
        stage("maps");
        let opts = MapsOptions {
            map: map.clone(),
            points: false,
            formats: cfg.formats.clone(),
            svg_text: args.svg_text,
            out: out.clone(),
        };
        written.maps = maps::write(run, &opts)?;
    }
    if maps.is_some() && cfg.wants(Product::Layers) {
        stage("GIS layers");
        let opts = LayersOptions {
            map: map.clone(),
            out: out.clone(),
            qgis_layout: cfg.qgis_layout,
        };
        // The .qml styles beside the layers are products too.
        written.layers = with_styles(&layers::write(run, &opts)?);
    }
    if let Some(m) = maps.as_ref().filter(|_| cfg.wants(Product::Animation)) {
        stage("animation");
        let opts = AnimationOptions {
            view: map.view.clone(),
            density: on_maps_scale(m, &map.density),
            filter: map.filter.clone(),
            out: out.clone(),
            ..AnimationOptions::default()
        };
        let a = animation::write(run, &opts)?;
        written.animation = vec![a.gif, a.apng, a.table];
        written.animation.extend(a.frames);
    }
    if let Some(m) = maps.as_ref().filter(|_| cfg.wants(Product::Tiles)) {
        stage("web tiles");
        let opts = TilesOptions {
            view: map.view.clone(),
            density: on_maps_scale(m, &map.density),
            filter: map.filter.clone(),
            zooms: args.tile_zooms,
            out: out.clone(),
            ..TilesOptions::default()
        };
        let mut files = Vec::new();
        for p in &tiles::write(run, &opts)?.files {
            files_under(p, &mut files)?;
        }
        files.sort();
        written.tiles = files;
    }
    let chart_set = match maps.as_ref().filter(|_| cfg.wants(Product::Charts)) {
        Some(m) => {
            stage("charts");
            let c = charts::make(run, &tables, m, &cfg, &map.view)?;
            written.charts = c.write(&args.out, m, &cfg.formats, args.svg_text)?;
            Some(c)
        }
        None => None,
    };
    let spread = match maps.as_ref().filter(|_| cfg.wants(Product::Spread)) {
        Some(m) => {
            stage("spread");
            let s = spread_section(run, m, &cfg, args)?;
            written.spread = s.files();
            Some(s)
        }
        None => None,
    };
    if cfg.wants(Product::Page) {
        stage("report page");
        let facts = page::Facts {
            cfg: &cfg,
            setup,
            loaded,
            tables: &tables,
            maps: maps.as_deref(),
            charts: chart_set.as_ref(),
            spread: spread.as_ref(),
            written: &written,
            out: &args.out,
            input_name: &input_names,
        };
        written.page = page::write(&facts)?;
    }
    stage("manifest");
    let manifest = manifest::write(&args.out, &cfg, loaded, &input_hashes, &written)?;
    Ok(Report { written, manifest })
}

/// What the report's Spread section is made from.
pub struct SpreadSection {
    pub summary: spread::SpreadSummary,
    pub expansion: spread::Expansion,
    pub change: Option<spread::Change>,
    pub choropleths: Option<choropleth::Choropleths>,
}

impl SpreadSection {
    fn files(&self) -> Vec<PathBuf> {
        let mut f = self.summary.files.clone();
        f.extend(self.expansion.files.iter().cloned());
        f.extend(self.change.iter().flat_map(|c| c.files.iter().cloned()));
        f.extend(
            self.choropleths
                .iter()
                .flat_map(|c| c.files.iter().cloned()),
        );
        f
    }
}

/// The spread of the report's category into `out`/spread/: profiles to the rings'
/// centres and the borders, the expansion map and the change map, on the maps' grid and
/// colour scale, and the choropleths of regions and cercles.
fn spread_section(
    run: &Run,
    maps: &MapSet,
    cfg: &ReportConfig,
    args: &ReportOptions,
) -> Result<SpreadSection> {
    let out = args.out.join("spread");
    let filter = cfg.filter(args);
    let image = spread::ImageOptions {
        formats: cfg.formats.clone(),
        svg_text: args.svg_text,
    };
    let summary = spread::write(
        run,
        &spread::SpreadOptions {
            out: out.clone(),
            headline: Some(cfg.category.clone()),
            categories: vec![cfg.category.clone()],
            years: filter.years,
            event_types: filter.event_types.clone(),
            min_precision: filter.min_precision,
            style: maps.style.clone(),
            image: image.clone(),
            ..spread::SpreadOptions::for_study(&run.setup.study)?
        },
    )?;
    let expansion = spread::write_expansion(
        &run.loaded,
        maps,
        &spread::ExpansionOptions {
            out: out.clone(),
            image: image.clone(),
            ..spread::ExpansionOptions::default()
        },
    )?;
    let change = spread::write_change(
        &run.loaded,
        maps,
        &spread::ChangeOptions {
            out: out.clone(),
            image: image.clone(),
            ..spread::ChangeOptions::default()
        },
    )?;
    let choropleths = choropleth::write(run, maps, &choropleth::ChoroplethOptions { out, image })?;
    Ok(SpreadSection {
        summary,
        expansion,
        change,
        choropleths,
    })
}

/// The density options with the top of their yearly colour scale fixed at the maps':
/// what is drawn from them (animation, tiles) shows a density in the same colour as the
/// maps and the layers.
fn on_maps_scale(maps: &MapSet, density: &DensityOptions) -> DensityOptions {
    DensityOptions {
        max: Some(f64::from(maps.densities.year_scale.max)),
        ..density.clone()
    }
}

/// `path` itself if it is a file, else every file below it (the XYZ tile folders).
/// Hand-written: a dozen lines of std do not warrant a directory-walking dependency.
fn files_under(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if !path.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    for entry in std::fs::read_dir(path).map_err(|e| Error::io(path, e))? {
        let entry = entry.map_err(|e| Error::io(path, e))?;
        files_under(&entry.path(), out)?;
    }
    Ok(())
}

/// The layer files and the QGIS style written beside each GeoJSON and GeoTIFF.
fn with_styles(layers: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in layers {
        out.push(p.clone());
        if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("geojson" | "tif")
        ) {
            out.push(p.with_extension("qml"));
        }
    }
    out
}

/// "quartic kernel, 25 km bandwidth".
pub fn kernel_note(kernel: Kernel, bandwidth_km: f64) -> String {
    let k = match kernel {
        Kernel::Quartic => "quartic (biweight, as QGIS's heatmap; zero beyond the bandwidth)",
        Kernel::Gaussian => "Gaussian (σ = bandwidth)",
    };
    format!("{k} kernel, {bandwidth_km} km bandwidth on the ground")
}

impl ReportConfig {
    /// The filter of the run: the study's years unless the options give theirs.
    pub fn filter(&self, args: &ReportOptions) -> Filter {
        Filter {
            years: args.filter.years.or(self.years.map(|[a, b]| (a, b))),
            ..args.filter.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{StudyOptions, setup};

    /// The report reads the events' details only when its products include the layers
    /// or the tiles.
    #[test]
    fn details_are_read_only_for_the_layers_and_tiles() {
        let s = setup(&StudyOptions::default()).unwrap();
        assert!(needs_details(&s, &ReportOptions::default()).unwrap());
        let without = ReportOptions {
            products: vec![Product::Zones, Product::Maps, Product::Page],
            ..ReportOptions::default()
        };
        assert!(!needs_details(&s, &without).unwrap());
        let with = ReportOptions {
            products: vec![Product::Zones, Product::Layers],
            ..ReportOptions::default()
        };
        assert!(needs_details(&s, &with).unwrap());
        let tiles = ReportOptions {
            products: vec![Product::Zones, Product::Tiles],
            ..ReportOptions::default()
        };
        assert!(needs_details(&s, &tiles).unwrap());
    }
}
