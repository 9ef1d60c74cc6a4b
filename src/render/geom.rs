//! Pixel geometry of a scene: points, boxes and polygons in pixels of a 1× render (x right,
//! y down, origin at the top-left corner of the image).

/// A point in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PxPoint {
    pub x: f32,
    pub y: f32,
}

pub const fn px(x: f32, y: f32) -> PxPoint {
    PxPoint { x, y }
}

/// An axis-aligned box in pixels, `x0 <= x1`, `y0 <= y1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PxRect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl PxRect {
    pub fn new(x0: f32, y0: f32, x1: f32, y1: f32) -> PxRect {
        PxRect {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
        }
    }

    pub fn from_size(x: f32, y: f32, w: f32, h: f32) -> PxRect {
        PxRect::new(x, y, x + w, y + h)
    }

    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    pub fn centre(&self) -> PxPoint {
        px((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }

    /// Grown by `d` on every side (shrunk if negative).
    pub fn inflate(&self, d: f32) -> PxRect {
        PxRect::new(self.x0 - d, self.y0 - d, self.x1 + d, self.y1 + d)
    }

    pub fn translate(&self, dx: f32, dy: f32) -> PxRect {
        PxRect::new(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)
    }

    /// True when the interiors intersect (boxes that only touch do not overlap).
    pub fn overlaps(&self, other: &PxRect) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }

    pub fn contains_rect(&self, other: &PxRect) -> bool {
        other.x0 >= self.x0 && other.x1 <= self.x1 && other.y0 >= self.y0 && other.y1 <= self.y1
    }

    pub fn contains(&self, p: PxPoint) -> bool {
        p.x >= self.x0 && p.x <= self.x1 && p.y >= self.y0 && p.y <= self.y1
    }

    pub fn to_skia(&self) -> Option<tiny_skia::Rect> {
        tiny_skia::Rect::from_ltrb(self.x0, self.y0, self.x1, self.y1)
    }
}

/// A polygon: its first ring is the exterior, the others holes (filled even-odd, so ring
/// orientation does not matter). Rings need not repeat their first point.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Polygon {
    pub rings: Vec<Vec<PxPoint>>,
}

impl Polygon {
    pub fn new(exterior: Vec<PxPoint>) -> Polygon {
        Polygon {
            rings: vec![exterior],
        }
    }

    pub fn with_holes(rings: Vec<Vec<PxPoint>>) -> Polygon {
        Polygon { rings }
    }

    /// A regular polygon approximating a circle (for tests and hand-made scenes).
    pub fn circle(centre: PxPoint, radius: f32, vertices: usize) -> Polygon {
        let n = vertices.max(3);
        let ring = (0..n)
            .map(|i| {
                let a = i as f32 / n as f32 * std::f32::consts::TAU;
                px(centre.x + radius * a.cos(), centre.y + radius * a.sin())
            })
            .collect();
        Polygon::new(ring)
    }

    /// The bounding box of all rings, if any point exists.
    pub fn bounds(&self) -> Option<PxRect> {
        bounds(self.rings.iter().flatten().copied())
    }
}

/// The bounding box of some points.
pub fn bounds(points: impl IntoIterator<Item = PxPoint>) -> Option<PxRect> {
    points.into_iter().fold(None, |acc: Option<PxRect>, p| {
        Some(match acc {
            None => PxRect::new(p.x, p.y, p.x, p.y),
            Some(r) => PxRect::new(r.x0.min(p.x), r.y0.min(p.y), r.x1.max(p.x), r.y1.max(p.y)),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_boxes_do_not_overlap() {
        let a = PxRect::new(0.0, 0.0, 10.0, 10.0);
        assert!(!a.overlaps(&PxRect::new(10.0, 0.0, 20.0, 10.0)));
        assert!(a.overlaps(&PxRect::new(9.9, 9.9, 20.0, 20.0)));
        assert!(a.contains_rect(&a.inflate(-1.0)));
        assert_eq!(PxRect::new(5.0, 5.0, 1.0, 1.0).x0, 1.0);
    }

    #[test]
    fn circle_bounds() {
        let b = Polygon::circle(px(50.0, 50.0), 10.0, 64).bounds().unwrap();
        assert!((b.x0 - 40.0).abs() < 0.01 && (b.x1 - 60.0).abs() < 0.1);
    }
}
