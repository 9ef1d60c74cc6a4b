//! The polygon of a set of regions: their union, cleaned of the artefacts that adjoining
//! units leave when their shared edges do not match vertex for vertex (geoBoundaries'
//! regions of Mali do not): interior rings that enclose no area and edges that go out
//! and back ("spikes"). QGIS draws those as stray lines, and they add hundreds of
//! kilometres of outline that is not there.

use geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Polygon};

/// Interior rings (and exterior pieces) smaller than this, in square degrees (~1 km² at
/// Mali's latitudes), are gaps between units, not holes of the set.
const MIN_AREA_DEG2: f64 = 1e-4;

/// The union of `parts`, without slivers and spikes.
pub fn union_clean<'a>(
    parts: impl IntoIterator<Item = &'a MultiPolygon<f64>>,
) -> MultiPolygon<f64> {
    let union = parts
        .into_iter()
        .fold(MultiPolygon::new(Vec::new()), |acc, p| acc.union(p));
    clean(&union)
}

/// `mp` without interior rings or pieces below [`MIN_AREA_DEG2`] and without spikes.
pub fn clean(mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    let polys = mp
        .iter()
        .filter_map(|p| {
            let exterior = despike(p.exterior())?;
            if ring_area(&exterior) < MIN_AREA_DEG2 {
                return None;
            }
            let interiors = p
                .interiors()
                .iter()
                .filter_map(despike)
                .filter(|r| ring_area(r) >= MIN_AREA_DEG2)
                .collect();
            Some(Polygon::new(exterior, interiors))
        })
        .collect();
    MultiPolygon::new(polys)
}

fn ring_area(r: &LineString<f64>) -> f64 {
    Polygon::new(r.clone(), Vec::new()).unsigned_area()
}

/// The ring without repeated vertices and without out-and-back runs (… A, B, A …
/// becomes … A …), repeated until none is left; `None` if fewer than three distinct
/// vertices remain.
fn despike(ring: &LineString<f64>) -> Option<LineString<f64>> {
    // Open ring (the closing vertex dropped), consecutive duplicates removed.
    let mut pts: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for c in ring.0.iter().copied() {
        if pts.last() != Some(&c) {
            pts.push(c);
        }
    }
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    // A stack walk: a vertex whose next equals its previous is the tip of a spike.
    let mut changed = true;
    while changed && pts.len() >= 3 {
        changed = false;
        let mut out: Vec<Coord<f64>> = Vec::with_capacity(pts.len());
        for c in pts.iter().copied() {
            if out.len() >= 2 && out[out.len() - 2] == c {
                out.pop();
                changed = true;
            } else if out.last() != Some(&c) {
                out.push(c);
            }
        }
        // Spikes across the start of the ring.
        while out.len() >= 3 && (out[out.len() - 1] == out[1] || out[out.len() - 2] == out[0]) {
            if out[out.len() - 1] == out[1] {
                out.remove(0);
            } else {
                out.pop();
            }
            changed = true;
        }
        pts = out;
    }
    if pts.len() < 3 {
        return None;
    }
    pts.push(pts[0]);
    Some(LineString::new(pts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, polygon};

    #[test]
    fn spikes_and_zero_area_rings_are_removed() {
        // A square with a spike out of its top edge and a hole that goes out and back.
        let exterior = LineString::new(vec![
            coord! { x: 0.0, y: 0.0 },
            coord! { x: 2.0, y: 0.0 },
            coord! { x: 2.0, y: 2.0 },
            coord! { x: 1.0, y: 2.0 },
            coord! { x: 1.0, y: 3.0 },
            coord! { x: 1.0, y: 2.0 },
            coord! { x: 0.0, y: 2.0 },
            coord! { x: 0.0, y: 0.0 },
        ]);
        let sliver = LineString::new(vec![
            coord! { x: 0.5, y: 0.5 },
            coord! { x: 1.5, y: 0.5 },
            coord! { x: 0.5, y: 0.5 },
        ]);
        let real_hole = LineString::new(vec![
            coord! { x: 0.5, y: 0.5 },
            coord! { x: 0.5, y: 1.0 },
            coord! { x: 1.0, y: 1.0 },
            coord! { x: 0.5, y: 0.5 },
        ]);
        let mp = MultiPolygon::new(vec![Polygon::new(exterior, vec![sliver, real_hole])]);
        let c = clean(&mp);
        assert_eq!(c.0.len(), 1);
        let p = &c.0[0];
        assert_eq!(p.exterior().0.len(), 6, "{:?}", p.exterior());
        assert!(p.exterior().0.iter().all(|c| c.y <= 2.0));
        assert_eq!(p.interiors().len(), 1, "only the hole with an area stays");
        assert!((p.unsigned_area() - (4.0 - 0.125)).abs() < 1e-12);
    }

    #[test]
    fn adjoining_squares_with_a_hairline_gap_union_into_one_clean_polygon() {
        let a = MultiPolygon::new(vec![
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)],
        ]);
        // Meets `a` along x = 1 except for a 1e-9° gap in the middle of the edge.
        let b = MultiPolygon::new(vec![polygon![
            (x: 1.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0),
            (x: 1.0, y: 0.6), (x: 1.000_000_001, y: 0.5), (x: 1.0, y: 0.4)
        ]]);
        let u = union_clean([&a, &b]);
        assert_eq!(u.0.len(), 1, "{u:?}");
        assert!(u.0[0].interiors().is_empty(), "{u:?}");
        assert!((u.unsigned_area() - 2.0).abs() < 1e-6);
    }
}
