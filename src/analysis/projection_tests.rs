use super::*;

fn ll(lon: f64, lat: f64) -> LonLat {
    LonLat::new(lon, lat).unwrap()
}

const BAMAKO: (f64, f64) = (-8.0029, 12.6392);

/// Reference computed once with pyproj 3.7.2 (PROJ 9.5.1):
/// `Transformer.from_crs("EPSG:4326", "EPSG:32629", always_xy=True).transform(-8.0029, 12.6392)`.
#[test]
fn bamako_in_utm_29n_matches_pyproj() {
    let p = MapProjection::new("EPSG:32629").unwrap();
    let [x, y] = p.forward(ll(BAMAKO.0, BAMAKO.1)).unwrap();
    assert!((x - 608_285.921_261_204).abs() < 1e-3, "{x}");
    assert!((y - 1_397_442.943_452_177_6).abs() < 1e-3, "{y}");
}

/// Same source: `Transformer.from_crs("EPSG:4326", "ESRI:102022", always_xy=True)`.
#[test]
fn esri_africa_albers_matches_pyproj() {
    let p = MapProjection::new("ESRI:102022").unwrap();
    let [x, y] = p.forward(ll(BAMAKO.0, BAMAKO.1)).unwrap();
    assert!((x - -3_441_848.839_808_286).abs() < 1e-3, "{x}");
    assert!((y - 1_460_303.672_498_419).abs() < 1e-3, "{y}");
}

#[test]
fn forward_then_inverse_round_trips() {
    for crs in ["EPSG:32629", &default_crs_for([-12.3, 10.1, 4.3, 25.0])] {
        let p = MapProjection::new(crs).unwrap();
        for (lon, lat) in [BAMAKO, (-4.0, 17.0), (1.2, 24.5), (-11.9, 10.4)] {
            let back = p.inverse(p.forward(ll(lon, lat)).unwrap()).unwrap();
            assert!(
                (back.lon() - lon).abs() < 1e-9,
                "{crs} {lon}: {}",
                back.lon()
            );
            assert!(
                (back.lat() - lat).abs() < 1e-9,
                "{crs} {lat}: {}",
                back.lat()
            );
        }
    }
}

#[test]
fn proj_string_gets_type_crs_and_works() {
    let p = MapProjection::new("+proj=lcc +lat_1=12 +lat_2=22 +lat_0=17 +lon_0=-4 +datum=WGS84")
        .unwrap();
    assert!(p.crs().ends_with("+type=crs"));
    let [x, y] = p.forward(ll(-4.0, 17.0)).unwrap();
    assert!(x.abs() < 1e-6 && y.abs() < 1e-6, "{x} {y}");
    // Already there: not added twice.
    let q = MapProjection::new("+proj=utm +zone=29 +datum=WGS84 +type=crs").unwrap();
    assert_eq!(q.crs().matches("+type=crs").count(), 1);
}

#[test]
fn bad_crs_is_an_error_naming_it() {
    for bad in ["EPSG:999999", "+proj=nonsense", "not a crs"] {
        match MapProjection::new(bad) {
            Err(Error::Proj(msg)) => assert!(msg.contains(bad), "{msg}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[test]
fn geographic_or_feet_crs_is_refused() {
    let Err(Error::Proj(msg)) = MapProjection::new("EPSG:4326") else {
        panic!("EPSG:4326 accepted as a map CRS");
    };
    assert!(
        msg.contains("EPSG:4326") && msg.contains("projected"),
        "{msg}"
    );
    // NAD83 / California zone 6 in US survey feet.
    let Err(Error::Proj(msg)) = MapProjection::new("EPSG:2230") else {
        panic!("a CRS in feet accepted");
    };
    assert!(msg.contains("metres"), "{msg}");
}

#[test]
fn parallel_projection_equals_sequential() {
    let p = MapProjection::new(MALI_LCC).unwrap();
    // More than one batch, with a point PROJ cannot project in the middle of one
    // (the south pole in a northern conic: at infinity) to exercise the point-by-point fallback.
    let mut pts: Vec<LonLat> = (0..40_000)
        .map(|i| {
            ll(
                -12.0 + (i % 200) as f64 * 0.08,
                10.0 + (i / 200) as f64 * 0.075,
            )
        })
        .collect();
    pts[20_000] = ll(-4.0, -90.0);
    let par = p.project_all(&pts);
    assert_eq!(par.len(), pts.len());
    for (i, (got, pt)) in par.iter().zip(&pts).enumerate() {
        assert_eq!(*got, p.forward(*pt), "point {i}");
    }
    assert!(par[20_000].is_none());
    let flat = p.project_all_xy(&pts);
    assert!(flat[20_000][0].is_nan() && flat[20_000][1].is_nan());
    assert_eq!(flat[7], par[7].unwrap());
}

#[test]
fn usable_from_rayon_threads() {
    let p = MapProjection::new("ESRI:102022").unwrap();
    let xs: Vec<Option<[f64; 2]>> = (0..64)
        .into_par_iter()
        .map(|i| p.forward(ll(-8.0 + i as f64 * 0.1, 12.6)))
        .collect();
    assert!(xs.iter().all(Option::is_some));
}

/// pyproj 3.7.2 `Proj(crs).get_factors(-4, lat)`: meridional scale 1.0016539 at 11°N,
/// 0.9962177 at 17°N, 1.0037022 at 24°N (map km per ground km; conformal, so isotropic).
#[test]
fn scale_factor_matches_pyproj_factors() {
    let p = MapProjection::new(MALI_LCC).unwrap();
    for (lat, k) in [
        (11.0, 1.001_653_916),
        (17.0, 0.996_217_667),
        (24.0, 1.003_702_203),
    ] {
        let s = p.scale_factor_at(ll(-4.0, lat));
        assert!((s - 1.0 / k).abs() < 1e-6, "{lat}: {s} vs {}", 1.0 / k);
    }
    let m = p.map_metres(Km::new(25.0).unwrap(), ll(-4.0, 17.0));
    assert!((m - 25_000.0 * 0.996_217_667).abs() < 0.1, "{m}");
}

const MALI_LCC: &str =
    "+proj=lcc +lat_1=12 +lat_2=22 +lat_0=17 +lon_0=-4 +datum=WGS84 +units=m +type=crs";

#[test]
fn default_crs_is_a_conic_fitted_to_the_box() {
    let crs = default_crs_for([-12.0, 10.0, 4.0, 25.0]);
    assert!(crs.contains("+proj=lcc"), "{crs}");
    assert!(crs.contains("+lat_1=12.500000") && crs.contains("+lat_2=22.500000"));
    assert!(crs.contains("+lat_0=17.500000") && crs.contains("+lon_0=-4.000000"));
    let p = MapProjection::new(&crs).unwrap();
    // Scale error under 1 % across the box.
    for (lon, lat) in [(-12.0, 10.0), (4.0, 25.0), (-4.0, 17.5)] {
        let s = p.scale_factor_at(ll(lon, lat));
        assert!((s - 1.0).abs() < 0.01, "{lon},{lat}: {s}");
    }
    // Symmetric about the equator: Mercator, still a valid CRS.
    let eq = default_crs_for([10.0, -6.0, 20.0, 6.0]);
    assert!(eq.contains("+proj=merc"), "{eq}");
    MapProjection::new(&eq).unwrap();
    // Across the antimeridian (Fiji): centred at 180, not 0.
    let fiji = default_crs_for([177.0, -19.0, -179.0, -16.0]);
    assert!(fiji.contains("+lon_0=179.000000"), "{fiji}");
    let fiji = default_crs_for([179.0, -19.0, -177.0, -16.0]);
    assert!(fiji.contains("+lon_0=-179.000000"), "{fiji}");
}
