use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::analysis::geodesy;
use crate::analysis::projection::MapProjection;
use crate::units::{Km, LonLat};

fn spec(width: usize, height: usize, cell_m: f64) -> GridSpec {
    GridSpec {
        x0: 100_000.0,
        y0: 900_000.0,
        cell_m,
        width,
        height,
    }
}

/// `n` points uniformly within `inset_m` of the inside of the grid's edges (negative:
/// beyond them), with weights in 0..5 if `weighted`.
fn random_points(
    s: &GridSpec,
    n: usize,
    inset_m: f64,
    weighted: bool,
    seed: u64,
) -> (Vec<[f64; 2]>, Vec<f32>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let [xmin, ymin, xmax, ymax] = s.bbox();
    let pts = (0..n)
        .map(|_| {
            [
                rng.random_range(xmin + inset_m..xmax - inset_m),
                rng.random_range(ymin + inset_m..ymax - inset_m),
            ]
        })
        .collect();
    let w = (0..n)
        .map(|_| {
            if weighted {
                rng.random_range(0.0..5.0)
            } else {
                1.0
            }
        })
        .collect();
    (pts, w)
}

/// The obviously right answer: every cell, every kernel weight, O(cells × kernel).
fn direct(binned: &Binned, half: usize, taps2d: &[f64]) -> Vec<f64> {
    let s = binned.spec;
    let (m, bw) = (binned.margin as isize, binned.full_width() as isize);
    let bh = binned.full_height() as isize;
    let (n, r) = (2 * half + 1, half as isize);
    let unit = M2_PER_UNIT_AREA / s.cell_area_m2();
    let mut out = vec![0.0; s.cells()];
    for row in 0..s.height {
        for col in 0..s.width {
            let mut sum = 0.0;
            for dy in -r..=r {
                for dx in -r..=r {
                    let (y, x) = (m + row as isize + dy, m + col as isize + dx);
                    if (0..bh).contains(&y) && (0..bw).contains(&x) {
                        let t = taps2d[((dy + r) as usize) * n + (dx + r) as usize];
                        sum += binned.values[(y * bw + x) as usize] * t;
                    }
                }
            }
            out[row * s.width + col] = sum * unit;
        }
    }
    out
}

fn assert_matches_direct(fast: &DensityGrid, want: &[f64], what: &str) {
    let max = want.iter().copied().fold(0.0, f64::max);
    assert!(max > 0.0, "{what}: nothing to compare");
    for (i, (&got, &want)) in fast.values.iter().zip(want).enumerate() {
        let got = f64::from(got);
        // f32 output: 1e-4 relative, plus the FFT's noise floor far below any colour.
        let tol = 1e-4 * want.abs() + 1e-9 * max;
        assert!(
            (got - want).abs() <= tol,
            "{what}: cell {i}: {got} vs {want}"
        );
    }
}

#[test]
fn quartic_fft_equals_direct_convolution() {
    let s = spec(37, 23, 3_000.0);
    for (bw_m, margin_m, n, seed) in [
        (10_000.0, 10_000.0, 400, 1), // ordinary: margin = support
        (10_000.0, 0.0, 400, 2),      // margin smaller than the kernel
        (40_000.0, 40_000.0, 400, 3), // kernel wider than the grid
        (1_000.0, 1_000.0, 400, 4),   // narrower than a cell: counts
        (7_500.0, 20_000.0, 400, 5),  // margin wider than the kernel
        (8_000.0, 8_000.0, 4, 9),     // sparse: exact zeros between events
    ] {
        // Points beyond the margin too: they must be ignored alike.
        let (pts, w) = random_points(&s, n, -margin_m - 6_000.0, true, seed);
        let binned = bin(&s, margin_m, &pts, Some(&w));
        let (half, taps) = kernel::quartic_taps(bw_m / s.cell_m);
        let want = direct(&binned, half, &taps);
        let got = density(&binned, Kernel::Quartic, bw_m);
        assert_matches_direct(
            &got,
            &want,
            &format!("quartic {bw_m} m, margin {margin_m} m"),
        );
    }
}

#[test]
fn gaussian_separable_equals_direct_convolution() {
    let s = spec(41, 29, 2_000.0);
    for (sigma_m, margin_m, seed) in [(5_000.0, 20_000.0, 6), (3_000.0, 0.0, 7), (0.0, 0.0, 8)] {
        let (pts, w) = random_points(&s, 300, -margin_m - 4_000.0, false, seed);
        let binned = bin(&s, margin_m, &pts, Some(&w));
        let (half, taps1) = kernel::gaussian_taps(sigma_m / s.cell_m);
        let taps2: Vec<f64> = taps1
            .iter()
            .flat_map(|a| taps1.iter().map(move |b| a * b))
            .collect();
        let want = direct(&binned, half, &taps2);
        let got = density(&binned, Kernel::Gaussian, sigma_m);
        assert_matches_direct(&got, &want, &format!("gaussian {sigma_m} m"));
    }
}

/// Σ values × cell area = events (or weights) whose kernel lies inside the grid.
#[test]
fn density_conserves_mass() {
    let s = spec(120, 90, 2_000.0);
    let bw = 12_000.0;
    for kernel in [Kernel::Quartic, Kernel::Gaussian] {
        let support = kernel.support_m(bw) + s.cell_m;
        for weighted in [false, true] {
            let (pts, w) = random_points(&s, 5_000, support, weighted, 11);
            let weights = weighted.then_some(w.as_slice());
            let binned = bin(&s, support, &pts, weights);
            let expected: f64 = w.iter().map(|&x| f64::from(x)).sum();
            assert!((binned.total_weight() - expected).abs() < 1e-6 * expected);
            let got = density(&binned, kernel, bw).integral();
            let err = (got - expected).abs() / expected;
            assert!(
                err < 0.01,
                "{kernel} weighted={weighted}: {got} vs {expected}"
            );
            // In fact exact to rounding: the sampled kernels are normalised on the grid.
            assert!(err < 1e-5, "{kernel} weighted={weighted}: {err}");
        }
    }
}

/// One event at 11°N and one at 24°N, the bandwidth converted from ground km to map
/// metres with the scale factor at each: footprints of the same size on the ground. In
/// Mali's conic the scale differs little between the two; Web Mercator (scale
/// 1.02 at 11°N, 1.09 at 24°N) shows the conversion at work.
#[test]
fn bandwidth_is_in_ground_kilometres() {
    const MALI_LCC: &str =
        "+proj=lcc +lat_1=12 +lat_2=22 +lat_0=17 +lon_0=-4 +datum=WGS84 +units=m +type=crs";
    for crs in [MALI_LCC, "EPSG:3857"] {
        let proj = MapProjection::new(crs).unwrap();
        let mut quartic = Vec::new();
        let mut gaussian = Vec::new();
        for lat in [11.0, 24.0] {
            let at = LonLat::new(-4.0, lat).unwrap();
            quartic.push(footprint_km(&proj, at, Kernel::Quartic, 20.0, 100.0));
            gaussian.push(footprint_km(&proj, at, Kernel::Gaussian, 10.0, 250.0));
        }
        // Quartic: zero beyond the bandwidth. Gaussian: half maximum at σ·√(2 ln 2).
        let half_max = 10.0 * (2.0 * 2f64.ln()).sqrt();
        for (what, got, want) in [
            ("quartic", &quartic, 20.0),
            ("gaussian", &gaussian, half_max),
        ] {
            for r in got {
                assert!(
                    (r - want).abs() < 0.005 * want,
                    "{crs} {what}: {r} km vs {want}"
                );
            }
            assert!(
                (got[0] - got[1]).abs() < 0.02 * want,
                "{crs} {what}: {got:?}"
            );
        }
    }
}

/// Ground km from an event at `at` to where its density vanishes (quartic) or halves
/// (Gaussian), measured east along the grid row through the event.
fn footprint_km(proj: &MapProjection, at: LonLat, kernel: Kernel, bw_km: f64, cell_m: f64) -> f64 {
    let [px, py] = proj.forward(at).unwrap();
    let bw_m = proj.map_metres(Km::new(bw_km).unwrap(), at);
    // One row, the event at the centre of its first cell.
    let reach = (kernel.support_m(bw_m) / cell_m).ceil() as usize + 5;
    let s = GridSpec {
        x0: px - cell_m / 2.0,
        y0: py + cell_m / 2.0,
        cell_m,
        width: reach.min(3 * (bw_m / cell_m) as usize),
        height: 1,
    };
    let binned = bin(&s, kernel.support_m(bw_m), &[[px, py]], None);
    let row = density(&binned, kernel, bw_m).values;
    let cells = match kernel {
        // Between the last cell with density and the first without.
        Kernel::Quartic => {
            let zero = row.iter().position(|&v| v == 0.0).unwrap();
            zero as f64 - 0.5
        }
        Kernel::Gaussian => {
            let half = row[0] / 2.0;
            let i = row.iter().position(|&v| v < half).unwrap();
            let (a, b) = (f64::from(row[i - 1]), f64::from(row[i]));
            (i - 1) as f64 + (a - f64::from(half)) / (a - b)
        }
    };
    let edge = proj.inverse([px + cells * cell_m, py]).unwrap();
    geodesy::distance(at, edge).get()
}

#[test]
fn linear_binning_conserves_weight_and_centre() {
    let s = spec(10, 8, 1_000.0);
    let p = [s.x0 + 3_300.0, s.y0 - 2_800.0];
    let b = bin(&s, 0.0, &[p], Some(&[2.0]));
    assert_eq!(b.total_weight(), 2.0);
    let (w, m) = (b.full_width(), b.margin as f64);
    let (mut sum, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for (k, v) in b.values.iter().enumerate() {
        let c = s.cell_centre(k % w, k / w);
        sum += v;
        cx += v * (c[0] - m * s.cell_m);
        cy += v * (c[1] + m * s.cell_m);
    }
    assert!((sum - 2.0).abs() < 1e-12);
    assert!((cx / sum - p[0]).abs() < 1e-6 && (cy / sum - p[1]).abs() < 1e-6);
    // Outside the margin, NaN, or a NaN weight: counted, not binned.
    let far = [s.x0 - 5_000.0, s.y0];
    let b = bin(
        &s,
        0.0,
        &[far, [f64::NAN, 0.0], p],
        Some(&[1.0, 1.0, f32::NAN]),
    );
    assert_eq!((b.points_outside(), b.total_weight()), (3, 0.0));
}

#[test]
fn parallel_binning_equals_sequential() {
    let s = spec(50, 40, 2_000.0);
    let (pts, w) = random_points(&s, 120_000, -10_000.0, true, 21);
    let all = bin(&s, 10_000.0, &pts, Some(&w));
    let a = bin(&s, 10_000.0, &pts[..45_000], Some(&w[..45_000]));
    let b = bin(&s, 10_000.0, &pts[45_000..90_000], Some(&w[45_000..90_000]));
    let c = bin(&s, 10_000.0, &pts[90_000..], Some(&w[90_000..]));
    for (i, v) in all.values.iter().enumerate() {
        let want = a.values[i] + b.values[i] + c.values[i];
        assert!((v - want).abs() < 1e-9 * want.max(1.0), "cell {i}");
    }
    assert_eq!(
        all.points_outside(),
        a.points_outside() + b.points_outside() + c.points_outside()
    );
}

#[test]
fn one_plan_serves_many_years() {
    let s = spec(60, 45, 2_000.0);
    let (y1, _) = random_points(&s, 500, 0.0, false, 31);
    let (y2, _) = random_points(&s, 900, 0.0, false, 32);
    for kernel in [Kernel::Quartic, Kernel::Gaussian] {
        let margin = kernel.support_m(9_000.0);
        let (b1, b2) = (bin(&s, margin, &y1, None), bin(&s, margin, &y2, None));
        let plan = DensityPlan::new(&b1, kernel, 9_000.0);
        assert_eq!(plan.apply(&b1), density(&b1, kernel, 9_000.0));
        assert_eq!(plan.apply(&b2), density(&b2, kernel, 9_000.0));
        let (g1, g2) = (plan.apply(&b1), plan.apply(&b2));
        assert_eq!(max_value(&[&g1, &g2]), g1.max().max(g2.max()));
    }
}

#[test]
fn grid_covering_a_box_is_centred_on_it() {
    let g = GridSpec::covering([0.0, 0.0, 10_500.0, 4_000.0], 2_000.0);
    assert_eq!((g.width, g.height), (6, 2));
    assert_eq!(g.bbox(), [-750.0, 0.0, 11_250.0, 4_000.0]);
    assert_eq!(g.cell_centre(0, 0), [250.0, 3_000.0]);
    assert_eq!(g.cell_area_m2(), 4e6);
}

#[test]
fn kernel_names_parse() {
    assert_eq!("Quartic".parse::<Kernel>(), Ok(Kernel::Quartic));
    assert_eq!("gaussian".parse::<Kernel>(), Ok(Kernel::Gaussian));
    assert!("epanechnikov".parse::<Kernel>().is_err());
    #[derive(serde::Deserialize)]
    struct Style {
        kernel: Kernel,
    }
    let s: Style = toml::from_str("kernel = \"quartic\"").unwrap();
    assert_eq!(s.kernel, Kernel::Quartic);
}
