//! The raster a density is computed on, and the points binned onto it.

use rayon::prelude::*;

/// A north-up raster in map metres: `width` × `height` square cells of `cell_m`, whose
/// top-left (north-west) corner is (`x0`, `y0`). Row 0 is the northernmost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridSpec {
    pub x0: f64,
    pub y0: f64,
    pub cell_m: f64,
    pub width: usize,
    pub height: usize,
}

impl GridSpec {
    /// The smallest grid of `cell_m` cells covering `bbox_map` ([min x, min y, max x,
    /// max y], map metres), centred on it (at least one cell each way).
    pub fn covering(bbox_map: [f64; 4], cell_m: f64) -> GridSpec {
        assert!(cell_m > 0.0 && cell_m.is_finite(), "cell size {cell_m} m");
        let [xmin, ymin, xmax, ymax] = bbox_map;
        let width = (((xmax - xmin) / cell_m).ceil() as usize).max(1);
        let height = (((ymax - ymin) / cell_m).ceil() as usize).max(1);
        let (cx, cy) = ((xmin + xmax) / 2.0, (ymin + ymax) / 2.0);
        GridSpec {
            x0: cx - width as f64 * cell_m / 2.0,
            y0: cy + height as f64 * cell_m / 2.0,
            cell_m,
            width,
            height,
        }
    }

    /// [min x, min y, max x, max y] of the whole grid, map metres.
    pub fn bbox(&self) -> [f64; 4] {
        [
            self.x0,
            self.y0 - self.height as f64 * self.cell_m,
            self.x0 + self.width as f64 * self.cell_m,
            self.y0,
        ]
    }

    /// The centre of cell (`col`, `row`), map metres.
    pub fn cell_centre(&self, col: usize, row: usize) -> [f64; 2] {
        [
            self.x0 + (col as f64 + 0.5) * self.cell_m,
            self.y0 - (row as f64 + 0.5) * self.cell_m,
        ]
    }

    /// Area of one cell in square map metres.
    pub fn cell_area_m2(&self) -> f64 {
        self.cell_m * self.cell_m
    }

    pub fn cells(&self) -> usize {
        self.width * self.height
    }
}

/// Point weights summed per cell of a [`GridSpec`] extended by `margin` cells on every
/// side, so that kernels centred near the edge of the map still see the points just
/// outside it. Row-major, north first, like the grid.
#[derive(Debug, Clone)]
pub struct Binned {
    pub(super) spec: GridSpec,
    pub(super) margin: usize,
    pub(super) values: Vec<f64>,
    total: f64,
    outside: usize,
}

impl Binned {
    pub fn spec(&self) -> &GridSpec {
        &self.spec
    }

    /// Margin cells on each side of the grid.
    pub fn margin_cells(&self) -> usize {
        self.margin
    }

    /// Width of the binned raster, margins included.
    pub(super) fn full_width(&self) -> usize {
        self.spec.width + 2 * self.margin
    }

    pub(super) fn full_height(&self) -> usize {
        self.spec.height + 2 * self.margin
    }

    /// Weight of binned row `row` (margin included), columns from `col` (may be negative
    /// or past the end: zeros there) into `out`.
    pub(super) fn row_into(&self, row: isize, col: isize, out: &mut [f64]) {
        out.fill(0.0);
        let (w, h) = (self.full_width() as isize, self.full_height() as isize);
        if row < 0 || row >= h {
            return;
        }
        let start = col.max(0);
        let end = (col + out.len() as isize).min(w);
        if start >= end {
            return;
        }
        let src = &self.values[(row * w + start) as usize..(row * w + end) as usize];
        out[(start - col) as usize..(end - col) as usize].copy_from_slice(src);
    }

    /// Total weight binned (margins included).
    pub fn total_weight(&self) -> f64 {
        self.total
    }

    /// Points left out: beyond the margin, not finite, or with a non-finite weight.
    pub fn points_outside(&self) -> usize {
        self.outside
    }
}

/// Below this many points, binning runs on the calling thread (no per-thread grids).
const PARALLEL_FROM: usize = 50_000;

/// Bins `points` (map metres) onto `spec` extended by at least `margin_m` on each side
/// (pass the kernel's [`super::Kernel::support_m`]), each with its weight (1 without
/// `weights`). O(N), in parallel: each thread fills its own grid, then grids are added.
///
/// Linear binning: a point's weight is shared between the four nearest cell centres in
/// proportion to its nearness (bilinear), which conserves weight and moves the centre of
/// mass nowhere, so the binned density differs from the exact one by O(cell²) instead of
/// the O(cell) of assigning each point to its cell (Wand 1994, "Fast computation of
/// multivariate kernel estimators"). One extra margin cell is added for that spreading.
pub fn bin(spec: &GridSpec, margin_m: f64, points: &[[f64; 2]], weights: Option<&[f32]>) -> Binned {
    if let Some(w) = weights {
        assert_eq!(w.len(), points.len(), "one weight per point");
    }
    let margin = (margin_m.max(0.0) / spec.cell_m).ceil() as usize + 1;
    let empty = || Binned {
        spec: *spec,
        margin,
        values: vec![0.0; (spec.width + 2 * margin) * (spec.height + 2 * margin)],
        total: 0.0,
        outside: 0,
    };
    let weight_at = |i: usize| weights.map_or(1.0, |w| f64::from(w[i]));
    if points.len() < PARALLEL_FROM {
        let mut b = empty();
        add_points(
            &mut b,
            points.iter().enumerate().map(|(i, p)| (*p, weight_at(i))),
        );
        return b;
    }
    let chunk = points.len().div_ceil(rayon::current_num_threads());
    points
        .par_chunks(chunk)
        .enumerate()
        .map(|(c, pts)| {
            let mut b = empty();
            let first = c * chunk;
            add_points(
                &mut b,
                pts.iter()
                    .enumerate()
                    .map(|(i, p)| (*p, weight_at(first + i))),
            );
            b
        })
        .reduce_with(|mut a, b| {
            a.values
                .iter_mut()
                .zip(&b.values)
                .for_each(|(x, y)| *x += y);
            a.total += b.total;
            a.outside += b.outside;
            a
        })
        .unwrap_or_else(empty)
}

fn add_points(b: &mut Binned, points: impl Iterator<Item = ([f64; 2], f64)>) {
    let (w, h) = (b.full_width(), b.full_height());
    let s = b.spec;
    let m = b.margin as f64;
    for ([x, y], weight) in points {
        // Position in cells from the centre of binned cell (0, 0).
        let gx = (x - s.x0) / s.cell_m - 0.5 + m;
        let gy = (s.y0 - y) / s.cell_m - 0.5 + m;
        // Within the outer cell centres (NaN fails these too).
        let inside = gx >= 0.0 && gy >= 0.0 && gx <= (w - 1) as f64 && gy <= (h - 1) as f64;
        if !inside || !weight.is_finite() {
            b.outside += 1;
            continue;
        }
        let (i, j) = ((gx as usize).min(w - 2), (gy as usize).min(h - 2));
        let (tx, ty) = (gx - i as f64, gy - j as f64);
        let k = j * w + i;
        b.values[k] += weight * (1.0 - tx) * (1.0 - ty);
        b.values[k + 1] += weight * tx * (1.0 - ty);
        b.values[k + w] += weight * (1.0 - tx) * ty;
        b.values[k + w + 1] += weight * tx * ty;
        b.total += weight;
    }
}
