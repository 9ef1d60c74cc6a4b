//! Values a user can give that the tool cannot honour get a clear error naming the flag
//! or the study key, never a panic or an allocation the machine cannot make.

#[path = "support/cli.rs"]
mod cli;
use cli::assert_rejected;

/// A study of Mali with `rings` rings around Bamako (built-in boundary files).
fn study_with_rings(dir: &std::path::Path, rings: usize) -> String {
    let mut toml = String::from(
        "[study]\nname = \"Many zones\"\n[country]\nname = \"Mali\"\niso3 = \"MLI\"\n\
         outline = { file = \"builtin:boundaries/mali_adm0_ne10m.geojson\" }\n",
    );
    for i in 0..rings {
        toml.push_str(&format!(
            "[[zones.ring]]\nid = \"ring_{i}\"\nname = \"Ring {i}\"\ncentre = [-8.0029, 12.6392]\n\
             radius_km = {}\n",
            10 + i
        ));
    }
    let path = dir.join("many.toml");
    std::fs::write(&path, toml).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_study_with_more_zones_than_a_table_holds_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let study = study_with_rings(dir.path(), 100);
    let out = dir.path().join("out");
    let args = ["zones", "--study", &study, "--out", out.to_str().unwrap()];
    assert_rejected(&args, "make 101 table columns", &out);
    assert_rejected(&args, "at most 64", &out);
    // 63 rings and the whole country fit.
    let study = study_with_rings(dir.path(), 63);
    let o = cli::conflictmap(&["zones", "--study", &study, "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_tiny_density_cell_is_refused_with_the_smallest_that_fits() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("maps");
    let args = ["maps", "--cell-km", "0.001", "--out", out.to_str().unwrap()];
    assert_rejected(&args, "--cell-km 0.001 makes a density grid of", &out);
    assert_rejected(&args, "fit in memory: use --cell-km", &out);
}

#[test]
fn a_colour_scale_top_must_be_positive_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    for cmd in ["maps", "tiles", "animate"] {
        for bad in ["-1", "0", "NaN"] {
            let args = [cmd, "--max", bad, "--out", out.to_str().unwrap()];
            assert_rejected(&args, "is not a number above zero", &out);
        }
    }
}
