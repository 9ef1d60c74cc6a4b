//! `conflictmap inspect`: what is in an event file.

use crate::analysis::overview::{Names, Overview};
use crate::cli::args::InspectArgs;
use crate::cli::load::{load_events, setup};
use crate::error::{Error, Result};

pub fn run(args: &InspectArgs) -> Result<()> {
    let setup = setup(&args.study)?;
    let loaded = load_events(&setup, &args.events)?;
    let categories: Vec<(String, String)> = setup
        .categories
        .list()
        .iter()
        .map(|c| (c.id.clone(), c.label.clone()))
        .collect();
    let regions: Vec<String> = setup
        .boundaries
        .regions()
        .items
        .iter()
        .map(|r| r.name.clone())
        .collect();
    let classes: Vec<u64> = loaded.classes.iter().map(|c| c.bits()).collect();
    let region_idx: Vec<Option<usize>> = loaded
        .admin
        .iter()
        .map(|(r, _)| r.map(|r| r.index()))
        .collect();
    let overview = Overview::build(
        loaded.read.summary.clone(),
        loaded.synthetic,
        &loaded.read.events,
        &classes,
        &region_idx,
        &Names {
            categories: &categories,
            regions: &regions,
        },
    );
    if args.json {
        let json = serde_json::to_string_pretty(&overview)
            .map_err(|e| Error::Usage(format!("cannot write JSON: {e}")))?;
        println!("{json}");
    } else {
        println!("Input: {}", loaded.input);
        print!("{overview}");
    }
    Ok(())
}
