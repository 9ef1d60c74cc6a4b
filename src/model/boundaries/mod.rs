//! The study country's boundaries: outline, ADM1 regions, ADM2 cercles, neighbours,
//! shared border lines, places and basemap layers, loaded from the files a [`Study`]
//! names, with fast point assignment to regions and cercles.
//!
//! Assignment rules ([`Boundaries::region_of`], [`Boundaries::cercle_of`]):
//! 1. A point inside a unit's polygon, or on its edge, gets that unit (holes respected).
//!    Where two units both qualify (a point on a shared edge, or overlapping polygons),
//!    the unit listed first in the file wins, so results never depend on thread timing.
//! 2. Otherwise, if the point is inside the country outline, it gets the unit whose
//!    boundary is nearest (geodesic distance) if that is within the study's `snap_km`
//!    (25 km by default). The country outline and the admin layers usually come from
//!    different sources (Natural Earth vs geoBoundaries for Mali, up to ~13 km apart), and
//!    an event inside the country should not lose its region to that disagreement.
//! 3. Otherwise `None`.

mod grid;
mod index;
mod load;
mod names;
mod read;
mod types;

use geo::MultiPolygon;
use rayon::prelude::*;

use crate::error::Result;
use crate::input::Territory;
use crate::model::study::Study;
use crate::units::{LonLat, PlacePositions, Places, Slots};

use index::AreaIndex;

pub use names::fold as fold_name;
pub use types::{
    AdminUnit, Border, CercleId, Layer, LayerMeta, NamedArea, NamedLine, Neighbour, Place, RegionId,
};

/// Everything the boundary files of a study say, indexed for point assignment.
/// `Sync`: share one across rayon threads.
#[derive(Debug)]
pub struct Boundaries {
    name: String,
    iso3: Option<String>,
    outline: MultiPolygon<f64>,
    outline_meta: LayerMeta,
    regions: Layer<AdminUnit>,
    cercles: Layer<AdminUnit>,
    neighbours: Layer<Neighbour>,
    borders: Layer<Border>,
    places: Layer<Place>,
    rivers: Layer<NamedLine>,
    lakes: Layer<NamedArea>,
    context: Layer<NamedArea>,
    credits: Vec<String>,
    snap_km: f64,
    outline_index: AreaIndex,
    region_index: AreaIndex,
    cercle_index: AreaIndex,
}

impl Boundaries {
    /// Loads every layer the study names. Errors name the file, and for a bad feature its
    /// index and name.
    pub fn load(study: &Study) -> Result<Boundaries> {
        let b = &study.boundaries;
        let (outline, outline_meta) = load::outline(study, &study.country.outline)?;
        let outline_index = AreaIndex::new([&outline]);
        let regions = match &b.adm1 {
            Some(spec) => load::admin(study, spec, "boundaries.adm1")?.0,
            None => Layer::default(),
        };
        let region_index = load::index(&regions);
        let cercles = match &b.adm2 {
            Some(spec) => {
                let (mut cercles, parents) = load::admin(study, spec, "boundaries.adm2")?;
                let region_of = |c| snap(&region_index, &outline_index, b.snap_km, c);
                load::set_parents(&mut cercles.items, parents, &regions.items, region_of);
                cercles
            }
            None => Layer::default(),
        };
        let cercle_index = load::index(&cercles);
        Ok(Boundaries {
            name: study.country.name.clone(),
            iso3: study.country.iso3.clone(),
            outline,
            outline_meta,
            regions,
            cercles,
            neighbours: optional(&b.neighbours, |s| load::neighbours(study, s))?,
            borders: optional(&b.borders, |s| load::borders(study, s))?,
            places: optional(&b.places, |s| load::places(study, s))?,
            rivers: optional(&b.rivers, |s| load::lines(study, s, "boundaries.rivers"))?,
            lakes: optional(&b.lakes, |s| load::areas(study, s, "boundaries.lakes"))?,
            context: optional(&b.context, |s| load::areas(study, s, "boundaries.context"))?,
            credits: b.credits.clone(),
            snap_km: b.snap_km,
            outline_index,
            region_index,
            cercle_index,
        })
    }

    /// The country's name ("Mali").
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn iso3(&self) -> Option<&str> {
        self.iso3.as_deref()
    }

    /// The country outline (exterior rings counter-clockwise).
    pub fn outline(&self) -> &MultiPolygon<f64> {
        &self.outline
    }

    pub fn outline_meta(&self) -> &LayerMeta {
        &self.outline_meta
    }

    /// ADM1 units, in file order; [`RegionId`] indexes this.
    pub fn regions(&self) -> &Layer<AdminUnit> {
        &self.regions
    }

    /// ADM2 units, in file order; [`CercleId`] indexes this.
    pub fn cercles(&self) -> &Layer<AdminUnit> {
        &self.cercles
    }

    pub fn region(&self, id: RegionId) -> &AdminUnit {
        &self.regions[id.index()]
    }

    pub fn cercle(&self, id: CercleId) -> &AdminUnit {
        &self.cercles[id.index()]
    }

    pub fn neighbours(&self) -> &Layer<Neighbour> {
        &self.neighbours
    }

    pub fn borders(&self) -> &Layer<Border> {
        &self.borders
    }

    pub fn places(&self) -> &Layer<Place> {
        &self.places
    }

    pub fn rivers(&self) -> &Layer<NamedLine> {
        &self.rivers
    }

    pub fn lakes(&self) -> &Layer<NamedArea> {
        &self.lakes
    }

    /// Countries for an inset map.
    pub fn context(&self) -> &Layer<NamedArea> {
        &self.context
    }

    /// Attribution lines every product made from these layers must carry.
    pub fn credits(&self) -> &[String] {
        &self.credits
    }

    /// See the module documentation, rule 2.
    pub fn snap_km(&self) -> f64 {
        self.snap_km
    }

    /// The region of `p` (see the module documentation for the rules).
    pub fn region_of(&self, p: LonLat) -> Option<RegionId> {
        snap(
            &self.region_index,
            &self.outline_index,
            self.snap_km,
            p.to_coord(),
        )
        .map(RegionId::new)
    }

    /// The cercle of `p` (same rules as [`Self::region_of`]).
    pub fn cercle_of(&self, p: LonLat) -> Option<CercleId> {
        snap(
            &self.cercle_index,
            &self.outline_index,
            self.snap_km,
            p.to_coord(),
        )
        .map(CercleId::new)
    }

    /// Region and cercle of every point, same order as `points`: computed once per
    /// distinct position, in parallel.
    pub fn assign(&self, points: &[LonLat]) -> Vec<(Option<RegionId>, Option<CercleId>)> {
        let at = |i: usize| points[i];
        let places = Places::of(points.len(), at);
        let positions = places.positions(at);
        let regions = self.regions_of_places(&places, &positions);
        let cercles = self.cercles_of_places(&places, &positions);
        regions.into_iter().zip(cercles).collect()
    }

    /// The region of every item sorted into `places`, at `positions` (as
    /// [`Self::region_of`]).
    pub fn regions_of_places<F: Fn(usize) -> LonLat + Sync>(
        &self,
        places: &Places,
        positions: &PlacePositions<'_, F>,
    ) -> Vec<Option<RegionId>> {
        self.units_of_places(&self.region_index, places, positions, RegionId::new)
    }

    /// The cercle of every item sorted into `places`, at `positions` (as
    /// [`Self::cercle_of`]). Apart from the regions: most products never ask for it.
    pub fn cercles_of_places<F: Fn(usize) -> LonLat + Sync>(
        &self,
        places: &Places,
        positions: &PlacePositions<'_, F>,
    ) -> Vec<Option<CercleId>> {
        self.units_of_places(&self.cercle_index, places, positions, CercleId::new)
    }

    /// The unit of `units` of every item, computed once per place.
    fn units_of_places<F: Fn(usize) -> LonLat + Sync, T: Copy + Send + Sync>(
        &self,
        units: &AreaIndex,
        places: &Places,
        positions: &PlacePositions<'_, F>,
        id: impl Fn(usize) -> T + Sync,
    ) -> Vec<Option<T>> {
        // The grid's cell of a place a few places ahead is asked for early: on distinct
        // positions each lookup is otherwise a wait for memory.
        const AHEAD: usize = 8;
        let n = positions.len();
        let per_place: Vec<Option<T>> = (0..n)
            .into_par_iter()
            .map(|i| {
                if i + AHEAD < n {
                    units.prefetch(positions.get(i + AHEAD).to_coord());
                }
                let c = positions.get(i).to_coord();
                snap(units, &self.outline_index, self.snap_km, c).map(&id)
            })
            .collect();
        if let Slots::Identity(_) = places.slots {
            // Every item its own place: the places' answers are the items'.
            return per_place;
        }
        places.slots.par_iter().map(|s| per_place[s]).collect()
    }

    /// The region called `name`, ignoring case, accents and separators ("segou" finds
    /// "Ségou"), matched against names, then aliases ("Koulikouro"), then codes ("ML-4").
    pub fn region_by_name(&self, name: &str) -> Option<RegionId> {
        load::find_by_name(&self.regions.items, name).map(RegionId::new)
    }

    /// The cercle called `name` (same matching as [`Self::region_by_name`]).
    pub fn cercle_by_name(&self, name: &str) -> Option<CercleId> {
        load::find_by_name(&self.cercles.items, name).map(CercleId::new)
    }

    /// The border shared with the neighbour of this code ("CIV"), ignoring case.
    pub fn border(&self, code: &str) -> Option<&Border> {
        let code = code.trim();
        self.borders
            .iter()
            .find(|b| b.code.eq_ignore_ascii_case(code))
    }

    /// The neighbour of this code ("BFA"), ignoring case.
    pub fn neighbour(&self, code: &str) -> Option<&Neighbour> {
        let code = code.trim();
        self.neighbours
            .iter()
            .find(|n| n.code.eq_ignore_ascii_case(code))
    }
}

/// How far from the outline events coded as the country are looked after (snapped to it,
/// given the nearest region and cercle). A point coded as the country farther out than
/// this is a geocoding error, not a border town: it keeps its position and gets no unit.
pub const CODED_REACH_KM: f64 = 500.0;

impl Boundaries {
    /// The nearest point of the country outline to `p` and its distance (km), if within
    /// [`CODED_REACH_KM`]. For a point inside, the nearest point of the boundary.
    pub fn nearest_on_outline(&self, p: LonLat) -> Option<(LonLat, f64)> {
        let n = self
            .outline_index
            .nearest_point_within(p.to_coord(), CODED_REACH_KM)?;
        Some((LonLat::from_coord(n.point)?, n.km))
    }

    /// Where an event outside the outline but coded as the country stands for zones:
    /// the nearest point of the outline (so a point 300 m into Mauritania is 0 km from
    /// the Mauritanian border). Inside the outline, or beyond reach, `p` itself.
    pub fn zone_position(&self, p: LonLat) -> LonLat {
        if self.contains(p) {
            return p;
        }
        self.nearest_on_outline(p).map_or(p, |(q, _)| q)
    }

    /// The region of an event coded as the country: the region `p` is in, else the
    /// nearest one within [`CODED_REACH_KM`] (the outline's own snap limit does not
    /// apply: the source says the event is the country's).
    pub fn region_of_coded(&self, p: LonLat) -> Option<RegionId> {
        coded_unit(&self.region_index, p).map(RegionId::new)
    }

    /// The cercle of an event coded as the country (as [`Self::region_of_coded`]).
    pub fn cercle_of_coded(&self, p: LonLat) -> Option<CercleId> {
        coded_unit(&self.cercle_index, p).map(CercleId::new)
    }
}

/// The unit of `units` holding `p`, else the nearest within [`CODED_REACH_KM`].
fn coded_unit(units: &AreaIndex, p: LonLat) -> Option<usize> {
    let c = p.to_coord();
    units
        .locate(c)
        .or_else(|| units.nearest_within(c, CODED_REACH_KM).map(|(u, _)| u))
}

impl Territory for Boundaries {
    fn name(&self) -> &str {
        &self.name
    }

    /// Inside the country outline, boundary included.
    fn contains(&self, p: LonLat) -> bool {
        self.outline_index.locate(p.to_coord()).is_some()
    }

    fn prefetch(&self, p: LonLat) {
        self.outline_index.prefetch(p.to_coord());
    }

    fn km_outside(&self, p: LonLat) -> Option<f64> {
        if self.contains(p) {
            return Some(0.0);
        }
        self.nearest_on_outline(p).map(|(_, km)| km)
    }
}

/// Rules 1-3 of the module documentation.
fn snap(units: &AreaIndex, outline: &AreaIndex, snap_km: f64, c: geo::Coord<f64>) -> Option<usize> {
    units.locate(c).or_else(|| {
        if snap_km > 0.0 && !units.is_empty() && outline.locate(c).is_some() {
            units.nearest_within(c, snap_km).map(|(u, _)| u)
        } else {
            None
        }
    })
}

fn optional<S, T>(spec: &Option<S>, load: impl FnOnce(&S) -> Result<Layer<T>>) -> Result<Layer<T>> {
    spec.as_ref().map_or_else(|| Ok(Layer::default()), load)
}
