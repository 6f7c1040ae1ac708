//! Person names: Russian ФИО and Latin names.
//!
//! Three jobs, kept apart on purpose:
//! - **storage form** ([`parse_full_name`], [`normalize_name_part`]): canonical casing and
//!   spacing, original word order, `ё` kept, nothing dropped;
//! - **structure** ([`PersonName`]): surname / first name / patronymic, with the order
//!   detected from patronymic suffixes, Turkic particles (`оглы`, `кызы`) and a
//!   dictionary of given names (`data/given_names.txt`);
//! - **match keys** ([`name_key`], [`first_name_key`]): a reduced Latin skeleton that both
//!   Cyrillic and every common transliteration scheme map to, so that `Иванов Иван`,
//!   `Ivanov Ivan` (ICAO 9303), `Юлия`/`Iuliia`/`Yuliya`/`Julia` meet. Keys are lossy by
//!   design and never stored.

use std::sync::LazyLock;

use crate::finding::{Issue, Severity};
use crate::fxhash::FxMap;
use crate::memo::{Memo, memoized};
use crate::rules::meta::{FixKind, RuleMeta};

/// Grammatical gender inferred from a patronymic or an unambiguous first name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    /// Male.
    Male,
    /// Female.
    Female,
}

/// Which part of a name a separate column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NamePart {
    /// Фамилия / family name.
    Surname,
    /// Имя / given name.
    First,
    /// Отчество (or a Western middle name).
    Patronymic,
}

/// A name split into its parts, each in canonical casing (`ё` kept).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonName {
    /// Family name, particles included (`van Beethoven`, `Иванов-Петров`).
    pub surname: Option<String>,
    /// Given name, or its initial (`И.`).
    pub first: Option<String>,
    /// Patronymic with its particle (`Гейдар оглы`), a Western middle name, or an initial.
    pub patronymic: Option<String>,
    /// Gender, only where the patronymic or an unambiguous first name makes it certain.
    pub gender: Option<Gender>,
    /// The first name is given only as an initial (`Иванов И.И.`).
    pub initials_only: bool,
}

/// Result of normalizing one name cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameCell {
    /// Value to write back: canonical form in the original word order, or the raw value
    /// unchanged when the cell does not look like a name. Empty for an empty cell.
    pub value: String,
    /// The parts, when they could be told apart.
    pub parsed: Option<PersonName>,
    /// What was changed or found.
    pub issues: Vec<Issue>,
}

/// Rules emitted by this module.
pub static RULES: &[RuleMeta] = &[
    RuleMeta {
        code: "NM001",
        name: "name-reformatted",
        summary: "Name casing, spacing or punctuation was normalized.",
        default_severity: Severity::Info,
        fix: FixKind::Safe,
        since: "0.1.0",
        doc: "## What it checks
Whether a name cell is already in canonical form: each word capitalised (`ИВАНОВ иван` →
`Иванов Иван`, `иванов-петров` → `Иванов-Петров`, `o'brien` → `O'Brien`), single spaces,
no spaces around hyphens, initials written `И.И.`, typographic dashes and apostrophes
replaced by `-` and `'`. Deliberate mixed case such as `McDonald` or `DiCaprio` is kept;
`ё` is never replaced by `е` in the stored value.

## Why it matters
The same person typed in caps lock, with double spaces or with `И. И.` looks like several
people to exact lookups, mail merges print `Уважаемый ИВАНОВ иван`, and sorting breaks.

## Example
`  иванов   И. и.` → `Иванов И.И.`

## Fix
Safe: the canonical value replaces the cell. Word order is never changed.

## Options
None.",
    },
    RuleMeta {
        code: "NM002",
        name: "name-not-a-name",
        summary: "The name cell holds digits, an email, symbols or a placeholder.",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks
Name cells containing characters that no name has (digits, `@`, `/`, `_`, brackets…), no
letters at all, or a placeholder such as `нет`, `не указано`, `test`, `клиент`, `n/a`,
`xxx`.

## Why it matters
A phone or email typed into the name field means the contact is incomplete and a mailing
would greet `Уважаемый 89161234567`. Placeholders pollute deduplication: every `Тест`
looks like the same person. Under 152-FZ art. 5 p.4 (and GDPR art. 5(1)(d)) personal data
must be accurate.

## Example
`Иванов 8916 123-45-67`, `ivanov@mail.ru`, `нет`

## Fix
None: the raw value is kept unchanged for a person to review (move the phone or email to
its own column).

## Options
None.",
    },
    RuleMeta {
        code: "NM003",
        name: "name-order-ambiguous",
        summary: "Which word is the surname and which the first name was guessed.",
        default_severity: Severity::Info,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks
Full-name cells whose word order (Фамилия Имя Отчество vs Имя Отчество Фамилия, or
`Smith John` vs `John Smith`) could not be told from a patronymic suffix, a particle, a
comma, the given-name dictionary or a surname ending. The parse then follows the usual
order for the script: surname first for Cyrillic, first name first for Latin.

## Why it matters
Deduplication and personalised greetings need to know which word is the first name. A
wrong guess can split one person into two records or greet a client by surname.

## Example
`Ли Цзюнь` (neither word is a known first name or has a surname ending).

## Fix
None: the value is stored as given. Split the name into separate columns at the source if
the order matters.

## Options
None.",
    },
    RuleMeta {
        code: "NM004",
        name: "name-initials-only",
        summary: "The first name (and patronymic) are given only as initials.",
        default_severity: Severity::Info,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks
Names whose first name is a bare initial: `Иванов И.И.`, `И. Иванов`, `J. Smith`.

## Why it matters
Initials are weak evidence for matching (`Иванов И.И.` may be Иван Ильич or Игорь
Игоревич) and cannot be used in a personal greeting.

## Example
`Петрова А.С.`

## Fix
None: complete the name from another source (a contract, the client) if needed.

## Options
None.",
    },
    RuleMeta {
        code: "NM005",
        name: "name-unparseable",
        summary: "The name could not be split into surname, first name and patronymic.",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks
Full-name cells with more parts than a surname, first name and patronymic (once
particles such as `оглы`, `van`, `de` are attached to their word), or with only initials.
Casing and spacing are still normalized (NM001).

## Why it matters
Such cells often hold two people (`Иванов Иван и Петрова Анна`), a company or a note,
and cannot be used for greetings or matching by parts.

## Example
`Иванов Иван Иванович Петров`, `И.И.`

## Fix
None: review the cell.

## Options
None.",
    },
    RuleMeta {
        code: "NM006",
        name: "name-mixed-script",
        summary: "A word mixes Cyrillic and Latin letters (look-alike characters).",
        default_severity: Severity::Warning,
        fix: FixKind::Safe,
        since: "0.1.0",
        doc: "## What it checks
Words written mostly in one script with letters of the other: `Ивaнов` with a Latin `a`,
`Ivanоv` with a Cyrillic `о`. These come from switching keyboard layouts or copying.

## Why it matters
The word looks right but does not match, sort or search as the same name: exact lookups
and deduplication miss the duplicate.

## Example
`Ивaнов` (Latin a) → `Иванов`

## Fix
Safe when every stray letter has a look-alike in the word's main script (`a`→`а`,
`o`→`о`, `c`→`с`, `p`→`р`, `e`→`е`, `x`→`х`, `y`→`у`, `k`→`к`, `m`→`м`, `t`→`т`,
`h`→`н`, `b`→`в` and the reverse): the letters are replaced. Otherwise only reported.

## Options
None.",
    },
    RuleMeta {
        code: "NM007",
        name: "name-part-holds-full-name",
        summary: "A surname or first-name column holds a whole name.",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks
Separate surname or first-name columns whose cell contains several parts of a name: a
patronymic (`Иванов Иван Иванович` in the surname column) or initials (`Иванов И.И.`).

## Why it matters
The other name columns are then usually empty or duplicated, greetings print the whole
name, and matching by parts fails.

## Example
Surname column: `Иванов И.И.`

## Fix
None: split the cell (use the full-name parser) or fix the export mapping.

## Options
None.",
    },
];

// ---------------------------------------------------------------------------------------
// Tables (embedded data, built once).

const GIVEN_NAMES_DATA: &str = include_str!("../../data/given_names.txt");
const NICKNAMES_DATA: &str = include_str!("../../data/nicknames.txt");

/// Given names by skeleton key. `None` = used for both sexes (or two dictionary entries of
/// different gender share a skeleton).
static GIVEN: LazyLock<FxMap<String, Option<Gender>>> = LazyLock::new(|| {
    let mut map: FxMap<String, Option<Gender>> = FxMap::default();
    for (name, tag) in data_lines(GIVEN_NAMES_DATA) {
        let gender = match tag {
            "m" => Some(Gender::Male),
            "f" => Some(Gender::Female),
            _ => None,
        };
        let key = name_key(name);
        map.entry(key)
            .and_modify(|g| {
                if *g != gender {
                    *g = None;
                }
            })
            .or_insert(gender);
    }
    map
});

/// Nickname skeleton → canonical first-name skeletons, most likely first.
static NICKNAMES: LazyLock<FxMap<String, Vec<String>>> = LazyLock::new(|| {
    let mut map: FxMap<String, Vec<String>> = FxMap::default();
    for (nick, targets) in data_lines(NICKNAMES_DATA) {
        let nick_key = name_key(nick);
        let entry = map.entry(nick_key.clone()).or_default();
        for target in targets.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let key = name_key(target);
            // A variant whose skeleton is its canonical's (Лиля/Лилия) needs no mapping.
            if key != nick_key && !entry.contains(&key) {
                entry.push(key);
            }
        }
    }
    map.retain(|_, targets| !targets.is_empty());
    map
});

/// `(first column, second column)` of each non-comment line of a data file.
fn data_lines(data: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    data.lines().filter_map(|line| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let mut cols = line.split_whitespace();
        Some((cols.next()?, cols.next()?))
    })
}

/// Gender of a dictionary first name (or of a nickname whose canonical names agree).
/// Outer `None`: not a known first name; inner `None`: known, gender uncertain.
fn given_gender(key: &str) -> Option<Option<Gender>> {
    if let Some(g) = GIVEN.get(key) {
        return Some(*g);
    }
    let targets = NICKNAMES.get(key)?;
    let mut gender: Option<Option<Gender>> = None;
    for t in targets {
        let g = GIVEN.get(t).copied().flatten();
        gender = match gender {
            None => Some(g),
            Some(prev) if prev == g => Some(prev),
            Some(_) => Some(None),
        };
    }
    Some(gender.flatten())
}

// ---------------------------------------------------------------------------------------
// Match keys.

/// Reduced Latin skeleton of a name, for matching only.
///
/// Lower-cases, folds `ё` to `е`, transliterates Cyrillic and reduces every common Latin
/// spelling to one skeleton: `y`/`j` → `i`; `kh`/`h`/`x`/`ks` → `x`; `ts`/`tz`/soft `c` →
/// `c`; `shch`/`sch` → `shch`; `ph` → `f`; `th` → `t`; `w` → `v`; hard `c`/`q`/`ck` → `k`;
/// a glide `i` before `e` at a word start or after a vowel is dropped (`Yelena` = `Елена`,
/// `Sergeyev` = `Сергеев`); `yo`/`jo` after a consonant → `e` (`Pyotr` = `Пётр`); doubled
/// sounds collapse (`iia` = `ia`, `nn` = `n`). Words are kept in order, joined by one space;
/// hyphens separate words, apostrophes and dots are dropped.
pub fn name_key(s: &str) -> String {
    name_key_with(s, &mut String::with_capacity(24))
}

/// [`name_key`] with a caller's scratch buffer (saves an allocation per word in loops).
fn name_key_with(s: &str, pre: &mut String) -> String {
    pre.clear();
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if push_key_char(c, pre) {
            continue;
        }
        flush_word(pre, &mut out);
    }
    flush_word(pre, &mut out);
    out
}

fn flush_word(pre: &mut String, out: &mut String) {
    if pre.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push(' ');
    }
    skeleton_into(pre, out);
    pre.clear();
}

/// Appends the pre-skeleton Latin form of `c` to the current word; `false` when `c`
/// separates words. Apostrophes and combining marks join (and vanish), letters are
/// transliterated, everything else separates.
#[inline]
fn push_key_char(c: char, pre: &mut String) -> bool {
    if c.is_ascii() {
        if c.is_ascii_alphabetic() {
            pre.push(c.to_ascii_lowercase());
            return true;
        }
        return c == '\'' || c == '`';
    }
    if let Some(lat) = cyrillic_key_latin(c) {
        pre.push_str(lat);
        return true;
    }
    if is_apostrophe(c) || is_mark(c) {
        return true;
    }
    if c.is_alphabetic() {
        push_other_letter(c, pre);
        return true;
    }
    false
}

/// Key transliteration of a Cyrillic letter of either case (ICAO 9303, but `ъ` dropped
/// as the other schemes do).
#[inline]
fn cyrillic_key_latin(c: char) -> Option<&'static str> {
    let code = c as u32;
    let lower = match code {
        0x410..=0x42F => char::from_u32(code + 0x20)?,
        0x400..=0x40F => char::from_u32(code + 0x50)?,
        0x490 => '\u{491}',
        0x430..=0x45F | 0x491 => c,
        _ => return None,
    };
    // Key table for а..я: as ICAO, but `ъ` dropped.
    const KEY: [&str; 32] = [
        "a", "b", "v", "g", "d", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s",
        "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "iu", "ia",
    ];
    let idx = (lower as u32).wrapping_sub(0x430);
    match usize::try_from(idx).ok().and_then(|i| KEY.get(i)) {
        Some(lat) => Some(lat),
        None if lower == 'ъ' => Some(""),
        None => icao_latin(lower),
    }
}

/// Key of a first name after resolving diminutives and variants through the nickname table
/// (`Саша`, `Sasha`, `Шура` → the key of `Александр`; `Bill` → `William`). For a nickname
/// shared by several names (`Женя` → Евгений, Евгения) the most likely one is used; see
/// [`first_name_keys`] for all.
pub fn first_name_key(s: &str) -> String {
    canonical_first_name_key(name_key(s))
}

/// [`first_name_key`] of a name whose [`name_key`] is `key` (saves building it twice).
pub fn canonical_first_name_key(key: String) -> String {
    match NICKNAMES.get(&key).and_then(|t| t.first()) {
        Some(canonical) => canonical.clone(),
        None => key,
    }
}

/// All canonical first-name keys a first name may stand for, most likely first
/// (`Женя` → keys of `Евгений` and `Евгения`). A name that is not a nickname yields its own key.
pub fn first_name_keys(s: &str) -> Vec<String> {
    let key = name_key(s);
    match NICKNAMES.get(&key) {
        Some(targets) if !targets.is_empty() => targets.clone(),
        _ => vec![key],
    }
}

/// Transliterates Cyrillic to Latin by ICAO Doc 9303 (the scheme of Russian foreign
/// passports since 2014): `Юлия` → `Iuliia`, `Щукин` → `Shchukin`, `ъ` → `ie`, `ь` dropped.
/// Other characters pass through. Case follows the source letter (`ЩУКИН` → `SHCHUKIN`).
pub fn transliterate(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 2);
    let mut chars = s.chars().peekable();
    let mut prev_upper = false;
    while let Some(c) = chars.next() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let Some(lat) = icao_latin(lower) else {
            out.push(c);
            prev_upper = is_upper(c);
            continue;
        };
        if is_upper(c) {
            // Whole word in capitals → all-caps digraph; otherwise capitalise its first letter.
            let next_upper = chars.peek().is_some_and(|n| is_upper(*n));
            let all_caps =
                next_upper || (prev_upper && !chars.peek().is_some_and(|n| is_lower(*n)));
            let mut first = true;
            for lc in lat.chars() {
                if first || all_caps {
                    out.push(lc.to_ascii_uppercase());
                } else {
                    out.push(lc);
                }
                first = false;
            }
            prev_upper = true;
        } else {
            out.push_str(lat);
            prev_upper = false;
        }
    }
    out
}

fn icao_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'й' | 'і' | 'ї' => "i",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ў' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'є' => "ie",
        'ы' => "y",
        'ь' => "",
        'ю' => "iu",
        'я' => "ia",
        'ґ' => "g",
        _ => return None,
    })
}

/// A letter of neither ASCII nor Cyrillic: Latin with diacritics loses them (with a few
/// letters spelled out: `ž` → `zh`), other scripts keep the letter.
fn push_other_letter(c: char, out: &mut String) {
    let lower = c.to_lowercase().next().unwrap_or(c);
    let special = match lower {
        'ž' => "zh",
        'š' => "sh",
        'č' => "ch",
        'ŝ' => "shch",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ø' => "o",
        'ł' => "l",
        'đ' | 'ð' => "d",
        'ı' => "i",
        'þ' => "th",
        _ => "",
    };
    if !special.is_empty() {
        out.push_str(special);
        return;
    }
    // Other accented Latin letters: keep the base letter.
    let mut base = None;
    unicode_normalization::char::decompose_canonical(lower, |d| {
        if base.is_none() && d.is_ascii_alphabetic() {
            base = Some(d.to_ascii_lowercase());
        }
    });
    match base {
        Some(b) => out.push(b),
        None => out.push(lower), // another script: keep the letter itself
    }
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

const LETTERS: &str = "abcdefghijklmnopqrstuvwxyz";

fn utf8_len(lead: u8) -> usize {
    match lead {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xFF => 4,
        _ => 1,
    }
}

/// Reduces one pre-Latin word (lower-case ASCII, plus letters of other scripts) to its
/// skeleton, appended to `out`.
fn skeleton_into(pre: &str, out: &mut String) {
    let b = pre.as_bytes();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let word_start = out.len();
    // Start of the last emitted sound in `out`, to collapse repeats.
    let mut last: Option<usize> = None;
    // The last emitted `i` is a glide (word start or after a vowel): dropped before `e`.
    let mut glide_i = false;
    let mut i = 0;
    while i < b.len() {
        let c = at(i);
        if c >= 0x80 {
            // A letter of another script: one sound, copied.
            let len = utf8_len(c);
            if let Some(letter) = pre.get(i..i + len) {
                emit(out, &mut last, letter);
            }
            glide_i = false;
            i += len;
            continue;
        }
        let (sound, used): (&str, usize) = match c {
            b's' if at(i + 1) == b'h' && at(i + 2) == b'c' && at(i + 3) == b'h' => ("shch", 4),
            b's' if at(i + 1) == b'h' && at(i + 2) == b'h' => ("shch", 3),
            b's' if at(i + 1) == b'c' && at(i + 2) == b'h' => ("shch", 3),
            b's' if at(i + 1) == b'h' => ("sh", 2),
            b'z' if at(i + 1) == b'h' => ("zh", 2),
            b't' if at(i + 1) == b's' && at(i + 2) == b'c' && at(i + 3) == b'h' => ("ch", 4),
            b't' if at(i + 1) == b'c' && at(i + 2) == b'h' => ("ch", 3),
            b'c' if at(i + 1) == b'h' => ("ch", 2),
            b'c' if at(i + 1) == b'z' => ("ch", 2),
            b'c' if at(i + 1) == b'k' => ("k", 2),
            b'c' if matches!(at(i + 1), b'e' | b'i' | b'y') => ("c", 1),
            b'c' => ("k", 1),
            b'k' if at(i + 1) == b'h' => ("x", 2),
            b'k' if at(i + 1) == b's' => ("x", 2),
            b't' if matches!(at(i + 1), b's' | b'z') => ("c", 2),
            b't' if at(i + 1) == b'h' => ("t", 2),
            b'p' if at(i + 1) == b'h' => ("f", 2),
            b'g' if at(i + 1) == b'h' => ("g", 2),
            b'h' | b'x' => ("x", 1),
            b'q' => ("k", 1),
            b'w' => ("v", 1),
            b'y' | b'j' if at(i + 1) == b'o' && prev_is_consonant(out, last) => ("e", 2),
            b'y' | b'j' | b'i' => ("i", 1),
            b'a'..=b'z' => {
                let k = usize::from(c - b'a');
                (LETTERS.get(k..k + 1).unwrap_or(""), 1)
            }
            _ => ("", 1),
        };
        i += used;
        match sound {
            "" => {}
            "e" => {
                // Glide before e: `ye`/`ie`/`je` at a word start or after a vowel is plain `e`.
                if glide_i {
                    if let Some(start) = last {
                        out.truncate(start);
                        last = previous_sound_start(out, word_start);
                    }
                }
                glide_i = false;
                emit(out, &mut last, "e");
            }
            "i" => {
                let prev = last_sound(out, last);
                if prev != Some("i") {
                    let after_vowel = prev.is_some_and(|s| s.len() == 1 && s.bytes().all(is_vowel));
                    glide_i = prev.is_none() || after_vowel;
                }
                emit(out, &mut last, "i");
            }
            _ => {
                glide_i = false;
                emit(out, &mut last, sound);
            }
        }
    }
}

fn last_sound(out: &str, last: Option<usize>) -> Option<&str> {
    last.and_then(|s| out.get(s..))
}

fn prev_is_consonant(out: &str, last: Option<usize>) -> bool {
    last_sound(out, last).is_some_and(|s| !s.bytes().last().is_some_and(is_vowel))
}

/// After truncating a glide `i`, where the sound before it starts: a glide follows a vowel
/// (one byte) or the word start.
fn previous_sound_start(out: &str, word_start: usize) -> Option<usize> {
    (out.len() > word_start).then(|| out.len() - 1)
}

fn emit(out: &mut String, last: &mut Option<usize>, sound: &str) {
    if sound.is_empty() || last_sound(out, *last) == Some(sound) {
        return;
    }
    *last = Some(out.len());
    out.push_str(sound);
}

// ---------------------------------------------------------------------------------------
// Fast character classes: ASCII and Russian Cyrillic answered without Unicode tables, which
// otherwise dominate name parsing.

#[inline]
fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c, '\u{410}'..='\u{44F}' | 'ё' | 'Ё')
        || (!c.is_ascii() && c.is_alphabetic())
}

#[inline]
fn is_upper(c: char) -> bool {
    match c {
        'A'..='Z' | '\u{410}'..='\u{42F}' | 'Ё' => true,
        'a'..='z' | '\u{430}'..='\u{44F}' | 'ё' => false,
        c => !c.is_ascii() && c.is_uppercase(),
    }
}

#[inline]
fn is_lower(c: char) -> bool {
    match c {
        'a'..='z' | '\u{430}'..='\u{44F}' | 'ё' => true,
        'A'..='Z' | '\u{410}'..='\u{42F}' | 'Ё' => false,
        c => !c.is_ascii() && c.is_lowercase(),
    }
}

/// Lower case of an ASCII or Russian Cyrillic letter (or any other ASCII/Cyrillic-lower
/// char as is); `None` for other characters.
#[inline]
fn lower_fast(c: char) -> Option<char> {
    match c {
        'A'..='Z' => Some(c.to_ascii_lowercase()),
        '\u{410}'..='\u{42F}' => char::from_u32(c as u32 + 0x20),
        'Ё' => Some('ё'),
        c if c.is_ascii() || matches!(c, '\u{430}'..='\u{44F}' | 'ё') => Some(c),
        _ => None,
    }
}

/// Appends the lower case of `c` (several chars for a few letters such as `İ`).
#[inline]
fn push_lower(c: char, out: &mut String) {
    match lower_fast(c) {
        Some(l) => out.push(l),
        None => out.extend(c.to_lowercase()),
    }
}

/// `s.to_lowercase()`, with ASCII and Russian letters (nearly every name and address) mapped
/// directly: the general case looks each letter up in Unicode's tables. Any other letter
/// sends the whole string to `to_lowercase` (whose final-sigma rule needs the context).
pub fn lowercase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match lower_fast(c) {
            Some(lower) => out.push(lower),
            None => return s.to_lowercase(),
        }
    }
    out
}

fn lower_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_lower(c, &mut out);
    }
    out
}

// ---------------------------------------------------------------------------------------
// Cleaning and tokens.

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}' | '\u{02B9}')
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}')
}

fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{00AD}')
}

/// Whitespace collapsed, dashes and apostrophes unified, no spaces around hyphens, no
/// hyphens at word edges.
fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut space = false;
    for c in raw.chars() {
        let c = match c {
            '`' => '\'',
            c if c.is_ascii() => c,
            c if is_invisible(c) => continue,
            c if is_dash(c) => '-',
            c if is_apostrophe(c) => '\'',
            c => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        // Words around a hyphen are glued ("Иванов - Петров"), hyphen runs collapse.
        if c == '-' {
            space = false;
            if !out.ends_with('-') {
                out.push('-');
            }
            continue;
        }
        if space && !out.ends_with('-') {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    if !out.contains('-') {
        return out;
    }
    // Drop hyphens that do not join two words.
    let chars: Vec<char> = out.chars().collect();
    let mut res = String::with_capacity(out.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '-' {
            let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
            let next = chars.get(i + 1).copied();
            if !(prev.is_some_and(is_word_char) && next.is_some_and(is_word_char)) {
                continue;
            }
        }
        res.push(c);
    }
    res.trim().to_string()
}

fn is_word_char(c: char) -> bool {
    is_letter(c) || c == '\'' || is_mark(c)
}

const PLACEHOLDERS: &[&str] = &[
    "нет",
    "не указано",
    "не указан",
    "неизвестно",
    "неизвестен",
    "без имени",
    "тест",
    "test",
    "клиент",
    "покупатель",
    "client",
    "customer",
    "unknown",
    "none",
    "null",
    "nil",
    "n/a",
    "na",
    "nan",
    "имя",
    "фио",
    "name",
    "noname",
    "no name",
    "аноним",
    "anonymous",
];

/// Why a cleaned cell is not a name, if it is not.
fn not_a_name_reason(cleaned: &str) -> Option<String> {
    if let Some(bad) = cleaned
        .chars()
        .find(|&c| !(is_letter(c) || is_mark(c) || matches!(c, ' ' | '-' | '\'' | '.' | ',')))
    {
        let what = if bad.is_ascii_digit() {
            "digits".to_string()
        } else if bad == '@' {
            "an email address".to_string()
        } else {
            format!("the character '{bad}'")
        };
        return Some(format!("Name contains {what}."));
    }
    let mut letters = cleaned.chars().filter(|&c| is_letter(c)).flat_map(char::to_lowercase);
    let Some(first) = letters.next() else {
        return Some("Name contains no letters.".to_string());
    };
    // Placeholders are short; skip the lower-casing for real names.
    let mut buf = [0u8; 32];
    if let Some(lower) = lower_short(cleaned, &mut buf) {
        let bare = lower.trim_matches(|c: char| c == '.' || c == ',' || c == ' ');
        if PLACEHOLDERS.contains(&bare) {
            return Some(format!("Name is a placeholder ('{bare}')."));
        }
    }
    // A single letter repeated ("ааааа", "xxx") is keyboard filler.
    let mut count = 1;
    for c in letters {
        if c != first {
            return None;
        }
        count += 1;
    }
    (count >= 3).then(|| "Name is a repeated letter.".to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokKind {
    Word,
    Initial,
    /// Western surname particle (`van`, `de`), attached to the next word.
    Prefix,
    /// Turkic patronymic particle (`оглы`, `кызы`), attached to the previous word.
    Suffix(Gender),
}

#[derive(Debug, Clone)]
struct Tok {
    text: String,
    kind: TokKind,
    comma_after: bool,
}

const PREFIX_PARTICLES: &[&str] = &[
    "van", "von", "de", "da", "di", "du", "del", "della", "der", "den", "la", "le", "dos", "das",
    "ter", "ten", "bin", "ibn", "al", "ван", "фон", "де", "ди", "дю", "да", "дель", "ла", "ле",
    "ибн", "бен", "бин", "аль",
];

fn suffix_particle(lower: &str) -> Option<Gender> {
    match lower {
        "оглы" | "оглу" | "улы" | "угли" | "ogly" | "oglu" | "ogli" | "uly" | "ugli" => {
            Some(Gender::Male)
        }
        "кызы" | "гызы" | "кизи" | "kyzy" | "kizi" | "qizi" | "gizi" | "gyzy" => {
            Some(Gender::Female)
        }
        _ => None,
    }
}

/// Splits a cleaned cell into tokens; initials are split off (`И.И.` → `И.`, `И.`).
fn tokenize(cleaned: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    for chunk in cleaned.split(' ').filter(|s| !s.is_empty()) {
        // A comma separates like a space and marks the word before it ("Smith, John").
        let n = chunk.split(',').count();
        for (pi, part) in chunk.split(',').enumerate() {
            split_dots(part, &mut toks);
            if pi + 1 < n {
                if let Some(t) = toks.last_mut() {
                    t.comma_after = true;
                }
            }
        }
    }
    toks
}

fn split_dots(part: &str, toks: &mut Vec<Tok>) {
    let mut start = 0;
    for (i, c) in part.char_indices() {
        if c == '.' {
            if let Some(piece) = part.get(start..i + 1) {
                push_piece(piece, toks);
            }
            start = i + 1;
        }
    }
    if let Some(rest) = part.get(start..) {
        push_piece(rest, toks);
    }
}

/// Lower-case of a short word in `buf`; `None` if it does not fit.
fn lower_short<'b, const N: usize>(word: &str, buf: &'b mut [u8; N]) -> Option<&'b str> {
    // Longer than any particle: no need to look.
    if word.len() > buf.len() {
        return None;
    }
    let mut len = 0;
    for c in word.chars() {
        // Other scripts: no particle to find.
        let lower = lower_fast(c)?;
        let dst = buf.get_mut(len..len + lower.len_utf8())?;
        lower.encode_utf8(dst);
        len += lower.len_utf8();
    }
    std::str::from_utf8(buf.get(..len)?).ok()
}

fn push_piece(piece: &str, toks: &mut Vec<Tok>) {
    let letters = piece.chars().filter(|&c| is_letter(c)).count();
    if letters == 0 {
        return;
    }
    if letters == 1 && !piece.contains(['-', '\'']) {
        let letter = piece.chars().find(|&c| is_letter(c)).unwrap_or('?');
        let mut upper = letter.to_uppercase();
        // Keep letters whose capital is several letters (ligatures) as typed.
        let cap = match (upper.next(), upper.next()) {
            (Some(u), None) => u,
            _ => letter,
        };
        let mut text = String::from(cap);
        text.push('.');
        toks.push(Tok { text, kind: TokKind::Initial, comma_after: false });
        return;
    }
    // Particles are at most 5 letters: lower-case into a stack buffer, no allocation.
    let mut buf = [0u8; 16];
    let lower = lower_short(piece.trim_end_matches('.'), &mut buf).unwrap_or("");
    let kind = if let Some(g) = suffix_particle(lower) {
        TokKind::Suffix(g)
    } else if PREFIX_PARTICLES.contains(&lower) {
        TokKind::Prefix
    } else {
        TokKind::Word
    };
    toks.push(Tok { text: piece.to_string(), kind, comma_after: false });
}

// ---------------------------------------------------------------------------------------
// Casing and look-alike letters.

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || (matches!(c, '\u{00C0}'..='\u{024F}') && c.is_alphabetic())
}

fn latin_to_cyrillic(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'A' => 'А',
        'B' => 'В',
        'b' => 'в',
        'c' => 'с',
        'C' => 'С',
        'e' => 'е',
        'E' => 'Е',
        'H' => 'Н',
        'h' => 'н',
        'K' => 'К',
        'k' => 'к',
        'M' => 'М',
        'm' => 'м',
        'o' => 'о',
        'O' => 'О',
        'p' => 'р',
        'P' => 'Р',
        'T' => 'Т',
        't' => 'т',
        'x' => 'х',
        'X' => 'Х',
        'y' => 'у',
        'Y' => 'У',
        _ => return None,
    })
}

fn cyrillic_to_latin(c: char) -> Option<char> {
    Some(match c {
        'а' => 'a',
        'А' => 'A',
        'В' => 'B',
        'в' => 'b',
        'с' => 'c',
        'С' => 'C',
        'е' => 'e',
        'Е' => 'E',
        'Н' => 'H',
        'н' => 'h',
        'К' => 'K',
        'к' => 'k',
        'М' => 'M',
        'м' => 'm',
        'о' => 'o',
        'О' => 'O',
        'р' => 'p',
        'Р' => 'P',
        'Т' => 'T',
        'т' => 't',
        'х' => 'x',
        'Х' => 'X',
        'у' => 'y',
        'У' => 'Y',
        'і' => 'i',
        'І' => 'I',
        _ => return None,
    })
}

/// Outcome of the look-alike check on one word segment.
enum Script {
    Clean,
    Fixed(String),
    Mixed,
}

/// Replaces stray look-alike letters of the minority script when all of them have one.
fn fix_mixed_script(seg: &str) -> Script {
    let cyr = seg.chars().filter(|&c| is_cyrillic(c)).count();
    let lat = seg.chars().filter(|&c| is_latin(c)).count();
    if cyr == 0 || lat == 0 {
        return Script::Clean;
    }
    let to_cyrillic = cyr >= lat;
    let mut out = String::with_capacity(seg.len());
    for c in seg.chars() {
        let stray = if to_cyrillic { is_latin(c) } else { is_cyrillic(c) };
        if !stray {
            out.push(c);
            continue;
        }
        let mapped = if to_cyrillic { latin_to_cyrillic(c) } else { cyrillic_to_latin(c) };
        match mapped {
            Some(m) => out.push(m),
            None => return Script::Mixed,
        }
    }
    if cyr == lat { Script::Mixed } else { Script::Fixed(out) }
}

/// Title case of one hyphen/apostrophe segment, keeping deliberate inner capitals
/// (`McDonald`, `DiCaprio`): a segment that starts upper-case and mixes cases is kept.
fn case_segment(seg: &str, out: &mut String) {
    let mut chars = seg.chars();
    let Some(first) = chars.next() else { return };
    let has_lower = seg.chars().any(is_lower);
    let inner_upper = seg.chars().skip(1).any(is_upper);
    if is_upper(first) && has_lower && inner_upper {
        out.push_str(seg);
        return;
    }
    out.extend(first.to_uppercase());
    for c in chars {
        push_lower(c, out);
    }
}

/// One segment already capitalised (`Иванов`, `Smith`): nothing for [`case_word`] to do.
fn is_simple_capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(is_upper) && chars.all(|c| !(is_upper(c) || c == '-' || c == '\''))
}

/// Canonical casing of one word: each hyphen segment capitalised; after an apostrophe,
/// capitalised only behind a one-letter prefix (`O'Brien`, `D'Artagnan`).
fn case_word(word: &str) -> String {
    if is_simple_capitalised(word) {
        return word.to_string();
    }
    let cased = case_word_once(word);
    // Letters outside Latin-1 and Cyrillic may change length under case mapping (ligatures,
    // `ß`, Armenian): keep the word as typed unless casing it again is stable.
    if word.chars().all(|c| (c as u32) < 0x250 || is_cyrillic(c)) || case_word_once(&cased) == cased
    {
        cased
    } else {
        word.to_string()
    }
}

fn case_word_once(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for (hi, hseg) in word.split('-').enumerate() {
        if hi > 0 {
            out.push('-');
        }
        let lower_hseg = lower_string(hseg);
        if hi > 0 && suffix_particle(&lower_hseg).is_some() {
            out.push_str(&lower_hseg); // "Мамед-оглы"
            continue;
        }
        let mut prev_len = usize::MAX;
        for (ai, aseg) in hseg.split('\'').enumerate() {
            if ai > 0 {
                out.push('\'');
                if prev_len == 1 {
                    case_segment(aseg, &mut out);
                } else {
                    for c in aseg.chars() {
                        push_lower(c, &mut out);
                    }
                }
            } else {
                case_segment(aseg, &mut out);
            }
            prev_len = aseg.chars().count();
        }
    }
    out
}

/// Particles are lower-cased when typed all upper or all lower and not at the start.
fn case_particle(word: &str, at_start: bool) -> String {
    let all_lower = !word.chars().any(is_upper);
    let all_upper = !word.chars().any(is_lower);
    if at_start {
        case_word(word)
    } else if all_lower || all_upper {
        lower_string(word)
    } else {
        word.to_string()
    }
}

// ---------------------------------------------------------------------------------------
// Parsing.

#[derive(Debug, Clone)]
struct Unit {
    /// Canonical text (particles included).
    text: String,
    initial: bool,
    /// Key of the main word, for dictionary and suffix tests.
    key: String,
    /// Gender of an attached Turkic particle: this unit is then a patronymic.
    particle: Option<Gender>,
    comma_after: bool,
    /// Dictionary answer for the main word (see [`given_gender`]); `None` for initials and
    /// patronymics with a particle.
    given: Option<Option<Gender>>,
}

/// Canonical tokens, look-alike fixes and the mixed-script flag.
struct Prepared {
    toks: Vec<Tok>,
    mixed_unfixable: bool,
    fixed_lookalikes: bool,
}

fn prepare(cleaned: &str) -> Prepared {
    let mut toks = tokenize(cleaned);
    let mut mixed_unfixable = false;
    let mut fixed_lookalikes = false;
    for (i, t) in toks.iter_mut().enumerate() {
        // Look-alike letters per hyphen segment (only when both scripts occur).
        let has_cyr = t.text.chars().any(is_cyrillic);
        let has_lat = t.text.chars().any(is_latin);
        if !(has_cyr && has_lat) {
            t.text = match t.kind {
                TokKind::Initial => std::mem::take(&mut t.text),
                TokKind::Word if is_simple_capitalised(&t.text) => std::mem::take(&mut t.text),
                TokKind::Word => case_word(&t.text),
                TokKind::Prefix | TokKind::Suffix(_) => case_particle(&t.text, i == 0),
            };
            continue;
        }
        let mut fixed = String::with_capacity(t.text.len());
        for (si, seg) in t.text.split('-').enumerate() {
            if si > 0 {
                fixed.push('-');
            }
            match fix_mixed_script(seg) {
                Script::Clean => fixed.push_str(seg),
                Script::Fixed(s) => {
                    fixed_lookalikes = true;
                    fixed.push_str(&s);
                }
                Script::Mixed => {
                    mixed_unfixable = true;
                    fixed.push_str(seg);
                }
            }
        }
        t.text = match t.kind {
            TokKind::Initial => fixed,
            TokKind::Word => case_word(&fixed),
            TokKind::Prefix | TokKind::Suffix(_) => case_particle(&fixed, i == 0),
        };
    }
    Prepared { toks, mixed_unfixable, fixed_lookalikes }
}

/// Display form: tokens in order, initials glued (`И.И.`), one space elsewhere.
fn display(toks: &[Tok]) -> String {
    let mut out = String::new();
    let mut prev_initial = false;
    for t in toks {
        let is_initial = t.kind == TokKind::Initial;
        if !(out.is_empty() || prev_initial && is_initial) {
            out.push(' ');
        }
        out.push_str(&t.text);
        prev_initial = is_initial;
    }
    out
}

/// Groups tokens into name units: Western particles join the next word, Turkic particles
/// the previous one.
fn units(toks: Vec<Tok>) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::with_capacity(toks.len());
    let mut pending_prefix = String::new();
    let mut scratch = String::with_capacity(24);
    for t in toks {
        match t.kind {
            TokKind::Prefix => {
                if !pending_prefix.is_empty() {
                    pending_prefix.push(' ');
                }
                pending_prefix.push_str(&t.text);
            }
            TokKind::Suffix(g) => match units.last_mut() {
                Some(u) if !u.initial && u.particle.is_none() => {
                    u.text.push(' ');
                    u.text.push_str(&t.text);
                    u.particle = Some(g);
                    u.comma_after = t.comma_after;
                }
                _ => units.push(word_unit(&t.text, t.comma_after)),
            },
            TokKind::Word | TokKind::Initial => {
                // Words repeat all through a base (first names, patronymics).
                let key = memoized(Memo::NameWord, &t.text, |w| name_key_with(w, &mut scratch));
                // "van D." is not an initial: the particle makes it a surname.
                let initial = t.kind == TokKind::Initial && pending_prefix.is_empty();
                let text = if pending_prefix.is_empty() {
                    t.text
                } else {
                    let mut text = std::mem::take(&mut pending_prefix);
                    text.push(' ');
                    text.push_str(&t.text);
                    text
                };
                units.push(Unit {
                    key,
                    text,
                    initial,
                    particle: None,
                    comma_after: t.comma_after,
                    given: None,
                });
            }
        }
    }
    if !pending_prefix.is_empty() {
        // Dangling particle ("Иванов де"): keep it as a word.
        units.push(word_unit(&pending_prefix, false));
    }
    for u in &mut units {
        if !u.initial && u.particle.is_none() {
            u.given = given_gender(&u.key);
        }
    }
    units
}

fn word_unit(text: &str, comma_after: bool) -> Unit {
    Unit {
        text: text.to_string(),
        initial: false,
        key: name_key(text),
        particle: None,
        comma_after,
        given: None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pat {
    No,
    /// `-ич` alone: also a common surname ending (Бабич), used only where the position fits.
    Weak(Gender),
    Strong(Gender),
}

fn patronymic(u: &Unit) -> Pat {
    if u.initial {
        return Pat::No;
    }
    if let Some(g) = u.particle {
        return Pat::Strong(g);
    }
    let k = u.key.as_str();
    let n = k.chars().count();
    if n >= 7 && (k.ends_with("ovich") || k.ends_with("evich")) {
        return Pat::Strong(Gender::Male);
    }
    if n >= 7 && (k.ends_with("ovna") || k.ends_with("evna") || k.ends_with("ichna")) {
        return Pat::Strong(Gender::Female);
    }
    if n >= 5 && k.ends_with("ich") {
        return Pat::Weak(Gender::Male);
    }
    Pat::No
}

fn is_pat(p: Pat, allow_weak: bool) -> bool {
    match p {
        Pat::Strong(_) => true,
        Pat::Weak(_) => allow_weak,
        Pat::No => false,
    }
}

fn pat_gender(p: Pat) -> Option<Gender> {
    match p {
        Pat::Strong(g) | Pat::Weak(g) => Some(g),
        Pat::No => None,
    }
}

const SURNAME_ENDINGS: &[&str] = &[
    "ov", "ev", "in", "ova", "eva", "ina", "ski", "skaia", "cki", "ckaia", "skoi", "enko", "uk",
    "chuk", "ix", "ian", "dze", "shvili", "of", "ovski", "evski",
];

fn surname_like(u: &Unit) -> bool {
    !u.initial && u.key.chars().count() >= 4 && SURNAME_ENDINGS.iter().any(|e| u.key.ends_with(e))
}

fn is_given(u: &Unit) -> bool {
    u.given.is_some()
}

/// Roles of the units, by index: (surname, first, patronymic), and whether it was a guess.
struct Roles {
    surname: Option<usize>,
    first: Option<usize>,
    patronymic: Option<usize>,
    guessed: bool,
}

fn roles(units: &[Unit], cyrillic: bool) -> Option<Roles> {
    let roles = |s: usize, f: usize, p: Option<usize>, guessed: bool| {
        Some(Roles { surname: Some(s), first: Some(f), patronymic: p, guessed })
    };
    let comma_first = units.len() >= 2 && units.first().is_some_and(|u| u.comma_after);
    match units {
        [] => None,
        [u] => {
            let (s, f, p) = if u.initial {
                return None;
            } else if is_pat(patronymic(u), false) {
                (None, None, Some(0))
            } else if is_given(u) {
                (None, Some(0), None)
            } else {
                (Some(0), None, None)
            };
            Some(Roles { surname: s, first: f, patronymic: p, guessed: false })
        }
        [a, b] => match (a.initial, b.initial) {
            (true, true) => None,
            (false, true) => roles(0, 1, None, false),
            (true, false) => roles(1, 0, None, false),
            (false, false) => {
                if comma_first {
                    return roles(0, 1, None, false);
                }
                // "Иван Иванович": first name and patronymic, no surname.
                if is_pat(patronymic(b), true) && !is_pat(patronymic(a), true) && is_given(a) {
                    return Some(Roles {
                        surname: None,
                        first: Some(0),
                        patronymic: Some(1),
                        guessed: false,
                    });
                }
                let (surname_first, guessed) = two_words(a, b, cyrillic);
                if surname_first { roles(0, 1, None, guessed) } else { roles(1, 0, None, guessed) }
            }
        },
        [a, b, c] => match (a.initial, b.initial, c.initial) {
            (false, false, false) => three_words(a, b, c, cyrillic, comma_first),
            // Иванов И.И.
            (false, true, true) => roles(0, 1, Some(2), false),
            // И.И. Иванов; John F. Kennedy; Иван И. Иванов
            (true, true, false) | (false, true, false) => roles(2, 0, Some(1), false),
            // Иванов Иван И.
            (false, false, true) => {
                if comma_first {
                    return roles(0, 1, Some(2), false);
                }
                let (surname_first, guessed) = two_words(a, b, cyrillic);
                if surname_first {
                    roles(0, 1, Some(2), guessed)
                } else {
                    roles(1, 0, Some(2), guessed)
                }
            }
            _ => None,
        },
        _ => None,
    }
}

/// Order of two full words: `(surname_first, guessed)`.
fn two_words(a: &Unit, b: &Unit, cyrillic: bool) -> (bool, bool) {
    let (ga, gb) = (is_given(a), is_given(b));
    if ga != gb {
        return (gb, false);
    }
    let (sa, sb) = (surname_like(a), surname_like(b));
    if sa != sb {
        return (sa, false);
    }
    (cyrillic, true)
}

fn three_words(a: &Unit, b: &Unit, c: &Unit, cyrillic: bool, comma_first: bool) -> Option<Roles> {
    let sfp =
        |guessed| Some(Roles { surname: Some(0), first: Some(1), patronymic: Some(2), guessed });
    let fps =
        |guessed| Some(Roles { surname: Some(2), first: Some(0), patronymic: Some(1), guessed });
    if comma_first {
        return sfp(false);
    }
    let (pb, pc) = (patronymic(b), patronymic(c));
    for allow_weak in [false, true] {
        match (is_pat(pb, allow_weak), is_pat(pc, allow_weak)) {
            (false, true) => return sfp(false),
            (true, false) => return fps(false),
            (true, true) => return if is_given(a) { fps(false) } else { sfp(false) },
            (false, false) => {}
        }
    }
    // No patronymic: Western first-middle-last, or Russian order without a patronymic suffix.
    match (is_given(a), is_given(b), is_given(c)) {
        (false, true, _) => sfp(false),
        (true, _, false) => fps(false),
        _ if cyrillic => sfp(true),
        _ => fps(true),
    }
}

fn build_person(units: &mut [Unit], roles: &Roles) -> PersonName {
    let first = roles.first.and_then(|i| units.get(i));
    let initials_only = first.is_some_and(|u| u.initial);
    let first_g = first.and_then(|u| u.given).flatten();
    let pat_g = roles.patronymic.and_then(|i| units.get(i)).map(patronymic).and_then(pat_gender);
    let gender = match (pat_g, first_g) {
        (Some(a), Some(b)) if a != b => None,
        (Some(a), _) => Some(a),
        (None, b) => b,
    };
    // Roles name distinct units, so each text is taken once.
    let mut take =
        |i: Option<usize>| i.and_then(|i| units.get_mut(i)).map(|u| std::mem::take(&mut u.text));
    PersonName {
        surname: take(roles.surname),
        first: take(roles.first),
        patronymic: take(roles.patronymic),
        gender,
        initials_only,
    }
}

/// Shared front part: empty / not-a-name handling, cleaning, casing.
enum Front {
    Done(NameCell),
    Ready { prepared: Prepared, value: String, cyrillic: bool },
}

fn front(raw: &str) -> Front {
    let cleaned = clean(raw);
    if cleaned.is_empty() {
        let issues = if raw.trim().is_empty() {
            Vec::new()
        } else {
            vec![Issue::new("NM002", "Name contains no letters.")]
        };
        let value = if issues.is_empty() { String::new() } else { raw.to_string() };
        return Front::Done(NameCell { value, parsed: None, issues });
    }
    if let Some(reason) = not_a_name_reason(&cleaned) {
        return Front::Done(NameCell {
            value: raw.to_string(),
            parsed: None,
            issues: vec![Issue::new("NM002", reason)],
        });
    }
    let prepared = prepare(&cleaned);
    let value = display(&prepared.toks);
    let (cyr, lat) = value.chars().fold((0usize, 0usize), |(cyr, lat), c| {
        (cyr + usize::from(is_cyrillic(c)), lat + usize::from(is_latin(c)))
    });
    Front::Ready { prepared, value, cyrillic: cyr >= lat }
}

fn finish(raw: &str, value: &str, prepared: &Prepared, mut issues: Vec<Issue>) -> Vec<Issue> {
    if !prepared.fixed_lookalikes && !prepared.mixed_unfixable && value == raw {
        return issues;
    }
    let mut out = Vec::new();
    if prepared.fixed_lookalikes {
        out.push(Issue::with_suggestion(
            "NM006",
            "Name mixed Cyrillic and Latin look-alike letters; replaced.",
            value,
        ));
    } else if prepared.mixed_unfixable {
        out.push(Issue::new("NM006", "Name mixes Cyrillic and Latin letters in one word."));
    }
    if value != raw {
        out.push(Issue::with_suggestion("NM001", "Name reformatted.", value));
    }
    out.append(&mut issues);
    out
}

/// Parses and normalizes a full-name cell (`Иванов Иван Иванович`, `Иван Иванович Иванов`,
/// `Иванов И.И.`, `И.И. Иванов`, `ИВАНОВ иван`, `Ivanov Ivan`, `John Smith`).
///
/// `value` keeps the original word order in canonical casing; `parsed` holds the parts when
/// they can be told apart. Never panics; an empty cell gives `""` and no issue.
pub fn parse_full_name(raw: &str) -> NameCell {
    let (prepared, value, cyrillic) = match front(raw) {
        Front::Done(cell) => return cell,
        Front::Ready { prepared, value, cyrillic } => (prepared, value, cyrillic),
    };
    let mut prepared = prepared;
    let mut units = units(std::mem::take(&mut prepared.toks));
    let mut issues = Vec::new();
    let parsed = match roles(&units, cyrillic) {
        Some(roles) => {
            let person = build_person(&mut units, &roles);
            if roles.guessed {
                issues.push(Issue::new(
                    "NM003",
                    "Could not tell the surname from the first name; assumed the usual order.",
                ));
            }
            if person.initials_only {
                issues.push(Issue::new("NM004", "First name is given only as an initial."));
            }
            Some(person)
        }
        None => {
            issues.push(Issue::new(
                "NM005",
                format!("Could not split the name into parts ({} parts).", units.len()),
            ));
            None
        }
    };
    let issues = finish(raw, &value, &prepared, issues);
    NameCell { value, parsed, issues }
}

/// Normalizes a cell of a separate surname, first-name or patronymic column: the same
/// casing and spacing as [`parse_full_name`], plus a warning (NM007) when a surname or
/// first-name cell holds a whole name.
pub fn normalize_name_part(raw: &str, part: NamePart) -> NameCell {
    let (prepared, value, _) = match front(raw) {
        Front::Done(cell) => return cell,
        Front::Ready { prepared, value, cyrillic } => (prepared, value, cyrillic),
    };
    let mut prepared = prepared;
    let units = units(std::mem::take(&mut prepared.toks));
    let mut issues = Vec::new();
    let only_initials = units.iter().all(|u| u.initial);
    if part != NamePart::Patronymic && units.len() >= 2 {
        let full = units.iter().any(|u| u.initial)
            || units.iter().skip(1).any(|u| is_pat(patronymic(u), false));
        if full {
            issues.push(Issue::new(
                "NM007",
                "This name column holds a whole name (several parts with a patronymic or initials).",
            ));
        }
    }
    let mut person = PersonName::default();
    match part {
        NamePart::Surname => person.surname = Some(value.clone()),
        NamePart::First => {
            person.first = Some(value.clone());
            person.initials_only = only_initials;
            if units.len() == 1 {
                person.gender = units.first().and_then(|u| u.given).flatten();
            }
        }
        NamePart::Patronymic => {
            person.patronymic = Some(value.clone());
            if units.len() == 1 {
                person.gender = units.first().map(patronymic).and_then(pat_gender);
            }
        }
    }
    if part == NamePart::First && only_initials {
        issues.push(Issue::new("NM004", "First name is given only as an initial."));
    }
    let issues = finish(raw, &value, &prepared, issues);
    NameCell { value, parsed: Some(person), issues }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn lowercase_is_to_lowercase(s in "[a-zA-Z0-9 ,./\u{400}-\u{460}ΣσİẞÄ]{0,24}") {
            proptest::prop_assert_eq!(lowercase(&s), s.to_lowercase());
        }
    }

    /// raw, value, surname, first, patronymic, gender
    type ParseCase<'a> =
        (&'a str, &'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>, Option<Gender>);
    /// raw, part, value, codes, gender
    type PartCase<'a> = (&'a str, NamePart, &'a str, &'a [&'a str], Option<Gender>);

    fn codes(cell: &NameCell) -> Vec<&'static str> {
        cell.issues.iter().map(|i| i.code).collect()
    }

    #[test]
    fn parses_orders() {
        // raw, value, surname, first, patronymic, gender
        let m = Some(Gender::Male);
        let f = Some(Gender::Female);
        let cases: &[ParseCase] = &[
            (
                "Иванов Иван Иванович",
                "Иванов Иван Иванович",
                Some("Иванов"),
                Some("Иван"),
                Some("Иванович"),
                m,
            ),
            (
                "Иван Иванович Иванов",
                "Иван Иванович Иванов",
                Some("Иванов"),
                Some("Иван"),
                Some("Иванович"),
                m,
            ),
            (
                "ИВАНОВА анна сергеевна",
                "Иванова Анна Сергеевна",
                Some("Иванова"),
                Some("Анна"),
                Some("Сергеевна"),
                f,
            ),
            ("Иванов И.И.", "Иванов И.И.", Some("Иванов"), Some("И."), Some("И."), None),
            ("иванов и. и.", "Иванов И.И.", Some("Иванов"), Some("И."), Some("И."), None),
            ("И.И. Иванов", "И.И. Иванов", Some("Иванов"), Some("И."), Some("И."), None),
            ("И.И.Иванов", "И.И. Иванов", Some("Иванов"), Some("И."), Some("И."), None),
            ("ИВАНОВ иван", "Иванов Иван", Some("Иванов"), Some("Иван"), None, m),
            ("Иван Иванов", "Иван Иванов", Some("Иванов"), Some("Иван"), None, m),
            ("Ivanov Ivan", "Ivanov Ivan", Some("Ivanov"), Some("Ivan"), None, m),
            ("John Smith", "John Smith", Some("Smith"), Some("John"), None, m),
            ("smith, john", "Smith John", Some("Smith"), Some("John"), None, m),
            ("JOHN F. KENNEDY", "John F. Kennedy", Some("Kennedy"), Some("John"), Some("F."), m),
            ("Mary Ann Smith", "Mary Ann Smith", Some("Smith"), Some("Mary"), Some("Ann"), f),
            (
                "иванов-петров пётр",
                "Иванов-Петров Пётр",
                Some("Иванов-Петров"),
                Some("Пётр"),
                None,
                m,
            ),
            (
                "Римский - Корсаков Николай Андреевич",
                "Римский-Корсаков Николай Андреевич",
                Some("Римский-Корсаков"),
                Some("Николай"),
                Some("Андреевич"),
                m,
            ),
            (
                "Мамедов Ильхам Гейдар оглы",
                "Мамедов Ильхам Гейдар оглы",
                Some("Мамедов"),
                Some("Ильхам"),
                Some("Гейдар оглы"),
                m,
            ),
            (
                "Алиева Лейла Гейдар КЫЗЫ",
                "Алиева Лейла Гейдар кызы",
                Some("Алиева"),
                Some("Лейла"),
                Some("Гейдар кызы"),
                f,
            ),
            (
                "Ильхам Гейдар оглы Мамедов",
                "Ильхам Гейдар оглы Мамедов",
                Some("Мамедов"),
                Some("Ильхам"),
                Some("Гейдар оглы"),
                m,
            ),
            (
                "Абрамович Роман Аркадьевич",
                "Абрамович Роман Аркадьевич",
                Some("Абрамович"),
                Some("Роман"),
                Some("Аркадьевич"),
                m,
            ),
            (
                "Роман Аркадьевич Абрамович",
                "Роман Аркадьевич Абрамович",
                Some("Абрамович"),
                Some("Роман"),
                Some("Аркадьевич"),
                m,
            ),
            (
                "Ульянов Владимир Ильич",
                "Ульянов Владимир Ильич",
                Some("Ульянов"),
                Some("Владимир"),
                Some("Ильич"),
                m,
            ),
            (
                "Петрова Анна Ильинична",
                "Петрова Анна Ильинична",
                Some("Петрова"),
                Some("Анна"),
                Some("Ильинична"),
                f,
            ),
            ("Иван Петрович", "Иван Петрович", None, Some("Иван"), Some("Петрович"), m),
            (
                "ludwig van beethoven",
                "Ludwig van Beethoven",
                Some("van Beethoven"),
                Some("Ludwig"),
                None,
                None,
            ),
            ("o'brien patrick", "O'Brien Patrick", Some("O'Brien"), Some("Patrick"), None, m),
            ("Patrick McDonald", "Patrick McDonald", Some("McDonald"), Some("Patrick"), None, m),
            ("Смирнов Эльбрус", "Смирнов Эльбрус", Some("Смирнов"), Some("Эльбрус"), None, None),
            ("Саша Петров", "Саша Петров", Some("Петров"), Some("Саша"), None, None),
            ("Дима Петров", "Дима Петров", Some("Петров"), Some("Дима"), None, m),
            ("Ковалёва Алёна", "Ковалёва Алёна", Some("Ковалёва"), Some("Алёна"), None, f),
            ("Иванов", "Иванов", Some("Иванов"), None, None, None),
            ("Анна", "Анна", None, Some("Анна"), None, f),
            ("Сидоров Иван И.", "Сидоров Иван И.", Some("Сидоров"), Some("Иван"), Some("И."), m),
        ];
        for (raw, value, s, fi, p, g) in cases {
            let cell = parse_full_name(raw);
            assert_eq!(cell.value, *value, "value of {raw:?}");
            let person = cell.parsed.unwrap_or_else(|| panic!("no parse for {raw:?}"));
            assert_eq!(person.surname.as_deref(), *s, "surname of {raw:?}");
            assert_eq!(person.first.as_deref(), *fi, "first of {raw:?}");
            assert_eq!(person.patronymic.as_deref(), *p, "patronymic of {raw:?}");
            assert_eq!(person.gender, *g, "gender of {raw:?}");
        }
    }

    #[test]
    fn issues_emitted() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("Иванов Иван Иванович", "Иванов Иван Иванович", &[]),
            ("", "", &[]),
            ("   ", "", &[]),
            ("  иванов   иван ", "Иванов Иван", &["NM001"]),
            ("Иванов И.И.", "Иванов И.И.", &["NM004"]),
            ("Иванов 89161234567", "Иванов 89161234567", &["NM002"]),
            ("ivanov@mail.ru", "ivanov@mail.ru", &["NM002"]),
            ("нет", "нет", &["NM002"]),
            ("N/A", "N/A", &["NM002"]),
            ("Тест", "Тест", &["NM002"]),
            ("xxx", "xxx", &["NM002"]),
            ("-", "-", &["NM002"]),
            ("Ли Цзюнь", "Ли Цзюнь", &["NM003"]),
            ("Иванов Иван Иванович Петров", "Иванов Иван Иванович Петров", &["NM005"]),
            ("И.И.", "И.И.", &["NM005"]),
            ("Ивaнов Иван", "Иванов Иван", &["NM006", "NM001"]),
            ("Ivanоv Ivan", "Ivanov Ivan", &["NM006", "NM001"]),
            ("Иванов\u{00A0}Иван", "Иванов Иван", &["NM001"]),
            ("Иванов\u{2013}Петров Иван", "Иванов-Петров Иван", &["NM001"]),
            ("O\u{2019}Brien John", "O'Brien John", &["NM001"]),
        ];
        for (raw, value, want) in cases {
            let cell = parse_full_name(raw);
            assert_eq!(cell.value, *value, "value of {raw:?}");
            assert_eq!(codes(&cell), *want, "codes of {raw:?}");
        }
    }

    #[test]
    fn name_parts() {
        let cases: &[PartCase] = &[
            ("ИВАНОВ", NamePart::Surname, "Иванов", &["NM001"], None),
            ("иванов-петров", NamePart::Surname, "Иванов-Петров", &["NM001"], None),
            ("de la cruz", NamePart::Surname, "De la Cruz", &["NM001"], None),
            ("Иванов И.И.", NamePart::Surname, "Иванов И.И.", &["NM007"], None),
            ("Иван Иванович", NamePart::First, "Иван Иванович", &["NM007"], None),
            ("мария", NamePart::First, "Мария", &["NM001"], Some(Gender::Female)),
            ("Женя", NamePart::First, "Женя", &[], None),
            ("И.", NamePart::First, "И.", &["NM004"], None),
            ("сергеевич", NamePart::Patronymic, "Сергеевич", &["NM001"], Some(Gender::Male)),
            ("Гейдар Кызы", NamePart::Patronymic, "Гейдар Кызы", &[], Some(Gender::Female)),
            ("гейдар кызы", NamePart::Patronymic, "Гейдар кызы", &["NM001"], Some(Gender::Female)),
            ("123", NamePart::First, "123", &["NM002"], None),
            ("", NamePart::Surname, "", &[], None),
        ];
        for (raw, part, value, want, gender) in cases {
            let cell = normalize_name_part(raw, *part);
            assert_eq!(cell.value, *value, "value of {raw:?}");
            assert_eq!(codes(&cell), *want, "codes of {raw:?}");
            let g = cell.parsed.as_ref().and_then(|p| p.gender);
            assert_eq!(g, *gender, "gender of {raw:?}");
        }
    }

    #[test]
    fn casing() {
        let cases = [
            ("иванов-петров", "Иванов-Петров"),
            ("o'brien", "O'Brien"),
            ("d'artagnan", "D'Artagnan"),
            ("mcdonald", "Mcdonald"),
            ("McDonald", "McDonald"),
            ("MCDONALD", "Mcdonald"),
            ("DiCaprio", "DiCaprio"),
            ("iVANOV", "Ivanov"),
            ("jean-pierre", "Jean-Pierre"),
            ("ёлкин", "Ёлкин"),
            ("мамед-оглы", "Мамед-оглы"),
        ];
        for (raw, want) in cases {
            assert_eq!(case_word(raw), want, "{raw}");
        }
    }

    #[test]
    fn keys_that_must_meet() {
        let pairs = [
            ("Иванов Иван", "Ivanov Ivan"),
            ("Юлия", "Iuliia"),
            ("Юлия", "Yuliya"),
            ("Юлия", "Julia"),
            ("Юлия", "Yulia"),
            ("Юлия", "Julija"),
            ("Хабаров", "Khabarov"),
            ("Хабаров", "Habarov"),
            ("Михаил", "Mixail"),
            ("Михаил", "Mihail"),
            ("Цветков", "Tsvetkov"),
            ("Кузнецов", "Kuznetsov"),
            ("Мориц", "Moritz"),
            ("Дмитрий", "Dmitriy"),
            ("Дмитрий", "Dmitry"),
            ("Дмитрий", "Dmitrij"),
            ("Юрий", "Yury"),
            ("Юрий", "Iurii"),
            ("Мария", "Mariya"),
            ("Мария", "Maria"),
            ("Мария", "Mariia"),
            ("Наталья", "Natalya"),
            ("Наталья", "Natalia"),
            ("Наталия", "Nataliya"),
            ("Евгений", "Yevgeniy"),
            ("Евгений", "Evgeny"),
            ("Евгений", "Jevgenij"),
            ("Елена", "Yelena"),
            ("Елена", "Elena"),
            ("Сергеев", "Sergeyev"),
            ("Сергеевна", "Sergeyevna"),
            ("Щукин", "Shchukin"),
            ("Щукин", "Schukin"),
            ("Артём", "Artyom"),
            ("Артём", "Artem"),
            ("Пётр", "Pyotr"),
            ("Пётр", "Petr"),
            ("Фёдор", "Fyodor"),
            ("Фёдор", "Fedor"),
            ("Семён", "Semyon"),
            ("Ковалёв", "Ковалев"),
            ("Алексей", "Alexey"),
            ("Алексей", "Aleksei"),
            ("Алексей", "Aleksey"),
            ("Максим", "Maxim"),
            ("Ксения", "Xenia"),
            ("Ксения", "Kseniya"),
            ("Достоевский", "Dostoevsky"),
            ("Достоевский", "Dostoyevskiy"),
            ("Андрей", "Andrey"),
            ("Андрей", "Andrei"),
            ("Яков", "Yakov"),
            ("Яков", "Jakov"),
            ("Жуков", "Zhukov"),
            ("Жуков", "Žukov"),
            ("Чехов", "Chekhov"),
            ("Чехов", "Čehov"),
            ("Ильин", "Ilyin"),
            ("Илья", "Ilya"),
            ("Крылов", "Krylov"),
            ("Филипп", "Filip"),
            ("Philip", "Filip"),
            ("Thomas", "Tomas"),
            ("Иванов-Петров", "Ivanov Petrov"),
            ("Catherine", "Katherine"),
        ];
        for (a, b) in pairs {
            assert_eq!(name_key(a), name_key(b), "{a} vs {b}");
        }
    }

    #[test]
    fn keys_that_must_not_meet() {
        let pairs = [
            ("Иванов", "Иванова"),
            ("Александр", "Александра"),
            ("Шукин", "Щукин"),
            ("Юлия", "Юрий"),
            ("Мария", "Марина"),
            ("Семенов", "Симонов"),
            ("Жуков", "Зуков"),
            ("Петров", "Петрова"),
            ("Иван", "Ивана"),
            ("Чернов", "Шернов"),
            ("Яна", "Ян"),
            ("Ivan", "Ian"),
            ("Сергеев", "Сергеева"),
            ("Даниил", "Данила"),
            ("John", "Joan"),
        ];
        for (a, b) in pairs {
            assert_ne!(name_key(a), name_key(b), "{a} vs {b}");
        }
    }

    #[test]
    fn key_shapes() {
        assert_eq!(name_key("Иванов Иван"), "ivanov ivan");
        assert_eq!(name_key("Юлия"), "iulia");
        assert_eq!(name_key("Михаил"), "mixail");
        assert_eq!(name_key("O'Brien"), "obrien");
        assert_eq!(name_key(""), "");
        assert_eq!(name_key("  --  "), "");
    }

    #[test]
    fn nicknames_resolve() {
        let pairs = [
            ("Саша", "Александр"),
            ("Sasha", "Александр"),
            ("Шура", "Александр"),
            ("Дима", "Дмитрий"),
            ("Dima", "Dmitriy"),
            ("Лена", "Елена"),
            ("Катя", "Екатерина"),
            ("Женя", "Евгений"),
            ("Alex", "Александр"),
            ("Alexander", "Aleksandr"),
            ("Bill", "William"),
            ("Bob", "Robert"),
            ("Наталия", "Наталья"),
            ("Наташа", "Natalia"),
            ("Kate", "Catherine"),
            ("Иван", "Ivan"),
        ];
        for (nick, canonical) in pairs {
            assert_eq!(first_name_key(nick), first_name_key(canonical), "{nick} vs {canonical}");
        }
        assert_ne!(first_name_key("Дима"), first_name_key("Денис"));
        assert_eq!(first_name_keys("Женя"), vec![name_key("Евгений"), name_key("Евгения")]);
        assert_eq!(first_name_keys("Иван"), vec![name_key("Иван")]);
    }

    #[test]
    fn nickname_targets_are_terminal() {
        for targets in NICKNAMES.values() {
            for t in targets {
                assert!(!NICKNAMES.contains_key(t), "canonical {t} is itself a nickname");
            }
        }
    }

    #[test]
    fn given_name_dictionary_is_sane() {
        assert!(GIVEN.len() > 500, "dictionary has {} entries", GIVEN.len());
        assert_eq!(given_gender(&name_key("Иван")), Some(Some(Gender::Male)));
        assert_eq!(given_gender(&name_key("Ivan")), Some(Some(Gender::Male)));
        assert_eq!(given_gender(&name_key("Мария")), Some(Some(Gender::Female)));
        assert_eq!(given_gender(&name_key("Jordan")), Some(None));
        assert_eq!(given_gender(&name_key("Женя")), Some(None));
        assert_eq!(given_gender(&name_key("Иванов")), None);
    }

    #[test]
    fn transliteration_icao() {
        let cases = [
            ("Юлия", "Iuliia"),
            ("Щукин", "Shchukin"),
            ("ЩУКИН", "SHCHUKIN"),
            ("Иванов Иван", "Ivanov Ivan"),
            ("Хабаров", "Khabarov"),
            ("Цой", "Tsoi"),
            ("Подъячев", "Podieiachev"),
            ("Ольга", "Olga"),
            ("Артём", "Artem"),
            ("Smith", "Smith"),
            ("Ж", "Zh"),
        ];
        for (raw, want) in cases {
            assert_eq!(transliterate(raw), want, "{raw}");
        }
        assert_eq!(name_key(&transliterate("Юлия Щукина")), name_key("Юлия Щукина"));
    }

    #[test]
    fn rules_declared() {
        let declared: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        for code in ["NM001", "NM002", "NM003", "NM004", "NM005", "NM006", "NM007"] {
            assert!(declared.contains(&code), "{code} not declared");
        }
        for r in RULES {
            for section in
                ["## What it checks", "## Why it matters", "## Example", "## Fix", "## Options"]
            {
                assert!(r.doc.contains(section), "{} lacks {section}", r.code);
            }
        }
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        const NAME_LIKE: &str = "[ А-Яа-яЁёA-Za-z.,'\\-\u{2019}\u{00A0}]{0,40}";

        proptest! {
            #[test]
            fn full_name_never_panics_and_is_idempotent(s in NAME_LIKE) {
                let once = parse_full_name(&s);
                let twice = parse_full_name(&once.value);
                prop_assert_eq!(&twice.value, &once.value);
                if once.issues.iter().all(|i| i.code != "NM002") {
                    prop_assert!(twice.issues.iter().all(|i| i.code != "NM001"), "{:?}", twice.issues);
                }
            }

            #[test]
            fn any_string_never_panics(s in any::<String>()) {
                let once = parse_full_name(&s);
                prop_assert_eq!(parse_full_name(&once.value).value, once.value);
                for part in [NamePart::Surname, NamePart::First, NamePart::Patronymic] {
                    let p = normalize_name_part(&s, part);
                    prop_assert_eq!(normalize_name_part(&p.value, part).value, p.value);
                }
                let _ = name_key(&s);
                let _ = first_name_key(&s);
                let _ = transliterate(&s);
            }

            #[test]
            fn key_is_stable_under_renormalization(s in NAME_LIKE) {
                let cell = parse_full_name(&s);
                if cell.issues.iter().all(|i| i.code != "NM002" && i.code != "NM006") {
                    prop_assert_eq!(name_key(&cell.value), name_key(&s));
                }
            }
        }
    }
}
