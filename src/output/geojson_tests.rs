use super::*;
use crate::output::layer::{Feature, Field, FieldType, GeometryKind};
use chrono::NaiveDate;
use geo::{Area, LineString, MultiPolygon, Polygon, polygon};
use geojson::{FeatureCollection, GeoJson, GeometryValue};

fn events() -> VectorLayer {
    VectorLayer {
        name: "events".into(),
        description: "test".into(),
        geometry: GeometryKind::Point,
        fields: vec![
            Field::new("event_id", FieldType::Text),
            Field::new("fatalities", FieldType::Integer),
            Field::new("share", FieldType::Real),
            Field::new("is_attack", FieldType::Boolean),
            Field::new("event_date", FieldType::Date),
        ],
        features: vec![
            Feature {
                geometry: geo::Point::new(-8.123456789, 12.6500004).into(),
                values: vec![
                    Value::Text("MLI1 \"quoted\"".into()),
                    Value::Int(3),
                    Value::Real(2.0),
                    Value::Bool(true),
                    Value::Date(NaiveDate::from_ymd_opt(2024, 3, 9).unwrap()),
                ],
            },
            Feature {
                geometry: geo::Point::new(-0.0000001, 16.0).into(),
                values: vec![
                    Value::Null,
                    Value::Null,
                    Value::Real(f64::NAN),
                    Value::Bool(false),
                    Value::Null,
                ],
            },
        ],
    }
}

fn parse(bytes: &[u8]) -> (serde_json::Value, FeatureCollection) {
    let raw: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let gj: GeoJson = std::str::from_utf8(bytes).unwrap().parse().unwrap();
    let GeoJson::FeatureCollection(fc) = gj else {
        panic!("not a FeatureCollection")
    };
    (raw, fc)
}

#[test]
fn points_round_trip_with_typed_properties() {
    let (raw, fc) = parse(&to_geojson(&events()));
    assert!(raw.get("crs").is_none(), "RFC 7946 has no crs member");
    assert_eq!(raw["name"], "events");
    assert_eq!(fc.features.len(), 2);

    let f0 = &fc.features[0];
    let GeometryValue::Point { coordinates } = &f0.geometry.as_ref().unwrap().value else {
        panic!("not a point")
    };
    assert_eq!(coordinates.as_slice(), &[-8.123457, 12.65]);
    let p = f0.properties.as_ref().unwrap();
    assert_eq!(p["event_id"], "MLI1 \"quoted\"");
    assert_eq!(p["fatalities"], 3);
    assert!(p["fatalities"].is_i64());
    assert!(p["share"].is_f64(), "Real stays a float: {}", p["share"]);
    assert_eq!(p["is_attack"], true);
    assert_eq!(p["event_date"], "2024-03-09");

    let f1 = &fc.features[1];
    let GeometryValue::Point { coordinates } = &f1.geometry.as_ref().unwrap().value else {
        panic!("not a point")
    };
    // Rounds to zero without a negative sign.
    assert_eq!(coordinates.as_slice(), &[0.0, 16.0]);
    let p = f1.properties.as_ref().unwrap();
    for k in ["event_id", "fatalities", "share", "event_date"] {
        assert!(p[k].is_null(), "{k}: {}", p[k]);
    }
    assert_eq!(p["is_attack"], false);
}

#[test]
fn coordinates_have_at_most_six_decimals() {
    let text = String::from_utf8(to_geojson(&events())).unwrap();
    assert!(text.contains("[-8.123457,12.65]"), "{text}");
    assert!(text.contains("[0,16]"), "{text}");
}

/// Signed area of a ring (positive when counter-clockwise).
fn signed_area(ring: &[geojson::Position]) -> f64 {
    let ls: LineString<f64> = ring
        .iter()
        .map(|p| (p.as_slice()[0], p.as_slice()[1]))
        .collect();
    Polygon::new(ls, vec![]).signed_area()
}

#[test]
fn polygons_follow_the_right_hand_rule() {
    // Exterior clockwise and hole counter-clockwise: both wrong for RFC 7946.
    let cw = polygon![
        exterior: [(x: 0.0, y: 0.0), (x: 0.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0)],
        interiors: [[(x: 0.2, y: 0.2), (x: 0.4, y: 0.2), (x: 0.4, y: 0.4), (x: 0.2, y: 0.4)]],
    ];
    let layer = VectorLayer {
        name: "zones".into(),
        description: String::new(),
        geometry: GeometryKind::MultiPolygon,
        fields: vec![Field::new("zone", FieldType::Text)],
        features: vec![Feature {
            geometry: MultiPolygon(vec![cw]).into(),
            values: vec![Value::Text("ring".into())],
        }],
    };
    let (_, fc) = parse(&to_geojson(&layer));
    let GeometryValue::MultiPolygon { coordinates } =
        &fc.features[0].geometry.as_ref().unwrap().value
    else {
        panic!("not a multipolygon")
    };
    let rings = &coordinates[0];
    assert_eq!(rings.len(), 2);
    assert!(
        signed_area(&rings[0]) > 0.0,
        "exterior must be counter-clockwise"
    );
    assert!(signed_area(&rings[1]) < 0.0, "hole must be clockwise");
    // Converts to geo with the same area (ring closed, nothing lost).
    let back: geo::MultiPolygon<f64> = fc.features[0]
        .geometry
        .as_ref()
        .unwrap()
        .value
        .clone()
        .try_into()
        .unwrap();
    assert!((back.unsigned_area() - 0.96).abs() < 1e-12);
}

#[test]
fn empty_layer_is_a_valid_collection() {
    let mut layer = events();
    layer.features.clear();
    let (raw, fc) = parse(&to_geojson(&layer));
    assert!(fc.features.is_empty());
    assert_eq!(raw["type"], "FeatureCollection");
}

#[test]
fn file_is_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.geojson");
    write_geojson(&events(), &path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), to_geojson(&events()));
}
