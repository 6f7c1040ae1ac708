//! Deduplication engine: blocking → graded comparison → unsupervised Fellegi-Sunter scoring →
//! clustering with protection against chaining.
//!
//! The engine works on an abstract [`Entity`] whose string fields are already *match keys*
//! (lower-case, `ё→е`, Cyrillic transliterated, empty = missing); building them from CSV rows
//! is the caller's job. Pipeline of [`dedupe_table`]:
//!
//! 0. Layout: the table's records are reordered by name (`EntityTable::laid_out_by_name`)
//!    so that the records of a candidate pair lie near each other in memory. Steps 1–3 work
//!    on these slots; ties and results use input indices, so the layout changes no output.
//! 1. [`block`]: several blocking passes (exact phone, email, INN, national id, name + birth
//!    date, surname + initial + locality/postcode, postcode + birth date, phonetic names,
//!    sorted neighbourhood on name keys) are unioned into candidate pairs. Oversized blocks
//!    are never expanded to all pairs: they fall back to a sorted window and are reported.
//! 2. [`compare`]: each candidate pair gets one graded level per [`Field`] (exact / close /
//!    different / missing and field-specific levels such as nickname or day↔month swap).
//! 3. [`score`]: `u` probabilities come from term frequencies and a seeded random sample of
//!    pairs, `m` probabilities from anchor pairs (EM where anchors are too few); exact agreements are
//!    term-frequency adjusted. Hard non-match rules ([`Veto`]) keep households and namesakes
//!    apart.
//! 4. [`cluster`]: union-find over matched pairs; multi-record components are re-merged with a
//!    cannot-link check so that a chain of weak links cannot join people who clearly differ.
//!
//! Everything is deterministic: the same input gives byte-identical results with any number
//! of rayon threads.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::finding::{Issue, Severity};
use crate::rules::meta::{FixKind, RuleMeta};

pub mod block;
pub mod cluster;
pub mod compare;
pub mod entity;
pub mod merge;
pub mod score;

pub use block::{CappedBlock, Pass, PassStats};
pub use cluster::SplitCluster;
pub use compare::{Field, N_FIELDS};
pub use score::{Explanation, FieldExplanation, FieldParams, Model, Veto, explain};

/// Gender of a person, when known (the name normalizer's).
pub use crate::normalize::name::Gender;

/// A birth date as written, not validated: typo'd dates (`1956-13-04`) are still useful for
/// matching. A zero part means "unknown" (a year-only date has `month = day = 0`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct BirthDate {
    /// Year, e.g. 1956; 0 = unknown.
    pub year: u16,
    /// Month 1–12 (out-of-range values are kept as typed); 0 = unknown.
    pub month: u8,
    /// Day 1–31 (out-of-range values are kept as typed); 0 = unknown.
    pub day: u8,
}

impl BirthDate {
    /// A date from its parts (0 = unknown part).
    pub fn new(year: u16, month: u8, day: u8) -> BirthDate {
        BirthDate { year, month, day }
    }

    /// Parses exactly eight ASCII digits `YYYYMMDD` (Febrl style). Returns `None` for anything
    /// else or for an all-zero date.
    pub fn parse_yyyymmdd(s: &str) -> Option<BirthDate> {
        let s = s.trim();
        if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year = s.get(0..4)?.parse().ok()?;
        let month = s.get(4..6)?.parse().ok()?;
        let day = s.get(6..8)?.parse().ok()?;
        let d = BirthDate { year, month, day };
        (!d.is_unknown()).then_some(d)
    }

    /// True when no part is known.
    pub fn is_unknown(self) -> bool {
        self.year == 0 && self.month == 0 && self.day == 0
    }

    /// Compact form used internally; 0 means "no date".
    pub(crate) fn pack(self) -> u32 {
        (u32::from(self.year) << 16) | (u32::from(self.month) << 8) | u32::from(self.day)
    }

    pub(crate) fn unpack(p: u32) -> Option<BirthDate> {
        (p != 0).then_some(BirthDate {
            year: (p >> 16) as u16,
            month: ((p >> 8) & 0xff) as u8,
            day: (p & 0xff) as u8,
        })
    }
}

impl From<chrono::NaiveDate> for BirthDate {
    fn from(d: chrono::NaiveDate) -> BirthDate {
        use chrono::Datelike;
        BirthDate {
            year: u16::try_from(d.year()).unwrap_or(0),
            month: u8::try_from(d.month()).unwrap_or(0),
            day: u8::try_from(d.day()).unwrap_or(0),
        }
    }
}

/// One record to deduplicate. All strings are match keys prepared by the caller; an empty
/// string means "missing" (missing never counts as disagreement).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entity {
    /// Input file index. Records of different sources are deduplicated together (linking two
    /// exports is deduplicating their union).
    pub source: u32,
    /// First-name key.
    pub given: String,
    /// Surname key.
    pub surname: String,
    /// Patronymic key (Russian middle name); empty where not used.
    pub patronymic: String,
    /// Nickname-resolved first-name key (`sasha` → `aleksandr`); may equal `given`.
    pub given_canonical: String,
    /// Gender when known.
    pub gender: Option<Gender>,
    /// Birth date when known.
    pub birth_date: Option<BirthDate>,
    /// Phone keys (E.164).
    pub phones: Vec<String>,
    /// Email match keys.
    pub emails: Vec<String>,
    /// House number.
    pub street_number: String,
    /// Street line(s), space separated.
    pub address: String,
    /// City, suburb or settlement.
    pub locality: String,
    /// Postal code.
    pub postcode: String,
    /// Region or state.
    pub region: String,
    /// Personal identifier (SSN, passport, SNILS) when mapped.
    pub national_id: String,
    /// INN (tax id) when mapped.
    pub inn: String,
    /// Company name key.
    pub company: String,
}

/// Tuning knobs. [`Default`] is meant to work on any base without per-dataset tuning.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DedupeSettings {
    /// A pair is merged when its posterior match probability reaches this (and no hard
    /// non-match rule fires). Default 0.9.
    pub match_threshold: f64,
    /// Pairs with a probability in `[review_threshold, match_threshold)`, and vetoed pairs
    /// above `review_threshold`, are listed for review. Default 0.1.
    pub review_threshold: f64,
    /// Prior probability that two random records match; `None` estimates it with EM.
    pub prior_match_probability: Option<f64>,
    /// Blocks larger than this are not expanded to all pairs: their members are sorted by
    /// name and only neighbours within `sorted_window` are paired. Default 50.
    pub max_block_size: usize,
    /// Pair budget of one blocking pass, per record (plus 10 000): when all-pairs expansion of
    /// a pass's blocks would exceed it, its largest blocks are compared by sorted window
    /// instead, so that every pass stays linear in the number of records. Default 0.5 (on a
    /// million-row base, 1 compared 13% more pairs and found no more duplicates).
    pub max_pairs_per_record: f64,
    /// Window of the sorted-neighbourhood passes and of capped blocks. Default 3.
    pub sorted_window: usize,
    /// Maximum EM iterations. Default 50.
    pub em_max_iterations: u32,
    /// EM stops when no `m` probability or the match rate moves more than this. Default 1e-6.
    pub em_tolerance: f64,
    /// Random record pairs compared to estimate the `u` probabilities of non-exact levels.
    /// Default 20 000.
    pub u_sample_pairs: usize,
    /// Seed of the random pair sample.
    pub seed: u64,
    /// Adjust exact agreements for how common the value is (`smith` weighs less). Default on.
    pub tf_adjustment: bool,
    /// Lower bound of a term-frequency-adjusted `u`, as a fraction of the field's average
    /// exact-agreement `u` (caps the bonus of a rare value). Default 0.05.
    pub tf_min_u_ratio: f64,
    /// Apply the hard non-match rules of [`Veto`]. Default on.
    pub hard_non_match: bool,
    /// Within a cluster, two records whose own pair probability is below this cannot be
    /// joined through others (anti-chaining). Default 1e-6.
    pub cannot_link_probability: f64,
    /// Budget of pair re-checks per cluster for the anti-chaining pass; a cluster that exceeds
    /// it is kept but reported as unverified. Default 200 000.
    pub max_cluster_checks: usize,
    /// At most this many review pairs are returned (highest probability first). Default 100 000.
    pub max_review_pairs: usize,
}

impl Default for DedupeSettings {
    fn default() -> Self {
        DedupeSettings {
            match_threshold: 0.9,
            review_threshold: 0.1,
            prior_match_probability: None,
            max_block_size: 50,
            max_pairs_per_record: 0.5,
            sorted_window: 3,
            em_max_iterations: 50,
            em_tolerance: 1e-6,
            u_sample_pairs: 20_000,
            seed: 0x5eed_0ded_0000_0001,
            tf_adjustment: true,
            tf_min_u_ratio: 0.05,
            hard_non_match: true,
            cannot_link_probability: 1e-6,
            max_cluster_checks: 200_000,
            max_review_pairs: 100_000,
        }
    }
}

/// One scored record pair (indices into the input, `a < b`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScoredPair {
    /// Smaller record index.
    pub a: u32,
    /// Larger record index.
    pub b: u32,
    /// Total match weight in bits (prior + field weights), see [`Explanation`].
    pub weight: f64,
    /// Posterior match probability.
    pub probability: f64,
    /// Hard non-match rule that fired, if any (the pair is then never merged).
    pub veto: Option<Veto>,
}

/// Counters and model facts of one run, for reports and benches.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DedupeStats {
    /// Number of records.
    pub records: usize,
    /// Per blocking pass: blocks, pairs generated (before the union), capped blocks.
    pub passes: Vec<PassStats>,
    /// Distinct candidate pairs after the union of all passes.
    pub candidate_pairs: u64,
    /// Pairs an all-pairs comparison would need, `n(n-1)/2`.
    pub all_pairs: u64,
    /// The largest capped blocks (at most 100), largest first.
    pub capped_blocks: Vec<CappedBlock>,
    /// Total number of capped blocks.
    pub capped_blocks_total: u64,
    /// Random pairs compared to estimate `u`.
    pub u_sample_pairs: u64,
    /// EM iterations run.
    pub em_iterations: u32,
    /// Whether EM converged within the iteration limit.
    pub em_converged: bool,
    /// Estimated share of matches among candidate pairs.
    pub candidate_match_rate: f64,
    /// Prior probability that two random records match (estimated or configured).
    pub prior_match_probability: f64,
    /// Pairs at or above the match threshold without a veto.
    pub matched_pairs: u64,
    /// Pairs in the review band (including vetoed pairs above the review threshold).
    pub review_pairs: u64,
    /// Candidate pairs stopped by a hard non-match rule while above the match threshold.
    pub vetoed_pairs: u64,
    /// Number of clusters (singletons included).
    pub clusters: usize,
    /// Clusters with two or more records.
    pub multi_record_clusters: usize,
    /// Size of the largest cluster.
    pub largest_cluster: usize,
    /// Components split by the anti-chaining check.
    pub split_clusters: usize,
}

/// Output of [`dedupe`].
#[derive(Clone, Debug, Serialize)]
pub struct DedupeResult {
    /// Cluster id per input record. Ids are dense and deterministic: cluster `k` is the k-th
    /// cluster in order of its smallest member index.
    pub cluster_of: Vec<u32>,
    /// Pairs that were merged (the evidence behind the clusters), sorted by `(a, b)`.
    pub matched_pairs: Vec<ScoredPair>,
    /// Pairs for human review, highest probability first.
    pub review_pairs: Vec<ScoredPair>,
    /// Components that the anti-chaining check split (or could not fully verify).
    pub split_clusters: Vec<SplitCluster>,
    /// The estimated model (use it with [`explain`]).
    pub model: Model,
    /// Counters.
    pub stats: DedupeStats,
}

impl DedupeResult {
    /// Members of each cluster with two or more records, by cluster id order.
    pub fn clusters(&self) -> Vec<Vec<u32>> {
        let n_clusters = self.cluster_of.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
        let mut out: Vec<Vec<u32>> = vec![Vec::new(); n_clusters];
        for (i, &c) in self.cluster_of.iter().enumerate() {
            if let Some(v) = out.get_mut(c as usize) {
                v.push(i as u32);
            }
        }
        out.retain(|v| v.len() > 1);
        out
    }
}

/// Rule codes emitted by the dedupe stage.
pub static RULES: &[RuleMeta] = &[
    RuleMeta {
        code: "DU001",
        name: "duplicate-records",
        summary: "Records were identified as the same person or company and merged into a cluster.",
        default_severity: Severity::Info,
        fix: FixKind::Safe,
        since: "0.1.0",
        doc: "## What it checks\nPairs of records whose Fellegi-Sunter match probability reaches the match threshold, \
with no hard non-match rule firing, are merged into one cluster.\n\n\
## Why it matters\nDuplicates split the history of one customer, double marketing contacts and \
break consent tracking (a withdrawal recorded on one copy is ignored on the other).\n\n\
## Example\n`Иванов Иван, +7 916 123-45-67` and `Ivanov Ivan, 89161234567` share a phone and a name.\n\n\
## Fix\n`clean` merges the cluster into one golden record that lists its source rows; consent \
follows the most restrictive member.\n\n\
## Options\n`match_threshold` (default 0.9).",
    },
    RuleMeta {
        code: "DU002",
        name: "possible-duplicate",
        summary: "Two records may be the same, but the evidence is not strong enough to merge them.",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nPairs whose match probability lies between the review and match thresholds, \
and pairs above the match threshold stopped by a hard non-match rule (different first name, \
patronymic or birth date: households and namesakes).\n\n\
## Why it matters\nMerges cannot be undone safely; a person should decide on weak evidence.\n\n\
## Example\n`Иванов Иван Петрович` and `Иванов Иван Сергеевич` at the same phone: a father and son.\n\n\
## Fix\nReview the pair; merge by hand or record that they are different people.\n\n\
## Options\n`[params.dedupe] review_threshold` in a rules file (default 0.5; the engine's own default, used by library callers, is 0.1), `hard_non_match` (default on).",
    },
    RuleMeta {
        code: "DU003",
        name: "blocking-key-oversized",
        summary: "Too many records share one blocking key (a switchboard phone, a placeholder value).",
        default_severity: Severity::Info,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nBlocks of records sharing a key (phone, email, name + date…) larger than \
`max_block_size`. Such a block is not compared all-pairs: its members are sorted by name and \
only neighbours are compared.\n\n\
## Why it matters\nA shared key usually means a company switchboard, a family mailbox or a \
placeholder (`000`, `test@test.ru`); it is weak evidence and would cost quadratic time.\n\n\
## Example\n500 contacts with the phone `+74951234567`.\n\n\
## Fix\nReplace placeholders with empty values; record personal channels where possible.\n\n\
## Options\n`max_block_size` (default 50), `sorted_window` (default 3).",
    },
    RuleMeta {
        code: "DU004",
        name: "cluster-chaining-split",
        summary: "A chain of matches linked records that clearly differ; the cluster was split.",
        default_severity: Severity::Warning,
        fix: FixKind::None,
        since: "0.1.0",
        doc: "## What it checks\nAfter matching, each multi-record cluster is rebuilt strongest link first; \
two groups are not joined when some of their members are clearly different people (a hard \
non-match, or a pair probability below `cannot_link_probability`).\n\n\
## Why it matters\nTransitive merging chains A≈B≈C even when A and C are different people: one \
wrong link can swallow a household or a company.\n\n\
## Example\n`Иван Петров` ≈ `И. Петров` ≈ `Ирина Петрова` at one address.\n\n\
## Fix\nReview the listed records; the split clusters are kept apart.\n\n\
## Options\n`cannot_link_probability` (default 1e-6), `max_cluster_checks` (default 200 000).",
    },
];

impl ScoredPair {
    /// The `DU002` issue of a review pair.
    pub fn review_issue(&self) -> Issue {
        let why = match self.veto {
            Some(v) => format!(" (kept apart: {})", v.describe()),
            None => String::new(),
        };
        Issue::new(
            "DU002",
            format!(
                "records {} and {} may be duplicates: match probability {:.3}{why}",
                self.a, self.b, self.probability
            ),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Compact interned storage.

/// Single-valued string columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Col {
    Given,
    GivenCanonical,
    Surname,
    Patronymic,
    StreetNumber,
    Address,
    Locality,
    Postcode,
    Region,
    NationalId,
    Inn,
    Company,
}

pub(crate) const N_COLS: usize = 12;

/// Most phones or emails kept per record (a pasted list of 1000 numbers is not a person).
const MAX_MULTI: usize = 32;

/// Append-only string interner: one copy of each distinct value, `u32` ids, id 0 = empty.
#[derive(Clone, Debug)]
pub(crate) struct Interner {
    arena: String,
    spans: Vec<(u32, u32)>,
    /// Keys are already [`hash_bytes`] hashes: hashing them again (SipHash) would only cost
    /// time on the serial interning path.
    by_hash: HashMap<u64, u32, std::hash::BuildHasherDefault<PrehashedKey>>,
}

/// Hasher for keys that are already well-mixed 64-bit hashes: passes them through.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PrehashedKey(u64);

impl std::hash::Hasher for PrehashedKey {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Not used by `u64` keys; kept correct for any other key.
        self.0 = hash_bytes(self.0, bytes);
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = x;
    }
}

impl Default for Interner {
    fn default() -> Self {
        Interner { arena: String::new(), spans: vec![(0, 0)], by_hash: HashMap::default() }
    }
}

impl Interner {
    /// Where a value's probe sequence starts in `by_hash`.
    fn first_slot(s: &str) -> u64 {
        hash_bytes(0x1234_5678, s.as_bytes())
    }

    /// The next slot after a 64-bit collision with another value.
    fn next_slot(h: u64) -> u64 {
        h.wrapping_add(0x9e37_79b9_7f4a_7c15)
    }

    fn intern(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            return 0;
        }
        if self.by_hash.len() + 1 < self.spans.len() {
            // Frozen ([`Interner::freeze`]): the index is rebuilt before anything is added.
            self.rebuild_index();
        }
        let mut h = Interner::first_slot(s);
        loop {
            match self.by_hash.get(&h) {
                Some(&id) if self.get(id) == s => return id,
                Some(_) => h = Interner::next_slot(h),
                None => {
                    let id = u32::try_from(self.spans.len()).unwrap_or(u32::MAX);
                    if id == u32::MAX {
                        return 0;
                    }
                    // Offsets are u32 to halve the span table; beyond 4 GiB of distinct
                    // text a value is treated as missing rather than overflowing.
                    let (Ok(start), Ok(len)) =
                        (u32::try_from(self.arena.len()), u32::try_from(s.len()))
                    else {
                        return 0;
                    };
                    if start.checked_add(len).is_none() {
                        return 0;
                    }
                    self.spans.push((start, len));
                    self.arena.push_str(s);
                    self.by_hash.insert(h, id);
                    return id;
                }
            }
        }
    }

    /// Drops the lookup index and spare room once every value is in: matching reads values
    /// by id only, and on a large base the index is tens of megabytes at the memory peak.
    /// A later [`Interner::intern`] rebuilds it.
    fn freeze(&mut self) {
        self.by_hash = HashMap::default();
        self.arena.shrink_to_fit();
        self.spans.shrink_to_fit();
    }

    fn rebuild_index(&mut self) {
        let mut by_hash = HashMap::default();
        by_hash.reserve(self.spans.len());
        for id in 1..self.spans.len() {
            let Ok(id) = u32::try_from(id) else { break };
            // Inserted in id order, each id lands in the slot `intern` gave it.
            let mut h = Interner::first_slot(self.get(id));
            while by_hash.contains_key(&h) {
                h = Interner::next_slot(h);
            }
            by_hash.insert(h, id);
        }
        self.by_hash = by_hash;
    }

    /// The interner whose value `k` is this one's value `old_of[k]` (frozen: no index).
    fn renumbered(&self, old_of: &[u32]) -> Interner {
        let bytes: usize = old_of.iter().map(|&id| self.get(id).len()).sum();
        let mut arena = String::with_capacity(bytes);
        let mut spans = Vec::with_capacity(old_of.len().max(1));
        spans.push((0, 0));
        for &id in old_of.iter().skip(1) {
            let v = self.get(id);
            // Fits: the values are a subset of this interner's, whose offsets fit in u32.
            spans.push((arena.len() as u32, v.len() as u32));
            arena.push_str(v);
        }
        Interner { arena, spans, by_hash: HashMap::default() }
    }

    pub(crate) fn get(&self, id: u32) -> &str {
        match self.spans.get(id as usize) {
            Some(&(start, len)) => {
                self.arena.get(start as usize..(start + len) as usize).unwrap_or("")
            }
            None => "",
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }
}

/// A multi-valued column (phones, emails): per-record runs of sorted distinct ids. Where a
/// record's run starts and how long it is live in its [`Row`], next to its other ids.
#[derive(Clone, Debug, Default)]
pub(crate) struct MultiCol {
    ids: Vec<u32>,
    pub(crate) interner: Interner,
    /// A precomputed `u64` per distinct value (index = id), see [`compare::phone_feature`]
    /// and [`compare::email_feature`]: comparisons read it instead of the text.
    features: Vec<u64>,
}

impl MultiCol {
    /// Appends one record's values; returns the start and length of its run of ids (`(0, 0)`
    /// for none, or when the id store would pass `u32::MAX` entries). `feature` computes the
    /// feature of a value seen for the first time.
    fn push(&mut self, values: &[String], feature: fn(&str) -> u64) -> (u32, u8) {
        let start = self.ids.len();
        let Ok(start32) = u32::try_from(start) else { return (0, 0) };
        for v in values.iter().take(MAX_MULTI) {
            let id = self.interner.intern(v.trim());
            if id != 0 {
                self.ids.push(id);
                if id as usize >= self.features.len() {
                    self.features.resize(id as usize, 0);
                    self.features.push(feature(self.interner.get(id)));
                }
            }
        }
        if let Some(slice) = self.ids.get_mut(start..) {
            slice.sort_unstable();
        }
        let mut seen = start;
        // In-place dedup of the record's own range.
        for k in start..self.ids.len() {
            let v = self.ids[k];
            if seen == start || self.ids[seen - 1] != v {
                self.ids[seen] = v;
                seen += 1;
            }
        }
        self.ids.truncate(seen);
        let n = u8::try_from(seen - start).unwrap_or(u8::MAX);
        if u32::try_from(self.ids.len()).is_err() {
            self.ids.truncate(start);
            return (0, 0);
        }
        (start32, n)
    }

    /// The feature of value `id` (0 out of range).
    pub(crate) fn feature(&self, id: u32) -> u64 {
        self.features.get(id as usize).copied().unwrap_or(0)
    }

    /// The run of ids `start .. start + n`.
    pub(crate) fn run(&self, (start, n): (u32, u8)) -> &[u32] {
        let s = start as usize;
        self.ids.get(s..s + usize::from(n)).unwrap_or(&[])
    }
}

/// The compact part of one record that a comparison reads: its interned ids, birth date,
/// gender and where its phones and emails lie. One cache line, so that comparing a pair
/// touches one line per record before any text (candidate pairs jump between records).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C, align(64))]
pub(crate) struct Row {
    ids: [u32; N_COLS],
    birth: u32,
    phones_start: u32,
    emails_start: u32,
    gender: u8,
    phones_len: u8,
    emails_len: u8,
}

/// Entities in compact columnar form (interned strings, `u32` ids): what the engine works on.
///
/// Build it row by row with [`EntityTable::push`] to avoid holding a million [`Entity`] values
/// at once, then call [`dedupe_table`]. Record `i` is the `i`-th pushed entity; in a table
/// laid out by `EntityTable::laid_out_by_name`, indices are slots and
/// `EntityTable::record` gives the pushed index.
#[derive(Clone, Debug, Default)]
pub struct EntityTable {
    source: Vec<u32>,
    // Row-major: one record's ids share a cache line (comparisons jump between records).
    rows: Vec<Row>,
    interners: [Interner; N_COLS],
    /// Features of each distinct address (index = address id), computed in parallel on first
    /// use ([`EntityTable::address_feature_table`]), not on the serial push path.
    address_features: std::sync::OnceLock<Vec<compare::AddressFeatures>>,
    pub(crate) phones: MultiCol,
    pub(crate) emails: MultiCol,
    /// For a table laid out by `EntityTable::laid_out_by_name`: the pushed (input) index of
    /// the record in each slot, and the slot of each input record. Empty: slots are input
    /// indices.
    record_of: Vec<u32>,
    slot_of: Vec<u32>,
}

impl EntityTable {
    /// An empty table.
    pub fn new() -> EntityTable {
        EntityTable::default()
    }

    /// An empty table with room for `records` records (their rows, not their values).
    pub fn with_capacity(records: usize) -> EntityTable {
        EntityTable {
            source: Vec::with_capacity(records),
            rows: Vec::with_capacity(records),
            ..EntityTable::default()
        }
    }

    /// A table holding `entities` in order.
    pub fn from_entities(entities: &[Entity]) -> EntityTable {
        let mut t = EntityTable::with_capacity(entities.len());
        for e in entities {
            t.push(e);
        }
        t
    }

    /// Appends one entity and returns its index. Beyond `u32::MAX - 1` records the entity is
    /// ignored and `None` returned.
    pub fn push(&mut self, e: &Entity) -> Option<u32> {
        let idx = u32::try_from(self.source.len()).ok().filter(|&i| i < u32::MAX)?;
        self.source.push(e.source);
        let values: [&str; N_COLS] = [
            &e.given,
            &e.given_canonical,
            &e.surname,
            &e.patronymic,
            &e.street_number,
            &e.address,
            &e.locality,
            &e.postcode,
            &e.region,
            &e.national_id,
            &e.inn,
            &e.company,
        ];
        let mut ids = [0u32; N_COLS];
        for ((slot, interner), v) in ids.iter_mut().zip(self.interners.iter_mut()).zip(values) {
            *slot = interner.intern(v.trim());
        }
        // Features computed before this push no longer cover every address.
        self.address_features.take();
        let (phones_start, phones_len) = self.phones.push(&e.phones, compare::phone_feature);
        let (emails_start, emails_len) = self.emails.push(&e.emails, compare::email_feature);
        self.rows.push(Row {
            ids,
            birth: e.birth_date.map_or(0, BirthDate::pack),
            phones_start,
            emails_start,
            gender: match e.gender {
                None => 0,
                Some(Gender::Male) => 1,
                Some(Gender::Female) => 2,
            },
            phones_len,
            emails_len,
        });
        Some(idx)
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.source.len()
    }

    /// Frees what only adding records needs (the interners' lookup indexes) and any spare
    /// room: call it once every record is pushed, before [`dedupe_table`]. Pushing later
    /// still works (the indexes are rebuilt).
    pub fn freeze(&mut self) {
        for interner in &mut self.interners {
            interner.freeze();
        }
        for multi in [&mut self.phones, &mut self.emails] {
            multi.interner.freeze();
            multi.ids.shrink_to_fit();
            multi.features.shrink_to_fit();
        }
        self.source.shrink_to_fit();
        self.rows.shrink_to_fit();
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.source.is_empty()
    }

    /// Source index of record `i`.
    pub fn source(&self, i: usize) -> u32 {
        self.source.get(i).copied().unwrap_or(0)
    }

    pub(crate) fn id(&self, c: Col, i: usize) -> u32 {
        self.rows.get(i).map_or(0, |r| r.ids[c as usize])
    }

    /// The compact row of record `i` (all zero out of range).
    pub(crate) fn row(&self, i: usize) -> Row {
        self.rows.get(i).copied().unwrap_or_default()
    }

    /// Phone ids of record `i`, sorted.
    pub(crate) fn phones_of(&self, i: usize) -> &[u32] {
        self.rows.get(i).map_or(&[], |r| self.phones.run((r.phones_start, r.phones_len)))
    }

    /// Email ids of record `i`, sorted.
    pub(crate) fn emails_of(&self, i: usize) -> &[u32] {
        self.rows.get(i).map_or(&[], |r| self.emails.run((r.emails_start, r.emails_len)))
    }

    /// Features of address id `id` (default for the empty address or out of range).
    pub(crate) fn address_features(&self, id: u32) -> compare::AddressFeatures {
        self.address_feature_table().get(id as usize).copied().unwrap_or_default()
    }

    /// Features of every distinct address, computed (in parallel) on the first call.
    pub(crate) fn address_feature_table(&self) -> &[compare::AddressFeatures] {
        self.address_features.get_or_init(|| {
            let strs = &self.interners[Col::Address as usize];
            (0..strs.len())
                .into_par_iter()
                .map(|id| compare::AddressFeatures::of(strs.get(id as u32)))
                .collect()
        })
    }

    pub(crate) fn s(&self, c: Col, i: usize) -> &str {
        self.interners[c as usize].get(self.id(c, i))
    }

    pub(crate) fn interner(&self, c: Col) -> &Interner {
        &self.interners[c as usize]
    }

    /// First-name key used for blocking: the nickname-resolved one when present.
    pub(crate) fn given_key(&self, i: usize) -> &str {
        let c = self.s(Col::GivenCanonical, i);
        if c.is_empty() { self.s(Col::Given, i) } else { c }
    }

    /// Hash of the first-name key and surname of record `i` (`None` when either is missing).
    pub(crate) fn name_hash(&self, i: usize) -> Option<u64> {
        let (g, s) = (self.given_key(i), self.s(Col::Surname, i));
        if g.is_empty() || s.is_empty() {
            return None;
        }
        let (x, y) = if g <= s { (g, s) } else { (s, g) };
        let mut key = String::with_capacity(x.len() + y.len() + 1);
        key.push_str(x);
        key.push('\u{1f}');
        key.push_str(y);
        Some(hash_bytes(0x6e61_6d65, key.as_bytes()))
    }

    pub(crate) fn gender(&self, i: usize) -> u8 {
        self.rows.get(i).map_or(0, |r| r.gender)
    }

    pub(crate) fn birth_packed(&self, i: usize) -> u32 {
        self.rows.get(i).map_or(0, |r| r.birth)
    }

    /// The input index of the record in slot `i`: ties are broken by it, so that results do
    /// not depend on the layout.
    pub(crate) fn record(&self, i: usize) -> u32 {
        self.record_of.get(i).copied().unwrap_or(i as u32)
    }

    /// The slot of input record `r`.
    pub(crate) fn slot(&self, r: u32) -> usize {
        self.slot_of.get(r as usize).map_or(r as usize, |&s| s as usize)
    }

    /// The same records laid out for comparison: in order of surname, then first name (texts),
    /// then input index, with every column's values renumbered in order of first use.
    ///
    /// Most candidate pairs share or nearly share a name, so in this layout the two records
    /// of a pair, and their values, lie near each other in memory: comparing millions of pairs
    /// then mostly reads cached lines instead of jumping across the whole table. Indices into
    /// the result are slots; [`EntityTable::record`] and [`EntityTable::slot`] translate.
    pub(crate) fn laid_out_by_name(self) -> EntityTable {
        let order = self.name_order();
        self.laid_out(&order)
    }

    /// The same records with slot `k` holding this table's slot `order[k]` (`order` is a
    /// permutation of the slots), values renumbered in order of first use.
    fn laid_out(self, order: &[u32]) -> EntityTable {
        let n = order.len();
        // The rows in their new places (one pass of scattered reads), ids still the old ones.
        let mut rows: Vec<Row> = order.par_iter().map(|&r| self.row(r as usize)).collect();
        // Every column's ids renumbered in order of first use along the new layout.
        let remap = |len: usize, ids: &mut dyn Iterator<Item = u32>| -> (Vec<u32>, Vec<u32>) {
            let mut new_of = vec![0u32; len];
            let mut old_of = vec![0u32];
            for id in ids {
                if let Some(slot) = new_of.get_mut(id as usize)
                    && id != 0
                    && *slot == 0
                {
                    *slot = old_of.len() as u32;
                    old_of.push(id);
                }
            }
            (new_of, old_of)
        };
        let phones_run = |r: &Row| (r.phones_start, r.phones_len);
        let emails_run = |r: &Row| (r.emails_start, r.emails_len);
        // A multi-valued column: its ids renumbered, and each record's run in the new layout.
        let multi = |m: &MultiCol, run: fn(&Row) -> (u32, u8)| -> (MultiCol, Vec<u32>) {
            let mut ids = rows.iter().flat_map(|r| m.run(run(r)).iter().copied());
            let (new_of, old_of) = remap(m.interner.len(), &mut ids);
            let mut ids = Vec::with_capacity(m.ids.len());
            let mut starts = Vec::with_capacity(n);
            for r in &rows {
                let start = ids.len();
                ids.extend(m.run(run(r)).iter().map(|&id| new_of[id as usize]));
                if let Some(slice) = ids.get_mut(start..) {
                    slice.sort_unstable();
                }
                starts.push(start as u32);
            }
            let features = old_of.iter().map(|&old| if old == 0 { 0 } else { m.feature(old) });
            let interner = m.interner.renumbered(&old_of);
            (MultiCol { ids, interner, features: features.collect() }, starts)
        };
        let (columns, ((phones, phone_starts), (emails, email_starts))) = rayon::join(
            || {
                (0..N_COLS)
                    .into_par_iter()
                    .map(|c| {
                        let (new_of, old_of) =
                            remap(self.interners[c].len(), &mut rows.iter().map(|r| r.ids[c]));
                        (new_of, self.interners[c].renumbered(&old_of))
                    })
                    .collect::<Vec<_>>()
            },
            || rayon::join(|| multi(&self.phones, phones_run), || multi(&self.emails, emails_run)),
        );
        rows.par_iter_mut().enumerate().for_each(|(k, row)| {
            for (id, (new_of, _)) in row.ids.iter_mut().zip(&columns) {
                *id = new_of.get(*id as usize).copied().unwrap_or(0);
            }
            row.phones_start = phone_starts[k];
            row.emails_start = email_starts[k];
        });
        // A table laid out before is translated back to input indices.
        let record_of: Vec<u32> = order.iter().map(|&r| self.record(r as usize)).collect();
        let mut slot_of = vec![0u32; n];
        for (k, &r) in record_of.iter().enumerate() {
            slot_of[r as usize] = k as u32;
        }
        let source = order.iter().map(|&r| self.source(r as usize)).collect();
        let mut interners = columns.into_iter().map(|(_, interner)| interner);
        EntityTable {
            source,
            rows,
            interners: std::array::from_fn(|_| interners.next().unwrap_or_default()),
            address_features: std::sync::OnceLock::new(),
            phones,
            emails,
            record_of,
            slot_of,
        }
    }

    /// Slots in order of surname, first name and input index (see [`laid_out_by_name`]).
    fn name_order(&self) -> Vec<u32> {
        // Rank of each distinct value by its text: records are then sorted by numbers.
        let ranks = |c: Col| {
            let strs = &self.interners[c as usize];
            let mut ids: Vec<u32> = (0..strs.len() as u32).collect();
            ids.par_sort_by(|&x, &y| strs.get(x).cmp(strs.get(y)));
            let mut rank = vec![0u32; ids.len()];
            for (k, &id) in ids.iter().enumerate() {
                rank[id as usize] = k as u32;
            }
            rank
        };
        let (surname, given) = rayon::join(|| ranks(Col::Surname), || ranks(Col::Given));
        let mut keyed: Vec<(u64, u32)> = self
            .rows
            .par_iter()
            .enumerate()
            .map(|(i, r)| {
                let s = u64::from(surname[r.ids[Col::Surname as usize] as usize]);
                let g = u64::from(given[r.ids[Col::Given as usize] as usize]);
                ((s << 32) | g, self.record(i))
            })
            .collect();
        keyed.par_sort_unstable();
        keyed.into_iter().map(|(_, r)| self.slot(r) as u32).collect()
    }
}

/// How often each value occurs per field: the basis of `u` for exact levels and of
/// term-frequency adjustment.
pub(crate) struct TermCounts {
    pub(crate) cols: [Vec<u32>; N_COLS],
    pub(crate) phones: Vec<u32>,
    pub(crate) emails: Vec<u32>,
    pub(crate) birth: HashMap<u32, u32>,
    pub(crate) gender: [u32; 3],
    /// Records per name (first-name key and surname, see [`EntityTable::name_hash`]).
    pub(crate) names: HashMap<u64, u32>,
}

impl TermCounts {
    pub(crate) fn of(t: &EntityTable) -> TermCounts {
        let cols: [Vec<u32>; N_COLS] = std::array::from_fn(|c| {
            let mut v = vec![0u32; t.interners[c].len()];
            for id in t.rows.iter().map(|r| r.ids[c]) {
                if id != 0
                    && let Some(x) = v.get_mut(id as usize)
                {
                    *x += 1;
                }
            }
            v
        });
        let multi = |m: &MultiCol| {
            let mut v = vec![0u32; m.interner.len()];
            for &id in &m.ids {
                if let Some(x) = v.get_mut(id as usize) {
                    *x += 1;
                }
            }
            v
        };
        let mut birth = HashMap::new();
        for b in t.rows.iter().map(|r| r.birth) {
            if b != 0 {
                *birth.entry(b).or_insert(0u32) += 1;
            }
        }
        let mut gender = [0u32; 3];
        for g in t.rows.iter().map(|r| r.gender) {
            if let Some(x) = gender.get_mut(g as usize) {
                *x += 1;
            }
        }
        let mut names = HashMap::new();
        for i in 0..t.len() {
            if let Some(h) = t.name_hash(i) {
                *names.entry(h).or_insert(0u32) += 1;
            }
        }
        TermCounts {
            cols,
            phones: multi(&t.phones),
            emails: multi(&t.emails),
            birth,
            gender,
            names,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Small deterministic helpers.

/// A fast, seedable, platform-independent 64-bit hash (Fx-style mixing + murmur finalizer).
pub(crate) fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = seed ^ (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let mut tail = 0u64;
    for (k, &b) in chunks.remainder().iter().enumerate() {
        tail |= u64::from(b) << (8 * k);
    }
    h = (h.rotate_left(5) ^ tail).wrapping_mul(K);
    fmix64(h)
}

pub(crate) fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// SplitMix64: a tiny seeded PRNG for the random pair sample.
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        fmix64(self.0)
    }

    /// Uniform in `0..n` (n > 0), by multiply-shift.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

// ---------------------------------------------------------------------------------------------
// The pipeline.

/// Deduplicates `entities` (see the module docs). Equivalent to building an [`EntityTable`]
/// and calling [`dedupe_table`].
pub fn dedupe(entities: &[Entity], settings: &DedupeSettings) -> DedupeResult {
    dedupe_table(EntityTable::from_entities(entities), settings)
}

/// Deduplicates the records of `table`. Runs on the current rayon thread pool; the result
/// does not depend on the number of threads.
///
/// The table is first laid out by name (`EntityTable::laid_out_by_name`) so that the two
/// records of most candidate pairs lie near each other in memory. Blocking, comparison and
/// scoring run on slots; ties are broken and pairs oriented by input index, and everything
/// returned is in input indices, so the result is the same as on the table as pushed.
pub fn dedupe_table(table: EntityTable, settings: &DedupeSettings) -> DedupeResult {
    let table = table.laid_out_by_name();
    dedupe_slots(&table, settings)
}

/// [`dedupe_table`] on `table` as it is laid out (its slots in any order).
fn dedupe_slots(table: &EntityTable, settings: &DedupeSettings) -> DedupeResult {
    let n = table.len();
    // Each pair is compared with its earlier input record first, as on the table as pushed.
    let oriented = |a: usize, b: usize| {
        if table.record(a) <= table.record(b) { (a, b) } else { (b, a) }
    };
    // Term counts are built beside blocking. The address features are built after it: they
    // are tens of megabytes, and blocking's sorted pair lists are the run's memory peak.
    let (blocked, counts) =
        rayon::join(|| block::candidate_pairs(table, settings), || TermCounts::of(table));
    table.address_feature_table();

    // 1. Blocking (above).
    let pairs = &blocked.pairs;

    // 2. Comparison levels of every candidate pair.
    let levels: Vec<u64> = pairs
        .par_iter()
        .map_init(compare::LevelMemo::new, |memo, &p| {
            let (a, b) = block::unpack_pair(p);
            let (a, b) = oriented(a, b);
            compare::pack(&compare::compare_memo(table, a, b, memo).levels)
        })
        .collect();

    // 3. Model: u from counts + random sample, m by EM over the candidates, ignoring in each
    //    pair the fields that blocking made it agree on.
    //    EM sees each distinct masked pattern once, with its count (no copy per pair).
    let training: Vec<(u64, u64)> = {
        let counted = levels
            .par_iter()
            .zip(blocked.sources.par_iter())
            .fold(HashMap::new, |mut m: HashMap<u64, u64>, (&lv, &src)| {
                *m.entry(lv & block::training_mask(src)).or_insert(0) += 1;
                m
            })
            .reduce(HashMap::new, |mut a, b| {
                for (k, v) in b {
                    *a.entry(k).or_insert(0) += v;
                }
                a
            });
        let mut v: Vec<(u64, u64)> = counted.into_iter().collect();
        v.sort_unstable();
        v
    };
    let certain = score::certain_matches(&levels);
    let (model, sample) = score::estimate(table, &counts, &training, &levels, certain, settings);
    drop(training);

    // 4. Scores; only pairs at or above the review threshold are kept.
    let mut kept: Vec<ScoredPair> = pairs
        .par_iter()
        .zip(levels.par_iter())
        .filter_map(|(&p, &lv)| {
            let (a, b) = block::unpack_pair(p);
            let (a, b) = oriented(a, b);
            let lv = compare::unpack(lv);
            let weight = model.total_weight(&model.field_weights(
                table,
                &score::Tf::Table(&counts),
                a,
                b,
                &lv,
            ));
            let probability = score::probability(weight);
            (probability >= settings.review_threshold).then(|| ScoredPair {
                a: table.record(a),
                b: table.record(b),
                weight,
                probability,
                veto: model.veto(&lv),
            })
        })
        .collect();
    drop(levels);
    // From here on, input indices, in the order of the table as pushed.
    kept.par_sort_unstable_by_key(|sp| (sp.a, sp.b));

    let mut matched = Vec::new();
    let mut review = Vec::new();
    let mut vetoed = 0u64;
    for sp in kept {
        if sp.probability >= settings.match_threshold && sp.veto.is_none() {
            matched.push(sp);
        } else {
            if sp.probability >= settings.match_threshold {
                vetoed += 1;
            }
            review.push(sp);
        }
    }
    review.sort_by(|x, y| {
        y.probability.total_cmp(&x.probability).then(x.a.cmp(&y.a)).then(x.b.cmp(&y.b))
    });
    let review_total = review.len() as u64;
    review.truncate(settings.max_review_pairs);

    // 5. Clusters with the anti-chaining check.
    let cannot_link = |x: u32, y: u32| -> bool {
        let (x, y) = (table.slot(x), table.slot(y));
        let lv = compare::compare(table, x, y).levels;
        if model.veto(&lv).is_some() {
            return true;
        }
        let w =
            model.total_weight(&model.field_weights(table, &score::Tf::Table(&counts), x, y, &lv));
        score::probability(w) < settings.cannot_link_probability
    };
    let edges: Vec<(u32, u32, f64)> = matched.iter().map(|p| (p.a, p.b, p.weight)).collect();
    let clustered = cluster::cluster(n, &edges, &cannot_link, settings.max_cluster_checks);

    let mut sizes = vec![0usize; clustered.clusters];
    for &c in &clustered.cluster_of {
        if let Some(s) = sizes.get_mut(c as usize) {
            *s += 1;
        }
    }
    let stats = DedupeStats {
        records: n,
        passes: blocked.passes,
        candidate_pairs: pairs.len() as u64,
        all_pairs: (n as u64) * (n.saturating_sub(1) as u64) / 2,
        capped_blocks: blocked.capped,
        capped_blocks_total: blocked.capped_total,
        u_sample_pairs: sample,
        em_iterations: model.em_iterations,
        em_converged: model.em_converged,
        candidate_match_rate: model.candidate_match_rate,
        prior_match_probability: model.prior_match_probability,
        matched_pairs: matched.len() as u64,
        review_pairs: review_total,
        vetoed_pairs: vetoed,
        clusters: clustered.clusters,
        multi_record_clusters: sizes.iter().filter(|&&s| s > 1).count(),
        largest_cluster: sizes.iter().copied().max().unwrap_or(0),
        split_clusters: clustered.split.len(),
    };
    DedupeResult {
        cluster_of: clustered.cluster_of,
        matched_pairs: matched,
        review_pairs: review,
        split_clusters: clustered.split,
        model,
        stats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frozen_interner_keeps_its_ids_when_added_to() {
        let mut strs = Interner::default();
        let words = ["ivanov", "petrov", "ivanova", "sidorov"];
        let ids: Vec<u32> = words.iter().map(|w| strs.intern(w)).collect();
        strs.freeze();
        assert!(strs.by_hash.is_empty());
        assert_eq!(strs.get(ids[2]), "ivanova");
        // Known values get their old ids back; a new one gets the next id.
        for (w, &id) in words.iter().zip(&ids) {
            assert_eq!(strs.intern(w), id);
        }
        assert_eq!(strs.intern("smirnov"), 5);
        assert_eq!(strs.intern("petrov"), ids[1]);
    }

    #[test]
    fn laying_out_keeps_every_record_and_value() {
        let (entities, _, _) = fixture();
        let t = EntityTable::from_entities(&entities);
        let once = t.clone().laid_out_by_name();
        let reversed: Vec<u32> = (0..once.len() as u32).rev().collect();
        let twice = once.clone().laid_out(&reversed);
        let strings = |m: &MultiCol, ids: &[u32]| -> Vec<String> {
            let mut v: Vec<String> = ids.iter().map(|&id| m.interner.get(id).to_owned()).collect();
            v.sort();
            v
        };
        for l in [&once, &twice] {
            assert_eq!(l.len(), t.len());
            for r in 0..t.len() {
                let k = l.slot(r as u32);
                assert_eq!(l.record(k), r as u32);
                assert_eq!(l.source(k), t.source(r));
                assert_eq!((l.birth_packed(k), l.gender(k)), (t.birth_packed(r), t.gender(r)));
                for c in 0..N_COLS {
                    assert_eq!(
                        l.interners[c].get(l.rows[k].ids[c]),
                        t.interners[c].get(t.rows[r].ids[c]),
                        "record {r} column {c}"
                    );
                }
                assert_eq!(strings(&l.phones, l.phones_of(k)), strings(&t.phones, t.phones_of(r)));
                assert_eq!(strings(&l.emails, l.emails_of(k)), strings(&t.emails, t.emails_of(r)));
                let features =
                    |m: &MultiCol, ids: &[u32]| ids.iter().map(|&id| m.feature(id)).sum::<u64>();
                assert_eq!(
                    features(&l.phones, l.phones_of(k)),
                    features(&t.phones, t.phones_of(r))
                );
                // Runs stay sorted: comparisons intersect them by merging.
                assert!(l.phones_of(k).is_sorted() && l.emails_of(k).is_sorted());
            }
        }
        // Slots go by surname.
        assert!((1..once.len()).all(|k| once.s(Col::Surname, k - 1) <= once.s(Col::Surname, k)));
    }

    /// Everything [`dedupe_slots`] returns, to compare layouts.
    fn outcome(r: &DedupeResult) -> String {
        format!(
            "{:?} {:?} {:?} {:?} {:?}",
            r.cluster_of, r.matched_pairs, r.review_pairs, r.split_clusters, r.stats
        )
    }

    #[test]
    fn the_layout_changes_no_result() {
        let (entities, _, _) = fixture();
        let t = EntityTable::from_entities(&entities);
        let n = t.len() as u32;
        let mut shuffled: Vec<u32> = (0..n).collect();
        let mut rng = SplitMix64(7);
        for k in (1..shuffled.len()).rev() {
            shuffled.swap(k, rng.below(k as u64 + 1) as usize);
        }
        // Small blocks and windows: ties inside capped blocks and sorted passes decide pairs.
        let tight = DedupeSettings { max_block_size: 3, ..DedupeSettings::default() };
        for settings in [DedupeSettings::default(), tight] {
            let as_pushed = dedupe_slots(&t, &settings);
            assert!(as_pushed.stats.matched_pairs > 0);
            for layout in [
                t.clone().laid_out_by_name(),
                t.clone().laid_out(&(0..n).rev().collect::<Vec<u32>>()),
                t.clone().laid_out(&shuffled),
            ] {
                assert_eq!(outcome(&dedupe_slots(&layout, &settings)), outcome(&as_pushed));
            }
            assert_eq!(outcome(&dedupe_table(t.clone(), &settings)), outcome(&as_pushed));
        }
    }

    #[test]
    fn freezing_a_table_changes_no_result() {
        let entities = population(400, 11);
        let mut table = EntityTable::from_entities(&entities);
        let before = dedupe_table(table.clone(), &DedupeSettings::default());
        table.freeze();
        let after = dedupe_table(table, &DedupeSettings::default());
        assert_eq!(before.cluster_of, after.cluster_of);
        assert_eq!(before.stats.candidate_pairs, after.stats.candidate_pairs);
    }

    fn person(given: &str, surname: &str, patronymic: &str) -> Entity {
        Entity {
            given: given.into(),
            given_canonical: given.into(),
            surname: surname.into(),
            patronymic: patronymic.into(),
            ..Entity::default()
        }
    }

    /// A seeded population of distinct people, so that u and term frequencies have data.
    fn population(n: usize, seed: u64) -> Vec<Entity> {
        const GIVEN: &[&str] = &[
            "aleksandr",
            "dmitrii",
            "sergei",
            "andrei",
            "aleksei",
            "ivan",
            "mikhail",
            "nikolai",
            "elena",
            "olga",
            "natalia",
            "tatiana",
            "irina",
            "svetlana",
            "anna",
            "mariia",
        ];
        const SURNAMES: &[&str] = &[
            "smirnov",
            "kuznetsov",
            "popov",
            "vasilev",
            "sokolov",
            "mikhailov",
            "novikov",
            "fedorov",
            "morozov",
            "volkov",
            "alekseev",
            "lebedev",
            "semenov",
            "egorov",
            "pavlov",
            "kozlov",
            "stepanov",
            "nikolaev",
            "orlov",
            "andreev",
            "makarov",
            "nikitin",
        ];
        const CITIES: &[&str] = &["moskva", "kazan", "omsk", "perm", "ufa", "samara", "tver"];
        let mut rng = SplitMix64(seed);
        (0..n)
            .map(|k| {
                let mut e = person(
                    GIVEN[rng.below(GIVEN.len() as u64) as usize],
                    SURNAMES[rng.below(SURNAMES.len() as u64) as usize],
                    "",
                );
                // Random channels: sequential numbers would look like one-digit typos.
                e.phones = vec![format!("+79{:09}", rng.below(1_000_000_000))];
                e.emails = vec![format!("u{}x{k}@mail.ru", rng.below(1_000_000_000))];
                e.birth_date = Some(BirthDate::new(
                    1950 + rng.below(50) as u16,
                    1 + rng.below(12) as u8,
                    1 + rng.below(28) as u8,
                ));
                e.locality = CITIES[rng.below(CITIES.len() as u64) as usize].into();
                e.address = format!("ul lenina {}", rng.below(200));
                e
            })
            .collect()
    }

    #[test]
    fn remembered_levels_are_the_levels() {
        // Typos, nicknames, patronymics and cities repeat, so one memo meets the same value
        // pairs many times, in both orders, and its slots are reused.
        let mut es = population(300, 11);
        let patronymics = ["ivanovich", "ivanovch", "petrovna", "i", "", "sergeevich"];
        let cities = ["moskva", "moskwa", "kazan", "", "sankt-peterburg", "sankt peterburg"];
        for (k, e) in es.iter_mut().enumerate() {
            e.patronymic = patronymics[k % patronymics.len()].into();
            e.locality = cities[k % cities.len()].into();
            if k % 5 == 0 {
                e.given = format!("{}a", e.given);
            }
            if k % 7 == 0 {
                e.given_canonical = String::new();
            }
        }
        let t = EntityTable::from_entities(&es);
        let mut memo = compare::LevelMemo::new();
        for a in 0..t.len() {
            for b in (0..t.len()).step_by(3) {
                assert_eq!(
                    compare::compare_memo(&t, a, b, &mut memo),
                    compare::compare(&t, a, b),
                    "{a} {b}"
                );
            }
        }
    }

    /// Labelled cases appended to a population; returns (entities, same-person groups,
    /// pairs that must stay apart).
    /// Entities, groups of the same person, pairs of different people.
    type Fixture = (Vec<Entity>, Vec<Vec<usize>>, Vec<(usize, usize)>);

    fn fixture() -> Fixture {
        let mut es = population(400, 7);
        let mut same = Vec::new();
        let mut apart = Vec::new();
        let add = |es: &mut Vec<Entity>, e: Entity| {
            es.push(e);
            es.len() - 1
        };

        // Typo'd duplicate with the same phone, email missing on one side.
        let mut a = person("konstantin", "rimskii", "petrovich");
        a.phones = vec!["+79035550101".into()];
        a.emails = vec!["k.rimskii@yandex.ru".into()];
        a.locality = "moskva".into();
        let mut b = a.clone();
        b.surname = "rimskij".into();
        b.emails.clear();
        let (ia, ib) = (add(&mut es, a), add(&mut es, b));
        same.push(vec![ia, ib]);

        // Swapped name order, day↔month swap, same email.
        let mut c = person("aleksandra", "zhdanova", "igorevna");
        c.emails = vec!["zhdanova.a@mail.ru".into()];
        c.birth_date = Some(BirthDate::new(1984, 3, 12));
        let mut d = person("zhdanova", "aleksandra", "");
        d.emails = vec!["zhdanova.a@mail.ru".into()];
        d.birth_date = Some(BirthDate::new(1984, 12, 3)); // day and month swapped
        let (ic, id) = (add(&mut es, c), add(&mut es, d));
        same.push(vec![ic, id]);

        // Nickname (canonical key) with the same phone and birth date.
        let mut n_a = person("aleksandr", "kolesnikov", "");
        n_a.phones = vec!["+79167770102".into()];
        n_a.birth_date = Some(BirthDate::new(1979, 5, 30));
        let mut n_b = n_a.clone();
        n_b.given = "sasha".into();
        let (na, nb) = (add(&mut es, n_a), add(&mut es, n_b));
        same.push(vec![na, nb]);

        // Household: same surname, phone and address; different first names.
        let mut h1 = person("gennadii", "tikhomirov", "");
        h1.phones = vec!["+74957770011".into()];
        h1.address = "ul sadovaia 5 kv 12".into();
        h1.street_number = "5".into();
        h1.locality = "moskva".into();
        let mut h2 = h1.clone();
        h2.given = "valentina".into();
        h2.given_canonical = "valentina".into();
        h2.surname = "tikhomirova".into();
        let mut h3 = h1.clone();
        h3.given = "arsenii".into();
        h3.given_canonical = "arsenii".into();
        let (i1, i2, i3) = (add(&mut es, h1), add(&mut es, h2), add(&mut es, h3));
        apart.extend([(i1, i2), (i1, i3), (i2, i3)]);

        // Namesakes: same name and phone of a company switchboard, different patronymics.
        let mut n1 = person("oleg", "belozerov", "ivanovich");
        n1.phones = vec!["+74951234567".into()];
        n1.locality = "moskva".into();
        let mut n2 = n1.clone();
        n2.patronymic = "sergeevich".into();
        let (j1, j2) = (add(&mut es, n1), add(&mut es, n2));
        apart.push((j1, j2));

        // Namesakes without patronymics: same name, different birth dates, different cities.
        let mut m1 = person("pavel", "gromov", "");
        m1.birth_date = Some(BirthDate::new(1961, 4, 2));
        m1.locality = "omsk".into();
        let mut m2 = m1.clone();
        m2.birth_date = Some(BirthDate::new(1993, 10, 27));
        m2.locality = "kazan".into();
        let (k1, k2) = (add(&mut es, m1), add(&mut es, m2));
        apart.push((k1, k2));

        // Triple with a typo'd phone and shared email.
        let mut t1 = person("evgeniia", "shcherbakova", "olegovna");
        t1.phones = vec!["+79261112233".into()];
        t1.emails = vec!["evgeniia.sh@gmail.com".into()];
        t1.birth_date = Some(BirthDate::new(1990, 7, 15));
        let mut t2 = t1.clone();
        t2.given = "evgenia".into();
        t2.phones = vec!["+79261112223".into()];
        let mut t3 = t1.clone();
        t3.phones.clear();
        t3.surname = "shcherbakva".into();
        let g = vec![add(&mut es, t1), add(&mut es, t2), add(&mut es, t3)];
        same.push(g);

        // Colleagues: one switchboard, one employer, the same common first name, other
        // surnames. The shared line and the employer are one piece of evidence.
        let mut colleagues = Vec::new();
        for (k, surname) in ["zaitseva", "kiseleva", "lazareva", "frolova"].iter().enumerate() {
            let mut c = person("anna", surname, "");
            c.phones = vec!["+74956660000".into()];
            c.inn = "7701234567".into();
            c.company = "romashka".into();
            c.locality = "moskva".into();
            c.emails = vec![format!("a{k}@romashka.ru")];
            colleagues.push(add(&mut es, c));
        }
        for (x, &i) in colleagues.iter().enumerate() {
            for &j in &colleagues[x + 1..] {
                apart.push((i, j));
            }
        }
        (es, same, apart)
    }

    #[test]
    fn name_spelled_email_weighs_against_namesakes() {
        // Forty namesakes; two of them picked the same address spelled from the name at the
        // same provider. That is what namesakes do, not proof of one person.
        let mut es = population(400, 11);
        for k in 0..40 {
            let mut e = person("ivan", "petrov", "");
            e.emails = vec![format!("ivan.petrov{k}@mail.ru")];
            // Phones far apart: sequential numbers would look like one-digit typos.
            e.phones = vec![format!("+79{:09}", (k as u64 * 982_451_653) % 1_000_000_000)];
            es.push(e);
        }
        let n = es.len();
        es[n - 1].emails = vec!["ivan.petrov@mail.ru".into()];
        es[n - 2].emails = vec!["ivan.petrov@mail.ru".into()];
        let r = dedupe(&es, &DedupeSettings::default());
        let e = explain(&es[n - 1], &es[n - 2], &r.model);
        assert_ne!(r.cluster_of[n - 1], r.cluster_of[n - 2], "{e:#?}");
        let email = &e.fields[Field::Email as usize];
        assert_eq!(email.level, compare::level::EMAIL_NAME_SPELLED);
        // The same two records with a personal address would share real evidence.
        let (mut x, mut y) = (es[n - 1].clone(), es[n - 2].clone());
        x.emails = vec!["kotik77@mail.ru".into()];
        y.emails = vec!["kotik77@mail.ru".into()];
        let personal = explain(&x, &y, &r.model);
        assert_eq!(personal.fields[Field::Email as usize].level, compare::EXACT);
        assert!(email.weight + 3.0 < personal.fields[Field::Email as usize].weight);
        // Gender follows from the agreeing first name: it adds nothing.
        assert_eq!(e.fields[Field::Gender as usize].weight, 0.0);
    }

    #[test]
    fn fixture_merges_duplicates_and_keeps_households_and_namesakes_apart() {
        let (es, same, apart) = fixture();
        let r = dedupe(&es, &DedupeSettings::default());
        for g in &same {
            for &x in g {
                assert_eq!(r.cluster_of[x], r.cluster_of[g[0]], "{:?} vs {:?}", es[x], es[g[0]]);
            }
        }
        for &(x, y) in &apart {
            assert_ne!(r.cluster_of[x], r.cluster_of[y], "{:?} vs {:?}", es[x], es[y]);
        }
        // The population has no duplicates: only the labelled groups form clusters.
        assert_eq!(r.stats.multi_record_clusters, same.len());
        // The household and the namesakes sharing a phone are offered for review, not merged.
        assert!(r.review_pairs.iter().any(|p| p.veto == Some(Veto::GivenNameDiffers)));
        assert!(r.review_pairs.iter().any(|p| p.veto == Some(Veto::PatronymicDiffers)));
    }

    #[test]
    fn cluster_ids_are_dense_and_ordered_by_smallest_member() {
        let (es, _, _) = fixture();
        let r = dedupe(&es, &DedupeSettings::default());
        let mut next = 0;
        for &c in &r.cluster_of {
            assert!(c <= next);
            if c == next {
                next += 1;
            }
        }
        assert_eq!(next as usize, r.stats.clusters);
    }

    #[test]
    fn results_are_identical_with_one_and_two_threads() {
        let (es, _, _) = fixture();
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
            let pool = pool.unwrap_or_else(|e| panic!("thread pool: {e}"));
            let r = pool.install(|| dedupe(&es, &DedupeSettings::default()));
            serde_json::to_string(&r).unwrap_or_default()
        };
        let one = run(1);
        assert!(one.len() > 1000);
        assert_eq!(one, run(2));
        assert_eq!(one, run(3));
    }

    #[test]
    fn explanation_sums_to_the_pair_score() {
        let (es, _, _) = fixture();
        let r = dedupe(&es, &DedupeSettings::default());
        assert!(!r.matched_pairs.is_empty() && !r.review_pairs.is_empty());
        for p in r.matched_pairs.iter().chain(&r.review_pairs) {
            let e = explain(&es[p.a as usize], &es[p.b as usize], &r.model);
            let sum: f64 = e.prior_weight + e.fields.iter().map(|f| f.weight).sum::<f64>();
            assert!((sum - e.total_weight).abs() < 1e-9);
            assert_eq!(e.total_weight, p.weight, "pair {} {}", p.a, p.b);
            assert_eq!(e.probability, p.probability);
            assert_eq!(e.veto, p.veto);
            assert_eq!(e.fields.len(), N_FIELDS);
        }
    }

    #[test]
    fn empty_and_tiny_inputs() {
        let r = dedupe(&[], &DedupeSettings::default());
        assert!(r.cluster_of.is_empty());
        let one = vec![person("ivan", "petrov", "")];
        assert_eq!(dedupe(&one, &DedupeSettings::default()).cluster_of, vec![0]);
        let two = vec![Entity::default(), Entity::default()];
        assert_eq!(dedupe(&two, &DedupeSettings::default()).cluster_of, vec![0, 1]);
    }

    #[test]
    fn birth_date_parsing() {
        assert_eq!(BirthDate::parse_yyyymmdd("19560409"), Some(BirthDate::new(1956, 4, 9)));
        assert_eq!(BirthDate::parse_yyyymmdd("19561309"), Some(BirthDate::new(1956, 13, 9)));
        assert_eq!(BirthDate::parse_yyyymmdd("1956040"), None);
        assert_eq!(BirthDate::parse_yyyymmdd("00000000"), None);
        assert_eq!(BirthDate::parse_yyyymmdd("1956-4-9"), None);
        let d = BirthDate::new(2001, 12, 31);
        assert_eq!(BirthDate::unpack(d.pack()), Some(d));
    }

    #[test]
    fn rules_are_documented() {
        for r in RULES {
            for section in
                ["## What it checks", "## Why it matters", "## Example", "## Fix", "## Options"]
            {
                assert!(r.doc.contains(section), "{} lacks {section}", r.code);
            }
            assert!(r.code.starts_with("DU") && r.code.len() == 5);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn never_panics_on_arbitrary_entities(
            rows in proptest::collection::vec(
                ("\\PC{0,6}", "\\PC{0,6}", "[0-9+]{0,5}", proptest::option::of((0u16..3000, 0u8..40, 0u8..40))),
                0..25,
            )
        ) {
            let es: Vec<Entity> = rows
                .into_iter()
                .map(|(g, s, p, d)| Entity {
                    given: g.clone(),
                    given_canonical: g,
                    surname: s,
                    phones: vec![p],
                    birth_date: d.map(|(y, m, dd)| BirthDate::new(y, m, dd)),
                    ..Entity::default()
                })
                .collect();
            let r = dedupe(&es, &DedupeSettings::default());
            proptest::prop_assert_eq!(r.cluster_of.len(), es.len());
        }

        #[test]
        fn any_layout_gives_the_result_of_the_table_as_pushed(
            rows in proptest::collection::vec(
                ("[ab]{1,2}", "[xy]{0,2}", "[0-9]{0,1}", proptest::option::of(0u8..3)),
                0..40,
            ),
            max_block_size in 2usize..6,
        ) {
            // Few distinct values: many ties, capped blocks and shared keys.
            let es: Vec<Entity> = rows
                .into_iter()
                .map(|(g, s, p, d)| Entity {
                    given: g.clone(),
                    surname: s,
                    phones: if p.is_empty() { vec![] } else { vec![format!("+7916000000{p}")] },
                    birth_date: d.map(|d| BirthDate::new(1980, 1, 1 + d)),
                    ..Entity::default()
                })
                .collect();
            let settings = DedupeSettings { max_block_size, ..DedupeSettings::default() };
            let t = EntityTable::from_entities(&es);
            let as_pushed = dedupe_slots(&t, &settings);
            let reversed: Vec<u32> = (0..t.len() as u32).rev().collect();
            proptest::prop_assert_eq!(outcome(&dedupe(&es, &settings)), outcome(&as_pushed));
            proptest::prop_assert_eq!(outcome(&dedupe_slots(&t.laid_out(&reversed), &settings)), outcome(&as_pushed));
        }
    }
}
