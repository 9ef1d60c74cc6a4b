//! A hint to the CPU cache, for lookups into tables too large for it (an id table of
//! millions of slots, a boundary grid of a million cells): knowing an address some
//! items ahead, the program asks for it early and finds it in the cache when it gets
//! there. `std` has no portable prefetch, hence this one function.

/// Asks the CPU to fetch the cache line holding `item`. Only a hint: it reads nothing
/// into the program and changes nothing but timing.
#[inline]
pub(crate) fn prefetch<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: SSE is part of the x86_64 baseline, and a prefetch of a valid
        // reference cannot fault.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((item as *const T).cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}

/// [`prefetch`] for every cache line of `item` (a large struct read soon).
#[inline]
pub(crate) fn prefetch_whole<T>(item: &T) {
    const LINE: usize = 64;
    let start = (item as *const T).cast::<u8>();
    for offset in (0..size_of::<T>()).step_by(LINE) {
        // SAFETY: the offset lies inside `item`, so the pointer stays in its allocation.
        prefetch(unsafe { &*start.add(offset) });
    }
}
