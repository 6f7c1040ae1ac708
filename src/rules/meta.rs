//! The static description of one rule: its permanent code, name, default severity and doc.

use crate::finding::Severity;

/// Whether applying a rule's fix is safe to do without asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixKind {
    /// The rule only reports.
    None,
    /// `clean` applies the fix (normalization).
    Safe,
    /// Applied only when the user asks (e.g. `--fix-typos`).
    Unsafe,
}

/// Static metadata of a rule. Codes are permanent: never reuse or renumber one.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// Permanent code: family prefix + three digits, e.g. `PH002`.
    pub code: &'static str,
    /// Kebab-case name that names the problem, e.g. `phone-invalid-for-region`.
    pub name: &'static str,
    /// One line: what is wrong.
    pub summary: &'static str,
    /// Severity when no rules file overrides it.
    pub default_severity: Severity,
    /// Whether and how the finding can be fixed automatically.
    pub fix: FixKind,
    /// Version that introduced the rule.
    pub since: &'static str,
    /// Markdown doc with the sections `## What it checks`, `## Why it matters`,
    /// `## Example`, `## Fix`, `## Options` (and the legal citation where there is one).
    pub doc: &'static str,
}
