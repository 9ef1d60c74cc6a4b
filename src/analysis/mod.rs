//! Analysis on the resolved model: geodesy, map projection, zones, statistics, density.

pub mod change;
pub mod classes;
pub mod contours;
pub mod density;
pub mod geodesy;
pub mod local_metric;
pub mod overview;
pub mod periods;
pub mod polyline_index;
pub mod projection;
pub mod region_union;
pub mod spread;
pub mod stats;
pub mod tile_density;
pub mod webmercator;
pub mod within_grid;
pub mod zone_shapes;
pub mod zones;
