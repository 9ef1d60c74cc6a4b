//! Tiles against the single-image maps: the same events, bandwidth and kernel give the
//! same density (per 1,000 km² of ground) at matching resolution, though the maps are
//! computed in the style's conic projection and the tiles in Web Mercator.

use super::*;
use crate::render::scene::MapScene;
use crate::run::{load_events, setup};

/// The density (per 1,000 km² of ground) of `year` at lon/lat on the density zoom's
/// grid (the finest computed), interpolated between cell centres as the maps' smoothing
/// does; 0 outside it.
fn value_at(d: &TileDensities, year: i32, lon: f64, lat: f64) -> f32 {
    let y = d
        .years
        .iter()
        .find(|y| y.year == year)
        .expect("year computed");
    let g = &y.grids.last().expect("at least one zoom").grid;
    let [x, yy] = to_metres(lon, lat);
    let spec = g.spec;
    let fx = (x - spec.x0) / spec.cell_m - 0.5;
    let fy = (spec.y0 - yy) / spec.cell_m - 0.5;
    let (c, r) = (fx.floor(), fy.floor());
    if c < 0.0 || r < 0.0 || c + 1.0 >= spec.width as f64 || r + 1.0 >= spec.height as f64 {
        return 0.0;
    }
    let (c, r, tx, ty) = (c as usize, r as usize, (fx - c) as f32, (fy - r) as f32);
    let top = g.at(c, r) * (1.0 - tx) + g.at(c + 1, r) * tx;
    let bottom = g.at(c, r + 1) * (1.0 - tx) + g.at(c + 1, r + 1) * tx;
    top * (1.0 - ty) + bottom * ty
}

/// The options of `tiles --zooms FROM-TO --years YEARS`.
fn tiles_options(zooms: (u8, u8), years: (i32, i32)) -> TilesOptions {
    TilesOptions {
        zooms,
        filter: Filter {
            years: Some(years),
            ..Filter::default()
        },
        ..TilesOptions::default()
    }
}

#[test]
fn tiles_agree_with_the_maps_density() {
    let run = Run::load(&Default::default(), &Default::default()).unwrap();
    let (setup, loaded) = (&run.setup, &run.loaded);
    let args = tiles_options((7, 7), (2022, 2024));
    let tiles = compute(setup, loaded, &args).unwrap();
    // The maps' densities, on the grid `maps` draws (one cell ≈ one map pixel ≈ 1.2 km;
    // the tiles' density zoom 7 has 1.17 km pixels at 17° N).
    let style = density::style(&args.view).unwrap();
    let frame = MapScene::new(style.clone(), "", "", Vec::new()).frame;
    let view = density::view(&args.view, &style, setup, frame).unwrap();
    let maps = density::compute(&args.density, &args.filter, &run, &view, &style).unwrap();
    assert_eq!(tiles.pyramid.density_zoom, 7);
    let mut compared = 0;
    for g in maps.grids.iter().filter(|g| g.year.is_some()) {
        let year = g.year.unwrap();
        let max = g.grid.max();
        if max <= 0.0 {
            continue;
        }
        let spec = g.grid.spec;
        // Every 7th cell where the map shows a density of at least a fifth of its top.
        for row in (0..spec.height).step_by(7) {
            for col in (0..spec.width).step_by(7) {
                let v = g.grid.at(col, row);
                if v < 0.2 * max {
                    continue;
                }
                let p = view
                    .projection()
                    .inverse(spec.cell_centre(col, row))
                    .unwrap();
                let t = value_at(&tiles, year, p.lon(), p.lat());
                assert!(
                    (t - v).abs() <= 0.02 * max,
                    "{year} at ({:.3}, {:.3}): tiles {t}, maps {v} (top {max})",
                    p.lon(),
                    p.lat()
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 50, "{compared} cells compared");
    // One scale for all years, at least as high as any year's map.
    let top = maps.year_scale.max;
    assert!(
        (tiles.scale.max - top).abs() <= 0.06 * top,
        "tiles top {} vs maps top {top}",
        tiles.scale.max
    );
}

#[test]
fn the_colour_scale_does_not_depend_on_the_zooms_asked() {
    let setup = setup(&Default::default()).unwrap();
    let loaded = load_events(&setup, &Default::default()).unwrap();
    let shallow = compute(&setup, &loaded, &tiles_options((2, 4), (2024, 2024))).unwrap();
    let deep = compute(&setup, &loaded, &tiles_options((6, 9), (2024, 2024))).unwrap();
    assert_eq!(shallow.pyramid.density_zoom, 4);
    assert_eq!(deep.pyramid.density_zoom, 7);
    assert!(deep.scale.max > 0.0);
    assert_eq!(shallow.scale.max, deep.scale.max);
    assert_eq!(shallow.scale.threshold, deep.scale.threshold);
}
