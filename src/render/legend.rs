//! The legend panel: title, unit, the colour ramp as a bar with a value under each stop,
//! then one row per symbol (event points, zone outlines).

use tiny_skia::Transform;

use crate::model::Style;
use crate::render::geom::{PxRect, px};
use crate::render::paint;
use crate::render::scene::{Legend, LineStyle, Symbol};
use crate::render::surface::{Fill, Surface};
use crate::render::text::{self, Face, Ink, TextLine};

/// A measured legend; `draw` puts its top-left corner anywhere.
pub struct LegendLayout<'a> {
    legend: &'a Legend,
    pub width: f32,
    pub height: f32,
    pad: f32,
    title: Option<TextLine>,
    unit: Option<TextLine>,
    bar: Option<(f32, f32)>, // width, height
    ticks: Vec<(usize, TextLine)>,
    items: Vec<TextLine>,
    fs: f32,
}

const SYMBOL_W: f32 = 24.0;

/// Measures the legend; `None` when it has nothing to show.
pub fn measure<'a>(legend: &'a Legend, style: &Style) -> Option<LegendLayout<'a>> {
    let fs = style.fonts.legend;
    let nonempty = |s: &str| !s.trim().is_empty();
    let title =
        nonempty(&legend.title).then(|| text::shape(&legend.title, Face::Bold, fs * 1.05, 0.0));
    let unit =
        nonempty(&legend.unit).then(|| text::shape(&legend.unit, Face::Regular, fs * 0.9, 0.0));
    let items: Vec<TextLine> = legend
        .items
        .iter()
        .map(|i| text::shape(&i.label, Face::Regular, fs, 0.0))
        .collect();
    if title.is_none() && unit.is_none() && legend.stops.is_empty() && items.is_empty() {
        return None;
    }
    let bar_w = fs * 17.0;
    let bar = (!legend.stops.is_empty()).then_some((bar_w, fs * 0.9));
    let pad = fs * 0.85;
    let ticks = thin_ticks(legend, fs, bar_w, pad);
    let mut inner = bar.map_or(0.0, |b| b.0);
    for t in title.iter().chain(&unit) {
        inner = inner.max(t.width);
    }
    for t in &items {
        inner = inner.max(SYMBOL_W + fs * 0.6 + t.width);
    }
    let mut h = pad;
    h += title.as_ref().map_or(0.0, |_| fs * 1.35);
    h += unit.as_ref().map_or(0.0, |_| fs * 1.25);
    if let Some((_, bh)) = bar {
        h += fs * 0.3 + bh + fs * 1.6;
    }
    if !items.is_empty() {
        h += fs * 0.4 + items.len() as f32 * fs * 1.55;
    }
    h += pad * 0.7;
    Some(LegendLayout {
        legend,
        width: inner + 2.0 * pad,
        height: h,
        pad,
        title,
        unit,
        bar,
        ticks,
        items,
        fs,
    })
}

/// Where a tick label `width` wide for the tick at `x` starts, from the bar's left
/// end: centred on its tick, but kept within half a pad of the bar's ends.
fn label_left(x: f32, width: f32, bar_w: f32, pad: f32) -> f32 {
    (x - width / 2.0)
        .min(bar_w + pad * 0.5 - width)
        .max(-pad * 0.5)
}

/// Tick labels under the bar, dropping every other one until they do not collide
/// where they are drawn (the end labels pulled in by [`label_left`]).
fn thin_ticks(legend: &Legend, fs: f32, bar_w: f32, pad: f32) -> Vec<(usize, TextLine)> {
    let n = legend.stops.len();
    let lines: Vec<TextLine> = legend
        .stops
        .iter()
        .map(|(v, _)| text::shape(&format_value(*v), Face::Regular, fs * 0.85, 0.0))
        .collect();
    let x = |i: usize| {
        if n < 2 {
            bar_w / 2.0
        } else {
            bar_w * i as f32 / (n - 1) as f32
        }
    };
    for step in 1..=n.max(1) {
        let mut keep: Vec<usize> = (0..n).step_by(step).collect();
        if n > 1 && keep.last() != Some(&(n - 1)) {
            // Always label the top of the scale: replace the last kept tick with it.
            keep.pop();
            keep.push(n - 1);
        }
        let fits = keep.windows(2).all(|w| {
            let (a, b) = (&lines[w[0]], &lines[w[1]]);
            let a_end = label_left(x(w[0]), a.width, bar_w, pad) + a.width;
            label_left(x(w[1]), b.width, bar_w, pad) - a_end >= fs * 0.6
        });
        if fits {
            return keep.into_iter().map(|i| (i, lines[i].clone())).collect();
        }
    }
    Vec::new()
}

/// A value for a tick: thousands separated, small values with two significant digits.
pub fn format_value(v: f64) -> String {
    let a = v.abs();
    if a >= 100.0 || a == 0.0 {
        let n = v.round() as i64;
        let digits = n.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        if n < 0 { format!("-{out}") } else { out }
    } else {
        let decimals = (1 - a.log10().floor() as i32).max(0) as usize;
        let t = format!("{v:.decimals$}");
        if t.contains('.') {
            t.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            t
        }
    }
}

impl LegendLayout<'_> {
    /// Draws the panel with its top-left corner at (`x`, `y`).
    pub fn draw(&self, pixmap: &mut dyn Surface, x: f32, y: f32, style: &Style, ts: Transform) {
        let c = &style.colours;
        let fs = self.fs;
        let bbox = PxRect::from_size(x, y, self.width, self.height);
        panel(pixmap, bbox, style, ts);
        let left = x + self.pad;
        let mut cy = y + self.pad;
        if let Some(t) = &self.title {
            text::draw(pixmap, t, left, cy + fs * 0.95, Ink::plain(c.text), ts);
            cy += fs * 1.35;
        }
        if let Some(t) = &self.unit {
            text::draw(
                pixmap,
                t,
                left,
                cy + fs * 0.85,
                Ink::plain(c.text_muted),
                ts,
            );
            cy += fs * 1.25;
        }
        if let Some((bw, bh)) = self.bar {
            cy += fs * 0.3;
            let r = PxRect::from_size(left, cy, bw, bh);
            self.draw_bar(pixmap, r, style, ts);
            let n = self.legend.stops.len();
            for (i, t) in &self.ticks {
                let tx = if n < 2 {
                    left + bw / 2.0
                } else {
                    left + bw * *i as f32 / (n - 1) as f32
                };
                let tick = vec![vec![px(tx, r.y1), px(tx, r.y1 + fs * 0.3)]];
                if let Some(p) = paint::lines_path(&tick) {
                    paint::stroke(pixmap, &p, &LineStyle::solid(c.text_muted, 1.0), ts, None);
                }
                let lx = left + label_left(tx - left, t.width, bw, self.pad);
                text::draw(pixmap, t, lx, r.y1 + fs * 1.25, Ink::plain(c.text), ts);
            }
            cy += bh + fs * 1.6;
        }
        if !self.items.is_empty() {
            cy += fs * 0.4;
        }
        for (item, line) in self.legend.items.iter().zip(&self.items) {
            let mid = cy + fs * 0.7;
            symbol(pixmap, &item.symbol, left, mid, fs, ts);
            let ink = Ink::plain(c.text);
            text::draw(
                pixmap,
                line,
                left + SYMBOL_W + fs * 0.6,
                mid + fs * 0.36,
                ink,
                ts,
            );
            cy += fs * 1.55;
        }
    }

    fn draw_bar(&self, pixmap: &mut dyn Surface, r: PxRect, style: &Style, ts: Transform) {
        let stops: Vec<[u8; 4]> = self.legend.stops.iter().map(|(_, c)| *c).collect();
        let fill = Fill::Linear {
            from: (r.x0, 0.0),
            to: (r.x1, 0.0),
            stops,
        };
        if let Some(path) = paint::rect_path(r) {
            pixmap.fill(&path, &fill, tiny_skia::FillRule::Winding, ts, None);
        }
        paint::stroke_rect(
            pixmap,
            r,
            &LineStyle::solid(style.colours.panel_border, 0.8),
            ts,
        );
    }
}

/// A panel background with a thin border.
pub fn panel(pixmap: &mut dyn Surface, r: PxRect, style: &Style, ts: Transform) {
    paint::fill_rect(pixmap, r, style.colours.panel, ts);
    paint::stroke_rect(
        pixmap,
        r,
        &LineStyle::solid(style.colours.panel_border, 0.8),
        ts,
    );
}

fn symbol(pixmap: &mut dyn Surface, s: &Symbol, x: f32, mid: f32, fs: f32, ts: Transform) {
    match s {
        Symbol::Dot {
            fill,
            outline,
            radius,
        } => {
            if let Some(p) = paint::circles_path(&[px(x + SYMBOL_W / 2.0, mid)], *radius) {
                paint::fill_winding(pixmap, &p, *fill, ts, None);
                let ring = LineStyle::solid(*outline, (radius * 0.25).max(0.5));
                paint::stroke(pixmap, &p, &ring, ts, None);
            }
        }
        Symbol::Line(line) => {
            if let Some(p) = paint::lines_path(&[vec![px(x, mid), px(x + SYMBOL_W, mid)]]) {
                paint::stroke(pixmap, &p, line, ts, None);
            }
        }
        Symbol::Area { fill, stroke } => {
            let r = PxRect::new(
                x + 1.0,
                mid - fs * 0.45,
                x + SYMBOL_W - 1.0,
                mid + fs * 0.45,
            );
            // Light fills barely show on a panel: strengthen them in the legend.
            paint::fill_rect(pixmap, r, fill.at_least(0.35), ts);
            if let Some(line) = stroke {
                paint::stroke_rect(pixmap, r, line, ts);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scale of a synthetic 10M-event map, whose last two labels ("7,692",
    /// "11,212") overlapped once the last was pulled in to the bar's end: labels must
    /// not touch where they are drawn, and the top of the scale is always labelled.
    #[test]
    fn tick_labels_do_not_overlap_where_they_are_drawn() {
        let style = crate::model::Style::builtin("report").unwrap();
        for top in [1_970.0, 11_212.0, 987_654.0, 12.5] {
            let stops = [0.02, 0.098, 0.235, 0.431, 0.686, 1.0]
                .iter()
                .map(|f| (top * f, [200, 80, 40, 255]))
                .collect();
            let legend = Legend {
                title: "Attacks".into(),
                unit: "events per 1,000 km²".into(),
                stops,
                items: Vec::new(),
            };
            let layout = measure(&legend, &style).expect("a legend");
            let (bw, _) = layout.bar.expect("a bar");
            let n = legend.stops.len();
            let spans: Vec<(f32, f32)> = layout
                .ticks
                .iter()
                .map(|(i, t)| {
                    let x = bw * *i as f32 / (n - 1) as f32;
                    let l = label_left(x, t.width, bw, layout.pad);
                    (l, l + t.width)
                })
                .collect();
            assert!(spans.len() >= 2, "{top}: {spans:?}");
            assert_eq!(layout.ticks.last().map(|t| t.0), Some(n - 1), "{top}");
            for w in spans.windows(2) {
                assert!(w[1].0 - w[0].1 >= layout.fs * 0.6, "{top}: {spans:?}");
            }
        }
    }

    #[test]
    fn values_read_well() {
        assert_eq!(format_value(0.0), "0");
        assert_eq!(format_value(0.05), "0.05");
        assert_eq!(format_value(0.126), "0.13");
        assert_eq!(format_value(2.5), "2.5");
        assert_eq!(format_value(10.0), "10");
        assert_eq!(format_value(12.34), "12");
        assert_eq!(format_value(1000.0), "1,000");
        assert_eq!(format_value(1234567.0), "1,234,567");
    }
}
