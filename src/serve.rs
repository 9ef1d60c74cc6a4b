//! The file server behind `conflictmap serve [DIR] [--port N]`: serves a folder (by default the tiles and viewer
//! written by `conflictmap tiles`) over HTTP on 127.0.0.1 only, for browsers or web-map
//! tools that will not read local files. Read-only, no directory listings, nothing
//! outside DIR: request paths are decoded, `..` is refused and symbolic links leading out
//! of DIR are not followed. Byte ranges (`Range: bytes=a-b`, RFC 9110 §14) are answered
//! with 206 and the part asked for, so that PMTiles clients read archives in place.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use percent_encoding::percent_decode_str;

use crate::error::{Error, Result};
use crate::products::tiles::absolute_endpoints;

// Why std's TcpListener and not an HTTP crate: tiny_http 0.12 (the small blocking server
// tried first) runs each keep-alive connection as a task of a pool that can leave a new
// connection's task queued behind connections the browser keeps open; headless Chromium
// then waited forever for a script now and then. This server only answers GET/HEAD for
// files: one thread per connection, one request per connection (`Connection: close`),
// which HTTP/1.1 allows and leaves nothing queued.

/// Longest request head accepted (request line and headers).
const MAX_HEAD: usize = 16 * 1024;
/// A client that sends nothing for this long is dropped.
const IDLE: Duration = Duration::from_secs(30);

/// A folder bound to a port of 127.0.0.1, ready to serve.
pub struct Server {
    /// The folder served (canonical).
    pub root: PathBuf,
    /// The address listened on (port 0 asks for a free one).
    pub addr: std::net::SocketAddr,
    /// False when the folder has no index.html (it is served anyway).
    pub has_index: bool,
    listener: TcpListener,
}

/// Binds `dir` to `port` of 127.0.0.1 (0: a free port).
pub fn bind(dir: &Path, port: u16) -> Result<Server> {
    let root = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a folder: serve the folder `conflictmap tiles` wrote (default output/tiles)",
            dir.display()
        )));
    }
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| Error::Usage(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Usage(format!("no local address: {e}")))?;
    Ok(Server {
        has_index: root.join("index.html").is_file(),
        root,
        addr,
        listener,
    })
}

impl Server {
    /// Answers requests until the process stops (one thread per connection).
    pub fn run(self) -> Result<()> {
        let (root, listener) = (self.root, self.listener);
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                // A browser closing a connection early (tiles no longer needed) is no error.
                let _ = answer(&root, stream);
            });
        }
        Ok(())
    }
}

/// Reads one request from `stream` and answers it.
fn answer(root: &Path, stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(IDLE))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    // Of the headers, only Range and If-Range change the answer.
    let mut head = line.len();
    let (mut range, mut if_range) = (None, false);
    loop {
        let mut h = String::new();
        let n = reader.read_line(&mut h)?;
        head += n;
        if n == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if head > MAX_HEAD {
            return reply(stream, 431, "Request header too large");
        }
        if let Some((name, value)) = h.split_once(':') {
            if name.trim().eq_ignore_ascii_case("range") {
                range = Some(value.trim().to_string());
            } else if name.trim().eq_ignore_ascii_case("if-range") {
                if_range = true;
            }
        }
    }
    let mut parts = line.split_whitespace();
    let (method, target) = match (parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v)) if v.starts_with("HTTP/1.") => (m, t),
        _ => return reply(stream, 400, "Bad request"),
    };
    if method != "GET" && method != "HEAD" {
        return reply(stream, 405, "Only GET and HEAD");
    }
    let Some((mut file, path)) =
        resolve(root, target).and_then(|p| Some((File::open(&p).ok()?, p)))
    else {
        return reply(stream, 404, "Not found");
    };
    let addr = stream.local_addr()?;
    let mut out = std::io::BufWriter::new(stream);
    if let Some(body) = tilejson_with_absolute_endpoints(&path, target, &addr.to_string()) {
        write_head(&mut out, 200, content_type(&path), body.len() as u64)?;
        if method == "GET" {
            out.write_all(&body)?;
        }
        return out.flush();
    }
    let len = file.metadata()?.len();
    // If-Range asks for the range only if the file is unchanged since a validator this
    // server never gave (no ETag, no Last-Modified): the whole file, as RFC 9110 says.
    let asked = if if_range { None } else { range.as_deref() };
    let (start, end) = match asked.map_or(Ranged::Whole, |r| byte_range(r, len)) {
        Ranged::Whole => {
            write_head(&mut out, 200, content_type(&path), len)?;
            if method == "GET" {
                std::io::copy(&mut file, &mut out)?;
            }
            return out.flush();
        }
        Ranged::Unsatisfiable => {
            let body = format!("Range not satisfiable: the file has {len} bytes");
            write!(
                out,
                "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Type: text/plain; charset=utf-8\r\n\
                 Content-Length: {}\r\nContent-Range: bytes */{len}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )?;
            return out.flush();
        }
        Ranged::Part { start, end } => (start, end),
    };
    write!(
        out,
        "HTTP/1.1 206 Partial Content\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         Content-Range: bytes {start}-{end}/{len}\r\nAccept-Ranges: bytes\r\n\
         Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        content_type(&path),
        end - start + 1
    )?;
    if method == "GET" {
        file.seek(SeekFrom::Start(start))?;
        std::io::copy(&mut file.take(end - start + 1), &mut out)?;
    }
    out.flush()
}

/// What a `Range` header asks of a file of `len` bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum Ranged {
    /// The whole file (no usable range: not `bytes`, malformed, or several ranges, which
    /// a server may answer with the whole file; PMTiles clients ask for one).
    Whole,
    /// Bytes `start..=end`.
    Part { start: u64, end: u64 },
    /// A range that starts past the end of the file (or an empty file): 416.
    Unsatisfiable,
}

/// Parses a `Range` header value (RFC 9110 §14.1.2): `bytes=a-b`, `bytes=a-` (from a to
/// the end) or `bytes=-n` (the last n bytes); `b` past the end is cut to the end.
pub fn byte_range(value: &str, len: u64) -> Ranged {
    let Some(spec) = value
        .split_once('=')
        .filter(|(unit, _)| unit.trim().eq_ignore_ascii_case("bytes"))
        .map(|(_, spec)| spec.trim())
    else {
        return Ranged::Whole;
    };
    if spec.contains(',') {
        return Ranged::Whole;
    }
    let Some((first, last)) = spec.split_once('-') else {
        return Ranged::Whole;
    };
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (number(first), number(last), last.trim().is_empty()) {
        // The last n bytes.
        (None, Some(n), _) if first.trim().is_empty() => {
            if n == 0 || len == 0 {
                Ranged::Unsatisfiable
            } else {
                Ranged::Part {
                    start: len - n.min(len),
                    end: len - 1,
                }
            }
        }
        (Some(start), _, true) if start < len => Ranged::Part {
            start,
            end: len - 1,
        },
        (Some(start), Some(end), _) if start <= end => {
            if start < len {
                Ranged::Part {
                    start,
                    end: end.min(len - 1),
                }
            } else {
                Ranged::Unsatisfiable
            }
        }
        (Some(_), _, true) => Ranged::Unsatisfiable,
        _ => Ranged::Whole,
    }
}

/// A `tiles.json` (TileJSON) served with its tile endpoints made absolute, as TileJSON
/// requires and as only the server can (it knows its address): `None` for other files.
fn tilejson_with_absolute_endpoints(path: &Path, target: &str, addr: &str) -> Option<Vec<u8>> {
    if path.file_name()? != "tiles.json" {
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    json.get("tilejson")?;
    let dir = target.split(['?', '#']).next().unwrap_or_default();
    let dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
    let base = format!("http://{addr}{dir}");
    serde_json::to_vec_pretty(&absolute_endpoints(json, &base)).ok()
}

/// A short plain-text answer (errors).
fn reply(stream: TcpStream, code: u16, body: &str) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(stream);
    write_head(
        &mut out,
        code,
        "text/plain; charset=utf-8",
        body.len() as u64,
    )?;
    out.write_all(body.as_bytes())?;
    out.flush()
}

fn write_head(out: &mut impl Write, code: u16, ty: &str, len: u64) -> std::io::Result<()> {
    let reason = match code {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "Error",
    };
    let allow = if code == 405 {
        "Allow: GET, HEAD\r\n"
    } else {
        ""
    };
    let ranges = if code == 200 {
        "Accept-Ranges: bytes\r\n"
    } else {
        ""
    };
    write!(
        out,
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {ty}\r\nContent-Length: {len}\r\n\
         Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n{allow}{ranges}Connection: close\r\n\r\n"
    )
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
    fn byte_ranges_as_rfc_9110_reads_them() {
        let part = |start, end| Ranged::Part { start, end };
        assert_eq!(byte_range("bytes=0-99", 1000), part(0, 99));
        assert_eq!(byte_range("bytes=500-", 1000), part(500, 999));
        assert_eq!(byte_range("bytes=-100", 1000), part(900, 999));
        assert_eq!(byte_range("bytes=-5000", 1000), part(0, 999));
        assert_eq!(byte_range("bytes=990-2000", 1000), part(990, 999));
        assert_eq!(byte_range("bytes=999-999", 1000), part(999, 999));
        assert_eq!(byte_range(" Bytes = 10 - 19 ", 1000), part(10, 19));
        assert_eq!(byte_range("bytes=1000-", 1000), Ranged::Unsatisfiable);
        assert_eq!(byte_range("bytes=1000-1001", 1000), Ranged::Unsatisfiable);
        assert_eq!(byte_range("bytes=-0", 1000), Ranged::Unsatisfiable);
        assert_eq!(byte_range("bytes=0-", 0), Ranged::Unsatisfiable);
        // Malformed, other units, reversed or several ranges: the whole file.
        for v in [
            "bytes=5-1",
            "items=0-1",
            "bytes=a-b",
            "bytes=0-1,5-6",
            "bytes",
            "bytes=-",
        ] {
            assert_eq!(byte_range(v, 1000), Ranged::Whole, "{v}");
        }
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
