//! `conflictmap layers` on a hand-made fixture, checked with GDAL's own tools (installed by
//! scripts/setup.sh) and by reading the files.

use std::path::Path;
use std::process::Command;

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("{name} is not available ({e}): run scripts/setup.sh, which installs gdal-bin")
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name} {args:?}: {stderr}");
    assert!(
        !stderr.contains("ERROR") && !stderr.contains("Warning"),
        "{name} {args:?} complained: {stderr}"
    );
    String::from_utf8(out.stdout).unwrap()
}

fn run_layers(out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_conflictmap"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "layers",
            "--events",
            "tests/data/fixtures/zones_monadic.csv",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn layers_open_in_gdal_with_the_expected_content() {
    let dir = tempfile::tempdir().unwrap();
    run_layers(dir.path());
    let l = dir.path().join("layers");
    for name in ["events", "zones", "regions", "cercles"] {
        assert!(l.join(format!("{name}.geojson")).exists(), "{name}.geojson");
        assert!(l.join(format!("{name}.qml")).exists(), "{name}.qml");
    }

    // The GeoPackage: four layers, counts, geometry types, WGS 84.
    let gpkg = l.join("conflictmap.gpkg");
    let info = tool("ogrinfo", &["-so", "-al", gpkg.to_str().unwrap()]);
    for (layer, count, geom) in [
        ("events", 7, "Point"),
        ("zones", 7, "Multi Polygon"),
        ("regions", 9, "Multi Polygon"),
        ("cercles", 50, "Multi Polygon"),
    ] {
        let section = info
            .split("Layer name: ")
            .find(|s| s.starts_with(&format!("{layer}\n")))
            .unwrap_or_else(|| panic!("no layer {layer} in:\n{info}"));
        assert!(
            section.contains(&format!("Feature Count: {count}")),
            "{layer}: {section}"
        );
        assert!(
            section.contains(&format!("Geometry: {geom}")),
            "{layer}: {section}"
        );
        assert!(section.contains("WGS 84"), "{layer}");
    }
    assert!(
        info.contains("cat_militant_islamist_attack: Integer(Boolean)"),
        "{info}"
    );
    assert!(info.contains("km_to_border_gin: Real"), "{info}");
    assert!(
        info.contains("militant_islamist_attack_2023_events: Integer"),
        "{info}"
    );

    // Each GeoJSON on its own, as GDAL reads it: WGS 84, counts, geometry, fields.
    for (layer, count, geom, field) in [
        ("events", 7, "Point", "km_to_bamako_150km_centre: Real"),
        ("zones", 7, "Multi Polygon", "kind: String"),
        (
            "regions",
            9,
            "Multi Polygon",
            "militant_islamist_attack_per_1000km2: Real",
        ),
        ("cercles", 50, "Multi Polygon", "area_km2: Real"),
    ] {
        let path = l.join(format!("{layer}.geojson"));
        let gj = tool("ogrinfo", &["-so", "-al", path.to_str().unwrap()]);
        assert!(
            gj.contains(&format!("Feature Count: {count}")),
            "{layer}: {gj}"
        );
        assert!(gj.contains(&format!("Geometry: {geom}")), "{layer}: {gj}");
        assert!(gj.contains("WGS 84"), "{layer}: {gj}");
        assert!(gj.contains(field), "{layer}: {gj}");
    }

    // The events GeoJSON: one event read from two monadic rows, with its flags and
    // distances (Kati is 13.85 km from the Bamako centre of DOMAIN.md).
    let events: serde_json::Value =
        serde_json::from_slice(&std::fs::read(l.join("events.geojson")).unwrap()).unwrap();
    assert!(events.get("crs").is_none(), "RFC 7946: no crs member");
    let kati = events["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["event_id"] == "MLI9001")
        .unwrap();
    let p = &kati["properties"];
    assert_eq!(p["fatalities"], 5);
    assert_eq!(p["region"], "Koulikoro");
    assert_eq!(p["cat_militant_islamist_attack"], true);
    assert_eq!(p["in_bamako_150km"], true);
    assert_eq!(p["in_southern_borders_50km"], false);
    let d = p["km_to_bamako_150km_centre"].as_f64().unwrap();
    assert!((d - 13.85).abs() < 0.05, "{d}");
    let actors = p["primary_actors"].as_str().unwrap();
    assert!(
        actors.contains("JNIM") && actors.contains("Military Forces of Mali"),
        "{actors}"
    );

    // Regions: the Sikasso row counts the Kadiolo attack of 2023.
    let regions: serde_json::Value =
        serde_json::from_slice(&std::fs::read(l.join("regions.geojson")).unwrap()).unwrap();
    let sikasso = regions["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["name"] == "Sikasso")
        .unwrap();
    assert_eq!(
        sikasso["properties"]["militant_islamist_attack_2023_events"],
        1
    );
    assert_eq!(
        sikasso["properties"]["militant_islamist_attack_2023_deaths"],
        7
    );

    // The densities: one GeoTIFF per year (2022-2024), all years, and a band per year.
    let by_year = l.join("density_militant_islamist_attack_by_year.tif");
    let info: serde_json::Value = serde_json::from_str(&tool(
        "gdalinfo",
        &["-json", "-stats", by_year.to_str().unwrap()],
    ))
    .unwrap();
    let bands = info["bands"].as_array().unwrap();
    let names: Vec<&str> = bands
        .iter()
        .map(|b| b["description"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["2022", "2023", "2024"]);
    let wkt = info["coordinateSystem"]["wkt"].as_str().unwrap();
    assert!(
        wkt.contains("Lambert"),
        "the map CRS of the report style: {wkt}"
    );
    assert!(
        bands
            .iter()
            .all(|b| b["noDataValue"].as_f64() == Some(-9999.0))
    );
    // 2022 has attacks; its maximum density is positive.
    assert!(bands[0]["maximum"].as_f64().unwrap() > 0.0);
    for y in [2022, 2023, 2024] {
        let tif = l.join(format!("density_militant_islamist_attack_{y}.tif"));
        assert!(tif.exists() && tif.with_extension("qml").exists(), "{y}");
    }
    assert!(
        l.join("density_militant_islamist_attack_all_years.tif")
            .exists()
    );
}

#[test]
fn a_second_run_overwrites_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    run_layers(dir.path());
    let l = dir.path().join("layers");
    let before: Vec<_> = std::fs::read_dir(&l)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let gpkg = std::fs::read(l.join("conflictmap.gpkg")).unwrap();
    run_layers(dir.path());
    let mut after: Vec<_> = std::fs::read_dir(&l)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let mut before = before;
    before.sort();
    after.sort();
    assert_eq!(before, after, "no temporary or extra files");
    assert_eq!(
        gpkg,
        std::fs::read(l.join("conflictmap.gpkg")).unwrap(),
        "byte-identical"
    );
}

/// Every ring of every zone polygon encloses an area and has no spike (an edge that goes
/// out and comes back along itself); a set of regions has no distance.
#[test]
fn zone_polygons_are_clean_and_region_sets_have_no_distance() {
    let dir = tempfile::tempdir().unwrap();
    run_layers(dir.path());
    let text = std::fs::read_to_string(dir.path().join("layers/zones.geojson")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let pt = |c: &serde_json::Value| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
    let mut kinds = Vec::new();
    for f in v["features"].as_array().unwrap() {
        let p = &f["properties"];
        let kind = p["kind"].as_str().unwrap().to_string();
        if kind == "regions" {
            assert!(p["distance_km"].is_null(), "{p}");
        } else {
            assert!(p["distance_km"].as_f64().unwrap() > 0.0, "{p}");
        }
        for poly in f["geometry"]["coordinates"].as_array().unwrap() {
            for ring in poly.as_array().unwrap() {
                let pts: Vec<(f64, f64)> = ring.as_array().unwrap().iter().map(pt).collect();
                let n = pts.len() - 1;
                let area: f64 = (0..n)
                    .map(|i| pts[i].0 * pts[i + 1].1 - pts[i + 1].0 * pts[i].1)
                    .sum::<f64>()
                    / 2.0;
                assert!(
                    area.abs() > 1e-4,
                    "{}: a ring of {} deg²",
                    p["zone_id"],
                    area
                );
                for i in 0..n {
                    let (prev, next) = (pts[(i + n - 1) % n], pts[(i + 1) % n]);
                    assert!(prev != next, "{}: a spike at {:?}", p["zone_id"], pts[i]);
                }
            }
        }
        kinds.push(kind);
    }
    assert!(kinds.iter().any(|k| k == "regions"), "{kinds:?}");
}

/// Every GIS file made from the shipped sample says SYNTHETIC DEMO DATA (GeoJSON
/// description and a `synthetic` field, GeoPackage contents, GeoTIFF metadata, QML), and
/// none made from a real file does; the `synthetic` field is in both, so the schema does
/// not depend on the input.
#[test]
fn products_of_the_sample_are_marked_synthetic_and_real_ones_are_not() {
    let sample = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_conflictmap"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["layers", "--years", "2023-2024", "--out"])
        .arg(sample.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let real = tempfile::tempdir().unwrap();
    run_layers(real.path());
    for (dir, synthetic) in [(sample.path(), true), (real.path(), false)] {
        let l = dir.join("layers");
        let mut files: Vec<_> = std::fs::read_dir(&l)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(files.len() >= 10, "{files:?}");
        for f in &files {
            let ext = f.extension().unwrap().to_str().unwrap();
            let text = match ext {
                "tif" => tool("gdalinfo", &[f.to_str().unwrap()]),
                "gpkg" => tool(
                    "ogrinfo",
                    &[
                        "-ro",
                        "-sql",
                        "SELECT description FROM gpkg_contents",
                        f.to_str().unwrap(),
                    ],
                ),
                // GDAL does not show a FlatGeobuf's description: its first feature, whose
                // synthetic field and dataset say it.
                "fgb" => {
                    let path = f.to_str().unwrap();
                    let first = tool("ogrinfo", &["-ro", "-q", path, "events", "-fid", "0"]);
                    let flag = first.contains("synthetic (Integer(Boolean)) = 1");
                    let dataset = first.contains("dataset (String) = synthetic");
                    assert_eq!((flag, dataset), (synthetic, synthetic), "{first}");
                    continue;
                }
                _ => std::fs::read_to_string(f).unwrap(),
            };
            assert_eq!(
                text.contains("SYNTHETIC DEMO DATA"),
                synthetic,
                "{}: synthetic = {synthetic}",
                f.display()
            );
            if ext == "geojson" {
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                for feature in v["features"].as_array().unwrap() {
                    assert_eq!(
                        feature["properties"]["synthetic"],
                        synthetic,
                        "{}",
                        f.display()
                    );
                    if let Some(d) = feature["properties"].get("dataset") {
                        assert_eq!(d == "synthetic", synthetic, "{d}");
                    }
                }
            }
        }
    }
}

/// The field names `ogrinfo` lists for `layer` of `path`, sorted.
fn ogr_fields(path: &Path, layer: &str) -> Vec<String> {
    let info = tool("ogrinfo", &["-ro", "-so", path.to_str().unwrap(), layer]);
    // Field lines look like "event_id: String (0.0)", after the layer's header lines.
    let mut names: Vec<String> = info
        .lines()
        .filter_map(|line| line.split_once(": "))
        .filter(|(_, ty)| {
            ["String", "Integer", "Real", "Date"]
                .iter()
                .any(|t| ty.starts_with(t))
        })
        .map(|(name, _)| name.trim().to_string())
        .collect();
    names.sort();
    names
}

/// The events have one schema: the GeoPackage layer and the FlatGeobuf copy have
/// exactly the GeoJSON's fields (`cat_all_events` included; dates are DateTime in
/// FlatGeobuf, which has no date type).
#[test]
fn the_events_have_the_same_fields_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    run_layers(dir.path());
    let l = dir.path().join("layers");
    let text = std::fs::read_to_string(l.join("events.geojson")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    // serde_json lists the keys sorted.
    let geojson: Vec<String> = v["features"][0]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert!(geojson.iter().any(|k| k == "cat_all_events"), "{geojson:?}");
    assert_eq!(ogr_fields(&l.join("conflictmap.gpkg"), "events"), geojson);
    assert_eq!(ogr_fields(&l.join("events.fgb"), "events"), geojson);
    let features = v["features"].as_array().unwrap().len();
    let fgb = tool(
        "ogrinfo",
        &[
            "-ro",
            "-so",
            l.join("events.fgb").to_str().unwrap(),
            "events",
        ],
    );
    assert!(fgb.contains(&format!("Feature Count: {features}")), "{fgb}");
}

/// Each GeoPackage layer's default style has an SLD beside its QML (for GIS other than
/// QGIS), with one rule per class of the QML.
#[test]
fn geopackage_styles_carry_sld_with_the_qml_classes() {
    let dir = tempfile::tempdir().unwrap();
    run_layers(dir.path());
    let db = rusqlite::Connection::open(dir.path().join("layers/conflictmap.gpkg")).unwrap();
    let rows: Vec<(String, String, String)> = db
        .prepare("SELECT f_table_name, styleQML, styleSLD FROM layer_styles ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // events, zones, regions, cercles and the five basemap layers.
    assert_eq!(rows.len(), 9);
    for (layer, qml, sld) in rows {
        let doc = roxmltree::Document::parse(&sld).unwrap_or_else(|e| panic!("{layer}: {e}"));
        let se = "http://www.opengis.net/se";
        let named = doc
            .descendants()
            .find(|n| n.has_tag_name(("http://www.opengis.net/sld", "NamedLayer")))
            .unwrap();
        let name = named
            .children()
            .find(|n| n.has_tag_name((se, "Name")))
            .and_then(|n| n.text());
        assert_eq!(name, Some(layer.as_str()));
        let rules = doc
            .descendants()
            .filter(|n| n.has_tag_name((se, "Rule")))
            .count();
        // A single-symbol style (the basemap) is one rule for every feature.
        let qml_classes = match qml.contains("type=\"singleSymbol\"") {
            true => 1,
            false => ["<category ", "<range ", "<rule "]
                .iter()
                .map(|t| qml.matches(t).count())
                .sum::<usize>(),
        };
        assert_eq!(rules, qml_classes, "{layer}");
        assert!(rules >= 1, "{layer}");
    }
}

/// `conflictmap layers` on `events` (comma list) into a new folder; returns the folder.
fn layers_of(events: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_conflictmap"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["layers", "--events", events, "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    dir
}

/// The source's details as the events layer carries them, and the coordinates.
const DETAILS: [&str; 12] = [
    "actor1",
    "actor2",
    "assoc_actor_1",
    "assoc_actor_2",
    "inter1",
    "inter2",
    "civilian_targeting",
    "source",
    "source_article",
    "source_original",
    "latitude",
    "longitude",
];

type Rows = std::collections::BTreeMap<String, Vec<serde_json::Value>>;

/// Per event id, the [`DETAILS`] of a GeoJSON FeatureCollection.
fn geojson_details(v: &serde_json::Value) -> Rows {
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let values = DETAILS.iter().map(|k| p[*k].clone()).collect();
            (p["event_id"].as_str().unwrap().to_string(), values)
        })
        .collect()
}

/// Per event id, the [`DETAILS`] of the GeoPackage's events table, read with SQLite.
fn gpkg_details(path: &Path) -> Rows {
    let db = rusqlite::Connection::open(path).unwrap();
    let sql = format!("SELECT event_id, {} FROM events", DETAILS.join(", "));
    let mut stmt = db.prepare(&sql).unwrap();
    let rows = stmt
        .query_map([], |r| {
            let mut values = Vec::new();
            for (k, name) in DETAILS.iter().enumerate() {
                let v: rusqlite::types::Value = r.get(k + 1)?;
                values.push(match v {
                    rusqlite::types::Value::Null => serde_json::Value::Null,
                    rusqlite::types::Value::Text(s) => s.into(),
                    rusqlite::types::Value::Real(x) => x.into(),
                    other => panic!("{name}: unexpected {other:?}"),
                });
            }
            Ok((r.get::<_, String>(0)?, values))
        })
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

/// Per event id, the [`DETAILS`] of the FlatGeobuf, as GDAL reads it.
fn fgb_details(path: &Path) -> Rows {
    let text = tool(
        "ogr2ogr",
        &["-f", "GeoJSON", "/vsistdout/", path.to_str().unwrap()],
    );
    geojson_details(&serde_json::from_str(&text).unwrap())
}

/// ACLED's roles survive as fields, the same in GeoJSON, GeoPackage and FlatGeobuf:
/// actor1/actor2 and their associated actors, inter codes (text in one row, the older
/// integer codes in another, both as given), civilian targeting, source and the
/// coordinates; a later revision of an event (second file, newer timestamp) brings its
/// own values; columns ACLED lacks (GED's sources) are null.
#[test]
fn the_events_keep_acled_roles_in_every_format() {
    let dir = layers_of(
        "tests/data/fixtures/acled_roles.csv,tests/data/fixtures/acled_roles_revised.csv",
    );
    let l = dir.path().join("layers");
    let geojson: serde_json::Value =
        serde_json::from_slice(&std::fs::read(l.join("events.geojson")).unwrap()).unwrap();
    let rows = geojson_details(&geojson);
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(gpkg_details(&l.join("conflictmap.gpkg")), rows);
    assert_eq!(fgb_details(&l.join("events.fgb")), rows);
    let fields = ogr_fields(&l.join("events.geojson"), "events");
    for name in DETAILS {
        assert!(fields.iter().any(|f| f == name), "{name} not in {fields:?}");
    }
    assert_eq!(ogr_fields(&l.join("conflictmap.gpkg"), "events"), fields);
    assert_eq!(ogr_fields(&l.join("events.fgb"), "events"), fields);

    let null = serde_json::Value::Null;
    // The later revision of MLI7001 wins.
    assert_eq!(
        rows["MLI7001"],
        [
            serde_json::json!("Synthetic Group Alpha"),
            serde_json::json!("Synthetic Militia Gamma"),
            serde_json::json!("Alpha Scouts"),
            serde_json::json!(""),
            serde_json::json!("Rebel group"),
            serde_json::json!("Political militia"),
            serde_json::json!(""),
            serde_json::json!("Test Wire B"),
            null.clone(),
            null.clone(),
            serde_json::json!(14.484312),
            serde_json::json!(-4.182961),
        ]
    );
    assert_eq!(
        rows["MLI7002"][..8],
        [
            serde_json::json!("Synthetic Group Alpha"),
            serde_json::json!("Civilians (Mali)"),
            serde_json::json!(""),
            serde_json::json!(""),
            serde_json::json!("2"),
            serde_json::json!("7"),
            serde_json::json!("Civilian targeting"),
            serde_json::json!("Test Wire A; Test Radio"),
        ]
    );
    assert_eq!(rows["MLI7004"][0], "Synthetic Group Delta");
    assert_eq!(
        rows["MLI7003"][10..],
        [serde_json::json!(12.639211), serde_json::json!(-8.002889)]
    );
    // The merged lists are still there, beside the roles.
    let f = geojson["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["event_id"] == "MLI7001")
        .unwrap();
    assert_eq!(
        f["properties"]["primary_actors"],
        "Synthetic Group Alpha; Synthetic Militia Gamma"
    );
    assert_eq!(f["properties"]["fatalities"], 5);
}

/// UCDP GED's side_a and side_b are the events' actor1 and actor2; what GED has no
/// column for (associated actors, inter codes, civilian targeting, ACLED's source) is
/// null; its source_article and source_original are kept.
#[test]
fn ged_sides_are_actor1_and_actor2_in_the_layers() {
    let dir = layers_of("tests/data/fixtures/ged_events.csv");
    let l = dir.path().join("layers");
    let geojson: serde_json::Value =
        serde_json::from_slice(&std::fs::read(l.join("events.geojson")).unwrap()).unwrap();
    let rows = geojson_details(&geojson);
    assert_eq!(gpkg_details(&l.join("conflictmap.gpkg")), rows);
    assert_eq!(fgb_details(&l.join("events.fgb")), rows);
    let r = &rows["900001"];
    assert_eq!((&r[0], &r[1]), (&"JNIM".into(), &"Civilians".into()));
    assert!(r[2..8].iter().all(|v| v.is_null()), "{r:?}");
    assert!(
        r[8].as_str().unwrap().contains("Gunmen kill villagers"),
        "{r:?}"
    );
    assert_eq!(r[9], "AFP");
    assert_eq!((r[10].as_f64(), r[11].as_f64()), (Some(14.35), Some(-3.61)));
}
