//! Classifying events: actor names and event types are matched once per distinct
//! interned string and cached; an event is then classified with bit operations.

use std::fmt;

use lasso::Key;

use rayon::prelude::*;

use super::{ActorRoles, Categories};
use crate::model::event::{Event, EventSet, Strings, Sym};

/// A set of category indices (positions in [`Categories::list`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CategorySet(u64);

impl CategorySet {
    pub const EMPTY: CategorySet = CategorySet(0);

    pub fn contains(self, index: usize) -> bool {
        index < 64 && self.0 & (1 << index) != 0
    }

    /// This set with `index` added.
    pub fn with(self, index: usize) -> CategorySet {
        assert!(index < 64, "category index {index} out of range");
        CategorySet(self.0 | 1 << index)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn bits(self) -> u64 {
        self.0
    }

    /// The indices in the set, ascending.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        BitIter(self.0)
    }
}

/// The indices of the bits set in a mask, ascending, one step per set bit (not one per
/// bit: sets are tested once per event and category, millions of times).
#[derive(Debug, Clone, Copy)]
pub struct BitIter(pub u64);

impl Iterator for BitIter {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let i = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        Some(i)
    }
}

impl fmt::Debug for CategorySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// A table indexed by interned string: dense, since symbols are numbered from 0 in
/// the order interned, so looking an event's actor up costs an array read, not a hash.
#[derive(Debug, Clone, Default)]
struct BySym<V>(Vec<Option<V>>);

impl<V: Copy> BySym<V> {
    fn get(&self, s: Sym) -> Option<V> {
        self.0.get(s.into_usize()).copied().flatten()
    }

    fn insert(&mut self, s: Sym, v: V) {
        let i = s.into_usize();
        if i >= self.0.len() {
            self.0.resize(i + 1, None);
        }
        self.0[i] = Some(v);
    }
}

/// Which interned strings a pass has met, as bits by symbol number.
#[derive(Debug, Clone, Default)]
struct SymBits(Vec<u64>);

impl SymBits {
    fn with_room(strings: usize) -> Self {
        SymBits(vec![0; strings.div_ceil(64)])
    }

    fn insert(&mut self, s: Sym) {
        let i = s.into_usize();
        if i / 64 >= self.0.len() {
            self.0.resize(i / 64 + 1, 0);
        }
        self.0[i / 64] |= 1 << (i % 64);
    }

    fn union(mut self, other: SymBits) -> SymBits {
        if other.0.len() > self.0.len() {
            return other.union(self);
        }
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a |= b;
        }
        self
    }

    /// The symbols met, ascending.
    fn iter(&self) -> impl Iterator<Item = Sym> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &bits)| {
            (0..64)
                .filter(move |b| bits & (1 << b) != 0)
                .filter_map(move |b| Sym::try_from_usize(w * 64 + b))
        })
    }
}

/// Below this many events per interned string, [`Classifier::prepare`] matches only the
/// strings the events use (found in a pass over them); above it, every string.
const EVENTS_PER_STRING: usize = 8;

/// Classifies events of one [`Strings`] table. Call [`Classifier::prepare`] with the
/// events first (or use [`Categories::classify_all`]); `classify` takes `&self`, so a
/// prepared classifier can be shared between rayon threads. Strings it was not prepared
/// for are matched on the spot, correctly but without caching.
pub struct Classifier<'a> {
    categories: &'a Categories,
    strings: &'a Strings,
    /// Actor name → bit mask of the actor groups it belongs to.
    actor_groups: BySym<u64>,
    /// Event type → categories whose event-type condition accepts it.
    type_sets: BySym<CategorySet>,
    /// Some category looks at associated actors too.
    uses_associated: bool,
}

impl Categories {
    pub fn classifier<'a>(&'a self, strings: &'a Strings) -> Classifier<'a> {
        Classifier {
            categories: self,
            strings,
            actor_groups: BySym::default(),
            type_sets: BySym::default(),
            uses_associated: self
                .categories
                .iter()
                .any(|c| c.actor_roles == ActorRoles::Any && c.group_mask != 0),
        }
    }

    /// The categories of every event of `set`, in order; runs on all rayon threads.
    pub fn classify_all(&self, set: &EventSet) -> Vec<CategorySet> {
        let mut classifier = self.classifier(&set.strings);
        classifier.prepare(&set.events);
        set.events
            .par_iter()
            .map(|e| classifier.classify(e))
            .collect()
    }
}

impl Classifier<'_> {
    /// Matches every distinct actor name and event type of `events` once and caches it.
    pub fn prepare(&mut self, events: &[Event]) {
        let room = self.strings.len();
        if room.saturating_mul(EVENTS_PER_STRING) <= events.len() {
            self.prepare_every_string(room);
        } else {
            self.prepare_from_events(events);
        }
    }

    /// [`Self::prepare`] for the strings `events` use, found in a pass over them.
    pub(super) fn prepare_from_events(&mut self, events: &[Event]) {
        let room = self.strings.len();
        let uses_associated = self.uses_associated;
        let (actors, types) = events
            .par_chunks(1 << 16)
            .map(|chunk| {
                let mut actors = SymBits::with_room(room);
                let mut types = SymBits::with_room(room);
                for e in chunk {
                    types.insert(e.event_type);
                    for a in self.strings.actors(e.primary_actors) {
                        actors.insert(a);
                    }
                    if uses_associated {
                        for a in self.strings.actors(e.associated_actors) {
                            actors.insert(a);
                        }
                    }
                }
                (actors, types)
            })
            .reduce(
                || (SymBits::default(), SymBits::default()),
                |(a1, t1), (a2, t2)| (a1.union(a2), t1.union(t2)),
            );
        let (cats, strings) = (self.categories, self.strings);
        let new_actors: Vec<Sym> = actors
            .iter()
            .filter(|&s| self.actor_groups.get(s).is_none())
            .collect();
        let masks: Vec<u64> = new_actors
            .par_iter()
            .map(|&s| cats.group_mask_of(strings.get(s)))
            .collect();
        for (s, mask) in new_actors.into_iter().zip(masks) {
            self.actor_groups.insert(s, mask);
        }
        for t in types.iter() {
            if self.type_sets.get(t).is_none() {
                self.type_sets.insert(t, cats.type_set_of(strings.get(t)));
            }
        }
    }

    /// Matches every interned string once, as an actor name and as an event type. The
    /// answers are those of matching only the strings the events use, found without a
    /// pass over the events (at millions of events, hundreds of megabytes to stream).
    pub(super) fn prepare_every_string(&mut self, room: usize) {
        let (cats, strings) = (self.categories, self.strings);
        let matched: Vec<(Sym, u64, CategorySet)> = (0..room)
            .into_par_iter()
            .filter_map(Sym::try_from_usize)
            .map(|s| {
                let text = strings.get(s);
                (s, cats.group_mask_of(text), cats.type_set_of(text))
            })
            .collect();
        for (s, mask, types) in matched {
            self.actor_groups.insert(s, mask);
            self.type_sets.insert(s, types);
        }
    }

    /// The categories `e` belongs to.
    pub fn classify(&self, e: &Event) -> CategorySet {
        let types = self.type_set(e.event_type);
        if types.is_empty() {
            return types;
        }
        let actors = |list| self.strings.actors(list).into_iter();
        let primary = actors(e.primary_actors).fold(0, |m, s| m | self.groups(s));
        let any = if self.uses_associated {
            actors(e.associated_actors).fold(primary, |m, s| m | self.groups(s))
        } else {
            primary
        };
        let mut out = CategorySet::EMPTY;
        for i in types.iter() {
            let c = &self.categories.categories[i];
            let actors = match c.actor_roles {
                ActorRoles::Primary => primary,
                ActorRoles::Any => any,
            };
            if c.group_mask == 0 || c.group_mask & actors != 0 {
                out = out.with(i);
            }
        }
        out
    }

    /// Ids of the actor groups the interned actor name belongs to.
    pub fn actor_groups_of(&self, actor: Sym) -> Vec<&str> {
        let mask = self.groups(actor);
        self.categories
            .groups
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, g)| g.id.as_str())
            .collect()
    }

    fn groups(&self, actor: Sym) -> u64 {
        match self.actor_groups.get(actor) {
            Some(m) => m,
            None => self.categories.group_mask_of(self.strings.get(actor)),
        }
    }

    fn type_set(&self, event_type: Sym) -> CategorySet {
        match self.type_sets.get(event_type) {
            Some(s) => s,
            None => self.categories.type_set_of(self.strings.get(event_type)),
        }
    }
}
