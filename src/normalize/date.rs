//! Dates and date-times: many written forms in, ISO 8601 out.
//!
//! Accepted: `DD.MM.YYYY`, `D.M.YY`, `YYYY-MM-DD`, `DD/MM/YYYY`, `MM/DD/YYYY`, `YYYYMMDD`,
//! `DD-MM-YYYY`, `1 марта 1985`, `01 мар 1985 г.`, `March 1, 1985`, `1 Mar 1985`,
//! `01-Mar-85`, ISO date-times (`2024-03-01T10:00:00`, with fraction and offset),
//! `01.03.2024 10:15`, `3/1/2024 10:15 PM`, and Excel serial numbers when the column is
//! known to be a date column.
//!
//! Day-first vs month-first is decided per column by a [`DateColumnProfile`] built from the
//! column's values: the unambiguous values (`15.03.2024`, `03/15/2024`) vote, the majority
//! wins, and a column with votes both ways is flagged as mixed.

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

use crate::finding::{Issue, Severity};
use crate::rules::meta::{FixKind, RuleMeta};

/// What a date column holds, which decides two-digit-year pivots and plausibility checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    /// A birth date: must be in the past and give an age of at most 120; a time is dropped.
    Birth,
    /// Any other date or time stamp (order, contact, consent): kept with its time.
    Event,
}

/// Order of day and month in numeric dates whose year comes last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// `DD.MM.YYYY`, `DD/MM/YYYY` (Russia, Europe).
    DayFirst,
    /// `MM/DD/YYYY` (USA).
    MonthFirst,
}

/// How one column writes its dates, learnt from its values (or set by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateColumnProfile {
    /// Order used for values that could be read either way (`03/04/2024`).
    pub order: DateOrder,
    /// The order is known: set explicitly, or at least one value was unambiguous.
    pub decided: bool,
    /// The column has unambiguous values in both orders.
    pub mixed: bool,
    /// Values that can only be read day-first (`15.03.2024`).
    pub day_first_votes: usize,
    /// Values that can only be read month-first (`03/15/2024`).
    pub month_first_votes: usize,
    /// Whether bare numbers in the Excel serial range are dates (only in a date column).
    pub excel_serials: bool,
}

impl Default for DateColumnProfile {
    /// Day-first, undecided, no Excel serials.
    fn default() -> Self {
        DateColumnProfile {
            order: DateOrder::DayFirst,
            decided: false,
            mixed: false,
            day_first_votes: 0,
            month_first_votes: 0,
            excel_serials: false,
        }
    }
}

impl DateColumnProfile {
    /// A profile with a known order (from configuration), no Excel serials.
    pub fn new(order: DateOrder) -> Self {
        DateColumnProfile { order, decided: true, ..DateColumnProfile::default() }
    }

    /// Learns the order from a column's values: unambiguous values vote, the majority wins
    /// (day-first on a tie or with no votes). Excel serials are accepted when at least half
    /// of the non-empty values are written dates, i.e. the column is a date column.
    pub fn from_values<'a, I: IntoIterator<Item = &'a str>>(values: I) -> Self {
        let mut votes = DateVotes::default();
        for v in values {
            votes.add(v);
        }
        votes.profile()
    }

    /// Allows or forbids Excel serial numbers (set `true` when the column is known to hold dates).
    pub fn with_excel_serials(mut self, allow: bool) -> Self {
        self.excel_serials = allow;
        self
    }
}

/// What a column's values say about its date order, counted value by value. Counts of parts
/// of a column merge, so a large column is profiled on all cores.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateVotes {
    total: usize,
    dates: usize,
    day_first: usize,
    month_first: usize,
}

impl DateVotes {
    /// Counts one value (blank values do not count).
    pub fn add(&mut self, value: &str) {
        let v = value.trim();
        if v.is_empty() {
            return;
        }
        self.total += 1;
        let Ok(parsed) = parse(v) else { return };
        self.dates += 1;
        if let DatePat::Numeric { a, b, .. } = parsed.date {
            if a > 12 && b <= 12 {
                self.day_first += 1;
            } else if b > 12 && a <= 12 {
                self.month_first += 1;
            }
        }
    }

    /// The counts of both parts.
    pub fn merge(self, other: DateVotes) -> DateVotes {
        DateVotes {
            total: self.total + other.total,
            dates: self.dates + other.dates,
            day_first: self.day_first + other.day_first,
            month_first: self.month_first + other.month_first,
        }
    }

    /// The column's profile: the order most unambiguous values take (day-first on a tie),
    /// Excel serials accepted when at least half the values are dates.
    pub fn profile(self) -> DateColumnProfile {
        let mut profile = DateColumnProfile {
            day_first_votes: self.day_first,
            month_first_votes: self.month_first,
            ..DateColumnProfile::default()
        };
        profile.decided = self.day_first + self.month_first > 0;
        profile.mixed = self.day_first > 0 && self.month_first > 0;
        if self.month_first > self.day_first {
            profile.order = DateOrder::MonthFirst;
        }
        profile.excel_serials = self.dates > 0 && self.dates * 2 >= self.total;
        profile
    }
}

/// Result of normalizing one date cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateCell {
    /// Value to write back: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` (fraction and offset kept)
    /// for an event with a time; the raw value unchanged when it is not a valid date; `""`
    /// for an empty cell.
    pub value: String,
    /// The calendar date, when parsed.
    pub date: Option<NaiveDate>,
    /// The time of day, for events written with one.
    pub time: Option<NaiveTime>,
    /// What was changed or found.
    pub issues: Vec<Issue>,
}

/// Rules emitted by this module.
pub static RULES: &[RuleMeta] = &[
    RuleMeta {
        code: "DT001",
        name: "date-unparseable",
        summary: "The value is not a recognisable date.",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks
Date cells that match none of the accepted forms: `DD.MM.YYYY`, `D.M.YY`, `YYYY-MM-DD`,
`DD/MM/YYYY`, `MM/DD/YYYY`, `YYYYMMDD`, `DD-MM-YYYY`, `1 марта 1985`, `March 1, 1985`,
ISO date-times, `01.03.2024 10:15`, and Excel serial numbers in a date column. Partial
dates (`март 1985`, `1985`) and placeholders (`нет`, `-`, `n/a`) are reported here too.

## Why it matters
Unreadable dates break age checks, segments (active/inactive clients), retention windows
(152-FZ art. 5 p.7, GDPR art. 5(1)(e)) and consent evidence, which needs a date.

## Example
`весной 85`, `1985`, `32/13`

## Fix
None: the raw value is kept unchanged for review.

## Options
None.",
    },
    RuleMeta {
        code: "DT002",
        name: "date-reformatted",
        summary: "The date was rewritten in ISO 8601 form.",
        default_severity: Severity::Info,
        fix: FixKind::Safe,
        since: "0.1.0",
        doc: "## What it checks
Dates written in any accepted form other than ISO 8601 (`YYYY-MM-DD`, or
`YYYY-MM-DDTHH:MM:SS` for a time stamp). Two-digit years are expanded: birth dates to the
latest century that puts them in the past, other dates to the century that puts them
between 80 years before and 20 years after the reference date.

## Why it matters
One unambiguous form sorts, compares and imports everywhere; `01/03/24` means three
different days in three countries.

## Example
`1 марта 1985 г.` → `1985-03-01`; `01.03.2024 10:15` → `2024-03-01T10:15:00`

## Fix
Safe: the ISO form replaces the cell. A birth date loses its time of day.

## Options
The column's day/month order is learnt from its values or set explicitly.",
    },
    RuleMeta {
        code: "DT003",
        name: "date-order-ambiguous",
        summary: "Day and month could be swapped: the column mixes orders or none is known.",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks
Numeric dates whose day and month could be read either way (`03/04/2024`) in a column
that has unambiguous values in both orders (`15/03/2024` and `03/15/2024`) or that gives
no evidence at all for a slash or dash form; and values whose only possible reading
contradicts the column's order (`03/15/2024` in a day-first column).

## Why it matters
A swapped day and month silently moves a birthday or a consent date by months, which can
put a consent outside its validity window or an age over a legal threshold.

## Example
`04/05/2024` in a column that also holds `25/12/2023` and `12/25/2023`.

## Fix
None: the value is normalized with the column's majority order and the other reading is
given as a suggestion; check the source system's export settings.

## Options
Set the column's order explicitly to silence the undecided case.",
    },
    RuleMeta {
        code: "DT004",
        name: "birth-date-in-future",
        summary: "The birth date is after the reference date.",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks
Birth dates later than the reference date (today by default).

## Why it matters
The record is wrong: usually a typo in the year, a two-digit year expanded to the wrong
century, or another date (registration, order) typed into the birth-date field. Personal
data must be accurate (152-FZ art. 5 p.4, GDPR art. 5(1)(d)).

## Example
`2031-05-12` as a birth date in 2025.

## Fix
None: correct the date from the source.

## Options
The reference date is a parameter (`as_of`).",
    },
    RuleMeta {
        code: "DT005",
        name: "birth-date-implausible",
        summary: "The birth date gives an age over 120 years.",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks
Birth dates more than 120 years before the reference date.

## Why it matters
Nobody in a customer base is that old: such values are placeholders (`1900-01-01`),
Excel artefacts or typos, and they distort age segments and checks of age of consent.

## Example
`01.01.1900`

## Fix
None: correct or clear the date at the source.

## Options
None.",
    },
    RuleMeta {
        code: "DT006",
        name: "date-impossible",
        summary: "The value has a date shape but names no calendar day (31.02, month 13).",
        default_severity: Severity::Error,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks
Values written like a date whose day does not exist: 31 February, 29 February in a
non-leap year, month 13 with a day above 12, day 0, `0000-00-00`.

## Why it matters
The intended date is unknown; importing systems reject the row or, worse, roll it over to
another day (31.02 → 03.03).

## Example
`31.02.1985`, `29.02.2023`

## Fix
None: the raw value is kept unchanged for review.

## Options
None.",
    },
    RuleMeta {
        code: "DT007",
        name: "date-out-of-range",
        summary: "The year is before 1900 or after 2100.",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks
Valid calendar dates with a year before 1900 or after 2100.

## Why it matters
These are sentinel values (`0001-01-01`, `9999-12-31`, Excel's `1899-12-30`) or typos
(`0985`), not real events in a customer's life; they break sorting and retention checks.

## Example
`9999-12-31`, `01.01.0001`

## Fix
None: the date is normalized but should be cleared or corrected.

## Options
None.",
    },
];

// ---------------------------------------------------------------------------------------
// Parsing.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DatePat {
    /// Order known from the form (year first, month name, `YYYYMMDD`).
    Fixed { y: i32, m: u32, d: u32, two_digit: bool },
    /// `a<sep>b<sep>year`: which of a, b is the day depends on the column.
    Numeric { a: u32, b: u32, y: i32, two_digit: bool, dot: bool },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct TimePart {
    time: NaiveTime,
    /// Digits after the decimal point, as written.
    frac: String,
    /// `Z` or `+HH:MM`.
    offset: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Parsed {
    date: DatePat,
    time: Option<TimePart>,
}

/// Why a value is not a date (completes "Not a recognisable date: …").
type Fail = &'static str;

const MONTHS: &[&[&str]] = &[
    &["января", "январь", "january"],
    &["февраля", "февраль", "february"],
    &["марта", "март", "march"],
    &["апреля", "апрель", "april"],
    &["мая", "май", "may"],
    &["июня", "июнь", "june"],
    &["июля", "июль", "july"],
    &["августа", "август", "august"],
    &["сентября", "сентябрь", "september"],
    &["октября", "октябрь", "october"],
    &["ноября", "ноябрь", "november"],
    &["декабря", "декабрь", "december"],
];

/// Month number of a month name or an abbreviation of at least three letters.
fn month_number(word: &str) -> Option<u32> {
    if word.chars().count() < 3 {
        return None;
    }
    let lower = word.to_lowercase();
    let lower = lower.replace('ё', "е");
    MONTHS
        .iter()
        .position(|forms| forms.iter().any(|f| f.starts_with(lower.as_str())))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// Words that may accompany a date and carry nothing: year marks, weekdays, ordinals.
fn is_filler(word: &str) -> bool {
    const FILLERS: &[&str] = &[
        "г",
        "гг",
        "год",
        "года",
        "st",
        "nd",
        "rd",
        "th",
        "of",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "пн",
        "вт",
        "ср",
        "чт",
        "пт",
        "сб",
        "вс",
        "понедельник",
        "вторник",
        "среда",
        "четверг",
        "пятница",
        "суббота",
        "воскресенье",
    ];
    let lower = word.to_lowercase();
    FILLERS.contains(&lower.as_str())
}

#[derive(Debug, Clone, Copy)]
enum Tok<'a> {
    Num(&'a str),
    Word(&'a str),
    Sep(char),
}

fn tokenize(s: &str) -> Option<Vec<Tok<'_>>> {
    let mut toks = Vec::with_capacity(8);
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_ascii_digit() {
            let mut end = i + 1;
            while let Some(&(j, d)) = chars.peek() {
                if !d.is_ascii_digit() {
                    break;
                }
                end = j + 1;
                chars.next();
            }
            toks.push(Tok::Num(s.get(i..end)?));
        } else if c.is_alphabetic() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !d.is_alphabetic() {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            toks.push(Tok::Word(s.get(i..end)?));
        } else if c.is_whitespace() {
            if !matches!(toks.last(), Some(Tok::Sep(' '))) {
                toks.push(Tok::Sep(' '));
            }
        } else if matches!(c, '.' | '/' | '-' | ',') {
            toks.push(Tok::Sep(c));
        } else {
            return None;
        }
    }
    Some(toks)
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 {
        return None;
    }
    s.parse().ok()
}

/// Parses the date part (no time).
fn parse_date(s: &str) -> Result<DatePat, Fail> {
    let toks = tokenize(s).ok_or("it contains characters no date has")?;
    let mut nums: Vec<&str> = Vec::with_capacity(3);
    let mut month: Option<u32> = None;
    let mut seps: Vec<char> = Vec::with_capacity(3);
    for t in &toks {
        match *t {
            Tok::Num(n) => nums.push(n),
            Tok::Sep(c) => {
                if !nums.is_empty() && nums.len() < 3 && c != ' ' {
                    seps.push(c);
                }
            }
            Tok::Word(w) => {
                if is_filler(w) {
                    continue;
                }
                match (month_number(w), month) {
                    (Some(m), None) => month = Some(m),
                    _ => return Err("it contains words that are not a month"),
                }
            }
        }
    }
    if let Some(m) = month {
        return month_name_date(&nums, m);
    }
    match nums.as_slice() {
        [one] if one.len() == 8 => {
            let (y, m, d) = (
                num(one.get(0..4).unwrap_or("")),
                num(one.get(4..6).unwrap_or("")),
                num(one.get(6..8).unwrap_or("")),
            );
            match (y, m, d) {
                (Some(y), Some(m), Some(d))
                    if (1800..=2199).contains(&y)
                        && (1..=12).contains(&m)
                        && (1..=31).contains(&d) =>
                {
                    Ok(DatePat::Fixed { y: i32::try_from(y).unwrap_or(0), m, d, two_digit: false })
                }
                _ => Err("an 8-digit number that is not YYYYMMDD"),
            }
        }
        [y] if y.len() == 4 => Err("only a year"),
        [a, b, c] => {
            let (la, lb, lc) = (a.len(), b.len(), c.len());
            let (na, nb, nc) = (num(a), num(b), num(c));
            let (Some(na), Some(nb), Some(nc)) = (na, nb, nc) else {
                return Err("numbers too long");
            };
            if la == 4 && lb <= 2 && lc <= 2 {
                Ok(DatePat::Fixed {
                    y: i32::try_from(na).unwrap_or(0),
                    m: nb,
                    d: nc,
                    two_digit: false,
                })
            } else if la <= 2 && lb <= 2 && (lc == 4 || lc == 2) {
                Ok(DatePat::Numeric {
                    a: na,
                    b: nb,
                    y: i32::try_from(nc).unwrap_or(0),
                    two_digit: lc == 2,
                    dot: seps.first() == Some(&'.'),
                })
            } else {
                Err("numbers in no known date order")
            }
        }
        _ => Err("not a day, month and year"),
    }
}

fn month_name_date(nums: &[&str], m: u32) -> Result<DatePat, Fail> {
    let (day, year) = match nums {
        [a, b] if a.len() == 4 && b.len() <= 2 => (b, a),
        [a, b] if a.len() <= 2 && (b.len() == 4 || b.len() == 2) => (a, b),
        [_] | [] => return Err("no day or no year"),
        _ => return Err("numbers in no known date order"),
    };
    match (num(day), num(year)) {
        (Some(d), Some(y)) => Ok(DatePat::Fixed {
            y: i32::try_from(y).unwrap_or(0),
            m,
            d,
            two_digit: year.len() == 2,
        }),
        _ => Err("numbers too long"),
    }
}

/// Parses `H:MM[:SS[.f]] [AM|PM] [Z|±HH[:MM]|UTC|GMT]`.
fn parse_time(s: &str) -> Option<TimePart> {
    let b = s.trim().as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize, max: usize| -> Option<u32> {
        let start = *i;
        while *i < b.len() && *i - start < max && b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        if *i == start {
            return None;
        }
        std::str::from_utf8(b.get(start..*i)?).ok()?.parse().ok()
    };
    let mut h = digits(&mut i, 2)?;
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    let start_m = i;
    let m = digits(&mut i, 2)?;
    if i - start_m != 2 {
        return None;
    }
    let mut sec = 0;
    let mut frac = String::new();
    if b.get(i) == Some(&b':') {
        i += 1;
        let start_s = i;
        sec = digits(&mut i, 2)?;
        if i - start_s != 2 {
            return None;
        }
        if matches!(b.get(i), Some(b'.') | Some(b',')) {
            i += 1;
            while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
                if frac.len() < 9 {
                    frac.push(char::from(*d));
                }
                i += 1;
            }
            if frac.is_empty() {
                return None;
            }
        }
    }
    let rest = std::str::from_utf8(b.get(i..)?).ok()?.trim();
    let lower = rest.to_ascii_lowercase();
    let mut rest: &str = &lower;
    for (mark, pm) in [("a.m.", false), ("p.m.", true), ("am", false), ("pm", true)] {
        if let Some(r) = rest.strip_prefix(mark) {
            if !(1..=12).contains(&h) {
                return None;
            }
            h = match (pm, h) {
                (false, 12) => 0,
                (true, 12) => 12,
                (true, h) => h + 12,
                (false, h) => h,
            };
            rest = r.trim_start();
            break;
        }
    }
    let offset = parse_offset(rest)?;
    let time = NaiveTime::from_hms_opt(h, m, sec)?;
    Some(TimePart { time, frac, offset })
}

fn parse_offset(s: &str) -> Option<String> {
    match s {
        "" => return Some(String::new()),
        "z" | "utc" | "gmt" => return Some("Z".to_string()),
        _ => {}
    }
    let b = s.as_bytes();
    let sign = match b.first() {
        Some(b'+') => '+',
        Some(b'-') => '-',
        _ => return None,
    };
    let digits: String = s.get(1..)?.chars().filter(|&c| c != ':').collect();
    if !digits.bytes().all(|d| d.is_ascii_digit()) || !(digits.len() == 2 || digits.len() == 4) {
        return None;
    }
    let hh: u32 = digits.get(0..2)?.parse().ok()?;
    let mm: u32 = if digits.len() == 4 { digits.get(2..4)?.parse().ok()? } else { 0 };
    if hh > 14 || mm > 59 {
        return None;
    }
    Some(format!("{sign}{hh:02}:{mm:02}"))
}

/// Splits off a time part: the number before the first `:` starts it.
fn split_time(s: &str) -> Result<(&str, Option<&str>), Fail> {
    let Some(colon) = s.find(':') else { return Ok((s, None)) };
    let head = s.get(..colon).unwrap_or("");
    let hour_start = head.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let date = s.get(..hour_start).unwrap_or("");
    let time = s.get(hour_start..).unwrap_or("");
    // Separator between date and time: space, comma or an ISO `T` glued to a digit.
    let date = if let Some(d) =
        date.strip_suffix(['T', 't']).filter(|d| d.ends_with(|c: char| c.is_ascii_digit()))
    {
        d
    } else if date.ends_with([' ', ',']) {
        date.trim_end_matches([' ', ','])
    } else {
        return Err("a time without a date");
    };
    if date.is_empty() {
        return Err("a time without a date");
    }
    Ok((date, Some(time)))
}

fn parse(s: &str) -> Result<Parsed, Fail> {
    if let Some(parsed) = parse_common(s) {
        return Ok(parsed);
    }
    parse_general(s)
}

/// The reading [`parse_general`] gives the common shapes, without its tokens and
/// allocations: `D.M.YYYY`, `D/M/YY`, `YYYY-MM-DD` (separators `.` `/` `-`) with an
/// optional ` H:MM[:SS]` or `THH:MM[:SS]`. `None` for anything else, or anything these
/// shapes do not read cleanly (an hour 24, a third number of three digits): the general
/// parser answers those. A proptest holds the two to each other.
fn parse_common(s: &str) -> Option<Parsed> {
    let b = s.as_bytes();
    let mut i = 0;
    // A run of 1..=max ASCII digits at `i`: its value and length.
    let digits = |i: &mut usize, max: usize| -> Option<(u32, usize)> {
        let start = *i;
        let mut v = 0u32;
        while let Some(&d) = b.get(*i).filter(|d| d.is_ascii_digit()) {
            if *i - start == max {
                return None;
            }
            v = v * 10 + u32::from(d - b'0');
            *i += 1;
        }
        (*i > start).then_some((v, *i - start))
    };
    let sep = |i: &mut usize| -> Option<u8> {
        let c = *b.get(*i).filter(|c| matches!(c, b'.' | b'/' | b'-'))?;
        *i += 1;
        Some(c)
    };
    let (na, la) = digits(&mut i, 4)?;
    let first_sep = sep(&mut i)?;
    let (nb, _) = digits(&mut i, 2)?;
    sep(&mut i)?;
    let (nc, lc) = digits(&mut i, 4)?;
    let date = if la == 4 && lc <= 2 {
        DatePat::Fixed { y: i32::try_from(na).ok()?, m: nb, d: nc, two_digit: false }
    } else if la <= 2 && (lc == 4 || lc == 2) {
        let y = i32::try_from(nc).ok()?;
        DatePat::Numeric { a: na, b: nb, y, two_digit: lc == 2, dot: first_sep == b'.' }
    } else {
        return None;
    };
    if i == b.len() {
        return Some(Parsed { date, time: None });
    }
    // ` H:MM[:SS]` or `THH:MM[:SS]`, then the end.
    match b.get(i) {
        Some(b' ') => {}
        Some(b'T' | b't') if b.get(i.wrapping_sub(1)).is_some_and(u8::is_ascii_digit) => {}
        _ => return None,
    }
    i += 1;
    let (h, _) = digits(&mut i, 2)?;
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    let (m, lm) = digits(&mut i, 2)?;
    let mut sec = 0;
    if b.get(i) == Some(&b':') {
        i += 1;
        let (s, ls) = digits(&mut i, 2)?;
        if ls != 2 {
            return None;
        }
        sec = s;
    }
    if lm != 2 || i != b.len() {
        return None;
    }
    let time = NaiveTime::from_hms_opt(h, m, sec)?;
    Some(Parsed { date, time: Some(TimePart { time, frac: String::new(), offset: String::new() }) })
}

/// Any date the normalizer reads: numbers with separators, month names, `YYYYMMDD`, a time
/// of day with seconds, fractions, AM/PM and offsets.
fn parse_general(s: &str) -> Result<Parsed, Fail> {
    let (date, time) = split_time(s)?;
    let date = parse_date(date)?;
    let time = match time {
        Some(t) => Some(parse_time(t).ok_or("the time of day is not valid")?),
        None => None,
    };
    Ok(Parsed { date, time })
}

/// Excel serial (days since 1899-12-30, the fraction is the time of day), if `s` is one in
/// the plausible range 10000..=73050 (1927-05-18 .. 2099-12-31).
fn excel_serial(s: &str) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let (int, frac) = match s.split_once(['.', ',']) {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if int.len() != 5 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let days: i64 = int.parse().ok()?;
    if !(10_000..=73_050).contains(&days) {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let date = epoch.checked_add_days(chrono::Days::new(u64::try_from(days).ok()?))?;
    let time = match frac {
        Some(f) if f.bytes().all(|b| b.is_ascii_digit()) && !f.is_empty() => {
            let frac: f64 = format!("0.{f}").parse().ok()?;
            let secs = (frac * 86_400.0).round() as u32;
            if secs >= 86_400 {
                return None;
            }
            NaiveTime::from_num_seconds_from_midnight_opt(secs, 0)
        }
        Some(_) => return None,
        None => None,
    };
    Some((date, time))
}

fn expand_year(yy: i32, m: u32, d: u32, kind: DateKind, as_of: NaiveDate) -> i32 {
    match kind {
        DateKind::Birth => {
            let recent = 2000 + yy;
            match NaiveDate::from_ymd_opt(recent, m, d) {
                Some(date) if date <= as_of => recent,
                None if recent <= as_of.year() => recent,
                _ => 1900 + yy,
            }
        }
        DateKind::Event => {
            if 2000 + yy <= as_of.year() + 20 {
                2000 + yy
            } else {
                1900 + yy
            }
        }
    }
}

fn iso(date: NaiveDate, time: Option<&TimePart>) -> String {
    let mut out = String::with_capacity(32);
    push_year(&mut out, date.year());
    out.push('-');
    push_two_digits(&mut out, date.month());
    out.push('-');
    push_two_digits(&mut out, date.day());
    if let Some(t) = time {
        out.push('T');
        push_two_digits(&mut out, t.time.hour());
        out.push(':');
        push_two_digits(&mut out, t.time.minute());
        out.push(':');
        push_two_digits(&mut out, t.time.second());
        if !t.frac.is_empty() {
            out.push('.');
            out.push_str(&t.frac);
        }
        out.push_str(&t.offset);
    }
    out
}

/// `n` (a month, day, hour, minute or second: below 100) as two digits, zero-padded, as
/// `push_num(out, n, 2)` writes it.
fn push_two_digits(out: &mut String, n: u32) {
    if n < 100 {
        out.push(char::from(b'0' + (n / 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
    } else {
        push_num(out, i32::try_from(n).unwrap_or(0), 2);
    }
}

/// A year as `push_num(out, year, 4)` writes it; years 0–9999 as two pairs of digits.
fn push_year(out: &mut String, year: i32) {
    match u32::try_from(year) {
        Ok(y) if y < 10_000 => {
            push_two_digits(out, y / 100);
            push_two_digits(out, y % 100);
        }
        _ => push_num(out, year, 4),
    }
}

/// Zero-padded decimal without going through `format!` (hot path).
fn push_num(out: &mut String, n: i32, width: usize) {
    let mut buf = [b'0'; 12];
    let mut v = n.unsigned_abs();
    let mut len = 0;
    while v > 0 || len < width {
        if let Some(slot) = buf.get_mut(11 - len) {
            *slot = b'0' + u8::try_from(v % 10).unwrap_or(0);
        }
        v /= 10;
        len += 1;
        if len >= 12 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    out.push_str(std::str::from_utf8(buf.get(12 - len..).unwrap_or(b"")).unwrap_or(""));
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}')
}

/// Normalizes one date cell of a column described by `profile`.
///
/// `as_of` is the reference date (usually today) for future and age checks and for
/// two-digit years. Never panics; an empty cell gives `""` and no issue.
pub fn normalize_date(
    raw: &str,
    profile: &DateColumnProfile,
    kind: DateKind,
    as_of: NaiveDate,
) -> DateCell {
    let cleaned: String;
    let s = if raw.chars().any(|c| is_invisible(c) || c == '\u{00A0}') {
        cleaned = raw
            .chars()
            .filter(|&c| !is_invisible(c))
            .map(|c| if c == '\u{00A0}' { ' ' } else { c })
            .collect();
        cleaned.trim()
    } else {
        raw.trim()
    };
    if s.is_empty() {
        return DateCell { value: String::new(), date: None, time: None, issues: Vec::new() };
    }
    let unparsed = |issue: Issue| DateCell {
        value: raw.to_string(),
        date: None,
        time: None,
        issues: vec![issue],
    };
    let mut issues = Vec::new();
    let (date, time) = match parse(s) {
        Ok(parsed) => {
            let (y, m, d, two_digit) = match parsed.date {
                DatePat::Fixed { y, m, d, two_digit } => (y, m, d, two_digit),
                DatePat::Numeric { a, b, y, two_digit, dot } => {
                    let (d, m) = match resolve_order(a, b, dot, profile) {
                        Ok((d, m, note)) => {
                            if let Some(note) = note {
                                issues.push(note_issue(note, a, b, y, two_digit, kind, as_of));
                            }
                            (d, m)
                        }
                        Err(()) => {
                            return unparsed(Issue::new(
                                "DT006",
                                "No such calendar day (day and month both above 12).",
                            ));
                        }
                    };
                    (y, m, d, two_digit)
                }
            };
            let y = if two_digit { expand_year(y, m, d, kind, as_of) } else { y };
            let Some(date) = NaiveDate::from_ymd_opt(y, m, d) else {
                return unparsed(Issue::new(
                    "DT006",
                    format!("No such calendar day: {y:04}-{m:02}-{d:02}."),
                ));
            };
            (date, parsed.time)
        }
        Err(why) => match excel_serial(s).filter(|_| profile.excel_serials) {
            Some((date, t)) => {
                let time =
                    t.map(|time| TimePart { time, frac: String::new(), offset: String::new() });
                (date, time)
            }
            None => {
                return unparsed(Issue::new("DT001", format!("Not a recognisable date: {why}.")));
            }
        },
    };
    let time = if kind == DateKind::Birth { None } else { time };
    let value = iso(date, time.as_ref());
    if date.year() < 1900 || date.year() > 2100 {
        issues.push(Issue::new("DT007", format!("Year {} is outside 1900–2100.", date.year())));
    }
    if kind == DateKind::Birth {
        if date > as_of {
            issues.push(Issue::new("DT004", "Birth date is in the future."));
        } else if as_of.years_since(date).is_some_and(|age| age > 120) {
            issues.push(Issue::new("DT005", "Birth date gives an age over 120 years."));
        }
    }
    if value != raw {
        issues.insert(
            0,
            Issue::with_suggestion("DT002", "Date rewritten in ISO 8601 form.", value.clone()),
        );
    }
    DateCell { value, date: Some(date), time: time.map(|t| t.time), issues }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OrderNote {
    /// Readable both ways in a mixed or undecided column.
    Ambiguous,
    /// Only one reading exists and it contradicts the column's order.
    Contradicts,
}

/// (day, month, note) for `a<sep>b<sep>year`; `Err` when neither reading is a month.
fn resolve_order(
    a: u32,
    b: u32,
    dot: bool,
    p: &DateColumnProfile,
) -> Result<(u32, u32, Option<OrderNote>), ()> {
    match (a > 12, b > 12) {
        (true, true) => Err(()),
        (true, false) => {
            let note =
                (p.decided && p.order == DateOrder::MonthFirst).then_some(OrderNote::Contradicts);
            Ok((a, b, note))
        }
        (false, true) => {
            let note =
                (p.decided && p.order == DateOrder::DayFirst).then_some(OrderNote::Contradicts);
            Ok((b, a, note))
        }
        (false, false) => {
            // Dotted dates are day-first by convention; slashes and dashes need evidence.
            let unsure = a != b && (p.mixed || (!p.decided && !dot));
            let note = unsure.then_some(OrderNote::Ambiguous);
            match p.order {
                DateOrder::DayFirst => Ok((a, b, note)),
                DateOrder::MonthFirst => Ok((b, a, note)),
            }
        }
    }
}

fn note_issue(
    note: OrderNote,
    a: u32,
    b: u32,
    y: i32,
    two_digit: bool,
    kind: DateKind,
    as_of: NaiveDate,
) -> Issue {
    match note {
        OrderNote::Contradicts => Issue::new(
            "DT003",
            "This date can only be read in the opposite day/month order to the rest of its column.",
        ),
        OrderNote::Ambiguous => {
            // The other reading, as a suggestion: month a, day b if we took day a.
            let alt = [(b, a), (a, b)]
                .into_iter()
                .filter_map(|(d, m)| {
                    let y = if two_digit { expand_year(y, m, d, kind, as_of) } else { y };
                    NaiveDate::from_ymd_opt(y, m, d)
                })
                .map(|d| iso(d, None))
                .collect::<Vec<_>>()
                .join(" or ");
            Issue::with_suggestion(
                "DT003",
                "Day and month could be swapped: the column's order is mixed or unknown.",
                alt,
            )
        }
    }
}

/// The date a value starts with when its first ten bytes read as chrono's `%Y-%m-%d`
/// (`2024-03-01`, also before a time part): how rules and survivorship read the dates this
/// module writes. Plain `YYYY-MM-DD` is read without chrono's format parser (a hot path at a
/// million rows); anything else goes through it.
pub fn iso_date_prefix(value: &str) -> Option<NaiveDate> {
    let head = value.get(..10)?;
    let b = head.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?
            .iter()
            .try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    if b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-') {
        if let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) {
            return NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d);
        }
    }
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// The common shapes, near misses included (long or short numbers, other separators,
        /// hours 24+, minutes of one digit, seconds, fractions, offsets, trailing text).
        #[test]
        fn common_shapes_read_as_the_general_parser_does(
            value in "[0-9]{1,5}[./ ,-][0-9]{1,3}[./ -][0-9]{1,5}([ Tt,][0-9]{1,3}:[0-9]{1,3}(:[0-9]{1,3})?([.,][0-9])?( ?(pm|Z|\\+03))?)? ?",
        ) {
            if let Some(fast) = parse_common(&value) {
                proptest::prop_assert_eq!(Ok(fast), parse_general(&value), "{:?}", value);
            }
            // Whatever the fast path takes, the answer is the general parser's.
            proptest::prop_assert_eq!(parse(&value), parse_general(&value), "{:?}", value);
        }

        #[test]
        fn two_digits_and_years_are_push_num(n in 0u32..200, year in -20_000i32..20_000) {
            let (mut fast, mut general) = (String::new(), String::new());
            push_two_digits(&mut fast, n);
            push_num(&mut general, i32::try_from(n).unwrap_or(0), 2);
            proptest::prop_assert_eq!(fast, general);
            let (mut fast, mut general) = (String::new(), String::new());
            push_year(&mut fast, year);
            push_num(&mut general, year, 4);
            proptest::prop_assert_eq!(fast, general);
        }

        /// Denser in the shapes themselves: one-digit minutes and seconds, hours past 23.
        #[test]
        fn common_shapes_with_times_read_as_the_general_parser_does(
            value in "([0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{2,4}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})([ T][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2})?)?",
        ) {
            proptest::prop_assert_eq!(parse(&value), parse_general(&value), "{:?}", value);
        }

        #[test]
        fn iso_date_prefix_reads_as_chrono_does(value in "[0-9+ -]{0,3}[0-9]{0,4}-?[0-9]{0,2}[- ]?[0-9]{0,3}[T 0-9:]{0,3}") {
            let chrono_reads = value.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            proptest::prop_assert_eq!(iso_date_prefix(&value), chrono_reads, "{:?}", value);
        }
    }

    #[test]
    fn iso_date_prefix_reads_dates_and_refuses_the_rest() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(iso_date_prefix("2024-03-01"), d(2024, 3, 1));
        assert_eq!(iso_date_prefix("2024-03-01T10:00:00"), d(2024, 3, 1));
        assert_eq!(iso_date_prefix("2024-02-30"), None, "no such day");
        assert_eq!(iso_date_prefix("2024-13-01"), None);
        assert_eq!(iso_date_prefix("01.03.2024"), None);
        assert_eq!(iso_date_prefix("2024-3-1"), None, "fewer than ten bytes");
        assert_eq!(iso_date_prefix("2024-3-1 10"), None, "chrono refuses the trailing part");
        assert_eq!(iso_date_prefix("2024-3-01x"), None);
        assert_eq!(iso_date_prefix("Дата2024-03"), None, "a cut inside a letter is no date");
    }

    use super::*;

    #[test]
    fn votes_of_parts_merge_to_the_column_profile() {
        let values = [
            "15.03.2024",
            "03/15/2024",
            "01.02.2020",
            "",
            "n/a",
            "2021-07-01",
            "31.12.1999",
            "45000",
            "12/31/2001",
            "x",
        ];
        let whole = DateColumnProfile::from_values(values);
        assert_eq!((whole.day_first_votes, whole.month_first_votes), (2, 2));
        assert!(whole.mixed && whole.decided);
        for cut in 0..=values.len() {
            let (mut a, mut b) = (DateVotes::default(), DateVotes::default());
            values[..cut].iter().for_each(|v| a.add(v));
            values[cut..].iter().for_each(|v| b.add(v));
            assert_eq!(a.merge(b).profile(), whole, "cut at {cut}");
        }
    }

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 15).unwrap_or_default()
    }

    fn codes(cell: &DateCell) -> Vec<&'static str> {
        cell.issues.iter().map(|i| i.code).collect()
    }

    #[test]
    fn event_dates() {
        let p = DateColumnProfile::default();
        let cases: &[(&str, &str, &[&str])] = &[
            ("2024-03-01", "2024-03-01", &[]),
            ("01.03.2024", "2024-03-01", &["DT002"]),
            (" 1.3.2024 ", "2024-03-01", &["DT002"]),
            ("1.3.24", "2024-03-01", &["DT002"]),
            ("1.3.99", "1999-03-01", &["DT002"]),
            ("01.03.45", "2045-03-01", &["DT002"]),
            ("01.03.46", "1946-03-01", &["DT002"]),
            ("2024/03/01", "2024-03-01", &["DT002"]),
            ("20240301", "2024-03-01", &["DT002"]),
            ("15/03/2024", "2024-03-15", &["DT002"]),
            ("15-03-2024", "2024-03-15", &["DT002"]),
            ("01/03/2024", "2024-03-01", &["DT002", "DT003"]),
            ("01.03.2024.", "2024-03-01", &["DT002"]),
            ("1 марта 1985", "1985-03-01", &["DT002"]),
            ("1 марта 1985 г.", "1985-03-01", &["DT002"]),
            ("01 мар 1985", "1985-03-01", &["DT002"]),
            ("01 МАР. 1985г", "1985-03-01", &["DT002"]),
            ("9 мая 1945 года", "1945-05-09", &["DT002"]),
            ("3 сент. 2024", "2024-09-03", &["DT002"]),
            ("March 1, 1985", "1985-03-01", &["DT002"]),
            ("March 1st, 1985", "1985-03-01", &["DT002"]),
            ("1 March 1985", "1985-03-01", &["DT002"]),
            ("01-Mar-85", "1985-03-01", &["DT002"]),
            ("Fri, 01 Mar 2024", "2024-03-01", &["DT002"]),
            ("1985 March 1", "1985-03-01", &["DT002"]),
            ("2024-03-01T10:00:00", "2024-03-01T10:00:00", &[]),
            ("2024-03-01T10:00", "2024-03-01T10:00:00", &["DT002"]),
            ("2024-03-01 10:00:00", "2024-03-01T10:00:00", &["DT002"]),
            ("2024-03-01T10:00:00.123Z", "2024-03-01T10:00:00.123Z", &[]),
            ("2024-03-01T10:00:00+0300", "2024-03-01T10:00:00+03:00", &["DT002"]),
            ("01.03.2024 10:15", "2024-03-01T10:15:00", &["DT002"]),
            ("01.03.2024, 9:05:07", "2024-03-01T09:05:07", &["DT002"]),
            ("15/3/2024 10:15 PM", "2024-03-15T22:15:00", &["DT002"]),
            ("15/3/2024 12:15 am", "2024-03-15T00:15:00", &["DT002"]),
            ("2024-03-01\u{00A0}", "2024-03-01", &["DT002"]),
            ("9999-12-31", "9999-12-31", &["DT007"]),
            ("01.01.0001", "0001-01-01", &["DT002", "DT007"]),
            ("31.02.2024", "31.02.2024", &["DT006"]),
            ("29.02.2023", "29.02.2023", &["DT006"]),
            ("29.02.2024", "2024-02-29", &["DT002"]),
            ("13/13/2024", "13/13/2024", &["DT006"]),
            ("0000-00-00", "0000-00-00", &["DT006"]),
            ("2024-13-01", "2024-13-01", &["DT006"]),
            ("1985", "1985", &["DT001"]),
            ("март 1985", "март 1985", &["DT001"]),
            ("нет", "нет", &["DT001"]),
            ("-", "-", &["DT001"]),
            ("10:15", "10:15", &["DT001"]),
            ("01.03.2024 25:00", "01.03.2024 25:00", &["DT001"]),
            ("45352", "45352", &["DT001"]),
            ("12345678", "12345678", &["DT001"]),
            ("1 oct 2024", "2024-10-01", &["DT002"]),
            ("", "", &[]),
            ("   ", "", &[]),
        ];
        for (raw, value, want) in cases {
            let cell = normalize_date(raw, &p, DateKind::Event, as_of());
            assert_eq!(cell.value, *value, "value of {raw:?}");
            assert_eq!(codes(&cell), *want, "codes of {raw:?}");
        }
    }

    #[test]
    fn birth_dates() {
        let p = DateColumnProfile::new(DateOrder::DayFirst);
        let cases: &[(&str, &str, &[&str])] = &[
            ("01.03.1985", "1985-03-01", &["DT002"]),
            ("01.03.85", "1985-03-01", &["DT002"]),
            ("01.03.24", "2024-03-01", &["DT002"]),
            ("01.03.25", "2025-03-01", &["DT002"]),
            ("01.07.25", "1925-07-01", &["DT002"]),
            ("01.03.2031", "2031-03-01", &["DT002", "DT004"]),
            ("01.01.1900", "1900-01-01", &["DT002", "DT005"]),
            ("1985-03-01T00:00:00", "1985-03-01", &["DT002"]),
            ("01.03.1985 0:00:00", "1985-03-01", &["DT002"]),
            ("1985-03-01", "1985-03-01", &[]),
            ("03/15/1985", "1985-03-15", &["DT002", "DT003"]),
        ];
        for (raw, value, want) in cases {
            let cell = normalize_date(raw, &p, DateKind::Birth, as_of());
            assert_eq!(cell.value, *value, "value of {raw:?}");
            assert_eq!(codes(&cell), *want, "codes of {raw:?}");
            assert!(cell.time.is_none(), "birth date keeps no time: {raw:?}");
        }
    }

    #[test]
    fn profiles() {
        let ru = DateColumnProfile::from_values(["15.03.2024", "01.02.2024", "", "31.12.2023"]);
        assert_eq!((ru.order, ru.decided, ru.mixed), (DateOrder::DayFirst, true, false));
        assert_eq!(ru.day_first_votes, 2);
        assert!(ru.excel_serials);

        let us = DateColumnProfile::from_values(["03/15/2024", "12/31/2023", "01/02/2024"]);
        assert_eq!((us.order, us.decided, us.mixed), (DateOrder::MonthFirst, true, false));
        let cell = normalize_date("01/02/2024", &us, DateKind::Event, as_of());
        assert_eq!(cell.value, "2024-01-02");
        assert_eq!(codes(&cell), ["DT002"]);
        let cell = normalize_date("15/03/2024", &us, DateKind::Event, as_of());
        assert_eq!(cell.value, "2024-03-15");
        assert_eq!(codes(&cell), ["DT002", "DT003"]);

        let mixed = DateColumnProfile::from_values([
            "25/12/2023",
            "12/25/2023",
            "13/01/2024",
            "04/05/2024",
        ]);
        assert!(mixed.mixed);
        assert_eq!(mixed.order, DateOrder::DayFirst);
        let cell = normalize_date("04/05/2024", &mixed, DateKind::Event, as_of());
        assert_eq!(cell.value, "2024-05-04");
        assert_eq!(codes(&cell), ["DT002", "DT003"]);
        assert_eq!(
            cell.issues.get(1).and_then(|i| i.suggestion.as_deref()),
            Some("2024-04-05 or 2024-05-04")
        );
        // Same day and month: no ambiguity.
        assert_eq!(
            codes(&normalize_date("05/05/2024", &mixed, DateKind::Event, as_of())),
            ["DT002"]
        );

        let junk = DateColumnProfile::from_values(["abc", "45352", "n/a"]);
        assert!(!junk.excel_serials);
        assert!(!junk.decided);
    }

    #[test]
    fn excel_serials() {
        let p = DateColumnProfile::default().with_excel_serials(true);
        let cases: &[(&str, &str, DateKind, &[&str])] = &[
            ("45352", "2024-03-01", DateKind::Event, &["DT002"]),
            ("45352.5", "2024-03-01T12:00:00", DateKind::Event, &["DT002"]),
            ("31107", "1985-03-01", DateKind::Birth, &["DT002"]),
            ("31107.25", "1985-03-01", DateKind::Birth, &["DT002"]),
            ("1985", "1985", DateKind::Birth, &["DT001"]),
            ("9999", "9999", DateKind::Event, &["DT001"]),
            ("99999", "99999", DateKind::Event, &["DT001"]),
        ];
        for (raw, value, kind, want) in cases {
            let cell = normalize_date(raw, &p, *kind, as_of());
            assert_eq!(cell.value, *value, "value of {raw:?}");
            assert_eq!(codes(&cell), *want, "codes of {raw:?}");
        }
        let off = DateColumnProfile::default();
        assert_eq!(codes(&normalize_date("45352", &off, DateKind::Event, as_of())), ["DT001"]);
    }

    #[test]
    fn parsed_fields() {
        let cell = normalize_date(
            "01.03.2024 10:15",
            &DateColumnProfile::default(),
            DateKind::Event,
            as_of(),
        );
        assert_eq!(cell.date, NaiveDate::from_ymd_opt(2024, 3, 1));
        assert_eq!(cell.time, NaiveTime::from_hms_opt(10, 15, 0));
    }

    #[test]
    fn rules_declared() {
        for code in ["DT001", "DT002", "DT003", "DT004", "DT005", "DT006", "DT007"] {
            assert!(RULES.iter().any(|r| r.code == code), "{code} not declared");
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
        use super::as_of;
        use proptest::prelude::*;

        const DATE_LIKE: &str = "[0-9]{1,4}[./ -][0-9]{1,2}[./ -][0-9]{1,4}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?( ?[AaPp][Mm])?)?";

        fn profiles() -> impl Strategy<Value = DateColumnProfile> {
            (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
                |(month_first, decided, mixed, serials)| DateColumnProfile {
                    order: if month_first { DateOrder::MonthFirst } else { DateOrder::DayFirst },
                    decided,
                    mixed,
                    excel_serials: serials,
                    ..DateColumnProfile::default()
                },
            )
        }

        proptest! {
            #[test]
            fn idempotent_on_date_like(s in DATE_LIKE, p in profiles(), birth in any::<bool>()) {
                let kind = if birth { DateKind::Birth } else { DateKind::Event };
                let once = normalize_date(&s, &p, kind, as_of());
                let twice = normalize_date(&once.value, &p, kind, as_of());
                prop_assert_eq!(&twice.value, &once.value);
                prop_assert_eq!(twice.date, once.date);
                prop_assert!(twice.issues.iter().all(|i| i.code != "DT002"));
            }

            #[test]
            fn never_panics(s in any::<String>(), p in profiles(), birth in any::<bool>()) {
                let kind = if birth { DateKind::Birth } else { DateKind::Event };
                let once = normalize_date(&s, &p, kind, as_of());
                prop_assert_eq!(normalize_date(&once.value, &p, kind, as_of()).value, once.value);
                let _ = DateColumnProfile::from_values([s.as_str()]);
            }

            #[test]
            fn serials_roundtrip(n in 10_000u32..=73_050, frac in 0u32..1000) {
                let p = DateColumnProfile::default().with_excel_serials(true);
                let s = format!("{n}.{frac:03}");
                let once = normalize_date(&s, &p, DateKind::Event, as_of());
                prop_assert!(once.date.is_some());
                prop_assert_eq!(normalize_date(&once.value, &p, DateKind::Event, as_of()).value, once.value);
            }
        }
    }
}
