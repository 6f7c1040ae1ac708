//! Golden-record merge: survivorship per field for one cluster of duplicate rows.
//!
//! Merges cannot be undone in most CRMs, so this merge is conservative and explains itself:
//!
//! - every golden value comes from a member row (values are never invented) and the golden
//!   record has the same width as the member records;
//! - phones and emails are unioned by default: a conflicting number is an extra channel, not
//!   a value to overwrite;
//! - consent always takes the most restrictive reading: any refusal, withdrawal or stop in
//!   the cluster reaches the golden record, whatever the configured strategy; the earliest
//!   consent evidence (date with its own method and evidence) is kept;
//! - per-field [`FieldProvenance`] lists the rows each golden value came from and the values
//!   left out, so a wrong merge can be split again.
//!
//! Member order in the slice does not matter: rows are ranked by recency and their pipeline
//! index, so the same cluster always gives the same golden record.

use std::cmp::Reverse;
use std::collections::HashSet;
use std::path::Path;

use crate::record::{Record, RecordBuilder};
use chrono::NaiveDate;

use crate::roles::{ColumnMap, Role};
use crate::rules::checks::{Flag, parse_date, parse_flag};
use crate::rules::config::{Strategy, Survivorship};

/// One input row as the merge sees it.
#[derive(Debug, Clone, Copy)]
pub struct MergeRow<'a> {
    /// Row index in the pipeline (unique; ascending order = input order).
    pub index: usize,
    /// Normalized values in unified column order.
    pub record: &'a Record,
    /// Input file path as given.
    pub source: &'a str,
    /// Latest of the row's last-activity / last-purchase / created dates.
    pub recency: Option<NaiveDate>,
}

/// Where one golden value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProvenance {
    /// Column index in the unified table.
    pub column: u32,
    /// How the value was chosen: `most_recent`, `most_complete`, `source_priority`, `union`,
    /// `primary` (id columns), `most_restrictive` (consent flags), `earliest_stop`
    /// (withdrawal / unsubscribe dates) or `earliest_consent` (consent date, method, evidence).
    pub strategy: &'static str,
    /// Indices of the rows whose value is (or, for a union, is part of) the golden value,
    /// ascending.
    pub from_rows: Vec<usize>,
    /// Other non-empty values that were not kept, with their row index, ascending by index.
    pub discarded: Vec<(usize, String)>,
}

/// The merged record of a cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldenRecord {
    /// Indices of the member rows, ascending.
    pub members: Vec<usize>,
    /// The golden values, one per column.
    pub record: Record,
    /// One entry per column where at least one member has a non-empty value, in column
    /// order; empty for a single-row cluster.
    pub provenance: Vec<FieldProvenance>,
}

/// Merges one cluster into its golden record.
///
/// A single-row cluster returns its record unchanged with empty provenance. Strategies come
/// from `survivorship` per column role (columns without a role use its default; phone and
/// email columns default to a union unless `survivorship.fields` names them); id and consent
/// columns follow fixed rules that cannot be configured (see the module docs).
pub fn merge_cluster(
    rows: &[MergeRow],
    columns: &ColumnMap,
    survivorship: &Survivorship,
) -> GoldenRecord {
    if let [row] = rows {
        return GoldenRecord {
            members: vec![row.index],
            record: row.record.clone(),
            provenance: Vec::new(),
        };
    }
    let Some(ctx) = Ranking::new(rows, columns, survivorship) else {
        return GoldenRecord { members: Vec::new(), record: Record::new(), provenance: Vec::new() };
    };
    let width = rows.iter().map(|r| r.record.len()).max().unwrap_or(0);
    let consent_row = ctx.consent_evidence_row(columns);
    let mut record = RecordBuilder::with_capacity(0, width);
    let mut provenance = Vec::new();
    for col in 0..width {
        let role = columns.role(col);
        let merged = match role {
            Some(Role::Id) => ctx.pick(col, &ctx.by_recency, "primary"),
            Some(r) if is_consent_flag(r) => ctx.most_restrictive(col),
            Some(Role::ConsentWithdrawnAt | Role::UnsubscribedAt) => ctx.earliest_stop(col),
            Some(Role::ConsentDate | Role::ConsentMethod | Role::ConsentEvidence) => {
                ctx.consent_evidence(col, consent_row)
            }
            _ => match strategy_for(role, survivorship) {
                Strategy::MostRecent => ctx.pick(col, &ctx.by_recency, "most_recent"),
                Strategy::MostComplete => ctx.pick(col, &ctx.by_completeness, "most_complete"),
                Strategy::SourcePriority => ctx.pick(col, &ctx.by_source, "source_priority"),
                Strategy::Union => ctx.union(col),
            },
        };
        match merged {
            Some((value, mut prov)) => {
                record.push_field(&value);
                // Golden records are kept to the end of the run: hold no spare room.
                prov.from_rows.shrink_to_fit();
                prov.discarded.shrink_to_fit();
                provenance.push(prov);
            }
            // No member has a value: keep the primary row's cell as it is (empty or blank).
            None => record.push_field(ctx.raw(ctx.primary(), col)),
        }
    }
    let mut members: Vec<usize> = rows.iter().map(|r| r.index).collect();
    members.sort_unstable();
    provenance.shrink_to_fit();
    GoldenRecord { members, record: record.finish(), provenance }
}

/// The configured strategy for a column that has no fixed rule.
fn strategy_for(role: Option<Role>, survivorship: &Survivorship) -> Strategy {
    match role {
        None => survivorship.default,
        // Never drop a channel unless the rules file explicitly asks for one value.
        Some(r @ (Role::Phone | Role::Email)) if !survivorship.fields.contains_key(r.as_str()) => {
            Strategy::Union
        }
        Some(r) => survivorship.strategy(r),
    }
}

/// Roles whose cell is a yes/no consent or campaign flag.
fn is_consent_flag(role: Role) -> bool {
    matches!(
        role,
        Role::ConsentProcessing
            | Role::ConsentMarketing
            | Role::ConsentEmail
            | Role::ConsentSms
            | Role::ConsentCall
            | Role::MarketingFlag
    )
}

/// Whether a consent value withdraws consent: `отозвано`, `withdrawn`, `unsubscribed`, or a
/// text starting with such a word (`Отозвано 12.03.2024`).
fn is_withdrawal(value: &str) -> bool {
    if let Some(flag) = parse_flag(value) {
        return flag == Flag::Withdrawn;
    }
    let v = value.trim().to_lowercase();
    ["отозван", "withdrawn", "отписа", "unsubscribed", "revoked"].iter().any(|w| v.starts_with(w))
}

/// Whether a consent value refuses or withdraws consent (`нет`, `no`, `0`, `false`, `отказ`,
/// `opt-out`, `отозвано`, `withdrawn`, `unsubscribed` …).
fn is_restrictive(value: &str) -> bool {
    matches!(parse_flag(value), Some(Flag::No)) || is_withdrawal(value)
}

/// Whether a consent value grants consent (`да`, `yes`, `1`, `true`, `opt-in`, a date …).
fn is_affirmative(value: &str) -> bool {
    matches!(parse_flag(value), Some(Flag::Yes))
}

/// How restrictive a non-empty consent value is: withdrawal > refusal > unreadable > consent.
/// An unreadable value ranks above a consent because it does not prove one.
fn restriction_rank(value: &str) -> u8 {
    if is_withdrawal(value) {
        3
    } else if is_restrictive(value) {
        2
    } else if is_affirmative(value) {
        0
    } else {
        1
    }
}

/// Member orderings of one cluster; every ordering holds positions into `rows`.
struct Ranking<'r, 'a> {
    rows: &'r [MergeRow<'a>],
    /// Most recent first (undated rows last), ties by lower index. The first is the primary.
    by_recency: Vec<usize>,
    /// Most filled cells first, ties by `by_recency`.
    by_completeness: Vec<usize>,
    /// Highest source priority first, rows of unlisted sources last, ties by `by_recency`.
    by_source: Vec<usize>,
}

impl<'r, 'a> Ranking<'r, 'a> {
    fn new(
        rows: &'r [MergeRow<'a>],
        columns: &ColumnMap,
        survivorship: &Survivorship,
    ) -> Option<Self> {
        if rows.is_empty() {
            return None;
        }
        let mut by_recency: Vec<usize> = (0..rows.len()).collect();
        by_recency.sort_by_key(|&p| (Reverse(rows[p].recency), rows[p].index));
        // recency_rank[p] = place of row p in by_recency, the common tie-break.
        let mut recency_rank = vec![0usize; rows.len()];
        for (rank, &p) in by_recency.iter().enumerate() {
            recency_rank[p] = rank;
        }
        let filled: Vec<usize> =
            rows.iter().map(|r| r.record.iter().filter(|v| !v.trim().is_empty()).count()).collect();
        let mut by_completeness = by_recency.clone();
        by_completeness.sort_by_key(|&p| (Reverse(filled[p]), recency_rank[p]));
        let mut by_source = by_recency.clone();
        if !survivorship.source_priority.is_empty() {
            let priority: Vec<String> =
                survivorship.source_priority.iter().map(|s| s.trim().to_lowercase()).collect();
            let source_col = columns.first(Role::Source);
            let rank: Vec<usize> =
                rows.iter().map(|r| source_rank(r, source_col, &priority)).collect();
            by_source.sort_by_key(|&p| (rank[p], recency_rank[p]));
        }
        Some(Ranking { rows, by_recency, by_completeness, by_source })
    }

    /// Position of the primary row: the most recent member.
    fn primary(&self) -> usize {
        // `new` refuses an empty cluster, so by_recency has a first element.
        self.by_recency.first().copied().unwrap_or(0)
    }

    /// The cell as stored ("" past the end of a short record).
    fn raw(&self, pos: usize, col: usize) -> &'a str {
        self.rows.get(pos).and_then(|r| r.record.get(col)).unwrap_or("")
    }

    /// The cell when it holds something other than blanks.
    fn filled(&self, pos: usize, col: usize) -> Option<&'a str> {
        Some(self.raw(pos, col)).filter(|v| !v.trim().is_empty())
    }

    /// Golden value taken from the row at `pos`, with the rows agreeing with it and the
    /// other values left out.
    fn chosen(
        &self,
        col: usize,
        pos: usize,
        strategy: &'static str,
    ) -> Option<(String, FieldProvenance)> {
        let value = self.filled(pos, col)?;
        let key = value.trim();
        let mut from_rows = Vec::new();
        let mut discarded = Vec::new();
        for p in 0..self.rows.len() {
            if let Some(v) = self.filled(p, col) {
                if v.trim() == key {
                    from_rows.push(self.rows[p].index);
                } else {
                    discarded.push((self.rows[p].index, v.to_string()));
                }
            }
        }
        from_rows.sort_unstable();
        discarded.sort();
        let column = u32::try_from(col).unwrap_or(u32::MAX);
        Some((value.to_string(), FieldProvenance { column, strategy, from_rows, discarded }))
    }

    /// The first non-empty value in `order`.
    fn pick(
        &self,
        col: usize,
        order: &[usize],
        strategy: &'static str,
    ) -> Option<(String, FieldProvenance)> {
        let pos = order.iter().copied().find(|&p| self.filled(p, col).is_some())?;
        self.chosen(col, pos, strategy)
    }

    /// Every distinct `;`-separated part, most recent row first, joined with `; `.
    fn union(&self, col: usize) -> Option<(String, FieldProvenance)> {
        let mut parts: Vec<&str> = Vec::new();
        // Values that differ only in case are one channel (`Ivan@Mail.ru` = `ivan@mail.ru`);
        // the most recent row's spelling is kept.
        let mut seen: HashSet<String> = HashSet::new();
        let mut from_rows = Vec::new();
        for &p in &self.by_recency {
            let Some(v) = self.filled(p, col) else { continue };
            from_rows.push(self.rows[p].index);
            for part in v.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                if seen.insert(part.to_lowercase()) {
                    parts.push(part);
                }
            }
        }
        if parts.is_empty() {
            return None;
        }
        from_rows.sort_unstable();
        let column = u32::try_from(col).unwrap_or(u32::MAX);
        let prov = FieldProvenance { column, strategy: "union", from_rows, discarded: Vec::new() };
        Some((parts.join("; "), prov))
    }

    /// Consent flag: the most restrictive value of the cluster; ties go to the most recent row.
    fn most_restrictive(&self, col: usize) -> Option<(String, FieldProvenance)> {
        let mut best: Option<(u8, usize)> = None;
        for &p in &self.by_recency {
            if let Some(v) = self.filled(p, col) {
                let rank = restriction_rank(v);
                if best.is_none_or(|(r, _)| rank > r) {
                    best = Some((rank, p));
                }
            }
        }
        self.chosen(col, best?.1, "most_restrictive")
    }

    /// Withdrawal / unsubscribe cell: any stop wins. The earliest dated stop first, then an
    /// undated stop (`да`, `withdrawn`, free text) of the most recent row, and only when no
    /// member records a stop, the most recent `нет`.
    fn earliest_stop(&self, col: usize) -> Option<(String, FieldProvenance)> {
        // Key: (kind: 0 dated stop, 1 undated stop, 2 not a stop; date; recency rank).
        let (_, best) = (self.by_recency.iter().enumerate())
            .filter_map(|(rank, &p)| {
                let v = self.filled(p, col)?;
                let key = match (parse_date(v.trim()), parse_flag(v)) {
                    (Some(d), _) => (0u8, Some(d), rank),
                    (None, Some(Flag::No)) => (2, None, rank),
                    (None, _) => (1, None, rank),
                };
                Some((key, p))
            })
            .min_by_key(|&(key, _)| key)?;
        self.chosen(col, best, "earliest_stop")
    }

    /// The row whose consent evidence the golden record keeps: the earliest consent date
    /// among rows whose evidence is complete (date, method and evidence, those of the three
    /// columns the table has), else the earliest consent date, else the row with the most
    /// evidence cells filled (ties to the most recent).
    fn consent_evidence_row(&self, columns: &ColumnMap) -> Option<usize> {
        let group: Vec<usize> = [Role::ConsentDate, Role::ConsentMethod, Role::ConsentEvidence]
            .iter()
            .flat_map(|&r| columns.indices(r))
            .collect();
        if group.is_empty() {
            return None;
        }
        let date_col = columns.first(Role::ConsentDate);
        // Key: (no parseable date, evidence incomplete, date, cells missing, recency rank).
        (self.by_recency.iter().enumerate())
            .filter_map(|(rank, &p)| {
                let filled = group.iter().filter(|&&c| self.filled(p, c).is_some()).count();
                if filled == 0 {
                    return None;
                }
                let date =
                    date_col.and_then(|c| self.filled(p, c)).and_then(|v| parse_date(v.trim()));
                let missing = group.len() - filled;
                Some(((date.is_none(), missing > 0, date, missing, rank), p))
            })
            .min_by_key(|&(key, _)| key)
            .map(|(_, p)| p)
    }

    /// Consent date / method / evidence: the value of the evidence row, never mixed with
    /// another row's (a date from one consent with the method of another proves nothing).
    fn consent_evidence(
        &self,
        col: usize,
        row: Option<usize>,
    ) -> Option<(String, FieldProvenance)> {
        self.chosen(col, row?, "earliest_consent")
    }
}

/// Place of a row's source in the priority list (lower = preferred; `usize::MAX` when not
/// listed). A row matches an entry by its path, file name, file stem or `source` column value.
fn source_rank(row: &MergeRow, source_col: Option<usize>, priority: &[String]) -> usize {
    let path = Path::new(row.source);
    let mut names: Vec<String> = vec![row.source.trim().to_lowercase()];
    if let Some(v) = source_col.and_then(|c| row.record.get(c)) {
        if !v.trim().is_empty() {
            names.push(v.trim().to_lowercase());
        }
    }
    for part in [path.file_name(), path.file_stem()].into_iter().flatten() {
        if let Some(s) = part.to_str() {
            names.push(s.trim().to_lowercase());
        }
    }
    priority.iter().position(|p| names.contains(p)).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::{Just, prop, prop_assert, prop_assert_eq, prop_oneof, proptest};
    use std::collections::BTreeMap;

    const HEADERS: &[&str] = &[
        "ID клиента",                // 0
        "ФИО",                       // 1
        "Телефон",                   // 2
        "E-mail",                    // 3
        "Согласие на обработку ПД",  // 4
        "Согласие на рассылку",      // 5
        "Дата отзыва согласия",      // 6
        "Последняя покупка",         // 7
        "Менеджер",                  // 8
        "Дата согласия",             // 9
        "Способ получения согласия", // 10
        "Источник",                  // 11
        "Комментарий",               // 12: no role
    ];

    fn columns() -> ColumnMap {
        let headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
        ColumnMap::resolve(&headers, &[])
    }

    fn record(cells: &[&str]) -> Record {
        (0..HEADERS.len()).map(|i| cells.get(i).copied().unwrap_or("")).collect()
    }

    fn date(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    fn rows<'a>(records: &'a [Record], meta: &[(&'a str, Option<&str>)]) -> Vec<MergeRow<'a>> {
        records
            .iter()
            .zip(meta)
            .enumerate()
            .map(|(i, (record, &(source, recency)))| MergeRow {
                index: i * 10,
                record,
                source,
                recency: recency.and_then(date),
            })
            .collect()
    }

    fn merge(rows: &[MergeRow]) -> GoldenRecord {
        merge_cluster(rows, &columns(), &Survivorship::default())
    }

    fn prov(g: &GoldenRecord, col: u32) -> &FieldProvenance {
        g.provenance
            .iter()
            .find(|p| p.column == col)
            .unwrap_or_else(|| panic!("no provenance for {col}"))
    }

    #[test]
    fn test_columns_have_the_expected_roles() {
        let c = columns();
        let expected = [
            Some(Role::Id),
            Some(Role::FullName),
            Some(Role::Phone),
            Some(Role::Email),
            Some(Role::ConsentProcessing),
            Some(Role::ConsentMarketing),
            Some(Role::ConsentWithdrawnAt),
            Some(Role::LastPurchaseAt),
            Some(Role::Manager),
            Some(Role::ConsentDate),
            Some(Role::ConsentMethod),
            Some(Role::Source),
            None,
        ];
        for (i, want) in expected.iter().enumerate() {
            assert_eq!(c.role(i), *want, "column {}", HEADERS[i]);
        }
    }

    #[test]
    fn single_row_fast_path_returns_record_unchanged() {
        let r = [record(&["7", " Иванов Иван ", "+79161234567;+74959810185", "", "нет"])];
        let g = merge(&rows(&r, &[("a.csv", None)]));
        assert_eq!(g.record, r[0]);
        assert_eq!(g.members, vec![0]);
        assert!(g.provenance.is_empty());
    }

    #[test]
    fn empty_cluster_gives_empty_record() {
        let g = merge(&[]);
        assert!(g.members.is_empty());
        assert_eq!(g.record.len(), 0);
    }

    #[test]
    fn union_keeps_every_phone_and_email() {
        let r = [
            record(&["1", "Иванов", "+79161234567", "ivan@mail.ru"]),
            record(&["2", "Иванов", "+74959810185; +79161234567", "i.ivanov@corp.ru;ivan@mail.ru"]),
            record(&["3", "Иванов", "", "ivan@yandex.ru"]),
        ];
        let g = merge(&rows(
            &r,
            &[("a.csv", Some("2024-01-01")), ("b.csv", Some("2025-01-01")), ("c.csv", None)],
        ));
        // Most recent row (index 10) first, then index 0, then the undated row.
        assert_eq!(&g.record[2], "+74959810185; +79161234567");
        assert_eq!(&g.record[3], "i.ivanov@corp.ru; ivan@mail.ru; ivan@yandex.ru");
        assert_eq!(prov(&g, 2).strategy, "union");
        assert_eq!(prov(&g, 2).from_rows, vec![0, 10]);
        assert_eq!(prov(&g, 3).from_rows, vec![0, 10, 20]);
        assert!(prov(&g, 3).discarded.is_empty());
    }

    #[test]
    fn explicitly_configured_phone_strategy_is_honoured() {
        let r = [record(&["1", "", "+79161234567"]), record(&["2", "", "+74959810185"])];
        let s = Survivorship {
            fields: BTreeMap::from([("phone".to_string(), Strategy::MostRecent)]),
            ..Survivorship::default()
        };
        let g = merge_cluster(
            &rows(&r, &[("a", Some("2024-01-01")), ("b", Some("2023-01-01"))]),
            &columns(),
            &s,
        );
        assert_eq!(&g.record[2], "+79161234567");
        assert_eq!(prov(&g, 2).discarded, vec![(10, "+74959810185".to_string())]);
    }

    #[test]
    fn withdrawal_in_any_member_wins() {
        let cases: &[(&[&str], &str)] = &[
            (&["да", "отозвано", "да"], "отозвано"),
            (&["yes", "", "withdrawn"], "withdrawn"),
            (&["нет", "отозвано", "да"], "отозвано"),
            (&["да", "нет", "да"], "нет"),
            (&["1", "0", ""], "0"),
            (&["true", "false", "true"], "false"),
            (&["согласен", "отказ", ""], "отказ"),
            (&["opt-in", "opt-out", ""], "opt-out"),
            (&["да", "Отозвано 12.03.2024", "нет"], "Отозвано 12.03.2024"),
            (&["да", "да", ""], "да"),
            (&["", "", ""], ""),
        ];
        for (values, want) in cases {
            let r: Vec<Record> = values.iter().map(|v| record(&["1", "", "", "", v])).collect();
            let meta =
                [("a", Some("2025-01-01")), ("b", Some("2020-01-01")), ("c", Some("2024-01-01"))];
            let g = merge(&rows(&r, &meta));
            assert_eq!(&g.record[4], *want, "{values:?}");
        }
    }

    #[test]
    fn refusal_in_marketing_consent_beats_consent_even_when_older() {
        let r = [record(&["1", "", "", "", "да", "да"]), record(&["2", "", "", "", "да", "нет"])];
        let g = merge(&rows(&r, &[("a", Some("2025-06-01")), ("b", Some("2019-01-01"))]));
        assert_eq!(&g.record[5], "нет");
        let p = prov(&g, 5);
        assert_eq!(p.strategy, "most_restrictive");
        assert_eq!(p.from_rows, vec![10]);
        assert_eq!(p.discarded, vec![(0, "да".to_string())]);
    }

    #[test]
    fn consent_strategy_cannot_be_loosened_by_configuration() {
        let r = [record(&["1", "", "", "", "", "да"]), record(&["2", "", "", "", "", "нет"])];
        let s = Survivorship {
            fields: BTreeMap::from([("consent_marketing".to_string(), Strategy::MostRecent)]),
            ..Survivorship::default()
        };
        let g = merge_cluster(&rows(&r, &[("a", Some("2025-06-01")), ("b", None)]), &columns(), &s);
        assert_eq!(&g.record[5], "нет");
    }

    #[test]
    fn any_withdrawal_date_wins_and_the_earliest_is_kept() {
        let cases: &[(&[&str], &str)] = &[
            (&["", "2024-05-01", ""], "2024-05-01"),
            (&["2024-05-01", "2023-02-10", ""], "2023-02-10"),
            (&["да", "2024-05-01", ""], "2024-05-01"),
            (&["нет", "", "да"], "да"),
            (&["нет", "", ""], "нет"),
            (&["10.02.2023", "2024-05-01", ""], "10.02.2023"),
        ];
        for (values, want) in cases {
            let r: Vec<Record> =
                values.iter().map(|v| record(&["1", "", "", "", "", "", v])).collect();
            let meta = [("a", Some("2025-01-01")), ("b", Some("2020-01-01")), ("c", None)];
            let g = merge(&rows(&r, &meta));
            assert_eq!(&g.record[6], *want, "{values:?}");
        }
    }

    #[test]
    fn earliest_consent_evidence_is_kept_with_its_own_method() {
        // Columns 9 and 10: consent date and consent method.
        let consent = |id: &str, date: &str, method: &str| {
            record(&[id, "", "", "", "да", "", "", "", "", date, method])
        };
        // a: recent consent via web form; b: older consent on paper; c: oldest date, no method.
        let recs = [
            consent("1", "2024-03-01", "веб-форма"),
            consent("2", "2021-07-15", "бумажное"),
            consent("3", "2019-01-01", ""),
        ];
        let meta = [("a", Some("2025-01-01")), ("b", Some("2022-01-01")), ("c", None)];
        let g = merge(&rows(&recs, &meta));
        // The oldest complete evidence: b's date together with b's method, never c's date with
        // another row's method.
        assert_eq!(&g.record[9], "2021-07-15");
        assert_eq!(&g.record[10], "бумажное");
        assert_eq!(prov(&g, 9).strategy, "earliest_consent");
        assert_eq!(prov(&g, 9).from_rows, vec![10]);
        assert_eq!(prov(&g, 10).from_rows, vec![10]);

        // No complete evidence: the earliest date wins, with its own (empty) method.
        let recs = [consent("1", "2024-03-01", ""), consent("3", "2019-01-01", "")];
        let g = merge(&rows(&recs, &[("a", Some("2025-01-01")), ("c", None)]));
        assert_eq!(&g.record[9], "2019-01-01");
        assert_eq!(&g.record[10], "");
    }

    #[test]
    fn most_recent_picks_the_latest_non_empty_value() {
        let r = [
            record(&["1", "Иванов Иван", "", "", "", "", "", "2023-01-01", "Петров"]),
            record(&["2", "Иванов Иван Иванович", "", "", "", "", "", "2025-01-01", ""]),
            record(&["3", "Иванов И.", "", "", "", "", "", "", "Сидоров"]),
        ];
        let g =
            merge(&rows(&r, &[("a", Some("2023-01-01")), ("b", Some("2025-01-01")), ("c", None)]));
        assert_eq!(&g.record[1], "Иванов Иван Иванович");
        // The most recent row has no manager: the next most recent that has one.
        assert_eq!(&g.record[8], "Петров");
        assert_eq!(prov(&g, 8).strategy, "most_recent");
        assert_eq!(prov(&g, 8).discarded, vec![(20, "Сидоров".to_string())]);
        // Id: the primary (most recent) row's id; the others are listed as discarded.
        assert_eq!(&g.record[0], "2");
        let p = prov(&g, 0);
        assert_eq!(p.strategy, "primary");
        assert_eq!(p.from_rows, vec![10]);
        assert_eq!(p.discarded, vec![(0, "1".to_string()), (20, "3".to_string())]);
    }

    #[test]
    fn recency_ties_go_to_the_lower_index_regardless_of_slice_order() {
        let r = [record(&["1", "Первый"]), record(&["2", "Второй"])];
        let mut members = rows(&r, &[("a", Some("2024-01-01")), ("b", Some("2024-01-01"))]);
        let g1 = merge(&members);
        members.reverse();
        let g2 = merge(&members);
        assert_eq!(&g1.record[1], "Первый");
        assert_eq!(g1, g2);
    }

    #[test]
    fn most_complete_picks_the_fullest_row() {
        let r = [
            record(&["1", "Иванов И.", "", "", "", "", "", "", "Петров"]),
            record(&[
                "2",
                "Иванов Иван",
                "+79161234567",
                "ivan@mail.ru",
                "да",
                "",
                "",
                "",
                "Сидоров",
            ]),
            record(&["3", "Иванов Иван Иванович", "", "", "", "", "", "", ""]),
        ];
        let s = Survivorship { default: Strategy::MostComplete, ..Survivorship::default() };
        let g = merge_cluster(
            &rows(
                &r,
                &[("a", Some("2025-01-01")), ("b", Some("2020-01-01")), ("c", Some("2024-01-01"))],
            ),
            &columns(),
            &s,
        );
        assert_eq!(&g.record[1], "Иванов Иван");
        assert_eq!(&g.record[8], "Сидоров");
        assert_eq!(prov(&g, 1).strategy, "most_complete");
        // Equal completeness: the most recent of the tied rows.
        let r = [record(&["1", "Старый"]), record(&["2", "Новый"])];
        let g = merge_cluster(
            &rows(&r, &[("a", Some("2020-01-01")), ("b", Some("2021-01-01"))]),
            &columns(),
            &s,
        );
        assert_eq!(&g.record[1], "Новый");
    }

    #[test]
    fn source_priority_prefers_listed_sources_then_falls_back_to_recency() {
        let r = [
            record(&["1", "Из таблицы", "", "", "", "", "", "", "Петров"]),
            record(&["2", "Из CRM", "", "", "", "", "", "", ""]),
            record(&["3", "Из формы", "", "", "", "", "", "", "Сидоров", "", "", "сайт"]),
        ];
        let s = Survivorship {
            default: Strategy::SourcePriority,
            source_priority: vec!["crm.csv".into(), "Сайт".into()],
            ..Survivorship::default()
        };
        let meta = [
            ("exports/sheet.csv", Some("2025-01-01")),
            ("/data/crm.csv", Some("2020-01-01")),
            ("x.csv", None),
        ];
        let g = merge_cluster(&rows(&r, &meta), &columns(), &s);
        assert_eq!(&g.record[1], "Из CRM");
        // CRM has no manager: next priority is the row whose source column says `сайт`.
        assert_eq!(&g.record[8], "Сидоров");
        assert_eq!(prov(&g, 1).strategy, "source_priority");
        // No listed source has a value: most recent.
        let s2 = Survivorship { source_priority: vec!["other.csv".into()], ..s };
        let g = merge_cluster(&rows(&r, &meta), &columns(), &s2);
        assert_eq!(&g.record[1], "Из таблицы");
    }

    #[test]
    fn provenance_lists_source_rows_of_each_column() {
        let r = [
            record(&["1", "Иванов", "+79161234567", "", "да", "", "", "", "", "", "", "", "vip"]),
            record(&["2", "Иванов", "", "", "да", "", "", "", "", "", "", "", ""]),
        ];
        let g = merge(&rows(&r, &[("a", Some("2025-01-01")), ("b", Some("2024-01-01"))]));
        let cols: Vec<u32> = g.provenance.iter().map(|p| p.column).collect();
        assert_eq!(cols, vec![0, 1, 2, 4, 12]);
        assert_eq!(prov(&g, 1).from_rows, vec![0, 10], "both rows agree on the name");
        assert_eq!(prov(&g, 2).from_rows, vec![0]);
        assert_eq!(prov(&g, 4).from_rows, vec![0, 10]);
        assert_eq!(prov(&g, 12).strategy, "most_recent");
        assert_eq!(&g.record[12], "vip");
        assert_eq!(g.members, vec![0, 10]);
        assert_eq!(g.record.len(), HEADERS.len());
    }

    #[test]
    fn ragged_records_keep_the_widest_width() {
        let a = Record::from(vec!["1", "Иванов"]);
        let b = record(&["2", "", "+79161234567"]);
        let recs = [a, b];
        let g = merge(&rows(&recs, &[("a", Some("2025-01-01")), ("b", None)]));
        assert_eq!(g.record.len(), HEADERS.len());
        assert_eq!(&g.record[1], "Иванов");
        assert_eq!(&g.record[2], "+79161234567");
    }

    #[test]
    fn consent_value_classification() {
        for v in [
            "нет",
            "no",
            "0",
            "false",
            "отозвано",
            "withdrawn",
            "отказ",
            "opt-out",
            "unsubscribed",
            "Нет",
        ] {
            assert!(is_restrictive(v), "{v}");
            assert!(!is_affirmative(v), "{v}");
        }
        for v in ["да", "yes", "1", "true", "согласен", "opt-in", "2024-01-01"] {
            assert!(is_affirmative(v), "{v}");
            assert!(!is_restrictive(v), "{v}");
        }
        assert!(!is_withdrawal("не отозвано"));
        assert!(!is_restrictive(""));
        assert!(!is_affirmative(""));
    }

    fn cell() -> impl proptest::strategy::Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("  ".to_string()),
            "[+0-9a-zа-я@. ;-]{1,20}",
            Just("да".to_string()),
            Just("нет".to_string()),
            Just("отозвано".to_string()),
            Just("2024-02-30".to_string()),
            Just("2023-05-01".to_string()),
        ]
    }

    proptest! {
        #[test]
        fn golden_keeps_width_and_every_phone_and_email(
            cluster in prop::collection::vec(
                (prop::collection::vec(cell(), HEADERS.len()), prop::option::of(0i64..3000), 0usize..3),
                2..6,
            ),
        ) {
            let records: Vec<Record> = cluster.iter().map(|(c, _, _)| Record::from(c.clone())).collect();
            let sources = ["a.csv", "b.csv", "c.csv"];
            let base = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default();
            let members: Vec<MergeRow> = records.iter().zip(&cluster).enumerate().map(|(i, (record, (_, days, src)))| MergeRow {
                index: i * 3 + 1,
                record,
                source: sources[*src],
                recency: days.map(|d| base + chrono::Duration::days(d)),
            }).collect();
            let s = Survivorship { source_priority: vec!["b.csv".into()], ..Survivorship::default() };
            let g = merge_cluster(&members, &columns(), &s);
            prop_assert_eq!(g.record.len(), HEADERS.len());
            for col in [2usize, 3] {
                let golden: Vec<&str> = g.record[col].split(';').map(str::trim).collect();
                for r in &records {
                    for part in r[col].split(';').map(str::trim).filter(|p| !p.is_empty()) {
                        prop_assert!(golden.contains(&part), "{part:?} lost from {:?}", &g.record[col]);
                    }
                }
            }
            // Any restrictive consent in a member reaches the golden record.
            for col in [4usize, 5] {
                if records.iter().any(|r| is_restrictive(&r[col])) {
                    prop_assert!(is_restrictive(&g.record[col]));
                }
            }
            // Every golden value comes from a member (no invented values) outside union columns.
            for col in (0..HEADERS.len()).filter(|c| ![2, 3].contains(c)) {
                let v = &g.record[col];
                prop_assert!(records.iter().any(|r| &r[col] == v), "column {col}: {v:?} invented");
            }
            // Slice order does not matter.
            let mut reversed = members.clone();
            reversed.reverse();
            prop_assert_eq!(merge_cluster(&reversed, &columns(), &s), g);
        }
    }
}
