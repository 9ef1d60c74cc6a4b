//! One writer per output folder, and no stale temporary files.
//!
//! Every product holds [`hold`] on its output folder while it writes: an advisory lock
//! (`flock`) on the folder itself, so no lock file appears among the products, and the
//! kernel releases it when the process ends, however it ends. A second run into the same
//! folder is refused with a clear message instead of interleaving its files with the
//! first's. Holds are counted per process, so a report that calls several products on
//! one folder takes the lock once.
//!
//! Taking the lock also removes the `.conflictmap-*.part` files and folders that killed
//! runs left behind (the atomic writes' temporaries): with the lock held, no live run can
//! own them.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};
use std::time::SystemTime;

use crate::error::{Error, Result};

/// The folders this process holds, with how many holds each has.
static HELD: LazyLock<Mutex<HashMap<PathBuf, (File, usize)>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// A hold on an output folder; released when dropped (the lock with the last hold).
#[must_use = "the folder is locked only while the hold lives"]
pub struct Hold {
    dir: PathBuf,
}

/// Locks `dir` (created if missing) for this process and removes stale temporaries in
/// it; fails if another process holds it.
pub fn hold(dir: &Path) -> Result<Hold> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let key = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
    let mut held = HELD.lock().expect("lock table");
    if let Some((_, n)) = held.get_mut(&key) {
        *n += 1;
        return Ok(Hold { dir: key });
    }
    let started = SystemTime::now();
    let f = File::open(&key).map_err(|e| Error::io(dir, e))?;
    match f.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(Error::Usage(format!(
                "{}: another conflictmap run is writing into this folder; wait for it to \
                 finish or choose another --out",
                dir.display()
            )));
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(dir, e)),
    }
    remove_stale(&key, started);
    held.insert(key.clone(), (f, 1));
    Ok(Hold { dir: key })
}

impl Drop for Hold {
    fn drop(&mut self) {
        let mut held = HELD.lock().expect("lock table");
        if let Some((_, n)) = held.get_mut(&self.dir) {
            *n -= 1;
            if *n == 0 {
                // Closing the file releases the lock.
                held.remove(&self.dir);
            }
        }
    }
}

/// True for the names the atomic writes give their temporaries.
pub fn is_temporary(name: &str) -> bool {
    name.starts_with(".conflictmap-") && name.ends_with(".part")
}

/// Removes temporaries older than `before` below `dir` (best effort: what cannot be
/// removed is left for the next run). Hand-written: a dozen lines of std.
fn remove_stale(dir: &Path, before: SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = entry.metadata() else { continue };
        let name = entry.file_name();
        if is_temporary(&name.to_string_lossy()) {
            if meta.modified().is_ok_and(|m| m <= before) {
                let _ = if meta.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
            }
        } else if meta.is_dir() {
            remove_stale(&path, before);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_are_counted_and_stale_temporaries_removed() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("maps");
        std::fs::create_dir_all(sub.join(".conflictmap-x.part")).unwrap();
        std::fs::write(sub.join(".conflictmap-y.part"), b"half").unwrap();
        std::fs::write(sub.join("kept.png"), b"done").unwrap();
        let a = hold(dir.path()).unwrap();
        assert!(!sub.join(".conflictmap-x.part").exists());
        assert!(!sub.join(".conflictmap-y.part").exists());
        assert!(sub.join("kept.png").exists());
        // A second hold in the same process is counted, not refused.
        let b = hold(dir.path()).unwrap();
        drop(a);
        // Another open file description (as another process would have) is refused
        // while a hold lives.
        let other = File::open(dir.path()).unwrap();
        assert!(other.try_lock().is_err());
        drop(b);
        assert!(other.try_lock().is_ok());
    }
}
