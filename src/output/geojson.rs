//! GeoJSON (RFC 7946) export of a [`VectorLayer`]: a FeatureCollection in lon/lat with no
//! `crs` member, polygons oriented by the right-hand rule, coordinates rounded to 6
//! decimals (about 0.1 m, finer than any event location), and the layer name as the
//! top-level foreign member `"name"` (GDAL uses it as the layer name), and its description
//! as the foreign member `"description"`.
//!
//! Features are written one by one into the writer, so a layer of a million events never
//! exists as one JSON tree in memory.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

use geo::{Coord, Geometry, LineString, Orient, Polygon, orient::Direction};

use crate::error::Result;
use crate::output::atomic::write_atomic;
use crate::output::layer::{Value, VectorLayer};

/// The whole FeatureCollection as bytes (UTF-8 JSON).
pub fn to_geojson(layer: &VectorLayer) -> Vec<u8> {
    let mut out = Vec::new();
    write_geojson_to(layer, &mut out).expect("writing into a Vec cannot fail");
    out
}

/// Writes the layer as a GeoJSON file at `path`, atomically.
pub fn write_geojson(layer: &VectorLayer, path: &Path) -> Result<()> {
    write_atomic(path, |w| write_geojson_to(layer, w))
}

/// Streams the FeatureCollection into `w`, one feature at a time.
pub fn write_geojson_to(layer: &VectorLayer, w: &mut dyn Write) -> io::Result<()> {
    w.write_all(b"{\"type\":\"FeatureCollection\",\"name\":")?;
    serde_json::to_writer(&mut *w, &layer.name)?;
    if !layer.description.is_empty() {
        // A foreign member (RFC 7946 §6.1): readers that do not know it ignore it.
        w.write_all(b",\"description\":")?;
        serde_json::to_writer(&mut *w, &layer.description)?;
    }
    w.write_all(b",\"features\":[")?;
    // Keys are escaped once, not per feature.
    let keys: Vec<String> = layer
        .fields
        .iter()
        .map(|f| serde_json::to_string(&f.name).expect("a string serialises"))
        .collect();
    let mut buf = String::new();
    for (i, feature) in layer.features.iter().enumerate() {
        buf.clear();
        if i > 0 {
            buf.push(',');
        }
        buf.push_str("\n{\"type\":\"Feature\",\"geometry\":");
        push_geometry(&mut buf, &feature.geometry);
        buf.push_str(",\"properties\":{");
        for (j, (key, value)) in keys.iter().zip(&feature.values).enumerate() {
            if j > 0 {
                buf.push(',');
            }
            buf.push_str(key);
            buf.push(':');
            push_value(&mut buf, value);
        }
        buf.push_str("}}");
        w.write_all(buf.as_bytes())?;
    }
    w.write_all(b"\n]}\n")
}

fn push_value(buf: &mut String, value: &Value) {
    match value {
        Value::Null => buf.push_str("null"),
        Value::Int(i) => {
            let _ = write!(buf, "{i}");
        }
        // JSON has no NaN or infinity: a non-finite number is missing.
        Value::Real(x) if !x.is_finite() => buf.push_str("null"),
        // serde_json keeps a ".0" on whole numbers, so readers still type the column Real.
        Value::Real(x) => buf.push_str(&serde_json::to_string(x).expect("finite f64")),
        Value::Text(s) => buf.push_str(&serde_json::to_string(s).expect("a string serialises")),
        Value::Bool(b) => buf.push_str(if *b { "true" } else { "false" }),
        Value::Date(d) => {
            let _ = write!(buf, "\"{}\"", d.format("%Y-%m-%d"));
        }
    }
}

fn push_geometry(buf: &mut String, g: &Geometry<f64>) {
    match g {
        Geometry::Point(p) => {
            buf.push_str("{\"type\":\"Point\",\"coordinates\":");
            push_coord(buf, p.0);
        }
        Geometry::MultiPoint(mp) => {
            buf.push_str("{\"type\":\"MultiPoint\",\"coordinates\":");
            push_list(buf, &mp.0, |b, p| push_coord(b, p.0));
        }
        Geometry::Line(l) => {
            buf.push_str("{\"type\":\"LineString\",\"coordinates\":");
            push_list(buf, &[l.start, l.end], |b, c| push_coord(b, *c));
        }
        Geometry::LineString(ls) => {
            buf.push_str("{\"type\":\"LineString\",\"coordinates\":");
            push_line(buf, ls);
        }
        Geometry::MultiLineString(mls) => {
            buf.push_str("{\"type\":\"MultiLineString\",\"coordinates\":");
            push_list(buf, &mls.0, push_line);
        }
        Geometry::Polygon(p) => {
            buf.push_str("{\"type\":\"Polygon\",\"coordinates\":");
            push_polygon(buf, p);
        }
        Geometry::MultiPolygon(mp) => {
            buf.push_str("{\"type\":\"MultiPolygon\",\"coordinates\":");
            push_list(buf, &mp.0, push_polygon);
        }
        Geometry::Rect(r) => return push_geometry(buf, &Geometry::Polygon(r.to_polygon())),
        Geometry::Triangle(t) => return push_geometry(buf, &Geometry::Polygon(t.to_polygon())),
        Geometry::GeometryCollection(gc) => {
            buf.push_str("{\"type\":\"GeometryCollection\",\"geometries\":");
            push_list(buf, &gc.0, push_geometry);
            buf.push('}');
            return;
        }
    }
    buf.push('}');
}

/// RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise. The layer model
/// asks for it already, but a ring built the other way round must not reach QGIS or a
/// web map (d3 fills the whole globe outside a clockwise ring).
fn push_polygon(buf: &mut String, p: &Polygon<f64>) {
    let p = p.orient(Direction::Default);
    buf.push('[');
    push_line(buf, p.exterior());
    for hole in p.interiors() {
        buf.push(',');
        push_line(buf, hole);
    }
    buf.push(']');
}

fn push_line(buf: &mut String, ls: &LineString<f64>) {
    push_list(buf, &ls.0, |b, c| push_coord(b, *c));
}

fn push_list<T>(buf: &mut String, items: &[T], mut each: impl FnMut(&mut String, &T)) {
    buf.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            buf.push(',');
        }
        each(buf, item);
    }
    buf.push(']');
}

fn push_coord(buf: &mut String, c: Coord<f64>) {
    buf.push('[');
    push_degrees(buf, c.x);
    buf.push(',');
    push_degrees(buf, c.y);
    buf.push(']');
}

/// A coordinate in degrees to 6 decimals, without trailing zeros ("-8", "12.65").
fn push_degrees(buf: &mut String, v: f64) {
    let start = buf.len();
    let _ = write!(buf, "{v:.6}");
    let trimmed = buf[start..]
        .trim_end_matches('0')
        .trim_end_matches('.')
        .len();
    buf.truncate(start + trimmed);
    if &buf[start..] == "-0" {
        buf.truncate(start);
        buf.push('0');
    }
}

#[cfg(test)]
#[path = "geojson_tests.rs"]
mod tests;
