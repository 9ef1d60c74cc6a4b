//! Several event files read in one run (an export split by year, or two downloads that
//! overlap) as one set of events. An event id found in more than one file is one event:
//! ACLED revises events and stamps each row with the time of its last revision
//! (`timestamp`), so the row with the newest timestamp wins; without timestamps to
//! compare (or with equal ones), the row of the first file that has the id is kept.
//! Within one file, repeated ids keep their usual handling (duplicates reported, the
//! rows of a monadic export merged).

use std::fmt;

use rustc_hash::FxHashMap;
use serde::Serialize;
use smallvec::SmallVec;

use super::{ReadOutput, ReadSummary};
use crate::model::{Event, Strings, Sym};

/// What merging several files did, for the read summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Merged {
    /// Each file's own summary, in the order read.
    pub files: Vec<ReadSummary>,
    /// Events read from more than one file (each counted once in the result).
    pub shared: u64,
    /// Of those, events whose row in a later file was a newer revision (a later
    /// `timestamp`) and replaced the one read before.
    pub replaced: u64,
}

impl fmt::Display for Merged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "  files:             {}, read as one", self.files.len())?;
        for s in &self.files {
            let stored = s
                .stored
                .as_ref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default();
            writeln!(
                f,
                "    {}{stored}: {} rows read, {} events kept",
                s.file.display(),
                s.rows_read,
                s.events_kept
            )?;
        }
        writeln!(
            f,
            "  in several files:  {} events, counted once ({} replaced by a newer revision)",
            self.shared, self.replaced
        )
    }
}

/// The events of `reads` (files read in this order, with
/// [`super::ReadOptions::revisions`]) as one read. One read is returned as it is.
/// Details ([`super::ReadOptions::details`]) follow their events: a newer revision
/// brings its own (its actors, inter codes and source replace the older row's).
pub fn merge(mut reads: Vec<ReadOutput>) -> ReadOutput {
    if reads.len() <= 1 {
        return reads.pop().expect("at least one read");
    }
    let rest = reads.split_off(1);
    let mut out = reads.pop().expect("a first read");
    let mut merged = Merged {
        files: vec![out.summary.clone()],
        ..Merged::default()
    };
    // Every read was made with the same options: details in all or in none.
    let details = reads_have_details(&out, &rest);
    let set = &mut out.events;
    if !details {
        set.details.clear();
    }
    let mut stamps = std::mem::take(&mut out.timestamps);
    stamps.resize(set.events.len(), 0);
    let mut index: FxHashMap<String, usize> =
        (0..set.len()).map(|i| (set.id(i).to_string(), i)).collect();
    for read in rest {
        merged.files.push(read.summary.clone());
        add_counts(&mut out.summary, &read.summary);
        out.diagnostics.extend(read.diagnostics);
        let mut symbols = Symbols::new(&read.events.strings, &set.strings);
        let mut more = read.events.details.into_iter();
        for (k, mut event) in read.events.events.into_iter().enumerate() {
            let stamp = read.timestamps.get(k).copied().unwrap_or(0);
            symbols.move_event(&mut event);
            let mut row = more.next().unwrap_or_default();
            row.values_mut().for_each(|sym| *sym = symbols.get(*sym));
            let id = read.events.ids.get(k);
            match index.get(id) {
                Some(&i) => {
                    merged.shared += 1;
                    // Only two timestamps can tell which row is newer.
                    if stamp > stamps[i] && stamps[i] != 0 {
                        set.events[i] = event;
                        if details {
                            set.details[i] = row;
                        }
                        stamps[i] = stamp;
                        merged.replaced += 1;
                    }
                }
                None => {
                    set.ids.push(id);
                    index.insert(id.to_string(), set.events.len());
                    set.events.push(event);
                    if details {
                        set.details.push(row);
                    }
                    stamps.push(stamp);
                }
            }
        }
    }
    let names: Vec<String> = merged
        .files
        .iter()
        .map(|s| s.file.display().to_string())
        .collect();
    out.summary.file = names.join(", ").into();
    out.summary.stored = None;
    out.summary.events_kept = set.events.len() as u64;
    out.summary.merged = Some(merged);
    out.timestamps = stamps;
    out
}

/// True if every read carries its events' details.
fn reads_have_details(first: &ReadOutput, rest: &[ReadOutput]) -> bool {
    std::iter::once(first)
        .chain(rest)
        .all(|r| r.events.has_details())
        && std::iter::once(first)
            .chain(rest)
            .any(|r| !r.events.details.is_empty())
}

/// Adds the row counts of `more` to `sum`.
fn add_counts(sum: &mut ReadSummary, more: &ReadSummary) {
    sum.rows_read += more.rows_read;
    sum.rows_merged += more.rows_merged;
    sum.outside_country += more.outside_country;
    for (p, n) in &more.skipped {
        *sum.skipped.entry(*p).or_default() += n;
    }
    for (p, n) in &more.warnings {
        *sum.warnings.entry(*p).or_default() += n;
    }
}

/// Moves events' text from one string table to another (each distinct string once).
struct Symbols<'s> {
    from: &'s Strings,
    to: &'s Strings,
    moved: FxHashMap<Sym, Sym>,
}

impl<'s> Symbols<'s> {
    fn new(from: &'s Strings, to: &'s Strings) -> Self {
        Symbols {
            from,
            to,
            moved: FxHashMap::default(),
        }
    }

    fn get(&mut self, sym: Sym) -> Sym {
        *self
            .moved
            .entry(sym)
            .or_insert_with(|| self.to.intern(self.from.get(sym)))
    }

    fn move_event(&mut self, e: &mut Event) {
        for sym in [
            &mut e.event_type,
            &mut e.sub_event_type,
            &mut e.admin1,
            &mut e.admin2,
            &mut e.admin3,
            &mut e.location,
        ] {
            *sym = self.get(*sym);
        }
        for list in [&mut e.primary_actors, &mut e.associated_actors] {
            let moved: SmallVec<[Sym; 2]> = self
                .from
                .actors(*list)
                .into_iter()
                .map(|s| self.get(s))
                .collect();
            *list = self.to.actor_list(&moved);
        }
    }
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
