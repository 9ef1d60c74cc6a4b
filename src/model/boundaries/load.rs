//! Loading each layer a study names into the model types.

use geo::{
    Geodesic, GeodesicArea, InteriorPoint, Length, MultiPolygon, Orient, orient, unary_union,
};

use crate::error::{Error, Result};
use crate::model::study::{AdminSpec, ContextSpec, KeyedSpec, OutlineSpec, PlacesSpec, Study};

use super::index::AreaIndex;
use super::names::fold;
use super::read::RawLayer;
use super::types::{
    AdminUnit, Border, Layer, LayerMeta, MAX_UNITS, NamedArea, NamedLine, Neighbour, Place,
    RegionId,
};

/// The country outline: the picked features' polygons, unioned when there are several.
pub(super) fn outline(study: &Study, spec: &OutlineSpec) -> Result<(MultiPolygon<f64>, LayerMeta)> {
    let raw = RawLayer::read(study, &spec.file, &spec.filter, "country.outline")?;
    let parts = raw
        .iter(None)
        .map(|f| f.polygons())
        .collect::<Result<Vec<_>>>()?;
    let outline = match <[_; 1]>::try_from(parts) {
        Ok([one]) => one,
        Err(parts) => unary_union(&parts).orient(orient::Direction::Default),
    };
    Ok((outline, raw.meta))
}

/// An ADM1 or ADM2 layer, with each unit's `parent_field` text (parents are resolved
/// afterwards by [`set_parents`], once the regions are loaded).
pub(super) fn admin(
    study: &Study,
    spec: &AdminSpec,
    what: &str,
) -> Result<(Layer<AdminUnit>, Vec<Option<String>>)> {
    let raw = RawLayer::read(study, &spec.file, &spec.filter, what)?;
    if raw.features.len() > MAX_UNITS {
        return Err(Error::format(
            raw.path(),
            format!(
                "{what}: {} units, at most {MAX_UNITS} are supported",
                raw.features.len()
            ),
        ));
    }
    let name_setting = format!("{what}.name_field");
    let parents = raw
        .iter(None)
        .map(|f| spec.parent_field.as_deref().and_then(|p| f.text(p)))
        .collect();
    let items = raw
        .iter(Some(&spec.name_field))
        .map(|f| {
            let geometry = f.polygons()?;
            Ok(AdminUnit {
                name: f.required(&spec.name_field, &name_setting)?,
                code: spec.code_field.as_deref().and_then(|c| f.text(c)),
                aliases: spec.alias_fields.iter().filter_map(|a| f.text(a)).collect(),
                area_km2: geometry.geodesic_area_unsigned() / 1e6,
                geometry,
                parent: None,
            })
        })
        .collect::<Result<_>>()?;
    let layer = Layer {
        items,
        meta: Some(raw.meta),
    };
    Ok((layer, parents))
}

/// The unit called `name` (folded, see [`fold`]): by name first, then by alias, then by code.
pub(super) fn find_by_name(units: &[AdminUnit], name: &str) -> Option<usize> {
    let key = fold(name);
    if key.is_empty() {
        return None;
    }
    let is = |s: &String| fold(s) == key;
    units
        .iter()
        .position(|u| is(&u.name))
        .or_else(|| units.iter().position(|u| u.aliases.iter().any(is)))
        .or_else(|| units.iter().position(|u| u.code.as_ref().is_some_and(is)))
}

/// Sets each cercle's region: the one its `parent_field` names, or else the region
/// containing a point on the cercle's surface (snapped like any point, see
/// [`super::Boundaries::region_of`]).
pub(super) fn set_parents(
    cercles: &mut [AdminUnit],
    parents: Vec<Option<String>>,
    regions: &[AdminUnit],
    region_of: impl Fn(geo::Coord<f64>) -> Option<usize>,
) {
    for (cercle, parent_name) in cercles.iter_mut().zip(parents) {
        let by_name = parent_name.and_then(|n| find_by_name(regions, &n));
        let by_place = || {
            let p = cercle.geometry.interior_point()?;
            region_of(p.0)
        };
        cercle.parent = by_name.or_else(by_place).map(RegionId::new);
    }
}

pub(super) fn neighbours(study: &Study, spec: &KeyedSpec) -> Result<Layer<Neighbour>> {
    let raw = RawLayer::read(study, &spec.file, &spec.filter, "boundaries.neighbours")?;
    let items = raw
        .iter(Some(&spec.name_field))
        .map(|f| {
            Ok(Neighbour {
                name: f.required(&spec.name_field, "boundaries.neighbours.name_field")?,
                code: f.required(&spec.code_field, "boundaries.neighbours.code_field")?,
                geometry: f.polygons()?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Layer {
        items,
        meta: Some(raw.meta),
    })
}

pub(super) fn borders(study: &Study, spec: &KeyedSpec) -> Result<Layer<Border>> {
    let raw = RawLayer::read(study, &spec.file, &spec.filter, "boundaries.borders")?;
    let items = raw
        .iter(Some(&spec.name_field))
        .map(|f| {
            let geometry = f.lines()?;
            Ok(Border {
                code: f.required(&spec.code_field, "boundaries.borders.code_field")?,
                name: f.required(&spec.name_field, "boundaries.borders.name_field")?,
                length_km: Geodesic.length(&geometry) / 1000.0,
                geometry,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Layer {
        items,
        meta: Some(raw.meta),
    })
}

pub(super) fn places(study: &Study, spec: &PlacesSpec) -> Result<Layer<Place>> {
    let raw = RawLayer::read(study, &spec.file, &spec.filter, "boundaries.places")?;
    let items = raw
        .iter(Some(&spec.name_field))
        .filter(|f| {
            !spec.skip_if.iter().any(|(field, texts)| {
                f.text(field)
                    .is_some_and(|v| texts.iter().any(|t| v.contains(t.as_str())))
            })
        })
        .map(|f| {
            Ok(Place {
                name: f.required(&spec.name_field, "boundaries.places.name_field")?,
                pos: f.point()?,
                population: spec.population_field.as_deref().and_then(|p| f.count(p)),
                admin1: spec.admin1_field.as_deref().and_then(|a| f.text(a)),
            })
        })
        .collect::<Result<_>>()?;
    Ok(Layer {
        items,
        meta: Some(raw.meta),
    })
}

pub(super) fn lines(study: &Study, spec: &ContextSpec, what: &str) -> Result<Layer<NamedLine>> {
    let raw = RawLayer::read(study, &spec.file, &spec.filter, what)?;
    let name = spec.name_field.as_deref();
    let items = raw
        .iter(name)
        .map(|f| {
            Ok(NamedLine {
                name: name.and_then(|n| f.text(n)),
                geometry: f.lines()?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Layer {
        items,
        meta: Some(raw.meta),
    })
}

pub(super) fn areas(study: &Study, spec: &ContextSpec, what: &str) -> Result<Layer<NamedArea>> {
    let raw = RawLayer::read(study, &spec.file, &spec.filter, what)?;
    let name = spec.name_field.as_deref();
    let items = raw
        .iter(name)
        .map(|f| {
            Ok(NamedArea {
                name: name.and_then(|n| f.text(n)),
                code: spec.code_field.as_deref().and_then(|c| f.text(c)),
                geometry: f.polygons()?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Layer {
        items,
        meta: Some(raw.meta),
    })
}

/// An index over a layer's units.
pub(super) fn index(units: &Layer<AdminUnit>) -> AreaIndex {
    AreaIndex::new(units.iter().map(|u| &u.geometry))
}
