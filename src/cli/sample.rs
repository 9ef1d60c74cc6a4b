//! `conflictmap sample`: the deterministic synthetic ACLED-format sample.

use std::path::Path;

use crate::cli::args::SampleArgs;
use crate::error::{Error, Result};
use crate::output::write_atomic;
use crate::run::{named_synthetic, setup};
use crate::sample::{SampleOptions, SamplePlace, write_sample};

pub fn run(args: &SampleArgs) -> Result<()> {
    check_name(&args.out)?;
    let setup = setup(&args.study.options())?;
    let places = sample_places(&setup.boundaries);
    // Without --last-date, a sample ending in the default last year stops at the default
    // data cut (a partial year, as in the ACSS report); other ranges run to 31 December.
    let default = SampleOptions::default();
    let last_date = args.last_date.or(if args.last_year == default.last_year {
        default.last_date
    } else {
        None
    });
    let opts = SampleOptions {
        rows: args.rows,
        seed: args.seed,
        first_year: args.first_year,
        last_year: args.last_year,
        last_date,
        shape: args.shape,
    };
    let mut stats = None;
    write_atomic(&args.out, |w| {
        stats = Some(write_sample(&mut *w, &places, &opts)?);
        w.flush()
    })?;
    let stats = stats.ok_or_else(|| Error::Usage("sample: nothing written".into()))?;
    eprintln!(
        "Wrote {} synthetic {} rows (seed {}) to {}",
        stats.rows,
        args.shape.name(),
        args.seed,
        args.out.display()
    );
    for (year, n) in &stats.by_year {
        eprintln!("  {year}: {n}");
    }
    Ok(())
}

/// Products say their data is synthetic when an input's file name contains
/// "synthetic" ([`named_synthetic`]); the short rows of `--shape distinct` have no notes or
/// sources to say it, so the name is the one mark every shape carries. A sample written
/// under another name would make maps that credit ACLED for invented events.
fn check_name(out: &Path) -> Result<()> {
    if named_synthetic(out) {
        return Ok(());
    }
    let suggestion = out.with_file_name(format!(
        "synthetic_{}",
        out.file_name()
            .map_or("events.csv".into(), |n| n.to_string_lossy())
    ));
    Err(Error::Usage(format!(
        "sample: the output file name must contain \"synthetic\" ({} does not), so that every product made from it says its events are invented; for example {}",
        out.display(),
        suggestion.display()
    )))
}

/// The study's towns with their region and cercle names (ACLED's admin1/admin2).
pub fn sample_places(b: &crate::model::Boundaries) -> Vec<SamplePlace> {
    b.places()
        .items
        .iter()
        .filter_map(|p| {
            let region = b.region_of(p.pos)?;
            let cercle = b.cercle_of(p.pos);
            Some(SamplePlace {
                name: p.name.clone(),
                lon: p.pos.lon(),
                lat: p.pos.lat(),
                admin1: b.region(region).name.clone(),
                admin2: cercle.map(|c| b.cercle(c).name.clone()).unwrap_or_default(),
                population: p.population.unwrap_or(0),
            })
        })
        .collect()
}
