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
}

/// Options shared by every command that reads exports.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Export files to read (CSV with `,` `;` tab or `|`; UTF-8, UTF-16, Windows-1251, KOI8-R).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
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
    #[arg(long, value_name = "CODE", default_value = "RU")]
    pub region: String,
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
    /// No progress bar and no summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Folder for the outputs (created if missing).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
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
    /// Lowest severity that fails the gate.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Report, but always exit 0 unless there is a usage or input error.
    #[arg(long)]
    pub exit_zero: bool,
}

#[derive(Debug, Args)]
pub struct NormalizeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output CSV file.
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
}
