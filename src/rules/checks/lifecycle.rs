//! `ST` rules and segmentation: where a record stands in its life (lead, active, inactive) and
//! whether it has outlived its purpose.

use chrono::{Months, NaiveDate};

use crate::finding::{Issue, Severity};
use crate::normalize::CellIssue;
use crate::roles::Role;
use crate::rules::meta::{FixKind, RuleMeta};

use super::{CheckParams, RowView, push};

/// `ST` rules.
pub static RULES: &[RuleMeta] = &[
    RuleMeta {
        code: "ST001",
        name: "stale-record",
        summary: "No activity, purchase or creation within the storage window: delete or anonymise",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nThe latest of the record's last-activity, last-purchase and creation dates. \
When it is older than `stale_months` before the as-of date, the record is a delete-or-anonymise \
candidate. Records with none of these dates are not judged.\n\n\
## Why it matters\nPersonal data may be kept no longer than its purpose requires (152-FZ art. 5 p.7; GDPR \
art. 5(1)(e) storage limitation). The source articles list an outdated base among the common mistakes: \
people move and change numbers, so old records go stale and cost money and legal exposure.\n\n\
## Example\n`Последняя активность` `2021-03-01` with as-of `2025-06-30` and the default 24 months.\n\n\
## Fix\nTry one re-permission contact if you still have a legal ground; otherwise delete the record or \
anonymise it (keep only aggregates for accounting).\n\n\
## Options\n`stale_months` (default 24: CASL's two-year implied consent after purchase; the TCPA's \
18-month business relationship is shorter still).",
    },
    RuleMeta {
        code: "ST002",
        name: "lead-overdue",
        summary: "A lead with no purchase is older than the lead window: delete or recontact",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nRecords segmented as leads (no purchase date, or a status such as `лид`, \
`lead`, `потенциальный`, `prospect`) whose creation date (else last-activity date) is more than \
`lead_max_days` before the as-of date. Not reported when ST001 already fires on the row.\n\n\
## Why it matters\nThe source articles' third rule: limit negotiations with potential clients; if talks \
bring no deal within a set time, stop, delete the contact or call again in a couple of months. The consent \
behind an inquiry also fades: CASL's implied consent lasts six months after an inquiry, the ICO advises \
not to rely on bought-list consent after about six months.\n\n\
## Example\n`Статус` `лид`, `Дата создания` `2024-09-01`, no purchase, as-of `2025-06-30`.\n\n\
## Fix\nDecide: one last recontact (with valid consent) and a date to give up, or delete the lead.\n\n\
## Options\n`lead_max_days` (default 180).",
    },
];

/// The segment of a record, as of a date (the source articles' kinds of base).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    /// Purchased within `active_days`.
    Active,
    /// Purchased before, not recently.
    Inactive,
    /// Never bought (general/potential base).
    Lead,
    /// The data cannot tell (no purchase column, unparseable date, a client status with no date).
    Unknown,
}

impl Segment {
    /// Lower-case name for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::Active => "active",
            Segment::Inactive => "inactive",
            Segment::Lead => "lead",
            Segment::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatusKind {
    Lead,
    Customer,
}

fn status_kind(value: &str) -> Option<StatusKind> {
    let v = value.to_lowercase();
    // Lead words first: "потенциальный клиент" is a lead.
    const LEAD: &[&str] = &[
        "лид",
        "lead",
        "потенциал",
        "prospect",
        "заявк",
        "интерес",
        "холодн",
        "cold",
        "mql",
        "sql",
    ];
    const CUSTOMER: &[&str] = &[
        "клиент",
        "client",
        "customer",
        "покупат",
        "постоян",
        "активн",
        "active",
        "заказчик",
        "buyer",
    ];
    if LEAD.iter().any(|w| v.contains(w)) {
        Some(StatusKind::Lead)
    } else if CUSTOMER.iter().any(|w| v.contains(w)) {
        Some(StatusKind::Customer)
    } else {
        None
    }
}

/// Segments a record: a parseable last-purchase date within `active_days` of `as_of` (or in
/// the future) is active, an older one inactive. Without a purchase date, a lead status or an
/// empty purchase cell makes a lead; anything else is unknown.
pub fn segment(view: &RowView, params: &CheckParams, as_of: NaiveDate) -> Segment {
    if let Some((_, v)) = view.filled(Role::LastPurchaseAt) {
        return match super::parse_date(v) {
            Some(d) if (as_of - d).num_days() <= i64::from(params.active_days) => Segment::Active,
            Some(_) => Segment::Inactive,
            None => Segment::Unknown,
        };
    }
    match view.filled(Role::Status).and_then(|(_, v)| status_kind(v)) {
        Some(StatusKind::Lead) => Segment::Lead,
        Some(StatusKind::Customer) => Segment::Unknown,
        None if view.has(Role::LastPurchaseAt) => Segment::Lead,
        None => Segment::Unknown,
    }
}

/// Runs the `ST` checks on one row.
pub fn check_row(view: &RowView, params: &CheckParams, as_of: NaiveDate, out: &mut Vec<CellIssue>) {
    let latest = [Role::LastActivityAt, Role::LastPurchaseAt, Role::CreatedAt]
        .iter()
        .filter_map(|&r| view.date(r))
        .max_by_key(|&(i, d)| (d, std::cmp::Reverse(i)));
    let stale_before = as_of.checked_sub_months(Months::new(params.stale_months));
    if let (Some((column, date)), Some(limit)) = (latest, stale_before) {
        if date < limit {
            let months = (as_of - date).num_days() / 30;
            push(
                out,
                column,
                Issue::new(
                    "ST001",
                    format!(
                        "no activity since {date} (about {months} months, limit {}): delete or anonymise",
                        params.stale_months
                    ),
                ),
            );
            return;
        }
    }
    if segment(view, params, as_of) == Segment::Lead {
        if let Some((column, since)) =
            view.date(Role::CreatedAt).or(view.date(Role::LastActivityAt))
        {
            let age = (as_of - since).num_days();
            if age > i64::from(params.lead_max_days) {
                push(
                    out,
                    column,
                    Issue::with_suggestion(
                        "ST002",
                        format!(
                            "lead without a purchase for {age} days (limit {}) since {since}",
                            params.lead_max_days
                        ),
                        "delete or recontact",
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn fixtures_fire_exactly_where_expected() {
        assert_row_fixture("ST001");
        assert_row_fixture("ST002");
    }

    #[test]
    fn segments_follow_purchase_dates_and_status() {
        let f = Fixture::load("ST002");
        let p = CheckParams::default();
        let got: Vec<Segment> = f.views().iter().map(|v| segment(v, &p, as_of())).collect();
        // The fixture's `segment` column holds the expected segment of each row.
        let col = f.columns.columns().iter().position(|c| c.column == "segment");
        let expected: Vec<String> = f
            .records
            .iter()
            .map(|r| col.and_then(|c| r.get(c)).unwrap_or("").to_string())
            .collect();
        assert_eq!(got.iter().map(|s| s.as_str()).collect::<Vec<_>>(), expected);
    }

    #[test]
    fn stale_window_is_a_parameter() {
        let f = Fixture::load("ST001");
        let p = CheckParams { stale_months: 1200, ..CheckParams::default() };
        assert!(f.row_hits("ST001", &p).is_empty());
    }
}
