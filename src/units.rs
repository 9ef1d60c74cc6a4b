//! Units in types, so kilometres, degrees and positions cannot be confused.
//!
//! Constructors validate: a [`LonLat`] is always within WGS84 ranges, a [`Km`] is always
//! finite and non-negative.

use std::fmt;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

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

/// Items (events) by place: positions in first-seen order, and per item the index of
/// its position among them. Events repeat positions (ACLED geocodes to named places),
/// so per-position work (point-in-polygon, geodesic distances) is done once per place
/// instead of once per event.
///
/// When every item is its own place ([`Slots::Identity`]) no copy of the positions is
/// kept: the items' own positions are the places' (see [`Places::positions`]).
///
/// When positions hardly repeat (jittered or geocoded data, UCDP GED), a table of every
/// distinct position would be as large as the file and save no work; then places are
/// only told apart within chunks of items, and a position may appear once per chunk
/// among the places; and when nearly every position of the first chunk is new,
/// every item is its own place. Per-place values depend only on the position, so the
/// results are the same either way.
#[derive(Debug, Clone, Default)]
pub struct Places {
    /// The places' positions, except with [`Slots::Identity`] (then empty).
    distinct: Vec<LonLat>,
    /// Shared: per-event values kept per place refer to it (see
    /// [`crate::analysis::zones::PerEvent`]).
    pub slots: Slots,
}

/// Per item: the number of its place. Cheap to clone (shared).
#[derive(Debug, Clone)]
pub enum Slots {
    /// Item i is place i (every position its own place): no table, which on ten million
    /// events is 40 MB and a lookup per item.
    Identity(usize),
    /// Per item, its place.
    Table(Arc<[u32]>),
}

impl Default for Slots {
    fn default() -> Self {
        Slots::Identity(0)
    }
}

impl Slots {
    /// Number of items.
    pub fn len(&self) -> usize {
        match self {
            Slots::Identity(n) => *n,
            Slots::Table(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The place of item `i`.
    #[inline]
    pub fn get(&self, i: usize) -> usize {
        match self {
            Slots::Identity(_) => i,
            Slots::Table(t) => t[i] as usize,
        }
    }

    /// Every item's place, in item order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// [`Self::iter`], in parallel.
    pub fn par_iter(&self) -> impl IndexedParallelIterator<Item = usize> + '_ {
        (0..self.len()).into_par_iter().map(|i| self.get(i))
    }

    /// Per item, its place, as a table of its own (to change some of them).
    pub fn to_vec(&self) -> Vec<u32> {
        self.iter().map(|s| s as u32).collect()
    }
}

impl From<Vec<u32>> for Slots {
    fn from(v: Vec<u32>) -> Self {
        Slots::Table(v.into())
    }
}

impl Places {
    /// The places of `n` items, item i at `position(i)`. Chunks of items are sorted
    /// into places in parallel, then their places are numbered in item order, so the
    /// result is the same as a one-by-one pass.
    pub fn of<F: Fn(usize) -> LonLat + Sync>(n: usize, position: F) -> Places {
        const CHUNK: usize = 1 << 16;
        type Key = (u64, u64);
        let key = |p: LonLat| (p.lon.to_bits(), p.lat.to_bits());
        // Distinct coordinates (at least 95 % of the first chunk's positions new): each
        // event is its own place, without the tables that would find the few repeats.
        if n >= 2 * CHUNK {
            let first: FxHashSet<Key> = (0..CHUNK).map(|i| key(position(i))).collect();
            if first.len() * 20 >= CHUNK * 19 {
                return Places {
                    distinct: Vec::new(),
                    slots: Slots::Identity(n),
                };
            }
        }
        // Per chunk: its places in first-seen order, and per item its place in the chunk.
        let chunks: Vec<(Vec<LonLat>, Vec<u32>)> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            // One table per worker, emptied for each chunk: growing a fresh table to 64k
            // entries per chunk re-hashed it a dozen times and churned the allocator.
            .map_init(FxHashMap::<Key, u32>::default, |local, c| {
                local.clear();
                let mut distinct = Vec::new();
                let slots = (c * CHUNK..((c + 1) * CHUNK).min(n))
                    .map(|i| {
                        let p = position(i);
                        *local.entry(key(p)).or_insert_with(|| {
                            distinct.push(p);
                            (distinct.len() - 1) as u32
                        })
                    })
                    .collect();
                (distinct, slots)
            })
            .collect();
        // Positions that repeat less than this, on average within a chunk, are numbered
        // per chunk (see the type's comment): the global table would hold nearly every
        // item.
        const MIN_REPEAT: usize = 4;
        let local_places: usize = chunks.iter().map(|(places, _)| places.len()).sum();
        if local_places * MIN_REPEAT > n {
            return Places::by_chunk(n, chunks);
        }
        // Number the places in order; per chunk, its places' numbers.
        let mut global: FxHashMap<Key, u32> = FxHashMap::default();
        let mut distinct = Vec::new();
        let numbers: Vec<Vec<u32>> = chunks
            .iter()
            .map(|(places, _)| {
                places
                    .iter()
                    .map(|&p| {
                        *global.entry(key(p)).or_insert_with(|| {
                            distinct.push(p);
                            (distinct.len() - 1) as u32
                        })
                    })
                    .collect()
            })
            .collect();
        let mut slots = vec![0u32; n];
        slots
            .par_chunks_mut(CHUNK)
            .zip(chunks.par_iter().zip(&numbers))
            .for_each(|(out, ((_, local), number))| {
                for (o, l) in out.iter_mut().zip(local) {
                    *o = number[*l as usize];
                }
            });
        Places {
            distinct,
            slots: slots.into(),
        }
    }
}

impl Places {
    /// Number of places.
    pub fn len(&self) -> usize {
        match self.slots {
            Slots::Identity(n) => n,
            Slots::Table(_) => self.distinct.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The places' own table of positions, unless every item is its own place.
    pub fn table(&self) -> Option<&[LonLat]> {
        match self.slots {
            Slots::Identity(_) => None,
            Slots::Table(_) => Some(&self.distinct),
        }
    }

    /// The places' positions, for items at `own(i)` (the positions these places were
    /// made of): every item its own place, they are the items' own, not a copy.
    pub fn positions<F: Fn(usize) -> LonLat + Sync>(&self, own: F) -> PlacePositions<'_, F> {
        PlacePositions {
            table: self.table(),
            len: self.len(),
            own,
        }
    }

    /// Places numbered per chunk: each chunk's places follow the previous chunks'.
    fn by_chunk(n: usize, chunks: Vec<(Vec<LonLat>, Vec<u32>)>) -> Places {
        let mut offsets = Vec::with_capacity(chunks.len());
        let mut total = 0usize;
        for (places, _) in &chunks {
            offsets.push(total as u32);
            total += places.len();
        }
        let mut distinct = Vec::with_capacity(total);
        let mut slots = Vec::with_capacity(n);
        for ((places, local), offset) in chunks.into_iter().zip(offsets) {
            distinct.extend(places);
            slots.extend(local.into_iter().map(|l| l + offset));
        }
        Places {
            distinct,
            slots: slots.into(),
        }
    }
}

/// The positions of [`Places`], by place number (see [`Places::positions`]).
pub struct PlacePositions<'a, F> {
    /// The places' own table, or `None` when each item is its own place.
    table: Option<&'a [LonLat]>,
    len: usize,
    /// Item i's position.
    own: F,
}

impl<F: Fn(usize) -> LonLat + Sync> PlacePositions<'_, F> {
    /// Number of places.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The position of place `p`.
    #[inline]
    pub fn get(&self, p: usize) -> LonLat {
        match self.table {
            Some(t) => t[p],
            None => (self.own)(p),
        }
    }

    /// Every place's position, in place order, in parallel.
    pub fn par_iter(&self) -> impl IndexedParallelIterator<Item = LonLat> + '_ {
        (0..self.len).into_par_iter().map(|p| self.get(p))
    }

    /// Every place's position, in place order.
    pub fn iter(&self) -> impl Iterator<Item = LonLat> + '_ {
        (0..self.len).map(|p| self.get(p))
    }
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

    /// Large sets: distinct coordinates make each item its own place, repeating ones
    /// are numbered once; either way every item finds its own position.
    #[test]
    fn distinct_coordinates_are_their_own_places() {
        let n = 140_000;
        let spread = |i: usize| {
            LonLat::new(
                -12.0 + (i % 400) as f64 * 0.01,
                10.0 + (i / 400) as f64 * 0.01,
            )
            .unwrap()
        };
        let repeat = |i: usize| spread(i % 1000);
        let each = Places::of(n, spread);
        assert_eq!(each.len(), n);
        assert!(matches!(each.slots, Slots::Identity(m) if m == n));
        // No copy of the items' positions: they are the places'.
        assert!(each.distinct.is_empty());
        let few = Places::of(n, repeat);
        assert_eq!(few.len(), 1000);
        let (at_each, at_few) = (each.positions(spread), few.positions(repeat));
        assert_eq!((at_each.len(), at_few.len()), (n, 1000));
        for i in (0..n).step_by(7) {
            assert_eq!(at_each.get(each.slots.get(i)), spread(i));
            assert_eq!(at_few.get(few.slots.get(i)), repeat(i));
        }
        assert_eq!(at_few.iter().collect::<Vec<_>>(), few.distinct);
    }

    #[test]
    fn distinct_positions_in_first_seen_order() {
        let a = LonLat::new(-8.0, 12.6).unwrap();
        let b = LonLat::new(-4.2, 14.5).unwrap();
        let points = [b, a, b, b, a];
        let p = Places::of(points.len(), |i| points[i]);
        assert_eq!(p.distinct, vec![b, a]);
        assert_eq!(p.slots.to_vec(), [0, 1, 0, 0, 1]);
    }

    #[test]
    fn places_across_chunks_are_numbered_as_one_by_one() {
        // More items than a chunk, places recurring across chunks in a shuffled order.
        let n = 200_000;
        let point = |i: usize| {
            let k = (i * 7919) % 1000;
            LonLat::new(-12.0 + k as f64 * 0.01, 12.0 + (k % 7) as f64).unwrap()
        };
        let p = Places::of(n, point);
        let mut seen: Vec<LonLat> = Vec::new();
        for i in 0..n {
            let want = match seen.iter().position(|q| *q == point(i)) {
                Some(k) => k,
                None => {
                    seen.push(point(i));
                    seen.len() - 1
                }
            };
            assert_eq!(p.slots.get(i), want, "item {i}");
        }
        assert_eq!(p.distinct, seen);
    }

    #[test]
    fn rarely_repeating_positions_are_numbered_per_chunk() {
        // Mostly distinct positions, with repeats inside and across chunks.
        let n = 300_000;
        let point = |i: usize| {
            let k = if i.is_multiple_of(10) {
                n + (i / 10) % 50
            } else {
                i
            };
            LonLat::new(
                -12.0 + (k % 1000) as f64 * 0.01,
                10.0 + (k / 1000) as f64 * 0.01,
            )
            .unwrap()
        };
        let p = Places::of(n, point);
        for i in 0..n {
            assert_eq!(p.distinct[p.slots.get(i)], point(i), "item {i}");
        }
        // Told apart within a chunk, not across chunks: the 50 repeated positions appear
        // once in each chunk, and every other position once.
        let chunk = 1 << 16;
        assert_eq!(p.distinct.len(), n - n / 10 + 50 * n.div_ceil(chunk));
        for items in p.slots.to_vec().chunks(chunk) {
            let mut by_position = std::collections::HashMap::new();
            for &s in items {
                let q = p.distinct[s as usize];
                let first = *by_position
                    .entry((q.lon.to_bits(), q.lat.to_bits()))
                    .or_insert(s);
                assert_eq!(first, s, "one slot per position within a chunk");
            }
        }
    }

    #[test]
    fn km_rejects_negative_and_non_finite() {
        assert_eq!(Km::new(150.0).unwrap().metres(), 150_000.0);
        assert!(Km::new(-1.0).is_none());
        assert!(Km::new(f64::INFINITY).is_none());
        assert_eq!(Km::from_metres(50_000.0).unwrap().get(), 50.0);
    }
}
