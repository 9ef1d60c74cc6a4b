//! SVG and PDF maps and charts against their PNGs: drawn from the same scene, they must
//! look the same. The SVG is rasterised with resvg, the PDF with poppler's pdftocairo, and
//! each compared with the PNG: mean absolute difference per channel at most 2/255, and
//! no 16×16 block differing on average by more than 10 % (anti-aliasing and font hinting
//! differ between rasterisers; a misplaced label or a missing layer does not pass). A
//! diff image is written on failure.

#[path = "support/cli.rs"]
mod cli;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use cli::conflictmap;

const MEAN_TOLERANCE: f64 = 2.0;
const BLOCK: usize = 16;
const BLOCK_TOLERANCE: f64 = 0.10 * 255.0;

fn tmp(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// RGB pixels of a PNG file.
fn png_rgb(path: &Path) -> (usize, usize, Vec<u8>) {
    let mut r = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()))
        .read_info()
        .unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    let ch = info.color_type.samples();
    let rgb = buf[..info.buffer_size()]
        .chunks(ch)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width as usize, info.height as usize, rgb)
}

/// Warnings usvg logs while parsing (it reports what it does not understand).
static WARNINGS: AtomicUsize = AtomicUsize::new(0);
struct CountWarnings;
impl log::Log for CountWarnings {
    fn enabled(&self, m: &log::Metadata) -> bool {
        m.level() <= log::Level::Warn
    }
    fn log(&self, r: &log::Record) {
        // usvg does not read embedded font faces (it is given the bundled fonts instead);
        // browsers, Inkscape and Illustrator do. Every other warning counts.
        let font_face = r.args().to_string().contains("@font-face");
        if self.enabled(r.metadata()) && !font_face {
            eprintln!("usvg: {}", r.args());
            WARNINGS.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn flush(&self) {}
}

/// The SVG parsed by usvg with the bundled fonts (no warnings allowed) and rasterised by
/// resvg at its own size, as RGB over white (the page is opaque).
fn svg_rgb(path: &Path) -> (usize, usize, Vec<u8>) {
    let _ = log::set_logger(&CountWarnings).map(|_| log::set_max_level(log::LevelFilter::Warn));
    let before = WARNINGS.load(Ordering::SeqCst);
    let mut opt = resvg::usvg::Options::default();
    for f in [
        dejavu::sans::regular(),
        dejavu::sans::bold(),
        dejavu::sans::oblique(),
    ] {
        opt.fontdb_mut().load_font_data(f.to_vec());
    }
    let text = std::fs::read_to_string(path).unwrap();
    let tree = resvg::usvg::Tree::from_str(&text, &opt).unwrap();
    assert_eq!(
        WARNINGS.load(Ordering::SeqCst),
        before,
        "{}: usvg warned while parsing",
        path.display()
    );
    let size = tree.size().to_int_size();
    let mut pm = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    pm.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pm.as_mut(),
    );
    let rgb = pm
        .data()
        .chunks(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    (size.width() as usize, size.height() as usize, rgb)
}

/// The PDF's one page rendered by poppler at `dpi`: by pdftocairo (cairo places shapes
/// where they are; pdftoppm's splash snaps rectangle edges to whole pixels) at twice the
/// resolution, then each 2×2 block averaged, so that what is compared is the drawing,
/// not how one rasteriser anti-aliases and resamples the embedded density image.
fn pdf_rgb(path: &Path, dpi: u32) -> (usize, usize, Vec<u8>) {
    let (w2, h2, big) = pdf_rgb_at(path, 2 * dpi);
    let (w, h) = (w2 / 2, h2 / 2);
    let mut rgb = vec![0u8; w * h * 3];
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let at =
                    |dx: usize, dy: usize| u32::from(big[((2 * y + dy) * w2 + 2 * x + dx) * 3 + c]);
                rgb[(y * w + x) * 3 + c] =
                    ((at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1) + 2) / 4) as u8;
            }
        }
    }
    (w, h, rgb)
}

fn pdf_rgb_at(path: &Path, dpi: u32) -> (usize, usize, Vec<u8>) {
    // pdftocairo adds ".png" to the name it is given.
    let stem = path.with_extension("pdftocairo");
    let o = Command::new("pdftocairo")
        .args(["-r", &dpi.to_string(), "-png", "-singlefile"])
        .arg(path)
        .arg(&stem)
        .output()
        .expect("pdftocairo (poppler-utils, installed by scripts/setup.sh)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut out = stem.into_os_string();
    out.push(".png");
    png_rgb(Path::new(&out))
}

/// Compares `actual` with the PNG at `expected`; writes `expected | diff | actual` on
/// failure.
fn assert_looks_like(expected: &Path, actual: (usize, usize, Vec<u8>), what: &str) {
    let (w, h, e) = png_rgb(expected);
    let (aw, ah, a) = actual;
    assert_eq!(
        (aw, ah),
        (w, h),
        "{what}: size differs from {}",
        expected.display()
    );
    let total: u64 = e
        .iter()
        .zip(&a)
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    let mean = total as f64 / e.len() as f64;
    let mut worst = (0.0f64, 0, 0);
    for by in (0..h).step_by(BLOCK) {
        for bx in (0..w).step_by(BLOCK) {
            let (mut sum, mut n) = (0u64, 0u64);
            for y in by..(by + BLOCK).min(h) {
                for x in bx..(bx + BLOCK).min(w) {
                    for c in 0..3 {
                        let i = (y * w + x) * 3 + c;
                        sum += u64::from(e[i].abs_diff(a[i]));
                        n += 1;
                    }
                }
            }
            let m = sum as f64 / n as f64;
            if m > worst.0 {
                worst = (m, bx, by);
            }
        }
    }
    eprintln!(
        "{what} vs {}: mean {mean:.3}/255, worst block {:.1}/255",
        expected.display(),
        worst.0
    );
    if mean > MEAN_TOLERANCE || worst.0 > BLOCK_TOLERANCE {
        let out = expected.with_extension(format!("{what}.diff.png"));
        let mut img = vec![0u8; w * 3 * h * 3];
        for y in 0..h {
            for x in 0..w {
                let i = (y * w + x) * 3;
                let d = (0..3).map(|c| e[i + c].abs_diff(a[i + c])).max().unwrap();
                let diff = if d > 32 {
                    [255, 0, 255]
                } else {
                    [230, 230, 230]
                };
                for (k, px) in [[e[i], e[i + 1], e[i + 2]], diff, [a[i], a[i + 1], a[i + 2]]]
                    .iter()
                    .enumerate()
                {
                    let j = (y * w * 3 + k * w + x) * 3;
                    img[j..j + 3].copy_from_slice(px);
                }
            }
        }
        let f = std::fs::File::create(&out).unwrap();
        let mut enc = png::Encoder::new(std::io::BufWriter::new(f), (w * 3) as u32, h as u32);
        enc.set_color(png::ColorType::Rgb);
        enc.write_header().unwrap().write_image_data(&img).unwrap();
        panic!(
            "{what} differs from {}: mean {mean:.2}/255 per channel (max {MEAN_TOLERANCE}), \
             worst 16×16 block at ({}, {}) {:.1}/255 (max {BLOCK_TOLERANCE:.1}); \
             expected | diff | actual in {}",
            expected.display(),
            worst.1,
            worst.2,
            worst.0,
            out.display()
        );
    }
}

fn run_ok(args: &[&str]) {
    let o = conflictmap(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn tool(cmd: &str, args: &[&str]) -> String {
    let o = Command::new(cmd).args(args).output().unwrap();
    assert!(
        o.status.success(),
        "{cmd}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn svg_and_pdf_maps_match_the_png_and_keep_text_and_layers() {
    let out = tmp("vector_maps");
    let o = out.to_str().unwrap();
    run_ok(&[
        "maps",
        "--years",
        "2024",
        "--format",
        "png,svg,pdf",
        "--out",
        o,
    ]);
    let dir = out.join("maps");
    for stem in [
        "militant_islamist_attack_2024",
        "militant_islamist_attack_all_years",
    ] {
        let png = dir.join(format!("{stem}.png"));
        let svg = dir.join(format!("{stem}.svg"));
        let pdf = dir.join(format!("{stem}.pdf"));
        assert_looks_like(&png, svg_rgb(&svg), "svg");
        // 1600 × 1200 px at 150 dpi: 10.67 × 8 in, 768 × 576 pt.
        let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
        assert!(info.contains("Page size:       768 x 576 pts"), "{info}");
        assert!(info.contains("Pages:           1"), "{info}");
        assert!(
            !info.contains("CreationDate"),
            "a date makes runs differ: {info}"
        );
        let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
        let dejavu: Vec<&str> = fonts.lines().filter(|l| l.contains("DejaVuSans")).collect();
        assert!(!dejavu.is_empty(), "{fonts}");
        for l in dejavu {
            // emb, sub, uni: embedded, subset, with a Unicode map (text can be copied).
            assert!(l.contains(" yes yes yes "), "not embedded and subset: {l}");
        }
        let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
        for words in [
            "Militant Islamist attacks in Mali",
            "Bamako",
            "SYNTHETIC DEMO DATA",
        ] {
            assert!(text.contains(words), "PDF text lacks {words:?}: {text}");
        }
        assert_looks_like(&png, pdf_rgb(&pdf, 150), "pdf");

        let doc = std::fs::read_to_string(&svg).unwrap();
        let tree = roxmltree::Document::parse(&doc).unwrap();
        let ids: Vec<&str> = tree
            .descendants()
            .filter(|n| n.has_tag_name("g"))
            .filter_map(|n| n.attribute("id"))
            .collect();
        for id in [
            "basemap",
            "density",
            "basemap-lines",
            "zones",
            "synthetic-mark",
            "labels",
            "legend",
            "scale-bar",
            "north-arrow",
            "inset",
            "title",
            "credits",
        ] {
            assert!(ids.contains(&id), "{stem}.svg has no group {id:?}: {ids:?}");
        }
        // Text stays text, in the embedded bundled font; the density is one image.
        let texts: Vec<String> = tree
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text().map(str::to_string))
            .collect();
        assert!(texts.iter().any(|t| t == "Bamako"), "{texts:?}");
        assert!(doc.contains("@font-face{font-family:'DejaVu Sans'"));
        let density = tree
            .descendants()
            .find(|n| n.attribute("id") == Some("density"))
            .unwrap();
        assert_eq!(
            density
                .descendants()
                .filter(|n| n.has_tag_name("image"))
                .count(),
            1
        );
    }
}

#[test]
fn svg_text_as_paths_needs_no_font_and_still_matches() {
    let out = tmp("vector_paths");
    let o = out.to_str().unwrap();
    run_ok(&[
        "maps",
        "--years",
        "2024",
        "--format",
        "png,svg",
        "--svg-text",
        "paths",
        "--out",
        o,
    ]);
    let svg = out.join("maps/militant_islamist_attack_2024.svg");
    let doc = std::fs::read_to_string(&svg).unwrap();
    assert!(!doc.contains("<text") && !doc.contains("@font-face"));
    assert_looks_like(&svg.with_extension("png"), svg_rgb(&svg), "svg-paths");

    // The comparison sees a missing layer: the same SVG without its density image fails.
    let start = doc.find("<image ").unwrap();
    let end = start + doc[start..].find("/>").unwrap() + 2;
    let broken = out.join("no_density.svg");
    std::fs::write(&broken, format!("{}{}", &doc[..start], &doc[end..])).unwrap();
    let png = svg.with_extension("png");
    let caught = std::panic::catch_unwind(|| assert_looks_like(&png, svg_rgb(&broken), "broken"));
    assert!(
        caught.is_err(),
        "a map without its density passed the comparison"
    );
}

#[test]
fn report_charts_in_every_format_are_listed_and_runs_are_byte_identical() {
    let run = |name: &str| {
        let out = tmp(name);
        run_ok(&[
            "report",
            "--products",
            "zones,maps,charts",
            "--years",
            "2022-2024",
            "--format",
            "png,svg,pdf",
            "--out",
            out.to_str().unwrap(),
        ]);
        out
    };
    let (a, b) = (run("vector_report_a"), run("vector_report_b"));
    let manifest = std::fs::read_to_string(a.join("manifest.json")).unwrap();
    for f in [
        "charts/militant_islamist_attack_events_by_zone.svg",
        "charts/militant_islamist_attack_events_by_zone.pdf",
        "charts/militant_islamist_attack_yearly_maps.svg",
        "charts/militant_islamist_attack_yearly_maps.pdf",
        "maps/militant_islamist_attack_2024.pdf",
    ] {
        assert!(manifest.contains(&format!("\"{f}\"")), "manifest lacks {f}");
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(x == y, "{f} differs between two runs");
    }
    assert!(manifest.contains("\"formats\""));
    let charts = a.join("charts");
    for stem in [
        "militant_islamist_attack_events_by_zone",
        "militant_islamist_attack_yearly_maps",
    ] {
        let png = charts.join(format!("{stem}.png"));
        assert_looks_like(&png, svg_rgb(&png.with_extension("svg")), "svg");
        assert_looks_like(&png, pdf_rgb(&png.with_extension("pdf"), 150), "pdf");
    }
}

#[test]
fn spread_maps_and_chart_in_every_format_match_their_png() {
    let out = tmp("vector_spread");
    let o = out.to_str().unwrap();
    run_ok(&["spread", "--format", "png,svg,pdf", "--out", o]);
    for stem in [
        "spread_expansion",
        "spread_change",
        "spread_profile",
        "spread_choropleth_regions",
        "spread_choropleth_cercles",
    ] {
        let png = out.join(format!("{stem}.png"));
        assert_looks_like(&png, svg_rgb(&png.with_extension("svg")), "svg");
        assert_looks_like(&png, pdf_rgb(&png.with_extension("pdf"), 150), "pdf");
    }
}
