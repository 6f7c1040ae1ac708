//! JUnit XML: one test suite, one test case per rule, failing when the rule fails the gate.
//! CI systems (GitLab, Jenkins, GitHub test reporters) show it as a test report.

use std::fmt::Write as _;

use crate::report::model::{Report, RuleCount};
use crate::rules::registry;

/// Escapes text for XML content and attributes, dropping characters XML 1.0 forbids.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The family of a code: its letter prefix (`PH002` → `PH`).
fn family(code: &str) -> &str {
    code.trim_end_matches(|c: char| c.is_ascii_digit())
}

/// Renders the report as JUnit XML. Every registered rule is a test case (so the CI page shows
/// what was checked); rules that fired but are not registered are added after them.
pub fn render(report: &Report) -> String {
    let mut cases: Vec<(String, String, Option<&RuleCount>)> = registry::all()
        .iter()
        .map(|r| (r.code.to_string(), r.name.to_string(), report.findings.get(r.code)))
        .collect();
    for (code, rc) in &report.findings {
        if registry::lookup(code).is_none() {
            cases.push((code.clone(), rc.name.clone(), Some(rc)));
        }
    }
    let failures = cases.iter().filter(|c| c.2.is_some_and(RuleCount::fails_gate)).count();
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"steward\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
        cases.len()
    );
    let _ = writeln!(
        x,
        "  <testsuite name=\"steward {}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" timestamp=\"{}\">",
        xml_escape(&report.command),
        cases.len(),
        xml_escape(&report.as_of)
    );
    let samples = report.profile.as_ref().map(|p| &p.samples);
    for (code, name, rc) in &cases {
        let _ = write!(
            x,
            "    <testcase classname=\"{}\" name=\"{} {}\"",
            xml_escape(family(code)),
            xml_escape(code),
            xml_escape(name)
        );
        let Some(rc) = rc.filter(|rc| rc.count > 0) else {
            x.push_str("/>\n");
            continue;
        };
        x.push_str(">\n");
        let pct = 100.0 * rc.count as f64 / report.rows_base() as f64;
        let head = format!(
            "{} finding{} ({pct:.1}% of rows), severity {}",
            rc.count,
            if rc.count == 1 { "" } else { "s" },
            rc.severity
        );
        let mut body = String::new();
        for s in samples.and_then(|m| m.get(code)).into_iter().flatten() {
            let _ = writeln!(body, "row {} {}: {} {}", s.row, s.column, s.before, s.message);
        }
        if rc.fails_gate() {
            let _ = writeln!(
                x,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                xml_escape(&head),
                xml_escape(&rc.severity),
                xml_escape(&body)
            );
        } else {
            let _ = writeln!(
                x,
                "      <system-out>{}\n{}</system-out>",
                xml_escape(&head),
                xml_escape(&body)
            );
        }
        x.push_str("    </testcase>\n");
    }
    x.push_str("  </testsuite>\n</testsuites>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::tests_support::sample_report;

    #[test]
    fn escapes_and_fails_error_rules() {
        assert_eq!(xml_escape("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
        let xml = render(&sample_report());
        assert!(xml.starts_with("<?xml"));
        assert!(xml.contains("classname=\"CP\" name=\"CP001 processing-consent-missing\""));
        // CP001 is an error with findings: a failure; CM002 is a warning: no failure.
        let cp001 = xml.split("name=\"CP001").nth(1).unwrap_or("");
        assert!(cp001.split("</testcase>").next().unwrap_or("").contains("<failure"));
        let cm002 = xml.split("name=\"CM002").nth(1).unwrap_or("");
        assert!(!cm002.split("</testcase>").next().unwrap_or("").contains("<failure"));
        assert!(xml.contains("failures=\"2\""), "{xml}");
        assert!(!xml.contains("<script>"));
        assert!(xml.contains("&lt;script&gt;"));
        assert!(xml.contains("name=\"IN001 row-field-count-mismatch\"/>"));
    }
}
