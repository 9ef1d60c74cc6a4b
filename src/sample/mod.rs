//! The synthetic sample: a deterministic generator of ACLED-format (current 31-column
//! export) CSV for Mali, for demos, tests and benchmarks. ACLED rows may not be
//! redistributed, so the project ships this instead.
//!
//! The sample tells the story of the ACSS report (Sept 2024): violence in the north from
//! 2012, in the centre from 2015, and toward Bamako and the southern borders from 2020
//! (see [`story`] for the numbers). Real group names are used as actors; events, places
//! and texts are invented.
//!
//! Determinism: one `ChaCha8Rng` seeded with `seed` drives everything, in a fixed order;
//! no clock, no hash-map order. The same seed, places and options give the same bytes.

mod actors;
mod distinct;
mod draft;
mod geography;
mod story;
#[cfg(test)]
mod tests;
mod text;

use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::{Datelike, Days, NaiveDate};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use geography::{Geography, Site};
use story::Kind;

/// The 31 columns of ACLED's current export, in order (DOMAIN.md).
pub const HEADER: [&str; 31] = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
];

/// A town events can happen at (built by the caller from the boundaries model).
#[derive(Debug, Clone, PartialEq)]
pub struct SamplePlace {
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    /// Region (ADM1) name, e.g. "Koulikoro"; may be empty when unknown.
    pub admin1: String,
    /// Cercle (ADM2) name; may be empty.
    pub admin2: String,
    pub population: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleOptions {
    /// Exact number of data rows.
    pub rows: u64,
    pub seed: u64,
    pub first_year: i32,
    pub last_year: i32,
    /// Last day of data in `last_year` (a partial year, like the ACSS report's data cut);
    /// `None`: the whole of `last_year`.
    pub last_date: Option<NaiveDate>,
    pub shape: Shape,
}

/// What the rows look like.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Shape {
    /// ACLED's 31 columns with notes and sources; events on a few thousand town and
    /// village positions, as ACLED geocodes them.
    #[default]
    Towns,
    /// Ten short columns, no notes; almost every event on its own position (Gaussian
    /// clusters around the towns plus a background over the country and its
    /// surroundings), as in UCDP GED, jittered or multi-country data.
    Distinct,
}

impl Shape {
    /// The name used on the command line and in file names.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Towns => "towns",
            Shape::Distinct => "distinct",
        }
    }
}

impl Default for SampleOptions {
    /// 8,000 rows, seed 42, 2012 to 13 September 2024, town-based rows.
    fn default() -> Self {
        SampleOptions {
            rows: 8_000,
            seed: 42,
            first_year: 2012,
            last_year: 2024,
            last_date: NaiveDate::from_ymd_opt(2024, 9, 13),
            shape: Shape::Towns,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SampleStats {
    pub rows: u64,
    pub by_year: BTreeMap<i32, u64>,
}

/// Writes the header and `opts.rows` events as ACLED CSV to `w`, in `opts.shape`.
pub fn write_sample<W: Write>(
    w: W,
    places: &[SamplePlace],
    opts: &SampleOptions,
) -> io::Result<SampleStats> {
    match opts.shape {
        Shape::Towns => write_towns(w, places, opts),
        Shape::Distinct => distinct::write(w, places, opts),
    }
}

/// The town-based shape: ACLED's 31 columns.
fn write_towns<W: Write>(
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
    let mut row = RowWriter::default();
    let mut stats = SampleStats::default();
    for (&(year, first_day, days), &count) in years.iter().zip(&counts) {
        let slots = year_slots(year, count, &geo, &mut rng);
        let mut offsets: Vec<u16> = (0..count).map(|_| rng.random_range(0..days)).collect();
        offsets.sort_unstable();
        for (offset, slot) in offsets.into_iter().zip(slots) {
            let date = first_day + Days::new(u64::from(offset));
            stats.rows += 1;
            row.write(&mut out, stats.rows, date, slot, &geo, &mut rng)?;
        }
        stats.by_year.insert(year, count);
    }
    out.flush()?;
    Ok(stats)
}

/// What every shape starts from: the years and their rows, the places' geography, the
/// generator seeded from the options, and a CSV writer that has written the header.
pub(crate) struct Start<'p, W: Write> {
    pub years: Vec<(i32, NaiveDate, u16)>,
    pub counts: Vec<u64>,
    pub geo: Geography<'p>,
    pub rng: ChaCha8Rng,
    pub out: csv::Writer<io::BufWriter<W>>,
}

impl<'p, W: Write> Start<'p, W> {
    pub fn new(
        w: W,
        places: &'p [SamplePlace],
        opts: &SampleOptions,
        header: &[&str],
    ) -> io::Result<Self> {
        let years = year_spans(opts, places)?;
        let counts = allocate_rows(opts.rows, &years);
        let mut out = csv::WriterBuilder::new()
            .buffer_capacity(1 << 16)
            .from_writer(io::BufWriter::with_capacity(1 << 16, w));
        out.write_record(header)?;
        Ok(Start {
            years,
            counts,
            geo: Geography::new(places),
            rng: ChaCha8Rng::seed_from_u64(opts.seed),
            out,
        })
    }
}

/// (year, first day, number of days covered) for each year of the options.
fn year_spans(
    opts: &SampleOptions,
    places: &[SamplePlace],
) -> io::Result<Vec<(i32, NaiveDate, u16)>> {
    let invalid = |m: String| io::Error::new(io::ErrorKind::InvalidInput, m);
    if places.is_empty() {
        return Err(invalid("the sample needs at least one place".into()));
    }
    if let Some(p) = places
        .iter()
        .find(|p| crate::units::LonLat::new(p.lon, p.lat).is_none())
    {
        return Err(invalid(format!(
            "place {:?} has an invalid position",
            p.name
        )));
    }
    if opts.first_year > opts.last_year {
        return Err(invalid(format!(
            "first year {} is after last year {}",
            opts.first_year, opts.last_year
        )));
    }
    if let Some(d) = opts.last_date.filter(|d| d.year() != opts.last_year) {
        return Err(invalid(format!(
            "last date {d} is not in the last year {}",
            opts.last_year
        )));
    }
    (opts.first_year..=opts.last_year)
        .map(|year| {
            let first = NaiveDate::from_ymd_opt(year, 1, 1)
                .ok_or_else(|| invalid(format!("year {year} out of range")))?;
            let last = match opts.last_date {
                Some(d) if year == opts.last_year => d,
                _ => NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(first),
            };
            Ok((year, first, (last - first).num_days() as u16 + 1))
        })
        .collect()
}

/// Rows per year: proportional to the story's yearly volume times the share of the year
/// covered, rounded by largest remainder so they sum to `rows` exactly.
fn allocate_rows(rows: u64, years: &[(i32, NaiveDate, u16)]) -> Vec<u64> {
    let weights: Vec<f64> = years
        .iter()
        .map(|&(y, first, days)| {
            let in_year = if first.leap_year() { 366.0 } else { 365.0 };
            story::volume(y) * f64::from(days) / in_year
        })
        .collect();
    let total: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| rows as f64 * w / total).collect();
    let mut counts: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let mut order: Vec<usize> = (0..years.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    let missing = rows - counts.iter().sum::<u64>();
    for &i in order.iter().cycle().take(missing as usize) {
        counts[i] += 1;
    }
    counts
}

/// What one event of the year is: its kind and zone (`None`: anywhere, by population).
#[derive(Debug, Clone, Copy)]
struct Slot {
    kind: Kind,
    zone: Option<usize>,
}

/// The year's events as (kind, zone) slots in random order. Counts per kind and per zone
/// are the story's expectations rounded up or down (systematic sampling), so even a
/// small sample tells the story at any seed; only their order and dates are random.
fn year_slots(year: i32, count: u64, geo: &Geography, rng: &mut ChaCha8Rng) -> Vec<Slot> {
    let mut slots = Vec::with_capacity(count as usize);
    let kinds = systematic(count, &story::kind_weights(year), rng.random());
    for (k, &n) in kinds.iter().enumerate() {
        let kind = Kind::ALL[k];
        let zones = story::zone_weights(kind, year)
            .map(|w| geo.available(w))
            .filter(|w| w.iter().sum::<f64>() > 0.0);
        match zones {
            None => slots.extend((0..n).map(|_| Slot { kind, zone: None })),
            Some(w) => {
                for (z, &m) in systematic(n, &w, rng.random()).iter().enumerate() {
                    slots.extend((0..m).map(|_| Slot {
                        kind,
                        zone: Some(z),
                    }));
                }
            }
        }
    }
    slots.shuffle(rng);
    slots
}

/// Splits `n` in proportion to `weights`: each part is its expectation rounded down or
/// up, the parts sum to `n`, and `u` in [0, 1) decides which round up.
fn systematic(n: u64, weights: &[f64], u: f64) -> Vec<u64> {
    let total: f64 = weights.iter().sum();
    let mut cumulative = 0.0;
    let mut before = 0u64;
    weights
        .iter()
        .map(|w| {
            cumulative += n as f64 * w / total;
            let upto = ((cumulative + u).floor() as u64).min(n);
            let part = upto - before;
            before = upto;
            part
        })
        .collect()
}

/// Draws one value of a weighted table.
pub(crate) fn pick<T: Copy>(rng: &mut impl Rng, table: &[(T, f64)]) -> T {
    let total: f64 = table.iter().map(|t| t.1).sum();
    let mut x = rng.random::<f64>() * total;
    for &(value, w) in table {
        if x < w {
            return value;
        }
        x -= w;
    }
    table[table.len() - 1].0
}

/// Reused text buffers for one row.
#[derive(Default)]
struct RowWriter {
    id: String,
    date: String,
    year: String,
    lat: String,
    lon: String,
    interaction: String,
    source: String,
    scale: String,
    notes: String,
    fatalities: String,
    tags: String,
    timestamp: String,
}

impl RowWriter {
    fn write<W: Write>(
        &mut self,
        out: &mut csv::Writer<W>,
        n: u64,
        date: NaiveDate,
        slot: Slot,
        geo: &Geography,
        rng: &mut ChaCha8Rng,
    ) -> io::Result<()> {
        use std::fmt::Write as _;
        let kind = slot.kind;
        let site = match slot.zone {
            Some(zone) => geo.draw_in(zone, rng),
            None => geo.draw_anywhere(matches!(kind, Kind::Protest | Kind::Riot), rng),
        };
        let site: &Site = &geo.sites[site];
        let d = draft::draft(kind, date, site.zone, rng);
        let (precision, (lon, lat)) = position(site, rng);
        let p = site.place;
        let (admin2, admin3, location) = match precision {
            3 => ("", "", p.admin1.as_str()),
            _ => (p.admin2.as_str(), p.name.as_str(), p.name.as_str()),
        };
        let crowd = if d.event_type == "Protests" {
            text::crowd_size(rng)
        } else {
            String::new()
        };
        let at = text::Where {
            location,
            admin2,
            admin1: &p.admin1,
            near: precision == 2,
        };
        text::notes(&mut self.notes, &d, date, &at, &crowd, rng);
        text::sources(&mut self.source, &mut self.scale, rng);
        let time_precision = pick(rng, &[("1", 0.85), ("2", 0.12), ("3", 0.03)]);
        let uploaded = rng.random_range(1..=21) * 86_400 + rng.random_range(0..86_400);
        let midnight = date
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .timestamp();

        for b in [
            &mut self.id,
            &mut self.date,
            &mut self.year,
            &mut self.lat,
            &mut self.lon,
            &mut self.fatalities,
            &mut self.tags,
            &mut self.timestamp,
        ] {
            b.clear();
        }
        let _ = write!(self.id, "MLI{n}");
        let _ = write!(self.date, "{}", date.format("%Y-%m-%d"));
        let _ = write!(self.year, "{}", date.year());
        let _ = write!(self.lat, "{lat:.4}");
        let _ = write!(self.lon, "{lon:.4}");
        let _ = write!(self.fatalities, "{}", d.fatalities);
        let _ = write!(self.timestamp, "{}", midnight + uploaded);
        if !crowd.is_empty() {
            let _ = write!(self.tags, "crowd size={crowd}");
        }
        self.interaction = actors::interaction(d.actor1.inter, d.actor2.map(|a| a.inter));
        let a2 = d.actor2.map_or("", |a| a.name);
        let inter2 = d.actor2.map_or("", |a| a.inter.label());
        let precision_text = ["1", "2", "3"][usize::from(precision - 1)];
        out.write_record([
            self.id.as_str(),
            &self.date,
            &self.year,
            time_precision,
            d.disorder_type,
            d.event_type,
            d.sub_event_type,
            d.actor1.name,
            d.assoc1,
            d.actor1.inter.label(),
            a2,
            d.assoc2,
            inter2,
            &self.interaction,
            if d.civilian_targeting {
                "Civilian targeting"
            } else {
                ""
            },
            "466",
            "Western Africa",
            "Mali",
            &p.admin1,
            admin2,
            admin3,
            location,
            &self.lat,
            &self.lon,
            precision_text,
            &self.source,
            &self.scale,
            &self.notes,
            &self.fatalities,
            &self.tags,
            &self.timestamp,
        ])?;
        Ok(())
    }
}

/// geo_precision and position: 1 the town, 2 near it (same zone), 3 the region centre.
fn position(site: &Site, rng: &mut impl Rng) -> (u8, (f64, f64)) {
    let wanted = pick(rng, &[(1u8, 0.62), (2, 0.31), (3, 0.07)]);
    match (wanted, site.region_centre) {
        (3, Some(centre)) => (3, centre),
        (2.., _) if site.jitter_km > 0.0 => (2, geography::jitter(site, rng)),
        _ => (1, (site.place.lon, site.place.lat)),
    }
}
