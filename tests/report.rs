//! `conflictmap report` on a fixture: every product written, the manifest lists exactly
//! the files written with their true SHA-256, a second run is byte-identical, the charts
//! hold the zone table's values, and the page opens in headless Chromium with only local
//! references.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

#[path = "support/chromium.rs"]
mod chromium;
use chromium::headless;

const FIXTURE: &str = "tests/data/fixtures/report_synthetic_sample.csv";

fn report(out: &Path) {
    report_with(out, &[]);
}

fn report_with(out: &Path, extra: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_conflictmap"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["report", "--events", FIXTURE, "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "report failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Every file under `dir`, by path relative to it (with `/`).
fn walk(dir: &Path) -> BTreeMap<String, PathBuf> {
    fn go(root: &Path, dir: &Path, out: &mut BTreeMap<String, PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                go(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap();
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.insert(rel.join("/"), p);
            }
        }
    }
    let mut out = BTreeMap::new();
    go(dir, dir, &mut out);
    out
}

fn sha256(p: &Path) -> String {
    Sha256::digest(std::fs::read(p).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One run shared by the tests of this file (the binary takes a few seconds).
fn run_once() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        report(d.path());
        d
    })
    .path()
}

#[test]
fn every_product_is_written_and_the_manifest_lists_exactly_them() {
    let out = run_once();
    let files = walk(out);
    let slug = "militant_islamist_attack";
    let mut expected = vec![
        "zones.csv".to_string(),
        "zones.json".into(),
        "zones.md".into(),
        "report.html".into(),
        "report.md".into(),
        "manifest.json".into(),
        "charts/charts.json".into(),
        format!("charts/{slug}_events_by_zone.png"),
        format!("charts/{slug}_deaths_by_zone.png"),
        format!("charts/{slug}_yearly_maps.png"),
        "charts/state_violence_against_civilians_per_year.png".into(),
        format!("maps/{slug}_all_years.png"),
        "layers/conflictmap.gpkg".into(),
        format!("animation/{slug}_year.gif"),
        format!("animation/{slug}_year.png"),
        format!("animation/{slug}_year.csv"),
        format!("layers/density_{slug}_by_year.tif"),
        format!("layers/density_{slug}_by_year.qml"),
    ];
    let frames = files
        .keys()
        .filter(|k| k.starts_with("animation/frames/"))
        .count();
    assert_eq!(frames, 6, "one frame per year");
    for y in 2019..=2024 {
        expected.push(format!("maps/{slug}_{y}.png"));
        expected.push(format!("layers/density_{slug}_{y}.tif"));
    }
    for l in ["events", "zones", "regions", "cercles"] {
        expected.push(format!("layers/{l}.geojson"));
        expected.push(format!("layers/{l}.qml"));
    }
    for e in &expected {
        assert!(
            files.contains_key(e),
            "{e} not written; got {:?}",
            files.keys()
        );
    }

    let m = manifest_lists_exactly_the_files(out);
    assert!(
        m["config"].get("tile_zooms").is_none(),
        "no tiles by default"
    );
    assert!(!files.keys().any(|k| k.starts_with("tiles/")));
    assert_eq!(m["tool"], "conflictmap");
    assert_eq!(m["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["config"]["category"], slug);
    assert_eq!(m["input"]["name"], "report_synthetic_sample.csv");
    assert_eq!(
        m["input"]["sha256"],
        sha256(&Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE))
    );
    // No machine path in any text product.
    let root = out.to_string_lossy().to_string();
    for (name, p) in &files {
        if [".json", ".md", ".html", ".csv", ".qml", ".geojson"]
            .iter()
            .any(|e| name.ends_with(e))
        {
            let text = std::fs::read_to_string(p).unwrap();
            assert!(!text.contains(&root), "{name} names the output folder");
        }
    }
}

/// Checks that manifest.json lists exactly the files under `out` (but itself), sorted,
/// with their true sizes and SHA-256; returns the manifest.
fn manifest_lists_exactly_the_files(out: &Path) -> serde_json::Value {
    let files = walk(out);
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let listed: Vec<(String, u64, String)> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["bytes"].as_u64().unwrap(),
                f["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let names: Vec<&str> = listed.iter().map(|f| f.0.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "the manifest is sorted by path");
    let on_disk: Vec<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|n| *n != "manifest.json")
        .collect();
    assert_eq!(
        names, on_disk,
        "the manifest lists exactly the files written"
    );
    for (name, bytes, hash) in &listed {
        let p = &files[name];
        assert_eq!(*bytes, std::fs::metadata(p).unwrap().len(), "{name}");
        assert_eq!(*hash, sha256(p), "{name}");
    }
    m
}

/// The same files under `first` and `second`, byte for byte.
fn assert_identical(first: &Path, second: &Path) {
    let a = walk(first);
    let b = walk(second);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, p) in &a {
        assert!(
            std::fs::read(p).unwrap() == std::fs::read(&b[name]).unwrap(),
            "{name} differs between two runs"
        );
    }
}

#[test]
fn a_second_run_is_byte_identical() {
    let first = run_once();
    let second = tempfile::tempdir().unwrap();
    report(second.path());
    assert_identical(first, second.path());
}

#[test]
fn tiles_are_in_the_report_manifest_and_page_and_reruns_are_identical() {
    let zooms = ["--tiles", "--tile-zooms", "0-5"];
    let first = tempfile::tempdir().unwrap();
    report_with(first.path(), &zooms);
    let out = first.path();
    let files = walk(out);
    let slug = "militant_islamist_attack";
    let mut expected = vec!["tiles/tiles.json".to_string(), "tiles/index.html".into()];
    for y in 2019..=2024 {
        expected.push(format!("tiles/{slug}_{y}.mbtiles"));
        expected.push(format!("tiles/{slug}_{y}.pmtiles"));
    }
    for e in &expected {
        assert!(files.contains_key(e), "{e} not written");
    }
    let xyz = files.keys().filter(|k| k.starts_with("tiles/xyz/")).count();
    assert!(xyz > 6, "only {xyz} XYZ tiles");
    assert!(files.keys().any(|k| k.starts_with("tiles/xyz/2024/5/")));
    assert!(!files.keys().any(|k| k.starts_with("tiles/xyz/2024/6/")));

    // Every tile is in the manifest with its hash, and the zooms are recorded.
    let m = manifest_lists_exactly_the_files(out);
    assert_eq!(m["config"]["tile_zooms"], serde_json::json!([0, 5]));
    assert!(
        m["config"]["products"]
            .as_array()
            .unwrap()
            .contains(&"tiles".into())
    );

    // The tiles use the maps' colour scale: the top of tiles.json's legend is the
    // yearly maps' (the layers' GeoTIFF QML style holds the same top value).
    let tiles: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("tiles/tiles.json")).unwrap()).unwrap();
    let top = tiles["legend"]["max"].as_f64().unwrap();
    let qml =
        std::fs::read_to_string(out.join(format!("layers/density_{slug}_by_year.qml"))).unwrap();
    assert!(top > 0.0);
    assert!(
        qml.contains(&format!("value=\"{}\"", top as f32))
            || qml.contains(&format!("value=\"{top}\"")),
        "the maps' scale top {top} is not in the layers' style"
    );

    // The page links the viewer and names the tile files, in HTML and Markdown.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(html.contains("<h2>Web map</h2>") && md.contains("## Web map"));
    for link in [
        "tiles/index.html".to_string(),
        format!("tiles/{slug}_2024.mbtiles"),
        format!("tiles/{slug}_2024.pmtiles"),
    ] {
        assert!(html.contains(&format!("href=\"{link}\"")), "{link}");
        assert!(md.contains(&format!("]({link})")), "{link}");
    }
    for r in references(&html) {
        assert!(out.join(&r).is_file(), "{r} does not exist");
    }

    let second = tempfile::tempdir().unwrap();
    report_with(second.path(), &zooms);
    assert_identical(out, second.path());
}

#[test]
fn chart_bars_are_the_zone_table_values() {
    let out = run_once();
    let charts: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("charts/charts.json")).unwrap()).unwrap();
    let mut csv = csv::Reader::from_path(out.join("zones.csv")).unwrap();
    let header = csv.headers().unwrap().clone();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    // (zone name, category label, year) → (events, deaths, projected events, projected deaths)
    let mut table: BTreeMap<(String, String, String), [String; 4]> = BTreeMap::new();
    for r in csv.records() {
        let r = r.unwrap();
        table.insert(
            (
                r[col("zone_name")].to_string(),
                r[col("category_id")].to_string(),
                r[col("year")].to_string(),
            ),
            [
                r[col("events")].to_string(),
                r[col("fatalities")].to_string(),
                r[col("events_projected")].to_string(),
                r[col("fatalities_projected")].to_string(),
            ],
        );
    }
    let bars = charts["bars"].as_array().unwrap();
    let mut checked = 0;
    let mut projected = 0;
    for (name, deaths) in [
        ("militant_islamist_attack_events_by_zone.png", false),
        ("militant_islamist_attack_deaths_by_zone.png", true),
    ] {
        let chart = &bars.iter().find(|c| c[0] == name).unwrap()[1];
        let panels = chart["panels"].as_array().unwrap();
        // The whole country and the three zones of the Mali study.
        assert_eq!(panels.len(), 4, "{name}");
        for p in panels {
            for b in p["bars"].as_array().unwrap() {
                let key = (
                    p["title"].as_str().unwrap().to_string(),
                    "militant_islamist_attack".to_string(),
                    b["label"].as_str().unwrap().to_string(),
                );
                let row = &table[&key];
                let i = usize::from(deaths);
                assert_eq!(
                    b["observed"].as_f64().unwrap(),
                    row[i].parse::<f64>().unwrap(),
                    "{name} {key:?}"
                );
                match b["projected"].as_f64() {
                    Some(v) => {
                        // The CSV rounds projections to 0.1.
                        assert!((v - row[i + 2].parse::<f64>().unwrap()).abs() <= 0.05);
                        projected += 1;
                    }
                    None => assert_eq!(row[i + 2], "", "{name} {key:?}"),
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 2 * 4 * 6);
    // 2024 (to 30 June) is projected in every panel.
    assert_eq!(projected, 2 * 4);
}

/// The src and href of every element, by a small scan (the page is our own, well-formed
/// HTML with double-quoted attributes).
fn references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" src=\"", " href=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap();
            out.push(rest[..end].to_string());
        }
    }
    out
}

#[test]
fn the_page_references_only_local_files_and_opens_in_chromium() {
    let out = run_once();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("SYNTHETIC DEMO DATA"));
    assert!(html.contains("report_synthetic_sample.csv"));
    assert!(html.contains("Key numbers") && html.contains("projected"));
    let refs = references(&html);
    assert!(refs.len() > 20, "{refs:?}");
    for r in &refs {
        assert!(
            !r.contains("://") && !r.starts_with("//"),
            "non-local reference {r}"
        );
        assert!(out.join(r).is_file(), "{r} does not exist");
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    for r in &refs {
        assert!(md.contains(&format!("]({r})")), "report.md lacks {r}");
    }

    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", out.join("report.html").display());
    let o = headless(profile.path())
        .args(["--enable-logging=stderr", "--v=0"])
        .args(["--dump-dom", &url])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "chromium failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let dom = String::from_utf8_lossy(&o.stdout);
    assert!(dom.contains("<h1>") && dom.contains("Zone tables"), "{dom}");
    let log = String::from_utf8_lossy(&o.stderr);
    // With --enable-logging, every console message (the page has no script, so any is an
    // error) is logged as ":CONSOLE:", failed loads as "net::ERR".
    for bad in [":CONSOLE", "Uncaught", "net::ERR", "Failed to load"] {
        assert!(!log.contains(bad), "chromium reported {bad}:\n{log}");
    }
}
