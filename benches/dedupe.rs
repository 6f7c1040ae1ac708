//! Dedupe engine on synthetic Russian CRM contacts (10k and 100k records).
//!
//! `cargo bench --bench dedupe`. Contacts come from a small seeded PRNG: ~25% have a
//! duplicate (typos, nicknames, swapped names, missing or extra channels), ~5% a household
//! member (same surname, phone and address, another first name), ~1% share a switchboard
//! phone. With `DEDUPE_SCALE=N` set, one untimed-by-criterion run on N records is made first
//! and its wall time and counters are printed (used for the 1M-record scale check).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::{Duration, Instant};

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use steward::dedupe::{BirthDate, DedupeSettings, Entity, EntityTable, Gender, dedupe_table};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const MALE: &[(&str, &str)] = &[
    ("aleksandr", "sasha"),
    ("dmitrii", "dima"),
    ("sergei", "serezha"),
    ("andrei", "andriusha"),
    ("aleksei", "lesha"),
    ("ivan", "vania"),
    ("mikhail", "misha"),
    ("nikolai", "kolia"),
    ("vladimir", "volodia"),
    ("evgenii", "zhenia"),
    ("pavel", "pasha"),
    ("igor", "igor"),
    ("oleg", "oleg"),
    ("viktor", "vitia"),
    ("maksim", "maks"),
    ("artem", "tema"),
];
const FEMALE: &[(&str, &str)] = &[
    ("elena", "lena"),
    ("olga", "olia"),
    ("natalia", "natasha"),
    ("tatiana", "tania"),
    ("irina", "ira"),
    ("svetlana", "sveta"),
    ("ekaterina", "katia"),
    ("anna", "ania"),
    ("mariia", "masha"),
    ("iuliia", "iulia"),
    ("anastasiia", "nastia"),
    ("kseniia", "ksiusha"),
];
const SURNAMES: &[&str] = &[
    "ivanov",
    "smirnov",
    "kuznetsov",
    "popov",
    "vasilev",
    "petrov",
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
    "zakharov",
    "zaitsev",
    "solovev",
    "borisov",
    "iakovlev",
    "grigorev",
    "romanov",
    "vorobev",
    "sergeev",
    "kuzmin",
    "frolov",
    "aleksandrov",
    "dmitriev",
    "korolev",
    "gusev",
    "kiselev",
    "ilin",
    "maksimov",
    "poliakov",
    "sorokin",
    "vinogradov",
    "kovalev",
    "belov",
    "medvedev",
    "antonov",
    "tarasov",
    "zhukov",
    "baranov",
    "filippov",
    "komarov",
    "davydov",
    "beliaev",
    "gerasimov",
    "bogdanov",
    "osipov",
    "sidorov",
    "matveev",
    "titov",
    "markov",
    "mironov",
];
const CITIES: &[&str] = &[
    "moskva",
    "sankt-peterburg",
    "novosibirsk",
    "ekaterinburg",
    "kazan",
    "nizhnii novgorod",
    "cheliabinsk",
    "samara",
    "omsk",
    "rostov-na-donu",
    "ufa",
    "krasnoiarsk",
    "voronezh",
    "perm",
];
const STREETS: &[&str] = &[
    "ul lenina",
    "ul mira",
    "ul sovetskaia",
    "pr prospekt mira",
    "ul gagarina",
    "ul pushkina",
    "ul tverskaia",
    "ul sadovaia",
    "ul molodezhnaia",
    "ul shkolnaia",
    "ul lesnaia",
    "ul novaia",
];
const DOMAINS: &[&str] = &["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru"];

fn feminine(surname: &str) -> String {
    if surname.ends_with("ov") || surname.ends_with("ev") || surname.ends_with("in") {
        format!("{surname}a")
    } else {
        surname.to_string()
    }
}

fn typo(rng: &mut Rng, s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    if c.len() < 3 {
        return s.to_string();
    }
    let k = 1 + rng.below(c.len() - 2);
    match rng.below(3) {
        0 => c.swap(k, k - 1),
        1 => {
            c.remove(k);
        }
        _ => c[k] = (b'a' + rng.below(26) as u8) as char,
    }
    c.into_iter().collect()
}

fn person(rng: &mut Rng, k: usize) -> Entity {
    let male = rng.chance(0.5);
    let (given, _) =
        if male { MALE[rng.below(MALE.len())] } else { FEMALE[rng.below(FEMALE.len())] };
    let father = MALE[rng.below(MALE.len())].0;
    let base = rng.pick(SURNAMES);
    let surname = if male { base.to_string() } else { feminine(base) };
    let patronymic = format!("{father}{}", if male { "ovich" } else { "ovna" });
    let phone = format!("+79{:09}", rng.next() % 1_000_000_000);
    let email = format!("{given}.{surname}{}@{}", k % 1000, rng.pick(DOMAINS));
    Entity {
        source: 0,
        given: given.to_string(),
        given_canonical: given.to_string(),
        surname,
        patronymic: if rng.chance(0.6) { patronymic } else { String::new() },
        gender: Some(if male { Gender::Male } else { Gender::Female }),
        birth_date: rng.chance(0.4).then(|| {
            BirthDate::new(
                1940 + rng.below(65) as u16,
                1 + rng.below(12) as u8,
                1 + rng.below(28) as u8,
            )
        }),
        phones: if rng.chance(0.85) { vec![phone] } else { vec![] },
        emails: if rng.chance(0.6) { vec![email] } else { vec![] },
        street_number: (1 + rng.below(150)).to_string(),
        address: format!("{} kv {}", rng.pick(STREETS), 1 + rng.below(300)),
        locality: rng.pick(CITIES).to_string(),
        postcode: format!("{:06}", 100_000 + rng.below(900_000)),
        region: String::new(),
        national_id: String::new(),
        inn: String::new(),
        company: String::new(),
    }
}

fn duplicate(rng: &mut Rng, e: &Entity) -> Entity {
    let mut d = e.clone();
    d.source = 1;
    match rng.below(6) {
        0 => d.given = typo(rng, &d.given),
        1 => d.surname = typo(rng, &d.surname),
        2 => {
            // Nickname: the canonical key stays, the written name changes.
            let table = if d.gender == Some(Gender::Male) { MALE } else { FEMALE };
            if let Some(&(_, nick)) = table.iter().find(|(full, _)| *full == d.given) {
                d.given = nick.to_string();
            }
        }
        3 => std::mem::swap(&mut d.given, &mut d.surname),
        4 => d.address = typo(rng, &d.address),
        _ => d.patronymic.clear(),
    }
    if rng.chance(0.3) {
        d.phones.clear();
    }
    if rng.chance(0.3) {
        d.emails.clear();
    }
    if rng.chance(0.2) {
        d.birth_date = None;
    }
    d
}

/// `n` synthetic contacts with duplicates, households and a few switchboard phones.
fn contacts(n: usize, seed: u64) -> Vec<Entity> {
    let mut rng = Rng(seed);
    let mut out: Vec<Entity> = Vec::with_capacity(n);
    let switchboard = "+74950000000".to_string();
    while out.len() < n {
        let k = out.len();
        let mut e = person(&mut rng, k);
        if rng.chance(0.01) {
            e.phones = vec![switchboard.clone()];
        }
        let roll = rng.below(100);
        out.push(e.clone());
        if roll < 25 && out.len() < n {
            let d = duplicate(&mut rng, &e);
            out.push(d);
        } else if roll < 30 && out.len() < n {
            let mut h = person(&mut rng, k + 1);
            h.surname = if h.gender == Some(Gender::Female) {
                feminine(&e.surname)
            } else {
                e.surname.clone()
            };
            h.phones = e.phones.clone();
            h.address = e.address.clone();
            h.street_number = e.street_number.clone();
            h.locality = e.locality.clone();
            h.postcode = e.postcode.clone();
            out.push(h);
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    if let Some(n) = std::env::var("DEDUPE_SCALE").ok().and_then(|v| v.parse::<usize>().ok()) {
        let t0 = Instant::now();
        let mut table = EntityTable::new();
        let mut rng_seed = 1u64;
        // Build in slices so that only the compact table is held, not n Entity values.
        while table.len() < n {
            let chunk = contacts((n - table.len()).min(100_000), rng_seed);
            rng_seed += 1;
            for e in &chunk {
                table.push(e);
            }
        }
        let built = t0.elapsed();
        let t1 = Instant::now();
        let r = dedupe_table(table, &DedupeSettings::default());
        let s = &r.stats;
        println!(
            "scale {n}: build {:.2}s dedupe {:.2}s; candidates {} matched {} review {} vetoed {} clusters {} capped {} split {} em_iter {}",
            built.as_secs_f64(),
            t1.elapsed().as_secs_f64(),
            s.candidate_pairs,
            s.matched_pairs,
            s.review_pairs,
            s.vetoed_pairs,
            s.multi_record_clusters,
            s.capped_blocks_total,
            s.split_clusters,
            s.em_iterations
        );
        for p in &s.passes {
            println!(
                "  pass {:<28} blocks {:>8} largest {:>6} pairs {:>9} capped {}",
                p.pass.map_or("?", |x| x.name()),
                p.blocks,
                p.largest_block,
                p.pairs,
                p.capped_blocks
            );
        }
        if std::env::var("DEDUPE_VERBOSE").is_ok() {
            for f in &r.model.fields {
                let w: Vec<String> = f
                    .levels
                    .iter()
                    .zip(f.m.iter().zip(&f.u))
                    .skip(1)
                    .map(|(l, (m, u))| format!("{l}={:+.1}", (m / u).log2()))
                    .collect();
                println!("  {:<14} {}", f.field.name(), w.join(" "));
            }
            println!("  prior {:.3e}", r.model.prior_match_probability);
            for p in r.review_pairs.iter().step_by((r.review_pairs.len() / 8).max(1)).take(8) {
                println!(
                    "  review {} {} p={:.3} w={:.1} veto={:?}",
                    p.a, p.b, p.probability, p.weight, p.veto
                );
            }
        }
    }
    let mut group = c.benchmark_group("dedupe");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    for n in [10_000usize, 100_000] {
        let table = EntityTable::from_entities(&contacts(n, 42));
        let r = dedupe_table(table.clone(), &DedupeSettings::default());
        println!(
            "dedupe/{n}: {} candidate pairs of {} ({:.4}%), {} matched, {} multi-record clusters",
            r.stats.candidate_pairs,
            r.stats.all_pairs,
            100.0 * r.stats.candidate_pairs as f64 / r.stats.all_pairs.max(1) as f64,
            r.stats.matched_pairs,
            r.stats.multi_record_clusters
        );
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &table, |b, t| {
            b.iter_batched(
                || t.clone(),
                |t| dedupe_table(t, &DedupeSettings::default()),
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
