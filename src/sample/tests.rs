use std::collections::BTreeMap;

use geo::{Contains, Distance, Haversine, MultiPolygon, Point};

use super::*;
use crate::model::Categories;

/// The shipped towns, with region names from the ADM1 file and cercles by
/// point-in-polygon in the ADM2 file (what the caller does with the boundaries model).
fn mali_places() -> Vec<SamplePlace> {
    let read = |name: &str| -> geojson::FeatureCollection {
        let path = format!("{}/boundaries/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).unwrap().parse().unwrap()
    };
    let text = |f: &geojson::Feature, key: &str| {
        f.property(key)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let regions: BTreeMap<String, String> = read("mali_adm1_geoboundaries.geojson")
        .features
        .iter()
        .map(|f| (text(f, "iso_3166_2"), text(f, "name")))
        .collect();
    let cercles: Vec<(String, MultiPolygon<f64>)> = read("mali_adm2_geoboundaries.geojson")
        .features
        .into_iter()
        .map(|f| {
            let name = text(&f, "shapeName");
            let geometry: geo::Geometry<f64> = f.geometry.unwrap().value.try_into().unwrap();
            let shape = match geometry {
                geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
                geo::Geometry::MultiPolygon(m) => m,
                other => panic!("unexpected cercle geometry {other:?}"),
            };
            (name, shape)
        })
        .collect();
    read("mali_places_geonames.geojson")
        .features
        .iter()
        .map(|f| {
            let geo::Geometry::Point(p) = f.geometry.clone().unwrap().value.try_into().unwrap()
            else {
                panic!("towns are points")
            };
            let admin2 = cercles
                .iter()
                .find(|(_, shape)| shape.contains(&p))
                .map(|(n, _)| n.clone())
                .unwrap_or_default();
            SamplePlace {
                name: text(f, "name"),
                lon: p.x(),
                lat: p.y(),
                admin1: regions
                    .get(&text(f, "adm1_iso_3166_2"))
                    .cloned()
                    .unwrap_or_default(),
                admin2,
                population: f
                    .property("population")
                    .and_then(|v| v.as_u64())
                    .unwrap_or(0),
            }
        })
        .collect()
}

fn generate(places: &[SamplePlace], opts: &SampleOptions) -> (Vec<u8>, SampleStats) {
    let mut bytes = Vec::new();
    let stats = write_sample(&mut bytes, places, opts).unwrap();
    (bytes, stats)
}

fn records(bytes: &[u8]) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers().unwrap().clone();
    let rows = r.records().collect::<Result<Vec<_>, _>>().unwrap();
    (header, rows)
}

fn col(header: &csv::StringRecord, name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap()
}

fn small(rows: u64, seed: u64) -> SampleOptions {
    SampleOptions {
        rows,
        seed,
        ..SampleOptions::default()
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let places = mali_places();
    let (a, _) = generate(&places, &small(1500, 7));
    let (b, _) = generate(&places, &small(1500, 7));
    let (c, _) = generate(&places, &small(1500, 8));
    assert!(a == b, "same seed must give identical bytes");
    assert_ne!(a, c);
}

#[test]
fn header_and_rows_are_the_31_acled_columns() {
    let places = mali_places();
    let (bytes, stats) = generate(&places, &SampleOptions::default());
    let (header, rows) = records(&bytes);
    assert_eq!(header.iter().collect::<Vec<_>>(), HEADER);
    assert_eq!(HEADER.len(), 31);
    assert!(bytes.starts_with(b"event_id_cnty,event_date,year,time_precision,disorder_type,"));
    assert_eq!(rows.len(), 8000);
    assert_eq!(stats.rows, 8000);
    assert_eq!(stats.by_year.values().sum::<u64>(), 8000);
    for r in &rows {
        assert_eq!(r.len(), 31, "{r:?}");
    }
    // Notes with commas, quotes and line breaks survive the round trip.
    let notes = col(&header, "notes");
    assert!(rows.iter().all(|r| r[notes].contains(", ")));
    assert!(rows.iter().any(|r| r[notes].contains('\n')));
    assert!(rows.iter().any(|r| r[notes].contains("\"under siege\"")));
    let ids: std::collections::BTreeSet<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids.len(), rows.len(), "event ids are unique");
}

#[test]
fn dates_years_positions_and_values_are_consistent() {
    let places = mali_places();
    let opts = SampleOptions::default();
    let (bytes, stats) = generate(&places, &opts);
    let (h, rows) = records(&bytes);
    let (date, year, lat, lon, prec, fat, ts) = (
        col(&h, "event_date"),
        col(&h, "year"),
        col(&h, "latitude"),
        col(&h, "longitude"),
        col(&h, "geo_precision"),
        col(&h, "fatalities"),
        col(&h, "timestamp"),
    );
    let mut by_year = BTreeMap::new();
    let mut violent_deaths = Vec::new();
    for r in &rows {
        let d = NaiveDate::parse_from_str(&r[date], "%Y-%m-%d").unwrap();
        assert_eq!(d.year().to_string(), r[year]);
        assert!((2012..=2024).contains(&d.year()) && d <= opts.last_date.unwrap());
        *by_year.entry(d.year()).or_insert(0u64) += 1;
        let (y, x): (f64, f64) = (r[lat].parse().unwrap(), r[lon].parse().unwrap());
        assert!(
            (10.0..25.5).contains(&y) && (-12.5..4.5).contains(&x),
            "{y} {x}"
        );
        assert!(["1", "2", "3"].contains(&&r[prec]));
        let deaths: u32 = r[fat].parse().unwrap();
        match &r[5] {
            "Protests" | "Strategic developments" => assert_eq!(deaths, 0),
            "Battles" | "Violence against civilians" | "Explosions/Remote violence" => {
                violent_deaths.push(deaths)
            }
            _ => {}
        }
        let midnight = d.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
        assert!(r[ts].parse::<i64>().unwrap() > midnight);
    }
    assert_eq!(by_year, stats.by_year);
    // Volume rises: the last full years hold far more events than the first.
    assert!(by_year[&2022] > 3 * by_year[&2012], "{by_year:?}");
    // Heavy tail: most violent events kill 0-2, a few are massacres.
    violent_deaths.sort_unstable();
    assert!(violent_deaths[violent_deaths.len() / 2] <= 2);
    assert!(*violent_deaths.last().unwrap() >= 50);
    for p in ["1", "2", "3"] {
        assert!(
            rows.iter().any(|r| &r[prec] == p),
            "geo_precision {p} present"
        );
    }
}

#[test]
fn actors_are_real_groups_in_their_years() {
    let places = mali_places();
    let (bytes, _) = generate(&places, &SampleOptions::default());
    let (h, rows) = records(&bytes);
    let (a1, as1, a2, as2, year) = (
        col(&h, "actor1"),
        col(&h, "assoc_actor_1"),
        col(&h, "actor2"),
        col(&h, "assoc_actor_2"),
        col(&h, "year"),
    );
    let years_of = |name: &str| -> Vec<i32> {
        let mut ys: Vec<i32> = rows
            .iter()
            .filter(|r| [a1, as1, a2, as2].iter().any(|&c| &r[c] == name))
            .map(|r| r[year].parse().unwrap())
            .collect();
        ys.dedup();
        ys
    };
    for group in [
        "JNIM: Group for Support of Islam and Muslims",
        "Islamic State (Sahel)",
        "Islamic State (Greater Sahara)",
        "Katiba Macina",
        "AQIM: Al Qaeda in the Islamic Maghreb",
        "MUJAO: Movement for Unity and Jihad in West Africa",
        "Ansar Dine",
        "Military Forces of Mali (2021-)",
        "Military Forces of Mali (2013-2020)",
        "Civilians (Mali)",
        "Dan Na Ambassagou",
        "Dozo Communal Militia (Mali)",
        "Unidentified Armed Group (Mali)",
        "CMA: Coordination of Azawad Movements",
        "GATIA: Imghad Tuareg and Allies Self-Defense Group",
        "Protesters (Mali)",
        "Rioters (Mali)",
    ] {
        assert!(!years_of(group).is_empty(), "{group} appears");
    }
    assert!(
        years_of("Wagner Group")
            .iter()
            .all(|&y| (2021..=2023).contains(&y))
    );
    assert!(years_of("Africa Corps").iter().all(|&y| y == 2024));
    assert!(!years_of("Africa Corps").is_empty() && !years_of("Wagner Group").is_empty());
    assert!(
        years_of("Military Forces of Mali (2021-)")
            .iter()
            .all(|&y| y >= 2021)
    );
}

/// Per year: (militant Islamist attacks within 150 km of Bamako, violent events, violent
/// events within 150 km, militant attacks in towns near the southern borders).
fn story_counts(
    places: &[SamplePlace],
    rows: &[csv::StringRecord],
    h: &csv::StringRecord,
) -> BTreeMap<i32, [u32; 4]> {
    let cats = Categories::mali_default();
    let attack = cats.get("militant_islamist_attack").unwrap();
    let bamako = Point::new(-8.0029, 12.6392);
    let border_towns: Vec<&str> = [
        "Nioro",
        "Massiogo",
        "Kadiolo",
        "Zégoua",
        "Bamba",
        "Yanfolila",
        "Nara",
        "Kangaba",
        "Sagalo",
        "Yélimané",
        "Figuira-Toma",
    ]
    .into_iter()
    .filter(|t| places.iter().any(|p| p.name == *t))
    .collect();
    let (a1, a2, et, lat, lon, loc, year) = (
        col(h, "actor1"),
        col(h, "actor2"),
        col(h, "event_type"),
        col(h, "latitude"),
        col(h, "longitude"),
        col(h, "location"),
        col(h, "year"),
    );
    let mut out: BTreeMap<i32, [u32; 4]> = BTreeMap::new();
    for r in rows {
        if !attack.accepts_event_type(&r[et]) {
            continue;
        }
        let militant = [a1, a2]
            .iter()
            .any(|&c| cats.actor_groups_of(&r[c]).contains(&"militant_islamist"));
        let p = Point::new(
            r[lon].parse::<f64>().unwrap(),
            r[lat].parse::<f64>().unwrap(),
        );
        let near = Haversine.distance(p, bamako) <= 150_000.0;
        let counts = out.entry(r[year].parse().unwrap()).or_default();
        counts[0] += u32::from(militant && near);
        counts[1] += 1;
        counts[2] += u32::from(near);
        counts[3] += u32::from(militant && border_towns.contains(&&r[loc]));
    }
    out
}

#[test]
fn violence_moves_toward_bamako_and_the_borders() {
    let places = mali_places();
    let (bytes, _) = generate(&places, &SampleOptions::default());
    let (h, rows) = records(&bytes);
    let counts = story_counts(&places, &rows, &h);
    let ring = |y: i32| counts[&y][0];
    let share = |ys: std::ops::RangeInclusive<i32>| {
        let (near, all) = ys.fold((0, 0), |(n, a), y| (n + counts[&y][2], a + counts[&y][1]));
        f64::from(near) / f64::from(all)
    };
    assert!((2012..=2014).all(|y| ring(y) == 0), "{counts:?}");
    assert!(
        ring(2020) <= 8 && ring(2022) >= 6 && ring(2024) >= 15,
        "{counts:?}"
    );
    assert!(
        ring(2020) < ring(2022) && ring(2022) < ring(2024),
        "{counts:?}"
    );
    assert!(
        share(2012..=2016) < share(2019..=2020) && share(2019..=2020) < share(2022..=2024),
        "{counts:?}"
    );
    assert!((2012..=2022).all(|y| counts[&y][3] == 0), "{counts:?}");
    assert!(counts[&2023][3] + counts[&2024][3] >= 5, "{counts:?}");
}

#[test]
fn a_few_hand_written_places_are_enough() {
    let place = |name: &str, lon: f64, lat: f64, admin1: &str| SamplePlace {
        name: name.into(),
        lon,
        lat,
        admin1: admin1.into(),
        admin2: name.into(),
        population: 100_000,
    };
    let places = [
        place("Bamako", -7.97522, 12.60915, "Bamako"),
        place("Mopti", -4.18296, 14.4843, "Mopti"),
    ];
    let opts = SampleOptions {
        rows: 500,
        seed: 1,
        first_year: 2020,
        last_year: 2021,
        last_date: None,
        shape: Shape::Towns,
    };
    let (bytes, stats) = generate(&places, &opts);
    assert_eq!(
        stats.by_year.keys().copied().collect::<Vec<_>>(),
        [2020, 2021]
    );
    let (h, rows) = records(&bytes);
    assert_eq!(rows.len(), 500);
    let admin1 = col(&h, "admin1");
    assert!(
        rows.iter()
            .all(|r| ["Bamako", "Mopti"].contains(&&r[admin1]))
    );
}

#[test]
fn systematic_rounding_sums_and_stays_near_expectations() {
    for u in [0.0, 0.3, 0.999] {
        let parts = systematic(10, &[0.26, 0.0, 0.5, 0.24], u);
        assert_eq!(parts.iter().sum::<u64>(), 10);
        assert_eq!(parts[1], 0);
        for (p, e) in parts.iter().zip([2.6, 0.0, 5.0, 2.4]) {
            assert!((*p as f64 - e).abs() < 1.0, "{parts:?}");
        }
    }
}

#[test]
fn bad_options_are_rejected() {
    let places = mali_places();
    let bad = [
        SampleOptions {
            first_year: 2025,
            ..SampleOptions::default()
        },
        SampleOptions {
            last_date: NaiveDate::from_ymd_opt(2023, 5, 1),
            ..SampleOptions::default()
        },
    ];
    for opts in bad {
        let err = write_sample(Vec::new(), &places, &opts).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }
    assert!(write_sample(Vec::new(), &[], &SampleOptions::default()).is_err());
    let zero = SampleOptions {
        rows: 0,
        ..SampleOptions::default()
    };
    let (bytes, stats) = generate(&places, &zero);
    assert_eq!(stats.rows, 0);
    assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 1);
}

#[test]
fn every_row_says_it_is_synthetic_and_names_no_real_outlet() {
    let (bytes, _) = generate(&mali_places(), &small(2_000, 7));
    let (header, rows) = records(&bytes);
    let (source, notes) = (col(&header, "source"), col(&header, "notes"));
    for r in &rows {
        assert!(
            r[notes].starts_with(super::text::SYNTHETIC_TAG),
            "{}",
            &r[notes]
        );
        for s in r[source].split("; ") {
            assert!(s.starts_with("Synthetic "), "{s}");
        }
    }
}

fn distinct(rows: u64, seed: u64) -> SampleOptions {
    SampleOptions {
        rows,
        seed,
        shape: Shape::Distinct,
        ..SampleOptions::default()
    }
}

#[test]
fn distinct_shape_is_deterministic_short_and_on_distinct_positions() {
    let places = mali_places();
    let (a, stats) = generate(&places, &distinct(4000, 3));
    let (b, _) = generate(&places, &distinct(4000, 3));
    let (c, _) = generate(&places, &distinct(4000, 4));
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(stats.rows, 4000);
    let text = String::from_utf8(a.clone()).unwrap();
    let bytes_per_row = text.len() as f64 / 4001.0;
    assert!((80.0..160.0).contains(&bytes_per_row), "{bytes_per_row}");
    let (header, rows) = records(&a);
    assert_eq!(header.iter().collect::<Vec<_>>(), distinct::HEADER);
    let (lat, lon) = (col(&header, "latitude"), col(&header, "longitude"));
    let mut positions = std::collections::BTreeSet::new();
    let (mut outside, mut in_bbox) = (0, 0);
    for r in &rows {
        for c in [lat, lon] {
            let decimals = r[c].split('.').nth(1).map_or(0, str::len);
            assert_eq!(decimals, 4, "{}", &r[c]);
        }
        let (y, x): (f64, f64) = (r[lat].parse().unwrap(), r[lon].parse().unwrap());
        positions.insert((r[lat].to_string(), r[lon].to_string()));
        in_bbox += usize::from((-13.0..5.0).contains(&x) && (9.0..26.0).contains(&y));
        outside += usize::from(r[col(&header, "admin1")].is_empty());
    }
    assert!(
        positions.len() >= 3900,
        "only {} positions",
        positions.len()
    );
    assert!(in_bbox >= 3600, "{in_bbox} of 4000 over Mali");
    assert!(
        (200..=600).contains(&outside),
        "{outside} background events"
    );
}
