//! `conflictmap serve [DIR] [--port N]`: serves a folder (by default the tiles and viewer
//! written by `conflictmap tiles`) over HTTP on 127.0.0.1 only, for browsers or web-map
//! tools that will not read local files. Read-only, no directory listings, nothing
//! outside DIR: request paths are decoded, `..` is refused and symbolic links leading out
//! of DIR are not followed.

use std::fs::File;
use std::path::{Component, Path, PathBuf};

use percent_encoding::percent_decode_str;
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::cli::args::ServeArgs;
use crate::error::{Error, Result};

/// Requests answered at once (a browser opens about six connections for tiles).
const WORKERS: usize = 4;

pub fn run(args: &ServeArgs) -> Result<()> {
    let root = args
        .dir
        .canonicalize()
        .map_err(|e| Error::io(&args.dir, e))?;
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a folder: serve the folder `conflictmap tiles` wrote (default output/tiles)",
            args.dir.display()
        )));
    }
    if !root.join("index.html").is_file() {
        eprintln!(
            "warning: {} has no index.html (run `conflictmap tiles` to write the viewer); serving its files anyway",
            args.dir.display()
        );
    }
    let server = Server::http(("127.0.0.1", args.port))
        .map_err(|e| Error::Usage(format!("cannot listen on 127.0.0.1:{}: {e}", args.port)))?;
    let addr = server
        .server_addr()
        .to_ip()
        .expect("an HTTP server listens on an IP address");
    // The first line of stdout: scripts (and the tests) read the port from it.
    println!("Serving {} at http://{addr}/", root.display());
    eprintln!("Open http://{addr}/index.html in a browser; Ctrl-C stops.");
    use std::io::Write as _;
    std::io::stdout().flush().ok();
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| {
                while let Ok(request) = server.recv() {
                    answer(&root, request);
                }
            });
        }
    });
    Ok(())
}

fn answer(root: &Path, request: Request) {
    let result = match request.method() {
        Method::Get | Method::Head => match resolve(root, request.url()).and_then(open) {
            Some((file, path)) => {
                let response = Response::from_file(file)
                    .with_header(header("Content-Type", content_type(&path)))
                    .with_header(header("Cache-Control", "no-cache"))
                    .with_header(header("X-Content-Type-Options", "nosniff"));
                request.respond(response)
            }
            None => request.respond(text(404, "Not found")),
        },
        _ => request
            .respond(text(405, "Only GET and HEAD").with_header(header("Allow", "GET, HEAD"))),
    };
    // A browser closing a connection early (e.g. tiles no longer needed) is not an error.
    let _ = result;
}

fn open(path: PathBuf) -> Option<(File, PathBuf)> {
    File::open(&path).ok().map(|f| (f, path))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

fn text(code: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_status_code(StatusCode(code))
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

/// The file of `root` a request target names (`/` and folders give their `index.html`),
/// or `None` when there is none or the target tries to leave `root` (`..`, encoded or
/// not; absolute paths; backslashes; symbolic links leading out). `root` must be
/// canonical.
pub fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    if decoded.contains(['\0', '\\']) {
        return None;
    }
    let mut out = root.to_path_buf();
    for part in decoded.split('/').filter(|p| !p.is_empty() && *p != ".") {
        // One plain name per part: no "..", no drive or root hidden in a part.
        let mut comps = Path::new(part).components();
        match (comps.next(), comps.next()) {
            (Some(Component::Normal(name)), None) => out.push(name),
            _ => return None,
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    let real = out.canonicalize().ok()?;
    (real.starts_with(root) && real.is_file()).then_some(real)
}

/// The Content-Type of a file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "geojson" => "application/geo+json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "md" | "txt" | "csv" => "text/plain; charset=utf-8",
        "pbf" | "mvt" => "application/x-protobuf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (tempfile::TempDir, PathBuf) {
        let top = tempfile::tempdir().unwrap();
        std::fs::write(top.path().join("secret.txt"), "secret").unwrap();
        let root = top.path().join("tiles");
        std::fs::create_dir_all(root.join("xyz/2024/0/0")).unwrap();
        std::fs::write(root.join("index.html"), "<html>").unwrap();
        std::fs::write(root.join("xyz/2024/0/0/0.png"), "png").unwrap();
        std::fs::write(root.join("a b.js"), "js").unwrap();
        let root = root.canonicalize().unwrap();
        (top, root)
    }

    #[test]
    fn files_folders_and_encoded_names_resolve_inside_the_root() {
        let (_top, root) = tree();
        assert_eq!(resolve(&root, "/"), Some(root.join("index.html")));
        assert_eq!(
            resolve(&root, "/index.html?year=2024"),
            Some(root.join("index.html"))
        );
        assert_eq!(
            resolve(&root, "/xyz/2024/0/0/0.png"),
            Some(root.join("xyz/2024/0/0/0.png"))
        );
        assert_eq!(
            resolve(&root, "/./xyz//2024/0/0/0.png"),
            Some(root.join("xyz/2024/0/0/0.png"))
        );
        assert_eq!(resolve(&root, "/a%20b.js"), Some(root.join("a b.js")));
        assert_eq!(resolve(&root, "/xyz/2024/0/0/1.png"), None);
        // A folder without index.html is not listed.
        assert_eq!(resolve(&root, "/xyz/"), None);
    }

    #[test]
    fn nothing_outside_the_root_is_reachable() {
        let (_top, root) = tree();
        for target in [
            "/../secret.txt",
            "/xyz/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/..%2fsecret.txt",
            "/xyz/%2e%2e/%2e%2e/secret.txt",
            "/..\\secret.txt",
            "/%5c..%5csecret.txt",
            "//etc/passwd",
            "/%2fetc%2fpasswd",
            "/index.html%00.png",
        ] {
            assert_eq!(resolve(&root, target), None, "{target}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_out_of_the_root_are_not_followed() {
        let (top, root) = tree();
        std::os::unix::fs::symlink(top.path().join("secret.txt"), root.join("link.txt")).unwrap();
        assert_eq!(resolve(&root, "/link.txt"), None);
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(
            content_type(Path::new("index.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("data/map.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("xyz/2024/1/2/3.PNG")), "image/png");
        assert_eq!(content_type(Path::new("tiles.json")), "application/json");
        assert_eq!(
            content_type(Path::new("x.pmtiles")),
            "application/octet-stream"
        );
    }
}
