//! Rules files: the TOML format, its layering and its validation.
//!
//! # Layers
//!
//! A run's [`Config`] is built from layers, each overriding the one before:
//!
//! 1. the built-in `rules/default.toml` (embedded in the binary) — **always the base layer**, so a
//!    user file only states what differs and every parameter has a documented value;
//! 2. each `--rules FILE` in the order given (`--rules preset:NAME` names a shipped preset);
//! 3. command-line flags (`--map`, `--region`, `--as-of`, `--fix-typos`, `--fail-on`).
//!
//! How each key merges:
//! - `[columns]`, `[severity]`, `[params]`, `[survivorship]`, `[gate]`: key by key (tables merge
//!   recursively; a later value replaces an earlier one, arrays are replaced whole);
//! - `select` replaces the selection, `extend_select` adds to it, `ignore` removes from it; within
//!   one file the more specific selector wins (`select = ["PH"]` + `ignore = ["PH002"]`);
//! - `missing_values` replaces the list, `extend_missing_values` adds to it;
//! - `[[rule]]` tables accumulate; a later file's rule with the same `U` code replaces the earlier.
//!
//! # Validation
//!
//! A malformed file fails loudly (exit 2) with every problem as `file:line:column: message`:
//! TOML syntax, unknown keys, wrong types, unknown rule codes (with "did you mean"), unknown
//! roles, bad regular expressions, inconsistent parameters. Exact codes are checked against the
//! registry at run time; family prefixes (`CP`) only need a known family.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;

use crate::record::Record;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::registry;
use super::selector::{self, FAMILIES, Selector, SelectorError};
use super::user::{self, UserRule};
use crate::error::{Error, Result};
use crate::finding::Severity;
use crate::roles::{ALL_ROLES, ColumnMap, Role, RoleOrigin};

/// The built-in base layer.
pub const DEFAULT_RULES: &str = include_str!("../../rules/default.toml");

/// Shipped presets, usable as `--rules preset:NAME`.
pub const PRESETS: &[(&str, &str)] = &[
    ("default", DEFAULT_RULES),
    ("ru-152fz", include_str!("../../rules/ru-152fz.toml")),
    ("ru-38fz", include_str!("../../rules/ru-38fz.toml")),
    ("gdpr", include_str!("../../rules/gdpr.toml")),
    ("b2c", include_str!("../../rules/b2c.toml")),
    ("b2b", include_str!("../../rules/b2b.toml")),
];

// ---------------------------------------------------------------------------------------------
// The file format. These types are the format: the JSON Schema is generated from them.
// ---------------------------------------------------------------------------------------------

/// One steward rules file, as written.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "steward rules file")]
pub struct RulesFile {
    /// Column roles by header, overriding the built-in header aliases:
    /// `"Тел. 2" = "phone"`; `"Комментарий" = "none"` leaves a column untouched.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Rules to run: codes (`PH002`), family prefixes (`PH`, `CP`) or `ALL`. Replaces the
    /// selection of earlier layers.
    pub select: Option<Vec<String>>,
    /// Rules to add to the selection of earlier layers.
    #[serde(default)]
    pub extend_select: Vec<String>,
    /// Rules not to run: codes, prefixes or `ALL`.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity per code or prefix: `error`, `warning`, `info` or `off` (disables the rule).
    #[serde(default)]
    pub severity: BTreeMap<String, Level>,
    /// Cell values that mean "no value" (compared trimmed and case-insensitively). Replaces the
    /// list of earlier layers.
    pub missing_values: Option<Vec<String>>,
    /// More "no value" tokens, added to the list of earlier layers.
    #[serde(default)]
    pub extend_missing_values: Vec<String>,
    /// Apply suggested typo fixes (email domains) instead of only reporting them.
    pub fix_typos: Option<bool>,
    /// Parameters the checks read: region, time windows, caps, thresholds.
    #[serde(default)]
    pub params: Params,
    /// How duplicates are merged into a golden record.
    #[serde(default)]
    pub survivorship: Survivorship,
    /// Pass/warn/fail thresholds.
    #[serde(default)]
    pub gate: GateSpec,
    /// User rules.
    #[serde(default, rename = "rule")]
    pub rules: Vec<UserRuleSpec>,
}

/// A severity as written in a rules file; `off` disables the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Fails the gate (with the default `fail_on = "error"`).
    Error,
    /// Reported; fails the gate only with `fail_on = "warning"`.
    Warning,
    /// Reported, never fails the gate.
    Info,
    /// The rule does not run.
    Off,
}

impl Level {
    /// The severity, or `None` for `off`.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }
}

/// Kind of customer base, for completeness checks (which fields a record should hold).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BaseKind {
    /// Decide per row from the columns present (company columns → B2B).
    #[default]
    Auto,
    /// Natural persons: full name, birth date, contacts, preferred channel.
    B2c,
    /// Companies: company name, address, contacts, contact person, decision maker.
    B2b,
}

/// Parameters the checks read. Every field has a default, so a file sets only what differs.
/// To add one: add a field with a doc comment and a default here, regenerate the schema
/// (`STEWARD_BLESS=1 cargo test`), and read it from `Config::params`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// Default region for phone numbers written without a country code (ISO 3166-1 alpha-2).
    pub region: String,
    /// The date to treat as today (`YYYY-MM-DD`); unset means the day of the run.
    pub as_of: Option<String>,
    /// Kind of base, for completeness checks.
    pub base_kind: BaseKind,
    /// A client is active with a purchase within this many days (the articles: "about a month").
    pub active_days: u32,
    /// No activity for more than this many months makes a record a delete/anonymise candidate
    /// (storage limitation: 152-FZ art. 5 p.7, GDPR art. 5(1)(e)).
    pub stale_months: u32,
    /// A lead (no purchase) older than this many days should be closed or re-contacted.
    pub lead_max_days: u32,
    /// Days within which data must be destroyed after consent is withdrawn
    /// (152-FZ art. 21 p.5: 30 days; GDPR art. 12(3): one month).
    pub retention_days_after_withdrawal: u32,
    /// Accept email addresses with an IP-literal domain (`user@[192.0.2.1]`), flagged as
    /// EM007, instead of rejecting them as invalid (EM001).
    pub allow_ip_literals: bool,
    /// Consent evidence older than this many months is not relied on (ICO: about 6 months for
    /// bought lists); unset means consent does not age.
    pub consent_max_age_months: Option<u32>,
    /// Countries where personal data may be stored (ISO codes); empty means not checked.
    /// 152-FZ art. 18 p.5 requires `["RU"]` for Russian citizens' data.
    pub storage_countries: Vec<String>,
    /// Roles every record must fill (completeness); empty means the family's default for
    /// `base_kind`.
    pub required_roles: Vec<String>,
    /// Contact frequency caps (one of the articles' four rules of keeping a base).
    pub contact_cap: ContactCap,
    /// Duplicate matching thresholds.
    pub dedupe: DedupeParams,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            region: "RU".into(),
            as_of: None,
            base_kind: BaseKind::Auto,
            active_days: 30,
            stale_months: 24,
            lead_max_days: 90,
            retention_days_after_withdrawal: 30,
            allow_ip_literals: false,
            consent_max_age_months: None,
            storage_countries: Vec::new(),
            required_roles: Vec::new(),
            contact_cap: ContactCap::default(),
            dedupe: DedupeParams::default(),
        }
    }
}

/// At most `max_contacts` contacts per channel within `window_days`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ContactCap {
    /// Contacts allowed per channel within the window.
    pub max_contacts: u32,
    /// Window length in days.
    pub window_days: u32,
    /// Caps for particular channels (`sms = 2`), overriding `max_contacts`.
    pub channels: BTreeMap<String, u32>,
}

impl Default for ContactCap {
    fn default() -> Self {
        ContactCap { max_contacts: 4, window_days: 30, channels: BTreeMap::new() }
    }
}

/// Similarity thresholds of the duplicate matcher, between 0 and 1.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DedupeParams {
    /// At or above this score two records are the same client and are merged.
    pub match_threshold: f64,
    /// At or above this score (and below `match_threshold`) a pair is reported for review.
    pub review_threshold: f64,
}

impl Default for DedupeParams {
    fn default() -> Self {
        DedupeParams { match_threshold: 0.9, review_threshold: 0.5 }
    }
}

/// How a field's value is chosen when duplicates merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// The non-empty value of the most recently active record.
    MostRecent,
    /// The value of the record with the most filled fields.
    MostComplete,
    /// The non-empty value of the record from the highest-priority source.
    SourcePriority,
    /// Every distinct value (phones, emails): conflicting values are kept as extra channels.
    Union,
}

/// Survivorship settings for merging duplicates. Consent fields always take the most
/// restrictive value (any withdrawal wins) and cannot be configured.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Survivorship {
    /// Strategy for roles not listed in `fields`.
    pub default: Strategy,
    /// Strategy per role: `phone = "union"`.
    pub fields: BTreeMap<String, Strategy>,
    /// Sources by priority, highest first: input file names or values of the `source` column.
    pub source_priority: Vec<String>,
}

impl Default for Survivorship {
    fn default() -> Self {
        Survivorship {
            default: Strategy::MostRecent,
            fields: BTreeMap::new(),
            source_priority: Vec::new(),
        }
    }
}

impl Survivorship {
    /// The strategy for `role`.
    pub fn strategy(&self, role: Role) -> Strategy {
        self.fields.get(role.as_str()).copied().unwrap_or(self.default)
    }
}

/// The lowest severity that fails the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Findings of severity `error` fail.
    Error,
    /// Findings of severity `warning` or `error` fail.
    Warning,
}

/// Gate settings as written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct GateSpec {
    /// Lowest severity that fails the gate for rules without thresholds (default `error`).
    pub fail_on: Option<FailOn>,
    /// Thresholds on rows with any warning or error finding.
    pub overall: Thresholds,
    /// Thresholds per code or prefix; they replace the severity rule for those codes.
    pub rules: BTreeMap<String, Thresholds>,
}

/// Warn and fail thresholds: the most rows a rule may hit before the verdict turns.
/// A number is a count of rows, a string like `"5%"` a share of rows read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// More rows than this: verdict `warn`.
    pub warn: Option<Threshold>,
    /// More rows than this: verdict `fail`.
    pub fail: Option<Threshold>,
}

/// A tolerated number of rows: a count (`0`, `10`) or a percentage of rows read (`"2.5%"`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Threshold {
    /// At most this many rows.
    Count(u64),
    /// At most this percentage of rows read (0–100).
    Percent(f64),
}

impl Threshold {
    /// Whether `rows` out of `total` is more than the threshold allows.
    pub fn exceeded(self, rows: u64, total: u64) -> bool {
        match self {
            Threshold::Count(n) => rows > n,
            Threshold::Percent(p) => total > 0 && (rows as f64) * 100.0 / (total as f64) > p,
        }
    }
}

impl std::fmt::Display for Threshold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Threshold::Count(n) => write!(f, "{n}"),
            Threshold::Percent(p) => write!(f, "{p}%"),
        }
    }
}

impl Serialize for Threshold {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Threshold::Count(n) => s.serialize_u64(*n),
            Threshold::Percent(_) => s.serialize_str(&self.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Threshold;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a row count such as 0 or 10, or a percentage such as \"2.5%\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Threshold, E> {
                u64::try_from(v).map(Threshold::Count).map_err(|_| {
                    E::custom(format!("{v} is negative; a threshold counts rows, 0 or more"))
                })
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Threshold, E> {
                Ok(Threshold::Count(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Threshold, E> {
                let t = v.trim();
                let bad = || {
                    E::custom(format!(
                        "`{v}` is not a threshold; write a row count (10) or a percentage (\"2.5%\")"
                    ))
                };
                match t.strip_suffix('%') {
                    Some(p) => {
                        let p: f64 = p.trim().parse().map_err(|_| bad())?;
                        if !(0.0..=100.0).contains(&p) {
                            return Err(E::custom(format!(
                                "`{v}`: a percentage threshold must be between 0% and 100%"
                            )));
                        }
                        Ok(Threshold::Percent(p))
                    }
                    None => t.parse().map(Threshold::Count).map_err(|_| bad()),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Threshold {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Threshold".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A tolerated number of rows: a count (0, 10) or a percentage of rows read (\"2.5%\").",
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*%\\s*$" }
            ]
        })
    }
}

/// The closed set of user rule kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserRuleKind {
    /// The column must not be empty (nor a missing-value token).
    Required,
    /// A non-empty value must match `pattern` (the whole value).
    Regex,
    /// A non-empty value must be one of `values`.
    Allowed,
    /// A non-empty value's length in characters must be within `min`..=`max`.
    Length,
    /// A non-empty value must be a number within `min`..=`max`.
    Range,
    /// The date in the first of `columns` must not be after the date in the second.
    DateOrder,
    /// Non-empty values (of all `columns` together) must not repeat across rows.
    Unique,
}

impl UserRuleKind {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            UserRuleKind::Required => "required",
            UserRuleKind::Regex => "regex",
            UserRuleKind::Allowed => "allowed",
            UserRuleKind::Length => "length",
            UserRuleKind::Range => "range",
            UserRuleKind::DateOrder => "date_order",
            UserRuleKind::Unique => "unique",
        }
    }
}

/// A `[[rule]]` table: one user rule.
///
/// Columns are named by header (`"Телефон"`) or by role (`"phone"`: every column with that role).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserRuleSpec {
    /// Permanent code: `U` and three digits (`U001`).
    pub code: String,
    /// What the rule checks.
    pub kind: UserRuleKind,
    /// Kebab-case name naming the problem (`inn-missing`); default `user-<kind>-<code>`.
    pub name: Option<String>,
    /// The column the rule checks.
    pub column: Option<String>,
    /// Several columns: each is checked (`unique`: the combination is the key;
    /// `date_order`: exactly two, earlier first).
    pub columns: Option<Vec<String>>,
    /// Severity of its findings (default `warning`); `off` disables it.
    pub severity: Option<Level>,
    /// Message of its findings; `{column}` and `{value}` are replaced.
    pub message: Option<String>,
    /// `regex`: the pattern the whole value must match (Rust regex syntax).
    pub pattern: Option<String>,
    /// `allowed`: the permitted values.
    pub values: Option<Vec<String>>,
    /// `allowed`, `regex`, `unique`: compare ignoring case.
    pub ignore_case: Option<bool>,
    /// `length`: minimum characters; `range`: minimum value.
    pub min: Option<f64>,
    /// `length`: maximum characters; `range`: maximum value.
    pub max: Option<f64>,
}

// ---------------------------------------------------------------------------------------------
// Layers and command-line overrides.
// ---------------------------------------------------------------------------------------------

/// One rules file's text and the name errors are reported under.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Path as given, or `preset:NAME` for a shipped preset.
    pub name: String,
    /// The TOML text.
    pub text: String,
}

impl Layer {
    /// The built-in base layer.
    pub fn default_rules() -> Layer {
        Layer { name: "preset:default".into(), text: DEFAULT_RULES.into() }
    }

    /// A shipped preset by name (`gdpr`), if there is one.
    pub fn preset(name: &str) -> Option<Layer> {
        PRESETS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| Layer { name: format!("preset:{n}"), text: (*text).into() })
    }

    /// Reads `--rules ARG`: `preset:NAME` or a file path.
    pub fn load(arg: &Path) -> Result<Layer> {
        let shown = arg.display().to_string();
        if let Some(name) = shown.strip_prefix("preset:") {
            return Layer::preset(name).ok_or_else(|| {
                let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
                Error::Usage(format!(
                    "--rules {shown}: no such preset; presets are {}",
                    names.join(", ")
                ))
            });
        }
        if arg.is_dir() {
            return Err(Error::IsDirectory { path: arg.to_path_buf() });
        }
        let bytes =
            std::fs::read(arg).map_err(|cause| Error::Read { path: arg.to_path_buf(), cause })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::Config(format!(
                "{shown}: the rules file is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
                e.utf8_error().valid_up_to()
            ))
        })?;
        Ok(Layer { name: shown, text })
    }
}

/// Values given on the command line; they override every rules file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--map COLUMN=ROLE`, in order (`None`: no role).
    pub columns: Vec<(String, Option<Role>)>,
    /// `--region`.
    pub region: Option<String>,
    /// `--as-of`.
    pub as_of: Option<chrono::NaiveDate>,
    /// `--fix-typos` (a flag can only turn fixing on).
    pub fix_typos: bool,
    /// `--fail-on`.
    pub fail_on: Option<FailOn>,
}

// ---------------------------------------------------------------------------------------------
// The resolved configuration.
// ---------------------------------------------------------------------------------------------

/// Which rules run: `select`/`extend_select`/`ignore` of every layer, evaluated per code.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    layers: Vec<SelectLayer>,
}

#[derive(Debug, Clone, Default)]
struct SelectLayer {
    select: Option<Vec<Selector>>,
    extend: Vec<Selector>,
    ignore: Vec<Selector>,
}

impl Selection {
    /// Whether `code` runs. Layers apply in order; within a layer the most specific matching
    /// selector decides and `ignore` wins a tie. User rules (`U…`) run unless a `U` selector
    /// says otherwise: declaring a rule selects it, and `select = ["ALL"]`-style resets do not
    /// switch them off.
    pub fn enabled(&self, code: &str) -> bool {
        let user = selector::is_user_code(code);
        let mut on = true;
        for layer in &self.layers {
            let counts = |s: &&Selector| s.matches(code) && (!user || s.is_user());
            let best =
                |list: &[Selector]| list.iter().filter(counts).map(Selector::specificity).max();
            let select = layer.select.as_deref().map(best);
            let sel = match select {
                Some(s) => s.max(best(&layer.extend)),
                None => best(&layer.extend),
            };
            let ign = best(&layer.ignore);
            on = match (sel, ign) {
                (Some(s), Some(i)) => s > i,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                // A `select` that does not name the code switches it off (not user rules).
                (None, None) => {
                    if select.is_some() && !user {
                        false
                    } else {
                        on
                    }
                }
            };
        }
        on
    }
}

/// Words in a cell that mean "no value" (`-`, `n/a`, `нет`, `не указан`).
#[derive(Debug, Clone, Default)]
pub struct MissingValues {
    folded: BTreeSet<String>,
    /// First characters of the folded tokens: most cells are rejected on this, without the
    /// allocation folding needs.
    first: Vec<char>,
    /// Most non-blank characters in a folded token. Folding keeps every non-blank character
    /// (lowercasing gives one or more), so a value with more cannot fold into a token: that
    /// rejects phones, emails and names without looking up their first letter.
    longest: usize,
    /// Bit `b` set when a value starting with ASCII byte `b` may fold into a token (its
    /// lowercase is in `first`): digits and `+` reject phones, dates and amounts at once.
    ascii_first: u128,
}

impl MissingValues {
    /// Builds the set from tokens as written.
    pub fn new<'a>(tokens: impl IntoIterator<Item = &'a str>) -> MissingValues {
        let folded: BTreeSet<String> =
            tokens.into_iter().map(fold_token).filter(|t| !t.is_empty()).collect();
        let mut first: Vec<char> = folded.iter().filter_map(|t| t.chars().next()).collect();
        first.sort_unstable();
        first.dedup();
        let longest = folded.iter().map(|t| non_blank_chars(t).count()).max().unwrap_or(0);
        let ascii_first = (0u8..128)
            .filter(|b| first.binary_search(&char::from(b.to_ascii_lowercase())).is_ok())
            .fold(0u128, |bits, b| bits | 1 << b);
        MissingValues { folded, first, longest, ascii_first }
    }

    /// Whether `value` is empty, blank or a missing-value token.
    pub fn is_missing(&self, value: &str) -> bool {
        let t = value.trim();
        let Some(c) = t.chars().next() else { return true };
        // An ASCII character lowercases to one ASCII character: the table says it all.
        if c.is_ascii() && self.ascii_first & (1 << (c as u32)) == 0 {
            return false;
        }
        // The first letter before the length: names and cities rarely start like a token.
        if !c.to_lowercase().any(|l| self.first.binary_search(&l).is_ok())
            || non_blank_chars(t).nth(self.longest).is_some()
        {
            return false;
        }
        self.folded.contains(&fold_token(t))
    }

    /// Whether tokens are treated as missing in a column of `role`. Yes/no columns (consents,
    /// marketing flag) are exempt: there `нет` is an answer, not a gap.
    pub fn applies_to(role: Role) -> bool {
        !matches!(
            role,
            Role::ConsentProcessing
                | Role::ConsentMarketing
                | Role::ConsentEmail
                | Role::ConsentSms
                | Role::ConsentCall
                | Role::MarketingFlag
        )
    }

    /// `record` with missing-value tokens in role-mapped columns blanked, or `None` when no
    /// cell changes. Columns without a role pass through untouched.
    pub fn blank(&self, record: &Record, columns: &ColumnMap) -> Option<Record> {
        let hit = |i: usize, v: &str| {
            !v.trim().is_empty()
                && columns.role(i).is_some_and(MissingValues::applies_to)
                && self.is_missing(v)
        };
        if !record.iter().enumerate().any(|(i, v)| hit(i, v)) {
            return None;
        }
        Some(record.iter().enumerate().map(|(i, v)| if hit(i, v) { "" } else { v }).collect())
    }

    /// The tokens, folded, in sorted order.
    pub fn tokens(&self) -> impl Iterator<Item = &str> {
        self.folded.iter().map(String::as_str)
    }
}

fn fold_token(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn non_blank_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(|c| !c.is_whitespace())
}

/// The gate, resolved.
#[derive(Debug, Clone)]
pub struct Gate {
    /// Lowest severity that fails the gate for rules without explicit thresholds.
    pub fail_on: Severity,
    /// Thresholds on rows with any warning or error finding.
    pub overall: Thresholds,
    /// Explicit thresholds per selector.
    pub rules: Vec<(Selector, Thresholds)>,
}

impl Default for Gate {
    fn default() -> Self {
        Gate { fail_on: Severity::Error, overall: Thresholds::default(), rules: Vec::new() }
    }
}

impl Gate {
    /// Explicit thresholds for `code` (the most specific selector), if any.
    pub fn thresholds(&self, code: &str) -> Option<Thresholds> {
        self.rules
            .iter()
            .filter(|(s, _)| s.matches(code))
            .max_by_key(|(s, _)| s.specificity())
            .map(|(_, t)| *t)
    }
}

/// The configuration of a run: every layer merged and validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// Layer names, base first (`preset:default`, then `--rules` files).
    pub layers: Vec<String>,
    /// Explicit column roles: rules files first, then `--map` (later entries win).
    pub columns: Vec<(String, Option<Role>, RoleOrigin)>,
    /// Which rules run.
    pub selection: Selection,
    /// Severity overrides by selector; the most specific matching selector applies.
    pub severity: Vec<(Selector, Level)>,
    /// Parameters for the checks.
    pub params: Params,
    /// Merge settings.
    pub survivorship: Survivorship,
    /// Missing-value tokens.
    pub missing_values: MissingValues,
    /// Apply typo fixes.
    pub fix_typos: bool,
    /// `params.as_of` or `--as-of`, parsed.
    pub as_of: Option<chrono::NaiveDate>,
    /// The gate.
    pub gate: Gate,
    /// User rules, compiled, in code order.
    pub user_rules: Vec<UserRule>,
}

impl Default for Config {
    /// The built-in defaults alone (what a run without `--rules` and flags uses).
    fn default() -> Self {
        // The embedded default is validated by a test; should it ever fail, fall back to
        // the type defaults rather than panic.
        Config::load(&[], &Overrides::default()).unwrap_or_else(|_| Config::empty())
    }
}

impl Config {
    fn empty() -> Config {
        Config {
            layers: Vec::new(),
            columns: Vec::new(),
            selection: Selection::default(),
            severity: Vec::new(),
            params: Params::default(),
            survivorship: Survivorship::default(),
            missing_values: MissingValues::default(),
            fix_typos: false,
            as_of: None,
            gate: Gate::default(),
            user_rules: Vec::new(),
        }
    }

    /// Builds the configuration from the built-in default, then `layers` in order, then
    /// `overrides`. Every problem of every file is reported at once, as `file:line:column:`.
    pub fn load(layers: &[Layer], overrides: &Overrides) -> Result<Config> {
        let mut all = vec![Layer::default_rules()];
        all.extend(layers.iter().cloned());
        let parsed = parse_layers(&all)?;

        // Codes a selector may name: the registry's and every layer's user rules.
        let mut known: BTreeSet<String> =
            registry::all().iter().map(|r| r.code.to_string()).collect();
        for p in &parsed {
            known.extend(p.file.rules.iter().map(|r| r.code.clone()));
        }

        let mut config = Config::empty();
        let mut errors = Vec::new();
        let mut merged_params = toml::Table::new();
        let mut merged_surv = toml::Table::new();
        let mut merged_gate = toml::Table::new();
        let mut missing: Vec<String> = Vec::new();
        let mut user: BTreeMap<String, UserRule> = BTreeMap::new();
        let mut severity: BTreeMap<Selector, Level> = BTreeMap::new();

        for (index, p) in parsed.iter().enumerate() {
            let mut ctx = Ctx { layer: p, known: &known, errors: &mut errors, index };
            config.layers.push(p.layer.name.clone());
            for (header, role) in &p.file.columns {
                if let Some(role) = ctx.role(&[Seg::Key("columns"), Seg::Key(header)], role, true) {
                    config.columns.push((header.clone(), role, RoleOrigin::RulesFile));
                }
            }
            let select = p.file.select.as_ref().map(|list| ctx.selectors("select", list));
            let extend = ctx.selectors("extend_select", &p.file.extend_select);
            let ignore = ctx.selectors("ignore", &p.file.ignore);
            config.selection.layers.push(SelectLayer { select, extend, ignore });
            for (key, level) in &p.file.severity {
                if let Some(s) = ctx.selector(&[Seg::Key("severity"), Seg::Key(key)], key, true) {
                    severity.insert(s, *level);
                }
            }
            if let Some(list) = &p.file.missing_values {
                missing.clone_from(list);
            }
            missing.extend(p.file.extend_missing_values.iter().cloned());
            if let Some(b) = p.file.fix_typos {
                config.fix_typos = b;
            }

            ctx.check_params(&p.file.params);
            ctx.check_survivorship(&p.file.survivorship);
            for key in p.file.gate.rules.keys() {
                ctx.selector(&[Seg::Key("gate"), Seg::Key("rules"), Seg::Key(key)], key, true);
            }
            for (i, t) in p.file.gate.rules.iter() {
                ctx.check_thresholds(&[Seg::Key("gate"), Seg::Key("rules"), Seg::Key(i)], t);
            }
            ctx.check_thresholds(&[Seg::Key("gate"), Seg::Key("overall")], &p.file.gate.overall);

            let mut seen_here = BTreeSet::new();
            for (i, spec) in p.file.rules.iter().enumerate() {
                let at = |field: &str| {
                    let path = [Seg::Key("rule"), Seg::Index(i), Seg::Key(field)];
                    format!("{}:{}", p.layer.name, p.position(&path, false))
                };
                if !seen_here.insert(spec.code.clone()) {
                    ctx.error_at(
                        &[Seg::Key("rule"), Seg::Index(i), Seg::Key("code")],
                        false,
                        format!("rule code `{}` is defined twice in this file", spec.code),
                    );
                    continue;
                }
                match user::compile(spec, &at) {
                    Ok(rule) => {
                        user.insert(spec.code.clone(), rule);
                    }
                    Err(errs) => {
                        for (field, msg) in errs {
                            ctx.error_at(
                                &[Seg::Key("rule"), Seg::Index(i), Seg::Key(field)],
                                false,
                                msg,
                            );
                        }
                    }
                }
            }

            // Merge the key-by-key tables, then check what depends on several keys.
            for (name, target) in [
                ("params", &mut merged_params),
                ("survivorship", &mut merged_surv),
                ("gate", &mut merged_gate),
            ] {
                if let Some(toml::Value::Table(t)) = p.raw.get(name) {
                    deep_merge(target, t);
                }
            }
            if let Ok(params) = toml::Value::Table(merged_params.clone()).try_into::<Params>() {
                let d = &params.dedupe;
                if d.review_threshold > d.match_threshold {
                    let key = if p.has(&["params", "dedupe", "review_threshold"]) {
                        "review_threshold"
                    } else {
                        "match_threshold"
                    };
                    ctx.error_at(
                        &[Seg::Key("params"), Seg::Key("dedupe"), Seg::Key(key)],
                        false,
                        format!(
                            "review_threshold ({}) must not be above match_threshold ({}): pairs \
                             between the two are reported for review",
                            d.review_threshold, d.match_threshold
                        ),
                    );
                }
            }
        }
        if !errors.is_empty() {
            errors.sort();
            let lines: Vec<String> = errors
                .into_iter()
                .map(|(i, line, col, m)| {
                    let name = parsed.get(i).map_or("", |p| p.layer.name.as_str());
                    format!("{name}:{line}:{col}: {m}")
                })
                .collect();
            return Err(Error::Config(lines.join("\n")));
        }

        let internal = |what: &str, e: toml::de::Error| {
            Error::Config(format!("internal error merging [{what}]: {}", e.message()))
        };
        config.params =
            toml::Value::Table(merged_params).try_into().map_err(|e| internal("params", e))?;
        config.survivorship =
            toml::Value::Table(merged_surv).try_into().map_err(|e| internal("survivorship", e))?;
        let gate: GateSpec =
            toml::Value::Table(merged_gate).try_into().map_err(|e| internal("gate", e))?;
        config.gate = Gate {
            fail_on: match gate.fail_on {
                Some(FailOn::Warning) => Severity::Warning,
                _ => Severity::Error,
            },
            overall: gate.overall,
            rules: gate
                .rules
                .iter()
                .filter_map(|(k, t)| Selector::parse(k).ok().map(|s| (s, *t)))
                .collect(),
        };
        config.severity = severity.into_iter().collect();
        config.missing_values = MissingValues::new(missing.iter().map(String::as_str));
        config.user_rules = user.into_values().collect();
        config.as_of = match &config.params.as_of {
            Some(s) => Some(parse_date(s).ok_or_else(|| {
                Error::Config(format!("params.as_of `{s}`: not a date (internal)"))
            })?),
            None => None,
        };
        config.apply(overrides)?;
        Ok(config)
    }

    /// Applies command-line values over the files.
    fn apply(&mut self, o: &Overrides) -> Result<()> {
        for (column, role) in &o.columns {
            self.columns.push((column.clone(), *role, RoleOrigin::CommandLine));
        }
        if let Some(r) = &o.region {
            self.params.region =
                check_region(r).map_err(|m| Error::Usage(format!("--region {r}: {m}")))?;
        }
        if let Some(d) = o.as_of {
            self.as_of = Some(d);
            self.params.as_of = Some(d.to_string());
        }
        if o.fix_typos {
            self.fix_typos = true;
        }
        match o.fail_on {
            Some(FailOn::Error) => self.gate.fail_on = Severity::Error,
            Some(FailOn::Warning) => self.gate.fail_on = Severity::Warning,
            None => {}
        }
        Ok(())
    }

    /// Whether a cell value means "no value" (blank or a `missing_values` token).
    pub fn is_missing(&self, value: &str) -> bool {
        self.missing_values.is_missing(value)
    }

    /// The severity override for `code` (most specific selector), if any.
    pub fn severity_override(&self, code: &str) -> Option<Level> {
        self.severity
            .iter()
            .filter(|(s, _)| s.matches(code))
            .max_by_key(|(s, _)| s.specificity())
            .map(|(_, l)| *l)
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing and locating errors.
// ---------------------------------------------------------------------------------------------

struct Parsed<'a> {
    layer: &'a Layer,
    file: RulesFile,
    raw: toml::Table,
    doc: toml_edit::ImDocument<&'a str>,
}

impl Parsed<'_> {
    /// `line:column` of the key (or value) at `path`, or of the deepest part of it that exists.
    fn line_col(&self, path: &[Seg<'_>], key: bool) -> (usize, usize) {
        let offset = locate(&self.doc, path, key).map_or(0, |r| r.start);
        line_col(&self.layer.text, offset)
    }

    fn position(&self, path: &[Seg<'_>], key: bool) -> String {
        let (line, col) = self.line_col(path, key);
        format!("{line}:{col}")
    }

    fn has(&self, path: &[&str]) -> bool {
        let mut t = &self.raw;
        for (i, k) in path.iter().enumerate() {
            match t.get(*k) {
                Some(toml::Value::Table(next)) => t = next,
                Some(_) => return i + 1 == path.len(),
                None => return false,
            }
        }
        true
    }
}

fn parse_layers(layers: &[Layer]) -> Result<Vec<Parsed<'_>>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for layer in layers {
        let file: RulesFile = match toml::from_str(&layer.text) {
            Ok(f) => f,
            Err(e) => {
                let (line, col) = line_col(&layer.text, e.span().map_or(0, |s| s.start));
                errors.push(format!("{}:{line}:{col}: {}", layer.name, explain(e.message())));
                continue;
            }
        };
        // Both parse: the typed parse above succeeded on the same text.
        let (Ok(raw), Ok(doc)) = (
            toml::from_str::<toml::Table>(&layer.text),
            toml_edit::ImDocument::parse(&layer.text[..]),
        ) else {
            errors.push(format!("{}:1:1: not a TOML document", layer.name));
            continue;
        };
        out.push(Parsed { layer, file, raw, doc });
    }
    if errors.is_empty() { Ok(out) } else { Err(Error::Config(errors.join("\n"))) }
}

/// Makes serde/toml messages friendlier: "did you mean" for unknown keys.
fn explain(message: &str) -> String {
    let msg = message.trim_end();
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        if let Some((field, expected)) = rest.split_once('`') {
            let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
            if let Some(s) = selector::did_you_mean(field, candidates.iter().copied()) {
                return format!("unknown key `{field}`; did you mean `{s}`? ({})", msg);
            }
            return format!("unknown key `{field}` ({msg})");
        }
    }
    msg.to_string()
}

/// A step in a key path.
#[derive(Debug, Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a toml_edit::Item),
    Value(&'a toml_edit::Value),
}

impl<'a> Node<'a> {
    fn span(self) -> Option<Range<usize>> {
        match self {
            Node::Item(i) => i.span(),
            Node::Value(v) => v.span(),
        }
    }

    fn step(self, seg: Seg<'_>) -> Option<(Node<'a>, Option<Range<usize>>)> {
        match (self, seg) {
            (Node::Item(item), Seg::Key(k)) => {
                if let Some(t) = item.as_table_like() {
                    let (key, v) = t.get_key_value(k)?;
                    return Some((Node::Item(v), key.span()));
                }
                None
            }
            (Node::Value(toml_edit::Value::InlineTable(t)), Seg::Key(k)) => {
                let key = t.key(k)?.span();
                Some((Node::Value(t.get(k)?), key))
            }
            (Node::Item(toml_edit::Item::Value(toml_edit::Value::Array(a))), Seg::Index(i))
            | (Node::Value(toml_edit::Value::Array(a)), Seg::Index(i)) => {
                Some((Node::Value(a.get(i)?), None))
            }
            _ => None,
        }
    }
}

fn locate(doc: &toml_edit::ImDocument<&str>, path: &[Seg<'_>], key: bool) -> Option<Range<usize>> {
    let mut node = Node::Item(doc.as_item());
    let mut best: Option<Range<usize>> = None;
    let mut table: Option<&toml_edit::Table> = None;
    for (n, seg) in path.iter().enumerate() {
        // Arrays of tables: continue inside the i-th table.
        if let (Some(t), Seg::Key(k)) = (table, seg) {
            let (kk, v) = t.get_key_value(k)?;
            best = if key && n + 1 == path.len() { kk.span() } else { v.span().or(kk.span()) };
            table = None;
            node = Node::Item(v);
            continue;
        }
        if let (Node::Item(toml_edit::Item::ArrayOfTables(a)), Seg::Index(i)) = (node, seg) {
            let Some(t) = a.get(*i) else { return best };
            best = t.span().or(best);
            table = Some(t);
            continue;
        }
        match node.step(*seg) {
            Some((next, key_span)) => {
                best = if key && n + 1 == path.len() {
                    key_span.or(next.span())
                } else {
                    next.span().or(key_span).or(best)
                };
                node = next;
            }
            None => return best,
        }
    }
    best
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Validation state for one layer.
struct Ctx<'a, 'p> {
    layer: &'a Parsed<'p>,
    known: &'a BTreeSet<String>,
    /// (layer index, line, column, message): sorted before reporting, so errors read top down.
    errors: &'a mut Vec<(usize, usize, usize, String)>,
    index: usize,
}

impl Ctx<'_, '_> {
    fn error_at(&mut self, path: &[Seg<'_>], key: bool, message: String) {
        let (line, col) = self.layer.line_col(path, key);
        self.errors.push((self.index, line, col, message));
    }

    fn selectors(&mut self, field: &str, list: &[String]) -> Vec<Selector> {
        list.iter()
            .enumerate()
            .filter_map(|(i, s)| self.selector(&[Seg::Key(field), Seg::Index(i)], s, false))
            .collect()
    }

    fn selector(&mut self, path: &[Seg<'_>], s: &str, key: bool) -> Option<Selector> {
        let message = match Selector::parse(s) {
            Ok(sel @ Selector::Code(_)) => {
                if self.known.contains(s) {
                    return Some(sel);
                }
                format!("unknown rule code `{s}`{}", self.suggest(s))
            }
            Ok(sel) => return Some(sel),
            Err(SelectorError::UnknownFamily) => {
                let families: Vec<&str> = FAMILIES.iter().map(|(f, _)| *f).collect();
                let hint = selector::did_you_mean(s, families.iter().copied())
                    .map(|f| format!("; did you mean `{f}`?"))
                    .unwrap_or_default();
                format!(
                    "unknown rule family `{s}`{hint} (families: {}, or ALL)",
                    families.join(", ")
                )
            }
            Err(SelectorError::Malformed) => {
                if let Some(r) = registry::lookup(s) {
                    format!("`{s}` is a rule name; write its code `{}`", r.code)
                } else {
                    format!("`{s}` is not a rule code, family prefix or ALL{}", self.suggest(s))
                }
            }
        };
        self.error_at(path, key, message);
        None
    }

    /// Suggests a known code of the same family (`IN009` → `IN001`); a code of another family
    /// would only mislead.
    fn suggest(&self, s: &str) -> String {
        let upper = s.to_ascii_uppercase();
        let family: String = upper.chars().take_while(char::is_ascii_uppercase).collect();
        let same = self.known.iter().map(String::as_str).filter(|c| {
            c.chars().take_while(char::is_ascii_uppercase).collect::<String>() == family
        });
        selector::did_you_mean(s, same)
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default()
    }

    /// Parses a role name; `none`/`ignore` mean no role. `None` when invalid (error recorded).
    fn role(&mut self, path: &[Seg<'_>], name: &str, allow_none: bool) -> Option<Option<Role>> {
        let t = name.trim();
        if allow_none && matches!(t, "none" | "ignore") {
            return Some(None);
        }
        if let Some(r) = Role::parse(t) {
            return Some(Some(r));
        }
        let names: Vec<&str> = ALL_ROLES.iter().map(|r| r.as_str()).collect();
        let hint = selector::did_you_mean(t, names.iter().copied())
            .map(|r| format!("; did you mean `{r}`?"))
            .unwrap_or_default();
        self.error_at(
            path,
            false,
            format!("unknown role `{t}`{hint} (roles: {}, none)", names.join(", ")),
        );
        None
    }

    fn check_params(&mut self, p: &Params) {
        let layer = self.layer;
        if layer.has(&["params", "region"]) {
            if let Err(m) = check_region(&p.region) {
                self.error_at(&[Seg::Key("params"), Seg::Key("region")], false, m);
            }
        }
        if let Some(d) = &p.as_of {
            if parse_date(d).is_none() {
                self.error_at(
                    &[Seg::Key("params"), Seg::Key("as_of")],
                    false,
                    format!("`{d}` is not a date; write YYYY-MM-DD (2025-03-31)"),
                );
            }
        }
        for (i, c) in p.storage_countries.iter().enumerate() {
            if check_region(c).is_err() {
                self.error_at(
                    &[Seg::Key("params"), Seg::Key("storage_countries"), Seg::Index(i)],
                    false,
                    format!("`{c}` is not a two-letter ISO country code (RU, DE, US)"),
                );
            }
        }
        for (i, r) in p.required_roles.iter().enumerate() {
            self.role(&[Seg::Key("params"), Seg::Key("required_roles"), Seg::Index(i)], r, false);
        }
        for (key, v) in [
            ("match_threshold", p.dedupe.match_threshold),
            ("review_threshold", p.dedupe.review_threshold),
        ] {
            if !(0.0..=1.0).contains(&v) {
                self.error_at(
                    &[Seg::Key("params"), Seg::Key("dedupe"), Seg::Key(key)],
                    false,
                    format!("{key} = {v}: a similarity threshold is between 0 and 1"),
                );
            }
        }
        for (key, v) in [
            ("active_days", p.active_days),
            ("stale_months", p.stale_months),
            ("lead_max_days", p.lead_max_days),
        ] {
            if v == 0 && layer.has(&["params", key]) {
                self.error_at(
                    &[Seg::Key("params"), Seg::Key(key)],
                    false,
                    format!("{key} = 0: a window must be at least 1"),
                );
            }
        }
        if p.contact_cap.window_days == 0 && layer.has(&["params", "contact_cap", "window_days"]) {
            self.error_at(
                &[Seg::Key("params"), Seg::Key("contact_cap"), Seg::Key("window_days")],
                false,
                "window_days = 0: a window must be at least 1 day".into(),
            );
        }
    }

    fn check_survivorship(&mut self, s: &Survivorship) {
        for role_name in s.fields.keys() {
            let path = [Seg::Key("survivorship"), Seg::Key("fields"), Seg::Key(role_name)];
            if let Some(Some(role)) = self.role(&path, role_name, false) {
                if !MissingValues::applies_to(role)
                    || matches!(role, Role::ConsentWithdrawnAt | Role::UnsubscribedAt)
                {
                    self.error_at(
                        &path,
                        true,
                        format!(
                            "`{role_name}` cannot be configured: consent fields always keep the \
                             most restrictive value (any withdrawal or stop wins)"
                        ),
                    );
                }
            }
        }
    }

    fn check_thresholds(&mut self, path: &[Seg<'_>], t: &Thresholds) {
        if let (Some(w), Some(f)) = (t.warn, t.fail) {
            let comparable = match (w, f) {
                (Threshold::Count(a), Threshold::Count(b)) => Some(a as f64 > b as f64),
                (Threshold::Percent(a), Threshold::Percent(b)) => Some(a > b),
                _ => None,
            };
            if comparable == Some(true) {
                let mut p = path.to_vec();
                p.push(Seg::Key("warn"));
                self.error_at(
                    &p,
                    false,
                    format!(
                        "warn = {w} is above fail = {f}: the warn threshold must be the lower one"
                    ),
                );
            }
        }
    }
}

fn deep_merge(target: &mut toml::Table, layer: &toml::Table) {
    for (k, v) in layer {
        match (target.get_mut(k), v) {
            (Some(toml::Value::Table(t)), toml::Value::Table(l)) => deep_merge(t, l),
            _ => {
                target.insert(k.clone(), v.clone());
            }
        }
    }
}

fn check_region(r: &str) -> std::result::Result<String, String> {
    let up = r.trim().to_ascii_uppercase();
    if up.len() == 2 && up.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(up)
    } else {
        Err(format!("`{r}` is not a two-letter ISO country code such as RU, KZ, US"))
    }
}

fn parse_date(s: &str) -> Option<chrono::NaiveDate> {
    let t = s.trim();
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(t, "%d.%m.%Y"))
        .ok()
}

/// The JSON Schema of the rules-file format, generated from [`RulesFile`].
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(RulesFile);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(name: &str, text: &str) -> Layer {
        Layer { name: name.into(), text: text.into() }
    }

    fn load(text: &str) -> Result<Config> {
        Config::load(&[layer("r.toml", text)], &Overrides::default())
    }

    fn err(text: &str) -> String {
        match load(text) {
            Err(Error::Config(m)) => m,
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn default_and_every_preset_load() {
        let base = Config::load(&[], &Overrides::default()).unwrap();
        assert_eq!(base.layers, vec!["preset:default"]);
        assert_eq!(base.params, Params::default(), "default.toml must match Params::default()");
        assert_eq!(base.gate.fail_on, Severity::Error);
        assert!(base.is_missing("Не указан"));
        assert!(base.is_missing(" n/a "));
        assert!(!base.is_missing("Иванов"));
        assert_eq!(base.survivorship.strategy(Role::Phone), Strategy::Union);
        assert_eq!(base.survivorship.strategy(Role::FullName), Strategy::MostRecent);
        for (name, _) in PRESETS {
            let l = Layer::preset(name).unwrap();
            Config::load(&[l], &Overrides::default())
                .unwrap_or_else(|e| panic!("preset {name}: {e}"));
        }
        // Presets stack: 152-FZ then B2B.
        let c = Config::load(
            &[Layer::preset("ru-152fz").unwrap(), Layer::preset("b2b").unwrap()],
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.params.storage_countries, vec!["RU"]);
        assert_eq!(c.params.base_kind, BaseKind::B2b);
        assert_eq!(c.params.dedupe.match_threshold, 0.95);
        assert_eq!(c.severity_override("CP001"), Some(Level::Error));
    }

    #[test]
    fn layers_override_in_order_default_then_files_then_flags() {
        let a = layer(
            "a.toml",
            "fix_typos = true\n[params]\nregion = \"KZ\"\nactive_days = 10\nlead_max_days = 50\n\
             [params.dedupe]\nreview_threshold = 0.5\n[columns]\n\"Тел\" = \"phone\"\n\
             [severity]\nIN001 = \"warning\"\nIN002 = \"info\"\n",
        );
        let b = layer(
            "b.toml",
            "[params]\nactive_days = 20\nas_of = \"2024-01-02\"\n[columns]\n\"Тел\" = \"none\"\n\
             [severity]\nIN001 = \"off\"\n",
        );
        let flags = Overrides {
            region: Some("us".into()),
            columns: vec![("Тел".into(), Some(Role::Email))],
            fail_on: Some(FailOn::Warning),
            ..Overrides::default()
        };
        let c = Config::load(&[a.clone(), b.clone()], &flags).unwrap();
        assert_eq!(c.layers, vec!["preset:default", "a.toml", "b.toml"]);
        assert_eq!(c.params.region, "US", "flag beats files");
        assert_eq!(c.params.active_days, 20, "later file beats earlier");
        assert_eq!(c.params.lead_max_days, 50, "earlier file beats default");
        assert_eq!(c.params.stale_months, 24, "default stays where nobody overrides");
        assert_eq!(c.params.dedupe.review_threshold, 0.5);
        assert_eq!(c.params.dedupe.match_threshold, 0.9, "nested tables merge key by key");
        assert_eq!(c.as_of, chrono::NaiveDate::from_ymd_opt(2024, 1, 2));
        assert!(c.fix_typos);
        assert_eq!(c.gate.fail_on, Severity::Warning);
        assert_eq!(c.severity_override("IN001"), Some(Level::Off));
        assert_eq!(c.severity_override("IN002"), Some(Level::Info));
        assert_eq!(
            c.columns,
            vec![
                ("Тел".to_string(), Some(Role::Phone), RoleOrigin::RulesFile),
                ("Тел".to_string(), None, RoleOrigin::RulesFile),
                ("Тел".to_string(), Some(Role::Email), RoleOrigin::CommandLine),
            ],
            "ColumnMap::resolve lets later entries win"
        );
        // Swapping the files swaps the winner.
        let c = Config::load(&[b, a], &Overrides::default()).unwrap();
        assert_eq!(c.params.active_days, 10);
        assert_eq!(c.params.region, "KZ");
        assert_eq!(c.severity_override("IN001"), Some(Level::Warning));
    }

    #[test]
    fn selection_semantics() {
        let sel = |files: &[&str]| {
            let layers: Vec<Layer> =
                files.iter().enumerate().map(|(i, t)| layer(&format!("{i}.toml"), t)).collect();
            Config::load(&layers, &Overrides::default()).unwrap().selection
        };
        let s = sel(&[]);
        assert!(s.enabled("IN001") && s.enabled("PH002"));
        let s = sel(&["select = [\"IN\"]\nignore = [\"IN002\"]"]);
        assert!(s.enabled("IN001") && !s.enabled("IN002") && !s.enabled("PH001"));
        // The more specific selector wins within a file, whichever list it is in.
        let s = sel(&["select = [\"IN002\"]\nignore = [\"IN\"]"]);
        assert!(s.enabled("IN002") && !s.enabled("IN001"));
        let s = sel(&["select = [\"PH\", \"IN0\"]\nignore = [\"IN00\"]"]);
        assert!(s.enabled("PH002") && !s.enabled("IN001") && !s.enabled("EM001"));
        let s = sel(&["ignore = [\"ALL\"]\nextend_select = [\"IN001\"]"]);
        assert!(s.enabled("IN001") && !s.enabled("IN002"));
        // A later file re-enables; extend_select adds without resetting.
        let s = sel(&["ignore = [\"IN\"]", "extend_select = [\"IN002\"]"]);
        assert!(s.enabled("IN002") && !s.enabled("IN001") && s.enabled("PH001"));
        // User rules run unless a U selector ignores them.
        let rule = "[[rule]]\ncode = \"U001\"\nkind = \"required\"\ncolumn = \"email\"\n";
        let s = sel(&[&format!("select = [\"IN\"]\n{rule}")]);
        assert!(s.enabled("U001") && !s.enabled("PH001"));
        let s = sel(&[&format!("ignore = [\"U\"]\n{rule}")]);
        assert!(!s.enabled("U001"));
        let s = sel(&[&format!("ignore = [\"ALL\"]\n{rule}")]);
        assert!(s.enabled("U001"));
    }

    #[test]
    fn unknown_keys_report_line_column_and_suggestion() {
        let m = err("select = [\"ALL\"]\nignroe = [\"IN001\"]\n");
        assert!(m.starts_with("r.toml:2:1: unknown key `ignroe`; did you mean `ignore`?"), "{m}");
        let m = err("[params]\nactive_dayz = 3\n");
        assert!(
            m.starts_with("r.toml:2:1: unknown key `active_dayz`; did you mean `active_days`?"),
            "{m}"
        );
        let m = err("[gate.rules.IN001]\nwarn = 1\nfial = 2\n");
        assert!(m.starts_with("r.toml:3:1:") && m.contains("`fail`"), "{m}");
    }

    #[test]
    fn wrong_types_and_syntax_report_positions() {
        let m = err("[params]\nactive_days = \"thirty\"\n");
        assert!(m.starts_with("r.toml:2:15:"), "{m}");
        let m = err("select = \"ALL\"\n");
        assert!(m.starts_with("r.toml:1:10:"), "{m}");
        let m = err("select = [\"ALL\"\n");
        assert!(m.starts_with("r.toml:"), "{m}");
        let m = err("[severity]\nIN001 = \"fatal\"\n");
        assert!(m.starts_with("r.toml:2:9:") && m.contains("fatal"), "{m}");
        let m = err("[gate.overall]\nfail = \"120%\"\n");
        assert!(m.starts_with("r.toml:2:8:") && m.contains("between 0% and 100%"), "{m}");
        let m = err("[gate.overall]\nfail = -1\n");
        assert!(m.contains("negative"), "{m}");
    }

    #[test]
    fn unknown_codes_families_and_roles() {
        let m = err("select = [\"IN001\", \"IN01X\", \"IN009\"]\n");
        let lines: Vec<&str> = m.lines().collect();
        assert_eq!(lines.len(), 2, "{m}");
        assert!(lines[0].starts_with("r.toml:1:20: `IN01X` is not a rule code"), "{m}");
        assert!(
            lines[1].starts_with("r.toml:1:29: unknown rule code `IN009`; did you mean `IN00"),
            "{m}"
        );
        // Prefixes of families whose rules are not registered yet are fine.
        assert!(load("select = [\"CP\", \"ST\", \"BZ\", \"CM\", \"DU\"]\n").is_ok());
        let m = err("ignore = [\"XY\"]\n");
        assert!(m.starts_with("r.toml:1:11: unknown rule family `XY`"), "{m}");
        let m = err("[severity]\nin001 = \"off\"\n");
        assert!(m.starts_with("r.toml:2:1:") && m.contains("`IN001`"), "{m}");
        let m = err("select = [\"row-field-count-mismatch\"]\n");
        assert!(m.contains("is a rule name; write its code `IN001`"), "{m}");
        let m = err("[columns]\n\"Тел\" = \"phnoe\"\n");
        assert!(m.starts_with("r.toml:2:9: unknown role `phnoe`; did you mean `phone`?"), "{m}");
        let m = err("[survivorship.fields]\nconsent_processing = \"union\"\n");
        assert!(m.contains("most restrictive"), "{m}");
        let m = err("[gate.rules]\nIN999 = { fail = 1 }\n");
        assert!(m.starts_with("r.toml:2:1: unknown rule code `IN999`"), "{m}");
    }

    #[test]
    fn parameter_consistency() {
        let m = err("[params.dedupe]\nreview_threshold = 0.95\n");
        assert!(m.starts_with("r.toml:2:20:") && m.contains("must not be above"), "{m}");
        let m = err("[params]\nregion = \"Russia\"\n");
        assert!(m.starts_with("r.toml:2:10:"), "{m}");
        let m = err("[params]\nas_of = \"31/03/2025\"\n");
        assert!(m.starts_with("r.toml:2:9:"), "{m}");
        let m = err("[gate.rules.IN001]\nwarn = 5\nfail = 2\n");
        assert!(m.starts_with("r.toml:2:8:") && m.contains("warn"), "{m}");
        let e =
            Config::load(&[], &Overrides { region: Some("Russia".into()), ..Overrides::default() });
        assert!(matches!(e, Err(Error::Usage(m)) if m.starts_with("--region Russia")));
    }

    #[test]
    fn user_rule_errors_point_at_the_field() {
        let m = err(
            "[[rule]]\ncode = \"U001\"\nkind = \"regex\"\ncolumn = \"x\"\npattern = \"[0-9\"\n",
        );
        assert!(m.starts_with("r.toml:5:11: bad regular expression"), "{m}");
        let m = err("[[rule]]\ncode = \"X1\"\nkind = \"required\"\ncolumn = \"x\"\n");
        assert!(m.starts_with("r.toml:2:8: user rule codes are `U`"), "{m}");
        let m = err(
            "[[rule]]\ncode = \"U001\"\nkind = \"required\"\ncolumn = \"x\"\npattern = \"a\"\n",
        );
        assert!(m.starts_with("r.toml:5:11: `pattern` does not apply"), "{m}");
        let m = err("[[rule]]\ncode = \"U001\"\nkind = \"sometimes\"\ncolumn = \"x\"\n");
        assert!(m.starts_with("r.toml:3:8:") && m.contains("sometimes"), "{m}");
        let m = err("[[rule]]\ncode = \"U001\"\nkind = \"required\"\ncolumn = \"x\"\n\
             [[rule]]\ncode = \"U001\"\nkind = \"unique\"\ncolumn = \"y\"\n");
        assert!(m.starts_with("r.toml:6:8: rule code `U001` is defined twice"), "{m}");
        let m =
            err("[[rule]]\ncode = \"U001\"\nkind = \"length\"\ncolumn = \"x\"\nmin = 5\nmax = 2\n");
        assert!(m.starts_with("r.toml:5:7: min (5) is above max (2)"), "{m}");
        let m = err("[[rule]]\ncode = \"U001\"\nkind = \"date_order\"\ncolumns = [\"a\"]\n");
        assert!(m.starts_with("r.toml:4:11:") && m.contains("two columns"), "{m}");
        let m = err("[[rule]]\ncode = \"U001\"\nkind = \"required\"\n");
        assert!(m.contains("names no column"), "{m}");
        // A user code may be selected and re-graded.
        let c = load(
            "ignore = [\"U001\"]\n[severity]\nU002 = \"error\"\n\
             [[rule]]\ncode = \"U001\"\nkind = \"required\"\ncolumn = \"x\"\n\
             [[rule]]\ncode = \"U002\"\nkind = \"unique\"\ncolumn = \"x\"\n",
        )
        .unwrap();
        assert_eq!(c.user_rules.len(), 2);
        assert!(!c.selection.enabled("U001"));
    }

    #[test]
    fn later_file_replaces_a_user_rule_with_the_same_code() {
        let a = layer("a.toml", "[[rule]]\ncode = \"U001\"\nkind = \"required\"\ncolumn = \"x\"\n");
        let b = layer("b.toml", "[[rule]]\ncode = \"U001\"\nkind = \"unique\"\ncolumn = \"y\"\n");
        let c = Config::load(&[a, b], &Overrides::default()).unwrap();
        assert_eq!(c.user_rules.len(), 1);
        assert_eq!(c.user_rules[0].kind, UserRuleKind::Unique);
        assert_eq!(c.user_rules[0].location, "b.toml:2:8");
    }

    #[test]
    fn several_errors_are_reported_together() {
        let m = err("select = [\"IN00X\"]\n[columns]\nA = \"nope\"\n");
        assert_eq!(m.lines().count(), 2, "{m}");
    }

    #[test]
    fn missing_values_extend_and_replace() {
        let c = load("extend_missing_values = [\"  Нет  Данных \", \"xxx\"]").unwrap();
        assert!(c.is_missing("XXX") && c.is_missing("нет данных") && c.is_missing("-"));
        let c = load("missing_values = [\"xxx\"]").unwrap();
        assert!(c.is_missing("xxx") && !c.is_missing("-") && c.is_missing("  "));
        assert!(MissingValues::applies_to(Role::Phone));
        assert!(!MissingValues::applies_to(Role::ConsentProcessing));
    }

    #[test]
    fn blanking_touches_only_role_columns() {
        let c = Config::default();
        let headers: Vec<String> = ["Телефон", "Комментарий", "Согласие на обработку ПД"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let map = ColumnMap::resolve(&headers, &[]);
        let rec = Record::from(vec!["нет", "нет", "нет"]);
        let out = c.missing_values.blank(&rec, &map).unwrap();
        assert_eq!(out, Record::from(vec!["", "нет", "нет"]));
        assert!(c.missing_values.blank(&Record::from(vec!["+7", "-", ""]), &map).is_none());
    }

    #[test]
    fn thresholds() {
        assert!(Threshold::Count(0).exceeded(1, 10));
        assert!(!Threshold::Count(1).exceeded(1, 10));
        assert!(Threshold::Percent(5.0).exceeded(6, 100));
        assert!(!Threshold::Percent(5.0).exceeded(5, 100));
        assert!(!Threshold::Percent(0.0).exceeded(0, 0));
        let c =
            load("[gate.rules]\nIN = { warn = \"1.5%\", fail = 3 }\nIN004 = { fail = \"0%\" }\n")
                .unwrap();
        let t = c.gate.thresholds("IN001").unwrap();
        assert_eq!(t.warn, Some(Threshold::Percent(1.5)));
        assert_eq!(t.fail, Some(Threshold::Count(3)));
        assert_eq!(c.gate.thresholds("IN004").unwrap().fail, Some(Threshold::Percent(0.0)));
        assert_eq!(c.gate.thresholds("PH001"), None);
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\nйц = x", 0), (1, 1));
        assert_eq!(line_col("ab\nйц = x", 3), (2, 1));
        assert_eq!(line_col("ab\nйц = x", 7), (2, 3));
        assert_eq!(line_col("ab", 99), (1, 3));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Any text, and any damage to a real file, gives a config or an error: never a panic.
        #[test]
        fn loading_never_panics(text in "\\PC{0,200}", cut in 0usize..4000, insert in "[\\[\\]=\"#a-zA-Z0-9 .\n]{0,8}") {
            let _ = load(&text);
            let mut damaged = DEFAULT_RULES.to_string();
            let mut at = cut.min(damaged.len());
            while !damaged.is_char_boundary(at) {
                at -= 1;
            }
            damaged.insert_str(at, &insert);
            let _ = load(&damaged);
        }

        /// The quick rejections never change the answer of folding and looking up.
        #[test]
        fn missing_values_answer_as_folding_does(
            tokens in proptest::collection::vec("[-nNнНİK\u{212A}kx?.1+ ]{0,6}", 0..6),
            value in "[-nNнНİK\u{212A}kx?.1+ \t]{0,12}",
        ) {
            let set = MissingValues::new(tokens.iter().map(String::as_str));
            let t = value.trim();
            let folded = fold_token(t);
            let expected = t.is_empty() || set.folded.contains(&folded);
            proptest::prop_assert_eq!(set.is_missing(&value), expected, "{:?} in {:?}", value, tokens);
            // So does each token, recased and respaced (mostly hits).
            for token in &tokens {
                let spaced = format!("  {}\t", token.to_uppercase().replace(' ', "  "));
                let hit = set.is_missing(&spaced);
                let expected = spaced.trim().is_empty() || set.folded.contains(&fold_token(&spaced));
                proptest::prop_assert_eq!(hit, expected, "{:?}", spaced);
            }
        }
    }

    #[test]
    fn schema_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.schema.json");
        let fresh = json_schema();
        if std::env::var_os("STEWARD_BLESS").is_some() {
            std::fs::write(path, &fresh).expect("write docs/rules.schema.json");
            return;
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == fresh,
            "docs/rules.schema.json is stale: run `STEWARD_BLESS=1 cargo test --lib rules::config`"
        );
    }
}
