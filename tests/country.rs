//! Country membership from the source's code (DOMAIN.md "Country membership"): events
//! that ACLED or UCDP GED code as Mali count as Mali's even just past the generalised
//! outline, in every zone; events coded as another country are dropped even inside it.
//!
//! Fixtures (written for these tests, not ACLED data):
//! - `coded_border_towns.csv` (ACLED current layout): TST101-TST104 coded Mali 300 m past
//!   the Natural Earth outline on the Mauritanian, Senegalese, Guinean and Ivorian
//!   borders; TST105 Andéramboukane (15.422 N 3.0224 E, past the Niger border); TST106
//!   near Tinzaouaten (Algerian border); TST107 past the Burkinabè border; TST201 coded
//!   Niger but in Gao, inside the outline; TST301 Bamako; TST401 no country code, 300 m
//!   into Mauritania. All militant Islamist attacks (JNIM against the army), 2023.
//! - `ged_coded_border.csv` (UCDP GED): 910001 country_id 432 (Mali) 300 m into
//!   Mauritania; 910002 country_id 436 (Niger) in Gao; 910003 Bamako.

#[path = "support/cli.rs"]
mod cli;

use std::path::Path;

use cli::conflictmap;
use serde_json::Value;

const ACLED: &str = "tests/data/fixtures/coded_border_towns.csv";
const GED: &str = "tests/data/fixtures/ged_coded_border.csv";
const MI: &str = "militant_islamist_attack";

fn ok(args: &[&str]) -> std::process::Output {
    let o = conflictmap(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn inspect(events: &str, extra: &[&str]) -> Value {
    let mut args = vec!["inspect", "--events", events, "--json"];
    args.extend_from_slice(extra);
    serde_json::from_slice(&ok(&args).stdout).unwrap()
}

/// zones.json of a run on `events` (`extra` names the years).
fn zones(events: &str, dir: &Path, extra: &[&str]) -> Value {
    let out = dir.to_str().unwrap();
    let mut args = vec!["zones", "--events", events, "--out", out];
    args.extend_from_slice(extra);
    ok(&args);
    serde_json::from_slice(&std::fs::read(dir.join("zones.json")).unwrap()).unwrap()
}

/// (events, deaths) of `zone` for the militant Islamist attacks of 2023.
fn cell(v: &Value, zone: &str) -> (u64, u64) {
    let row = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["zone_id"] == zone && r["category_id"] == MI)
        .unwrap_or_else(|| panic!("no row {zone}"));
    let c = &row["cells"][0];
    (
        c["events"].as_u64().unwrap(),
        c["fatalities"].as_u64().unwrap(),
    )
}

#[test]
fn acled_events_coded_mali_past_the_outline_are_kept_and_listed() {
    let v = inspect(ACLED, &[]);
    let s = &v["summary"];
    assert_eq!(s["rows_read"], 10);
    // TST101-107 and TST301 kept; TST201 (coded Niger) and TST401 (no code, outside).
    assert_eq!(s["events_kept"], 8, "{s}");
    assert_eq!(s["skipped"]["coded_other_country"], 1, "{s}");
    assert_eq!(s["skipped"]["outside_country"], 1, "{s}");
    assert_eq!(s["outside_country"], 2, "{s}");
    assert_eq!(s["warnings"]["coded_outside_outline"], 7, "{s}");
    let kept = v["kept_by_code"].as_array().unwrap();
    let ids: Vec<&str> = kept
        .iter()
        .map(|k| k["event_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "TST101", "TST102", "TST103", "TST104", "TST105", "TST106", "TST107"
        ]
    );
    for k in kept {
        let km = k["km_outside"].as_f64().unwrap();
        // Placed 300 m past the outline (Andéramboukane as ACLED places it: ~0.3 km).
        assert!((0.05..1.0).contains(&km), "{k}");
    }
    // The coded events get the nearest region: Andéramboukane is in Gao's region set
    // of the pre-2016 regions (no Ménaka polygon), not "(no region)".
    let no_region = v["by_region"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"] == "(no region)")
        .unwrap();
    assert_eq!(no_region["events"], 0, "{}", v["by_region"]);

    // The text form says why they were kept.
    let o = ok(&["inspect", "--events", ACLED]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("Kept by country code, outside the outline (7 events"),
        "{text}"
    );
    assert!(text.contains("TST105"), "{text}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("kept: coded Mali, 0."), "{err}");
    assert!(
        err.contains("coded Niger (562), not Mali (inside its outline)"),
        "{err}"
    );
}

#[test]
fn coded_events_count_in_the_country_and_the_border_bands() {
    let dir = tempfile::tempdir().unwrap();
    let v = zones(ACLED, dir.path(), &["--years", "2023"]);
    // 8 events kept, 4+2+3+5+7+1+6+2 = 30 deaths.
    assert_eq!(cell(&v, "country"), (8, 30));
    // Each border town is 0 km from its own border once placed on the outline.
    assert_eq!(cell(&v, "southern_borders_50km"), (4, 14));
    // The Senegalese border town is also 31.7 km from the Mauritanian border.
    assert_eq!(cell(&v, "southern_borders_50km:MRT"), (2, 6));
    assert_eq!(cell(&v, "southern_borders_50km:SEN"), (1, 2));
    assert_eq!(cell(&v, "southern_borders_50km:GIN"), (1, 3));
    assert_eq!(cell(&v, "southern_borders_50km:CIV"), (1, 5));
    // Rings measure from where the event is: the Guinean border town is 141.7 km from
    // Bamako.
    assert_eq!(cell(&v, "bamako_150km"), (2, 5));

    // By the outline alone the border towns are lost (and the Niger-coded Gao event
    // is counted): the behaviour that issue reported.
    let dir = tempfile::tempdir().unwrap();
    let v = zones(
        ACLED,
        dir.path(),
        &["--years", "2023", "--country-by", "outline"],
    );
    assert_eq!(cell(&v, "country"), (2, 11));
    assert_eq!(cell(&v, "southern_borders_50km"), (0, 0));
}

#[test]
fn the_layers_measure_coded_events_from_the_outline() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    ok(&["layers", "--events", ACLED, "--out", out]);
    let v: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("layers/events.geojson")).unwrap())
            .unwrap();
    let props = |id: &str| -> Value {
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["event_id"] == id)
            .unwrap_or_else(|| panic!("no {id}"))["properties"]
            .clone()
    };
    let mrt = props("TST101");
    assert_eq!(mrt["in_country"], true, "{mrt}");
    assert_eq!(mrt["in_southern_borders_50km"], true, "{mrt}");
    assert_eq!(mrt["km_to_border_mrt"].as_f64(), Some(0.0), "{mrt}");
    assert!(
        mrt["region"].as_str().is_some_and(|r| !r.is_empty()),
        "{mrt}"
    );
    // Its position stays where the source put it.
    let xy = &v["features"].as_array().unwrap()[0]["geometry"]["coordinates"];
    assert!(xy.is_array());
    let bfa = props("TST107");
    assert_eq!(bfa["in_country"], true);
    assert_eq!(bfa["in_southern_borders_50km"], false);
    // Every coded event past the outline gets the nearest region and cercle (the
    // cercles are found apart from the regions, only for the products that ask).
    for id in [
        "TST101", "TST102", "TST103", "TST104", "TST105", "TST106", "TST107",
    ] {
        let p = props(id);
        for level in ["region", "cercle"] {
            assert!(
                p[level].as_str().is_some_and(|r| !r.is_empty()),
                "{id} {level}: {p}"
            );
        }
    }
}

#[test]
fn ged_country_id_decides_too() {
    let v = inspect(GED, &[]);
    let s = &v["summary"];
    assert_eq!(s["events_kept"], 2, "{s}");
    assert_eq!(s["skipped"]["coded_other_country"], 1, "{s}");
    assert_eq!(s["warnings"]["coded_outside_outline"], 1, "{s}");
    let dir = tempfile::tempdir().unwrap();
    let z = zones(GED, dir.path(), &["--years", "2024"]);
    let all = |zone: &str| {
        let row = z["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["zone_id"] == zone && r["category_id"] == "all_events")
            .unwrap();
        row["cells"][0]["events"].as_u64().unwrap()
    };
    assert_eq!(all("country"), 2);
    assert_eq!(all("southern_borders_50km:MRT"), 1);
}

#[test]
fn keep_outside_keeps_other_countries_out_of_the_country_zone() {
    let v = inspect(ACLED, &["--keep-outside"]);
    assert_eq!(v["summary"]["events_kept"], 10);
    let dir = tempfile::tempdir().unwrap();
    let z = zones(ACLED, dir.path(), &["--years", "2023", "--keep-outside"]);
    // Kept, but not the country's: the whole-country count is unchanged.
    assert_eq!(cell(&z, "country"), (8, 30));
}

#[test]
fn an_unknown_country_rule_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let args = [
        "zones",
        "--events",
        ACLED,
        "--country-by",
        "flag",
        "--out",
        out.to_str().unwrap(),
    ];
    cli::assert_rejected(&args, "source", &out);
}
