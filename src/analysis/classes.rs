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
    fn two_significant_figures() {
        assert_eq!(round_sig(1234.0, Rounding::Nearest), 1200.0);
        assert_eq!(round_sig(1234.0, Rounding::Up), 1300.0);
        assert_eq!(round_sig(0.012345, Rounding::Nearest), 0.012);
        assert_eq!(round_sig(2.3, Rounding::Up), 2.3);
    }
}
