//! Map rendering: a [`scene::MapScene`] (everything resolved to pixels: layers, density
//! raster, labels, zones, furniture) drawn by [`render`] into a tiny-skia pixmap and
//! written by [`write_png`]. The renderer never projects: the scene builder does. A new
//! image format (e.g. a vector backend) draws the same scene beside the raster one.

pub mod build;
pub mod charts;
pub mod choropleth;
pub mod compose;
pub mod encode;
pub mod furniture;
pub mod geom;
pub mod labels;
pub mod legend;
pub mod page;
pub mod paint;
pub mod ramp;
pub mod raster;
pub mod scene;
pub mod spread;
pub mod surface;
pub mod svg;
pub mod text;
pub mod tiles;

pub use encode::{encode_png, encode_rgba_png, write_png};
pub use raster::{RenderInfo, render, render_with_info};
pub use scene::MapScene;

pub use crate::model::ImageFormat;
