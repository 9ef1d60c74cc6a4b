use super::*;

fn style() -> Style {
    Style::builtin("report").unwrap()
}

const FILL: Colour = Colour::rgb(200, 60, 20);

fn chart(bars: Vec<Bar>) -> BarChart {
    BarChart {
        title: "Title".into(),
        subtitle: "Subtitle".into(),
        y_label: "events per year".into(),
        panels: vec![Panel {
            note: None,
            title: "Zone".into(),
            y_label: None,
            bars,
        }],
        columns: 1,
        colour: FILL,
        projection_label: Some("projected full year".into()),
        credits: vec!["Data: test".into()],
        synthetic: false,
    }
}

fn bar(label: &str, observed: f64, projected: Option<f64>) -> Bar {
    Bar {
        label: label.into(),
        observed,
        projected,
    }
}

/// Straight RGB at (x, y).
fn rgb(p: &Pixmap, x: f32, y: f32) -> [u8; 3] {
    let c = p.pixel(x as u32, y as u32).unwrap().demultiply();
    [c.red(), c.green(), c.blue()]
}

#[test]
fn ticks_are_round_and_cover_the_maximum() {
    assert_eq!(nice_ticks(37.0, 5), vec![0.0, 10.0, 20.0, 30.0, 40.0]);
    assert_eq!(nice_ticks(1044.0, 5), vec![0.0, 500.0, 1000.0, 1500.0]);
    assert_eq!(nice_ticks(3.0, 5), vec![0.0, 1.0, 2.0, 3.0]);
    assert_eq!(nice_ticks(0.0, 5), vec![0.0, 1.0]);
    let t = nice_ticks(7321.0, 5);
    assert!(t.last().unwrap() >= &7321.0 && t.len() <= 7, "{t:?}");
}

/// The height of a bar, measured in the pixels: the run of fill-coloured pixels up its
/// centre from the axis, converted with the axis scale, is the value.
#[test]
fn bar_heights_in_pixels_match_the_values() {
    let (pixmap, layout) = render_bars(
        &chart(vec![bar("2022", 13.0, None), bar("2023", 34.0, None)]),
        &style(),
    );
    let p = &layout[0];
    assert_eq!(p.ticks, vec![0.0, 10.0, 20.0, 30.0, 40.0]);
    for (i, value) in [(0, 13.0), (1, 34.0)] {
        let r = p.bars[i].observed;
        let x = r.centre().x;
        let mut y = p.plot.y1 - 2.0; // above the axis line
        let mut run = 0.0;
        while y > p.plot.y0 - 50.0 && rgb(&pixmap, x, y) == [FILL.r, FILL.g, FILL.b] {
            run += 1.0;
            y -= 1.0;
        }
        // The axis covers about 1.5 px at the base.
        let measured = (run + 2.0) / p.px_per_unit;
        assert!(
            (measured - value).abs() < 0.5,
            "bar {i}: {measured} vs {value}"
        );
    }
}

#[test]
fn projected_bars_are_visibly_different_from_observed_ones() {
    let (pixmap, layout) = render_bars(
        &chart(vec![bar("2023", 20.0, None), bar("2024", 10.0, Some(30.0))]),
        &style(),
    );
    let p = &layout[0];
    let proj = p.bars[1].projected.unwrap();
    let obs = p.bars[1].observed;
    assert!(proj.y0 < obs.y0 - 50.0);
    // Inside the projected part (above the observed count): mostly not the fill colour,
    // and both the fill colour's hatching and the page show.
    let mut fill = 0;
    let mut total = 0;
    let mut colours = std::collections::BTreeSet::new();
    for y in (proj.y0 as u32 + 3)..(obs.y0 as u32 - 2) {
        for x in (proj.x0 as u32 + 3)..(proj.x1 as u32 - 3) {
            let c = rgb(&pixmap, x as f32, y as f32);
            total += 1;
            fill += usize::from(c == [FILL.r, FILL.g, FILL.b]);
            colours.insert(c);
        }
    }
    assert!(fill * 4 < total, "{fill} of {total} pixels are solid fill");
    assert!(colours.len() > 3, "hatching: {colours:?}");
    // The observed part of the same bar is solid.
    let c = obs.centre();
    assert_eq!(rgb(&pixmap, c.x, c.y), [FILL.r, FILL.g, FILL.b]);
    // The outline: the projected bar's edge has the fill colour.
    assert_eq!(
        rgb(&pixmap, proj.x0 + 1.0, (proj.y0 + obs.y0) / 2.0),
        [FILL.r, FILL.g, FILL.b]
    );
}

#[test]
fn synthetic_charts_say_so() {
    let mut c = chart(vec![bar("2024", 5.0, None)]);
    let (plain, _) = render_bars(&c, &style());
    c.synthetic = true;
    let (marked, _) = render_bars(&c, &style());
    let notice = style().colours.notice;
    let red = |p: &Pixmap| {
        p.pixels()
            .iter()
            .filter(|px| {
                let d = px.demultiply();
                [d.red(), d.green(), d.blue()] == [notice.r, notice.g, notice.b]
            })
            .count()
    };
    assert_eq!(red(&plain), 0);
    assert!(red(&marked) > 500);
}

#[test]
fn class_legends_wrap_into_rows_within_the_width() {
    let s = style();
    let classes: Vec<(String, Colour)> = (0..7)
        .map(|k| (format!("{k}.25–{}.5", k + 1), FILL))
        .collect();
    let title = "Events per 1,000 km² per year. Classes: 0, then quantiles of the non-zero rates";
    let wide = classes_layout(&classes, title, &s, 2000.0);
    assert_eq!((wide.rows, wide.title.len()), (1, 1));
    assert!(wide.swatches.iter().all(|(_, row)| *row == 0));
    let narrow = classes_layout(&classes, title, &s, 300.0);
    assert!(narrow.rows >= 3, "{} rows", narrow.rows);
    assert!(narrow.title.len() >= 2);
    assert!(narrow.height > wide.height);
    let fs = s.fonts.legend;
    for ((label, _), (x, _)) in classes.iter().zip(&narrow.swatches) {
        let right = x + fs * 1.8 + text::shape(label, Face::Regular, fs, 0.0).width;
        assert!(right <= 300.0, "{label} ends at {right}");
    }
    // Rows fill in order: a swatch is never on a row above the one before it.
    assert!(narrow.swatches.windows(2).all(|w| w[0].1 <= w[1].1));
}
