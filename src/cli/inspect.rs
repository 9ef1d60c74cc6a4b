//! `conflictmap inspect`: what is in an event file.

use rayon::prelude::*;

use crate::analysis::overview::{KeptByCode, Names, Overview};
use crate::cli::args::InspectArgs;
use crate::error::{Error, Result};
use crate::input::Territory;
use crate::model::CountryMatch;
use crate::run::{Stage, Stopwatch, load_events_timed, setup};

pub fn run(args: &InspectArgs) -> Result<()> {
    let (input, overview, _) = overview_timed(args)?;
    if args.json {
        let json = serde_json::to_string_pretty(&overview)
            .map_err(|e| Error::Usage(format!("cannot write JSON: {e}")))?;
        println!("{json}");
    } else {
        println!("Input: {input}");
        print!("{overview}");
    }
    Ok(())
}

/// The overview of the events of `args` and the input's name, with the wall time and
/// peak memory of its stages (read, classify, overview) for `conflictmap bench`.
pub fn overview_timed(args: &InspectArgs) -> Result<(String, Overview, Vec<Stage>)> {
    let mut sw = Stopwatch::new();
    let setup = setup(&args.study.options())?;
    sw.lap("setup");
    let loaded = load_events_timed(&setup, &args.events.options(), &mut sw)?;
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
    let mut overview = Overview::build(
        loaded.read.summary.clone(),
        loaded.synthetic,
        &loaded.read.events,
        |i| loaded.classes[i].bits(),
        |i| loaded.regions[i].map(|r| r.index()),
        &Names {
            categories: &categories,
            regions: &regions,
        },
    );
    let set = &loaded.read.events;
    overview.kept_by_code = set
        .events
        .par_iter()
        .enumerate()
        .filter(|(_, e)| e.country == CountryMatch::CodedOutsideOutline)
        .map(|(i, e)| KeptByCode {
            event_id: set.id(i).to_string(),
            date: e.date,
            location: set.str(e.location).to_string(),
            lon: e.lon(),
            lat: e.lat(),
            km_outside: setup.boundaries.km_outside(e.position),
            source_line: u64::from(e.source_line),
        })
        .collect();
    sw.lap("overview");
    Ok((loaded.input, overview, sw.stages().to_vec()))
}
