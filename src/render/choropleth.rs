//! Drawing the choropleths: admin units filled by class on a sequential, colour-blind-safe
//! ramp (ColorBrewer YlOrRd, from d3-scale-chromatic via `colorous`), white for the class
//! of zero, over the maps' basemap.

use crate::model::Colour;
use crate::render::geom::Polygon;
use crate::render::scene::{LayerContent, LegendItem, LineStyle, MapScene, SceneLayer, Symbol, z};

/// The class of zero: white, apart from every ramp colour and from the neighbours'
/// beige-grey land.
pub const ZERO_COLOUR: Colour = Colour::rgb(255, 255, 255);

/// Unit outlines: a thin mid grey, lighter than the region boundaries drawn over them.
const OUTLINE_COLOUR: Colour = Colour::rgba(110, 110, 110, 150);

/// Where the positive classes start on YlOrRd: its first tenth is near white and would
/// not stand apart from the zero class.
const FIRST_CLASS_AT: f64 = 0.15;

/// Unit outlines, px of a 1× render.
const OUTLINE_PX: f32 = 0.6;

/// Colours of `n` classes, the class of zero first: [`ZERO_COLOUR`] (white), then `n - 1` steps
/// evenly spaced on YlOrRd from pale yellow to dark red (light to dark: more events,
/// darker, in greyscale too).
pub fn class_colours(n: usize) -> Vec<Colour> {
    let positive = n.saturating_sub(1);
    let mut out = Vec::with_capacity(n);
    if n > 0 {
        out.push(ZERO_COLOUR);
    }
    for k in 0..positive {
        let t = if positive > 1 {
            FIRST_CLASS_AT + (1.0 - FIRST_CLASS_AT) * k as f64 / (positive - 1) as f64
        } else {
            1.0
        };
        let c = colorous::YELLOW_ORANGE_RED.eval_continuous(t);
        out.push(Colour::rgb(c.r, c.g, c.b));
    }
    out
}

/// The choropleth: `template` (basemap and furniture) with each unit of `units` (its
/// polygons in px, its class) filled in `colours[class]` with a thin outline, under the
/// water, boundaries and labels (at the density's place), and a legend of the classes
/// (`labels[k]` beside `colours[k]`) under `legend_title` before the template's items.
pub fn choropleth_scene(
    template: &MapScene,
    units: &[(Vec<Polygon>, usize)],
    colours: &[Colour],
    labels: &[String],
    legend_title: &str,
) -> MapScene {
    let mut scene = template.clone();
    let outline = LineStyle::solid(OUTLINE_COLOUR, OUTLINE_PX);
    for (k, colour) in colours.iter().enumerate() {
        let polygons: Vec<Polygon> = units
            .iter()
            .filter(|(_, class)| *class == k)
            .flat_map(|(p, _)| p.iter().cloned())
            .collect();
        if polygons.is_empty() {
            continue;
        }
        scene.layers.push(SceneLayer {
            name: format!("class {k}"),
            z: z::DENSITY,
            content: LayerContent::Polygons {
                polygons,
                fill: Some(*colour),
                stroke: Some(outline.clone()),
            },
        });
    }
    let items: Vec<LegendItem> = colours
        .iter()
        .zip(labels)
        .map(|(c, label)| LegendItem {
            label: label.clone(),
            symbol: Symbol::Area {
                fill: *c,
                stroke: Some(LineStyle::solid(OUTLINE_COLOUR, OUTLINE_PX)),
            },
        })
        .collect();
    scene.legend.classes(legend_title, items);
    scene
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_darken_from_zero_grey_to_dark_red() {
        let c = class_colours(6);
        assert_eq!(c.len(), 6);
        assert_eq!(c[0], ZERO_COLOUR);
        let lum = |c: &Colour| {
            0.2126 * f32::from(c.r) + 0.7152 * f32::from(c.g) + 0.0722 * f32::from(c.b)
        };
        assert!(
            c[1..].windows(2).all(|w| lum(&w[0]) > lum(&w[1])),
            "positive classes darken"
        );
        // The first positive class is told apart from zero by hue: yellow, not white.
        assert!(c[1].b + 40 < c[1].r, "{:?}", c[1]);
        assert_eq!(class_colours(1), vec![ZERO_COLOUR]);
        assert!(class_colours(0).is_empty());
    }
}
