//! Finding a repeated event id among millions, in the sequential step.
//!
//! Each row's id is hashed and copied out of its record by the parallel step
//! ([`RowId`]), so the sequential step reads it from the row's draft, which it walks in
//! order, instead of from the record, which another thread parsed long ago (a cache miss
//! per row). The table itself is hand-written rather than a `hashbrown` table because a
//! random probe into a table of millions of ids is a cache miss too, and hiding it needs
//! the address of a row's slot some rows ahead of time, to prefetch it; `hashbrown` does
//! not expose that.

use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;
use smallvec::SmallVec;

use super::values::trim;

/// An event id (trimmed) and a 32-bit hash of it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RowId {
    hash: u32,
    /// ACLED and GED ids are short ("MLI12345", "244657"): they fit inline.
    text: SmallVec<[u8; 22]>,
}

impl RowId {
    pub fn new(text: &str) -> Self {
        let text = trim(text);
        RowId {
            hash: FxBuildHasher.hash_one(text) as u32,
            text: SmallVec::from_slice(text.as_bytes()),
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.text).expect("made from a str")
    }

    pub fn hash(&self) -> u32 {
        self.hash
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// Open addressing with linear probing: a slot holds the id's hash (high half) and its
/// index + 1 (low half); 0 is an empty slot. Kept at most 70 % full.
#[derive(Debug, Default)]
pub(crate) struct IdTable {
    slots: Vec<u64>,
    len: usize,
}

/// The table size for `ids` ids: a power of two at most 70 % full. (Fuller, probes
/// for new ids grow long; emptier, the table of 10M ids outgrows 134 MB, every page
/// of it cleared by the kernel on first touch.)
fn slots_for(ids: usize) -> usize {
    (ids * 10 / 7 + 1).next_power_of_two().max(64)
}

/// Where a probe for a hash starts: the top bits of the hash spread over 64 bits.
fn home(hash: u32, mask: usize) -> usize {
    (u64::from(hash).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask
}

impl IdTable {
    /// Makes room for `more` ids beyond those stored, without growing on the way.
    pub fn reserve(&mut self, more: usize) {
        let want = slots_for(self.len + more);
        if want > self.slots.len() {
            self.rebuild(want);
        }
    }

    fn rebuild(&mut self, size: usize) {
        let old = std::mem::replace(&mut self.slots, huge_zeroed(size));
        let mask = size - 1;
        for e in old.into_iter().filter(|&e| e != 0) {
            let mut at = home((e >> 32) as u32, mask);
            while self.slots[at] != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = e;
        }
    }

    /// Asks the CPU to fetch the slot where a probe for `hash` starts.
    pub fn prefetch(&self, hash: u32) {
        if self.slots.is_empty() {
            return;
        }
        let at = home(hash, self.slots.len() - 1);
        crate::cache::prefetch(&self.slots[at]);
    }

    /// The index stored for an id with this hash for which `same(index)` holds, or else
    /// stores `next` for it and returns `Err(next)`.
    pub fn find_or_insert(
        &mut self,
        hash: u32,
        next: u32,
        same: impl Fn(u32) -> bool,
    ) -> Result<u32, u32> {
        if slots_for(self.len + 1) > self.slots.len() {
            self.rebuild((self.slots.len() * 2).max(64));
        }
        let mask = self.slots.len() - 1;
        let mut at = home(hash, mask);
        loop {
            let e = self.slots[at];
            if e == 0 {
                self.slots[at] = u64::from(hash) << 32 | (u64::from(next) + 1);
                self.len += 1;
                return Err(next);
            }
            if (e >> 32) as u32 == hash {
                let index = (e as u32) - 1;
                if same(index) {
                    return Ok(index);
                }
            }
            at = (at + 1) & mask;
        }
    }
}

/// A zeroed vector, in huge pages where the system allows them: at millions of ids the
/// table is hundreds of MB probed at random, and with 4 KB pages nearly every probe
/// also misses the TLB.
fn huge_zeroed(len: usize) -> Vec<u64> {
    let mut v: Vec<u64> = Vec::with_capacity(len);
    #[cfg(target_os = "linux")]
    if len * 8 >= 4 << 20 {
        // madvise takes page-aligned ranges: advise the 2 MB-aligned part.
        const HUGE: usize = 2 << 20;
        let start = (v.as_ptr() as usize).next_multiple_of(HUGE);
        let end = (v.as_ptr() as usize + len * 8) / HUGE * HUGE;
        if end > start {
            // SAFETY: the range lies in the vector's own allocation; MADV_HUGEPAGE only
            // changes how the kernel backs it (a failure leaves ordinary pages).
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
            }
        }
    }
    // Faulted in at once rather than page by page as the zeros are written.
    super::prefault::populate(v.as_ptr().cast(), len * 8);
    v.resize(len, 0);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_it_stored_and_only_that() {
        let mut table = IdTable::default();
        let ids: Vec<RowId> = (0..10_000)
            .map(|i| RowId::new(&format!(" MLI{i} ")))
            .collect();
        for (i, id) in ids.iter().enumerate() {
            let r = table.find_or_insert(id.hash(), i as u32, |k| ids[k as usize] == *id);
            assert_eq!(r, Err(i as u32));
        }
        for (i, id) in ids.iter().enumerate() {
            table.prefetch(id.hash());
            let r = table.find_or_insert(id.hash(), 99_999, |k| ids[k as usize] == *id);
            assert_eq!(r, Ok(i as u32));
        }
        assert_eq!(table.len, ids.len());
    }

    #[test]
    fn equal_hashes_are_told_apart_by_the_text() {
        let mut table = IdTable::default();
        table.reserve(4);
        let texts = ["a", "b", "c"];
        // All three under one hash: the comparison decides.
        for (i, _) in texts.iter().enumerate() {
            let r = table.find_or_insert(7, i as u32, |k| texts[k as usize] == texts[i]);
            assert_eq!(r, Err(i as u32));
        }
        assert_eq!(
            table.find_or_insert(7, 9, |k| texts[k as usize] == "b"),
            Ok(1)
        );
    }

    #[test]
    fn ids_are_trimmed_and_kept_whole() {
        let long = "X".repeat(100);
        assert_eq!(RowId::new(&format!("  {long}\r")).as_str(), long);
        assert_eq!(RowId::new(" MLI1 ").as_str(), "MLI1");
        assert_eq!(RowId::new(" MLI1 ").hash(), RowId::new("MLI1").hash());
        assert!(RowId::new("  ").is_empty());
    }
}
