//! Strict mode, forced and unknown formats, diagnostics limit and callback, determinism.

use std::sync::Mutex;

use super::*;
use crate::error::Error;

#[test]
fn strict_fails_on_the_first_problem_with_its_line() {
    let text = acled_file(&[&[], &[("event_date", "2024-02-30")], &[("fatalities", "x")]]);
    let opts = ReadOptions {
        strict: true,
        ..Default::default()
    };
    let err = read_text(&text, &opts).unwrap_err();
    match &err {
        Error::Line { line, message, .. } => {
            assert_eq!(*line, 3);
            assert!(message.contains("column event_date") && message.contains("2024-02-30"));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("test.csv: line 3: column event_date"),
        "{err}"
    );
    // The same file without strict: both rows skipped, the rest read.
    let out = read_text(&text, &ReadOptions::default()).unwrap();
    assert_eq!((out.events.len(), out.summary.skipped_total()), (1, 2));
}

#[test]
fn strict_ignores_outside_country_and_fails_on_geojson_by_feature() {
    let m = mali();
    let opts = ReadOptions {
        strict: true,
        territory: Some(&m),
        ..Default::default()
    };
    let text = acled_file(&[&[], &[("latitude", "48.85"), ("longitude", "2.35")]]);
    let out = read_text(text, &opts).unwrap();
    assert_eq!((out.events.len(), out.summary.outside_country), (1, 1));
    let geojson = r#"{"type": "FeatureCollection", "features": [{"type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": []}, "properties": {}}]}"#;
    let err = read_text(geojson, &opts).unwrap_err();
    assert!(matches!(err, Error::Feature { index: 0, .. }), "{err:?}");
}

#[test]
fn unknown_header_lists_the_layouts_and_their_columns() {
    let err = read_text("name,lat,lon\nBamako,12.6,-8.0\n", &ReadOptions::default()).unwrap_err();
    let Error::Format { message, .. } = &err else {
        panic!("{err:?}");
    };
    for expected in [
        "acled",
        "event_id_cnty",
        "actor2",
        "ged",
        "side_a",
        "date_start",
        "geojson",
    ] {
        assert!(message.contains(expected), "{expected} missing: {message}");
    }
    assert!(message.contains("name, lat, lon"), "{message}");
    let err = read_text("", &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
}

#[test]
fn forced_format() {
    let path = fixture("fixtures/acled_current.csv");
    let forced = |format| ReadOptions {
        format: Some(format),
        ..Default::default()
    };
    // Forcing a layout whose columns are missing names them.
    let err = read_events(&path, &forced(Dataset::UcdpGed)).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("id, date_start, type_of_violence, side_a, side_b, best"),
        "{msg}"
    );
    // A compatible layout is used as forced.
    let out = read_events(&path, &forced(Dataset::AcledDyadic)).unwrap();
    assert_eq!(out.summary.format, Some(Dataset::AcledDyadic));
    assert_eq!(out.events.len(), 4);
    assert!(
        out.events
            .events
            .iter()
            .all(|e| e.dataset == Dataset::AcledDyadic)
    );
    // A CSV forced to GeoJSON is not JSON.
    let err = read_events(&path, &forced(Dataset::GeoJson)).unwrap_err();
    assert!(err.to_string().contains("FeatureCollection"), "{err}");
    // And "--format acled-monadic" parses.
    let fmt: Dataset = "acled-monadic".parse().unwrap();
    let out = read_events(&fixture("fixtures/acled_monadic.csv"), &forced(fmt)).unwrap();
    assert_eq!(out.summary.rows_merged, 2);
}

#[test]
fn diagnostics_limit_and_callback_see_every_problem() {
    let bad: &[(&str, &str)] = &[("event_date", "")];
    let text = acled_file(&[bad, bad, &[], bad, bad, bad]);
    let seen = Mutex::new(Vec::new());
    let callback = |d: &Diagnostic| seen.lock().unwrap().push(d.line);
    let opts = ReadOptions {
        diagnostics_limit: 2,
        on_diagnostic: Some(&callback),
        ..Default::default()
    };
    let out = read_text(text, &opts).unwrap();
    assert_eq!(out.diagnostics.len(), 2);
    assert_eq!(out.summary.skipped[&Problem::MissingDate], 5);
    assert_eq!(*seen.lock().unwrap(), [2, 3, 5, 6, 7]);
    let s = &out.summary;
    assert_eq!(
        s.rows_read,
        s.events_kept + s.rows_merged + s.skipped_total()
    );
}

/// A sink that stops wanting a problem gets no more of it, yet every problem is
/// counted and the read keeps its own diagnostics up to the limit; an "outside"
/// diagnostic reads as it did when every row's was written out.
#[test]
fn a_sink_gets_only_the_problems_it_wants() {
    struct FirstOfEach(Mutex<Vec<(Problem, u64, String)>>);
    impl DiagnosticSink for FirstOfEach {
        fn wants(&self, problem: Problem) -> bool {
            !self.0.lock().unwrap().iter().any(|(p, ..)| *p == problem)
        }
        fn report(&self, d: &Diagnostic) {
            let seen = (d.problem, d.line, d.detail.clone());
            self.0.lock().unwrap().push(seen);
        }
    }
    let paris: &[(&str, &str)] = &[("latitude", "48.8566"), ("longitude", "2.3522")];
    let bad: &[(&str, &str)] = &[("event_date", "")];
    let text = acled_file(&[paris, bad, paris, &[], paris, bad]);
    let m = mali();
    let sink = FirstOfEach(Mutex::new(Vec::new()));
    let opts = ReadOptions {
        territory: Some(&m),
        diagnostics_limit: 2,
        on_diagnostic: Some(&sink),
        ..Default::default()
    };
    let out = read_text(text, &opts).unwrap();
    assert_eq!(out.summary.skipped[&Problem::OutsideCountry], 3);
    assert_eq!(out.summary.skipped[&Problem::MissingDate], 2);
    let outside = "latitude 48.8566, longitude 2.3522 is outside Mali";
    assert_eq!(
        sink.0.into_inner().unwrap(),
        [
            (Problem::OutsideCountry, 2, outside.to_string()),
            (Problem::MissingDate, 3, "the date is empty".to_string()),
        ]
    );
    // Two of each problem kept, in file order.
    let kept: Vec<(Problem, u64)> = out
        .diagnostics
        .iter()
        .map(|d| (d.problem, d.line))
        .collect();
    let (o, m) = (Problem::OutsideCountry, Problem::MissingDate);
    assert_eq!(kept, [(o, 2), (m, 3), (o, 4), (m, 7)]);
    assert_eq!(out.diagnostics[1].detail, "the date is empty");
    assert_eq!(out.diagnostics[2].detail, outside);
}

/// Everything a read produces, for comparing two reads.
fn everything(out: &ReadOutput) -> (Vec<Event>, Vec<View>, ReadSummary, Vec<Diagnostic>) {
    (
        out.events.events.clone(),
        views(out),
        out.summary.clone(),
        out.diagnostics.clone(),
    )
}

#[test]
fn batching_does_not_change_the_result() {
    let m = mali();
    let opts = ReadOptions {
        territory: Some(&m),
        ..Default::default()
    };
    for name in [
        "ucdp/ucdp_ged231_sample1000.csv",
        "fixtures/acled_monadic.csv",
        "fixtures/acled_current.csv",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let path = Path::new(name);
        let whole = read_with_batch(&bytes[..], path, &opts, usize::MAX).unwrap();
        assert!(!whole.events.is_empty());
        for batch in [1, 2, 7, 64] {
            let out = read_with_batch(&bytes[..], path, &opts, batch).unwrap();
            // Same events with the same symbols: interning order is fixed too.
            assert_eq!(
                everything(&out),
                everything(&whole),
                "{name}, batch {batch}"
            );
        }
    }
}

#[test]
fn bad_rows_across_batches_match_a_single_batch() {
    let rows: Vec<Vec<(&str, &str)>> = (0..40)
        .map(|i| match i % 5 {
            1 => vec![("event_date", "2024-02-30")],
            2 => vec![("latitude", "-8.0"), ("longitude", "12.6")],
            3 => vec![("latitude", "30.0"), ("longitude", "30.0")],
            _ => vec![],
        })
        .collect();
    let refs: Vec<&[(&str, &str)]> = rows.iter().map(|r| r.as_slice()).collect();
    let mut text = acled_file(&refs);
    text.push_str(&acled_row(0, &[("fatalities", "4")]));
    text.push('\n');
    let m = mali();
    let opts = ReadOptions {
        territory: Some(&m),
        keep_outside: true,
        ..Default::default()
    };
    let path = Path::new("test.csv");
    let whole = read_with_batch(text.as_bytes(), path, &opts, usize::MAX).unwrap();
    assert_eq!(whole.summary.skipped_total(), 8 + 8 + 1);
    for batch in [1, 3, 16] {
        let out = read_with_batch(text.as_bytes(), path, &opts, batch).unwrap();
        assert_eq!(everything(&out), everything(&whole), "batch {batch}");
    }
}

#[test]
fn reading_twice_gives_identical_events() {
    let path = fixture("ucdp/ucdp_ged231_sample1000.csv");
    let a = read_events(&path, &ReadOptions::default()).unwrap();
    let b = read_events(&path, &ReadOptions::default()).unwrap();
    assert_eq!(everything(&a), everything(&b));
    assert_eq!(a.events.strings.len(), b.events.strings.len());
}
