//! Drawing the spread products: the expansion map (one outline per year of where a
//! density reached a threshold, on the maps' basemap and furniture) and its per-year
//! sequential colours.

use geo::MultiPolygon;

use crate::model::Colour;
#[cfg(doc)]
use crate::render::compose::MapView;
use crate::render::geom::{Polygon, PxPoint};
use crate::render::ramp::RampName;
use crate::render::scene::{LayerContent, LegendItem, LineStyle, MapScene, SceneLayer, Symbol, z};

/// Where the year colours stop on viridis: its last tenth (pale yellow) disappears on a
/// light page.
const LAST_YEAR_AT: f32 = 0.88;

/// One colour per year on a sequential, colour-blind-safe ramp (viridis, dark purple for
/// the first year to yellow-green for the last), evenly spaced.
pub fn year_colours(n: usize) -> Vec<Colour> {
    (0..n)
        .map(|i| {
            let t = if n > 1 {
                i as f32 / (n - 1) as f32 * LAST_YEAR_AT
            } else {
                LAST_YEAR_AT
            };
            let [r, g, b] = RampName::Viridis.at(t);
            Colour::rgb(r, g, b)
        })
        .collect()
}

/// Outline width of the yearly areas, px of a 1× render.
const OUTLINE_PX: f32 = 2.5;

/// The expansion map: `template` (basemap, zones, furniture) with, per year, the outline
/// of `areas` (map metres, placed by `to_px`, e.g. [`MapView::px_xy`]) in its year
/// colour, drawn from the first year up so the latest is on top, and a legend line per
/// year under `legend_title` before the template's items.
pub fn expansion_scene(
    template: &MapScene,
    to_px: impl Fn([f64; 2]) -> PxPoint,
    areas: &[(i32, MultiPolygon<f64>)],
    legend_title: &str,
) -> MapScene {
    let mut scene = template.clone();
    let colours = year_colours(areas.len());
    let mut items = Vec::with_capacity(areas.len());
    for ((year, area), colour) in areas.iter().zip(colours) {
        let ring = |l: &geo::LineString<f64>| l.coords().map(|c| to_px([c.x, c.y])).collect();
        let polygons: Vec<Polygon> = area
            .iter()
            .map(|p| {
                let mut rings = vec![ring(p.exterior())];
                rings.extend(p.interiors().iter().map(ring));
                Polygon::with_holes(rings)
            })
            .collect();
        let stroke = LineStyle::solid(colour, OUTLINE_PX);
        items.push(LegendItem {
            label: year.to_string(),
            symbol: Symbol::Line(stroke.clone()),
        });
        scene.layers.push(SceneLayer {
            name: format!("area {year}"),
            // Over the density's place: under water, boundaries and events.
            z: z::DENSITY,
            content: LayerContent::Polygons {
                polygons,
                fill: None,
                stroke: Some(stroke),
            },
        });
    }
    scene.legend.title = legend_title.to_string();
    scene.legend.unit = String::new();
    scene.legend.stops = Vec::new();
    items.append(&mut scene.legend.items);
    scene.legend.items = items;
    scene
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_colours_run_dark_to_light_and_differ() {
        let c = year_colours(13);
        assert_eq!(c.len(), 13);
        let lum = |c: &Colour| {
            let [r, g, b, _] = c.to_array();
            0.2126 * f32::from(r) + 0.7152 * f32::from(g) + 0.0722 * f32::from(b)
        };
        assert!(
            c.windows(2).all(|w| lum(&w[0]) < lum(&w[1])),
            "luminance rises"
        );
        assert!(
            lum(&c[12]) < 230.0,
            "the last year stays visible on a light page"
        );
        assert_eq!(year_colours(1).len(), 1);
        assert!(year_colours(0).is_empty());
    }
}
