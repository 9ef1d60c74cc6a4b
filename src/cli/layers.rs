//! `conflictmap layers`: GIS layers for QGIS.

use crate::cli::args::LayersArgs;
use crate::error::Result;
use crate::products::layers;
use crate::run::{EventOptions, Run};

pub fn run(args: &LayersArgs) -> Result<()> {
    let events = EventOptions {
        // The events layer prints the actor roles, inter codes and sources.
        details: true,
        ..args.events.options()
    };
    let run = Run::load(&args.study.options(), &events)?;
    let written = layers::write(&run, &args.options())?;
    eprint!("{}", run.loaded.read.summary);
    eprintln!(
        "Wrote {} layers to {}:",
        written.len(),
        args.out.join("layers").display()
    );
    for p in &written {
        eprintln!("  {}", p.display());
    }
    Ok(())
}
