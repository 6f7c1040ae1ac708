//! The audit report. JSON is its canonical form; other renderers read this model.
//!
//! `schema_version` changes when a field is removed or changes meaning; adding fields
//! does not bump it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::input::SourceInfo;
use crate::roles::ColumnRole;
use crate::rules::config::Threshold;
use crate::rules::gate::Verdict;

/// Version of the report's JSON layout.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole audit report of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Layout version of this document.
    pub schema_version: u32,
    /// Tool name and version.
    pub tool: Tool,
    /// The command that produced it (`clean`, `check`, `normalize`, `dedupe`).
    pub command: String,
    /// The date the run took as "today" (lifecycle and consent windows are measured from it).
    pub as_of: String,
    /// Input files: size, SHA-256, encoding, dialect, headers.
    pub inputs: Vec<SourceInfo>,
    /// Column roles of the unified table.
    pub columns: Vec<ColumnRole>,
    /// Where every input row went.
    pub accounting: Accounting,
    /// Findings per rule code.
    pub findings: BTreeMap<String, RuleCount>,
    // --- rules configuration and gate (added by the rules-config work) ---
    /// Rules layers applied, base first (`preset:default`, then `--rules` files).
    pub rules_files: Vec<String>,
    /// The gate's overall verdict.
    pub gate: GateSummary,
}

/// Tool identity.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// `steward`.
    pub name: &'static str,
    /// Crate version.
    pub version: &'static str,
}

impl Default for Tool {
    fn default() -> Self {
        Tool { name: "steward", version: env!("CARGO_PKG_VERSION") }
    }
}

/// Row accounting. Always `rows_read == records_written + rows_merged + rows_quarantined`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Accounting {
    /// Data rows in all inputs (headers excluded).
    pub rows_read: u64,
    /// Lines written to `cleaned.csv` (a golden record counts once).
    pub records_written: u64,
    /// Rows folded into a golden record written for another row of their cluster.
    pub rows_merged: u64,
    /// Rows in `quarantine.csv`.
    pub rows_quarantined: u64,
}

impl Accounting {
    /// Whether every row is accounted for exactly once.
    pub fn balanced(&self) -> bool {
        self.rows_read == self.records_written + self.rows_merged + self.rows_quarantined
    }
}

/// How often one rule fired.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleCount {
    /// Kebab-case rule name.
    pub name: String,
    /// Effective severity.
    pub severity: String,
    /// Number of findings.
    pub count: u64,
    // --- gate fields ---
    /// Distinct rows with a finding of this rule.
    pub rows: u64,
    /// `rows` as a percentage of rows read (4 decimals).
    pub percent: f64,
    /// Warn threshold applied (rows count, or `"N%"`), if any.
    pub warn: Option<Threshold>,
    /// Fail threshold applied, if any.
    pub fail: Option<Threshold>,
    /// `pass`, `warn` or `fail`.
    pub verdict: Verdict,
}

/// The gate's outcome for the whole run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GateSummary {
    /// `pass`, `warn` or `fail`; `fail` means exit code 1 (unless `--exit-zero`).
    pub verdict: Verdict,
    /// Lowest severity that fails rules without explicit thresholds (`error` or `warning`).
    pub fail_on: String,
    /// Rows with at least one warning or error finding.
    pub rows_flagged: u64,
    /// `rows_flagged` as a percentage of rows read.
    pub percent: f64,
    /// Overall warn threshold, if any.
    pub warn: Option<Threshold>,
    /// Overall fail threshold, if any.
    pub fail: Option<Threshold>,
    /// Codes whose verdict is `fail`, in code order.
    pub failed: Vec<String>,
    /// Codes whose verdict is `warn`, in code order.
    pub warned: Vec<String>,
}
