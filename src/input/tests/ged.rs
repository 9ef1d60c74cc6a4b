//! Real UCDP GED 23.1 rows (quotes, commas and newlines inside fields).

use super::*;

#[test]
fn ged_sample_of_1000_reads_without_a_skipped_row() {
    let out = read_fixture("ucdp/ucdp_ged231_sample1000.csv");
    let s = &out.summary;
    assert_eq!(s.format, Some(Dataset::UcdpGed));
    assert_eq!(s.skipped_total(), 0, "{:#?}", out.diagnostics);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    assert_eq!((s.rows_read, s.events_kept, s.rows_merged), (1000, 1000, 0));
    let total: u64 = out
        .events
        .events
        .iter()
        .map(|e| u64::from(e.fatalities))
        .sum();
    assert_eq!(total, 9561);
    // Every event has a precision on the 1..=3 scale and at least one actor per side.
    for (i, e) in out.events.events.iter().enumerate() {
        assert!(matches!(e.geo_precision, Some(1..=3)));
        let actors = out.events.strings.actors(e.primary_actors);
        assert!(actors.len() >= 2, "{}", out.events.id(i));
    }
}

#[test]
fn ged_mali_rows() {
    let out = read_fixture("ucdp/ucdp_ged231_sample_mali.csv");
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    let v = views(&out);
    assert_eq!(v.len(), 7);
    let e = by_id(&v, "433894");
    assert_eq!(e.primary, ["GATIA", "MSA", "IS"]);
    assert_eq!((e.fatalities, e.date), (48, date("2022-03-27")));
    assert_eq!(
        (e.event_type.as_str(), e.sub_event_type.as_str()),
        ("Battles", "Non-state conflict")
    );
    // where_prec 5 → 3; empty adm_1/adm_2 kept as empty text.
    assert_eq!((e.precision, e.admin[0].as_str()), (Some(3), ""));
    assert_eq!(e.location, "forest reserve of Ansongo-Ménaka");
    assert_eq!((e.lon, e.lat), (1.7795, 15.5868));
    // A multi-line where_description, and the line numbers after it.
    let e = by_id(&v, "431002");
    assert_eq!(e.location, "north of Mopti\n\nnear Denga-Ouro");
    assert_eq!((e.line, e.precision), (4, Some(2)));
    assert_eq!(by_id(&v, "12989").line, 7);
    assert_eq!(by_id(&v, "12989").event_type, "Violence against civilians");
    // Every Mali row is inside the Mali box.
    let m = mali();
    let opts = ReadOptions {
        territory: Some(&m),
        ..Default::default()
    };
    let path = fixture("ucdp/ucdp_ged231_sample_mali.csv");
    let out = read_events(&path, &opts).unwrap();
    assert_eq!((out.events.len(), out.summary.outside_country), (7, 0));
}
