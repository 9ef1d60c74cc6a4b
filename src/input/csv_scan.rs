//! A CSV tokeniser for text in memory that notes where each field lies instead of
//! copying it.
//!
//! Hand-written because the csv crate's reader walks every byte through its state
//! machine and copies every field into a `ByteRecord`: on a 10-million-row file that
//! was a third of the whole `zones` run, and no crate both leaves fields in place and
//! tells exactly where it had to stop. This one finds the delimiters of 64 bytes at a
//! time with vector compares and leaves the fields in place (a block buffer, or bytes
//! in memory), so the parser reads them where they are.
//!
//! It reads only text whose quotes are all ones the csv crate reads as quotes: one that
//! opens a field, the one that closes it, or a doubled one inside it. On any other quote
//! it gives up, and the caller reads on from the last record boundary with the csv crate
//! itself; where the text ends inside a record it says so, and the caller brings more. On such text it yields
//! exactly the csv crate's records with this reader's settings (the file's delimiter,
//! ',', ';' or tab; '\n' terminator, empty lines skipped), the same positions included.

use std::borrow::Cow;

use csv::{ByteRecord, Position};

/// A field's raw bytes (quotes included) in the scanned text.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
}

/// Where a record starts: its first span, and its position as the csv crate reports it
/// (after the previous record, before any empty lines, which are skipped).
#[derive(Debug, Clone, Copy)]
struct RecordAt {
    first: u32,
    byte: u32,
    /// '\n' between the scan's start and the record's position.
    newlines: u32,
}

/// The records of one stretch of text.
#[derive(Debug, Default)]
pub(crate) struct Scanned {
    spans: Vec<Span>,
    records: Vec<RecordAt>,
    /// Where the scan stopped (just after a record), in the text.
    pub end: usize,
    /// '\n' in `start..end`.
    pub newlines: u64,
    /// True if `start..end` is valid UTF-8 (then so is every field: fields are cut at
    /// ASCII bytes).
    utf8: bool,
}

/// Scans `text` from `start` (a record boundary) up to the first record end at or after
/// `stop`, or, if `whole` (`text` is the rest of the input), to the end of `text`, which
/// then ends the last record. An error if a quote is not one the csv crate reads as a
/// quote, or a quoted field is open at the end, or (not `whole`) no record ends at or
/// after `stop`; the [`Unread`] tells which.
///
/// The text is read 64 bytes at a time as bit masks (simdjson's method): quote parity
/// by a prefix XOR tells which bytes are inside quotes, and only the delimiters outside
/// quotes are visited, one by one.
pub(crate) fn scan(
    text: &[u8],
    start: usize,
    stop: usize,
    whole: bool,
    delim: u8,
) -> Result<Scanned, Unread> {
    // Offsets are kept in 32 bits; callers never hand over more than this.
    assert!(text.len() <= u32::MAX as usize, "text too long to scan");
    // Room for a typical record's fields (ACLED rows: ~30 fields in ~500 bytes) up to
    // `stop`, so the lists do not grow (and get copied) on the way.
    let expect = stop.saturating_sub(start).min(text.len() - start);
    let mut out = Scanned {
        spans: Vec::with_capacity(expect / 12 + 8),
        records: Vec::with_capacity(expect / 256 + 2),
        ..Default::default()
    };
    let mut field = start;
    let mut record = RecordAt {
        first: 0,
        byte: start as u32,
        newlines: 0,
    };
    // State carried from one 64-byte block to the next: inside quotes after the last
    // byte (all ones) or not; whether the last byte may precede an opening quote; the
    // '\n' so far; whether a byte >= 0x80 was seen.
    let mut inside_carry = 0u64;
    let mut after_separator = 1u64;
    let mut newlines = 0u32;
    let mut high = 0u64;
    let mut base = start;
    let mut end = None;
    let mut pad = [0u8; 64];
    while base < text.len() && end.is_none() {
        let len = (text.len() - base).min(64);
        let block: &[u8; 64] = match text[base..].first_chunk::<64>() {
            Some(b) => b,
            None => {
                pad[..len].copy_from_slice(&text[base..]);
                pad[len..].fill(0);
                &pad
            }
        };
        let valid = if len == 64 { !0 } else { (1u64 << len) - 1 };
        #[cfg(target_arch = "x86_64")]
        if let Some(ahead) = text.get(base + 1024) {
            // SAFETY: a prefetch is only a hint; the address is inside `text`.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                    (ahead as *const u8).cast::<i8>(),
                );
            }
        }
        let m = Masks::of(block, delim);
        let inside = prefix_xor(m.quote) ^ inside_carry;
        // A quote that opens quotes must start a field, or be the second of a doubled
        // quote; any other is not read as a quote by the csv crate.
        let opening = m.quote & inside;
        let may_open = ((m.delim | m.newline | m.quote) << 1) | after_separator;
        let bad = opening & !may_open & valid;
        let first_bad = if bad == 0 { 64 } else { bad.trailing_zeros() };
        let mut hits = (m.delim | m.newline) & !inside & valid;
        while hits != 0 {
            let bit = hits.trailing_zeros();
            hits &= hits - 1;
            if bit > first_bad {
                return Err(Unread::Quote);
            }
            let i = base + bit as usize;
            if m.delim & (1 << bit) != 0 {
                out.spans.push(span(field, i));
                field = i + 1;
                continue;
            }
            // '\n' in the file up to and including this one.
            let upto = if bit == 63 { !0 } else { (2u64 << bit) - 1 };
            let seen = newlines + (m.newline & upto).count_ones();
            if field == i && out.spans.len() == record.first as usize {
                // An empty line: skipped, and the record's position stays where it was.
                field = i + 1;
                continue;
            }
            out.spans.push(span(field, i));
            out.push_record(text, record);
            field = i + 1;
            record = RecordAt {
                first: out.spans.len() as u32,
                byte: field as u32,
                newlines: seen,
            };
            if field >= stop {
                end = Some((field, seen));
                high |= m.high & upto;
                break;
            }
        }
        if end.is_none() {
            if first_bad < 64 {
                return Err(Unread::Quote);
            }
            newlines += (m.newline & valid).count_ones();
            high |= m.high & valid;
            inside_carry = ((inside as i64) >> 63) as u64;
            after_separator = (m.delim | m.newline | m.quote) >> 63;
        }
        base += len;
    }
    let (end, newlines) = match end {
        Some(e) => e,
        // The end of the text: inside quotes, or not the end of the input, it ends no
        // record; otherwise it ends the last one (no '\n' after it).
        None if inside_carry != 0 || !whole => return Err(Unread::Unfinished),
        None => {
            if out.spans.len() > record.first as usize || field < text.len() {
                out.spans.push(span(field, text.len()));
                out.push_record(text, record);
            }
            (text.len(), newlines)
        }
    };
    out.end = end;
    out.newlines = u64::from(newlines);
    out.utf8 = high == 0 || simdutf8::basic::from_utf8(&text[start..end]).is_ok();
    Ok(out)
}

/// Why text was not scanned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Unread {
    /// A quote the csv crate does not read as a quote.
    Quote,
    /// The text ends inside a quoted field or (not the end of the input) inside a record:
    /// more text is needed.
    Unfinished,
}

/// Bit i of `prefix_xor(x)` is the XOR of bits 0..=i of `x`: with x the quotes of a
/// block, the bytes after an odd number of them.
fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
}

/// The bytes of interest in 64 bytes of text, as bit masks (bit i: byte i).
#[derive(Default)]
struct Masks {
    /// The delimiter (',', ';' or tab).
    delim: u64,
    newline: u64,
    quote: u64,
    /// Bytes >= 0x80 (not ASCII).
    high: u64,
}

impl Masks {
    #[cfg(target_arch = "x86_64")]
    #[inline]
    fn of(block: &[u8; 64], delim: u8) -> Masks {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
        };
        let mut m = Masks::default();
        // SAFETY: SSE2 is part of every x86-64 processor; each load reads 16 bytes
        // inside `block` (unaligned loads are allowed).
        unsafe {
            let (delim, newline, quote) = (
                _mm_set1_epi8(delim as i8),
                _mm_set1_epi8(b'\n' as i8),
                _mm_set1_epi8(b'"' as i8),
            );
            for k in 0..4 {
                let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast::<__m128i>());
                let shift = 16 * k;
                let c = _mm_movemask_epi8(_mm_cmpeq_epi8(v, delim)) as u16;
                let n = _mm_movemask_epi8(_mm_cmpeq_epi8(v, newline)) as u16;
                let q = _mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)) as u16;
                let h = _mm_movemask_epi8(v) as u16;
                m.delim |= u64::from(c) << shift;
                m.newline |= u64::from(n) << shift;
                m.quote |= u64::from(q) << shift;
                m.high |= u64::from(h) << shift;
            }
        }
        m
    }

    #[cfg(not(target_arch = "x86_64"))]
    #[inline]
    fn of(block: &[u8; 64], delim: u8) -> Masks {
        let mut m = Masks::default();
        for (i, &b) in block.iter().enumerate() {
            let bit = 1u64 << i;
            match b {
                b if b == delim => m.delim |= bit,
                b'\n' => m.newline |= bit,
                b'"' => m.quote |= bit,
                b if b >= 0x80 => m.high |= bit,
                _ => {}
            }
        }
        m
    }
}

/// True for a record of `fields` fields, the first `first`, that is a blank line (one
/// field of spaces, such as the '\r' of an empty CRLF line): readers pass over it.
pub(crate) fn is_blank(fields: usize, first: &[u8]) -> bool {
    fields == 1 && first.iter().all(u8::is_ascii_whitespace)
}

/// The length of the UTF-8 byte order mark at the start of `text` (0 if none), which
/// the csv crate drops from the start of its input.
pub(crate) fn bom_len(text: &[u8]) -> usize {
    if text.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    }
}

fn span(start: usize, end: usize) -> Span {
    Span {
        start: start as u32,
        end: end as u32,
    }
}

impl Scanned {
    /// Keeps the record just ended unless it is a blank line (one field of spaces, such
    /// as the '\r' of an empty CRLF line), which readers pass over.
    fn push_record(&mut self, text: &[u8], record: RecordAt) {
        let fields = &self.spans[record.first as usize..];
        if is_blank(fields.len(), &unquote(field_bytes(text, fields[0]))) {
            self.spans.truncate(record.first as usize);
            return;
        }
        self.records.push(record);
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Record `k` as a row, given the text scanned, its offset in the file and the '\n'
    /// in the file before it.
    pub fn row<'a>(&'a self, text: &'a [u8], k: usize, at: Place) -> ScannedRow<'a> {
        let r = self.records[k];
        let last = self
            .records
            .get(k + 1)
            .map_or(self.spans.len(), |n| n.first as usize);
        ScannedRow {
            text,
            spans: &self.spans[r.first as usize..last],
            byte: at.byte + u64::from(r.byte),
            line: at.lines + u64::from(r.newlines) + 1,
            utf8: self.utf8,
        }
    }
}

/// Where scanned text lies in its file: the file offset of the text's first byte, and
/// the number of '\n' before the scan's start.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub byte: u64,
    pub lines: u64,
}

/// One scanned record: its fields, still in the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScannedRow<'a> {
    text: &'a [u8],
    spans: &'a [Span],
    byte: u64,
    line: u64,
    utf8: bool,
}

/// A field's raw bytes, quotes included.
fn field_bytes(text: &[u8], s: Span) -> &[u8] {
    &text[s.start as usize..s.end as usize]
}

/// A field's value: the raw bytes without the quotes, doubled quotes made single.
fn unquote(raw: &[u8]) -> Cow<'_, [u8]> {
    let Some(inner) = raw.strip_prefix(b"\"") else {
        return Cow::Borrowed(raw);
    };
    // The usual case: "text" with no quote inside.
    if let Some(body) = inner.strip_suffix(b"\"")
        && memchr::memchr(b'"', body).is_none()
    {
        return Cow::Borrowed(body);
    }
    // Doubled quotes inside, or bytes after the closing quote (which the csv crate
    // keeps, as text of the field).
    let mut value = Vec::with_capacity(inner.len());
    let mut at = 0;
    while let Some(q) = memchr::memchr(b'"', &inner[at..]) {
        value.extend_from_slice(&inner[at..at + q]);
        if inner.get(at + q + 1) == Some(&b'"') {
            value.push(b'"');
            at += q + 2;
        } else {
            at += q + 1;
            value.extend_from_slice(&inner[at..]);
            return Cow::Owned(value);
        }
    }
    Cow::Owned(value)
}

impl<'a> ScannedRow<'a> {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Field `i`'s bytes when it is not quoted (then they are its value), without the
    /// copy-on-write wrapping of [`ScannedRow::field`]: the common case, on every field
    /// of every row.
    #[inline]
    pub fn plain(&self, i: usize) -> Option<&'a [u8]> {
        let raw = field_bytes(self.text, *self.spans.get(i)?);
        (raw.first() != Some(&b'"')).then_some(raw)
    }

    pub fn field(&self, i: usize) -> Option<Cow<'a, [u8]>> {
        self.spans
            .get(i)
            .map(|&s| unquote(field_bytes(self.text, s)))
    }

    pub fn line(&self) -> u64 {
        self.line
    }

    pub fn byte(&self) -> u64 {
        self.byte
    }

    /// True if every field is valid UTF-8.
    pub fn utf8(&self) -> bool {
        self.utf8
    }

    /// The first field whose value is longer than `limit` bytes, with its length. The
    /// raw span (quotes included) bounds the value, so one subtraction per record
    /// settles almost every row.
    pub fn field_over(&self, limit: usize) -> Option<(usize, usize)> {
        let (first, last) = (self.spans.first()?, self.spans.last()?);
        if ((last.end - first.start) as usize) <= limit {
            return None;
        }
        (0..self.len()).find_map(|i| {
            let n = self.field(i).map_or(0, |v| v.len());
            (n > limit).then_some((i, n))
        })
    }

    /// The record as a csv `ByteRecord` (a copy), with its position.
    pub fn to_record(self) -> ByteRecord {
        let mut r = ByteRecord::with_capacity(64, self.len());
        for i in 0..self.len() {
            r.push_field(&self.field(i).unwrap_or_default());
        }
        let mut p = Position::new();
        p.set_byte(self.byte).set_line(self.line);
        r.set_position(Some(p));
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records the csv crate reads from `text` (blank lines left out), with their
    /// byte offsets and lines.
    /// Records as (fields, byte offset, line).
    type Records = Vec<(Vec<Vec<u8>>, u64, u64)>;

    fn csv_records(text: &[u8], delim: u8) -> Records {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delim)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(text);
        let mut out = Vec::new();
        for r in rdr.byte_records() {
            let r = r.unwrap();
            if is_blank(r.len(), r.get(0).unwrap_or_default()) {
                continue;
            }
            let p = r.position().unwrap();
            let fields = r.iter().map(<[u8]>::to_vec).collect();
            out.push((fields, p.byte(), p.line()));
        }
        out
    }

    fn scanned_records(text: &[u8], delim: u8) -> Option<Records> {
        let s = scan(text, bom_len(text), text.len(), true, delim).ok()?;
        assert_eq!(s.end, text.len());
        let at = Place { byte: 0, lines: 0 };
        Some(
            (0..s.len())
                .map(|k| {
                    let r = s.row(text, k, at);
                    let fields = (0..r.len()).map(|i| r.field(i).unwrap().to_vec()).collect();
                    // After a byte order mark the first record is placed after it, not
                    // at 0 as the csv crate does (the header's offset is never used).
                    let byte = if k == 0 { 0 } else { r.byte() };
                    (fields, byte, r.line())
                })
                .collect(),
        )
    }

    /// `text` with its commas made `delim` and its tabs and semicolons made commas, so
    /// that each delimiter meets the others as plain text.
    fn with_delimiter(text: &[u8], delim: u8) -> Vec<u8> {
        text.iter()
            .map(|&b| match b {
                b',' => delim,
                b if b == delim => b',',
                b => b,
            })
            .collect()
    }

    #[test]
    fn reads_what_the_csv_crate_reads() {
        for text in [
            &b"a,b,c\n1,2,3\n"[..],
            b"a,b\n\n\n1,2\n",
            b"\n\na\n",
            b"a,\"b,\"\"c\"\"\nd\",e\r\n  \n,\n\"\"\n\"x\"y,z",
            b"a,b\r\n\r\n1,\"2\"\r\n",
            b"id,notes\n1,\"line one\nline two\"\n2,\"\"\"quoted\"\"\"\n",
            b"a,b,c",
            b"a,b,\n",
            b",\n,,\n",
            b"\xEF\xBB\xBFid,x\n1,\xff\n",
            b"a;b\tc,d\n\"x;y\",\"p\tq\"\n",
        ] {
            for delim in [b',', b';', b'\t'] {
                let text = with_delimiter(text, delim);
                let got = scanned_records(&text, delim);
                assert_eq!(
                    got.as_ref(),
                    Some(&csv_records(&text, delim)),
                    "{:?}: {}",
                    delim as char,
                    String::from_utf8_lossy(&text)
                );
            }
        }
    }

    #[test]
    fn gives_up_on_quotes_the_csv_crate_does_not_read_as_quotes() {
        for text in [&b"a,b\"c,d\n"[..], b"a,\"b\"c\"\n", b"a,\r\"b\"\n"] {
            assert_eq!(
                scan(text, 0, text.len(), true, b',').err(),
                Some(Unread::Quote)
            );
        }
    }

    #[test]
    fn tells_text_that_ends_too_soon() {
        // Inside quotes at the end; a record without its end where more input follows.
        assert_eq!(
            scan(b"a,\"open\n", 0, 8, true, b',').err(),
            Some(Unread::Unfinished)
        );
        assert_eq!(
            scan(b"a,b\nc,d", 0, 6, false, b',').err(),
            Some(Unread::Unfinished)
        );
        assert_eq!(scan(b"a,b\nc,d", 0, 2, false, b',').unwrap().len(), 1);
        assert_eq!(scan(b"a,b\nc,d", 0, 6, true, b',').unwrap().len(), 2);
    }

    #[test]
    fn stops_at_the_first_record_end_after_the_stop() {
        let text = b"a,b\nc,\"d\ne\"\nf,g\nh,i\n";
        let s = scan(text, 0, 5, false, b',').unwrap();
        // The record "c,"d\ne"" runs past byte 5 and ends the scan.
        assert_eq!((s.len(), s.end, s.newlines), (2, 12, 3));
        let rest = scan(text, s.end, text.len(), true, b',').unwrap();
        let r = rest.row(
            text,
            0,
            Place {
                byte: 0,
                lines: s.newlines,
            },
        );
        assert_eq!((r.byte(), r.line()), (12, 4));
        assert_eq!(&r.field(0).unwrap()[..], b"f");
    }

    /// The masks byte by byte, as the definition.
    fn plain_masks(block: &[u8; 64], delim: u8) -> [u64; 4] {
        let mut m = [0u64; 4];
        for (i, &b) in block.iter().enumerate() {
            for (k, want) in [delim, b'\n', b'"'].into_iter().enumerate() {
                m[k] |= u64::from(b == want) << i;
            }
            m[3] |= u64::from(b >= 0x80) << i;
        }
        m
    }

    #[test]
    fn vector_masks_match_the_definition() {
        let mut state = 12345u64;
        for _ in 0..2000 {
            let mut block = [0u8; 64];
            for b in &mut block {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                // Mostly the bytes of interest, some text and high bytes.
                *b = b",;\t\n\"a\xc3\xa9\xff "[(state >> 33) as usize % 10];
            }
            for delim in [b',', b';', b'\t'] {
                let want = plain_masks(&block, delim);
                let m = Masks::of(&block, delim);
                assert_eq!([m.delim, m.newline, m.quote, m.high], want);
            }
        }
    }

    #[test]
    fn utf8_is_checked_once_per_scan() {
        let good = "a,é\n".as_bytes();
        assert!(scan(good, 0, good.len(), true, b',').unwrap().utf8);
        let bad = b"a,\xff\n";
        assert!(!scan(bad, 0, bad.len(), true, b',').unwrap().utf8);
    }
}
