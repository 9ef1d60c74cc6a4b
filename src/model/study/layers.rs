//! The `[country]` outline and the `[boundaries]` layers of a study file: which file holds
//! each layer and which feature properties hold names, codes, parents and populations.
//!
//! Every struct denies unknown keys, so a misspelt `name_feild` is an error rather than
//! a silently ignored setting.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

/// Keeps the features whose properties equal all the given values (`where = { ISO_A3 = "BFA" }`).
/// Values are compared as text; numbers in the file are compared in their JSON form ("466").
pub type Filter = BTreeMap<String, String>;

/// Snap distance used when a study file does not set `snap_km`.
pub const DEFAULT_SNAP_KM: f64 = 25.0;

/// The country outline: one or more (Multi)Polygon features, unioned.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutlineSpec {
    pub file: PathBuf,
    #[serde(rename = "where", default)]
    pub filter: Filter,
}

/// An administrative level (ADM1 regions, ADM2 cercles): (Multi)Polygon features.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminSpec {
    pub file: PathBuf,
    #[serde(rename = "where", default)]
    pub filter: Filter,
    pub name_field: String,
    /// A code such as ISO 3166-2 ("ML-4"); features without it get no code.
    #[serde(default)]
    pub code_field: Option<String>,
    /// Other spellings to accept when looking a unit up by name (e.g. geoBoundaries'
    /// `shapeName` "Koulikouro" next to the corrected `name` "Koulikoro").
    #[serde(default)]
    pub alias_fields: Vec<String>,
    /// ADM2 only: the property naming the parent ADM1 unit (its name, alias or code).
    /// Without it, or when it names no region, the parent is the region containing a
    /// point on the unit's surface.
    #[serde(default)]
    pub parent_field: Option<String>,
}

impl AdminSpec {
    /// geoBoundaries' own property names, used when a flag names a file for a layer the
    /// study does not have.
    pub fn geoboundaries(file: PathBuf) -> Self {
        AdminSpec {
            file,
            filter: Filter::new(),
            name_field: "shapeName".into(),
            code_field: Some("shapeISO".into()),
            alias_fields: Vec::new(),
            parent_field: None,
        }
    }
}

/// A layer whose features are looked up by a code: neighbour countries, shared borders.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyedSpec {
    pub file: PathBuf,
    #[serde(rename = "where", default)]
    pub filter: Filter,
    pub name_field: String,
    pub code_field: String,
}

/// Towns: Point features.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlacesSpec {
    pub file: PathBuf,
    #[serde(rename = "where", default)]
    pub filter: Filter,
    pub name_field: String,
    #[serde(default)]
    pub population_field: Option<String>,
    /// The code of the ADM1 unit the place belongs to, if the file has one.
    #[serde(default)]
    pub admin1_field: Option<String>,
    /// Places to leave out: FIELD = [texts]; a place whose FIELD contains any of the
    /// texts is skipped (e.g. quality flags saying its position is doubtful).
    #[serde(default)]
    pub skip_if: std::collections::BTreeMap<String, Vec<String>>,
}

/// A basemap layer (rivers, lakes, context countries): names are optional, since
/// Natural Earth leaves some features unnamed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextSpec {
    pub file: PathBuf,
    #[serde(rename = "where", default)]
    pub filter: Filter,
    #[serde(default)]
    pub name_field: Option<String>,
    #[serde(default)]
    pub code_field: Option<String>,
}

/// The `[boundaries]` section. Every layer is optional.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoundaryLayers {
    /// A point inside the country outline but in no ADM1/ADM2 polygon is given the
    /// nearest unit within this many kilometres (the outline and the admin layers often
    /// come from different sources and disagree along the border).
    #[serde(default = "default_snap_km")]
    pub snap_km: f64,
    pub adm1: Option<AdminSpec>,
    pub adm2: Option<AdminSpec>,
    pub neighbours: Option<KeyedSpec>,
    pub borders: Option<KeyedSpec>,
    pub places: Option<PlacesSpec>,
    pub rivers: Option<ContextSpec>,
    pub lakes: Option<ContextSpec>,
    pub context: Option<ContextSpec>,
    /// Attribution lines every product made from these layers must carry.
    #[serde(default)]
    pub credits: Vec<String>,
}

impl Default for BoundaryLayers {
    fn default() -> Self {
        BoundaryLayers {
            snap_km: DEFAULT_SNAP_KM,
            adm1: None,
            adm2: None,
            neighbours: None,
            borders: None,
            places: None,
            rivers: None,
            lakes: None,
            context: None,
            credits: Vec::new(),
        }
    }
}

fn default_snap_km() -> f64 {
    DEFAULT_SNAP_KM
}
