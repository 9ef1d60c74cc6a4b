//! `conflictmap maps`: one heatmap PNG per year plus an all-years map, all on one colour
//! scale, with the study's zones and full map furniture.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::analysis::zones;
use crate::cli::args::{DensityArgs, FilterArgs, MapsArgs, ViewArgs};
use crate::cli::density::{self, Densities, YearGrid};
use crate::cli::load::{Loaded, Setup, load_events_timed, setup};
use crate::cli::stopwatch::Stopwatch;
use crate::error::Result;
use crate::model::Style;
use crate::render::compose::{MapView, basemap};
use crate::render::ramp::ColourScale;
use crate::render::scene::{DensityImage, MapScene};
use crate::render::{render, write_png};

pub fn run(args: &MapsArgs) -> Result<()> {
    run_timed(args, &mut Stopwatch::new()).map(|_| ())
}

/// Runs the maps pipeline, timing its stages (setup, read, classify, basemap, grid,
/// density, draw, encode); returns the files written.
pub fn run_timed(args: &MapsArgs, sw: &mut Stopwatch) -> Result<Vec<PathBuf>> {
    let setup = setup(&args.study)?;
    let style = density::style(&args.view)?;
    sw.lap("setup");
    let loaded = load_events_timed(&setup, &args.events, sw)?;
    let zones = zones::resolve(&setup.study.zones, &setup.boundaries)?;
    let maps = prepare(&setup, &loaded, &zones, style, args.into(), sw)?;
    let paths = maps_loaded(&setup, &loaded, &maps, args, sw)?;
    let d = &maps.densities;
    eprint!("{}", loaded.read.summary);
    eprintln!(
        "Mapped {} events ({}, {}) on one colour scale (top: {:.2} {}); wrote {} maps to {}",
        d.selected.len(),
        d.category.label,
        density::span(&d.years),
        d.year_scale.max,
        d.unit,
        paths.len(),
        args.out.join("maps").display()
    );
    Ok(paths)
}

/// What every map of a run shares: the style, the view, the scene template (basemap,
/// zones, credits) and the densities on one grid with one colour scale. Computed once
/// and used by the maps, the GIS layers and the report's charts.
pub struct MapSet {
    pub style: Style,
    pub view: MapView,
    pub template: MapScene,
    pub densities: Densities,
    /// "; event types: …; geo_precision ≤ 2" (empty without filters).
    pub filters: String,
    pub described: String,
}

/// What a [`MapSet`] is made from.
pub struct MapSetArgs<'a> {
    pub view: &'a ViewArgs,
    pub density: &'a DensityArgs,
    pub filter: &'a FilterArgs,
    /// Pixel scale of the renders (1, or 2 for print).
    pub scale: u32,
}

impl<'a> From<&'a MapsArgs> for MapSetArgs<'a> {
    fn from(a: &'a MapsArgs) -> Self {
        MapSetArgs {
            view: &a.view,
            density: &a.density,
            filter: &a.filter,
            scale: a.scale,
        }
    }
}

/// Builds the [`MapSet`] of `args` for loaded events. Laps "basemap", "grid" and
/// "density".
pub fn prepare(
    setup: &Setup,
    loaded: &Loaded,
    zones: &[zones::Zone],
    style: Style,
    args: MapSetArgs,
    sw: &mut Stopwatch,
) -> Result<MapSet> {
    // The scene template: its frame decides the map view.
    let mut template = MapScene::new(style.clone(), "", "", credits(setup, loaded));
    template.scale = args.scale as f32;
    template.synthetic = loaded.synthetic;
    // Every map has a title and a subtitle (set per map below): lay the page out with
    // them, so that the view is fitted to the frame the maps are drawn in.
    template.title = "Title".into();
    template.subtitle = "Subtitle".into();
    template.relayout();
    let view = density::view(args.view, &style, setup, template.frame)?;
    basemap(&mut template, &view, &setup.boundaries, zones);
    sw.lap("basemap");
    let densities = density::compute(args.density, args.filter, setup, loaded, &view, &style, sw)?;
    Ok(MapSet {
        described: densities.describe(args.density),
        filters: filter_note(args.filter),
        style,
        view,
        template,
        densities,
    })
}

impl MapSet {
    /// The scale of a grid: the shared yearly scale, or the all-years grid's own.
    pub fn scale_of(&self, g: &YearGrid) -> &ColourScale {
        if g.year.is_some() {
            &self.densities.year_scale
        } else {
            &self.densities.all_scale
        }
    }

    /// The density raster of `g` for a scene drawn in `view`.
    pub fn density_image(&self, g: &YearGrid, view: &MapView) -> DensityImage {
        DensityImage {
            width: g.grid.spec.width as u32,
            height: g.grid.spec.height as u32,
            pixels: self.scale_of(g).colourize(&g.grid),
            rect: view.grid_rect(&g.grid.spec),
            opacity: self.style.density.opacity,
            clip: Vec::new(),
            smooth: true,
        }
    }

    /// The legend stops of `g`'s scale.
    pub fn legend_stops(&self, g: &YearGrid) -> Vec<(f64, [u8; 4])> {
        self.scale_of(g)
            .legend_stops(6)
            .into_iter()
            .map(|(v, c)| (f64::from(v), c))
            .collect()
    }

    /// The full map of one grid: title, subtitle, density and legend on the template.
    pub fn scene(&self, setup: &Setup, g: &YearGrid) -> MapScene {
        let (cat, described, filters) = (&self.densities.category, &self.described, &self.filters);
        let mut scene = self.template.clone();
        scene.title = format!("{} in {}, {}", cat.label, setup.boundaries.name(), g.label);
        scene.subtitle = match g.year {
            Some(_) => format!("{described}{filters}; same colour scale for every year"),
            None => format!("{described}{filters}; all years together"),
        };
        scene.add_density(self.density_image(g, &self.view));
        scene.set_ramp(&cat.label, &self.densities.unit, self.legend_stops(g));
        scene
    }
}

/// Draws and writes the maps of `maps` to `args.out`/maps/ (the study and event
/// arguments of `args` are not used). Laps "draw" and "encode".
pub fn maps_loaded(
    setup: &Setup,
    loaded: &Loaded,
    maps: &MapSet,
    args: &MapsArgs,
    sw: &mut Stopwatch,
) -> Result<Vec<PathBuf>> {
    let d = &maps.densities;
    let cat = &d.category;
    let events = &loaded.read.events;
    let out_dir = args.out.join("maps");
    let dpi = (args.scale >= 2).then_some(300);
    let drawn: Vec<tiny_skia::Pixmap> = d
        .grids
        .par_iter()
        .map(|g| {
            let mut scene = maps.scene(setup, g);
            if args.points {
                let pts = d
                    .selected
                    .iter()
                    .zip(&d.xy)
                    .filter(|(e, _)| g.year.is_none_or(|y| events.events[**e].year() == y))
                    .map(|(_, xy)| maps.view.px_xy(*xy))
                    .collect();
                scene.add_events(&cat.id, &cat.label, pts);
            }
            render(&scene)
        })
        .collect::<Result<_>>()?;
    sw.lap("draw");
    let slug = &cat.id;
    let paths: Vec<PathBuf> = drawn
        .par_iter()
        .zip(&d.grids)
        .map(|(pixmap, g)| {
            let name = match g.year {
                Some(y) => format!("{slug}_{y}.png"),
                None => format!("{slug}_all_years.png"),
            };
            let path = out_dir.join(name);
            write_png(pixmap, &path, dpi).map(|_| path)
        })
        .collect::<Result<_>>()?;
    sw.lap("encode");
    Ok(paths)
}

pub fn credits(setup: &Setup, loaded: &Loaded) -> Vec<String> {
    let mut c = vec![loaded.attribution()];
    c.extend(setup.boundaries.credits().iter().cloned());
    c
}

pub fn filter_note(f: &FilterArgs) -> String {
    let mut parts = Vec::new();
    if !f.event_types.is_empty() {
        parts.push(format!("event types: {}", f.event_types.join(", ")));
    }
    if let Some(p) = f.min_precision {
        parts.push(format!("geo_precision ≤ {p}"));
    }
    parts.iter().map(|p| format!("; {p}")).collect()
}
