//! Splitting a file into blocks and sub-chunks for parallel tokenising gives exactly the
//! result of reading it record by record, whatever the block size: quoted newlines across
//! block and chunk boundaries, quotes the parity rule cannot follow (fallback to the
//! sequential reader), blank lines, CRLF and a cut-short or open-quoted last line.

use super::*;
use crate::input::csv_read::{Cut, SEQUENTIAL, read_csv_bytes};

/// Everything a read produces, for comparing two reads (symbols included: interning
/// order is fixed too).
fn everything(
    out: &ReadOutput,
) -> (
    Vec<Event>,
    Vec<View>,
    ReadSummary,
    Vec<Diagnostic>,
    Vec<crate::model::EventDetails>,
) {
    // How the text was stored is said by the readers of whole files only.
    let summary = ReadSummary {
        stored: None,
        ..out.summary.clone()
    };
    (
        out.events.events.clone(),
        views(out),
        summary,
        out.diagnostics.clone(),
        out.events.details.clone(),
    )
}

const BLOCKS: &[usize] = &[1, 2, 3, 5, 8, 13, 64, 100, 333, 1000, 4096, 1 << 20];

/// Reads `bytes` sequentially, then with every block size in `BLOCKS` (and a few batch
/// sizes), and checks the reads are identical. Returns the sequential read.
fn same_for_every_block_size(bytes: &[u8], opts: &ReadOptions, what: &str) -> ReadOutput {
    let path = Path::new("test.csv");
    let reference = read_with_sizes(bytes, path, opts, usize::MAX, SEQUENTIAL).unwrap();
    let expected = everything(&reference);
    for &block in BLOCKS {
        for batch in [1, 7, usize::MAX] {
            let out = read_with_sizes(bytes, path, opts, batch, block).unwrap();
            assert_eq!(
                everything(&out),
                expected,
                "{what}, block {block}, batch {batch}"
            );
            assert_eq!(out.events.strings.len(), reference.events.strings.len());
            // The same, scanned in place from bytes in memory.
            if !bytes.is_empty() {
                let delim = crate::input::separator::detect(bytes);
                let cut = Cut {
                    delim,
                    block,
                    batch,
                    prefetch: false,
                };
                let scanned = read_csv_bytes(bytes, path, opts, cut).unwrap();
                assert_eq!(
                    everything(&scanned),
                    expected,
                    "{what}, in memory, block {block}, batch {batch}"
                );
            }
        }
    }
    reference
}

fn mali_opts(m: &BoxTerritory) -> ReadOptions<'_> {
    ReadOptions {
        territory: Some(m),
        ..Default::default()
    }
}

#[test]
fn fixtures_read_alike_in_any_block_size() {
    let m = mali();
    for name in [
        "ucdp/ucdp_ged231_sample1000.csv",
        "fixtures/acled_monadic.csv",
        "fixtures/acled_current.csv",
        "fixtures/acled_dyadic.csv",
        "fixtures/acled_upper.csv",
        "fixtures/ged_events.csv",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let out = same_for_every_block_size(&bytes, &mali_opts(&m), name);
        assert!(!out.events.is_empty(), "{name}");
    }
}

#[test]
fn details_read_alike_in_any_block_size() {
    let m = mali();
    let opts = ReadOptions {
        details: true,
        ..mali_opts(&m)
    };
    for name in [
        "fixtures/acled_monadic.csv",
        "fixtures/acled_roles.csv",
        "fixtures/ged_events.csv",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let out = same_for_every_block_size(&bytes, &opts, name);
        assert!(out.events.has_details() && !out.events.is_empty(), "{name}");
    }
    let text = messy_file(60);
    let out = same_for_every_block_size(text.as_bytes(), &opts, "messy");
    assert_eq!(out.events.details.len(), out.events.len());
}

/// Notes with commas, doubled quotes and newlines (some CRLF), blank lines, bad rows,
/// duplicates and an event outside the territory, over many rows.
fn messy_file(rows: usize) -> String {
    let mut text = format!("{ACLED_HEADER}\r\n");
    for i in 0..rows {
        let notes = format!(
            "\"Row {i}: clash, then \"\"retreat\"\"\n{}second line, \"\"end\"\"\"",
            if i % 3 == 0 { "\r\n" } else { "" }
        );
        let date = if i % 11 == 4 {
            "2024-02-30"
        } else {
            "2024-03-01"
        };
        let fatalities = if i % 13 == 6 { "x" } else { "2" };
        let (lat, lon) = if i % 17 == 9 {
            ("48.8", "2.3")
        } else {
            ("13.4317", "-6.2157")
        };
        let mut row = acled_row(
            i % 37,
            &[
                ("notes", &notes),
                ("event_date", date),
                ("fatalities", fatalities),
                ("latitude", lat),
                ("longitude", lon),
                ("location", "\"Segou, \"\"centre\"\"\""),
            ],
        );
        if i % 19 == 7 {
            row.push_str(",extra");
        }
        text.push_str(&row);
        text.push_str(if i % 2 == 0 { "\n" } else { "\r\n" });
        if i % 23 == 5 {
            text.push_str("\n  \n\r\n");
        }
    }
    text
}

#[test]
fn quoted_newlines_across_blocks_read_alike() {
    let m = mali();
    let text = messy_file(120);
    let out = same_for_every_block_size(text.as_bytes(), &mali_opts(&m), "messy");
    // The file is as messy as meant: every kind of row shows up.
    for p in [
        Problem::BadDate,
        Problem::BadFatalities,
        Problem::OutsideCountry,
        Problem::WrongFieldCount,
        Problem::DuplicateConflict,
    ] {
        assert!(out.summary.skipped.contains_key(&p), "{p:?}");
    }
    assert!(out.events.len() > 10);
    // Rows span several lines: line numbers follow the quoted newlines.
    let v = views(&out);
    assert_eq!(v[0].line, 2);
    assert_eq!(v[1].line, 5);
}

/// `text` with the commas between fields (outside quotes) made `sep`.
fn separated(text: &str, sep: char) -> String {
    let mut inside = false;
    text.chars()
        .map(|c| match c {
            '"' => {
                inside = !inside;
                c
            }
            ',' if !inside => sep,
            c => c,
        })
        .collect()
}

#[test]
fn semicolon_and_tab_separated_files_read_alike_in_any_block_size() {
    let m = mali();
    let text = messy_file(120);
    let comma = same_for_every_block_size(text.as_bytes(), &mali_opts(&m), "messy");
    for sep in [';', '\t'] {
        let other = separated(&text, sep);
        assert_ne!(other, text);
        let out = same_for_every_block_size(other.as_bytes(), &mali_opts(&m), &other);
        assert_eq!(everything(&out), everything(&comma), "{sep:?}");
        // Notes keep their commas: only separators changed.
        assert!(
            views(&out)
                .iter()
                .any(|v| v.location == "Segou, \"centre\"")
        );
    }
}

#[test]
fn quotes_parity_cannot_follow_fall_back_to_sequential() {
    let m = mali();
    // A quote inside an unquoted field (the csv crate keeps it as text) flips the parity
    // of everything after it; a quote after a closed quote too.
    for stray in ["Ga\"o", "\"Gao\" \"x"] {
        for at in [0, 3, 60, 119] {
            let mut text = String::new();
            for (i, line) in messy_file(120)
                .split_inclusive("Segou, \"\"centre")
                .enumerate()
            {
                if i == at + 1 {
                    text.push_str(&format!("{stray},"));
                }
                text.push_str(line);
            }
            let out = same_for_every_block_size(text.as_bytes(), &mali_opts(&m), stray);
            assert!(out.summary.rows_read >= 120, "{stray} at {at}");
            // The csv crate's fallback reads the file's own separator too.
            let tabbed = text.replace(',', "\t");
            let out = same_for_every_block_size(tabbed.as_bytes(), &mali_opts(&m), stray);
            assert!(out.summary.rows_read >= 120, "{stray} at {at}, tab");
        }
    }
    // A quote never closed: parity stays odd to the end of the file.
    let mut text = messy_file(40);
    text.insert(text.len() / 2, '"');
    same_for_every_block_size(text.as_bytes(), &mali_opts(&m), "open quote");
}

#[test]
fn cut_short_and_open_quoted_last_lines_in_any_block_size() {
    let m = mali();
    let full = messy_file(30);
    let row = acled_row(31, &[("notes", "\"an attack, the convoy\nwas hit")]);
    let cut = &row[..row.find(",13.4317").unwrap()];
    for (tail, problem) in [
        (row.clone(), Problem::TruncatedLastLine),
        (format!("{row}\n\n"), Problem::TruncatedLastLine),
        (cut.to_string(), Problem::TruncatedLastLine),
        (format!("{}\n \n", acled_row(32, &[])), Problem::BadDate),
    ] {
        let text = format!("{full}{tail}");
        let out = same_for_every_block_size(text.as_bytes(), &mali_opts(&m), &tail);
        assert!(out.summary.skipped.contains_key(&problem), "{tail}");
    }
    let text = format!("{full}{}\n\n \n", acled_row(32, &[]));
    let out = same_for_every_block_size(text.as_bytes(), &mali_opts(&m), "clean end");
    assert!(
        !out.summary
            .skipped
            .contains_key(&Problem::TruncatedLastLine)
    );
}

#[test]
fn only_a_header_or_nothing() {
    let m = mali();
    for text in [format!("{ACLED_HEADER}\n"), format!("\n \n{ACLED_HEADER}")] {
        let out = same_for_every_block_size(text.as_bytes(), &mali_opts(&m), &text);
        assert!(out.events.is_empty());
    }
    for block in [SEQUENTIAL, 1, 4096] {
        for text in ["", "\n\r\n  \n"] {
            let r = read_with_sizes(
                text.as_bytes(),
                Path::new("t.csv"),
                &mali_opts(&m),
                1,
                block,
            );
            assert!(r.unwrap_err().to_string().contains("empty"), "{block}");
        }
    }
}

#[test]
fn a_file_reads_like_its_bytes() {
    let m = mali();
    let text = messy_file(120);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("messy.csv");
    std::fs::write(&path, &text).unwrap();
    let opts = mali_opts(&m);
    let from_file = read_events(&path, &opts).unwrap();
    let from_bytes = read_with_sizes(text.as_bytes(), &path, &opts, 1, SEQUENTIAL).unwrap();
    assert_eq!(everything(&from_file), everything(&from_bytes));
    let in_memory = read_events_bytes(text.as_bytes(), &path, &opts).unwrap();
    assert_eq!(everything(&in_memory), everything(&from_bytes));
}
