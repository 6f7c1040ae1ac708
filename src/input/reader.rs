//! Reading one file into rows, and unifying several files into one table.

use std::path::Path;

use csv::{ByteRecord, StringRecord};
use encoding_rs::{Encoding, UTF_8};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::dialect::{self, Dialect};
use super::encoding::{self, EncodingEvidence};
use super::parse::{Body, CHUNK_BYTES, Parsed, parse_rows};
use crate::error::{Error, Result};

/// Options of the input layer.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Encoding forced by `--encoding`.
    pub encoding: Option<&'static Encoding>,
    /// Delimiter forced by `--delimiter`.
    pub delimiter: Option<u8>,
    /// Fields longer than this (in bytes) send their row to quarantine.
    pub max_field_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { encoding: None, delimiter: None, max_field_bytes: 1 << 20 }
    }
}

/// What the report says about one input file.
#[derive(Debug, Clone, Serialize)]
pub struct SourceInfo {
    /// Path as given on the command line.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// Encoding name (`utf-8`, `windows-1251`, …).
    pub encoding: String,
    /// Why that encoding.
    pub encoding_evidence: EncodingEvidence,
    /// Whether the file had a byte-order mark.
    pub bom: bool,
    /// Delimiter, quote and Excel `sep=` line.
    pub dialect: Dialect,
    /// Header names as read.
    pub headers: Vec<String>,
    /// Data rows seen (excluding the header).
    pub rows_read: u64,
    /// Data rows sent to quarantine.
    pub rows_quarantined: u64,
}

/// A data row that was read as a record.
#[derive(Debug, Clone)]
pub struct InputRow {
    /// Index of the input file.
    pub source: u32,
    /// 1-based data-row number within its file (the header is row 0).
    pub row: u64,
    /// 1-based physical line where the row starts.
    pub line: u64,
    /// Field values, decoded to UTF-8.
    pub record: StringRecord,
}

impl InputRow {
    /// Where the row came from, without its values.
    pub fn place(&self) -> RowPlace {
        RowPlace { source: self.source, row: self.row, line: self.line }
    }
}

/// Where a data row of the unified table came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowPlace {
    /// Index of the input file.
    pub source: u32,
    /// 1-based data-row number within its file (the header is row 0).
    pub row: u64,
    /// 1-based physical line where the row starts.
    pub line: u64,
}

/// A row that could not be read as a record, kept with its raw text.
#[derive(Debug, Clone, Serialize)]
pub struct QuarantinedRow {
    /// Index of the input file.
    #[serde(skip)]
    pub source: u32,
    /// 1-based data-row number within its file.
    pub row: u64,
    /// 1-based physical line where the row starts.
    pub line: u64,
    /// Rule code of the reason (`IN001` …).
    pub code: &'static str,
    /// Why the row was quarantined.
    pub reason: String,
    /// The row's text exactly as in the file (undecodable bytes as `\xNN`).
    pub raw: String,
}

/// One file, read.
#[derive(Debug)]
pub struct LoadedSource {
    /// Metadata for the report.
    pub info: SourceInfo,
    /// Rows read as records, in file order.
    pub rows: Vec<InputRow>,
    /// Rows quarantined, in file order.
    pub quarantine: Vec<QuarantinedRow>,
}

/// Reads `path` completely. Bad rows are quarantined; only unreadable files are errors.
pub fn read_source(path: &Path, index: u32, options: &ReadOptions) -> Result<LoadedSource> {
    if path.is_dir() {
        return Err(Error::IsDirectory { path: path.to_path_buf() });
    }
    let bytes =
        std::fs::read(path).map_err(|cause| Error::Read { path: path.to_path_buf(), cause })?;
    let name = path.display().to_string();
    let (info, parsed) =
        read_bytes_with(&bytes, &name, index, options, |body| parse_rows(body, CHUNK_BYTES))?;
    // The rows own their text: free the file before they are laid out in one vector.
    drop(bytes);
    Ok(lay_out_source(info, parsed))
}

/// Reads an in-memory file (the library entry point behind [`read_source`]; also fuzzed).
pub fn read_bytes(
    bytes: &[u8],
    name: &str,
    index: u32,
    options: &ReadOptions,
) -> Result<LoadedSource> {
    read_bytes_with(bytes, name, index, options, |body| parse_rows(body, CHUNK_BYTES))
        .map(|(info, parsed)| lay_out_source(info, parsed))
}

/// The loaded file, from its metadata and its parsed rows.
pub(crate) fn lay_out_source(mut info: SourceInfo, parsed: Parsed) -> LoadedSource {
    let (rows, quarantine, rows_read) = parsed.into_rows();
    info.rows_read = rows_read;
    info.rows_quarantined = quarantine.len() as u64;
    LoadedSource { info, rows, quarantine }
}

/// [`read_bytes`] with the data-row parse given (tests compare chunk sizes and a serial parse).
pub(crate) fn read_bytes_with(
    bytes: &[u8],
    name: &str,
    index: u32,
    options: &ReadOptions,
    parse: impl FnOnce(&Body<'_>) -> Parsed + Send,
) -> Result<(SourceInfo, Parsed)> {
    let path = || std::path::PathBuf::from(name);
    if bytes.is_empty() {
        return Err(Error::EmptyFile { path: path() });
    }
    let detected = encoding::detect(bytes, options.encoding)
        .map_err(|e| Error::Unreadable { path: path(), detail: e.0 })?;
    let bom_len = if detected.bom { Encoding::for_bom(bytes).map_or(0, |(_, n)| n) } else { 0 };
    let body = &bytes[bom_len..];
    // ASCII-compatible encodings are parsed on raw bytes and decoded field by field, so a bad
    // byte sequence costs one row, not the file. UTF-16 is transcoded to UTF-8 first.
    let transcoded;
    let transcoded_from_utf16 = !encoding::is_ascii_compatible(detected.encoding);
    let (text, field_encoding): (&[u8], &'static Encoding) =
        if encoding::is_ascii_compatible(detected.encoding) {
            (body, detected.encoding)
        } else {
            let (decoded, _had_errors) = detected.encoding.decode_without_bom_handling(body);
            transcoded = decoded.into_owned().into_bytes();
            (&transcoded[..], UTF_8)
        };
    if text.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::EmptyFile { path: path() });
    }

    let (mut delimiter, mut skip, mut excel_sep) = (b',', 0usize, false);
    if let Some((d, len)) = dialect::excel_sep_line(text) {
        delimiter = d;
        skip = len;
        excel_sep = true;
    }
    let text = &text[skip..];
    if let Some(d) = options.delimiter {
        delimiter = d;
    } else if !excel_sep {
        delimiter = dialect::sniff_delimiter(&text[..text.len().min(64 * 1024)]);
    }
    let dialect = Dialect {
        delimiter,
        quote: b'"',
        excel_sep_line: excel_sep,
        forced: options.delimiter.is_some(),
    };
    let line_offset = u64::from(excel_sep);

    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut record = ByteRecord::new();
    let header_ok = reader.read_byte_record(&mut record).map_err(|e| Error::Unreadable {
        path: path(),
        detail: format!("cannot parse the header row: {e}"),
    })?;
    if !header_ok {
        return Err(Error::EmptyFile { path: path() });
    }
    let headers = decode_headers(&record, field_encoding).ok_or_else(|| Error::Unreadable {
        path: path(),
        detail: format!("the header row is not valid {} text", field_encoding.name()),
    })?;
    if let Some(detail) = header_problem(&headers) {
        return Err(Error::NoHeader { path: path(), detail });
    }
    let body = Body {
        text,
        data_start: (reader.position().byte() as usize).min(text.len()),
        delimiter,
        width: headers.len(),
        headers: &headers,
        field_encoding,
        declared_encoding: detected.encoding,
        transcoded_from_utf16,
        max_field_bytes: options.max_field_bytes,
        source: index,
        line_offset,
    };

    // The file's checksum is computed beside the parse, not after it.
    let (sha256, parsed) = rayon::join(|| hex(&Sha256::digest(bytes)), || parse(&body));

    let info = SourceInfo {
        path: name.to_string(),
        size: bytes.len() as u64,
        sha256,
        encoding: detected.name(),
        encoding_evidence: detected.evidence,
        bom: detected.bom,
        dialect,
        headers,
        // Counted when the rows are laid out (`lay_out_source`).
        rows_read: 0,
        rows_quarantined: 0,
    };
    Ok((info, parsed))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_headers(record: &ByteRecord, enc: &'static Encoding) -> Option<Vec<String>> {
    let mut headers: Vec<String> = Vec::with_capacity(record.len());
    for (i, field) in record.iter().enumerate() {
        let mut name =
            encoding::decode_field(field, enc)?.trim().trim_start_matches('\u{feff}').to_string();
        if name.is_empty() {
            name = format!("column_{}", i + 1);
        }
        // Duplicate names would make columns ambiguous when several files are unified.
        let base = name.clone();
        let mut n = 2;
        while headers.contains(&name) {
            name = format!("{base} ({n})");
            n += 1;
        }
        headers.push(name);
    }
    Some(headers)
}

/// Why line 1 looks like data rather than a header, if it does.
fn header_problem(headers: &[String]) -> Option<String> {
    for h in headers {
        let digits = h.chars().filter(char::is_ascii_digit).count();
        if h.contains('@') && h.contains('.') {
            return Some(format!("`{h}` looks like an email address"));
        }
        if digits >= 7 && digits * 2 > h.chars().count() {
            return Some(format!("`{h}` looks like a phone number or an id"));
        }
        let b = h.as_bytes();
        let is_date = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| {
                if matches!(i, 2 | 5) {
                    matches!(c, b'.' | b'/' | b'-')
                } else {
                    c.is_ascii_digit()
                }
            });
        if is_date {
            return Some(format!("`{h}` looks like a date"));
        }
    }
    None
}

/// Several inputs seen as one table: the union of their columns in first-seen order.
#[derive(Debug)]
pub struct UnifiedInput {
    /// Per-file metadata, in input order.
    pub sources: Vec<SourceInfo>,
    /// Column names of the unified table.
    pub headers: Vec<String>,
    /// Where each readable row came from, in input order.
    pub rows: Vec<RowPlace>,
    /// The readable rows' values, parallel to `rows`, re-laid to the unified columns (missing
    /// columns empty). The pipeline takes them to normalize (`NormalizedRow::raw` gives the
    /// values as read back), so they are empty in an `Analysis`.
    pub records: Vec<StringRecord>,
    /// All quarantined rows, in input order.
    pub quarantine: Vec<QuarantinedRow>,
}

/// Unifies loaded files. Files with identical headers (the common case) are not copied field by field.
pub fn unify(loaded: Vec<LoadedSource>) -> UnifiedInput {
    let mut headers: Vec<String> = Vec::new();
    for l in &loaded {
        for h in &l.info.headers {
            if !headers.contains(h) {
                headers.push(h.clone());
            }
        }
    }
    let mut sources = Vec::with_capacity(loaded.len());
    let mut rows = Vec::new();
    let mut records = Vec::new();
    let mut quarantine = Vec::new();
    for l in loaded {
        rows.extend(l.rows.iter().map(InputRow::place));
        if l.info.headers == headers {
            records.extend(l.rows.into_iter().map(|r| r.record));
        } else {
            let positions: Vec<Option<usize>> =
                headers.iter().map(|h| l.info.headers.iter().position(|x| x == h)).collect();
            records.extend(l.rows.into_iter().map(|r| {
                let mut record =
                    StringRecord::with_capacity(r.record.as_slice().len(), positions.len());
                for p in &positions {
                    record.push_field(p.and_then(|i| r.record.get(i)).unwrap_or(""));
                }
                record
            }));
        }
        quarantine.extend(l.quarantine);
        sources.push(l.info);
    }
    UnifiedInput { sources, headers, rows, records, quarantine }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8]) -> Result<LoadedSource> {
        read_bytes(text, "test.csv", 0, &ReadOptions::default())
    }

    #[test]
    fn rows_are_numbered_and_ragged_rows_quarantined() {
        let src = read(b"id;name\n1;Ann\n2;Bob;extra\n3;\"multi\nline\"\n4;Dan\n")
            .map_err(|e| e.to_string());
        let src = src.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(src.info.dialect.delimiter, b';');
        assert_eq!(
            src.rows.iter().map(|r| (r.row, r.line)).collect::<Vec<_>>(),
            vec![(1, 2), (3, 4), (4, 6)]
        );
        assert_eq!(src.quarantine.len(), 1);
        assert_eq!(src.quarantine[0].row, 2);
        assert_eq!(src.quarantine[0].code, "IN001");
        assert_eq!(src.quarantine[0].raw, "2;Bob;extra");
        assert_eq!(src.info.rows_read, 4);
    }

    #[test]
    fn invalid_utf8_row_is_quarantined_with_raw_bytes_visible() {
        let mut text = "id,name\n".to_string().into_bytes();
        for i in 0..30 {
            text.extend_from_slice(format!("{i},Иван\n").as_bytes());
        }
        text.extend_from_slice(b"99,\xd0\n");
        let src = read(&text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(src.rows.len(), 30);
        assert_eq!(src.quarantine.len(), 1);
        assert_eq!(src.quarantine[0].code, "IN002");
        assert_eq!(src.quarantine[0].raw, "99,\\xD0");
    }

    #[test]
    fn long_fields_and_nul_bytes_are_quarantined() {
        let opts = ReadOptions { max_field_bytes: 10, ..ReadOptions::default() };
        let src = read_bytes(b"a,b\n1,0123456789abc\n2,x\x00y\n3,ok\n", "t.csv", 0, &opts)
            .unwrap_or_else(|e| panic!("{e}"));
        let codes: Vec<_> = src.quarantine.iter().map(|q| q.code).collect();
        assert_eq!(codes, vec!["IN003", "IN004"]);
        assert_eq!(src.rows.len(), 1);
    }

    #[test]
    fn clear_errors_for_empty_and_headerless_files() {
        assert!(matches!(read(b""), Err(Error::EmptyFile { .. })));
        assert!(matches!(read(b"\n\n"), Err(Error::EmptyFile { .. })));
        assert!(matches!(read(b"ivan@mail.ru,89161234567\n"), Err(Error::NoHeader { .. })));
        let header_only = read(b"id,name\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(header_only.rows.len(), 0);
    }

    #[test]
    fn excel_sep_line_and_bom() {
        let src =
            read(b"\xef\xbb\xbfsep=;\r\nid;name\r\n1;Ann\r\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(src.info.bom);
        assert!(src.info.dialect.excel_sep_line);
        assert_eq!(src.info.headers, vec!["id", "name"]);
        assert_eq!(src.rows[0].line, 3);
    }

    #[test]
    fn unify_lays_rows_on_the_union_of_columns() {
        let a = read_bytes(b"id,phone\n1,111\n", "a.csv", 0, &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let b = read_bytes(b"phone,email\n222,x@y.ru\n", "b.csv", 1, &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let u = unify(vec![a, b]);
        assert_eq!(u.headers, vec!["id", "phone", "email"]);
        assert_eq!(u.records[1].iter().collect::<Vec<_>>(), vec!["", "222", "x@y.ru"]);
        assert_eq!((u.rows.len(), u.records.len()), (2, 2));
        assert_eq!(u.rows[1].source, 1);
    }
}
