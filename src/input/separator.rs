//! The field separator of a CSV file, found from its header line: ',' (the standard),
//! ';' (Excel where the decimal mark is a comma) or tab (Excel's "Unicode text").

use super::csv_scan::bom_len;
use super::layout::is_known_column;

/// The separators tried, in order of preference when they tie.
pub(crate) const SEPARATORS: [u8; 3] = [b',', b';', b'\t'];

/// The separator that splits the header line (the first non-blank line of `start`, the
/// file's first bytes) into the most column names some layout knows. If none splits it
/// into a known name, the one that splits it into the most fields (for the message
/// about an unknown header); ',' on a tie.
pub(crate) fn detect(start: &[u8]) -> u8 {
    let start = &start[bom_len(start)..];
    let Some(line) = start
        .split(|&b| b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
    else {
        return b',';
    };
    let score = |sep: u8| {
        let names = header_fields(line, sep);
        let known = names.iter().filter(|n| is_known_column(n)).count();
        (known, names.len())
    };
    let mut best = (b',', score(b','));
    for sep in &SEPARATORS[1..] {
        let s = score(*sep);
        if s > best.1 {
            best = (*sep, s);
        }
    }
    best.0
}

/// The fields of one header line split at `sep`, as the csv crate reads them (quoted
/// names included). A name quoted across lines is cut at the line end: it is no column
/// name a layout knows anyway.
fn header_fields(line: &[u8], sep: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sep)
        .from_reader(line);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => record
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "event_id_cnty,event_date,year,event_type,sub_event_type,actor1,\
                          actor2,location,latitude,longitude,notes,fatalities,timestamp";

    #[test]
    fn finds_each_separator_from_the_header() {
        for sep in SEPARATORS {
            let header = HEADER.replace(',', &(sep as char).to_string());
            let file = format!(
                "{header}\nMLI1{0}2024-01-02{0}\"a, b; c\td\"\n",
                sep as char
            );
            assert_eq!(detect(file.as_bytes()), sep, "{:?}", sep as char);
            // With a byte order mark, blank lines first, CRLF and upper-case names.
            let messy = format!("\u{feff}\n \r\n{}\r\nrow", header.to_uppercase());
            assert_eq!(detect(messy.as_bytes()), sep, "{:?}", sep as char);
        }
    }

    #[test]
    fn recognised_names_outweigh_more_fields() {
        // Commas inside names would split the line into more fields, but only the
        // semicolons give the layout's names.
        let line = "event_id_cnty;event_date;\"a,b,c,d,e,f,g\";actor1;latitude";
        assert_eq!(detect(line.as_bytes()), b';');
        // ACLED's own notes may hold semicolons: the comma header still wins.
        let line = "event_id_cnty,event_date,notes,latitude\n1,2,\"a;b;c;d;e\",3";
        assert_eq!(detect(line.as_bytes()), b',');
    }

    #[test]
    fn unknown_headers_and_empty_input_fall_back() {
        assert_eq!(detect(b""), b',');
        assert_eq!(detect(b"\n\n"), b',');
        assert_eq!(detect(b"name,value"), b',');
        assert_eq!(detect(b"name;value;when"), b';');
        assert_eq!(detect(b"name\tvalue,x\twhen"), b'\t');
        // A tie between separators that find nothing: the comma.
        assert_eq!(detect(b"a,b;c"), b',');
    }
}
