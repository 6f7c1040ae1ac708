//! What normalizers and checks say about a value: an [`Issue`] (pure, no location),
//! later placed at a row and column as a [`Finding`] by the pipeline.

use std::borrow::Cow;

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
    /// One human sentence. May contain the value: reports mask it unless asked. Fixed
    /// sentences are borrowed: a base has millions of "reformatted" issues.
    pub message: Cow<'static, str>,
    /// The fixed value or a suggestion (`gmail.com` for `gmial.com`), if any.
    pub suggestion: Option<Box<str>>,
}

impl Issue {
    /// An issue with no suggestion.
    pub fn new(code: &'static str, message: impl Into<Cow<'static, str>>) -> Issue {
        Issue { code, message: message.into(), suggestion: None }
    }

    /// An issue with a suggested or applied value.
    pub fn with_suggestion(
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
        suggestion: impl Into<String>,
    ) -> Issue {
        let suggestion: String = suggestion.into();
        Issue { code, message: message.into(), suggestion: Some(suggestion.into_boxed_str()) }
    }
}

/// A finding placed in the data: which file, row and column, and what the rule said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Index of the input file.
    #[serde(skip)]
    pub source: u32,
    /// 1-based data-row number in that file.
    pub row: u64,
    /// Column index in the unified table, if the finding is about one column.
    #[serde(skip)]
    pub column: Option<u32>,
    /// Rule code.
    pub code: &'static str,
    /// Effective severity.
    pub severity: Severity,
    /// The value before normalization (empty for row-level findings).
    pub before: String,
    /// The value written, or the suggested fix.
    pub after: String,
    /// Human explanation.
    pub message: String,
}

/// Where a finding is and what rule it is of, without its text: what the gate and the counts
/// need, cheap to produce for millions of findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindingKey {
    /// Index of the input file.
    pub source: u32,
    /// 1-based data-row number in that file.
    pub row: u64,
    /// Rule code.
    pub code: &'static str,
    /// Effective severity.
    pub severity: Severity,
}

impl Finding {
    /// The finding's place, rule and severity.
    pub fn key(&self) -> FindingKey {
        FindingKey { source: self.source, row: self.row, code: self.code, severity: self.severity }
    }
}

/// Masks a personal value for reports: keeps its shape and a little of it, enough to find
/// the row, not enough to read the person's data (`ivanov@mail.ru` → `i*****@mail.ru`,
/// `+79161234567` → `+7*******67`, `Иванов Иван` → `И***** И***`).
pub fn mask_value(value: &str) -> String {
    if let Some((local, domain)) = value.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!(
            "{first}{}@{domain}",
            "*".repeat(local.chars().count().saturating_sub(1).max(1))
        );
    }
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if digits >= 5 {
        let mut seen = 0;
        return value
            .chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    seen += 1;
                    if seen <= 1 || seen > digits - 2 { c } else { '*' }
                } else {
                    c
                }
            })
            .collect();
    }
    value
        .split(' ')
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => format!("{first}{}", "*".repeat(chars.count())),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_shape_not_content() {
        assert_eq!(mask_value("ivanov@mail.ru"), "i*****@mail.ru");
        assert_eq!(mask_value("+79161234567"), "+7********67");
        assert_eq!(mask_value("Иванов Иван"), "И***** И***");
        assert_eq!(mask_value(""), "");
        assert_eq!(Severity::parse("WARN"), Some(Severity::Warning));
    }
}
