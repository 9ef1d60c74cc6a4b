//! Analysis zones: rings around a centre, bands along borders, sets of regions.
//!
//! Declared in the study file (`[[zones.ring]]`, `[[zones.border_band]]`,
//! `[[zones.regions]]`), resolved against the boundaries, then applied to events:
//! membership is decided by exact geodesic distance (Karney) for rings and bands, and by
//! region for region sets. Each event's distance to every ring centre and to every band
//! border is computed once (per distinct position) and kept for later products.

use std::sync::Arc;

use geo::MultiPolygon;
use rayon::prelude::*;
use serde::Serialize;

use super::geodesy;
use super::polyline_index::PolylineIndex;
use super::region_union;
use super::zone_shapes;
use crate::error::{Error, Result};
use crate::input::Territory;
use crate::model::study::ZonesConfig;
use crate::model::{Boundaries, CountryMatch, RegionId};
use crate::units::{Km, LonLat, Places};
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
    /// Per ring (in zone order), per event: geodesic distance to the centre, km.
    pub ring_km: Vec<(String, PerEvent)>,
    /// Per band border (zone id, neighbour code), per event: geodesic distance to the
    /// nearest point of that border, km.
    pub border_km: Vec<(String, String, PerEvent)>,
}

/// A value per event, stored once per distinct position (events share few places: a
/// column of millions of copies would only cost memory); indexed by event.
#[derive(Debug, Clone)]
pub struct PerEvent {
    /// Per event: its distinct position.
    slots: Arc<[u32]>,
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
        &self.values[self.slots[event] as usize]
    }
}

/// Distances for one distinct position.
struct PositionFacts {
    ring_km: Vec<f64>,
    border_km: Vec<f64>,
}

/// Applies `zones` to events at `positions` with first-level `regions` (from
/// [`Boundaries::assign`]), the outline deciding whether a point is in the country. The
/// whole country is always the first table zone. Distances are computed once per
/// distinct position, in parallel.
pub fn apply(
    zones: &[Zone],
    boundaries: &Boundaries,
    positions: &[LonLat],
    regions: &[Option<RegionId>],
) -> Membership {
    let places = Places::of(positions.len(), |i| positions[i]);
    let country: Vec<CountryMatch> = positions
        .iter()
        .map(|p| match boundaries.contains(*p) {
            true => CountryMatch::Inside,
            false => CountryMatch::Outside,
        })
        .collect();
    apply_places(zones, boundaries, &places, regions, &country)
}

/// [`apply`] for events already sorted into places, with each event's country verdict
/// (from the reader: by the source's country code, else the outline). An event coded as
/// the country outside the outline is in the country, and its distance to a band's
/// border is measured from the nearest point of the outline (a point 300 m into
/// Mauritania coded Mali is 0 km from the Mauritanian border); its ring distances are
/// from where it is.
pub fn apply_places(
    zones: &[Zone],
    boundaries: &Boundaries,
    places: &Places,
    regions: &[Option<RegionId>],
    country: &[CountryMatch],
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

    let (distinct, slots) = (&places.distinct, &places.slots);
    let rings: Vec<(LonLat, Km)> = zones
        .iter()
        .filter_map(|z| match &z.kind {
            ZoneKind::Ring { centre, radius, .. } => Some((*centre, *radius)),
            _ => None,
        })
        .collect();
    let band_borders: Vec<&BandBorder> = zones
        .iter()
        .flat_map(|z| match &z.kind {
            ZoneKind::Band { borders, .. } => borders.iter().collect(),
            _ => Vec::new(),
        })
        .collect();
    let border_km_at = |p: LonLat| -> Vec<f64> {
        band_borders
            .iter()
            .map(|b| b.index.nearest(p).distance.get())
            .collect()
    };
    let facts: Vec<PositionFacts> = distinct
        .par_iter()
        .map(|p| PositionFacts {
            ring_km: rings
                .iter()
                .map(|(c, _)| geodesy::distance(*c, *p).get())
                .collect(),
            border_km: border_km_at(*p),
        })
        .collect();
    // Events coded as the country outside its outline: few, each measured to the
    // borders from its nearest point of the outline.
    let coded: FxHashMap<usize, Vec<f64>> = country
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == CountryMatch::CodedOutsideOutline)
        .map(|(i, _)| {
            let at = boundaries.zone_position(distinct[slots[i] as usize]);
            (i, border_km_at(at))
        })
        .collect();

    let masks = slots
        .par_iter()
        .zip(regions.par_iter())
        .zip(country.par_iter())
        .enumerate()
        .map(|(i, ((slot, region), verdict))| {
            let f = &facts[*slot as usize];
            let inside_country = verdict.in_country();
            let border_km = coded.get(&i).unwrap_or(&f.border_km);
            let mut mask = 0u64;
            let mut bit = 0;
            let mut set = |on: bool, bit: &mut usize| {
                if on {
                    mask |= 1 << *bit;
                }
                *bit += 1;
            };
            set(inside_country, &mut bit);
            let (mut ring_i, mut border_i) = (0, 0);
            for z in zones {
                match &z.kind {
                    ZoneKind::Ring { radius, .. } => {
                        set(f.ring_km[ring_i] <= radius.get(), &mut bit);
                        ring_i += 1;
                    }
                    ZoneKind::Band { width, borders } => {
                        // No list per event: millions of events, a few borders.
                        let first = border_i;
                        let within =
                            |k: usize| inside_country && border_km[first + k] <= width.get();
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

    let ring_ids: Vec<&str> = zones
        .iter()
        .filter(|z| matches!(z.kind, ZoneKind::Ring { .. }))
        .map(|z| z.id.as_str())
        .collect();
    let ring_km = ring_ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            (
                id.to_string(),
                PerEvent {
                    slots: slots.clone(),
                    values: facts.iter().map(|f| f.ring_km[i]).collect(),
                },
            )
        })
        .collect();
    // The coded events' border distances are their own values, after the places'.
    let border_slots: Arc<[u32]> = if coded.is_empty() {
        slots.clone()
    } else {
        let mut own = slots.to_vec();
        let mut order: Vec<usize> = coded.keys().copied().collect();
        order.sort_unstable();
        for (n, i) in order.iter().enumerate() {
            own[*i] = (facts.len() + n) as u32;
        }
        own.into()
    };
    let mut coded_order: Vec<(&usize, &Vec<f64>)> = coded.iter().collect();
    coded_order.sort_unstable_by_key(|(i, _)| **i);
    let mut border_km = Vec::new();
    let mut k = 0;
    for z in zones {
        if let ZoneKind::Band { borders, .. } = &z.kind {
            for b in borders {
                let places = facts.iter().map(|f| f.border_km[k]);
                let own = coded_order.iter().map(|(_, d)| d[k]);
                border_km.push((
                    z.id.clone(),
                    b.code.clone(),
                    PerEvent {
                        slots: border_slots.clone(),
                        values: places.chain(own).collect(),
                    },
                ));
                k += 1;
            }
        }
    }
    Membership {
        table_zones,
        masks,
        ring_km,
        border_km,
    }
}
