//! Running the real binary from the integration tests.

use std::path::Path;
use std::process::{Command, Output};

/// `conflictmap ARGS` from the crate's folder (fixture paths are relative to it).
pub fn conflictmap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_conflictmap"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

/// `conflictmap ARGS` fails, says `expect` on stderr, and writes nothing at `product`.
#[allow(dead_code)] // each test file compiles this module; not all of them check refusals
pub fn assert_rejected(args: &[&str], expect: &str, product: &Path) {
    let o = conflictmap(args);
    assert!(!o.status.success(), "{args:?} should fail");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(expect), "{args:?}: {err}");
    assert!(!product.exists(), "{args:?} wrote {}", product.display());
}
