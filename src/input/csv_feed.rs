//! The reading side of CSV reading: the blocks a reading thread hands over, each cut
//! after its last line end, read from a stream into reused buffers; and the stream's
//! last bytes, to check the last record for an unterminated quote.

use std::io::Read;
use std::sync::mpsc;

use super::csv_rows::Ending;

/// What the reading thread sends.
pub(crate) enum Msg<'m> {
    /// The next bytes of the stream. `data[..cut]` ends with a '\n' (which may lie
    /// inside a quoted field: the scan tells); `data[cut..]` (if any) is the end of the
    /// file, after its last '\n', or a block with no '\n' at all, and must be read by the
    /// csv crate.
    Block {
        data: Buf<'m>,
        cut: usize,
    },
    Failed(std::io::Error),
    /// End of the stream, with its last bytes (for the truncated-last-line check).
    End(Tail),
}

/// A block of the input: read into a buffer, or a slice of bytes in memory.
pub(crate) enum Buf<'m> {
    Owned(Vec<u8>),
    Borrowed(&'m [u8]),
}

impl std::ops::Deref for Buf<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Buf::Owned(v) => v,
            Buf::Borrowed(data) => data,
        }
    }
}

/// The reading thread: blocks of about `block` bytes, each cut after its last '\n'; the
/// rest is carried into the next block. (Whether that '\n' ends a record is left to the
/// scan, which reads the quotes anyway: counting them here as well cost a pass over
/// every byte.)
/// Block buffers come back through `back` once tokenised: fresh ones would cost the
/// kernel a page fault and a page clearing per 4 KB of input.
/// `send` hands a message over and says whether the receiver still listens.
pub(crate) fn read_blocks<'m, R: Read>(
    mut reader: R,
    block: usize,
    send: impl Fn(Msg<'m>) -> bool,
    back: &mpsc::Receiver<Vec<u8>>,
) {
    let mut carry: Vec<u8> = Vec::new();
    let mut tail = Tail::new();
    loop {
        let mut data = back.try_recv().unwrap_or_default();
        data.clear();
        data.reserve(carry.len() + block);
        data.append(&mut carry);
        let before = data.len();
        let n = match reader.by_ref().take(block as u64).read_to_end(&mut data) {
            Ok(n) => n,
            Err(e) => {
                send(Msg::Failed(e));
                return;
            }
        };
        tail.push(&data[before..]);
        let eof = n == 0;
        let cut = memchr::memrchr(b'\n', &data).map_or(0, |i| i + 1);
        // No line end: a line longer than the block (past a limit the rest is read
        // sequentially: do not hold the whole file).
        let stuck = cut == 0 && data.len() > 4 * block;
        if !eof && cut == 0 && !stuck {
            carry = data;
            continue;
        }
        if !eof && !stuck {
            carry = data[cut..].to_vec();
            data.truncate(cut);
        }
        let data = Buf::Owned(data);
        if !data.is_empty() && !send(Msg::Block { data, cut }) {
            return;
        }
        if eof {
            send(Msg::End(tail));
            return;
        }
    }
}

/// The last bytes of the stream, so that at the end of the file the last record can be
/// checked for an unterminated quote (the csv crate silently closes it at EOF).
pub(crate) struct Tail {
    bytes: Vec<u8>,
    /// Offset in the stream of `bytes[0]`.
    start: u64,
}

/// The tail kept (at least): more than any real ACLED or GED row.
const TAIL: usize = 1 << 20;

impl Tail {
    /// The tail of bytes in memory.
    pub(crate) fn of(bytes: &[u8]) -> Self {
        let start = bytes.len().saturating_sub(TAIL);
        Tail {
            bytes: bytes[start..].to_vec(),
            start: start as u64,
        }
    }

    fn new() -> Self {
        Tail {
            bytes: Vec::new(),
            start: 0,
        }
    }

    /// Takes the next bytes of the stream, keeping at least the last `TAIL` bytes.
    fn push(&mut self, data: &[u8]) {
        if data.len() >= TAIL {
            // Copy only what is kept, not every block.
            self.start += (self.bytes.len() + data.len() - TAIL) as u64;
            self.bytes.clear();
            self.bytes.extend_from_slice(&data[data.len() - TAIL..]);
            return;
        }
        self.bytes.extend_from_slice(data);
        if self.bytes.len() > 2 * TAIL {
            let drop = self.bytes.len() - TAIL;
            self.bytes.drain(..drop);
            self.start += drop as u64;
        }
    }

    /// How the stream ends, given the offset where its last record starts and the
    /// delimiter.
    pub(crate) fn ending_from(&self, start: u64, delim: u8) -> Ending {
        match start.checked_sub(self.start) {
            Some(skip) => match open_quote_field(&self.bytes[skip as usize..], delim) {
                Some(col) => Ending::OpenQuote(col),
                None => Ending::Last,
            },
            // A last record longer than the tail: no real row is; treat it as a quote
            // left open that swallowed the rest of the file.
            None => Ending::OpenQuote(0),
        }
    }
}

/// If the CSV text of one record ends inside a quoted field, the 0-based index of that
/// field. (Quotes count only at the start of a field, as the csv crate reads them.)
fn open_quote_field(record: &[u8], delim: u8) -> Option<usize> {
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
            (_, b) if b == delim => {
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
        for delim in [b',', b';', b'\t'] {
            let open = |text: &[u8]| {
                let text: Vec<u8> = text
                    .iter()
                    .map(|&b| if b == b',' { delim } else { b })
                    .collect();
                open_quote_field(&text, delim)
            };
            assert_eq!(open(b"a,b,\"c\"\"d\"\n"), None);
            assert_eq!(open(b"a,\"b,\nc\",d"), None);
            assert_eq!(open(b"a,b,\"notes, cut"), Some(2));
            assert_eq!(open(b"a,\"x\"\"\n"), Some(1));
            assert_eq!(open(b"a,b\"c,d"), None);
        }
        // Another delimiter is text.
        assert_eq!(open_quote_field(b"a;b,\"c;d", b','), Some(1));
    }

    #[test]
    fn tail_keeps_the_end_of_a_long_stream() {
        let data: Vec<u8> = (0..3 * TAIL + 123).map(|i| (i % 251) as u8).collect();
        for step in [1000, TAIL - 1, TAIL, 2 * TAIL + 5] {
            let mut t = Tail::new();
            let mut sink = Vec::new();
            for piece in data.chunks(step) {
                t.push(piece);
                sink.extend_from_slice(piece);
            }
            assert_eq!(sink, data);
            let start = t.start as usize;
            assert_eq!(&t.bytes[..], &data[start..], "step {step}");
            assert!(t.bytes.len() >= TAIL);
        }
    }
}
