//! `conflictmap animate`: the maps as an animated GIF and APNG, and their frames.

use std::path::Path;

use crate::cli::args::AnimateArgs;
use crate::error::Result;
use crate::products::animation;
use crate::run::Run;

pub fn run(args: &AnimateArgs) -> Result<()> {
    let run = Run::load(&args.study.options(), &args.events.without_ids())?;
    let a = animation::write(&run, &args.options())?;
    let size = |p: &Path| std::fs::metadata(p).map_or(0.0, |m| m.len() as f64 / 1e6);
    eprint!("{}", run.loaded.read.summary);
    eprintln!(
        "Animated {} frames ({} to {}) on one colour scale (top: {:.2} {}); wrote {} ({:.1} MB), {} ({:.1} MB), the frame table {} and the frames in {}",
        a.periods.len(),
        a.periods[0].label,
        a.periods[a.periods.len() - 1].label,
        a.scale.max,
        a.unit,
        a.gif.display(),
        size(&a.gif),
        a.apng.display(),
        size(&a.apng),
        a.table.display(),
        a.frames[0].parent().unwrap_or(Path::new(".")).display(),
    );
    Ok(())
}
