//! XLSX workbooks (ACLED's regional files): one sheet written out as the CSV text a CSV
//! export of it would be, which the CSV reader then reads like any other file, so a
//! workbook gives exactly the events of the same data saved as CSV.
//!
//! Row N of the sheet is line N of that text (empty rows above the data are written as
//! empty lines, which the reader skips), so diagnostics name the sheet's row numbers as
//! long as no cell above holds a line break.

use std::io::{Read, Seek};
use std::path::Path;

use calamine::{Data, Reader, Xlsx};

use crate::error::{Error, Result};

/// The sheet `wanted` (`None`: the first) of the workbook in `reader`, as CSV bytes
/// (',' separated, '\n' line ends), with the sheet's name.
pub(crate) fn sheet_as_csv<RS: Read + Seek>(
    reader: RS,
    path: &Path,
    wanted: Option<&str>,
) -> Result<(Vec<u8>, String)> {
    let unreadable = |e: calamine::XlsxError| {
        Error::format(path, format!("cannot read the XLSX workbook ({e})"))
    };
    let mut book = Xlsx::new(reader).map_err(unreadable)?;
    let names = book.sheet_names();
    let name = match wanted {
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Error::format(path, "the workbook has no sheets"))?,
        Some(w) => names
            .iter()
            .find(|n| n.as_str() == w)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(w)))
            .cloned()
            .ok_or_else(|| {
                Error::format(
                    path,
                    format!(
                        "the workbook has no sheet \"{w}\"; its sheets: {}",
                        names.join(", ")
                    ),
                )
            })?,
    };
    let range = book.worksheet_range(&name).map_err(unreadable)?;
    let mut out = Vec::with_capacity(range.get_size().0 * 256);
    // Empty rows above the data, so that line numbers are row numbers.
    let top = range.start().map_or(0, |(row, _)| row as usize);
    out.resize(top, b'\n');
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .from_writer(out);
    let mut cells: Vec<String> = Vec::new();
    for row in range.rows() {
        cells.clear();
        cells.extend(row.iter().map(cell_text));
        // A row of empty cells is an empty line: the CSV reader skips it, as it skips
        // blank lines in a CSV export.
        if cells.iter().all(String::is_empty) {
            writer
                .write_record(None::<&[u8]>)
                .map_err(|e| Error::format(path, e.to_string()))?;
        } else {
            writer
                .write_record(&cells)
                .map_err(|e| Error::format(path, e.to_string()))?;
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::format(path, e.to_string()))?;
    Ok((bytes, name))
}

/// A cell as a CSV export writes it: numbers without float noise (the shortest text
/// that reads back as the same number: 13.4317, not 13.431700000000001; whole numbers
/// without ".0"), dates as ISO dates (with the time only if there is one), errors as
/// Excel shows them.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if d.is_datetime() => {
                if t.time() == chrono::NaiveTime::MIN {
                    t.format("%Y-%m-%d").to_string()
                } else {
                    t.format("%Y-%m-%d %H:%M:%S").to_string()
                }
            }
            _ => d.as_f64().to_string(),
        },
        Data::Error(e) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn cells_read_as_a_csv_export_writes_them() {
        assert_eq!(cell_text(&Data::Float(13.4317)), "13.4317");
        assert_eq!(cell_text(&Data::Float(-6.2157)), "-6.2157");
        assert_eq!(cell_text(&Data::Float(3.0)), "3");
        assert_eq!(cell_text(&Data::Float(1718812345.0)), "1718812345");
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(cell_text(&Data::String("Ségou".into())), "Ségou");
        assert_eq!(cell_text(&Data::Empty), "");
        // 45352 is 2024-03-01 in Excel's 1900 date system.
        let date = ExcelDateTime::new(45352.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(date)), "2024-03-01");
        let noon = ExcelDateTime::new(45352.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(noon)), "2024-03-01 12:00:00");
    }
}
