//! Evaluates the dedupe engine on the Febrl 3 and Febrl 4 benchmarks with default settings.
//!
//! Usage: `cargo run --release --example eval_febrl -- [CORPUS_DIR] [--verbose]`
//! (default corpus dir: `/work/shared/corpus`).
//!
//! Pairwise precision / recall / F1 over all pairs within predicted clusters, like
//! `eval/pairs_f1.py`; for Febrl 4 the two files are deduplicated together (sources 0 and 1)
//! and only cross-source predicted pairs count. `rec_id` is used only to score, never to match.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use anyhow::{Context, Result};
use steward::dedupe::{self, BirthDate, DedupeSettings, Entity, EntityTable};

fn read_febrl(path: &str, source: u32) -> Result<(Vec<String>, Vec<Entity>)> {
    let mut rd = csv::Reader::from_path(path).with_context(|| format!("reading {path}"))?;
    let headers = rd.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let idx: Vec<Option<usize>> = [
        "rec_id",
        "given_name",
        "surname",
        "street_number",
        "address_1",
        "address_2",
        "suburb",
        "postcode",
        "state",
        "date_of_birth",
        "soc_sec_id",
    ]
    .iter()
    .map(|n| col(n))
    .collect();
    let mut ids = Vec::new();
    let mut out = Vec::new();
    for rec in rd.records() {
        let rec = rec?;
        let f = |k: usize| -> String {
            idx[k].and_then(|i| rec.get(i)).unwrap_or("").trim().to_lowercase()
        };
        ids.push(f(0));
        let address =
            [f(4), f(5)].iter().filter(|s| !s.is_empty()).cloned().collect::<Vec<_>>().join(" ");
        let given = f(1);
        out.push(Entity {
            source,
            given_canonical: given.clone(),
            given,
            surname: f(2),
            street_number: f(3),
            address,
            locality: f(6),
            postcode: f(7),
            region: f(8),
            birth_date: BirthDate::parse_yyyymmdd(&f(9)),
            national_id: f(10),
            ..Entity::default()
        });
    }
    Ok((ids, out))
}

fn read_truth(path: &str) -> Result<BTreeSet<(String, String)>> {
    let mut rd = csv::Reader::from_path(path).with_context(|| format!("reading {path}"))?;
    let mut out = BTreeSet::new();
    for rec in rd.records() {
        let rec = rec?;
        let (a, b) = (rec.get(0).unwrap_or("").to_string(), rec.get(1).unwrap_or("").to_string());
        out.insert(if a <= b { (a, b) } else { (b, a) });
    }
    Ok(out)
}

fn key(ids: &[String], a: u32, b: u32) -> (String, String) {
    let (x, y) = (ids[a as usize].clone(), ids[b as usize].clone());
    if x <= y { (x, y) } else { (y, x) }
}

struct Scores {
    p: f64,
    r: f64,
    f1: f64,
    tp: usize,
    fp: usize,
    fn_: usize,
}

fn score(pred: &BTreeSet<(String, String)>, truth: &BTreeSet<(String, String)>) -> Scores {
    let tp = pred.intersection(truth).count();
    let fp = pred.len() - tp;
    let fn_ = truth.len() - tp;
    let p = if tp + fp > 0 { tp as f64 / (tp + fp) as f64 } else { 0.0 };
    let r = if tp + fn_ > 0 { tp as f64 / (tp + fn_) as f64 } else { 0.0 };
    let f1 = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    Scores { p, r, f1, tp, fp, fn_ }
}

fn evaluate(
    name: &str,
    ids: &[String],
    entities: &[Entity],
    truth: &BTreeSet<(String, String)>,
    cross_only: bool,
    verbose: bool,
) -> f64 {
    let settings = DedupeSettings::default();
    // Warm-up run (page faults, thread pool start), then timed runs. CPU time (all threads,
    // from /proc) is reported too: on a shared machine wall time mostly measures the queue.
    let _ = dedupe::dedupe(entities, &settings);
    const RUNS: u32 = 10;
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    for _ in 1..RUNS {
        std::hint::black_box(dedupe::dedupe(entities, &settings));
    }
    let result = dedupe::dedupe(entities, &settings);
    let elapsed = t0.elapsed() / RUNS;
    let cpu = cpu_seconds().map(|c1| (c1 - cpu0.unwrap_or(c1)) / f64::from(RUNS));

    let sources: Vec<u32> = entities.iter().map(|e| e.source).collect();
    let mut pred = BTreeSet::new();
    for members in result.clusters() {
        for (k, &a) in members.iter().enumerate() {
            for &b in &members[k + 1..] {
                if cross_only && sources[a as usize] == sources[b as usize] {
                    continue;
                }
                pred.insert(key(ids, a, b));
            }
        }
    }
    let s = score(&pred, truth);

    // Blocking recall: true pairs among the candidate pairs.
    let table = EntityTable::from_entities(entities);
    let candidates: BTreeSet<(String, String)> = dedupe::block::candidates(&table, &settings)
        .into_iter()
        .map(|(a, b)| key(ids, a, b))
        .collect();
    let blocked_true = truth.iter().filter(|p| candidates.contains(*p)).count();

    let st = &result.stats;
    println!("== {name}: {} records", entities.len());
    println!(
        "precision {:.4}  recall {:.4}  F1 {:.4}  (tp {} fp {} fn {})  clusters {}",
        s.p, s.r, s.f1, s.tp, s.fp, s.fn_, st.clusters
    );
    println!(
        "dedupe time per call: wall {:.1} ms, CPU {} ms ({} rayon threads, mean of {RUNS})",
        elapsed.as_secs_f64() * 1e3,
        cpu.map_or("?".to_string(), |c| format!("{:.1}", c * 1e3)),
        rayon::current_num_threads()
    );
    println!(
        "candidate pairs {} of {} ({:.3}%), blocking recall {:.4} ({blocked_true}/{})",
        st.candidate_pairs,
        st.all_pairs,
        100.0 * st.candidate_pairs as f64 / st.all_pairs.max(1) as f64,
        blocked_true as f64 / truth.len().max(1) as f64,
        truth.len()
    );
    for p in &st.passes {
        println!(
            "  pass {:<28} blocks {:>6} largest {:>4} pairs {:>7} capped {}",
            p.pass.map_or("?", |x| x.name()),
            p.blocks,
            p.largest_block,
            p.pairs,
            p.capped_blocks
        );
    }
    println!(
        "EM: {} iterations (converged {}), candidate match rate {:.4}, prior {:.3e}; matched {} review {} vetoed {} split clusters {}",
        st.em_iterations,
        st.em_converged,
        st.candidate_match_rate,
        st.prior_match_probability,
        st.matched_pairs,
        st.review_pairs,
        st.vetoed_pairs,
        st.split_clusters
    );
    if verbose {
        for f in &result.model.fields {
            let w: Vec<String> = f
                .levels
                .iter()
                .zip(f.m.iter().zip(&f.u))
                .skip(1)
                .map(|(l, (m, u))| format!("{l}={:+.1}", (m / u).log2()))
                .collect();
            println!("  {:<14} {}", f.field.name(), w.join(" "));
        }
        let pos: HashMap<&str, usize> =
            ids.iter().enumerate().map(|(k, id)| (id.as_str(), k)).collect();
        let show = |label: &str, pairs: Vec<&(String, String)>| {
            for (x, y) in pairs.into_iter().take(25) {
                let (Some(&a), Some(&b)) = (pos.get(x.as_str()), pos.get(y.as_str())) else {
                    continue;
                };
                let (a, b) = (a.min(b), a.max(b));
                let e = dedupe::explain(&entities[a], &entities[b], &result.model);
                let lv: Vec<String> = e
                    .fields
                    .iter()
                    .filter(|f| f.level != 0)
                    .map(|f| format!("{}:{}{:+.1}", f.field.name(), f.level_name, f.weight))
                    .collect();
                println!(
                    "{label} {x} {y} p={:.3} w={:.1} veto={:?} cand={} | {}",
                    e.probability,
                    e.total_weight,
                    e.veto,
                    candidates.contains(&key(ids, a as u32, b as u32)),
                    lv.join(" ")
                );
                println!("    {:?}\n    {:?}", entities[a], entities[b]);
            }
        };
        show("FN", truth.difference(&pred).collect());
        show("FP", pred.difference(truth).collect());
    }
    s.f1
}

/// User + system CPU seconds of this process (Linux `/proc/self/stat`, 100 ticks/s).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose");
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "/work/shared/corpus".to_string());

    let (ids3, ents3) = read_febrl(&format!("{dir}/febrl3.csv"), 0)?;
    let truth3 = read_truth(&format!("{dir}/febrl3_true_links.csv"))?;
    let f3 = evaluate("Febrl 3", &ids3, &ents3, &truth3, false, verbose);

    let (mut ids4, mut ents4) = read_febrl(&format!("{dir}/febrl4a.csv"), 0)?;
    let (ids4b, ents4b) = read_febrl(&format!("{dir}/febrl4b.csv"), 1)?;
    ids4.extend(ids4b);
    ents4.extend(ents4b);
    let truth4 = read_truth(&format!("{dir}/febrl4_true_links.csv"))?;
    let f4 = evaluate("Febrl 4 (4a+4b)", &ids4, &ents4, &truth4, true, verbose);

    println!("\nF1 febrl3 {f3:.4} (bar 0.995), febrl4 {f4:.4} (bar 0.999)");
    Ok(())
}
