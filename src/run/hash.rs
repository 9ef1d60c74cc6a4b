//! The inputs' SHA-256, computed while they are read (a manifest names the exact input).

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::run::{SAMPLE_FILE, sample_bytes};

/// The input as the manifest names it: its file name (never the folder it was in) and
/// its SHA-256.
#[derive(Debug, Clone, Serialize)]
pub struct InputHash {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes the event files (streamed: exports run to gigabytes), or the built-in sample
/// if there are none.
pub fn hash_inputs(paths: &[PathBuf]) -> Result<Vec<InputHash>> {
    if paths.is_empty() {
        let bytes = sample_bytes();
        return Ok(vec![InputHash {
            name: SAMPLE_FILE.to_string(),
            bytes: bytes.len() as u64,
            sha256: hex(&Sha256::digest(bytes)),
        }]);
    }
    paths.iter().map(|p| hash_input(p)).collect()
}

fn hash_input(path: &Path) -> Result<InputHash> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok(InputHash {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string()),
        bytes: n,
        sha256: hex(&h.finalize()),
    })
}
