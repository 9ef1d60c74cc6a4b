//! Differential fuzzing of the readers: generated ACLED and UCDP GED CSV files full of
//! what breaks tokenisers, read by the block scanner (streamed and in memory) and by the
//! csv crate alone, and GeoJSON files with wrong types, nesting and cut-short text, read
//! as a stream and in memory; any disagreement, panic or error that does not name the
//! file is printed with the input (written to fuzz-failure-SEED-CASE.csv/.geojson) and
//! the run stops with exit code 1.
//!
//!     cargo run --release --example fuzz_readers -- --cases 10000000 [--seed 1] [--jobs 2] [--seconds 600] [--streamed-only]
//!
//! Each job draws its own stream of cases (seed and job number make it reproducible:
//! `--seed S --jobs 1` with the job's seed `S + 1000 * JOB` replays it).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use conflictmap::input::differential::{Kind, Paths, Rng, check, generate};

fn main() {
    let mut cases: u64 = 100_000;
    let mut seed: u64 = 1;
    let mut jobs: u64 = 1;
    let mut seconds: Option<u64> = None;
    let mut paths = Paths::All;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = || args.get(i + 1).and_then(|v| v.parse().ok());
        match args[i].as_str() {
            "--cases" => cases = value().expect("--cases N"),
            "--seed" => seed = value().expect("--seed N"),
            "--jobs" => jobs = value().expect("--jobs N").max(1),
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
    let done = AtomicU64::new(0);
    let failed = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for job in 0..jobs {
            let (done, failed) = (&done, &failed);
            // Each job in a one-thread rayon pool: the readers' parallel steps then run
            // inline instead of waking pool threads for files of a few hundred bytes.
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .expect("a one-thread pool");
            scope.spawn(move || {
                pool.install(|| {
                    let job_seed = seed + 1000 * job;
                    let mut rng = Rng::new(job_seed);
                    let mut n = 0u64;
                    loop {
                        if failed.load(Ordering::Relaxed)
                            || deadline.is_some_and(|d| Instant::now() >= d)
                        {
                            return;
                        }
                        // Claim a case number first, so the total is exactly `cases`.
                        let total = done.fetch_add(1, Ordering::Relaxed);
                        if total >= cases {
                            done.fetch_sub(1, Ordering::Relaxed);
                            return;
                        }
                        let case = generate(&mut rng);
                        // A panic is a finding like a disagreement: caught, input saved.
                        let checked =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                check(&case, paths)
                            }))
                            .unwrap_or_else(|_| Err("the reader panicked (message above)".into()));
                        if let Err(e) = checked {
                            failed.store(true, Ordering::Relaxed);
                            let ext = match case.kind {
                                Kind::GeoJson => "geojson",
                                Kind::Acled | Kind::Ged => "csv",
                            };
                            let file = format!("fuzz-failure-{job_seed}-{n}.{ext}");
                            let _ = std::fs::write(&file, &case.bytes);
                            eprintln!("case {n} of seed {job_seed}: {e}\ninput written to {file}");
                            return;
                        }
                        n += 1;
                        if (total + 1).is_multiple_of(100_000) {
                            eprintln!(
                                "{} cases, {:.0} s",
                                total + 1,
                                started.elapsed().as_secs_f64()
                            );
                        }
                    }
                })
            });
        }
    });
    if failed.load(Ordering::Relaxed) {
        std::process::exit(1);
    }
    println!(
        "{} cases agreed ({:?} paths, seed {seed}, {jobs} jobs) in {:.1} s",
        done.load(Ordering::Relaxed),
        paths,
        started.elapsed().as_secs_f64()
    );
}
