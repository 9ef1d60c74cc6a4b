//! Map tiles drawn: density values coloured on the run's one scale, and transparent
//! overlay tiles of boundaries and zones (tiny-skia), both as PNG bytes.

use crate::error::Result;
use crate::render::encode_rgba_png;
use crate::render::ramp::ColourScale;

/// A density tile (`size`² values, row-major, north first) as a PNG: colours of `scale`
/// with their alpha times `opacity`; transparent below the scale's threshold, so the
/// tile overlays any basemap.
pub fn heat_tile_png(
    values: &[f32],
    size: u32,
    scale: &ColourScale,
    opacity: f32,
) -> Result<Vec<u8>> {
    assert_eq!(values.len(), (size * size) as usize, "one value per pixel");
    let opacity = opacity.clamp(0.0, 1.0);
    let rgba: Vec<u8> = values
        .iter()
        .flat_map(|&v| match scale.colour(v) {
            Some([r, g, b, a]) => [r, g, b, (f32::from(a) * opacity).round() as u8],
            None => [0; 4],
        })
        .collect();
    encode_rgba_png(size, size, &rgba)
}
