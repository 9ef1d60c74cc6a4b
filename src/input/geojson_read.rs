//! GeoJSON input: a FeatureCollection of Point features with ACLED-like properties.
//!
//! Unlike CSV, the file is read whole: JSON cannot be cut into records without parsing
//! it, and GeoJSON event files are exports of a few thousand points, not the
//! 10-million-row path. Each feature is then checked on its own, so one broken feature
//! is a `BadFeature` diagnostic (with its index), not a failed read.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use geojson::{Feature, GeometryValue, JsonObject, JsonValue};
use rayon::prelude::*;
use smallvec::SmallVec;

use super::assemble::Assembler;
use super::diagnostics::{Outcome, Problem};
use super::draft::{
    Draft, Fields, Issue, IssueDetail, Known, Origin, date_field, fatalities_field, locate,
    precision_field, settle_country,
};
use super::id_table::RowId;
use super::layout::{FieldNames, GEOJSON_COUNTRY, expected_layouts};
use super::{ReadOptions, ReadOutput};
use crate::error::{Error, Result};
use crate::model::country::{NumericCode, SourceCountry};
use crate::model::{Dataset, Detail, Strings};

/// The collection's shell; features are decoded one by one.
#[derive(serde::Deserialize)]
struct Collection {
    #[serde(rename = "type")]
    kind: String,
    features: Vec<JsonValue>,
}

pub(crate) fn read_geojson<R: Read>(
    mut reader: R,
    path: &Path,
    opts: &ReadOptions,
) -> Result<ReadOutput> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let strings = Strings::new();
    strings.empty();
    let mut assembler = Assembler::new(
        path,
        opts,
        Dataset::GeoJson,
        FieldNames::geojson(),
        "event_id_cnty",
        strings.clone(),
    );
    // Invalid UTF-8 is decoded lossily, reported once at the line of the first bad byte.
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64;
            let origin = Origin {
                line,
                feature: None,
            };
            let detail = "bytes that are not UTF-8 were replaced by U+FFFD".to_string();
            let issue = Issue {
                problem: Problem::InvalidUtf8,
                column: None,
                detail: IssueDetail::Text(detail),
            };
            assembler.report(origin, &issue, Outcome::Kept)?;
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    let text = text.trim_start_matches('\u{feff}');
    let collection: Collection = serde_json::from_str(text).map_err(|e| {
        // serde_json stops at 128 levels of nesting (its recursion limit, which bounds
        // the stack and memory a hostile file can take); it reports that as a syntax
        // error, told apart only by its message.
        if e.to_string().starts_with("recursion limit exceeded") {
            return Error::format(
                path,
                format!(
                    "line {} column {}: the JSON is nested more than 128 levels deep (GeoJSON events nest 4); not read",
                    e.line(),
                    e.column()
                ),
            );
        }
        Error::format(
            path,
            format!(
                "not a GeoJSON FeatureCollection ({e}). Expected one of:{}",
                expected_layouts()
            ),
        )
    })?;
    if collection.kind != "FeatureCollection" {
        let msg = format!(
            "GeoJSON of type {:?}; expected a FeatureCollection",
            collection.kind
        );
        return Err(Error::format(path, msg));
    }
    let features: Vec<Result<Feature, String>> = collection
        .features
        .into_par_iter()
        .map(|v| serde_json::from_value::<Feature>(v).map_err(|e| e.to_string()))
        .collect();
    let parser = FeatureParser {
        known: assembler.known(),
        opts,
    };
    let drafts: Vec<Draft> = features
        .par_iter()
        .enumerate()
        .map(|(i, f)| parser.parse(i, f))
        .collect();
    for d in drafts {
        assembler.push(&d)?;
    }
    Ok(assembler.finish())
}

struct FeatureParser<'c> {
    known: &'c Known,
    opts: &'c ReadOptions<'c>,
}

/// A property's value as text (numbers as written, null as empty).
fn as_text(v: &JsonValue) -> Cow<'_, str> {
    match v {
        JsonValue::String(s) => Cow::Borrowed(s),
        JsonValue::Null => Cow::Borrowed(""),
        other => Cow::Owned(other.to_string()),
    }
}

/// Looks a property up by name, ignoring case; JSON null counts as absent.
fn prop<'a>(props: &'a JsonObject, name: &str) -> Option<&'a JsonValue> {
    props
        .get(name)
        .or_else(|| {
            props
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
        .filter(|v| !v.is_null())
}

fn bad_feature(detail: impl Into<String>) -> Issue {
    Issue {
        problem: Problem::BadFeature,
        column: None,
        detail: IssueDetail::Text(detail.into()),
    }
}

impl FeatureParser<'_> {
    fn parse(&self, index: usize, feature: &Result<Feature, String>) -> Draft {
        let origin = Origin {
            line: index as u64 + 1,
            feature: Some(index),
        };
        let mut warnings = Vec::new();
        let row = match feature {
            Ok(f) => self.fields(f, &mut warnings),
            Err(e) => Err(bad_feature(format!("not a GeoJSON feature: {e}"))),
        };
        Draft {
            origin,
            row,
            warnings,
        }
    }

    fn fields(&self, f: &Feature, warnings: &mut Vec<Issue>) -> Result<Fields, Issue> {
        let point = match f.geometry.as_ref().map(|g| &g.value) {
            Some(GeometryValue::Point { coordinates }) if coordinates.len() >= 2 => coordinates,
            Some(GeometryValue::Point { .. }) => {
                return Err(bad_feature("the point has fewer than two coordinates"));
            }
            Some(other) => {
                let what = other.type_name();
                return Err(bad_feature(format!(
                    "the geometry is a {what}, not a Point"
                )));
            }
            None => return Err(bad_feature("the feature has no geometry")),
        };
        let Some(props) = f.properties.as_ref() else {
            return Err(bad_feature("the feature has no properties"));
        };
        let id_prop = prop(props, "event_id_cnty").or_else(|| prop(props, "id"));
        let feature_id = f.id.as_ref().map(|id| match id {
            geojson::feature::Id::String(s) => Cow::Borrowed(s.as_str()),
            geojson::feature::Id::Number(n) => Cow::Owned(n.to_string()),
        });
        let needed = ["event_date", "event_type", "fatalities"];
        let mut missing: Vec<&str> = needed
            .into_iter()
            .filter(|n| prop(props, n).is_none())
            .collect();
        if id_prop.is_none() && feature_id.is_none() {
            missing.insert(0, "event_id_cnty (or id)");
        }
        if !missing.is_empty() {
            return Err(bad_feature(format!(
                "lacks the properties {}",
                missing.join(", ")
            )));
        }
        let get = |name: &str| prop(props, name).map_or(Cow::Borrowed(""), as_text);
        let text = |name: &str| self.known.text(get(name));

        let id_col = if prop(props, "event_id_cnty").is_some() {
            "event_id_cnty"
        } else {
            "id"
        };
        let id = RowId::new(&id_prop.map(as_text).or(feature_id).unwrap_or_default());
        if id.is_empty() {
            return Err(Issue::new(
                Problem::MissingId,
                id_col,
                "the event id is empty",
            ));
        }
        let date = date_field(&get("event_date"), "event_date")?;
        let (position, outside_outline) = locate(
            point[1],
            point[0],
            "geometry",
            "geometry",
            self.opts.territory,
        )?;
        // ACLED-like properties code the country as ACLED's columns do.
        let (numeric, iso3, name) = (get("iso"), get("iso3"), get("country"));
        let coded = self.opts.country.and_then(|codes| {
            codes.judge(&SourceCountry {
                numeric: Some(&numeric),
                numeric_kind: NumericCode::Iso,
                iso3: Some(&iso3),
                name: Some(&name),
            })
        });
        let (country, outside, note) = settle_country(
            position,
            outside_outline,
            coded,
            GEOJSON_COUNTRY,
            self.opts.territory,
        );
        warnings.extend(note);
        let fatalities = fatalities_field(&get("fatalities"), "fatalities")?;
        let event_type = text("event_type");
        if event_type.is_blank(self.known) {
            let issue = Issue::new(
                Problem::BadEventType,
                "event_type",
                "the event type is empty",
            );
            return Err(issue);
        }
        let geo_precision = match prop(props, "geo_precision") {
            Some(v) => {
                let (p, warning) = precision_field(&as_text(v), "geo_precision", false);
                warnings.extend(warning);
                p
            }
            None => None,
        };
        let mut primary = SmallVec::new();
        for name in ["actor1", "actor2"] {
            let a = get(name);
            if !a.trim().is_empty() {
                primary.push(self.known.text(a));
            }
        }
        let mut associated = SmallVec::new();
        for name in ["assoc_actor_1", "assoc_actor_2"] {
            self.known.actors(get(name), ';', &mut associated);
        }
        Ok(Fields {
            id,
            date,
            position,
            outside,
            country,
            geo_precision,
            event_type,
            sub_event_type: text("sub_event_type"),
            primary,
            associated,
            fatalities,
            admin1: text("admin1"),
            admin2: text("admin2"),
            admin3: text("admin3"),
            location: text("location"),
            // Revisions are told apart in CSV and XLSX exports only.
            timestamp: None,
            // By ACLED's names; a property that is absent (or null) is no column.
            details: self.opts.details.then(|| {
                Box::new(Detail::ALL.map(|d| {
                    prop(props, d.name()).map(|v| match d.is_free_text() {
                        true => Known::free_text(as_text(v)),
                        false => self.known.text(as_text(v)),
                    })
                }))
            }),
        })
    }
}
