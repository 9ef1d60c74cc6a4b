//! One CSV record (ACLED or UCDP GED) into a [`Draft`]. Pure and independent of other
//! rows, so records are parsed in parallel.

use std::borrow::Cow;

use csv::ByteRecord;
use smallvec::SmallVec;

use super::csv_scan::ScannedRow;
use super::diagnostics::Problem;
use super::draft::{
    Draft, Fields, Issue, IssueDetail, Known, Origin, Outside, Text, date_field, fatalities_field,
    locate, precision_field, settle_country,
};
use super::id_table::RowId;
use super::layout::Layout;
use super::territory::Territory;
use super::values::{ged_violence_type, parse_coordinate, parse_count, trim};
use crate::model::country::{CountryCodes, CountryMatch, SourceCountry};
use crate::model::{Dataset, Detail};
use crate::units::LonLat;

/// How the file ended, for its last record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Ending {
    /// Not the last record.
    More,
    /// The last record, and the file ends cleanly after it.
    Last,
    /// The last record, and the file ends inside a quoted field (in this column).
    OpenQuote(usize),
}

pub(crate) struct RowParser<'c> {
    pub layout: &'c Layout,
    pub territory: Option<&'c dyn Territory>,
    /// The study country's codes (see [`crate::input::ReadOptions::country`]).
    pub country: Option<&'c CountryCodes>,
}

/// The longest field value a row may have (bytes). No ACLED or GED field comes near it
/// (notes run to a few KB); longer ones are almost always an unterminated quote that
/// swallowed the rows after it, and would be kept in memory as interned text.
pub(crate) const MAX_FIELD: usize = 16 << 20;

/// A record to parse: scanned in place, or read by the csv crate.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RowRef<'a> {
    Scanned(ScannedRow<'a>),
    Record(&'a ByteRecord),
}

impl<'a> RowRef<'a> {
    pub fn len(self) -> usize {
        match self {
            RowRef::Scanned(r) => r.len(),
            RowRef::Record(r) => r.len(),
        }
    }

    /// Field `i`'s value (empty if the record has fewer fields).
    pub fn field(self, i: usize) -> Cow<'a, [u8]> {
        match self {
            RowRef::Scanned(r) => r.field(i).unwrap_or_default(),
            RowRef::Record(r) => Cow::Borrowed(r.get(i).unwrap_or_default()),
        }
    }

    /// The first field whose value is longer than `limit` bytes, with its length.
    pub fn field_over(self, limit: usize) -> Option<(usize, usize)> {
        match self {
            RowRef::Scanned(r) => r.field_over(limit),
            RowRef::Record(r) if r.as_slice().len() <= limit => None,
            RowRef::Record(r) => r
                .iter()
                .enumerate()
                .find_map(|(i, f)| (f.len() > limit).then_some((i, f.len()))),
        }
    }

    /// The 1-based line and the byte offset where the record starts.
    pub fn line(self) -> u64 {
        match self {
            RowRef::Scanned(r) => r.line(),
            RowRef::Record(r) => r.position().map_or(0, |p| p.line()),
        }
    }

    pub fn byte(self) -> u64 {
        match self {
            RowRef::Scanned(r) => r.byte(),
            RowRef::Record(r) => r.position().map_or(0, |p| p.byte()),
        }
    }

    /// True if every field is known to be valid UTF-8.
    fn utf8(self) -> bool {
        matches!(self, RowRef::Scanned(r) if r.utf8())
    }

    /// The record as a csv `ByteRecord` (a copy when scanned in place).
    pub fn to_record(self) -> ByteRecord {
        match self {
            RowRef::Scanned(r) => r.to_record(),
            RowRef::Record(r) => r.clone(),
        }
    }
}

/// Decodes fields, remembering which ones were not valid UTF-8. Only the columns the
/// reader uses are decoded, so only those are reported (bytes elsewhere, e.g. in the
/// notes, change nothing that is read).
struct Decoder<'a> {
    record: RowRef<'a>,
    /// The whole record is known to be UTF-8: fields need no check.
    utf8: bool,
    invalid: SmallVec<[usize; 2]>,
}

impl<'a> Decoder<'a> {
    #[inline]
    fn get(&mut self, i: usize) -> Cow<'a, str> {
        if self.utf8
            && let RowRef::Scanned(r) = self.record
            && let Some(b) = r.plain(i)
        {
            // SAFETY: as in `get_any`.
            return Cow::Borrowed(unsafe { std::str::from_utf8_unchecked(b) });
        }
        self.get_any(i)
    }

    fn get_any(&mut self, i: usize) -> Cow<'a, str> {
        let bytes = self.record.field(i);
        if self.utf8 {
            // SAFETY: the scanner checked that the text the record lies in is UTF-8;
            // fields are cut from it at ASCII bytes and unquoting only removes ASCII
            // quotes, so every field is UTF-8 too.
            return match bytes {
                Cow::Borrowed(b) => Cow::Borrowed(unsafe { std::str::from_utf8_unchecked(b) }),
                Cow::Owned(v) => Cow::Owned(unsafe { String::from_utf8_unchecked(v) }),
            };
        }
        let valid = match bytes {
            Cow::Borrowed(b) => std::str::from_utf8(b)
                .map(Cow::Borrowed)
                .map_err(|_| b.to_vec()),
            Cow::Owned(v) => String::from_utf8(v)
                .map(Cow::Owned)
                .map_err(|e| e.into_bytes()),
        };
        valid.unwrap_or_else(|bytes| {
            if !self.invalid.contains(&i) {
                self.invalid.push(i);
            }
            Cow::Owned(String::from_utf8_lossy(&bytes).into_owned())
        })
    }

    /// Field `i` decoded like [`Decoder::get`], but bytes that are not UTF-8 are not
    /// reported: the details are read only for some products, and what a read reports
    /// must not depend on the product.
    fn get_quiet(&mut self, i: usize) -> Cow<'a, str> {
        let before = self.invalid.len();
        let was_known = self.invalid.contains(&i);
        let text = self.get(i);
        if !was_known {
            self.invalid.truncate(before);
        }
        text
    }
}

impl RowParser<'_> {
    pub fn parse(&self, record: RowRef<'_>, ending: Ending, known: &Known) -> Draft {
        let mut draft = Draft::blank();
        self.parse_into(record, ending, known, &mut draft);
        draft
    }

    /// [`Self::parse`] into `draft`, which is overwritten. The parallel step parses each
    /// block into the drafts of the block before: a draft is a few hundred bytes, and
    /// returning it by value copied it twice per row (into the result, then into the
    /// vector), a twentieth of the read's time on short rows.
    pub fn parse_into(&self, record: RowRef<'_>, ending: Ending, known: &Known, draft: &mut Draft) {
        draft.origin = Origin {
            line: record.line(),
            feature: None,
        };
        let mut dec = Decoder {
            record,
            utf8: record.utf8(),
            invalid: SmallVec::new(),
        };
        draft.warnings.clear();
        draft.row = self.fields(&mut dec, ending, known, &mut draft.warnings);
        if let Some(&first) = dec.invalid.first() {
            let cols: Vec<&str> = dec.invalid.iter().map(|&i| self.layout.name(i)).collect();
            let detail = format!(
                "bytes that are not UTF-8 in {} were replaced by U+FFFD",
                cols.join(", ")
            );
            let name = self.layout.name(first);
            draft
                .warnings
                .insert(0, Issue::new(Problem::InvalidUtf8, name, detail));
        }
    }

    /// The row's fields, or the first problem that skips it; warnings (precision) and
    /// notes (kept by its country code) that apply if the row is kept go to `notes`.
    fn fields<'a>(
        &self,
        dec: &mut Decoder<'a>,
        ending: Ending,
        known: &Known,
        notes: &mut Vec<Issue>,
    ) -> Result<Fields, Issue> {
        let l = self.layout;
        self.check_field_count(dec.record.len(), ending)?;
        if let Some((i, n)) = dec.record.field_over(MAX_FIELD) {
            return Err(Issue::new(
                Problem::FieldTooLong,
                l.name(i),
                format!(
                    "the field holds {n} bytes, over the limit of {} MiB (an unterminated quote?)",
                    MAX_FIELD >> 20
                ),
            ));
        }
        let text = |dec: &mut Decoder<'a>, i: Option<usize>| match i {
            Some(i) => known.text(dec.get(i)),
            None => Text::Known(known.empty()),
        };

        let number = |dec: &mut Decoder<'a>, i: usize| {
            let raw = dec.get(i);
            parse_coordinate(&raw).ok_or_else(|| {
                let detail = match raw.trim() {
                    "" => "the coordinate is empty".to_string(),
                    v => format!("\"{v}\" is not a number"),
                };
                Issue::new(Problem::CoordinateNotNumber, l.name(i), detail)
            })
        };
        // The coordinates are read first so that the outline's grid cell can be asked
        // for while the id and date are read (their problems still come first).
        let (lat, lon) = (number(dec, l.latitude), number(dec, l.longitude));
        if let (Some(t), Ok(lat), Ok(lon)) = (self.territory, &lat, &lon)
            && let Some(p) = LonLat::new(*lon, *lat)
        {
            t.prefetch(p);
        }

        // Ids are not looked up: they rarely repeat (the assembler finds repeats in its
        // id table).
        let id = RowId::new(&dec.get(l.id));
        if id.is_empty() {
            return Err(Issue::new(
                Problem::MissingId,
                l.name(l.id),
                "the event id is empty",
            ));
        }

        let date = date_field(&dec.get(l.date), l.name(l.date))?;

        let (lat, lon) = (lat?, lon?);
        let (position, outside_outline) = locate(
            lat,
            lon,
            l.name(l.latitude),
            l.name(l.longitude),
            self.territory,
        )?;
        let (country, outside, note) = self.settle(dec, position, outside_outline);

        let fatalities = fatalities_field(&dec.get(l.fatalities), l.name(l.fatalities))?;

        let ged = l.dataset == Dataset::UcdpGed;
        let (event_type, sub_event_type) = if ged {
            let raw = dec.get(l.event_type);
            let (t, s) = parse_count(&raw)
                .ok()
                .and_then(ged_violence_type)
                .ok_or_else(|| {
                    Issue::new(
                        Problem::BadEventType,
                        l.name(l.event_type),
                        format!("\"{}\" is not 1, 2 or 3", raw.trim()),
                    )
                })?;
            (known.borrowed(t), known.borrowed(s))
        } else {
            let t = text(dec, Some(l.event_type));
            if t.is_blank(known) {
                let col = l.name(l.event_type);
                return Err(Issue::new(
                    Problem::BadEventType,
                    col,
                    "the event type is empty",
                ));
            }
            (t, text(dec, l.sub_event_type))
        };

        let (geo_precision, precision_issue) = match l.precision {
            Some(i) => precision_field(&dec.get(i), l.name(i), ged),
            None => (None, None),
        };

        let (mut primary, mut associated) = (SmallVec::new(), SmallVec::new());
        for &i in &l.primary {
            let f = dec.get(i);
            if ged {
                known.actors(f, ',', &mut primary);
            } else if !trim(&f).is_empty() {
                primary.push(known.text(f));
            }
        }
        for &i in &l.associated {
            known.actors(dec.get(i), ';', &mut associated);
        }

        notes.extend(precision_issue.into_iter().chain(note));
        Ok(Fields {
            id,
            date,
            position,
            outside,
            country,
            geo_precision,
            event_type,
            sub_event_type,
            primary,
            associated,
            fatalities,
            admin1: text(dec, l.admin1),
            admin2: text(dec, l.admin2),
            admin3: text(dec, l.admin3),
            location: text(dec, l.location),
            timestamp: l.timestamp.and_then(|i| dec.get(i).trim().parse().ok()),
            details: (!l.details.is_empty()).then(|| {
                Box::new(std::array::from_fn(|k| {
                    l.details[k].map(|i| match Detail::ALL[k].is_free_text() {
                        true => Known::free_text(dec.get_quiet(i)),
                        false => known.text(dec.get_quiet(i)),
                    })
                }))
            }),
        })
    }

    /// The row's country, by its code columns if it has them (see [`settle_country`]).
    fn settle(
        &self,
        dec: &mut Decoder<'_>,
        position: LonLat,
        outside_outline: bool,
    ) -> (CountryMatch, Option<Outside>, Option<Issue>) {
        let cols = &self.layout.country;
        let (mut numeric, mut iso3, mut name) = (None, None, None);
        let coded = self.country.and_then(|codes| {
            numeric = cols.numeric.map(|i| dec.get(i));
            iso3 = cols.iso3.map(|i| dec.get(i));
            name = cols.name.map(|i| dec.get(i));
            codes.judge(&SourceCountry {
                numeric: numeric.as_deref(),
                numeric_kind: cols.numeric_kind,
                iso3: iso3.as_deref(),
                name: name.as_deref(),
            })
        });
        settle_country(
            position,
            outside_outline,
            coded,
            &cols.label,
            self.territory,
        )
    }

    fn check_field_count(&self, n: usize, ending: Ending) -> Result<(), Issue> {
        let l = self.layout;
        let h = l.names.len();
        let (problem, column, detail) = match ending {
            Ending::OpenQuote(col) => (
                Problem::TruncatedLastLine,
                Some(col),
                format!(
                    "the file ends inside a quoted field (column {}): an unterminated quote",
                    l.name(col)
                ),
            ),
            Ending::Last if n < h => (
                Problem::TruncatedLastLine,
                Some(n),
                format!("the last row has {n} of the header's {h} fields: the file is cut short"),
            ),
            _ if n != h => (
                Problem::WrongFieldCount,
                (n < h).then_some(n),
                format!("the row has {n} fields, the header has {h}"),
            ),
            _ => return Ok(()),
        };
        Err(Issue {
            problem,
            column: column.map(|c| l.name(c).to_string()),
            detail: IssueDetail::Text(detail),
        })
    }
}
