//! PNG output: straight (demultiplied) RGBA, optionally with a pHYs chunk so print
//! layouts place the image at its intended size (300 dpi for reports).

use std::path::Path;

use tiny_skia::Pixmap;

use crate::error::{Error, Result};
use crate::output::write_atomic;

/// Pixels per metre for a resolution in dots per inch (300 dpi → 11811).
pub fn dpi_to_ppm(dpi: u32) -> u32 {
    (f64::from(dpi) / 0.0254).round() as u32
}

/// The pixmap's pixels as straight-alpha RGBA bytes.
pub fn demultiplied_rgba(pixmap: &Pixmap) -> Vec<u8> {
    pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect()
}

/// Encodes the pixmap as an 8-bit RGBA PNG, with its resolution if `dpi` is given.
pub fn encode_png(pixmap: &Pixmap, dpi: Option<u32>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_png_to(&mut out, pixmap, dpi)
        .map_err(|e| Error::Usage(format!("PNG encoding failed: {e}")))?;
    Ok(out)
}

/// Encodes straight-alpha RGBA bytes (`width` × `height` pixels) as a PNG with the fast
/// compression level: for map tiles, where thousands are encoded per run.
pub fn encode_rgba_png(width: u32, height: u32, rgba: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_rgba_to(&mut out, width, height, rgba, None, png::Compression::Fast)
        .map_err(|e| Error::Usage(format!("PNG encoding failed: {e}")))?;
    Ok(out)
}

fn write_png_to(
    w: &mut dyn std::io::Write,
    pixmap: &Pixmap,
    dpi: Option<u32>,
) -> Result<(), png::EncodingError> {
    let rgba = demultiplied_rgba(pixmap);
    let (width, height) = (pixmap.width(), pixmap.height());
    write_rgba_to(w, width, height, &rgba, dpi, png::Compression::Balanced)
}

fn write_rgba_to(
    w: &mut dyn std::io::Write,
    width: u32,
    height: u32,
    rgba: &[u8],
    dpi: Option<u32>,
    compression: png::Compression,
) -> Result<(), png::EncodingError> {
    let mut enc = png::Encoder::new(w, width, height);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(compression);
    if let Some(dpi) = dpi {
        let ppm = dpi_to_ppm(dpi);
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
    }
    let mut writer = enc.write_header()?;
    writer.write_image_data(rgba)?;
    writer.finish()
}

/// Writes the pixmap as a PNG file, atomically (see [`write_atomic`]).
pub fn write_png(pixmap: &Pixmap, path: &Path, dpi: Option<u32>) -> Result<()> {
    write_atomic(path, |w| {
        write_png_to(w, pixmap, dpi).map_err(std::io::Error::other)
    })
}
