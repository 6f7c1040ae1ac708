//! Throughput of the name, date and company/INN normalizers, one core.
//!
//! Inputs are synthetic and seeded: a fixed mix of the written forms seen in CRM exports,
//! so that runs compare. Criterion reports elements (cells) per second.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use steward::normalize::company::{company_key, normalize_company, normalize_inn};
use steward::normalize::date::{DateColumnProfile, DateKind, normalize_date};
use steward::normalize::name::{first_name_key, name_key, parse_full_name};

const N: usize = 4096;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const SURNAMES: &[&str] = &[
    "Иванов",
    "Петрова",
    "Смирнов",
    "Кузнецова",
    "Соколов",
    "Попова",
    "Лебедев",
    "Козлова",
    "Новиков",
    "Морозова",
    "Римский-Корсаков",
    "Ковалёв",
    "Мамедов",
    "Ivanov",
    "Smith",
    "O'Brien",
];
const FIRSTS: &[&str] = &[
    "Иван",
    "Анна",
    "Сергей",
    "Елена",
    "Дмитрий",
    "Ольга",
    "Алексей",
    "Татьяна",
    "Саша",
    "Юлия",
    "Пётр",
    "John",
    "Mary",
    "Ivan",
];
const PATRONYMICS: &[&str] =
    &["Иванович", "Сергеевна", "Петрович", "Алексеевна", "Ильич", "Дмитриевич", "Гейдар оглы"];

fn names(rng: &mut Rng) -> Vec<String> {
    (0..N)
        .map(|_| {
            let (s, f, p) = (rng.pick(SURNAMES), rng.pick(FIRSTS), rng.pick(PATRONYMICS));
            match rng.below(8) {
                0 => format!("{s} {f} {p}"),
                1 => format!("{f} {p} {s}"),
                2 => format!(
                    "{s} {}.{}.",
                    f.chars().next().unwrap_or('И'),
                    p.chars().next().unwrap_or('И')
                ),
                3 => format!("{} {}", s.to_uppercase(), f.to_lowercase()),
                4 => format!("  {s}   {f} "),
                5 => format!("{f} {s}"),
                6 => format!("{s} {f}"),
                _ => format!("{} {} {}", s.to_lowercase(), f.to_lowercase(), p.to_lowercase()),
            }
        })
        .collect()
}

fn dates(rng: &mut Rng) -> Vec<String> {
    const MONTHS: &[&str] = &["января", "марта", "мая", "сентября", "Mar", "December", "окт."];
    (0..N)
        .map(|_| {
            let (y, m, d) = (1940 + rng.below(80), 1 + rng.below(12), 1 + rng.below(28));
            match rng.below(9) {
                0 => format!("{d:02}.{m:02}.{y}"),
                1 => format!("{d}.{m}.{:02}", y % 100),
                2 => format!("{y}-{m:02}-{d:02}"),
                3 => format!("{d:02}/{m:02}/{y}"),
                4 => format!("{y}{m:02}{d:02}"),
                5 => format!("{d} {} {y}", rng.pick(MONTHS)),
                6 => format!("{y}-{m:02}-{d:02}T10:{:02}:00", rng.below(60)),
                7 => format!("{d:02}.{m:02}.{y} 9:{:02}", rng.below(60)),
                _ => format!("{d:02}-{m:02}-{y}"),
            }
        })
        .collect()
}

fn inns(rng: &mut Rng) -> Vec<String> {
    const W10: [u64; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
    (0..N)
        .map(|_| {
            let body: Vec<u64> = (0..9).map(|_| rng.next() % 10).collect();
            let check = body.iter().zip(W10).map(|(d, w)| d * w).sum::<u64>() % 11 % 10;
            let inn: String =
                body.iter().chain(std::iter::once(&check)).map(|d| d.to_string()).collect();
            match rng.below(5) {
                0 => format!("ИНН {inn}"),
                1 => format!("{} {}", &inn[..4], &inn[4..]),
                2 => format!("{inn}1"),
                _ => inn,
            }
        })
        .collect()
}

fn companies(rng: &mut Rng) -> Vec<String> {
    const NAMES: &[&str] =
        &["Ромашка", "Вектор", "Альфа-Строй", "Север", "Acme", "Globex", "ТехноСервис"];
    (0..N)
        .map(|_| {
            let n = rng.pick(NAMES);
            match rng.below(6) {
                0 => format!("ООО \"{n}\""),
                1 => format!("ООО «{n}»"),
                2 => format!("Общество с ограниченной ответственностью \"{n}\""),
                3 => format!("  ао  \"\"{n}\"\" "),
                4 => format!("{n} LLC"),
                _ => format!("ПАО {n}"),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let names = names(&mut rng);
    let dates = dates(&mut rng);
    let inns = inns(&mut rng);
    let companies = companies(&mut rng);
    let as_of = NaiveDate::from_ymd_opt(2025, 6, 15).unwrap_or_default();
    let profile = DateColumnProfile::from_values(dates.iter().map(String::as_str));

    let mut g = c.benchmark_group("normalize_misc");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("parse_full_name", |b| {
        b.iter(|| names.iter().map(|s| parse_full_name(black_box(s)).value.len()).sum::<usize>())
    });
    g.bench_function("name_key", |b| {
        b.iter(|| names.iter().map(|s| name_key(black_box(s)).len()).sum::<usize>())
    });
    g.bench_function("first_name_key", |b| {
        b.iter(|| {
            FIRSTS.iter().cycle().take(N).map(|s| first_name_key(black_box(s)).len()).sum::<usize>()
        })
    });
    g.bench_function("normalize_date_event", |b| {
        b.iter(|| {
            dates
                .iter()
                .map(|s| normalize_date(black_box(s), &profile, DateKind::Event, as_of).value.len())
                .sum::<usize>()
        })
    });
    g.bench_function("normalize_date_birth", |b| {
        b.iter(|| {
            dates
                .iter()
                .map(|s| normalize_date(black_box(s), &profile, DateKind::Birth, as_of).value.len())
                .sum::<usize>()
        })
    });
    g.bench_function("date_profile", |b| {
        b.iter(|| DateColumnProfile::from_values(black_box(&dates).iter().map(String::as_str)))
    });
    g.bench_function("normalize_inn", |b| {
        b.iter(|| inns.iter().map(|s| normalize_inn(black_box(s)).value.len()).sum::<usize>())
    });
    g.bench_function("normalize_company", |b| {
        b.iter(|| {
            companies.iter().map(|s| normalize_company(black_box(s)).value.len()).sum::<usize>()
        })
    });
    g.bench_function("company_key", |b| {
        b.iter(|| companies.iter().map(|s| company_key(black_box(s)).len()).sum::<usize>())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
