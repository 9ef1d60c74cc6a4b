//! How an event file is stored: the text encoding (from its byte order mark, else UTF-8
//! if its first bytes are valid UTF-8, else Windows-1252), whether it starts with binary
//! data, and the description the read summary gives ("UTF-16LE, tab-separated, in
//! zip member events.txt").

use std::borrow::Cow;
use std::fmt;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};
use serde::Serialize;

/// The text encodings read. Plain UTF-8 (with or without a byte order mark) is read as
/// it is; the others are transcoded to UTF-8 as they are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl TextEncoding {
    /// The encoding of text starting with `start`; `complete`: `start` is the whole
    /// text (otherwise a character cut at its end is not an error).
    ///
    /// Windows-1252 is chosen when the first bytes are not valid UTF-8: it is what Excel
    /// writes as "CSV" on Western European Windows, and every byte is a character in it.
    /// Later bytes that are not UTF-8 in a file that started as valid UTF-8 are reported
    /// row by row as invalid UTF-8 instead.
    pub(crate) fn detect(start: &[u8], complete: bool) -> TextEncoding {
        if start.starts_with(b"\xEF\xBB\xBF") {
            TextEncoding::Utf8Bom
        } else if start.starts_with(b"\xFF\xFE") {
            TextEncoding::Utf16Le
        } else if start.starts_with(b"\xFE\xFF") {
            TextEncoding::Utf16Be
        } else {
            match std::str::from_utf8(start) {
                Ok(_) => TextEncoding::Utf8,
                // Cut short at the end of the sample, not wrong.
                Err(e) if e.error_len().is_none() && !complete => TextEncoding::Utf8,
                // Text that also holds well-formed UTF-8 beyond ASCII is UTF-8 with a few
                // bad bytes (reported row by row): read as Windows-1252, all its accents
                // would silently turn into other letters.
                Err(_) if has_utf8_beyond_ascii(start) => TextEncoding::Utf8,
                Err(_) => TextEncoding::Windows1252,
            }
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with BOM",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }

    /// The encoding to transcode from, `None` for UTF-8 (read as it is).
    pub(crate) fn transcode_from(self) -> Option<&'static Encoding> {
        match self {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => None,
            TextEncoding::Utf16Le => Some(UTF_16LE),
            TextEncoding::Utf16Be => Some(UTF_16BE),
            TextEncoding::Windows1252 => Some(WINDOWS_1252),
        }
    }

    /// The start of the text as UTF-8, byte order mark removed, for sniffing the layout
    /// and the separator (at most `max` bytes of it are decoded).
    pub(crate) fn decode_start(self, start: &[u8], max: usize) -> Cow<'_, [u8]> {
        let start = &start[..start.len().min(max)];
        match self.transcode_from() {
            None => Cow::Borrowed(start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(start)),
            Some(encoding) => {
                let bom = if encoding == WINDOWS_1252 { 0 } else { 2 };
                let (text, _) = encoding.decode_without_bom_handling(&start[bom..]);
                Cow::Owned(text.into_owned().into_bytes())
            }
        }
    }
}

/// True if `bytes` hold a well-formed UTF-8 sequence of more than one byte.
fn has_utf8_beyond_ascii(bytes: &[u8]) -> bool {
    bytes.utf8_chunks().any(|chunk| !chunk.valid().is_ascii())
}

/// True if `text` (the start of a file, as UTF-8 or raw single bytes) looks like binary
/// data, not text: it holds a NUL, or more than one control character (other than tab,
/// line ends and form feed) in a hundred bytes. Text exports never hold either; images,
/// archives of other kinds and random bytes do within their first few hundred bytes. A
/// stray control character in a notes field stays a row-level matter.
pub(crate) fn looks_binary(text: &[u8]) -> bool {
    let text = &text[..text.len().min(4096)];
    let controls = text
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    text.contains(&0) || controls * 100 > text.len()
}

/// The message for input that is no text: it never shows the bytes.
pub(crate) fn not_text(name: &str) -> String {
    format!("{name} is not a CSV, XLSX or GeoJSON file (it starts with binary data)")
}

/// Text from a file as it may be shown in a message: control characters escaped (`\u{1}`,
/// `\t`), cut to `max` characters as shown (then marked by "…").
pub(crate) fn shown(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for c in text.chars() {
        let piece: String = if c.is_control() {
            c.escape_debug().collect()
        } else {
            c.to_string()
        };
        count += piece.chars().count();
        if count > max {
            out.push('…');
            break;
        }
        out.push_str(&piece);
    }
    out
}

/// How a file was stored, for the read summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stored {
    /// The text encoding ("UTF-8", "UTF-8 with BOM", "UTF-16LE", "UTF-16BE",
    /// "Windows-1252"); `None` for an XLSX workbook (cells, not text).
    pub encoding: Option<String>,
    /// The CSV separator ("," ";" or "tab"); `None` for GeoJSON and XLSX.
    pub separator: Option<String>,
    /// What the data was found in, outermost first: "gzip", "zip member NAME",
    /// "XLSX sheet NAME".
    pub within: Vec<String>,
}

impl Stored {
    pub(crate) fn separator_name(sep: u8) -> String {
        match sep {
            b'\t' => "tab".to_string(),
            other => (other as char).to_string(),
        }
    }
}

impl fmt::Display for Stored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(self.encoding.clone());
        if let Some(sep) = &self.separator {
            parts.push(match sep.as_str() {
                "tab" => "tab-separated".to_string(),
                s => format!("'{s}'-separated"),
            });
        }
        // Innermost first: "sheet Data, in zip member a.xlsx, in gzip".
        for (i, w) in self.within.iter().rev().enumerate() {
            let sheet = self.encoding.is_none() && i == 0;
            parts.push(if sheet { w.clone() } else { format!("in {w}") });
        }
        f.write_str(&parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_from_the_byte_order_mark_or_the_bytes() {
        let cases: [(&[u8], TextEncoding); 7] = [
            (b"id,place\n1,Segou\n", TextEncoding::Utf8),
            ("id,place\n1,Ségou\n".as_bytes(), TextEncoding::Utf8),
            (b"\xEF\xBB\xBFid,place\n", TextEncoding::Utf8Bom),
            (b"\xFF\xFEi\x00d\x00", TextEncoding::Utf16Le),
            (b"\xFE\xFF\x00i\x00d", TextEncoding::Utf16Be),
            (b"id,place\n1,S\xE9gou\n", TextEncoding::Windows1252),
            (b"", TextEncoding::Utf8),
        ];
        for (bytes, want) in cases {
            assert_eq!(TextEncoding::detect(bytes, true), want, "{bytes:?}");
        }
        // A character cut at the end of a sample is not a reason for Windows-1252; at
        // the end of the whole text it is.
        // UTF-8 with a stray bad byte stays UTF-8 (the bad byte is the row's problem).
        let mixed = ["1,Ségou\n2,".as_bytes(), b"S\xE9gou\n"].concat();
        assert_eq!(TextEncoding::detect(&mixed, true), TextEncoding::Utf8);
        let cut = &"1,Ségou".as_bytes()[..4];
        assert_eq!(TextEncoding::detect(cut, false), TextEncoding::Utf8);
        assert_eq!(TextEncoding::detect(cut, true), TextEncoding::Windows1252);
    }

    #[test]
    fn starts_are_decoded_to_utf8_without_the_mark() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a;é".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("a;é".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        for (bytes, enc) in [
            (&le[..], TextEncoding::Utf16Le),
            (&be[..], TextEncoding::Utf16Be),
            (b"a;\xE9", TextEncoding::Windows1252),
            ("\u{feff}a;é".as_bytes(), TextEncoding::Utf8Bom),
            ("a;é".as_bytes(), TextEncoding::Utf8),
        ] {
            assert_eq!(TextEncoding::detect(bytes, true), enc);
            assert_eq!(&enc.decode_start(bytes, 1 << 16)[..], "a;é".as_bytes());
        }
    }

    #[test]
    fn binary_data_is_told_from_text() {
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00";
        assert!(looks_binary(png));
        let mut state = 7u64;
        let random: Vec<u8> = (0..2000)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                (state >> 56) as u8
            })
            .collect();
        assert!(looks_binary(&random));
        assert!(!looks_binary(b"id,notes\r\n1,\"a\tb\"\r\n"));
        assert!(!looks_binary(b"id,place\n1,S\xE9gou\n"));
        // One stray control character in a long text is a row's problem, not the file's.
        let mut text = "id,notes\n".repeat(50).into_bytes();
        text[100] = 0x01;
        assert!(!looks_binary(&text));
    }

    #[test]
    fn shown_text_is_escaped_and_cut() {
        assert_eq!(shown("a\u{1}b\tc", 200), "a\\u{1}b\\tc");
        let long = "x".repeat(500);
        let s = shown(&long, 200);
        assert_eq!(s.chars().count(), 201);
        assert!(s.ends_with('…'));
        let controls = shown(&"\u{1}".repeat(100), 200);
        assert_eq!(controls.chars().count(), 201);
        assert!(controls.starts_with("\\u{1}") && controls.ends_with('…'));
        assert_eq!(shown("Ségou", 200), "Ségou");
    }

    #[test]
    fn stored_reads_innermost_first() {
        let s = Stored {
            encoding: Some("UTF-16LE".into()),
            separator: Some("tab".into()),
            within: vec!["gzip".into()],
        };
        assert_eq!(s.to_string(), "UTF-16LE, tab-separated, in gzip");
        let x = Stored {
            encoding: None,
            separator: None,
            within: vec!["zip member a.xlsx".into(), "XLSX sheet Data".into()],
        };
        assert_eq!(x.to_string(), "XLSX sheet Data, in zip member a.xlsx");
    }
}
