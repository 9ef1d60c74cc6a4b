//! Density to colour: colour-blind-safe ramps (from `colorous`, i.e. d3-scale-chromatic)
//! on a scale shared by every map of a run.
//!
//! Build one [`ColourScale`] per run, from the largest density over all the years (or a
//! fixed value), and apply it to every grid: the same density then has the same colour
//! in every map and in the legend.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use rayon::prelude::*;
use serde::Deserialize;

use crate::analysis::density::{DensityGrid, max_value};

/// A colour ramp. Viridis and magma are perceptually uniform with luminance rising
/// along the ramp; YlOrRd runs from light yellow to dark red. All three read correctly
/// under the common colour-vision deficiencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub enum RampName {
    Viridis,
    Magma,
    YlOrRd,
}

impl RampName {
    fn gradient(self) -> colorous::Gradient {
        match self {
            RampName::Viridis => colorous::VIRIDIS,
            RampName::Magma => colorous::MAGMA,
            RampName::YlOrRd => colorous::YELLOW_ORANGE_RED,
        }
    }

    /// The ramp's colour at position `t` in 0..=1, as used for every pixel (a table of
    /// [`LUT_SIZE`] samples, so a value always gets the very same colour).
    pub fn at(self, t: f32) -> [u8; 3] {
        let lut = match self {
            RampName::Viridis => &*VIRIDIS_LUT,
            RampName::Magma => &*MAGMA_LUT,
            RampName::YlOrRd => &*YLORRD_LUT,
        };
        lut[(t.clamp(0.0, 1.0) * (LUT_SIZE - 1) as f32).round() as usize]
    }
}

/// Samples per ramp: finer than the 256 levels a channel can show.
pub const LUT_SIZE: usize = 1024;

fn sample(ramp: RampName) -> Vec<[u8; 3]> {
    let g = ramp.gradient();
    (0..LUT_SIZE)
        .map(|i| {
            g.eval_continuous(i as f64 / (LUT_SIZE - 1) as f64)
                .into_array()
        })
        .collect()
}

static VIRIDIS_LUT: LazyLock<Vec<[u8; 3]>> = LazyLock::new(|| sample(RampName::Viridis));
static MAGMA_LUT: LazyLock<Vec<[u8; 3]>> = LazyLock::new(|| sample(RampName::Magma));
static YLORRD_LUT: LazyLock<Vec<[u8; 3]>> = LazyLock::new(|| sample(RampName::YlOrRd));

impl FromStr for RampName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "viridis" => Ok(RampName::Viridis),
            "magma" => Ok(RampName::Magma),
            "ylorrd" => Ok(RampName::YlOrRd),
            _ => Err(format!(
                "unknown colour ramp \"{s}\" (viridis, magma or ylorrd)"
            )),
        }
    }
}

impl TryFrom<String> for RampName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl fmt::Display for RampName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RampName::Viridis => "viridis",
            RampName::Magma => "magma",
            RampName::YlOrRd => "ylorrd",
        })
    }
}

/// How densities are spread along the ramp: `Linear` (position = value / max) or `Sqrt`
/// (position = √(value / max): more of the ramp for the many low values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScaleKind {
    Linear,
    Sqrt,
}

/// Opacity at the threshold; it rises smoothly to opaque over [`FADE`] of the ramp above
/// it, so that the basemap shows through where density is low.
const MIN_ALPHA: f32 = 64.0;
/// Part of the ramp (in ramp position) over which opacity rises.
const FADE: f32 = 0.2;

/// Density → RGBA, the same for every map of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColourScale {
    pub ramp: RampName,
    /// The density at the top of the ramp (values above get the top colour).
    pub max: f32,
    /// Values below are transparent (and so is 0, whatever the threshold).
    pub threshold: f32,
    pub scale: ScaleKind,
}

impl ColourScale {
    /// A scale topped by the largest value of all `grids` (every year of a run).
    pub fn shared(
        ramp: RampName,
        scale: ScaleKind,
        threshold: f32,
        grids: &[&DensityGrid],
    ) -> Self {
        ColourScale {
            ramp,
            max: max_value(grids),
            threshold,
            scale,
        }
    }

    /// Position of `v` along the ramp, 0..=1.
    fn position(&self, v: f32) -> f32 {
        if self.max <= 0.0 {
            return 1.0;
        }
        let t = (v / self.max).clamp(0.0, 1.0);
        match self.scale {
            ScaleKind::Linear => t,
            ScaleKind::Sqrt => t.sqrt(),
        }
    }

    /// The value at ramp position `t` (inverse of `position`).
    fn value_at(&self, t: f32) -> f32 {
        match self.scale {
            ScaleKind::Linear => t * self.max,
            ScaleKind::Sqrt => t * t * self.max,
        }
    }

    /// Straight (not premultiplied) RGBA for density `v`; `None` (transparent) below the
    /// threshold, for 0, and for NaN.
    pub fn colour(&self, v: f32) -> Option<[u8; 4]> {
        if !(v >= self.threshold && v > 0.0) {
            return None;
        }
        let t = self.position(v);
        let fade = ((t - self.position(self.threshold)) / FADE).clamp(0.0, 1.0);
        let smooth = fade * fade * (3.0 - 2.0 * fade);
        let alpha = (MIN_ALPHA + (255.0 - MIN_ALPHA) * smooth).round() as u8;
        let [r, g, b] = self.ramp.at(t);
        Some([r, g, b, alpha])
    }

    /// `n` stops (at least 2) evenly spaced along the ramp from the threshold to the top:
    /// (density, colour) for the legend; a stop at 0 is transparent black.
    pub fn legend_stops(&self, n: usize) -> Vec<(f32, [u8; 4])> {
        let n = n.max(2);
        let t0 = self.position(self.threshold.max(0.0));
        (0..n)
            .map(|i| {
                let t = t0 + (1.0 - t0) * i as f32 / (n - 1) as f32;
                let v = if i == 0 {
                    self.threshold.max(0.0)
                } else if i == n - 1 {
                    self.max
                } else {
                    self.value_at(t)
                };
                (v, self.colour(v).unwrap_or([0; 4]))
            })
            .collect()
    }

    /// One straight (not premultiplied) RGBA pixel per cell, in the grid's order (row 0
    /// north); transparent cells are [0, 0, 0, 0]. For tiny-skia pixmaps, which are
    /// premultiplied, use [`ColourScale::colourize_premultiplied`].
    pub fn colourize(&self, grid: &DensityGrid) -> Vec<[u8; 4]> {
        grid.values
            .par_iter()
            .map(|&v| self.colour(v).unwrap_or([0; 4]))
            .collect()
    }

    /// As [`ColourScale::colourize`], with colour channels multiplied by alpha.
    pub fn colourize_premultiplied(&self, grid: &DensityGrid) -> Vec<[u8; 4]> {
        grid.values
            .par_iter()
            .map(|&v| self.colour(v).map_or([0; 4], premultiply))
            .collect()
    }
}

/// Colour channels × alpha, exactly as tiny-skia premultiplies.
pub fn premultiply([r, g, b, a]: [u8; 4]) -> [u8; 4] {
    let p = tiny_skia::ColorU8::from_rgba(r, g, b, a).premultiply();
    [p.red(), p.green(), p.blue(), p.alpha()]
}

#[cfg(test)]
#[path = "ramp_tests.rs"]
mod tests;
