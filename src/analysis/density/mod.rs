//! Kernel density of events, in events per 1,000 km², on a grid in map metres.
//!
//! Two stages, so that the cost of the density does not depend on the number of events:
//! [`bin`] sums the (weighted) events per cell in one O(N) parallel pass, then
//! [`density`] convolves the binned grid with the kernel, at a cost that depends on the
//! grid and the bandwidth only (Gaussian: two 1D passes, O(cells × bandwidth); quartic:
//! FFT, O(cells × log cells)). For several grids of one map (one per year), build one
//! [`DensityPlan`] and apply it to each.
//!
//! **Units.** Values are events per 1,000 km² of map area ([`UNIT_LABEL`]); with weights,
//! weight units per 1,000 km². The kernels are normalised so that the density integrates
//! to the (weighted) number of events: Σ values × cell area = events, up to those whose
//! kernel reaches beyond the grid. Map area is ground area to within the projection's
//! area distortion (exact in an equal-area CRS; under 1 % over Mali in the default
//! conic, see [`crate::analysis::projection::default_crs_for`]).
//!
//! **Bandwidth** is in metres of the map CRS. A bandwidth chosen in ground kilometres is
//! converted by the caller with the scale factor at the map's centre
//! ([`crate::analysis::projection::MapProjection::map_metres`]), so that a 25 km bandwidth
//! is 25 km on the ground there (and within the projection's scale error elsewhere).

mod fft;
mod grid;
mod kernel;
mod separable;

use rayon::prelude::*;

pub use grid::{Binned, GridSpec, bin};
pub use kernel::{GAUSSIAN_TRUNCATE, Kernel};

/// The unit of every density value, for legends.
pub const UNIT_LABEL: &str = "events per 1,000 km²";

/// Square metres in 1,000 km².
const M2_PER_UNIT_AREA: f64 = 1e9;

/// Values below this fraction of a quartic grid's maximum are FFT rounding noise (true
/// values there are far below anything a colour scale shows) and are set to 0.
const FFT_NOISE: f64 = 1e-12;

/// A density raster: `spec.width` × `spec.height` values, row-major, row 0 at the top
/// (north), in [`UNIT_LABEL`].
#[derive(Debug, Clone, PartialEq)]
pub struct DensityGrid {
    pub spec: GridSpec,
    pub values: Vec<f32>,
}

impl DensityGrid {
    /// The value of cell (`col`, `row`).
    pub fn at(&self, col: usize, row: usize) -> f32 {
        self.values[row * self.spec.width + col]
    }

    /// The largest value (0 for an empty grid).
    pub fn max(&self) -> f32 {
        self.values.par_iter().copied().reduce(|| 0.0, f32::max)
    }

    /// The density integrated over the grid: (weighted) events on it.
    pub fn integral(&self) -> f64 {
        let sum: f64 = self.values.par_iter().map(|&v| f64::from(v)).sum();
        sum * self.spec.cell_area_m2() / M2_PER_UNIT_AREA
    }
}

/// The largest value over several grids: the top of one colour scale shared by all the
/// maps of a run, so that a colour means the same density in every year.
pub fn max_value(grids: &[&DensityGrid]) -> f32 {
    grids.iter().map(|g| g.max()).fold(0.0, f32::max)
}

/// A density computation prepared for one grid geometry (spec and margin), kernel and
/// bandwidth: applies to any number of [`Binned`] grids of that geometry (the quartic's
/// kernel spectrum is computed once).
pub struct DensityPlan {
    spec: GridSpec,
    margin: usize,
    method: Method,
}

enum Method {
    Fft(fft::FftConvolution),
    Separable(separable::Separable),
}

impl DensityPlan {
    /// `bandwidth_m` in map metres (≥ 0; 0 gives the binned counts as densities).
    /// Events farther than the binned margin from the grid are not seen: bin with at
    /// least `kernel.support_m(bandwidth_m)` of margin.
    pub fn new(binned: &Binned, kernel: Kernel, bandwidth_m: f64) -> DensityPlan {
        assert!(
            bandwidth_m.is_finite() && bandwidth_m >= 0.0,
            "bandwidth {bandwidth_m} m"
        );
        let spec = binned.spec;
        let in_cells = bandwidth_m / spec.cell_m;
        let method = match kernel {
            Kernel::Quartic => {
                let (half, taps) = kernel::quartic_taps(in_cells);
                let conv =
                    fft::FftConvolution::new(spec.width, spec.height, binned.margin, half, &taps);
                Method::Fft(conv)
            }
            Kernel::Gaussian => {
                let (half, taps) = kernel::gaussian_taps(in_cells);
                Method::Separable(separable::Separable::new(half, taps))
            }
        };
        DensityPlan {
            spec,
            margin: binned.margin,
            method,
        }
    }

    /// The density of `binned`, which must have the geometry the plan was made for.
    pub fn apply(&self, binned: &Binned) -> DensityGrid {
        assert!(
            binned.spec == self.spec && binned.margin == self.margin,
            "a density plan applies only to grids binned like the one it was made for"
        );
        let spec = self.spec;
        if spec.cells() == 0 {
            return DensityGrid {
                spec,
                values: Vec::new(),
            };
        }
        let (sums, noise) = match &self.method {
            Method::Fft(conv) => (conv.apply(binned), FFT_NOISE),
            Method::Separable(conv) => (conv.apply(binned), 0.0),
        };
        let floor = noise * sums.par_iter().copied().reduce(|| 0.0, f64::max);
        let unit = M2_PER_UNIT_AREA / spec.cell_area_m2();
        let values = sums
            .par_iter()
            .map(|&s| if s > floor { (s * unit) as f32 } else { 0.0 })
            .collect();
        DensityGrid { spec, values }
    }
}

/// The density of `binned` with `kernel` of `bandwidth_m` (map metres). See the module
/// documentation for units; [`DensityPlan`] to reuse the preparation across grids.
pub fn density(binned: &Binned, kernel: Kernel, bandwidth_m: f64) -> DensityGrid {
    DensityPlan::new(binned, kernel, bandwidth_m).apply(binned)
}

#[cfg(test)]
mod tests;
