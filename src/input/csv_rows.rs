//! One CSV record (ACLED or UCDP GED) into a [`Draft`]. Pure and independent of other
//! rows, so records are parsed in parallel.

use std::borrow::Cow;

use csv::ByteRecord;
use smallvec::SmallVec;

use super::diagnostics::Problem;
use super::draft::{
    Draft, Fields, Issue, Known, Origin, Text, date_field, fatalities_field, locate,
    precision_field,
};
use super::id_table::RowId;
use super::layout::Layout;
use super::territory::Territory;
use super::values::{ged_violence_type, parse_coordinate, parse_count, trim};
use crate::model::Dataset;

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
}

/// Decodes fields, remembering which ones were not valid UTF-8. Only the columns the
/// reader uses are decoded, so only those are reported (bytes elsewhere, e.g. in the
/// notes, change nothing that is read).
struct Decoder<'a> {
    record: &'a ByteRecord,
    invalid: SmallVec<[usize; 2]>,
}

impl<'a> Decoder<'a> {
    fn get(&mut self, i: usize) -> Cow<'a, str> {
        let bytes = self.record.get(i).unwrap_or_default();
        match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => {
                if !self.invalid.contains(&i) {
                    self.invalid.push(i);
                }
                String::from_utf8_lossy(bytes)
            }
        }
    }
}

impl RowParser<'_> {
    pub fn parse<'a>(&self, record: &'a ByteRecord, ending: Ending, known: &Known) -> Draft<'a> {
        let origin = Origin {
            line: record.position().map_or(0, |p| p.line()),
            feature: None,
        };
        let mut dec = Decoder {
            record,
            invalid: SmallVec::new(),
        };
        let row = self.fields(&mut dec, ending, known);
        let mut warnings = Vec::new();
        if let Some(&first) = dec.invalid.first() {
            let cols: Vec<&str> = dec.invalid.iter().map(|&i| self.layout.name(i)).collect();
            let detail = format!(
                "bytes that are not UTF-8 in {} were replaced by U+FFFD",
                cols.join(", ")
            );
            let name = self.layout.name(first);
            warnings.push(Issue::new(Problem::InvalidUtf8, name, detail));
        }
        let row = row.map(|(fields, precision_issue)| {
            warnings.extend(precision_issue);
            fields
        });
        Draft {
            origin,
            row,
            warnings,
        }
    }

    /// The row's fields, or the first problem that skips it; plus a precision warning.
    fn fields<'a>(
        &self,
        dec: &mut Decoder<'a>,
        ending: Ending,
        known: &Known,
    ) -> Result<(Fields<'a>, Option<Issue>), Issue> {
        let l = self.layout;
        self.check_field_count(dec.record.len(), ending)?;
        let text = |dec: &mut Decoder<'a>, i: Option<usize>| match i {
            Some(i) => known.text(dec.get(i)),
            None => Text::Known(known.empty()),
        };

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
        let lat = number(dec, l.latitude)?;
        let lon = number(dec, l.longitude)?;
        let (position, outside) = locate(
            lat,
            lon,
            l.name(l.latitude),
            l.name(l.longitude),
            self.territory,
        )?;

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

        let fields = Fields {
            id,
            date,
            position,
            outside,
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
        };
        Ok((fields, precision_issue))
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
            detail,
        })
    }
}
