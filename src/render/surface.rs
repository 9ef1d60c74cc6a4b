//! What the renderer draws on: a [`Surface`]. The raster backend is tiny-skia's
//! [`Pixmap`] (PNG); the vector backend is [`crate::render::svg::SvgSurface`] (SVG, and
//! PDF from it). Maps and charts are drawn once, through this trait, so every format shows
//! the same scene: the same paths, colours, clips, images and text positions.

use tiny_skia::{
    Color, FillRule, GradientStop, LineCap, LineJoin, LinearGradient, Mask, Paint, Path, Pixmap,
    PixmapPaint, Point, SpreadMode, Stroke, StrokeDash, Transform,
};

use crate::model::Colour;
use crate::render::text::{Ink, TextLine};

/// How an area is painted.
#[derive(Debug, Clone, PartialEq)]
pub enum Fill {
    Solid(Colour),
    /// A horizontal or slanted ramp from (x0, y0) to (x1, y1) in the path's coordinates,
    /// stops evenly spaced (the first at the start, the last at the end).
    Linear {
        from: (f32, f32),
        to: (f32, f32),
        stops: Vec<[u8; 4]>,
    },
}

/// How a line is drawn: width (px before the transform), caps, joins and dashes.
#[derive(Debug, Clone, PartialEq)]
pub struct Pen {
    pub colour: Colour,
    pub width: f32,
    pub cap: LineCap,
    pub join: LineJoin,
    /// Dash and gap lengths (empty: solid).
    pub dash: Vec<f32>,
}

impl Pen {
    /// tiny-skia's stroke of this pen.
    pub fn stroke(&self) -> Stroke {
        Stroke {
            width: self.width,
            line_cap: self.cap,
            line_join: self.join,
            dash: (self.dash.len() >= 2)
                .then(|| StrokeDash::new(self.dash.clone(), 0.0))
                .flatten(),
            ..Stroke::default()
        }
    }
}

/// A region drawing is limited to: made by [`Surface::clip`], used by the same surface.
pub struct Clip {
    /// The raster backend's coverage (output pixels).
    pub(crate) mask: Option<Mask>,
    /// The vector backend's clip paths (ids), outermost first.
    pub(crate) ids: Vec<String>,
}

/// A raster image placed on the surface: straight (not premultiplied) RGBA rows.
pub struct Image<'a> {
    pub width: u32,
    pub height: u32,
    pub rgba: &'a [[u8; 4]],
    /// Maps the image's pixel grid (0..width, 0..height) to the surface.
    pub place: Transform,
    pub opacity: f32,
    /// Bilinear (true) or nearest-neighbour sampling.
    pub smooth: bool,
}

/// A drawing target. Coordinates are the caller's; `ts` maps them to output pixels.
pub trait Surface {
    fn fill(
        &mut self,
        path: &Path,
        fill: &Fill,
        rule: FillRule,
        ts: Transform,
        clip: Option<&Clip>,
    );
    fn stroke(&mut self, path: &Path, pen: &Pen, ts: Transform, clip: Option<&Clip>);
    /// A clip to `path` (even-odd), inside `within` if given. None if it cannot be made.
    fn clip(&mut self, path: &Path, ts: Transform, within: Option<&Clip>) -> Option<Clip>;
    fn image(&mut self, image: &Image, clip: Option<&Clip>);
    /// A laid-out line of text with its pen origin at (0, 0) of `ts`.
    fn text(&mut self, line: &TextLine, ink: Ink, ts: Transform);
    /// Starts a named group (a layer a designer can hide or restyle); raster ignores it.
    fn group(&mut self, _name: &str) {}
    fn end_group(&mut self) {}
}

fn paint(colour: Colour) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color(colour.to_skia());
    p
}

impl Surface for Pixmap {
    fn fill(
        &mut self,
        path: &Path,
        fill: &Fill,
        rule: FillRule,
        ts: Transform,
        clip: Option<&Clip>,
    ) {
        let mask = clip.and_then(|c| c.mask.as_ref());
        match fill {
            Fill::Solid(c) => self.fill_path(path, &paint(*c), rule, ts, mask),
            Fill::Linear { from, to, stops } => {
                let colour = |c: [u8; 4]| Color::from_rgba8(c[0], c[1], c[2], c[3]);
                let shader = if stops.len() < 2 {
                    stops
                        .first()
                        .map(|c| tiny_skia::Shader::SolidColor(colour(*c)))
                } else {
                    let n = (stops.len() - 1) as f32;
                    let gs = stops
                        .iter()
                        .enumerate()
                        .map(|(i, c)| GradientStop::new(i as f32 / n, colour(*c)))
                        .collect();
                    LinearGradient::new(
                        Point::from_xy(from.0, from.1),
                        Point::from_xy(to.0, to.1),
                        gs,
                        SpreadMode::Pad,
                        Transform::identity(),
                    )
                };
                if let Some(shader) = shader {
                    let p = Paint {
                        shader,
                        ..Paint::default()
                    };
                    self.fill_path(path, &p, rule, ts, mask);
                }
            }
        }
    }

    fn stroke(&mut self, path: &Path, pen: &Pen, ts: Transform, clip: Option<&Clip>) {
        let mask = clip.and_then(|c| c.mask.as_ref());
        self.stroke_path(path, &paint(pen.colour), &pen.stroke(), ts, mask);
    }

    fn clip(&mut self, path: &Path, ts: Transform, within: Option<&Clip>) -> Option<Clip> {
        let mut m = Mask::new(self.width(), self.height())?;
        m.fill_path(path, FillRule::EvenOdd, true, ts);
        if let Some(outer) = within.and_then(|c| c.mask.as_ref()) {
            for (a, b) in m.data_mut().iter_mut().zip(outer.data()) {
                *a = ((u16::from(*a) * u16::from(*b) + 127) / 255) as u8;
            }
        }
        Some(Clip {
            mask: Some(m),
            ids: Vec::new(),
        })
    }

    fn image(&mut self, image: &Image, clip: Option<&Clip>) {
        let data: Vec<u8> = image
            .rgba
            .iter()
            .flat_map(|&[r, g, b, a]| {
                let c = tiny_skia::ColorU8::from_rgba(r, g, b, a).premultiply();
                [c.red(), c.green(), c.blue(), c.alpha()]
            })
            .collect();
        let Some(raster) = tiny_skia::IntSize::from_wh(image.width, image.height)
            .and_then(|size| Pixmap::from_vec(data, size))
        else {
            return;
        };
        let paint = PixmapPaint {
            opacity: image.opacity.clamp(0.0, 1.0),
            quality: if image.smooth {
                tiny_skia::FilterQuality::Bilinear
            } else {
                tiny_skia::FilterQuality::Nearest
            },
            ..PixmapPaint::default()
        };
        let mask = clip.and_then(|c| c.mask.as_ref());
        self.draw_pixmap(0, 0, raster.as_ref(), &paint, image.place, mask);
    }

    fn text(&mut self, line: &TextLine, ink: Ink, ts: Transform) {
        let Some(path) = &line.path else { return };
        if let Some((colour, width)) = ink.halo {
            let pen = crate::render::text::halo_pen(colour, width);
            self.stroke_path(path, &paint(colour), &pen.stroke(), ts, None);
        }
        self.fill_path(path, &paint(ink.fill), FillRule::Winding, ts, None);
    }
}
