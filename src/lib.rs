//! conflictmap: conflict-event data (ACLED, UCDP GED) into report maps, zone tables, GIS
//! layers, animations and web tiles.
//!
//! The pipeline reads in order: [`input`] (event files, boundaries) → [`model`] (events,
//! boundaries, categories, study) → [`analysis`] (zones, statistics, density) →
//! [`render`] (map scenes into images) and [`output`] (file formats). A [`Run`] is a
//! study and its events loaded once; every product in [`products`] is a function of a
//! run and its own options, and the command line ([`cli`]) only maps flags onto those
//! options and prints what was written.
//!
//! The zone tables and the maps of 2024 from the shipped synthetic sample:
//!
//! ```
//! use conflictmap::{EventOptions, Filter, MapOptions, MapsOptions, Run, StudyOptions, TablesOptions};
//! use conflictmap::products::{maps, tables};
//!
//! # fn main() -> conflictmap::Result<()> {
//! let out = std::env::temp_dir().join("conflictmap-doc-example");
//! // The built-in Mali study and the shipped sample (defaults of the options).
//! let run = Run::load(&StudyOptions::default(), &EventOptions::default())?;
//! let only_2024 = Filter { years: Some((2024, 2024)), ..Filter::default() };
//!
//! let t = tables::write(&run, &TablesOptions {
//!     filter: only_2024.clone(),
//!     out: out.clone(),
//!     ..TablesOptions::default()
//! })?;
//! assert!(t.markdown.contains("Within 150 km of Bamako"));
//!
//! let map = MapOptions { filter: only_2024, ..MapOptions::default() };
//! let files = maps::write(&run, &MapsOptions { map, out, ..MapsOptions::default() })?;
//! assert_eq!(files.len(), 2); // 2024 and "all years" (here the same year)
//! # Ok(())
//! # }
//! ```

pub mod analysis;
mod cache;
pub mod cli;
pub mod error;
pub mod input;
pub mod model;
pub mod output;
pub mod products;
pub mod render;
pub mod run;
pub mod sample;
pub mod serve;
pub mod units;

pub use analysis::density::Kernel;
pub use error::{Error, Result};
pub use products::animation::AnimationOptions;
pub use products::density::{DensityOptions, ViewOptions, Weight};
pub use products::layers::LayersOptions;
pub use products::maps::{MapOptions, MapsOptions};
pub use products::report::ReportOptions;
pub use products::tables::TablesOptions;
pub use products::tiles::TilesOptions;
pub use run::{EventOptions, Filter, Run, StudyOptions};
pub use units::{Km, LonLat};
