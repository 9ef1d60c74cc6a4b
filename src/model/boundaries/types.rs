//! The boundary features, as loaded: administrative units, neighbours, border lines,
//! places and basemap layers, each layer with the metadata of the file it came from.

use std::fmt;
use std::num::NonZeroU16;
use std::path::PathBuf;

use geo::{MultiLineString, MultiPolygon};
use serde_json::{Map, Value};

use crate::units::LonLat;

/// Index of an ADM1 unit (region) in [`super::Boundaries::regions`]. Held as index + 1,
/// so that `Option<RegionId>` is two bytes: every event carries its region and cercle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionId(NonZeroU16);

/// Index of an ADM2 unit (cercle) in [`super::Boundaries::cercles`] (held like
/// [`RegionId`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CercleId(NonZeroU16);

/// Most units a layer may have (loading refuses more): the ids number them in 16 bits.
pub const MAX_UNITS: usize = u16::MAX as usize;

/// Index `i` held as index + 1; panics past [`MAX_UNITS`] (layers are refused before).
fn plus_one(i: usize) -> NonZeroU16 {
    u16::try_from(i + 1)
        .ok()
        .and_then(NonZeroU16::new)
        .expect("layers have at most MAX_UNITS units")
}

impl RegionId {
    /// The region at `index` (< [`MAX_UNITS`]).
    pub fn new(index: usize) -> Self {
        RegionId(plus_one(index))
    }

    pub fn index(self) -> usize {
        usize::from(self.0.get() - 1)
    }
}

impl CercleId {
    /// The cercle at `index` (< [`MAX_UNITS`]).
    pub fn new(index: usize) -> Self {
        CercleId(plus_one(index))
    }

    pub fn index(self) -> usize {
        usize::from(self.0.get() - 1)
    }
}

impl fmt::Display for RegionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "region #{}", self.index())
    }
}

impl fmt::Display for CercleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cercle #{}", self.index())
    }
}

/// An administrative unit: an ADM1 region or an ADM2 cercle.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminUnit {
    pub name: String,
    /// E.g. the ISO 3166-2 code "ML-4"; `None` where the file has none.
    pub code: Option<String>,
    /// Other spellings from the study's `alias_fields` ("Koulikouro").
    pub aliases: Vec<String>,
    /// Exterior rings counter-clockwise, holes clockwise.
    pub geometry: MultiPolygon<f64>,
    /// Geodesic (WGS84) area, computed from the geometry.
    pub area_km2: f64,
    /// ADM2 only: the region the cercle belongs to.
    pub parent: Option<RegionId>,
}

/// A neighbouring country (or any country of the neighbours file).
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbour {
    pub name: String,
    /// ISO 3166-1 alpha-3 in the default study.
    pub code: String,
    pub geometry: MultiPolygon<f64>,
}

/// The land border the study country shares with one neighbour.
#[derive(Debug, Clone, PartialEq)]
pub struct Border {
    /// The neighbour's code (ISO 3166-1 alpha-3 in the default study).
    pub code: String,
    /// The neighbour's name.
    pub name: String,
    pub geometry: MultiLineString<f64>,
    /// Geodesic (WGS84) length, computed from the geometry.
    pub length_km: f64,
}

/// A town or village.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub name: String,
    pub pos: LonLat,
    pub population: Option<u64>,
    /// Code of the ADM1 unit the file says the place is in ("ML-4"), if it says.
    pub admin1: Option<String>,
}

/// A basemap line (river), possibly unnamed.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedLine {
    pub name: Option<String>,
    pub geometry: MultiLineString<f64>,
}

/// A basemap area (lake, context country), possibly unnamed.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedArea {
    pub name: Option<String>,
    pub code: Option<String>,
    pub geometry: MultiPolygon<f64>,
}

/// Where a layer came from: the file, and its top-level `metadata` member (source,
/// license, notes), kept so products can cite it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LayerMeta {
    /// As shown in messages; built-in files show as `builtin:boundaries/...`.
    pub file: PathBuf,
    pub metadata: Option<Map<String, Value>>,
}

impl LayerMeta {
    /// The metadata's `source` text, if any.
    pub fn source(&self) -> Option<&str> {
        self.text("source")
    }

    /// The metadata's `license` text, if any.
    pub fn license(&self) -> Option<&str> {
        self.text("license")
    }

    fn text(&self, key: &str) -> Option<&str> {
        self.metadata.as_ref()?.get(key)?.as_str()
    }
}

/// The features of one layer. `meta` is `None` when the study has no such layer, and
/// then `items` is empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer<T> {
    pub items: Vec<T>,
    pub meta: Option<LayerMeta>,
}

impl<T> Default for Layer<T> {
    fn default() -> Self {
        Layer {
            items: Vec::new(),
            meta: None,
        }
    }
}

impl<T> Layer<T> {
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl<T> std::ops::Index<usize> for Layer<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.items[i]
    }
}

impl<'a, T> IntoIterator for &'a Layer<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event carries its region and cercle: an absent one costs no extra bytes.
    #[test]
    fn unit_ids_are_two_bytes_even_when_optional() {
        assert_eq!(size_of::<Option<RegionId>>(), 2);
        assert_eq!(size_of::<Option<CercleId>>(), 2);
        for i in [0, 1, 300, MAX_UNITS - 1] {
            assert_eq!(RegionId::new(i).index(), i);
            assert_eq!(CercleId::new(i).index(), i);
        }
        assert!(RegionId::new(2) < RegionId::new(10));
        assert_eq!(RegionId::new(7).to_string(), "region #7");
    }
}
