//! The study: which country, which boundary files, and (later) zones, categories and
//! output settings. Read from a TOML file; the default Mali study is built into the binary.
//!
//! ```toml
//! [study]
//! name = "Mali"
//! [country]
//! name = "Mali"
//! iso3 = "MLI"
//! outline = { file = "../boundaries/mali_adm0_ne10m.geojson" }   # optional where = { ISO_A3 = "MLI" }
//! [boundaries]
//! snap_km = 25.0
//! adm1 = { file = "...", name_field = "name", code_field = "iso_3166_2", alias_fields = ["shapeName"] }
//! adm2 = { file = "...", name_field = "shapeName", parent_field = "adm1_name" }
//! neighbours = { file = "...", name_field = "NAME", code_field = "ISO_A3" }
//! borders = { file = "...", name_field = "name_right", code_field = "a3_right" }
//! places = { file = "...", name_field = "name", population_field = "population", admin1_field = "adm1_iso_3166_2" }
//! rivers = { file = "...", name_field = "name" }
//! lakes = { file = "...", name_field = "name" }
//! context = { file = "...", name_field = "NAME", code_field = "ISO_A3" }
//! credits = ["..."]
//! ```
//! See `config/mali.toml` for the complete default.

mod layers;
mod overrides;
mod report;
mod source;
mod spread;
mod zones;

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

pub use layers::{
    AdminSpec, BoundaryLayers, ContextSpec, DEFAULT_SNAP_KM, Filter, KeyedSpec, OutlineSpec,
    PlacesSpec,
};
pub use overrides::StudyOverrides;
pub use report::{ImageFormat, Product, ReportSpec};
pub use source::{BUILTIN_PREFIX, Origin, SourceText, builtin_files};
pub use spread::SpreadSpec;
pub use zones::{BandSpec, RegionsSpec, RingSpec, ZonesConfig};

/// A study file, parsed.
///
/// Each top-level section is one field. To add a section (`[zones]`, `[categories]`,
/// `[output]` ...), add one field here with its own `#[serde(deny_unknown_fields)]` struct,
/// and `#[serde(default)]` if a study may leave it out. Unknown sections are rejected, so a
/// misspelt `[boundary]` is an error, not a silently empty layer set.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Study {
    pub study: StudyInfo,
    pub country: CountrySpec,
    #[serde(default)]
    pub boundaries: BoundaryLayers,
    /// Analysis zones; none if the study declares none.
    #[serde(default)]
    pub zones: ZonesConfig,
    /// Category definitions; the built-in ones if absent.
    #[serde(default)]
    pub categories: Option<CategoriesSpec>,
    /// What `conflictmap report` makes; every key optional.
    #[serde(default)]
    pub report: ReportSpec,
    /// The spread's distance bands; every key optional (built-in defaults).
    #[serde(default)]
    pub spread: SpreadSpec,
    /// Where the study was read from; relative file paths resolve against it.
    #[serde(skip)]
    origin: Origin,
}

/// The `[categories]` section: which category definitions (TOML) the study uses.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoriesSpec {
    pub file: std::path::PathBuf,
}

/// The `[study]` section.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudyInfo {
    pub name: String,
}

/// The `[country]` section.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountrySpec {
    /// As shown to users ("outside Mali").
    pub name: String,
    /// ISO 3166-1 alpha-3 code, e.g. "MLI" (ACLED's older `iso3` column).
    #[serde(default)]
    pub iso3: Option<String>,
    /// ISO 3166-1 numeric code, e.g. 466 (ACLED's `iso` column).
    #[serde(default)]
    pub iso_numeric: Option<u16>,
    /// Gleditsch-Ward state number, e.g. 432 (UCDP GED's `country_id` column).
    #[serde(default)]
    pub gw_code: Option<u16>,
    /// Other names sources give the country in their `country` column ("Ivory Coast");
    /// `name` always counts.
    #[serde(default)]
    pub source_names: Vec<String>,
    pub outline: OutlineSpec,
}

impl CountrySpec {
    /// The codes and names events are matched against (see [`crate::model::country`]).
    pub fn codes(&self) -> crate::model::country::CountryCodes {
        crate::model::country::CountryCodes::new(
            &self.name,
            self.iso3.as_deref(),
            self.iso_numeric,
            self.gw_code,
            &self.source_names,
        )
    }
}

impl Study {
    /// The built-in default study of Mali (needs no files on disk).
    pub fn mali() -> Study {
        let name = format!("{BUILTIN_PREFIX}{}", source::MALI_STUDY);
        let text = Origin::Builtin
            .read(Path::new(&name))
            .expect("the default study is built in");
        Study::parse(&text.text, &text.path, Origin::Builtin)
            .expect("the built-in default study is valid")
    }

    /// Reads a study file. Relative paths in it are relative to its folder.
    pub fn load(path: impl AsRef<Path>) -> Result<Study> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Study::parse(&text, path, Origin::Dir(dir))
    }

    /// Parses study text; `path` is only used in messages, `origin` resolves file paths.
    pub fn parse(text: &str, path: &Path, origin: Origin) -> Result<Study> {
        let mut study: Study =
            toml::from_str(text).map_err(|e| Error::config(path, e.to_string().trim_end()))?;
        study.origin = origin;
        study.check(path)?;
        Ok(study)
    }

    /// Where the study came from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// Reads a file named in this study (relative to the study, built-in, or absolute).
    pub fn read_file(&self, file: &Path) -> Result<SourceText> {
        self.origin.read(file)
    }

    /// The study's category definitions: its `[categories]` file, else the built-in ones.
    pub fn load_categories(&self) -> Result<crate::model::Categories> {
        match &self.categories {
            Some(spec) => {
                let src = self.read_file(&spec.file)?;
                crate::model::Categories::from_toml_str(&src.text, &src.path)
            }
            None => Ok(crate::model::Categories::mali_default()),
        }
    }

    /// Checks what serde cannot: values that parse but make no sense.
    fn check(&self, path: &Path) -> Result<()> {
        let b = &self.boundaries;
        if !(b.snap_km.is_finite() && b.snap_km >= 0.0) {
            return Err(Error::config(
                path,
                format!(
                    "boundaries.snap_km must be a distance >= 0, not {}",
                    b.snap_km
                ),
            ));
        }
        if b.adm1.as_ref().is_some_and(|a| a.parent_field.is_some()) {
            return Err(Error::config(
                path,
                "boundaries.adm1.parent_field: ADM1 units have no parent (it is for adm2)",
            ));
        }
        if self.country.name.trim().is_empty() {
            return Err(Error::config(path, "country.name is empty"));
        }
        self.report.check().map_err(|e| Error::config(path, e))?;
        self.spread.check().map_err(|e| Error::config(path, e))?;
        Ok(())
    }
}

pub(crate) fn is_builtin(file: &Path) -> bool {
    file.to_str().is_some_and(|s| s.starts_with(BUILTIN_PREFIX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_study_parses() {
        let s = Study::mali();
        assert_eq!(s.study.name, "Mali");
        // Its categories file is the built-in one.
        let cats = s.load_categories().unwrap();
        let ids = |c: &crate::model::Categories| -> Vec<String> {
            c.list().iter().map(|c| c.id.clone()).collect()
        };
        assert_eq!(ids(&cats), ids(&crate::model::Categories::mali_default()));
        assert_eq!(s.zones.ring[0].radius_km, 150.0);
        assert_eq!(s.country.name, "Mali");
        assert_eq!(s.country.iso3.as_deref(), Some("MLI"));
        assert_eq!(s.origin(), &Origin::Builtin);
        let b = &s.boundaries;
        assert_eq!(b.snap_km, 25.0);
        assert_eq!(b.adm1.as_ref().unwrap().name_field, "name");
        assert_eq!(
            b.adm2.as_ref().unwrap().parent_field.as_deref(),
            Some("adm1_name")
        );
        assert_eq!(b.credits.len(), 3);
        let r = &s.report;
        assert_eq!(r.category.as_deref(), Some("militant_islamist_attack"));
        assert_eq!(
            r.civilians_category.as_deref(),
            Some("state_violence_against_civilians")
        );
        assert_eq!(r.products.as_deref(), Some(&Product::DEFAULT[..]));
        assert!(b.credits[0].starts_with("Administrative boundaries: geoBoundaries"));
        // Its [spread] table spells out the built-in bands.
        let sp = &s.spread;
        assert_eq!(
            sp.centre_bands.as_deref(),
            Some(&[0.0, 50.0, 100.0, 150.0, 200.0, 300.0, 500.0][..])
        );
        assert_eq!(
            sp.border_bands.as_deref(),
            Some(&[0.0, 25.0, 50.0, 100.0, 200.0][..])
        );
        assert_eq!(sp.within.as_deref(), Some(&[150.0, 300.0][..]));
    }

    #[test]
    fn minimal_study_has_only_an_outline() {
        let text = r#"
            [study]
            name = "x"
            [country]
            name = "X"
            outline = { file = "x.geojson", where = { ISO_A3 = "BFA" } }
        "#;
        let s = Study::parse(text, Path::new("x.toml"), Origin::Dir("d".into())).unwrap();
        assert_eq!(s.country.outline.filter["ISO_A3"], "BFA");
        assert!(s.boundaries.adm1.is_none());
        assert_eq!(s.boundaries.snap_km, DEFAULT_SNAP_KM);
    }

    #[test]
    fn typos_are_errors() {
        let base = "[study]\nname = \"x\"\n[country]\nname = \"X\"\noutline = { file = \"x\" }\n";
        for (extra, needle) in [
            ("[boundary]\n", "boundary"),
            (
                "[boundaries]\nadm1 = { file = \"a\", name_feild = \"n\" }\n",
                "name_feild",
            ),
            ("[boundaries]\nsnap_km = -1.0\n", "snap_km"),
            ("[report]\nyears = [2024, 2012]\n", "report.years"),
            ("[report]\nproducts = [\"mapz\"]\n", "mapz"),
            ("[report]\nproducts = []\n", "products"),
            (
                "[spread]\ncentre_bands = [0, 100, 50]\n",
                "spread.centre_bands = [0, 100, 50]: edges must increase",
            ),
            ("[spread]\nborder_bands = [0, -5]\n", "spread.border_bands"),
            ("[spread]\nbands = [0, 5]\n", "bands"),
            (
                "[boundaries]\nadm1 = { file = \"a\", name_field = \"n\", parent_field = \"p\" }\n",
                "parent",
            ),
        ] {
            let e = Study::parse(
                &format!("{base}{extra}"),
                Path::new("s.toml"),
                Origin::Builtin,
            )
            .unwrap_err();
            let msg = e.to_string();
            assert!(matches!(e, Error::Config { .. }), "{msg}");
            assert!(msg.starts_with("s.toml: ") && msg.contains(needle), "{msg}");
        }
    }

    #[test]
    fn load_reports_a_missing_study_file() {
        let e = Study::load("no/such/study.toml").unwrap_err();
        assert!(matches!(e, Error::Io { .. }));
        assert!(e.to_string().contains("no/such/study.toml"));
    }
}
