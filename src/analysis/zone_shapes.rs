//! Zone polygons for maps and exports, built geodesically.
//!
//! - A ring is traced by the geodesic direct problem at evenly spaced bearings.
//! - A border band is the set of points within a width of the border lines. It is built
//!   per section of border (≤ [`SECTION_KM`] long): the section is projected into an
//!   azimuthal equidistant projection centred on it (exact geodesic distances from the
//!   centre, distortion < 0.01 % at the distances involved), buffered there with round
//!   joins and caps, densified, projected back; the sections are unioned and clipped to
//!   the country. [`band_edge_error`] then measures every vertex of the result against
//!   the exact distance rule, so a band whose edge is off by more than the tolerance is
//!   never handed out (see [`BAND_TOLERANCE`]).

use geo::algorithm::buffer::{BufferStyle, LineCap, LineJoin};
use geo::orient::Direction;
use geo::{
    BooleanOps, Buffer, Coord, Distance, Euclidean, LineString, MultiLineString, MultiPolygon,
    Orient, Point, Polygon, Simplify, coord,
};

use super::geodesy::{self, Aeqd};
use super::polyline_index::PolylineIndex;
use crate::units::{Km, LonLat};

/// Longest border section buffered in one projection.
pub const SECTION_KM: f64 = 150.0;
/// Sections are also kept shorter than this many widths. A hole in a line's buffer needs
/// the line to loop around a disc wider than the buffer, i.e. a length of at least
/// 2π × width; below that, any hole the planar stroker returns is a numerical artefact
/// (seen on zigzags of 30 m steps in the Natural Earth borders) and is dropped.
const SECTION_MAX_WIDTHS: f64 = 6.0;
/// Planar simplification tolerance (metres) before buffering: removes degenerate
/// zigzags, moves the edge by at most this (0.001 % of a 50 km band).
const SIMPLIFY_M: f64 = 0.5;
/// Border segments are densified to this spacing (km) before projection, so long
/// straight desert borders follow the geodesic.
const DENSIFY_KM: f64 = 5.0;
/// Angular step of round joins and caps (0.5°: sagitta under half a metre at 50 km).
const ROUND_STEP_RAD: f64 = std::f64::consts::PI / 360.0;
/// Spacing (metres) of vertices along the buffer edge before projecting back.
const EDGE_DENSIFY_M: f64 = 1_000.0;
/// Largest accepted relative error of a band edge vertex's distance to the border.
pub const BAND_TOLERANCE: f64 = 0.005;
/// A band vertex closer than this (degrees) to the country outline lies on the clip.
const ON_OUTLINE_DEG: f64 = 1e-5;

/// A geodesic circle of `radius` around `centre`, `bearings` vertices (≥ 360 is
/// sensible for maps), exterior counter-clockwise (RFC 7946).
pub fn ring_polygon(centre: LonLat, radius: Km, bearings: usize) -> Polygon<f64> {
    let n = bearings.max(8);
    let mut coords: Vec<Coord<f64>> = (0..n)
        .map(|i| {
            // Counter-clockwise seen from above: bearings decreasing.
            let azimuth = 360.0 - 360.0 * i as f64 / n as f64;
            geodesy::destination(centre, azimuth, radius).to_coord()
        })
        .collect();
    coords.push(coords[0]);
    Polygon::new(LineString::new(coords), vec![]).orient(Direction::Default)
}

/// Points along each line, no two consecutive ones more than `step_km` apart, added
/// along the geodesic between the original vertices.
pub fn densify_geodesic(line: &LineString<f64>, step_km: f64) -> Vec<LonLat> {
    let mut out: Vec<LonLat> = Vec::new();
    for seg in line.lines() {
        let Some((a, b)) = LonLat::segment(&seg) else {
            continue;
        };
        if out.last() != Some(&a) {
            out.push(a);
        }
        let (len_m, azi, _) = geodesy::inverse(a, b);
        let parts = (len_m / (step_km * 1000.0)).ceil().max(1.0) as usize;
        for k in 1..parts {
            out.push(geodesy::direct(a, azi, len_m * k as f64 / parts as f64).0);
        }
        out.push(b);
    }
    out
}

/// Splits a densified line into runs of at most `max_km`, consecutive runs sharing
/// their end vertex.
fn sections(points: &[LonLat], max_km: f64) -> Vec<&[LonLat]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut run = 0.0;
    for i in 1..points.len() {
        run += geodesy::distance(points[i - 1], points[i]).get();
        if run >= max_km || i == points.len() - 1 {
            out.push(&points[start..=i]);
            start = i;
            run = 0.0;
        }
    }
    out
}

fn densify_ring_planar(ring: &LineString<f64>, step: f64) -> Vec<Coord<f64>> {
    let mut out = Vec::with_capacity(ring.0.len());
    for seg in ring.lines() {
        out.push(seg.start);
        let len = (seg.end.x - seg.start.x).hypot(seg.end.y - seg.start.y);
        let parts = (len / step).ceil() as usize;
        for k in 1..parts {
            let t = k as f64 / parts as f64;
            out.push(coord! {
                x: seg.start.x + t * (seg.end.x - seg.start.x),
                y: seg.start.y + t * (seg.end.y - seg.start.y),
            });
        }
    }
    if let Some(first) = out.first().copied() {
        out.push(first);
    }
    out
}

fn unproject_polygon(poly: &Polygon<f64>, proj: &Aeqd) -> Polygon<f64> {
    let back = |ring: &LineString<f64>| {
        LineString::new(
            densify_ring_planar(ring, EDGE_DENSIFY_M)
                .into_iter()
                .map(|c| proj.inverse(c.x, c.y).to_coord())
                .collect(),
        )
    };
    Polygon::new(
        back(poly.exterior()),
        poly.interiors().iter().map(back).collect(),
    )
}

/// The geodesic buffer of `lines` by `width`, in lon/lat (not clipped).
pub fn buffer_lines(lines: &MultiLineString<f64>, width: Km) -> MultiPolygon<f64> {
    let style = || {
        BufferStyle::new(width.metres())
            .line_cap(LineCap::Round(ROUND_STEP_RAD))
            .line_join(LineJoin::Round(ROUND_STEP_RAD))
    };
    let section_km = SECTION_KM.min(SECTION_MAX_WIDTHS * width.get());
    let mut pieces: Vec<Polygon<f64>> = Vec::new();
    for line in lines {
        let points = densify_geodesic(line, DENSIFY_KM.min(section_km / 4.0));
        for section in sections(&points, section_km) {
            let proj = Aeqd::new(section[section.len() / 2]);
            let planar = LineString::new(
                section
                    .iter()
                    .map(|p| {
                        let (x, y) = proj.forward(*p);
                        coord! {x: x, y: y}
                    })
                    .collect(),
            );
            let buffered = planar.simplify(SIMPLIFY_M).buffer_with_style(style());
            pieces.extend(buffered.iter().map(|p| {
                let no_holes = Polygon::new(p.exterior().clone(), vec![]);
                unproject_polygon(&no_holes, &proj)
            }));
        }
    }
    geo::unary_union(pieces.iter()).orient(Direction::Default)
}

/// The part of `country` within `width` of `lines` (the country's side of a border).
pub fn band_polygon(
    lines: &MultiLineString<f64>,
    width: Km,
    country: &MultiPolygon<f64>,
) -> MultiPolygon<f64> {
    buffer_lines(lines, width)
        .intersection(country)
        .orient(Direction::Default)
}

/// How far the band's edge strays from the nominal width: the largest relative error
/// `|d − width| / width` over all band vertices that are not on the country outline,
/// where `d` is the exact geodesic distance to the border lines.
pub fn band_edge_error(
    band: &MultiPolygon<f64>,
    border: &PolylineIndex,
    width: Km,
    country: &MultiPolygon<f64>,
) -> f64 {
    let outline: Vec<&LineString<f64>> = country
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .collect();
    let on_outline = |c: Coord<f64>| {
        let p = Point::from(c);
        outline
            .iter()
            .any(|ring| Euclidean.distance(&p, *ring) < ON_OUTLINE_DEG)
    };
    band.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|ring| ring.coords().copied())
        .filter(|c| !on_outline(*c))
        .filter_map(|c| LonLat::new(c.x, c.y))
        .map(|p| (border.nearest(p).distance.get() - width.get()).abs() / width.get())
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, Validation, Winding};

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat::new(lon, lat).unwrap()
    }

    #[test]
    fn ring_vertices_are_at_the_radius_and_ccw() {
        let bamako = ll(-8.0029, 12.6392);
        let r = Km::new(150.0).unwrap();
        let ring = ring_polygon(bamako, r, 360);
        assert_eq!(ring.exterior().0.len(), 361);
        assert!(ring.is_valid());
        assert!(ring.exterior().is_ccw());
        for c in ring.exterior().coords() {
            let d = geodesy::distance(bamako, ll(c.x, c.y)).get();
            assert!((d - 150.0).abs() < 1e-6, "{d}");
        }
        assert!(ring.contains(&bamako.to_point()));
    }

    #[test]
    fn densify_keeps_vertices_and_limits_spacing() {
        let line = LineString::from(vec![(-10.0, 12.0), (-6.0, 14.0)]);
        let pts = densify_geodesic(&line, 5.0);
        assert_eq!(pts.first(), Some(&ll(-10.0, 12.0)));
        assert_eq!(pts.last(), Some(&ll(-6.0, 14.0)));
        for w in pts.windows(2) {
            assert!(geodesy::distance(w[0], w[1]).get() <= 5.0 + 1e-9);
        }
    }

    /// A long made-up border through a square "country": the band edge must follow the
    /// exact distance rule within tolerance, and points just inside / outside agree.
    #[test]
    fn band_edge_is_within_tolerance_of_the_width() {
        let border = MultiLineString::new(vec![LineString::from(vec![
            (-12.0, 11.0),
            (-10.0, 11.8),
            (-9.0, 10.6),
            (-6.5, 11.4),
        ])]);
        let country = MultiPolygon::new(vec![Polygon::new(
            LineString::from(vec![
                (-13.0, 10.0),
                (-5.0, 10.0),
                (-5.0, 15.0),
                (-13.0, 15.0),
                (-13.0, 10.0),
            ]),
            vec![],
        )]);
        let width = Km::new(50.0).unwrap();
        let band = band_polygon(&border, width, &country);
        assert!(band.is_valid(), "{:?}", band.validation_errors());
        let index = PolylineIndex::new(&border).unwrap();
        let err = band_edge_error(&band, &index, width, &country);
        assert!(err < BAND_TOLERANCE, "edge error {err}");
        assert!(
            err < 0.001,
            "edge error {err} (expected far below tolerance)"
        );
        for p in band.iter().map(|p| p.exterior()) {
            assert!(p.is_ccw());
        }
        // Sample across the band: membership by polygon equals membership by distance,
        // except within 0.5 % of the edge.
        for i in 0..40 {
            for j in 0..25 {
                let p = ll(-12.9 + 0.2 * i as f64, 10.05 + 0.2 * j as f64);
                let d = index.nearest(p).distance.get();
                if (d - 50.0).abs() < 0.25 {
                    continue;
                }
                assert_eq!(band.contains(&p.to_point()), d <= 50.0, "{p}: {d} km");
            }
        }
    }
}
