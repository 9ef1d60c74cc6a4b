//! A vector layer as the exporters see it: named, typed attribute columns and features
//! with lon/lat (EPSG:4326) geometry. Built by the `layers` command from events, zones and
//! regions; written as GeoJSON and into a GeoPackage.

use chrono::NaiveDate;

/// The type of an attribute column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Integer,
    Real,
    Text,
    Boolean,
    Date,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Stable, documented name (lower_snake_case, ≤ 63 characters).
    pub name: String,
    pub kind: FieldType,
}

impl Field {
    pub fn new(name: &str, kind: FieldType) -> Field {
        Field {
            name: name.to_string(),
            kind,
        }
    }
}

/// One attribute value; `Null` for missing.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
}

/// The single geometry type of a layer's features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryKind {
    Point,
    MultiLineString,
    MultiPolygon,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Lon/lat degrees; polygons with exterior rings counter-clockwise (RFC 7946).
    pub geometry: geo::Geometry<f64>,
    /// One value per field of the layer, in order.
    pub values: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VectorLayer {
    /// Table / file name: lower_snake_case ("events", "zones", "regions").
    pub name: String,
    /// A sentence for GeoPackage `gpkg_contents.description` and the README table.
    pub description: String,
    pub geometry: GeometryKind,
    pub fields: Vec<Field>,
    pub features: Vec<Feature>,
}

/// What every GIS product made from the shipped synthetic sample says on its face.
pub const SYNTHETIC_MARK: &str =
    "SYNTHETIC DEMO DATA: made by conflictmap's sample generator, not real events";

impl VectorLayer {
    /// Marks where the data came from: a `synthetic` field on every feature (always
    /// there, so the schema does not depend on the input; true for the shipped sample)
    /// and, for synthetic data, [`SYNTHETIC_MARK`] before the description and "synthetic"
    /// as the `dataset` of every event.
    pub fn mark_provenance(&mut self, synthetic: bool) {
        let dataset = self.field("dataset");
        self.fields
            .push(Field::new("synthetic", FieldType::Boolean));
        for f in &mut self.features {
            if synthetic && let Some(i) = dataset {
                f.values[i] = Value::Text("synthetic".into());
            }
            f.values.push(Value::Bool(synthetic));
        }
        if synthetic {
            self.description = format!("{SYNTHETIC_MARK}. {}", self.description);
        }
    }

    /// Index of a field by name.
    pub fn field(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// [west, south, east, north] of all features, `None` when empty.
    pub fn bbox(&self) -> Option<[f64; 4]> {
        use geo::BoundingRect;
        self.features
            .iter()
            .filter_map(|f| f.geometry.bounding_rect())
            .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
            .reduce(|a, b| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_covers_all_features() {
        let layer = VectorLayer {
            name: "t".into(),
            description: String::new(),
            geometry: GeometryKind::Point,
            fields: vec![Field::new("n", FieldType::Integer)],
            features: vec![
                Feature {
                    geometry: geo::Point::new(-8.0, 12.6).into(),
                    values: vec![Value::Int(1)],
                },
                Feature {
                    geometry: geo::Point::new(-1.0, 16.3).into(),
                    values: vec![Value::Null],
                },
            ],
        };
        assert_eq!(layer.bbox(), Some([-8.0, 12.6, -1.0, 16.3]));
        assert_eq!(layer.field("n"), Some(0));
    }
}
