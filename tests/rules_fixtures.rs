//! Rule fixtures: every registered rule has `testdata/rules/<CODE>.csv` that triggers it, and
//! every user rule kind has `testdata/rules/user/<kind>.{csv,toml}`. Each fixture runs with
//! only its rule selected; optional `testdata/rules/<CODE>.toml` adds settings.
//! Fixtures are read with `--max-field-bytes 256` and `--as-of 2025-01-01`.

use std::path::{Path, PathBuf};

use steward::input::ReadOptions;
use steward::pipeline::{self, Analysis, RunConfig};
use steward::progress::Silent;
use steward::rules::RuleSet;
use steward::rules::config::{Config, Layer, Overrides};
use steward::rules::registry;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `csv` with the given rules layers, selecting only `code`.
fn run(csv: &Path, extra: Vec<Layer>, code: &str) -> Analysis {
    // The fixtures' as-of date is a layer, not an override, so a fixture's own TOML may move it.
    let mut layers = vec![Layer {
        name: "fixture-as-of".into(),
        text: "[params]\nas_of = \"2025-01-01\"\n".into(),
    }];
    layers.extend(extra);
    layers.push(Layer { name: "fixture-select".into(), text: format!("select = [\"{code}\"]\n") });
    let overrides = Overrides::default();
    let config = Config::load(&layers, &overrides).unwrap_or_else(|e| panic!("{code}: {e}"));
    let rules = RuleSet::from_config(&config).unwrap();
    let run = RunConfig {
        read: ReadOptions { max_field_bytes: 256, ..ReadOptions::default() },
        // `<CODE>.suppress.csv` and `<CODE>.contacts.csv` feed rules that need those inputs.
        suppress: [csv.with_extension("suppress.csv")]
            .into_iter()
            .filter(|p| p.is_file())
            .collect(),
        contacts_log: Some(csv.with_extension("contacts.csv")).filter(|p| p.is_file()),
        ..RunConfig::new(vec![csv.to_path_buf()], rules)
    };
    pipeline::analyze(&run, "check", &Silent).unwrap_or_else(|e| panic!("{code}: {e}"))
}

#[test]
fn every_registered_rule_has_a_fixture_that_triggers_only_it() {
    let mut missing = Vec::new();
    for rule in registry::all() {
        let csv = root().join(format!("testdata/rules/{}.csv", rule.code));
        if !csv.is_file() {
            missing.push(rule.code);
            continue;
        }
        let extra = root().join(format!("testdata/rules/{}.toml", rule.code));
        let layers = if extra.is_file() { vec![Layer::load(&extra).unwrap()] } else { Vec::new() };
        let analysis = run(&csv, layers, rule.code);
        assert!(
            analysis.findings().iter().any(|f| f.code == rule.code),
            "{}: its fixture produced no {} finding",
            rule.code,
            rule.code
        );
        assert!(
            analysis.findings().iter().all(|f| f.code == rule.code),
            "{}: with only it selected, other codes were reported",
            rule.code
        );
    }
    assert!(missing.is_empty(), "rules without testdata/rules/<CODE>.csv: {missing:?}");
}

#[test]
fn user_rule_kinds_fire_on_the_expected_rows() {
    // (kind, code, rows with a finding)
    let cases: &[(&str, &str, &[u64])] = &[
        ("required", "U001", &[2, 3]),
        ("regex", "U002", &[3, 5]),
        ("allowed", "U003", &[3]),
        ("length", "U004", &[2, 3]),
        ("range", "U005", &[2, 3]),
        ("date_order", "U006", &[2]),
        ("unique", "U007", &[2]),
    ];
    for (kind, code, rows) in cases {
        let dir = root().join("testdata/rules/user");
        let layer = Layer::load(&dir.join(format!("{kind}.toml"))).unwrap();
        let analysis = run(&dir.join(format!("{kind}.csv")), vec![layer], code);
        let got: Vec<u64> = analysis.findings().iter().map(|f| f.row).collect();
        assert_eq!(&got, rows, "{kind}");
        assert!(analysis.findings().iter().all(|f| f.code == *code), "{kind}");
    }
}
