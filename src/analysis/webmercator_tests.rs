//! Known values of the `mercantile` library (mapbox/mercantile 1.2, which implements the
//! OSM wiki formulas), written in: `mercantile.bounds`, `xy_bounds`, `tile` and `xy`.

use super::*;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

fn assert_box(got: [f64; 4], want: [f64; 4], tol: f64) {
    for (g, w) in got.iter().zip(&want) {
        assert!(close(*g, *w, tol), "got {got:?}, want {want:?}");
    }
}

#[test]
fn tile_bounds_in_degrees_match_mercantile() {
    // mercantile.bounds(x, y, z)
    let cases = [
        (
            (10, 486, 332),
            [-9.140625, 53.120405283106564, -8.7890625, 53.33087298301705],
        ),
        (
            (0, 0, 0),
            [-180.0, -85.0511287798066, 180.0, 85.0511287798066],
        ),
        ((1, 1, 1), [0.0, -85.0511287798066, 180.0, 0.0]),
        (
            (5, 15, 14),
            [-11.25, 11.178401873711781, 0.0, 21.943045533438177],
        ),
        (
            (8, 121, 119),
            [-9.84375, 11.178401873711781, -8.4375, 12.554563528593658],
        ),
        ((4, 7, 7), [-22.5, 0.0, 0.0, 21.943045533438177]),
    ];
    for ((z, x, y), want) in cases {
        assert_box(Tile::new(z, x, y).unwrap().bounds(), want, 1e-9);
    }
}

#[test]
fn tile_bounds_in_metres_match_mercantile() {
    // mercantile.xy_bounds(x, y, z)
    let cases = [
        (
            (10, 486, 332),
            [
                -1017529.7205322646,
                7005300.768279833,
                -978393.9620502543,
                7044436.526761843,
            ],
        ),
        (
            (0, 0, 0),
            [
                -20037508.342789244,
                -20037508.342789244,
                20037508.342789244,
                20037508.342789244,
            ],
        ),
        (
            (8, 121, 119),
            [
                -1095801.2374962866,
                1252344.2714243266,
                -939258.2035682456,
                1408887.3053523675,
            ],
        ),
    ];
    for ((z, x, y), want) in cases {
        assert_box(Tile::new(z, x, y).unwrap().bounds_m(), want, 1e-6);
    }
    assert!(close(HALF_WORLD_M, 20037508.342789244, 1e-6));
}

#[test]
fn lonlat_to_tile_matches_mercantile() {
    // mercantile.tile(lon, lat, z)
    let cases = [
        ((-8.0, 12.65, 10), (489, 475)),
        ((-3.0, 16.77, 7), (62, 57)),
        ((0.0, 0.0, 3), (4, 4)),
        ((-12.24, 25.0, 5), (14, 13)),
        ((4.27, 10.1, 5), (16, 15)),
        ((179.9999, -85.0, 2), (3, 3)),
    ];
    for ((lon, lat, z), (x, y)) in cases {
        assert_eq!(
            tile_of(lon, lat, z),
            Tile::new(z, x, y),
            "({lon}, {lat}) z{z}"
        );
    }
    // Beyond the square world: the edge tiles.
    assert_eq!(
        tile_of(180.0, 89.0, 3).unwrap(),
        Tile::new(3, 7, 0).unwrap()
    );
    assert_eq!(
        tile_of(-180.0, -89.0, 3).unwrap(),
        Tile::new(3, 0, 7).unwrap()
    );
}

#[test]
fn metres_and_degrees_round_trip() {
    // mercantile.xy(-4.0, 17.0)
    let [x, y] = to_metres(-4.0, 17.0);
    assert!(close(x, -445277.96317309426, 1e-6) && close(y, 1920825.0403774658, 1e-6));
    let [lon, lat] = to_lonlat(x, y);
    assert!(close(lon, -4.0, 1e-12) && close(lat, 17.0, 1e-12));
    assert!(close(to_metres(0.0, MAX_LATITUDE)[1], HALF_WORLD_M, 1e-6));
}

#[test]
fn tms_rows_flip() {
    assert_eq!(tms_row(0, 0), 0);
    assert_eq!(Tile::new(10, 486, 332).unwrap().tms_row(), 1023 - 332);
    // Tiles that do not exist are not made.
    assert_eq!(Tile::new(2, 4, 0), None);
    assert_eq!(Tile::new(2, 0, 4), None);
    assert_eq!(Tile::new(MAX_ZOOM + 1, 0, 0), None);
    assert_eq!(tile_of(0.0, 0.0, MAX_ZOOM + 1), None);
    assert_eq!(tms_row(3, tms_row(3, 2)), 2);
}

#[test]
fn pixels_and_scale() {
    // The OSM wiki's "resolution at zoom 0": 156 543.03 m per 256-px pixel.
    assert!(close(pixel_m(0, 256), 156_543.033_928_041, 1e-6));
    assert!(close(pixel_m(10, 512), pixel_m(11, 256), 1e-9));
    assert!(close(scale_factor(60.0), 2.0, 1e-12));
    assert!(close(scale_factor(0.0), 1.0, 1e-15));
}

#[test]
fn tile_ranges_cover_a_box() {
    // Mali's box at zoom 5: mercantile.tile of its corners.
    let (xs, ys) = tile_range([-12.24, 10.1, 4.27, 25.0], 5).unwrap();
    assert_eq!((xs, ys), ([14, 16], [13, 15]));
}
