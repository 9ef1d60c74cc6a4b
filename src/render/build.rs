//! Builder helpers for [`MapScene`]: standard layers take their colours and widths from
//! the scene's style, and layers the style hides are skipped.

use crate::model::{Colour, Style};
use crate::render::geom::{Polygon, PxPoint, PxRect};
use crate::render::page;
use crate::render::scene::{
    DensityImage, LabelKind, LabelRequest, LayerContent, Legend, LegendItem, LineStyle, MapScene,
    NorthArrow, Role, SceneLayer, Symbol, ZoneKind, ZoneOutline, z,
};

impl MapScene {
    /// An empty scene of the style's size, with its frame laid out for these texts.
    pub fn new(
        style: Style,
        title: impl Into<String>,
        subtitle: impl Into<String>,
        credits: Vec<String>,
    ) -> MapScene {
        let mut scene = MapScene {
            width: style.map.width,
            height: style.map.height,
            scale: 1.0,
            frame: PxRect::new(0.0, 0.0, 1.0, 1.0),
            style,
            layers: Vec::new(),
            labels: Vec::new(),
            zones: Vec::new(),
            title: title.into(),
            subtitle: subtitle.into(),
            legend: Legend::default(),
            scale_bar: None,
            north_arrow: Some(NorthArrow::default()),
            inset: None,
            credits,
            synthetic: false,
            period: None,
        };
        scene.relayout();
        scene
    }

    /// Recomputes [`MapScene::frame`] after a change of size, style or credits.
    pub fn relayout(&mut self) {
        self.frame = page::layout(self).frame;
    }

    /// Adds polygons of a standard role: `Neighbours`, `Country` (fill), `Lakes`, `Adm1`
    /// or `CountryOutline` (outlines).
    pub fn add_polygons(&mut self, role: Role, polygons: Vec<Polygon>) {
        let Some((name, z, fill, stroke)) = self.role_look(role) else {
            return;
        };
        let content = LayerContent::Polygons {
            polygons,
            fill,
            stroke,
        };
        self.push(name, z, content);
    }

    /// Adds lines of a standard role: `Rivers`, `Adm1` or `CountryOutline`.
    pub fn add_lines(&mut self, role: Role, lines: Vec<Vec<PxPoint>>) {
        let Some((name, z, _, Some(stroke))) = self.role_look(role) else {
            return;
        };
        self.push(name, z, LayerContent::Lines { lines, stroke });
    }

    fn role_look(
        &self,
        role: Role,
    ) -> Option<(&'static str, i32, Option<Colour>, Option<LineStyle>)> {
        let (c, l, show) = (&self.style.colours, &self.style.lines, &self.style.layers);
        let look = match role {
            Role::Neighbours if show.neighbours => (
                "neighbours",
                z::NEIGHBOURS,
                Some(c.neighbours),
                Some(LineStyle::solid(c.neighbour_lines, l.neighbours)),
            ),
            Role::Country => ("country", z::COUNTRY, Some(c.country), None),
            Role::Lakes if show.lakes => (
                "lakes",
                z::LAKES,
                Some(c.lakes),
                Some(LineStyle::solid(c.rivers, l.rivers * 0.5)),
            ),
            Role::Rivers if show.rivers => (
                "rivers",
                z::RIVERS,
                None,
                Some(LineStyle::solid(c.rivers, l.rivers)),
            ),
            Role::Adm1 if show.adm1 => (
                "adm1",
                z::ADM1,
                None,
                Some(LineStyle::solid(c.adm1, l.adm1)),
            ),
            Role::CountryOutline => (
                "country outline",
                z::COUNTRY_OUTLINE,
                None,
                Some(LineStyle::solid(c.country_outline, l.country)),
            ),
            _ => return None,
        };
        Some(look)
    }

    fn push(&mut self, name: &str, z: i32, content: LayerContent) {
        self.layers.push(SceneLayer {
            name: name.to_string(),
            z,
            content,
        });
    }

    /// Adds the density raster (opacity from the style).
    pub fn add_density(&mut self, mut image: DensityImage) {
        image.opacity = self.style.density.opacity;
        self.push("density", z::DENSITY, LayerContent::Raster(image));
    }

    /// Adds an animation's trail (where earlier periods had density, faded) under the
    /// density; the image's own opacity is kept.
    pub fn add_trail(&mut self, image: DensityImage) {
        self.push("trail", z::TRAIL, LayerContent::Raster(image));
    }

    /// Adds event points of one category (colour from the style) and its legend symbol.
    pub fn add_events(&mut self, category: &str, legend_label: &str, points: Vec<PxPoint>) {
        if !self.style.layers.events {
            return;
        }
        let ev = &self.style.events;
        let fill = ev.colour(category);
        let outline = Some(LineStyle::solid(ev.outline, (ev.radius * 0.3).max(0.5)));
        let radius = ev.radius;
        self.legend.items.push(LegendItem {
            label: legend_label.to_string(),
            symbol: Symbol::Dot {
                fill,
                outline: ev.outline,
                radius: radius * 1.3,
            },
        });
        let content = LayerContent::Points {
            points,
            radius,
            fill,
            outline,
        };
        self.push(&format!("events: {category}"), z::EVENTS, content);
    }

    /// A town: a dot at `at` and its name beside it; bigger towns are labelled first.
    pub fn add_town(&mut self, name: &str, at: PxPoint, population: Option<u64>, capital: bool) {
        let pop = population.unwrap_or(0) as f32;
        let priority = if capital {
            300.0
        } else {
            100.0 + 10.0 * (pop + 1.0).log10()
        };
        self.labels.push(LabelRequest {
            text: name.to_string(),
            anchor: at,
            priority,
            kind: LabelKind::Town { capital },
        });
    }

    /// A region (ADM1) name centred on `at` (a point inside the region).
    pub fn add_region_name(&mut self, name: &str, at: PxPoint) {
        self.push_label(name, at, 145.0, LabelKind::Region);
    }

    /// A neighbouring country's name centred on `at`.
    pub fn add_neighbour_name(&mut self, name: &str, at: PxPoint) {
        self.push_label(name, at, 200.0, LabelKind::Neighbour);
    }

    fn push_label(&mut self, text: &str, anchor: PxPoint, priority: f32, kind: LabelKind) {
        self.labels.push(LabelRequest {
            text: text.to_string(),
            anchor,
            priority,
            kind,
        });
    }

    /// A zone outline with its short map label ("150 km") and, if given, a legend entry.
    /// The label goes next to the outline's highest point in the frame unless you set
    /// `label_at` on the returned zone.
    pub fn add_zone(
        &mut self,
        kind: ZoneKind,
        polygons: Vec<Polygon>,
        label: &str,
        legend_label: Option<&str>,
    ) -> &mut ZoneOutline {
        if let Some(text) = legend_label {
            let (line, fill) = zone_look(&self.style, kind);
            let symbol = match kind {
                ZoneKind::Ring => Symbol::Line(line),
                ZoneKind::Band => Symbol::Area {
                    fill,
                    stroke: Some(line),
                },
            };
            self.legend.items.push(LegendItem {
                label: text.to_string(),
                symbol,
            });
        }
        self.zones.push(ZoneOutline {
            kind,
            polygons,
            label: label.to_string(),
            label_at: None,
        });
        self.zones.last_mut().expect("just pushed")
    }

    /// Sets the legend's colour ramp.
    pub fn set_ramp(&mut self, title: &str, unit: &str, stops: Vec<(f64, [u8; 4])>) {
        self.legend.title = title.to_string();
        self.legend.unit = unit.to_string();
        self.legend.stops = stops;
    }
}

/// The outline and fill of a zone kind in a style.
pub fn zone_look(style: &Style, kind: ZoneKind) -> (LineStyle, Colour) {
    let c = &style.colours;
    let w = style.lines.zones;
    match kind {
        ZoneKind::Ring => (
            LineStyle::dashed(c.ring, w, vec![w * 4.0, w * 2.5]),
            c.ring_fill,
        ),
        ZoneKind::Band => (
            LineStyle::dashed(c.band, w * 0.8, vec![w * 1.5, w * 1.5]),
            c.band_fill,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::geom::px;

    #[test]
    fn helpers_follow_the_style() {
        let mut style = Style::builtin("report").unwrap();
        style.layers.rivers = false;
        let mut s = MapScene::new(style, "t", "s", vec!["c".into()]);
        assert!(s.frame.x0 > 0.0 && s.frame.y1 < 1200.0 && s.frame.y0 > 40.0);
        s.add_lines(Role::Rivers, vec![vec![px(0.0, 0.0), px(5.0, 5.0)]]);
        assert!(s.layers.is_empty());
        s.add_polygons(
            Role::Neighbours,
            vec![Polygon::circle(px(9.0, 9.0), 5.0, 8)],
        );
        s.add_events("militant_islamist_attack", "Attacks", vec![px(1.0, 1.0)]);
        assert_eq!(s.layers.len(), 2);
        assert_eq!(s.legend.items.len(), 1);
        s.add_town("Bamako", px(1.0, 1.0), Some(2_000_000), true);
        s.add_town("Kati", px(1.0, 1.0), Some(100_000), false);
        s.add_town("Bla", px(1.0, 1.0), None, false);
        let p: Vec<f32> = s.labels.iter().map(|l| l.priority).collect();
        assert!(p[0] > p[1] && p[1] > p[2], "{p:?}");
    }
}
