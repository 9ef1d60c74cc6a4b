//! Density grids as GeoTIFF: float32, one band per grid, deflate-compressed, georeferenced
//! with ModelPixelScale + ModelTiepoint (PixelIsArea, tiepoint at the north-west corner of
//! the north-west cell) and GeoKeys for the map CRS ([`super::geokeys`]), with GDAL's
//! nodata tag and band descriptions, so QGIS and GDAL place and label it without help.
//!
//! The directory is written by hand with the `tiff` crate's low-level encoder: its image
//! encoder only knows fixed colour types, not N float bands.

use std::io::{Cursor, Write};
use std::path::Path;

use tiff::encoder::{DirectoryEncoder, TiffEncoder, TiffKindStandard};
use tiff::tags::Tag;

use crate::analysis::density::DensityGrid;
use crate::error::{Error, Result};
use crate::output::atomic::write_bytes_atomic;
use crate::output::geokeys::{
    GEO_ASCII_PARAMS_TAG, GEO_DOUBLE_PARAMS_TAG, GEO_KEY_DIRECTORY_TAG, geo_tags,
};

/// GDAL's private tags: band metadata (XML) and the nodata value (text).
pub const GDAL_METADATA_TAG: u16 = 42112;
pub const GDAL_NODATA_TAG: u16 = 42113;

/// Uncompressed bytes per strip: small enough to keep memory flat, large enough for
/// deflate to work well.
const STRIP_BYTES: usize = 256 * 1024;

/// Writes `bands` (description, grid) as one GeoTIFF at `path`, atomically. All grids must
/// share one [`crate::analysis::density::GridSpec`]; `crs` is the map CRS the grids are
/// in; `nodata` is declared as GDAL's nodata value (cells are written as they are);
/// `metadata` are dataset-level (name, value) items (`gdalinfo` lists them).
pub fn write_geotiff(
    path: &Path,
    bands: &[(&str, &DensityGrid)],
    crs: &str,
    nodata: f32,
    metadata: &[(&str, &str)],
) -> Result<()> {
    let bytes = encode_geotiff(bands, crs, nodata, metadata)?;
    write_bytes_atomic(path, &bytes)
}

/// The GeoTIFF file as bytes.
pub fn encode_geotiff(
    bands: &[(&str, &DensityGrid)],
    crs: &str,
    nodata: f32,
    metadata: &[(&str, &str)],
) -> Result<Vec<u8>> {
    let Some((_, first)) = bands.first() else {
        return Err(Error::Usage("GeoTIFF: no band to write".into()));
    };
    let spec = first.spec;
    if let Some((name, _)) = bands.iter().find(|(_, g)| g.spec != spec) {
        return Err(Error::Usage(format!(
            "GeoTIFF: band \"{name}\" is on a different grid from band \"{}\"",
            bands[0].0
        )));
    }
    if spec.cells() == 0 || u32::try_from(spec.width.max(spec.height)).is_err() {
        return Err(Error::Usage(format!(
            "GeoTIFF: cannot write a {} × {} grid",
            spec.width, spec.height
        )));
    }
    let geo = geo_tags(crs)?;
    let mut out = Cursor::new(Vec::new());
    let tiff_err = |e: tiff::TiffError| Error::Usage(format!("GeoTIFF encoding failed: {e}"));
    {
        let mut tiff = TiffEncoder::new(&mut out).map_err(tiff_err)?;
        let mut dir = tiff.image_directory().map_err(tiff_err)?;
        let (offsets, counts, rows_per_strip) = write_strips(&mut dir, bands).map_err(tiff_err)?;
        let n = bands.len();
        let (w, h) = (spec.width as u32, spec.height as u32);
        let t = &mut dir;
        t.write_tag(Tag::ImageWidth, w).map_err(tiff_err)?;
        t.write_tag(Tag::ImageLength, h).map_err(tiff_err)?;
        t.write_tag(Tag::BitsPerSample, &vec![32u16; n][..])
            .map_err(tiff_err)?;
        // 8 = deflate (zlib stream), as GDAL writes COMPRESS=DEFLATE.
        t.write_tag(Tag::Compression, 8u16).map_err(tiff_err)?;
        // 1 = BlackIsZero: plain data bands, not colour.
        t.write_tag(Tag::PhotometricInterpretation, 1u16)
            .map_err(tiff_err)?;
        t.write_tag(Tag::StripOffsets, &offsets[..])
            .map_err(tiff_err)?;
        t.write_tag(Tag::SamplesPerPixel, n as u16)
            .map_err(tiff_err)?;
        t.write_tag(Tag::RowsPerStrip, rows_per_strip)
            .map_err(tiff_err)?;
        t.write_tag(Tag::StripByteCounts, &counts[..])
            .map_err(tiff_err)?;
        // 2 = planar: each band's strips are contiguous (one band = one plane).
        t.write_tag(Tag::PlanarConfiguration, 2u16)
            .map_err(tiff_err)?;
        if n > 1 {
            // Bands beyond the first are unspecified extra samples, not alpha.
            t.write_tag(Tag::ExtraSamples, &vec![0u16; n - 1][..])
                .map_err(tiff_err)?;
        }
        // 3 = IEEE floating point.
        t.write_tag(Tag::SampleFormat, &vec![3u16; n][..])
            .map_err(tiff_err)?;
        t.write_tag(
            Tag::ModelPixelScaleTag,
            &[spec.cell_m, spec.cell_m, 0.0][..],
        )
        .map_err(tiff_err)?;
        // Raster (0, 0) is the corner of the north-west cell under PixelIsArea.
        t.write_tag(
            Tag::ModelTiepointTag,
            &[0.0, 0.0, 0.0, spec.x0, spec.y0, 0.0][..],
        )
        .map_err(tiff_err)?;
        t.write_tag(Tag::Unknown(GEO_KEY_DIRECTORY_TAG), &geo.directory[..])
            .map_err(tiff_err)?;
        if !geo.doubles.is_empty() {
            t.write_tag(Tag::Unknown(GEO_DOUBLE_PARAMS_TAG), &geo.doubles[..])
                .map_err(tiff_err)?;
        }
        if !geo.ascii.is_empty() {
            t.write_tag(Tag::Unknown(GEO_ASCII_PARAMS_TAG), geo.ascii.as_str())
                .map_err(tiff_err)?;
        }
        t.write_tag(
            Tag::Unknown(GDAL_METADATA_TAG),
            gdal_metadata(bands, metadata).as_str(),
        )
        .map_err(tiff_err)?;
        t.write_tag(Tag::Unknown(GDAL_NODATA_TAG), nodata_text(nodata).as_str())
            .map_err(tiff_err)?;
        dir.finish().map_err(tiff_err)?;
    }
    Ok(out.into_inner())
}

/// Compresses and writes every band's strips, band after band; returns the strip offsets,
/// their byte counts and the rows per strip.
fn write_strips<W: Write + std::io::Seek>(
    dir: &mut DirectoryEncoder<'_, W, TiffKindStandard>,
    bands: &[(&str, &DensityGrid)],
) -> tiff::TiffResult<(Vec<u32>, Vec<u32>, u32)> {
    let width = bands[0].1.spec.width;
    let rows_per_strip = (STRIP_BYTES / (width * 4)).max(1);
    let mut offsets = Vec::new();
    let mut counts = Vec::new();
    let mut raw = Vec::with_capacity(rows_per_strip * width * 4);
    for (_, grid) in bands {
        for strip in grid.values.chunks(rows_per_strip * width) {
            raw.clear();
            // TIFF data is in the byte order of the header: the encoder writes native ("II"
            // on every platform we build for, "MM" on big-endian ones).
            raw.extend(strip.iter().flat_map(|v| v.to_ne_bytes()));
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
            z.write_all(&raw)?;
            let compressed = z.finish()?;
            let offset = dir.write_data(&compressed[..])?;
            offsets.push(u32::try_from(offset)?);
            counts.push(u32::try_from(compressed.len())?);
        }
    }
    Ok((offsets, counts, rows_per_strip as u32))
}

/// GDAL's band metadata: each band's description (GDAL reads `role="description"`).
fn gdal_metadata(bands: &[(&str, &DensityGrid)], metadata: &[(&str, &str)]) -> String {
    let mut xml = String::from("<GDALMetadata>\n");
    for (name, value) in metadata {
        xml.push_str(&format!(
            "  <Item name=\"{}\">{}</Item>\n",
            xml_text(name),
            xml_text(value)
        ));
    }
    for (i, (name, _)) in bands.iter().enumerate() {
        xml.push_str(&format!(
            "  <Item name=\"DESCRIPTION\" sample=\"{i}\" role=\"description\">{}</Item>\n",
            xml_text(name)
        ));
    }
    xml.push_str("</GDALMetadata>");
    xml
}

/// XML-escaped and ASCII-only (a TIFF ASCII tag): other characters as character references.
fn xml_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' => "&amp;".into(),
            '<' => "&lt;".into(),
            '>' => "&gt;".into(),
            '"' => "&quot;".into(),
            c if c.is_ascii() && !c.is_ascii_control() => c.to_string(),
            c => format!("&#{};", c as u32),
        })
        .collect()
}

/// The nodata value as GDAL writes it ("nan" for NaN, shortest round-trip decimal else).
fn nodata_text(nodata: f32) -> String {
    if nodata.is_nan() {
        "nan".into()
    } else if nodata.is_infinite() {
        if nodata > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        format!("{nodata}")
    }
}

#[cfg(test)]
#[path = "geotiff_tests.rs"]
mod tests;
