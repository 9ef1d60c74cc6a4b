//! The real binary on real files: inspect, sample and zones.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_conflictmap"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    let out = bin().args(args).output().expect("the binary runs");
    assert!(
        out.status.success(),
        "conflictmap {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

fn fixture(name: &str) -> String {
    format!("tests/data/fixtures/{name}")
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn inspect_reports_format_counts_and_extent_of_a_fixture() {
    let o = run(&[
        "inspect",
        "--events",
        &fixture("acled_current.csv"),
        "--json",
    ]);
    let v = json(&o);
    assert_eq!(v["summary"]["format"], "acled");
    assert_eq!(v["summary"]["rows_read"], 4);
    assert_eq!(v["synthetic"], false);
    assert!(v["by_year"].as_object().unwrap().contains_key("2024"));
    assert!(v["bbox"].as_array().unwrap().len() == 4);
    // The text form names the format and closes with the summary.
    let text = stdout(&run(&[
        "inspect",
        "--events",
        &fixture("acled_current.csv"),
    ]));
    assert!(
        text.contains("format:            ACLED (current export)"),
        "{text}"
    );
    assert!(text.contains("By region"), "{text}");
    assert!(!text.contains("SYNTHETIC"), "{text}");
}

#[test]
fn inspect_without_events_reads_the_shipped_sample_and_says_it_is_synthetic() {
    let text = stdout(&run(&["inspect"]));
    assert!(text.contains("SYNTHETIC DEMO DATA"), "{text}");
    assert!(text.contains("rows read:         8000"), "{text}");
    assert!(text.contains("rows skipped:      0"), "{text}");
    assert!(text.contains("Dates: 2012-01-01 to 2024-09-13"), "{text}");
}

#[test]
fn sample_is_deterministic_reads_back_cleanly_and_is_the_shipped_file() {
    let dir = tmp();
    let a = dir.path().join("a_synthetic.csv");
    let b = dir.path().join("b_synthetic.csv");
    run(&["sample", "--out", path_str(&a)]);
    run(&["sample", "--out", path_str(&b)]);
    let bytes = std::fs::read(&a).unwrap();
    assert_eq!(bytes, std::fs::read(&b).unwrap(), "same seed, same bytes");
    let shipped = std::fs::read("data/mali_synthetic_sample.csv").unwrap();
    assert!(
        bytes == shipped,
        "data/mali_synthetic_sample.csv is not `conflictmap sample` (seed 42, 8000 rows): regenerate it"
    );
    let other = dir.path().join("c_synthetic.csv");
    run(&[
        "sample",
        "--rows",
        "500",
        "--seed",
        "7",
        "--out",
        path_str(&other),
    ]);
    let v = json(&run(&["inspect", "--events", path_str(&other), "--json"]));
    assert_eq!(v["summary"]["rows_read"], 500);
    assert_eq!(v["summary"]["events_kept"], 500);
    assert_eq!(v["summary"]["skipped"], serde_json::json!({}));
    assert_eq!(v["summary"]["outside_country"], 0);
}

/// Products say their data is synthetic by the input's name, so a sample under any other
/// name would credit ACLED for invented events: it is refused, and nothing is written.
#[test]
fn a_sample_must_be_named_synthetic_and_its_products_say_so() {
    let dir = tmp();
    let plain = dir.path().join("events.csv");
    let o = bin()
        .args(["sample", "--rows", "200", "--shape", "distinct", "--out"])
        .arg(&plain)
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("synthetic") && err.contains("events.csv"),
        "{err}"
    );
    assert!(
        err.contains("synthetic_events.csv"),
        "suggests a name: {err}"
    );
    assert!(!plain.exists(), "nothing written");
    let named = dir.path().join("events_SYNTHETIC.csv");
    run(&[
        "sample",
        "--rows",
        "200",
        "--shape",
        "distinct",
        "--out",
        path_str(&named),
    ]);
    let v = json(&run(&["inspect", "--events", path_str(&named), "--json"]));
    assert_eq!(v["synthetic"], true);
}

#[test]
fn bad_rows_are_reported_with_line_column_and_reason_and_the_rest_is_read() {
    let dir = tmp();
    let f = dir.path().join("bad.csv");
    let good = std::fs::read_to_string(fixture("acled_current.csv")).unwrap();
    let mut lines = good.lines();
    let header = lines.next().unwrap();
    let mut text = format!("{header}\n");
    // Line 2: a good row (the fixture's first, on one line).
    text.push_str(
        "MLIX1,2024-01-02,2024,1,Political violence,Battles,Armed clash,JNIM,,2,Military Forces of Mali (2021-),,1,12,,466,Western Africa,Mali,Mopti,Mopti,Mopti,Mopti,14.4843,-4.18296,1,Test,Other,ok,3,,1\n",
    );
    // Line 3: a date that is not a date.
    text.push_str(
        "MLIX2,2024-13-45,2024,1,Political violence,Battles,Armed clash,JNIM,,2,,,,,,466,Western Africa,Mali,Mopti,Mopti,Mopti,Mopti,14.4843,-4.18296,1,Test,Other,bad date,3,,1\n",
    );
    // Line 4: (0, 0).
    text.push_str(
        "MLIX3,2024-01-03,2024,1,Political violence,Battles,Armed clash,JNIM,,2,,,,,,466,Western Africa,Mali,Mopti,Mopti,Mopti,Mopti,0,0,1,Test,Other,zero,3,,1\n",
    );
    std::fs::write(&f, text).unwrap();
    let diag = dir.path().join("problems.csv");
    let o = run(&[
        "inspect",
        "--events",
        path_str(&f),
        "--diagnostics",
        path_str(&diag),
    ]);
    let err = stderr(&o);
    assert!(err.contains("line 3, column event_date"), "{err}");
    assert!(err.contains("line 4"), "{err}");
    let out = stdout(&o);
    assert!(out.contains("events kept:       1"), "{out}");
    assert!(out.contains("date not understood"), "{out}");
    assert!(out.contains("coordinates exactly (0, 0)"), "{out}");
    let listed = std::fs::read_to_string(&diag).unwrap();
    assert!(
        listed.contains("bad_date") && listed.contains("zero_zero"),
        "{listed}"
    );
    assert_eq!(listed.lines().count(), 3, "{listed}");

    // --strict stops at the first problem, naming file and line.
    let o = bin()
        .args(["inspect", "--strict", "--events", path_str(&f)])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("bad.csv") && err.contains("line 3"), "{err}");
}

#[test]
fn an_unknown_header_is_an_error_listing_what_was_expected() {
    let dir = tmp();
    let f = dir.path().join("other.csv");
    std::fs::write(&f, "a,b,c\n1,2,3\n").unwrap();
    let o = bin()
        .args(["inspect", "--events", path_str(&f)])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("other.csv"), "{err}");
    assert!(
        err.contains("event_id_cnty") && err.contains("side_a"),
        "{err}"
    );
}

#[test]
fn another_country_works_through_a_study_file() {
    let o = run(&[
        "inspect",
        "--study",
        "tests/data/burkina.toml",
        "--events",
        "tests/data/ucdp/ucdp_ged231_sample1000.csv",
        "--json",
    ]);
    let v = json(&o);
    assert_eq!(v["summary"]["format"], "ucdp_ged");
    assert_eq!(v["summary"]["rows_read"], 1000);
    // The sample has 4 events in Burkina Faso; the rest are outside it.
    assert_eq!(v["summary"]["events_kept"], 4, "{}", v["summary"]);
    let outside = v["summary"]["outside_country"].as_u64().unwrap();
    let swapped = v["summary"]["skipped"]["swapped_lat_lon"]
        .as_u64()
        .unwrap_or(0);
    assert_eq!(outside + swapped + 4, 1000, "{}", v["summary"]);
}

fn zones_run(dir: &Path, extra: &[&str]) -> (PathBuf, String) {
    let mut args = vec!["zones", "--out", path_str(dir)];
    args.extend_from_slice(extra);
    let o = run(&args);
    (dir.to_path_buf(), stdout(&o))
}

/// The fixture's table worked out by hand (see tests/data/fixtures/zones_monadic.csv):
/// MLI9001 is one event in two monadic rows (5 deaths, counted once), near Kati (in the
/// Bamako ring and in southern Mali); MLI9002 Mopti; MLI9003 Kadiolo (Côte d'Ivoire
/// border band, Sikasso); MLI9004 state violence against civilians at Ségou (10 deaths);
/// MLI9005 Bamako; MLI9006 an ethnic militia (not Islamist); MLI9007 a protest. The data
/// end on 30 June 2024: day 182 of 366.
#[test]
fn zones_table_of_a_hand_made_fixture() {
    let dir = tmp();
    let (out, md) = zones_run(
        dir.path(),
        &[
            "--events",
            &fixture("zones_monadic.csv"),
            "--years",
            "2021-2024",
        ],
    );
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("zones.json")).unwrap()).unwrap();
    assert_eq!(v["years"], serde_json::json!([2021, 2022, 2023, 2024]));
    let cell = |zone: &str, cat: &str, year: i64| -> (u64, u64) {
        let row = v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["zone_id"] == zone && r["category_id"] == cat)
            .unwrap_or_else(|| panic!("no row {zone}/{cat}"));
        let i = (year - 2021) as usize;
        let c = &row["cells"][i];
        (
            c["events"].as_u64().unwrap(),
            c["fatalities"].as_u64().unwrap(),
        )
    };
    let mi = "militant_islamist_attack";
    assert_eq!(
        cell("country", mi, 2021),
        (0, 0),
        "every year present, zeros"
    );
    assert_eq!(
        cell("country", mi, 2022),
        (2, 8),
        "monadic duplicate counted once"
    );
    assert_eq!(cell("country", mi, 2023), (1, 7));
    assert_eq!(cell("country", mi, 2024), (1, 4));
    assert_eq!(cell("bamako_150km", mi, 2022), (1, 5));
    assert_eq!(cell("bamako_150km", mi, 2023), (0, 0));
    assert_eq!(cell("bamako_150km", mi, 2024), (1, 4));
    assert_eq!(cell("southern_borders_50km", mi, 2023), (1, 7));
    assert_eq!(cell("southern_borders_50km:CIV", mi, 2023), (1, 7));
    assert_eq!(cell("southern_borders_50km:GIN", mi, 2023), (0, 0));
    assert_eq!(cell("southern_mali", mi, 2022), (1, 5));
    assert_eq!(cell("southern_mali", mi, 2023), (1, 7));
    let svac = "state_violence_against_civilians";
    assert_eq!(cell("country", svac, 2023), (1, 10));
    assert_eq!(cell("southern_mali", svac, 2023), (1, 10));
    assert_eq!(cell("country", "all_events", 2024), (3, 6));
    // Projection: 2024 runs to 30 June, day 182 of 366.
    assert_eq!(v["projection"]["covered_days"], 182);
    assert_eq!(v["projection"]["days_in_year"], 366);
    // 4 deaths × 366/182 = 8.04; 1 event → 2.01.
    assert!(md.contains("| 2024 *projected* |"), "{md}");
    let csv = std::fs::read_to_string(out.join("zones.csv")).unwrap();
    assert!(
        csv.contains("country,Mali (whole country),militant_islamist_attack,Militant Islamist attacks,2024,1,4,true,2.0,8.0,0.4973,2024-06-30"),
        "{csv}"
    );
    // --as-of moves the coverage.
    let dir2 = tmp();
    let (out2, _) = zones_run(
        dir2.path(),
        &[
            "--events",
            &fixture("zones_monadic.csv"),
            "--as-of",
            "2024-12-31",
        ],
    );
    let v2: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out2.join("zones.json")).unwrap()).unwrap();
    assert!(v2["projection"].is_null(), "a full year is not projected");
}

#[test]
fn zones_filters_change_the_counts() {
    let dir = tmp();
    let (out, _) = zones_run(
        dir.path(),
        &[
            "--events",
            &fixture("zones_monadic.csv"),
            "--event-types",
            "Battles",
            "--category",
            "militant_islamist_attack",
        ],
    );
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("zones.json")).unwrap()).unwrap();
    let rows = v["rows"].as_array().unwrap();
    assert!(
        rows.iter()
            .all(|r| r["category_id"] == "militant_islamist_attack")
    );
    let country = rows.iter().find(|r| r["zone_id"] == "country").unwrap();
    // Only Battles: MLI9001 (2022) and MLI9005 (2024).
    let events: Vec<u64> = country["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["events"].as_u64().unwrap())
        .collect();
    assert_eq!(events, [1, 0, 1]);
    let o = bin()
        .args(["zones", "--category", "nope", "--out", path_str(dir.path())])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("militant_islamist_attack"),
        "lists the known ids"
    );
}

/// The three outputs of a run on the shipped sample say the same thing.
#[test]
fn zones_csv_json_and_markdown_agree() {
    let dir = tmp();
    let (out, stdout_md) = zones_run(dir.path(), &[]);
    let md = std::fs::read_to_string(out.join("zones.md")).unwrap();
    assert_eq!(md, stdout_md, "the Markdown file is what was printed");
    assert!(md.contains("SYNTHETIC DEMO DATA"));
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("zones.json")).unwrap()).unwrap();
    assert_eq!(v["synthetic"], true);
    let years: Vec<i64> = v["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap())
        .collect();
    assert_eq!(years, (2012..=2024).collect::<Vec<_>>());
    let mut rdr = csv::Reader::from_path(out.join("zones.csv")).unwrap();
    let csv_rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let rows = v["rows"].as_array().unwrap();
    // Per row: a line per year, then one per trailing window.
    let windows = v["windows"].as_array().unwrap();
    assert_eq!(windows.len(), 2);
    let per_row = years.len() + windows.len();
    assert_eq!(csv_rows.len(), rows.len() * per_row);
    for (i, rec) in csv_rows.iter().enumerate() {
        let row = &rows[i / per_row];
        let k = i % per_row;
        let cell = match k < years.len() {
            true => &row["cells"][k],
            false => &row["window_cells"][k - years.len()],
        };
        assert_eq!(rec[0], *row["zone_id"].as_str().unwrap());
        assert_eq!(rec[2], *row["category_id"].as_str().unwrap());
        assert_eq!(&rec[15], "true", "the sample's lines say synthetic");
        if k < years.len() {
            assert_eq!(rec[4].parse::<i64>().unwrap(), years[k]);
            assert_eq!(rec[12], rec[4]);
        } else {
            assert_eq!(&rec[4], "");
            assert_eq!(rec[12], *windows[k - years.len()]["id"].as_str().unwrap());
        }
        assert_eq!(
            rec[5].parse::<u64>().unwrap(),
            cell["events"].as_u64().unwrap()
        );
        assert_eq!(
            rec[6].parse::<u64>().unwrap(),
            cell["fatalities"].as_u64().unwrap()
        );
    }
    // Every Markdown year line of every zone section matches the JSON cells.
    for row in rows {
        let zone = row["zone_name"].as_str().unwrap();
        let section = md
            .split(&format!("## {zone}\n"))
            .nth(1)
            .unwrap_or_else(|| panic!("no section {zone}"));
        let section = section.split("\n## ").next().unwrap();
        let cats: Vec<&serde_json::Value> =
            rows.iter().filter(|r| r["zone_name"] == zone).collect();
        let col = cats.iter().position(|r| r == &row).unwrap();
        for (k, year) in years.iter().enumerate() {
            let line = section
                .lines()
                .find(|l| l.starts_with(&format!("| {year} |")))
                .unwrap_or_else(|| panic!("no {year} line in {zone}"));
            let nums: Vec<&str> = line
                .split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            let c = &row["cells"][k];
            assert_eq!(nums[1 + 2 * col], c["events"].to_string(), "{zone} {year}");
            assert_eq!(
                nums[2 + 2 * col],
                c["fatalities"].to_string(),
                "{zone} {year}"
            );
        }
    }
}

/// "In the past year" (DOMAIN.md): the zone tables count, beside the calendar years, the
/// months ending at the as-of date and the same months a year earlier. The fixture's five
/// Bamako attacks fall on the windows' edges (as of 13 Sep 2024, the last event date):
/// 13 Sep 2022 (1 death, before both windows), 14 Sep 2022 (2, first day of the earlier
/// window), 13 Sep 2023 (4, its last day), 14 Sep 2023 (8, first day of the latest) and
/// 13 Sep 2024 (16, its last day).
#[test]
fn trailing_windows_beside_the_calendar_years() {
    let run = |extra: &[&str]| -> (serde_json::Value, String) {
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec![
            "zones",
            "--events",
            "tests/data/fixtures/trailing_window.csv",
            "--category",
            "militant_islamist_attack",
            "--out",
            dir.path().to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = Command::new(env!("CARGO_BIN_EXE_conflictmap"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(&args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v = serde_json::from_slice(&std::fs::read(dir.path().join("zones.json")).unwrap());
        let csv = std::fs::read_to_string(dir.path().join("zones.csv")).unwrap();
        (v.unwrap(), csv)
    };
    let cells = |v: &serde_json::Value, key: &str| -> Vec<(u64, u64)> {
        let row = v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["zone_id"] == "bamako_150km")
            .unwrap();
        row[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["events"].as_u64().unwrap(),
                    c["fatalities"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let (v, csv) = run(&[]);
    assert_eq!(v["years"], serde_json::json!([2022, 2023, 2024]));
    assert_eq!(cells(&v, "cells"), [(2, 3), (2, 12), (1, 16)]);
    assert_eq!(cells(&v, "window_cells"), [(2, 24), (2, 6)]);
    assert_eq!(v["windows"][0]["from"], "2023-09-14");
    assert_eq!(v["windows"][1]["to"], "2023-09-13");
    assert!(
        csv.contains(",,2,24,false,,,,,12m_to_2024-09-13,2023-09-14,2024-09-13,false\n"),
        "{csv}"
    );
    // A calendar year as the window: the windows are 2024 and 2023.
    let (v, _) = run(&["--as-of", "2024-12-31"]);
    assert_eq!(cells(&v, "window_cells"), [(1, 16), (2, 12)]);
    // Six months: 14 Mar - 13 Sep 2024, and the same months of 2023.
    let (v, csv) = run(&["--window-months", "6"]);
    assert_eq!(cells(&v, "window_cells"), [(1, 16), (1, 4)]);
    assert_eq!(v["windows"][1]["from"], "2023-03-14");
    assert!(
        csv.contains(",6m_to_2024-09-13,2024-03-14,2024-09-13,false"),
        "{csv}"
    );
}
