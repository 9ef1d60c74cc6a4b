//! `conflictmap report`: the whole study in one run. The events are loaded, classified
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

use crate::analysis::density::Kernel;
use crate::cli::animate::animate_loaded;
use crate::cli::args::{
    AnimateArgs, DensityArgs, EventArgs, FilterArgs, MapsArgs, ReportArgs, StepArg, TileFormat,
    TilesArgs, ViewArgs, WindowArg, ZonesArgs,
};
use crate::cli::density;
use crate::cli::layers::layers_loaded;
use crate::cli::load::{Loaded, Setup, load_events, setup, zone_events};
use crate::cli::maps::{MapSet, maps_loaded, prepare};
use crate::cli::progress::Stages;
use crate::cli::stopwatch::Stopwatch;
use crate::cli::tiles::tiles_loaded;
use crate::cli::zones::tabulate_loaded;
use crate::error::{Error, Result};
use crate::model::study::Product;

pub use config::ReportConfig;

/// What a run wrote, by kind (for the summary, the page and the manifest).
#[derive(Debug, Default)]
pub struct Written {
    pub tables: Vec<PathBuf>,
    pub maps: Vec<PathBuf>,
    pub charts: Vec<PathBuf>,
    pub layers: Vec<PathBuf>,
    /// The GIF first, then the APNG, the frame table and the frames.
    pub animation: Vec<PathBuf>,
    /// Every file of the web tiles (sorted by path): the XYZ tiles, the MBTiles and
    /// PMTiles files, tiles.json and the viewer (tiles/index.html and its files).
    pub tiles: Vec<PathBuf>,
    pub page: Vec<PathBuf>,
}

impl Written {
    /// Every file, grouped and labelled, in summary order.
    pub fn groups(&self) -> [(&'static str, &[PathBuf]); 7] {
        [
            ("tables", &self.tables),
            ("maps", &self.maps),
            ("charts", &self.charts),
            ("layers", &self.layers),
            ("animation", &self.animation),
            ("tiles", &self.tiles),
            ("report", &self.page),
        ]
    }

    pub fn all(&self) -> impl Iterator<Item = &PathBuf> {
        self.groups().into_iter().flat_map(|(_, v)| v.iter())
    }
}

pub fn run(args: &ReportArgs) -> Result<()> {
    let mut stages = Stages::new();
    stages.start("setup");
    let setup = setup(&args.study)?;
    let cfg = ReportConfig::resolve(&setup, args)?;
    stages.start("read and classify events");
    let (loaded, input_hashes) = load_hashed(&setup, &args.events)?;
    let input_names = input_hashes
        .iter()
        .map(|h| h.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    stages.start("zones");
    let zoned = zone_events(&setup, &loaded)?;
    let zones_args = ZonesArgs {
        study: args.study.clone(),
        events: args.events.clone(),
        filter: cfg.filter(args),
        category_ids: Vec::new(),
        as_of: args.as_of,
        window_months: args.window_months,
        ring_km: None,
        band_km: None,
        band_neighbours: Vec::new(),
        out: args.out.clone(),
    };
    let mut tables = tabulate_loaded(&setup, &loaded, &zoned, &zones_args)?;
    let mut written = Written::default();
    if cfg.wants(Product::Zones) {
        tables.write(&args.out)?;
        written.tables = tables.paths.clone();
    }

    let maps_args = MapsArgs {
        study: args.study.clone(),
        events: args.events.clone(),
        filter: cfg.filter(args),
        density: DensityArgs {
            category_id: cfg.category.clone(),
            weight: args.weight,
            bandwidth_km: args.bandwidth_km,
            kernel: args.kernel,
            cell_km: None,
            max: None,
        },
        view: ViewArgs {
            style: cfg.style.clone(),
            extent: cfg.extent.clone(),
        },
        scale: 1,
        points: false,
        out: args.out.clone(),
    };
    let needs_density = [
        Product::Maps,
        Product::Layers,
        Product::Charts,
        Product::Animation,
        Product::Tiles,
    ]
    .iter()
    .any(|p| cfg.wants(*p));
    let mut sw = Stopwatch::new();
    let maps: Option<MapSet> = if needs_density {
        stages.start("densities (one colour scale)");
        let style = density::style(&maps_args.view)?;
        Some(prepare(
            &setup,
            &loaded,
            &zoned.zones,
            style,
            (&maps_args).into(),
            &mut sw,
        )?)
    } else {
        None
    };
    if let Some(m) = maps.as_ref().filter(|_| cfg.wants(Product::Maps)) {
        stages.start("maps");
        written.maps = maps_loaded(&setup, &loaded, m, &maps_args, &mut sw)?;
    }
    if let Some(m) = maps.as_ref().filter(|_| cfg.wants(Product::Layers)) {
        stages.start("GIS layers");
        written.layers = layers_loaded(&setup, &loaded, &zoned, m, &args.out)?;
        // The .qml styles beside the layers are products too.
        written.layers = with_styles(&written.layers);
    }
    if let Some(m) = maps.as_ref().filter(|_| cfg.wants(Product::Animation)) {
        stages.start("animation");
        written.animation = animation(&setup, &loaded, m, &maps_args)?;
    }
    if let Some(m) = maps.as_ref().filter(|_| cfg.wants(Product::Tiles)) {
        stages.start("web tiles");
        written.tiles = tiles(&setup, &loaded, m, &maps_args, args.tile_zooms)?;
    }
    let chart_set = match maps.as_ref().filter(|_| cfg.wants(Product::Charts)) {
        Some(m) => {
            stages.start("charts");
            let c = charts::make(&setup, &loaded, &zoned, &tables, m, &cfg, &maps_args)?;
            written.charts = c.write(&args.out, m)?;
            Some(c)
        }
        None => None,
    };
    if cfg.wants(Product::Page) {
        stages.start("report page");
        let facts = page::Facts {
            cfg: &cfg,
            setup: &setup,
            loaded: &loaded,
            tables: &tables,
            maps: maps.as_ref(),
            charts: chart_set.as_ref(),
            written: &written,
            out: &args.out,
            input_name: &input_names,
        };
        written.page = page::write(&facts)?;
    }
    stages.start("manifest");
    let manifest = manifest::write(&args.out, &cfg, &loaded, &input_hashes, &written)?;
    stages.finish();
    drop(stages);

    eprint!("{}", loaded.read.summary);
    summary(&args.out, &written, &manifest);
    Ok(())
}

/// Reads the events and hashes the input file at the same time (on another thread): the
/// manifest names the exact input.
fn load_hashed(setup: &Setup, args: &EventArgs) -> Result<(Loaded, Vec<manifest::InputHash>)> {
    std::thread::scope(|s| {
        let hash = s.spawn(|| manifest::hash_inputs(&args.events));
        let loaded = load_events(setup, args)?;
        let hash = hash.join().expect("the hashing thread does not panic")?;
        Ok((loaded, hash))
    })
}

/// The maps' density settings with the top of their yearly colour scale fixed: what is
/// drawn from them (animation, tiles) shows a density in the same colour as the maps.
fn on_maps_scale(maps: &MapSet, maps_args: &MapsArgs) -> DensityArgs {
    DensityArgs {
        max: Some(f64::from(maps.densities.year_scale.max)),
        ..maps_args.density.clone()
    }
}

/// The yearly animation on the maps' colour scale (the same top value: a colour means
/// the same density in the maps, the animation and the layers).
fn animation(
    setup: &Setup,
    loaded: &Loaded,
    maps: &MapSet,
    maps_args: &MapsArgs,
) -> Result<Vec<PathBuf>> {
    let args = AnimateArgs {
        study: maps_args.study.clone(),
        events: maps_args.events.clone(),
        filter: maps_args.filter.clone(),
        density: on_maps_scale(maps, maps_args),
        view: maps_args.view.clone(),
        step: StepArg::Year,
        window: WindowArg::Step,
        window_months: 12,
        trail: 0,
        width: 1200,
        delay_ms: 800,
        hold_ms: 3000,
        loops: 0,
        out: maps_args.out.clone(),
    };
    let a = animate_loaded(setup, loaded, &args, &maps_args.out)?;
    let mut files = vec![a.gif, a.apng, a.table];
    files.extend(a.frames);
    Ok(files)
}

/// The web tiles and their viewer on the maps' colour scale (the same top value, so a
/// colour means the same density on the web map as in the maps); every file written.
fn tiles(
    setup: &Setup,
    loaded: &Loaded,
    maps: &MapSet,
    maps_args: &MapsArgs,
    zooms: (u8, u8),
) -> Result<Vec<PathBuf>> {
    let args = TilesArgs {
        study: maps_args.study.clone(),
        events: maps_args.events.clone(),
        filter: maps_args.filter.clone(),
        density: on_maps_scale(maps, maps_args),
        view: maps_args.view.clone(),
        zooms,
        formats: vec![TileFormat::Xyz, TileFormat::Mbtiles, TileFormat::Pmtiles],
        tile_size: 256,
        overlays: false,
        no_viewer: false,
        out: maps_args.out.clone(),
    };
    let written = tiles_loaded(setup, loaded, &args, &maps_args.out)?;
    let mut files = Vec::new();
    for p in &written {
        files_under(p, &mut files)?;
    }
    files.sort();
    Ok(files)
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

/// The closing summary: what was written where, by kind.
fn summary(out: &Path, written: &Written, manifest: &Path) {
    eprintln!("Report written to {}:", out.display());
    for (kind, files) in written.groups() {
        if files.is_empty() {
            continue;
        }
        // Folders two levels deep at most: the tiles' z/x folders are not listed.
        let mut dirs: Vec<String> = files
            .iter()
            .map(|f| {
                let rel = f.strip_prefix(out).unwrap_or(f);
                match rel.parent().filter(|p| !p.as_os_str().is_empty()) {
                    Some(d) => {
                        let top: PathBuf = d.components().take(2).collect();
                        format!("{}/", top.display())
                    }
                    None => rel.display().to_string(),
                }
            })
            .collect();
        dirs.sort();
        dirs.dedup();
        let shown = if files.len() <= 3 {
            files
                .iter()
                .map(|f| f.strip_prefix(out).unwrap_or(f).display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            format!("{} files in {}", files.len(), dirs.join(", "))
        };
        eprintln!("  {kind:<9} {shown}");
    }
    eprintln!(
        "  {:<9} {} (every file above with its SHA-256)",
        "manifest",
        manifest.strip_prefix(out).unwrap_or(manifest).display()
    );
    if written.page.iter().any(|p| p.ends_with("report.html")) {
        eprintln!("Open {} in a browser.", out.join("report.html").display());
    }
    if let Some(viewer) = written
        .tiles
        .iter()
        .find(|p| p.ends_with("tiles/index.html"))
    {
        eprintln!(
            "Web map: open {} (works offline), or `conflictmap serve {}`.",
            viewer.display(),
            out.join("tiles").display()
        );
    }
}

/// "quartic kernel, 25 km bandwidth".
pub fn kernel_note(kernel: Kernel, bandwidth_km: f64) -> String {
    let k = match kernel {
        Kernel::Quartic => "quartic (biweight, as QGIS's heatmap; zero beyond the bandwidth)",
        Kernel::Gaussian => "Gaussian (σ = bandwidth)",
    };
    format!("{k} kernel, {bandwidth_km} km bandwidth on the ground")
}

/// Filters of the run as [`FilterArgs`] (the study's years unless `--years`).
fn filter_of(cfg: &ReportConfig, args: &ReportArgs) -> FilterArgs {
    FilterArgs {
        years: args.filter.years.or(cfg.years.map(|[a, b]| (a, b))),
        ..args.filter.clone()
    }
}

impl ReportConfig {
    pub fn filter(&self, args: &ReportArgs) -> FilterArgs {
        filter_of(self, args)
    }
}
