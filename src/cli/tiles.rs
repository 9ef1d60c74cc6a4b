//! `conflictmap tiles`: web map tiles of the yearly density, and their viewer.

use std::path::PathBuf;

use crate::cli::args::TilesArgs;
use crate::error::Result;
use crate::products::tiles;
use crate::run::{EventOptions, Run, Stage};

pub fn run(args: &TilesArgs) -> Result<()> {
    run_timed(args).map(|_| ())
}

/// The whole run, with the time of its stages (setup, read, classify, tile densities,
/// tiles); returns the files and folders written.
pub fn run_timed(args: &TilesArgs) -> Result<(Vec<PathBuf>, Vec<Stage>)> {
    let events = EventOptions {
        // The events' vector tiles and the viewer's popups print the actor roles,
        // sources and notes.
        details: true,
        ..args.events.options()
    };
    let run = Run::load(&args.study.options(), &events)?;
    let t = tiles::write(&run, &args.options())?;
    for note in &t.notes {
        eprintln!("{note}");
    }
    eprintln!("{}", t.summary);
    eprint!("{}", run.loaded.read.summary);
    eprintln!(
        "Wrote {} tile sets and tiles.json to {}",
        t.files.len().saturating_sub(1),
        args.out.join("tiles").display()
    );
    Ok((t.files, run.stages()))
}
