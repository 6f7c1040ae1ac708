//! Blocking: which record pairs are compared at all.
//!
//! Several passes each put records sharing a key into a block; pairs within blocks of all
//! passes are unioned. Sorted-neighbourhood passes pair records whose name keys sort next to
//! each other, which catches typos that break exact keys. A block larger than
//! `max_block_size` (a switchboard phone, a placeholder value) is never expanded to all pairs:
//! its members are sorted by name and birth date and only neighbours within the window are
//! paired, and the block is reported as a [`CappedBlock`].

use rayon::prelude::*;
use serde::Serialize;

use super::compare::Field;
use super::{Col, DedupeSettings, EntityTable, hash_bytes};

/// A blocking pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pass {
    /// Any shared phone.
    Phone,
    /// Any shared email key.
    Email,
    /// Same INN.
    Inn,
    /// Same national id.
    NationalId,
    /// Same first name and surname (in either order) and birth date.
    NameBirthDate,
    /// Same surname, first initial and locality.
    SurnameInitialLocality,
    /// Same surname, first initial and postcode.
    SurnameInitialPostcode,
    /// Same postcode and birth date.
    PostcodeBirthDate,
    /// Same Soundex codes of first name and surname (in either order).
    PhoneticName,
    /// Same Soundex of the surname and birth date.
    PhoneticSurnameBirthDate,
    /// Same Soundex of the first name and birth date.
    PhoneticGivenBirthDate,
    /// Same house number, longest address token (the street name) and locality.
    Address,
    /// Sorted neighbourhood on `surname given`.
    SortedSurnameGiven,
    /// Sorted neighbourhood on `given surname`.
    SortedGivenSurname,
}

impl Pass {
    /// All passes, in the order they are reported.
    pub const ALL: [Pass; 14] = [
        Pass::Phone,
        Pass::Email,
        Pass::Inn,
        Pass::NationalId,
        Pass::NameBirthDate,
        Pass::SurnameInitialLocality,
        Pass::SurnameInitialPostcode,
        Pass::PostcodeBirthDate,
        Pass::PhoneticName,
        Pass::PhoneticSurnameBirthDate,
        Pass::PhoneticGivenBirthDate,
        Pass::Address,
        Pass::SortedSurnameGiven,
        Pass::SortedGivenSurname,
    ];

    /// Snake-case name.
    pub fn name(self) -> &'static str {
        match self {
            Pass::Phone => "phone",
            Pass::Email => "email",
            Pass::Inn => "inn",
            Pass::NationalId => "national_id",
            Pass::NameBirthDate => "name_birth_date",
            Pass::SurnameInitialLocality => "surname_initial_locality",
            Pass::SurnameInitialPostcode => "surname_initial_postcode",
            Pass::PostcodeBirthDate => "postcode_birth_date",
            Pass::PhoneticName => "phonetic_name",
            Pass::PhoneticSurnameBirthDate => "phonetic_surname_birth_date",
            Pass::PhoneticGivenBirthDate => "phonetic_given_birth_date",
            Pass::Address => "address",
            Pass::SortedSurnameGiven => "sorted_surname_given",
            Pass::SortedGivenSurname => "sorted_given_surname",
        }
    }

    fn is_sorted(self) -> bool {
        matches!(self, Pass::SortedSurnameGiven | Pass::SortedGivenSurname)
    }

    /// Calls `f` with each key of record `i` (none when a needed part is missing).
    fn for_each_key(self, t: &EntityTable, i: usize, buf: &mut String, f: &mut dyn FnMut(&str)) {
        buf.clear();
        let sep = '\u{1f}';
        let dob = t.birth_packed(i);
        let push_dob = |buf: &mut String| {
            use std::fmt::Write;
            buf.push(sep);
            // Into the buffer, not through a `String` per key; writing to a `String` cannot fail.
            let _ = write!(buf, "{dob}");
        };
        match self {
            Pass::Phone => {
                for &id in t.phones_of(i) {
                    f(t.phones.interner.get(id));
                }
            }
            Pass::Email => {
                for &id in t.emails_of(i) {
                    f(t.emails.interner.get(id));
                }
            }
            Pass::Inn | Pass::NationalId => {
                let c = if self == Pass::Inn { Col::Inn } else { Col::NationalId };
                let v = t.s(c, i);
                if !v.is_empty() {
                    f(v);
                }
            }
            Pass::NameBirthDate => {
                let (g, s) = (t.given_key(i), t.s(Col::Surname, i));
                if g.is_empty() || s.is_empty() || dob == 0 {
                    return;
                }
                let (x, y) = if g <= s { (g, s) } else { (s, g) };
                buf.push_str(x);
                buf.push(sep);
                buf.push_str(y);
                push_dob(buf);
                f(buf);
            }
            Pass::SurnameInitialLocality | Pass::SurnameInitialPostcode => {
                let c = if self == Pass::SurnameInitialLocality {
                    Col::Locality
                } else {
                    Col::Postcode
                };
                let (s, place) = (t.s(Col::Surname, i), t.s(c, i));
                let Some(initial) = t.given_key(i).chars().next() else { return };
                if s.is_empty() || place.is_empty() {
                    return;
                }
                buf.push_str(s);
                buf.push(sep);
                buf.push(initial);
                buf.push(sep);
                buf.push_str(place);
                f(buf);
            }
            Pass::PostcodeBirthDate => {
                let p = t.s(Col::Postcode, i);
                if p.is_empty() || dob == 0 {
                    return;
                }
                buf.push_str(p);
                push_dob(buf);
                f(buf);
            }
            Pass::PhoneticName => {
                let (g, s) = (soundex(t.given_key(i)), soundex(t.s(Col::Surname, i)));
                let (Some(g), Some(s)) = (g, s) else { return };
                let (x, y) = if g <= s { (g, s) } else { (s, g) };
                buf.extend(x.iter().map(|&b| char::from(b)));
                buf.push(sep);
                buf.extend(y.iter().map(|&b| char::from(b)));
                f(buf);
            }
            Pass::PhoneticSurnameBirthDate | Pass::PhoneticGivenBirthDate => {
                let name = if self == Pass::PhoneticSurnameBirthDate {
                    t.s(Col::Surname, i)
                } else {
                    t.given_key(i)
                };
                let Some(code) = soundex(name) else { return };
                if dob == 0 {
                    return;
                }
                buf.extend(code.iter().map(|&b| char::from(b)));
                push_dob(buf);
                f(buf);
            }
            Pass::Address => {
                let (no, addr, loc) =
                    (t.s(Col::StreetNumber, i), t.s(Col::Address, i), t.s(Col::Locality, i));
                // The longest token is usually the street name (`ul`, `place` are not).
                let Some(first) =
                    addr.split_whitespace().fold(None, |best: Option<&str>, t| match best {
                        Some(b) if b.len() >= t.len() => Some(b),
                        _ => Some(t),
                    })
                else {
                    return;
                };
                if no.is_empty() || loc.is_empty() {
                    return;
                }
                buf.push_str(no);
                buf.push(sep);
                buf.push_str(first);
                buf.push(sep);
                buf.push_str(loc);
                f(buf);
            }
            Pass::SortedSurnameGiven | Pass::SortedGivenSurname => {
                let (g, s) = (t.given_key(i), t.s(Col::Surname, i));
                if g.is_empty() && s.is_empty() {
                    return;
                }
                let (x, y) = if self == Pass::SortedSurnameGiven { (s, g) } else { (g, s) };
                buf.push_str(x);
                buf.push(' ');
                buf.push_str(y);
                f(buf);
            }
        }
    }
}

/// American Soundex of the ASCII letters of `s` (`None` without any letter). Keys are
/// transliterated to Latin by the caller, so this also serves Russian names.
pub fn soundex(s: &str) -> Option<[u8; 4]> {
    let code = |c: u8| match c {
        b'b' | b'f' | b'p' | b'v' => b'1',
        b'c' | b'g' | b'j' | b'k' | b'q' | b's' | b'x' | b'z' => b'2',
        b'd' | b't' => b'3',
        b'l' => b'4',
        b'm' | b'n' => b'5',
        b'r' => b'6',
        _ => b'0',
    };
    let mut letters = s.bytes().map(|b| b.to_ascii_lowercase()).filter(u8::is_ascii_lowercase);
    let first = letters.next()?;
    let mut out = [first.to_ascii_uppercase(), b'0', b'0', b'0'];
    let mut k = 1;
    let mut last = code(first);
    for c in letters {
        if k == 4 {
            break;
        }
        let d = code(c);
        if d != b'0' && d != last {
            out[k] = d;
            k += 1;
        }
        // `h` and `w` do not separate equal codes; vowels do.
        if c != b'h' && c != b'w' {
            last = d;
        }
    }
    Some(out)
}

/// What one blocking pass produced.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PassStats {
    /// The pass.
    pub pass: Option<Pass>,
    /// Blocks (groups of ≥ 2 records) or, for sorted passes, records with a key.
    pub blocks: u64,
    /// Size of the largest block.
    pub largest_block: u64,
    /// Pairs generated by this pass, before the union with the other passes.
    pub pairs: u64,
    /// Blocks larger than `max_block_size` (compared by sorted window only).
    pub capped_blocks: u64,
    /// Pairs that came from name-sorted windows (capped blocks, sorted passes).
    pub window_pairs: u64,
}

/// Source bit of pairs made by a name-sorted window: their names are similar by construction.
pub(crate) const NAME_WINDOW_BIT: u16 = 1 << 15;

fn s_window_pairs(s: &PassStats) -> usize {
    s.window_pairs as usize
}

impl Pass {
    /// Fields whose agreement this pass guarantees or favours: in EM training these carry no
    /// information about a pair it produced (the candidate set is conditioned on them).
    pub(crate) fn fields(self) -> &'static [Field] {
        use Field as F;
        match self {
            Pass::Phone => &[F::Phone],
            Pass::Email => &[F::Email],
            Pass::Inn => &[F::Inn],
            Pass::NationalId => &[F::NationalId],
            Pass::NameBirthDate => &[F::Given, F::Surname, F::BirthDate],
            Pass::SurnameInitialLocality => &[F::Given, F::Surname, F::Locality],
            Pass::SurnameInitialPostcode => &[F::Given, F::Surname, F::Postcode],
            Pass::PostcodeBirthDate => &[F::Postcode, F::BirthDate],
            Pass::PhoneticName | Pass::SortedSurnameGiven | Pass::SortedGivenSurname => {
                &[F::Given, F::Surname]
            }
            Pass::PhoneticSurnameBirthDate => &[F::Surname, F::BirthDate],
            Pass::PhoneticGivenBirthDate => &[F::Given, F::BirthDate],
            Pass::Address => &[F::StreetNumber, F::Address, F::Locality],
        }
    }
}

/// Mask clearing (in packed levels) the fields that produced a pair with these source bits.
pub(crate) fn training_mask(sources: u16) -> u64 {
    let mut mask = u64::MAX;
    let mut clear = |f: Field| mask &= !(0xf << (4 * f as usize));
    for (k, pass) in Pass::ALL.iter().enumerate() {
        if sources & (1 << k) != 0 {
            pass.fields().iter().copied().for_each(&mut clear);
        }
    }
    if sources & NAME_WINDOW_BIT != 0 {
        clear(Field::Given);
        clear(Field::Surname);
    }
    mask
}

/// A block larger than `max_block_size`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CappedBlock {
    /// The pass.
    pub pass: Pass,
    /// The key, at most 40 characters (it is personal data: reports should mask it).
    pub key_preview: String,
    /// Records sharing the key.
    pub size: u64,
}

impl CappedBlock {
    /// The `DU003` issue of this block.
    pub fn issue(&self) -> crate::finding::Issue {
        crate::finding::Issue::new(
            "DU003",
            format!(
                "{} records share the {} key `{}`; compared by sorted window only",
                self.size,
                self.pass.name(),
                self.key_preview
            ),
        )
    }
}

pub(crate) struct Blocked {
    /// Sorted distinct pairs packed as `a << 32 | b` with `a < b`.
    pub(crate) pairs: Vec<u64>,
    /// Per pair: bit `k` set when `Pass::ALL[k]` produced it; [`NAME_WINDOW_BIT`] when a
    /// name-sorted window did.
    pub(crate) sources: Vec<u16>,
    pub(crate) passes: Vec<PassStats>,
    pub(crate) capped: Vec<CappedBlock>,
    pub(crate) capped_total: u64,
}

pub(crate) fn pack_pair(a: u32, b: u32) -> u64 {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    (u64::from(a) << 32) | u64::from(b)
}

pub(crate) fn unpack_pair(p: u64) -> (usize, usize) {
    ((p >> 32) as usize, (p & 0xffff_ffff) as usize)
}

/// The distinct candidate pairs `(a, b)`, `a < b`, that [`dedupe_table`](super::dedupe_table)
/// would compare, sorted: for measuring blocking recall.
pub fn candidates(t: &EntityTable, settings: &DedupeSettings) -> Vec<(u32, u32)> {
    candidate_pairs(t, settings)
        .pairs
        .into_iter()
        .map(|p| {
            let (a, b) = unpack_pair(p);
            (a as u32, b as u32)
        })
        .collect()
}

/// Records per parallel work item when collecting keys.
const CHUNK: usize = 4096;

/// Runs every pass and unions their pairs.
pub(crate) fn candidate_pairs(t: &EntityTable, settings: &DedupeSettings) -> Blocked {
    let window = settings.sorted_window.max(2);
    let cap = settings.max_block_size.max(2);
    let budget = (settings.max_pairs_per_record.max(0.0) * t.len() as f64) as u64 + 10_000;
    let per_pass: Vec<(Vec<u64>, PassStats, Vec<CappedBlock>)> = Pass::ALL
        .par_iter()
        .map(|&pass| {
            if pass.is_sorted() {
                sorted_pass(t, pass, window)
            } else {
                hashed_pass(t, pass, cap, window, budget)
            }
        })
        .collect();
    // Each pass's pairs (its name-window pairs apart, they carry one more bit), sorted and
    // deduplicated, then merged: no `(pair, bits)` copy of every candidate is ever held.
    let mut lists: Vec<(Vec<u64>, u16)> = Vec::with_capacity(2 * per_pass.len());
    let mut passes = Vec::with_capacity(per_pass.len());
    let mut capped = Vec::new();
    for (k, (mut p, s, c)) in per_pass.into_iter().enumerate() {
        let bit = 1u16 << k;
        let window_from = (s.pairs as usize).saturating_sub(s_window_pairs(&s)).min(p.len());
        let window = p.split_off(window_from);
        lists.push((p, bit));
        lists.push((window, bit | NAME_WINDOW_BIT));
        passes.push(s);
        capped.extend(c);
    }
    lists.par_iter_mut().for_each(|(list, _)| {
        list.par_sort_unstable();
        list.dedup();
        list.shrink_to_fit();
    });
    let (pairs, sources) = merge_sorted(lists);
    capped.sort_by(|x, y| {
        y.size.cmp(&x.size).then(x.pass.cmp(&y.pass)).then(x.key_preview.cmp(&y.key_preview))
    });
    let capped_total = capped.len() as u64;
    capped.truncate(100);
    Blocked { pairs, sources, passes, capped, capped_total }
}

/// The union of sorted, deduplicated `lists` in ascending order, each pair with the bits of
/// every list that holds it. The key range is cut into parts merged on all cores, each into
/// its own buffer; the lists are freed before the parts are joined, so the union and the
/// lists are never held at their full size together (blocking is the run's memory peak).
fn merge_sorted(lists: Vec<(Vec<u64>, u16)>) -> (Vec<u64>, Vec<u16>) {
    // Cut points: quantiles of the longest list (any increasing keys give the same union).
    const PARTS: usize = 32;
    let longest = lists.iter().map(|(l, _)| l.as_slice()).max_by_key(|l| l.len()).unwrap_or(&[]);
    let mut cuts: Vec<u64> =
        (1..PARTS).filter_map(|k| longest.get(k * longest.len() / PARTS).copied()).collect();
    cuts.dedup();
    // Part `p` holds the pairs in `[cuts[p-1], cuts[p])`: per list, where each part starts.
    let starts: Vec<Vec<usize>> = lists
        .iter()
        .map(|(l, _)| {
            let mut v = vec![0];
            v.extend(cuts.iter().map(|&c| l.partition_point(|&q| q < c)));
            v.push(l.len());
            v
        })
        .collect();
    let parts: Vec<(Vec<u64>, Vec<u16>)> = (0..cuts.len() + 1)
        .into_par_iter()
        .map(|p| {
            let slices: Vec<(&[u64], u16)> =
                lists.iter().zip(&starts).map(|((l, b), s)| (&l[s[p]..s[p + 1]], *b)).collect();
            // Room for every entry of the part; its distinct pairs are written at the front.
            let room: usize = slices.iter().map(|(l, _)| l.len()).sum();
            let (mut pairs, mut sources) = (vec![0u64; room], vec![0u16; room]);
            let n = merge_into(&slices, &mut pairs, &mut sources);
            pairs.truncate(n);
            sources.truncate(n);
            pairs.shrink_to_fit();
            sources.shrink_to_fit();
            (pairs, sources)
        })
        .collect();
    drop(lists);
    let total: usize = parts.iter().map(|(p, _)| p.len()).sum();
    let mut pairs = Vec::with_capacity(total);
    let mut sources = Vec::with_capacity(total);
    for (p, s) in parts {
        pairs.extend_from_slice(&p);
        sources.extend_from_slice(&s);
    }
    (pairs, sources)
}

/// Merges sorted `lists` into `pairs`/`sources` (room for every entry), one entry per
/// distinct pair with the bits of every list holding it; returns how many were written.
fn merge_into(lists: &[(&[u64], u16)], pairs: &mut [u64], sources: &mut [u16]) -> usize {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut next = vec![0usize; lists.len()];
    let mut heap: BinaryHeap<Reverse<(u64, usize)>> = lists
        .iter()
        .enumerate()
        .filter_map(|(k, (l, _))| l.first().map(|&q| Reverse((q, k))))
        .collect();
    let mut n = 0;
    while let Some(Reverse((q, k))) = heap.pop() {
        let bits = lists.get(k).map_or(0, |(_, b)| *b);
        if n > 0 && pairs[n - 1] == q {
            sources[n - 1] |= bits;
        } else {
            pairs[n] = q;
            sources[n] = bits;
            n += 1;
        }
        if let (Some(i), Some((l, _))) = (next.get_mut(k), lists.get(k)) {
            *i += 1;
            if let Some(&q) = l.get(*i) {
                heap.push(Reverse((q, k)));
            }
        }
    }
    n
}

/// Keys of every record for one pass, as sorted `(key hash, record)` entries.
fn hashed_entries(t: &EntityTable, pass: Pass) -> Vec<(u64, u32)> {
    let seed = pass as u64 + 1;
    let chunks: Vec<Vec<(u64, u32)>> = (0..t.len().div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut buf = String::new();
            let mut out = Vec::new();
            for i in c * CHUNK..((c + 1) * CHUNK).min(t.len()) {
                pass.for_each_key(t, i, &mut buf, &mut |k| {
                    out.push((hash_bytes(seed, k.as_bytes()), i as u32));
                });
            }
            out
        })
        .collect();
    let mut entries: Vec<(u64, u32)> = chunks.concat();
    entries.par_sort_unstable();
    entries.dedup();
    entries
}

fn hashed_pass(
    t: &EntityTable,
    pass: Pass,
    cap: usize,
    window: usize,
    pair_budget: u64,
) -> (Vec<u64>, PassStats, Vec<CappedBlock>) {
    let entries = hashed_entries(t, pass);
    let cap = adaptive_cap(&entries, cap, pair_budget);
    let mut pairs = Vec::new();
    let mut windows = Vec::new();
    let mut stats = PassStats { pass: Some(pass), ..PassStats::default() };
    let mut capped = Vec::new();
    let mut start = 0;
    while start < entries.len() {
        let key = entries[start].0;
        let end = start + entries[start..].iter().take_while(|e| e.0 == key).count();
        let members: Vec<u32> = entries[start..end].iter().map(|e| e.1).collect();
        start = end;
        if members.len() < 2 {
            continue;
        }
        stats.blocks += 1;
        stats.largest_block = stats.largest_block.max(members.len() as u64);
        if members.len() <= cap {
            for (k, &a) in members.iter().enumerate() {
                for &b in &members[k + 1..] {
                    pairs.push(pack_pair(a, b));
                }
            }
        } else {
            stats.capped_blocks += 1;
            capped.push(CappedBlock {
                pass,
                key_preview: key_preview(t, pass, members[0] as usize, key),
                size: members.len() as u64,
            });
            let mut sorted = members;
            sorted.sort_by(|&x, &y| {
                name_order(t, x as usize, y as usize)
                    .then_with(|| t.record(x as usize).cmp(&t.record(y as usize)))
            });
            window_pairs(&sorted, window, &mut windows);
        }
    }
    // Window pairs go last: the caller tags them by position.
    stats.window_pairs = windows.len() as u64;
    pairs.extend(windows);
    stats.pairs = pairs.len() as u64;
    (pairs, stats, capped)
}

/// The largest block size, at most `cap`, such that expanding all blocks up to that size
/// stays within `budget` pairs: keeps every pass linear in the number of records even when a
/// key is shared by thousands of small groups (a big apartment building, a common name).
fn adaptive_cap(entries: &[(u64, u32)], cap: usize, budget: u64) -> usize {
    let mut sizes: Vec<usize> = Vec::new();
    let mut start = 0;
    while start < entries.len() {
        let key = entries[start].0;
        let len = entries[start..].iter().take_while(|e| e.0 == key).count();
        if (2..=cap).contains(&len) {
            sizes.push(len);
        }
        start += len;
    }
    sizes.sort_unstable();
    let mut total = 0u64;
    let mut fits = cap;
    let mut k = 0;
    while k < sizes.len() {
        let size = sizes[k];
        let same = sizes[k..].iter().take_while(|&&x| x == size).count() as u64;
        let pairs = same * (size as u64) * (size as u64 - 1) / 2;
        if total + pairs > budget {
            fits = size - 1;
            break;
        }
        total += pairs;
        k += same as usize;
    }
    fits.max(2)
}

/// Order inside a capped block: surname, first name, birth date.
fn name_order(t: &EntityTable, x: usize, y: usize) -> std::cmp::Ordering {
    t.s(Col::Surname, x)
        .cmp(t.s(Col::Surname, y))
        .then_with(|| t.given_key(x).cmp(t.given_key(y)))
        .then_with(|| t.birth_packed(x).cmp(&t.birth_packed(y)))
}

fn window_pairs(sorted: &[u32], window: usize, pairs: &mut Vec<u64>) {
    for (k, &a) in sorted.iter().enumerate() {
        for &b in sorted.iter().skip(k + 1).take(window - 1) {
            pairs.push(pack_pair(a, b));
        }
    }
}

fn key_preview(t: &EntityTable, pass: Pass, i: usize, key: u64) -> String {
    let seed = pass as u64 + 1;
    let mut buf = String::new();
    let mut found = String::new();
    pass.for_each_key(t, i, &mut buf, &mut |k| {
        if found.is_empty() && hash_bytes(seed, k.as_bytes()) == key {
            found = k.chars().take(40).map(|c| if c == '\u{1f}' { '|' } else { c }).collect();
        }
    });
    found
}

fn sorted_pass(
    t: &EntityTable,
    pass: Pass,
    window: usize,
) -> (Vec<u64>, PassStats, Vec<CappedBlock>) {
    let chunks: Vec<Vec<(String, u32)>> = (0..t.len().div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut buf = String::new();
            let mut out = Vec::new();
            for i in c * CHUNK..((c + 1) * CHUNK).min(t.len()) {
                // Ties are broken by input index, whatever the layout.
                let record = t.record(i);
                pass.for_each_key(t, i, &mut buf, &mut |k| out.push((k.to_owned(), record)));
            }
            out
        })
        .collect();
    let mut keyed: Vec<(String, u32)> = chunks.concat();
    keyed.par_sort_unstable();
    let sorted: Vec<u32> = keyed.into_iter().map(|e| t.slot(e.1) as u32).collect();
    let mut pairs = Vec::new();
    window_pairs(&sorted, window, &mut pairs);
    let stats = PassStats {
        pass: Some(pass),
        blocks: sorted.len() as u64,
        largest_block: window.min(sorted.len()) as u64,
        pairs: pairs.len() as u64,
        capped_blocks: 0,
        window_pairs: 0,
    };
    (pairs, stats, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_lists_are_the_sorted_union_with_every_bit() {
        let lists = vec![
            (vec![1, 4, 9], 0b001u16),
            (vec![], 0b010),
            (vec![2, 4, 10], 0b100),
            (vec![4, 9], NAME_WINDOW_BIT),
        ];
        let (pairs, sources) = merge_sorted(lists);
        assert_eq!(pairs, vec![1, 2, 4, 9, 10]);
        assert_eq!(
            sources,
            vec![0b001, 0b100, 0b101 | NAME_WINDOW_BIT, 0b001 | NAME_WINDOW_BIT, 0b100]
        );
        assert_eq!(merge_sorted(Vec::new()), (vec![], vec![]));
    }
    use crate::dedupe::Entity;

    proptest::proptest! {
        #[test]
        fn merging_in_parts_is_merging_at_once(
            raw in proptest::collection::vec(proptest::collection::vec(0u64..400, 0..300), 0..6)
        ) {
            let lists: Vec<(Vec<u64>, u16)> = raw
                .into_iter()
                .enumerate()
                .map(|(k, mut l)| {
                    l.sort_unstable();
                    l.dedup();
                    (l, 1 << k)
                })
                .collect();
            let total: usize = lists.iter().map(|(l, _)| l.len()).sum();
            let (mut pairs, mut sources) = (vec![0; total], vec![0; total]);
            let whole: Vec<(&[u64], u16)> = lists.iter().map(|(l, b)| (l.as_slice(), *b)).collect();
            let n = merge_into(&whole, &mut pairs, &mut sources);
            pairs.truncate(n);
            sources.truncate(n);
            proptest::prop_assert_eq!(merge_sorted(lists), (pairs, sources));
        }
    }

    #[test]
    fn soundex_codes() {
        for (s, want) in [
            ("robert", "R163"),
            ("rupert", "R163"),
            ("ashcraft", "A261"),
            ("tymczak", "T522"),
            ("pfister", "P236"),
            ("ivanov", "I151"),
            ("a", "A000"),
        ] {
            assert_eq!(
                soundex(s).map(|c| String::from_utf8_lossy(&c).into_owned()),
                Some(want.into()),
                "{s}"
            );
        }
        assert_eq!(soundex("123"), None);
        assert_eq!(soundex(""), None);
    }

    fn person(given: &str, surname: &str, phone: &str) -> Entity {
        Entity {
            given: given.into(),
            surname: surname.into(),
            phones: if phone.is_empty() { vec![] } else { vec![phone.into()] },
            ..Entity::default()
        }
    }

    #[test]
    fn switchboard_block_is_capped_not_all_pairs() {
        let mut es: Vec<Entity> =
            (0..300).map(|k| person(&format!("name{k}"), "x", "+74950000000")).collect();
        es.push(person("ivan", "petrov", "+79160000001"));
        es.push(person("ivan", "petrov", "+79160000001"));
        let t = EntityTable::from_entities(&es);
        let s = DedupeSettings::default();
        let b = candidate_pairs(&t, &s);
        let phone =
            b.passes.iter().find(|p| p.pass == Some(Pass::Phone)).cloned().unwrap_or_default();
        assert_eq!(phone.capped_blocks, 1);
        assert!(phone.pairs < 300 * 5 + 10, "{}", phone.pairs);
        let capped_phone: Vec<&CappedBlock> =
            b.capped.iter().filter(|c| c.pass == Pass::Phone).collect();
        assert_eq!(capped_phone.len(), 1);
        assert_eq!(capped_phone[0].size, 300);
        assert_eq!(capped_phone[0].key_preview, "+74950000000");
        assert!(b.pairs.contains(&pack_pair(300, 301)));
        // Far fewer than all pairs of 302 records.
        assert!((b.pairs.len() as u64) < 302 * 301 / 2 / 4);
    }

    #[test]
    fn empty_keys_make_no_blocks() {
        let es = vec![Entity::default(); 50];
        let t = EntityTable::from_entities(&es);
        let b = candidate_pairs(&t, &DedupeSettings::default());
        assert!(b.pairs.is_empty());
    }
}
