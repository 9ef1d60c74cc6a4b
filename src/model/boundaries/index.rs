//! Fast point location in a set of areas (the country outline, ADM1 regions, ADM2
//! cercles): which unit contains a point, and which is nearest when none does.
//!
//! Containment uses geo's `IntervalTreeMultiPolygon` (an interval tree of edges by
//! latitude, winding-number test with robust predicates), one per polygon, found through
//! an rstar tree of polygon bounding boxes. Its `contains` excludes the boundary, so
//! points on an edge are found through a second rstar tree of all edges, which also
//! serves the nearest-unit search. Edges are plain lon/lat segments: areas crossing the
//! antimeridian are not supported.
//!
//! In front of both sits a [`Grid`]: most points fall in a cell that no edge crosses and
//! get their answer from the cell; crossed cells are split into sub-cells the same way,
//! and only points in crossed sub-cells take the exact path.

use std::fmt;

use geo::indexed::IntervalTreeMultiPolygon;
use geo::{
    BoundingRect, Contains, Coord, Distance, Geodesic, Intersects, Line, MultiPolygon, Point,
};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree, RTreeObject};

use super::grid::{Cell, Grid};
use crate::analysis::geodesy::{self, distance_bounds};
use crate::units::LonLat;

/// One edge of a unit's rings.
struct Edge {
    line: Line<f64>,
    unit: u32,
}

impl RTreeObject for Edge {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_corners(self.line.start.into(), self.line.end.into())
    }
}

/// The bounding box of one polygon, with its index in `AreaIndex::polygons`.
type PolygonBox = GeomWithData<Rectangle<[f64; 2]>, usize>;

pub(super) struct AreaIndex {
    /// (unit, indexed polygon), one per polygon of every unit.
    polygons: Vec<(u32, IntervalTreeMultiPolygon<f64>)>,
    boxes: RTree<PolygonBox>,
    edges: RTree<Edge>,
    /// Answers for points in cells no edge crosses; `None` without any edge.
    grid: Option<Grid>,
}

impl fmt::Debug for AreaIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AreaIndex")
            .field("polygons", &self.polygons.len())
            .field("edges", &self.edges.size())
            .finish()
    }
}

impl AreaIndex {
    /// Indexes the units, numbered in the order given. Rings must be oriented (exterior
    /// counter-clockwise, holes clockwise) so that holes wind to zero.
    pub fn new<'a>(units: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> AreaIndex {
        let mut polygons = Vec::new();
        let mut boxes = Vec::new();
        let mut edges = Vec::new();
        for (unit, mp) in units.into_iter().enumerate() {
            let unit = u32::try_from(unit).expect("fewer than 2^32 units");
            for poly in mp {
                let Some(r) = poly.bounding_rect() else {
                    continue;
                };
                boxes.push(PolygonBox::new(
                    Rectangle::from_corners(r.min().into(), r.max().into()),
                    polygons.len(),
                ));
                polygons.push((
                    unit,
                    IntervalTreeMultiPolygon::new(&MultiPolygon::new(vec![poly.clone()])),
                ));
                let rings = std::iter::once(poly.exterior()).chain(poly.interiors());
                edges.extend(
                    rings
                        .flat_map(|r| r.lines())
                        .map(|line| Edge { line, unit }),
                );
            }
        }
        let lines: Vec<Line<f64>> = edges.iter().map(|e| e.line).collect();
        let mut index = AreaIndex {
            polygons,
            boxes: RTree::bulk_load(boxes),
            edges: RTree::bulk_load(edges),
            grid: None,
        };
        let grid = Grid::new(&lines, &|c| index.locate_exact(c));
        index.grid = grid;
        index
    }

    pub fn is_empty(&self) -> bool {
        self.polygons.is_empty()
    }

    /// The unit containing `c`, boundary included. Where units overlap or share an edge
    /// the point is on, the lowest-numbered unit wins, so the answer is deterministic.
    /// Constant time for points in cells of the grid that no boundary crosses.
    pub fn locate(&self, c: Coord<f64>) -> Option<usize> {
        match self
            .grid
            .as_ref()
            .map(|g| g.cell(c, &|c| self.locate_exact(c)))
        {
            Some(Cell::Unit(u)) => Some(u as usize),
            Some(Cell::Outside) => None,
            Some(Cell::Crossed) | None => self.locate_exact(c),
        }
    }

    /// Asks the CPU cache for what [`Self::locate`] will read first for `c`.
    #[inline]
    pub fn prefetch(&self, c: Coord<f64>) {
        if let Some(g) = &self.grid {
            g.prefetch(c);
        }
    }

    /// [`Self::locate`] by the exact point-in-polygon tests alone.
    fn locate_exact(&self, c: Coord<f64>) -> Option<usize> {
        let at = AABB::from_point([c.x, c.y]);
        let mut best: Option<u32> = None;
        let mut in_a_box = false;
        for b in self.boxes.locate_in_envelope_intersecting(&at) {
            in_a_box = true;
            let (unit, poly) = &self.polygons[b.data];
            if best.is_none_or(|u| *unit < u) && poly.contains(&c) {
                best = Some(*unit);
            }
        }
        if best.is_none() && in_a_box {
            // Not strictly inside any polygon: on an edge?
            for e in self.edges.locate_in_envelope_intersecting(&at) {
                if best.is_none_or(|u| e.unit < u) && e.line.intersects(&c) {
                    best = Some(e.unit);
                }
            }
        }
        best.map(|u| u as usize)
    }

    /// The unit whose boundary is nearest to `c` (geodesic distance, WGS84) if within
    /// `max_km`, with that distance in km. Ties go to the lowest-numbered unit.
    pub fn nearest_within(&self, c: Coord<f64>, max_km: f64) -> Option<(usize, f64)> {
        self.nearest_point_within(c, max_km).map(|n| (n.unit, n.km))
    }

    /// [`Self::nearest_within`], with the nearest point of that unit's boundary.
    pub fn nearest_point_within(&self, c: Coord<f64>, max_km: f64) -> Option<NearestEdge> {
        let window = search_window(c, max_km);
        let scale = c.y.to_radians().cos();
        // Each edge's candidate point, with a guaranteed lower bound on its geodesic
        // distance (a few trigonometric calls): Karney's inverse solution, 20 times
        // dearer, runs only for candidates whose bound could still beat the best found,
        // nearest bound first. The answer is the one of solving every candidate (the
        // sort is stable, so equal bounds keep the tree's order).
        let lower_km = |q: Coord<f64>| match (LonLat::from_coord(c), LonLat::from_coord(q)) {
            (Some(a), Some(b)) => distance_bounds(a, b).0 / 1000.0,
            _ => 0.0,
        };
        let mut candidates: Vec<(f64, usize, Coord<f64>)> = self
            .edges
            .locate_in_envelope_intersecting(&window)
            .map(|e| {
                let q = closest_on_segment(c, e.line, scale);
                (lower_km(q), e.unit as usize, q)
            })
            .filter(|&(lower, ..)| lower <= max_km)
            .collect();
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut best: Option<NearestEdge> = None;
        for (lower, unit, q) in candidates {
            if best.is_some_and(|b| lower > b.km) {
                break;
            }
            let km = Geodesic.distance(Point(c), Point(q)) / 1000.0;
            if km <= max_km && best.is_none_or(|b| km < b.km || (km == b.km && unit < b.unit)) {
                best = Some(NearestEdge { unit, km, point: q });
            }
        }
        best
    }
}

/// A lon/lat box holding every point within `max_km` of `c`.
fn search_window(c: Coord<f64>, max_km: f64) -> AABB<[f64; 2]> {
    let (dlat, dlon) = geodesy::reach_deg(c.y, max_km * 1000.0);
    AABB::from_corners([c.x - dlon, c.y - dlat], [c.x + dlon, c.y + dlat])
}

/// The nearest point of a unit's boundary to a query point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearestEdge {
    pub unit: usize,
    /// Geodesic distance from the query point, km.
    pub km: f64,
    pub point: Coord<f64>,
}

/// The point of segment `l` closest to `c` in a local equirectangular frame (longitudes
/// scaled by `scale` = cos(latitude)), good to well under a percent at tens of km.
/// (geo's closest-point algorithms work in raw degrees or on the sphere per geometry;
/// here we need it per edge found by the index.)
fn closest_on_segment(c: Coord<f64>, l: Line<f64>, scale: f64) -> Coord<f64> {
    let (ax, ay) = ((l.start.x - c.x) * scale, l.start.y - c.y);
    let (dx, dy) = ((l.end.x - l.start.x) * scale, l.end.y - l.start.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    l.start + (l.end - l.start) * t
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Orient, coord, orient::Direction, polygon};

    fn square_with_hole() -> MultiPolygon<f64> {
        MultiPolygon::new(vec![polygon!(
            exterior: [(x: 0., y: 0.), (x: 4., y: 0.), (x: 4., y: 4.), (x: 0., y: 4.)],
            interiors: [[(x: 1., y: 1.), (x: 3., y: 1.), (x: 3., y: 3.), (x: 1., y: 3.)]],
        )])
        .orient(Direction::Default)
    }

    fn right_square() -> MultiPolygon<f64> {
        MultiPolygon::new(vec![polygon![
            (x: 4., y: 0.), (x: 8., y: 0.), (x: 8., y: 4.), (x: 4., y: 4.)
        ]])
    }

    #[test]
    fn holes_boundaries_and_ties() {
        let (a, b) = (square_with_hole(), right_square());
        let idx = AreaIndex::new([&a, &b]);
        assert_eq!(idx.locate(coord! { x: 0.5, y: 0.5 }), Some(0));
        assert_eq!(idx.locate(coord! { x: 2., y: 2. }), None, "in the hole");
        assert_eq!(
            idx.locate(coord! { x: 1., y: 2. }),
            Some(0),
            "on the hole's edge"
        );
        assert_eq!(idx.locate(coord! { x: 0., y: 0. }), Some(0), "on a corner");
        assert_eq!(
            idx.locate(coord! { x: 4., y: 2. }),
            Some(0),
            "shared edge: lowest unit"
        );
        assert_eq!(idx.locate(coord! { x: 6., y: 2. }), Some(1));
        assert_eq!(idx.locate(coord! { x: 9., y: 2. }), None);
        // Same shapes listed the other way round: the shared edge goes to the other one.
        let idx = AreaIndex::new([&b, &a]);
        assert_eq!(idx.locate(coord! { x: 4., y: 2. }), Some(0));
    }

    #[test]
    fn nearest_is_by_geodesic_distance() {
        let (a, b) = (square_with_hole(), right_square());
        let idx = AreaIndex::new([&a, &b]);
        // 0.1° east of the right square at the equator: ~11.1 km.
        let (u, d) = idx.nearest_within(coord! { x: 8.1, y: 2. }, 25.0).unwrap();
        assert_eq!(u, 1);
        assert!((d - 11.13).abs() < 0.05, "{d}");
        assert!(idx.nearest_within(coord! { x: 8.3, y: 2. }, 25.0).is_none());
        // In the hole, 1° from every edge of unit 0.
        assert_eq!(
            idx.nearest_within(coord! { x: 2., y: 2. }, 200.0)
                .unwrap()
                .0,
            0
        );
    }
}

/// The grid against the exact locator on the real boundaries of the built-in study.
#[cfg(test)]
mod grid_tests {
    use geo::{Coord, CoordsIter};

    use crate::model::{Boundaries, Study};

    use crate::analysis::geodesy::tests::unit_stream as stream;

    #[test]
    fn grid_locator_equals_exact_point_in_polygon() {
        let b = Boundaries::load(&Study::mali()).unwrap();
        let layers = [
            (&b.outline_index, vec![b.outline().clone()]),
            (
                &b.region_index,
                b.regions()
                    .items
                    .iter()
                    .map(|r| r.geometry.clone())
                    .collect(),
            ),
            (
                &b.cercle_index,
                b.cercles()
                    .items
                    .iter()
                    .map(|c| c.geometry.clone())
                    .collect(),
            ),
        ];
        let mut u = stream(9);
        for (index, units) in layers {
            let grid = index.grid.as_ref().expect("a grid");
            assert!(
                grid.crossed_cell_share() < 0.1,
                "{}",
                grid.crossed_cell_share()
            );
            let mut points: Vec<Coord<f64>> = (0..20_000)
                .map(|_| Coord {
                    x: -13.5 + 10.0 * u(),
                    y: 9.5 + 16.0 * u(),
                })
                .collect();
            // On every vertex, and a hair and a little off it in eight directions.
            for v in units.iter().flat_map(|m| m.coords_iter()) {
                points.push(v);
                for k in 0..8 {
                    let a = f64::from(k) * std::f64::consts::FRAC_PI_4;
                    for r in [1e-12, 1e-9, 1e-6, 1e-3] {
                        points.push(Coord {
                            x: v.x + r * a.cos(),
                            y: v.y + r * a.sin(),
                        });
                    }
                }
            }
            for c in points {
                assert_eq!(index.locate(c), index.locate_exact(c), "{c:?}");
            }
        }
    }

    /// Points in crossed cells, on a lattice that includes every sub-cell's corners and
    /// points a hair off them, get the exact answer; and few points are left to the
    /// exact path once cells are split.
    #[test]
    fn split_cells_answer_like_the_exact_test() {
        let b = Boundaries::load(&Study::mali()).unwrap();
        for index in [&b.outline_index, &b.region_index, &b.cercle_index] {
            let grid = index.grid.as_ref().expect("a grid");
            let exact = |c| index.locate_exact(c);
            let share = grid.crossed_share(&exact);
            assert!(share < 0.02, "{share}");
            for r in grid.crossed_rects().step_by(5) {
                for i in 0..=16 {
                    for j in 0..=16 {
                        for off in [0.0, 1e-10, -1e-10, 3e-7] {
                            let c = Coord {
                                x: r.min().x + r.width() * f64::from(i) / 16.0 + off,
                                y: r.min().y + r.height() * f64::from(j) / 16.0 - off,
                            };
                            assert_eq!(index.locate(c), index.locate_exact(c), "{c:?}");
                        }
                    }
                }
            }
        }
    }

    /// The nearest search solves Karney's problem only where the bounds leave a doubt;
    /// the answer must be the one of solving it for every edge in reach.
    #[test]
    fn pruned_nearest_equals_solving_every_edge() {
        use geo::{Distance, Geodesic, Point};
        let b = Boundaries::load(&Study::mali()).unwrap();
        let index = &b.cercle_index;
        let every = |c: Coord<f64>, max_km: f64| {
            let scale = c.y.to_radians().cos();
            let mut best: Option<(usize, f64, Coord<f64>)> = None;
            // Every edge in a window twice as wide as the search's.
            let window = super::search_window(c, 2.0 * max_km);
            for e in index.edges.locate_in_envelope_intersecting(&window) {
                let q = super::closest_on_segment(c, e.line, scale);
                let km = Geodesic.distance(Point(c), Point(q)) / 1000.0;
                let unit = e.unit as usize;
                if km <= max_km && best.is_none_or(|(u, d, _)| km < d || (km == d && unit < u)) {
                    best = Some((unit, km, q));
                }
            }
            best
        };
        let mut u = stream(11);
        for k in 0..2000 {
            let c = Coord {
                x: -13.0 + 9.0 * u(),
                y: 10.0 + 15.0 * u(),
            };
            let max_km = [0.5, 5.0, 25.0, 100.0][k % 4];
            let got = index
                .nearest_point_within(c, max_km)
                .map(|n| (n.unit, n.km, n.point));
            assert_eq!(got, every(c, max_km), "{c:?} within {max_km} km");
        }
    }
}
