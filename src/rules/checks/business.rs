//! `BZ` rules: the source articles' rules of keeping a base — one manager per client, contact
//! frequency, collecting only what the business needs — plus the contact log they need.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use chrono::NaiveDate;

use crate::finding::{Issue, Severity};
use crate::normalize::CellIssue;
use crate::roles::{Role, fold_header};
use crate::rules::meta::{FixKind, RuleMeta};

use super::consent::KeyNormalizer;
use super::{CheckParams, RowView, parse_date};

/// `BZ` rules.
pub static RULES: &[RuleMeta] = &[
    RuleMeta {
        code: "BZ001",
        name: "client-has-several-managers",
        summary: "One client (a duplicate cluster) is assigned to several managers",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nAfter deduplication: the records of one cluster name more than one \
distinct manager (compared case-insensitively, `ё` = `е`, spaces collapsed). One finding per cluster, on \
its first record's manager cell.\n\n\
## Why it matters\nThe source articles' first rule: one manager per client. A client called by two \
managers gets conflicting offers and double contact (see BZ002), and nobody owns the relationship.\n\n\
## Example\nRows `Иванов Иван, +79161234567, Петров` and `Иванов И., 89161234567, Сидорова` in one \
cluster.\n\n\
## Fix\nAgree on one owner and reassign the other records before merging. If shared ownership is agreed, \
suppress the rule for those clients.\n\n\
## Options\nNone. Needs dedupe clusters.",
    },
    RuleMeta {
        code: "BZ002",
        name: "contact-frequency-exceeded",
        summary: "A client was contacted on a channel more often than the cap allows",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nGiven a contact log (columns: client id or phone/email, channel, timestamp — \
header names in Russian or English), counts each client's contacts per channel in every window of \
`window_days` days up to the as-of date. More than the channel's cap in any window is a finding, one per \
client and channel, with the worst window.\n\n\
## Why it matters\nThe source articles' fourth rule: calling too often or chaotically scares clients away; \
contacts follow a schedule. Repeated unwanted contact also turns into complaints and stop requests (38-FZ \
art. 18), and in the US into TCPA claims.\n\n\
## Example\nFive calls to `+79161234567` between 2025-06-02 and 2025-06-06 with the call cap 3 per 7 \
days.\n\n\
## Fix\nPut the client on a contact schedule; check which managers or automations contact them (BZ001).\n\n\
## Options\n`[params.contact_cap]` in a rules file: `max_contacts` per channel within `window_days` \
(default 4 per 30 days), with per-channel caps in `channels` (`call = 3`). Starting points, meant to be \
tuned to the business's contact schedule.",
    },
    RuleMeta {
        code: "BZ003",
        name: "special-category-data-column",
        summary: "A column holds special-category data (health, religion, ethnicity, politics, criminal record, biometrics)",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nColumn headers that name special categories of personal data — `здоровье`, \
`диагноз`, `инвалидность`, `health`, `medical`, `религия`, `вероисповедание`, `religion`, `национальность`, \
`ethnicity`, `раса`, `политические взгляды`, `political`, `судимость`, `criminal`, `биометрия`, \
`biometric`, `sexual` — when at least one of their cells is filled. One finding per column, on the first \
row.\n\n\
## Why it matters\nProcessing special categories is prohibited except in the cases the law lists, with \
written consent (152-FZ art. 10, biometrics art. 11; GDPR art. 9, 10); marketing is not one of them. Data \
minimisation forbids collecting more than the purpose needs (152-FZ art. 5 p.5; GDPR art. 5(1)(c)).\n\n\
## Example\nA column `Диагноз` in a newsletter base.\n\n\
## Fix\nDrop the column from the export and delete the data where there is no legal ground for it.\n\n\
## Options\nNone.",
    },
    RuleMeta {
        code: "BZ004",
        name: "identity-document-column",
        summary: "A column holds identity-document numbers (passport, SNILS, SSN)",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nColumns mapped to the national-id role, or whose headers name passports, \
SNILS, driving licences or social security numbers (`паспорт`, `passport`, `СНИЛС`, `SSN`, `водительское \
удостоверение`), when at least one cell is filled. One finding per column, on the first row.\n\n\
## Why it matters\nThe source articles' second rule: collect only what the business needs. Identity \
document numbers are never needed to send an offer, and they are what makes a leak expensive (152-FZ \
art. 5 p.5, 7; GDPR art. 5(1)(c), 87).\n\n\
## Example\nColumns `Серия и номер паспорта`, `СНИЛС` in a CRM export for a mailing.\n\n\
## Fix\nRemove the column from marketing exports; keep the documents only in the system that has a legal \
ground for them (accounting, contracts).\n\n\
## Options\nNone.",
    },
];

/// A contact channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Email.
    Email,
    /// SMS (or messenger text).
    Sms,
    /// Phone call.
    Call,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 3] = [Channel::Email, Channel::Sms, Channel::Call];

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Call => "call",
        }
    }

    /// Reads a channel as written in a contact log (`звонок`, `SMS`, `e-mail`, `письмо`, …).
    pub fn parse(value: &str) -> Option<Channel> {
        let v = value.trim().to_lowercase();
        if ["sms", "смс", "сообщ", "whatsapp", "telegram", "viber"].iter().any(|w| v.contains(w))
        {
            Some(Channel::Sms)
        } else if ["mail", "почт", "письм", "рассыл", "newsletter"].iter().any(|w| v.contains(w))
        {
            Some(Channel::Email)
        } else if ["call", "звон", "телеф", "phone", "обзвон", "tel"].iter().any(|w| v.contains(w))
        {
            Some(Channel::Call)
        } else {
            None
        }
    }
}

/// At most `max` contacts on `channel` in any `window_days` days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactCap {
    /// The channel.
    pub channel: Channel,
    /// Contacts allowed per window.
    pub max: u32,
    /// Window length in days.
    pub window_days: u32,
}

impl ContactCap {
    /// Default caps: calls 3 per 7 days, SMS 4 per 30 days, email 8 per 30 days.
    pub fn defaults() -> Vec<ContactCap> {
        vec![
            ContactCap { channel: Channel::Call, max: 3, window_days: 7 },
            ContactCap { channel: Channel::Sms, max: 4, window_days: 30 },
            ContactCap { channel: Channel::Email, max: 8, window_days: 30 },
        ]
    }
}

/// One line of a contact log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactEvent {
    /// Client id, if the log has one.
    pub client_id: Option<String>,
    /// Phone match key.
    pub phone_key: Option<String>,
    /// Email match key.
    pub email_key: Option<String>,
    /// Channel.
    pub channel: Channel,
    /// Day of the contact.
    pub date: NaiveDate,
}

/// A contact log that cannot be used at all.
#[derive(Debug, thiserror::Error)]
pub enum ContactLogError {
    /// The header lacks a needed column.
    #[error("contact log: {0}")]
    MissingColumn(&'static str),
    /// The CSV could not be read.
    #[error("contact log: {0}")]
    Csv(#[from] csv::Error),
}

/// A parsed contact log: who was contacted, on which channel, when.
#[derive(Debug, Clone, Default)]
pub struct ContactLog {
    /// Usable events, in file order.
    pub events: Vec<ContactEvent>,
    /// Lines skipped: no client key, unknown channel or unreadable date.
    pub skipped: u64,
    /// The match keys the log was parsed with (rows are keyed the same way).
    pub keys: KeyNormalizer,
}

fn find_column(headers: &[String], aliases: &[&str]) -> Option<usize> {
    let folded: Vec<String> = headers.iter().map(|h| fold_header(h)).collect();
    aliases.iter().find_map(|a| {
        let a = fold_header(a);
        folded.iter().position(|h| *h == a)
    })
}

impl ContactLog {
    /// Parses a contact log with the default match keys. Needs a timestamp column and a client
    /// id, phone or email column; the channel column is optional (then email → email, phone →
    /// call). Bad lines are counted in `skipped`, never fatal.
    pub fn parse<R: Read>(reader: csv::Reader<R>) -> Result<ContactLog, ContactLogError> {
        ContactLog::parse_with_keys(reader, &KeyNormalizer::default())
    }

    /// Like [`ContactLog::parse`] with custom match keys.
    pub fn parse_with_keys<R: Read>(
        mut reader: csv::Reader<R>,
        keys: &KeyNormalizer,
    ) -> Result<ContactLog, ContactLogError> {
        let headers: Vec<String> = reader.headers()?.iter().map(str::to_string).collect();
        let id = find_column(
            &headers,
            &[
                "client_id",
                "customer_id",
                "contact_id",
                "id",
                "id клиента",
                "код клиента",
                "клиент",
                "client",
            ],
        );
        let phone =
            find_column(&headers, &["phone", "телефон", "tel", "номер", "number", "msisdn"]);
        let email =
            find_column(&headers, &["email", "e-mail", "почта", "эл. почта", "mail", "адрес"]);
        let channel =
            find_column(&headers, &["channel", "канал", "type", "тип", "вид", "способ", "медиа"]);
        let time = find_column(
            &headers,
            &[
                "timestamp",
                "date",
                "datetime",
                "time",
                "contacted_at",
                "sent_at",
                "created_at",
                "дата",
                "дата контакта",
                "дата и время",
                "время",
                "когда",
            ],
        )
        .ok_or(ContactLogError::MissingColumn("no timestamp/date column"))?;
        if id.is_none() && phone.is_none() && email.is_none() {
            return Err(ContactLogError::MissingColumn("no client id, phone or email column"));
        }
        let mut log = ContactLog { keys: keys.clone(), ..ContactLog::default() };
        for record in reader.records() {
            let Ok(record) = record else {
                log.skipped += 1;
                continue;
            };
            let cell = |c: Option<usize>| {
                c.and_then(|c| record.get(c)).map(str::trim).filter(|v| !v.is_empty())
            };
            let client_id = cell(id).map(str::to_string);
            let phone_key = cell(phone).and_then(|v| (keys.phone_key())(v));
            let email_key = cell(email).and_then(|v| (keys.email_key())(v));
            let ch = match cell(channel) {
                Some(v) => Channel::parse(v),
                None if channel.is_none() => {
                    if email_key.is_some() {
                        Some(Channel::Email)
                    } else {
                        Some(Channel::Call)
                    }
                }
                None => None,
            };
            let date = cell(Some(time)).and_then(parse_date);
            match (ch, date) {
                (Some(channel), Some(date))
                    if client_id.is_some() || phone_key.is_some() || email_key.is_some() =>
                {
                    log.events.push(ContactEvent {
                        client_id,
                        phone_key,
                        email_key,
                        channel,
                        date,
                    });
                }
                _ => log.skipped += 1,
            }
        }
        Ok(log)
    }
}

/// Folds a manager name for comparison.
fn fold_name(v: &str) -> String {
    v.to_lowercase().replace('ё', "е").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `BZ001`: clusters whose records name different managers.
pub fn check_managers(rows: &[RowView], out: &mut Vec<(usize, CellIssue)>) {
    let mut clusters: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(c) = r.cluster {
            clusters.entry(c).or_default().push(i);
        }
    }
    for members in clusters.values().filter(|m| m.len() > 1) {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut names: Vec<&str> = vec![];
        let mut anchor: Option<(usize, usize)> = None;
        for &i in members {
            if let Some((col, m)) = rows[i].filled(Role::Manager) {
                anchor.get_or_insert((i, col));
                if seen.insert(fold_name(m)) {
                    names.push(m);
                }
            }
        }
        if let (Some((row, col)), true) = (anchor, names.len() > 1) {
            out.push((
                row,
                CellIssue {
                    column: col as u32,
                    issue: Issue::new(
                        "BZ001",
                        format!(
                            "one client in {} records has {} managers: {}",
                            members.len(),
                            names.len(),
                            names.join(", ")
                        ),
                    ),
                },
            ));
        }
    }
}

/// `BZ002`: contact frequency over the caps, from a contact log.
pub fn check_frequency(
    rows: &[RowView],
    log: &ContactLog,
    params: &CheckParams,
    as_of: NaiveDate,
    out: &mut Vec<(usize, CellIssue)>,
) {
    if rows.is_empty() {
        return;
    }
    let keys = &log.keys;
    let mut index: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some((_, id)) = r.filled(Role::Id) {
            index.entry(format!("i:{id}")).or_default().push(i);
        }
        for (_, p) in r.all_filled(Role::Phone) {
            if let Some(k) = (keys.phone_key())(p) {
                index.entry(format!("p:{k}")).or_default().push(i);
            }
        }
        for (_, e) in r.all_filled(Role::Email) {
            if let Some(k) = (keys.email_key())(e) {
                index.entry(format!("e:{k}")).or_default().push(i);
            }
        }
    }
    let mut dates: BTreeMap<(usize, Channel), Vec<NaiveDate>> = BTreeMap::new();
    for ev in log.events.iter().filter(|e| e.date <= as_of) {
        let by_id = ev.client_id.as_ref().and_then(|id| index.get(&format!("i:{id}")));
        let mut matched: Vec<usize> = match by_id {
            Some(rows) => rows.clone(),
            None => {
                let mut m = vec![];
                if let Some(k) = &ev.phone_key {
                    m.extend(index.get(&format!("p:{k}")).into_iter().flatten());
                }
                if let Some(k) = &ev.email_key {
                    m.extend(index.get(&format!("e:{k}")).into_iter().flatten());
                }
                m
            }
        };
        matched.sort_unstable();
        matched.dedup();
        for r in matched {
            dates.entry((r, ev.channel)).or_default().push(ev.date);
        }
    }
    for ((row, channel), mut ds) in dates {
        let Some(cap) = params.contact_caps.iter().find(|c| c.channel == channel) else { continue };
        ds.sort_unstable();
        let (mut start, mut worst, mut worst_start) = (0usize, 0usize, 0usize);
        for end in 0..ds.len() {
            while (ds[end] - ds[start]).num_days() >= i64::from(cap.window_days.max(1)) {
                start += 1;
            }
            if end + 1 - start > worst {
                worst = end + 1 - start;
                worst_start = start;
            }
        }
        if worst > cap.max as usize {
            let column = match channel {
                Channel::Email => rows[row].first(Role::Email),
                Channel::Sms | Channel::Call => rows[row].first(Role::Phone),
            }
            .map_or(super::ROW_COLUMN, |(i, _)| i as u32);
            out.push((
                row,
                CellIssue {
                    column,
                    issue: Issue::new(
                        "BZ002",
                        format!(
                            "{worst} {} contacts in {} days from {} (cap {})",
                            channel.name(),
                            cap.window_days,
                            ds[worst_start],
                            cap.max
                        ),
                    ),
                },
            ));
        }
    }
}

const SPECIAL_CATEGORY: &[&str] = &[
    "здоров",
    "диагноз",
    "болезн",
    "заболеван",
    "инвалид",
    "медицин",
    "анамнез",
    "health",
    "medical",
    "diagnos",
    "disabilit",
    "illness",
    "религ",
    "вероиспов",
    "relig",
    "faith",
    "национальн",
    "ethnic",
    "раса",
    "расов",
    "race",
    "политич",
    "political",
    "партийн",
    "судим",
    "criminal",
    "convict",
    "интим",
    "сексуал",
    "sexual",
    "биометр",
    "biometr",
    "отпечат",
    "fingerprint",
];

const IDENTITY_DOCUMENT: &[&str] = &[
    "паспорт",
    "passport",
    "снилс",
    "snils",
    "ssn",
    "водительск",
    "driving",
    "driver",
    "загранпаспорт",
    "свидетельство о рождении",
    "social security",
    "socsec",
];

/// Whether a header names one of `words`: a word of the header starts with it, or, for
/// multi-word entries, the header contains it.
fn header_names(header: &str, words: &[&str]) -> bool {
    let h = header.to_lowercase().replace('ё', "е");
    let tokens: Vec<&str> =
        h.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).collect();
    words.iter().any(|w| {
        if w.contains(' ') { h.contains(w) } else { tokens.iter().any(|t| t.starts_with(w)) }
    })
}

/// `BZ003`/`BZ004`: columns holding special-category or identity-document data.
pub fn check_sensitive_columns(rows: &[RowView], out: &mut Vec<(usize, CellIssue)>) {
    let Some(first) = rows.first() else { return };
    for (i, c) in first.columns.columns().iter().enumerate() {
        let code = if header_names(&c.column, SPECIAL_CATEGORY) {
            "BZ003"
        } else if c.role == Some(Role::NationalId) || header_names(&c.column, IDENTITY_DOCUMENT) {
            "BZ004"
        } else {
            continue;
        };
        let filled = rows.iter().filter(|r| !r.cell(i).is_empty()).count();
        if filled == 0 {
            continue;
        }
        let what =
            if code == "BZ003" { "special-category data" } else { "identity-document numbers" };
        out.push((
            0,
            CellIssue {
                column: i as u32,
                issue: Issue::new(
                    code,
                    format!("column `{}` holds {what} in {filled} rows", c.column),
                ),
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn managers_per_cluster() {
        let f = Fixture::load("BZ001");
        let p = CheckParams::default();
        assert_eq!(f.table_hits("BZ001", &p, None, None), f.expected_rows("BZ001"));
    }

    fn log(text: &str) -> ContactLog {
        let reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(text.as_bytes());
        ContactLog::parse(reader).unwrap_or_default()
    }

    #[test]
    fn contact_frequency_over_cap() {
        let f = Fixture::load("BZ002");
        let p = CheckParams::default();
        let text = "Телефон;Канал;Дата контакта\n\
            8 (916) 123-45-67;звонок;2025-06-02 10:00\n\
            8 (916) 123-45-67;звонок;2025-06-03\n\
            8 (916) 123-45-67;Звонок;2025-06-04\n\
            8 (916) 123-45-67;звонок;2025-06-05\n\
            +7 916 765-43-21;звонок;2025-06-02\n\
            +7 916 765-43-21;звонок;2025-06-10\n\
            +7 916 765-43-21;звонок;2025-06-20\n\
            +7 916 765-43-21;звонок;2025-06-29\n\
            +7 916 765-43-21;звонок;2025-07-05\n\
            +7 916 765-43-21;fax;2025-06-29\n\
            ;звонок;2025-06-29\n";
        let l = log(text);
        assert_eq!(l.events.len(), 9);
        assert_eq!(l.skipped, 2);
        assert_eq!(f.table_hits("BZ002", &p, Some(&l), None), f.expected_rows("BZ002"));
        let mut out = vec![];
        check_frequency(&f.views(), &l, &p, as_of(), &mut out);
        assert_eq!(out.len(), 1);
        assert!(
            out[0].1.issue.message.starts_with("4 call contacts in 7 days from 2025-06-02"),
            "{}",
            out[0].1.issue.message
        );
        // By email and client id, with English headers and no channel column.
        let l = log("client_id;email;sent_at\n7;;2025-06-01\n;Petrov@Mail.ru;2025-06-01\n");
        assert_eq!(l.events.len(), 2);
        assert_eq!(l.events[0].channel, Channel::Call);
        assert_eq!(l.events[1].channel, Channel::Email);
        assert!(ContactLog::parse(csv::Reader::from_reader("a,b\n1,2\n".as_bytes())).is_err());
    }

    #[test]
    fn sensitive_columns() {
        for code in ["BZ003", "BZ004"] {
            let f = Fixture::load(code);
            let mut out = vec![];
            check_sensitive_columns(&f.views(), &mut out);
            let cols: Vec<&str> = out
                .iter()
                .filter(|(_, ci)| ci.issue.code == code)
                .map(|(_, ci)| f.columns.columns()[ci.column as usize].column.as_str())
                .collect();
            let want: Vec<&str> = match code {
                "BZ003" => vec!["Диагноз", "Religion"],
                _ => vec!["Серия и номер паспорта", "СНИЛС"],
            };
            assert_eq!(cols, want, "{code}");
        }
    }
}
