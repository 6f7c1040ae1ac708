//! Phone normalizer against the corpus, with the logic of `shared/eval/phones.py`.
//!
//! `cargo run --release --example eval_phones -- [PATH/phones.csv] [--show N]`
//! (default path `../shared/corpus/phones.csv`, relative to the repository root).
//! Rows with an empty `default_region` are skipped, as the script does. `--show N` prints up
//! to N failures of each kind.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::time::Instant;

use steward::finding::Severity;
use steward::normalize::phone::{PhoneOptions, RULES, normalize_phone};

struct Row {
    raw: String,
    region: String,
    kind: String,
    intended: String,
    expect: String,
    lib_valid: bool,
    lib_e164: String,
}

fn looks_e164(s: &str) -> bool {
    let Some(d) = s.strip_prefix('+') else { return false };
    (7..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0')
}

/// CPU time consumed by the current thread (Linux `schedstat`), 0 elsewhere.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn severity(code: &str) -> Severity {
    RULES.iter().find(|r| r.code == code).map_or(Severity::Error, |r| r.default_severity)
}

fn main() -> anyhow::Result<()> {
    let mut path = "../shared/corpus/phones.csv".to_string();
    let mut show = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--show" {
            show = args.next().and_then(|n| n.parse().ok()).unwrap_or(20);
        } else {
            path = a;
        }
    }
    let mut reader = csv::Reader::from_path(&path)?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(c_raw), Some(c_reg), Some(c_kind), Some(c_int), Some(c_exp), Some(c_lv), Some(c_le)) = (
        col("raw"),
        col("default_region"),
        col("kind"),
        col("intended_e164"),
        col("expect"),
        col("lib_is_valid"),
        col("lib_e164"),
    ) else {
        anyhow::bail!("{path}: missing columns");
    };
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec?;
        let get = |i: usize| rec.get(i).unwrap_or("").to_string();
        rows.push(Row {
            raw: get(c_raw),
            region: get(c_reg),
            kind: get(c_kind),
            intended: get(c_int),
            expect: get(c_exp),
            lib_valid: rec.get(c_lv) == Some("1"),
            lib_e164: get(c_le),
        });
    }
    // Grouped by region as the script runs one `steward normalize` per region.
    let mut by_region: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in &rows {
        if !r.region.is_empty() {
            by_region.entry(r.region.as_str()).or_default().push(r);
        }
    }
    // Two passes: the first also pays for libphonenumber's lazily compiled metadata regexes;
    // the speed reported is the second's.
    let mut results = Vec::new();
    let (mut secs, mut cpu_secs) = (0.0, 0.0);
    for _pass in 0..2 {
        results.clear();
        let start = Instant::now();
        let cpu_start = thread_cpu_ns();
        for (region, rs) in &by_region {
            let opts = PhoneOptions::with_region(*region);
            for r in rs {
                results.push((*r, normalize_phone(&r.raw, &opts)));
            }
        }
        secs = start.elapsed().as_secs_f64();
        cpu_secs = thread_cpu_ns().saturating_sub(cpu_start) as f64 / 1e9;
    }

    let (mut lv, mut la, mut iv, mut ia, mut gn, mut gv) = (0, 0, 0, 0, 0, 0);
    let mut fails: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (r, cell) in &results {
        let out = cell.value.trim();
        let blocking = cell.issues.iter().any(|i| severity(i.code) != Severity::Info);
        let codes: Vec<&str> = cell.issues.iter().map(|i| i.code).collect();
        let line = || {
            format!(
                "{:?} [{}] {} -> {:?} {:?} (intended {}, lib {})",
                r.raw, r.region, r.kind, out, codes, r.intended, r.lib_e164
            )
        };
        if r.lib_valid {
            lv += 1;
            if out == r.lib_e164 {
                la += 1;
            } else {
                fails.entry("lib").or_default().push(line());
            }
        }
        if r.expect == "valid" {
            iv += 1;
            if out == r.intended {
                ia += 1;
            } else {
                fails.entry("intent").or_default().push(line());
            }
        }
        if r.expect == "invalid" && !r.raw.trim().is_empty() {
            gn += 1;
            if (looks_e164(out) && out != r.raw.trim()) || !blocking {
                gv += 1;
                fails.entry("accepted").or_default().push(line());
            }
        }
    }
    let pct = |a: usize, b: usize| if b == 0 { 0.0 } else { 100.0 * a as f64 / b as f64 };
    println!(
        "libphonenumber agreement {:.4}% ({la}/{lv}); intent {:.4}% ({ia}/{iv}); invalid \
         accepted {gv}/{gn}; normalize_phone, one thread, warm: {:.0} rows/s wall, {:.0} rows/s \
         of thread CPU time",
        pct(la, lv),
        pct(ia, iv),
        results.len() as f64 / secs,
        results.len() as f64 / cpu_secs.max(1e-9),
    );
    for (what, list) in &fails {
        for l in list.iter().take(show) {
            println!("{what}: {l}");
        }
    }
    Ok(())
}
