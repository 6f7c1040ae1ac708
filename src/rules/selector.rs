//! Rule selectors as written in `select`, `ignore`, `[severity]` and `[gate.rules]`:
//! `ALL`, a family prefix (`PH`, `CP`, `PH0`) or an exact code (`PH002`, `U001`).
//!
//! Exact codes are checked against the registry (and the user rules) when a rules file is
//! loaded; prefixes only need a known family, so a preset may name a family whose rules are
//! not written yet.

use std::fmt;

/// Every rule family prefix steward knows, with what it covers. `U` is reserved for user rules.
pub const FAMILIES: &[(&str, &str)] = &[
    ("IN", "input: rows that could not be read"),
    ("SC", "schema: columns and headers"),
    ("PH", "phone numbers"),
    ("EM", "email addresses"),
    ("NM", "person names"),
    ("DT", "dates"),
    ("CO", "company names and INN"),
    ("CM", "completeness: required fields per kind of base"),
    ("ST", "staleness and lifecycle: inactive clients, old leads, retention"),
    ("CP", "consent and compliance (152-FZ, 38-FZ, GDPR)"),
    ("BZ", "business rules: one manager per client, contact frequency"),
    ("DU", "duplicates"),
    ("U", "user rules from [[rule]] tables"),
];

/// A parsed selector.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Selector {
    /// Every rule.
    All,
    /// Every rule whose code starts with this prefix (`PH`, `PH0`, `U`).
    Prefix(String),
    /// One rule.
    Code(String),
}

/// Why a selector string is not a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectorError {
    /// Not shaped like a code or prefix at all (lower case, a rule name, punctuation…).
    Malformed,
    /// Shaped like a prefix, but its letters are not a known family.
    UnknownFamily,
}

impl Selector {
    /// Parses `ALL`, `PH`, `PH0`, `PH00`, `PH002`, `U`, `U001`. Only the shape is checked here;
    /// whether an exact code exists is the caller's business (it depends on the registry and
    /// on user rules).
    pub fn parse(s: &str) -> Result<Selector, SelectorError> {
        if s == "ALL" {
            return Ok(Selector::All);
        }
        let letters = s.chars().take_while(char::is_ascii_uppercase).count();
        let (family, digits) = s.split_at(letters);
        if letters == 0 || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 3 {
            return Err(SelectorError::Malformed);
        }
        if !FAMILIES.iter().any(|(f, _)| *f == family) {
            return Err(SelectorError::UnknownFamily);
        }
        Ok(if digits.len() == 3 {
            Selector::Code(s.to_string())
        } else {
            Selector::Prefix(s.into())
        })
    }

    /// Whether the selector covers `code`.
    pub fn matches(&self, code: &str) -> bool {
        match self {
            Selector::All => true,
            Selector::Prefix(p) => {
                // `P` must not cover `PH002`: a prefix of letters covers only its own family.
                code.starts_with(p.as_str()) && {
                    let family_len = code.chars().take_while(char::is_ascii_uppercase).count();
                    p.chars().take_while(char::is_ascii_uppercase).count() == family_len
                }
            }
            Selector::Code(c) => c == code,
        }
    }

    /// How specific the selector is: a longer selector beats a shorter one (ruff's rule).
    pub fn specificity(&self) -> usize {
        match self {
            Selector::All => 0,
            Selector::Prefix(p) | Selector::Code(p) => p.len(),
        }
    }

    /// Whether the selector names user rules specifically (`U`, `U0`, `U001`), not through `ALL`.
    pub fn is_user(&self) -> bool {
        match self {
            Selector::All => false,
            Selector::Prefix(p) | Selector::Code(p) => p.starts_with('U'),
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::All => f.write_str("ALL"),
            Selector::Prefix(p) | Selector::Code(p) => f.write_str(p),
        }
    }
}

/// Whether `code` is shaped like a user rule code (`U` + three digits).
pub fn is_user_code(code: &str) -> bool {
    code.len() == 4 && code.starts_with('U') && code[1..].chars().all(|c| c.is_ascii_digit())
}

/// The most similar candidate to `input`, if any is similar enough to suggest.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let upper = input.to_ascii_uppercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&upper, &c.to_ascii_uppercase());
        // Ties keep the first candidate, so suggestions follow registry order.
        if score >= 0.75 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_shapes() {
        assert_eq!(Selector::parse("ALL"), Ok(Selector::All));
        assert_eq!(Selector::parse("PH"), Ok(Selector::Prefix("PH".into())));
        assert_eq!(Selector::parse("PH0"), Ok(Selector::Prefix("PH0".into())));
        assert_eq!(Selector::parse("PH002"), Ok(Selector::Code("PH002".into())));
        assert_eq!(Selector::parse("U001"), Ok(Selector::Code("U001".into())));
        assert_eq!(Selector::parse("U"), Ok(Selector::Prefix("U".into())));
        assert_eq!(Selector::parse("ph002"), Err(SelectorError::Malformed));
        assert_eq!(Selector::parse("PH0021"), Err(SelectorError::Malformed));
        assert_eq!(Selector::parse("phone-invalid"), Err(SelectorError::Malformed));
        assert_eq!(Selector::parse(""), Err(SelectorError::Malformed));
        assert_eq!(Selector::parse("all"), Err(SelectorError::Malformed));
        assert_eq!(Selector::parse("XX"), Err(SelectorError::UnknownFamily));
        assert_eq!(Selector::parse("P"), Err(SelectorError::UnknownFamily));
    }

    #[test]
    fn matching_respects_family_boundaries() {
        let ph = Selector::parse("PH").unwrap();
        assert!(ph.matches("PH002"));
        assert!(!ph.matches("EM001"));
        let u = Selector::parse("U").unwrap();
        assert!(u.matches("U001"));
        let ph0 = Selector::parse("PH0").unwrap();
        assert!(ph0.matches("PH002"));
        assert!(!ph0.matches("PH102"));
        assert!(Selector::All.matches("ZZ999"));
        assert!(Selector::parse("PH002").unwrap().specificity() > ph.specificity());
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("IN01", ["IN001", "IN002", "PH002"]), Some("IN001"));
        assert_eq!(did_you_mean("in004", ["IN001", "IN004"]), Some("IN004"));
        assert_eq!(did_you_mean("zzzz", ["IN001"]), None);
        assert!(is_user_code("U001"));
        assert!(!is_user_code("U01"));
        assert!(!is_user_code("UX01"));
    }
}
