//! A print layout for the QGIS project (`layers --qgis-layout`): one A4 landscape page
//! with the study's map, a legend of the layers a reader needs, a scale bar in
//! kilometres, a north arrow, the title and the credits, ready to export from QGIS's
//! Layout Manager.
//!
//! The elements and attributes are those QGIS 3.22 writes for such a layout (learnt from
//! a layout built in PyQGIS and saved); what QGIS fills in by itself is left out: item
//! symbols and styles take QGIS's defaults, the legend and scale bar resize to their
//! content, the legend's layer names and sources are read from the layers.
//!
//! QGIS's temporal controller drives the map canvas only, never a layout's map (each has
//! its own temporal range: QGIS issue 42743): the map shows the study's last year and
//! the title shows whatever years the map item is set to.

use std::fmt::Write as _;

use crate::output::qgis_project::written_id;
use crate::output::qml::esc;

/// The layout: what [`crate::output::qgis_project::Project`] does not already hold.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintLayout {
    /// The credits, one a line (for sample data, first the mark that it is synthetic).
    pub credits: Vec<String>,
    /// The legend, top to bottom.
    pub legend: Vec<LegendEntry>,
}

/// A layer in the legend.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    /// The layer's id ([`crate::output::qgis_project::ProjectLayer::id`]).
    pub layer: String,
    /// The heading over its symbols.
    pub title: String,
    /// A single-band raster: its first legend line names the band ("Band 1: 2024
    /// (Gray)"), which says nothing to a reader; only the colour ramp is shown.
    pub ramp_only: bool,
}

/// A4 landscape, millimetres.
const PAGE: [f64; 2] = [297.0, 210.0];
const MARGIN: f64 = 10.0;
/// The map's top edge (under the title) and the largest map the page leaves room for
/// beside the legend and above the scale bar and credits.
const MAP_TOP: f64 = 22.0;
const MAP_MAX: [f64; 2] = [188.0, 140.0];
/// The scale bar's segments aim at about this width on paper.
const SEGMENT_MM: f64 = 25.0;
const FONT: &str = "DejaVu Sans";
/// The map item's id: the title's expression reads the map's temporal range by it.
const MAP_ID: &str = "Map";

/// The map item's size on paper: as large as [`MAP_MAX`] allows with the extent's
/// aspect ratio (QGIS would otherwise resize the item to that ratio when it reads it).
fn map_size(extent: [f64; 4]) -> [f64; 2] {
    let [x0, y0, x1, y1] = extent;
    let aspect = (x1 - x0) / (y1 - y0);
    let [w, h] = MAP_MAX;
    if w / h > aspect {
        [h * aspect, h]
    } else {
        [w, w / aspect]
    }
}

/// Kilometres a scale-bar segment stands for: the largest 1, 2 or 5 × 10ⁿ that is at most
/// [`SEGMENT_MM`] on paper, for a map `width_mm` wide showing `width_m` metres.
fn segment_km(width_m: f64, width_mm: f64) -> f64 {
    let target = width_m / 1000.0 / width_mm * SEGMENT_MM;
    let mut step = 10f64.powf(target.log10().floor());
    for f in [5.0, 2.0] {
        if step * f <= target {
            step *= f;
            break;
        }
    }
    step
}

/// A `QFont::toString()` description of [`FONT`] at `points`.
fn font(points: f64, bold: bool) -> String {
    format!(
        "{FONT},{points},-1,5,{},0,0,0,0,0",
        if bold { 75 } else { 50 }
    )
}

/// Item types (`QgsLayoutItemRegistry`: Qt's user type + 100 + n).
const PAGE_ITEM: u32 = 65638;
const MAP_ITEM: u32 = 65639;
const PICTURE_ITEM: u32 = 65640;
const LABEL_ITEM: u32 = 65641;
const LEGEND_ITEM: u32 = 65642;
const SCALE_BAR_ITEM: u32 = 65646;

/// The n-th item's uuid: fixed, so that two runs write the same project.
fn uuid(n: u32) -> String {
    format!("{{c0f1c7a0-0000-4000-8000-{n:012}}}")
}

/// One `<LayoutItem>` at `rect` (x, y, width, height in mm) with the attributes every
/// item reads, `attrs` (already escaped) and the child elements `body`.
fn item(kind: u32, id: &str, n: u32, rect: [f64; 4], attrs: &str, body: &str) -> String {
    let [x, y, w, h] = rect;
    format!(
        "      <LayoutItem type=\"{kind}\" id=\"{}\" uuid=\"{}\" position=\"{x:.2},{y:.2},mm\" positionOnPage=\"{x:.2},{y:.2},mm\" size=\"{w:.2},{h:.2},mm\" zValue=\"{n}\" referencePoint=\"0\" positionLock=\"false\" visibility=\"1\" opacity=\"1\" blendMode=\"0\" itemRotation=\"0\" excludeFromExports=\"0\" {attrs}>\n{body}      </LayoutItem>\n",
        esc(id),
        uuid(n)
    )
}

/// Qt's vertical alignments, for a label's text in its box.
const TOP: u32 = 0x20;
const BOTTOM: u32 = 0x40;

/// A text label in `points`, aligned `valign` in its box (black bold, or grey for the
/// small print).
fn label(
    id: &str,
    n: u32,
    rect: [f64; 4],
    text: &str,
    points: f64,
    bold: bool,
    valign: u32,
) -> String {
    let grey = if bold { 0 } else { 60 };
    item(
        LABEL_ITEM,
        id,
        n,
        rect,
        &format!(
            "labelText=\"{}\" htmlState=\"0\" halign=\"1\" valign=\"{valign}\" marginX=\"0\" marginY=\"0\" frame=\"false\" background=\"false\"",
            esc(text)
        ),
        &format!(
            "        <LabelFont description=\"{}\"/>\n        <FontColor red=\"{grey}\" green=\"{grey}\" blue=\"{grey}\" alpha=\"255\"/>\n",
            font(points, bold)
        ),
    )
}

/// The title's expression: " — 2024" (or " — 2020–2024") after the title, from the
/// map item's temporal range, so that it stays right when the range is changed; nothing
/// when the map is not temporal.
fn years_expression() -> String {
    let v = |k: &str| format!("@m['map_{k}_time']");
    let (start, end) = (v("start"), v("end"));
    format!(
        "[% with_variable('m', item_variables('{MAP_ID}'), CASE WHEN {start} IS NULL THEN '' WHEN year({start}) = year({end}) THEN ' — ' || year({start}) ELSE ' — ' || year({start}) || '–' || year({end}) END) %]"
    )
}

/// The study's map, what the layout needs from the project.
pub struct LayoutMap<'a> {
    pub title: &'a str,
    /// [min x, min y, max x, max y] in the map CRS.
    pub extent: [f64; 4],
    /// The map CRS's `<spatialrefsys>` element.
    pub srs: &'a str,
    /// The year the map shows (the layers' temporal settings pick its events and
    /// density).
    pub year: i32,
}

/// The project's `<Layouts>` element holding `layout` for `map`.
pub fn layouts_xml(layout: &PrintLayout, map: &LayoutMap) -> String {
    let [page_w, page_h] = PAGE;
    let [map_w, map_h] = map_size(map.extent);
    let map_bottom = MAP_TOP + map_h;
    let mut s = String::from(
        "  <Layouts>\n    <Layout name=\"Report map\" units=\"mm\" printResolution=\"300\">\n      <PageCollection>\n",
    );
    s.push_str(&item(
        PAGE_ITEM,
        "",
        1,
        [0.0, 0.0, page_w, page_h],
        "frame=\"false\" background=\"true\"",
        "",
    ));
    s.push_str("      </PageCollection>\n");

    // The map: the Layers panel's layers (not locked), in the study's extent and CRS,
    // for one year.
    let [x0, y0, x1, y1] = map.extent;
    let y = map.year;
    s.push_str(&item(
        MAP_ITEM,
        MAP_ID,
        2,
        [MARGIN, MAP_TOP, map_w, map_h],
        &format!(
            "frame=\"true\" background=\"true\" outlineWidthM=\"0.3,mm\" keepLayerSet=\"false\" followPreset=\"false\" followPresetName=\"\" drawCanvasItems=\"true\" mapRotation=\"0\" isTemporal=\"1\" temporalRangeBegin=\"{y:04}-01-01T00:00:00Z\" temporalRangeEnd=\"{y:04}-12-31T23:59:59Z\""
        ),
        &format!(
            "        <FrameColor red=\"60\" green=\"60\" blue=\"60\" alpha=\"255\"/>\n        <Extent xmin=\"{x0}\" ymin=\"{y0}\" xmax=\"{x1}\" ymax=\"{y1}\"/>\n        <crs>\n{}        </crs>\n",
            map.srs
        ),
    ));

    // The legend beside the map, linked to it, listing only the layers given.
    let legend_x = MARGIN + map_w + 6.0;
    let mut tree = String::from("          <layer-tree-group>\n");
    for e in &layout.legend {
        let mut props = format!(
            "<Option name=\"legend/title-label\" type=\"QString\" value=\"{}\"/>",
            esc(&e.title)
        );
        if e.ramp_only {
            props.push_str("<Option name=\"legend/node-order\" type=\"QString\" value=\"1\"/>");
        }
        let _ = writeln!(
            tree,
            "            <layer-tree-layer id=\"{}\" checked=\"Qt::Checked\" expanded=\"1\"><customproperties><Option type=\"Map\">{props}</Option></customproperties></layer-tree-layer>",
            esc(&written_id(&e.layer))
        );
    }
    tree.push_str("          </layer-tree-group>\n");
    let style = |name: &str, points: f64, bold: bool, margin: &str| {
        format!(
            "            <style name=\"{name}\" {margin}><styleFont description=\"{}\"/></style>\n",
            font(points, bold)
        )
    };
    let styles = [
        style("title", 12.0, true, "marginBottom=\"3\""),
        style("group", 10.0, true, "marginTop=\"3\""),
        style("subgroup", 9.0, true, "marginTop=\"3\""),
        style("symbol", 8.0, false, "marginTop=\"2\""),
        style(
            "symbolLabel",
            8.0,
            false,
            "marginTop=\"2\" marginLeft=\"2\"",
        ),
    ]
    .concat();
    s.push_str(&item(
        LEGEND_ITEM,
        "Legend",
        3,
        [legend_x, MAP_TOP, page_w - MARGIN - legend_x, map_h],
        &format!(
            "map_uuid=\"{}\" title=\"Legend\" resizeToContents=\"1\" columnCount=\"1\" symbolWidth=\"7\" symbolHeight=\"4\" boxSpace=\"2\" legendFilterByAtlas=\"0\" frame=\"false\" background=\"true\"",
            uuid(2)
        ),
        &format!("        <styles>\n{styles}        </styles>\n{tree}"),
    ));

    // The scale bar under the map: three segments of a round number of kilometres.
    let km = segment_km(x1 - x0, map_w);
    s.push_str(&item(
        SCALE_BAR_ITEM,
        "Scale bar",
        4,
        [MARGIN, map_bottom + 3.0, 60.0, 10.0],
        &format!(
            "mapUuid=\"{}\" style=\"Single Box\" unitType=\"km\" unitLabel=\"km\" numSegments=\"3\" numSegmentsLeft=\"0\" numUnitsPerSegment=\"{km}\" numMapUnitsPerScaleBarUnit=\"1\" segmentSizeMode=\"0\" numSubdivisions=\"1\" height=\"2\" labelBarSpace=\"2\" boxContentSpace=\"1\" alignment=\"0\" frame=\"false\" background=\"false\"",
            uuid(2)
        ),
        &format!(
            "        <text-style fontFamily=\"{FONT}\" fontSize=\"8\" fontSizeUnit=\"Point\" fontWeight=\"50\" textColor=\"0,0,0,255\"/>\n"
        ),
    ));

    // QGIS's own north arrow in the map's top right corner, turning with the map.
    s.push_str(&item(
        PICTURE_ITEM,
        "North arrow",
        5,
        [MARGIN + map_w - 13.0, MAP_TOP + 4.0, 9.0, 14.0],
        &format!(
            "mapUuid=\"{}\" file=\":/images/north_arrows/layout_default_north_arrow.svg\" mode=\"0\" resizeMode=\"0\" anchorPoint=\"0\" northMode=\"0\" northOffset=\"0\" pictureRotation=\"0\" frame=\"false\" background=\"false\"",
            uuid(2)
        ),
        "",
    ));

    let title = format!("{}{}", map.title, years_expression());
    s.push_str(&label(
        "Title",
        6,
        [MARGIN, 8.0, page_w - 2.0 * MARGIN, 10.0],
        &title,
        16.0,
        true,
        TOP,
    ));
    // The credits end at the foot of the page, whatever the map's height.
    let credits_top = map_bottom + 16.0;
    s.push_str(&label(
        "Credits",
        7,
        [
            MARGIN,
            credits_top,
            page_w - 2.0 * MARGIN,
            page_h - MARGIN - credits_top,
        ],
        &layout.credits.join("\n"),
        7.0,
        false,
        BOTTOM,
    ));
    s.push_str("    </Layout>\n  </Layouts>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> (PrintLayout, String) {
        let srs = "<spatialrefsys><proj4>+proj=lcc</proj4></spatialrefsys>\n".to_string();
        let layout = PrintLayout {
            credits: vec![
                "SYNTHETIC DEMO DATA".into(),
                "Data: \"A\" & <B>".into(),
                "Boundaries: C".into(),
            ],
            legend: vec![
                LegendEntry {
                    layer: "events".into(),
                    title: "Events".into(),
                    ramp_only: false,
                },
                LegendEntry {
                    layer: "density_2024".into(),
                    title: "Density, events per 1,000 km²".into(),
                    ramp_only: true,
                },
            ],
        };
        (layout, srs)
    }

    fn xml() -> String {
        let (layout, srs) = layout();
        let map = LayoutMap {
            title: "Mali & co",
            extent: [-1.3e6, -0.8e6, 1.3e6, 0.95e6],
            srs: &srs,
            year: 2024,
        };
        layouts_xml(&layout, &map)
    }

    #[test]
    fn every_item_is_there_and_linked_to_the_map() {
        let x = xml();
        for kind in [65638, 65639, 65640, 65641, 65642, 65646] {
            assert!(x.contains(&format!("type=\"{kind}\"")), "{kind}");
        }
        assert_eq!(x.matches("type=\"65641\"").count(), 2);
        assert_eq!(x.matches("<Layout ").count(), 1);
        // Legend, scale bar and north arrow follow the map item.
        let map = format!("uuid=\"{}\"", uuid(2));
        assert!(x.contains(&format!("map_{map}")));
        assert_eq!(x.matches(&format!("mapU{}", &map[1..])).count(), 2);
        assert!(x.contains("unitType=\"km\""));
        assert!(x.contains("file=\":/images/north_arrows/layout_default_north_arrow.svg\""));
        assert!(x.contains("temporalRangeBegin=\"2024-01-01T00:00:00Z\""));
        assert!(x.contains("<proj4>+proj=lcc</proj4>"));
        assert!(x.contains("<layer-tree-layer id=\"conflictmap_events\""));
        assert_eq!(x.matches("legend/node-order").count(), 1);
    }

    #[test]
    fn text_is_escaped_and_credits_keep_their_lines() {
        let x = xml();
        assert!(x.contains(
            "labelText=\"SYNTHETIC DEMO DATA&#10;Data: &quot;A&quot; &amp; &lt;B&gt;&#10;Boundaries: C\""
        ));
        assert!(x.contains("labelText=\"Mali &amp; co[% with_variable(&apos;m&apos;"));
        assert!(x.contains("value=\"Density, events per 1,000 km²\""));
    }

    #[test]
    fn the_map_keeps_the_extent_s_shape_within_its_box() {
        let [w, h] = map_size([0.0, 0.0, 4.0, 2.0]);
        assert_eq!((w, h), (188.0, 94.0));
        let [w, h] = map_size([0.0, 0.0, 1.0, 2.0]);
        assert_eq!((w, h), (70.0, 140.0));
    }

    #[test]
    fn scale_bar_segments_are_round_kilometres() {
        // 2,600 km over 180 mm: 25 mm is 361 km, so 200 km segments.
        assert_eq!(segment_km(2.6e6, 180.0), 200.0);
        assert_eq!(segment_km(7.2e5, 180.0), 100.0);
        assert_eq!(segment_km(3.6e5, 180.0), 50.0);
        assert_eq!(segment_km(1.0e5, 180.0), 10.0);
    }
}
