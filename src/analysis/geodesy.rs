//! Distances and positions on the WGS84 ellipsoid (Karney's algorithms, via
//! geographiclib-rs). Never degrees, never a planar buffer on lon/lat.

use std::sync::LazyLock;

use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};

use crate::units::{Km, LonLat};

static WGS84: LazyLock<Geodesic> = LazyLock::new(Geodesic::wgs84);

/// Mean Earth radius, used only to steer iterations; results are always measured with
/// the exact ellipsoidal solution.
const MEAN_RADIUS_M: f64 = 6_371_008.8;

/// Geodesic distance between two points.
pub fn distance(a: LonLat, b: LonLat) -> Km {
    let s: f64 = WGS84.inverse(a.lat(), a.lon(), b.lat(), b.lon());
    Km::from_metres(s).expect("geodesic distances are finite and non-negative")
}

/// Geodesic distance in metres and the forward azimuths (degrees) at both ends.
pub fn inverse(a: LonLat, b: LonLat) -> (f64, f64, f64) {
    let (s, azi1, azi2, _a12): (f64, f64, f64, f64) =
        WGS84.inverse(a.lat(), a.lon(), b.lat(), b.lon());
    (s, azi1, azi2)
}

/// The point reached from `from` along `azimuth_deg` (clockwise from north) after
/// `metres`, and the forward azimuth there.
pub fn direct(from: LonLat, azimuth_deg: f64, metres: f64) -> (LonLat, f64) {
    let (lat, lon, azi2): (f64, f64, f64) =
        WGS84.direct(from.lat(), from.lon(), azimuth_deg, metres);
    let lon = normalise_lon(lon);
    (
        LonLat::new(lon, lat.clamp(-90.0, 90.0)).expect("direct problem returns a valid position"),
        azi2,
    )
}

/// The point `dist` from `from` along `azimuth_deg`.
pub fn destination(from: LonLat, azimuth_deg: f64, dist: Km) -> LonLat {
    direct(from, azimuth_deg, dist.metres()).0
}

fn normalise_lon(lon: f64) -> f64 {
    let mut l = lon % 360.0;
    if l > 180.0 {
        l -= 360.0;
    } else if l < -180.0 {
        l += 360.0;
    }
    l
}

/// Smallest principal radius of curvature of WGS84: the meridional radius at the equator,
/// a(1 − e²), in metres.
const MIN_CURVATURE_RADIUS_M: f64 = 6_335_439.327;
/// Largest principal radius of curvature of WGS84: at the poles, a²/b, in metres.
const MAX_CURVATURE_RADIUS_M: f64 = 6_399_593.626;
/// Relative slack for rounding in the bounds (far above f64 error, far below anything
/// that matters for a threshold).
const BOUND_SLACK: f64 = 1e-9;

/// Central angle (radians) between the points with the same longitude and latitude on a
/// unit sphere (haversine form, accurate for small angles).
pub fn central_angle(a: LonLat, b: LonLat) -> f64 {
    let (pa, pb) = (a.lat().to_radians(), b.lat().to_radians());
    let dphi = pb - pa;
    let dlam = (b.lon() - a.lon()).to_radians();
    let h = (0.5 * dphi).sin().powi(2) + pa.cos() * pb.cos() * (0.5 * dlam).sin().powi(2);
    2.0 * h.sqrt().min(1.0).asin()
}

/// Guaranteed bounds (metres) on the geodesic distance between two points whose central
/// angle on the unit sphere (same longitude and latitude) is `angle`.
///
/// In geodetic coordinates the ellipsoid's line element is ds² = M²dφ² + N²cos²φ dλ² and
/// the unit sphere's is dφ² + cos²φ dλ², so every curve is between min(M, N) and
/// max(M, N) times longer on the ellipsoid than on the sphere. The shortest path on one
/// is at least that factor times the shortest on the other, which bounds the geodesic
/// between a(1 − e²)·angle and (a²/b)·angle: within 0.5 %, from a few trigonometric
/// calls instead of Karney's inverse solution.
pub fn distance_bounds_of_angle(angle: f64) -> (f64, f64) {
    (
        MIN_CURVATURE_RADIUS_M * angle * (1.0 - BOUND_SLACK),
        MAX_CURVATURE_RADIUS_M * angle * (1.0 + BOUND_SLACK) + 1e-6,
    )
}

/// [`distance_bounds_of_angle`] for two points.
pub fn distance_bounds(a: LonLat, b: LonLat) -> (f64, f64) {
    distance_bounds_of_angle(central_angle(a, b))
}

/// Is `distance(a, b) <= limit`, decided from [`distance_bounds`] when they are on one
/// side of the limit and by the exact inverse solution only in between. Same answer as
/// comparing [`distance`] with `limit` (the exact value is compared in km, as
/// [`distance`] returns it).
pub fn within(a: LonLat, b: LonLat, limit: Km) -> bool {
    let (lo, hi) = distance_bounds(a, b);
    if lo > limit.metres() {
        false
    } else if hi <= limit.metres() {
        true
    } else {
        distance(a, b).get() <= limit.get()
    }
}

/// Metres per degree of latitude at the equator, a(1 − e²)·π/180 rounded down: the
/// smallest on the WGS84 ellipsoid.
pub(crate) const MIN_M_PER_DEG_LAT: f64 = 110_574.0;
/// Metres per degree of longitude on the equator, a·π/180 rounded down (the prime
/// vertical radius is at least a).
pub(crate) const MIN_M_PER_DEG_LON_EQ: f64 = 111_319.0;

/// Half-height and half-width (degrees) of a lon/lat box around a point at latitude
/// `lat` that holds every point within `metres` of it. A path of length d moves at most
/// d / 110.574 km degrees of latitude, and at most d / (111.319 km · cos φ_max) degrees
/// of longitude, φ_max being the highest latitude it can reach; the width is 360 (no
/// bound) when that is within a tenth of a degree of a pole.
pub fn reach_deg(lat: f64, metres: f64) -> (f64, f64) {
    let dlat = metres / MIN_M_PER_DEG_LAT;
    let lat_max = lat.abs() + dlat;
    let dlon = if lat_max < 89.9 {
        (metres / (MIN_M_PER_DEG_LON_EQ * lat_max.to_radians().cos())).min(360.0)
    } else {
        360.0
    };
    (dlat, dlon)
}

/// "Within `radius` of `centre`?" for many points: [`within`], after two cheap tests
/// that decide most points with a few multiplications. The box of [`reach_deg`] around
/// the disc rejects far points: outside it the distance is more than the radius. A
/// diamond inside the disc accepts near ones: from the centre along its parallel to the
/// point's longitude, then along that meridian to the point, is a path on the ellipsoid
/// of length N(φc)·cos φc·Δλ + ∫M dφ ≤ (a²/b)·(cos φc·Δλ + Δφ) (N and M are at most a²/b),
/// and the geodesic is no longer than any path. Either way the answer is [`within`]'s.
#[derive(Debug, Clone, Copy)]
pub struct Disc {
    centre: LonLat,
    radius: Km,
    /// Half-height and half-width of the box, degrees.
    dlat: f64,
    dlon: f64,
    /// Upper bounds on the metres per degree of the path's two legs (latitude, then
    /// longitude along the centre's parallel), and the length a path may have to be
    /// surely within.
    m_per_deg_lat: f64,
    m_per_deg_lon: f64,
    inner_m: f64,
}

impl Disc {
    pub fn new(centre: LonLat, radius: Km) -> Self {
        let (dlat, dlon) = reach_deg(centre.lat(), radius.metres());
        let per_deg = MAX_CURVATURE_RADIUS_M * std::f64::consts::PI / 180.0 * (1.0 + BOUND_SLACK);
        Disc {
            centre,
            radius,
            dlat,
            dlon,
            m_per_deg_lat: per_deg,
            m_per_deg_lon: per_deg * centre.lat().to_radians().cos().abs() * (1.0 + BOUND_SLACK),
            inner_m: radius.metres() * (1.0 - BOUND_SLACK),
        }
    }

    pub fn contains(&self, p: LonLat) -> bool {
        let dlat = (p.lat() - self.centre.lat()).abs();
        if dlat > self.dlat {
            return false;
        }
        // Longitudes compared the short way round the antimeridian.
        let dlon = (p.lon() - self.centre.lon()).rem_euclid(360.0);
        let dlon = dlon.min(360.0 - dlon);
        if dlon > self.dlon {
            return false;
        }
        if dlat * self.m_per_deg_lat + dlon * self.m_per_deg_lon <= self.inner_m {
            return true;
        }
        within(self.centre, p, self.radius)
    }
}

/// A geodesic segment with its length and starting azimuth precomputed, so distance
/// queries against many points pay for the A→B inverse problem once.
#[derive(Debug, Clone, Copy)]
pub struct GeodesicSegment {
    pub a: LonLat,
    pub b: LonLat,
    length_m: f64,
    azimuth_a: f64,
}

impl GeodesicSegment {
    pub fn new(a: LonLat, b: LonLat) -> Self {
        let (length_m, azimuth_a, _) = inverse(a, b);
        GeodesicSegment {
            a,
            b,
            length_m,
            azimuth_a,
        }
    }

    pub fn length(&self) -> Km {
        Km::from_metres(self.length_m).expect("finite")
    }

    /// The point at `s` metres from `a` along the segment and the azimuth there.
    fn at(&self, s: f64) -> (LonLat, f64) {
        direct(self.a, self.azimuth_a, s)
    }

    /// The exact minimum geodesic distance from `p` to any point of the segment (not
    /// only its ends), and the closest point.
    ///
    /// Hand-written because geographiclib has no point-to-geodesic distance. The foot
    /// of the perpendicular is found by iterating: at the current point X on the
    /// segment, solve X→P; if the geodesic to P leaves the segment at angle θ, the foot
    /// lies `atan(tan(d/R)·cos θ)·R` further along (exact on a sphere, and a contraction
    /// on the ellipsoid), clamped to the segment. Each step is measured with the exact
    /// ellipsoidal solution, so the returned distance is exact at the point found; the
    /// tests check it against brute-force sampling along the segment.
    pub fn distance_to(&self, p: LonLat) -> (Km, LonLat) {
        let (da, azi_a_p, _) = inverse(self.a, p);
        if self.length_m < 1e-3 {
            return (Km::from_metres(da).expect("finite"), self.a);
        }
        let (db, _, _) = inverse(self.b, p);
        // Start where the sphere says the foot is.
        let theta = (azi_a_p - self.azimuth_a).to_radians();
        let c = da / MEAN_RADIUS_M;
        let mut s = (MEAN_RADIUS_M * (c.tan() * theta.cos()).atan()).clamp(0.0, self.length_m);
        if !s.is_finite() {
            s = 0.5 * self.length_m;
        }
        let mut best = if da <= db { (da, self.a) } else { (db, self.b) };
        let mut clamped_at_end = 0;
        for _ in 0..30 {
            let (x, azi_x) = self.at(s);
            let (d, azi_x_p, _) = inverse(x, p);
            if d < best.0 {
                best = (d, x);
            }
            let theta = (azi_x_p - azi_x).to_radians();
            let c = d / MEAN_RADIUS_M;
            let step = MEAN_RADIUS_M * (c.tan() * theta.cos()).atan();
            let next = (s + step).clamp(0.0, self.length_m);
            if (next - s).abs() < 1e-4 || !step.is_finite() {
                break;
            }
            if next == 0.0 || next == self.length_m {
                clamped_at_end += 1;
                if clamped_at_end > 1 {
                    break;
                }
            }
            s = next;
        }
        (Km::from_metres(best.0).expect("finite"), best.1)
    }
}

/// Azimuthal equidistant projection centred on a point, computed with the exact
/// ellipsoidal geodesic (the same definition as PROJ's `+proj=aeqd` on WGS84): distances
/// and azimuths from the centre are exact, so a planar buffer of a short line in this
/// projection is a near-exact geodesic buffer close to the centre.
#[derive(Debug, Clone, Copy)]
pub struct Aeqd {
    centre: LonLat,
}

impl Aeqd {
    pub fn new(centre: LonLat) -> Self {
        Aeqd { centre }
    }

    pub fn centre(&self) -> LonLat {
        self.centre
    }

    /// Metres east and north of the centre.
    pub fn forward(&self, p: LonLat) -> (f64, f64) {
        let (s, azi, _) = inverse(self.centre, p);
        let a = azi.to_radians();
        (s * a.sin(), s * a.cos())
    }

    pub fn inverse(&self, x: f64, y: f64) -> LonLat {
        let s = x.hypot(y);
        if s == 0.0 {
            return self.centre;
        }
        let azi = x.atan2(y).to_degrees();
        direct(self.centre, azi, s).0
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat::new(lon, lat).unwrap()
    }

    /// Reference distances computed once with Karney's own GeographicLib (Python package
    /// `geographiclib` 2.x, `Geodesic.WGS84.Inverse`), town coordinates from
    /// boundaries/mali_places_geonames.geojson, Bamako as in DOMAIN.md.
    #[test]
    fn distances_match_geographiclib_reference_values() {
        let bamako = ll(-8.0029, 12.6392);
        let cases = [
            ("Ségou", ll(-6.25947, 13.44032), 208_842.219_734_181_4),
            ("Sikasso", ll(-5.66654, 11.31755), 293_461.759_215_467_2),
            ("Kayes", ll(-11.44393, 14.44776), 422_793.811_393_921_5),
            ("Kati", ll(-8.07257, 12.74409), 13_853.233_811_427_373),
        ];
        for (name, p, want) in cases {
            let got = distance(bamako, p).metres();
            assert!((got - want).abs() < 1e-6, "{name}: {got} vs {want}");
        }
        // Across the antimeridian (Fiji): must not go the long way round.
        let got = distance(ll(179.5, -16.5), ll(-179.5, -17.0)).metres();
        assert!((got - 120_128.104_350_240_4).abs() < 1e-6, "{got}");
    }

    /// Deterministic pseudo-random numbers in [0, 1) for the property tests (no extra
    /// crate: a 64-bit linear congruential generator, high bits).
    pub(crate) fn unit_stream(seed: u64) -> impl FnMut() -> f64 {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        move || {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn bounds_hold_for_random_pairs_near_and_far() {
        let mut u = unit_stream(3);
        for i in 0..20_000 {
            let a = ll(-180.0 + 360.0 * u(), -85.0 + 170.0 * u());
            // Half the pairs close (up to ~300 km), half anywhere.
            let b = if i % 2 == 0 {
                destination(a, 360.0 * u(), Km::new(300.0 * u()).unwrap())
            } else {
                ll(-180.0 + 360.0 * u(), -85.0 + 170.0 * u())
            };
            let d = distance(a, b).metres();
            let (lo, hi) = distance_bounds(a, b);
            assert!(lo <= d && d <= hi, "{a} {b}: {lo} <= {d} <= {hi}");
            assert!(hi - lo <= 0.011 * d + 1e-5, "{a} {b}: bounds too loose");
        }
    }

    #[test]
    fn threshold_test_equals_exact_comparison_within_a_metre_of_the_limit() {
        let mut u = unit_stream(4);
        let limit = Km::new(150.0).unwrap();
        for _ in 0..5_000 {
            let c = ll(-20.0 + 40.0 * u(), -30.0 + 60.0 * u());
            // Up to 1 m either side of the limit, and anywhere up to 400 km.
            let metres = if u() < 0.5 {
                limit.metres() + 2.0 * u() - 1.0
            } else {
                400_000.0 * u()
            };
            let p = destination(c, 360.0 * u(), Km::from_metres(metres).unwrap());
            assert_eq!(
                within(c, p, limit),
                distance(c, p).get() <= limit.get(),
                "{c} {p}"
            );
        }
    }

    #[test]
    fn disc_equals_the_threshold_test() {
        let mut u = unit_stream(5);
        for radius_km in [150.0, 5.0, 2000.0] {
            let radius = Km::new(radius_km).unwrap();
            for _ in 0..5_000 {
                let c = ll(-179.0 + 358.0 * u(), -85.0 + 170.0 * u());
                let disc = Disc::new(c, radius);
                let metres = match u() {
                    x if x < 0.4 => radius.metres() + 2.0 * u() - 1.0,
                    // Near the diamond's edge along a parallel or meridian, where its
                    // bound is tightest.
                    x if x < 0.6 => radius.metres() * (0.99 + 0.02 * u()),
                    _ => 3.0 * radius.metres() * u(),
                };
                let azimuth = if u() < 0.3 {
                    90.0 * (4.0 * u()).floor()
                } else {
                    360.0 * u()
                };
                let p = destination(c, azimuth, Km::from_metres(metres).unwrap());
                assert_eq!(disc.contains(p), within(c, p, radius), "{c} {p}");
            }
        }
    }

    #[test]
    fn direct_then_inverse_round_trips() {
        let bamako = ll(-8.0029, 12.6392);
        for az in [0.0, 37.0, 90.0, 181.0, 275.5] {
            let p = destination(bamako, az, Km::new(150.0).unwrap());
            let d = distance(bamako, p).get();
            assert!((d - 150.0).abs() < 1e-9, "{az}: {d}");
        }
    }

    #[test]
    fn antimeridian_destination_is_normalised() {
        let (p, _) = direct(ll(179.9, 0.0), 90.0, 50_000.0);
        assert!(p.lon() < -179.0, "{}", p.lon());
    }

    /// Minimum over dense samples along the segment: the slow, obviously right answer.
    fn brute_force(seg: &GeodesicSegment, p: LonLat) -> f64 {
        let n = 20_000;
        (0..=n)
            .map(|i| {
                let (x, _) = seg.at(seg.length_m * i as f64 / n as f64);
                inverse(x, p).0
            })
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn segment_distance_matches_brute_force_mid_segment_and_at_ends() {
        // A long segment, so the foot of the perpendicular is far from both vertices.
        let seg = GeodesicSegment::new(ll(-11.0, 12.0), ll(-9.0, 13.5));
        for p in [
            ll(-10.2, 12.2), // south of the middle
            ll(-9.7, 13.6),  // north of the middle
            ll(-11.5, 11.5), // beyond A: nearest is A
            ll(-8.5, 14.0),  // beyond B: nearest is B
            ll(-10.0, 12.75),
        ] {
            let (d, _) = seg.distance_to(p);
            let bf = brute_force(&seg, p);
            // Brute force samples every ~13 m, so it can only overestimate, by < 1 mm
            // near the minimum (quadratic there).
            assert!(d.metres() <= bf + 1e-6, "{p}: {} > {bf}", d.metres());
            assert!(bf - d.metres() < 0.01, "{p}: {} vs {bf}", d.metres());
        }
    }

    #[test]
    fn segment_distance_is_smaller_than_vertex_distance_mid_segment() {
        let a = ll(-10.0, 12.0);
        let b = ll(-10.0, 13.0);
        let seg = GeodesicSegment::new(a, b);
        let p = ll(-9.5, 12.5);
        let (d, foot) = seg.distance_to(p);
        assert!(d.get() < distance(a, p).get() - 10.0);
        assert!((foot.lat() - 12.5).abs() < 0.01, "{foot}");
    }

    #[test]
    fn aeqd_is_exact_from_centre_and_round_trips() {
        let proj = Aeqd::new(ll(-8.0, 12.6));
        let p = ll(-7.1, 13.2);
        let (x, y) = proj.forward(p);
        let d = distance(proj.centre(), p).metres();
        assert!((x.hypot(y) - d).abs() < 1e-6);
        let back = proj.inverse(x, y);
        assert!((back.lon() - p.lon()).abs() < 1e-10 && (back.lat() - p.lat()).abs() < 1e-10);
    }
}
