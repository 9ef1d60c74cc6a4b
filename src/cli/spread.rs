//! `conflictmap spread`: maps the arguments to [`crate::products::spread`] options, runs
//! it on the loaded events and prints the key sentences.

use crate::cli::args::SpreadArgs;
use crate::cli::load::{load_events, setup, zone_events};
use crate::error::Result;
use crate::model::Style;
use crate::products::spread::{self, SpreadOptions};
use crate::units::Km;

pub fn run(args: &SpreadArgs) -> Result<()> {
    let setup = setup(&args.study)?;
    let loaded = load_events(&setup, &args.events)?;
    let zoned = zone_events(&setup, &loaded)?;
    let style = match args.style.as_str() {
        "report" | "dark" => Style::builtin(&args.style)?,
        path => Style::load(path)?,
    };
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
        style,
    };
    let s = spread::write(&setup, &loaded, &zoned, &opts)?;
    eprint!("{}", loaded.read.summary);
    for line in &s.sentences {
        println!("{line}");
    }
    let names: Vec<String> = s.files.iter().map(|p| p.display().to_string()).collect();
    eprintln!("Wrote {}", names.join(", "));
    Ok(())
}
