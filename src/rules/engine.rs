//! The compiled rule set of a run: the registry's rules plus user rules, with the effective
//! severity of every code after `select`/`ignore`/`[severity]`, and the user checks.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::config::{Config, Level};
use super::meta::FixKind;
use super::registry;
use super::user::{self, BoundRules};
use crate::error::Result;
use crate::finding::Severity;
use crate::roles::ColumnMap;

/// A rule as listed to users: a registry rule or a user rule.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    /// Code.
    pub code: &'static str,
    /// Kebab-case name.
    pub name: String,
    /// One line.
    pub summary: String,
    /// Severity before rules files (for user rules: as declared).
    pub default_severity: Option<Severity>,
    /// Effective severity; `None` when the rule is off or not selected.
    pub severity: Option<Severity>,
    /// Fix kind.
    pub fix: FixKind,
    /// Version that introduced it (`user` for user rules).
    pub since: String,
    /// Markdown doc.
    pub doc: String,
    /// Whether it comes from a `[[rule]]` table.
    pub user: bool,
}

/// Registry metas + user rules + effective severities + selection, built once per run.
#[derive(Debug, Clone)]
pub struct RuleSet {
    config: Arc<Config>,
    /// Effective severity of every known code (registry and user rules).
    effective: BTreeMap<&'static str, Option<Severity>>,
    /// The same for codes of up to 7 bytes, keyed by their bytes and length as a number, sorted:
    /// findings look a code up millions of times, and this skips the string comparisons.
    short: Vec<(u64, Option<Severity>)>,
}

impl Default for RuleSet {
    /// The built-in defaults: every rule at its default severity.
    fn default() -> Self {
        RuleSet::build(Config::default())
    }
}

impl RuleSet {
    /// Compiles the rule set of `config`.
    pub fn from_config(config: &Config) -> Result<RuleSet> {
        Ok(RuleSet::build(config.clone()))
    }

    fn build(config: Config) -> RuleSet {
        let mut effective = BTreeMap::new();
        for r in registry::all() {
            effective.insert(r.code, resolve(&config, r.code, Some(r.default_severity)));
        }
        for u in &config.user_rules {
            effective.insert(u.code, resolve(&config, u.code, user::default_severity(u)));
        }
        let mut short: Vec<(u64, Option<Severity>)> =
            effective.iter().filter_map(|(code, s)| Some((short_key(code)?, *s))).collect();
        short.sort_unstable_by_key(|&(key, _)| key);
        RuleSet { config: Arc::new(config), effective, short }
    }

    /// The configuration it was built from.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether findings of `code` are reported.
    pub fn enabled(&self, code: &str) -> bool {
        self.severity(code).is_some()
    }

    /// Effective severity of `code`; `None` when the rule is off or not selected.
    /// A code missing from the registry (a check that has not registered yet) defaults to
    /// `warning`, subject to the same selection and overrides.
    pub fn severity(&self, code: &str) -> Option<Severity> {
        if let Some(key) = short_key(code)
            && let Ok(at) = self.short.binary_search_by_key(&key, |&(k, _)| k)
        {
            return self.short.get(at).and_then(|&(_, s)| s);
        }
        match self.effective.get(code) {
            Some(s) => *s,
            None => resolve(&self.config, code, Some(Severity::Warning)),
        }
    }

    /// Every rule (registry first, then user rules), with its effective severity.
    pub fn rules(&self) -> Vec<RuleInfo> {
        let mut out: Vec<RuleInfo> = registry::all()
            .iter()
            .map(|r| RuleInfo {
                code: r.code,
                name: r.name.to_string(),
                summary: r.summary.to_string(),
                default_severity: Some(r.default_severity),
                severity: self.severity(r.code),
                fix: r.fix,
                since: r.since.to_string(),
                doc: r.doc.to_string(),
                user: false,
            })
            .collect();
        out.extend(self.config.user_rules.iter().map(|u| RuleInfo {
            code: u.code,
            name: u.name.clone(),
            summary: u.summary(),
            default_severity: user::default_severity(u),
            severity: self.severity(u.code),
            fix: FixKind::None,
            since: "user".into(),
            doc: u.doc(),
            user: true,
        }));
        out
    }

    /// Finds a rule by code or name, case-insensitively.
    pub fn lookup(&self, code_or_name: &str) -> Option<RuleInfo> {
        let key = code_or_name.trim();
        self.rules()
            .into_iter()
            .find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
    }

    /// Binds the enabled user rules to a table's columns. Fails (config error) when a rule
    /// names a column the table does not have.
    pub fn bind(&self, columns: &ColumnMap) -> Result<BoundRules<'_>> {
        let enabled = self.config.user_rules.iter().filter(|u| self.enabled(u.code));
        user::bind(enabled, columns, &self.config.missing_values)
    }
}

/// `code`'s bytes and then its length as one number, for codes of up to 7 bytes (the
/// length tells `U001` from `U001\0`).
fn short_key(code: &str) -> Option<u64> {
    let bytes = code.as_bytes();
    let len = u8::try_from(bytes.len()).ok().filter(|&n| n < 8)?;
    let mut key = [0u8; 8];
    key.get_mut(..bytes.len())?.copy_from_slice(bytes);
    key[7] = len;
    Some(u64::from_be_bytes(key))
}

/// Effective severity: off when not selected, else the most specific `[severity]` override,
/// else `default`.
fn resolve(config: &Config, code: &str, default: Option<Severity>) -> Option<Severity> {
    if !config.selection.enabled(code) {
        return None;
    }
    match config.severity_override(code) {
        Some(Level::Off) => None,
        Some(level) => level.severity(),
        None => default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::config::{Layer, Overrides};

    fn set(text: &str) -> RuleSet {
        let layer = Layer { name: "e.toml".into(), text: text.into() };
        RuleSet::from_config(&Config::load(&[layer], &Overrides::default()).unwrap()).unwrap()
    }

    #[test]
    fn effective_severities() {
        let d = RuleSet::default();
        assert_eq!(d.severity("IN001"), Some(Severity::Error));
        assert_eq!(d.severity("XX123"), Some(Severity::Warning), "unregistered: warning");
        let s = set(
            "[severity]\nIN = \"warning\"\nIN002 = \"info\"\nIN003 = \"off\"\nPH = \"error\"\n\
             [[rule]]\ncode = \"U001\"\nkind = \"required\"\ncolumn = \"x\"\nseverity = \"error\"\n\
             [[rule]]\ncode = \"U002\"\nkind = \"required\"\ncolumn = \"x\"\nseverity = \"off\"\n\
             [[rule]]\ncode = \"U003\"\nkind = \"required\"\ncolumn = \"x\"\n",
        );
        assert_eq!(s.severity("IN001"), Some(Severity::Warning), "prefix override");
        assert_eq!(s.severity("IN002"), Some(Severity::Info), "code beats prefix");
        assert_eq!(s.severity("IN003"), None, "off disables");
        assert!(!s.enabled("IN003"));
        assert_eq!(s.severity("PH002"), Some(Severity::Error), "rules not yet registered too");
        assert_eq!(s.severity("U001"), Some(Severity::Error));
        assert_eq!(s.severity("U002"), None);
        assert_eq!(s.severity("U003"), Some(Severity::Warning));
        let listed: Vec<&str> = s.rules().iter().map(|r| r.code).collect();
        assert_eq!(&listed[listed.len() - 3..], ["U001", "U002", "U003"]);
        assert_eq!(s.lookup("user-required-u003").map(|r| r.code), Some("U003"));
        assert_eq!(s.lookup("in004").map(|r| r.severity), Some(Some(Severity::Warning)));
        let s = set("ignore = [\"IN\"]\n");
        assert_eq!(s.severity("IN001"), None);
    }

    #[test]
    fn the_quick_lookup_agrees_with_the_map() {
        let s = set("[severity]\nIN = \"warning\"\nPH002 = \"off\"\nDT = \"info\"\n\
             [[rule]]\ncode = \"U001\"\nkind = \"required\"\ncolumn = \"x\"\nseverity = \"error\"\n");
        let mut codes: Vec<&str> = s.effective.keys().copied().collect();
        codes.extend(["", "IN00", "IN0011", "U001\0", "U001\0\0\0", "ZZ999", "LONGCODE1"]);
        for code in codes {
            let slow = match s.effective.get(code) {
                Some(v) => *v,
                None => resolve(&s.config, code, Some(Severity::Warning)),
            };
            assert_eq!(s.severity(code), slow, "{code:?}");
        }
        assert_eq!(s.severity("PH002"), None);
        assert_eq!(s.severity("U001"), Some(Severity::Error));
    }
}
