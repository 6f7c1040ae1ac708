//! The audit report. JSON is its canonical form; other renderers read this model.
//!
//! `schema_version` changes when a field is removed or changes meaning; adding fields
//! does not bump it.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::finding::{Finding, mask_value};
use crate::input::SourceInfo;
use crate::normalize::NormalizedRow;
use crate::roles::{ColumnMap, ColumnRole, Role};
use crate::rules::checks::{Contactability, Segment, cell_invalid};
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
    /// Fill, validity, segments, duplicates, score and samples (see [`DataProfile`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<DataProfile>,
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

// ---------------------------------------------------------------------------------------------
// Data profile: fill and validity per column, segments, contactability, duplicates, quality
// score and masked samples. Kept apart from the gate fields; filled by [`ProfileBuilder`].
// ---------------------------------------------------------------------------------------------

/// The data profile of a run, for the human-facing reports.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DataProfile {
    /// Fill rate and validity of every column, in table order.
    pub columns: Vec<ColumnQuality>,
    /// Records per lifecycle segment.
    pub segments: SegmentCounts,
    /// Records reachable with advertising per channel.
    pub contactability: ContactabilityCounts,
    /// Duplicate clusters.
    pub duplicates: DuplicatesSummary,
    /// Data-quality score before and after cleaning.
    pub score: QualityScore,
    /// Up to [`SAMPLES_PER_RULE`] findings per rule code, personal values masked.
    pub samples: BTreeMap<String, Vec<FindingSample>>,
}

/// Most findings kept per rule in [`DataProfile::samples`].
pub const SAMPLES_PER_RULE: usize = 5;

/// Fill rate and validity of one column.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ColumnQuality {
    /// Header.
    pub column: String,
    /// Role, if mapped.
    pub role: Option<Role>,
    /// Rows seen.
    pub rows: u64,
    /// Non-empty cells after normalization.
    pub filled: u64,
    /// Non-empty cells with no error-level finding.
    pub valid: u64,
    /// Cells the normalizer changed.
    pub changed: u64,
    /// `filled / rows`, 0–1 (0 when there are no rows).
    pub fill_rate: f64,
    /// `valid / filled`, 0–1 (1 when nothing is filled: nothing is wrong).
    pub validity: f64,
}

/// Records per lifecycle segment (see `rules::checks::segment`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SegmentCounts {
    /// Purchased within the active window.
    pub active: u64,
    /// Purchased before.
    pub inactive: u64,
    /// Never bought.
    pub lead: u64,
    /// Not decidable from the data.
    pub unknown: u64,
}

/// Records that may receive advertising per channel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ContactabilityCounts {
    /// `steward_can_email`.
    pub email: u64,
    /// `steward_can_sms`.
    pub sms: u64,
    /// `steward_can_call`.
    pub call: u64,
    /// Reachable on no channel.
    pub none: u64,
}

/// Duplicate clusters found by dedupe.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DuplicatesSummary {
    /// Clusters of two or more rows.
    pub clusters: u64,
    /// Rows inside those clusters.
    pub rows_in_clusters: u64,
    /// Rows folded into another row's golden record (`rows_in_clusters - clusters`).
    pub rows_merged: u64,
    /// Number of clusters per cluster size, ascending by size.
    pub size_histogram: Vec<ClusterSizeCount>,
}

/// How many clusters have `size` rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ClusterSizeCount {
    /// Rows per cluster.
    pub size: u64,
    /// Clusters of that size.
    pub clusters: u64,
}

impl DuplicatesSummary {
    /// Summarises clusters from their sizes; sizes below 2 are ignored.
    pub fn from_cluster_sizes(sizes: impl IntoIterator<Item = usize>) -> DuplicatesSummary {
        let mut hist: BTreeMap<u64, u64> = BTreeMap::new();
        for s in sizes.into_iter().filter(|&s| s >= 2) {
            *hist.entry(s as u64).or_default() += 1;
        }
        let clusters = hist.values().sum();
        let rows_in_clusters = hist.iter().map(|(s, n)| s * n).sum();
        DuplicatesSummary {
            clusters,
            rows_in_clusters,
            rows_merged: rows_in_clusters - clusters,
            size_histogram: hist
                .into_iter()
                .map(|(size, clusters)| ClusterSizeCount { size, clusters })
                .collect(),
        }
    }
}

/// The data-quality score, 0–100, over the cells of columns with a role (unmapped columns
/// pass through and are not judged).
///
/// - `after`: share of those cells that are filled and carry no error-level finding after
///   normalization.
/// - `before`: share that were already good as exported: filled, no error-level finding, and
///   left unchanged by the normalizer (a cell that needed fixing was not good before).
///
/// Empty cells count against both, so the score also measures completeness.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct QualityScore {
    /// Score of the data as exported.
    pub before: f64,
    /// Score of the cleaned data.
    pub after: f64,
    /// Cells judged (rows × mapped columns).
    pub cells: u64,
}

/// One finding kept as an example, with personal values masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingSample {
    /// 1-based data row in its file.
    pub row: u64,
    /// Header of the column, empty for row-level findings.
    pub column: String,
    /// The value before normalization, masked.
    pub before: String,
    /// The value after, or the suggestion, masked.
    pub after: String,
    /// The finding's message (already masked by the pipeline unless values are shown).
    pub message: String,
}

/// Accumulates a [`DataProfile`] row by row (streaming, so it scales to large inputs).
#[derive(Debug, Clone)]
pub struct ProfileBuilder {
    columns: Vec<ColumnQuality>,
    mapped: Vec<bool>,
    good_before: u64,
    good_after: u64,
    cells: u64,
    segments: SegmentCounts,
    contactability: ContactabilityCounts,
    invalid: Vec<bool>,
}

impl ProfileBuilder {
    /// Starts a profile for a table with these column roles.
    pub fn new(columns: &ColumnMap) -> ProfileBuilder {
        let cols: Vec<ColumnQuality> = columns
            .columns()
            .iter()
            .map(|c| ColumnQuality {
                column: c.column.clone(),
                role: c.role,
                ..ColumnQuality::default()
            })
            .collect();
        let mapped = columns.columns().iter().map(|c| c.role.is_some()).collect();
        let n = cols.len();
        ProfileBuilder {
            columns: cols,
            mapped,
            good_before: 0,
            good_after: 0,
            cells: 0,
            segments: SegmentCounts::default(),
            contactability: ContactabilityCounts::default(),
            invalid: vec![false; n],
        }
    }

    /// Adds the rows another builder (of the same table) has seen: profiles of row chunks
    /// built in parallel are merged in any order with the same result (counts only).
    pub fn merge(mut self, other: ProfileBuilder) -> ProfileBuilder {
        for (a, b) in self.columns.iter_mut().zip(&other.columns) {
            a.rows += b.rows;
            a.filled += b.filled;
            a.valid += b.valid;
            a.changed += b.changed;
        }
        self.good_before += other.good_before;
        self.good_after += other.good_after;
        self.cells += other.cells;
        let (s, o) = (&mut self.segments, other.segments);
        (s.active, s.inactive, s.lead, s.unknown) =
            (s.active + o.active, s.inactive + o.inactive, s.lead + o.lead, s.unknown + o.unknown);
        let (t, o) = (&mut self.contactability, other.contactability);
        (t.email, t.sms, t.call, t.none) =
            (t.email + o.email, t.sms + o.sms, t.call + o.call, t.none + o.none);
        self
    }

    /// Adds one row: its normalization (which keeps the values as read).
    pub fn add_row(&mut self, normalized: &NormalizedRow) {
        self.invalid.iter_mut().for_each(|v| *v = false);
        // Stored issues only: the rewrites kept as bits are never errors (a test in
        // `normalize` holds them to that).
        for ci in &normalized.issues {
            let c = ci.column as usize;
            if c < self.invalid.len() && !self.invalid[c] {
                self.invalid[c] = cell_invalid(std::slice::from_ref(ci), c);
            }
        }
        for (i, col) in self.columns.iter_mut().enumerate() {
            let before = normalized.raw(i);
            let after = normalized.record.get(i).unwrap_or("");
            let filled = !after.trim().is_empty();
            let valid = filled && !self.invalid[i];
            col.rows += 1;
            col.filled += u64::from(filled);
            col.valid += u64::from(valid);
            col.changed += u64::from(before != after);
            if self.mapped[i] {
                self.cells += 1;
                self.good_after += u64::from(valid);
                self.good_before += u64::from(valid && before == after);
            }
        }
    }

    /// Counts a record's segment.
    pub fn add_segment(&mut self, segment: Segment) {
        let s = &mut self.segments;
        match segment {
            Segment::Active => s.active += 1,
            Segment::Inactive => s.inactive += 1,
            Segment::Lead => s.lead += 1,
            Segment::Unknown => s.unknown += 1,
        }
    }

    /// Counts a record's contactability.
    pub fn add_contactability(&mut self, c: Contactability) {
        let t = &mut self.contactability;
        t.email += u64::from(c.can_email);
        t.sms += u64::from(c.can_sms);
        t.call += u64::from(c.can_call);
        t.none += u64::from(!(c.can_email || c.can_sms || c.can_call));
    }

    /// Finishes the profile. `findings` must be sorted (the pipeline's order); `columns` name
    /// the columns and tell which hold personal values; `show_values` keeps samples unmasked.
    pub fn finish(
        mut self,
        findings: &[Finding],
        columns: &ColumnMap,
        duplicates: DuplicatesSummary,
        show_values: bool,
    ) -> DataProfile {
        for c in &mut self.columns {
            c.fill_rate = ratio(c.filled, c.rows, 0.0);
            c.validity = ratio(c.valid, c.filled, 1.0);
        }
        let score = QualityScore {
            before: round1(100.0 * ratio(self.good_before, self.cells, 0.0)),
            after: round1(100.0 * ratio(self.good_after, self.cells, 0.0)),
            cells: self.cells,
        };
        DataProfile {
            columns: self.columns,
            segments: self.segments,
            contactability: self.contactability,
            duplicates,
            score,
            samples: sample_findings(findings, columns, SAMPLES_PER_RULE, show_values),
        }
    }
}

fn ratio(n: u64, d: u64, empty: f64) -> f64 {
    if d == 0 { empty } else { n as f64 / d as f64 }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Whether values of a column with this role are not about a person and need no masking
/// (consent flags and dates, lifecycle dates, status, campaign flags, storage country).
/// Unmapped columns may hold anything, so they are masked.
pub fn non_personal(role: Option<Role>) -> bool {
    matches!(
        role,
        Some(
            Role::CreatedAt
                | Role::LastActivityAt
                | Role::LastPurchaseAt
                | Role::Status
                | Role::ClientType
                | Role::Source
                | Role::PreferredChannel
                | Role::CallTime
                | Role::ConsentProcessing
                | Role::ConsentDate
                | Role::ConsentMethod
                | Role::ConsentMarketing
                | Role::ConsentEmail
                | Role::ConsentSms
                | Role::ConsentCall
                | Role::ConsentWithdrawnAt
                | Role::UnsubscribedAt
                | Role::MarketingFlag
                | Role::StorageCountry
                | Role::Citizenship
                | Role::Country
                | Role::WorkingHours
        )
    )
}

/// The first `per_rule` findings of every code. Values of personal or unmapped columns are
/// masked unless `show_values`.
pub fn sample_findings(
    findings: &[Finding],
    columns: &ColumnMap,
    per_rule: usize,
    show_values: bool,
) -> BTreeMap<String, Vec<FindingSample>> {
    let mut out: BTreeMap<String, Vec<FindingSample>> = BTreeMap::new();
    for f in findings {
        let list = out.entry(f.code.to_string()).or_default();
        if list.len() >= per_rule {
            continue;
        }
        let col = f.column.and_then(|c| columns.columns().get(c as usize));
        let plain = show_values || col.is_some_and(|c| non_personal(c.role));
        let mask = |v: &str| if plain { v.to_string() } else { mask_value(v) };
        list.push(FindingSample {
            row: f.row,
            column: col.map(|c| c.column.clone()).unwrap_or_default(),
            before: mask(&f.before),
            after: mask(&f.after),
            message: f.message.clone(),
        });
    }
    out
}

/// Everything a profile needs, in one call (the non-streaming form of [`ProfileBuilder`]).
/// `segments`/`contactability` may be empty.
pub fn compute_profile(
    columns: &ColumnMap,
    normalized: &[NormalizedRow],
    segments: &[Segment],
    contactability: &[Contactability],
    cluster_sizes: &[usize],
    findings: &[Finding],
    show_values: bool,
) -> DataProfile {
    let empty = || ProfileBuilder::new(columns);
    let mut b = normalized
        .par_chunks(4096)
        .fold(empty, |mut b, rows| {
            rows.iter().for_each(|n| b.add_row(n));
            b
        })
        .reduce(empty, ProfileBuilder::merge);
    segments.iter().for_each(|&s| b.add_segment(s));
    contactability.iter().for_each(|&c| b.add_contactability(c));
    b.finish(
        findings,
        columns,
        DuplicatesSummary::from_cluster_sizes(cluster_sizes.iter().copied()),
        show_values,
    )
}

impl RuleCount {
    /// Whether this rule fails the gate (its verdict from the gate's thresholds).
    pub fn fails_gate(&self) -> bool {
        self.verdict == Verdict::Fail
    }
}

impl Report {
    /// Codes of the rules that fail the gate, in code order.
    pub fn failed_rules(&self) -> Vec<&str> {
        self.findings.iter().filter(|(_, rc)| rc.fails_gate()).map(|(c, _)| c.as_str()).collect()
    }

    /// Whether the run passes the gate.
    pub fn passed(&self) -> bool {
        self.gate.verdict != Verdict::Fail
    }

    /// Rows the percentages in reports are taken of (rows read, at least 1).
    pub fn rows_base(&self) -> u64 {
        self.accounting.rows_read.max(1)
    }
}

#[cfg(test)]
mod profile_tests {
    use super::*;
    use crate::finding::Issue;
    use crate::normalize::CellIssue;

    #[test]
    fn profile_counts_fill_validity_and_score() {
        let headers: Vec<String> =
            ["ФИО", "Телефон", "Комментарий"].iter().map(|s| s.to_string()).collect();
        let map = ColumnMap::resolve(&headers, &[]);
        let norm = vec![
            NormalizedRow {
                record: crate::record::Record::from(vec!["Иванов", "+79161234567", "x"]),
                issues: vec![],
                rewritten: Default::default(),
                normalized_issues: 0,
                extensions: vec![],
                original: crate::normalize::ChangedCells::new([(1, "8 916 123-45-67")]),
            },
            NormalizedRow {
                record: crate::record::Record::from(vec!["", "123", ""]),
                issues: vec![CellIssue { column: 1, issue: Issue::new("IN001", "bad") }],
                rewritten: Default::default(),
                normalized_issues: 0,
                extensions: vec![],
                original: Default::default(),
            },
        ];
        let findings = vec![Finding {
            source: 0,
            row: 2,
            column: Some(1),
            code: "IN001",
            severity: crate::finding::Severity::Error,
            before: "+79161234567".into(),
            after: String::new(),
            message: "bad".into(),
        }];
        let p = compute_profile(
            &map,
            &norm,
            &[Segment::Lead, Segment::Active],
            &[
                Contactability { can_email: false, can_sms: true, can_call: true },
                Contactability::default(),
            ],
            &[2, 3, 2, 1],
            &findings,
            false,
        );
        assert_eq!(p.columns[1].filled, 2);
        assert_eq!(p.columns[1].valid, 1);
        assert_eq!(p.columns[1].changed, 1);
        assert_eq!(p.columns[0].fill_rate, 0.5);
        assert_eq!(p.columns[2].validity, 1.0);
        // Mapped cells: 4; good after: Иванов, +7916…; good before: Иванов only.
        assert_eq!(p.score, QualityScore { before: 25.0, after: 50.0, cells: 4 });
        assert_eq!(p.segments, SegmentCounts { active: 1, inactive: 0, lead: 1, unknown: 0 });
        assert_eq!(p.contactability, ContactabilityCounts { email: 0, sms: 1, call: 1, none: 1 });
        assert_eq!(p.duplicates.clusters, 3);
        assert_eq!(p.duplicates.rows_merged, 4);
        assert_eq!(
            p.duplicates.size_histogram,
            vec![
                ClusterSizeCount { size: 2, clusters: 2 },
                ClusterSizeCount { size: 3, clusters: 1 }
            ]
        );
        assert_eq!(p.samples["IN001"][0].before, "+7********67");
        assert_eq!(p.samples["IN001"][0].column, "Телефон");
    }

    #[test]
    fn merged_chunk_profiles_equal_one_pass() {
        let headers: Vec<String> = ["ФИО", "Телефон"].iter().map(|s| s.to_string()).collect();
        let map = ColumnMap::resolve(&headers, &[]);
        let row = |name: &str, phone: &str, raw: Option<&str>, bad: bool| NormalizedRow {
            record: crate::record::Record::from(vec![name, phone]),
            issues: if bad {
                vec![CellIssue { column: 1, issue: Issue::new("PH002", "bad") }]
            } else {
                vec![]
            },
            rewritten: Default::default(),
            normalized_issues: 0,
            extensions: vec![],
            original: crate::normalize::ChangedCells::new(raw.map(|r| (1, r))),
        };
        let rows = [
            row("Иванов", "+79161234567", Some("8 916 123-45-67"), false),
            row("", "123", None, true),
            row("Петров", "", None, false),
        ];
        let one = rows.iter().fold(ProfileBuilder::new(&map), |mut b, r| {
            b.add_row(r);
            b
        });
        let mut first = ProfileBuilder::new(&map);
        first.add_row(&rows[0]);
        first.add_segment(Segment::Lead);
        let mut rest = ProfileBuilder::new(&map);
        rows[1..].iter().for_each(|r| rest.add_row(r));
        let mut one = one;
        one.add_segment(Segment::Lead);
        let finish = |b: ProfileBuilder| {
            serde_json::to_string(&b.finish(&[], &map, DuplicatesSummary::default(), false))
                .unwrap()
        };
        let merged = first.merge(rest);
        assert_eq!(merged.columns[1].rows, 3);
        assert_eq!(merged.columns[1].changed, 1);
        assert_eq!(finish(merged), finish(one));
    }

    #[test]
    fn samples_are_bounded_per_rule() {
        let f = |row| Finding {
            source: 0,
            row,
            column: None,
            code: "CP001",
            severity: crate::finding::Severity::Error,
            before: String::new(),
            after: String::new(),
            message: String::new(),
        };
        let findings: Vec<Finding> = (1..=9).map(f).collect();
        let s = sample_findings(&findings, &ColumnMap::default(), SAMPLES_PER_RULE, false);
        assert_eq!(s["CP001"].iter().map(|x| x.row).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    //! A small report exercising every renderer path, with hostile values to escape.
    use super::*;
    use crate::input::SourceInfo;
    use crate::input::dialect::Dialect;
    use crate::input::encoding::EncodingEvidence;
    use crate::roles::RoleOrigin;

    pub fn sample_report() -> Report {
        let rc = |name: &str, severity: &str, count| RuleCount {
            name: name.to_string(),
            severity: severity.to_string(),
            count,
            rows: count,
            verdict: if severity == "error" { Verdict::Fail } else { Verdict::Pass },
            ..RuleCount::default()
        };
        let mut findings = BTreeMap::new();
        findings.insert("CP001".to_string(), rc("processing-consent-missing", "error", 3));
        findings.insert("CP003".to_string(), rc("stop-request-in-marketing", "error", 1));
        findings.insert("CM002".to_string(), rc("no-valid-contact", "warning", 4));
        findings.insert("ZZ001".to_string(), rc("<script>alert(1)</script>", "warning", 1));
        let sample = |row, column: &str, before: &str, message: &str| FindingSample {
            row,
            column: column.to_string(),
            before: before.to_string(),
            after: String::new(),
            message: message.to_string(),
        };
        let mut samples = BTreeMap::new();
        samples.insert(
            "CP001".to_string(),
            vec![sample(2, "Согласие на обработку ПД", "", "no processing consent")],
        );
        samples.insert(
            "ZZ001".to_string(),
            vec![sample(3, "<b>col</b>", "a&b", "message with <img src=x onerror=alert(1)>")],
        );
        let columns = vec![
            ColumnQuality {
                column: "ФИО".into(),
                role: Some(Role::FullName),
                rows: 10,
                filled: 9,
                valid: 9,
                changed: 1,
                fill_rate: 0.9,
                validity: 1.0,
            },
            ColumnQuality {
                column: "<script>x</script>".into(),
                role: None,
                rows: 10,
                filled: 5,
                valid: 4,
                changed: 0,
                fill_rate: 0.5,
                validity: 0.8,
            },
        ];
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool::default(),
            command: "check".into(),
            as_of: "2025-06-30".into(),
            inputs: vec![SourceInfo {
                path: "clients<1>.csv".into(),
                size: 1234,
                sha256: "ab".repeat(32),
                encoding: "windows-1251".into(),
                encoding_evidence: EncodingEvidence::Guess,
                bom: false,
                dialect: Dialect {
                    delimiter: b';',
                    quote: b'"',
                    excel_sep_line: false,
                    forced: false,
                },
                headers: vec!["ФИО".into()],
                rows_read: 10,
                rows_quarantined: 1,
            }],
            columns: vec![ColumnRole {
                column: "ФИО".into(),
                role: Some(Role::FullName),
                origin: Some(RoleOrigin::Alias),
            }],
            accounting: Accounting {
                rows_read: 10,
                records_written: 8,
                rows_merged: 1,
                rows_quarantined: 1,
            },
            findings,
            rules_files: vec!["preset:default".into()],
            gate: GateSummary { verdict: Verdict::Fail, ..GateSummary::default() },
            profile: Some(DataProfile {
                columns,
                segments: SegmentCounts { active: 2, inactive: 3, lead: 4, unknown: 1 },
                contactability: ContactabilityCounts { email: 5, sms: 3, call: 4, none: 2 },
                duplicates: DuplicatesSummary::from_cluster_sizes([2, 2, 3]),
                score: QualityScore { before: 61.5, after: 88.2, cells: 20 },
                samples,
            }),
        }
    }
}
