//! Small helpers between scene geometry and tiny-skia calls: paths from polygons and
//! lines, fills and strokes with a [`LineStyle`].

use tiny_skia::{
    FillRule, LineCap, LineJoin, Mask, Paint, Path, PathBuilder, Pixmap, Stroke, StrokeDash,
    Transform,
};

use crate::model::Colour;
use crate::render::geom::{Polygon, PxPoint, PxRect};
use crate::render::scene::LineStyle;

pub fn solid(colour: Colour) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color(colour.to_skia());
    p
}

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
pub fn fill(pixmap: &mut Pixmap, path: &Path, colour: Colour, ts: Transform, mask: Option<&Mask>) {
    if colour.a > 0 {
        pixmap.fill_path(path, &solid(colour), FillRule::EvenOdd, ts, mask);
    }
}

/// Fills with the non-zero rule (overlapping circles stay filled).
pub fn fill_winding(
    pixmap: &mut Pixmap,
    path: &Path,
    colour: Colour,
    ts: Transform,
    mask: Option<&Mask>,
) {
    if colour.a > 0 {
        pixmap.fill_path(path, &solid(colour), FillRule::Winding, ts, mask);
    }
}

pub fn stroke(
    pixmap: &mut Pixmap,
    path: &Path,
    style: &LineStyle,
    ts: Transform,
    mask: Option<&Mask>,
) {
    if style.width <= 0.0 || style.colour.a == 0 {
        return;
    }
    let dash = if style.dash.len() >= 2 {
        StrokeDash::new(style.dash.clone(), 0.0)
    } else {
        None
    };
    let stroke = Stroke {
        width: style.width,
        line_cap: if dash.is_some() {
            LineCap::Butt
        } else {
            LineCap::Round
        },
        line_join: LineJoin::Round,
        dash,
        ..Stroke::default()
    };
    pixmap.stroke_path(path, &solid(style.colour), &stroke, ts, mask);
}

pub fn fill_rect(pixmap: &mut Pixmap, r: PxRect, colour: Colour, ts: Transform) {
    if let Some(path) = rect_path(r) {
        fill(pixmap, &path, colour, ts, None);
    }
}

pub fn stroke_rect(pixmap: &mut Pixmap, r: PxRect, style: &LineStyle, ts: Transform) {
    if let Some(path) = rect_path(r) {
        stroke(pixmap, &path, style, ts, None);
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

/// A mask (in output pixels) that lets drawing through only inside the path.
pub fn mask(pixmap: &Pixmap, path: &Path, ts: Transform) -> Option<Mask> {
    let mut m = Mask::new(pixmap.width(), pixmap.height())?;
    m.fill_path(path, FillRule::EvenOdd, true, ts);
    Some(m)
}
