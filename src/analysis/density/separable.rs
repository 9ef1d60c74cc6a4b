//! Convolution with a separable kernel (the Gaussian): a pass along rows, then one along
//! columns, O(cells × kernel width) instead of O(cells × kernel width²).

use rayon::prelude::*;

use super::grid::Binned;

/// The 1D weights (length 2R+1) applied along both axes.
pub(super) struct Separable {
    half: usize,
    taps: Vec<f64>,
}

impl Separable {
    pub(super) fn new(half: usize, taps: Vec<f64>) -> Self {
        debug_assert_eq!(taps.len(), 2 * half + 1);
        Separable { half, taps }
    }

    /// The convolution of `binned` over the grid proper (margins excluded), row-major.
    pub(super) fn apply(&self, binned: &Binned) -> Vec<f64> {
        let (w, h) = (binned.spec.width, binned.spec.height);
        let (m, r) = (binned.margin as isize, self.half as isize);
        // Rows pass: every binned row within R of the grid, each reduced to the grid's
        // columns. Rows beyond the binned margin are zeros.
        let mut across = vec![0.0; (h + 2 * self.half) * w];
        across.par_chunks_mut(w).enumerate().for_each_init(
            || vec![0.0; w + 2 * self.half],
            |padded, (i, out)| {
                binned.row_into(m - r + i as isize, m - r, padded);
                convolve_valid(padded, &self.taps, out);
            },
        );
        // Columns pass: output row y is the weighted sum of rows y..=y+2R of `across`,
        // accumulated a whole row at a time (contiguous, vectorisable).
        let mut out = vec![0.0; h * w];
        out.par_chunks_mut(w).enumerate().for_each(|(y, row)| {
            for (k, &t) in self.taps.iter().enumerate() {
                let src = &across[(y + k) * w..(y + k + 1) * w];
                row.iter_mut().zip(src).for_each(|(o, s)| *o += t * s);
            }
        });
        out
    }
}

/// out[i] = Σₖ taps[k] · input[i + k], for input.len() = out.len() + taps.len() − 1.
/// Tap-major so the inner loop runs over contiguous memory.
pub(super) fn convolve_valid(input: &[f64], taps: &[f64], out: &mut [f64]) {
    debug_assert_eq!(input.len(), out.len() + taps.len() - 1);
    out.fill(0.0);
    for (k, &t) in taps.iter().enumerate() {
        let src = &input[k..k + out.len()];
        out.iter_mut().zip(src).for_each(|(o, s)| *o += t * s);
    }
}
