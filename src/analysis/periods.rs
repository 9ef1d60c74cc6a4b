//! Time periods for animation frames: one frame per year, quarter or month (the step),
//! each showing the events of its step alone, of every step so far (cumulative), or of a
//! rolling window of N months ending with the step.
//!
//! Periods are half-open date intervals `[from, until)`; an event on `from` is inside, one
//! on `until` is in the next period. Rolling windows overlap, so an event can fall in
//! several periods. Pure: no I/O, no projection.

use std::ops::Range;

use chrono::{Datelike, Months, NaiveDate};

/// The time between frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Year,
    Quarter,
    Month,
}

impl Step {
    pub fn months(self) -> u32 {
        match self {
            Step::Year => 12,
            Step::Quarter => 3,
            Step::Month => 1,
        }
    }

    /// "year", "quarter", "month" (for file names).
    pub fn name(self) -> &'static str {
        match self {
            Step::Year => "year",
            Step::Quarter => "quarter",
            Step::Month => "month",
        }
    }

    /// The first day of the step containing `d`.
    pub fn floor(self, d: NaiveDate) -> NaiveDate {
        let month0 = (d.month0() / self.months()) * self.months();
        NaiveDate::from_ymd_opt(d.year(), month0 + 1, 1).expect("first of a month")
    }

    /// The step starting on `start`: "2019", "2021 Q3" or "Jan 2022".
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Step::Year => start.year().to_string(),
            Step::Quarter => format!("{} Q{}", start.year(), start.month0() / 3 + 1),
            Step::Month => start.format("%b %Y").to_string(),
        }
    }

    /// The steps from the one starting on `from` to the one ending on `until` (exclusive):
    /// "2012–2019", "2012 Q1 – 2019 Q3", "Jan 2012 – Mar 2022"; a single step by itself.
    pub fn range_label(self, from: NaiveDate, until: NaiveDate) -> String {
        let last = add_months(until, -(self.months() as i32));
        if last <= from {
            return self.label(from);
        }
        let sep = if self == Step::Year { "–" } else { " – " };
        format!("{}{sep}{}", self.label(from), self.label(last))
    }
}

/// What each frame counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The events of the frame's step only.
    Step,
    /// The events from the first step up to the frame's.
    Cumulative,
    /// The events of the `months` months ending with the frame's step (at least one step).
    Rolling { months: u32 },
}

/// One frame's time window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// First day counted.
    pub from: NaiveDate,
    /// The day after the last day counted.
    pub until: NaiveDate,
    /// The first day of the frame's step (`from` too, unless the window is longer).
    pub step: NaiveDate,
    /// The frame's step: "2019", "2021 Q3", "Jan 2022" (the large label of a frame).
    pub label: String,
    /// What the window covers when it is more than the step ("12 months: Apr 2021 – Mar
    /// 2022", "cumulative: 2012–2019"), and a partial last step ("data to 13 Sep 2024").
    pub detail: Option<String>,
}

impl Period {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d < self.until
    }
}

/// The periods of the steps from the one containing `first` to the one containing
/// `last` (both dates inside the data). Rolling windows start with the first step whose
/// whole window lies after `first`'s step, so no frame shows a window only partly
/// covered by the data.
pub fn periods(
    first: NaiveDate,
    last: NaiveDate,
    step: Step,
    window: Window,
) -> Result<Vec<Period>, String> {
    if last < first {
        return Err(format!("the last date {last} is before the first, {first}"));
    }
    if let Window::Rolling { months } = window
        && months < step.months()
    {
        return Err(format!(
            "a rolling window of {months} months is shorter than one {} ({} months)",
            step.name(),
            step.months()
        ));
    }
    let start = step.floor(first);
    let mut out = Vec::new();
    let mut s = start;
    while s <= last {
        let until = add_months(s, step.months() as i32);
        let (from, detail) = match window {
            Window::Step => (s, None),
            Window::Cumulative => (
                start,
                (start < s).then(|| format!("cumulative: {}", step.range_label(start, until))),
            ),
            Window::Rolling { months } => {
                let from = add_months(until, -(months as i32));
                let detail = (months > step.months())
                    .then(|| format!("{months} months: {}", Step::Month.range_label(from, until)));
                (from, detail)
            }
        };
        if from >= start {
            let partial = (last < until.pred_opt().expect("a day before"))
                .then(|| format!("data to {}", last.format("%-d %b %Y")));
            let detail = match (detail, partial) {
                (Some(d), Some(p)) => Some(format!("{d}; {p}")),
                (d, p) => d.or(p),
            };
            out.push(Period {
                from,
                until,
                step: s,
                label: step.label(s),
                detail,
            });
        }
        s = until;
    }
    if out.is_empty() {
        return Err(format!(
            "the data ({} to {}) do not cover one whole rolling window",
            first.format("%-d %b %Y"),
            last.format("%-d %b %Y")
        ));
    }
    Ok(out)
}

/// `d` moved by `months` (the day of month is kept; callers pass firsts of months).
fn add_months(d: NaiveDate, months: i32) -> NaiveDate {
    let m = Months::new(months.unsigned_abs());
    if months >= 0 {
        d.checked_add_months(m)
    } else {
        d.checked_sub_months(m)
    }
    .expect("date within chrono's range")
}

/// Items sorted by date, to find those in a period by binary search instead of a scan
/// per period (a monthly animation has well over a hundred periods).
pub struct DateIndex {
    /// Item indices in date order.
    order: Vec<usize>,
    /// Their dates, ascending.
    dates: Vec<NaiveDate>,
}

impl DateIndex {
    pub fn new(dates: &[NaiveDate]) -> DateIndex {
        let mut order: Vec<usize> = (0..dates.len()).collect();
        order.sort_by_key(|&i| dates[i]);
        let sorted = order.iter().map(|&i| dates[i]).collect();
        DateIndex {
            order,
            dates: sorted,
        }
    }

    fn range(&self, p: &Period) -> Range<usize> {
        let a = self.dates.partition_point(|d| *d < p.from);
        let b = self.dates.partition_point(|d| *d < p.until);
        a..b
    }

    /// The indices (into the dates given to [`DateIndex::new`]) of the items in `p`.
    pub fn within(&self, p: &Period) -> &[usize] {
        &self.order[self.range(p)]
    }

    /// How many items fall in each period.
    pub fn counts(&self, periods: &[Period]) -> Vec<usize> {
        periods.iter().map(|p| self.range(p).len()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn labels(ps: &[Period]) -> Vec<&str> {
        ps.iter().map(|p| p.label.as_str()).collect()
    }

    #[test]
    fn yearly_steps_cover_the_data_and_flag_a_partial_last_year() {
        let ps = periods(d("2019-03-04"), d("2021-09-13"), Step::Year, Window::Step).unwrap();
        assert_eq!(labels(&ps), ["2019", "2020", "2021"]);
        assert_eq!(
            (ps[0].from, ps[0].until),
            (d("2019-01-01"), d("2020-01-01"))
        );
        assert_eq!(ps[0].detail, None);
        assert_eq!(ps[2].detail.as_deref(), Some("data to 13 Sep 2021"));
        // A last year that ends on 31 December is whole.
        let ps = periods(d("2019-03-04"), d("2020-12-31"), Step::Year, Window::Step).unwrap();
        assert_eq!(ps[1].detail, None);
    }

    #[test]
    fn quarter_and_month_labels() {
        let ps = periods(
            d("2021-08-30"),
            d("2022-01-02"),
            Step::Quarter,
            Window::Step,
        )
        .unwrap();
        assert_eq!(labels(&ps), ["2021 Q3", "2021 Q4", "2022 Q1"]);
        assert_eq!(ps[0].from, d("2021-07-01"));
        let ps = periods(d("2021-11-30"), d("2022-02-28"), Step::Month, Window::Step).unwrap();
        assert_eq!(
            labels(&ps),
            ["Nov 2021", "Dec 2021", "Jan 2022", "Feb 2022"]
        );
        assert_eq!(ps[3].until, d("2022-03-01"));
        assert_eq!(
            ps[3].detail, None,
            "28 Feb 2022 is the last day of the month"
        );
    }

    #[test]
    fn cumulative_windows_start_at_the_first_step() {
        let ps = periods(
            d("2012-05-01"),
            d("2014-12-31"),
            Step::Year,
            Window::Cumulative,
        )
        .unwrap();
        assert!(ps.iter().all(|p| p.from == d("2012-01-01")));
        assert_eq!(ps[0].detail, None);
        assert_eq!(ps[2].detail.as_deref(), Some("cumulative: 2012–2014"));
    }

    #[test]
    fn rolling_windows_start_when_a_whole_window_is_covered() {
        let ps = periods(
            d("2021-01-15"),
            d("2022-03-20"),
            Step::Month,
            Window::Rolling { months: 12 },
        )
        .unwrap();
        assert_eq!(
            labels(&ps),
            ["Dec 2021", "Jan 2022", "Feb 2022", "Mar 2022"]
        );
        assert_eq!(
            (ps[0].from, ps[0].until),
            (d("2021-01-01"), d("2022-01-01"))
        );
        assert_eq!(
            (ps[3].from, ps[3].until),
            (d("2021-04-01"), d("2022-04-01"))
        );
        assert_eq!(
            ps[3].detail.as_deref(),
            Some("12 months: Apr 2021 – Mar 2022; data to 20 Mar 2022")
        );
        let q = periods(
            d("2021-01-15"),
            d("2022-03-20"),
            Step::Quarter,
            Window::Rolling { months: 6 },
        )
        .unwrap();
        assert_eq!(labels(&q), ["2021 Q2", "2021 Q3", "2021 Q4", "2022 Q1"]);
        assert_eq!(q[0].from, d("2021-01-01"));
    }

    #[test]
    fn impossible_windows_are_errors() {
        let short = periods(
            d("2021-01-15"),
            d("2021-06-20"),
            Step::Month,
            Window::Rolling { months: 12 },
        );
        assert!(short.unwrap_err().contains("rolling window"));
        let narrow = periods(
            d("2021-01-15"),
            d("2023-06-20"),
            Step::Year,
            Window::Rolling { months: 6 },
        );
        assert!(narrow.unwrap_err().contains("shorter than one year"));
        assert!(periods(d("2022-01-01"), d("2021-01-01"), Step::Year, Window::Step).is_err());
    }

    /// Hand-made dates: the expected count of each 3-month window is worked out by hand.
    #[test]
    fn rolling_counts_on_hand_made_dates() {
        let dates: Vec<NaiveDate> = [
            "2022-01-01", // Jan: first day of the data
            "2022-01-31", // Jan
            "2022-02-14", // Feb
            "2022-03-31", // Mar, last day
            "2022-04-01", // Apr, first day
            "2022-04-01", // Apr
            "2022-06-30", // Jun
            "2022-02-28", // Feb (out of order on purpose)
        ]
        .iter()
        .map(|s| d(s))
        .collect();
        let ps = periods(
            d("2022-01-01"),
            d("2022-06-30"),
            Step::Month,
            Window::Rolling { months: 3 },
        )
        .unwrap();
        // Windows: Jan–Mar, Feb–Apr, Mar–May, Apr–Jun.
        assert_eq!(
            labels(&ps),
            ["Mar 2022", "Apr 2022", "May 2022", "Jun 2022"]
        );
        let idx = DateIndex::new(&dates);
        assert_eq!(idx.counts(&ps), [5, 5, 3, 3]);
        // Each event is in every window containing its date, and only there.
        for p in &ps {
            let mut got = idx.within(p).to_vec();
            got.sort();
            let want: Vec<usize> = (0..dates.len()).filter(|&i| p.contains(dates[i])).collect();
            assert_eq!(got, want, "{}", p.label);
        }
        // Single months add up to all the events.
        let months = periods(d("2022-01-01"), d("2022-06-30"), Step::Month, Window::Step).unwrap();
        assert_eq!(idx.counts(&months), [2, 2, 1, 2, 0, 1]);
    }
}
