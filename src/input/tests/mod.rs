//! Reader tests: fixture files in each layout, real UCDP GED rows, bad input, options.

mod bad_input;
mod bad_structure;
mod blocks;
mod details;
mod fixtures;
mod ged;
mod limits;
mod options;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::*;
use crate::model::{Event, Sym};
use crate::units::LonLat;

pub(super) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

pub(super) fn read_fixture(name: &str) -> ReadOutput {
    read_events(&fixture(name), &ReadOptions::default()).unwrap()
}

/// Reads CSV (or GeoJSON) text given inline; the file is called "test.csv".
pub(super) fn read_text(text: impl AsRef<[u8]>, opts: &ReadOptions) -> Result<ReadOutput> {
    read_events_from(text.as_ref(), Path::new("test.csv"), opts)
}

pub(super) fn mali() -> BoxTerritory {
    BoxTerritory {
        name: "Mali".into(),
        min: LonLat::new(-12.3, 10.1).unwrap(),
        max: LonLat::new(4.3, 25.0).unwrap(),
    }
}

pub(super) fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// An event with its text resolved, for field-by-field assertions and comparisons.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct View {
    pub id: String,
    pub date: NaiveDate,
    pub year: i32,
    pub lon: f64,
    pub lat: f64,
    pub precision: Option<u8>,
    pub event_type: String,
    pub sub_event_type: String,
    pub primary: Vec<String>,
    pub associated: Vec<String>,
    pub fatalities: u32,
    pub admin: [String; 3],
    pub location: String,
    pub dataset: Dataset,
    pub line: u64,
}

pub(super) fn views(out: &ReadOutput) -> Vec<View> {
    (0..out.events.len()).map(|i| view(out, i)).collect()
}

pub(super) fn view(out: &ReadOutput, i: usize) -> View {
    let e = &out.events.events[i];
    let s = |sym: Sym| out.events.str(sym).to_string();
    let list = |syms: &[Sym]| syms.iter().map(|&x| s(x)).collect();
    View {
        id: out.events.id(i).to_string(),
        date: e.date,
        year: e.year(),
        lon: e.lon(),
        lat: e.lat(),
        precision: e.geo_precision,
        event_type: s(e.event_type),
        sub_event_type: s(e.sub_event_type),
        primary: list(&out.events.strings.actors(e.primary_actors)),
        associated: list(&out.events.strings.actors(e.associated_actors)),
        fatalities: e.fatalities,
        admin: [s(e.admin1), s(e.admin2), s(e.admin3)],
        location: s(e.location),
        dataset: e.dataset,
        line: u64::from(e.source_line),
    }
}

pub(super) fn by_id<'a>(v: &'a [View], id: &str) -> &'a View {
    v.iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("no event {id}"))
}

pub(super) const ACLED_HEADER: &str = "event_id_cnty,event_date,year,time_precision,\
    disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,\
    inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,\
    latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp";

/// A valid current-layout row (id MLI9000 + n); `changes` replace columns by name.
pub(super) fn acled_row(n: usize, changes: &[(&str, &str)]) -> String {
    let id = format!("MLI{}", 9000 + n);
    let mut fields: Vec<(&str, &str)> = ACLED_HEADER
        .split(',')
        .map(|c| {
            let v = match c {
                "event_id_cnty" => id.as_str(),
                "event_date" => "2024-03-01",
                "event_type" => "Battles",
                "sub_event_type" => "Armed clash",
                "actor1" => "JNIM: Group for Support of Islam and Muslims",
                "actor2" => "Military Forces of Mali (2021-)",
                "admin1" => "Segou",
                "latitude" => "13.4317",
                "longitude" => "-6.2157",
                "geo_precision" => "1",
                "fatalities" => "3",
                "country" => "Mali",
                _ => "",
            };
            (c, v)
        })
        .collect();
    for (c, v) in changes {
        fields.iter_mut().find(|(name, _)| name == c).unwrap().1 = v;
    }
    fields.iter().map(|(_, v)| *v).collect::<Vec<_>>().join(",")
}

/// A current-layout file: header, then one row per entry (row i is on line i + 2).
pub(super) fn acled_file(rows: &[&[(&str, &str)]]) -> String {
    let mut s = format!("{ACLED_HEADER}\n");
    for (i, changes) in rows.iter().enumerate() {
        s.push_str(&acled_row(i, changes));
        s.push('\n');
    }
    s
}

/// The one diagnostic with `problem`, checked for line, column and outcome.
pub(super) fn only(out: &ReadOutput, problem: Problem, line: u64, column: &str) -> Diagnostic {
    let found: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.problem == problem)
        .collect();
    assert_eq!(found.len(), 1, "{problem:?} in {:#?}", out.diagnostics);
    let d = found[0].clone();
    assert_eq!(d.line, line, "{d}");
    assert_eq!(d.column.as_deref(), Some(column), "{d}");
    d
}
