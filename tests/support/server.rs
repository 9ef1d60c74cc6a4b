//! `conflictmap serve` as a child process, for the integration tests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// The server as a child process, killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    pub fn start(dir: &std::path::Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_conflictmap"))
            .args(["serve", dir.to_str().unwrap(), "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .rsplit_once("http://127.0.0.1:")
            .and_then(|(_, rest)| rest.trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| panic!("no URL in the first line of `serve`: {line:?}"));
        Server { child, port }
    }

    /// Status code, headers (lower-case names) and body of a raw request.
    #[allow(dead_code)] // each test file compiles this module; not all of them ask
    pub fn request(&self, method: &str, target: &str) -> (u16, String, Vec<u8>) {
        self.request_with(method, target, "")
    }

    /// [`Server::request`] with more header lines (each ending in "\r\n").
    #[allow(dead_code)]
    pub fn request_with(
        &self,
        method: &str,
        target: &str,
        headers: &str,
    ) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}Connection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a response head");
        let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
        let code = head[9..12].parse().unwrap();
        (code, head, raw[split + 4..].to_vec())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
