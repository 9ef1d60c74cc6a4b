//! Yearly counts per zone and category: events and deaths, every year of the range
//! present (zeros, not gaps), with the partial-year projection of DOMAIN.md.

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;

/// Events and deaths in one zone, category and year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub events: u64,
    pub fatalities: u64,
}

/// How the last, incomplete year is scaled to a full year:
/// `projected = count × days_in_year / covered_days`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Projection {
    pub year: i32,
    /// The last day counted: the last event date in the data, or `--as-of`.
    pub as_of: NaiveDate,
    pub covered_days: u32,
    pub days_in_year: u32,
}

impl Projection {
    /// The projection for data running to `as_of`, or `None` when that year is complete
    /// (as_of is 31 December).
    pub fn for_as_of(as_of: NaiveDate) -> Option<Projection> {
        let year = as_of.year();
        let days_in_year = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
            366
        } else {
            365
        };
        let covered_days = as_of.ordinal();
        (covered_days < days_in_year).then_some(Projection {
            year,
            as_of,
            covered_days,
            days_in_year,
        })
    }

    pub fn factor(&self) -> f64 {
        f64::from(self.days_in_year) / f64::from(self.covered_days)
    }

    pub fn coverage(&self) -> f64 {
        f64::from(self.covered_days) / f64::from(self.days_in_year)
    }

    pub fn project(&self, count: u64) -> f64 {
        count as f64 * self.factor()
    }
}

/// What a table row is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowKey {
    pub zone_id: String,
    pub zone_name: String,
    pub category_id: String,
    pub category_label: String,
    /// "deaths", "civilian deaths", …
    pub deaths_label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    #[serde(flatten)]
    pub key: RowKey,
    /// One cell per year of [`YearTable::years`].
    pub cells: Vec<Cell>,
}

/// Counts per zone × category × year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearTable {
    pub years: Vec<i32>,
    pub rows: Vec<Row>,
    pub projection: Option<Projection>,
}

impl YearTable {
    /// The projected value of a count in `year`, if that year is the projected one.
    pub fn projected(&self, year: i32, count: u64) -> Option<f64> {
        self.projection
            .filter(|p| p.year == year)
            .map(|p| p.project(count))
    }

    pub fn row(&self, zone_id: &str, category_id: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.key.zone_id == zone_id && r.key.category_id == category_id)
    }

    pub fn cell(&self, zone_id: &str, category_id: &str, year: i32) -> Option<Cell> {
        let i = self.years.iter().position(|y| *y == year)?;
        self.row(zone_id, category_id).map(|r| r.cells[i])
    }
}

/// One event as the tabulation sees it.
#[derive(Debug, Clone, Copy)]
pub struct Tally {
    pub year: i32,
    pub fatalities: u32,
    /// Bit z set: the event is in zone z.
    pub zones: u64,
    /// Bit c set: the event is in category c.
    pub categories: u64,
}

/// Counts `tallies` into a table. `zones` and `categories` name the bits, in order;
/// rows come zone by zone, each with every category. Events outside `years` are
/// ignored.
pub fn tabulate(
    tallies: &[Tally],
    zones: &[(String, String)],
    categories: &[RowKey],
    years: std::ops::RangeInclusive<i32>,
    projection: Option<Projection>,
) -> YearTable {
    tabulate_par(
        tallies.par_iter().copied(),
        zones,
        categories,
        years,
        projection,
    )
}

/// [`tabulate`] on tallies made on the fly, in parallel (millions of events need no
/// list of tallies in memory).
pub fn tabulate_par<I: ParallelIterator<Item = Tally>>(
    tallies: I,
    zones: &[(String, String)],
    categories: &[RowKey],
    years: std::ops::RangeInclusive<i32>,
    projection: Option<Projection>,
) -> YearTable {
    let first = *years.start();
    let year_list: Vec<i32> = years.clone().collect();
    let (nz, nc, ny) = (zones.len(), categories.len(), year_list.len());
    let slot = |z: usize, c: usize, y: usize| ((z * nc + c) * ny + y) * 2;
    let counts = tallies
        .fold(
            || vec![0u64; nz * nc * ny * 2],
            |mut acc, t| {
                if years.contains(&t.year) {
                    let y = (t.year - first) as usize;
                    for z in BitIter(t.zones).take_while(|z| *z < nz) {
                        for c in BitIter(t.categories).take_while(|c| *c < nc) {
                            let s = slot(z, c, y);
                            acc[s] += 1;
                            acc[s + 1] += u64::from(t.fatalities);
                        }
                    }
                }
                acc
            },
        )
        .reduce(
            || vec![0u64; nz * nc * ny * 2],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    let mut rows = Vec::with_capacity(nz * nc);
    for (z, (zone_id, zone_name)) in zones.iter().enumerate() {
        for (c, cat) in categories.iter().enumerate() {
            let cells = (0..ny)
                .map(|y| Cell {
                    events: counts[slot(z, c, y)],
                    fatalities: counts[slot(z, c, y) + 1],
                })
                .collect();
            rows.push(Row {
                key: RowKey {
                    zone_id: zone_id.clone(),
                    zone_name: zone_name.clone(),
                    ..cat.clone()
                },
                cells,
            });
        }
    }
    YearTable {
        years: year_list,
        rows,
        projection: projection.filter(|p| years.contains(&p.year)),
    }
}

/// Indices of the set bits of a mask, lowest first.
struct BitIter(u64);

impl Iterator for BitIter {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let i = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        Some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> RowKey {
        RowKey {
            zone_id: String::new(),
            zone_name: String::new(),
            category_id: id.into(),
            category_label: id.into(),
            deaths_label: "deaths".into(),
        }
    }

    #[test]
    fn projection_follows_domain_rule() {
        // Data to 13 Sept 2024 (leap year): day 257 of 366.
        let p = Projection::for_as_of(NaiveDate::from_ymd_opt(2024, 9, 13).unwrap()).unwrap();
        assert_eq!((p.covered_days, p.days_in_year), (257, 366));
        assert!((p.project(24) - 24.0 * 366.0 / 257.0).abs() < 1e-12);
        assert!(Projection::for_as_of(NaiveDate::from_ymd_opt(2023, 12, 31).unwrap()).is_none());
        let p = Projection::for_as_of(NaiveDate::from_ymd_opt(2023, 12, 30).unwrap()).unwrap();
        assert_eq!(p.days_in_year, 365);
    }

    #[test]
    fn tabulates_every_year_with_zeros_and_multi_membership() {
        let zones = vec![
            ("country".to_string(), "Country".to_string()),
            ("ring".to_string(), "Ring".to_string()),
        ];
        let cats = vec![key("a"), key("b")];
        let t = |year, fatalities, zones, categories| Tally {
            year,
            fatalities,
            zones,
            categories,
        };
        let tallies = vec![
            t(2020, 5, 0b11, 0b01), // both zones, category a
            t(2020, 1, 0b01, 0b11), // country only, both categories
            t(2022, 7, 0b11, 0b10),
            t(2030, 9, 0b11, 0b11), // outside the range: ignored
        ];
        let table = tabulate(&tallies, &zones, &cats, 2020..=2022, None);
        assert_eq!(table.years, vec![2020, 2021, 2022]);
        assert_eq!(table.rows.len(), 4);
        let c = |z, k, y| table.cell(z, k, y).unwrap();
        assert_eq!(
            c("country", "a", 2020),
            Cell {
                events: 2,
                fatalities: 6
            }
        );
        assert_eq!(
            c("ring", "a", 2020),
            Cell {
                events: 1,
                fatalities: 5
            }
        );
        assert_eq!(c("country", "b", 2021), Cell::default());
        assert_eq!(
            c("ring", "b", 2022),
            Cell {
                events: 1,
                fatalities: 7
            }
        );
        assert_eq!(c("ring", "b", 2020), Cell::default());
    }

    #[test]
    fn projection_only_applies_to_its_year() {
        let zones = vec![("z".to_string(), "Z".to_string())];
        let p = Projection::for_as_of(NaiveDate::from_ymd_opt(2022, 7, 2).unwrap());
        let table = tabulate(&[], &zones, &[key("a")], 2020..=2022, p);
        assert_eq!(table.projected(2021, 10), None);
        let v = table.projected(2022, 10).unwrap();
        assert!((v - 10.0 * 365.0 / 183.0).abs() < 1e-12);
    }

    #[test]
    fn large_input_is_counted_exactly_across_chunks() {
        let zones = vec![("z".to_string(), "Z".to_string())];
        let tallies: Vec<Tally> = (0..200_000)
            .map(|i| Tally {
                year: 2012 + (i % 13),
                fatalities: (i % 3) as u32,
                zones: 1,
                categories: 1,
            })
            .collect();
        let table = tabulate(&tallies, &zones, &[key("a")], 2012..=2024, None);
        let total: u64 = table.rows[0].cells.iter().map(|c| c.events).sum();
        let deaths: u64 = table.rows[0].cells.iter().map(|c| c.fatalities).sum();
        assert_eq!(total, 200_000);
        assert_eq!(deaths, (0..200_000u64).map(|i| i % 3).sum::<u64>());
    }
}
