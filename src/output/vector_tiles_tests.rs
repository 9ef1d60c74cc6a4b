//! The tiles decoded by a protobuf reader written here from the MVT 2.1 spec (the `mvt`
//! crate only encodes); tests/tiles.rs reads real archives with GDAL's MVT driver.

use std::collections::BTreeMap;
use std::io::Read;

use chrono::NaiveDate;
use geo::{Geometry, Point};

use super::*;
use crate::output::layer::{Feature, Field, GeometryKind};

/// A decoded feature: id, point in tile units, tags.
#[derive(Debug)]
struct Decoded {
    id: Option<u64>,
    at: [i64; 2],
    tags: BTreeMap<String, Json>,
}

fn varint(b: &[u8], i: &mut usize) -> u64 {
    let (mut v, mut s) = (0u64, 0);
    loop {
        let byte = b[*i];
        *i += 1;
        v |= u64::from(byte & 0x7f) << s;
        if byte < 0x80 {
            return v;
        }
        s += 7;
    }
}

/// (field number, wire type, payload) of each field of a message.
fn fields(b: &[u8]) -> Vec<(u64, u64, &[u8], u64)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let key = varint(b, &mut i);
        let (num, wire) = (key >> 3, key & 7);
        match wire {
            0 => {
                let v = varint(b, &mut i);
                out.push((num, wire, &b[0..0], v));
            }
            1 => {
                out.push((num, wire, &b[i..i + 8], 0));
                i += 8;
            }
            2 => {
                let len = varint(b, &mut i) as usize;
                out.push((num, wire, &b[i..i + len], 0));
                i += len;
            }
            5 => {
                out.push((num, wire, &b[i..i + 4], 0));
                i += 4;
            }
            w => panic!("wire type {w}"),
        }
    }
    out
}

fn packed(b: &[u8]) -> Vec<u64> {
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        out.push(varint(b, &mut i));
    }
    out
}

fn zigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// The features of layer `name` in a gzip-compressed tile.
fn decode(gz: &[u8], name: &str) -> Vec<Decoded> {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut raw)
        .unwrap();
    let mut out = Vec::new();
    for (num, _, layer, _) in fields(&raw) {
        assert_eq!(num, 3, "a tile holds layers only");
        let f = fields(layer);
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
        let lname = f.iter().find(|x| x.0 == 1).map(|x| text(x.2)).unwrap();
        assert_eq!(f.iter().find(|x| x.0 == 15).unwrap().3, 2, "version 2");
        assert_eq!(f.iter().find(|x| x.0 == 5).unwrap().3, u64::from(EXTENT));
        if lname != name {
            continue;
        }
        let keys: Vec<String> = f.iter().filter(|x| x.0 == 3).map(|x| text(x.2)).collect();
        let values: Vec<Json> = f
            .iter()
            .filter(|x| x.0 == 4)
            .map(|x| {
                let (n, _, p, v) = fields(x.2)[0];
                match n {
                    1 => Json::String(text(p)),
                    3 => json!(f64::from_le_bytes(p.try_into().unwrap())),
                    4 => json!(v as i64),
                    5 => json!(v),
                    6 => json!(zigzag(v)),
                    7 => json!(v != 0),
                    n => panic!("value type {n}"),
                }
            })
            .collect();
        for (_, _, feat, _) in f.iter().filter(|x| x.0 == 2) {
            let ff = fields(feat);
            let id = ff.iter().find(|x| x.0 == 1).map(|x| x.3);
            assert_eq!(ff.iter().find(|x| x.0 == 3).unwrap().3, 1, "points");
            let tags = ff
                .iter()
                .find(|x| x.0 == 2)
                .map(|x| packed(x.2))
                .unwrap_or_default();
            let geom = packed(ff.iter().find(|x| x.0 == 4).unwrap().2);
            assert_eq!(geom.len(), 3, "one MoveTo of one point: {geom:?}");
            assert_eq!(geom[0], 9, "MoveTo, count 1");
            out.push(Decoded {
                id,
                at: [zigzag(geom[1]), zigzag(geom[2])],
                tags: tags
                    .chunks(2)
                    .map(|kv| (keys[kv[0] as usize].clone(), values[kv[1] as usize].clone()))
                    .collect(),
            });
        }
    }
    out
}

fn inside(d: &Decoded) -> bool {
    d.at.iter().all(|&v| (0..i64::from(EXTENT)).contains(&v))
}

/// Events around Mopti and Bamako, two of them on one spot, one on the antimeridian
/// side of nothing: year, fatalities, a date, text with a null.
fn layer() -> VectorLayer {
    let fields = vec![
        Field::new("event_id", FieldType::Text),
        Field::new("event_date", FieldType::Date),
        Field::new("year", FieldType::Integer),
        Field::new("fatalities", FieldType::Integer),
        Field::new("notes", FieldType::Text),
    ];
    let points = [
        (-4.1967, 14.4843, 2022, 3),
        (-4.1967, 14.4843, 2022, 5),
        (-4.1967, 14.4843, 2023, 1),
        (-4.1900, 14.4900, 2022, 0),
        (-8.0029, 12.6392, 2023, 7),
        (-7.9, 12.7, 2023, 2),
        (-11.4, 14.45, 2022, 1),
    ];
    let features = points
        .iter()
        .enumerate()
        .map(|(i, &(lon, lat, year, deaths))| Feature {
            geometry: Geometry::Point(Point::new(lon, lat)),
            values: vec![
                Value::Text(format!("MLI{i}")),
                Value::Date(NaiveDate::from_ymd_opt(year, 3, 1 + i as u32).unwrap()),
                Value::Int(i64::from(year)),
                Value::Int(deaths),
                if i == 3 {
                    Value::Null
                } else {
                    Value::Text(format!("Note \"{i}\" — with ünïcode"))
                },
            ],
        })
        .collect();
    VectorLayer {
        name: "events".into(),
        description: "Test events".into(),
        geometry: GeometryKind::Point,
        fields,
        features,
    }
}

const TILING: PointTiles = PointTiles {
    layer: "events",
    maxzoom: 9,
    group_field: "year",
    sum_field: "fatalities",
};

#[test]
fn every_feature_is_at_the_deepest_zoom_once_with_its_attributes() {
    let l = layer();
    let tiles = TILING.encode(&l).unwrap();
    let deepest: Vec<(Tile, Decoded)> = tiles
        .iter()
        .filter(|(t, _)| t.z == TILING.maxzoom)
        .flat_map(|(t, gz)| decode(gz, "events").into_iter().map(move |d| (*t, d)))
        .collect();
    let own: Vec<&(Tile, Decoded)> = deepest.iter().filter(|(_, d)| inside(d)).collect();
    assert_eq!(own.len(), l.features.len());
    let mut ids: Vec<u64> = own.iter().map(|(_, d)| d.id.unwrap()).collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=l.features.len() as u64).collect::<Vec<_>>());
    for (t, d) in own {
        let i = d.id.unwrap() as usize - 1;
        let f = &l.features[i];
        // The point maps back to its position within a unit of the tile.
        let Geometry::Point(p) = f.geometry else {
            unreachable!()
        };
        let [w, s, e, n] = t.bounds();
        let ux = (e - w) / f64::from(EXTENT);
        assert!(
            (w + (d.at[0] as f64 + 0.5) * ux - p.x()).abs() <= ux,
            "{d:?}"
        );
        assert!(p.y() < n && p.y() > s, "{d:?} in {t:?}");
        assert_eq!(d.tags["event_id"], json!(format!("MLI{i}")));
        assert_eq!(d.tags["year"], json!(f.values[2].clone().int()));
        assert_eq!(
            d.tags["event_date"],
            json!(match &f.values[1] {
                Value::Date(x) => x.to_string(),
                _ => unreachable!(),
            })
        );
        // A null is no tag; text comes back byte for byte.
        match &f.values[4] {
            Value::Null => assert!(!d.tags.contains_key("notes")),
            Value::Text(s) => assert_eq!(d.tags["notes"], json!(s)),
            _ => unreachable!(),
        }
        assert!(!d.tags.contains_key(COUNT_FIELD));
    }
}

trait Int {
    fn int(self) -> i64;
}
impl Int for Value {
    fn int(self) -> i64 {
        match self {
            Value::Int(i) => i,
            _ => panic!("not an integer"),
        }
    }
}

#[test]
fn higher_zooms_merge_one_pixel_of_one_year_and_keep_the_totals() {
    let l = layer();
    let tiles = TILING.encode(&l).unwrap();
    for z in 0..TILING.maxzoom {
        let mut per_year: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
        for (t, gz) in tiles.iter().filter(|(t, _)| t.z == z) {
            for d in decode(gz, "events").iter().filter(|d| inside(d)) {
                assert_eq!(d.tags.len(), 3, "{t:?}: {d:?}");
                let year = d.tags["year"].as_i64().unwrap();
                let e = per_year.entry(year).or_default();
                e.0 += d.tags[COUNT_FIELD].as_i64().unwrap();
                e.1 += d.tags["fatalities"].as_i64().unwrap();
            }
        }
        assert_eq!(per_year[&2022], (4, 9), "zoom {z}");
        assert_eq!(per_year[&2023], (3, 10), "zoom {z}");
    }
    // Zoom 0: one tile of 512 pixels of 78 km; per year, the events at and near Mopti
    // share a pixel, as do Bamako's two, and Kayes (-11.4) has its own: 2022 has Mopti
    // and Kayes, 2023 Mopti and Bamako.
    let z0: Vec<Decoded> = tiles
        .iter()
        .filter(|(t, _)| t.z == 0)
        .flat_map(|(_, gz)| decode(gz, "events"))
        .collect();
    assert_eq!(z0.len(), 4, "{z0:?}");
    let mut counts: Vec<(i64, i64)> = z0
        .iter()
        .map(|d| {
            (
                d.tags["year"].as_i64().unwrap(),
                d.tags[COUNT_FIELD].as_i64().unwrap(),
            )
        })
        .collect();
    counts.sort_unstable();
    assert_eq!(counts, [(2022, 1), (2022, 3), (2023, 1), (2023, 2)]);
    // Zoom 8 (one pixel ≈ 300 m): the two 2022 events on one spot merge, the one 900 m
    // away does not, and 2023's event on that spot stays apart.
    let z8: Vec<Decoded> = tiles
        .iter()
        .filter(|(t, _)| t.z == 8)
        .flat_map(|(_, gz)| decode(gz, "events"))
        .filter(inside)
        .collect();
    let counts: Vec<i64> = z8
        .iter()
        .map(|d| d.tags[COUNT_FIELD].as_i64().unwrap())
        .collect();
    assert_eq!(counts.iter().sum::<i64>(), 7);
    assert!(counts.contains(&2) && counts.len() == 6, "{counts:?}");
}

#[test]
fn points_near_an_edge_are_in_the_next_tile_too() {
    // A point 2 units (of the deepest zoom) east of a tile edge at zoom 9.
    let mut l = layer();
    l.features.truncate(1);
    let edge_lon = -180.0 + 360.0 * 246.0 / 512.0; // the west edge of tile x = 246
    let unit = 360.0 / 512.0 / f64::from(EXTENT);
    l.features[0].geometry = Geometry::Point(Point::new(edge_lon + 2.5 * unit, 14.48));
    let tiles = TILING.encode(&l).unwrap();
    let deepest: Vec<(Tile, Vec<Decoded>)> = tiles
        .iter()
        .filter(|(t, _)| t.z == TILING.maxzoom)
        .map(|(t, gz)| (*t, decode(gz, "events")))
        .collect();
    assert_eq!(deepest.len(), 2, "its own tile and the one west of it");
    let own = deepest.iter().find(|(t, _)| t.x == 246).unwrap();
    assert_eq!(own.1[0].at[0], 2);
    let west = deepest.iter().find(|(t, _)| t.x == 245).unwrap();
    assert_eq!(west.1[0].at[0], i64::from(EXTENT) + 2);
}

#[test]
fn the_layer_must_have_the_integer_fields_and_points() {
    let mut l = layer();
    l.fields[2].kind = FieldType::Text;
    let err = TILING.encode(&l).unwrap_err().to_string();
    assert!(err.contains("\"year\""), "{err}");
    let mut l = layer();
    l.features[0].geometry = Geometry::LineString(vec![(0.0, 0.0), (1.0, 1.0)].into());
    assert!(TILING.encode(&l).is_err());
    let vl = TILING.vector_layers(&layer());
    assert_eq!(vl[0]["id"], "events");
    assert_eq!(vl[0]["fields"]["notes"], "String");
    assert_eq!(vl[0]["fields"][COUNT_FIELD], "Number");
    assert_eq!(vl[0]["maxzoom"], 9);
}
