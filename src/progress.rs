//! Progress reporting from the library to whoever drives it (the CLI draws a bar).

/// Receives progress of long stages. Implementations must be cheap and thread-safe.
pub trait Progress: Sync {
    /// A stage starts with `total` units of work.
    fn start(&self, _stage: &'static str, _total: u64) {}
    /// `n` more units are done.
    fn advance(&self, _n: u64) {}
    /// The stage is over.
    fn finish(&self) {}
}

/// Progress that goes nowhere (library default, `--quiet`).
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Progress for Silent {}
