//! Map furniture: where the legend, inset, scale bar, north arrow and the synthetic-data
//! notice go (stacked in the frame's corners), and how the last four are drawn.
//!
//! Hand-written: no crate draws cartographic furniture onto a tiny-skia pixmap.

use tiny_skia::{PathBuilder, Transform};

use crate::model::style::Corner;
use crate::model::{Colour, Style};
use crate::render::geom::PxRect;
use crate::render::legend;
use crate::render::page::{self, PageLayout};
use crate::render::paint;
use crate::render::scene::{Inset, LineStyle, MapScene};
use crate::render::surface::{Clip, Surface};
use crate::render::text::{self, Face, Ink};

/// The notice drawn on maps of synthetic data.
pub const SYNTHETIC_NOTICE: &str = "SYNTHETIC DEMO DATA — not real events";

/// The scale bar as drawn: the bar runs from `x0` to `x1` at height `y` and stands for
/// `length_km` on the ground, so `x1 - x0 == length_km × pixels_per_km`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaleBarGeometry {
    pub x0: f32,
    pub x1: f32,
    pub y: f32,
    pub length_km: f64,
    pub segments: u32,
    /// Bar, tick labels and all.
    pub bbox: PxRect,
}

/// Where everything around the map face goes.
#[derive(Debug, Clone)]
pub struct Furniture {
    pub page: PageLayout,
    pub legend: Option<PxRect>,
    pub inset: Option<PxRect>,
    pub scale_bar: Option<ScaleBarGeometry>,
    pub north_arrow: Option<PxRect>,
    pub notice: Option<PxRect>,
    /// The period label of an animation frame.
    pub period: Option<PxRect>,
}

impl Furniture {
    /// Boxes on the map face that labels must stay clear of.
    pub fn boxes(&self) -> Vec<PxRect> {
        let sb = self.scale_bar.map(|s| s.bbox);
        [
            self.legend,
            self.inset,
            sb,
            self.north_arrow,
            self.notice,
            self.period,
        ]
        .into_iter()
        .flatten()
        .map(|b| b.inflate(2.0))
        .collect()
    }
}

/// The largest 1, 2, 3 or 5 × 10ⁿ km that is at most `max_px` long (at least 1 m).
pub fn round_length_km(pixels_per_km: f32, max_px: f32) -> Option<f64> {
    if !(pixels_per_km.is_finite() && pixels_per_km > 0.0 && max_px > 0.0) {
        return None;
    }
    let max_km = f64::from(max_px) / f64::from(pixels_per_km);
    let mut best = None;
    for exp in -3..=5 {
        for m in [1.0, 2.0, 3.0, 5.0] {
            let l = m * 10f64.powi(exp);
            if l <= max_km {
                best = Some(l);
            }
        }
    }
    best
}

/// Segments of a bar of this length: 3 for 3 × 10ⁿ, 5 for 5 × 10ⁿ, else 4.
fn segments(len: f64) -> u32 {
    let mantissa = (len / 10f64.powf(len.log10().floor())).round();
    match mantissa as u32 {
        3 => 3,
        5 => 5,
        _ => 4,
    }
}

/// Lays out the page and the furniture of a scene.
pub fn layout(scene: &MapScene) -> Furniture {
    let style = &scene.style;
    let page = page::layout(scene);
    let frame = page.frame;
    let show = &style.layers;
    let fs = style.fonts.legend;

    // (size, corner) of each piece, in stacking order from the corner outwards.
    let legend_size = legend::measure(&scene.legend, style).map(|l| (l.width, l.height));
    let inset_size = scene
        .inset
        .as_ref()
        .filter(|_| show.inset)
        .map(|i| (i.width, i.height));
    let bar = scene.scale_bar.filter(|_| show.scale_bar).and_then(|s| {
        let len = round_length_km(s.pixels_per_km, (frame.width() * 0.18).min(280.0))?;
        let bar_px = (len * f64::from(s.pixels_per_km)) as f32;
        let label = text::shape(
            &format!("{} km", legend::format_value(len)),
            Face::Regular,
            fs * 0.85,
            0.0,
        );
        let w = bar_px + label.width / 2.0 + fs;
        Some((len, bar_px, (w, fs * 2.3)))
    });
    let arrow_size = scene
        .north_arrow
        .filter(|_| show.north_arrow)
        .map(|_| (fs * 1.8, fs * 3.8));
    let p = &style.placement;
    let pieces = [
        (bar.map(|b| b.2), p.scale_bar),
        (arrow_size, p.north_arrow),
        (legend_size, p.legend),
        (inset_size, p.inset),
    ];
    let gap = (frame.width().min(frame.height()) * 0.015).clamp(6.0, 14.0);
    let mut used: Vec<(Corner, f32)> = Vec::new(); // how far each corner's stack reaches
    let mut boxes = [None; 4];
    for (i, (size, corner)) in pieces.into_iter().enumerate() {
        let Some((w, h)) = size else { continue };
        let reach = used.iter().find(|(c, _)| *c == corner).map_or(0.0, |u| u.1);
        let x = match corner {
            Corner::TopLeft | Corner::BottomLeft => frame.x0 + gap,
            Corner::TopRight | Corner::BottomRight => frame.x1 - gap - w,
        };
        let y = match corner {
            Corner::TopLeft | Corner::TopRight => frame.y0 + gap + reach,
            Corner::BottomLeft | Corner::BottomRight => frame.y1 - gap - reach - h,
        };
        boxes[i] = Some(PxRect::from_size(x, y, w, h));
        let reach = reach + h + gap * 0.6;
        match used.iter_mut().find(|(c, _)| *c == corner) {
            Some(u) => u.1 = reach,
            None => used.push((corner, reach)),
        }
    }
    let scale_bar = bar.zip(boxes[0]).map(|((len, bar_px, _), b)| {
        let x0 = b.x0 + fs * 0.3;
        let y = b.y1 - fs * 0.6;
        ScaleBarGeometry {
            x0,
            x1: x0 + bar_px,
            y,
            length_km: len,
            segments: segments(len),
            bbox: b,
        }
    });
    // The period label takes the first free corner (top left unless taken), else stacks
    // in the top left: it stays put from frame to frame, as does everything else.
    let period = PeriodText::measure(scene).map(|t| {
        let corner = [
            Corner::TopLeft,
            Corner::TopRight,
            Corner::BottomLeft,
            Corner::BottomRight,
        ]
        .into_iter()
        .find(|c| !used.iter().any(|(u, _)| u == c))
        .unwrap_or(Corner::TopLeft);
        let reach = used.iter().find(|(c, _)| *c == corner).map_or(0.0, |u| u.1);
        let x = match corner {
            Corner::TopLeft | Corner::BottomLeft => frame.x0 + gap,
            Corner::TopRight | Corner::BottomRight => frame.x1 - gap - t.width,
        };
        let y = match corner {
            Corner::TopLeft | Corner::TopRight => frame.y0 + gap + reach,
            Corner::BottomLeft | Corner::BottomRight => frame.y1 - gap - reach - t.height,
        };
        PxRect::from_size(x, y, t.width, t.height)
    });
    let mut f = Furniture {
        page,
        legend: boxes[2],
        inset: boxes[3],
        scale_bar,
        north_arrow: boxes[1],
        notice: None,
        period,
    };
    if scene.synthetic {
        f.notice = Some(notice_box(&f, style));
    }
    f
}

/// The synthetic-data notice: top centre of the frame, else bottom centre if furniture
/// is in the way.
fn notice_box(f: &Furniture, style: &Style) -> PxRect {
    let fs = style.fonts.legend * 1.1;
    let line = text::shape(SYNTHETIC_NOTICE, Face::Bold, fs, 0.0);
    let (w, h) = (line.width + fs * 1.6, fs * 2.0);
    let frame = f.page.frame;
    let x = frame.centre().x - w / 2.0;
    let gap = 8.0;
    let top = PxRect::from_size(x, frame.y0 + gap, w, h);
    let others = f.boxes();
    if !others.iter().any(|b| b.overlaps(&top)) {
        return top;
    }
    let bottom = PxRect::from_size(x, frame.y1 - gap - h, w, h);
    if others.iter().any(|b| b.overlaps(&bottom)) {
        top
    } else {
        bottom
    }
}

/// Draws the furniture on the map face (the page texts are drawn by [`page`]).
pub fn draw(pixmap: &mut dyn Surface, f: &Furniture, scene: &MapScene, ts: Transform) {
    let style = &scene.style;
    if let (Some(b), Some(l)) = (f.legend, legend::measure(&scene.legend, style)) {
        pixmap.group("legend");
        l.draw(pixmap, b.x0, b.y0, style, ts);
        pixmap.end_group();
    }
    if let (Some(b), Some(inset)) = (f.inset, &scene.inset) {
        pixmap.group("inset");
        draw_inset(pixmap, b, inset, style, ts);
        pixmap.end_group();
    }
    if let Some(sb) = &f.scale_bar {
        pixmap.group("scale-bar");
        draw_scale_bar(pixmap, sb, style, ts);
        pixmap.end_group();
    }
    if let (Some(b), Some(arrow)) = (f.north_arrow, scene.north_arrow) {
        pixmap.group("north-arrow");
        draw_north_arrow(pixmap, b, arrow.rotation_deg, style, ts);
        pixmap.end_group();
    }
    if let Some(b) = f.notice {
        pixmap.group("synthetic-notice");
        draw_notice(pixmap, b, style, ts);
        pixmap.end_group();
    }
    if let (Some(b), Some(t)) = (f.period, PeriodText::measure(scene)) {
        pixmap.group("period");
        t.draw(pixmap, b, style, ts);
        pixmap.end_group();
    }
}

/// The period label shaped: a large bold line and an optional detail line, on a panel.
struct PeriodText {
    main: text::TextLine,
    detail: Option<text::TextLine>,
    pad: f32,
    width: f32,
    height: f32,
}

impl PeriodText {
    fn measure(scene: &MapScene) -> Option<PeriodText> {
        let p = scene.period.as_ref()?;
        let f = &scene.style.fonts;
        // Up to twice the title, the first thing a viewer reads on each frame; smaller on
        // small maps, so the label does not hide a corner of the country.
        let size = (f.title * 2.0)
            .min(scene.frame.width() * 0.045)
            .max(f.title);
        let main = text::shape(&p.text, Face::Bold, size, 0.0);
        let detail = p
            .detail
            .as_ref()
            .map(|d| text::shape(d, Face::Regular, f.legend * 1.15, 0.0));
        let pad = f.legend * 0.8;
        let width = main.width.max(detail.as_ref().map_or(0.0, |d| d.width)) + 2.0 * pad;
        let height =
            main.cap_height() + detail.as_ref().map_or(0.0, |_| f.legend * 1.15 * 1.6) + 2.0 * pad;
        Some(PeriodText {
            main,
            detail,
            pad,
            width,
            height,
        })
    }

    fn draw(&self, pixmap: &mut dyn Surface, b: PxRect, style: &Style, ts: Transform) {
        legend::panel(pixmap, b, style, ts);
        let x = b.x0 + self.pad;
        let y = b.y0 + self.pad + self.main.cap_height();
        text::draw(pixmap, &self.main, x, y, Ink::plain(style.colours.text), ts);
        if let Some(d) = &self.detail {
            let y = b.y1 - self.pad;
            text::draw(pixmap, d, x, y, Ink::plain(style.colours.text_muted), ts);
        }
    }
}

fn draw_scale_bar(pixmap: &mut dyn Surface, sb: &ScaleBarGeometry, style: &Style, ts: Transform) {
    let c = &style.colours;
    let fs = style.fonts.legend * 0.85;
    let h = (fs * 0.45).max(3.0);
    let n = sb.segments;
    let seg = (sb.x1 - sb.x0) / n as f32;
    let halo = LineStyle::solid(c.halo, 3.0);
    let outer = PxRect::new(sb.x0, sb.y - h, sb.x1, sb.y);
    paint::stroke_rect(pixmap, outer, &halo, ts);
    for i in 0..n {
        let r = PxRect::new(
            sb.x0 + seg * i as f32,
            sb.y - h,
            sb.x0 + seg * (i + 1) as f32,
            sb.y,
        );
        let fill = if i % 2 == 0 { c.text } else { c.halo.opaque() };
        paint::fill_rect(pixmap, r, fill, ts);
    }
    paint::stroke_rect(pixmap, outer, &LineStyle::solid(c.text, 0.8), ts);
    let ink = Ink::with_halo(c.text, c.halo, style.lines.halo);
    let mut labels = vec![(sb.x0, "0".to_string())];
    let step = sb.length_km / f64::from(n);
    match n {
        4 => labels.push((sb.x0 + seg * 2.0, legend::format_value(step * 2.0))),
        3 => {
            for i in 1..3 {
                labels.push((
                    sb.x0 + seg * i as f32,
                    legend::format_value(step * f64::from(i)),
                ));
            }
        }
        _ => {}
    }
    labels.push((sb.x1, format!("{} km", legend::format_value(sb.length_km))));
    for (x, s) in labels {
        let line = text::shape(&s, Face::Regular, fs, 0.0);
        // "0" and the middle value are centred on their tick; the end label's number is.
        let num_w = if s.ends_with(" km") {
            text::shape(s.trim_end_matches(" km"), Face::Regular, fs, 0.0).width
        } else {
            line.width
        };
        text::draw(
            pixmap,
            &line,
            x - num_w / 2.0,
            sb.y - h - fs * 0.45,
            ink,
            ts,
        );
    }
}

fn draw_north_arrow(
    pixmap: &mut dyn Surface,
    b: PxRect,
    rotation_deg: f32,
    style: &Style,
    ts: Transform,
) {
    let c = &style.colours;
    let centre = b.centre();
    let ts = ts.pre_rotate_at(rotation_deg, centre.x, centre.y);
    let fs = style.fonts.legend;
    let n = text::shape("N", Face::Bold, fs * 1.1, 0.0);
    let ink = Ink::with_halo(c.text, c.halo, style.lines.halo);
    text::draw(
        pixmap,
        &n,
        centre.x - n.width / 2.0,
        b.y0 + fs * 1.05,
        ink,
        ts,
    );
    let (top, bottom) = (b.y0 + fs * 1.45, b.y1 - fs * 0.2);
    let half_w = b.width() * 0.3;
    let notch = bottom - (bottom - top) * 0.22;
    let half = |side: f32| {
        let mut pb = PathBuilder::new();
        pb.move_to(centre.x, top);
        pb.line_to(centre.x + side * half_w, bottom);
        pb.line_to(centre.x, notch);
        pb.close();
        pb.finish()
    };
    let outline = LineStyle::solid(c.text, 0.9);
    if let (Some(left), Some(right)) = (half(-1.0), half(1.0)) {
        paint::stroke(pixmap, &left, &LineStyle::solid(c.halo, 3.0), ts, None);
        paint::stroke(pixmap, &right, &LineStyle::solid(c.halo, 3.0), ts, None);
        paint::fill(pixmap, &left, c.text, ts, None);
        paint::fill(pixmap, &right, c.halo.opaque(), ts, None);
        paint::stroke(pixmap, &right, &outline, ts, None);
        paint::stroke(pixmap, &left, &outline, ts, None);
    }
}

fn draw_inset(pixmap: &mut dyn Surface, b: PxRect, inset: &Inset, style: &Style, ts: Transform) {
    let c = &style.colours;
    paint::fill_rect(pixmap, b, c.sea, ts);
    let local = ts.pre_translate(b.x0, b.y0);
    let clip = paint::rect_path(b).and_then(|p| paint::clip(pixmap, &p, ts));
    let clip = clip.as_ref();
    let land = LineStyle::solid(c.neighbour_lines, 0.5);
    let focus = inset.shapes.iter().filter(|s| s.focus).map(|s| &s.polygon);
    let others = inset.shapes.iter().filter(|s| !s.focus).map(|s| &s.polygon);
    if let Some(p) = paint::polygons_path(others) {
        paint::fill(pixmap, &p, c.neighbours, local, clip);
        paint::stroke(pixmap, &p, &land, local, clip);
    }
    if let Some(p) = paint::polygons_path(focus) {
        paint::fill(pixmap, &p, c.inset_focus, local, clip);
        paint::stroke(
            pixmap,
            &p,
            &LineStyle::solid(c.country_outline, 0.6),
            local,
            clip,
        );
    }
    if let Some(p) = inset
        .highlight
        .as_ref()
        .and_then(|h| paint::polygons_path([h]))
    {
        paint::stroke(pixmap, &p, &LineStyle::solid(c.halo, 3.0), local, clip);
        paint::stroke(pixmap, &p, &LineStyle::solid(c.notice, 1.6), local, clip);
    }
    paint::stroke_rect(pixmap, b, &LineStyle::solid(c.panel_border, 1.0), ts);
}

fn draw_notice(pixmap: &mut dyn Surface, b: PxRect, style: &Style, ts: Transform) {
    let c = &style.colours;
    let fs = style.fonts.legend * 1.1;
    paint::fill_rect(pixmap, b, c.notice.opaque(), ts);
    let line = text::shape(SYNTHETIC_NOTICE, Face::Bold, fs, 0.0);
    let x = b.centre().x - line.width / 2.0;
    let y = b.centre().y + line.cap_height() / 2.0;
    text::draw(pixmap, &line, x, y, Ink::plain(Colour::WHITE), ts);
}

/// A faint diagonal "SYNTHETIC DEMO DATA" across the map face, so a cropped map still says it.
pub fn draw_watermark(
    pixmap: &mut dyn Surface,
    frame: PxRect,
    style: &Style,
    ts: Transform,
    mask: Option<&Clip>,
) {
    let size = (frame.width().min(frame.height()) * 0.09).max(10.0);
    let line = text::shape("SYNTHETIC DEMO DATA", Face::Bold, size, size * 0.1);
    let Some(path) = &line.path else { return };
    let ctr = frame.centre();
    let angle = -(frame.height().atan2(frame.width())).to_degrees();
    let t = ts
        .pre_rotate_at(angle, ctr.x, ctr.y)
        .pre_translate(ctr.x - line.width / 2.0, ctr.y + line.cap_height() / 2.0);
    paint::fill_winding(pixmap, path, style.colours.notice.fade(0.10), t, mask);
}
