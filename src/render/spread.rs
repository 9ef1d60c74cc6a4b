//! Drawing the spread products: the expansion map (one outline per year of where a
//! density reached a threshold, on the maps' basemap and furniture) and its per-year
//! sequential colours.

use geo::MultiPolygon;

use crate::analysis::density::DensityGrid;
use crate::model::Colour;
#[cfg(doc)]
use crate::render::compose::MapView;
use crate::render::geom::{Polygon, PxPoint, PxRect};
use crate::render::ramp::RampName;
use crate::render::scene::{
    DensityImage, LayerContent, LegendItem, LineStyle, MapScene, SceneLayer, Symbol, z,
};

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

/// A diverging, colour-blind-safe scale symmetric about zero (ColorBrewer RdBu, from
/// d3-scale-chromatic): increases red, decreases blue, white at zero; `max` is the
/// absolute value at both ends. Colour position is the square root of |change| / max
/// (signed), as the heatmaps' square-root scale, so that one extreme cell does not leave
/// every other change near white. Positions under [`Diverging::CLEAR`] are transparent,
/// so the basemap shows where nothing changed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Diverging {
    pub max: f32,
}

impl Diverging {
    /// Colour position below which a change is not drawn (0.1: 1 % of `max`).
    pub const CLEAR: f32 = 0.1;

    /// The scale topped by the largest absolute value of `values` (1 when all are 0).
    pub fn symmetric(values: &[f32]) -> Diverging {
        let max = values
            .iter()
            .map(|v| v.abs())
            .filter(|v| v.is_finite())
            .fold(0.0, f32::max);
        Diverging {
            max: if max > 0.0 { max } else { 1.0 },
        }
    }

    /// Straight RGBA of a change `v` (values beyond ±max get the end colours).
    pub fn colour(&self, v: f32) -> [u8; 4] {
        let t = (v / self.max).clamp(-1.0, 1.0);
        let t = t.signum() * t.abs().sqrt();
        if !t.is_finite() || t.abs() < Self::CLEAR {
            return [0; 4];
        }
        // RdBu runs red (0) to blue (1).
        let c = colorous::RED_BLUE.eval_continuous(f64::from(0.5 - 0.5 * t));
        [c.r, c.g, c.b, 255]
    }

    /// Legend stops evenly spaced in colour: −max, −max/4, 0, max/4, max (zero drawn
    /// white).
    pub fn legend_stops(&self) -> Vec<(f64, [u8; 4])> {
        [-1.0, -0.25, 0.0, 0.25, 1.0]
            .into_iter()
            .map(|f: f32| {
                let v = f * self.max;
                let c = if f == 0.0 {
                    let w = colorous::RED_BLUE.eval_continuous(0.5);
                    [w.r, w.g, w.b, 255]
                } else {
                    self.colour(v)
                };
                (f64::from(v), c)
            })
            .collect()
    }
}

/// The change map: `template` with the difference `grid` drawn over `rect` on its
/// [`Diverging::symmetric`] scale, and that scale in the legend under `legend_title`
/// and `unit`. Returns the scene and the scale.
pub fn change_scene(
    template: &MapScene,
    grid: &DensityGrid,
    rect: PxRect,
    legend_title: &str,
    unit: &str,
) -> (MapScene, Diverging) {
    let scale = Diverging::symmetric(&grid.values);
    let mut scene = template.clone();
    scene.add_density(DensityImage {
        width: grid.spec.width as u32,
        height: grid.spec.height as u32,
        pixels: grid.values.iter().map(|v| scale.colour(*v)).collect(),
        rect,
        opacity: 1.0,
        clip: Vec::new(),
        smooth: true,
    });
    scene.set_ramp(legend_title, unit, scale.legend_stops());
    (scene, scale)
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
    scene.legend.classes(legend_title, items);
    scene
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diverging_is_symmetric_about_zero() {
        let d = Diverging::symmetric(&[-3.0, 1.0, 2.0]);
        assert_eq!(d.max, 3.0);
        assert_eq!(d.colour(0.0), [0; 4], "no change: transparent");
        let (up, down) = (d.colour(3.0), d.colour(-3.0));
        assert!(
            up[0] > up[2] && down[2] > down[0],
            "increase red, decrease blue"
        );
        // Equal changes either way are equally far from white.
        let dist = |c: [u8; 4]| c[..3].iter().map(|x| u32::from(255 - *x)).sum::<u32>();
        assert!((dist(d.colour(1.5)) as i64 - dist(d.colour(-1.5)) as i64).abs() < 60);
        assert_eq!(d.colour(30.0), d.colour(3.0));
        assert_eq!(d.colour(0.02), [0; 4], "under 1 % of the top: not drawn");
        let stops = d.legend_stops();
        assert_eq!(
            stops.iter().map(|s| s.0).collect::<Vec<_>>(),
            [-3.0, -0.75, 0.0, 0.75, 3.0]
        );
        assert_eq!(Diverging::symmetric(&[0.0]).max, 1.0);
    }

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
