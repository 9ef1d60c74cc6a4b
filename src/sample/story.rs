//! The story the sample tells, year by year: how many events, of which kinds, in which
//! zones. Numbers are shaped after ACLED's Mali record and the ACSS report (Sept 2024):
//! rebellion and jihadist takeover in the north in 2012, spread to the centre from 2015,
//! then toward Bamako and the southern borders from 2020, with state violence against
//! civilians rising from 2019 and again with Wagner from 2022.
//!
//! Tables are anchored on calendar years and interpolated linearly between anchors;
//! years outside the anchors take the nearest anchor's value.

/// What happens in an event; decides event type, actors, zones and fatalities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Battles with a militant Islamist group on one side.
    MilitantBattle,
    /// Violence against civilians by a militant Islamist group.
    MilitantCivilians,
    /// IEDs, shelling and suicide bombs by a militant Islamist group.
    MilitantRemote,
    /// Strategic developments by a militant Islamist group (looting, bases, ...).
    MilitantDevelopment,
    /// Violence against civilians by the Malian state (with Wagner / Africa Corps).
    StateCivilians,
    /// Air and drone strikes by state forces.
    StateRemote,
    /// Ethnic and communal militias (Dan Na Ambassagou, Dozo, Fulani militias).
    Militia,
    /// Violence against civilians by an unidentified armed group.
    Unidentified,
    /// Battles of the northern armed movements (MNLA, CMA, GATIA, CSP-PSD).
    Rebels,
    Protest,
    Riot,
    /// Strategic developments by other actors (arrests, agreements, defused IEDs).
    Development,
}

impl Kind {
    pub(crate) const ALL: [Kind; 12] = [
        Kind::MilitantBattle,
        Kind::MilitantCivilians,
        Kind::MilitantRemote,
        Kind::MilitantDevelopment,
        Kind::StateCivilians,
        Kind::StateRemote,
        Kind::Militia,
        Kind::Unidentified,
        Kind::Rebels,
        Kind::Protest,
        Kind::Riot,
        Kind::Development,
    ];

    pub(crate) fn is_militant(self) -> bool {
        matches!(
            self,
            Kind::MilitantBattle
                | Kind::MilitantCivilians
                | Kind::MilitantRemote
                | Kind::MilitantDevelopment
        )
    }
}

/// Anchor years of the kind table below.
const KIND_YEARS: [i32; 9] = [2012, 2013, 2015, 2017, 2019, 2020, 2022, 2023, 2024];

/// Relative frequency of each kind (rows in [`Kind::ALL`] order) at [`KIND_YEARS`].
const KIND_WEIGHTS: [[f64; 9]; 12] = [
    [13.0, 12.0, 12.0, 14.0, 15.0, 16.0, 17.0, 17.0, 17.0], // militant battles
    [5.0, 5.0, 7.0, 9.0, 12.0, 13.0, 14.0, 13.0, 13.0],     // militant vs civilians
    [3.0, 8.0, 10.0, 12.0, 11.0, 10.0, 9.0, 9.0, 9.0],      // militant remote violence
    [6.0, 5.0, 6.0, 6.0, 6.0, 5.0, 6.0, 6.0, 6.0],          // militant developments
    [2.0, 3.0, 1.5, 2.0, 4.0, 5.0, 9.0, 9.0, 10.0],         // state vs civilians
    [1.0, 2.0, 1.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],          // state air/drone strikes
    [1.0, 1.0, 2.0, 5.0, 9.0, 7.0, 5.0, 4.0, 3.0],          // militias
    [3.0, 3.0, 4.0, 5.0, 6.0, 6.0, 5.0, 5.0, 5.0],          // unidentified armed groups
    [18.0, 8.0, 7.0, 5.0, 2.0, 1.0, 1.0, 4.0, 3.0],         // northern armed movements
    [25.0, 22.0, 22.0, 20.0, 18.0, 20.0, 15.0, 14.0, 13.0], // protests
    [8.0, 6.0, 6.0, 5.0, 4.0, 5.0, 3.0, 3.0, 3.0],          // riots
    [12.0, 15.0, 14.0, 11.0, 8.0, 7.0, 8.0, 8.0, 8.0],      // other developments
];

/// Events in a full year (ACLED Mali order of magnitude); scaled to the requested rows.
const VOLUME: [(i32, f64); 13] = [
    (2012, 310.0),
    (2013, 360.0),
    (2014, 240.0),
    (2015, 330.0),
    (2016, 380.0),
    (2017, 560.0),
    (2018, 880.0),
    (2019, 1000.0),
    (2020, 1250.0),
    (2021, 1420.0),
    (2022, 1850.0),
    (2023, 1780.0),
    (2024, 1800.0),
];

/// Share of militant Islamist events within ~150 km of Bamako: 3 (2020) → 13 (2022) →
/// a few dozen (2024, full-year rate) attacks at the default 8,000 rows.
const MILITANT_RING: [(i32, f64); 8] = [
    (2014, 0.0),
    (2015, 0.004),
    (2019, 0.004),
    (2020, 0.0095),
    (2021, 0.016),
    (2022, 0.024),
    (2023, 0.040),
    (2024, 0.065),
];

/// Share near the borders with Côte d'Ivoire, Guinea, Senegal and Mauritania: none
/// before 2023 ("virtually none in earlier years").
const MILITANT_BORDER: [(i32, f64); 3] = [(2022, 0.0), (2023, 0.02), (2024, 0.04)];
const MILITANT_SOUTH: [(i32, f64); 6] = [
    (2014, 0.0),
    (2015, 0.01),
    (2019, 0.015),
    (2020, 0.02),
    (2022, 0.04),
    (2024, 0.06),
];
const MILITANT_CENTRE: [(i32, f64); 7] = [
    (2012, 0.08),
    (2014, 0.10),
    (2015, 0.35),
    (2017, 0.55),
    (2019, 0.62),
    (2022, 0.55),
    (2024, 0.50),
];

/// Piecewise-linear interpolation in a table sorted by year, clamped at both ends.
pub(crate) fn lerp(table: &[(i32, f64)], year: i32) -> f64 {
    let (first, last) = (table[0], table[table.len() - 1]);
    if year <= first.0 {
        return first.1;
    }
    if year >= last.0 {
        return last.1;
    }
    let i = table
        .iter()
        .position(|&(y, _)| y > year)
        .unwrap_or(table.len() - 1);
    let ((y0, v0), (y1, v1)) = (table[i - 1], table[i]);
    v0 + (v1 - v0) * f64::from(year - y0) / f64::from(y1 - y0)
}

/// Events in a full `year`, before scaling.
pub(crate) fn volume(year: i32) -> f64 {
    lerp(&VOLUME, year)
}

/// Relative weights of [`Kind::ALL`] in `year`.
pub(crate) fn kind_weights(year: i32) -> [f64; 12] {
    std::array::from_fn(|k| {
        let table: Vec<(i32, f64)> = KIND_YEARS.iter().copied().zip(KIND_WEIGHTS[k]).collect();
        lerp(&table, year)
    })
}

/// Relative weights of the zones (in `Zone` declaration order:
/// north, centre, south, Bamako ring, border) for an event of `kind` in `year`,
/// or `None` when the kind is spread over all places by population (protests, riots).
pub(crate) fn zone_weights(kind: Kind, year: i32) -> Option<[f64; 5]> {
    let late = year >= 2023;
    let weights = |north: f64, centre: f64, south: f64, ring: f64, border: f64| {
        Some([north, centre, south, ring, border])
    };
    match kind {
        k if k.is_militant() => {
            let ring = lerp(&MILITANT_RING, year);
            let border = lerp(&MILITANT_BORDER, year);
            let south = lerp(&MILITANT_SOUTH, year);
            let centre = lerp(&MILITANT_CENTRE, year);
            let north = (1.0 - ring - border - south - centre).max(0.0);
            weights(north, centre, south, ring, border)
        }
        Kind::StateCivilians => {
            let north = if late { 0.25 } else { 0.15 };
            let border = if late { 0.02 } else { 0.0 };
            let ring = if year >= 2019 { 0.02 } else { 0.0 };
            weights(north, 0.72, 0.06, ring, border)
        }
        Kind::StateRemote => weights(0.4, 0.58, if year >= 2022 { 0.02 } else { 0.0 }, 0.0, 0.0),
        Kind::Militia => weights(0.0, 0.92, 0.08, 0.0, 0.0),
        Kind::Unidentified => weights(0.3, 0.55, 0.1, 0.04, if late { 0.02 } else { 0.0 }),
        Kind::Rebels => weights(1.0, 0.0, 0.0, 0.0, 0.0),
        Kind::Protest | Kind::Riot | Kind::Development => None,
        _ => unreachable!("militant kinds handled above"),
    }
}

/// Fatalities: many 0-2, a heavy (Pareto) tail up to massacres of 50+ for some kinds.
/// Returns (share of events without deaths, Pareto shape, cap).
pub(crate) fn fatality_model(kind: Kind) -> Option<(f64, f64, f64)> {
    match kind {
        Kind::MilitantBattle => Some((0.35, 1.25, 300.0)),
        Kind::MilitantCivilians => Some((0.30, 1.15, 200.0)),
        Kind::MilitantRemote => Some((0.50, 1.6, 60.0)),
        Kind::StateCivilians => Some((0.10, 1.05, 500.0)),
        Kind::StateRemote => Some((0.40, 1.4, 80.0)),
        Kind::Militia => Some((0.30, 1.15, 200.0)),
        Kind::Unidentified => Some((0.35, 1.5, 50.0)),
        Kind::Rebels => Some((0.40, 1.3, 150.0)),
        Kind::Riot => Some((0.92, 2.5, 5.0)),
        Kind::Protest | Kind::MilitantDevelopment | Kind::Development => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lerp_interpolates_and_clamps() {
        let t = [(2010, 0.0), (2020, 10.0)];
        assert_eq!(lerp(&t, 2000), 0.0);
        assert_eq!(lerp(&t, 2015), 5.0);
        assert_eq!(lerp(&t, 2030), 10.0);
        assert_eq!(lerp(&MILITANT_BORDER, 2022), 0.0);
        assert_eq!(lerp(&MILITANT_BORDER, 2023), 0.02);
    }

    #[test]
    fn militant_zones_sum_to_one_and_move_south() {
        for year in 2005..2035 {
            let w = zone_weights(Kind::MilitantBattle, year).unwrap();
            assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{year}: {w:?}");
        }
        let ring = |y| zone_weights(Kind::MilitantRemote, y).unwrap()[3];
        assert!(ring(2013) == 0.0 && ring(2020) < ring(2022) && ring(2022) < ring(2024));
    }
}
