//! The `[zones]` section of a study: analysis zones as declared. They are resolved
//! against the boundaries and applied to events in [`crate::analysis::zones`].
//!
//! ```toml
//! [[zones.ring]]
//! id = "bamako_150km"
//! name = "Within 150 km of Bamako"
//! centre = [-8.0029, 12.6392]   # lon, lat
//! radius_km = 150.0
//! [[zones.border_band]]
//! id = "borders_50km"
//! name = "Within 50 km of the borders with ..."
//! neighbours = ["CIV", "GIN", "SEN", "MRT"]
//! width_km = 50.0
//! [[zones.regions]]
//! id = "southern_mali"
//! name = "Southern Mali"
//! regions = ["Kayes", "Koulikoro", "Sikasso", "Ségou", "Bamako"]
//! ```

use serde::{Deserialize, Serialize};

/// The `[zones]` section of a study.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZonesConfig {
    #[serde(default)]
    pub ring: Vec<RingSpec>,
    #[serde(default)]
    pub border_band: Vec<BandSpec>,
    #[serde(default)]
    pub regions: Vec<RegionsSpec>,
}

/// Points within `radius_km` (geodesic) of `centre`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RingSpec {
    pub id: String,
    pub name: String,
    /// [longitude, latitude] in degrees.
    pub centre: [f64; 2],
    pub centre_name: Option<String>,
    pub radius_km: f64,
}

/// Points inside the country within `width_km` (geodesic) of its shared land border
/// with any of `neighbours` (ISO3 codes as in the borders file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandSpec {
    pub id: String,
    pub name: String,
    pub neighbours: Vec<String>,
    pub width_km: f64,
}

/// Points in any of the named first-level regions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionsSpec {
    pub id: String,
    pub name: String,
    pub regions: Vec<String>,
}
