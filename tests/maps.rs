//! `conflictmap maps` on real files, and the real Mali basemap in the shipped styles.

use std::path::Path;

use conflictmap::analysis::projection::MapProjection;
use conflictmap::analysis::zones;
use conflictmap::model::{Boundaries, Study, Style};
use conflictmap::render::compose::{MapView, basemap};
use conflictmap::render::scene::MapScene;

/// Runs the binary from the repository root.
#[path = "support/cli.rs"]
mod cli;
use cli::{assert_rejected, conflictmap};

fn run(args: &[&str]) -> std::process::Output {
    let out = conflictmap(args);
    assert!(
        out.status.success(),
        "conflictmap {args:?}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

struct Png {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
    pixels_per_metre: Option<u32>,
}

fn read_png(path: &Path) -> Png {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba, "{}", path.display());
    let ppm = reader.info().pixel_dims.map(|d| d.xppu);
    buf.truncate(info.buffer_size());
    Png {
        width: info.width,
        height: info.height,
        rgba: buf,
        pixels_per_metre: ppm,
    }
}

fn region(p: &Png, x0: u32, y0: u32, x1: u32, y1: u32) -> Vec<u8> {
    let mut out = Vec::new();
    for y in y0..y1 {
        let s = ((y * p.width + x0) * 4) as usize;
        let e = ((y * p.width + x1) * 4) as usize;
        out.extend_from_slice(&p.rgba[s..e]);
    }
    out
}

/// 2022 and 2024 have the same three attacks near Mopti; 2024 also has ten at Gao,
/// which set the top of the colour scale. With one scale for all years, the Mopti area
/// is pixel for pixel the same in both maps; a per-year scale would fade it in 2024.
#[test]
fn same_density_is_the_same_colour_in_every_year() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    run(&[
        "maps",
        "--events",
        "tests/data/fixtures/maps_two_years.csv",
        "--out",
        out,
    ]);
    let maps = dir.path().join("maps");
    let mut names: Vec<String> = std::fs::read_dir(&maps)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "militant_islamist_attack_2022.png",
            "militant_islamist_attack_2023.png",
            "militant_islamist_attack_2024.png",
            "militant_islamist_attack_all_years.png"
        ]
    );
    let y2022 = read_png(&maps.join("militant_islamist_attack_2022.png"));
    let y2023 = read_png(&maps.join("militant_islamist_attack_2023.png"));
    let y2024 = read_png(&maps.join("militant_islamist_attack_2024.png"));
    assert_eq!((y2022.width, y2022.height), (1600, 1200));
    // The west of the map down to below Mopti (Gao is far east), under the title.
    let west = |p: &Png| region(p, 0, 110, 900, 1000);
    assert!(
        west(&y2022) == west(&y2024),
        "the Mopti area differs between 2022 and 2024: the colour scale is not shared"
    );
    assert!(
        west(&y2022) != west(&y2023),
        "2022 shows no density near Mopti (2023 has no events)"
    );
}

#[test]
fn print_scale_doubles_the_size_and_says_300_dpi() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    run(&[
        "maps",
        "--events",
        "tests/data/fixtures/maps_two_years.csv",
        "--years",
        "2022",
        "--scale",
        "2",
        "--out",
        out,
    ]);
    let p = read_png(&dir.path().join("maps/militant_islamist_attack_2022.png"));
    assert_eq!((p.width, p.height), (3200, 2400));
    assert_eq!(p.pixels_per_metre, Some(11811), "300 dpi");
}

#[test]
fn bad_map_arguments_are_clear_errors() {
    for (args, expect) in [
        (vec!["--extent", "nowhere"], "--extent nowhere"),
        (vec!["--bandwidth-km", "0"], "--bandwidth-km"),
        (vec!["--category", "nope"], "militant_islamist_attack"),
        (vec!["--style", "missing-style.toml"], "missing-style.toml"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut all = vec!["maps", "--out", dir.path().to_str().unwrap()];
        all.extend(args.iter().copied());
        assert_rejected(&all, expect, &dir.path().join("maps"));
    }
}

/// The real Mali basemap (towns, regions, neighbours, zones) in both shipped styles and
/// both extents: no two placed labels overlap.
#[test]
fn labels_never_overlap_on_the_real_basemap() {
    let study = Study::mali();
    let b = Boundaries::load(&study).unwrap();
    let z = zones::resolve(&study.zones, &b).unwrap();
    for style_name in ["report", "dark"] {
        let style = Style::builtin(style_name).unwrap();
        for extent in [[-12.5, 10.0, 4.5, 25.2], style.extent("south").unwrap()] {
            let mut scene =
                MapScene::new(style.clone(), "Title", "Subtitle", vec!["Credits".into()]);
            let proj = MapProjection::new(&style.map.crs).unwrap();
            let view = MapView::fit(proj, extent, scene.frame).unwrap();
            basemap(&mut scene, &view, &b, &z);
            let (_, info) = conflictmap::render::render_with_info(&scene).unwrap();
            let placed = &info.labels.placed;
            assert!(
                placed.len() > 15,
                "{style_name} {extent:?}: {} labels",
                placed.len()
            );
            for (i, a) in placed.iter().enumerate() {
                for c in &placed[i + 1..] {
                    assert!(
                        !a.bbox.overlaps(&c.bbox),
                        "{style_name} {extent:?}: \"{}\" overlaps \"{}\"",
                        a.text,
                        c.text
                    );
                }
            }
        }
    }
}
