//! `report.md`: a summary for a CI job page or a pull-request comment — verdict, accounting,
//! rules table and the top findings with masked samples.

use std::fmt::Write as _;

use crate::report::model::{Report, RuleCount};

/// Escapes text for a Markdown table cell: pipes, line breaks, and inline HTML/markup.
pub fn md_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '`' | '*' | '_' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The verdict line, shared by the renderers.
pub fn verdict_line(report: &Report) -> String {
    let failed = report.failed_rules();
    if failed.is_empty() {
        "✅ **READY** — no rule fails the gate".to_string()
    } else {
        format!(
            "❌ **NOT READY** — {} rule{} failed: {}",
            failed.len(),
            if failed.len() == 1 { "" } else { "s" },
            failed.join(", ")
        )
    }
}

/// Top rules shown with samples.
const TOP_RULES: usize = 10;

/// Renders the report as Markdown.
pub fn render(report: &Report) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# steward {} report\n", md_cell(&report.command));
    let _ = writeln!(m, "{}\n", verdict_line(report));
    let inputs: Vec<String> =
        report.inputs.iter().map(|s| format!("`{}`", s.path.replace('`', "'"))).collect();
    let _ = writeln!(
        m,
        "As of {} · {} {} · inputs: {}\n",
        md_cell(&report.as_of),
        report.tool.name,
        report.tool.version,
        if inputs.is_empty() { "none".to_string() } else { inputs.join(", ") }
    );

    let a = &report.accounting;
    m.push_str("## Accounting\n\n| rows read | records written | rows merged | rows quarantined | balanced |\n|---:|---:|---:|---:|:---:|\n");
    let _ = writeln!(
        m,
        "| {} | {} | {} | {} | {} |\n",
        a.rows_read,
        a.records_written,
        a.rows_merged,
        a.rows_quarantined,
        if a.balanced() { "yes" } else { "**no**" }
    );

    if let Some(p) = &report.profile {
        m.push_str("## Data quality\n\n");
        let _ = writeln!(
            m,
            "Score (filled and valid mapped cells): **{:.1} → {:.1}** / 100 (before → after cleaning)\n",
            p.score.before, p.score.after
        );
        let s = &p.segments;
        let c = &p.contactability;
        let d = &p.duplicates;
        let _ = writeln!(
            m,
            "| segments | active {} · inactive {} · lead {} · unknown {} |\n|---|---|\n\
             | reachable for advertising | email {} · sms {} · call {} · none {} |\n\
             | duplicates | {} clusters, {} rows merged |\n",
            s.active,
            s.inactive,
            s.lead,
            s.unknown,
            c.email,
            c.sms,
            c.call,
            c.none,
            d.clusters,
            d.rows_merged
        );
    }

    m.push_str("## Rules\n\n");
    if report.findings.is_empty() {
        m.push_str("No findings.\n\n");
    } else {
        m.push_str("| code | name | severity | findings | % of rows | verdict |\n|---|---|---|---:|---:|---|\n");
        let mut rules: Vec<(&String, &RuleCount)> = report.findings.iter().collect();
        rules.sort_by(|x, y| {
            (!x.1.fails_gate(), std::cmp::Reverse(x.1.count), x.0).cmp(&(
                !y.1.fails_gate(),
                std::cmp::Reverse(y.1.count),
                y.0,
            ))
        });
        for (code, rc) in &rules {
            let pct = 100.0 * rc.rows as f64 / report.rows_base() as f64;
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} | {pct:.1}% | {} |",
                md_cell(code),
                md_cell(&rc.name),
                md_cell(&rc.severity),
                rc.count,
                if rc.fails_gate() { "❌ fail" } else { "pass" }
            );
        }
        m.push('\n');
        let with_samples: Vec<_> = rules
            .iter()
            .filter(|(code, _)| {
                report.profile.as_ref().is_some_and(|p| p.samples.contains_key(*code))
            })
            .take(TOP_RULES)
            .collect();
        if !with_samples.is_empty() {
            m.push_str("## Top findings\n\nValues are masked.\n\n");
        }
        for (code, rc) in with_samples {
            let _ = writeln!(m, "### {} {} ({})\n", md_cell(code), md_cell(&rc.name), rc.count);
            m.push_str("| row | column | value | message |\n|---:|---|---|---|\n");
            for s in
                report.profile.as_ref().and_then(|p| p.samples.get(*code)).into_iter().flatten()
            {
                let _ = writeln!(
                    m,
                    "| {} | {} | {} | {} |",
                    s.row,
                    md_cell(&s.column),
                    md_cell(&s.before),
                    md_cell(&s.message)
                );
            }
            m.push('\n');
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::tests_support::sample_report;

    #[test]
    fn summary_has_verdict_tables_and_escaped_cells() {
        let md = render(&sample_report());
        assert!(md.contains("❌ **NOT READY** — 2 rules failed: CP001, CP003"), "{md}");
        assert!(md.contains("| 10 | 8 | 1 | 1 | yes |"));
        assert!(
            md.contains("| CP001 | processing-consent-missing | error | 3 | 30.0% | ❌ fail |")
        );
        assert!(md.contains("| CM002 | no-valid-contact | warning | 4 | 40.0% | pass |"));
        assert!(md.contains("61.5 → 88.2"));
        assert!(!md.contains("<script>"));
        assert!(!md.contains("<img"));
        assert!(md.contains("a&amp;b"));
        assert_eq!(md_cell("a|b\nc"), "a\\|b c");
        // Failing rules are listed first.
        let pos = |s: &str| md.find(s).unwrap_or(usize::MAX);
        assert!(pos("| CP003 |") < pos("| CM002 |"));
    }

    #[test]
    fn clean_run_is_ready() {
        let mut r = sample_report();
        r.findings.retain(|_, rc| !rc.fails_gate());
        assert!(render(&r).contains("✅ **READY**"));
    }
}
