//! Every shape an event file comes in, read transparently: gzip and zip (one CSV, XLSX
//! or GeoJSON file inside), XLSX workbooks, and text in UTF-8 (with or without a byte
//! order mark), UTF-16 with a byte order mark or Windows-1252, separated by ',', ';' or
//! tab. Containers are told by their first bytes, not by the file's name.
//!
//! Plain UTF-8 text goes to the readers as it is (a file is streamed with no extra copy,
//! bytes in memory are scanned where they lie); only other encodings are transcoded, as
//! they are read.

use std::io::{Cursor, Read, Seek};
use std::path::{Path, PathBuf};

use encoding_rs_io::DecodeReaderBytesBuilder;
use flate2::read::MultiGzDecoder;

use super::csv_read::{self, Cut};
use super::shape::{Stored, TextEncoding, looks_binary, not_text, shown};
use super::{ReadOptions, ReadOutput, geojson_read, separator, xlsx};
use crate::error::{Error, Result};
use crate::model::Dataset;

/// Bytes looked at before reading: the encoding is decided from them (and the header
/// line, whose separator is found in them, is much shorter).
const SAMPLE: usize = 1 << 20;

/// Containers nested deeper than this (a gzip in a zip in a gzip ...) are refused.
const MAX_DEPTH: usize = 4;

/// What the first bytes say a file is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Magic {
    Gzip,
    Zip,
    Text,
}

fn magic(start: &[u8]) -> Magic {
    if start.starts_with(&[0x1f, 0x8b]) {
        Magic::Gzip
    } else if start.starts_with(b"PK\x03\x04") || start.starts_with(b"PK\x05\x06") {
        Magic::Zip
    } else {
        Magic::Text
    }
}

/// Where the reading is: the file, what it was found in so far, how deep.
struct At<'p> {
    path: &'p Path,
    within: Vec<String>,
    cut: Cut,
}

impl<'p> At<'p> {
    /// The file itself, not inside anything yet.
    fn top(path: &'p Path, cut: Cut) -> Self {
        At {
            path,
            within: Vec::new(),
            cut,
        }
    }

    fn inside(&self, what: String) -> Result<At<'_>> {
        if self.within.len() >= MAX_DEPTH {
            return Err(Error::format(
                self.path,
                format!("archives nested deeper than {MAX_DEPTH} levels are not read"),
            ));
        }
        let mut within = self.within.clone();
        within.push(what);
        Ok(At {
            path: self.path,
            within,
            cut: self.cut,
        })
    }

    fn stored(&self, encoding: Option<TextEncoding>, separator: Option<u8>) -> Stored {
        Stored {
            encoding: encoding.map(|e| e.name().to_string()),
            separator: separator.map(Stored::separator_name),
            within: self.within.clone(),
        }
    }
}

/// Reads the event file at `path`, whatever its shape (`cut`: block and batch sizes).
pub(crate) fn read_path(path: &Path, opts: &ReadOptions, cut: Cut) -> Result<ReadOutput> {
    let io = |e| Error::io(path, e);
    let file = std::fs::File::open(path).map_err(io)?;
    // The file's size lets the reader reserve room for its events up front.
    let size = file.metadata().ok().map(|m| m.len());
    let sampled = sample(file).map_err(io)?;
    let at = At::top(path, cut);
    match magic(&sampled.head) {
        // A zip is read from its end (the directory): the file is read from there.
        Magic::Zip => {
            let mut file = sampled.rest;
            file.rewind().map_err(io)?;
            read_zip(std::io::BufReader::new(file), opts, &at)
        }
        _ => read_sampled(sampled, opts, &at, size),
    }
}

/// Reads events from `reader`, whatever its shape.
pub(crate) fn read_reader<R: Read>(
    reader: R,
    path: &Path,
    opts: &ReadOptions,
    cut: Cut,
) -> Result<ReadOutput> {
    read_reader_at(Box::new(reader), opts, &At::top(path, cut))
}

/// Reads events from bytes in memory, whatever their shape; plain UTF-8 CSV is scanned
/// where it lies.
pub(crate) fn read_bytes(
    bytes: &[u8],
    path: &Path,
    opts: &ReadOptions,
    cut: Cut,
) -> Result<ReadOutput> {
    let at = &At::top(path, cut);
    let encoding = TextEncoding::detect(&bytes[..bytes.len().min(SAMPLE)], bytes.len() <= SAMPLE);
    match magic(bytes) {
        Magic::Zip => read_zip(Cursor::new(bytes), opts, at),
        Magic::Text if encoding.transcode_from().is_none() => {
            let text = encoding.decode_start(bytes, SAMPLE);
            check_text(&text, at)?;
            if is_geojson(opts, &text) {
                let mut out = geojson_read::read_geojson(bytes, at.path, opts)?;
                out.summary.stored = Some(at.stored(Some(encoding), None));
                return Ok(out);
            }
            let cut = Cut {
                delim: separator::detect(&text),
                ..at.cut
            };
            let mut out = csv_read::read_csv_bytes(bytes, at.path, opts, cut)?;
            out.summary.stored = Some(at.stored(Some(encoding), Some(cut.delim)));
            Ok(out)
        }
        _ => read_reader_at(Box::new(bytes), opts, at),
    }
}

/// Reads a stream from its start. (Boxed: containers nest, and a generic reader would
/// make a new type of reader for every level.)
fn read_reader_at(reader: Box<dyn Read + '_>, opts: &ReadOptions, at: &At) -> Result<ReadOutput> {
    let sampled = sample(reader).map_err(|e| Error::io(at.path, e))?;
    read_sampled(sampled, opts, at, None)
}

/// Reads up to [`SAMPLE`] bytes; says whether that was the whole input.
fn sample<R: Read>(mut rest: R) -> std::io::Result<Sampled<R>> {
    let mut head = Vec::with_capacity(SAMPLE);
    rest.by_ref().take(SAMPLE as u64).read_to_end(&mut head)?;
    let complete = head.len() < SAMPLE;
    Ok(Sampled {
        head,
        complete,
        rest,
    })
}

/// A stream whose first bytes were read already.
struct Sampled<R> {
    /// The first bytes (up to [`SAMPLE`]).
    head: Vec<u8>,
    /// `head` is the whole stream.
    complete: bool,
    /// What follows `head`.
    rest: R,
}

impl<R: Read> Sampled<R> {
    /// The whole stream again, from its first byte.
    fn into_reader(self) -> std::io::Chain<Cursor<Vec<u8>>, R> {
        Cursor::new(self.head).chain(self.rest)
    }
}

/// Reads a stream whose first bytes were read already (`size`: its size, if known).
fn read_sampled<R: Read>(
    sampled: Sampled<R>,
    opts: &ReadOptions,
    at: &At,
    size: Option<u64>,
) -> Result<ReadOutput> {
    match magic(&sampled.head) {
        Magic::Gzip => {
            let inner = at.inside("gzip".to_string())?;
            let decoder = MultiGzDecoder::new(sampled.into_reader());
            read_reader_at(Box::new(decoder), opts, &inner)
        }
        Magic::Zip => {
            // A zip is read from its end (the directory): it is read into memory first.
            let mut bytes = Vec::new();
            sampled
                .into_reader()
                .read_to_end(&mut bytes)
                .map_err(|e| Error::io(at.path, e))?;
            read_zip(Cursor::new(bytes), opts, at)
        }
        Magic::Text => read_text(sampled, opts, at, size),
    }
}

fn check_text(start: &[u8], at: &At) -> Result<()> {
    if looks_binary(start) {
        return Err(Error::Usage(not_text(&at.path.display().to_string())));
    }
    Ok(())
}

fn is_geojson(opts: &ReadOptions, text: &[u8]) -> bool {
    match opts.format {
        Some(format) => format == Dataset::GeoJson,
        None => super::looks_like_json(text),
    }
}

/// Reads CSV or GeoJSON text: as it is if UTF-8, transcoded to UTF-8 otherwise.
fn read_text<R: Read>(
    sampled: Sampled<R>,
    opts: &ReadOptions,
    at: &At,
    size: Option<u64>,
) -> Result<ReadOutput> {
    let encoding = TextEncoding::detect(&sampled.head, sampled.complete);
    let text = encoding.decode_start(&sampled.head, 1 << 16);
    check_text(&text, at)?;
    let geojson = is_geojson(opts, &text);
    let delim = (!geojson).then(|| separator::detect(&text));
    drop(text);
    let stored = at.stored(Some(encoding), delim);
    let reader = sampled.into_reader();
    let mut out = match encoding.transcode_from() {
        None => read_decoded(reader, geojson, delim, opts, at, size)?,
        Some(from) => {
            let decoded = DecodeReaderBytesBuilder::new()
                .encoding(Some(from))
                .strip_bom(true)
                .build(reader);
            // The size in bytes says little about the decoded text: no estimate.
            read_decoded(decoded, geojson, delim, opts, at, None)?
        }
    };
    out.summary.stored = Some(stored);
    Ok(out)
}

fn read_decoded<R: Read>(
    reader: R,
    geojson: bool,
    delim: Option<u8>,
    opts: &ReadOptions,
    at: &At,
    size: Option<u64>,
) -> Result<ReadOutput> {
    match delim {
        Some(delim) if !geojson => {
            let cut = Cut { delim, ..at.cut };
            csv_read::read_csv(reader, at.path, opts, cut, size)
        }
        _ => geojson_read::read_geojson(reader, at.path, opts),
    }
}

/// Names of members that are event files by their extension, for picking the one to
/// read from an archive.
fn event_member(name: &str) -> bool {
    let lower = name.to_lowercase();
    [".csv", ".tsv", ".xlsx", ".geojson", ".json", ".gz"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// A zip archive: an XLSX workbook, or an archive holding one event file.
fn read_zip<RS: Read + Seek>(reader: RS, opts: &ReadOptions, at: &At) -> Result<ReadOutput> {
    let path = at.path;
    let bad =
        |e: zip::result::ZipError| Error::format(path, format!("not a readable zip archive ({e})"));
    let mut archive = zip::ZipArchive::new(reader).map_err(bad)?;
    if archive.index_for_name("xl/workbook.xml").is_some() {
        let mut reader = archive.into_inner();
        reader.rewind().map_err(|e| Error::io(path, e))?;
        return read_xlsx(reader, opts, at);
    }
    // (index, name) of the files, leaving out folders and macOS's resource forks.
    let files: Vec<(usize, String)> = archive
        .file_names_raw()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .enumerate()
        .filter(|(_, n)| !n.ends_with('/') && !n.starts_with("__MACOSX/"))
        .collect();
    let mut candidates: Vec<&(usize, String)> =
        files.iter().filter(|(_, n)| event_member(n)).collect();
    if candidates.is_empty() {
        // Excel's "Unicode text" is saved as .txt.
        candidates = files
            .iter()
            .filter(|(_, n)| n.to_lowercase().ends_with(".txt"))
            .collect();
    }
    let [(index, name)] = candidates[..] else {
        let names: Vec<&str> = files.iter().map(|(_, n)| n.as_str()).collect();
        let listed = if names.is_empty() {
            "no files".to_string()
        } else {
            shown(&names.join(", "), 200)
        };
        return Err(Error::format(
            path,
            format!(
                "a zip archive is read if it holds exactly one CSV, XLSX or GeoJSON file; \
                 this one holds {} such files among its members ({listed}): extract the \
                 one to read",
                candidates.len()
            ),
        ));
    };
    let inner = at.inside(format!("zip member {}", shown(name, 200)))?;
    let member = archive.by_index(*index).map_err(bad)?;
    let size = member.size();
    let sampled = sample(member).map_err(|e| Error::io(path, e))?;
    read_sampled(sampled, opts, &inner, Some(size))
}

/// An XLSX workbook: its sheet (`--sheet`, else the first) as CSV text, read as CSV.
/// Diagnostics name the file as "FILE (sheet NAME)".
fn read_xlsx<RS: Read + Seek>(reader: RS, opts: &ReadOptions, at: &At) -> Result<ReadOutput> {
    let (csv, sheet) = xlsx::sheet_as_csv(reader, at.path, opts.sheet)?;
    let shown = PathBuf::from(format!("{} (sheet {sheet})", at.path.display()));
    let cut = Cut {
        delim: b',',
        ..at.cut
    };
    let mut out = csv_read::read_csv_bytes(&csv, &shown, opts, cut)?;
    out.summary.file = at.path.to_path_buf();
    let inner = at.inside(format!("XLSX sheet {sheet}"))?;
    out.summary.stored = Some(inner.stored(None, None));
    Ok(out)
}
