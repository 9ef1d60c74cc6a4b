//! The one event model every input format is read into.
//!
//! Text fields that repeat across millions of rows (actors, event types, admin names) are
//! interned: an [`Event`] holds [`Sym`] keys into the [`Strings`] table of its
//! [`EventSet`]. That keeps an event small (so 10 million fit in memory without their
//! text) and lets later stages classify each distinct actor name once instead of once
//! per row.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex, RwLock};

use chrono::{Datelike, NaiveDate};
use lasso::{Key, Spur, ThreadedRodeo};
use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap};
use smallvec::SmallVec;

use super::country::CountryMatch;
use super::details::EventDetails;
use crate::units::LonLat;

/// Key of an interned string; resolve it with [`Strings::get`].
pub type Sym = Spur;

/// The interned text of an [`EventSet`], and its lists of actors. Safe to share
/// between threads while reading.
#[derive(Debug, Clone)]
pub struct Strings(Arc<ThreadedRodeo<Sym, FxBuildHasher>>, Arc<ListTable>);

impl Default for Strings {
    fn default() -> Self {
        Strings::new()
    }
}

/// The actors of one role of an event (interned names, in order, without repeats), in
/// 8 bytes: up to two inline, longer lists (and symbols past 2^31) by number in the
/// side table of their [`Strings`]. Read it with [`Strings::actors`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ActorList(u64);

/// Tag of an [`ActorList`] held in the side table (the low bits are its number there).
const SPILLED: u64 = 1 << 63;

/// Actor lists longer than two, each stored once.
#[derive(Debug, Default)]
struct ListTable {
    index: Mutex<FxHashMap<Box<[Sym]>, u32>>,
    lists: RwLock<Vec<Arc<[Sym]>>>,
}

impl Strings {
    pub fn new() -> Self {
        Strings(
            Arc::new(ThreadedRodeo::with_hasher(FxBuildHasher)),
            Arc::default(),
        )
    }

    /// The list of `actors` (as given: callers keep them unique).
    pub fn actor_list(&self, actors: &[Sym]) -> ActorList {
        // Inline: symbol number + 1 in each half, 0 for none; the top bit stays clear.
        let code = |s: Sym| {
            u64::try_from(s.into_usize() + 1)
                .ok()
                .filter(|&c| c < 1 << 31)
        };
        match actors {
            [] => return ActorList(0),
            [a] => {
                if let Some(a) = code(*a) {
                    return ActorList(a);
                }
            }
            [a, b] => {
                if let (Some(a), Some(b)) = (code(*a), code(*b)) {
                    return ActorList(a | b << 32);
                }
            }
            _ => {}
        }
        let mut index = self.1.index.lock().expect("actor lists");
        if let Some(&n) = index.get(actors) {
            return ActorList(SPILLED | u64::from(n));
        }
        let mut lists = self.1.lists.write().expect("actor lists");
        let n = u32::try_from(lists.len()).expect("fewer than 2^32 actor lists");
        lists.push(Arc::from(actors));
        index.insert(Box::from(actors), n);
        ActorList(SPILLED | u64::from(n))
    }

    /// The actors of `list`.
    pub fn actors(&self, list: ActorList) -> SmallVec<[Sym; 2]> {
        if list.0 & SPILLED != 0 {
            let lists = self.1.lists.read().expect("actor lists");
            return SmallVec::from_slice(&lists[(list.0 & !SPILLED) as usize]);
        }
        let sym = |c: u64| Sym::try_from_usize(c as usize - 1).expect("an interned symbol");
        let (a, b) = (list.0 & 0xFFFF_FFFF, list.0 >> 32);
        let mut out = SmallVec::new();
        out.extend([a, b].into_iter().filter(|&c| c != 0).map(sym));
        out
    }

    /// Interns `s` (trimmed) and returns its key.
    pub fn intern(&self, s: &str) -> Sym {
        self.0.get_or_intern(s.trim())
    }

    /// The key of the empty string, used for absent optional text.
    pub fn empty(&self) -> Sym {
        self.0.get_or_intern_static("")
    }

    pub fn get(&self, sym: Sym) -> &str {
        self.0.resolve(&sym)
    }

    /// Looks a string up without interning it.
    pub fn lookup(&self, s: &str) -> Option<Sym> {
        self.0.get(s)
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The ids of an [`EventSet`], stored end to end, in the events' order (id i is event
/// i's). Ids are unique per event, so interning them with the shared text would only
/// cost a concurrent hash-table entry per event; here an id costs its bytes and one
/// offset, and the event no field.
#[derive(Debug, Clone, Default)]
pub struct EventIds {
    text: String,
    /// Where each id ends in `text` (4 bytes an id: 4 GiB of ids is 400 million rows).
    ends: Vec<u32>,
}

impl EventIds {
    /// Stores `s` (trimmed) as the next id; returns its index. Does not look for an
    /// equal id already stored.
    pub fn push(&mut self, s: &str) -> usize {
        u32::try_from(self.ends.len()).expect("fewer than 2^32 event ids");
        self.text.push_str(s.trim());
        let end = u32::try_from(self.text.len()).expect("less than 4 GiB of event ids");
        self.ends.push(end);
        self.ends.len() - 1
    }

    /// Makes room for about `n` more ids.
    pub fn reserve(&mut self, n: usize) {
        self.ends.reserve(n);
        let mean = self.text.len().checked_div(self.ends.len()).unwrap_or(8);
        self.text.reserve(n * mean.max(1));
    }

    /// The id at `i`.
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// Which dataset (and layout) a row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dataset {
    /// ACLED, current 31-column export.
    Acled,
    /// ACLED, older monadic export (one row per actor).
    AcledMonadic,
    /// ACLED, older dyadic export.
    AcledDyadic,
    /// UCDP Georeferenced Event Dataset, CSV.
    UcdpGed,
    /// GeoJSON FeatureCollection of points with ACLED-like properties.
    GeoJson,
}

impl Dataset {
    /// The attribution products must carry for data from this source.
    pub fn attribution(self) -> &'static str {
        match self {
            Dataset::Acled | Dataset::AcledMonadic | Dataset::AcledDyadic => {
                "Data: ACLED (acleddata.com)"
            }
            Dataset::UcdpGed => "Data: UCDP Georeferenced Event Dataset (GED), CC BY 4.0",
            Dataset::GeoJson => "Data: as named in the input GeoJSON",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Dataset::Acled => "ACLED (current export)",
            Dataset::AcledMonadic => "ACLED (monadic export)",
            Dataset::AcledDyadic => "ACLED (dyadic export)",
            Dataset::UcdpGed => "UCDP GED (CSV)",
            Dataset::GeoJson => "GeoJSON points",
        }
    }
}

impl Dataset {
    /// Every dataset/layout, in the order `--input-format` lists them.
    pub const ALL: [Dataset; 5] = [
        Dataset::Acled,
        Dataset::AcledMonadic,
        Dataset::AcledDyadic,
        Dataset::UcdpGed,
        Dataset::GeoJson,
    ];

    /// The value of the `--input-format` flag that selects this layout.
    pub fn cli_name(self) -> &'static str {
        match self {
            Dataset::Acled => "acled",
            Dataset::AcledMonadic => "acled-monadic",
            Dataset::AcledDyadic => "acled-dyadic",
            Dataset::UcdpGed => "ged",
            Dataset::GeoJson => "geojson",
        }
    }
}

/// Parses a `--format` value (`acled`, `acled-monadic`, `acled-dyadic`, `ged`, `geojson`),
/// ignoring case.
impl FromStr for Dataset {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        Dataset::ALL
            .into_iter()
            .find(|d| d.cli_name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<_> = Dataset::ALL.iter().map(|d| d.cli_name()).collect();
                format!(
                    "unknown format {s:?}; expected one of: {}",
                    names.join(", ")
                )
            })
    }
}

/// Lets clap list the `--format` values (with their descriptions) in `--help`.
impl clap::ValueEnum for Dataset {
    fn value_variants<'a>() -> &'a [Self] {
        &Dataset::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.cli_name()).help(self.name()))
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One conflict event, normalised from any supported input. Its id (ACLED
/// event_id_cnty, GED id, GeoJSON id property) is kept beside it: [`EventSet::id`].
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub date: NaiveDate,
    pub position: LonLat,
    /// 1 exact town, 2 near a town, 3 region centroid (ACLED); GED where_prec is mapped
    /// onto the same scale (see the GED reader). `None` when the source has none.
    pub geo_precision: Option<u8>,
    pub event_type: Sym,
    pub sub_event_type: Sym,
    /// actor1/actor2 (ACLED), side_a/side_b (GED); in the monadic export, the actor1 of
    /// every row of the event.
    pub primary_actors: ActorList,
    /// assoc_actor_1/assoc_actor_2, split on ';'.
    pub associated_actors: ActorList,
    pub fatalities: u32,
    /// Admin names as the source gives them (ACLED admin1..3, GED adm_1/adm_2).
    pub admin1: Sym,
    pub admin2: Sym,
    pub admin3: Sym,
    /// Place name as the source gives it.
    pub location: Sym,
    pub dataset: Dataset,
    /// Whether the event is the study country's: by the source's country code when the
    /// row has one, else by the outline (see [`crate::model::country`]).
    pub country: CountryMatch,
    /// 1-based line of the (first) source row: where to look in the input file. For
    /// GeoJSON input, which has no meaningful lines, the 1-based feature number. Lines
    /// past 4,294,967,295 (a file of hundreds of gigabytes) are held as that number:
    /// 4 bytes, not 8, keep ten million events 80 MB smaller.
    pub source_line: u32,
}

impl Event {
    pub fn year(&self) -> i32 {
        self.date.year()
    }

    pub fn lon(&self) -> f64 {
        self.position.lon()
    }

    pub fn lat(&self) -> f64 {
        self.position.lat()
    }
}

/// Events read from one file, with the strings they refer to.
#[derive(Debug, Clone, Default)]
pub struct EventSet {
    pub events: Vec<Event>,
    pub strings: Strings,
    /// Per event, its id (same order as `events`): whatever reorders or drops events
    /// must do the same here.
    pub ids: EventIds,
    /// The events' source details (actor roles, inter codes, sources), one per event in
    /// the same order, when the read asked for them
    /// ([`crate::input::ReadOptions::details`]); otherwise empty. Whatever reorders or
    /// drops events must do the same here.
    pub details: Vec<EventDetails>,
}

impl EventSet {
    pub fn new(strings: Strings) -> Self {
        EventSet {
            events: Vec::new(),
            strings,
            ids: EventIds::default(),
            details: Vec::new(),
        }
    }

    /// Whether the set carries the events' details (one per event).
    pub fn has_details(&self) -> bool {
        self.details.len() == self.events.len()
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    pub fn str(&self, sym: Sym) -> &str {
        self.strings.get(sym)
    }

    /// Whether the set kept its events' ids ([`crate::run::EventOptions::ids`]).
    pub fn has_ids(&self) -> bool {
        self.ids.len() == self.events.len()
    }

    /// The id of event `i`. Panics if the set did not keep its ids ([`Self::has_ids`]).
    pub fn id(&self, i: usize) -> &str {
        assert!(
            self.has_ids(),
            "event ids not kept: read with EventOptions {{ ids: true, .. }}"
        );
        self.ids.get(i)
    }

    /// First and last event date, or `None` for an empty set. One pass, in parallel:
    /// ten million events are 720 MB to read.
    pub fn date_range(&self) -> Option<(NaiveDate, NaiveDate)> {
        let both =
            |a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)| (a.0.min(b.0), a.1.max(b.1));
        self.events
            .par_iter()
            .map(|e| (e.date, e.date))
            .reduce_with(both)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_intern_trimmed_and_shared() {
        let s = Strings::new();
        let a = s.intern(" JNIM ");
        let b = s.intern("JNIM");
        assert_eq!(a, b);
        assert_eq!(s.get(a), "JNIM");
        let clone = s.clone();
        assert_eq!(clone.lookup("JNIM"), Some(a));
        assert_eq!(s.get(s.empty()), "");
    }

    #[test]
    fn actor_lists_round_trip_inline_and_spilled() {
        let s = Strings::new();
        let [a, b, c] = ["JNIM", "ISGS", "Wagner"].map(|n| s.intern(n));
        for list in [
            vec![],
            vec![a],
            vec![b, a],
            vec![a, b, c],
            vec![c, b, a, s.empty()],
        ] {
            let l = s.actor_list(&list);
            assert_eq!(s.actors(l).as_slice(), list.as_slice());
            // Equal lists are equal keys, so events compare and hash by them.
            assert_eq!(s.actor_list(&list), l);
        }
        assert_ne!(s.actor_list(&[a, b]), s.actor_list(&[b, a]));
        assert_eq!(ActorList::default(), s.actor_list(&[]));
        // Shared by the clones of the table.
        let clone = s.clone();
        let long = s.actor_list(&[a, b, c]);
        assert_eq!(clone.actors(long).as_slice(), [a, b, c]);
    }

    #[test]
    fn event_ids_stored_end_to_end() {
        let mut ids = EventIds::default();
        let a = ids.push(" MLI1 ");
        let b = ids.push("");
        let c = ids.push("MLI22");
        assert_eq!((ids.get(a), ids.get(b), ids.get(c)), ("MLI1", "", "MLI22"));
        assert_eq!((a, c, ids.len()), (0, 2, 3));
    }

    #[test]
    fn dataset_parses_format_flag_values() {
        for d in Dataset::ALL {
            assert_eq!(d.cli_name().parse::<Dataset>(), Ok(d));
        }
        assert_eq!("GED".parse::<Dataset>(), Ok(Dataset::UcdpGed));
        assert_eq!(
            " acled-monadic ".parse::<Dataset>(),
            Ok(Dataset::AcledMonadic)
        );
        let err = "ucdp".parse::<Dataset>().unwrap_err();
        assert!(
            err.contains("acled-dyadic") && err.contains("geojson"),
            "{err}"
        );
        let v = <Dataset as clap::ValueEnum>::from_str("acled-dyadic", false);
        assert_eq!(v, Ok(Dataset::AcledDyadic));
    }

    #[test]
    fn event_stays_small() {
        // Ten million events must fit in memory comfortably.
        assert!(
            std::mem::size_of::<Event>() <= 72,
            "{}",
            std::mem::size_of::<Event>()
        );
    }
}
