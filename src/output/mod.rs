//! Writers for every product: file formats only (what to write is the product's, in
//! `crate::products`). A new output format is a writer here; all writes go through
//! [`atomic`].

pub mod animation;
pub mod atomic;
pub mod basemap_layers;
pub mod cog;
pub mod flatgeobuf;
pub mod geojson;
mod geokeys;
pub mod geotiff;
pub mod gis_layers;
pub mod gpkg;
pub mod layer;
pub mod lock;
pub mod palette;
pub mod qgis_layout;
pub mod qgis_project;
pub mod qml;
pub mod sld;
pub mod spread;
pub mod tables;
pub mod tilesets;
pub mod vector_tiles;
pub mod viewer;

pub use atomic::{write_atomic, write_atomic_path, write_bytes_atomic, write_dir_atomic};
