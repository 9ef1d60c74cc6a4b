//! Convolution with a non-separable kernel (the quartic) through the FFT.
//!
//! Why the FFT: the quartic disc cannot be split into a row pass and a column pass, and
//! summing it directly costs O(cells × R²) (R the bandwidth in cells: ~490 products per
//! cell at 25 km over 2 km cells, more for wider bandwidths). Per kernel row the weights
//! are a polynomial in x, so running moment sums would give O(cells × R), but they
//! subtract large sums of x⁴-weighted counts and lose precision next to dense clusters.
//! Two FFTs of the padded grid cost O(cells × log cells) whatever the bandwidth, and in
//! f64 their rounding error is ~1e-13 of the largest value (tests compare with the
//! direct sum). The kernel's spectrum is computed once per plan and reused for every
//! year's grid.
//!
//! Layout: rows are transformed real-to-complex (realfft, half the work of a complex FFT),
//! then columns complex-to-complex in blocks, multiplied by the kernel's spectrum (real,
//! as the kernel is symmetric) and transformed back; only the grid's own rows and
//! columns are transformed back to real. The padded size is at least grid + margin + R
//! in each direction, so the circular convolution never wraps into the grid.

use std::sync::Arc;

use rayon::prelude::*;
use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};
use rustfft::{Fft, FftPlanner};

use super::grid::Binned;

/// Columns transformed together (contiguous in one buffer).
const COLUMN_BLOCK: usize = 16;
/// Output rows gathered together from the column-major spectrum.
const ROW_BLOCK: usize = 16;

pub(super) struct FftConvolution {
    width: usize,
    height: usize,
    /// Margin cells of the binned grid actually used (≤ the kernel's half-width).
    used_margin: usize,
    lx: usize,
    ly: usize,
    r2c: Arc<dyn RealToComplex<f64>>,
    c2r: Arc<dyn ComplexToReal<f64>>,
    forward: Arc<dyn Fft<f64>>,
    inverse: Arc<dyn Fft<f64>>,
    /// The kernel's spectrum (real), column-major (lx/2+1) × ly, divided by lx·ly so
    /// that the unnormalised inverse transforms give the convolution itself.
    kernel: Vec<f64>,
}

impl FftConvolution {
    /// For a `width` × `height` grid binned with `margin` cells, and a (2·half+1)²
    /// row-major kernel.
    pub(super) fn new(
        width: usize,
        height: usize,
        margin: usize,
        half: usize,
        taps: &[f64],
    ) -> Self {
        let used_margin = margin.min(half);
        let lx = fft_len((width + used_margin + half).max(2 * half + 1), true);
        let ly = fft_len((height + used_margin + half).max(2 * half + 1), false);
        let mut real = RealFftPlanner::<f64>::new();
        let mut complex = FftPlanner::<f64>::new();
        let mut conv = FftConvolution {
            width,
            height,
            used_margin,
            lx,
            ly,
            r2c: real.plan_fft_forward(lx),
            c2r: real.plan_fft_inverse(lx),
            forward: complex.plan_fft_forward(ly),
            inverse: complex.plan_fft_inverse(ly),
            kernel: Vec::new(),
        };
        // The kernel wrapped around the origin of the padded plane.
        let n = 2 * half + 1;
        let spectrum = conv.columns_forward(ly, |y, row| {
            row.fill(0.0);
            let dy = if y <= half { y } else { ly - y };
            let is_tap_row = y <= half || ly - y <= half;
            if !is_tap_row {
                return;
            }
            let ky = if y <= half { half + dy } else { half - dy };
            for kx in 0..n {
                let x = (kx + lx - half) % lx;
                row[x] = taps[ky * n + kx];
            }
        });
        let scale = 1.0 / (lx * ly) as f64;
        conv.kernel = spectrum.iter().map(|c| c.re * scale).collect();
        conv
    }

    /// The convolution over the grid proper, row-major (`height` × `width`).
    pub(super) fn apply(&self, binned: &Binned) -> Vec<f64> {
        let u = self.used_margin;
        let crop_w = self.width + 2 * u;
        let first = (binned.margin - u) as isize;
        let mut cols = self.columns_forward(self.height + 2 * u, |y, row| {
            binned.row_into(first + y as isize, first, &mut row[..crop_w]);
            row[crop_w..].fill(0.0);
        });
        // Multiply by the kernel's spectrum and return along columns.
        cols.par_chunks_mut(self.ly * COLUMN_BLOCK)
            .zip(self.kernel.par_chunks(self.ly * COLUMN_BLOCK))
            .for_each_init(
                || vec![Complex::default(); self.inverse.get_inplace_scratch_len()],
                |scratch, (block, k)| {
                    block.iter_mut().zip(k).for_each(|(c, k)| *c *= *k);
                    self.inverse.process_with_scratch(block, scratch);
                },
            );
        // Back along the grid's rows only, keeping the grid's columns only.
        let c = self.lx / 2 + 1;
        let mut out = vec![0.0; self.height * self.width];
        out.par_chunks_mut(self.width * ROW_BLOCK)
            .enumerate()
            .for_each_init(
                || {
                    let rows = vec![Complex::default(); c * ROW_BLOCK];
                    (rows, vec![0.0; self.lx], self.c2r.make_scratch_vec())
                },
                |(rows, real, scratch), (b, out_block)| {
                    let y0 = u + b * ROW_BLOCK;
                    let nb = out_block.len() / self.width;
                    for (x, col) in cols.chunks(self.ly).enumerate() {
                        for (j, v) in col[y0..y0 + nb].iter().enumerate() {
                            rows[j * c + x] = *v;
                        }
                    }
                    for (j, out_row) in out_block.chunks_mut(self.width).enumerate() {
                        let spectrum = &mut rows[j * c..(j + 1) * c];
                        // Rounding leaves ~1e-17 where a real row's spectrum is real.
                        spectrum[0].im = 0.0;
                        spectrum[c - 1].im = 0.0;
                        self.c2r
                            .process_with_scratch(spectrum, real, scratch)
                            .expect("buffer sizes from the plan");
                        out_row.copy_from_slice(&real[u..u + self.width]);
                    }
                },
            );
        out
    }

    /// Rows `0..rows` of a real lx-wide image (filled by `fill_row`; the rest of the ly
    /// rows are zero) transformed in both directions: column-major (lx/2+1) × ly.
    fn columns_forward(
        &self,
        rows: usize,
        fill_row: impl Fn(usize, &mut [f64]) + Sync,
    ) -> Vec<Complex<f64>> {
        let c = self.lx / 2 + 1;
        let mut spec_rows = vec![Complex::default(); rows * c];
        spec_rows.par_chunks_mut(c).enumerate().for_each_init(
            || (vec![0.0; self.lx], self.r2c.make_scratch_vec()),
            |(real, scratch), (y, out)| {
                fill_row(y, real);
                self.r2c
                    .process_with_scratch(real, out, scratch)
                    .expect("buffer sizes from the plan");
            },
        );
        let mut cols = vec![Complex::default(); c * self.ly];
        cols.par_chunks_mut(self.ly * COLUMN_BLOCK)
            .enumerate()
            .for_each_init(
                || vec![Complex::default(); self.forward.get_inplace_scratch_len()],
                |scratch, (b, block)| {
                    let x0 = b * COLUMN_BLOCK;
                    let nb = block.len() / self.ly;
                    for (y, row) in spec_rows.chunks(c).enumerate() {
                        for (j, v) in row[x0..x0 + nb].iter().enumerate() {
                            block[j * self.ly + y] = *v;
                        }
                    }
                    self.forward.process_with_scratch(block, scratch);
                },
            );
        cols
    }
}

/// The smallest length ≥ `min` whose only prime factors are 2, 3, 5 and 7 (fast FFT
/// sizes), even if asked (realfft's fast path).
fn fft_len(min: usize, even: bool) -> usize {
    let smooth = |mut n: usize| {
        for p in [2, 3, 5, 7] {
            while n.is_multiple_of(p) {
                n /= p;
            }
        }
        n == 1
    };
    (min.max(2)..)
        .find(|&n| (!even || n.is_multiple_of(2)) && smooth(n))
        .expect("smooth numbers are unbounded")
}

#[cfg(test)]
mod tests {
    #[test]
    fn fft_lengths_are_smooth_and_large_enough() {
        assert_eq!(super::fft_len(1626, true), 1680);
        assert_eq!(super::fft_len(1251, false), 1260);
        assert_eq!(super::fft_len(11, true), 12);
        assert_eq!(super::fft_len(11, false), 12);
        assert_eq!(super::fft_len(1, false), 2);
    }
}
