//! A progress bar on stderr, shown only on a terminal and without `--quiet`; with `--timings`,
//! each stage's duration is printed to stderr when it ends.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Draws the library's progress with indicatif.
pub struct Bar {
    enabled: bool,
    timings: bool,
    bar: Mutex<Option<ProgressBar>>,
    stage: Mutex<Option<Stage>>,
    started: Instant,
}

impl Bar {
    /// A bar that draws only when stderr is a terminal and `quiet` is off; `timings` prints
    /// each stage's duration.
    pub fn new(quiet: bool, timings: bool) -> Bar {
        Bar {
            enabled: !quiet && std::io::stderr().is_terminal(),
            timings,
            bar: Mutex::new(None),
            stage: Mutex::new(None),
            started: Instant::now(),
        }
    }
}

/// The running stage: name, rows, start, and the process's CPU seconds at its start.
type Stage = (&'static str, u64, Instant, Option<f64>);

impl steward::progress::Progress for Bar {
    fn start(&self, stage: &'static str, total: u64) {
        if self.timings {
            if let Ok(mut slot) = self.stage.lock() {
                *slot = Some((stage, total, Instant::now(), cpu_seconds()));
            }
        }
        if !self.enabled {
            return;
        }
        // Stages without a row count (reading, writing a file) get a spinner, not an empty bar.
        let bar = if total == 0 {
            let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
                spinner.set_style(style);
            }
            spinner.enable_steady_tick(std::time::Duration::from_millis(120));
            spinner
        } else {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{msg:>12} [{bar:30}] {pos}/{len} rows, {per_sec}, ETA {eta}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        };
        bar.set_message(stage);
        if let Ok(mut slot) = self.bar.lock() {
            *slot = Some(bar);
        }
    }

    fn advance(&self, n: u64) {
        if let Ok(slot) = self.bar.lock() {
            if let Some(bar) = slot.as_ref() {
                bar.inc(n);
            }
        }
    }

    fn finish(&self) {
        if let Ok(mut slot) = self.bar.lock() {
            if let Some(bar) = slot.take() {
                bar.finish_and_clear();
            }
        }
        if let Some((stage, total, at, cpu_at)) = self.stage.lock().ok().and_then(|mut s| s.take())
        {
            let cpu = match (cpu_at, cpu_seconds()) {
                (Some(a), Some(b)) => format!(", cpu {:.2} s", b - a),
                _ => String::new(),
            };
            eprintln!(
                "timing: {stage:<22} {:>8.3} s ({total} rows{cpu}; {:.3} s since start{})",
                at.elapsed().as_secs_f64(),
                self.started.elapsed().as_secs_f64(),
                memory().map(|m| format!("; {m}")).unwrap_or_default()
            );
        }
    }
}

/// CPU time of this process so far, all threads, user and system, where the OS tells it
/// (Linux: `/proc/self/stat` counts in clock ticks of 1/100 s). Against a stage's wall time it
/// shows how well the stage used the cores.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |k: usize| fields.get(k)?.parse::<f64>().ok();
    Some((ticks(11)? + ticks(12)?) / 100.0)
}

/// Resident and peak memory of this process, where the OS tells it (Linux).
fn memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    let (rss, peak) = (field("VmRSS:")?, field("VmHWM:")?);
    Some(format!("memory {} MiB, peak {} MiB", rss / 1024, peak / 1024))
}
