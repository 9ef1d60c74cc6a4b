//! The `[spread]` section of a study: the distance bands and "share within" distances of
//! `conflictmap spread` and the report's Spread section. Command-line flags override
//! every key; keys left out keep the built-in defaults.
//!
//! ```toml
//! [spread]
//! centre_bands = [0, 50, 100, 150, 200, 300, 500]   # km from a ring's centre; last band open
//! border_bands = [0, 25, 50, 100, 200]              # km from the borders, inside the country
//! within = [150, 300]                               # km: the yearly "share within" columns
//! ```

use serde::{Deserialize, Serialize};

/// The `[spread]` section of a study; every key optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpreadSpec {
    /// Edges of the distance bands around a centre, km: 0 first, increasing.
    #[serde(default)]
    pub centre_bands: Option<Vec<f64>>,
    /// Edges of the distance bands from the borders, km: 0 first, increasing.
    #[serde(default)]
    pub border_bands: Option<Vec<f64>>,
    /// Distances of the "share within" columns, km (each > 0).
    #[serde(default)]
    pub within: Option<Vec<f64>>,
}

impl SpreadSpec {
    /// Checks the values serde cannot: the message names the key (`spread.centre_bands`)
    /// and the problem; the caller adds the file.
    pub fn check(&self) -> Result<(), String> {
        for (key, edges) in [
            ("centre_bands", &self.centre_bands),
            ("border_bands", &self.border_bands),
        ] {
            if let Some(edges) = edges {
                check_edges(edges)
                    .map_err(|why| format!("spread.{key} = {}: {why}", list(edges)))?;
            }
        }
        if let Some(within) = &self.within {
            if within.is_empty() {
                return Err("spread.within = []: give at least one distance in km".into());
            }
            if let Some(bad) = within.iter().find(|d| !(d.is_finite() && **d > 0.0)) {
                return Err(format!(
                    "spread.within = {}: {bad} is not a distance > 0 km",
                    list(within)
                ));
            }
        }
        Ok(())
    }
}

/// Band edges: at least two, the first 0, each a distance, strictly increasing.
fn check_edges(edges: &[f64]) -> Result<(), String> {
    if edges.len() < 2 {
        return Err("give at least two edges, e.g. [0, 50]".into());
    }
    if let Some(bad) = edges.iter().find(|e| !e.is_finite() || **e < 0.0) {
        return Err(format!("{bad} is not a distance >= 0 km"));
    }
    if edges[0] != 0.0 {
        return Err("the first edge must be 0".into());
    }
    if let Some(w) = edges.windows(2).find(|w| w[0] >= w[1]) {
        return Err(format!(
            "edges must increase ({} is followed by {})",
            w[0], w[1]
        ));
    }
    Ok(())
}

/// "[0, 50, 100]".
fn list(values: &[f64]) -> String {
    let items: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> Result<SpreadSpec, String> {
        let s: SpreadSpec = toml::from_str(text).map_err(|e| e.to_string())?;
        s.check().map(|_| s)
    }

    #[test]
    fn keys_are_optional_and_integers_read_as_km() {
        assert_eq!(spec("").unwrap(), SpreadSpec::default());
        let s = spec("centre_bands = [0, 100, 250.5]\nwithin = [100]").unwrap();
        assert_eq!(s.centre_bands, Some(vec![0.0, 100.0, 250.5]));
        assert_eq!(s.border_bands, None);
        assert_eq!(s.within, Some(vec![100.0]));
    }

    #[test]
    fn bad_edges_name_the_key_and_the_problem() {
        for (text, needle) in [
            (
                "centre_bands = [0, 100, 50]",
                "spread.centre_bands = [0, 100, 50]: edges must increase (100 is followed by 50)",
            ),
            (
                "border_bands = [0, 50, 50]",
                "spread.border_bands = [0, 50, 50]: edges must increase",
            ),
            (
                "border_bands = [0, -25, 50]",
                "spread.border_bands = [0, -25, 50]: -25 is not a distance >= 0 km",
            ),
            ("centre_bands = [10, 50]", "the first edge must be 0"),
            ("centre_bands = [0]", "at least two edges"),
            (
                "within = [150, 0]",
                "spread.within = [150, 0]: 0 is not a distance > 0 km",
            ),
            ("within = []", "spread.within = []"),
        ] {
            let e = spec(text).unwrap_err();
            assert!(e.contains(needle), "{text}: {e}");
        }
        assert!(spec("bands = [0, 50]").unwrap_err().contains("bands"));
    }
}
