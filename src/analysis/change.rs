//! Change between two periods: the mean yearly density of the later period minus that of
//! the earlier one, cell by cell, on the maps' shared grid.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::analysis::density::DensityGrid;
use crate::error::{Error, Result};

/// A run of whole calendar years, first to last included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub first: i32,
    pub last: i32,
}

impl Period {
    pub fn new(first: i32, last: i32) -> Result<Period> {
        if first > last {
            return Err(Error::Usage(format!(
                "period {first}-{last}: the first year is after the last"
            )));
        }
        Ok(Period { first, last })
    }

    pub fn years(self) -> std::ops::RangeInclusive<i32> {
        self.first..=self.last
    }

    pub fn len(self) -> usize {
        (self.last - self.first + 1) as usize
    }

    /// Never empty: a period has at least one year.
    pub fn is_empty(self) -> bool {
        false
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}–{}", self.first, self.last)
        }
    }
}

/// Two periods to compare: `after` minus `before`. Parsed from "2020:2023" or
/// "2018-2020:2021-2023" (BEFORE:AFTER).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Compare {
    pub before: Period,
    pub after: Period,
}

impl Compare {
    /// The default: the last full year minus the year before it.
    pub fn last_full_year(last_full: i32) -> Compare {
        Compare {
            before: Period {
                first: last_full - 1,
                last: last_full - 1,
            },
            after: Period {
                first: last_full,
                last: last_full,
            },
        }
    }

    /// The two periods swapped.
    pub fn swapped(self) -> Compare {
        Compare {
            before: self.after,
            after: self.before,
        }
    }
}

impl fmt::Display for Compare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} minus {}", self.after, self.before)
    }
}

impl FromStr for Compare {
    type Err = Error;
    fn from_str(s: &str) -> Result<Compare> {
        let bad = |why: &str| {
            Error::Usage(format!(
                "--compare \"{s}\": {why} (e.g. 2020:2023 or 2018-2020:2021-2023)"
            ))
        };
        let (a, b) = s
            .split_once(':')
            .ok_or_else(|| bad("give two periods separated by ':'"))?;
        let period = |t: &str| -> Result<Period> {
            let year = |y: &str| {
                y.trim()
                    .parse::<i32>()
                    .map_err(|_| bad(&format!("\"{}\" is not a year", y.trim())))
            };
            let (first, last) = match t.split_once('-') {
                Some((f, l)) => (year(f)?, year(l)?),
                None => (year(t)?, year(t)?),
            };
            Period::new(first, last).map_err(|e| bad(&e.to_string()))
        };
        Ok(Compare {
            before: period(a)?,
            after: period(b)?,
        })
    }
}

/// The mean yearly density over `after` minus that over `before`, per cell, from the
/// yearly grids (all on one grid). Every year of both periods must be among `yearly`.
pub fn difference(yearly: &[(i32, &DensityGrid)], c: &Compare) -> Result<DensityGrid> {
    let mean = |p: Period| -> Result<DensityGrid> {
        let mut sum: Option<(DensityGrid, Vec<f64>)> = None;
        for y in p.years() {
            let (_, g) = yearly.iter().find(|(yy, _)| *yy == y).ok_or_else(|| {
                Error::Usage(format!(
                    "--compare {c}: no density for {y} (years in the data: {})",
                    yearly
                        .iter()
                        .map(|(y, _)| y.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            let (first, acc) = sum.get_or_insert_with(|| ((*g).clone(), vec![0.0; g.values.len()]));
            if first.spec != g.spec {
                return Err(Error::Usage(format!(
                    "--compare {c}: the yearly densities are on different grids"
                )));
            }
            for (a, v) in acc.iter_mut().zip(&g.values) {
                *a += f64::from(*v);
            }
        }
        let (mut grid, acc) = sum.expect("a period has at least one year");
        let n = p.len() as f64;
        for (v, a) in grid.values.iter_mut().zip(acc) {
            *v = (a / n) as f32;
        }
        Ok(grid)
    };
    let (before, mut after) = (mean(c.before)?, mean(c.after)?);
    if before.spec != after.spec {
        return Err(Error::Usage(format!(
            "--compare {c}: the yearly densities are on different grids"
        )));
    }
    for (a, b) in after.values.iter_mut().zip(&before.values) {
        *a -= *b;
    }
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::density::GridSpec;

    fn grid(values: &[f32]) -> DensityGrid {
        DensityGrid {
            spec: GridSpec {
                x0: 0.0,
                y0: 10.0,
                cell_m: 1.0,
                width: values.len(),
                height: 1,
            },
            values: values.to_vec(),
        }
    }

    #[test]
    fn compares_parse_and_are_checked() {
        let c: Compare = "2020:2023".parse().unwrap();
        assert_eq!(c.before, Period::new(2020, 2020).unwrap());
        assert_eq!(c.after, Period::new(2023, 2023).unwrap());
        assert_eq!(Compare::last_full_year(2023).to_string(), "2023 minus 2022");
        let c: Compare = "2018-2020:2021-2023".parse().unwrap();
        assert_eq!(c.before, Period::new(2018, 2020).unwrap());
        assert_eq!(c.after.len(), 3);
        assert_eq!(c.to_string(), "2021–2023 minus 2018–2020");
        for bad in [
            "2020",
            "2020:",
            "x:2021",
            "2021-2019:2022",
            "2020:2021:2022",
        ] {
            assert!(bad.parse::<Compare>().is_err(), "{bad}");
        }
    }

    #[test]
    fn identical_periods_give_zero_and_swapping_flips_signs() {
        let (a, b, c) = (
            grid(&[1.0, 4.0, 0.0]),
            grid(&[3.0, 0.0, 0.5]),
            grid(&[2.0, 2.0, 2.0]),
        );
        let yearly = [(2020, &a), (2021, &b), (2022, &c)];
        let same: Compare = "2020-2021:2020-2021".parse().unwrap();
        let zero = difference(&yearly, &same).unwrap();
        assert!(zero.values.iter().all(|v| *v == 0.0));
        let cmp: Compare = "2020-2021:2022".parse().unwrap();
        let d = difference(&yearly, &cmp).unwrap();
        // Mean of 2020–2021 is [2, 2, 0.25]; 2022 is [2, 2, 2].
        assert_eq!(d.values, vec![0.0, 0.0, 1.75]);
        let back = difference(&yearly, &cmp.swapped()).unwrap();
        assert!(d.values.iter().zip(&back.values).all(|(x, y)| *x == -*y));
        let missing: Compare = "2019:2022".parse().unwrap();
        let e = difference(&yearly, &missing).unwrap_err().to_string();
        assert!(e.contains("no density for 2019"), "{e}");
    }
}
