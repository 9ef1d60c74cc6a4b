//! The events' source details (actor roles, inter codes, civilian targeting, sources):
//! read only when asked, aligned with the events, as given by each layout; merged
//! monadic rows and newer revisions from another file.

use super::*;
use crate::model::{Detail, EventDetails};

fn with_details() -> ReadOptions<'static> {
    ReadOptions {
        details: true,
        ..Default::default()
    }
}

/// The details of event `id` as text (`None`: no such column).
fn details_of(out: &ReadOutput, id: &str) -> Vec<(&'static str, Option<String>)> {
    let set = &out.events;
    assert!(set.has_details(), "the read kept no details");
    let i = (0..set.len())
        .position(|i| set.id(i) == id)
        .unwrap_or_else(|| panic!("no event {id}"));
    let d: &EventDetails = &set.details[i];
    Detail::ALL
        .iter()
        .map(|&k| (k.name(), d.get(k).map(|s| set.str(s).to_string())))
        .collect()
}

/// `expected` as [`details_of`] gives it: every detail, `None` unless listed.
fn expect(expected: &[(&str, &str)]) -> Vec<(&'static str, Option<String>)> {
    Detail::ALL
        .iter()
        .map(|k| {
            let v = expected.iter().find(|(n, _)| *n == k.name());
            (k.name(), v.map(|(_, v)| v.to_string()))
        })
        .collect()
}

#[test]
fn details_are_not_kept_unless_asked() {
    // What `zones`, `maps` and `inspect` read: no side table at all.
    assert!(!ReadOptions::default().details);
    for name in [
        "fixtures/acled_roles.csv",
        "fixtures/ged_events.csv",
        "fixtures/events.geojson",
    ] {
        let out = read_fixture(name);
        assert!(!out.events.is_empty(), "{name}");
        assert!(out.events.details.is_empty(), "{name}");
        assert!(!out.events.has_details(), "{name}");
    }
}

#[test]
fn acled_roles_are_kept_as_given() {
    let out = read_events(&fixture("fixtures/acled_roles.csv"), &with_details()).unwrap();
    assert_eq!(out.events.details.len(), out.events.len());
    assert_eq!(
        details_of(&out, "MLI7001"),
        expect(&[
            ("actor1", "Synthetic Group Alpha"),
            ("actor2", "Synthetic Militia Beta"),
            ("assoc_actor_1", "Alpha Auxiliaries; Alpha Scouts"),
            ("assoc_actor_2", "Beta Farmers"),
            ("inter1", "Rebel group"),
            ("inter2", "Identity militia"),
            ("civilian_targeting", ""),
            ("source", "Test Wire A"),
            ("notes", "Synthetic test row (not real data)."),
        ])
    );
    // Older exports code inter1/inter2 as integers: kept as text, as given.
    let d = details_of(&out, "MLI7002");
    assert_eq!(d[4], ("inter1", Some("2".into())));
    assert_eq!(d[5], ("inter2", Some("7".into())));
    assert_eq!(
        d[6],
        ("civilian_targeting", Some("Civilian targeting".into()))
    );
    assert_eq!(d[7], ("source", Some("Test Wire A; Test Radio".into())));
    // An empty actor2 is empty text, not a missing column.
    assert_eq!(
        details_of(&out, "MLI7003")[1],
        ("actor2", Some(String::new()))
    );
    // The merged lists are unchanged.
    let v = views(&out);
    assert_eq!(
        by_id(&v, "MLI7001").primary,
        ["Synthetic Group Alpha", "Synthetic Militia Beta"]
    );
}

#[test]
fn ged_sides_are_actor1_and_actor2() {
    let out = read_events(&fixture("fixtures/ged_events.csv"), &with_details()).unwrap();
    let d = details_of(&out, "900001");
    assert_eq!(d[0], ("actor1", Some("JNIM".into())));
    assert_eq!(d[1], ("actor2", Some("Civilians".into())));
    // GED has no associated actors, inter codes, civilian_targeting or ACLED source.
    for (name, value) in &d[2..8] {
        assert_eq!(*value, None, "{name}");
    }
    assert_eq!(d[9], ("source_original", Some("AFP".into())));
    assert_eq!(d[10], ("notes", None), "GED has no notes column");
    let article = d[8].1.clone().unwrap();
    assert!(
        article.starts_with("\"AFP,2024-01-03,Gunmen kill villagers"),
        "{article}"
    );
}

#[test]
fn monadic_rows_give_actor1_and_actor2_in_row_order() {
    let out = read_events(&fixture("fixtures/zones_monadic.csv"), &with_details()).unwrap();
    assert_eq!(out.events.details.len(), out.events.len());
    assert_eq!(
        details_of(&out, "MLI9004"),
        expect(&[
            ("actor1", "Military Forces of Mali (2021-)"),
            ("actor2", "Civilians (Mali)"),
            ("assoc_actor_1", "Wagner Group"),
            ("assoc_actor_2", ""),
            ("inter1", "1"),
            ("inter2", "7"),
            ("source", "Hand-made fixture"),
            ("notes", "Test row."),
        ])
    );
    // One row: no second actor, and the export has no actor2 column.
    let d = details_of(&out, "MLI9002");
    assert_eq!((d[1].1.as_deref(), d[5].1.as_deref()), (None, None));
}

#[test]
fn the_newest_revision_brings_its_details() {
    let read = |name: &str| {
        let opts = ReadOptions {
            revisions: true,
            ..with_details()
        };
        read_events(&fixture(name), &opts).unwrap()
    };
    let out = merge(vec![
        read("fixtures/acled_roles.csv"),
        read("fixtures/acled_roles_revised.csv"),
    ]);
    assert_eq!(out.events.len(), 4);
    assert_eq!(out.events.details.len(), 4);
    // MLI7001 was revised later: its actor2, assoc actors, inter2 and source win.
    assert_eq!(
        details_of(&out, "MLI7001"),
        expect(&[
            ("actor1", "Synthetic Group Alpha"),
            ("actor2", "Synthetic Militia Gamma"),
            ("assoc_actor_1", "Alpha Scouts"),
            ("assoc_actor_2", ""),
            ("inter1", "Rebel group"),
            ("inter2", "Political militia"),
            ("civilian_targeting", ""),
            ("source", "Test Wire B"),
            (
                "notes",
                "Synthetic test row (not real data); a later revision."
            ),
        ])
    );
    // MLI7002's second row is an older revision: the first file's row stays.
    assert_eq!(
        details_of(&out, "MLI7002")[7].1.as_deref(),
        Some("Test Wire A; Test Radio")
    );
    // A new event of the second file, its text moved to the merged strings.
    assert_eq!(
        details_of(&out, "MLI7004")[0].1.as_deref(),
        Some("Synthetic Group Delta")
    );
    // Without details, the merge keeps none.
    let plain = merge(vec![
        read_events(
            &fixture("fixtures/acled_roles.csv"),
            &ReadOptions::default(),
        )
        .unwrap(),
        read_events(
            &fixture("fixtures/acled_roles_revised.csv"),
            &ReadOptions::default(),
        )
        .unwrap(),
    ]);
    assert!(plain.events.details.is_empty());
}

#[test]
fn geojson_properties_give_the_details() {
    let text = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","geometry":{"type":"Point","coordinates":[-4.18,14.48]},
       "properties":{"event_id_cnty":"MLI1","event_date":"2024-01-02","event_type":"Battles",
         "fatalities":1,"actor1":"Synthetic Group Alpha","actor2":"","inter1":2,
         "source":"Test Wire A","civilian_targeting":null}}]}"#;
    let out = read_text(text, &with_details()).unwrap();
    assert_eq!(
        details_of(&out, "MLI1"),
        expect(&[
            ("actor1", "Synthetic Group Alpha"),
            ("actor2", ""),
            ("inter1", "2"),
            ("source", "Test Wire A"),
        ])
    );
}

#[test]
fn bad_bytes_in_a_detail_column_are_not_reported() {
    // What a read reports must not depend on whether a product wants the details.
    // (An accented letter elsewhere keeps the file UTF-8, not Windows-1252.)
    let mut bytes = acled_file(&[&[("source", "Wire XX"), ("location", "Ségou")]]).into_bytes();
    let at = bytes.windows(2).position(|w| w == b"XX").unwrap();
    bytes[at] = 0xFF;
    let plain = read_text(&bytes, &ReadOptions::default()).unwrap();
    let detailed = read_text(&bytes, &with_details()).unwrap();
    assert_eq!(plain.summary, detailed.summary);
    assert_eq!(plain.diagnostics, detailed.diagnostics);
    assert!(plain.diagnostics.is_empty(), "{:?}", plain.diagnostics);
    assert_eq!(
        details_of(&detailed, "MLI9000")[7].1.as_deref(),
        Some("Wire \u{FFFD}X")
    );
}
