//! Streaming CSV reading. The file is never held as text: records are read into a
//! batch of reusable `ByteRecord`s, each batch is parsed in parallel (rayon) and then
//! assembled in file order by one thread. Reading the next batch overlaps with
//! processing the current one (the caller's thread reads, a scoped thread processes).

use std::io::Read;
use std::path::Path;
use std::sync::mpsc;

use csv::ByteRecord;
use rayon::prelude::*;

use super::assemble::Assembler;
use super::csv_rows::{Ending, RowParser};
use super::layout::{Layout, detect_format};
use super::{ReadOptions, ReadOutput};
use crate::error::{Error, Result};
use crate::model::{Dataset, Strings};

/// Records per batch: large enough to keep both cores busy, small enough (tens of MB
/// at most) to stay out of the way of memory.
pub(crate) const BATCH: usize = 32 * 1024;

/// A batch of records on its way from the reading thread to the processing thread.
struct Batch {
    records: Vec<ByteRecord>,
    len: usize,
    /// How the file ends, if this batch holds the last record.
    ending: Option<Ending>,
}

pub(crate) fn read_csv<R: Read>(
    reader: R,
    path: &Path,
    opts: &ReadOptions,
    batch_size: usize,
) -> Result<ReadOutput> {
    let batch_size = batch_size.max(1);
    // Records end at '\n' only, so that a record's position is the line it starts on in
    // CRLF files too (the csv crate would otherwise place it on the previous line's
    // '\n'); a '\r' left at the end of a field is trimmed like other spaces.
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 18)
        .from_reader(TailReader::new(reader));
    let csv_error = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(path, e),
        other => Error::format(path, format!("{other:?}")),
    };
    let mut header = ByteRecord::new();
    if !next_record(&mut rdr, &mut header).map_err(csv_error)? {
        return Err(Error::format(path, "the file is empty (no header row)"));
    }
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

    std::thread::scope(|scope| {
        let (full_tx, full_rx) = mpsc::sync_channel::<Batch>(1);
        let (empty_tx, empty_rx) = mpsc::channel::<Batch>();
        let worker = scope.spawn(move || -> Result<Assembler> {
            for mut batch in full_rx {
                let ending = batch.ending;
                let last = batch.len.wrapping_sub(1);
                let known = assembler.known();
                let drafts: Vec<_> = batch.records[..batch.len]
                    .par_iter()
                    .with_min_len(256)
                    .enumerate()
                    .map(|(i, r)| {
                        let e = if i == last { ending } else { None };
                        parser.parse(r, e.unwrap_or(Ending::More), known)
                    })
                    .collect();
                for d in drafts {
                    assembler.push(d)?;
                }
                batch.len = 0;
                batch.ending = None;
                // Hand the records back for reuse (the reader may have stopped: ignore).
                let _ = empty_tx.send(batch);
            }
            Ok(assembler)
        });

        // Reads ahead one record, so the last record of the file is known as such.
        let mut ahead = ByteRecord::new();
        let mut more = next_record(&mut rdr, &mut ahead).map_err(csv_error);
        let read_result = loop {
            let mut batch = empty_rx.try_recv().unwrap_or_else(|_| Batch {
                records: Vec::new(),
                len: 0,
                ending: None,
            });
            while batch.len < batch_size && matches!(more, Ok(true)) {
                if batch.records.len() == batch.len {
                    batch.records.push(ByteRecord::new());
                }
                std::mem::swap(&mut batch.records[batch.len], &mut ahead);
                batch.len += 1;
                more = next_record(&mut rdr, &mut ahead).map_err(csv_error);
            }
            let done = match more {
                Ok(true) => false,
                Ok(false) => {
                    if let Some(last) = batch.len.checked_sub(1) {
                        let start = batch.records[last].position().map_or(0, |p| p.byte());
                        batch.ending = Some(rdr.get_ref().ending_from(start));
                    }
                    true
                }
                Err(_) => true,
            };
            // A send fails only when processing stopped (strict mode); its error wins.
            if (batch.len > 0 || batch.ending.is_some()) && full_tx.send(batch).is_err() {
                break Ok(());
            }
            if done {
                break more.map(|_| ());
            }
        };
        drop(full_tx);
        let assembled = worker.join().expect("the processing thread panicked");
        let assembler = assembled?;
        read_result?;
        Ok(assembler.finish())
    })
}

/// Reads the next record, passing over blank lines (a lone '\r' or spaces).
fn next_record<R: Read>(rdr: &mut csv::Reader<R>, record: &mut ByteRecord) -> csv::Result<bool> {
    loop {
        if !rdr.read_byte_record(record)? {
            return Ok(false);
        }
        let blank = record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace);
        if !blank {
            return Ok(true);
        }
    }
}

/// Keeps the last bytes read, so that at the end of the file the last record can be
/// checked for an unterminated quote (the csv crate silently closes it at EOF).
struct TailReader<R> {
    inner: R,
    tail: Vec<u8>,
    /// Offset in the stream of `tail[0]`.
    tail_start: u64,
}

/// The tail kept: more than any real ACLED or GED row.
const TAIL: usize = 1 << 20;

impl<R: Read> TailReader<R> {
    fn new(inner: R) -> Self {
        TailReader {
            inner,
            tail: Vec::with_capacity(2 * TAIL),
            tail_start: 0,
        }
    }

    /// How the stream ends, given the offset where its last record starts.
    fn ending_from(&self, start: u64) -> Ending {
        match start.checked_sub(self.tail_start) {
            Some(skip) => match open_quote_field(&self.tail[skip as usize..]) {
                Some(col) => Ending::OpenQuote(col),
                None => Ending::Last,
            },
            // A last record longer than the tail: no real row is; treat it as a quote
            // left open that swallowed the rest of the file.
            None => Ending::OpenQuote(0),
        }
    }
}

impl<R: Read> Read for TailReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.tail.extend_from_slice(&buf[..n]);
        if self.tail.len() > 2 * TAIL {
            let drop = self.tail.len() - TAIL;
            self.tail.drain(..drop);
            self.tail_start += drop as u64;
        }
        Ok(n)
    }
}

/// If the CSV text of one record ends inside a quoted field, the 0-based index of that
/// field. (Quotes count only at the start of a field, as the csv crate reads them.)
fn open_quote_field(record: &[u8]) -> Option<usize> {
    #[derive(PartialEq)]
    enum S {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let (mut state, mut field) = (S::FieldStart, 0usize);
    for &b in record {
        state = match (state, b) {
            (S::Quoted, b'"') => S::QuoteInQuoted,
            (S::Quoted, _) => S::Quoted,
            (S::FieldStart, b'"') | (S::QuoteInQuoted, b'"') => S::Quoted,
            (_, b',') => {
                field += 1;
                S::FieldStart
            }
            (_, b'\n' | b'\r') => {
                field = 0;
                S::FieldStart
            }
            _ => S::Unquoted,
        };
    }
    (state == S::Quoted).then_some(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_an_open_quote_and_its_field() {
        assert_eq!(open_quote_field(b"a,b,\"c\"\"d\"\n"), None);
        assert_eq!(open_quote_field(b"a,\"b,\nc\",d"), None);
        assert_eq!(open_quote_field(b"a,b,\"notes, cut"), Some(2));
        assert_eq!(open_quote_field(b"a,\"x\"\"\n"), Some(1));
        assert_eq!(open_quote_field(b"a,b\"c,d"), None);
    }

    #[test]
    fn tail_reader_keeps_the_end_of_a_long_stream() {
        let data: Vec<u8> = (0..3 * TAIL + 123).map(|i| (i % 251) as u8).collect();
        let mut r = TailReader::new(&data[..]);
        let mut sink = Vec::new();
        r.read_to_end(&mut sink).unwrap();
        assert_eq!(sink, data);
        let start = r.tail_start as usize;
        assert_eq!(&r.tail[..], &data[start..]);
        assert!(r.tail.len() >= TAIL);
    }
}
