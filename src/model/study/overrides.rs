//! Command-line overrides of a study's country and boundary files.

use std::path::{Path, PathBuf};

use super::layers::{AdminSpec, Filter, KeyedSpec, OutlineSpec, PlacesSpec};
use super::{Study, is_builtin};
use crate::error::{Error, Result};

/// What flags can change in a study. Paths are as the user typed them: relative to the
/// current folder (not the study's), or `builtin:...`.
///
/// Replacing a layer's file keeps the study's property names for that layer. For a layer
/// the study does not have, the names are the usual ones of its kind of source:
/// geoBoundaries `shapeName`/`shapeISO` for ADM1/ADM2, Natural Earth `NAME`/`ISO_A3` for
/// neighbours, `name_right`/`a3_right` for borders, `name`/`population` for places.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StudyOverrides {
    pub country_name: Option<String>,
    pub iso3: Option<String>,
    pub outline: Option<PathBuf>,
    /// Picks outline features by one property, "FIELD=VALUE" (e.g. "ISO_A3=BFA"). Replaces
    /// the study's filter. A new `outline` file without it drops the study's filter.
    pub outline_where: Option<String>,
    pub adm1: Option<PathBuf>,
    pub adm2: Option<PathBuf>,
    pub neighbours: Option<PathBuf>,
    pub borders: Option<PathBuf>,
    pub places: Option<PathBuf>,
}

impl Study {
    /// Applies flag overrides. Errors (as [`Error::Usage`]) on a malformed `outline_where`.
    pub fn apply(&mut self, o: &StudyOverrides) -> Result<()> {
        if o.country_name.is_some() || o.iso3.is_some() {
            // Another country: the study's numeric codes and other names were its own.
            self.country.iso_numeric = None;
            self.country.gw_code = None;
            self.country.source_names.clear();
        }
        if let Some(name) = &o.country_name {
            self.country.name = name.clone();
        }
        if let Some(iso3) = &o.iso3 {
            self.country.iso3 = Some(iso3.clone());
        }
        if let Some(file) = &o.outline {
            self.country.outline = OutlineSpec {
                file: from_cwd(file)?,
                filter: Filter::new(),
            };
        }
        if let Some(w) = &o.outline_where {
            self.country.outline.filter = parse_where(w)?;
        }
        let b = &mut self.boundaries;
        if let Some(file) = &o.adm1 {
            set_admin(&mut b.adm1, from_cwd(file)?);
        }
        if let Some(file) = &o.adm2 {
            set_admin(&mut b.adm2, from_cwd(file)?);
        }
        if let Some(file) = &o.neighbours {
            set_keyed(&mut b.neighbours, from_cwd(file)?, "NAME", "ISO_A3");
        }
        if let Some(file) = &o.borders {
            set_keyed(&mut b.borders, from_cwd(file)?, "name_right", "a3_right");
        }
        if let Some(file) = &o.places {
            let file = from_cwd(file)?;
            match &mut b.places {
                Some(spec) => spec.file = file,
                None => {
                    b.places = Some(PlacesSpec {
                        file,
                        filter: Filter::new(),
                        name_field: "name".into(),
                        population_field: Some("population".into()),
                        admin1_field: None,
                        skip_if: Default::default(),
                    })
                }
            }
        }
        Ok(())
    }
}

fn set_admin(layer: &mut Option<AdminSpec>, file: PathBuf) {
    match layer {
        Some(spec) => spec.file = file,
        None => *layer = Some(AdminSpec::geoboundaries(file)),
    }
}

fn set_keyed(layer: &mut Option<KeyedSpec>, file: PathBuf, name: &str, code: &str) {
    match layer {
        Some(spec) => spec.file = file,
        None => {
            *layer = Some(KeyedSpec {
                file,
                filter: Filter::new(),
                name_field: name.into(),
                code_field: code.into(),
            })
        }
    }
}

/// A path typed by the user is relative to the current folder, not to the study file.
fn from_cwd(file: &Path) -> Result<PathBuf> {
    if is_builtin(file) {
        return Ok(file.to_path_buf());
    }
    std::path::absolute(file).map_err(|e| Error::io(file, e))
}

/// "FIELD=VALUE" → a one-condition filter.
fn parse_where(s: &str) -> Result<Filter> {
    match s.split_once('=') {
        Some((field, value)) if !field.trim().is_empty() => Ok(Filter::from([(
            field.trim().to_string(),
            value.trim().to_string(),
        )])),
        _ => Err(Error::Usage(format!(
            "outline filter {s:?}: expected FIELD=VALUE, e.g. ISO_A3=BFA"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_replace_files_and_keep_field_names() {
        let mut s = Study::mali();
        s.apply(&StudyOverrides {
            country_name: Some("Burkina Faso".into()),
            iso3: Some("BFA".into()),
            outline: Some("builtin:boundaries/mali_neighbours_ne10m.geojson".into()),
            outline_where: Some(" ISO_A3 = BFA".into()),
            adm1: Some("regions.geojson".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(s.country.name, "Burkina Faso");
        assert_eq!(s.country.iso3.as_deref(), Some("BFA"));
        assert_eq!(s.country.outline.filter["ISO_A3"], "BFA");
        let adm1 = s.boundaries.adm1.as_ref().unwrap();
        assert!(adm1.file.is_absolute() && adm1.file.ends_with("regions.geojson"));
        assert_eq!(adm1.name_field, "name");
    }

    #[test]
    fn new_outline_drops_the_old_filter_and_new_layers_get_default_fields() {
        let mut s = Study::mali();
        s.country.outline.filter = Filter::from([("ISO_A3".into(), "MLI".into())]);
        s.boundaries.adm2 = None;
        s.boundaries.borders = None;
        s.apply(&StudyOverrides {
            outline: Some("o.geojson".into()),
            adm2: Some("c.geojson".into()),
            borders: Some("b.geojson".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(s.country.outline.filter.is_empty());
        assert_eq!(s.boundaries.adm2.as_ref().unwrap().name_field, "shapeName");
        assert_eq!(
            s.boundaries.borders.as_ref().unwrap().code_field,
            "a3_right"
        );
    }

    #[test]
    fn malformed_where_is_a_usage_error() {
        for bad in ["ISO_A3", "=BFA"] {
            let e = Study::mali()
                .apply(&StudyOverrides {
                    outline_where: Some(bad.into()),
                    ..Default::default()
                })
                .unwrap_err();
            assert!(matches!(e, Error::Usage(_)), "{e}");
        }
    }
}
