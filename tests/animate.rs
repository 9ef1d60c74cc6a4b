//! `conflictmap animate` on real files: frames, delays and loops read back with the gif
//! and png crates' decoders and with ImageMagick's `identify`; colours stable across frames.

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "support/cli.rs"]
mod cli;
use cli::{assert_rejected, conflictmap};

fn run(args: &[&str]) {
    let out = conflictmap(args);
    assert!(
        out.status.success(),
        "conflictmap {args:?}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `animate` with these arguments into a fresh folder, which it returns.
fn animate(args: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["animate", "--out", dir.path().to_str().unwrap()];
    all.extend_from_slice(args);
    run(&all);
    dir
}

const TWO_YEARS: &str = "tests/data/fixtures/maps_two_years.csv";
const ROLLING: &str = "tests/data/fixtures/animate_rolling.csv";

/// A GIF read back: its global palette, the frames composed as a viewer shows them (as
/// palette indices), their delays, and the loop setting.
struct Gif {
    width: usize,
    palette: Vec<u8>,
    frames: Vec<Vec<u8>>,
    delays: Vec<u16>,
    repeat: gif::Repeat,
}

fn read_gif(path: &Path) -> Gif {
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::Indexed);
    let mut d = opts.read_info(std::fs::File::open(path).unwrap()).unwrap();
    let palette = d.global_palette().expect("a global palette").to_vec();
    let (w, h) = (usize::from(d.width()), usize::from(d.height()));
    let mut canvas = vec![0u8; w * h];
    let (mut frames, mut delays) = (Vec::new(), Vec::new());
    while let Some(f) = d.read_next_frame().unwrap() {
        assert!(
            f.palette.is_none(),
            "frame {} has a local palette",
            frames.len() + 1
        );
        let fw = usize::from(f.width);
        for y in 0..usize::from(f.height) {
            for x in 0..fw {
                let v = f.buffer[y * fw + x];
                if Some(v) != f.transparent {
                    canvas[(y + usize::from(f.top)) * w + x + usize::from(f.left)] = v;
                }
            }
        }
        frames.push(canvas.clone());
        delays.push(f.delay);
    }
    let repeat = d.repeat();
    Gif {
        width: w,
        palette,
        frames,
        delays,
        repeat,
    }
}

/// An APNG read back: (num_frames, num_plays), the frames' delays as (num, den), and the
/// frames' pixels.
type Apng = ((u32, u32), Vec<(u16, u16)>, Vec<Vec<u8>>);

fn read_apng(path: &Path) -> Apng {
    let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut r = dec.read_info().unwrap();
    let actl = *r.info().animation_control().expect("an acTL chunk");
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let width = r.info().width as usize;
    let mut canvas = vec![0u8; buf.len()];
    let (mut delays, mut frames) = (Vec::new(), Vec::new());
    for _ in 0..actl.num_frames {
        r.next_frame(&mut buf).unwrap();
        let fc = *r.info().frame_control().expect("an fcTL chunk");
        delays.push((fc.delay_num, fc.delay_den));
        // Frames after the first are the box that changed, drawn over the previous frame.
        assert_eq!(fc.blend_op, png::BlendOp::Source);
        let (x0, y0, w) = (
            fc.x_offset as usize,
            fc.y_offset as usize,
            fc.width as usize,
        );
        for y in 0..fc.height as usize {
            let dst = ((y0 + y) * width + x0) * 3;
            canvas[dst..dst + w * 3].copy_from_slice(&buf[y * w * 3..(y + 1) * w * 3]);
        }
        frames.push(canvas.clone());
    }
    ((actl.num_frames, actl.num_plays), delays, frames)
}

/// A PNG frame as RGB.
fn read_rgb(path: &Path) -> Vec<u8> {
    let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut r = dec.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba);
    buf[..info.buffer_size()]
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect()
}

fn identify(format: &str, path: &Path) -> String {
    let out = Command::new("identify")
        .args(["-format", format])
        .arg(path)
        .output()
        .expect("ImageMagick's identify (installed by scripts/setup.sh)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn frame_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("animation/frames"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// 2022 and 2024 have the same three attacks near Mopti; 2024 also has ten at Gao, which
/// top the colour scale; 2023 has none.
#[test]
fn yearly_animation_reads_back_with_independent_decoders() {
    let dir = animate(&[
        "--events",
        TWO_YEARS,
        "--width",
        "640",
        "--delay-ms",
        "500",
        "--hold-ms",
        "2000",
    ]);
    let anim = dir.path().join("animation");
    let frames = frame_files(dir.path());
    let names: Vec<String> = frames
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "militant_islamist_attack_year_001.png",
            "militant_islamist_attack_year_002.png",
            "militant_islamist_attack_year_003.png"
        ]
    );

    let g = read_gif(&anim.join("militant_islamist_attack_year.gif"));
    assert_eq!(g.width, 640);
    assert_eq!(g.frames.len(), 3);
    assert_eq!(g.delays, [50, 50, 200], "delays in 1/100 s, the last held");
    assert_eq!(g.repeat, gif::Repeat::Infinite);
    assert_eq!(g.palette.len(), 256 * 3);

    let (actl, delays, apng) = read_apng(&anim.join("militant_islamist_attack_year.png"));
    assert_eq!(actl, (3, 0), "3 frames, looping forever");
    assert_eq!(delays, [(50, 100), (50, 100), (200, 100)]);

    // ImageMagick agrees on the frames and delays.
    let gif_path = anim.join("militant_islamist_attack_year.gif");
    assert_eq!(identify("%T ", &gif_path).trim(), "50 50 200");
    assert_eq!(identify("%w×%h\n", &gif_path).lines().count(), 3);

    // Each frame file is the APNG's frame; the GIF holds each pixel's nearest palette
    // colour, with no dithering.
    let rgb: Vec<Vec<u8>> = frames.iter().map(|p| read_rgb(p)).collect();
    for (i, f) in rgb.iter().enumerate() {
        assert!(apng[i] == *f, "APNG frame {} differs from its PNG", i + 1);
        let mut worst = 0;
        for (px, &idx) in f.chunks_exact(3).zip(&g.frames[i]) {
            let pal = &g.palette[usize::from(idx) * 3..usize::from(idx) * 3 + 3];
            let d: i32 = px
                .iter()
                .zip(pal)
                .map(|(&a, &b)| (i32::from(a) - i32::from(b)).pow(2))
                .sum();
            worst = worst.max(d);
        }
        assert!(
            worst <= 3 * 24 * 24,
            "frame {}: a pixel is far from its GIF colour",
            i + 1
        );
    }

    // Identical colour in two frames → identical palette index, wherever it is.
    let (y22, y23, y24) = (&rgb[0], &rgb[1], &rgb[2]);
    let px = |f: &Vec<u8>, i: usize| [f[3 * i], f[3 * i + 1], f[3 * i + 2]];
    let mut mopti = 0;
    for i in 0..y22.len() / 3 {
        if px(y22, i) == px(y24, i) {
            assert_eq!(g.frames[0][i], g.frames[2][i], "pixel {i}");
            if px(y22, i) != px(y23, i) {
                mopti += 1;
            }
        }
    }
    // The Mopti density is drawn the same in 2022 and 2024 (one colour scale) and is
    // absent in 2023.
    assert!(
        mopti > 100,
        "only {mopti} pixels of density shared by 2022 and 2024"
    );
}

#[test]
fn loop_count_and_quarters() {
    let dir = animate(&[
        "--events",
        TWO_YEARS,
        "--width",
        "400",
        "--step",
        "quarter",
        "--window",
        "cumulative",
        "--years",
        "2024",
        "--loop",
        "3",
    ]);
    let anim = dir.path().join("animation");
    // --years 2024 with data to 1 May 2024: Q1 and Q2 (partial).
    let g = read_gif(&anim.join("militant_islamist_attack_quarter_cumulative.gif"));
    assert_eq!(g.frames.len(), 2);
    assert_eq!(g.repeat, gif::Repeat::Finite(2), "3 plays = 2 repeats");
    let (actl, _, _) = read_apng(&anim.join("militant_islamist_attack_quarter_cumulative.png"));
    assert_eq!(actl, (2, 3));
    let table =
        std::fs::read_to_string(anim.join("militant_islamist_attack_quarter_cumulative.csv"))
            .unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0],
        "frame,file,label,detail,first_day,last_day,events,deaths,max_density"
    );
    assert!(lines[1].starts_with(
        "1,militant_islamist_attack_quarter_cumulative_001.png,2024 Q1,,2024-01-01,2024-03-31,3,3,"
    ), "{}", lines[1]);
    assert!(lines[2].starts_with(
        "2,militant_islamist_attack_quarter_cumulative_002.png,2024 Q2,cumulative: 2024 Q1 – 2024 Q2; data to 1 May 2024,2024-01-01,2024-06-30,13,13,"
    ), "{}", lines[2]);
}

/// The rolling fixture's events (date: deaths): 1 Jan: 1, 31 Jan: 2, 14 Feb: 3, 28 Feb: 4,
/// 31 Mar: 5, 1 Apr: 6 and 7, 30 Jun: 8. Three-month windows, worked out by hand:
/// Jan–Mar 5 events (1+2+3+4+5 = 15 deaths), Feb–Apr 5 (3+4+5+6+7 = 25),
/// Mar–May 3 (5+6+7 = 18), Apr–Jun 3 (6+7+8 = 21).
#[test]
fn rolling_windows_count_what_was_worked_out_by_hand() {
    let dir = animate(&[
        "--events",
        ROLLING,
        "--width",
        "400",
        "--step",
        "month",
        "--window",
        "rolling",
        "--window-months",
        "3",
        "--trail",
        "1",
    ]);
    let anim = dir.path().join("animation");
    let table =
        std::fs::read_to_string(anim.join("militant_islamist_attack_month_rolling3m_trail1.csv"))
            .unwrap();
    let got: Vec<(String, String, String, String, String)> = table
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[2].into(),
                f[4].into(),
                f[5].into(),
                f[6].into(),
                f[7].into(),
            )
        })
        .collect();
    let want = [
        ("Mar 2022", "2022-01-01", "2022-03-31", "5", "15"),
        ("Apr 2022", "2022-02-01", "2022-04-30", "5", "25"),
        ("May 2022", "2022-03-01", "2022-05-31", "3", "18"),
        ("Jun 2022", "2022-04-01", "2022-06-30", "3", "21"),
    ]
    .map(|(a, b, c, d, e)| (a.into(), b.into(), c.into(), d.into(), e.into()));
    assert_eq!(got, want);
    let g = read_gif(&anim.join("militant_islamist_attack_month_rolling3m_trail1.gif"));
    assert_eq!(g.frames.len(), 4);
    assert_eq!(frame_files(dir.path()).len(), 4);
}

#[test]
fn a_shorter_second_run_leaves_no_stale_frames() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let base = [
        "animate", "--events", TWO_YEARS, "--width", "320", "--out", out,
    ];
    run(&base);
    assert_eq!(frame_files(dir.path()).len(), 3);
    let mut short = base.to_vec();
    short.extend(["--years", "2023-2024"]);
    run(&short);
    assert_eq!(frame_files(dir.path()).len(), 2);
}

#[test]
fn bad_animation_arguments_are_clear_errors() {
    for (args, expect) in [
        (vec!["--window", "cumulative", "--trail", "2"], "--trail"),
        (
            vec![
                "--step",
                "month",
                "--window",
                "rolling",
                "--window-months",
                "36",
            ],
            "rolling window",
        ),
        (
            vec![
                "--step",
                "year",
                "--window",
                "rolling",
                "--window-months",
                "6",
            ],
            "shorter than one year",
        ),
        (vec!["--delay-ms", "5"], "--delay-ms"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut all = vec!["animate", "--events", TWO_YEARS, "--width", "320", "--out"];
        all.push(dir.path().to_str().unwrap());
        all.extend(args.iter().copied());
        assert_rejected(&all, expect, &dir.path().join("animation"));
    }
}
