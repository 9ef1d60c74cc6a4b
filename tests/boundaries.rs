//! The built-in Mali study: layer counts, point assignment of known towns, the sliver
//! between the two outlines, and agreement of the index with plain geo tests.

use std::sync::OnceLock;

use conflictmap::LonLat;
use conflictmap::input::Territory;
use conflictmap::model::{Boundaries, Study};
use geo::{Distance, Euclidean, Intersects, MapCoords};
use serde_json::Value;

fn mali() -> &'static Boundaries {
    static B: OnceLock<Boundaries> = OnceLock::new();
    B.get_or_init(|| Boundaries::load(&Study::mali()).expect("built-in study loads"))
}

/// Reads a shipped GeoJSON file independently of the code under test.
fn features(file: &str) -> Vec<Value> {
    let path = format!("{}/boundaries/{file}", env!("CARGO_MANIFEST_DIR"));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["features"].as_array().unwrap().clone()
}

/// A GeoNames town's position, from `mali_places_geonames.geojson`.
fn town(name: &str) -> LonLat {
    let f = features("mali_places_geonames.geojson")
        .into_iter()
        .find(|f| f["properties"]["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in the places file"));
    let c = &f["geometry"]["coordinates"];
    LonLat::new(c[0].as_f64().unwrap(), c[1].as_f64().unwrap()).unwrap()
}

fn region_name(p: LonLat) -> Option<&'static str> {
    let b = mali();
    b.region_of(p).map(|r| b.region(r).name.as_str())
}

fn cercle_name(p: LonLat) -> Option<&'static str> {
    let b = mali();
    b.cercle_of(p).map(|c| b.cercle(c).name.as_str())
}

#[test]
fn builtin_study_loads_every_layer() {
    let b = mali();
    assert_eq!(b.name(), "Mali");
    assert_eq!(b.iso3(), Some("MLI"));
    assert_eq!(b.outline().0.len(), 1);
    assert_eq!(b.regions().len(), 9);
    assert_eq!(b.cercles().len(), 50);
    assert_eq!(b.neighbours().len(), 8);
    assert_eq!(b.neighbours()[0].code, "MLI");
    let codes: Vec<&str> = b.borders().iter().map(|x| x.code.as_str()).collect();
    assert_eq!(codes, ["DZA", "NER", "BFA", "CIV", "GIN", "SEN", "MRT"]);
    // 94 GeoNames towns, less the 4 whose position the QA flags as doubtful (skip_if).
    assert_eq!(b.places().len(), 90);
    for doubtful in ["Bamba", "Abdel Begrou", "Zambla", "Figuira-Toma"] {
        assert!(b.places().iter().all(|p| p.name != doubtful), "{doubtful}");
    }
    assert!(
        b.places().iter().any(|p| p.name == "Tessalit"),
        "population-0 flags stay"
    );
    assert!(!b.rivers().is_empty() && !b.lakes().is_empty());
    assert_eq!(b.context().len(), 54);
    assert_eq!(b.credits().len(), 3);
    assert_eq!(b.credits()[2], "Made with Natural Earth");
}

#[test]
fn layers_keep_their_file_metadata() {
    let b = mali();
    let meta = b.regions().meta.as_ref().unwrap();
    assert!(meta.source().unwrap().contains("geoBoundaries"));
    assert!(meta.license().unwrap().starts_with("CC BY 4.0"));
    assert!(meta.file.ends_with("mali_adm1_geoboundaries.geojson"));
    assert!(b.outline_meta().source().unwrap().contains("Natural Earth"));
    assert!(
        b.places()
            .meta
            .as_ref()
            .unwrap()
            .license()
            .unwrap()
            .contains("GeoNames")
    );
}

#[test]
fn units_have_codes_areas_parents_and_places_their_fields() {
    let b = mali();
    let segou = b.region(b.region_by_name("Ségou").unwrap());
    assert_eq!(segou.code.as_deref(), Some("ML-4"));
    assert_eq!(segou.aliases, ["Segou", "Ségou"]);
    // Geodesic areas agree with the file's area_km2 (computed the same way upstream).
    let total: f64 = b.regions().iter().map(|r| r.area_km2).sum();
    assert!((total - 1_254_304.0).abs() < 200.0, "{total}");
    // Every cercle has a parent; counts per region as in boundaries/STATS.json.
    let mut per_region = vec![0; 9];
    for c in b.cercles() {
        per_region[c.parent.expect("every cercle has a region").index()] += 1;
    }
    assert_eq!(per_region, [7, 7, 7, 7, 8, 5, 4, 4, 1]);
    let bamako = &b.places()[0];
    assert_eq!(bamako.name, "Bamako");
    assert_eq!(bamako.population, Some(4_227_569));
    assert_eq!(bamako.admin1.as_deref(), Some("ML-BKO"));
    let civ = b.border("civ").unwrap();
    assert_eq!(civ.name, "Côte d'Ivoire");
    assert!((civ.length_km - 495.9).abs() < 1.0, "{}", civ.length_km);
    assert_eq!(b.neighbour("BFA").unwrap().name, "Burkina Faso");
}

#[test]
fn regions_and_cercles_of_known_towns() {
    assert_eq!(region_name(town("Mopti")), Some("Mopti"));
    assert_eq!(region_name(town("Kati")), Some("Koulikoro"));
    assert_eq!(region_name(town("Bamako")), Some("Bamako"));
    assert_eq!(region_name(town("Kidal")), Some("Kidal"));
    assert_eq!(region_name(town("Sikasso")), Some("Sikasso"));
    assert_eq!(region_name(town("Timbuktu")), Some("Tombouctou"));
    assert_eq!(cercle_name(town("Kati")), Some("Kati"));
    assert_eq!(cercle_name(town("Sikasso")), Some("Sikasso"));
    assert_eq!(cercle_name(town("Bamako")), Some("Bamako"));
    let b = mali();
    let kati = b.region(b.region_of(town("Kati")).unwrap());
    assert!(kati.aliases.iter().any(|a| a == "Koulikouro"));
}

#[test]
fn every_place_gets_the_region_its_file_says() {
    let b = mali();
    let mut checked = 0;
    for f in features("mali_places_geonames.geojson") {
        let c = &f["geometry"]["coordinates"];
        let p = LonLat::new(c[0].as_f64().unwrap(), c[1].as_f64().unwrap()).unwrap();
        if let Some(code) = f["properties"]["adm1_iso_3166_2"].as_str() {
            let r = b.region_of(p).expect("place inside a region");
            assert_eq!(
                b.region(r).code.as_deref(),
                Some(code),
                "{}",
                f["properties"]["name"]
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 92);
}

#[test]
fn region_by_name_ignores_case_accents_and_spelling_variants() {
    let b = mali();
    let name = |q: &str| b.region_by_name(q).map(|r| b.region(r).name.as_str());
    assert_eq!(name("Segou"), Some("Ségou"));
    assert_eq!(name("SÉGOU"), Some("Ségou"));
    assert_eq!(name("Koulikouro"), Some("Koulikoro"));
    assert_eq!(name("koulikoro"), Some("Koulikoro"));
    assert_eq!(name("ML-6"), Some("Tombouctou"));
    assert_eq!(name("Ménaka"), None);
    let c = b.cercle_by_name("Gourma Rharous").unwrap();
    assert_eq!(b.cercle(c).name, "Gourma-Rharous");
}

#[test]
fn a_point_in_a_neighbour_is_outside_and_has_no_region() {
    let b = mali();
    let ouagadougou = LonLat::new(-1.52, 12.37).unwrap();
    assert!(!b.contains(ouagadougou));
    assert_eq!(b.region_of(ouagadougou), None);
    assert_eq!(b.cercle_of(ouagadougou), None);
    assert!(b.contains(town("Bamako")));
    assert_eq!(Territory::name(b), "Mali");
}

#[test]
fn a_point_on_the_niger_near_segou_is_in_segou() {
    let segou = town("Ségou").to_point();
    let niger = features("region_rivers_ne10m.geojson")
        .into_iter()
        .filter(|f| f["properties"]["name"] == "Niger");
    let mut vertices: Vec<(f64, f64)> = Vec::new();
    for f in niger {
        let g = &f["geometry"];
        let lines = match g["type"].as_str().unwrap() {
            "LineString" => vec![g["coordinates"].clone()],
            _ => g["coordinates"].as_array().unwrap().clone(),
        };
        for l in lines {
            for c in l.as_array().unwrap() {
                vertices.push((c[0].as_f64().unwrap(), c[1].as_f64().unwrap()));
            }
        }
    }
    let &(lon, lat) = vertices
        .iter()
        .min_by(|a, b| {
            let d = |v: &&(f64, f64)| Euclidean.distance(geo::Point::new(v.0, v.1), segou);
            d(a).total_cmp(&d(b))
        })
        .unwrap();
    let p = LonLat::new(lon, lat).unwrap();
    assert!(Euclidean.distance(p.to_point(), segou) < 0.1, "{p}");
    assert!(mali().contains(p));
    assert_eq!(region_name(p), Some("Ségou"));
}

/// Tiny deterministic generator (xorshift), so the tests need no random-number crate setup.
fn points_in(min: (f64, f64), max: (f64, f64), n: usize) -> Vec<LonLat> {
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            LonLat::new(
                min.0 + next() * (max.0 - min.0),
                min.1 + next() * (max.1 - min.1),
            )
            .unwrap()
        })
        .collect()
}

/// Distance in km in a local equirectangular frame, via geo's Euclidean distance.
fn approx_km(p: LonLat, g: &geo::MultiPolygon<f64>) -> f64 {
    let k = p.lat().to_radians().cos();
    let scaled = g.map_coords(|c| geo::coord! { x: c.x * k, y: c.y });
    let q = geo::Point::new(p.lon() * k, p.lat());
    let exterior: Vec<_> = scaled
        .0
        .iter()
        .map(|poly| poly.exterior().clone())
        .collect();
    let d = geo::MultiLineString::new(exterior);
    Euclidean.distance(&q, &d) * 111.2
}

#[test]
fn the_index_agrees_with_plain_geo_tests() {
    let b = mali();
    let pts = points_in((-12.5, 10.0), (4.5, 25.2), 6_000);
    let mut inside = 0;
    for &p in &pts {
        let c = p.to_coord();
        assert_eq!(b.contains(p), b.outline().intersects(&c), "{p}");
        let strict: Vec<usize> = (0..9)
            .filter(|&i| b.regions()[i].geometry.intersects(&c))
            .collect();
        if let [only] = strict[..] {
            assert_eq!(b.region_of(p).map(|r| r.index()), Some(only), "{p}");
            inside += 1;
        }
    }
    assert!(inside > 1_500, "{inside}");
    let assigned = b.assign(&pts);
    for (p, (r, c)) in pts.iter().zip(&assigned) {
        assert_eq!((*r, *c), (b.region_of(*p), b.cercle_of(*p)));
    }
}

/// Points scattered within ±0.15° of the vertices of Mali's outline, where the Natural
/// Earth and geoBoundaries outlines disagree.
fn near_the_border(b: &Boundaries) -> Vec<LonLat> {
    let jitter = points_in((-0.15, -0.15), (0.15, 0.15), 8_000);
    let ring = &b.outline().0[0].exterior().0;
    jitter
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let v = ring[i * 7 % ring.len()];
            LonLat::new(v.x + d.lon(), v.y + d.lat())
        })
        .collect()
}

#[test]
fn points_in_the_sliver_between_outlines_get_the_nearest_region() {
    let b = mali();
    let regions = b.regions();
    let in_no_region = |p: LonLat| {
        regions
            .iter()
            .all(|r| !r.geometry.intersects(&p.to_coord()))
    };
    let candidates = near_the_border(b);
    // Inside the Natural Earth outline, outside every geoBoundaries region.
    let sliver: Vec<LonLat> = candidates
        .iter()
        .copied()
        .filter(|&p| b.contains(p) && in_no_region(p))
        .collect();
    assert!(sliver.len() >= 20, "found {}", sliver.len());
    for &p in sliver.iter().take(50) {
        let (nearest, d) = regions
            .iter()
            .enumerate()
            .map(|(i, r)| (i, approx_km(p, &r.geometry)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        assert!(d < 25.0, "{p} is {d} km from any region");
        assert_eq!(
            b.region_of(p).map(|r| r.index()),
            Some(nearest),
            "{p} ({d:.1} km)"
        );
        assert!(b.cercle_of(p).is_some(), "{p}");
    }
    // Outside both outlines: nothing, even within a few km of a region.
    let outside = candidates
        .iter()
        .copied()
        .filter(|&p| !b.contains(p) && in_no_region(p))
        .find(|&p| regions.iter().any(|r| approx_km(p, &r.geometry) < 10.0))
        .expect("a point just outside Mali");
    assert_eq!(b.region_of(outside), None);
    assert_eq!(b.cercle_of(outside), None);
}

fn assert_sync<T: Sync>() {}

#[test]
fn boundaries_are_a_sync_territory() {
    assert_sync::<Boundaries>();
    let t: &dyn Territory = mali();
    assert!(t.contains(town("Gao")));
}

/// Throughput of point assignment. Needs optimised code: `cargo test --release --test
/// boundaries -- --ignored --nocapture`, or, reusing the dev build of the dependencies
/// (already at opt-level 2), `CARGO_PROFILE_DEV_OPT_LEVEL=3 cargo test --test boundaries
/// -- --ignored --nocapture`.
#[test]
#[ignore]
fn point_in_country_speed() {
    let b = mali();
    let boxed = points_in((-13.0, 9.5), (5.0, 25.5), 2_000_000);
    let inside: Vec<LonLat> = boxed.iter().copied().filter(|&p| b.contains(p)).collect();
    let rate = |what: &str, pts: &[LonLat], f: &dyn Fn(&[LonLat]) -> usize| {
        let t = std::time::Instant::now();
        let n = f(pts);
        let s = t.elapsed().as_secs_f64();
        println!(
            "{what}: {:.2} M points/s ({n} of {})",
            pts.len() as f64 / s / 1e6,
            pts.len()
        );
    };
    for (name, pts) in [("Mali's bounding box", &boxed), ("inside Mali", &inside)] {
        println!("{name}:");
        rate("  contains", pts, &|p| {
            p.iter().filter(|&&p| b.contains(p)).count()
        });
        rate("  region_of", pts, &|p| {
            p.iter().filter(|&&p| b.region_of(p).is_some()).count()
        });
        rate("  cercle_of", pts, &|p| {
            p.iter().filter(|&&p| b.cercle_of(p).is_some()).count()
        });
        rate("  assign (rayon)", pts, &|p| {
            b.assign(p).iter().filter(|a| a.1.is_some()).count()
        });
    }
}
