//! Density grids as cloud-optimised GeoTIFF ([`super::cog`]: 512 px tiles, DEFLATE with
//! the floating-point predictor, internal overviews): float32, one band per grid, georeferenced
//! with ModelPixelScale + ModelTiepoint (PixelIsArea, tiepoint at the north-west corner of
//! the north-west cell) and GeoKeys for the map CRS ([`super::geokeys`]), with GDAL's
//! nodata tag and band descriptions, so QGIS and GDAL place and label it without help.
//!

use std::path::Path;

use crate::analysis::density::DensityGrid;
use crate::error::{Error, Result};
use crate::output::atomic::write_bytes_atomic;
use crate::output::cog::{self, Value};
use crate::output::geokeys::{
    GEO_ASCII_PARAMS_TAG, GEO_DOUBLE_PARAMS_TAG, GEO_KEY_DIRECTORY_TAG, geo_tags,
};

/// GDAL's private tags: band metadata (XML) and the nodata value (text).
pub const GDAL_METADATA_TAG: u16 = 42112;
pub const GDAL_NODATA_TAG: u16 = 42113;

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
    let mut main = vec![
        (33550, Value::Doubles(vec![spec.cell_m, spec.cell_m, 0.0])),
        // Raster (0, 0) is the corner of the north-west cell under PixelIsArea.
        (
            33922,
            Value::Doubles(vec![0.0, 0.0, 0.0, spec.x0, spec.y0, 0.0]),
        ),
        (GEO_KEY_DIRECTORY_TAG, Value::Shorts(geo.directory.clone())),
        (
            GDAL_METADATA_TAG,
            Value::Ascii(gdal_metadata(bands, metadata)),
        ),
    ];
    if !geo.doubles.is_empty() {
        main.push((GEO_DOUBLE_PARAMS_TAG, Value::Doubles(geo.doubles.clone())));
    }
    if !geo.ascii.is_empty() {
        main.push((GEO_ASCII_PARAMS_TAG, Value::Ascii(geo.ascii.clone())));
    }
    let values = bands.iter().map(|(_, g)| g.values.clone()).collect();
    let levels = cog::pyramid(spec.width, spec.height, values);
    let nodata_tag = || vec![(GDAL_NODATA_TAG, Value::Ascii(nodata_text(nodata)))];
    cog::encode(&levels, main, nodata_tag, 0.0)
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
