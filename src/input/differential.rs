//! The differential check of the CSV readers, and the generator of the files it is run
//! on: the block scanner (streamed, and in memory) must read every file exactly as the
//! csv crate alone does, record by record (same events, same diagnostics with line,
//! column and reason, same summary), whatever the block and batch sizes. A disagreement
//! would be a silently wrong count. UCDP GED files go through the same check; GeoJSON
//! files (read whole, not in blocks) must read alike as a stream and in memory, never
//! panic, and fail only with an error naming the file. `examples/fuzz_readers.rs` runs
//! it for millions of generated files; a bounded slice runs with the tests.
//!
//! Hand-written generator (no `arbitrary`/`proptest` strategy): the files must look like
//! ACLED exports gone wrong in the ways that break tokenisers (quotes inside and at the
//! ends of fields, doubled quotes, CR, CRLF and LF inside quotes, BOMs, NUL, invalid UTF-8,
//! long fields, cut-short records), which a byte-level strategy reaches too rarely.

use std::path::Path;

use crate::input::csv_read::{Cut, SEQUENTIAL};
use crate::input::{ReadOptions, ReadOutput, open, separator};

/// ACLED's current export header.
const HEADER: &str = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp";

/// UCDP GED's CSV header (GED 23.1).
const GED_HEADER: &str = "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob";

/// A value that suits a column (by name), so that some generated rows are events.
fn fitting(column: &str) -> Option<&'static [u8]> {
    Some(match column {
        "event_date" | "date_start" | "date_end" => b"2021-03-04",
        "year" => b"2021",
        "latitude" => b"12.6",
        "longitude" => b"-8.0",
        "geo_precision" | "where_prec" | "type_of_violence" => b"1",
        "fatalities" | "best" => b"2",
        "id" => b"4711",
        "side_a" => b"Government of Mali",
        "side_b" => b"JNIM",
        "country" => b"Mali",
        "country_id" => b"432",
        _ => return None,
    })
}

/// Which reader a case is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// ACLED's current CSV export.
    Acled,
    /// UCDP GED's CSV.
    Ged,
    /// A GeoJSON FeatureCollection with ACLED's properties (read whole: the check is that
    /// it never panics, and that errors name the file).
    GeoJson,
}

/// A reproducible stream of random numbers (xorshift64*).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// One field: mostly plausible values, often with something that breaks tokenisers.
fn field(rng: &mut Rng, column: &str, out: &mut Vec<u8>) {
    let plain: &[&[u8]] = &[
        b"MLI123",
        b"2021-03-04",
        b"2021",
        b"4 March 2021",
        b"Battles",
        b"JNIM: Group for Support of Islam and Muslims",
        b"12.6392",
        b"-8.0029",
        b"1",
        b"3",
        b"0",
        b"466",
        b"Mali",
        b"Koulikoro",
        b"",
        b"1700000000",
    ];
    let tricky: &[&[u8]] = &[
        b"\"quoted, with comma\"",
        b"\"with \"\"doubled\"\" quotes\"",
        b"\"line\nbreak\"",
        b"\"cr\r\nlf\"",
        b"\"open quote",
        b"close quote\"",
        b"mid\"quote",
        b"\"\"",
        b"\"",
        b"a\rb",
        b"nul\0byte",
        b"\xff\xfe invalid utf-8",
        b"caf\xc3\xa9",
        b";",
        b"\t",
        b"\xef\xbb\xbf",
    ];
    match rng.below(10) {
        0..=6 => {
            // A value that suits the column now and then, so some rows are valid events.
            let v = fitting(column).unwrap_or_else(|| plain[rng.below(plain.len())]);
            out.extend_from_slice(v);
        }
        7 | 8 => out.extend_from_slice(tricky[rng.below(tricky.len())]),
        _ => {
            // A long field (sometimes quoted, with separators and newlines inside).
            let quoted = rng.below(2) == 0;
            if quoted {
                out.push(b'"');
            }
            // Lengths spread over orders of magnitude (up to 4 KB): most long fields span a
            // few blocks, some span thousands.
            let most = 1 << (4 + rng.below(9));
            for _ in 0..rng.below(most) {
                let c = match rng.below(40) {
                    0 if quoted => b',',
                    1 if quoted => b'\n',
                    _ => b'a' + rng.below(26) as u8,
                };
                out.push(c);
            }
            if quoted {
                out.push(b'"');
            }
        }
    }
}

/// A GeoJSON file: a FeatureCollection of features with ACLED's properties, each value
/// plausible, of the wrong type, null, nested or absent; geometries right or wrong; now
/// and then cut short or with a byte changed.
fn geojson(rng: &mut Rng, out: &mut Vec<u8>) {
    let value = |rng: &mut Rng, column: &str| -> String {
        match rng.below(12) {
            0 => "null".into(),
            1 => "[1, [2, {\"a\": null}]]".into(),
            2 => "{\"nested\": {\"deeper\": [true]}}".into(),
            3 => "-1e309".into(),
            4 => "12345678901234567890".into(),
            5 => "\"\\u0000\\ud800 \\\" quote\"".into(),
            6 => "true".into(),
            _ => match fitting(column) {
                Some(v) if rng.below(2) == 0 => format!("\"{}\"", String::from_utf8_lossy(v)),
                _ => format!("\"{}\"", rng.below(1000)),
            },
        }
    };
    let geometry = |rng: &mut Rng| -> String {
        match rng.below(8) {
            0 => "null".into(),
            1 => "{\"type\": \"Polygon\", \"coordinates\": [[[0,0],[1,0],[1,1],[0,0]]]}".into(),
            2 => "{\"type\": \"Point\", \"coordinates\": []}".into(),
            3 => "{\"type\": \"Point\", \"coordinates\": [\"-8\", 12.6]}".into(),
            4 => "{\"type\": \"Point\", \"coordinates\": [-8.0, 12.6, 300.0, 7]}".into(),
            5 => "{\"type\": \"Point\", \"coordinates\": [1e400, -95]}".into(),
            _ => "{\"type\": \"Point\", \"coordinates\": [-8.0, 12.6]}".into(),
        }
    };
    let mut text = String::from("{\"type\": \"FeatureCollection\", \"features\": [");
    for i in 0..rng.below(8) {
        if i > 0 {
            text.push(',');
        }
        text.push_str("{\"type\": \"Feature\", \"properties\": {");
        let mut first = true;
        for column in HEADER.split(',') {
            if rng.below(6) == 0 {
                continue;
            }
            if !std::mem::take(&mut first) {
                text.push(',');
            }
            text.push_str(&format!("\"{column}\": {}", value(rng, column)));
        }
        text.push_str(&format!("}}, \"geometry\": {}}}", geometry(rng)));
    }
    text.push_str("]}");
    out.extend_from_slice(text.as_bytes());
    match rng.below(6) {
        0 => {
            let cut = rng.below(out.len() + 1);
            out.truncate(cut);
        }
        1 if !out.is_empty() => {
            let at = rng.below(out.len());
            out[at] = [b'"', b'{', b']', b'\\', 0xff, b'\n'][rng.below(6)];
        }
        _ => {}
    }
}

/// A GeoJSON case: read as a stream and in memory, the same result; no panic; an error
/// names the file.
fn check_geojson(case: &Case) -> Result<(), String> {
    let path = Path::new("fuzz.geojson");
    let opts = ReadOptions {
        details: case.details,
        ..ReadOptions::default()
    };
    let streamed = open::read_reader(&case.bytes[..], path, &opts, Cut::default());
    if let Err(e) = &streamed
        && !e.to_string().contains("fuzz.geojson")
    {
        return Err(format!("an error that does not name the file: {e}"));
    }
    if !case.bytes.is_empty() {
        let memory = summary(&open::read_bytes(&case.bytes, path, &opts, Cut::default()));
        let streamed = summary(&streamed);
        if memory != streamed {
            return Err(format!(
                "GeoJSON read in memory differs from the stream:\n--- stream\n{streamed}\n--- memory\n{memory}"
            ));
        }
    }
    Ok(())
}

/// A generated file, with the block and batch sizes to read it with.
pub struct Case {
    pub kind: Kind,
    pub bytes: Vec<u8>,
    pub block: usize,
    pub batch: usize,
    /// Streamed through the reading thread as real streams are (else all blocks are read
    /// first on one thread, the same blocks at a fraction of the cost: see
    /// [`Cut::prefetch`]).
    pub threaded: bool,
    /// Read with the source details kept ([`ReadOptions::details`]).
    pub details: bool,
}

/// The next generated case.
pub fn generate(rng: &mut Rng) -> Case {
    let kind = match rng.below(10) {
        0 | 1 => Kind::Ged,
        2 => Kind::GeoJson,
        _ => Kind::Acled,
    };
    let mut bytes = Vec::new();
    if kind == Kind::GeoJson {
        geojson(rng, &mut bytes);
        return Case {
            kind,
            bytes,
            block: 0,
            batch: 0,
            threaded: false,
            details: rng.below(2) == 0,
        };
    }
    let header_text = match kind {
        Kind::Ged => GED_HEADER,
        _ => HEADER,
    };
    if rng.below(8) == 0 {
        bytes.extend_from_slice(b"\xef\xbb\xbf");
    }
    let sep = [b',', b',', b',', b';', b'\t'][rng.below(5)];
    let eol: &[u8] = if rng.below(3) == 0 { b"\r\n" } else { b"\n" };
    let header = header_text.replace(',', &(sep as char).to_string());
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(eol);
    let names: Vec<&str> = header_text.split(',').collect();
    let columns = names.len();
    for _ in 0..rng.below(12) {
        // Rows of the right width mostly, some too short or too long, some blank.
        let width = match rng.below(10) {
            0 => rng.below(columns),
            1 => columns + 1 + rng.below(3),
            2 => 0,
            _ => columns,
        };
        for c in 0..width {
            if c > 0 {
                bytes.push(sep);
            }
            field(rng, names.get(c).copied().unwrap_or(""), &mut bytes);
        }
        bytes.extend_from_slice(eol);
    }
    if rng.below(4) == 0 {
        // Cut short anywhere: the last record ends without its line end, maybe mid-field.
        let cut = header.len() + rng.below(bytes.len() - header.len() + 1);
        bytes.truncate(cut.min(bytes.len()));
    }
    let block = [1, 2, 3, 7, 16, 63, 64, 65, 128, 500, 4096][rng.below(11)];
    let batch = [1, 2, 7, usize::MAX][rng.below(4)];
    // A thread and a hand-over per block cost more than the rest of a small case: one
    // case in 32 of up to 500 blocks goes through the reading thread.
    let threaded = rng.below(32) == 0 && bytes.len() / block.max(1) < 500;
    Case {
        kind,
        bytes,
        block,
        batch,
        threaded,
        details: rng.below(2) == 0,
    }
}

/// What two reads are compared on (the strings are interned in reading order, so their
/// ids are compared too).
fn summary(r: &crate::error::Result<ReadOutput>) -> String {
    match r {
        Ok(out) => {
            let s = crate::input::ReadSummary {
                stored: None,
                ..out.summary.clone()
            };
            format!(
                "{:?}\n{:?}\n{:?}\n{:?}\n{}",
                out.events.events,
                out.events.details,
                s,
                out.diagnostics,
                out.events.strings.len()
            )
        }
        Err(e) => format!("error: {e}"),
    }
}

/// Which reads of the block scanner are compared with the csv crate's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paths {
    /// Streamed blocks (files read through a stream: pipes, archives, transcoded text).
    Streamed,
    /// Streamed blocks and the in-memory scan (mapped plain files).
    All,
}

/// Reads `case` with the csv crate alone and with the block scanner; the first
/// disagreement, described.
pub fn check(case: &Case, paths: Paths) -> Result<(), String> {
    if case.kind == Kind::GeoJson {
        return check_geojson(case);
    }
    let path = Path::new("fuzz.csv");
    // Half the cases keep the source details too (the layers' extra columns).
    let opts = ReadOptions {
        details: case.details,
        ..ReadOptions::default()
    };
    let stream = |block, batch, prefetch| {
        let cut = Cut {
            block,
            batch,
            prefetch,
            ..Cut::default()
        };
        summary(&open::read_reader(&case.bytes[..], path, &opts, cut))
    };
    let reference = stream(SEQUENTIAL, usize::MAX, true);
    let streamed = stream(case.block, case.batch, !case.threaded);
    if streamed != reference {
        return Err(format!(
            "streamed blocks of {} (batch {}) differ from the csv crate:\n--- csv crate\n{reference}\n--- scanner\n{streamed}",
            case.block, case.batch
        ));
    }
    if paths == Paths::All && !case.bytes.is_empty() {
        let cut = Cut {
            delim: separator::detect(&case.bytes),
            block: case.block,
            batch: case.batch,
            prefetch: false,
        };
        // Through the entry mapped files take (encoding detection, then the scan in
        // place), as the reference goes through the stream entry.
        let memory = summary(&open::read_bytes(&case.bytes, path, &opts, cut));
        if memory != reference {
            return Err(format!(
                "in-memory blocks of {} (batch {}) differ from the csv crate:\n--- csv crate\n{reference}\n--- scanner\n{memory}",
                case.block, case.batch
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bounded slice of the harness (the example runs millions).
    #[test]
    fn generated_files_read_alike_by_every_path() {
        let mut rng = Rng::new(20_261_205);
        for i in 0..1500 {
            let case = generate(&mut rng);
            if let Err(e) = check(&case, Paths::All) {
                panic!(
                    "case {i}: {e}\ninput: {:?}",
                    String::from_utf8_lossy(&case.bytes)
                );
            }
        }
    }
}

#[cfg(test)]
mod regressions {
    use super::*;

    /// Found by the harness: a row starting with a byte order mark, where the csv crate
    /// takes over mid-file (a quoted field longer than the block), lost its BOM (the crate
    /// drops one at the start of its input).
    #[test]
    fn a_bom_starting_a_row_mid_file_is_data() {
        let bytes = include_bytes!("../../tests/data/fuzz/bom_mid_file.csv").to_vec();
        for block in [3, 7, 64] {
            for threaded in [false, true] {
                let case = Case {
                    kind: Kind::Acled,
                    bytes: bytes.clone(),
                    block,
                    batch: 1,
                    threaded,
                    details: threaded,
                };
                check(&case, Paths::All).unwrap();
            }
        }
    }
}
