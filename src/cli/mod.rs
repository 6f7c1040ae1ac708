//! The binary's only printing and exit-code logic.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod progress;

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use clap::Parser;

use args::{
    CheckArgs, CleanArgs, Cli, Command, DedupeArgs, FailOn, GateArgs, InitArgs, InputArgs,
    ListFormat, NormalizeArgs, ReportFormat, RulesArgs,
};
use steward::input::{ReadOptions, dialect, encoding};
use steward::pipeline::{self, Analysis, RunConfig};
use steward::roles::{Role, RoleOrigin};
use steward::rules::RuleSet;
use steward::rules::config::{self as rules_config, Config, Layer, Overrides};
use steward::rules::gate::Verdict;

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
        Command::Dedupe(a) => dedupe(a),
        Command::Rules(a) => rules_cmd(a),
        Command::Init(a) => init(a),
    }
}

/// The rules file `steward init` writes and a run picks up when no `--rules` is given.
const LOCAL_RULES: &str = "steward.toml";

/// Loads the rules layers: `--rules` files in order, else `./steward.toml` if present.
fn rules_layers(files: &[std::path::PathBuf], quiet: bool) -> Result<Vec<Layer>> {
    if files.is_empty() {
        let local = std::path::Path::new(LOCAL_RULES);
        if local.is_file() {
            if !quiet {
                eprintln!("steward: using rules from {LOCAL_RULES}");
            }
            return Ok(vec![Layer::load(local)?]);
        }
    }
    Ok(files.iter().map(|f| Layer::load(f)).collect::<steward::error::Result<_>>()?)
}

/// Builds the rule set from rules files and command-line overrides.
fn load_rules(files: &[std::path::PathBuf], overrides: &Overrides, quiet: bool) -> Result<RuleSet> {
    let layers = rules_layers(files, quiet)?;
    let config = Config::load(&layers, overrides)?;
    Ok(RuleSet::from_config(&config)?)
}

/// Turns raw input arguments into a validated [`RunConfig`].
fn resolve(input: &InputArgs, gate: Option<&GateArgs>) -> Result<RunConfig> {
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
    let mut map = Vec::new();
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
        map.push((column.trim().to_string(), role));
    }
    let as_of = input.as_of.as_deref().map(parse_as_of).transpose()?;
    if input.max_field_bytes == 0 {
        return Err(anyhow!("--max-field-bytes must be at least 1"));
    }
    // Order: built-in defaults < rules files (in order) < these flags.
    let overrides = Overrides {
        columns: map,
        region: input.region.clone(),
        as_of,
        fix_typos: input.fix_typos,
        fail_on: gate.and_then(|g| g.fail_on).map(|f| match f {
            FailOn::Error => rules_config::FailOn::Error,
            FailOn::Warn => rules_config::FailOn::Warning,
        }),
    };
    let rules = load_rules(&input.rules, &overrides, input.quiet)?;
    Ok(RunConfig {
        read: ReadOptions { encoding, delimiter, max_field_bytes: input.max_field_bytes },
        show_values: input.show_values,
        suppress: input.suppress.clone(),
        contacts_log: input.contacts_log.clone(),
        dedupe: !input.no_dedupe,
        ..RunConfig::new(input.inputs.clone(), rules)
    })
}

fn parse_as_of(s: &str) -> Result<chrono::NaiveDate> {
    let t = s.trim();
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(t, "%d.%m.%Y"))
        .map_err(|_| anyhow!("--as-of {s}: not a date; write it as YYYY-MM-DD (2025-03-31) or DD.MM.YYYY (31.03.2025)"))
}

/// The analysis of a command's run. It is never dropped: freeing a million rows one
/// allocation at a time took about 0.5 s at the end of a 1M-row run, and the process ends
/// right after, when the system takes the memory back at once.
fn analyze(
    config: &RunConfig,
    command: &str,
    bar: &progress::Bar,
) -> Result<std::mem::ManuallyDrop<Analysis>> {
    Ok(std::mem::ManuallyDrop::new(pipeline::analyze(config, command, bar)?))
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
    let config = resolve(&a.input, Some(&a.gate))?;
    let bar = progress::Bar::new(a.input.quiet, a.input.timings);
    let analysis = analyze(&config, "clean", &bar)?;
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
    let written = pipeline::write_clean_outputs(&analysis, &a.out, &config.inputs, &bar)
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
        analysis.finding_count()
    )?;
    for p in written {
        writeln!(out, "wrote {}", p.display())?;
    }
    // clean gates like check: the outputs are written either way, and exit 1 tells a
    // scheduled job not to load a base that failed the gate (--exit-zero to ignore).
    write!(out, "{}", gate_lines(&analysis))?;
    Ok(exit_code(&analysis, &a.gate))
}

/// Exit code from the gate verdict.
fn exit_code(analysis: &Analysis, gate: &GateArgs) -> u8 {
    if analysis.report.gate.verdict == Verdict::Fail && !gate.exit_zero {
        GATE_FAILED
    } else {
        PASS
    }
}

/// `gate: FAIL (…)` and the rules that failed or warned.
fn gate_lines(analysis: &Analysis) -> String {
    let g = &analysis.report.gate;
    let mut s = format!(
        "gate: {} (fail on {}; {} rows flagged, {}%)\n",
        g.verdict.as_str(),
        g.fail_on,
        g.rows_flagged,
        g.percent
    );
    for (code, c) in &analysis.report.findings {
        if c.verdict == Verdict::Pass {
            continue;
        }
        let limit = match c.verdict {
            Verdict::Fail => c.fail,
            _ => c.warn,
        };
        s.push_str(&format!(
            "  {} {code} {}: {} rows ({}%) > {}\n",
            c.verdict.as_str(),
            c.name,
            c.rows,
            c.percent,
            limit.map_or_else(|| "0".to_string(), |t| t.to_string())
        ));
    }
    s
}

fn check(a: CheckArgs) -> Result<u8> {
    let config = resolve(&a.input, Some(&a.gate))?;
    let bar = progress::Bar::new(a.input.quiet, a.input.timings);
    let analysis = analyze(&config, "check", &bar)?;
    let failed = analysis.report.gate.verdict == Verdict::Fail;
    let text = match a.format {
        ReportFormat::Json => serde_json::to_string_pretty(&analysis.report)? + "\n",
        ReportFormat::Text => text_summary(&analysis, failed),
        ReportFormat::Markdown => steward::report::markdown::render(&analysis.report),
        ReportFormat::Junit => steward::report::junit::render(&analysis.report),
        ReportFormat::Html => steward::report::html::render(&analysis.report),
    };
    match &a.report {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(exit_code(&analysis, &a.gate))
}

fn text_summary(analysis: &Analysis, failed: bool) -> String {
    let acc = analysis.report.accounting;
    let mut s = format!(
        "{}: {} rows read, {} quarantined, {} findings\n",
        if failed { "FAIL" } else { "PASS" },
        acc.rows_read,
        acc.rows_quarantined,
        analysis.finding_count()
    );
    for (code, c) in &analysis.report.findings {
        s.push_str(&format!(
            "  {code} {:<36} {:<8} {:>7} findings {:>7} rows {:>8}%  {}\n",
            c.name,
            c.severity,
            c.count,
            c.rows,
            c.percent,
            c.verdict.as_str().to_ascii_lowercase()
        ));
    }
    s.push_str(&gate_lines(analysis));
    s
}

fn normalize(a: NormalizeArgs) -> Result<u8> {
    if a.input.inputs.len() != 1 {
        return Err(anyhow!(
            "normalize takes exactly one INPUT file (got {})",
            a.input.inputs.len()
        ));
    }
    let mut config = resolve(&a.input, None)?;
    config.dedupe = false;
    config.assess = false;
    let bar = progress::Bar::new(a.input.quiet, a.input.timings);
    let analysis = analyze(&config, "normalize", &bar)?;
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

fn dedupe(a: DedupeArgs) -> Result<u8> {
    let mut config = resolve(&a.input, None)?;
    config.dedupe = true;
    // Finding duplicates needs no domain checks: `clean` and `check` run those.
    config.assess = false;
    let bar = progress::Bar::new(a.input.quiet, a.input.timings);
    let analysis = analyze(&config, "dedupe", &bar)?;
    let mut out = std::io::stdout().lock();
    if let Some(rows) = &a.explain {
        let find = |spec: &String| {
            pipeline::find_row(&analysis, spec).ok_or_else(|| {
                anyhow!("--explain {spec}: no such readable data row (give a data-row number, or FILE:ROW)")
            })
        };
        let (ra, rb) = match rows.as_slice() {
            [x, y] => (find(x)?, find(y)?),
            _ => return Err(anyhow!("--explain takes two rows")),
        };
        let e = pipeline::explain_rows(&analysis, ra, rb)
            .ok_or_else(|| anyhow!("--explain: deduplication did not run"))?;
        let same =
            analysis.dedupe.as_ref().is_some_and(|d| d.cluster_of.get(ra) == d.cluster_of.get(rb));
        writeln!(
            out,
            "{} vs {}",
            pipeline::row_label(&analysis, ra),
            pipeline::row_label(&analysis, rb)
        )?;
        writeln!(out, "  {:<14} {:<12} {:>8}", "field", "level", "weight")?;
        for f in &e.fields {
            writeln!(
                out,
                "  {:<14} {:<12} {:>+8.2}{}",
                f.field.name(),
                f.level_name,
                f.weight,
                if f.tf_adjusted { " (frequency-adjusted)" } else { "" }
            )?;
        }
        writeln!(out, "  {:<14} {:<12} {:>+8.2}", "prior", "", e.prior_weight)?;
        writeln!(
            out,
            "  total weight {:+.2}, match probability {:.4}",
            e.total_weight, e.probability
        )?;
        if let Some(v) = e.veto {
            writeln!(out, "  kept apart: {}", v.describe())?;
        }
        writeln!(out, "  same cluster: {}", if same { "yes" } else { "no" })?;
        return Ok(PASS);
    }
    let dir = a.out.as_ref().ok_or_else(|| anyhow!("--out DIR is required"))?;
    let written = pipeline::write_dedupe_outputs(&analysis, dir, &config.inputs, &bar)
        .with_context(|| format!("writing outputs to {}", dir.display()))?;
    if let Some(d) = &analysis.dedupe {
        let clusters = d.clusters();
        let merged: usize = clusters.iter().map(|c| c.len() - 1).sum();
        writeln!(
            out,
            "rows {}, duplicate clusters {}, rows that duplicate another {}, pairs for review {}, candidate pairs {}",
            analysis.input.rows.len(),
            clusters.len(),
            merged,
            d.review_pairs.len(),
            d.stats.candidate_pairs
        )?;
    }
    for p in written {
        writeln!(out, "wrote {}", p.display())?;
    }
    Ok(PASS)
}

fn severity_word(s: Option<steward::finding::Severity>) -> &'static str {
    s.map_or("off", |s| s.as_str())
}

/// `steward rules [CODE|PREFIX]`.
fn rules_cmd(a: RulesArgs) -> Result<u8> {
    let rules = load_rules(&a.rules, &Overrides::default(), true)?;
    let all = rules.rules();
    let mut out = std::io::stdout().lock();
    let selected: Vec<&steward::rules::engine::RuleInfo> = match &a.code {
        None => all.iter().collect(),
        Some(key) => {
            if let Some(one) = rules.lookup(key) {
                return print_rule_doc(&mut out, &one, a.format);
            }
            let prefix = key.trim().to_ascii_uppercase();
            let family: Vec<_> = all.iter().filter(|r| r.code.starts_with(&prefix)).collect();
            if family.is_empty() {
                let known_family =
                    steward::rules::selector::FAMILIES.iter().any(|(f, _)| prefix.starts_with(f));
                if known_family && steward::rules::selector::Selector::parse(&prefix).is_ok() {
                    // A known family whose rules are not in this build: an empty list, not an error.
                    family
                } else {
                    let candidates = all.iter().flat_map(|r| [r.code, r.name.as_str()]);
                    let hint = steward::rules::selector::did_you_mean(key, candidates)
                        .map(|c| format!("; did you mean `{c}`?"))
                        .unwrap_or_default();
                    return Err(anyhow!(
                        "no rule `{key}`{hint} (run `steward rules` for the list)"
                    ));
                }
            } else {
                family
            }
        }
    };
    match a.format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> =
                selected.iter().map(|r| rule_json(r, false)).collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        }
        ListFormat::Text => {
            for r in selected {
                writeln!(
                    out,
                    "{:<6} {:<36} {:<8} {}",
                    r.code,
                    r.name,
                    severity_word(r.severity),
                    r.summary
                )?;
            }
        }
    }
    Ok(PASS)
}

/// A rule as JSON for `steward rules --format json` (with its doc when one rule is asked for).
fn rule_json(r: &steward::rules::engine::RuleInfo, with_doc: bool) -> serde_json::Value {
    let mut v = serde_json::json!({
        "code": r.code,
        "name": r.name,
        "severity": severity_word(r.severity),
        "default_severity": severity_word(r.default_severity),
        "summary": r.summary,
        "fix": format!("{:?}", r.fix).to_ascii_lowercase(),
        "since": r.since,
        "user": r.user,
    });
    if with_doc {
        v["doc"] = serde_json::Value::from(r.doc.clone());
    }
    v
}

fn print_rule_doc(
    out: &mut impl Write,
    r: &steward::rules::engine::RuleInfo,
    format: ListFormat,
) -> Result<u8> {
    match format {
        ListFormat::Json => {
            let v = rule_json(r, true);
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        ListFormat::Text => {
            writeln!(out, "# {} {}\n", r.code, r.name)?;
            writeln!(
                out,
                "{}. Severity: {} (default {}). Since {}.\n",
                r.summary.trim_end_matches('.'),
                severity_word(r.severity),
                severity_word(r.default_severity),
                r.since
            )?;
            writeln!(out, "{}", r.doc.trim_end())?;
        }
    }
    Ok(PASS)
}

/// `steward init`: writes the commented defaults as `./steward.toml`, never overwriting.
fn init(_: InitArgs) -> Result<u8> {
    let path = std::path::Path::new(LOCAL_RULES);
    let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(anyhow!(
                "{LOCAL_RULES} already exists; steward init does not overwrite it (edit it, or remove it first)"
            ));
        }
        Err(e) => return Err(e).with_context(|| format!("creating {LOCAL_RULES}")),
    };
    file.write_all(rules_config::DEFAULT_RULES.as_bytes())
        .with_context(|| format!("writing {LOCAL_RULES}"))?;
    println!(
        "wrote {LOCAL_RULES}: steward uses it when run in this folder without --rules; \
         presets: --rules preset:ru-152fz, ru-38fz, gdpr, b2c, b2b"
    );
    Ok(PASS)
}
