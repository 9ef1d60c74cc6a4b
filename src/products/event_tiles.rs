//! The mapped events as vector tiles beside the density tiles: `events.pmtiles` for the
//! web viewer (read over HTTP range requests) and PMTiles clients, `events.mbtiles` for
//! GIS clients that read vector MBTiles (QGIS from 3.14 on). One layer, `events`: every
//! event with its attributes and notes at zoom [`MAXZOOM`], one point per screen pixel and
//! year above it (see [`crate::output::vector_tiles`]).

use std::path::{Path, PathBuf};

use serde_json::{Value as Json, json};

use crate::error::Result;
use crate::output::layer::{Value, VectorLayer};
use crate::output::tilesets::{TileKind, TileSetInfo, write_mbtiles, write_pmtiles};
use crate::output::vector_tiles::{COUNT_FIELD, PointTiles};
use crate::products::tiles::TileFormat;

/// The deepest zoom: a tile is about 10 km across, a screen pixel 19 m at the equator;
/// deeper views magnify it.
pub const MAXZOOM: u8 = 12;

/// The events' layer in the tiles (and the files' stem).
pub const LAYER: &str = "events";

/// Where the event tiles go and what they say about themselves.
pub struct EventTilesInfo<'a> {
    /// [west, south, east, north] of the study area, degrees.
    pub bounds: [f64; 4],
    /// [lon, lat, zoom] to open on.
    pub center: [f64; 3],
    /// The data and boundary credits (the synthetic-data notice first when it applies).
    pub attribution: &'a [String],
    /// A line on what the events are, e.g. "Militant Islamist attacks in Mali".
    pub description: &'a str,
    pub synthetic: bool,
}

/// Writes `events.pmtiles` and `events.mbtiles` into `dir` for the containers of
/// `formats` that hold vector tiles (PMTiles, MBTiles); returns the files and the
/// `events` member of `tiles.json` (`None` when nothing was written).
pub fn write(
    dir: &Path,
    events: &VectorLayer,
    formats: &[TileFormat],
    info: &EventTilesInfo,
) -> Result<(Vec<PathBuf>, Option<Json>)> {
    let (pmtiles, mbtiles) = (
        formats.contains(&TileFormat::Pmtiles),
        formats.contains(&TileFormat::Mbtiles),
    );
    if !pmtiles && !mbtiles {
        return Ok((Vec::new(), None));
    }
    let tiling = PointTiles {
        layer: LAYER,
        maxzoom: MAXZOOM,
        group_field: "year",
        sum_field: "fatalities",
    };
    let tiles = tiling.encode(events)?;
    let mut extra = serde_json::Map::new();
    extra.insert("vector_layers".into(), tiling.vector_layers(events));
    extra.insert("synthetic".into(), info.synthetic.into());
    let set = TileSetInfo {
        kind: TileKind::Mvt,
        name: "Events".into(),
        description: format!(
            "{}: {} events as points, every one at zoom {MAXZOOM}.",
            info.description,
            events.features.len()
        ),
        attribution: info.attribution.join(" "),
        bounds: info.bounds,
        center: info.center,
        minzoom: 0,
        maxzoom: MAXZOOM,
        extra,
    };
    let mut written = Vec::new();
    let name = |ext: &str| format!("{LAYER}.{ext}");
    if pmtiles {
        let p = dir.join(name("pmtiles"));
        write_pmtiles(&p, &set, &tiles)?;
        written.push(p);
    }
    if mbtiles {
        let p = dir.join(name("mbtiles"));
        write_mbtiles(&p, &set, &tiles)?;
        written.push(p);
    }
    let member = json!({
        "layer": LAYER,
        "minzoom": 0,
        "maxzoom": MAXZOOM,
        "count": events.features.len(),
        "per_year": per_year(events),
        "count_field": COUNT_FIELD,
        "pmtiles": pmtiles.then(|| name("pmtiles")),
        "mbtiles": mbtiles.then(|| name("mbtiles")),
    });
    Ok((written, Some(member)))
}

/// How many of the events each year has, `{"2023": 812, ...}`.
fn per_year(events: &VectorLayer) -> Json {
    let mut counts = std::collections::BTreeMap::<i64, u64>::new();
    if let Some(at) = events.field("year") {
        for f in &events.features {
            if let Value::Int(y) = f.values[at] {
                *counts.entry(y).or_default() += 1;
            }
        }
    }
    json!(counts)
}
