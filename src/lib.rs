//! conflictmap: conflict-event data (ACLED, UCDP GED) into report maps, zone tables, GIS
//! layers, animations and web tiles.
//!
//! The pipeline reads in order: [`input`] (event files, boundaries) → [`model`] (events,
//! boundaries, categories, study) → [`analysis`] (zones, statistics, density) →
//! [`output`] (tables, layers); [`render`] draws resolved map scenes into images.

pub mod analysis;
pub mod cli;
pub mod error;
pub mod input;
pub mod model;
pub mod output;
pub mod products;
pub mod render;
pub mod sample;
pub mod units;

pub use error::{Error, Result};
pub use units::{Km, LonLat};
