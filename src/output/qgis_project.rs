//! A QGIS project (`.qgs`, plain XML) that opens the whole study in one click: the
//! GeoPackage layers and density rasters in groups, each with the style of its
//! QML/`layer_styles`, the map CRS and extent of the report style, the credits as the
//! project's metadata, and temporal properties so that QGIS's temporal controller plays
//! the years: the events by their `event_date`, each yearly density raster for its year;
//! and, when asked for, a print layout of the map ([`crate::output::qgis_layout`]).
//!
//! Hand-written XML (no crate writes QGIS projects); the elements are those QGIS 3.22+
//! reads, and a PyQGIS test (`tests/qgis_project.py`) loads the file and checks every
//! layer, style and temporal setting.

use std::fmt::Write as _;

use crate::output::layer::GeometryKind;
use crate::output::qgis_layout::{LayoutMap, PrintLayout, layouts_xml};
use crate::output::sld::esc;

/// Where a layer's data are, relative to the project file.
#[derive(Debug, Clone)]
pub enum Source {
    /// A table of a GeoPackage (lon/lat, EPSG:4326).
    GeoPackage {
        file: String,
        table: String,
        geometry: GeometryKind,
    },
    /// A GeoTIFF in the map CRS.
    Raster { file: String },
}

/// How a layer takes part in the temporal controller.
#[derive(Debug, Clone, PartialEq)]
pub enum Temporal {
    /// Always shown.
    None,
    /// Each feature at the instant of its date field (vector layers).
    DateField(String),
    /// Shown in one calendar year only (rasters).
    Year(i32),
}

/// One layer of the project.
#[derive(Debug, Clone)]
pub struct ProjectLayer {
    /// Unique within the project (written with a `conflictmap_` prefix: QGIS replaces
    /// ids of 10 characters or fewer with generated ones, which the layer tree would
    /// then no longer find).
    pub id: String,
    /// As shown in the Layers panel.
    pub name: String,
    pub source: Source,
    /// The layer's QML style document (its renderer and labels are copied in).
    pub qml: String,
    pub temporal: Temporal,
    /// Ticked in the Layers panel.
    pub visible: bool,
}

/// A group of the Layers panel, its layers drawn top to bottom.
#[derive(Debug, Clone)]
pub struct ProjectGroup {
    pub name: String,
    pub layers: Vec<ProjectLayer>,
}

/// The project: groups top to bottom, the map CRS (EPSG code or PROJ string), the
/// extent in that CRS, the years the temporal controller runs over, and metadata.
#[derive(Debug, Clone)]
pub struct Project {
    pub title: String,
    pub summary: String,
    pub credits: Vec<String>,
    pub crs: String,
    /// `crs` as WKT, when known: QGIS reads a CRS from its WKT first (a PROJ string
    /// alone is not enough for it to make a custom CRS from a project file).
    pub crs_wkt: Option<String>,
    /// [min x, min y, max x, max y] in `crs`.
    pub extent: [f64; 4],
    pub years: (i32, i32),
    pub groups: Vec<ProjectGroup>,
    /// A print layout of the map for the study's last year (none unless asked for).
    pub layout: Option<PrintLayout>,
}

const WGS84_WKT: &str = r#"GEOGCRS["WGS 84",ENSEMBLE["World Geodetic System 1984 ensemble",MEMBER["World Geodetic System 1984 (Transit)"],MEMBER["World Geodetic System 1984 (G730)"],MEMBER["World Geodetic System 1984 (G873)"],MEMBER["World Geodetic System 1984 (G1150)"],MEMBER["World Geodetic System 1984 (G1674)"],MEMBER["World Geodetic System 1984 (G1762)"],MEMBER["World Geodetic System 1984 (G2139)"],ELLIPSOID["WGS 84",6378137,298.257223563,LENGTHUNIT["metre",1]],ENSEMBLEACCURACY[2.0]],PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],CS[ellipsoidal,2],AXIS["geodetic latitude (Lat)",north,ORDER[1],ANGLEUNIT["degree",0.0174532925199433]],AXIS["geodetic longitude (Lon)",east,ORDER[2],ANGLEUNIT["degree",0.0174532925199433]],USAGE[SCOPE["Horizontal component of 3D system."],AREA["World."],BBOX[-90,-180,90,180]],ID["EPSG",4326]]"#;

/// A `<spatialrefsys>` for `crs` (and its WKT if known): EPSG:4326 in full; another
/// EPSG code by its authority id; a PROJ string as such.
fn spatialrefsys(crs: &str, crs_wkt: Option<&str>, indent: &str) -> String {
    let (wkt, proj, authid, description) = if crs.eq_ignore_ascii_case("EPSG:4326") {
        (
            WGS84_WKT,
            "+proj=longlat +datum=WGS84 +no_defs",
            "EPSG:4326",
            "WGS 84",
        )
    } else if crs.to_ascii_uppercase().starts_with("EPSG:") {
        ("", "", crs, crs)
    } else {
        ("", crs, "", "conflictmap map projection")
    };
    let wkt = crs_wkt.unwrap_or(wkt);
    let geographic = u8::from(authid == "EPSG:4326");
    format!(
        "{indent}<spatialrefsys nativeFormat=\"Wkt\">\n{indent}  <wkt>{}</wkt>\n{indent}  <proj4>{}</proj4>\n{indent}  <authid>{}</authid>\n{indent}  <description>{}</description>\n{indent}  <geographicflag>{}</geographicflag>\n{indent}</spatialrefsys>\n",
        esc(wkt),
        esc(proj),
        esc(authid),
        esc(description),
        if geographic == 1 { "true" } else { "false" }
    )
}

/// The inside of a QML document: what lies between its `<qgis ...>` and `</qgis>`.
fn qml_body(qml: &str) -> &str {
    let Some(open) = qml.find("<qgis") else {
        return "";
    };
    let start = qml[open..].find('>').map_or(qml.len(), |i| open + i + 1);
    let end = qml.rfind("</qgis>").unwrap_or(qml.len());
    qml.get(start..end).unwrap_or("")
}

fn datasource(source: &Source) -> (String, &'static str, &'static str) {
    match source {
        Source::GeoPackage { file, table, .. } => {
            (format!("./{file}|layername={table}"), "ogr", "vector")
        }
        Source::Raster { file } => (format!("./{file}"), "gdal", "raster"),
    }
}

fn temporal_xml(t: &Temporal, vector: bool) -> String {
    let range = |start: &str, end: &str| {
        format!("<fixedRange><start>{start}</start><end>{end}</end></fixedRange>")
    };
    match (t, vector) {
        (Temporal::None, true) => "    <temporal enabled=\"0\" mode=\"0\" startField=\"\" endField=\"\" startExpression=\"\" endExpression=\"\" durationField=\"\" durationUnit=\"d\" fixedDuration=\"0\" accumulate=\"0\" limitMode=\"0\"/>\n".into(),
        (Temporal::None, false) => "    <temporal enabled=\"0\" mode=\"0\" fetchMode=\"0\"/>\n".into(),
        // Mode 1: each feature's instant from a field (QgsVectorLayerTemporalProperties::
        // ModeFeatureDateTimeInstantFromField); a date lasts its whole day.
        (Temporal::DateField(field), _) => format!(
            "    <temporal enabled=\"1\" mode=\"1\" startField=\"{}\" endField=\"\" startExpression=\"\" endExpression=\"\" durationField=\"\" durationUnit=\"d\" fixedDuration=\"1\" accumulate=\"0\" limitMode=\"0\">{}</temporal>\n",
            esc(field),
            range("", "")
        ),
        // Mode 0 of a raster: a fixed temporal range (ModeFixedTemporalRange).
        (Temporal::Year(y), _) => format!(
            "    <temporal enabled=\"1\" mode=\"0\" fetchMode=\"0\">{}</temporal>\n",
            range(
                &format!("{y:04}-01-01T00:00:00Z"),
                &format!("{y:04}-12-31T23:59:59Z")
            )
        ),
    }
}

/// The id written for `l`.
fn layer_id(l: &ProjectLayer) -> String {
    written_id(&l.id)
}

/// The id written for the layer of id `id` (what a layout's legend refers to).
pub(crate) fn written_id(id: &str) -> String {
    format!("conflictmap_{id}")
}

/// A layer's element; rasters are in the map CRS (`crs`, `crs_wkt`).
fn maplayer(l: &ProjectLayer, crs: &str, crs_wkt: Option<&str>) -> String {
    let (source, provider, kind) = datasource(&l.source);
    let vector = kind == "vector";
    let (crs, wkt, geometry) = match &l.source {
        Source::GeoPackage { geometry, .. } => (
            "EPSG:4326",
            None,
            match geometry {
                GeometryKind::Point => " geometry=\"Point\" wkbType=\"Point\"",
                GeometryKind::MultiLineString => " geometry=\"Line\" wkbType=\"MultiLineString\"",
                GeometryKind::MultiPolygon => " geometry=\"Polygon\" wkbType=\"MultiPolygon\"",
            },
        ),
        Source::Raster { .. } => (crs, crs_wkt, ""),
    };
    let mut s = format!(
        "  <maplayer type=\"{kind}\"{geometry} hasScaleBasedVisibilityFlag=\"0\" refreshOnNotifyEnabled=\"0\" autoRefreshEnabled=\"0\" autoRefreshTime=\"0\" styleCategories=\"AllStyleCategories\"{}>\n",
        if qml_body(&l.qml).contains("<labeling") {
            " labelsEnabled=\"1\""
        } else {
            ""
        }
    );
    let _ = writeln!(s, "    <id>{}</id>", esc(&layer_id(l)));
    let _ = writeln!(s, "    <datasource>{}</datasource>", esc(&source));
    let _ = writeln!(s, "    <layername>{}</layername>", esc(&l.name));
    // Without it QGIS gives the layer an invalid CRS, whatever the file says.
    s.push_str("    <srs>\n");
    s.push_str(&spatialrefsys(crs, wkt, "      "));
    s.push_str("    </srs>\n");
    let _ = writeln!(s, "    <provider encoding=\"UTF-8\">{provider}</provider>");
    s.push_str(&temporal_xml(&l.temporal, vector));
    s.push_str(qml_body(&l.qml));
    s.push_str("  </maplayer>\n");
    s
}

/// The project file's text.
pub fn project_xml(p: &Project) -> String {
    let mut s = String::from("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    let _ = writeln!(
        s,
        "<qgis projectname=\"{}\" version=\"3.22.16-Białowieża\" saveUser=\"\" saveUserFull=\"\">",
        esc(&p.title)
    );
    s.push_str("  <homePath path=\"\"/>\n");
    let _ = writeln!(s, "  <title>{}</title>", esc(&p.title));
    s.push_str("  <autotransaction active=\"0\"/>\n  <evaluateDefaultValues active=\"0\"/>\n  <trust active=\"0\"/>\n");
    s.push_str("  <projectCrs>\n");
    s.push_str(&spatialrefsys(&p.crs, p.crs_wkt.as_deref(), "    "));
    s.push_str("  </projectCrs>\n");

    // The Layers panel: groups top to bottom, layers top to bottom.
    s.push_str("  <layer-tree-group>\n    <customproperties/>\n");
    for g in &p.groups {
        let _ = writeln!(
            s,
            "    <layer-tree-group name=\"{}\" checked=\"Qt::Checked\" expanded=\"1\">\n      <customproperties/>",
            esc(&g.name)
        );
        for l in &g.layers {
            let (source, provider, _) = datasource(&l.source);
            let _ = writeln!(
                s,
                "      <layer-tree-layer id=\"{}\" name=\"{}\" source=\"{}\" providerKey=\"{provider}\" checked=\"{}\" expanded=\"0\"><customproperties/></layer-tree-layer>",
                esc(&layer_id(l)),
                esc(&l.name),
                esc(&source),
                if l.visible {
                    "Qt::Checked"
                } else {
                    "Qt::Unchecked"
                }
            );
        }
        s.push_str("    </layer-tree-group>\n");
    }
    s.push_str("  </layer-tree-group>\n");

    let [x0, y0, x1, y1] = p.extent;
    let extent = format!("<xmin>{x0}</xmin><ymin>{y0}</ymin><xmax>{x1}</xmax><ymax>{y1}</ymax>");
    let _ = writeln!(
        s,
        "  <mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\">\n    <units>meters</units>\n    <extent>{extent}</extent>\n    <rotation>0</rotation>\n    <destinationsrs>\n{}    </destinationsrs>\n    <rendermaptile>0</rendermaptile>\n  </mapcanvas>",
        spatialrefsys(&p.crs, p.crs_wkt.as_deref(), "      ")
    );
    let _ = writeln!(
        s,
        "  <ProjectViewSettings UseProjectScales=\"0\" rotation=\"0\">\n    <Scales/>\n    <DefaultViewExtent xmin=\"{x0}\" ymin=\"{y0}\" xmax=\"{x1}\" ymax=\"{y1}\">\n{}    </DefaultViewExtent>\n  </ProjectViewSettings>",
        spatialrefsys(&p.crs, p.crs_wkt.as_deref(), "      ")
    );

    s.push_str("  <projectlayers>\n");
    for g in &p.groups {
        for l in &g.layers {
            s.push_str(&maplayer(l, &p.crs, p.crs_wkt.as_deref()));
        }
    }
    s.push_str("  </projectlayers>\n");
    // Drawing order: the panel's order (top drawn last).
    s.push_str("  <layerorder>\n");
    for g in &p.groups {
        for l in &g.layers {
            let _ = writeln!(s, "    <layer id=\"{}\"/>", esc(&layer_id(l)));
        }
    }
    s.push_str("  </layerorder>\n");

    // The temporal controller: the study's years, a year per step, one frame a second.
    let (first, last) = p.years;
    let _ = writeln!(
        s,
        "  <ProjectTimeSettings timeStep=\"1\" timeStepUnit=\"y\" frameRate=\"1\" cumulativeTemporalRange=\"0\">\n    <TemporalRange><start>{first:04}-01-01T00:00:00Z</start><end>{last:04}-12-31T23:59:59Z</end></TemporalRange>\n  </ProjectTimeSettings>"
    );
    // A project's metadata has no rights item (layers' have): the credits end the
    // abstract, which QGIS shows in Project Properties > Metadata.
    let credits: String = p.credits.iter().map(|c| format!("\n- {c}")).collect();
    let _ = writeln!(
        s,
        "  <projectMetadata>\n    <identifier>conflictmap</identifier>\n    <parentidentifier></parentidentifier>\n    <language>en</language>\n    <type>dataset</type>\n    <title>{}</title>\n    <abstract>{}\n\nCredits:{}</abstract>\n    <author>conflictmap</author>\n  </projectMetadata>",
        esc(&p.title),
        esc(&p.summary),
        esc(&credits)
    );
    if let Some(layout) = &p.layout {
        let srs = spatialrefsys(&p.crs, p.crs_wkt.as_deref(), "          ");
        let map = LayoutMap {
            title: &p.title,
            extent: p.extent,
            srs: &srs,
            year: p.years.1,
        };
        s.push_str(&layouts_xml(layout, &map));
    }
    // Relative paths; and the project CRS is read only with projections enabled.
    s.push_str("  <properties>\n    <Paths>\n      <Absolute type=\"bool\">false</Absolute>\n    </Paths>\n    <SpatialRefSys>\n      <ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>\n    </SpatialRefSys>\n  </properties>\n");
    s.push_str("</qgis>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::qgis_layout::LegendEntry;

    fn project() -> Project {
        let qml = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28.0\" styleCategories=\"Symbology\">\n  <renderer-v2 type=\"singleSymbol\"/>\n</qgis>\n";
        Project {
            title: "Mali & co".into(),
            summary: "s".into(),
            credits: vec!["ACLED".into(), "geoBoundaries".into()],
            crs:
                "+proj=lcc +lat_1=12 +lat_2=22 +lat_0=17 +lon_0=-4 +datum=WGS84 +units=m +type=crs"
                    .into(),
            crs_wkt: None,
            extent: [-1.0, -2.0, 3.0, 4.0],
            years: (2017, 2024),
            groups: vec![
                ProjectGroup {
                    name: "Events".into(),
                    layers: vec![ProjectLayer {
                        id: "events".into(),
                        name: "events".into(),
                        source: Source::GeoPackage {
                            file: "conflictmap.gpkg".into(),
                            table: "events".into(),
                            geometry: GeometryKind::Point,
                        },
                        qml: qml.into(),
                        temporal: Temporal::DateField("event_date".into()),
                        visible: true,
                    }],
                },
                ProjectGroup {
                    name: "Density by year".into(),
                    layers: vec![ProjectLayer {
                        id: "density_2020".into(),
                        name: "2020".into(),
                        source: Source::Raster {
                            file: "density_2020.tif".into(),
                        },
                        qml: qml.into(),
                        temporal: Temporal::Year(2020),
                        visible: false,
                    }],
                },
            ],
            layout: None,
        }
    }

    #[test]
    fn the_project_names_its_layers_relatively_with_styles_and_time() {
        let x = project_xml(&project());
        assert!(x.contains("<datasource>./conflictmap.gpkg|layername=events</datasource>"));
        assert!(x.contains("<datasource>./density_2020.tif</datasource>"));
        assert!(x.contains("<Absolute type=\"bool\">false</Absolute>"));
        assert!(x.contains("startField=\"event_date\""));
        assert!(x.contains("<start>2020-01-01T00:00:00Z</start><end>2020-12-31T23:59:59Z</end>"));
        assert!(x.contains(
            "<TemporalRange><start>2017-01-01T00:00:00Z</start><end>2024-12-31T23:59:59Z</end></TemporalRange>"
        ));
        assert!(x.contains("<title>Mali &amp; co</title>"));
        assert!(x.contains("Credits:\n- ACLED\n- geoBoundaries</abstract>"));
        // The style's renderer is inside the layer, the style's own root is not.
        assert_eq!(x.matches("<renderer-v2 type=\"singleSymbol\"/>").count(), 2);
        assert_eq!(x.matches("<qgis ").count(), 1);
        assert!(x.contains("checked=\"Qt::Unchecked\""));
        assert!(x.contains("<proj4>+proj=lcc"));
        assert!(x.contains("<id>conflictmap_events</id>"));
        assert!(x.contains("<layer-tree-layer id=\"conflictmap_events\""));
        // No layout unless asked for.
        assert!(!x.contains("<Layouts>"));
    }

    #[test]
    fn a_layout_shows_the_last_year_in_the_project_crs() {
        let p = Project {
            layout: Some(PrintLayout {
                credits: vec!["ACLED".into()],
                legend: vec![LegendEntry {
                    layer: "events".into(),
                    title: "Events".into(),
                    ramp_only: false,
                }],
            }),
            ..project()
        };
        let x = project_xml(&p);
        assert_eq!(x.matches("<Layouts>").count(), 1);
        let layouts = &x[x.find("<Layouts>").unwrap()..];
        assert!(layouts.contains("temporalRangeBegin=\"2024-01-01T00:00:00Z\""));
        assert!(layouts.contains("<proj4>+proj=lcc"));
        assert!(layouts.contains("<layer-tree-layer id=\"conflictmap_events\""));
        assert!(layouts.contains("labelText=\"Mali &amp; co[%"));
        // The layout is inside the project's root element.
        assert!(x.find("</Layouts>").unwrap() < x.find("</qgis>").unwrap());
    }

    #[test]
    fn the_body_of_a_qml_is_what_lies_inside_its_root() {
        assert_eq!(
            qml_body("<!DOCTYPE x>\n<qgis a=\"1\">\n<b/>\n</qgis>\n"),
            "\n<b/>\n"
        );
        assert_eq!(qml_body("no style"), "");
    }
}
