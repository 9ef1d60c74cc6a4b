//! The "distinct" sample shape: events on distinct coordinates, short rows, no notes.
//!
//! Real exports that are not geocoded to a few thousand towns (UCDP GED, jittered or
//! geocoded data, multi-country downloads) put almost every event on its own position.
//! This shape stands for them in tests and benchmarks: ten columns (about 120 bytes a
//! row), positions in Gaussian clusters around the study's towns plus a uniform
//! background over the towns' bounding box widened by [`MARGIN_DEG`] (so some events fall
//! in the neighbouring countries), written with 4 decimals. Years, kinds, actors, types
//! and fatalities follow the same story as the town-based shape.
//!
//! Determinism: one `ChaCha8Rng` seeded with the seed, drawn in a fixed order.

use std::io::{self, Write};

use chrono::{Datelike, Days};
use rand::Rng;
use rand_distr::StandardNormal;

use super::story::{self, Kind};
use super::{SampleOptions, SamplePlace, SampleStats, Start, draft};

/// The columns of the distinct shape (an ACLED monadic-style subset).
pub const HEADER: [&str; 10] = [
    "event_id_cnty",
    "event_date",
    "year",
    "event_type",
    "sub_event_type",
    "actor1",
    "admin1",
    "latitude",
    "longitude",
    "fatalities",
];

/// Share of events spread uniformly over the widened bounding box.
const BACKGROUND: f64 = 0.1;
/// Degrees added on each side of the towns' bounding box for the background.
const MARGIN_DEG: f64 = 2.0;
/// Cluster spreads (standard deviation, degrees of latitude) lie in this range.
const SIGMA_DEG: (f64, f64) = (0.1, 0.8);

/// Writes the header and `opts.rows` distinct-shape events to `w`.
pub fn write<W: Write>(
    w: W,
    places: &[SamplePlace],
    opts: &SampleOptions,
) -> io::Result<SampleStats> {
    let Start {
        years,
        counts,
        geo,
        mut rng,
        mut out,
    } = Start::new(w, places, opts, &HEADER)?;
    let bbox = Bbox::of(places);
    let mut stats = SampleStats::default();
    // Reused text buffers for one row: id, date, year, latitude, longitude, fatalities.
    let [
        mut id,
        mut date_s,
        mut year_s,
        mut lat_s,
        mut lon_s,
        mut dead,
    ]: [String; 6] = Default::default();
    for (&(year, first_day, days), &count) in years.iter().zip(&counts) {
        let kinds: Vec<(Kind, f64)> = Kind::ALL
            .iter()
            .copied()
            .zip(story::kind_weights(year))
            .collect();
        let mut offsets: Vec<u16> = (0..count).map(|_| rng.random_range(0..days)).collect();
        offsets.sort_unstable();
        for offset in offsets {
            use std::fmt::Write as _;
            let date = first_day + Days::new(u64::from(offset));
            let kind = super::pick(&mut rng, &kinds);
            let site =
                &geo.sites[geo.draw_anywhere(matches!(kind, Kind::Protest | Kind::Riot), &mut rng)];
            let d = draft::draft(kind, date, site.zone, &mut rng);
            let (lon, lat, admin1) = if rng.random::<f64>() < BACKGROUND {
                let (lon, lat) = bbox.uniform(&mut rng);
                (lon, lat, "")
            } else {
                let (lon, lat) = cluster_point(site.place, &mut rng);
                (lon, lat, site.place.admin1.as_str())
            };
            stats.rows += 1;
            for s in [
                &mut id,
                &mut date_s,
                &mut year_s,
                &mut lat_s,
                &mut lon_s,
                &mut dead,
            ] {
                s.clear();
            }
            let _ = write!(dead, "{}", d.fatalities);
            let _ = write!(id, "MLI{}", stats.rows);
            let _ = write!(date_s, "{}", date.format("%Y-%m-%d"));
            let _ = write!(year_s, "{}", date.year());
            let _ = write!(lat_s, "{lat:.4}");
            let _ = write!(lon_s, "{lon:.4}");
            out.write_record([
                id.as_str(),
                &date_s,
                &year_s,
                d.event_type,
                d.sub_event_type,
                d.actor1.name,
                admin1,
                &lat_s,
                &lon_s,
                &dead,
            ])?;
        }
        stats.by_year.insert(year, count);
    }
    out.flush()?;
    Ok(stats)
}

/// A point of the town's cluster: a Gaussian around the town whose spread is fixed per
/// town (from its position, so it does not depend on the draw order), in degrees of
/// latitude, with longitudes widened by 1/cos(latitude) to keep the cluster round.
fn cluster_point(town: &SamplePlace, rng: &mut impl Rng) -> (f64, f64) {
    let key = (town.lon * 7.31 + town.lat * 3.17).abs();
    let spread = (key * 0.618_033_988_75).fract();
    let sigma = SIGMA_DEG.0 + (SIGMA_DEG.1 - SIGMA_DEG.0) * spread * spread;
    let dy: f64 = rng.sample(StandardNormal);
    let dx: f64 = rng.sample(StandardNormal);
    let lat = (town.lat + sigma * dy).clamp(-89.0, 89.0);
    let lon = town.lon + sigma * dx / lat.to_radians().cos();
    (lon.clamp(-180.0, 180.0), lat)
}

/// The towns' bounding box widened by [`MARGIN_DEG`].
struct Bbox {
    west: f64,
    south: f64,
    east: f64,
    north: f64,
}

impl Bbox {
    fn of(places: &[SamplePlace]) -> Bbox {
        let fold = |f: fn(&SamplePlace) -> f64, pick: fn(f64, f64) -> f64, start: f64| {
            places.iter().map(f).fold(start, pick)
        };
        Bbox {
            west: (fold(|p| p.lon, f64::min, f64::INFINITY) - MARGIN_DEG).max(-180.0),
            south: (fold(|p| p.lat, f64::min, f64::INFINITY) - MARGIN_DEG).max(-89.0),
            east: (fold(|p| p.lon, f64::max, f64::NEG_INFINITY) + MARGIN_DEG).min(180.0),
            north: (fold(|p| p.lat, f64::max, f64::NEG_INFINITY) + MARGIN_DEG).min(89.0),
        }
    }

    fn uniform(&self, rng: &mut impl Rng) -> (f64, f64) {
        (
            rng.random_range(self.west..=self.east),
            rng.random_range(self.south..=self.north),
        )
    }
}
