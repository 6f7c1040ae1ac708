//! Sniffing the CSV dialect: delimiter among `,` `;` tab `|`, and Excel's `sep=` line.

use serde::Serialize;

/// Delimiters steward recognises, in tie-break order.
pub const CANDIDATE_DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// The dialect of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Dialect {
    /// Field delimiter byte.
    #[serde(serialize_with = "ser_byte")]
    pub delimiter: u8,
    /// Quote byte (always `"` for now: the only quote CRM exports use).
    #[serde(serialize_with = "ser_byte")]
    pub quote: u8,
    /// Whether an Excel `sep=X` line preceded the header (it is skipped).
    pub excel_sep_line: bool,
    /// Whether the delimiter came from `--delimiter`.
    pub forced: bool,
}

fn ser_byte<S: serde::Serializer>(b: &u8, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&delimiter_name(*b))
}

/// A readable name for a delimiter byte (`tab` for `\t`).
pub fn delimiter_name(b: u8) -> String {
    match b {
        b'\t' => "tab".to_string(),
        other => (other as char).to_string(),
    }
}

/// Parses a user-given delimiter: one character, or `tab`, `\t`, `comma`, `semicolon`, `pipe`.
pub fn parse_delimiter(s: &str) -> Option<u8> {
    match s {
        "tab" | "\\t" | "\t" => Some(b'\t'),
        "comma" => Some(b','),
        "semicolon" => Some(b';'),
        "pipe" => Some(b'|'),
        _ if s.len() == 1 && s.is_ascii() => s.bytes().next(),
        _ => None,
    }
}

/// If the text starts with Excel's `sep=X` line, returns the delimiter and the line's length
/// including its line ending.
pub fn excel_sep_line(text: &[u8]) -> Option<(u8, usize)> {
    let prefix = text.get(..4)?;
    if !prefix.eq_ignore_ascii_case(b"sep=") {
        return None;
    }
    let delimiter = *text.get(4)?;
    let mut len = 5;
    if text.get(len) == Some(&b'\r') {
        len += 1;
    }
    if text.get(len) == Some(&b'\n') {
        len += 1;
    } else if len == 5 && text.len() > 5 {
        return None;
    }
    Some((delimiter, len))
}

/// Picks the delimiter whose field count is most consistent over the sample's records,
/// preferring more fields on a tie. Quoting is respected (the sample is parsed as CSV).
pub fn sniff_delimiter(sample: &[u8]) -> u8 {
    let mut best = (0.0f64, 0usize, b',');
    for &d in &CANDIDATE_DELIMITERS {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(d)
            .has_headers(false)
            .flexible(true)
            .from_reader(sample);
        let mut counts: Vec<usize> = Vec::new();
        let mut record = csv::ByteRecord::new();
        while counts.len() < 200 {
            match reader.read_byte_record(&mut record) {
                Ok(true) => counts.push(record.len()),
                Ok(false) | Err(_) => break,
            }
        }
        // The last record of a sample may be cut short.
        if counts.len() > 2 {
            counts.pop();
        }
        let Some(&header_fields) = counts.first() else { continue };
        if header_fields < 2 {
            continue;
        }
        let consistent = counts.iter().filter(|&&c| c == header_fields).count();
        let score = consistent as f64 / counts.len() as f64;
        let better =
            score > best.0 + 1e-9 || ((score - best.0).abs() < 1e-9 && header_fields > best.1);
        if better {
            best = (score, header_fields, d);
        }
    }
    best.2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_delimiter() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n4,5,6\n"), b',');
        assert_eq!(
            sniff_delimiter("ФИО;Телефон;Город\nИванов, Иван;8 916;Москва\nА;Б;В\n".as_bytes()),
            b';'
        );
        assert_eq!(sniff_delimiter(b"a\tb\n1\t2\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a|b|c\n1|2,5|3\n"), b'|');
        // Commas inside quotes do not count.
        assert_eq!(sniff_delimiter(b"name;city\n\"Smith, John\";London\n\"Doe, J\";Paris\n"), b';');
    }

    #[test]
    fn excel_sep_line_is_recognised() {
        assert_eq!(excel_sep_line(b"sep=;\r\na;b\n"), Some((b';', 7)));
        assert_eq!(excel_sep_line(b"SEP=,\na,b"), Some((b',', 6)));
        assert_eq!(excel_sep_line(b"separator,x\n"), None);
        assert_eq!(parse_delimiter("tab"), Some(b'\t'));
        assert_eq!(parse_delimiter(";"), Some(b';'));
        assert_eq!(parse_delimiter("ab"), None);
    }
}
