//! Headless Chromium for the browser tests (Debian's `chromium`, installed by
//! scripts/setup.sh). Without it the tests fail and say how to install it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The Chromium binary on PATH.
pub fn chromium() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
        .find(|p| p.is_file())
        .expect(
            "this test needs headless Chromium: `chromium` is not on PATH. \
             Run ./scripts/setup.sh (it installs Debian's chromium package).",
        )
}

/// Headless Chromium with a fresh profile in `profile`, and the flags a closed network
/// and a root user need (no sandbox, no background connections, no first-run work).
pub fn headless(profile: &Path) -> Command {
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}
