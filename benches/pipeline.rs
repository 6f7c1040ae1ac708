//! Read + write throughput of the spine: a generated CRM-like file is read (sniffing,
//! decoding, quarantine checks) and written back as `cleaned.csv` with no roles mapped, so the
//! figure is pure I/O and parsing cost. Run: `cargo bench --bench pipeline`.

use std::io::Write;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use steward::pipeline::{RunConfig, analyze, write_normalized};
use steward::progress::Silent;
use steward::rules::RuleSet;
use steward::rules::config::{Config, Layer, Overrides};

/// Writes `rows` rows of 10 columns (about 110 bytes a row) with a deterministic generator.
fn generate(rows: usize, path: &PathBuf) -> u64 {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create bench input"));
    writeln!(f, "c_id;c_name;c_phone;c_mail;c_city;c_date;c_manager;c_status;c_note;c_sum")
        .expect("write");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..rows {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        writeln!(
            f,
            "{i};Иванов Иван {};8 (916) {:03}-{:02}-{:02};user{}@mail.ru;Москва;{:02}.{:02}.19{:02};Петрова;клиент;\"note, {}\";{}",
            x % 97,
            x % 1000,
            (x >> 10) % 100,
            (x >> 20) % 100,
            x % 100_000,
            1 + (x >> 30) % 28,
            1 + (x >> 35) % 12,
            (x >> 40) % 100,
            x % 13,
            x % 10_000
        )
        .expect("write");
    }
    f.flush().expect("flush");
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn read_write(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("steward-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut group = c.benchmark_group("read_write_passthrough");
    group.sample_size(10);
    for rows in [100_000usize, 1_000_000] {
        let input = dir.join(format!("in_{rows}.csv"));
        let bytes = generate(rows, &input);
        let layers = [Layer::default_rules()];
        let overrides = Overrides {
            as_of: chrono::NaiveDate::from_ymd_opt(2025, 1, 1),
            ..Overrides::default()
        };
        let rules = RuleSet::from_config(&Config::load(&layers, &overrides).expect("rules"))
            .expect("rule set");
        // The `normalize` path: read, (no roles mapped here), write — no dedupe, no checks.
        let config = RunConfig {
            dedupe: false,
            assess: false,
            ..RunConfig::new(vec![input.clone()], rules)
        };
        let out = dir.join(format!("out_{rows}.csv"));
        group.throughput(Throughput::Bytes(bytes));
        group.bench_function(format!("{rows}_rows"), |b| {
            b.iter(|| {
                let analysis = analyze(&config, "normalize", &Silent).expect("analyze");
                write_normalized(&analysis, &out, &config.inputs).expect("write");
            })
        });
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, read_write);
criterion_main!(benches);
