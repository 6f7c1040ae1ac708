//! The gate: a verdict per rule and overall from findings and thresholds (Soda/dbt style).
//!
//! Thresholds count **rows** (a row hit twice by a rule counts once) and are the most rows
//! tolerated: `fail = 0` fails on the first row, `fail = "5%"` when more than 5% of the rows
//! read are hit. A rule without `[gate.rules]` thresholds gets them from its severity:
//! at or above `fail_on` → `fail = 0`; a warning below it → `warn = 0`; info → never.
//! The overall verdict is the worst rule verdict, or worse if `[gate.overall]` thresholds on
//! rows with any warning or error finding are exceeded.

use std::collections::BTreeMap;

use serde::Serialize;

use super::config::{Threshold, Thresholds};
use super::engine::RuleSet;
use crate::finding::{FindingKey, Severity};

/// Outcome of a threshold check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Within every threshold.
    #[default]
    Pass,
    /// Over a warn threshold: reported, the gate still passes.
    Warn,
    /// Over a fail threshold: the gate fails (exit 1).
    Fail,
}

impl Verdict {
    /// Upper-case word for summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
        }
    }

    fn of(t: Thresholds, rows: u64, total: u64) -> Verdict {
        if t.fail.is_some_and(|f| f.exceeded(rows, total)) {
            Verdict::Fail
        } else if t.warn.is_some_and(|w| w.exceeded(rows, total)) {
            Verdict::Warn
        } else {
            Verdict::Pass
        }
    }
}

/// The gate's outcome for one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleOutcome {
    /// Findings of the rule.
    pub findings: u64,
    /// The rule's effective severity.
    pub severity: Severity,
    /// Distinct rows hit.
    pub rows: u64,
    /// `rows` as a percentage of rows read.
    pub percent: f64,
    /// Thresholds applied (explicit or derived from the severity).
    pub thresholds: Thresholds,
    /// Verdict.
    pub verdict: Verdict,
}

/// The gate's outcome for a run.
#[derive(Debug, Clone, PartialEq)]
pub struct GateOutcome {
    /// Per rule code that has findings.
    pub rules: BTreeMap<&'static str, RuleOutcome>,
    /// Rows with at least one warning or error finding.
    pub rows_flagged: u64,
    /// `rows_flagged` as a percentage of rows read.
    pub percent: f64,
    /// Overall thresholds applied.
    pub overall: Thresholds,
    /// Overall verdict.
    pub verdict: Verdict,
    /// Lowest severity that fails for rules without explicit thresholds.
    pub fail_on: Severity,
}

/// Percentage rounded to 4 decimals, so reports stay short and stable.
fn percent(rows: u64, total: u64) -> f64 {
    if total == 0 { 0.0 } else { ((rows as f64) * 1_000_000.0 / (total as f64)).round() / 10_000.0 }
}

/// Findings, distinct rows, the last row counted and the worst severity of one code.
#[derive(Debug, Clone, Copy)]
struct CodeTally {
    findings: u64,
    rows: u64,
    last: Option<(u32, u64)>,
    severity: Severity,
}

/// Counts of findings per code and of flagged rows, gathered one finding at a time. Tallies
/// of disjoint sets of rows merge, so a large base is counted on all cores.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    per_code: BTreeMap<&'static str, CodeTally>,
    rows_flagged: u64,
    last_flagged: Option<(u32, u64)>,
}

impl Tally {
    /// Counts one finding. The findings of one row must be consecutive (rows are counted when
    /// they change, so millions of findings need no set).
    pub fn add(&mut self, f: FindingKey) {
        let at = Some((f.source, f.row));
        let e = self.per_code.entry(f.code).or_insert(CodeTally {
            findings: 0,
            rows: 0,
            last: None,
            severity: f.severity,
        });
        e.findings += 1;
        if e.last != at {
            e.rows += 1;
            e.last = at;
        }
        e.severity = e.severity.max(f.severity);
        if f.severity >= Severity::Warning && self.last_flagged != at {
            self.rows_flagged += 1;
            self.last_flagged = at;
        }
    }

    /// Both tallies together; no row may have findings in both.
    pub fn merge(mut self, other: Tally) -> Tally {
        for (code, t) in other.per_code {
            match self.per_code.get_mut(code) {
                Some(e) => {
                    e.findings += t.findings;
                    e.rows += t.rows;
                    e.severity = e.severity.max(t.severity);
                }
                None => {
                    self.per_code.insert(code, t);
                }
            }
        }
        self.rows_flagged += other.rows_flagged;
        self
    }
}

/// Evaluates the gate over `findings` (already filtered to enabled rules, with effective
/// severities) for a run that read `rows_total` rows. The findings of one row must be
/// consecutive (see [`Tally::add`]).
pub fn evaluate(
    rules: &RuleSet,
    findings: impl IntoIterator<Item = FindingKey>,
    rows_total: u64,
) -> GateOutcome {
    let mut tally = Tally::default();
    for f in findings {
        tally.add(f);
    }
    evaluate_tally(rules, tally, rows_total)
}

/// Evaluates the gate over counted findings for a run that read `rows_total` rows.
pub fn evaluate_tally(rules: &RuleSet, tally: Tally, rows_total: u64) -> GateOutcome {
    let gate = &rules.config().gate;
    let rows_flagged = tally.rows_flagged;
    let per_code =
        tally.per_code.into_iter().map(|(code, t)| (code, (t.findings, t.rows, t.severity)));
    let mut out = BTreeMap::new();
    let mut worst = Verdict::Pass;
    for (code, (count, rows, severity)) in per_code {
        let thresholds = gate.thresholds(code).unwrap_or(if severity >= gate.fail_on {
            Thresholds { warn: None, fail: Some(Threshold::Count(0)) }
        } else if severity == Severity::Warning {
            Thresholds { warn: Some(Threshold::Count(0)), fail: None }
        } else {
            Thresholds::default()
        });
        let verdict = Verdict::of(thresholds, rows, rows_total);
        worst = worst.max(verdict);
        out.insert(
            code,
            RuleOutcome {
                findings: count,
                severity,
                rows,
                percent: percent(rows, rows_total),
                thresholds,
                verdict,
            },
        );
    }
    let verdict = worst.max(Verdict::of(gate.overall, rows_flagged, rows_total));
    GateOutcome {
        rules: out,
        rows_flagged,
        percent: percent(rows_flagged, rows_total),
        overall: gate.overall,
        verdict,
        fail_on: gate.fail_on,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::config::{Config, Layer, Overrides};

    fn set(text: &str) -> RuleSet {
        let layer = Layer { name: "g.toml".into(), text: text.into() };
        RuleSet::from_config(&Config::load(&[layer], &Overrides::default()).unwrap()).unwrap()
    }

    fn finding(code: &'static str, row: u64, severity: Severity) -> FindingKey {
        FindingKey { source: 0, row, code, severity }
    }

    #[test]
    fn severity_decides_without_thresholds() {
        let rules = set("");
        let f = [finding("IN001", 1, Severity::Error)];
        let g = evaluate(&rules, f.iter().copied(), 10);
        assert_eq!(g.verdict, Verdict::Fail);
        assert_eq!(g.rules["IN001"].thresholds.fail, Some(Threshold::Count(0)));
        let f = [finding("PH002", 1, Severity::Warning), finding("PH001", 2, Severity::Info)];
        let g = evaluate(&rules, f.iter().copied(), 10);
        assert_eq!(g.verdict, Verdict::Warn);
        assert_eq!(g.rules["PH001"].verdict, Verdict::Pass);
        assert_eq!(g.rows_flagged, 1, "info findings do not flag rows");
        let g = evaluate(&set("[gate]\nfail_on = \"warning\"\n"), f.iter().copied(), 10);
        assert_eq!(g.verdict, Verdict::Fail);
        assert_eq!(evaluate(&rules, [], 0).verdict, Verdict::Pass);
    }

    #[test]
    fn thresholds_count_rows_not_findings() {
        let rules = set("[gate.rules.IN001]\nwarn = \"1%\"\nfail = \"5%\"\n");
        // 2 findings on one row of 100: 1% → not above warn.
        let f = [finding("IN001", 1, Severity::Error), finding("IN001", 1, Severity::Error)];
        let g = evaluate(&rules, f.iter().copied(), 100);
        assert_eq!((g.rules["IN001"].findings, g.rules["IN001"].rows), (2, 1));
        assert_eq!(g.rules["IN001"].percent, 1.0);
        assert_eq!(g.verdict, Verdict::Pass);
        let f: Vec<FindingKey> = (1..=3).map(|r| finding("IN001", r, Severity::Error)).collect();
        assert_eq!(evaluate(&rules, f.iter().copied(), 100).verdict, Verdict::Warn);
        let f: Vec<FindingKey> = (1..=6).map(|r| finding("IN001", r, Severity::Error)).collect();
        assert_eq!(evaluate(&rules, f.iter().copied(), 100).verdict, Verdict::Fail);
    }

    #[test]
    fn overall_thresholds() {
        let rules = set("[gate.rules]\nIN = { warn = 100 }\n[gate.overall]\nfail = 2\n");
        let f: Vec<FindingKey> = (1..=2).map(|r| finding("IN001", r, Severity::Error)).collect();
        assert_eq!(evaluate(&rules, f.iter().copied(), 10).verdict, Verdict::Pass);
        let f: Vec<FindingKey> = (1..=3).map(|r| finding("IN002", r, Severity::Error)).collect();
        let g = evaluate(&rules, f.iter().copied(), 10);
        assert_eq!((g.verdict, g.rows_flagged, g.percent), (Verdict::Fail, 3, 30.0));
        assert_eq!(g.rules["IN002"].verdict, Verdict::Pass);
    }

    #[test]
    fn tallies_of_disjoint_rows_merge_to_the_whole() {
        let rules = set("");
        let codes =
            [("PH002", Severity::Error), ("DT002", Severity::Info), ("EM002", Severity::Warning)];
        let f: Vec<FindingKey> = (1..=40u64)
            .flat_map(|r| {
                codes
                    .iter()
                    .enumerate()
                    .filter(move |(k, _)| (r as usize + k) % 3 != 0)
                    .map(move |(_, &(c, s))| finding(c, r, s))
            })
            .collect();
        let whole = evaluate(&rules, f.iter().copied(), 40);
        for split in [0, 1, 7, f.len() / 2] {
            // Split at a row boundary: a row's findings stay in one tally.
            let cut = (split..f.len()).find(|&i| i == 0 || f[i].row != f[i - 1].row);
            let cut = cut.unwrap_or(f.len());
            let (mut a, mut b) = (Tally::default(), Tally::default());
            f[..cut].iter().for_each(|&k| a.add(k));
            f[cut..].iter().for_each(|&k| b.add(k));
            assert_eq!(evaluate_tally(&rules, b.merge(a), 40), whole, "cut at {cut}");
        }
        assert!(whole.rows_flagged > 0 && whole.rules.len() == 3);
    }
}
