//! `CM` rules: is the record complete for its profile (B2C person or B2B company), and does it
//! hold a contact that can actually be used?

use crate::finding::{Issue, Severity};
use crate::normalize::CellIssue;
use crate::roles::Role;
use crate::rules::meta::{FixKind, RuleMeta};

use super::{RowView, push};

/// `CM` rules.
pub static RULES: &[RuleMeta] = &[
    RuleMeta {
        code: "CM001",
        name: "person-name-missing",
        summary: "A person (B2C) record has no full name, or lacks surname or first name",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nOn person (B2C) records: the full-name column (ФИО) is filled, or else the \
surname and first-name columns both are. Runs only when the table has name columns.\n\n\
## Why it matters\nThe source articles list the full name first among the fields of a B2C base; a record \
with a phone and no name cannot be greeted, matched against duplicates, or answered when the person asks \
what data you hold (152-FZ art. 14, GDPR art. 15).\n\n\
## Example\n`ФИО` empty, `Телефон` `+79161234567`; or `Фамилия` `Иванов` with `Имя` empty.\n\n\
## Fix\nFill the name from the source system or the order history; if nobody knows whose number it is, the \
record is a delete candidate.\n\n\
## Options\nThe profile comes from the client-type column, else from a filled company or INN (see CM004).",
    },
    RuleMeta {
        code: "CM002",
        name: "no-valid-contact",
        summary: "The record has no valid phone and no valid email",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nThat at least one phone or email cell is filled with a value the normalizer \
accepted (no error-level PH/EM finding, 10-15 digits for a phone, `local@domain.tld` for an email). Runs when \
the table has a phone or email column.\n\n\
## Why it matters\nA customer base is a list of people you can reach. A record whose every contact is empty \
or broken (`n/a`, `123`, `ivanov@mail`) is dead weight: it costs storage and legal exposure (it is still \
personal data) and returns nothing.\n\n\
## Example\n`Телефон` `нет`, `Email` empty.\n\n\
## Fix\nRecover a contact from another source (orders, deliveries) or delete/anonymise the record.\n\n\
## Options\nNone.",
    },
    RuleMeta {
        code: "CM003",
        name: "person-profile-field-missing",
        summary: "A person (B2C) record lacks birth date, preferred channel or convenient call time",
        default_severity: Severity::Info,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nOn person records, for each of the columns birth date, preferred channel and \
convenient time to call that the table has: the cell is filled. One finding per empty field.\n\n\
## Why it matters\nThe source articles name these fields for a B2C base: age drives segmentation, and the \
preferred channel and call time keep contacts on the client's terms (fewer complaints, fewer stop \
requests).\n\n\
## Example\n`Предпочтительный канал` empty on a person record.\n\n\
## Fix\nAsk at the next contact; do not guess.\n\n\
## Options\nFields whose columns are absent are not checked. Info by default: raise it in the rules file \
if your process requires the fields.",
    },
    RuleMeta {
        code: "CM004",
        name: "company-profile-field-missing",
        summary: "A company (B2B) record lacks a required field",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nOn company records (client type юр./ИП/company/B2B, or a filled company or \
INN), for each of company name, address, phone, email, working hours, contact person and decision maker \
whose column exists: the cell is filled. One finding per empty field.\n\n\
## Why it matters\nThe source articles list these as the fields of a B2B base: without the contact \
person and the decision maker a sales call reaches a switchboard; without working hours it reaches \
nobody.\n\n\
## Example\n`Тип клиента` `ООО`, `ЛПР` empty.\n\n\
## Fix\nComplete the record from the requisites card or the last deal.\n\n\
## Options\nThe profile: `client_type` values `физ`, `частное лицо`, `person`, `individual`, `B2C` mean a \
person; `юр`, `ИП`, `ООО`, `company`, `organisation`, `B2B` a company. Without a type, a filled company or \
INN means a company.",
    },
    RuleMeta {
        code: "CM005",
        name: "role-email-on-person",
        summary: "A person (B2C) record's email is a role address (info@, sales@, …)",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nOn person records: that no email's local part is a role name (`info`, \
`sales`, `office`, `admin`, `support`, `hr`, `zakaz`, `noreply`, …).\n\n\
## Why it matters\nA role address belongs to an organisation, not to the person: it was usually copied \
from the employer's card. Mail to it reaches strangers (a confidentiality breach under 152-FZ art. 7) and \
the person's consent does not cover it.\n\n\
## Example\n`ФИО` `Иванов Иван`, `Email` `info@romashka.ru`.\n\n\
## Fix\nAsk for a personal address, or move the record under the company as a B2B contact.\n\n\
## Options\nNone.",
    },
    RuleMeta {
        code: "CM006",
        name: "free-email-on-company",
        summary: "A company (B2B) record's email is at a free mail provider (gmail.com, mail.ru, …)",
        default_severity: Severity::Info,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nOn company records: whether an email is at a free consumer provider \
(`gmail.com`, `yandex.ru`, `mail.ru`, `bk.ru`, `outlook.com`, …).\n\n\
## Why it matters\nA company contact at a personal mailbox is a person's personal data, not the \
company's: it leaves with the employee, and advertising to it needs that person's own consent (38-FZ \
art. 18; PECR treats it as an individual subscriber).\n\n\
## Example\n`Компания` `ООО Ромашка`, `Email` `petrov1985@gmail.com`.\n\n\
## Fix\nAdd the corporate address; keep the personal one only with the person's consent.\n\n\
## Options\nNone. Info by default: small companies often use free mail.",
    },
];

/// Whether a record describes a person or a company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientProfile {
    /// B2C: a natural person.
    Person,
    /// B2B: a company or sole trader.
    Company,
}

/// The profile of a record: the client-type column when it says, else company when a company
/// name or INN is filled, else person.
pub fn client_profile(view: &RowView) -> ClientProfile {
    if let Some((_, v)) = view.filled(Role::ClientType) {
        let v = v.to_lowercase();
        let words: Vec<&str> =
            v.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        let starts = |p: &[&str]| words.iter().any(|w| p.iter().any(|x| w.starts_with(x)));
        // Company first: "индивидуальный предприниматель" is a sole trader, not a person.
        if words.iter().any(|w| {
            ["ип", "ооо", "ао", "пао", "зао", "оао", "llc", "ltd", "inc", "gmbh"].contains(w)
        }) || starts(&[
            "юр",
            "предпр",
            "компан",
            "организ",
            "company",
            "organi",
            "business",
            "b2b",
            "legal",
            "corporat",
            "entity",
            "firm",
        ]) {
            return ClientProfile::Company;
        }
        if starts(&["физ", "частн", "person", "individual", "private", "b2c", "consumer"]) {
            return ClientProfile::Person;
        }
    }
    if view.filled(Role::Company).is_some() || view.filled(Role::Inn).is_some() {
        ClientProfile::Company
    } else {
        ClientProfile::Person
    }
}

const ROLE_LOCAL_PARTS: &[&str] = &[
    "info",
    "sales",
    "office",
    "admin",
    "administrator",
    "support",
    "contact",
    "contacts",
    "hello",
    "mail",
    "noreply",
    "no-reply",
    "marketing",
    "hr",
    "team",
    "help",
    "billing",
    "reception",
    "secretary",
    "zakaz",
    "order",
    "orders",
    "buh",
    "accounting",
    "post",
    "service",
    "welcome",
    "priemnaya",
    "kadry",
    "job",
    "jobs",
    "press",
    "pr",
    "webmaster",
    "postmaster",
    "abuse",
];

const FREE_PROVIDERS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yandex.ru",
    "ya.ru",
    "yandex.com",
    "yandex.by",
    "yandex.kz",
    "yandex.ua",
    "narod.ru",
    "mail.ru",
    "bk.ru",
    "list.ru",
    "inbox.ru",
    "internet.ru",
    "rambler.ru",
    "lenta.ru",
    "ro.ru",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "proton.me",
    "protonmail.com",
    "ukr.net",
    "tut.by",
    "qip.ru",
];

/// Whether the email's local part is a role name (`info@…`).
pub fn is_role_email(email: &str) -> bool {
    email.split_once('@').is_some_and(|(local, _)| {
        let local = local.to_ascii_lowercase();
        ROLE_LOCAL_PARTS.contains(&local.as_str())
    })
}

/// Whether the email is at a free consumer mail provider.
pub fn is_free_provider_email(email: &str) -> bool {
    email.rsplit_once('@').is_some_and(|(_, domain)| {
        FREE_PROVIDERS.contains(&domain.trim_end_matches('.').to_ascii_lowercase().as_str())
    })
}

/// Runs the `CM` checks on one row.
pub fn check_row(view: &RowView, out: &mut Vec<CellIssue>) {
    let profile = client_profile(view);
    if profile == ClientProfile::Person {
        check_person_name(view, out);
    }
    check_contacts(view, out);
    match profile {
        ClientProfile::Person => {
            for (role, label) in [
                (Role::BirthDate, "birth date"),
                (Role::PreferredChannel, "preferred channel"),
                (Role::CallTime, "convenient call time"),
            ] {
                missing_field(view, role, "CM003", label, "person", out);
            }
            for (i, e) in view.all_filled(Role::Email) {
                if is_role_email(e) {
                    push(
                        out,
                        i,
                        Issue::new("CM005", format!("role address {e} on a person record")),
                    );
                }
            }
        }
        ClientProfile::Company => {
            for (role, label) in [
                (Role::Company, "company name"),
                (Role::Address, "address"),
                (Role::Phone, "phone"),
                (Role::Email, "email"),
                (Role::WorkingHours, "working hours"),
                (Role::ContactPerson, "contact person"),
                (Role::DecisionMaker, "decision maker"),
            ] {
                missing_field(view, role, "CM004", label, "company", out);
            }
            for (i, e) in view.all_filled(Role::Email) {
                if is_free_provider_email(e) {
                    push(
                        out,
                        i,
                        Issue::new(
                            "CM006",
                            format!("free-provider address {e} on a company record"),
                        ),
                    );
                }
            }
        }
    }
}

fn missing_field(
    view: &RowView,
    role: Role,
    code: &'static str,
    label: &str,
    profile: &str,
    out: &mut Vec<CellIssue>,
) {
    if let Some((i, _)) = view.first(role) {
        if view.filled(role).is_none() {
            push(out, i, Issue::new(code, format!("{label} is empty on a {profile} record")));
        }
    }
}

fn check_person_name(view: &RowView, out: &mut Vec<CellIssue>) {
    if view.filled(Role::FullName).is_some() {
        return;
    }
    let parts = [(Role::LastName, "surname"), (Role::FirstName, "first name")];
    let part_columns: Vec<(usize, &str, bool)> = parts
        .iter()
        .filter_map(|&(r, label)| view.first(r).map(|(i, v)| (i, label, !v.is_empty())))
        .collect();
    if part_columns.is_empty() {
        if let Some((i, _)) = view.first(Role::FullName) {
            push(out, i, Issue::new("CM001", "full name is empty"));
        }
        return;
    }
    let missing: Vec<&str> = part_columns.iter().filter(|p| !p.2).map(|p| p.1).collect();
    if let Some(&(i, _, _)) = part_columns.iter().find(|p| !p.2) {
        push(out, i, Issue::new("CM001", format!("{} empty", missing.join(" and "))));
    }
}

fn check_contacts(view: &RowView, out: &mut Vec<CellIssue>) {
    let Some(first) =
        view.columns.indices(Role::Phone).chain(view.columns.indices(Role::Email)).min()
    else {
        return;
    };
    if view.valid_phones().next().is_some() || view.valid_emails().next().is_some() {
        return;
    }
    let filled = view.filled(Role::Phone).or(view.filled(Role::Email));
    let (column, message) = match filled {
        Some((i, _)) => (i, "no valid contact: every phone and email is invalid"),
        None => (first, "no contact: every phone and email is empty"),
    };
    push(out, column, Issue::new("CM002", message));
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn fixtures_fire_exactly_where_expected() {
        for code in ["CM001", "CM002", "CM003", "CM004", "CM005", "CM006"] {
            assert_row_fixture(code);
        }
    }

    #[test]
    fn profile_detection() {
        let f = Fixture::load("CM004");
        let profiles: Vec<ClientProfile> = f.views().iter().map(client_profile).collect();
        assert!(profiles.contains(&ClientProfile::Company));
        assert!(profiles.contains(&ClientProfile::Person));
        assert!(is_role_email("Info@romashka.ru"));
        assert!(!is_role_email("ivanov@romashka.ru"));
        assert!(is_free_provider_email("petrov@Gmail.com"));
        assert!(!is_free_provider_email("petrov@romashka.ru"));
    }
}
