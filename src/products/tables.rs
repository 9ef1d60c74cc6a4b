//! The zone tables: yearly events and deaths per zone and category (and trailing
//! windows), written to the output folder as CSV, JSON and Markdown.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::analysis::stats::{
    Periods, Projection, RowKey, Tally, Trailing, YearTable, tabulate_par,
};
use crate::analysis::zones::{Zone, ZoneKind};
use crate::error::{Error, Result};
use crate::model::Categories;
use crate::output::tables::{self, TableContext};
use crate::output::{lock, write_bytes_atomic};
use crate::run::{Filter, Run, Setup, passes};

/// The zone tables: which events count, which categories, the periods, where to write.
#[derive(Debug, Clone, PartialEq)]
pub struct TablesOptions {
    pub filter: Filter,
    /// Categories shown (ids), in this order. Empty: all.
    pub category_ids: Vec<String>,
    /// The last year runs to this date (projection, trailing windows), instead of the
    /// last event date.
    pub as_of: Option<NaiveDate>,
    /// Length of the trailing windows, months (1–120).
    pub window_months: u32,
    /// The output folder.
    pub out: PathBuf,
}

impl Default for TablesOptions {
    fn default() -> Self {
        TablesOptions {
            filter: Filter::default(),
            category_ids: Vec::new(),
            as_of: None,
            window_months: 12,
            out: PathBuf::from("output"),
        }
    }
}

/// The zone tables of a run, as written.
pub struct ZoneTables {
    pub table: YearTable,
    pub context: TableContext,
    pub markdown: String,
    /// zones.csv, zones.json, zones.md.
    pub paths: Vec<PathBuf>,
}

/// Tabulates the events of `run` per zone, category and period and writes
/// zones.{csv,json,md} to `args.out`. Laps "tables".
pub fn write(run: &Run, args: &TablesOptions) -> Result<ZoneTables> {
    let mut t = tabulate(run, args)?;
    t.write(&args.out)?;
    run.lap("tables");
    Ok(t)
}

/// [`write`] without writing anything.
pub fn tabulate(run: &Run, args: &TablesOptions) -> Result<ZoneTables> {
    let selected = select_categories(&run.setup.categories, &args.category_ids)?;
    let (table, context) = build(run, &selected, args)?;
    let markdown = tables::to_markdown(&table, &context);
    Ok(ZoneTables {
        table,
        context,
        markdown,
        paths: Vec::new(),
    })
}

impl ZoneTables {
    /// Writes zones.csv, zones.json and zones.md to `out`.
    pub fn write(&mut self, out: &Path) -> Result<()> {
        let _hold = lock::hold(out)?;
        let csv = tables::to_csv(&self.table, self.context.synthetic)
            .map_err(|e| Error::Usage(format!("zones.csv: {e}")))?;
        let json = tables::to_json(&self.table, &self.context)
            .map_err(|e| Error::Usage(format!("zones.json: {e}")))?;
        for (name, bytes) in [
            ("zones.csv", &csv[..]),
            ("zones.json", &json[..]),
            ("zones.md", self.markdown.as_bytes()),
        ] {
            let path = out.join(name);
            write_bytes_atomic(&path, bytes)?;
            self.paths.push(path);
        }
        Ok(())
    }
}

/// Indices of the categories to show, in the order asked (default: all).
fn select_categories(cats: &Categories, ids: &[String]) -> Result<Vec<usize>> {
    if ids.is_empty() {
        return Ok((0..cats.len()).collect());
    }
    ids.iter()
        .map(|id| {
            cats.index_of(id).ok_or_else(|| {
                let known: Vec<&str> = cats.list().iter().map(|c| c.id.as_str()).collect();
                Error::Usage(format!(
                    "--category {id}: no such category; known: {}",
                    known.join(", ")
                ))
            })
        })
        .collect()
}

fn build(run: &Run, selected: &[usize], args: &TablesOptions) -> Result<(YearTable, TableContext)> {
    let (setup, loaded) = (&run.setup, &run.loaded);
    let zoned = run.zoned()?;
    let events = &loaded.read.events;
    let membership = zoned.membership;
    let dates = events.date_range();
    let (first, last) = match (args.filter.years, dates) {
        (Some(y), _) => y,
        (None, Some((a, b))) => (chrono::Datelike::year(&a), chrono::Datelike::year(&b)),
        (None, None) => {
            return Err(Error::Usage(format!(
                "{}: no events to tabulate",
                loaded.input
            )));
        }
    };
    // Coverage runs to --as-of, else to the last event date in the data (DOMAIN.md).
    let as_of = args.as_of.or(dates.map(|(_, b)| b));
    let projection = as_of.and_then(Projection::for_as_of);
    let keys: Vec<RowKey> = selected
        .iter()
        .map(|i| {
            let c = &setup.categories.list()[*i];
            RowKey {
                zone_id: String::new(),
                zone_name: String::new(),
                category_id: c.id.clone(),
                category_label: c.label.clone(),
                deaths_label: c.deaths_label.clone(),
            }
        })
        .collect();
    let zone_names: Vec<(String, String)> = membership
        .table_zones
        .iter()
        .map(|z| (z.id.clone(), z.name.clone()))
        .collect();
    let tallies = events
        .events
        .par_iter()
        .zip(&membership.masks)
        .zip(&loaded.classes)
        .filter(|((e, _), _)| passes(e, events, &args.filter))
        .map(|((e, zones), classes)| Tally {
            date: e.date,
            fatalities: e.fatalities,
            zones: *zones,
            categories: selected
                .iter()
                .enumerate()
                .filter(|(_, c)| classes.contains(**c))
                .fold(0u64, |m, (bit, _)| m | 1 << bit),
        });
    // "In the past year" (DOMAIN.md): the months ending at the as-of date, and the same
    // months a year earlier.
    let windows = match as_of {
        Some(to) => Trailing::with_year_before(to, args.window_months).ok_or_else(|| {
            Error::Usage(format!(
                "--window-months must be at least 1, not {}",
                args.window_months
            ))
        })?,
        None => Vec::new(),
    };
    let periods = Periods {
        years: first..=last,
        projection,
        windows,
    };
    let table = tabulate_par(tallies, &zone_names, &keys, periods);
    let context = TableContext {
        title: format!(
            "{}: events and deaths per zone and year",
            setup.boundaries.name()
        ),
        input: loaded.input.clone(),
        attribution: loaded.attribution(),
        synthetic: loaded.synthetic,
        notes: notes(zoned.zones, setup, selected, &args.filter),
    };
    Ok((table, context))
}

/// The definitions and filters behind the numbers, printed with the table.
fn notes(zones: &[Zone], setup: &Setup, selected: &[usize], f: &Filter) -> Vec<String> {
    let mut notes = vec![
        "Distances are WGS84 geodesic (Karney); points exactly at a threshold count as inside."
            .to_string(),
    ];
    for z in zones {
        let what = match &z.kind {
            ZoneKind::Ring {
                centre,
                centre_name,
                radius,
            } => format!(
                "geodesic distance to {} ({}) ≤ {} km",
                centre_name.as_deref().unwrap_or("the centre"),
                hemispheres(*centre),
                radius.get()
            ),
            ZoneKind::Band { width, borders } => format!(
                "inside {} and within {} km of its border with {} (per neighbour and combined)",
                setup.boundaries.name(),
                width.get(),
                borders
                    .iter()
                    .map(|b| b.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ZoneKind::Regions { regions } => format!(
                "events in the regions {}",
                regions
                    .iter()
                    .map(|r| setup.boundaries.region(*r).name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        notes.push(format!("{}: {what}.", z.name));
    }
    for c in selected.iter().map(|i| &setup.categories.list()[*i]) {
        notes.push(format!("{}: {}.", c.label, c.describe(&setup.categories)));
    }
    if !f.event_types.is_empty() {
        notes.push(format!("Only event types: {}.", f.event_types.join(", ")));
    }
    if let Some(p) = f.min_precision {
        notes.push(format!("Only events with geo_precision ≤ {p}."));
    }
    notes
}

/// "12.6392° N, 8.0029° W"
fn hemispheres(p: crate::units::LonLat) -> String {
    let ns = if p.lat() >= 0.0 { 'N' } else { 'S' };
    let ew = if p.lon() >= 0.0 { 'E' } else { 'W' };
    format!("{:.4}° {ns}, {:.4}° {ew}", p.lat().abs(), p.lon().abs())
}
