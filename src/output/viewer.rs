//! The web viewer written next to the tiles: `index.html`, its script and style, the
//! vendored Leaflet (built into the binary from `viewer/`), and the data the page needs
//! as JavaScript files under `data/`:
//!
//! - `data/map.js` sets `window.CONFLICTMAP` = { title, subtitle, tiles (the tiles.json
//!   content), events (per year: total, shown, file), basemap and zones (GeoJSON) };
//! - `data/events_<year>.js` calls `conflictmapEvents(year, FeatureCollection)`, loaded
//!   when the year is first shown.
//!
//! JavaScript rather than JSON because browsers refuse `fetch()` of local files under
//! `file://` but run local `<script src>`: the same page works opened as a file. Served
//! over HTTP (`conflictmap serve`), the page draws the events from `events.pmtiles`
//! instead when `tiles.json` lists it (every event, not the deadliest
//! [`EVENTS_PER_YEAR`]), through the vendored protomaps-leaflet.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value as Json, json};

use crate::error::{Error, Result};
use crate::output::atomic::{write_atomic, write_bytes_atomic};
use crate::output::geojson::write_geojson_to;
use crate::output::layer::{Value, VectorLayer};

/// At most this many events of one year are drawn as points (the deadliest): beyond it a
/// browser slows down, and the heat shows where they are anyway. The page says so.
pub const EVENTS_PER_YEAR: usize = 20_000;

/// The page and the vendored library, as they are in the repository's `viewer/` folder.
const ASSETS: &[(&str, &[u8])] = &[
    ("index.html", include_bytes!("../../viewer/index.html")),
    ("viewer.js", include_bytes!("../../viewer/viewer.js")),
    ("viewer.css", include_bytes!("../../viewer/viewer.css")),
    (
        "vendor/leaflet/leaflet.js",
        include_bytes!("../../viewer/vendor/leaflet/leaflet.js"),
    ),
    (
        "vendor/leaflet/leaflet.css",
        include_bytes!("../../viewer/vendor/leaflet/leaflet.css"),
    ),
    (
        "vendor/protomaps-leaflet/protomaps-leaflet.js",
        include_bytes!("../../viewer/vendor/protomaps-leaflet/protomaps-leaflet.js"),
    ),
    (
        "vendor/protomaps-leaflet/LICENSE",
        include_bytes!("../../viewer/vendor/protomaps-leaflet/LICENSE"),
    ),
    (
        "vendor/protomaps-leaflet/THIRD_PARTY_LICENSES.txt",
        include_bytes!("../../viewer/vendor/protomaps-leaflet/THIRD_PARTY_LICENSES.txt"),
    ),
    (
        "vendor/protomaps-leaflet/README.md",
        include_bytes!("../../viewer/vendor/protomaps-leaflet/README.md"),
    ),
    (
        "vendor/leaflet/LICENSE",
        include_bytes!("../../viewer/vendor/leaflet/LICENSE"),
    ),
    (
        "vendor/leaflet/README.md",
        include_bytes!("../../viewer/vendor/leaflet/README.md"),
    ),
    (
        "vendor/leaflet/images/layers.png",
        include_bytes!("../../viewer/vendor/leaflet/images/layers.png"),
    ),
    (
        "vendor/leaflet/images/layers-2x.png",
        include_bytes!("../../viewer/vendor/leaflet/images/layers-2x.png"),
    ),
    (
        "vendor/leaflet/images/marker-icon.png",
        include_bytes!("../../viewer/vendor/leaflet/images/marker-icon.png"),
    ),
    (
        "vendor/leaflet/images/marker-icon-2x.png",
        include_bytes!("../../viewer/vendor/leaflet/images/marker-icon-2x.png"),
    ),
    (
        "vendor/leaflet/images/marker-shadow.png",
        include_bytes!("../../viewer/vendor/leaflet/images/marker-shadow.png"),
    ),
];

/// What the page shows besides the tiles.
pub struct ViewerData {
    /// Heading of the page's panel, e.g. "Militant Islamist attacks in Mali".
    pub title: String,
    /// One line under it: what the heat is, how it was computed.
    pub subtitle: String,
    /// The content of `tiles.json` (years, zooms, bounds, legend, credits, synthetic).
    pub tiles: Json,
    /// Country, neighbours, admin units, towns: see `gis_layers::basemap_layer`.
    pub basemap: VectorLayer,
    /// The study's zones: see `gis_layers::zones_layer`.
    pub zones: VectorLayer,
    /// The events drawn as points, with at least `year`, `event_date` and `fatalities`
    /// (see `gis_layers::event_points_layer`); events of years without tiles are left out.
    pub events: VectorLayer,
}

/// Writes the viewer into `dir` (the tiles folder, beside `tiles.json`), every file
/// atomically; returns the files written. Open `dir/index.html` in a browser, or run
/// `conflictmap serve dir`.
pub fn write_viewer(dir: &Path, data: ViewerData) -> Result<Vec<PathBuf>> {
    let years = check_tiles(dir, &data.tiles)?;
    let mut written = Vec::new();
    for (name, bytes) in ASSETS {
        let path = dir.join(name);
        write_bytes_atomic(&path, bytes)?;
        written.push(path);
    }

    let per_year = split_by_year(data.events, &years, EVENTS_PER_YEAR)?;
    let mut index = serde_json::Map::new();
    for (year, (layer, total)) in &per_year {
        let file = format!("data/events_{year}.js");
        if !layer.features.is_empty() {
            let path = dir.join(&file);
            write_atomic(&path, |w| {
                write!(w, "conflictmapEvents({year},")?;
                write_geojson_to(layer, w)?;
                w.write_all(b");\n")
            })?;
            written.push(path);
        }
        index.insert(
            year.to_string(),
            json!({"total": total, "shown": layer.features.len(), "file": file}),
        );
    }

    let head = json!({
        "title": data.title,
        "subtitle": data.subtitle,
        "tiles": data.tiles,
        "events": {"cap": EVENTS_PER_YEAR, "years": index},
    });
    let path = dir.join("data/map.js");
    write_atomic(&path, |w| {
        write_map_js(w, &head, &data.basemap, &data.zones)
    })?;
    written.push(path);
    Ok(written)
}

/// `window.CONFLICTMAP = {...head, "basemap": GeoJSON, "zones": GeoJSON};`, streaming the
/// layers rather than building them as one JSON tree.
fn write_map_js(
    w: &mut dyn Write,
    head: &Json,
    basemap: &VectorLayer,
    zones: &VectorLayer,
) -> io::Result<()> {
    let head = serde_json::to_string(head)?;
    let open = head.strip_suffix('}').expect("a JSON object ends with }");
    w.write_all(b"window.CONFLICTMAP = ")?;
    w.write_all(open.as_bytes())?;
    w.write_all(b",\"basemap\":")?;
    write_geojson_to(basemap, w)?;
    w.write_all(b",\"zones\":")?;
    write_geojson_to(zones, w)?;
    w.write_all(b"};\n")
}

/// The years of `tiles.json`, after checking it has what the page reads.
fn check_tiles(dir: &Path, tiles: &Json) -> Result<Vec<i32>> {
    let at = dir.join("tiles.json");
    let missing = |key: &str| Error::format(&at, format!("the viewer needs \"{key}\""));
    tiles
        .get("xyz")
        .and_then(Json::as_str)
        .ok_or_else(|| missing("xyz (the XYZ tiles' path template)"))?;
    for key in [
        "bounds",
        "minzoom",
        "maxzoom",
        "tile_size",
        "unit",
        "synthetic",
    ] {
        tiles.get(key).ok_or_else(|| missing(key))?;
    }
    tiles
        .pointer("/category/label")
        .ok_or_else(|| missing("category.label"))?;
    tiles
        .pointer("/legend/stops")
        .and_then(Json::as_array)
        .filter(|s| s.len() >= 2)
        .ok_or_else(|| missing("legend.stops (two or more)"))?;
    let years: Vec<i32> = tiles
        .get("years")
        .and_then(Json::as_array)
        .ok_or_else(|| missing("years"))?
        .iter()
        .map(|y| y.as_i64().and_then(|y| i32::try_from(y).ok()))
        .collect::<Option<_>>()
        .ok_or_else(|| Error::format(&at, "\"years\" must be a list of years"))?;
    if years.is_empty() {
        return Err(Error::format(&at, "\"years\" is empty: nothing to show"));
    }
    Ok(years)
}

/// Per year of `years`: the events to draw (the `cap` deadliest, earliest first among
/// equals) as a layer, and how many the year has in all.
fn split_by_year(
    events: VectorLayer,
    years: &[i32],
    cap: usize,
) -> Result<BTreeMap<i32, (VectorLayer, usize)>> {
    let field = |name: &str| {
        events
            .field(name)
            .ok_or_else(|| Error::Usage(format!("viewer events need a \"{name}\" field")))
    };
    let (year_at, date_at, deaths_at) =
        (field("year")?, field("event_date")?, field("fatalities")?);
    let int = |v: &Value| match v {
        Value::Int(i) => *i,
        _ => 0,
    };
    let mut out: BTreeMap<i32, (VectorLayer, usize)> = years
        .iter()
        .map(|y| {
            let empty = VectorLayer {
                name: format!("events_{y}"),
                description: format!("{} ({y})", events.description),
                geometry: events.geometry,
                fields: events.fields.clone(),
                features: Vec::new(),
            };
            (*y, (empty, 0))
        })
        .collect();
    for f in events.features {
        let year = int(&f.values[year_at]) as i32;
        if let Some((layer, _)) = out.get_mut(&year) {
            layer.features.push(f);
        }
    }
    for (layer, total) in out.values_mut() {
        *total = layer.features.len();
        if *total > cap {
            layer.features.sort_by(|a, b| {
                int(&b.values[deaths_at])
                    .cmp(&int(&a.values[deaths_at]))
                    .then_with(|| date_key(&a.values[date_at]).cmp(&date_key(&b.values[date_at])))
            });
            layer.features.truncate(cap);
        }
    }
    Ok(out)
}

fn date_key(v: &Value) -> Option<chrono::NaiveDate> {
    match v {
        Value::Date(d) => Some(*d),
        _ => None,
    }
}

#[cfg(test)]
#[path = "viewer_tests.rs"]
mod tests;
