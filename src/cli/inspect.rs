//! `conflictmap inspect`: what is in an event file.

use crate::analysis::overview::{KeptByCode, Names, Overview};
use crate::cli::args::InspectArgs;
use crate::error::{Error, Result};
use crate::input::Territory;
use crate::model::CountryMatch;
use crate::run::{load_events, setup};

pub fn run(args: &InspectArgs) -> Result<()> {
    let setup = setup(&args.study.options())?;
    let loaded = load_events(&setup, &args.events.options())?;
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
    let mut overview = Overview::build(
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
    let set = &loaded.read.events;
    overview.kept_by_code = set
        .events
        .iter()
        .filter(|e| e.country == CountryMatch::CodedOutsideOutline)
        .map(|e| KeptByCode {
            event_id: set.id(e.id).to_string(),
            date: e.date,
            location: set.str(e.location).to_string(),
            lon: e.lon(),
            lat: e.lat(),
            km_outside: setup.boundaries.km_outside(e.position),
            source_line: e.source_line,
        })
        .collect();
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
