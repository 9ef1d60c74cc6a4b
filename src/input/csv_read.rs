//! Streaming CSV reading. The file is never held whole: a reading thread reads it in
//! large blocks, each cut after the last line end that is outside quotes. A block is
//! split at record boundaries into sub-chunks that are tokenised in parallel (rayon),
//! its rows are parsed in parallel and then assembled in file order by one thread,
//! while the next block is already being tokenised.
//!
//! Record boundaries come from quote parity (a '\n' after an even number of '"' ends a
//! record), which is exact only when every quote is where the csv crate reads it as a
//! quote. Each sub-chunk is checked for that before it is used; from the first one that
//! fails, the rest of the file is read by a single sequential `csv::Reader`, so the
//! result is always exactly the one of reading the file record by record.

use std::io::Read;
use std::path::Path;
use std::sync::mpsc;

use csv::{ByteRecord, Position};
use rayon::prelude::*;

use super::assemble::Assembler;
use super::csv_feed::{Buf, Msg, Tail, read_blocks, read_mapped, release};
use super::csv_rows::{Ending, RowParser};
use super::layout::{Layout, detect_format};
use super::{ReadOptions, ReadOutput};
use crate::error::{Error, Result};
use crate::model::{Dataset, Strings};

/// Records per batch when reading sequentially (the fallback path).
pub(crate) const BATCH: usize = 32 * 1024;

/// Bytes read per block: large enough to split among cores, small enough that a block's
/// records (about twice its size) stay out of the way of memory.
pub(crate) const BLOCK: usize = 16 << 20;

/// As a block size: read the whole file with one sequential `csv::Reader` (the
/// reference the parallel path is compared with in tests).
#[cfg(test)]
pub(crate) const SEQUENTIAL: usize = 0;

/// Sub-chunks per block (nominal): a few per core, so uneven chunks still balance.
const SUB_CHUNKS: usize = 8;

/// The csv reader settings used everywhere, so every path reads records alike.
fn csv_builder() -> csv::ReaderBuilder {
    // Records end at '\n' only, so that a record's position is the line it starts on in
    // CRLF files too (the csv crate would otherwise place it on the previous line's
    // '\n'); a '\r' left at the end of a field is trimmed like other spaces.
    let mut b = csv::ReaderBuilder::new();
    b.has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 16);
    b
}

pub(crate) fn read_csv<R: Read>(
    reader: R,
    path: &Path,
    opts: &ReadOptions,
    batch_size: usize,
    block_size: usize,
    size: Option<u64>,
) -> Result<ReadOutput> {
    read_fed(
        path,
        opts,
        batch_size,
        block_size,
        size,
        |block, tx, back| read_blocks(reader, block, tx, back),
    )
}

/// [`read_csv`] on a file mapped in memory: blocks are slices of the map, not copies,
/// and the pages of each block are handed back to the system once it is tokenised.
pub(crate) fn read_csv_mapped(
    map: &memmap2::Mmap,
    path: &Path,
    opts: &ReadOptions,
    batch_size: usize,
    block_size: usize,
) -> Result<ReadOutput> {
    read_slices(map, true, path, opts, batch_size, block_size)
}

/// [`read_csv_mapped`] on bytes in memory (tests: the same blocks, nothing released).
#[cfg(test)]
pub(crate) fn read_csv_slices(
    bytes: &[u8],
    path: &Path,
    opts: &ReadOptions,
    batch_size: usize,
    block_size: usize,
) -> Result<ReadOutput> {
    read_slices(bytes, false, path, opts, batch_size, block_size)
}

/// `release`: `bytes` is a read-only map of a file, whose pages may be dropped.
fn read_slices(
    bytes: &[u8],
    release: bool,
    path: &Path,
    opts: &ReadOptions,
    batch_size: usize,
    block_size: usize,
) -> Result<ReadOutput> {
    let size = Some(bytes.len() as u64);
    read_fed(path, opts, batch_size, block_size, size, |block, tx, _| {
        read_mapped(bytes, block, release, tx)
    })
}

/// Reads the blocks that `feed` sends (on this thread) while another thread processes
/// them.
fn read_fed<'m, F>(
    path: &Path,
    opts: &ReadOptions,
    batch_size: usize,
    block_size: usize,
    size: Option<u64>,
    feed: F,
) -> Result<ReadOutput>
where
    F: FnOnce(usize, &mpsc::SyncSender<Msg<'m>>, &mpsc::Receiver<Vec<u8>>),
{
    let batch_size = batch_size.max(1);
    let parallel = block_size > 0;
    let block_size = if parallel { block_size } else { BLOCK };
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Msg<'m>>(1);
        let (back_tx, back_rx) = mpsc::channel::<Vec<u8>>();
        let tokens = Tokens {
            rx,
            back: back_tx,
            parallel,
            sub: (block_size / SUB_CHUNKS).max(1),
            batch: batch_size,
            abs: 0,
            lines: 0,
            seq: None,
            tail: None,
            spares: Vec::new(),
        };
        // `tokens` (and with it the receiver) is dropped when processing returns, which
        // stops the reading below if processing stopped early (strict mode).
        let worker = scope.spawn(move || process(tokens, path, opts, size));
        feed(block_size, &tx, &back_rx);
        drop(tx);
        worker.join().expect("the processing thread panicked")
    })
}

/// Header, then every record in file order: parsed in parallel, assembled in order.
fn process(
    mut tokens: Tokens<'_>,
    path: &Path,
    opts: &ReadOptions,
    size: Option<u64>,
) -> Result<ReadOutput> {
    let io = |e: std::io::Error| Error::io(path, e);
    let (header, mut group) = loop {
        match tokens.next_group().map_err(io)? {
            None => return Err(Error::format(path, "the file is empty (no header row)")),
            Some(g) if g.is_empty() => {}
            Some(mut g) => {
                let header = g.remove(0);
                break (header, g);
            }
        }
    };
    let names: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let dataset = match opts.format {
        Some(Dataset::GeoJson) => return Err(Error::format(path, "GeoJSON is not a CSV layout")),
        Some(forced) => forced,
        None => detect_format(&names).map_err(|m| Error::format(path, m))?,
    };
    let layout = Layout::new(dataset, &names).map_err(|m| Error::format(path, m))?;
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
    let parser = RowParser {
        layout: &layout,
        territory: opts.territory,
    };
    // The last record read so far is held back until a later one shows up, because the
    // last record of the file is checked for a cut-short end.
    let mut held: Option<ByteRecord> = None;
    // Room for the whole file's events, estimated from its first block: growing the
    // tables row by row re-hashes and copies them several times on large files.
    if let (Some(size), Some(last)) = (size, group.last()) {
        let bytes = last.position().map_or(0, |p| p.byte()).max(1);
        let rows = (size as f64 * (group.len() as f64 / bytes as f64) * 1.05) as usize;
        assembler.reserve(rows.min(1 << 31));
    }
    loop {
        let next = match group.pop() {
            Some(last) => {
                if let Some(h) = held.take() {
                    assembler.push(parser.parse(&h, Ending::More, assembler.known()))?;
                }
                let known = assembler.known();
                let drafts: Vec<_> = group
                    .par_iter()
                    .with_min_len(256)
                    .map(|r| parser.parse(r, Ending::More, known))
                    .collect();
                // Assembling (one thread) overlaps with tokenising the next block.
                let (assembled, next) = rayon::join(
                    || -> Result<()> { assembler.push_all(drafts) },
                    || tokens.next_group(),
                );
                assembled?;
                held = Some(last);
                tokens.recycle(std::mem::take(&mut group));
                next
            }
            None => tokens.next_group(),
        };
        match next.map_err(io)? {
            Some(g) => group = g,
            None => break,
        }
    }
    if let Some(h) = held {
        let start = h.position().map_or(0, |p| p.byte());
        let ending = tokens.ending_from(start);
        assembler.push(parser.parse(&h, ending, assembler.known()))?;
    }
    Ok(assembler.finish())
}

/// The first record boundary at or after `from` (just after a '\n' with an even number
/// of quotes before it, given `odd`: the parity of the quotes before `from`), or
/// `data.len()` if there is none.
fn next_record_start(data: &[u8], from: usize, mut odd: bool) -> usize {
    for i in memchr::memchr2_iter(b'"', b'\n', &data[from..]) {
        if data[from + i] == b'"' {
            odd = !odd;
        } else if !odd {
            return from + i + 1;
        }
    }
    data.len()
}

/// True if every '"' in `chunk` (which starts at a record start) is one the csv crate
/// reads as a quote: an opening quote at the start of a field, a closing one, or one of
/// a doubled pair inside quotes; and no quoted field is left open at the end. Then the
/// parity of quotes is exactly "inside a quoted field", so parity boundaries are true.
fn quotes_are_structural(chunk: &[u8]) -> bool {
    let (mut at, mut quoted) = (0, false);
    while let Some(i) = memchr::memchr(b'"', &chunk[at..]) {
        let i = at + i;
        if !quoted {
            if i > 0 && !matches!(chunk[i - 1], b',' | b'\n') {
                return false;
            }
            quoted = true;
            at = i + 1;
        } else if chunk.get(i + 1) == Some(&b'"') {
            at = i + 2;
        } else {
            quoted = false;
            at = i + 1;
        }
    }
    !quoted
}

/// True for a record that is a blank line (a lone '\r' or spaces), which is passed over.
fn is_blank(record: &ByteRecord) -> bool {
    record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace)
}

/// The records of a sub-chunk (blank lines left out, positions relative to it) and the
/// number of '\n' in it; `None` if its quotes do not allow reading it apart.
/// Records are read into `spares` (records of an earlier block) first.
fn tokenise(chunk: &[u8], mut spares: Vec<ByteRecord>) -> Option<(Vec<ByteRecord>, u64)> {
    if !quotes_are_structural(chunk) {
        return None;
    }
    let mut rdr = csv_builder().from_reader(chunk);
    let mut records = Vec::new();
    let mut record = spares.pop().unwrap_or_default();
    // Reading a byte slice cannot fail.
    while rdr.read_byte_record(&mut record).ok()? {
        if !is_blank(&record) {
            records.push(take_record(&mut record, &mut spares));
        }
    }
    let newlines = rdr.position().line() - 1;
    Some((records, newlines))
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

/// Moves a record's position by a sub-chunk's place in the file.
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

/// Records in file order, in groups: one block's records when tokenising in parallel,
/// `batch` records when reading sequentially.
struct Tokens<'m> {
    rx: mpsc::Receiver<Msg<'m>>,
    /// Block buffers handed back to the reading thread for reuse.
    back: mpsc::Sender<Vec<u8>>,
    /// False: read sequentially from the start.
    parallel: bool,
    /// Nominal sub-chunk size.
    sub: usize,
    batch: usize,
    /// Offset in the stream, and number of '\n' before it, of the next block (parallel)
    /// or of the sequential reader's start.
    abs: u64,
    lines: u64,
    /// The sequential reader, once parallel tokenising has been given up.
    seq: Option<csv::Reader<Chain<'m>>>,
    tail: Option<Tail>,
    /// Records of a block already processed, to read new records into.
    spares: Vec<ByteRecord>,
}

impl<'m> Tokens<'m> {
    /// The next group of records (possibly empty), or `None` at the end of the file.
    fn next_group(&mut self) -> std::io::Result<Option<Vec<ByteRecord>>> {
        if self.seq.is_some() {
            return self.next_sequential();
        }
        match self.rx.recv() {
            Ok(Msg::Block { data, cut }) => {
                let cut = if self.parallel { cut } else { 0 };
                Ok(Some(self.split(data, cut)))
            }
            Ok(Msg::Failed(e)) => Err(e),
            Ok(Msg::End(tail)) => {
                self.tail = Some(tail);
                Ok(None)
            }
            Err(_) => Ok(None),
        }
    }

    /// Tokenises `data[..cut]` in parallel; from the first sub-chunk that cannot be read
    /// apart (or from `cut`), switches to sequential reading.
    fn split(&mut self, data: Buf<'m>, cut: usize) -> Vec<ByteRecord> {
        let region = &data[..cut];
        let parities: Vec<bool> = region
            .par_chunks(self.sub)
            .map(|c| memchr::memchr_iter(b'"', c).count() % 2 == 1)
            .collect();
        // Parity of the quotes before each nominal cut point.
        let mut odd = false;
        let mut points = Vec::with_capacity(parities.len());
        for (k, p) in parities.iter().enumerate() {
            points.push((k * self.sub, odd));
            odd ^= p;
        }
        let mut starts: Vec<usize> = points
            .par_iter()
            .map(|&(at, odd)| {
                if at == 0 {
                    0
                } else {
                    next_record_start(region, at, odd)
                }
            })
            .collect();
        starts.push(cut);
        starts.dedup();
        // Spare records shared out in proportion to the sub-chunks' sizes.
        let mut spares = std::mem::take(&mut self.spares);
        let per_byte = spares.len() as f64 / cut.max(1) as f64;
        let mut shares = Vec::with_capacity(starts.len());
        for w in starts.windows(2).rev() {
            let n = ((w[1] - w[0]) as f64 * per_byte) as usize;
            shares.push(spares.split_off(spares.len() - n.min(spares.len())));
        }
        shares.reverse();
        let chunks: Vec<Option<(Vec<ByteRecord>, u64)>> = starts
            .par_windows(2)
            .zip(shares)
            .map(|(w, share)| tokenise(&region[w[0]..w[1]], share))
            .collect();
        let mut parts = Vec::with_capacity(chunks.len());
        let mut resume = cut;
        for (k, c) in chunks.into_iter().enumerate() {
            match c {
                Some((records, newlines)) => {
                    parts.push((records, self.abs + starts[k] as u64, self.lines));
                    self.lines += newlines;
                }
                None => {
                    resume = starts[k];
                    break;
                }
            }
        }
        parts.par_iter_mut().for_each(|(records, byte, lines)| {
            for r in records.iter_mut() {
                shift(r, *byte, *lines);
            }
        });
        let mut records = Vec::with_capacity(parts.iter().map(|p| p.0.len()).sum());
        for (mut r, _, _) in parts {
            records.append(&mut r);
        }
        if resume < data.len() {
            self.abs += resume as u64;
            let chain = Chain {
                data,
                at: resume,
                rx: None,
                tail: None,
            };
            self.start_sequential(chain);
        } else {
            self.abs += data.len() as u64;
            match data {
                // The reading thread may have finished: then the buffer is just dropped.
                Buf::Owned(data) => {
                    let _ = self.back.send(data);
                }
                Buf::Mapped {
                    data,
                    release: true,
                } => release(data),
                Buf::Mapped { .. } => {}
            }
        }
        records
    }

    fn start_sequential(&mut self, mut chain: Chain<'m>) {
        // The receiver moves into the chain; an empty channel stands in for it.
        let (_, dummy) = mpsc::sync_channel(0);
        chain.rx = Some(std::mem::replace(&mut self.rx, dummy));
        self.seq = Some(csv_builder().from_reader(chain));
    }

    fn next_sequential(&mut self) -> std::io::Result<Option<Vec<ByteRecord>>> {
        let rdr = self.seq.as_mut().expect("sequential reader");
        let mut records = Vec::new();
        let mut record = self.spares.pop().unwrap_or_default();
        while records.len() < self.batch {
            match rdr.read_byte_record(&mut record) {
                Ok(true) if is_blank(&record) => {}
                Ok(true) => {
                    shift(&mut record, self.abs, self.lines);
                    records.push(take_record(&mut record, &mut self.spares));
                }
                Ok(false) => break,
                Err(e) => {
                    return Err(match e.into_kind() {
                        csv::ErrorKind::Io(e) => e,
                        other => std::io::Error::other(format!("{other:?}")),
                    });
                }
            }
        }
        if records.is_empty() {
            self.tail = rdr.get_mut().tail.take();
            return Ok(None);
        }
        Ok(Some(records))
    }

    /// Takes back the records of a processed group, to read later records into.
    fn recycle(&mut self, mut records: Vec<ByteRecord>) {
        if self.spares.is_empty() {
            self.spares = records;
        } else {
            self.spares.append(&mut records);
        }
    }

    /// How the stream ends, given the offset where its last record starts.
    fn ending_from(&self, start: u64) -> Ending {
        match &self.tail {
            Some(tail) => tail.ending_from(start),
            None => Ending::Last,
        }
    }
}

/// The bytes of the stream from a point on, for the sequential reader: the rest of the
/// current block, then the blocks still to come.
struct Chain<'m> {
    data: Buf<'m>,
    at: usize,
    rx: Option<mpsc::Receiver<Msg<'m>>>,
    tail: Option<Tail>,
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
        let n = buf.len().min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::csv_feed::last_record_end;

    #[test]
    fn record_boundaries_by_quote_parity() {
        let text = b"a,\"x\ny\",b\nc,d\n\"e\"\"\n\",f";
        // The last '\n' is inside quotes; the one before ends "c,d".
        assert_eq!(last_record_end(text), 14);
        assert_eq!(last_record_end(b"a,\"b\nc"), 0);
        assert_eq!(next_record_start(text, 0, false), 10);
        assert_eq!(next_record_start(text, 5, true), 10);
        assert_eq!(next_record_start(text, 11, false), 14);
        assert_eq!(next_record_start(text, 15, true), text.len());
    }

    #[test]
    fn quotes_read_as_quotes_or_not() {
        assert!(quotes_are_structural(b"a,\"b,\"\"c\"\"\n\",d\n\"e\"\n"));
        assert!(quotes_are_structural(b"\"a\"\r\n,\"\"\n"));
        // A quote inside an unquoted field, after a closed quote, or left open.
        assert!(!quotes_are_structural(b"a,b\"c,d\n"));
        assert!(!quotes_are_structural(b"a,\"b\"c\"\n"));
        assert!(!quotes_are_structural(b"a,\"b\n"));
        assert!(!quotes_are_structural(b"a,\r\"b\"\n"));
    }
}
