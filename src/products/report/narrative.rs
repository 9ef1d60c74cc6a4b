//! Short sentences made from the zone table: how each zone's counts moved from the first
//! year to the last complete one, the peak, and the projected incomplete year.

use crate::analysis::stats::{Projection, Row, YearTable};
use crate::render::legend::format_value;

/// "3 attacks" style counts with thousands separators.
fn n(v: u64) -> String {
    format_value(v as f64)
}

/// One sentence on a row's events or deaths (`what`: "militant Islamist attacks",
/// "deaths"), or None when the row is all zeros.
pub fn trend(table: &YearTable, row: &Row, deaths: bool, what: &str) -> Option<String> {
    let values: Vec<u64> = row
        .cells
        .iter()
        .map(|c| if deaths { c.fatalities } else { c.events })
        .collect();
    if values.iter().all(|v| *v == 0) {
        return None;
    }
    let years = &table.years;
    let proj: Option<Projection> = table.projection;
    // The complete years: all but a projected last one.
    let complete = match proj {
        Some(p) if years.last() == Some(&p.year) => years.len() - 1,
        _ => years.len(),
    };
    let mut s = String::new();
    if complete >= 2 {
        let (a, b) = (values[0], values[complete - 1]);
        let verb = match a.cmp(&b) {
            std::cmp::Ordering::Less => "rose from",
            std::cmp::Ordering::Greater => "fell from",
            std::cmp::Ordering::Equal => "were",
        };
        if a == b {
            s.push_str(&format!(
                "{what} {verb} {} in both {} and {}",
                n(a),
                years[0],
                years[complete - 1]
            ));
        } else {
            s.push_str(&format!(
                "{what} {verb} {} in {} to {} in {}",
                n(a),
                years[0],
                n(b),
                years[complete - 1]
            ));
        }
        let (peak_i, peak) = values[..complete]
            .iter()
            .enumerate()
            .max_by_key(|(i, v)| (**v, std::cmp::Reverse(*i)))
            .expect("at least two years");
        if peak_i != 0 && peak_i != complete - 1 && *peak > 0 {
            s.push_str(&format!(" (peak: {} in {})", n(*peak), years[peak_i]));
        }
    } else if complete == 1 {
        s.push_str(&format!("{what}: {} in {}", n(values[0]), years[0]));
    }
    if let Some(p) = proj.filter(|p| years.last() == Some(&p.year)) {
        let v = values[years.len() - 1];
        let sep = if s.is_empty() {
            format!("{what}: ")
        } else {
            "; ".to_string()
        };
        s.push_str(&format!(
            "{sep}{} to {} {}, projected {} for the full year",
            n(v),
            p.as_of.format("%-d %B"),
            p.year,
            format_value(p.project(v).round())
        ));
    }
    s.push('.');
    Some(capitalise(&s))
}

/// One sentence comparing the latest trailing window with the same months a year earlier
/// ("in the past year", DOMAIN.md), or None without windows or when both are zero.
pub fn window_sentence(table: &YearTable, row: &Row, deaths: bool, what: &str) -> Option<String> {
    let (now, before) = (table.windows.first()?, table.windows.get(1)?);
    let pick = |c: &crate::analysis::stats::Cell| if deaths { c.fatalities } else { c.events };
    let (a, b) = (
        pick(row.window_cells.first()?),
        pick(row.window_cells.get(1)?),
    );
    if a == 0 && b == 0 {
        return None;
    }
    Some(capitalise(&format!(
        "{what} in the {} months to {}: {}, against {} in the same months a year earlier (to {}).",
        now.months,
        now.to.format("%-d %B %Y"),
        n(a),
        n(b),
        before.to.format("%-d %B %Y")
    )))
}

/// "deaths" → "Deaths".
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub(crate) use crate::products::lower_first;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stats::{Periods, RowKey, Tally, Trailing, tabulate};
    use chrono::NaiveDate;

    fn table(counts: &[(i32, u32)], as_of: Option<NaiveDate>) -> YearTable {
        let key = RowKey {
            zone_id: String::new(),
            zone_name: String::new(),
            category_id: "a".into(),
            category_label: "A".into(),
            deaths_label: "deaths".into(),
        };
        let tallies: Vec<Tally> = counts
            .iter()
            .flat_map(|(y, k)| {
                (0..*k).map(|_| Tally {
                    date: NaiveDate::from_ymd_opt(*y, 3, 1).unwrap(),
                    fatalities: 2,
                    zones: 1,
                    categories: 1,
                })
            })
            .collect();
        let zones = [("z".to_string(), "Z".to_string())];
        let periods = Periods {
            years: 2020..=2024,
            projection: as_of.and_then(Projection::for_as_of),
            windows: as_of
                .and_then(|d| Trailing::with_year_before(d, 12))
                .unwrap_or_default(),
        };
        tabulate(&tallies, &zones, &[key], periods)
    }

    #[test]
    fn sentences_say_the_change_the_peak_and_the_projection() {
        let t = table(
            &[(2020, 3), (2021, 20), (2022, 13), (2024, 10)],
            NaiveDate::from_ymd_opt(2024, 6, 30),
        );
        let s = trend(&t, &t.rows[0], false, "attacks").unwrap();
        // 2023 (zero) is the last complete year; 2024 to 30 June is day 182 of 366.
        assert_eq!(
            s,
            "Attacks fell from 3 in 2020 to 0 in 2023 (peak: 20 in 2021); 10 to 30 June 2024, projected 20 for the full year."
        );
        let d = trend(&t, &t.rows[0], true, "deaths").unwrap();
        assert!(d.starts_with("Deaths fell from 6 in 2020"), "{d}");
        let t = table(&[(2020, 1), (2024, 4)], None);
        assert_eq!(
            trend(&t, &t.rows[0], false, "attacks").unwrap(),
            "Attacks rose from 1 in 2020 to 4 in 2024."
        );
        let t = table(&[], None);
        assert_eq!(trend(&t, &t.rows[0], false, "attacks"), None);
    }

    #[test]
    fn the_past_year_is_compared_with_the_year_before() {
        // Events on 1 March of their year: the 10 of 2024 are in the 12 months to 30 June
        // 2024; the 13 of 2022 are before the year-earlier window (1 Jul 2022 - 30 Jun 2023).
        let t = table(
            &[(2022, 13), (2024, 10)],
            NaiveDate::from_ymd_opt(2024, 6, 30),
        );
        assert_eq!(
            window_sentence(&t, &t.rows[0], false, "attacks").unwrap(),
            "Attacks in the 12 months to 30 June 2024: 10, against 0 in the same months a year earlier (to 30 June 2023)."
        );
        let t = table(
            &[(2023, 4), (2024, 10)],
            NaiveDate::from_ymd_opt(2024, 6, 30),
        );
        let d = window_sentence(&t, &t.rows[0], true, "deaths").unwrap();
        assert!(
            d.starts_with("Deaths in the 12 months to 30 June 2024: 20, against 8"),
            "{d}"
        );
        let t = table(&[(2020, 3)], NaiveDate::from_ymd_opt(2024, 6, 30));
        assert_eq!(window_sentence(&t, &t.rows[0], false, "attacks"), None);
        let t = table(&[(2024, 3)], None);
        assert_eq!(window_sentence(&t, &t.rows[0], false, "attacks"), None);
    }
}
