//! The page: title and subtitle above the map frame, credits below it. Its layout decides
//! the frame, which is why the scene builder asks for it before projecting.

use tiny_skia::Transform;

use crate::render::geom::{PxPoint, PxRect, px};
use crate::render::paint;
use crate::render::scene::{LineStyle, MapScene};
use crate::render::surface::Surface;
use crate::render::text::{self, Face, Ink, TextLine};

/// A line of text at its pen origin (left end of the baseline).
#[derive(Debug, Clone)]
pub struct PlacedText {
    pub line: TextLine,
    pub origin: PxPoint,
}

impl PlacedText {
    /// The box the ink covers.
    pub fn bbox(&self) -> PxRect {
        self.line.ink().translate(self.origin.x, self.origin.y)
    }
}

#[derive(Debug, Clone)]
pub struct PageLayout {
    pub frame: PxRect,
    pub title: Option<PlacedText>,
    pub subtitle: Option<PlacedText>,
    pub credits: Vec<PlacedText>,
}

/// The page margin for an image of this size, px.
pub fn margin(width: u32, height: u32) -> f32 {
    (0.02 * width.min(height) as f32).clamp(8.0, 40.0)
}

/// Lays the page out: header texts (shrunk to fit one line each), wrapped credits, and
/// the frame between them.
pub fn layout(scene: &MapScene) -> PageLayout {
    let (w, h) = (scene.width as f32, scene.height as f32);
    let m = margin(scene.width, scene.height);
    let f = &scene.style.fonts;
    let avail = w - 2.0 * m;
    let fit = |s: &str, face: Face, size: f32| -> Option<TextLine> {
        if s.trim().is_empty() {
            return None;
        }
        let line = text::shape(s, face, size, 0.0);
        if line.width <= avail {
            return Some(line);
        }
        Some(text::shape(s, face, size * avail / line.width, 0.0))
    };
    let mut y = m;
    let title = fit(&scene.title, Face::Bold, f.title).map(|line| {
        y += f.title * 0.95;
        let t = PlacedText {
            line,
            origin: px(m, y),
        };
        y += f.title * 0.25;
        t
    });
    let subtitle = fit(&scene.subtitle, Face::Regular, f.subtitle).map(|line| {
        y += f.subtitle * 1.2;
        let t = PlacedText {
            line,
            origin: px(m, y),
        };
        y += f.subtitle * 0.3;
        t
    });
    let top = if title.is_some() || subtitle.is_some() {
        y + m * 0.6
    } else {
        m
    };

    let lines = credit_lines(&scene.credits, f.credits, avail);
    let lh = f.credits * 1.35;
    let bottom_pad = m * 0.75;
    let footer = if lines.is_empty() {
        0.0
    } else {
        m * 0.5 + lines.len() as f32 * lh
    };
    let frame_bottom = (h - bottom_pad - footer).max(top + 1.0);
    let credits = lines
        .iter()
        .enumerate()
        .map(|(i, l)| PlacedText {
            line: text::shape(l, Face::Regular, f.credits, 0.0),
            origin: px(m, frame_bottom + m * 0.5 + f.credits + i as f32 * lh),
        })
        .collect();
    PageLayout {
        frame: PxRect::new(m, top, w - m, frame_bottom),
        title,
        subtitle,
        credits,
    }
}

/// Credits as lines no wider than `width`: each credit follows the previous one on its
/// line if it fits whole, else starts a new line (and wraps only if longer than a line).
fn credit_lines(credits: &[String], size: f32, width: f32) -> Vec<String> {
    const SEP: &str = "   ";
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for credit in credits.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if !current.is_empty() {
            let joined = format!("{current}{SEP}{credit}");
            if text::shape(&joined, Face::Regular, size, 0.0).width <= width {
                current = joined;
                continue;
            }
            lines.push(std::mem::take(&mut current));
        }
        let mut wrapped = text::wrap(credit, Face::Regular, size, width);
        current = wrapped.pop().unwrap_or_default();
        lines.extend(wrapped);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// Paints the page background, the header texts, the credits and the frame border.
pub fn draw_texts(pixmap: &mut dyn Surface, page: &PageLayout, scene: &MapScene, ts: Transform) {
    let c = &scene.style.colours;
    pixmap.group("title");
    for (t, colour) in [(&page.title, c.text), (&page.subtitle, c.text_muted)] {
        if let Some(t) = t {
            text::draw(
                pixmap,
                &t.line,
                t.origin.x,
                t.origin.y,
                Ink::plain(colour),
                ts,
            );
        }
    }
    pixmap.end_group();
    pixmap.group("credits");
    for t in &page.credits {
        let ink = Ink::plain(c.text_muted);
        text::draw(pixmap, &t.line, t.origin.x, t.origin.y, ink, ts);
    }
    pixmap.end_group();
}

/// The frame border, drawn over the map face.
pub fn draw_frame(pixmap: &mut dyn Surface, page: &PageLayout, scene: &MapScene, ts: Transform) {
    let s = &scene.style;
    if s.lines.frame > 0.0 {
        let stroke = LineStyle::solid(s.colours.frame, s.lines.frame);
        paint::stroke_rect(pixmap, page.frame, &stroke, ts);
    }
}
