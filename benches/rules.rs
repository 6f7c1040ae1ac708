//! Cost of the rules layer per row: missing-value blanking plus seven user rules (one of each
//! kind, `unique` as a table check), over seeded synthetic contacts.
//!
//! `cargo bench --bench rules`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use steward::record::Record;
use steward::roles::ColumnMap;
use steward::rules::RuleSet;
use steward::rules::config::{Config, Layer, Overrides};

const RULES: &str = r#"
[[rule]]
code = "U001"
kind = "required"
column = "email"
[[rule]]
code = "U002"
kind = "regex"
column = "ИНН"
pattern = "[0-9]{10}|[0-9]{12}"
[[rule]]
code = "U003"
kind = "allowed"
column = "Статус"
values = ["Лид", "Клиент", "Бывший клиент"]
ignore_case = true
[[rule]]
code = "U004"
kind = "length"
column = "ФИО"
min = 3
max = 120
[[rule]]
code = "U005"
kind = "range"
column = "Сумма"
min = 0
[[rule]]
code = "U006"
kind = "date_order"
columns = ["Дата создания", "Последняя покупка"]
[[rule]]
code = "U007"
kind = "unique"
column = "email"
"#;

/// A tiny deterministic generator (xorshift), so runs compare.
fn rows(n: usize) -> Vec<Record> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let names = ["Иванов Иван", "Петрова Анна", "Сидоров Пётр", "Кузнецова Мария", "нет"];
    let statuses = ["Лид", "клиент", "Партнёр", "", "-"];
    (0..n)
        .map(|i| {
            let r = next();
            Record::from(vec![
                names[(r % 5) as usize].to_string(),
                if r % 7 == 0 {
                    "не указан".into()
                } else {
                    format!("user{}@example.ru", r % 50_000)
                },
                format!("{}", 7_700_000_000u64 + r % 100_000_000),
                statuses[((r >> 8) % 5) as usize].to_string(),
                format!("{},{}", r % 100_000, r % 100),
                format!("2024-{:02}-{:02}", 1 + r % 12, 1 + (r >> 4) % 28),
                format!("2024-{:02}-{:02}", 1 + (r >> 9) % 12, 1 + (r >> 13) % 28),
                i.to_string(),
            ])
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let layer = Layer { name: "bench.toml".into(), text: RULES.into() };
    let config = Config::load(&[layer], &Overrides::default()).expect("bench rules load");
    let rules = RuleSet::from_config(&config).expect("rule set");
    let headers: Vec<String> =
        ["ФИО", "Email", "ИНН", "Статус", "Сумма", "Дата создания", "Последняя покупка", "ID"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let map = ColumnMap::resolve(&headers, &[]);
    let bound = rules.bind(&map).expect("bind");
    let data = rows(100_000);
    let mut g = c.benchmark_group("rules");
    g.throughput(Throughput::Elements(data.len() as u64));
    g.sample_size(10);
    g.bench_function("blank_missing+check_row/100k", |b| {
        b.iter(|| {
            let mut issues = Vec::new();
            for r in &data {
                let blanked = config.missing_values.blank(r, &map);
                bound.check_row(blanked.as_ref().unwrap_or(r), &mut issues);
            }
            issues.len()
        })
    });
    g.bench_function("check_table_unique/100k", |b| {
        b.iter(|| bound.check_table(data.iter(), &|i| format!("row {i}")).len())
    });
    g.finish();
    c.bench_function("config_load_default+b2b", |b| {
        b.iter(|| {
            Config::load(&[Layer::preset("b2b").expect("preset")], &Overrides::default())
                .expect("load")
                .params
                .active_days
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
