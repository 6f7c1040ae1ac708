//! Renders report.md, report.html and junit.xml for a CSV, running the domain checks the way
//! the pipeline will: `cargo run --example sample_report [-- INPUT.csv OUT_DIR]`.
//!
//! Defaults: `testdata/report/sample.csv` → `target/sample-report/`. Duplicate clusters are
//! faked by equal phone keys (a stand-in for dedupe). This is also the wiring reference:
//! analyze → RowView per row → check_row / check_table / segment / contactability →
//! findings and counts → compute_profile → renderers.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use steward::finding::{Finding, mask_value};
use steward::normalize::NormalizeSettings;
use steward::pipeline::{RunConfig, analyze};
use steward::progress::Silent;
use steward::report::model::{RuleCount, compute_profile, non_personal};
use steward::report::{html, junit, markdown};
use steward::roles::Role;
use steward::rules::checks::{
    self, CheckParams, KeyNormalizer, RowView, SuppressionList, contactability, segment,
};
use steward::rules::registry;

#[allow(clippy::print_stderr)] // An example program: telling the user where files went is its job.
fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let input = PathBuf::from(args.next().unwrap_or_else(|| "testdata/report/sample.csv".into()));
    let out = PathBuf::from(args.next().unwrap_or_else(|| "target/sample-report".into()));
    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap_or_default();
    let config = RunConfig {
        inputs: vec![input],
        read: Default::default(),
        columns: vec![],
        normalize: NormalizeSettings { region: "RU".into(), fix_typos: false, as_of },
        show_values: false,
    };
    let mut analysis = analyze(&config, "check", &Silent)?;

    // Stand-in for dedupe: rows sharing a phone key form a cluster.
    let mut by_phone: BTreeMap<String, u32> = BTreeMap::new();
    let clusters: Vec<Option<u32>> = analysis
        .normalized
        .iter()
        .map(|n| {
            let phone = analysis.columns.first(Role::Phone).and_then(|c| n.record.get(c))?;
            let key = KeyNormalizer::default_phone_key(phone)?;
            let next = by_phone.len() as u32;
            Some(*by_phone.entry(key).or_insert(next))
        })
        .collect();
    let mut sizes: BTreeMap<u32, usize> = BTreeMap::new();
    clusters.iter().flatten().for_each(|c| *sizes.entry(*c).or_default() += 1);

    let params = CheckParams::default();
    let views: Vec<RowView> = analysis
        .normalized
        .iter()
        .zip(&clusters)
        .map(|(n, c)| RowView {
            values: &n.record,
            columns: &analysis.columns,
            cell_issues: &n.issues,
            cluster: c.filter(|c| sizes.get(c).is_some_and(|&s| s > 1)),
        })
        .collect();
    let mut issues: Vec<(usize, steward::normalize::CellIssue)> = vec![];
    for (i, v) in views.iter().enumerate() {
        let mut out = vec![];
        checks::check_row(v, &params, as_of, &mut out);
        issues.extend(out.into_iter().map(|ci| (i, ci)));
    }
    let suppression = SuppressionList::from_values(["+7 911 000-11-55"]);
    checks::check_table(&views, &params, as_of, None, Some(&suppression), &mut issues);
    let segments: Vec<_> = views.iter().map(|v| segment(v, &params, as_of)).collect();
    let reach: Vec<_> = views.iter().map(|v| contactability(v, &suppression, as_of)).collect();

    for (i, ci) in issues {
        let row = &analysis.input.rows[i];
        let before = row.record.get(ci.column as usize).unwrap_or("").to_string();
        let severity = registry::lookup(ci.issue.code)
            .map_or(steward::finding::Severity::Warning, |r| r.default_severity);
        let role = analysis.columns.role(ci.column as usize);
        let message = if before.is_empty() || non_personal(role) {
            ci.issue.message.clone()
        } else {
            ci.issue.message.replace(&before, &mask_value(&before))
        };
        analysis.findings.push(Finding {
            source: row.source,
            row: row.row,
            column: Some(ci.column),
            code: ci.issue.code,
            severity,
            before,
            after: ci.issue.suggestion.clone().unwrap_or_default(),
            message,
        });
        let rc = analysis.report.findings.entry(ci.issue.code.to_string()).or_insert_with(|| {
            RuleCount {
                name: registry::lookup(ci.issue.code).map_or_else(String::new, |r| r.name.into()),
                severity: severity.as_str().into(),
                count: 0,
            }
        });
        rc.count += 1;
    }
    analysis.findings.sort_by(|a, b| {
        (a.source, a.row, a.column, a.code).cmp(&(b.source, b.row, b.column, b.code))
    });

    let raw: Vec<&csv::StringRecord> = analysis.input.rows.iter().map(|r| &r.record).collect();
    let cluster_sizes: Vec<usize> = sizes.values().copied().collect();
    analysis.report.profile = Some(compute_profile(
        &analysis.columns,
        &raw,
        &analysis.normalized,
        &segments,
        &reach,
        &cluster_sizes,
        &analysis.findings,
        false,
    ));

    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("report.md"), markdown::render(&analysis.report))?;
    std::fs::write(out.join("report.html"), html::render(&analysis.report))?;
    std::fs::write(out.join("junit.xml"), junit::render(&analysis.report))?;
    eprintln!("wrote {}/report.{{md,html}} and junit.xml", out.display());
    Ok(())
}
