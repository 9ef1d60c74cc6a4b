//! What the density products (maps, layers, animation, tiles) share: the style, the map view, and the yearly densities on
//! one grid with one colour scale, so a GeoTIFF holds exactly what a PNG shows.

use std::ops::RangeInclusive;

use chrono::Datelike;

use crate::analysis::density::{
    self, Binned, DensityGrid, DensityPlan, GridSpec, Kernel, UNIT_LABEL,
};
use crate::analysis::projection::{MapProjection, default_crs_for};
use crate::error::{Error, Result};
use crate::run::{Filter, Loaded, Run, Setup, passes};

/// The most cells a density grid may have (f32 grids, with the FFT's padded copies,
/// cost ~12 bytes a cell: 50 million is ~0.6 GB). A tiny `--cell-km` on a country
/// would otherwise ask for ~10^12 cells.
const MAX_GRID_CELLS: f64 = 50e6;
use crate::model::{Category, Style};
use crate::render::compose::MapView;
use crate::render::geom::PxRect;
use crate::render::ramp::{ColourScale, RampName, ScaleKind};
use crate::units::Km;

/// How each event weighs in the density.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Weight {
    /// Every event counts 1: events per 1,000 km².
    #[default]
    Events,
    /// Every event counts its fatalities: deaths per 1,000 km².
    Fatalities,
}

/// What a density shows and how it is computed (maps, layers, animation, tiles).
#[derive(Debug, Clone, PartialEq)]
pub struct DensityOptions {
    /// The category mapped (an id of the study's categories).
    pub category_id: String,
    pub weight: Weight,
    /// Kernel radius (quartic) or standard deviation (Gaussian), in km on the ground.
    pub bandwidth_km: f64,
    pub kernel: Kernel,
    /// Grid cell size in km (default: about one map pixel).
    pub cell_km: Option<f64>,
    /// Top of the colour scale (default: the highest density of any year of the run).
    pub max: Option<f64>,
}

impl Default for DensityOptions {
    fn default() -> Self {
        DensityOptions {
            category_id: "militant_islamist_attack".into(),
            weight: Weight::Events,
            bandwidth_km: 25.0,
            kernel: Kernel::Quartic,
            cell_km: None,
            max: None,
        }
    }
}

/// Which map: the style (a built-in name or a style file) and the extent ("country", a
/// named extent of the style, or "WEST,SOUTH,EAST,NORTH").
#[derive(Debug, Clone, PartialEq)]
pub struct ViewOptions {
    pub style: String,
    pub extent: String,
}

impl Default for ViewOptions {
    fn default() -> Self {
        ViewOptions {
            style: "report".into(),
            extent: "country".into(),
        }
    }
}

pub fn style(args: &ViewOptions) -> Result<Style> {
    match args.style.as_str() {
        "report" | "dark" => Style::builtin(&args.style),
        path => Style::load(path),
    }
}

/// The map view of `args.extent` in `frame`, in the style's CRS (or one chosen for the
/// extent when the style names none).
pub fn view(args: &ViewOptions, style: &Style, setup: &Setup, frame: PxRect) -> Result<MapView> {
    let extent = extent(&args.extent, style, setup)?;
    let crs = if style.map.crs.trim().is_empty() {
        default_crs_for(extent)
    } else {
        style.map.crs.clone()
    };
    MapView::fit(MapProjection::new(&crs)?, extent, frame)
}

/// The map extent from `--extent`: the country, a named extent of the style, or a bbox.
pub fn extent(arg: &str, style: &Style, setup: &Setup) -> Result<[f64; 4]> {
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

/// The density of one year (or of all years).
pub struct YearGrid {
    /// "2024", or "2012–2024" for all years.
    pub label: String,
    /// None for the all-years grid.
    pub year: Option<i32>,
    pub grid: DensityGrid,
}

/// Every yearly density, the all-years one last, with their colour scales.
pub struct Densities {
    pub category: Category,
    pub years: RangeInclusive<i32>,
    pub grids: Vec<YearGrid>,
    /// The scale of every yearly grid (one scale: equal density, equal colour).
    pub year_scale: ColourScale,
    /// The all-years grid's own scale.
    pub all_scale: ColourScale,
    /// "events per 1,000 km²" or "deaths per 1,000 km²".
    pub unit: String,
    pub kernel: Kernel,
    /// Indices (into the event set) of the events mapped, and their map coordinates.
    pub selected: Vec<usize>,
    pub xy: Vec<[f64; 2]>,
}

impl Densities {
    /// "Kernel density of … (quartic kernel, 25 km bandwidth)".
    pub fn describe(&self, args: &DensityOptions) -> String {
        describe(args, &self.category, self.kernel)
    }
}

/// "Kernel density of … (quartic kernel, 25 km bandwidth)".
pub fn describe(args: &DensityOptions, c: &Category, kernel: Kernel) -> String {
    format!(
        "Kernel density of {} ({} kernel, {} km bandwidth)",
        match args.weight {
            Weight::Events => c.label.clone(),
            Weight::Fatalities => format!("{} in {}", c.deaths_label, c.label),
        },
        match kernel {
            Kernel::Quartic => "quartic",
            Kernel::Gaussian => "Gaussian",
        },
        args.bandwidth_km
    )
}

/// The events of one category that pass the filters, projected once, with the grid,
/// margin and kernel they are binned and convolved on: what every density of a run shares.
pub struct Points {
    /// Index of the category in the study's categories.
    pub category: usize,
    /// Indices (into the event set) of the events mapped, and their map coordinates.
    pub selected: Vec<usize>,
    pub xy: Vec<[f64; 2]>,
    /// Per selected event: its weight (fatalities), if weighted.
    weights: Option<Vec<f32>>,
    pub spec: GridSpec,
    margin_m: f64,
    pub kernel: Kernel,
    bandwidth_m: f64,
}

impl Points {
    /// Bins the selected events at positions `ks` (indices into `selected`).
    pub fn bin(&self, ks: impl IntoIterator<Item = usize>) -> Binned {
        let (mut pts, mut w) = (Vec::new(), Vec::new());
        for k in ks {
            pts.push(self.xy[k]);
            if let Some(weights) = &self.weights {
                w.push(weights[k]);
            }
        }
        let w = self.weights.as_ref().map(|_| w.as_slice());
        density::bin(&self.spec, self.margin_m, &pts, w)
    }

    /// Bins every selected event.
    pub fn bin_all(&self) -> Binned {
        density::bin(&self.spec, self.margin_m, &self.xy, self.weights.as_deref())
    }

    /// The kernel density plan of this grid (one per run, applied to every binned grid).
    pub fn plan(&self) -> DensityPlan {
        DensityPlan::new(&self.bin([]), self.kernel, self.bandwidth_m)
    }
}

/// The events a density shows: the category's, through the filters, in the years.
pub struct Selection {
    /// Index of the category in the study's categories.
    pub category: usize,
    /// Indices (into the event set) of the events selected.
    pub selected: Vec<usize>,
    /// `--years`, or the years of the data.
    pub years: RangeInclusive<i32>,
}

/// Checks the density arguments and selects the events of `--category` that pass the
/// filters.
pub fn select(
    args: &DensityOptions,
    filter: &Filter,
    setup: &Setup,
    loaded: &Loaded,
) -> Result<Selection> {
    if !(args.bandwidth_km.is_finite() && args.bandwidth_km > 0.0) {
        return Err(Error::Usage(format!(
            "--bandwidth-km must be a positive number, not {}",
            args.bandwidth_km
        )));
    }
    let cats = &setup.categories;
    let category = cats.index_of(&args.category_id).ok_or_else(|| {
        let known: Vec<&str> = cats.list().iter().map(|c| c.id.as_str()).collect();
        Error::Usage(format!(
            "--category {}: no such category; known: {}",
            args.category_id,
            known.join(", ")
        ))
    })?;
    let events = &loaded.read.events;
    let selected: Vec<usize> = (0..events.len())
        .filter(|&i| {
            let e = &events.events[i];
            loaded.classes[i].contains(category)
                && passes(e, events, filter)
                && filter
                    .years
                    .is_none_or(|(a, b)| (a..=b).contains(&e.year()))
        })
        .collect();
    Ok(Selection {
        category,
        selected,
        years: year_range(filter, loaded)?,
    })
}

/// The style's density ramp.
pub fn ramp(style: &Style) -> Result<RampName> {
    style
        .density
        .ramp
        .parse()
        .map_err(|e| Error::Usage(format!("style {}: density.ramp: {e}", style.name)))
}

/// Selects the events of `args.category_id` passing `filter` and projects them into
/// `view`; checks the bandwidth and cell size.
pub fn points(
    args: &DensityOptions,
    filter: &Filter,
    setup: &Setup,
    loaded: &Loaded,
    view: &MapView,
) -> Result<Points> {
    let Selection {
        category, selected, ..
    } = select(args, filter, setup, loaded)?;
    let events = &loaded.read.events;
    let xy = project_selected(view, loaded, &selected);
    let weights: Option<Vec<f32>> = (args.weight == Weight::Fatalities).then(|| {
        selected
            .iter()
            .map(|&i| events.events[i].fatalities as f32)
            .collect()
    });
    let cell_m = match args.cell_km {
        Some(km) => view.map_metres(
            Km::new(km)
                .filter(|k| k.get() > 0.0)
                .ok_or_else(|| Error::Usage(format!("--cell-km must be positive, not {km}")))?,
        ),
        None => view.metres_per_px(),
    };
    let spec = view.grid(cell_m);
    let cells = spec.width as f64 * spec.height as f64;
    if cells > MAX_GRID_CELLS {
        // Cells of the map's projection are map metres; the suggestion keeps the grid
        // just within the cap.
        let now_km = spec.cell_m / 1000.0;
        let min_km = now_km * (cells / MAX_GRID_CELLS).sqrt() * 1.01;
        let asked = match args.cell_km {
            Some(km) => format!("--cell-km {km}"),
            None => format!("one cell per map pixel ({now_km:.3} km)"),
        };
        return Err(Error::Usage(format!(
            "{asked} makes a density grid of {} × {} cells ({:.0} million) over the map; at \
             most {:.0} million fit in memory: use --cell-km {min_km:.3} or more",
            spec.width,
            spec.height,
            cells / 1e6,
            MAX_GRID_CELLS / 1e6
        )));
    }
    let kernel = args.kernel;
    let bandwidth_m = view.map_metres(Km::new(args.bandwidth_km).expect("checked above"));
    Ok(Points {
        category,
        selected,
        xy,
        weights,
        spec,
        margin_m: kernel.support_m(bandwidth_m),
        kernel,
        bandwidth_m,
    })
}

/// The map coordinates of the `selected` events. Events repeat places (ACLED geocodes to
/// named towns: a few thousand places for millions of events), so when there are no
/// more places than selected events each place is projected once and its events take
/// its coordinates; otherwise (distinct coordinates, or a small selection) the selected
/// events are projected one by one. Same coordinates either way: PROJ maps a point the
/// same wherever it sits in a batch.
fn project_selected(view: &MapView, loaded: &Loaded, selected: &[usize]) -> Vec<[f64; 2]> {
    let (events, places) = (&loaded.read.events.events, &loaded.places);
    if let Some(table) = places.table()
        && places.slots.len() == events.len()
        && table.len() <= selected.len()
    {
        let at = view.projection().project_all_xy(table);
        return selected.iter().map(|&i| at[places.slots.get(i)]).collect();
    }
    let positions: Vec<_> = selected.iter().map(|&i| events[i].position).collect();
    view.projection().project_all_xy(&positions)
}

/// The years mapped: `--years`, else those of the data.
pub fn year_range(filter: &Filter, loaded: &Loaded) -> Result<RangeInclusive<i32>> {
    Ok(match filter.years {
        Some((a, b)) => a..=b,
        None => {
            let (a, b) = loaded
                .read
                .events
                .date_range()
                .ok_or_else(|| Error::Usage(format!("{}: no events to map", loaded.input)))?;
            a.year()..=b.year()
        }
    })
}

/// The colour scale shared by `grids`: topped by `--max`, else by their highest value,
/// with the style's ramp and threshold.
pub fn colour_scale(
    args: &DensityOptions,
    style: &Style,
    grids: &[&DensityGrid],
) -> Result<ColourScale> {
    colour_scale_topped(args, style, density::max_value(grids))
}

/// [`colour_scale`] for grids whose highest value is `highest` (used unless `--max`).
pub fn colour_scale_topped(
    args: &DensityOptions,
    style: &Style,
    highest: f32,
) -> Result<ColourScale> {
    let ramp = ramp(style)?;
    let max = args.max.map(|m| m as f32).unwrap_or(highest);
    Ok(ColourScale {
        ramp,
        max,
        threshold: (style.density.threshold as f32) * max,
        scale: ScaleKind::Sqrt,
    })
}

/// "events per 1,000 km²", or "deaths per 1,000 km²" when weighted by fatalities.
pub fn unit(args: &DensityOptions, category: &Category) -> String {
    match args.weight {
        Weight::Events => UNIT_LABEL.to_string(),
        Weight::Fatalities => UNIT_LABEL.replace("events", &category.deaths_label),
    }
}

/// Projects the selected events once, bins them per year on one grid covering the view,
/// convolves with one kernel plan, and picks the colour scales. Laps "grid" (events
/// selected, projected and sorted by year) and "density" (binned and convolved).
pub fn compute(
    args: &DensityOptions,
    filter: &Filter,
    run: &Run,
    view: &MapView,
    style: &Style,
) -> Result<Densities> {
    let (setup, loaded) = (&run.setup, &run.loaded);
    let pts = points(args, filter, setup, loaded, view)?;
    let years = year_range(filter, loaded)?;
    let events = &loaded.read.events;
    // The points of each year, grouped by a counting sort (4 bytes a point).
    let first = *years.start();
    let n_years = years.clone().count();
    let year_of = |k: usize| {
        let y = events.events[pts.selected[k]].year() - first;
        usize::try_from(y).ok().filter(|&y| y < n_years)
    };
    let mut starts = vec![0usize; n_years + 1];
    for y in (0..pts.selected.len()).filter_map(year_of) {
        starts[y + 1] += 1;
    }
    for y in 0..n_years {
        starts[y + 1] += starts[y];
    }
    let mut order = vec![0u32; starts[n_years]];
    let mut next = starts.clone();
    for k in 0..pts.selected.len() {
        if let Some(y) = year_of(k) {
            order[next[y]] = k as u32;
            next[y] += 1;
        }
    }
    run.lap("grid");
    // One year at a time, each binned and convolved in one go (both in parallel
    // inside): a binned grid (8 bytes a cell, margins included) and the transforms'
    // buffers live only while their year's density is made.
    let plan = pts.plan();
    let mut grids: Vec<YearGrid> = years
        .clone()
        .enumerate()
        .map(|(y, year)| {
            let ks = order[starts[y]..starts[y + 1]].iter().map(|&k| k as usize);
            YearGrid {
                label: year.to_string(),
                year: Some(year),
                grid: plan.apply(&pts.bin(ks)),
            }
        })
        .collect();
    grids.push(YearGrid {
        label: span(&years),
        year: None,
        grid: plan.apply(&pts.bin_all()),
    });
    run.lap("density");

    let n = grids.len();
    let yearly: Vec<&DensityGrid> = grids[..n - 1].iter().map(|g| &g.grid).collect();
    let year_scale = colour_scale(args, style, &yearly)?;
    let all_scale = colour_scale(args, style, &[&grids[n - 1].grid])?;
    let cat = setup.categories.list()[pts.category].clone();
    let unit = unit(args, &cat);
    Ok(Densities {
        category: cat,
        years,
        grids,
        year_scale,
        all_scale,
        unit,
        kernel: pts.kernel,
        selected: pts.selected,
        xy: pts.xy,
    })
}

/// "2012–2024", or "2024" for a single year.
pub fn span(years: &RangeInclusive<i32>) -> String {
    if years.start() == years.end() {
        years.start().to_string()
    } else {
        format!("{}–{}", years.start(), years.end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::products::maps::MapOptions;
    use crate::run::EventOptions;

    /// Projecting each place once gives every event the coordinates of projecting it
    /// alone, on the sample's town-based events (places repeat) and on a selection
    /// smaller than the places (projected event by event).
    #[test]
    fn places_projected_once_give_each_event_its_own_coordinates() {
        let run = Run::load(&Default::default(), &EventOptions::default()).unwrap();
        let maps = run.maps(&MapOptions::default()).unwrap();
        let view = &maps.view;
        let loaded = &run.loaded;
        let events = &loaded.read.events.events;
        assert!(loaded.places.len() < events.len() / 2);
        let alone = |selected: &[usize]| {
            let positions: Vec<_> = selected.iter().map(|&i| events[i].position).collect();
            view.projection().project_all_xy(&positions)
        };
        let all: Vec<usize> = (0..events.len()).collect();
        let few: Vec<usize> = (0..events.len()).step_by(97).take(20).collect();
        for selected in [&all[..], &few[..]] {
            let got = project_selected(view, loaded, selected);
            let want = alone(selected);
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g.map(f64::to_bits), w.map(f64::to_bits));
            }
        }
    }
}
