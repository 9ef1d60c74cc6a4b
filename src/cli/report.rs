//! `conflictmap report`: the whole study in one run, with its progress by stage.

use std::path::{Path, PathBuf};

use crate::cli::args::ReportArgs;
use crate::cli::progress::Stages;
use crate::error::Result;
use crate::products::report::{self, Written};
use crate::run::{EventOptions, Run};

pub fn run(args: &ReportArgs) -> Result<()> {
    let mut stages = Stages::new();
    stages.start("setup and events");
    let opts = args.options();
    let run = Run::load_with(&args.study.options(), |setup| {
        Ok(EventOptions {
            // The manifest names the exact input: hashed while it is read.
            hash_inputs: true,
            // The details only if the layers are among the products.
            details: report::needs_details(setup, &opts)?,
            ..args.events.options()
        })
    })?;
    let r = report::write(&run, &opts, &mut |name| stages.start(name))?;
    stages.finish();
    drop(stages);
    eprint!("{}", run.loaded.read.summary);
    summary(&args.out, &r.written, &r.manifest);
    Ok(())
}

/// The closing summary: what was written where, by kind.
fn summary(out: &Path, written: &Written, manifest: &Path) {
    eprintln!("Report written to {}:", out.display());
    for (kind, files) in written.groups() {
        if files.is_empty() {
            continue;
        }
        // Folders two levels deep at most: the tiles' z/x folders are not listed.
        let mut dirs: Vec<String> = files
            .iter()
            .map(|f| {
                let rel = f.strip_prefix(out).unwrap_or(f);
                match rel.parent().filter(|p| !p.as_os_str().is_empty()) {
                    Some(d) => {
                        let top: PathBuf = d.components().take(2).collect();
                        format!("{}/", top.display())
                    }
                    None => rel.display().to_string(),
                }
            })
            .collect();
        dirs.sort();
        dirs.dedup();
        let shown = if files.len() <= 3 {
            files
                .iter()
                .map(|f| f.strip_prefix(out).unwrap_or(f).display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            format!("{} files in {}", files.len(), dirs.join(", "))
        };
        eprintln!("  {kind:<9} {shown}");
    }
    eprintln!(
        "  {:<9} {} (every file above with its SHA-256)",
        "manifest",
        manifest.strip_prefix(out).unwrap_or(manifest).display()
    );
    if written.page.iter().any(|p| p.ends_with("report.html")) {
        eprintln!("Open {} in a browser.", out.join("report.html").display());
    }
    if let Some(viewer) = written
        .tiles
        .iter()
        .find(|p| p.ends_with("tiles/index.html"))
    {
        eprintln!(
            "Web map: open {} (works offline), or `conflictmap serve {}`.",
            viewer.display(),
            out.join("tiles").display()
        );
    }
}
