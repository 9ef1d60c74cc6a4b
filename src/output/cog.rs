//! Cloud-optimised GeoTIFF layout: 512 × 512 tiles, DEFLATE with the floating-point
//! predictor, internal overviews (2 × 2 averages down to one tile), every IFD at the start
//! of the file (the main image's first, at byte 8) and the tile data after them, smallest
//! overview first and the full resolution last. A reader over HTTP gets the whole
//! structure in the first request and any tile of any zoom in one more.
//!
//! Hand-written: the `tiff` crate's encoder writes each image's data before its directory
//! and offers no control over where directories go, which the COG layout is about. What is
//! written is plain classic TIFF (the tags and types below); the GeoKeys come from
//! [`super::geokeys`].

use std::io::Write;

use crate::error::{Error, Result};

/// Tile edge, px (GDAL's COG default).
pub const TILE: usize = 512;

/// TIFF field types.
const SHORT: u16 = 3;
const LONG: u16 = 4;
const ASCII: u16 = 2;
const DOUBLE: u16 = 12;

/// One raster level: `bands` planes of `width` × `height` float32 values, row-major.
pub struct Level {
    pub width: usize,
    pub height: usize,
    pub bands: Vec<Vec<f32>>,
}

impl Level {
    /// The next overview: each cell the mean of the (up to) 2 × 2 cells it covers.
    pub fn halved(&self) -> Level {
        let (w, h) = (self.width.div_ceil(2), self.height.div_ceil(2));
        let bands = self
            .bands
            .iter()
            .map(|v| {
                let mut out = Vec::with_capacity(w * h);
                for y in 0..h {
                    for x in 0..w {
                        let (mut sum, mut n) = (0.0f64, 0u32);
                        for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                            let (sx, sy) = (2 * x + dx, 2 * y + dy);
                            if sx < self.width && sy < self.height {
                                let c = v[sy * self.width + sx];
                                if c.is_finite() {
                                    sum += f64::from(c);
                                    n += 1;
                                }
                            }
                        }
                        out.push(if n == 0 {
                            f32::NAN
                        } else {
                            (sum / f64::from(n)) as f32
                        });
                    }
                }
                out
            })
            .collect();
        Level {
            width: w,
            height: h,
            bands,
        }
    }

    fn tiles_across(&self) -> usize {
        self.width.div_ceil(TILE)
    }

    fn tiles(&self) -> usize {
        self.tiles_across() * self.height.div_ceil(TILE)
    }
}

/// A tag's value, before it is placed.
pub enum Value {
    Shorts(Vec<u16>),
    Longs(Vec<u32>),
    Doubles(Vec<f64>),
    Ascii(String),
}

impl Value {
    fn kind_count_bytes(&self) -> (u16, u32, Vec<u8>) {
        match self {
            Value::Shorts(v) => (
                SHORT,
                v.len() as u32,
                v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            ),
            Value::Longs(v) => (
                LONG,
                v.len() as u32,
                v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            ),
            Value::Doubles(v) => (
                DOUBLE,
                v.len() as u32,
                v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            ),
            Value::Ascii(s) => {
                let mut b = s.as_bytes().to_vec();
                b.push(0);
                (ASCII, b.len() as u32, b)
            }
        }
    }
}

pub const TAG_TILE_OFFSETS: u16 = 324;
pub const TAG_TILE_BYTE_COUNTS: u16 = 325;

/// The size of an IFD with `tags` and its values stored after it.
fn ifd_size(tags: &[(u16, Value)]) -> usize {
    let mut size = 2 + tags.len() * 12 + 4;
    for (_, v) in tags {
        let (_, _, bytes) = v.kind_count_bytes();
        if bytes.len() > 4 {
            size += bytes.len() + bytes.len() % 2;
        }
    }
    size
}

/// Writes the IFD at `at` (its values right after it), linking to `next`.
fn write_ifd(out: &mut Vec<u8>, at: usize, tags: &[(u16, Value)], next: u32) {
    debug_assert_eq!(out.len(), at);
    let mut extra_at = at + 2 + tags.len() * 12 + 4;
    let mut extra = Vec::new();
    out.extend((tags.len() as u16).to_le_bytes());
    for (tag, v) in tags {
        let (kind, count, bytes) = v.kind_count_bytes();
        out.extend(tag.to_le_bytes());
        out.extend(kind.to_le_bytes());
        out.extend(count.to_le_bytes());
        if bytes.len() <= 4 {
            let mut inline = bytes.clone();
            inline.resize(4, 0);
            out.extend(inline);
        } else {
            out.extend((extra_at as u32).to_le_bytes());
            extra.extend(&bytes);
            if bytes.len() % 2 == 1 {
                extra.push(0);
            }
            extra_at += bytes.len() + bytes.len() % 2;
        }
    }
    out.extend(next.to_le_bytes());
    out.extend(extra);
}

/// One tile of one band: `TILE` × `TILE` values (padded with `pad` past the edges), the
/// floating-point predictor (TIFF Technical Note 3: each row's bytes split into planes,
/// most significant first, then differenced), DEFLATE.
fn encode_tile(
    level: &Level,
    band: usize,
    tx: usize,
    ty: usize,
    pad: f32,
) -> std::io::Result<Vec<u8>> {
    let v = &level.bands[band];
    let mut raw = Vec::with_capacity(TILE * TILE * 4);
    let mut row = vec![0u8; TILE * 4];
    for r in 0..TILE {
        let y = ty * TILE + r;
        for c in 0..TILE {
            let x = tx * TILE + c;
            let value = if x < level.width && y < level.height {
                v[y * level.width + x]
            } else {
                pad
            };
            let b = value.to_be_bytes();
            for (plane, byte) in b.iter().enumerate() {
                row[plane * TILE + c] = *byte;
            }
        }
        for i in (1..row.len()).rev() {
            row[i] = row[i].wrapping_sub(row[i - 1]);
        }
        raw.extend_from_slice(&row);
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    z.write_all(&raw)?;
    z.finish()
}

/// A COG of `levels` (full resolution first, then each overview): `main_tags` go on the
/// full-resolution IFD and `common_tags` on every IFD (the size, tile and data tags are
/// added here).
pub fn encode(
    levels: &[Level],
    main_tags: Vec<(u16, Value)>,
    common_tags: impl Fn() -> Vec<(u16, Value)>,
    pad: f32,
) -> Result<Vec<u8>> {
    let io = |e: std::io::Error| Error::Usage(format!("GeoTIFF compression failed: {e}"));
    // The tiles of every level, compressed (band-major, then row-major: PlanarConfiguration 2).
    let tiles: Vec<Vec<Vec<u8>>> = levels
        .iter()
        .map(|l| {
            let mut out = Vec::with_capacity(l.tiles() * l.bands.len());
            for b in 0..l.bands.len() {
                for ty in 0..l.height.div_ceil(TILE) {
                    for tx in 0..l.tiles_across() {
                        out.push(encode_tile(l, b, tx, ty, pad)?);
                    }
                }
            }
            Ok(out)
        })
        .collect::<std::io::Result<_>>()
        .map_err(io)?;
    let tag_sets = |offsets: &[Vec<u32>]| -> Vec<Vec<(u16, Value)>> {
        levels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let n = l.bands.len();
                let mut tags = vec![
                    (254, Value::Longs(vec![u32::from(i > 0)])),
                    (256, Value::Longs(vec![l.width as u32])),
                    (257, Value::Longs(vec![l.height as u32])),
                    (258, Value::Shorts(vec![32; n])),
                    // 8 = DEFLATE (zlib).
                    (259, Value::Shorts(vec![8])),
                    // 1 = BlackIsZero: data bands, not colour.
                    (262, Value::Shorts(vec![1])),
                    (277, Value::Shorts(vec![n as u16])),
                    // 2 = planar: each band's tiles together.
                    (284, Value::Shorts(vec![2])),
                    // 3 = floating-point predictor.
                    (317, Value::Shorts(vec![3])),
                    (322, Value::Longs(vec![TILE as u32])),
                    (323, Value::Longs(vec![TILE as u32])),
                    (TAG_TILE_OFFSETS, Value::Longs(offsets[i].clone())),
                    (
                        TAG_TILE_BYTE_COUNTS,
                        Value::Longs(tiles[i].iter().map(|t| t.len() as u32).collect()),
                    ),
                    // 3 = IEEE floating point.
                    (339, Value::Shorts(vec![3; n])),
                ];
                if n > 1 {
                    // Bands beyond the first are unspecified extra samples, not alpha.
                    tags.push((338, Value::Shorts(vec![0; n - 1])));
                }
                if i == 0 {
                    tags.extend(main_tags.iter().map(|(t, v)| (*t, clone_value(v))));
                }
                tags.extend(common_tags());
                tags.sort_by_key(|(t, _)| *t);
                tags
            })
            .collect()
    };
    // First pass with placeholder offsets: the directories' sizes do not depend on them.
    let placeholder: Vec<Vec<u32>> = tiles.iter().map(|t| vec![0; t.len()]).collect();
    let sizes: Vec<usize> = tag_sets(&placeholder).iter().map(|t| ifd_size(t)).collect();
    let mut at = 8;
    let mut ifd_at = Vec::new();
    for s in &sizes {
        ifd_at.push(at);
        at += s;
    }
    // Data: the smallest overview first, the full resolution last.
    let mut offsets: Vec<Vec<u32>> = vec![Vec::new(); levels.len()];
    for i in (0..levels.len()).rev() {
        for t in &tiles[i] {
            offsets[i].push(
                u32::try_from(at).map_err(|_| Error::Usage("GeoTIFF larger than 4 GB".into()))?,
            );
            at += t.len();
        }
    }
    let mut out = Vec::with_capacity(at);
    out.extend(b"II");
    out.extend(42u16.to_le_bytes());
    out.extend((ifd_at[0] as u32).to_le_bytes());
    for (i, tags) in tag_sets(&offsets).iter().enumerate() {
        let next = ifd_at.get(i + 1).map_or(0, |a| *a as u32);
        write_ifd(&mut out, ifd_at[i], tags, next);
    }
    for i in (0..levels.len()).rev() {
        for t in &tiles[i] {
            out.extend(t);
        }
    }
    debug_assert_eq!(out.len(), at);
    Ok(out)
}

fn clone_value(v: &Value) -> Value {
    match v {
        Value::Shorts(x) => Value::Shorts(x.clone()),
        Value::Longs(x) => Value::Longs(x.clone()),
        Value::Doubles(x) => Value::Doubles(x.clone()),
        Value::Ascii(x) => Value::Ascii(x.clone()),
    }
}

/// The levels of a COG: the grid, then halved until it fits in one tile.
pub fn pyramid(width: usize, height: usize, bands: Vec<Vec<f32>>) -> Vec<Level> {
    let mut levels = vec![Level {
        width,
        height,
        bands,
    }];
    while let Some(last) = levels.last()
        && (last.width > TILE || last.height > TILE)
    {
        let next = last.halved();
        levels.push(next);
    }
    levels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overviews_average_and_stop_at_one_tile() {
        let v: Vec<f32> = (0..1100 * 700).map(|i| (i % 1100) as f32).collect();
        let levels = pyramid(1100, 700, vec![v]);
        let dims: Vec<(usize, usize)> = levels.iter().map(|l| (l.width, l.height)).collect();
        assert_eq!(dims, [(1100, 700), (550, 350), (275, 175)]);
        // Cells 0 and 1 of row 0 average to 0.5.
        assert_eq!(levels[1].bands[0][0], 0.5);
        assert_eq!(levels[0].tiles(), 3 * 2);
    }
}
