use std::path::Path;

use super::*;
use crate::input::tests::{acled_file, by_id, views};
use crate::input::{ReadOptions, read_events_from};

fn read(text: &str, name: &str) -> ReadOutput {
    let opts = ReadOptions {
        revisions: true,
        ..Default::default()
    };
    read_events_from(text.as_bytes(), Path::new(name), &opts).unwrap()
}

#[test]
fn overlapping_files_count_an_event_once_and_the_newest_revision_wins() {
    // 2023 file: events 0..3. 2024 file: events 1..5, where event 1 was revised (newer
    // timestamp, 7 deaths instead of 3) and event 2 is the same row again.
    let old = acled_file(&[
        &[("timestamp", "1700000000")],
        &[("timestamp", "1700000000"), ("location", "Ségou")],
        &[("timestamp", "1700000000")],
    ]);
    let new = acled_file(&[
        &[
            ("event_id_cnty", "MLI9001"),
            ("timestamp", "1710000000"),
            ("fatalities", "7"),
        ],
        &[("event_id_cnty", "MLI9002"), ("timestamp", "1700000000")],
        &[
            ("event_id_cnty", "MLI9103"),
            ("timestamp", "1710000000"),
            ("actor1", "New actor"),
        ],
        &[("event_id_cnty", "MLI9104"), ("timestamp", "1710000000")],
    ]);
    let out = merge(vec![read(&old, "2023.csv"), read(&new, "2024.csv")]);
    let v = views(&out);
    let ids: Vec<&str> = v.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["MLI9000", "MLI9001", "MLI9002", "MLI9103", "MLI9104"]);
    assert_eq!(by_id(&v, "MLI9001").fatalities, 7);
    // The revised row replaced the old one whole: its location is the new row's.
    assert_eq!(by_id(&v, "MLI9001").location, "");
    assert_eq!(by_id(&v, "MLI9002").fatalities, 3);
    assert_eq!(by_id(&v, "MLI9103").primary[0], "New actor");
    let m = out.summary.merged.as_ref().unwrap();
    assert_eq!((m.shared, m.replaced), (2, 1));
    assert_eq!(m.files.len(), 2);
    assert_eq!(out.summary.rows_read, 7);
    assert_eq!(out.summary.events_kept, 5);
    assert_eq!(out.summary.file, Path::new("2023.csv, 2024.csv"));
    let text = out.summary.to_string();
    assert!(
        text.contains("2 events, counted once (1 replaced"),
        "{text}"
    );
}

#[test]
fn an_older_revision_or_a_missing_timestamp_keeps_the_first_files_row() {
    let newer = acled_file(&[&[("timestamp", "1710000000"), ("fatalities", "9")]]);
    let older = acled_file(&[&[("timestamp", "1700000000"), ("fatalities", "1")]]);
    let none = acled_file(&[&[("timestamp", ""), ("fatalities", "4")]]);
    let out = merge(vec![read(&newer, "a.csv"), read(&older, "b.csv")]);
    assert_eq!(views(&out)[0].fatalities, 9);
    let out = merge(vec![read(&none, "a.csv"), read(&newer, "b.csv")]);
    assert_eq!(views(&out)[0].fatalities, 4);
    let m = out.summary.merged.as_ref().unwrap();
    assert_eq!((m.shared, m.replaced), (1, 0));
}

#[test]
fn one_file_is_returned_as_read() {
    let text = acled_file(&[&[], &[]]);
    let out = merge(vec![read(&text, "a.csv")]);
    assert!(out.summary.merged.is_none());
    assert_eq!(out.events.len(), 2);
}
