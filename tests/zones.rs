//! Zone membership and zone polygons on the real Mali boundaries (the built-in study).

use std::sync::LazyLock;

use conflictmap::analysis::geodesy;
use conflictmap::analysis::zone_shapes::{BAND_TOLERANCE, band_edge_error};
use conflictmap::analysis::zones::{self, Membership, Zone, ZoneDistances, ZoneKind};
use conflictmap::input::Territory;
use conflictmap::model::{Boundaries, Study};
use conflictmap::units::Places;
use conflictmap::{Km, LonLat};
use geo::{Contains, Validation, Winding};

struct Fixture {
    boundaries: Boundaries,
    zones: Vec<Zone>,
}

static MALI: LazyLock<Fixture> = LazyLock::new(|| {
    let study = Study::mali();
    let boundaries = Boundaries::load(&study).unwrap();
    let zones = zones::resolve(&study.zones, &boundaries).unwrap();
    Fixture { boundaries, zones }
});

fn ll(lon: f64, lat: f64) -> LonLat {
    LonLat::new(lon, lat).unwrap()
}

/// The zone distances of `points` (what the GIS layers print).
fn distances(points: &[LonLat]) -> ZoneDistances {
    let at = |i: usize| points[i];
    let places = Places::of(points.len(), at);
    let outline = zones::InsideCountry::Outline;
    let (f, positions) = (&*MALI, places.positions(at));
    zones::distances(&f.zones, &f.boundaries, &places, &positions, outline)
}

fn membership(points: &[LonLat]) -> Membership {
    let f = &*MALI;
    let regions: Vec<_> = f
        .boundaries
        .assign(points)
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    zones::apply(&f.zones, &f.boundaries, points, &regions)
}

fn bit(m: &Membership, zone_id: &str) -> usize {
    m.table_zones
        .iter()
        .position(|z| z.id == zone_id)
        .unwrap_or_else(|| panic!("no table zone {zone_id}: {:?}", m.table_zones))
}

const BAMAKO: (f64, f64) = (-8.0029, 12.6392);

#[test]
fn the_default_study_declares_the_domain_zones() {
    let f = &*MALI;
    let ids: Vec<&str> = f.zones.iter().map(|z| z.id.as_str()).collect();
    assert_eq!(
        ids,
        ["bamako_150km", "southern_borders_50km", "southern_mali"]
    );
    match &f.zones[1].kind {
        ZoneKind::Band { width, borders } => {
            assert_eq!(width.get(), 50.0);
            let codes: Vec<&str> = borders.iter().map(|b| b.code.as_str()).collect();
            assert_eq!(codes, ["CIV", "GIN", "SEN", "MRT"]);
        }
        other => panic!("{other:?}"),
    }
    let m = membership(&[]);
    let names: Vec<&str> = m.table_zones.iter().map(|z| z.id.as_str()).collect();
    assert_eq!(
        names,
        [
            "country",
            "bamako_150km",
            "southern_borders_50km",
            "southern_borders_50km:CIV",
            "southern_borders_50km:GIN",
            "southern_borders_50km:SEN",
            "southern_borders_50km:MRT",
            "southern_mali"
        ]
    );
}

#[test]
fn ring_threshold_on_36_bearings() {
    let bamako = ll(BAMAKO.0, BAMAKO.1);
    let mut points = Vec::new();
    for k in 0..36 {
        let az = 10.0 * k as f64;
        points.push(geodesy::destination(bamako, az, Km::new(149.9).unwrap()));
        points.push(geodesy::destination(bamako, az, Km::new(150.1).unwrap()));
    }
    // Exactly at the threshold counts as inside.
    let at = geodesy::destination(bamako, 33.0, Km::new(150.0).unwrap());
    points.push(at);
    let m = membership(&points);
    let dist = distances(&points);
    let b = bit(&m, "bamako_150km");
    for (i, mask) in m.masks.iter().enumerate().take(72) {
        let inside = mask & (1 << b) != 0;
        assert_eq!(inside, i % 2 == 0, "point {i} ({})", points[i]);
    }
    let d_at = dist.ring_km[0].1[72];
    if d_at <= 150.0 {
        assert!(m.masks[72] & (1 << b) != 0, "{d_at}");
    }
    assert!((d_at - 150.0).abs() < 1e-9);
    // Distances are kept per event.
    assert!((dist.ring_km[0].1[0] - 149.9).abs() < 1e-9);
    assert_eq!(dist.ring_km[0].0, "bamako_150km");
}

/// Points 49.9 / 50.1 km from a border, placed by the direct problem along the normal
/// from their nearest border point F. Seeds Q are Malian points 50.5–60 km from the
/// border; F is Q's nearest border point, so points on the geodesic F→Q closer than Q
/// keep F as their nearest point. Returns (inside point, outside point, F is mid-segment).
fn band_points(code: &str, samples: usize) -> Vec<(LonLat, LonLat, bool)> {
    let f = &*MALI;
    let border = f.boundaries.border(code).unwrap();
    let index =
        conflictmap::analysis::polyline_index::PolylineIndex::new(&border.geometry).unwrap();
    let vertices: Vec<LonLat> = border
        .geometry
        .iter()
        .flat_map(|l| l.coords())
        .map(|c| ll(c.x, c.y))
        .collect();
    let rect = geo::BoundingRect::bounding_rect(&border.geometry).unwrap();
    let mut out = Vec::new();
    let steps = 90;
    for i in 0..steps {
        for j in 0..steps {
            let q = ll(
                rect.min().x - 1.0 + (rect.width() + 2.0) * i as f64 / steps as f64,
                rect.min().y - 1.0 + (rect.height() + 2.0) * j as f64 / steps as f64,
            );
            if !f.boundaries.contains(q) {
                continue;
            }
            let near = index.nearest(q);
            if !(50.5..60.0).contains(&near.distance.get()) {
                continue;
            }
            let (_, azi, _) = geodesy::inverse(near.point, q);
            let mid_segment = vertices
                .iter()
                .all(|v| geodesy::distance(*v, near.point).get() > 0.05);
            out.push((
                geodesy::direct(near.point, azi, 49_900.0).0,
                geodesy::direct(near.point, azi, 50_100.0).0,
                mid_segment,
            ));
        }
    }
    // Spread the samples along the border, mid-segment feet first.
    out.sort_by_key(|p| !p.2);
    let mids = out.iter().filter(|p| p.2).count();
    let mut chosen: Vec<_> = out.iter().take(mids.min(samples / 2)).copied().collect();
    let rest = &out[chosen.len()..];
    let need = samples - chosen.len();
    chosen.extend(
        rest.iter()
            .step_by((rest.len() / need.max(1)).max(1))
            .take(need),
    );
    chosen
}

#[test]
fn band_threshold_mid_segment_along_guinea_and_mauritania() {
    for code in ["GIN", "MRT"] {
        let pairs = band_points(code, 16);
        let mid = pairs.iter().filter(|p| p.2).count();
        assert!(mid >= 4, "{code}: only {mid} mid-segment feet");
        let points: Vec<LonLat> = pairs.iter().flat_map(|(a, b, _)| [*a, *b]).collect();
        let m = membership(&points);
        let all = distances(&points);
        let union = bit(&m, "southern_borders_50km");
        let own = bit(&m, &format!("southern_borders_50km:{code}"));
        let dist = &all.border_km.iter().find(|(_, c, _)| c == code).unwrap().2;
        let mut exact = 0;
        for (i, p) in points.iter().enumerate() {
            let target = if i % 2 == 0 { 49.9 } else { 50.1 };
            let d = dist[i];
            // The foot is a border point at `target`: the true nearest can only be
            // nearer, never farther.
            assert!(d <= target + 1e-6, "{code} {p}: {d} > {target}");
            if (d - target).abs() > 1e-3 {
                continue; // another stretch of the border is nearer: a fair outcome
            }
            if m.masks[i] & 1 == 0 {
                continue; // 50 km in, the point may be across another border
            }
            exact += 1;
            let expect = i % 2 == 0;
            assert_eq!(m.masks[i] & (1 << own) != 0, expect, "{code} {p}: {d} km");
            // The union: within 50 km of any of the band's borders.
            let any = all.border_km.iter().any(|(_, _, ds)| ds[i] <= 50.0);
            assert_eq!(m.masks[i] & (1 << union) != 0, any, "{code} {p}: {d} km");
            assert!(any || !expect);
        }
        assert!(
            exact >= 24,
            "{code}: only {exact} of 32 points had the foot as nearest"
        );
    }
}

#[test]
fn band_excludes_points_outside_the_country() {
    // Kankan (Guinea) is within 50 km... of nothing Malian: it is outside Mali anyway.
    let siguiri = ll(-9.17, 11.42); // in Guinea, a few km from the Malian border
    let m = membership(&[siguiri]);
    assert!(
        distances(&[siguiri])
            .border_km
            .iter()
            .any(|(_, c, d)| c == "GIN" && d[0] < 50.0)
    );
    assert_eq!(m.masks[0] & 1, 0, "not in Mali");
    assert_eq!(m.masks[0] & (1 << bit(&m, "southern_borders_50km")), 0);
}

#[test]
fn region_zone_uses_assigned_regions() {
    let points = [
        ll(-5.6665, 11.3176),
        ll(-4.1830, 14.4843),
        ll(-7.9752, 12.6092),
    ];
    let m = membership(&points); // Sikasso, Mopti, Bamako
    let south = bit(&m, "southern_mali");
    let got: Vec<bool> = m.masks.iter().map(|x| x & (1 << south) != 0).collect();
    assert_eq!(got, [true, false, true]);
}

#[test]
fn zone_polygons_are_valid_ccw_and_within_tolerance() {
    let f = &*MALI;
    let country = f.boundaries.outline();
    for z in &f.zones {
        assert!(
            z.polygon.is_valid(),
            "{}: {:?}",
            z.id,
            z.polygon.validation_errors()
        );
        for p in &z.polygon {
            assert!(p.exterior().is_ccw(), "{}: exterior ring not CCW", z.id);
        }
        match &z.kind {
            ZoneKind::Ring { centre, radius, .. } => {
                for c in z.polygon.0[0].exterior().coords() {
                    let d = geodesy::distance(*centre, ll(c.x, c.y)).get();
                    assert!((d - radius.get()).abs() / radius.get() < 1e-9);
                }
            }
            ZoneKind::Band { width, borders } => {
                for b in borders {
                    let err = band_edge_error(&b.polygon, &b.index, *width, country);
                    assert!(
                        err < BAND_TOLERANCE,
                        "{} {}: edge error {err}",
                        z.id,
                        b.code
                    );
                }
            }
            ZoneKind::Regions { .. } => assert!(!z.polygon.0.is_empty()),
        }
    }
}

#[test]
fn points_just_inside_or_outside_the_band_polygon_agree_with_the_distance_rule() {
    let f = &*MALI;
    let ZoneKind::Band { borders, .. } = &f.zones[1].kind else {
        panic!()
    };
    let band = &f.zones[1].polygon;
    let mut points = Vec::new();
    for code in ["GIN", "MRT", "SEN", "CIV"] {
        for (inner, outer, _) in band_points(code, 6) {
            points.push(inner);
            points.push(outer);
        }
    }
    let m = membership(&points);
    let union = bit(&m, "southern_borders_50km");
    for (i, p) in points.iter().enumerate() {
        let by_rule = m.masks[i] & (1 << union) != 0;
        let nearest = borders
            .iter()
            .map(|b| b.index.nearest(*p).distance.get())
            .fold(f64::INFINITY, f64::min);
        // 0.1 km from the edge is 0.2 % of the width: inside the polygon's tolerance.
        if (nearest - 50.0).abs() < 0.09 {
            continue;
        }
        assert_eq!(band.contains(&p.to_point()), by_rule, "{p}: {nearest} km");
    }
}

/// Deterministic numbers in [0, 1) (a 64-bit LCG, high bits).
fn stream(seed: u64) -> impl FnMut() -> f64 {
    let mut x = seed | 1;
    move || {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Fast membership (bounds first, exact geodesic only when they straddle) equals the
/// exact rule at random points over southern Mali and its neighbours, and at points
/// within a metre of each threshold (placed with the direct problem): from the ring's
/// centre, and from each border's nearest point.
#[test]
fn fast_membership_equals_exact_distances_near_and_far_from_every_threshold() {
    let f = &*MALI;
    let bamako = ll(BAMAKO.0, BAMAKO.1);
    let ZoneKind::Band { borders, .. } = &f.zones[1].kind else {
        panic!()
    };
    let mut u = stream(5);
    let mut points = Vec::new();
    for i in 0..3_000 {
        let p = ll(-13.0 + 9.0 * u(), 9.5 + 7.0 * u());
        let metres = 50_000.0 + 2.0 * u() - 1.0;
        points.push(match i % 3 {
            0 => p,
            1 => geodesy::destination(bamako, 360.0 * u(), Km::new(149.999 + 0.002 * u()).unwrap()),
            _ => {
                let b = &borders[i % borders.len()];
                let near = b.index.nearest(p);
                if near.distance.metres() < 1.0 {
                    continue;
                }
                let (_, azi, _) = geodesy::inverse(near.point, p);
                geodesy::direct(near.point, azi, metres).0
            }
        });
    }
    let m = membership(&points);
    let ring = bit(&m, "bamako_150km");
    let mut near_threshold = 0;
    for (i, p) in points.iter().enumerate() {
        let inside = f.boundaries.contains(*p);
        assert_eq!(m.masks[i] & 1 != 0, inside, "{p}");
        let d = geodesy::distance(bamako, *p).get();
        assert_eq!(m.masks[i] & (1 << ring) != 0, d <= 150.0, "{p}: {d} km");
        for b in borders {
            let own = bit(&m, &format!("southern_borders_50km:{}", b.code));
            let d = b.index.nearest(*p).distance.get();
            near_threshold += usize::from((d - 50.0).abs() < 0.001);
            let exact = inside && d <= 50.0;
            assert_eq!(
                m.masks[i] & (1 << own) != 0,
                exact,
                "{p} {}: {d} km",
                b.code
            );
        }
    }
    assert!(
        near_threshold > 300,
        "only {near_threshold} points near a band edge"
    );
}
