//! `docs/rules.md`, generated from the registry. A test fails when the committed file is
//! stale; regenerate with `STEWARD_BLESS=1 cargo test --lib rules::docs`.

use super::meta::{FixKind, RuleMeta};
use super::registry;
use super::selector::FAMILIES;

fn fix_word(fix: FixKind) -> &'static str {
    match fix {
        FixKind::None => "none",
        FixKind::Safe => "safe",
        FixKind::Unsafe => "unsafe",
    }
}

fn family_of(code: &str) -> &str {
    let n = code.chars().take_while(char::is_ascii_uppercase).count();
    code.get(..n).unwrap_or("")
}

/// Markdown reference of every registered rule: an index table per family, then each rule's
/// doc with its headings nested under the rule.
pub fn render_markdown() -> String {
    render(registry::all())
}

fn render(rules: &[&RuleMeta]) -> String {
    let mut s = String::from(
        "# steward rules\n\n\
         <!-- Generated from the rule registry by `steward::rules::docs::render_markdown`. \
         Do not edit; run `STEWARD_BLESS=1 cargo test --lib rules::docs` to regenerate. -->\n\n\
         Every finding carries a permanent code. `steward rules CODE` prints the same text.\n\
         Select, ignore and re-grade rules in a rules file (see `docs/rules-files.md`).\n\n",
    );
    for (family, about) in FAMILIES {
        let members: Vec<&&RuleMeta> =
            rules.iter().filter(|r| family_of(r.code) == *family).collect();
        if members.is_empty() {
            continue;
        }
        s.push_str(&format!("## {family}: {about}\n\n"));
        s.push_str("| Code | Name | Severity | Fix | Summary |\n| --- | --- | --- | --- | --- |\n");
        for r in &members {
            s.push_str(&format!(
                "| [{code}](#{anchor}) | `{}` | {} | {} | {} |\n",
                r.name,
                r.default_severity.as_str(),
                fix_word(r.fix),
                r.summary.replace('|', "\\|"),
                code = r.code,
                anchor = format!("{}-{}", r.code, r.name).to_ascii_lowercase(),
            ));
        }
        s.push('\n');
        for r in members {
            s.push_str(&format!("### {} {}\n\n", r.code, r.name));
            s.push_str(&format!(
                "{}. Default severity: **{}**. Fix: {}. Since {}.\n\n",
                r.summary.trim_end_matches('.'),
                r.default_severity.as_str(),
                fix_word(r.fix),
                r.since
            ));
            for line in r.doc.lines() {
                match line.strip_prefix("## ") {
                    Some(h) => s.push_str(&format!("#### {h}\n")),
                    None => {
                        s.push_str(line);
                        s.push('\n');
                    }
                }
            }
            s.push('\n');
        }
    }
    // Rules of a family not in FAMILIES would vanish from the docs; list them anyway.
    let orphans: Vec<&&RuleMeta> =
        rules.iter().filter(|r| !FAMILIES.iter().any(|(f, _)| *f == family_of(r.code))).collect();
    if !orphans.is_empty() {
        s.push_str("## Other\n\n");
        for r in orphans {
            s.push_str(&format!("### {} {}\n\n{}\n\n", r.code, r.name, r.doc));
        }
    }
    while s.ends_with("\n\n") {
        s.pop();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_rules_md_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
        let fresh = render_markdown();
        if std::env::var_os("STEWARD_BLESS").is_some() {
            std::fs::write(path, &fresh).expect("write docs/rules.md");
            return;
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == fresh,
            "docs/rules.md is stale: run `STEWARD_BLESS=1 cargo test --lib rules::docs`"
        );
    }

    #[test]
    fn every_rule_is_rendered_with_nested_sections() {
        let md = render_markdown();
        for r in registry::all() {
            assert!(md.contains(&format!("### {} {}", r.code, r.name)), "{}", r.code);
        }
        assert!(md.contains("#### What it checks"));
        assert!(!md.contains("\n## What it checks"));
    }
}
