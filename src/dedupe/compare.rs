//! Graded field comparisons: one agreement level per [`Field`] for a pair of records.
//!
//! Level 0 is always `missing` (one side empty: no evidence either way) and level 1 the exact
//! agreement; the last level is `different`. Between them lie field-specific levels (nickname,
//! close spelling, day↔month swap…). Names are compared order-insensitively: a record with
//! given name and surname swapped is compared crosswise when that agrees better.

use serde::Serialize;

use super::{BirthDate, Col, EntityTable, MultiCol, Row, hash_bytes};

/// Number of compared fields.
pub const N_FIELDS: usize = 15;

/// A compared field; each has its own list of agreement levels ([`Field::level_names`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// First name (with nickname equivalence via the canonical key).
    Given,
    /// Surname.
    Surname,
    /// Patronymic.
    Patronymic,
    /// Gender.
    Gender,
    /// Birth date.
    BirthDate,
    /// Phones (set overlap).
    Phone,
    /// Emails (set overlap).
    Email,
    /// House number.
    StreetNumber,
    /// Street line(s).
    Address,
    /// City or suburb.
    Locality,
    /// Postal code.
    Postcode,
    /// Region or state.
    Region,
    /// Personal identifier.
    NationalId,
    /// INN.
    Inn,
    /// Company name.
    Company,
}

/// Level 0 of every field: one side is empty.
pub const MISSING: u8 = 0;
/// Level 1 of every field: exact agreement.
pub const EXACT: u8 = 1;

/// Named levels of the fields with more than exact/different.
pub mod level {
    /// Given: canonical (nickname-resolved) keys agree.
    pub const GIVEN_NICKNAME: u8 = 2;
    /// Given: one typo or Jaro-Winkler ≥ 0.92.
    pub const GIVEN_CLOSE: u8 = 3;
    /// Given: Jaro-Winkler ≥ 0.8, a shared token, or an initial consistent with the name.
    pub const GIVEN_SIMILAR: u8 = 4;
    /// Given: clearly different.
    pub const GIVEN_DIFFERENT: u8 = 5;
    /// Surname: one typo, Jaro-Winkler ≥ 0.92, or equal without spaces/hyphens.
    pub const SURNAME_CLOSE: u8 = 2;
    /// Surname: Jaro-Winkler ≥ 0.8 or a shared token (double-barrelled names).
    pub const SURNAME_SIMILAR: u8 = 3;
    /// Surname: clearly different.
    pub const SURNAME_DIFFERENT: u8 = 4;
    /// Patronymic: close spelling or a consistent initial.
    pub const PATRONYMIC_CLOSE: u8 = 2;
    /// Patronymic: clearly different.
    pub const PATRONYMIC_DIFFERENT: u8 = 3;
    /// Birth date: day and month swapped.
    pub const DATE_SWAPPED: u8 = 2;
    /// Birth date: one part differs, one digit typo, or consistent partial dates.
    pub const DATE_TYPO: u8 = 3;
    /// Birth date: clearly different.
    pub const DATE_DIFFERENT: u8 = 4;
    /// National id (and other codes): one edit apart.
    pub const ID_CLOSE: u8 = 2;
    /// Address: close spelling or the same tokens in another order.
    pub const ADDRESS_CLOSE: u8 = 2;
    /// Address: at least half of the tokens agree.
    pub const ADDRESS_PARTIAL: u8 = 3;
    /// Email: a shared address whose local part is spelled from the shared names
    /// (`ivan.petrov@mail.ru`): namesakes pick it too, so it is weighed against the records
    /// with the same name, not the whole base.
    pub const EMAIL_NAME_SPELLED: u8 = 2;
    /// Email: one typo, or the same personal local part at another domain.
    pub const EMAIL_CLOSE: u8 = 3;
    /// Email: different addresses.
    pub const EMAIL_DIFFERENT: u8 = 4;
}

impl Field {
    /// All fields in comparison order.
    pub const ALL: [Field; N_FIELDS] = [
        Field::Given,
        Field::Surname,
        Field::Patronymic,
        Field::Gender,
        Field::BirthDate,
        Field::Phone,
        Field::Email,
        Field::StreetNumber,
        Field::Address,
        Field::Locality,
        Field::Postcode,
        Field::Region,
        Field::NationalId,
        Field::Inn,
        Field::Company,
    ];

    /// Snake-case name.
    pub fn name(self) -> &'static str {
        match self {
            Field::Given => "given",
            Field::Surname => "surname",
            Field::Patronymic => "patronymic",
            Field::Gender => "gender",
            Field::BirthDate => "birth_date",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::StreetNumber => "street_number",
            Field::Address => "address",
            Field::Locality => "locality",
            Field::Postcode => "postcode",
            Field::Region => "region",
            Field::NationalId => "national_id",
            Field::Inn => "inn",
            Field::Company => "company",
        }
    }

    /// Names of the agreement levels, indexed by level.
    pub fn level_names(self) -> &'static [&'static str] {
        match self {
            Field::Given => &["missing", "exact", "nickname", "close", "similar", "different"],
            Field::Surname => &["missing", "exact", "close", "similar", "different"],
            Field::BirthDate => &["missing", "exact", "day_month_swapped", "typo", "different"],
            Field::Address => &["missing", "exact", "close", "partial", "different"],
            Field::Email => &["missing", "exact", "name_spelled", "close", "different"],
            Field::Gender | Field::Region | Field::Inn => &["missing", "exact", "different"],
            Field::Patronymic
            | Field::Phone
            | Field::StreetNumber
            | Field::Locality
            | Field::Postcode
            | Field::NationalId
            | Field::Company => &["missing", "exact", "close", "different"],
        }
    }

    /// Name of one level (`"?"` if out of range).
    pub fn level_name(self, level: u8) -> &'static str {
        self.level_names().get(level as usize).copied().unwrap_or("?")
    }

    /// Number of levels including `missing`.
    pub fn n_levels(self) -> usize {
        self.level_names().len()
    }

    /// The `different` level.
    pub fn different(self) -> u8 {
        (self.n_levels() - 1) as u8
    }
}

/// Agreement level per field, in [`Field::ALL`] order.
pub type Levels = [u8; N_FIELDS];

/// Packs levels into 4 bits each.
pub(crate) fn pack(l: &Levels) -> u64 {
    l.iter().enumerate().fold(0u64, |acc, (k, &v)| acc | (u64::from(v & 0xf) << (4 * k)))
}

/// Inverse of [`pack`].
pub(crate) fn unpack(p: u64) -> Levels {
    std::array::from_fn(|k| ((p >> (4 * k)) & 0xf) as u8)
}

/// Levels of one pair plus whether the names were compared crosswise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Comparison {
    pub(crate) levels: Levels,
    pub(crate) names_swapped: bool,
}

/// The text fields whose levels a [`LevelMemo`] remembers: their values repeat all through a
/// base (first names, patronymics, cities, common surnames).
#[derive(Clone, Copy)]
enum Memoized {
    Given,
    Surname,
    Patronymic,
    Locality,
}

/// Levels of value pairs already compared, per [`Memoized`] field: a level depends on the
/// values' ids alone (for first names, the ids of the names and of their canonical keys), so
/// a pair of values met again is not compared again. Direct-mapped and bounded; one per
/// worker, never shared, so results do not depend on the number of threads.
pub(crate) struct LevelMemo {
    /// Per field, `SLOTS` entries of `(a << 32 | b, canonical a << 32 | canonical b, level)`
    /// (the second key is 0 but for first names); `u64::MAX` marks an empty slot (ids are
    /// below `u32::MAX`). Empty for a memo that remembers nothing.
    slots: Vec<(u64, u64, u8)>,
}

impl LevelMemo {
    /// Entries per field: a few thousand distinct first names and patronymics meet each
    /// other far more often than that, and the four tables stay within a core's L2 cache.
    const SLOTS: usize = 4096;

    /// A memo for one worker.
    pub(crate) fn new() -> LevelMemo {
        LevelMemo { slots: vec![(u64::MAX, 0, 0); 4 * LevelMemo::SLOTS] }
    }

    /// A memo that remembers nothing (one-off comparisons).
    pub(crate) fn none() -> LevelMemo {
        LevelMemo { slots: Vec::new() }
    }

    /// The level of the values with ids `(x, y)` and second ids `(x2, y2)` in `field`, from
    /// `level` on a miss.
    fn level(
        &mut self,
        field: Memoized,
        (x, y): (u32, u32),
        (x2, y2): (u32, u32),
        level: impl FnOnce() -> u8,
    ) -> u8 {
        let key = (u64::from(x) << 32) | u64::from(y);
        let key2 = (u64::from(x2) << 32) | u64::from(y2);
        let at = field as usize * LevelMemo::SLOTS
            + (super::fmix64(key ^ key2.rotate_left(17)) as usize & (LevelMemo::SLOTS - 1));
        match self.slots.get_mut(at) {
            Some((k, k2, v)) if *k == key && *k2 == key2 => *v,
            Some(slot) => {
                let v = level();
                *slot = (key, key2, v);
                v
            }
            None => level(),
        }
    }
}

/// Compares records `a` and `b` of the table.
pub(crate) fn compare(t: &EntityTable, a: usize, b: usize) -> Comparison {
    compare_memo(t, a, b, &mut LevelMemo::none())
}

/// [`compare`] remembering name and city levels in `memo`.
pub(crate) fn compare_memo(
    t: &EntityTable,
    a: usize,
    b: usize,
    memo: &mut LevelMemo,
) -> Comparison {
    let mut l = [MISSING; N_FIELDS];
    // Each record's compact row is read once; text is reached through it only where ids
    // cannot decide.
    let (ra, rb) = (t.row(a), t.row(b));
    let text = |c: Col, r: &Row| t.interner(c).get(r.ids[c as usize]);
    let (ga, sa) = (text(Col::Given, &ra), text(Col::Surname, &ra));
    let (gb, sb) = (text(Col::Given, &rb), text(Col::Surname, &rb));
    // Equal non-zero ids are equal non-empty texts: exact without reading more text (the
    // canonical keys are read only when the first names differ).
    let same_id = |c: Col| ra.ids[c as usize] != 0 && ra.ids[c as usize] == rb.ids[c as usize];
    let ids = |c: Col| (ra.ids[c as usize], rb.ids[c as usize]);
    // Equal or missing ids are decided without the memo (and without text).
    let both = |(x, y): (u32, u32)| x != 0 && y != 0 && x != y;
    let given = if same_id(Col::Given) {
        EXACT
    } else if both(ids(Col::Given)) {
        memo.level(Memoized::Given, ids(Col::Given), ids(Col::GivenCanonical), || {
            given_level(ga, text(Col::GivenCanonical, &ra), gb, text(Col::GivenCanonical, &rb))
        })
    } else {
        given_level(ga, text(Col::GivenCanonical, &ra), gb, text(Col::GivenCanonical, &rb))
    };
    let surname = if same_id(Col::Surname) {
        EXACT
    } else if both(ids(Col::Surname)) {
        memo.level(Memoized::Surname, ids(Col::Surname), (0, 0), || surname_level(sa, sb))
    } else {
        surname_level(sa, sb)
    };
    let straight = (given, surname);
    let mut names_swapped = false;
    let mut names = straight;
    let first =
        |x: &str, y: &str| x.bytes().next().is_some() && x.bytes().next() == y.bytes().next();
    let weak = name_quality(straight) < name_quality((level::GIVEN_CLOSE, level::SURNAME_CLOSE));
    if weak && (first(ga, sb) || first(sa, gb)) {
        // Crosswise: a's given against b's surname and the other way round.
        let crossed = (given_level(ga, ga, sb, sb), surname_level(sa, gb));
        // Both crossed halves must agree: `maiorova iuliia` against `iudina anna` crosses
        // one similar-looking pair only by chance.
        let both_agree =
            crossed.0 != level::GIVEN_DIFFERENT && crossed.1 != level::SURNAME_DIFFERENT;
        if both_agree && name_quality(crossed) > name_quality(straight) {
            names = crossed;
            names_swapped = true;
        }
    }
    let (pa, pb) = (text(Col::Patronymic, &ra), text(Col::Patronymic, &rb));
    let mut patronymic = if same_id(Col::Patronymic) {
        EXACT
    } else if both(ids(Col::Patronymic)) {
        memo.level(Memoized::Patronymic, ids(Col::Patronymic), (0, 0), || patronymic_level(pa, pb))
    } else {
        patronymic_level(pa, pb)
    };
    if patronymic == level::PATRONYMIC_DIFFERENT
        && let Some((g, s, p)) = rotated_names([ga, sa, pa], [gb, sb, pb])
        && name_quality((g, s)) > name_quality(names)
    {
        // A three-part name read in another order (`Andriw Jonathan Scott` taken for
        // surname, first name, patronymic).
        names = (g, s);
        patronymic = p;
        names_swapped = true;
    }
    l[Field::Given as usize] = names.0;
    l[Field::Surname as usize] = names.1;
    l[Field::Patronymic as usize] = patronymic;
    l[Field::Gender as usize] = gender_level(ra.gender, rb.gender);
    l[Field::BirthDate as usize] =
        date_level(BirthDate::unpack(ra.birth), BirthDate::unpack(rb.birth));
    l[Field::Phone as usize] = phone_level(
        &t.phones,
        t.phones.run((ra.phones_start, ra.phones_len)),
        t.phones.run((rb.phones_start, rb.phones_len)),
    );
    l[Field::Email as usize] = email_level(
        &t.emails,
        t.emails.run((ra.emails_start, ra.emails_len)),
        t.emails.run((rb.emails_start, rb.emails_len)),
        &[ga, sa, gb, sb],
    );
    let by_id = |c: Col, level: fn(&str, &str) -> u8| {
        let (x, y) = (ra.ids[c as usize], rb.ids[c as usize]);
        if x == 0 || y == 0 {
            MISSING
        } else if x == y {
            EXACT
        } else {
            level(t.interner(c).get(x), t.interner(c).get(y))
        }
    };
    l[Field::StreetNumber as usize] = by_id(Col::StreetNumber, code_level);
    l[Field::Address as usize] = {
        let (x, y) = (ra.ids[Col::Address as usize], rb.ids[Col::Address as usize]);
        if x == 0 || y == 0 {
            MISSING
        } else if x == y {
            EXACT
        } else {
            let strs = t.interner(Col::Address);
            address_level_with(
                strs.get(x),
                strs.get(y),
                t.address_features(x),
                t.address_features(y),
            )
        }
    };
    l[Field::Locality as usize] = match ids(Col::Locality) {
        (x, y) if both((x, y)) => memo.level(Memoized::Locality, (x, y), (0, 0), || {
            text_level(t.interner(Col::Locality).get(x), t.interner(Col::Locality).get(y))
        }),
        _ => by_id(Col::Locality, text_level),
    };
    l[Field::Postcode as usize] = by_id(Col::Postcode, code_level);
    l[Field::Region as usize] = by_id(Col::Region, exact_level);
    l[Field::NationalId as usize] = by_id(Col::NationalId, code_level);
    l[Field::Inn as usize] = by_id(Col::Inn, exact_level);
    l[Field::Company as usize] = by_id(Col::Company, text_level);
    Comparison { levels: l, names_swapped }
}

/// The best reading of `b`'s three name parts in another order against `a`'s (first name,
/// surname, patronymic), when every part then agrees at least closely and one exactly.
fn rotated_names(a: [&str; 3], b: [&str; 3]) -> Option<(u8, u8, u8)> {
    if a.iter().chain(&b).any(|s| s.is_empty()) {
        return None;
    }
    // Cheap filter: each part of `a` must start like some part of `b`.
    let first = |s: &str| s.bytes().next();
    if !a.iter().all(|x| b.iter().any(|y| first(x) == first(y))) {
        return None;
    }
    const ORDERS: [[usize; 3]; 5] = [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    let mut best: Option<(u8, u8, u8)> = None;
    for o in ORDERS {
        let (g, s, p) = (b[o[0]], b[o[1]], b[o[2]]);
        // One part must agree exactly (the parts are non-empty: exact is equal text), so most
        // orders are ruled out before any level is computed; the levels then short-circuit.
        if a[0] != g && a[1] != s {
            continue;
        }
        let gl = given_level(a[0], a[0], g, g);
        if !matches!(gl, EXACT | level::GIVEN_NICKNAME | level::GIVEN_CLOSE) {
            continue;
        }
        let sl = surname_level(a[1], s);
        if !matches!(sl, EXACT | level::SURNAME_CLOSE) {
            continue;
        }
        let pl = patronymic_level(a[2], p);
        let agree = matches!(pl, EXACT | level::PATRONYMIC_CLOSE);
        if agree && best.is_none_or(|(bg, bs, _)| name_quality((gl, sl)) > name_quality((bg, bs))) {
            best = Some((gl, sl, pl));
        }
    }
    best
}

/// [`rotated_names`] as first written (every level of every order): the reference.
#[cfg(test)]
fn rotated_names_reference(a: [&str; 3], b: [&str; 3]) -> Option<(u8, u8, u8)> {
    if a.iter().chain(&b).any(|s| s.is_empty()) {
        return None;
    }
    let first = |s: &str| s.bytes().next();
    if !a.iter().all(|x| b.iter().any(|y| first(x) == first(y))) {
        return None;
    }
    const ORDERS: [[usize; 3]; 5] = [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    let mut best: Option<(u8, u8, u8)> = None;
    for o in ORDERS {
        let (g, s, p) = (b[o[0]], b[o[1]], b[o[2]]);
        let gl = given_level_reference(a[0], a[0], g, g);
        let sl = surname_level_reference(a[1], s);
        let pl = patronymic_level_reference(a[2], p);
        let agree = matches!(gl, EXACT | level::GIVEN_NICKNAME | level::GIVEN_CLOSE)
            && matches!(sl, EXACT | level::SURNAME_CLOSE)
            && matches!(pl, EXACT | level::PATRONYMIC_CLOSE)
            && (gl == EXACT || sl == EXACT);
        if agree && best.is_none_or(|(bg, bs, _)| name_quality((gl, sl)) > name_quality((bg, bs))) {
            best = Some((gl, sl, pl));
        }
    }
    best
}

/// The name and text levels as first written, Jaro-Winkler always computed: the references
/// the bounded versions are checked against.
#[cfg(test)]
fn given_level_reference(a: &str, a_canonical: &str, b: &str, b_canonical: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        return MISSING;
    }
    if a == b {
        return EXACT;
    }
    let ca = if a_canonical.is_empty() { a } else { a_canonical };
    let cb = if b_canonical.is_empty() { b } else { b_canonical };
    if ca == cb {
        return level::GIVEN_NICKNAME;
    }
    let jw = jaro_winkler(a, b);
    let close_canonical = || (ca != a || cb != b) && is_close(ca, cb, jaro_winkler(ca, cb));
    if is_close(a, b, jw) || close_canonical() {
        level::GIVEN_CLOSE
    } else if is_similar(a, b, jw) || initial_consistent(a, b) || initial_consistent(ca, cb) {
        level::GIVEN_SIMILAR
    } else {
        level::GIVEN_DIFFERENT
    }
}

#[cfg(test)]
fn surname_level_reference(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        return MISSING;
    }
    let jw = if a == b { 1.0 } else { jaro_winkler(a, b) };
    if a == b {
        EXACT
    } else if is_close(a, b, jw) {
        level::SURNAME_CLOSE
    } else if is_similar(a, b, jw) {
        level::SURNAME_SIMILAR
    } else {
        level::SURNAME_DIFFERENT
    }
}

#[cfg(test)]
fn patronymic_level_reference(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        return MISSING;
    }
    if a == b {
        EXACT
    } else if is_close(a, b, jaro_winkler(a, b)) || initial_consistent(a, b) {
        level::PATRONYMIC_CLOSE
    } else {
        level::PATRONYMIC_DIFFERENT
    }
}

#[cfg(test)]
fn text_level_reference(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        return MISSING;
    }
    if a == b {
        EXACT
    } else if is_close(a, b, jaro_winkler(a, b)) || tokens_equal_unordered(a, b) {
        2
    } else {
        3
    }
}

/// How good a (given, surname) level pair is, to choose between straight and crosswise.
fn name_quality((g, s): (u8, u8)) -> u8 {
    let gq = match g {
        EXACT => 5,
        level::GIVEN_NICKNAME => 4,
        level::GIVEN_CLOSE => 3,
        level::GIVEN_SIMILAR => 2,
        _ => 0,
    };
    let sq = match s {
        EXACT => 5,
        level::SURNAME_CLOSE => 3,
        level::SURNAME_SIMILAR => 2,
        _ => 0,
    };
    gq + sq
}

/// First names: exact / nickname (canonical keys equal) / close / similar / different.
pub fn given_level(a: &str, a_canonical: &str, b: &str, b_canonical: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        return MISSING;
    }
    if a == b {
        return EXACT;
    }
    let ca = if a_canonical.is_empty() { a } else { a_canonical };
    let cb = if b_canonical.is_empty() { b } else { b_canonical };
    if ca == cb {
        return level::GIVEN_NICKNAME;
    }
    let jw = jaro_winkler_if_reaches(a, b, SIMILAR_JW);
    // `Ивна` (a typo of Иван) against `Ваня`: close through the nickname's full name.
    let close_canonical =
        || (ca != a || cb != b) && is_close(ca, cb, jaro_winkler_if_reaches(ca, cb, CLOSE_JW));
    if is_close(a, b, jw) || close_canonical() {
        level::GIVEN_CLOSE
    } else if is_similar(a, b, jw)
        || initial_consistent(a, b)
        // `А.` against `Настя`: the initial of the full name behind a nickname.
        || initial_consistent(ca, cb)
    {
        level::GIVEN_SIMILAR
    } else {
        level::GIVEN_DIFFERENT
    }
}

/// Surnames: exact / close / similar / different.
pub fn surname_level(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        return MISSING;
    }
    let jw = if a == b { 1.0 } else { jaro_winkler_if_reaches(a, b, SIMILAR_JW) };
    if a == b {
        EXACT
    } else if is_close(a, b, jw) {
        level::SURNAME_CLOSE
    } else if is_similar(a, b, jw) {
        level::SURNAME_SIMILAR
    } else {
        level::SURNAME_DIFFERENT
    }
}

/// Patronymics: exact / close (typo or initial) / different.
pub fn patronymic_level(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        return MISSING;
    }
    if a == b {
        EXACT
    } else if is_close(a, b, jaro_winkler_if_reaches(a, b, CLOSE_JW)) || initial_consistent(a, b) {
        level::PATRONYMIC_CLOSE
    } else {
        level::PATRONYMIC_DIFFERENT
    }
}

/// Gender codes (0 = unknown): same / different.
pub fn gender_level(a: u8, b: u8) -> u8 {
    match (a, b) {
        (0, _) | (_, 0) => MISSING,
        _ if a == b => EXACT,
        _ => 2,
    }
}

/// Birth dates: exact / day↔month swapped / typo (one part or one digit off, or consistent
/// partial dates) / different.
pub fn date_level(a: Option<BirthDate>, b: Option<BirthDate>) -> u8 {
    let (Some(a), Some(b)) = (a, b) else { return MISSING };
    if a.is_unknown() || b.is_unknown() {
        return MISSING;
    }
    if a == b {
        return EXACT;
    }
    let complete = |d: BirthDate| d.year != 0 && d.month != 0 && d.day != 0;
    if complete(a) && complete(b) {
        if a.year == b.year && a.month == b.day && a.day == b.month {
            return level::DATE_SWAPPED;
        }
        let agree =
            u8::from(a.year == b.year) + u8::from(a.month == b.month) + u8::from(a.day == b.day);
        let digits = |d: BirthDate| {
            let mut s = [0u8; 8];
            let y = d.year.min(9999);
            for (k, v) in [y / 1000, (y / 100) % 10, (y / 10) % 10, y % 10].iter().enumerate() {
                s[k] = *v as u8;
            }
            s[4] = d.month / 10 % 10;
            s[5] = d.month % 10;
            s[6] = d.day / 10 % 10;
            s[7] = d.day % 10;
            s
        };
        if agree == 2 || within_one_edit(&digits(a), &digits(b)) {
            level::DATE_TYPO
        } else {
            level::DATE_DIFFERENT
        }
    } else {
        // Partial dates: consistent when every part known on both sides agrees.
        let part = |x: u16, y: u16| x == 0 || y == 0 || x == y;
        if part(a.year, b.year)
            && part(a.month.into(), b.month.into())
            && part(a.day.into(), b.day.into())
        {
            level::DATE_TYPO
        } else {
            level::DATE_DIFFERENT
        }
    }
}

/// Phone sets (sorted interned ids): shared / close (one digit off, ≥ 7 digits) / different.
pub(crate) fn phone_level(phones: &MultiCol, a: &[u32], b: &[u32]) -> u8 {
    if a.is_empty() || b.is_empty() {
        return MISSING;
    }
    if sorted_intersect(a, b) {
        return EXACT;
    }
    for &x in a {
        for &y in b {
            let close = match (unpack_phone(phones.feature(x)), unpack_phone(phones.feature(y))) {
                // `+` and at least six digits: seven characters. The shared `+` does not
                // change the edit distance.
                (Some((dx, lx)), Some((dy, ly))) => {
                    lx >= 6 && ly >= 6 && within_one_edit(&dx[..lx], &dy[..ly])
                }
                _ => {
                    let (x, y) = (phones.interner.get(x), phones.interner.get(y));
                    x.len() >= 7 && y.len() >= 7 && within_one_edit_str(x, y)
                }
            };
            if close {
                return 2;
            }
        }
    }
    3
}

/// Marks a phone feature that holds no digits (the value is not `+` and 1–15 digits).
const NOT_PACKED: u64 = u64::MAX;

/// The feature of a phone key: `+` and up to 15 digits packed as the digit count (top four
/// bits) and one digit per four bits, so that comparing two phones reads eight bytes each
/// instead of their text; [`NOT_PACKED`] for any other value.
pub(crate) fn phone_feature(s: &str) -> u64 {
    let Some(digits) = s.strip_prefix('+') else { return NOT_PACKED };
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return NOT_PACKED;
    }
    let packed =
        digits.bytes().enumerate().fold(0u64, |acc, (k, c)| acc | (u64::from(c - b'0') << (4 * k)));
    ((digits.len() as u64) << 60) | packed
}

/// The digits and digit count of a packed phone feature.
fn unpack_phone(f: u64) -> Option<([u8; 15], usize)> {
    if f == NOT_PACKED || f == 0 {
        return None;
    }
    let n = (f >> 60) as usize;
    let mut d = [0u8; 15];
    for (k, slot) in d.iter_mut().enumerate() {
        *slot = ((f >> (4 * k)) & 0xf) as u8;
    }
    (n <= 15).then_some((d, n))
}

/// The feature of an email key: hashes of the domain (high 32 bits) and of the local part
/// (bits 1–31), and whether the local part is personal (bit 0: five characters or more and
/// not a role name). Two addresses can only be a typo apart or share a local part when one
/// of the hashes agrees, so most pairs never read the text.
pub(crate) fn email_feature(s: &str) -> u64 {
    let (local, domain) = s.rsplit_once('@').unwrap_or((s, ""));
    let fold = |h: u64| (h ^ (h >> 32)) & 0xffff_ffff;
    let personal = local.chars().count() >= 5 && !ROLE_LOCAL_PARTS.contains(&local);
    (fold(hash_bytes(0x646f_6d61, domain.as_bytes())) << 32)
        | ((fold(hash_bytes(0x6c6f_6361, local.as_bytes())) << 1) & 0xffff_fffe)
        | u64::from(personal)
}

/// Local parts too generic to suggest the same person across domains.
const ROLE_LOCAL_PARTS: &[&str] = &[
    "admin", "billing", "booking", "contact", "contacts", "hello", "info", "mail", "manager",
    "office", "order", "orders", "sales", "support", "zakaz",
];

/// Email key sets: shared / shared but spelled from the names / close (one typo, or the same
/// personal local part) / different.
///
/// `names` are the name keys of both records. The same local part at another domain counts
/// as close only when it is not spelled from those names: `anthony.patel@aol.com` and
/// `anthony.patel@icloud.com` say no more than the names already do (namesakes pick the same
/// address at different providers), so such a pair is `missing` rather than close.
pub(crate) fn email_level(emails: &MultiCol, a: &[u32], b: &[u32], names: &[&str]) -> u8 {
    if a.is_empty() || b.is_empty() {
        return MISSING;
    }
    let strs = &emails.interner;
    if sorted_intersect(a, b) {
        // Any shared address not spelled from the names identifies the person.
        let personal = a.iter().filter(|x| b.binary_search(x).is_ok()).any(|&x| {
            let local = strs.get(x).rsplit_once('@').map_or("", |(l, _)| l);
            !spelled_from_names(local, names)
        });
        return if personal { EXACT } else { level::EMAIL_NAME_SPELLED };
    }
    let mut name_spelled = false;
    for &x in a {
        for &y in b {
            // Only a personal local part at the same domain or the same local part can make
            // the pair close: the feature hashes tell when the text is worth reading.
            let (fx, fy) = (emails.feature(x), emails.feature(y));
            let same_domain = fx >> 32 == fy >> 32;
            let same_local = (fx ^ fy) & 0xffff_fffe == 0;
            if fx & 1 == 0 || !(same_domain || same_local) {
                continue;
            }
            let (x, y) = (strs.get(x), strs.get(y));
            let (lx, dx) = x.rsplit_once('@').unwrap_or((x, ""));
            let (ly, dy) = y.rsplit_once('@').unwrap_or((y, ""));
            let personal = lx.chars().count() >= 5 && !ROLE_LOCAL_PARTS.contains(&lx);
            if dx == dy && personal && within_one_edit_str(lx, ly) {
                // A typo in the local part; `sarah-gray` and `sarahgray` at one provider are
                // two namesakes' addresses, not a typo.
                let letters = |s: &str| s.chars().filter(|c| c.is_alphabetic()).collect::<String>();
                if letters(lx) != letters(ly) || !spelled_from_names(lx, names) {
                    return level::EMAIL_CLOSE;
                }
                name_spelled = true;
            }
            if lx == ly && personal {
                if !spelled_from_names(lx, names) {
                    return level::EMAIL_CLOSE;
                }
                name_spelled = true;
            }
        }
    }
    if name_spelled { MISSING } else { level::EMAIL_DIFFERENT }
}

/// Whether an email local part is spelled from a name: it contains a first name (≥ 3 letters)
/// or the first four letters of a surname (`tolstaya` from `tolstaia`).
fn spelled_from_names(local: &str, names: &[&str]) -> bool {
    // Name keys are phonetic skeletons: compare the local part's skeleton.
    let letters: String =
        crate::normalize::name::name_key(local).chars().filter(|c| c.is_alphabetic()).collect();
    names.iter().any(|n| {
        let n = n.trim();
        if n.chars().count() >= 3 && letters.contains(n) {
            return true;
        }
        // The first four letters, on the stack (at most 16 bytes).
        let mut stem = [0u8; 16];
        let (mut len, mut count) = (0, 0);
        for c in n.chars().filter(|c| c.is_alphabetic()).take(4) {
            let Some(slot) = stem.get_mut(len..len + c.len_utf8()) else { return false };
            c.encode_utf8(slot);
            len += c.len_utf8();
            count += 1;
        }
        count == 4 && std::str::from_utf8(&stem[..len]).is_ok_and(|stem| letters.contains(stem))
    })
}

/// Short codes (postcode, house number, id): exact / one edit / different.
pub fn code_level(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        return MISSING;
    }
    if a == b {
        EXACT
    } else if within_one_edit_str(a, b) {
        2
    } else {
        3
    }
}

/// Short texts (locality, company): exact / close / different.
pub fn text_level(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        return MISSING;
    }
    if a == b {
        EXACT
    } else if is_close(a, b, jaro_winkler_if_reaches(a, b, CLOSE_JW))
        || tokens_equal_unordered(a, b)
    {
        2
    } else {
        3
    }
}

/// Exact-only fields: exact / different.
pub fn exact_level(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        MISSING
    } else if a == b {
        EXACT
    } else {
        2
    }
}

/// Street lines: exact / close / partial (half the tokens agree) / different.
pub fn address_level(a: &str, b: &str) -> u8 {
    address_level_with(a, b, AddressFeatures::of(a), AddressFeatures::of(b))
}

/// What [`address_level`] needs of one address beyond its text, computed once per distinct
/// address when the table is built: hashes that are equal whenever the text tests they stand
/// for can pass, so that a pair of different addresses rarely runs those tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AddressFeatures {
    /// Hash of the text without spaces, hyphens, dots and apostrophes ([`squashed_equal`]).
    squashed: u32,
    /// Order-independent hash of the whitespace tokens ([`tokens_equal_unordered`]).
    tokens: u32,
    /// Hash of the sorted house/building/flat numbers of [`same_street_and_numbers`];
    /// 0 when there are none (or too many) or the street word is too short to match.
    numbers: u32,
    /// A [`token_sketch`] of each whitespace token, when there are at most
    /// `SKETCHED_TOKENS`; `token_count` is 0 otherwise (and for an address without tokens).
    token_sketches: [u32; SKETCHED_TOKENS],
    token_count: u8,
}

/// Tokens of an address that [`AddressFeatures`] sketches: nearly every street line has fewer.
const SKETCHED_TOKENS: usize = 8;

/// What [`partial_or_different`] needs to know of one token without reading it: a 12-bit
/// hash of its text (bits 0–11), its character count (bits 12–17, at most 63), whether it
/// has four bytes or more (bit 18), and the low six bits of its first (bits 19–24) and last
/// (bits 25–30) characters' code points (distinct within the Latin and within the Russian
/// alphabet). Equal tokens have equal sketches; see [`tokens_may_agree`].
fn token_sketch(t: &str) -> u32 {
    let hash = fmix32(hash_bytes(0x736b_7463, t.as_bytes())) & 0xfff;
    let chars = t.chars().count().min(63) as u32;
    let first = t.chars().next().map_or(0, |c| c as u32 & 63);
    let last = t.chars().next_back().map_or(0, |c| c as u32 & 63);
    hash | (chars << 12) | (u32::from(t.len() >= 4) << 18) | (first << 19) | (last << 25)
}

/// A 64-bit hash folded to 32 bits.
fn fmix32(h: u64) -> u32 {
    (h ^ (h >> 32)) as u32
}

/// False only when token `t` can neither equal `u` nor, as [`partial_or_different`] asks,
/// be one edit from it (`t` of four bytes or more), judged on their [`token_sketch`]es. One
/// edit changes the character count by at most one and, in a token of three characters or
/// more, leaves its first or its last character in place ([`ends_allow_one_edit`]).
fn tokens_may_agree(t: u32, u: u32) -> bool {
    if t == u {
        return true;
    }
    let chars = |s: u32| (s >> 12) & 63;
    let (ct, cu) = (chars(t), chars(u));
    let long_enough = t & (1 << 18) != 0;
    // A count of 63 may stand for more characters.
    let counts_close = ct.abs_diff(cu) <= 1 || ct == 63 || cu == 63;
    let first = |s: u32| (s >> 19) & 63;
    let last = |s: u32| (s >> 25) & 63;
    long_enough && counts_close && (ct < 3 || first(t) == first(u) || last(t) == last(u))
}

impl AddressFeatures {
    /// Features of one address key.
    pub(crate) fn of(s: &str) -> AddressFeatures {
        let fold = |h: u64| (h ^ (h >> 32)) as u32;
        // Any hash will do where equal texts give equal hashes: the text tests decide.
        let squashed = {
            let keep = |c: &u8| !matches!(c, b' ' | b'-' | b'.' | b'\'');
            let mut buf = [0u8; 128];
            if s.len() <= buf.len() {
                let mut n = 0;
                for (slot, c) in buf.iter_mut().zip(s.bytes().filter(keep)) {
                    *slot = c;
                    n += 1;
                }
                hash_bytes(0x7371_7368, &buf[..n])
            } else {
                hash_bytes(0x7371_7368, &s.bytes().filter(keep).collect::<Vec<u8>>())
            }
        };
        let (words, n) = self::tokens(s);
        let token_hash =
            |acc: u64, t: &str| acc.wrapping_add(hash_bytes(0x746f_6b73, t.as_bytes()));
        // `tokens` stops at 12: with 12 there may be more.
        let tokens = if n < words.len() {
            words[..n].iter().fold(0u64, |acc, t| token_hash(acc, t))
        } else {
            s.split_whitespace().fold(0u64, token_hash)
        };
        let numbers = match street_numbers(s) {
            // Three letters, not four: the other side's street may be one deletion shorter.
            Some((n, k)) if street_word(s).chars().count() >= 3 => {
                let mut h = 0x6e75_6d73u64;
                for t in n.iter().take(k) {
                    h = hash_bytes(h, t.as_bytes());
                }
                // 0 means "cannot match": keep real hashes away from it.
                fold(h).max(1)
            }
            _ => 0,
        };
        let mut token_sketches = [0u32; SKETCHED_TOKENS];
        let token_count = if n <= SKETCHED_TOKENS {
            for (sketch, t) in token_sketches.iter_mut().zip(&words[..n]) {
                *sketch = token_sketch(t);
            }
            n as u8
        } else {
            0
        };
        AddressFeatures {
            squashed: fold(squashed),
            tokens: fold(tokens),
            numbers,
            token_sketches,
            token_count,
        }
    }
}

/// [`address_level`] of two different, non-empty addresses with their [`AddressFeatures`].
pub(crate) fn address_level_with(a: &str, b: &str, fa: AddressFeatures, fb: AddressFeatures) -> u8 {
    if a.is_empty() || b.is_empty() {
        return MISSING;
    }
    if a == b {
        return EXACT;
    }
    // Each text test runs only when its hashes agree (equal texts give equal hashes).
    if (fa.squashed == fb.squashed && squashed_equal(a, b))
        || (fa.tokens == fb.tokens && tokens_equal_unordered(a, b))
        || (fa.numbers != 0 && fa.numbers == fb.numbers && same_street_and_numbers(a, b))
    {
        return level::ADDRESS_CLOSE;
    }
    // Jaro-Winkler ≥ 0.92 on long strings needs a shared start and similar lengths: test
    // that first, since comparing long strings dominates the cost of random pairs.
    let plausible = a.as_bytes().first() == b.as_bytes().first()
        && a.len().min(b.len()) * 5 >= a.len().max(b.len()) * 4;
    if plausible && jaro_winkler_reaches(a, b, 0.92) {
        return level::ADDRESS_CLOSE;
    }
    if fa.token_count > 0 && fb.token_count > 0 {
        // Which short-side tokens may agree with some long-side token: an upper bound of
        // the agreeing tokens, which settles most pairs without reading their text.
        let (sa, sb) = (
            &fa.token_sketches[..usize::from(fa.token_count)],
            &fb.token_sketches[..usize::from(fb.token_count)],
        );
        let (short, long) = if sa.len() <= sb.len() { (sa, sb) } else { (sb, sa) };
        let may_agree =
            short.iter().filter(|&&t| long.iter().any(|&u| tokens_may_agree(t, u))).count();
        if may_agree == 0 || may_agree * 2 < short.len() {
            return 4;
        }
    }
    partial_or_different(a, b)
}

/// Street lines that are not close: partial when half the words of the shorter agree (one typo
/// allowed in words of 4 or more letters), else different.
fn partial_or_different(a: &str, b: &str) -> u8 {
    let (ta, na) = tokens(a);
    let (tb, nb) = tokens(b);
    let (short, long) = if na <= nb { (&ta[..na], &tb[..nb]) } else { (&tb[..nb], &ta[..na]) };
    let total = short.len();
    let agreeing = short
        .iter()
        .filter(|t| {
            long.iter().any(|u| {
                *t == u || (t.len() >= 4 && ends_allow_one_edit(t, u) && within_one_edit_str(t, u))
            })
        })
        .count();
    if agreeing > 0 && agreeing * 2 >= total { level::ADDRESS_PARTIAL } else { 4 }
}

/// The address level as first written, text tests only: the reference the features are
/// checked against.
#[cfg(test)]
fn address_level_reference(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        return MISSING;
    }
    if a == b {
        return EXACT;
    }
    let plausible = a.as_bytes().first() == b.as_bytes().first()
        && a.len().min(b.len()) * 5 >= a.len().max(b.len()) * 4;
    if squashed_equal(a, b)
        || tokens_equal_unordered(a, b)
        || (plausible && jaro_winkler(a, b) >= 0.92)
        || same_street_and_numbers(a, b)
    {
        return level::ADDRESS_CLOSE;
    }
    partial_or_different_reference(a, b)
}

/// [`partial_or_different`] as first written (Unicode token split, every pair of tokens
/// tested): the reference.
#[cfg(test)]
fn partial_or_different_reference(a: &str, b: &str) -> u8 {
    let ta: Vec<&str> = a.split_whitespace().take(12).collect();
    let tb: Vec<&str> = b.split_whitespace().take(12).collect();
    let (short, long) = if ta.len() <= tb.len() { (&ta, &tb) } else { (&tb, &ta) };
    let agreeing = short
        .iter()
        .filter(|t| long.iter().any(|u| *t == u || (t.len() >= 4 && within_one_edit_str(t, u))))
        .count();
    if agreeing > 0 && agreeing * 2 >= short.len() { level::ADDRESS_PARTIAL } else { 4 }
}

/// Whether `jaro_winkler(a, b) >= threshold`, skipping the quadratic computation when a
/// character-count bound already rules it out. Jaro's matched characters cannot outnumber the
/// characters the two strings share as multisets (counted here in 64 buckets, which can only
/// overcount), transpositions only lower it, and the Winkler prefix bonus adds at most
/// `0.4 (1 - jaro)`: the bound is never below the true value.
pub(crate) fn jaro_winkler_reaches(a: &str, b: &str, threshold: f64) -> bool {
    let (mut ha, mut hb) = ([0u8; 64], [0u8; 64]);
    let count = |s: &str, h: &mut [u8; 64]| -> Option<usize> {
        let mut n = 0usize;
        for c in s.chars() {
            let slot = h.get_mut((c as u32 & 63) as usize)?;
            *slot = slot.checked_add(1)?;
            n += 1;
        }
        Some(n)
    };
    if let (Some(la), Some(lb)) = (count(a, &mut ha), count(b, &mut hb))
        && la > 0
        && lb > 0
    {
        let shared: usize = ha.iter().zip(&hb).map(|(&x, &y)| usize::from(x.min(y))).sum();
        let m = shared as f64;
        let jaro_bound = (m / la as f64 + m / lb as f64 + 1.0) / 3.0;
        let bound = jaro_bound.max(0.4 + 0.6 * jaro_bound);
        if bound < threshold - 1e-9 {
            return false;
        }
    }
    jaro_winkler(a, b) >= threshold
}

/// Words that name the kind of a street or a part of a building, not the street itself.
const ADDRESS_TYPE_WORDS: &[&str] = &[
    "улица",
    "проспект",
    "просп",
    "переулок",
    "пер",
    "шоссе",
    "бульвар",
    "бул",
    "набережная",
    "площадь",
    "проезд",
    "тупик",
    "аллея",
    "квартира",
    "корпус",
    "корп",
    "строение",
    "стр",
    "дом",
    "офис",
    "street",
    "road",
    "avenue",
    "lane",
    "drive",
    "close",
    "place",
    "court",
    "square",
    "terrace",
    "crescent",
    "way",
    "flat",
    "apartment",
    "apt",
    "suite",
    "unit",
    "boulevard",
    "blvd",
];

/// The same street name (the longest word that is not a street type, one typo allowed) and the
/// same numbers (house, building, flat; in any order, postcodes left out): `пр-т Победы,
/// д.63, кв.109` = `просп. Победы 63-109`; `Кирова улица, 162, корп. 2-320` = `ул Кирова,
/// д. 162/2, кв. 320`.
fn same_street_and_numbers(a: &str, b: &str) -> bool {
    // Numbers first: they rarely agree by chance, and they are cheap.
    let (Some((na, ka)), Some((nb, kb))) = (street_numbers(a), street_numbers(b)) else {
        return false;
    };
    if na[..ka] != nb[..kb] {
        return false;
    }
    let (sa, sb) = (street_word(a), street_word(b));
    sa.chars().count() >= 4 && (sa == sb || within_one_edit_str(sa, sb))
}

/// Address tokens split on ASCII punctuation and whitespace. Separators are ASCII in
/// practice: no Unicode tables on this hot path.
fn address_tokens(s: &str) -> impl Iterator<Item = &str> {
    // On bytes: a byte of a multi-byte character is never ASCII, so the pieces are the same
    // as splitting on characters, without decoding them.
    s.as_bytes()
        .split(|c| c.is_ascii_punctuation() || c.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
        .map(move |t| {
            let start = t.as_ptr() as usize - s.as_ptr() as usize;
            s.get(start..start + t.len()).unwrap_or("")
        })
}

/// Up to 6 numbers of an address (house, building, flat; postcodes left out), sorted;
/// `None` without any (or with more).
fn street_numbers(s: &str) -> Option<([&str; 6], usize)> {
    let mut out = [""; 6];
    let mut n = 0;
    for token in address_tokens(s).filter(|t| t.bytes().all(|c| c.is_ascii_digit())) {
        // Five digits or more: a postcode, written on one record only.
        if token.len() < 5 {
            *out.get_mut(n)? = token.trim_start_matches('0');
            n += 1;
        }
    }
    out[..n].sort_unstable();
    (n > 0).then_some((out, n))
}

/// The street name of an address: its longest word without digits that is not a street type.
fn street_word(s: &str) -> &str {
    address_tokens(s).filter(|t| !t.bytes().any(|c| c.is_ascii_digit())).fold("", |best, t| {
        if t.len() > best.len() && !ADDRESS_TYPE_WORDS.contains(&t) { t } else { best }
    })
}

// ---------------------------------------------------------------------------------------------
// String similarity helpers.

/// The Jaro-Winkler threshold of [`is_close`].
const CLOSE_JW: f64 = 0.92;
/// The Jaro-Winkler threshold of [`is_similar`].
const SIMILAR_JW: f64 = 0.8;

/// `jaro_winkler(a, b)` when it may reach `threshold`, else 0: a value that passes no
/// threshold from `threshold` up, as the true one would not, without computing it. Callers
/// compare the result only with thresholds of at least `threshold`.
fn jaro_winkler_if_reaches(a: &str, b: &str, threshold: f64) -> f64 {
    if jaro_winkler_may_reach(a, b, threshold) { jaro_winkler(a, b) } else { 0.0 }
}

/// False only when an upper bound of `jaro_winkler(a, b)` lies below `threshold`. Each
/// matched character of one string equals some character of the other, so the matches are at
/// most the characters of either string whose bucket (code point mod 64) occurs in the other;
/// transpositions only lower Jaro; the Winkler bonus of the actual common prefix grows with
/// Jaro. A bit mask per string and two passes: far cheaper than Jaro itself.
fn jaro_winkler_may_reach(a: &str, b: &str, threshold: f64) -> bool {
    let mask = |s: &str| s.chars().fold(0u64, |m, c| m | 1u64 << (c as u32 & 63));
    let (ma, mb) = (mask(a), mask(b));
    let (mut la, mut lb, mut ca, mut cb) = (0usize, 0usize, 0usize, 0usize);
    for c in a.chars() {
        la += 1;
        ca += usize::from(mb & (1u64 << (c as u32 & 63)) != 0);
    }
    for c in b.chars() {
        lb += 1;
        cb += usize::from(ma & (1u64 << (c as u32 & 63)) != 0);
    }
    if la == 0 || lb == 0 {
        return true;
    }
    let m = ca.min(cb) as f64;
    let jaro = (m / la as f64 + m / lb as f64 + 1.0) / 3.0;
    let prefix = a.chars().zip(b.chars()).take(4).take_while(|(x, y)| x == y).count();
    let bound = if jaro > 0.7 { jaro + 0.1 * prefix as f64 * (1.0 - jaro) } else { jaro };
    // The margin absorbs rounding: the bound and the true value round differently.
    bound >= threshold - 1e-9
}

/// One typo apart (needs ≥ 3 characters), equal ignoring spaces/hyphens, or Jaro-Winkler
/// (`jw`, already computed) ≥ 0.92.
fn is_close(a: &str, b: &str, jw: f64) -> bool {
    jw >= CLOSE_JW
        || (a.len().min(b.len()) >= 3 && within_one_edit_str(a, b))
        || squashed_equal(a, b)
}

/// Jaro-Winkler (`jw`) ≥ 0.8 or a shared token of ≥ 2 characters.
fn is_similar(a: &str, b: &str, jw: f64) -> bool {
    jw >= SIMILAR_JW
        || (has_separator(a) || has_separator(b))
            && a.split([' ', '-']).any(|t| t.len() >= 2 && b.split([' ', '-']).any(|u| u == t))
}

fn has_separator(s: &str) -> bool {
    s.bytes().any(|c| matches!(c, b' ' | b'-' | b'.' | b'\''))
}

/// Jaro-Winkler similarity (as `strsim::jaro_winkler`), allocation-free for ASCII strings of
/// up to 64 bytes, which is nearly every match key.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    if a.is_ascii() && b.is_ascii() && a.len() <= 64 && b.len() <= 64 {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        let sim = jaro_ascii_bytes(a, b);
        return if sim > 0.7 {
            let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
            sim + 0.1 * prefix as f64 * (1.0 - sim)
        } else {
            sim
        };
    }
    // Other scripts (Cyrillic addresses, company names): characters on the stack.
    let (mut ca, mut cb) = (['\0'; 64], ['\0'; 64]);
    let fill = |s: &str, buf: &mut [char; 64]| -> Option<usize> {
        let mut n = 0;
        for c in s.chars() {
            *buf.get_mut(n)? = c;
            n += 1;
        }
        Some(n)
    };
    match (fill(a, &mut ca), fill(b, &mut cb)) {
        (Some(la), Some(lb)) => winkler(&ca[..la], &cb[..lb]),
        _ => strsim::jaro_winkler(a, b),
    }
}

/// Jaro-Winkler of two sequences of at most 64 items.
fn winkler<T: PartialEq>(a: &[T], b: &[T]) -> f64 {
    let sim = jaro_ascii(a, b);
    if sim > 0.7 {
        let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

/// [`jaro_ascii`] of ASCII byte strings of at most 64 bytes, bit-parallel: a mask per byte
/// value of where it occurs in `b`, so each byte of `a` finds its first free match in its
/// window with a few word operations instead of a scan. Same matches, same result.
fn jaro_ascii_bytes(a: &[u8], b: &[u8]) -> f64 {
    let (la, lb) = (a.len(), b.len());
    if la == 0 && lb == 0 {
        return 1.0;
    }
    if la == 0 || lb == 0 {
        return 0.0;
    }
    if la > 64 || lb > 64 {
        // Longer than the masks: the reference implementation.
        return match (std::str::from_utf8(a), std::str::from_utf8(b)) {
            (Ok(x), Ok(y)) => strsim::jaro(x, y),
            _ => 0.0,
        };
    }
    let mut at = [0u64; 128];
    for (j, &c) in b.iter().enumerate() {
        if let Some(m) = at.get_mut(usize::from(c & 127)) {
            *m |= 1 << j;
        }
    }
    let range = (la.max(lb) / 2).saturating_sub(1);
    let below = |k: usize| if k >= 64 { u64::MAX } else { (1u64 << k) - 1 };
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &c) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = (i + range + 1).min(lb);
        if lo >= hi {
            continue;
        }
        let window = below(hi) & !below(lo);
        let free = at.get(usize::from(c & 127)).copied().unwrap_or(0) & !b_flags & window;
        if free != 0 {
            // Lowest free position: the one a left-to-right scan finds first.
            b_flags |= free & free.wrapping_neg();
            a_flags |= 1 << i;
            matches += 1;
        }
    }
    jaro_of_matches(a, b, a_flags, b_flags, matches)
}

/// Jaro similarity from the matched positions (`a_flags`, `b_flags`, `matches` of them) of
/// sequences of at most 64 items: counts the transpositions.
fn jaro_of_matches<T: PartialEq>(
    a: &[T],
    b: &[T],
    a_flags: u64,
    b_flags: u64,
    matches: usize,
) -> f64 {
    let (la, lb) = (a.len(), b.len());
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut rest = b_flags;
    for (i, ca) in a.iter().enumerate() {
        if a_flags & (1 << i) != 0 {
            let j = rest.trailing_zeros() as usize;
            rest &= rest.wrapping_sub(1);
            if b.get(j) != Some(ca) {
                transpositions += 1;
            }
        }
    }
    let m = matches as f64;
    (m / la as f64 + m / lb as f64 + (matches - transpositions / 2) as f64 / m) / 3.0
}

/// Jaro similarity of sequences of at most 64 items (matched flags in `u64` masks).
fn jaro_ascii<T: PartialEq>(a: &[T], b: &[T]) -> f64 {
    let (la, lb) = (a.len(), b.len());
    if la == 0 && lb == 0 {
        return 1.0;
    }
    if la == 0 || lb == 0 {
        return 0.0;
    }
    let range = (la.max(lb) / 2).saturating_sub(1);
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = (i + range + 1).min(lb);
        for j in lo..hi {
            if b_flags & (1 << j) == 0 && b.get(j) == Some(ca) {
                a_flags |= 1 << i;
                b_flags |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    jaro_of_matches(a, b, a_flags, b_flags, matches)
}

/// One side is an initial (`i`, `i.`) of the other. Keys are transliterated skeletons, so an
/// initial may be several letters (`Ю.` → `iu`, `Ш.` → `sh`) or spelled apart from the
/// name's own first letter (`C.` → `k` against `christine`): both are accepted.
fn initial_consistent(a: &str, b: &str) -> bool {
    fn initial(s: &str) -> Option<&str> {
        let t = s.trim_end_matches('.');
        let mut c = t.chars();
        match (c.next(), c.next()) {
            (Some(_), None) => Some(t),
            _ if t.len() <= 4 && LETTER_KEYS.iter().any(|k| k == t) => Some(t),
            _ => None,
        }
    }
    let consistent = |init: &str, full: &str| {
        full.chars().count() > init.chars().count()
            && (full.starts_with(init)
                || full.chars().next().is_some_and(|c| {
                    let mut buf = [0u8; 4];
                    crate::normalize::name::name_key(c.encode_utf8(&mut buf)) == init
                }))
    };
    match (initial(a), initial(b)) {
        (Some(x), None) => consistent(x, b),
        (None, Some(y)) => consistent(y, a),
        _ => false,
    }
}

/// Name keys of single letters, Latin and Cyrillic: what an initial becomes as a key.
static LETTER_KEYS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    let mut keys: Vec<String> = ('a'..='z')
        .chain('а'..='я')
        .chain(['ё'])
        .map(|c| crate::normalize::name::name_key(&c.to_string()))
        .filter(|k| !k.is_empty())
        .collect();
    keys.sort();
    keys.dedup();
    keys
});

/// Equal once spaces, hyphens and dots are removed (`pridhamstreet` = `pridham street`).
fn squashed_equal(a: &str, b: &str) -> bool {
    if !has_separator(a) && !has_separator(b) {
        return a == b;
    }
    let keep = |c: &char| !matches!(c, ' ' | '-' | '.' | '\'');
    a.chars().filter(keep).eq(b.chars().filter(keep))
}

/// Up to 12 whitespace-separated tokens, without allocating.
fn tokens(s: &str) -> ([&str; 12], usize) {
    let mut out = [""; 12];
    let mut n = 0;
    // Every lead byte of a multi-byte whitespace character: without one, splitting on ASCII
    // whitespace bytes is `split_whitespace`, without decoding (Cyrillic addresses).
    if s.bytes().any(|b| matches!(b, 0xc2 | 0xe1 | 0xe2 | 0xe3)) {
        for (slot, t) in out.iter_mut().zip(s.split_whitespace()) {
            *slot = t;
            n += 1;
        }
        return (out, n);
    }
    let mut start = 0;
    for (i, b) in s.bytes().chain([b' ']).enumerate() {
        if matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
            if i > start {
                let Some(slot) = out.get_mut(n) else { break };
                *slot = s.get(start..i).unwrap_or("");
                n += 1;
            }
            start = i + 1;
        }
    }
    (out, n)
}

/// False only when `a` and `b` cannot be one edit apart: when `a` has three characters or
/// more, one edit (substitution, insertion, deletion, adjacent transposition) leaves its first
/// or its last character in place.
fn ends_allow_one_edit(a: &str, b: &str) -> bool {
    if a.chars().nth(2).is_none() {
        return true;
    }
    a.chars().next() == b.chars().next() || a.chars().next_back() == b.chars().next_back()
}

/// Same multiset of whitespace tokens in another order.
fn tokens_equal_unordered(a: &str, b: &str) -> bool {
    if a.len() != b.len() || !a.contains(' ') || !b.contains(' ') {
        return false;
    }
    let mut ta: Vec<&str> = a.split_whitespace().collect();
    let mut tb: Vec<&str> = b.split_whitespace().collect();
    if ta.len() != tb.len() || ta.len() < 2 {
        return false;
    }
    ta.sort_unstable();
    tb.sort_unstable();
    ta == tb
}

fn sorted_intersect(a: &[u32], b: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        match x.cmp(&y) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    false
}

/// Optimal-string-alignment distance ≤ 1 on characters (substitution, insertion, deletion or
/// adjacent transposition), without allocating for ASCII.
pub fn within_one_edit_str(a: &str, b: &str) -> bool {
    // One edit changes the length by at most one character, i.e. four bytes.
    if a.len().abs_diff(b.len()) > 4 {
        return false;
    }
    if a.is_ascii() && b.is_ascii() {
        within_one_edit(a.as_bytes(), b.as_bytes())
    } else {
        within_one_edit_chars(a, b)
    }
}

/// [`within_one_edit`] on the characters of `a` and `b` without collecting them: equal
/// string slices are equal character sequences, so the tails are compared as `str`.
fn within_one_edit_chars(a: &str, b: &str) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    // The common prefix has the same bytes on both sides: one offset for both.
    let p = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i);
    let (ra, rb) = (a.get(p..).unwrap_or(""), b.get(p..).unwrap_or(""));
    fn skip1(s: &str) -> &str {
        let mut c = s.chars();
        c.next();
        c.as_str()
    }
    if la == lb {
        if ra.is_empty() {
            return true;
        }
        if skip1(ra) == skip1(rb) {
            return true;
        }
        let (mut ia, mut ib) = (ra.chars(), rb.chars());
        let (a0, a1, b0, b1) = (ia.next(), ia.next(), ib.next(), ib.next());
        a1.is_some() && a0 == b1 && a1 == b0 && ia.as_str() == ib.as_str()
    } else if la < lb {
        !rb.is_empty() && ra == skip1(rb)
    } else {
        !ra.is_empty() && skip1(ra) == rb
    }
}

/// OSA distance ≤ 1 on any slices.
pub(crate) fn within_one_edit<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (a.get(p..).unwrap_or(&[]), b.get(p..).unwrap_or(&[]));
    if la == lb {
        if ra.is_empty() {
            return true;
        }
        ra.get(1..) == rb.get(1..)
            || (ra.len() >= 2
                && ra.first() == rb.get(1)
                && ra.get(1) == rb.first()
                && ra.get(2..) == rb.get(2..))
    } else if la < lb {
        Some(ra) == rb.get(1..)
    } else {
        ra.get(1..) == Some(rb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit() {
        for (a, b, want) in [
            ("", "", true),
            ("abc", "abc", true),
            ("abc", "abd", true),
            ("abc", "acb", true),
            ("abc", "ab", true),
            ("abc", "xabc", true),
            ("abc", "cba", false),
            ("abcd", "ab", false),
            ("ивнов", "иванов", true),
            ("1804974", "1804947", true),
            ("1804974", "1840947", false),
        ] {
            assert_eq!(within_one_edit_str(a, b), want, "{a} vs {b}");
            assert_eq!(within_one_edit_str(b, a), want, "{b} vs {a}");
        }
    }

    #[test]
    fn given_levels() {
        for (a, ca, b, cb, want) in [
            ("ivan", "ivan", "", "", MISSING),
            ("ivan", "ivan", "ivan", "ivan", EXACT),
            ("sasha", "aleksandr", "aleksandr", "aleksandr", level::GIVEN_NICKNAME),
            ("aleksandr", "aleksandr", "aleksander", "aleksander", level::GIVEN_CLOSE),
            ("madeline", "", "madelnie", "", level::GIVEN_CLOSE),
            ("ivna", "ivna", "vania", "ivan", level::GIVEN_CLOSE),
            ("elk i", "", "elki", "", level::GIVEN_CLOSE),
            ("i", "", "ivan", "", level::GIVEN_SIMILAR),
            // An initial against a nickname, through the canonical names.
            ("a", "a", "nastia", "anastasiia", level::GIVEN_SIMILAR),
            ("anna maria", "", "maria", "", level::GIVEN_SIMILAR),
            ("ivan", "ivan", "olga", "olga", level::GIVEN_DIFFERENT),
        ] {
            assert_eq!(given_level(a, ca, b, cb), want, "{a} vs {b}");
        }
    }

    #[test]
    fn surname_and_patronymic_levels() {
        assert_eq!(surname_level("ivanov", "ivanov"), EXACT);
        assert_eq!(surname_level("ivanov", "ivanova"), level::SURNAME_CLOSE);
        assert_eq!(surname_level("mccarthy", "mc carthy"), level::SURNAME_CLOSE);
        assert_eq!(surname_level("rimsky-korsakov", "korsakov"), level::SURNAME_SIMILAR);
        assert_eq!(surname_level("ivanov", "smith"), level::SURNAME_DIFFERENT);
        assert_eq!(surname_level("", "smith"), MISSING);
        assert_eq!(patronymic_level("petrovich", "petrovich"), EXACT);
        assert_eq!(patronymic_level("p", "petrovich"), level::PATRONYMIC_CLOSE);
        // Initials as transliterated keys: Ю. → iu, C. → k.
        let key = crate::normalize::name::name_key;
        for (init, full) in [("Ю.", "Юрьевич"), ("C.", "Christine"), ("Ш.", "Шамилевич")]
        {
            assert_eq!(patronymic_level(&key(init), &key(full)), level::PATRONYMIC_CLOSE, "{init}");
        }
        assert_eq!(patronymic_level(&key("Ю."), &key("Андреевич")), level::PATRONYMIC_DIFFERENT);
        assert_eq!(patronymic_level("petrovich", "sergeevich"), level::PATRONYMIC_DIFFERENT);
    }

    #[test]
    fn date_levels() {
        let d = |y, m, dd| Some(BirthDate::new(y, m, dd));
        for (a, b, want) in [
            (d(1980, 3, 4), None, MISSING),
            (d(1980, 3, 4), d(1980, 3, 4), EXACT),
            (d(1980, 3, 4), d(1980, 4, 3), level::DATE_SWAPPED),
            (d(1980, 3, 4), d(1980, 3, 14), level::DATE_TYPO),
            (d(1980, 3, 4), d(1908, 3, 4), level::DATE_TYPO),
            (d(1980, 3, 4), d(1980, 0, 0), level::DATE_TYPO),
            (d(1980, 3, 4), d(1981, 0, 0), level::DATE_DIFFERENT),
            (d(1980, 3, 4), d(1975, 11, 23), level::DATE_DIFFERENT),
        ] {
            assert_eq!(date_level(a, b), want, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn code_text_address_levels() {
        assert_eq!(code_level("2119", "2119"), EXACT);
        assert_eq!(code_level("2119", "2191"), 2);
        assert_eq!(code_level("2119", "3165"), 3);
        assert_eq!(text_level("north ryde", "ryde north"), 2);
        assert_eq!(text_level("cleveland", "clevelnad"), 2);
        assert_eq!(text_level("cleveland", "marsden"), 3);
        assert_eq!(exact_level("nsw", "vic"), 2);
        assert_eq!(exact_level("", "vic"), MISSING);
        assert_eq!(address_level("pridham street milton", "pridhamstreet milton"), 2);
        assert_eq!(address_level("wallaby place delmar", "wallaby place"), 3);
        assert_eq!(address_level("wallaby place delmar", "hoseason street lakefront"), 4);
        // Street name and numbers agree; abbreviations and separators differ.
        for (a, b) in [
            ("пр-т победы, д.63, кв.109", "просп. победы 63-109"),
            ("кирова улица, 162, корп. 2-320", "ул кирова, д. 162/2, кв. 320"),
            ("350303, ш. энтузиастов, д. 146, кв. 232", "ш энтузиастов 146 232"),
        ] {
            assert_eq!(address_level(a, b), level::ADDRESS_CLOSE, "{a} vs {b}");
        }
        // Another flat in the same house is not the same address.
        assert_ne!(
            address_level("ул. победы, д. 63, кв. 109", "ул победы 63 110"),
            level::ADDRESS_CLOSE
        );
    }

    /// Addresses of the shapes the features must not misjudge: typos, other orders, other
    /// separators, numbers in another order, street one letter shorter, Cyrillic and Latin.
    const ADDRESS_CASES: &[&str] = &[
        "",
        "pridham street milton",
        "pridhamstreet milton",
        "pridham-street milton",
        "milton pridham street",
        "wallaby place delmar",
        "wallaby place",
        "wallaby plcae delmar",
        "hoseason street lakefront",
        "пр-т победы, д.63, кв.109",
        "просп. победы 63-109",
        "просп. побды 63-109",
        "ул. побед 109, 63",
        "кирова улица, 162, корп. 2-320",
        "ул кирова, д. 162/2, кв. 320",
        "350303, ш. энтузиастов, д. 146, кв. 232",
        "ш энтузиастов 146 232",
        "ул. победы, д. 63, кв. 109",
        "ул победы 63 110",
        "ул. ленина, д. 5, кв. 12",
        "ул. ленина, д. 5, кв. 21",
        "ул. ленина д 5 кв 12",
        "ул. пушкина, д. 7, кв. 33",
        "ул. мира 1 2 3 4 5 6 7",
        "ул. мира 7 6 5 4 3 2 1",
        "ул. мир 01 2",
        "ул. мира 1 02",
        "flat 239, 175 hill st., n1 9qj",
        "flat 239 175 hill st n1 9qj",
        "175 hill st., flat 239",
        "12 ab",
        "12 abc",
        "abc 12",
        "a b",
        "b a",
    ];

    #[test]
    fn address_features_give_the_reference_levels() {
        for a in ADDRESS_CASES {
            for b in ADDRESS_CASES {
                assert_eq!(address_level(a, b), address_level_reference(a, b), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn jaro_winkler_bound_never_rejects_a_reaching_pair() {
        for a in ADDRESS_CASES {
            for b in ADDRESS_CASES {
                for threshold in [0.8, 0.9, 0.92, 0.95] {
                    assert_eq!(
                        jaro_winkler_reaches(a, b, threshold),
                        jaro_winkler(a, b) >= threshold,
                        "{a:?} vs {b:?} at {threshold}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn address_level_equals_reference(
            a in "[абвуд1-3 .,/-]{0,12}( [a-cул]{1,6}){0,3}[0-9 ]{0,6}",
            b in "[абвуд1-3 .,/-]{0,12}( [a-cул]{1,6}){0,3}[0-9 ]{0,6}",
        ) {
            proptest::prop_assert_eq!(address_level(&a, &b), address_level_reference(&a, &b));
            proptest::prop_assert_eq!(
                jaro_winkler_reaches(&a, &b, 0.92),
                jaro_winkler(&a, &b) >= 0.92
            );
        }

        #[test]
        fn bit_parallel_jaro_winkler_agrees_with_strsim(
            a in "[a-f .-]{0,70}",
            b in "[a-f .-]{0,70}",
        ) {
            proptest::prop_assert!((jaro_winkler(&a, &b) - strsim::jaro_winkler(&a, &b)).abs() < 1e-12);
            let (x, y) = (a.as_bytes(), b.as_bytes());
            // The scanning version holds at most 64 items; beyond, both use strsim.
            let reference = if x.len() <= 64 && y.len() <= 64 { jaro_ascii(x, y) } else { strsim::jaro(&a, &b) };
            proptest::prop_assert!((jaro_ascii_bytes(x, y) - reference).abs() < 1e-15);
        }

        #[test]
        fn address_level_equals_reference_on_edits(
            base in "(ул|пр|ш)\\.? [а-е]{3,8}(,? д\\.?)? [0-9]{1,3}(,? кв\\.?)? [0-9]{1,3}",
            edit in 0usize..6,
            at in 0usize..40,
        ) {
            // The base against a near copy: what duplicate records look like.
            let chars: Vec<char> = base.chars().collect();
            let k = at % chars.len().max(1);
            let mut other = chars.clone();
            match edit {
                0 if k < other.len() => { other.remove(k); }
                1 => other.insert(k.min(other.len()), 'а'),
                2 if k + 1 < other.len() => other.swap(k, k + 1),
                3 => other.retain(|c| *c != ' '),
                4 => other.retain(|c| *c != '.' && *c != ','),
                _ => other.push_str_like(" 5"),
            }
            let other: String = other.into_iter().collect();
            proptest::prop_assert_eq!(address_level(&base, &other), address_level_reference(&base, &other));
            proptest::prop_assert_eq!(address_level(&other, &base), address_level_reference(&other, &base));
        }
    }

    trait PushStrLike {
        fn push_str_like(&mut self, s: &str);
    }

    impl PushStrLike for Vec<char> {
        fn push_str_like(&mut self, s: &str) {
            self.extend(s.chars());
        }
    }

    /// Interns `s` into `m` with its real feature; returns its id.
    fn put(m: &mut MultiCol, s: &str) -> u32 {
        put_with(m, s, if s.starts_with('+') { phone_feature } else { email_feature })
    }

    fn put_with(m: &mut MultiCol, s: &str, f: fn(&str) -> u64) -> u32 {
        let run = m.push(&[s.to_string()], f);
        m.run(run).first().copied().unwrap_or(0)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Features only skip text that could not change the level: the same sets with
        /// features that send every pair to the text give the same levels.
        #[test]
        fn multi_features_keep_levels(
            xs in proptest::collection::vec("(\\+7916123456[0-9]|\\+7916[0-9]{2}|\\+[0-9]{5,16}|[a-z]{0,3})", 1..4),
            ys in proptest::collection::vec("(\\+7916123456[0-9]|\\+7916[0-9]{2}|\\+[0-9]{5,16}|[a-z]{0,3})", 1..4),
            ex in proptest::collection::vec("(info|ivan|ivan\\.petrov|ivan\\.petrvo|kotik7|sasha-p)@(mail\\.ru|gmail\\.com|a\\.ru)", 1..4),
            ey in proptest::collection::vec("(info|ivan|ivan\\.petrov|ivan\\.petrvo|kotik7|sasha-p)@(mail\\.ru|gmail\\.com|a\\.ru)", 1..4),
        ) {
            let (mut real, mut text) = (MultiCol::default(), MultiCol::default());
            let ids = |m: &mut MultiCol, vs: &[String], f: fn(&str) -> u64| {
                let mut v: Vec<u32> = vs.iter().map(|s| put_with(m, s, f)).filter(|&i| i != 0).collect();
                v.sort_unstable();
                v.dedup();
                v
            };
            let (a, b) = (ids(&mut real, &xs, phone_feature), ids(&mut real, &ys, phone_feature));
            let (a2, b2) = (ids(&mut text, &xs, |_| NOT_PACKED), ids(&mut text, &ys, |_| NOT_PACKED));
            proptest::prop_assert_eq!(phone_level(&real, &a, &b), phone_level(&text, &a2, &b2));
            let names = ["ivan", "petrov", "sasha", "orlov"];
            let (mut real, mut text) = (MultiCol::default(), MultiCol::default());
            let (a, b) = (ids(&mut real, &ex, email_feature), ids(&mut real, &ey, email_feature));
            let (a2, b2) = (ids(&mut text, &ex, |_| 1), ids(&mut text, &ey, |_| 1));
            proptest::prop_assert_eq!(email_level(&real, &a, &b, &names), email_level(&text, &a2, &b2, &names));
        }
    }

    #[test]
    fn phone_features_pack_digits() {
        let (d, n) = unpack_phone(phone_feature("+79161234567")).unwrap_or(([0; 15], 0));
        assert_eq!(&d[..n], &[7, 9, 1, 6, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(phone_feature("79161234567"), NOT_PACKED);
        assert_eq!(phone_feature("+7916-123"), NOT_PACKED);
        assert_eq!(phone_feature("+1234567890123456"), NOT_PACKED);
        assert_eq!(unpack_phone(phone_feature("+123456789012345")).map(|p| p.1), Some(15));
    }

    #[test]
    fn multi_levels() {
        let mut strs = MultiCol::default();
        let p1 = put(&mut strs, "+79161234567");
        let p2 = put(&mut strs, "+79161234568");
        let p3 = put(&mut strs, "+74951112233");
        assert_eq!(phone_level(&strs, &[p1], &[]), MISSING);
        assert_eq!(phone_level(&strs, &[p1, p3], &[p3]), EXACT);
        assert_eq!(phone_level(&strs, &[p1], &[p2]), 2);
        assert_eq!(phone_level(&strs, &[p1], &[p3]), 3);
        let e1 = put(&mut strs, "ivan.petrov@mail.ru");
        let e2 = put(&mut strs, "ivan.petrov@gmail.com");
        let e3 = put(&mut strs, "info@a.ru");
        let e4 = put(&mut strs, "info@b.ru");
        let names = ["sergei", "orlov"];
        assert_eq!(email_level(&strs, &[e1], &[e1], &names), EXACT);
        assert_eq!(email_level(&strs, &[e1], &[e2], &names), level::EMAIL_CLOSE);
        assert_eq!(email_level(&strs, &[e3], &[e4], &names), level::EMAIL_DIFFERENT);
        // A shared address spelled from the shared names: namesakes choose it too.
        let key = crate::normalize::name::name_key;
        let names_ip = [key("Ivan"), key("Petrov")];
        let names_ip: Vec<&str> = names_ip.iter().map(String::as_str).collect();
        assert_eq!(email_level(&strs, &[e1], &[e1], &names_ip), level::EMAIL_NAME_SPELLED);
        let (q1, q2) = (put(&mut strs, "kotik77@mail.ru"), put(&mut strs, "ivan.petrov@mail.ru"));
        assert_eq!(email_level(&strs, &[q1, q2], &[q1], &names_ip), EXACT);
        // The same address spelled from the shared name says nothing beyond the name.
        assert_eq!(email_level(&strs, &[e1], &[e2], &["ivan", "petrov"]), MISSING);
        let e5 = put(&mut strs, "ivan.petrvo@mail.ru");
        assert_eq!(email_level(&strs, &[e1], &[e5], &["ivan", "petrov"]), level::EMAIL_CLOSE);
        let (w1, w2) =
            (put(&mut strs, "s.wilson@hotmail.com"), put(&mut strs, "s.wilson@acme.com"));
        let key = crate::normalize::name::name_key;
        assert_eq!(email_level(&strs, &[w1], &[w2], &[&key("Samuel"), &key("Wilson")]), MISSING);
        let (g1, g2) =
            (put(&mut strs, "sarah-gray@gmail.com"), put(&mut strs, "sarahgray@gmail.com"));
        assert_eq!(email_level(&strs, &[g1], &[g2], &[&key("Sarah"), &key("Gray")]), MISSING);
    }

    #[test]
    fn jaro_winkler_agrees_with_strsim() {
        for (a, b) in [
            ("martha", "marhta"),
            ("dwayne", "duane"),
            ("dixon", "dicksonx"),
            ("", ""),
            ("a", ""),
            ("abc", "abc"),
            ("pridham street milton", "pridhamstreet milton"),
            ("иванов", "иваноф"),
            ("ул. ленина, д. 5, кв. 12", "ул ленина 5 12"),
            ("ооо ромашка", "ромашка ооо"),
            ("jellyfish", "smellyfish"),
        ] {
            assert!((jaro_winkler(a, b) - strsim::jaro_winkler(a, b)).abs() < 1e-12, "{a} {b}");
        }
    }

    #[test]
    fn three_part_names_in_another_order() {
        // `Andrew Jonathan Scott` against a typo'd copy parsed as surname, first, patronymic.
        let got = rotated_names(["andrew", "scott", "jonathan"], ["jonathan", "andriw", "scott"]);
        assert_eq!(got, Some((level::GIVEN_CLOSE, EXACT, EXACT)));
        // Different people stay different.
        assert_eq!(
            rotated_names(["ivan", "petrov", "sergeevich"], ["oleg", "petrov", "ivanovich"]),
            None
        );
        assert_eq!(rotated_names(["ivan", "petrov", ""], ["petrov", "ivan", ""]), None);
    }

    #[test]
    fn pack_roundtrip() {
        let l: Levels = std::array::from_fn(|k| (k % 6) as u8);
        assert_eq!(unpack(pack(&l)), l);
    }

    #[test]
    fn level_names_end_with_different() {
        for f in Field::ALL {
            assert_eq!(f.level_names()[0], "missing");
            assert_eq!(f.level_name(f.different()), "different");
            assert!(f.n_levels() <= 16);
        }
    }

    /// [`within_one_edit`] on collected characters: the reference of the allocation-free
    /// [`within_one_edit_chars`].
    fn within_one_edit_collected(a: &str, b: &str) -> bool {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        within_one_edit(&a, &b)
    }

    /// One random edit (or none) of `s`: substitution, insertion, deletion or transposition.
    fn edited(s: &str, kind: u8, at: usize, c: char) -> String {
        let mut v: Vec<char> = s.chars().collect();
        let at = if v.is_empty() { 0 } else { at % (v.len() + 1) };
        match kind % 5 {
            0 if at < v.len() => v[at] = c,
            1 => v.insert(at, c),
            2 if at < v.len() => {
                v.remove(at);
            }
            3 if at + 1 < v.len() => v.swap(at, at + 1),
            _ => {}
        }
        v.into_iter().collect()
    }

    const NAMEISH: &str = "[aeiklmnorsvаеикнорсё .-]{0,9}";

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        #[test]
        fn within_one_edit_chars_equals_collected(
            a in NAMEISH, b in NAMEISH, kind in 0u8..5, at in 0usize..12,
            c in proptest::sample::select(vec!['a', 'и', 'ё', ' ', 'z']),
        ) {
            let e = edited(&a, kind, at, c);
            for (x, y) in [(&a, &b), (&a, &e), (&e, &a)] {
                proptest::prop_assert_eq!(within_one_edit_chars(x, y), within_one_edit_collected(x, y));
                proptest::prop_assert_eq!(within_one_edit_str(x, y), within_one_edit_collected(x, y));
                // One edit apart keeps the first or the last character (three or more).
                if within_one_edit_str(x, y) {
                    proptest::prop_assert!(ends_allow_one_edit(x, y), "{x:?} {y:?}");
                }
            }
        }

        #[test]
        fn token_sketches_never_rule_out_agreeing_tokens(
            a in NAMEISH, b in NAMEISH, kind in 0u8..5, at in 0usize..12,
            c in proptest::sample::select(vec!['a', 'и', 'ё', 'z', '.', ',']),
        ) {
            let e = edited(&a, kind, at, c);
            for (t, u) in [(&a, &b), (&a, &e), (&e, &a), (&a, &a)] {
                if *t == *u || (t.len() >= 4 && within_one_edit_str(t, u)) {
                    proptest::prop_assert!(tokens_may_agree(token_sketch(t), token_sketch(u)), "{t:?} {u:?}");
                }
            }
        }

        #[test]
        fn byte_split_tokens_are_the_unicode_tokens(
            s in "[aб1 \t\n\u{b}\u{c}\r\u{85}\u{a0}\u{2003}\u{3000}°é.,/-]{0,40}",
        ) {
            let (t, n) = tokens(&s);
            let want: Vec<&str> = s.split_whitespace().take(12).collect();
            proptest::prop_assert_eq!(&t[..n], &want[..]);
            let pieces: Vec<&str> = address_tokens(&s).collect();
            let want: Vec<&str> = s
                .split(|c: char| c.is_ascii_punctuation() || c.is_ascii_whitespace())
                .filter(|t| !t.is_empty())
                .collect();
            proptest::prop_assert_eq!(pieces, want);
        }

        #[test]
        fn jaro_winkler_bound_never_rejects_a_reaching_pair_of_names(
            a in NAMEISH, b in NAMEISH, kind in 0u8..5, at in 0usize..12,
            c in proptest::sample::select(vec!['a', 'и', 'ё', ' ', 'z']),
        ) {
            let e = edited(&a, kind, at, c);
            for (x, y) in [(&a, &b), (&a, &e), (&e, &a)] {
                let jw = jaro_winkler(x, y);
                for t in [SIMILAR_JW, CLOSE_JW, 0.5, 0.95] {
                    if jw >= t {
                        proptest::prop_assert!(jaro_winkler_may_reach(x, y, t), "{x:?} {y:?} {jw} {t}");
                    }
                }
            }
        }

        #[test]
        fn name_and_text_levels_equal_reference(
            a in NAMEISH, b in NAMEISH, ca in NAMEISH, kind in 0u8..5, at in 0usize..12,
            c in proptest::sample::select(vec!['a', 'и', 'ё', ' ', 'z', '.']),
        ) {
            let e = edited(&a, kind, at, c);
            for (x, y) in [(&a, &b), (&a, &e), (&e, &a), (&b, &e)] {
                proptest::prop_assert_eq!(given_level(x, &ca, y, ""), given_level_reference(x, &ca, y, ""));
                proptest::prop_assert_eq!(given_level(x, x, y, &e), given_level_reference(x, x, y, &e));
                proptest::prop_assert_eq!(surname_level(x, y), surname_level_reference(x, y));
                proptest::prop_assert_eq!(patronymic_level(x, y), patronymic_level_reference(x, y));
                proptest::prop_assert_eq!(text_level(x, y), text_level_reference(x, y));
            }
        }

        #[test]
        fn rotated_names_equal_reference(
            a in proptest::collection::vec("[aeikmnorsv]{1,6}", 3),
            order in 0usize..6, kind in 0u8..5, at in 0usize..8,
            c in proptest::sample::select(vec!['a', 'k', 'z']),
        ) {
            const PERMS: [[usize; 3]; 6] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
            let o = PERMS[order];
            let mut b = [a[o[0]].clone(), a[o[1]].clone(), a[o[2]].clone()];
            b[at % 3] = edited(&b[at % 3], kind, at, c);
            let a = [a[0].as_str(), a[1].as_str(), a[2].as_str()];
            let b = [b[0].as_str(), b[1].as_str(), b[2].as_str()];
            proptest::prop_assert_eq!(rotated_names(a, b), rotated_names_reference(a, b));
            proptest::prop_assert_eq!(rotated_names(b, a), rotated_names_reference(b, a));
        }
    }
}
