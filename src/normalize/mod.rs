//! Pure normalizers: value in, normalized value plus issues out. No I/O, no printing.
//!
//! [`normalize_row`] dispatches each cell to the normalizer of its column's role; the pipeline
//! runs it over rows in parallel and keeps the output in row order.

pub mod company;
pub mod date;
pub mod email;
pub mod name;
pub mod phone;

use csv::StringRecord;
use std::borrow::Cow;

use crate::record::{Record, RecordBuilder};
use rayon::prelude::*;

use crate::finding::Issue;
use crate::roles::{ColumnMap, Role};
use crate::rules::config::MissingValues;

/// Settings every normalizer may need.
#[derive(Debug, Clone)]
pub struct NormalizeSettings {
    /// Default region for national phone numbers (ISO 3166 alpha-2, e.g. `RU`).
    pub region: String,
    /// Apply email domain typo fixes instead of only suggesting them.
    pub fix_typos: bool,
    /// The date "today" is taken to be (future birth dates, ages).
    pub as_of: chrono::NaiveDate,
    /// Accept IP-literal email domains (flagged) instead of rejecting them.
    pub allow_ip_literals: bool,
}

/// Column-level facts gathered before rows are normalized.
#[derive(Debug, Clone, Default)]
pub struct ColumnProfiles {
    /// Day/month order (and Excel-serial acceptance) of each date column, by column index.
    pub dates: Vec<(usize, date::DateColumnProfile)>,
}

/// Roles whose values are dates, with how they are judged.
fn date_kind(role: Role) -> Option<date::DateKind> {
    match role {
        Role::BirthDate => Some(date::DateKind::Birth),
        Role::CreatedAt
        | Role::LastActivityAt
        | Role::LastPurchaseAt
        | Role::ConsentDate
        | Role::ConsentWithdrawnAt => Some(date::DateKind::Event),
        _ => None,
    }
}

/// Everything a row's normalization needs, built once per run.
#[derive(Debug, Clone)]
pub struct NormalizeContext {
    /// Run settings.
    pub settings: NormalizeSettings,
    /// Phone options derived from the settings.
    pub phone: phone::PhoneOptions,
    /// Email options derived from the settings.
    pub email: email::EmailOptions,
    /// Placeholders that mean "no value" (`n/a`, `нет`, `-`), from the rules files.
    pub missing: MissingValues,
    /// Roles of the columns.
    pub columns: ColumnMap,
    /// Column-level facts.
    pub profiles: ColumnProfiles,
}

impl NormalizeContext {
    /// Builds the context, scanning `rows` for column-level facts.
    pub fn new<'a>(
        settings: NormalizeSettings,
        missing: MissingValues,
        columns: ColumnMap,
        rows: impl Iterator<Item = &'a StringRecord>,
    ) -> NormalizeContext {
        let rows: Vec<&StringRecord> = rows.collect();
        // Day-first or month-first is a property of the column, not the cell: decide it from
        // all the column's values, so `03/04/2020` reads the same on every row.
        let date_columns: Vec<usize> =
            (0..columns.len()).filter(|&c| columns.role(c).and_then(date_kind).is_some()).collect();
        // Chunks of rows on all cores, each counting every date column; counts merge.
        let votes = rows
            .par_chunks(4096)
            .map(|chunk| {
                let mut votes = vec![date::DateVotes::default(); date_columns.len()];
                for r in chunk {
                    for (v, &c) in votes.iter_mut().zip(&date_columns) {
                        if let Some(value) = r.get(c).filter(|value| !missing.is_missing(value)) {
                            v.add(value);
                        }
                    }
                }
                votes
            })
            .reduce(
                || vec![date::DateVotes::default(); date_columns.len()],
                |a, b| a.into_iter().zip(b).map(|(x, y)| x.merge(y)).collect(),
            );
        let dates = date_columns.into_iter().zip(votes).map(|(c, v)| (c, v.profile())).collect();
        let phone = phone::PhoneOptions::with_region(settings.region.clone());
        let email = email::EmailOptions {
            fix_typos: settings.fix_typos,
            allow_ip_literals: settings.allow_ip_literals,
            ..Default::default()
        };
        NormalizeContext {
            settings,
            phone,
            email,
            missing,
            columns,
            profiles: ColumnProfiles { dates },
        }
    }
}

/// An issue placed at a column of the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellIssue {
    /// Column index in the unified table, or [`CellIssue::ROW`] for the whole row.
    pub column: u32,
    /// The issue.
    pub issue: Issue,
}

impl CellIssue {
    /// The `column` of an issue about the whole row rather than one cell.
    pub const ROW: u32 = u32::MAX;
}

/// One row after normalization.
#[derive(Debug, Clone)]
pub struct NormalizedRow {
    /// Values in the original column order, normalized in place where a normalizer exists.
    pub record: Record,
    /// What changed or is wrong, in column order, then what later checks added. The commonest
    /// issues ("date rewritten", "phone rewritten") are kept in `rewritten` instead: read a
    /// row's issues through [`NormalizedRow::all_issues`].
    pub issues: Vec<CellIssue>,
    /// The cells whose only-first issue is a `Rewrite`, two bits per column (columns below
    /// 32): a base has millions of them, and each would be a 64-byte [`CellIssue`].
    pub rewritten: Rewritten,
    /// How many of `issues` normalization made (the rest came from later checks): the
    /// rewrites go back among those, in their column's place.
    pub normalized_issues: u32,
    /// Phone extensions split off phone cells (`доб. 12`), by column; the cell keeps the E.164.
    pub extensions: Vec<(u32, String)>,
    /// The values as read of the cells normalization changed: with `record` they give back
    /// the row as read, without holding a second copy of every row.
    pub original: ChangedCells,
}

impl NormalizedRow {
    /// Every issue of the row in the order normalization and the checks made them: the
    /// stored ones with the [`Rewritten`] cells' issues rebuilt in their places.
    pub fn all_issues(&self) -> AllIssues<'_> {
        AllIssues { row: self, next_stored: 0, pending: self.rewritten.0 }
    }

    /// The value of `column` as it was read (before normalization); empty past the row's end.
    pub fn raw(&self, column: usize) -> &str {
        match self.original.get(column) {
            Some(v) => v,
            None => self.record.get(column).unwrap_or(""),
        }
    }
}

/// The "cell rewritten in canonical form" issues that a row keeps as bits ([`Rewritten`]),
/// each with a message that the cell's values give back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rewrite {
    Date = 1,
    Phone = 2,
    Name = 3,
}

impl Rewrite {
    const ALL: [Rewrite; 3] = [Rewrite::Date, Rewrite::Phone, Rewrite::Name];
    const DATE_MESSAGE: &'static str = "Date rewritten in ISO 8601 form.";
    const NAME_MESSAGE: &'static str = "Name reformatted.";

    fn code(self) -> &'static str {
        match self {
            Rewrite::Date => "DT002",
            Rewrite::Phone => phone::PH_REFORMATTED,
            Rewrite::Name => "NM001",
        }
    }

    fn from_bits(bits: u64) -> Option<Rewrite> {
        Rewrite::ALL.into_iter().find(|r| *r as u64 == bits)
    }

    /// The message of this rewrite of `before` (as read) into `after`.
    fn message<'a>(self, before: &'a str, after: &'a str) -> IssueMessage<'a> {
        match self {
            Rewrite::Date => IssueMessage::Text(Rewrite::DATE_MESSAGE),
            Rewrite::Name => IssueMessage::Text(Rewrite::NAME_MESSAGE),
            // The phone normalizer's sentence: `'8 (916) 123-45-67' rewritten as '+79161234567'`.
            Rewrite::Phone => IssueMessage::Rewritten { before: before.trim(), after },
        }
    }

    /// The rewrite `issue` stands for, if it is exactly one: the first issue of its cell
    /// (so that its place among the row's issues is known), no suggestion, and the message
    /// the cell's values give back.
    fn of(issue: &Issue, before: &str, after: &str) -> Option<Rewrite> {
        let rewrite = Rewrite::ALL.into_iter().find(|r| r.code() == issue.code)?;
        (issue.suggestion.is_none() && rewrite.message(before, after).is_same_as(&issue.message))
            .then_some(rewrite)
    }
}

/// Two bits per column (below 32): which `Rewrite` issue, if any, the cell has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rewritten(u64);

impl Rewritten {
    /// Columns past this keep their rewrite issues as [`CellIssue`]s.
    const COLUMNS: u32 = 32;

    fn set(&mut self, column: u32, rewrite: Rewrite) -> bool {
        if column >= Rewritten::COLUMNS {
            return false;
        }
        self.0 |= (rewrite as u64) << (2 * column);
        true
    }

    /// Whether no cell is marked.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// A message of an [`IssueRef`]: stored text, or a rewrite's sentence built on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IssueMessage<'a> {
    Text(&'a str),
    Rewritten { before: &'a str, after: &'a str },
}

impl<'a> IssueMessage<'a> {
    fn text(self) -> Cow<'a, str> {
        match self {
            IssueMessage::Text(t) => Cow::Borrowed(t),
            IssueMessage::Rewritten { before, after } => {
                Cow::Owned(format!("'{before}' rewritten as '{after}'"))
            }
        }
    }

    /// Whether this is `message`, without building it.
    fn is_same_as(self, message: &str) -> bool {
        match self {
            IssueMessage::Text(t) => t == message,
            IssueMessage::Rewritten { before, after } => message
                .strip_prefix('\'')
                .and_then(|m| m.strip_prefix(before))
                .and_then(|m| m.strip_prefix("' rewritten as '"))
                .and_then(|m| m.strip_prefix(after))
                .is_some_and(|m| m == "'"),
        }
    }
}

/// One issue of a row as [`NormalizedRow::all_issues`] gives it.
#[derive(Debug, Clone, Copy)]
pub struct IssueRef<'a> {
    /// Column index, or [`CellIssue::ROW`].
    pub column: u32,
    /// Rule code.
    pub code: &'static str,
    /// The fixed value or suggestion, if any.
    pub suggestion: Option<&'a str>,
    message: IssueMessage<'a>,
}

impl<'a> IssueRef<'a> {
    /// The issue's sentence (built here for a rewritten cell).
    pub fn message(&self) -> Cow<'a, str> {
        self.message.text()
    }

    fn stored(ci: &'a CellIssue) -> IssueRef<'a> {
        IssueRef {
            column: ci.column,
            code: ci.issue.code,
            suggestion: ci.issue.suggestion.as_deref(),
            message: IssueMessage::Text(&ci.issue.message),
        }
    }
}

/// Iterator of [`NormalizedRow::all_issues`].
#[derive(Debug, Clone)]
pub struct AllIssues<'a> {
    row: &'a NormalizedRow,
    next_stored: usize,
    /// Rewrite bits not given yet.
    pending: u64,
}

impl<'a> Iterator for AllIssues<'a> {
    type Item = IssueRef<'a>;

    fn next(&mut self) -> Option<IssueRef<'a>> {
        let stored = self.row.issues.get(self.next_stored);
        let rewrite_column = (self.pending != 0).then(|| self.pending.trailing_zeros() / 2);
        // A rewrite was its cell's first issue: it comes before the stored issues of its
        // column and later ones, and before anything the checks added.
        let rewrite_first = match (rewrite_column, stored) {
            (Some(_), None) => true,
            (Some(c), Some(ci)) => {
                self.next_stored >= self.row.normalized_issues as usize || c <= ci.column
            }
            (None, _) => false,
        };
        if let (true, Some(column)) = (rewrite_first, rewrite_column) {
            let bits = (self.pending >> (2 * column)) & 0b11;
            self.pending &= !(0b11 << (2 * column));
            let rewrite = Rewrite::from_bits(bits)?;
            let (before, after) =
                (self.row.raw(column as usize), self.row.record.get(column as usize).unwrap_or(""));
            return Some(IssueRef {
                column,
                code: rewrite.code(),
                suggestion: None,
                message: rewrite.message(before, after),
            });
        }
        self.next_stored += 1;
        stored.map(IssueRef::stored)
    }
}

/// Cells of one row by column, packed in one allocation of text and one of (column, end)
/// pairs: a base holds millions of them. Ends are 32-bit: the reader quarantines rows over
/// 4 GiB (IN003), and a row's changed cells are part of its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangedCells {
    text: Box<str>,
    cells: Box<[(u32, u32)]>,
}

impl ChangedCells {
    /// Packs `(column, value)` pairs.
    pub fn new<'a>(cells: impl IntoIterator<Item = (u32, &'a str)>) -> ChangedCells {
        let mut text = String::new();
        let mut ends = Vec::new();
        for (column, value) in cells {
            text.push_str(value);
            ends.push((column, text.len() as u32));
        }
        ChangedCells { text: text.into_boxed_str(), cells: ends.into_boxed_slice() }
    }

    /// The value kept for `column`, if any.
    pub fn get(&self, column: usize) -> Option<&str> {
        let mut start = 0;
        for &(c, end) in self.cells.iter() {
            if c as usize == column {
                return self.text.get(start as usize..end as usize);
            }
            start = end;
        }
        None
    }

    /// How many cells are kept.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether no cell is kept.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The `(column, value)` pairs in column order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        let starts = std::iter::once(0).chain(self.cells.iter().map(|&(_, end)| end));
        self.cells.iter().zip(starts).map(|(&(c, end), start)| {
            (c, self.text.get(start as usize..end as usize).unwrap_or(""))
        })
    }
}

/// What normalizing one cell produced.
#[derive(Debug, Clone, Default)]
struct CellOutcome<'a> {
    /// Borrowed when the cell passes through unchanged (most columns have no normalizer).
    value: std::borrow::Cow<'a, str>,
    issues: Vec<Issue>,
    extension: Option<String>,
    /// The parts of a full name, as the name normalizer told them apart.
    name: Option<name::PersonName>,
}

/// Normalizes every cell of `row` according to its column's role.
pub fn normalize_row(row: &StringRecord, ctx: &NormalizeContext) -> NormalizedRow {
    normalize_row_with_name(row, ctx).0
}

/// [`normalize_row`], plus the parts of the row's first non-blank full name as its
/// normalizer parsed them (`None` when it could not, or when there is no full name): match
/// keys are built from them without parsing the name again.
pub fn normalize_row_with_name(
    row: &StringRecord,
    ctx: &NormalizeContext,
) -> (NormalizedRow, Option<name::PersonName>) {
    let mut full_name: Option<Option<name::PersonName>> = None;
    let mut record = RecordBuilder::with_capacity(row.as_slice().len() + 16, row.len());
    let mut issues = Vec::new();
    let mut rewritten = Rewritten::default();
    let mut extensions = Vec::new();
    let mut original: Vec<(u32, &str)> = Vec::new();
    for (i, raw) in row.iter().enumerate() {
        match ctx.columns.role(i) {
            // A placeholder is how the source said "no value": store it as empty, and say so,
            // because other systems count `n/a` as a filled phone or email.
            Some(role)
                if !raw.trim().is_empty()
                    && MissingValues::applies_to(role)
                    && ctx.missing.is_missing(raw) =>
            {
                record.push_field("");
                let message = format!("placeholder `{}` stands for a missing value", raw.trim());
                let issue = Issue::with_suggestion("IN005", message, "");
                issues.push(CellIssue { column: i as u32, issue });
            }
            Some(role) => {
                let out = normalize_cell(role, i, raw, ctx);
                record.push_field(&out.value);
                if role == Role::FullName && full_name.is_none() && !out.value.trim().is_empty() {
                    full_name = Some(out.name);
                }
                for (k, mut issue) in out.issues.into_iter().enumerate() {
                    // A suggestion that is the written value says nothing the cell does not:
                    // findings show the cell then, and a base has millions of such issues.
                    if issue.suggestion.as_deref() == Some(&*out.value) {
                        issue.suggestion = None;
                    }
                    if k == 0
                        && let Some(rewrite) = Rewrite::of(&issue, raw, &out.value)
                        && rewritten.set(i as u32, rewrite)
                    {
                        continue;
                    }
                    issues.push(CellIssue { column: i as u32, issue });
                }
                if let Some(ext) = out.extension {
                    extensions.push((i as u32, ext));
                }
            }
            None => record.push_field(raw),
        }
        if record.get(i) != Some(raw) {
            original.push((i as u32, raw));
        }
    }
    // Every row is kept to the end of the run: hold no spare room.
    issues.shrink_to_fit();
    let row = NormalizedRow {
        record: record.finish(),
        normalized_issues: u32::try_from(issues.len()).unwrap_or(u32::MAX),
        issues,
        rewritten,
        extensions,
        original: ChangedCells::new(original),
    };
    (row, full_name.flatten())
}

/// Normalizes one cell of a known role. Roles without a normalizer pass through unchanged.
fn normalize_cell<'a>(
    role: Role,
    column: usize,
    raw: &'a str,
    ctx: &NormalizeContext,
) -> CellOutcome<'a> {
    match role {
        Role::Phone => {
            let cell = phone::normalize_phone(raw, &ctx.phone);
            let exts: Vec<&str> =
                cell.numbers.iter().filter_map(|n| n.extension.as_deref()).collect();
            let extension = (!exts.is_empty()).then(|| exts.join("; "));
            CellOutcome { value: cell.value.into(), issues: cell.issues, extension, name: None }
        }
        Role::FullName => {
            let cell = name::parse_full_name(raw);
            CellOutcome {
                value: cell.value.into(),
                issues: cell.issues,
                extension: None,
                name: cell.parsed,
            }
        }
        Role::LastName | Role::FirstName | Role::MiddleName => {
            let part = match role {
                Role::LastName => name::NamePart::Surname,
                Role::FirstName => name::NamePart::First,
                _ => name::NamePart::Patronymic,
            };
            let cell = name::normalize_name_part(raw, part);
            CellOutcome { value: cell.value.into(), issues: cell.issues, ..CellOutcome::default() }
        }
        Role::Inn => {
            let cell = company::normalize_inn(raw);
            CellOutcome { value: cell.value.into(), issues: cell.issues, ..CellOutcome::default() }
        }
        Role::Company => {
            let cell = company::normalize_company(raw);
            CellOutcome { value: cell.value.into(), issues: cell.issues, ..CellOutcome::default() }
        }
        _ if date_kind(role).is_some() => {
            let kind = date_kind(role).unwrap_or(date::DateKind::Event);
            let profile = ctx.profiles.dates.iter().find(|(c, _)| *c == column).map(|(_, p)| p);
            let default = date::DateColumnProfile::default();
            let cell =
                date::normalize_date(raw, profile.unwrap_or(&default), kind, ctx.settings.as_of);
            CellOutcome { value: cell.value.into(), issues: cell.issues, ..CellOutcome::default() }
        }
        Role::Email => {
            let cell = email::normalize_email(raw, &ctx.email);
            CellOutcome { value: cell.value.into(), issues: cell.issues, ..CellOutcome::default() }
        }
        _ => CellOutcome { value: raw.into(), ..CellOutcome::default() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_issue_stays_small() {
        // A 1M-row base holds about six million of them until its findings are written.
        assert!(std::mem::size_of::<CellIssue>() <= 64, "{}", std::mem::size_of::<CellIssue>());
    }

    #[test]
    fn a_normalized_row_gives_back_every_value_as_read() {
        let headers: Vec<String> =
            ["ФИО", "Телефон", "Email", "Дата рождения", "Заметка"].map(String::from).to_vec();
        let columns = ColumnMap::resolve(&headers, &[]);
        let rows = [
            StringRecord::from(vec![
                "иванов  иван",
                "8 (916) 123-45-67 доб. 12",
                " Ivanov@GMIAL.com",
                "01.02.1980",
                "как есть",
            ]),
            StringRecord::from(vec!["n/a", "нет", "", "1980-02-01", ""]),
            StringRecord::from(vec!["Петров Пётр", "+79161234567"]),
        ];
        let settings = NormalizeSettings {
            region: "RU".into(),
            fix_typos: true,
            as_of: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            allow_ip_literals: false,
        };
        let ctx = NormalizeContext::new(
            settings,
            MissingValues::new(["n/a", "нет"]),
            columns,
            rows.iter(),
        );
        for row in &rows {
            let n = normalize_row(row, &ctx);
            let back: Vec<&str> = (0..row.len()).map(|c| n.raw(c)).collect();
            assert_eq!(back, row.iter().collect::<Vec<_>>());
            // Only changed cells are kept twice.
            for (c, v) in n.original.iter() {
                assert_ne!(n.record.get(c as usize), Some(v));
            }
        }
        let first = normalize_row(&rows[0], &ctx);
        assert!(first.original.len() >= 3, "{:?}", first.original);
        assert_eq!(first.original.get(1), Some("8 (916) 123-45-67 доб. 12"));
        assert_eq!(first.original.get(4), None);
        assert_eq!(normalize_row(&rows[2], &ctx).original.len(), 0);
    }

    /// The issues each cell's normalizer made, as `normalize_row` kept them before rewrites
    /// became bits: the reference `all_issues` must give back.
    fn reference_issues(
        row: &StringRecord,
        ctx: &NormalizeContext,
    ) -> Vec<(u32, String, String, Option<String>)> {
        let mut out = Vec::new();
        for (i, raw) in row.iter().enumerate() {
            let Some(role) = ctx.columns.role(i) else { continue };
            if !raw.trim().is_empty()
                && MissingValues::applies_to(role)
                && ctx.missing.is_missing(raw)
            {
                let message = format!("placeholder `{}` stands for a missing value", raw.trim());
                out.push((i as u32, "IN005".to_string(), message, Some(String::new())));
                continue;
            }
            let cell = normalize_cell(role, i, raw, ctx);
            for issue in cell.issues {
                let suggestion =
                    issue.suggestion.as_deref().filter(|s| *s != cell.value).map(String::from);
                out.push((i as u32, issue.code.to_string(), issue.message.to_string(), suggestion));
            }
        }
        out
    }

    fn rendered(n: &NormalizedRow) -> Vec<(u32, String, String, Option<String>)> {
        n.all_issues()
            .map(|i| {
                (
                    i.column,
                    i.code.to_string(),
                    i.message().into_owned(),
                    i.suggestion.map(String::from),
                )
            })
            .collect()
    }

    fn contacts_context(rows: &[StringRecord]) -> NormalizeContext {
        let headers: Vec<String> =
            ["ФИО", "Телефон", "Доп. телефон", "Дата рождения", "Дата создания", "Email"]
                .map(String::from)
                .to_vec();
        let settings = NormalizeSettings {
            region: "RU".into(),
            fix_typos: true,
            as_of: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            allow_ip_literals: false,
        };
        NormalizeContext::new(
            settings,
            MissingValues::new(["n/a"]),
            ColumnMap::resolve(&headers, &[]),
            rows.iter(),
        )
    }

    #[test]
    fn rewritten_cells_give_back_the_issues_they_stand_for() {
        let rows: Vec<StringRecord> = [
            [
                "иванов  иван",
                "8 (916) 123-45-67",
                "+7 495 981-01-85 доб. 12",
                "01.02.1980",
                "2024-01-05",
                "a@b.ru",
            ],
            [
                "Ивaнов Иван",
                "89161234567",
                "не звонить",
                "1.2.80",
                "05/01/2024",
                "Ivanov@GMIAL.com",
            ],
            [
                "Петров Пётр",
                "+79161234567",
                "8 916 123 45 67, 8 495 981 01 85",
                "31.02.1980",
                "n/a",
                "",
            ],
            ["", "12345", "", "1980-02-01", "вчера", "x@"],
        ]
        .iter()
        .map(|r| StringRecord::from(r.to_vec()))
        .collect();
        let ctx = contacts_context(&rows);
        let mut deferred = 0;
        for row in &rows {
            let n = normalize_row(row, &ctx);
            deferred += n.rewritten.0.count_ones();
            assert_eq!(rendered(&n), reference_issues(row, &ctx), "{row:?}");
        }
        // The dates, the phones and the name of these rows are kept as bits, not issues.
        assert!(deferred >= 6, "{deferred}");
    }

    #[test]
    fn rewrites_keep_their_place_before_later_issues() {
        let rows = vec![StringRecord::from(vec![
            "Иванов Иван",
            "8 (916) 123-45-67",
            "",
            "01.02.1980",
            "",
            "",
        ])];
        let ctx = contacts_context(&rows);
        let mut n = normalize_row(&rows[0], &ctx);
        assert!(!n.rewritten.is_empty());
        // A check adds an issue on the first column after normalization: it stays last.
        n.issues.push(CellIssue { column: 0, issue: Issue::new("CP001", "later") });
        let codes: Vec<&str> = n.all_issues().map(|i| i.code).collect();
        assert_eq!(codes, ["PH005", "DT002", "CP001"]);
    }

    #[test]
    fn rewrite_issues_never_mark_a_cell_invalid() {
        // `cell_invalid` reads stored issues only: rewrites must never be errors.
        for rewrite in Rewrite::ALL {
            let meta = crate::rules::registry::lookup(rewrite.code()).expect("registered");
            assert_ne!(
                meta.default_severity,
                crate::finding::Severity::Error,
                "{}",
                rewrite.code()
            );
        }
    }

    #[test]
    fn a_rewrite_message_is_matched_exactly() {
        let m = Rewrite::Phone.message(" 8 916 ", "+7916");
        assert!(m.is_same_as("'8 916' rewritten as '+7916'"));
        assert!(!m.is_same_as("'8 916' rewritten as '+7916'."));
        assert!(!m.is_same_as("'8 916 ' rewritten as '+7916'"));
        assert_eq!(m.text(), "'8 916' rewritten as '+7916'");
        assert!(!Rewrite::Date.message("", "").is_same_as("Date rewritten."));
    }
}
