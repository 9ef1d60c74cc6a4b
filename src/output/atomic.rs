//! Atomic file writes: every product is written to a temporary file in the destination
//! folder and renamed into place, so a crash never leaves a half-written file and a
//! second run replaces the first cleanly.

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Writes the file at `path` through `fill`, atomically. Parent folders are created.
pub fn write_atomic<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    let tmp = temp_beside(path)?;
    {
        let mut w = BufWriter::new(tmp.as_file());
        fill(&mut w).map_err(|e| Error::io(path, e))?;
        w.flush().map_err(|e| Error::io(path, e))?;
    }
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Like [`write_atomic`], for writers that need a file path rather than a stream (SQLite
/// for GeoPackages): `fill` gets the path of an empty temporary file in the destination
/// folder, which is renamed to `path` when `fill` succeeds and removed when it fails.
/// `fill` must have closed everything it opened on the file before returning.
pub fn write_atomic_path<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&Path) -> Result<()>,
{
    let tmp = temp_beside(path)?;
    fill(tmp.path())?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// An empty temporary file in the folder of `path` (created if missing), so that the
/// final rename stays on one file system.
fn temp_beside(path: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".conflictmap-").suffix(".part");
    // Temporary files are private (0600) by default; products are ordinary files, so ask
    // for 0666 and let the umask decide, as for any file the user creates.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))
}

/// Writes a whole folder at `path` atomically: `fill` gets an empty temporary folder beside
/// it; when `fill` succeeds, an existing folder at `path` is moved aside, the new one
/// renamed into place and the old one removed; when `fill` fails, the temporary folder is
/// removed and `path` is left as it was. For products made of many files (tile pyramids):
/// readers never see a mix of two runs, and per-file renames are not needed inside.
pub fn write_dir_atomic<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&Path) -> Result<()>,
{
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let temp_dir = || {
        tempfile::Builder::new()
            .prefix(".conflictmap-")
            .suffix(".part")
            .tempdir_in(parent)
            .map_err(|e| Error::io(parent, e))
    };
    let tmp = temp_dir()?;
    fill(tmp.path())?;
    let old = if path.exists() {
        let aside = temp_dir()?;
        std::fs::rename(path, aside.path().join("old")).map_err(|e| Error::io(path, e))?;
        Some(aside)
    } else {
        None
    };
    let fresh = tmp.keep();
    std::fs::rename(&fresh, path).map_err(|e| Error::io(path, e))?;
    // Dropping the folder set aside removes the previous run's files.
    drop(old);
    Ok(())
}

/// Writes `bytes` to `path` atomically.
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, |w| w.write_all(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/out.txt");
        write_bytes_atomic(&p, b"first").unwrap();
        write_bytes_atomic(&p, b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        // No temporary files left behind.
        let names: Vec<_> = std::fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.txt")]);
    }

    #[cfg(unix)]
    #[test]
    fn products_are_readable_like_ordinary_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        write_bytes_atomic(&p, b"x").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        // Whatever the umask, the owner can read and write, and it is not the private
        // 0600 of a temporary file unless the umask asks for that.
        assert_eq!(mode & 0o600, 0o600);
        let umask_allows_group_read = {
            let probe = dir.path().join("probe");
            std::fs::write(&probe, b"").unwrap();
            std::fs::metadata(&probe).unwrap().permissions().mode() & 0o040 != 0
        };
        assert_eq!(mode & 0o040 != 0, umask_allows_group_read, "{mode:o}");
    }

    #[test]
    fn failed_fill_leaves_old_file_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        write_bytes_atomic(&p, b"good").unwrap();
        let r = write_atomic(&p, |w| {
            w.write_all(b"partial")?;
            Err(std::io::Error::other("boom"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"good");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn folder_writer_replaces_whole_folders() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("tiles/2024");
        let put = |name: &'static str| {
            move |tmp: &Path| std::fs::write(tmp.join(name), b"x").map_err(|e| Error::io(tmp, e))
        };
        write_dir_atomic(&p, put("a.png")).unwrap();
        write_dir_atomic(&p, put("b.png")).unwrap();
        // The second run replaced the first entirely; no temporary folders are left.
        let names: Vec<_> = std::fs::read_dir(&p)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("b.png")]);
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
        // A failing fill leaves the folder as it was.
        let r = write_dir_atomic(&p, |_| Err(Error::Usage("boom".into())));
        assert!(r.is_err());
        assert!(p.join("b.png").exists());
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn path_writer_replaces_on_success_and_cleans_up_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.gpkg");
        write_atomic_path(&p, |tmp| {
            std::fs::write(tmp, b"first").map_err(|e| Error::io(tmp, e))
        })
        .unwrap();
        let r = write_atomic_path(&p, |tmp| {
            std::fs::write(tmp, b"partial").unwrap();
            Err(Error::Usage("boom".into()))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"first");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
