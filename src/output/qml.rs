//! QGIS style files (QML) for the exported layers, so that a layer opens already styled
//! as in the report maps. Each function returns the whole, self-contained document: the
//! same text goes into a `.qml` file beside a GeoJSON/GeoTIFF (QGIS loads it
//! automatically) and into a GeoPackage's `layer_styles.styleQML`.
//!
//! Only the symbology category is written (`styleCategories="Symbology"`), so loading a
//! style never touches the layer's fields, forms or labels.

use std::fmt::Write as _;
use std::path::Path;

use crate::error::Result;
use crate::output::atomic::write_bytes_atomic;
use crate::output::sld::{self, Filter, Rule, Symbolizer};
use crate::render::legend::format_value;
use crate::render::ramp::ColourScale;

/// The zones layer's field telling rings from bands ("ring" / "band"): [`zones_qml`]
/// dashes the rings, as the report maps do.
pub const ZONE_KIND_FIELD: &str = "kind";

/// Stops sampled from the ramp for [`density_qml`]: enough that the piecewise-linear
/// interpolation QGIS does between them follows a square-root scale too.
const DENSITY_STOPS: usize = 11;

const OUTLINE: [u8; 4] = [35, 35, 35, 255];
/// Outlines of the zones, as in the report style (ring dark, border band blue).
const RING_COLOUR: [u8; 4] = [0x1d, 0x1d, 0x1d, 255];
const BAND_COLOUR: [u8; 4] = [0x1f, 0x5f, 0x9e, 255];
/// Event markers' diameter.
const MARKER_MM: f64 = 2.0;
/// Sets of regions ("southern Mali"): dotted, apart from rings and bands.
const REGIONS_COLOUR: [u8; 4] = [0x6a, 0x3d, 0x9a, 255];

/// Writes a style returned by one of this module's functions, atomically.
pub fn write_qml(text: &str, path: &Path) -> Result<()> {
    write_bytes_atomic(path, text.as_bytes())
}

/// Categorized point markers on a text or boolean `field`: one (value, label, RGBA)
/// per category. Boolean values are matched as text: "true" / "false".
pub fn events_qml(field: &str, categories: &[(&str, &str, [u8; 4])]) -> String {
    categorized(field, categories, marker_symbol, 0)
}

/// Categorized polygon outlines without fill on `field`: one (value, label, RGBA) per
/// category, e.g. one colour per year of the spread's expansion areas.
pub fn outlines_qml(field: &str, categories: &[(&str, &str, [u8; 4])]) -> String {
    categorized(
        field,
        categories,
        |name, colour| outline_symbol(name, colour, 0.6, "solid"),
        2,
    )
}

/// A categorized renderer on `field`, a symbol per category made by `symbol(name,
/// colour)`, for layers of QGIS geometry type `geometry_type` (0 points, 2 polygons).
fn categorized(
    field: &str,
    categories: &[(&str, &str, [u8; 4])],
    symbol: impl Fn(&str, [u8; 4]) -> String,
    geometry_type: u8,
) -> String {
    let mut cats = String::new();
    let mut symbols = String::new();
    for (i, (value, label, colour)) in categories.iter().enumerate() {
        let _ = writeln!(
            cats,
            "      <category symbol=\"{i}\" value=\"{}\" label=\"{}\" type=\"string\" render=\"true\"/>",
            esc(value),
            esc(label)
        );
        symbols.push_str(&symbol(&i.to_string(), *colour));
    }
    let body = format!(
        "  <renderer-v2 type=\"categorizedSymbol\" attr=\"{}\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\" referencescale=\"-1\">\n    <categories>\n{cats}    </categories>\n    <symbols>\n{symbols}    </symbols>\n  </renderer-v2>\n  <layerGeometryType>{geometry_type}</layerGeometryType>\n",
        esc(field)
    );
    document(&body)
}

/// Zone outlines without fill: rings (`"kind" = 'ring'`) dashed dark grey, every other
/// zone (border bands) a thinner solid blue line, in the report maps' colours.
pub fn zones_qml() -> String {
    let is = |kind: &str| esc(&format!("\"{ZONE_KIND_FIELD}\" = '{kind}'"));
    let mut symbols = outline_symbol("0", RING_COLOUR, 0.6, "dash");
    symbols.push_str(&outline_symbol("1", BAND_COLOUR, 0.5, "solid"));
    symbols.push_str(&outline_symbol("2", REGIONS_COLOUR, 0.5, "dot"));
    let body = format!(
        "  <renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\" referencescale=\"-1\">\n    <rules>\n      <rule symbol=\"0\" label=\"Ring\" filter=\"{ring}\"/>\n      <rule symbol=\"1\" label=\"Border band\" filter=\"{band}\"/>\n      <rule symbol=\"2\" label=\"Set of regions\" filter=\"{regions}\"/>\n    </rules>\n    <symbols>\n{symbols}    </symbols>\n  </renderer-v2>\n  <layerGeometryType>2</layerGeometryType>\n",
        ring = is("ring"),
        band = esc(&format!("\"{ZONE_KIND_FIELD}\" IN ('band', 'band_part')")),
        regions = is("regions"),
    );
    document(&body)
}

/// Graduated polygon fills on a numeric `field`: class `i` runs from `breaks[i]` to
/// `breaks[i + 1]` in `colours[i]`, labelled "lower – upper `unit`".
///
/// # Panics
/// When `breaks` does not have one more value than `colours` (a caller's bug).
pub fn choropleth_qml(field: &str, breaks: &[f64], colours: &[[u8; 4]], unit: &str) -> String {
    assert_eq!(
        breaks.len(),
        colours.len() + 1,
        "choropleth: n classes need n + 1 breaks"
    );
    let mut ranges = String::new();
    let mut symbols = String::new();
    for (i, (pair, colour)) in breaks.windows(2).zip(colours).enumerate() {
        let (lower, upper) = (pair[0], pair[1]);
        let _ = writeln!(
            ranges,
            "      <range symbol=\"{i}\" lower=\"{lower}\" upper=\"{upper}\" label=\"{} – {} {}\" render=\"true\"/>",
            label_number(lower),
            label_number(upper),
            esc(unit)
        );
        symbols.push_str(&fill_symbol(&i.to_string(), *colour));
    }
    let body = format!(
        "  <renderer-v2 type=\"graduatedSymbol\" attr=\"{}\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\" referencescale=\"-1\">\n    <ranges>\n{ranges}    </ranges>\n    <symbols>\n{symbols}    </symbols>\n  </renderer-v2>\n  <layerGeometryType>2</layerGeometryType>\n",
        esc(field)
    );
    document(&body)
}

/// A density band (1-based `band`) in the colours of the PNG maps: the same ramp, the
/// same fixed range (threshold to the scale's maximum, not the band's own statistics)
/// and transparent below the threshold.
pub fn density_qml(scale: &ColourScale, band: u32) -> String {
    let stops = scale.legend_stops(DENSITY_STOPS);
    let min = f64::from(scale.threshold.max(0.0));
    let max = f64::from(scale.max);
    let mut items: Vec<(f64, [u8; 4])> = Vec::new();
    if scale.threshold > 0.0 {
        // QGIS gives values at or below the first item its colour: make that item the
        // largest float below the threshold, transparent, so the step is at the threshold.
        let below = f32::from_bits(scale.threshold.to_bits() - 1);
        items.push((f64::from(below), [0; 4]));
    }
    items.extend(stops.iter().map(|&(v, c)| (f64::from(v), c)));
    let mut xml_items = String::new();
    for (v, [r, g, b, a]) in &items {
        let _ = writeln!(
            xml_items,
            "          <item value=\"{v}\" label=\"{}\" color=\"#{r:02x}{g:02x}{b:02x}\" alpha=\"{a}\"/>",
            label_number(*v)
        );
    }
    let span = (max - min).max(f64::MIN_POSITIVE);
    let ramp_stops: Vec<String> = items
        .iter()
        .skip(1)
        .take(items.len().saturating_sub(2))
        .map(|(v, c)| format!("{};{}", ((v - min) / span).clamp(0.0, 1.0), rgba(*c)))
        .collect();
    let (first, last) = (items[0].1, items[items.len() - 1].1);
    let body = format!(
        r#"  <pipe>
    <rasterrenderer type="singlebandpseudocolor" band="{band}" opacity="1" alphaBand="-1" nodataColor="" classificationMin="{min}" classificationMax="{max}">
      <rasterTransparency/>
      <minMaxOrigin>
        <limits>None</limits>
        <extent>WholeRaster</extent>
        <statAccuracy>Estimated</statAccuracy>
        <cumulativeCutLower>0.02</cumulativeCutLower>
        <cumulativeCutUpper>0.98</cumulativeCutUpper>
        <stdDevFactor>2</stdDevFactor>
      </minMaxOrigin>
      <rastershader>
        <colorrampshader colorRampType="INTERPOLATED" classificationMode="1" clip="0" minimumValue="{min}" maximumValue="{max}" labelPrecision="3">
          <colorramp type="gradient" name="[source]">
            <Option type="Map">
              <Option type="QString" name="color1" value="{c1}"/>
              <Option type="QString" name="color2" value="{c2}"/>
              <Option type="QString" name="discrete" value="0"/>
              <Option type="QString" name="rampType" value="gradient"/>
              <Option type="QString" name="stops" value="{stops}"/>
            </Option>
          </colorramp>
{xml_items}          <rampLegendSettings minimumLabel="{min_label}" maximumLabel="{max_label}" prefix="" suffix="" direction="0" useContinuousLegend="1" orientation="2"/>
        </colorrampshader>
      </rastershader>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation saturation="0" grayscaleMode="0" colorizeOn="0" invertColors="0"/>
    <rasterresampler maxOversample="2"/>
    <resamplingStage>resamplingFilter</resamplingStage>
  </pipe>
  <blendMode>0</blendMode>
"#,
        c1 = rgba(first),
        c2 = rgba(last),
        // The legend's ends as the maps' ticks label them, not with QGIS's six decimals.
        min_label = format_value(min),
        max_label = format_value(max),
        stops = ramp_stops.join(":"),
    );
    document(&body)
}

/// How a basemap layer is drawn: one symbol for every feature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Plain {
    /// Polygons filled with `fill`, outlined in `outline`.
    Area {
        fill: [u8; 4],
        outline: [u8; 4],
        width_mm: f64,
    },
    /// Lines.
    Line { colour: [u8; 4], width_mm: f64 },
    /// Points as circles, labelled with the `name` field.
    Places { fill: [u8; 4], size_mm: f64 },
}

/// A single-symbol style for a basemap layer (country, neighbours, rivers, lakes,
/// places), in the colours of the report style; places get their names as labels.
pub fn plain_qml(plain: Plain) -> String {
    let (symbol, geometry_type, labels) = match plain {
        Plain::Area {
            fill,
            outline,
            width_mm,
        } => (area_symbol("0", fill, outline, width_mm), 2, None),
        Plain::Line { colour, width_mm } => (line_symbol("0", colour, width_mm), 1, None),
        Plain::Places { fill, size_mm } => {
            (circle_symbol("0", fill, size_mm), 0, Some(place_labels()))
        }
    };
    let body = format!(
        "  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\" referencescale=\"-1\">\n    <symbols>\n{symbol}    </symbols>\n  </renderer-v2>\n{}  <layerGeometryType>{geometry_type}</layerGeometryType>\n",
        labels.as_deref().unwrap_or("")
    );
    match labels {
        // Labels are a style category of their own: declared, and switched on.
        Some(_) => document(&body).replacen(
            "styleCategories=\"Symbology\"",
            "styleCategories=\"Symbology|Labeling\" labelsEnabled=\"1\"",
            1,
        ),
        None => document(&body),
    }
}

/// The SLD of [`plain_qml`] (for `layer`, the rule titled `title`).
pub fn plain_sld(layer: &str, title: &str, plain: Plain) -> String {
    let symbolizer = match plain {
        Plain::Area {
            fill,
            outline,
            width_mm,
        } => Symbolizer::Area {
            fill,
            stroke: outline,
            width_mm,
        },
        Plain::Line { colour, width_mm } => Symbolizer::Line {
            stroke: colour,
            width_mm,
        },
        Plain::Places { fill, size_mm } => Symbolizer::Circle { fill, size_mm },
    };
    let rule = Rule {
        title: title.into(),
        filter: Filter::All,
        symbolizer,
    };
    sld::document(layer, &[rule])
}

/// Place names beside their markers, dark on a white halo (DejaVu Sans, as the maps).
fn place_labels() -> String {
    "  <labeling type=\"simple\">\n    <settings calloutType=\"simple\">\n      <text-style fieldName=\"name\" isExpression=\"0\" fontFamily=\"DejaVu Sans\" fontSize=\"8\" fontSizeUnit=\"Point\" textColor=\"50,50,50,255\" textOpacity=\"1\" fontWeight=\"50\" fontItalic=\"0\" namedStyle=\"Book\" multilineHeight=\"1\" blendMode=\"0\" allowHtml=\"0\" previewBkgrdColor=\"255,255,255,255\">\n        <text-buffer bufferDraw=\"1\" bufferSize=\"0.7\" bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\" bufferOpacity=\"0.85\" bufferJoinStyle=\"128\" bufferNoFill=\"1\" bufferBlendMode=\"0\"/>\n      </text-style>\n      <text-format wrapChar=\"\" autoWrapLength=\"0\" multilineAlign=\"3\" addDirectionSymbol=\"0\" formatNumbers=\"0\" decimals=\"3\" plussign=\"0\"/>\n      <placement placement=\"6\" dist=\"1\" distUnits=\"MM\" predefinedPositionOrder=\"TR,TL,BR,BL,R,L,TSR,BSR\" priority=\"5\" offsetType=\"1\" quadOffset=\"4\" xOffset=\"0\" yOffset=\"0\" offsetUnits=\"MM\" rotationAngle=\"0\" placementFlags=\"10\" centroidWhole=\"0\" centroidInside=\"0\" fitInPolygonOnly=\"0\" overrunDistance=\"0\" overrunDistanceUnit=\"MM\" repeatDistance=\"0\" repeatDistanceUnits=\"MM\" maxCurvedCharAngleIn=\"25\" maxCurvedCharAngleOut=\"-25\" preserveRotation=\"1\" geometryGenerator=\"\" geometryGeneratorEnabled=\"0\" geometryGeneratorType=\"PointGeometry\" layerType=\"PointGeometry\" lineAnchorPercent=\"0.5\" lineAnchorType=\"0\" lineAnchorClipping=\"0\" labelOffsetMapUnitScale=\"3x:0,0,0,0,0,0\" distMapUnitScale=\"3x:0,0,0,0,0,0\" repeatDistanceMapUnitScale=\"3x:0,0,0,0,0,0\" overrunDistanceMapUnitScale=\"3x:0,0,0,0,0,0\" polygonPlacementFlags=\"2\" rotationUnit=\"AngleDegrees\"/>\n      <rendering obstacle=\"1\" obstacleFactor=\"1\" obstacleType=\"1\" displayAll=\"0\" upsidedownLabels=\"0\" labelPerPart=\"0\" mergeLines=\"0\" limitNumLabels=\"0\" maxNumLabels=\"2000\" minFeatureSize=\"0\" scaleVisibility=\"0\" scaleMin=\"0\" scaleMax=\"0\" fontLimitPixelSize=\"0\" fontMinPixelSize=\"3\" fontMaxPixelSize=\"10000\" drawLabels=\"1\" zIndex=\"0\" unplacedVisibility=\"0\"/>\n    </settings>\n  </labeling>\n".into()
}

/// `qml` with `note` as an XML comment after its doctype (e.g. that the layer's data are
/// synthetic): seen by anyone who opens the style file.
pub fn with_note(qml: &str, note: &str) -> String {
    // "--" may not appear inside an XML comment.
    let note = note.replace("--", "- -");
    match qml.split_once('\n') {
        Some((doctype, rest)) => format!("{doctype}\n<!-- {note} -->\n{rest}"),
        None => format!("<!-- {note} -->\n{qml}"),
    }
}

/// The SLD of [`events_qml`] (for `layer`): booleans as stored in a GeoPackage (1/0).
pub fn events_sld(layer: &str, field: &str, categories: &[(&str, &str, [u8; 4])]) -> String {
    let rules: Vec<Rule> = categories
        .iter()
        .map(|(value, label, colour)| Rule {
            title: (*label).to_string(),
            filter: Filter::Equals(field.into(), gpkg_literal(value)),
            symbolizer: Symbolizer::Circle {
                fill: *colour,
                size_mm: MARKER_MM,
            },
        })
        .collect();
    sld::document(layer, &rules)
}

/// The SLD of [`outlines_qml`] (for `layer`): one outline colour per value of `field`
/// (integers such as years compare as numbers in a GeoPackage).
pub fn outlines_sld(layer: &str, field: &str, categories: &[(&str, &str, [u8; 4])]) -> String {
    let rules: Vec<Rule> = categories
        .iter()
        .map(|(value, label, colour)| Rule {
            title: (*label).to_string(),
            filter: Filter::Equals(field.into(), gpkg_literal(value)),
            symbolizer: Symbolizer::Outline {
                stroke: *colour,
                width_mm: 0.6,
                dash: None,
            },
        })
        .collect();
    sld::document(layer, &rules)
}

/// The SLD of [`zones_qml`] (for `layer`).
pub fn zones_sld(layer: &str) -> String {
    let kind = || ZONE_KIND_FIELD.to_string();
    let outline = |stroke, width_mm, dash| Symbolizer::Outline {
        stroke,
        width_mm,
        dash,
    };
    let rules = [
        Rule {
            title: "Ring".into(),
            filter: Filter::Equals(kind(), "ring".into()),
            symbolizer: outline(RING_COLOUR, 0.6, Some("2.4 1.2")),
        },
        Rule {
            title: "Border band".into(),
            filter: Filter::OneOf(kind(), vec!["band".into(), "band_part".into()]),
            symbolizer: outline(BAND_COLOUR, 0.5, None),
        },
        Rule {
            title: "Set of regions".into(),
            filter: Filter::Equals(kind(), "regions".into()),
            symbolizer: outline(REGIONS_COLOUR, 0.5, Some("0.5 1")),
        },
    ];
    sld::document(layer, &rules)
}

/// The SLD of [`choropleth_qml`] (for `layer`).
pub fn choropleth_sld(
    layer: &str,
    field: &str,
    breaks: &[f64],
    colours: &[[u8; 4]],
    unit: &str,
) -> String {
    let rules: Vec<Rule> = breaks
        .windows(2)
        .zip(colours)
        .enumerate()
        .map(|(i, (pair, colour))| Rule {
            title: format!(
                "{} – {} {unit}",
                label_number(pair[0]),
                label_number(pair[1])
            ),
            filter: Filter::Range {
                field: field.into(),
                lower: pair[0],
                upper: pair[1],
                closed_below: i == 0,
            },
            symbolizer: Symbolizer::Fill { fill: *colour },
        })
        .collect();
    sld::document(layer, &rules)
}

/// A QML category value as the GeoPackage stores it (booleans are integers there).
fn gpkg_literal(value: &str) -> String {
    match value {
        "true" => "1".into(),
        "false" => "0".into(),
        v => v.into(),
    }
}

fn document(body: &str) -> String {
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28.0-Firenze\" styleCategories=\"Symbology\">\n{body}</qgis>\n"
    )
}

fn marker_symbol(name: &str, colour: [u8; 4]) -> String {
    symbol(
        "marker",
        name,
        "SimpleMarker",
        &[
            ("angle", "0".into()),
            ("color", rgba(colour)),
            ("joinstyle", "bevel".into()),
            ("name", "circle".into()),
            ("offset", "0,0".into()),
            ("outline_color", rgba(OUTLINE)),
            ("outline_style", "solid".into()),
            ("outline_width", "0.2".into()),
            ("outline_width_unit", "MM".into()),
            ("scale_method", "diameter".into()),
            ("size", MARKER_MM.to_string()),
            ("size_unit", "MM".into()),
        ],
    )
}

fn fill_symbol(name: &str, colour: [u8; 4]) -> String {
    symbol(
        "fill",
        name,
        "SimpleFill",
        &[
            ("color", rgba(colour)),
            ("joinstyle", "bevel".into()),
            ("outline_color", rgba(OUTLINE)),
            ("outline_style", "solid".into()),
            ("outline_width", "0.26".into()),
            ("outline_width_unit", "MM".into()),
            ("style", "solid".into()),
        ],
    )
}

/// A fill symbol with its own outline colour and width.
fn area_symbol(name: &str, fill: [u8; 4], outline: [u8; 4], width_mm: f64) -> String {
    symbol(
        "fill",
        name,
        "SimpleFill",
        &[
            ("color", rgba(fill)),
            ("joinstyle", "round".into()),
            ("outline_color", rgba(outline)),
            ("outline_style", "solid".into()),
            ("outline_width", width_mm.to_string()),
            ("outline_width_unit", "MM".into()),
            ("style", "solid".into()),
        ],
    )
}

fn line_symbol(name: &str, colour: [u8; 4], width_mm: f64) -> String {
    symbol(
        "line",
        name,
        "SimpleLine",
        &[
            ("capstyle", "round".into()),
            ("joinstyle", "round".into()),
            ("line_color", rgba(colour)),
            ("line_style", "solid".into()),
            ("line_width", width_mm.to_string()),
            ("line_width_unit", "MM".into()),
        ],
    )
}

/// A dark-outlined circle of `size_mm`.
fn circle_symbol(name: &str, colour: [u8; 4], size_mm: f64) -> String {
    marker_symbol(name, colour).replace(
        &format!("name=\"size\" value=\"{MARKER_MM}\""),
        &format!("name=\"size\" value=\"{size_mm}\""),
    )
}

/// A fill symbol with no fill ("no" brush) and a `pen` outline ("dash", "dot", "solid").
fn outline_symbol(name: &str, colour: [u8; 4], width_mm: f64, pen: &str) -> String {
    symbol(
        "fill",
        name,
        "SimpleFill",
        &[
            ("color", rgba([0, 0, 0, 0])),
            ("joinstyle", "round".into()),
            ("outline_color", rgba(colour)),
            ("outline_style", pen.into()),
            ("outline_width", width_mm.to_string()),
            ("outline_width_unit", "MM".into()),
            ("style", "no".into()),
        ],
    )
}

fn symbol(kind: &str, name: &str, class: &str, props: &[(&str, String)]) -> String {
    let mut s = format!(
        "      <symbol type=\"{kind}\" name=\"{name}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n        <layer class=\"{class}\" enabled=\"1\" locked=\"0\" pass=\"0\">\n          <Option type=\"Map\">\n"
    );
    for (k, v) in props {
        let _ = writeln!(
            s,
            "            <Option type=\"QString\" name=\"{k}\" value=\"{}\"/>",
            esc(v)
        );
    }
    s.push_str("          </Option>\n        </layer>\n      </symbol>\n");
    s
}

/// QGIS's colour notation in symbol properties: "r,g,b,a".
fn rgba([r, g, b, a]: [u8; 4]) -> String {
    format!("{r},{g},{b},{a}")
}

/// A number for a legend label: at most 3 decimals, no trailing zeros.
fn label_number(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// Escapes text for an XML attribute value (newlines kept as `&#10;`).
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[path = "qml_tests.rs"]
mod tests;
