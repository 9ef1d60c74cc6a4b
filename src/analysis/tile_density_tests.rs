use super::*;
use crate::analysis::webmercator::{scale_factor, tile_of, to_metres};

/// A deterministic cloud of `n` points around (`lon`, `lat`), within ~`spread` degrees.
fn cloud(lon: f64, lat: f64, spread: f64, n: usize) -> Vec<[f64; 2]> {
    let mut s = 12345u64;
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    };
    (0..n)
        .map(|_| to_metres(lon + spread * next(), lat + spread * next()))
        .collect()
}

fn mali_lattice(z: u8, tile_size: u32) -> Lattice {
    let [x0, y0] = to_metres(-6.0, 13.0);
    let [x1, y1] = to_metres(0.0, 21.0);
    Lattice::covering([x0, y0, x1, y1], z, tile_size)
}

#[test]
fn lattice_cells_are_the_tile_pixels() {
    let l = mali_lattice(7, 256);
    let spec = l.spec();
    // The lattice's corner cell is a pixel of a tile: its edges on the tile grid.
    let t = tile_of(-6.0, 21.0, 7).unwrap();
    let [tw, _, _, tn] = t.bounds_m();
    let px = pixel_m(7, 256);
    let dx = (spec.x0 - tw) / px;
    let dy = (tn - spec.y0) / px;
    assert!((dx - dx.round()).abs() < 1e-6 && (dy - dy.round()).abs() < 1e-6);
    assert!(dx.round() >= 0.0 && dx.round() < 256.0 && dy.round() >= 0.0);
}

#[test]
fn nodes_follow_the_scale_factor() {
    let l = mali_lattice(8, 256);
    let n = nodes(&l);
    assert_eq!(n[0], 0);
    assert_eq!(*n.last().unwrap(), l.height - 1);
    let lnk = |r: usize| scale_factor(l.row_lat(r)).ln();
    for w in n.windows(2) {
        // Between nodes the kernel size changes by at most a step (and a row).
        assert!((lnk(w[1]) - lnk(w[0])).abs() < SCALE_STEP + 1e-3, "{w:?}");
    }
    // Mali, 13-21° N: ln k goes from 0.026 to 0.067, so about four bands.
    assert!((3..=6).contains(&n.len()), "{n:?}");
}

#[test]
fn agrees_with_one_grid_at_the_local_scale() {
    // Events around 17° N; the lattice's result near there must equal a plain density
    // on the same pixels with the kernel sized for 17° N (and × k² for ground area).
    let pts = cloud(-3.0, 17.0, 0.6, 3000);
    let l = mali_lattice(7, 256);
    let got = ZoomPlan::new(l, Kernel::Quartic, 25.0).apply(&SortedPoints::new(pts.clone(), None));
    let k = scale_factor(17.0);
    let spec = l.spec();
    let margin = Kernel::Quartic.support_m(25_000.0 * k);
    let want = density::density(
        &density::bin(&spec, margin, &pts, None),
        Kernel::Quartic,
        25_000.0 * k,
    );
    let max = want.max() * (k * k) as f32;
    assert!(max > 0.0);
    // Compare at cells within 0.3° of 17° N, where the scale differs by < 0.2 %.
    let mut compared = 0;
    for row in 0..spec.height {
        let lat = l.row_lat(row);
        if (lat - 17.0).abs() > 0.3 {
            continue;
        }
        for col in 0..spec.width {
            let a = got.grid.at(col, row);
            let b = want.at(col, row) * (k * k) as f32;
            assert!((a - b).abs() <= 0.01 * max, "{col},{row}: {a} vs {b}");
            compared += 1;
        }
    }
    assert!(compared > 1000);
}

#[test]
fn integrates_to_the_events_on_the_ground() {
    // Σ value × (ground area of the cell) = events, whatever the latitude.
    for lat in [14.5, 19.5] {
        let pts = cloud(-3.0, lat, 0.8, 2000);
        let l = mali_lattice(7, 256);
        let g = ZoomPlan::new(l, Kernel::Quartic, 25.0).apply(&SortedPoints::new(pts, None));
        let cell = l.spec().cell_m;
        let mut sum = 0.0;
        for row in 0..l.height {
            let k = scale_factor(l.row_lat(row));
            let area_km2 = (cell / k / 1000.0).powi(2);
            for col in 0..l.width {
                sum += f64::from(g.grid.at(col, row)) * area_km2 / 1000.0;
            }
        }
        assert!((sum - 2000.0).abs() < 2000.0 * 0.005, "{lat}: {sum}");
    }
}

#[test]
fn weights_scale_the_density() {
    let pts = cloud(-3.0, 15.0, 0.5, 500);
    let l = mali_lattice(6, 256);
    let plan = ZoomPlan::new(l, Kernel::Gaussian, 10.0);
    let one = plan.apply(&SortedPoints::new(pts.clone(), None));
    let three = plan.apply(&SortedPoints::new(pts.clone(), Some(vec![3.0; pts.len()])));
    let (a, b) = (one.grid.max(), three.grid.max());
    assert!((b / a - 3.0).abs() < 1e-4, "{a} {b}");
}

/// The largest step between adjacent pixels inside a tile, and across the edge to its
/// eastern neighbour.
fn steps(west: &[f32], east: &[f32], n: usize) -> (f32, f32) {
    let mut inside = 0.0f32;
    let mut across = 0.0f32;
    for r in 0..n {
        for c in 1..n {
            inside = inside.max((west[r * n + c] - west[r * n + c - 1]).abs());
        }
        across = across.max((east[r * n] - west[r * n + n - 1]).abs());
    }
    (inside, across)
}

#[test]
fn neighbouring_tiles_join_without_seams() {
    // Events around a corner of a z7 tile (also a corner of z9 tiles).
    let [w, _, _, n] = tile_of(-3.0, 16.0, 7).unwrap().bounds();
    let pts = cloud(w, n, 1.0, 4000);
    let l = mali_lattice(7, 256);
    let g = ZoomPlan::new(l, Kernel::Quartic, 25.0).apply(&SortedPoints::new(pts, None));
    // At the grid's zoom, and two zooms deeper (interpolated): the tile north-west of the
    // corner and its east and south neighbours.
    for z in [7u8, 9] {
        let t = tile_of(w - 1e-6, n + 1e-6, z).unwrap();
        let (w, e) = (
            Tile::new(z, t.x, t.y).unwrap(),
            Tile::new(z, t.x + 1, t.y).unwrap(),
        );
        let a = g.tile_values(w, 0.0).expect("west tile has density");
        let b = g.tile_values(e, 0.0).expect("east tile has density");
        let (inside, across) = steps(&a, &b, 256);
        assert!(inside > 0.0);
        assert!(
            across <= 1.5 * inside,
            "z{z}: edge step {across}, inside {inside}"
        );
        // South neighbour too.
        let s = g
            .tile_values(Tile::new(z, t.x, t.y + 1).unwrap(), 0.0)
            .unwrap();
        let down = (0..256)
            .map(|c| (s[c] - a[255 * 256 + c]).abs())
            .fold(0.0, f32::max);
        let mut inside_v = 0.0f32;
        for r in 1..256 {
            for c in 0..256 {
                inside_v = inside_v.max((a[r * 256 + c] - a[(r - 1) * 256 + c]).abs());
            }
        }
        assert!(down <= 1.5 * inside_v, "z{z}: {down} vs {inside_v}");
    }
}

#[test]
fn deep_tiles_interpolate_the_native_density() {
    // A z9 tile interpolated from the z7 grid vs the z9 grid itself.
    let pts = cloud(-3.0, 16.0, 1.0, 3000);
    let [x0, y0] = to_metres(-4.0, 15.0);
    let [x1, y1] = to_metres(-2.0, 17.0);
    let b = [x0, y0, x1, y1];
    let coarse = ZoomPlan::new(Lattice::covering(b, 7, 256), Kernel::Quartic, 25.0)
        .apply(&SortedPoints::new(pts.clone(), None));
    let fine = ZoomPlan::new(Lattice::covering(b, 9, 256), Kernel::Quartic, 25.0)
        .apply(&SortedPoints::new(pts, None));
    let t = tile_of(-3.0, 16.0, 9).unwrap();
    let a = coarse.tile_values(t, 0.0).unwrap();
    let f = fine.tile_values(t, 0.0).unwrap();
    let max = fine.grid.max();
    let worst = a
        .iter()
        .zip(&f)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max);
    assert!(worst < 0.02 * max, "worst {worst} of max {max}");
}

#[test]
fn tiles_without_density_are_empty() {
    let pts = cloud(-3.0, 16.0, 0.2, 100);
    let l = mali_lattice(7, 256);
    let g = ZoomPlan::new(l, Kernel::Quartic, 25.0).apply(&SortedPoints::new(pts, None));
    // Far from the events (3° away): nothing.
    assert!(
        g.tile_values(tile_of(-5.5, 20.5, 7).unwrap(), 0.0)
            .is_none()
    );
    assert!(
        g.tile_values(tile_of(-5.5, 20.5, 10).unwrap(), 0.0)
            .is_none()
    );
    // Above the maximum: nothing anywhere.
    let t = tile_of(-3.0, 16.0, 7).unwrap();
    assert!(g.tile_values(t, g.grid.max() * 1.01).is_none());
    assert!(g.tile_values(t, 0.0).is_some());
    // No events at all.
    let none = ZoomPlan::new(l, Kernel::Quartic, 25.0).apply(&SortedPoints::new(vec![], None));
    assert!(none.tile_values(t, 0.0).is_none());
}
