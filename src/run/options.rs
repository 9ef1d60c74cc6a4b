//! The options of a run: which study, which events and how strictly to read them, which
//! events count. Plain structs with defaults (the built-in Mali study, the shipped
//! sample); the command line maps its flags onto them.

use std::path::PathBuf;

use crate::model::{CountryBy, Dataset};

/// Which study (country, boundary files, zones, categories). Default: the built-in Mali
/// study.
#[derive(Debug, Clone, Default)]
pub struct StudyOptions {
    /// Study file (TOML).
    pub study: Option<PathBuf>,
    /// Country outline (GeoJSON polygons), replacing the study's.
    pub outline: Option<PathBuf>,
    /// Picks the outline's features by a property, e.g. `ISO_A3=BFA`.
    pub outline_where: Option<String>,
    pub country_name: Option<String>,
    pub country_iso3: Option<String>,
    pub adm1: Option<PathBuf>,
    pub adm2: Option<PathBuf>,
    pub neighbours: Option<PathBuf>,
    pub borders: Option<PathBuf>,
    pub places: Option<PathBuf>,
    /// Category definitions (TOML), replacing the study's.
    pub categories: Option<PathBuf>,
    /// Zone sizes replacing the study's.
    pub zones: ZoneOverrides,
}

/// Zone sizes replacing the study's (`zones --ring-km --band-km --band-neighbours`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ZoneOverrides {
    /// Radius of every ring, km.
    pub ring_km: Option<f64>,
    /// Width of every border band, km.
    pub band_km: Option<f64>,
    /// Neighbours of every border band (ISO3 codes).
    pub band_neighbours: Vec<String>,
}

/// Which events, and how strictly to read them. Default: the shipped synthetic sample.
#[derive(Debug, Clone)]
pub struct EventOptions {
    /// Event files read as one (an event id in several files is one event, its newest
    /// revision wins). Empty: the shipped sample.
    pub files: Vec<PathBuf>,
    /// The sheet of an .xlsx file (default: the first).
    pub sheet: Option<String>,
    /// The input format, instead of detecting it.
    pub format: Option<Dataset>,
    /// Fail on the first bad row instead of skipping it.
    pub strict: bool,
    /// Keep events that are not the study country's.
    pub keep_outside: bool,
    /// What decides whether an event is the study country's.
    pub country_by: CountryBy,
    /// Write every reported problem to this CSV file.
    pub diagnostics: Option<PathBuf>,
    /// How many problems of each kind to print to stderr (the rest are counted).
    pub show_problems: usize,
    /// Hash the input files (SHA-256) while reading them, for a manifest.
    pub hash_inputs: bool,
    /// Keep the events' source details (actor roles, inter codes, civilian targeting,
    /// sources; see [`crate::model::EventDetails`]): the GIS layers need them, no other
    /// product does. Off by default, so the commands that do not write layers do not pay
    /// for them.
    pub details: bool,
    /// Keep the events' ids once read (the GIS layers and `inspect` print them; the
    /// read needs them either way, to find repeated ids). On by default; the commands
    /// that print no ids turn it off: about 15 bytes an event, 150 MB on ten million.
    pub ids: bool,
}

impl Default for EventOptions {
    fn default() -> Self {
        EventOptions {
            files: Vec::new(),
            sheet: None,
            format: None,
            strict: false,
            keep_outside: false,
            country_by: CountryBy::Source,
            diagnostics: None,
            show_problems: 5,
            hash_inputs: false,
            details: false,
            ids: true,
        }
    }
}

/// Which events count. Default: all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Years included (default: the years of the data).
    pub years: Option<(i32, i32)>,
    /// Only these event types (as in the data, compared without case).
    pub event_types: Vec<String>,
    /// Keep events located at least this precisely (1 town, 2 near a town, 3 all).
    pub min_precision: Option<u8>,
}

impl Filter {
    /// "; event types: …; geo_precision ≤ 2" (empty without filters), for subtitles.
    pub fn note(&self) -> String {
        let mut parts = Vec::new();
        if !self.event_types.is_empty() {
            parts.push(format!("event types: {}", self.event_types.join(", ")));
        }
        if let Some(p) = self.min_precision {
            parts.push(format!("geo_precision ≤ {p}"));
        }
        parts.iter().map(|p| format!("; {p}")).collect()
    }
}
