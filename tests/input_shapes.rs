//! Every shape an export comes in gives the same zone tables: one small hand-written
//! fixture (ACLED's current layout, invented content, an accented place name and notes
//! that hold every separator) saved as UTF-8, UTF-8 with BOM, UTF-16LE/BE, Windows-1252,
//! ';'- and tab-separated, XLSX, gzip and zip, run through the real `zones` command.
//! Also: two overlapping files read as one, and input that is no text at all.

#[path = "support/cli.rs"]
mod cli;

use std::io::Write;
use std::path::Path;

use cli::{assert_rejected, conflictmap};

const HEADER: &str = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,\
    sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,\
    civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,\
    geo_precision,source,source_scale,notes,fatalities,tags,timestamp";

/// Invented events: (id, date, event_type, sub_event_type, actor1, actor2, admin1,
/// location, latitude, longitude, fatalities, timestamp).
const EVENTS: &[[&str; 12]] = &[
    [
        "MLI9101",
        "2023-02-14",
        "Battles",
        "Armed clash",
        "JNIM: Group for Support of Islam and Muslims",
        "Military Forces of Mali (2021-)",
        "Ségou",
        "Ségou",
        "13.4317",
        "-6.2157",
        "4",
        "1680000000",
    ],
    [
        "MLI9102",
        "2023-06-03",
        "Violence against civilians",
        "Attack",
        "JNIM: Group for Support of Islam and Muslims",
        "Civilians (Mali)",
        "Sikasso",
        "Kadiolo",
        "10.5537",
        "-5.7616",
        "2",
        "1690000000",
    ],
    [
        "MLI9103",
        "2024-01-20",
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
        "JNIM: Group for Support of Islam and Muslims",
        "Military Forces of Mali (2021-)",
        "Koulikoro",
        "Kati",
        "12.7441",
        "-8.0726",
        "6",
        "1710000000",
    ],
    [
        "MLI9104",
        "2024-05-11",
        "Violence against civilians",
        "Attack",
        "Military Forces of Mali (2021-)",
        "Civilians (Mali)",
        "Kayes",
        "Diéma",
        "14.5419",
        "-9.1842",
        "3",
        "1720000000",
    ],
    [
        "MLI9105",
        "2024-08-30",
        "Battles",
        "Armed clash",
        "Islamic State (Sahel)",
        "Military Forces of Mali (2021-)",
        "Mopti",
        "Mopti",
        "14.4843",
        "-4.1827",
        "0",
        "1730000000",
    ],
];

/// The notes of each row: commas, semicolons and a tab, so that every variant has a
/// quoted field holding its own separator.
const NOTES: &str = "Invented event, for tests; it never happened:\tno source.";

/// The fixture's rows as fields, header first (`upper`: upper-case column names, as in
/// ACLED's regional workbooks).
fn rows(upper: bool) -> Vec<Vec<String>> {
    let names: Vec<String> = HEADER
        .split(',')
        .map(|h| {
            if upper {
                h.to_uppercase()
            } else {
                h.to_string()
            }
        })
        .collect();
    let mut out = vec![names.clone()];
    for e in EVENTS {
        let row = HEADER
            .split(',')
            .map(|c| {
                match c {
                    "event_id_cnty" => e[0],
                    "event_date" => e[1],
                    "year" => &e[1][..4],
                    "event_type" => e[2],
                    "sub_event_type" => e[3],
                    "actor1" => e[4],
                    "actor2" => e[5],
                    "country" => "Mali",
                    "iso" => "466",
                    "admin1" => e[6],
                    "location" => e[7],
                    "latitude" => e[8],
                    "longitude" => e[9],
                    "geo_precision" => "1",
                    "notes" => NOTES,
                    "fatalities" => e[10],
                    "timestamp" => e[11],
                    _ => "",
                }
                .to_string()
            })
            .collect();
        out.push(row);
    }
    out
}

fn csv_text(sep: u8) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(sep)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for r in rows(false) {
        w.write_record(&r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut out = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        out.extend(if little {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, bytes) in members {
        z.start_file(*name, opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// The fixture as a workbook, on sheet `sheet` after `before` sheets of other text:
/// upper-case names, dates as date cells, numbers as number cells.
fn xlsx(sheet: &str, before: &[&str]) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    for name in before {
        let s = book.add_worksheet();
        s.set_name(*name).unwrap();
        s.write_string(0, 0, "Read me: the data is on another sheet")
            .unwrap();
    }
    let s = book.add_worksheet();
    s.set_name(sheet).unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let numeric = [
        "year",
        "latitude",
        "longitude",
        "geo_precision",
        "fatalities",
        "timestamp",
        "iso",
    ];
    let names: Vec<&str> = HEADER.split(',').collect();
    for (r, row) in rows(true).iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c16) = (r as u32, c as u16);
            if r == 0 || cell.is_empty() {
                if !cell.is_empty() {
                    s.write_string(r, c16, cell).unwrap();
                }
            } else if names[c] == "event_date" {
                let (y, m, d) = (&cell[..4], &cell[5..7], &cell[8..]);
                let when = ExcelDateTime::from_ymd(
                    y.parse().unwrap(),
                    m.parse().unwrap(),
                    d.parse().unwrap(),
                )
                .unwrap();
                s.write_datetime_with_format(r, c16, &when, &date).unwrap();
            } else if numeric.contains(&names[c]) {
                s.write_number(r, c16, cell.parse::<f64>().unwrap())
                    .unwrap();
            } else {
                s.write_string(r, c16, cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// `zones --events FILE [extra]` into a fresh folder; its zones.csv.
fn zones_csv(file: &Path, extra: &[&str]) -> String {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec![
        "zones",
        "--events",
        file.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = conflictmap(&args);
    assert!(
        o.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::read_to_string(out.path().join("zones.csv")).unwrap()
}

fn inspect_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["inspect", "--json"];
    all.extend_from_slice(args);
    let o = conflictmap(&all);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn every_export_shape_gives_the_same_zone_tables() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let text = csv_text(b',');
    let reference = write("events.csv", text.as_bytes());
    let want = zones_csv(&reference, &[]);
    assert!(want.lines().count() > 1, "{want}");

    let (cp1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    let tab = csv_text(b'\t');
    let shapes: Vec<(&str, Vec<u8>, &[&str], &str)> = vec![
        (
            "bom.csv",
            format!("\u{feff}{text}").into_bytes(),
            &[],
            "UTF-8 with BOM",
        ),
        (
            "utf16le.txt",
            utf16(&tab, true),
            &[],
            "UTF-16LE, tab-separated",
        ),
        (
            "utf16be.csv",
            utf16(&text, false),
            &[],
            "UTF-16BE, ','-separated",
        ),
        ("cp1252.csv", cp1252.into_owned(), &[], "Windows-1252"),
        (
            "semicolon.csv",
            csv_text(b';').into_bytes(),
            &[],
            "';'-separated",
        ),
        ("tab.tsv", tab.clone().into_bytes(), &[], "tab-separated"),
        ("events.xlsx", xlsx("Mali", &[]), &[], "XLSX sheet Mali"),
        (
            "second.xlsx",
            xlsx("Data", &["Read me"]),
            &["--sheet", "Data"],
            "XLSX sheet Data",
        ),
        ("events.csv.gz", gzip(text.as_bytes()), &[], "in gzip"),
        // Told by its first bytes, not its name.
        (
            "named.csv",
            gzip(&utf16(&text, true)),
            &[],
            "UTF-16LE, ','-separated, in gzip",
        ),
        (
            "events.zip",
            zip(&[("mali/events.csv", text.as_bytes())]),
            &[],
            "in zip member mali/events.csv",
        ),
        (
            "book.zip",
            zip(&[("book.xlsx", &xlsx("Mali", &[]))]),
            &[],
            "XLSX sheet Mali, in zip member book.xlsx",
        ),
    ];
    for (name, bytes, extra, stored) in &shapes {
        let file = write(name, bytes);
        assert_eq!(zones_csv(&file, extra), want, "{name}");
        let mut args = vec!["--events", file.to_str().unwrap()];
        args.extend_from_slice(extra);
        let v = inspect_json(&args);
        let said = v["summary"]["stored"].to_string();
        let shown = conflictmap(&[&["inspect"][..], &args].concat());
        let text = String::from_utf8_lossy(&shown.stdout);
        assert!(text.contains(stored), "{name}: {text}");
        assert_eq!(v["summary"]["events_kept"], 5, "{name}: {said}");
        assert_eq!(v["total"]["fatalities"], 15, "{name}");
        // Nothing was decoded lossily: the accents came through.
        assert_eq!(v["summary"]["warnings"], serde_json::json!({}), "{name}");
    }
}

#[test]
fn a_zip_with_several_event_files_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let text = csv_text(b',');
    let file = dir.path().join("two.zip");
    std::fs::write(
        &file,
        zip(&[
            ("2023.csv", text.as_bytes()),
            ("2024.csv", text.as_bytes()),
            ("README.pdf", b"%PDF"),
        ]),
    )
    .unwrap();
    let out = dir.path().join("out");
    assert_rejected(
        &[
            "zones",
            "--events",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        "2023.csv, 2024.csv, README.pdf",
        &out.join("zones.csv"),
    );
}

#[test]
fn binary_input_gets_a_clear_sentence_and_no_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = 99u64;
    let random: Vec<u8> = (0..5000)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 56) as u8
        })
        .collect();
    let png =
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06".to_vec();
    for (name, bytes) in [("random.csv", random), ("map.png", png)] {
        let file = dir.path().join(name);
        std::fs::write(&file, &bytes).unwrap();
        let out = dir.path().join("out");
        let expect = format!(
            "{} is not a CSV, XLSX or GeoJSON file (it starts with binary data)",
            file.display()
        );
        let args = [
            "zones",
            "--events",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        assert_rejected(&args, &expect, &out.join("zones.csv"));
        // Never its bytes: no control characters reach the terminal.
        let err = conflictmap(&args).stderr;
        let err = String::from_utf8_lossy(&err);
        assert!(!err.chars().any(|c| c.is_control() && c != '\n'), "{err:?}");
    }
}

#[test]
fn an_unknown_header_is_shown_escaped_and_cut() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("odd.csv");
    let header = format!("name,\u{1b}[31mred,{}\nx,y,z\n", "long".repeat(100));
    std::fs::write(&file, header).unwrap();
    let o = conflictmap(&["inspect", "--events", file.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    let found = err
        .lines()
        .find(|l| l.starts_with("Found columns"))
        .unwrap();
    assert!(found.contains("\\u{1b}[31mred"), "{found}");
    assert!(
        found.chars().count() <= "Found columns: ".len() + 201,
        "{found}"
    );
    assert!(found.ends_with('…'), "{found}");
}

#[test]
fn overlapping_files_count_a_revised_event_once_with_its_newer_fatalities() {
    let dir = tempfile::tempdir().unwrap();
    let text = csv_text(b',');
    // The 2024 download repeats MLI9103 as revised (newer timestamp, 9 deaths instead
    // of 6), repeats MLI9104 unchanged and adds MLI9106.
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let revised = rows[2].replace(",6,,1710000000", ",9,,1740000000");
    assert_ne!(revised, rows[2]);
    let new = rows[4].replace("MLI9105", "MLI9106");
    let first = format!("{header}\n{}\n", rows[..4].join("\n"));
    let second = format!("{header}\n{revised}\n{}\n{new}\n", rows[3]);
    let a = dir.path().join("mali_2023.csv");
    let b = dir.path().join("mali_2024.csv");
    std::fs::write(&a, first).unwrap();
    std::fs::write(&b, second).unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let comma_list = format!("{a},{b}");
    for args in [
        vec!["--events", a, "--events", b],
        vec!["--events", &comma_list],
    ] {
        let v = inspect_json(&args);
        assert_eq!(v["summary"]["events_kept"], 5, "{}", v["summary"]);
        assert_eq!(v["summary"]["merged"]["shared"], 2);
        assert_eq!(v["summary"]["merged"]["replaced"], 1);
        // 4 + 2 + 9 (the revision) + 3 + 0.
        assert_eq!(v["total"]["fatalities"], 18);
    }
    let o = conflictmap(&["inspect", "--events", a, "--events", b]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("2 events, counted once (1 replaced by a newer revision)"),
        "{text}"
    );
    // The files' order does not matter: the newer revision wins either way.
    let v = inspect_json(&["--events", b, "--events", a]);
    assert_eq!(v["total"]["fatalities"], 18);
}
