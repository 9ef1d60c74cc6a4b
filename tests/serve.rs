//! `conflictmap serve`: the real binary on a temporary folder, spoken to over raw TCP so
//! that request paths reach the server exactly as written (HTTP clients normalise `..`).

use std::process::Command;

#[path = "support/server.rs"]
mod server;
use server::Server;

#[test]
fn serves_files_with_their_types_and_nothing_outside_the_folder() {
    let top = tempfile::tempdir().unwrap();
    std::fs::write(top.path().join("secret.txt"), "TOP SECRET").unwrap();
    let root = top.path().join("tiles");
    std::fs::create_dir_all(root.join("xyz/2024/0/0")).unwrap();
    std::fs::write(root.join("index.html"), "<!DOCTYPE html><title>t</title>").unwrap();
    std::fs::write(root.join("viewer.js"), "var x = 1;").unwrap();
    std::fs::write(root.join("tiles.json"), "{}").unwrap();
    std::fs::write(root.join("xyz/2024/0/0/0.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    let server = Server::start(&root);

    let (code, head, body) = server.request("GET", "/");
    assert_eq!(code, 200);
    assert!(
        head.contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    assert_eq!(body, b"<!DOCTYPE html><title>t</title>");
    for (target, ty) in [
        ("/index.html?year=2024", "text/html"),
        ("/viewer.js", "text/javascript"),
        ("/tiles.json", "application/json"),
        ("/xyz/2024/0/0/0.png", "image/png"),
    ] {
        let (code, head, _) = server.request("GET", target);
        assert_eq!(code, 200, "{target}");
        assert!(
            head.contains(&format!("content-type: {ty}")),
            "{target}: {head}"
        );
    }
    // Missing tiles are plain 404s (the page shows nothing there).
    assert_eq!(server.request("GET", "/xyz/2024/5/1/1.png").0, 404);
    assert_eq!(server.request("POST", "/index.html").0, 405);

    for target in [
        "/../secret.txt",
        "/xyz/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%5csecret.txt",
        "/xyz/2024/%2e%2e/%2e%2e/%2e%2e/secret.txt",
    ] {
        let (code, _, body) = server.request("GET", target);
        assert_eq!(code, 404, "{target}");
        assert!(
            !String::from_utf8_lossy(&body).contains("TOP SECRET"),
            "{target}"
        );
    }
}

/// PMTiles clients read archives in parts: `Range: bytes=a-b` gets 206 and exactly
/// those bytes; a range past the end gets 416.
#[test]
fn serve_answers_byte_ranges() {
    let root = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(root.path().join("events.pmtiles"), &bytes).unwrap();
    let server = Server::start(root.path());

    let (code, head, body) = server.request("GET", "/events.pmtiles");
    assert_eq!(code, 200);
    assert!(head.contains("accept-ranges: bytes"), "{head}");
    assert_eq!(body, bytes);
    for (range, start, end) in [
        ("bytes=0-126", 0, 126),
        ("bytes=900-", 900, 999),
        ("bytes=-10", 990, 999),
        ("bytes=990-5000", 990, 999),
    ] {
        let (code, head, body) =
            server.request_with("GET", "/events.pmtiles", &format!("Range: {range}\r\n"));
        assert_eq!(code, 206, "{range}");
        assert!(
            head.contains(&format!("content-range: bytes {start}-{end}/1000")),
            "{range}: {head}"
        );
        assert!(
            head.contains(&format!("content-length: {}", end - start + 1)),
            "{head}"
        );
        assert_eq!(body, &bytes[start..=end], "{range}");
    }
    // HEAD: the part's head, no body.
    let (code, head, body) =
        server.request_with("HEAD", "/events.pmtiles", "Range: bytes=10-19\r\n");
    assert_eq!((code, body.len()), (206, 0));
    assert!(head.contains("content-length: 10"), "{head}");
    // Past the end: 416 with the file's length.
    let (code, head, _) =
        server.request_with("GET", "/events.pmtiles", "Range: bytes=1000-1010\r\n");
    assert_eq!(code, 416);
    assert!(head.contains("content-range: bytes */1000"), "{head}");
    // Several ranges, or an If-Range this server cannot check: the whole file.
    for headers in [
        "Range: bytes=0-1,5-6\r\n",
        "Range: bytes=0-1\r\nIf-Range: \"x\"\r\n",
    ] {
        let (code, _, body) = server.request_with("GET", "/events.pmtiles", headers);
        assert_eq!((code, body.len()), (200, 1000), "{headers}");
    }
}

/// TileJSON wants absolute endpoints, which only the server knows: it rewrites them in
/// `tiles.json` and leaves every other key as written.
#[test]
fn serve_hands_out_tilejson_with_absolute_endpoints() {
    let top = tempfile::tempdir().unwrap();
    let root = top.path();
    let written = serde_json::json!({
        "tilejson": "3.0.0",
        "tiles": ["xyz/2024/{z}/{x}/{y}.png"],
        "xyz": "xyz/{year}/{z}/{x}/{y}.png",
        "years": [2023, 2024]
    });
    std::fs::write(root.join("tiles.json"), written.to_string()).unwrap();
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(root.join("sub/tiles.json"), written.to_string()).unwrap();
    let server = Server::start(root);
    let base = format!("http://127.0.0.1:{}", server.port);
    let (code, _, body) = server.request("GET", "/tiles.json");
    assert_eq!(code, 200);
    let j: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        j["tiles"][0],
        format!("{base}/xyz/2024/{{z}}/{{x}}/{{y}}.png")
    );
    assert_eq!(j["xyz"], written["xyz"]);
    assert_eq!(j["years"], written["years"]);
    let (_, _, body) = server.request("GET", "/sub/tiles.json?v=1");
    let j: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        j["tiles"][0],
        format!("{base}/sub/xyz/2024/{{z}}/{{x}}/{{y}}.png")
    );
    // The file on disk is untouched.
    let disk: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("tiles.json")).unwrap()).unwrap();
    assert_eq!(disk, written);
}

#[test]
fn serve_refuses_a_folder_that_does_not_exist() {
    let out = Command::new(env!("CARGO_BIN_EXE_conflictmap"))
        .args(["serve", "no/such/folder", "--port", "0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no/such/folder"), "{err}");
}
