//! Label placement: greedy, highest priority first. Each label tries a few positions
//! around its anchor (beside a town's dot, or centred for areas) and takes the first one
//! that stays inside the frame and clear of every label already placed, every other town's
//! dot and the furniture boxes; a label with no free position is skipped.
//!
//! Written by hand: the Rust label-placement crates found target tiles or games, not a
//! fixed set of point and area labels on one static map with furniture to avoid.

use tiny_skia::Transform;

use crate::model::{Colour, Style};
use crate::render::geom::{PxPoint, PxRect, px};
use crate::render::scene::{LabelKind, LabelRequest, ZoneKind};
use crate::render::surface::Surface;
use crate::render::text::{self, Face, Ink, TextLine};

/// How a kind of label looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelLook {
    pub face: Face,
    pub size: f32,
    /// Extra px between letters.
    pub spacing: f32,
    pub colour: Colour,
    pub uppercase: bool,
}

pub fn look(kind: LabelKind, style: &Style) -> LabelLook {
    let (f, c) = (&style.fonts, &style.colours);
    let plain = |face, size, colour| LabelLook {
        face,
        size,
        spacing: 0.0,
        colour,
        uppercase: false,
    };
    match kind {
        LabelKind::Town { capital: false } => plain(Face::Regular, f.labels, c.text),
        LabelKind::Town { capital: true } => plain(Face::Bold, f.capital, c.capital),
        LabelKind::Region => LabelLook {
            spacing: f.regions * 0.22,
            uppercase: true,
            ..plain(Face::Regular, f.regions, c.text_muted)
        },
        LabelKind::Neighbour => LabelLook {
            spacing: f.neighbours * 0.25,
            uppercase: true,
            ..plain(Face::Regular, f.neighbours, c.neighbour_text)
        },
        LabelKind::Zone(ZoneKind::Ring) => plain(Face::Bold, f.zones, c.ring),
        LabelKind::Zone(ZoneKind::Band) => plain(Face::Bold, f.zones, c.band),
        LabelKind::Water => plain(Face::Oblique, f.labels, c.rivers),
    }
}

/// Whether the style shows labels of this kind at all.
pub fn visible(kind: LabelKind, style: &Style) -> bool {
    let l = &style.layers;
    match kind {
        LabelKind::Town { .. } => l.towns,
        LabelKind::Region => l.adm1_names,
        LabelKind::Neighbour => l.neighbour_names,
        LabelKind::Zone(_) => l.zones,
        LabelKind::Water => l.rivers || l.lakes,
    }
}

/// Radius of a town's dot, px.
pub fn dot_radius(style: &Style, capital: bool) -> f32 {
    let r = (style.fonts.labels * 0.22).max(1.5);
    if capital { r * 1.4 } else { r }
}

/// A label where it will be drawn.
#[derive(Debug, Clone)]
pub struct PlacedLabel {
    /// The text as drawn (upper-cased for regions and neighbours).
    pub text: String,
    pub kind: LabelKind,
    /// The box it occupies (ink plus halo and a little air); no two overlap.
    pub bbox: PxRect,
    /// Pen origin: left end of the baseline.
    pub origin: PxPoint,
    /// The point labelled (a town's dot centre).
    pub anchor: PxPoint,
    /// A town's dot box (drawn only for placed towns); no label overlaps it.
    pub dot: Option<PxRect>,
    pub look: LabelLook,
    line: TextLine,
}

/// The result of placement.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    pub placed: Vec<PlacedLabel>,
    /// Labels (towns: dot and label) that found no free position, in priority order.
    pub skipped: Vec<LabelRequest>,
}

/// Places `requests` (visible kinds only) inside `frame`, avoiding `obstacles`.
///
/// A town is its dot and its label together: it is placed only if its dot is clear of
/// the labels and dots already placed and its label finds a free position; otherwise the
/// whole town is skipped (an unlabelled dot reads as a mistake in print). So no label
/// covers a drawn dot, and a bigger town is never pushed out by a smaller one.
pub fn place(
    requests: &[LabelRequest],
    style: &Style,
    frame: PxRect,
    obstacles: &[PxRect],
) -> Placement {
    let area = frame.inflate(-3.0);
    let pad = style.lines.halo / 2.0 + 1.0;
    let mut order: Vec<usize> = (0..requests.len())
        .filter(|&i| visible(requests[i].kind, style))
        .collect();
    order.sort_by(|&a, &b| requests[b].priority.total_cmp(&requests[a].priority));

    let mut out = Placement::default();
    let mut dots: Vec<PxRect> = Vec::new();
    for i in order {
        let req = &requests[i];
        let dot = match req.kind {
            LabelKind::Town { capital } => Some(dot_box(req.anchor, style, capital)),
            _ => None,
        };
        let dot_free = |d: &PxRect| {
            area.contains_rect(d)
                && !out.placed.iter().any(|p| p.bbox.overlaps(d))
                && !obstacles.iter().any(|o| o.overlaps(d))
                && !dots.iter().any(|o| o.overlaps(d))
        };
        if dot.as_ref().is_some_and(|d| !dot_free(d)) {
            out.skipped.push(req.clone());
            continue;
        }
        let look = look(req.kind, style);
        let shown = if look.uppercase {
            req.text.to_uppercase()
        } else {
            req.text.clone()
        };
        let line = text::shape(&shown, look.face, look.size, look.spacing);
        let ink = line.ink();
        let free = |origin: PxPoint| -> Option<PxRect> {
            let bbox = ink.translate(origin.x, origin.y).inflate(pad);
            let clear = area.contains_rect(&bbox)
                && !out.placed.iter().any(|p| p.bbox.overlaps(&bbox))
                && !obstacles.iter().any(|o| o.overlaps(&bbox))
                && !dots.iter().any(|d| d.overlaps(&bbox));
            clear.then_some(bbox)
        };
        let found = candidates(req, &line, style)
            .into_iter()
            .find_map(|o| free(o).map(|b| (o, b)));
        match found {
            Some((origin, bbox)) => {
                dots.extend(dot);
                out.placed.push(PlacedLabel {
                    text: shown,
                    kind: req.kind,
                    bbox,
                    origin,
                    anchor: req.anchor,
                    dot,
                    look,
                    line,
                });
            }
            None => out.skipped.push(req.clone()),
        }
    }
    out
}

/// The box a town's dot covers (with a pixel of air).
pub fn dot_box(at: PxPoint, style: &Style, capital: bool) -> PxRect {
    let d = dot_radius(style, capital) + 1.0;
    PxRect::new(at.x - d, at.y - d, at.x + d, at.y + d)
}

/// Pen origins to try, best first.
fn candidates(req: &LabelRequest, line: &TextLine, style: &Style) -> Vec<PxPoint> {
    let PxPoint { x, y } = req.anchor;
    let (w, cap, desc) = (line.width, line.cap_height(), line.descent);
    match req.kind {
        LabelKind::Town { capital } => {
            let r = dot_radius(style, capital);
            let g = 2.0 + style.lines.halo / 2.0;
            let (d, e) = (r * 0.7 + g * 0.6, r * 0.7 + g * 0.3);
            vec![
                px(x + r + g, y + cap / 2.0),            // right
                px(x - r - g - w, y + cap / 2.0),        // left
                px(x - w / 2.0, y - r - g - desc * 0.5), // above
                px(x - w / 2.0, y + r + g + cap),        // below
                px(x + d, y - e),                        // upper right
                px(x + d, y + e + cap),                  // lower right
                px(x - d - w, y - e),                    // upper left
                px(x - d - w, y + e + cap),              // lower left
            ]
        }
        LabelKind::Zone(_) => {
            let g = style.lines.zones + style.lines.halo / 2.0 + 2.0;
            vec![
                px(x - w / 2.0, y - g - desc * 0.3), // above the outline
                px(x - w / 2.0, y + g + cap),        // below it
                px(x + g, y + cap / 2.0),            // right
                px(x - g - w, y + cap / 2.0),        // left
                px(x + g, y - g),
                px(x - g - w, y - g),
            ]
        }
        LabelKind::Region | LabelKind::Neighbour | LabelKind::Water => {
            let step = cap + 6.0;
            let mut v = Vec::new();
            for dy in [0.0, -1.0, 1.0, -2.0, 2.0] {
                for dx in [0.0, -0.3, 0.3] {
                    v.push(px(x - w / 2.0 + dx * w, y + cap / 2.0 + dy * step));
                }
            }
            v
        }
    }
}

/// Draws placed labels with their halos.
pub fn draw(pixmap: &mut dyn Surface, placement: &Placement, style: &Style, ts: Transform) {
    for p in &placement.placed {
        let ink = Ink::with_halo(p.look.colour, style.colours.halo, style.lines.halo);
        text::draw(pixmap, &p.line, p.origin.x, p.origin.y, ink, ts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(text: &str, x: f32, y: f32, priority: f32, kind: LabelKind) -> LabelRequest {
        LabelRequest {
            text: text.into(),
            anchor: px(x, y),
            priority,
            kind,
        }
    }

    #[test]
    fn prefers_right_then_moves_then_skips() {
        let style = Style::builtin("report").unwrap();
        let frame = PxRect::new(0.0, 0.0, 400.0, 300.0);
        let town = LabelKind::Town { capital: false };
        let reqs = vec![
            req("Alpha", 100.0, 100.0, 2.0, town),
            req("Beta", 160.0, 100.0, 1.0, town),
            req("Gamma", 100.0, 100.0, 0.5, LabelKind::Region),
        ];
        let p = place(&reqs, &style, frame, &[]);
        let alpha = p.placed.iter().find(|l| l.text == "Alpha").unwrap();
        assert!(alpha.origin.x > 100.0, "right of its dot");
        for (i, a) in p.placed.iter().enumerate() {
            for b in &p.placed[i + 1..] {
                assert!(!a.bbox.overlaps(&b.bbox), "{} / {}", a.text, b.text);
            }
        }
        // A furniture box over everything: nothing fits.
        let p = place(&reqs, &style, frame, &[frame]);
        assert!(p.placed.is_empty());
        assert_eq!(p.skipped.len(), 3);
        assert_eq!(p.skipped[0].text, "Alpha");
    }

    #[test]
    fn hidden_kinds_are_not_placed() {
        let mut style = Style::builtin("report").unwrap();
        style.layers.adm1_names = false;
        let frame = PxRect::new(0.0, 0.0, 400.0, 300.0);
        let p = place(
            &[req("Kayes", 50.0, 50.0, 1.0, LabelKind::Region)],
            &style,
            frame,
            &[],
        );
        assert!(p.placed.is_empty() && p.skipped.is_empty());
    }
}
