//! Pure normalizers: value in, normalized value plus issues out. No I/O, no printing.
//!
//! [`normalize_row`] dispatches each cell to the normalizer of its column's role; the pipeline
//! runs it over rows in parallel and keeps the output in row order.

use csv::StringRecord;

use crate::finding::Issue;
use crate::roles::{ColumnMap, Role};

/// Settings every normalizer may need.
#[derive(Debug, Clone)]
pub struct NormalizeSettings {
    /// Default region for national phone numbers (ISO 3166 alpha-2, e.g. `RU`).
    pub region: String,
    /// Apply email domain typo fixes instead of only suggesting them.
    pub fix_typos: bool,
    /// The date "today" is taken to be (future birth dates, ages).
    pub as_of: chrono::NaiveDate,
}

/// Column-level facts gathered before rows are normalized (e.g. a date column's day/month order).
#[derive(Debug, Clone, Default)]
pub struct ColumnProfiles {}

/// Everything a row's normalization needs, built once per run.
#[derive(Debug, Clone)]
pub struct NormalizeContext {
    /// Run settings.
    pub settings: NormalizeSettings,
    /// Roles of the columns.
    pub columns: ColumnMap,
    /// Column-level facts.
    pub profiles: ColumnProfiles,
}

impl NormalizeContext {
    /// Builds the context, scanning `rows` for column-level facts.
    pub fn new<'a>(
        settings: NormalizeSettings,
        columns: ColumnMap,
        _rows: impl Iterator<Item = &'a StringRecord>,
    ) -> NormalizeContext {
        NormalizeContext { settings, columns, profiles: ColumnProfiles::default() }
    }
}

/// An issue placed at a column of the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellIssue {
    /// Column index in the unified table.
    pub column: u32,
    /// The issue.
    pub issue: Issue,
}

/// One row after normalization.
#[derive(Debug, Clone)]
pub struct NormalizedRow {
    /// Values in the original column order, normalized in place where a normalizer exists.
    pub record: StringRecord,
    /// What changed or is wrong, in column order.
    pub issues: Vec<CellIssue>,
}

/// Normalizes every cell of `row` according to its column's role.
pub fn normalize_row(row: &StringRecord, ctx: &NormalizeContext) -> NormalizedRow {
    let mut record = StringRecord::with_capacity(row.as_slice().len() + 16, row.len());
    let mut issues = Vec::new();
    for (i, raw) in row.iter().enumerate() {
        match ctx.columns.role(i) {
            Some(role) => {
                let (value, cell_issues) = normalize_cell(role, raw, ctx);
                record.push_field(&value);
                issues.extend(
                    cell_issues.into_iter().map(|issue| CellIssue { column: i as u32, issue }),
                );
            }
            None => record.push_field(raw),
        }
    }
    NormalizedRow { record, issues }
}

/// Normalizes one cell of a known role. Roles without a normalizer pass through unchanged.
fn normalize_cell(role: Role, raw: &str, _ctx: &NormalizeContext) -> (String, Vec<Issue>) {
    match role {
        _ => (raw.to_string(), Vec::new()),
    }
}
