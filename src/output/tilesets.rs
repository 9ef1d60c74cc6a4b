//! Tile containers: XYZ folders of PNG files, MBTiles 1.3 (SQLite) and PMTiles v3, of
//! PNG tiles or of vector tiles (gzip-compressed MVT, as both formats hold them).
//!
//! MBTiles is written with rusqlite (the spec's schema: `metadata`, `tiles` with rows
//! TMS-flipped and a unique index); PMTiles with the `pmtiles` crate's writer, tiles added
//! in tile-id (Hilbert) order so the archive is clustered. Every container is written to
//! a temporary file (or folder) beside its target and renamed into place.

use std::path::Path;

use pmtiles::{Compression, PmTilesWriter, TileCoord, TileId, TileType};
use rayon::prelude::*;
use rusqlite::{Connection, params};
use serde_json::json;

use crate::analysis::webmercator::Tile;
use crate::error::{Error, Result};
use crate::output::{write_atomic_path, write_dir_atomic};

/// An encoded tile.
pub type TileData = (Tile, Vec<u8>);

/// What the tiles of a set are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileKind {
    Png,
    /// Mapbox Vector Tiles, gzip-compressed; `extra` holds their `vector_layers`.
    Mvt,
}

/// What a tile set says about itself (MBTiles metadata, PMTiles header and metadata).
#[derive(Debug, Clone)]
pub struct TileSetInfo {
    pub kind: TileKind,
    pub name: String,
    pub description: String,
    pub attribution: String,
    /// [west, south, east, north], degrees.
    pub bounds: [f64; 4],
    /// [lon, lat, zoom].
    pub center: [f64; 3],
    pub minzoom: u8,
    pub maxzoom: u8,
    /// More members for the PMTiles metadata JSON (the legend, the year, …).
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Writes `tiles` as `dir/{z}/{x}/{y}.png`, the whole folder atomically.
pub fn write_xyz(dir: &Path, tiles: &[TileData]) -> Result<()> {
    write_dir_atomic(dir, |tmp| {
        tiles.par_iter().try_for_each(|(t, png)| {
            let folder = tmp.join(t.z.to_string()).join(t.x.to_string());
            std::fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
            let file = folder.join(format!("{}.png", t.y));
            std::fs::write(&file, png).map_err(|e| Error::io(&file, e))
        })
    })
}

/// Writes an MBTiles 1.3 file (`type` overlay; `format` png, or pbf with the
/// `vector_layers` of `info.extra` in its `json` row). Rows are inserted in
/// (z, x, y) order whatever the order of `tiles`, and SQLite stores no time or path: the
/// same tiles give the same bytes (reports are byte-identical between runs).
pub fn write_mbtiles(path: &Path, info: &TileSetInfo, tiles: &[TileData]) -> Result<()> {
    let mut ordered: Vec<&TileData> = tiles.iter().collect();
    ordered.sort_unstable_by_key(|(t, _)| (t.z, t.x, t.y));
    write_atomic_path(path, |tmp| {
        let sql = |e: rusqlite::Error| Error::Format {
            path: path.to_path_buf(),
            message: format!("writing MBTiles: {e}"),
        };
        let mut db = Connection::open(tmp).map_err(sql)?;
        db.execute_batch(
            "PRAGMA journal_mode = OFF;
             PRAGMA synchronous = OFF;
             PRAGMA application_id = 0x4d504258;
             CREATE TABLE metadata (name TEXT NOT NULL, value TEXT);
             CREATE UNIQUE INDEX metadata_name ON metadata (name);
             CREATE TABLE tiles (zoom_level INTEGER NOT NULL, tile_column INTEGER NOT NULL,
                                 tile_row INTEGER NOT NULL, tile_data BLOB NOT NULL);
             CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);",
        )
        .map_err(sql)?;
        let tx = db.transaction().map_err(sql)?;
        {
            let mut meta = tx
                .prepare("INSERT INTO metadata (name, value) VALUES (?1, ?2)")
                .map_err(sql)?;
            let [w, s, e, n] = info.bounds;
            let [clon, clat, cz] = info.center;
            let mut rows = vec![
                ("name", info.name.clone()),
                ("format", info.format().to_string()),
                ("bounds", format!("{w:.6},{s:.6},{e:.6},{n:.6}")),
                ("center", format!("{clon:.6},{clat:.6},{cz}")),
                ("minzoom", info.minzoom.to_string()),
                ("maxzoom", info.maxzoom.to_string()),
                ("attribution", info.attribution.clone()),
                ("description", info.description.clone()),
                ("type", "overlay".to_string()),
                ("version", "1".to_string()),
            ];
            if let Some(layers) = info.extra.get("vector_layers") {
                rows.push(("json", json!({ "vector_layers": layers }).to_string()));
            }
            for (k, v) in rows {
                meta.execute(params![k, v]).map_err(sql)?;
            }
            let mut put = tx
                .prepare(
                    "INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data)
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(sql)?;
            for (t, png) in ordered {
                put.execute(params![t.z, t.x, t.tms_row(), png])
                    .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        db.close().map_err(|(_, e)| sql(e))
    })
}

/// Writes a PMTiles v3 archive, with `info` in its header and metadata.
pub fn write_pmtiles(path: &Path, info: &TileSetInfo, tiles: &[TileData]) -> Result<()> {
    let err = |e: pmtiles::PmtError| Error::Format {
        path: path.to_path_buf(),
        message: format!("writing PMTiles: {e}"),
    };
    // Tile ids increase along the archive's Hilbert order: adding tiles in that order
    // makes the archive clustered, as readers prefer.
    let mut ordered: Vec<(u64, TileCoord, &[u8])> = tiles
        .iter()
        .map(|(t, png)| {
            let coord = TileCoord::new(t.z, t.x, t.y).map_err(err)?;
            Ok((TileId::from(coord).value(), coord, png.as_slice()))
        })
        .collect::<Result<_>>()?;
    ordered.sort_unstable_by_key(|(id, _, _)| *id);
    let mut meta = serde_json::Map::new();
    meta.insert("name".into(), info.name.clone().into());
    meta.insert("description".into(), info.description.clone().into());
    meta.insert("attribution".into(), info.attribution.clone().into());
    meta.insert("type".into(), "overlay".into());
    meta.insert("format".into(), info.format().into());
    meta.extend(info.extra.clone());
    let [w, s, e, n] = info.bounds;
    let [clon, clat, cz] = info.center;
    write_atomic_path(path, |tmp| {
        let file = std::fs::File::create(tmp).map_err(|e| Error::io(tmp, e))?;
        let writer = match info.kind {
            TileKind::Png => PmTilesWriter::new(TileType::Png),
            TileKind::Mvt => PmTilesWriter::new(TileType::Mvt).precompressed(Compression::Gzip),
        };
        let mut writer = writer
            .min_zoom(info.minzoom)
            .max_zoom(info.maxzoom)
            .bounds(w, s, e, n)
            .center(clon, clat)
            .center_zoom(cz as u8)
            .metadata(serde_json::Value::Object(meta).to_string())
            .create(file)
            .map_err(err)?;
        for (_, coord, png) in ordered {
            writer.add_tile(coord, png).map_err(err)?;
        }
        writer.finalize().map_err(err)
    })
}

impl TileSetInfo {
    /// The tiles' format as MBTiles and TileJSON name it.
    fn format(&self) -> &'static str {
        match self.kind {
            TileKind::Png => "png",
            TileKind::Mvt => "pbf",
        }
    }
}

#[cfg(test)]
#[path = "tilesets_tests.rs"]
mod tests;
