//! The registry of every rule steward knows, across families. Codes are permanent.

use std::sync::LazyLock;

use super::meta::RuleMeta;

/// Every family's rules, in the order they are listed to users.
fn families() -> Vec<&'static [RuleMeta]> {
    let mut all = vec![
        crate::input::RULES,
        crate::normalize::phone::RULES,
        crate::normalize::email::RULES,
        crate::normalize::name::RULES,
        crate::normalize::date::RULES,
        crate::normalize::company::RULES,
        crate::dedupe::RULES,
    ];
    all.extend(super::checks::families());
    all
}

static ALL: LazyLock<Vec<&'static RuleMeta>> =
    LazyLock::new(|| families().into_iter().flatten().collect());

/// All rules, in listing order.
pub fn all() -> &'static [&'static RuleMeta] {
    &ALL
}

/// Rules by exact code: checks look severities up once per finding, on hot paths.
static BY_CODE: LazyLock<std::collections::BTreeMap<&'static str, &'static RuleMeta>> =
    LazyLock::new(|| ALL.iter().map(|r| (r.code, *r)).collect());

/// Finds a rule by code (`PH002`) or name (`phone-invalid-for-region`), case-insensitively.
pub fn lookup(code_or_name: &str) -> Option<&'static RuleMeta> {
    if let Some(r) = BY_CODE.get(code_or_name) {
        return Some(r);
    }
    let key = code_or_name.trim();
    ALL.iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = std::collections::BTreeSet::new();
        let mut names = std::collections::BTreeSet::new();
        for r in all() {
            assert!(codes.insert(r.code), "duplicate code {}", r.code);
            assert!(names.insert(r.name), "duplicate name {}", r.name);
            let (prefix, digits) = r.code.split_at(r.code.len() - 3);
            assert!(
                prefix.chars().all(|c| c.is_ascii_uppercase()) && !prefix.is_empty(),
                "{}",
                r.code
            );
            assert!(digits.chars().all(|c| c.is_ascii_digit()), "{}", r.code);
            assert!(
                r.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                r.name
            );
            for section in
                ["## What it checks", "## Why it matters", "## Example", "## Fix", "## Options"]
            {
                assert!(r.doc.contains(section), "{} lacks {section}", r.code);
            }
            assert!(!r.summary.is_empty());
        }
        assert_eq!(lookup("in001").map(|r| r.name), Some("row-field-count-mismatch"));
        assert_eq!(lookup("field-too-long").map(|r| r.code), Some("IN003"));
    }
}
