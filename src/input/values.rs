//! Parsing single field values: dates, counts, precision codes, actor lists. Each parser
//! returns the reason as text on failure; the caller turns it into a diagnostic.

use chrono::format::ParseErrorKind;
use chrono::{NaiveDate, NaiveTime};

/// `s.trim()`, answered without decoding characters when `s` starts and ends with a
/// printable ASCII byte (nearly every field): no Unicode space can be at either end then.
pub(crate) fn trim(s: &str) -> &str {
    let printable = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x7F);
    let bytes = s.as_bytes();
    if printable(bytes.first()) && printable(bytes.last()) {
        s
    } else {
        s.trim()
    }
}

/// Date layouts accepted, tried in order. ACLED writes ISO dates ("2024-09-17") or
/// "17 September 2024"; regional sheets use day-month-year ("17-09-2024"). `%B` and `%b`
/// both accept full and abbreviated month names. Slashed day-first dates ("17/09/2024")
/// are deliberately not accepted: US-locale spreadsheets write month-first with the same
/// separator, and a silently swapped day and month is worse than a reported row.
const DATE_FORMATS: &[&str] = &[
    "%Y-%m-%d",
    "%d %B %Y",
    "%d-%m-%Y",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d-%b-%Y",
    "%B %d, %Y",
    "%d.%m.%Y",
];

/// Time of day that may follow a date (GED writes "2024-01-02 00:00:00.000").
const TIME_FORMATS: &[&str] = &["%H:%M:%S%.f", "%H:%M"];

/// Parses a date in any accepted layout, ignoring a trailing time of day.
/// `Err` explains the problem (the caller quotes the value).
pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, &'static str> {
    let s = trim(s);
    if let Some(date) = iso_date(s) {
        return Ok(date);
    }
    let mut impossible = false;
    for fmt in DATE_FORMATS {
        match NaiveDate::parse_and_remainder(s, fmt) {
            Ok((date, rest)) if rest.is_empty() || is_time(rest) => return Ok(date),
            Ok(_) => {}
            Err(e) => impossible |= e.kind() == ParseErrorKind::OutOfRange,
        }
    }
    Err(if impossible {
        "is not a real calendar date"
    } else {
        "is not a date in a known format (e.g. 2024-09-17, 17 September 2024, 17-09-2024)"
    })
}

/// A plain "YYYY-MM-DD" date without going through chrono's format parser (the layout of
/// nearly every row, and the parser re-reads its format string on every call). `None`
/// for anything else, impossible dates included, which the general path then explains.
fn iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// True if `rest` (what follows a date) is a time of day: " 00:00:00.000" or "T12:30".
fn is_time(rest: &str) -> bool {
    let Some(t) = rest.strip_prefix([' ', 'T']) else {
        return false;
    };
    let t = t.trim().trim_end_matches('Z');
    TIME_FORMATS
        .iter()
        .any(|f| NaiveTime::parse_from_str(t, f).is_ok())
}

/// Parses a non-negative whole number ("12"; also "12.0", as spreadsheets write it).
/// Used for fatalities and precision codes.
pub(crate) fn parse_count(s: &str) -> Result<u32, &'static str> {
    let s = trim(s);
    if s.is_empty() {
        return Err("is empty");
    }
    if let Ok(n) = s.parse::<u32>() {
        return Ok(n);
    }
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x < 0.0 => Err("is negative"),
        Ok(x) if x.is_finite() && x.fract() != 0.0 => Err("is not a whole number"),
        Ok(x) if x.is_finite() && x <= f64::from(u32::MAX) => Ok(x as u32),
        Ok(_) => Err("is not a count"),
        Err(_) => Err("is not a number"),
    }
}

/// Parses a coordinate; `None` if it is empty, not a number, or not finite.
pub(crate) fn parse_coordinate(s: &str) -> Option<f64> {
    let s = trim(s);
    plain_decimal(s).or_else(|| s.parse::<f64>().ok().filter(|x| x.is_finite()))
}

/// Powers of ten up to 10^15, each exactly an f64.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// A plain decimal such as "-12.4240" (a sign, at most 15 digits, at most one point),
/// the way nearly every coordinate is written; `None` for anything else (exponents,
/// more digits, "inf"), which `str::parse` then reads. The digits as an integer are
/// exact in an f64 (below 2^53), so is the power of ten, and one division rounds
/// correctly: the same f64 as `str::parse` (Clinger's fast path, which the standard
/// parser also takes for such input), without the general parser around it, a tenth of
/// the read's time on short rows before.
fn plain_decimal(s: &str) -> Option<f64> {
    let (negative, digits) = match s.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        all => (false, all),
    };
    let (mut mantissa, mut count, mut decimals) = (0u64, 0usize, None);
    for (i, &c) in digits.iter().enumerate() {
        match c {
            b'0'..=b'9' if count < 15 => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                count += 1;
            }
            b'.' if decimals.is_none() => decimals = Some(digits.len() - i - 1),
            _ => return None,
        }
    }
    if count == 0 {
        return None;
    }
    let value = mantissa as f64 / POW10[decimals.unwrap_or(0)];
    Some(if negative { -value } else { value })
}

/// Splits an actor list on `sep`, trimming names and dropping empty ones.
pub(crate) fn split_actors(s: &str, sep: char) -> impl Iterator<Item = &str> {
    s.split(sep).map(trim).filter(|a| !a.is_empty())
}

/// UCDP GED type_of_violence → (event type, sub-event type). GED's three types map onto
/// ACLED's event types so the same filters work on both: state-based and non-state
/// conflict are fighting between organised armed groups ("Battles"); one-sided violence
/// is violence against civilians.
pub(crate) fn ged_violence_type(code: u32) -> Option<(&'static str, &'static str)> {
    match code {
        1 => Some(("Battles", "State-based conflict")),
        2 => Some(("Battles", "Non-state conflict")),
        3 => Some(("Violence against civilians", "One-sided violence")),
        _ => None,
    }
}

/// UCDP GED where_prec → the ACLED geo_precision scale (1 exact town, 2 near a town,
/// 3 region centroid or coarser):
/// - 1 (exact location) → 1
/// - 2 (within about 25 km of a known point) → 2
/// - 3 (second-order admin unit), 4 (first-order admin unit), 5 (linear feature or
///   larger area), 6 (country only), 7 (international waters or airspace) → 3
pub(crate) fn ged_precision(where_prec: u32) -> Option<u8> {
    match where_prec {
        1 => Some(1),
        2 => Some(2),
        3..=7 => Some(3),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain-decimal path gives the standard parser's f64, bit for bit, on every
    /// form it takes (signs, leading zeros, up to 15 digits, points anywhere), and
    /// leaves the rest to it.
    #[test]
    fn plain_decimals_parse_exactly_like_the_standard_parser() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let fixed = [
            "0",
            "-0",
            "-0.0",
            "+5",
            "5.",
            ".5",
            "-.5",
            "12.4240",
            "-7.5561",
            "180",
            "-180.000000000",
            "0.1",
            "0.3",
            "89.99999999999999",
            "123456789012345",
            "1234567890123456",
            "1e5",
            "1.5.2",
            "",
            "-",
            ".",
            "+",
            "inf",
            "NaN",
            "1_0",
        ];
        let mut cases: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
        for _ in 0..200_000 {
            let digits = rng.random_range(1..=17);
            let mut s = String::new();
            match rng.random_range(0..4) {
                0 => s.push('-'),
                1 => s.push('+'),
                _ => {}
            }
            let point = rng.random_range(0..=digits + 1);
            for i in 0..digits {
                if i == point {
                    s.push('.');
                }
                s.push(char::from(b'0' + rng.random_range(0..10u8)));
            }
            cases.push(s);
        }
        for s in &cases {
            let want = s.parse::<f64>().ok().filter(|x| x.is_finite());
            let got = parse_coordinate(s);
            assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{s:?}");
            if let Some(fast) = plain_decimal(s) {
                assert_eq!(Some(fast.to_bits()), want.map(f64::to_bits), "{s:?}");
            }
        }
        assert_eq!(plain_decimal("12.4240"), Some(12.424));
        assert_eq!(plain_decimal("1e5"), None);
        assert_eq!(plain_decimal("1234567890123456"), None);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_every_layout() {
        let sept17 = d(2024, 9, 17);
        for s in [
            "2024-09-17",
            " 2024-09-17 ",
            "17 September 2024",
            "17 Sep 2024",
            "17 SEPTEMBER 2024",
            "17-09-2024",
            "2024/09/17",
            "17-Sep-2024",
            "September 17, 2024",
            "2024-09-17 00:00:00.000",
            "2024-09-17T13:45:00Z",
            "2024-09-17 13:45",
        ] {
            assert_eq!(parse_date(s), Ok(sept17), "{s}");
        }
        assert_eq!(parse_date("2024-1-2"), Ok(d(2024, 1, 2)));
        // The fast path and chrono agree on plain ISO dates, and leave the rest alone.
        for s in ["2024-09-17", "0001-01-01", "2024-02-29", "1999-12-31"] {
            let chrono = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
            assert_eq!(iso_date(s), chrono, "{s}");
            assert_eq!(parse_date(s).ok(), chrono, "{s}");
        }
        for s in [
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024+09-17",
        ] {
            assert_eq!(iso_date(s), None, "{s}");
        }
    }

    #[test]
    fn impossible_and_unknown_dates() {
        assert_eq!(parse_date("2024-02-30"), Err("is not a real calendar date"));
        assert_eq!(
            parse_date("30 February 2024"),
            Err("is not a real calendar date")
        );
        assert!(
            parse_date("17/09/2024")
                .unwrap_err()
                .contains("known format")
        );
        assert!(parse_date("yesterday").is_err());
        assert!(parse_date("2024-09-17 noon").is_err());
        assert!(parse_date("2024-13-45").is_err());
    }

    #[test]
    fn fast_trim_is_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\r",
            "JNIM",
            "é",
            " é ",
            "a\u{a0}",
            "\u{3000}b",
            "x\u{85}",
            "~",
            "\u{7f}",
            "a b",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("0"), Ok(0));
        assert_eq!(parse_count(" 48 "), Ok(48));
        assert_eq!(parse_count("3.0"), Ok(3));
        assert_eq!(parse_count("2.5"), Err("is not a whole number"));
        assert_eq!(parse_count("-1"), Err("is negative"));
        assert_eq!(parse_count("-1.5"), Err("is negative"));
        assert_eq!(parse_count("many"), Err("is not a number"));
        assert_eq!(parse_count(""), Err("is empty"));
        assert_eq!(parse_count("NaN"), Err("is not a count"));
        assert_eq!(parse_count("1e12"), Err("is not a count"));
    }

    #[test]
    fn coordinates_and_actors() {
        assert_eq!(parse_coordinate(" -8.0029 "), Some(-8.0029));
        assert_eq!(parse_coordinate(""), None);
        assert_eq!(parse_coordinate("NaN"), None);
        assert_eq!(parse_coordinate("12,5"), None);
        let a: Vec<_> = split_actors("GATIA, MSA", ',').collect();
        assert_eq!(a, ["GATIA", "MSA"]);
        let a: Vec<_> = split_actors(" A; ;B ;", ';').collect();
        assert_eq!(a, ["A", "B"]);
    }

    #[test]
    fn ged_codes() {
        assert_eq!(
            ged_violence_type(3).unwrap().0,
            "Violence against civilians"
        );
        assert_eq!(ged_violence_type(2).unwrap().1, "Non-state conflict");
        assert_eq!(ged_violence_type(4), None);
        assert_eq!(ged_precision(1), Some(1));
        assert_eq!(ged_precision(2), Some(2));
        assert_eq!(ged_precision(6), Some(3));
        assert_eq!(ged_precision(8), None);
        assert_eq!(ged_precision(0), None);
    }
}
