//! The sequential step: rows in file order become events. Interns new text, drops or
//! merges repeated ids, reports every problem (summary, kept diagnostics, callback) and
//! stops at the first one in strict mode. When asked, it keeps each event's details
//! beside it (the first row's; a monadic event's later rows add its actor2, see
//! [`EventDetails::merge_monadic`]); a row's details never change what is reported.
//! Whatever the batch size, the result is the same as reading the rows one by one.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use smallvec::SmallVec;

use super::diagnostics::{Diagnostic, Outcome, Problem, ReadSummary};
use super::draft::{Draft, Fields, Issue, Known, Learning, Origin, Text};
use super::id_table::{IdTable, RowId};
use super::layout::FieldNames;
use super::prefault::{Prefault, spare_room};
use super::{ReadOptions, ReadOutput};
use crate::error::{Error, Result};
use crate::model::{
    ActorList, Dataset, Detail, Event, EventDetails, EventIds, EventSet, Strings, Sym,
};

/// What the duplicate check knows of an id's first row: no row text, just where it
/// went, its line and (for a dropped row) a hash of the fields that decide "same row".
#[derive(Debug, Clone, Copy)]
struct Seen {
    /// Hash of the event-level fields (and, except in the monadic layout, the actors).
    fingerprint: u64,
    /// Line (GeoJSON: feature number) of the first row.
    line: u64,
    /// Index of the event in `events`, or `DROPPED` if it was outside and not kept.
    index: u32,
}

const DROPPED: u32 = u32::MAX;
/// Marks an id whose first row was dropped, in the id table: the other bits number it
/// in `dropped` (kept events are numbered below this bit).
const DROPPED_BIT: u32 = 1 << 31;

/// What differs when the first row was dropped (outside) and only its hash is known.
const UNCOMPARED: &str = "content (the first row was dropped as outside the territory, \
                          so the fields were not compared one by one)";

pub(crate) struct Assembler<'o> {
    path: PathBuf,
    opts: &'o ReadOptions<'o>,
    dataset: Dataset,
    names: FieldNames,
    /// Name of the id column, for duplicate messages.
    id_column: String,
    strings: Strings,
    /// Text interned so far, for the parallel step and for resolving rows' text.
    texts: Learning,
    /// The kept events' ids, in event order.
    ids: EventIds,
    /// A table to find a repeated id: per id, a 32-bit hash of its text (high half) and
    /// where its first row went (low half): its event's index, or `DROPPED_BIT` and its
    /// number in `dropped`. The table's own hash is derived from the stored half, so
    /// growing it and most misses never touch the ids' text.
    id_table: IdTable,
    events: Vec<Event>,
    /// With `opts.revisions`: per event, its timestamp (0: none).
    timestamps: Vec<u64>,
    /// With `opts.details`: per event, its details (see [`EventDetails`]): the first
    /// row's, completed by the later rows of a monadic export.
    details: Vec<EventDetails>,
    /// Per first row dropped (outside, not kept): its id, and its fingerprint and line
    /// (a kept first row's line is its event's).
    dropped_ids: EventIds,
    dropped: Vec<(u64, u64)>,
    summary: ReadSummary,
    diagnostics: Vec<Diagnostic>,
    kept_per_problem: BTreeMap<Problem, usize>,
    /// Faulting in the events' room ahead of use, on another thread.
    prefault: Option<Prefault>,
    /// Events already stored when the room was reserved (where the prefaulted range
    /// starts).
    reserved_at: usize,
}

impl<'o> Assembler<'o> {
    pub fn new(
        path: &Path,
        opts: &'o ReadOptions<'o>,
        dataset: Dataset,
        names: FieldNames,
        id_column: &str,
        strings: Strings,
    ) -> Self {
        let mut summary = ReadSummary::new(path);
        summary.format = Some(dataset);
        Assembler {
            path: path.to_path_buf(),
            opts,
            dataset,
            names,
            id_column: id_column.to_string(),
            texts: Learning::new(&strings),
            strings,
            ids: EventIds::default(),
            id_table: IdTable::default(),
            events: Vec::new(),
            timestamps: Vec::new(),
            details: Vec::new(),
            dropped_ids: EventIds::default(),
            dropped: Vec::new(),
            summary,
            diagnostics: Vec::new(),
            kept_per_problem: BTreeMap::new(),
            prefault: None,
            reserved_at: 0,
        }
    }

    fn monadic(&self) -> bool {
        self.dataset == Dataset::AcledMonadic
    }

    /// Makes room for about `rows` more events (a hint; nothing breaks if it is wrong).
    pub fn reserve(&mut self, rows: usize) {
        // 5 % to spare for an estimate on the low side, but faulted in ahead only as far
        // as the estimate: room never filled stays out of memory (40 MB of events on
        // ten million rows).
        let room = rows + rows / 20;
        self.id_table.reserve(room);
        self.ids.reserve(room);
        self.events.reserve(room);
        if self.opts.details {
            self.details.reserve(room);
        }
        let (at, len) = spare_room(&mut self.events);
        self.reserved_at = self.events.len();
        let expected = len.min(rows * size_of::<Event>());
        self.prefault = Some(Prefault::start(vec![(at, expected)]));
    }

    /// Takes the next row in file order. `Err` only in strict mode.
    pub fn push(&mut self, draft: &Draft) -> Result<()> {
        let pushed = self.push_one(draft);
        self.texts.share();
        pushed
    }

    /// [`Self::push`], keeping new text from the parallel step until
    /// [`Self::share_texts`].
    fn push_one(&mut self, draft: &Draft) -> Result<()> {
        // The draft is read in place, not moved: drafts are large and there are millions.
        self.summary.rows_read += 1;
        let origin = draft.origin;
        let fields = match &draft.row {
            Ok(f) => f,
            Err(issue) => return self.report(origin, issue, Outcome::Skipped),
        };
        let event = self.event(fields, origin);
        let keep = fields.outside.is_none() || self.opts.keep_outside;
        if let Some(seen) = self.first_row(&fields.id, keep) {
            return self.repeat(origin, event, fields, seen, &draft.warnings);
        }
        for w in &draft.warnings {
            self.report(origin, w, Outcome::Kept)?;
        }
        if let Some(out) = &fields.outside {
            self.summary.outside_country += 1;
            let outcome = if keep {
                Outcome::Kept
            } else {
                Outcome::Skipped
            };
            let position = fields.position;
            self.report_as(origin, out.problem(), outcome, |names, territory| {
                Cow::Owned(out.issue(position, names, territory))
            })?;
        }
        if !keep {
            // Only a dropped row needs its fingerprint: a kept one is compared field by
            // field.
            let print = fingerprint(&event, self.monadic());
            self.dropped.push((print, origin.line));
        } else {
            self.events.push(event);
            if self.opts.revisions {
                self.timestamps.push(fields.timestamp.unwrap_or(0));
            }
            if self.opts.details {
                let details = self.details_of(fields);
                self.details.push(details);
            }
        }
        Ok(())
    }

    /// What is known of the first row of the row's id, if one was read; else the id is
    /// stored as that of the next event (`keep`) or of the next dropped row.
    fn first_row(&mut self, row: &RowId, keep: bool) -> Option<Seen> {
        let next = if keep {
            self.events.len()
        } else {
            self.dropped.len()
        };
        let next = u32::try_from(next)
            .ok()
            .filter(|&n| n < DROPPED_BIT)
            .expect("fewer than 2^31 events, and 2^31 dropped rows");
        let next = if keep { next } else { DROPPED_BIT | next };
        let (ids, dropped_ids) = (&self.ids, &self.dropped_ids);
        let same = |at: u32| {
            let text = match at & DROPPED_BIT {
                0 => ids.get(at as usize),
                _ => dropped_ids.get((at & !DROPPED_BIT) as usize),
            };
            text == row.as_str()
        };
        let at = match self.id_table.find_or_insert(row.hash(), next, same) {
            Ok(at) => at,
            Err(_) => {
                match keep {
                    true => self.ids.push(row.as_str()),
                    false => self.dropped_ids.push(row.as_str()),
                };
                return None;
            }
        };
        Some(if at & DROPPED_BIT != 0 {
            let (fingerprint, line) = self.dropped[(at & !DROPPED_BIT) as usize];
            Seen {
                fingerprint,
                line,
                index: DROPPED,
            }
        } else {
            Seen {
                fingerprint: 0,
                line: u64::from(self.events[at as usize].source_line),
                index: at,
            }
        })
    }

    /// The strings already interned, for the parallel step.
    pub fn known(&self) -> &Known {
        self.texts.known()
    }

    /// [`Self::known`], to hand to parsers that run while this assembles: it learns
    /// nothing new for them until [`Self::share_texts`].
    pub fn shared_known(&self) -> Arc<Known> {
        self.texts.shared()
    }

    /// Lets the parallel step see the text interned since the last call.
    pub fn share_texts(&mut self) {
        self.texts.share();
    }

    /// Takes rows in file order, fetching each row's id slot a few rows ahead, and
    /// the draft itself (written by another core) a few rows before that.
    pub fn push_all(&mut self, drafts: &[Draft]) -> Result<()> {
        const AHEAD: usize = 16;
        let hash = |d: &Draft| d.row.as_ref().ok().map(|f| f.id.hash());
        for d in drafts.iter().take(2 * AHEAD) {
            crate::cache::prefetch_whole(d);
        }
        for h in drafts.iter().take(AHEAD).filter_map(hash) {
            self.id_table.prefetch(h);
        }
        for (i, d) in drafts.iter().enumerate() {
            if let Some(later) = drafts.get(i + 2 * AHEAD) {
                crate::cache::prefetch_whole(later);
            }
            if let Some(h) = drafts.get(i + AHEAD).and_then(hash) {
                self.id_table.prefetch(h);
            }
            self.push_one(d)?;
        }
        if let Some(p) = &self.prefault {
            // The range given at `reserve`: the events' room.
            p.filled(
                0,
                (self.events.len() - self.reserved_at) * size_of::<Event>(),
            );
        }
        Ok(())
    }

    /// Interns the row's text and builds its event (actors without repeats).
    fn event(&mut self, f: &Fields, origin: Origin) -> Event {
        let (s, known) = (&self.strings, &mut self.texts);
        let mut unique = |texts: &[Text]| {
            let mut out: SmallVec<[Sym; 2]> = SmallVec::new();
            for t in texts {
                push_unique(&mut out, known.resolve(s, t));
            }
            s.actor_list(&out)
        };
        let primary_actors = unique(&f.primary);
        let associated_actors = unique(&f.associated);
        Event {
            date: f.date,
            position: f.position,
            geo_precision: f.geo_precision,
            event_type: known.resolve(s, &f.event_type),
            sub_event_type: known.resolve(s, &f.sub_event_type),
            primary_actors,
            associated_actors,
            fatalities: f.fatalities,
            admin1: known.resolve(s, &f.admin1),
            admin2: known.resolve(s, &f.admin2),
            admin3: known.resolve(s, &f.admin3),
            location: known.resolve(s, &f.location),
            dataset: self.dataset,
            country: f.country,
            source_line: u32::try_from(origin.line).unwrap_or(u32::MAX),
        }
    }

    /// The row's details, interned (all `None` for a row read without them).
    fn details_of(&mut self, f: &Fields) -> EventDetails {
        let mut out = EventDetails::default();
        if let Some(texts) = &f.details {
            for (d, t) in Detail::ALL.iter().zip(texts.iter()) {
                let sym = t.as_ref().map(|t| match d.is_free_text() {
                    true => Known::resolve_free(&self.strings, t),
                    false => self.texts.resolve(&self.strings, t),
                });
                out.set(*d, sym);
            }
        }
        out
    }

    /// A row whose id was read before: a monadic actor row to merge, or a duplicate.
    fn repeat(
        &mut self,
        origin: Origin,
        event: Event,
        fields: &Fields,
        seen: Seen,
        warnings: &[Issue],
    ) -> Result<()> {
        let first = self.events.get(seen.index as usize);
        // Compare with the stored event when there is one (exact, and names the fields);
        // an event dropped as outside is known only by its fingerprint.
        let differs = match first {
            Some(first) => differences(first, &event, &self.names, self.monadic()),
            None if fingerprint(&event, self.monadic()) == seen.fingerprint => Vec::new(),
            None => vec![UNCOMPARED.to_string()],
        };
        if self.monadic() && differs.is_empty() {
            // Monadic export: one row per actor of the same event. Fatalities are the
            // event's, so they are counted once (from the first row).
            if let Some(first) = self.events.get_mut(seen.index as usize) {
                let strings = &self.strings;
                let merged = |into: ActorList, more: ActorList| {
                    let mut list = strings.actors(into);
                    for a in strings.actors(more) {
                        push_unique(&mut list, a);
                    }
                    strings.actor_list(&list)
                };
                first.primary_actors = merged(first.primary_actors, event.primary_actors);
                first.associated_actors = merged(first.associated_actors, event.associated_actors);
                if self.opts.details {
                    let row = self.details_of(fields);
                    let empty = self.texts.empty();
                    self.details[seen.index as usize].merge_monadic(&row, empty);
                }
            }
            self.summary.rows_merged += 1;
            for w in warnings {
                self.report(origin, w, Outcome::Kept)?;
            }
            return Ok(());
        }
        let id = fields.id.as_str();
        let first_at = self.place(seen.line);
        let issue = if differs.is_empty() {
            let detail = format!("id \"{id}\" already read at {first_at} with the same content");
            Issue::new(Problem::DuplicateIdentical, &self.id_column, detail)
        } else {
            let detail = format!(
                "id \"{id}\" already read at {first_at}; this row differs in {}; the first row is kept",
                differs.join(", ")
            );
            Issue::new(Problem::DuplicateConflict, &self.id_column, detail)
        };
        self.report(origin, &issue, Outcome::Skipped)
    }

    /// "line 12", or for GeoJSON "feature 11".
    fn place(&self, line: u64) -> String {
        if self.dataset == Dataset::GeoJson {
            format!("feature {}", line.saturating_sub(1))
        } else {
            format!("line {line}")
        }
    }

    /// Reports one problem: counted, streamed to the sink, kept up to the limit.
    /// In strict mode every problem fails the read, but those that say whether the event
    /// is the country's ([`Problem::is_country_verdict`]). The diagnostic is written out
    /// only if the sink wants it, the read keeps it or it stops the read.
    pub fn report(&mut self, origin: Origin, issue: &Issue, outcome: Outcome) -> Result<()> {
        self.report_as(origin, issue.problem, outcome, |_, _| Cow::Borrowed(issue))
    }

    /// [`Self::report`] for an issue of kind `problem`, which is written (`issue`, given
    /// the column names and the territory's name) only if the diagnostic is written out.
    fn report_as<'i>(
        &mut self,
        origin: Origin,
        problem: Problem,
        outcome: Outcome,
        issue: impl FnOnce(&FieldNames, &str) -> Cow<'i, Issue>,
    ) -> Result<()> {
        self.summary.count_problem(problem, outcome);
        let sink = self.opts.on_diagnostic.filter(|s| s.wants(problem));
        let stops = self.opts.strict && !problem.is_country_verdict();
        let kept = self.kept_per_problem.entry(problem).or_default();
        let keep = *kept < self.opts.diagnostics_limit;
        if sink.is_none() && !stops && !keep {
            return Ok(());
        }
        let territory = self
            .opts
            .territory
            .map_or("the study country", |t| t.name());
        let issue = issue(&self.names, territory);
        debug_assert_eq!(problem, issue.problem);
        let d = Diagnostic {
            file: self.path.clone(),
            // GeoJSON has no meaningful lines: 0, and the feature index instead.
            line: if origin.feature.is_some() {
                0
            } else {
                origin.line
            },
            feature: origin.feature,
            column: issue.column.clone(),
            problem,
            outcome,
            detail: issue.detail.text(territory),
        };
        if let Some(sink) = sink {
            sink.report(&d);
        }
        if stops {
            return Err(strict_error(d));
        }
        if keep {
            *kept += 1;
            self.diagnostics.push(d);
        }
        Ok(())
    }

    pub fn finish(mut self) -> ReadOutput {
        self.summary.events_kept = self.events.len() as u64;
        // The room was estimated for every row of the file and faulted in ahead; rows
        // dropped (outside the country, duplicates) left some of it unused. Giving it
        // back is a remap of the pages, not a copy.
        self.events.shrink_to_fit();
        self.details.shrink_to_fit();
        ReadOutput {
            events: EventSet {
                events: self.events,
                strings: self.strings,
                ids: self.ids,
                details: self.details,
            },
            summary: self.summary,
            diagnostics: self.diagnostics,
            timestamps: self.timestamps,
        }
    }
}

/// The error `--strict` stops with: the diagnostic's column, reason and detail.
fn strict_error(d: Diagnostic) -> Error {
    let column = d
        .column
        .map(|c| format!("column {c}: "))
        .unwrap_or_default();
    let message = format!("{column}{}: {}", d.problem, d.detail);
    match d.feature {
        Some(index) => Error::Feature {
            path: d.file,
            index,
            name: None,
            message,
        },
        None => Error::Line {
            path: d.file,
            line: d.line,
            message,
        },
    }
}

fn push_unique(list: &mut SmallVec<[Sym; 2]>, sym: Sym) {
    if !list.contains(&sym) {
        list.push(sym);
    }
}

/// Hash of the fields that make two rows "the same row". Symbols are only stable within
/// one read, which is all the duplicate check needs.
fn fingerprint(e: &Event, monadic: bool) -> u64 {
    let mut h = DefaultHasher::new();
    e.date.hash(&mut h);
    e.position.lon().to_bits().hash(&mut h);
    e.position.lat().to_bits().hash(&mut h);
    e.event_type.hash(&mut h);
    e.sub_event_type.hash(&mut h);
    e.fatalities.hash(&mut h);
    if !monadic {
        e.primary_actors.hash(&mut h);
        e.associated_actors.hash(&mut h);
    }
    h.finish()
}

/// Names of the event-level fields (and actors, unless monadic) in which `b` differs
/// from `a`.
fn differences(a: &Event, b: &Event, names: &FieldNames, monadic: bool) -> Vec<String> {
    let checks = [
        (a.date != b.date, &names.date),
        (a.position != b.position, &names.position),
        (a.event_type != b.event_type, &names.event_type),
        (a.sub_event_type != b.sub_event_type, &names.sub_event_type),
        (a.fatalities != b.fatalities, &names.fatalities),
        (
            !monadic
                && (a.primary_actors != b.primary_actors
                    || a.associated_actors != b.associated_actors),
            &names.actors,
        ),
    ];
    let mut out: Vec<String> = Vec::new();
    for (differs, name) in checks {
        if differs && !out.contains(name) {
            out.push(name.clone());
        }
    }
    out
}
