//! One test per bad value: the problem, line and column reported, the row skipped (or
//! kept), and the other rows of the file still read.

use super::*;

/// Reads a current-layout file of a good row, the given rows, and a good row.
fn read_between(rows: &[&[(&str, &str)]], opts: &ReadOptions) -> ReadOutput {
    let mut all: Vec<&[(&str, &str)]> = vec![&[]];
    all.extend_from_slice(rows);
    all.push(&[]);
    read_text(acled_file(&all), opts).unwrap()
}

fn ids(out: &ReadOutput) -> Vec<String> {
    views(out).into_iter().map(|v| v.id).collect()
}

#[test]
fn missing_date() {
    let out = read_between(&[&[("event_date", " ")]], &ReadOptions::default());
    let d = only(&out, Problem::MissingDate, 3, "event_date");
    assert_eq!(d.outcome, Outcome::Skipped);
    assert_eq!(ids(&out), ["MLI9000", "MLI9002"]);
    assert_eq!(out.summary.skipped[&Problem::MissingDate], 1);
}

#[test]
fn bad_and_impossible_dates() {
    let rows: &[&[(&str, &str)]] = &[&[("event_date", "2024-02-30")], &[("event_date", "soon")]];
    let out = read_between(rows, &ReadOptions::default());
    let found: Vec<_> = out
        .diagnostics
        .iter()
        .map(|d| (d.problem, d.line))
        .collect();
    assert_eq!(found, [(Problem::BadDate, 3), (Problem::BadDate, 4)]);
    let d = &out.diagnostics[0];
    assert_eq!(d.column.as_deref(), Some("event_date"));
    assert!(
        d.detail
            .contains("\"2024-02-30\" is not a real calendar date"),
        "{d}"
    );
    assert!(out.diagnostics[1].detail.contains("\"soon\""));
    assert_eq!(ids(&out), ["MLI9000", "MLI9003"]);
}

#[test]
fn coordinates_not_numbers() {
    let rows: &[&[(&str, &str)]] = &[&[("longitude", "W8.0")], &[("latitude", "")]];
    let out = read_between(rows, &ReadOptions::default());
    let d = &out.diagnostics[0];
    assert_eq!(
        (d.problem, d.line, d.column.as_deref()),
        (Problem::CoordinateNotNumber, 3, Some("longitude"))
    );
    assert!(d.detail.contains("\"W8.0\" is not a number"));
    let d = &out.diagnostics[1];
    assert_eq!(
        (d.problem, d.line, d.column.as_deref()),
        (Problem::CoordinateNotNumber, 4, Some("latitude"))
    );
    assert_eq!(ids(&out), ["MLI9000", "MLI9003"]);
}

#[test]
fn coordinates_out_of_range() {
    let out = read_between(&[&[("latitude", "95.2")]], &ReadOptions::default());
    let d = only(&out, Problem::CoordinateOutOfRange, 3, "latitude");
    assert!(d.detail.contains("95.2"));
    let out = read_between(&[&[("longitude", "-181")]], &ReadOptions::default());
    only(&out, Problem::CoordinateOutOfRange, 3, "longitude");
    assert_eq!(out.events.len(), 2);
}

#[test]
fn zero_zero() {
    let out = read_between(
        &[&[("latitude", "0"), ("longitude", "0.0")]],
        &ReadOptions::default(),
    );
    only(&out, Problem::ZeroZero, 3, "latitude/longitude");
    assert_eq!(ids(&out), ["MLI9000", "MLI9002"]);
}

#[test]
fn bad_fatalities_including_empty() {
    let rows: &[&[(&str, &str)]] = &[
        &[("fatalities", "-1")],
        &[("fatalities", "2.5")],
        &[("fatalities", "several")],
        &[("fatalities", "")],
        &[("fatalities", "4.0")],
    ];
    let out = read_between(rows, &ReadOptions::default());
    let found: Vec<_> = out
        .diagnostics
        .iter()
        .map(|d| (d.problem, d.line))
        .collect();
    let bad = Problem::BadFatalities;
    assert_eq!(found, [(bad, 3), (bad, 4), (bad, 5), (bad, 6)]);
    assert!(
        out.diagnostics
            .iter()
            .all(|d| d.column.as_deref() == Some("fatalities"))
    );
    assert!(out.diagnostics[0].detail.contains("negative"));
    assert!(out.diagnostics[1].detail.contains("whole number"));
    assert!(out.diagnostics[3].detail.contains("empty"));
    // "4.0" is a whole number as spreadsheets write it.
    assert_eq!(ids(&out), ["MLI9000", "MLI9005", "MLI9006"]);
    assert_eq!(views(&out)[1].fatalities, 4);
}

#[test]
fn missing_id() {
    let out = read_between(&[&[("event_id_cnty", "")]], &ReadOptions::default());
    only(&out, Problem::MissingId, 3, "event_id_cnty");
    assert_eq!(ids(&out), ["MLI9000", "MLI9002"]);
}

#[test]
fn missing_event_type() {
    let out = read_between(&[&[("event_type", "")]], &ReadOptions::default());
    only(&out, Problem::BadEventType, 3, "event_type");
    assert_eq!(out.events.len(), 2);
}

#[test]
fn duplicate_identical_row() {
    let text = format!("{}{}\n", acled_file(&[&[], &[]]), acled_row(0, &[]));
    let out = read_text(text, &ReadOptions::default()).unwrap();
    let d = only(&out, Problem::DuplicateIdentical, 4, "event_id_cnty");
    assert!(
        d.detail.contains("MLI9000") && d.detail.contains("line 2"),
        "{d}"
    );
    assert_eq!(ids(&out), ["MLI9000", "MLI9001"]);
    assert_eq!(out.summary.skipped[&Problem::DuplicateIdentical], 1);
}

#[test]
fn duplicate_with_conflicting_content_keeps_the_first() {
    let second = acled_row(0, &[("fatalities", "9"), ("actor2", "Wagner Group")]);
    let text = format!("{}{second}\n", acled_file(&[&[], &[]]));
    let out = read_text(text, &ReadOptions::default()).unwrap();
    let d = only(&out, Problem::DuplicateConflict, 4, "event_id_cnty");
    assert_eq!(d.outcome, Outcome::Skipped);
    assert!(d.detail.contains("line 2"), "{d}");
    assert!(
        d.detail.contains("fatalities") && d.detail.contains("actor1/actor2"),
        "{d}"
    );
    assert!(!d.detail.contains("event_date"), "{d}");
    let v = views(&out);
    assert_eq!((v.len(), v[0].fatalities), (2, 3));
}

#[test]
fn monadic_rows_that_disagree_are_a_conflict() {
    let text = std::fs::read_to_string(fixture("fixtures/acled_monadic.csv")).unwrap();
    let extra = "7006,466,MLI1003,1003,06-04-2019,2019,1,Explosions/Remote violence,\
        Remote explosive/landmine/IED,Civilians (Mali),,7,37,Western Africa,Mali,Timbuktu,\
        Gourma-Rharous,Gossi,Gossi,15.8167,-1.3,3,MENASTREAM,New media,IED.,1,1554400000,MLI\n";
    let out = read_text(text + extra, &ReadOptions::default()).unwrap();
    let d = only(&out, Problem::DuplicateConflict, 9, "event_id_cnty");
    assert!(
        d.detail.contains("line 8") && d.detail.contains("event_date"),
        "{d}"
    );
    let v = views(&out);
    assert_eq!(
        by_id(&v, "MLI1003").primary,
        ["Unidentified Armed Group (Mali)"]
    );
    assert_eq!(out.summary.rows_merged, 2);
}

#[test]
fn invalid_utf8_is_decoded_and_kept() {
    // A byte order mark says the file is UTF-8: a byte that is not is the row's problem.
    let text = acled_file(&[&[], &[("admin1", "S\u{1}gou")], &[]]);
    let mut text = format!("\u{feff}{text}").into_bytes();
    let at = text.iter().position(|&b| b == 1).unwrap();
    text[at] = 0xE9; // Latin-1 "é"
    let out = read_text(text, &ReadOptions::default()).unwrap();
    let d = only(&out, Problem::InvalidUtf8, 3, "admin1");
    assert_eq!(d.outcome, Outcome::Kept);
    assert_eq!(out.summary.warnings[&Problem::InvalidUtf8], 1);
    let v = views(&out);
    assert_eq!(v.len(), 3);
    assert_eq!(v[1].admin[0], "S\u{FFFD}gou");
}

#[test]
fn text_that_starts_as_no_utf8_is_windows_1252() {
    let mut text = acled_file(&[&[], &[("admin1", "S\u{1}gou")], &[]]).into_bytes();
    let at = text.iter().position(|&b| b == 1).unwrap();
    text[at] = 0xE9; // "é" in Windows-1252
    let out = read_text(text, &ReadOptions::default()).unwrap();
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    assert_eq!(views(&out)[1].admin[0], "Ségou");
    let stored = out.summary.stored.unwrap();
    assert_eq!(stored.encoding.as_deref(), Some("Windows-1252"));
}

#[test]
fn bad_geo_precision_keeps_the_row_without_precision() {
    let out = read_between(&[&[("geo_precision", "5")]], &ReadOptions::default());
    let d = only(&out, Problem::BadGeoPrecision, 3, "geo_precision");
    assert_eq!(d.outcome, Outcome::Kept);
    let v = views(&out);
    assert_eq!(
        (v.len(), v[1].precision, v[0].precision),
        (3, None, Some(1))
    );
}

#[test]
fn ged_type_of_violence_not_understood() {
    let text = std::fs::read_to_string(fixture("fixtures/ged_events.csv")).unwrap();
    let text = text.replacen("1.0,Clear,2,5678", "1.0,Clear,9,5678", 1);
    let out = read_text(text, &ReadOptions::default()).unwrap();
    only(&out, Problem::BadEventType, 4, "type_of_violence");
    assert_eq!(out.events.len(), 1);
}

#[test]
fn inter_codes_as_numbers_or_text_never_reject_a_row() {
    let rows: &[&[(&str, &str)]] = &[
        &[("inter1", "2"), ("inter2", "1")],
        &[("inter1", "Rebel group"), ("inter2", "State forces")],
        &[("inter1", "x?"), ("inter2", "")],
    ];
    let out = read_between(rows, &ReadOptions::default());
    assert!(out.diagnostics.is_empty());
    assert_eq!(out.events.len(), 5);
}
