//! One event's content (types, actors, fatalities) from its kind, date and zone.

use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand_distr::{Distribution, Pareto};

use super::actors::{self, Actor};
use super::geography::Zone;
use super::pick;
use super::story::{Kind, fatality_model};

/// An event before it has a position and a text.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub disorder_type: &'static str,
    pub event_type: &'static str,
    pub sub_event_type: &'static str,
    pub actor1: Actor,
    pub assoc1: &'static str,
    pub actor2: Option<Actor>,
    pub assoc2: &'static str,
    pub civilian_targeting: bool,
    pub fatalities: u32,
}

const VIOLENCE: &str = "Political violence";
const DEMONSTRATIONS: &str = "Demonstrations";
const STRATEGIC: &str = "Strategic developments";
const BATTLES: &str = "Battles";
const REMOTE: &str = "Explosions/Remote violence";
const VAC: &str = "Violence against civilians";
const VAC_SUBS: &[(&str, f64)] = &[
    ("Attack", 0.70),
    ("Abduction/forced disappearance", 0.27),
    ("Sexual violence", 0.03),
];

impl Draft {
    fn new(event_type: &'static str, sub: &'static str, a1: Actor, a2: Option<Actor>) -> Draft {
        let disorder_type = match event_type {
            BATTLES | REMOTE | VAC => VIOLENCE,
            "Protests" | "Riots" => DEMONSTRATIONS,
            _ => STRATEGIC,
        };
        Draft {
            disorder_type,
            event_type,
            sub_event_type: sub,
            actor1: a1,
            assoc1: "",
            actor2: a2,
            assoc2: "",
            civilian_targeting: a2.is_some_and(|a| a == actors::CIVILIANS) && event_type != BATTLES,
            fatalities: 0,
        }
    }
}

/// Draws an event of `kind` in `zone` on `date`.
pub(crate) fn draft(kind: Kind, date: NaiveDate, zone: Zone, rng: &mut impl Rng) -> Draft {
    let year = date.year();
    let mut d = match kind {
        Kind::MilitantBattle => militant_battle(date, zone, rng),
        Kind::MilitantCivilians => {
            let sub = pick(rng, VAC_SUBS);
            let mut d = Draft::new(
                VAC,
                sub,
                actors::militant(date, zone, rng),
                Some(actors::CIVILIANS),
            );
            if rng.random_bool(0.3) {
                d.assoc2 = pick(
                    rng,
                    &[
                        ("Fulani Ethnic Group (Mali)", 1.0),
                        ("Dogon Ethnic Group (Mali)", 1.0),
                        ("Bambara Ethnic Group (Mali)", 1.0),
                        ("Village Chiefs (Mali)", 0.5),
                        ("Health Workers (Mali)", 0.2),
                    ],
                );
            }
            d
        }
        Kind::MilitantRemote => {
            let sub = pick(
                rng,
                &[
                    ("Remote explosive/landmine/IED", 0.68),
                    ("Shelling/artillery/missile attack", 0.27),
                    ("Suicide bomb", 0.05),
                ],
            );
            let target = match rng.random_range(0..10) {
                0..=2 => actors::CIVILIANS,
                3 => actors::minusma(date).unwrap_or_else(|| actors::military(date)),
                _ => actors::military(date),
            };
            Draft::new(REMOTE, sub, actors::militant(date, zone, rng), Some(target))
        }
        Kind::MilitantDevelopment => {
            let sub = pick(
                rng,
                &[
                    ("Looting/property destruction", 0.5),
                    ("Change to group/activity", 0.2),
                    ("Headquarters or base established", 0.1),
                    ("Non-violent transfer of territory", 0.2),
                ],
            );
            let victim =
                (sub.starts_with("Looting") && rng.random_bool(0.6)).then_some(actors::CIVILIANS);
            Draft::new(STRATEGIC, sub, actors::militant(date, zone, rng), victim)
        }
        Kind::StateCivilians => state_civilians(date, rng),
        Kind::StateRemote => {
            let sub = if year >= 2019 && rng.random_bool(0.85) {
                "Air/drone strike"
            } else {
                "Shelling/artillery/missile attack"
            };
            let target = if rng.random_bool(0.15) {
                actors::CIVILIANS
            } else {
                actors::militant(date, zone, rng)
            };
            Draft::new(REMOTE, sub, actors::military(date), Some(target))
        }
        Kind::Militia => {
            let m = actors::militia(year, rng);
            if rng.random_bool(0.65) {
                let mut d = Draft::new(VAC, pick(rng, VAC_SUBS), m, Some(actors::CIVILIANS));
                d.assoc2 = actors::targeted_community(m);
                d
            } else {
                let enemy = if rng.random_bool(0.6) {
                    actors::opposing_militia(m)
                } else {
                    actors::militant(date, zone, rng)
                };
                Draft::new(BATTLES, "Armed clash", m, Some(enemy))
            }
        }
        Kind::Unidentified => {
            let sub = pick(
                rng,
                &[("Attack", 0.6), ("Abduction/forced disappearance", 0.4)],
            );
            Draft::new(VAC, sub, actors::UNIDENTIFIED, Some(actors::CIVILIANS))
        }
        Kind::Rebels => {
            let (a, b) = actors::northern_movements(date, year, rng);
            Draft::new(BATTLES, "Armed clash", a, Some(b))
        }
        Kind::Protest => {
            let sub = pick(
                rng,
                &[
                    ("Peaceful protest", 0.9),
                    ("Protest with intervention", 0.08),
                    ("Excessive force against protesters", 0.02),
                ],
            );
            let police = (sub != "Peaceful protest").then(|| actors::police(date));
            let mut d = Draft::new("Protests", sub, actors::PROTESTERS, police);
            d.assoc1 = actors::protest_group(year, rng);
            d
        }
        Kind::Riot => {
            if rng.random_bool(0.2) {
                let mut d = Draft::new(
                    "Riots",
                    "Mob violence",
                    actors::RIOTERS,
                    Some(actors::CIVILIANS),
                );
                d.disorder_type = "Political violence; Demonstrations";
                d
            } else {
                let police = rng.random_bool(0.5).then(|| actors::police(date));
                Draft::new("Riots", "Violent demonstration", actors::RIOTERS, police)
            }
        }
        Kind::Development => other_development(date, zone, rng),
    };
    d.fatalities = fatalities(kind, rng);
    if matches!(
        d.sub_event_type,
        "Abduction/forced disappearance" | "Sexual violence"
    ) {
        d.fatalities = 0;
    }
    if kind == Kind::StateCivilians {
        // Mass killings by the state belong to the later story (Moura, 2022).
        d.fatalities = d.fatalities.min(match year {
            ..2019 => 12,
            2019..2022 => 40,
            _ => 500,
        });
    }
    d
}

fn militant_battle(date: NaiveDate, zone: Zone, rng: &mut impl Rng) -> Draft {
    let m = actors::militant(date, zone, rng);
    let sub = pick(
        rng,
        &[
            ("Armed clash", 0.9),
            ("Non-state actor overtakes territory", 0.06),
            ("Government regains territory", 0.04),
        ],
    );
    let rivals = date.year() >= 2020 && matches!(zone, Zone::North | Zone::Centre);
    let opponent = match rng.random_range(0..20) {
        0..=1 if rivals => actors::rival_militant(m, date),
        2..=3 if zone == Zone::Centre => actors::militia(date.year(), rng),
        4 => actors::minusma(date).unwrap_or_else(|| actors::military(date)),
        _ => actors::military(date),
    };
    let state = opponent.inter == actors::Inter::State;
    let sub = if sub == "Government regains territory" && !state {
        "Armed clash"
    } else {
        sub
    };
    let mut d = if state && (rng.random_bool(0.4) || sub == "Government regains territory") {
        Draft::new(BATTLES, sub, opponent, Some(m))
    } else {
        Draft::new(BATTLES, sub, m, Some(opponent))
    };
    if state {
        let partner = actors::partner(date, rng).map_or("", |p| p.name);
        if d.actor1 == opponent {
            d.assoc1 = partner
        } else {
            d.assoc2 = partner
        }
    }
    if m == actors::JNIM && zone == Zone::Centre && rng.random_bool(0.2) {
        if d.actor1 == m {
            d.assoc1 = actors::KATIBA_MACINA.name
        } else {
            d.assoc2 = actors::KATIBA_MACINA.name
        }
    }
    d
}

/// Malian forces, with Wagner (2022-2023) or Africa Corps (2024) beside or in front.
fn state_civilians(date: NaiveDate, rng: &mut impl Rng) -> Draft {
    let sub = pick(rng, VAC_SUBS);
    let army = if rng.random_bool(0.9) {
        actors::military(date)
    } else {
        actors::police(date)
    };
    let partner = match date.year() {
        2022.. => actors::partner(date, rng)
            .filter(|p| p.inter == actors::Inter::External && !p.name.contains("France")),
        _ => None,
    };
    let mut d = match partner {
        Some(p) if rng.random_bool(0.35) => {
            let mut d = Draft::new(VAC, sub, p, Some(actors::CIVILIANS));
            d.assoc1 = army.name;
            d
        }
        Some(p) => {
            let mut d = Draft::new(VAC, sub, army, Some(actors::CIVILIANS));
            d.assoc1 = p.name;
            d
        }
        None => Draft::new(VAC, sub, army, Some(actors::CIVILIANS)),
    };
    if rng.random_bool(0.5) {
        d.assoc2 = "Fulani Ethnic Group (Mali)";
    }
    d
}

fn other_development(date: NaiveDate, zone: Zone, rng: &mut impl Rng) -> Draft {
    let sub = pick(
        rng,
        &[
            ("Arrests", 0.4),
            ("Disrupted weapons use", 0.25),
            ("Change to group/activity", 0.15),
            ("Agreement", 0.1),
            ("Other", 0.1),
        ],
    );
    match sub {
        "Arrests" => {
            let who = if rng.random_bool(0.6) {
                actors::police(date)
            } else {
                actors::military(date)
            };
            let whom = if rng.random_bool(0.4) {
                actors::militant(date, zone, rng)
            } else {
                actors::CIVILIANS
            };
            Draft::new(STRATEGIC, sub, who, Some(whom))
        }
        "Disrupted weapons use" => Draft::new(STRATEGIC, sub, actors::military(date), None),
        _ => Draft::new(STRATEGIC, sub, actors::military(date), None),
    }
}

fn fatalities(kind: Kind, rng: &mut impl Rng) -> u32 {
    let Some((none, shape, cap)) = fatality_model(kind) else {
        return 0;
    };
    if rng.random_bool(none) {
        return 0;
    }
    let pareto = Pareto::new(1.0, shape).expect("valid Pareto parameters");
    pareto.sample(rng).floor().min(cap) as u32
}
