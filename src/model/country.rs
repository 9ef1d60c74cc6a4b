//! Which country an event belongs to, as its source codes it.
//!
//! DOMAIN.md: an event belongs to the study country when its source codes it so (ACLED
//! `iso` / `iso3` / `country`, UCDP GED `country_id` / `country`); the outline, which is
//! generalised, decides only for sources without such a field. ACLED places border towns
//! on or just past the Natural Earth line (Andéramboukane, 15.422 N 3.022 E), and those
//! are still the country's events.
//!
//! [`CountryCodes`] holds the study country's codes and names (from the study's
//! `[country]` section); [`CountryCodes::judge`] compares a row's codes with them.

use std::fmt;

use serde::Serialize;

use super::boundaries::fold_name;

/// How an event relates to the study country. One byte on every event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CountryMatch {
    /// Inside the outline, and coded as the country (or not coded at all).
    #[default]
    Inside,
    /// Coded as the country by its source, but outside the (generalised) outline: kept,
    /// and counted as the country's everywhere (zones measure from the nearest point of
    /// the outline).
    CodedOutsideOutline,
    /// Not the country's event: coded as another country, or outside the outline with no
    /// code. Only read when the user keeps such events (`--keep-outside`).
    Outside,
}

impl CountryMatch {
    /// True if the event counts as the study country's.
    pub fn in_country(self) -> bool {
        self != CountryMatch::Outside
    }
}

/// What decides whether an event is the study country's (`--country-by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum CountryBy {
    /// The source's country code when the row has one, else the outline.
    #[default]
    Source,
    /// The outline only, whatever the source says.
    Outline,
}

/// The country codes a row carries (any may be absent).
#[derive(Debug, Clone, Copy, Default)]
pub struct SourceCountry<'a> {
    /// ACLED `iso` (ISO 3166-1 numeric) or UCDP GED `country_id` (Gleditsch-Ward).
    pub numeric: Option<&'a str>,
    /// What kind of number `numeric` is.
    pub numeric_kind: NumericCode,
    /// ACLED `iso3` (older exports).
    pub iso3: Option<&'a str>,
    /// ACLED / GED `country`: the country's name.
    pub name: Option<&'a str>,
}

/// The numbering a source's numeric country code follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NumericCode {
    /// ISO 3166-1 numeric (ACLED `iso`: Mali 466).
    #[default]
    Iso,
    /// Gleditsch-Ward state number (UCDP GED `country_id`: Mali 432).
    GleditschWard,
}

/// A row's verdict: coded as the study country, or as another one (named as the row
/// names it, for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coded {
    Same,
    Other(String),
}

/// The study country's codes and names, as sources write them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CountryCodes {
    /// As shown to users ("Mali").
    pub name: String,
    pub iso_numeric: Option<u16>,
    pub gw_code: Option<u16>,
    pub iso3: Option<String>,
    /// Folded names (the country's name and its aliases): "mali".
    names: Vec<String>,
}

impl CountryCodes {
    /// `names` are other spellings sources use ("Ivory Coast" for Côte d'Ivoire); the
    /// country's own name always counts.
    pub fn new(
        name: &str,
        iso3: Option<&str>,
        iso_numeric: Option<u16>,
        gw_code: Option<u16>,
        names: &[String],
    ) -> Self {
        let mut folded: Vec<String> = std::iter::once(name)
            .chain(names.iter().map(String::as_str))
            .map(fold_name)
            .filter(|n| !n.is_empty())
            .collect();
        folded.dedup();
        CountryCodes {
            name: name.to_string(),
            iso_numeric,
            gw_code,
            iso3: iso3.map(|s| s.trim().to_ascii_uppercase()),
            names: folded,
        }
    }

    /// Compares a row's codes with the study country's. The most specific code both
    /// sides have decides (numeric, then ISO3, then name); `None` when none can be
    /// compared (no code in the row, or none the study knows): the outline decides.
    pub fn judge(&self, row: &SourceCountry) -> Option<Coded> {
        fn present(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let ours = match row.numeric_kind {
            NumericCode::Iso => self.iso_numeric,
            NumericCode::GleditschWard => self.gw_code,
        };
        if let (Some(raw), Some(ours)) = (present(row.numeric), ours)
            && let Ok(n) = raw.parse::<f64>()
        {
            return Some(if n == f64::from(ours) {
                Coded::Same
            } else {
                Coded::Other(other_label(row, raw))
            });
        }
        if let (Some(raw), Some(ours)) = (present(row.iso3), &self.iso3) {
            return Some(if raw.eq_ignore_ascii_case(ours) {
                Coded::Same
            } else {
                Coded::Other(other_label(row, raw))
            });
        }
        let raw = present(row.name)?;
        Some(if self.is_named(raw) {
            Coded::Same
        } else {
            Coded::Other(raw.to_string())
        })
    }
}

impl CountryCodes {
    /// True if `raw` is one of the country's names, folded as [`fold_name`] folds them.
    /// Asked for every row of a file whose rows carry only a name, so an ASCII name (the
    /// usual case) is folded on the fly, without allocating.
    fn is_named(&self, raw: &str) -> bool {
        if !raw.is_ascii() {
            return self.names.contains(&fold_name(raw));
        }
        self.names.iter().any(|n| n.chars().eq(fold_ascii(raw)))
    }
}

/// [`fold_name`] of ASCII text, as characters: letters and digits lower-cased, each run
/// of other characters between words one space.
fn fold_ascii(raw: &str) -> impl Iterator<Item = char> + '_ {
    let mut gap = false;
    let mut started = false;
    raw.chars().flat_map(move |c| {
        let out = if c.is_ascii_alphanumeric() {
            let space = (gap && started).then_some(' ');
            (gap, started) = (false, true);
            [space, Some(c.to_ascii_lowercase())]
        } else {
            gap = true;
            [None, None]
        };
        out.into_iter().flatten()
    })
}

/// How a row coded as another country is named in messages: its name if it has one,
/// else the code that decided.
fn other_label(row: &SourceCountry, code: &str) -> String {
    match row.name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => format!("{name} ({code})"),
        None => code.to_string(),
    }
}

impl fmt::Display for CountryBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CountryBy::Source => "source",
            CountryBy::Outline => "outline",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mali() -> CountryCodes {
        CountryCodes::new("Mali", Some("mli"), Some(466), Some(432), &[])
    }

    fn row<'a>(
        numeric: Option<&'a str>,
        iso3: Option<&'a str>,
        name: Option<&'a str>,
    ) -> SourceCountry<'a> {
        SourceCountry {
            numeric,
            numeric_kind: NumericCode::Iso,
            iso3,
            name,
        }
    }

    #[test]
    fn numeric_code_decides_first() {
        let m = mali();
        assert_eq!(
            m.judge(&row(Some("466"), None, Some("Niger"))),
            Some(Coded::Same)
        );
        assert_eq!(
            m.judge(&row(Some(" 562 "), None, Some("Niger"))),
            Some(Coded::Other("Niger (562)".into()))
        );
        // Spreadsheets write codes as decimals.
        assert_eq!(m.judge(&row(Some("466.0"), None, None)), Some(Coded::Same));
        let ged = SourceCountry {
            numeric: Some("432"),
            numeric_kind: NumericCode::GleditschWard,
            iso3: None,
            name: Some("Mali"),
        };
        assert_eq!(m.judge(&ged), Some(Coded::Same));
        // GED's 466 is not Mali (GW numbering): Mali's GW code is 432.
        let other = SourceCountry {
            numeric: Some("466"),
            ..ged
        };
        assert!(matches!(m.judge(&other), Some(Coded::Other(_))));
    }

    #[test]
    fn falls_back_to_iso3_then_name_then_outline() {
        let m = mali();
        assert_eq!(
            m.judge(&row(Some(""), Some("MLI"), None)),
            Some(Coded::Same)
        );
        assert_eq!(
            m.judge(&row(None, Some("NER"), None)),
            Some(Coded::Other("NER".into()))
        );
        assert_eq!(m.judge(&row(None, None, Some(" MALI "))), Some(Coded::Same));
        assert_eq!(
            m.judge(&row(None, None, Some("Burkina Faso"))),
            Some(Coded::Other("Burkina Faso".into()))
        );
        assert_eq!(m.judge(&row(None, Some(" "), Some(""))), None);
        assert_eq!(m.judge(&SourceCountry::default()), None);
        // A numeric code the study does not know: the next field decides.
        let bare = CountryCodes::new("Mali", None, None, None, &[]);
        assert_eq!(
            bare.judge(&row(Some("562"), Some("NER"), Some("Mali"))),
            Some(Coded::Same)
        );
    }

    #[test]
    fn ascii_names_fold_as_fold_name_does() {
        for raw in [
            "Mali",
            " MALI ",
            "Cote d'Ivoire",
            "--Burkina   Faso!",
            "",
            "a1-b2",
            "x",
        ] {
            assert_eq!(
                fold_ascii(raw).collect::<String>(),
                fold_name(raw),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn aliases_and_accents_match() {
        let civ = CountryCodes::new(
            "Côte d'Ivoire",
            Some("CIV"),
            None,
            None,
            &["Ivory Coast".into()],
        );
        assert_eq!(
            civ.judge(&row(None, None, Some("Cote d'Ivoire"))),
            Some(Coded::Same)
        );
        assert_eq!(
            civ.judge(&row(None, None, Some("Ivory Coast"))),
            Some(Coded::Same)
        );
    }

    #[test]
    fn only_outside_is_out_of_the_country() {
        assert!(CountryMatch::Inside.in_country());
        assert!(CountryMatch::CodedOutsideOutline.in_country());
        assert!(!CountryMatch::Outside.in_country());
    }
}
