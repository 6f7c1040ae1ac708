//! What normalizers and checks say about a value: an [`Issue`] (pure, no location),
//! later placed at a row and column as a [`Finding`] by the pipeline.

use serde::Serialize;

/// How bad a finding is. `Error` fails the gate by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A change was made or a fact noted; never fails a gate.
    Info,
    /// Worth a look; fails the gate only with `--fail-on warn`.
    Warning,
    /// Must be fixed before the base is used.
    Error,
}

impl Severity {
    /// Lower-case name used in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `info`, `warning`/`warn`, `error`.
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" => Some(Severity::Info),
            "warn" | "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A problem or change found in one value by a pure function (normalizer or check).
/// It carries no location: the pipeline adds source, row and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Permanent rule code, e.g. `PH002`. Must be declared in the rule registry.
    pub code: &'static str,
    /// One human sentence. May contain the value: reports mask it unless asked.
    pub message: String,
    /// The fixed value or a suggestion (`gmail.com` for `gmial.com`), if any.
    pub suggestion: Option<String>,
}

impl Issue {
    /// An issue with no suggestion.
    pub fn new(code: &'static str, message: impl Into<String>) -> Issue {
        Issue { code, message: message.into(), suggestion: None }
    }

    /// An issue with a suggested or applied value.
    pub fn with_suggestion(
        code: &'static str,
        message: impl Into<String>,
        suggestion: impl Into<String>,
    ) -> Issue {
        Issue { code, message: message.into(), suggestion: Some(suggestion.into()) }
    }
}
