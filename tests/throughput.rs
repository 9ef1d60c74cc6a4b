//! Throughput checks for the lead's benchmarks, not run by default (timings in tests are
//! noise on shared machines): `cargo test --release --test throughput -- --ignored
//! --nocapture`.

use std::time::Instant;

use conflictmap::LonLat;
use conflictmap::analysis::density::{DensityPlan, GridSpec, Kernel, bin, density};
use conflictmap::analysis::projection::MapProjection;

const MALI_LCC: &str =
    "+proj=lcc +lat_1=12 +lat_2=22 +lat_0=17 +lon_0=-4 +datum=WGS84 +units=m +type=crs";

/// A deterministic spread of points over Mali's bounding box.
fn points(n: usize) -> Vec<LonLat> {
    (0..n)
        .map(|i| {
            let a = (i as f64 * 0.618_033_988_75).fract();
            let b = (i as f64 * 0.754_877_666_2).fract();
            LonLat::new(-12.2 + 16.4 * a, 10.2 + 14.8 * b).unwrap()
        })
        .collect()
}

#[test]
#[ignore]
fn projection_throughput() {
    let proj = MapProjection::new(MALI_LCC).unwrap();
    let pts = points(1_000_000);
    let t = Instant::now();
    let xy = proj.project_all(&pts);
    let s = t.elapsed().as_secs_f64();
    assert!(xy.iter().all(Option::is_some));
    println!(
        "project_all: {} points in {:.3} s = {:.2} M points/s ({} threads)",
        pts.len(),
        s,
        pts.len() as f64 / s / 1e6,
        rayon::current_num_threads()
    );
}

#[test]
#[ignore]
fn density_timing_1600_by_1200() {
    let proj = MapProjection::new(MALI_LCC).unwrap();
    let xy: Vec<[f64; 2]> = proj
        .project_all(&points(1_000_000))
        .into_iter()
        .flatten()
        .collect();
    let spec = GridSpec::covering(
        [-1_600_000.0, -1_200_000.0, 1_600_000.0, 1_200_000.0],
        2_000.0,
    );
    assert_eq!((spec.width, spec.height), (1600, 1200));
    for (kernel, bw) in [(Kernel::Quartic, 25_000.0), (Kernel::Gaussian, 25_000.0)] {
        let t = Instant::now();
        let binned = bin(&spec, kernel.support_m(bw), &xy, None);
        let t_bin = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let plan = DensityPlan::new(&binned, kernel, bw);
        let t_plan = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let grid = plan.apply(&binned);
        let t_apply = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let _ = density(&binned, kernel, bw);
        let t_once = t.elapsed().as_secs_f64();
        println!(
            "{kernel} 25 km on 1600x1200 x 2 km: bin 1M {:.0} ms, plan {:.0} ms, apply {:.0} ms, \
             density() {:.0} ms; mass {:.0}",
            t_bin * 1e3,
            t_plan * 1e3,
            t_apply * 1e3,
            t_once * 1e3,
            grid.integral()
        );
    }
}
