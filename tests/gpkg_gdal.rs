//! The GeoPackage writer checked by GDAL (an independent reader): `ogrinfo` must list the
//! layers, types, SRS and fields with no warning, use the R-tree for box queries, keep
//! the index in sync through the triggers, and GDAL's `validate_gpkg.py` must pass.
//! The tools come from `scripts/setup.sh` (gdal-bin, python3-gdal); when they are
//! missing these tests fail and say so.

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use conflictmap::output::gpkg::write_geopackage;
use conflictmap::output::layer::{Feature, Field, FieldType, GeometryKind, Value, VectorLayer};
use geo::{LineString, MultiLineString, Point, polygon};

const SETUP_HINT: &str = "run scripts/setup.sh to install the GDAL tools the tests use";

/// Runs a GDAL tool; panics (never skips) when it is not installed.
fn tool(program: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): {SETUP_HINT}"));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `ogrinfo ARGS`, which must succeed without any error or warning on stderr.
fn ogrinfo(args: &[&str]) -> String {
    let (ok, stdout, stderr) = tool("ogrinfo", args);
    assert!(ok, "ogrinfo {args:?} failed:\n{stderr}");
    assert!(
        !stderr.contains("ERROR") && !stderr.contains("Warning") && stderr.trim().is_empty(),
        "ogrinfo {args:?} printed on stderr:\n{stderr}"
    );
    stdout
}

/// Python with GDAL's bindings (python3-gdal) running `args`. A python3 from pyenv or a
/// virtualenv first on PATH does not see Debian's python3-gdal, so this falls back to
/// the system interpreter; panics (never skips) when neither has them.
fn gdal_python(args: &[&str]) -> std::process::Output {
    ["python3", "/usr/bin/python3"]
        .iter()
        .filter_map(|py| Command::new(py).args(args).output().ok())
        .find(|out| !String::from_utf8_lossy(&out.stderr).contains("No module named"))
        .unwrap_or_else(|| panic!("python3-gdal is missing: {SETUP_HINT}"))
}

fn events() -> VectorLayer {
    let pts = [(-8.0, 12.65), (-7.5, 12.0), (-4.2, 14.5), (-1.0, 16.3)];
    VectorLayer {
        name: "events".into(),
        description: "Conflict events".into(),
        geometry: GeometryKind::Point,
        fields: vec![
            Field::new("event_id", FieldType::Text),
            Field::new("fatalities", FieldType::Integer),
            Field::new("precision_km", FieldType::Real),
            Field::new("in_ring", FieldType::Boolean),
            Field::new("event_date", FieldType::Date),
        ],
        features: pts
            .iter()
            .enumerate()
            .map(|(i, &(x, y))| Feature {
                geometry: Point::new(x, y).into(),
                values: vec![
                    Value::Text(format!("MLI{i}")),
                    if i == 1 {
                        Value::Null
                    } else {
                        Value::Int(i as i64)
                    },
                    Value::Real(0.5 * i as f64),
                    Value::Bool(i % 2 == 0),
                    Value::Date(NaiveDate::from_ymd_opt(2024, 1, 1 + i as u32).unwrap()),
                ],
            })
            .collect(),
    }
}

fn zones() -> VectorLayer {
    let ring = polygon![(x: -9.0, y: 11.0), (x: -6.0, y: 11.0), (x: -6.0, y: 14.0), (x: -9.0, y: 14.0), (x: -9.0, y: 11.0)];
    let holed = polygon!(
        exterior: [(x: 2.0, y: 20.0), (x: 4.0, y: 20.0), (x: 4.0, y: 22.0), (x: 2.0, y: 22.0), (x: 2.0, y: 20.0)],
        interiors: [[(x: 2.5, y: 20.5), (x: 2.5, y: 21.0), (x: 3.0, y: 21.0), (x: 2.5, y: 20.5)]],
    );
    VectorLayer {
        name: "zones".into(),
        description: "Analysis zones".into(),
        geometry: GeometryKind::MultiPolygon,
        fields: vec![Field::new("zone", FieldType::Text)],
        features: vec![
            Feature {
                geometry: ring.into(),
                values: vec![Value::Text("ring".into())],
            },
            Feature {
                geometry: holed.into(),
                values: vec![Value::Text("holed".into())],
            },
        ],
    }
}

fn rivers() -> VectorLayer {
    VectorLayer {
        name: "rivers".into(),
        description: "Rivers".into(),
        geometry: GeometryKind::MultiLineString,
        fields: vec![Field::new("name", FieldType::Text)],
        features: vec![Feature {
            geometry: MultiLineString(vec![
                LineString::from(vec![(-8.0, 12.0), (-4.0, 14.0)]),
                LineString::from(vec![(-4.0, 14.0), (-3.0, 16.5), (0.0, 16.0)]),
            ])
            .into(),
            values: vec![Value::Text("Niger".into())],
        }],
    }
}

const QML: &str = "<!DOCTYPE qgis><qgis version=\"3.28\" styleCategories=\"Symbology\"><renderer-v2 type=\"singleSymbol\"/></qgis>";
const SLD: &str = "<StyledLayerDescriptor version=\"1.1.0\"/>";

fn write_sample(dir: &Path) -> String {
    let path = dir.join("out.gpkg");
    write_geopackage(
        &path,
        &[events(), zones(), rivers()],
        &[("events", QML, SLD), ("zones", QML, "")],
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

/// The feature ids ogrinfo prints ("OGRFeature(layer):N"), sorted (with a spatial
/// filter GDAL returns them in R-tree order).
fn fids(listing: &str) -> Vec<u64> {
    let mut fids: Vec<u64> = listing
        .lines()
        .filter_map(|l| l.strip_prefix("OGRFeature("))
        .filter_map(|l| l.split_once("):"))
        .map(|(_, n)| n.trim().parse().unwrap())
        .collect();
    fids.sort();
    fids
}

#[test]
fn ogrinfo_lists_layers_types_srs_and_fields_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let gpkg = write_sample(dir.path());
    let out = ogrinfo(&["-al", "-so", &gpkg]);
    // layer_styles is a non-spatial table: GDAL lists it too.
    let sections: Vec<&str> = out.split("Layer name: ").skip(1).collect();
    let section = |name: &str| {
        *sections
            .iter()
            .find(|s| s.starts_with(&format!("{name}\n")))
            .unwrap_or_else(|| panic!("no layer {name} in:\n{out}"))
    };
    for (name, geom, count, fields) in [
        (
            "events",
            "Point",
            4,
            &[
                "event_id: String",
                "fatalities: Integer64",
                "precision_km: Real",
                "in_ring: Integer(Boolean)",
                "event_date: Date",
            ][..],
        ),
        ("zones", "Multi Polygon", 2, &["zone: String"][..]),
        ("rivers", "Multi Line String", 1, &["name: String"][..]),
    ] {
        let s = section(name);
        assert!(s.contains(&format!("Geometry: {geom}\n")), "{name}:\n{s}");
        assert!(
            s.contains(&format!("Feature Count: {count}\n")),
            "{name}:\n{s}"
        );
        assert!(s.contains("GEOGCRS[\"WGS 84\""), "{name}:\n{s}");
        assert!(s.contains("ID[\"EPSG\",4326]]"), "{name}:\n{s}");
        assert!(s.contains("FID Column = fid\n"), "{name}:\n{s}");
        assert!(s.contains("Geometry Column = geom\n"), "{name}:\n{s}");
        for f in fields {
            assert!(s.contains(f), "{name}: no field {f}:\n{s}");
        }
    }
    assert!(section("events").contains("Extent: (-8.000000, 12.000000) - (-1.000000, 16.300000)"));
    let styles = section("layer_styles");
    assert!(styles.contains("Feature Count: 2\n"), "{styles}");
    assert!(styles.contains("Geometry: None"), "{styles}");
}

#[test]
fn gdal_reads_the_same_geometries_and_values() {
    let dir = tempfile::tempdir().unwrap();
    let gpkg = write_sample(dir.path());
    let z = ogrinfo(&["-q", &gpkg, "zones"]);
    assert!(
        z.contains("MULTIPOLYGON (((-9 11,-6 11,-6 14,-9 14,-9 11)))"),
        "{z}"
    );
    assert!(
        z.contains("MULTIPOLYGON (((2 20,4 20,4 22,2 22,2 20),(2.5 20.5,2.5 21.0,3 21,2.5 20.5)))")
            || z.contains(
                "MULTIPOLYGON (((2 20,4 20,4 22,2 22,2 20),(2.5 20.5,2.5 21,3 21,2.5 20.5)))"
            ),
        "{z}"
    );
    let r = ogrinfo(&["-q", &gpkg, "rivers"]);
    assert!(
        r.contains("MULTILINESTRING ((-8 12,-4 14),(-4 14,-3.0 16.5,0 16))")
            || r.contains("MULTILINESTRING ((-8 12,-4 14),(-4 14,-3 16.5,0 16))"),
        "{r}"
    );
    let e = ogrinfo(&["-q", &gpkg, "events", "-fid", "2"]);
    assert!(
        e.contains("POINT (-7.5 12.0)") || e.contains("POINT (-7.5 12)"),
        "{e}"
    );
    assert!(e.contains("event_id (String) = MLI1"), "{e}");
    // GeoPackage INTEGER is 64-bit.
    assert!(e.contains("fatalities (Integer64) = (null)"), "{e}");
    assert!(e.contains("in_ring (Integer(Boolean)) = 0"), "{e}");
    assert!(e.contains("event_date (Date) = 2024/01/02"), "{e}");
}

#[test]
fn spatial_filter_goes_through_the_rtree() {
    let dir = tempfile::tempdir().unwrap();
    let gpkg = write_sample(dir.path());
    // -spat: GDAL turns the box into a query on rtree_events_geom.
    let out = ogrinfo(&["-q", &gpkg, "events", "-spat", "-8.5", "11.5", "-7", "13"]);
    assert_eq!(fids(&out), [1, 2], "{out}");
    let out = ogrinfo(&["-q", &gpkg, "zones", "-spat", "3.5", "21.5", "5", "23"]);
    assert_eq!(fids(&out), [2], "{out}");
    // The debug log shows the index is the one answering.
    let (ok, _, log) = tool(
        "ogrinfo",
        &[
            "--debug", "on", "-q", &gpkg, "events", "-spat", "-8.5", "11.5", "-7", "13",
        ],
    );
    assert!(ok);
    assert!(log.contains("FROM \"rtree_events_geom\" WHERE"), "{log}");
    // And the index itself, queried through GDAL's SQL.
    let out = ogrinfo(&[
        "-q",
        &gpkg,
        "-sql",
        "SELECT id FROM rtree_events_geom WHERE maxx >= -8.5 AND minx <= -7 AND maxy >= 11.5 AND miny <= 13",
    ]);
    assert!(
        out.contains("id (Integer64) = 1") || out.contains("id (Integer) = 1"),
        "{out}"
    );
    assert!(out.contains(") = 2\n"), "{out}");
    assert!(
        !out.contains(") = 3\n") && !out.contains(") = 4\n"),
        "{out}"
    );
}

#[test]
fn triggers_keep_the_rtree_in_sync_under_gdal() {
    let dir = tempfile::tempdir().unwrap();
    let gpkg = write_sample(dir.path());
    // Edits through GDAL run our triggers with GDAL's ST_* functions.
    ogrinfo(&[&gpkg, "-sql", "DELETE FROM events WHERE fid = 1"]);
    ogrinfo(&[
        &gpkg,
        "-sql",
        "UPDATE events SET geom = (SELECT geom FROM events WHERE fid = 4) WHERE fid = 2",
    ]);
    let count = ogrinfo(&[
        "-q",
        &gpkg,
        "-sql",
        "SELECT count(*) AS n FROM rtree_events_geom",
    ]);
    assert!(
        count.contains("n (Integer) = 3") || count.contains("n (Integer64) = 3"),
        "{count}"
    );
    let out = ogrinfo(&["-q", &gpkg, "events", "-spat", "-8.5", "11.5", "-7", "13"]);
    assert!(fids(&out).is_empty(), "{out}");
    let out = ogrinfo(&["-q", &gpkg, "events", "-spat", "-1.5", "16", "-0.5", "16.5"]);
    assert_eq!(fids(&out), [2, 4], "{out}");
}

#[test]
fn validate_gpkg_passes() {
    let dir = tempfile::tempdir().unwrap();
    let gpkg = write_sample(dir.path());
    // GDAL's own validator (python3-gdal's samples), all checks, warnings as errors.
    let args = [
        "-m",
        "osgeo_utils.samples.validate_gpkg",
        "-k",
        "--extra",
        "--warning-as-error",
        &gpkg,
    ];
    let run = gdal_python(&args);
    let (ok, stdout, stderr) = (
        run.status.success(),
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr),
    );
    assert!(ok, "validate_gpkg failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.trim().is_empty() && stderr.trim().is_empty(),
        "{stdout}\n{stderr}"
    );
}

#[test]
fn second_write_replaces_the_file_for_gdal() {
    let dir = tempfile::tempdir().unwrap();
    let gpkg = write_sample(dir.path());
    write_geopackage(Path::new(&gpkg), &[rivers()], &[]).unwrap();
    let out = ogrinfo(&["-so", &gpkg]);
    assert!(out.contains("1: rivers (Multi Line String)"), "{out}");
    assert!(
        !out.contains("events") && !out.contains("layer_styles"),
        "{out}"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["out.gpkg"]);
}

/// Opening the file for writing in GDAL (as QGIS does) must not change a byte of it: a
/// trigger in a form GDAL considers outdated would be rewritten, and the file would no
/// longer match the SHA-256 in the report's manifest.
#[test]
fn gdal_opening_the_file_for_writing_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let gpkg = write_sample(dir.path());
    let before = std::fs::read(&gpkg).unwrap();
    let script = "import sys\nfrom osgeo import ogr\nds = ogr.Open(sys.argv[1], update=1)\n\
                  assert ds is not None\nfor i in range(ds.GetLayerCount()):\n    \
                  l = ds.GetLayer(i); l.GetFeatureCount(); l.GetExtent(); l.GetNextFeature()\n\
                  ds = None\nprint('ok')\n";
    let run = gdal_python(&["-c", script, &gpkg]);
    assert!(
        run.status.success() && String::from_utf8_lossy(&run.stdout).contains("ok"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let after = std::fs::read(&gpkg).unwrap();
    assert!(
        before == after,
        "GDAL rewrote the GeoPackage when opening it for writing"
    );
}
