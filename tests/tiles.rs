//! `conflictmap tiles` on real inputs, its outputs read by tools that are not ours: the
//! sqlite3 CLI and GDAL for MBTiles, a PMTiles reader written here from the v3 spec, a
//! PNG decoder for the XYZ tiles. Needs `sqlite3` and `gdalinfo` (scripts/setup.sh).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Runs the binary from the repository root; fails the test on an error.
fn run(args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_conflictmap"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "conflictmap {args:?}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs a tool that checks our files; fails with how to install it if absent.
fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run `{name}` ({e}): run scripts/setup.sh to install the test tools")
    });
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A reader that reads past what it does not understand with a warning: a failure here.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("Warning") && !stderr.contains("ERROR"),
        "{name} {args:?} complained: {stderr}"
    );
    String::from_utf8(out.stdout).unwrap()
}

/// One run on the shipped sample (two years, zooms 0-6, overlays), shared by the tests.
fn sample_run() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().to_str().unwrap();
        run(&[
            "tiles",
            "--zooms",
            "0-6",
            "--years",
            "2023-2024",
            "--overlays",
            "--out",
            out,
        ]);
        dir
    })
    .path()
}

fn tiles_json(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("tiles/tiles.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every file under `dir` as "z/x/y" → bytes.
fn xyz_tiles(dir: &Path) -> BTreeMap<(u8, u32, u32), Vec<u8>> {
    let mut out = BTreeMap::new();
    for z in std::fs::read_dir(dir).unwrap() {
        let z = z.unwrap().path();
        for x in std::fs::read_dir(&z).unwrap() {
            let x = x.unwrap().path();
            for y in std::fs::read_dir(&x).unwrap() {
                let y = y.unwrap().path();
                let num = |p: &PathBuf| -> u32 {
                    p.file_stem().unwrap().to_str().unwrap().parse().unwrap()
                };
                out.insert(
                    (num(&z) as u8, num(&x), num(&y)),
                    std::fs::read(&y).unwrap(),
                );
            }
        }
    }
    out
}

fn decode(png_bytes: &[u8]) -> (u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba);
    assert_eq!(info.width, info.height);
    buf.truncate(info.buffer_size());
    (info.width, buf)
}

/// Checks `j` against the TileJSON 3.0.0 specification's rules for a raster tile set:
/// `tilejson` a semver string, `tiles` at least one endpoint with {z}, {x} and {y},
/// `attribution`, `name`, `description`, `version` strings, `scheme` xyz or tms, zooms
/// 0-30 with minzoom <= maxzoom, `bounds` [w, s, e, n] within WGS84, `center` [lon, lat,
/// zoom] inside the bounds with its zoom between the zooms.
fn assert_tilejson_3(j: &serde_json::Value) {
    let semver = |v: &serde_json::Value| {
        v.as_str().is_some_and(|s| {
            let parts: Vec<&str> = s.split('.').collect();
            parts.len() == 3 && parts.iter().all(|p| p.parse::<u32>().is_ok())
        })
    };
    assert_eq!(j["tilejson"], "3.0.0");
    assert!(semver(&j["version"]), "version {}", j["version"]);
    let tiles = j["tiles"].as_array().expect("tiles is an array");
    assert!(!tiles.is_empty(), "TileJSON needs at least one endpoint");
    for t in tiles {
        let t = t.as_str().expect("endpoints are strings");
        assert!(
            t.starts_with("pmtiles://")
                || t.starts_with("mbtiles://")
                || ["{z}", "{x}", "{y}"].iter().all(|k| t.contains(k)),
            "{t}"
        );
    }
    for key in ["attribution", "name", "description"] {
        assert!(j[key].is_string(), "{key} must be a string: {}", j[key]);
    }
    assert!(matches!(j["scheme"].as_str(), Some("xyz" | "tms")));
    let (lo, hi) = (
        j["minzoom"].as_u64().unwrap(),
        j["maxzoom"].as_u64().unwrap(),
    );
    assert!(lo <= hi && hi <= 30, "zooms {lo}-{hi}");
    let floats = |v: &serde_json::Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let b = floats(&j["bounds"]);
    assert!(b.len() == 4 && b[0] < b[2] && b[1] < b[3], "{b:?}");
    assert!(b[0] >= -180.0 && b[2] <= 180.0 && b[1] >= -90.0 && b[3] <= 90.0);
    let c = floats(&j["center"]);
    assert!(c.len() == 3, "{c:?}");
    assert!(
        (b[0]..=b[2]).contains(&c[0]) && (b[1]..=b[3]).contains(&c[1]),
        "{c:?}"
    );
    assert!((lo as f64..=hi as f64).contains(&c[2]), "{c:?}");
}

#[test]
fn tiles_json_describes_the_tile_sets() {
    let j = tiles_json(sample_run());
    for key in [
        "name",
        "category",
        "unit",
        "years",
        "minzoom",
        "maxzoom",
        "tile_size",
        "bounds",
        "center",
        "attribution",
        "synthetic",
        "xyz",
        "overlay",
        "legend",
    ] {
        assert!(j.get(key).is_some(), "tiles.json lacks {key}: {j}");
    }
    assert_eq!(j["category"]["id"], "militant_islamist_attack");
    assert_eq!(j["years"], serde_json::json!([2023, 2024]));
    assert_eq!(
        (j["minzoom"].as_u64(), j["maxzoom"].as_u64()),
        (Some(0), Some(6))
    );
    assert_eq!(j["tile_size"], 256);
    assert_eq!(j["xyz"], "xyz/{year}/{z}/{x}/{y}.png");
    assert_eq!(j["overlay"], "overlay/{z}/{x}/{y}.png");
    assert_eq!(j["synthetic"], true);
    assert!(j["attribution"].as_str().unwrap().contains("SYNTHETIC"));
    assert!(j["credits"][0].as_str().unwrap().contains("SYNTHETIC"));
    assert_tilejson_3(&j);
    // The TileJSON endpoint is the latest year's tiles, relative to tiles.json.
    assert_eq!(j["tiles"], serde_json::json!(["xyz/2024/{z}/{x}/{y}.png"]));
    assert_eq!(j["unit"], "events per 1,000 km²");
    // Mali's box, with the centre inside it.
    let b: Vec<f64> = j["bounds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!(
        b[0] < -12.0 && b[2] > 4.0 && b[1] < 10.2 && b[3] > 25.0,
        "{b:?}"
    );
    let c = &j["center"];
    assert!((b[0]..b[2]).contains(&c[0].as_f64().unwrap()));
    assert!((b[1]..b[3]).contains(&c[1].as_f64().unwrap()));
    // The legend: rising values from the threshold to the max, as #rrggbb colours.
    let legend = &j["legend"];
    let max = legend["max"].as_f64().unwrap();
    let stops = legend["stops"].as_array().unwrap();
    assert!(stops.len() >= 2);
    assert!((stops[0][0].as_f64().unwrap() - legend["threshold"].as_f64().unwrap()).abs() < 1e-6);
    assert!((stops.last().unwrap()[0].as_f64().unwrap() - max).abs() < 1e-6);
    assert!(
        stops
            .windows(2)
            .all(|w| w[0][0].as_f64() < w[1][0].as_f64())
    );
    for s in stops {
        let hex = s[1].as_str().unwrap();
        assert!(hex.len() == 7 && hex.starts_with('#'), "{hex}");
    }
}

#[test]
fn xyz_tiles_are_transparent_pngs_and_empty_ones_are_skipped() {
    let dir = sample_run().join("tiles");
    for year in ["2023", "2024"] {
        let tiles = xyz_tiles(&dir.join("xyz").join(year));
        // Zoom 0 is one tile; deeper zooms only where Mali has density.
        assert!(tiles.contains_key(&(0, 0, 0)));
        let z6 = tiles.keys().filter(|k| k.0 == 6).count();
        // Mali's box covers 4 × 4 tiles at zoom 6; the desert north has none.
        assert!((1..16).contains(&z6), "{year}: {z6} tiles at zoom 6");
        for (key, bytes) in &tiles {
            let (size, rgba) = decode(bytes);
            assert_eq!(size, 256);
            // Every tile written has some colour and is see-through somewhere or faded
            // at its low end (tiles overlay a basemap).
            assert!(rgba.chunks(4).any(|p| p[3] > 0), "{key:?} is empty");
            assert!(rgba.chunks(4).any(|p| p[3] < 255), "{key:?} is opaque");
        }
    }
    let overlay = xyz_tiles(&dir.join("overlay"));
    assert!(overlay.contains_key(&(0, 0, 0)));
    // The outline crosses Mali's tiles at zoom 6 (including the desert north).
    assert!(overlay.keys().filter(|k| k.0 == 6).count() >= 10);
}

#[test]
fn neighbouring_tiles_join_without_seams() {
    let tiles = xyz_tiles(&sample_run().join("tiles/xyz/2024"));
    let mut compared = 0;
    for (&(z, x, y), bytes) in tiles.iter().filter(|(k, _)| k.0 >= 5) {
        let Some(east) = tiles.get(&(z, x + 1, y)) else {
            continue;
        };
        let (n, a) = decode(bytes);
        let (_, b) = decode(east);
        let n = n as usize;
        let px = |img: &[u8], c: usize, r: usize| -> [i32; 4] {
            let i = 4 * (r * n + c);
            [0, 1, 2, 3].map(|k| i32::from(img[i + k]))
        };
        let diff = |p: [i32; 4], q: [i32; 4]| (0..4).map(|k| (p[k] - q[k]).abs()).max().unwrap();
        let (mut inside, mut across) = (0, 0);
        for r in 0..n {
            for c in n - 8..n {
                inside = inside.max(diff(px(&a, c - 1, r), px(&a, c, r)));
            }
            for c in 1..8 {
                inside = inside.max(diff(px(&b, c - 1, r), px(&b, c, r)));
            }
            across = across.max(diff(px(&a, n - 1, r), px(&b, 0, r)));
        }
        // The step across the edge is no larger than steps next to it (+ rounding).
        assert!(
            across <= inside + 2,
            "{z}/{x}/{y}: edge step {across}, inside {inside}"
        );
        if across > 0 {
            compared += 1;
        }
    }
    assert!(compared >= 2, "{compared} edges with density compared");
}

#[test]
fn mbtiles_pass_sqlite3_and_gdal() {
    let dir = sample_run().join("tiles");
    let db = dir.join("militant_islamist_attack_2024.mbtiles");
    let db = db.to_str().unwrap();
    let schema = tool("sqlite3", &[db, ".schema"]);
    assert!(
        schema.contains("CREATE TABLE metadata (name TEXT NOT NULL, value TEXT)"),
        "{schema}"
    );
    assert!(
        schema.contains("CREATE TABLE tiles (zoom_level INTEGER NOT NULL"),
        "{schema}"
    );
    assert!(
        schema.contains(
            "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)"
        ),
        "{schema}"
    );
    let meta: BTreeMap<String, String> = tool(
        "sqlite3",
        &["-separator", "\t", db, "SELECT name, value FROM metadata"],
    )
    .lines()
    .map(|l| {
        let (k, v) = l.split_once('\t').unwrap();
        (k.to_string(), v.to_string())
    })
    .collect();
    for key in [
        "name",
        "format",
        "bounds",
        "center",
        "minzoom",
        "maxzoom",
        "attribution",
        "type",
        "version",
        "description",
    ] {
        assert!(meta.contains_key(key), "metadata lacks {key}: {meta:?}");
    }
    assert_eq!(meta["format"], "png");
    assert_eq!(meta["type"], "overlay");
    assert_eq!(
        (meta["minzoom"].as_str(), meta["maxzoom"].as_str()),
        ("0", "6")
    );
    assert!(meta["name"].contains("2024"));
    assert!(meta["description"].starts_with("SYNTHETIC DEMO DATA"));
    assert_eq!(meta["bounds"].split(',').count(), 4);
    // The same tiles as the XYZ folder, rows flipped (TMS).
    let xyz = xyz_tiles(&dir.join("xyz/2024"));
    let count = tool("sqlite3", &[db, "SELECT count(*) FROM tiles"]);
    assert_eq!(count.trim().parse::<usize>().unwrap(), xyz.len());
    let rows = tool(
        "sqlite3",
        &[
            "-separator",
            "\t",
            db,
            "SELECT zoom_level, tile_column, tile_row, hex(tile_data) FROM tiles WHERE zoom_level = 6",
        ],
    );
    for line in rows.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let (z, x, tms): (u8, u32, u32) = (
            f[0].parse().unwrap(),
            f[1].parse().unwrap(),
            f[2].parse().unwrap(),
        );
        let y = (1 << z) - 1 - tms;
        let want = xyz
            .get(&(z, x, y))
            .unwrap_or_else(|| panic!("no xyz tile {z}/{x}/{y}"));
        let hex: String = want.iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(f[3], hex, "{z}/{x}/{y}");
    }
    // GDAL opens it as a raster in Web Mercator, RGBA.
    let info = tool("gdalinfo", &[db]);
    assert!(info.contains("Driver: MBTiles/MBTiles"), "{info}");
    assert!(
        info.contains("Pseudo-Mercator") || info.contains("3857"),
        "{info}"
    );
    assert_eq!(info.matches("Band ").count(), 4, "{info}");
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
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

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The PMTiles v3 tile id of z/x/y, from the spec: tiles of lower zooms first, then the
/// position along the zoom's Hilbert curve (the classic xy2d algorithm).
fn tile_id(z: u8, x: u32, y: u32) -> u64 {
    let before: u64 = (0..z).map(|i| 1u64 << (2 * i)).sum();
    let n = 1u64 << z;
    let (mut x, mut y) = (u64::from(x), u64::from(y));
    let mut d = 0;
    let mut s = n / 2;
    while s > 0 {
        let rx = u64::from(x & s > 0);
        let ry = u64::from(y & s > 0);
        d += s * s * ((3 * rx) ^ ry);
        // Rotate the quadrant.
        if ry == 0 {
            if rx == 1 {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    before + d
}

#[test]
fn hilbert_ids_match_the_spec_examples() {
    // From the PMTiles v3 spec and its reference implementations.
    assert_eq!(tile_id(0, 0, 0), 0);
    assert_eq!(
        [
            tile_id(1, 0, 0),
            tile_id(1, 0, 1),
            tile_id(1, 1, 1),
            tile_id(1, 1, 0)
        ],
        [1, 2, 3, 4]
    );
    assert_eq!(tile_id(2, 0, 0), 5);
    assert_eq!(tile_id(12, 3423, 1763), 19078479);
    // Values of the Python reference package (pmtiles.tile.zxy_to_tileid).
    assert_eq!(tile_id(6, 30, 28), 2041);
    assert_eq!(tile_id(10, 489, 475), 523385);
}

#[test]
fn pmtiles_archive_holds_the_xyz_tiles() {
    let dir = sample_run().join("tiles");
    let b = std::fs::read(dir.join("militant_islamist_attack_2023.pmtiles")).unwrap();
    let xyz = xyz_tiles(&dir.join("xyz/2023"));
    // Header (127 bytes).
    assert_eq!(&b[0..7], b"PMTiles");
    assert_eq!(b[7], 3);
    let (meta_off, meta_len) = (u64_at(&b, 24) as usize, u64_at(&b, 32) as usize);
    let leaf_len = u64_at(&b, 48);
    assert_eq!(leaf_len, 0, "a small archive needs no leaf directories");
    assert_eq!(u64_at(&b, 72) as usize, xyz.len(), "addressed tiles");
    assert_eq!(b[96], 1, "clustered");
    assert_eq!(b[97], 2, "gzip directories");
    assert_eq!(b[99], 2, "png tiles");
    assert_eq!((b[100], b[101]), (0, 6));
    let meta: serde_json::Value =
        serde_json::from_slice(&gunzip(&b[meta_off..meta_off + meta_len])).unwrap();
    assert_eq!(meta["year"], 2023);
    assert_eq!(meta["format"], "png");
    assert!(
        meta["description"]
            .as_str()
            .unwrap()
            .starts_with("SYNTHETIC DEMO DATA")
    );
    assert!(meta["legend"]["stops"].is_array());

    // Every entry is one of our tiles, with its very bytes, and every tile is there.
    let entries = pmtiles_entries(&b);
    let by_id: BTreeMap<u64, &Vec<u8>> = xyz
        .iter()
        .map(|(&(z, x, y), v)| (tile_id(z, x, y), v))
        .collect();
    for (id, bytes) in &entries {
        let want = by_id
            .get(id)
            .unwrap_or_else(|| panic!("tile id {id} is not ours"));
        assert_eq!(bytes, *want);
    }
    assert_eq!(entries.len(), xyz.len());
}

#[test]
fn real_data_at_512_px_into_mbtiles_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    run(&[
        "tiles",
        "--events",
        "tests/data/fixtures/maps_two_years.csv",
        "--zooms",
        "4-5",
        "--tile-size",
        "512",
        "--formats",
        "mbtiles",
        "--out",
        out,
    ]);
    let j = tiles_json(dir.path());
    assert_eq!(j["synthetic"], false);
    assert_eq!(j["tile_size"], 512);
    assert_eq!(j["xyz"], serde_json::Value::Null);
    assert_eq!(j["overlay"], serde_json::Value::Null);
    let years: Vec<i64> = j["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert!(!years.is_empty());
    assert!(!dir.path().join("tiles/xyz").exists());
    // Without XYZ folders the TileJSON endpoint names the latest year's archive.
    assert_tilejson_3(&j);
    let latest = years.iter().max().unwrap();
    let endpoint = j["tiles"][0].as_str().unwrap();
    assert!(endpoint.starts_with("mbtiles://"), "{endpoint}");
    let file = endpoint.trim_start_matches("mbtiles://");
    assert!(file.ends_with(&format!("_{latest}.mbtiles")), "{file}");
    assert!(dir.path().join("tiles").join(file).is_file(), "{file}");
    for y in years {
        let db = dir
            .path()
            .join(format!("tiles/militant_islamist_attack_{y}.mbtiles"));
        let desc = tool(
            "sqlite3",
            &[
                db.to_str().unwrap(),
                "SELECT value FROM metadata WHERE name = 'description'",
            ],
        );
        assert!(!desc.contains("SYNTHETIC"), "{desc}");
        let sizes = tool(
            "sqlite3",
            &[
                db.to_str().unwrap(),
                "SELECT DISTINCT length(tile_data) > 0 FROM tiles",
            ],
        );
        assert!(sizes.trim() == "1" || sizes.trim().is_empty(), "{sizes}");
    }
}

#[test]
fn bad_arguments_are_refused_clearly() {
    let out = Command::new(env!("CARGO_BIN_EXE_conflictmap"))
        .args(["tiles", "--zooms", "3-20"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("zoom level from 0 to 16"));
    let out = Command::new(env!("CARGO_BIN_EXE_conflictmap"))
        .args(["tiles", "--tile-size", "300"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("256 or 512"));
}

/// The tile ids and bytes of every tile of a PMTiles v3 archive, leaf directories
/// included (an entry of run length 0 points to a leaf directory, from the spec).
fn pmtiles_entries(b: &[u8]) -> BTreeMap<u64, Vec<u8>> {
    let (root_off, root_len) = (u64_at(b, 8) as usize, u64_at(b, 16) as usize);
    let leaf_off = u64_at(b, 40) as usize;
    let data_off = u64_at(b, 56) as usize;
    let mut out = BTreeMap::new();
    let mut dirs = vec![gunzip(&b[root_off..root_off + root_len])];
    while let Some(d) = dirs.pop() {
        let mut pos = 0;
        let n = varint(&d, &mut pos) as usize;
        let mut ids = Vec::with_capacity(n);
        let mut id = 0;
        for _ in 0..n {
            id += varint(&d, &mut pos);
            ids.push(id);
        }
        let runs: Vec<u64> = (0..n).map(|_| varint(&d, &mut pos)).collect();
        let lens: Vec<u64> = (0..n).map(|_| varint(&d, &mut pos)).collect();
        let mut offsets: Vec<u64> = Vec::with_capacity(n);
        for i in 0..n {
            let v = varint(&d, &mut pos);
            offsets.push(if v == 0 && i > 0 {
                offsets[i - 1] + lens[i - 1]
            } else {
                v - 1
            });
        }
        assert_eq!(pos, d.len(), "a directory holds its entries only");
        for i in 0..n {
            let (o, l) = (offsets[i] as usize, lens[i] as usize);
            if runs[i] == 0 {
                dirs.push(gunzip(&b[leaf_off + o..leaf_off + o + l]));
            } else {
                for k in 0..runs[i] {
                    out.insert(ids[i] + k, b[data_off + o..data_off + o + l].to_vec());
                }
            }
        }
    }
    out
}

/// events.pmtiles and events.mbtiles hold the same vector tiles; GDAL's MVT reader finds
/// every event at zoom 12 once (by id, neighbours' margins aside) with its notes, and at a
/// higher zoom the merged points add up to the same events per year.
#[test]
fn event_vector_tiles_hold_every_event_for_gdal() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    run(&[
        "tiles",
        "--events",
        "tests/data/fixtures/maps_two_years.csv",
        "--extent=-6.5,12.5,1.5,16.5",
        "--zooms",
        "0-4",
        "--formats",
        "pmtiles,mbtiles",
        "--out",
        o,
    ]);
    let j = tiles_json(out.path());
    let dir = out.path().join("tiles");
    let ev = &j["events"];
    assert_eq!(ev["count"], 16);
    assert_eq!(ev["per_year"], serde_json::json!({"2022": 3, "2024": 13}));
    assert_eq!(ev["maxzoom"], 12);

    // Both archives hold the same tiles, byte for byte.
    let b = std::fs::read(dir.join("events.pmtiles")).unwrap();
    assert_eq!(b[99], 1, "mvt tiles");
    assert_eq!(b[98], 2, "gzip tiles");
    assert_eq!((b[100], b[101]), (0, 12));
    let (meta_off, meta_len) = (u64_at(&b, 24) as usize, u64_at(&b, 32) as usize);
    let meta: serde_json::Value =
        serde_json::from_slice(&gunzip(&b[meta_off..meta_off + meta_len])).unwrap();
    assert_eq!(meta["vector_layers"][0]["id"], "events");
    assert_eq!(meta["vector_layers"][0]["fields"]["notes"], "String");
    let pm = pmtiles_entries(&b);
    let db = rusqlite::Connection::open(dir.join("events.mbtiles")).unwrap();
    let mut q = db
        .prepare("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")
        .unwrap();
    let mb: BTreeMap<u64, Vec<u8>> = q
        .query_map([], |r| {
            let (z, x, row): (u8, u32, u32) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let y = (1u32 << z) - 1 - row;
            Ok((tile_id(z, x, y), r.get::<_, Vec<u8>>(3)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(pm.len(), mb.len());
    assert!(pm == mb, "the archives' tiles differ");
    let format: String = db
        .query_row(
            "SELECT value FROM metadata WHERE name = 'format'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(format, "pbf");

    // GDAL reads the MBTiles through its MVT driver: ids and sums per zoom.
    let script = r#"
import json, sys
from osgeo import gdal, ogr
gdal.UseExceptions()
out = {}
for z in (4, 12):
    ds = gdal.OpenEx(sys.argv[1], gdal.OF_VECTOR, open_options=["ZOOM_LEVEL=%d" % z])
    layer = ds.GetLayerByName("events")
    ids, per_year, notes = set(), {}, set()
    for f in layer:
        year = str(int(f.GetField("year")))
        if z == 12:
            ids.add((year, f.GetField("event_id")))
            notes.add(f.GetField("notes"))
        else:
            per_year.setdefault(year, []).append(int(f.GetField("events")))
    out[str(z)] = {"ids": sorted(ids), "per_year": per_year, "notes": sorted(n for n in notes if n)}
print(json.dumps(out))
"#;
    let gdal = Command::new("/usr/bin/python3")
        .args(["-c", script, dir.join("events.mbtiles").to_str().unwrap()])
        .output()
        .expect("python3-gdal (scripts/setup.sh)");
    assert!(
        gdal.status.success(),
        "{}",
        String::from_utf8_lossy(&gdal.stderr)
    );
    let got: serde_json::Value = serde_json::from_slice(&gdal.stdout).unwrap();
    let ids: Vec<(String, String)> = serde_json::from_value(got["12"]["ids"].clone()).unwrap();
    assert_eq!(ids.len(), 16, "{ids:?}");
    let year_of = |n: u32| if n <= 3 { "2022" } else { "2024" };
    for n in 1..=16 {
        let want = (year_of(n).to_string(), format!("MLIT{n}"));
        assert!(ids.contains(&want), "{want:?} not in {ids:?}");
    }
    assert_eq!(got["12"]["notes"], serde_json::json!(["Test row."]));
    // At zoom 4 (a pixel of about 20 km) Gao's ten events are one point; the three
    // around Mopti of a year are one too. Tiles' margins repeat a point in a neighbour,
    // so the sums are at least the events, and the largest point is Gao's ten.
    let per_year = &got["4"]["per_year"];
    let counts = |y: &str| -> Vec<u64> {
        per_year[y]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect()
    };
    assert!(counts("2024").contains(&10), "{per_year}");
    assert!(counts("2024").iter().sum::<u64>() >= 13, "{per_year}");
    assert!(counts("2022").iter().sum::<u64>() >= 3, "{per_year}");

    qgis_draws_the_event_tiles(&dir.join("events.mbtiles"), out.path());
}

/// QGIS (PyQGIS 3.22, headless) opens `mbtiles` as a vector tile layer and draws its
/// points: the rendered image is dark at Gao's ten events and white far from any.
fn qgis_draws_the_event_tiles(mbtiles: &Path, scratch: &Path) {
    let png = scratch.join("qgis_events.png");
    let (w, s, e, n) = (-6.5, 12.5, 1.5, 16.5);
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/qgis/check_vector_tiles.py"
    );
    let out = Command::new("/usr/bin/python3")
        .arg(script)
        .args([mbtiles.to_str().unwrap(), png.to_str().unwrap()])
        .args([w, s, e, n].map(|v: f64| v.to_string()))
        .env("QT_QPA_PLATFORM", "offscreen")
        .env("XDG_RUNTIME_DIR", scratch)
        .output()
        .expect("PyQGIS (python3-qgis, scripts/setup.sh)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(report["zooms"], serde_json::json!([0, 12]));
    assert_eq!(report["crs"], "EPSG:3857");
    // Where Gao lies in the 600×400 image: QGIS keeps the extent's centre and fits it.
    let merc = |lon: f64, lat: f64| {
        let r = 6_378_137.0_f64;
        (
            r * lon.to_radians(),
            r * (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0)
                .tan()
                .ln(),
        )
    };
    let ((x0, y0), (x1, y1)) = (merc(w, s), merc(e, n));
    let scale = ((x1 - x0) / 600.0).max((y1 - y0) / 400.0);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let (gx, gy) = merc(-0.04472, 16.27167);
    let (px, py) = (300.0 + (gx - cx) / scale, 200.0 - (gy - cy) / scale);
    let img = std::fs::read(&png).unwrap();
    let mut decoder = png::Decoder::new(std::io::Cursor::new(img));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let ch = info.color_type.samples();
    let inked = |x: i64, y: i64| {
        let i = (y as usize * info.width as usize + x as usize) * ch;
        buf[i..i + 3].iter().any(|&c| c < 235)
    };
    let near_gao = (-4..=4)
        .flat_map(|dx| (-4..=4).map(move |dy| (dx, dy)))
        .filter(|&(dx, dy)| inked(px as i64 + dx, py as i64 + dy))
        .count();
    assert!(near_gao > 10, "QGIS drew nothing at Gao ({px:.0}, {py:.0})");
    assert!(!inked(20, 380) && !inked(580, 380), "ink where no event is");
}
