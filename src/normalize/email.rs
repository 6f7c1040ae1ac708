//! Email addresses: clean a cell, validate it as a careful mail system would, classify it
//! (personal, corporate, role, disposable), spot domain typos and build a deduplication key.
//!
//! The normalized address keeps the local part exactly as typed (mailbox names are
//! case-sensitive by the RFCs, even if few servers care) and writes the domain in lower
//! case, in its Unicode form (`почта.рф`, not `xn--80a1acny.xn--p1ai`); the ASCII form is
//! kept beside it. The match key folds the things providers themselves ignore and is only
//! ever used to find duplicates, never written over the address.

use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

use crate::finding::{Issue, Severity};
use crate::fxhash::{FxMap as FastMap, FxSet as FastSet};
use crate::rules::meta::{FixKind, RuleMeta};

/// EM001: the text is not a usable email address.
pub const EM_INVALID_SYNTAX: &str = "EM001";
/// EM002: the domain looks like a typo of a popular provider (suggestion only).
pub const EM_DOMAIN_TYPO: &str = "EM002";
/// EM003: the address was cleaned up (display name, `mailto:`, spaces, case...).
pub const EM_REFORMATTED: &str = "EM003";
/// EM004: the mailbox names a function (`info@`, `sales@`), not a person.
pub const EM_ROLE_ACCOUNT: &str = "EM004";
/// EM005: the domain belongs to a throwaway-mail service.
pub const EM_DISPOSABLE: &str = "EM005";
/// EM006: the local part is a quoted string (`"john doe"@example.com`).
pub const EM_QUOTED_LOCAL: &str = "EM006";
/// EM007: the domain is an IP address literal (`user@[192.0.2.1]`), accepted by option.
pub const EM_IP_LITERAL: &str = "EM007";
/// EM008: the top-level domain does not exist.
pub const EM_UNKNOWN_TLD: &str = "EM008";
/// EM009: the cell holds more than one address.
pub const EM_MULTIPLE: &str = "EM009";
/// EM010: a domain typo was corrected (only with `fix_typos`).
pub const EM_TYPO_FIXED: &str = "EM010";

/// How [`normalize_email`] treats the debatable cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EmailOptions {
    /// Replace a domain that is a confident typo of a popular provider (`gmial.com` →
    /// `gmail.com`) in the value. Off: the typo is only reported with its suggestion.
    pub fix_typos: bool,
    /// Accept `user@[192.0.2.1]` and `user@[IPv6:2001:db8::1]` (flagged EM007).
    /// Off: they are invalid, as almost no real customer address looks like that.
    pub allow_ip_literals: bool,
    /// Accept a top-level domain missing from the shipped list of delegated TLDs.
    /// Off: `ivan@firm.locl` is invalid (EM008).
    pub allow_unknown_tld: bool,
}

/// What kind of mailbox an address is, for the rules and reports that care
/// (B2C vs B2B, consent for role accounts, throwaway sign-ups).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EmailClass {
    /// A free mailbox provider (`gmail.com`, `mail.ru`, `yandex.ru`...): a private person.
    Personal,
    /// Any other domain: most likely an organisation's own mail.
    Corporate,
    /// A function mailbox (`info@`, `sales@`, `noreply@`...), whatever the domain.
    Role,
    /// A throwaway-mail domain (`mailinator.com`, `yopmail.com`...).
    Disposable,
}

impl EmailClass {
    /// Lower-case name used in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            EmailClass::Personal => "personal",
            EmailClass::Corporate => "corporate",
            EmailClass::Role => "role",
            EmailClass::Disposable => "disposable",
        }
    }
}

/// A valid, normalized address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress {
    /// `local@domain` with the Unicode domain: the form stored in the cell.
    pub address: String,
    /// The local part as typed (NFC), quotes included when `quoted_local`.
    pub local: String,
    /// The domain, lower case, Unicode form (`почта.рф`), or an IP literal in brackets.
    pub domain: String,
    /// The domain in ASCII (Punycode) form (`xn--80a1acny.xn--p1ai`), for SMTP and DNS.
    pub domain_ascii: String,
    /// Deduplication key: see [`match_key`]. Never store it over the address.
    pub match_key: String,
    /// Personal, corporate, role or disposable.
    pub class: EmailClass,
    /// The local part is a quoted string.
    pub quoted_local: bool,
}

/// The result of normalizing one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailCell {
    /// What goes back into the cell: the normalized address when valid, the raw text
    /// unchanged when not (never blanked), `""` for an empty cell.
    pub value: String,
    /// The parsed address, when valid.
    pub address: Option<EmailAddress>,
    /// The full address with the domain typo corrected, when one was found
    /// (also when it was applied with `fix_typos`).
    pub typo_suggestion: Option<String>,
    /// What was wrong or changed. Invalid input always carries an Error-severity issue.
    pub issues: Vec<Issue>,
}

// ---------------------------------------------------------------------------------------
// Rule registry
// ---------------------------------------------------------------------------------------

/// Every rule this module can emit.
pub static RULES: &[RuleMeta] = &[
    RuleMeta {
        code: EM_INVALID_SYNTAX,
        name: "email-invalid-syntax",
        summary: "The value is not a usable email address.",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: r#"## What it checks
That the cell holds exactly one address a mail system would accept: one `@`, a local part
of at most 64 octets made of letters, digits and ``!#$%&'*+-/=?^_`{|}~`` with no leading,
trailing or doubled dot (RFC 5322 dot-atom; non-ASCII letters allowed, RFC 6531), and a
domain of letter-digit-hyphen labels of at most 63 octets with a top-level domain, at most
254 octets in all (RFC 5321). Internationalized domains are checked with UTS #46.
Spaces inside the address, `,` for `.`, `_` in the domain, `user at domain dot ru`, a bare
IP address and a domain without a dot are all rejected. The message names the reason.

## Why it matters
Mail to an invalid address bounces; repeated bounces hurt the sender's reputation with the
big providers, and a CRM that holds `ivan@mail,ru` simply has no email for that customer.

## Example
`ekaterina johnson@gmail.com`, `petr@mail..ru`, `ivan@-yandex.ru`, `anna@mts`,
`elena at tut dot by`.

## Fix
None automatic: the raw value is kept as it was so a person can repair it from the source.
Noise around a valid address (display name, `mailto:`, trailing punctuation, spaces) is
removed by normalization instead (EM003) and does not raise this rule.

## Options
`allow_ip_literals` accepts `user@[192.0.2.1]` (then EM007 applies)."#,
    },
    RuleMeta {
        code: EM_DOMAIN_TYPO,
        name: "email-domain-typo",
        summary: "The domain looks like a misspelling of a popular mail provider.",
        default_severity: Severity::Warning,
        fix: FixKind::Unsafe,
        since: "0.1.0",
        doc: r#"## What it checks
Whether the domain is one or two keystrokes away from a well-known free mail provider
(`gmial.com`, `yandex.ry`, `mail.rru`, `gmail.co`, `mail.ru.ru`) while not being a known
provider itself. The comparison is TLD-aware: a provider's name under a TLD that does not
exist (`mail.ry`) or under one it never uses (`gmail.ru`) is a typo; a generic name under
a real TLD (`mail.com`, `mail.ua`, `gmx.de`) is left alone, and so is a corporate domain
that is not close to any provider.

## Why it matters
Mistyped domains are the most common reason a correct-looking address bounces. Catching
`ivan@gmial.com` at import saves the customer and the sender's reputation.

## Example
`ivan.petrov@gmial.com` → suggestion `ivan.petrov@gmail.com`.

## Fix
Unsafe: applied only with `fix_typos` (then EM010 records it). A few real domains that sit
next to a provider (e.g. `mai.ru`, Moscow Aviation Institute) are reported but never
changed.

## Options
`fix_typos`."#,
    },
    RuleMeta {
        code: EM_REFORMATTED,
        name: "email-reformatted",
        summary: "The address was cleaned up: display name, mailto:, spaces, punctuation or case.",
        default_severity: Severity::Info,
        fix: FixKind::Safe,
        since: "0.1.0",
        doc: r#"## What it checks
Records that the stored value differs from the raw cell only by noise that cannot change
where mail goes: surrounding spaces, tabs and non-breaking spaces, `mailto:` or `E-mail:`
prefixes, a display name (`Иван Петров <ivan@mail.ru>`, quoted or not), angle brackets,
wrapping quotes, a trailing `(comment)`, trailing `.` `,` `;`, spaces right around `@`,
upper case in the domain, a Punycode domain written back in Unicode.

## Why it matters
One address in one form makes deduplication, suppression lists and joins work.

## Example
` Mailto:Ivan.Petrov@Mail.RU. ` → `Ivan.Petrov@mail.ru`.

## Fix
Safe, applied by normalization. The local part keeps its case: only the domain is
case-insensitive by the standards.

## Options
None."#,
    },
    RuleMeta {
        code: EM_ROLE_ACCOUNT,
        name: "email-role-account",
        summary: "The address names a function (info@, sales@, noreply@), not a person.",
        default_severity: Severity::Info,
        fix: FixKind::None,
        since: "0.1.0",
        doc: r#"## What it checks
Whether the local part (lower case, `+tag` dropped) is a function mailbox: the RFC 2142
names (`info`, `sales`, `support`, `abuse`, `postmaster`...), no-reply senders, office
desks (`office`, `admin`, `hr`, `billing`) and their Russian transliterations (`buh`,
`zakaz`, `priemnaya`). The address class becomes `role`.

## Why it matters
A role mailbox reaches whoever staffs the desk. Consent to marketing is given by a person
(152-FZ art. 9 and 38-FZ art. 18 in Russia, GDPR art. 6-7): a role address is a B2B contact
at best, and it should not be matched to a private customer during deduplication.

## Example
`info@company.ru`, `noreply@shop.com`.

## Fix
None: it is a fact for the rules layer, not an error.

## Options
None."#,
    },
    RuleMeta {
        code: EM_DISPOSABLE,
        name: "email-disposable",
        summary: "The domain belongs to a throwaway (temporary) mail service.",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: r#"## What it checks
Whether the domain, or a parent of it, is on the shipped list of disposable-mail services
(`mailinator.com`, `10minutemail.com`, `guerrillamail.com`, `yopmail.com`, `temp-mail.org`
and a few hundred more). The address class becomes `disposable`.

## Why it matters
Anyone can read such a mailbox, and it disappears within minutes: the customer cannot be
reached there, and a consent recorded for it proves nothing.

## Example
`ivan@mailinator.com`.

## Fix
None automatic: ask the customer for a real address.

## Options
None. The list is not exhaustive: a miss means "unknown", not "safe"."#,
    },
    RuleMeta {
        code: EM_QUOTED_LOCAL,
        name: "email-quoted-local-part",
        summary: "The local part is a quoted string, which many systems cannot handle.",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: r#"## What it checks
Addresses whose local part is a quoted string with spaces or special characters,
such as `"john doe"@example.com` (valid by RFC 5321 §4.1.2). A quoted local part that
needs no quotes (`"ivan"@mail.ru`) is simply unquoted (EM003).

## Why it matters
Many web forms, CRMs and mail services reject such addresses; they are far more often
a data-entry accident than a real mailbox.

## Example
`"ivan petrov"@mail.ru`.

## Fix
None automatic: check the address with the customer.

## Options
None."#,
    },
    RuleMeta {
        code: EM_IP_LITERAL,
        name: "email-ip-literal",
        summary: "The domain is an IP address literal instead of a domain name.",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: r#"## What it checks
Addresses such as `user@[192.0.2.1]` or `user@[IPv6:2001:db8::1]` (RFC 5321 §4.1.3),
accepted only when the option allows them.

## Why it matters
Customers do not have such addresses; they come from test data and system accounts, and
the IP may change hands.

## Example
`root@[192.0.2.1]`.

## Fix
None.

## Options
`allow_ip_literals`: off by default, which makes such an address invalid (EM001)."#,
    },
    RuleMeta {
        code: EM_UNKNOWN_TLD,
        name: "email-unknown-tld",
        summary: "The top-level domain does not exist, so the address cannot receive mail.",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: r#"## What it checks
That the last label of the domain is a top-level domain delegated in the DNS root (the
ICANN section of the Public Suffix List, shipped with steward). Reserved names such as
`.local`, `.test`, `.invalid`, `.localhost` and `.onion` are not.

## Why it matters
No mail can be delivered to `ivan@mail.ry` or `anna@firm.locl`. Such addresses are usually
typos, and EM002 often knows the intended one.

## Example
`ivan@mail.ry` (did you mean `mail.ru`?), `petr@company.corp`.

## Fix
None automatic, unless the domain is a confident typo of a provider and `fix_typos` is on.

## Options
`allow_unknown_tld` accepts any syntactically valid TLD (for TLDs newer than the list)."#,
    },
    RuleMeta {
        code: EM_MULTIPLE,
        name: "email-multiple-addresses",
        summary: "The cell holds more than one address.",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: r#"## What it checks
Cells with two or more addresses separated by a comma, a semicolon or spaces
(`ivan@mail.ru, ivan@gmail.com`).

## Why it matters
A field meant for one address with two in it breaks sending and matching, and which one
is the customer's own (and which one the consent was given for) is a question for a person.

## Example
`spavlova@inbox.ru, oleg@internet.ru`.

## Fix
None automatic: split the contact or choose the primary address. The message lists them.

## Options
None."#,
    },
    RuleMeta {
        code: EM_TYPO_FIXED,
        name: "email-domain-typo-fixed",
        summary: "A misspelt provider domain was corrected (fix_typos).",
        default_severity: Severity::Info,
        fix: FixKind::Unsafe,
        since: "0.1.0",
        doc: r#"## What it checks
Records that the domain was replaced by the provider it was a confident typo of, because
the user asked for it (`fix_typos`). The suggestion holds the address as it was.

## Why it matters
The correction is a guess, however good: it must stay traceable.

## Example
`ivan@gmial.com` → `ivan@gmail.com`.

## Fix
Already applied.

## Options
`fix_typos`."#,
    },
];

// ---------------------------------------------------------------------------------------
// Embedded tables
// ---------------------------------------------------------------------------------------

const TLDS_TXT: &str = include_str!("../../data/email_tlds.txt");
const PROVIDERS_TXT: &str = include_str!("../../data/email_providers.txt");
const DISPOSABLE_TXT: &str = include_str!("../../data/email_disposable.txt");
const ROLES_TXT: &str = include_str!("../../data/email_roles.txt");
const NOT_TYPOS_TXT: &str = include_str!("../../data/email_not_typos.txt");

/// Real TLDs that are also the classic slips for `.com` (`gmail.co`, `yahoo.cm`).
const COM_SLIPS: &[&str] = &["co", "cm", "om"];

/// Second-level labels under a two-letter ccTLD that form a public suffix (`com.ua`,
/// `co.uk`): the registrable name is the label before them.
const SECOND_LEVEL: &[&str] = &[
    "com", "co", "net", "org", "gov", "edu", "ac", "or", "ne", "go", "gob", "mil", "nic", "ltd",
    "plc", "sch", "nom", "info", "biz",
];

#[derive(Debug, Clone, Copy)]
struct Provider {
    /// Domain used in match keys (the mailbox's main domain).
    canonical: &'static str,
    plus: bool,
    dots: bool,
    dash_dot: bool,
}

#[derive(Debug)]
struct SldGroup {
    /// Domains with this name and no subdomain, in list order (first = preferred).
    domains: Vec<(&'static str, &'static str)>, // (domain, suffix)
    brand: bool,
}

#[derive(Debug)]
struct Candidate {
    sld: &'static str,
    domain: &'static str,
    mask: u64,
}

struct Tables {
    tlds: FastSet<&'static str>,
    providers: FastMap<&'static str, Provider>,
    /// Providers in list order, for the whole-domain fallback.
    provider_list: Vec<(&'static str, u64)>,
    by_sld: FastMap<&'static str, SldGroup>,
    by_suffix: FastMap<&'static str, Vec<Candidate>>,
    disposable: FastSet<&'static str>,
    roles: FastSet<&'static str>,
    not_typos: FastSet<&'static str>,
}

/// Non-comment, non-empty lines of a data file, with `#` comments cut off.
fn data_lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines().filter_map(|line| {
        let line = match line.find('#') {
            Some(i) => &line[..i],
            None => line,
        };
        let line = line.trim();
        (!line.is_empty()).then_some(line)
    })
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let tlds = data_lines(TLDS_TXT).collect();
    let mut providers = FastMap::default();
    let mut provider_list = Vec::new();
    let mut by_sld: FastMap<&'static str, SldGroup> = FastMap::default();
    let mut by_suffix: FastMap<&'static str, Vec<Candidate>> = FastMap::default();
    for line in data_lines(PROVIDERS_TXT) {
        let mut fields = line.split_whitespace();
        let Some(domain) = fields.next() else { continue };
        let mut provider =
            Provider { canonical: domain, plus: false, dots: false, dash_dot: false };
        let mut brand = false;
        for flag in fields {
            match flag {
                "plus" => provider.plus = true,
                "dots" => provider.dots = true,
                "dashdot" => provider.dash_dot = true,
                "brand" => brand = true,
                _ => {
                    if let Some(canonical) = flag.strip_prefix('=') {
                        provider.canonical = canonical;
                    }
                }
            }
        }
        if providers.insert(domain, provider).is_some() {
            continue; // duplicate line: first one wins
        }
        provider_list.push((domain, char_mask(domain)));
        let parts = split_registrable(domain);
        if parts.sub.is_empty() && !parts.sld.is_empty() {
            let group = by_sld
                .entry(parts.sld)
                .or_insert_with(|| SldGroup { domains: Vec::new(), brand: false });
            group.domains.push((domain, parts.suffix));
            group.brand |= brand;
            by_suffix.entry(parts.suffix).or_default().push(Candidate {
                sld: parts.sld,
                domain,
                mask: char_mask(parts.sld),
            });
        }
    }
    Tables {
        tlds,
        providers,
        provider_list,
        by_sld,
        by_suffix,
        disposable: data_lines(DISPOSABLE_TXT).collect(),
        roles: data_lines(ROLES_TXT).collect(),
        not_typos: data_lines(NOT_TYPOS_TXT).collect(),
    }
});

// ---------------------------------------------------------------------------------------
// Public entry points
// ---------------------------------------------------------------------------------------

/// Normalizes one cell. Never panics; see [`EmailCell`] for what comes back.
pub fn normalize_email(raw: &str, opts: &EmailOptions) -> EmailCell {
    let cell = normalize_email_once(raw, opts);
    // Unicode mappings (`¼` → `1⁄4`) can yield a form that is not valid on its own; a stored
    // value must normalize to itself, so such an address is rejected. Only non-ASCII results
    // pay for the second pass.
    if cell.address.is_some() && !cell.value.is_ascii() {
        let again = normalize_email_once(&cell.value, opts);
        if again.address.is_none() || again.value != cell.value {
            return EmailCell {
                value: raw.to_string(),
                address: None,
                typo_suggestion: None,
                issues: vec![Issue::new(
                    EM_INVALID_SYNTAX,
                    "The internationalized domain does not survive IDNA normalization.",
                )],
            };
        }
    }
    cell
}

fn normalize_email_once(raw: &str, opts: &EmailOptions) -> EmailCell {
    let trimmed = raw.trim_matches(is_junk_space);
    if let Some((at, upper)) = fast_clean_ascii(trimmed) {
        let (local, domain) = (&trimmed[..at], &trimmed[at + 1..]);
        let domain: Cow<'_, str> =
            if upper { Cow::Owned(domain.to_ascii_lowercase()) } else { Cow::Borrowed(domain) };
        let parsed = Parsed {
            local: Cow::Borrowed(local),
            quoted: false,
            domain_ascii: domain.clone(),
            domain,
            kind: DomainKind::Name,
        };
        let changes = Changes {
            domain_case: upper,
            spaces: trimmed.len() != raw.len(),
            ..Changes::default()
        };
        return finish(raw, parsed, changes, opts);
    }
    if trimmed.is_empty() {
        return EmailCell {
            value: String::new(),
            address: None,
            typo_suggestion: None,
            issues: Vec::new(),
        };
    }
    let mut changes = Changes { spaces: trimmed.len() != raw.len(), ..Changes::default() };
    let extracted = match extract(trimmed, &mut changes) {
        Ok(text) => text,
        Err(reject) => return invalid(raw, vec![reject.into_issue()], None),
    };
    let parsed = match parse(&extracted, opts, &mut changes) {
        Ok(parsed) => parsed,
        Err(reject) => return invalid(raw, vec![reject.into_issue()], None),
    };
    finish(raw, parsed, changes, opts)
}

/// The deduplication key of a valid address: lower case; the provider's main domain for
/// alias domains (`googlemail.com` → `gmail.com`, `ya.ru`/`yandex.kz`/`narod.ru` →
/// `yandex.ru`); `+tag` dropped where the provider delivers it to the same mailbox (Gmail,
/// Yandex, Outlook/Hotmail, Proton, Fastmail...); dots dropped for Gmail; `-` read as `.`
/// for Yandex logins. Other domains keep their `+tag`: not every server treats it alike.
pub fn match_key(local: &str, domain: &str) -> String {
    let domain = domain.to_lowercase();
    let provider = TABLES.providers.get(domain.as_str()).copied();
    build_match_key(local, &domain, provider)
}

/// [`match_key`] for a domain already in lower case.
fn build_match_key(local: &str, domain: &str, provider: Option<Provider>) -> String {
    let mut key = String::with_capacity(local.len() + 1 + domain.len() + 4);
    let quoted = local.starts_with('"');
    let mut base = local;
    let (mut drop_dots, mut dash_dot) = (false, false);
    if let Some(p) = provider
        && !quoted
    {
        if p.plus
            && let Some(plus) = local.find('+')
            && plus > 0
        {
            base = &local[..plus];
        }
        drop_dots = p.dots;
        dash_dot = p.dash_dot;
    }
    if base.is_ascii() && !drop_dots && !dash_dot {
        key.push_str(base);
        key.make_ascii_lowercase();
    } else {
        for c in base.chars() {
            match c {
                '.' if drop_dots => {}
                '-' if dash_dot => key.push('.'),
                c if c.is_ascii() => key.push(c.to_ascii_lowercase()),
                c => key.extend(c.to_lowercase()),
            }
        }
    }
    key.push('@');
    key.push_str(provider.map_or(domain, |p| p.canonical));
    key
}

// ---------------------------------------------------------------------------------------
// Cleaning: from a messy cell to the text of one address
// ---------------------------------------------------------------------------------------

/// What cleaning removed or rewrote, for the EM003 message.
#[derive(Debug, Default, Clone, Copy)]
struct Changes {
    spaces: bool,
    mailto: bool,
    display_name: bool,
    quotes: bool,
    comment: bool,
    punctuation: bool,
    inner_spaces: bool,
    domain_case: bool,
    unicode_domain: bool,
    unquoted_local: bool,
    local_nfc: bool,
}

impl Changes {
    fn any(&self) -> bool {
        self.spaces
            || self.mailto
            || self.display_name
            || self.quotes
            || self.comment
            || self.punctuation
            || self.inner_spaces
            || self.domain_case
            || self.unicode_domain
            || self.unquoted_local
            || self.local_nfc
    }

    fn describe(&self) -> String {
        let mut parts = Parts(String::with_capacity(96));
        if self.mailto {
            parts.add("removed the mailto:/E-mail: prefix");
        }
        if self.display_name {
            parts.add("removed the display name and angle brackets");
        }
        if self.quotes {
            parts.add("removed wrapping quotes");
        }
        if self.comment {
            parts.add("removed a trailing comment");
        }
        if self.punctuation {
            parts.add("removed trailing punctuation");
        }
        if self.spaces {
            parts.add("removed surrounding or invisible spaces");
        }
        if self.inner_spaces {
            parts.add("removed stray spaces inside the address");
        }
        if self.unquoted_local {
            parts.add("removed needless quotes around the local part");
        }
        if self.local_nfc {
            parts.add("normalized the local part to Unicode NFC");
        }
        if self.domain_case {
            parts.add("lower-cased the domain");
        }
        if self.unicode_domain {
            parts.add("wrote the Punycode domain in Unicode");
        }
        if parts.0.is_empty() {
            return "Reformatted the address.".to_string();
        }
        parts.0.push('.');
        parts.0
    }
}

/// Builds "Reformatted the address: a, b, c" without an intermediate vector.
struct Parts(String);

impl Parts {
    fn add(&mut self, part: &str) {
        self.0.push_str(if self.0.is_empty() { "Reformatted the address: " } else { ", " });
        self.0.push_str(part);
    }
}

/// A reason to reject the cell.
#[derive(Debug)]
struct Reject {
    code: &'static str,
    message: String,
}

impl Reject {
    fn syntax(message: impl Into<String>) -> Reject {
        Reject { code: EM_INVALID_SYNTAX, message: message.into() }
    }
    fn into_issue(self) -> Issue {
        Issue::new(self.code, self.message)
    }
}

/// Whitespace and invisible characters that never belong in an address.
fn is_junk_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}')
}

fn is_trailing_punct(c: char) -> bool {
    matches!(c, '.' | ',' | ';')
}

/// Bytes that send an ASCII cell down the slow cleaning path.
fn needs_cleaning_byte(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t'
            | b'\r'
            | b'\n'
            | b'<'
            | b'>'
            | b'"'
            | b'\''
            | b'('
            | b')'
            | b','
            | b';'
            | b':'
    ) || b < 0x20
}

/// Extracts the text of the one address the cell holds.
fn extract<'a>(trimmed: &'a str, changes: &mut Changes) -> Result<Cow<'a, str>, Reject> {
    let bytes = trimmed.as_bytes();
    let fast = trimmed.is_ascii()
        && !bytes.iter().any(|&b| needs_cleaning_byte(b))
        && !trimmed.ends_with('.');
    if fast {
        return Ok(Cow::Borrowed(trimmed));
    }
    extract_slow(trimmed, changes).map(Cow::Owned)
}

fn extract_slow(trimmed: &str, changes: &mut Changes) -> Result<String, Reject> {
    // Invisible and exotic spaces: spaces become plain spaces, zero-width ones go away.
    let mut text = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        match c {
            '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => changes.spaces = true,
            '\u{FF20}' => text.push('@'), // full-width commercial at
            '\u{3002}' | '\u{FF0E}' | '\u{FF61}' => text.push('.'), // ideographic/full-width dots (UTS #46 maps them too)
            c if c.is_whitespace() => {
                if c != ' ' {
                    changes.spaces = true;
                }
                text.push(' ');
            }
            c if c.is_control() => {
                return Err(Reject::syntax("The address contains a control character."));
            }
            c => text.push(c),
        }
    }
    // Peel layers (display name, mailto:, quotes, comment, punctuation) until nothing
    // changes. Every layer leaves a substring, so this works on slices.
    let mut t: &str = &text;
    for _ in 0..8 {
        let before = t.len();
        let trimmed = t.trim_matches(' ');
        if trimmed.len() != t.len() {
            changes.spaces = true;
            t = trimmed;
        }
        t = strip_trailing_punct(t, changes);
        if let Some(inner) = strip_display_name(t, changes)? {
            t = inner;
            continue;
        }
        if let Some(rest) = strip_prefix_label(t) {
            changes.mailto = true;
            t = rest;
            continue;
        }
        if let Some(inner) = strip_wrapping_quotes(t) {
            changes.quotes = true;
            t = inner;
            continue;
        }
        if let Some(rest) = strip_trailing_comment(t) {
            changes.comment = true;
            t = rest;
            continue;
        }
        if t.len() == before {
            break;
        }
    }
    let mut out = t.to_string();
    collapse_inner_spaces(&mut out, changes)?;
    Ok(out)
}

fn strip_trailing_punct<'a>(text: &'a str, changes: &mut Changes) -> &'a str {
    let kept = text.trim_end_matches(|c: char| is_trailing_punct(c) || c == ' ');
    if kept.len() != text.len() {
        changes.punctuation = true;
    }
    kept
}

/// Length in bytes of a leading quoted string (quotes included) when an `@` follows it.
fn quoted_local_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'"') {
        return None;
    }
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => {
                return (bytes.get(i + 1) == Some(&b'@')).then_some(i + 1);
            }
            _ => i += 1,
        }
    }
    None
}

/// `Name <addr>` / `"Name" <addr>` / `<addr>` → `addr`.
fn strip_display_name<'a>(text: &'a str, changes: &mut Changes) -> Result<Option<&'a str>, Reject> {
    if !text.contains(['<', '>']) {
        return Ok(None);
    }
    let skip = quoted_local_len(text).unwrap_or(0);
    let mut in_quotes = false;
    let mut opens = Vec::new();
    let mut closes = Vec::new();
    for (i, c) in text.char_indices().skip_while(|(i, _)| *i < skip) {
        match c {
            '"' => in_quotes = !in_quotes,
            '<' if !in_quotes => opens.push(i),
            '>' if !in_quotes => closes.push(i),
            _ => {}
        }
    }
    if opens.is_empty() && closes.is_empty() {
        return Ok(None); // brackets only inside a quoted string
    }
    if opens.len() > 1 && text.matches('@').count() > 1 {
        return Err(Reject {
            code: EM_MULTIPLE,
            message: "The cell holds more than one address.".into(),
        });
    }
    let (Some(&open), Some(&close)) = (opens.first(), closes.last()) else {
        return Err(Reject::syntax("Unbalanced angle brackets around the address."));
    };
    if opens.len() != 1 || closes.len() != 1 || close < open {
        return Err(Reject::syntax("Unbalanced angle brackets around the address."));
    }
    let name = &text[..open];
    let inner = text[open + 1..close].trim();
    let after = text[close + 1..].trim_matches(|c: char| c == ' ' || is_trailing_punct(c));
    // A name or comment after the brackets is tolerated; another address is not.
    if after.contains('@') {
        return Err(Reject {
            code: EM_MULTIPLE,
            message: "The cell holds more than one address.".into(),
        });
    }
    let name_unquoted = name.trim().trim_matches('"').trim();
    if name_unquoted.contains('@') && !name_unquoted.eq_ignore_ascii_case(inner) {
        let separated = name_unquoted.contains([',', ';']);
        if separated {
            return Err(Reject {
                code: EM_MULTIPLE,
                message: format!(
                    "The cell holds more than one address: {name_unquoted} and {inner}."
                ),
            });
        }
    }
    changes.display_name = true;
    Ok(Some(inner))
}

/// `mailto:`, `email:`, `e-mail:` prefixes (any case); a `?query` after a mailto goes too.
fn strip_prefix_label(text: &str) -> Option<&str> {
    for label in ["mailto:", "e-mail:", "email:"] {
        if text.len() >= label.len()
            && text.is_char_boundary(label.len())
            && text[..label.len()].eq_ignore_ascii_case(label)
        {
            let rest = text[label.len()..].trim_start_matches([' ', '/']);
            let rest = if label == "mailto:" {
                rest.split('?').next().unwrap_or(rest) // split always yields one item
            } else {
                rest
            };
            return Some(rest);
        }
    }
    None
}

/// `"ivan@mail.ru"`, `'ivan@mail.ru'`, `«ivan@mail.ru»` → `ivan@mail.ru`.
fn strip_wrapping_quotes(text: &str) -> Option<&str> {
    for (open, close) in [('"', '"'), ('\'', '\''), ('«', '»'), ('“', '”'), ('‘', '’')] {
        if let Some(inner) = text.strip_prefix(open).and_then(|t| t.strip_suffix(close))
            && inner.contains('@')
            && !inner.contains(open)
            && !inner.contains(close)
        {
            return Some(inner.trim());
        }
    }
    None
}

/// `ivan@mail.ru (Иван)` → `ivan@mail.ru`.
fn strip_trailing_comment(text: &str) -> Option<&str> {
    if !text.ends_with(')') || quoted_local_len(text).is_some_and(|q| q >= text.len()) {
        return None;
    }
    let open = text.rfind('(')?;
    let head = text[..open].trim_end();
    (head.contains('@') && !head.is_empty()).then_some(head)
}

/// Removes spaces right around `@` and around dots of the domain; any other space left
/// outside a quoted local part makes the cell invalid (or several addresses).
fn collapse_inner_spaces(text: &mut String, changes: &mut Changes) -> Result<(), Reject> {
    let skip = quoted_local_len(text).unwrap_or(0);
    let (quoted, rest) = text.split_at(skip);
    let rest_has_space = rest.contains(' ');
    let at_count = rest.matches('@').count() + usize::from(skip > 0);
    if at_count >= 2 && rest.contains([',', ';', ' ']) {
        let found: Vec<&str> = rest.split([',', ';', ' ']).filter(|t| t.contains('@')).collect();
        if found.len() >= 2 {
            return Err(Reject {
                code: EM_MULTIPLE,
                message: format!("The cell holds {} addresses: {}.", found.len(), found.join(", ")),
            });
        }
    }
    if !rest_has_space {
        return Ok(());
    }
    let Some(at) = rest.rfind('@') else {
        return Err(Reject::syntax("The address contains a space and no @ sign."));
    };
    let (local, domain) = rest.split_at(at);
    let domain = &domain[1..];
    let local_t = local.trim_end_matches(' ');
    let domain_t = domain.trim_start_matches(' ');
    // Spaces next to dots of the domain: `mail . ru`.
    let mut new_domain = String::with_capacity(domain_t.len());
    for (i, part) in domain_t.split('.').enumerate() {
        if i > 0 {
            new_domain.push('.');
        }
        new_domain.push_str(part.trim_matches(' '));
    }
    if local_t.contains(' ') || new_domain.contains(' ') {
        return Err(Reject::syntax(
            "The address contains a space (a display name needs angle brackets: Name <address>).",
        ));
    }
    let mut out = String::with_capacity(text.len());
    out.push_str(quoted);
    out.push_str(local_t);
    out.push('@');
    out.push_str(&new_domain);
    changes.inner_spaces = true;
    *text = out;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Parsing and validation
// ---------------------------------------------------------------------------------------

#[derive(Debug)]
enum DomainKind {
    Name,
    /// IP literal in brackets (only when allowed).
    IpLiteral,
}

#[derive(Debug)]
struct Parsed<'a> {
    local: Cow<'a, str>,
    quoted: bool,
    /// Lower-case Unicode domain.
    domain: Cow<'a, str>,
    domain_ascii: Cow<'a, str>,
    kind: DomainKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DomainProblem {
    /// Single label, no TLD.
    NoDot,
    /// The TLD is not delegated.
    UnknownTld,
}

const ATEXT_SPECIALS: &[u8] = b"!#$%&'*+-/=?^_`{|}~";

fn is_atext_ascii(b: u8) -> bool {
    b.is_ascii_alphanumeric() || ATEXT_SPECIALS.contains(&b)
}

/// Index of the `@` (and whether the domain has upper case) when `s` is already a clean
/// plain-ASCII address with a dotted, non-IDN domain: the common case, validated in one
/// pass with no allocation. `None` sends the cell down the general path (which also
/// explains what is wrong).
fn fast_clean_ascii(s: &str) -> Option<(usize, bool)> {
    let b = s.as_bytes();
    if b.len() > 254 {
        return None;
    }
    let at = b.iter().position(|&c| c == b'@')?;
    if at == 0 || at > 64 {
        return None;
    }
    let mut prev_dot = true; // a leading dot is as bad as a doubled one
    for &c in &b[..at] {
        if c == b'.' {
            if prev_dot {
                return None;
            }
            prev_dot = true;
        } else if is_atext_ascii(c) {
            prev_dot = false;
        } else {
            return None;
        }
    }
    if prev_dot {
        return None;
    }
    let domain = &b[at + 1..];
    let mut dots = 0;
    let mut upper = false;
    for (i, label) in domain.split(|&c| c == b'.').enumerate() {
        if i > 0 {
            dots += 1;
        }
        let (Some(&first), Some(&last)) = (label.first(), label.last()) else {
            return None;
        };
        if label.len() > 63 || first == b'-' || last == b'-' || label.get(2..4) == Some(b"--") {
            return None; // `xn--` and reserved labels take the IDNA path
        }
        for &c in label {
            if c.is_ascii_uppercase() {
                upper = true;
            } else if !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-') {
                return None;
            }
        }
    }
    (dots > 0).then_some((at, upper))
}

fn parse<'a>(
    text: &'a str,
    opts: &EmailOptions,
    changes: &mut Changes,
) -> Result<Parsed<'a>, Reject> {
    let (local, quoted, domain) = if let Some(q) = quoted_local_len(text) {
        let (local, domain) = split_at_checked(text, q);
        let (local, quoted) = check_quoted_local(local, changes)?;
        (local, quoted, domain.get(1..).unwrap_or(""))
    } else {
        let Some(at) = text.find('@') else {
            return Err(Reject::syntax(no_at_message(text)));
        };
        if text[at + 1..].contains('@') {
            return Err(Reject::syntax("The address has more than one @ sign."));
        }
        let local = &text[..at];
        check_local(local)?;
        (Cow::Borrowed(local), false, &text[at + 1..])
    };
    if local.is_empty() {
        return Err(Reject::syntax("There is nothing before the @ sign."));
    }
    if domain.is_empty() {
        return Err(Reject::syntax("There is nothing after the @ sign."));
    }
    let local = if !quoted && !local.is_ascii() && !unicode_normalization::is_nfc(&local) {
        changes.local_nfc = true;
        Cow::Owned(local.nfc().collect::<String>())
    } else {
        local
    };
    if local.len() > 64 {
        return Err(Reject::syntax(format!(
            "The part before the @ sign is {} octets long; at most 64 are allowed.",
            local.len()
        )));
    }
    let parsed = if domain.starts_with('[') {
        let literal = check_ip_literal(domain, opts)?;
        Parsed {
            local,
            quoted,
            domain: Cow::Borrowed(literal),
            domain_ascii: Cow::Borrowed(literal),
            kind: DomainKind::IpLiteral,
        }
    } else {
        let (unicode, ascii) = check_domain(domain, changes)?;
        Parsed { local, quoted, domain: unicode, domain_ascii: ascii, kind: DomainKind::Name }
    };
    let total = parsed.local.len() + 1 + parsed.domain_ascii.len();
    if total > 254 {
        return Err(Reject::syntax(format!(
            "The address is {total} octets long; at most 254 are allowed."
        )));
    }
    Ok(parsed)
}

fn split_at_checked(text: &str, at: usize) -> (&str, &str) {
    if text.is_char_boundary(at) { text.split_at(at) } else { (text, "") }
}

fn no_at_message(text: &str) -> String {
    let lower = text.to_lowercase();
    if lower.contains(" at ") || lower.contains("(at)") || lower.contains("[at]") {
        "The address has no @ sign (\"at\" written as a word).".to_string()
    } else {
        "The address has no @ sign.".to_string()
    }
}

/// Validates an unquoted local part (RFC 5322 dot-atom, RFC 6531 for non-ASCII letters).
fn check_local(local: &str) -> Result<(), Reject> {
    if local.is_empty() {
        return Ok(()); // reported by the caller with a clearer message
    }
    if local.starts_with('.') {
        return Err(Reject::syntax("The part before the @ sign cannot start with a dot."));
    }
    if local.ends_with('.') {
        return Err(Reject::syntax("The part before the @ sign cannot end with a dot."));
    }
    if local.contains("..") {
        return Err(Reject::syntax("The part before the @ sign cannot have two dots in a row."));
    }
    let mut bad: Vec<char> = Vec::new();
    for c in local.chars() {
        let ok = if c.is_ascii() {
            c == '.' || is_atext_ascii(c as u8)
        } else {
            c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
        };
        if !ok && !bad.contains(&c) {
            bad.push(c);
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Reject::syntax(format!(
            "The part before the @ sign contains characters not allowed there: {}.",
            describe_chars(&bad)
        )))
    }
}

fn describe_chars(chars: &[char]) -> String {
    chars
        .iter()
        .map(|&c| match c {
            ' ' => "space".to_string(),
            c if c.is_control() || c.is_whitespace() => format!("U+{:04X}", c as u32),
            c => format!("'{c}'"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Validates a quoted local part; unquotes it when the content is a plain dot-atom.
fn check_quoted_local<'a>(
    quoted: &'a str,
    changes: &mut Changes,
) -> Result<(Cow<'a, str>, bool), Reject> {
    let inner = &quoted[1..quoted.len() - 1]; // quoted_local_len guarantees both quotes
    if inner.is_empty() {
        return Err(Reject::syntax("The quoted part before the @ sign is empty."));
    }
    let mut escaped = false;
    for c in inner.chars() {
        if escaped {
            escaped = false;
            if c.is_control() && c != '\t' {
                return Err(Reject::syntax(
                    "The quoted part before the @ sign contains a control character.",
                ));
            }
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' => {
                return Err(Reject::syntax(
                    "Unescaped quote inside the quoted part before the @ sign.",
                ));
            }
            c if c.is_control() => {
                return Err(Reject::syntax(
                    "The quoted part before the @ sign contains a control character.",
                ));
            }
            _ => {}
        }
    }
    if check_local(inner).is_ok() {
        changes.unquoted_local = true;
        return Ok((Cow::Borrowed(inner), false));
    }
    Ok((Cow::Borrowed(quoted), true))
}

fn check_ip_literal<'a>(domain: &'a str, opts: &EmailOptions) -> Result<&'a str, Reject> {
    let Some(inner) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) else {
        return Err(Reject::syntax("Unbalanced square brackets in the domain."));
    };
    let valid = match inner.get(..5) {
        Some(tag) if tag.eq_ignore_ascii_case("IPv6:") => inner[5..].parse::<Ipv6Addr>().is_ok(),
        _ => inner.parse::<Ipv4Addr>().is_ok(),
    };
    if !valid {
        return Err(Reject::syntax("The domain in square brackets is not an IP address."));
    }
    if !opts.allow_ip_literals {
        return Err(Reject::syntax(
            "The domain is an IP address literal; these are not accepted (allow_ip_literals is off).",
        ));
    }
    Ok(domain)
}

/// Checks the domain; returns its Unicode and ASCII forms (both lower case).
fn check_domain<'a>(
    domain: &'a str,
    changes: &mut Changes,
) -> Result<(Cow<'a, str>, Cow<'a, str>), Reject> {
    let bytes = domain.as_bytes();
    let plain_ascii = bytes.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if !plain_ascii {
        let mut bad: Vec<char> = Vec::new();
        for c in domain.chars() {
            // Non-ASCII: letters, digits and marks only, as IDNA 2008 allows (no emoji).
            let ok = c.is_ascii_alphanumeric()
                || c == '-'
                || c == '.'
                || (!c.is_ascii()
                    && (c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)));
            if !ok && !bad.contains(&c) {
                bad.push(c);
            }
        }
        if !bad.is_empty() {
            return Err(Reject::syntax(format!(
                "The part after the @ sign contains characters not allowed in a domain: {}.",
                describe_chars(&bad)
            )));
        }
    }
    check_labels(domain)?;
    let has_ace = bytes.windows(4).any(|w| w.eq_ignore_ascii_case(b"xn--"));
    let (unicode, ascii): (Cow<'a, str>, Cow<'a, str>) = if plain_ascii && !has_ace {
        if bytes.iter().any(|b| b.is_ascii_uppercase()) {
            changes.domain_case = true;
            let lower = domain.to_ascii_lowercase();
            (Cow::Owned(lower.clone()), Cow::Owned(lower))
        } else {
            (Cow::Borrowed(domain), Cow::Borrowed(domain))
        }
    } else {
        let uts46 = idna::uts46::Uts46::new();
        let ascii = uts46
            .to_ascii(
                domain.as_bytes(),
                idna::uts46::AsciiDenyList::STD3,
                idna::uts46::Hyphens::Check,
                idna::uts46::DnsLength::Verify,
            )
            .map_err(|_| {
                Reject::syntax("The internationalized domain is not valid (UTS #46 / IDNA).")
            })?
            .into_owned();
        let (unicode, result) = uts46.to_unicode(
            ascii.as_bytes(),
            idna::uts46::AsciiDenyList::STD3,
            idna::uts46::Hyphens::Check,
        );
        if result.is_err() {
            return Err(Reject::syntax(
                "The internationalized domain is not valid (UTS #46 / IDNA).",
            ));
        }
        let unicode = unicode.into_owned();
        // The stored form must itself be valid: mappings such as `½` → `1⁄2` can produce a
        // Unicode domain that IDNA rejects, and a stored value must normalize to itself.
        let stable = uts46.to_ascii(
            unicode.as_bytes(),
            idna::uts46::AsciiDenyList::STD3,
            idna::uts46::Hyphens::Check,
            idna::uts46::DnsLength::Verify,
        );
        if stable.is_err() {
            return Err(Reject::syntax(
                "The internationalized domain is not valid (UTS #46 / IDNA).",
            ));
        }
        if unicode != domain {
            if unicode.to_lowercase() == domain.to_lowercase() {
                changes.domain_case = true;
            } else if has_ace {
                changes.unicode_domain = true;
            } else {
                changes.domain_case = true; // UTS #46 mapping (case folding, width)
            }
        }
        (Cow::Owned(unicode), Cow::Owned(ascii))
    };
    check_labels(&ascii)?;
    Ok((unicode, ascii))
}

/// Structure of the labels: no empty label, LDH rules, lengths.
fn check_labels(domain: &str) -> Result<(), Reject> {
    if domain.starts_with('.') {
        return Err(Reject::syntax("The domain cannot start with a dot."));
    }
    if domain.ends_with('.') {
        return Err(Reject::syntax("The domain cannot end with a dot."));
    }
    if domain.contains("..") {
        return Err(Reject::syntax("The domain cannot have two dots in a row."));
    }
    for label in domain.split('.') {
        if label.starts_with('-') || label.ends_with('-') {
            return Err(Reject::syntax(format!(
                "The domain label '{label}' cannot start or end with a hyphen."
            )));
        }
        if label.is_ascii() {
            if label.len() > 63 {
                return Err(Reject::syntax("A domain label is longer than 63 octets."));
            }
            let b = label.as_bytes();
            if b.len() >= 4 && &b[2..4] == b"--" && !b[..2].eq_ignore_ascii_case(b"xn") {
                return Err(Reject::syntax(format!(
                    "The domain label '{label}' has '--' in the third and fourth positions, reserved for Punycode."
                )));
            }
        }
    }
    if domain.is_ascii() && domain.len() > 253 {
        return Err(Reject::syntax("The domain is longer than 253 octets."));
    }
    Ok(())
}

fn check_tld(
    unicode: &str,
    ascii: &str,
    opts: &EmailOptions,
) -> Result<Option<DomainProblem>, Reject> {
    let Some((_, tld_ascii)) = ascii.rsplit_once('.') else {
        if ascii.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Reject::syntax("The part after the @ sign is a number, not a domain."));
        }
        return Ok(Some(DomainProblem::NoDot));
    };
    if tld_ascii.bytes().all(|b| b.is_ascii_digit()) {
        if ascii.parse::<Ipv4Addr>().is_ok() {
            return Err(Reject::syntax(
                "The domain is a bare IP address; a domain name is expected.",
            ));
        }
        return Err(Reject::syntax("The top-level domain cannot be numeric."));
    }
    let tld_unicode = unicode.rsplit('.').next().unwrap_or(unicode); // rsplit yields at least one item
    if TABLES.tlds.contains(tld_unicode) || TABLES.tlds.contains(tld_ascii) {
        return Ok(None);
    }
    if opts.allow_unknown_tld && tld_ascii.len() >= 2 {
        return Ok(None);
    }
    Ok(Some(DomainProblem::UnknownTld))
}

// ---------------------------------------------------------------------------------------
// Typo suggestions
// ---------------------------------------------------------------------------------------

struct Split<'a> {
    sub: &'a str,
    sld: &'a str,
    suffix: &'a str,
}

/// Splits `mail.company.co.uk` into sub `mail`, name `company`, suffix `co.uk`.
fn split_registrable(domain: &str) -> Split<'_> {
    let Some((head, tld)) = domain.rsplit_once('.') else {
        return Split { sub: "", sld: domain, suffix: "" };
    };
    let (head, suffix_start) = match head.rsplit_once('.') {
        Some((rest, second)) if tld.len() == 2 && SECOND_LEVEL.contains(&second) => {
            (rest, domain.len() - tld.len() - second.len() - 1)
        }
        _ if tld.len() == 2 && SECOND_LEVEL.contains(&head) => ("", 0),
        _ => (head, domain.len() - tld.len()),
    };
    let suffix = &domain[suffix_start..];
    match head.rsplit_once('.') {
        Some((sub, sld)) => Split { sub, sld, suffix },
        None => Split { sub: "", sld: head, suffix },
    }
}

/// Bit set of the characters of a short ASCII string, for a cheap distance lower bound:
/// one edit changes at most two bits.
fn char_mask(s: &str) -> u64 {
    s.bytes().fold(0u64, |m, b| {
        let bit = match b {
            b'a'..=b'z' => b - b'a',
            b'0'..=b'9' => 26 + b - b'0',
            b'-' => 36,
            b'.' => 37,
            _ => 38,
        };
        m | (1u64 << bit)
    })
}

/// Optimal-string-alignment distance (Damerau-Levenshtein without repeated edits of one
/// substring) between two short ASCII strings, on the stack. Longer or non-ASCII input
/// falls back to `strsim`, which allocates.
fn osa_distance(a: &str, b: &str) -> usize {
    const N: usize = 64;
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() >= N || b.len() >= N || !a.is_ascii() || !b.is_ascii() {
        return strsim::osa_distance(&String::from_utf8_lossy(a), &String::from_utf8_lossy(b));
    }
    // Three rolling rows of the classic dynamic programme.
    let mut two_back = [0usize; N];
    let mut prev = [0usize; N];
    let mut cur = [0usize; N];
    for (j, cell) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(two_back[j - 2] + 1);
            }
            cur[j] = d;
        }
        two_back = prev;
        prev = cur;
    }
    prev[b.len()]
}

/// Largest edit distance accepted for a provider name of this length.
fn max_name_distance(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=5 => 1,
        _ => 2,
    }
}

#[derive(Debug, Clone, Copy)]
struct Suggestion {
    domain: &'static str,
    /// False for real domains next to a provider: report, never apply.
    auto: bool,
}

/// The provider domain this one is a confident typo of, if any. `domain` is ASCII, lower case.
fn suggest_domain(domain: &str, problem: Option<DomainProblem>) -> Option<Suggestion> {
    let t = &*TABLES;
    if !domain.is_ascii() || domain.contains("xn--") {
        return None;
    }
    let found = suggest_inner(t, domain, problem)?;
    Some(Suggestion { domain: found, auto: !t.not_typos.contains(domain) })
}

fn suggest_inner(t: &Tables, domain: &str, problem: Option<DomainProblem>) -> Option<&'static str> {
    let tld_known = problem.is_none();
    if problem == Some(DomainProblem::NoDot) {
        // `ivan@gmail`: only a brand name is unambiguous.
        return t
            .by_sld
            .get(domain)
            .filter(|g| g.brand)
            .and_then(|g| g.domains.first())
            .map(|d| d.0);
    }
    // A provider with one label too many: `mail.ru.ru`, `gmail.com.ru`.
    if let Some((head, extra)) = domain.rsplit_once('.')
        && let Some((&provider, _)) = t.providers.get_key_value(head)
    {
        let last = provider.rsplit('.').next().unwrap_or(provider);
        let brand = t.by_sld.get(split_registrable(provider).sld).is_some_and(|g| g.brand);
        if extra == last || !tld_known || brand {
            return Some(provider);
        }
    }
    let parts = split_registrable(domain);
    if !parts.sub.is_empty() || parts.sld.is_empty() {
        return best_whole_domain(t, domain, tld_known);
    }
    // The provider's own name under another TLD.
    if let Some(group) = t.by_sld.get(parts.sld) {
        let nearest = group
            .domains
            .iter()
            .map(|&(d, suffix)| (osa_distance(parts.suffix, suffix), d))
            .min_by_key(|&(dist, _)| dist); // min_by_key keeps the first of equals: list order
        let first = group.domains.first().map(|d| d.0);
        if let Some((dist, nearest)) = nearest {
            if !tld_known {
                if dist <= 1 || (group.brand && dist <= 2) {
                    return Some(nearest);
                }
                if group.brand {
                    return first;
                }
            } else if group.brand {
                return if dist <= 1 { Some(nearest) } else { first };
            } else if COM_SLIPS.contains(&parts.suffix) {
                return group.domains.iter().find(|(_, s)| *s == "com").map(|d| d.0);
            }
        }
    }
    // A misspelt provider name under the provider's TLD: `gmial.com`, `yandeks.ru`.
    if let Some(candidates) = t.by_suffix.get(parts.suffix) {
        let mask = char_mask(parts.sld);
        let mut best: Option<(usize, &'static str)> = None;
        for c in candidates {
            let max = max_name_distance(c.sld.len());
            if max == 0 || parts.sld.len().abs_diff(c.sld.len()) > max {
                continue;
            }
            if (mask ^ c.mask).count_ones() as usize > 2 * max {
                continue;
            }
            let dist = osa_distance(parts.sld, c.sld);
            if dist == 0 || dist > max {
                continue;
            }
            // Two edits only when the first letter agrees: `yandeks`, not `pandas`.
            if dist == 2 && parts.sld.as_bytes().first() != c.sld.as_bytes().first() {
                continue;
            }
            if best.is_none_or(|(d, _)| dist < d) {
                best = Some((dist, c.domain));
            }
        }
        if let Some((_, d)) = best {
            return Some(d);
        }
    }
    best_whole_domain(t, domain, tld_known)
}

/// Last resort for a non-existent TLD: the nearest provider domain as a whole (`gmial.con`).
fn best_whole_domain(t: &Tables, domain: &str, tld_known: bool) -> Option<&'static str> {
    if tld_known {
        return None;
    }
    let max = if domain.len() <= 8 { 1 } else { 2 };
    let mask = char_mask(domain);
    let mut best: Option<(usize, &'static str)> = None;
    for &(p, pmask) in &t.provider_list {
        if p.len().abs_diff(domain.len()) > max || (mask ^ pmask).count_ones() as usize > 2 * max {
            continue;
        }
        let dist = osa_distance(domain, p);
        if dist == 0
            || dist > max
            || (dist == 2 && domain.as_bytes().first() != p.as_bytes().first())
        {
            continue;
        }
        if best.is_none_or(|(d, _)| dist < d) {
            best = Some((dist, p));
        }
    }
    best.map(|(_, p)| p)
}

// ---------------------------------------------------------------------------------------
// Classification and the final cell
// ---------------------------------------------------------------------------------------

fn is_disposable(domain_ascii: &str) -> bool {
    let mut d = domain_ascii;
    loop {
        if TABLES.disposable.contains(d) {
            return true;
        }
        match d.split_once('.') {
            Some((_, parent)) if parent.contains('.') => d = parent,
            _ => return false,
        }
    }
}

fn is_role(local: &str) -> bool {
    let base = local.split('+').next().unwrap_or(local); // split always yields one item
    if base.is_empty() || base.len() > 32 || !base.is_ascii() {
        return false;
    }
    let mut buf = [0u8; 32];
    let lower = &mut buf[..base.len()];
    lower.copy_from_slice(base.as_bytes());
    lower.make_ascii_lowercase();
    std::str::from_utf8(lower).is_ok_and(|s| TABLES.roles.contains(s))
}

fn classify(local: &str, domain_ascii: &str, quoted: bool, free_provider: bool) -> EmailClass {
    if !free_provider && is_disposable(domain_ascii) {
        EmailClass::Disposable
    } else if !quoted && is_role(local) {
        EmailClass::Role
    } else if free_provider {
        EmailClass::Personal
    } else {
        EmailClass::Corporate
    }
}

fn invalid(raw: &str, issues: Vec<Issue>, typo_suggestion: Option<String>) -> EmailCell {
    EmailCell { value: raw.to_string(), address: None, typo_suggestion, issues }
}

fn finish(raw: &str, parsed: Parsed<'_>, changes: Changes, opts: &EmailOptions) -> EmailCell {
    let Parsed { local, quoted, domain, domain_ascii, kind } = parsed;
    // One lookup answers most questions for the common case of a big free provider.
    let provider = match kind {
        DomainKind::Name => TABLES.providers.get(&*domain_ascii).copied(),
        DomainKind::IpLiteral => None,
    };
    let (domain_problem, suggestion) =
        if provider.is_some() || matches!(kind, DomainKind::IpLiteral) {
            (None, None)
        } else {
            let problem = match check_tld(&domain, &domain_ascii, opts) {
                Ok(problem) => problem,
                Err(reject) => return invalid(raw, vec![reject.into_issue()], None),
            };
            (problem, suggest_domain(&domain_ascii, problem))
        };
    let suggested_address = suggestion.map(|s| format!("{local}@{}", s.domain));
    let apply = opts.fix_typos && suggestion.is_some_and(|s| s.auto);

    let mut issues = Vec::new();
    if let Some(problem) = domain_problem
        && !apply
    {
        let hint =
            suggested_address.as_deref().map(|s| format!(" Did you mean {s}?")).unwrap_or_default();
        let issue = match problem {
            DomainProblem::NoDot => Issue::new(
                EM_INVALID_SYNTAX,
                format!("The domain '{domain}' has no top-level domain (no dot).{hint}"),
            ),
            DomainProblem::UnknownTld => {
                let tld = domain.rsplit('.').next().unwrap_or(&domain);
                Issue::new(
                    EM_UNKNOWN_TLD,
                    format!(
                        "'.{tld}' is not a top-level domain: mail to this address cannot be delivered.{hint}"
                    ),
                )
            }
        };
        issues.push(issue);
        if let (Some(s), Some(full)) = (suggestion, &suggested_address) {
            issues.push(typo_issue(&domain, s, full));
        }
        return invalid(raw, issues, suggested_address);
    }

    let (domain, domain_ascii, typed_domain, provider) = match (apply, suggestion) {
        (true, Some(s)) => (
            Cow::Borrowed(s.domain),
            Cow::Borrowed(s.domain),
            Some(domain),
            TABLES.providers.get(s.domain).copied(),
        ),
        _ => (domain, domain_ascii, None, provider),
    };
    let mut address = String::with_capacity(local.len() + 1 + domain.len());
    address.push_str(&local);
    address.push('@');
    address.push_str(&domain);

    // With a typo fix, EM010 tells about the domain; EM003 only about the rest.
    if address != raw && (!apply || changes.any()) {
        issues.push(Issue::new(EM_REFORMATTED, changes.describe()));
    }
    if let Some(typed) = typed_domain {
        issues.push(Issue::with_suggestion(
            EM_TYPO_FIXED,
            format!("Corrected the domain typo '{typed}' to '{domain}'."),
            format!("{local}@{typed}"),
        ));
    } else if let (Some(s), Some(full)) = (suggestion, &suggested_address) {
        issues.push(typo_issue(&domain, s, full));
    }
    if quoted {
        issues.push(Issue::new(
            EM_QUOTED_LOCAL,
            "The part before the @ sign is a quoted string; many systems reject such addresses.",
        ));
    }
    if matches!(kind, DomainKind::IpLiteral) {
        issues.push(Issue::new(
            EM_IP_LITERAL,
            "The domain is an IP address literal, not a domain name.",
        ));
    }
    let class = classify(&local, &domain_ascii, quoted, provider.is_some());
    match class {
        EmailClass::Role => issues.push(Issue::new(
            EM_ROLE_ACCOUNT,
            format!("'{local}' is a role mailbox (a function, not a person)."),
        )),
        EmailClass::Disposable => issues.push(Issue::new(
            EM_DISPOSABLE,
            format!("'{domain}' is a disposable (throwaway) mail service."),
        )),
        EmailClass::Personal | EmailClass::Corporate => {}
    }
    let key = build_match_key(&local, &domain, provider);
    let value = address.clone();
    EmailCell {
        value,
        address: Some(EmailAddress {
            address,
            local: local.into_owned(),
            domain: domain.into_owned(),
            domain_ascii: domain_ascii.into_owned(),
            match_key: key,
            class,
            quoted_local: quoted,
        }),
        typo_suggestion: suggested_address,
        issues,
    }
}

fn typo_issue(domain: &str, s: Suggestion, full: &str) -> Issue {
    let note = if s.auto { "" } else { " (it is also a real domain: check before changing)" };
    Issue::with_suggestion(
        EM_DOMAIN_TYPO,
        format!("The domain '{domain}' looks like a typo of '{}'{note}.", s.domain),
        full.to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn plain() -> EmailOptions {
        EmailOptions::default()
    }

    fn fixing() -> EmailOptions {
        EmailOptions { fix_typos: true, ..EmailOptions::default() }
    }

    fn codes(cell: &EmailCell) -> Vec<&'static str> {
        cell.issues.iter().map(|i| i.code).collect()
    }

    fn severity(code: &str) -> Severity {
        RULES.iter().find(|r| r.code == code).map(|r| r.default_severity).unwrap_or(Severity::Error)
    }

    #[test]
    fn valid_inputs_normalize_to_the_expected_address() {
        let cases: &[(&str, &str)] = &[
            ("ivan@mail.ru", "ivan@mail.ru"),
            (" Ivan.Petrov@Mail.RU ", "Ivan.Petrov@mail.ru"),
            ("mailto:ivan@mail.ru", "ivan@mail.ru"),
            ("MAILTO:ivan@mail.ru?subject=hi", "ivan@mail.ru"),
            ("Mailto: ivan@mail.ru", "ivan@mail.ru"),
            ("Иван Петров <ivan@mail.ru>", "ivan@mail.ru"),
            ("\"Петров, Иван\" <ivan@mail.ru>", "ivan@mail.ru"),
            ("ООО Ромашка <Ivan@Gmail.com>", "Ivan@gmail.com"),
            ("<ivan@mail.ru>", "ivan@mail.ru"),
            ("<ivan@mail.ru>.", "ivan@mail.ru"),
            ("<mailto:ivan@mail.ru>", "ivan@mail.ru"),
            ("<ivan@mail.ru> Иван (работа)", "ivan@mail.ru"),
            ("ivan@mail.ru.", "ivan@mail.ru"),
            ("ivan@mail.ru,", "ivan@mail.ru"),
            ("ivan@mail.ru;", "ivan@mail.ru"),
            ("ivan@mail.ru.,; ", "ivan@mail.ru"),
            ("ivan@mail.ru\u{a0}", "ivan@mail.ru"),
            ("\tivan@mail.ru", "ivan@mail.ru"),
            ("\u{feff}ivan@mail.ru", "ivan@mail.ru"),
            ("ivan @ mail.ru", "ivan@mail.ru"),
            ("ivan@ mail.ru", "ivan@mail.ru"),
            ("ivan@mail. ru", "ivan@mail.ru"),
            ("ivan＠mail.ru", "ivan@mail.ru"),
            ("'ivan@mail.ru'", "ivan@mail.ru"),
            ("\"ivan@mail.ru\"", "ivan@mail.ru"),
            ("«ivan@mail.ru»", "ivan@mail.ru"),
            ("ivan@mail.ru (Иван)", "ivan@mail.ru"),
            ("E-mail: ivan@mail.ru", "ivan@mail.ru"),
            ("email:ivan@mail.ru", "ivan@mail.ru"),
            ("\"ivan\"@mail.ru", "ivan@mail.ru"),
            ("ivan+tag@gmail.com", "ivan+tag@gmail.com"),
            ("o'brien@example.ie", "o'brien@example.ie"),
            ("ivan@почта.рф", "ivan@почта.рф"),
            ("ivan@xn--80a1acny.xn--p1ai", "ivan@почта.рф"),
            ("IVAN@XN--80A1ACNY.XN--P1AI", "IVAN@почта.рф"),
            ("Иван@ПОЧТА.РФ", "Иван@почта.рф"),
            ("jürgen@bücher.de", "jürgen@bücher.de"),
            ("пётр@xn--bcher-kva.de.", "пётр@bücher.de"),
            ("hans.volkov@мысал.қаз", "hans.volkov@мысал.қаз"),
            ("m.vasiliev@mail.company.co.uk", "m.vasiliev@mail.company.co.uk"),
            ("a@b.io", "a@b.io"),
        ];
        for &(raw, want) in cases {
            let cell = normalize_email(raw, &plain());
            assert_eq!(cell.value, want, "raw {raw:?}, issues {:?}", cell.issues);
            let addr = cell.address.as_ref().unwrap_or_else(|| panic!("{raw:?} should be valid"));
            assert_eq!(addr.address, want);
            assert!(
                cell.issues.iter().all(|i| severity(i.code) != Severity::Error),
                "{raw:?} has an error: {:?}",
                cell.issues
            );
            let reformatted = codes(&cell).contains(&EM_REFORMATTED);
            assert_eq!(reformatted, raw != want, "EM003 for {raw:?}: {:?}", cell.issues);
        }
    }

    #[test]
    fn idn_domains_keep_both_forms() {
        let cell = normalize_email("Ivan@XN--80A1ACNY.XN--P1AI", &plain());
        let addr = cell.address.expect("valid");
        assert_eq!(addr.local, "Ivan");
        assert_eq!(addr.domain, "почта.рф");
        assert_eq!(addr.domain_ascii, "xn--80a1acny.xn--p1ai");
        assert_eq!(addr.match_key, "ivan@почта.рф");
        assert!(cell.issues[0].message.contains("Punycode"), "{:?}", cell.issues);
    }

    #[test]
    fn invalid_inputs_keep_the_raw_value_and_carry_an_error() {
        let long_local = format!("{}@mail.ru", "x".repeat(65));
        let long_domain = format!("a@{}.ru", ["abcdefghij"; 26].join("."));
        let cases: &[(&str, &str)] = &[
            ("ivan", EM_INVALID_SYNTAX),
            ("null", EM_INVALID_SYNTAX),
            ("—", EM_INVALID_SYNTAX),
            ("89161234567", EM_INVALID_SYNTAX),
            ("@", EM_INVALID_SYNTAX),
            ("ivan@", EM_INVALID_SYNTAX),
            ("@mail.ru", EM_INVALID_SYNTAX),
            ("ivan@@mail.ru", EM_INVALID_SYNTAX),
            ("ivan@mail..ru", EM_INVALID_SYNTAX),
            (".ivan@mail.ru", EM_INVALID_SYNTAX),
            ("ivan.@mail.ru", EM_INVALID_SYNTAX),
            ("iv..an@mail.ru", EM_INVALID_SYNTAX),
            ("ivan@-mail.ru", EM_INVALID_SYNTAX),
            ("ivan@mail-.ru", EM_INVALID_SYNTAX),
            ("ivan@mail_ru.ru", EM_INVALID_SYNTAX),
            ("ivan@mail,ru", EM_INVALID_SYNTAX),
            ("ivan petrov@mail.ru", EM_INVALID_SYNTAX),
            ("Иван Петров ivan@mail.ru", EM_INVALID_SYNTAX),
            ("ivan at mail dot ru", EM_INVALID_SYNTAX),
            ("ivanmail.ru", EM_INVALID_SYNTAX),
            ("ivan@mts", EM_INVALID_SYNTAX),
            ("ivan@exa mple.com", EM_INVALID_SYNTAX),
            ("ivan@ab--cd.com", EM_INVALID_SYNTAX),
            ("root@127.0.0.1", EM_INVALID_SYNTAX),
            ("root@[127.0.0.1]", EM_INVALID_SYNTAX),
            ("ivan(at)mail.ru", EM_INVALID_SYNTAX),
            ("Ivan <ivan@mail.ru", EM_INVALID_SYNTAX),
            ("ivan@mail.ru>", EM_INVALID_SYNTAX),
            ("a\"b@mail.ru", EM_INVALID_SYNTAX),
            ("ivan@xn--zz-.com", EM_INVALID_SYNTAX),
            ("ivan@😀.com", EM_INVALID_SYNTAX),
            (long_local.as_str(), EM_INVALID_SYNTAX),
            (long_domain.as_str(), EM_INVALID_SYNTAX),
            ("a@b.ru, c@d.ru", EM_MULTIPLE),
            ("a@b.ru; c@d.ru", EM_MULTIPLE),
            ("a@b.ru c@d.ru", EM_MULTIPLE),
            ("A <a@b.ru>, C <c@d.ru>", EM_MULTIPLE),
            ("<a@b.ru> c@d.ru", EM_MULTIPLE),
            ("ivan@company.locl", EM_UNKNOWN_TLD),
            ("ivan@printer.local", EM_UNKNOWN_TLD),
            ("ivan@mail.ry", EM_UNKNOWN_TLD),
        ];
        for &(raw, code) in cases {
            let cell = normalize_email(raw, &plain());
            assert_eq!(cell.value, raw, "invalid value must stay raw: {raw:?}");
            assert!(cell.address.is_none(), "{raw:?} accepted as {:?}", cell.address);
            assert!(codes(&cell).contains(&code), "{raw:?}: want {code}, got {:?}", cell.issues);
            assert!(
                cell.issues.iter().any(|i| severity(i.code) == Severity::Error),
                "{raw:?} has no error issue"
            );
        }
    }

    #[test]
    fn empty_cells_are_empty_and_silent() {
        for raw in ["", "   ", "\t", "\u{a0}"] {
            let cell = normalize_email(raw, &plain());
            assert_eq!(cell.value, "");
            assert!(cell.issues.is_empty() && cell.address.is_none(), "{raw:?}");
        }
    }

    #[test]
    fn typo_suggestions_point_to_the_provider() {
        let cases: &[(&str, &str)] = &[
            ("gmial.com", "gmail.com"),
            ("gmai.com", "gmail.com"),
            ("gamil.com", "gmail.com"),
            ("gmail.co", "gmail.com"),
            ("gmail.cm", "gmail.com"),
            ("gmail.con", "gmail.com"),
            ("gmail.ru", "gmail.com"),
            ("gmail.com.ru", "gmail.com"),
            ("mail.ry", "mail.ru"),
            ("mail.r", "mail.ru"),
            ("mail.rru", "mail.ru"),
            ("mail.ru.ru", "mail.ru"),
            ("mali.ru", "mail.ru"),
            ("meil.ru", "mail.ru"),
            ("yandex.ry", "yandex.ru"),
            ("yandx.ru", "yandex.ru"),
            ("yandeks.ru", "yandex.ru"),
            ("jandex.ru", "yandex.ru"),
            ("yandx.kz", "yandex.kz"),
            ("rambler.ry", "rambler.ru"),
            ("rambller.ru", "rambler.ru"),
            ("bk.r", "bk.ru"),
            ("lsit.ru", "list.ru"),
            ("hotmail.co", "hotmail.com"),
            ("hotmial.com", "hotmail.com"),
            ("yahoo.co", "yahoo.com"),
            ("icloud.co", "icloud.com"),
            ("outlok.com", "outlook.com"),
            ("gmial.con", "gmail.com"),
        ];
        for &(domain, want) in cases {
            let raw = format!("ivan@{domain}");
            let cell = normalize_email(&raw, &plain());
            let want_full = format!("ivan@{want}");
            assert_eq!(
                cell.typo_suggestion.as_deref(),
                Some(want_full.as_str()),
                "{raw}: {:?}",
                cell.issues
            );
            let typo = cell.issues.iter().find(|i| i.code == EM_DOMAIN_TYPO).expect("EM002");
            assert_eq!(typo.suggestion.as_deref(), Some(want_full.as_str()));
            let fixed = normalize_email(&raw, &fixing());
            assert_eq!(fixed.value, want_full, "{raw} with fix_typos: {:?}", fixed.issues);
            assert!(
                codes(&fixed).contains(&EM_TYPO_FIXED) && !codes(&fixed).contains(&EM_DOMAIN_TYPO)
            );
            assert!(fixed.address.is_some());
        }
    }

    #[test]
    fn real_domains_are_not_corrected() {
        for domain in [
            "mail.com",
            "gmx.de",
            "gmx.com",
            "mail.ua",
            "email.com",
            "ymail.com",
            "sberbank.ru",
            "company.ru",
            "mts.ru",
            "msu.ru",
            "hse.ru",
            "bank.by",
            "firma.de",
            "yandex.kz",
            "yandex.com",
            "hotmail.fr",
            "yahoo.co.uk",
            "yahoo.com.vn",
            "outlook.de",
            "list.de",
            "mail.company.co.uk",
            "retail-group.com",
            "corp.example.org",
            "dev.studio.io",
            "почта.рф",
            "bücher.de",
        ] {
            let raw = format!("ivan@{domain}");
            let cell = normalize_email(&raw, &fixing());
            assert_eq!(cell.value, raw, "{raw}: {:?}", cell.issues);
            assert_eq!(cell.typo_suggestion, None, "{raw}");
        }
    }

    #[test]
    fn lookalike_real_domains_are_reported_but_never_fixed() {
        let cell = normalize_email("ivan@mai.ru", &fixing());
        assert_eq!(cell.value, "ivan@mai.ru");
        assert_eq!(cell.typo_suggestion.as_deref(), Some("ivan@mail.ru"));
        assert_eq!(codes(&cell), vec![EM_DOMAIN_TYPO]);
    }

    #[test]
    fn unknown_tld_typo_is_invalid_unless_fixed() {
        let cell = normalize_email(" Ivan@Mail.RY ", &plain());
        assert_eq!(cell.value, " Ivan@Mail.RY ");
        assert_eq!(codes(&cell), vec![EM_UNKNOWN_TLD, EM_DOMAIN_TYPO]);
        assert_eq!(cell.typo_suggestion.as_deref(), Some("Ivan@mail.ru"));
        let fixed = normalize_email(" Ivan@Mail.RY ", &fixing());
        assert_eq!(fixed.value, "Ivan@mail.ru");
        assert_eq!(codes(&fixed), vec![EM_REFORMATTED, EM_TYPO_FIXED]);
        let allowed = normalize_email(
            "ivan@firm.newtld",
            &EmailOptions { allow_unknown_tld: true, ..plain() },
        );
        assert_eq!(allowed.value, "ivan@firm.newtld");
        assert!(allowed.issues.is_empty());
    }

    #[test]
    fn brand_without_tld_gets_a_suggestion_but_stays_invalid() {
        let cell = normalize_email("ivan@gmail", &plain());
        assert_eq!(cell.value, "ivan@gmail");
        assert!(codes(&cell).contains(&EM_INVALID_SYNTAX));
        assert_eq!(cell.typo_suggestion.as_deref(), Some("ivan@gmail.com"));
        let generic = normalize_email("ivan@mail", &plain());
        assert_eq!(generic.typo_suggestion, None);
    }

    #[test]
    fn classes_and_their_issues() {
        let cases: &[(&str, EmailClass, Option<&str>)] = &[
            ("ivan@gmail.com", EmailClass::Personal, None),
            ("ivan@yandex.ru", EmailClass::Personal, None),
            ("ivan@sberbank.ru", EmailClass::Corporate, None),
            ("ivan@почта.рф", EmailClass::Corporate, None),
            ("info@company.ru", EmailClass::Role, Some(EM_ROLE_ACCOUNT)),
            ("Sales@company.ru", EmailClass::Role, Some(EM_ROLE_ACCOUNT)),
            ("noreply+x@company.ru", EmailClass::Role, Some(EM_ROLE_ACCOUNT)),
            ("buh@mail.ru", EmailClass::Role, Some(EM_ROLE_ACCOUNT)),
            ("ivan@mailinator.com", EmailClass::Disposable, Some(EM_DISPOSABLE)),
            ("ivan@x.mailinator.com", EmailClass::Disposable, Some(EM_DISPOSABLE)),
            ("info@yopmail.com", EmailClass::Disposable, Some(EM_DISPOSABLE)),
        ];
        for &(raw, class, code) in cases {
            let cell = normalize_email(raw, &plain());
            let addr = cell.address.as_ref().expect("valid");
            assert_eq!(addr.class, class, "{raw}");
            assert_eq!(codes(&cell), code.into_iter().collect::<Vec<_>>(), "{raw}");
        }
        assert_eq!(EmailClass::Disposable.as_str(), "disposable");
    }

    #[test]
    fn match_keys_fold_what_providers_ignore() {
        let cases: &[(&str, &str)] = &[
            ("I.van+news@googlemail.com", "ivan@gmail.com"),
            ("i.v.a.n@gmail.com", "ivan@gmail.com"),
            ("Ivan.Petrov+x@ya.ru", "ivan.petrov@yandex.ru"),
            ("ivan-petrov@yandex.kz", "ivan.petrov@yandex.ru"),
            ("ivan@narod.ru", "ivan@yandex.ru"),
            ("a+b@outlook.com", "a@outlook.com"),
            ("a+b@mail.ru", "a+b@mail.ru"),
            ("Ivan+x@company.ru", "ivan+x@company.ru"),
            ("Ivan@mail.ru", "ivan@mail.ru"),
            ("ИВАН@почта.рф", "иван@почта.рф"),
            ("+tag@gmail.com", "+tag@gmail.com"),
        ];
        for &(raw, key) in cases {
            let cell = normalize_email(raw, &plain());
            let addr = cell.address.expect("valid");
            assert_eq!(addr.match_key, key, "{raw}");
            assert_eq!(match_key(&addr.local, &addr.domain), key);
        }
        // The key is never written over the address.
        assert_eq!(
            normalize_email("I.van+news@googlemail.com", &plain()).value,
            "I.van+news@googlemail.com"
        );
    }

    #[test]
    fn quoted_local_parts_and_ip_literals() {
        let cell = normalize_email("\"ivan petrov\"@mail.ru", &plain());
        assert_eq!(cell.value, "\"ivan petrov\"@mail.ru");
        assert!(cell.address.as_ref().is_some_and(|a| a.quoted_local));
        assert_eq!(codes(&cell), vec![EM_QUOTED_LOCAL]);

        let ip = EmailOptions { allow_ip_literals: true, ..plain() };
        let cell = normalize_email("ivan@[192.0.2.1]", &ip);
        assert_eq!(cell.value, "ivan@[192.0.2.1]");
        assert_eq!(codes(&cell), vec![EM_IP_LITERAL]);
        let cell = normalize_email("ivan@[IPv6:2001:db8::1]", &ip);
        assert_eq!(codes(&cell), vec![EM_IP_LITERAL]);
        let cell = normalize_email("root@[192.0.2.1]", &ip);
        assert_eq!(codes(&cell), vec![EM_IP_LITERAL, EM_ROLE_ACCOUNT]);
        let cell = normalize_email("ivan@[300.1.1.1]", &ip);
        assert!(cell.address.is_none());
    }

    #[test]
    fn every_emitted_code_is_documented() {
        let mut seen = std::collections::HashSet::new();
        for rule in RULES {
            assert!(seen.insert(rule.code), "duplicate {}", rule.code);
            assert!(rule.code.starts_with("EM") && rule.code.len() == 5);
            for section in
                ["## What it checks", "## Why it matters", "## Example", "## Fix", "## Options"]
            {
                assert!(rule.doc.contains(section), "{} lacks {section}", rule.code);
            }
        }
        for code in [
            EM_INVALID_SYNTAX,
            EM_DOMAIN_TYPO,
            EM_REFORMATTED,
            EM_ROLE_ACCOUNT,
            EM_DISPOSABLE,
            EM_QUOTED_LOCAL,
            EM_IP_LITERAL,
            EM_UNKNOWN_TLD,
            EM_MULTIPLE,
            EM_TYPO_FIXED,
        ] {
            assert!(seen.contains(code), "{code} not declared");
        }
    }

    #[test]
    fn osa_distance_matches_strsim() {
        for (a, b) in [
            ("gmial", "gmail"),
            ("yandeks", "yandex"),
            ("", "abc"),
            ("ca", "abc"),
            ("mail", "mail"),
            ("ry", "ru"),
            ("hotmial", "hotmail"),
            ("abcdef", "badcfe"),
            ("пример", "пример1"),
        ] {
            assert_eq!(osa_distance(a, b), strsim::osa_distance(a, b), "{a} {b}");
        }
    }

    #[test]
    fn data_tables_load() {
        let t = &*TABLES;
        assert!(t.tlds.len() > 1000 && t.tlds.contains("рф") && t.tlds.contains("com"));
        assert!(t.providers.len() > 150 && t.disposable.len() > 300 && t.roles.contains("info"));
        assert!(!t.tlds.contains("onion") && !t.tlds.contains("local"));
        // No provider is also listed as disposable.
        assert!(t.providers.keys().all(|p| !t.disposable.contains(p)));
    }

    /// The corpus yardsticks (shared/eval/emails.py) on a 2,000-row slice of it.
    #[test]
    fn corpus_slice_meets_the_bars() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/emails_slice.csv");
        let mut reader = csv::Reader::from_path(path).expect("slice");
        let (mut v, mut va, mut n, mut na, mut ty, mut tya) = (0, 0, 0, 0, 0, 0);
        let looks = regex::Regex::new(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$").expect("regex");
        for record in reader.records() {
            let r = record.expect("row");
            let (raw, clean, expect) = (&r[1], &r[3], &r[4]);
            let cell = normalize_email(raw, &plain());
            let o = cell.value.trim();
            match expect {
                "valid" => {
                    v += 1;
                    va += usize::from(o.to_lowercase() == clean.to_lowercase());
                }
                "invalid" if !raw.trim().is_empty() => {
                    n += 1;
                    na += usize::from(
                        (looks.is_match(o) && o != raw.trim()) || cell.issues.is_empty(),
                    );
                }
                "typo" => {
                    ty += 1;
                    let fixed = normalize_email(raw, &fixing()).value.to_lowercase();
                    let got = fixed.rsplit('@').next().unwrap_or("");
                    tya += usize::from(Some(got) == clean.rsplit('@').next());
                }
                _ => {}
            }
        }
        assert!(v > 1000 && n > 100 && ty > 50, "slice too small: {v} {n} {ty}");
        assert!(va as f64 >= 0.995 * v as f64, "valid {va}/{v}");
        assert!(na as f64 <= 0.005 * n as f64, "invalid accepted {na}/{n}");
        assert!(tya as f64 >= 0.90 * ty as f64, "typo fixed {tya}/{ty}");
    }

    fn check_idempotent(raw: &str, opts: &EmailOptions) {
        let cell = normalize_email(raw, opts);
        if let Some(addr) = &cell.address {
            assert_eq!(cell.value, addr.address);
            let again = normalize_email(&cell.value, opts);
            assert_eq!(again.value, cell.value, "not idempotent for {raw:?}");
            assert_eq!(again.address.as_ref().map(|a| &a.match_key), Some(&addr.match_key));
            assert!(
                !again.issues.iter().any(|i| i.code == EM_REFORMATTED),
                "{raw:?}: {:?}",
                again.issues
            );
        } else if cell.value.is_empty() {
            assert!(raw.trim().is_empty() || raw.chars().all(is_junk_space));
        } else {
            assert_eq!(cell.value, raw);
            assert!(
                cell.issues.iter().any(|i| severity(i.code) == Severity::Error),
                "{raw:?}: {:?}",
                cell.issues
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn never_panics_on_any_text(raw in "\\PC{0,60}") {
            check_idempotent(&raw, &plain());
            check_idempotent(&raw, &fixing());
        }

        #[test]
        fn email_like_text_is_stable(
            prefix in "(|mailto:|Иван <|\"A, B\" <| |\u{a0})",
            local in "[A-Za-z0-9._%+'\"-]{0,12}|[а-яА-Я]{1,6}",
            sep in "(@| @ |@@|)",
            domain in "[A-Za-z0-9.-]{0,10}\\.(ru|com|рф|RU|ry|co|xn--p1ai|local)|[a-z]{2,8}",
            suffix in "(|>|.|,| |;| \\(x\\))",
        ) {
            let raw = format!("{prefix}{local}{sep}{domain}{suffix}");
            check_idempotent(&raw, &plain());
            check_idempotent(&raw, &fixing());
            check_idempotent(&raw, &EmailOptions { allow_ip_literals: true, allow_unknown_tld: true, fix_typos: true });
        }
    }
}
