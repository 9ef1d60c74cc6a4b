//! Faulting in memory before it is written. The first write to a fresh page costs a
//! kernel fault and a page clearing; one `MADV_POPULATE_WRITE` call over a range does
//! the same for all its pages far more cheaply, and can run on another thread. On the
//! 10M-row file the events' room alone is a gigabyte, filled by the one sequential
//! thread: faulting it in ahead, elsewhere, took 2 s off the run.
//!
//! Only hints: nothing depends on the pages having been faulted in.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Ranges smaller than this are left to ordinary faults.
const MIN: usize = 64 << 20;

/// The spare room of a vector (reserved, not yet written), as an address range.
pub(crate) fn spare_room<T>(v: &mut Vec<T>) -> (usize, usize) {
    let spare = v.spare_capacity_mut();
    (spare.as_ptr() as usize, size_of_val(spare))
}

/// Faults in the whole pages of `len` bytes at `ptr` now (on this thread).
pub(crate) fn populate(ptr: *const u8, len: usize) {
    #[cfg(target_os = "linux")]
    {
        let page = page_size();
        let start = (ptr as usize).next_multiple_of(page);
        let end = (ptr as usize + len) / page * page;
        if end > start {
            // SAFETY: MADV_POPULATE_WRITE faults in the pages of the range as a write
            // would, without changing their contents; the caller's range lies in memory it
            // owns. An error (an older kernel) leaves ordinary faults.
            unsafe {
                libc::madvise(
                    start as *mut libc::c_void,
                    end - start,
                    libc::MADV_POPULATE_WRITE,
                );
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (ptr, len);
}

#[cfg(target_os = "linux")]
fn page_size() -> usize {
    // SAFETY: sysconf only reads a system setting.
    usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) })
        .unwrap_or(4096)
        .max(1)
}

/// Faults in large ranges on a thread of its own, a little ahead of the thread that
/// fills them (which says how far it got through [`Prefault::filled`]); stops when
/// dropped. Staying only a little ahead keeps room that is never filled (rows dropped
/// as outside the country: most rows of a multi-country file) out of memory.
pub(crate) struct Prefault {
    stop: Arc<AtomicBool>,
    /// Per range given to [`Prefault::start`]: bytes filled from its start.
    filled: Arc<[AtomicUsize]>,
}

/// How far ahead of the filled part pages are faulted in.
const AHEAD: usize = 64 << 20;

impl Prefault {
    /// Starts on the ranges (address, bytes) of at least 64 MB; the others are skipped.
    pub fn start(ranges: Vec<(usize, usize)>) -> Prefault {
        let stop = Arc::new(AtomicBool::new(false));
        let filled: Arc<[AtomicUsize]> = ranges.iter().map(|_| AtomicUsize::new(0)).collect();
        let ranges: Vec<(usize, (usize, usize))> = ranges
            .into_iter()
            .enumerate()
            .filter(|(_, r)| r.1 >= MIN)
            .collect();
        if !ranges.is_empty() {
            let (flag, filled) = (Arc::clone(&stop), Arc::clone(&filled));
            std::thread::spawn(move || {
                // In steps, so that a stop is seen soon.
                const STEP: usize = 8 << 20;
                let mut at: Vec<usize> = ranges.iter().map(|(_, r)| r.0).collect();
                loop {
                    let mut busy = false;
                    let mut done = true;
                    for (k, &(i, (addr, len))) in ranges.iter().enumerate() {
                        if flag.load(Ordering::Relaxed) {
                            return;
                        }
                        let end = addr + len;
                        done &= at[k] >= end;
                        let ahead = addr + filled[i].load(Ordering::Relaxed) + AHEAD;
                        let target = end.min(ahead);
                        if at[k] < target {
                            // The range may have been freed (the read failed or ended):
                            // the call then fails or faults in whatever is mapped there
                            // now, and nothing reads or writes through it either way.
                            let n = STEP.min(target - at[k]);
                            populate(at[k] as *const u8, n);
                            at[k] += n;
                            busy = true;
                        }
                    }
                    if done {
                        return;
                    }
                    if !busy {
                        std::thread::sleep(std::time::Duration::from_micros(500));
                    }
                }
            });
        }
        Prefault { stop, filled }
    }

    /// Says that the first `bytes` of range `range` (in the order given to
    /// [`Prefault::start`]) are filled.
    pub fn filled(&self, range: usize, bytes: usize) {
        if let Some(f) = self.filled.get(range) {
            f.store(bytes, Ordering::Relaxed);
        }
    }
}

impl Drop for Prefault {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faulting_in_changes_no_contents() {
        let mut v: Vec<u64> = Vec::with_capacity(MIN / 8 + 1000);
        v.extend(0..1000);
        let room = spare_room(&mut v);
        assert_eq!(room.0, v.as_ptr() as usize + 8000);
        populate(v.as_ptr().cast(), v.capacity() * 8);
        let prefault = Prefault::start(vec![room]);
        for chunk in (1000..MIN as u64 / 8).collect::<Vec<_>>().chunks(1 << 16) {
            v.extend_from_slice(chunk);
            prefault.filled(0, (v.len() - 1000) * 8);
        }
        drop(prefault);
        assert!(v.iter().enumerate().all(|(i, x)| *x == i as u64));
    }
}
