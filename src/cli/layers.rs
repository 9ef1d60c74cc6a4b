//! `conflictmap layers`: everything the maps show, as GIS layers that open in QGIS as
//! they are: GeoJSON (+ .qml styles), one GeoPackage with every vector layer and its
//! style, and the yearly densities as GeoTIFF (+ .qml) — the same grids as the PNG maps.

use std::path::{Path, PathBuf};

use crate::analysis::zones;
use crate::cli::args::LayersArgs;
use crate::cli::density::{self, Densities};
use crate::cli::load::{Loaded, Setup, Zoned, load_events, setup, zone_events};
use crate::cli::maps::{MapSet, MapSetArgs, prepare};
use crate::cli::stopwatch::Stopwatch;
use crate::error::Result;
use crate::output::geojson::write_geojson;
use crate::output::geotiff::write_geotiff;
use crate::output::gis_layers::{EventFacts, admin_layer, events_layer, zones_layer};
use crate::output::gpkg::write_geopackage;
use crate::output::layer::{Value, VectorLayer};
use crate::output::qml::{choropleth_qml, density_qml, events_qml, write_qml, zones_qml};

/// Density cells without data: none are written (densities are 0 where there is
/// nothing), but GIS tools like a declared nodata value.
const NODATA: f32 = -9999.0;
/// Classes of the choropleth styles.
const CLASSES: usize = 5;

pub fn run(args: &LayersArgs) -> Result<()> {
    let setup = setup(&args.study)?;
    let style = density::style(&args.view)?;
    let loaded = load_events(&setup, &args.events)?;
    let zoned = zone_events(&setup, &loaded)?;
    // The same view and grids as the PNG maps of this style and extent.
    let set_args = MapSetArgs {
        view: &args.view,
        density: &args.density,
        filter: &args.filter,
        scale: 1,
    };
    let maps = prepare(
        &setup,
        &loaded,
        &zoned.zones,
        style,
        set_args,
        &mut Stopwatch::new(),
    )?;
    let written = layers_loaded(&setup, &loaded, &zoned, &maps, &args.out)?;
    eprint!("{}", loaded.read.summary);
    eprintln!(
        "Wrote {} layers to {}:",
        written.len(),
        args.out.join("layers").display()
    );
    for p in &written {
        eprintln!("  {}", p.display());
    }
    Ok(())
}

/// Writes the layers of loaded, zoned events to `out`/layers/, the densities being those
/// of `maps` (the same grids and colour scale as its PNG maps). Returns the GeoJSON,
/// GeoPackage and GeoTIFF files written (each GeoJSON and GeoTIFF has a .qml beside it).
pub fn layers_loaded(
    setup: &Setup,
    loaded: &Loaded,
    zoned: &Zoned,
    maps: &MapSet,
    out: &Path,
) -> Result<Vec<PathBuf>> {
    let b = &setup.boundaries;
    let (d, style, view) = (&maps.densities, &maps.style, &maps.view);
    let membership = &zoned.membership;
    // The events layer prints exact distances: computed here, not for every zoned run.
    let distances = zones::distances(&zoned.zones, &loaded.places);
    let facts = EventFacts {
        events: &loaded.read.events,
        classes: &loaded.classes,
        admin: &loaded.admin,
        membership,
        distances: &distances,
    };
    let cats = &setup.categories;
    let events = events_layer(&facts, cats, b);
    let zone_layer = zones_layer(&zoned.zones);
    let region_layer = admin_layer(
        "regions",
        &b.regions().items,
        |i| loaded.admin[i].0.map(|r| r.index()),
        &facts,
        cats,
        d.years.clone(),
    );
    let cercle_layer = admin_layer(
        "cercles",
        &b.cercles().items,
        |i| loaded.admin[i].1.map(|c| c.index()),
        &facts,
        cats,
        d.years.clone(),
    );

    let cat = &d.category;
    let flag = format!("cat_{}", cat.id);
    let event_style = events_qml(
        &flag,
        &[
            ("true", &cat.label, {
                let c = style.events.colour(&cat.id);
                [c.r, c.g, c.b, c.a]
            }),
            ("false", "Other events", [128, 128, 128, 160]),
        ],
    );
    let rate_field = format!("{}_per_1000km2", cat.id);
    let region_style = choropleth(&region_layer, &rate_field, d);
    let cercle_style = choropleth(&cercle_layer, &rate_field, d);
    let zone_style = zones_qml();

    let dir = out.join("layers");
    let mut written: Vec<PathBuf> = Vec::new();
    let vectors: [(&VectorLayer, &String); 4] = [
        (&events, &event_style),
        (&zone_layer, &zone_style),
        (&region_layer, &region_style),
        (&cercle_layer, &cercle_style),
    ];
    for (layer, qml) in vectors {
        let path = dir.join(format!("{}.geojson", layer.name));
        write_geojson(layer, &path)?;
        write_qml(qml, &path.with_extension("qml"))?;
        written.push(path);
    }
    let gpkg = dir.join("conflictmap.gpkg");
    let styles: Vec<(&str, &str)> = vectors
        .iter()
        .map(|(l, q)| (l.name.as_str(), q.as_str()))
        .collect();
    let layers: Vec<VectorLayer> = vectors.iter().map(|(l, _)| (*l).clone()).collect();
    write_geopackage(&gpkg, &layers, &styles)?;
    written.push(gpkg);
    written.extend(write_densities(&dir, d, view.projection().crs())?);

    Ok(written)
}

/// Quantile classes of `field` over the units (zeros included), coloured with the
/// density ramp.
fn choropleth(layer: &VectorLayer, field: &str, d: &Densities) -> String {
    let i = layer.field(field).expect("the rate field exists");
    let mut values: Vec<f64> = layer
        .features
        .iter()
        .filter_map(|f| match f.values[i] {
            Value::Real(v) => Some(v),
            _ => None,
        })
        .collect();
    values.sort_by(f64::total_cmp);
    let max = values.last().copied().unwrap_or(0.0).max(1e-9);
    let mut breaks: Vec<f64> = (0..=CLASSES)
        .map(|k| {
            if values.is_empty() {
                max * k as f64 / CLASSES as f64
            } else {
                values[(k * (values.len() - 1)) / CLASSES]
            }
        })
        .collect();
    breaks[0] = 0.0;
    breaks[CLASSES] = max;
    // Quantiles of many zeros collapse: keep breaks strictly increasing.
    for k in 1..=CLASSES {
        if breaks[k] <= breaks[k - 1] {
            breaks[k] = breaks[k - 1] + max / (CLASSES as f64 * 1000.0);
        }
    }
    let colours: Vec<[u8; 4]> = (0..CLASSES)
        .map(|k| {
            let t = (k as f32 + 0.5) / CLASSES as f32;
            let [r, g, b] = d.year_scale.ramp.at(t);
            [r, g, b, 220]
        })
        .collect();
    choropleth_qml(field, &breaks, &colours)
}

/// One GeoTIFF per year, one for all years, and a multi-band file with a band per year,
/// each with its .qml (the same ramp and fixed range as the PNG maps).
fn write_densities(dir: &Path, d: &Densities, crs: &str) -> Result<Vec<PathBuf>> {
    let slug = &d.category.id;
    let mut out = Vec::new();
    for g in &d.grids {
        let (name, scale) = match g.year {
            Some(y) => (format!("density_{slug}_{y}.tif"), &d.year_scale),
            None => (format!("density_{slug}_all_years.tif"), &d.all_scale),
        };
        let path = dir.join(name);
        write_geotiff(&path, &[(&g.label, &g.grid)], crs, NODATA)?;
        write_qml(&density_qml(scale, 1), &path.with_extension("qml"))?;
        out.push(path);
    }
    let yearly: Vec<(&str, &crate::analysis::density::DensityGrid)> = d
        .grids
        .iter()
        .filter(|g| g.year.is_some())
        .map(|g| (g.label.as_str(), &g.grid))
        .collect();
    let path = dir.join(format!("density_{slug}_by_year.tif"));
    write_geotiff(&path, &yearly, crs, NODATA)?;
    write_qml(&density_qml(&d.year_scale, 1), &path.with_extension("qml"))?;
    out.push(path);
    Ok(out)
}
