//! The report's charts, made from the zone table (so every bar is a table value): yearly
//! events and deaths of the report's category per zone, the civilians category per year
//! in the whole country, and a small-multiples sheet of the yearly maps on their shared
//! colour scale. Their values also go to `charts/charts.json`.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use super::ReportConfig;
use super::narrative::{capitalise, lower_first};
use crate::analysis::stats::{Cell, Row, YearTable};
use crate::error::{Error, Result};
use crate::model::ImageFormat;
use crate::model::{Colour, Style};
use crate::output::write_bytes_atomic;
use crate::products::density::{self, ViewOptions};
use crate::products::maps::MapSet;
use crate::products::tables::ZoneTables;
use crate::render::charts::{
    Bar, BarChart, Panel, Sheet, SheetKey, bars_svg, render_bars, render_sheet, sheet_columns,
    sheet_svg,
};
use crate::render::compose::basemap;
use crate::render::legend::format_value;
use crate::render::scene::MapScene;
use crate::render::svg::{TextMode, print_dpi, write_formats};
use crate::run::Run;

/// Size of one map of the small-multiples sheet.
const THUMB: (u32, u32) = (440, 330);

/// The charts of a report, before drawing.
#[derive(Serialize)]
pub struct ChartSet {
    /// (file name under charts/, chart).
    pub bars: Vec<(String, BarChart)>,
    /// The small-multiples sheet: (file name, title).
    pub sheet: Option<(String, String)>,
    #[serde(skip)]
    thumbs: Vec<(String, MapScene)>,
    #[serde(skip)]
    style: Style,
    #[serde(skip)]
    credits: Vec<String>,
    #[serde(skip)]
    synthetic: bool,
    #[serde(skip)]
    legend: String,
    #[serde(skip)]
    sheet_subtitle: String,
}

/// Bars of one table row: events or deaths per year, with the projection.
pub fn bars(table: &YearTable, row: &Row, deaths: bool) -> Vec<Bar> {
    table
        .years
        .iter()
        .zip(&row.cells)
        .map(|(y, c)| {
            let v = if deaths { c.fatalities } else { c.events };
            Bar {
                label: y.to_string(),
                observed: v as f64,
                projected: table.projected(*y, v),
            }
        })
        .collect()
}

/// The zones charted: the whole country and each declared zone (not the per-neighbour
/// parts of a band, which the tables list).
pub fn charted_zones<'a>(table: &'a YearTable, category: &str) -> Vec<&'a Row> {
    table
        .rows
        .iter()
        .filter(|r| r.key.category_id == category && !r.key.zone_id.contains(':'))
        .collect()
}

/// A zone panel's note: the latest trailing window and the same months a year earlier
/// ("in the past year"), which calendar-year bars do not show: "12 months to 13 Sep
/// 2024: 24 (a year earlier: 13)".
fn window_note(table: &YearTable, row: &Row, deaths: bool) -> Option<String> {
    let pick = |c: &Cell| if deaths { c.fatalities } else { c.events };
    match (table.windows.first(), &row.window_cells[..]) {
        (Some(w), [now, before, ..]) => Some(format!(
            "{}: {} (a year earlier: {})",
            w.label,
            format_value(pick(now) as f64),
            format_value(pick(before) as f64)
        )),
        _ => None,
    }
}

fn darker(c: Colour, f: f32) -> Colour {
    let k = |v: u8| (f32::from(v) * f).round() as u8;
    Colour::rgb(k(c.r), k(c.g), k(c.b))
}

/// The charts of the report of `run`: bars from `tables`, the sheet from `maps` (drawn in
/// the view `view`).
pub fn make(
    run: &Run,
    tables: &ZoneTables,
    maps: &MapSet,
    cfg: &ReportConfig,
    view: &ViewOptions,
) -> Result<ChartSet> {
    let (setup, loaded) = (&run.setup, &run.loaded);
    let zones = run.zones()?;
    let table = &tables.table;
    let style = maps.style.clone();
    let cat = setup
        .categories
        .list()
        .iter()
        .find(|c| c.id == cfg.category)
        .expect("checked by the config");
    let credits = run.credits();
    let projection_label = table.projection.map(|p| {
        format!(
            "projected full year {} (count × {}/{} days, data to {})",
            p.year, p.days_in_year, p.covered_days, p.as_of
        )
    });
    let years = match (table.years.first(), table.years.last()) {
        (Some(a), Some(b)) => density::span(&(*a..=*b)),
        _ => String::new(),
    };
    let colour = style.events.colour(&cat.id).opaque();
    let chart = |title: String, y_label: &str, panels: Vec<Panel>, colour: Colour| BarChart {
        title,
        subtitle: format!(
            "Per year, {years}; solid: counted in the data; hatched: the incomplete year scaled to a full year"
        ),
        y_label: y_label.to_string(),
        columns: 2,
        panels,
        colour,
        projection_label: projection_label.clone(),
        credits: credits.clone(),
        synthetic: loaded.synthetic,
    };
    let zone_panels = |deaths: bool, category: &str| -> Vec<Panel> {
        charted_zones(table, category)
            .into_iter()
            .map(|r| Panel {
                title: r.key.zone_name.clone(),
                note: window_note(table, r, deaths),
                y_label: None,
                bars: bars(table, r, deaths),
            })
            .collect()
    };
    let mut charts = vec![
        (
            format!("{}_events_by_zone.png", cat.id),
            chart(
                format!("{} per zone", cat.label),
                "events per year",
                zone_panels(false, &cat.id),
                colour,
            ),
        ),
        (
            format!("{}_deaths_by_zone.png", cat.id),
            chart(
                format!(
                    "{} in {} per zone",
                    capitalise(&cat.deaths_label),
                    lower_first(&cat.label)
                ),
                &format!("{} per year", cat.deaths_label),
                zone_panels(true, &cat.id),
                darker(colour, 0.7),
            ),
        ),
    ];
    if let Some(civ) = &cfg.civilians_category {
        let c = &setup.categories.list()[setup.categories.index_of(civ).expect("checked")];
        let row = table
            .row("country", civ)
            .ok_or_else(|| Error::Usage(format!("category {civ}: not in the zone tables")))?;
        let colour = style.events.colour(&c.id).opaque();
        let mut ch = chart(
            format!("{} in {}", c.label, setup.boundaries.name()),
            "per year",
            vec![
                Panel {
                    note: window_note(table, row, false),
                    title: format!("Events ({})", lower_first(&c.label)),
                    y_label: Some("events per year".into()),
                    bars: bars(table, row, false),
                },
                Panel {
                    note: window_note(table, row, true),
                    title: capitalise(&c.deaths_label),
                    y_label: Some(format!("{} per year", c.deaths_label)),
                    bars: bars(table, row, true),
                },
            ],
            colour,
        );
        ch.y_label = format!("events and {}", c.deaths_label);
        charts.push((format!("{}_per_year.png", c.id), ch));
    }

    // Small multiples: every yearly map, small, without furniture, on the shared scale.
    let mut thumb_style = style.clone();
    thumb_style.map.width = THUMB.0;
    thumb_style.map.height = THUMB.1;
    let l = &mut thumb_style.layers;
    (l.towns, l.neighbour_names, l.adm1_names, l.inset) = (false, false, false, false);
    (l.north_arrow, l.scale_bar, l.events) = (false, false, false);
    thumb_style.lines.zones = (thumb_style.lines.zones * 0.6).max(1.0);
    let thumbs: Vec<(String, MapScene)> = maps
        .densities
        .grids
        .par_iter()
        .filter(|g| g.year.is_some())
        .map(|g| {
            let mut scene = MapScene::new(thumb_style.clone(), "", "", Vec::new());
            let view = density::view(view, &thumb_style, setup, scene.frame)?;
            basemap(&mut scene, &view, &setup.boundaries, zones);
            // Zone names would crowd a small map; the outlines stay.
            scene.labels.clear();
            scene.legend.items.clear();
            scene.add_density(maps.density_image(g, &view));
            Ok((g.label.clone(), scene))
        })
        .collect::<Result<_>>()?;
    let sheet_title = format!("{}, {}: yearly maps", cat.label, years);
    Ok(ChartSet {
        bars: charts,
        sheet: Some((format!("{}_yearly_maps.png", cat.id), sheet_title)),
        thumbs,
        style,
        credits,
        synthetic: loaded.synthetic,
        legend: format!(
            "{} ({})",
            maps.densities.unit, "one colour scale for every year"
        ),
        sheet_subtitle: format!(
            "{}{}; the same colour scale in every year",
            maps.described, maps.filters
        ),
    })
}

impl ChartSet {
    /// Draws and writes the charts in `formats` (each from the same drawing) and their
    /// data (charts.json) to `out`/charts/.
    pub fn write(
        &self,
        out: &Path,
        maps: &MapSet,
        formats: &[ImageFormat],
        svg_text: TextMode,
    ) -> Result<Vec<PathBuf>> {
        let dir = out.join("charts");
        let dpi = print_dpi(1.0);
        let bars: Vec<Vec<PathBuf>> = self
            .bars
            .par_iter()
            .map(|(name, chart)| {
                write_formats(
                    &dir.join(name),
                    formats,
                    None,
                    dpi,
                    || Ok(render_bars(chart, &self.style).0),
                    || Ok(bars_svg(chart, &self.style, svg_text)),
                )
            })
            .collect::<Result<_>>()?;
        let mut paths: Vec<PathBuf> = bars.into_iter().flatten().collect();
        if let Some((name, title)) = &self.sheet {
            let sheet = Sheet {
                title: title.clone(),
                subtitle: self.sheet_subtitle.clone(),
                tiles: self.thumbs.clone(),
                columns: sheet_columns(self.thumbs.len()),
                key: SheetKey::Scale(&maps.densities.year_scale),
                legend: self.legend.clone(),
                credits: self.credits.clone(),
                synthetic: self.synthetic,
            };
            paths.extend(write_formats(
                &dir.join(name),
                formats,
                None,
                dpi,
                || render_sheet(&sheet, &self.style),
                || sheet_svg(&sheet, &self.style, svg_text),
            )?);
        }
        let mut json = serde_json::to_vec_pretty(self)
            .map_err(|e| Error::Usage(format!("charts.json: {e}")))?;
        json.push(b'\n');
        let path = dir.join("charts.json");
        write_bytes_atomic(&path, &json)?;
        paths.push(path);
        Ok(paths)
    }
}
