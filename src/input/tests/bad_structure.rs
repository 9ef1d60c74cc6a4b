//! Rows of the wrong shape, positions outside the territory, unusable GeoJSON features.

use super::*;

#[test]
fn truncated_last_line() {
    let full = acled_file(&[&[], &[]]);
    let row = acled_row(2, &[]);
    let cut = &row[..row.find(",13.4317").unwrap()];
    let out = read_text(format!("{full}{cut}"), &ReadOptions::default()).unwrap();
    let d = only(&out, Problem::TruncatedLastLine, 4, "latitude");
    assert!(d.detail.contains("22 of the header's 31"), "{d}");
    assert_eq!(out.events.len(), 2);
}

#[test]
fn unterminated_quote_at_end_of_file() {
    // The notes' quote never closes: the rest of the file is swallowed into one field.
    let full = acled_file(&[&[]]);
    let row = acled_row(1, &[("notes", "\"Attack on the camp, the convoy\nwas hit")]);
    let out = read_text(format!("{full}{row}\n"), &ReadOptions::default()).unwrap();
    let d = only(&out, Problem::TruncatedLastLine, 3, "notes");
    assert!(d.detail.contains("unterminated quote"), "{d}");
    assert_eq!(out.events.len(), 1);

    // Open quote in the last column: the field count is right, the quote still open.
    let row = acled_row(1, &[("timestamp", "\"1726700000")]);
    let out = read_text(format!("{full}{row}"), &ReadOptions::default()).unwrap();
    only(&out, Problem::TruncatedLastLine, 3, "timestamp");
    assert_eq!(out.events.len(), 1);

    // A closed quote at the end is fine.
    let row = acled_row(1, &[("timestamp", "\"1726700000\"")]);
    let out = read_text(format!("{full}{row}"), &ReadOptions::default()).unwrap();
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
}

#[test]
fn wrong_field_count_in_the_middle() {
    let mut text = acled_file(&[&[]]);
    let row = acled_row(1, &[]);
    text.push_str(&row[..row.find(",Segou").unwrap()]); // short: 18 fields
    text.push('\n');
    text.push_str(&acled_row(2, &[]));
    text.push_str(",extra\n"); // long: 32 fields
    text.push_str(&acled_row(3, &[]));
    text.push('\n');
    let out = read_text(text, &ReadOptions::default()).unwrap();
    let found: Vec<_> = out
        .diagnostics
        .iter()
        .map(|d| (d.problem, d.line, d.column.as_deref()))
        .collect();
    let wrong = Problem::WrongFieldCount;
    assert_eq!(found, [(wrong, 3, Some("admin1")), (wrong, 4, None)]);
    assert!(out.diagnostics[1].detail.contains("32 fields"));
    assert_eq!(
        views(&out)
            .iter()
            .map(|v| v.id.as_str())
            .collect::<Vec<_>>(),
        ["MLI9000", "MLI9003"]
    );
    // A long last row is a wrong count, not a truncation.
    let text = format!("{}{},x", acled_file(&[&[]]), acled_row(1, &[]));
    let out = read_text(text, &ReadOptions::default()).unwrap();
    let d = &out.diagnostics[0];
    assert_eq!(
        (d.problem, d.line, d.column.as_deref()),
        (Problem::WrongFieldCount, 3, None)
    );
}

#[test]
fn swapped_and_outside_with_a_territory() {
    let m = mali();
    let rows: &[&[(&str, &str)]] = &[
        &[],
        // Bamako with latitude and longitude exchanged.
        &[("latitude", "-8.0029"), ("longitude", "12.6392")],
        // Niamey, Niger: outside, and not inside when swapped.
        &[("latitude", "13.5116"), ("longitude", "2.1254")],
        &[("latitude", "13.5116"), ("longitude", "6.1254")],
    ];
    let text = acled_file(rows);
    let opts = ReadOptions {
        territory: Some(&m),
        ..Default::default()
    };
    let out = read_text(&text, &opts).unwrap();
    let d = only(&out, Problem::SwappedLatLon, 3, "latitude/longitude");
    assert!(
        d.detail.contains("Mali") && d.detail.contains("not corrected"),
        "{d}"
    );
    let d = only(&out, Problem::OutsideCountry, 5, "latitude/longitude");
    assert_eq!(d.outcome, Outcome::Skipped);
    assert!(d.detail.contains("outside Mali"), "{d}");
    let ids: Vec<_> = views(&out).into_iter().map(|v| v.id).collect();
    assert_eq!(ids, ["MLI9000", "MLI9002"]);
    assert_eq!(out.summary.outside_country, 1);
    assert_eq!(out.summary.skipped[&Problem::OutsideCountry], 1);

    // Kept when asked, still counted and reported (as a warning).
    let keep = ReadOptions {
        keep_outside: true,
        ..opts
    };
    let out = read_text(&text, &keep).unwrap();
    let d = only(&out, Problem::OutsideCountry, 5, "latitude/longitude");
    assert_eq!(d.outcome, Outcome::Kept);
    assert_eq!((out.events.len(), out.summary.outside_country), (3, 1));
    assert_eq!(out.summary.warnings[&Problem::OutsideCountry], 1);

    // Without a territory nothing is swapped or outside.
    let out = read_text(&text, &ReadOptions::default()).unwrap();
    assert!(out.diagnostics.is_empty());
    assert_eq!(out.events.len(), 4);
}

#[test]
fn duplicate_of_an_event_dropped_as_outside() {
    let m = mali();
    let paris: &[(&str, &str)] = &[("latitude", "48.85"), ("longitude", "2.35")];
    let changed: Vec<_> = paris.iter().copied().chain([("fatalities", "8")]).collect();
    let text = format!(
        "{}{}\n{}\n",
        acled_file(&[paris]),
        acled_row(0, paris),
        acled_row(0, &changed)
    );
    let opts = ReadOptions {
        territory: Some(&m),
        ..Default::default()
    };
    let out = read_text(text, &opts).unwrap();
    only(&out, Problem::DuplicateIdentical, 3, "event_id_cnty");
    let d = only(&out, Problem::DuplicateConflict, 4, "event_id_cnty");
    assert!(
        d.detail.contains("line 2") && d.detail.contains("dropped"),
        "{d}"
    );
    assert_eq!((out.events.len(), out.summary.outside_country), (0, 1));
}

const FEATURES: &str = r#"{"type": "FeatureCollection", "features": [
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-8.0, 12.6]},
  "properties": {"event_id_cnty": "A1", "event_date": "2024-01-05", "event_type": "Battles",
                 "fatalities": 1}},
 {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[-8, 12], [-7, 13]]},
  "properties": {"event_id_cnty": "A2", "event_date": "2024-01-05", "event_type": "Battles",
                 "fatalities": 1}},
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-8.0, 12.6]},
  "properties": {"event_id_cnty": "A3", "event_type": "Battles"}},
 {"type": "Feature", "geometry": null, "properties": {}},
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-8.0, 12.6]},
  "properties": {"event_id_cnty": "A5", "event_date": "2024-02-30", "event_type": "Battles",
                 "fatalities": 2.5}},
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [12.6, -8.0]},
  "properties": {"event_id_cnty": "A6", "event_date": "2024-01-06", "event_type": "Battles",
                 "fatalities": 0}},
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-8.0, 12.6]},
  "properties": {"id": "A7", "event_date": "2024-01-07", "event_type": "Battles",
                 "fatalities": "2", "geo_precision": 9}},
 {"type": "Nonsense"}
]}"#;

#[test]
fn geojson_bad_features_are_reported_by_index() {
    let m = mali();
    let opts = ReadOptions {
        territory: Some(&m),
        ..Default::default()
    };
    let out = read_text(FEATURES, &opts).unwrap();
    let found: Vec<_> = out
        .diagnostics
        .iter()
        .map(|d| (d.feature, d.problem, d.column.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (Some(1), Problem::BadFeature, None),
            (Some(2), Problem::BadFeature, None),
            (Some(3), Problem::BadFeature, None),
            (Some(4), Problem::BadDate, Some("event_date")),
            (Some(5), Problem::SwappedLatLon, Some("geometry")),
            (Some(6), Problem::BadGeoPrecision, Some("geo_precision")),
            (Some(7), Problem::BadFeature, None),
        ]
    );
    let d = &out.diagnostics;
    assert!(d[0].detail.contains("LineString"), "{}", d[0]);
    assert!(d[1].detail.contains("event_date, fatalities"), "{}", d[1]);
    assert!(d.iter().all(|d| d.line == 0 && d.feature.is_some()));
    assert!(d[0].to_string().contains("feature 1"));
    let ids: Vec<_> = views(&out).into_iter().map(|v| v.id).collect();
    assert_eq!(ids, ["A1", "A7"]);
    assert_eq!(out.summary.rows_read, 8);
}

#[test]
fn crlf_line_ends_and_blank_lines() {
    let text = acled_file(&[&[], &[("notes", "\"two\r\nlines\"")], &[]]).replace('\n', "\r\n");
    let text = text.replace("two\r\r\nlines", "two\r\nlines") + "\r\n  \r\n";
    let out = read_text(text, &ReadOptions::default()).unwrap();
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    let lines: Vec<_> = views(&out).iter().map(|v| v.line).collect();
    assert_eq!(lines, [2, 3, 5]);
    assert_eq!(views(&out)[2].admin[0], "Segou");
}

#[test]
fn geojson_with_invalid_utf8_and_a_bom() {
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend_from_slice(FEATURES.replace("A7", "S\u{1}gou").as_bytes());
    let at = text.iter().position(|&b| b == 1).unwrap();
    text[at] = 0xE9;
    let out = read_text(text, &ReadOptions::default()).unwrap();
    let d = &out.diagnostics[0];
    assert_eq!(
        (d.problem, d.outcome, d.feature),
        (Problem::InvalidUtf8, Outcome::Kept, None)
    );
    assert_eq!(d.line, 18);
    let ids: Vec<_> = views(&out).into_iter().map(|v| v.id).collect();
    assert!(ids.contains(&"S\u{FFFD}gou".to_string()), "{ids:?}");
}
