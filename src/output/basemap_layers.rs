//! The basemap as GIS layers: the study country, its neighbours, rivers, lakes and
//! places from the study's boundary files, each with a style in the report style's
//! colours, so that a QGIS project (see [`crate::output::qgis_project`]) shows the same
//! map as the PNGs without any file from outside the output folder.

use geo::Geometry;

use crate::model::Boundaries;
use crate::model::colour::Colour;
use crate::model::style::Style;
use crate::output::layer::{Feature, Field, FieldType, GeometryKind, Value, VectorLayer};
use crate::output::qml::{Plain, plain_qml, plain_sld};

/// A basemap layer with its QML and SLD styles, and the title of its single rule.
pub struct BasemapLayer {
    pub layer: VectorLayer,
    pub title: String,
    pub qml: String,
    pub sld: String,
}

fn rgba(c: Colour) -> [u8; 4] {
    [c.r, c.g, c.b, c.a]
}

/// The basemap layers that have features, bottom to top: neighbours, country, lakes,
/// rivers, places. Names are prefixed `basemap_`.
pub fn basemap_layers(b: &Boundaries, style: &Style) -> Vec<BasemapLayer> {
    let c = &style.colours;
    let text = |name: &str| Field::new(name, FieldType::Text);
    let opt = |v: &Option<String>| v.clone().map_or(Value::Null, Value::Text);
    let mut out = Vec::new();
    let mut push = |name: &str, title: &str, kind, fields, features: Vec<Feature>, plain| {
        if features.is_empty() {
            return;
        }
        let name = format!("basemap_{name}");
        out.push(BasemapLayer {
            qml: plain_qml(plain),
            sld: plain_sld(&name, title, plain),
            title: title.into(),
            layer: VectorLayer {
                description: format!("Basemap: {title} (from the study's boundary files)"),
                name,
                geometry: kind,
                fields,
                features,
            },
        });
    };
    push(
        "neighbours",
        "Neighbouring countries",
        GeometryKind::MultiPolygon,
        vec![text("name"), text("code")],
        b.neighbours()
            .items
            .iter()
            .map(|n| Feature {
                geometry: Geometry::MultiPolygon(n.geometry.clone()),
                values: vec![Value::Text(n.name.clone()), Value::Text(n.code.clone())],
            })
            .collect(),
        Plain::Area {
            fill: rgba(c.neighbours),
            outline: rgba(c.neighbour_lines),
            width_mm: 0.3,
        },
    );
    push(
        "country",
        b.name(),
        GeometryKind::MultiPolygon,
        vec![text("name"), text("code")],
        vec![Feature {
            geometry: Geometry::MultiPolygon(b.outline().clone()),
            values: vec![
                Value::Text(b.name().into()),
                b.iso3().map_or(Value::Null, |v| Value::Text(v.into())),
            ],
        }],
        Plain::Area {
            fill: rgba(c.country),
            outline: rgba(c.country_outline),
            width_mm: 0.5,
        },
    );
    push(
        "lakes",
        "Lakes",
        GeometryKind::MultiPolygon,
        vec![text("name")],
        b.lakes()
            .items
            .iter()
            .map(|l| Feature {
                geometry: Geometry::MultiPolygon(l.geometry.clone()),
                values: vec![opt(&l.name)],
            })
            .collect(),
        Plain::Area {
            fill: rgba(c.lakes),
            outline: rgba(c.rivers),
            width_mm: 0.1,
        },
    );
    push(
        "rivers",
        "Rivers",
        GeometryKind::MultiLineString,
        vec![text("name")],
        b.rivers()
            .items
            .iter()
            .map(|r| Feature {
                geometry: Geometry::MultiLineString(r.geometry.clone()),
                values: vec![opt(&r.name)],
            })
            .collect(),
        Plain::Line {
            colour: rgba(c.rivers),
            width_mm: 0.4,
        },
    );
    push(
        "places",
        "Places",
        GeometryKind::Point,
        vec![text("name"), Field::new("population", FieldType::Integer)],
        b.places()
            .items
            .iter()
            .map(|p| Feature {
                geometry: Geometry::Point(geo::Point::new(p.pos.lon(), p.pos.lat())),
                values: vec![
                    Value::Text(p.name.clone()),
                    p.population
                        .map_or(Value::Null, |v| Value::Int(v.min(i64::MAX as u64) as i64)),
                ],
            })
            .collect(),
        Plain::Places {
            fill: rgba(c.towns),
            size_mm: 1.6,
        },
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::study::Study;

    #[test]
    fn the_default_study_has_every_basemap_layer_styled() {
        let study = Study::mali();
        let b = Boundaries::load(&study).unwrap();
        let style = Style::builtin("report").unwrap();
        let layers = basemap_layers(&b, &style);
        let names: Vec<&str> = layers.iter().map(|l| l.layer.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "basemap_neighbours",
                "basemap_country",
                "basemap_lakes",
                "basemap_rivers",
                "basemap_places"
            ]
        );
        for l in &layers {
            assert!(!l.layer.features.is_empty(), "{}", l.layer.name);
            for f in &l.layer.features {
                assert_eq!(f.values.len(), l.layer.fields.len(), "{}", l.layer.name);
            }
            assert!(l.qml.contains("singleSymbol"), "{}", l.layer.name);
            assert!(l.sld.contains("<se:Rule>"), "{}", l.layer.name);
        }
        let places = layers.last().unwrap();
        assert!(places.qml.contains("labelsEnabled=\"1\""));
        assert!(
            places
                .layer
                .features
                .iter()
                .any(|f| f.values[0] == Value::Text("Bamako".into()))
        );
    }
}
