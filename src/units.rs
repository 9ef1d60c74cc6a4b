//! Units in types, so kilometres, degrees and positions cannot be confused.
//!
//! Constructors validate: a [`LonLat`] is always within WGS84 ranges, a [`Km`] is always
//! finite and non-negative.

use std::fmt;

/// A WGS84 position in degrees, longitude first (the GeoJSON / RFC 7946 order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLat {
    lon: f64,
    lat: f64,
}

impl LonLat {
    /// Returns `None` unless -180 <= lon <= 180 and -90 <= lat <= 90 (and both finite).
    pub fn new(lon: f64, lat: f64) -> Option<Self> {
        ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat))
            .then_some(LonLat { lon, lat })
    }

    /// The position of a geo coordinate (x = longitude, y = latitude), if in range.
    pub fn from_coord(c: geo::Coord<f64>) -> Option<Self> {
        LonLat::new(c.x, c.y)
    }

    /// Both ends of a segment, if both are valid positions.
    pub fn segment(seg: &geo::Line<f64>) -> Option<(Self, Self)> {
        Some((Self::from_coord(seg.start)?, Self::from_coord(seg.end)?))
    }

    pub fn lon(self) -> f64 {
        self.lon
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn to_point(self) -> geo::Point<f64> {
        geo::Point::new(self.lon, self.lat)
    }

    pub fn to_coord(self) -> geo::Coord<f64> {
        geo::coord! { x: self.lon, y: self.lat }
    }
}

impl fmt::Display for LonLat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({:.5}, {:.5})", self.lon, self.lat)
    }
}

/// The distinct positions among `points`, in first-seen order, and for each point the
/// index of its position in that list. Events repeat positions (ACLED geocodes to named
/// places), so per-position work (point-in-polygon, geodesic distances) is done once per
/// place instead of once per event.
pub fn distinct_positions(points: &[LonLat]) -> (Vec<LonLat>, Vec<u32>) {
    let mut slot_of: rustc_hash::FxHashMap<(u64, u64), u32> = Default::default();
    let mut distinct = Vec::new();
    let slots = points
        .iter()
        .map(|p| {
            *slot_of
                .entry((p.lon.to_bits(), p.lat.to_bits()))
                .or_insert_with(|| {
                    distinct.push(*p);
                    (distinct.len() - 1) as u32
                })
        })
        .collect();
    (distinct, slots)
}

/// A distance in kilometres on the WGS84 ellipsoid.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Km(f64);

impl Km {
    /// Returns `None` for negative, NaN or infinite values.
    pub fn new(km: f64) -> Option<Self> {
        (km.is_finite() && km >= 0.0).then_some(Km(km))
    }

    pub fn from_metres(m: f64) -> Option<Self> {
        Km::new(m / 1000.0)
    }

    pub fn get(self) -> f64 {
        self.0
    }

    pub fn metres(self) -> f64 {
        self.0 * 1000.0
    }
}

impl fmt::Display for Km {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} km", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lonlat_rejects_out_of_range_and_nan() {
        assert!(LonLat::new(-8.0, 12.6).is_some());
        assert!(LonLat::new(180.0, -90.0).is_some());
        assert!(LonLat::new(181.0, 0.0).is_none());
        assert!(LonLat::new(0.0, 90.5).is_none());
        assert!(LonLat::new(f64::NAN, 0.0).is_none());
    }

    #[test]
    fn distinct_positions_in_first_seen_order() {
        let a = LonLat::new(-8.0, 12.6).unwrap();
        let b = LonLat::new(-4.2, 14.5).unwrap();
        let (d, slots) = distinct_positions(&[b, a, b, b, a]);
        assert_eq!(d, vec![b, a]);
        assert_eq!(slots, vec![0, 1, 0, 0, 1]);
    }

    #[test]
    fn km_rejects_negative_and_non_finite() {
        assert_eq!(Km::new(150.0).unwrap().metres(), 150_000.0);
        assert!(Km::new(-1.0).is_none());
        assert!(Km::new(f64::INFINITY).is_none());
        assert_eq!(Km::from_metres(50_000.0).unwrap().get(), 50.0);
    }
}
