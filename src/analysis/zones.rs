//! Analysis zones: rings around a centre, bands along borders, sets of regions.
//!
//! Declared in the study file (`[[zones.ring]]`, `[[zones.border_band]]`,
//! `[[zones.regions]]`), resolved against the boundaries, then applied to events:
//! membership is decided by exact geodesic distance (Karney) for rings and bands, and by
//! region for region sets. Membership tests decide from cheap guaranteed bounds and solve
//! the exact geodesic only where the bounds straddle the threshold; the distances
//! themselves are computed only for products that print them ([`distances`]).

use geo::MultiPolygon;
use rayon::prelude::*;
use serde::Serialize;

use super::geodesy;
use super::polyline_index::PolylineIndex;
use super::region_union;
use super::within_grid::WithinGrid;
use super::zone_shapes;
use crate::error::{Error, Result};
use crate::input::Territory;
use crate::model::study::ZonesConfig;
use crate::model::{Boundaries, CountryMatch, RegionId};
use crate::units::{Km, LonLat, PlacePositions, Places, Slots};
use rustc_hash::FxHashMap;

/// Vertices of a ring polygon (one per degree of bearing).
const RING_VERTICES: usize = 720;

/// One neighbour's border within a band.
#[derive(Debug)]
pub struct BandBorder {
    pub code: String,
    pub name: String,
    pub index: PolylineIndex,
    /// The country's side of this border alone.
    pub polygon: MultiPolygon<f64>,
}

#[derive(Debug)]
pub enum ZoneKind {
    Ring {
        centre: LonLat,
        centre_name: Option<String>,
        radius: Km,
    },
    Band {
        width: Km,
        borders: Vec<BandBorder>,
    },
    Regions {
        regions: Vec<RegionId>,
    },
}

/// A resolved zone, with its polygon (for maps and layers).
#[derive(Debug)]
pub struct Zone {
    pub id: String,
    pub name: String,
    pub kind: ZoneKind,
    pub polygon: MultiPolygon<f64>,
}

impl Zone {
    /// "150 km", "50 km", or "" for region sets: the label drawn on maps.
    pub fn distance_label(&self) -> String {
        match &self.kind {
            ZoneKind::Ring { radius, .. } => format!("{} km", radius.get()),
            ZoneKind::Band { width, .. } => format!("{} km", width.get()),
            ZoneKind::Regions { .. } => String::new(),
        }
    }
}

fn km(v: f64, what: &str, id: &str) -> Result<Km> {
    Km::new(v).filter(|k| k.get() > 0.0).ok_or_else(|| {
        Error::Usage(format!(
            "zone {id}: {what} must be a positive number of km, not {v}"
        ))
    })
}

/// Resolves the declared zones against the boundaries. Unknown neighbours or regions are
/// errors that name the zone and list what exists.
pub fn resolve(config: &ZonesConfig, boundaries: &Boundaries) -> Result<Vec<Zone>> {
    let mut zones = Vec::new();
    let country = boundaries.outline();
    for r in &config.ring {
        let centre = LonLat::new(r.centre[0], r.centre[1]).ok_or_else(|| {
            Error::Usage(format!(
                "zone {}: centre {:?} is not [lon, lat]",
                r.id, r.centre
            ))
        })?;
        let radius = km(r.radius_km, "radius_km", &r.id)?;
        let polygon = MultiPolygon::new(vec![zone_shapes::ring_polygon(
            centre,
            radius,
            RING_VERTICES,
        )]);
        zones.push(Zone {
            id: r.id.clone(),
            name: r.name.clone(),
            kind: ZoneKind::Ring {
                centre,
                centre_name: r.centre_name.clone(),
                radius,
            },
            polygon,
        });
    }
    for b in &config.border_band {
        let width = km(b.width_km, "width_km", &b.id)?;
        let mut borders = Vec::new();
        for code in &b.neighbours {
            let border = boundaries.border(code).ok_or_else(|| {
                Error::Usage(format!(
                    "zone {}: no shared border with \"{code}\"; the borders file has: {}",
                    b.id,
                    boundaries
                        .borders()
                        .items
                        .iter()
                        .map(|b| b.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            let index = PolylineIndex::new(&border.geometry).ok_or_else(|| {
                Error::Usage(format!(
                    "zone {}: the border with {code} has no segment",
                    b.id
                ))
            })?;
            let polygon = zone_shapes::band_polygon(&border.geometry, width, country);
            borders.push(BandBorder {
                code: border.code.clone(),
                name: border.name.clone(),
                index,
                polygon,
            });
        }
        let polygon = geo::unary_union(borders.iter().map(|b| &b.polygon));
        zones.push(Zone {
            id: b.id.clone(),
            name: b.name.clone(),
            kind: ZoneKind::Band { width, borders },
            polygon,
        });
    }
    for r in &config.regions {
        let mut ids = Vec::new();
        for name in &r.regions {
            let id = boundaries.region_by_name(name).ok_or_else(|| {
                Error::Usage(format!(
                    "zone {}: no region named \"{name}\"; the regions are: {}",
                    r.id,
                    boundaries
                        .regions()
                        .items
                        .iter()
                        .map(|r| r.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            ids.push(id);
        }
        let polygon =
            region_union::union_clean(ids.iter().map(|id| &boundaries.region(*id).geometry));
        zones.push(Zone {
            id: r.id.clone(),
            name: r.name.clone(),
            kind: ZoneKind::Regions { regions: ids },
            polygon,
        });
    }
    let columns = table_columns(&zones);
    if columns > MAX_TABLE_ZONES {
        return Err(Error::Usage(format!(
            "the study's zones make {columns} table columns (the whole country, each zone, and \
             each neighbour's part of a band of several): at most {MAX_TABLE_ZONES} are \
             supported; split the study"
        )));
    }
    Ok(zones)
}

/// How many zones a table can have: an event's zones are the bits of a `u64`.
pub const MAX_TABLE_ZONES: usize = 64;

/// The columns of the zone table: the whole country, each zone, and each neighbour's
/// part of a band of several neighbours.
fn table_columns(zones: &[Zone]) -> usize {
    1 + zones
        .iter()
        .map(|z| match &z.kind {
            ZoneKind::Band { borders, .. } if borders.len() > 1 => 1 + borders.len(),
            _ => 1,
        })
        .sum::<usize>()
}

/// A column of the zone table: a whole zone, or one neighbour's part of a band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableZone {
    pub id: String,
    pub name: String,
}

/// What the zones say about each event.
#[derive(Debug, Clone, Default)]
pub struct Membership {
    /// The table's zones, in order: bit i of a mask is `table_zones[i]`.
    pub table_zones: Vec<TableZone>,
    /// Per event: the zones it is in.
    pub masks: Vec<u64>,
}

/// Exact distances per event, for the products that print them (the GIS layers):
/// computed by [`distances`] only when such a product is asked for.
#[derive(Debug, Clone, Default)]
pub struct ZoneDistances {
    /// Per ring (in zone order), per event: geodesic distance to the centre, km.
    pub ring_km: Vec<(String, PerEvent)>,
    /// Per band border (zone id, neighbour code), per event: geodesic distance to the
    /// nearest point of that border, km.
    pub border_km: Vec<(String, String, PerEvent)>,
}

/// A value per event, stored once per distinct position; indexed by event.
#[derive(Debug, Clone)]
pub struct PerEvent {
    /// Per event: its distinct position.
    slots: Slots,
    /// Per distinct position.
    values: Vec<f64>,
}

impl PerEvent {
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

impl std::ops::Index<usize> for PerEvent {
    type Output = f64;
    fn index(&self, event: usize) -> &f64 {
        &self.values[self.slots.get(event)]
    }
}

/// Which events count as inside the study country. The one place that decides it: the
/// country zone, and the border bands (which only hold events inside the country).
#[derive(Debug, Clone, Copy, Default)]
pub enum InsideCountry<'a> {
    /// Inside the outline (boundary included).
    #[default]
    Outline,
    /// The reader's verdict per event (same order as the events): by the source's
    /// country code where the row has one, else the outline (see
    /// [`crate::model::country`]). An event coded as the country outside the outline is
    /// in the country, and the bands measure it from the nearest point of the outline.
    Verdicts(&'a [CountryMatch]),
}

impl InsideCountry<'_> {
    fn decide(self, in_outline: bool, event: usize) -> bool {
        match self {
            InsideCountry::Outline => in_outline,
            InsideCountry::Verdicts(v) => v[event].in_country(),
        }
    }

    /// Per distinct position: could an event there be inside the country? Only those
    /// positions need the band tests. (Events coded as the country outside the outline
    /// are tested on their own, at the outline: see [`InsideCountry::coded`].)
    fn possible(self, places: &Places, in_outline: &[bool]) -> Vec<bool> {
        let mut possible = in_outline.to_vec();
        if let InsideCountry::Verdicts(v) = self {
            for (slot, verdict) in places.slots.iter().zip(v) {
                if *verdict == CountryMatch::Inside {
                    possible[slot] = true;
                }
            }
        }
        possible
    }

    /// The events coded as the country outside its outline (few), by index.
    fn coded(self) -> Vec<usize> {
        match self {
            InsideCountry::Outline => Vec::new(),
            InsideCountry::Verdicts(v) => v
                .iter()
                .enumerate()
                .filter(|(_, c)| **c == CountryMatch::CodedOutsideOutline)
                .map(|(i, _)| i)
                .collect(),
        }
    }
}

/// The rings' centres and radii, in zone order.
fn rings(zones: &[Zone]) -> Vec<(&str, LonLat, Km)> {
    zones
        .iter()
        .filter_map(|z| match &z.kind {
            ZoneKind::Ring { centre, radius, .. } => Some((z.id.as_str(), *centre, *radius)),
            _ => None,
        })
        .collect()
}

/// Every band's borders with their zone id and width, in zone order.
fn band_borders(zones: &[Zone]) -> Vec<(&str, Km, &BandBorder)> {
    zones
        .iter()
        .flat_map(|z| match &z.kind {
            ZoneKind::Band { borders, width } => {
                borders.iter().map(|b| (z.id.as_str(), *width, b)).collect()
            }
            _ => Vec::new(),
        })
        .collect()
}

/// Applies `zones` to events at `positions` with first-level `regions` (from
/// [`Boundaries::assign`]). The whole country is always the first table zone.
pub fn apply(
    zones: &[Zone],
    boundaries: &Boundaries,
    positions: &[LonLat],
    regions: &[Option<RegionId>],
) -> Membership {
    let at = |i: usize| positions[i];
    let places = Places::of(positions.len(), at);
    let inside = InsideCountry::Outline;
    apply_places(
        zones,
        boundaries,
        &places,
        &places.positions(at),
        regions,
        inside,
    )
}

/// [`apply`] for events already sorted into `places` (at `positions`), with the rule for
/// which events are inside the country.
///
/// Each distinct position is tested once, in parallel. A ring or band test decides from
/// cheap guaranteed bounds where they fall on one side of the threshold and solves the
/// exact geodesic (Karney) only in between ([`geodesy::within`],
/// [`PolylineIndex::within`]): the answer is the exact one, at a small fraction of the
/// cost. Band tests run only at positions that can be inside the country.
pub fn apply_places<F: Fn(usize) -> LonLat + Sync>(
    zones: &[Zone],
    boundaries: &Boundaries,
    places: &Places,
    positions: &PlacePositions<'_, F>,
    regions: &[Option<RegionId>],
    inside: InsideCountry,
) -> Membership {
    let mut table_zones = vec![TableZone {
        id: "country".into(),
        name: format!("{} (whole country)", boundaries.name()),
    }];
    for z in zones {
        table_zones.push(TableZone {
            id: z.id.clone(),
            name: z.name.clone(),
        });
        if let ZoneKind::Band { borders, width } = &z.kind
            && borders.len() > 1
        {
            for b in borders {
                table_zones.push(TableZone {
                    id: format!("{}:{}", z.id, b.code),
                    name: format!("Within {} km of the border with {}", width.get(), b.name),
                });
            }
        }
    }
    debug_assert_eq!(table_zones.len(), table_columns(zones));
    assert!(
        table_zones.len() <= MAX_TABLE_ZONES,
        "zones::resolve refuses more than {MAX_TABLE_ZONES} table zones"
    );

    let slots = &places.slots;
    let rings = rings(zones);
    let band_borders = band_borders(zones);
    let in_outline: Vec<bool> = positions
        .par_iter()
        .map(|p| boundaries.contains(p))
        .collect();
    let possible = inside.possible(places, &in_outline);
    // Band tests go through a grid that decides whole cells at once where it can.
    let band_grids: Vec<WithinGrid> = band_borders
        .iter()
        .map(|(_, width, b)| WithinGrid::new(&b.index, *width))
        .collect();
    let discs: Vec<geodesy::Disc> = rings
        .iter()
        .map(|(_, centre, radius)| geodesy::Disc::new(*centre, *radius))
        .collect();
    // Per place: bit r for ring r, then bit (rings + k) for band border k.
    let near_at = |slot: usize| {
        let p = positions.get(slot);
        let mut bits = 0u64;
        for (r, disc) in discs.iter().enumerate() {
            bits |= u64::from(disc.contains(p)) << r;
        }
        if possible[slot] {
            for (k, grid) in band_grids.iter().enumerate() {
                bits |= u64::from(grid.within(p)) << (rings.len() + k);
            }
        }
        bits
    };
    // Kept per place where events share places; where each event is its own place, each
    // is worked out as the event's mask is made (a table would be 8 bytes an event).
    let near_table: Option<Vec<u64>> = match slots {
        Slots::Identity(_) => None,
        Slots::Table(_) => Some((0..places.len()).into_par_iter().map(near_at).collect()),
    };
    let near = |slot: usize| {
        near_table
            .as_ref()
            .map_or_else(|| near_at(slot), |t| t[slot])
    };

    // Events coded as the country outside its outline: their rings from where they are,
    // their bands from the nearest point of the outline (a point 300 m into Mauritania
    // coded Mali is 0 km from the Mauritanian border).
    let coded: FxHashMap<usize, u64> = inside
        .coded()
        .into_iter()
        .map(|event| {
            let slot = slots.get(event);
            let at = boundaries.zone_position(positions.get(slot));
            let ring_bits = near(slot) & ((1u64 << rings.len()) - 1);
            let mut bits = ring_bits;
            for (k, (_, width, b)) in band_borders.iter().enumerate() {
                bits |= u64::from(b.index.within(at, *width)) << (rings.len() + k);
            }
            (event, bits)
        })
        .collect();

    let masks = slots
        .par_iter()
        .zip(regions.par_iter())
        .enumerate()
        .map(|(event, (slot, region))| {
            // (Most files have no coded events: then no lookup per event.)
            let own = (!coded.is_empty()).then(|| coded.get(&event)).flatten();
            let near = own.copied().unwrap_or_else(|| near(slot));
            let inside_country = inside.decide(in_outline[slot], event);
            let mut mask = 0u64;
            let mut bit = 0;
            let mut set = |on: bool, bit: &mut usize| {
                if on {
                    mask |= 1 << *bit;
                }
                *bit += 1;
            };
            set(inside_country, &mut bit);
            let (mut ring_i, mut border_i) = (0, rings.len());
            for z in zones {
                match &z.kind {
                    ZoneKind::Ring { .. } => {
                        set(near & (1 << ring_i) != 0, &mut bit);
                        ring_i += 1;
                    }
                    ZoneKind::Band { borders, .. } => {
                        // No list per event: millions of events, a few borders.
                        let first = border_i;
                        let within = |k: usize| inside_country && near & (1 << (first + k)) != 0;
                        set((0..borders.len()).any(within), &mut bit);
                        if borders.len() > 1 {
                            for k in 0..borders.len() {
                                set(within(k), &mut bit);
                            }
                        }
                        border_i += borders.len();
                    }
                    ZoneKind::Regions { regions: ids } => {
                        set(region.is_some_and(|r| ids.contains(&r)), &mut bit);
                    }
                }
            }
            mask
        })
        .collect();
    Membership { table_zones, masks }
}

/// The exact distance of every event to each ring centre and to the nearest point of
/// each band border, computed once per distinct position, in parallel (border distances
/// with [`PolylineIndex::nearest`]'s pruning). Events coded as the country outside its
/// outline (`inside`) get their own border distances, from the nearest point of the
/// outline, as their band membership is decided.
pub fn distances<F: Fn(usize) -> LonLat + Sync>(
    zones: &[Zone],
    boundaries: &Boundaries,
    places: &Places,
    positions: &PlacePositions<'_, F>,
    inside: InsideCountry,
) -> ZoneDistances {
    let coded = inside.coded();
    // The coded events' border distances are their own values, after the places'.
    let border_slots: Slots = if coded.is_empty() {
        places.slots.clone()
    } else {
        let mut own = places.slots.to_vec();
        for (n, event) in coded.iter().enumerate() {
            own[*event] = (places.len() + n) as u32;
        }
        own.into()
    };
    let coded_at: Vec<LonLat> = coded
        .iter()
        .map(|e| boundaries.zone_position(positions.get(places.slots.get(*e))))
        .collect();
    let per_event = |value: &(dyn Fn(LonLat) -> f64 + Sync), own: bool| PerEvent {
        slots: if own {
            border_slots.clone()
        } else {
            places.slots.clone()
        },
        values: positions
            .par_iter()
            .chain(if own { &coded_at[..] } else { &[] }.par_iter().copied())
            .map(value)
            .collect(),
    };
    ZoneDistances {
        ring_km: rings(zones)
            .into_iter()
            .map(|(id, centre, _)| {
                let values = per_event(&|p| geodesy::distance(centre, p).get(), false);
                (id.to_string(), values)
            })
            .collect(),
        border_km: band_borders(zones)
            .into_iter()
            .map(|(id, _, b)| {
                let values = per_event(&|p| b.index.nearest(p).distance.get(), true);
                (id.to_string(), b.code.clone(), values)
            })
            .collect(),
    }
}
