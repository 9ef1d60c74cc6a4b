//! Reference-image comparison: a render must match `tests/data/reference/NAME.png` within
//! a small per-channel tolerance. On a mismatch, `expected | diff | actual` is written
//! side by side under the test target folder and its path is in the failure message.
//! `CONFLICTMAP_BLESS=1` rewrites the references instead.

use std::path::PathBuf;

use conflictmap::render::scene::MapScene;
use conflictmap::render::{encode, render};

/// Largest difference of one channel (0–255) counted as equal (anti-aliasing may differ
/// by a step or two between CPUs' SIMD paths).
const CHANNEL_TOLERANCE: u8 = 6;
/// Share of pixels allowed beyond that.
const MAX_BAD_SHARE: f64 = 0.002;

fn reference_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/data/reference/{name}.png"))
}

fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba, "references are RGBA");
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

pub fn check(name: &str, scene: &MapScene) {
    let pixmap = render(scene).unwrap();
    let actual = encode::demultiplied_rgba(&pixmap);
    let (w, h) = (pixmap.width(), pixmap.height());
    let path = reference_path(name);
    if std::env::var_os("CONFLICTMAP_BLESS").is_some_and(|v| v == "1") {
        let bytes = encode::encode_png(&pixmap, None).unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        eprintln!("blessed {} ({} bytes)", path.display(), bytes.len());
        return;
    }
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with CONFLICTMAP_BLESS=1 to create it",
            path.display()
        )
    });
    let (ew, eh, expected) = decode(&bytes);
    assert_eq!((ew, eh), (w, h), "{name}: size differs from the reference");
    let mut bad = 0usize;
    let mut diff = vec![0u8; actual.len()];
    for (i, (a, e)) in actual.chunks(4).zip(expected.chunks(4)).enumerate() {
        let d = a.iter().zip(e).map(|(x, y)| x.abs_diff(*y)).max().unwrap();
        let px = if d > CHANNEL_TOLERANCE {
            bad += 1;
            [255, 0, 255, 255]
        } else {
            // A faded copy of the expected image, so differences stand out.
            let g = (u16::from(e[0]) + u16::from(e[1]) + u16::from(e[2])) / 3;
            let g = (200 + g / 5) as u8;
            [g, g, g, 255]
        };
        diff[i * 4..i * 4 + 4].copy_from_slice(&px);
    }
    let share = bad as f64 / (w * h) as f64;
    if share > MAX_BAD_SHARE {
        let out = write_side_by_side(name, w, h, [&expected, &diff, &actual]);
        panic!(
            "{name}: {bad} pixels ({:.2} %) differ from {} by more than {CHANNEL_TOLERANCE}; \
             expected | diff | actual written to {}",
            share * 100.0,
            path.display(),
            out.display()
        );
    }
}

fn write_side_by_side(name: &str, w: u32, h: u32, images: [&[u8]; 3]) -> PathBuf {
    let gap = 4u32;
    let total_w = w * 3 + gap * 2;
    let mut data = vec![255u8; (total_w * h * 4) as usize];
    for (k, img) in images.iter().enumerate() {
        let x0 = k as u32 * (w + gap);
        for y in 0..h {
            let src = &img[(y * w * 4) as usize..((y + 1) * w * 4) as usize];
            let at = ((y * total_w + x0) * 4) as usize;
            data[at..at + src.len()].copy_from_slice(src);
        }
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("render-diffs");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join(format!("{name}.png"));
    let mut enc = png::Encoder::new(std::fs::File::create(&out).unwrap(), total_w, h);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().unwrap();
    writer.write_image_data(&data).unwrap();
    writer.finish().unwrap();
    out
}
