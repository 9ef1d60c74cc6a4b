//! The GIS layers (events, zones, regions, cercles) built from the loaded events and the
//! analysis, as [`VectorLayer`]s for the GeoJSON and GeoPackage writers. Field names are
//! stable and documented in the README.

use chrono::Datelike;
use geo::{Geometry, MultiPolygon};

use crate::analysis::zones::{Membership, Zone, ZoneDistances, ZoneKind};
use crate::model::{
    AdminUnit, Boundaries, Categories, CategorySet, CercleId, Detail, EventDetails, EventSet,
    RegionId,
};
use crate::output::layer::{Feature, Field, FieldType, GeometryKind, Value, VectorLayer};

/// Per event: its categories and its admin units (as computed by the load stage).
pub struct EventFacts<'a> {
    pub events: &'a EventSet,
    pub classes: &'a [CategorySet],
    pub regions: &'a [Option<RegionId>],
    pub cercles: &'a [Option<CercleId>],
    pub membership: &'a Membership,
    /// Exact distances to the ring centres and band borders (see
    /// [`crate::analysis::zones::distances`]); the events layer prints them.
    pub distances: &'a ZoneDistances,
}

/// `in_<zone id>` with ':' made safe for field names (`in_southern_borders_50km_civ`).
pub fn zone_field(id: &str) -> String {
    format!("in_{}", id.replace(':', "_").to_lowercase())
}

/// The events as points with every normalised attribute, the source's details (actor
/// roles, inter codes, sources, coordinates), category and zone flags, distances (km) to
/// each ring centre and each band border, region and cercle. The events must carry their
/// details ([`EventSet::has_details`]); every feature has every field, so the schema
/// does not depend on the input.
pub fn events_layer(f: &EventFacts, cats: &Categories, b: &Boundaries) -> VectorLayer {
    use FieldType::*;
    assert!(
        f.events.has_details(),
        "the events layer needs the events' details (ReadOptions::details)"
    );
    let mut fields = event_fields(true);
    fields.extend([Field::new("region", Text), Field::new("cercle", Text)]);
    fields.extend(
        cats.list()
            .iter()
            .map(|c| Field::new(&format!("cat_{}", c.id), Boolean)),
    );
    let m = f.membership;
    fields.extend(
        m.table_zones
            .iter()
            .map(|z| Field::new(&zone_field(&z.id), Boolean)),
    );
    let dist = f.distances;
    fields.extend(
        dist.ring_km
            .iter()
            .map(|(id, _)| Field::new(&format!("km_to_{id}_centre"), Real)),
    );
    fields.extend(
        dist.border_km
            .iter()
            .map(|(_, code, _)| Field::new(&format!("km_to_border_{}", code.to_lowercase()), Real)),
    );
    let s = f.events;
    let features = s
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let (region, cercle) = (f.regions[i], f.cercles[i]);
            let mut values = event_values(s, i, Some(&s.details[i]));
            values.extend([
                region.map_or(Value::Null, |r| Value::Text(b.region(r).name.clone())),
                cercle.map_or(Value::Null, |c| Value::Text(b.cercle(c).name.clone())),
            ]);
            values.extend((0..cats.len()).map(|c| Value::Bool(f.classes[i].contains(c))));
            values
                .extend((0..m.table_zones.len()).map(|z| Value::Bool(m.masks[i] & (1 << z) != 0)));
            values.extend(dist.ring_km.iter().map(|(_, d)| Value::Real(round3(d[i]))));
            values.extend(
                dist.border_km
                    .iter()
                    .map(|(_, _, d)| Value::Real(round3(d[i]))),
            );
            Feature {
                geometry: Geometry::Point(e.position.to_point()),
                values,
            }
        })
        .collect();
    VectorLayer {
        name: "events".into(),
        description: "Events with their attributes, categories, zones and distances (km)".into(),
        geometry: GeometryKind::Point,
        fields,
        features,
    }
}

/// The attributes every event layer starts with, as in the source (`event_id` …
/// `source_line`); `details`: with the source's details after the merged actor lists
/// ([`Detail::ALL`], named as ACLED's columns) and its coordinates after `location`.
fn event_fields(details: bool) -> Vec<Field> {
    use FieldType::*;
    let mut fields = vec![
        Field::new("event_id", Text),
        Field::new("event_date", Date),
        Field::new("year", Integer),
        Field::new("event_type", Text),
        Field::new("sub_event_type", Text),
        Field::new("primary_actors", Text),
        Field::new("associated_actors", Text),
    ];
    if details {
        fields.extend(Detail::ALL.iter().map(|d| Field::new(d.name(), Text)));
    }
    fields.extend([
        Field::new("fatalities", Integer),
        Field::new("geo_precision", Integer),
        Field::new("admin1", Text),
        Field::new("admin2", Text),
        Field::new("admin3", Text),
        Field::new("location", Text),
    ]);
    if details {
        fields.extend([Field::new("latitude", Real), Field::new("longitude", Real)]);
    }
    fields.extend([
        Field::new("dataset", Text),
        Field::new("source_line", Integer),
    ]);
    fields
}

/// The values of [`event_fields`] for one event (with its details if given). A detail
/// the source has no column for is null; text the source gives is written as given, ""
/// for an empty cell, as the other source fields (admin1, location, …) are.
fn event_values(s: &EventSet, i: usize, details: Option<&EventDetails>) -> Vec<Value> {
    let e = &s.events[i];
    let text = |sym| Value::Text(s.str(sym).to_string());
    let joined = |syms: &[crate::model::Sym]| {
        Value::Text(
            syms.iter()
                .map(|a| s.str(*a))
                .collect::<Vec<_>>()
                .join("; "),
        )
    };
    let mut values = vec![
        Value::Text(s.id(i).to_string()),
        Value::Date(e.date),
        Value::Int(i64::from(e.year())),
        text(e.event_type),
        text(e.sub_event_type),
        joined(&s.strings.actors(e.primary_actors)),
        joined(&s.strings.actors(e.associated_actors)),
    ];
    if let Some(d) = details {
        values.extend(
            Detail::ALL
                .iter()
                .map(|&k| d.get(k).map_or(Value::Null, text)),
        );
    }
    values.extend([
        Value::Int(i64::from(e.fatalities)),
        e.geo_precision
            .map_or(Value::Null, |p| Value::Int(i64::from(p))),
        text(e.admin1),
        text(e.admin2),
        text(e.admin3),
        text(e.location),
    ]);
    if details.is_some() {
        // The source's coordinates as read (the geometry is the same point, rounded to
        // 6 decimals in GeoJSON).
        values.extend([Value::Real(e.lat()), Value::Real(e.lon())]);
    }
    values.extend([
        Value::Text(format!("{:?}", e.dataset).to_lowercase()),
        Value::Int(e.source_line as i64),
    ]);
    values
}

/// Some events (by index) with their source attributes, and their details (actor roles,
/// sources, notes, coordinates) when the set has them: the points of the web viewer and
/// of the events' vector tiles, whose popups show them.
pub fn event_points_layer(events: &EventSet, indices: &[usize]) -> VectorLayer {
    let details = events.has_details();
    VectorLayer {
        name: "events".into(),
        description: "Events with their source attributes".into(),
        geometry: GeometryKind::Point,
        fields: event_fields(details),
        features: indices
            .iter()
            .map(|&i| {
                let e = &events.events[i];
                Feature {
                    geometry: Geometry::Point(e.position.to_point()),
                    values: event_values(events, i, details.then(|| &events.details[i])),
                }
            })
            .collect(),
    }
}

/// The basemap of a map without tiles from the internet, as one layer of `kind` and
/// `name`: `neighbour` (the neighbours and other countries of the context layer),
/// `country`, `lake`, `river`, `region`, `cercle`, and `town` for places of at least
/// `town_min_population` inhabitants and the largest place (the capital), with their
/// `population`. Geometries are
/// mixed (polygons, lines, points): for GeoJSON, not for a GeoPackage table.
pub fn basemap_layer(b: &Boundaries, town_min_population: u64) -> VectorLayer {
    let mut features = Vec::new();
    let mut add = |kind: &str, name: &str, population: Option<u64>, geometry: Geometry<f64>| {
        features.push(Feature {
            geometry,
            values: vec![
                Value::Text(kind.into()),
                Value::Text(name.into()),
                population.map_or(Value::Null, |p| Value::Int(p as i64)),
            ],
        });
    };
    let mut push =
        |kind: &str, name: &str, geometry: Geometry<f64>| add(kind, name, None, geometry);
    let own = b.iso3().unwrap_or_default();
    for n in b.neighbours().items.iter().filter(|n| n.code != own) {
        push("neighbour", &n.name, n.geometry.clone().into());
    }
    for c in &b.context().items {
        let code = c.code.as_deref().unwrap_or_default();
        if code == own || b.neighbours().items.iter().any(|n| n.code == code) {
            continue;
        }
        let name = c.name.as_deref().unwrap_or_default();
        push("neighbour", name, c.geometry.clone().into());
    }
    push("country", b.name(), b.outline().clone().into());
    for l in &b.lakes().items {
        push(
            "lake",
            l.name.as_deref().unwrap_or_default(),
            l.geometry.clone().into(),
        );
    }
    for r in &b.rivers().items {
        push(
            "river",
            r.name.as_deref().unwrap_or_default(),
            r.geometry.clone().into(),
        );
    }
    for r in &b.regions().items {
        push("region", &r.name, r.geometry.clone().into());
    }
    for c in &b.cercles().items {
        push("cercle", &c.name, c.geometry.clone().into());
    }
    let largest = b.places().items.iter().filter_map(|p| p.population).max();
    for p in &b.places().items {
        let pop = p.population.unwrap_or(0);
        if pop >= town_min_population || (pop > 0 && Some(pop) == largest) {
            add(
                "town",
                &p.name,
                p.population,
                Geometry::Point(p.pos.to_point()),
            );
        }
    }
    VectorLayer {
        name: "basemap".into(),
        description: "Country, neighbours, lakes, rivers, admin units and towns".into(),
        geometry: GeometryKind::MultiPolygon,
        fields: vec![
            Field::new("kind", FieldType::Text),
            Field::new("name", FieldType::Text),
            Field::new("population", FieldType::Integer),
        ],
        features,
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The zones as polygons (a band also per neighbour): id, name, kind, distance_km.
pub fn zones_layer(zones: &[Zone]) -> VectorLayer {
    use FieldType::*;
    let mut features = Vec::new();
    // A set of regions has no distance: its distance_km is null.
    let mut push =
        |id: String, name: String, kind: &str, km: Option<f64>, poly: &MultiPolygon<f64>| {
            features.push(Feature {
                geometry: Geometry::MultiPolygon(poly.clone()),
                values: vec![
                    Value::Text(id),
                    Value::Text(name),
                    Value::Text(kind.into()),
                    km.map_or(Value::Null, Value::Real),
                ],
            });
        };
    for z in zones {
        match &z.kind {
            ZoneKind::Ring { radius, .. } => push(
                z.id.clone(),
                z.name.clone(),
                "ring",
                Some(radius.get()),
                &z.polygon,
            ),
            ZoneKind::Band { width, borders } => {
                push(
                    z.id.clone(),
                    z.name.clone(),
                    "band",
                    Some(width.get()),
                    &z.polygon,
                );
                for b in borders {
                    push(
                        format!("{}:{}", z.id, b.code),
                        format!("Within {} km of the border with {}", width.get(), b.name),
                        "band_part",
                        Some(width.get()),
                        &b.polygon,
                    );
                }
            }
            ZoneKind::Regions { .. } => {
                push(z.id.clone(), z.name.clone(), "regions", None, &z.polygon)
            }
        }
    }
    VectorLayer {
        name: "zones".into(),
        description: "Analysis zones: geodesic rings and border bands, region sets".into(),
        geometry: GeometryKind::MultiPolygon,
        fields: vec![
            Field::new("zone_id", Text),
            Field::new("name", Text),
            Field::new("kind", Text),
            Field::new("distance_km", Real),
        ],
        features,
    }
}

/// Admin units (regions or cercles) with, per category and year, events and deaths
/// (`<category>_<year>_events`, `<category>_<year>_deaths`), and per category the
/// events of all years per 1,000 km² (`<category>_per_1000km2`): choropleth-ready.
pub fn admin_layer(
    name: &str,
    units: &[AdminUnit],
    unit_of: impl Fn(usize) -> Option<usize>,
    f: &EventFacts,
    cats: &Categories,
    years: std::ops::RangeInclusive<i32>,
) -> VectorLayer {
    use FieldType::*;
    let first = *years.start();
    let ny = years.clone().count();
    let nc = cats.len();
    // counts[unit][cat][year] = (events, deaths)
    let mut counts = vec![vec![vec![(0i64, 0i64); ny]; nc]; units.len()];
    for (i, e) in f.events.events.iter().enumerate() {
        let (Some(u), true) = (unit_of(i), years.contains(&e.year())) else {
            continue;
        };
        let y = (e.date.year() - first) as usize;
        for c in f.classes[i].iter().filter(|c| *c < nc) {
            let cell = &mut counts[u][c][y];
            cell.0 += 1;
            cell.1 += i64::from(e.fatalities);
        }
    }
    let mut fields = vec![
        Field::new("name", Text),
        Field::new("code", Text),
        Field::new("area_km2", Real),
    ];
    for c in cats.list() {
        for y in years.clone() {
            fields.push(Field::new(&format!("{}_{y}_events", c.id), Integer));
            fields.push(Field::new(&format!("{}_{y}_deaths", c.id), Integer));
        }
        fields.push(Field::new(&format!("{}_per_1000km2", c.id), Real));
    }
    let features = units
        .iter()
        .enumerate()
        .map(|(u, unit)| {
            let mut values = vec![
                Value::Text(unit.name.clone()),
                unit.code.clone().map_or(Value::Null, Value::Text),
                Value::Real((unit.area_km2 * 10.0).round() / 10.0),
            ];
            for per_year in &counts[u] {
                let mut total = 0;
                for cell in per_year {
                    values.push(Value::Int(cell.0));
                    values.push(Value::Int(cell.1));
                    total += cell.0;
                }
                let rate = if unit.area_km2 > 0.0 {
                    total as f64 * 1000.0 / unit.area_km2
                } else {
                    0.0
                };
                values.push(Value::Real(round3(rate)));
            }
            Feature {
                geometry: Geometry::MultiPolygon(unit.geometry.clone()),
                values,
            }
        })
        .collect();
    VectorLayer {
        name: name.into(),
        description: format!("{name} with events and deaths per category and year"),
        geometry: GeometryKind::MultiPolygon,
        fields,
        features,
    }
}
