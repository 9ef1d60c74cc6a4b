//! Where the files a study names come from: the set built into the binary (the default
//! Mali study and its boundary files) or the disk, relative to the study file's folder.

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// Prefix of a path naming a built-in file, e.g. `builtin:boundaries/mali_adm1_geoboundaries.geojson`.
pub const BUILTIN_PREFIX: &str = "builtin:";

/// Path of the default study inside the built-in set.
pub(crate) const MALI_STUDY: &str = "config/mali.toml";

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $path)))),*]
    };
}

/// The built-in files: the default study and every file it names (boundaries and
/// categories), plus the
/// geoBoundaries-derived Mali outline (an alternative outline consistent with ADM1/ADM2).
const EMBEDDED: &[(&str, &str)] = embed![
    "config/mali.toml",
    "config/categories.toml",
    "boundaries/mali_adm0_ne10m.geojson",
    "boundaries/mali_adm0_geoboundaries.geojson",
    "boundaries/mali_adm1_geoboundaries.geojson",
    "boundaries/mali_adm2_geoboundaries.geojson",
    "boundaries/mali_neighbours_ne10m.geojson",
    "boundaries/mali_borders_ne10m.geojson",
    "boundaries/mali_places_geonames.geojson",
    "boundaries/region_rivers_ne10m.geojson",
    "boundaries/region_lakes_ne10m.geojson",
    "boundaries/africa_countries_ne50m.geojson",
];

/// The names of the built-in files (`config/mali.toml`, `boundaries/...`).
pub fn builtin_files() -> impl Iterator<Item = &'static str> {
    EMBEDDED.iter().map(|(name, _)| *name)
}

/// Where a study was read from; relative paths in it are resolved against this.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origin {
    /// The built-in default study: relative paths name built-in files.
    #[default]
    Builtin,
    /// A study file on disk: relative paths are relative to this folder.
    Dir(PathBuf),
}

/// The text of a file a study names, and the path to show in messages.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub path: PathBuf,
    pub text: Cow<'static, str>,
}

impl Origin {
    /// Reads `file` as named in a study of this origin.
    pub fn read(&self, file: &Path) -> Result<SourceText> {
        if let Some(name) = file.to_str().and_then(|s| s.strip_prefix(BUILTIN_PREFIX)) {
            return builtin(&normalize(Path::new(name)), file);
        }
        match self {
            _ if file.is_absolute() => read_disk(file.to_path_buf()),
            Origin::Builtin => {
                let study_dir = Path::new(MALI_STUDY).parent().unwrap_or(Path::new(""));
                builtin(&normalize(&study_dir.join(file)), file)
            }
            Origin::Dir(dir) => read_disk(dir.join(file)),
        }
    }
}

fn builtin(name: &str, asked: &Path) -> Result<SourceText> {
    EMBEDDED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, text)| SourceText {
            path: PathBuf::from(format!("{BUILTIN_PREFIX}{n}")),
            text: Cow::Borrowed(*text),
        })
        .ok_or_else(|| {
            let known: Vec<_> = builtin_files().collect();
            Error::config(
                asked,
                format!("no such built-in file (built-in: {})", known.join(", ")),
            )
        })
}

fn read_disk(path: PathBuf) -> Result<SourceText> {
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(SourceText {
            path,
            text: Cow::Owned(text),
        }),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Lexically resolves `.` and `..` and joins with `/`, the form of the built-in names.
/// (std has no lexical normalisation; `canonicalize` needs the file to exist on disk.)
fn normalize(path: &Path) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                parts.pop();
            }
            Component::Normal(s) => parts.push(s.to_str().unwrap_or("")),
            _ => {}
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_paths_resolve_relative_to_the_config_folder() {
        let s = Origin::Builtin
            .read(Path::new("../boundaries/mali_borders_ne10m.geojson"))
            .unwrap();
        assert_eq!(
            s.path,
            PathBuf::from("builtin:boundaries/mali_borders_ne10m.geojson")
        );
        assert!(s.text.contains("FeatureCollection"));
        let s = Origin::Dir("/nowhere".into())
            .read(Path::new("builtin:boundaries/./mali_adm0_ne10m.geojson"))
            .unwrap();
        assert!(s.text.contains("Mali"));
    }

    #[test]
    fn unknown_builtin_and_missing_disk_file_are_errors() {
        let e = Origin::Builtin.read(Path::new("nope.geojson")).unwrap_err();
        assert!(e.to_string().contains("no such built-in file"), "{e}");
        let e = Origin::Dir(std::env::temp_dir())
            .read(Path::new("conflictmap-missing-file.geojson"))
            .unwrap_err();
        assert!(matches!(e, Error::Io { .. }));
        assert!(
            e.to_string().contains("conflictmap-missing-file.geojson"),
            "{e}"
        );
    }
}
