//! A point layer as vector tiles (Mapbox Vector Tile 2.1, gzip-compressed as PMTiles and
//! MBTiles hold them): the events of the web viewer and of GIS clients.
//!
//! - At the deepest zoom every feature is in the tiles with every non-null attribute,
//!   so a client reads all of them there (and a popup its notes).
//! - At each zoom above it, the features of one group (one year) that fall on one screen
//!   pixel are one point, at the pixel's centre, with how many they are (`events`) and
//!   their summed `sum_field` (fatalities): a low zoom of a million events is a few
//!   thousand points, which is all a screen can show, and the tiles stay small.
//!   "One screen pixel" is `CELL` units of the tile's 4096: a tile drawn 512 pixels wide,
//!   as PMTiles web clients draw them.
//! - A point within `BUFFER` units outside a tile is in that tile too, so a ring drawn
//!   at a tile's edge is not cut in half by the next tile.
//!
//! The encoding is the `mvt` crate's; the tiling (which point goes to which tile, the
//! grouping) is written here, as no crate tiles points without a database or a GDAL
//! install.

use std::io::Write;

use flate2::{Compression, write::GzEncoder};
use mvt::{GeomEncoder, GeomType, Tile as Mvt};
use rayon::prelude::*;
use serde_json::{Value as Json, json};

use crate::analysis::webmercator::{HALF_WORLD_M, Tile, to_metres};
use crate::error::{Error, Result};
use crate::output::layer::{FieldType, Value, VectorLayer};
use crate::output::tilesets::TileData;

/// Units across a tile (MVT's usual extent).
pub const EXTENT: u32 = 4096;
/// Units of a screen pixel at the aggregated zooms: 4096 / 512.
const CELL: i64 = 8;
/// Units around a tile whose points the tile holds too (16 screen pixels).
const BUFFER: i64 = 128;

/// What to tile and how.
#[derive(Debug, Clone)]
pub struct PointTiles<'a> {
    /// The MVT layer's name.
    pub layer: &'a str,
    /// Zooms 0..=`maxzoom`; every feature is in the tiles of `maxzoom`.
    pub maxzoom: u8,
    /// An integer field: features of different values are never merged (the year).
    pub group_field: &'a str,
    /// An integer field summed when features are merged (fatalities).
    pub sum_field: &'a str,
}

/// The name of the count of merged features at the zooms above the deepest.
pub const COUNT_FIELD: &str = "events";

impl PointTiles<'_> {
    /// Every tile with at least one point, gzip-compressed, in zoom then (x, y) order.
    pub fn encode(&self, layer: &VectorLayer) -> Result<Vec<TileData>> {
        let field = |name: &str| {
            layer
                .field(name)
                .filter(|&i| layer.fields[i].kind == FieldType::Integer)
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "vector tiles of {}: no integer field \"{name}\"",
                        layer.name
                    ))
                })
        };
        let (group_at, sum_at) = (field(self.group_field)?, field(self.sum_field)?);
        let int = |v: &Value| match v {
            Value::Int(i) => *i,
            _ => 0,
        };
        // Each feature's position on the world lattice of the deepest zoom, in units.
        let world = f64::from(EXTENT) * f64::from(1u32 << self.maxzoom);
        let points: Vec<[i64; 2]> = layer
            .features
            .par_iter()
            .map(|f| match &f.geometry {
                geo::Geometry::Point(p) => {
                    let [x, y] = to_metres(p.x(), p.y());
                    let unit = |t: f64| ((t * world).floor() as i64).clamp(0, world as i64 - 1);
                    Ok([
                        unit((x + HALF_WORLD_M) / (2.0 * HALF_WORLD_M)),
                        unit((HALF_WORLD_M - y) / (2.0 * HALF_WORLD_M)),
                    ])
                }
                _ => Err(Error::Usage(format!(
                    "vector tiles of {}: a feature is not a point",
                    layer.name
                ))),
            })
            .collect::<Result<_>>()?;

        let mut out = Vec::new();
        for z in 0..=self.maxzoom {
            let shift = u32::from(self.maxzoom - z);
            let placed: Vec<Placed> = if z == self.maxzoom {
                (0..points.len())
                    .map(|i| Placed {
                        at: points[i],
                        what: What::Feature(i),
                    })
                    .collect()
            } else {
                merged(&points, shift, |i| int(&layer.features[i].values[group_at]))
                    .into_iter()
                    .map(|c| {
                        let sum = c
                            .members
                            .iter()
                            .map(|&i| int(&layer.features[i].values[sum_at]));
                        Placed {
                            at: c.centre,
                            what: What::Merged {
                                group: c.group,
                                count: c.members.len() as i64,
                                sum: sum.sum(),
                            },
                        }
                    })
                    .collect()
            };
            let tiles = by_tile(&placed, z, self.maxzoom);
            let encoded: Vec<TileData> = tiles
                .par_iter()
                .map(|(tile, members)| {
                    let mvt = self.tile(layer, &placed, members, group_at)?;
                    Ok((*tile, gzip(&mvt)))
                })
                .collect::<Result<_>>()?;
            out.extend(encoded);
        }
        Ok(out)
    }

    /// One tile's MVT bytes.
    fn tile(
        &self,
        layer: &VectorLayer,
        placed: &[Placed],
        members: &[(usize, i64, i64)],
        group_at: usize,
    ) -> Result<Vec<u8>> {
        let err = |e: mvt::Error| Error::Usage(format!("encoding a vector tile: {e}"));
        let mut tile = Mvt::new(EXTENT);
        let mut out = tile.create_layer(self.layer);
        for &(k, x, y) in members {
            let geom = GeomEncoder::new(GeomType::Point)
                .point(x as f64, y as f64)
                .and_then(GeomEncoder::encode)
                .map_err(err)?;
            let mut f = out.into_feature(geom);
            match placed[k].what {
                What::Feature(i) => {
                    f.set_id(i as u64 + 1);
                    for (field, value) in layer.fields.iter().zip(&layer.features[i].values) {
                        let key = field.name.as_str();
                        match value {
                            Value::Null => {}
                            Value::Int(v) => f.add_tag_int(key, *v),
                            Value::Real(v) => f.add_tag_double(key, *v),
                            Value::Text(v) => f.add_tag_string(key, v),
                            Value::Bool(v) => f.add_tag_bool(key, *v),
                            Value::Date(d) => f.add_tag_string(key, &d.to_string()),
                        }
                    }
                }
                What::Merged { group, count, sum } => {
                    f.add_tag_int(&layer.fields[group_at].name, group);
                    f.add_tag_int(COUNT_FIELD, count);
                    f.add_tag_int(self.sum_field, sum);
                }
            }
            out = f.into_layer();
        }
        tile.add_layer(out).map_err(err)?;
        tile.to_bytes().map_err(err)
    }

    /// The `vector_layers` member of TileJSON (and so of PMTiles and MBTiles metadata):
    /// the layer, its zooms and its fields.
    pub fn vector_layers(&self, layer: &VectorLayer) -> Json {
        let mut fields = serde_json::Map::new();
        for f in &layer.fields {
            let kind = match f.kind {
                FieldType::Integer | FieldType::Real => "Number",
                FieldType::Boolean => "Boolean",
                FieldType::Text | FieldType::Date => "String",
            };
            fields.insert(f.name.clone(), kind.into());
        }
        fields.insert(COUNT_FIELD.into(), "Number".into());
        json!([{
            "id": self.layer,
            "description": format!(
                "{}. Zoom {}: every feature; below it, one point per screen pixel and {} with \"{COUNT_FIELD}\" (how many) and \"{}\" (their sum).",
                layer.description, self.maxzoom, self.group_field, self.sum_field
            ),
            "minzoom": 0,
            "maxzoom": self.maxzoom,
            "fields": fields,
        }])
    }
}

/// A point to put in the tiles of one zoom.
struct Placed {
    /// On the world lattice of the deepest zoom, in units.
    at: [i64; 2],
    what: What,
}

enum What {
    /// A feature of the layer, by index.
    Feature(usize),
    /// Features of one group on one cell.
    Merged { group: i64, count: i64, sum: i64 },
}

/// Features of one group on one cell of a zoom.
struct Cell {
    group: i64,
    /// The cell's centre on the deepest zoom's lattice.
    centre: [i64; 2],
    members: Vec<usize>,
}

/// The cells (of `CELL` units at the zoom `shift` levels above the deepest) that hold
/// points, per group, in (group, cell row, cell column) order.
fn merged(points: &[[i64; 2]], shift: u32, group: impl Fn(usize) -> i64 + Sync) -> Vec<Cell> {
    let size = CELL << shift;
    let mut keyed: Vec<(i64, i64, i64, usize)> = points
        .par_iter()
        .enumerate()
        .map(|(i, p)| (group(i), p[1] / size, p[0] / size, i))
        .collect();
    keyed.par_sort_unstable();
    let mut cells: Vec<Cell> = Vec::new();
    for (g, cy, cx, i) in keyed {
        match cells.last_mut() {
            Some(c) if c.group == g && c.centre == centre(cx, cy, size) => c.members.push(i),
            _ => cells.push(Cell {
                group: g,
                centre: centre(cx, cy, size),
                members: vec![i],
            }),
        }
    }
    cells
}

fn centre(cx: i64, cy: i64, size: i64) -> [i64; 2] {
    [cx * size + size / 2, cy * size + size / 2]
}

/// The points of one tile: (index into the placed points, x, y in the tile's units,
/// outside 0..EXTENT within the buffer).
type Members = Vec<(usize, i64, i64)>;

/// Per tile of zoom `z` (in (x, y) order): the points it holds.
fn by_tile(placed: &[Placed], z: u8, maxzoom: u8) -> Vec<(Tile, Members)> {
    let shift = u32::from(maxzoom - z);
    let extent = i64::from(EXTENT);
    let last = (1i64 << z) - 1;
    let mut entries: Vec<(u32, u32, usize, i64, i64)> = placed
        .par_iter()
        .enumerate()
        .flat_map_iter(|(k, p)| {
            // Units of this zoom (rounded to the nearest).
            let [x, y] = p.at.map(|v| (v + ((1 << shift) >> 1)) >> shift);
            let span = |v: i64| {
                ((v - BUFFER).div_euclid(extent).max(0))
                    ..=((v + BUFFER).div_euclid(extent).min(last))
            };
            span(x).flat_map(move |tx| {
                span(y).map(move |ty| (tx as u32, ty as u32, k, x - tx * extent, y - ty * extent))
            })
        })
        .collect();
    entries.par_sort_unstable_by_key(|e| (e.0, e.1, e.2));
    let mut tiles: Vec<(Tile, Members)> = Vec::new();
    for (tx, ty, k, x, y) in entries {
        match tiles.last_mut() {
            Some((t, members)) if t.x == tx && t.y == ty => members.push((k, x, y)),
            _ => {
                let t = Tile::new(z, tx, ty).expect("a tile of the zoom");
                tiles.push((t, vec![(k, x, y)]));
            }
        }
    }
    tiles
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    // Level 1: on 284k events, 3.2 s instead of 4.3 s for all zooms, the archive a
    // third larger (44 MB, not 34 MB); tiles are read a few at a time, so time wins.
    let mut enc = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::fast());
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory")
}

#[cfg(test)]
#[path = "vector_tiles_tests.rs"]
mod tests;
