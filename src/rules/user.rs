//! User rules (`[[rule]]` tables): compiled once when the rules file loads, bound to the
//! table's columns once per run, then run per row (and `unique` over the table).
//!
//! The kinds are a closed set (required, regex, allowed, length, range, date_order, unique), so
//! a compiled rule is an enum rather than a boxed trait object: every kind is visible here.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use crate::record::Record;
use regex::Regex;

use super::config::{Level, MissingValues, UserRuleKind, UserRuleSpec};
use super::registry;
use super::selector::is_user_code;
use crate::error::{Error, Result};
use crate::finding::{Issue, Severity};
use crate::normalize::CellIssue;
use crate::roles::{ColumnMap, Role, fold_header};

/// Every possible user code, so findings can carry a `&'static str` without leaking memory:
/// an immutable table built on first use.
static USER_CODES: LazyLock<Vec<String>> =
    LazyLock::new(|| (0..1000).map(|n| format!("U{n:03}")).collect());

/// The `'static` form of a user code (`U001`), if it is one.
pub fn static_user_code(code: &str) -> Option<&'static str> {
    if !is_user_code(code) {
        return None;
    }
    let n: usize = code.get(1..)?.parse().ok()?;
    USER_CODES.get(n).map(String::as_str)
}

/// A user rule, compiled.
#[derive(Debug, Clone)]
pub struct UserRule {
    /// `U` code.
    pub code: &'static str,
    /// Kebab-case name.
    pub name: String,
    /// Kind.
    pub kind: UserRuleKind,
    /// Severity as declared (`warning` when not given; `off` disables).
    pub level: Level,
    /// Column references as written, each with its `file:line:column`.
    pub columns: Vec<(String, String)>,
    /// Where the rule is defined (`file:line:column` of its code).
    pub location: String,
    message: Option<String>,
    check: Check,
}

#[derive(Debug, Clone)]
enum Check {
    Required,
    Regex(Regex),
    Allowed { values: BTreeSet<String>, ignore_case: bool },
    Length { min: Option<usize>, max: Option<usize> },
    Range { min: Option<f64>, max: Option<f64> },
    DateOrder,
    Unique { ignore_case: bool },
}

impl UserRule {
    /// One line for listings: what the rule checks.
    pub fn summary(&self) -> String {
        let cols: Vec<&str> = self.columns.iter().map(|(c, _)| c.as_str()).collect();
        let cols = cols.join(", ");
        match &self.check {
            Check::Required => format!("`{cols}` must not be empty"),
            Check::Regex(re) => {
                let p = re.as_str();
                let p = p.strip_prefix("(?i)").unwrap_or(p);
                let p = p.strip_prefix("^(?:").and_then(|p| p.strip_suffix(")$")).unwrap_or(p);
                format!("`{cols}` must match /{p}/")
            }
            Check::Allowed { values, .. } => {
                let v: Vec<&str> = values.iter().map(String::as_str).collect();
                format!("`{cols}` must be one of: {}", v.join(", "))
            }
            Check::Length { min, max } => format!("`{cols}` length must be {}", bounds(min, max)),
            Check::Range { min, max } => format!("`{cols}` must be a number {}", bounds(min, max)),
            Check::DateOrder => format!("dates must be in order: {}", cols.replace(", ", " ≤ ")),
            Check::Unique { .. } => format!("`{cols}` must be unique across rows"),
        }
    }

    /// Whether the rule runs over the whole table rather than row by row.
    pub fn is_table_check(&self) -> bool {
        matches!(self.check, Check::Unique { .. })
    }

    /// A generated markdown doc with the standard sections, for `steward rules U001`.
    pub fn doc(&self) -> String {
        format!(
            "## What it checks\n{}.\n\n## Why it matters\nA rule of this organisation, defined in \
             `{}`.\n\n## Example\nSee the `[[rule]]` table at `{}`.\n\n## Fix\nCorrect the value \
             in the source system. steward never changes values for user rules.\n\n## Options\n\
             `severity`, `message`, and the kind's fields in the `[[rule]]` table.",
            self.summary(),
            self.location.split(':').next().unwrap_or(""),
            self.location
        )
    }
}

fn bounds<T: std::fmt::Display>(min: &Option<T>, max: &Option<T>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("between {a} and {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => "anything".into(),
    }
}

/// Compiles a `[[rule]]` table. `at(field)` gives the `file:line:column` of a field.
/// Errors name the field they are about.
pub(crate) fn compile(
    spec: &UserRuleSpec,
    at: &dyn Fn(&str) -> String,
) -> std::result::Result<UserRule, Vec<(&'static str, String)>> {
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let code = static_user_code(&spec.code);
    if code.is_none() {
        errors.push((
            "code",
            format!("user rule codes are `U` and three digits (U001); `{}` is not one", spec.code),
        ));
    }
    let kind_name = spec.kind.as_str().replace('_', "-");
    let name = match &spec.name {
        Some(n) => {
            let kebab = !n.is_empty()
                && n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !n.starts_with('-')
                && !n.ends_with('-');
            if !kebab {
                errors.push(("name", format!("name `{n}` must be kebab-case (`inn-missing`)")));
            } else if let Some(r) = registry::lookup(n) {
                errors.push(("name", format!("name `{n}` is taken by built-in rule {}", r.code)));
            }
            n.clone()
        }
        None => format!("user-{kind_name}-{}", spec.code.to_ascii_lowercase()),
    };

    let columns: Vec<String> = match (&spec.column, &spec.columns) {
        (Some(c), None) => vec![c.clone()],
        (None, Some(cs)) if !cs.is_empty() => cs.clone(),
        (None, Some(_)) => {
            errors.push(("columns", "`columns` is empty; name at least one column".into()));
            Vec::new()
        }
        (Some(_), Some(_)) => {
            errors.push(("columns", "give either `column` or `columns`, not both".into()));
            Vec::new()
        }
        (None, None) => {
            errors.push((
                "kind",
                "the rule names no column; add `column = \"…\"` (a header or a role)".into(),
            ));
            Vec::new()
        }
    };
    let field = if spec.columns.is_some() { "columns" } else { "column" };
    if columns.iter().any(|c| c.trim().is_empty()) {
        errors.push((field, "a column name is empty".into()));
    }

    // Fields each kind accepts beyond the common ones.
    let allowed: &[&str] = match spec.kind {
        UserRuleKind::Required | UserRuleKind::DateOrder => &[],
        UserRuleKind::Regex => &["pattern", "ignore_case"],
        UserRuleKind::Allowed => &["values", "ignore_case"],
        UserRuleKind::Length | UserRuleKind::Range => &["min", "max"],
        UserRuleKind::Unique => &["ignore_case"],
    };
    let given: [(&'static str, bool); 5] = [
        ("pattern", spec.pattern.is_some()),
        ("values", spec.values.is_some()),
        ("ignore_case", spec.ignore_case.is_some()),
        ("min", spec.min.is_some()),
        ("max", spec.max.is_some()),
    ];
    for (f, present) in given {
        if present && !allowed.contains(&f) {
            errors.push((f, format!("`{f}` does not apply to a `{}` rule", spec.kind.as_str())));
        }
    }
    let ignore_case = spec.ignore_case.unwrap_or(false);

    let check = match spec.kind {
        UserRuleKind::Required => Some(Check::Required),
        UserRuleKind::Regex => match &spec.pattern {
            None => {
                errors.push(("kind", "a `regex` rule needs `pattern = \"…\"`".into()));
                None
            }
            Some(p) => {
                let full = format!("{}^(?:{p})$", if ignore_case { "(?i)" } else { "" });
                match regex::RegexBuilder::new(&full).size_limit(1 << 22).build() {
                    Ok(re) => Some(Check::Regex(re)),
                    Err(e) => {
                        errors.push((
                            "pattern",
                            format!("bad regular expression: {}", regex_reason(&e)),
                        ));
                        None
                    }
                }
            }
        },
        UserRuleKind::Allowed => match &spec.values {
            Some(v) if !v.is_empty() => Some(Check::Allowed {
                values: v.iter().map(|s| fold_value(s, ignore_case)).collect(),
                ignore_case,
            }),
            _ => {
                let f = if spec.values.is_some() { "values" } else { "kind" };
                errors.push((f, "an `allowed` rule needs a non-empty `values = [\"…\"]`".into()));
                None
            }
        },
        UserRuleKind::Length => {
            let as_len = |f: &'static str, v: Option<f64>, errors: &mut Vec<_>| match v {
                Some(x) if x >= 0.0 && x.fract() == 0.0 && x <= 1e9 => Some(x as usize),
                Some(x) => {
                    errors.push((f, format!("`{f} = {x}`: a length is a whole number, 0 or more")));
                    None
                }
                None => None,
            };
            let min = as_len("min", spec.min, &mut errors);
            let max = as_len("max", spec.max, &mut errors);
            min_max(spec, &mut errors).then_some(Check::Length { min, max })
        }
        UserRuleKind::Range => {
            for (f, v) in [("min", spec.min), ("max", spec.max)] {
                if v.is_some_and(|x| !x.is_finite()) {
                    errors.push((f, format!("`{f}` must be a finite number")));
                }
            }
            min_max(spec, &mut errors).then_some(Check::Range { min: spec.min, max: spec.max })
        }
        UserRuleKind::DateOrder => {
            if columns.len() != 2 {
                errors.push((
                    field,
                    "a `date_order` rule needs `columns = [\"earlier\", \"later\"]` (two columns)"
                        .into(),
                ));
            }
            Some(Check::DateOrder)
        }
        UserRuleKind::Unique => Some(Check::Unique { ignore_case }),
    };

    match (code, check) {
        (Some(code), Some(check)) if errors.is_empty() => Ok(UserRule {
            code,
            name,
            kind: spec.kind,
            level: spec.severity.unwrap_or(Level::Warning),
            columns: columns.into_iter().map(|c| (c, at(field))).collect(),
            location: at("code"),
            message: spec.message.clone(),
            check,
        }),
        _ => Err(errors),
    }
}

/// Checks `min <= max` and that at least one is given.
fn min_max(spec: &UserRuleSpec, errors: &mut Vec<(&'static str, String)>) -> bool {
    match (spec.min, spec.max) {
        (None, None) => {
            errors.push((
                "kind",
                format!("a `{}` rule needs `min`, `max` or both", spec.kind.as_str()),
            ));
            false
        }
        (Some(a), Some(b)) if a > b => {
            errors.push(("min", format!("min ({a}) is above max ({b})")));
            false
        }
        _ => true,
    }
}

/// The regex crate's message without its multi-line source excerpt.
fn regex_reason(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map_or_else(|| text.lines().last().unwrap_or("").trim().to_string(), str::to_string)
}

fn fold_value(s: &str, ignore_case: bool) -> String {
    let t = s.trim();
    if ignore_case { t.to_lowercase() } else { t.to_string() }
}

/// Resolves a column reference: a header (exact, then loosely folded), else a role name.
fn resolve_column(name: &str, headers: &[&str], columns: &ColumnMap) -> Option<Vec<usize>> {
    let exact: Vec<usize> = (0..headers.len()).filter(|&i| headers[i] == name).collect();
    if !exact.is_empty() {
        return Some(exact);
    }
    let folded = fold_header(name);
    let loose: Vec<usize> = (0..headers.len())
        .filter(|&i| !folded.is_empty() && fold_header(headers[i]) == folded)
        .collect();
    if !loose.is_empty() {
        return Some(loose);
    }
    let role = Role::parse(name)?;
    let by_role: Vec<usize> = columns.indices(role).collect();
    (!by_role.is_empty()).then_some(by_role)
}

/// A user rule bound to the columns of one table.
#[derive(Debug)]
struct Bound<'a> {
    rule: &'a UserRule,
    cols: Vec<usize>,
    /// Per column reference, the range of `cols` it resolved to (a role may name several).
    groups: Vec<std::ops::Range<usize>>,
    headers: Vec<String>,
    /// Per column: whether missing-value tokens count as empty (not for yes/no columns).
    tokens_apply: Vec<bool>,
}

/// User rules bound to a table's columns: built once per run, then run per row.
#[derive(Debug)]
pub struct BoundRules<'a> {
    rules: Vec<Bound<'a>>,
    missing: &'a MissingValues,
}

/// Binds `rules` to the table with `columns`. A column that does not exist is a config error
/// (exit 2), reported at the rule's `file:line:column` with a suggestion.
pub(crate) fn bind<'a>(
    rules: impl IntoIterator<Item = &'a UserRule>,
    columns: &ColumnMap,
    missing: &'a MissingValues,
) -> Result<BoundRules<'a>> {
    let headers: Vec<&str> = columns.columns().iter().map(|c| c.column.as_str()).collect();
    let mut bound = Vec::new();
    let mut errors = Vec::new();
    for rule in rules {
        let mut cols = Vec::new();
        let mut groups = Vec::new();
        for (name, at) in &rule.columns {
            match resolve_column(name, &headers, columns) {
                Some(found) => {
                    groups.push(cols.len()..cols.len() + found.len());
                    if rule.kind == UserRuleKind::DateOrder && found.len() != 1 {
                        errors.push(format!(
                            "{at}: rule {}: `{name}` names {} columns; a date_order rule needs one \
                             column on each side (name it by header)",
                            rule.code,
                            found.len()
                        ));
                    }
                    cols.extend(found);
                }
                None => {
                    let hint = super::selector::did_you_mean(name, headers.iter().copied())
                        .map(|h| format!("; did you mean `{h}`?"))
                        .unwrap_or_default();
                    let what = if Role::parse(name).is_some() {
                        format!("no column has the role `{name}`")
                    } else {
                        format!("there is no column `{name}`")
                    };
                    errors.push(format!(
                        "{at}: rule {}: {what}{hint} (columns: {})",
                        rule.code,
                        headers.join(", ")
                    ));
                }
            }
        }
        let tokens_apply =
            cols.iter().map(|&i| columns.role(i).is_none_or(MissingValues::applies_to)).collect();
        let names =
            cols.iter().map(|&i| headers.get(i).copied().unwrap_or("").to_string()).collect();
        bound.push(Bound { rule, cols, groups, headers: names, tokens_apply });
    }
    if errors.is_empty() {
        Ok(BoundRules { rules: bound, missing })
    } else {
        Err(Error::Config(errors.join("\n")))
    }
}

impl BoundRules<'_> {
    /// Runs the row checks over one (normalized) record, appending issues in rule order.
    pub fn check_row(&self, record: &Record, out: &mut Vec<CellIssue>) {
        for b in &self.rules {
            b.check_row(record, self.missing, out);
        }
    }

    /// Runs the table checks (`unique`). `label(i)` names row `i` in messages (`row 12`).
    /// Returns issues with the index of the row they belong to, in row order.
    pub fn check_table<'r>(
        &self,
        records: impl IntoIterator<Item = &'r Record> + Clone,
        label: &dyn Fn(usize) -> String,
    ) -> Vec<(usize, CellIssue)> {
        let mut out = Vec::new();
        for b in &self.rules {
            if let Check::Unique { ignore_case } = b.rule.check {
                let mut first: BTreeMap<String, usize> = BTreeMap::new();
                for (i, record) in records.clone().into_iter().enumerate() {
                    let mut key = String::new();
                    let mut complete = true;
                    for (n, &c) in b.cols.iter().enumerate() {
                        let v = record.get(c).unwrap_or("");
                        if b.is_missing(n, v, self.missing) {
                            complete = false;
                            break;
                        }
                        key.push_str(&fold_value(v, ignore_case));
                        key.push('\u{1f}');
                    }
                    if !complete {
                        continue;
                    }
                    match first.get(&key) {
                        Some(&j) => {
                            let value = record.get(b.cols[0]).unwrap_or("");
                            let default = format!(
                                "`{}` repeats the value of {}",
                                b.headers.join(", "),
                                label(j)
                            );
                            out.push((i, b.issue(0, value, default)));
                        }
                        None => {
                            first.insert(key, i);
                        }
                    }
                }
            }
        }
        out.sort_by_key(|(i, _)| *i);
        out
    }
}

impl Bound<'_> {
    fn is_missing(&self, n: usize, v: &str, missing: &MissingValues) -> bool {
        if self.tokens_apply.get(n).copied().unwrap_or(true) {
            missing.is_missing(v)
        } else {
            v.trim().is_empty()
        }
    }

    fn issue(&self, n: usize, value: &str, default: String) -> CellIssue {
        let column = self.cols.get(n).copied().unwrap_or(0) as u32;
        let message = match &self.rule.message {
            Some(m) => m
                .replace("{column}", self.headers.get(n).map_or("", String::as_str))
                .replace("{value}", value),
            None => default,
        };
        CellIssue { column, issue: Issue::new(self.rule.code, message) }
    }

    fn check_row(&self, record: &Record, missing: &MissingValues, out: &mut Vec<CellIssue>) {
        if let Check::DateOrder = self.rule.check {
            let (Some(&a), Some(&b)) = (self.cols.first(), self.cols.get(1)) else { return };
            let (va, vb) = (record.get(a).unwrap_or(""), record.get(b).unwrap_or(""));
            if let (Some(da), Some(db)) = (parse_date(va), parse_date(vb)) {
                if da > db {
                    let default = format!(
                        "`{}` ({da}) is after `{}` ({db})",
                        self.headers[0],
                        self.headers.get(1).map_or("", String::as_str)
                    );
                    out.push(self.issue(0, va, default));
                }
            }
            return;
        }
        if let Check::Required = self.rule.check {
            // A reference that names several columns (a role) needs one of them filled.
            for g in &self.groups {
                let empty = g.clone().all(|n| {
                    let v = self.cols.get(n).and_then(|&c| record.get(c)).unwrap_or("");
                    self.is_missing(n, v, missing)
                });
                if empty {
                    let names: Vec<&str> = self
                        .headers
                        .get(g.clone())
                        .unwrap_or(&[])
                        .iter()
                        .map(String::as_str)
                        .collect();
                    let v = self.cols.get(g.start).and_then(|&c| record.get(c)).unwrap_or("");
                    out.push(self.issue(
                        g.start,
                        v,
                        format!("`{}` is empty", names.join("` and `")),
                    ));
                }
            }
            return;
        }
        for (n, &c) in self.cols.iter().enumerate() {
            let v = record.get(c).unwrap_or("");
            let col = self.headers.get(n).map_or("", String::as_str);
            if self.is_missing(n, v, missing) {
                continue;
            }
            let t = v.trim();
            let problem = match &self.rule.check {
                Check::Regex(re) => (!re.is_match(t))
                    .then(|| format!("`{t}` in `{col}` does not match the required pattern")),
                Check::Allowed { values, ignore_case } => {
                    (!values.contains(&fold_value(t, *ignore_case))).then(|| {
                        let list: Vec<&str> = values.iter().take(10).map(String::as_str).collect();
                        format!("`{t}` in `{col}` is not an allowed value ({})", list.join(", "))
                    })
                }
                Check::Length { min, max } => {
                    let len = t.chars().count();
                    (min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m)).then(|| {
                        format!("`{col}` has {len} characters; expected {}", bounds(min, max))
                    })
                }
                Check::Range { min, max } => match parse_number(t) {
                    None => Some(format!("`{t}` in `{col}` is not a number")),
                    Some(x) => (min.is_some_and(|m| x < m) || max.is_some_and(|m| x > m))
                        .then(|| format!("`{t}` in `{col}` is outside {}", bounds(min, max))),
                },
                Check::Required | Check::DateOrder | Check::Unique { .. } => None,
            };
            if let Some(default) = problem {
                out.push(self.issue(n, t, default));
            }
        }
    }
}

/// Parses ISO dates (also with a time part) and `DD.MM.YYYY`.
fn parse_date(s: &str) -> Option<chrono::NaiveDate> {
    let t = s.trim();
    if t.len() < 10 {
        // Shorter than `YYYY-MM-DD`: chrono may still read a short form (`2024-3-1`).
        return chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .or_else(|_| chrono::NaiveDate::parse_from_str(t, "%d.%m.%Y"))
            .ok();
    }
    crate::normalize::date::iso_date_prefix(t)
        .or_else(|| chrono::NaiveDate::parse_from_str(t, "%d.%m.%Y").ok())
}

/// Parses `1 234,50`, `1234.5`, `-3`; spaces (also no-break) are thousands separators.
fn parse_number(s: &str) -> Option<f64> {
    let cleaned: String =
        s.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'')).collect();
    let cleaned = if cleaned.contains('.') { cleaned } else { cleaned.replace(',', ".") };
    cleaned.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Severity a user rule's findings get when no `[severity]` entry overrides it.
pub(crate) fn default_severity(rule: &UserRule) -> Option<Severity> {
    rule.level.severity()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::config::{Config, Layer, Overrides};

    fn config(rules: &str) -> Config {
        let layer = Layer { name: "u.toml".into(), text: rules.into() };
        Config::load(&[layer], &Overrides::default()).unwrap()
    }

    fn headers(h: &[&str]) -> ColumnMap {
        let h: Vec<String> = h.iter().map(|s| s.to_string()).collect();
        ColumnMap::resolve(&h, &[])
    }

    /// Runs the row checks of `rules` over `rows`; returns (row, column, code, message).
    fn run(rules: &str, cols: &[&str], rows: &[&[&str]]) -> Vec<(usize, u32, String)> {
        let c = config(rules);
        let map = headers(cols);
        let bound = bind(&c.user_rules, &map, &c.missing_values).unwrap();
        let records: Vec<Record> = rows.iter().map(|r| Record::from(r.to_vec())).collect();
        let mut out = Vec::new();
        for (i, r) in records.iter().enumerate() {
            let mut issues = Vec::new();
            bound.check_row(r, &mut issues);
            out.extend(issues.into_iter().map(|ci| (i, ci.column, ci.issue.message.into_owned())));
        }
        for (i, ci) in bound.check_table(records.iter(), &|j| format!("row {}", j + 1)) {
            out.push((i, ci.column, ci.issue.message.into_owned()));
        }
        out
    }

    fn rule(kind: &str, extra: &str) -> String {
        format!("[[rule]]\ncode = \"U001\"\nkind = \"{kind}\"\n{extra}\n")
    }

    #[test]
    fn required_treats_tokens_as_missing_and_roles_as_any_of() {
        let r = rule("required", "column = \"Комментарий\"");
        let got = run(&r, &["Комментарий"], &[&["ok"], &[""], &["н/д"], &["  "]]);
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(got[0].2, "`Комментарий` is empty");
        // A role naming two phone columns needs one of them.
        let r = rule("required", "column = \"phone\"");
        let got = run(&r, &["Телефон", "Доп. телефон"], &[&["", "+7"], &["-", ""], &["1", ""]]);
        assert_eq!(got, vec![(1, 0, "`Телефон` and `Доп. телефон` is empty".into())]);
        // In a yes/no column `нет` is an answer.
        let r = rule("required", "column = \"consent_processing\"");
        let got = run(&r, &["Согласие на обработку ПД"], &[&["нет"], &[""]]);
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), vec![1]);
    }

    #[test]
    fn regex_allowed_length_range() {
        let r = rule("regex", "column = \"ИНН\"\npattern = \"[0-9]{10}|[0-9]{12}\"");
        let got = run(&r, &["ИНН"], &[&["7707083893"], &["77070838931"], &[""], &["x7707083893"]]);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![1, 3],
            "anchored, empty skipped"
        );

        let r = rule(
            "allowed",
            "column = \"Статус\"\nvalues = [\"Лид\", \"Клиент\"]\nignore_case = true",
        );
        let got = run(&r, &["Статус"], &[&["лид"], &["КЛИЕНТ"], &["Партнёр"], &[""]]);
        assert_eq!(got.len(), 1);
        assert!(
            got[0].2.starts_with("`Партнёр` in `Статус` is not an allowed value"),
            "{}",
            got[0].2
        );

        let r = rule("length", "column = \"Код\"\nmin = 2\nmax = 3");
        let got = run(&r, &["Код"], &[&["1"], &["12"], &["абв"], &["абвг"]]);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![0, 3],
            "length counts characters"
        );

        let r = rule("range", "column = \"Сумма\"\nmin = 0\nmax = 1000");
        let got = run(&r, &["Сумма"], &[&["1 000,00"], &["-1"], &["abc"], &["1000.5"], &["0"]]);
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert!(got[1].2.contains("not a number"));
    }

    #[test]
    fn date_order_and_unique() {
        let r = rule("date_order", "columns = [\"created_at\", \"Последний контакт\"]");
        let got = run(
            &r,
            &["Дата создания", "Последний контакт"],
            &[
                &["2024-01-01", "2024-02-01"],
                &["2024-03-01", "01.02.2024"],
                &["2024-03-01", ""],
                &["x", "y"],
            ],
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 1);
        assert!(got[0].2.contains("is after"), "{}", got[0].2);

        let r = rule("unique", "columns = [\"Email\", \"Компания\"]\nignore_case = true");
        let got = run(
            &r,
            &["Email", "Компания"],
            &[
                &["a@x.ru", "A"],
                &["A@X.RU", "a"],
                &["a@x.ru", "B"],
                &["", "A"],
                &["", "A"],
                &["a@x.ru", "a"],
            ],
        );
        assert_eq!(
            got,
            vec![
                (1, 0, "`Email, Компания` repeats the value of row 1".into()),
                (5, 0, "`Email, Компания` repeats the value of row 1".into())
            ]
        );
    }

    #[test]
    fn custom_messages_and_default_names() {
        let r = rule("required", "column = \"Имя\"\nmessage = \"заполните {column}\"");
        let got = run(&r, &["Имя"], &[&[""]]);
        assert_eq!(got[0].2, "заполните Имя");
        let c = config(&rule("date_order", "columns = [\"a\", \"b\"]"));
        assert_eq!(c.user_rules[0].name, "user-date-order-u001");
        assert_eq!(c.user_rules[0].code, "U001");
        assert_eq!(c.user_rules[0].location, "u.toml:2:8");
        assert!(c.user_rules[0].doc().contains("## Options"));
    }

    #[test]
    fn unknown_columns_fail_with_location_and_suggestion() {
        let c = config(&rule("required", "column = \"Emial\""));
        let map = headers(&["Email", "Телефон"]);
        let e = bind(&c.user_rules, &map, &c.missing_values).unwrap_err().to_string();
        assert!(
            e.starts_with(
                "u.toml:4:10: rule U001: there is no column `Emial`; did you mean `Email`?"
            ),
            "{e}"
        );
        let c = config(&rule("required", "column = \"inn\""));
        let e = bind(&c.user_rules, &map, &c.missing_values).unwrap_err().to_string();
        assert!(e.contains("no column has the role `inn`"), "{e}");
    }

    #[test]
    fn static_codes() {
        assert_eq!(static_user_code("U007"), Some("U007"));
        assert_eq!(static_user_code("U999"), Some("U999"));
        assert_eq!(static_user_code("U1000"), None);
        assert_eq!(static_user_code("PH001"), None);
        assert_eq!(parse_number("1 234,5"), Some(1234.5));
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_date("2024-01-02T10:00:00"), chrono::NaiveDate::from_ymd_opt(2024, 1, 2));
    }
}
