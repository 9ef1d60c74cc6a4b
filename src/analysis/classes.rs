//! Class breaks for choropleths, by one stated method (named in legends and the README):
//! **quantiles of the units' values, zeros included, rounded to two significant figures**;
//! breaks that round to the same value are merged, so there may be fewer classes than
//! asked (nine regions with many zeros do not get five classes of near-identical
//! bounds). The first break is 0 (rates are never negative) and the last is the highest
//! value rounded up, so every unit falls in exactly one class.

/// The method, as legends name it.
pub const METHOD: &str = "quantile classes, rounded to 2 significant figures";

/// Breaks of at most `classes` classes over `values` (class i runs from `breaks[i]` to
/// `breaks[i + 1]`); at least two breaks, strictly increasing.
pub fn quantile_breaks(values: &[f64], classes: usize) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let classes = classes.max(1);
    let top = v.last().copied().unwrap_or(0.0).max(0.0);
    let last = if top > 0.0 {
        round_sig(top, Rounding::Up)
    } else {
        1.0
    };
    let mut breaks = vec![0.0];
    for k in 1..classes {
        if v.is_empty() {
            break;
        }
        let q = v[(k * (v.len() - 1)) / classes];
        let b = round_sig(q, Rounding::Nearest);
        if b > *breaks.last().expect("starts with 0") && b < last {
            breaks.push(b);
        }
    }
    breaks.push(last);
    breaks
}

/// Classes of rates with a class of its own for zero: class 0 holds exactly 0; class
/// k ≥ 1 holds (`breaks[k-1]`, `breaks[k]`], the breaks being [`quantile_breaks`] of the
/// positive values only (so a map with many zero units still spreads its colours over
/// the units with events). Every finite value ≥ 0 up to the largest falls in exactly one
/// class.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ZeroClasses {
    /// 0, then the upper bound of each positive class (strictly increasing).
    pub breaks: Vec<f64>,
}

/// The method of [`ZeroClasses`], as legends name it.
pub const ZERO_METHOD: &str =
    "0, then quantiles of the non-zero rates (rounded to 2 significant figures)";

impl ZeroClasses {
    /// At most `classes` positive classes over the positive values of `values` (at
    /// least one, even without any).
    pub fn new(values: &[f64], classes: usize) -> ZeroClasses {
        let positive: Vec<f64> = values
            .iter()
            .copied()
            .filter(|v| v.is_finite() && *v > 0.0)
            .collect();
        ZeroClasses {
            breaks: quantile_breaks(&positive, classes),
        }
    }

    /// Number of classes, the zero class included.
    pub fn len(&self) -> usize {
        self.breaks.len()
    }

    /// Never empty: the zero class is always there.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The class of `v`: 0 for 0 (and anything not > 0), else the first positive class
    /// whose upper bound is ≥ `v` (values above the top go to the top class).
    pub fn class_of(&self, v: f64) -> usize {
        // NaN and negatives too: none of them is a rate above zero.
        if v.is_nan() || v <= 0.0 {
            return 0;
        }
        self.breaks[1..]
            .iter()
            .position(|b| v <= *b)
            .map_or(self.breaks.len() - 1, |k| k + 1)
    }

    /// "0", "≤ 0.5", "0.5–1.2", …: each class's label, numbers as `format` writes them
    /// (the first positive class excludes 0, hence "≤").
    pub fn labels(&self, format: impl Fn(f64) -> String) -> Vec<String> {
        let mut out = vec!["0".to_string()];
        out.extend(self.breaks.windows(2).map(|w| match w[0] {
            0.0 => format!("≤ {}", format(w[1])),
            _ => format!("{}–{}", format(w[0]), format(w[1])),
        }));
        out
    }
}

#[derive(Clone, Copy)]
enum Rounding {
    Nearest,
    Up,
}

/// `x` (> 0) to two significant figures.
fn round_sig(x: f64, how: Rounding) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let step = 10f64.powi(x.log10().floor() as i32 - 1);
    let n = x / step;
    let n = match how {
        Rounding::Nearest => n.round(),
        // A hair of tolerance: 2.3 stays 2.3, not 2.4, when float noise makes it 2.3000001.
        Rounding::Up => (n - 1e-9).ceil(),
    };
    // Decimal-exact for printing: 0.1 * 23 is 2.3000000000000003 otherwise.
    let digits = (-(step.log10().round() as i32)).max(0) as usize;
    format!("{:.*}", digits, n * step)
        .parse()
        .unwrap_or(n * step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_are_rounded_increasing_and_cover_every_value() {
        let values = [0.0, 0.0, 0.0, 0.0, 0.12345, 0.5, 1.234, 3.7, 12.56];
        let b = quantile_breaks(&values, 5);
        assert_eq!(b.first(), Some(&0.0));
        assert_eq!(b.last(), Some(&13.0));
        assert!(b.windows(2).all(|w| w[0] < w[1]), "{b:?}");
        // The zeros collapse the lower quantiles into one class.
        assert!(b.len() <= 6 && b.len() >= 3, "{b:?}");
        for x in values {
            let n = b.windows(2).filter(|w| w[0] <= x && x <= w[1]).count();
            assert!(n >= 1, "{x} in no class of {b:?}");
        }
        for x in &b {
            assert!(format!("{x}").trim_start_matches("0.").len() <= 3, "{b:?}");
        }
    }

    #[test]
    fn degenerate_inputs_still_give_one_class() {
        assert_eq!(quantile_breaks(&[], 5), vec![0.0, 1.0]);
        assert_eq!(quantile_breaks(&[0.0, 0.0], 5), vec![0.0, 1.0]);
        assert_eq!(quantile_breaks(&[2.3], 5), vec![0.0, 2.3]);
    }

    #[test]
    fn zero_has_its_own_class_and_every_value_exactly_one() {
        let values = [
            0.0, 0.0, 0.0, 0.0, 0.0, 0.12345, 0.5, 1.234, 3.7, 12.56, 40.0,
        ];
        let c = ZeroClasses::new(&values, 5);
        assert_eq!(c.breaks.first(), Some(&0.0));
        assert_eq!(c.breaks.last(), Some(&40.0));
        // Quantiles of the six positive values only: the zeros do not eat the classes.
        assert_eq!(c.len(), 6, "{:?}", c.breaks);
        assert_eq!(c.class_of(0.0), 0);
        for v in values.iter().filter(|v| **v > 0.0) {
            let k = c.class_of(*v);
            assert!(
                k >= 1 && c.breaks[k - 1] < *v && *v <= c.breaks[k],
                "{v}: {k} of {:?}",
                c.breaks
            );
        }
        // A value exactly on a break belongs to the class below it.
        assert_eq!(c.class_of(c.breaks[1]), 1);
        assert_eq!(c.class_of(1e9), c.len() - 1);
        let labels = c.labels(|v| v.to_string());
        assert_eq!(labels[0], "0");
        assert_eq!(labels[1], format!("≤ {}", c.breaks[1]));
        assert_eq!(labels[2], format!("{}–{}", c.breaks[1], c.breaks[2]));
        assert_eq!(c.labels(|v| v.to_string()).len(), c.len());
        let none = ZeroClasses::new(&[0.0, 0.0], 5);
        assert_eq!((none.len(), none.class_of(0.0)), (2, 0));
    }

    #[test]
    fn two_significant_figures() {
        assert_eq!(round_sig(1234.0, Rounding::Nearest), 1200.0);
        assert_eq!(round_sig(1234.0, Rounding::Up), 1300.0);
        assert_eq!(round_sig(0.012345, Rounding::Nearest), 0.012);
        assert_eq!(round_sig(2.3, Rounding::Up), 2.3);
    }
}
