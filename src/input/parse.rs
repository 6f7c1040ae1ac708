//! Parsing a file's data rows, in parallel chunks.
//!
//! The text after the header is cut into chunks of about [`CHUNK_BYTES`], each ending just after
//! a `\n`, and every chunk is parsed on its own (rayon) as if a record started there. That guess
//! is wrong only where the `\n` lies inside a quoted field. It is checked in order afterwards: a
//! chunk's guess holds when the chunk before it (itself right) ended between records. Where it
//! ended inside a record, that record is parsed again from its true start, serially, until a
//! record ends at a byte where the chunk's own parse also ended one; from there both parses are
//! in the same state (csv_core's state after a record depends on nothing before it), so the
//! chunk's records after that byte are kept. Row numbers, line numbers and quarantine reasons
//! are therefore exactly those of one serial parse; a proptest compares the two.
//!
//! Each record is built with exactly the capacity its values need (one allocation for the text,
//! one for the field ends), and UTF-8 is validated once per record rather than per field.

use csv::StringRecord;
use csv_core::{ReadRecordResult, Reader, ReaderBuilder};
use encoding_rs::{Encoding, UTF_8};
use rayon::prelude::*;

use super::encoding;
use super::reader::{InputRow, QuarantinedRow};

/// Target size of one parse chunk. Small enough to balance two to sixteen threads on a base of a
/// few hundred megabytes, large enough that the per-chunk cost (a vector or two) is nothing.
pub(crate) const CHUNK_BYTES: usize = 1 << 21;

/// What the data-row parse needs to know about a file (decided from the header and the sniffing).
pub(crate) struct Body<'t> {
    /// The text after any BOM and Excel `sep=` line: the header starts at offset 0.
    pub text: &'t [u8],
    /// Offset just after the header record.
    pub data_start: usize,
    /// Field delimiter.
    pub delimiter: u8,
    /// Number of header fields.
    pub width: usize,
    /// Header names (for the quarantine reasons).
    pub headers: &'t [String],
    /// Encoding of the field bytes (UTF-8 after a UTF-16 transcode).
    pub field_encoding: &'static Encoding,
    /// The file's detected encoding (named in IN002 reasons).
    pub declared_encoding: &'static Encoding,
    /// Whether the text was transcoded from UTF-16 (U+FFFD then marks an undecodable unit).
    pub transcoded_from_utf16: bool,
    /// Fields longer than this send their row to quarantine (IN003).
    pub max_field_bytes: usize,
    /// Index of the input file.
    pub source: u32,
    /// Physical lines before `text` (the `sep=` line).
    pub line_offset: u64,
}

/// Parses every data row of `body`, with chunks of about `chunk_bytes`. Returns the readable rows,
/// the quarantined rows (both in file order) and the number of data rows seen.
pub(crate) fn parse_rows(body: &Body<'_>, chunk_bytes: usize) -> Parsed {
    let text = body.text;
    let ranges = chunk_ranges(text, body.data_start, chunk_bytes);
    let last = ranges.len().saturating_sub(1);
    let mut guesses: Vec<Option<Chunk>> = ranges
        .par_iter()
        .enumerate()
        .map(|(i, &(from, to))| Some(parse_chunk(body, from, to, i == last)))
        .collect();

    // Newlines before each chunk, for line numbers.
    let mut newlines_before = Vec::with_capacity(ranges.len());
    let mut newlines = count_newlines(text.get(..body.data_start).unwrap_or_default());
    for guess in guesses.iter().flatten() {
        newlines_before.push(newlines);
        newlines += guess.newlines;
    }

    let mut pieces: Vec<Piece> = Vec::with_capacity(ranges.len());
    // End of the last record taken so far, and whether the next chunk's guess holds.
    let mut last_end = body.data_start;
    let mut next_holds = true;
    let mut k = 0;
    while k < ranges.len() {
        if next_holds {
            let Some(chunk) = guesses.get_mut(k).and_then(Option::take) else { break };
            last_end = chunk.last_end.unwrap_or(last_end);
            next_holds = !chunk.partial;
            pieces.push(Piece {
                newline_base: newlines_before.get(k).copied().unwrap_or(0),
                skip: 0,
                chunk,
            });
            k += 1;
            continue;
        }
        // Chunk `k` started inside a record: parse again from the end of the last good record.
        let from = last_end;
        let home = ranges.partition_point(|&(_, to)| to <= from).min(last);
        let home_start = ranges.get(home).map_or(from, |r| r.0);
        let newline_base = newlines_before.get(home).copied().unwrap_or(0)
            + count_newlines(text.get(home_start..from).unwrap_or_default());
        let mut collector = Collector::new(body, from, 0);
        let mut scanner = Scanner::new(body.delimiter);
        let mut synced: Option<(usize, usize)> = None;
        // Where each chunk's guess ended its records: parsed again here, as resyncs are rare.
        let mut guess_ends: Vec<Option<Vec<usize>>> = vec![None; ranges.len()];
        scanner.scan(text, from, text.len(), true, |end, fields, field_ends| {
            collector.push(end, RecordView { data: fields, ends: field_ends, gap: 0 });
            // The chunk this record ends in, and whether that chunk's guess also ended one here.
            let m = ranges.partition_point(|&(_, to)| to < end);
            let (Some(&(chunk_from, chunk_to)), Some(cached)) =
                (ranges.get(m), guess_ends.get_mut(m))
            else {
                return false;
            };
            if m < k {
                return false;
            }
            let ends =
                cached.get_or_insert_with(|| record_ends(body, chunk_from, chunk_to, m == last));
            match ends.binary_search(&end).ok() {
                Some(index) => {
                    synced = Some((m, index));
                    true
                }
                None => false,
            }
        });
        let resumed = collector.finish(text.len());
        pieces.push(Piece { newline_base, skip: 0, chunk: resumed });
        match synced {
            Some((m, index)) => {
                let Some(chunk) = guesses.get_mut(m).and_then(Option::take) else { break };
                last_end = chunk.last_end.unwrap_or(last_end);
                next_holds = !chunk.partial;
                pieces.push(Piece {
                    newline_base: newlines_before.get(m).copied().unwrap_or(0),
                    skip: index as u64 + 1,
                    chunk,
                });
                k = m + 1;
            }
            None => break,
        }
    }

    Parsed::Pieces { pieces, source: body.source, first_line: 1 + body.line_offset }
}

/// Parsed rows, not yet laid out: they own everything, so the file's bytes can be freed before
/// the rows are put in one vector (whose memory can then be the file's).
pub(crate) enum Parsed {
    /// Chunks in file order.
    Pieces { pieces: Vec<Piece>, source: u32, first_line: u64 },
    /// Rows already laid out (the serial parse of the tests).
    #[cfg(test)]
    Rows(Vec<InputRow>, Vec<QuarantinedRow>, u64),
}

impl Parsed {
    /// The readable rows, the quarantined rows (both in file order) and the number of rows seen.
    pub(crate) fn into_rows(self) -> (Vec<InputRow>, Vec<QuarantinedRow>, u64) {
        match self {
            Parsed::Pieces { pieces, source, first_line } => lay_out(pieces, source, first_line),
            #[cfg(test)]
            Parsed::Rows(rows, quarantine, seen) => (rows, quarantine, seen),
        }
    }
}

fn lay_out(
    pieces: Vec<Piece>,
    source: u32,
    first_line: u64,
) -> (Vec<InputRow>, Vec<QuarantinedRow>, u64) {
    let total: usize = pieces.iter().map(|p| p.chunk.records.len()).sum();
    let mut rows = Vec::with_capacity(total);
    let mut quarantine = Vec::new();
    let mut seen = 0u64;
    for piece in pieces {
        let Piece { newline_base, skip, chunk } = piece;
        // Readable rows are numbered around the quarantined ones.
        let mut quarantined = chunk.quarantine.iter().map(|q| q.row).peekable();
        let mut row = 0u64;
        for (record, line) in chunk.records.into_iter().zip(chunk.lines) {
            row += 1;
            while quarantined.next_if_eq(&row).is_some() {
                row += 1;
            }
            if row > skip {
                rows.push(InputRow {
                    source,
                    row: row - skip + seen,
                    line: line + newline_base + first_line,
                    record,
                });
            }
        }
        quarantine.extend(chunk.quarantine.into_iter().filter(|q| q.row > skip).map(|mut q| {
            q.row = q.row - skip + seen;
            q.line += newline_base + first_line;
            q
        }));
        seen += chunk.seen.saturating_sub(skip);
    }
    (rows, quarantine, seen)
}

/// Splits `text[from..]` into ranges of about `chunk_bytes`, each but the last ending just after
/// a `\n`.
fn chunk_ranges(text: &[u8], from: usize, chunk_bytes: usize) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut start = from.min(text.len());
    loop {
        let target = start.saturating_add(chunk_bytes.max(1));
        let end = match text.get(target..) {
            Some(rest) if !rest.is_empty() => {
                rest.iter().position(|&b| b == b'\n').map_or(text.len(), |i| target + i + 1)
            }
            _ => text.len(),
        };
        ranges.push((start, end));
        if end >= text.len() {
            return ranges;
        }
        start = end;
    }
}

/// One chunk's rows, numbered from its start: rows are 1-based within the chunk, lines count
/// the newlines between the chunk's start and the row's. Readable rows are kept as compactly as
/// they can be (their places are rebuilt when the chunks are joined).
struct Chunk {
    /// The readable rows' values.
    records: Vec<StringRecord>,
    /// The readable rows' lines.
    lines: Vec<u64>,
    /// Quarantined rows, with chunk-relative `row` and `line`.
    quarantine: Vec<QuarantinedRow>,
    /// Offset just after the last record, if any.
    last_end: Option<usize>,
    /// Records seen.
    seen: u64,
    /// Newlines in the chunk's range (the part parsed, for a resumed parse).
    newlines: u64,
    /// Whether the range ended inside a record.
    partial: bool,
}

/// A chunk placed in the file: the newlines before its start, and how many of its first records
/// were superseded by a resumed parse.
pub(crate) struct Piece {
    newline_base: u64,
    skip: u64,
    chunk: Chunk,
}

fn parse_chunk(body: &Body<'_>, from: usize, to: usize, eof: bool) -> Chunk {
    let text = body.text;
    let to = to.min(text.len());
    let region = text.get(from..to).unwrap_or_default();
    // Records are about lines: size the chunk's vectors once.
    let capacity = memchr::memchr_iter(b'\n', region).count() + 1;
    let mut collector = Collector::new(body, from, capacity);
    let mut scanner = Scanner::new(body.delimiter);
    let delimiter = body.delimiter;
    if !delimiter.is_ascii() || matches!(delimiter, b'"' | b'\r' | b'\n') {
        let partial = scanner.scan(text, from, to, eof, |end, fields, field_ends| {
            collector.push(end, RecordView { data: fields, ends: field_ends, gap: 0 });
            false
        });
        let mut chunk = collector.finish(to);
        chunk.partial = partial;
        return chunk;
    }
    // A record with no quote before its line break is what csv_core would make of it: the line
    // split at each delimiter. Those are split here directly (memchr); a record with a quote,
    // or one cut by the end of the chunk, goes through csv_core from its start.
    let mut field_ends: Vec<usize> = Vec::with_capacity(64);
    let mut pos = from;
    let mut partial = false;
    loop {
        while pos < to && matches!(text.get(pos), Some(b'\r' | b'\n')) {
            pos += 1;
        }
        let rest = text.get(pos..to).unwrap_or_default();
        if rest.is_empty() {
            break;
        }
        let line_end = match memchr::memchr3(b'"', b'\r', b'\n', rest) {
            Some(i) if rest.get(i) != Some(&b'"') => Some((i, pos + i + 1)),
            None if eof => Some((rest.len(), to)),
            _ => None,
        };
        if let Some((len, end)) = line_end {
            let line = rest.get(..len).unwrap_or_default();
            field_ends.clear();
            field_ends.extend(memchr::memchr_iter(delimiter, line));
            field_ends.push(line.len());
            collector.push(end, RecordView { data: line, ends: &field_ends, gap: 1 });
            pos = end;
            continue;
        }
        let mut next = None;
        partial = scanner.scan(text, pos, to, eof, |end, fields, ends| {
            collector.push(end, RecordView { data: fields, ends, gap: 0 });
            next = Some(end);
            true
        });
        match next {
            Some(end) => pos = end,
            None => break,
        }
    }
    let mut chunk = collector.finish(to);
    chunk.partial = partial;
    chunk
}

/// Where the records of `text[from..to]` end, parsed as [`parse_chunk`] parses them.
fn record_ends(body: &Body<'_>, from: usize, to: usize, eof: bool) -> Vec<usize> {
    let mut ends = Vec::new();
    Scanner::new(body.delimiter).scan(body.text, from, to, eof, |end, _, _| {
        ends.push(end.min(body.text.len()));
        false
    });
    ends
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// csv_core, configured as the `csv` crate configures it for the header (so both parse alike),
/// with buffers for one record.
struct Scanner {
    core: Reader,
    fields: Vec<u8>,
    ends: Vec<usize>,
    fed: bool,
}

impl Scanner {
    fn new(delimiter: u8) -> Scanner {
        Scanner {
            core: ReaderBuilder::new().delimiter(delimiter).build(),
            fields: vec![0; 4096],
            ends: vec![0; 64],
            fed: false,
        }
    }

    /// Parses `text[from..to]` (then signals the end of input when `eof`), calling `on_record`
    /// with each record's end offset, bytes and field ends; `on_record` returning true stops the
    /// scan. Returns whether `to` was reached inside a record.
    fn scan(
        &mut self,
        text: &[u8],
        from: usize,
        to: usize,
        eof: bool,
        mut on_record: impl FnMut(usize, &[u8], &[usize]) -> bool,
    ) -> bool {
        let to = to.min(text.len());
        let (mut pos, mut out_len, mut end_len) = (from.min(to), 0usize, 0usize);
        loop {
            let mut input = text.get(pos..to).unwrap_or_default();
            if !self.fed && input.len() > 2 {
                // csv_core strips a UTF-8 BOM from its very first input; the middle of a file has
                // none to strip, so the first call is too short to look like one.
                input = input.get(..2).unwrap_or_default();
            }
            if input.is_empty() && !eof {
                return out_len > 0 || end_len > 0;
            }
            self.fed = true;
            let (result, read, written, ended) = self.core.read_record(
                input,
                self.fields.get_mut(out_len..).unwrap_or_default(),
                self.ends.get_mut(end_len..).unwrap_or_default(),
            );
            pos += read;
            out_len += written;
            end_len += ended;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    let len = self.fields.len().max(64) * 2;
                    self.fields.resize(len, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len().max(8) * 2;
                    self.ends.resize(len, 0);
                }
                ReadRecordResult::Record => {
                    let ends = self.ends.get(..end_len).unwrap_or_default();
                    let used = ends.last().copied().unwrap_or(0);
                    let fields = self.fields.get(..used).unwrap_or_default();
                    let stop = on_record(pos, fields, ends);
                    out_len = 0;
                    end_len = 0;
                    if stop {
                        return false;
                    }
                }
                ReadRecordResult::End => return false,
            }
        }
    }
}

/// Turns parsed records into rows or quarantined rows, numbered from where it started.
struct Collector<'b, 't> {
    body: &'b Body<'t>,
    out: Chunk,
    /// End of the previous record (the next one starts after any line breaks from here).
    prev_end: usize,
    /// Start of the previous record, and the newlines between the collector's start and it.
    cursor: usize,
    line: u64,
    /// Scratch for decoding legacy code pages.
    text: String,
    text_ends: Vec<usize>,
}

impl<'b, 't> Collector<'b, 't> {
    fn new(body: &'b Body<'t>, from: usize, capacity: usize) -> Self {
        Collector {
            body,
            out: Chunk {
                records: Vec::with_capacity(capacity),
                lines: Vec::with_capacity(capacity),
                quarantine: Vec::new(),
                last_end: None,
                seen: 0,
                newlines: 0,
                partial: false,
            },
            prev_end: from,
            cursor: from,
            line: 0,
            text: String::new(),
            text_ends: Vec::new(),
        }
    }

    fn push(&mut self, end: usize, record: RecordView<'_>) {
        let body = self.body;
        let text = body.text;
        let end = end.min(text.len());
        self.out.seen += 1;
        self.out.last_end = Some(end);
        let mut start = self.prev_end.min(end);
        while start < end && matches!(text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        // Physical lines are counted here, not taken from csv_core, whose count lags by one
        // line after a CRLF terminator.
        self.line += count_newlines(text.get(self.cursor..start).unwrap_or_default());
        self.cursor = start;
        self.prev_end = end;
        let (row, line) = (self.out.seen, self.line);

        let problem = row_problem(record, body);
        let decoded = if problem.is_none() { self.decode(record) } else { None };
        match (problem, decoded) {
            (None, Some(record)) => {
                self.out.records.push(record);
                self.out.lines.push(line);
            }
            (problem, _) => {
                let (code, reason) = problem.unwrap_or_else(|| {
                    (
                        "IN002",
                        format!("bytes that are not valid {} text", body.declared_encoding.name()),
                    )
                });
                let raw = trim_line_end(text.get(start..end).unwrap_or_default());
                self.out.quarantine.push(QuarantinedRow {
                    source: body.source,
                    row,
                    line,
                    code,
                    reason,
                    raw: encoding::decode_lossless_display(raw, body.field_encoding),
                });
            }
        }
    }

    /// The record's values as text, or `None` when a field is not valid in the file's encoding
    /// (or, after a UTF-16 transcode, holds a replacement character).
    fn decode(&mut self, record: RecordView<'_>) -> Option<StringRecord> {
        if self.body.field_encoding == UTF_8 {
            // Delimiters are ASCII: the record is valid UTF-8 exactly when each field is (a
            // field cut inside a character fails the boundary check in `exact_record`).
            let text = std::str::from_utf8(record.data).ok()?;
            if self.body.transcoded_from_utf16 && text.contains('\u{FFFD}') {
                return None;
            }
            return exact_record(text, record);
        }
        // Legacy code pages: ASCII fields as they are, others through encoding_rs, into one
        // scratch buffer so the record can be allocated at its decoded size.
        self.text.clear();
        self.text_ends.clear();
        for (start, end) in record.fields() {
            let field = record.data.get(start..end).unwrap_or_default();
            if field.is_ascii() {
                self.text.push_str(std::str::from_utf8(field).ok()?);
            } else {
                let (decoded, had_errors) =
                    self.body.field_encoding.decode_without_bom_handling(field);
                if had_errors {
                    return None;
                }
                self.text.push_str(&decoded);
            }
            self.text_ends.push(self.text.len());
        }
        let decoded = RecordView { data: self.text.as_bytes(), ends: &self.text_ends, gap: 0 };
        exact_record(&self.text, decoded)
    }

    fn finish(mut self, to: usize) -> Chunk {
        let rest = self.body.text.get(self.cursor..to.max(self.cursor)).unwrap_or_default();
        self.out.newlines = self.line + count_newlines(rest);
        self.out
    }
}

/// One parsed record: its fields are `data` cut at `ends`, with `gap` bytes (a delimiter, or
/// none) between one field's end and the next one's start.
#[derive(Clone, Copy)]
struct RecordView<'a> {
    data: &'a [u8],
    ends: &'a [usize],
    gap: usize,
}

impl<'a> RecordView<'a> {
    /// Each field's byte range in `data`.
    fn fields(self) -> impl Iterator<Item = (usize, usize)> + 'a {
        let gap = self.gap;
        self.ends.iter().scan(0usize, move |start, &end| {
            let range = (*start, end);
            *start = end + gap;
            Some(range)
        })
    }

    /// Bytes in the fields, together.
    fn value_bytes(self) -> usize {
        let ends = self.ends.len().saturating_sub(1) * self.gap;
        self.ends.last().map_or(0, |&last| last.saturating_sub(ends))
    }
}

/// A record of `text` (the record's data, decoded) cut as `record` says, allocated at exactly
/// its size; `None` when a cut is not a character boundary (a field that is not valid UTF-8 on
/// its own).
fn exact_record(text: &str, record: RecordView<'_>) -> Option<StringRecord> {
    let mut out = StringRecord::with_capacity(record.value_bytes(), record.ends.len());
    for (start, end) in record.fields() {
        out.push_field(text.get(start..end)?);
    }
    Some(out)
}

/// The row's text without its line break.
pub(crate) fn trim_line_end(bytes: &[u8]) -> &[u8] {
    let mut end = bytes.len();
    while end > 0 && matches!(bytes.get(end - 1), Some(b'\n' | b'\r')) {
        end -= 1;
    }
    bytes.get(..end).unwrap_or_default()
}

/// Why a parsed row cannot be taken as a record, if it cannot.
fn row_problem(record: RecordView<'_>, body: &Body<'_>) -> Option<(&'static str, String)> {
    let width = body.width;
    if record.ends.len() != width {
        return Some((
            "IN001",
            format!(
                "row has {} fields but the header has {width}: a stray delimiter or quote shifted the columns",
                record.ends.len()
            ),
        ));
    }
    // Normalized rows address their text with 32-bit offsets (`ChangedCells`).
    let row_bytes = record.value_bytes();
    if u32::try_from(row_bytes).is_err() {
        return Some((
            "IN003",
            format!(
                "row is {row_bytes} bytes long, over the 4 GiB a row may hold; split the field"
            ),
        ));
    }
    let max = body.max_field_bytes;
    // Most rows have neither problem: look field by field only when the row might have one.
    if row_bytes <= max && !record.data.contains(&0) {
        return None;
    }
    for (i, (start, end)) in record.fields().enumerate() {
        let field = record.data.get(start..end).unwrap_or_default();
        let len = field.len();
        let name = || body.headers.get(i).map_or("?", String::as_str);
        if len > max {
            return Some((
                "IN003",
                format!(
                    "field `{}` is {len} bytes long, over the {max}-byte limit (--max-field-bytes)",
                    name()
                ),
            ));
        }
        if field.contains(&0) {
            return Some(("IN004", format!("field `{}` contains a NUL byte", name())));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use csv::ByteRecord;

    use super::*;
    use crate::input::ReadOptions;
    use crate::input::reader::{LoadedSource, lay_out_source, read_bytes_with};

    /// The data-row loop as it was before chunking: one `csv::Reader` over the whole text.
    fn serial(body: &Body<'_>) -> (Vec<InputRow>, Vec<QuarantinedRow>, u64) {
        let text = body.text;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(body.delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        let mut record = ByteRecord::new();
        assert!(matches!(reader.read_byte_record(&mut record), Ok(true)));
        assert_eq!(reader.position().byte() as usize, body.data_start);
        let (mut rows, mut quarantine, mut row_number) = (Vec::new(), Vec::new(), 0u64);
        let mut start = reader.position().byte() as usize;
        let mut line_cursor = (0usize, 1u64);
        while reader.read_byte_record(&mut record).unwrap_or_else(|e| panic!("{e}")) {
            let end = (reader.position().byte() as usize).min(text.len());
            row_number += 1;
            while start < end && matches!(text[start], b'\r' | b'\n') {
                start += 1;
            }
            line_cursor.1 +=
                text[line_cursor.0..start].iter().filter(|&&b| b == b'\n').count() as u64;
            line_cursor.0 = start;
            let line = line_cursor.1 + body.line_offset;
            let raw_bytes = trim_line_end(&text[start..end]);
            let problem = old_row_problem(&record, body.width, body.max_field_bytes, body.headers);
            let decoded = if problem.is_none() {
                old_decode_record(&record, body.field_encoding)
            } else {
                None
            };
            match (problem, decoded) {
                (None, Some(fields))
                    if !(body.transcoded_from_utf16
                        && fields.iter().any(|f| f.contains('\u{FFFD}'))) =>
                {
                    rows.push(InputRow {
                        source: body.source,
                        row: row_number,
                        line,
                        record: fields,
                    });
                }
                (problem, _) => {
                    let (code, reason) = problem.unwrap_or_else(|| {
                        (
                            "IN002",
                            format!(
                                "bytes that are not valid {} text",
                                body.declared_encoding.name()
                            ),
                        )
                    });
                    quarantine.push(QuarantinedRow {
                        source: body.source,
                        row: row_number,
                        line,
                        code,
                        reason,
                        raw: encoding::decode_lossless_display(raw_bytes, body.field_encoding),
                    });
                }
            }
            start = end;
        }
        (rows, quarantine, row_number)
    }

    fn old_decode_record(record: &ByteRecord, enc: &'static Encoding) -> Option<StringRecord> {
        let mut out = StringRecord::with_capacity(record.as_slice().len(), record.len());
        for field in record {
            if enc == UTF_8 {
                out.push_field(std::str::from_utf8(field).ok()?);
            } else {
                out.push_field(&encoding::decode_field(field, enc)?);
            }
        }
        Some(out)
    }

    /// Why a parsed row cannot be taken as a record, if it cannot.
    fn old_row_problem(
        record: &ByteRecord,
        width: usize,
        max_field_bytes: usize,
        headers: &[String],
    ) -> Option<(&'static str, String)> {
        if record.len() != width {
            return Some((
                "IN001",
                format!(
                    "row has {} fields but the header has {width}: a stray delimiter or quote shifted the columns",
                    record.len()
                ),
            ));
        }
        // Normalized rows address their text with 32-bit offsets (`ChangedCells`).
        let row_bytes = record.as_slice().len();
        if u32::try_from(row_bytes).is_err() {
            return Some((
                "IN003",
                format!(
                    "row is {row_bytes} bytes long, over the 4 GiB a row may hold; split the field"
                ),
            ));
        }
        for (i, field) in record.iter().enumerate() {
            if field.len() > max_field_bytes {
                return Some((
                    "IN003",
                    format!(
                        "field `{}` is {} bytes long, over the {}-byte limit (--max-field-bytes)",
                        headers.get(i).map_or("?", String::as_str),
                        field.len(),
                        max_field_bytes
                    ),
                ));
            }
            if field.contains(&0) {
                return Some((
                    "IN004",
                    format!(
                        "field `{}` contains a NUL byte",
                        headers.get(i).map_or("?", String::as_str)
                    ),
                ));
            }
        }
        None
    }

    /// Everything a read produced, in a comparable form: rows (number, line, values),
    /// quarantined rows as text, rows read, rows quarantined.
    type Summary = (Vec<(u64, u64, Vec<String>)>, Vec<String>, u64, u64);

    fn summary(src: &LoadedSource) -> Summary {
        let rows = src
            .rows
            .iter()
            .map(|r| (r.row, r.line, r.record.iter().map(str::to_string).collect()))
            .collect();
        let quarantine = src
            .quarantine
            .iter()
            .map(|q| format!("{} {} {} {} {:?}", q.row, q.line, q.code, q.reason, q.raw))
            .collect();
        (rows, quarantine, src.info.rows_read, src.info.rows_quarantined)
    }

    fn read_with(text: &[u8], opts: &ReadOptions, chunk: Option<usize>) -> Option<Summary> {
        let src = match chunk {
            Some(c) => read_bytes_with(text, "t.csv", 0, opts, |b| parse_rows(b, c)),
            None => read_bytes_with(text, "t.csv", 0, opts, |b| {
                let (rows, quarantine, seen) = serial(b);
                Parsed::Rows(rows, quarantine, seen)
            }),
        };
        src.ok().map(|(info, parsed)| summary(&lay_out_source(info, parsed)))
    }

    /// Asserts that every chunk size in `chunks` reads `text` exactly as the serial parse does.
    fn assert_same(text: &[u8], opts: &ReadOptions, chunks: impl IntoIterator<Item = usize>) {
        let expected = read_with(text, opts, None);
        for chunk in chunks {
            let got = read_with(text, opts, Some(chunk));
            assert_eq!(got, expected, "chunk size {chunk} on {:?}", String::from_utf8_lossy(text));
        }
    }

    const TRICKY: &[&[u8]] = &[
        b"id;name;note\n1;Ann;\"multi\nline\"\n2;Bob;\"a;b\"\n3;Cy;x\n",
        b"id,name\r\n1,\"a\r\nb\"\r\n2,c\r\n\r\n\r\n3,d\r\n",
        b"\xef\xbb\xbfsep=;\r\nid;name\r\n1;\"x\n\ny\"\r\n2;Bob;extra\r\n3;\"q\"\"\n\"\"q\"\r\n",
        b"id,name\n1,\"\n\n\n\n\n\n\n\"\n2,\"\"\"\n,\"\n3,x\"y\nz\n4,w",
        b"id,name\n1,\xd0\n2,\xd0\x98\n3,a\x00b\n4,\"\xd0\n\x98\"\n5,ok\n",
        b"id,name\n\"1\",\"unterminated\n2,b\n3,c\n",
        b"id,name\n1,a\r2,b\r\r3,\"c\rd\"\r4,\xef\xbb\xbfe\n\xef\xbb\xbf5,f\n",
    ];

    #[test]
    fn chunked_parse_matches_serial_on_tricky_inputs() {
        for text in TRICKY {
            assert_same(text, &ReadOptions::default(), 1..=text.len() + 1);
        }
        let opts = ReadOptions { max_field_bytes: 3, ..ReadOptions::default() };
        for text in TRICKY {
            assert_same(text, &opts, 1..=text.len() + 1);
        }
    }

    #[test]
    fn chunked_parse_matches_serial_in_legacy_code_pages_and_utf16() {
        let (cp, _, _) = encoding_rs::WINDOWS_1251
            .encode("ФИО;Город\nИванов;\"Москва\nЦентр\"\nПетров;Тула\n\"Сидоров\";\"Омск\"\n");
        let mut cp = cp.into_owned();
        cp.extend_from_slice(b"\x98;x\n");
        let opts =
            ReadOptions { encoding: Some(encoding_rs::WINDOWS_1251), ..ReadOptions::default() };
        assert_same(&cp, &opts, 1..=cp.len());
        let mut le = vec![0xFF, 0xFE];
        le.extend("id,name\n1,\"a\nb\"\n2,c\n".encode_utf16().flat_map(|u| u.to_le_bytes()));
        le.extend_from_slice(&[0x00, 0xD8, b'\n', 0]);
        assert_same(&le, &ReadOptions::default(), 1..=40);
    }

    #[test]
    fn a_chunk_boundary_inside_a_quoted_field_is_resynchronised() {
        // Every line but the first ends inside a quoted field: each chunk guess is wrong.
        let mut text = b"id,note\n".to_vec();
        for i in 0..200 {
            text.extend_from_slice(format!("{i},\"line a\nline b\n{i},x\nline c\"\n").as_bytes());
        }
        let src = read_bytes_with(&text, "t.csv", 0, &ReadOptions::default(), |b| parse_rows(b, 7))
            .map(|(info, parsed)| lay_out_source(info, parsed))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(src.rows.len(), 200);
        assert_eq!(src.rows[199].line, 2 + 199 * 4);
        assert_same(&text, &ReadOptions::default(), [1, 5, 16, 33, 100, 1000]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn chunked_parse_matches_serial(
            body in proptest::collection::vec(
                proptest::sample::select(vec![
                    b'a', b'b', b'1', b',', b';', b'"', b'"', b'\n', b'\n', b'\r', 0u8, 0xd0, 0x98,
                    0xef, 0xbb, 0xbf, 0xff, b' ',
                ]),
                0..300,
            ),
            prefix in proptest::sample::select(vec![
                &b""[..], &b"\xef\xbb\xbf"[..], &b"sep=;\r\n"[..], &b"sep=,\n"[..],
            ]),
            header in proptest::sample::select(vec![&b"id,name\n"[..], &b"id;name;x\r\n"[..]]),
            max_field_bytes in proptest::sample::select(vec![4usize, 1 << 20]),
            delimiter in proptest::sample::select(vec![
                None, None, None, Some(b';'), Some(b'"'), Some(b'\n'), Some(0xd0),
            ]),
            chunk in 1usize..64,
        ) {
            let mut text = prefix.to_vec();
            text.extend_from_slice(header);
            text.extend_from_slice(&body);
            let opts = ReadOptions { max_field_bytes, delimiter, ..ReadOptions::default() };
            let expected = read_with(&text, &opts, None);
            proptest::prop_assert_eq!(read_with(&text, &opts, Some(chunk)), expected.clone());
            proptest::prop_assert_eq!(read_with(&text, &opts, Some(CHUNK_BYTES)), expected);
        }
    }
}
