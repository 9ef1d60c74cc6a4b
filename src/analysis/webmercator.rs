//! Web Mercator (EPSG:3857) and the XYZ tile scheme ("slippy map" tiles, as OpenStreetMap,
//! Leaflet and MapLibre use them): pure formulas, no PROJ.
//!
//! Why hand-written: these are the few closed-form formulas of the OSM wiki's "Slippy map
//! tilenames" page (spherical Mercator on the WGS84 semi-major axis), every tile server
//! uses exactly these, and PROJ would cost a non-`Send` handle per thread for two lines of
//! arithmetic. The tests check them against values of the `mercantile` library.
//!
//! Conventions: tile (`z`, `x`, `y`) with x east from −180° and y **south** from the
//! north edge (85.0511°), both in 0..2^z. MBTiles and TMS count rows north from the south
//! edge instead: [`tms_row`] flips. A zoom's *pixel lattice* of `tile_size`-pixel tiles
//! has 2^z × `tile_size` pixels across the world; its cells are square in Mercator metres.

use std::f64::consts::PI;

/// Radius of the sphere of Web Mercator: the WGS84 semi-major axis, metres.
pub const EARTH_RADIUS_M: f64 = 6_378_137.0;
/// Half the world's width (and height) in Mercator metres: π·R.
pub const HALF_WORLD_M: f64 = PI * EARTH_RADIUS_M;
/// The latitude of the square world's north and south edges: atan(sinh π).
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;
/// The deepest zoom supported (2^24 tiles across; well beyond any density).
pub const MAX_ZOOM: u8 = 24;

/// Lon/lat (degrees) → Mercator metres. Latitudes are clamped to ±[`MAX_LATITUDE`].
pub fn to_metres(lon: f64, lat: f64) -> [f64; 2] {
    let lat = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians();
    [
        EARTH_RADIUS_M * lon.to_radians(),
        EARTH_RADIUS_M * (PI / 4.0 + lat / 2.0).tan().ln(),
    ]
}

/// Mercator metres → lon/lat (degrees).
pub fn to_lonlat(x: f64, y: f64) -> [f64; 2] {
    [
        (x / EARTH_RADIUS_M).to_degrees(),
        (y / EARTH_RADIUS_M).sinh().atan().to_degrees(),
    ]
}

/// The Mercator scale factor at `lat` (degrees): how many Mercator metres one metre on the
/// ground (on the sphere) spans there, 1/cos φ.
pub fn scale_factor(lat: f64) -> f64 {
    1.0 / lat.to_radians().cos()
}

/// Tiles across the world at zoom `z`.
pub fn tiles_across(z: u8) -> u32 {
    1u32 << z
}

/// Size of one pixel of zoom `z`'s lattice, Mercator metres.
pub fn pixel_m(z: u8, tile_size: u32) -> f64 {
    2.0 * HALF_WORLD_M / (f64::from(tile_size) * f64::from(tiles_across(z)))
}

/// An XYZ tile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tile {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl Tile {
    /// The tile `z`/`x`/`y`, if it exists (zoom at most [`MAX_ZOOM`], column and row
    /// within the zoom's `2^z` tiles).
    pub fn new(z: u8, x: u32, y: u32) -> Option<Tile> {
        (z <= MAX_ZOOM && x < tiles_across(z) && y < tiles_across(z)).then_some(Tile { z, x, y })
    }

    /// [west, south, east, north] in degrees (mercantile's `bounds`).
    pub fn bounds(&self) -> [f64; 4] {
        let [w, s, e, n] = self.bounds_m();
        let [west, south] = to_lonlat(w, s);
        let [east, north] = to_lonlat(e, n);
        [west, south, east, north]
    }

    /// [min x, min y, max x, max y] in Mercator metres (mercantile's `xy_bounds`).
    pub fn bounds_m(&self) -> [f64; 4] {
        let size = 2.0 * HALF_WORLD_M / f64::from(tiles_across(self.z));
        let west = -HALF_WORLD_M + f64::from(self.x) * size;
        let north = HALF_WORLD_M - f64::from(self.y) * size;
        [west, north - size, west + size, north]
    }

    /// The row as MBTiles and TMS count it (from the south).
    pub fn tms_row(&self) -> u32 {
        tms_row(self.z, self.y)
    }
}

/// XYZ row ↔ TMS row at zoom `z` (the flip is its own inverse).
pub fn tms_row(z: u8, row: u32) -> u32 {
    tiles_across(z) - 1 - row
}

/// The tile containing lon/lat at zoom `z` (mercantile's `tile`); points on a tile edge
/// belong to the tile east / south of it, and the world's far edges to the last tile.
/// `None` beyond [`MAX_ZOOM`].
pub fn tile_of(lon: f64, lat: f64, z: u8) -> Option<Tile> {
    if z > MAX_ZOOM {
        return None;
    }
    let n = f64::from(tiles_across(z));
    let [x, y] = to_metres(lon, lat);
    let fx = (x + HALF_WORLD_M) / (2.0 * HALF_WORLD_M) * n;
    let fy = (HALF_WORLD_M - y) / (2.0 * HALF_WORLD_M) * n;
    let last = tiles_across(z) - 1;
    let clamp = |f: f64| (f.floor().max(0.0) as u32).min(last);
    Tile::new(z, clamp(fx), clamp(fy))
}

/// The tiles of zoom `z` that intersect `bbox` ([west, south, east, north], degrees), as
/// (x range, y range), both inclusive. `None` beyond [`MAX_ZOOM`].
pub fn tile_range(bbox: [f64; 4], z: u8) -> Option<([u32; 2], [u32; 2])> {
    let [w, s, e, n] = bbox;
    let nw = tile_of(w, n, z)?;
    let se = tile_of(e, s, z)?;
    Some(([nw.x, se.x], [nw.y, se.y]))
}

#[cfg(test)]
#[path = "webmercator_tests.rs"]
mod tests;
