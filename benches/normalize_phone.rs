//! Throughput of `normalize_phone` over corpus-like cells (`testdata/phones_slice.csv`, a
//! 2000-row slice of the phone corpus: Russian/CIS forms, extensions, comments, garbage).
//!
//! `cargo bench --bench normalize_phone`; the goal is ≥ 150k rows/s on one core.
//! Two measurements: wall time (criterion's default) and, on Linux, the CPU time of the
//! benchmarking thread, which stays a per-core figure when other processes share the cores.

use std::hint::black_box;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use steward::normalize::phone::{PhoneOptions, normalize_phone};

fn load_slice() -> Vec<(String, PhoneOptions)> {
    // Relative first so a copied bench binary runs from any checkout's root.
    let relative = "testdata/phones_slice.csv";
    let path = if std::path::Path::new(relative).exists() {
        relative
    } else {
        concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/phones_slice.csv")
    };
    let mut reader = csv::Reader::from_path(path).expect("testdata/phones_slice.csv");
    let headers = reader.headers().expect("header").clone();
    let col = |n: &str| headers.iter().position(|h| h == n).expect(n);
    let (raw, region) = (col("raw"), col("default_region"));
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            let get = |i: usize| r.get(i).unwrap_or("").to_string();
            (get(raw), PhoneOptions::with_region(get(region)))
        })
        .collect()
}

/// CPU time consumed by the current thread, in nanoseconds (Linux `schedstat`).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// Criterion measurement of the benchmarking thread's CPU time.
struct ThreadCpuTime;

struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, typical_ns: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if typical_ns < 1e3 {
            (1.0, "ns cpu")
        } else if typical_ns < 1e6 {
            (1e-3, "µs cpu")
        } else {
            (1e-6, "ms cpu")
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }

    fn scale_throughputs(
        &self,
        typical_ns: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let n = match *throughput {
            Throughput::Elements(n) | Throughput::Bytes(n) | Throughput::BytesDecimal(n) => n,
        } as f64;
        let _ = typical_ns;
        values.iter_mut().for_each(|v| *v = n * 1e9 / *v / 1e3);
        "Kelem/s cpu"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

fn run<M: Measurement>(c: &mut Criterion<M>, suffix: &str) {
    let cells = load_slice();
    let ru: Vec<(String, PhoneOptions)> =
        cells.iter().filter(|(_, o)| o.default_region == "RU").cloned().collect();
    let mut group = c.benchmark_group(format!("normalize_phone_{suffix}"));
    for (name, set) in [("corpus_slice", &cells), ("corpus_slice_ru", &ru)] {
        group.throughput(Throughput::Elements(set.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                for (raw, opts) in set {
                    black_box(normalize_phone(black_box(raw), opts));
                }
            })
        });
    }
    group.finish();
}

fn wall(c: &mut Criterion<WallTime>) {
    run(c, "wall");
}

fn cpu(c: &mut Criterion<ThreadCpuTime>) {
    run(c, "cpu");
}

criterion_group!(wall_benches, wall);
criterion_group! {
    name = cpu_benches;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = cpu
}
criterion_main!(wall_benches, cpu_benches);
