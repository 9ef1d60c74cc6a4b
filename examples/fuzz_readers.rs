//! Differential fuzzing of the CSV readers: generated ACLED-like files full of what breaks
//! tokenisers, read by the block scanner (streamed and in memory) and by the csv crate
//! alone; any disagreement in events, diagnostics or summary is printed with the file
//! (written to fuzz-failure-SEED.csv) and the run stops with exit code 1.
//!
//!     cargo run --release --example fuzz_readers -- --cases 10000000 [--seed 1] [--seconds 600] [--streamed-only]

use std::time::{Duration, Instant};

use conflictmap::input::differential::{Paths, Rng, check, generate};

fn main() {
    let mut cases: u64 = 100_000;
    let mut seed: u64 = 1;
    let mut seconds: Option<u64> = None;
    let mut paths = Paths::All;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = || args.get(i + 1).and_then(|v| v.parse().ok());
        match args[i].as_str() {
            "--cases" => cases = value().expect("--cases N"),
            "--seed" => seed = value().expect("--seed N"),
            "--seconds" => seconds = Some(value().expect("--seconds N")),
            "--streamed-only" => {
                paths = Paths::Streamed;
                i -= 1;
            }
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    let started = Instant::now();
    let deadline = seconds.map(|s| started + Duration::from_secs(s));
    let mut rng = Rng::new(seed);
    let mut done = 0u64;
    while done < cases && deadline.is_none_or(|d| Instant::now() < d) {
        let case = generate(&mut rng);
        if let Err(e) = check(&case, paths) {
            let file = format!("fuzz-failure-{seed}-{done}.csv");
            let _ = std::fs::write(&file, &case.bytes);
            eprintln!("case {done} (seed {seed}): {e}\ninput written to {file}");
            std::process::exit(1);
        }
        done += 1;
        if done.is_multiple_of(100_000) {
            eprintln!("{done} cases, {:.0} s", started.elapsed().as_secs_f64());
        }
    }
    println!(
        "{done} cases agreed ({:?} paths, seed {seed}) in {:.1} s",
        paths,
        started.elapsed().as_secs_f64()
    );
}
