//! "Within `limit` of these lines?" for millions of points, decided once per cell of a
//! coarse lon/lat grid wherever the whole cell gets the same answer.
//!
//! Distance to a set is 1-Lipschitz: for any point p of a cell with centre c and
//! radius r (an upper bound on the geodesic distance from c to any point of the cell),
//! d(c) − r ≤ d(p) ≤ d(c) + r. So a cell whose centre is within `limit − r` has every
//! point within `limit`, and a cell whose centre is farther than `limit + r` has none;
//! both are decided from [`PolylineIndex::decide`]'s guaranteed bounds, or from the
//! centre's exact distance where those are too loose, with a metre to spare against
//! rounding. Only points in the other cells (a band about 2r wide around
//! the limit's contour) and off the grid take the point's own test
//! ([`PolylineIndex::within`]), so the answer is always the exact one.
//!
//! Cells are classified when a point first falls in them (points far from the lines
//! never pay for the cells around the lines, and the sample's few thousand places never
//! pay for a whole grid); two threads meeting a new cell at once both compute the same
//! answer.

use std::sync::atomic::{AtomicU8, Ordering};

use super::geodesy;
use super::polyline_index::PolylineIndex;
use crate::units::{Km, LonLat};

const UNKNOWN: u8 = 0;
const INSIDE: u8 = 1;
const OUTSIDE: u8 = 2;
/// The cell straddles the limit: each point is tested on its own.
const OPEN: u8 = 3;

/// Cells across the limit (the cell's side is the limit divided by this).
const CELLS_PER_LIMIT: f64 = 8.0;
/// At most this many cells (4 MB).
const MAX_CELLS: usize = 1 << 22;
/// Metres kept to spare on each side of the limit against rounding.
const SPARE_M: f64 = 1.0;

/// [`PolylineIndex::within`] for one limit, memoised per grid cell.
#[derive(Debug)]
pub struct WithinGrid<'a> {
    index: &'a PolylineIndex,
    limit: Km,
    /// Outside this box no point is within the limit ([`PolylineIndex::reach_box`]).
    reach: [f64; 4],
    west: f64,
    south: f64,
    dx: f64,
    dy: f64,
    cols: usize,
    rows: usize,
    cells: Vec<AtomicU8>,
}

impl<'a> WithinGrid<'a> {
    /// The grid over the lines' box widened by twice the limit (farther points are
    /// decided by the index at once, without candidates).
    pub fn new(index: &'a PolylineIndex, limit: Km) -> Self {
        let (min, max) = index.bounds();
        let (reach, _) = geodesy::reach_deg(0.0, 2.0 * limit.metres());
        let south = (min.lat() - reach).max(-89.0);
        let north = (max.lat() + reach).min(89.0);
        let cos = south.abs().max(north.abs()).to_radians().cos().max(0.01);
        let (west, east) = (min.lon() - reach / cos, max.lon() + reach / cos);
        let mut dy = (reach / 2.0 / CELLS_PER_LIMIT).max(1e-6);
        let mut dx = dy / cos;
        // Coarser cells rather than more than MAX_CELLS of them.
        let cells = |dx: f64, dy: f64| ((east - west) / dx).ceil() * ((north - south) / dy).ceil();
        while cells(dx, dy) > MAX_CELLS as f64 {
            dx *= 2.0;
            dy *= 2.0;
        }
        let cols = (((east - west) / dx).ceil() as usize).max(1);
        let rows = (((north - south) / dy).ceil() as usize).max(1);
        WithinGrid {
            index,
            limit,
            reach: index.reach_box(limit),
            west,
            south,
            dx,
            dy,
            cols,
            rows,
            cells: (0..cols * rows).map(|_| AtomicU8::new(UNKNOWN)).collect(),
        }
    }

    /// Whether the lines' nearest point is within the limit of `p`: the same answer as
    /// [`PolylineIndex::within`].
    pub fn within(&self, p: LonLat) -> bool {
        let [w, s, e, n] = self.reach;
        if !(w..=e).contains(&p.lon()) || !(s..=n).contains(&p.lat()) {
            return false;
        }
        let Some((col, row)) = self.cell_of(p) else {
            return self.index.within(p, self.limit);
        };
        let cell = &self.cells[row * self.cols + col];
        let mut state = cell.load(Ordering::Relaxed);
        if state == UNKNOWN {
            state = self.classify(col, row);
            cell.store(state, Ordering::Relaxed);
        }
        match state {
            INSIDE => true,
            OUTSIDE => false,
            _ => self.index.within(p, self.limit),
        }
    }

    fn cell_of(&self, p: LonLat) -> Option<(usize, usize)> {
        let x = (p.lon() - self.west) / self.dx;
        let y = (p.lat() - self.south) / self.dy;
        if !(x >= 0.0 && y >= 0.0) {
            return None;
        }
        let (col, row) = (x as usize, y as usize);
        (col < self.cols && row < self.rows).then_some((col, row))
    }

    /// The cell's corners (closed cell: its edges belong to it).
    fn corners(&self, col: usize, row: usize) -> [(f64, f64); 4] {
        let (w, s) = (
            self.west + col as f64 * self.dx,
            self.south + row as f64 * self.dy,
        );
        let (e, n) = (w + self.dx, s + self.dy);
        [(w, s), (e, s), (e, n), (w, n)]
    }

    /// INSIDE, OUTSIDE or OPEN (see the module documentation).
    fn classify(&self, col: usize, row: usize) -> u8 {
        let corners = self.corners(col, row);
        let centre = LonLat::new(
            0.5 * (corners[0].0 + corners[2].0),
            0.5 * (corners[0].1 + corners[2].1),
        );
        let Some(centre) = centre else {
            return OPEN;
        };
        // The farthest point of a small lon/lat cell from its centre is a corner; the
        // factor and the 10 m are far more than the curvature can add to that.
        let mut radius = 0.0_f64;
        for (lon, lat) in corners {
            let Some(corner) = LonLat::new(lon, lat) else {
                return OPEN;
            };
            radius = radius.max(geodesy::distance_bounds(centre, corner).1);
        }
        let radius = 1.05 * radius + 10.0;
        let limit = self.limit.metres();
        let (inner, outer) = (limit - radius - SPARE_M, limit + radius + SPARE_M);
        let decided = |m: f64| Km::from_metres(m).and_then(|k| self.index.decide(centre, k));
        match (decided(inner), decided(outer)) {
            (Some(true), _) => return INSIDE,
            (_, Some(false)) => return OUTSIDE,
            _ => {}
        }
        // The bounds were too loose (long segments): the centre's exact distance, once
        // per cell, saves every point of the cell its own.
        let d = self.index.nearest(centre).distance.metres();
        if d <= inner {
            INSIDE
        } else if d > outer {
            OUTSIDE
        } else {
            OPEN
        }
    }

    /// How many cells were classified, and how many of them straddle the limit (tests).
    #[cfg(test)]
    fn counts(&self) -> (usize, usize) {
        let states: Vec<u8> = self
            .cells
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect();
        (
            states.iter().filter(|&&s| s != UNKNOWN).count(),
            states.iter().filter(|&&s| s == OPEN).count(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::geodesy::tests::unit_stream as stream;
    use geo::{LineString, MultiLineString, coord};

    fn border() -> MultiLineString<f64> {
        MultiLineString::new(vec![LineString::new(vec![
            coord! { x: -12.0, y: 10.0 },
            coord! { x: -10.5, y: 11.2 },
            coord! { x: -9.0, y: 10.4 },
            coord! { x: -8.2, y: 12.5 },
            coord! { x: -6.0, y: 12.9 },
            coord! { x: -5.2, y: 15.0 },
        ])])
    }

    /// The grid's answer equals the index's own test everywhere: at random points, at
    /// points within a metre of the limit, and on cell corners.
    #[test]
    fn grid_answers_equal_the_exact_test() {
        let lines = border();
        let index = PolylineIndex::new(&lines).unwrap();
        for limit_km in [50.0, 7.5, 150.0] {
            let limit = Km::new(limit_km).unwrap();
            let grid = WithinGrid::new(&index, limit);
            let mut u = stream(23);
            let mut points = Vec::new();
            for i in 0..4000 {
                let p = LonLat::new(-15.0 + 13.0 * u(), 7.0 + 11.0 * u()).unwrap();
                if i % 4 == 0 {
                    // Within a metre of the limit, on either side.
                    let near = index.nearest(p);
                    if near.distance.metres() > 1.0 {
                        let (_, azi, _) = geodesy::inverse(near.point, p);
                        let metres = limit.metres() + 2.0 * u() - 1.0;
                        points.push(geodesy::direct(near.point, azi, metres).0);
                    }
                }
                points.push(p);
            }
            // Corners of the cells of some points.
            for p in points.clone().into_iter().take(200) {
                if let Some((col, row)) = grid.cell_of(p) {
                    for (lon, lat) in grid.corners(col, row) {
                        points.push(LonLat::new(lon, lat).unwrap());
                    }
                }
            }
            for p in &points {
                assert_eq!(
                    grid.within(*p),
                    index.within(*p, limit),
                    "{p} within {limit_km} km"
                );
            }
            let (classified, open) = grid.counts();
            assert!(
                open * 3 < classified,
                "{open} of {classified} cells open at {limit_km} km"
            );
        }
    }
}
