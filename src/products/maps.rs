//! The maps: one heatmap PNG per year plus an all-years map, all on one colour
//! scale, with the study's zones and full map furniture.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::error::Result;
use crate::model::Style;
use crate::output::lock;
use crate::products::density::{self, Densities, DensityOptions, ViewOptions, YearGrid};
use crate::render::compose::{MapView, basemap};
use crate::render::ramp::ColourScale;
use crate::render::scene::{DensityImage, MapScene};
use crate::render::svg::{TextMode, print_dpi, scene_svg, write_vector};
use crate::render::{ImageFormat, render, write_png};
use crate::run::{Filter, Run, Setup};

/// What a [`MapSet`] is made from: the map, the density, the events counted and the pixel
/// scale of the renders (1, or 2 for print).
#[derive(Debug, Clone, PartialEq)]
pub struct MapOptions {
    pub view: ViewOptions,
    pub density: DensityOptions,
    pub filter: Filter,
    pub scale: u32,
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions {
            view: ViewOptions::default(),
            density: DensityOptions::default(),
            filter: Filter::default(),
            scale: 1,
        }
    }
}

/// The `maps` product: one PNG per year and one of all years, into `out`/maps/.
#[derive(Debug, Clone, PartialEq)]
pub struct MapsOptions {
    pub map: MapOptions,
    /// Also draw the events as points.
    pub points: bool,
    /// The image formats written (PNG, SVG, PDF), each from the same scene.
    pub formats: Vec<ImageFormat>,
    /// How SVG text is written (text in the embedded font, or glyph outlines).
    pub svg_text: TextMode,
    /// The output folder (the maps go to `out`/maps/).
    pub out: PathBuf,
}

impl Default for MapsOptions {
    fn default() -> Self {
        MapsOptions {
            map: MapOptions::default(),
            points: false,
            formats: vec![ImageFormat::Png],
            svg_text: TextMode::default(),
            out: PathBuf::from("output"),
        }
    }
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

impl MapSet {
    /// Builds the map set of `args` for the events of `run` (use [`Run::maps`], which
    /// computes it once per options). Laps "basemap", "grid" and "density".
    pub fn prepare(run: &Run, args: &MapOptions) -> Result<MapSet> {
        let (setup, loaded) = (&run.setup, &run.loaded);
        let style = density::style(&args.view)?;
        let zones = run.zones()?;
        // The scene template: its frame decides the map view.
        let mut template = MapScene::new(style.clone(), "", "", run.credits());
        template.scale = args.scale as f32;
        template.synthetic = loaded.synthetic;
        // Every map has a title and a subtitle (set per map below): lay the page out with
        // them, so that the view is fitted to the frame the maps are drawn in.
        template.title = "Title".into();
        template.subtitle = "Subtitle".into();
        template.relayout();
        let view = density::view(&args.view, &style, setup, template.frame)?;
        basemap(&mut template, &view, &setup.boundaries, zones);
        run.lap("basemap");
        let densities = density::compute(&args.density, &args.filter, run, &view, &style)?;
        Ok(MapSet {
            described: densities.describe(&args.density),
            filters: args.filter.note(),
            style,
            view,
            template,
            densities,
        })
    }

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

/// Draws the maps of `args` (one per year and one of all years, on the run's map set)
/// and writes them to `args.out`/maps/; returns the files written. Laps "draw" (PNGs
/// drawn and written) and "vector" (SVG, PDF), for the formats asked.
pub fn write(run: &Run, args: &MapsOptions) -> Result<Vec<PathBuf>> {
    let maps = run.maps(&args.map)?;
    let _hold = lock::hold(&args.out)?;
    let (setup, loaded) = (&run.setup, &run.loaded);
    let d = &maps.densities;
    let cat = &d.category;
    let events = &loaded.read.events;
    let out_dir = args.out.join("maps");
    let dpi = (args.map.scale >= 2).then_some(300);
    let scene_of = |g: &YearGrid| {
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
        scene
    };
    let slug = &cat.id;
    let path_of = |g: &YearGrid| {
        out_dir.join(match g.year {
            Some(y) => format!("{slug}_{y}.png"),
            None => format!("{slug}_all_years.png"),
        })
    };
    let mut paths = Vec::new();
    if args.formats.contains(&ImageFormat::Png) {
        // Each map drawn and written in turn: a 1600 × 1200 pixmap is 7.7 MB, and
        // holding every year's until all were drawn cost a hundred megabytes.
        paths = d
            .grids
            .par_iter()
            .map(|g| {
                let path = path_of(g);
                write_png(&render(&scene_of(g))?, &path, dpi).map(|_| path)
            })
            .collect::<Result<_>>()?;
        run.lap("draw");
    }
    if args.formats.iter().any(|f| *f != ImageFormat::Png) {
        let vector: Vec<Vec<PathBuf>> = d
            .grids
            .par_iter()
            .map(|g| {
                let scene = scene_of(g);
                let svg = scene_svg(&scene, args.svg_text)?;
                write_vector(&svg, &path_of(g), &args.formats, print_dpi(scene.scale))
            })
            .collect::<Result<_>>()?;
        paths.extend(vector.into_iter().flatten());
        run.lap("vector");
    }
    Ok(paths)
}
