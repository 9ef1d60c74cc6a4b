use super::*;
use crate::output::layer::{Feature, Field, FieldType, GeometryKind};
use chrono::NaiveDate;

fn tiles_json() -> Json {
    json!({
        "name": "test", "category": {"id": "c", "label": "Attacks"}, "unit": "events per 1,000 km²",
        "years": [2022, 2023, 2024], "minzoom": 0, "maxzoom": 6, "tile_size": 256,
        "bounds": [-12.0, 10.0, 4.0, 25.0], "center": [-4.0, 17.0, 5],
        "attribution": ["Data: test"], "synthetic": true,
        "xyz": "xyz/{year}/{z}/{x}/{y}.png", "overlay": null,
        "legend": {"max": 2.0, "threshold": 0.1, "stops": [[0.0, "#ffffcc"], [2.0, "#800026"]]}
    })
}

/// Events as (year, month, fatalities).
fn events(rows: &[(i32, u32, i64)]) -> VectorLayer {
    VectorLayer {
        name: "events".into(),
        description: String::new(),
        geometry: GeometryKind::Point,
        fields: vec![
            Field::new("year", FieldType::Integer),
            Field::new("event_date", FieldType::Date),
            Field::new("fatalities", FieldType::Integer),
        ],
        features: rows
            .iter()
            .map(|&(y, m, f)| Feature {
                geometry: geo::Point::new(-8.0, 12.6).into(),
                values: vec![
                    Value::Int(i64::from(y)),
                    Value::Date(NaiveDate::from_ymd_opt(y, m, 1).unwrap()),
                    Value::Int(f),
                ],
            })
            .collect(),
    }
}

fn layer(name: &str) -> VectorLayer {
    VectorLayer {
        name: name.into(),
        description: String::new(),
        geometry: GeometryKind::MultiPolygon,
        fields: vec![Field::new("kind", FieldType::Text)],
        features: Vec::new(),
    }
}

fn data(ev: VectorLayer) -> ViewerData {
    ViewerData {
        title: "Attacks in Testland".into(),
        subtitle: "Kernel density".into(),
        tiles: tiles_json(),
        basemap: layer("basemap"),
        zones: layer("zones"),
        events: ev,
    }
}

/// The JSON inside `prefix ... suffix` of a written script.
fn script_json(path: &Path, prefix: &str, suffix: &str) -> Json {
    let text = std::fs::read_to_string(path).unwrap();
    let body = text
        .strip_prefix(prefix)
        .and_then(|t| t.strip_suffix(suffix))
        .unwrap_or_else(|| panic!("{} is not {prefix}…{suffix}", path.display()));
    serde_json::from_str(body).unwrap()
}

#[test]
fn writes_page_library_and_data_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let ev = events(&[(2022, 3, 1), (2024, 1, 0), (2024, 5, 7), (2019, 1, 3)]);
    let written = write_viewer(dir.path(), data(ev)).unwrap();
    for name in [
        "index.html",
        "viewer.js",
        "viewer.css",
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/LICENSE",
        "vendor/leaflet/images/layers.png",
        "data/map.js",
        "data/events_2022.js",
        "data/events_2024.js",
    ] {
        let p = dir.path().join(name);
        assert!(p.is_file(), "{name} missing");
        assert!(written.contains(&p), "{name} not reported");
    }
    // A year without events has no file; a year without tiles (2019) is left out.
    assert!(!dir.path().join("data/events_2023.js").exists());
    assert!(!dir.path().join("data/events_2019.js").exists());

    let map = script_json(
        &dir.path().join("data/map.js"),
        "window.CONFLICTMAP = ",
        ";\n",
    );
    assert_eq!(map["title"], "Attacks in Testland");
    assert_eq!(map["tiles"], tiles_json());
    assert_eq!(map["basemap"]["type"], "FeatureCollection");
    assert_eq!(map["zones"]["name"], "zones");
    let years = &map["events"]["years"];
    assert_eq!(years["2022"]["total"], 1);
    assert_eq!(years["2023"]["total"], 0);
    assert_eq!(years["2024"]["shown"], 2);
    assert_eq!(years["2024"]["file"], "data/events_2024.js");
    assert!(years.get("2019").is_none());

    let y2024 = script_json(
        &dir.path().join("data/events_2024.js"),
        "conflictmapEvents(2024,",
        ");\n",
    );
    assert_eq!(y2024["features"].as_array().unwrap().len(), 2);
    assert_eq!(y2024["features"][0]["geometry"]["coordinates"][0], -8.0);
}

#[test]
fn a_crowded_year_keeps_its_deadliest_events() {
    let rows: Vec<(i32, u32, i64)> = (0..10).map(|i| (2023, 1 + i as u32, i % 4)).collect();
    let out = split_by_year(events(&rows), &[2023], 3).unwrap();
    let (layer, total) = &out[&2023];
    assert_eq!(*total, 10);
    let kept: Vec<(i64, String)> = layer
        .features
        .iter()
        .map(|f| match (&f.values[2], &f.values[1]) {
            (Value::Int(d), Value::Date(t)) => (*d, t.to_string()),
            _ => unreachable!(),
        })
        .collect();
    // Fatalities 3 in months 4 and 8, then 2 in month 3 (the earliest of the 2s).
    assert_eq!(
        kept,
        vec![
            (3, "2023-04-01".to_string()),
            (3, "2023-08-01".to_string()),
            (2, "2023-03-01".to_string())
        ]
    );
}

#[test]
fn tiles_json_without_what_the_page_needs_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    for (key, expected) in [
        ("legend", "legend.stops"),
        ("years", "\"years\""),
        ("xyz", "\"xyz (the XYZ tiles"),
    ] {
        let mut d = data(events(&[]));
        d.tiles.as_object_mut().unwrap().remove(key);
        let e = write_viewer(dir.path(), d).unwrap_err().to_string();
        assert!(e.contains("tiles.json") && e.contains(expected), "{e}");
    }
    let mut d = data(events(&[]));
    d.tiles["years"] = json!([]);
    let e = write_viewer(dir.path(), d).unwrap_err().to_string();
    assert!(e.contains("empty"), "{e}");
}

#[test]
fn the_page_fetches_nothing_from_the_internet() {
    for (name, bytes) in ASSETS {
        let text = std::str::from_utf8(bytes).unwrap_or_default();
        if ["index.html", "viewer.js", "viewer.css"].contains(name) {
            assert!(
                !text.contains("http://") && !text.contains("https://") && !text.contains("\"//"),
                "{name} refers to a network address"
            );
        }
        if name.ends_with("protomaps-leaflet.js") {
            // Its only addresses: the default attribution (the page sets its own), the
            // base it parses relative URLs against, and the SVG namespace; its `url(`
            // is a font loader the page does not call.
            let addresses: Vec<&str> = text
                .match_indices("http")
                .map(|(i, _)| {
                    let rest = &text[i..];
                    &rest[..rest.find(['"', '\'', '`', '>', ' ']).unwrap_or(rest.len())]
                })
                .filter(|a| a.contains("://"))
                .collect();
            for a in &addresses {
                assert!(
                    [
                        "https://protomaps.com",
                        "https://openstreetmap.org/copyright",
                        "http://example.com",
                        "http://www.w3.org/2000/svg"
                    ]
                    .contains(a),
                    "protomaps-leaflet.js refers to {a}"
                );
            }
            continue;
        }
        // Leaflet's stylesheet names bug trackers in comments; what it loads is local.
        for url in text.split("url(").skip(1) {
            assert!(
                ["images/", "#default#VML", "\"data:"]
                    .iter()
                    .any(|p| url.starts_with(p)),
                "{name}: url({url:.40}"
            );
        }
    }
    // The library the page loads is the vendored one.
    let html = std::str::from_utf8(ASSETS[0].1).unwrap();
    assert!(html.contains("src=\"vendor/leaflet/leaflet.js\""));
    assert!(html.contains("src=\"vendor/protomaps-leaflet/protomaps-leaflet.js\""));
    // The events' layer is given an attribution of its own (none), not the library's.
    let js = std::str::from_utf8(ASSETS[1].1).unwrap();
    assert!(js.contains("attribution: ''"));
    assert!(html.contains("src=\"data/map.js\""));
}
