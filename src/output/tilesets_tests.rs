//! The containers read back by readers written here from the specs (not our writers):
//! the PMTiles v3 header and root directory parsed byte by byte, MBTiles through SQL.
//! (tests/tiles.rs checks the files with the sqlite3 CLI, gdalinfo and Python's pmtiles.)

use std::io::Read;

use super::*;

fn info() -> TileSetInfo {
    TileSetInfo {
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
        (Tile::new(1, 1, 0), b"tile 1/1/0".to_vec()),
        (Tile::new(0, 0, 0), b"tile zero".to_vec()),
        (Tile::new(1, 0, 1), b"tile 1/0/1, longer".to_vec()),
        (Tile::new(2, 1, 1), b"tile 2/1/1".to_vec()),
    ]
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

fn i32_at(b: &[u8], at: usize) -> i32 {
    i32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

fn varint(b: &[u8], pos: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let byte = b[*pos];
        *pos += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return v;
        }
        shift += 7;
    }
}

#[test]
fn pmtiles_header_and_directory_follow_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.pmtiles");
    write_pmtiles(&path, &info(), &tiles()).unwrap();
    let b = std::fs::read(&path).unwrap();
    // The 127-byte header (PMTiles v3 spec, "Header").
    assert_eq!(&b[0..7], b"PMTiles");
    assert_eq!(b[7], 3, "version");
    let (root_off, root_len) = (u64_at(&b, 8) as usize, u64_at(&b, 16) as usize);
    let (meta_off, meta_len) = (u64_at(&b, 24) as usize, u64_at(&b, 32) as usize);
    let data_off = u64_at(&b, 56) as usize;
    assert_eq!(u64_at(&b, 72), 4, "addressed tiles");
    assert_eq!(u64_at(&b, 80), 4, "tile entries");
    assert_eq!(u64_at(&b, 88), 4, "tile contents");
    assert_eq!(b[96], 1, "clustered");
    assert_eq!(b[97], 2, "internal compression gzip");
    assert_eq!(b[98], 1, "tiles not compressed");
    assert_eq!(b[99], 2, "tile type png");
    assert_eq!((b[100], b[101]), (0, 2), "zooms");
    assert_eq!(i32_at(&b, 102), -125_000_000);
    assert_eq!(i32_at(&b, 106), 100_000_000);
    assert_eq!(i32_at(&b, 110), 45_000_000);
    assert_eq!(i32_at(&b, 114), 250_000_000);
    assert_eq!(b[118], 5, "centre zoom");
    assert_eq!(i32_at(&b, 119), -40_000_000);
    assert_eq!(i32_at(&b, 123), 175_000_000);
    assert_eq!(root_off, 127);

    let gunzip = |bytes: &[u8]| {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .unwrap();
        out
    };
    let meta: serde_json::Value =
        serde_json::from_slice(&gunzip(&b[meta_off..meta_off + meta_len])).unwrap();
    assert_eq!(meta["name"], "Test 2024");
    assert_eq!(meta["year"], 2024);
    assert!(meta["description"].as_str().unwrap().contains("SYNTHETIC"));

    // The root directory: count, tile-id deltas, run lengths, lengths, offsets.
    let d = gunzip(&b[root_off..root_off + root_len]);
    let mut pos = 0;
    let n = varint(&d, &mut pos) as usize;
    assert_eq!(n, 4);
    let mut ids = Vec::new();
    let mut id = 0;
    for _ in 0..n {
        id += varint(&d, &mut pos);
        ids.push(id);
    }
    let runs: Vec<u64> = (0..n).map(|_| varint(&d, &mut pos)).collect();
    let lens: Vec<u64> = (0..n).map(|_| varint(&d, &mut pos)).collect();
    let mut offsets: Vec<u64> = Vec::new();
    for i in 0..n {
        let v = varint(&d, &mut pos);
        offsets.push(if v == 0 && i > 0 {
            offsets[i - 1] + lens[i - 1]
        } else {
            v - 1
        });
    }
    assert_eq!(pos, d.len());
    // Tile ids of the spec's Hilbert numbering: 0/0/0 → 0; zoom 1 from 1: (0,0) 1,
    // (0,1) 2, (1,1) 3, (1,0) 4; zoom 2 from 5, (1,1) is the third cell → 7.
    assert_eq!(ids, vec![0, 2, 4, 7]);
    assert!(runs.iter().all(|&r| r == 1));
    let by_id = |id: u64| {
        let i = ids.iter().position(|&x| x == id).unwrap();
        let o = data_off + offsets[i] as usize;
        b[o..o + lens[i] as usize].to_vec()
    };
    assert_eq!(by_id(0), b"tile zero");
    assert_eq!(by_id(2), b"tile 1/0/1, longer");
    assert_eq!(by_id(4), b"tile 1/1/0");
    assert_eq!(by_id(7), b"tile 2/1/1");
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
