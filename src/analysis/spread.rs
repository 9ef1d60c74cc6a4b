//! Spread analysis: how far events are from a centre (a ring's centre, e.g. Bamako) or
//! from the study's borders, year by year. Events are counted in distance bands and
//! summarised per year by the median and 10th-percentile distance and the share within
//! given distances, so that an advance shows as numbers, not only as heatmaps.
//!
//! Everything here works on distances already measured (WGS84 geodesic, see
//! [`super::zones::distances`]); this module only sorts them into bands and quantiles.

use std::ops::RangeInclusive;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::units::Km;

/// Distance bands given by their edges: 0 = e0 < e1 < … < en, giving the bands
/// [e0, e1], (e1, e2], …, (e(n-1), en] and (en, ∞). A distance exactly on an edge belongs
/// to the nearer band, as a point exactly at a zone's threshold is inside the zone
/// ([`profile`] compares distances rounded to the metre: [`to_the_metre`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Bands {
    edges: Vec<Km>,
}

impl Bands {
    /// Bands from their edges in km; the first must be 0 and they must increase.
    pub fn new(edges: &[f64]) -> Result<Bands> {
        let bad = |why: &str| {
            Error::Usage(format!(
                "distance bands {}: {why}",
                edges
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ))
        };
        if edges.len() < 2 {
            return Err(bad("give at least two edges, e.g. 0,50"));
        }
        if edges[0] != 0.0 {
            return Err(bad("the first edge must be 0"));
        }
        let edges: Vec<Km> = edges
            .iter()
            .map(|e| Km::new(*e).ok_or_else(|| bad(&format!("{e} is not a distance in km"))))
            .collect::<Result<_>>()?;
        if edges.windows(2).any(|w| w[0] >= w[1]) {
            return Err(bad("edges must increase"));
        }
        Ok(Bands { edges })
    }

    /// Parses "0,50,100,150" (km).
    pub fn parse(s: &str) -> Result<Bands> {
        let edges = s
            .split(',')
            .map(|t| {
                t.trim().parse::<f64>().map_err(|_| {
                    Error::Usage(format!(
                        "distance bands \"{s}\": \"{}\" is not a number of km",
                        t.trim()
                    ))
                })
            })
            .collect::<Result<Vec<f64>>>()?;
        Bands::new(&edges)
    }

    /// 0-50-100-150-200-300-500-∞ km: distance to a centre.
    pub fn centre_default() -> Bands {
        Bands::new(&[0.0, 50.0, 100.0, 150.0, 200.0, 300.0, 500.0]).expect("valid edges")
    }

    /// 0-25-50-100-200-∞ km: distance to a border, inside the country.
    pub fn border_default() -> Bands {
        Bands::new(&[0.0, 25.0, 50.0, 100.0, 200.0]).expect("valid edges")
    }

    /// Number of bands (the last one open).
    pub fn len(&self) -> usize {
        self.edges.len()
    }

    /// Never empty: there are at least two edges.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Band `i`: its lower edge and its upper edge (`None`: unbounded).
    pub fn range(&self, i: usize) -> (Km, Option<Km>) {
        (self.edges[i], self.edges.get(i + 1).copied())
    }

    /// "0–50 km", "500 km and more".
    pub fn label(&self, i: usize) -> String {
        match self.range(i) {
            (a, Some(b)) => format!("{}–{} km", a.get(), b.get()),
            (a, None) => format!("over {} km", a.get()),
        }
    }

    /// The band of a distance.
    pub fn index(&self, d: Km) -> usize {
        // The first upper edge at or beyond d; past the last edge: the open band.
        self.edges[1..]
            .iter()
            .position(|e| d <= *e)
            .unwrap_or(self.edges.len() - 1)
    }
}

/// One counted event: its year, which of the profile's categories it is in (bit i:
/// category i), its distance and deaths.
#[derive(Debug, Clone, Copy)]
pub struct Observation {
    pub year: i32,
    pub categories: u64,
    pub distance: Km,
    pub fatalities: u32,
}

/// Events and deaths of one category in one band and year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandCount {
    pub band_from_km: f64,
    /// `None`: the open last band.
    pub band_to_km: Option<f64>,
    pub category_id: String,
    pub year: i32,
    pub events: u64,
    pub fatalities: u64,
}

/// The share of a year's events within a distance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub within_km: f64,
    /// 0..=1; `None` in a year without events.
    pub share: Option<f64>,
}

/// One category's distances in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearStats {
    pub category_id: String,
    pub year: i32,
    pub events: u64,
    pub fatalities: u64,
    /// Median distance (km); `None` without events.
    pub median_km: Option<f64>,
    /// 10th-percentile distance (km): a tenth of the events were at most this close.
    pub p10_km: Option<f64>,
    pub shares: Vec<Share>,
}

/// Distance profile to one target (a centre, a neighbour's border, all borders).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    /// The target's id (the ring's zone id, a neighbour's ISO3 code, or "all").
    pub id: String,
    /// What the distance is to ("Bamako", "the border with Guinea").
    pub to: String,
    /// Per band, category and year (bands outermost, then categories, then years).
    pub bands: Vec<BandCount>,
    /// Per category and year.
    pub years: Vec<YearStats>,
}

/// What to count: the categories (ids, bit i of an observation's mask is category i),
/// the years, the bands and the distances for the shares.
pub struct ProfileSpec<'a> {
    pub categories: &'a [String],
    pub years: RangeInclusive<i32>,
    pub bands: &'a Bands,
    pub within: &'a [Km],
}

/// The distance profile of `obs` (observations outside the years are ignored).
pub fn profile(id: &str, to: &str, obs: &[Observation], spec: &ProfileSpec) -> Profile {
    let years: Vec<i32> = spec.years.clone().collect();
    let (ny, nc, nb) = (years.len(), spec.categories.len(), spec.bands.len());
    let first = *spec.years.start();
    // counts[(band * nc + category) * ny + year]
    let mut counts = vec![(0u64, 0u64); nb * nc * ny];
    let mut dists: Vec<Vec<f64>> = vec![Vec::new(); nc * ny];
    let mut deaths = vec![0u64; nc * ny];
    for o in obs.iter().filter(|o| spec.years.contains(&o.year)) {
        let y = (o.year - first) as usize;
        let distance = to_the_metre(o.distance);
        let b = spec.bands.index(distance);
        for c in (0..nc).filter(|c| o.categories & (1 << c) != 0) {
            let cell = &mut counts[(b * nc + c) * ny + y];
            cell.0 += 1;
            cell.1 += u64::from(o.fatalities);
            dists[c * ny + y].push(distance.get());
            deaths[c * ny + y] += u64::from(o.fatalities);
        }
    }
    let mut bands = Vec::with_capacity(nb * nc * ny);
    for b in 0..nb {
        let (from, to) = spec.bands.range(b);
        for (c, cat) in spec.categories.iter().enumerate() {
            for (y, year) in years.iter().enumerate() {
                let (events, fatalities) = counts[(b * nc + c) * ny + y];
                bands.push(BandCount {
                    band_from_km: from.get(),
                    band_to_km: to.map(Km::get),
                    category_id: cat.clone(),
                    year: *year,
                    events,
                    fatalities,
                });
            }
        }
    }
    let mut stats = Vec::with_capacity(nc * ny);
    for (c, cat) in spec.categories.iter().enumerate() {
        for (y, year) in years.iter().enumerate() {
            let d = &mut dists[c * ny + y];
            d.sort_by(f64::total_cmp);
            let n = d.len();
            stats.push(YearStats {
                category_id: cat.clone(),
                year: *year,
                events: n as u64,
                fatalities: deaths[c * ny + y],
                median_km: quantile(d, 0.5),
                p10_km: quantile(d, 0.1),
                shares: spec
                    .within
                    .iter()
                    .map(|w| Share {
                        within_km: w.get(),
                        share: (n > 0)
                            .then(|| d.partition_point(|x| *x <= w.get()) as f64 / n as f64),
                    })
                    .collect(),
            });
        }
    }
    Profile {
        id: id.to_string(),
        to: to.to_string(),
        bands,
        years: stats,
    }
}

/// A distance rounded to the metre. Bands and shares use it, so that a point placed at a
/// band edge is on the edge although the direct and inverse geodesic solutions round-trip
/// only to within a few nanometres; coordinates (4 decimals in ACLED, ~11 m) carry no
/// more precision anyway.
pub fn to_the_metre(d: Km) -> Km {
    Km::new((d.get() * 1000.0).round() / 1000.0).expect("a rounded distance is a distance")
}

/// The `q` quantile (0..=1) of sorted values, interpolated linearly between the two
/// nearest ranks (Hyndman & Fan type 7, the default of R, NumPy and spreadsheets), so a
/// median of an even count is the mean of the middle two. `None` for no values.
/// Written here: a dozen lines, and the crates that offer it bring whole statistics
/// stacks.
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * q.clamp(0.0, 1.0);
    let (lo, frac) = (h.floor() as usize, h - h.floor());
    let hi = (lo + 1).min(last);
    Some(sorted[lo] + frac * (sorted[hi] - sorted[lo]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::geodesy;
    use crate::units::LonLat;

    fn km(v: f64) -> Km {
        Km::new(v).unwrap()
    }

    #[test]
    fn bands_parse_and_reject() {
        let b = Bands::parse("0, 50,100").unwrap();
        assert_eq!(b.len(), 3);
        assert_eq!(b.range(2), (km(100.0), None));
        assert_eq!(b.label(0), "0–50 km");
        assert_eq!(b.label(2), "over 100 km");
        for bad in ["", "50,100", "0", "0,50,50", "0,x", "0,-5", "0,100,50"] {
            assert!(Bands::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn edges_belong_to_the_nearer_band() {
        let b = Bands::centre_default();
        assert_eq!(b.index(km(0.0)), 0);
        assert_eq!(b.index(km(50.0)), 0);
        assert_eq!(b.index(km(50.000_001)), 1);
        assert_eq!(b.index(km(500.0)), 5);
        assert_eq!(b.index(km(9000.0)), 6);
    }

    #[test]
    fn events_at_known_geodesic_distances_land_in_their_bands() {
        let bamako = LonLat::new(-8.0029, 12.6392).unwrap();
        let cats = vec!["a".to_string()];
        let bands = Bands::centre_default();
        let within = [km(150.0)];
        let spec = ProfileSpec {
            categories: &cats,
            years: 2020..=2020,
            bands: &bands,
            within: &within,
        };
        // Placed with the direct solution at several bearings, measured back with the
        // inverse one (as the product measures them).
        let mut obs = Vec::new();
        for (i, d) in [49.9, 50.0, 50.1, 149.9, 150.1].into_iter().enumerate() {
            let p = geodesy::destination(bamako, 37.0 * i as f64, km(d));
            obs.push(Observation {
                year: 2020,
                categories: 1,
                distance: geodesy::distance(bamako, p),
                fatalities: i as u32,
            });
        }
        let p = profile("bamako", "Bamako", &obs, &spec);
        let events: Vec<u64> = p.bands.iter().map(|b| b.events).collect();
        // 49.9 and 50.0 in 0–50 (the edge is the nearer band's), 50.1 in 50–100, 149.9
        // in 100–150, 150.1 in 150–200.
        assert_eq!(events[0], 2, "49.9 and 50.0 km");
        assert_eq!(events[1], 1, "50.1 km");
        assert_eq!(events[2], 1, "149.9 km");
        assert_eq!(events[3], 1, "150.1 km");
        assert_eq!(events[4..].iter().sum::<u64>(), 0);
        let mut obs_off = obs.clone();
        // Move the 50.0 km event a metre out: it changes band.
        obs_off[1].distance = km(50.001);
        let p2 = profile("bamako", "Bamako", &obs_off, &spec);
        assert_eq!(p2.bands[0].events, 1);
        assert_eq!(p2.bands[1].events, 2);
        let y = &p.years[0];
        assert_eq!(y.events, 5);
        assert_eq!(y.fatalities, 10);
        assert!((y.median_km.unwrap() - 50.1).abs() < 1e-6);
        assert!((y.shares[0].share.unwrap() - 0.8).abs() < 1e-12);
    }

    #[test]
    fn categories_and_years_are_kept_apart() {
        let cats = vec!["a".to_string(), "b".to_string()];
        let bands = Bands::new(&[0.0, 100.0]).unwrap();
        let spec = ProfileSpec {
            categories: &cats,
            years: 2019..=2021,
            bands: &bands,
            within: &[],
        };
        let o = |year, categories, d| Observation {
            year,
            categories,
            distance: km(d),
            fatalities: 2,
        };
        let obs = [
            o(2019, 0b01, 10.0),
            o(2021, 0b11, 200.0),
            o(2022, 0b11, 1.0),
        ];
        let p = profile("x", "X", &obs, &spec);
        assert_eq!(p.bands.len(), 2 * 2 * 3);
        let total: u64 = p.bands.iter().map(|b| b.events).sum();
        assert_eq!(total, 3, "2022 is outside the years");
        let get = |from: f64, cat: &str, year| {
            p.bands
                .iter()
                .find(|b| b.band_from_km == from && b.category_id == cat && b.year == year)
                .unwrap()
                .events
        };
        assert_eq!(get(0.0, "a", 2019), 1);
        assert_eq!(get(100.0, "a", 2021), 1);
        assert_eq!(get(100.0, "b", 2021), 1);
        assert_eq!(get(0.0, "b", 2019), 0);
        let empty = p
            .years
            .iter()
            .find(|y| y.year == 2020 && y.category_id == "a")
            .unwrap();
        assert_eq!((empty.events, empty.median_km), (0, None));
    }

    #[test]
    fn quantiles_interpolate_between_ranks() {
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&[7.0], 0.1), Some(7.0));
        assert_eq!(quantile(&[1.0, 3.0], 0.5), Some(2.0));
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.5), Some(3.0));
        // Type 7: h = (n - 1) q = 0.4 → 10 + 0.4 × 10.
        assert_eq!(quantile(&[10.0, 20.0, 30.0, 40.0, 50.0], 0.1), Some(14.0));
    }
}
