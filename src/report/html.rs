//! `report.html`: one self-contained page for a data steward — a verdict banner readable at a
//! glance, accounting, inline SVG charts, the rules with their docs, masked examples.
//!
//! No scripts, fonts, images or style sheets are loaded from anywhere: the file opens offline
//! and can be mailed. Every value from the data or the rules passes through [`esc`].

use std::fmt::Write as _;

use crate::report::model::{DataProfile, Report, RuleCount};
use crate::rules::registry;

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Shortens a label to `max` characters with an ellipsis (before escaping).
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

const STYLE: &str = r#"
:root{--fg:#1d2433;--muted:#5b6476;--line:#e3e6ec;--bg:#f6f7f9;--err:#c0392b;--warn:#d68910;--info:#2e6fb7;--ok:#1e8449;--track:#eceef2}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1120px;margin:0 auto;padding:24px}
.banner{border-radius:10px;padding:20px 24px;color:#fff;margin-bottom:16px}
.banner.fail{background:var(--err)}.banner.pass{background:var(--ok)}
.banner h1{margin:0;font-size:28px;letter-spacing:.2px}
.banner p{margin:6px 0 0;font-size:16px;opacity:.95}
.meta{color:var(--muted);margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-bottom:16px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.card .n{font-size:24px;font-weight:600;white-space:nowrap}.card .l{color:var(--muted);font-size:13px}
.card.bad .n{color:var(--err)}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin-bottom:16px}
h2{font-size:18px;margin:0 0 12px}
h3{font-size:15px;margin:0 0 8px;color:var(--muted);font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:18px}
svg{display:block;width:100%;height:auto}
svg text{font:12.5px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--fg)}
svg .v{fill:var(--muted)}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;background:#fafbfc}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.sev{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;color:#fff}
.sev.error{background:var(--err)}.sev.warning{background:var(--warn)}.sev.info{background:var(--info)}
.verdict-fail{color:var(--err);font-weight:600}.verdict-pass{color:var(--ok)}
details{border-bottom:1px solid var(--line);padding:6px 0}
details summary{cursor:pointer;list-style-position:inside}
details .doc{padding:6px 12px 4px 22px;color:#2b3345}
details .doc h4{margin:10px 0 2px;font-size:14px}
details .doc p{margin:2px 0 6px}
code{background:#f1f3f6;border-radius:3px;padding:0 3px;font-size:13px}
.empty{color:var(--muted)}
footer{color:var(--muted);font-size:13px;text-align:center;padding:8px}
"#;

/// One bar of a horizontal bar chart.
struct Bar {
    label: String,
    /// Segments of the bar, as (value, css colour), drawn left to right.
    parts: Vec<(f64, &'static str)>,
    /// Text right of the bar.
    text: String,
    /// Tooltip.
    title: String,
}

/// Draws a horizontal bar chart as inline SVG. `max` is the value of a full-width bar.
fn bar_chart(bars: &[Bar], max: f64) -> String {
    if bars.is_empty() {
        return "<p class=\"empty\">No data.</p>".to_string();
    }
    let (label_w, bar_w, text_w, row_h) = (230.0, 220.0, 100.0, 24.0);
    let height = row_h * bars.len() as f64 + 4.0;
    let width = label_w + bar_w + text_w;
    let mut s = format!(
        "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" preserveAspectRatio=\"xMinYMin meet\">"
    );
    let max = if max > 0.0 { max } else { 1.0 };
    for (i, b) in bars.iter().enumerate() {
        let y = 2.0 + row_h * i as f64;
        let _ = write!(
            s,
            "<g><title>{}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label_w}\" y=\"{}\" width=\"{bar_w}\" height=\"{}\" rx=\"3\" fill=\"var(--track)\"/>",
            esc(&b.title),
            label_w - 8.0,
            y + 16.0,
            esc(&shorten(&b.label, 31)),
            y + 4.0,
            row_h - 8.0
        );
        let mut x = label_w;
        for &(v, colour) in &b.parts {
            let w = (v.max(0.0) / max * bar_w).min(label_w + bar_w - x);
            if w > 0.0 {
                let _ = write!(
                    s,
                    "<rect x=\"{x:.1}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\" rx=\"3\" fill=\"{colour}\"/>",
                    y + 4.0,
                    row_h - 8.0
                );
                x += w;
            }
        }
        let _ = write!(
            s,
            "<text class=\"v\" x=\"{}\" y=\"{}\">{}</text></g>",
            label_w + bar_w + 8.0,
            y + 16.0,
            esc(&b.text)
        );
    }
    s.push_str("</svg>");
    s
}

fn severity_colour(severity: &str) -> &'static str {
    match severity {
        "error" => "var(--err)",
        "warning" => "var(--warn)",
        _ => "var(--info)",
    }
}

/// Renders a rule doc's small Markdown subset (`## ` headings, paragraphs, `- ` lists,
/// `` `code` ``) as HTML. The text is escaped first.
fn doc_html(doc: &str) -> String {
    let mut out = String::new();
    let mut para: Vec<String> = vec![];
    let mut list = false;
    let flush = |para: &mut Vec<String>, out: &mut String| {
        if !para.is_empty() {
            let _ = write!(out, "<p>{}</p>", para.join(" "));
            para.clear();
        }
    };
    for line in doc.lines() {
        let line = line.trim_end();
        let html = inline_code(&esc(line.trim_start_matches("- ").trim_start_matches("## ")));
        if line.starts_with("## ") {
            flush(&mut para, &mut out);
            if list {
                out.push_str("</ul>");
                list = false;
            }
            let _ = write!(out, "<h4>{html}</h4>");
        } else if line.starts_with("- ") {
            flush(&mut para, &mut out);
            if !list {
                out.push_str("<ul>");
                list = true;
            }
            let _ = write!(out, "<li>{html}</li>");
        } else if line.is_empty() {
            flush(&mut para, &mut out);
            if list {
                out.push_str("</ul>");
                list = false;
            }
        } else {
            para.push(html);
        }
    }
    flush(&mut para, &mut out);
    if list {
        out.push_str("</ul>");
    }
    out
}

/// Turns `` `x` `` pairs of already-escaped text into `<code>x</code>`.
fn inline_code(escaped: &str) -> String {
    let parts: Vec<&str> = escaped.split('`').collect();
    if parts.len() % 2 == 0 {
        return escaped.to_string(); // unbalanced: leave as is
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| if i % 2 == 1 { format!("<code>{p}</code>") } else { (*p).to_string() })
        .collect()
}

fn pct(n: u64, d: u64) -> f64 {
    if d == 0 { 0.0 } else { 100.0 * n as f64 / d as f64 }
}

/// Renders the report as one self-contained HTML page.
pub fn render(report: &Report) -> String {
    let mut h = String::with_capacity(32 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(h, "<title>steward report — {}</title>", esc(&report.as_of));
    let _ = writeln!(h, "<style>{STYLE}</style>\n</head>\n<body>\n<main>");

    banner(&mut h, report);
    let inputs: Vec<String> = report.inputs.iter().map(|s| esc(&s.path)).collect();
    let _ = writeln!(
        h,
        "<p class=\"meta\">steward {} · command <b>{}</b> · as of <b>{}</b> · inputs: {}</p>",
        esc(report.tool.version),
        esc(&report.command),
        esc(&report.as_of),
        if inputs.is_empty() { "none".to_string() } else { inputs.join(", ") }
    );
    cards(&mut h, report);
    if let Some(p) = &report.profile {
        charts(&mut h, report, p);
    } else {
        findings_chart_section(&mut h, report);
    }
    rules_section(&mut h, report);
    inputs_section(&mut h, report);
    let _ = writeln!(
        h,
        "<footer>Personal values are masked. Generated by {} {}.</footer>\n</main>\n</body>\n</html>",
        esc(report.tool.name),
        esc(report.tool.version)
    );
    h
}

fn banner(h: &mut String, report: &Report) {
    let failed = report.failed_rules();
    if failed.is_empty() {
        h.push_str(
            "<div class=\"banner pass\"><h1>✔ Готово к импорту · READY</h1>\
             <p>No rule fails the gate.</p></div>\n",
        );
        return;
    }
    let names: Vec<String> = failed
        .iter()
        .map(|c| {
            let name = report.findings.get(*c).map_or("", |rc| rc.name.as_str());
            format!("{} {}", esc(c), esc(name))
        })
        .collect();
    let _ = writeln!(
        h,
        "<div class=\"banner fail\"><h1>✖ Не готово к импорту · NOT READY: {} rule{} failed</h1>\
         <p>{}</p></div>",
        failed.len(),
        if failed.len() == 1 { "" } else { "s" },
        names.join(" · ")
    );
}

fn cards(h: &mut String, report: &Report) {
    let a = &report.accounting;
    h.push_str("<div class=\"cards\">");
    let mut card = |n: String, label: &str, bad: bool| {
        let _ = write!(
            h,
            "<div class=\"card{}\"><div class=\"n\">{}</div><div class=\"l\">{}</div></div>",
            if bad { " bad" } else { "" },
            esc(&n),
            esc(label)
        );
    };
    card(a.rows_read.to_string(), "rows read", false);
    card(a.records_written.to_string(), "records written", false);
    card(a.rows_merged.to_string(), "rows merged", false);
    card(a.rows_quarantined.to_string(), "rows quarantined", a.rows_quarantined > 0);
    if !a.balanced() {
        card("✖".into(), "accounting does not balance", true);
    }
    if let Some(p) = &report.profile {
        card(
            format!("{:.1} → {:.1}", p.score.before, p.score.after),
            "quality score before → after",
            false,
        );
    }
    let errors: u64 =
        report.findings.values().filter(|r| r.severity == "error").map(|r| r.count).sum();
    card(errors.to_string(), "error findings", errors > 0);
    h.push_str("</div>\n");
}

fn findings_bars(report: &Report) -> (Vec<Bar>, f64) {
    let mut rules: Vec<(&String, &RuleCount)> =
        report.findings.iter().filter(|(_, r)| r.count > 0).collect();
    rules.sort_by(|x, y| {
        (std::cmp::Reverse(x.1.count), x.0).cmp(&(std::cmp::Reverse(y.1.count), y.0))
    });
    let max = rules.first().map_or(1.0, |r| r.1.count as f64);
    let base = report.rows_base();
    let bars = rules
        .iter()
        .take(25)
        .map(|(code, rc)| Bar {
            label: format!("{code} {}", rc.name),
            parts: vec![(rc.count as f64, severity_colour(&rc.severity))],
            text: format!("{} ({:.1}% of rows)", rc.count, pct(rc.rows, base)),
            title: format!("{code} {}: {} findings, {}", rc.name, rc.count, rc.severity),
        })
        .collect();
    (bars, max)
}

fn findings_chart_section(h: &mut String, report: &Report) {
    let (bars, max) = findings_bars(report);
    let _ = writeln!(h, "<section><h2>Findings per rule</h2>{}</section>", bar_chart(&bars, max));
}

fn charts(h: &mut String, report: &Report, p: &DataProfile) {
    h.push_str("<section><h2>Overview</h2><div class=\"charts\">\n");
    let (bars, max) = findings_bars(report);
    let _ = writeln!(h, "<div><h3>Findings per rule</h3>{}</div>", bar_chart(&bars, max));

    let score = vec![
        Bar {
            label: "before cleaning".into(),
            parts: vec![(p.score.before, "var(--warn)")],
            text: format!("{:.1} / 100", p.score.before),
            title: "share of mapped cells filled and valid as exported".into(),
        },
        Bar {
            label: "after cleaning".into(),
            parts: vec![(p.score.after, "var(--ok)")],
            text: format!("{:.1} / 100", p.score.after),
            title: "share of mapped cells filled and valid after normalization".into(),
        },
    ];
    let _ = writeln!(h, "<div><h3>Quality score</h3>{}</div>", bar_chart(&score, 100.0));

    let cols: Vec<Bar> = p
        .columns
        .iter()
        .map(|c| {
            let valid = pct(c.valid, c.rows);
            let invalid = pct(c.filled.saturating_sub(c.valid), c.rows);
            Bar {
                label: c.column.clone(),
                parts: vec![(valid, "var(--ok)"), (invalid, "var(--err)")],
                text: format!("{:.0}% filled", 100.0 * c.fill_rate),
                title: format!(
                    "{} ({}): {} of {} filled, {} valid, {} changed",
                    c.column,
                    c.role.map_or("no role", |r| r.as_str()),
                    c.filled,
                    c.rows,
                    c.valid,
                    c.changed
                ),
            }
        })
        .collect();
    let _ = writeln!(
        h,
        "<div><h3>Fill rate per column <small>(green valid, red invalid)</small></h3>{}</div>",
        bar_chart(&cols, 100.0)
    );

    let s = &p.segments;
    let seg_total = s.active + s.inactive + s.lead + s.unknown;
    let seg = |label: &str, n: u64, colour| Bar {
        label: label.into(),
        parts: vec![(n as f64, colour)],
        text: format!("{n} ({:.0}%)", pct(n, seg_total)),
        title: format!("{label}: {n} records"),
    };
    let segs = vec![
        seg("active", s.active, "var(--ok)"),
        seg("inactive", s.inactive, "var(--warn)"),
        seg("lead", s.lead, "var(--info)"),
        seg("unknown", s.unknown, "#9aa3b2"),
    ];
    let _ = writeln!(h, "<div><h3>Segments</h3>{}</div>", bar_chart(&segs, seg_total as f64));

    let c = &p.contactability;
    let reach = vec![
        seg("email", c.email, "var(--ok)"),
        seg("sms", c.sms, "var(--ok)"),
        seg("call", c.call, "var(--ok)"),
        seg("no channel", c.none, "var(--err)"),
    ];
    let _ = writeln!(
        h,
        "<div><h3>Reachable for advertising (consent + valid contact)</h3>{}</div>",
        bar_chart(&reach, seg_total.max(c.none) as f64)
    );

    let d = &p.duplicates;
    let max = d.size_histogram.iter().map(|b| b.clusters).max().unwrap_or(0) as f64;
    let sizes: Vec<Bar> = d
        .size_histogram
        .iter()
        .map(|b| Bar {
            label: format!("{} rows", b.size),
            parts: vec![(b.clusters as f64, "var(--info)")],
            text: format!("{} cluster{}", b.clusters, if b.clusters == 1 { "" } else { "s" }),
            title: format!("{} clusters of {} rows", b.clusters, b.size),
        })
        .collect();
    let _ = writeln!(
        h,
        "<div><h3>Duplicate clusters by size ({} in clusters, {} rows merged)</h3>{}</div>",
        d.rows_in_clusters,
        d.rows_merged,
        bar_chart(&sizes, max)
    );
    h.push_str("</div></section>\n");
}

fn rules_section(h: &mut String, report: &Report) {
    h.push_str("<section><h2>Rules</h2>\n");
    if report.findings.is_empty() {
        h.push_str("<p class=\"empty\">No findings.</p></section>\n");
        return;
    }
    h.push_str(
        "<table><thead><tr><th>Code</th><th>Name</th><th>Severity</th><th class=\"num\">Findings</th>\
         <th class=\"num\">% of rows</th><th>Verdict</th></tr></thead><tbody>\n",
    );
    let mut rules: Vec<(&String, &RuleCount)> = report.findings.iter().collect();
    rules.sort_by(|x, y| {
        (!x.1.fails_gate(), std::cmp::Reverse(x.1.count), x.0).cmp(&(
            !y.1.fails_gate(),
            std::cmp::Reverse(y.1.count),
            y.0,
        ))
    });
    let base = report.rows_base();
    for (code, rc) in &rules {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td><span class=\"sev {}\">{}</span></td>\
             <td class=\"num\">{}</td><td class=\"num\">{:.1}%</td><td>{}</td></tr>",
            esc(code),
            esc(&rc.name),
            esc(&rc.severity),
            esc(&rc.severity),
            rc.count,
            pct(rc.rows, base),
            if rc.fails_gate() {
                "<span class=\"verdict-fail\">✖ fail</span>"
            } else {
                "<span class=\"verdict-pass\">pass</span>"
            }
        );
    }
    h.push_str("</tbody></table>\n<h3 style=\"margin-top:14px\">Details and examples</h3>\n");
    for (code, rc) in &rules {
        let meta = registry::lookup(code);
        let _ = write!(
            h,
            "<details><summary><code>{}</code> {} — {} ({})</summary><div class=\"doc\">",
            esc(code),
            esc(&rc.name),
            esc(meta.map_or("", |m| m.summary)),
            rc.count
        );
        let samples = report.profile.as_ref().and_then(|p| p.samples.get(*code));
        if let Some(samples) = samples.filter(|s| !s.is_empty()) {
            h.push_str(
                "<h4>Examples (masked)</h4><table><thead><tr><th class=\"num\">Row</th><th>Column</th>\
                 <th>Value</th><th>Fixed / suggested</th><th>Message</th></tr></thead><tbody>",
            );
            for s in samples {
                let _ = write!(
                    h,
                    "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    s.row,
                    esc(&s.column),
                    esc(&s.before),
                    esc(&s.after),
                    esc(&s.message)
                );
            }
            h.push_str("</tbody></table>");
        }
        if let Some(m) = meta {
            h.push_str(&doc_html(m.doc));
        }
        h.push_str("</div></details>\n");
    }
    h.push_str("</section>\n");
}

fn inputs_section(h: &mut String, report: &Report) {
    if report.inputs.is_empty() {
        return;
    }
    h.push_str(
        "<section><h2>Inputs</h2><table><thead><tr><th>File</th><th>Encoding</th><th>Delimiter</th>\
         <th class=\"num\">Rows</th><th class=\"num\">Quarantined</th><th>SHA-256</th></tr></thead><tbody>\n",
    );
    for s in &report.inputs {
        let delim = match s.dialect.delimiter {
            b'\t' => "tab".to_string(),
            d => char::from(d).to_string(),
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td><code title=\"{}\">{}…</code></td></tr>",
            esc(&s.path),
            esc(&s.encoding),
            esc(&delim),
            s.rows_read,
            s.rows_quarantined,
            esc(&s.sha256),
            esc(&s.sha256.chars().take(12).collect::<String>())
        );
    }
    h.push_str("</tbody></table></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::tests_support::sample_report;

    #[test]
    fn page_is_self_contained_escaped_and_has_a_verdict() {
        let html = render(&sample_report());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("NOT READY: 2 rules failed"));
        assert!(html.contains("Не готово к импорту"));
        assert!(html.contains("<svg"));
        for external in ["http://", "https://", "<script", "<link", "@import", "url("] {
            assert!(!html.contains(external), "found {external}");
        }
        assert!(!html.contains("<img"));
        assert!(!html.contains("<b>col</b>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("a&amp;b"));
        assert!(html.contains("clients&lt;1&gt;.csv"));
        // Docs of registered rules are rendered in <details>.
        assert!(html.contains("<details><summary><code>CP001</code>"));
        assert!(html.contains("<h4>Why it matters</h4>"));
        assert!(html.contains("61.5 → 88.2"));
        assert_eq!(html.matches("<svg").count(), 6);
    }

    #[test]
    fn ready_banner_and_no_profile() {
        let mut r = sample_report();
        r.findings.retain(|_, rc| !rc.fails_gate());
        r.profile = None;
        let html = render(&r);
        assert!(html.contains("READY"));
        assert!(!html.contains("NOT READY"));
        assert!(html.contains("<svg"));
    }

    #[test]
    fn doc_markdown_subset() {
        assert_eq!(
            doc_html("## What it checks\nA `<b>` tag.\n\n- one\n- two"),
            "<h4>What it checks</h4><p>A <code>&lt;b&gt;</code> tag.</p><ul><li>one</li><li>two</li></ul>"
        );
        assert_eq!(shorten("abcdef", 4), "abc…");
    }
}
