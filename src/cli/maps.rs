//! `conflictmap maps`: one heatmap PNG per year plus an all-years map, all on one colour
//! scale, with the study's zones and full map furniture.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::analysis::zones;
use crate::cli::args::MapsArgs;
use crate::cli::density;
use crate::cli::load::{Loaded, Setup, load_events_timed, setup};
use crate::cli::stopwatch::Stopwatch;
use crate::error::Result;
use crate::render::compose::basemap;
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

    // The scene template: its frame decides the map view.
    let mut template = MapScene::new(style.clone(), "", "", credits(&setup, &loaded));
    template.scale = args.scale as f32;
    template.synthetic = loaded.synthetic;
    let view = density::view(&args.view, &style, &setup, template.frame)?;
    basemap(&mut template, &view, &setup.boundaries, &zones);
    sw.lap("basemap");

    let d = density::compute(
        &args.density,
        &args.filter,
        &setup,
        &loaded,
        &view,
        &style,
        sw,
    )?;
    let cat = &d.category;
    let described = d.describe(&args.density);
    let filters = filter_note(&args.filter);
    let events = &loaded.read.events;
    let out_dir = args.out.join("maps");
    let dpi = (args.scale >= 2).then_some(300);
    let drawn: Vec<tiny_skia::Pixmap> = d
        .grids
        .par_iter()
        .map(|g| {
            let scale = if g.year.is_some() {
                &d.year_scale
            } else {
                &d.all_scale
            };
            let mut scene = template.clone();
            scene.title = format!("{} in {}, {}", cat.label, setup.boundaries.name(), g.label);
            scene.subtitle = match g.year {
                Some(_) => format!("{described}{filters}; same colour scale for every year"),
                None => format!("{described}{filters}; all years together"),
            };
            scene.add_density(DensityImage {
                width: g.grid.spec.width as u32,
                height: g.grid.spec.height as u32,
                pixels: scale.colourize(&g.grid),
                rect: view.grid_rect(&g.grid.spec),
                opacity: style.density.opacity,
                clip: Vec::new(),
                smooth: true,
            });
            let stops = scale
                .legend_stops(6)
                .into_iter()
                .map(|(v, c)| (f64::from(v), c))
                .collect();
            scene.set_ramp(&cat.label, &d.unit, stops);
            if args.points {
                let pts = d
                    .selected
                    .iter()
                    .zip(&d.xy)
                    .filter(|(e, _)| g.year.is_none_or(|y| events.events[**e].year() == y))
                    .map(|(_, xy)| view.px_xy(*xy))
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
    eprint!("{}", loaded.read.summary);
    eprintln!(
        "Mapped {} events ({}, {}) on one colour scale (top: {:.2} {}); wrote {} maps to {}",
        d.selected.len(),
        cat.label,
        density::span(&d.years),
        d.year_scale.max,
        d.unit,
        paths.len(),
        out_dir.display()
    );
    Ok(paths)
}

pub fn credits(setup: &Setup, loaded: &Loaded) -> Vec<String> {
    let mut c = vec![loaded.attribution()];
    c.extend(setup.boundaries.credits().iter().cloned());
    c
}

pub fn filter_note(f: &crate::cli::args::FilterArgs) -> String {
    let mut parts = Vec::new();
    if !f.event_types.is_empty() {
        parts.push(format!("event types: {}", f.event_types.join(", ")));
    }
    if let Some(p) = f.min_precision {
        parts.push(format!("geo_precision ≤ {p}"));
    }
    parts.iter().map(|p| format!("; {p}")).collect()
}
