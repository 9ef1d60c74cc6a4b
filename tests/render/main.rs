//! Map renderer: reference images (the maps, the expansion, change and choropleth maps),
//! label placement, scale bar, PNG output, determinism.
//! Reference PNGs live in `tests/data/reference/`; regenerate them with
//! `CONFLICTMAP_BLESS=1 cargo test --test render` after an intended change, and look at them.

mod reference;
mod scenes;

use conflictmap::render::geom::px;
use conflictmap::render::scene::ScaleBar;
use conflictmap::render::{self, encode_png, render_with_info, write_png};

use scenes::{crowded, small};

#[test]
fn reference_small_report() {
    reference::check("small_report", &small("report", true));
}

#[test]
fn reference_small_dark() {
    reference::check("small_dark", &small("dark", false));
}

#[test]
fn reference_crowded_labels() {
    reference::check("crowded_labels", &crowded("report", 400, 300, 60));
}

fn assert_no_overlaps(info: &render::RenderInfo, what: &str) {
    let placed = &info.labels.placed;
    let frame = info.furniture.page.frame;
    let furniture = info.furniture.boxes();
    for (i, a) in placed.iter().enumerate() {
        assert!(
            frame.contains_rect(&a.bbox),
            "{what}: {} leaves the frame",
            a.text
        );
        for b in &placed[i + 1..] {
            assert!(
                !a.bbox.overlaps(&b.bbox),
                "{what}: {} overlaps {}",
                a.text,
                b.text
            );
        }
        for f in &furniture {
            assert!(
                !a.bbox.overlaps(f),
                "{what}: {} overlaps furniture {f:?}",
                a.text
            );
        }
    }
}

#[test]
fn crowded_labels_never_overlap() {
    for style in ["report", "dark"] {
        for (w, h, n) in [(400, 300, 150), (1600, 1200, 600)] {
            let scene = crowded(style, w, h, n);
            let (_, info) = render_with_info(&scene).unwrap();
            let what = format!("{style} {w}×{h}");
            assert_no_overlaps(&info, &what);
            let placed = info.labels.placed.len();
            assert!(placed >= 20, "{what}: only {placed} placed");
            assert!(
                !info.labels.skipped.is_empty(),
                "{what}: crowded, some must be skipped"
            );
            assert_eq!(placed + info.labels.skipped.len(), scene.labels.len() + 1); // + zone label
            // Highest priority first: the capital and the zone label always find room.
            assert!(
                info.labels.placed.iter().any(|l| l.text == "Capital"),
                "{what}"
            );
            assert!(
                info.labels.placed.iter().any(|l| l.text == "150 km"),
                "{what}"
            );
        }
    }
}

#[test]
fn small_scene_labels_do_not_overlap() {
    for style in ["report", "dark"] {
        let (_, info) = render_with_info(&small(style, true)).unwrap();
        assert_no_overlaps(&info, style);
        let texts: Vec<&str> = info.labels.placed.iter().map(|l| l.text.as_str()).collect();
        for t in ["Bamako", "SÉGOU", "GUINEA", "150 km", "50 km"] {
            assert!(texts.contains(&t), "{style}: {t} missing from {texts:?}");
        }
    }
}

#[test]
fn scale_bar_length_matches_pixels_per_km() {
    for ppk in [0.013f32, 0.08, 0.8, 1.234, 3.7, 12.0, 140.0] {
        let mut scene = small("report", false);
        scene.scale_bar = Some(ScaleBar { pixels_per_km: ppk });
        let (pixmap, info) = render_with_info(&scene).unwrap();
        let sb = info.furniture.scale_bar.expect("scale bar drawn");
        let drawn = f64::from(sb.x1 - sb.x0);
        let expected = sb.length_km * f64::from(ppk);
        assert!(
            (drawn - expected).abs() < 1e-3 * expected.max(1.0),
            "{ppk}: {drawn} vs {expected}"
        );
        let mantissa = sb.length_km / 10f64.powf(sb.length_km.log10().floor());
        assert!(
            [1.0, 2.0, 3.0, 5.0]
                .iter()
                .any(|m| (mantissa - m).abs() < 1e-9),
            "{}",
            sb.length_km
        );
        assert!(drawn <= f64::from(info.furniture.page.frame.width()) * 0.18 + 1e-3);
        assert!(
            drawn * 2.0 > f64::from(info.furniture.page.frame.width()) * 0.18
                || sb.length_km <= 0.001
        );
        // The first segment is dark ink in the pixmap, and the bar ends where it says.
        let y = (sb.y - 1.5).round() as u32;
        let dark = |x: f32| {
            pixmap
                .pixel(x.round() as u32, y)
                .unwrap()
                .demultiply()
                .red()
                < 80
        };
        assert!(dark(sb.x0 + 2.0), "{ppk}: bar start");
        assert!(!dark(sb.x1 + 4.0), "{ppk}: nothing after the bar end");
    }
    // Hidden by the style, or nothing to scale: no bar.
    let mut scene = small("report", false);
    scene.style.layers.scale_bar = false;
    assert!(
        render_with_info(&scene)
            .unwrap()
            .1
            .furniture
            .scale_bar
            .is_none()
    );
    let mut scene = small("report", false);
    scene.scale_bar = Some(ScaleBar { pixels_per_km: 0.0 });
    assert!(
        render_with_info(&scene)
            .unwrap()
            .1
            .furniture
            .scale_bar
            .is_none()
    );
}

#[test]
fn png_has_300_dpi_and_straight_alpha() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out/half_red.png");
    let mut pixmap = tiny_skia::Pixmap::new(4, 3).unwrap();
    pixmap.fill(tiny_skia::Color::from_rgba8(255, 0, 0, 128));
    write_png(&pixmap, &path, Some(300)).unwrap();

    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let dims = reader.info().pixel_dims.expect("pHYs chunk");
    assert_eq!((dims.xppu, dims.yppu), (11811, 11811));
    assert_eq!(dims.unit, png::Unit::Meter);
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buf).unwrap();
    assert_eq!((frame.width, frame.height), (4, 3));
    assert_eq!(frame.color_type, png::ColorType::Rgba);
    assert_eq!(&buf[..4], &[255, 0, 0, 128]);
    // Only the file itself is left in the folder (atomic write).
    assert_eq!(
        std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
        1
    );

    // Without dpi: no pHYs.
    let bytes = encode_png(&pixmap, None).unwrap();
    let reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    assert!(reader.info().pixel_dims.is_none());
}

#[test]
fn same_scene_same_bytes() {
    let scene = small("report", true);
    let a = encode_png(&render::render(&scene).unwrap(), Some(300)).unwrap();
    let b = encode_png(&render::render(&scene).unwrap(), Some(300)).unwrap();
    assert!(a == b, "two renders of one scene differ");
    let mut print = scene.clone();
    print.scale = 2.0;
    let p1 = render::render(&print).unwrap();
    assert_eq!((p1.width(), p1.height()), (800, 600));
    assert!(p1.data() == render::render(&print).unwrap().data());
}

#[test]
fn synthetic_notice_is_on_the_map_face() {
    let (_, info) = render_with_info(&small("report", true)).unwrap();
    let notice = info.furniture.notice.expect("notice");
    assert!(info.furniture.page.frame.contains_rect(&notice));
    let (_, info) = render_with_info(&small("report", false)).unwrap();
    assert!(info.furniture.notice.is_none());
}

#[test]
fn bad_scenes_are_errors_not_panics() {
    let mut scene = small("report", false);
    scene.scale = 0.0;
    assert!(render::render(&scene).is_err());
    let mut scene = small("report", false);
    for layer in &mut scene.layers {
        if let conflictmap::render::scene::LayerContent::Raster(d) = &mut layer.content {
            d.pixels.pop();
        }
    }
    let e = render::render(&scene).unwrap_err().to_string();
    assert!(e.contains("density") && e.contains("pixels"), "{e}");
    // Degenerate geometry is simply not drawn.
    let mut scene = small("report", false);
    scene.add_lines(
        conflictmap::render::scene::Role::Rivers,
        vec![vec![px(10.0, 10.0)], vec![]],
    );
    scene.zones[0].polygons.clear();
    assert!(render::render(&scene).is_ok());
}

/// The expansion map's drawing: the small scene with three years' outlines of where a
/// density (one event, then three, then six) reached a threshold, coloured by year.
fn expansion_small() -> conflictmap::render::MapScene {
    use conflictmap::analysis::contours::at_least;
    use conflictmap::analysis::density::{GridSpec, Kernel, bin, density};
    let template = small("report", true);
    let f = template.frame;
    // Map metres = frame pixels × 1,000 (y up), a grid over the frame.
    let spec = GridSpec::covering(
        [
            0.0,
            0.0,
            f64::from(f.width()) * 1e3,
            f64::from(f.height()) * 1e3,
        ],
        2_000.0,
    );
    let h = 40_000.0;
    let event = |x: f32, y: f32| {
        [
            f64::from(x * f.width()) * 1e3,
            f64::from((1.0 - y) * f.height()) * 1e3,
        ]
    };
    let all = [
        event(0.75, 0.25),
        event(0.65, 0.35),
        event(0.7, 0.45),
        event(0.55, 0.5),
        event(0.5, 0.6),
        event(0.45, 0.55),
    ];
    let areas: Vec<_> = [(2021, 1), (2022, 3), (2023, 6)]
        .into_iter()
        .map(|(year, n)| {
            let grid = density(&bin(&spec, h, &all[..n], None), Kernel::Quartic, h);
            (year, at_least(&grid, 0.05).unwrap())
        })
        .collect();
    let to_px = |xy: [f64; 2]| px(f.x0 + (xy[0] / 1e3) as f32, f.y1 - (xy[1] / 1e3) as f32);
    conflictmap::render::spread::expansion_scene(
        &template,
        to_px,
        &areas,
        "Density ≥ 0.05 events per 1,000 km²",
    )
}

#[test]
fn reference_expansion() {
    let scene = expansion_small();
    let years: Vec<&str> = scene.legend.items[..3]
        .iter()
        .map(|i| i.label.as_str())
        .collect();
    assert_eq!(years, ["2021", "2022", "2023"]);
    reference::check("expansion_small", &scene);
}

/// The change map's drawing: the small scene's density replaced by a difference with a
/// rise in the east and a fall in the west.
#[test]
fn reference_change() {
    use conflictmap::analysis::density::{DensityGrid, GridSpec};
    let mut template = small("report", false);
    template.layers.retain(|l| {
        !matches!(
            l.content,
            conflictmap::render::scene::LayerContent::Raster(_)
        )
    });
    let (w, h) = (80usize, 60usize);
    let values = (0..w * h)
        .map(|i| {
            let (x, y) = ((i % w) as f32, (i / w) as f32);
            let bump = |cx: f32, cy: f32| (-((x - cx).powi(2) + (y - cy).powi(2)) / 60.0).exp();
            4.0 * bump(55.0, 25.0) - 2.0 * bump(25.0, 35.0)
        })
        .collect();
    let grid = DensityGrid {
        spec: GridSpec {
            x0: 0.0,
            y0: 0.0,
            cell_m: 1.0,
            width: w,
            height: h,
        },
        values,
    };
    let (scene, scale) = conflictmap::render::spread::change_scene(
        &template,
        &grid,
        template.frame,
        "Change, 2023 minus 2022",
        "events per 1,000 km² per year",
    );
    assert!((scale.max - 4.0).abs() < 0.01);
    reference::check("change_small", &scene);
}

/// The choropleth's drawing: the small scene's density replaced by six units, one per
/// class (zero first, then the YlOrRd classes), filled over the basemap, under water,
/// boundaries and labels, with the classes in the legend.
#[test]
fn reference_choropleth() {
    use conflictmap::render::choropleth::{choropleth_scene, class_colours};
    use conflictmap::render::geom::Polygon;
    let mut template = small("report", true);
    template.layers.retain(|l| {
        !matches!(
            l.content,
            conflictmap::render::scene::LayerContent::Raster(_)
        )
    });
    let f = template.frame;
    // Six units in two rows of three across the middle of the frame.
    let (w, h) = (f.width() / 4.0, f.height() / 4.0);
    let units: Vec<(Vec<Polygon>, usize)> = (0..6)
        .map(|k| {
            let x = f.x0 + w * (0.5 + (k % 3) as f32);
            let y = f.y0 + h * (1.0 + (k / 3) as f32);
            let ring = vec![
                px(x, y),
                px(x + w, y),
                px(x + w, y + h),
                px(x, y + h),
                px(x, y),
            ];
            (vec![Polygon::new(ring)], k)
        })
        .collect();
    let labels: Vec<String> = ["0", "≤ 0.1", "0.1–0.5", "0.5–1", "1–2", "2–9"]
        .map(String::from)
        .to_vec();
    let scene = choropleth_scene(
        &template,
        &units,
        &class_colours(6),
        &labels,
        "Events per 1,000 km², 2024",
    );
    let items: Vec<&str> = scene.legend.items[..6]
        .iter()
        .map(|i| i.label.as_str())
        .collect();
    assert_eq!(items, labels.iter().map(String::as_str).collect::<Vec<_>>());
    reference::check("choropleth_small", &scene);
}
