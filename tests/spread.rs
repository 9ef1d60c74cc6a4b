//! `conflictmap spread`: its tables agree with the zone tables (per-year totals with the
//! country, the bands inside a ring's radius or a band's width with that zone), events at
//! known geodesic distances land in their bands, runs are byte-identical, the choropleth
//! table counts the same events on one scale, the expansion GeoPackage opens in GDAL,
//! band edges come from flags, then the study, then the defaults, and bad arguments are
//! refused with a message.

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
    // The choropleths (of the headline category, the study's first) count the country's
    // events in units: here every one of them, in a region and in a cercle.
    let choropleth = rows(&dir.path().join("spread_choropleth.csv"));
    let headline: BTreeMap<Key, u64> = country
        .iter()
        .filter(|((c, _), _)| c == "militant_islamist_attack")
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    for level in ["region", "cercle"] {
        let mut sums: BTreeMap<Key, u64> = BTreeMap::new();
        for r in choropleth.iter().filter(|r| r["unit_level"] == level) {
            let key = ("militant_islamist_attack".to_string(), r["year"].clone());
            *sums.entry(key).or_default() += r["events"].parse::<u64>().unwrap();
        }
        assert_eq!(sums, headline, "{events}: {level} sums");
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
    assert_eq!(names.len(), 16, "{names:?}");
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
    assert_choropleth_table(&a.join("spread_choropleth.csv"));
}

/// The choropleth table: every unit in every year exactly once, with one class on its
/// level's one scale (the same rate, the same class, whatever the year; zero events:
/// class 0), rates that are events per 1,000 km² of the unit's area, marked synthetic.
fn assert_choropleth_table(path: &Path) {
    let table = rows(path);
    for level in ["region", "cercle"] {
        let rows: Vec<_> = table.iter().filter(|r| r["unit_level"] == level).collect();
        let units: std::collections::BTreeSet<&str> =
            rows.iter().map(|r| r["unit_id"].as_str()).collect();
        let years: std::collections::BTreeSet<&str> =
            rows.iter().map(|r| r["year"].as_str()).collect();
        assert_eq!(
            rows.len(),
            units.len() * years.len(),
            "{level}: one row per unit-year"
        );
        assert_eq!(years.len(), 13, "{level}");
        // Class bounds per class, over every year: classes must not overlap.
        let mut bounds: BTreeMap<u32, (f64, f64, String)> = BTreeMap::new();
        for r in &rows {
            let events: u64 = r["events"].parse().unwrap();
            let area: f64 = r["area_km2"].parse().unwrap();
            let rate: f64 = r["events_per_1000km2"].parse().unwrap();
            let class: u32 = r["class"].parse().unwrap();
            // The table rounds areas to 0.1 km² and rates to 1e-4.
            let expected = events as f64 * 1000.0 / area;
            assert!((rate - expected).abs() <= expected * 1e-3 + 1e-4, "{r:?}");
            assert_eq!(class == 0, events == 0, "{r:?}");
            assert_eq!(r["synthetic"], "true");
            let b = bounds
                .entry(class)
                .or_insert((f64::INFINITY, 0.0, r["class_label"].clone()));
            (b.0, b.1) = (b.0.min(rate), b.1.max(rate));
            assert_eq!(b.2, r["class_label"], "one label per class");
        }
        let b: Vec<_> = bounds.values().collect();
        assert!(b.len() >= 4, "{level}: {b:?}");
        for w in b.windows(2) {
            assert!(w[0].1 < w[1].0, "{level}: classes overlap: {b:?}");
        }
    }
}

#[test]
fn the_expansion_geopackage_opens_in_gdal_with_a_year_per_feature() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run(&["spread", "--no-choropleth", "--out", out.to_str().unwrap()]);
    assert!(
        !out.join("spread_choropleth.csv").exists(),
        "--no-choropleth"
    );
    let gpkg = out.join("spread_expansion.gpkg");
    let o = std::process::Command::new("ogrinfo")
        .args(["-ro", "-al", "-geom=NO", gpkg.to_str().unwrap()])
        .output()
        .unwrap_or_else(|e| panic!("cannot run ogrinfo ({e}): run scripts/setup.sh"));
    let text = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success() && err.trim().is_empty(), "{err}");
    assert!(text.contains("Layer name: spread_expansion"), "{text}");
    assert!(text.contains("Geometry: Multi Polygon"), "{text}");
    assert!(text.contains("Feature Count: 13"), "{text}");
    let years: Vec<i32> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("year (Integer64) = "))
        .map(|y| y.parse().unwrap())
        .collect();
    assert_eq!(years, (2012..=2024).collect::<Vec<_>>(), "{text}");
    assert!(
        text.contains("SYNTHETIC"),
        "the description says synthetic: {text}"
    );
    // Its default style (QGIS applies it when the layer is added).
    let o = std::process::Command::new("ogrinfo")
        .args([
            "-ro",
            gpkg.to_str().unwrap(),
            "-sql",
            "SELECT f_table_name, useAsDefault FROM layer_styles",
        ])
        .output()
        .unwrap();
    let styles = String::from_utf8_lossy(&o.stdout);
    assert!(
        styles.contains("f_table_name (String) = spread_expansion"),
        "{styles}"
    );
}

/// The Mali study without its `[spread]` table (its last) and with `extra` appended,
/// its files named as built into the binary.
fn study_with(extra: &str) -> String {
    let text = std::fs::read_to_string("config/mali.toml").unwrap();
    let text = text.split("\n[spread]").next().unwrap();
    let text = text
        .replace("\"../boundaries/", "\"builtin:boundaries/")
        .replace("\"categories.toml\"", "\"builtin:config/categories.toml\"");
    format!("{text}\n{extra}")
}

fn band_edges(path: &Path, id_col: &str, id: &str) -> Vec<String> {
    let mut edges: Vec<String> = Vec::new();
    for r in rows(path).iter().filter(|r| r[id_col] == id) {
        if !edges.contains(&r["band_from_km"]) {
            edges.push(r["band_from_km"].clone());
        }
    }
    edges
}

#[test]
fn band_edges_come_from_the_flags_then_the_study_then_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study.toml");
    std::fs::write(
        &study,
        study_with(
            "[spread]\ncentre_bands = [0, 100, 250]\nborder_bands = [0, 40]\nwithin = [100]\n",
        ),
    )
    .unwrap();
    let s = study.to_str().unwrap();
    let out = |name: &str| dir.path().join(name);
    let args = |name: &str| -> Vec<String> {
        [
            "spread",
            "--no-choropleth",
            "--category",
            "militant_islamist_attack",
            "--out",
        ]
        .iter()
        .map(|a| a.to_string())
        .chain([out(name).to_str().unwrap().to_string()])
        .collect()
    };
    let go = |a: Vec<String>| run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    // The study's bands.
    let mut a = args("study");
    a.extend(["--study".into(), s.into()]);
    go(a);
    let centre =
        |name: &str| band_edges(&out(name).join("spread.csv"), "centre_id", "bamako_150km");
    let border =
        |name: &str| band_edges(&out(name).join("border_approach.csv"), "border_id", "all");
    assert_eq!(centre("study"), ["0", "100", "250"]);
    assert_eq!(border("study"), ["0", "40"]);
    let header = |name: &str| {
        std::fs::read_to_string(out(name).join("spread_years.csv"))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    assert!(
        header("study").contains("share_within_100km"),
        "{}",
        header("study")
    );
    assert!(!header("study").contains("share_within_150km"));
    // Flags over the study.
    let mut a = args("flags");
    a.extend(["--study", s, "--bands", "0,75", "--within", "50"].map(String::from));
    go(a);
    assert_eq!(centre("flags"), ["0", "75"]);
    assert_eq!(
        border("flags"),
        ["0", "40"],
        "the study's border bands stay"
    );
    assert!(header("flags").contains("share_within_50km"));
    // A study without a [spread] table: the built-in defaults.
    let plain = dir.path().join("plain.toml");
    std::fs::write(&plain, study_with("")).unwrap();
    let mut a = args("defaults");
    a.extend(["--study".into(), plain.to_str().unwrap().into()]);
    go(a);
    assert_eq!(
        centre("defaults"),
        ["0", "50", "100", "150", "200", "300", "500"]
    );
    assert_eq!(border("defaults"), ["0", "25", "50", "100", "200"]);
    assert!(header("defaults").contains("share_within_150km"));
}

#[test]
fn bad_band_edges_in_the_study_are_refused_naming_the_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (extra, expect) in [
        (
            "[spread]\ncentre_bands = [0, 100, 50]\n",
            "spread.centre_bands = [0, 100, 50]: edges must increase",
        ),
        (
            "[spread]\nborder_bands = [0, -25, 50]\n",
            "spread.border_bands = [0, -25, 50]: -25 is not a distance >= 0 km",
        ),
        ("[spread]\nwithin = [0]\n", "spread.within = [0]"),
    ] {
        let study = dir.path().join("bad.toml");
        std::fs::write(&study, study_with(extra)).unwrap();
        let s = study.to_str().unwrap();
        assert_rejected(
            &["spread", "--study", s, "--out", out.to_str().unwrap()],
            expect,
            &out,
        );
        let o = conflictmap(&["spread", "--study", s, "--out", out.to_str().unwrap()]);
        assert!(String::from_utf8_lossy(&o.stderr).contains("bad.toml"));
    }
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
    assert!(
        md.contains("(spread/spread_choropleth_regions.png)"),
        "{md}"
    );
    assert!(
        md.contains("had the highest rate of militant Islamist attacks among Mali's regions"),
        "{md}"
    );
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    for f in [
        "spread/spread.csv",
        "spread/spread_profile.png",
        "spread/spread_expansion.geojson",
        "spread/spread_change.tif",
        "spread/spread_expansion.gpkg",
        "spread/spread_choropleth.csv",
        "spread/spread_choropleth_regions.png",
        "spread/spread_choropleth_cercles.png",
    ] {
        assert!(manifest.contains(&format!("\"{f}\"")), "manifest lacks {f}");
        assert!(out.join(f).exists(), "{f} missing");
    }
}
