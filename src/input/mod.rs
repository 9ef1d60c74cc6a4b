//! Reading event files (ACLED, UCDP GED, GeoJSON) into the [`crate::model::Event`] model.
//! A new input format goes here: a reader producing the same events and diagnostics,
//! recognised in `open` (container, encoding) or `layout` (CSV header).
//!
//! [`read_events`] recognises the layout (or takes it from `--input-format`), streams CSV
//! record by record, and reports every row it cannot use as a [`Diagnostic`] with file,
//! line, column and reason. The work is split in:
//! - `layout`: recognising a CSV header and finding its columns;
//! - `csv_read`: the streaming, batched, parallel CSV loop; `csv_rows`: one CSV row;
//! - `geojson_read`: GeoJSON FeatureCollections;
//! - `open`, `shape`, `separator`, `xlsx`: the shapes a file comes in (gzip, zip, XLSX;
//!   UTF-8, UTF-16, Windows-1252; ',', ';' or tab separated), read transparently;
//! - `merge`: several files read in one run, as one set of events;
//! - `values`, `draft`: field parsers and checks shared by both;
//! - `assemble`: the sequential step (duplicates, monadic merge, diagnostics).

mod assemble;
mod csv_feed;
mod csv_read;
mod csv_rows;
mod csv_scan;
pub mod diagnostics;
pub mod differential;
mod draft;
mod geojson_read;
mod id_table;
mod layout;
mod merge;
mod open;
mod prefault;
mod separator;
mod shape;
pub mod territory;
mod values;
mod xlsx;

#[cfg(test)]
mod tests;

use std::io::Read;
use std::path::Path;

pub use diagnostics::{Diagnostic, DiagnosticSink, Outcome, Problem, ReadSummary};
pub use layout::detect_format;
pub use merge::{Merged, merge};
pub use shape::Stored;
pub use territory::{BoxTerritory, Territory};

use crate::error::Result;
use crate::model::{CountryCodes, Dataset, EventSet};
use csv_read::Cut;

/// How to read an event file.
#[derive(Clone, Copy)]
pub struct ReadOptions<'a> {
    /// Forced layout (`--input-format`); `None`: recognised from the header (or, for GeoJSON,
    /// from the content).
    pub format: Option<Dataset>,
    /// Fail on the first problem instead of skipping the row. Every problem counts
    /// (warnings such as lossy UTF-8 too) except those that say whether an event is the
    /// country's, which are governed only by `keep_outside`.
    pub strict: bool,
    /// Keep events outside the territory (they are counted and reported either way).
    pub keep_outside: bool,
    /// The study country; `None`: no outside/swapped checks.
    pub territory: Option<&'a dyn Territory>,
    /// The study country's codes: rows whose source codes a country (ACLED `iso`,
    /// `iso3`, `country`; GED `country_id`, `country`) belong to it by that code, and
    /// the outline decides only for rows without one. `None`: the outline decides
    /// (`--country-by outline`).
    pub country: Option<&'a CountryCodes>,
    /// How many diagnostics per problem to keep in [`ReadOutput::diagnostics`] (the rest
    /// are only counted in the summary).
    pub diagnostics_limit: usize,
    /// Given every diagnostic it wants, in file order (e.g. to stream them to stderr);
    /// a closure `|d: &Diagnostic| ...` wants them all.
    pub on_diagnostic: Option<&'a dyn DiagnosticSink>,
    /// The sheet of an XLSX workbook to read (`--sheet`); `None`: the first. Other
    /// inputs ignore it.
    pub sheet: Option<&'a str>,
    /// Keep each event's ACLED `timestamp` (in [`ReadOutput::timestamps`]), to tell
    /// the newer revision of an event read from several files.
    pub revisions: bool,
    /// Keep each event's source details (actor roles, inter codes, civilian targeting,
    /// sources) in [`crate::model::EventSet::details`], for the GIS layers. Off by
    /// default: the other products never look at them, and reading them costs time and
    /// memory per event.
    pub details: bool,
}

impl Default for ReadOptions<'_> {
    fn default() -> Self {
        ReadOptions {
            format: None,
            strict: false,
            keep_outside: false,
            territory: None,
            country: None,
            diagnostics_limit: 100,
            on_diagnostic: None,
            sheet: None,
            revisions: false,
            details: false,
        }
    }
}

/// The events of one file, the closing summary and the first diagnostics of each kind.
#[derive(Debug)]
pub struct ReadOutput {
    pub events: EventSet,
    pub summary: ReadSummary,
    pub diagnostics: Vec<Diagnostic>,
    /// With [`ReadOptions::revisions`]: per event, its ACLED `timestamp` (0 if none);
    /// otherwise empty.
    pub timestamps: Vec<u64>,
}

/// Reads an event file (CSV in any ACLED layout or UCDP GED, an XLSX workbook, or
/// GeoJSON), plain or in gzip or zip, in any of the encodings and separators read.
///
/// The file is read with plain reads into a few reused buffers, not through a memory
/// map: mapping a file costs a page fault per few pages on first touch, which measured
/// four times the cost of copying the bytes (5 GB: 5.5 s against 1.4 s of CPU).
pub fn read_events(path: &Path, opts: &ReadOptions) -> Result<ReadOutput> {
    open::read_path(path, opts, Cut::default())
}

/// Reads events from bytes in memory (plain UTF-8 CSV records are scanned where they
/// lie, with no copy); `path` only names the input in messages.
pub fn read_events_bytes(bytes: &[u8], path: &Path, opts: &ReadOptions) -> Result<ReadOutput> {
    open::read_bytes(bytes, path, opts, Cut::default())
}

/// Reads events from `reader`; `path` only names the input in messages.
pub fn read_events_from<R: Read>(reader: R, path: &Path, opts: &ReadOptions) -> Result<ReadOutput> {
    read_with_batch(reader, path, opts, csv_read::BATCH)
}

/// [`read_events_from`] with a chosen CSV batch size (tests use tiny batches to check
/// that batching does not change the result).
pub(crate) fn read_with_batch<R: Read>(
    reader: R,
    path: &Path,
    opts: &ReadOptions,
    batch: usize,
) -> Result<ReadOutput> {
    read_with_sizes(reader, path, opts, batch, csv_read::BLOCK)
}

/// [`read_with_batch`] with a chosen CSV block size too (tests use tiny blocks to check
/// that splitting the file for parallel tokenising does not change the result).
pub(crate) fn read_with_sizes<R: Read>(
    reader: R,
    path: &Path,
    opts: &ReadOptions,
    batch: usize,
    block: usize,
) -> Result<ReadOutput> {
    let cut = Cut {
        block,
        batch,
        ..Cut::default()
    };
    open::read_reader(reader, path, opts, cut)
}

/// True if the first non-blank character (after a BOM) opens a JSON object.
pub(crate) fn looks_like_json(start: &[u8]) -> bool {
    let start = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(start);
    start.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}
