//! Draws a [`MapScene`] into a tiny-skia pixmap. Order: page, map face (layers by z,
//! zones, town dots, watermark), labels, furniture, frame, page texts. Everything on
//! the map face is clipped to the frame.

use tiny_skia::{Pixmap, Transform};

use crate::error::{Error, Result};
use crate::model::Style;
use crate::render::build::zone_look;
use crate::render::furniture::{self, Furniture};
use crate::render::geom::{PxPoint, PxRect};
use crate::render::labels::{self, Placement};
use crate::render::page;
use crate::render::paint;
use crate::render::scene::{
    DensityImage, LabelKind, LabelRequest, LayerContent, LineStyle, MapScene, z,
};
use crate::render::surface::{Clip, Image, Surface};

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
    let (w, h) = output_size(scene)?;
    let mut pixmap = Pixmap::new(w, h).ok_or_else(|| bad(format!("cannot allocate {w}×{h} px")))?;
    pixmap.fill(scene.style.colours.page.to_skia());
    let info = draw(&mut pixmap, scene)?;
    Ok((pixmap, info))
}

/// The size of the scene's output in pixels (its size × its scale), after checking it.
pub fn output_size(scene: &MapScene) -> Result<(u32, u32)> {
    check(scene)?;
    let k = scene.scale;
    Ok((
        (scene.width as f32 * k).round() as u32,
        (scene.height as f32 * k).round() as u32,
    ))
}

/// Draws the scene on any surface whose page background is already painted, in named
/// groups (each layer by its name, "density", "zones", "synthetic-mark", "labels", the
/// furniture's parts, "page-text"); returns where labels and furniture went.
pub fn draw(pixmap: &mut dyn Surface, scene: &MapScene) -> Result<RenderInfo> {
    draw_at(pixmap, scene, Transform::identity())
}

/// [`draw`] with the scene's output pixels mapped by `base` (to place a map on a sheet).
pub fn draw_at(pixmap: &mut dyn Surface, scene: &MapScene, base: Transform) -> Result<RenderInfo> {
    check(scene)?;
    let k = scene.scale;
    let ts = base.pre_scale(k, k);
    let style = &scene.style;
    let c = &style.colours;

    let furniture = furniture::layout(scene);
    let frame = furniture.page.frame;
    let frame_clip = paint::rect_path(frame).and_then(|p| paint::clip(pixmap, &p, ts));
    let mask = frame_clip.as_ref();
    pixmap.group("sea");
    paint::fill_rect(pixmap, frame, c.sea, ts);
    pixmap.end_group();

    let mut order: Vec<_> = scene.layers.iter().collect();
    order.sort_by_key(|l| l.z);
    // Layers in groups a designer can hide at once: the basemap under the density, the
    // density, the lines over it, the events; each layer a group of its own inside.
    let mut open: Option<&str> = None;
    for layer in order {
        let kind = match layer.content {
            LayerContent::Raster(_) if layer.z == z::TRAIL => "trail",
            LayerContent::Raster(_) => "density",
            _ if layer.z < z::DENSITY => "basemap",
            _ if layer.z >= z::EVENTS => "events",
            _ => "basemap-lines",
        };
        if open != Some(kind) {
            if open.is_some() {
                pixmap.end_group();
            }
            pixmap.group(kind);
            open = Some(kind);
        }
        pixmap.group(&layer.name);
        draw_layer(pixmap, &layer.content, ts, mask)?;
        pixmap.end_group();
    }
    if open.is_some() {
        pixmap.end_group();
    }
    pixmap.group("zones");
    draw_zones(pixmap, scene, ts, mask);
    pixmap.end_group();
    if scene.synthetic {
        pixmap.group("synthetic-mark");
        furniture::draw_watermark(pixmap, frame, style, ts, mask);
        pixmap.end_group();
    }

    let mut requests = scene.labels.clone();
    requests.extend(zone_labels(scene, frame));
    let placement = labels::place(&requests, style, frame, &furniture.boxes());
    pixmap.group("labels");
    draw_town_dots(pixmap, &placement, style, ts, mask);
    labels::draw(pixmap, &placement, style, ts);
    pixmap.end_group();

    furniture::draw(pixmap, &furniture, scene, ts);
    pixmap.group("frame");
    page::draw_frame(pixmap, &furniture.page, scene, ts);
    pixmap.end_group();
    page::draw_texts(pixmap, &furniture.page, scene, ts);
    Ok(RenderInfo {
        labels: placement,
        furniture,
    })
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
    pixmap: &mut dyn Surface,
    content: &LayerContent,
    ts: Transform,
    mask: Option<&Clip>,
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
    pixmap: &mut dyn Surface,
    d: &DensityImage,
    ts: Transform,
    mask: Option<&Clip>,
) -> Result<()> {
    if d.width == 0 || d.height == 0 || d.rect.width() <= 0.0 || d.rect.height() <= 0.0 {
        return Ok(());
    }
    let place = ts.pre_translate(d.rect.x0, d.rect.y0).pre_scale(
        d.rect.width() / d.width as f32,
        d.rect.height() / d.height as f32,
    );
    let clip_own;
    let clip = match paint::polygons_path(&d.clip) {
        Some(path) => {
            clip_own = pixmap
                .clip(&path, ts, mask)
                .ok_or_else(|| bad("clip".into()))?;
            Some(&clip_own)
        }
        None => mask,
    };
    pixmap.image(
        &Image {
            width: d.width,
            height: d.height,
            rgba: &d.pixels,
            place,
            opacity: d.opacity,
            smooth: d.smooth,
        },
        clip,
    );
    Ok(())
}

fn draw_zones(pixmap: &mut dyn Surface, scene: &MapScene, ts: Transform, mask: Option<&Clip>) {
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
    pixmap: &mut dyn Surface,
    placement: &Placement,
    style: &Style,
    ts: Transform,
    mask: Option<&Clip>,
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
