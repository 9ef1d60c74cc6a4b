//! Streaming CSV reading. The file is never held whole: a reading thread reads it in
//! large blocks, each cut after its last line end. A block is split into stretches that
//! are scanned in parallel (rayon, [`scan`]: fields found in place), its rows are parsed
//! in parallel and then assembled in file order by one thread, while the next block is
//! already being scanned. Bytes already in memory are cut into groups the same way,
//! without the reading thread.
//!
//! A stretch other than the first starts just after a line end, which is a record
//! boundary unless it lies inside quotes; it is used only if the stretch before it,
//! scanned from a true boundary, ended exactly there (otherwise it is scanned again from
//! there). A record left unfinished at the end of a block (its line end was inside
//! quotes) is carried into the next block. From the first quote the csv crate would not
//! read as a quote, the rest of the file is read by a single sequential `csv::Reader`,
//! so the result is always exactly the one of reading the file record by record.

use std::io::Read;
use std::path::Path;
use std::sync::mpsc;

use csv::{ByteRecord, Position};
use rayon::prelude::*;

use super::assemble::Assembler;
use super::csv_feed::{Buf, Msg, Tail, read_blocks};
use super::csv_rows::{Ending, RowParser, RowRef};
use super::csv_scan::{Place, Scanned, Unread, bom_len, is_blank, scan};
use super::draft::{Draft, Known};
use super::layout::{Layout, detect_format};
use super::{ReadOptions, ReadOutput};
use crate::error::{Error, Result};
use crate::model::{Dataset, Strings};

/// Records per batch when reading sequentially (the fallback path).
pub(crate) const BATCH: usize = 32 * 1024;

/// Bytes read per block: large enough to split among cores, small enough that a block's
/// drafts (several times its size) stay in the caches until they are assembled: 4 MB
/// read 10M short rows in 3.9-4.2 s against 4.5-5 s with 16 MB blocks, and in less
/// memory.
pub(crate) const BLOCK: usize = 4 << 20;

/// As a block size: read the whole file with one sequential `csv::Reader` (the
/// reference the parallel path is compared with in tests and `input::differential`).
pub(crate) const SEQUENTIAL: usize = 0;

/// Sub-chunks per block (nominal): a few per core, so uneven chunks still balance.
const SUB_CHUNKS: usize = 8;

/// The csv reader settings used everywhere, so every path reads records alike.
fn csv_builder(delim: u8) -> csv::ReaderBuilder {
    // Records end at '\n' only, so that a record's position is the line it starts on in
    // CRLF files too (the csv crate would otherwise place it on the previous line's
    // '\n'); a '\r' left at the end of a field is trimmed like other spaces.
    let mut b = csv::ReaderBuilder::new();
    b.has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 16);
    b
}

/// How to cut the CSV text: its delimiter, and the block and batch sizes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cut {
    /// ',', ';' or '\t'.
    pub delim: u8,
    /// Bytes per block; [`SEQUENTIAL`] (0, tests): the csv crate reads the whole file.
    pub block: usize,
    /// Records per batch when reading sequentially.
    pub batch: usize,
    /// Streams only: read the whole stream into blocks first, then tokenise them, all on
    /// the calling thread. The fuzz harness reads files in blocks of 1 to 7 bytes, where
    /// handing each block to another thread costs more than everything else; the blocks
    /// and their tokenising are the same as with the reading thread.
    pub prefetch: bool,
}

impl Default for Cut {
    /// The usual sizes; ',' until the header line says otherwise.
    fn default() -> Self {
        Cut {
            delim: b',',
            block: BLOCK,
            batch: BATCH,
            prefetch: false,
        }
    }
}

pub(crate) fn read_csv<R: Read>(
    reader: R,
    path: &Path,
    opts: &ReadOptions,
    cut: Cut,
    size: Option<u64>,
) -> Result<ReadOutput> {
    let (back_tx, back_rx) = mpsc::channel::<Vec<u8>>();
    if cut.prefetch {
        let (tx, rx) = mpsc::channel::<Msg<'_>>();
        let tokens = Tokens::new(Source::Stream { rx, back: back_tx }, cut);
        read_blocks(reader, tokens.block, |m| tx.send(m).is_ok(), &back_rx);
        drop(tx);
        return process(tokens, path, opts, size);
    }
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Msg<'_>>(1);
        let source = Source::Stream { rx, back: back_tx };
        let tokens = Tokens::new(source, cut);
        let block_size = tokens.block;
        // `tokens` (and with it the receiver) is dropped when processing returns, which
        // stops the reading below if processing stopped early (strict mode).
        let worker = scope.spawn(move || process(tokens, path, opts, size));
        read_blocks(reader, block_size, |m| tx.send(m).is_ok(), &back_rx);
        drop(tx);
        worker.join().expect("the processing thread panicked")
    })
}

/// [`read_csv`] on bytes in memory: records are scanned where they lie.
pub(crate) fn read_csv_bytes(
    bytes: &[u8],
    path: &Path,
    opts: &ReadOptions,
    cut: Cut,
) -> Result<ReadOutput> {
    let source = Source::Memory { bytes, at: 0 };
    let mut tokens = Tokens::new(source, cut);
    tokens.tail = Some(Tail::of(bytes));
    process(tokens, path, opts, Some(bytes.len() as u64))
}

/// Header, then every record in file order: parsed in parallel, assembled in order.
fn process(
    mut tokens: Tokens<'_>,
    path: &Path,
    opts: &ReadOptions,
    size: Option<u64>,
) -> Result<ReadOutput> {
    let io = |e: std::io::Error| Error::io(path, e);
    // The first group with a record; its first record is the header.
    let group = loop {
        match tokens.next_group().map_err(io)? {
            None => return Err(Error::format(path, "the file is empty (no header row)")),
            Some(g) if g.is_empty() => tokens.recycle(g),
            Some(g) => break g,
        }
    };
    let rows = group.rows();
    if rows[0].len() > MAX_COLUMNS {
        return Err(Error::format(
            path,
            format!(
                "the header row has {} fields; an event export has a few dozen columns (at most {MAX_COLUMNS} are read): is this the right file, or is its separator something other than ',', ';' or tab?",
                rows[0].len()
            ),
        ));
    }
    let names: Vec<String> = (0..rows[0].len())
        .map(|i| String::from_utf8_lossy(&rows[0].field(i)).into_owned())
        .collect();
    let dataset = match opts.format {
        Some(Dataset::GeoJson) => return Err(Error::format(path, "GeoJSON is not a CSV layout")),
        Some(forced) => forced,
        None => detect_format(&names).map_err(|m| Error::format(path, m))?,
    };
    let mut layout = Layout::new(dataset, &names).map_err(|m| Error::format(path, m))?;
    if !opts.revisions {
        layout.timestamp = None;
    }
    if !opts.details {
        layout.details.clear();
    }
    let strings = Strings::new();
    strings.empty();
    let mut assembler = Assembler::new(
        path,
        opts,
        dataset,
        layout.field_names(),
        layout.name(layout.id),
        strings.clone(),
    );
    // No cache of answers per position: the boundaries' grid answers most points in
    // constant time, faster than a hash lookup, and a cache only misses on data whose
    // events have distinct coordinates.
    let parser = RowParser {
        layout: &layout,
        territory: opts.territory,
        country: opts.country,
    };
    // Room for the whole file's events, estimated from its first group: growing the
    // tables row by row re-hashes and copies them several times on large files.
    if let (Some(size), Some(last)) = (size, rows.last()) {
        let bytes = last.byte().max(1);
        let rows = (size as f64 * (rows.len() as f64 / bytes as f64)) as usize;
        assembler.reserve(rows.min(1 << 31));
    }
    drop(rows);
    // The last record read so far is held back until a later one shows up, because the
    // last record of the file is checked for a cut-short end.
    let mut drafts: Vec<Draft> = Vec::new();
    let mut held = parse_group(&parser, assembler.known(), &group, true, &mut drafts);
    tokens.recycle(group);
    // Two buffers of drafts, used in turn for every group: a block's drafts take tens of
    // megabytes, and a fresh allocation that size is fresh pages, each faulted in and
    // cleared by the kernel (a quarter of the read's time on 10M rows before reuse).
    let mut spare: Vec<Draft> = Vec::new();
    loop {
        // One thread assembles a group (in file order) while the other cores tokenise and
        // parse the next one; new text the assembler meets reaches the parsers at the
        // next group.
        let known = assembler.shared_known();
        let mut next_drafts = std::mem::take(&mut spare);
        let (assembled, next) = rayon::join(
            || assembler.push_all(&drafts),
            || -> std::io::Result<Option<Option<ByteRecord>>> {
                let Some(g) = tokens.next_group()? else {
                    return Ok(None);
                };
                let last = parse_group(&parser, &known, &g, false, &mut next_drafts);
                tokens.recycle(g);
                Ok(Some(last))
            },
        );
        assembled?;
        assembler.share_texts();
        spare = std::mem::replace(&mut drafts, next_drafts);
        match next.map_err(io)? {
            None => break,
            // An empty group: the record held back is still the last one read.
            Some(None) => {}
            Some(Some(last)) => {
                if let Some(h) = held.replace(last) {
                    let draft = parser.parse(RowRef::Record(&h), Ending::More, assembler.known());
                    assembler.push(&draft)?;
                }
            }
        }
    }
    if let Some(h) = held {
        let start = h.position().map_or(0, |p| p.byte());
        let ending = tokens.ending_from(start);
        assembler.push(&parser.parse(RowRef::Record(&h), ending, assembler.known()))?;
    }
    Ok(assembler.finish())
}

/// Parses the records of `group` (without the first, the header, when `header`) into
/// `drafts`, all but the last, which it returns as a record to hold back (`None`, and no
/// drafts, when the group has no record).
fn parse_group(
    parser: &RowParser<'_>,
    known: &Known,
    group: &Group<'_>,
    header: bool,
    drafts: &mut Vec<Draft>,
) -> Option<ByteRecord> {
    let mut rows = group.rows();
    if header && !rows.is_empty() {
        rows.remove(0);
    }
    let Some(last) = rows.pop() else {
        drafts.clear();
        return None;
    };
    // The drafts of the group before are parsed into (see `RowParser::parse_into`).
    drafts.truncate(rows.len());
    drafts.resize_with(rows.len(), Draft::blank);
    rows.par_iter()
        .zip(drafts.par_iter_mut())
        .with_min_len(256)
        .for_each(|(&r, d)| parser.parse_into(r, Ending::More, known, d));
    Some(last.to_record())
}

/// Takes the record just read, leaving in its place a spare one or one with room for a
/// similar record (growing an empty record field by field costs several reallocations,
/// and allocating and freeing a record per row is a good part of reading).
fn take_record(record: &mut ByteRecord, spares: &mut Vec<ByteRecord>) -> ByteRecord {
    let room = spares
        .pop()
        .unwrap_or_else(|| ByteRecord::with_capacity(record.as_slice().len() + 64, record.len()));
    std::mem::replace(record, room)
}

/// Moves a record's position by the place in the file where its reader started.
fn shift(record: &mut ByteRecord, byte: u64, lines: u64) {
    if let Some(p) = record.position() {
        let mut moved = Position::new();
        moved
            .set_byte(p.byte() + byte)
            .set_line(p.line() + lines)
            .set_record(p.record());
        record.set_position(Some(moved));
    }
}

/// Where the bytes come from.
enum Source<'m> {
    /// Blocks from the reading thread, each cut after its last line end;
    /// block buffers go back through `back` for reuse once their rows are parsed.
    Stream {
        rx: mpsc::Receiver<Msg<'m>>,
        back: mpsc::Sender<Vec<u8>>,
    },
    /// The whole input in memory: each group runs from where the last one ended to the
    /// first record end past the block size, as the scan finds it.
    Memory { bytes: &'m [u8], at: usize },
}

/// Records of a stretch of the file, in file order: scanned in place (in `text`), or
/// read by the csv crate.
pub(crate) struct Group<'m> {
    text: Option<Buf<'m>>,
    /// File offset of `text[0]`.
    byte: u64,
    /// Scanned stretches of `text`, each with the number of '\n' in the file before it.
    scans: Vec<(Scanned, u64)>,
    records: Vec<ByteRecord>,
}

impl<'m> Group<'m> {
    fn records(records: Vec<ByteRecord>) -> Self {
        Group {
            text: None,
            byte: 0,
            scans: Vec::new(),
            records,
        }
    }

    fn is_empty(&self) -> bool {
        self.records.is_empty() && self.scans.iter().all(|(s, _)| s.len() == 0)
    }

    /// The records, in file order.
    fn rows(&self) -> Vec<RowRef<'_>> {
        let n = self.records.len() + self.scans.iter().map(|(s, _)| s.len()).sum::<usize>();
        let mut rows = Vec::with_capacity(n);
        if let Some(text) = &self.text {
            for (s, lines) in &self.scans {
                let at = Place {
                    byte: self.byte,
                    lines: *lines,
                };
                rows.extend((0..s.len()).map(|k| RowRef::Scanned(s.row(text, k, at))));
            }
        }
        rows.extend(self.records.iter().map(RowRef::Record));
        rows
    }
}

/// Records in file order, in groups: one block's records when tokenising in parallel,
/// `batch` records when reading sequentially.
struct Tokens<'m> {
    source: Source<'m>,
    delim: u8,
    /// False: read sequentially from the start.
    parallel: bool,
    /// Nominal group and sub-chunk sizes.
    block: usize,
    sub: usize,
    batch: usize,
    /// Offset in the stream, and number of '\n' before it, of the next block (parallel)
    /// or of the sequential reader's start.
    abs: u64,
    lines: u64,
    /// The sequential reader, once scanning has been given up.
    seq: Option<csv::Reader<Chain<'m>>>,
    tail: Option<Tail>,
    /// The unfinished last record of a stream block (cut inside quotes), for the next.
    carry: Vec<u8>,
    /// Records already processed, to read new records into (sequential reading).
    spares: Vec<ByteRecord>,
}

impl<'m> Tokens<'m> {
    fn new(source: Source<'m>, cut: Cut) -> Self {
        let parallel = cut.block > 0;
        let block = if parallel { cut.block } else { BLOCK };
        Tokens {
            source,
            delim: cut.delim,
            parallel,
            block,
            sub: (block / SUB_CHUNKS).max(1),
            batch: cut.batch.max(1),
            abs: 0,
            lines: 0,
            seq: None,
            tail: None,
            carry: Vec::new(),
            spares: Vec::new(),
        }
    }

    /// The next group of records (possibly empty), or `None` at the end of the file.
    fn next_group(&mut self) -> std::io::Result<Option<Group<'m>>> {
        if self.seq.is_some() {
            return Ok(self.next_sequential()?.map(Group::records));
        }
        match &mut self.source {
            Source::Memory { bytes, at } => {
                if *at >= bytes.len() {
                    return Ok(None);
                }
                let data = Buf::Borrowed(&bytes[*at..]);
                // Offsets in a scan are 32-bit: a group never spans more.
                let limit = data.len().min(u32::MAX as usize);
                let stop = if self.parallel {
                    self.block.min(limit)
                } else {
                    0
                };
                let whole = limit == data.len();
                let (group, used) = self.split(data, limit, stop, whole);
                if let Source::Memory { at, .. } = &mut self.source {
                    *at += used;
                }
                Ok(Some(group))
            }
            Source::Stream { rx, .. } => match rx.recv() {
                Ok(Msg::Block { data, cut }) => {
                    let (data, cut) = self.after_carry(data, cut);
                    let cut = if self.parallel { cut } else { 0 };
                    Ok(Some(self.split(data, cut, cut, false).0))
                }
                Ok(Msg::Failed(e)) => Err(e),
                Ok(Msg::End(tail)) => {
                    self.tail = Some(tail);
                    if self.carry.is_empty() {
                        return Ok(None);
                    }
                    // The file ends inside the record carried: the csv crate reads it.
                    let rest = Buf::Owned(std::mem::take(&mut self.carry));
                    self.start_sequential(rest);
                    self.next_group()
                }
                Err(_) => Ok(None),
            },
        }
    }

    /// Scans `data[..limit]` in parallel up to the first record end at or after `stop`
    /// (`whole`: `data[..limit]` is the rest of the input); from the first stretch that
    /// cannot be scanned, or from that end if the rest of `data` is not to be scanned
    /// (a stream block), switches to sequential reading. Returns the group and how many
    /// bytes of `data` it holds.
    fn split(
        &mut self,
        data: Buf<'m>,
        limit: usize,
        stop: usize,
        whole: bool,
    ) -> (Group<'m>, usize) {
        let (scans, end, failed) = if stop == 0 {
            (Vec::new(), 0, Some(Unread::Quote))
        } else {
            self.scan_parallel(&data[..limit], stop, whole)
        };
        let mut group = Group {
            text: None,
            byte: self.abs,
            scans: Vec::with_capacity(scans.len()),
            records: Vec::new(),
        };
        for s in scans {
            let lines = self.lines;
            self.lines += s.newlines;
            group.scans.push((s, lines));
        }
        self.abs += end as u64;
        let memory = matches!(self.source, Source::Memory { .. });
        // A stream block is cut after its last '\n', which may lie inside a quoted field:
        // then the unfinished record is carried into the next block (unless it has grown
        // past any real record: then, and on every other failure, the csv crate reads
        // on from here).
        let unfinished = failed == Some(Unread::Unfinished)
            && !memory
            && limit == data.len()
            && data.len() - end <= 4 * self.block;
        if unfinished {
            self.carry = data[end..].to_vec();
        } else if failed.is_some() || (!memory && end < data.len()) {
            let rest = match &data {
                Buf::Owned(v) => Buf::Owned(v[end..].to_vec()),
                Buf::Borrowed(data) => Buf::Borrowed(&data[end..]),
            };
            self.start_sequential(rest);
        }
        group.text = Some(match data {
            Buf::Borrowed(data) => Buf::Borrowed(&data[..end]),
            owned => owned,
        });
        (group, end)
    }

    /// Scans `text` in stretches of about `sub` bytes on all cores. Each stretch but the
    /// first starts just after the first '\n' past its nominal start, which is a record
    /// boundary unless it lies inside a quoted field: it is used only if the stretch
    /// before it, scanned from a true boundary, ended exactly there; otherwise it is
    /// scanned again from where that one ended. Returns the scans, where the last one
    /// ended, and why scanning stopped early, if it did.
    fn scan_parallel(
        &self,
        text: &[u8],
        stop: usize,
        whole: bool,
    ) -> (Vec<Scanned>, usize, Option<Unread>) {
        // The csv crate drops a byte order mark at the start of the file.
        let first = if self.abs == 0 { bom_len(text) } else { 0 };
        let mut starts = vec![first];
        let mut nominal = self.sub.max(first);
        while nominal < stop {
            match memchr::memchr(b'\n', &text[nominal..]) {
                Some(i) if nominal + i + 1 < stop => starts.push(nominal + i + 1),
                _ => break,
            }
            nominal = (nominal + self.sub).max(starts[starts.len() - 1]);
        }
        starts.dedup();
        let mut bounds: Vec<(usize, usize)> = starts.windows(2).map(|w| (w[0], w[1])).collect();
        bounds.push((starts[starts.len() - 1], stop));
        let delim = self.delim;
        let scans: Vec<std::result::Result<Scanned, Unread>> = bounds
            .par_iter()
            .map(|&(s, e)| scan(text, s, e, whole, delim))
            .collect();
        let mut out = Vec::with_capacity(scans.len());
        let mut end = first;
        for (&(s, e), found) in bounds.iter().zip(scans) {
            if end >= e {
                // The stretch before ran over this one (its start was inside quotes).
                continue;
            }
            let found = if s == end {
                found
            } else {
                scan(text, end, e, whole, self.delim)
            };
            match found {
                Ok(f) => {
                    end = f.end;
                    out.push(f);
                }
                Err(why) => return (out, end, Some(why)),
            }
        }
        (out, end, None)
    }

    /// A block with the unfinished record of the block before it in front, if any.
    fn after_carry(&mut self, data: Buf<'m>, cut: usize) -> (Buf<'m>, usize) {
        if self.carry.is_empty() {
            return (data, cut);
        }
        let mut joined = std::mem::take(&mut self.carry);
        let before = joined.len();
        joined.extend_from_slice(&data);
        if let (Buf::Owned(buffer), Source::Stream { back, .. }) = (data, &self.source) {
            let _ = back.send(buffer);
        }
        (Buf::Owned(joined), cut + before)
    }

    fn start_sequential(&mut self, data: Buf<'m>) {
        let rx = match &mut self.source {
            Source::Stream { rx, .. } => {
                // The receiver moves into the chain; an empty channel stands in for it.
                let (_, dummy) = mpsc::sync_channel(0);
                Some(std::mem::replace(rx, dummy))
            }
            Source::Memory { bytes, at } => {
                *at = bytes.len();
                None
            }
        };
        let chain = Chain {
            data,
            at: 0,
            fed: 0,
            record_start: 0,
            rx,
            tail: None,
            mid_file: self.abs != 0,
        };
        self.seq = Some(csv_builder(self.delim).from_reader(chain));
    }

    fn next_sequential(&mut self) -> std::io::Result<Option<Vec<ByteRecord>>> {
        let rdr = self.seq.as_mut().expect("sequential reader");
        let mut records = Vec::new();
        let mut record = self.spares.pop().unwrap_or_default();
        while records.len() < self.batch {
            let at = rdr.position().clone();
            rdr.get_mut().record_start = at.byte();
            match rdr.read_byte_record(&mut record) {
                Ok(true) if is_blank(record.len(), record.get(0).unwrap_or_default()) => {}
                Ok(true) => {
                    shift(&mut record, self.abs, self.lines);
                    records.push(take_record(&mut record, &mut self.spares));
                }
                Ok(false) => break,
                Err(e) => {
                    return Err(match e.into_kind() {
                        csv::ErrorKind::Io(e)
                            if e.get_ref().is_some_and(|e| e.is::<RecordOverrun>()) =>
                        {
                            std::io::Error::new(
                                std::io::ErrorKind::InvalidData,
                                format!(
                                    "line {}: the record starting there runs on past {} MiB \
                                     (an unterminated quote?); reading stopped",
                                    at.line() + self.lines,
                                    MAX_RECORD >> 20
                                ),
                            )
                        }
                        csv::ErrorKind::Io(e) => e,
                        other => std::io::Error::other(format!("{other:?}")),
                    });
                }
            }
        }
        if records.is_empty() {
            if let Some(tail) = rdr.get_mut().tail.take() {
                self.tail = Some(tail);
            }
            return Ok(None);
        }
        Ok(Some(records))
    }

    /// Takes back a processed group: its block buffer for the reading thread, its
    /// records to read later records into.
    fn recycle(&mut self, group: Group<'m>) {
        // The reading thread may have finished: then the buffer is just dropped.
        if let (Some(Buf::Owned(data)), Source::Stream { back, .. }) = (group.text, &self.source) {
            let _ = back.send(data);
        }
        let mut records = group.records;
        if self.spares.is_empty() {
            self.spares = records;
        } else {
            self.spares.append(&mut records);
        }
    }

    /// How the stream ends, given the offset where its last record starts.
    fn ending_from(&self, start: u64) -> Ending {
        match &self.tail {
            Some(tail) => tail.ending_from(start, self.delim),
            None => Ending::Last,
        }
    }
}

/// The most header columns read: ACLED exports have 31, GED 49; a header wider than
/// this is not an event table (each column costs a name and a lookup per row).
pub(crate) const MAX_COLUMNS: usize = 4096;

/// The longest record the sequential reader holds in memory (bytes): a record this
/// long without an end is an unterminated quote, not data (see
/// [`super::csv_rows::MAX_FIELD`] for the longest field a row may have).
pub(crate) const MAX_RECORD: usize = 4 * super::csv_rows::MAX_FIELD;

/// What a [`Chain`] reports when a record runs past [`MAX_RECORD`].
#[derive(Debug)]
struct RecordOverrun;

impl std::fmt::Display for RecordOverrun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a record runs on past {} MiB", MAX_RECORD >> 20)
    }
}

impl std::error::Error for RecordOverrun {}

/// The bytes of the stream from a point on, for the sequential reader: the rest of the
/// current block, then the blocks still to come.
struct Chain<'m> {
    data: Buf<'m>,
    at: usize,
    /// Bytes handed to the csv crate so far, and where (in the same count) the record it
    /// is reading starts: a record that runs on past [`MAX_RECORD`] stops the reading,
    /// instead of growing in memory to the size of the file.
    fed: u64,
    record_start: u64,
    rx: Option<mpsc::Receiver<Msg<'m>>>,
    tail: Option<Tail>,
    /// The csv crate drops a byte order mark at the start of what it reads first; when it
    /// takes over in the middle of a file, a BOM there is data. Handing it a single byte
    /// first keeps it from seeing one (it checks only its first read). Found by the
    /// differential fuzzing (`input::differential`).
    mid_file: bool,
}

impl Read for Chain<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.data.len() {
            let Some(rx) = &self.rx else {
                return Ok(0);
            };
            match rx.recv() {
                Ok(Msg::Block { data, .. }) => {
                    self.data = data;
                    self.at = 0;
                }
                Ok(Msg::Failed(e)) => return Err(e),
                Ok(Msg::End(tail)) => {
                    self.tail = Some(tail);
                    self.rx = None;
                }
                Err(_) => self.rx = None,
            }
        }
        if self.fed > self.record_start + MAX_RECORD as u64 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                RecordOverrun,
            ));
        }
        let mut n = buf.len().min(self.data.len() - self.at);
        if std::mem::take(&mut self.mid_file) {
            n = n.min(1);
        }
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        self.fed += n as u64;
        Ok(n)
    }
}
