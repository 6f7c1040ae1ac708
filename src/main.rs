//! The `steward` command line. All logic lives in the library; `cli` parses, prints and
//! chooses exit codes.

mod cli;

// The pipeline allocates millions of short strings on worker threads and frees rows read on
// another; mimalloc reuses and returns that memory where the system allocator kept it
// (measured on a 1M-row base: see CHANGELOG).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
