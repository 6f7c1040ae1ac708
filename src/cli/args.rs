//! Command-line arguments (clap derive). Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// steward — check, clean and deduplicate customer bases (CRM exports).
///
/// Exit codes: 0 pass, 1 gate failed (findings at or above --fail-on), 2 usage, config or
/// input error.
#[derive(Debug, Parser)]
#[command(name = "steward", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean a base: read exports, normalize values, write cleaned.csv, quarantine.csv,
    /// findings.csv and report.json into --out.
    Clean(CleanArgs),
    /// CI gate: analyse exports and print a report; writes no data files.
    /// Exits 1 when findings at or above --fail-on remain.
    Check(CheckArgs),
    /// Rewrite the mapped columns of one file in normalized form (a quick fix-up tool).
    Normalize(NormalizeArgs),
    /// Find duplicate clients in one or several exports (linking them together): writes
    /// clusters.csv (one line per input row), review.csv and report.json into --out;
    /// `--explain ROW_A ROW_B` shows why two rows match or not.
    Dedupe(DedupeArgs),
    /// List the rules (code, name, severity, summary), or explain one: `steward rules PH002`.
    Rules(RulesArgs),
    /// Write a starter rules file `steward.toml` (the commented defaults) into the current folder.
    Init(InitArgs),
}

/// Options shared by every command that reads exports.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Export files to read (CSV with `,` `;` tab or `|`; UTF-8, UTF-16, Windows-1251, KOI8-R).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Rules file (TOML) to apply over the built-in defaults; repeatable, later files win.
    /// `preset:NAME` names a shipped preset (ru-152fz, ru-38fz, gdpr, b2c, b2b). Without
    /// --rules, `./steward.toml` is used when it exists.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Suppression list (unsubscribes, do-not-call): phones and/or emails, one per line or in
    /// any CSV column. Matching records are not contactable. Repeatable.
    #[arg(long = "suppress", value_name = "FILE")]
    pub suppress: Vec<PathBuf>,
    /// Contact log (client id or phone/email, channel, timestamp) for the contact-frequency rule.
    #[arg(long = "contacts-log", value_name = "FILE")]
    pub contacts_log: Option<PathBuf>,
    /// Give a column a role, overriding the built-in header aliases: `--map "Тел. 2=phone"`.
    /// Use ROLE `none` to leave a column untouched. Repeatable.
    #[arg(long = "map", value_name = "COLUMN=ROLE")]
    pub map: Vec<String>,
    /// Text encoding of the inputs (utf-8, windows-1251, koi8-r, utf-16le, …) when detection
    /// guesses wrong.
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Field delimiter when sniffing guesses wrong: `,` `;` `|` or `tab`.
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Rows with a field longer than this many bytes go to quarantine.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    pub max_field_bytes: usize,
    /// Default region for phone numbers written without a country code (ISO code: RU, KZ, US…).
    /// Overrides `params.region` of the rules files (default RU).
    #[arg(long, value_name = "CODE")]
    pub region: Option<String>,
    /// The date to treat as today for ages, staleness and consent windows (YYYY-MM-DD or
    /// DD.MM.YYYY). Default: today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Apply suggested email domain fixes (gmial.com → gmail.com) instead of only reporting them.
    #[arg(long)]
    pub fix_typos: bool,
    /// Show personal values in report messages instead of masking them.
    #[arg(long)]
    pub show_values: bool,
    /// Do not look for duplicate clients (each row stays its own record).
    #[arg(long)]
    pub no_dedupe: bool,
    /// No progress bar and no summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print how long each stage (reading, normalizing, deduplicating, checking, writing) took,
    /// on stderr.
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Folder for the outputs (created if missing).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub gate: GateArgs,
}

/// Gate options: the outputs are written either way; the exit code says whether the base
/// passed the gate.
#[derive(Debug, Args)]
pub struct GateArgs {
    /// Lowest severity that fails the gate for rules without thresholds. Overrides
    /// `[gate] fail_on` of the rules files (default error).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Report, but exit 0 even when the gate fails (usage, config and input errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Markdown,
    Junit,
    Html,
}

/// Format of `steward rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    #[value(alias = "warning")]
    Warn,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Report format on stdout (or in --report).
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write the report to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub gate: GateArgs,
}

#[derive(Debug, Args)]
pub struct NormalizeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output CSV file.
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct DedupeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Folder for clusters.csv, review.csv and report.json (created if missing).
    #[arg(long, short, value_name = "DIR", required_unless_present = "explain")]
    pub out: Option<PathBuf>,
    /// Explain the match score of two rows: data-row numbers (`12 40`), or `FILE:ROW` with
    /// several inputs.
    #[arg(long, num_args = 2, value_names = ["ROW_A", "ROW_B"])]
    pub explain: Option<Vec<String>>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A code (`IN001`), a name (`row-field-count-mismatch`) or a family prefix (`PH`).
    /// Without it, every rule is listed.
    #[arg(value_name = "CODE")]
    pub code: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    /// Rules files to apply, to see effective severities and user rules (as for `check`).
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {}
