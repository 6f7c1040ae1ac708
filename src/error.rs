//! Errors that stop a run: unreadable files, bad options, bad rules files.
//! Bad *data* is never an error: it becomes a finding or a quarantined row.

use std::path::PathBuf;

/// A failure that stops the run (exit code 2). Each variant says what, where and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input file could not be opened or read.
    #[error("{path}: cannot read the file: {cause}. Check the path and permissions.")]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        cause: std::io::Error,
    },
    /// An input path is a directory.
    #[error("{path}: is a directory, not a file. Name a CSV file instead.")]
    IsDirectory {
        /// The path.
        path: PathBuf,
    },
    /// An input file is empty.
    #[error(
        "{path}: the file is empty (0 bytes). Export the base again; an export needs at least a header row."
    )]
    EmptyFile {
        /// The file.
        path: PathBuf,
    },
    /// The file has no header row.
    #[error(
        "{path}: line 1 is not a header row ({detail}). Add a header line with column names as the first line."
    )]
    NoHeader {
        /// The file.
        path: PathBuf,
        /// Why line 1 looks like data.
        detail: String,
    },
    /// The file is not text in any supported encoding.
    #[error(
        "{path}: {detail}. steward reads CSV text in UTF-8, UTF-16, Windows-1251 or KOI8-R; pass --encoding if you know the encoding."
    )]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What was found.
        detail: String,
    },
    /// A bad option value.
    #[error("{0}")]
    Usage(String),
    /// A bad rules file, with `file:line:column` in the message.
    #[error("{0}")]
    Config(String),
    /// Writing an output failed.
    #[error(
        "{path}: cannot write: {cause}. Check free disk space and permissions of the output folder."
    )]
    Write {
        /// The output path.
        path: PathBuf,
        /// The OS error.
        cause: std::io::Error,
    },
}

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
