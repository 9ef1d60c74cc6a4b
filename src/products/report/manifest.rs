//! `manifest.json`: the tool, the resolved settings, the input files with their SHA-256,
//! and every file the run wrote (relative path, size, SHA-256), sorted by path. Written
//! last.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{ReportConfig, Written};
use crate::error::{Error, Result};
use crate::input::ReadSummary;
use crate::output::write_bytes_atomic;
use crate::run::{InputHash, Loaded, hex};

#[derive(Serialize)]
struct FileEntry {
    path: String,
    bytes: u64,
    sha256: String,
}

#[derive(Serialize)]
struct Input<'a> {
    /// The one input file's name and hash (with several files, `files` lists them).
    #[serde(flatten)]
    hash: Option<&'a InputHash>,
    /// Every input file, in the order read.
    files: &'a [InputHash],
    format: Option<String>,
    /// How the input was stored (encoding, separator, container), per file.
    stored: Vec<String>,
    synthetic: bool,
    rows_read: u64,
    events_kept: u64,
    rows_skipped: u64,
}

#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    version: &'static str,
    config: &'a ReportConfig,
    input: Input<'a>,
    files: Vec<FileEntry>,
}

/// `path` relative to `out`, with `/` between components on every platform.
pub fn relative(out: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(out).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Writes `out/manifest.json`; returns its path.
pub fn write(
    out: &Path,
    cfg: &ReportConfig,
    loaded: &Loaded,
    inputs: &[InputHash],
    written: &Written,
) -> Result<PathBuf> {
    // Hashed in parallel: with the web tiles there are thousands of small files.
    let paths: Vec<&PathBuf> = written.all().collect();
    let mut files: Vec<FileEntry> = paths
        .par_iter()
        .map(|p| {
            let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
            Ok(FileEntry {
                path: relative(out, p),
                bytes: bytes.len() as u64,
                sha256: hex(&Sha256::digest(&bytes)),
            })
        })
        .collect::<Result<_>>()?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    let s = &loaded.read.summary;
    let manifest = Manifest {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        config: cfg,
        input: Input {
            hash: match inputs {
                [one] => Some(one),
                _ => None,
            },
            files: inputs,
            format: s.format.map(|f| f.to_string()),
            stored: stored_per_file(s),
            synthetic: loaded.synthetic,
            rows_read: s.rows_read,
            events_kept: s.events_kept,
            rows_skipped: s.skipped_total(),
        },
        files,
    };
    let mut json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| Error::Usage(format!("manifest.json: {e}")))?;
    json.push(b'\n');
    let path = out.join("manifest.json");
    write_bytes_atomic(&path, &json)?;
    Ok(path)
}

/// How each input file was stored, as the read summary describes it.
pub fn stored_per_file(s: &ReadSummary) -> Vec<String> {
    let one = std::slice::from_ref(s);
    let files = s.merged.as_ref().map_or(one, |m| &m.files[..]);
    files
        .iter()
        .filter_map(|f| f.stored.as_ref().map(ToString::to_string))
        .collect()
}
