//! The "gpkg_rtree_index" extension (OGC 12-128r18, Annex F.3): an SQLite R*Tree of
//! feature envelopes, kept in sync by triggers.
//!
//! The triggers call `ST_IsEmpty`, `ST_MinX`… which plain SQLite lacks (GDAL and QGIS
//! register them when they open the file). So we create the triggers only after the
//! features and their index rows are in: creating a trigger does not resolve the
//! functions it calls, running it does.

use rusqlite::Connection;

use super::schema::quote_ident;

/// The spec's definition URL for the extension (the one GDAL also writes).
const DEFINITION: &str = "http://www.geopackage.org/spec120/#extension_rtree";

pub fn table_name(table: &str, column: &str) -> String {
    format!("rtree_{table}_{column}")
}

/// Creates the R-tree table and registers the extension.
pub fn create(conn: &Connection, table: &str, column: &str) -> rusqlite::Result<()> {
    conn.execute(
        &format!(
            "CREATE VIRTUAL TABLE {} USING rtree(id, minx, maxx, miny, maxy)",
            quote_ident(&table_name(table, column))
        ),
        [],
    )?;
    conn.execute(
        "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
         VALUES (?1, ?2, 'gpkg_rtree_index', ?3, 'write-only')",
        (table, column, DEFINITION),
    )?;
    Ok(())
}

/// `INSERT` of one index row: id (the fid), minx, maxx, miny, maxy.
pub fn insert_sql(table: &str, column: &str) -> String {
    format!(
        "INSERT INTO {} VALUES (?1, ?2, ?3, ?4, ?5)",
        quote_ident(&table_name(table, column))
    )
}

/// The six triggers of the extension as GeoPackage 1.2.1 and later list them (insert,
/// update1-4, delete), for table `t`, geometry column `c` and primary key `i`. update3
/// fires on any update (`AFTER UPDATE ON`), not only of the geometry: the form before
/// 1.2.1 (`AFTER UPDATE OF geom`) missed a changed primary key, and GDAL rewrites it
/// the first time it opens the file for writing, which changed the file's bytes (and
/// its SHA-256 in the manifest).
pub fn create_triggers(conn: &Connection, t: &str, c: &str, i: &str) -> rusqlite::Result<()> {
    let rt = table_name(t, c);
    let trig = |suffix: &str| quote_ident(&format!("{rt}_{suffix}"));
    let (rt, t, c, i) = (
        quote_ident(&rt),
        quote_ident(t),
        quote_ident(c),
        quote_ident(i),
    );
    let insert_new = format!(
        "INSERT OR REPLACE INTO {rt} VALUES (NEW.{i}, \
         ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c}));"
    );
    let sql = format!(
        "CREATE TRIGGER {insert} AFTER INSERT ON {t}
           WHEN (NEW.{c} NOT NULL AND NOT ST_IsEmpty(NEW.{c}))
         BEGIN {insert_new} END;
         CREATE TRIGGER {update1} AFTER UPDATE OF {c} ON {t}
           WHEN OLD.{i} = NEW.{i} AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c}))
         BEGIN {insert_new} END;
         CREATE TRIGGER {update2} AFTER UPDATE OF {c} ON {t}
           WHEN OLD.{i} = NEW.{i} AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c}))
         BEGIN DELETE FROM {rt} WHERE id = OLD.{i}; END;
         CREATE TRIGGER {update3} AFTER UPDATE ON {t}
           WHEN OLD.{i} != NEW.{i} AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c}))
         BEGIN DELETE FROM {rt} WHERE id = OLD.{i}; {insert_new} END;
         CREATE TRIGGER {update4} AFTER UPDATE ON {t}
           WHEN OLD.{i} != NEW.{i} AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c}))
         BEGIN DELETE FROM {rt} WHERE id IN (OLD.{i}, NEW.{i}); END;
         CREATE TRIGGER {delete} AFTER DELETE ON {t}
           WHEN OLD.{c} NOT NULL
         BEGIN DELETE FROM {rt} WHERE id = OLD.{i}; END;",
        insert = trig("insert"),
        update1 = trig("update1"),
        update2 = trig("update2"),
        update3 = trig("update3"),
        update4 = trig("update4"),
        delete = trig("delete"),
    );
    conn.execute_batch(&sql)
}
