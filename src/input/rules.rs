//! Rules of the `IN` family: rows the input layer could not read as records.

use crate::finding::Severity;
use crate::rules::meta::{FixKind, RuleMeta};

/// `IN` rules. Each quarantines the row it fires on.
pub static RULES: &[RuleMeta] = &[
    RuleMeta {
        code: "IN001",
        name: "row-field-count-mismatch",
        summary: "A row has a different number of fields than the header",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nThat every data row has exactly as many fields as the header row.\n\n\
## Why it matters\nA stray delimiter (`;` inside an unquoted address) or an unclosed quote shifts every \
following value into the wrong column: a phone lands in the email column, a consent flag in the manager \
column. Reading such a row would silently corrupt the record.\n\n\
## Example\nHeader `ID;ФИО;Телефон`, row `17;Иванов; Иван;89161234567` (4 fields).\n\n\
## Fix\nThe row goes to `quarantine.csv` with its raw text. Correct it in the source system (quote the \
field or remove the stray delimiter) and export again.\n\n## Options\nNone.",
    },
    RuleMeta {
        code: "IN002",
        name: "row-undecodable-bytes",
        summary: "A row holds bytes that are not valid text in the file's encoding",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nThat every byte of a row decodes in the file's detected (or given) encoding.\n\n\
## Why it matters\nMixed encodings appear when exports are glued together or a Windows-1251 row is pasted \
into a UTF-8 file. Guessing would put mojibake (`Ð˜Ð²Ð°Ð½`) into names and break matching.\n\n\
## Example\nA UTF-8 file with one row saved in Windows-1251.\n\n\
## Fix\nThe row goes to `quarantine.csv`; undecodable bytes are shown as `\\xNN`. Re-export the file in one \
encoding, or pass `--encoding` if detection chose wrongly.\n\n## Options\n`--encoding`.",
    },
    RuleMeta {
        code: "IN003",
        name: "field-too-long",
        summary: "A field is longer than the allowed maximum",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nThat no field exceeds `--max-field-bytes` (1 MiB by default), and no row \
exceeds 4 GiB whatever the limit.\n\n\
## Why it matters\nA multi-megabyte field in a contact base is almost always an unclosed quote that \
swallowed the rest of the file, or an embedded document that does not belong in a CRM export.\n\n\
## Example\nA comment field holding 10 MB.\n\n## Fix\nThe row goes to `quarantine.csv`. Check for an \
unclosed quote just before it.\n\n## Options\n`--max-field-bytes`.",
    },
    RuleMeta {
        code: "IN004",
        name: "field-contains-nul",
        summary: "A field contains a NUL byte",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nThat no field contains the NUL byte (0x00).\n\n## Why it matters\nNUL bytes \
come from binary data or a broken export; many databases truncate the value at the NUL.\n\n\
## Example\n`Ива\\x00нов`.\n\n## Fix\nThe row goes to `quarantine.csv`. Remove the byte in the source.\n\n\
## Options\nNone.",
    },
    RuleMeta {
        code: "IN005",
        name: "placeholder-instead-of-value",
        summary: "A cell holds a placeholder such as `n/a`, `-` or `нет` instead of being empty",
        default_severity: Severity::Warning,
        fix: FixKind::Safe,
        since: "0.1.0",
        doc: "## What it checks\nCells of columns with a role (phone, email, name, dates …) that hold one of the \
`missing_values` tokens of the rules files: `-`, `n/a`, `null`, `нет`, `не указан`, `#Н/Д` and the like.\n\n\
## Why it matters\nA placeholder looks like data to other systems: a CRM counts `n/a` as a filled phone, \
a mailing tool tries to send to `нет`. Completeness figures become wrong and the real gap stays hidden.\n\n\
## Example\n`Телефон` = `не указан`.\n\n## Fix\n`clean` writes the cell as empty (the value before is in \
`findings.csv`). Collect the missing value, or leave the field empty in the source system.\n\n\
## Options\n`missing_values` in a rules file lists the tokens. Consent and marketing-flag columns are \
exempt: there `нет` is an answer, not a gap.",
    },
];
