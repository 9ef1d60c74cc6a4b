//! A vector layer as FlatGeobuf (through the `flatgeobuf` crate): binary, with a packed
//! Hilbert R-tree, streamed by GDAL and QGIS and read in parts over HTTP by web clients.
//! The events' GeoJSON is about a kilobyte an event (10 GB at 10 million); this is the
//! compact copy for large runs, with the same fields.

use std::path::Path;

use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use geozero::{ColumnValue, PropertyProcessor};

use crate::error::{Error, Result};
use crate::output::atomic::write_atomic;
use crate::output::layer::{FieldType, GeometryKind, Value, VectorLayer};

/// Writes `layer` (lon/lat, EPSG:4326) as a FlatGeobuf file at `path`, atomically, with
/// a spatial index. Null values are left out of a feature (every column is nullable).
pub fn write_flatgeobuf(layer: &VectorLayer, path: &Path) -> Result<()> {
    let fail = |e: flatgeobuf::Error| Error::format(path, format!("FlatGeobuf: {e}"));
    let geometry = match layer.geometry {
        GeometryKind::Point => GeometryType::Point,
        GeometryKind::MultiLineString => GeometryType::MultiLineString,
        GeometryKind::MultiPolygon => GeometryType::MultiPolygon,
    };
    let options = FgbWriterOptions {
        description: Some(&layer.description),
        write_index: true,
        promote_to_multi: true,
        crs: FgbCrs {
            code: 4326,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut fgb = FgbWriter::create_with_options(&layer.name, geometry, options).map_err(fail)?;
    for f in &layer.fields {
        let kind = match f.kind {
            FieldType::Integer => ColumnType::Long,
            FieldType::Real => ColumnType::Double,
            FieldType::Text => ColumnType::String,
            FieldType::Boolean => ColumnType::Bool,
            FieldType::Date => ColumnType::DateTime,
        };
        fgb.add_column(&f.name, kind, |_, col| col.nullable = true);
    }
    for (n, feature) in layer.features.iter().enumerate() {
        let mut failed = None;
        fgb.add_feature_geom(feature.geometry.clone(), |w| {
            for (i, (field, value)) in layer.fields.iter().zip(&feature.values).enumerate() {
                let text;
                let v = match value {
                    Value::Null => continue,
                    Value::Int(v) => ColumnValue::Long(*v),
                    Value::Real(v) => ColumnValue::Double(*v),
                    Value::Text(s) => ColumnValue::String(s),
                    Value::Bool(b) => ColumnValue::Bool(*b),
                    Value::Date(d) => {
                        text = d.format("%Y-%m-%d").to_string();
                        ColumnValue::DateTime(&text)
                    }
                };
                if let Err(e) = w.property(i, &field.name, &v) {
                    failed.get_or_insert(format!("feature {n}, field {}: {e}", field.name));
                }
            }
        })
        .map_err(|e| Error::format(path, format!("FlatGeobuf: feature {n}: {e}")))?;
        if let Some(why) = failed {
            return Err(Error::format(path, format!("FlatGeobuf: {why}")));
        }
    }
    write_atomic(path, |out| {
        fgb.write(out)
            .map_err(|e| std::io::Error::other(e.to_string()))
    })
}
