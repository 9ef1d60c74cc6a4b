//! Guaranteed bounds on geodesic distances from one point to nearby segments, from the
//! ellipsoid's metric on the band of latitudes the paths can reach: a few
//! multiplications and three trigonometric calls per segment, where Karney's inverse
//! solution costs about a microsecond and the sphere's bounds
//! ([`super::geodesy::distance_bounds`]) are 0.5 % loose either way.
//!
//! In geodetic coordinates the ellipsoid's line element is ds² = M²dφ² + N²cos²φ dλ²,
//! with the meridional radius M and the prime vertical radius N both growing with |φ|
//! and the parallel's radius N·cos φ shrinking with it. So:
//!
//! - **Lower bound.** On a band of latitudes, ds ≥ √((m·dφ)² + (n·dλ)²) with m the
//!   smallest M and n the smallest N·cos φ of the band: every path that stays in the
//!   band is at least as long as the straight line between its ends in that flat
//!   metric. A path of length at most `reach` from `p` stays within
//!   `reach / 110.574 km` degrees of `p`'s latitude, so for a limit up to `reach` the
//!   flat distance decides "farther than the limit" soundly: a point within the limit
//!   is joined to `p` by a geodesic inside the band.
//! - **Upper bound.** The straight line in longitude and latitude from `p` to a point
//!   `q` is a path of length at most √((M⁺·Δφ)² + ((N·cos φ)⁺·Δλ)²), the largest values
//!   taken on the latitudes between the two; the geodesic is no longer than it.
//!
//! A segment's geodesic strays from its straight line in longitude and latitude by at
//! most a known bulge (see [`super::polyline_index`]); the bounds to the geodesic
//! segment widen by it on both sides.

use super::geodesy::MIN_M_PER_DEG_LAT;
use crate::units::LonLat;

/// WGS84 semi-major axis (metres) and flattening (NIMA TR8350.2, table 3.1).
const A: f64 = 6_378_137.0;
const F: f64 = 1.0 / 298.257_223_563;
/// First eccentricity squared.
const E2: f64 = F * (2.0 - F);
/// Relative slack for rounding (far above f64 error, far below anything that matters).
const SLACK: f64 = 1e-9;
/// No bounds for bands reaching this close to a pole (the parallels shrink to nothing).
const MAX_LAT: f64 = 89.9;

/// The meridional and prime vertical radii of curvature (metres) at latitude `lat`
/// (degrees).
fn radii(lat: f64) -> (f64, f64) {
    let s = lat.to_radians().sin();
    let w2 = 1.0 - E2 * s * s;
    let n = A / w2.sqrt();
    (n * (1.0 - E2) / w2, n)
}

/// Metres per degree of latitude (M) at least, and of longitude (N·cos φ) at most,
/// over the latitudes between `lo` and `hi` (absolute values, degrees, `lo <= hi`).
fn widest(lo: f64, hi: f64) -> (f64, f64) {
    let (m_hi, _) = radii(hi);
    let (_, n_lo) = radii(lo);
    let per_deg = std::f64::consts::PI / 180.0;
    (m_hi * per_deg, n_lo * lo.to_radians().cos() * per_deg)
}

/// The flat metric below the ellipsoid's around a point (see the module documentation).
#[derive(Debug, Clone, Copy)]
pub struct LocalMetric {
    p: LonLat,
    /// Metres per degree of latitude and of longitude, at most the ellipsoid's on the
    /// band.
    m_lat: f64,
    m_lon: f64,
}

impl LocalMetric {
    /// The metric for paths of at most `reach_m` metres from `p`; `None` when their band
    /// of latitudes comes near a pole.
    pub fn around(p: LonLat, reach_m: f64) -> Option<LocalMetric> {
        let dlat = reach_m / MIN_M_PER_DEG_LAT;
        let lat = p.lat().abs();
        let (lo, hi) = ((lat - dlat).max(0.0), lat + dlat);
        if hi.is_nan() || hi >= MAX_LAT {
            return None;
        }
        let per_deg = std::f64::consts::PI / 180.0;
        let (m_lo, _) = radii(lo);
        let (_, n_hi) = radii(hi);
        Some(LocalMetric {
            p,
            m_lat: m_lo * per_deg * (1.0 - SLACK),
            m_lon: n_hi * hi.to_radians().cos() * per_deg * (1.0 - SLACK),
        })
    }

    /// Bounds (metres) on the geodesic distance from the point to the geodesic segment
    /// from `a` to `b`, which strays at most `bulge_m` from the straight line between
    /// them in longitude and latitude. The lower bound holds for deciding "farther than
    /// a limit" for limits up to the reach the metric was made for, less `bulge_m`; the
    /// upper bound always holds.
    pub fn segment_bounds(&self, a: LonLat, b: LonLat, bulge_m: f64) -> (f64, f64) {
        let p = self.p;
        // The segment in the flat metric's metres, from the point.
        let (ax, ay) = (
            (a.lon() - p.lon()) * self.m_lon,
            (a.lat() - p.lat()) * self.m_lat,
        );
        let (dx, dy) = (
            (b.lon() - a.lon()) * self.m_lon,
            (b.lat() - a.lat()) * self.m_lat,
        );
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        // Square roots rather than `hypot`: glibc's is correctly rounded and several
        // times slower, and these values are far from overflow, within the slack.
        let (qx, qy) = (ax + t * dx, ay + t * dy);
        let lower = (qx * qx + qy * qy).sqrt() * (1.0 - SLACK) - bulge_m;
        // Straight lines in longitude and latitude from the point: to the segment's
        // nearest point in the flat metric (any point of the segment would do), plus the
        // bulge; and to each end, which lies on the geodesic itself (so a point on a
        // vertex is decided within any limit). One conservative metric for all three:
        // the largest radii over the latitudes of the point and both ends.
        let (q_lat, q_lon) = (
            a.lat() + t * (b.lat() - a.lat()),
            a.lon() + t * (b.lon() - a.lon()),
        );
        let lats = [p.lat(), a.lat(), b.lat()];
        let (lo, hi) = if lats.iter().all(|&l| l >= 0.0) || lats.iter().all(|&l| l <= 0.0) {
            let abs = lats.map(f64::abs);
            (
                abs[0].min(abs[1]).min(abs[2]),
                abs[0].max(abs[1]).max(abs[2]),
            )
        } else {
            (0.0, lats.iter().fold(0.0_f64, |m, l| m.max(l.abs())))
        };
        let (m, n) = widest(lo, hi);
        let straight = |lat: f64, lon: f64| {
            let (y, x) = (m * (lat - p.lat()), n * (lon - p.lon()));
            (x * x + y * y).sqrt() * (1.0 + SLACK) + 1e-6
        };
        let upper = (straight(q_lat, q_lon) + bulge_m)
            .min(straight(a.lat(), a.lon()))
            .min(straight(b.lat(), b.lon()));
        (lower, upper)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::geodesy::tests::unit_stream as stream;
    use crate::analysis::geodesy::{self, GeodesicSegment};

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat::new(lon, lat).unwrap()
    }

    #[test]
    fn radii_are_wgs84s() {
        // At the equator M = a(1 − e²) and N = a; at the poles both are a²/b.
        let (m, n) = radii(0.0);
        assert!((m - 6_335_439.327).abs() < 1e-3, "{m}");
        assert!((n - A).abs() < 1e-6);
        let (m, n) = radii(90.0);
        assert!((m - 6_399_593.626).abs() < 1e-3, "{m}");
        assert!((n - 6_399_593.626).abs() < 1e-3, "{n}");
    }

    /// Random points and short segments over Mali's latitudes and far beyond (south of
    /// the equator, high north, about the equator): the exact distance to the geodesic
    /// segment lies between the bounds whenever it is within the reach, and at Mali's
    /// latitudes the bounds are within 0.6 % of each other, against 1 % for the sphere's.
    #[test]
    fn bounds_hold_around_exact_distances() {
        let mut u = stream(7);
        let reach = 60_000.0;
        let (mut widest_gap, mut checked): (f64, usize) = (0.0, 0);
        for i in 0..4_000 {
            let lat0 = match i % 4 {
                0 => 5.0 + 20.0 * u(),
                1 => -40.0 + 30.0 * u(),
                2 => 55.0 + 20.0 * u(),
                _ => -0.5 + u(),
            };
            let lon0 = -20.0 + 40.0 * u();
            let p = ll(lon0, lat0);
            let a = ll(lon0 + 1.2 * (u() - 0.5), lat0 + 0.9 * (u() - 0.5));
            let b = ll(a.lon() + 0.3 * (u() - 0.5), a.lat() + 0.3 * (u() - 0.5));
            let seg = GeodesicSegment::new(a, b);
            // The bulge as the polyline index takes it, for this segment.
            let tan = p.lat().abs().max(a.lat().abs()).to_radians().tan() + 1.0;
            let bulge = seg.length().metres().powi(2) * tan / (4.0 * 6_335_439.0) + 1.0;
            let exact = seg.distance_to(p).0.metres();
            let metric = LocalMetric::around(p, reach).expect("away from the poles");
            let (lo, hi) = metric.segment_bounds(a, b, bulge);
            assert!(exact <= hi, "{p} to {a}-{b}: {exact} > upper {hi}");
            if exact <= reach - bulge {
                checked += 1;
                assert!(lo <= exact, "{p} to {a}-{b}: {exact} < lower {lo}");
                if i % 4 == 0 && exact > 10_000.0 {
                    widest_gap = widest_gap.max((hi - lo - 2.0 * bulge) / exact);
                }
            }
        }
        assert!(checked > 1_000, "{checked}");
        assert!(widest_gap < 0.006, "{widest_gap}");
        let p = ll(-7.0, 12.5);
        let (a, b) = (ll(-6.5, 12.6), ll(-6.45, 12.9));
        let exact = GeodesicSegment::new(a, b).distance_to(p).0.metres();
        let (slo, shi) = geodesy::distance_bounds(p, a);
        assert!((shi - slo) / exact > 0.009);
    }

    #[test]
    fn no_metric_near_the_poles() {
        assert!(LocalMetric::around(ll(0.0, 89.5), 60_000.0).is_none());
        assert!(LocalMetric::around(ll(0.0, -89.5), 60_000.0).is_none());
        assert!(LocalMetric::around(ll(0.0, 88.0), 60_000.0).is_some());
    }
}
