//! The spread tables: distance profiles as tidy CSV (one line per target, band, category
//! and year), their yearly statistics as CSV, and both as JSON and Markdown.

use std::fmt::Write as _;

use serde::Serialize;

use crate::analysis::spread::Profile;
use crate::output::tables::SYNTHETIC_NOTICE;

/// Tidy CSV of the band counts: `{id_column}, band_from_km, band_to_km, category_id, year,
/// events, fatalities, synthetic` (`band_to_km` empty for the open last band).
pub fn bands_csv(profiles: &[Profile], id_column: &str, synthetic: bool) -> csv::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        id_column,
        "band_from_km",
        "band_to_km",
        "category_id",
        "year",
        "events",
        "fatalities",
        "synthetic",
    ])?;
    for p in profiles {
        for b in &p.bands {
            w.write_record([
                p.id.as_str(),
                &b.band_from_km.to_string(),
                &b.band_to_km.map(|v| v.to_string()).unwrap_or_default(),
                &b.category_id,
                &b.year.to_string(),
                &b.events.to_string(),
                &b.fatalities.to_string(),
                bool_str(synthetic),
            ])?;
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// CSV of the yearly statistics: `{id_column}, category_id, year, events, fatalities,
/// median_km, p10_km, share_within_{D}km…, synthetic` (distances to 0.1 km, shares to
/// 0.0001; empty in years without events).
pub fn years_csv(profiles: &[Profile], id_column: &str, synthetic: bool) -> csv::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let within: Vec<String> = profiles
        .first()
        .and_then(|p| p.years.first())
        .map(|y| {
            y.shares
                .iter()
                .map(|s| format!("share_within_{}km", s.within_km))
                .collect()
        })
        .unwrap_or_default();
    let mut header = vec![
        id_column,
        "category_id",
        "year",
        "events",
        "fatalities",
        "median_km",
        "p10_km",
    ];
    header.extend(within.iter().map(String::as_str));
    header.push("synthetic");
    w.write_record(&header)?;
    for p in profiles {
        for y in &p.years {
            let mut rec = vec![
                p.id.clone(),
                y.category_id.clone(),
                y.year.to_string(),
                y.events.to_string(),
                y.fatalities.to_string(),
                km1(y.median_km),
                km1(y.p10_km),
            ];
            rec.extend(
                y.shares
                    .iter()
                    .map(|s| s.share.map(|v| format!("{v:.4}")).unwrap_or_default()),
            );
            rec.push(bool_str(synthetic).to_string());
            w.write_record(&rec)?;
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

fn bool_str(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

fn km1(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_default()
}

/// What the spread tables are about, printed with them.
#[derive(Debug, Clone, Serialize)]
pub struct SpreadContext {
    pub title: String,
    pub input: String,
    pub attribution: String,
    pub synthetic: bool,
    /// Definitions and filters, one sentence each.
    pub notes: Vec<String>,
    /// The key numbers, one sentence each.
    pub sentences: Vec<String>,
    /// Category id → label.
    pub categories: Vec<(String, String)>,
}

#[derive(Serialize)]
struct Json<'a> {
    #[serde(flatten)]
    context: &'a SpreadContext,
    centres: &'a [Profile],
    borders: &'a [Profile],
}

pub fn to_json(
    context: &SpreadContext,
    centres: &[Profile],
    borders: &[Profile],
) -> serde_json::Result<Vec<u8>> {
    let mut v = serde_json::to_vec_pretty(&Json {
        context,
        centres,
        borders,
    })?;
    v.push(b'\n');
    Ok(v)
}

/// Markdown: the key sentences, then per target and category a table of events per band
/// and year and a table of the yearly median, 10th percentile and shares.
pub fn to_markdown(context: &SpreadContext, centres: &[Profile], borders: &[Profile]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {}\n", context.title);
    if context.synthetic {
        let _ = writeln!(s, "**{SYNTHETIC_NOTICE}**\n");
    }
    let _ = writeln!(s, "Input: {}. {}\n", context.input, context.attribution);
    for line in &context.sentences {
        let _ = writeln!(s, "- {line}");
    }
    if !context.sentences.is_empty() {
        s.push('\n');
    }
    for p in centres.iter().chain(borders) {
        for (cat, label) in &context.categories {
            let _ = writeln!(s, "## Distance to {}: {label}\n", p.to);
            profile_tables(&mut s, p, cat);
        }
    }
    if !context.notes.is_empty() {
        let _ = writeln!(s, "Notes:\n");
        for n in &context.notes {
            let _ = writeln!(s, "- {n}");
        }
    }
    s
}

/// The band table (events, deaths in brackets) and the statistics table of one category.
pub fn profile_tables(s: &mut String, p: &Profile, category: &str) {
    let years: Vec<_> = p
        .years
        .iter()
        .filter(|y| y.category_id == category)
        .collect();
    let mut bands: Vec<(f64, Option<f64>)> = Vec::new();
    for b in p.bands.iter().filter(|b| b.category_id == category) {
        if !bands.contains(&(b.band_from_km, b.band_to_km)) {
            bands.push((b.band_from_km, b.band_to_km));
        }
    }
    let _ = write!(s, "| Year |");
    for (from, to) in &bands {
        match to {
            Some(to) => {
                let _ = write!(s, " {from}–{to} km |");
            }
            None => {
                let _ = write!(s, " > {from} km |");
            }
        }
    }
    let _ = writeln!(s, " All |");
    let _ = writeln!(s, "|---|{}---:|", "---:|".repeat(bands.len()));
    for y in &years {
        let _ = write!(s, "| {} |", y.year);
        for band in &bands {
            let c = p
                .bands
                .iter()
                .find(|b| {
                    b.category_id == category
                        && b.year == y.year
                        && (b.band_from_km, b.band_to_km) == *band
                })
                .expect("every band has every year");
            let _ = write!(s, " {} ({}) |", c.events, c.fatalities);
        }
        let _ = writeln!(s, " {} ({}) |", y.events, y.fatalities);
    }
    let _ = writeln!(s, "\nEvents (deaths) per distance band and year.\n");
    let shares: Vec<f64> = years
        .first()
        .map(|y| y.shares.iter().map(|s| s.within_km).collect())
        .unwrap_or_default();
    let _ = write!(s, "| Year | Events | Median km | 10th pct. km |");
    for w in &shares {
        let _ = write!(s, " Within {w} km |");
    }
    let _ = writeln!(s, "\n|---|---:|---:|---:|{}", "---:|".repeat(shares.len()));
    for y in &years {
        let _ = write!(
            s,
            "| {} | {} | {} | {} |",
            y.year,
            y.events,
            dash(km1(y.median_km)),
            dash(km1(y.p10_km))
        );
        for sh in &y.shares {
            let v = sh.share.map(|v| format!("{:.0} %", v * 100.0));
            let _ = write!(s, " {} |", v.unwrap_or_else(|| "–".into()));
        }
        s.push('\n');
    }
    s.push('\n');
}

fn dash(v: String) -> String {
    if v.is_empty() { "–".into() } else { v }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::spread::{Bands, Observation, ProfileSpec, profile};
    use crate::units::Km;

    fn sample() -> Profile {
        let cats = vec!["a".to_string()];
        let bands = Bands::new(&[0.0, 50.0]).unwrap();
        let within = [Km::new(150.0).unwrap()];
        let spec = ProfileSpec {
            categories: &cats,
            years: 2020..=2021,
            bands: &bands,
            within: &within,
        };
        let obs = [
            Observation {
                year: 2020,
                categories: 1,
                distance: Km::new(10.0).unwrap(),
                fatalities: 3,
            },
            Observation {
                year: 2020,
                categories: 1,
                distance: Km::new(400.0).unwrap(),
                fatalities: 0,
            },
        ];
        profile("bamako", "Bamako", &obs, &spec)
    }

    #[test]
    fn tidy_csv_has_a_line_per_band_category_and_year() {
        let csv = String::from_utf8(bands_csv(&[sample()], "centre_id", true).unwrap()).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "centre_id,band_from_km,band_to_km,category_id,year,events,fatalities,synthetic"
        );
        assert_eq!(lines[1], "bamako,0,50,a,2020,1,3,true");
        assert_eq!(lines[3], "bamako,50,,a,2020,1,0,true");
        assert_eq!(lines.len(), 5);
        let years = String::from_utf8(years_csv(&[sample()], "centre_id", false).unwrap()).unwrap();
        let lines: Vec<&str> = years.lines().collect();
        assert_eq!(
            lines[0],
            "centre_id,category_id,year,events,fatalities,median_km,p10_km,share_within_150km,synthetic"
        );
        assert_eq!(lines[1], "bamako,a,2020,2,3,205.0,49.0,0.5000,false");
        assert_eq!(lines[2], "bamako,a,2021,0,0,,,,false");
    }

    #[test]
    fn markdown_says_synthetic_and_lists_sentences() {
        let ctx = SpreadContext {
            title: "T".into(),
            input: "x.csv".into(),
            attribution: "Data: X".into(),
            synthetic: true,
            notes: vec!["n".into()],
            sentences: vec!["s1".into()],
            categories: vec![("a".into(), "Attacks".into())],
        };
        let md = to_markdown(&ctx, &[sample()], &[]);
        assert!(md.contains(SYNTHETIC_NOTICE));
        assert!(md.contains("- s1"));
        assert!(md.contains("| 2020 | 1 (3) | 1 (0) | 2 (3) |"), "{md}");
        assert!(md.contains("| 2021 | 0 | – | – | – |"), "{md}");
    }
}
