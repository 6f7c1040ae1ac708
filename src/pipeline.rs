//! The pipeline: input → normalize → (dedupe → rules) → outputs. The CLI calls these
//! functions; they never print.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::finding::{Finding, Severity, mask_value};
use crate::input::{self, QuarantinedRow, ReadOptions, UnifiedInput};
use crate::normalize::{NormalizeContext, NormalizeSettings, NormalizedRow, normalize_row};
use crate::output::{self, OutputSet};
use crate::progress::Progress;
use crate::report::model::{Accounting, Report, RuleCount, SCHEMA_VERSION, Tool};
use crate::roles::{ColumnMap, Role, RoleOrigin};
use crate::rules::registry;

/// Everything a run needs, resolved and validated by the caller.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Input files, in order.
    pub inputs: Vec<PathBuf>,
    /// Encoding, delimiter and size limits.
    pub read: ReadOptions,
    /// Explicit column roles (rules files first, then `--map`; later entries win).
    pub columns: Vec<(String, Option<Role>, RoleOrigin)>,
    /// Normalizer settings (region, typo fixing, as-of date).
    pub normalize: NormalizeSettings,
    /// Show personal values in report messages instead of masking them.
    pub show_values: bool,
}

/// The result of analysing inputs, before anything is written.
#[derive(Debug)]
pub struct Analysis {
    /// The unified input table and its quarantine.
    pub input: UnifiedInput,
    /// Column roles.
    pub columns: ColumnMap,
    /// Normalized rows, parallel to `input.rows`.
    pub normalized: Vec<NormalizedRow>,
    /// Every finding, sorted by source, row, column and code.
    pub findings: Vec<Finding>,
    /// The audit report (accounting is filled in when outputs are planned).
    pub report: Report,
}

/// Rows per parallel work unit: large enough to amortise scheduling, small enough for progress.
const CHUNK: usize = 4096;

/// Reads, unifies and normalizes the inputs. Writes nothing.
pub fn analyze(config: &RunConfig, command: &str, progress: &dyn Progress) -> Result<Analysis> {
    if config.inputs.is_empty() {
        return Err(Error::Usage("no input files given".into()));
    }
    let loaded: Vec<_> = config
        .inputs
        .par_iter()
        .enumerate()
        .map(|(i, path)| input::read_source(path, i as u32, &config.read))
        .collect::<Result<_>>()?;
    let input = input::unify(loaded);
    let columns = ColumnMap::resolve(&input.headers, &config.columns);
    let ctx = NormalizeContext::new(
        config.normalize.clone(),
        columns.clone(),
        input.rows.iter().map(|r| &r.record),
    );

    progress.start("normalizing", input.rows.len() as u64);
    let normalized: Vec<NormalizedRow> = input
        .rows
        .par_chunks(CHUNK)
        .map(|chunk| {
            let out: Vec<NormalizedRow> =
                chunk.iter().map(|r| normalize_row(&r.record, &ctx)).collect();
            progress.advance(chunk.len() as u64);
            out
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    progress.finish();

    let findings = collect_findings(&input, &normalized, config.show_values);
    let mut counts: BTreeMap<String, RuleCount> = BTreeMap::new();
    for f in &findings {
        let entry = counts.entry(f.code.to_string()).or_insert_with(|| RuleCount {
            name: registry::lookup(f.code).map_or_else(String::new, |r| r.name.to_string()),
            severity: f.severity.as_str().to_string(),
            count: 0,
        });
        entry.count += 1;
    }
    let rows_read: u64 = input.sources.iter().map(|s| s.rows_read).sum();
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::default(),
        command: command.to_string(),
        as_of: config.normalize.as_of.to_string(),
        inputs: input.sources.clone(),
        columns: columns.columns().to_vec(),
        accounting: Accounting {
            rows_read,
            records_written: input.rows.len() as u64,
            rows_merged: 0,
            rows_quarantined: input.quarantine.len() as u64,
        },
        findings: counts,
        profile: None,
    };
    Ok(Analysis { input, columns, normalized, findings, report })
}

/// Severity of a code: the registry's default (rules files will override it).
fn severity_of(code: &str) -> Severity {
    registry::lookup(code).map_or(Severity::Warning, |r| r.default_severity)
}

fn collect_findings(
    input: &UnifiedInput,
    normalized: &[NormalizedRow],
    show_values: bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for q in &input.quarantine {
        findings.push(Finding {
            source: q.source,
            row: q.row,
            column: None,
            code: q.code,
            severity: severity_of(q.code),
            before: String::new(),
            after: String::new(),
            message: format!("row quarantined: {}", q.reason),
        });
    }
    for (row, norm) in input.rows.iter().zip(normalized) {
        for ci in &norm.issues {
            let before = row.record.get(ci.column as usize).unwrap_or("").to_string();
            let after =
                ci.issue.suggestion.clone().unwrap_or_else(|| {
                    norm.record.get(ci.column as usize).unwrap_or("").to_string()
                });
            let message = if show_values || before.is_empty() {
                ci.issue.message.clone()
            } else {
                ci.issue.message.replace(&before, &mask_value(&before))
            };
            findings.push(Finding {
                source: row.source,
                row: row.row,
                column: Some(ci.column),
                code: ci.issue.code,
                severity: severity_of(ci.issue.code),
                before,
                after,
                message,
            });
        }
    }
    findings.sort_by(|a, b| {
        (a.source, a.row, a.column, a.code).cmp(&(b.source, b.row, b.column, b.code))
    });
    findings
}

/// Names of the files `clean` writes.
pub const CLEAN_OUTPUTS: [&str; 4] =
    ["cleaned.csv", "quarantine.csv", "findings.csv", "report.json"];

/// Writes `cleaned.csv`, `quarantine.csv`, `findings.csv` and `report.json` into `dir`,
/// atomically. Returns the written paths.
pub fn write_clean_outputs(
    analysis: &Analysis,
    dir: &Path,
    inputs: &[PathBuf],
) -> Result<Vec<PathBuf>> {
    let mut set = OutputSet::new(dir, &CLEAN_OUTPUTS, inputs)?;
    write_cleaned(analysis, &mut set, &dir.join("cleaned.csv"))?;
    write_quarantine(analysis, &mut set, &dir.join("quarantine.csv"))?;
    write_findings(analysis, &mut set, &dir.join("findings.csv"))?;
    let path = dir.join("report.json");
    let mut w = set.create("report.json")?;
    serde_json::to_writer_pretty(&mut w, &analysis.report)
        .map_err(|e| Error::Write { path: path.clone(), cause: e.into() })?;
    std::io::Write::write_all(&mut w, b"\n")
        .map_err(|cause| Error::Write { path: path.clone(), cause })?;
    output::finish(w, &path)?;
    set.commit()
}

/// Writes the normalized table alone (the `normalize` command) to `path`, atomically.
pub fn write_normalized(analysis: &Analysis, path: &Path, inputs: &[PathBuf]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Usage(format!("{}: --out must name a file", path.display())))?;
    let mut set = OutputSet::new(&dir, &[name], inputs)?;
    write_cleaned_named(analysis, &mut set, name, path)?;
    set.commit().map(|_| ())
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    let source = match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    };
    Error::Write { path: path.to_path_buf(), cause: source }
}

fn finish_csv(w: csv::Writer<std::io::BufWriter<std::fs::File>>, path: &Path) -> Result<()> {
    let inner = w.into_inner().map_err(|e| Error::Write {
        path: path.to_path_buf(),
        cause: std::io::Error::other(e.to_string()),
    })?;
    output::finish(inner, path)
}

fn write_cleaned(analysis: &Analysis, set: &mut OutputSet, path: &Path) -> Result<()> {
    write_cleaned_named(analysis, set, "cleaned.csv", path)
}

fn write_cleaned_named(
    analysis: &Analysis,
    set: &mut OutputSet,
    name: &str,
    path: &Path,
) -> Result<()> {
    let several = analysis.input.sources.len() > 1;
    let mut w = csv::WriterBuilder::new().from_writer(set.create(name)?);
    let mut header: Vec<&str> = analysis.input.headers.iter().map(String::as_str).collect();
    header.push("steward_row");
    if several {
        header.push("steward_source");
    }
    header.push("steward_issues");
    w.write_record(&header).map_err(|e| csv_error(path, e))?;
    let mut codes: Vec<&str> = Vec::new();
    for (row, norm) in analysis.input.rows.iter().zip(&analysis.normalized) {
        let mut record = norm.record.clone();
        record.push_field(&row.row.to_string());
        if several {
            record.push_field(&analysis.input.sources[row.source as usize].path);
        }
        codes.clear();
        for ci in &norm.issues {
            if !codes.contains(&ci.issue.code) {
                codes.push(ci.issue.code);
            }
        }
        record.push_field(&codes.join(";"));
        w.write_record(&record).map_err(|e| csv_error(path, e))?;
    }
    finish_csv(w, path)
}

fn write_quarantine(analysis: &Analysis, set: &mut OutputSet, path: &Path) -> Result<()> {
    let mut w = csv::WriterBuilder::new().from_writer(set.create("quarantine.csv")?);
    w.write_record(["source", "row", "line", "code", "reason", "raw"])
        .map_err(|e| csv_error(path, e))?;
    for q in &analysis.input.quarantine {
        let QuarantinedRow { source, row, line, code, reason, raw } = q;
        let src = &analysis.input.sources[*source as usize].path;
        w.write_record([src.as_str(), &row.to_string(), &line.to_string(), code, reason, raw])
            .map_err(|e| csv_error(path, e))?;
    }
    finish_csv(w, path)
}

fn write_findings(analysis: &Analysis, set: &mut OutputSet, path: &Path) -> Result<()> {
    let mut w = csv::WriterBuilder::new().from_writer(set.create("findings.csv")?);
    w.write_record(["source", "row", "column", "code", "severity", "before", "after", "message"])
        .map_err(|e| csv_error(path, e))?;
    for f in &analysis.findings {
        let src = &analysis.input.sources[f.source as usize].path;
        let column = f
            .column
            .and_then(|c| analysis.input.headers.get(c as usize))
            .map_or("", String::as_str);
        w.write_record([
            src.as_str(),
            &f.row.to_string(),
            column,
            f.code,
            f.severity.as_str(),
            &f.before,
            &f.after,
            &f.message,
        ])
        .map_err(|e| csv_error(path, e))?;
    }
    finish_csv(w, path)
}
