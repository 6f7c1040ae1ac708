//! Throughput of the email normalizer on a 2,000-row slice of the corpus
//! (testdata/emails_slice.csv: the corpus mix of clean, noisy, IDN, typo and invalid cells),
//! plus the clean fast path alone. Goal: at least 1M rows/s on one core.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use steward::normalize::email::{EmailOptions, normalize_email};

const SLICE: &str = include_str!("../testdata/emails_slice.csv");

fn slice_raws() -> Vec<String> {
    let mut reader = csv::Reader::from_reader(SLICE.as_bytes());
    reader.records().filter_map(Result::ok).filter_map(|r| r.get(1).map(str::to_string)).collect()
}

fn bench(c: &mut Criterion) {
    let raws = slice_raws();
    let clean: Vec<String> = raws
        .iter()
        .map(|r| normalize_email(r, &EmailOptions::default()))
        .filter(|cell| cell.address.is_some() && cell.issues.is_empty())
        .map(|cell| cell.value)
        .collect();
    let mut group = c.benchmark_group("normalize_email");
    for (name, rows, opts) in [
        ("corpus_slice", &raws, EmailOptions::default()),
        (
            "corpus_slice_fix_typos",
            &raws,
            EmailOptions { fix_typos: true, ..EmailOptions::default() },
        ),
        ("clean_only", &clean, EmailOptions::default()),
    ] {
        group.throughput(Throughput::Elements(rows.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                for raw in rows.iter() {
                    black_box(normalize_email(black_box(raw), &opts));
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
