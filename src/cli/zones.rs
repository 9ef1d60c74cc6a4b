//! `conflictmap zones`: the zone tables (Markdown also on stdout).

use crate::cli::args::ZonesArgs;
use crate::error::Result;
use crate::products::tables::{self, ZoneTables};
use crate::run::{Run, Stage};

pub fn run(args: &ZonesArgs) -> Result<()> {
    let (t, _) = run_timed(args)?;
    print!("{}", t.markdown);
    Ok(())
}

/// The whole run, with the time of its stages (setup, read, classify, zones, tables).
pub fn run_timed(args: &ZonesArgs) -> Result<(ZoneTables, Vec<Stage>)> {
    let run = Run::load(&args.study_options(), &args.events.without_ids())?;
    let t = tables::write(&run, &args.options())?;
    eprint!("{}", run.loaded.read.summary);
    let names: Vec<String> = t.paths.iter().map(|p| p.display().to_string()).collect();
    eprintln!("Wrote {}", names.join(", "));
    Ok((t, run.stages()))
}
