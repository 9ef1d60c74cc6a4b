//! The vector backend: a [`Surface`] that writes SVG, and PDF made from that SVG.
//!
//! Everything the raster backend draws arrives here as the same calls, so the SVG shows
//! the same scene: paths keep their coordinates (as `d` data with the same transform),
//! clips become `clipPath`s, the density raster one embedded PNG at the grid's own
//! resolution, and text stays text (`<text>` in the bundled DejaVu fonts, each character
//! at the x position the layout gave it, the fonts embedded as `@font-face`), or glyph
//! outlines with [`TextMode::Paths`]. Layers are `<g id="…">` groups a designer can hide
//! or restyle.
//!
//! Hand-written: the SVG crates (`svg`, `usvg`) build or parse documents but do not take
//! drawing calls; the writer is string formatting of the calls above.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path as FilePath, PathBuf};

use base64::Engine as _;
use tiny_skia::{FillRule, LineCap, LineJoin, Path, PathSegment, Transform};

use crate::error::{Error, Result};
use crate::model::Colour;
use crate::output::write_bytes_atomic;
use crate::render::ImageFormat;
use crate::render::encode::encode_rgba_png;
use crate::render::raster::{draw, output_size};
use crate::render::scene::MapScene;
use crate::render::surface::{Clip, Fill, Image, Pen, Surface};
use crate::render::text::{Face, Ink, TextLine};

/// How text is written into the SVG.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TextMode {
    /// `<text>` elements in the bundled font, embedded as a font face: editable text.
    #[default]
    Text,
    /// Glyph outlines as paths: no font needed, text no longer editable.
    Paths,
}

/// An SVG document being drawn.
pub struct SvgSurface {
    width: u32,
    height: u32,
    text: TextMode,
    defs: String,
    body: String,
    next_id: usize,
    /// Group ids used so far (a second "rivers" becomes "rivers-2").
    ids: HashMap<String, usize>,
    faces: [bool; 3],
}

/// Numbers as short as they can be while keeping 1/100 px.
fn n(v: f32) -> String {
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

fn matrix(ts: Transform) -> String {
    if ts.is_identity() {
        return String::new();
    }
    format!(
        " transform=\"matrix({} {} {} {} {} {})\"",
        n4(ts.sx),
        n4(ts.ky),
        n4(ts.kx),
        n4(ts.sy),
        n(ts.tx),
        n(ts.ty)
    )
}

/// Scale factors keep 6 decimals (a 1/1,000,000 error over 2,000 px is invisible).
fn n4(v: f32) -> String {
    let s = format!("{:.6}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

fn path_data(path: &Path) -> String {
    let mut d = String::new();
    for seg in path.segments() {
        match seg {
            PathSegment::MoveTo(p) => {
                let _ = write!(d, "M{} {}", n(p.x), n(p.y));
            }
            PathSegment::LineTo(p) => {
                let _ = write!(d, "L{} {}", n(p.x), n(p.y));
            }
            PathSegment::QuadTo(c, p) => {
                let _ = write!(d, "Q{} {} {} {}", n(c.x), n(c.y), n(p.x), n(p.y));
            }
            PathSegment::CubicTo(a, b, p) => {
                let _ = write!(
                    d,
                    "C{} {} {} {} {} {}",
                    n(a.x),
                    n(a.y),
                    n(b.x),
                    n(b.y),
                    n(p.x),
                    n(p.y)
                );
            }
            PathSegment::Close => d.push('Z'),
        }
    }
    d
}

fn hex(c: Colour) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
}

fn opacity(attr: &str, a: u8) -> String {
    if a == 255 {
        String::new()
    } else {
        format!(" {attr}=\"{}\"", n4(f32::from(a) / 255.0))
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An id for a group name: letters, digits and '-' (others become '-'), led by a letter.
fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_string();
    match s.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => s,
        _ => format!("g-{s}"),
    }
}

fn face_index(f: Face) -> usize {
    match f {
        Face::Regular => 0,
        Face::Bold => 1,
        Face::Oblique => 2,
    }
}

/// The bundled font files, by face.
fn font_bytes(f: Face) -> &'static [u8] {
    match f {
        Face::Regular => dejavu::sans::regular(),
        Face::Bold => dejavu::sans::bold(),
        Face::Oblique => dejavu::sans::oblique(),
    }
}

/// The family name the SVG uses (the fonts' own), and what to fall back to.
pub const FONT_FAMILY: &str = "DejaVu Sans";

impl SvgSurface {
    /// A `width` × `height` px document with its page painted in `background`.
    pub fn new(width: u32, height: u32, background: Colour, text: TextMode) -> SvgSurface {
        let mut s = SvgSurface {
            width,
            height,
            text,
            defs: String::new(),
            body: String::new(),
            next_id: 0,
            ids: HashMap::new(),
            faces: [false; 3],
        };
        let _ = writeln!(
            s.body,
            "<rect id=\"page\" width=\"{width}\" height=\"{height}\" fill=\"{}\"{}/>",
            hex(background),
            opacity("fill-opacity", background.a)
        );
        s
    }

    fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}", self.next_id)
    }

    /// Opens `<g clip-path>` for each clip of `clip` (outermost first); returns how many.
    fn open_clips(&mut self, clip: Option<&Clip>) -> usize {
        let ids = clip.map(|c| c.ids.clone()).unwrap_or_default();
        for id in &ids {
            let _ = writeln!(self.body, "<g clip-path=\"url(#{id})\">");
        }
        ids.len()
    }

    fn close(&mut self, k: usize) {
        for _ in 0..k {
            self.body.push_str("</g>\n");
        }
    }

    /// Draws what follows inside `clip` (until [`SvgSurface::end_clip`]).
    pub fn begin_clip(&mut self, clip: Option<&Clip>) {
        self.open_clips(clip);
    }

    pub fn end_clip(&mut self, clip: Option<&Clip>) {
        self.close(clip.map_or(0, |c| c.ids.len()));
    }

    /// The finished document.
    pub fn finish(self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:inkscape=\"http://www.inkscape.org/namespaces/inkscape\" version=\"1.1\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">",
            w = self.width,
            h = self.height
        );
        out.push_str("<defs>\n");
        if self.faces.iter().any(|f| *f) {
            out.push_str("<style>\n");
            for face in [Face::Regular, Face::Bold, Face::Oblique] {
                if !self.faces[face_index(face)] {
                    continue;
                }
                let (weight, style) = match face {
                    Face::Regular => ("normal", "normal"),
                    Face::Bold => ("bold", "normal"),
                    Face::Oblique => ("normal", "oblique"),
                };
                let data = base64::engine::general_purpose::STANDARD.encode(font_bytes(face));
                let _ = writeln!(
                    out,
                    "@font-face{{font-family:'{FONT_FAMILY}';font-weight:{weight};font-style:{style};src:url(data:font/ttf;base64,{data}) format('truetype');}}"
                );
            }
            out.push_str("</style>\n");
        }
        out.push_str(&self.defs);
        out.push_str("</defs>\n");
        out.push_str(&self.body);
        out.push_str("</svg>\n");
        out
    }
}

impl Surface for SvgSurface {
    fn fill(
        &mut self,
        path: &Path,
        fill: &Fill,
        rule: FillRule,
        ts: Transform,
        clip: Option<&Clip>,
    ) {
        let paint = match fill {
            Fill::Solid(c) => format!("fill=\"{}\"{}", hex(*c), opacity("fill-opacity", c.a)),
            Fill::Linear { from, to, stops } => {
                let id = self.id("ramp");
                let k = stops.len().saturating_sub(1).max(1) as f32;
                let _ = write!(
                    self.defs,
                    "<linearGradient id=\"{id}\" gradientUnits=\"userSpaceOnUse\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\">",
                    n(from.0),
                    n(from.1),
                    n(to.0),
                    n(to.1)
                );
                for (i, c) in stops.iter().enumerate() {
                    let colour = Colour::rgba(c[0], c[1], c[2], c[3]);
                    let _ = write!(
                        self.defs,
                        "<stop offset=\"{}\" stop-color=\"{}\"{}/>",
                        n4(i as f32 / k),
                        hex(colour),
                        opacity("stop-opacity", c[3])
                    );
                }
                self.defs.push_str("</linearGradient>\n");
                format!("fill=\"url(#{id})\"")
            }
        };
        let rule = match rule {
            FillRule::EvenOdd => " fill-rule=\"evenodd\"",
            FillRule::Winding => "",
        };
        let k = self.open_clips(clip);
        let _ = writeln!(
            self.body,
            "<path d=\"{}\" {paint}{rule}{}/>",
            path_data(path),
            matrix(ts)
        );
        self.close(k);
    }

    fn stroke(&mut self, path: &Path, pen: &Pen, ts: Transform, clip: Option<&Clip>) {
        let cap = match pen.cap {
            LineCap::Butt => "butt",
            LineCap::Round => "round",
            LineCap::Square => "square",
        };
        let join = match pen.join {
            LineJoin::Miter | LineJoin::MiterClip => "miter",
            LineJoin::Round => "round",
            LineJoin::Bevel => "bevel",
        };
        let dash = if pen.dash.len() >= 2 {
            let d: Vec<String> = pen.dash.iter().map(|v| n(*v)).collect();
            format!(" stroke-dasharray=\"{}\"", d.join(" "))
        } else {
            String::new()
        };
        let k = self.open_clips(clip);
        let _ = writeln!(
            self.body,
            "<path d=\"{}\" fill=\"none\" stroke=\"{}\"{} stroke-width=\"{}\" stroke-linecap=\"{cap}\" stroke-linejoin=\"{join}\"{dash}{}/>",
            path_data(path),
            hex(pen.colour),
            opacity("stroke-opacity", pen.colour.a),
            n(pen.width),
            matrix(ts)
        );
        self.close(k);
    }

    fn clip(&mut self, path: &Path, ts: Transform, within: Option<&Clip>) -> Option<Clip> {
        let id = self.id("clip");
        let _ = writeln!(
            self.defs,
            "<clipPath id=\"{id}\"><path d=\"{}\" clip-rule=\"evenodd\"{}/></clipPath>",
            path_data(path),
            matrix(ts)
        );
        let mut ids = within.map(|c| c.ids.clone()).unwrap_or_default();
        ids.push(id);
        Some(Clip { mask: None, ids })
    }

    fn image(&mut self, image: &Image, clip: Option<&Clip>) {
        let rgba: Vec<u8> = image.rgba.iter().flatten().copied().collect();
        let Ok(png) = encode_rgba_png(image.width, image.height, &rgba) else {
            return;
        };
        let data = base64::engine::general_purpose::STANDARD.encode(png);
        let rendering = if image.smooth {
            "optimizeQuality"
        } else {
            "pixelated"
        };
        let k = self.open_clips(clip);
        let _ = writeln!(
            self.body,
            "<image width=\"{}\" height=\"{}\" preserveAspectRatio=\"none\" image-rendering=\"{rendering}\"{}{} xlink:href=\"data:image/png;base64,{data}\"/>",
            image.width,
            image.height,
            opacity(
                "opacity",
                (image.opacity.clamp(0.0, 1.0) * 255.0).round() as u8
            ),
            matrix(image.place)
        );
        self.close(k);
    }

    fn text(&mut self, line: &TextLine, ink: Ink, ts: Transform) {
        let Some(path) = &line.path else { return };
        if self.text == TextMode::Paths {
            if let Some((colour, width)) = ink.halo {
                self.stroke(
                    path,
                    &crate::render::text::halo_pen(colour, width),
                    ts,
                    None,
                );
            }
            self.fill(path, &Fill::Solid(ink.fill), FillRule::Winding, ts, None);
            return;
        }
        self.faces[face_index(line.face)] = true;
        let face = match line.face {
            Face::Regular => String::new(),
            Face::Bold => " font-weight=\"bold\"".into(),
            Face::Oblique => " font-style=\"oblique\"".into(),
        };
        let xs: Vec<String> = line.xs.iter().map(|x| n(*x)).collect();
        let common = format!(
            "x=\"{}\" y=\"0\" font-family=\"{FONT_FAMILY}\" font-size=\"{}\"{face} xml:space=\"preserve\"{}",
            xs.join(" "),
            n(line.size),
            matrix(ts)
        );
        let text = esc(&line.text);
        if let Some((colour, width)) = ink.halo {
            // The halo is a copy of the text under it, stroked (not selectable twice).
            let _ = writeln!(
                self.body,
                "<text {common} fill=\"none\" stroke=\"{}\"{} stroke-width=\"{}\" stroke-linejoin=\"round\" aria-hidden=\"true\">{text}</text>",
                hex(colour),
                opacity("stroke-opacity", colour.a),
                n(width)
            );
        }
        let _ = writeln!(
            self.body,
            "<text {common} fill=\"{}\"{}>{text}</text>",
            hex(ink.fill),
            opacity("fill-opacity", ink.fill.a)
        );
    }

    fn group(&mut self, name: &str) {
        let base = slug(name);
        let k = self.ids.entry(base.clone()).or_insert(0);
        *k += 1;
        let id = if *k == 1 { base } else { format!("{base}-{k}") };
        // Inkscape shows groups with an inkscape:label as named layers.
        let _ = writeln!(
            self.body,
            "<g id=\"{id}\" inkscape:label=\"{}\">",
            esc(name)
        );
    }

    fn end_group(&mut self) {
        self.body.push_str("</g>\n");
    }
}

/// The PDF of an SVG written by [`SvgSurface`]: one page of the SVG's size at `dpi`
/// (a 1600 px map at 150 dpi is 10.7 in wide), the bundled fonts embedded and subset,
/// text selectable. Deterministic: no creation date, and the same bytes on every run.
pub fn svg_to_pdf(svg: &str, dpi: f32) -> Result<Vec<u8>> {
    use krilla::Document;
    use krilla::geom::Size;
    use krilla::page::PageSettings;
    use krilla_svg::{SurfaceExt, SvgSettings};

    let mut opt = usvg::Options::default();
    for face in [Face::Regular, Face::Bold, Face::Oblique] {
        opt.fontdb_mut().load_font_data(font_bytes(face).to_vec());
    }
    opt.font_family = FONT_FAMILY.to_string();
    let tree =
        usvg::Tree::from_str(svg, &opt).map_err(|e| Error::Usage(format!("SVG for PDF: {e}")))?;
    let pt = 72.0 / dpi;
    let (w, h) = (tree.size().width() * pt, tree.size().height() * pt);
    let size = Size::from_wh(w, h).ok_or_else(|| Error::Usage(format!("PDF page {w}×{h} pt")))?;
    let settings =
        PageSettings::from_wh(w, h).ok_or_else(|| Error::Usage(format!("PDF page {w}×{h} pt")))?;
    let mut doc = Document::new();
    let mut page = doc.start_page_with(settings);
    let mut surface = page.surface();
    surface.draw_svg(&tree, size, SvgSettings::default());
    surface.finish();
    page.finish();
    doc.finish()
        .map_err(|e| Error::Usage(format!("PDF: {e:?}")))
}

/// The SVG of a map scene (the same drawing as [`crate::render::render`]).
pub fn scene_svg(scene: &MapScene, text: TextMode) -> Result<String> {
    let (w, h) = output_size(scene)?;
    let mut s = SvgSurface::new(w, h, scene.style.colours.page, text);
    draw(&mut s, scene)?;
    Ok(s.finish())
}

/// Pixels per inch of a map or chart printed at its intended size: the 1× render is
/// 150 dpi (a 1600 px map is 10.7 inches wide), the 2× render (`--scale 2`) 300 dpi.
pub fn print_dpi(scale: f32) -> f32 {
    150.0 * scale
}

/// Writes one drawing in `formats` at `path` (its .png name): the PNG that `png` draws
/// (with `dpi` recorded), and the SVG that `svg` draws as .svg and/or .pdf (the PDF at
/// `print_dpi`). Each is drawn only when asked for. Returns the files written.
pub fn write_formats(
    path: &FilePath,
    formats: &[ImageFormat],
    dpi: Option<u32>,
    print_dpi: f32,
    png: impl FnOnce() -> Result<tiny_skia::Pixmap>,
    svg: impl FnOnce() -> Result<String>,
) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if formats.contains(&ImageFormat::Png) {
        crate::render::write_png(&png()?, path, dpi)?;
        files.push(path.to_path_buf());
    }
    if formats.iter().any(|f| *f != ImageFormat::Png) {
        files.extend(write_vector(&svg()?, path, formats, print_dpi)?);
    }
    Ok(files)
}

/// Writes `svg` beside `image` (whatever its extension) as .svg and/or .pdf, as
/// `formats` asks, the PDF at `dpi`; returns the files written.
pub fn write_vector(
    svg: &str,
    image: &FilePath,
    formats: &[ImageFormat],
    dpi: f32,
) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    if formats.contains(&ImageFormat::Svg) {
        let path = image.with_extension("svg");
        write_bytes_atomic(&path, svg.as_bytes())?;
        written.push(path);
    }
    if formats.contains(&ImageFormat::Pdf) {
        let path = image.with_extension("pdf");
        write_bytes_atomic(&path, &svg_to_pdf(svg, dpi)?)?;
        written.push(path);
    }
    Ok(written)
}
