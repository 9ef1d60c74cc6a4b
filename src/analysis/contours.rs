//! Isolines of density grids: the area where a density is at least a threshold, as
//! polygons in the grid's map metres (marching squares with linear interpolation between
//! cell centres, by the `contour` crate).

use contour::ContourBuilder;
use geo::{Coord, LineString, MultiPolygon, Polygon};

use crate::analysis::density::DensityGrid;
use crate::error::{Error, Result};

/// The area of `grid` where the density is ≥ `threshold` (in the grid's unit), as
/// polygons (with holes) in the grid's map metres. Values are taken at cell centres and
/// interpolated linearly between them; outside the grid counts as below any threshold,
/// so every ring is closed.
pub fn at_least(grid: &DensityGrid, threshold: f64) -> Result<MultiPolygon<f64>> {
    if !(threshold.is_finite() && threshold > 0.0) {
        return Err(Error::Usage(format!(
            "a density threshold must be above zero, not {threshold}"
        )));
    }
    let s = grid.spec;
    let values: Vec<f64> = grid.values.iter().map(|v| f64::from(*v)).collect();
    // Contours in grid units (x right, y down; cell (c, r) spans [c, c+1] × [r, r+1]),
    // moved to map metres here: the crate's own origin and step would flip the rings'
    // orientation with the north-up (negative) y step and swap polygons and holes.
    let contours = ContourBuilder::new(s.width, s.height, true)
        .contours(&values, &[threshold])
        .map_err(|e| Error::Usage(format!("isolines at {threshold}: {e:?}")))?;
    let to_map = |c: &Coord<f64>| Coord {
        x: s.x0 + c.x * s.cell_m,
        y: s.y0 - c.y * s.cell_m,
    };
    let ring = |l: &LineString<f64>| l.coords().map(to_map).collect::<LineString<f64>>();
    Ok(contours
        .into_iter()
        .flat_map(|c| c.into_inner().0.0)
        .map(|p| Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect()))
        .collect())
}

#[cfg(test)]
mod tests {
    use geo::{Contains, Intersects};

    use super::*;
    use crate::analysis::density::{GridSpec, Kernel, bin, density};

    const CELL: f64 = 1_000.0;
    const H: f64 = 25_000.0;

    fn one_event_grid() -> (DensityGrid, [f64; 2]) {
        let spec = GridSpec {
            x0: 0.0,
            y0: 100_000.0,
            cell_m: CELL,
            width: 100,
            height: 100,
        };
        let at = [50_000.0, 50_000.0];
        let binned = bin(&spec, Kernel::Quartic.support_m(H), &[at], None);
        (density(&binned, Kernel::Quartic, H), at)
    }

    /// The continuous quartic kernel of one event, in events per 1,000 km², at r metres.
    fn quartic(r: f64) -> f64 {
        3.0 / (std::f64::consts::PI * H * H) * (1.0 - (r / H).powi(2)).powi(2) * 1e9
    }

    #[test]
    fn one_event_gives_a_closed_ring_at_the_analytic_radius() {
        let (grid, at) = one_event_grid();
        for radius in [5_000.0, 12_500.0, 20_000.0] {
            let area = at_least(&grid, quartic(radius)).unwrap();
            assert_eq!(area.0.len(), 1, "one polygon at {radius} m");
            let p = &area.0[0];
            assert!(p.interiors().is_empty());
            let ring = p.exterior();
            assert!(ring.is_closed() && ring.0.len() > 8);
            for c in ring.coords() {
                let r = (c.x - at[0]).hypot(c.y - at[1]);
                assert!(
                    (r - radius).abs() <= CELL,
                    "vertex at {r:.0} m, expected {radius} m within a cell"
                );
            }
            assert!(p.contains(&geo::Point::new(at[0], at[1])));
        }
    }

    #[test]
    fn nested_thresholds_do_not_cross() {
        // Several events: a lumpy density with several peaks.
        let spec = GridSpec {
            x0: 0.0,
            y0: 200_000.0,
            cell_m: 2_000.0,
            width: 100,
            height: 100,
        };
        let pts: Vec<[f64; 2]> = (0..40)
            .map(|i| {
                let t = f64::from(i);
                [
                    100_000.0 + 60_000.0 * (t * 0.7).sin(),
                    100_000.0 + 50_000.0 * (t * 1.3).cos(),
                ]
            })
            .collect();
        let grid = density(&bin(&spec, H, &pts, None), Kernel::Quartic, H);
        let max = f64::from(grid.max());
        let levels = [0.1, 0.3, 0.6].map(|f| at_least(&grid, f * max).unwrap());
        for w in levels.windows(2) {
            let (outer, inner) = (&w[0], &w[1]);
            assert!(!inner.0.is_empty());
            for p in &inner.0 {
                assert!(
                    outer.contains(p),
                    "a higher level's area outside the lower's"
                );
                for q in &outer.0 {
                    assert!(
                        !p.exterior().intersects(q.exterior()),
                        "isolines cross or touch"
                    );
                }
            }
        }
    }

    #[test]
    fn thresholds_must_be_positive() {
        let (grid, _) = one_event_grid();
        assert!(at_least(&grid, 0.0).is_err());
        assert!(at_least(&grid, f64::NAN).is_err());
        assert!(at_least(&grid, 1e30).unwrap().0.is_empty());
    }
}
