//! Our GIS exports as GDAL reads them: GDAL is what QGIS opens files with, so a layer GDAL
//! places, types and labels correctly is one the analysts can use. Needs `ogrinfo`,
//! `gdalinfo` and `gdallocationinfo` (package gdal-bin, installed by scripts/setup.sh);
//! without them these tests fail rather than pass silently.

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use conflictmap::analysis::density::{DensityGrid, GridSpec};
use conflictmap::output::geojson::write_geojson;
use conflictmap::output::geotiff::write_geotiff;
use conflictmap::output::layer::{Feature, Field, FieldType, GeometryKind, Value, VectorLayer};
use geo::polygon;

const REPORT_LCC: &str =
    "+proj=lcc +lat_1=12 +lat_2=22 +lat_0=17 +lon_0=-4 +datum=WGS84 +units=m +type=crs";

/// Runs a GDAL tool and returns its stdout; fails the test with how to get GDAL if absent.
fn gdal(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!(
            "cannot run `{tool}` ({e}): the GIS tests check our files with GDAL; \
             run scripts/setup.sh to install gdal-bin"
        )
    });
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // GDAL reads past what it does not understand with a warning: that is a failure here.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("Warning") && !stderr.contains("ERROR"),
        "{tool} {args:?} complained: {stderr}"
    );
    String::from_utf8(out.stdout).unwrap()
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn events_layer() -> VectorLayer {
    let date = |d| NaiveDate::from_ymd_opt(2024, 1, d).unwrap();
    VectorLayer {
        name: "events".into(),
        description: "test events".into(),
        geometry: GeometryKind::Point,
        fields: vec![
            Field::new("event_id", FieldType::Text),
            Field::new("fatalities", FieldType::Integer),
            Field::new("precision_km", FieldType::Real),
            Field::new("is_attack", FieldType::Boolean),
            Field::new("event_date", FieldType::Date),
        ],
        features: (1..=3)
            .map(|i| Feature {
                geometry: geo::Point::new(-8.0 + f64::from(i) * 0.1234567, 12.65).into(),
                values: vec![
                    Value::Text(format!("MLI{i}")),
                    if i == 2 {
                        Value::Null
                    } else {
                        Value::Int(i.into())
                    },
                    Value::Real(f64::from(i) * 0.5),
                    Value::Bool(i % 2 == 0),
                    Value::Date(date(i)),
                ],
            })
            .collect(),
    }
}

#[test]
fn ogrinfo_reads_geojson_events_in_wgs84_with_typed_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.geojson");
    write_geojson(&events_layer(), &path).unwrap();
    let info = gdal("ogrinfo", &["-al", "-so", path_str(&path)]);
    for expected in [
        "Layer name: events",
        "Geometry: Point",
        "Feature Count: 3",
        "WGS 84",
        "event_id: String",
        "fatalities: Integer",
        "precision_km: Real",
        "is_attack: Integer(Boolean)",
        "event_date: Date",
    ] {
        assert!(info.contains(expected), "no \"{expected}\" in:\n{info}");
    }
    assert!(
        info.contains("ID[\"EPSG\",4326]") || info.contains("EPSG:4326"),
        "{info}"
    );
}

#[test]
fn ogrinfo_reads_geojson_polygons() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zones.geojson");
    let layer = VectorLayer {
        name: "zones".into(),
        description: String::new(),
        geometry: GeometryKind::MultiPolygon,
        fields: vec![Field::new("zone", FieldType::Text)],
        features: vec![Feature {
            geometry: geo::MultiPolygon(vec![polygon![
                (x: -8.0, y: 12.0), (x: -8.0, y: 13.0), (x: -7.0, y: 13.0), (x: -7.0, y: 12.0)
            ]])
            .into(),
            values: vec![Value::Text("ring".into())],
        }],
    };
    write_geojson(&layer, &path).unwrap();
    let info = gdal("ogrinfo", &["-al", "-so", path_str(&path)]);
    for expected in [
        "Layer name: zones",
        "Geometry: Multi Polygon",
        "Feature Count: 1",
    ] {
        assert!(info.contains(expected), "no \"{expected}\" in:\n{info}");
    }
    assert!(
        info.contains("Extent: (-8.000000, 12.000000) - (-7.000000, 13.000000)"),
        "{info}"
    );
}

/// A grid in map metres with a single peak, and a distinct value in every cell.
fn density_grid(offset: f32) -> DensityGrid {
    let spec = GridSpec {
        x0: -300_000.0,
        y0: 150_000.0,
        cell_m: 5_000.0,
        width: 60,
        height: 40,
    };
    let values = (0..spec.height)
        .flat_map(|r| (0..spec.width).map(move |c| (c * 7 + r * 3) as f32 * 0.01 + offset))
        .collect();
    DensityGrid { spec, values }
}

fn gdalinfo_json(path: &Path) -> serde_json::Value {
    let text = gdal(
        "gdalinfo",
        &["-json", "-stats", "-wkt_format", "WKT1", path_str(path)],
    );
    serde_json::from_str(&text).unwrap()
}

fn assert_close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-6 * b.abs().max(1.0),
        "{what}: {a} vs {b}"
    );
}

#[test]
fn gdalinfo_reads_lcc_geotiff() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("density_2024.tif");
    let g = density_grid(0.0);
    write_geotiff(&path, &[("2024", &g)], REPORT_LCC, -9999.0, &[]).unwrap();
    let info = gdalinfo_json(&path);

    let wkt = info["coordinateSystem"]["wkt"].as_str().unwrap();
    for expected in [
        "Lambert_Conformal_Conic_2SP",
        "PARAMETER[\"standard_parallel_1\",12]",
        "PARAMETER[\"standard_parallel_2\",22]",
        "PARAMETER[\"latitude_of_origin\",17]",
        "PARAMETER[\"central_meridian\",-4]",
        "WGS 84",
        "UNIT[\"metre\",1",
    ] {
        assert!(wkt.contains(expected), "no {expected} in {wkt}");
    }
    assert_eq!(info["size"], serde_json::json!([60, 40]));
    let gt: Vec<f64> = serde_json::from_value(info["geoTransform"].clone()).unwrap();
    assert_eq!(gt, vec![-300_000.0, 5_000.0, 0.0, 150_000.0, 0.0, -5_000.0]);
    assert_eq!(info["metadata"][""]["AREA_OR_POINT"], "Area");

    let band = &info["bands"][0];
    assert_eq!(band["type"], "Float32");
    assert_eq!(band["noDataValue"], -9999.0);
    assert_eq!(band["description"], "2024");
    assert_close(band["maximum"].as_f64().unwrap(), f64::from(g.max()), "max");
    assert!(
        info["metadata"]["IMAGE_STRUCTURE"]["COMPRESSION"] == "DEFLATE",
        "{}",
        info["metadata"]
    );

    // Our value at a cell centre, looked up by map coordinates.
    let (col, row) = (17, 29);
    let [x, y] = g.spec.cell_centre(col, row);
    let got = gdal(
        "gdallocationinfo",
        &[
            "-valonly",
            "-geoloc",
            path_str(&path),
            &x.to_string(),
            &y.to_string(),
        ],
    );
    assert_close(
        got.trim().parse().unwrap(),
        f64::from(g.at(col, row)),
        "cell value",
    );
}

#[test]
fn gdalinfo_reads_multiband_epsg_geotiff_with_descriptions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("density_years.tif");
    let (a, b) = (density_grid(0.0), density_grid(10.0));
    write_geotiff(
        &path,
        &[("2023", &a), ("2024", &b)],
        "EPSG:32630",
        f32::NAN,
        &[],
    )
    .unwrap();
    let info = gdalinfo_json(&path);
    let wkt = info["coordinateSystem"]["wkt"].as_str().unwrap();
    assert!(wkt.contains("WGS 84 / UTM zone 30N"), "{wkt}");
    assert!(wkt.contains("AUTHORITY[\"EPSG\",\"32630\"]"), "{wkt}");
    let bands = info["bands"].as_array().unwrap();
    assert_eq!(bands.len(), 2);
    for (band, (name, g)) in bands.iter().zip([("2023", &a), ("2024", &b)]) {
        assert_eq!(band["description"], name);
        assert_eq!(band["noDataValue"], "NaN");
        assert_close(band["maximum"].as_f64().unwrap(), f64::from(g.max()), name);
    }
    assert_band_value(&path, 2, &b, 3, 5);
}

/// `gdallocationinfo` reads cell (`col`, `row`) of band `band` as `grid` has it.
fn assert_band_value(path: &Path, band: u32, grid: &DensityGrid, col: usize, row: usize) {
    let [x, y] = grid.spec.cell_centre(col, row);
    let got = gdal(
        "gdallocationinfo",
        &[
            "-valonly",
            "-b",
            &band.to_string(),
            "-geoloc",
            path_str(path),
            &x.to_string(),
            &y.to_string(),
        ],
    );
    assert_close(
        got.trim().parse().unwrap(),
        f64::from(grid.at(col, row)),
        &format!("band {band} at ({col}, {row})"),
    );
}

/// The WKT1 GDAL reads from a one-band GeoTIFF in `crs`.
fn wkt_of_geotiff_in(crs: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("density.tif");
    write_geotiff(&path, &[("2024", &density_grid(0.0))], crs, -9999.0, &[]).unwrap();
    gdalinfo_json(&path)["coordinateSystem"]["wkt"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn gdalinfo_reads_albers_and_mercator_geotiffs() {
    let wkt = wkt_of_geotiff_in(
        "+proj=aea +lat_1=11 +lat_2=23 +lat_0=17 +lon_0=-4 +x_0=500000 +datum=WGS84 +units=m",
    );
    for expected in [
        "Albers_Conic_Equal_Area",
        "PARAMETER[\"standard_parallel_1\",11]",
        "PARAMETER[\"standard_parallel_2\",23]",
        "PARAMETER[\"latitude_of_center\",17]",
        "PARAMETER[\"longitude_of_center\",-4]",
        "PARAMETER[\"false_easting\",500000]",
    ] {
        assert!(wkt.contains(expected), "no {expected} in {wkt}");
    }
    let wkt = wkt_of_geotiff_in("+proj=merc +lat_ts=3 +lon_0=13.5 +datum=WGS84 +units=m +no_defs");
    for expected in [
        "Mercator_2SP",
        "PARAMETER[\"standard_parallel_1\",3]",
        "PARAMETER[\"central_meridian\",13.5]",
    ] {
        assert!(wkt.contains(expected), "no {expected} in {wkt}");
    }
    let wkt = wkt_of_geotiff_in("+proj=utm +zone=29 +datum=WGS84 +units=m");
    assert!(
        wkt.contains("Transverse_Mercator") && wkt.contains("PARAMETER[\"central_meridian\",-9]"),
        "{wkt}"
    );
}

#[test]
fn density_geotiffs_are_valid_cloud_optimised_geotiffs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("density_cog.tif");
    // Larger than a tile in both directions: tiles, and overviews down to one tile.
    let spec = GridSpec {
        x0: -900_000.0,
        y0: 700_000.0,
        cell_m: 1_000.0,
        width: 1300,
        height: 1100,
    };
    let grid = |k: f32| DensityGrid {
        spec,
        values: (0..spec.height)
            .flat_map(|r| (0..spec.width).map(move |c| ((c * 13 + r * 7) % 1000) as f32 * 0.01 + k))
            .collect(),
    };
    let (a, b) = (grid(0.0), grid(5.0));
    write_geotiff(
        &path,
        &[("2023", &a), ("2024", &b)],
        "EPSG:32630",
        -9999.0,
        &[],
    )
    .unwrap();
    // GDAL's own validator (python3-gdal's samples), run with the system Python that has
    // GDAL's bindings.
    let validator =
        "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py";
    let out = gdal("/usr/bin/python3", &[validator, path_str(&path)]);
    assert!(out.contains("is a valid cloud optimized GeoTIFF"), "{out}");
    let info = gdalinfo_json(&path);
    let band = &info["bands"][0];
    assert_eq!(band["block"], serde_json::json!([512, 512]));
    let overviews: Vec<[u64; 2]> = band["overviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            [
                o["size"][0].as_u64().unwrap(),
                o["size"][1].as_u64().unwrap(),
            ]
        })
        .collect();
    assert_eq!(overviews, [[650, 550], [325, 275]]);
    let md = &info["metadata"]["IMAGE_STRUCTURE"];
    assert_eq!(md["COMPRESSION"], "DEFLATE");
    assert_eq!(md["PREDICTOR"], "3");
    // Cells in the last, partial tile read back exactly.
    assert_band_value(&path, 2, &b, 1299, 1099);
}
