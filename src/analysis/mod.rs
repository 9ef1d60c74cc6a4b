//! Analysis on the resolved model: geodesy, zones, statistics, density.

pub mod geodesy;
pub mod overview;
pub mod polyline_index;
pub mod stats;
pub mod zone_shapes;
pub mod zones;
