//! Map tiles drawn: density values coloured on the run's one scale, and transparent
//! overlay tiles of boundaries and zones (tiny-skia), both as PNG bytes.

use geo::MultiPolygon;
use tiny_skia::{PathBuilder, Pixmap, Transform};

use crate::analysis::webmercator::{Tile, to_metres};
use crate::analysis::zones::{Zone, ZoneKind as AnalysisZone};
use crate::error::Result;
use crate::model::{Boundaries, Style};
use crate::render::build::zone_look;
use crate::render::encode::demultiplied_rgba;
use crate::render::encode_rgba_png;
use crate::render::paint::stroke;
use crate::render::ramp::{ColourScale, ScaleKind};
use crate::render::scene::{LineStyle, ZoneKind};

/// Positions along the ramp in a [`TilePalette`]: 4× finer than the ramp's own table, so
/// a pixel gets the colour `ColourScale::colour` would give it, within one ramp step.
const PALETTE_SIZE: usize = 4096;

/// Density → straight RGBA for tiles, as [`ColourScale::colour`] with the alpha times the
/// style's opacity, through a table over the ramp position: tiles colour tens of millions
/// of pixels per run, and the table costs a multiply and a lookup per pixel.
pub struct TilePalette {
    threshold: f32,
    inv_max: f32,
    sqrt: bool,
    table: Vec<[u8; 4]>,
}

impl TilePalette {
    pub fn new(scale: &ColourScale, opacity: f32) -> TilePalette {
        let opacity = opacity.clamp(0.0, 1.0);
        let fade = |[r, g, b, a]: [u8; 4]| [r, g, b, (f32::from(a) * opacity).round() as u8];
        let sqrt = scale.scale == ScaleKind::Sqrt;
        let lowest = scale.colour(scale.threshold.max(f32::MIN_POSITIVE));
        let table = (0..PALETTE_SIZE)
            .map(|i| {
                let t = i as f32 / (PALETTE_SIZE - 1) as f32;
                let v = if sqrt { t * t } else { t } * scale.max;
                // Entries just under the threshold serve values just over it.
                scale.colour(v).or(lowest).map_or([0; 4], fade)
            })
            .collect();
        TilePalette {
            threshold: scale.threshold,
            inv_max: if scale.max > 0.0 {
                1.0 / scale.max
            } else {
                0.0
            },
            sqrt,
            table,
        }
    }

    /// Straight RGBA for density `v`; transparent below the threshold, for 0 and NaN.
    pub fn colour(&self, v: f32) -> [u8; 4] {
        if !(v >= self.threshold && v > 0.0) {
            return [0; 4];
        }
        let mut t = if self.inv_max > 0.0 {
            (v * self.inv_max).min(1.0)
        } else {
            1.0
        };
        if self.sqrt {
            t = t.sqrt();
        }
        self.table[(t * (PALETTE_SIZE - 1) as f32 + 0.5) as usize]
    }
}

/// A density tile (`size`² values, row-major, north first) as a PNG, transparent below
/// the scale's threshold so the tile overlays any basemap.
pub fn heat_tile_png(values: &[f32], size: u32, palette: &TilePalette) -> Result<Vec<u8>> {
    assert_eq!(values.len(), (size * size) as usize, "one value per pixel");
    let rgba: Vec<u8> = values.iter().flat_map(|&v| palette.colour(v)).collect();
    encode_rgba_png(size, size, &rgba)
}

/// One polyline of an overlay, in Mercator metres, with its bounding box.
struct Line {
    bbox: [f64; 4],
    pts: Vec<[f64; 2]>,
}

impl Line {
    fn new(pts: Vec<[f64; 2]>) -> Line {
        let mut bbox = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for [x, y] in &pts {
            bbox = [
                bbox[0].min(*x),
                bbox[1].min(*y),
                bbox[2].max(*x),
                bbox[3].max(*y),
            ];
        }
        Line { bbox, pts }
    }
}

/// Vertices per piece of a solid line: long boundaries are cut so that a tile draws only
/// the pieces that reach it. Dashed lines stay whole so their dashes run on across tiles.
const PIECE: usize = 64;

/// Lines of one look.
struct OverlayLayer {
    look: LineStyle,
    lines: Vec<Line>,
}

/// Transparent tiles of boundaries and zones: the country outline, first-level admin
/// boundaries and zone outlines, in the style's colours, widths scaled with the tiles.
pub struct Overlay {
    layers: Vec<OverlayLayer>,
    /// Line widths × this (1 for 256-px tiles, 2 for 512).
    scale: f32,
}

impl Overlay {
    pub fn new(boundaries: &Boundaries, zones: &[Zone], style: &Style, tile_size: u32) -> Overlay {
        let c = &style.colours;
        let rings = |mp: &MultiPolygon<f64>| -> Vec<Vec<[f64; 2]>> {
            mp.iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .map(|ring| ring.coords().map(|c| to_metres(c.x, c.y)).collect())
                .collect()
        };
        let pieces = |lines: Vec<Vec<[f64; 2]>>| -> Vec<Line> {
            lines
                .iter()
                .flat_map(|l| {
                    (0..l.len().saturating_sub(1))
                        .step_by(PIECE)
                        .map(move |a| l[a..(a + PIECE + 1).min(l.len())].to_vec())
                })
                .filter(|p| p.len() >= 2)
                .map(Line::new)
                .collect()
        };
        let mut layers = Vec::new();
        if style.layers.adm1 {
            let adm1: Vec<_> = boundaries
                .regions()
                .iter()
                .flat_map(|r| rings(&r.geometry))
                .collect();
            layers.push(OverlayLayer {
                look: LineStyle::solid(c.adm1, style.lines.adm1),
                lines: pieces(adm1),
            });
        }
        layers.push(OverlayLayer {
            look: LineStyle::solid(c.country_outline, style.lines.country),
            lines: pieces(rings(boundaries.outline())),
        });
        if style.layers.zones {
            for z in zones {
                let kind = match z.kind {
                    AnalysisZone::Ring { .. } => ZoneKind::Ring,
                    AnalysisZone::Band { .. } => ZoneKind::Band,
                    // Region sets follow admin boundaries, drawn already.
                    AnalysisZone::Regions { .. } => continue,
                };
                layers.push(OverlayLayer {
                    look: zone_look(style, kind).0,
                    lines: rings(&z.polygon).into_iter().map(Line::new).collect(),
                });
            }
        }
        Overlay {
            layers,
            scale: tile_size as f32 / 256.0,
        }
    }

    /// The overlay tile as a PNG, or `None` when nothing of the overlay crosses it.
    pub fn tile_png(&self, tile: Tile, size: u32) -> Result<Option<Vec<u8>>> {
        let [w, s, e, n] = tile.bounds_m();
        let px = (e - w) / f64::from(size);
        let mut pixmap = Pixmap::new(size, size).expect("tile size is positive");
        let mut drawn = false;
        // The style's widths are for a country filling a report map (about zoom 6-7);
        // where the country is a few hundred pixels wide, lines thin out (×0.5 at zoom 0,
        // full width from zoom 5) so they do not bury the heat.
        let scale = self.scale * (0.5 + f32::from(tile.z) / 10.0).min(1.0);
        for layer in &self.layers {
            let mut look = layer.look.clone();
            look.width *= scale;
            look.dash.iter_mut().for_each(|d| *d *= scale);
            // Lines whose box reaches the tile, widened by the line's half width.
            let pad = f64::from(look.width) * px;
            let mut pb = PathBuilder::new();
            for line in &layer.lines {
                let [x0, y0, x1, y1] = line.bbox;
                if x1 < w - pad || x0 > e + pad || y1 < s - pad || y0 > n + pad {
                    continue;
                }
                // Pixel coordinates; vertices closer than a quarter pixel are dropped.
                let mut last: Option<(f32, f32)> = None;
                let mut count = 0;
                for (i, [x, y]) in line.pts.iter().enumerate() {
                    let p = (((x - w) / px) as f32, ((n - y) / px) as f32);
                    let is_last = i + 1 == line.pts.len();
                    if let Some(q) = last {
                        if !is_last && (p.0 - q.0).abs() < 0.25 && (p.1 - q.1).abs() < 0.25 {
                            continue;
                        }
                        pb.line_to(p.0, p.1);
                    } else {
                        pb.move_to(p.0, p.1);
                    }
                    last = Some(p);
                    count += 1;
                }
                drawn |= count >= 2;
            }
            if let Some(path) = pb.finish() {
                stroke(&mut pixmap, &path, &look, Transform::identity(), None);
            }
        }
        if !drawn || pixmap.pixels().iter().all(|p| p.alpha() == 0) {
            return Ok(None);
        }
        encode_rgba_png(size, size, &demultiplied_rgba(&pixmap)).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::ramp::RampName;

    #[test]
    fn palette_matches_the_colour_scale() {
        for kind in [ScaleKind::Sqrt, ScaleKind::Linear] {
            let scale = ColourScale {
                ramp: RampName::YlOrRd,
                max: 40.0,
                threshold: 0.8,
                scale: kind,
            };
            let palette = TilePalette::new(&scale, 0.85);
            for i in 0..=4000 {
                let v = i as f32 * 0.011;
                let got = palette.colour(v);
                match scale.colour(v) {
                    None => assert_eq!(got, [0; 4], "{v}"),
                    Some([r, g, b, a]) => {
                        let want = [r, g, b, (f32::from(a) * 0.85).round() as u8];
                        let off = (0..4).map(|k| got[k].abs_diff(want[k])).max().unwrap();
                        // Within one step of the ramp (and of the alpha fade).
                        assert!(off <= 4, "{kind:?} {v}: {got:?} vs {want:?}");
                    }
                }
            }
            assert_eq!(palette.colour(f32::NAN), [0; 4]);
            assert_eq!(palette.colour(1e9), palette.colour(40.0));
        }
    }
}
