//! Reads written GeoPackages back with SQLite and checks every table against the spec.

use chrono::NaiveDate;
use geo::{LineString, MultiLineString, MultiPolygon, Point, polygon};
use rusqlite::{Connection, OpenFlags};

use super::*;
use crate::output::layer::{Feature, GeometryKind};

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
    let square = polygon![(x: -9.0, y: 11.0), (x: -6.0, y: 11.0), (x: -6.0, y: 14.0), (x: -9.0, y: 14.0), (x: -9.0, y: 11.0)];
    let far = polygon![(x: 2.0, y: 20.0), (x: 3.0, y: 20.0), (x: 3.0, y: 21.0), (x: 2.0, y: 20.0)];
    VectorLayer {
        name: "zones".into(),
        description: "Analysis zones".into(),
        geometry: GeometryKind::MultiPolygon,
        fields: vec![Field::new("zone", FieldType::Text)],
        features: vec![
            Feature {
                geometry: square.into(),
                values: vec![Value::Text("ring".into())],
            },
            Feature {
                geometry: MultiPolygon(vec![far]).into(),
                values: vec![Value::Text("far".into())],
            },
        ],
    }
}

fn rivers() -> VectorLayer {
    VectorLayer {
        name: "rivers".into(),
        description: "Rivers".into(),
        geometry: GeometryKind::MultiLineString,
        fields: vec![],
        features: vec![Feature {
            geometry: MultiLineString(vec![LineString::from(vec![(-8.0, 12.0), (-4.0, 14.0)])])
                .into(),
            values: vec![],
        }],
    }
}

const QML: &str = "<qgis version=\"3.28\"><renderer-v2 type=\"singleSymbol\"/></qgis>";
const SLD: &str = "<StyledLayerDescriptor version=\"1.1.0\"/>";

fn write_sample(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("out.gpkg");
    write_geopackage(
        &path,
        &[events(), zones(), rivers()],
        &[("events", QML, SLD), ("zones", QML, "")],
    )
    .unwrap();
    path
}

fn open(path: &Path) -> Connection {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

#[test]
fn header_pragmas_identify_geopackage_1_3() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_sample(dir.path());
    let db = open(&path);
    let app: i64 = db
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    let ver: i64 = db
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app, 0x4750_4B47);
    assert_eq!(ver, 10300);
    // The same values at their byte offsets in the SQLite header, big endian.
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[68..72], b"GPKG");
    assert_eq!(u32::from_be_bytes(bytes[60..64].try_into().unwrap()), 10300);
    let ok: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let fk: Vec<String> = db
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(fk.is_empty(), "{fk:?}");
}

#[test]
fn spatial_ref_sys_has_required_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(&write_sample(dir.path()));
    let rows: Vec<(i64, String, i64, String)> = db
        .prepare(
            "SELECT srs_id, organization, organization_coordsys_id, definition
             FROM gpkg_spatial_ref_sys ORDER BY srs_id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!((rows[0].0, rows[0].1.as_str(), rows[0].2), (-1, "NONE", -1));
    assert_eq!((rows[1].0, rows[1].1.as_str(), rows[1].2), (0, "NONE", 0));
    assert_eq!(
        (rows[2].0, rows[2].1.as_str(), rows[2].2),
        (4326, "EPSG", 4326)
    );
    assert!(rows[2].3.starts_with("GEOGCS[\"WGS 84\""));
    assert!(rows[2].3.ends_with("AUTHORITY[\"EPSG\",\"4326\"]]"));
}

#[test]
fn contents_and_geometry_columns_describe_each_layer() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(&write_sample(dir.path()));
    type Row = (
        String,
        String,
        String,
        String,
        String,
        Option<[f64; 4]>,
        Option<i64>,
    );
    let rows: Vec<Row> = db
        .prepare(
            "SELECT table_name, data_type, identifier, description, last_change,
                    min_x, min_y, max_x, max_y, srs_id
             FROM gpkg_contents ORDER BY table_name",
        )
        .unwrap()
        .query_map([], |r| {
            let ext: Option<f64> = r.get(5)?;
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                ext.map(|_| {
                    [
                        r.get(5).unwrap(),
                        r.get(6).unwrap(),
                        r.get(7).unwrap(),
                        r.get(8).unwrap(),
                    ]
                }),
                r.get(9)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let names: Vec<_> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["events", "layer_styles", "rivers", "zones"]);
    let ev = &rows[0];
    assert_eq!(
        (ev.1.as_str(), ev.2.as_str(), ev.3.as_str()),
        ("features", "events", "Conflict events")
    );
    assert_eq!(ev.4, "1970-01-01T00:00:00.000Z");
    assert_eq!(ev.5, Some([-8.0, 12.0, -1.0, 16.3]));
    assert_eq!(ev.6, Some(4326));
    assert_eq!(rows[3].5, Some([-9.0, 11.0, 3.0, 21.0]));
    assert_eq!(rows[2].5, Some([-8.0, 12.0, -4.0, 14.0]));
    let styles = &rows[1];
    assert_eq!(
        (styles.1.as_str(), styles.5, styles.6),
        ("attributes", None, None)
    );

    let cols: Vec<(String, String, String, i64, i64, i64)> = db
        .prepare("SELECT * FROM gpkg_geometry_columns ORDER BY table_name")
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let expect = |t: &str, g: &str| (t.to_string(), "geom".to_string(), g.to_string(), 4326, 0, 0);
    assert_eq!(
        cols,
        [
            expect("events", "POINT"),
            expect("rivers", "MULTILINESTRING"),
            expect("zones", "MULTIPOLYGON")
        ]
    );
    // The geometry column is declared with its geometry type, as the spec requires.
    let decl: String = db
        .query_row(
            "SELECT type FROM pragma_table_info('zones') WHERE name = 'geom'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(decl, "MULTIPOLYGON");
}

#[test]
fn feature_tables_hold_typed_values() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(&write_sample(dir.path()));
    let types: Vec<(String, String)> = db
        .prepare("SELECT name, type FROM pragma_table_info('events') ORDER BY cid")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let types: Vec<(&str, &str)> = types
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        types,
        [
            ("fid", "INTEGER"),
            ("geom", "POINT"),
            ("event_id", "TEXT"),
            ("fatalities", "INTEGER"),
            ("precision_km", "REAL"),
            ("in_ring", "BOOLEAN"),
            ("event_date", "DATE"),
        ]
    );
    let row: (i64, String, Option<i64>, f64, i64, String) = db
        .query_row(
            "SELECT fid, event_id, fatalities, precision_km, in_ring, event_date FROM events WHERE fid = 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .unwrap();
    assert_eq!(row, (2, "MLI1".into(), None, 0.5, 0, "2024-01-02".into()));
    let storage: (String, String, String) = db
        .query_row(
            "SELECT typeof(geom), typeof(in_ring), typeof(event_date) FROM events WHERE fid = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(storage, ("blob".into(), "integer".into(), "text".into()));
}

fn f64_at(b: &[u8], at: usize) -> f64 {
    f64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

#[test]
fn stored_blobs_have_header_envelope_and_wkb() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(&write_sample(dir.path()));
    let point: Vec<u8> = db
        .query_row("SELECT geom FROM events WHERE fid = 3", [], |r| r.get(0))
        .unwrap();
    assert_eq!(&point[..4], &[b'G', b'P', 0, 3]);
    assert_eq!(i32::from_le_bytes(point[4..8].try_into().unwrap()), 4326);
    let env: Vec<f64> = (0..4).map(|k| f64_at(&point, 8 + 8 * k)).collect();
    assert_eq!(env, [-4.2, -4.2, 14.5, 14.5]);
    assert_eq!(&point[40..45], &[1, 1, 0, 0, 0]);
    assert_eq!((f64_at(&point, 45), f64_at(&point, 53)), (-4.2, 14.5));

    let poly: Vec<u8> = db
        .query_row("SELECT geom FROM zones WHERE fid = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(&poly[..4], &[b'G', b'P', 0, 3]);
    let env: Vec<f64> = (0..4).map(|k| f64_at(&poly, 8 + 8 * k)).collect();
    assert_eq!(env, [-9.0, -6.0, 11.0, 14.0]); // minx, maxx, miny, maxy
    // WKB decoded by hand: MultiPolygon(1) > Polygon(1 ring) > 5 points.
    let w = &poly[40..];
    let u32_at = |at: usize| u32::from_le_bytes(w[at..at + 4].try_into().unwrap());
    assert_eq!((w[0], u32_at(1), u32_at(5)), (1, 6, 1));
    assert_eq!((w[9], u32_at(10), u32_at(14), u32_at(18)), (1, 3, 1, 5));
    let ring: Vec<(f64, f64)> = (0..5)
        .map(|k| (f64_at(w, 22 + 16 * k), f64_at(w, 30 + 16 * k)))
        .collect();
    assert_eq!(
        ring,
        [
            (-9.0, 11.0),
            (-6.0, 11.0),
            (-6.0, 14.0),
            (-9.0, 14.0),
            (-9.0, 11.0)
        ]
    );
    assert_eq!(w.len(), 22 + 5 * 16);
}

#[test]
fn rtree_indexes_every_feature_and_answers_box_queries() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(&write_sample(dir.path()));
    for t in ["events", "zones", "rivers"] {
        let (n, idx): (i64, i64) = db
            .query_row(
                &format!(
                    "SELECT (SELECT count(*) FROM {t}), (SELECT count(*) FROM rtree_{t}_geom)"
                ),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(n, idx, "{t}");
        let ext: i64 = db
            .query_row(
                "SELECT count(*) FROM gpkg_extensions WHERE table_name = ?1 AND column_name = 'geom'
                 AND extension_name = 'gpkg_rtree_index' AND scope = 'write-only'",
                [t],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(ext, 1, "{t}");
        let triggers: i64 = db
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1
                 AND name LIKE 'rtree_' || ?1 || '_geom_%'",
                [t],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(triggers, 6, "{t}");
    }
    // Box around Bamako and Ségou: events 1 and 2 only.
    let fids: Vec<i64> = db
        .prepare(
            "SELECT id FROM rtree_events_geom
             WHERE maxx >= -8.5 AND minx <= -7.0 AND maxy >= 11.5 AND miny <= 13.0 ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(fids, [1, 2]);
    let fids: Vec<i64> = db
        .prepare("SELECT id FROM rtree_zones_geom WHERE maxx >= 2.5 AND minx <= 2.6 AND maxy >= 20.5 AND miny <= 20.6")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(fids, [2]);
}

#[test]
fn layer_styles_hold_one_default_per_styled_layer() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(&write_sample(dir.path()));
    let cols: Vec<String> = db
        .prepare("SELECT name FROM pragma_table_info('layer_styles') ORDER BY cid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        cols,
        [
            "id",
            "f_table_catalog",
            "f_table_schema",
            "f_table_name",
            "f_geometry_column",
            "styleName",
            "styleQML",
            "styleSLD",
            "useAsDefault",
            "description",
            "owner",
            "ui",
            "update_time"
        ]
    );
    // The lookup QGIS makes when it adds a layer.
    let rows: Vec<(String, String, String, String)> = db
        .prepare(
            "SELECT f_table_name, styleName, styleQML, styleSLD FROM layer_styles
             WHERE f_table_schema = '' AND f_geometry_column = 'geom' AND useAsDefault = 1
             ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        [
            ("events".into(), "events".into(), QML.into(), SLD.into()),
            ("zones".into(), "zones".into(), QML.into(), String::new())
        ]
    );
}

#[test]
fn no_styles_means_no_layer_styles_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.gpkg");
    write_geopackage(&path, &[rivers()], &[]).unwrap();
    let n: i64 = open(&path)
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'layer_styles'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 0);
}

#[test]
fn same_input_gives_byte_identical_files_and_replaces_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.gpkg");
    let b = dir.path().join("b.gpkg");
    let layers = [events(), zones(), rivers()];
    write_geopackage(&a, &layers, &[("zones", QML, "")]).unwrap();
    write_geopackage(&b, &layers, &[("zones", QML, "")]).unwrap();
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    // A second write over an existing file replaces it: only the new layers remain, and
    // nothing else is left in the folder.
    write_geopackage(&a, &[rivers()], &[]).unwrap();
    let tables: Vec<String> = open(&a)
        .prepare("SELECT table_name FROM gpkg_contents")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(tables, ["rivers"]);
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["a.gpkg", "b.gpkg"]);
    // A given timestamp is recorded as given.
    let stamp = NaiveDate::from_ymd_opt(2026, 11, 21)
        .unwrap()
        .and_hms_opt(10, 5, 0)
        .unwrap()
        .and_utc();
    write_geopackage_at(&b, &layers, &[], stamp).unwrap();
    let lc: String = open(&b)
        .query_row(
            "SELECT last_change FROM gpkg_contents WHERE table_name = 'zones'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(lc, "2026-11-21T10:05:00.000Z");
}

#[test]
fn bad_input_is_refused_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.gpkg");
    let mut wrong_geom = events();
    wrong_geom.geometry = GeometryKind::MultiPolygon;
    let mut wrong_value = events();
    wrong_value.features[2].values[1] = Value::Text("x".into());
    let mut short = events();
    short.features[0].values.pop();
    let mut reserved = rivers();
    reserved.name = "gpkg_contents".into();
    let mut fid_field = rivers();
    fid_field.fields.push(Field::new("FID", FieldType::Integer));
    type Case<'a> = (Vec<VectorLayer>, Vec<(&'a str, &'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (vec![wrong_geom], vec![], "feature 0"),
        (vec![wrong_value], vec![], "fatalities"),
        (vec![short], vec![], "4 values for 5 fields"),
        (vec![reserved], vec![], "reserved"),
        (vec![fid_field], vec![], "reserved"),
        (vec![rivers(), rivers()], vec![], "two layers"),
        (vec![rivers()], vec![("roads", QML, "")], "not a layer"),
    ];
    for (layers, styles, needle) in cases {
        let err = write_geopackage(&path, &layers, &styles)
            .unwrap_err()
            .to_string();
        assert!(err.contains(needle), "{needle}: {err}");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{needle}"
        );
    }
}

#[test]
fn empty_geometries_are_stored_but_not_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.gpkg");
    let mut z = zones();
    z.features[1].geometry = MultiPolygon::<f64>(vec![]).into();
    write_geopackage(&path, &[z], &[]).unwrap();
    let db = open(&path);
    let (n, idx): (i64, i64) = db
        .query_row(
            "SELECT (SELECT count(*) FROM zones), (SELECT count(*) FROM rtree_zones_geom)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((n, idx), (2, 1));
    let flags: i64 = db
        .query_row(
            "SELECT substr(geom, 4, 1) = x'11' FROM zones WHERE fid = 2",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(flags, 1);
}

#[test]
fn many_points_take_seconds() {
    // Guards the prepared-statement, one-transaction path: row-by-row autocommit would
    // take minutes. Debug builds of this crate are slower; the bound is generous.
    let n = 200_000;
    let layer = VectorLayer {
        name: "many".into(),
        description: String::new(),
        geometry: GeometryKind::Point,
        fields: vec![Field::new("n", FieldType::Integer)],
        features: (0..n)
            .map(|i| Feature {
                geometry: Point::new(
                    -12.0 + (i % 1000) as f64 * 0.01,
                    10.0 + (i / 1000) as f64 * 0.01,
                )
                .into(),
                values: vec![Value::Int(i)],
            })
            .collect(),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.gpkg");
    let t = std::time::Instant::now();
    write_geopackage(&path, &[layer], &[]).unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(secs < 20.0, "{n} points took {secs:.1} s");
    let idx: i64 = open(&path)
        .query_row("SELECT count(*) FROM rtree_many_geom", [], |r| r.get(0))
        .unwrap();
    assert_eq!(idx, n);
}
