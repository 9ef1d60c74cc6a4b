//! The two kernels, and their weights sampled on the grid's cell offsets.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

/// Where the Gaussian is cut off, in standard deviations (weights beyond are < 0.04 % of
/// the peak; what is cut is restored by normalising the weights).
pub const GAUSSIAN_TRUNCATE: f64 = 4.0;

/// The kernel of a density estimate. Both are radially symmetric.
///
/// - `Quartic` (biweight), as QGIS's heatmap: K(r) ∝ (1 − r²/h²)² for r < h and 0
///   beyond, with h the bandwidth. Finite support: an event affects exactly the disc of
///   radius h around it.
/// - `Gaussian`: K(r) ∝ exp(−r²/2σ²) with **σ = the bandwidth**, cut at 4σ. This is wider
///   than a quartic of the same bandwidth: the quartic's standard deviation along an axis
///   is h/√8 ≈ 0.35 h, so a Gaussian of σ ≈ h/2.8 spreads events as a quartic of h does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Kernel {
    /// Quartic (biweight), as QGIS's heatmap: zero beyond the bandwidth.
    Quartic,
    /// Gaussian with standard deviation = bandwidth.
    Gaussian,
}

impl Kernel {
    /// Distance (map metres) beyond which the kernel is zero (quartic: h) or cut off
    /// (Gaussian: 4σ): the margin points must be binned with to reach the map's edge.
    pub fn support_m(self, bandwidth_m: f64) -> f64 {
        match self {
            Kernel::Quartic => bandwidth_m,
            Kernel::Gaussian => GAUSSIAN_TRUNCATE * bandwidth_m,
        }
    }
}

impl FromStr for Kernel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "quartic" | "biweight" => Ok(Kernel::Quartic),
            "gaussian" => Ok(Kernel::Gaussian),
            _ => Err(format!("unknown kernel \"{s}\" (quartic or gaussian)")),
        }
    }
}

impl fmt::Display for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kernel::Quartic => "quartic",
            Kernel::Gaussian => "gaussian",
        })
    }
}

/// Quartic weights at integer cell offsets within `h_cells` of the centre: a
/// (2R+1)² row-major square, R its half-width, normalised to sum 1. Normalising the
/// sampled weights (rather than using the continuous constant 3/πh²) makes the grid
/// conserve mass exactly, at any ratio of bandwidth to cell.
pub(super) fn quartic_taps(h_cells: f64) -> (usize, Vec<f64>) {
    let half = (h_cells.ceil() as usize).saturating_sub(1);
    let n = 2 * half + 1;
    let h2 = h_cells * h_cells;
    let mut taps = vec![0.0; n * n];
    for (k, t) in taps.iter_mut().enumerate() {
        let dx = (k % n) as f64 - half as f64;
        let dy = (k / n) as f64 - half as f64;
        let d2 = dx * dx + dy * dy;
        if d2 < h2 {
            let u = 1.0 - d2 / h2;
            *t = u * u;
        }
    }
    normalise(&mut taps, half * n + half);
    (half, taps)
}

/// One-dimensional Gaussian weights of standard deviation `sigma_cells` at integer
/// offsets −R..=R (R = ⌈4σ⌉), normalised to sum 1; the 2D kernel is their outer product.
pub(super) fn gaussian_taps(sigma_cells: f64) -> (usize, Vec<f64>) {
    let half = (GAUSSIAN_TRUNCATE * sigma_cells).ceil() as usize;
    let two_s2 = 2.0 * sigma_cells * sigma_cells;
    let mut taps: Vec<f64> = (0..=2 * half)
        .map(|k| {
            let d = k as f64 - half as f64;
            (-d * d / two_s2).exp()
        })
        .collect();
    normalise(&mut taps, half);
    (half, taps)
}

/// Scales to sum 1; a kernel narrower than a cell (nothing sampled) becomes all centre.
fn normalise(taps: &mut [f64], centre: usize) {
    let sum: f64 = taps.iter().sum();
    if sum > 0.0 && sum.is_finite() {
        taps.iter_mut().for_each(|t| *t /= sum);
    } else {
        taps.fill(0.0);
        taps[centre] = 1.0;
    }
}
