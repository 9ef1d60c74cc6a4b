//! Exact geodesic distance from a point to a set of polylines (e.g. a border), found
//! through an R-tree.
//!
//! The tree holds the segments in scaled degrees (x = lon·cos φ_ref, y = lat). On the
//! ellipsoid, a degree of latitude is at least 110.574 km and a scaled degree of
//! longitude is at least 111.319·cos φ / cos φ_ref km, so `K × (scaled distance)` is a
//! lower bound of the geodesic distance. Candidates are visited nearest first and pruned
//! once that bound (or the bound from their end points) exceeds the best exact distance
//! found; each survivor's true minimum along the segment is then solved on the ellipsoid
//! (see [`GeodesicSegment::distance_to`]). The result is the exact minimum, not the
//! distance to the nearest vertex.
//!
//! Threshold tests ([`PolylineIndex::within`]) first try cheap guaranteed bounds (the tree
//! bound, and [`geodesy::distance_bounds`] to segment ends): most points are decided
//! without any inverse solution, and only points whose bounds straddle the limit pay for
//! [`PolylineIndex::nearest`].

use geo::MultiLineString;
use rstar::primitives::{GeomWithData, Line};
use rstar::{AABB, Envelope, PointDistance, RTree};

use super::geodesy::{self, GeodesicSegment, MIN_M_PER_DEG_LAT, MIN_M_PER_DEG_LON_EQ};
use super::local_metric::LocalMetric;
use crate::units::{Km, LonLat};
/// Smallest radius of curvature of WGS84 (meridional, at the equator), metres.
const MIN_RADIUS_M: f64 = 6_335_439.0;
/// Margin (degrees) on the latitude range a geodesic may reach between two points.
const LAT_MARGIN_DEG: f64 = 3.0;

type Entry = GeomWithData<Line<[f64; 2]>, usize>;

/// Distances to one set of polylines.
#[derive(Debug)]
pub struct PolylineIndex {
    tree: RTree<Entry>,
    segments: Vec<GeodesicSegment>,
    /// cos of the reference latitude used to scale longitudes in the tree.
    cos_ref: f64,
    lat_ref: f64,
    /// Metres by which a segment's geodesic may stray from its straight line in the tree
    /// (a bound, with a factor 2 and a metre to spare), taken off the tree bound in
    /// threshold tests.
    bulge_m: f64,
}

/// The nearest point of the polylines to a query point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nearest {
    pub distance: Km,
    pub point: LonLat,
}

impl PolylineIndex {
    /// Returns `None` if the lines have no segment.
    pub fn new(lines: &MultiLineString<f64>) -> Option<Self> {
        let lat_ref = lines
            .iter()
            .flat_map(|l| l.coords())
            .map(|c| c.y.abs())
            .fold(0.0_f64, f64::max);
        let lat_ref = (lat_ref + LAT_MARGIN_DEG).min(89.0);
        let cos_ref = lat_ref.to_radians().cos();
        let mut segments = Vec::new();
        let mut entries = Vec::new();
        for line in lines {
            for seg in line.lines() {
                let Some((a, b)) = LonLat::segment(&seg) else {
                    continue;
                };
                if a == b {
                    continue;
                }
                let idx = segments.len();
                segments.push(GeodesicSegment::new(a, b));
                entries.push(GeomWithData::new(
                    Line::new([a.lon() * cos_ref, a.lat()], [b.lon() * cos_ref, b.lat()]),
                    idx,
                ));
            }
        }
        if segments.is_empty() {
            return None;
        }
        // On a sphere of radius R a geodesic of length L at latitude φ strays from the
        // straight line in longitude/latitude by about L²·tan φ / (8R).
        let tan = lat_ref.to_radians().tan() + 1.0;
        let bulge_m = segments
            .iter()
            .map(|s| s.length().metres().powi(2) * tan / (4.0 * MIN_RADIUS_M))
            .fold(0.0, f64::max)
            + 1.0;
        Some(PolylineIndex {
            tree: RTree::bulk_load(entries),
            segments,
            cos_ref,
            lat_ref,
            bulge_m,
        })
    }

    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// South-west and north-east corners of the box of the segments' ends.
    pub fn bounds(&self) -> (LonLat, LonLat) {
        let ends = self.segments.iter().flat_map(|s| [s.a, s.b]);
        let (mut w, mut s, mut e, mut n) = (180.0_f64, 90.0_f64, -180.0_f64, -90.0_f64);
        for p in ends {
            (w, e) = (w.min(p.lon()), e.max(p.lon()));
            (s, n) = (s.min(p.lat()), n.max(p.lat()));
        }
        let corner = |lon, lat| LonLat::new(lon, lat).expect("segment ends are valid");
        (corner(w, s), corner(e, n))
    }

    /// Metres of geodesic distance per unit of scaled-degree distance, at least, for
    /// paths from `p`.
    fn bound_factor(&self, p: LonLat) -> f64 {
        let lat_hi = (p.lat().abs() + LAT_MARGIN_DEG).max(self.lat_ref).min(89.9);
        MIN_M_PER_DEG_LAT.min(MIN_M_PER_DEG_LON_EQ * lat_hi.to_radians().cos() / self.cos_ref)
    }

    /// Visits candidate segments nearest first; `visit` gets the lower bound (metres)
    /// and the segment, and returns false to stop.
    fn search(&self, p: LonLat, mut visit: impl FnMut(f64, &GeodesicSegment) -> bool) {
        let k = self.bound_factor(p);
        let q = [p.lon() * self.cos_ref, p.lat()];
        for (entry, d2) in self.tree.nearest_neighbor_iter_with_distance_2(&q) {
            if !visit(k * d2.sqrt(), &self.segments[entry.data]) {
                break;
            }
        }
    }

    /// The exact nearest point of the polylines and its geodesic distance.
    pub fn nearest(&self, p: LonLat) -> Nearest {
        let mut best = f64::INFINITY;
        let mut best_point = p;
        self.search(p, |bound, seg| {
            if bound > best {
                return false;
            }
            // A bound from the segment's end points without any inverse solution: no
            // point of the segment is nearer than the nearer end less half its length.
            if end_bounds(seg, p).0 - 0.5 * seg.length().metres() >= best {
                return true;
            }
            // Cheap second bound from the segment's end points (triangle inequality)
            // before solving for the interior minimum.
            let da = geodesy::distance(seg.a, p).metres();
            let db = geodesy::distance(seg.b, p).metres();
            let (d_end, end) = if da <= db { (da, seg.a) } else { (db, seg.b) };
            if d_end < best {
                best = d_end;
                best_point = end;
            }
            if d_end - 0.5 * seg.length().metres() < best {
                let (d, x) = seg.distance_to(p);
                if d.metres() < best {
                    best = d.metres();
                    best_point = x;
                }
            }
            true
        });
        Nearest {
            distance: Km::from_metres(best).expect("an index has at least one segment"),
            point: best_point,
        }
    }

    /// True if the nearest point of the polylines is within `limit` of `p` (boundary
    /// included): the same answer as comparing [`nearest`](Self::nearest)'s distance
    /// with `limit` in km, which it computes only for points that [`Self::decide`]
    /// leaves open.
    pub fn within(&self, p: LonLat, limit: Km) -> bool {
        self.decide(p, limit)
            .unwrap_or_else(|| self.nearest(p).distance.get() <= limit.get())
    }

    /// A lon/lat box [west, south, east, north] outside which [`Self::decide`] finds
    /// no candidate for `limit`, so answers `Some(false)`: the segments' box widened by
    /// the widest window any point's test can have (latitude reach is the same for every
    /// point; longitude reach is largest at the highest latitude a window can touch).
    pub fn reach_box(&self, limit: Km) -> [f64; 4] {
        let (min, max) = self.bounds();
        let reach = limit.metres() + self.bulge_m;
        let (dlat, _) = geodesy::reach_deg(0.0, reach);
        let (south, north) = (min.lat() - dlat, max.lat() + dlat);
        let (_, dlon) = geodesy::reach_deg(south.abs().max(north.abs()), reach);
        // A hair wider, against rounding where the tree compares scaled longitudes.
        let spare = 1e-9;
        [
            min.lon() - dlon - spare,
            south - spare,
            max.lon() + dlon + spare,
            north + spare,
        ]
    }

    /// Whether `p` is within `limit`, from guaranteed bounds only; `None` when they
    /// straddle the limit.
    ///
    /// Candidates are the segments whose box meets a box around `p` that holds every
    /// point within `limit` (plus `bulge_m`, [`geodesy::reach_deg`]). Per candidate,
    /// bounds on the distance to the segment from the ellipsoid's metric on the band of
    /// latitudes within reach ([`LocalMetric`]: within a fraction of a percent, so only
    /// points a few hundred metres from the limit stay open), or near the poles the
    /// sphere's bounds to the nearer end (less half the segment's length below: every
    /// point of a segment is within half its length of one end); below, also the tree
    /// bound (less `bulge_m`). A box query, unlike the nearest-first search, keeps no
    /// heap: most points meet no candidate at all.
    pub fn decide(&self, p: LonLat, limit: Km) -> Option<bool> {
        let limit = limit.metres();
        let (dlat, dlon) = geodesy::reach_deg(p.lat(), limit + self.bulge_m);
        let window = AABB::from_corners(
            [(p.lon() - dlon) * self.cos_ref, p.lat() - dlat],
            [(p.lon() + dlon) * self.cos_ref, p.lat() + dlat],
        );
        // Most points of a country are far from any one border: a window that misses
        // the box of all segments meets none of them, without walking the tree.
        if !window.intersects(&self.tree.root().envelope()) {
            return Some(false);
        }
        let k = self.bound_factor(p);
        let q = [p.lon() * self.cos_ref, p.lat()];
        let metric = LocalMetric::around(p, limit + self.bulge_m);
        let mut open = false;
        for entry in self.tree.locate_in_envelope_intersecting(&window) {
            let seg = &self.segments[entry.data];
            let (lo, hi) = match &metric {
                Some(m) => m.segment_bounds(seg.a, seg.b, self.bulge_m),
                None => {
                    let (lo, hi) = end_bounds(seg, p);
                    (lo - 0.5 * seg.length().metres(), hi)
                }
            };
            if hi <= limit {
                return Some(true);
            }
            if !open {
                let tree_bound = k * entry.geom().distance_2(&q).sqrt() - self.bulge_m;
                open = tree_bound.max(lo) <= limit;
            }
        }
        (!open).then_some(false)
    }
}

/// Guaranteed bounds (metres) on the geodesic distance from `p` to the nearer end of
/// `seg`.
fn end_bounds(seg: &GeodesicSegment, p: LonLat) -> (f64, f64) {
    geodesy::distance_bounds_of_angle(
        geodesy::central_angle(seg.a, p).min(geodesy::central_angle(seg.b, p)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, coord};

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat::new(lon, lat).unwrap()
    }

    fn zigzag() -> MultiLineString<f64> {
        MultiLineString::new(vec![LineString::new(vec![
            coord! {x: -12.0, y: 12.0},
            coord! {x: -11.0, y: 12.4},
            coord! {x: -10.5, y: 11.6},
            coord! {x: -9.0, y: 11.9},
        ])])
    }

    /// The slow, obviously correct answer: every segment solved exactly.
    fn exhaustive(lines: &MultiLineString<f64>, p: LonLat) -> f64 {
        lines
            .iter()
            .flat_map(|l| l.lines())
            .map(|s| {
                GeodesicSegment::new(ll(s.start.x, s.start.y), ll(s.end.x, s.end.y))
                    .distance_to(p)
                    .0
                    .metres()
            })
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn nearest_equals_exhaustive_search() {
        let lines = zigzag();
        let idx = PolylineIndex::new(&lines).unwrap();
        assert_eq!(idx.segment_count(), 3);
        for p in [
            ll(-11.3, 12.9),
            ll(-10.6, 11.0),
            ll(-8.0, 14.0),
            ll(-10.0, 12.5),
            ll(-12.5, 11.0),
            ll(5.0, 20.0),
        ] {
            let got = idx.nearest(p).distance.metres();
            let want = exhaustive(&lines, p);
            assert!((got - want).abs() < 1e-6, "{p}: {got} vs {want}");
        }
    }

    #[test]
    fn within_agrees_with_nearest_at_the_threshold() {
        let idx = PolylineIndex::new(&zigzag()).unwrap();
        let p = ll(-10.2, 12.5);
        let d = idx.nearest(p).distance;
        assert!(idx.within(p, d));
        assert!(idx.within(p, Km::new(d.get() + 0.001).unwrap()));
        assert!(!idx.within(p, Km::new(d.get() - 0.001).unwrap()));
    }

    use crate::analysis::geodesy::tests::unit_stream as stream;

    /// Random points near and far, and points within a metre of the limit (placed with
    /// the direct problem from their nearest border point): the bounded test gives the
    /// exhaustive answer, and decides most points without any exact distance.
    #[test]
    fn bounded_threshold_test_equals_exhaustive_search() {
        let lines = zigzag();
        let idx = PolylineIndex::new(&lines).unwrap();
        let mut u = stream(11);
        let limit = Km::new(50.0).unwrap();
        let (mut decided, mut total) = (0, 0);
        for i in 0..3_000 {
            let mut p = ll(-14.0 + 7.0 * u(), 9.5 + 5.0 * u());
            if i % 3 == 0 {
                // Within 1 m of the limit, on the side the draw says.
                let near = idx.nearest(p);
                if near.distance.metres() < 1.0 {
                    continue;
                }
                let (_, azi, _) = geodesy::inverse(near.point, p);
                let metres = limit.metres() + 2.0 * u() - 1.0;
                p = geodesy::direct(near.point, azi, metres).0;
            }
            let want = exhaustive(&lines, p) / 1000.0 <= limit.get();
            total += 1;
            if let Some(got) = idx.decide(p, limit) {
                decided += 1;
                assert_eq!(got, want, "{p}: decided wrongly");
            }
            let exact = idx.nearest(p).distance.get() <= limit.get();
            assert_eq!(idx.within(p, limit), exact, "{p}");
            if (exhaustive(&lines, p) - limit.metres()).abs() > 1e-6 {
                assert_eq!(exact, want, "{p}");
            }
        }
        // A third of the points sit within a metre of the limit: those stay open.
        assert!(
            decided * 10 >= total * 6,
            "only {decided} of {total} decided"
        );
    }

    #[test]
    fn empty_lines_give_no_index() {
        assert!(PolylineIndex::new(&MultiLineString::new(vec![])).is_none());
    }
}
