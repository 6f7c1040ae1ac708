//! [`Record`]: one row's values held compactly, as the pipeline keeps a million of them.
//!
//! A `csv::StringRecord` is a boxed header (with a parse position) plus its text and a `usize`
//! end per field: about 280 bytes over the text of a 23-column row. A `Record` is the text of
//! the cells back to back plus a `u32` end per cell: 32 bytes plus 4 a cell.

/// The values of one row, in column order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Record {
    text: Box<str>,
    ends: Box<[u32]>,
}

impl Record {
    /// A record with no cells.
    pub fn new() -> Record {
        Record::default()
    }

    /// The value of cell `i`, or `None` past the last cell.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = match i.checked_sub(1) {
            Some(prev) => self.ends.get(prev).map_or(0, |&e| e as usize),
            None => 0,
        };
        self.text.get(start..end)
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the record has no cells.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The cells in order.
    pub fn iter(&self) -> Cells<'_> {
        Cells { text: &self.text, ends: &self.ends, start: 0 }
    }

    /// All cells' text back to back (its length is the record's size in bytes).
    pub fn as_slice(&self) -> &str {
        &self.text
    }
}

/// `record[i]` as with `csv::StringRecord`, for tests only: it panics past the last cell, so
/// the library and the binary read cells with [`Record::get`].
#[cfg(test)]
impl std::ops::Index<usize> for Record {
    type Output = str;

    fn index(&self, i: usize) -> &str {
        match self.get(i) {
            Some(v) => v,
            None => panic!("cell {i} of a record with {} cells", self.len()),
        }
    }
}

/// Builds a [`Record`] cell by cell.
#[derive(Debug, Default)]
pub struct RecordBuilder {
    text: String,
    ends: Vec<u32>,
}

impl RecordBuilder {
    /// A builder with room for `bytes` of text and `cells` cells.
    pub fn with_capacity(bytes: usize, cells: usize) -> RecordBuilder {
        RecordBuilder { text: String::with_capacity(bytes), ends: Vec::with_capacity(cells) }
    }

    /// Appends one cell.
    pub fn push_field(&mut self, value: &str) {
        self.text.push_str(value);
        // Rows over 4 GiB are quarantined when read (IN003), so the end always fits; were it
        // not to, the cell would read as missing rather than as another cell's text.
        self.ends.push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    /// The value of cell `i` pushed so far.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = i.checked_sub(1).and_then(|p| self.ends.get(p)).map_or(0, |&e| e as usize);
        self.text.get(start..end)
    }

    /// The number of cells pushed so far.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether no cell was pushed yet.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The record, holding exactly its text and ends.
    pub fn finish(self) -> Record {
        Record { text: self.text.into_boxed_str(), ends: self.ends.into_boxed_slice() }
    }
}

impl From<Record> for RecordBuilder {
    /// Goes on from `record`'s cells (to append columns to a written row).
    fn from(record: Record) -> RecordBuilder {
        RecordBuilder { text: record.text.into_string(), ends: record.ends.into_vec() }
    }
}

impl<S: AsRef<str>> FromIterator<S> for Record {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Record {
        let mut b = RecordBuilder::default();
        for v in iter {
            b.push_field(v.as_ref());
        }
        b.finish()
    }
}

impl<S: AsRef<str>> From<Vec<S>> for Record {
    fn from(values: Vec<S>) -> Record {
        values.iter().collect()
    }
}

impl From<&csv::StringRecord> for Record {
    fn from(r: &csv::StringRecord) -> Record {
        let mut b = RecordBuilder::with_capacity(r.as_slice().len(), r.len());
        for v in r.iter() {
            b.push_field(v);
        }
        b.finish()
    }
}

/// The cells of a [`Record`], in order.
#[derive(Clone, Debug)]
pub struct Cells<'a> {
    text: &'a str,
    ends: &'a [u32],
    start: usize,
}

impl<'a> Iterator for Cells<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let (&end, rest) = self.ends.split_first()?;
        self.ends = rest;
        let end = end as usize;
        let value = self.text.get(self.start..end).unwrap_or("");
        self.start = end;
        Some(value)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.ends.len(), Some(self.ends.len()))
    }
}

impl ExactSizeIterator for Cells<'_> {}

impl<'a> IntoIterator for &'a Record {
    type Item = &'a str;
    type IntoIter = Cells<'a>;

    fn into_iter(self) -> Cells<'a> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_round_trip_including_empty_ones() {
        let cells = ["Иванов", "", "+79161234567", "", "x"];
        let r: Record = cells.iter().collect();
        assert_eq!(r.len(), 5);
        assert_eq!(r.iter().collect::<Vec<_>>(), cells);
        assert_eq!(r.get(2), Some("+79161234567"));
        assert_eq!(r.get(1), Some(""));
        assert_eq!(r.get(5), None);
        assert_eq!(r.as_slice(), "Иванов+79161234567x");
        let from_csv = Record::from(&csv::StringRecord::from(cells.to_vec()));
        assert_eq!(from_csv, r);
        assert_eq!((&r).into_iter().count(), 5);
    }

    #[test]
    fn empty_record_and_builder_views() {
        assert!(Record::new().is_empty());
        assert_eq!(Record::new().get(0), None);
        let mut b = RecordBuilder::with_capacity(4, 2);
        assert!(b.is_empty());
        b.push_field("ab");
        b.push_field("c");
        assert_eq!((b.len(), b.get(0), b.get(1), b.get(2)), (2, Some("ab"), Some("c"), None));
        assert_eq!(b.finish(), Record::from(vec!["ab", "c"]));
    }
}
