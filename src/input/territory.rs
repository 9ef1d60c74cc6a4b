//! What the readers need to know about the study country: whether a point is inside it.
//! Used to report events outside the country and apparently swapped coordinates.
//! [`crate::model::Boundaries`] implements it; tests can use a simple box.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::FxHashMap;

use crate::units::LonLat;

pub trait Territory: Sync {
    /// The country's name, for messages ("outside Mali").
    fn name(&self) -> &str;
    /// True if `p` lies inside the country (boundary included).
    fn contains(&self, p: LonLat) -> bool;
    /// How far `p` lies outside the country, km (0 inside), if known and not too far to
    /// say. Only asked for the few events coded as the country outside its outline.
    fn km_outside(&self, _p: LonLat) -> Option<f64> {
        None
    }
}

/// A lon/lat box, for tests and for quick studies without an outline.
#[derive(Debug, Clone)]
pub struct BoxTerritory {
    pub name: String,
    pub min: LonLat,
    pub max: LonLat,
}

impl Territory for BoxTerritory {
    fn name(&self) -> &str {
        &self.name
    }

    fn contains(&self, p: LonLat) -> bool {
        (self.min.lon()..=self.max.lon()).contains(&p.lon())
            && (self.min.lat()..=self.max.lat()).contains(&p.lat())
    }
}

/// A territory that remembers, per thread, where the positions it was asked about fell.
/// Events share few places (an ACLED location's coordinates repeat for every event
/// there), and a lookup costs far less than a point-in-polygon test.
pub(crate) struct CachedTerritory<'t> {
    inner: &'t dyn Territory,
    /// Tells this territory's answers from those of another in the per-thread cache.
    id: u64,
}

/// Beyond this many positions a thread's cache starts over.
const CACHE_MAX: usize = 1 << 16;

/// The id of the territory whose answers a thread holds, and its answers by position.
type Answers = (u64, FxHashMap<(u64, u64), bool>);

thread_local! {
    static INSIDE: RefCell<Answers> = RefCell::default();
}

impl<'t> CachedTerritory<'t> {
    pub fn new(inner: &'t dyn Territory) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        CachedTerritory {
            inner,
            id: NEXT.fetch_add(1, Ordering::Relaxed),
        }
    }
}

impl Territory for CachedTerritory<'_> {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn contains(&self, p: LonLat) -> bool {
        INSIDE.with(|cache| {
            let (owner, map) = &mut *cache.borrow_mut();
            if *owner != self.id || map.len() >= CACHE_MAX {
                *owner = self.id;
                map.clear();
            }
            *map.entry((p.lon().to_bits(), p.lat().to_bits()))
                .or_insert_with(|| self.inner.contains(p))
        })
    }

    fn km_outside(&self, p: LonLat) -> Option<f64> {
        self.inner.km_outside(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts the questions it is asked.
    struct Counting(AtomicU64, BoxTerritory);

    impl Territory for Counting {
        fn name(&self) -> &str {
            self.1.name()
        }
        fn contains(&self, p: LonLat) -> bool {
            self.0.fetch_add(1, Ordering::Relaxed);
            self.1.contains(p)
        }
    }

    #[test]
    fn cached_answers_are_the_territory_s_and_asked_once_per_place() {
        let b = BoxTerritory {
            name: "Box".into(),
            min: LonLat::new(0.0, 0.0).unwrap(),
            max: LonLat::new(1.0, 1.0).unwrap(),
        };
        let counting = Counting(AtomicU64::new(0), b.clone());
        let cached = CachedTerritory::new(&counting);
        let (inside, outside) = (
            LonLat::new(0.5, 0.5).unwrap(),
            LonLat::new(2.0, 0.5).unwrap(),
        );
        for _ in 0..3 {
            assert!(cached.contains(inside));
            assert!(!cached.contains(outside));
        }
        assert_eq!(counting.0.load(Ordering::Relaxed), 2);
        assert_eq!(cached.name(), "Box");
        // Another territory on the same thread does not see these answers.
        let other = BoxTerritory {
            min: LonLat::new(1.5, 0.0).unwrap(),
            max: LonLat::new(3.0, 1.0).unwrap(),
            ..b
        };
        let other = CachedTerritory::new(&other);
        assert!(other.contains(outside));
        assert!(!other.contains(inside));
    }
}
