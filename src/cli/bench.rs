//! `conflictmap bench`: the inspect, zones, maps and tiles pipelines on synthetic files of several
//! sizes, with wall time and peak memory per stage. Targets and peers' numbers are in the
//! README.

use std::path::{Path, PathBuf};

use clap::Parser;

use crate::cli::args::{BenchArgs, Cli, Command, Pipeline};
use crate::cli::sample::sample_places;
use crate::cli::{inspect, maps, tiles, zones};
use crate::error::{Error, Result};
use crate::output::{write_atomic, write_bytes_atomic};
use crate::run::{Stage, setup};
use crate::sample::{SampleOptions, SamplePlace, Shape, write_sample};

/// Seed of the benchmark files (fixed, so every run measures the same data).
const SEED: u64 = 1;

pub fn run(args: &BenchArgs) -> Result<()> {
    let setup = setup(&Default::default())?;
    let places = sample_places(&setup.boundaries);
    let mut report = String::new();
    for &shape in &args.shapes {
        report.push_str(&format!(
            "\n### {} rows\n\n| events | stage | wall (s) | peak memory (MB) |\n|---:|---|---:|---:|\n",
            shape.name()
        ));
        for &rows in &args.sizes {
            bench_file(args, &places, shape, rows, &mut report)?;
        }
    }
    let md = args.dir.join("bench.md");
    write_bytes_atomic(&md, report.as_bytes())?;
    print!("{report}");
    eprintln!("Wrote {}", md.display());
    Ok(())
}

/// Generates (once) the `shape` file of `rows` events and times the zones, maps and
/// tiles pipelines on it, adding their stages to `report`.
fn bench_file(
    args: &BenchArgs,
    places: &[SamplePlace],
    shape: Shape,
    rows: u64,
    report: &mut String,
) -> Result<()> {
    let name = format!("{}_{rows}", shape.name());
    // "synthetic" in the name: every product made from the file says so on its face.
    let file = args
        .dir
        .join(format!("synthetic_events_{name}_seed{SEED}.csv"));
    if !file.exists() {
        eprintln!(
            "bench: generating {rows} {} events into {}",
            shape.name(),
            file.display()
        );
        let opts = SampleOptions {
            rows,
            seed: SEED,
            shape,
            ..SampleOptions::default()
        };
        write_atomic(&file, |w| {
            write_sample(&mut *w, places, &opts)?;
            w.flush()
        })?;
    }
    for &pipeline in &args.pipelines {
        // Parsed like the command line so the benchmark measures exactly what users run.
        let out = args.dir.join(format!("{}_{name}", pipeline.command()));
        let out = (pipeline != Pipeline::Inspect).then_some(out.as_path());
        let (prefix, what, stages) = match parse_command(pipeline.command(), &file, out)? {
            Command::Inspect(a) => {
                let (_, _, stages) = inspect::overview_timed(&a)?;
                ("inspect: ", "overview".to_string(), stages)
            }
            Command::Zones(a) => (
                "zones: ",
                "zone tables".to_string(),
                zones::run_timed(&a)?.1,
            ),
            Command::Maps(a) => {
                let (written, stages) = maps::run_timed(&a)?;
                ("", format!("{} maps", written.len()), stages)
            }
            // Zooms 0-10, every year, all containers.
            Command::Tiles(a) => {
                let (written, stages) = tiles::run_timed(&a)?;
                ("tiles: ", format!("{} tile sets", written.len()), stages)
            }
            _ => unreachable!("a pipeline parses as its own command"),
        };
        eprintln!("\n{rows} {} events: {what}", shape.name());
        report_stages(report, rows, prefix, &stages);
        release_freed_memory();
    }
    Ok(())
}

/// Hands the memory freed by the last pipeline back to the system, so that the next
/// pipeline's peak is its own and not what the allocator kept of the last one (a few
/// hundred MB after a 10M-row run).
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap memory to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Prints the stages of `sw` and adds them to the Markdown `report`.
fn report_stages(report: &mut String, rows: u64, prefix: &str, stages: &[Stage]) {
    for s in stages {
        let mb = s
            .peak_kb
            .map(|k| format!("{:.0}", k as f64 / 1024.0))
            .unwrap_or_default();
        eprintln!(
            "  {prefix}{:<10} {:>8.3} s {:>8} MB",
            s.name,
            s.wall.as_secs_f64(),
            mb
        );
        report.push_str(&format!(
            "| {rows} | {prefix}{} | {:.3} | {mb} |\n",
            s.name,
            s.wall.as_secs_f64()
        ));
    }
    let peak = stages
        .iter()
        .filter_map(|s| s.peak_kb)
        .max()
        .map(|k| format!("{:.0}", k as f64 / 1024.0))
        .unwrap_or_default();
    eprintln!(
        "  {prefix}{:<10} {:>8.3} s {:>8} MB (peak of any stage)",
        "total",
        total(stages),
        peak
    );
    report.push_str(&format!(
        "| {rows} | **{prefix}total** | **{:.3}** | **{peak}** |\n",
        total(stages)
    ));
}

/// Seconds of all stages.
fn total(stages: &[Stage]) -> f64 {
    stages.iter().map(|s| s.wall.as_secs_f64()).sum()
}

/// `conflictmap <command> --events <events> [--out <out>] --show-problems 0`, parsed.
fn parse_command(command: &str, events: &Path, out: Option<&Path>) -> Result<Command> {
    let mut argv: Vec<PathBuf> = vec![
        "conflictmap".into(),
        command.into(),
        "--events".into(),
        events.into(),
        "--show-problems".into(),
        "0".into(),
    ];
    if let Some(out) = out {
        argv.extend(["--out".into(), out.into()]);
    }
    Ok(Cli::try_parse_from(argv)
        .map_err(|e| Error::Usage(e.to_string()))?
        .command)
}
