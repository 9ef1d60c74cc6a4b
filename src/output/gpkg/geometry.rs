//! GeoPackage geometry blobs (OGC 12-128r18, clause 2.1.3): the "GP" header with a 2D
//! envelope, then ISO/OGC WKB, all little endian.
//!
//! Written by hand: the layout is small and fixed, and the WKB crates would add a
//! conversion layer for the three types we write without removing any of this header code.

use geo::{Coord, LineString, MultiLineString, MultiPolygon, Polygon};

use crate::output::layer::GeometryKind;

/// SRS of every geometry we write (lon/lat WGS 84).
pub const SRS_ID: i32 = 4326;

const WKB_POINT: u32 = 1;
const WKB_LINESTRING: u32 = 2;
const WKB_POLYGON: u32 = 3;
const WKB_MULTILINESTRING: u32 = 5;
const WKB_MULTIPOLYGON: u32 = 6;

/// Flags byte: bit 0 = little endian; bits 1-3 = envelope indicator (1: minx, maxx,
/// miny, maxy); bit 4 = empty geometry; bit 5 = 0 (standard, not extended, binary).
const FLAG_LITTLE_ENDIAN: u8 = 0b0000_0001;
const FLAG_ENVELOPE_XY: u8 = 0b0000_0010;
/// Bit 4 per the spec's flags table. (GDAL 3.6's `validate_gpkg.py` reads bit 3 instead
/// and so reports "Inconsistent empty_flag" for spec-conformant empty geometries; GDAL's
/// driver itself reads them fine.)
const FLAG_EMPTY: u8 = 0b0001_0000;

/// A 2D envelope in the order the GeoPackage header stores it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Envelope {
    pub min_x: f64,
    pub max_x: f64,
    pub min_y: f64,
    pub max_y: f64,
}

impl Envelope {
    /// The envelope of `coords`; `None` when there are none. A non-finite coordinate
    /// makes the whole envelope NaN (f64::min/max would silently skip it).
    fn of_coords<'a>(coords: impl Iterator<Item = &'a Coord<f64>>) -> Option<Envelope> {
        let mut env: Option<Envelope> = None;
        let mut finite = true;
        for c in coords {
            finite &= c.x.is_finite() && c.y.is_finite();
            env = Some(match env {
                None => Envelope {
                    min_x: c.x,
                    max_x: c.x,
                    min_y: c.y,
                    max_y: c.y,
                },
                Some(e) => Envelope {
                    min_x: e.min_x.min(c.x),
                    max_x: e.max_x.max(c.x),
                    min_y: e.min_y.min(c.y),
                    max_y: e.max_y.max(c.y),
                },
            });
        }
        match env {
            Some(_) if !finite => Some(Envelope {
                min_x: f64::NAN,
                max_x: f64::NAN,
                min_y: f64::NAN,
                max_y: f64::NAN,
            }),
            e => e,
        }
    }
}

/// One feature's geometry, encoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    pub blob: Vec<u8>,
    /// `None` for an empty geometry (no R-tree entry, per the rtree extension).
    pub envelope: Option<Envelope>,
}

/// Encodes `geometry` as a GeoPackage blob of the layer's `kind`. Single polygons and
/// linestrings are promoted to their multi type so that every blob matches the
/// `geometry_type_name` of the table, which GDAL's validator checks.
pub fn encode(geometry: &geo::Geometry<f64>, kind: GeometryKind) -> Result<Encoded, String> {
    use geo::Geometry as G;
    let mut wkb = Vec::with_capacity(64);
    let envelope = match (kind, geometry) {
        (GeometryKind::Point, G::Point(p)) => {
            put_header(&mut wkb, WKB_POINT);
            put_coord(&mut wkb, &p.0);
            Envelope::of_coords(std::iter::once(&p.0))
        }
        (GeometryKind::MultiLineString, G::LineString(l)) => {
            put_multilinestring(&mut wkb, std::slice::from_ref(l))
        }
        (GeometryKind::MultiLineString, G::MultiLineString(MultiLineString(ls))) => {
            put_multilinestring(&mut wkb, ls)
        }
        (GeometryKind::MultiPolygon, G::Polygon(p)) => {
            put_multipolygon(&mut wkb, std::slice::from_ref(p))
        }
        (GeometryKind::MultiPolygon, G::MultiPolygon(MultiPolygon(ps))) => {
            put_multipolygon(&mut wkb, ps)
        }
        (kind, g) => {
            return Err(format!(
                "a {} geometry in a layer of {kind:?} features",
                geometry_name(g)
            ));
        }
    };
    if let Some(e) = envelope
        && ![e.min_x, e.max_x, e.min_y, e.max_y]
            .iter()
            .all(|v| v.is_finite())
    {
        return Err("a coordinate is not a finite number".to_string());
    }
    let header_len = if envelope.is_some() { 8 + 32 } else { 8 };
    let mut blob = Vec::with_capacity(header_len + wkb.len());
    blob.extend_from_slice(b"GP");
    blob.push(0); // version 1 of the binary format is stored as 0
    match envelope {
        Some(e) => {
            blob.push(FLAG_LITTLE_ENDIAN | FLAG_ENVELOPE_XY);
            blob.extend_from_slice(&SRS_ID.to_le_bytes());
            // Note the order: x range, then y range (not minx, miny, maxx, maxy).
            for v in [e.min_x, e.max_x, e.min_y, e.max_y] {
                blob.extend_from_slice(&v.to_le_bytes());
            }
        }
        // Empty geometry: no envelope (indicator 0), empty flag set.
        None => {
            blob.push(FLAG_LITTLE_ENDIAN | FLAG_EMPTY);
            blob.extend_from_slice(&SRS_ID.to_le_bytes());
        }
    }
    blob.extend_from_slice(&wkb);
    Ok(Encoded { blob, envelope })
}

fn geometry_name(g: &geo::Geometry<f64>) -> &'static str {
    use geo::Geometry as G;
    match g {
        G::Point(_) => "Point",
        G::Line(_) => "Line",
        G::LineString(_) => "LineString",
        G::Polygon(_) => "Polygon",
        G::MultiPoint(_) => "MultiPoint",
        G::MultiLineString(_) => "MultiLineString",
        G::MultiPolygon(_) => "MultiPolygon",
        G::GeometryCollection(_) => "GeometryCollection",
        G::Rect(_) => "Rect",
        G::Triangle(_) => "Triangle",
    }
}

fn put_header(out: &mut Vec<u8>, wkb_type: u32) {
    out.push(1); // little endian
    out.extend_from_slice(&wkb_type.to_le_bytes());
}

fn put_count(out: &mut Vec<u8>, n: usize) {
    // Counts beyond u32 cannot be represented in WKB; such a geometry could not be
    // built in memory anyway.
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

fn put_coord(out: &mut Vec<u8>, c: &Coord<f64>) {
    out.extend_from_slice(&c.x.to_le_bytes());
    out.extend_from_slice(&c.y.to_le_bytes());
}

fn put_ring(out: &mut Vec<u8>, ring: &LineString<f64>) {
    put_count(out, ring.0.len());
    for c in &ring.0 {
        put_coord(out, c);
    }
}

fn put_multilinestring(out: &mut Vec<u8>, lines: &[LineString<f64>]) -> Option<Envelope> {
    put_header(out, WKB_MULTILINESTRING);
    put_count(out, lines.len());
    for l in lines {
        put_header(out, WKB_LINESTRING);
        put_ring(out, l);
    }
    Envelope::of_coords(lines.iter().flat_map(|l| l.0.iter()))
}

fn put_multipolygon(out: &mut Vec<u8>, polygons: &[Polygon<f64>]) -> Option<Envelope> {
    put_header(out, WKB_MULTIPOLYGON);
    put_count(out, polygons.len());
    for p in polygons {
        put_header(out, WKB_POLYGON);
        // A polygon with an empty exterior has no rings at all in WKB.
        if p.exterior().0.is_empty() {
            put_count(out, 0);
            continue;
        }
        put_count(out, 1 + p.interiors().len());
        put_ring(out, p.exterior());
        for r in p.interiors() {
            put_ring(out, r);
        }
    }
    // Interior rings lie inside the exterior, so the exteriors bound the geometry.
    Envelope::of_coords(polygons.iter().flat_map(|p| p.exterior().0.iter()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Point, polygon};

    fn f64_at(b: &[u8], at: usize) -> f64 {
        f64::from_le_bytes(b[at..at + 8].try_into().unwrap())
    }
    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn point_blob_byte_by_byte() {
        let e = encode(&Point::new(-8.0, 12.5).into(), GeometryKind::Point).unwrap();
        let b = &e.blob;
        assert_eq!(&b[0..4], &[b'G', b'P', 0, 0b0000_0011]);
        assert_eq!(i32::from_le_bytes(b[4..8].try_into().unwrap()), 4326);
        // Envelope: minx, maxx, miny, maxy.
        assert_eq!(
            [f64_at(b, 8), f64_at(b, 16), f64_at(b, 24), f64_at(b, 32)],
            [-8.0, -8.0, 12.5, 12.5]
        );
        // WKB point: byte order, type 1, x, y.
        assert_eq!(b[40], 1);
        assert_eq!(u32_at(b, 41), 1);
        assert_eq!([f64_at(b, 45), f64_at(b, 53)], [-8.0, 12.5]);
        assert_eq!(b.len(), 61);
    }

    #[test]
    fn polygon_is_written_as_multipolygon_with_xy_envelope() {
        let p = polygon![(x: -5.0, y: 11.0), (x: -3.0, y: 11.0), (x: -3.0, y: 14.0), (x: -5.0, y: 11.0)];
        let e = encode(&p.into(), GeometryKind::MultiPolygon).unwrap();
        let b = &e.blob;
        assert_eq!(b[3], 0b0000_0011);
        assert_eq!(
            [f64_at(b, 8), f64_at(b, 16), f64_at(b, 24), f64_at(b, 32)],
            [-5.0, -3.0, 11.0, 14.0]
        );
        let w = &b[40..];
        assert_eq!((w[0], u32_at(w, 1), u32_at(w, 5)), (1, 6, 1)); // multipolygon of 1
        assert_eq!((w[9], u32_at(w, 10), u32_at(w, 14)), (1, 3, 1)); // polygon, 1 ring
        assert_eq!(u32_at(w, 18), 4); // 4 points, closed ring
        assert_eq!([f64_at(w, 22), f64_at(w, 30)], [-5.0, 11.0]);
        assert_eq!(w.len(), 22 + 4 * 16);
    }

    #[test]
    fn empty_multipolygon_has_empty_flag_and_no_envelope() {
        let e = encode(
            &MultiPolygon::<f64>(vec![]).into(),
            GeometryKind::MultiPolygon,
        )
        .unwrap();
        assert_eq!(e.envelope, None);
        assert_eq!(e.blob[3], 0b0001_0001);
        assert_eq!(&e.blob[8..], &[1, 6, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn wrong_type_and_non_finite_are_refused() {
        let err = encode(&Point::new(0.0, 0.0).into(), GeometryKind::MultiPolygon).unwrap_err();
        assert!(err.contains("Point"), "{err}");
        let err = encode(&Point::new(f64::NAN, 0.0).into(), GeometryKind::Point).unwrap_err();
        assert!(err.contains("finite"), "{err}");
        let line = LineString::from(vec![(0.0, 0.0), (f64::INFINITY, 1.0), (2.0, 2.0)]);
        let err = encode(&line.into(), GeometryKind::MultiLineString).unwrap_err();
        assert!(err.contains("finite"), "{err}");
    }
}
