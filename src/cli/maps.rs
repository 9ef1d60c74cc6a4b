//! `conflictmap maps`: one heatmap PNG per year plus an all-years map, all on one colour
//! scale, with the study's zones and full map furniture.

use std::path::PathBuf;

use chrono::Datelike;
use rayon::prelude::*;

use crate::analysis::density::{self, DensityGrid, DensityPlan, Kernel, UNIT_LABEL};
use crate::analysis::projection::MapProjection;
use crate::analysis::zones;
use crate::cli::args::{KernelArg, MapsArgs, Weight};
use crate::cli::filter::passes;
use crate::cli::load::{Loaded, Setup, load_events_timed, setup};
use crate::cli::stopwatch::Stopwatch;
use crate::error::{Error, Result};
use crate::model::Style;
use crate::render::compose::{MapView, basemap};
use crate::render::ramp::{ColourScale, RampName, ScaleKind};
use crate::render::scene::{DensityImage, MapScene};
use crate::render::{render, write_png};
use crate::units::Km;

/// One map to draw: a year, or every year.
struct Frame {
    label: String,
    file: String,
    grid: DensityGrid,
}

pub fn run(args: &MapsArgs) -> Result<()> {
    run_timed(args, &mut Stopwatch::new()).map(|_| ())
}

/// Runs the maps pipeline, timing its stages (read, classify, basemap, grid, density,
/// draw, encode); returns the files written.
pub fn run_timed(args: &MapsArgs, sw: &mut Stopwatch) -> Result<Vec<PathBuf>> {
    if !(args.bandwidth_km.is_finite() && args.bandwidth_km > 0.0) {
        return Err(Error::Usage(format!(
            "--bandwidth-km must be a positive number, not {}",
            args.bandwidth_km
        )));
    }
    let setup = setup(&args.study)?;
    sw.lap("setup");
    let loaded = load_events_timed(&setup, &args.events, sw)?;
    let style = match args.style.as_str() {
        "report" | "dark" => Style::builtin(&args.style)?,
        path => Style::load(path)?,
    };
    let category = setup
        .categories
        .index_of(&args.category_id)
        .ok_or_else(|| {
            let known: Vec<&str> = setup
                .categories
                .list()
                .iter()
                .map(|c| c.id.as_str())
                .collect();
            Error::Usage(format!(
                "--category {}: no such category; known: {}",
                args.category_id,
                known.join(", ")
            ))
        })?;
    let zones = zones::resolve(&setup.study.zones, &setup.boundaries)?;
    let extent = extent(&args.extent, &style, &setup)?;
    let crs = if style.map.crs.trim().is_empty() {
        crate::analysis::projection::default_crs_for(extent)
    } else {
        style.map.crs.clone()
    };
    let proj = MapProjection::new(&crs)?;

    // The scene template: its frame decides the map view.
    let mut template = MapScene::new(style.clone(), "", "", credits(&setup, &loaded));
    template.scale = args.scale as f32;
    template.synthetic = loaded.synthetic;
    let view = MapView::fit(proj, extent, template.frame)?;
    basemap(&mut template, &view, &setup.boundaries, &zones);
    sw.lap("basemap");

    // The events mapped, projected once.
    let events = &loaded.read.events;
    let selected: Vec<usize> = (0..events.len())
        .filter(|&i| {
            let e = &events.events[i];
            loaded.classes[i].contains(category)
                && passes(e, events, &args.filter)
                && args
                    .filter
                    .years
                    .is_none_or(|(a, b)| (a..=b).contains(&e.year()))
        })
        .collect();
    let positions: Vec<_> = selected
        .iter()
        .map(|&i| events.events[i].position)
        .collect();
    let xy = view.projection().project_all_xy(&positions);
    let weights: Option<Vec<f32>> = (args.weight == Weight::Fatalities).then(|| {
        selected
            .iter()
            .map(|&i| events.events[i].fatalities as f32)
            .collect()
    });

    // Density per year on one grid, one kernel plan.
    let cell_m = match args.cell_km {
        Some(km) => view.map_metres(
            Km::new(km)
                .filter(|k| k.get() > 0.0)
                .ok_or_else(|| Error::Usage(format!("--cell-km must be positive, not {km}")))?,
        ),
        None => view.metres_per_px(),
    };
    let kernel = match args.kernel {
        KernelArg::Quartic => Kernel::Quartic,
        KernelArg::Gaussian => Kernel::Gaussian,
    };
    let bandwidth_m = view.map_metres(Km::new(args.bandwidth_km).expect("checked above"));
    let spec = view.grid(cell_m);
    let margin = kernel.support_m(bandwidth_m);
    let years = year_range(args, &loaded)?;
    let bin_years = |keep: &dyn Fn(i32) -> bool| {
        let idx: Vec<usize> = (0..selected.len())
            .filter(|&k| keep(events.events[selected[k]].year()))
            .collect();
        let pts: Vec<[f64; 2]> = idx.iter().map(|&k| xy[k]).collect();
        let w: Option<Vec<f32>> = weights
            .as_ref()
            .map(|w| idx.iter().map(|&k| w[k]).collect());
        density::bin(&spec, margin, &pts, w.as_deref())
    };
    let all = bin_years(&|_| true);
    let per_year: Vec<_> = years
        .clone()
        .into_par_iter()
        .map(|year| (year, bin_years(&|y| y == year)))
        .collect();
    sw.lap("grid");
    let plan = DensityPlan::new(&all, kernel, bandwidth_m);
    let slug = &args.category_id;
    let mut frames: Vec<Frame> = per_year
        .par_iter()
        .map(|(year, binned)| Frame {
            label: year.to_string(),
            file: format!("{slug}_{year}.png"),
            grid: plan.apply(binned),
        })
        .collect();
    frames.push(Frame {
        label: format!("{}–{}", years.start(), years.end()),
        file: format!("{slug}_all_years.png"),
        grid: plan.apply(&all),
    });
    drop(per_year);
    drop(all);
    sw.lap("density");

    // One colour scale for every yearly map (the all-years map sums every year, so it
    // gets its own scale, stated in its legend).
    let ramp: RampName = style
        .density
        .ramp
        .parse()
        .map_err(|e| Error::Usage(format!("style {}: density.ramp: {e}", style.name)))?;
    let yearly: Vec<&DensityGrid> = frames[..frames.len() - 1].iter().map(|f| &f.grid).collect();
    let scale_for = |grids: &[&DensityGrid]| {
        let max = args
            .max
            .map(|m| m as f32)
            .unwrap_or_else(|| density::max_value(grids));
        ColourScale {
            ramp,
            max,
            threshold: (style.density.threshold as f32) * max,
            scale: ScaleKind::Sqrt,
        }
    };
    let year_scale = scale_for(&yearly);
    let all_scale = scale_for(&[&frames[frames.len() - 1].grid]);

    let cat = &setup.categories.list()[category];
    let unit = match args.weight {
        Weight::Events => UNIT_LABEL.to_string(),
        Weight::Fatalities => UNIT_LABEL.replace("events", &cat.deaths_label),
    };
    let subtitle = format!(
        "Kernel density of {} ({} kernel, {} km bandwidth){}; same colour scale for every year",
        match args.weight {
            Weight::Events => cat.label.clone(),
            Weight::Fatalities => format!("{} in {}", cat.deaths_label, cat.label),
        },
        match kernel {
            Kernel::Quartic => "quartic",
            Kernel::Gaussian => "Gaussian",
        },
        args.bandwidth_km,
        filter_note(args)
    );
    let out_dir = args.out.join("maps");
    let dpi = (args.scale >= 2).then_some(300);
    let drawn: Vec<Result<tiny_skia::Pixmap>> = frames
        .par_iter()
        .enumerate()
        .map(|(i, f)| {
            let last = i == frames.len() - 1;
            let scale = if last { &all_scale } else { &year_scale };
            let mut scene = template.clone();
            scene.title = format!("{} in {}, {}", cat.label, setup.boundaries.name(), f.label);
            scene.subtitle = if last {
                subtitle.replace("same colour scale for every year", "all years together")
            } else {
                subtitle.clone()
            };
            scene.add_density(DensityImage {
                width: f.grid.spec.width as u32,
                height: f.grid.spec.height as u32,
                pixels: scale.colourize(&f.grid),
                rect: view.grid_rect(&f.grid.spec),
                opacity: style.density.opacity,
                clip: Vec::new(),
                smooth: true,
            });
            let stops = scale
                .legend_stops(6)
                .into_iter()
                .map(|(v, c)| (f64::from(v), c))
                .collect();
            scene.set_ramp(&cat.label, &unit, stops);
            if args.points {
                let pts = selected
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| last || events.events[**e].year().to_string() == f.label)
                    .map(|(k, _)| view.px_xy(xy[k]))
                    .collect();
                scene.add_events(&cat.id, &cat.label, pts);
            }
            render(&scene)
        })
        .collect();
    let drawn: Vec<tiny_skia::Pixmap> = drawn.into_iter().collect::<Result<_>>()?;
    sw.lap("draw");
    let paths: Vec<PathBuf> = drawn
        .par_iter()
        .zip(&frames)
        .map(|(pixmap, f)| {
            let path = out_dir.join(&f.file);
            write_png(pixmap, &path, dpi).map(|_| path)
        })
        .collect::<Result<_>>()?;
    sw.lap("encode");
    eprint!("{}", loaded.read.summary);
    eprintln!(
        "Mapped {} events ({}) on one colour scale (top: {:.2} {unit}); wrote {} maps to {}",
        selected.len(),
        cat.label,
        year_scale.max,
        paths.len(),
        out_dir.display()
    );
    Ok(paths)
}

/// The years mapped: `--years`, else the years of the data.
fn year_range(args: &MapsArgs, loaded: &Loaded) -> Result<std::ops::RangeInclusive<i32>> {
    if let Some((a, b)) = args.filter.years {
        return Ok(a..=b);
    }
    let (a, b) = loaded
        .read
        .events
        .date_range()
        .ok_or_else(|| Error::Usage(format!("{}: no events to map", loaded.input)))?;
    Ok(a.year()..=b.year())
}

/// The map extent from `--extent`: the country, a named extent of the style, or a bbox.
fn extent(arg: &str, style: &Style, setup: &Setup) -> Result<[f64; 4]> {
    if arg == "country" {
        use geo::BoundingRect;
        let r = setup
            .boundaries
            .outline()
            .bounding_rect()
            .ok_or_else(|| Error::Usage("the country outline is empty".into()))?;
        // A margin of 3 % so the outline does not touch the frame.
        let (dx, dy) = (0.03 * r.width(), 0.03 * r.height());
        return Ok([
            r.min().x - dx,
            r.min().y - dy,
            r.max().x + dx,
            r.max().y + dy,
        ]);
    }
    if let Some(b) = style.extent(arg) {
        return Ok(b);
    }
    let nums: Vec<f64> = arg
        .split(',')
        .map(|s| s.trim().parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| {
            let named: Vec<&str> = style.extents.keys().map(String::as_str).collect();
            Error::Usage(format!(
                "--extent {arg}: expected \"country\", one of the style's extents ({}), or WEST,SOUTH,EAST,NORTH",
                named.join(", ")
            ))
        })?;
    match nums[..] {
        [w, s, e, n]
            if w < e
                && s < n
                && (-180.0..=180.0).contains(&w)
                && (-90.0..=90.0).contains(&s)
                && e <= 180.0
                && n <= 90.0 =>
        {
            Ok([w, s, e, n])
        }
        _ => Err(Error::Usage(format!(
            "--extent {arg}: not a WEST,SOUTH,EAST,NORTH box in degrees"
        ))),
    }
}

fn credits(setup: &Setup, loaded: &Loaded) -> Vec<String> {
    let mut c = vec![loaded.attribution()];
    c.extend(setup.boundaries.credits().iter().cloned());
    c
}

fn filter_note(args: &MapsArgs) -> String {
    let f = &args.filter;
    let mut parts = Vec::new();
    if !f.event_types.is_empty() {
        parts.push(format!("event types: {}", f.event_types.join(", ")));
    }
    if let Some(p) = f.min_precision {
        parts.push(format!("geo_precision ≤ {p}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("; {}", parts.join("; "))
    }
}
