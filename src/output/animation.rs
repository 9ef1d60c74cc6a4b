//! Animation files: an animated GIF on one global palette (frames after the first store
//! only the box that changed, unchanged pixels inside it transparent), and an APNG in full
//! colour. Both written atomically; frames are fetched one at a time, so a long animation
//! never holds all its decoded frames in memory.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::output::palette::{Palette, TRANSPARENT};
use crate::output::write_atomic;

/// How an animation plays: per-frame delays in hundredths of a second (the GIF's unit,
/// used by the APNG too so both play alike) and the number of plays (0: forever).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    pub delays_cs: Vec<u16>,
    pub plays: u32,
}

impl Timing {
    /// `n` frames of `delay_ms` each, the last held for `hold_ms`.
    pub fn new(n: usize, delay_ms: u32, hold_ms: u32, plays: u32) -> Timing {
        let cs = |ms: u32| (ms.div_ceil(10)).clamp(2, u32::from(u16::MAX)) as u16;
        let mut delays_cs = vec![cs(delay_ms); n];
        if let Some(last) = delays_cs.last_mut() {
            *last = cs(hold_ms);
        }
        Timing { delays_cs, plays }
    }
}

/// The box (x0, y0, x1, y1, inclusive) of the pixels of `cur` that differ from `prev`:
/// both `width` pixels of `bpp` bytes wide, row-major. `None` if nothing changed.
fn changed_bounds(
    prev: &[u8],
    cur: &[u8],
    width: usize,
    bpp: usize,
) -> Option<(usize, usize, usize, usize)> {
    let row_len = width * bpp;
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for (y, (p, c)) in prev
        .chunks_exact(row_len)
        .zip(cur.chunks_exact(row_len))
        .enumerate()
    {
        if p == c {
            continue;
        }
        let differs = |x: &usize| p[x * bpp..(x + 1) * bpp] != c[x * bpp..(x + 1) * bpp];
        let first = (0..width).find(differs).expect("rows differ");
        let last = (0..width).rev().find(differs).expect("rows differ");
        (x0, x1) = (x0.min(first), x1.max(last));
        (y0, y1) = (y0.min(y), y);
    }
    (x0 != usize::MAX).then_some((x0, y0, x1, y1))
}

/// The part of `cur` (palette indices) that differs from `prev`: its box (left, top,
/// width, height) and pixels, unchanged ones set to [`TRANSPARENT`]. A frame identical to
/// the previous one gives a single transparent pixel.
pub fn changed_box(prev: &[u8], cur: &[u8], width: usize) -> ((u16, u16, u16, u16), Vec<u8>) {
    let Some((x0, y0, x1, y1)) = changed_bounds(prev, cur, width, 1) else {
        return ((0, 0, 1, 1), vec![TRANSPARENT]);
    };
    let mut buf = Vec::with_capacity((x1 - x0 + 1) * (y1 - y0 + 1));
    for y in y0..=y1 {
        for x in x0..=x1 {
            let i = y * width + x;
            buf.push(if prev[i] == cur[i] {
                TRANSPARENT
            } else {
                cur[i]
            });
        }
    }
    let b = |v: usize| v as u16;
    ((b(x0), b(y0), b(x1 - x0 + 1), b(y1 - y0 + 1)), buf)
}

/// The box (x, y, width, height) of the RGB pixels of `cur` that differ from `prev`, and
/// those pixels; a 1×1 box at the origin when nothing changed.
fn changed_rgb(prev: &[u8], cur: &[u8], width: usize) -> ((u32, u32, u32, u32), Vec<u8>) {
    let (x0, y0, x1, y1) = changed_bounds(prev, cur, width, 3).unwrap_or((0, 0, 0, 0));
    let mut buf = Vec::with_capacity((x1 - x0 + 1) * (y1 - y0 + 1) * 3);
    for y in y0..=y1 {
        buf.extend_from_slice(&cur[(y * width + x0) * 3..(y * width + x1 + 1) * 3]);
    }
    let b = |v: usize| v as u32;
    ((b(x0), b(y0), b(x1 - x0 + 1), b(y1 - y0 + 1)), buf)
}

/// Frame `i` from `frame`, inside an atomic write (which wants I/O errors): the error
/// itself is kept in `failed`, for the caller to return instead of the I/O error.
fn fetch<T>(
    frame: &mut impl FnMut(usize) -> Result<T>,
    i: usize,
    failed: &mut Option<Error>,
) -> std::io::Result<T> {
    frame(i).map_err(|e| {
        let io = std::io::Error::other(e.to_string());
        *failed = Some(e);
        io
    })
}

fn too_big(path: &Path, width: u32, height: u32) -> Error {
    Error::Usage(format!(
        "{}: a GIF is at most 65,535 px on a side, not {width}×{height}",
        path.display()
    ))
}

/// Writes an animated GIF of `timing.delays_cs.len()` frames; `frame(i)` gives frame `i`
/// as palette indices (`width` × `height`, none of them [`TRANSPARENT`]).
pub fn write_gif(
    path: &Path,
    (width, height): (u32, u32),
    palette: &Palette,
    timing: &Timing,
    mut frame: impl FnMut(usize) -> Result<Vec<u8>>,
) -> Result<()> {
    let (w, h) = match (u16::try_from(width), u16::try_from(height)) {
        (Ok(w), Ok(h)) => (w, h),
        _ => return Err(too_big(path, width, height)),
    };
    let gif_err = |e: gif::EncodingError| std::io::Error::other(e.to_string());
    let mut inner = None;
    let res = write_atomic(path, |out: &mut dyn Write| {
        let mut enc = gif::Encoder::new(out, w, h, &palette.to_gif_bytes()).map_err(gif_err)?;
        match timing.plays {
            0 => enc.set_repeat(gif::Repeat::Infinite).map_err(gif_err)?,
            // One play: no loop block at all (some viewers play a "repeat 0" block forever).
            1 => {}
            // The NETSCAPE block counts repeats after the first play.
            n => enc
                .set_repeat(gif::Repeat::Finite((n - 1).min(u32::from(u16::MAX)) as u16))
                .map_err(gif_err)?,
        }
        let mut prev: Option<Vec<u8>> = None;
        for (i, &delay) in timing.delays_cs.iter().enumerate() {
            let cur = fetch(&mut frame, i, &mut inner)?;
            let mut f = match &prev {
                None => gif::Frame::from_indexed_pixels(w, h, cur.as_slice(), None),
                Some(p) => {
                    let ((left, top, fw, fh), buf) = changed_box(p, &cur, usize::from(w));
                    let mut f = gif::Frame::from_indexed_pixels(fw, fh, buf, Some(TRANSPARENT));
                    (f.left, f.top) = (left, top);
                    f
                }
            };
            f.delay = delay;
            // Keep: each frame draws over the previous one.
            f.dispose = gif::DisposalMethod::Keep;
            enc.write_frame(&f).map_err(gif_err)?;
            prev = Some(cur);
        }
        enc.into_inner().map_err(gif_err)?;
        Ok(())
    });
    match inner {
        Some(e) => Err(e),
        None => res,
    }
}

/// Writes an APNG of `timing.delays_cs.len()` frames; `frame(i)` gives frame `i` as RGB
/// bytes, `width` × `height`. Frames after the first store only the box that changed
/// (drawn over the previous frame). The first frame is also the still image viewers
/// show when they do not animate.
pub fn write_apng(
    path: &Path,
    (width, height): (u32, u32),
    timing: &Timing,
    mut frame: impl FnMut(usize) -> Result<Vec<u8>>,
) -> Result<()> {
    let n = timing.delays_cs.len() as u32;
    let png_err = |e: png::EncodingError| std::io::Error::other(e.to_string());
    let mut inner = None;
    let res = write_atomic(path, |out: &mut dyn Write| {
        let mut enc = png::Encoder::new(out, width, height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Balanced);
        enc.set_animated(n, timing.plays).map_err(png_err)?;
        let mut writer = enc.write_header().map_err(png_err)?;
        let mut prev: Option<Vec<u8>> = None;
        for (i, &delay) in timing.delays_cs.iter().enumerate() {
            let rgb = fetch(&mut frame, i, &mut inner)?;
            writer.set_frame_delay(delay, 100).map_err(png_err)?;
            match &prev {
                None => writer.write_image_data(&rgb).map_err(png_err)?,
                Some(p) => {
                    let ((x, y, w, h), buf) = changed_rgb(p, &rgb, width as usize);
                    // The box must stay inside the image at every step: back to the
                    // origin, resize, then move.
                    writer.reset_frame_position().map_err(png_err)?;
                    writer.set_frame_dimension(w, h).map_err(png_err)?;
                    writer.set_frame_position(x, y).map_err(png_err)?;
                    writer.write_image_data(&buf).map_err(png_err)?;
                }
            }
            prev = Some(rgb);
        }
        writer.finish().map_err(png_err)
    });
    match inner {
        Some(e) => Err(e),
        None => res,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::palette::Histogram;

    #[test]
    fn timing_holds_the_last_frame() {
        let t = Timing::new(3, 800, 2500, 0);
        assert_eq!(t.delays_cs, [80, 80, 250]);
        // Below the 2 cs browsers honour, delays are raised; partial hundredths round up.
        assert_eq!(Timing::new(2, 5, 1234, 1).delays_cs, [2, 124]);
    }

    #[test]
    fn changed_box_keeps_only_what_changed() {
        let prev = vec![1u8; 5 * 4];
        let mut cur = prev.clone();
        cur[5 + 1] = 7; // (1, 1)
        cur[2 * 5 + 3] = 8; // (3, 2)
        let ((x, y, w, h), buf) = changed_box(&prev, &cur, 5);
        assert_eq!((x, y, w, h), (1, 1, 3, 2));
        assert_eq!(
            buf,
            [7, TRANSPARENT, TRANSPARENT, TRANSPARENT, TRANSPARENT, 8]
        );
        let (b, buf) = changed_box(&prev, &prev, 5);
        assert_eq!((b, buf), ((0, 0, 1, 1), vec![TRANSPARENT]));
    }

    /// Reads a GIF back with the gif crate's decoder, composing frames as a viewer does.
    fn decode(path: &Path) -> (Vec<u8>, Vec<Vec<u8>>, Vec<u16>, gif::Repeat) {
        let mut opts = gif::DecodeOptions::new();
        opts.set_color_output(gif::ColorOutput::Indexed);
        let mut d = opts.read_info(std::fs::File::open(path).unwrap()).unwrap();
        let global = d.global_palette().unwrap().to_vec();
        let (w, h) = (usize::from(d.width()), usize::from(d.height()));
        let mut canvas = vec![0u8; w * h];
        let (mut frames, mut delays) = (Vec::new(), Vec::new());
        while let Some(f) = d.read_next_frame().unwrap() {
            assert!(f.palette.is_none(), "a frame has a local palette");
            for y in 0..usize::from(f.height) {
                for x in 0..usize::from(f.width) {
                    let v = f.buffer[y * usize::from(f.width) + x];
                    if Some(v) != f.transparent {
                        canvas[(y + usize::from(f.top)) * w + x + usize::from(f.left)] = v;
                    }
                }
            }
            frames.push(canvas.clone());
            delays.push(f.delay);
        }
        (global, frames, delays, d.repeat())
    }

    #[test]
    fn gif_round_trip_with_one_palette() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.gif");
        let colours = [[255, 255, 255], [200, 30, 30], [20, 20, 200]];
        let pal = Palette::build(&colours, &Histogram::default());
        let (w, h) = (6usize, 4usize);
        let frames: Vec<Vec<u8>> = (0..3u8)
            .map(|i| {
                let mut f = vec![0u8; w * h];
                f[usize::from(i) * 2] = 1; // moves along the first row
                f[w * h - 1] = 2; // the same in every frame
                f
            })
            .collect();
        let timing = Timing::new(3, 500, 2000, 0);
        write_gif(&path, (w as u32, h as u32), &pal, &timing, |i| {
            Ok(frames[i].clone())
        })
        .unwrap();
        let (global, got, delays, repeat) = decode(&path);
        assert_eq!(global, pal.to_gif_bytes());
        assert_eq!(got, frames);
        assert_eq!(delays, [50, 50, 200]);
        assert_eq!(repeat, gif::Repeat::Infinite);

        for (plays, want) in [(3, gif::Repeat::Finite(2)), (1, gif::Repeat::Finite(0))] {
            let timing = Timing::new(3, 500, 2000, plays);
            write_gif(&path, (w as u32, h as u32), &pal, &timing, |i| {
                Ok(frames[i].clone())
            })
            .unwrap();
            assert_eq!(decode(&path).3, want, "{plays} plays");
        }
    }

    #[test]
    fn changed_rgb_crops_to_what_changed() {
        let prev = vec![0u8; 3 * 4 * 3];
        let mut cur = prev.clone();
        cur[(4 + 2) * 3 + 1] = 9; // (2, 1), green
        let ((x, y, w, h), buf) = changed_rgb(&prev, &cur, 4);
        assert_eq!(((x, y, w, h), buf), ((2, 1, 1, 1), vec![0, 9, 0]));
        assert_eq!(changed_rgb(&prev, &prev, 4), ((0, 0, 1, 1), vec![0, 0, 0]));
    }

    #[test]
    fn apng_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.png");
        // Frame 2 repeats frame 1; frame 3 changes one pixel; frame 4 everything.
        let mut frames: Vec<Vec<u8>> = vec![vec![10; 3 * 5 * 2]; 3];
        frames[2][3 * 6 + 2] = 200;
        frames.push(vec![90; 3 * 5 * 2]);
        let timing = Timing::new(4, 300, 1500, 2);
        write_apng(&path, (5, 2), &timing, |i| Ok(frames[i].clone())).unwrap();
        let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
        let mut r = dec.read_info().unwrap();
        let actl = r.info().animation_control().copied().unwrap();
        assert_eq!((actl.num_frames, actl.num_plays), (4, 2));
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let mut delays = Vec::new();
        let mut boxes = Vec::new();
        for _ in &frames {
            let info = r.next_frame(&mut buf).unwrap();
            let fc = r.info().frame_control().copied().unwrap();
            delays.push((fc.delay_num, fc.delay_den));
            boxes.push((
                (fc.x_offset, fc.y_offset, fc.width, fc.height),
                buf[..info.buffer_size()].to_vec(),
            ));
        }
        // Whole first frame; an unchanged frame is one pixel; then only the changed pixel
        // (6th of the image: (1, 1)); then everything again.
        let want = [
            ((0, 0, 5, 2), frames[0].clone()),
            ((0, 0, 1, 1), vec![10; 3]),
            ((1, 1, 1, 1), vec![10, 10, 200]),
            ((0, 0, 5, 2), frames[3].clone()),
        ];
        assert_eq!(boxes, want);
        assert_eq!(delays, [(30, 100), (30, 100), (30, 100), (150, 100)]);
    }

    #[test]
    fn a_failing_frame_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.gif");
        let pal = Palette::build(&[[0, 0, 0]], &Histogram::default());
        let r = write_gif(&path, (2, 2), &pal, &Timing::new(2, 100, 100, 0), |i| {
            if i == 0 {
                Ok(vec![0; 4])
            } else {
                Err(Error::Usage("frame 2 failed".into()))
            }
        });
        assert!(r.unwrap_err().to_string().contains("frame 2 failed"));
        assert!(!path.exists());
    }
}
