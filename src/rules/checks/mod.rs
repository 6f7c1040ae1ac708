//! Domain checks over normalized rows: completeness by profile (`CM`), lifecycle (`ST`),
//! consent and personal-data law (`CP`) and the business rules of keeping a base (`BZ`).
//!
//! Everything here is pure: rows in, [`CellIssue`]s out. Row checks ([`check_row`]) see one
//! record; table checks ([`check_table`]) see all rows (clusters, contact log, headers).
//! Values are expected normalized (dates `YYYY-MM-DD`, phones E.164, emails normalized), but
//! the checks stay tolerant of raw values so they can run before the normalizers exist.
//!
//! Row-level findings (no single cell is wrong) carry the column [`ROW_COLUMN`] (the whole row);
//! table-level findings about a column are placed on row index 0 and that column.

pub mod business;
pub mod completeness;
pub mod consent;
pub mod lifecycle;

use crate::record::Record;
use chrono::NaiveDate;

use crate::finding::Severity;
use crate::normalize::CellIssue;
use crate::roles::{ColumnMap, Role};
use crate::rules::meta::RuleMeta;
use crate::rules::registry;

pub use business::{Channel, ContactCap, ContactEvent, ContactLog, ContactLogError};
pub use completeness::{ClientProfile, client_profile};
pub use consent::{Contactability, KeyNormalizer, SuppressionList, contactability};
pub use lifecycle::{Segment, segment};

/// The four rule families of this module, in listing order (for the registry).
pub fn families() -> [&'static [RuleMeta]; 4] {
    [completeness::RULES, lifecycle::RULES, consent::RULES, business::RULES]
}

/// One normalized row as the checks see it.
#[derive(Debug, Clone, Copy)]
pub struct RowView<'a> {
    /// Normalized values, in the table's column order.
    pub values: &'a Record,
    /// Column roles of the table.
    pub columns: &'a ColumnMap,
    /// What the normalizers said about this row's cells.
    pub cell_issues: &'a [CellIssue],
    /// Duplicate cluster of the row, if dedupe put it in one.
    pub cluster: Option<u32>,
}

impl<'a> RowView<'a> {
    /// The trimmed value of column `index` (empty when the row is short).
    pub fn cell(&self, index: usize) -> &'a str {
        self.values.get(index).map_or("", str::trim)
    }

    /// The first column with `role` and its trimmed value (possibly empty).
    pub fn first(&self, role: Role) -> Option<(usize, &'a str)> {
        self.columns.first(role).map(|i| (i, self.cell(i)))
    }

    /// The first non-empty value among the columns with `role`.
    pub fn filled(&self, role: Role) -> Option<(usize, &'a str)> {
        self.all_filled(role).next()
    }

    /// Every non-empty value among the columns with `role`, in column order.
    pub fn all_filled(&self, role: Role) -> impl Iterator<Item = (usize, &'a str)> + '_ {
        self.columns.indices(role).map(|i| (i, self.cell(i))).filter(|(_, v)| !v.is_empty())
    }

    /// Whether the table has a column with `role`.
    pub fn has(&self, role: Role) -> bool {
        self.columns.has(role)
    }

    /// The parsed date of the first column with `role`, if the cell holds one.
    pub fn date(&self, role: Role) -> Option<(usize, NaiveDate)> {
        self.filled(role).and_then(|(i, v)| parse_date(v).map(|d| (i, d)))
    }

    /// Valid phone numbers of the row (see [`phone_valid`]), with their columns.
    pub fn valid_phones(&self) -> impl Iterator<Item = (usize, &'a str)> + '_ {
        self.all_filled(Role::Phone)
            .filter(|&(i, v)| phone_valid(v) && !cell_invalid(self.cell_issues, i))
    }

    /// Valid email addresses of the row (see [`email_valid`]), with their columns.
    pub fn valid_emails(&self) -> impl Iterator<Item = (usize, &'a str)> + '_ {
        self.all_filled(Role::Email)
            .filter(|&(i, v)| email_valid(v) && !cell_invalid(self.cell_issues, i))
    }

    /// Whether the row holds any personal data: a name, contact, birth date or address.
    pub fn holds_personal_data(&self) -> bool {
        [
            Role::FullName,
            Role::LastName,
            Role::FirstName,
            Role::Phone,
            Role::Email,
            Role::BirthDate,
            Role::Address,
            Role::NationalId,
        ]
        .iter()
        .any(|&r| self.filled(r).is_some())
    }
}

/// Column used for row-level findings: none (the whole row).
pub const ROW_COLUMN: u32 = crate::normalize::CellIssue::ROW;

/// Parameters of the domain checks. Defaults follow `DOMAIN.md`; the rules file maps onto it.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckParams {
    /// A purchase within this many days makes a client *active* (the source articles: "usually
    /// about one month"). Default 30.
    pub active_days: u32,
    /// No activity, purchase or creation for this many months marks a record stale (`ST001`).
    /// Default 24: CASL's implied consent lasts two years after a purchase, the TCPA's
    /// established business relationship 18 months; past that the record has no basis left.
    pub stale_months: u32,
    /// A lead without a purchase older than this many days is overdue (`ST002`). Default 180:
    /// the ICO's six months for bought-list consent and CASL's six months after an inquiry.
    pub lead_max_days: u32,
    /// Days personal data may be kept after consent withdrawal (`CP004`). Default 30:
    /// 152-FZ art. 21 p.5 (GDPR art. 12(3)/17: one month).
    pub retention_days_after_withdrawal: u32,
    /// Contact caps per channel for `BZ002`.
    pub contact_caps: Vec<ContactCap>,
    /// Treat every row as marked for marketing on all channels (checking a campaign export
    /// that has no marketing-flag column). Default false.
    pub assume_marketing: bool,
    /// Apply `CP007` when a row's citizenship is unknown (empty or no column): the operator
    /// must show the person is not a Russian citizen. Default true.
    pub unknown_citizenship_is_russian: bool,
}

impl Default for CheckParams {
    fn default() -> Self {
        CheckParams {
            active_days: 30,
            stale_months: 24,
            lead_max_days: 180,
            retention_days_after_withdrawal: 30,
            contact_caps: ContactCap::defaults(),
            assume_marketing: false,
            unknown_citizenship_is_russian: true,
        }
    }
}

/// Runs every row check on one row, appending findings to `out`.
pub fn check_row(view: &RowView, params: &CheckParams, as_of: NaiveDate, out: &mut Vec<CellIssue>) {
    completeness::check_row(view, out);
    lifecycle::check_row(view, params, as_of, out);
    consent::check_row(view, params, as_of, out);
}

/// Runs the table checks: managers per cluster, contact frequency (with a log), sensitive
/// columns, table-level consent checks and suppression (with a list). Appends
/// `(row index into rows, issue)` pairs to `out`, sorted by row index then column.
pub fn check_table(
    rows: &[RowView],
    params: &CheckParams,
    as_of: NaiveDate,
    contact_log: Option<&ContactLog>,
    suppression: Option<&SuppressionList>,
    out: &mut Vec<(usize, CellIssue)>,
) {
    let start = out.len();
    business::check_managers(rows, out);
    if let Some(log) = contact_log {
        business::check_frequency(rows, log, params, as_of, out);
    }
    business::check_sensitive_columns(rows, out);
    consent::check_table(rows, params, suppression, out);
    out[start..]
        .sort_by(|a, b| (a.0, a.1.column, a.1.issue.code).cmp(&(b.0, b.1.column, b.1.issue.code)));
}

/// Whether the normalizers judged the cell at `column` invalid: any of its issues has a code
/// whose registered default severity is `Error` (e.g. an unparseable phone). Unknown codes
/// and warnings/infos (a fixed format, a typo suggestion) leave the cell valid.
pub fn cell_invalid(issues: &[CellIssue], column: usize) -> bool {
    issues.iter().any(|ci| {
        ci.column as usize == column
            && registry::lookup(ci.issue.code)
                .is_some_and(|r| r.default_severity == Severity::Error)
    })
}

/// Whether a phone value looks usable: 10 to 15 digits (E.164 allows 15), at most a leading
/// `+` and common separators. The normalizer's verdict comes through [`cell_invalid`].
pub fn phone_valid(value: &str) -> bool {
    let main = value.split([',', ';']).next().unwrap_or("");
    let main = cut_extension(main);
    let digits = main.chars().filter(char::is_ascii_digit).count();
    (10..=15).contains(&digits) && main.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

fn cut_extension(v: &str) -> &str {
    let lower_pos = ["доб", "ext", "x"]
        .iter()
        .filter_map(|m| v.to_lowercase().find(m).map(|p| (p, m)))
        .min_by_key(|(p, _)| *p);
    match lower_pos {
        // Byte offsets of the lower-cased string match the original only for ASCII prefixes,
        // so fall back to the whole value when they do not line up.
        Some((p, _)) if v.is_char_boundary(p) && v[..p].is_ascii() => &v[..p],
        _ => v,
    }
}

/// Whether an email value looks usable: one `@`, a non-empty local part, a dotted domain,
/// no spaces. The normalizer's verdict comes through [`cell_invalid`].
pub fn email_valid(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(char::is_whitespace)
}

/// Parses a date cell: ISO `YYYY-MM-DD` (optionally followed by a time) or `DD.MM.YYYY`.
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    let v = value.trim();
    let head: String = v.chars().take(10).collect();
    let num = |s: &str| -> Option<u32> {
        if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let mut parts = head.split(['-', '.', '/']);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let rest = v.get(head.len()..).unwrap_or("");
    if !(rest.is_empty() || rest.starts_with(['T', ' '])) {
        return None;
    }
    if a.len() == 4 && head.contains('-') {
        NaiveDate::from_ymd_opt(num(a)? as i32, num(b)?, num(c)?)
    } else if c.len() == 4 && head.contains('.') {
        NaiveDate::from_ymd_opt(num(c)? as i32, num(b)?, num(a)?)
    } else {
        None
    }
}

/// What a consent, flag or status cell says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// yes / да / 1 / true / + / согласен / opt-in (or a date: given on that date).
    Yes,
    /// no / нет / 0 / false / - / отказ / opt-out.
    No,
    /// withdrawn / отозвано / unsubscribed / отписан.
    Withdrawn,
}

/// Reads a consent-like cell. `None` for an empty cell or a value it does not recognise.
/// A date counts as [`Flag::Yes`] (exports often put the consent date in the consent column).
pub fn parse_flag(value: &str) -> Option<Flag> {
    let v: String = value.trim().to_lowercase().replace(['ё'], "е");
    let v = v.trim_matches(|c: char| c == '.' || c == '!' || c.is_whitespace());
    const YES: &[&str] = &[
        "yes",
        "y",
        "да",
        "д",
        "1",
        "true",
        "t",
        "+",
        "согласен",
        "согласна",
        "согласие дано",
        "есть",
        "opt-in",
        "optin",
        "opted in",
        "opted-in",
        "subscribed",
        "подписан",
        "подписана",
        "✓",
        "✔",
        "v",
        "x",
        "on",
        "granted",
        "given",
    ];
    const NO: &[&str] = &[
        "no",
        "n",
        "нет",
        "н",
        "0",
        "false",
        "f",
        "-",
        "—",
        "отказ",
        "не согласен",
        "не согласна",
        "opt-out",
        "optout",
        "opted out",
        "opted-out",
        "off",
        "denied",
        "refused",
    ];
    const WITHDRAWN: &[&str] = &[
        "withdrawn",
        "отозвано",
        "отозван",
        "отозвана",
        "unsubscribed",
        "отписан",
        "отписана",
        "отписался",
        "отписалась",
        "revoked",
        "отзыв",
        "согласие отозвано",
    ];
    if v.is_empty() {
        None
    } else if WITHDRAWN.contains(&v) {
        Some(Flag::Withdrawn)
    } else if YES.contains(&v) {
        Some(Flag::Yes)
    } else if NO.contains(&v) {
        Some(Flag::No)
    } else if parse_date(v).is_some() {
        Some(Flag::Yes)
    } else {
        None
    }
}

/// Pushes a row-level or cell-level issue.
fn push(out: &mut Vec<CellIssue>, column: usize, issue: crate::finding::Issue) {
    out.push(CellIssue { column: column as u32, issue });
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Fixture loading shared by the family tests: `testdata/rules/<CODE>.csv` with an
    //! `expect` column (codes expected on that row, `;`-separated), optional `cluster`
    //! column and optional `invalid` column naming headers whose cells the normalizer
    //! rejected (simulated with `IN001`, a registered error-severity code).
    use super::*;
    use crate::finding::Issue;
    use crate::roles::RoleOrigin;

    pub const AS_OF: (i32, u32, u32) = (2025, 6, 30);

    pub fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(AS_OF.0, AS_OF.1, AS_OF.2).unwrap_or_default()
    }

    pub struct Fixture {
        pub columns: ColumnMap,
        pub records: Vec<Record>,
        pub issues: Vec<Vec<CellIssue>>,
        pub clusters: Vec<Option<u32>>,
        pub expect: Vec<String>,
    }

    impl Fixture {
        pub fn load(code: &str) -> Fixture {
            let path = format!("{}/testdata/rules/{code}.csv", env!("CARGO_MANIFEST_DIR"));
            let mut reader =
                csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            // A header `Name|role` maps the column explicitly (for headers no alias knows).
            let raw: Vec<String> = reader
                .headers()
                .map(|h| h.iter().map(str::to_string).collect())
                .unwrap_or_default();
            let mut explicit = vec![];
            let headers: Vec<String> = raw
                .iter()
                .map(|h| match h.split_once('|') {
                    Some((name, role)) => {
                        explicit.push((name.to_string(), Role::parse(role), RoleOrigin::RulesFile));
                        name.to_string()
                    }
                    None => h.clone(),
                })
                .collect();
            let columns = ColumnMap::resolve(&headers, &explicit);
            let col = |name: &str| headers.iter().position(|h| h == name);
            let (expect_col, cluster_col, invalid_col) =
                (col("expect"), col("cluster"), col("invalid"));
            let mut f = Fixture {
                columns,
                records: vec![],
                issues: vec![],
                clusters: vec![],
                expect: vec![],
            };
            for rec in reader.records() {
                let rec = rec.unwrap_or_else(|e| panic!("{path}: {e}"));
                let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").to_string();
                f.expect.push(get(expect_col));
                f.clusters.push(get(cluster_col).parse().ok());
                let invalid = get(invalid_col);
                f.issues.push(
                    invalid
                        .split(';')
                        .filter(|s| !s.is_empty())
                        .filter_map(|h| headers.iter().position(|x| x == h))
                        .map(|c| CellIssue {
                            column: c as u32,
                            issue: Issue::new("IN001", "invalid"),
                        })
                        .collect(),
                );
                f.records.push(Record::from(&rec));
            }
            f
        }

        pub fn views(&self) -> Vec<RowView<'_>> {
            (0..self.records.len())
                .map(|i| RowView {
                    values: &self.records[i],
                    columns: &self.columns,
                    cell_issues: &self.issues[i],
                    cluster: self.clusters[i],
                })
                .collect()
        }

        /// Rows (0-based) where `expect` names `code`.
        pub fn expected_rows(&self, code: &str) -> Vec<usize> {
            (0..self.expect.len())
                .filter(|&i| self.expect[i].split(';').any(|c| c.trim() == code))
                .collect()
        }

        /// Rows where the row checks emit `code`.
        pub fn row_hits(&self, code: &str, params: &CheckParams) -> Vec<usize> {
            self.views()
                .iter()
                .enumerate()
                .filter(|(_, v)| {
                    let mut out = vec![];
                    check_row(v, params, as_of(), &mut out);
                    out.iter().any(|ci| ci.issue.code == code)
                })
                .map(|(i, _)| i)
                .collect()
        }

        /// Rows where the table checks emit `code`.
        pub fn table_hits(
            &self,
            code: &str,
            params: &CheckParams,
            log: Option<&ContactLog>,
            suppression: Option<&SuppressionList>,
        ) -> Vec<usize> {
            let mut out = vec![];
            check_table(&self.views(), params, as_of(), log, suppression, &mut out);
            let mut rows: Vec<usize> =
                out.iter().filter(|(_, ci)| ci.issue.code == code).map(|(r, _)| *r).collect();
            rows.dedup();
            rows
        }
    }

    /// Asserts that the row checks fire `code` exactly on the fixture's expected rows.
    pub fn assert_row_fixture(code: &str) {
        let f = Fixture::load(code);
        let expected = f.expected_rows(code);
        assert!(!expected.is_empty(), "{code}: fixture has no firing row");
        assert!(expected.len() < f.records.len(), "{code}: fixture has no quiet row");
        assert_eq!(f.row_hits(code, &CheckParams::default()), expected, "{code}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_iso_and_russian_forms_only() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_date("2024-02-29"), d(2024, 2, 29));
        assert_eq!(parse_date(" 2024-02-29T10:00:00 "), d(2024, 2, 29));
        assert_eq!(parse_date("2024-02-29 10:00"), d(2024, 2, 29));
        assert_eq!(parse_date("05.03.2024"), d(2024, 3, 5));
        for bad in ["", "2023-02-29", "2024-13-01", "20240101", "да", "2024-01-01x", "1.1.2024.5"]
        {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn consent_values_parse() {
        for (v, f) in [
            ("Да", Some(Flag::Yes)),
            ("yes", Some(Flag::Yes)),
            ("1", Some(Flag::Yes)),
            ("согласен", Some(Flag::Yes)),
            ("opt-in", Some(Flag::Yes)),
            ("2024-01-05", Some(Flag::Yes)),
            ("нет", Some(Flag::No)),
            ("0", Some(Flag::No)),
            ("-", Some(Flag::No)),
            ("отказ", Some(Flag::No)),
            ("Opt-Out", Some(Flag::No)),
            ("отозвано", Some(Flag::Withdrawn)),
            ("Отозван", Some(Flag::Withdrawn)),
            ("unsubscribed", Some(Flag::Withdrawn)),
            ("", None),
            ("см. договор", None),
        ] {
            assert_eq!(parse_flag(v), f, "{v}");
        }
    }

    #[test]
    fn contact_shapes() {
        assert!(phone_valid("+79161234567"));
        assert!(phone_valid("+7 495 981-01-85 доб. 123"));
        assert!(!phone_valid("123"));
        assert!(!phone_valid("n/a"));
        assert!(!phone_valid("+7916123456789012"));
        assert!(email_valid("ivanov@mail.ru"));
        assert!(!email_valid("ivanov@mail"));
        assert!(!email_valid("ivanov mail.ru"));
        assert!(!email_valid("a@@b.ru"));
    }

    #[test]
    fn every_rule_is_documented_and_has_a_fixture() {
        let mut codes = std::collections::BTreeSet::new();
        for family in families() {
            for r in family {
                assert!(codes.insert(r.code), "duplicate {}", r.code);
                for section in
                    ["## What it checks", "## Why it matters", "## Example", "## Fix", "## Options"]
                {
                    assert!(r.doc.contains(section), "{} lacks {section}", r.code);
                }
                let path = format!("{}/testdata/rules/{}.csv", env!("CARGO_MANIFEST_DIR"), r.code);
                assert!(std::path::Path::new(&path).exists(), "{path} missing");
            }
        }
        assert!(codes.len() >= 20);
    }

    #[test]
    fn cell_invalid_uses_registered_error_severity() {
        let issues = vec![
            CellIssue { column: 2, issue: crate::finding::Issue::new("IN001", "x") },
            CellIssue { column: 3, issue: crate::finding::Issue::new("ZZ999", "x") },
        ];
        assert!(cell_invalid(&issues, 2));
        assert!(!cell_invalid(&issues, 3));
        assert!(!cell_invalid(&issues, 1));
    }

    proptest::proptest! {
        #[test]
        fn checks_never_panic(cells in proptest::collection::vec(".{0,12}", 0..12)) {
            let headers: Vec<String> = [
                "ФИО", "Телефон", "Email", "Тип клиента", "Компания", "Дата создания",
                "Последняя покупка", "Согласие на обработку ПД", "Дата отзыва согласия",
                "В рассылке", "Страна хранения", "Менеджер",
            ].iter().map(|s| s.to_string()).collect();
            let columns = ColumnMap::resolve(&headers, &[]);
            let record = Record::from(cells);
            let view = RowView { values: &record, columns: &columns, cell_issues: &[], cluster: Some(1) };
            let params = CheckParams::default();
            let as_of = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
            let mut out = vec![];
            check_row(&view, &params, as_of, &mut out);
            let mut table = vec![];
            check_table(&[view, view], &params, as_of, Some(&ContactLog::default()), Some(&SuppressionList::default()), &mut table);
            let _ = contactability(&view, &SuppressionList::default(), as_of);
            let _ = segment(&view, &params, as_of);
            let _ = parse_date(record.get(0).unwrap_or(""));
        }
    }
}
