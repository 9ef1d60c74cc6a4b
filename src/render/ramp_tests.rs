use super::*;
use crate::analysis::density::GridSpec;

fn scale(ramp: RampName, kind: ScaleKind) -> ColourScale {
    ColourScale {
        ramp,
        max: 40.0,
        threshold: 0.5,
        scale: kind,
    }
}

fn rgb(c: [u8; 4]) -> [u8; 3] {
    [c[0], c[1], c[2]]
}

#[test]
fn endpoints_are_the_ramps_own_colours() {
    for (ramp, g) in [
        (RampName::Viridis, colorous::VIRIDIS),
        (RampName::Magma, colorous::MAGMA),
        (RampName::YlOrRd, colorous::YELLOW_ORANGE_RED),
    ] {
        for kind in [ScaleKind::Linear, ScaleKind::Sqrt] {
            let s = scale(ramp, kind);
            let top = s.colour(40.0).unwrap();
            assert_eq!(rgb(top), g.eval_continuous(1.0).into_array(), "{ramp}");
            assert_eq!(top[3], 255, "{ramp}: opaque at the top");
            assert_eq!(s.colour(1e6), Some(top), "{ramp}: clamped above max");
            let bottom = ColourScale {
                threshold: 0.0,
                ..s
            }
            .colour(1e-9)
            .unwrap();
            assert_eq!(rgb(bottom), g.eval_continuous(0.0).into_array(), "{ramp}");
        }
    }
    // The well-known hex ends of viridis.
    assert_eq!(RampName::Viridis.at(0.0), [0x44, 0x01, 0x54]);
    assert_eq!(RampName::Viridis.at(1.0), [0xfd, 0xe7, 0x25]);
}

#[test]
fn below_threshold_zero_and_nan_are_transparent() {
    let s = scale(RampName::Viridis, ScaleKind::Linear);
    assert_eq!(s.colour(0.49), None);
    assert_eq!(s.colour(0.0), None);
    assert_eq!(s.colour(f32::NAN), None);
    assert_eq!(s.colour(-1.0), None);
    let at = s.colour(0.5).unwrap();
    assert_eq!(at[3], MIN_ALPHA as u8, "faint at the threshold");
    // Opacity rises smoothly and monotonically to opaque.
    let alphas: Vec<u8> = (0..=400)
        .map(|i| s.colour(0.5 + i as f32 * 0.1).unwrap()[3])
        .collect();
    assert!(alphas.windows(2).all(|w| w[0] <= w[1]));
    assert!(alphas.windows(2).all(|w| w[1] - w[0] <= 8), "no jumps");
    assert_eq!(*alphas.last().unwrap(), 255);
    // Zero threshold: 0 is still transparent.
    assert_eq!(
        ColourScale {
            threshold: 0.0,
            ..s
        }
        .colour(0.0),
        None
    );
}

/// Relative luminance (WCAG / sRGB).
fn luminance(c: [u8; 3]) -> f64 {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.040_45 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

#[test]
fn luminance_rises_along_viridis_and_magma_and_falls_along_ylorrd() {
    for (ramp, rising) in [
        (RampName::Viridis, true),
        (RampName::Magma, true),
        (RampName::YlOrRd, false),
    ] {
        let l: Vec<f64> = scale(ramp, ScaleKind::Linear)
            .legend_stops(50)
            .iter()
            .map(|(_, c)| luminance(rgb(*c)))
            .collect();
        let ok = l
            .windows(2)
            .all(|w| if rising { w[1] > w[0] } else { w[1] < w[0] });
        assert!(ok, "{ramp}: {l:?}");
    }
}

#[test]
fn same_value_same_colour_across_grids() {
    let spec = GridSpec {
        x0: 0.0,
        y0: 0.0,
        cell_m: 1.0,
        width: 4,
        height: 1,
    };
    let a = DensityGrid {
        spec,
        values: vec![0.0, 3.0, 12.5, 40.0],
    };
    let b = DensityGrid {
        spec,
        values: vec![12.5, 20.0, 3.0, 0.2],
    };
    let s = ColourScale::shared(RampName::Magma, ScaleKind::Sqrt, 0.5, &[&a, &b]);
    assert_eq!(s.max, 40.0);
    let (ca, cb) = (s.colourize(&a), s.colourize(&b));
    assert_eq!(ca[2], cb[0]);
    assert_eq!(ca[1], cb[2]);
    assert_eq!(ca[2], s.colour(12.5).unwrap());
    assert_eq!((ca[0], cb[3]), ([0; 4], [0; 4]));
    // Premultiplied as tiny-skia would.
    let p = s.colourize_premultiplied(&a);
    let c = s.colour(3.0).unwrap();
    let want = tiny_skia::ColorU8::from_rgba(c[0], c[1], c[2], c[3]).premultiply();
    assert_eq!(p[1], [want.red(), want.green(), want.blue(), want.alpha()]);
    assert_eq!(p[0], [0; 4]);
}

#[test]
fn legend_stops_run_from_threshold_to_max() {
    for kind in [ScaleKind::Linear, ScaleKind::Sqrt] {
        let s = scale(RampName::YlOrRd, kind);
        let stops = s.legend_stops(5);
        assert_eq!(stops.len(), 5);
        assert_eq!(stops[0].0, 0.5);
        assert_eq!(stops[4].0, 40.0);
        assert!(stops.windows(2).all(|w| w[0].0 < w[1].0));
        for (v, c) in &stops {
            assert_eq!(Some(*c), s.colour(*v), "{kind:?} {v}");
        }
    }
}

#[test]
fn names_parse_from_text_and_style_files() {
    assert_eq!("viridis".parse::<RampName>(), Ok(RampName::Viridis));
    assert_eq!("YlOrRd".parse::<RampName>(), Ok(RampName::YlOrRd));
    assert_eq!("magma".parse::<RampName>(), Ok(RampName::Magma));
    assert!("jet".parse::<RampName>().is_err());
    #[derive(Deserialize)]
    struct Style {
        ramp: RampName,
        scale: ScaleKind,
    }
    let s: Style = toml::from_str("ramp = \"ylorrd\"\nscale = \"sqrt\"").unwrap();
    assert_eq!((s.ramp, s.scale), (RampName::YlOrRd, ScaleKind::Sqrt));
    assert!(toml::from_str::<Style>("ramp = \"jet\"\nscale = \"sqrt\"").is_err());
}
