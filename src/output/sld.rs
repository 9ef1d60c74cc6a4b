//! OGC Styled Layer Descriptor 1.1 (Symbology Encoding) documents: the same styles as the
//! QML files, for the `styleSLD` column of a GeoPackage's `layer_styles`, which GIS
//! other than QGIS (GeoServer, ArcGIS Pro's importer, OpenLayers tools) read. Written in
//! the form QGIS itself exports (`se:` symbolizers, `ogc:` filters).

use std::fmt::Write as _;

/// Which features a rule draws.
#[derive(Debug, Clone)]
pub enum Filter {
    /// Every feature.
    All,
    /// `field` = `value`.
    Equals(String, String),
    /// `field` is one of the values.
    OneOf(String, Vec<String>),
    /// `lower` (included when `closed_below`) < `field` <= `upper`.
    Range {
        field: String,
        lower: f64,
        upper: f64,
        closed_below: bool,
    },
}

/// How a rule draws.
#[derive(Debug, Clone, Copy)]
pub enum Symbolizer {
    /// A filled circle with a thin dark outline, `size_mm` across.
    Circle { fill: [u8; 4], size_mm: f64 },
    /// An outline only; `dash` in mm ("4 2"), none for solid.
    Outline {
        stroke: [u8; 4],
        width_mm: f64,
        dash: Option<&'static str>,
    },
    /// A filled polygon with a thin dark outline.
    Fill { fill: [u8; 4] },
    /// A filled polygon with its own outline.
    Area {
        fill: [u8; 4],
        stroke: [u8; 4],
        width_mm: f64,
    },
    /// A line.
    Line { stroke: [u8; 4], width_mm: f64 },
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub title: String,
    pub filter: Filter,
    pub symbolizer: Symbolizer,
}

/// The SLD document for `layer` with `rules`, in order.
pub fn document(layer: &str, rules: &[Rule]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<StyledLayerDescriptor xmlns=\"http://www.opengis.net/sld\" xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:se=\"http://www.opengis.net/se\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" version=\"1.1.0\" xsi:schemaLocation=\"http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd\">\n",
    );
    let name = esc(layer);
    let _ = write!(
        s,
        "  <NamedLayer>\n    <se:Name>{name}</se:Name>\n    <UserStyle>\n      <se:Name>{name}</se:Name>\n      <se:FeatureTypeStyle>\n"
    );
    for r in rules {
        let title = esc(&r.title);
        let filter = match &r.filter {
            Filter::All => String::new(),
            f => format!(
                "          <ogc:Filter xmlns:ogc=\"http://www.opengis.net/ogc\">\n{}          </ogc:Filter>\n",
                filter(f)
            ),
        };
        let _ = write!(
            s,
            "        <se:Rule>\n          <se:Name>{title}</se:Name>\n          <se:Description>\n            <se:Title>{title}</se:Title>\n          </se:Description>\n{filter}{}        </se:Rule>\n",
            symbolizer(r.symbolizer)
        );
    }
    s.push_str("      </se:FeatureTypeStyle>\n    </UserStyle>\n  </NamedLayer>\n</StyledLayerDescriptor>\n");
    s
}

fn compare(op: &str, field: &str, value: &str, indent: &str) -> String {
    format!(
        "{indent}<ogc:{op}>\n{indent}  <ogc:PropertyName>{}</ogc:PropertyName>\n{indent}  <ogc:Literal>{}</ogc:Literal>\n{indent}</ogc:{op}>\n",
        esc(field),
        esc(value)
    )
}

fn filter(f: &Filter) -> String {
    const IN: &str = "            ";
    const IN2: &str = "              ";
    match f {
        Filter::All => String::new(),
        Filter::Equals(field, value) => compare("PropertyIsEqualTo", field, value, IN),
        Filter::OneOf(field, values) => {
            let each: String = values
                .iter()
                .map(|v| compare("PropertyIsEqualTo", field, v, IN2))
                .collect();
            format!("{IN}<ogc:Or>\n{each}{IN}</ogc:Or>\n")
        }
        Filter::Range {
            field,
            lower,
            upper,
            closed_below,
        } => {
            let op = if *closed_below {
                "PropertyIsGreaterThanOrEqualTo"
            } else {
                "PropertyIsGreaterThan"
            };
            format!(
                "{IN}<ogc:And>\n{}{}{IN}</ogc:And>\n",
                compare(op, field, &lower.to_string(), IN2),
                compare(
                    "PropertyIsLessThanOrEqualTo",
                    field,
                    &upper.to_string(),
                    IN2
                )
            )
        }
    }
}

fn params(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("<se:SvgParameter name=\"{k}\">{}</se:SvgParameter>", esc(v)))
        .collect()
}

fn hex([r, g, b, _]: [u8; 4]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn opacity([.., a]: [u8; 4]) -> String {
    format!("{:.3}", f64::from(a) / 255.0)
}

/// Millimetres as SE's default unit, pixels at 0.28 mm (the standard rendering pixel).
fn px(mm: f64) -> String {
    format!("{:.2}", mm / 0.28)
}

const DARK: [u8; 4] = [35, 35, 35, 255];

fn symbolizer(s: Symbolizer) -> String {
    let stroke = |c: [u8; 4], mm: f64| {
        params(&[
            ("stroke", hex(c)),
            ("stroke-opacity", opacity(c)),
            ("stroke-width", px(mm)),
        ])
    };
    match s {
        Symbolizer::Circle { fill, size_mm } => format!(
            "          <se:PointSymbolizer>\n            <se:Graphic>\n              <se:Mark>\n                <se:WellKnownName>circle</se:WellKnownName>\n                <se:Fill>{}</se:Fill>\n                <se:Stroke>{}</se:Stroke>\n              </se:Mark>\n              <se:Size>{}</se:Size>\n            </se:Graphic>\n          </se:PointSymbolizer>\n",
            params(&[("fill", hex(fill)), ("fill-opacity", opacity(fill))]),
            stroke(DARK, 0.2),
            px(size_mm)
        ),
        Symbolizer::Outline {
            stroke: c,
            width_mm,
            dash,
        } => {
            let dash = dash.map_or(String::new(), |d| {
                let px: Vec<String> = d
                    .split_whitespace()
                    .filter_map(|v| v.parse::<f64>().ok())
                    .map(px)
                    .collect();
                params(&[("stroke-dasharray", px.join(" "))])
            });
            format!(
                "          <se:PolygonSymbolizer>\n            <se:Stroke>{}{dash}</se:Stroke>\n          </se:PolygonSymbolizer>\n",
                stroke(c, width_mm)
            )
        }
        Symbolizer::Fill { fill } => format!(
            "          <se:PolygonSymbolizer>\n            <se:Fill>{}</se:Fill>\n            <se:Stroke>{}</se:Stroke>\n          </se:PolygonSymbolizer>\n",
            params(&[("fill", hex(fill)), ("fill-opacity", opacity(fill))]),
            stroke(DARK, 0.26)
        ),
        Symbolizer::Area {
            fill,
            stroke: c,
            width_mm,
        } => format!(
            "          <se:PolygonSymbolizer>\n            <se:Fill>{}</se:Fill>\n            <se:Stroke>{}</se:Stroke>\n          </se:PolygonSymbolizer>\n",
            params(&[("fill", hex(fill)), ("fill-opacity", opacity(fill))]),
            stroke(c, width_mm)
        ),
        Symbolizer::Line {
            stroke: c,
            width_mm,
        } => format!(
            "          <se:LineSymbolizer>\n            <se:Stroke>{}</se:Stroke>\n          </se:LineSymbolizer>\n",
            stroke(c, width_mm)
        ),
    }
}

/// Escapes XML text and attribute values.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_filters_and_symbolizers_are_well_formed() {
        let rules = [
            Rule {
                title: "Attacks <1>".into(),
                filter: Filter::Equals("cat_x".into(), "1".into()),
                symbolizer: Symbolizer::Circle {
                    fill: [200, 0, 0, 255],
                    size_mm: 2.0,
                },
            },
            Rule {
                title: "Bands".into(),
                filter: Filter::OneOf("kind".into(), vec!["band".into(), "band_part".into()]),
                symbolizer: Symbolizer::Outline {
                    stroke: [0, 0, 255, 255],
                    width_mm: 0.5,
                    dash: Some("4 2"),
                },
            },
            Rule {
                title: "0 – 1.5".into(),
                filter: Filter::Range {
                    field: "rate".into(),
                    lower: 0.0,
                    upper: 1.5,
                    closed_below: true,
                },
                symbolizer: Symbolizer::Fill {
                    fill: [1, 2, 3, 220],
                },
            },
        ];
        let doc = document("events", &rules);
        let xml = roxmltree::Document::parse(&doc).expect("well-formed XML");
        let root = xml.root_element();
        assert_eq!(root.tag_name().name(), "StyledLayerDescriptor");
        assert_eq!(root.attribute("version"), Some("1.1.0"));
        let names: Vec<&str> = xml
            .descendants()
            .filter(|n| n.has_tag_name(("http://www.opengis.net/se", "Rule")))
            .map(|n| {
                n.descendants()
                    .find(|c| c.has_tag_name(("http://www.opengis.net/se", "Title")))
                    .and_then(|t| t.text())
                    .unwrap()
            })
            .collect();
        assert_eq!(names, ["Attacks <1>", "Bands", "0 – 1.5"]);
        assert!(doc.contains("<ogc:PropertyIsGreaterThanOrEqualTo>"));
        assert!(doc.contains("<se:SvgParameter name=\"fill\">#c80000</se:SvgParameter>"));
        assert!(
            doc.contains("<se:SvgParameter name=\"stroke-dasharray\">14.29 7.14</se:SvgParameter>")
        );
        assert_eq!(doc.matches("<ogc:PropertyIsEqualTo>").count(), 3);
    }
}
