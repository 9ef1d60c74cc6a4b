//! Runs that are killed, that find the disk full, and that meet another run in their
//! output folder: products are complete files from one run or another, never half-written;
//! a second writer is refused; a full disk gives one clear error.

#[path = "support/cli.rs"]
mod cli;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use sha2::{Digest, Sha256};

fn tmp(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn report(out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_conflictmap"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "report",
            "--years",
            "2024",
            "--products",
            "zones,maps,layers,charts,page",
        ])
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    c
}

/// Every file below `dir` by relative path: (is a temporary, SHA-256).
fn files(dir: &Path) -> BTreeMap<String, (bool, String)> {
    fn go(root: &Path, dir: &Path, out: &mut BTreeMap<String, (bool, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let temporary = name.starts_with(".conflictmap-") && name.ends_with(".part");
            if p.is_dir() {
                if temporary {
                    out.insert(rel, (true, String::new()));
                } else {
                    go(root, &p, out);
                }
            } else {
                let hash = match std::fs::read(&p) {
                    Ok(b) => format!("{:x}", Sha256::digest(&b)),
                    Err(_) => String::new(),
                };
                out.insert(rel, (temporary, hash));
            }
        }
    }
    let mut out = BTreeMap::new();
    go(dir, dir, &mut out);
    out
}

/// The manifest's files: relative path → SHA-256.
fn manifest(dir: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn killed_reports_leave_only_complete_files_and_the_next_run_cleans_up() {
    // The reference: one whole run (runs are byte-identical, so every complete file of
    // any later run has exactly these bytes).
    let reference = tmp("kill_reference");
    let t0 = Instant::now();
    assert!(report(&reference).status().unwrap().success());
    let whole = t0.elapsed();
    let expected = manifest(&reference);
    let manifest_hash = format!(
        "{:x}",
        Sha256::digest(std::fs::read(reference.join("manifest.json")).unwrap())
    );

    let out = tmp("kill_target");
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..20 {
        if round % 5 == 0 {
            let _ = std::fs::remove_dir_all(&out);
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let at = whole.mul_f64((seed % 1000) as f64 / 1000.0);
        let mut child = report(&out).spawn().unwrap();
        std::thread::sleep(at);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        for (path, (temporary, hash)) in files(&out) {
            if temporary {
                continue; // a killed run's temporary: hidden, removed by the next run
            }
            if path == "manifest.json" {
                assert_eq!(
                    hash, manifest_hash,
                    "round {round}: a manifest of another run"
                );
                continue;
            }
            let want = expected.get(&path).unwrap_or_else(|| {
                panic!("round {round} (killed after {at:?}): unexpected file {path}")
            });
            assert_eq!(
                &hash, want,
                "round {round} (killed after {at:?}): {path} is not a complete file"
            );
        }
    }
    // The next run completes and leaves no temporaries behind.
    assert!(report(&out).status().unwrap().success());
    let after = files(&out);
    let stale: Vec<&String> = after
        .iter()
        .filter(|(_, (t, _))| *t)
        .map(|(p, _)| p)
        .collect();
    assert!(stale.is_empty(), "temporaries left: {stale:?}");
    assert_eq!(manifest(&out), expected);
}

#[test]
fn a_second_writer_into_the_same_folder_is_refused() {
    let out = tmp("locked");
    std::fs::create_dir_all(&out).unwrap();
    // Another process's run, as the kernel sees it: a lock on the folder.
    let held = std::fs::File::open(&out).unwrap();
    held.try_lock().unwrap();
    let o = cli::conflictmap(&["zones", "--out", out.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("another conflictmap run is writing into this folder"),
        "{err}"
    );
    assert!(!out.join("zones.csv").exists());
    held.unlock().unwrap();
    drop(held);
    let o = cli::conflictmap(&["zones", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("zones.csv").exists());
}

#[test]
fn a_full_disk_gives_one_clear_error_and_no_partial_files() {
    let mnt = tmp("full_disk");
    std::fs::create_dir_all(&mnt).unwrap();
    // A 2 MB file system: the maps need about 6 MB.
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
        .arg(&mnt)
        .output();
    if !mounted.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!(
            "skipped: cannot mount a small tmpfs here ({})",
            mounted.map_or_else(
                |e| e.to_string(),
                |o| String::from_utf8_lossy(&o.stderr).into_owned()
            )
        );
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(&mnt);
    let o = cli::conflictmap(&["maps", "--out", mnt.to_str().unwrap()]);
    assert!(!o.status.success(), "maps fitted in 2 MB?");
    let err = String::from_utf8_lossy(&o.stderr);
    let last = err
        .lines()
        .rev()
        .find(|l| l.starts_with("error"))
        .unwrap_or_default();
    assert!(last.contains("No space left on device"), "{err}");
    assert!(
        last.contains(&mnt.join("maps").display().to_string()),
        "{last}"
    );
    for (path, (temporary, _)) in files(&mnt) {
        assert!(!temporary, "a temporary was left behind: {path}");
        // Whatever was written before the disk filled is a whole PNG.
        let bytes = std::fs::read(mnt.join(&path)).unwrap();
        assert!(bytes.ends_with(b"IEND\xaeB`\x82"), "{path} is cut short");
    }
}
