//! Zone tables stay byte-identical across changes to how membership is computed: the
//! expected files were written by the version before bounded membership tests and the
//! point-location grid, on a distinct-coordinate fixture (from `conflictmap sample
//! --shape distinct --rows 3000 --seed 13`) and on the shipped sample. When the tables
//! gained trailing windows and the period and synthetic columns, the files were written
//! again after checking that every calendar-year line (the first 12 CSV columns, the
//! JSON cells, years and projection) was unchanged.

use std::path::Path;

#[path = "support/cli.rs"]
mod cli;
use cli::conflictmap;

/// Runs `zones` on `events` (plus `extra` flags) and compares each of `files` with the
/// one in tests/data/reference/`reference`.
fn assert_tables(events: &str, extra: &[&str], reference: &str, files: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("zones");
    let out_s = out.to_str().unwrap();
    let mut args = vec!["zones", "--events", events, "--out", out_s];
    args.extend_from_slice(extra);
    let o = conflictmap(&args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let expected = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/reference")
        .join(reference);
    for f in files {
        let got = std::fs::read(out.join(f)).unwrap();
        let want = std::fs::read(expected.join(f)).unwrap();
        assert!(
            got == want,
            "{reference}/{f} differs from the expected file"
        );
    }
}

#[test]
fn distinct_coordinates_give_the_expected_tables() {
    assert_tables(
        "tests/data/fixtures/distinct_3000.csv",
        &[],
        "zones_distinct",
        &["zones.csv", "zones.md", "zones.json"],
    );
}

#[test]
fn distinct_coordinates_kept_outside_give_the_expected_tables() {
    assert_tables(
        "tests/data/fixtures/distinct_3000.csv",
        &["--keep-outside"],
        "zones_distinct_keep_outside",
        &["zones.csv"],
    );
}

#[test]
fn the_shipped_sample_gives_the_expected_tables() {
    assert_tables(
        "data/mali_synthetic_sample.csv",
        &[],
        "zones_sample",
        &["zones.csv"],
    );
}
