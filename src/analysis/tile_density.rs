//! Kernel density on the pixel lattice of a Web Mercator zoom level, for map tiles.
//!
//! A zoom's densities are computed on ONE grid whose cells are exactly that zoom's tile
//! pixels (square in Mercator metres, aligned to the tile edges), covering the area asked
//! for plus the kernel's support. Every tile is then a window of that grid, so
//! neighbouring tiles are neighbouring windows of one convolution: there is nothing at a
//! tile edge that could make a seam. Events beyond the grid within the kernel's support
//! are binned in its margin (see [`density::bin`]).
//!
//! **Kernel size in Mercator metres.** The bandwidth is in kilometres on the ground, and
//! Web Mercator stretches the ground by k = 1/cos φ (k = 1.015 at 10° N, 1.103 at 25° N:
//! 9 % over Mali). A single kernel for the whole grid would be wrong by up to ±4 %, and
//! one kernel per tile (at the tile's centre latitude) would put a step of several % at
//! every tile row edge at low zooms, where tiles span degrees of latitude. Instead the
//! grid's rows are split at *nodes* where ln k has changed by [`SCALE_STEP`]; each node's
//! band (the rows from the previous node to the next) is convolved with the kernel sized
//! for the node's latitude, and every row takes the linear blend of its two nodes' bands.
//! The result is continuous (no seam anywhere) and within ~1e-4 of the exact
//! latitude-varying kernel, as density varies smoothly with the kernel's size. Values are
//! per 1,000 km² of **ground**: a band's density per Mercator area is multiplied by k²
//! (a Mercator cell covers 1/k² of its area on the ground).
//!
//! **Deep zooms** ([`LatticeGrid::tile_values`] on a grid of a coarser zoom): once the
//! lattice is much finer than the kernel (the caller picks where, e.g. cells of 1/16 of
//! the bandwidth), computing more pixels adds no detail, only cost: tiles of deeper zooms
//! are bilinear interpolations of that grid. A quartic sampled every h/16 is
//! interpolated to within 0.2 % of its peak (error ≤ c²/8 · max|f''| = (h/16)²/8 · 4/h²).

use std::ops::Range;

use rayon::prelude::*;

use crate::analysis::density::{self, DensityGrid, DensityPlan, GridSpec, Kernel};
use crate::analysis::webmercator::{HALF_WORLD_M, Tile, pixel_m, tiles_across, to_lonlat};

/// The change of ln k between band nodes: the kernel's size changes by at most 1 % from
/// one node to the next.
pub const SCALE_STEP: f64 = 0.01;

/// A rectangle of one zoom's pixel lattice: columns `col0..col0 + width`, rows
/// `row0..row0 + height` (rows from the north edge of the world).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lattice {
    pub z: u8,
    pub tile_size: u32,
    pub col0: u64,
    pub row0: u64,
    pub width: usize,
    pub height: usize,
}

impl Lattice {
    /// The smallest lattice rectangle of zoom `z` covering `bbox_m` ([min x, min y, max x,
    /// max y], Mercator metres), clipped to the world.
    pub fn covering(bbox_m: [f64; 4], z: u8, tile_size: u32) -> Lattice {
        let cell = pixel_m(z, tile_size);
        let across = u64::from(tiles_across(z)) * u64::from(tile_size);
        let to_col = |x: f64| ((x + HALF_WORLD_M) / cell).clamp(0.0, across as f64);
        let to_row = |y: f64| ((HALF_WORLD_M - y) / cell).clamp(0.0, across as f64);
        let [x0, y0, x1, y1] = bbox_m;
        let (c0, c1) = (to_col(x0).floor() as u64, to_col(x1).ceil() as u64);
        let (r0, r1) = (to_row(y1).floor() as u64, to_row(y0).ceil() as u64);
        Lattice {
            z,
            tile_size,
            col0: c0,
            row0: r0,
            width: (c1.max(c0 + 1) - c0) as usize,
            height: (r1.max(r0 + 1) - r0) as usize,
        }
    }

    /// The grid of these pixels, Mercator metres.
    pub fn spec(&self) -> GridSpec {
        let cell = pixel_m(self.z, self.tile_size);
        GridSpec {
            x0: -HALF_WORLD_M + self.col0 as f64 * cell,
            y0: HALF_WORLD_M - self.row0 as f64 * cell,
            cell_m: cell,
            width: self.width,
            height: self.height,
        }
    }

    /// Latitude (degrees) of the centre of row `row` of this rectangle.
    fn row_lat(&self, row: usize) -> f64 {
        let spec = self.spec();
        to_lonlat(0.0, spec.cell_centre(0, row)[1])[1]
    }
}

/// Points in Mercator metres with optional weights, sorted by y so that a band of rows
/// takes its points as one slice.
pub struct SortedPoints {
    xy: Vec<[f64; 2]>,
    weights: Option<Vec<f32>>,
}

impl SortedPoints {
    pub fn new(xy: Vec<[f64; 2]>, weights: Option<Vec<f32>>) -> SortedPoints {
        let mut order: Vec<usize> = (0..xy.len()).collect();
        order.sort_unstable_by(|&a, &b| xy[a][1].total_cmp(&xy[b][1]));
        SortedPoints {
            xy: order.iter().map(|&i| xy[i]).collect(),
            weights: weights.map(|w| order.iter().map(|&i| w[i]).collect()),
        }
    }

    pub fn len(&self) -> usize {
        self.xy.len()
    }

    pub fn is_empty(&self) -> bool {
        self.xy.is_empty()
    }

    /// The points with `lo <= y <= hi`.
    fn y_range(&self, lo: f64, hi: f64) -> Range<usize> {
        let a = self.xy.partition_point(|p| p[1] < lo);
        let b = self.xy.partition_point(|p| p[1] <= hi);
        a..b.max(a)
    }
}

/// One band of a [`ZoomPlan`]: its rows, its node and the kernel sized for the node.
struct Band {
    /// Rows of the lattice rectangle this band's convolution covers.
    rows: Range<usize>,
    /// The node row (the band's weight is 1 there and falls to 0 at the next nodes).
    node: usize,
    prev: Option<usize>,
    next: Option<usize>,
    /// k² at the node: Mercator area → ground area.
    k2: f64,
    spec: GridSpec,
    margin_m: f64,
    plan: DensityPlan,
}

impl Band {
    /// The blend weight of row `row` (a hat from the previous node to the next).
    fn weight(&self, row: usize) -> f64 {
        let r = row as f64;
        let n = self.node as f64;
        if row < self.node {
            self.prev.map_or(1.0, |p| (r - p as f64) / (n - p as f64))
        } else if row > self.node {
            self.next.map_or(1.0, |q| (q as f64 - r) / (q as f64 - n))
        } else {
            1.0
        }
    }
}

/// The density computation of one zoom over one lattice rectangle, prepared once (kernel
/// spectra per band) and applied to every year's points.
pub struct ZoomPlan {
    lattice: Lattice,
    bands: Vec<Band>,
}

impl ZoomPlan {
    /// For `kernel` of `bandwidth_km` on the ground (quartic radius or Gaussian σ).
    pub fn new(lattice: Lattice, kernel: Kernel, bandwidth_km: f64) -> ZoomPlan {
        assert!(bandwidth_km.is_finite() && bandwidth_km >= 0.0);
        let nodes = nodes(&lattice);
        let spec = lattice.spec();
        let bands = nodes
            .par_iter()
            .enumerate()
            .map(|(i, &node)| {
                let prev = i.checked_sub(1).map(|p| nodes[p]);
                let next = nodes.get(i + 1).copied();
                let rows = prev.unwrap_or(node)..next.unwrap_or(node) + 1;
                let band_spec = GridSpec {
                    y0: spec.y0 - rows.start as f64 * spec.cell_m,
                    height: rows.len(),
                    ..spec
                };
                let k = crate::analysis::webmercator::scale_factor(lattice.row_lat(node));
                let bandwidth_m = bandwidth_km * 1000.0 * k;
                let margin_m = kernel.support_m(bandwidth_m);
                let empty = density::bin(&band_spec, margin_m, &[], None);
                Band {
                    rows,
                    node,
                    prev,
                    next,
                    k2: k * k,
                    spec: band_spec,
                    margin_m,
                    plan: DensityPlan::new(&empty, kernel, bandwidth_m),
                }
            })
            .collect();
        ZoomPlan { lattice, bands }
    }

    pub fn lattice(&self) -> &Lattice {
        &self.lattice
    }

    /// The density of `points` over the lattice rectangle, per 1,000 km² of ground.
    pub fn apply(&self, points: &SortedPoints) -> LatticeGrid {
        let spec = self.lattice.spec();
        let mut values = vec![0.0f32; spec.cells()];
        if !points.is_empty() {
            let parts: Vec<(usize, DensityGrid)> = self
                .bands
                .par_iter()
                .enumerate()
                .filter_map(|(i, b)| {
                    let [_, ymin, _, ymax] = b.spec.bbox();
                    let r = points.y_range(ymin - b.margin_m, ymax + b.margin_m);
                    if r.is_empty() {
                        return None;
                    }
                    let w = points.weights.as_ref().map(|w| &w[r.clone()]);
                    let binned = density::bin(&b.spec, b.margin_m, &points.xy[r], w);
                    Some((i, b.plan.apply(&binned)))
                })
                .collect();
            let width = spec.width;
            for (i, grid) in parts {
                let b = &self.bands[i];
                values[b.rows.start * width..b.rows.end * width]
                    .par_chunks_mut(width)
                    .zip(grid.values.par_chunks(width))
                    .enumerate()
                    .for_each(|(j, (out, band))| {
                        let f = (b.weight(b.rows.start + j) * b.k2) as f32;
                        out.iter_mut().zip(band).for_each(|(o, v)| *o += f * v);
                    });
            }
        }
        LatticeGrid {
            lattice: self.lattice,
            grid: DensityGrid { spec, values },
        }
    }
}

/// The node rows of a lattice rectangle: the first and last rows, and every row where
/// ln k has moved by [`SCALE_STEP`] since the previous node.
fn nodes(lattice: &Lattice) -> Vec<usize> {
    let last = lattice.height - 1;
    let ln_k = |row: usize| crate::analysis::webmercator::scale_factor(lattice.row_lat(row)).ln();
    let mut nodes = vec![0];
    let mut at = ln_k(0);
    for row in 1..last {
        let v = ln_k(row);
        if (v - at).abs() >= SCALE_STEP {
            nodes.push(row);
            at = v;
        }
    }
    if last > 0 {
        nodes.push(last);
    }
    nodes
}

/// A zoom's density over a lattice rectangle (values per 1,000 km² of ground).
pub struct LatticeGrid {
    pub lattice: Lattice,
    pub grid: DensityGrid,
}

impl LatticeGrid {
    /// The value at lattice cell (`col`, `row`) (absolute, from the world's north-west
    /// corner); 0 outside the rectangle.
    fn at(&self, col: i64, row: i64) -> f32 {
        let c = col - self.lattice.col0 as i64;
        let r = row - self.lattice.row0 as i64;
        if c < 0 || r < 0 || c >= self.lattice.width as i64 || r >= self.lattice.height as i64 {
            return 0.0;
        }
        self.grid.values[r as usize * self.lattice.width + c as usize]
    }

    /// The largest value over absolute lattice cells `cols` × `rows` (clipped).
    fn max_over(&self, cols: Range<i64>, rows: Range<i64>) -> f32 {
        let l = &self.lattice;
        let clip = |r: Range<i64>, o: u64, n: usize| {
            (r.start - o as i64).clamp(0, n as i64) as usize
                ..(r.end - o as i64).clamp(0, n as i64) as usize
        };
        let (cs, rs) = (clip(cols, l.col0, l.width), clip(rows, l.row0, l.height));
        rs.flat_map(|r| &self.grid.values[r * l.width + cs.start..r * l.width + cs.end])
            .copied()
            .fold(0.0, f32::max)
    }

    /// The `tile_size`² values of `tile` (row-major, north first), which must be of this
    /// grid's zoom or deeper (deeper: bilinear interpolation between this grid's cell
    /// centres); `None` when no value reaches `threshold` (an empty tile, not written).
    pub fn tile_values(&self, tile: Tile, threshold: f32) -> Option<Vec<f32>> {
        let l = &self.lattice;
        assert!(tile.z >= l.z, "tile {tile:?} is coarser than the grid");
        let ts = u64::from(l.tile_size);
        let dz = u32::from(tile.z - l.z);
        let scale = f64::from(1u32 << dz);
        let floor = threshold.max(f32::MIN_POSITIVE);
        // The grid cells the tile's pixels draw on (one more each side for interpolation).
        let span = |t: u32| {
            let a = (u64::from(t) * ts) as f64 / scale;
            let b = (u64::from(t + 1) * ts) as f64 / scale;
            (a.floor() as i64 - 1)..(b.ceil() as i64 + 1)
        };
        if self.max_over(span(tile.x), span(tile.y)) < floor {
            return None;
        }
        let n = ts as usize;
        let mut out = vec![0.0f32; n * n];
        if dz == 0 {
            let (c0, r0) = (i64::from(tile.x) * ts as i64, i64::from(tile.y) * ts as i64);
            for (j, row) in out.chunks_mut(n).enumerate() {
                for (i, v) in row.iter_mut().enumerate() {
                    *v = self.at(c0 + i as i64, r0 + j as i64);
                }
            }
        } else {
            // Position of each pixel centre in grid cell-centre coordinates.
            let axis = |t: u32| -> Vec<(i64, f32)> {
                (0..n)
                    .map(|i| {
                        let p = (u64::from(t) * ts + i as u64) as f64 + 0.5;
                        let f = p / scale - 0.5;
                        let f0 = f.floor();
                        (f0 as i64, (f - f0) as f32)
                    })
                    .collect()
            };
            let (xs, ys) = (axis(tile.x), axis(tile.y));
            for (row, &(y0, ty)) in out.chunks_mut(n).zip(&ys) {
                for (v, &(x0, tx)) in row.iter_mut().zip(&xs) {
                    let top = self.at(x0, y0) * (1.0 - tx) + self.at(x0 + 1, y0) * tx;
                    let bottom = self.at(x0, y0 + 1) * (1.0 - tx) + self.at(x0 + 1, y0 + 1) * tx;
                    *v = top * (1.0 - ty) + bottom * ty;
                }
            }
        }
        out.iter().any(|&v| v >= floor).then_some(out)
    }
}

#[cfg(test)]
#[path = "tile_density_tests.rs"]
mod tests;
