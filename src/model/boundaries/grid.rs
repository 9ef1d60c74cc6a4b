//! A regular lon/lat grid over a set of areas that answers point location in constant
//! time for most points: a cell that no edge touches lies wholly inside one unit (or
//! outside all), so every point in it gets the same answer; only points in cells that
//! an edge crosses need the exact test.
//!
//! Built in two passes. Each edge marks the cells it intersects (geo's exact
//! segment-rectangle test, on cells widened by [`CELL_PAD_DEG`] so that rounding in the
//! point-to-cell arithmetic cannot put a point in a cell whose test missed an edge).
//! Then the free cells are filled row by row: two free cells side by side share an edge
//! with no boundary on it, so the answer carries over from the left or upper neighbour,
//! and the exact locator is asked only for a free cell whose left and upper neighbours
//! are both crossed (or off the grid), at the cell's centre.

use geo::{Coord, Intersects, Line, Rect};

/// A cell crossed by an edge: the exact test decides.
const CROSSED: u32 = u32::MAX;
/// A free cell outside every unit.
const OUTSIDE: u32 = u32::MAX - 1;
/// Widening of each cell (degrees) when testing edges against it.
const CELL_PAD_DEG: f64 = 1e-9;
/// Cells per edge aimed at (a crossed cell then holds a few edges), within the limits.
const CELLS_PER_EDGE: usize = 4;
/// At least a quarter million cells (1 MB): on country-sized areas a cell is then a few
/// km wide, so few points fall in crossed cells.
const MIN_CELLS: usize = 1 << 18;
const MAX_CELLS: usize = 1 << 21;

/// What the grid says about a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cell {
    /// Every point of the cell is in this unit (lowest-numbered where units overlap).
    Unit(u32),
    /// Every point of the cell is outside all units.
    Outside,
    /// A boundary crosses the cell: ask the exact locator.
    Crossed,
}

#[derive(Debug)]
pub(super) struct Grid {
    west: f64,
    south: f64,
    east: f64,
    north: f64,
    cols: usize,
    rows: usize,
    dx: f64,
    dy: f64,
    cells: Vec<u32>,
}

impl Grid {
    /// The grid over `edges` (every edge of every unit), with `locate` the exact locator
    /// (asked about free cells' centres only). `None` when there is no edge.
    pub fn new(edges: &[Line<f64>], locate: impl Fn(Coord<f64>) -> Option<usize>) -> Option<Grid> {
        let first = edges.first()?;
        let (mut west, mut south) = (first.start.x, first.start.y);
        let (mut east, mut north) = (west, south);
        for c in edges.iter().flat_map(|l| [l.start, l.end]) {
            west = west.min(c.x);
            east = east.max(c.x);
            south = south.min(c.y);
            north = north.max(c.y);
        }
        let (w, h) = ((east - west).max(1e-6), (north - south).max(1e-6));
        let want = (edges.len() * CELLS_PER_EDGE).clamp(MIN_CELLS, MAX_CELLS) as f64;
        let cols = ((want * w / h).sqrt().ceil() as usize).clamp(1, 4096);
        let rows = ((want / cols as f64).ceil() as usize).clamp(1, 4096);
        let mut grid = Grid {
            west,
            south,
            east,
            north,
            cols,
            rows,
            dx: w / cols as f64,
            dy: h / rows as f64,
            cells: vec![OUTSIDE; cols * rows],
        };
        for line in edges {
            grid.mark(line);
        }
        grid.fill(locate);
        Some(grid)
    }

    /// The cell holding `c`, by index; `None` off the grid.
    fn index(&self, c: Coord<f64>) -> Option<(usize, usize)> {
        if !(self.west..=self.east).contains(&c.x) || !(self.south..=self.north).contains(&c.y) {
            return None;
        }
        let col = (((c.x - self.west) / self.dx) as usize).min(self.cols - 1);
        let row = (((c.y - self.south) / self.dy) as usize).min(self.rows - 1);
        Some((col, row))
    }

    /// The cell's rectangle, widened by [`CELL_PAD_DEG`].
    fn rect(&self, col: usize, row: usize) -> Rect<f64> {
        let x = self.west + col as f64 * self.dx;
        let y = self.south + row as f64 * self.dy;
        Rect::new(
            Coord {
                x: x - CELL_PAD_DEG,
                y: y - CELL_PAD_DEG,
            },
            Coord {
                x: x + self.dx + CELL_PAD_DEG,
                y: y + self.dy + CELL_PAD_DEG,
            },
        )
    }

    /// Marks the cells `line` intersects as crossed.
    fn mark(&mut self, line: &Line<f64>) {
        let lo = |v: f64, origin: f64, step: f64, n: usize| {
            (((v - CELL_PAD_DEG - origin) / step).floor().max(0.0) as usize).min(n - 1)
        };
        let hi = |v: f64, origin: f64, step: f64, n: usize| {
            (((v + CELL_PAD_DEG - origin) / step).floor().max(0.0) as usize).min(n - 1)
        };
        let (x0, x1) = (line.start.x.min(line.end.x), line.start.x.max(line.end.x));
        let (y0, y1) = (line.start.y.min(line.end.y), line.start.y.max(line.end.y));
        for row in lo(y0, self.south, self.dy, self.rows)..=hi(y1, self.south, self.dy, self.rows) {
            for col in lo(x0, self.west, self.dx, self.cols)..=hi(x1, self.west, self.dx, self.cols)
            {
                let i = row * self.cols + col;
                if self.cells[i] != CROSSED && line.intersects(&self.rect(col, row)) {
                    self.cells[i] = CROSSED;
                }
            }
        }
    }

    /// Gives every free cell its answer (see the module documentation).
    fn fill(&mut self, locate: impl Fn(Coord<f64>) -> Option<usize>) {
        for row in 0..self.rows {
            for col in 0..self.cols {
                let i = row * self.cols + col;
                if self.cells[i] == CROSSED {
                    continue;
                }
                let left = (col > 0).then(|| self.cells[i - 1]);
                let below = (row > 0).then(|| self.cells[i - self.cols]);
                self.cells[i] = match (left, below) {
                    (Some(v), _) if v != CROSSED => v,
                    (_, Some(v)) if v != CROSSED => v,
                    _ => {
                        let centre = Coord {
                            x: self.west + (col as f64 + 0.5) * self.dx,
                            y: self.south + (row as f64 + 0.5) * self.dy,
                        };
                        locate(centre).map_or(OUTSIDE, |u| u as u32)
                    }
                };
            }
        }
    }

    /// What the grid knows about `c`.
    pub fn cell(&self, c: Coord<f64>) -> Cell {
        match self.index(c) {
            None => Cell::Outside,
            Some((col, row)) => match self.cells[row * self.cols + col] {
                CROSSED => Cell::Crossed,
                OUTSIDE => Cell::Outside,
                u => Cell::Unit(u),
            },
        }
    }

    /// Share of cells a boundary crosses (for tests and tuning).
    #[cfg(test)]
    pub fn crossed_share(&self) -> f64 {
        self.cells.iter().filter(|&&c| c == CROSSED).count() as f64 / self.cells.len() as f64
    }
}
