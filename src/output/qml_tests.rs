use super::*;
use crate::render::ramp::{RampName, ScaleKind};
use roxmltree::{Document, Node};

fn parse(text: &str) -> Document<'_> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = Document::parse_with_options(text, opts).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "qgis");
    assert_eq!(root.attribute("styleCategories"), Some("Symbology"));
    assert!(root.attribute("version").unwrap().starts_with("3.28"));
    doc
}

fn all<'a, 'i>(doc: &'a Document<'i>, tag: &str) -> Vec<Node<'a, 'i>> {
    doc.descendants().filter(|n| n.has_tag_name(tag)).collect()
}

/// The value of `<Option name="key">` inside a symbol layer.
fn prop<'a>(layer: Node<'a, '_>, key: &str) -> Option<&'a str> {
    layer
        .descendants()
        .find(|n| n.has_tag_name("Option") && n.attribute("name") == Some(key))
        .and_then(|n| n.attribute("value"))
}

#[test]
fn events_are_categorized_on_the_field() {
    let text = events_qml(
        "category",
        &[
            (
                "militant_islamist_attack",
                "Attacks \"MI\" & co",
                [200, 30, 40, 255],
            ),
            ("battle", "Battles", [20, 90, 200, 255]),
        ],
    );
    let doc = parse(&text);
    let r = all(&doc, "renderer-v2")[0];
    assert_eq!(r.attribute("type"), Some("categorizedSymbol"));
    assert_eq!(r.attribute("attr"), Some("category"));
    let cats = all(&doc, "category");
    assert_eq!(cats.len(), 2);
    assert_eq!(cats[0].attribute("value"), Some("militant_islamist_attack"));
    assert_eq!(cats[0].attribute("label"), Some("Attacks \"MI\" & co"));
    let symbols = all(&doc, "symbol");
    assert_eq!(symbols.len(), 2);
    assert_eq!(symbols[1].attribute("type"), Some("marker"));
    let layer = symbols[1].first_element_child().unwrap();
    assert_eq!(layer.attribute("class"), Some("SimpleMarker"));
    assert_eq!(prop(layer, "color"), Some("20,90,200,255"));
}

#[test]
fn zones_are_outlines_with_dashed_rings() {
    let doc_text = zones_qml();
    let doc = parse(&doc_text);
    let rules = all(&doc, "rule");
    assert_eq!(rules[0].attribute("filter"), Some("\"kind\" = 'ring'"));
    assert_eq!(
        rules[1].attribute("filter"),
        Some("\"kind\" IN ('band', 'band_part')")
    );
    // A set of regions has its own rule: it is not drawn as a border band.
    assert_eq!(rules[2].attribute("filter"), Some("\"kind\" = 'regions'"));
    assert_eq!(rules[2].attribute("label"), Some("Set of regions"));
    let layers = all(&doc, "layer");
    assert_eq!(layers.len(), 3);
    for l in &layers {
        assert_eq!(prop(*l, "style"), Some("no"), "no fill");
    }
    assert_eq!(prop(layers[0], "outline_style"), Some("dash"));
    assert_eq!(prop(layers[2], "outline_style"), Some("dot"));
}

#[test]
fn choropleth_ranges_follow_the_breaks() {
    let text = choropleth_qml(
        "events_per_1000km2",
        &[0.0, 1.5, 10.0],
        &[[1, 2, 3, 255], [4, 5, 6, 255]],
        "events per 1,000 km²",
    );
    let doc = parse(&text);
    let r = all(&doc, "renderer-v2")[0];
    assert_eq!(r.attribute("type"), Some("graduatedSymbol"));
    assert_eq!(r.attribute("attr"), Some("events_per_1000km2"));
    let ranges = all(&doc, "range");
    assert_eq!(ranges.len(), 2);
    assert_eq!(ranges[1].attribute("lower"), Some("1.5"));
    assert_eq!(ranges[1].attribute("upper"), Some("10"));
    assert_eq!(
        ranges[1].attribute("label"),
        Some("1.5 – 10 events per 1,000 km²")
    );
    let layers = all(&doc, "layer");
    assert_eq!(prop(layers[1], "color"), Some("4,5,6,255"));
}

#[test]
#[should_panic(expected = "n + 1 breaks")]
fn choropleth_needs_one_more_break_than_colours() {
    choropleth_qml("x", &[0.0, 1.0], &[[0; 4], [0; 4]], "");
}

fn items(doc: &Document) -> Vec<(f64, String, u8)> {
    all(doc, "item")
        .iter()
        .map(|n| {
            (
                n.attribute("value").unwrap().parse().unwrap(),
                n.attribute("color").unwrap().to_string(),
                n.attribute("alpha").unwrap().parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn density_uses_the_maps_fixed_scale_and_ramp() {
    for kind in [ScaleKind::Linear, ScaleKind::Sqrt] {
        let scale = ColourScale {
            ramp: RampName::Magma,
            max: 40.0,
            threshold: 0.5,
            scale: kind,
        };
        let text = density_qml(&scale, 2);
        let doc = parse(&text);
        let r = all(&doc, "rasterrenderer")[0];
        assert_eq!(r.attribute("type"), Some("singlebandpseudocolor"));
        assert_eq!(r.attribute("band"), Some("2"));
        assert_eq!(r.attribute("classificationMin"), Some("0.5"));
        assert_eq!(r.attribute("classificationMax"), Some("40"));
        let limits = all(&doc, "limits")[0];
        assert_eq!(
            limits.text(),
            Some("None"),
            "fixed range, not the band's statistics"
        );

        let items = items(&doc);
        assert_eq!(items.len(), DENSITY_STOPS + 1);
        // Transparent up to just below the threshold, then the PNG's colour at each stop.
        assert!(items[0].0 < 0.5 && items[0].0 > 0.4999999 && items[0].2 == 0);
        assert!(items.windows(2).all(|w| w[0].0 < w[1].0), "{items:?}");
        assert_eq!(items[1].0, 0.5);
        assert_eq!(items.last().unwrap().0, 40.0);
        for (v, hex, alpha) in &items[1..] {
            let [r, g, b, a] = scale.colour(*v as f32).unwrap();
            assert_eq!(hex, &format!("#{r:02x}{g:02x}{b:02x}"), "at {v}");
            assert_eq!(*alpha, a, "at {v}");
        }
        // The top is the ramp's top colour, opaque.
        let [r, g, b] = RampName::Magma.at(1.0);
        assert_eq!(items.last().unwrap().1, format!("#{r:02x}{g:02x}{b:02x}"));
        assert_eq!(items.last().unwrap().2, 255);
    }
}

#[test]
fn density_with_zero_threshold_starts_transparent_at_zero() {
    let scale = ColourScale {
        ramp: RampName::Viridis,
        max: 3.0,
        threshold: 0.0,
        scale: ScaleKind::Linear,
    };
    let doc_text = density_qml(&scale, 1);
    let doc = parse(&doc_text);
    let items = items(&doc);
    assert_eq!(items.len(), DENSITY_STOPS);
    assert_eq!((items[0].0, items[0].2), (0.0, 0));
}

#[test]
fn writes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zones.qml");
    write_qml(&zones_qml(), &path).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), zones_qml());
}
