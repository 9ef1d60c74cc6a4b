use std::path::Path;

use chrono::NaiveDate;
use smallvec::SmallVec;

use super::*;
use crate::model::event::{Dataset, Event, EventSet, Strings};
use crate::units::LonLat;

fn mali() -> Categories {
    Categories::mali_default()
}

fn militant(name: &str) -> bool {
    mali().actor_groups_of(name).contains(&"militant_islamist")
}

fn state(name: &str) -> bool {
    mali().actor_groups_of(name).contains(&"state_forces")
}

fn event(set: &mut EventSet, event_type: &str, primary: &[&str], assoc: &[&str]) -> Event {
    let s = &set.strings;
    let syms = |names: &[&str]| {
        let list = names
            .iter()
            .map(|n| s.intern(n))
            .collect::<SmallVec<[_; 2]>>();
        s.actor_list(&list)
    };
    set.ids.push(&format!("MLI{}", set.events.len() + 1));
    Event {
        date: NaiveDate::from_ymd_opt(2024, 9, 17).unwrap(),
        position: LonLat::new(-8.0, 12.6).unwrap(),
        geo_precision: Some(1),
        event_type: s.intern(event_type),
        sub_event_type: s.intern("Attack"),
        primary_actors: syms(primary),
        associated_actors: syms(assoc),
        fatalities: 3,
        admin1: s.intern("Bamako"),
        admin2: s.intern("Bamako"),
        admin3: s.empty(),
        location: s.intern("Bamako"),
        dataset: Dataset::Acled,
        country: Default::default(),
        source_line: 2,
    }
}

/// Ids of the categories `e` belongs to.
fn ids(cats: &Categories, set: &EventSet, e: &Event) -> Vec<String> {
    let mut c = cats.classifier(&set.strings);
    c.prepare(std::slice::from_ref(e));
    let prepared = c.classify(e);
    // An unprepared classifier matches on the spot and must agree.
    assert_eq!(cats.classifier(&set.strings).classify(e), prepared);
    prepared.iter().map(|i| cats.list()[i].id.clone()).collect()
}

#[test]
fn shipped_file_lists_the_domain_categories() {
    let cats = mali();
    let ids: Vec<&str> = cats.list().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "militant_islamist_attack",
            "state_violence_against_civilians",
            "militant_islamist_event",
            "violent_event",
            "all_events"
        ]
    );
    let state = mali()
        .get("state_violence_against_civilians")
        .unwrap()
        .clone();
    assert_eq!(state.deaths_label, "civilian deaths");
    assert_eq!(state.actor_roles, ActorRoles::Primary);
}

#[test]
fn domain_militant_islamist_positives() {
    for name in [
        "JNIM: Group for Support of Islam and Muslims",
        "Jama'at Nusrat al-Islam wal-Muslimin",
        "Katiba Macina",
        "FLM: Macina Liberation Front",
        "Macina Liberation Front",
        "Katiba Serma",
        "Katiba Gourma",
        "Ansar Dine",
        "AQIM: Al Qaeda in the Islamic Maghreb",
        "Islamic State (Greater Sahara)",
        "Islamic State (West Africa) - Greater Sahara Faction",
        "Islamic State (Sahel)",
        "IS",
        "MUJAO: Movement for Unity and Jihad in West Africa",
        "Al Mourabitoune",
        "al-Murabitun",
        "Signed-in-Blood Battalion",
        "Ansaroul Islam",
        "Islamist Militia (Mali)",
        "JNIM",
        "AQIM",
    ] {
        assert!(militant(name), "{name} must be militant Islamist");
    }
}

#[test]
fn domain_militant_islamist_negatives() {
    for name in [
        "Unidentified Armed Group (Mali)",
        "Dan Na Ambassagou",
        "Dozo Communal Militia (Mali)",
        "Fulani Ethnic Militia (Mali)",
        "Civilians (Mali)",
        "Military Forces of Mali (2021-)",
        "CMA: Coordination of Azawad Movements",
        "Protesters (Mali)",
        "",
    ] {
        assert!(!militant(name), "{name} must not be militant Islamist");
    }
}

#[test]
fn combined_labels_match() {
    assert!(militant(
        "JNIM: Group for Support of Islam and Muslims and/or Islamic State (Sahel)"
    ));
    assert!(militant("Unidentified Armed Group (Mali) and/or JNIM"));
    assert!(state("Military Forces of Mali (2021-) and/or Wagner Group"));
}

#[test]
fn is_is_exact_and_never_inside_words() {
    assert!(militant("IS"));
    assert!(militant(" is "));
    assert!(!militant("Islamist"));
    assert!(!militant("IS Supporters of Nothing"));
    assert!(!militant("Isle"));
}

#[test]
fn state_forces_with_period_stamps_and_whitespace() {
    for name in [
        "Military Forces of Mali (2021-)",
        "Military Forces of Mali (2013-2020)",
        "Police Forces of Mali (2012-2020)",
        "Police Forces of Mali (2021-) Gendarmerie",
        "  military   FORCES of  Mali  (2020-2021) ",
        "Government of Mali (2021-)",
        "Wagner Group",
        "Africa Corps",
    ] {
        assert!(state(name), "{name} must be state forces");
        assert!(!militant(name), "{name} must not be militant Islamist");
    }
    for name in [
        "Mutiny of Military Forces of Mali (2012-)",
        "Military Forces of France (2017-)",
        "Civilians (Mali)",
    ] {
        assert!(!state(name), "{name} must not be state forces");
    }
}

#[test]
fn accents_are_folded() {
    let cats = Categories::from_toml_str(
        r#"
        [actor_groups.g]
        contains = ["Ségou Militia"]
        [[category]]
        id = "c"
        actors = "g"
        "#,
        Path::new("user.toml"),
    )
    .unwrap();
    assert_eq!(cats.actor_groups_of("SEGOU MILITIA (Mali)"), ["g"]);
    assert_eq!(cats.actor_groups_of("Ségou militia"), ["g"]);
}

#[test]
fn militant_attack_needs_violent_type_and_primary_actor() {
    let cats = mali();
    let mut set = EventSet::new(Strings::new());
    let jnim = "JNIM: Group for Support of Islam and Muslims";
    let army = "Military Forces of Mali (2021-)";

    let battle = event(&mut set, "Battles", &[jnim, army], &[]);
    let got = ids(&cats, &set, &battle);
    assert_eq!(
        got,
        [
            "militant_islamist_attack",
            "militant_islamist_event",
            "violent_event",
            "all_events"
        ]
    );

    // Only an associated actor is militant: not a militant Islamist attack.
    let assoc_only = event(
        &mut set,
        "Violence against civilians",
        &["Unidentified Armed Group (Mali)", "Civilians (Mali)"],
        &["Katiba Macina"],
    );
    assert_eq!(
        ids(&cats, &set, &assoc_only),
        ["violent_event", "all_events"]
    );

    // Militant, but not violent.
    let looting = event(&mut set, "Strategic developments", &[jnim], &[]);
    assert_eq!(
        ids(&cats, &set, &looting),
        ["militant_islamist_event", "all_events"]
    );

    let protest = event(&mut set, "Protests", &["Protesters (Mali)"], &[]);
    assert_eq!(ids(&cats, &set, &protest), ["all_events"]);
}

#[test]
fn state_violence_needs_violence_against_civilians() {
    let cats = mali();
    let mut set = EventSet::new(Strings::new());
    let vac = event(
        &mut set,
        "Violence against civilians",
        &["Military Forces of Mali (2021-)", "Civilians (Mali)"],
        &["Wagner Group"],
    );
    assert_eq!(
        ids(&cats, &set, &vac),
        [
            "state_violence_against_civilians",
            "violent_event",
            "all_events"
        ]
    );
    let wagner = event(
        &mut set,
        "violence  against CIVILIANS",
        &["Wagner Group", "Civilians (Mali)"],
        &[],
    );
    assert!(ids(&cats, &set, &wagner).contains(&"state_violence_against_civilians".to_string()));
    let battle = event(
        &mut set,
        "Battles",
        &[
            "Military Forces of Mali (2021-)",
            "Dozo Communal Militia (Mali)",
        ],
        &[],
    );
    assert_eq!(ids(&cats, &set, &battle), ["violent_event", "all_events"]);
    // Wagner only as an associated actor of a militia: not state violence.
    let assoc = event(
        &mut set,
        "Violence against civilians",
        &["Dozo Communal Militia (Mali)", "Civilians (Mali)"],
        &["Wagner Group"],
    );
    assert_eq!(ids(&cats, &set, &assoc), ["violent_event", "all_events"]);
}

#[test]
fn classify_all_agrees_with_classify() {
    let cats = mali();
    let mut set = EventSet::new(Strings::new());
    let actors = [
        "JNIM",
        "Civilians (Mali)",
        "Wagner Group",
        "IS",
        "Dan Na Ambassagou",
        "Islamist Militia (Mali)",
    ];
    let types = [
        "Battles",
        "Violence against civilians",
        "Protests",
        "Explosions/Remote violence",
    ];
    for i in 0..200 {
        let e = event(
            &mut set,
            types[i % 4],
            &[actors[i % 6], actors[(i / 6) % 6]],
            &[actors[(i / 3) % 6]],
        );
        set.events.push(e);
    }
    let all = cats.classify_all(&set);
    let single = cats.classifier(&set.strings);
    for (e, c) in set.events.iter().zip(&all) {
        assert_eq!(single.classify(e), *c);
    }
    assert!(all.iter().any(|c| c.contains(0)));
    assert!(all.iter().any(|c| c.contains(1)));
}

#[test]
fn unknown_group_names_file_and_category() {
    let err = Categories::from_toml_str(
        r#"
        [actor_groups.jihadists]
        contains = ["JNIM"]
        [[category]]
        id = "my_attacks"
        actors = "jihadist"
        "#,
        Path::new("my/categories.toml"),
    )
    .unwrap_err();
    assert!(matches!(err, crate::Error::Config { .. }));
    let msg = err.to_string();
    assert!(msg.contains("my/categories.toml"), "{msg}");
    assert!(msg.contains("my_attacks"), "{msg}");
    assert!(msg.contains("jihadist"), "{msg}");
}

#[test]
fn unknown_event_type_set_and_bad_files_are_config_errors() {
    let origin = Path::new("c.toml");
    let set_err = Categories::from_toml_str(
        "[[category]]\nid = \"x\"\nevent_types = \"Battles\"\n",
        origin,
    )
    .unwrap_err();
    assert!(
        set_err
            .to_string()
            .contains("category 'x': unknown event type set 'Battles'"),
        "{set_err}"
    );
    for bad in [
        "",
        "[[category]]\nlabel = \"no id\"\n",
        "[[category]]\nid = \"a\"\n[[category]]\nid = \"a\"\n",
        "[[category]]\nid = \"a\"\nactor_roles = \"sometimes\"\n",
        "[[category]]\nid = \"a\"\ncolour = \"red\"\n",
        "[actor_groups.g]\nlabel = \"empty\"\n[[category]]\nid = \"a\"\n",
        "this is not toml",
    ] {
        let err = Categories::from_toml_str(bad, origin).unwrap_err();
        assert!(matches!(err, crate::Error::Config { .. }), "{bad:?}: {err}");
        assert!(err.to_string().starts_with("c.toml: "), "{err}");
    }
}

#[test]
fn custom_user_category_works() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    std::fs::write(
        &path,
        r#"
        [actor_groups.militias]
        label = "Ethnic militias"
        contains = ["Dan Na Ambassagou", "Dozo"]
        [[category]]
        id = "militia_any_role"
        label = "Militia involvement"
        actors = ["militias"]
        actor_roles = "any"
        event_types = ["Violence against civilians", "Battles"]
        deaths_label = "killed"
        "#,
    )
    .unwrap();
    let cats = Categories::load(&path).unwrap();
    assert_eq!(cats.list()[0].label, "Militia involvement");
    assert_eq!(cats.list()[0].deaths_label, "killed");
    let mut set = EventSet::new(Strings::new());
    let e = event(&mut set, "Battles", &["JNIM"], &["Dan Na Ambassagou"]);
    assert_eq!(ids(&cats, &set, &e), ["militia_any_role"]);
    let p = event(&mut set, "Protests", &["Dozo Communal Militia (Mali)"], &[]);
    assert!(ids(&cats, &set, &p).is_empty());
    assert!(matches!(
        Categories::load(&dir.path().join("missing.toml")),
        Err(crate::Error::Io { .. })
    ));
}

#[test]
fn category_set_bits() {
    let s = CategorySet::EMPTY.with(0).with(3).with(63);
    assert!(s.contains(3) && !s.contains(2) && !s.contains(64));
    assert_eq!(s.iter().collect::<Vec<_>>(), [0, 3, 63]);
    assert_eq!(s.len(), 3);
    assert_eq!(format!("{s:?}"), "{0, 3, 63}");
}

#[test]
fn exclude_is_a_whole_name_veto() {
    let cats = Categories::from_toml_str(
        r#"
        [actor_groups.militia]
        contains = ["Militia"]
        exclude = ["Dozo Communal Militia (Mali)"]
        [[category]]
        id = "c"
        actors = "militia"
        "#,
        Path::new("user.toml"),
    )
    .unwrap();
    assert!(
        cats.actor_groups_of("dozo communal militia (mali)")
            .is_empty()
    );
    assert_eq!(
        cats.actor_groups_of("Fulani Ethnic Militia (Mali)"),
        ["militia"]
    );
    assert_eq!(
        cats.actor_groups_of("Dozo Communal Militia (Mali) and/or Fulani Ethnic Militia (Mali)"),
        ["militia"]
    );
}

/// Matching every interned string (many events per string) gives each event of the
/// sample the categories of matching only the strings the events use.
#[test]
fn every_string_matched_equals_the_strings_used() {
    let run = crate::run::Run::load(&Default::default(), &Default::default()).unwrap();
    let set = &run.loaded.read.events;
    let cats = mali();
    let mut used = cats.classifier(&set.strings);
    used.prepare_from_events(&set.events);
    let mut every = cats.classifier(&set.strings);
    every.prepare_every_string(set.strings.len());
    let mut in_some = 0;
    for e in &set.events {
        let want = used.classify(e);
        assert_eq!(every.classify(e), want);
        in_some += usize::from(want != CategorySet::EMPTY);
    }
    assert!(in_some > set.len() / 10, "{in_some} of {}", set.len());
}
