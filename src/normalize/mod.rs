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
    /// What changed or is wrong, in column order.
    pub issues: Vec<CellIssue>,
    /// Phone extensions split off phone cells (`доб. 12`), by column; the cell keeps the E.164.
    pub extensions: Vec<(u32, String)>,
    /// The values as read of the cells normalization changed: with `record` they give back
    /// the row as read, without holding a second copy of every row.
    pub original: ChangedCells,
}

impl NormalizedRow {
    /// The value of `column` as it was read (before normalization); empty past the row's end.
    pub fn raw(&self, column: usize) -> &str {
        match self.original.get(column) {
            Some(v) => v,
            None => self.record.get(column).unwrap_or(""),
        }
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
                issues.extend(out.issues.into_iter().map(|mut issue| {
                    // A suggestion that is the written value says nothing the cell does not:
                    // findings show the cell then, and a base has millions of such issues.
                    if issue.suggestion.as_deref() == Some(&*out.value) {
                        issue.suggestion = None;
                    }
                    CellIssue { column: i as u32, issue }
                }));
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
        issues,
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
}
