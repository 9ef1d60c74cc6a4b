//! A regular lon/lat grid over a set of areas that answers point location in constant
//! time for most points: a cell that no edge touches lies wholly inside one unit (or
//! outside all), so every point in it gets the same answer; only points in cells that
//! an edge crosses need more.
//!
//! Built in two passes. Each edge marks the cells it intersects (geo's exact
//! segment-rectangle test, on cells widened by [`CELL_PAD_DEG`] so that rounding in the
//! point-to-cell arithmetic cannot put a point in a cell whose test missed an edge).
//! Then the free cells are filled row by row: two free cells side by side share an edge
//! with no boundary on it, so the answer carries over from the left or upper neighbour,
//! and the exact locator is asked only for a free cell whose left and upper neighbours
//! are both crossed (or off the grid), at the cell's centre.
//!
//! A crossed cell is split the same way into [`SUB`]×[`SUB`] sub-cells the first time a
//! point falls in it (on distinct-coordinate data a country's crossed cells are met
//! tens of times each; built eagerly they would cost every small run a few hundred
//! thousand exact tests). A free sub-cell takes its answer from a free cell beside
//! the crossed one, through the side they share; only a group of free sub-cells that
//! touches no free cell asks the exact locator. Points in crossed sub-cells (about one
//! in a hundred on country data) take the exact path.

use std::sync::OnceLock;

use geo::{Coord, Intersects, Line, Rect};

/// A cell crossed by an edge: the exact test decides.
const CROSSED: u32 = u32::MAX;
/// A free cell outside every unit.
const OUTSIDE: u32 = u32::MAX - 1;
/// A crossed cell once numbered: `SPLIT + k` is the k-th crossed cell (its edges and
/// sub-cells are kept under that number). Units are numbered below.
const SPLIT: u32 = 1 << 31;
/// Sub-cells per side of a crossed cell.
const SUB: usize = 8;
/// A sub-cell not given its answer yet, and one whose group is being gathered (while a
/// block is made).
const UNSET: u32 = u32::MAX - 2;
const TAKEN: u32 = u32::MAX - 3;
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

/// The exact locator: the unit containing a point (lowest-numbered on ties).
pub(super) type Exact<'a> = &'a dyn Fn(Coord<f64>) -> Option<usize>;

/// A regular lattice of `cols` × `rows` cells of `dx` × `dy` degrees from `west`,
/// `south`: the grid itself, and each crossed cell's sub-cells.
#[derive(Debug, Clone, Copy)]
struct Lattice {
    west: f64,
    south: f64,
    dx: f64,
    dy: f64,
    cols: usize,
    rows: usize,
}

impl Lattice {
    /// The south-west corner of the cell at `col`, `row`, with `(fx, fy)` the position
    /// in it (0 to 1 across, each way): (0, 0) is the corner, (0.5, 0.5) the centre.
    fn at(&self, col: usize, row: usize, fx: f64, fy: f64) -> Coord<f64> {
        Coord {
            x: self.west + (col as f64 + fx) * self.dx,
            y: self.south + (row as f64 + fy) * self.dy,
        }
    }

    /// The cell's rectangle, widened by [`CELL_PAD_DEG`] when `pad`.
    fn rect(&self, col: usize, row: usize, pad: bool) -> Rect<f64> {
        let p = if pad { CELL_PAD_DEG } else { 0.0 };
        let (a, b) = (self.at(col, row, 0.0, 0.0), self.at(col, row, 1.0, 1.0));
        Rect::new(
            Coord {
                x: a.x - p,
                y: a.y - p,
            },
            Coord {
                x: b.x + p,
                y: b.y + p,
            },
        )
    }

    /// The cell at `col`, `row` split into `SUB` × `SUB` cells.
    fn split(&self, col: usize, row: usize) -> Lattice {
        let sw = self.at(col, row, 0.0, 0.0);
        Lattice {
            west: sw.x,
            south: sw.y,
            dx: self.dx / SUB as f64,
            dy: self.dy / SUB as f64,
            cols: SUB,
            rows: SUB,
        }
    }

    /// Calls `f` with every cell (column, row) that `line` intersects, by geo's exact
    /// segment-rectangle test on the cells widened by [`CELL_PAD_DEG`].
    fn crossed_by(&self, line: &Line<f64>, mut f: impl FnMut(usize, usize)) {
        let lo = |v: f64, origin: f64, step: f64, n: usize| {
            (((v - CELL_PAD_DEG - origin) / step).floor().max(0.0) as usize).min(n - 1)
        };
        let hi = |v: f64, origin: f64, step: f64, n: usize| {
            (((v + CELL_PAD_DEG - origin) / step).floor().max(0.0) as usize).min(n - 1)
        };
        let (x0, x1) = (line.start.x.min(line.end.x), line.start.x.max(line.end.x));
        let (y0, y1) = (line.start.y.min(line.end.y), line.start.y.max(line.end.y));
        // A line wholly off the lattice (possible for a split cell: the line's box may
        // overlap the cell only through the padding) clamps to the border cells, which
        // the exact test then rejects.
        let (s, w, dy, dx) = (self.south, self.west, self.dy, self.dx);
        for row in lo(y0, s, dy, self.rows)..=hi(y1, s, dy, self.rows) {
            for col in lo(x0, w, dx, self.cols)..=hi(x1, w, dx, self.cols) {
                if line.intersects(&self.rect(col, row, true)) {
                    f(col, row);
                }
            }
        }
    }
}

#[derive(Debug)]
pub(super) struct Grid {
    lattice: Lattice,
    east: f64,
    north: f64,
    /// Per cell: a unit, `OUTSIDE`, or `SPLIT + k` for the k-th crossed cell (while
    /// built; then in `narrow` when that fits, and this is emptied).
    cells: Vec<u32>,
    /// The cells in two bytes each where units, outside and crossed cells fit: code
    /// `u < units` is unit u, `units` is outside, `units + 1 + k` the k-th crossed cell.
    /// Half the memory is half the cache misses: points with distinct coordinates meet
    /// the cells in no order, and this lookup runs for every event.
    narrow: Vec<u16>,
    /// Units in the narrow code.
    units: u32,
    /// Per crossed cell: its index in `cells`.
    crossed: Vec<u32>,
    /// The edges crossing the k-th crossed cell are `lines[starts[k]..starts[k + 1]]`.
    starts: Vec<u32>,
    lines: Vec<Line<f64>>,
    /// Per crossed cell: its sub-cells' answers (unit, `OUTSIDE` or `CROSSED`), row by
    /// row from the south-west, made when first asked.
    blocks: Vec<OnceLock<Box<[u32; SUB * SUB]>>>,
}

impl Grid {
    /// The grid over `edges` (every edge of every unit), with `locate` the exact locator
    /// (asked about free cells' centres only). `None` when there is no edge.
    pub fn new(edges: &[Line<f64>], locate: Exact<'_>) -> Option<Grid> {
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
            lattice: Lattice {
                west,
                south,
                dx: w / cols as f64,
                dy: h / rows as f64,
                cols,
                rows,
            },
            east,
            north,
            cells: vec![OUTSIDE; cols * rows],
            narrow: Vec::new(),
            units: 0,
            crossed: Vec::new(),
            starts: Vec::new(),
            lines: Vec::new(),
            blocks: Vec::new(),
        };
        // (cell, edge) for every cell an edge crosses.
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for (e, line) in edges.iter().enumerate() {
            grid.mark(line, |cell| pairs.push((cell as u32, e as u32)));
        }
        grid.fill(locate);
        grid.number_crossed(edges, pairs);
        Some(grid)
    }

    /// Numbers the crossed cells in `cells` and keeps each one's edges.
    fn number_crossed(&mut self, edges: &[Line<f64>], mut pairs: Vec<(u32, u32)>) {
        pairs.sort_unstable();
        for (i, v) in self.cells.iter_mut().enumerate() {
            if *v == CROSSED {
                *v = SPLIT + self.crossed.len() as u32;
                self.crossed.push(i as u32);
            }
        }
        assert!(self.crossed.len() < (TAKEN - SPLIT) as usize);
        let mut at = 0;
        for &cell in &self.crossed {
            self.starts.push(self.lines.len() as u32);
            while at < pairs.len() && pairs[at].0 == cell {
                self.lines.push(edges[pairs[at].1 as usize]);
                at += 1;
            }
        }
        self.starts.push(self.lines.len() as u32);
        self.blocks = (0..self.crossed.len()).map(|_| OnceLock::new()).collect();
        self.narrow();
    }

    /// Moves the cells to `narrow` if their codes fit in two bytes.
    fn narrow(&mut self) {
        let units = self
            .cells
            .iter()
            .filter(|&&v| v < SPLIT)
            .map(|&v| v + 1)
            .max()
            .unwrap_or(0);
        if units as usize + 1 + self.crossed.len() > usize::from(u16::MAX) + 1 {
            return;
        }
        self.units = units;
        self.narrow = self
            .cells
            .iter()
            .map(|&v| match v {
                OUTSIDE => units as u16,
                v if v >= SPLIT => (units + 1 + (v - SPLIT)) as u16,
                u => u as u16,
            })
            .collect();
        self.cells = Vec::new();
    }

    /// The code of cell `i`: a unit, `OUTSIDE` or `SPLIT + k`.
    #[inline]
    fn code(&self, i: usize) -> u32 {
        if self.narrow.is_empty() {
            return self.cells[i];
        }
        match u32::from(self.narrow[i]) {
            u if u < self.units => u,
            u if u == self.units => OUTSIDE,
            k => SPLIT + (k - self.units - 1),
        }
    }

    /// The cell holding `c`, by index and by its position in the cell (0 to 1 across,
    /// each way); `None` off the grid.
    fn index(&self, c: Coord<f64>) -> Option<(usize, usize, f64, f64)> {
        let l = &self.lattice;
        if !(l.west..=self.east).contains(&c.x) || !(l.south..=self.north).contains(&c.y) {
            return None;
        }
        let (fx, fy) = ((c.x - l.west) / l.dx, (c.y - l.south) / l.dy);
        let col = (fx as usize).min(l.cols - 1);
        let row = (fy as usize).min(l.rows - 1);
        Some((col, row, fx - col as f64, fy - row as f64))
    }

    /// Calls `crossed` with the index of every cell `line` intersects (and marks it).
    fn mark(&mut self, line: &Line<f64>, mut crossed: impl FnMut(usize)) {
        let cols = self.lattice.cols;
        let cells = &mut self.cells;
        self.lattice.crossed_by(line, |col, row| {
            let i = row * cols + col;
            cells[i] = CROSSED;
            crossed(i);
        });
    }

    /// Gives every free cell its answer (see the module documentation).
    fn fill(&mut self, locate: Exact<'_>) {
        let l = self.lattice;
        for row in 0..l.rows {
            for col in 0..l.cols {
                let i = row * l.cols + col;
                if self.cells[i] == CROSSED {
                    continue;
                }
                let left = (col > 0).then(|| self.cells[i - 1]);
                let below = (row > 0).then(|| self.cells[i - l.cols]);
                self.cells[i] = match (left, below) {
                    (Some(v), _) if v != CROSSED => v,
                    (_, Some(v)) if v != CROSSED => v,
                    _ => locate(l.at(col, row, 0.5, 0.5)).map_or(OUTSIDE, |u| u as u32),
                };
            }
        }
    }

    /// Asks the CPU cache for the cell holding `c` (see [`crate::cache`]): a lookup
    /// some points later then finds it there.
    #[inline]
    pub fn prefetch(&self, c: Coord<f64>) {
        if let Some((col, row, _, _)) = self.index(c) {
            let i = row * self.lattice.cols + col;
            match self.narrow.get(i) {
                Some(code) => crate::cache::prefetch(code),
                None => crate::cache::prefetch(&self.cells[i]),
            }
        }
    }

    /// What the grid knows about `c`; `locate` is the exact locator, asked when a
    /// crossed cell is split.
    pub fn cell(&self, c: Coord<f64>, locate: Exact<'_>) -> Cell {
        let Some((col, row, fx, fy)) = self.index(c) else {
            return Cell::Outside;
        };
        let v = match self.code(row * self.lattice.cols + col) {
            v if (SPLIT..TAKEN).contains(&v) => {
                let k = (v - SPLIT) as usize;
                let block = self.blocks[k].get_or_init(|| self.split(k, locate));
                let sub = |f: f64| ((f * SUB as f64) as usize).min(SUB - 1);
                block[sub(fy) * SUB + sub(fx)]
            }
            v => v,
        };
        match v {
            CROSSED => Cell::Crossed,
            OUTSIDE => Cell::Outside,
            u => Cell::Unit(u),
        }
    }

    /// The free answer of the cell at `col`, `row` (a unit or `OUTSIDE`), if the cell
    /// is on the grid and free.
    fn free(&self, col: isize, row: isize) -> Option<u32> {
        let l = &self.lattice;
        if col < 0 || row < 0 || col as usize >= l.cols || row as usize >= l.rows {
            return None;
        }
        let v = self.code(row as usize * l.cols + col as usize);
        (!(SPLIT..TAKEN).contains(&v)).then_some(v)
    }

    /// The sub-cells of the k-th crossed cell (see the module documentation).
    fn split(&self, k: usize, locate: Exact<'_>) -> Box<[u32; SUB * SUB]> {
        let i = self.crossed[k] as usize;
        let (col, row) = (i % self.lattice.cols, i / self.lattice.cols);
        let sub = self.lattice.split(col, row);
        let mut block = Box::new([UNSET; SUB * SUB]);
        let lines = &self.lines[self.starts[k] as usize..self.starts[k + 1] as usize];
        for line in lines {
            sub.crossed_by(line, |sc, sr| block[sr * SUB + sc] = CROSSED);
        }
        // Each group of free sub-cells (side by side) gets one answer: from a free cell
        // beside the crossed one that a sub-cell of the group touches, else the exact one
        // at the first sub-cell's centre.
        let (col, row) = (col as isize, row as isize);
        let mut group = Vec::with_capacity(SUB * SUB);
        for first in 0..SUB * SUB {
            if block[first] != UNSET {
                continue;
            }
            group.clear();
            group.push(first);
            block[first] = TAKEN;
            let mut at = 0;
            let mut answer = None;
            while at < group.len() {
                let s = group[at];
                at += 1;
                let (sc, sr) = ((s % SUB) as isize, (s / SUB) as isize);
                for (dc, dr) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                    let (nc, nr) = (sc + dc, sr + dr);
                    if (0..SUB as isize).contains(&nc) && (0..SUB as isize).contains(&nr) {
                        let n = nr as usize * SUB + nc as usize;
                        if block[n] == UNSET {
                            block[n] = TAKEN;
                            group.push(n);
                        }
                    } else if answer.is_none() {
                        answer = self.free(col + dc, row + dr);
                    }
                }
            }
            let answer = answer.unwrap_or_else(|| {
                let centre = sub.at(first % SUB, first / SUB, 0.5, 0.5);
                locate(centre).map_or(OUTSIDE, |u| u as u32)
            });
            for &s in &group {
                block[s] = answer;
            }
        }
        block
    }

    /// Share of the grid's area whose points take the exact path, with every crossed
    /// cell split (for tests and tuning).
    #[cfg(test)]
    pub fn crossed_share(&self, locate: Exact<'_>) -> f64 {
        let sub = (0..self.crossed.len())
            .map(|k| {
                let b = self.blocks[k].get_or_init(|| self.split(k, locate));
                b.iter().filter(|&&v| v == CROSSED).count()
            })
            .sum::<usize>();
        sub as f64 / (self.lattice.cols * self.lattice.rows * SUB * SUB) as f64
    }

    /// The cells back in four bytes each (for tests of the two forms).
    #[cfg(test)]
    fn widen(&mut self) {
        let n = self.lattice.cols * self.lattice.rows;
        self.cells = (0..n).map(|i| self.code(i)).collect();
        self.narrow = Vec::new();
    }

    /// The rectangles of the crossed cells (for tests).
    #[cfg(test)]
    pub fn crossed_rects(&self) -> impl Iterator<Item = Rect<f64>> + '_ {
        let l = self.lattice;
        self.crossed
            .iter()
            .map(move |&i| l.rect(i as usize % l.cols, i as usize / l.cols, false))
    }

    /// Share of cells a boundary crosses (for tests and tuning).
    #[cfg(test)]
    pub fn crossed_cell_share(&self) -> f64 {
        self.crossed.len() as f64 / (self.lattice.cols * self.lattice.rows) as f64
    }
}

#[cfg(test)]
mod tests {
    use geo::{Contains, Coord, Intersects, LineString, Polygon};

    use super::{Cell, Grid};
    use crate::analysis::geodesy::tests::unit_stream as stream;

    /// Three triangles, two sharing an edge, one inside another's bounding box.
    fn units() -> Vec<Polygon<f64>> {
        let tri = |a: (f64, f64), b: (f64, f64), c: (f64, f64)| {
            Polygon::new(LineString::from(vec![a, b, c, a]), vec![])
        };
        vec![
            tri((0.0, 0.0), (4.0, 0.0), (0.0, 3.0)),
            tri((4.0, 0.0), (0.0, 3.0), (4.0, 3.0)),
            tri((1.0, 4.0), (3.0, 4.0), (2.0, 5.5)),
        ]
    }

    /// The exact answer: the lowest-numbered unit containing the point, edges included.
    fn exact(units: &[Polygon<f64>], c: Coord<f64>) -> Option<usize> {
        units
            .iter()
            .position(|p| p.contains(&c) || p.exterior().intersects(&c))
    }

    #[test]
    fn narrow_and_wide_cells_give_the_exact_answer() {
        let polys = units();
        let edges: Vec<_> = polys.iter().flat_map(|p| p.exterior().lines()).collect();
        let locate = |c| exact(&polys, c);
        let narrow = Grid::new(&edges, &locate).expect("a grid");
        assert!(!narrow.narrow.is_empty(), "three units fit in two bytes");
        let mut wide = Grid::new(&edges, &locate).expect("a grid");
        wide.widen();
        let mut u = stream(3);
        let mut exact_path = 0;
        for _ in 0..50_000 {
            let c = Coord {
                x: -0.5 + 5.0 * u(),
                y: -0.5 + 6.5 * u(),
            };
            let want = locate(c);
            for grid in [&narrow, &wide] {
                match grid.cell(c, &locate) {
                    Cell::Unit(got) => assert_eq!(Some(got as usize), want, "{c:?}"),
                    Cell::Outside => assert_eq!(None, want, "{c:?}"),
                    Cell::Crossed => exact_path += 1,
                }
            }
        }
        assert!(
            exact_path < 200,
            "{exact_path} of 100000 left to the exact test"
        );
    }
}
