//! GeoPackage (OGC 12-128r18, version 1.3) writer: one feature table per layer with an
//! R-tree spatial index, and QGIS default styles in `layer_styles`.
//!
//! Hand-written on rusqlite: there is no maintained Rust GeoPackage writer, and the
//! parts we need (core tables, geometry blobs, the rtree extension) are small and fully
//! specified. GDAL's `ogrinfo` and `validate_gpkg.py` check the result in the tests.
//!
//! Output is deterministic: the same layers and styles give a byte-identical file. The
//! only time-dependent values a GeoPackage holds (`gpkg_contents.last_change`,
//! `layer_styles.update_time`) are the `last_change` argument of
//! [`write_geopackage_at`], and the Unix epoch for [`write_geopackage`]; SQLite itself
//! writes no timestamps, and the same sequence of statements gives the same pages.

mod geometry;
mod rtree;
mod schema;
mod styles;

pub use styles::Style;

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::output::atomic::write_atomic_path;
use crate::output::layer::{Field, FieldType, Value, VectorLayer};

pub use schema::{APPLICATION_ID, FID_COLUMN, GEOM_COLUMN, USER_VERSION};

/// Writes `layers` to a GeoPackage at `path` (replaced atomically), with one default QGIS
/// style per `(layer name, QML, SLD)` of `styles`. `last_change` timestamps are the Unix
/// epoch (1970-01-01T00:00:00.000Z), so that the file depends only on its content.
pub fn write_geopackage(path: &Path, layers: &[VectorLayer], styles: &[Style<'_>]) -> Result<()> {
    write_geopackage_at(path, layers, styles, DateTime::UNIX_EPOCH)
}

/// [`write_geopackage`] with the `last_change` timestamp to record.
pub fn write_geopackage_at(
    path: &Path,
    layers: &[VectorLayer],
    styles: &[Style<'_>],
    last_change: DateTime<Utc>,
) -> Result<()> {
    check_names(layers, styles).map_err(|m| Error::format(path, m))?;
    // ISO 8601 in UTC with milliseconds, the form the spec's own default produces.
    let stamp = last_change.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    write_atomic_path(path, |tmp| {
        let conn = Connection::open(tmp).map_err(|e| sql_error(path, e))?;
        build(&conn, layers, styles, &stamp).map_err(|e| match e {
            BuildError::Sql(e) => sql_error(path, e),
            BuildError::Data(m) => Error::format(path, m),
        })?;
        conn.close().map_err(|(_, e)| sql_error(path, e))
    })
}

fn sql_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::format(path, format!("writing GeoPackage: {e}"))
}

enum BuildError {
    Sql(rusqlite::Error),
    Data(String),
}

impl From<rusqlite::Error> for BuildError {
    fn from(e: rusqlite::Error) -> Self {
        BuildError::Sql(e)
    }
}

fn build(
    conn: &Connection,
    layers: &[VectorLayer],
    styles: &[Style<'_>],
    stamp: &str,
) -> std::result::Result<(), BuildError> {
    // The file is a fresh temporary that is thrown away on any error, so no journal and
    // no fsync per transaction (the caller syncs once at the end). A rollback journal
    // would cost a second copy of every page; WAL would change the file format bytes.
    // A 64 MiB page cache keeps the R-tree's upper nodes in memory on large layers.
    conn.query_row("PRAGMA journal_mode = OFF", [], |_| Ok(()))?;
    conn.execute_batch(&format!(
        "PRAGMA synchronous = OFF;
         PRAGMA cache_size = -65536;
         PRAGMA foreign_keys = ON;
         PRAGMA application_id = {APPLICATION_ID};
         PRAGMA user_version = {USER_VERSION};"
    ))?;
    {
        let tx = conn.unchecked_transaction()?;
        schema::create_core(&tx)?;
        tx.commit()?;
    }
    for layer in layers {
        write_layer(conn, layer, stamp)?;
    }
    if !styles.is_empty() {
        let tx = conn.unchecked_transaction()?;
        styles::write(&tx, styles, stamp)?;
        tx.commit()?;
    }
    Ok(())
}

/// One transaction per layer, with prepared statements: a million points take seconds.
fn write_layer(
    conn: &Connection,
    layer: &VectorLayer,
    stamp: &str,
) -> std::result::Result<(), BuildError> {
    let tx = conn.unchecked_transaction()?;
    schema::create_feature_table(&tx, layer, stamp)?;
    rtree::create(&tx, &layer.name, GEOM_COLUMN)?;
    {
        let mut insert = tx.prepare(&schema::insert_sql(layer))?;
        let mut index = tx.prepare(&rtree::insert_sql(&layer.name, GEOM_COLUMN))?;
        for (i, feature) in layer.features.iter().enumerate() {
            let data_error =
                |m: String| BuildError::Data(format!("layer {}, feature {i}: {m}", layer.name));
            if feature.values.len() != layer.fields.len() {
                return Err(data_error(format!(
                    "{} values for {} fields",
                    feature.values.len(),
                    layer.fields.len()
                )));
            }
            let encoded =
                geometry::encode(&feature.geometry, layer.geometry).map_err(data_error)?;
            // fids count from 1 in feature order, so R-tree ids and row order are stable.
            let fid = i as i64 + 1;
            insert.raw_bind_parameter(1, fid)?;
            insert.raw_bind_parameter(2, &encoded.blob)?;
            for (j, (field, value)) in layer.fields.iter().zip(&feature.values).enumerate() {
                bind_value(&mut insert, j + 3, field, value).map_err(|e| match e {
                    BuildError::Data(m) => data_error(m),
                    e => e,
                })?;
            }
            insert.raw_execute()?;
            if let Some(e) = encoded.envelope {
                index.execute((fid, e.min_x, e.max_x, e.min_y, e.max_y))?;
            }
        }
    }
    rtree::create_triggers(&tx, &layer.name, GEOM_COLUMN, FID_COLUMN)?;
    tx.commit()?;
    Ok(())
}

fn bind_value(
    stmt: &mut rusqlite::Statement<'_>,
    index: usize,
    field: &Field,
    value: &Value,
) -> std::result::Result<(), BuildError> {
    match (field.kind, value) {
        (_, Value::Null) => stmt.raw_bind_parameter(index, rusqlite::types::Null)?,
        (FieldType::Integer, Value::Int(v)) => stmt.raw_bind_parameter(index, v)?,
        (FieldType::Real, Value::Real(v)) => stmt.raw_bind_parameter(index, v)?,
        (FieldType::Real, Value::Int(v)) => stmt.raw_bind_parameter(index, *v as f64)?,
        (FieldType::Text, Value::Text(v)) => stmt.raw_bind_parameter(index, v)?,
        (FieldType::Boolean, Value::Bool(v)) => stmt.raw_bind_parameter(index, i64::from(*v))?,
        (FieldType::Date, Value::Date(d)) => {
            stmt.raw_bind_parameter(index, d.format("%Y-%m-%d").to_string())?
        }
        (kind, v) => {
            return Err(BuildError::Data(format!(
                "field {}: value {v:?} in a {kind:?} field",
                field.name
            )));
        }
    }
    Ok(())
}

/// Names must make valid, distinct tables and columns that do not collide with the
/// GeoPackage's own (SQLite names are case-insensitive).
fn check_names(layers: &[VectorLayer], styles: &[Style<'_>]) -> std::result::Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for layer in layers {
        let lower = layer.name.to_ascii_lowercase();
        if layer.name.is_empty()
            || ["gpkg_", "rtree_", "sqlite_"]
                .iter()
                .any(|p| lower.starts_with(p))
            || lower == styles::TABLE
        {
            return Err(format!(
                "layer name {:?} is empty or reserved in a GeoPackage",
                layer.name
            ));
        }
        if !seen.insert(lower) {
            return Err(format!("two layers are named {:?}", layer.name));
        }
        let mut fields = std::collections::HashSet::new();
        for f in &layer.fields {
            let lower = f.name.to_ascii_lowercase();
            if f.name.is_empty() || lower == FID_COLUMN || lower == GEOM_COLUMN {
                return Err(format!(
                    "layer {}: field name {:?} is empty or reserved",
                    layer.name, f.name
                ));
            }
            if !fields.insert(lower) {
                return Err(format!(
                    "layer {}: two fields are named {:?}",
                    layer.name, f.name
                ));
            }
        }
    }
    let mut styled = std::collections::HashSet::new();
    for (name, ..) in styles {
        if !layers.iter().any(|l| l.name == *name) {
            return Err(format!(
                "a style is given for {name:?}, which is not a layer"
            ));
        }
        if !styled.insert(*name) {
            return Err(format!("two styles are given for layer {name:?}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
