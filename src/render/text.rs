//! Text from the bundled DejaVu fonts: glyph outlines (ab_glyph) turned into tiny-skia
//! paths, stroked for a halo and then filled. The fonts ship inside the binary (the
//! `dejavu` crate), so the same text gives the same pixels on every machine.
//!
//! No crate does this step for tiny-skia without pulling a whole text stack (cosmic-text,
//! fontdb, a shaper); map labels need only left-to-right Latin text with kerning, which
//! is what this does. Sizes are in px per em (as CSS `font-size`).

use std::sync::LazyLock;

use ab_glyph::{Font, FontRef, OutlineCurve};
use tiny_skia::{LineCap, LineJoin, Path, PathBuilder, Transform};

use crate::model::Colour;
use crate::render::geom::PxRect;
use crate::render::surface::{Pen, Surface};

/// The font faces used on maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
    Oblique,
}

static REGULAR: LazyLock<FontRef<'static>> = LazyLock::new(|| load(dejavu::sans::regular()));
static BOLD: LazyLock<FontRef<'static>> = LazyLock::new(|| load(dejavu::sans::bold()));
static OBLIQUE: LazyLock<FontRef<'static>> = LazyLock::new(|| load(dejavu::sans::oblique()));

fn load(bytes: &'static [u8]) -> FontRef<'static> {
    FontRef::try_from_slice(bytes).expect("the bundled DejaVu fonts are valid")
}

fn font(face: Face) -> &'static FontRef<'static> {
    match face {
        Face::Regular => &REGULAR,
        Face::Bold => &BOLD,
        Face::Oblique => &OBLIQUE,
    }
}

/// A line of text laid out at the origin: the pen starts at x = 0 on the baseline y = 0.
#[derive(Debug, Clone)]
pub struct TextLine {
    /// Glyph outlines (`None` for blank text).
    pub path: Option<Path>,
    /// Advance width, px.
    pub width: f32,
    /// Font ascent above the baseline and descent below it (both positive), px.
    pub ascent: f32,
    pub descent: f32,
    /// The text, its face and size, and the pen x of each character: what a vector
    /// backend needs to write it as text that stays text.
    pub text: String,
    pub face: Face,
    pub size: f32,
    pub xs: Vec<f32>,
}

impl TextLine {
    /// The box the ink covers, relative to the pen origin (a blank line gives the line box).
    pub fn ink(&self) -> PxRect {
        match &self.path {
            Some(p) => {
                let b = p.bounds();
                PxRect::new(b.left(), b.top(), b.right(), b.bottom())
            }
            None => PxRect::new(0.0, -self.ascent, self.width, self.descent),
        }
    }

    /// Height of capitals (the ink above the baseline of "H"), px; for centring on a point.
    pub fn cap_height(&self) -> f32 {
        self.ascent * 0.786
    }
}

/// Lays out one line of text; `spacing` is extra px after every character (tracking).
pub fn shape(text: &str, face: Face, size: f32, spacing: f32) -> TextLine {
    let f = font(face);
    let s = size / f.units_per_em().unwrap_or(2048.0);
    let mut pb = PathBuilder::new();
    let mut pen = 0.0f32;
    let mut prev = None;
    let mut chars = 0usize;
    let mut xs = Vec::with_capacity(text.len());
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            pen += f.kern_unscaled(p, id) * s;
        }
        xs.push(pen);
        if let Some(outline) = f.outline(id) {
            push_outline(&mut pb, &outline.curves, pen, s);
        }
        pen += f.h_advance_unscaled(id) * s + spacing;
        prev = Some(id);
        chars += 1;
    }
    if chars > 0 {
        pen -= spacing;
    }
    TextLine {
        path: pb.finish(),
        width: pen.max(0.0),
        ascent: f.ascent_unscaled() * s,
        descent: -f.descent_unscaled() * s,
        text: text.to_string(),
        face,
        size,
        xs,
    }
}

/// Appends glyph curves (font units, y up) at pen position `dx`, scaled by `s` (y down).
/// ab_glyph gives a flat list of curves; a new contour starts wherever a curve does not
/// begin at the end of the previous one.
fn push_outline(pb: &mut PathBuilder, curves: &[OutlineCurve], dx: f32, s: f32) {
    let map = |p: ab_glyph::Point| (dx + p.x * s, -p.y * s);
    let mut last: Option<ab_glyph::Point> = None;
    for curve in curves {
        let start = match curve {
            OutlineCurve::Line(a, _) | OutlineCurve::Quad(a, _, _) | OutlineCurve::Cubic(a, ..) => {
                *a
            }
        };
        if last != Some(start) {
            if last.is_some() {
                pb.close();
            }
            let (x, y) = map(start);
            pb.move_to(x, y);
        }
        match curve {
            OutlineCurve::Line(_, b) => {
                let (x, y) = map(*b);
                pb.line_to(x, y);
                last = Some(*b);
            }
            OutlineCurve::Quad(_, c, b) => {
                let ((cx, cy), (x, y)) = (map(*c), map(*b));
                pb.quad_to(cx, cy, x, y);
                last = Some(*b);
            }
            OutlineCurve::Cubic(_, c1, c2, b) => {
                let ((ax, ay), (bx, by), (x, y)) = (map(*c1), map(*c2), map(*b));
                pb.cubic_to(ax, ay, bx, by, x, y);
                last = Some(*b);
            }
        }
    }
    if last.is_some() {
        pb.close();
    }
}

/// How text is painted: a fill and an optional halo (colour, total stroke width in px).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ink {
    pub fill: Colour,
    pub halo: Option<(Colour, f32)>,
}

impl Ink {
    pub fn plain(fill: Colour) -> Ink {
        Ink { fill, halo: None }
    }

    pub fn with_halo(fill: Colour, halo: Colour, width: f32) -> Ink {
        let halo = (width > 0.0 && halo.a > 0).then_some((halo, width));
        Ink { fill, halo }
    }
}

/// Draws a laid-out line with its pen origin at (`x`, `baseline`) in scene pixels;
/// `base` maps scene pixels to the surface (the render scale, maybe a rotation).
pub fn draw(
    surface: &mut dyn Surface,
    line: &TextLine,
    x: f32,
    baseline: f32,
    ink: Ink,
    base: Transform,
) {
    surface.text(line, ink, base.pre_translate(x, baseline));
}

/// The pen of a text halo `width` px wide (round joins, so letters keep their shape).
pub fn halo_pen(colour: Colour, width: f32) -> Pen {
    Pen {
        colour,
        width,
        cap: LineCap::Round,
        join: LineJoin::Round,
        dash: Vec::new(),
    }
}

/// Splits text into lines no wider than `max_width` (a word longer than that gets a line
/// of its own). Explicit newlines are kept.
pub fn wrap(text: &str, face: Face, size: f32, max_width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if !line.is_empty() && shape(&candidate, face, size, 0.0).width > max_width {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            } else {
                line = candidate;
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_measures_and_kerns() {
        let a = shape("Bamako", Face::Regular, 20.0, 0.0);
        assert!(a.width > 60.0 && a.width < 90.0, "{}", a.width);
        assert!(a.ascent > 17.0 && a.ascent < 20.0 && a.descent > 4.0);
        let ink = a.ink();
        assert!(ink.y0 < -13.0 && ink.y1 <= 0.5 && ink.x1 <= a.width + 1.0);
        // Tracking adds (n - 1) × spacing.
        let b = shape("Bamako", Face::Regular, 20.0, 2.0);
        assert!((b.width - a.width - 10.0).abs() < 1e-3);
        // Kerning: "AV" is tighter than the sum of its letters.
        let av = shape("AV", Face::Regular, 40.0, 0.0).width;
        let sum =
            shape("A", Face::Regular, 40.0, 0.0).width + shape("V", Face::Regular, 40.0, 0.0).width;
        assert!(av < sum, "{av} {sum}");
        assert!(shape("", Face::Bold, 12.0, 3.0).path.is_none());
        assert!(shape("Ségou", Face::Bold, 12.0, 0.0).path.is_some());
    }

    #[test]
    fn wrap_respects_width() {
        let text = "Administrative boundaries: geoBoundaries (Runfola et al. 2020), CC BY 4.0.";
        let lines = wrap(text, Face::Regular, 11.0, 150.0);
        assert!(lines.len() >= 3, "{lines:?}");
        for l in &lines {
            assert!(shape(l, Face::Regular, 11.0, 0.0).width <= 150.0, "{l}");
        }
        assert_eq!(lines.join(" "), text);
    }
}
