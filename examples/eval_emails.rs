//! Evaluates the email normalizer on the labelled corpus, with the exact yardsticks of
//! `shared/eval/emails.py` (which drives the CLI), but calling the library directly.
//!
//! Usage: `cargo run --release --example eval_emails -- PATH/TO/emails.csv [--show N]`
//! `--show N` prints up to N failing rows of each kind, to see what goes wrong;
//! `--by-kind` prints the time per row for each noise tag of the corpus (`_spaces`, `_idn`...).
#![allow(clippy::print_stdout)]

use std::time::Instant;

use regex::Regex;
use steward::normalize::email::{EmailOptions, normalize_email};

struct Row {
    raw: String,
    kind: String,
    clean: String,
    expect: String,
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .ok_or_else(|| anyhow::anyhow!("usage: eval_emails PATH/TO/emails.csv [--show N]"))?;
    let show: usize = match args.iter().position(|a| a == "--show") {
        Some(i) => args.get(i + 1).and_then(|n| n.parse().ok()).unwrap_or(20),
        None => 0,
    };
    let mut reader = csv::Reader::from_path(path)?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| anyhow::anyhow!("no column {name}"))
    };
    let (c_raw, c_kind, c_clean, c_expect) =
        (col("raw")?, col("kind")?, col("clean_email")?, col("expect")?);
    let mut rows = Vec::new();
    for record in reader.records() {
        let r = record?;
        let get = |i: usize| r.get(i).unwrap_or("").to_string();
        rows.push(Row {
            raw: get(c_raw),
            kind: get(c_kind),
            clean: get(c_clean),
            expect: get(c_expect),
        });
    }

    let plain = EmailOptions::default();
    let fixing = EmailOptions { fix_typos: true, ..EmailOptions::default() };

    // Throughput: default options, one thread, whole corpus, best of 5 passes, by the wall
    // clock and by this thread's CPU time (the machine may be shared).
    let (mut best, mut best_cpu) = (f64::MAX, f64::MAX);
    for _ in 0..5 {
        let (start, cpu_start) = (Instant::now(), thread_cpu_seconds());
        let mut sink = 0usize;
        for r in &rows {
            sink += normalize_email(&r.raw, &plain).value.len();
        }
        std::hint::black_box(sink);
        best = best.min(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu_start, thread_cpu_seconds()) {
            best_cpu = best_cpu.min(b - a);
        }
    }

    if args.iter().any(|a| a == "--by-kind") {
        // CPU cost per noise tag, to see where the time goes.
        let mut groups: std::collections::BTreeMap<&str, (usize, f64)> = Default::default();
        for r in &rows {
            let tag = r.kind.rsplit('_').next().unwrap_or("");
            let t0 = Instant::now();
            for _ in 0..20 {
                std::hint::black_box(normalize_email(std::hint::black_box(&r.raw), &plain));
            }
            let e = groups.entry(tag).or_default();
            e.0 += 1;
            e.1 += t0.elapsed().as_secs_f64() / 20.0;
        }
        for (tag, (count, secs)) in groups {
            println!("{tag:>12} {count:>6} rows {:>8.0} ns/row", secs / count as f64 * 1e9);
        }
    }
    let looks = Regex::new(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")?;
    let (mut v, mut va, mut n, mut na, mut ty, mut tya) = (0, 0, 0, 0, 0, 0);
    let (mut shown_v, mut shown_n, mut shown_t) = (0, 0, 0);
    for r in &rows {
        let cell = normalize_email(&r.raw, &plain);
        let o = cell.value.trim();
        match r.expect.as_str() {
            "valid" => {
                v += 1;
                let ok = o.to_lowercase() == r.clean.to_lowercase();
                va += usize::from(ok);
                if !ok && shown_v < show {
                    shown_v += 1;
                    println!(
                        "VALID MISS  {:?} [{}] want {} got {:?} {:?}",
                        r.raw,
                        r.kind,
                        r.clean,
                        o,
                        codes(&cell.issues)
                    );
                }
            }
            "invalid" if !r.raw.trim().is_empty() => {
                n += 1;
                let accepted = (looks.is_match(o) && o != r.raw.trim()) || cell.issues.is_empty();
                na += usize::from(accepted);
                if accepted && shown_n < show {
                    shown_n += 1;
                    println!(
                        "INVALID ACCEPTED {:?} [{}] got {:?} {:?}",
                        r.raw,
                        r.kind,
                        o,
                        codes(&cell.issues)
                    );
                }
            }
            "typo" => {
                ty += 1;
                let fixed = normalize_email(&r.raw, &fixing);
                let got = fixed.value.to_lowercase();
                let got_domain = got.rsplit('@').next().unwrap_or("");
                let want_domain = r.clean.rsplit('@').next().unwrap_or("");
                let ok = got_domain == want_domain;
                tya += usize::from(ok);
                if !ok && shown_t < show {
                    shown_t += 1;
                    println!(
                        "TYPO MISS  {:?} [{}] want {} got {:?} {:?}",
                        r.raw,
                        r.kind,
                        r.clean,
                        fixed.value,
                        codes(&fixed.issues)
                    );
                }
            }
            _ => {}
        }
    }
    let pct = |a: usize, b: usize| if b == 0 { 0.0 } else { 100.0 * a as f64 / b as f64 };
    println!(
        "valid {:.4}% ({va}/{v}); invalid accepted {:.2}% ({na}/{n}); typo fixed {:.2}% ({tya}/{ty}); {:.0} rows/s wall, {:.0} rows per CPU-second (library, 1 thread)",
        pct(va, v),
        pct(na, n),
        pct(tya, ty),
        rows.len() as f64 / best,
        rows.len() as f64 / best_cpu,
    );
    Ok(())
}

fn codes(issues: &[steward::finding::Issue]) -> Vec<&'static str> {
    issues.iter().map(|i| i.code).collect()
}

/// CPU time this thread has run, from Linux's /proc (None elsewhere).
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}
