//! `conflictmap maps`: yearly heatmaps on one colour scale.

use std::path::PathBuf;

use crate::cli::args::MapsArgs;
use crate::error::Result;
use crate::products::density::span;
use crate::products::maps;
use crate::run::{Run, Stage};

pub fn run(args: &MapsArgs) -> Result<()> {
    run_timed(args).map(|_| ())
}

/// The whole run, with the time of its stages (setup, read, classify, basemap, grid,
/// density, draw, encode); returns the files written.
pub fn run_timed(args: &MapsArgs) -> Result<(Vec<PathBuf>, Vec<Stage>)> {
    let run = Run::load(&args.study.options(), &args.events.without_ids())?;
    let opts = args.options();
    let paths = maps::write(&run, &opts)?;
    let d = &run.maps(&opts.map)?.densities;
    eprint!("{}", run.loaded.read.summary);
    eprintln!(
        "Mapped {} events ({}, {}) on one colour scale (top: {:.2} {}); wrote {} maps to {}",
        d.selected.len(),
        d.category.label,
        span(&d.years),
        d.year_scale.max,
        d.unit,
        paths.len(),
        args.out.join("maps").display()
    );
    Ok((paths, run.stages()))
}
