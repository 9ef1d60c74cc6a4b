//! The web viewer beside the tiles, from what a command has loaded: the basemap of the
//! study, its zones, and the mapped events as points. Written by the tiles product
//! (and so by a report with tiles).

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::output::gis_layers::{basemap_layer, zones_layer};
use crate::output::layer::VectorLayer;
use crate::output::viewer::{ViewerData, write_viewer};
use crate::render::compose::TOWN_MIN_POPULATION;
use crate::run::Run;

/// Writes `index.html` and its files into the tiles folder `dir`. `tiles` is the content
/// of the folder's `tiles.json`; `events` are the events of the density
/// ([`event_points_layer`](crate::output::gis_layers::event_points_layer)), drawn as
/// points; `title` and `subtitle` head the page.
pub fn write(
    dir: &Path,
    run: &Run,
    events: VectorLayer,
    title: &str,
    subtitle: &str,
    tiles: serde_json::Value,
) -> Result<Vec<PathBuf>> {
    let setup = &run.setup;
    let data = ViewerData {
        title: title.to_string(),
        subtitle: subtitle.to_string(),
        tiles,
        basemap: basemap_layer(&setup.boundaries, TOWN_MIN_POPULATION),
        zones: zones_layer(run.zones()?),
        events,
    };
    write_viewer(dir, data)
}
