//! `CP` rules: consent to processing and to advertising, withdrawal, retention, storage
//! location (152-FZ, 38-FZ art. 18, GDPR, PECR); per-channel contactability; suppression lists.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::finding::{Issue, Severity};
use crate::normalize::CellIssue;
use crate::roles::Role;
use crate::rules::meta::{FixKind, RuleMeta};

use super::{CheckParams, Flag, ROW_COLUMN, RowView, parse_date, parse_flag, push};

/// `CP` rules.
pub static RULES: &[RuleMeta] = &[
    RuleMeta {
        code: "CP001",
        name: "processing-consent-missing",
        summary: "No consent to personal-data processing on the record",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nWhen the table has a processing-consent column: the cell says yes (`да`, \
`yes`, `1`, `true`, `+`, `согласен`, `opt-in`, or the date it was given). Empty, `нет`/`no`/`отказ` and \
unrecognised values fire. Withdrawn consents are left to CP003/CP004.\n\n\
## Why it matters\nProcessing personal data needs consent or another legal ground, and the operator must \
prove it (152-FZ art. 9 p.1, p.3; GDPR art. 6(1), 7(1)). Since 1 Sep 2025 the consent must be a separate \
document (156-FZ of 24.06.2025).\n\n\
## Example\n`Согласие на обработку ПД` empty, or `см. договор`.\n\n\
## Fix\nFind the signed consent and record it; if there is none and no other legal ground (a contract in \
performance), stop processing the record and delete it.\n\n\
## Options\nNone. A table with no consent column at all gets CP009 once instead.",
    },
    RuleMeta {
        code: "CP002",
        name: "consent-evidence-missing",
        summary: "A consent is recorded without its date, method or evidence",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nOn rows whose processing consent says yes, for each of the consent-date, \
consent-method and consent-evidence columns the table has: the cell is filled (a consent cell holding a \
date counts as the date), the date is a date and not after the as-of date.\n\n\
## Why it matters\nConsent must be demonstrable: who, when, how and what they were told (152-FZ art. 9 \
p.3 puts the burden of proof on the operator; GDPR art. 7(1); ICO guidance). A `yes` with no date or \
document proves nothing to a regulator.\n\n\
## Example\n`Согласие на обработку ПД` `да`, `Дата согласия` empty, `Подтверждение согласия` empty.\n\n\
## Fix\nLink the consent to its record (form submission log, scanned document id, call recording). If no \
evidence exists, treat the consent as missing (CP001).\n\n\
## Options\nOnly the evidence columns present in the table are required.",
    },
    RuleMeta {
        code: "CP003",
        name: "stop-request-in-marketing",
        summary: "A withdrawn consent, unsubscribe or stop request on a record marked for marketing",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nRows marked for marketing (the marketing-flag column says yes or names \
channels; or every row with `assume_marketing`) that carry a stop: processing consent `отозвано`/ \
`withdrawn`, a filled withdrawal date, a filled unsubscribe cell, or a withdrawn advertising consent for a \
marked channel.\n\n\
## Why it matters\nA stop request takes effect immediately (38-FZ art. 18 p.1); processing must stop on \
withdrawal (152-FZ art. 9 p.2, art. 21 p.5); an objection to direct marketing means permanent suppression \
(GDPR art. 7(3), 21(2)-(3)). Advertising to such a person is a fine per message.\n\n\
## Example\n`Дата отзыва согласия` `2025-05-01`, `В рассылке` `да`.\n\n\
## Fix\nRemove the row from the campaign and add its contacts to the suppression list. Never \
resubscribe without a fresh consent.\n\n\
## Options\n`assume_marketing`.",
    },
    RuleMeta {
        code: "CP004",
        name: "retention-after-withdrawal",
        summary: "Personal data kept longer than allowed after consent withdrawal",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nRows with a consent-withdrawal date more than \
`retention_days_after_withdrawal` days before the as-of date that still hold personal data (a name, \
phone, email, birth date, address or national id).\n\n\
## Why it matters\nAfter withdrawal the operator must stop processing and destroy the data within 30 days \
unless another legal ground applies (152-FZ art. 9 p.2, art. 21 p.5); GDPR requires erasure without undue \
delay, within one month (art. 12(3), art. 17).\n\n\
## Example\n`Дата отзыва согласия` `2025-03-01`, as-of `2025-06-30`, `ФИО` and `Телефон` still filled.\n\n\
## Fix\nDelete the personal fields (or the record), keeping only what another law requires (accounting \
documents) and the contact in a suppression list.\n\n\
## Options\n`retention_days_after_withdrawal` (default 30).",
    },
    RuleMeta {
        code: "CP005",
        name: "advertising-consent-missing",
        summary: "A record marked for marketing has no advertising consent for a channel it will be contacted on",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nRows marked for marketing: for each marked channel (email, SMS, call) where \
the row has a valid contact, the channel's consent column says yes, or, when that column is absent or \
empty, the general advertising-consent column does. SMS needs a mobile number.\n\n\
## Why it matters\nAdvertising by phone, SMS or email needs the addressee's prior consent, which the \
sender must prove (38-FZ art. 18 p.1 — regulator practice applies it to B2B addresses too; 152-FZ art. 15; \
PECR reg. 22 for email/SMS). The advertising consent is a distinct record from the processing consent.\n\n\
## Example\n`В рассылке` `sms`, `Телефон` `+79161234567`, `Согласие на SMS` empty, `Согласие на рассылку` \
`нет`.\n\n\
## Fix\nDrop the channel from the campaign for this row; collect a separate advertising consent first.\n\n\
## Options\n`assume_marketing`. The marketing flag may name channels (`email`, `sms`, `звонок`); a plain \
yes marks all of them.",
    },
    RuleMeta {
        code: "CP006",
        name: "consent-purposes-bundled",
        summary: "Processing and advertising consent are not separate records",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nTwo machine-visible signs of one consent used for two purposes: (1) the header \
of the processing-consent column also names advertising (`Согласие на обработку ПД и рассылку`), or an \
advertising-consent header names processing — reported once, on the column; (2) on a row, the processing \
and an advertising consent cell hold the same evidence token (a document or log id, not a plain yes/no or \
date).\n\n\
## Why it matters\nOne consent, one purpose (152-FZ art. 9 p.1; since 1 Sep 2025 a separate document, \
156-FZ); the advertising consent under 38-FZ art. 18 and the processing consent are distinct records. \
GDPR art. 7(2) requires consent requests to be clearly distinguishable from other matters.\n\n\
## Example\nBoth `Согласие на обработку ПД` and `Согласие на рассылку` hold `DOC-2024-118`.\n\n\
## Fix\nCollect and store the two consents separately, each with its own evidence.\n\n\
## Options\nNone.",
    },
    RuleMeta {
        code: "CP007",
        name: "storage-outside-russia",
        summary: "A Russian citizen's data is stored outside Russia",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nWhen the table has a storage-country column: the value names Russia (`RU`, \
`RUS`, `643`, `Россия`, `РФ`, `Russia`, `Russian Federation`). A foreign value fires on rows whose \
citizenship is Russian, or unknown (no column or empty) unless `unknown_citizenship_is_russian` is off.\n\n\
## Why it matters\nCollection, recording, systematisation, accumulation, storage, clarification and \
retrieval of Russian citizens' personal data must use databases located in Russia (152-FZ art. 18 p.5; \
since 1 Jul 2025 foreign databases are prohibited for these operations).\n\n\
## Example\n`Страна хранения` `DE`, `Гражданство` `РФ`.\n\n\
## Fix\nMove the record's primary storage to a database in Russia; cross-border transfer needs its own \
notification and grounds (art. 12).\n\n\
## Options\n`unknown_citizenship_is_russian` (default true).",
    },
    RuleMeta {
        code: "CP008",
        name: "suppressed-contact-in-marketing",
        summary: "A contact on the suppression list is in a record marked for marketing",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nWith a suppression list (do-not-contact, stop list, TPS/DNC extract): rows \
marked for marketing on a channel whose phone or email for that channel is on the list. Phones match on \
their last 10 digits, emails case-insensitively (the caller may plug stricter normalizers in).\n\n\
## Why it matters\nA stop request is permanent and takes effect immediately (38-FZ art. 18 p.1; GDPR art. \
21(3)); stop lists are how it survives re-imports and merges. PECR expects live calls screened against \
TPS within 28 days; the US DNC list may be at most 31 days old.\n\n\
## Example\nSuppression list holds `8 (916) 123-45-67`; the row has `+79161234567` and `В рассылке` `да`.\n\n\
## Fix\nRemove the channel (or the row) from the campaign.\n\n\
## Options\n`--suppress FILE` (one value per line or CSV cells).",
    },
    RuleMeta {
        code: "CP009",
        name: "consent-not-recorded",
        summary: "The table holds personal data but no processing-consent column",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nOnce per table: it has name, phone or email columns but no column mapped to \
the processing-consent role. Reported on the first row, first column.\n\n\
## Why it matters\nThe operator must be able to prove the legal ground for every record (152-FZ art. 9 \
p.3; GDPR art. 5(2), 7(1)). An export without consent status cannot be checked, and is unfit for \
marketing use.\n\n\
## Example\nHeaders `ФИО;Телефон;Email` only.\n\n\
## Fix\nExport the consent fields too, or map the column with `--map 'Header=consent_processing'`.\n\n\
## Options\nNone. Warning by default: accounting exports may rely on a contract as the legal ground.",
    },
];

use super::business::Channel as Ch;

fn consent_role(ch: Ch) -> Role {
    match ch {
        Ch::Email => Role::ConsentEmail,
        Ch::Sms => Role::ConsentSms,
        Ch::Call => Role::ConsentCall,
    }
}

/// The channels a row is marked for marketing on.
fn marketing_channels(view: &RowView, params: &CheckParams) -> Vec<Ch> {
    if params.assume_marketing {
        return Ch::ALL.to_vec();
    }
    let Some((_, v)) = view.filled(Role::MarketingFlag) else { return vec![] };
    match parse_flag(v) {
        Some(Flag::Yes) => Ch::ALL.to_vec(),
        Some(Flag::No | Flag::Withdrawn) => vec![],
        None => {
            let v = v.to_lowercase();
            let mut chans = vec![];
            if ["email", "e-mail", "почт", "письм", "mail"].iter().any(|w| v.contains(w)) {
                chans.push(Ch::Email);
            }
            if ["sms", "смс"].iter().any(|w| v.contains(w)) {
                chans.push(Ch::Sms);
            }
            if ["call", "звон", "телефон", "phone", "обзвон"].iter().any(|w| v.contains(w))
            {
                chans.push(Ch::Call);
            }
            // A campaign name without channels ("Весенняя акция") marks every channel.
            if chans.is_empty() { Ch::ALL.to_vec() } else { chans }
        }
    }
}

/// Whether a stop-type cell (withdrawal date, unsubscribe) records a stop: a date, yes or
/// withdrawn, or any unrecognised text (the most restrictive reading); `нет`/`no` does not.
fn stop_cell(v: &str) -> bool {
    !matches!(parse_flag(v), Some(Flag::No))
}

/// A stop that applies to every channel: withdrawn processing consent, a withdrawal date or
/// an unsubscribe. Returns its column and a description.
fn global_stop(view: &RowView) -> Option<(usize, &'static str)> {
    if let Some((i, v)) = view.filled(Role::ConsentProcessing) {
        if parse_flag(v) == Some(Flag::Withdrawn) {
            return Some((i, "processing consent withdrawn"));
        }
    }
    if let Some((i, v)) = view.filled(Role::ConsentWithdrawnAt) {
        if stop_cell(v) {
            return Some((i, "consent withdrawn"));
        }
    }
    if let Some((i, v)) = view.filled(Role::UnsubscribedAt) {
        if stop_cell(v) {
            return Some((i, "unsubscribed"));
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChannelConsent {
    Granted,
    Missing,
    Refused,
    Withdrawn(usize),
}

/// The advertising consent state for a channel: the channel's own column when filled and
/// readable, else the general advertising consent. Global stops are not considered here.
fn channel_consent(view: &RowView, ch: Ch) -> ChannelConsent {
    for role in [consent_role(ch), Role::ConsentMarketing] {
        if let Some((i, v)) = view.filled(role) {
            match parse_flag(v) {
                Some(Flag::Yes) => return ChannelConsent::Granted,
                Some(Flag::No) => return ChannelConsent::Refused,
                Some(Flag::Withdrawn) => return ChannelConsent::Withdrawn(i),
                None => {}
            }
        }
    }
    ChannelConsent::Missing
}

/// Whether the row has a mobile number: Russian/Kazakh `+7` numbers must be `+79…`/`+77…`;
/// other countries are accepted (the phone normalizer knows the number type).
fn is_mobile(phone: &str) -> bool {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if phone.trim_start().starts_with("+7") || (digits.len() == 11 && digits.starts_with('7')) {
        return digits.len() == 11 && matches!(digits.as_bytes().get(1), Some(b'9' | b'7'));
    }
    if digits.len() == 11 && digits.starts_with('8') {
        return digits.as_bytes().get(1) == Some(&b'9');
    }
    true
}

/// Valid contacts of a row for a channel, with their columns.
fn channel_contacts<'a>(view: &RowView<'a>, ch: Ch) -> Vec<(usize, &'a str)> {
    match ch {
        Ch::Email => view.valid_emails().collect(),
        Ch::Sms => view.valid_phones().filter(|(_, p)| is_mobile(p)).collect(),
        Ch::Call => view.valid_phones().collect(),
    }
}

/// Whether the row may be contacted with advertising on each channel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Contactability {
    /// A valid email, advertising consent for email, no stop, not suppressed.
    pub can_email: bool,
    /// A valid mobile number, consent for SMS, no stop, not suppressed.
    pub can_sms: bool,
    /// A valid phone, consent for calls, no stop, not suppressed.
    pub can_call: bool,
}

/// Decides `steward_can_email` / `steward_can_sms` / `steward_can_call` for a row: a valid,
/// unsuppressed contact for the channel, the channel's consent (or the general advertising
/// consent when the channel's column is absent or empty) saying yes, no withdrawal or
/// unsubscribe, and a processing consent that is not refused or withdrawn. `as_of` is kept
/// for future consent-expiry windows.
pub fn contactability(
    view: &RowView,
    suppression: &SuppressionList,
    _as_of: NaiveDate,
) -> Contactability {
    let refused = view
        .filled(Role::ConsentProcessing)
        .is_some_and(|(_, v)| matches!(parse_flag(v), Some(Flag::No | Flag::Withdrawn)));
    if refused || global_stop(view).is_some() {
        return Contactability::default();
    }
    let can = |ch: Ch| {
        channel_consent(view, ch) == ChannelConsent::Granted
            && channel_contacts(view, ch).iter().any(|(_, v)| !suppression.contains(ch, v))
    };
    Contactability { can_email: can(Ch::Email), can_sms: can(Ch::Sms), can_call: can(Ch::Call) }
}

/// Runs the `CP` row checks.
pub fn check_row(view: &RowView, params: &CheckParams, as_of: NaiveDate, out: &mut Vec<CellIssue>) {
    check_processing_consent(view, as_of, out);
    check_marketing(view, params, out);
    check_retention(view, params, as_of, out);
    check_bundled_values(view, out);
    check_storage(view, params, out);
}

fn check_processing_consent(view: &RowView, as_of: NaiveDate, out: &mut Vec<CellIssue>) {
    let Some((col, value)) = view.first(Role::ConsentProcessing) else { return };
    let withdrawn_date = view.filled(Role::ConsentWithdrawnAt).is_some_and(|(_, v)| stop_cell(v));
    match parse_flag(value) {
        Some(Flag::Withdrawn) => {}
        _ if withdrawn_date => {}
        Some(Flag::No) => push(out, col, Issue::new("CP001", "processing consent refused")),
        None if value.is_empty() => push(out, col, Issue::new("CP001", "no processing consent")),
        None => push(
            out,
            col,
            Issue::new("CP001", "processing consent value is not a recognisable yes or date"),
        ),
        Some(Flag::Yes) => {
            let consent_is_date = parse_date(value).is_some();
            let mut missing: Vec<(usize, &str)> = vec![];
            if let Some((i, d)) = view.first(Role::ConsentDate) {
                if d.is_empty() {
                    if !consent_is_date {
                        missing.push((i, "date missing"));
                    }
                } else {
                    match parse_date(d) {
                        None => missing.push((i, "date unreadable")),
                        Some(d) if d > as_of => missing.push((i, "date in the future")),
                        Some(_) => {}
                    }
                }
            }
            for (role, what) in [
                (Role::ConsentMethod, "method missing"),
                (Role::ConsentEvidence, "evidence missing"),
            ] {
                if let Some((i, v)) = view.first(role) {
                    if v.is_empty() {
                        missing.push((i, what));
                    }
                }
            }
            if let Some(&(i, _)) = missing.first() {
                let what: Vec<&str> = missing.iter().map(|m| m.1).collect();
                push(out, i, Issue::new("CP002", format!("consent {}", what.join(", "))));
            }
        }
    }
}

fn check_marketing(view: &RowView, params: &CheckParams, out: &mut Vec<CellIssue>) {
    let channels = marketing_channels(view, params);
    if channels.is_empty() {
        return;
    }
    let flag_col = view.first(Role::MarketingFlag).map_or(ROW_COLUMN as usize, |(i, _)| i);
    if let Some((_, why)) = global_stop(view) {
        push(
            out,
            flag_col,
            Issue::with_suggestion("CP003", format!("{why} but marked for marketing"), "suppress"),
        );
        return;
    }
    let withdrawn: Vec<Ch> = channels
        .iter()
        .copied()
        .filter(|&ch| matches!(channel_consent(view, ch), ChannelConsent::Withdrawn(_)))
        .collect();
    if !withdrawn.is_empty() {
        let names: Vec<&str> = withdrawn.iter().map(|c| c.name()).collect();
        push(
            out,
            flag_col,
            Issue::with_suggestion(
                "CP003",
                format!(
                    "advertising consent withdrawn for {} but marked for marketing",
                    names.join(", ")
                ),
                "suppress",
            ),
        );
    }
    let mut missing: Vec<(Ch, usize, ChannelConsent)> = vec![];
    for &ch in &channels {
        let state = channel_consent(view, ch);
        if matches!(state, ChannelConsent::Missing | ChannelConsent::Refused) {
            if let Some(&(col, _)) = channel_contacts(view, ch).first() {
                missing.push((ch, col, state));
            }
        }
    }
    if let Some(&(_, col, _)) = missing.first() {
        let parts: Vec<String> = missing
            .iter()
            .map(|(ch, _, s)| {
                format!(
                    "{} ({})",
                    ch.name(),
                    if *s == ChannelConsent::Refused { "refused" } else { "none" }
                )
            })
            .collect();
        push(
            out,
            col,
            Issue::new(
                "CP005",
                format!("marked for marketing without advertising consent: {}", parts.join(", ")),
            ),
        );
    }
}

fn check_retention(
    view: &RowView,
    params: &CheckParams,
    as_of: NaiveDate,
    out: &mut Vec<CellIssue>,
) {
    let Some((col, date)) = view.date(Role::ConsentWithdrawnAt) else { return };
    let days = (as_of - date).num_days();
    if days > i64::from(params.retention_days_after_withdrawal) && view.holds_personal_data() {
        push(
            out,
            col,
            Issue::with_suggestion(
                "CP004",
                format!(
                    "personal data kept {days} days after consent withdrawal on {date} (limit {})",
                    params.retention_days_after_withdrawal
                ),
                "delete personal fields",
            ),
        );
    }
}

fn check_bundled_values(view: &RowView, out: &mut Vec<CellIssue>) {
    let Some((pcol, p)) = view.filled(Role::ConsentProcessing) else { return };
    if parse_flag(p).is_some() {
        return;
    }
    for role in [Role::ConsentMarketing, Role::ConsentEmail, Role::ConsentSms, Role::ConsentCall] {
        if let Some((_, v)) = view.filled(role) {
            if v.eq_ignore_ascii_case(p) {
                push(
                    out,
                    pcol,
                    Issue::new(
                        "CP006",
                        "processing and advertising consent share the same evidence",
                    ),
                );
                return;
            }
        }
    }
}

/// Whether a country value names Russia.
fn is_russia(value: &str) -> bool {
    let v = value.trim().to_lowercase().replace('ё', "е");
    let v = v.trim_matches(|c: char| !c.is_alphanumeric());
    ["ru", "rus", "643", "рф", "россия", "russia", "ру", "rf"].contains(&v)
        || v.contains("росси")
        || v.contains("russia")
        || v.contains("russian")
}

fn check_storage(view: &RowView, params: &CheckParams, out: &mut Vec<CellIssue>) {
    let Some((col, storage)) = view.filled(Role::StorageCountry) else { return };
    if is_russia(storage) {
        return;
    }
    let russian = match view.filled(Role::Citizenship) {
        Some((_, c)) => is_russia(c),
        None => params.unknown_citizenship_is_russian,
    };
    if russian {
        push(out, col, Issue::new("CP007", format!("data stored in {storage}, outside Russia")));
    }
}

/// Table-level `CP` checks: bundled consent headers, missing consent column, suppression.
pub fn check_table(
    rows: &[RowView],
    params: &CheckParams,
    suppression: Option<&SuppressionList>,
    out: &mut Vec<(usize, CellIssue)>,
) {
    let Some(first) = rows.first() else { return };
    let columns = first.columns;
    const ADVERTISING_WORDS: &[&str] = &[
        "рассылк",
        "реклам",
        "маркетинг",
        "marketing",
        "newsletter",
        "advertis",
        "promo",
        "sms",
        "смс",
    ];
    const PROCESSING_WORDS: &[&str] =
        &["обработк", "персональн", "пд", "processing", "personal data", "gdpr"];
    for (i, c) in columns.columns().iter().enumerate() {
        let h = c.column.to_lowercase();
        let bundled = match c.role {
            Some(Role::ConsentProcessing) => ADVERTISING_WORDS.iter().any(|w| h.contains(w)),
            Some(
                Role::ConsentMarketing | Role::ConsentEmail | Role::ConsentSms | Role::ConsentCall,
            ) => PROCESSING_WORDS.iter().any(|w| {
                h.split(|ch: char| !ch.is_alphanumeric()).any(|word| word.starts_with(w))
                    || (w.contains(' ') && h.contains(w))
            }),
            _ => false,
        };
        if bundled {
            out.push((
                0,
                CellIssue {
                    column: i as u32,
                    issue: Issue::new(
                        "CP006",
                        format!(
                            "column `{}` records processing and advertising consent together",
                            c.column
                        ),
                    ),
                },
            ));
        }
    }
    let personal = [Role::FullName, Role::LastName, Role::FirstName, Role::Phone, Role::Email]
        .iter()
        .any(|&r| columns.has(r));
    if personal && !columns.has(Role::ConsentProcessing) {
        out.push((
            0,
            CellIssue {
                column: ROW_COLUMN,
                issue: Issue::new(
                    "CP009",
                    "no processing-consent column: legal ground cannot be checked",
                ),
            },
        ));
    }
    if let Some(list) = suppression.filter(|l| !l.is_empty()) {
        for (r, view) in rows.iter().enumerate() {
            for ch in marketing_channels(view, params) {
                let contacts: Vec<(usize, &str)> = match ch {
                    Ch::Email => view.all_filled(Role::Email).collect(),
                    Ch::Sms | Ch::Call => view.all_filled(Role::Phone).collect(),
                };
                if let Some(&(col, _)) = contacts.iter().find(|(_, v)| list.contains(ch, v)) {
                    out.push((
                        r,
                        CellIssue {
                            column: col as u32,
                            issue: Issue::with_suggestion(
                                "CP008",
                                format!("{} contact is on the suppression list", ch.name()),
                                "suppress",
                            ),
                        },
                    ));
                }
            }
        }
    }
}

/// Key function: raw value → match key (`None` when the value is not of that kind).
pub type KeyFn = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// How suppression-list values and row contacts become match keys. The default keeps the last
/// 10 digits of a phone (so `8 (916) 123-45-67` and `+79161234567` meet) and lower-cases an
/// email; plug the real normalizers in with [`KeyNormalizer::new`].
#[derive(Clone)]
pub struct KeyNormalizer {
    phone: KeyFn,
    email: KeyFn,
}

impl KeyNormalizer {
    /// Custom key functions. Both must be idempotent on their own output.
    pub fn new(phone: KeyFn, email: KeyFn) -> KeyNormalizer {
        KeyNormalizer { phone, email }
    }

    /// The phone key function.
    pub fn phone_key(&self) -> &KeyFn {
        &self.phone
    }

    /// The email key function.
    pub fn email_key(&self) -> &KeyFn {
        &self.email
    }

    /// The default phone key: the last 10 digits, when there are at least 10.
    pub fn default_phone_key(value: &str) -> Option<String> {
        let digits: Vec<char> = value.chars().filter(char::is_ascii_digit).collect();
        (digits.len() >= 10).then(|| digits[digits.len() - 10..].iter().collect())
    }

    /// The default email key: trimmed and lower-cased, when it has an `@`.
    pub fn default_email_key(value: &str) -> Option<String> {
        let v = value.trim().trim_start_matches("mailto:").trim();
        v.contains('@').then(|| v.to_lowercase())
    }
}

impl Default for KeyNormalizer {
    fn default() -> Self {
        KeyNormalizer {
            phone: Arc::new(KeyNormalizer::default_phone_key),
            email: Arc::new(KeyNormalizer::default_email_key),
        }
    }
}

impl fmt::Debug for KeyNormalizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyNormalizer")
    }
}

/// A do-not-contact list of phones and emails, matched by normalized key.
#[derive(Debug, Clone, Default)]
pub struct SuppressionList {
    phones: BTreeSet<String>,
    emails: BTreeSet<String>,
    keys: KeyNormalizer,
}

impl SuppressionList {
    /// Builds a list from raw values with the default keys. A value with `@` is an email,
    /// anything else a phone; values that give no key (headers, blanks) are skipped.
    pub fn from_values<I, S>(values: I) -> SuppressionList
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        SuppressionList::with_keys(values, KeyNormalizer::default())
    }

    /// Builds a list from raw values with custom keys.
    pub fn with_keys<I, S>(values: I, keys: KeyNormalizer) -> SuppressionList
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut list = SuppressionList { phones: BTreeSet::new(), emails: BTreeSet::new(), keys };
        for v in values {
            let v = v.as_ref().trim();
            if v.contains('@') {
                if let Some(k) = (list.keys.email)(v) {
                    list.emails.insert(k);
                }
            } else if let Some(k) = (list.keys.phone)(v) {
                list.phones.insert(k);
            }
        }
        list
    }

    /// Builds a list from a text file's content: one value per line, or CSV-like cells
    /// separated by `,`, `;` or tabs.
    pub fn from_text(text: &str, keys: KeyNormalizer) -> SuppressionList {
        SuppressionList::with_keys(
            text.lines().flat_map(|l| l.split([',', ';', '\t'])).map(|c| c.trim_matches('"')),
            keys,
        )
    }

    /// Number of distinct phone and email keys.
    pub fn len(&self) -> usize {
        self.phones.len() + self.emails.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `phone` is on the list.
    pub fn contains_phone(&self, phone: &str) -> bool {
        // Keying a phone runs the phone parser: skip it when no list was given.
        !self.phones.is_empty()
            && (self.keys.phone)(phone).is_some_and(|k| self.phones.contains(&k))
    }

    /// Whether `email` is on the list.
    pub fn contains_email(&self, email: &str) -> bool {
        !self.emails.is_empty()
            && (self.keys.email)(email).is_some_and(|k| self.emails.contains(&k))
    }

    fn contains(&self, ch: Ch, value: &str) -> bool {
        match ch {
            Ch::Email => self.contains_email(value),
            Ch::Sms | Ch::Call => self.contains_phone(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn row_fixtures_fire_exactly_where_expected() {
        for code in ["CP001", "CP002", "CP003", "CP004", "CP005", "CP007"] {
            assert_row_fixture(code);
        }
    }

    #[test]
    fn bundled_consents_by_value_and_by_header() {
        let f = Fixture::load("CP006");
        let p = CheckParams::default();
        let expected = f.expected_rows("CP006");
        let rows = f.row_hits("CP006", &p);
        // Row 0 carries the header finding; the value findings are per row.
        let mut all: Vec<usize> = rows.clone();
        all.extend(f.table_hits("CP006", &p, None, None));
        all.sort_unstable();
        all.dedup();
        assert_eq!(all, expected);
        let mut table = vec![];
        check_table(&f.views(), &p, None, &mut table);
        let cols: Vec<&str> = table
            .iter()
            .filter(|(_, ci)| ci.issue.code == "CP006")
            .map(|(_, ci)| f.columns.columns()[ci.column as usize].column.as_str())
            .collect();
        assert_eq!(cols, vec!["Согласие на обработку ПД и рассылку"]);
    }

    #[test]
    fn suppression_list_matches_phone_forms_and_email_case() {
        let list =
            SuppressionList::from_values(["8 (916) 123-45-67", "Petrov@Mail.ru", "phone", ""]);
        assert_eq!(list.len(), 2);
        assert!(list.contains_phone("+79161234567"));
        assert!(!list.contains_phone("+79161234568"));
        assert!(list.contains_email("petrov@mail.ru"));
        let f = Fixture::load("CP008");
        let p = CheckParams::default();
        let list = SuppressionList::from_text(
            "phone\n+7 916 000-00-01\nstop@example.com;\n",
            KeyNormalizer::default(),
        );
        assert_eq!(f.table_hits("CP008", &p, None, Some(&list)), f.expected_rows("CP008"));
        assert!(f.table_hits("CP008", &p, None, None).is_empty());
    }

    #[test]
    fn consent_not_recorded_once_per_table() {
        let f = Fixture::load("CP009");
        let p = CheckParams::default();
        assert_eq!(f.table_hits("CP009", &p, None, None), vec![0]);
        let g = Fixture::load("CP001");
        assert!(g.table_hits("CP009", &p, None, None).is_empty());
    }

    #[test]
    fn contactability_per_channel() {
        let f = Fixture::load("CP005");
        let col = f.columns.columns().iter().position(|c| c.column == "can");
        let none = SuppressionList::default();
        for (i, v) in f.views().iter().enumerate() {
            let c = contactability(v, &none, as_of());
            let got = format!(
                "{}{}{}",
                if c.can_email { "e" } else { "" },
                if c.can_sms { "s" } else { "" },
                if c.can_call { "c" } else { "" }
            );
            let want = col.and_then(|c| f.records[i].get(c)).unwrap_or("");
            assert_eq!(got, want, "row {i}");
        }
        // A suppressed phone removes SMS and calls, not email.
        let v = f.views();
        let list = SuppressionList::from_values(["+79161112233"]);
        let c = contactability(&v[0], &list, as_of());
        assert_eq!((c.can_email, c.can_sms, c.can_call), (true, false, false));
    }

    #[test]
    fn mobile_detection() {
        assert!(is_mobile("+79161234567"));
        assert!(!is_mobile("+74959810185"));
        assert!(is_mobile("+77011234567"));
        assert!(is_mobile("+447700900123"));
        assert!(is_russia("Россия"));
        assert!(is_russia("RU"));
        assert!(is_russia("Российская Федерация"));
        assert!(!is_russia("DE"));
        assert!(!is_russia("Германия"));
    }
}
