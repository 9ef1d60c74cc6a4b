//! An inherited `PROJ_DATA`/`PROJ_LIB` naming another PROJ's data (Debian's, GDAL's,
//! QGIS's) must not break the map CRS. In its own test binary (own process), because it
//! changes the process environment.

use std::fs;

use conflictmap::analysis::projection::{MapProjection, isolate_proj_environment};

/// One test in this file: the environment is changed only while no other test runs.
#[test]
fn foreign_proj_data_is_ignored_after_isolation() {
    let dir = tempfile::tempdir().unwrap();
    // Not a database at all: stands for an incompatible (older) proj.db, which PROJ
    // rejects in the same way.
    fs::write(
        dir.path().join("proj.db"),
        b"this is not an SQLite database",
    )
    .unwrap();
    // SAFETY: this test binary runs this one test, and nothing else reads the
    // environment meanwhile.
    unsafe {
        std::env::set_var("PROJ_DATA", dir.path());
        std::env::set_var("PROJ_LIB", "/nonexistent");
    }
    // The hazard is real: PROJ reads the foreign proj.db and every lookup fails.
    let before = MapProjection::new("EPSG:32629");
    assert!(before.is_err(), "PROJ did not read PROJ_DATA: {before:?}");

    // SAFETY: as above.
    unsafe { isolate_proj_environment() };
    assert!(std::env::var_os("PROJ_DATA").is_none() && std::env::var_os("PROJ_LIB").is_none());
    let p = MapProjection::new("EPSG:32629").expect("built-in proj.db used");
    assert!(
        p.forward(conflictmap::LonLat::new(-8.0, 12.6).unwrap())
            .is_some()
    );
}
