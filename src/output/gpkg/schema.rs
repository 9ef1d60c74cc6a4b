//! The GeoPackage core tables (OGC 12-128r18, Annex C table definitions) and the
//! feature tables that hold our layers.

use rusqlite::Connection;

use crate::output::layer::{FieldType, GeometryKind, VectorLayer};

/// `PRAGMA application_id`: "GPKG" in ASCII.
pub const APPLICATION_ID: i32 = 0x4750_4B47;
/// `PRAGMA user_version`: GeoPackage 1.3.0.
pub const USER_VERSION: i32 = 10300;

/// The geometry column of every feature table.
pub const GEOM_COLUMN: &str = "geom";
/// The primary key of every feature table.
pub const FID_COLUMN: &str = "fid";

/// The EPSG:4326 definition the GeoPackage specification gives for its required row.
const WGS84_WKT: &str = concat!(
    r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,"#,
    r#"AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],"#,
    r#"PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],"#,
    r#"UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],"#,
    r#"AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#
);

/// Creates the core tables with the column names, types, constraints and defaults of
/// the specification (GDAL's validator compares them column by column), and the three
/// required spatial reference systems.
pub fn create_core(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TABLE gpkg_spatial_ref_sys (
            srs_name TEXT NOT NULL,
            srs_id INTEGER PRIMARY KEY,
            organization TEXT NOT NULL,
            organization_coordsys_id INTEGER NOT NULL,
            definition TEXT NOT NULL,
            description TEXT
        );
        CREATE TABLE gpkg_contents (
            table_name TEXT NOT NULL PRIMARY KEY,
            data_type TEXT NOT NULL,
            identifier TEXT UNIQUE,
            description TEXT DEFAULT '',
            last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            min_x DOUBLE,
            min_y DOUBLE,
            max_x DOUBLE,
            max_y DOUBLE,
            srs_id INTEGER,
            CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
        );
        CREATE TABLE gpkg_geometry_columns (
            table_name TEXT NOT NULL,
            column_name TEXT NOT NULL,
            geometry_type_name TEXT NOT NULL,
            srs_id INTEGER NOT NULL,
            z TINYINT NOT NULL,
            m TINYINT NOT NULL,
            CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
            CONSTRAINT uk_gc_table_name UNIQUE (table_name),
            CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
            CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
        );
        CREATE TABLE gpkg_extensions (
            table_name TEXT,
            column_name TEXT,
            extension_name TEXT NOT NULL,
            definition TEXT NOT NULL,
            scope TEXT NOT NULL,
            CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
        );",
    )?;
    let mut srs = conn.prepare(
        "INSERT INTO gpkg_spatial_ref_sys
            (srs_name, srs_id, organization, organization_coordsys_id, definition, description)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    srs.execute((
        "Undefined cartesian SRS",
        -1,
        "NONE",
        -1,
        "undefined",
        "undefined cartesian coordinate reference system",
    ))?;
    srs.execute((
        "Undefined geographic SRS",
        0,
        "NONE",
        0,
        "undefined",
        "undefined geographic coordinate reference system",
    ))?;
    srs.execute((
        "WGS 84 geodetic",
        4326,
        "EPSG",
        4326,
        WGS84_WKT,
        "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid",
    ))?;
    Ok(())
}

/// `geometry_type_name` and the declared type of the geometry column (they must match).
pub fn geometry_type_name(kind: GeometryKind) -> &'static str {
    match kind {
        GeometryKind::Point => "POINT",
        GeometryKind::MultiLineString => "MULTILINESTRING",
        GeometryKind::MultiPolygon => "MULTIPOLYGON",
    }
}

/// The GeoPackage data type of a field (spec table 1). Dates are stored as
/// `YYYY-MM-DD` text, booleans as 0/1.
pub fn sql_type(kind: FieldType) -> &'static str {
    match kind {
        FieldType::Integer => "INTEGER",
        FieldType::Real => "REAL",
        FieldType::Text => "TEXT",
        FieldType::Boolean => "BOOLEAN",
        FieldType::Date => "DATE",
    }
}

/// Quotes an SQL identifier.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Creates the layer's feature table and registers it in `gpkg_contents` and
/// `gpkg_geometry_columns`.
pub fn create_feature_table(
    conn: &Connection,
    layer: &VectorLayer,
    last_change: &str,
) -> rusqlite::Result<()> {
    let mut ddl = format!(
        "CREATE TABLE {} ({} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, {} {}",
        quote_ident(&layer.name),
        quote_ident(FID_COLUMN),
        quote_ident(GEOM_COLUMN),
        geometry_type_name(layer.geometry)
    );
    for f in &layer.fields {
        ddl.push_str(&format!(", {} {}", quote_ident(&f.name), sql_type(f.kind)));
    }
    ddl.push(')');
    conn.execute(&ddl, [])?;

    let bbox = layer.bbox();
    conn.execute(
        "INSERT INTO gpkg_contents
            (table_name, data_type, identifier, description, last_change,
             min_x, min_y, max_x, max_y, srs_id)
         VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6, ?7, 4326)",
        (
            &layer.name,
            &layer.description,
            last_change,
            bbox.map(|b| b[0]),
            bbox.map(|b| b[1]),
            bbox.map(|b| b[2]),
            bbox.map(|b| b[3]),
        ),
    )?;
    conn.execute(
        "INSERT INTO gpkg_geometry_columns
            (table_name, column_name, geometry_type_name, srs_id, z, m)
         VALUES (?1, ?2, ?3, 4326, 0, 0)",
        (&layer.name, GEOM_COLUMN, geometry_type_name(layer.geometry)),
    )?;
    Ok(())
}

/// `INSERT` for one feature: fid, geometry, then the fields in order.
pub fn insert_sql(layer: &VectorLayer) -> String {
    let mut cols = vec![quote_ident(FID_COLUMN), quote_ident(GEOM_COLUMN)];
    cols.extend(layer.fields.iter().map(|f| quote_ident(&f.name)));
    let params: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quote_ident(&layer.name),
        cols.join(", "),
        params.join(", ")
    )
}
