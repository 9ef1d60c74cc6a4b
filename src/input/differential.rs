//! The differential check of the CSV readers, and the generator of the files it is run
//! on: the block scanner (streamed, and in memory) must read every file exactly as the
//! csv crate alone does, record by record (same events, same diagnostics with line,
//! column and reason, same summary), whatever the block and batch sizes. A disagreement
//! would be a silently wrong count. `examples/fuzz_readers.rs` runs it for millions of
//! generated files; a bounded slice runs with the tests.
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
fn field(rng: &mut Rng, column: usize, out: &mut Vec<u8>) {
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
            let v = match column {
                1 => &b"2021-03-04"[..],
                2 => b"2021",
                22 => b"12.6",
                23 => b"-8.0",
                24 => b"1",
                28 => b"2",
                _ => plain[rng.below(plain.len())],
            };
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

/// A generated file, with the block and batch sizes to read it with.
pub struct Case {
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
    let mut bytes = Vec::new();
    if rng.below(8) == 0 {
        bytes.extend_from_slice(b"\xef\xbb\xbf");
    }
    let sep = [b',', b',', b',', b';', b'\t'][rng.below(5)];
    let eol: &[u8] = if rng.below(3) == 0 { b"\r\n" } else { b"\n" };
    let header = HEADER.replace(',', &(sep as char).to_string());
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(eol);
    let columns = HEADER.split(',').count();
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
            field(rng, c, &mut bytes);
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
