//! Actor names as ACLED writes them for Mali, with their inter codes, and which of them
//! are active when and where. State forces carry ACLED's period stamps, which change
//! with each government: the 2012 and 2020/2021 coups and the 2013 election.

use chrono::{Datelike, NaiveDate};
use rand::Rng;

use super::geography::Zone;
use super::pick;

/// ACLED's actor type ("inter"), in code order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Inter {
    State = 1,
    Rebel,
    Political,
    Identity,
    Rioters,
    Protesters,
    Civilians,
    External,
}

impl Inter {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Inter::State => "State forces",
            Inter::Rebel => "Rebel group",
            Inter::Political => "Political militia",
            Inter::Identity => "Identity militia",
            Inter::Rioters => "Rioters",
            Inter::Protesters => "Protesters",
            Inter::Civilians => "Civilians",
            Inter::External => "External/Other forces",
        }
    }
}

/// An actor: its ACLED name, type and the short name the notes use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Actor {
    pub name: &'static str,
    pub inter: Inter,
    pub short: &'static str,
}

const fn actor(name: &'static str, inter: Inter, short: &'static str) -> Actor {
    Actor { name, inter, short }
}

use Inter::*;

pub(crate) const JNIM: Actor = actor(
    "JNIM: Group for Support of Islam and Muslims",
    Rebel,
    "JNIM",
);
pub(crate) const KATIBA_MACINA: Actor = actor("Katiba Macina", Rebel, "Katiba Macina");
const FLM: Actor = actor(
    "FLM: Macina Liberation Front",
    Rebel,
    "the Macina Liberation Front",
);
const KATIBA_SERMA: Actor = actor("Katiba Serma", Rebel, "Katiba Serma");
const KATIBA_GOURMA: Actor = actor("Katiba Gourma", Rebel, "Katiba Gourma");
const ANSAR_DINE: Actor = actor("Ansar Dine", Rebel, "Ansar Dine");
const AQIM: Actor = actor("AQIM: Al Qaeda in the Islamic Maghreb", Rebel, "AQIM");
const MUJAO: Actor = actor(
    "MUJAO: Movement for Unity and Jihad in West Africa",
    Rebel,
    "MUJAO",
);
const MOURABITOUNE: Actor = actor("Al Mourabitoune", Rebel, "Al Mourabitoune");
const SIGNED_IN_BLOOD: Actor = actor(
    "Signed-in-Blood Battalion",
    Rebel,
    "the Signed-in-Blood Battalion",
);
const ANSAROUL: Actor = actor("Ansaroul Islam", Rebel, "Ansaroul Islam");
const ISGS: Actor = actor("Islamic State (Greater Sahara)", Rebel, "ISGS");
const ISWAP_GS: Actor = actor(
    "Islamic State (West Africa) - Greater Sahara Faction",
    Rebel,
    "ISWAP-GS",
);
const IS_SAHEL: Actor = actor("Islamic State (Sahel)", Rebel, "IS Sahel");
const JNIM_OR_IS: Actor = actor(
    "JNIM: Group for Support of Islam and Muslims and/or Islamic State (Sahel)",
    Rebel,
    "JNIM or IS Sahel",
);
const ISLAMIST_MILITIA: Actor = actor("Islamist Militia (Mali)", Political, "Islamist militants");
/// Placeholder in the tables below for the Islamic State's name of the day.
const IS: Actor = actor("", Rebel, "");

pub(crate) const CIVILIANS: Actor = actor("Civilians (Mali)", Civilians, "civilians");
pub(crate) const UNIDENTIFIED: Actor = actor(
    "Unidentified Armed Group (Mali)",
    Political,
    "unidentified gunmen",
);
const DAN_NA: Actor = actor(
    "Dan Na Ambassagou",
    Identity,
    "Dan Na Ambassagou militiamen",
);
const DOZO: Actor = actor("Dozo Communal Militia (Mali)", Identity, "Dozo hunters");
const FULANI_MILITIA: Actor = actor(
    "Fulani Ethnic Militia (Mali)",
    Identity,
    "Fulani militiamen",
);
const DOGON_MILITIA: Actor = actor("Dogon Ethnic Militia (Mali)", Identity, "Dogon militiamen");
pub(crate) const PROTESTERS: Actor = actor("Protesters (Mali)", Protesters, "demonstrators");
pub(crate) const RIOTERS: Actor = actor("Rioters (Mali)", Rioters, "rioters");
const MNLA: Actor = actor(
    "MNLA: National Movement for the Liberation of Azawad",
    Rebel,
    "MNLA",
);
const CMA: Actor = actor("CMA: Coordination of Azawad Movements", Rebel, "CMA");
const GATIA: Actor = actor(
    "GATIA: Imghad Tuareg and Allies Self-Defense Group",
    Political,
    "GATIA",
);
const MSA: Actor = actor(
    "MSA: Movement for the Salvation of Azawad",
    Political,
    "MSA",
);
const CSP: Actor = actor(
    "CSP-PSD: Permanent Strategic Framework for Peace, Security and Development",
    Rebel,
    "CSP-PSD",
);
const WAGNER: Actor = actor("Wagner Group", External, "Wagner Group");
const AFRICA_CORPS: Actor = actor("Africa Corps", External, "Africa Corps");
const MINUSMA: Actor = actor(
    "MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-2023)",
    External,
    "MINUSMA",
);

/// Government periods used in ACLED's state stamps, with the first day of each.
const PERIODS: [(i32, u32, u32); 5] = [
    (1900, 1, 1),
    (2012, 3, 22),
    (2013, 9, 4),
    (2020, 8, 18),
    (2021, 5, 24),
];
const MILITARY: [&str; 5] = [
    "Military Forces of Mali (2002-2012)",
    "Military Forces of Mali (2012-2013)",
    "Military Forces of Mali (2013-2020)",
    "Military Forces of Mali (2020-2021)",
    "Military Forces of Mali (2021-)",
];
const POLICE: [&str; 5] = [
    "Police Forces of Mali (2002-2012)",
    "Police Forces of Mali (2012-2013)",
    "Police Forces of Mali (2013-2020)",
    "Police Forces of Mali (2020-2021)",
    "Police Forces of Mali (2021-)",
];

fn period(date: NaiveDate) -> usize {
    PERIODS
        .iter()
        .rposition(|&(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).is_some_and(|start| date >= start))
        .unwrap_or(0)
}

pub(crate) fn military(date: NaiveDate) -> Actor {
    actor(MILITARY[period(date)], State, "Malian armed forces (FAMa)")
}

pub(crate) fn police(date: NaiveDate) -> Actor {
    actor(POLICE[period(date)], State, "police")
}

fn between(date: NaiveDate, from: (i32, u32, u32), to: (i32, u32, u32)) -> bool {
    let d = |(y, m, dd): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default();
    date >= d(from) && date < d(to)
}

/// Foreign or Russian forces fighting beside the Malian army on `date`, if any.
pub(crate) fn partner(date: NaiveDate, rng: &mut impl Rng) -> Option<Actor> {
    let russian = if date.year() >= 2024 {
        Some(AFRICA_CORPS)
    } else if between(date, (2021, 12, 20), (2024, 1, 1)) {
        Some(WAGNER)
    } else {
        None
    };
    let french = between(date, (2013, 1, 11), (2022, 8, 15)).then(|| {
        let name = if date < NaiveDate::from_ymd_opt(2017, 5, 14).unwrap_or_default() {
            "Military Forces of France (2012-2017)"
        } else {
            "Military Forces of France (2017-)"
        };
        actor(name, External, "French forces")
    });
    match (russian, french) {
        (Some(r), _) if rng.random_bool(0.45) => Some(r),
        (_, Some(f)) if rng.random_bool(0.12) => Some(f),
        _ => None,
    }
}

/// MINUSMA on `date`, if deployed.
pub(crate) fn minusma(date: NaiveDate) -> Option<Actor> {
    between(date, (2013, 7, 1), (2023, 12, 31)).then_some(MINUSMA)
}

/// The Islamic State's ACLED name on `date`.
fn islamic_state(date: NaiveDate) -> Actor {
    if date < NaiveDate::from_ymd_opt(2019, 3, 1).unwrap_or_default() {
        ISGS
    } else if date < NaiveDate::from_ymd_opt(2022, 3, 1).unwrap_or_default() {
        ISWAP_GS
    } else {
        IS_SAHEL
    }
}

/// A militant Islamist group active in `zone` on `date`.
pub(crate) fn militant(date: NaiveDate, zone: Zone, rng: &mut impl Rng) -> Actor {
    let year = date.year();
    let table: &[(Actor, f64)] = match (zone, year) {
        (Zone::North, ..=2013) => &[
            (MUJAO, 3.0),
            (ANSAR_DINE, 3.0),
            (AQIM, 2.5),
            (ISLAMIST_MILITIA, 1.0),
            (SIGNED_IN_BLOOD, 0.5),
        ],
        (Zone::North, ..=2016) => &[
            (AQIM, 3.0),
            (ANSAR_DINE, 2.5),
            (MOURABITOUNE, 1.5),
            (MUJAO, 1.0),
            (IS, 1.0),
            (ISLAMIST_MILITIA, 1.0),
        ],
        (Zone::North, ..=2019) => &[(JNIM, 6.0), (IS, 3.0), (AQIM, 0.3), (ISLAMIST_MILITIA, 0.7)],
        (Zone::North, ..=2021) => &[(JNIM, 6.0), (IS, 3.5), (ISLAMIST_MILITIA, 0.5)],
        (Zone::North, _) => &[
            (JNIM, 6.0),
            (IS, 3.5),
            (JNIM_OR_IS, 0.4),
            (ISLAMIST_MILITIA, 0.5),
        ],
        (Zone::Centre, ..=2013) => &[(ANSAR_DINE, 5.0), (MUJAO, 3.0), (AQIM, 2.0)],
        (Zone::Centre, ..=2016) => &[
            (FLM, 4.0),
            (ANSAR_DINE, 3.0),
            (AQIM, 1.0),
            (ISLAMIST_MILITIA, 1.5),
            (ANSAROUL, 0.5),
        ],
        (Zone::Centre, ..=2019) => &[
            (JNIM, 6.0),
            (KATIBA_MACINA, 2.0),
            (ANSAROUL, 0.4),
            (IS, 0.4),
            (ISLAMIST_MILITIA, 0.8),
            (KATIBA_SERMA, 0.2),
        ],
        (Zone::Centre, _) => &[
            (JNIM, 7.0),
            (KATIBA_MACINA, 1.5),
            (KATIBA_SERMA, 0.3),
            (KATIBA_GOURMA, 0.1),
            (IS, 0.3),
            (ISLAMIST_MILITIA, 0.5),
        ],
        (_, ..=2016) => &[
            (ANSAR_DINE, 3.0),
            (MOURABITOUNE, 2.0),
            (ISLAMIST_MILITIA, 1.0),
        ],
        (_, _) => &[(JNIM, 9.0), (KATIBA_MACINA, 1.0), (ISLAMIST_MILITIA, 0.3)],
    };
    let picked = pick(rng, table);
    if picked == IS {
        if year < 2015 {
            AQIM
        } else {
            islamic_state(date)
        }
    } else {
        picked
    }
}

/// Another militant group to fight `first` (JNIM against the Islamic State from 2020).
pub(crate) fn rival_militant(first: Actor, date: NaiveDate) -> Actor {
    if first == JNIM || first == KATIBA_MACINA {
        islamic_state(date)
    } else {
        JNIM
    }
}

/// An ethnic or communal militia active in the centre in `year`.
pub(crate) fn militia(year: i32, rng: &mut impl Rng) -> Actor {
    let table: &[(Actor, f64)] = if year >= 2016 {
        &[
            (DAN_NA, 3.0),
            (DOZO, 3.0),
            (FULANI_MILITIA, 2.0),
            (DOGON_MILITIA, 1.0),
        ]
    } else {
        &[(DOZO, 2.0), (FULANI_MILITIA, 2.0), (DOGON_MILITIA, 2.0)]
    };
    pick(rng, table)
}

/// The communal militia on the other side of `m`'s conflict.
pub(crate) fn opposing_militia(m: Actor) -> Actor {
    if m == FULANI_MILITIA {
        DAN_NA
    } else {
        FULANI_MILITIA
    }
}

/// The community a militia's violence targets, written as an associated actor.
pub(crate) fn targeted_community(m: Actor) -> &'static str {
    if m == FULANI_MILITIA {
        "Dogon Ethnic Group (Mali)"
    } else {
        "Fulani Ethnic Group (Mali)"
    }
}

/// The two sides of a battle between the northern armed movements in `year`.
pub(crate) fn northern_movements(date: NaiveDate, year: i32, rng: &mut impl Rng) -> (Actor, Actor) {
    match year {
        ..=2013 if rng.random_bool(0.5) => (MNLA, military(date)),
        ..=2013 => (
            MNLA,
            if rng.random_bool(0.5) {
                MUJAO
            } else {
                ANSAR_DINE
            },
        ),
        2014..=2022 if rng.random_bool(0.6) => (CMA, GATIA),
        2014..=2022 => (MSA, CMA),
        _ => (CSP, military(date)),
    }
}

/// Associated actors of protests (who marched), by year.
pub(crate) fn protest_group(year: i32, rng: &mut impl Rng) -> &'static str {
    const GROUPS: [&str; 7] = [
        "",
        "Students (Mali)",
        "Teachers (Mali)",
        "Women (Mali)",
        "Labor Group (Mali)",
        "Traders (Mali)",
        "Muslim Group (Mali)",
    ];
    match year {
        2020 if rng.random_bool(0.25) => "M5-RFP: June 5th Movement - Rally of Patriotic Forces",
        2021.. if rng.random_bool(0.1) => "Yerewolo Debout sur les Remparts",
        _ => GROUPS[rng.random_range(0..GROUPS.len())],
    }
}

/// ACLED's interaction text: the two types in code order, or "X only".
pub(crate) fn interaction(a: Inter, b: Option<Inter>) -> String {
    match b {
        None => format!("{} only", a.label()),
        Some(b) => {
            let (x, y) = if a <= b { (a, b) } else { (b, a) };
            format!("{}-{}", x.label(), y.label())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn state_stamps_follow_governments() {
        assert_eq!(
            military(day(2012, 1, 17)).name,
            "Military Forces of Mali (2002-2012)"
        );
        assert_eq!(
            military(day(2012, 6, 1)).name,
            "Military Forces of Mali (2012-2013)"
        );
        assert_eq!(
            military(day(2019, 6, 1)).name,
            "Military Forces of Mali (2013-2020)"
        );
        assert_eq!(
            police(day(2020, 12, 1)).name,
            "Police Forces of Mali (2020-2021)"
        );
        assert_eq!(
            military(day(2024, 9, 1)).name,
            "Military Forces of Mali (2021-)"
        );
    }

    #[test]
    fn islamic_state_names_by_date() {
        assert_eq!(
            islamic_state(day(2017, 1, 1)).name,
            "Islamic State (Greater Sahara)"
        );
        assert_eq!(
            islamic_state(day(2020, 1, 1)).name,
            "Islamic State (West Africa) - Greater Sahara Faction"
        );
        assert_eq!(islamic_state(day(2023, 1, 1)).name, "Islamic State (Sahel)");
    }

    #[test]
    fn interactions_in_code_order() {
        assert_eq!(
            interaction(Civilians, Some(State)),
            "State forces-Civilians"
        );
        assert_eq!(interaction(Protesters, None), "Protesters only");
    }
}
