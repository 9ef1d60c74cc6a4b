//! The containers read back through SQL and the file system. tests/tiles.rs checks real
//! outputs with the sqlite3 CLI, gdalinfo and a PMTiles reader written from the spec.

use super::*;

fn info() -> TileSetInfo {
    TileSetInfo {
        kind: TileKind::Png,
        name: "Test 2024".into(),
        description: "SYNTHETIC DEMO DATA. A test.".into(),
        attribution: "Data: test".into(),
        bounds: [-12.5, 10.0, 4.5, 25.0],
        center: [-4.0, 17.5, 5.0],
        minzoom: 0,
        maxzoom: 2,
        extra: serde_json::json!({"year": 2024})
            .as_object()
            .unwrap()
            .clone(),
    }
}

/// Distinct "tiles" (the containers do not look inside).
fn tiles() -> Vec<TileData> {
    vec![
        (Tile::new(1, 1, 0).unwrap(), b"tile 1/1/0".to_vec()),
        (Tile::new(0, 0, 0).unwrap(), b"tile zero".to_vec()),
        (Tile::new(1, 0, 1).unwrap(), b"tile 1/0/1, longer".to_vec()),
        (Tile::new(2, 1, 1).unwrap(), b"tile 2/1/1".to_vec()),
    ]
}

#[test]
fn mbtiles_rows_are_flipped_and_metadata_filled() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.mbtiles");
    write_mbtiles(&path, &info(), &tiles()).unwrap();
    let db = Connection::open(&path).unwrap();
    let get = |k: &str| -> String {
        db.query_row("SELECT value FROM metadata WHERE name = ?1", [k], |r| {
            r.get(0)
        })
        .unwrap()
    };
    assert_eq!(get("format"), "png");
    assert_eq!(get("bounds"), "-12.500000,10.000000,4.500000,25.000000");
    assert_eq!(get("center"), "-4.000000,17.500000,5");
    assert_eq!((get("minzoom"), get("maxzoom")), ("0".into(), "2".into()));
    assert_eq!(get("type"), "overlay");
    // XYZ 1/0/1 is TMS row 0; 2/1/1 is TMS row 2.
    let data = |z: u8, x: u32, row: u32| -> Vec<u8> {
        db.query_row(
            "SELECT tile_data FROM tiles WHERE zoom_level=?1 AND tile_column=?2 AND tile_row=?3",
            params![z, x, row],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(data(1, 0, 0), b"tile 1/0/1, longer");
    assert_eq!(data(1, 1, 1), b"tile 1/1/0");
    assert_eq!(data(2, 1, 2), b"tile 2/1/1");
}

#[test]
fn mbtiles_bytes_do_not_depend_on_the_order_of_the_tiles() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.mbtiles"), dir.path().join("b.mbtiles"));
    write_mbtiles(&a, &info(), &tiles()).unwrap();
    let mut reversed = tiles();
    reversed.reverse();
    write_mbtiles(&b, &info(), &reversed).unwrap();
    assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap());
    // Rows are stored in (z, x, y) order.
    let db = Connection::open(&b).unwrap();
    let mut q = db
        .prepare("SELECT zoom_level, tile_column FROM tiles ORDER BY rowid")
        .unwrap();
    let rows: Vec<(u8, u32)> = q
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(rows, [(0, 0), (1, 0), (1, 1), (2, 1)]);
}

#[test]
fn xyz_folders_hold_every_tile() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("xyz/2024");
    write_xyz(&path, &tiles()).unwrap();
    assert_eq!(
        std::fs::read(path.join("1/0/1.png")).unwrap(),
        b"tile 1/0/1, longer"
    );
    assert_eq!(std::fs::read(path.join("0/0/0.png")).unwrap(), b"tile zero");
}

#[test]
fn a_year_without_tiles_still_makes_valid_containers() {
    let dir = tempfile::tempdir().unwrap();
    write_pmtiles(&dir.path().join("e.pmtiles"), &info(), &[]).unwrap();
    let b = std::fs::read(dir.path().join("e.pmtiles")).unwrap();
    assert_eq!(&b[0..7], b"PMTiles");
    write_mbtiles(&dir.path().join("e.mbtiles"), &info(), &[]).unwrap();
    let db = Connection::open(dir.path().join("e.mbtiles")).unwrap();
    let n: i64 = db
        .query_row("SELECT count(*) FROM tiles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
    write_xyz(&dir.path().join("xyz/2012"), &[]).unwrap();
    assert!(dir.path().join("xyz/2012").is_dir());
}
