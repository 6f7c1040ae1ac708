//! Phone numbers: find the number(s) in a messy CRM cell, validate them with Google's
//! libphonenumber metadata and write them back as E.164.
//!
//! libphonenumber (through the `rlibphonenumber` port, kept private to this module) does
//! the validation. Around it this module handles what Russian/CIS customer bases hold and
//! libphonenumber rejects: labels (`тел.`, `моб.`, `tel:`), extensions (`доб. 12`, `x12`,
//! `#12`), trailing comments (`(Иван)`, `- мама`, `/ факс`), several numbers in a cell,
//! `00 7 …` and `8 10 7 …` international prefixes, the old Ukrainian `8 0XX …` habit,
//! full-width digits, NBSP and Unicode dashes.
//!
//! The cell is never blanked: when no valid number can be read, the raw value stays and an
//! error issue says why.

use std::borrow::Cow;

use rlibphonenumber::enums::Region;
use rlibphonenumber::{
    PHONE_NUMBER_UTIL, ParseError, PhoneNumber as LibNumber, PhoneNumberFormat, PhoneNumberType,
    ValidationError,
};

use crate::finding::{Issue, Severity};
use crate::rules::meta::{FixKind, RuleMeta};

/// How to read national-format numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhoneOptions {
    /// ISO 3166 region assumed for numbers written without a country code, e.g. `RU`.
    /// Empty: only international numbers (`+…`, `00…`, `8 10 …`) can be read.
    pub default_region: String,
}

impl PhoneOptions {
    /// Options with the given default region (`"RU"`, `"KZ"`, …).
    pub fn with_region(region: impl Into<String>) -> PhoneOptions {
        PhoneOptions { default_region: region.into() }
    }
}

/// The kind of line a valid number belongs to, from libphonenumber's metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhoneKind {
    /// Mobile (cell) number.
    Mobile,
    /// Fixed (landline) number.
    FixedLine,
    /// The region's plan does not tell fixed from mobile (e.g. US, CA).
    FixedLineOrMobile,
    /// Free for the caller (`8 800 …` in Russia).
    TollFree,
    /// Charged above normal rates.
    PremiumRate,
    /// Cost shared between caller and callee.
    SharedCost,
    /// Voice over IP.
    Voip,
    /// Personal number routed to other numbers.
    PersonalNumber,
    /// Pager.
    Pager,
    /// Universal access number (company hotlines).
    Uan,
    /// Voicemail access.
    Voicemail,
    /// Valid, but the metadata gives no type.
    Unknown,
}

impl PhoneKind {
    /// Snake-case name used in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneKind::Mobile => "mobile",
            PhoneKind::FixedLine => "fixed_line",
            PhoneKind::FixedLineOrMobile => "fixed_line_or_mobile",
            PhoneKind::TollFree => "toll_free",
            PhoneKind::PremiumRate => "premium_rate",
            PhoneKind::SharedCost => "shared_cost",
            PhoneKind::Voip => "voip",
            PhoneKind::PersonalNumber => "personal_number",
            PhoneKind::Pager => "pager",
            PhoneKind::Uan => "uan",
            PhoneKind::Voicemail => "voicemail",
            PhoneKind::Unknown => "unknown",
        }
    }

    fn from_lib(t: PhoneNumberType) -> PhoneKind {
        match t {
            PhoneNumberType::Mobile => PhoneKind::Mobile,
            PhoneNumberType::FixedLine => PhoneKind::FixedLine,
            PhoneNumberType::FixedLineOrMobile => PhoneKind::FixedLineOrMobile,
            PhoneNumberType::TollFree => PhoneKind::TollFree,
            PhoneNumberType::PremiumRate => PhoneKind::PremiumRate,
            PhoneNumberType::SharedCost => PhoneKind::SharedCost,
            PhoneNumberType::VoIP => PhoneKind::Voip,
            PhoneNumberType::PersonalNumber => PhoneKind::PersonalNumber,
            PhoneNumberType::Pager => PhoneKind::Pager,
            PhoneNumberType::UAN => PhoneKind::Uan,
            PhoneNumberType::VoiceMail => PhoneKind::Voicemail,
            PhoneNumberType::Unknown => PhoneKind::Unknown,
        }
    }
}

/// One valid number found in a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    /// The number in E.164, without extension: `+79161234567`.
    pub e164: String,
    /// Line type.
    pub kind: PhoneKind,
    /// ISO region the number belongs to (`RU`, `KZ`; `001` for global services).
    pub region: String,
    /// Extension digits (`доб. 123` → `123`), to be written to a separate column.
    pub extension: Option<String>,
}

/// The result of normalizing one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneCell {
    /// What goes back into the cell: the E.164 number, several joined by `; `, the raw
    /// value unchanged when no valid number could be read, or `""` for an empty cell.
    pub value: String,
    /// The valid numbers written to `value`; empty when `value` is the raw value.
    pub numbers: Vec<PhoneNumber>,
    /// What was changed or found wrong. An unreadable cell always carries an error.
    pub issues: Vec<Issue>,
}

/// PH001: no phone number in the cell.
pub const PH_NOT_A_NUMBER: &str = "PH001";
/// PH002: digits that are not a valid number of the region.
pub const PH_INVALID_FOR_REGION: &str = "PH002";
/// PH003: too few digits.
pub const PH_TOO_SHORT: &str = "PH003";
/// PH004: too many digits.
pub const PH_TOO_LONG: &str = "PH004";
/// PH005: rewritten to E.164.
pub const PH_REFORMATTED: &str = "PH005";
/// PH006: several numbers in one cell.
pub const PH_SEVERAL_IN_CELL: &str = "PH006";
/// PH007: a dialling habit (`00`, `8 10`, `8 0XX`, `+8`) was read as the writer meant it.
pub const PH_PREFIX_REINTERPRETED: &str = "PH007";
/// PH008: text next to the number was removed from the cell.
pub const PH_COMMENT_REMOVED: &str = "PH008";
/// PH009: an extension was moved out of the cell.
pub const PH_EXTENSION_MOVED: &str = "PH009";
/// PH010: a national-format number and no usable default region.
pub const PH_REGION_UNKNOWN: &str = "PH010";
/// PH011: a dummy number such as `+7 900 000-00-00`.
pub const PH_PLACEHOLDER: &str = "PH011";

/// The rules this module emits.
pub static RULES: &[RuleMeta] = &[
    RuleMeta {
        code: PH_NOT_A_NUMBER,
        name: "phone-not-a-number",
        summary: "The phone cell holds no phone number.",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: r#"## What it checks
A non-empty phone cell in which no phone number can be found: words (`нет`, `n/a`,
`не указан`), an email or address in the wrong column, an unfilled input mask
(`+7 (___) ___-__-__`), a spreadsheet number in scientific notation whose last digits are
lost (`7,91612E+10`; when the mantissa kept every digit, `7,9161234567E+10`, the number is
read back instead), or an extension with no number.

## Why it matters
The contact cannot be called or messaged on this channel, and the row counts as having a
phone when it has none. Placeholders like `нет` hide the fact that the phone is missing.

## Example
`n/a`, `ivan@mail.ru`, `1.0E+10`, `доб. 12`.

## Fix
None automatic: the raw value is kept. Clear the cell or enter the real number. For
scientific notation, re-export the source with the phone column formatted as text.

## Options
None. Empty cells are not reported here (completeness rules report missing values)."#,
    },
    RuleMeta {
        code: PH_INVALID_FOR_REGION,
        name: "phone-invalid-for-region",
        summary: "The digits are not a valid number in the numbering plan of their country.",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: r#"## What it checks
The number has a plausible length but no such number range exists in the country's
numbering plan (libphonenumber metadata), or its country code does not exist (`+0 …`).
When the same digits form a valid number in exactly one other CIS region (RU, KZ, UA, BY),
the issue suggests it (a base with default region `RU` often holds Ukrainian or Kazakh numbers
written nationally).

## Why it matters
Calls and SMS to such a number fail. Usually a digit was mistyped, dropped or doubled, or
the number was written for another country than the default region.

## Example
`+7 (123) 456-78-90` (no Russian range starts with 1); `(073) 351-90-31` with region `RU`
(suggested: `+380733519031`, valid in Ukraine).

## Fix
None automatic: the raw value is kept. Check the number with the client; if it belongs to
another country, write it with `+` and the country code.

## Options
`default_region` (ISO code) sets the country assumed for numbers written without a country
code."#,
    },
    RuleMeta {
        code: PH_TOO_SHORT,
        name: "phone-too-short",
        summary: "The number has fewer digits than any number of its country.",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: r#"## What it checks
After removing punctuation, prefixes and the extension, the number has fewer digits than
the shortest valid number of its country (Russia: 10 digits after `+7`).

## Why it matters
A digit was dropped, or only a local number without area code was entered
(`123-45-67`): the contact cannot be reached.

## Example
`+7 916 123-45-6`, `12345`.

## Fix
None automatic: the raw value is kept. Ask for the full number with area code.

## Options
`default_region` decides which country's lengths apply to national-format numbers."#,
    },
    RuleMeta {
        code: PH_TOO_LONG,
        name: "phone-too-long",
        summary: "The number has more digits than any number of its country.",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: r#"## What it checks
After removing punctuation, prefixes and the extension, the number has more digits than the
longest valid number of its country, and it cannot be read as two numbers.

## Why it matters
A digit was doubled, two numbers were glued together, or an extension was typed without a
marker (`доб.`): the number as stored cannot be dialled.

## Example
`8 (916) 123-45-678`, `1234567890123456789`.

## Fix
None automatic: the raw value is kept. Write an extension with `доб.` so it is moved to the
extension column, or separate several numbers with `;`.

## Options
`default_region` decides which country's lengths apply to national-format numbers."#,
    },
    RuleMeta {
        code: PH_REFORMATTED,
        name: "phone-reformatted",
        summary: "The phone was rewritten in E.164 form.",
        default_severity: Severity::Info,
        fix: FixKind::Safe,
        since: "0.1.0",
        doc: r#"## What it checks
A valid number written in any other form (`8 (916) 123-45-67`, `+7 916 123 45 67`,
`тел. 89161234567`) is rewritten as E.164 (`+79161234567`): `+`, country code and national
number, no spaces. The issue carries the new value.

## Why it matters
One form per number makes deduplication, matching against do-not-call and consent lists,
and SMS/telephony imports work. `8` as Russian trunk prefix is ambiguous abroad.

## Example
`8 (916) 123-45-67` → `+79161234567`.

## Fix
Safe: `clean` writes the E.164 value in place. Extensions go to a separate column.

## Options
`default_region` sets the country of national-format numbers."#,
    },
    RuleMeta {
        code: PH_SEVERAL_IN_CELL,
        name: "phone-several-in-cell",
        summary: "The cell holds several phone numbers.",
        default_severity: Severity::Info,
        fix: FixKind::Safe,
        since: "0.1.0",
        doc: r#"## What it checks
Several numbers in one cell, separated by `;`, `,`, `/`, `или`, `and` or spaces
(`8 916 123-45-67, 8 495 765-43-21`). Each must be valid; they are written back in E.164
joined by `; `. The same number written twice is kept once. `089/78308997` (German area
code with slash) is one number, not two.

## Why it matters
Tools that expect one number per cell (dialers, SMS gateways, deduplication) read only the
first number or none.

## Example
`89161234567 или 84957654321` → `+79161234567; +74957654321`.

## Fix
Safe: the numbers are normalized in place, joined by `; `. If any part is not a valid
number, nothing is changed and that part is reported.

## Options
None."#,
    },
    RuleMeta {
        code: PH_PREFIX_REINTERPRETED,
        name: "phone-prefix-reinterpreted",
        summary: "A dialling habit was read as meant: 00, 8 10, old Ukrainian 8 0XX, +8.",
        default_severity: Severity::Info,
        fix: FixKind::Safe,
        since: "0.1.0",
        doc: r#"## What it checks
Numbers that libphonenumber rejects for the default region but that are valid when read as
people in the CIS write them:
- `00 7 916 …`: `00` is the international prefix in most of the world but not in Russia or
  Kazakhstan (`8~10`);
- `8 10 7 916 …`: the old Soviet international prefix, written with a non-CIS region;
- `8 0XX …` with region `UA`: the pre-2009 Ukrainian trunk prefix `8` before the `0XX` code;
- `+8 916 …` with region `RU`/`KZ`: `+` typed before the trunk prefix `8`.
A reading is used only when it gives a valid number.

## Why it matters
These numbers are real and reachable; rejecting them loses contacts, and reading them
literally (`+700…`) produces wrong numbers.

## Example
`00 7 912 507 40 85` (region `RU`) → `+79125074085`; `8 068 659 35 67` (region `UA`) →
`+380686593567`.

## Fix
Safe: the E.164 value is written in place; the issue records the reading used.

## Options
`default_region` (the `8 0XX` and `+8` readings apply only to `UA` and `RU`/`KZ`)."#,
    },
    RuleMeta {
        code: PH_COMMENT_REMOVED,
        name: "phone-comment-removed",
        summary: "Text written next to the number was removed from the phone cell.",
        default_severity: Severity::Warning,
        fix: FixKind::Safe,
        since: "0.1.0",
        doc: r#"## What it checks
Words next to a valid number that are not a phone label or extension: a name
(`(Иван)`), a relation (`- мама`), a line type (`/ факс`), a schedule
(`звонить после 18`), a messenger (`(WhatsApp)`). The number is normalized and the text is
given as the issue's suggestion so it can be kept elsewhere.

## Why it matters
The note may matter: a fax cannot take calls or SMS, a relative's number is not the client's
own (consent to marketing under 152-FZ art. 9 and 38-FZ art. 18 is given by the subscriber),
calling hours protect against complaints. Dropping it silently loses that knowledge.

## Example
`8 (916) 123-45-67 - мама` → `+79161234567`, comment `мама`.

## Fix
Safe: the number is written in place; move the comment to a notes column. Known labels
(`тел.`, `моб.`, `tel:`, `Phone:`, `рабочий`) are removed without this warning.

## Options
None."#,
    },
    RuleMeta {
        code: PH_EXTENSION_MOVED,
        name: "phone-extension-moved",
        summary: "An extension was moved out of the phone cell.",
        default_severity: Severity::Info,
        fix: FixKind::Safe,
        since: "0.1.0",
        doc: r#"## What it checks
An extension written after the number (`доб. 123`, `доб.123`, `вн. 12`, `ext. 12`, `x12`,
`#12`, `(доб. 5809)`). The cell gets the E.164 number; the extension digits go to the
number's `extension` (a separate column in `clean` output).

## Why it matters
E.164 has no room for an extension; dialers and SMS gateways reject the combined string,
and deduplication must compare the main number alone.

## Example
`+7 (812) 123-45-67 доб. 123` → `+78121234567`, extension `123`.

## Fix
Safe: applied by `clean`.

## Options
None."#,
    },
    RuleMeta {
        code: PH_REGION_UNKNOWN,
        name: "phone-region-unknown",
        summary: "A national-format number, but no usable default region to read it with.",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: r#"## What it checks
A number written without country code (`8 (916) 123-45-67`, `(495) 123-45-67`) while the
default region is empty or not an ISO region known to libphonenumber. The issue suggests
the number's reading in a CIS region (RU, KZ, UA, BY) when exactly one of them makes it
valid.

## Why it matters
Without a country the number is ambiguous (`8 …` is a trunk prefix in Russia but part of the
number elsewhere) and cannot be written in E.164.

## Example
`8 (916) 123-45-67` with no region.

## Fix
None automatic. Set the default region (`--region RU`), or store numbers with `+` and
country code.

## Options
`default_region`."#,
    },
    RuleMeta {
        code: PH_PLACEHOLDER,
        name: "phone-placeholder",
        summary: "A dummy number such as +7 900 000-00-00 or 8 (000) 000-00-00.",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: r#"## What it checks
Numbers whose national part is one digit repeated, apart from at most one other digit
(`+7 900 000-00-00`, `8 (000) 000-00-00`, `+7 999 999-99-99`): what operators type to get
past a required field. They are reported even when the numbering plan would accept them.

## Why it matters
Such a number belongs to nobody or to a stranger; calling or texting it wastes money, may
reach someone without consent, and many rows sharing it break deduplication.

## Example
`+7 (900) 000-00-00`, `+7 999 999-99-99` (with region RU; `8 (000) …` is not even a valid
RU number and gets PH002).

## Fix
None automatic: the raw value is kept. Clear the cell or ask for the real number.

## Options
None."#,
    },
];

/// Regions tried to suggest a reading of a number that is invalid for the default region:
/// the CIS neighbours a Russian base most often mixes in.
const SUGGESTION_REGIONS: [Region; 4] = [Region::RU, Region::KZ, Region::UA, Region::BY];

/// Fewest digits a run needs to be taken for a number when it follows a comment word
/// (`звонить после 18`, `кв. 12` are part of the comment).
const MIN_DIGITS_AFTER_WORDS: usize = 5;
/// Most digits accepted as an extension.
const MAX_EXTENSION_DIGITS: usize = 10;
/// Fewest digits on each side when one run is split into two numbers.
const MIN_DIGITS_PER_SPLIT_SIDE: usize = 8;
/// Most split points tried in one run (bounds work on long garbage).
const MAX_SPLIT_TRIES: usize = 8;

/// Normalizes one phone cell. See [`PhoneCell`] for what comes back.
///
/// Never panics; idempotent: normalizing `value` again gives the same `value`.
pub fn normalize_phone(raw: &str, opts: &PhoneOptions) -> PhoneCell {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return PhoneCell { value: String::new(), numbers: Vec::new(), issues: Vec::new() };
    }
    let region = RegionChoice::resolve(&opts.default_region);
    let folded = fold_chars(trimmed);
    let text = folded.trim();
    if text.is_empty() {
        return unreadable(raw, vec![Issue::new(PH_NOT_A_NUMBER, "no phone number in the cell")]);
    }
    // A spreadsheet showed the number in scientific notation. Exact only when the mantissa
    // kept every digit (`7,9161234567E+10`); then the digits are read back.
    let recovered;
    let text = match scientific_notation(text) {
        None => text,
        Some(Some(digits)) => {
            recovered = digits;
            recovered.as_str()
        }
        Some(None) => {
            return unreadable(
                raw,
                vec![Issue::new(
                    PH_NOT_A_NUMBER,
                    format!(
                        "'{text}' is a spreadsheet number in scientific notation; its last \
                         digits are lost"
                    ),
                )],
            );
        }
    };

    let scan = scan_cell(text);
    if scan.pieces.is_empty() {
        let msg = if scan.orphan_extension {
            "an extension but no phone number in the cell".to_string()
        } else {
            format!("no phone number in '{text}'")
        };
        return unreadable(raw, vec![Issue::new(PH_NOT_A_NUMBER, msg)]);
    }

    let mut numbers: Vec<PhoneNumber> = Vec::with_capacity(scan.pieces.len());
    let mut errors: Vec<Issue> = Vec::new();
    let mut notes: Vec<Issue> = Vec::new();
    for piece in &scan.pieces {
        match read_run(piece.body, region) {
            RunOutcome::Valid(found, reading) => {
                if let Some(reading) = reading {
                    notes.push(reading.issue(piece.body, &found.e164));
                }
                push_number(&mut numbers, found, piece.extension.as_deref());
            }
            RunOutcome::Split(parts) => {
                for found in parts {
                    push_number(&mut numbers, found, None);
                }
                // An extension after two glued numbers: whose is it? Keep the cell as is.
                if piece.extension.is_some() {
                    errors.push(Issue::new(
                        PH_INVALID_FOR_REGION,
                        format!(
                            "'{}' holds two numbers followed by one extension; which number it \
                             belongs to is unclear",
                            piece.body
                        ),
                    ));
                }
            }
            RunOutcome::Invalid(issue) => errors.push(issue),
        }
    }
    if scan.orphan_extension {
        errors.push(Issue::new(PH_NOT_A_NUMBER, "an extension with no phone number before it"));
    }
    if !errors.is_empty() {
        if !numbers.is_empty() && scan.pieces.len() > 1 {
            let valid: Vec<&str> = numbers.iter().map(|n| n.e164.as_str()).collect();
            errors.push(Issue::with_suggestion(
                PH_SEVERAL_IN_CELL,
                "the cell also holds valid numbers; left unchanged because another part is \
                 invalid",
                valid.join("; "),
            ));
        }
        return unreadable(raw, errors);
    }

    let value = match numbers.as_slice() {
        [one] => one.e164.clone(),
        _ => numbers.iter().map(|n| n.e164.as_str()).collect::<Vec<_>>().join("; "),
    };
    let mut issues = Vec::new();
    if value != raw {
        issues.push(Issue::with_suggestion(
            PH_REFORMATTED,
            format!("'{trimmed}' rewritten as '{value}'"),
            value.clone(),
        ));
    }
    if numbers.len() > 1 {
        issues.push(Issue::with_suggestion(
            PH_SEVERAL_IN_CELL,
            format!("{} numbers in one cell, written as '{value}'", numbers.len()),
            value.clone(),
        ));
    }
    issues.append(&mut notes);
    for number in &numbers {
        if let Some(ext) = &number.extension {
            issues.push(Issue::with_suggestion(
                PH_EXTENSION_MOVED,
                format!("extension {ext} of {} moved to the extension field", number.e164),
                ext.clone(),
            ));
        }
    }
    if !scan.comments.is_empty() {
        let comment = scan.comments.join("; ");
        issues.push(Issue::with_suggestion(
            PH_COMMENT_REMOVED,
            format!("text '{comment}' next to the number was removed from the cell"),
            comment,
        ));
    }
    PhoneCell { value, numbers, issues }
}

/// The cell keeps its raw value; `issues` says why.
fn unreadable(raw: &str, issues: Vec<Issue>) -> PhoneCell {
    PhoneCell { value: raw.to_string(), numbers: Vec::new(), issues }
}

/// Adds a number unless the cell already holds it (the same number written twice).
fn push_number(numbers: &mut Vec<PhoneNumber>, found: Found, extension: Option<&str>) {
    let extension = extension.map(str::to_string).or(found.lib_extension);
    if let Some(existing) = numbers.iter_mut().find(|n| n.e164 == found.e164) {
        if existing.extension.is_none() {
            existing.extension = extension;
        }
        return;
    }
    numbers.push(PhoneNumber {
        e164: found.e164,
        kind: found.kind,
        region: found.region,
        extension,
    });
}

// ---------------------------------------------------------------------------------------
// Region

/// The default region as given, resolved against libphonenumber's metadata.
#[derive(Debug, Clone, Copy)]
enum RegionChoice {
    /// No region given: only international numbers.
    None,
    /// A region libphonenumber knows.
    Known(Region),
    /// Something was given but it is not a supported region.
    Unsupported,
}

impl RegionChoice {
    fn resolve(code: &str) -> RegionChoice {
        let code = code.trim();
        if code.is_empty() {
            return RegionChoice::None;
        }
        match Region::from_code(code) {
            Ok(r) if PHONE_NUMBER_UTIL.get_country_code_for_region(r).is_some() => {
                RegionChoice::Known(r)
            }
            _ => RegionChoice::Unsupported,
        }
    }

    fn region(self) -> Option<Region> {
        match self {
            RegionChoice::Known(r) => Some(r),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Characters

/// Maps look-alike characters to ASCII: full-width forms, Arabic-Indic digits, Unicode
/// dashes and spaces; drops zero-width and direction marks. Letters are kept.
fn fold_chars(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let cp = c as u32;
        match c {
            // Full-width ASCII block: same order as ASCII 0x21..0x7E.
            '\u{FF01}'..='\u{FF5E}' => {
                out.push(char::from_u32(cp - 0xFEE0).unwrap_or(c));
            }
            '\u{0660}'..='\u{0669}' => out.push(ascii_digit(cp - 0x0660)),
            '\u{06F0}'..='\u{06F9}' => out.push(ascii_digit(cp - 0x06F0)),
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{2043}' | '\u{FE58}' | '\u{FE63}' => {
                out.push('-');
            }
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{00AD}' => {}
            '\n' | '\r' => out.push('\n'),
            _ if c.is_whitespace() => out.push(' '),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn ascii_digit(d: u32) -> char {
    char::from_digit(d, 10).unwrap_or('0')
}

/// `7.91612E+10`, `1.0E+10`, `7,9E10`: what a spreadsheet shows for a long number.
/// `None`: not that form. `Some(Some(digits))`: every digit survived (as many decimals as
/// the exponent). `Some(None)`: digits were lost, or it is a fraction.
fn scientific_notation(s: &str) -> Option<Option<String>> {
    let e = s.find(['E', 'e'])?;
    let (mantissa, exp) = (s.get(..e)?, s.get(e + 1..)?);
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    let well_formed = !mantissa.is_empty()
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        && mantissa.bytes().filter(|&b| b == b'.' || b == b',').count() <= 1
        && mantissa.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && !exp.is_empty()
        && exp.len() <= 2
        && exp.bytes().all(|b| b.is_ascii_digit());
    if !well_formed {
        return None;
    }
    let (int, frac) = mantissa.split_once(['.', ',']).unwrap_or((mantissa, ""));
    let exact = exp.parse::<usize>().ok() == Some(frac.len()) && !frac.is_empty();
    Some(exact.then(|| format!("{int}{frac}")))
}

// ---------------------------------------------------------------------------------------
// Scanning a cell into numbers, extensions and comments

/// One number-like run of the cell with the extension written after it.
#[derive(Debug)]
struct Piece<'a> {
    body: &'a str,
    extension: Option<String>,
}

#[derive(Debug, Default)]
struct Scan<'a> {
    pieces: Vec<Piece<'a>>,
    comments: Vec<String>,
    /// An extension marker and digits with no number before them.
    orphan_extension: bool,
}

/// Characters that may sit between the digits of one written number.
fn is_number_punct(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'-' | b'.' | b'(' | b')' | b'/' | b'\\' | b'[' | b']')
}

/// Splits the cell into digit runs (`+7 (916) 123-45-67`) and the text between them.
/// A run starts at a digit or `+` and ends at its last digit.
fn find_runs(t: &str) -> Vec<(usize, usize)> {
    let b = t.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !(c.is_ascii_digit() || c == b'+') {
            i += 1;
            continue;
        }
        let mut start = i;
        let mut end = if c.is_ascii_digit() { i + 1 } else { i };
        let mut j = i + 1;
        while j < b.len() {
            let d = b[j];
            if d.is_ascii_digit() {
                end = j + 1;
            } else if !is_number_punct(d) {
                break;
            }
            j += 1;
        }
        if end == start {
            // A `+` with no digits after it.
            i += 1;
            continue;
        }
        // Keep an opening parenthesis written right before the first digit: `(495) …`.
        if start > 0 && b[start - 1] == b'(' {
            start -= 1;
        }
        runs.push((start, end));
        i = end;
    }
    runs
}

/// What a word in the text between runs is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    /// `тел.`, `моб.`, `tel:`: removed silently.
    Label,
    /// `доб.`, `ext`, `x`: the next run is an extension.
    ExtensionMarker,
    /// `или`, `and`: separates numbers.
    Conjunction,
    /// Anything else: a comment.
    Other,
}

fn classify_word(word: &str) -> Word {
    // Words are short; lower-casing allocates only for the rare long ones.
    let lower = word.to_lowercase();
    match lower.as_str() {
        "доб"
        | "добавочный"
        | "доп"
        | "вн"
        | "внутр"
        | "внутренний"
        | "ext"
        | "extn"
        | "extension"
        | "x"
        | "х" => Word::ExtensionMarker,
        "или" | "либо" | "и" | "or" | "and" => Word::Conjunction,
        "т"
        | "тел"
        | "телефон"
        | "тлф"
        | "телефоны"
        | "моб"
        | "мобильный"
        | "мобильник"
        | "сот"
        | "сотовый"
        | "раб"
        | "рабочий"
        | "дом"
        | "домашний"
        | "конт"
        | "контактный"
        | "контакт"
        | "номер"
        | "н"
        | "tel"
        | "tele"
        | "telephone"
        | "phone"
        | "ph"
        | "mob"
        | "mobile"
        | "cell"
        | "tlf"
        | "fon"
        | "work"
        | "home" => Word::Label,
        _ => Word::Other,
    }
}

/// Separators that end a comment and split numbers.
fn is_hard_separator(c: char) -> bool {
    matches!(c, ';' | ',' | '|' | '\n')
}

/// Comment state while walking the text between runs.
struct CommentAcc<'a> {
    text: &'a str,
    comments: Vec<String>,
    /// Byte range of the comment being collected.
    current: Option<(usize, usize)>,
}

impl CommentAcc<'_> {
    fn extend(&mut self, start: usize, end: usize) {
        self.current = Some(match self.current {
            Some((s, _)) => (s, end),
            None => (start, end),
        });
    }

    fn flush(&mut self) {
        if let Some((s, e)) = self.current.take() {
            let c = self.text.get(s..e).unwrap_or("").trim_matches(|c: char| {
                c.is_whitespace()
                    || matches!(c, '-' | '/' | '\\' | '(' | ')' | '.' | ':' | '[' | ']')
            });
            if !c.is_empty() {
                self.comments.push(c.to_string());
            }
        }
    }
}

fn scan_cell(t: &str) -> Scan<'_> {
    let runs = find_runs(t);
    let mut scan = Scan::default();
    let mut acc = CommentAcc { text: t, comments: Vec::new(), current: None };
    // True when the last meaningful thing before the next run was an extension marker.
    let mut pending_extension = false;
    // True after a comment word, until a separator or number: short digit runs belong to it.
    let mut in_comment = false;
    // True when the previous piece may still take an extension (no separator since).
    let mut prev = 0usize;
    for &(rs, re) in runs.iter().chain(std::iter::once(&(t.len(), t.len()))) {
        // Text between the previous run and this one.
        let gap = t.get(prev..rs).unwrap_or("");
        walk_gap(gap, prev, &mut acc, &mut pending_extension, &mut in_comment);
        if rs >= t.len() {
            break;
        }
        let body = t.get(rs..re).unwrap_or("");
        let digits = body.bytes().filter(u8::is_ascii_digit).count();
        if pending_extension {
            pending_extension = false;
            if digits <= MAX_EXTENSION_DIGITS {
                let ext: String = body.chars().filter(char::is_ascii_digit).collect();
                match scan.pieces.last_mut() {
                    Some(p) if p.extension.is_none() => p.extension = Some(ext),
                    Some(_) => scan.orphan_extension = true,
                    None => scan.orphan_extension = true,
                }
                prev = re;
                continue;
            }
        }
        if in_comment && digits < MIN_DIGITS_AFTER_WORDS {
            acc.extend(rs, re);
            prev = re;
            continue;
        }
        acc.flush();
        in_comment = false;
        scan.pieces.push(Piece { body, extension: None });
        prev = re;
    }
    acc.flush();
    scan.comments = acc.comments;
    scan
}

/// Reads the text between two runs: labels, extension markers, separators, comment words.
fn walk_gap(
    gap: &str,
    offset: usize,
    acc: &mut CommentAcc<'_>,
    pending_extension: &mut bool,
    in_comment: &mut bool,
) {
    let mut iter = gap.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c.is_alphabetic() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = iter.peek() {
                if d.is_alphabetic() {
                    end = j + d.len_utf8();
                    iter.next();
                } else {
                    break;
                }
            }
            let word = gap.get(i..end).unwrap_or("");
            match classify_word(word) {
                Word::ExtensionMarker => {
                    // A marker counts only when nothing but punctuation follows it here.
                    let rest = gap.get(end..).unwrap_or("");
                    if rest.chars().all(|d| {
                        d.is_whitespace() || matches!(d, '.' | ':' | '=' | '(' | '-' | '#' | '№')
                    }) {
                        *pending_extension = true;
                    } else if *in_comment {
                        acc.extend(offset + i, offset + end);
                    }
                }
                Word::Conjunction => {
                    acc.flush();
                    *in_comment = false;
                    *pending_extension = false;
                }
                Word::Label => {
                    *pending_extension = false;
                }
                Word::Other => {
                    *pending_extension = false;
                    *in_comment = true;
                    acc.extend(offset + i, offset + end);
                }
            }
        } else if c == '#' {
            let rest = gap.get(i + 1..).unwrap_or("");
            if rest.chars().all(char::is_whitespace) {
                *pending_extension = true;
            }
        } else if is_hard_separator(c) {
            acc.flush();
            *in_comment = false;
            *pending_extension = false;
        } else if *in_comment && !c.is_whitespace() {
            // Punctuation inside a comment (`звонить после 18:00`) stays in it.
            acc.extend(offset + i, offset + i + c.len_utf8());
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading one run with libphonenumber

/// A valid number as read by libphonenumber.
#[derive(Debug, PartialEq, Eq)]
struct Found {
    e164: String,
    country_code: i32,
    kind: PhoneKind,
    region: String,
    lib_extension: Option<String>,
}

/// How a run that libphonenumber rejects as written was read.
#[derive(Debug, Clone, Copy)]
enum Reading {
    DoubleZero,
    EightTen,
    MissingPlus,
    UkrainianEight,
    PlusEight,
}

impl Reading {
    fn issue(self, body: &str, e164: &str) -> Issue {
        let how = match self {
            Reading::DoubleZero => "00 read as the international prefix",
            Reading::EightTen => "8 10 read as the international prefix",
            Reading::MissingPlus => "read as the country code without +",
            Reading::UkrainianEight => "old Ukrainian trunk prefix 8 before 0XX dropped",
            Reading::PlusEight => "+ before the trunk prefix 8 ignored",
        };
        Issue::with_suggestion(PH_PREFIX_REINTERPRETED, format!("'{body}': {how}: {e164}"), e164)
    }
}

#[derive(Debug)]
enum RunOutcome {
    Valid(Found, Option<Reading>),
    Split(Vec<Found>),
    Invalid(Issue),
}

/// Parses and validates; `Err` carries what libphonenumber said.
fn parse_valid(s: &str, region: Option<Region>) -> Result<Found, Rejection> {
    // Most cells of a Russian base are plain Russian numbers; libphonenumber's regex work
    // costs some microseconds each, the answer below is the same for a fraction of that.
    if !slow_path_only() {
        if let Some(found) = russian_fast(s, region) {
            return Ok(found);
        }
    }
    parse_valid_lib(s, region)
}

/// [`parse_valid`] through libphonenumber alone.
fn parse_valid_lib(s: &str, region: Option<Region>) -> Result<Found, Rejection> {
    let number = PHONE_NUMBER_UTIL.parse(s, region).map_err(Rejection::Parse)?;
    let kind = PHONE_NUMBER_UTIL.get_number_type(&number);
    // libphonenumber's is_valid_number is exactly "has a type" (same metadata lookup).
    if kind == PhoneNumberType::Unknown {
        return Err(Rejection::Invalid(number));
    }
    let e164 = PHONE_NUMBER_UTIL.format(&number, PhoneNumberFormat::E164).into_owned();
    // Most country codes have one region; asking for the number's region would run the
    // type patterns again (three times for +7).
    let single = PHONE_NUMBER_UTIL
        .get_regions_for_country_calling_code(number.country_code)
        .filter(|regions| regions.len() == 1)
        .and_then(|mut regions| regions.next());
    let region = single
        .or_else(|| PHONE_NUMBER_UTIL.get_region_for_number(&number))
        .map(|r| r.to_string())
        .unwrap_or_default();
    let lib_extension = number.extension.clone().filter(|e| !e.is_empty());
    Ok(Found {
        e164,
        country_code: number.country_code,
        kind: PhoneKind::from_lib(kind),
        region,
        lib_extension,
    })
}

/// libphonenumber's answer for the commonest shapes, computed without it: a Russian
/// 10-digit national number written `+7 N`, or with default region RU as `8 N`, `7 N` or
/// `N`, with only spaces, hyphens, dots and one pair of parentheses between the digits.
/// `None` for anything else, or when [`russian_kind`] is not sure; the caller then asks
/// libphonenumber. Only valid numbers are answered: every rejection keeps libphonenumber's
/// own reason.
///
/// Why these readings are libphonenumber's (RU metadata: national prefix `8`, general
/// pattern `8\d{13}|[347-9]\d{9}`, only 10-digit national numbers): an 11-digit `8 N` is
/// not a national number, so the prefix is stripped; an 11-digit `7 N` is not one either
/// while `N` is, so the country code is stripped; a 10-digit `N` starting with 3, 4, 8 or 9
/// already is one, so nothing is stripped. Every `+7` number valid in RU belongs to RU,
/// the main region of +7, which libphonenumber tries first. The tests compare this with
/// libphonenumber over every 5-digit prefix and random separators.
fn russian_fast(s: &str, region: Option<Region>) -> Option<Found> {
    let bytes = s.as_bytes();
    let mut digits = [0u8; 11];
    let mut n = 0usize;
    let (mut open, mut close) = (false, false);
    let plus = bytes.first() == Some(&b'+');
    if plus && !bytes.get(1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    for &b in bytes.get(usize::from(plus)..)? {
        match b {
            b'0'..=b'9' => {
                *digits.get_mut(n)? = b;
                n += 1;
            }
            b' ' | b'-' | b'.' => {}
            b'(' if !open => open = true,
            b')' if open && !close => close = true,
            _ => return None,
        }
    }
    if open != close {
        return None;
    }
    let ru = region == Some(Region::RU);
    let national = match (plus, n, digits[0]) {
        (true, 11, b'7') => digits.get(1..)?,
        (false, 11, b'7' | b'8') if ru => digits.get(1..)?,
        (false, 10, _) if ru => digits.get(..10)?,
        _ => return None,
    };
    let kind = russian_kind(national)?;
    let mut e164 = String::with_capacity(12);
    e164.push_str("+7");
    e164.extend(national.iter().map(|&d| char::from(d)));
    Some(Found { e164, country_code: 7, kind, region: "RU".to_string(), lib_extension: None })
}

/// Line type of a valid 10-digit Russian national number, from libphonenumber's RU
/// metadata, where each type of a 10-digit number is decided by its first three digits
/// (mobile: `9`, but for the sparse `9300` block). `None`: not valid in RU, or the `9300`
/// block; libphonenumber answers those.
fn russian_kind(national: &[u8]) -> Option<PhoneKind> {
    let &[a, b, c, ..] = national else { return None };
    let kind = match (a, b, c) {
        (b'9', b'3', b'0') if national.get(3) == Some(&b'0') => return None,
        (b'9', _, _) => PhoneKind::Mobile,
        (b'8', b'0', b'0' | b'4') => PhoneKind::TollFree,
        (b'8', b'0', b'3' | b'9') => PhoneKind::PremiumRate,
        (b'8', b'0', b'8') => PhoneKind::PersonalNumber,
        (b'3', b'0', b'1' | b'2')
        | (b'3', b'3', b'6')
        | (b'3', b'4', b'1'..=b'3' | b'5'..=b'7' | b'9')
        | (b'3', b'5', b'1'..=b'3')
        | (b'3', b'6', b'5')
        | (b'3', b'8', b'1'..=b'5' | b'8')
        | (b'3', b'9', b'0' | b'1' | b'4' | b'5')
        | (b'4', b'0', b'1')
        | (b'4', b'1', b'1' | b'3' | b'5' | b'6')
        | (b'4', b'2', b'1' | b'3' | b'4' | b'6' | b'7')
        | (b'4', b'7', b'1'..=b'5')
        | (b'4', b'8', b'1'..=b'7')
        | (b'4', b'9', b'1'..=b'6' | b'8' | b'9')
        | (b'8', b'1', b'1'..=b'8')
        | (b'8', b'2', b'0' | b'1')
        | (b'8', b'3', b'1' | b'3'..=b'6')
        | (b'8', b'4', b'0'..=b'8')
        | (b'8', b'5', b'1' | b'5'..=b'7')
        | (b'8', b'6', b'0'..=b'3' | b'5'..=b'7' | b'9')
        | (b'8', b'7', b'1'..=b'3' | b'7'..=b'9') => PhoneKind::FixedLine,
        _ => return None,
    };
    Some(kind)
}

// Tests switch the fast path off to compare it with libphonenumber.
#[cfg(test)]
thread_local! {
    static SLOW_PATH_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
fn slow_path_only() -> bool {
    SLOW_PATH_ONLY.with(std::cell::Cell::get)
}

#[cfg(not(test))]
#[inline(always)]
fn slow_path_only() -> bool {
    false
}

#[derive(Debug)]
enum Rejection {
    Parse(ParseError),
    Invalid(LibNumber),
}

fn read_run(body: &str, region: RegionChoice) -> RunOutcome {
    let first = match parse_valid(body, region.region()) {
        Ok(found) => return checked(found, None, body),
        Err(rejection) => rejection,
    };
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    let has_plus = body.trim_start().starts_with('+');
    if let Some((found, reading)) = reinterpret(&digits, has_plus, region.region()) {
        return checked(found, Some(reading), body);
    }
    if let Some(parts) = split_two(body, digits.len(), region.region()) {
        for p in &parts {
            if let Some(issue) = placeholder_issue(body, p) {
                return RunOutcome::Invalid(issue);
            }
        }
        return RunOutcome::Split(parts);
    }
    RunOutcome::Invalid(diagnose(body, &digits, has_plus, region, first))
}

/// Rejects dummy numbers even when the plan accepts them.
fn checked(found: Found, reading: Option<Reading>, body: &str) -> RunOutcome {
    match placeholder_issue(body, &found) {
        Some(issue) => RunOutcome::Invalid(issue),
        None => RunOutcome::Valid(found, reading),
    }
}

/// National part is one digit repeated, but for at most one other digit.
fn placeholder_issue(body: &str, found: &Found) -> Option<Issue> {
    let e164 = found.e164.as_str();
    let cc_len = found.country_code.unsigned_abs().checked_ilog10().map_or(1, |l| l as usize + 1);
    let national = e164.get(1 + cc_len..)?;
    let mut counts = [0usize; 10];
    for b in national.bytes() {
        if b.is_ascii_digit() {
            counts[usize::from(b - b'0')] += 1;
        }
    }
    let top = counts.iter().copied().max().unwrap_or(0);
    (national.len() >= 6 && top + 1 >= national.len())
        .then(|| Issue::new(PH_PLACEHOLDER, format!("'{body}' ({e164}) looks like a dummy number")))
}

/// The CIS habits libphonenumber does not know; each reading must give a valid number.
fn reinterpret(digits: &str, has_plus: bool, region: Option<Region>) -> Option<(Found, Reading)> {
    if !has_plus {
        if let Some(rest) = digits.strip_prefix("00").filter(|r| r.len() >= 7) {
            if let Ok(found) = parse_valid(&format!("+{rest}"), None) {
                return Some((found, Reading::DoubleZero));
            }
        }
        if let Some(rest) = digits.strip_prefix("810").filter(|r| r.len() >= 7) {
            if let Ok(found) = parse_valid(&format!("+{rest}"), None) {
                return Some((found, Reading::EightTen));
            }
        }
        // `7 916 …` with region KZ: libphonenumber strips a country code written without `+`
        // only when the rest fits the default region's own plan.
        if let Some(r) = region {
            let cc = PHONE_NUMBER_UTIL.get_country_code_for_region(r).unwrap_or(0);
            if cc > 0 && digits.starts_with(&cc.to_string()) {
                if let Ok(found) = parse_valid(&format!("+{digits}"), None) {
                    if found.country_code == cc {
                        return Some((found, Reading::MissingPlus));
                    }
                }
            }
        }
        if region == Some(Region::UA) && digits.len() == 11 && digits.starts_with("80") {
            if let Ok(found) = parse_valid(&digits[1..], region) {
                return Some((found, Reading::UkrainianEight));
            }
        }
    } else if matches!(region, Some(Region::RU | Region::KZ))
        && digits.len() == 11
        && digits.starts_with('8')
    {
        if let Ok(found) = parse_valid(digits, region) {
            return Some((found, Reading::PlusEight));
        }
    }
    None
}

/// Two numbers written in one run (`8 916 123-45-67 / 8 495 765-43-21`): split at the one
/// space or slash where both sides are valid. No split when several places work.
fn split_two(body: &str, n_digits: usize, region: Option<Region>) -> Option<Vec<Found>> {
    if n_digits < 2 * MIN_DIGITS_PER_SPLIT_SIDE {
        return None;
    }
    let b = body.as_bytes();
    let mut found: Option<(Found, Found)> = None;
    let mut tries = 0;
    let mut digits_left = 0usize;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            digits_left += 1;
            i += 1;
            continue;
        }
        if !matches!(c, b' ' | b'/' | b'\\' | b'\t')
            || digits_left < MIN_DIGITS_PER_SPLIT_SIDE
            || n_digits - digits_left < MIN_DIGITS_PER_SPLIT_SIDE
        {
            i += 1;
            continue;
        }
        // The gap is the whole run of separators here.
        let mut j = i;
        while j < b.len() && matches!(b[j], b' ' | b'/' | b'\\' | b'\t' | b'-') {
            j += 1;
        }
        tries += 1;
        if tries > MAX_SPLIT_TRIES {
            return None;
        }
        let (left, right) = (body.get(..i).unwrap_or(""), body.get(j..).unwrap_or(""));
        if let (Some(l), Some(r)) = (read_simple(left, region), read_simple(right, region)) {
            if found.is_some() {
                return None;
            }
            found = Some((l, r));
        }
        i = j;
    }
    found.map(|(l, r)| vec![l, r])
}

/// Valid as written or by one of the CIS readings.
fn read_simple(s: &str, region: Option<Region>) -> Option<Found> {
    if let Ok(found) = parse_valid(s, region) {
        return Some(found);
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    reinterpret(&digits, s.trim_start().starts_with('+'), region).map(|(f, _)| f)
}

/// Why a run is not a valid number, with a suggestion when another region reads it.
fn diagnose(
    body: &str,
    digits: &str,
    has_plus: bool,
    region: RegionChoice,
    rejection: Rejection,
) -> Issue {
    let national = !has_plus && !digits.starts_with("00");
    if national && region.region().is_none() {
        let why = match region {
            RegionChoice::Unsupported => "the default region is not a known ISO region",
            _ => "no default region is set",
        };
        let msg = format!("'{body}' has no country code and {why}");
        return with_region_suggestion(PH_REGION_UNKNOWN, msg, digits, body, None);
    }
    let (code, msg) = match rejection {
        Rejection::Parse(err) => match err {
            ParseError::NotANumber(_) => {
                (PH_NOT_A_NUMBER, format!("'{body}' is not a phone number"))
            }
            ParseError::InvalidCountryCode => {
                (PH_INVALID_FOR_REGION, format!("'{body}' has no valid country code"))
            }
            ParseError::TooShortAfterIdd | ParseError::TooShortNsn => {
                (PH_TOO_SHORT, format!("'{body}' has too few digits for a phone number"))
            }
            ParseError::TooLongNsn => {
                (PH_TOO_LONG, format!("'{body}' has too many digits for a phone number"))
            }
        },
        Rejection::Invalid(number) => {
            let country = PHONE_NUMBER_UTIL
                .get_region_for_country_code(number.country_code)
                .map(|r| r.to_string())
                .unwrap_or_else(|| format!("+{}", number.country_code));
            match PHONE_NUMBER_UTIL.is_possible_number_with_reason(&number) {
                Err(ValidationError::TooShort) => {
                    (PH_TOO_SHORT, format!("'{body}' is too short for a {country} number"))
                }
                Err(ValidationError::TooLong) => {
                    (PH_TOO_LONG, format!("'{body}' is too long for a {country} number"))
                }
                Err(ValidationError::InvalidCountryCode) => {
                    (PH_INVALID_FOR_REGION, format!("'{body}' has no valid country code"))
                }
                Err(ValidationError::InvalidLength) => {
                    // Between the plan's shortest (often local-only) and longest lengths:
                    // compare with a typical number to say which way it is off.
                    let typical = PHONE_NUMBER_UTIL
                        .get_region_for_country_code(number.country_code)
                        .and_then(|r| PHONE_NUMBER_UTIL.get_example_number(r).ok())
                        .map(|e| e.get_national_significant_number().len());
                    let len = number.get_national_significant_number().len();
                    match typical {
                        Some(t) if len < t => {
                            (PH_TOO_SHORT, format!("'{body}' is too short for a {country} number"))
                        }
                        Some(t) if len > t => {
                            (PH_TOO_LONG, format!("'{body}' is too long for a {country} number"))
                        }
                        _ => (
                            PH_INVALID_FOR_REGION,
                            format!("'{body}' has a length not used in {country}"),
                        ),
                    }
                }
                Ok(_) => {
                    (PH_INVALID_FOR_REGION, format!("'{body}' is not a valid {country} number"))
                }
            }
        }
    };
    if national && code != PH_NOT_A_NUMBER {
        with_region_suggestion(code, msg, digits, body, region.region())
    } else {
        Issue::new(code, msg)
    }
}

/// Adds the number's reading in another CIS region when exactly one of
/// [`SUGGESTION_REGIONS`] makes it valid. Only CIS plans: their trunk prefixes (`8`, `0`,
/// `8 0`) differ, so a reading is telling; the flexible plans of other countries (Germany)
/// would "validate" many mistyped Russian numbers.
fn with_region_suggestion(
    code: &'static str,
    msg: String,
    digits: &str,
    body: &str,
    skip: Option<Region>,
) -> Issue {
    if digits.len() < 9 {
        return Issue::new(code, msg);
    }
    let mut hit: Option<(Region, String)> = None;
    for r in SUGGESTION_REGIONS {
        if Some(r) == skip {
            continue;
        }
        if let Ok(found) = parse_valid(body, Some(r)) {
            match &hit {
                Some((_, e164)) if *e164 != found.e164 => return Issue::new(code, msg),
                Some(_) => {}
                None => hit = Some((r, found.e164)),
            }
        }
    }
    match hit {
        Some((r, e164)) => {
            Issue::with_suggestion(code, format!("{msg}; as a {r} number it is {e164}"), e164)
        }
        None => Issue::new(code, msg),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn norm(raw: &str, region: &str) -> PhoneCell {
        normalize_phone(raw, &PhoneOptions::with_region(region))
    }

    fn codes(cell: &PhoneCell) -> Vec<&'static str> {
        cell.issues.iter().map(|i| i.code).collect()
    }

    fn severity_of(code: &str) -> Severity {
        RULES.iter().find(|r| r.code == code).map_or(Severity::Error, |r| r.default_severity)
    }

    fn has_blocking(cell: &PhoneCell) -> bool {
        cell.issues.iter().any(|i| severity_of(i.code) != Severity::Info)
    }

    /// (raw, region, expected value, expected extension of the first number)
    const VALID: &[(&str, &str, &str, Option<&str>)] = &[
        ("8 (916) 123-45-67", "RU", "+79161234567", None),
        ("+7 495 981-01-85", "RU", "+74959810185", None),
        ("89161234567", "RU", "+79161234567", None),
        ("8-800-555-35-35", "RU", "+78005553535", None),
        ("7-916-123-45-67 доб. 123", "RU", "+79161234567", Some("123")),
        ("+7 (812) 123 45 67 доб.12", "RU", "+78121234567", Some("12")),
        ("8 916 123-45-67, доб. 5802", "RU", "+79161234567", Some("5802")),
        ("79161234567 (доб. 5809)", "RU", "+79161234567", Some("5809")),
        ("+79528866114 x2133", "RU", "+79528866114", Some("2133")),
        ("+79528866114 #2133", "RU", "+79528866114", Some("2133")),
        ("+7 952 886-61-14 ext. 21", "RU", "+79528866114", Some("21")),
        ("8 952 886-61-14 вн. 21", "RU", "+79528866114", Some("21")),
        ("тел. 7-863-741-70-35", "RU", "+78637417035", None),
        ("т. 8 916 123 45 67", "RU", "+79161234567", None),
        ("моб. (917) 930-34-21", "RU", "+79179303421", None),
        ("Тел.: +7 916 123 45 67", "RU", "+79161234567", None),
        ("tel:+79161234567", "RU", "+79161234567", None),
        ("Phone: 79208588441, доб. 5802", "RU", "+79208588441", Some("5802")),
        ("8 (917) 930-34-21 (Иван)", "RU", "+79179303421", None),
        ("8 (917) 930-34-21 - мама", "RU", "+79179303421", None),
        ("+7(916)478-32-59 / факс", "RU", "+79164783259", None),
        ("+7 863 7724248 звонить после 18", "RU", "+78637724248", None),
        ("+7 963 345 14 83 (WhatsApp)", "RU", "+79633451483", None),
        ("8\u{a0}916\u{a0}123\u{2012}45\u{2013}67", "RU", "+79161234567", None),
        ("８ ９１６ １２３ ４５ ６７", "RU", "+79161234567", None),
        ("\t 89161234567 \u{200b}", "RU", "+79161234567", None),
        ("8 10 7 916 1234567", "RU", "+79161234567", None),
        ("8 10 7 919 3566554", "GB", "+79193566554", None),
        ("00 7 912 507 40 85", "RU", "+79125074085", None),
        ("00 7 727 239 23 67", "KZ", "+77272392367", None),
        ("0049 172 4500463", "RU", "+491724500463", None),
        ("8 068 659 35 67", "UA", "+380686593567", None),
        ("+38 (096) 769-26-58 - мама", "UA", "+380967692658", None),
        ("+8 916 123-45-67", "RU", "+79161234567", None),
        ("7 (915) 664-00-68", "KZ", "+79156640068", None),
        ("8 (727) 220-32-74", "RU", "+77272203274", None),
        ("089/78308997", "DE", "+498978308997", None),
        ("0151/65335080", "DE", "+4915165335080", None),
        ("+1 (646) 768-5871 (Иван)", "US", "+16467685871", None),
        ("+44 (0)20 8739 1993", "GB", "+442087391993", None),
        ("+１ ２１４ ３２８ ４１１６", "", "+12143284116", None),
        ("+79161234567", "", "+79161234567", None),
        ("+79161234567", "XX", "+79161234567", None),
        ("7,9161234567E+10", "RU", "+79161234567", None),
    ];

    #[test]
    fn reads_valid_numbers() {
        for &(raw, region, want, ext) in VALID {
            let cell = norm(raw, region);
            assert_eq!(cell.value, want, "{raw:?} [{region}]: {:?}", cell.issues);
            assert_eq!(cell.numbers.len(), 1, "{raw:?}");
            assert_eq!(cell.numbers[0].e164, want);
            assert_eq!(cell.numbers[0].extension.as_deref(), ext, "{raw:?}");
            assert!(
                cell.issues.iter().all(|i| severity_of(i.code) != Severity::Error),
                "{raw:?}: {:?}",
                cell.issues
            );
        }
    }

    #[test]
    fn kind_region_and_info_codes() {
        let cell = norm("8 (916) 123-45-67", "RU");
        assert_eq!(cell.numbers[0].kind, PhoneKind::Mobile);
        assert_eq!(cell.numbers[0].kind.as_str(), "mobile");
        assert_eq!(cell.numbers[0].region, "RU");
        assert_eq!(codes(&cell), vec![PH_REFORMATTED]);
        assert_eq!(cell.issues[0].suggestion.as_deref(), Some("+79161234567"));

        let cell = norm("8 (727) 220-32-74", "RU");
        assert_eq!(cell.numbers[0].region, "KZ");
        assert_eq!(cell.numbers[0].kind, PhoneKind::FixedLine);

        assert_eq!(norm("8 800 555 35 35", "RU").numbers[0].kind, PhoneKind::TollFree);

        // Already E.164: nothing to say.
        assert!(norm("+79161234567", "RU").issues.is_empty());

        let cell = norm("00 7 912 507 40 85", "RU");
        assert!(codes(&cell).contains(&PH_PREFIX_REINTERPRETED), "{:?}", cell.issues);

        let cell = norm("7-916-123-45-67 доб. 123", "RU");
        assert!(codes(&cell).contains(&PH_EXTENSION_MOVED));

        let cell = norm("8 (917) 930-34-21 - мама", "RU");
        let comment = cell.issues.iter().find(|i| i.code == PH_COMMENT_REMOVED);
        assert_eq!(comment.and_then(|i| i.suggestion.as_deref()), Some("мама"));

        let cell = norm("+7 863 7724248 звонить после 18", "RU");
        let comment = cell.issues.iter().find(|i| i.code == PH_COMMENT_REMOVED);
        assert_eq!(comment.and_then(|i| i.suggestion.as_deref()), Some("звонить после 18"));

        // Labels and extensions are not comments.
        let cell = norm("тел. 8 916 123-45-67 доб. 12", "RU");
        assert!(!codes(&cell).contains(&PH_COMMENT_REMOVED), "{:?}", cell.issues);
    }

    #[test]
    fn several_numbers_in_one_cell() {
        let cases: &[(&str, &str, &str)] = &[
            ("89161234567; 84959810185", "RU", "+79161234567; +74959810185"),
            ("89161234567, 84959810185", "RU", "+79161234567; +74959810185"),
            ("89161234567 или 8 495 981-01-85", "RU", "+79161234567; +74959810185"),
            ("89161234567 and 84959810185", "RU", "+79161234567; +74959810185"),
            ("+7 916 123-45-67 / +7 495 981-01-85", "RU", "+79161234567; +74959810185"),
            ("8 916 123-45-67 / 8 495 981-01-85", "RU", "+79161234567; +74959810185"),
            ("+7 916 123-45-67 +7 495 981-01-85", "RU", "+79161234567; +74959810185"),
            (
                "тел. 8 916 123-45-67 доб. 12; моб. 8 926 765-43-21",
                "RU",
                "+79161234567; +79267654321",
            ),
            // The same number twice is kept once.
            ("89161234567, +7 916 123-45-67", "RU", "+79161234567"),
        ];
        for &(raw, region, want) in cases {
            let cell = norm(raw, region);
            assert_eq!(cell.value, want, "{raw:?}: {:?}", cell.issues);
            if want.contains(';') {
                assert!(codes(&cell).contains(&PH_SEVERAL_IN_CELL), "{raw:?}");
            }
        }
        let cell = norm("тел. 8 916 123-45-67 доб. 12; моб. 8 926 765-43-21", "RU");
        assert_eq!(cell.numbers[0].extension.as_deref(), Some("12"));
        assert_eq!(cell.numbers[1].extension, None);
    }

    /// (raw, region, expected code)
    const INVALID: &[(&str, &str, &str)] = &[
        ("n/a", "RU", PH_NOT_A_NUMBER),
        ("нет", "RU", PH_NOT_A_NUMBER),
        ("ivan@mail.ru", "RU", PH_NOT_A_NUMBER),
        ("xxx-xxx-xx-xx", "RU", PH_NOT_A_NUMBER),
        ("1.0E+10", "RU", PH_NOT_A_NUMBER),
        ("7,91612E+10", "RU", PH_NOT_A_NUMBER),
        ("1,5E+2", "RU", PH_NOT_A_NUMBER),
        ("ул. Ленина 5", "RU", PH_NOT_A_NUMBER),
        ("доб. 12", "RU", PH_NOT_A_NUMBER),
        ("—", "RU", PH_NOT_A_NUMBER),
        ("+7 (___) ___-__-__", "RU", PH_NOT_A_NUMBER),
        ("12345", "RU", PH_TOO_SHORT),
        ("+7 916 123-45-6", "RU", PH_TOO_SHORT),
        // libphonenumber keeps the 8 when the rest is no number: ten digits, no such range.
        ("8 (916) 123-45-6", "RU", PH_INVALID_FOR_REGION),
        ("8 (916) 123-45-678", "RU", PH_TOO_LONG),
        ("1234567890123456789", "RU", PH_TOO_LONG),
        ("+7 (123) 456-78-90", "RU", PH_INVALID_FOR_REGION),
        ("+0 123 456", "RU", PH_INVALID_FOR_REGION),
        ("8 (000) 000-00-00", "DE", PH_PLACEHOLDER),
        ("+7 900 000-00-00", "RU", PH_PLACEHOLDER),
        ("8 916 123 45 67", "", PH_REGION_UNKNOWN),
        ("8 916 123 45 67", "ZZ", PH_REGION_UNKNOWN),
        ("89161234567, 12345", "RU", PH_TOO_SHORT),
    ];

    #[test]
    fn keeps_raw_value_and_reports_invalid_input() {
        for &(raw, region, code) in INVALID {
            let cell = norm(raw, region);
            assert_eq!(cell.value, raw, "{raw:?} [{region}]");
            assert!(cell.numbers.is_empty(), "{raw:?}");
            assert!(codes(&cell).contains(&code), "{raw:?} [{region}]: {:?}", cell.issues);
            assert!(has_blocking(&cell), "{raw:?}");
        }
    }

    #[test]
    fn suggestions_for_invalid_input() {
        // A Ukrainian number in a Russian base.
        let cell = norm("(073) 351-90-31", "RU");
        assert_eq!(cell.value, "(073) 351-90-31");
        assert_eq!(cell.issues[0].suggestion.as_deref(), Some("+380733519031"));
        // No region: suggested reading, value untouched.
        let cell = norm("8 916 123 45 67", "");
        assert_eq!(cell.issues[0].suggestion.as_deref(), Some("+79161234567"));
        // A valid number next to an invalid one: the valid one is suggested.
        let cell = norm("89161234567, 12345", "RU");
        let several = cell.issues.iter().find(|i| i.code == PH_SEVERAL_IN_CELL);
        assert_eq!(several.and_then(|i| i.suggestion.as_deref()), Some("+79161234567"));
    }

    #[test]
    fn empty_cells_are_not_reported() {
        for raw in ["", "   ", "\t", "\u{a0}"] {
            let cell = norm(raw, "RU");
            assert_eq!(cell.value, "");
            assert!(cell.issues.is_empty() && cell.numbers.is_empty());
        }
    }

    #[test]
    fn idempotent_on_examples() {
        let all =
            VALID.iter().map(|&(r, g, _, _)| (r, g)).chain(INVALID.iter().map(|&(r, g, _)| (r, g)));
        for (raw, region) in all {
            let once = norm(raw, region);
            let twice = norm(&once.value, region);
            assert_eq!(once.value, twice.value, "{raw:?}");
        }
    }

    #[test]
    fn rules_are_declared_and_documented() {
        let mut seen = std::collections::BTreeSet::new();
        for r in RULES {
            assert!(seen.insert(r.code), "duplicate {}", r.code);
            assert!(r.code.len() == 5 && r.code.starts_with("PH"), "{}", r.code);
            assert!(r.code[2..].bytes().all(|b| b.is_ascii_digit()));
            assert!(r.name.starts_with("phone-") && !r.name.contains(' '));
            for section in
                ["## What it checks", "## Why it matters", "## Example", "## Fix", "## Options"]
            {
                assert!(r.doc.contains(section), "{} lacks {section}", r.code);
            }
            let safe = r.fix == FixKind::Safe;
            assert!(!safe || r.default_severity != Severity::Error, "{}", r.code);
        }
        for code in [
            PH_NOT_A_NUMBER,
            PH_INVALID_FOR_REGION,
            PH_TOO_SHORT,
            PH_TOO_LONG,
            PH_REFORMATTED,
            PH_SEVERAL_IN_CELL,
            PH_PREFIX_REINTERPRETED,
            PH_COMMENT_REMOVED,
            PH_EXTENSION_MOVED,
            PH_REGION_UNKNOWN,
            PH_PLACEHOLDER,
        ] {
            assert!(seen.contains(code), "{code} not in RULES");
        }
    }

    fn looks_e164(s: &str) -> bool {
        s.strip_prefix('+').is_some_and(|d| {
            (7..=15).contains(&d.len())
                && d.bytes().all(|b| b.is_ascii_digit())
                && !d.starts_with('0')
        })
    }

    /// The corpus yardsticks on a 2000-row slice of `shared/corpus/phones.csv`, counted as
    /// `shared/eval/phones.py` counts them.
    #[test]
    fn corpus_slice_meets_the_bars() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/phones_slice.csv");
        let mut reader = csv::Reader::from_path(path).expect("testdata/phones_slice.csv");
        let headers = reader.headers().expect("header").clone();
        let col = |n: &str| headers.iter().position(|h| h == n).expect(n);
        let (raw_c, reg_c, int_c, exp_c, lv_c, le_c) = (
            col("raw"),
            col("default_region"),
            col("intended_e164"),
            col("expect"),
            col("lib_is_valid"),
            col("lib_e164"),
        );
        let (mut lv, mut la, mut iv, mut ia, mut gn, mut gv, mut lib_gv) = (0, 0, 0, 0, 0, 0, 0);
        for rec in reader.records() {
            let rec = rec.expect("record");
            let f = |i: usize| rec.get(i).unwrap_or("");
            if f(reg_c).is_empty() {
                continue;
            }
            let cell = norm(f(raw_c), f(reg_c));
            let out = cell.value.trim();
            let lib_valid = f(lv_c) == "1";
            if lib_valid {
                lv += 1;
                la += usize::from(out == f(le_c));
            }
            if f(exp_c) == "valid" {
                iv += 1;
                ia += usize::from(out == f(int_c));
            }
            let raw = f(raw_c).trim();
            if f(exp_c) == "invalid" && !raw.is_empty() {
                gn += 1;
                gv += usize::from((looks_e164(out) && out != raw) || !has_blocking(&cell));
                let lib_out = if lib_valid { f(le_c) } else { raw };
                lib_gv += usize::from(looks_e164(lib_out) && lib_out != raw);
            }
        }
        assert!(lv > 1000 && iv > 1000 && gn > 100, "slice too small: {lv} {iv} {gn}");
        assert!(la as f64 >= 0.999 * lv as f64, "lib agreement {la}/{lv}");
        assert!(ia as f64 >= 0.97 * iv as f64, "intent {ia}/{iv}");
        assert!(gv <= lib_gv, "invalid accepted {gv}/{gn}, libphonenumber {lib_gv}");
    }

    /// Normalizes with libphonenumber alone, as before the fast path.
    fn norm_slow(raw: &str, opts: &PhoneOptions) -> PhoneCell {
        SLOW_PATH_ONLY.with(|s| s.set(true));
        let cell = normalize_phone(raw, opts);
        SLOW_PATH_ONLY.with(|s| s.set(false));
        cell
    }

    /// Deterministic pseudo-random numbers (64-bit LCG) for the exhaustive comparison.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, below: u64) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 33) % below
        }
    }

    /// Writes `digits` with random separators drawn from the fast path's alphabet, and
    /// at most one pair of parentheses.
    fn scatter(digits: &str, rng: &mut Lcg) -> String {
        let mut out = String::new();
        let n = digits.len();
        // `(` before digit `po`, `)` before digit `pc` (or at the end when `pc == n`).
        let po = rng.next(n as u64) as usize;
        let pc = po + 1 + rng.next((n - po) as u64) as usize;
        let parens = rng.next(3) == 0;
        for (i, ch) in digits.chars().enumerate() {
            if parens && i == po {
                out.push('(');
            }
            if parens && i == pc {
                out.push(')');
            }
            if i > 0 {
                out.push_str(["", "", " ", "-", ".", " - ", "  "][rng.next(7) as usize]);
            }
            out.push(ch);
        }
        if parens && pc == n {
            out.push(')');
        }
        out
    }

    /// Every region the fast path must answer for (`+7 …`) or leave alone (national).
    fn regions() -> [Option<Region>; 6] {
        [
            Some(Region::RU),
            None,
            Some(Region::KZ),
            Some(Region::UA),
            Some(Region::US),
            Some(Region::DE),
        ]
    }

    /// The fast path's answer, when it gives one, is libphonenumber's: for `+7` and every
    /// 5-digit prefix of the national number, and for every written form over every
    /// 3-digit prefix, with random separators and several regions. It must also answer
    /// for every number libphonenumber finds valid in RU (its coverage), but for the
    /// sparse `9300` block and forms it leaves to libphonenumber (`+(7…`).
    #[test]
    fn fast_path_equals_libphonenumber_on_every_prefix() {
        let mut rng = Lcg(0x5eed);
        let mut answered = 0usize;
        let mut check = |s: &str, region: Option<Region>, covered: bool| {
            let fast = russian_fast(s, region);
            let lib = parse_valid_lib(s, region);
            match (&fast, &lib) {
                (Some(fast), Ok(lib)) => assert_eq!(fast, lib, "{s:?} [{region:?}]"),
                (Some(fast), Err(e)) => {
                    panic!("{s:?} [{region:?}]: fast path {fast:?}, libphonenumber {e:?}")
                }
                (None, Ok(lib)) => assert!(
                    !(covered && lib.region == "RU"),
                    "{s:?} [{region:?}]: fast path declined {lib:?}"
                ),
                (None, Err(_)) => {}
            }
            answered += usize::from(fast.is_some());
        };
        for prefix in 0..100_000u64 {
            let national = format!("{prefix:05}{:05}", rng.next(100_000));
            check(&format!("+7{national}"), None, !national.starts_with("9300"));
        }
        for prefix in 0..1000u64 {
            for _ in 0..4 {
                let national = format!("{prefix:03}{:07}", rng.next(10_000_000));
                let covered = !national.starts_with("9300");
                for region in regions() {
                    let ru = region == Some(Region::RU);
                    let plus = format!("+{}", scatter(&format!("7{national}"), &mut rng));
                    check(&plus, region, covered && !plus.starts_with("+("));
                    check(&scatter(&format!("8{national}"), &mut rng), region, covered && ru);
                    check(&scatter(&format!("7{national}"), &mut rng), region, covered && ru);
                    check(&scatter(&national, &mut rng), region, covered && ru);
                }
            }
            // The 9300 block is sparse: every 6-digit prefix of it.
            for sub in 0..100u64 {
                let national = format!("9300{sub:02}{:04}", rng.next(10_000));
                check(&format!("+7 {national}"), None, false);
                check(&format!("8 {national}"), Some(Region::RU), false);
            }
        }
        assert!(answered > 20_000, "{answered}");
    }

    /// Edge cases around the fast path: lengths, other prefixes, other regions, texts
    /// around the number. The whole cell must be the same with and without it.
    #[test]
    fn fast_path_edges_give_the_same_cell() {
        let cases: &[(&str, &str)] = &[
            ("+79161234567", "RU"),
            ("89161234567", "RU"),
            ("79161234567", "RU"),
            ("9161234567", "RU"),
            ("916123456", "RU"),
            ("891612345678", "RU"),
            ("+791612345678", "RU"),
            ("+7916123456", "RU"),
            ("8 800 555-35-35", "RU"),
            ("8 (804) 333-22-11", "RU"),
            ("8 809 505 12 34", "RU"),
            ("8 808 505 12 34", "RU"),
            ("8 (812) 123-45-67", "RU"),
            ("8121234567", "RU"),
            ("8812123456", "RU"),
            ("8 810 123 45 67", "RU"),
            ("+7 (727) 220-32-74", "RU"),
            ("8 (727) 220-32-74", "RU"),
            ("+7 701 123 45 67", "KZ"),
            ("8 701 123 45 67", "KZ"),
            ("8 916 123 45 67", "KZ"),
            ("8 916 123 45 67", "UA"),
            ("8 916 123 45 67", "DE"),
            ("8 916 123 45 67", ""),
            ("8 916 123 45 67", "ZZ"),
            ("+7 916 123 45 67", ""),
            ("+7 916 123 45 67", "US"),
            ("7 916 123 45 67", "KZ"),
            ("+7 336 221 23 45", "RU"),
            ("+7 930 000 00 50", "RU"),
            ("+7 930 005 12 34", "RU"),
            ("+7 930 012 34 56", "RU"),
            ("+7 900 000-00-00", "RU"),
            ("8 (999) 999-99-99", "RU"),
            ("+7 (999) 123-45-67 доб. 12", "RU"),
            ("тел. 8 916 123-45-67 (Иван)", "RU"),
            ("8 916 123-45-67; 8 495 981-01-85", "RU"),
            ("8 916 123-45-67 / 8 495 981-01-85", "RU"),
            ("8 916 123-45-67, 12345", "RU"),
            ("00 7 916 123 45 67", "RU"),
            ("8 10 7 916 123 45 67", "GB"),
            ("+8 916 123-45-67", "RU"),
            ("+ 7 916 123 45 67", "RU"),
            ("(+7) 916 123 45 67", "RU"),
            ("+7 (916)) 123 45 67", "RU"),
            ("8 ((916) 123 45 67", "RU"),
            ("8 )916( 123 45 67", "RU"),
            ("8 (916) 123 (45) 67", "RU"),
            ("8/916/123 45 67", "RU"),
            ("8\t916 123 45 67", "RU"),
            ("8 916 123 45 67.", "RU"),
            ("+7-916-123-45-67-", "RU"),
        ];
        for &(raw, region) in cases {
            let opts = PhoneOptions::with_region(region);
            assert_eq!(normalize_phone(raw, &opts), norm_slow(raw, &opts), "{raw:?} [{region}]");
        }
        // The fast path answers the plain shapes (else this test would prove nothing).
        assert!(russian_fast("8 (916) 123-45-67", Some(Region::RU)).is_some());
        assert!(russian_fast("+7 (495) 981-01-85", None).is_some());
        assert!(russian_fast("8 916 123 45 67", Some(Region::KZ)).is_none());
        assert!(russian_fast("+7 930 000 00 50", None).is_none());
    }

    /// Every row of the corpus slice gives the same cell with and without the fast path.
    #[test]
    fn fast_path_same_cells_on_corpus_slice() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/phones_slice.csv");
        let mut reader = csv::Reader::from_path(path).expect("testdata/phones_slice.csv");
        let headers = reader.headers().expect("header").clone();
        let col = |n: &str| headers.iter().position(|h| h == n).expect(n);
        let (raw_c, reg_c) = (col("raw"), col("default_region"));
        for rec in reader.records() {
            let rec = rec.expect("record");
            let (raw, region) = (rec.get(raw_c).unwrap_or(""), rec.get(reg_c).unwrap_or(""));
            for region in [region, "RU"] {
                let opts = PhoneOptions::with_region(region);
                assert_eq!(normalize_phone(raw, &opts), norm_slow(raw, &opts), "{raw:?}");
            }
        }
    }

    /// Russian numbers as people write them, with labels, comments and extensions.
    fn russian_written() -> impl Strategy<Value = String> {
        let prefix = prop_oneof![
            Just("+7"),
            Just("8"),
            Just("7"),
            Just(""),
            Just("+8"),
            Just("00 7"),
            Just("8 10 7"),
            Just("+7 8"),
        ];
        // Mostly valid ranges (mobile, Moscow, St Petersburg, 8-800), some of any kind.
        let national = prop_oneof![
            "9[0-9]{9}",
            "(495|499|812|800|804|808|809|727|701|336|930)[0-9]{7}",
            "[0-9]{9,11}",
        ];
        let sep = prop_oneof![
            Just(""),
            Just(" "),
            Just("-"),
            Just("."),
            Just(" - "),
            Just("\u{a0}"),
            Just("\u{2013}"),
            Just("/"),
        ];
        let before = prop_oneof![
            Just(""),
            Just("тел. "),
            Just("моб.: "),
            Just("Иван "),
            Just("8 916 123-45-67, "),
            Just("("),
        ];
        let after = prop_oneof![
            Just(""),
            Just(" доб. 12"),
            Just(" (доб. 5809)"),
            Just(" x2133"),
            Just(" #21"),
            Just(" (Иван)"),
            Just(" - мама"),
            Just("; +7 495 981-01-85"),
            Just(" или 89261234567"),
            Just(")"),
            Just(" 12345"),
        ];
        (
            before,
            prefix,
            national,
            prop::collection::vec((sep, any::<bool>()), 12),
            any::<(u8, u8)>(),
            after,
        )
            .prop_map(|(before, prefix, national, seps, (po, pc), after)| {
                let digits = format!("{prefix}{national}");
                let n = digits.len().max(1);
                let (po, pc) = (usize::from(po) % n, usize::from(pc) % n);
                let parens = po < pc;
                let mut out = String::from(before);
                for (i, ch) in digits.chars().enumerate() {
                    if parens && i == po {
                        out.push('(');
                    }
                    if parens && i == pc {
                        out.push(')');
                    }
                    if let Some((sep, on)) = seps.get(i % seps.len()) {
                        if *on && i > 0 {
                            out.push_str(sep);
                        }
                    }
                    out.push(ch);
                }
                out.push_str(after);
                out
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn fast_path_same_cell_on_russian_shapes(
            raw in russian_written(),
            region in prop_oneof![
                4 => Just("RU".to_string()),
                1 => Just(String::new()),
                1 => Just("KZ".to_string()),
                1 => Just("UA".to_string()),
                1 => Just("DE".to_string()),
                1 => Just("ZZ".to_string()),
            ],
        ) {
            let opts = PhoneOptions::with_region(region);
            prop_assert_eq!(normalize_phone(&raw, &opts), norm_slow(&raw, &opts));
        }

        #[test]
        fn fast_path_same_cell_on_any_phone_like(raw in phone_like(), region in region()) {
            let opts = PhoneOptions::with_region(region);
            prop_assert_eq!(normalize_phone(&raw, &opts), norm_slow(&raw, &opts));
        }
    }

    fn phone_like() -> impl Strategy<Value = String> {
        let token = prop_oneof![
            "[0-9]{1,4}",
            Just("+7".to_string()),
            Just("8".to_string()),
            Just("00".to_string()),
            Just("8 10".to_string()),
            "[ ()\\-./,;#x]",
            Just(" доб. ".to_string()),
            Just(" или ".to_string()),
            Just("тел.".to_string()),
            Just("(Иван)".to_string()),
            Just("\u{a0}".to_string()),
            Just("\u{2012}".to_string()),
            Just("８".to_string()),
            "\\PC{0,2}",
        ];
        prop::collection::vec(token, 0..14).prop_map(|v| v.concat())
    }

    fn region() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("RU".to_string()),
            Just("UA".to_string()),
            Just("KZ".to_string()),
            Just("DE".to_string()),
            Just(String::new()),
            "[A-Za-z0-9]{0,3}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn never_panics_and_is_idempotent(raw in phone_like(), region in region()) {
            let opts = PhoneOptions::with_region(region);
            let once = normalize_phone(&raw, &opts);
            let twice = normalize_phone(&once.value, &opts);
            prop_assert_eq!(&once.value, &twice.value);
            if raw.trim().is_empty() {
                prop_assert!(once.value.is_empty() && once.issues.is_empty());
            } else if once.numbers.is_empty() {
                prop_assert_eq!(&once.value, &raw);
                prop_assert!(has_blocking(&once));
            } else {
                // libphonenumber accepts some German numbers longer than E.164's 15 digits.
                for n in &once.numbers {
                    let digits = n.e164.strip_prefix('+').unwrap_or("");
                    prop_assert!(
                        (4..=17).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()),
                        "{}",
                        n.e164
                    );
                }
            }
        }

        #[test]
        fn never_panics_on_any_text(raw in "\\PC{0,60}", region in region()) {
            let opts = PhoneOptions::with_region(region);
            let once = normalize_phone(&raw, &opts);
            let twice = normalize_phone(&once.value, &opts);
            prop_assert_eq!(once.value, twice.value);
        }
    }
}
