//! Yearly counts per zone and category: events and deaths, every year of the range
//! present (zeros, not gaps), with the partial-year projection of DOMAIN.md, and the
//! same counts over trailing windows ("in the past year": the 12 months ending at the
//! as-of date, and the same months a year earlier; DOMAIN.md).

use chrono::{Datelike, Months, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;

use crate::model::categories::BitIter;

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

/// A trailing window: the `months` months ending on `to`, both ends included. It starts
/// the day after the same day `months` months before `to` (12 months to 13 Sep 2024: 14
/// Sep 2023 – 13 Sep 2024); when `to` is the last day of its month the window is whole
/// months (12 months to 29 Feb 2024: 1 Mar 2023 – 29 Feb 2024; 6 months to 30 Jun: 1
/// Jan – 30 Jun).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trailing {
    pub months: u32,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// "12 months to 13 Sep 2024".
    pub label: String,
    /// "12m_to_2024-09-13": the `period` of its CSV rows.
    pub id: String,
}

impl Trailing {
    /// The `months` months ending on `to`; `None` for 0 months or dates out of range.
    pub fn ending(to: NaiveDate, months: u32) -> Option<Trailing> {
        if months == 0 {
            return None;
        }
        let month_end = to.succ_opt()?.day() == 1;
        let from = if month_end {
            // Whole months: 6 months to 30 June are January to June.
            to.with_day(1)?
                .checked_sub_months(Months::new(months - 1))?
        } else {
            to.checked_sub_months(Months::new(months))?.succ_opt()?
        };
        Some(Trailing {
            months,
            from,
            to,
            label: format!("{months} months to {}", to.format("%-d %b %Y")),
            id: format!("{months}m_to_{to}"),
        })
    }

    /// The same window and the one a year earlier (the comparison ACSS makes: "in the
    /// past year … virtually none in earlier years").
    pub fn with_year_before(to: NaiveDate, months: u32) -> Option<Vec<Trailing>> {
        let earlier = to.checked_sub_months(Months::new(12))?;
        Some(vec![
            Trailing::ending(to, months)?,
            Trailing::ending(earlier, months)?,
        ])
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
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
    /// One cell per window of [`YearTable::windows`].
    pub window_cells: Vec<Cell>,
}

/// Counts per zone × category × year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearTable {
    pub years: Vec<i32>,
    pub rows: Vec<Row>,
    pub projection: Option<Projection>,
    /// Trailing windows counted beside the years (the latest first).
    pub windows: Vec<Trailing>,
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

    /// The counts of window `w` (index into [`Self::windows`]).
    pub fn window_cell(&self, zone_id: &str, category_id: &str, w: usize) -> Option<Cell> {
        self.row(zone_id, category_id)
            .and_then(|r| r.window_cells.get(w).copied())
    }
}

/// One event as the tabulation sees it.
#[derive(Debug, Clone, Copy)]
pub struct Tally {
    pub date: NaiveDate,
    pub fatalities: u32,
    /// Bit z set: the event is in zone z.
    pub zones: u64,
    /// Bit c set: the event is in category c.
    pub categories: u64,
}

/// What a table counts: the years, the projection of the last, trailing windows.
#[derive(Debug, Clone)]
pub struct Periods {
    pub years: std::ops::RangeInclusive<i32>,
    pub projection: Option<Projection>,
    pub windows: Vec<Trailing>,
}

impl Periods {
    /// The years alone, no projection, no window.
    pub fn years(years: std::ops::RangeInclusive<i32>) -> Periods {
        Periods {
            years,
            projection: None,
            windows: Vec::new(),
        }
    }
}

/// Counts `tallies` into a table. `zones` and `categories` name the bits, in order;
/// rows come zone by zone, each with every category. Events outside the years are left
/// out of the yearly cells, and counted in any window their date is in.
pub fn tabulate(
    tallies: &[Tally],
    zones: &[(String, String)],
    categories: &[RowKey],
    periods: Periods,
) -> YearTable {
    tabulate_par(tallies.par_iter().copied(), zones, categories, periods)
}

/// [`tabulate`] on tallies made on the fly, in parallel (millions of events need no
/// list of tallies in memory).
pub fn tabulate_par<I: ParallelIterator<Item = Tally>>(
    tallies: I,
    zones: &[(String, String)],
    categories: &[RowKey],
    periods: Periods,
) -> YearTable {
    let Periods {
        years,
        projection,
        windows,
    } = periods;
    let first = *years.start();
    let year_list: Vec<i32> = years.clone().collect();
    // Periods are the years, then the windows.
    let (nz, nc, ny) = (zones.len(), categories.len(), year_list.len());
    let np = ny + windows.len();
    let slot = |z: usize, c: usize, p: usize| ((z * nc + c) * np + p) * 2;
    let counts = tallies
        .fold(
            || vec![0u64; nz * nc * np * 2],
            |mut acc, t| {
                let year = t.date.year();
                let year_slot = years.contains(&year).then(|| (year - first) as usize);
                let window_slots = windows
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| w.contains(t.date))
                    .map(|(i, _)| ny + i);
                for p in year_slot.into_iter().chain(window_slots) {
                    for z in BitIter(t.zones).take_while(|z| *z < nz) {
                        for c in BitIter(t.categories).take_while(|c| *c < nc) {
                            let s = slot(z, c, p);
                            acc[s] += 1;
                            acc[s + 1] += u64::from(t.fatalities);
                        }
                    }
                }
                acc
            },
        )
        .reduce(
            || vec![0u64; nz * nc * np * 2],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    let mut rows = Vec::with_capacity(nz * nc);
    for (z, (zone_id, zone_name)) in zones.iter().enumerate() {
        for (c, cat) in categories.iter().enumerate() {
            let cell = |p: usize| Cell {
                events: counts[slot(z, c, p)],
                fatalities: counts[slot(z, c, p) + 1],
            };
            rows.push(Row {
                key: RowKey {
                    zone_id: zone_id.clone(),
                    zone_name: zone_name.clone(),
                    ..cat.clone()
                },
                cells: (0..ny).map(cell).collect(),
                window_cells: (ny..np).map(cell).collect(),
            });
        }
    }
    YearTable {
        years: year_list,
        rows,
        projection: projection.filter(|p| years.contains(&p.year)),
        windows,
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
            date: NaiveDate::from_ymd_opt(year, 6, 1).unwrap(),
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
        let table = tabulate(&tallies, &zones, &cats, Periods::years(2020..=2022));
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

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn trailing_windows_end_on_the_as_of_date_and_clamp_month_ends() {
        let w = Trailing::ending(day(2024, 9, 13), 12).unwrap();
        assert_eq!((w.from, w.to), (day(2023, 9, 14), day(2024, 9, 13)));
        assert_eq!(w.label, "12 months to 13 Sep 2024");
        assert_eq!(w.id, "12m_to_2024-09-13");
        let both = Trailing::with_year_before(day(2024, 9, 13), 12).unwrap();
        assert_eq!(
            (both[1].from, both[1].to),
            (day(2022, 9, 14), day(2023, 9, 13))
        );
        // 29 February: the year before ends on 28 February; each window is 12 months.
        let both = Trailing::with_year_before(day(2024, 2, 29), 12).unwrap();
        assert_eq!(
            (both[0].from, both[0].to),
            (day(2023, 3, 1), day(2024, 2, 29))
        );
        assert_eq!(
            (both[1].from, both[1].to),
            (day(2022, 3, 1), day(2023, 2, 28))
        );
        // Month ends: 3 months to 31 May start on 1 March; to 30 Nov, on 1 Sep.
        let w = Trailing::ending(day(2024, 5, 31), 3).unwrap();
        assert_eq!(w.from, day(2024, 3, 1));
        let w = Trailing::ending(day(2023, 11, 30), 3).unwrap();
        assert_eq!(w.from, day(2023, 9, 1));
        let w = Trailing::ending(day(2023, 11, 29), 3).unwrap();
        assert_eq!(w.from, day(2023, 8, 30));
        // 6 months a year earlier: the same months.
        let both = Trailing::with_year_before(day(2024, 6, 30), 6).unwrap();
        assert_eq!(
            (both[1].from, both[1].to),
            (day(2023, 1, 1), day(2023, 6, 30))
        );
        assert!(Trailing::ending(day(2024, 1, 1), 0).is_none());
        assert!(w.contains(w.from) && w.contains(w.to));
        assert!(!w.contains(w.from.pred_opt().unwrap()) && !w.contains(w.to.succ_opt().unwrap()));
    }

    #[test]
    fn windows_count_their_days_whatever_the_years() {
        let zones = vec![("z".to_string(), "Z".to_string())];
        let t = |date, fatalities| Tally {
            date,
            fatalities,
            zones: 1,
            categories: 1,
        };
        let tallies = [
            t(day(2023, 9, 13), 1),  // the day before the window: the earlier window
            t(day(2023, 9, 14), 2),  // the window's first day
            t(day(2024, 9, 13), 4),  // its last day
            t(day(2022, 9, 14), 8),  // the earlier window's first day
            t(day(2022, 9, 13), 16), // before both
        ];
        let periods = Periods {
            windows: Trailing::with_year_before(day(2024, 9, 13), 12).unwrap(),
            ..Periods::years(2023..=2024)
        };
        let table = tabulate(&tallies, &zones, &[key("a")], periods);
        let w = |i| table.window_cell("z", "a", i).unwrap();
        assert_eq!((w(0).events, w(0).fatalities), (2, 6));
        assert_eq!((w(1).events, w(1).fatalities), (2, 9));
        // The calendar years count differently: 2023 has 1 + 2, 2024 has 4.
        assert_eq!(table.cell("z", "a", 2023).unwrap().fatalities, 3);
        assert_eq!(table.cell("z", "a", 2024).unwrap().fatalities, 4);
    }

    #[test]
    fn projection_only_applies_to_its_year() {
        let zones = vec![("z".to_string(), "Z".to_string())];
        let p = Projection::for_as_of(NaiveDate::from_ymd_opt(2022, 7, 2).unwrap());
        let periods = Periods {
            projection: p,
            ..Periods::years(2020..=2022)
        };
        let table = tabulate(&[], &zones, &[key("a")], periods);
        assert_eq!(table.projected(2021, 10), None);
        let v = table.projected(2022, 10).unwrap();
        assert!((v - 10.0 * 365.0 / 183.0).abs() < 1e-12);
    }

    #[test]
    fn large_input_is_counted_exactly_across_chunks() {
        let zones = vec![("z".to_string(), "Z".to_string())];
        let tallies: Vec<Tally> = (0..200_000)
            .map(|i| Tally {
                date: NaiveDate::from_ymd_opt(2012 + (i % 13), 3, 1).unwrap(),
                fatalities: (i % 3) as u32,
                zones: 1,
                categories: 1,
            })
            .collect();
        let table = tabulate(&tallies, &zones, &[key("a")], Periods::years(2012..=2024));
        let total: u64 = table.rows[0].cells.iter().map(|c| c.events).sum();
        let deaths: u64 = table.rows[0].cells.iter().map(|c| c.fatalities).sum();
        assert_eq!(total, 200_000);
        assert_eq!(deaths, (0..200_000u64).map(|i| i % 3).sum::<u64>());
    }
}
