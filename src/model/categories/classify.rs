//! Classifying events: actor names and event types are matched once per distinct
//! interned string and cached; an event is then classified with bit operations.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

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
        (0..64).filter(move |&i| self.contains(i))
    }
}

impl fmt::Debug for CategorySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// A cheap hasher for interned keys (a `Sym` hashes as one `u32`).
#[derive(Default)]
pub(crate) struct SymHasher(u64);

impl Hasher for SymHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0 ^ u64::from(n)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type SymMap<V> = HashMap<Sym, V, BuildHasherDefault<SymHasher>>;
type SymSet = HashSet<Sym, BuildHasherDefault<SymHasher>>;

/// Classifies events of one [`Strings`] table. Call [`Classifier::prepare`] with the
/// events first (or use [`Categories::classify_all`]); `classify` takes `&self`, so a
/// prepared classifier can be shared between rayon threads. Strings it was not prepared
/// for are matched on the spot, correctly but without caching.
pub struct Classifier<'a> {
    categories: &'a Categories,
    strings: &'a Strings,
    /// Actor name → bit mask of the actor groups it belongs to.
    actor_groups: SymMap<u64>,
    /// Event type → categories whose event-type condition accepts it.
    type_sets: SymMap<CategorySet>,
    /// Some category looks at associated actors too.
    uses_associated: bool,
}

impl Categories {
    pub fn classifier<'a>(&'a self, strings: &'a Strings) -> Classifier<'a> {
        Classifier {
            categories: self,
            strings,
            actor_groups: SymMap::default(),
            type_sets: SymMap::default(),
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
        let uses_associated = self.uses_associated;
        let (actors, types) = events
            .par_chunks(1 << 16)
            .map(|chunk| {
                let mut actors = SymSet::default();
                let mut types = SymSet::default();
                for e in chunk {
                    types.insert(e.event_type);
                    actors.extend(e.primary_actors.iter().copied());
                    if uses_associated {
                        actors.extend(e.associated_actors.iter().copied());
                    }
                }
                (actors, types)
            })
            .reduce(
                || (SymSet::default(), SymSet::default()),
                |(mut a1, mut t1), (a2, t2)| {
                    a1.extend(a2);
                    t1.extend(t2);
                    (a1, t1)
                },
            );
        let (cats, strings) = (self.categories, self.strings);
        let new_actors: Vec<Sym> = actors
            .into_iter()
            .filter(|s| !self.actor_groups.contains_key(s))
            .collect();
        self.actor_groups.extend(
            new_actors
                .par_iter()
                .map(|&s| (s, cats.group_mask_of(strings.get(s))))
                .collect::<Vec<_>>(),
        );
        for t in types {
            self.type_sets
                .entry(t)
                .or_insert_with(|| cats.type_set_of(strings.get(t)));
        }
    }

    /// The categories `e` belongs to.
    pub fn classify(&self, e: &Event) -> CategorySet {
        let types = self.type_set(e.event_type);
        if types.is_empty() {
            return types;
        }
        let primary = e.primary_actors.iter().fold(0, |m, &s| m | self.groups(s));
        let any = if self.uses_associated {
            e.associated_actors
                .iter()
                .fold(primary, |m, &s| m | self.groups(s))
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
        match self.actor_groups.get(&actor) {
            Some(&m) => m,
            None => self.categories.group_mask_of(self.strings.get(actor)),
        }
    }

    fn type_set(&self, event_type: Sym) -> CategorySet {
        match self.type_sets.get(&event_type) {
            Some(&s) => s,
            None => self.categories.type_set_of(self.strings.get(event_type)),
        }
    }
}
