//! Small helpers between scene geometry and tiny-skia calls: paths from polygons and
//! lines, fills and strokes with a [`LineStyle`].

use tiny_skia::{FillRule, LineCap, LineJoin, Path, PathBuilder, StrokeDash, Transform};

use crate::model::Colour;
use crate::render::geom::{Polygon, PxPoint, PxRect};
use crate::render::scene::LineStyle;
use crate::render::surface::{Clip, Fill, Pen, Surface};

/// One path holding every ring of every polygon (closed).
pub fn polygons_path<'a>(polygons: impl IntoIterator<Item = &'a Polygon>) -> Option<Path> {
    let mut pb = PathBuilder::new();
    for ring in polygons.into_iter().flat_map(|p| &p.rings) {
        push_points(&mut pb, ring, true);
    }
    pb.finish()
}

/// One path holding every line (open).
pub fn lines_path(lines: &[Vec<PxPoint>]) -> Option<Path> {
    let mut pb = PathBuilder::new();
    for line in lines {
        push_points(&mut pb, line, false);
    }
    pb.finish()
}

fn push_points(pb: &mut PathBuilder, pts: &[PxPoint], close: bool) {
    if pts.len() < 2 {
        return;
    }
    pb.move_to(pts[0].x, pts[0].y);
    for p in &pts[1..] {
        pb.line_to(p.x, p.y);
    }
    if close {
        pb.close();
    }
}

pub fn rect_path(r: PxRect) -> Option<Path> {
    r.to_skia().map(PathBuilder::from_rect)
}

/// Fills with the even-odd rule (holes of polygons stay empty).
pub fn fill(s: &mut dyn Surface, path: &Path, colour: Colour, ts: Transform, clip: Option<&Clip>) {
    if colour.a > 0 {
        s.fill(path, &Fill::Solid(colour), FillRule::EvenOdd, ts, clip);
    }
}

/// Fills with the non-zero rule (overlapping circles stay filled).
pub fn fill_winding(
    s: &mut dyn Surface,
    path: &Path,
    colour: Colour,
    ts: Transform,
    clip: Option<&Clip>,
) {
    if colour.a > 0 {
        s.fill(path, &Fill::Solid(colour), FillRule::Winding, ts, clip);
    }
}

pub fn stroke(
    s: &mut dyn Surface,
    path: &Path,
    style: &LineStyle,
    ts: Transform,
    clip: Option<&Clip>,
) {
    if style.width <= 0.0 || style.colour.a == 0 {
        return;
    }
    let dashed = style.dash.len() >= 2 && StrokeDash::new(style.dash.clone(), 0.0).is_some();
    let pen = Pen {
        colour: style.colour,
        width: style.width,
        cap: if dashed {
            LineCap::Butt
        } else {
            LineCap::Round
        },
        join: LineJoin::Round,
        dash: if dashed {
            style.dash.clone()
        } else {
            Vec::new()
        },
    };
    s.stroke(path, &pen, ts, clip);
}

pub fn fill_rect(s: &mut dyn Surface, r: PxRect, colour: Colour, ts: Transform) {
    if let Some(path) = rect_path(r) {
        fill(s, &path, colour, ts, None);
    }
}

pub fn stroke_rect(s: &mut dyn Surface, r: PxRect, style: &LineStyle, ts: Transform) {
    if let Some(path) = rect_path(r) {
        stroke(s, &path, style, ts, None);
    }
}

/// Circles at the points, as one path.
pub fn circles_path(points: &[PxPoint], radius: f32) -> Option<Path> {
    let mut pb = PathBuilder::new();
    for p in points {
        pb.push_circle(p.x, p.y, radius);
    }
    pb.finish()
}

/// A clip (drawing lets through only inside the path).
pub fn clip(s: &mut dyn Surface, path: &Path, ts: Transform) -> Option<Clip> {
    s.clip(path, ts, None)
}
