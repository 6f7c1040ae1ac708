//! Input: turning export files into rows. Encoding and dialect are sniffed, every data row
//! becomes either an [`InputRow`] or a [`QuarantinedRow`] with a reason — never dropped.

pub mod dialect;
pub mod encoding;
mod parse;
mod reader;
mod rules;

pub use rules::RULES;

pub use reader::{
    InputRow, LoadedSource, QuarantinedRow, ReadOptions, RowPlace, SourceInfo, UnifiedInput,
    read_bytes, read_source, unify,
};
