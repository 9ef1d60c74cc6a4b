//! `conflictmap spread`: maps the arguments to [`crate::products::spread`] options, runs
//! it on the loaded events and prints the key sentences.

use crate::cli::args::{DensityArgs, FilterArgs, KernelArg, SpreadArgs, ViewArgs, Weight};
use crate::cli::density;
use crate::cli::load::{load_events, setup, zone_events};
use crate::cli::maps::{self, MapSetArgs};
use crate::cli::stopwatch::Stopwatch;
use crate::error::Result;
use crate::products::spread::{self, ChangeOptions, ExpansionOptions, SpreadOptions};
use crate::units::Km;

pub fn run(args: &SpreadArgs) -> Result<()> {
    let setup = setup(&args.study)?;
    let loaded = load_events(&setup, &args.events)?;
    let zoned = zone_events(&setup, &loaded)?;
    let view = ViewArgs {
        style: args.style.clone(),
        extent: args.extent.clone(),
    };
    let style = density::style(&view)?;
    let opts = SpreadOptions {
        out: args.out.clone(),
        categories: args.category_ids.clone(),
        headline: args.headline.clone(),
        centres: args.centres.clone(),
        centre_bands: args.bands.clone(),
        border_bands: args.border_bands.clone(),
        within: args.within.iter().filter_map(|k| Km::new(*k)).collect(),
        years: args.filter.years,
        event_types: args.filter.event_types.clone(),
        min_precision: args.filter.min_precision,
        style: style.clone(),
    };
    let s = spread::write(&setup, &loaded, &zoned, &opts)?;
    // The expansion map: densities of the headline category, as `maps` computes them.
    let density_args = DensityArgs {
        category_id: s.headline.0.clone(),
        weight: Weight::Events,
        bandwidth_km: args.bandwidth_km,
        kernel: KernelArg::Quartic,
        cell_km: None,
        max: None,
    };
    let filter = FilterArgs {
        years: args.filter.years,
        event_types: args.filter.event_types.clone(),
        min_precision: args.filter.min_precision,
    };
    let map_set = maps::prepare(
        &setup,
        &loaded,
        &zoned.zones,
        style,
        MapSetArgs {
            view: &view,
            density: &density_args,
            filter: &filter,
            scale: args.scale,
        },
        &mut Stopwatch::new(),
    )?;
    let dpi = (args.scale >= 2).then_some(300);
    let expansion = spread::write_expansion(
        &loaded,
        &map_set,
        &ExpansionOptions {
            out: args.out.clone(),
            threshold: args.threshold,
            dpi,
        },
    )?;
    let change = spread::write_change(
        &loaded,
        &map_set,
        &ChangeOptions {
            out: args.out.clone(),
            compare: args.compare,
            dpi,
        },
    )?;
    eprint!("{}", loaded.read.summary);
    if change.is_none() {
        eprintln!(
            "No change map: the data have no two full years to compare by default (--compare picks periods)."
        );
    }
    for line in s.sentences.iter().chain(&expansion.sentence) {
        println!("{line}");
    }
    let names: Vec<String> = s
        .files
        .iter()
        .chain(&expansion.files)
        .chain(change.iter().flat_map(|c| &c.files))
        .map(|p| p.display().to_string())
        .collect();
    eprintln!("Wrote {}", names.join(", "));
    Ok(())
}
