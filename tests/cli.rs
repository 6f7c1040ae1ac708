//! End-to-end tests of the `steward` binary: exit codes, outputs, row accounting, bad input.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// A scratch folder with the binary at hand and a scrubbed environment.
struct CliTest {
    dir: tempfile::TempDir,
}

impl CliTest {
    fn new() -> CliTest {
        CliTest { dir: tempfile::tempdir().expect("temp dir") }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).expect("write fixture");
        p
    }

    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("steward").expect("binary");
        c.current_dir(self.dir.path()).env_remove("RAYON_NUM_THREADS").env("NO_COLOR", "1");
        c
    }

    /// Runs and returns (exit code, stdout, stderr), asserting no panic.
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd().args(args).output().expect("run steward");
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(!stderr.contains("panicked at"), "steward panicked: {stderr}");
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).to_string(), stderr)
    }
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("open output csv");
    let headers = r.headers().expect("headers").iter().map(str::to_string).collect();
    let rows =
        r.records().map(|x| x.expect("record").iter().map(str::to_string).collect()).collect();
    (headers, rows)
}

fn report(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("report.json")).expect("report.json"))
        .expect("json")
}

/// Every data row of every input appears exactly once: in cleaned.csv (steward_row, possibly
/// `;`-joined) or in quarantine.csv; the report's accounting agrees.
fn assert_every_row_accounted(out: &Path, rows_in_input: u64) {
    let (headers, cleaned) = read_csv(&out.join("cleaned.csv"));
    let row_col = headers.iter().position(|h| h == "steward_row").expect("steward_row column");
    let (_, quarantined) = read_csv(&out.join("quarantine.csv"));
    let mut seen: Vec<u64> = cleaned
        .iter()
        .flat_map(|r| {
            r[row_col].split(';').map(|n| n.parse::<u64>().expect("row number")).collect::<Vec<_>>()
        })
        .chain(quarantined.iter().map(|r| r[1].parse::<u64>().expect("row number")))
        .collect();
    seen.sort_unstable();
    assert_eq!(seen, (1..=rows_in_input).collect::<Vec<_>>(), "rows lost or duplicated");
    let acc = &report(out)["accounting"];
    assert_eq!(acc["rows_read"].as_u64(), Some(rows_in_input));
    let sum = acc["records_written"].as_u64().unwrap_or(0)
        + acc["rows_merged"].as_u64().unwrap_or(0)
        + acc["rows_quarantined"].as_u64().unwrap_or(0);
    assert_eq!(sum, rows_in_input, "accounting does not add up: {acc}");
}

const RU_EXPORT: &str = "ID клиента;ФИО;Телефон;E-mail;Дата рождения;Комментарий\n\
1;Иванов Иван Иванович;8 (916) 123-45-67;ivanov@mail.ru;01.02.1980;постоянный\n\
2;Петрова Анна;+7 495 981-01-85 доб. 12;anna@yandex.ru;15.03.1975;\"многострочный\nкомментарий\"\n\
3;Сидоров;89161234567;;;лишнее;поле\n\
4;Ёлкина Мария;8-800-555-35-35;m@ya.ru;;\n";

#[test]
fn clean_reads_a_windows_1251_semicolon_export_and_accounts_for_every_row() {
    let t = CliTest::new();
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(RU_EXPORT);
    t.write("clients.csv", &bytes);
    let (code, stdout, stderr) =
        t.run(&["clean", "clients.csv", "--out", "out", "--as-of", "2025-01-31", "--exit-zero"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("quarantined 1"), "{stdout}");
    assert!(stderr.contains("Телефон") && stderr.contains("phone"), "roles are printed: {stderr}");
    let out = t.path("out");
    for f in ["cleaned.csv", "quarantine.csv", "findings.csv", "report.json"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let r = report(&out);
    assert_eq!(r["inputs"][0]["encoding"], "windows-1251");
    assert_eq!(r["inputs"][0]["dialect"]["delimiter"], ";");
    assert_eq!(r["as_of"], "2025-01-31");
    assert_eq!(r["inputs"][0]["sha256"].as_str().map(str::len), Some(64));
    let roles: Vec<(String, String)> = r["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| {
            (
                c["column"].as_str().unwrap_or("").to_string(),
                c["role"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(roles.contains(&("Телефон".into(), "phone".into())));
    assert!(roles.contains(&("ФИО".into(), "full_name".into())));
    assert_every_row_accounted(&out, 4);
    let (headers, cleaned) = read_csv(&out.join("cleaned.csv"));
    assert_eq!(
        &headers[..6],
        &["ID клиента", "ФИО", "Телефон", "E-mail", "Дата рождения", "Комментарий"]
    );
    assert!(cleaned.iter().any(|r| r[5] == "многострочный\nкомментарий"), "embedded newline kept");
    let (_, q) = read_csv(&out.join("quarantine.csv"));
    assert_eq!(q[0][3], "IN001");
    assert_eq!(q[0][5], "3;Сидоров;89161234567;;;лишнее;поле", "raw text preserved exactly");
    assert_eq!(q[0][2], "5", "physical line accounts for the embedded newline");
}

#[test]
fn clean_reads_utf8_bom_comma_export() {
    let t = CliTest::new();
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(b"client_id,first_name,last_name,phone,email\r\n1,John,Smith,+1 202 555 0142,john@example.com\r\n2,Jane,Doe,,jane@example.org\r\n");
    t.write("en.csv", &bytes);
    let (code, _, stderr) = t.run(&["clean", "en.csv", "--out", "o", "-q"]);
    assert_eq!(code, 0, "{stderr}");
    let r = report(&t.path("o"));
    assert_eq!(r["inputs"][0]["encoding"], "utf-8");
    assert_eq!(r["inputs"][0]["bom"], true);
    assert_eq!(r["inputs"][0]["dialect"]["delimiter"], ",");
    let (headers, _) = read_csv(&t.path("o/cleaned.csv"));
    assert_eq!(headers[0], "client_id", "BOM is not part of the first header");
    assert_every_row_accounted(&t.path("o"), 2);
}

#[test]
fn several_inputs_are_unified_and_sourced() {
    let t = CliTest::new();
    t.write("a.csv", "id,phone\n1,111\n2,222\n");
    t.write("b.csv", "phone;email\n333;x@y.ru\n");
    let (code, _, stderr) = t.run(&["clean", "a.csv", "b.csv", "--out", "o", "--exit-zero"]);
    assert_eq!(code, 0, "{stderr}");
    let (headers, rows) = read_csv(&t.path("o/cleaned.csv"));
    assert_eq!(
        headers[..6],
        ["id", "phone", "email", "steward_row", "steward_source", "steward_cluster"]
    );
    assert_eq!(rows[2][..5], ["", "333", "x@y.ru", "1", "b.csv"]);
    assert_eq!(report(&t.path("o"))["accounting"]["rows_read"], 3);
}

#[test]
fn malformed_inputs_never_panic_and_are_quarantined_or_refused() {
    let t = CliTest::new();
    // Binary garbage: refused with a clear message.
    let garbage: Vec<u8> =
        (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    t.write("garbage.bin", &garbage);
    let (code, _, err) = t.run(&["clean", "garbage.bin", "--out", "o1"]);
    assert_eq!(code, 2);
    assert!(err.contains("garbage.bin") && err.contains("binary"), "{err}");
    assert!(!t.path("o1/cleaned.csv").exists(), "no partial outputs on failure");

    // Empty file and header only.
    t.write("empty.csv", "");
    let (code, _, err) = t.run(&["clean", "empty.csv", "--out", "o2"]);
    assert_eq!(code, 2);
    assert!(err.contains("empty"), "{err}");
    t.write("header.csv", "id;ФИО;Телефон\n");
    let (code, _, _) = t.run(&["clean", "header.csv", "--out", "o3"]);
    assert_eq!(code, 0);
    assert_every_row_accounted(&t.path("o3"), 0);

    // NUL byte, 10 MB field, ragged row, truncated multi-byte character at the end.
    let mut messy = "id,name,city\n".to_string().into_bytes();
    for i in 1..=20 {
        messy.extend_from_slice(format!("{i},Имя{i},Москва\n").as_bytes());
    }
    messy.extend_from_slice(b"21,Nul\x00Name,X\n");
    messy.extend_from_slice(format!("22,{},Y\n", "a".repeat(10 * 1024 * 1024)).as_bytes());
    messy.extend_from_slice(b"23,too,many,fields\n");
    messy.extend_from_slice("24,X,Ива".as_bytes());
    messy.extend_from_slice(&"н".as_bytes()[..1]);
    t.write("messy.csv", &messy);
    let (code, stdout, err) = t.run(&["clean", "messy.csv", "--out", "o4", "--exit-zero"]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("quarantined 4"), "{stdout}");
    assert_every_row_accounted(&t.path("o4"), 24);
    let (_, q) = read_csv(&t.path("o4/quarantine.csv"));
    let codes: Vec<&str> = q.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(codes, ["IN004", "IN003", "IN001", "IN002"]);
    assert!(q[3][5].ends_with("\\xD0"), "undecodable byte shown: {}", q[3][5]);
}

#[test]
fn utf16_and_koi8r_files_are_read() {
    let t = CliTest::new();
    let text = "ФИО;Телефон;Город\nИванов Иван;89161234567;Москва\nПетрова Анна;84951234567;Санкт-Петербург\n";
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    t.write("u16.csv", &le);
    let (code, _, err) = t.run(&["clean", "u16.csv", "--out", "o", "--exit-zero"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report(&t.path("o"))["inputs"][0]["encoding"], "utf-16le");
    let (_, rows) = read_csv(&t.path("o/cleaned.csv"));
    assert_eq!(rows[1][2], "Санкт-Петербург");
    let koi_text = text.repeat(5);
    let (koi, _, _) = encoding_rs::KOI8_R.encode(&koi_text);
    t.write("koi.csv", &koi);
    let (code, _, err) =
        t.run(&["clean", "koi.csv", "--out", "o2", "--encoding", "koi8-r", "--exit-zero"]);
    assert_eq!(code, 0, "{err}");
    let (_, rows) = read_csv(&t.path("o2/cleaned.csv"));
    assert_eq!(rows[0][0], "Иванов Иван");
}

#[test]
fn usage_and_input_errors_exit_2_with_one_clear_line() {
    let t = CliTest::new();
    t.write("ok.csv", "id,phone\n1,2\n");
    std::fs::create_dir(t.path("adir")).expect("dir");
    let cases: &[(&[&str], &str)] = &[
        (&["clean", "missing.csv", "--out", "o"], "missing.csv"),
        (&["clean", "adir", "--out", "o"], "is a directory"),
        (&["clean", "ok.csv", "--out", "o", "--map", "phone=telefon"], "unknown role `telefon`"),
        (&["clean", "ok.csv", "--out", "o", "--as-of", "31/31/2024"], "--as-of"),
        (&["clean", "ok.csv", "--out", "o", "--encoding", "klingon"], "unknown encoding"),
        (&["clean", "ok.csv", "--out", "o", "--region", "Russia"], "--region"),
        (&["check", "ok.csv", "--format", "yaml"], "yaml"),
    ];
    for (args, needle) in cases {
        let (code, _, err) = t.run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        if args[0] == "clean" && !args.contains(&"--format") {
            assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        }
    }
    assert!(!t.path("o").exists(), "failed runs leave no outputs");
}

#[test]
fn outputs_never_overwrite_an_input() {
    let t = CliTest::new();
    std::fs::create_dir(t.path("o")).expect("dir");
    t.write("o/cleaned.csv", "id,phone\n1,2\n");
    let (code, _, err) = t.run(&["clean", "o/cleaned.csv", "--out", "o"]);
    assert_eq!(code, 2);
    assert!(err.contains("overwrite an input"), "{err}");
    assert_eq!(
        std::fs::read_to_string(t.path("o/cleaned.csv")).unwrap_or_default(),
        "id,phone\n1,2\n"
    );
}

#[test]
fn check_is_a_gate_and_writes_no_files() {
    let t = CliTest::new();
    t.write("good.csv", "id,name\n1,Ann\n");
    t.write("bad.csv", "id,name\n1,Ann\n2,Bob,extra\n");
    assert_eq!(t.run(&["check", "good.csv"]).0, 0);
    let (code, stdout, _) = t.run(&["check", "bad.csv"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("FAIL") && stdout.contains("IN001"), "{stdout}");
    assert_eq!(t.run(&["check", "bad.csv", "--exit-zero"]).0, 0);
    let (code, stdout, _) = t.run(&["check", "bad.csv", "--format", "json"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&stdout).expect("json report");
    assert_eq!(v["accounting"]["rows_quarantined"], 1);
    let files: Vec<_> = std::fs::read_dir(t.dir.path())
        .expect("ls")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(files.len(), 2, "check wrote files: {files:?}");
}

#[test]
fn outputs_are_identical_whatever_the_thread_count() {
    let t = CliTest::new();
    let mut text = String::from("id;ФИО;Телефон\n");
    for i in 0..6_000 {
        text.push_str(&format!("{i};Иванов {i};8 916 {i:07}\n"));
        if i % 499 == 0 {
            text.push_str("broken;row;with;extra\n");
        }
    }
    t.write("big.csv", &text);
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = format!("o{threads}");
        let status = t
            .cmd()
            .args(["clean", "big.csv", "--out", &out, "--as-of", "2025-01-01", "--exit-zero"])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("run");
        assert!(status.status.success());
        let files: Vec<Vec<u8>> = [
            "cleaned.csv",
            "quarantine.csv",
            "findings.csv",
            "clusters.csv",
            "merges.csv",
            "review.csv",
            "report.json",
            "report.html",
        ]
        .iter()
        .map(|f| std::fs::read(t.path(&out).join(f)).expect("output"))
        .collect();
        outputs.push(files);
    }
    assert!(outputs[0] == outputs[1], "outputs differ between 1 and 2 threads");
}

#[test]
fn help_explains_each_command() {
    let t = CliTest::new();
    for cmd in ["clean", "check", "normalize"] {
        let (code, stdout, _) = t.run(&[cmd, "--help"]);
        assert_eq!(code, 0);
        assert!(stdout.contains("--map") && stdout.contains("--encoding"), "{cmd}: {stdout}");
    }
}

#[test]
fn duplicates_merge_into_one_golden_record_that_keeps_every_contact_and_the_withdrawal() {
    let t = CliTest::new();
    t.write(
        "base.csv",
        "ID клиента;ФИО;Телефон;E-mail;Email 2;Дата рождения;Согласие на обработку ПД;Согласие на рассылку;Дата отзыва согласия;Последняя покупка\n\
         1;Иванов Иван Петрович;8 (916) 123-45-67;ivanov@mail.ru;;01.02.1980;да;да;;01.03.2024\n\
         2;Петрова Анна Сергеевна;+7 903 765-43-21;petrova@yandex.ru;;15.05.1975;да;да;;01.04.2024\n\
         3;Иван Петрович Иванов;+7 916 123 45 67, +7 495 981-01-85;Ivanov@mail.ru;i.ivanov@corp.ru;01.02.1980;да;нет;10.05.2024;01.05.2024\n\
         4;Сидоров Олег;+7 926 111-22-33;sidorov@mail.ru;;03.03.1990;да;да;;\n",
    );
    let (code, stdout, err) = t.run(&[
        "clean",
        "base.csv",
        "--out",
        "o",
        "--as-of",
        "2024-06-01",
        "--exit-zero",
        "--map",
        "Email 2=email",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("merged 1"), "{stdout}");
    assert_every_row_accounted(&t.path("o"), 4);
    let (headers, rows) = read_csv(&t.path("o/cleaned.csv"));
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap_or(usize::MAX);
    let golden: Vec<&Vec<String>> =
        rows.iter().filter(|r| r[col("steward_row")] == "1;3").collect();
    assert_eq!(golden.len(), 1, "rows 1 and 3 form one golden record: {rows:?}");
    let g = golden[0];
    for phone in ["+79161234567", "+74959810185"] {
        assert!(g[col("Телефон")].contains(phone), "phone {phone} kept: {}", g[col("Телефон")]);
    }
    let emails = format!("{} {}", g[col("E-mail")], g[col("Email 2")]).to_lowercase();
    for email in ["ivanov@mail.ru", "i.ivanov@corp.ru"] {
        assert!(emails.contains(email), "email {email} kept: {emails}");
    }
    assert_eq!(g[col("Согласие на рассылку")], "нет", "the refusal wins");
    assert_eq!(g[col("Дата отзыва согласия")], "2024-05-10", "the withdrawal propagates");
    assert_eq!(g[col("steward_can_email")], "no");
    let (_, clusters) = read_csv(&t.path("o/clusters.csv"));
    assert_eq!(clusters.len(), 4, "one line per input row");
    assert_eq!(clusters[0][3], clusters[2][3]);
    assert_ne!(clusters[0][3], clusters[1][3]);
    let (_, merges) = read_csv(&t.path("o/merges.csv"));
    assert!(
        merges.iter().any(|m| m[2] == "Телефон" && m[3] == "union" && m[5] == "1;3"),
        "{merges:?}"
    );
    let (code, stdout, _) =
        t.run(&["dedupe", "base.csv", "--map", "Email 2=email", "--explain", "1", "3"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("same cluster: yes") && stdout.contains("match probability"),
        "{stdout}"
    );
}
