//! `conflictmap layers`: GIS layers for QGIS.

use crate::cli::args::LayersArgs;
use crate::error::Result;
use crate::products::layers;
use crate::run::Run;

pub fn run(args: &LayersArgs) -> Result<()> {
    let run = Run::load(&args.study.options(), &args.events.options())?;
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
