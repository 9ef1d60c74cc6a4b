//! One GIF palette for every frame of an animation, so a colour never changes from frame
//! to frame, and nearest-colour mapping without dithering, so flat areas stay flat.
//!
//! Hand-written rather than a quantizer crate (NeuQuant in `color_quant`, `imagequant`):
//! those build a palette per image from its pixels alone and dither; here the palette must
//! hold given colours exactly (the style's, the colour ramp's as drawn) and be shared by
//! every frame.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// Colours a GIF palette can hold besides the transparent index.
pub const MAX_COLOURS: usize = 255;
/// The palette index kept for "unchanged since the previous frame" (transparent).
pub const TRANSPARENT: u8 = 255;

/// How often each RGB colour occurs, over any number of frames.
#[derive(Debug, Default, Clone)]
pub struct Histogram(FxHashMap<[u8; 3], u64>);

impl Histogram {
    /// The colours of straight-alpha RGBA pixels, taken as opaque (frames are).
    pub fn of_rgba(rgba: &[u8]) -> Histogram {
        let mut h = FxHashMap::default();
        for p in rgba.chunks_exact(4) {
            *h.entry([p[0], p[1], p[2]]).or_default() += 1;
        }
        Histogram(h)
    }

    pub fn merge(mut self, other: Histogram) -> Histogram {
        let (mut big, small) = if self.0.len() >= other.0.len() {
            (std::mem::take(&mut self.0), other.0)
        } else {
            (other.0, std::mem::take(&mut self.0))
        };
        for (c, n) in small {
            *big.entry(c).or_default() += n;
        }
        Histogram(big)
    }

    /// Colours by decreasing count (ties by colour, so the order is deterministic).
    fn by_count(&self) -> Vec<([u8; 3], u64)> {
        let mut v: Vec<_> = self.0.iter().map(|(c, n)| (*c, *n)).collect();
        v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }
}

/// A palette of at most [`MAX_COLOURS`] colours; index [`TRANSPARENT`] is left free.
#[derive(Debug, Clone, PartialEq)]
pub struct Palette {
    colours: Vec<[u8; 3]>,
}

fn dist2(a: [u8; 3], b: [u8; 3]) -> u32 {
    a.iter()
        .zip(b)
        .map(|(&x, y)| (i32::from(x) - i32::from(y)).pow(2) as u32)
        .sum()
}

impl Palette {
    /// `required` first (exact duplicates dropped; at most [`MAX_COLOURS`] kept), then the
    /// most frequent colours of `seen` that are not close to a colour already in, with
    /// "close" relaxed step by step until the palette is full or every colour is in.
    pub fn build(required: &[[u8; 3]], seen: &Histogram) -> Palette {
        let mut colours: Vec<[u8; 3]> = Vec::new();
        for c in required {
            if colours.len() < MAX_COLOURS && !colours.contains(c) {
                colours.push(*c);
            }
        }
        let candidates = seen.by_count();
        for min_dist in [12u32, 6, 3, 1] {
            for (c, _) in &candidates {
                if colours.len() == MAX_COLOURS {
                    return Palette { colours };
                }
                if colours.iter().all(|p| dist2(*p, *c) >= min_dist * min_dist) {
                    colours.push(*c);
                }
            }
        }
        Palette { colours }
    }

    pub fn colours(&self) -> &[[u8; 3]] {
        &self.colours
    }

    /// The palette as GIF wants it: r, g, b per index, padded with black to 256 entries so
    /// the transparent index exists.
    pub fn to_gif_bytes(&self) -> Vec<u8> {
        let mut v: Vec<u8> = self.colours.iter().flatten().copied().collect();
        v.resize(256 * 3, 0);
        v
    }

    /// The index of the nearest colour (squared RGB distance; ties go to the lower index).
    pub fn nearest(&self, c: [u8; 3]) -> u8 {
        let mut best = (u32::MAX, 0);
        for (i, p) in self.colours.iter().enumerate() {
            let d = dist2(*p, c);
            if d < best.0 {
                best = (d, i);
                if d == 0 {
                    break;
                }
            }
        }
        best.1 as u8
    }

    /// Maps RGBA pixels (alpha ignored: frames are opaque) to palette indices, each to the
    /// nearest colour: no dithering, so equal colours get equal indices everywhere.
    pub fn map_rgba(&self, rgba: &[u8]) -> Vec<u8> {
        const CHUNK: usize = 64 * 1024;
        rgba.par_chunks(CHUNK * 4)
            .flat_map_iter(|chunk| {
                // A map has few distinct colours: look each up once per chunk.
                let mut cache: FxHashMap<[u8; 3], u8> = FxHashMap::default();
                chunk
                    .chunks_exact(4)
                    .map(|p| {
                        let c = [p[0], p[1], p[2]];
                        *cache.entry(c).or_insert_with(|| self.nearest(c))
                    })
                    .collect::<Vec<u8>>()
            })
            .collect()
    }
}

/// Straight-alpha `top` drawn over the opaque `bottom`, rounded as 8-bit channels.
pub fn over(top: [u8; 4], bottom: [u8; 3]) -> [u8; 3] {
    let a = f32::from(top[3]) / 255.0;
    let mix = |t: u8, b: u8| (f32::from(t) * a + f32::from(b) * (1.0 - a)).round() as u8;
    [
        mix(top[0], bottom[0]),
        mix(top[1], bottom[1]),
        mix(top[2], bottom[2]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgba(pixels: &[[u8; 3]]) -> Vec<u8> {
        pixels
            .iter()
            .flat_map(|c| [c[0], c[1], c[2], 255])
            .collect()
    }

    #[test]
    fn required_colours_are_exact_and_first() {
        let req = [[255, 255, 255], [10, 20, 30], [255, 255, 255], [200, 0, 0]];
        let p = Palette::build(&req, &Histogram::default());
        assert_eq!(p.colours(), &[[255, 255, 255], [10, 20, 30], [200, 0, 0]]);
        assert_eq!(p.nearest([10, 20, 30]), 1);
        assert_eq!(p.nearest([12, 19, 33]), 1);
        assert_eq!(p.nearest([250, 5, 5]), 2);
        let bytes = p.to_gif_bytes();
        assert_eq!(bytes.len(), 768);
        assert_eq!(&bytes[3..6], &[10, 20, 30]);
    }

    #[test]
    fn frequent_colours_fill_the_rest_without_near_duplicates() {
        let mut px = vec![[0u8, 0, 0]; 1000];
        px.extend(vec![[100, 100, 100]; 500]);
        px.extend(vec![[101, 100, 100]; 400]); // close to the grey: left out while room is plenty
        px.extend(vec![[0, 0, 250]; 10]);
        let h = Histogram::of_rgba(&rgba(&px));
        let p = Palette::build(&[[255, 255, 255]], &h);
        // Every distinct colour fits, so the close one comes in on the last pass.
        assert_eq!(
            p.colours(),
            &[
                [255, 255, 255],
                [0, 0, 0],
                [100, 100, 100],
                [0, 0, 250],
                [101, 100, 100]
            ]
        );
    }

    #[test]
    fn the_palette_never_exceeds_255_colours() {
        let px: Vec<[u8; 3]> = (0..4000u32)
            .map(|i| [(i % 256) as u8, (i / 256 * 16) as u8, 7])
            .collect();
        let h = Histogram::of_rgba(&rgba(&px));
        let req: Vec<[u8; 3]> = (0..300u32)
            .map(|i| [(i % 256) as u8, 0, (i / 256) as u8])
            .collect();
        let p = Palette::build(&req, &h);
        assert_eq!(p.colours().len(), MAX_COLOURS);
        assert!(p.map_rgba(&rgba(&px)).iter().all(|&i| i != TRANSPARENT));
    }

    #[test]
    fn mapping_is_nearest_colour_without_dithering() {
        let p = Palette::build(
            &[[0, 0, 0], [255, 255, 255], [200, 60, 20]],
            &Histogram::default(),
        );
        // A flat area of a colour between entries maps to one index throughout (dithering
        // would alternate black and white).
        let flat = rgba(&vec![[120, 120, 120]; 5000]);
        let idx = p.map_rgba(&flat);
        assert!(idx.iter().all(|&i| i == idx[0]));
        // Squared distances: black 43,200, white 54,675, (200, 60, 20) 20,000.
        assert_eq!(idx[0], 2);
    }

    #[test]
    fn histograms_merge() {
        let a = Histogram::of_rgba(&rgba(&[[1, 2, 3], [1, 2, 3]]));
        let b = Histogram::of_rgba(&rgba(&[[1, 2, 3], [9, 9, 9]]));
        let m = a.merge(b);
        assert_eq!(m.by_count(), vec![([1, 2, 3], 3), ([9, 9, 9], 1)]);
    }

    #[test]
    fn compositing_over_a_background() {
        assert_eq!(over([255, 0, 0, 255], [0, 0, 255]), [255, 0, 0]);
        assert_eq!(over([255, 0, 0, 0], [0, 0, 255]), [0, 0, 255]);
        assert_eq!(over([200, 100, 0, 128], [0, 0, 0]), [100, 50, 0]);
    }
}
