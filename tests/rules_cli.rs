//! CLI tests of rules files, `steward rules`, `steward init` and gate exit codes.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

const CLEAN_CSV: &str = "ID;ФИО;Телефон;Email;Согласие на обработку ПД\n\
                         1;Иванов Иван;+7 916 123-45-67;ivanov@example.ru;да\n\
                         2;Петрова Анна;+7 916 765-43-21;anna@example.ru;да\n";
/// Row 2 has a stray delimiter: IN001 (error).
const BROKEN_CSV: &str = "ID;ФИО;Телефон;Email;Согласие на обработку ПД\n\
                          1;Иванов Иван;+7 916 123-45-67;ivanov@example.ru;да\n\
                          2;Петров; Пётр;+7 916 765-43-21;petrov@example.ru;да\n\
                          3;Сидорова Анна;;anna@example.ru;да\n";

/// A temp folder with files, and `steward` run inside it with a scrubbed environment.
struct Dir(TempDir);

impl Dir {
    fn new(files: &[(&str, &str)]) -> Dir {
        let dir = TempDir::new().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        Dir(dir)
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    fn steward(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        let mut cmd = Command::cargo_bin("steward").unwrap();
        for (k, _) in std::env::vars() {
            if k.starts_with("STEWARD_") {
                cmd.env_remove(k);
            }
        }
        cmd.current_dir(self.path()).env("NO_COLOR", "1").args(args).assert()
    }
}

#[test]
fn malformed_rules_file_reports_file_line_column_and_exits_2() {
    let d = Dir::new(&[
        ("a.csv", CLEAN_CSV),
        ("bad.toml", "select = [\"ALL\"]\n\n[params]\nactive_dayz = 10\n"),
    ]);
    d.steward(&["check", "a.csv", "--rules", "bad.toml"]).code(2).stderr(predicate::str::contains(
        "bad.toml:4:1: unknown key `active_dayz`; did you mean `active_days`?",
    ));
    let d = Dir::new(&[("a.csv", CLEAN_CSV), ("bad.toml", "fix_typos = \"yes\"\n")]);
    d.steward(&["clean", "a.csv", "--rules", "bad.toml", "-o", "out"])
        .code(2)
        .stderr(predicate::str::contains("bad.toml:1:13:"));
    assert!(!d.path().join("out/cleaned.csv").exists(), "nothing written on a config error");
    let d = Dir::new(&[("a.csv", CLEAN_CSV), ("bad.toml", "select = [\"ALL\"\n")]);
    d.steward(&["normalize", "a.csv", "--rules", "bad.toml", "-o", "n.csv"])
        .code(2)
        .stderr(predicate::str::contains("bad.toml:"));
}

#[test]
fn unknown_codes_get_did_you_mean() {
    let d = Dir::new(&[
        ("a.csv", CLEAN_CSV),
        ("r.toml", "ignore = [\"IN001\", \"IN009\"]\n[severity]\nIN04 = \"off\"\nXQ = \"off\"\n"),
    ]);
    d.steward(&["check", "a.csv", "--rules", "r.toml"])
        .code(2)
        .stderr(predicate::str::contains(
            "r.toml:1:20: unknown rule code `IN009`; did you mean `IN001`?",
        ))
        .stderr(predicate::str::contains("r.toml:4:1: unknown rule family `XQ`"));
    // Prefixes of families whose checks are not in this build are accepted.
    let d = Dir::new(&[("a.csv", CLEAN_CSV), ("r.toml", "extend_select = [\"CP\", \"DU\"]\n")]);
    d.steward(&["check", "a.csv", "--rules", "r.toml", "-q"]).code(0);
}

#[test]
fn later_files_override_earlier_and_flags_override_files() {
    let d = Dir::new(&[
        ("a.csv", BROKEN_CSV),
        ("warn.toml", "[severity]\nIN001 = \"warning\"\n[params]\nas_of = \"2020-01-01\"\n"),
        ("info.toml", "[severity]\nIN001 = \"info\"\n"),
        ("fail-warn.toml", "[gate]\nfail_on = \"warning\"\n"),
    ]);
    // Default: IN001 is an error → gate fails.
    d.steward(&["check", "a.csv", "-q"]).code(1);
    // warning then info: info wins → passes even with fail_on = warning from a file.
    d.steward(&[
        "check",
        "a.csv",
        "--rules",
        "fail-warn.toml",
        "--rules",
        "warn.toml",
        "--rules",
        "info.toml",
    ])
    .code(0);
    // info then warning: warning wins; the file's fail_on = warning fails it.
    d.steward(&[
        "check",
        "a.csv",
        "--rules",
        "fail-warn.toml",
        "--rules",
        "info.toml",
        "--rules",
        "warn.toml",
    ])
    .code(1);
    // ... and the --fail-on flag overrides the file.
    d.steward(&[
        "check",
        "a.csv",
        "--rules",
        "fail-warn.toml",
        "--rules",
        "warn.toml",
        "--fail-on",
        "error",
    ])
    .code(0);
    // --as-of beats params.as_of; the report names the layers in order.
    let out = d
        .steward(&[
            "check",
            "a.csv",
            "--rules",
            "warn.toml",
            "--as-of",
            "2021-02-03",
            "--format",
            "json",
        ])
        .code(0)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["as_of"], "2021-02-03");
    assert_eq!(report["rules_files"], serde_json::json!(["preset:default", "warn.toml"]));
    assert_eq!(report["findings"]["IN001"]["severity"], "warning");
    assert_eq!(report["findings"]["IN001"]["verdict"], "warn");
    assert_eq!(report["gate"]["verdict"], "warn");
    let out = d
        .steward(&["check", "a.csv", "--rules", "warn.toml", "--format", "json"])
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["as_of"], "2020-01-01", "params.as_of applies without the flag");
}

#[test]
fn rules_command_lists_and_explains() {
    let d = Dir::new(&[]);
    let out = d.steward(&["rules"]).code(0).get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.lines().any(|l| l.starts_with("IN001  row-field-count-mismatch")), "{text}");
    let out = d.steward(&["rules", "PH"]).code(0).get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.lines().all(|l| l.starts_with("PH")), "{text}");
    d.steward(&["rules", "IN001"])
        .code(0)
        .stdout(predicate::str::starts_with("# IN001 row-field-count-mismatch"))
        .stdout(predicate::str::contains("## What it checks"))
        .stdout(predicate::str::contains("## Fix"));
    d.steward(&["rules", "field-too-long"]).code(0).stdout(predicate::str::contains("# IN003"));
    d.steward(&["rules", "row-feild-count-mismatch"])
        .code(2)
        .stderr(predicate::str::contains("did you mean `row-field-count-mismatch`?"));
    let out = d.steward(&["rules", "--format", "json"]).code(0).get_output().stdout.clone();
    let list: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let first = &list.as_array().unwrap()[0];
    assert_eq!(first["code"], "IN001");
    assert_eq!(first["severity"], "error");
    // With a rules file: user rules and effective severities.
    let d = Dir::new(&[(
        "r.toml",
        "[severity]\nIN002 = \"off\"\n[[rule]]\ncode = \"U001\"\nkind = \"required\"\ncolumn = \"email\"\n",
    )]);
    d.steward(&["rules", "--rules", "r.toml"])
        .code(0)
        .stdout(predicate::str::contains("IN002  row-undecodable-bytes                off"))
        .stdout(predicate::str::contains("U001   user-required-u001"));
    d.steward(&["rules", "--rules", "r.toml", "U001"])
        .code(0)
        .stdout(predicate::str::contains("r.toml:4:8"));
}

#[test]
fn exit_codes_gate_and_exit_zero() {
    let d = Dir::new(&[("ok.csv", CLEAN_CSV), ("bad.csv", BROKEN_CSV)]);
    d.steward(&["check", "ok.csv", "-q"]).code(0).stdout(predicate::str::starts_with("PASS"));
    d.steward(&["check", "bad.csv", "-q"])
        .code(1)
        .stdout(predicate::str::starts_with("FAIL"))
        .stdout(predicate::str::contains("FAIL IN001 row-field-count-mismatch: 1 rows"));
    d.steward(&["check", "bad.csv", "-q", "--exit-zero"]).code(0);
    d.steward(&["check", "missing.csv", "-q", "--exit-zero"]).code(2);
    // clean writes every output, then gates.
    d.steward(&["clean", "bad.csv", "-q", "-o", "out"])
        .code(1)
        .stdout(predicate::str::contains("gate: FAIL"));
    assert!(d.path().join("out/cleaned.csv").is_file());
    assert!(d.path().join("out/report.json").is_file());
    d.steward(&["clean", "bad.csv", "-q", "-o", "out2", "--exit-zero"]).code(0);
    d.steward(&["clean", "ok.csv", "-q", "-o", "out3"]).code(0);
    // Thresholds: 1 of 3 rows is 33%: under a 50% fail threshold the gate warns only.
    std::fs::write(d.path().join("t.toml"), "[gate.rules.IN001]\nwarn = 0\nfail = \"50%\"\n")
        .unwrap();
    d.steward(&["check", "bad.csv", "-q", "--rules", "t.toml"])
        .code(0)
        .stdout(predicate::str::contains("WARN IN001"));
    std::fs::write(d.path().join("t.toml"), "[gate.rules.IN001]\nfail = \"30%\"\n").unwrap();
    d.steward(&["check", "bad.csv", "-q", "--rules", "t.toml"]).code(1);
    // A disabled rule neither reports nor gates.
    std::fs::write(d.path().join("off.toml"), "[severity]\nIN001 = \"off\"\n").unwrap();
    d.steward(&["check", "bad.csv", "-q", "--rules", "off.toml"]).code(0).stdout(
        predicate::str::contains("1 quarantined").and(predicate::str::contains("IN001").not()),
    );
}

#[test]
fn user_rules_run_and_bad_columns_fail_loudly() {
    let d = Dir::new(&[
        ("a.csv", "ID;ФИО;Email\n1;Иванов Иван;ivanov@example.ru\n2;Петров Пётр;нет\n"),
        (
            "r.toml",
            "[[rule]]\ncode = \"U001\"\nkind = \"required\"\ncolumn = \"email\"\nseverity = \"error\"\n",
        ),
        ("typo.toml", "[[rule]]\ncode = \"U001\"\nkind = \"required\"\ncolumn = \"Emial\"\n"),
    ]);
    d.steward(&["check", "a.csv", "-q", "--rules", "r.toml"])
        .code(1)
        .stdout(predicate::str::contains("U001 user-required-u001"));
    d.steward(&["check", "a.csv", "-q", "--rules", "typo.toml"]).code(2).stderr(
        predicate::str::contains(
            "typo.toml:4:10: rule U001: there is no column `Emial`; did you mean `Email`?",
        ),
    );
}

#[test]
fn presets_and_init() {
    let d = Dir::new(&[("a.csv", CLEAN_CSV)]);
    for p in ["ru-152fz", "ru-38fz", "gdpr", "b2c", "b2b"] {
        d.steward(&["check", "a.csv", "-q", "--rules", &format!("preset:{p}")]).code(0);
    }
    d.steward(&["check", "a.csv", "--rules", "preset:hipaa"])
        .code(2)
        .stderr(predicate::str::contains("no such preset"));
    d.steward(&["init"]).code(0).stdout(predicate::str::contains("wrote steward.toml"));
    let written = std::fs::read_to_string(d.path().join("steward.toml")).unwrap();
    assert!(written.contains("[params]") && written.starts_with('#'));
    d.steward(&["init"]).code(2).stderr(predicate::str::contains("already exists"));
    // A local steward.toml is picked up when no --rules is given.
    std::fs::write(d.path().join("steward.toml"), "select = [\"IN0X\"]\n").unwrap();
    d.steward(&["check", "a.csv"]).code(2).stderr(predicate::str::contains("steward.toml:1:11:"));
    d.steward(&["check", "a.csv", "-q", "--rules", "preset:default"]).code(0);
}
