//! Row-level problems found while reading an event file, and the closing summary.
//!
//! A problem never stops a run (unless `--strict`): the row is skipped, or kept with a
//! warning, and the problem is counted by reason and remembered with its file, line,
//! column and a human-readable explanation.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::model::Dataset;

/// Why a row was skipped or flagged. The order is the order of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// Date column empty.
    MissingDate,
    /// Date present but in no known format, or not a real calendar date.
    BadDate,
    /// Latitude or longitude empty or not a number.
    CoordinateNotNumber,
    /// Latitude outside [-90, 90] or longitude outside [-180, 180].
    CoordinateOutOfRange,
    /// Exactly (0, 0): a missing position written as zeros.
    ZeroZero,
    /// Outside the study country as given, inside it when latitude and longitude are
    /// swapped. Reported, never silently fixed.
    SwappedLatLon,
    /// Fatalities negative, fractional or not a number.
    BadFatalities,
    /// The event type is empty, or (UCDP GED) type_of_violence is not 1, 2 or 3.
    BadEventType,
    /// The event id is empty.
    MissingId,
    /// A second row with an id already read whose content disagrees with the first.
    DuplicateConflict,
    /// A second row identical to one already read (same id, same content).
    DuplicateIdentical,
    /// A row with a different number of fields than the header (not the last line).
    WrongFieldCount,
    /// A field longer than [`crate::input::csv_rows::MAX_FIELD`] bytes.
    FieldTooLong,
    /// The last line of the file is cut short (fewer fields than the header, or an
    /// unterminated quote).
    TruncatedLastLine,
    /// A GeoJSON feature that is not a usable point event.
    BadFeature,
    /// Bytes that are not valid UTF-8; decoded lossily (U+FFFD), the row is kept.
    InvalidUtf8,
    /// A geo_precision value outside 1..=3; kept without precision.
    BadGeoPrecision,
    /// The event lies outside the study country; kept or dropped by flag.
    OutsideCountry,
    /// The source codes the event as another country (even if it lies inside the
    /// outline); kept or dropped by flag, like OutsideCountry.
    CodedOtherCountry,
    /// The source codes the event as the study country but it lies outside the outline
    /// (a border town past a generalised line): kept, a note.
    CodedOutsideOutline,
}

impl Problem {
    /// True for the problems that say whether an event is the study country's: never a
    /// reason to fail a `--strict` read (they are governed by `--keep-outside`, or notes).
    pub fn is_country_verdict(self) -> bool {
        matches!(
            self,
            Problem::OutsideCountry | Problem::CodedOtherCountry | Problem::CodedOutsideOutline
        )
    }

    /// A short stable name, used in summaries and machine-readable reports.
    pub fn code(self) -> &'static str {
        match self {
            Problem::MissingDate => "missing_date",
            Problem::BadDate => "bad_date",
            Problem::CoordinateNotNumber => "coordinate_not_number",
            Problem::CoordinateOutOfRange => "coordinate_out_of_range",
            Problem::ZeroZero => "zero_zero",
            Problem::SwappedLatLon => "swapped_lat_lon",
            Problem::BadFatalities => "bad_fatalities",
            Problem::BadEventType => "bad_event_type",
            Problem::MissingId => "missing_id",
            Problem::DuplicateConflict => "duplicate_conflict",
            Problem::DuplicateIdentical => "duplicate_identical",
            Problem::WrongFieldCount => "wrong_field_count",
            Problem::FieldTooLong => "field_too_long",
            Problem::TruncatedLastLine => "truncated_last_line",
            Problem::BadFeature => "bad_feature",
            Problem::InvalidUtf8 => "invalid_utf8",
            Problem::BadGeoPrecision => "bad_geo_precision",
            Problem::OutsideCountry => "outside_country",
            Problem::CodedOtherCountry => "coded_other_country",
            Problem::CodedOutsideOutline => "coded_outside_outline",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Problem::MissingDate => "date missing",
            Problem::BadDate => "date not understood",
            Problem::CoordinateNotNumber => "coordinates not numbers",
            Problem::CoordinateOutOfRange => "coordinates out of range",
            Problem::ZeroZero => "coordinates exactly (0, 0)",
            Problem::SwappedLatLon => "latitude/longitude apparently swapped",
            Problem::BadFatalities => "fatalities not a non-negative integer",
            Problem::BadEventType => "event type missing or not understood",
            Problem::MissingId => "event id missing",
            Problem::DuplicateConflict => "duplicate id, rows disagree",
            Problem::DuplicateIdentical => "duplicate row (identical)",
            Problem::WrongFieldCount => "wrong number of fields",
            Problem::FieldTooLong => "field longer than 16 MiB",
            Problem::TruncatedLastLine => "truncated last line",
            Problem::BadFeature => "unusable GeoJSON feature",
            Problem::InvalidUtf8 => "invalid UTF-8 (decoded lossily)",
            Problem::BadGeoPrecision => "geo_precision not 1, 2 or 3",
            Problem::OutsideCountry => "outside the study country",
            Problem::CodedOtherCountry => "coded as another country",
            Problem::CodedOutsideOutline => "coded as the country, outside its outline",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// What happened to the row that had the problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The row was not read into an event.
    Skipped,
    /// The row was read; the problem is a warning (e.g. lossy UTF-8, an event outside
    /// the country that the user chose to keep).
    Kept,
}

/// One reported problem: file, line, column and reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based line where the row starts (GeoJSON: 0 and `feature` is set instead).
    pub line: u64,
    /// GeoJSON: the 0-based index of the feature in the collection.
    pub feature: Option<usize>,
    /// The column (as named in the header) the problem is in, if it is in one.
    pub column: Option<String>,
    pub problem: Problem,
    pub outcome: Outcome,
    /// What was found and why it is a problem, e.g. `"2024-13-45" is not a date`.
    pub detail: String,
}

/// Where a read streams its diagnostics, in file order (e.g. to stderr). Any
/// `Fn(&Diagnostic)` is one.
pub trait DiagnosticSink: Sync {
    /// Whether [`DiagnosticSink::report`] would still use a diagnostic of `problem`. A
    /// row's diagnostic is written out only for a sink that wants it or for the
    /// diagnostics a read keeps, so that a file whose rows are mostly outside the study
    /// country (a multi-country download) costs counting, not millions of messages.
    fn wants(&self, _problem: Problem) -> bool {
        true
    }

    fn report(&self, d: &Diagnostic);
}

impl<F: Fn(&Diagnostic) + Sync> DiagnosticSink for F {
    fn report(&self, d: &Diagnostic) {
        self(d)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        match self.feature {
            Some(i) => write!(f, ": feature {i}")?,
            None => write!(f, ": line {}", self.line)?,
        }
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        let what = match self.outcome {
            Outcome::Skipped => "skipped",
            Outcome::Kept => "kept",
        };
        write!(f, ": {} ({}): {}", self.problem, what, self.detail)
    }
}

/// Counts for the summary that closes every run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReadSummary {
    pub file: PathBuf,
    pub format: Option<Dataset>,
    /// Data rows (CSV records or GeoJSON features) read from the file.
    pub rows_read: u64,
    /// Rows folded into an earlier row of the same event (monadic export).
    pub rows_merged: u64,
    /// Events kept after every check.
    pub events_kept: u64,
    /// Rows skipped, by reason.
    pub skipped: BTreeMap<Problem, u64>,
    /// Rows kept with a warning, by reason.
    pub warnings: BTreeMap<Problem, u64>,
    /// Events not the study country's (whether kept or dropped): outside the outline
    /// with no country code, or coded as another country.
    pub outside_country: u64,
    /// How the file was stored (encoding, separator, container).
    pub stored: Option<super::Stored>,
    /// When several files were read as one: each file's own summary, and the events
    /// they shared.
    pub merged: Option<super::Merged>,
}

impl ReadSummary {
    pub fn new(file: &Path) -> Self {
        ReadSummary {
            file: file.to_path_buf(),
            ..Default::default()
        }
    }

    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    pub fn count(&mut self, d: &Diagnostic) {
        self.count_problem(d.problem, d.outcome);
    }

    /// Counts one problem without its diagnostic.
    pub fn count_problem(&mut self, problem: Problem, outcome: Outcome) {
        let map = match outcome {
            Outcome::Skipped => &mut self.skipped,
            Outcome::Kept => &mut self.warnings,
        };
        *map.entry(problem).or_default() += 1;
    }
}

impl fmt::Display for ReadSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Summary for {}", self.file.display())?;
        if let Some(fmt_) = self.format {
            writeln!(f, "  format:            {fmt_}")?;
        }
        if let Some(stored) = &self.stored {
            writeln!(f, "  stored as:         {stored}")?;
        }
        if let Some(merged) = &self.merged {
            write!(f, "{merged}")?;
        }
        writeln!(f, "  rows read:         {}", self.rows_read)?;
        if self.rows_merged > 0 {
            writeln!(
                f,
                "  rows merged:       {} (one row per actor, same event)",
                self.rows_merged
            )?;
        }
        writeln!(f, "  events kept:       {}", self.events_kept)?;
        writeln!(f, "  rows skipped:      {}", self.skipped_total())?;
        for (p, n) in &self.skipped {
            writeln!(f, "    {:<34} {n}", p.describe())?;
        }
        if !self.warnings.is_empty() {
            writeln!(f, "  kept with warnings:")?;
            for (p, n) in &self.warnings {
                writeln!(f, "    {:<34} {n}", p.describe())?;
            }
        }
        if self.outside_country > 0 {
            writeln!(
                f,
                "  outside country:   {} (see 'kept with warnings' or 'skipped')",
                self.outside_country
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostic_names_file_line_column_and_reason() {
        let d = Diagnostic {
            file: PathBuf::from("events.csv"),
            line: 17,
            feature: None,
            column: Some("event_date".into()),
            problem: Problem::BadDate,
            outcome: Outcome::Skipped,
            detail: "\"2024-13-45\" is not a date".into(),
        };
        assert_eq!(
            d.to_string(),
            "events.csv: line 17, column event_date: date not understood (skipped): \"2024-13-45\" is not a date"
        );
    }

    #[test]
    fn summary_counts_by_outcome() {
        let mut s = ReadSummary::new(Path::new("x.csv"));
        let mut d = Diagnostic {
            file: "x.csv".into(),
            line: 2,
            feature: None,
            column: None,
            problem: Problem::ZeroZero,
            outcome: Outcome::Skipped,
            detail: String::new(),
        };
        s.count(&d);
        d.outcome = Outcome::Kept;
        d.problem = Problem::InvalidUtf8;
        s.count(&d);
        assert_eq!(s.skipped_total(), 1);
        assert_eq!(s.warnings[&Problem::InvalidUtf8], 1);
    }
}
