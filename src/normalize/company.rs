//! Companies: the stored name, a match key without legal forms and quotes, and the INN.
//!
//! **Quotes are kept as typed in the stored name.** The registered name in ЕГРЮЛ and in
//! 1C exports uses straight quotes (`ООО "Ромашка"`), typography prefers `«»`, and both are
//! correct; rewriting them would touch nearly every row of a base (and every round trip to
//! the source system) without making two records match better, since the match key
//! ([`company_key`]) ignores quotes anyway. Only unambiguous defects are fixed: whitespace,
//! CSV-doubled quotes (`""Ромашка""`), spaces just inside quotes, and a legal-form
//! abbreviation typed in lower case (`ооо` → `ООО`, `llc` → `LLC`).

use std::sync::LazyLock;

use crate::finding::{Issue, Severity};
use crate::rules::meta::{FixKind, RuleMeta};

/// What an INN identifies, from its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InnKind {
    /// 10 digits: an organisation (юридическое лицо).
    LegalEntity,
    /// 12 digits: a natural person, including an individual entrepreneur (ИП).
    Individual,
}

/// Result of normalizing one INN cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InnCell {
    /// Value to write back: the digits alone when the cell holds digits (spaces, `ИНН:`
    /// labels, an Excel `'` or `.0` removed), the raw value when it holds anything else, `""`
    /// for an empty cell.
    pub value: String,
    /// Set only when the INN has a valid length and checksum.
    pub kind: Option<InnKind>,
    /// What was changed or found.
    pub issues: Vec<Issue>,
}

/// Result of normalizing one company-name cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyCell {
    /// Value to write back: the name with whitespace and obvious quote defects fixed (quotes
    /// otherwise as typed); the raw value when no name is left; `""` for an empty cell.
    pub value: String,
    /// Canonical abbreviation of the legal form found at the start or end (`ООО`, `LLC`).
    /// `ООО Ромашка` and `АО Ромашка` are different companies: compare it beside the key.
    pub legal_form: Option<&'static str>,
    /// What was changed or found.
    pub issues: Vec<Issue>,
}

/// Rules emitted by this module.
pub static RULES: &[RuleMeta] = &[
    RuleMeta {
        code: "CO001",
        name: "inn-invalid-checksum",
        summary: "The INN's check digits do not match.",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks
The control digits of a 10-digit (organisation) or 12-digit (individual) INN, with the
weights of the Federal Tax Service (order of the Ministry of Finance of 29.06.2012
No. ММВ-7-6/435@): for 10 digits, the sum of the first nine times
`2 4 10 3 5 9 4 6 8`, modulo 11, modulo 10, must equal the tenth; for 12 digits, the
first ten times `7 2 4 10 3 5 9 4 6 8` give the 11th digit and the first eleven times
`3 7 2 4 10 3 5 9 4 6 8` the 12th.

## Why it matters
One mistyped digit makes an INN that belongs to nobody (or to someone else): invoices,
counterparty checks and deduplication by INN, the strongest company key, all fail.

## Example
`7707083894` (the valid INN is `7707083893`).

## Fix
None: take the INN from the contract or the registry.

## Options
None.",
    },
    RuleMeta {
        code: "CO002",
        name: "inn-wrong-length",
        summary: "The INN has neither 10 nor 12 digits.",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks
INN cells whose digits number neither 10 (organisation) nor 12 (individual or ИП), once
spaces and labels are removed, and that are not explained by a lost leading zero
(CO004).

## Why it matters
Such a value is not an INN: often a KPP (9 digits), an OGRN (13) or OGRNIP (15), or a
phone number typed into the wrong column.

## Example
`770708389`, `1027700132195` (an OGRN).

## Fix
None: check the source.

## Options
None.",
    },
    RuleMeta {
        code: "CO003",
        name: "company-reformatted",
        summary: "Company name whitespace, doubled quotes or legal-form case were normalized.",
        default_severity: Severity::Info,
        fix: FixKind::Safe,
        since: "0.1.0",
        doc: "## What it checks
Company names with leading, trailing or repeated spaces (including non-breaking ones),
quotes doubled by CSV escaping (`\"\"Ромашка\"\"`), spaces just inside quotes
(`« Ромашка »`), or a legal-form abbreviation typed in lower case (`ооо`, `llc`). Quote
style itself is kept as typed: `\"Ромашка\"` and `«Ромашка»` are both correct, and the match
key ignores them.

## Why it matters
Exact lookups, sorting and exports to accounting systems treat such variants as different
names.

## Example
`ооо   \"\"Ромашка\"\" ` → `ООО \"Ромашка\"`

## Fix
Safe: the cleaned name replaces the cell.

## Options
None.",
    },
    RuleMeta {
        code: "CO004",
        name: "inn-leading-zero-lost",
        summary: "The INN lost its leading zero (9 or 11 digits); with it, the checksum is valid.",
        default_severity: Severity::Warning,
        fix: FixKind::Unsafe,
        since: "0.1.0",
        doc: "## What it checks
INNs with 9 or 11 digits that become valid (correct checksum) when a leading `0` is put
back. INNs of regions 01–09 (Adygea, Bashkortostan, …) start with `0`, and spreadsheets
that store the INN as a number drop it.

## Why it matters
The value no longer matches the registry or the same company elsewhere in the base.

## Example
`274062111` → `0274062111`

## Fix
Unsafe: the padded INN is given as a suggestion, applied only on request (a random
9-digit number passes with probability 1/10, an 11-digit one 1/100).

## Options
None.",
    },
    RuleMeta {
        code: "CO005",
        name: "inn-malformed",
        summary: "The INN cell contains characters other than digits.",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks
INN cells that still hold letters or symbols after spaces, dashes, an `ИНН`/`INN` label,
an Excel `'` prefix or `.0` suffix are removed, including Excel's rounded scientific
notation (`5.00101E+11`), which has lost digits.

## Why it matters
The value cannot be used to identify the counterparty.

## Example
`77O7083893` (letter O), `ИНН/КПП 7707083893/773601001`, `5.00101E+11`

## Fix
None: the raw value is kept for review.

## Options
None.",
    },
    RuleMeta {
        code: "CO006",
        name: "inn-placeholder",
        summary: "The INN is a placeholder such as 0000000000 or 1234567890.",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks
INNs made of one repeated digit (`0000000000` even passes the checksum) or of the digit
sequence `1234567890…`.

## Why it matters
Operators fill a mandatory field with such values; they then merge unrelated companies
in deduplication by INN.

## Example
`0000000000`, `111111111111`

## Fix
None: clear the cell or fill in the real INN.

## Options
None.",
    },
    RuleMeta {
        code: "CO007",
        name: "inn-reformatted",
        summary: "Spaces, dashes, a label or Excel artefacts were removed from the INN.",
        default_severity: Severity::Info,
        fix: FixKind::Safe,
        since: "0.1.0",
        doc: "## What it checks
INN cells holding more than the digits: spaces or dashes between groups, an
`ИНН:`/`INN` label, Excel's text marker `'` or a numeric `.0` suffix, or lossless
scientific notation.

## Why it matters
Lookups and deduplication by INN compare exact strings.

## Example
`ИНН 7707 083 893` → `7707083893`

## Fix
Safe: the digits replace the cell.

## Options
None.",
    },
    RuleMeta {
        code: "CO008",
        name: "company-name-missing",
        summary: "The company cell holds no name: only a legal form, quotes or a placeholder.",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks
Company-name cells that are left with nothing once the legal form, quotes and
punctuation are removed (`ООО`, `ИП \"\"`), or that hold a placeholder (`нет`, `-`,
`n/a`, `не указано`).

## Why it matters
B2B records need the counterparty's name; such rows cannot be matched or invoiced.

## Example
`ООО`, `-`

## Fix
None: the raw value is kept for review.

## Options
None.",
    },
];

// ---------------------------------------------------------------------------------------
// INN.

const W10: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const W11: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const W12: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

fn check_digit(digits: &[u8], weights: &[u32]) -> u8 {
    let sum: u32 =
        digits.iter().zip(weights).map(|(&d, &w)| u32::from(d.wrapping_sub(b'0')) * w).sum();
    u8::try_from(sum % 11 % 10).unwrap_or(0) + b'0'
}

/// Whether `digits` (ASCII digits only) is a 10- or 12-digit INN with valid check digits.
pub fn inn_checksum_ok(digits: &str) -> bool {
    let d = digits.as_bytes();
    if !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    match d.len() {
        10 => d.get(9) == Some(&check_digit(d, &W10)),
        12 => d.get(10) == Some(&check_digit(d, &W11)) && d.get(11) == Some(&check_digit(d, &W12)),
        _ => false,
    }
}

/// Strips labels, separators and Excel artefacts; `None` if something else remains.
fn inn_digits(s: &str) -> Option<String> {
    let mut s = s.trim();
    let lower_prefix: String = s.chars().take(3).flat_map(char::to_lowercase).collect();
    if lower_prefix == "инн" || lower_prefix == "inn" {
        s = s.get(s.char_indices().nth(3).map_or(s.len(), |(i, _)| i)..).unwrap_or("");
        s = s.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '№' | '#' | '.'));
    }
    let s = s.strip_prefix('\'').unwrap_or(s);
    if let Some(d) = scientific(s) {
        return Some(d);
    }
    let s = s.strip_suffix(".0").or_else(|| s.strip_suffix(",0")).unwrap_or(s);
    let mut out = String::with_capacity(12);
    for c in s.chars() {
        if c.is_ascii_digit() {
            out.push(c);
        } else if !(c.is_whitespace()
            || matches!(c, '-' | '\u{2010}'..='\u{2014}' | '\u{200B}' | '\u{FEFF}'))
        {
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// `7.707083893E+09` → `7707083893`, only when every digit is shown (Excel's rounded
/// `5.00101E+11` has lost digits and is left to be reported as malformed).
fn scientific(s: &str) -> Option<String> {
    let (mant, exp) = s.split_once(['e', 'E'])?;
    let exp: usize = exp.strip_prefix('+').unwrap_or(exp).parse().ok()?;
    let (int, frac) = mant.split_once(['.', ',']).unwrap_or((mant, ""));
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    if int.len() != 1 || frac.len() != exp || !digits(int) || !digits(frac) {
        return None;
    }
    Some(format!("{int}{frac}"))
}

fn is_placeholder_inn(d: &str) -> bool {
    let first = d.as_bytes().first().copied();
    d.bytes().all(|b| Some(b) == first) || "1234567890123".starts_with(d)
}

/// Normalizes an INN cell: strips spaces, dashes, `ИНН:` labels and Excel artefacts, then
/// checks the length (10 or 12 digits) and the check digits. Never panics; an empty cell
/// gives `""` and no issue.
pub fn normalize_inn(raw: &str) -> InnCell {
    if raw.trim().is_empty() {
        return InnCell { value: String::new(), kind: None, issues: Vec::new() };
    }
    let Some(digits) = inn_digits(raw) else {
        return InnCell {
            value: raw.to_string(),
            kind: None,
            issues: vec![Issue::new("CO005", "INN contains characters other than digits.")],
        };
    };
    let mut issues = Vec::new();
    if digits != raw {
        issues.push(Issue::with_suggestion("CO007", "INN reduced to its digits.", digits.clone()));
    }
    let mut kind = None;
    let n = digits.len();
    if is_placeholder_inn(&digits) && (n == 10 || n == 12) {
        issues.push(Issue::new("CO006", "INN is a placeholder, not a real number."));
    } else if n == 10 || n == 12 {
        if inn_checksum_ok(&digits) {
            kind = Some(if n == 10 { InnKind::LegalEntity } else { InnKind::Individual });
        } else {
            issues.push(Issue::new("CO001", "INN check digits do not match."));
        }
    } else {
        let padded = format!("0{digits}");
        if (n == 9 || n == 11) && inn_checksum_ok(&padded) && !is_placeholder_inn(&padded) {
            issues.push(Issue::with_suggestion(
                "CO004",
                format!("INN has {n} digits; with the leading zero restored it is valid."),
                padded,
            ));
        } else {
            issues.push(Issue::new("CO002", format!("INN has {n} digits; expected 10 or 12.")));
        }
    }
    InnCell { value: digits, kind, issues }
}

// ---------------------------------------------------------------------------------------
// Company names.

const LEGAL_FORMS_DATA: &str = include_str!("../../data/legal_forms.txt");

struct LegalForm {
    canonical: &'static str,
    /// Russian forms open a name (`ООО Ромашка`) or close it (`Банк ВТБ (ПАО)`); Latin ones
    /// only close it, so that `AB InBev` or `SE Ranking` keep their first word.
    at_start: bool,
    /// Key tokens of one written variant.
    tokens: Vec<String>,
}

/// All variants of all legal forms, longest first (file order among equals).
static LEGAL_FORMS: LazyLock<Vec<LegalForm>> = LazyLock::new(|| {
    let mut forms = Vec::new();
    for line in LEGAL_FORMS_DATA.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.split('|').map(str::trim);
        let Some(canonical) = fields.next() else { continue };
        for variant in std::iter::once(canonical).chain(fields) {
            let tokens = key_tokens(variant);
            if !tokens.is_empty() {
                let at_start = canonical.chars().any(|c| matches!(c, '\u{0400}'..='\u{04FF}'));
                forms.push(LegalForm { canonical, at_start, tokens });
            }
        }
    }
    forms.sort_by_key(|f| std::cmp::Reverse(f.tokens.len()));
    forms
});

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '‘' | '’' | '`')
}

/// Lower-case, `ё`→`е`, dots and apostrophes removed, quotes and other punctuation split
/// words.
fn key_tokens(s: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                cur.push(if l == 'ё' { 'е' } else { l });
            }
        } else if is_apostrophe(c) || c == '.' || unicode_normalization::char::is_combining_mark(c)
        {
            // Dropped without splitting: `L.L.C.` = `LLC`, `McDonald's` = `McDonalds`.
        } else if !cur.is_empty() {
            tokens.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        tokens.push(cur);
    }
    tokens
}

/// Removes legal forms from both ends; returns the first one found (start before end).
fn strip_legal_forms(tokens: &mut Vec<String>) -> Option<&'static str> {
    let mut found = None;
    loop {
        let mut changed = false;
        for form in LEGAL_FORMS.iter() {
            let n = form.tokens.len();
            if form.at_start && tokens.len() > n && tokens.starts_with(&form.tokens) {
                tokens.drain(..n);
                found = found.or(Some(form.canonical));
                changed = true;
                break;
            }
        }
        for form in LEGAL_FORMS.iter() {
            let n = form.tokens.len();
            if tokens.len() > n && tokens.ends_with(&form.tokens) {
                tokens.truncate(tokens.len() - n);
                found = found.or(Some(form.canonical));
                changed = true;
                break;
            }
        }
        if !changed {
            return found;
        }
    }
}

/// Match key of a company name: lower-case, `ё`→`е`, quotes of every kind and
/// punctuation removed, legal forms (`ООО`, `Общество с ограниченной ответственностью`,
/// `LLC`, `Inc`, `GmbH`, …; see `data/legal_forms.txt`) removed from both ends.
/// `ООО «Ромашка»`, `"Ромашка" ООО` and `Общество с ограниченной ответственностью "Ромашка"`
/// all give `ромашка`. A cell that is only a legal form keeps it (`ооо`), so that it does not
/// collide with empty cells.
pub fn company_key(s: &str) -> String {
    let mut tokens = key_tokens(s);
    strip_legal_forms(&mut tokens);
    // `strip_legal_forms` always leaves at least one token.
    tokens.join(" ")
}

const COMPANY_PLACEHOLDERS: &[&str] = &[
    "нет",
    "не указано",
    "неизвестно",
    "n/a",
    "na",
    "none",
    "null",
    "-",
    "--",
    "—",
    "test",
    "тест",
    "?",
];

fn collapse_whitespace(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for word in raw.split(|c: char| c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}')) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// `""X""` → `"X"`: CSV escaping applied twice.
fn undouble_quotes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '"' && out.ends_with('"') {
            continue;
        }
        out.push(c);
    }
    out
}

/// Removes spaces just inside quotes: `« X »` → `«X»`, `" X "` → `"X"` (straight quotes
/// alternate opening and closing, so only when they are balanced).
fn tighten_quotes(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let balanced = chars.iter().filter(|&&c| c == '"').count() % 2 == 0;
    let mut straight_open = false;
    let mut out = String::with_capacity(s.len());
    let mut opening_before = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next = chars.get(i + 1).copied();
            let closing_next = match next {
                Some('»' | '“' | '”') => true,
                Some('"') => balanced && straight_open,
                _ => false,
            };
            if opening_before || closing_next {
                continue;
            }
        }
        opening_before = match c {
            '«' | '„' => true,
            '"' if balanced => {
                straight_open = !straight_open;
                straight_open
            }
            ' ' => opening_before,
            _ => false,
        };
        out.push(c);
    }
    out
}

/// Upper-cases a legal-form abbreviation typed all in lower case, at the start or end.
fn case_legal_forms(s: &str) -> String {
    let words: Vec<&str> = s.split(' ').collect();
    let last = words.len().saturating_sub(1);
    let mut out = String::with_capacity(s.len());
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let core = w.trim_matches(|c: char| !c.is_alphanumeric());
        let all_lower =
            core.chars().any(char::is_alphabetic) && !core.chars().any(char::is_uppercase);
        let replacement = if (i == 0 || i == last) && all_lower && !core.contains('.') {
            LEGAL_FORMS
                .iter()
                .find(|f| f.tokens.len() == 1 && f.tokens.first().is_some_and(|t| t == core))
                .map(|f| f.canonical)
                .filter(|c| !c.contains(' ') && c.to_lowercase().replace('.', "") == core)
        } else {
            None
        };
        match (replacement, w.find(core)) {
            (Some(canon), Some(pos)) if !core.is_empty() => {
                out.push_str(w.get(..pos).unwrap_or(""));
                out.push_str(canon);
                out.push_str(w.get(pos + core.len()..).unwrap_or(""));
            }
            _ => out.push_str(w),
        }
    }
    out
}

/// Normalizes a company-name cell for storage (see the module doc for what is changed and
/// why quotes are kept) and reports the legal form. Never panics; an empty cell gives `""`.
pub fn normalize_company(raw: &str) -> CompanyCell {
    let collapsed = collapse_whitespace(raw);
    if collapsed.is_empty() {
        return CompanyCell { value: String::new(), legal_form: None, issues: Vec::new() };
    }
    let mut tokens = key_tokens(&collapsed);
    let legal_form = strip_legal_forms(&mut tokens);
    let lower = collapsed.to_lowercase();
    let only_form = legal_form.is_none() && tokens.len() == 1 && {
        let t = tokens.first().map(String::as_str).unwrap_or("");
        LEGAL_FORMS.iter().any(|f| f.tokens.len() == 1 && f.tokens.first().is_some_and(|x| x == t))
    };
    if tokens.is_empty() || only_form || COMPANY_PLACEHOLDERS.contains(&lower.as_str()) {
        return CompanyCell {
            value: raw.to_string(),
            legal_form: None,
            issues: vec![Issue::new("CO008", "Company cell holds no name.")],
        };
    }
    // Repeat to a fixed point: tightening can bring two quotes together, undoubling can
    // change which straight quote opens. Each step only shortens or re-cases the text.
    let mut value = collapsed;
    for _ in 0..8 {
        let next = case_legal_forms(&tighten_quotes(&undouble_quotes(&value)));
        if next == value {
            break;
        }
        value = next;
    }
    let issues = if value != raw {
        vec![Issue::with_suggestion("CO003", "Company name reformatted.", value.clone())]
    } else {
        Vec::new()
    };
    CompanyCell { value, legal_form, issues }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(issues: &[Issue]) -> Vec<&'static str> {
        issues.iter().map(|i| i.code).collect()
    }

    #[test]
    fn inn_cases() {
        use InnKind::*;
        let cases: &[(&str, &str, Option<InnKind>, &[&str])] = &[
            ("7707083893", "7707083893", Some(LegalEntity), &[]),
            ("7736207543", "7736207543", Some(LegalEntity), &[]),
            ("500100732259", "500100732259", Some(Individual), &[]),
            ("0274062111", "0274062111", Some(LegalEntity), &[]),
            (" 7707 083 893 ", "7707083893", Some(LegalEntity), &["CO007"]),
            ("7707-083-893", "7707083893", Some(LegalEntity), &["CO007"]),
            ("ИНН 7707083893", "7707083893", Some(LegalEntity), &["CO007"]),
            ("инн: 7707083893", "7707083893", Some(LegalEntity), &["CO007"]),
            ("INN 7707083893", "7707083893", Some(LegalEntity), &["CO007"]),
            ("'7707083893", "7707083893", Some(LegalEntity), &["CO007"]),
            ("7707083893.0", "7707083893", Some(LegalEntity), &["CO007"]),
            ("7.707083893E+09", "7707083893", Some(LegalEntity), &["CO007"]),
            ("7707083894", "7707083894", None, &["CO001"]),
            ("500100732258", "500100732258", None, &["CO001"]),
            ("500100732249", "500100732249", None, &["CO001"]),
            ("770708389", "770708389", None, &["CO002"]),
            ("1027700132195", "1027700132195", None, &["CO002"]),
            ("274062111", "274062111", None, &["CO004"]),
            ("77O7083893", "77O7083893", None, &["CO005"]),
            ("ИНН/КПП 7707083893/773601001", "ИНН/КПП 7707083893/773601001", None, &["CO005"]),
            ("5.00101E+11", "5.00101E+11", None, &["CO005"]),
            ("0000000000", "0000000000", None, &["CO006"]),
            ("111111111111", "111111111111", None, &["CO006"]),
            ("1234567890", "1234567890", None, &["CO006"]),
            ("нет", "нет", None, &["CO005"]),
            ("", "", None, &[]),
            ("  ", "", None, &[]),
        ];
        for (raw, value, kind, want) in cases {
            let cell = normalize_inn(raw);
            assert_eq!(cell.value, *value, "value of {raw:?}");
            assert_eq!(cell.kind, *kind, "kind of {raw:?}");
            assert_eq!(codes(&cell.issues), *want, "codes of {raw:?}");
        }
        assert_eq!(
            normalize_inn("274062111").issues.first().and_then(|i| i.suggestion.as_deref()),
            Some("0274062111")
        );
    }

    #[test]
    fn company_names() {
        let cases: &[(&str, &str, Option<&str>, &[&str])] = &[
            ("ООО \"Ромашка\"", "ООО \"Ромашка\"", Some("ООО"), &[]),
            ("ООО «Ромашка»", "ООО «Ромашка»", Some("ООО"), &[]),
            ("  ооо   \"\"Ромашка\"\" ", "ООО \"Ромашка\"", Some("ООО"), &["CO003"]),
            ("ООО « Ромашка »", "ООО «Ромашка»", Some("ООО"), &["CO003"]),
            ("ООО \" Ромашка \"", "ООО \"Ромашка\"", Some("ООО"), &["CO003"]),
            (
                "Общество с ограниченной ответственностью \"Ромашка\"",
                "Общество с ограниченной ответственностью \"Ромашка\"",
                Some("ООО"),
                &[],
            ),
            ("Банк ВТБ (ПАО)", "Банк ВТБ (ПАО)", Some("ПАО"), &[]),
            ("ПАО Сбербанк", "ПАО Сбербанк", Some("ПАО"), &[]),
            ("ип Иванов Иван Иванович", "ИП Иванов Иван Иванович", Some("ИП"), &["CO003"]),
            ("Acme, llc", "Acme, LLC", Some("LLC"), &["CO003"]),
            ("Acme LTD", "Acme LTD", Some("Ltd"), &[]),
            ("Siemens gmbh", "Siemens GmbH", Some("GmbH"), &["CO003"]),
            ("Apple Inc.", "Apple Inc.", Some("Inc"), &[]),
            ("Ёлка", "Ёлка", None, &[]),
            ("ООО", "ООО", None, &["CO008"]),
            ("ИП \"\"", "ИП \"\"", None, &["CO008"]),
            ("-", "-", None, &["CO008"]),
            ("нет", "нет", None, &["CO008"]),
            ("", "", None, &[]),
        ];
        for (raw, value, form, want) in cases {
            let cell = normalize_company(raw);
            assert_eq!(cell.value, *value, "value of {raw:?}");
            assert_eq!(cell.legal_form, *form, "legal form of {raw:?}");
            assert_eq!(codes(&cell.issues), *want, "codes of {raw:?}");
        }
    }

    #[test]
    fn company_keys() {
        let same = [
            ("ООО \"Ромашка\"", "ромашка"),
            ("ООО «Ромашка»", "ромашка"),
            ("ооо „Ромашка“", "ромашка"),
            ("\"Ромашка\" ООО", "ромашка"),
            ("Общество с ограниченной ответственностью «Ромашка»", "ромашка"),
            ("АО «Ёлка-Палка»", "елка палка"),
            ("Банк ВТБ (ПАО)", "банк втб"),
            ("Acme, L.L.C.", "acme"),
            ("Acme Inc.", "acme"),
            ("ACME Corp", "acme"),
            ("Acme Co., Ltd.", "acme"),
            ("Siemens Aktiengesellschaft", "siemens"),
            ("Foo GmbH", "foo"),
            ("ИП Иванов И.И.", "иванов ии"),
            ("ООО", "ооо"),
            ("Альфа АО", "альфа"),
            ("ООО\"Ромашка\"", "ромашка"),
            ("AB InBev", "ab inbev"),
            ("McDonald's Corp.", "mcdonalds"),
        ];
        for (raw, key) in same {
            assert_eq!(company_key(raw), key, "{raw}");
        }
        // Forms inside a name stay: only the ends are stripped.
        assert_eq!(company_key("Торговый дом АО Север"), "торговый дом ао север");
        assert_ne!(company_key("ООО Ромашка"), company_key("ООО Ромашка-2"));
    }

    #[test]
    fn checksum_weights() {
        // Recompute check digits for a range of prefixes and confirm validation agrees.
        for prefix in [770708389u64, 27406211, 123456789, 999999998] {
            let p = format!("{prefix:09}");
            let d = check_digit(p.as_bytes(), &W10);
            let inn = format!("{p}{}", char::from(d));
            assert!(inn_checksum_ok(&inn), "{inn}");
            let wrong = format!("{p}{}", (d - b'0' + 1) % 10);
            assert!(!inn_checksum_ok(&wrong), "{wrong}");
        }
        assert!(!inn_checksum_ok("77070838９3"));
        assert!(!inn_checksum_ok(""));
    }

    #[test]
    fn rules_declared() {
        for code in ["CO001", "CO002", "CO003", "CO004", "CO005", "CO006", "CO007", "CO008"] {
            assert!(RULES.iter().any(|r| r.code == code), "{code} not declared");
        }
        for r in RULES {
            for section in
                ["## What it checks", "## Why it matters", "## Example", "## Fix", "## Options"]
            {
                assert!(r.doc.contains(section), "{} lacks {section}", r.code);
            }
        }
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn inn_idempotent(s in "[0-9 \\-'.Ee+ИННinn:]{0,20}") {
                let once = normalize_inn(&s);
                let twice = normalize_inn(&once.value);
                prop_assert_eq!(&twice.value, &once.value);
                prop_assert_eq!(twice.kind, once.kind);
                prop_assert!(twice.issues.iter().all(|i| i.code != "CO007"));
            }

            #[test]
            fn company_idempotent(s in "[ ООАИПЛЛСооаипa-zA-Z«»\"„“().,\\-]{0,30}") {
                let once = normalize_company(&s);
                let twice = normalize_company(&once.value);
                prop_assert_eq!(&twice.value, &once.value);
                prop_assert!(twice.issues.iter().all(|i| i.code != "CO003"));
                if once.issues.iter().all(|i| i.code != "CO008") {
                    prop_assert_eq!(company_key(&once.value), company_key(&s));
                }
            }

            #[test]
            fn never_panics(s in any::<String>()) {
                let inn = normalize_inn(&s);
                prop_assert_eq!(normalize_inn(&inn.value).value, inn.value);
                let co = normalize_company(&s);
                prop_assert_eq!(normalize_company(&co.value).value, co.value);
                let _ = company_key(&s);
            }
        }
    }
}
