//! Resource limits on input: a field over 16 MiB is a bad row, a record running on past
//! 64 MiB (an unterminated quote) stops the read with an error naming its line, a header
//! wider than 4,096 columns and JSON nested past 128 levels are refused; through the
//! streamed and the in-memory paths alike.

use super::*;
use crate::input::csv_read::{Cut, MAX_COLUMNS, MAX_RECORD};
use crate::input::csv_rows::MAX_FIELD;
use crate::input::open;

/// `text` read as a stream (pipes, archives) and in place (mapped files).
fn both_paths(text: &[u8]) -> [Result<ReadOutput>; 2] {
    let path = Path::new("test.csv");
    let opts = ReadOptions::default();
    [
        read_text(text, &opts),
        open::read_bytes(text, path, &opts, Cut::default()),
    ]
}

#[test]
fn a_field_over_the_limit_is_a_bad_row_and_the_rest_is_read() {
    let mut text = acled_file(&[&[]]);
    let long = "x".repeat(MAX_FIELD + 1);
    text.push_str(&acled_row(2, &[("notes", &format!("\"{long}\""))]));
    text.push('\n');
    // At the limit exactly: kept.
    let at_limit = "y".repeat(MAX_FIELD);
    text.push_str(&acled_row(3, &[("notes", &at_limit)]));
    text.push('\n');
    // (Last, a short row: a last row longer than the 1 MiB of the file's end kept to
    // check it for an open quote is taken as one.)
    text.push_str(&acled_row(4, &[]));
    text.push('\n');
    for out in both_paths(text.as_bytes()) {
        let out = out.unwrap();
        let d = only(&out, Problem::FieldTooLong, 3, "notes");
        assert!(
            d.detail.contains(&format!("{} bytes", MAX_FIELD + 1)),
            "{d}"
        );
        assert!(d.detail.contains("16 MiB"), "{d}");
        assert_eq!(out.events.len(), 3);
    }
}

#[test]
fn a_record_running_past_the_limit_stops_with_an_error_naming_its_line() {
    let mut text = acled_file(&[&[]]).into_bytes();
    // An opening quote that never closes, then more than 64 MiB of rows without quotes.
    let row = acled_row(2, &[("notes", "\"Attack")]);
    text.extend_from_slice(row.as_bytes());
    text.push(b'\n');
    let plain = acled_row(3, &[]).replace('"', "") + "\n";
    while text.len() < MAX_RECORD + (2 << 20) {
        text.extend_from_slice(plain.as_bytes());
    }
    for out in both_paths(&text) {
        let e = out.expect_err("an error").to_string();
        assert!(e.contains("test.csv"), "{e}");
        assert!(e.contains("line 3"), "{e}");
        assert!(
            e.contains("64 MiB") && e.contains("unterminated quote"),
            "{e}"
        );
    }
    // The same quote with the file ending sooner: the rest is one truncated last row.
    text.truncate(MAX_RECORD / 4);
    let cut = text.iter().rposition(|&b| b == b'\n').unwrap() + 1;
    text.truncate(cut);
    // (The column is not named: the quote opened more than the 1 MiB of the file's end
    // that is kept to check it.)
    for out in both_paths(&text) {
        let out = out.unwrap();
        let d = &out.diagnostics[0];
        assert_eq!((d.problem, d.line), (Problem::TruncatedLastLine, 3), "{d}");
        assert_eq!(out.events.len(), 1);
    }
}

#[test]
fn a_header_wider_than_the_limit_is_refused() {
    let names: Vec<String> = (0..=MAX_COLUMNS).map(|i| format!("c{i}")).collect();
    let text = format!("{}\n1,2\n", names.join(","));
    for out in both_paths(text.as_bytes()) {
        let e = out.expect_err("an error").to_string();
        assert!(e.contains("test.csv") && e.contains("4097 fields"), "{e}");
    }
}

#[test]
fn json_nested_past_the_limit_is_refused() {
    let depth = 100_000;
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"x":{}{}}},"geometry":{{"type":"Point","coordinates":[-8,12.6]}}}}]}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let path = Path::new("deep.geojson");
    let e = read_events_from(text.as_bytes(), path, &ReadOptions::default())
        .expect_err("an error")
        .to_string();
    assert!(
        e.contains("deep.geojson") && e.contains("nested more than 128"),
        "{e}"
    );
}
