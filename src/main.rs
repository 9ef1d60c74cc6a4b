//! The `conflictmap` command. Everything it does lives in the library; see `cli`.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = conflictmap::cli::Cli::parse();
    match conflictmap::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
