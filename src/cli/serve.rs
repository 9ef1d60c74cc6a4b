//! `conflictmap serve`: the tiles and their viewer over HTTP on 127.0.0.1.

use std::io::Write;

use crate::cli::args::ServeArgs;
use crate::error::Result;
use crate::serve;

pub fn run(args: &ServeArgs) -> Result<()> {
    let server = serve::bind(&args.dir, args.port)?;
    if !server.has_index {
        eprintln!(
            "warning: {} has no index.html (run `conflictmap tiles` to write the viewer); serving its files anyway",
            args.dir.display()
        );
    }
    let addr = server.addr;
    // The first line of stdout: scripts (and the tests) read the port from it.
    println!("Serving {} at http://{addr}/", server.root.display());
    eprintln!("Open http://{addr}/index.html in a browser; Ctrl-C stops.");
    std::io::stdout().flush().ok();
    server.run()
}
