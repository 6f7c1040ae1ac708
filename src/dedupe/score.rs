//! Unsupervised Fellegi-Sunter scoring.
//!
//! For each field and agreement level, `m` is the probability of the level among true matches
//! and `u` among non-matches; a level adds `log2(m / u)` bits to the match weight, `missing`
//! adds nothing. Everything is estimated from the data:
//!
//! * `u` of the exact level from the value frequencies (the chance that two random records
//!   share a value), `u` of the other levels from a seeded random sample of record pairs;
//! * `m` of each field from *anchor* pairs (`is_anchor`): candidates whose names and two
//!   independent identifiers other than that field agree. Blocking masks the fields that made a
//!   pair, and EM over a million-row base full of namesakes and colleagues learns the wrong
//!   match class; anchors measure each field on pairs selected without it;
//! * the share of matches among candidate pairs (and `m` of fields with too few anchors) by
//!   expectation-maximisation over the candidate pairs (grouped by their level pattern, so EM
//!   costs microseconds);
//! * the prior, `P(two random records match)`, from the EM match count over all pairs.
//!
//! Exact agreements are term-frequency adjusted: sharing `smith` counts less than sharing a
//! rare surname. Hard non-match rules ([`Veto`]) stop merges the independence assumption gets
//! wrong: a household shares surname, address and phone, yet different first names mean
//! different people.

use rayon::prelude::*;
use serde::Serialize;

use super::compare::{self, EXACT, Field, Levels, MISSING, N_FIELDS, level};
use super::{Col, DedupeSettings, Entity, EntityTable, SplitMix64, TermCounts};

/// A hard non-match rule: the pair is never merged automatically, whatever its weight.
/// None applies when the national ids agree (exactly or with one typo).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Veto {
    /// Both first names present and clearly different (not a nickname, typo or initial), unless
    /// the birth dates are identical and the genders agree: household members, colleagues
    /// sharing a switchboard.
    GivenNameDiffers,
    /// Both patronymics present and clearly different: namesakes, father and son.
    PatronymicDiffers,
    /// Both birth dates complete and clearly different (not a typo or day↔month swap) while
    /// the first names do not agree exactly (or by nickname).
    BirthDateDiffers,
}

impl Veto {
    /// A short human description.
    pub fn describe(self) -> &'static str {
        match self {
            Veto::GivenNameDiffers => "different first names",
            Veto::PatronymicDiffers => "different patronymics",
            Veto::BirthDateDiffers => "different birth dates",
        }
    }
}

/// Estimated parameters of one field.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldParams {
    /// The field.
    pub field: Field,
    /// Level names, index = level.
    pub levels: Vec<&'static str>,
    /// `m` per level (index 0, `missing`, unused).
    pub m: Vec<f64>,
    /// `u` per level (index 0 unused).
    pub u: Vec<f64>,
    /// Records with this field present.
    pub present: u64,
}

/// Value counts kept in the model so that [`explain`] can term-frequency adjust without the
/// table; only values seen at least twice are stored (others count as 1).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct TfTable {
    strings: Vec<(Box<str>, u32)>,
    dates: Vec<(u32, u32)>,
}

impl TfTable {
    fn string(&self, s: &str) -> u32 {
        self.strings.binary_search_by(|(k, _)| (**k).cmp(s)).map_or(1, |i| self.strings[i].1)
    }

    fn date(&self, d: u32) -> u32 {
        self.dates.binary_search_by(|(k, _)| k.cmp(&d)).map_or(1, |i| self.dates[i].1)
    }
}

/// The fitted Fellegi-Sunter model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Model {
    /// Parameters per field, in [`Field::ALL`] order.
    pub fields: Vec<FieldParams>,
    /// Prior probability that two random records match.
    pub prior_match_probability: f64,
    /// `log2` of the prior odds: the starting point of every match weight.
    pub prior_weight: f64,
    /// EM estimate of the share of matches among candidate pairs.
    pub candidate_match_rate: f64,
    /// EM iterations run.
    pub em_iterations: u32,
    /// Whether EM converged.
    pub em_converged: bool,
    /// Whether exact agreements are term-frequency adjusted.
    pub tf_adjustment: bool,
    /// Lower bound of an adjusted `u` relative to the field's exact `u`.
    pub tf_min_u_ratio: f64,
    /// Whether hard non-match rules apply.
    pub hard_non_match: bool,
    #[serde(skip)]
    pub(crate) tf: Vec<TfTable>,
    /// Records per name hash (counts ≥ 2), sorted: the population a name-spelled email is
    /// weighed against.
    #[serde(skip)]
    pub(crate) name_groups: Vec<(u64, u32)>,
    #[serde(skip)]
    weights: Vec<Vec<f64>>,
    /// `tf_weight` of counts below [`TF_MEMO`] per field, computed once: scoring millions of
    /// pairs would otherwise take a logarithm per exact field.
    #[serde(skip)]
    tf_memo: Vec<Vec<f64>>,
}

/// Counts whose term-frequency weight is computed in advance (larger ones are rare).
const TF_MEMO: u32 = 4096;

/// Where term frequencies come from: the table being deduplicated, or the model's copy.
pub(crate) enum Tf<'a> {
    Table(&'a TermCounts),
    Model,
}

/// Fields whose exact agreement is term-frequency adjusted.
fn tf_field(f: Field) -> bool {
    !matches!(f, Field::Gender | Field::Region)
}

fn col_of(f: Field) -> Option<Col> {
    Some(match f {
        Field::Given => Col::Given,
        Field::Surname => Col::Surname,
        Field::Patronymic => Col::Patronymic,
        Field::StreetNumber => Col::StreetNumber,
        Field::Address => Col::Address,
        Field::Locality => Col::Locality,
        Field::Postcode => Col::Postcode,
        Field::Region => Col::Region,
        Field::NationalId => Col::NationalId,
        Field::Inn => Col::Inn,
        Field::Company => Col::Company,
        Field::Gender | Field::BirthDate | Field::Phone | Field::Email => return None,
    })
}

/// Posterior probability of a match weight in bits.
pub fn probability(weight: f64) -> f64 {
    1.0 / (1.0 + (-weight).exp2())
}

impl Model {
    /// Weight in bits of one level without term-frequency adjustment.
    pub fn level_weight(&self, f: Field, level: u8) -> f64 {
        self.weights.get(f as usize).and_then(|w| w.get(level as usize)).copied().unwrap_or(0.0)
    }

    /// The hard non-match rule that fires for these levels, if any.
    pub fn veto(&self, lv: &Levels) -> Option<Veto> {
        // A personal id that agrees (allowing one typo) outweighs a replaced name or date.
        let id = lv[Field::NationalId as usize];
        if !self.hard_non_match || id == EXACT || id == level::ID_CLOSE {
            return None;
        }
        let given = lv[Field::Given as usize];
        let date = lv[Field::BirthDate as usize];
        let same_gender = lv[Field::Gender as usize] != compare::Field::Gender.different();
        if lv[Field::Patronymic as usize] == level::PATRONYMIC_DIFFERENT {
            Some(Veto::PatronymicDiffers)
        } else if given == level::GIVEN_DIFFERENT && !(date == EXACT && same_gender) {
            // Only an identical birth date of a same-gender person explains a replaced name;
            // otherwise it is a spouse, child or colleague.
            Some(Veto::GivenNameDiffers)
        } else if date == level::DATE_DIFFERENT && !matches!(given, EXACT | level::GIVEN_NICKNAME) {
            // A different date with a first name that does not confirm the person.
            Some(Veto::BirthDateDiffers)
        } else {
            None
        }
    }

    /// Prior weight plus the field weights, summed in field order.
    pub(crate) fn total_weight(&self, w: &[f64; N_FIELDS]) -> f64 {
        w.iter().fold(self.prior_weight, |acc, x| acc + x)
    }

    /// Per-field weights of a compared pair (records `a`, `b` of `t`), with term frequencies.
    pub(crate) fn field_weights(
        &self,
        t: &EntityTable,
        tf: &Tf<'_>,
        a: usize,
        b: usize,
        lv: &Levels,
    ) -> [f64; N_FIELDS] {
        let mut w = [0.0; N_FIELDS];
        for (k, f) in Field::ALL.into_iter().enumerate() {
            let l = lv[k];
            if l == MISSING {
                continue;
            }
            w[k] = match self.tf_count(t, tf, f, a, b, l) {
                Some(c) => self.tf_weight(f, c),
                None if f == Field::Email && l == level::EMAIL_NAME_SPELLED => {
                    self.name_spelled_email_weight(t, tf, a, b)
                }
                None => self.level_weight(f, l),
            };
        }
        // Gender is read from the first name and patronymic: when those agree, agreeing on
        // gender is the same evidence again.
        let g = lv[Field::Given as usize];
        if matches!(g, EXACT | level::GIVEN_NICKNAME | level::GIVEN_CLOSE)
            && lv[Field::Gender as usize] == EXACT
        {
            w[Field::Gender as usize] = 0.0;
        }
        // INN and company name both identify the employer: agreeing on both is one piece of
        // evidence (colleagues share both), so only the stronger one counts.
        let (inn, company) = (Field::Inn as usize, Field::Company as usize);
        if w[inn] > 0.0 && w[company] > 0.0 {
            let weaker = if w[inn] < w[company] { inn } else { company };
            w[weaker] = 0.0;
        }
        // A phone held by three records or more and an employer in common: a switchboard, which
        // colleagues share because they share the employer. One piece of evidence, not two.
        let phone = Field::Phone as usize;
        if lv[phone] == EXACT && (w[inn] > 0.0 || w[company] > 0.0) && w[phone] > 0.0 {
            let line = self
                .tf_count(t, tf, Field::Phone, a, b, EXACT)
                .is_some_and(|c| c >= SHARED_LINE_RECORDS);
            if line {
                let employer = if w[inn] >= w[company] { inn } else { company };
                let weaker = if w[phone] < w[employer] { phone } else { employer };
                w[weaker] = 0.0;
            }
        }
        w
    }

    /// Count of the shared value when the level is exact and the field is adjusted.
    fn tf_count(
        &self,
        t: &EntityTable,
        tf: &Tf<'_>,
        f: Field,
        a: usize,
        b: usize,
        l: u8,
    ) -> Option<u32> {
        if l != EXACT || !self.tf_adjustment || !tf_field(f) {
            return None;
        }
        let model_tf = self.tf.get(f as usize);
        let c = match (f, tf) {
            (Field::BirthDate, Tf::Table(c)) => {
                c.birth.get(&t.birth_packed(a)).copied().unwrap_or(1)
            }
            (Field::BirthDate, Tf::Model) => model_tf?.date(t.birth_packed(a)),
            (Field::Phone | Field::Email, _) => {
                let (m, xa, xb) = if f == Field::Phone {
                    (&t.phones, t.phones_of(a), t.phones_of(b))
                } else {
                    (&t.emails, t.emails_of(a), t.emails_of(b))
                };
                xa.iter()
                    .filter(|id| xb.binary_search(id).is_ok())
                    .map(|&id| match tf {
                        Tf::Table(c) => {
                            let v = if f == Field::Phone { &c.phones } else { &c.emails };
                            v.get(id as usize).copied().unwrap_or(1)
                        }
                        Tf::Model => model_tf.map_or(1, |m2| m2.string(m.interner.get(id))),
                    })
                    .min()?
            }
            (_, Tf::Table(c)) => {
                let col = col_of(f)?;
                c.cols[col as usize].get(t.id(col, a) as usize).copied().unwrap_or(1)
            }
            (_, Tf::Model) => model_tf?.string(t.s(col_of(f)?, a)),
        };
        Some(c.max(1))
    }

    /// Weight of a shared email spelled from the shared names: its `u` is the share of the
    /// records with this name that use the address (namesakes pick the same spelling at the
    /// same provider), smoothed toward [`NAME_SPELLED_U`].
    fn name_spelled_email_weight(&self, t: &EntityTable, tf: &Tf<'_>, a: usize, b: usize) -> f64 {
        let m = self
            .fields
            .get(Field::Email as usize)
            .and_then(|p| p.m.get(level::EMAIL_NAME_SPELLED as usize))
            .copied()
            .unwrap_or(0.5);
        let (xa, xb) = (t.emails_of(a), t.emails_of(b));
        let shared = xa
            .iter()
            .filter(|id| xb.binary_search(id).is_ok())
            .map(|&id| match tf {
                Tf::Table(c) => c.emails.get(id as usize).copied().unwrap_or(1),
                Tf::Model => self
                    .tf
                    .get(Field::Email as usize)
                    .map_or(1, |m2| m2.string(t.emails.interner.get(id))),
            })
            .min()
            .unwrap_or(2)
            .max(2);
        let group = |i: usize| -> u32 {
            let Some(h) = t.name_hash(i) else { return 1 };
            match tf {
                Tf::Table(c) => c.names.get(&h).copied().unwrap_or(1),
                Tf::Model => self
                    .name_groups
                    .binary_search_by(|(k, _)| k.cmp(&h))
                    .map_or(1, |i| self.name_groups[i].1),
            }
        };
        let people = group(a).max(group(b)).max(shared);
        let u = (f64::from(shared - 1) + NAME_SPELLED_PSEUDO * NAME_SPELLED_U)
            / (f64::from(people - 1) + NAME_SPELLED_PSEUDO);
        // Sharing the address is never evidence against: at worst it says nothing beyond the
        // names (a small base where the only records with the name share it).
        (m.max(1e-12) / u.clamp(1e-9, 1.0)).log2().max(0.0)
    }

    fn tf_weight(&self, f: Field, count: u32) -> f64 {
        match self.tf_memo.get(f as usize).and_then(|m| m.get(count as usize)) {
            Some(&w) => w,
            None => self.tf_weight_of(f, count),
        }
    }

    fn tf_weight_of(&self, f: Field, count: u32) -> f64 {
        let Some(p) = self.fields.get(f as usize) else { return 0.0 };
        let (Some(&m), Some(&u)) = (p.m.get(EXACT as usize), p.u.get(EXACT as usize)) else {
            return 0.0;
        };
        if p.present == 0 {
            return self.level_weight(f, EXACT);
        }
        // The value's frequency among the *other* records, smoothed toward the field's average
        // with TF_PSEUDO_RECORDS: in a base of a few dozen rows every value looks common (the
        // duplicate pair itself makes it so), and raw frequencies would erase real evidence.
        let others = f64::from(count.saturating_sub(1));
        let smoothed = (others + TF_PSEUDO_RECORDS * u) / (p.present as f64 + TF_PSEUDO_RECORDS);
        let u_value = smoothed.max(u * self.tf_min_u_ratio);
        (m / u_value.clamp(1e-15, 1.0)).log2()
    }
}

/// Records sharing a phone from which, with a common employer, it counts as a switchboard.
const SHARED_LINE_RECORDS: u32 = 3;

/// Weight of the field's average in a value's term frequency (see `tf_weight`).
const TF_PSEUDO_RECORDS: f64 = 100.0;

/// Prior share of the records with one name that spell an address the same way at the same
/// provider (a handful of common patterns times a handful of big providers).
const NAME_SPELLED_U: f64 = 0.05;
/// Weight of [`NAME_SPELLED_U`], in records.
const NAME_SPELLED_PSEUDO: f64 = 2.0;

/// Per-field part of an [`Explanation`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldExplanation {
    /// The field.
    pub field: Field,
    /// Agreement level.
    pub level: u8,
    /// Its name (`exact`, `nickname`, `different`…).
    pub level_name: &'static str,
    /// Weight in bits added by this field (0 for missing).
    pub weight: f64,
    /// Whether the weight was term-frequency adjusted.
    pub tf_adjusted: bool,
}

/// Why a pair scored as it did. `total_weight` is `prior_weight` plus the field weights, and
/// `probability` its posterior.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    /// One entry per field in [`Field::ALL`] order.
    pub fields: Vec<FieldExplanation>,
    /// Prior log-odds in bits.
    pub prior_weight: f64,
    /// Total match weight in bits.
    pub total_weight: f64,
    /// Posterior match probability.
    pub probability: f64,
    /// Hard non-match rule that fires, if any.
    pub veto: Option<Veto>,
    /// Whether given name and surname were compared crosswise.
    pub names_swapped: bool,
}

/// Explains the score of `a` against `b` under `model`. For a pair `(a, b)` of a
/// [`DedupeResult`](super::DedupeResult), pass the entities in that order: the total then
/// equals the pair's `weight` exactly.
pub fn explain(a: &Entity, b: &Entity, model: &Model) -> Explanation {
    let mut t = EntityTable::new();
    t.push(a);
    t.push(b);
    let c = compare::compare(&t, 0, 1);
    let w = model.field_weights(&t, &Tf::Model, 0, 1, &c.levels);
    let fields = Field::ALL
        .into_iter()
        .enumerate()
        .map(|(k, f)| FieldExplanation {
            field: f,
            level: c.levels[k],
            level_name: f.level_name(c.levels[k]),
            weight: w[k],
            tf_adjusted: model.tf_count(&t, &Tf::Model, f, 0, 1, c.levels[k]).is_some(),
        })
        .collect();
    let total = model.total_weight(&w);
    Explanation {
        fields,
        prior_weight: model.prior_weight,
        total_weight: total,
        probability: probability(total),
        veto: model.veto(&c.levels),
        names_swapped: c.names_swapped,
    }
}

// ---------------------------------------------------------------------------------------------
// Estimation.

/// Exact-agreement `u` from value counts: the chance that two distinct random records with the
/// field present share the value. Returns `(u, records present)`.
fn exact_u(counts: impl Iterator<Item = u32>, present: u64) -> f64 {
    let agree: u128 = counts.map(|c| u128::from(c) * u128::from(c.saturating_sub(1))).sum();
    if present < 2 {
        return 0.01;
    }
    let p = present as f64;
    (agree as f64 / (p * (p - 1.0))).max(1.0 / (p * p))
}

/// Most a true duplicate may disagree completely on a field, as an EM constraint. Without it,
/// EM on a clean base full of namesakes learns "same name, different everything else" as the
/// match class; real duplicates rarely disagree outright on more than a few percent.
const MAX_M_DIFFERENT: f64 = 0.3;

/// Cap of `m[different]` per field. Identity attributes (first name, patronymic, birth date)
/// are rarely replaced outright in a true duplicate, unlike contact channels and addresses,
/// which people change; a surname changes on marriage. Left at the common cap, EM lets
/// colleagues and relatives (who agree on company, phone, address) pull these up and a
/// different first name then costs almost nothing.
fn max_m_different(f: Field) -> f64 {
    match f {
        Field::Given | Field::Patronymic | Field::BirthDate => MAX_M_DIFFERENT_IDENTITY,
        Field::Surname => MAX_M_DIFFERENT_SURNAME,
        _ => MAX_M_DIFFERENT,
    }
}

/// See [`max_m_different`].
const MAX_M_DIFFERENT_IDENTITY: f64 = 0.1;
/// See [`max_m_different`].
const MAX_M_DIFFERENT_SURNAME: f64 = 0.15;

/// Projects `m` onto `m[different] <= cap`, rescaling the agreeing levels.
fn cap_disagreement(m: &mut [f64], different: usize, cap: f64) {
    let Some(&d) = m.get(different) else { return };
    if d <= cap {
        return;
    }
    let rest: f64 =
        m.iter().enumerate().filter(|&(l, _)| l != 0 && l != different).map(|(_, v)| v).sum();
    let n_rest = m.len().saturating_sub(2).max(1) as f64;
    for (l, v) in m.iter_mut().enumerate() {
        if l == different {
            *v = cap;
        } else if l != 0 {
            *v = if rest > 0.0 { *v / rest * (1.0 - cap) } else { (1.0 - cap) / n_rest };
        }
    }
}

/// Starting `m` of a level.
fn initial_m(f: Field, l: u8) -> f64 {
    let k = f.n_levels() - 1; // non-missing levels
    if l == EXACT {
        if k == 2 { 0.9 } else { 0.75 }
    } else if l == f.different() {
        if k == 2 { 0.1 } else { 0.05 }
    } else {
        0.2 / (k - 2) as f64
    }
}

/// Fits the model: `u` from counts and a random sample, `m` and the match rate by EM over the
/// candidate level patterns. Returns the model and the number of sampled pairs.
/// Candidate pairs that agree exactly on four or more fields and disagree on none: duplicates
/// beyond reasonable doubt. EM's match count collapses when duplicates are few (a small or
/// mostly clean base explains them as coincidence); this count is a floor under it.
pub(crate) fn certain_matches(levels: &[u64]) -> f64 {
    levels
        .iter()
        .filter(|&&packed| {
            let lv = compare::unpack(packed);
            let present = || Field::ALL.iter().zip(lv.iter()).filter(|&(_, &l)| l != MISSING);
            let exact = present().filter(|&(_, &l)| l == EXACT).count();
            let differs = present().any(|(f, &l)| usize::from(l) + 1 == f.n_levels());
            exact >= 4 && !differs
        })
        .count() as f64
}

/// Fewest anchor pairs with a field present for its `m` to come from the anchors.
const MIN_ANCHORS: f64 = 30.0;

/// Whether a candidate pair (unmasked levels) is a match beyond doubt on evidence *other than*
/// field `target`: the names agree and at least two independent identifiers agree exactly,
/// and no other identity field disagrees outright. Households (other first name), colleagues
/// (a switchboard and a company, other names) and namesakes (names only) do not qualify.
/// Estimating `m` of `target` from such pairs does not depend on blocking (which masks the
/// very fields that produced a pair) nor on EM's choice of what the match class is.
pub(crate) fn is_anchor(lv: &Levels, target: Field) -> bool {
    let at = |f: Field| lv[f as usize];
    let given_ok = matches!(at(Field::Given), EXACT | level::GIVEN_NICKNAME | level::GIVEN_CLOSE);
    let surname_ok = matches!(at(Field::Surname), EXACT | level::SURNAME_CLOSE);
    let names = match target {
        Field::Given => surname_ok,
        Field::Surname => given_ok,
        _ => given_ok && surname_ok,
    };
    if !names {
        return false;
    }
    let identity = [Field::Given, Field::Surname, Field::Patronymic, Field::BirthDate];
    if identity.iter().any(|&f| f != target && at(f) == f.different()) {
        return false;
    }
    let strong = |f: Field| {
        f != target
            && match f {
                Field::Address => matches!(at(f), EXACT | level::ADDRESS_CLOSE),
                _ => at(f) == EXACT,
            }
    };
    let personal = strong(Field::BirthDate) || strong(Field::NationalId);
    if target == Field::Given && !personal {
        // A household shares surname, phone, address and even a mailbox: only a personal
        // identifier shows that a different first name is the same person.
        return false;
    }
    let n = [Field::Email, Field::Phone, Field::BirthDate, Field::Address, Field::NationalId]
        .into_iter()
        .filter(|&f| strong(f))
        .count();
    n >= 2
}

/// `m` per field from anchor pairs ([`is_anchor`]), `None` where there are too few.
fn anchor_m(candidate_levels: &[u64]) -> Vec<Option<Vec<f64>>> {
    let counts: Vec<Vec<f64>> = candidate_levels
        .par_chunks(1 << 16)
        .map(|chunk| {
            let mut acc: Vec<Vec<f64>> =
                Field::ALL.iter().map(|f| vec![0.0; f.n_levels()]).collect();
            for &p in chunk {
                let lv = compare::unpack(p);
                for (k, f) in Field::ALL.into_iter().enumerate() {
                    let l = lv[k] as usize;
                    if l != MISSING as usize && l < acc[k].len() && is_anchor(&lv, f) {
                        acc[k][l] += 1.0;
                    }
                }
            }
            acc
        })
        .reduce(
            || Field::ALL.iter().map(|f| vec![0.0; f.n_levels()]).collect(),
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(&b) {
                    for (u, v) in x.iter_mut().zip(y) {
                        *u += v;
                    }
                }
                a
            },
        );
    Field::ALL
        .into_iter()
        .zip(counts)
        .map(|(f, c)| {
            let n: f64 = c.iter().sum();
            (n >= MIN_ANCHORS).then(|| {
                let alpha = 1.0;
                let mut m: Vec<f64> = (0..f.n_levels())
                    .map(|l| {
                        if l == 0 {
                            0.0
                        } else {
                            (c[l] + alpha * initial_m(f, l as u8)) / (n + alpha)
                        }
                    })
                    .collect();
                cap_disagreement(&mut m, f.different() as usize, max_m_different(f));
                m
            })
        })
        .collect()
}

pub(crate) fn estimate(
    t: &EntityTable,
    counts: &TermCounts,
    candidate_patterns: &[(u64, u64)],
    unmasked_levels: &[u64],
    certain_matches: f64,
    s: &DedupeSettings,
) -> (Model, u64) {
    let n = t.len();
    let present = presence(t);

    // u of non-exact levels from random pairs.
    let sample = sample_pairs(n, s.u_sample_pairs, s.seed);
    let sampled = sample.len() as u64;
    let level_counts: Vec<[[u64; 8]; N_FIELDS]> = sample
        .par_chunks(4096)
        .map(|chunk| {
            let mut acc = [[0u64; 8]; N_FIELDS];
            for &(a, b) in chunk {
                // Sampled by input index: the same pairs whatever the layout.
                let lv = compare::compare(t, t.slot(a), t.slot(b)).levels;
                for (k, &l) in lv.iter().enumerate() {
                    if let Some(x) = acc[k].get_mut(l as usize) {
                        *x += 1;
                    }
                }
            }
            acc
        })
        .collect();
    let mut sample_counts = [[0u64; 8]; N_FIELDS];
    for acc in &level_counts {
        for (k, row) in acc.iter().enumerate() {
            for (l, v) in row.iter().enumerate() {
                sample_counts[k][l] += v;
            }
        }
    }

    let anchored = anchor_m(unmasked_levels);
    let mut fields = Vec::with_capacity(N_FIELDS);
    for (k, f) in Field::ALL.into_iter().enumerate() {
        let u_exact = match f {
            Field::Gender => exact_u(counts.gender[1..].iter().copied(), present[k]),
            Field::BirthDate => exact_u(counts.birth.values().copied(), present[k]),
            Field::Phone => exact_u(counts.phones.iter().copied(), present[k]),
            Field::Email => exact_u(counts.emails.iter().copied(), present[k]),
            _ => match col_of(f) {
                Some(c) => exact_u(counts.cols[c as usize].iter().copied(), present[k]),
                None => 0.01,
            },
        }
        .min(0.99);
        let n_levels = f.n_levels();
        let other: u64 = (2..n_levels).map(|l| sample_counts[k][l]).sum();
        let mut u = vec![0.0; n_levels];
        u[EXACT as usize] = u_exact;
        for (l, slot) in u.iter_mut().enumerate().skip(2) {
            let share =
                (sample_counts[k][l] as f64 + 0.5) / (other as f64 + 0.5 * (n_levels - 2) as f64);
            *slot = ((1.0 - u_exact) * share).max(1e-12);
        }
        let m = match &anchored[k] {
            Some(m) => m.clone(),
            None => {
                (0..n_levels).map(|l| if l == 0 { 0.0 } else { initial_m(f, l as u8) }).collect()
            }
        };
        fields.push(FieldParams {
            field: f,
            levels: f.level_names().to_vec(),
            m,
            u,
            present: present[k],
        });
    }

    // EM over distinct level patterns.
    let grouped: Vec<(Levels, f64)> =
        candidate_patterns.iter().map(|&(p, count)| (compare::unpack(p), count as f64)).collect();
    let total: f64 = grouped.iter().map(|g| g.1).sum();
    let mut lambda = 0.1f64;
    let mut iterations = 0;
    let mut converged = false;
    let ln_u: Vec<Vec<f64>> = fields.iter().map(|p| p.u.iter().map(|u| u.ln()).collect()).collect();
    while iterations < s.em_max_iterations && !grouped.is_empty() {
        iterations += 1;
        let ln_m: Vec<Vec<f64>> =
            fields.iter().map(|p| p.m.iter().map(|m| m.max(1e-12).ln()).collect()).collect();
        let mut acc: Vec<Vec<f64>> = fields.iter().map(|p| vec![0.0; p.m.len()]).collect();
        let mut matches = 0.0;
        for (lv, count) in &grouped {
            let mut lm = lambda.ln();
            let mut lu = (1.0 - lambda).ln();
            for (k, &l) in lv.iter().enumerate() {
                if l != MISSING {
                    lm += ln_m[k].get(l as usize).copied().unwrap_or(0.0);
                    lu += ln_u[k].get(l as usize).copied().unwrap_or(0.0);
                }
            }
            let posterior = 1.0 / (1.0 + (lu - lm).exp());
            let w = posterior * count;
            matches += w;
            for (k, &l) in lv.iter().enumerate() {
                if l != MISSING
                    && let Some(x) = acc[k].get_mut(l as usize)
                {
                    *x += w;
                }
            }
        }
        let new_lambda = (matches / total).clamp(1e-9, 1.0 - 1e-9);
        let mut delta = (new_lambda - lambda).abs();
        lambda = new_lambda;
        for (k, p) in fields.iter_mut().enumerate() {
            let f = p.field;
            if anchored[k].is_some() {
                // Measured on anchor pairs: EM only places the match rate around it.
                continue;
            }
            let sum: f64 = acc[k].iter().sum();
            // A pseudo-count keeps unseen levels possible and fields without data at the prior.
            let alpha = 1.0;
            let mut m: Vec<f64> = (0..p.m.len())
                .map(|l| {
                    if l == 0 {
                        0.0
                    } else {
                        (acc[k][l] + alpha * initial_m(f, l as u8)) / (sum + alpha)
                    }
                })
                .collect();
            cap_disagreement(&mut m, f.different() as usize, max_m_different(f));
            for (l, new_m) in m.into_iter().enumerate().skip(1) {
                delta = delta.max((new_m - p.m[l]).abs());
                p.m[l] = new_m;
            }
        }
        if delta < s.em_tolerance {
            converged = true;
            break;
        }
    }

    let all_pairs = (n as f64) * (n.saturating_sub(1) as f64) / 2.0;
    let prior = match s.prior_match_probability {
        Some(p) => p,
        None if all_pairs > 0.0 => (lambda * total).max(certain_matches) / all_pairs,
        None => 1e-6,
    }
    .clamp(1e-15, 0.5);
    let weights = fields
        .iter()
        .map(|p| {
            p.m.iter()
                .zip(&p.u)
                .enumerate()
                .map(|(l, (m, u))| if l == 0 { 0.0 } else { (m.max(1e-12) / u.max(1e-15)).log2() })
                .collect()
        })
        .collect();
    let model = Model {
        fields,
        prior_match_probability: prior,
        prior_weight: (prior / (1.0 - prior)).log2(),
        candidate_match_rate: if grouped.is_empty() { 0.0 } else { lambda },
        em_iterations: iterations,
        em_converged: converged,
        tf_adjustment: s.tf_adjustment,
        tf_min_u_ratio: s.tf_min_u_ratio,
        hard_non_match: s.hard_non_match,
        tf: tf_tables(t, counts),
        name_groups: {
            let mut v: Vec<(u64, u32)> =
                counts.names.iter().filter(|&(_, &c)| c >= 2).map(|(&h, &c)| (h, c)).collect();
            v.sort_unstable();
            v
        },
        weights,
        tf_memo: Vec::new(),
    };
    let tf_memo = Field::ALL
        .into_iter()
        .map(|f| {
            if model.tf_adjustment && tf_field(f) {
                (0..TF_MEMO).map(|c| model.tf_weight_of(f, c)).collect()
            } else {
                Vec::new()
            }
        })
        .collect();
    let model = Model { tf_memo, ..model };
    (model, sampled)
}

/// Records with each field present.
fn presence(t: &EntityTable) -> [u64; N_FIELDS] {
    let mut p = [0u64; N_FIELDS];
    for i in 0..t.len() {
        for (k, f) in Field::ALL.into_iter().enumerate() {
            let here = match f {
                Field::Gender => t.gender(i) != 0,
                Field::BirthDate => t.birth_packed(i) != 0,
                Field::Phone => !t.phones_of(i).is_empty(),
                Field::Email => !t.emails_of(i).is_empty(),
                _ => col_of(f).is_some_and(|c| t.id(c, i) != 0),
            };
            p[k] += u64::from(here);
        }
    }
    p
}

/// Distinct random pairs `(a, b)`, `a != b`; all pairs when there are fewer than `want`.
fn sample_pairs(n: usize, want: usize, seed: u64) -> Vec<(u32, u32)> {
    let all = (n as u64) * (n.saturating_sub(1) as u64) / 2;
    if all <= want as u64 {
        let mut v = Vec::with_capacity(all as usize);
        for a in 0..n {
            for b in a + 1..n {
                v.push((a as u32, b as u32));
            }
        }
        return v;
    }
    let mut rng = SplitMix64(seed);
    (0..want)
        .map(|_| {
            let a = rng.below(n as u64);
            let mut b = rng.below(n as u64 - 1);
            if b >= a {
                b += 1;
            }
            (a as u32, b as u32)
        })
        .collect()
}

fn tf_tables(t: &EntityTable, counts: &TermCounts) -> Vec<TfTable> {
    let strings = |interner: &super::Interner, c: &[u32]| {
        let mut v: Vec<(Box<str>, u32)> = c
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n >= 2)
            .map(|(id, &n)| (interner.get(id as u32).into(), n))
            .collect();
        v.sort_unstable();
        v
    };
    Field::ALL
        .into_iter()
        .map(|f| match f {
            Field::BirthDate => {
                let mut dates: Vec<(u32, u32)> =
                    counts.birth.iter().filter(|&(_, &c)| c >= 2).map(|(&d, &c)| (d, c)).collect();
                dates.sort_unstable();
                TfTable { strings: Vec::new(), dates }
            }
            Field::Phone => {
                TfTable { strings: strings(&t.phones.interner, &counts.phones), dates: Vec::new() }
            }
            Field::Email => {
                TfTable { strings: strings(&t.emails.interner, &counts.emails), dates: Vec::new() }
            }
            _ if !tf_field(f) => TfTable::default(),
            _ => match col_of(f) {
                Some(c) => TfTable {
                    strings: strings(t.interner(c), &counts.cols[c as usize]),
                    dates: Vec::new(),
                },
                None => TfTable::default(),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probability_of_weights() {
        assert!((probability(0.0) - 0.5).abs() < 1e-12);
        assert!((probability(10.0) - 1024.0 / 1025.0).abs() < 1e-12);
        assert!(probability(-60.0) < 1e-17);
    }

    #[test]
    fn remembered_tf_weights_are_the_computed_ones() {
        use crate::dedupe::{DedupeSettings, Entity, dedupe};
        let people: Vec<Entity> = (0..60)
            .map(|k| Entity {
                given: ["ivan", "petr", "anna"][k % 3].into(),
                surname: ["ivanov", "petrov", "smirnov", "orlov"][k % 4].into(),
                phones: vec![format!("+7916{:07}", k % 40)],
                ..Entity::default()
            })
            .collect();
        let model = dedupe(&people, &DedupeSettings::default()).model;
        let mut checked = 0;
        for f in Field::ALL.into_iter().filter(|&f| tf_field(f)) {
            assert_eq!(model.tf_memo[f as usize].len(), TF_MEMO as usize);
            for c in [0, 1, 2, 3, 17, TF_MEMO - 1, TF_MEMO, TF_MEMO + 5, u32::MAX] {
                assert_eq!(model.tf_weight(f, c).to_bits(), model.tf_weight_of(f, c).to_bits());
                checked += 1;
            }
        }
        assert!(checked > 0);
    }

    #[test]
    fn exact_u_from_counts() {
        // Two values, each on 2 of 4 records: 4 agreeing ordered pairs of 12.
        assert!((exact_u([2u32, 2].into_iter(), 4) - 4.0 / 12.0).abs() < 1e-12);
        assert_eq!(exact_u([1u32].into_iter(), 1), 0.01);
    }

    #[test]
    fn disagreement_cap_keeps_a_distribution() {
        let mut m = vec![0.0, 0.05, 0.05, 0.9];
        cap_disagreement(&mut m, 3, MAX_M_DIFFERENT);
        assert!((m[3] - MAX_M_DIFFERENT).abs() < 1e-12);
        assert!((m[1] - 0.35).abs() < 1e-12 && (m[2] - 0.35).abs() < 1e-12);
        let mut ok = vec![0.0, 0.8, 0.2];
        cap_disagreement(&mut ok, 2, MAX_M_DIFFERENT);
        assert_eq!(ok, vec![0.0, 0.8, 0.2]);
    }

    #[test]
    fn anchors_need_names_and_two_identifiers_besides_the_target() {
        let mut lv = [MISSING; N_FIELDS];
        lv[Field::Given as usize] = EXACT;
        lv[Field::Surname as usize] = EXACT;
        lv[Field::Phone as usize] = EXACT;
        lv[Field::Email as usize] = EXACT;
        lv[Field::Locality as usize] = 3;
        assert!(is_anchor(&lv, Field::Locality));
        // The target itself does not count as evidence.
        assert!(!is_anchor(&lv, Field::Phone));
        // Namesakes: names alone.
        let mut names_only = lv;
        names_only[Field::Phone as usize] = 3;
        names_only[Field::Email as usize] = MISSING;
        assert!(!is_anchor(&names_only, Field::Locality));
        // A household (surname, phone, mailbox) says nothing about first names without a
        // personal identifier.
        let mut household = lv;
        household[Field::Given as usize] = level::GIVEN_DIFFERENT;
        assert!(!is_anchor(&household, Field::Given));
        household[Field::BirthDate as usize] = EXACT;
        assert!(is_anchor(&household, Field::Given));
        // A clear disagreement on another identity field disqualifies.
        let mut other_date = lv;
        other_date[Field::BirthDate as usize] = level::DATE_DIFFERENT;
        assert!(!is_anchor(&other_date, Field::Locality));
        assert!(is_anchor(&other_date, Field::BirthDate));
    }

    #[test]
    fn sample_is_deterministic_and_valid() {
        let a = sample_pairs(1000, 5000, 7);
        assert_eq!(a, sample_pairs(1000, 5000, 7));
        assert_ne!(a, sample_pairs(1000, 5000, 8));
        assert!(a.iter().all(|&(x, y)| x != y && x < 1000 && y < 1000));
        assert_eq!(sample_pairs(10, 5000, 7).len(), 45);
    }
}
