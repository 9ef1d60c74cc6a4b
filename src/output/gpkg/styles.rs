//! QGIS default styles: the `layer_styles` table QGIS itself creates in a GeoPackage
//! (same columns and types), one `useAsDefault` row per layer, so that QGIS applies the
//! style when the layer is added. QGIS looks rows up by `f_table_schema = ''`,
//! `f_table_name` and `f_geometry_column`, so those must be exactly that.

use rusqlite::Connection;

use super::schema::GEOM_COLUMN;

pub const TABLE: &str = "layer_styles";

/// `styleName` is declared TEXT(30), as QGIS declares it.
const STYLE_NAME_MAX: usize = 30;

/// A layer's default style: (layer name, QML for QGIS, SLD 1.1 for other GIS; either
/// may be empty).
pub type Style<'a> = (&'a str, &'a str, &'a str);

/// Creates `layer_styles`, registers it as an attributes table and writes one default
/// style per [`Style`].
pub fn write(conn: &Connection, styles: &[Style<'_>], last_change: &str) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TABLE layer_styles (
            id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
            f_table_catalog TEXT(256),
            f_table_schema TEXT(256),
            f_table_name TEXT(256),
            f_geometry_column TEXT(256),
            styleName TEXT(30),
            styleQML TEXT,
            styleSLD TEXT,
            useAsDefault BOOLEAN,
            description TEXT,
            owner TEXT(30),
            ui TEXT(30),
            update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        )",
    )?;
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)
         VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles', ?1)",
        [last_change],
    )?;
    let mut insert = conn.prepare(
        "INSERT INTO layer_styles
            (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName,
             styleQML, styleSLD, useAsDefault, description, owner, ui, update_time)
         VALUES ('', '', ?1, ?2, ?3, ?4, ?5, 1, ?6, '', NULL, ?7)",
    )?;
    for (layer, qml, sld) in styles {
        let name: String = layer.chars().take(STYLE_NAME_MAX).collect();
        insert.execute((
            layer,
            GEOM_COLUMN,
            name,
            qml,
            sld,
            "Default style written by conflictmap",
            last_change,
        ))?;
    }
    Ok(())
}
