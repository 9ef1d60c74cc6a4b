//! `conflictmap spread`: its tables agree with the zone tables (per-year totals with the
//! country, the bands inside a ring's radius or a band's width with that zone), events at
//! known geodesic distances land in their bands, runs are byte-identical, and bad
//! arguments are refused with a message.

use std::collections::BTreeMap;
use std::path::Path;

use conflictmap::analysis::geodesy;
use conflictmap::units::{Km, LonLat};

#[path = "support/cli.rs"]
mod cli;
use cli::{assert_rejected, conflictmap};

fn run(args: &[&str]) {
    let o = conflictmap(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

type Key = (String, String); // (category, year)

/// Events per (category, year) of a zone in zones.csv (calendar years only).
fn zone_counts(zones: &[BTreeMap<String, String>], zone: &str) -> BTreeMap<Key, u64> {
    zones
        .iter()
        .filter(|r| r["zone_id"] == zone && !r["year"].is_empty())
        .map(|r| {
            (
                (r["category_id"].clone(), r["year"].clone()),
                r["events"].parse().unwrap(),
            )
        })
        .collect()
}

/// Events per (category, year) of a spread target summed over bands whose upper edge is
/// at most `upto` km (all bands: `None`).
fn band_sums(
    spread: &[BTreeMap<String, String>],
    id_col: &str,
    id: &str,
    upto: Option<f64>,
) -> BTreeMap<Key, u64> {
    let mut out = BTreeMap::new();
    for r in spread.iter().filter(|r| r[id_col] == id) {
        let to: Option<f64> = r["band_to_km"].parse().ok();
        let inside = match (upto, to) {
            (None, _) => true,
            (Some(u), Some(t)) => t <= u,
            (Some(_), None) => false,
        };
        if inside {
            *out.entry((r["category_id"].clone(), r["year"].clone()))
                .or_insert(0) += r["events"].parse::<u64>().unwrap();
        }
    }
    out
}

fn assert_agrees_with_zones(events: &str, extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let mut z = vec!["zones", "--events", events, "--out", out];
    z.extend_from_slice(extra);
    run(&z);
    let mut s = vec!["spread", "--events", events, "--out", out];
    s.extend_from_slice(extra);
    run(&s);
    let zones = rows(&dir.path().join("zones.csv"));
    let spread = rows(&dir.path().join("spread.csv"));
    let borders = rows(&dir.path().join("border_approach.csv"));
    let country = zone_counts(&zones, "country");
    assert!(
        country.values().sum::<u64>() > 0,
        "{events}: nothing counted"
    );
    assert_eq!(
        band_sums(&spread, "centre_id", "bamako_150km", None),
        country
    );
    assert_eq!(band_sums(&borders, "border_id", "all", None), country);
    // Bands up to the ring's radius and the band's width hold the zones' events.
    assert_eq!(
        band_sums(&spread, "centre_id", "bamako_150km", Some(150.0)),
        zone_counts(&zones, "bamako_150km")
    );
    assert_eq!(
        band_sums(&borders, "border_id", "all", Some(50.0)),
        zone_counts(&zones, "southern_borders_50km")
    );
    for code in ["CIV", "GIN", "SEN", "MRT"] {
        assert_eq!(
            band_sums(&borders, "border_id", code, Some(50.0)),
            zone_counts(&zones, &format!("southern_borders_50km:{code}")),
            "{code}"
        );
    }
    // The yearly statistics count the same events.
    let years = rows(&dir.path().join("spread_years.csv"));
    for r in years.iter().filter(|r| r["centre_id"] == "bamako_150km") {
        let key = (r["category_id"].clone(), r["year"].clone());
        assert_eq!(
            r["events"].parse::<u64>().unwrap(),
            country[&key],
            "{key:?}"
        );
    }
}

#[test]
fn sample_totals_match_the_zone_tables() {
    assert_agrees_with_zones("data/mali_synthetic_sample.csv", &[]);
}

#[test]
fn precision_filtered_totals_match_the_zone_tables() {
    assert_agrees_with_zones("data/mali_synthetic_sample.csv", &["--min-precision", "2"]);
}

#[test]
fn distinct_coordinate_totals_match_the_zone_tables() {
    assert_agrees_with_zones("tests/data/fixtures/distinct_3000.csv", &[]);
}

/// A minimal ACLED-style file: one militant Islamist attack (a JNIM battle) at each
/// position, in 2020.
fn event_file(positions: &[LonLat]) -> String {
    let mut out = String::from(
        "event_id_cnty,event_date,year,event_type,sub_event_type,actor1,admin1,latitude,longitude,fatalities\n",
    );
    for (i, p) in positions.iter().enumerate() {
        out.push_str(&format!(
            "MLI{i},2020-03-0{},2020,Battles,Armed clash,JNIM: Group for Support of Islam and Muslims,Koulikoro,{:.7},{:.7},1\n",
            i + 1,
            p.lat(),
            p.lon()
        ));
    }
    out
}

#[test]
fn events_at_known_distances_land_in_their_bands() {
    let bamako = LonLat::new(-8.0029, 12.6392).unwrap();
    // North-east of Bamako: inside Mali at all of these distances.
    let at = |km: f64, bearing: f64| geodesy::destination(bamako, bearing, Km::new(km).unwrap());
    let positions = [
        at(49.9, 10.0),
        at(50.0, 20.0),
        at(50.1, 30.0),
        at(99.9, 40.0),
        at(100.1, 50.0),
    ];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("known.csv");
    std::fs::write(&file, event_file(&positions)).unwrap();
    let out = dir.path().join("out");
    run(&[
        "spread",
        "--events",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--category",
        "militant_islamist_attack",
        "--bands",
        "0,50,100",
    ]);
    let spread = rows(&out.join("spread.csv"));
    let events: Vec<(String, u64)> = spread
        .iter()
        .map(|r| (r["band_from_km"].clone(), r["events"].parse().unwrap()))
        .collect();
    assert_eq!(
        events,
        [("0".into(), 2), ("50".into(), 2), ("100".into(), 1)],
        "coordinates written to 1e-7 degrees (1 cm) keep each event in its band"
    );
}

#[test]
fn two_runs_write_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    for out in [&a, &b] {
        run(&["spread", "--out", out.to_str().unwrap()]);
    }
    let mut names: Vec<_> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), 12, "{names:?}");
    for n in names {
        assert!(
            std::fs::read(a.join(&n)).unwrap() == std::fs::read(b.join(&n)).unwrap(),
            "{n:?} differs"
        );
    }
    let md = std::fs::read_to_string(a.join("spread.md")).unwrap();
    assert!(md.contains("SYNTHETIC DEMO DATA"));
    let json = std::fs::read_to_string(a.join("spread.json")).unwrap();
    assert!(json.contains("\"synthetic\": true"));
    // The expansion layer: a feature per year with its year, marked synthetic.
    let layer: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("spread_expansion.geojson")).unwrap())
            .unwrap();
    let features = layer["features"].as_array().unwrap();
    let years: Vec<i64> = features
        .iter()
        .map(|f| f["properties"]["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years, (2012..=2024).collect::<Vec<_>>());
    assert!(
        features
            .iter()
            .all(|f| f["properties"]["synthetic"] == true)
    );
    let qml = std::fs::read_to_string(a.join("spread_expansion.qml")).unwrap();
    assert!(qml.contains("attr=\"year\"") && qml.contains("value=\"2024\""));
    let tif = std::fs::read(a.join("spread_change.tif")).unwrap();
    assert!(tif.starts_with(b"II*\0") || tif.starts_with(b"MM\0*"));
}

#[test]
fn bad_arguments_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    assert_rejected(
        &["spread", "--bands", "0,100,50", "--out", o],
        "edges must increase",
        &out,
    );
    assert_rejected(
        &["spread", "--centre", "timbuktu", "--out", o],
        "--centre timbuktu",
        &out,
    );
    assert_rejected(
        &["spread", "--category", "nope", "--out", o],
        "--category nope",
        &out,
    );
    assert_rejected(
        &["spread", "--compare", "2023-2020:2024", "--out", o],
        "first year is after the last",
        &out,
    );
    let o2 = dir.path().join("out2");
    let o2s = o2.to_str().unwrap();
    let r = conflictmap(&["spread", "--compare", "2005:2024", "--out", o2s]);
    assert!(!r.status.success());
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("no density for 2005"), "{err}");
}

#[test]
fn the_report_has_a_spread_section_with_its_key_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    run(&[
        "report",
        "--products",
        "spread,page",
        "--out",
        out.to_str().unwrap(),
    ]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("## Spread"), "{md}");
    assert!(md.contains("the median distance to Bamako was"), "{md}");
    assert!(md.contains("(spread/spread_expansion.png)"), "{md}");
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    for f in [
        "spread/spread.csv",
        "spread/spread_profile.png",
        "spread/spread_expansion.geojson",
        "spread/spread_change.tif",
    ] {
        assert!(manifest.contains(&format!("\"{f}\"")), "manifest lacks {f}");
        assert!(out.join(f).exists(), "{f} missing");
    }
}
