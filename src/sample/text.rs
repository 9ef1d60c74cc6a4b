//! The free-text columns: notes, source, source_scale and tags. Notes follow ACLED's
//! style ("On 17 September 2024, ... (Cercle, Region). 3 fatalities.") and contain
//! commas, sometimes double quotes and, rarely, a line break: readers must parse CSV.

use std::fmt::Write;

use chrono::NaiveDate;
use rand::Rng;

use super::draft::Draft;
use super::pick;

/// Sources and their ACLED scale. The rows are invented, so no real outlet is named:
/// each source says it is synthetic, as does every note (see [`SYNTHETIC_TAG`]).
const SOURCES: [(&str, &str); 14] = [
    ("Synthetic community radio", "Subnational"),
    ("Synthetic national daily A", "National"),
    ("Synthetic national daily B", "National"),
    ("Synthetic news site A", "National"),
    ("Synthetic news site B", "National"),
    ("Synthetic weekly", "National"),
    ("Synthetic wire service A", "International"),
    ("Synthetic wire service B", "International"),
    ("Synthetic international radio", "International"),
    ("Synthetic regional magazine", "Regional"),
    ("Synthetic monitoring account", "New media"),
    ("Synthetic social media post", "New media"),
    ("Synthetic rights report", "Other"),
    ("Synthetic local partner", "Local partner-Other"),
];

/// Opens every note: these rows are not real events.
pub const SYNTHETIC_TAG: &str = "[SYNTHETIC conflictmap sample, not a real event] ";

/// Writes "source" and "source_scale" values into the two buffers.
pub(crate) fn sources(source: &mut String, scale: &mut String, rng: &mut impl Rng) {
    source.clear();
    scale.clear();
    let first = SOURCES[rng.random_range(0..SOURCES.len())];
    source.push_str(first.0);
    scale.push_str(first.1);
    if rng.random_bool(0.3) {
        let second = SOURCES[rng.random_range(0..SOURCES.len())];
        if second.0 != first.0 {
            source.push_str("; ");
            source.push_str(second.0);
            if !first.1.contains(second.1) {
                scale.push('-');
                scale.push_str(second.1);
            }
        }
    }
}

/// Crowd size for protests (tags column and the notes' "[size=...]").
pub(crate) fn crowd_size(rng: &mut impl Rng) -> String {
    match rng.random_range(0..100) {
        0..=64 => "no report".into(),
        65..=79 => "dozens".into(),
        80..=91 => "hundreds".into(),
        _ => format!("around {}", 50 * rng.random_range(1..=20)),
    }
}

/// Where the event happened, as notes write it: "Kolokani (Kolokani, Koulikoro)".
pub(crate) struct Where<'a> {
    pub location: &'a str,
    pub admin2: &'a str,
    pub admin1: &'a str,
    pub near: bool,
}

/// Writes the notes of `d` into `out`.
pub(crate) fn notes(
    out: &mut String,
    d: &Draft,
    date: NaiveDate,
    at: &Where,
    crowd: &str,
    rng: &mut impl Rng,
) {
    out.clear();
    out.push_str(SYNTHETIC_TAG);
    let _ = write!(out, "On {}, ", date.format("%-d %B %Y"));
    let a1 = d.actor1.short;
    let a2 = d.actor2.map_or("", |a| a.short);
    let sub = d.sub_event_type;
    match d.event_type {
        "Battles" => {
            let verb = pick(
                rng,
                &[
                    ("clashed with", 3.0),
                    ("attacked a position of", 1.0),
                    ("ambushed a patrol of", 1.0),
                ],
            );
            let _ = write!(out, "{a1} {verb} {a2}");
            if sub != "Armed clash" {
                let _ = write!(out, " ({})", sub.to_lowercase());
            }
        }
        "Explosions/Remote violence" => match sub {
            "Remote explosive/landmine/IED" => {
                let _ = write!(out, "a vehicle carrying {a2} hit an IED laid by {a1}");
            }
            "Air/drone strike" => {
                let _ = write!(out, "{a1} carried out a drone strike targeting {a2}");
            }
            "Suicide bomb" => {
                let _ = write!(
                    out,
                    "a suicide bomber from {a1} drove a vehicle into a position of {a2}"
                );
            }
            _ => {
                let _ = write!(out, "{a1} fired mortar shells at {a2}");
            }
        },
        "Violence against civilians" => {
            let act = match sub {
                "Abduction/forced disappearance" => "abducted",
                "Sexual violence" => "sexually assaulted",
                _ => pick(
                    rng,
                    &[
                        ("attacked", 2.0),
                        ("opened fire on", 1.0),
                        ("raided a village and attacked", 1.0),
                    ],
                ),
            };
            let _ = write!(out, "{a1} {act} {a2}");
            if !d.assoc1.is_empty() {
                let _ = write!(out, " alongside elements of {}", d.assoc1);
            }
        }
        "Protests" => {
            let _ = write!(out, "{a1} marched");
            if !d.assoc1.is_empty() {
                let _ = write!(out, " ({})", d.assoc1);
            }
            let topic = pick(
                rng,
                &[
                    ("against insecurity and the killing of civilians", 2.0),
                    ("to demand electricity, water and lower prices", 1.0),
                    ("in support of the transitional authorities", 1.0),
                    ("against the arrest of a local leader", 0.5),
                ],
            );
            let _ = write!(out, " {topic}");
        }
        "Riots" => {
            let _ = write!(out, "{a1} burned tyres, blocked roads and threw stones");
            if !a2.is_empty() {
                let _ = write!(out, " at {a2}");
            }
        }
        _ => {
            let _ = write!(out, "{a1} ({})", sub.to_lowercase());
            if !a2.is_empty() {
                let _ = write!(out, " involving {a2}");
            }
        }
    }
    let prep = if at.near { "near" } else { "in" };
    let _ = write!(out, " {prep} {}", at.location);
    if !at.admin2.is_empty() {
        let _ = write!(out, " ({}, {})", at.admin2, at.admin1);
    }
    out.push('.');
    match (d.event_type, d.fatalities) {
        ("Protests", _) => {
            let _ = write!(out, " [size={crowd}]");
        }
        ("Strategic developments", _) => {}
        (_, 0) => out.push_str(" No fatalities reported."),
        (_, 1) => out.push_str(" 1 fatality."),
        (_, n) => {
            let _ = write!(out, " {n} fatalities.");
        }
    }
    match rng.random_range(0..1000) {
        0..=19 => out.push_str(" Residents described the area as \"under siege\", with roads cut."),
        20..=24 => out.push_str(
            "\nUpdate: fatality figures revised after local sources reported a different toll.",
        ),
        _ => {}
    }
}
