//! Where sample events happen: every place is put in one story zone, and events pick a
//! zone (by year and kind, see [`super::story`]) then a town of that zone.
//!
//! Zones come from the place's position, never from its name alone: within 50 km of
//! Mali's borders with Côte d'Ivoire, Guinea, Senegal or Mauritania ([`Zone::Border`],
//! taking precedence), else within 150 km of Bamako ([`Zone::BamakoRing`]), else by region.
//! Distances are the same WGS84 geodesics the zone analysis uses, and positions are kept
//! clear of the zone edges (see `jitter_km`).

use geo::{LineString, MultiLineString};
use rand::Rng;

use super::SamplePlace;
use crate::analysis::geodesy;
use crate::analysis::polyline_index::PolylineIndex;
use crate::units::{Km, LonLat};

/// Bamako, as in DOMAIN.md.
const BAMAKO: (f64, f64) = (-8.0029, 12.6392);
const RING_KM: f64 = 150.0;
const BORDER_KM: f64 = 50.0;
/// Shared land borders (Natural Earth 10m lines), to keep the border story honest.
const BORDERS_GEOJSON: &str = include_str!("../../boundaries/mali_borders_ne10m.geojson");
const COASTAL_NEIGHBOURS: [&str; 4] = ["CIV", "GIN", "SEN", "MRT"];
/// Keeps jittered positions this far from every zone edge and border.
const SAFETY_KM: f64 = 3.0;
const MAX_JITTER_KM: f64 = 25.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Zone {
    /// Kidal, Gao, Tombouctou (and Ménaka, Taoudénit).
    North,
    /// Mopti and Ségou.
    Centre,
    /// Kayes, Koulikoro, Sikasso away from Bamako and the borders.
    South,
    BamakoRing,
    Border,
}

impl Zone {
    /// Position in per-zone arrays, in declaration order.
    fn index(self) -> usize {
        self as usize
    }
}

/// A place with what the generator needs to know about it.
pub(crate) struct Site<'a> {
    pub place: &'a SamplePlace,
    pub zone: Zone,
    /// Largest offset (km) for a "near the town" position that stays in the same zone
    /// and inside Mali; 0 when the town is within a few km of an edge.
    pub jitter_km: f64,
    /// Region centre usable for a region-level position (same zone), if any.
    pub region_centre: Option<(f64, f64)>,
    /// Weight for violent events (mildly favours towns, reaches villages) and for crowds.
    weight_violent: f64,
    weight_crowd: f64,
}

/// The places, classified and ready to be drawn from.
pub(crate) struct Geography<'a> {
    pub sites: Vec<Site<'a>>,
    /// Per zone: site indices and cumulative violent weights.
    by_zone: [Cumulative; 5],
    all_violent: Cumulative,
    all_crowd: Cumulative,
}

/// Cumulative weights over a list of site indices, for drawing one.
#[derive(Default)]
struct Cumulative {
    sites: Vec<usize>,
    cumulative: Vec<f64>,
}

impl Cumulative {
    fn push(&mut self, site: usize, weight: f64) {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        self.sites.push(site);
        self.cumulative.push(total + weight);
    }

    fn total(&self) -> f64 {
        self.cumulative.last().copied().unwrap_or(0.0)
    }

    fn draw(&self, rng: &mut impl Rng) -> usize {
        let x = rng.random::<f64>() * self.total();
        let i = self.cumulative.partition_point(|&c| c <= x);
        self.sites[i.min(self.sites.len() - 1)]
    }
}

/// The coastal borders and all shared borders, indexed for exact geodesic distances.
struct Borders {
    coastal: PolylineIndex,
    all: PolylineIndex,
}

impl Borders {
    fn embedded() -> Borders {
        let fc: geojson::FeatureCollection = BORDERS_GEOJSON
            .parse()
            .expect("embedded border lines are valid GeoJSON");
        let (mut coastal, mut all) = (Vec::new(), Vec::new());
        for f in fc.features {
            let neighbour = f
                .property("a3_right")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned();
            let geometry = f.geometry.expect("border feature has a geometry");
            let line: LineString<f64> = geometry.value.try_into().expect("border is a LineString");
            if COASTAL_NEIGHBOURS.contains(&neighbour.as_str()) {
                coastal.push(line.clone());
            }
            all.push(line);
        }
        let index = |lines| PolylineIndex::new(&MultiLineString::new(lines)).expect("border lines");
        Borders {
            coastal: index(coastal),
            all: index(all),
        }
    }
}

/// Geodesic distance (km) from (`lon`, `lat`) to the nearest point of `lines`.
fn distance_to_lines(lon: f64, lat: f64, lines: &PolylineIndex) -> f64 {
    LonLat::new(lon, lat).map_or(f64::INFINITY, |p| lines.nearest(p).distance.get())
}

fn km_to_bamako(lon: f64, lat: f64) -> f64 {
    match (LonLat::new(lon, lat), LonLat::new(BAMAKO.0, BAMAKO.1)) {
        (Some(p), Some(b)) => geodesy::distance(p, b).get(),
        _ => f64::INFINITY,
    }
}

/// Region class of an admin1 name (old and 2023 regions), if known.
fn region_zone(admin1: &str) -> Option<Zone> {
    let name: String = admin1
        .to_lowercase()
        .replace(['é', 'è'], "e")
        .replace('ï', "i");
    match name.trim() {
        "kidal" | "gao" | "tombouctou" | "timbuktu" | "menaka" | "taoudenit" | "taoudeni" => {
            Some(Zone::North)
        }
        "mopti" | "segou" | "san" | "bandiagara" | "douentza" => Some(Zone::Centre),
        "kayes" | "koulikoro" | "koulikouro" | "sikasso" | "bamako" | "kita" | "nioro" | "nara"
        | "dioila" | "bougouni" | "koutiala" => Some(Zone::South),
        _ => None,
    }
}

/// Region class from the position, for places without a known admin1.
fn position_zone(lon: f64, lat: f64) -> Zone {
    if lat >= 15.8 || lon >= -1.5 {
        Zone::North
    } else if lat >= 13.0 && lon >= -6.9 {
        Zone::Centre
    } else {
        Zone::South
    }
}

/// Zone of a position, with distances to the coastal borders and to Bamako.
fn zone_at(lon: f64, lat: f64, admin1: &str, borders: &Borders) -> (Zone, f64, f64) {
    let border_km = distance_to_lines(lon, lat, &borders.coastal);
    let bamako_km = km_to_bamako(lon, lat);
    let zone = if border_km <= BORDER_KM {
        Zone::Border
    } else if bamako_km <= RING_KM {
        Zone::BamakoRing
    } else {
        region_zone(admin1).unwrap_or_else(|| position_zone(lon, lat))
    };
    (zone, border_km, bamako_km)
}

impl<'a> Geography<'a> {
    pub(crate) fn new(places: &'a [SamplePlace]) -> Geography<'a> {
        let borders = Borders::embedded();
        let centres = region_centres(places);
        let mut sites = Vec::with_capacity(places.len());
        for place in places {
            let (zone, border_km, bamako_km) =
                zone_at(place.lon, place.lat, &place.admin1, &borders);
            let any_border_km = distance_to_lines(place.lon, place.lat, &borders.all);
            let margin = (border_km - BORDER_KM)
                .abs()
                .min((bamako_km - RING_KM).abs())
                .min(any_border_km)
                - SAFETY_KM;
            let region_centre = centres
                .iter()
                .find(|(name, _)| *name == place.admin1)
                .map(|&(_, c)| c)
                .filter(|c| zone_at(c.0, c.1, &place.admin1, &borders).0 == zone);
            let pop = place.population as f64;
            sites.push(Site {
                place,
                zone,
                jitter_km: if margin < 3.0 {
                    0.0
                } else {
                    margin.min(MAX_JITTER_KM)
                },
                region_centre,
                weight_violent: (pop + 2000.0).powf(0.3),
                weight_crowd: pop + 3000.0,
            });
        }
        let mut by_zone: [Cumulative; 5] = Default::default();
        let (mut all_violent, mut all_crowd) = (Cumulative::default(), Cumulative::default());
        for (i, s) in sites.iter().enumerate() {
            by_zone[s.zone.index()].push(i, s.weight_violent);
            all_violent.push(i, s.weight_violent);
            all_crowd.push(i, s.weight_crowd);
        }
        Geography {
            sites,
            by_zone,
            all_violent,
            all_crowd,
        }
    }

    /// Zone weights with the empty zones removed; all zero when no zone has places.
    pub(crate) fn available(&self, weights: [f64; 5]) -> [f64; 5] {
        std::array::from_fn(|z| {
            if self.by_zone[z].sites.is_empty() {
                0.0
            } else {
                weights[z]
            }
        })
    }

    /// A site of `zone` weighted for violent events.
    pub(crate) fn draw_in(&self, zone: usize, rng: &mut impl Rng) -> usize {
        self.by_zone[zone].draw(rng)
    }

    /// A site anywhere: by population for crowds, else weighted as for violent events.
    pub(crate) fn draw_anywhere(&self, crowd: bool, rng: &mut impl Rng) -> usize {
        if crowd {
            self.all_crowd.draw(rng)
        } else {
            self.all_violent.draw(rng)
        }
    }
}

/// Centroid of the places of each admin1, in first-seen order (deterministic).
fn region_centres(places: &[SamplePlace]) -> Vec<(&str, (f64, f64))> {
    let mut sums: Vec<(&str, f64, f64, f64)> = Vec::new();
    for p in places.iter().filter(|p| !p.admin1.trim().is_empty()) {
        match sums.iter_mut().find(|s| s.0 == p.admin1) {
            Some(s) => {
                s.1 += p.lon;
                s.2 += p.lat;
                s.3 += 1.0;
            }
            None => sums.push((&p.admin1, p.lon, p.lat, 1.0)),
        }
    }
    sums.into_iter()
        .map(|(n, x, y, k)| (n, (x / k, y / k)))
        .collect()
}

/// Villages around each town that "near a town" events are placed at. ACLED geocodes
/// events to named places, so positions repeat across events; so do the sample's.
pub const VILLAGES_PER_SITE: usize = 24;

/// One of the site's [`VILLAGES_PER_SITE`] villages, at most `jitter_km` away: fixed
/// bearings and distances per village (spread by the golden angle), drawn at random.
pub(crate) fn jitter(site: &Site, rng: &mut impl Rng) -> (f64, f64) {
    let k = rng.random_range(0..VILLAGES_PER_SITE);
    let spread = (k as f64 * 0.618_033_988_75).fract();
    let km = (0.3 + 0.7 * spread) * site.jitter_km;
    let bearing = (k as f64 * 137.507_764) % 360.0;
    let Some(from) = LonLat::new(site.place.lon, site.place.lat) else {
        return (site.place.lon, site.place.lat);
    };
    let p = geodesy::destination(
        from,
        bearing,
        Km::new(km).unwrap_or(Km::new(0.0).expect("0 km")),
    );
    (p.lon(), p.lat())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(name: &str, lon: f64, lat: f64, admin1: &str) -> SamplePlace {
        SamplePlace {
            name: name.into(),
            lon,
            lat,
            admin1: admin1.into(),
            admin2: name.into(),
            population: 10_000,
        }
    }

    #[test]
    fn zones_follow_positions() {
        let places = [
            place("Kidal", 1.40921, 18.44345, "Kidal"),
            place("Mopti", -4.18296, 14.4843, "Mopti"),
            place("Kati", -8.07257, 12.74409, "Koulikoro"),
            place("Zégoua", -5.64943, 10.48804, "Sikasso"),
            place("Kangaba", -8.41667, 11.93333, "Koulikoro"),
            place("Koutiala", -5.46507, 12.38723, "Sikasso"),
            place("Abdel Begrou", -6.95056, 15.4975, ""),
        ];
        let geo = Geography::new(&places);
        let zones: Vec<Zone> = geo.sites.iter().map(|s| s.zone).collect();
        use Zone::*;
        assert_eq!(
            zones,
            [North, Centre, BamakoRing, Border, Border, South, Border]
        );
        // Zégoua is 5 km from Côte d'Ivoire: no room to jitter.
        assert_eq!(geo.sites[3].jitter_km, 0.0);
        assert!(geo.sites[0].jitter_km == MAX_JITTER_KM);
    }
}
