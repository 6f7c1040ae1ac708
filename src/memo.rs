//! Per-thread memos of pure key functions: first names, patronymics, cities and common
//! surnames repeat all through a base, and a key depends on the value alone.
//!
//! Each thread keeps its own bounded map per [`Memo`] kind (never shared, so results do not
//! depend on the number of threads); a map that fills up starts over.

use std::cell::RefCell;

use crate::fxhash::FxMap;

/// The kinds of value whose keys [`memoized`] remembers, each in a map of its own (one value
/// has different keys as a surname and as a city).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Memo {
    /// Surname → name key.
    Surname,
    /// First name → name key.
    Given,
    /// First-name key → canonical first-name key.
    GivenCanonical,
    /// Patronymic → name key.
    Patronymic,
    /// City → locality key.
    Locality,
    /// One word of a full name → name key (the name parser).
    NameWord,
    /// Company name → company key.
    Company,
}

const KINDS: usize = 7;

/// Values remembered per kind and thread before the memo starts over (bounds its memory).
const MEMO_SIZE: usize = 1 << 14;

type Map = FxMap<Box<str>, Box<str>>;

thread_local! {
    /// Keys of values met on this thread, per [`Memo`] kind.
    static MEMOS: RefCell<[Map; KINDS]> = RefCell::default();
}

/// `key(value)`, remembered per thread and kind. `key` must be a pure function of `value`.
pub(crate) fn memoized(kind: Memo, value: &str, key: impl FnOnce(&str) -> String) -> String {
    if value.is_empty() {
        return key(value);
    }
    MEMOS.with(|memos| {
        // `key` never calls back into the memo, so the cell is never borrowed twice; if it
        // were, the key is computed without the memo.
        let Ok(mut memos) = memos.try_borrow_mut() else { return key(value) };
        let Some(memo) = memos.get_mut(kind as usize) else { return key(value) };
        if let Some(known) = memo.get(value) {
            return known.to_string();
        }
        let fresh = key(value);
        if memo.len() >= MEMO_SIZE {
            memo.clear();
        }
        memo.insert(value.into(), fresh.as_str().into());
        fresh
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memoized_keys_are_the_keys_per_kind() {
        let upper = |s: &str| s.to_uppercase();
        let lower = |s: &str| s.to_lowercase();
        for v in ["Иванов", "Ёлкина", "", "Smith", "Иванов", "Ёлкина"] {
            assert_eq!(memoized(Memo::Surname, v, upper), upper(v));
            // The same value under another kind has that kind's key.
            assert_eq!(memoized(Memo::Locality, v, lower), lower(v));
        }
    }

    #[test]
    fn a_full_memo_starts_over_and_still_answers() {
        let key = |s: &str| format!("<{s}>");
        for round in 0..2 {
            for k in 0..MEMO_SIZE + 10 {
                let v = format!("v{k}");
                assert_eq!(memoized(Memo::NameWord, &v, key), key(&v), "round {round}");
            }
        }
        MEMOS.with(|m| assert!(m.borrow()[Memo::NameWord as usize].len() <= MEMO_SIZE));
    }
}
