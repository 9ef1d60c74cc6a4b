//! Hand-made scenes: simple shapes standing in for a country, its neighbours, a river,
//! regions, a density blob, events, towns, zones and furniture.

use conflictmap::model::Style;
use conflictmap::render::geom::{Polygon, PxPoint, PxRect, px};
use conflictmap::render::scene::{
    DensityImage, Inset, InsetShape, MapScene, Role, ScaleBar, ZoneKind,
};

/// A built-in style with fonts and lines sized for a small image.
pub fn small_style(name: &str, width: u32, height: u32) -> Style {
    let mut s = Style::builtin(name).unwrap();
    s.map.width = width;
    s.map.height = height;
    if width < 800 {
        let f = &mut s.fonts;
        (f.title, f.subtitle, f.labels, f.capital) = (15.0, 9.5, 8.5, 9.5);
        (f.regions, f.neighbours, f.zones, f.legend, f.credits) = (8.0, 8.5, 8.5, 7.5, 6.5);
        s.lines.halo = 2.2;
        s.lines.zones = 1.5;
        s.events.radius = 1.8;
    }
    s
}

fn ring(points: &[(f32, f32)], f: PxRect) -> Vec<PxPoint> {
    // Points given in 0–1 of the frame.
    points
        .iter()
        .map(|&(x, y)| px(f.x0 + x * f.width(), f.y0 + y * f.height()))
        .collect()
}

/// The 400×300 test map: everything a report map has, on simple shapes.
pub fn small(style: &str, synthetic: bool) -> MapScene {
    let credits = vec![
        "Data: hand-made test scene.".to_string(),
        "Boundaries: none, shapes drawn by hand for the renderer's tests.".to_string(),
    ];
    let mut s = MapScene::new(
        small_style(style, 400, 300),
        "Test attacks, 2024",
        "Hand-made scene · shapes, text, labels, legend, scale bar",
        credits,
    );
    s.synthetic = synthetic;
    let f = s.frame;
    let at = |x: f32, y: f32| px(f.x0 + x * f.width(), f.y0 + y * f.height());
    let west = Polygon::new(ring(
        &[(-0.1, -0.1), (0.25, -0.1), (0.2, 1.1), (-0.1, 1.1)],
        f,
    ));
    let south = Polygon::new(ring(&[(0.2, 0.8), (1.1, 0.75), (1.1, 1.1), (0.2, 1.1)], f));
    s.add_polygons(Role::Neighbours, vec![west, south]);
    let country = Polygon::with_holes(vec![
        ring(
            &[
                (0.22, -0.1),
                (1.1, -0.1),
                (1.1, 0.76),
                (0.6, 0.82),
                (0.21, 0.8),
            ],
            f,
        ),
        ring(&[(0.3, 0.1), (0.36, 0.1), (0.34, 0.2)], f), // a hole
    ]);
    s.add_polygons(Role::Country, vec![country.clone()]);
    s.add_polygons(Role::CountryOutline, vec![country.clone()]);
    s.add_polygons(
        Role::Lakes,
        vec![Polygon::new(ring(
            &[(0.4, 0.2), (0.47, 0.18), (0.5, 0.26), (0.42, 0.27)],
            f,
        ))],
    );
    s.add_lines(
        Role::Rivers,
        vec![ring(
            &[(0.0, 0.9), (0.3, 0.6), (0.45, 0.5), (0.7, 0.35), (1.0, 0.3)],
            f,
        )],
    );
    s.add_lines(
        Role::Adm1,
        vec![ring(&[(0.55, -0.1), (0.6, 0.4), (0.58, 0.82)], f)],
    );

    // A density blob: a 40×30 raster over the frame, clipped to the country.
    let (gw, gh) = (40u32, 30u32);
    let pixels = (0..gw * gh)
        .map(|i| {
            let (x, y) = ((i % gw) as f32 / gw as f32, (i / gw) as f32 / gh as f32);
            let d = ((x - 0.62).powi(2) + (y - 0.45).powi(2)).sqrt();
            let t = (1.0 - d / 0.35).clamp(0.0, 1.0);
            if t < 0.05 {
                [0, 0, 0, 0]
            } else {
                [
                    255,
                    (230.0 - 200.0 * t) as u8,
                    (120.0 - 110.0 * t) as u8,
                    255,
                ]
            }
        })
        .collect();
    s.add_density(DensityImage {
        width: gw,
        height: gh,
        pixels,
        rect: f,
        opacity: 1.0,
        clip: vec![country],
        smooth: true,
    });
    s.set_ramp(
        "Attacks",
        "events per 1,000 km²",
        vec![
            (0.1, [255, 224, 114, 255]),
            (1.0, [255, 150, 60, 255]),
            (5.0, [255, 80, 20, 255]),
            (25.0, [255, 30, 10, 255]),
        ],
    );
    let events = [(0.6, 0.4), (0.63, 0.47), (0.7, 0.5), (0.5, 0.6), (0.9, 0.3)];
    s.add_events(
        "militant_islamist_attack",
        "Attack",
        events.iter().map(|&(x, y)| at(x, y)).collect(),
    );
    s.add_zone(
        ZoneKind::Ring,
        vec![Polygon::circle(at(0.55, 0.5), f.height() * 0.22, 96)],
        "150 km",
        Some("Within 150 km of the capital"),
    );
    let band = Polygon::new(ring(
        &[
            (0.21, 0.8),
            (0.6, 0.82),
            (0.9, 0.78),
            (0.9, 0.68),
            (0.6, 0.72),
            (0.23, 0.7),
        ],
        f,
    ));
    s.add_zone(
        ZoneKind::Band,
        vec![band],
        "50 km",
        Some("Within 50 km of the border"),
    );
    s.add_town("Bamako", at(0.55, 0.5), Some(2_500_000), true);
    s.add_town("Ségou", at(0.72, 0.42), Some(130_000), false);
    s.add_town("Kati", at(0.5, 0.46), Some(100_000), false);
    s.add_town("Koulikoro", at(0.6, 0.4), Some(40_000), false);
    s.add_town("Sikasso", at(0.8, 0.65), Some(220_000), false);
    s.add_region_name("Ségou", at(0.83, 0.35));
    s.add_neighbour_name("Guinea", at(0.1, 0.5));
    s.scale_bar = Some(ScaleBar { pixels_per_km: 0.9 });
    s.inset = Some(Inset {
        width: 70.0,
        height: 52.0,
        shapes: vec![
            InsetShape {
                polygon: Polygon::new(vec![
                    px(5.0, 8.0),
                    px(60.0, 4.0),
                    px(66.0, 46.0),
                    px(8.0, 48.0),
                ]),
                focus: false,
            },
            InsetShape {
                polygon: Polygon::new(vec![
                    px(25.0, 12.0),
                    px(48.0, 14.0),
                    px(44.0, 34.0),
                    px(22.0, 30.0),
                ]),
                focus: true,
            },
        ],
        highlight: Some(Polygon::new(vec![
            px(24.0, 24.0),
            px(40.0, 24.0),
            px(40.0, 34.0),
            px(24.0, 34.0),
        ])),
    });
    s
}

/// Many towns packed together (a deterministic pseudo-random cloud), plus regions,
/// neighbours, a capital and a ring: most labels cannot all fit.
pub fn crowded(style: &str, width: u32, height: u32, towns: usize) -> MapScene {
    let mut s = MapScene::new(
        small_style(style, width, height),
        "Crowded labels",
        "Placement test",
        vec!["Test scene.".to_string()],
    );
    let f = s.frame;
    s.add_polygons(
        Role::Country,
        vec![Polygon::new(vec![
            px(f.x0, f.y0),
            px(f.x1, f.y0),
            px(f.x1, f.y1),
            px(f.x0, f.y1),
        ])],
    );
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f32 / (1u64 << 53) as f32
    };
    let c = f.centre();
    s.add_town("Capital", c, Some(2_000_000), true);
    for i in 0..towns {
        // Denser towards the centre.
        let (a, r) = (next() * std::f32::consts::TAU, next().powf(0.8) * 0.5);
        let p = px(
            c.x + a.cos() * r * f.width(),
            c.y + a.sin() * r * f.height(),
        );
        let pop = (1000.0 * 10f32.powf(next() * 3.0)) as u64;
        s.add_town(&format!("Town{i} Ké"), p, Some(pop), false);
    }
    for (i, name) in ["Kayes", "Koulikoro", "Sikasso", "Ségou", "Mopti"]
        .iter()
        .enumerate()
    {
        let x = f.x0 + f.width() * (0.15 + 0.17 * i as f32);
        s.add_region_name(name, px(x, c.y + (i as f32 - 2.0) * 15.0));
    }
    s.add_neighbour_name(
        "Burkina Faso",
        px(f.x1 - f.width() * 0.15, f.y0 + f.height() * 0.2),
    );
    s.add_zone(
        ZoneKind::Ring,
        vec![Polygon::circle(c, f.height() * 0.3, 72)],
        "150 km",
        None,
    );
    s.set_ramp(
        "Density",
        "per 1,000 km²",
        vec![(0.0, [255, 255, 200, 255]), (10.0, [200, 0, 0, 255])],
    );
    s.scale_bar = Some(ScaleBar {
        pixels_per_km: 0.5 * width as f32 / 400.0,
    });
    s
}
