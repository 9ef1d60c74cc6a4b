//! What is in an event file: date range, counts by year, category and region, extent.
//! The content of `conflictmap inspect`.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::input::ReadSummary;
use crate::model::EventSet;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Count {
    pub events: u64,
    pub fatalities: u64,
}

impl Count {
    fn add(&mut self, fatalities: u32) {
        self.events += 1;
        self.fatalities += u64::from(fatalities);
    }

    fn merge(&mut self, other: Count) {
        self.events += other.events;
        self.fatalities += other.fatalities;
    }
}

/// The counts of a run of events: by year as runs of one year (events come mostly in
/// date order), by category and region, and their box.
struct Tally {
    total: Count,
    by_year: Vec<(i32, Count)>,
    by_cat: Vec<Count>,
    by_region: Vec<Count>,
    bbox: Option<Bbox>,
}

impl Tally {
    fn new(categories: usize, regions: usize) -> Self {
        Tally {
            total: Count::default(),
            by_year: Vec::new(),
            by_cat: vec![Count::default(); categories],
            by_region: vec![Count::default(); regions],
            bbox: None,
        }
    }

    /// The counts of this run followed by `later`.
    fn merge(mut self, later: Tally) -> Tally {
        self.total.merge(later.total);
        self.by_year.extend(later.by_year);
        for (a, b) in self.by_cat.iter_mut().zip(later.by_cat) {
            a.merge(b);
        }
        for (a, b) in self.by_region.iter_mut().zip(later.by_region) {
            a.merge(b);
        }
        self.bbox = match (self.bbox, later.bbox) {
            (Some([w, s, e, n]), Some([w2, s2, e2, n2])) => {
                Some([w.min(w2), s.min(s2), e.max(e2), n.max(n2)])
            }
            (a, b) => a.or(b),
        };
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Labelled {
    pub id: String,
    pub label: String,
    #[serde(flatten)]
    pub count: Count,
}

/// [west, south, east, north] in degrees.
pub type Bbox = [f64; 4];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    pub summary: ReadSummary,
    pub synthetic: bool,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
    pub total: Count,
    pub by_year: BTreeMap<i32, Count>,
    pub by_category: Vec<Labelled>,
    /// Regions in the boundaries' order, then events in no region.
    pub by_region: Vec<Labelled>,
    pub bbox: Option<Bbox>,
    /// Events kept because their source codes them as the study country though they lie
    /// outside its outline (border towns past a generalised line), file order.
    pub kept_by_code: Vec<KeptByCode>,
}

/// An event kept by its country code, outside the outline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeptByCode {
    pub event_id: String,
    pub date: NaiveDate,
    pub location: String,
    pub lon: f64,
    pub lat: f64,
    /// Geodesic distance to the outline, km (`None`: farther than the search reaches).
    pub km_outside: Option<f64>,
    /// Line of the (first) row in the file.
    pub source_line: u64,
}

/// How many of [`Overview::kept_by_code`] the text listing shows (JSON has them all).
const KEPT_BY_CODE_SHOWN: usize = 50;

/// Inputs that name things: categories (id, label) and region names, in the order of
/// the bits / indices used by `classes` and `regions`.
pub struct Names<'a> {
    pub categories: &'a [(String, String)],
    pub regions: &'a [String],
}

impl Overview {
    /// `classes(i)`: the category bits of event i; `regions(i)`: its region index.
    pub fn build(
        summary: ReadSummary,
        synthetic: bool,
        events: &EventSet,
        classes: impl Fn(usize) -> u64 + Sync,
        regions: impl Fn(usize) -> Option<usize> + Sync,
        names: &Names,
    ) -> Overview {
        // Counted in chunks on all cores, then the chunks' counts summed.
        const CHUNK: usize = 1 << 16;
        let tally = |start: usize, chunk: &[crate::model::Event]| {
            let mut t = Tally::new(names.categories.len(), names.regions.len() + 1);
            for (k, e) in chunk.iter().enumerate() {
                let i = start + k;
                t.total.add(e.fatalities);
                let year = e.year();
                match t.by_year.last_mut() {
                    Some((y, count)) if *y == year => count.add(e.fatalities),
                    _ => {
                        let mut count = Count::default();
                        count.add(e.fatalities);
                        t.by_year.push((year, count));
                    }
                }
                let bits = classes(i);
                for (c, count) in t.by_cat.iter_mut().enumerate() {
                    if bits & (1 << c) != 0 {
                        count.add(e.fatalities);
                    }
                }
                let r = regions(i).unwrap_or(names.regions.len());
                t.by_region[r].add(e.fatalities);
                let (x, y) = (e.lon(), e.lat());
                t.bbox = Some(match t.bbox {
                    None => [x, y, x, y],
                    Some([w, s, ea, n]) => [w.min(x), s.min(y), ea.max(x), n.max(y)],
                });
            }
            t
        };
        let t = events
            .events
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| tally(c * CHUNK, chunk))
            .reduce(
                || Tally::new(names.categories.len(), names.regions.len() + 1),
                Tally::merge,
            );
        let (total, by_cat, by_region, bbox) = (t.total, t.by_cat, t.by_region, t.bbox);
        let mut by_year: BTreeMap<i32, Count> = BTreeMap::new();
        for (year, count) in t.by_year {
            by_year.entry(year).or_default().merge(count);
        }
        // Every year between the first and the last is listed, with zeros.
        if let (Some(first), Some(last)) = (
            by_year.keys().next().copied(),
            by_year.keys().last().copied(),
        ) {
            for y in first..=last {
                by_year.entry(y).or_default();
            }
        }
        let (first_date, last_date) = events.date_range().unzip();
        let by_category = names
            .categories
            .iter()
            .zip(by_cat)
            .map(|((id, label), count)| Labelled {
                id: id.clone(),
                label: label.clone(),
                count,
            })
            .collect();
        let by_region_counts = by_region;
        let mut by_region: Vec<Labelled> = names
            .regions
            .iter()
            .zip(&by_region_counts)
            .map(|(name, count)| Labelled {
                id: name.clone(),
                label: name.clone(),
                count: *count,
            })
            .collect();
        by_region.push(Labelled {
            id: String::new(),
            label: "(no region)".into(),
            count: by_region_counts[names.regions.len()],
        });
        Overview {
            summary,
            synthetic,
            first_date,
            last_date,
            total,
            by_year,
            by_category,
            by_region,
            bbox,
            kept_by_code: Vec::new(),
        }
    }
}

fn table(f: &mut String, title: &str, rows: impl Iterator<Item = (String, Count)>) {
    let _ = writeln!(f, "\n{title}");
    for (label, c) in rows {
        let _ = writeln!(
            f,
            "  {label:<44} {:>9} events {:>9} deaths",
            c.events, c.fatalities
        );
    }
}

impl fmt::Display for Overview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        if self.synthetic {
            let _ = writeln!(s, "{}\n", crate::output::tables::SYNTHETIC_NOTICE);
        }
        let _ = write!(s, "{}", self.summary);
        match (self.first_date, self.last_date) {
            (Some(a), Some(b)) => {
                let _ = writeln!(s, "\nDates: {a} to {b}");
            }
            _ => {
                let _ = writeln!(s, "\nDates: (no events)");
            }
        }
        if let Some([w, so, e, n]) = self.bbox {
            let _ = writeln!(s, "Extent: lon {w:.4} to {e:.4}, lat {so:.4} to {n:.4}");
        }
        let _ = writeln!(
            s,
            "Total: {} events, {} deaths",
            self.total.events, self.total.fatalities
        );
        table(
            &mut s,
            "By year",
            self.by_year.iter().map(|(y, c)| (y.to_string(), *c)),
        );
        table(
            &mut s,
            "By category",
            self.by_category.iter().map(|l| (l.label.clone(), l.count)),
        );
        table(
            &mut s,
            "By region",
            self.by_region
                .iter()
                .filter(|l| !(l.id.is_empty() && l.count.events == 0))
                .map(|l| (l.label.clone(), l.count)),
        );
        if !self.kept_by_code.is_empty() {
            let _ = writeln!(
                s,
                "\nKept by country code, outside the outline ({} events: the source codes them \
                 as the study country; they count in every zone, measured from the nearest \
                 point of the outline)",
                self.kept_by_code.len()
            );
            for k in self.kept_by_code.iter().take(KEPT_BY_CODE_SHOWN) {
                let far = k
                    .km_outside
                    .map_or("far".to_string(), |km| format!("{km:.1} km"));
                let _ = writeln!(
                    s,
                    "  {:<16} {} {:<24} lat {:.4} lon {:.4}  {far} outside (line {})",
                    k.event_id, k.date, k.location, k.lat, k.lon, k.source_line
                );
            }
            if self.kept_by_code.len() > KEPT_BY_CODE_SHOWN {
                let _ = writeln!(
                    s,
                    "  ... and {} more (--json lists them all)",
                    self.kept_by_code.len() - KEPT_BY_CODE_SHOWN
                );
            }
        }
        f.write_str(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dataset, Event, Strings};
    use crate::units::LonLat;
    use std::path::Path;

    fn event(strings: &Strings, date: (i32, u32, u32), lon: f64, lat: f64, deaths: u32) -> Event {
        let e = strings.empty();
        Event {
            date: NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
            position: LonLat::new(lon, lat).unwrap(),
            geo_precision: Some(1),
            event_type: e,
            sub_event_type: e,
            primary_actors: Default::default(),
            associated_actors: Default::default(),
            fatalities: deaths,
            admin1: e,
            admin2: e,
            admin3: e,
            location: e,
            dataset: Dataset::Acled,
            country: Default::default(),
            source_line: 2,
        }
    }

    #[test]
    fn counts_by_year_category_region_and_extent() {
        let strings = Strings::new();
        let mut set = EventSet::new(strings.clone());
        set.events = vec![
            event(&strings, (2020, 1, 5), -8.0, 12.6, 3),
            event(&strings, (2022, 6, 1), -4.2, 14.5, 10),
            event(&strings, (2022, 7, 1), -1.0, 16.3, 0),
        ];
        let cats = vec![("a".to_string(), "Cat A".to_string())];
        let regions = vec!["Bamako".to_string(), "Mopti".to_string()];
        let o = Overview::build(
            ReadSummary::new(Path::new("x.csv")),
            false,
            &set,
            |i| [1, 0, 1][i],
            |i| [Some(0), Some(1), None][i],
            &Names {
                categories: &cats,
                regions: &regions,
            },
        );
        assert_eq!(
            o.total,
            Count {
                events: 3,
                fatalities: 13
            }
        );
        assert_eq!(o.by_year.len(), 3, "2021 is listed with zeros");
        assert_eq!(o.by_year[&2021], Count::default());
        assert_eq!(
            o.by_year[&2022],
            Count {
                events: 2,
                fatalities: 10
            }
        );
        assert_eq!(
            o.by_category[0].count,
            Count {
                events: 2,
                fatalities: 3
            }
        );
        assert_eq!(
            o.by_region[1].count,
            Count {
                events: 1,
                fatalities: 10
            }
        );
        assert_eq!(o.by_region[2].label, "(no region)");
        assert_eq!(
            o.by_region[2].count,
            Count {
                events: 1,
                fatalities: 0
            }
        );
        assert_eq!(o.bbox, Some([-8.0, 12.6, -1.0, 16.3]));
        let text = o.to_string();
        assert!(text.contains("Dates: 2020-01-05 to 2022-07-01"), "{text}");
    }
}
