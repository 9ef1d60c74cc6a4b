//! The GIS layers: everything the maps show, as GIS layers that open in QGIS as
//! they are: GeoJSON (+ .qml styles), one GeoPackage with every vector layer and its
//! style, and the yearly densities as GeoTIFF (+ .qml) — the same grids as the PNG maps.

use std::path::{Path, PathBuf};

use crate::analysis::classes;
use crate::analysis::zones;
use crate::error::{Error, Result};
use crate::output::atomic::write_bytes_atomic;
use crate::output::basemap_layers::basemap_layers;
use crate::output::flatgeobuf::write_flatgeobuf;
use crate::output::geojson::write_geojson;
use crate::output::geotiff::write_geotiff;
use crate::output::gis_layers::{EventFacts, admin_layer, events_layer, zones_layer};
use crate::output::gpkg::{Style, write_geopackage};
use crate::output::layer::{SYNTHETIC_MARK, Value, VectorLayer};
use crate::output::lock;
use crate::output::qgis_layout::{LegendEntry, PrintLayout};
use crate::output::qgis_project::{
    Project, ProjectGroup, ProjectLayer, Source, Temporal, project_xml,
};
use crate::output::qml::{
    choropleth_qml, choropleth_sld, density_qml, events_qml, events_sld, with_note, write_qml,
    zones_qml, zones_sld,
};
use crate::products::density::Densities;
use crate::products::maps::MapOptions;
use crate::run::Run;

/// Density cells without data: none are written (densities are 0 where there is
/// nothing), but GIS tools like a declared nodata value.
const NODATA: f32 = -9999.0;
/// Classes of the choropleth styles.
const CLASSES: usize = 5;

/// The `layers` product: the map set whose densities become GeoTIFFs (the same view,
/// grids and colour scale as the PNG maps of these options), and the output folder.
#[derive(Debug, Clone, PartialEq)]
pub struct LayersOptions {
    pub map: MapOptions,
    /// The output folder (the layers go to `out`/layers/).
    pub out: PathBuf,
    /// Also put a print layout (map, legend, scale bar, north arrow, title, credits) in
    /// the QGIS project.
    pub qgis_layout: bool,
}

/// The GeoPackage's file name in the layers folder.
const GPKG: &str = "conflictmap.gpkg";

impl Default for LayersOptions {
    fn default() -> Self {
        LayersOptions {
            map: MapOptions::default(),
            out: PathBuf::from("output"),
            qgis_layout: false,
        }
    }
}

/// Writes the layers of the run's events to `args.out`/layers/, the densities being those
/// of the run's map set (the same grids and colour scale as its PNG maps). Returns the
/// GeoJSON, FlatGeobuf, GeoPackage and GeoTIFF files written (each GeoJSON and GeoTIFF
/// has a .qml beside it). The run must have read the events' details
/// ([`crate::run::EventOptions::details`]).
pub fn write(run: &Run, args: &LayersOptions) -> Result<Vec<PathBuf>> {
    if !run.loaded.read.events.has_ids() {
        return Err(Error::Usage(
            "the GIS layers print the events' ids, which this run did not keep: load it \
             with EventOptions { ids: true, .. }"
                .into(),
        ));
    }
    if !run.loaded.read.events.has_details() {
        return Err(Error::Usage(
            "the GIS layers print the events' details (actor roles, inter codes, sources), \
             which this run did not read: load it with EventOptions { details: true, .. }"
                .into(),
        ));
    }
    let maps = run.maps(&args.map)?;
    let zoned = run.zoned()?;
    let _hold = lock::hold(&args.out)?;
    let (setup, loaded, out) = (&run.setup, &run.loaded, args.out.as_path());
    let b = &setup.boundaries;
    let (d, style, view) = (&maps.densities, &maps.style, &maps.view);
    let membership = zoned.membership;
    // The events layer prints exact distances: computed here, not for every zoned run.
    let verdicts = loaded.verdicts();
    let inside = zones::InsideCountry::Verdicts(&verdicts);
    let (places, positions) = (&loaded.places, loaded.place_positions());
    let distances = zones::distances(zoned.zones, b, places, &positions, inside);
    let facts = EventFacts {
        events: &loaded.read.events,
        classes: &loaded.classes,
        regions: &loaded.regions,
        cercles: run.cercles(),
        membership,
        distances: &distances,
    };
    let cats = &setup.categories;
    let mut events = events_layer(&facts, cats, b);
    let mut zone_layer = zones_layer(zoned.zones);
    let mut region_layer = admin_layer(
        "regions",
        &b.regions().items,
        |i| facts.regions[i].map(|r| r.index()),
        &facts,
        cats,
        d.years.clone(),
    );
    let mut cercle_layer = admin_layer(
        "cercles",
        &b.cercles().items,
        |i| facts.cercles[i].map(|c| c.index()),
        &facts,
        cats,
        d.years.clone(),
    );

    for layer in [
        &mut events,
        &mut zone_layer,
        &mut region_layer,
        &mut cercle_layer,
    ] {
        layer.mark_provenance(loaded.synthetic);
    }
    // QGIS shows rule labels in its Layers panel: a synthetic layer says so there.
    let mark = |label: &str| match loaded.synthetic {
        true => format!("{label} (SYNTHETIC DEMO DATA)"),
        false => label.to_string(),
    };

    let cat = &d.category;
    let flag = format!("cat_{}", cat.id);
    let (cat_label, other_label) = (mark(&cat.label), mark("Other events"));
    let c = style.events.colour(&cat.id);
    let event_classes = [
        ("true", cat_label.as_str(), [c.r, c.g, c.b, c.a]),
        ("false", other_label.as_str(), [128, 128, 128, 160]),
    ];
    let event_style = (
        events_qml(&flag, &event_classes),
        events_sld(&events.name, &flag, &event_classes),
    );
    let rate_field = format!("{}_per_1000km2", cat.id);
    let region_style = choropleth(&region_layer, &rate_field, d);
    let cercle_style = choropleth(&cercle_layer, &rate_field, d);
    let zone_style = (zones_qml(), zones_sld(&zone_layer.name));
    let note = |(qml, sld): (String, String)| match loaded.synthetic {
        true => (with_note(&qml, SYNTHETIC_MARK), sld),
        false => (qml, sld),
    };
    let (event_style, region_style, cercle_style, zone_style) = (
        note(event_style),
        note(region_style),
        note(cercle_style),
        note(zone_style),
    );

    let dir = out.join("layers");
    let mut written: Vec<PathBuf> = Vec::new();
    let vectors: [(&VectorLayer, &(String, String)); 4] = [
        (&events, &event_style),
        (&zone_layer, &zone_style),
        (&region_layer, &region_style),
        (&cercle_layer, &cercle_style),
    ];
    for (layer, (qml, _)) in vectors {
        let path = dir.join(format!("{}.geojson", layer.name));
        write_geojson(layer, &path)?;
        write_qml(qml, &path.with_extension("qml"))?;
        written.push(path);
    }
    // The events again as FlatGeobuf: a tenth of the GeoJSON's size, indexed.
    let fgb = dir.join("events.fgb");
    write_flatgeobuf(&events, &fgb)?;
    written.push(fgb);
    let gpkg = dir.join(GPKG);
    let styles: Vec<Style> = vectors
        .iter()
        .map(|(l, (qml, sld))| (l.name.as_str(), qml.as_str(), sld.as_str()))
        .collect();
    let basemap = basemap_layers(b, style);
    let mut styles = styles;
    styles.extend(
        basemap
            .iter()
            .map(|m| (m.layer.name.as_str(), m.qml.as_str(), m.sld.as_str())),
    );
    let mut layers: Vec<VectorLayer> = vectors.iter().map(|(l, _)| (*l).clone()).collect();
    layers.extend(basemap.iter().map(|m| m.layer.clone()));
    write_geopackage(&gpkg, &layers, &styles)?;
    written.push(gpkg);
    let attribution = loaded.attribution();
    let mut metadata = vec![("DATA_SOURCE", attribution.as_str())];
    if loaded.synthetic {
        metadata.push(("SYNTHETIC", SYNTHETIC_MARK));
    }
    let densities = write_densities(
        &dir,
        d,
        view.projection().crs(),
        &metadata,
        loaded.synthetic,
    )?;

    // The project opening all of it in QGIS, in groups, styled, with the years to play.
    let gpkg_layer = |layer: &VectorLayer, qml: &str, temporal, visible| ProjectLayer {
        id: layer.name.clone(),
        name: layer.name.clone(),
        source: Source::GeoPackage {
            file: GPKG.into(),
            table: layer.name.clone(),
            geometry: layer.geometry,
        },
        qml: qml.into(),
        temporal,
        visible,
    };
    let mut rasters = Vec::new();
    for (g, path) in d.grids.iter().zip(&densities) {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        rasters.push(ProjectLayer {
            id: name.trim_end_matches(".tif").to_string(),
            name: format!("{}: {}", cat.label, g.label),
            source: Source::Raster { file: name },
            qml: std::fs::read_to_string(path.with_extension("qml"))
                .map_err(|e| Error::io(path.with_extension("qml"), e))?,
            temporal: g.year.map_or(Temporal::None, Temporal::Year),
            // The yearly rasters play in turn; the all-years one is there to tick.
            visible: g.year.is_some(),
        });
    }
    let layout = args.qgis_layout.then(|| {
        // The credits of the abstract; sample data say first that they are synthetic.
        let mut credits = run.credits();
        if loaded.synthetic {
            credits.insert(0, SYNTHETIC_MARK.to_string());
        }
        let entry = |layer: &str, title: &str, ramp_only| LegendEntry {
            layer: layer.into(),
            title: title.into(),
            ramp_only,
        };
        // What the reader must decode; the basemap explains itself. The layout's map
        // shows the last year, and every year's density is on that year's colour scale.
        let mut legend = vec![
            entry(&events.name, "Events", false),
            entry(&zone_layer.name, "Zones", false),
        ];
        let last = Temporal::Year(*d.years.end());
        if let Some(r) = rasters.iter().find(|r| r.temporal == last) {
            legend.push(entry(&r.id, &format!("Density, {}", d.unit), true));
        }
        PrintLayout { credits, legend }
    });
    let title = match loaded.synthetic {
        true => format!("{}: {} (SYNTHETIC DEMO DATA)", b.name(), cat.label),
        false => format!("{}: {}", b.name(), cat.label),
    };
    let project = Project {
        summary: format!(
            "{} in {}, {}–{}, made by conflictmap. Press play in the Temporal Controller to see the years in turn, on one colour scale.",
            cat.label,
            b.name(),
            d.years.start(),
            d.years.end()
        ),
        title,
        credits: run.credits(),
        crs: view.projection().crs().to_string(),
        crs_wkt: view.projection().wkt(),
        extent: view.frame_bbox_m(),
        years: (*d.years.start(), *d.years.end()),
        groups: vec![
            ProjectGroup {
                name: "Events".into(),
                layers: vec![gpkg_layer(
                    &events,
                    &event_style.0,
                    Temporal::DateField("event_date".into()),
                    true,
                )],
            },
            ProjectGroup {
                name: "Zones".into(),
                layers: vec![gpkg_layer(&zone_layer, &zone_style.0, Temporal::None, true)],
            },
            ProjectGroup {
                name: "Admin units".into(),
                layers: vec![
                    gpkg_layer(&region_layer, &region_style.0, Temporal::None, false),
                    gpkg_layer(&cercle_layer, &cercle_style.0, Temporal::None, false),
                ],
            },
            ProjectGroup {
                name: "Density by year".into(),
                layers: rasters,
            },
            ProjectGroup {
                name: "Basemap".into(),
                layers: basemap
                    .iter()
                    .rev()
                    .map(|m| gpkg_layer(&m.layer, &m.qml, Temporal::None, true))
                    .collect(),
            },
        ],
        layout,
    };
    let qgs = dir.join("conflictmap.qgs");
    write_bytes_atomic(&qgs, project_xml(&project).as_bytes())?;
    written.extend(densities);
    written.push(qgs);
    Ok(written)
}

/// Classes of `field` over the units by [`classes::METHOD`], coloured with the density
/// ramp, labelled with the unit: the QML and the SLD.
fn choropleth(layer: &VectorLayer, field: &str, d: &Densities) -> (String, String) {
    let i = layer.field(field).expect("the rate field exists");
    let values: Vec<f64> = layer
        .features
        .iter()
        .filter_map(|f| match f.values[i] {
            Value::Real(v) => Some(v),
            _ => None,
        })
        .collect();
    let breaks = classes::quantile_breaks(&values, CLASSES);
    let n = breaks.len() - 1;
    let colours: Vec<[u8; 4]> = (0..n)
        .map(|k| {
            let t = (k as f32 + 0.5) / n as f32;
            let [r, g, b] = d.year_scale.ramp.at(t);
            [r, g, b, 220]
        })
        .collect();
    let unit = "events per 1,000 km²";
    let qml = with_note(
        &choropleth_qml(field, &breaks, &colours, unit),
        &format!("Classes: {} of {field} ({unit})", classes::METHOD),
    );
    let sld = choropleth_sld(&layer.name, field, &breaks, &colours, unit);
    (qml, sld)
}

/// One GeoTIFF per year, one for all years, and a multi-band file with a band per year,
/// each with its .qml (the same ramp and fixed range as the PNG maps).
/// The density GeoTIFFs, each with `metadata` (dataset-level items) and a QML style
/// (noting [`SYNTHETIC_MARK`] when `synthetic`).
fn write_densities(
    dir: &Path,
    d: &Densities,
    crs: &str,
    metadata: &[(&str, &str)],
    synthetic: bool,
) -> Result<Vec<PathBuf>> {
    let style = |scale| match synthetic {
        true => with_note(&density_qml(scale, 1), SYNTHETIC_MARK),
        false => density_qml(scale, 1),
    };
    let slug = &d.category.id;
    let mut out = Vec::new();
    for g in &d.grids {
        let (name, scale) = match g.year {
            Some(y) => (format!("density_{slug}_{y}.tif"), &d.year_scale),
            None => (format!("density_{slug}_all_years.tif"), &d.all_scale),
        };
        let path = dir.join(name);
        write_geotiff(&path, &[(&g.label, &g.grid)], crs, NODATA, metadata)?;
        write_qml(&style(scale), &path.with_extension("qml"))?;
        out.push(path);
    }
    let yearly: Vec<(&str, &crate::analysis::density::DensityGrid)> = d
        .grids
        .iter()
        .filter(|g| g.year.is_some())
        .map(|g| (g.label.as_str(), &g.grid))
        .collect();
    let path = dir.join(format!("density_{slug}_by_year.tif"));
    write_geotiff(&path, &yearly, crs, NODATA, metadata)?;
    write_qml(&style(&d.year_scale), &path.with_extension("qml"))?;
    out.push(path);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::EventOptions;

    /// The layers of `run` are refused with an error that says `says`, and nothing is
    /// written.
    fn assert_refused(run: &Run, says: &str) {
        let out = tempfile::tempdir().unwrap();
        let opts = LayersOptions {
            out: out.path().to_path_buf(),
            ..LayersOptions::default()
        };
        let err = write(run, &opts).unwrap_err().to_string();
        assert!(err.contains(says), "{err}");
        assert!(!out.path().join("layers").exists());
    }

    /// A run loaded with the default options (what `zones`, `maps` and `inspect` load)
    /// keeps no details, and the layers then say what is missing instead of writing
    /// empty fields.
    #[test]
    fn runs_keep_details_only_when_asked() {
        let study = Default::default();
        let plain = Run::load(&study, &EventOptions::default()).unwrap();
        let events = &plain.loaded.read.events;
        assert!(!events.is_empty() && events.details.is_empty());
        assert_refused(&plain, "EventOptions { details: true");

        let asked = EventOptions {
            details: true,
            ..EventOptions::default()
        };
        let run = Run::load(&study, &asked).unwrap();
        let events = &run.loaded.read.events;
        assert_eq!(events.details.len(), events.len());
    }

    /// A run that did not keep the event ids (what `maps` and `zones` load) has none to
    /// print, and the layers say so; by default each event keeps its own id.
    #[test]
    fn runs_without_ids_have_none_and_the_layers_refuse_them() {
        let study = Default::default();
        let kept = Run::load(&study, &EventOptions::default()).unwrap();
        let events = &kept.loaded.read.events;
        assert!(events.has_ids());
        let ids: std::collections::HashSet<&str> =
            (0..events.len()).map(|i| events.id(i)).collect();
        assert_eq!(ids.len(), events.len(), "one id per event, none repeated");

        let without = EventOptions {
            ids: false,
            details: true,
            ..EventOptions::default()
        };
        let run = Run::load(&study, &without).unwrap();
        let events = &run.loaded.read.events;
        assert_eq!(events.len(), kept.loaded.read.events.len());
        assert!(!events.has_ids() && events.ids.is_empty());
        assert_refused(&run, "EventOptions { ids: true");
    }
}
