//! The `steward` command line. All logic lives in the library; `cli` parses, prints and
//! chooses exit codes.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
