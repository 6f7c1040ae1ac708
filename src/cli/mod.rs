//! The binary's only printing and exit-code logic.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod progress;

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use clap::Parser;

use args::{CheckArgs, CleanArgs, Cli, Command, FailOn, InputArgs, NormalizeArgs, ReportFormat};
use steward::finding::Severity;
use steward::input::{ReadOptions, dialect, encoding};
use steward::normalize::NormalizeSettings;
use steward::pipeline::{self, Analysis, RunConfig};
use steward::roles::{Role, RoleOrigin};

/// Exit code: the gate passed.
const PASS: u8 = 0;
/// Exit code: the gate failed.
const GATE_FAILED: u8 = 1;
/// Exit code: usage, config or input error.
const ERROR: u8 = 2;

/// Parses arguments, runs the command, prints errors once, maps them to exit codes.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { ERROR } else { PASS };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::from(PASS);
            }
            eprintln!("steward: error: {e:#}");
            ExitCode::from(ERROR)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Clean(a) => clean(a),
        Command::Check(a) => check(a),
        Command::Normalize(a) => normalize(a),
    }
}

/// Turns raw input arguments into a validated [`RunConfig`].
fn resolve(input: &InputArgs) -> Result<RunConfig> {
    let encoding = match &input.encoding {
        Some(label) => Some(encoding::encoding_for_label(label).ok_or_else(|| {
            anyhow!("--encoding {label}: unknown encoding; use utf-8, windows-1251, koi8-r, utf-16le or utf-16be")
        })?),
        None => None,
    };
    let delimiter = match &input.delimiter {
        Some(d) => Some(dialect::parse_delimiter(d).ok_or_else(|| {
            anyhow!("--delimiter {d}: give one character such as `;` or `,`, or the word `tab`")
        })?),
        None => None,
    };
    let mut columns = Vec::new();
    for m in &input.map {
        let (column, role) = m.rsplit_once('=').ok_or_else(|| {
            anyhow!("--map {m}: expected COLUMN=ROLE, e.g. --map \"Тел. 2=phone\"")
        })?;
        let role = match role.trim() {
            "none" | "ignore" | "" => None,
            name => Some(Role::parse(name).ok_or_else(|| {
                let known: Vec<&str> =
                    steward::roles::ALL_ROLES.iter().map(|r| r.as_str()).collect();
                anyhow!("--map {m}: unknown role `{name}`; known roles: {}, none", known.join(", "))
            })?),
        };
        columns.push((column.trim().to_string(), role, RoleOrigin::CommandLine));
    }
    let as_of = match &input.as_of {
        Some(s) => parse_as_of(s)?,
        None => chrono::Local::now().date_naive(),
    };
    let region = input.region.trim().to_ascii_uppercase();
    if region.len() != 2 || !region.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(anyhow!(
            "--region {}: expected a two-letter ISO country code such as RU, KZ, US",
            input.region
        ));
    }
    if input.max_field_bytes == 0 {
        return Err(anyhow!("--max-field-bytes must be at least 1"));
    }
    Ok(RunConfig {
        inputs: input.inputs.clone(),
        read: ReadOptions { encoding, delimiter, max_field_bytes: input.max_field_bytes },
        columns,
        normalize: NormalizeSettings { region, fix_typos: input.fix_typos, as_of },
        show_values: input.show_values,
    })
}

fn parse_as_of(s: &str) -> Result<chrono::NaiveDate> {
    let t = s.trim();
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(t, "%d.%m.%Y"))
        .map_err(|_| anyhow!("--as-of {s}: not a date; write it as YYYY-MM-DD (2025-03-31) or DD.MM.YYYY (31.03.2025)"))
}

fn analyze(config: &RunConfig, command: &str, quiet: bool) -> Result<Analysis> {
    let bar = progress::Bar::new(quiet);
    Ok(pipeline::analyze(config, command, &bar)?)
}

fn print_roles(analysis: &Analysis) {
    eprintln!("columns:");
    for c in analysis.columns.columns() {
        match (c.role, c.origin) {
            (Some(role), Some(origin)) => {
                let how = match origin {
                    RoleOrigin::Alias => "header",
                    RoleOrigin::RulesFile => "rules file",
                    RoleOrigin::CommandLine => "--map",
                };
                eprintln!("  {:<32} → {:<20} ({how})", c.column, role.as_str());
            }
            _ => eprintln!("  {:<32}   (no role, passed through)", c.column),
        }
    }
}

fn clean(a: CleanArgs) -> Result<u8> {
    let config = resolve(&a.input)?;
    let analysis = analyze(&config, "clean", a.input.quiet)?;
    if !a.input.quiet {
        for s in &analysis.input.sources {
            eprintln!(
                "read {}: {}, delimiter `{}`, {} rows",
                s.path,
                s.encoding,
                dialect::delimiter_name(s.dialect.delimiter),
                s.rows_read
            );
        }
        print_roles(&analysis);
    }
    let written = pipeline::write_clean_outputs(&analysis, &a.out, &config.inputs)
        .with_context(|| format!("writing outputs to {}", a.out.display()))?;
    let acc = analysis.report.accounting;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "rows read {}, written {}, merged {}, quarantined {}; findings {}",
        acc.rows_read,
        acc.records_written,
        acc.rows_merged,
        acc.rows_quarantined,
        analysis.findings.len()
    )?;
    for p in written {
        writeln!(out, "wrote {}", p.display())?;
    }
    Ok(PASS)
}

fn gate_failed(analysis: &Analysis, fail_on: FailOn) -> bool {
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warn => Severity::Warning,
    };
    analysis.findings.iter().any(|f| f.severity >= threshold)
}

fn check(a: CheckArgs) -> Result<u8> {
    let config = resolve(&a.input)?;
    let analysis = analyze(&config, "check", a.input.quiet)?;
    let failed = gate_failed(&analysis, a.fail_on);
    let text = match a.format {
        ReportFormat::Json => serde_json::to_string_pretty(&analysis.report)? + "\n",
        ReportFormat::Text => text_summary(&analysis, failed),
    };
    match &a.report {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(if failed && !a.exit_zero { GATE_FAILED } else { PASS })
}

fn text_summary(analysis: &Analysis, failed: bool) -> String {
    let acc = analysis.report.accounting;
    let mut s = format!(
        "{}: {} rows read, {} quarantined, {} findings\n",
        if failed { "FAIL" } else { "PASS" },
        acc.rows_read,
        acc.rows_quarantined,
        analysis.findings.len()
    );
    for (code, c) in &analysis.report.findings {
        s.push_str(&format!("  {code} {:<36} {:<8} {}\n", c.name, c.severity, c.count));
    }
    s
}

fn normalize(a: NormalizeArgs) -> Result<u8> {
    if a.input.inputs.len() != 1 {
        return Err(anyhow!(
            "normalize takes exactly one INPUT file (got {})",
            a.input.inputs.len()
        ));
    }
    let config = resolve(&a.input)?;
    let analysis = analyze(&config, "normalize", a.input.quiet)?;
    pipeline::write_normalized(&analysis, &a.out, &config.inputs)
        .with_context(|| format!("writing {}", a.out.display()))?;
    let q = analysis.input.quarantine.len();
    if q > 0 && !a.input.quiet {
        eprintln!(
            "steward: {q} rows could not be read and are not in the output (run `steward clean` to get quarantine.csv)"
        );
    }
    Ok(PASS)
}
