//! The choropleth small multiples of the spread: the study's admin units (ADM1 regions,
//! ADM2 cercles) coloured by events per 1,000 km² per year of the maps' category, one
//! small map per year on one sheet per level, every year on one classed scale, and the
//! same numbers as a tidy table (`spread_choropleth.csv`).
//!
//! Counted: the events of the map set (its category and filters) that are the country's
//! (as the zone table's "whole country" line) and fall in a unit (the load stage's
//! region and cercle of each event). Area: the unit's WGS84 geodesic (ellipsoidal) area,
//! computed when the boundaries load. Classes: [`ZeroClasses`] over every unit-year of
//! the level, computed once, so a colour means the same rate in every year.

use std::ops::RangeInclusive;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::analysis::classes::{ZERO_METHOD, ZeroClasses};
use crate::error::{Error, Result};
use crate::model::{AdminUnit, Colour};
use crate::output::lock;
use crate::output::write_bytes_atomic;
use crate::products::lower_first;
use crate::products::maps::MapSet;
use crate::products::spread::{ImageOptions, part_year};
use crate::render::charts::{Sheet, SheetKey, render_sheet, sheet_columns, sheet_svg};
use crate::render::choropleth::{choropleth_scene, class_colours};
use crate::render::compose::{MapView, basemap};
use crate::render::geom::Polygon;
use crate::render::legend::format_value;
use crate::render::scene::MapScene;
use crate::render::svg::print_dpi;
use crate::run::Run;

/// Positive classes (the class of zero comes on top): at most five, fewer where rounded
/// breaks coincide.
pub const POSITIVE_CLASSES: usize = 5;
/// Size of each small map, px (as the report's sheet of yearly maps).
const THUMB: (u32, u32) = (440, 330);

/// The tidy table's file name in the output folder.
pub const TABLE: &str = "spread_choropleth.csv";
/// The sheets' file names: regions, then cercles.
pub const REGIONS_SHEET: &str = "spread_choropleth_regions.png";
pub const CERCLES_SHEET: &str = "spread_choropleth_cercles.png";

/// Where and how to write the choropleths.
#[derive(Debug, Clone)]
pub struct ChoroplethOptions {
    /// Output folder.
    pub out: PathBuf,
    /// Image formats of the sheets (PNG, SVG, PDF).
    pub image: ImageOptions,
}

impl Default for ChoroplethOptions {
    fn default() -> Self {
        ChoroplethOptions {
            out: PathBuf::from("output"),
            image: ImageOptions::default(),
        }
    }
}

/// One unit in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitYear {
    /// "region" (ADM1) or "cercle" (ADM2).
    pub unit_level: &'static str,
    /// The unit's code in the boundary file (e.g. ISO 3166-2 "ML-4"), else its name.
    pub unit_id: String,
    pub unit_name: String,
    pub year: i32,
    pub events: u64,
    /// Geodesic area, km².
    pub area_km2: f64,
    /// Events per 1,000 km² in the year.
    pub events_per_1000km2: f64,
    /// The class (0: no events), on the level's one scale.
    pub class: usize,
}

/// The choropleths of one level.
#[derive(Debug, Clone, Serialize)]
pub struct Level {
    /// "region" or "cercle".
    pub level: &'static str,
    pub classes: ZeroClasses,
    /// Each class's label ("0", "0–0.5", …), in class order.
    pub labels: Vec<String>,
    /// The years, in order.
    pub years: Vec<i32>,
    /// Unit by unit, then year by year: unit u's row of `years[k]` is `u * years.len() + k`.
    pub rows: Vec<UnitYear>,
    /// The sheet's file name in the output folder.
    pub sheet: String,
}

/// What the choropleth product made.
#[derive(Debug, Clone, Serialize)]
pub struct Choropleths {
    /// The legend's title: the unit and the class method.
    pub legend: String,
    /// The class method and the unit-years it ran over ("0, then quantiles … of all
    /// unit-years, 2012–2024").
    pub method: String,
    pub levels: Vec<Level>,
    /// The region with the highest rate in the last year, one sentence (none without
    /// events that year).
    pub sentence: Option<String>,
    pub files: Vec<PathBuf>,
}

/// Counts, classes, draws and writes the choropleths of the map set's category; `None`
/// when the study has neither regions nor cercles (`boundaries.adm1`, `boundaries.adm2`).
pub fn write(run: &Run, maps: &MapSet, opts: &ChoroplethOptions) -> Result<Option<Choropleths>> {
    let (setup, loaded) = (&run.setup, &run.loaded);
    let zoned = run.zoned()?;
    let d = &maps.densities;
    let events = &loaded.read.events.events;
    // The events the maps count, of the country (as the zone tables count them).
    let counted: Vec<usize> = d
        .selected
        .iter()
        .copied()
        .filter(|&i| zoned.membership.masks[i] & 1 != 0)
        .collect();
    let b = &setup.boundaries;
    let years = d.years.clone();
    let first = *years.start();
    let year_of = |i: usize| events[i].year();
    let mut levels = Vec::new();
    let cercles = run.cercles();
    for (level, units, unit_of, sheet) in [
        (
            "region",
            &b.regions().items,
            &(|i: usize| loaded.regions[i].map(|r| r.index())) as &dyn Fn(usize) -> Option<usize>,
            REGIONS_SHEET,
        ),
        (
            "cercle",
            &b.cercles().items,
            &|i: usize| cercles[i].map(|c| c.index()),
            CERCLES_SHEET,
        ),
    ] {
        if units.is_empty() {
            continue;
        }
        let located = counted.iter().map(|&i| (unit_of(i), year_of(i)));
        levels.push(level_of(level, units, located, years.clone(), sheet));
    }
    if levels.is_empty() {
        return Ok(None);
    }
    let span = match years.clone().count() {
        1 => first.to_string(),
        _ => format!("{first}–{}", years.end()),
    };
    let method = format!("{ZERO_METHOD} of all unit-years, {span}");
    let legend = format!(
        "Events per 1,000 km² per year. Classes: {method}; the same classes in every year."
    );
    let _hold = lock::hold(&opts.out)?;
    let mut files = Vec::new();
    let table = opts.out.join(TABLE);
    write_bytes_atomic(&table, &csv(&levels, loaded.synthetic)?)?;
    files.push(table);
    let part = part_year(loaded).filter(|p| years.contains(&chrono::Datelike::year(p)));
    for l in &levels {
        let sheet = sheet(run, maps, l, &span, &legend, part)?;
        files.extend(opts.image.write(
            &opts.out.join(&l.sheet),
            None,
            print_dpi(1.0),
            || render_sheet(&sheet, &maps.style),
            || sheet_svg(&sheet, &maps.style, opts.image.svg_text),
        )?);
    }
    let sentence = levels
        .iter()
        .find(|l| l.level == "region")
        .and_then(|l| top_sentence(l, *years.end(), &d.category.label, b.name(), part));
    Ok(Some(Choropleths {
        legend,
        method,
        levels,
        sentence,
        files,
    }))
}

/// Events per unit and year of `located` (each counted event's unit, if any, and year),
/// their rates and classes on one scale over every unit-year.
pub fn level_of(
    level: &'static str,
    units: &[AdminUnit],
    located: impl Iterator<Item = (Option<usize>, i32)>,
    years: RangeInclusive<i32>,
    sheet: &str,
) -> Level {
    let first = *years.start();
    let ny = years.clone().count();
    let mut counts = vec![vec![0u64; ny]; units.len()];
    for (unit, year) in located {
        if let (Some(u), true) = (unit, years.contains(&year)) {
            counts[u][(year - first) as usize] += 1;
        }
    }
    let mut rows = Vec::with_capacity(units.len() * ny);
    for (u, unit) in units.iter().enumerate() {
        for (k, year) in years.clone().enumerate() {
            let events = counts[u][k];
            rows.push(UnitYear {
                unit_level: level,
                unit_id: unit.code.clone().unwrap_or_else(|| unit.name.clone()),
                unit_name: unit.name.clone(),
                year,
                events,
                area_km2: unit.area_km2,
                events_per_1000km2: rate(events, unit.area_km2),
                class: 0,
            });
        }
    }
    let rates: Vec<f64> = rows.iter().map(|r| r.events_per_1000km2).collect();
    let classes = ZeroClasses::new(&rates, POSITIVE_CLASSES);
    for r in &mut rows {
        r.class = classes.class_of(r.events_per_1000km2);
    }
    Level {
        level,
        years: years.collect(),
        labels: classes.labels(format_value),
        classes,
        rows,
        sheet: sheet.to_string(),
    }
}

/// Events per 1,000 km² (0 for a unit without area).
fn rate(events: u64, area_km2: f64) -> f64 {
    if area_km2 > 0.0 {
        events as f64 * 1000.0 / area_km2
    } else {
        0.0
    }
}

/// The tidy table of every level: `unit_level, unit_id, unit_name, year, events,
/// area_km2, events_per_1000km2, class, class_label, synthetic`.
fn csv(levels: &[Level], synthetic: bool) -> Result<Vec<u8>> {
    let err = |e: csv::Error| Error::Usage(format!("{TABLE}: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "unit_level",
        "unit_id",
        "unit_name",
        "year",
        "events",
        "area_km2",
        "events_per_1000km2",
        "class",
        "class_label",
        "synthetic",
    ])
    .map_err(err)?;
    for l in levels {
        for r in &l.rows {
            w.write_record([
                r.unit_level.to_string(),
                r.unit_id.clone(),
                r.unit_name.clone(),
                r.year.to_string(),
                r.events.to_string(),
                format!("{:.1}", r.area_km2),
                format!("{:.4}", r.events_per_1000km2),
                r.class.to_string(),
                l.labels[r.class].clone(),
                synthetic.to_string(),
            ])
            .map_err(err)?;
        }
    }
    w.into_inner()
        .map_err(|e| Error::Usage(format!("{TABLE}: {e}")))
}

/// The sheet of one level: a small map per year (basemap without furniture, region
/// names placed by the label placer, the units filled by class), one legend of the
/// classes, the maps' credits.
fn sheet<'a>(
    run: &Run,
    maps: &MapSet,
    l: &Level,
    span: &str,
    legend: &str,
    part: Option<chrono::NaiveDate>,
) -> Result<Sheet<'a>> {
    let (setup, loaded) = (&run.setup, &run.loaded);
    let mut style = maps.style.clone();
    style.map.width = THUMB.0;
    style.map.height = THUMB.1;
    let show = &mut style.layers;
    (show.towns, show.neighbour_names, show.inset) = (false, false, false);
    (show.north_arrow, show.scale_bar, show.events) = (false, false, false);
    show.adm1_names = true;
    let mut template = MapScene::new(style, "", "", Vec::new());
    let view = MapView::fit(
        maps.view.projection().clone(),
        maps.view.extent(),
        template.frame,
    )?;
    // No zones: the units are the subject; their outlines and the regions' stay.
    basemap(&mut template, &view, &setup.boundaries, &[]);
    template.legend.items.clear();
    let units = match l.level {
        "region" => &setup.boundaries.regions().items,
        _ => &setup.boundaries.cercles().items,
    };
    let shapes: Vec<Vec<Polygon>> = units.iter().map(|u| view.polygons(&u.geometry)).collect();
    let colours: Vec<Colour> = class_colours(l.classes.len());
    let years = &l.years;
    let n_units = units.len();
    let tiles: Vec<(String, MapScene)> = years
        .par_iter()
        .enumerate()
        .map(|(k, year)| {
            let classed: Vec<(Vec<Polygon>, usize)> = (0..n_units)
                .map(|u| (shapes[u].clone(), l.rows[u * years.len() + k].class))
                .collect();
            let mut scene = choropleth_scene(&template, &classed, &colours, &l.labels, "");
            scene.legend.items.clear();
            let label = match part {
                Some(p) if chrono::Datelike::year(&p) == *year => {
                    format!("{year} (to {})", p.format("%-d %b"))
                }
                _ => year.to_string(),
            };
            (label, scene)
        })
        .collect();
    let d = &maps.densities;
    let plural = match l.level {
        "region" => "regions",
        _ => "cercles",
    };
    Ok(Sheet {
        title: format!(
            "{}: events per 1,000 km² by {}, {span}",
            d.category.label, l.level
        ),
        subtitle: format!(
            "{} {plural} of {}{}; one classed scale for every year; area: geodesic (WGS84)",
            units.len(),
            setup.boundaries.name(),
            maps.filters
        ),
        tiles,
        columns: sheet_columns(years.len()),
        key: SheetKey::Classes(l.labels.iter().cloned().zip(colours).collect()),
        legend: legend.to_string(),
        credits: run.credits(),
        synthetic: loaded.synthetic,
    })
}

/// "In 2024, Mopti had the highest rate of … among Mali's regions: 2.3 events per 1,000
/// km² (186 events)."
fn top_sentence(
    l: &Level,
    year: i32,
    category: &str,
    country: &str,
    part: Option<chrono::NaiveDate>,
) -> Option<String> {
    let of_year: Vec<&UnitYear> = l
        .rows
        .iter()
        .filter(|r| r.year == year && r.events > 0)
        .collect();
    let top = of_year
        .iter()
        .max_by(|a, b| a.events_per_1000km2.total_cmp(&b.events_per_1000km2))?;
    let most = of_year.iter().max_by_key(|r| r.events)?;
    let to = part
        .filter(|p| chrono::Datelike::year(p) == year)
        .map(|p| format!(" (to {})", p.format("%-d %B")))
        .unwrap_or_default();
    let events = |n: u64| format!("{n} event{}", if n == 1 { "" } else { "s" });
    // A small unit reaches a high rate with few events: the most events are named too.
    let most = match most.events <= top.events {
        true => String::new(),
        false => format!(
            "; {} had the most ({}, {} per 1,000 km²)",
            most.unit_name,
            events(most.events),
            format_value(most.events_per_1000km2)
        ),
    };
    Some(format!(
        "In {year}{to}, {} had the highest rate of {} among {country}'s regions: {} per 1,000 km² ({}){most}.",
        top.unit_name,
        lower_first(category),
        format_value(top.events_per_1000km2),
        events(top.events),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn unit(name: &str, area_km2: f64) -> AdminUnit {
        AdminUnit {
            name: name.into(),
            code: None,
            aliases: Vec::new(),
            geometry: geo::MultiPolygon(vec![
                polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)],
            ]),
            area_km2,
            parent: None,
        }
    }

    #[test]
    fn one_scale_for_every_year_and_one_class_per_unit_year() {
        let units = [unit("A", 1000.0), unit("B", 2000.0), unit("C", 500.0)];
        // A: 1 event in 2020, 4 in 2021; B: 6 in 2021; C: none; one event in no unit.
        let mut located = vec![(Some(0), 2020)];
        located.extend([(Some(0), 2021); 4]);
        located.extend([(Some(1), 2021); 6]);
        located.push((None, 2021));
        located.push((Some(2), 2019)); // outside the years
        let l = level_of("region", &units, located.into_iter(), 2020..=2021, "x.png");
        assert_eq!(
            l.rows.len(),
            6,
            "every unit in every year, zero-event ones too"
        );
        let get = |name: &str, year: i32| {
            l.rows
                .iter()
                .find(|r| r.unit_name == name && r.year == year)
                .unwrap()
        };
        assert_eq!((get("A", 2020).events, get("A", 2021).events), (1, 4));
        assert_eq!(get("B", 2021).events_per_1000km2, 3.0);
        assert_eq!(get("C", 2021).events, 0);
        // Zero-event units are in the class of zero; the others in exactly one positive
        // class of the one scale, whatever their year.
        for r in &l.rows {
            let c = &l.classes.breaks;
            match r.events {
                0 => assert_eq!(r.class, 0),
                _ => assert!(
                    c[r.class - 1] < r.events_per_1000km2 && r.events_per_1000km2 <= c[r.class]
                ),
            }
        }
        // Equal rates in different years get the same class.
        assert_eq!(get("A", 2020).class, class_of(&l, 1.0));
        assert_eq!(get("B", 2021).class, class_of(&l, 3.0));
        assert_eq!(l.labels.len(), l.classes.len());
        assert_eq!(l.labels[0], "0");
    }

    fn class_of(l: &Level, v: f64) -> usize {
        l.classes.class_of(v)
    }

    #[test]
    fn the_sentence_names_the_top_region_of_the_year() {
        let units = [unit("Mopti", 1000.0), unit("Kayes", 4000.0)];
        let located = [
            (Some(0), 2024),
            (Some(1), 2024),
            (Some(1), 2024),
            (Some(1), 2023),
        ];
        let l = level_of("region", &units, located.into_iter(), 2023..=2024, "x.png");
        let s = top_sentence(&l, 2024, "Militant Islamist attacks", "Mali", None).unwrap();
        assert_eq!(
            s,
            "In 2024, Mopti had the highest rate of militant Islamist attacks among Mali's regions: 1 per 1,000 km² (1 event); Kayes had the most (2 events, 0.5 per 1,000 km²)."
        );
        let l = level_of(
            "region",
            &units,
            located[..2].iter().copied(),
            2023..=2024,
            "x.png",
        );
        let s = top_sentence(&l, 2024, "X", "Mali", None).unwrap();
        assert!(s.ends_with("(1 event)."), "{s}");
        let none = level_of("region", &units, std::iter::empty(), 2023..=2024, "x.png");
        assert!(top_sentence(&none, 2024, "X", "Mali", None).is_none());
    }
}
