//! The `conflictmap` command. Everything it does lives in the library; see `cli`.

use clap::Parser;

/// Asks glibc's allocator to keep freed memory for reuse instead of handing it back to
/// the system. Reading a large file allocates and frees buffers of a few MB per block
/// (rows, parsed drafts, field lists); by default glibc returns such memory (unmaps or
/// trims it) and the next block gets fresh pages, each faulted in and cleared by the
/// kernel again: gigabytes of page clearing over a 10-million-row file.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator settings; called before any thread exists.
    unsafe {
        // Blocks up to 32 MB come from the heap (not a mapping of their own), and the
        // heap's free top is handed back only beyond 256 MB.
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
    }
}

fn main() -> std::process::ExitCode {
    // SAFETY: the first statement of `main`, before any thread exists.
    unsafe { conflictmap::analysis::projection::isolate_proj_environment() };
    keep_freed_memory();
    let cli = conflictmap::cli::Cli::parse();
    match conflictmap::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
