//! Hand-written files in each real layout, read field by field.

use super::*;

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn admin(a: &str, b: &str, c: &str) -> [String; 3] {
    [a.into(), b.into(), c.into()]
}

const JNIM: &str = "JNIM: Group for Support of Islam and Muslims";
const FAMA: &str = "Military Forces of Mali (2021-)";

#[test]
fn acled_current_export() {
    let out = read_fixture("fixtures/acled_current.csv");
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    assert_eq!(out.summary.format, Some(Dataset::Acled));
    assert_eq!((out.summary.rows_read, out.summary.events_kept), (4, 4));
    let v = views(&out);
    assert_eq!(
        v[0],
        View {
            id: "MLI32001".into(),
            date: date("2024-09-17"),
            year: 2024,
            lon: -8.0029,
            lat: 12.6392,
            precision: Some(1),
            event_type: "Battles".into(),
            sub_event_type: "Armed clash".into(),
            primary: strs(&[JNIM, FAMA]),
            associated: strs(&["Wagner Group"]),
            fatalities: 77,
            admin: admin("Bamako", "Bamako", "Commune III"),
            location: "Bamako".into(),
            dataset: Dataset::Acled,
            line: 2,
        }
    );
    // "17 September 2024"; inter1 as text; a ';' list of associated actors.
    let e = &v[1];
    assert_eq!(
        (e.id.as_str(), e.date, e.line),
        ("MLI32002", date("2024-09-17"), 4)
    );
    assert_eq!(e.event_type, "Violence against civilians");
    assert_eq!(e.sub_event_type, "Attack");
    assert_eq!(e.primary, strs(&[FAMA, "Civilians (Mali)"]));
    assert_eq!(
        e.associated,
        strs(&["Wagner Group", "Dozo Communal Militia (Mali)"])
    );
    assert_eq!(
        (e.lon, e.lat, e.precision, e.fatalities),
        (-4.55, 13.9, Some(2), 5)
    );
    assert_eq!(e.admin, admin("Mopti", "Djenne", "Femaye"));
    assert_eq!(e.location, "Femaye");
    // "17 Sep 2024"; no actor2.
    let e = &v[2];
    assert_eq!(
        (e.id.as_str(), e.date, e.line),
        ("MLI32003", date("2024-09-17"), 5)
    );
    assert_eq!(e.primary, strs(&["Unidentified Armed Group (Mali)"]));
    assert!(e.associated.is_empty());
    assert_eq!(
        (e.lon, e.lat, e.precision, e.fatalities),
        (-6.0167, 14.6833, Some(3), 0)
    );
    assert_eq!(e.sub_event_type, "Looting/property destruction");
    // "17-09-2024" (day first); quoted notes with a newline before it.
    let e = &v[3];
    assert_eq!(
        (e.id.as_str(), e.date, e.line),
        ("MLI32004", date("2024-09-17"), 6)
    );
    assert_eq!(e.event_type, "Explosions/Remote violence");
    assert_eq!(e.primary, strs(&[JNIM, FAMA]));
    assert_eq!((e.lon, e.lat, e.fatalities), (-1.3, 15.8167, 2));
    assert_eq!(e.admin, admin("Timbuktu", "Gourma-Rharous", "Gossi"));
}

#[test]
fn upper_case_excel_export_with_bom_crlf_and_other_column_order() {
    let out = read_fixture("fixtures/acled_upper.csv");
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    assert_eq!(out.summary.format, Some(Dataset::Acled));
    let v = views(&out);
    assert_eq!(v.len(), 2);
    let e = &v[0];
    assert_eq!(
        (e.id.as_str(), e.date, e.year, e.line),
        ("MLI27001", date("2022-06-18"), 2022, 2)
    );
    // LONGITUDE comes before LATITUDE in this file: matched by name, not position.
    assert_eq!(
        (e.lon, e.lat, e.precision, e.fatalities),
        (-3.3625, 14.1628, Some(1), 132)
    );
    assert_eq!(e.primary, strs(&[JNIM, "Civilians (Mali)"]));
    assert_eq!(e.admin, admin("Mopti", "Bankass", "Diallassagou"));
    assert_eq!(e.location, "Diallassagou");
    let e = &v[1];
    assert_eq!((e.id.as_str(), e.line, e.fatalities), ("MLI27002", 3, 0));
    assert_eq!(e.admin[2], "Commune I");
    assert_eq!(
        (e.event_type.as_str(), e.primary.clone()),
        ("Protests", strs(&["Protesters (Mali)"]))
    );
}

#[test]
fn acled_monadic_export_merges_actor_rows() {
    let out = read_fixture("fixtures/acled_monadic.csv");
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    let s = &out.summary;
    assert_eq!(s.format, Some(Dataset::AcledMonadic));
    assert_eq!((s.rows_read, s.rows_merged, s.events_kept), (5, 2, 3));
    let v = views(&out);
    let e = by_id(&v, "MLI1001");
    assert_eq!(
        e.primary,
        strs(&[JNIM, "Military Forces of Mali (2012-2021)"])
    );
    assert!(e.associated.is_empty());
    // Two actor rows of 26 fatalities each: one event of 26.
    assert_eq!((e.fatalities, e.line, e.date), (26, 2, date("2019-03-10")));
    assert_eq!((e.lon, e.lat, e.precision), (-5.2536, 14.8431, Some(1)));
    assert_eq!(e.admin, admin("Segou", "Niono", "Dioura"));
    assert_eq!(
        (e.event_type.as_str(), e.dataset),
        ("Battles", Dataset::AcledMonadic)
    );
    let e = by_id(&v, "MLI1002");
    assert_eq!(e.primary, strs(&["Dan Na Ambassagou", "Civilians (Mali)"]));
    assert_eq!(
        e.associated,
        strs(&[
            "Dogon Ethnic Militia (Mali)",
            "Dozo Communal Militia (Mali)",
            "Fulani Ethnic Group (Mali)"
        ])
    );
    assert_eq!((e.fatalities, e.line, e.date), (157, 4, date("2019-03-23")));
    assert_eq!((e.precision, e.location.as_str()), (Some(2), "Ogossagou"));
    let e = by_id(&v, "MLI1003");
    assert_eq!(
        (e.date, e.line, e.fatalities, e.precision),
        (date("2019-04-05"), 8, 1, Some(3))
    );
    let total: u32 = v.iter().map(|e| e.fatalities).sum();
    assert_eq!(total, 26 + 157 + 1);
}

#[test]
fn acled_dyadic_export() {
    let out = read_fixture("fixtures/acled_dyadic.csv");
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    assert_eq!(out.summary.format, Some(Dataset::AcledDyadic));
    let v = views(&out);
    assert_eq!(v.len(), 2);
    let e = &v[0];
    assert_eq!(
        (e.id.as_str(), e.date, e.line, e.fatalities),
        ("MLI2201", date("2020-01-26"), 2, 20)
    );
    assert_eq!(
        e.primary,
        strs(&[JNIM, "Military Forces of Mali (2012-2021)"])
    );
    assert_eq!(
        (e.lon, e.lat, e.dataset),
        (-6.1167, 14.7333, Dataset::AcledDyadic)
    );
    let e = &v[1];
    // "2020/02/14"; inter codes as numbers in this row.
    assert_eq!(
        (e.id.as_str(), e.date, e.line),
        ("MLI2202", date("2020-02-14"), 3)
    );
    assert_eq!(e.primary, strs(&["Dan Na Ambassagou", "Civilians (Mali)"]));
    assert_eq!(
        e.associated,
        strs(&["Dozo Communal Militia (Mali)", "Fulani Ethnic Group (Mali)"])
    );
    assert_eq!(e.admin, admin("Mopti", "Bankass", "Ogossagou"));
}

#[test]
fn ged_csv() {
    let out = read_fixture("fixtures/ged_events.csv");
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    assert_eq!(out.summary.format, Some(Dataset::UcdpGed));
    let v = views(&out);
    assert_eq!(
        v[0],
        View {
            id: "900001".into(),
            date: date("2024-01-02"),
            year: 2024,
            lon: -3.61,
            lat: 14.35,
            // where_prec 4 (first-order admin unit) → 3.
            precision: Some(3),
            event_type: "Violence against civilians".into(),
            sub_event_type: "One-sided violence".into(),
            primary: strs(&["JNIM", "Civilians"]),
            associated: vec![],
            fatalities: 14,
            admin: admin("Mopti region", "Bandiagara cercle", ""),
            location: "Bandiagara area,\nMopti region".into(),
            dataset: Dataset::UcdpGed,
            line: 2,
        }
    );
    let e = &v[1];
    assert_eq!(
        (e.id.as_str(), e.date, e.line),
        ("900002", date("2024-02-09"), 4)
    );
    assert_eq!(
        (e.event_type.as_str(), e.sub_event_type.as_str()),
        ("Battles", "Non-state conflict")
    );
    assert_eq!(e.primary, strs(&["GATIA", "MSA", "IS"]));
    assert_eq!(
        (e.fatalities, e.precision, e.lon, e.lat),
        (9, Some(2), 2.4022, 15.9182)
    );
    assert_eq!(e.admin, admin("Gao region", "Menaka cercle", ""));
    assert_eq!(e.location, "Menaka town");
}

#[test]
fn geojson_points() {
    let out = read_fixture("fixtures/events.geojson");
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    assert_eq!(out.summary.format, Some(Dataset::GeoJson));
    let v = views(&out);
    assert_eq!(
        v[0],
        View {
            id: "MLI32001".into(),
            date: date("2024-09-17"),
            year: 2024,
            lon: -8.0029,
            lat: 12.6392,
            precision: Some(1),
            event_type: "Battles".into(),
            sub_event_type: "Armed clash".into(),
            primary: strs(&[JNIM, FAMA]),
            associated: strs(&["Wagner Group", "Africa Corps"]),
            fatalities: 77,
            admin: admin("Bamako", "Bamako", "Commune III"),
            location: "Bamako".into(),
            dataset: Dataset::GeoJson,
            line: 1,
        }
    );
    // Numeric "id" property, numbers as strings, a 3D point, null actor2.
    let e = &v[1];
    assert_eq!(
        (e.id.as_str(), e.date, e.line),
        ("32002", date("2024-09-17"), 2)
    );
    assert_eq!(
        (e.lon, e.lat, e.precision, e.fatalities),
        (-4.55, 13.9, Some(2), 5)
    );
    assert_eq!(e.primary, strs(&[FAMA]));
    assert_eq!(e.admin, admin("Mopti", "", ""));
    assert_eq!(e.location, "Femaye");
}
