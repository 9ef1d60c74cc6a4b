//! The `conflictmap` command. Everything it does lives in the library; see `cli`.

use clap::Parser;

fn main() -> std::process::ExitCode {
    // SAFETY: the first statement of `main`, before any thread exists.
    unsafe { conflictmap::analysis::projection::isolate_proj_environment() };
    let cli = conflictmap::cli::Cli::parse();
    match conflictmap::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
