//! Reading one GeoJSON layer file: parse, keep its `metadata`, pick features with the
//! study's `where` filter, and turn properties and geometries into checked values with
//! errors that name the file, the feature index (0-based, as in `features[i]`) and its name.

use std::path::{Path, PathBuf};

use geo::{BoundingRect, LineString, MultiLineString, MultiPolygon, Orient, Polygon, orient};
use geojson::{Feature, GeometryValue};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::study::{Filter, Study};
use crate::units::LonLat;

use super::types::LayerMeta;

/// The picked features of one layer file.
pub(super) struct RawLayer {
    pub meta: LayerMeta,
    /// (index in the file, feature), in file order.
    pub features: Vec<(usize, Feature)>,
}

/// One feature being read, for error messages.
pub(super) struct Ctx<'a> {
    pub path: &'a Path,
    pub index: usize,
    pub feature: &'a Feature,
    /// The property holding the feature's name, to name it in messages.
    pub name_field: Option<&'a str>,
}

impl RawLayer {
    /// Reads `file` as named in `study`; `what` names the setting in messages
    /// ("boundaries.adm1"). Errors on unreadable files, invalid JSON, anything but a
    /// FeatureCollection (or a single Feature), and when no feature is left to use.
    pub fn read(study: &Study, file: &Path, filter: &Filter, what: &str) -> Result<RawLayer> {
        let src = study.read_file(file)?;
        let path = src.path;
        let root: Value = serde_json::from_str(&src.text)
            .map_err(|e| Error::format(&path, format!("{what}: invalid JSON: {e}")))?;
        let Value::Object(mut root) = root else {
            return Err(Error::format(
                &path,
                format!("{what}: not a GeoJSON object"),
            ));
        };
        let kind = root.get("type").and_then(Value::as_str).unwrap_or("");
        let raw_features = match kind {
            "FeatureCollection" => match root.remove("features") {
                Some(Value::Array(a)) => a,
                _ => {
                    return Err(Error::format(
                        &path,
                        format!("{what}: no \"features\" array"),
                    ));
                }
            },
            "Feature" => vec![Value::Object(std::mem::take(&mut root))],
            other => {
                return Err(Error::format(
                    &path,
                    format!("{what}: expected a GeoJSON FeatureCollection, found type {other:?}"),
                ));
            }
        };
        let metadata = match root.remove("metadata") {
            Some(Value::Object(m)) => Some(m),
            _ => None,
        };
        if raw_features.is_empty() {
            return Err(Error::format(
                &path,
                format!("{what}: the file has no features"),
            ));
        }
        let mut features = Vec::with_capacity(raw_features.len());
        for (index, v) in raw_features.into_iter().enumerate() {
            let feature: Feature = serde_json::from_value(v).map_err(|e| Error::Feature {
                path: path.clone(),
                index,
                name: None,
                message: format!("not a valid GeoJSON feature: {e}"),
            })?;
            if matches_filter(&feature, filter) {
                features.push((index, feature));
            }
        }
        if features.is_empty() {
            let cond: Vec<String> = filter.iter().map(|(k, v)| format!("{k} = {v:?}")).collect();
            return Err(Error::format(
                &path,
                format!("{what}: no feature has {}", cond.join(" and ")),
            ));
        }
        Ok(RawLayer {
            meta: LayerMeta {
                file: path,
                metadata,
            },
            features,
        })
    }

    pub fn path(&self) -> &PathBuf {
        &self.meta.file
    }

    /// The features with their error context.
    pub fn iter<'a>(&'a self, name_field: Option<&'a str>) -> impl Iterator<Item = Ctx<'a>> {
        self.features.iter().map(move |(index, feature)| Ctx {
            path: &self.meta.file,
            index: *index,
            feature,
            name_field,
        })
    }
}

fn matches_filter(f: &Feature, filter: &Filter) -> bool {
    filter
        .iter()
        .all(|(k, v)| prop_text(f, k).is_some_and(|t| t == *v))
}

/// A property as text: strings trimmed, numbers and booleans in their JSON form; `None`
/// for missing, null, empty, arrays and objects.
pub(super) fn prop_text(f: &Feature, field: &str) -> Option<String> {
    let text = match f.property(field)? {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

impl Ctx<'_> {
    pub fn error(&self, message: impl Into<String>) -> Error {
        Error::Feature {
            path: self.path.to_path_buf(),
            index: self.index,
            name: self.name_field.and_then(|f| prop_text(self.feature, f)),
            message: message.into(),
        }
    }

    pub fn text(&self, field: &str) -> Option<String> {
        prop_text(self.feature, field)
    }

    /// A property that must be there, e.g. the name.
    pub fn required(&self, field: &str, setting: &str) -> Result<String> {
        self.text(field).ok_or_else(|| {
            let mut have: Vec<&str> = self
                .feature
                .properties_iter()
                .map(|(k, _)| k.as_str())
                .collect();
            have.truncate(20);
            let what = if self.feature.contains_property(field) {
                "is empty"
            } else {
                "is missing"
            };
            self.error(format!(
                "property {field:?} ({setting}) {what}; the feature has: {}",
                have.join(", ")
            ))
        })
    }

    /// A non-negative whole number (population); `None` when absent or not a count.
    pub fn count(&self, field: &str) -> Option<u64> {
        match self.feature.property(field)? {
            Value::Number(n) => n
                .as_u64()
                .or_else(|| n.as_f64().filter(|x| *x >= 0.0).map(|x| x.round() as u64)),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    fn geometry(&self) -> Result<&GeometryValue> {
        match &self.feature.geometry {
            Some(g) => Ok(&g.value),
            None => Err(self.error("the feature has no geometry")),
        }
    }

    fn convert<G>(&self, v: &GeometryValue) -> Result<G>
    where
        G: for<'v> TryFrom<&'v GeometryValue, Error = geojson::Error>,
    {
        G::try_from(v).map_err(|e| self.error(format!("bad geometry: {e}")))
    }

    /// A Polygon or MultiPolygon, oriented (exterior CCW, holes CW) and in lon/lat range.
    pub fn polygons(&self) -> Result<MultiPolygon<f64>> {
        let v = self.geometry()?;
        let mp = match v {
            GeometryValue::Polygon { .. } => MultiPolygon::new(vec![self.convert::<Polygon>(v)?]),
            GeometryValue::MultiPolygon { .. } => self.convert::<MultiPolygon>(v)?,
            other => return Err(self.wrong_type(other, "Polygon or MultiPolygon")),
        };
        if mp.0.iter().all(|p| p.exterior().0.len() < 4) {
            return Err(self.error("empty polygon (no ring of 3 or more points)"));
        }
        self.check_range(&mp)?;
        Ok(mp.orient(orient::Direction::Default))
    }

    /// A LineString or MultiLineString in lon/lat range.
    pub fn lines(&self) -> Result<MultiLineString<f64>> {
        let v = self.geometry()?;
        let ml = match v {
            GeometryValue::LineString { .. } => {
                MultiLineString::new(vec![self.convert::<LineString>(v)?])
            }
            GeometryValue::MultiLineString { .. } => self.convert::<MultiLineString>(v)?,
            other => return Err(self.wrong_type(other, "LineString or MultiLineString")),
        };
        if ml.0.iter().all(|l| l.0.len() < 2) {
            return Err(self.error("empty line (fewer than 2 points)"));
        }
        self.check_range(&ml)?;
        Ok(ml)
    }

    /// A Point in lon/lat range.
    pub fn point(&self) -> Result<LonLat> {
        let v = self.geometry()?;
        let GeometryValue::Point { .. } = v else {
            return Err(self.wrong_type(v, "Point"));
        };
        let p: geo::Point<f64> = self.convert(v)?;
        LonLat::new(p.x(), p.y()).ok_or_else(|| self.out_of_range())
    }

    fn wrong_type(&self, v: &GeometryValue, expected: &str) -> Error {
        self.error(format!(
            "geometry is a {}, expected a {expected}",
            v.type_name()
        ))
    }

    fn check_range(
        &self,
        g: &impl BoundingRect<f64, Output = Option<geo::Rect<f64>>>,
    ) -> Result<()> {
        let ok = g.bounding_rect().is_some_and(|r| {
            LonLat::new(r.min().x, r.min().y).is_some()
                && LonLat::new(r.max().x, r.max().y).is_some()
        });
        if ok { Ok(()) } else { Err(self.out_of_range()) }
    }

    fn out_of_range(&self) -> Error {
        self.error("coordinates outside longitude/latitude range (is the file in WGS84 degrees, EPSG:4326?)")
    }
}
