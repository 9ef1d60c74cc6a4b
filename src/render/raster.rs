//! Draws a [`MapScene`] into a tiny-skia pixmap. Order: page, map face (layers by z,
//! zones, town dots, watermark), labels, furniture, frame, page texts. Everything on
//! the map face is clipped to the frame.

use tiny_skia::{IntSize, Mask, Pixmap, PixmapPaint, Transform};

use crate::error::{Error, Result};
use crate::model::Style;
use crate::render::build::zone_look;
use crate::render::furniture::{self, Furniture};
use crate::render::geom::{PxPoint, PxRect};
use crate::render::labels::{self, Placement};
use crate::render::page;
use crate::render::paint;
use crate::render::scene::{
    DensityImage, LabelKind, LabelRequest, LayerContent, LineStyle, MapScene,
};

/// What the renderer decided, for callers and tests: label boxes and furniture geometry.
#[derive(Debug, Clone)]
pub struct RenderInfo {
    pub labels: Placement,
    pub furniture: Furniture,
}

/// Renders the scene.
pub fn render(scene: &MapScene) -> Result<Pixmap> {
    render_with_info(scene).map(|(p, _)| p)
}

/// Renders the scene and returns where labels and furniture went.
pub fn render_with_info(scene: &MapScene) -> Result<(Pixmap, RenderInfo)> {
    check(scene)?;
    let k = scene.scale;
    let (w, h) = (
        (scene.width as f32 * k).round() as u32,
        (scene.height as f32 * k).round() as u32,
    );
    let mut pixmap = Pixmap::new(w, h).ok_or_else(|| bad(format!("cannot allocate {w}×{h} px")))?;
    let ts = Transform::from_scale(k, k);
    let style = &scene.style;
    let c = &style.colours;
    pixmap.fill(c.page.to_skia());

    let furniture = furniture::layout(scene);
    let frame = furniture.page.frame;
    let frame_mask = paint::rect_path(frame).and_then(|p| paint::mask(&pixmap, &p, ts));
    let mask = frame_mask.as_ref();
    paint::fill_rect(&mut pixmap, frame, c.sea, ts);

    let mut order: Vec<_> = scene.layers.iter().collect();
    order.sort_by_key(|l| l.z);
    for layer in order {
        draw_layer(&mut pixmap, &layer.content, ts, mask)?;
    }
    draw_zones(&mut pixmap, scene, ts, mask);
    if scene.synthetic {
        furniture::draw_watermark(&mut pixmap, frame, style, ts, mask);
    }

    let mut requests = scene.labels.clone();
    requests.extend(zone_labels(scene, frame));
    let placement = labels::place(&requests, style, frame, &furniture.boxes());
    draw_town_dots(&mut pixmap, &placement, style, ts, mask);
    labels::draw(&mut pixmap, &placement, style, ts);

    furniture::draw(&mut pixmap, &furniture, scene, ts);
    page::draw_frame(&mut pixmap, &furniture.page, scene, ts);
    page::draw_texts(&mut pixmap, &furniture.page, scene, ts);
    Ok((
        pixmap,
        RenderInfo {
            labels: placement,
            furniture,
        },
    ))
}

fn bad(msg: String) -> Error {
    Error::Usage(format!("map scene: {msg}"))
}

fn check(scene: &MapScene) -> Result<()> {
    if !(scene.scale.is_finite() && scene.scale > 0.0 && scene.scale <= 8.0) {
        return Err(bad(format!("scale must be in (0, 8], not {}", scene.scale)));
    }
    if scene.width == 0 || scene.height == 0 {
        return Err(bad(format!("empty size {}×{}", scene.width, scene.height)));
    }
    for layer in &scene.layers {
        if let LayerContent::Raster(d) = &layer.content
            && d.pixels.len() as u64 != u64::from(d.width) * u64::from(d.height)
        {
            return Err(bad(format!(
                "layer {:?}: {} pixels for a {}×{} raster",
                layer.name,
                d.pixels.len(),
                d.width,
                d.height
            )));
        }
    }
    Ok(())
}

fn draw_layer(
    pixmap: &mut Pixmap,
    content: &LayerContent,
    ts: Transform,
    mask: Option<&Mask>,
) -> Result<()> {
    match content {
        LayerContent::Polygons {
            polygons,
            fill,
            stroke,
        } => {
            if let Some(path) = paint::polygons_path(polygons) {
                if let Some(fill) = fill {
                    paint::fill(pixmap, &path, *fill, ts, mask);
                }
                if let Some(stroke) = stroke {
                    paint::stroke(pixmap, &path, stroke, ts, mask);
                }
            }
        }
        LayerContent::Lines { lines, stroke } => {
            if let Some(path) = paint::lines_path(lines) {
                paint::stroke(pixmap, &path, stroke, ts, mask);
            }
        }
        LayerContent::Points {
            points,
            radius,
            fill,
            outline,
        } => {
            if let Some(path) = paint::circles_path(points, *radius) {
                if let Some(o) = outline {
                    paint::stroke(pixmap, &path, o, ts, mask);
                }
                paint::fill_winding(pixmap, &path, *fill, ts, mask);
            }
        }
        LayerContent::Raster(d) => draw_density(pixmap, d, ts, mask)?,
    }
    Ok(())
}

fn draw_density(
    pixmap: &mut Pixmap,
    d: &DensityImage,
    ts: Transform,
    mask: Option<&Mask>,
) -> Result<()> {
    if d.width == 0 || d.height == 0 || d.rect.width() <= 0.0 || d.rect.height() <= 0.0 {
        return Ok(());
    }
    let data: Vec<u8> = d
        .pixels
        .iter()
        .flat_map(|&[r, g, b, a]| {
            let c = tiny_skia::ColorU8::from_rgba(r, g, b, a).premultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    let size = IntSize::from_wh(d.width, d.height).ok_or_else(|| bad("empty raster".into()))?;
    let raster = Pixmap::from_vec(data, size).ok_or_else(|| bad("bad raster size".into()))?;
    let place = ts.pre_translate(d.rect.x0, d.rect.y0).pre_scale(
        d.rect.width() / d.width as f32,
        d.rect.height() / d.height as f32,
    );
    let clip_mask;
    let mask = match paint::polygons_path(&d.clip) {
        Some(path) => {
            let mut m = paint::mask(pixmap, &path, ts).ok_or_else(|| bad("mask".into()))?;
            if let Some(frame) = mask {
                // Intersect with the frame mask.
                for (a, b) in m.data_mut().iter_mut().zip(frame.data()) {
                    *a = ((u16::from(*a) * u16::from(*b) + 127) / 255) as u8;
                }
            }
            clip_mask = m;
            Some(&clip_mask)
        }
        None => mask,
    };
    let paint = PixmapPaint {
        opacity: d.opacity.clamp(0.0, 1.0),
        quality: if d.smooth {
            tiny_skia::FilterQuality::Bilinear
        } else {
            tiny_skia::FilterQuality::Nearest
        },
        ..PixmapPaint::default()
    };
    pixmap.draw_pixmap(0, 0, raster.as_ref(), &paint, place, mask);
    Ok(())
}

fn draw_zones(pixmap: &mut Pixmap, scene: &MapScene, ts: Transform, mask: Option<&Mask>) {
    if !scene.style.layers.zones {
        return;
    }
    let c = &scene.style.colours;
    for zone in &scene.zones {
        let Some(path) = paint::polygons_path(&zone.polygons) else {
            continue;
        };
        let (line, fill) = zone_look(&scene.style, zone.kind);
        paint::fill(pixmap, &path, fill, ts, mask);
        // A halo under the outline keeps it readable over dense colours.
        let halo = LineStyle::solid(c.halo, line.width + 2.5);
        paint::stroke(pixmap, &path, &halo, ts, mask);
        paint::stroke(pixmap, &path, &line, ts, mask);
    }
}

/// Zone labels: at the given point, else at the highest outline vertex inside the frame.
fn zone_labels(scene: &MapScene, frame: PxRect) -> Vec<LabelRequest> {
    let inner = frame.inflate(-20.0);
    scene
        .zones
        .iter()
        .filter(|z| !z.label.trim().is_empty())
        .filter_map(|z| {
            let anchor = z.label_at.or_else(|| {
                let pts = z.polygons.iter().flat_map(|p| &p.rings).flatten();
                pts.filter(|p| inner.contains(**p))
                    .min_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)))
                    .copied()
            })?;
            Some(LabelRequest {
                text: z.label.clone(),
                anchor,
                priority: 1000.0,
                kind: LabelKind::Zone(z.kind),
            })
        })
        .collect()
}

/// Dots of the towns that were placed (a town without room for its label is left out).
fn draw_town_dots(
    pixmap: &mut Pixmap,
    placement: &Placement,
    style: &Style,
    ts: Transform,
    mask: Option<&Mask>,
) {
    let c = &style.colours;
    for capital in [false, true] {
        let pts: Vec<PxPoint> = placement
            .placed
            .iter()
            .filter(|l| l.kind == LabelKind::Town { capital })
            .map(|l| l.anchor)
            .collect();
        let r = labels::dot_radius(style, capital);
        let Some(path) = paint::circles_path(&pts, r) else {
            continue;
        };
        paint::stroke(pixmap, &path, &LineStyle::solid(c.halo, 2.0), ts, mask);
        if capital {
            // A ringed dot: the conventional capital symbol.
            paint::fill_winding(pixmap, &path, c.halo.opaque(), ts, mask);
            paint::stroke(pixmap, &path, &LineStyle::solid(c.capital, 1.3), ts, mask);
            if let Some(inner) = paint::circles_path(&pts, r * 0.5) {
                paint::fill_winding(pixmap, &inner, c.capital, ts, mask);
            }
        } else {
            paint::fill_winding(pixmap, &path, c.towns, ts, mask);
        }
    }
}
