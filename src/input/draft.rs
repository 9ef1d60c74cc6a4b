//! A row parsed but not yet stored: what the parallel step (one row at a time, any
//! order) hands to the sequential step (dedup, merge, diagnostics, in file order).

use std::borrow::Cow;
use std::sync::Arc;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use super::diagnostics::Problem;
use super::id_table::RowId;
use super::layout::FieldNames;
use super::territory::Territory;
use super::values::{ged_precision, parse_count, parse_date, split_actors, trim};
use crate::model::country::{Coded, CountryMatch};
use crate::model::{Strings, Sym};
use crate::units::LonLat;

/// A text field: already interned, or new text to intern in the sequential step.
///
/// The parallel step only looks strings up; new ones are interned in file order, so the
/// symbol numbering (and anything later keyed on it) is the same on every run and for
/// every batch size.
#[derive(Debug)]
pub(crate) enum Text {
    Known(Sym),
    /// Boxed, not a `String`: drafts are moved between threads, so every byte counts.
    New(Box<str>),
}

impl Text {
    /// True if the text is empty after trimming.
    pub fn is_blank(&self, known: &Known) -> bool {
        match self {
            Text::Known(sym) => *sym == known.empty,
            Text::New(s) => trim(s).is_empty(),
        }
    }
}

/// Strings already interned, as a plain map that the parallel step reads without locks
/// (the interner's own map takes a lock per lookup, which two threads fight over). Only
/// the sequential step adds to it, through [`Learning`]. Event ids are not kept here:
/// they rarely repeat.
#[derive(Debug, Clone)]
pub(crate) struct Known {
    map: FxHashMap<Box<str>, Sym>,
    empty: Sym,
}

/// Beyond this many strings (a column of nearly unique text), new ones are no longer
/// remembered here; they are still interned, once, by the sequential step.
const KNOWN_MAX: usize = 1 << 20;

impl Known {
    pub fn new(strings: &Strings) -> Self {
        let empty = strings.empty();
        let mut map = FxHashMap::default();
        map.insert(Box::from(""), empty);
        Known { map, empty }
    }

    pub fn empty(&self) -> Sym {
        self.empty
    }

    /// The text as a [`Text`]: its symbol if already interned, else a copy of it (the
    /// drafts outlive the block they were read from: the next block is parsed while
    /// they are assembled).
    pub fn text(&self, s: Cow<'_, str>) -> Text {
        let t = trim(&s);
        if t.is_empty() {
            // Empty cells are common (admin names, associated actors): no lookup.
            return Text::Known(self.empty);
        }
        match self.map.get(t) {
            Some(&sym) => Text::Known(sym),
            None => Text::New(s.into_owned().into_boxed_str()),
        }
    }

    pub fn borrowed(&self, s: &str) -> Text {
        self.text(Cow::Borrowed(s))
    }

    /// Splits a list of actors on `sep` into `out`.
    pub fn actors(&self, list: Cow<'_, str>, sep: char, out: &mut SmallVec<[Text; 2]>) {
        out.extend(split_actors(&list, sep).map(|a| self.borrowed(a)));
    }

    /// The text as a [`Text`] without looking it up: for free text, which almost never
    /// repeats ([`crate::model::Detail::is_free_text`]).
    pub fn free_text(s: Cow<'_, str>) -> Text {
        Text::New(s.into_owned().into_boxed_str())
    }

    /// The symbol of `t`, interning new text without remembering it (free text).
    pub fn resolve_free(strings: &Strings, t: &Text) -> Sym {
        match t {
            Text::Known(sym) => *sym,
            Text::New(s) => strings.intern(s),
        }
    }
}

/// The sequential step's side of [`Known`]: the map the parallel step reads, shared, and
/// the text interned since it was last shared. Rows are parsed while earlier rows are
/// assembled, so new text goes into `fresh` and reaches the shared map only at
/// [`Learning::share`], when no parser holds it (then without a copy).
#[derive(Debug)]
pub(crate) struct Learning {
    shared: Arc<Known>,
    fresh: FxHashMap<Box<str>, Sym>,
}

impl Learning {
    pub fn new(strings: &Strings) -> Self {
        Learning {
            shared: Arc::new(Known::new(strings)),
            fresh: FxHashMap::default(),
        }
    }

    /// The map the parallel step reads.
    pub fn known(&self) -> &Known {
        &self.shared
    }

    /// The map the parallel step reads, to hand to parsers running beside the
    /// sequential step.
    pub fn shared(&self) -> Arc<Known> {
        Arc::clone(&self.shared)
    }

    pub fn empty(&self) -> Sym {
        self.shared.empty
    }

    /// The symbol of `t`, interning (and remembering) new text. Text parsed before
    /// the last [`Learning::share`] may come as new though the map now has it.
    pub fn resolve(&mut self, strings: &Strings, t: &Text) -> Sym {
        let s = match t {
            Text::Known(sym) => return *sym,
            Text::New(s) => trim(s),
        };
        if let Some(&sym) = self.shared.map.get(s).or_else(|| self.fresh.get(s)) {
            return sym;
        }
        let sym = strings.intern(s);
        if self.shared.map.len() + self.fresh.len() < KNOWN_MAX {
            self.fresh.insert(s.into(), sym);
        }
        sym
    }

    /// Adds the text interned since the last call to the shared map (copied only if a
    /// parser still holds the map).
    pub fn share(&mut self) {
        if self.fresh.is_empty() {
            return;
        }
        let known = Arc::make_mut(&mut self.shared);
        known.map.extend(self.fresh.drain());
    }
}

/// A problem found in one row, before it becomes a [`super::Diagnostic`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Issue {
    pub problem: Problem,
    pub column: Option<String>,
    pub detail: IssueDetail,
}

/// What an issue says. A row outside the study country, the one problem that can
/// concern most rows of a file (a multi-country download), keeps its position and is
/// written out only if its diagnostic is shown or kept.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum IssueDetail {
    Text(String),
    /// "latitude …, longitude … is outside <the territory>".
    Outside {
        lat: f64,
        lon: f64,
    },
}

impl IssueDetail {
    /// The text, naming the territory (`territory`) for a position outside it.
    pub fn text(&self, territory: &str) -> String {
        match self {
            IssueDetail::Text(s) => s.clone(),
            IssueDetail::Outside { lat, lon } => {
                format!("latitude {lat}, longitude {lon} is outside {territory}")
            }
        }
    }
}

impl Issue {
    pub fn new(problem: Problem, column: &str, detail: impl Into<String>) -> Self {
        Issue {
            problem,
            column: Some(column.to_string()),
            detail: IssueDetail::Text(detail.into()),
        }
    }
}

/// Where a row is in its file: a CSV line, or a GeoJSON feature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Origin {
    /// 1-based line where the CSV record starts; for GeoJSON the 1-based feature number.
    pub line: u64,
    /// GeoJSON: 0-based feature index.
    pub feature: Option<usize>,
}

/// The event fields of a row that passed every check that skips a row.
#[derive(Debug)]
pub(crate) struct Fields {
    pub id: RowId,
    pub date: NaiveDate,
    pub position: LonLat,
    /// Set when the event is not the study country's (outside the outline with no code,
    /// or coded as another country); reported (kept or dropped by the sequential step,
    /// which first checks whether the row is a duplicate).
    pub outside: Option<Outside>,
    /// Whether the event is the study country's, and how that was decided.
    pub country: CountryMatch,
    pub geo_precision: Option<u8>,
    pub event_type: Text,
    pub sub_event_type: Text,
    pub primary: SmallVec<[Text; 2]>,
    pub associated: SmallVec<[Text; 2]>,
    pub fatalities: u32,
    pub admin1: Text,
    pub admin2: Text,
    pub admin3: Text,
    pub location: Text,
    /// ACLED's `timestamp` (seconds since 1970 of the row's last revision), read only
    /// when several files are merged.
    pub timestamp: Option<u64>,
    /// The row's details (per [`crate::model::Detail`], `None` for a column the layout
    /// lacks), read only when asked ([`crate::input::ReadOptions::details`]); boxed so
    /// that rows read without them stay small.
    pub details: Option<Box<DetailTexts>>,
}

/// Why a row is not the study country's, without its message. The sequential step
/// counts every such row but writes out only the first few, so the issue is written
/// only if the row is reported ([`Outside::issue`]): most rows of a multi-country file
/// are outside, and a message and its allocations per row took half the time of reading
/// such a file.
#[derive(Debug)]
pub(crate) enum Outside {
    /// The outline's verdict: the position lies outside the country (no code to say
    /// otherwise).
    Outline,
    /// The source codes another country: its label ("Niger (562)"), and whether the
    /// outline holds the row or not.
    Coded {
        other: Box<str>,
        outside_outline: bool,
    },
}

impl Outside {
    /// The source's verdict: coded `other` (a label), inside the outline or not.
    pub fn coded(other: String, outside_outline: bool) -> Self {
        Outside::Coded {
            other: other.into_boxed_str(),
            outside_outline,
        }
    }

    /// The kind of problem, read without writing the issue.
    pub fn problem(&self) -> Problem {
        match self {
            Outside::Outline => Problem::OutsideCountry,
            Outside::Coded { .. } => Problem::CodedOtherCountry,
        }
    }

    /// The issue of a row at `position`: `names` name its columns, `territory` is the
    /// study country's name.
    pub fn issue(&self, position: LonLat, names: &FieldNames, territory: &str) -> Issue {
        match self {
            Outside::Outline => Issue {
                problem: Problem::OutsideCountry,
                column: Some(names.position.clone()),
                detail: IssueDetail::Outside {
                    lat: position.lat(),
                    lon: position.lon(),
                },
            },
            Outside::Coded {
                other,
                outside_outline,
            } => {
                let where_ = match outside_outline {
                    true => "outside",
                    false => "inside",
                };
                let detail = format!("coded {other}, not {territory} ({where_} its outline)");
                Issue::new(Problem::CodedOtherCountry, &names.country, detail)
            }
        }
    }
}

/// The text of each [`crate::model::Detail`] of a row, in [`crate::model::Detail::ALL`]'s
/// order.
pub(crate) type DetailTexts = [Option<Text>; crate::model::Detail::COUNT];

/// One row: its fields, or the (first) problem that skips it; plus warnings that apply
/// only if the row is kept.
#[derive(Debug)]
pub(crate) struct Draft {
    pub origin: Origin,
    pub row: Result<Fields, Issue>,
    pub warnings: Vec<Issue>,
}

impl Draft {
    /// A draft to parse into ([`super::csv_rows::RowParser::parse_into`]): every field
    /// is overwritten there. Allocates nothing.
    pub fn blank() -> Self {
        Draft {
            origin: Origin {
                line: 0,
                feature: None,
            },
            row: Err(Issue {
                problem: Problem::MissingId,
                column: None,
                detail: IssueDetail::Text(String::new()),
            }),
            warnings: Vec::new(),
        }
    }
}

/// The date of `col`: MissingDate if empty, BadDate (quoting the value) if not a date.
pub(crate) fn date_field(raw: &str, col: &str) -> Result<NaiveDate, Issue> {
    let v = trim(raw);
    if v.is_empty() {
        return Err(Issue::new(Problem::MissingDate, col, "the date is empty"));
    }
    parse_date(v).map_err(|why| Issue::new(Problem::BadDate, col, format!("\"{v}\" {why}")))
}

/// The fatalities of `col`. An empty cell is a problem, not 0: ACLED and GED always fill
/// it (0 when nobody died), so an empty cell means a damaged row, and reading it as 0
/// would silently lower the fatality totals the reports are about.
pub(crate) fn fatalities_field(raw: &str, col: &str) -> Result<u32, Issue> {
    parse_count(raw).map_err(|why| {
        Issue::new(
            Problem::BadFatalities,
            col,
            format!("\"{}\" {why}", raw.trim()),
        )
    })
}

/// An ACLED geo_precision (1..=3); otherwise `None` with a BadGeoPrecision warning.
pub(crate) fn precision_field(raw: &str, col: &str, ged: bool) -> (Option<u8>, Option<Issue>) {
    let code = parse_count(raw).ok();
    let p = if ged {
        code.and_then(ged_precision)
    } else {
        code.filter(|c| (1..=3).contains(c)).map(|c| c as u8)
    };
    let warning = p.is_none().then(|| {
        let range = if ged { "1 to 7" } else { "1, 2 or 3" };
        let detail = format!("\"{}\" is not {range}; kept without precision", raw.trim());
        Issue::new(Problem::BadGeoPrecision, col, detail)
    });
    (p, warning)
}

/// Checks a position that parsed as numbers: range, (0, 0), and against the territory
/// (swapped, outside). `lat_col`/`lon_col` name the columns in messages. Returns the
/// position and whether it lies outside the territory (an OutsideCountry issue, written
/// by [`Outside::issue`] if reported).
pub(crate) fn locate(
    lat: f64,
    lon: f64,
    lat_col: &str,
    lon_col: &str,
    territory: Option<&dyn Territory>,
) -> Result<(LonLat, bool), Issue> {
    // Messages are built only for rows that have a problem.
    let both = || super::layout::located_column(lat_col, lon_col);
    let shown = || format!("latitude {lat}, longitude {lon}");
    // Swapped: outside (or out of range) as given, inside with the two exchanged.
    let swapped = |t: &dyn Territory| LonLat::new(lat, lon).is_some_and(|p| t.contains(p));
    let Some(p) = LonLat::new(lon, lat) else {
        if let Some(t) = territory.filter(|t| swapped(*t)) {
            return Err(swapped_issue(&both(), &shown(), t));
        }
        let (col, what) = if (-90.0..=90.0).contains(&lat) {
            (lon_col, format!("longitude {lon} is outside [-180, 180]"))
        } else {
            (lat_col, format!("latitude {lat} is outside [-90, 90]"))
        };
        return Err(Issue::new(Problem::CoordinateOutOfRange, col, what));
    };
    if lat == 0.0 && lon == 0.0 {
        return Err(Issue::new(
            Problem::ZeroZero,
            &both(),
            "position (0, 0): a missing position written as zeros",
        ));
    }
    let Some(t) = territory.filter(|t| !t.contains(p)) else {
        return Ok((p, false));
    };
    if swapped(t) {
        return Err(swapped_issue(&both(), &shown(), t));
    }
    Ok((p, true))
}

/// Decides whether a row is the study country's, from the source's verdict on its code
/// (`coded`, `None` when the row has no code to compare) and the outline's
/// (`outside_outline`, from [`locate`]). `column` names the code column in messages.
/// Returns the verdict, why the row is "outside" (dropped unless kept by flag) and a
/// note for a row kept because its code says it is the country's though the outline
/// does not (reported if kept).
pub(crate) fn settle_country(
    position: LonLat,
    outside_outline: bool,
    coded: Option<Coded>,
    column: &str,
    territory: Option<&dyn Territory>,
) -> (CountryMatch, Option<Outside>, Option<Issue>) {
    let Some(t) = territory else {
        return (CountryMatch::Inside, None, None);
    };
    match (coded, outside_outline) {
        (None | Some(Coded::Same), false) => (CountryMatch::Inside, None, None),
        (None, true) => (CountryMatch::Outside, Some(Outside::Outline), None),
        (Some(Coded::Same), true) => {
            let how_far = match t.km_outside(position) {
                Some(km) => format!("{km:.1} km outside the outline"),
                None => "far outside the outline".to_string(),
            };
            let detail = format!("kept: coded {}, {how_far}", t.name());
            let note = Issue::new(Problem::CodedOutsideOutline, column, detail);
            (CountryMatch::CodedOutsideOutline, None, Some(note))
        }
        (Some(Coded::Other(other)), outside) => (
            CountryMatch::Outside,
            Some(Outside::coded(other, outside)),
            None,
        ),
    }
}

fn swapped_issue(column: &str, shown: &str, t: &dyn Territory) -> Issue {
    Issue::new(
        Problem::SwappedLatLon,
        column,
        format!(
            "{shown} is outside {name}, but inside it with latitude and longitude \
             exchanged: check the row (not corrected automatically)",
            name = t.name()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::BoxTerritory;

    fn mali() -> BoxTerritory {
        BoxTerritory {
            name: "Mali".into(),
            min: LonLat::new(-12.3, 10.1).unwrap(),
            max: LonLat::new(4.3, 25.0).unwrap(),
        }
    }

    fn problem(r: Result<(LonLat, bool), Issue>) -> Problem {
        match r {
            Ok((_, true)) => Problem::OutsideCountry,
            Ok((_, false)) => panic!("no problem"),
            Err(i) => i.problem,
        }
    }

    #[test]
    fn positions_checked_in_order() {
        let m = mali();
        let t = Some(&m as &dyn Territory);
        let (p, out) = locate(12.6392, -8.0029, "lat", "lon", t).unwrap();
        assert_eq!((p.lon(), p.lat(), out), (-8.0029, 12.6392, false));
        assert_eq!(
            problem(locate(0.0, 0.0, "lat", "lon", t)),
            Problem::ZeroZero
        );
        assert_eq!(
            problem(locate(-8.0, 12.6, "lat", "lon", t)),
            Problem::SwappedLatLon
        );
        assert_eq!(
            problem(locate(48.8, 2.3, "lat", "lon", t)),
            Problem::OutsideCountry
        );
        let e = locate(95.0, 2.0, "lat", "lon", t).unwrap_err();
        assert_eq!(
            (e.problem, e.column.as_deref()),
            (Problem::CoordinateOutOfRange, Some("lat"))
        );
        let e = locate(12.0, 200.0, "lat", "lon", None).unwrap_err();
        assert_eq!(e.column.as_deref(), Some("lon"));
        // Without a territory nothing is outside or swapped.
        assert!(!locate(-8.0, 12.6, "lat", "lon", None).unwrap().1);
    }

    #[test]
    fn the_source_code_overrules_the_outline() {
        let m = mali();
        let t = Some(&m as &dyn Territory);
        let outside = true;
        let p = LonLat::new(5.0, 15.0).unwrap();
        let names = FieldNames::geojson();
        // The issue as reported: kind, column and text.
        let written = |out: &Outside| {
            let issue = out.issue(p, &names, "Mali");
            let column = issue.column.clone();
            (issue.problem, column, issue.detail.text("Mali"))
        };
        // Coded Mali past the outline: kept, with a note.
        let (c, out, note) = settle_country(p, outside, Some(Coded::Same), "iso", t);
        assert_eq!(
            (c, out.is_none()),
            (CountryMatch::CodedOutsideOutline, true)
        );
        let note = note.unwrap();
        assert_eq!(note.problem, Problem::CodedOutsideOutline);
        assert_eq!(
            note.detail.text("Mali"),
            "kept: coded Mali, far outside the outline"
        );
        // Coded another country inside the outline: not Mali's.
        let other = Some(Coded::Other("Niger (562)".into()));
        let (c, out, note) = settle_country(p, !outside, other, "iso/country", t);
        assert_eq!((c, note), (CountryMatch::Outside, None));
        let out = out.unwrap();
        assert_eq!(out.problem(), Problem::CodedOtherCountry);
        // Its issue is written when it is reported, with the layout's names.
        assert_eq!(
            written(&out),
            (
                Problem::CodedOtherCountry,
                Some("iso/iso3/country".into()),
                "coded Niger (562), not Mali (inside its outline)".into()
            )
        );
        let other = Some(Coded::Other("Niger".into()));
        let out = settle_country(p, outside, other, "country", t).1.unwrap();
        assert_eq!(
            written(&out).2,
            "coded Niger, not Mali (outside its outline)"
        );
        // No code: the outline decides.
        let (c, out, _) = settle_country(p, outside, None, "", t);
        let out = out.unwrap();
        assert_eq!(
            (c, out.problem()),
            (CountryMatch::Outside, Problem::OutsideCountry)
        );
        assert_eq!(
            written(&out),
            (
                Problem::OutsideCountry,
                Some("geometry".into()),
                "latitude 15, longitude 5 is outside Mali".into()
            )
        );
        let (c, out, _) = settle_country(p, !outside, Some(Coded::Same), "iso", t);
        assert_eq!((c, out.is_none()), (CountryMatch::Inside, true));
        // No territory: nothing is judged.
        let (c, ..) = settle_country(p, outside, Some(Coded::Same), "iso", None);
        assert_eq!(c, CountryMatch::Inside);
    }
}

#[cfg(test)]
mod size_tests {
    /// Drafts are written by the parsing threads and read by the assembling one, tens
    /// of thousands per block: their size is read and written memory on every row.
    #[test]
    fn drafts_stay_small() {
        assert!(size_of::<super::Text>() <= 16);
        // Why a row is outside: the outline, or a coded row's label (no message).
        assert!(size_of::<Option<super::Outside>>() <= 24);
        assert!(
            size_of::<super::Draft>() <= 344,
            "{}",
            size_of::<super::Draft>()
        );
    }
}
