//! CSV layouts: recognising a header (ACLED current / monadic / dyadic, UCDP GED) and
//! finding the columns a reader needs. Columns are matched by name, case-insensitively
//! and trimmed, never by position; unknown extra columns are ignored.

use crate::model::country::NumericCode;
use crate::model::{Dataset, Detail};

/// The fields of an [`crate::model::Event`] a CSV row is read from, and the index of the
/// column that holds each (`None`: the column is absent, the field gets its default).
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub dataset: Dataset,
    /// Header names as written in the file (trimmed, BOM removed), for messages.
    pub names: Vec<String>,
    pub id: usize,
    pub date: usize,
    /// ACLED: event_type; GED: type_of_violence (mapped to a type and a sub-type).
    pub event_type: usize,
    /// ACLED only (GED derives it from type_of_violence).
    pub sub_event_type: Option<usize>,
    /// ACLED: actor1 and actor2 (one actor each); GED: side_a and side_b (comma lists).
    pub primary: Vec<usize>,
    /// ACLED: assoc_actor_1, assoc_actor_2 (';' lists).
    pub associated: Vec<usize>,
    pub admin1: Option<usize>,
    pub admin2: Option<usize>,
    pub admin3: Option<usize>,
    pub location: Option<usize>,
    pub latitude: usize,
    pub longitude: usize,
    /// ACLED geo_precision, GED where_prec.
    pub precision: Option<usize>,
    /// ACLED fatalities, GED best.
    pub fatalities: usize,
    /// ACLED's `timestamp` (when the row was last revised), if present.
    pub timestamp: Option<usize>,
    /// The columns that code the event's country, if the file has them.
    pub country: CountryColumns,
    /// Per [`Detail`] (in [`Detail::ALL`]'s order), its column if the file has it; empty
    /// when the details are not read ([`crate::input::ReadOptions::details`]).
    pub details: Vec<Option<usize>>,
}

/// ACLED `iso` / `iso3` / `country`; UCDP GED `country_id` / `country`.
#[derive(Debug, Clone, Default)]
pub(crate) struct CountryColumns {
    /// The columns' names as written, for messages ("iso/country").
    pub label: String,
    /// ACLED `iso` (ISO 3166-1 numeric) or GED `country_id` (Gleditsch-Ward).
    pub numeric: Option<usize>,
    pub numeric_kind: NumericCode,
    pub iso3: Option<usize>,
    pub name: Option<usize>,
}

/// Column names (lower case) each CSV layout must have to be read.
fn required(dataset: Dataset) -> &'static [&'static str] {
    const ACLED: &[&str] = &[
        "event_id_cnty",
        "event_date",
        "event_type",
        "sub_event_type",
        "actor1",
        "actor2",
        "latitude",
        "longitude",
        "fatalities",
    ];
    match dataset {
        Dataset::Acled | Dataset::AcledDyadic => ACLED,
        Dataset::AcledMonadic => &[
            "event_id_cnty",
            "event_date",
            "event_type",
            "sub_event_type",
            "actor1",
            "latitude",
            "longitude",
            "fatalities",
        ],
        Dataset::UcdpGed => &[
            "id",
            "date_start",
            "type_of_violence",
            "side_a",
            "side_b",
            "latitude",
            "longitude",
            "best",
        ],
        Dataset::GeoJson => &[],
    }
}

/// What each layout is recognised by, for the message about an unknown header.
pub(crate) fn expected_layouts() -> String {
    let line = |d: Dataset, what: &str| format!("\n  {:<14} {}: {what}", d.cli_name(), d.name());
    [
        line(
            Dataset::Acled,
            "event_id_cnty, event_date, event_type, sub_event_type, actor1, actor2, \
             latitude, longitude, fatalities (31 columns, no data_id)",
        ),
        line(
            Dataset::AcledMonadic,
            "event_id_cnty, event_date, event_type, sub_event_type, actor1 (no actor2), \
             latitude, longitude, fatalities (28 columns, one row per actor)",
        ),
        line(
            Dataset::AcledDyadic,
            "the acled columns plus data_id or event_id_no_cnty",
        ),
        line(
            Dataset::UcdpGed,
            "id, date_start, type_of_violence, side_a, side_b, latitude, longitude, best",
        ),
        line(
            Dataset::GeoJson,
            "a FeatureCollection of Point features with properties event_id_cnty (or id), \
             event_date, event_type, sub_event_type, actor1, fatalities",
        ),
    ]
    .concat()
}

/// Normalises a header cell for matching: BOM removed, trimmed, lower case.
fn key(name: &str) -> String {
    name.trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// True if `name` is a column that some CSV layout needs (for finding the separator
/// from the header line).
pub(crate) fn is_known_column(name: &str) -> bool {
    let k = key(name);
    Dataset::ALL
        .iter()
        .any(|&d| required(d).contains(&k.as_str()))
}

fn find(keys: &[String], name: &str) -> Option<usize> {
    keys.iter().position(|k| k == name)
}

/// Recognises the layout of a CSV header. GeoJSON is recognised from the content, not
/// here. The error lists the layouts and the columns each is recognised by.
pub fn detect_format(header: &[String]) -> Result<Dataset, String> {
    let keys: Vec<String> = header.iter().map(|h| key(h)).collect();
    let has = |name: &str| find(&keys, name).is_some();
    if has("event_id_cnty") || (has("event_date") && has("actor1")) {
        Ok(if !has("actor2") {
            Dataset::AcledMonadic
        } else if has("data_id") || has("event_id_no_cnty") {
            Dataset::AcledDyadic
        } else {
            Dataset::Acled
        })
    } else if has("side_a") || has("date_start") || has("type_of_violence") {
        Ok(Dataset::UcdpGed)
    } else {
        let names: Vec<&str> = header.iter().take(12).map(|h| h.trim()).collect();
        let more = if header.len() > 12 { ", ..." } else { "" };
        // Escaped and cut: the "header" of a file that is no CSV can be anything.
        let found = super::shape::shown(&format!("{}{more}", names.join(", ")), 200);
        Err(format!(
            "the header matches no known layout. Expected one of:{}\nFound columns: {found}\n\
             (use --input-format to force a layout)",
            expected_layouts(),
        ))
    }
}

impl Layout {
    /// Finds the columns of `dataset` in `header`; the error names the missing ones.
    pub fn new(dataset: Dataset, header: &[String]) -> Result<Layout, String> {
        let keys: Vec<String> = header.iter().map(|h| key(h)).collect();
        let missing: Vec<&str> = required(dataset)
            .iter()
            .copied()
            .filter(|c| find(&keys, c).is_none())
            .collect();
        if dataset == Dataset::GeoJson {
            return Err("GeoJSON is not a CSV layout".into());
        }
        if !missing.is_empty() {
            return Err(format!(
                "the {} layout ({}) needs the column(s) {}, which the header lacks",
                dataset.cli_name(),
                dataset.name(),
                missing.join(", ")
            ));
        }
        let at = |name: &str| find(&keys, name);
        let must = |name: &str| at(name).expect("required column checked above");
        let names = header
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let layout = if dataset == Dataset::UcdpGed {
            Layout {
                dataset,
                names,
                id: must("id"),
                date: must("date_start"),
                event_type: must("type_of_violence"),
                sub_event_type: None,
                primary: vec![must("side_a"), must("side_b")],
                associated: Vec::new(),
                admin1: at("adm_1"),
                admin2: at("adm_2"),
                admin3: None,
                location: at("where_description"),
                latitude: must("latitude"),
                longitude: must("longitude"),
                precision: at("where_prec"),
                fatalities: must("best"),
                country: CountryColumns {
                    label: String::new(),
                    numeric: at("country_id"),
                    numeric_kind: NumericCode::GleditschWard,
                    iso3: None,
                    name: at("country"),
                },
                timestamp: None,
                details: Detail::ALL.iter().map(|d| at(d.ged_column())).collect(),
            }
        } else {
            Layout {
                dataset,
                names,
                id: must("event_id_cnty"),
                date: must("event_date"),
                event_type: must("event_type"),
                sub_event_type: at("sub_event_type"),
                primary: ["actor1", "actor2"].iter().filter_map(|c| at(c)).collect(),
                associated: ["assoc_actor_1", "assoc_actor_2"]
                    .iter()
                    .filter_map(|c| at(c))
                    .collect(),
                admin1: at("admin1"),
                admin2: at("admin2"),
                admin3: at("admin3"),
                location: at("location"),
                latitude: must("latitude"),
                longitude: must("longitude"),
                precision: at("geo_precision"),
                fatalities: must("fatalities"),
                country: CountryColumns {
                    label: String::new(),
                    numeric: at("iso"),
                    numeric_kind: NumericCode::Iso,
                    iso3: at("iso3"),
                    name: at("country"),
                },
                timestamp: at("timestamp"),
                details: Detail::ALL.iter().map(|d| at(d.name())).collect(),
            }
        };
        let mut layout = layout;
        let c = &layout.country;
        layout.country.label = [c.numeric, c.iso3, c.name]
            .into_iter()
            .flatten()
            .map(|i| layout.name(i))
            .collect::<Vec<_>>()
            .join("/");
        Ok(layout)
    }

    /// The header name of column `i` (or a placeholder past the header's end).
    pub fn name(&self, i: usize) -> &str {
        self.names.get(i).map_or("(beyond header)", String::as_str)
    }

    /// Names of the columns that make up the event-level fields compared for duplicates.
    pub fn field_names(&self) -> FieldNames {
        let n = |i: usize| self.name(i).to_string();
        FieldNames {
            date: n(self.date),
            position: located_column(self.name(self.latitude), self.name(self.longitude)),
            country: self.country.label.clone(),
            event_type: n(self.event_type),
            sub_event_type: match self.sub_event_type {
                Some(i) => n(i),
                None => n(self.event_type),
            },
            fatalities: n(self.fatalities),
            actors: self
                .primary
                .iter()
                .chain(&self.associated)
                .map(|&i| n(i))
                .collect::<Vec<_>>()
                .join("/"),
        }
    }
}

/// The properties a GeoJSON feature's country code is read from, as messages name them.
pub(crate) const GEOJSON_COUNTRY: &str = "iso/iso3/country";

/// How a problem with a row's position names its column: "latitude/longitude", or the
/// one name when both come from one column (GeoJSON's "geometry").
pub(crate) fn located_column(lat_col: &str, lon_col: &str) -> String {
    if lat_col == lon_col {
        lat_col.to_string()
    } else {
        format!("{lat_col}/{lon_col}")
    }
}

/// Column names used in messages about event-level fields (they differ by layout).
#[derive(Debug, Clone)]
pub(crate) struct FieldNames {
    pub date: String,
    /// The position's column(s), as problems with it name them (see
    /// [`located_column`]).
    pub position: String,
    /// The country code column(s), for a row coded as another country.
    pub country: String,
    pub event_type: String,
    pub sub_event_type: String,
    pub fatalities: String,
    pub actors: String,
}

impl FieldNames {
    /// The names GeoJSON properties go by.
    pub fn geojson() -> FieldNames {
        FieldNames {
            date: "event_date".into(),
            position: located_column("geometry", "geometry"),
            country: GEOJSON_COUNTRY.into(),
            event_type: "event_type".into(),
            sub_event_type: "sub_event_type".into(),
            fatalities: "fatalities".into(),
            actors: "actor1/actor2/assoc_actor_1/assoc_actor_2".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(s: &str) -> Vec<String> {
        s.split(',').map(String::from).collect()
    }

    const CURRENT: &str = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,\
        sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,\
        civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,\
        geo_precision,source,source_scale,notes,fatalities,tags,timestamp";
    const MONADIC: &str = "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,\
        time_precision,event_type,sub_event_type,actor1,assoc_actor_1,inter1,interaction,region,\
        country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,\
        source_scale,notes,fatalities,timestamp,iso3";

    #[test]
    fn detects_each_csv_layout() {
        assert_eq!(detect_format(&header(CURRENT)), Ok(Dataset::Acled));
        assert_eq!(header(CURRENT).len(), 31);
        assert_eq!(detect_format(&header(MONADIC)), Ok(Dataset::AcledMonadic));
        assert_eq!(header(MONADIC).len(), 28);
        let dyadic = format!("data_id,{CURRENT},event_id_no_cnty,iso3");
        assert_eq!(detect_format(&header(&dyadic)), Ok(Dataset::AcledDyadic));
        let ged = "id,relid,year,type_of_violence,side_a,side_b,latitude,longitude,date_start,best";
        assert_eq!(detect_format(&header(ged)), Ok(Dataset::UcdpGed));
    }

    #[test]
    fn matches_names_case_insensitively_with_bom_and_spaces() {
        let upper = format!("\u{feff}{}", CURRENT.to_uppercase().replace(',', " , "));
        let h = header(&upper);
        assert_eq!(detect_format(&h), Ok(Dataset::Acled));
        let layout = Layout::new(Dataset::Acled, &h).unwrap();
        assert_eq!(layout.id, 0);
        assert_eq!(layout.name(0), "EVENT_ID_CNTY");
        assert_eq!(layout.fatalities, 28);
        assert_eq!(layout.primary, vec![7, 10]);
        assert_eq!(
            (
                layout.country.numeric,
                layout.country.iso3,
                layout.country.name
            ),
            (Some(15), None, Some(17))
        );
        let ged = "id,side_a,side_b,latitude,longitude,date_start,type_of_violence,best,country,country_id";
        let ged = Layout::new(Dataset::UcdpGed, &header(ged)).unwrap();
        assert_eq!((ged.country.numeric, ged.country.name), (Some(9), Some(8)));
        assert_eq!(ged.country.numeric_kind, NumericCode::GleditschWard);
    }

    #[test]
    fn unknown_header_lists_expected_layouts() {
        let err = detect_format(&header("name,value,when")).unwrap_err();
        for expected in [
            "acled-monadic",
            "event_id_cnty",
            "side_a",
            "date_start",
            "geojson",
        ] {
            assert!(err.contains(expected), "{expected} not in {err}");
        }
        assert!(err.contains("name, value, when"), "{err}");
    }

    #[test]
    fn forced_layout_names_missing_columns() {
        let err = Layout::new(Dataset::UcdpGed, &header(CURRENT)).unwrap_err();
        assert!(
            err.contains("id, date_start, type_of_violence, side_a, side_b, best"),
            "{err}"
        );
        assert!(Layout::new(Dataset::AcledMonadic, &header(CURRENT)).is_ok());
    }
}
