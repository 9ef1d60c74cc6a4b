//! The QGIS project `layers` writes, as QGIS itself reads it: PyQGIS (package
//! python3-qgis, installed by scripts/setup.sh; run headless) loads `conflictmap.qgs`
//! with `tests/qgis/check_project.py`, which reports every layer, style and temporal
//! setting, renders the project for two years and, with `--qgis-layout`, reports the print
//! layout's items and exports it. Without PyQGIS the tests fail rather than pass
//! silently.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The system Python that has PyQGIS (Debian's python3-qgis is for /usr/bin/python3).
fn python() -> &'static str {
    for p in ["/usr/bin/python3", "python3"] {
        let ok = Command::new(p)
            .args(["-c", "import qgis.core"])
            .env("QT_QPA_PLATFORM", "offscreen")
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return p;
        }
    }
    panic!("PyQGIS is missing: run scripts/setup.sh to install python3-qgis and qgis-providers")
}

fn layer<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == name)
        .unwrap_or_else(|| panic!("no layer {name} in {report:#}"))
}

/// Runs `conflictmap layers` with `flags` into a new folder, then the PyQGIS check on
/// its project (rendering 2020 and 2022): the folder and the check's report.
fn layers_in_qgis(flags: &[&str]) -> (tempfile::TempDir, Value) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_conflictmap"))
        .args(["layers", "--out", out.to_str().unwrap()])
        .args(flags)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let project = out.join("layers/conflictmap.qgs");
    assert!(project.is_file());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/qgis/check_project.py");
    let run = Command::new(python())
        .arg(&script)
        .arg(&project)
        .arg(dir.path())
        .args(["2020", "2022"])
        .env("QT_QPA_PLATFORM", "offscreen")
        .env("XDG_RUNTIME_DIR", dir.path())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "PyQGIS failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report = serde_json::from_slice(&run.stdout).unwrap();
    (dir, report)
}

#[test]
fn qgis_opens_the_project_with_every_layer_styled_and_the_years_to_play() {
    let (dir, report) = layers_in_qgis(&[]);

    assert_eq!(report["read"], true, "{report:#}");
    assert_eq!(report["crs_valid"], true, "{report:#}");
    assert!(report["crs_proj"].as_str().unwrap().contains("+proj=lcc"));
    assert!(report["title"].as_str().unwrap().contains("SYNTHETIC"));
    assert!(
        report["abstract"]
            .as_str()
            .unwrap()
            .contains("geoBoundaries")
    );
    assert_eq!(
        report["groups"],
        serde_json::json!([
            "Events",
            "Zones",
            "Admin units",
            "Density by year",
            "Basemap"
        ])
    );
    assert_eq!(
        report["time_range"],
        serde_json::json!(["2012-01-01T00:00:00Z", "2024-12-31T23:59:59Z"])
    );
    let [x0, y0, x1, y1] = [0, 1, 2, 3].map(|i| report["extent"][i].as_f64().unwrap());
    assert!(x0 < x1 && y0 < y1 && x1 - x0 > 1e6, "{report:#}");
    // A print layout only when asked for.
    assert_eq!(report["layouts"], serde_json::json!([]));
    assert!(report.get("layout_png").is_none());

    for l in report["layers"].as_array().unwrap() {
        assert_eq!(l["valid"], true, "{l}");
        assert_eq!(l["in_tree"], true, "{l}");
    }
    // Renderers as styled.
    for (name, renderer) in [
        ("events", "categorizedSymbol"),
        ("zones", "RuleRenderer"),
        ("regions", "graduatedSymbol"),
        ("cercles", "graduatedSymbol"),
        ("basemap_country", "singleSymbol"),
        ("basemap_places", "singleSymbol"),
    ] {
        assert_eq!(layer(&report, name)["renderer"], renderer, "{name}");
    }
    assert_eq!(layer(&report, "basemap_places")["labels"], true);
    assert_eq!(layer(&report, "events")["feature_count"], 8000);
    // The events play by their date; each yearly density in its year, on one scale.
    let events = layer(&report, "events");
    assert_eq!(events["temporal_active"], true);
    assert_eq!(events["temporal_start_field"], "event_date");
    let mut ranges = Vec::new();
    for year in 2012..=2024 {
        let d = layer(&report, &format!("Militant Islamist attacks: {year}"));
        assert_eq!(d["renderer"], "singlebandpseudocolor");
        assert_eq!(d["temporal_active"], true);
        assert_eq!(
            d["temporal_range"],
            serde_json::json!([
                format!("{year}-01-01T00:00:00Z"),
                format!("{year}-12-31T23:59:59Z")
            ])
        );
        ranges.push(d["range"].clone());
        // The legend's ends are labelled as the maps' ticks, not with six decimals.
        let ends = d["legend_ends"].as_array().unwrap();
        assert!(
            ends.iter()
                .all(|e| !e.as_str().unwrap().is_empty() && e.as_str().unwrap().len() <= 5),
            "{ends:?}"
        );
    }
    assert!(ranges.windows(2).all(|w| w[0] == w[1]), "{ranges:?}");
    assert_eq!(
        layer(&report, "Militant Islamist attacks: 2012–2024")["temporal_active"],
        false
    );

    // 2020 and 2022 rendered: the same map, different where the years' events differ.
    let load =
        |y: u32| tiny_skia::Pixmap::load_png(dir.path().join(format!("qgis_{y}.png"))).unwrap();
    let (a, b) = (load(2020), load(2022));
    assert_eq!((a.width(), a.height()), (b.width(), b.height()));
    let differ = a
        .data()
        .chunks(4)
        .zip(b.data().chunks(4))
        .filter(|(p, q)| p != q)
        .count();
    let total = (a.width() * a.height()) as usize;
    assert!(
        differ > 200,
        "the years look the same ({differ} pixels differ)"
    );
    assert!(
        differ < total / 2,
        "the basemap moved? {differ} of {total} pixels differ"
    );
}

/// The one item of `kind` in the layout.
fn item<'a>(layout: &'a Value, kind: &str) -> &'a Value {
    let mut found = layout["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == kind);
    let first = found
        .next()
        .unwrap_or_else(|| panic!("no {kind} in {layout:#}"));
    assert!(found.next().is_none(), "two {kind}s in {layout:#}");
    first
}

#[test]
fn the_layout_prints_the_map_with_legend_scale_bar_north_arrow_and_credits() {
    let (dir, report) = layers_in_qgis(&["--qgis-layout"]);
    assert_eq!(report["read"], true, "{report:#}");
    let layouts = report["layouts"].as_array().unwrap();
    assert_eq!(layouts.len(), 1, "{report:#}");
    let layout = &layouts[0];
    assert_eq!(layout["pages"], 1);

    // The map covers the study extent, in the project CRS, the layers unlocked (it
    // follows the Layers panel) and the last year's temporal range.
    let map = item(layout, "map");
    let e = |v: &Value, i: usize| v[i].as_f64().unwrap();
    let (m, s) = (&map["extent"], &report["extent"]);
    let tol = (e(s, 2) - e(s, 0)) * 1e-3;
    assert!(
        e(m, 0) <= e(s, 0) + tol
            && e(m, 1) <= e(s, 1) + tol
            && e(m, 2) >= e(s, 2) - tol
            && e(m, 3) >= e(s, 3) - tol,
        "{map:#} does not cover {s}"
    );
    assert_eq!(map["crs_proj"], report["crs_proj"]);
    assert_eq!(map["locked_layers"], false);
    assert_eq!(map["temporal"], true);
    assert_eq!(
        map["temporal_range"],
        serde_json::json!(["2024-01-01T00:00:00Z", "2024-12-31T23:59:59Z"])
    );

    let legend = item(layout, "legend");
    assert_eq!(legend["map"], map["id"]);
    assert_eq!(
        legend["layers"],
        serde_json::json!([
            "conflictmap_events",
            "conflictmap_zones",
            "conflictmap_density_militant_islamist_attack_2024"
        ])
    );
    let scalebar = item(layout, "scalebar");
    assert_eq!(scalebar["map"], map["id"]);
    assert_eq!(scalebar["kilometres"], true);
    assert_eq!(scalebar["unit_label"], "km");
    assert!(scalebar["units_per_segment"].as_f64().unwrap() > 0.0);
    let arrow = item(layout, "picture");
    assert_eq!(arrow["map"], map["id"]);
    assert_eq!(arrow["missing"], false);
    assert!(arrow["path"].as_str().unwrap().contains("north_arrow"));

    let labels: Vec<&str> = layout["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "label")
        .map(|i| i["text"].as_str().unwrap())
        .collect();
    let title = labels.iter().find(|t| t.starts_with("Mali")).unwrap();
    assert!(
        title.contains("SYNTHETIC") && title.ends_with("2024"),
        "{title}"
    );
    let credits = labels
        .iter()
        .find(|t| t.contains("geoBoundaries"))
        .unwrap_or_else(|| panic!("no credits in {labels:?}"));
    assert!(credits.starts_with("SYNTHETIC DEMO DATA"), "{credits}");
    assert!(credits.contains("GeoNames"), "{credits}");

    // Exported headless: the map frame is drawn, and shows one year, not all of them.
    let png = &report["layout_png"];
    assert_eq!(png["export"], 0, "{png}");
    assert!(dir.path().join("layout.png").is_file());
    assert!(png["map_ink"].as_f64().unwrap() > 0.5, "{png}");
    assert!(
        png["differs_from_all_years"].as_f64().unwrap() > 0.005,
        "{png}"
    );
}
