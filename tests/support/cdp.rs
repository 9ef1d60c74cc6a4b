//! Headless Chromium driven over the Chrome DevTools Protocol, for browser tests that
//! must act as a user (click on the map) rather than only load a page: one WebSocket to
//! the browser, one page attached in flat mode, commands sent and answered in order.
//! Written here because the protocol is a few JSON messages; a driver crate would bring
//! a browser download or an async runtime.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket, stream::MaybeTlsStream};

// The test that includes this module includes support/chromium.rs beside it.
use super::chromium;

/// A browser with one page.
pub struct Page {
    child: Child,
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    session: String,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Page {
    /// Starts headless Chromium with a `width`×`height` page (CSS pixels, scale 1) and
    /// opens `url` in it.
    pub fn open(url: &str, width: u32, height: u32) -> Page {
        let profile = tempfile::tempdir().unwrap();
        let child = chromium::headless(profile.path())
            .args([
                "--remote-debugging-port=0",
                "--hide-scrollbars",
                "about:blank",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (port, path) = devtools_port(profile.path());
        let (socket, _) = tungstenite::connect(format!("ws://127.0.0.1:{port}{path}")).unwrap();
        let mut page = Page {
            child,
            socket,
            session: String::new(),
            next_id: 0,
            _profile: profile,
        };
        let target = page.send("Target.createTarget", json!({"url": "about:blank"}));
        let target = target["targetId"].as_str().unwrap().to_string();
        let attached = page.send(
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
        );
        page.session = attached["sessionId"].as_str().unwrap().to_string();
        page.send(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
        );
        page.send("Page.navigate", json!({"url": url}));
        page
    }

    /// Sends a command (to the page once attached) and returns its result.
    fn send(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        self.socket.send(Message::text(msg.to_string())).unwrap();
        loop {
            let Message::Text(text) = self.socket.read().unwrap() else {
                continue;
            };
            let reply: Value = serde_json::from_str(text.as_str()).unwrap();
            if reply["id"] == json!(id) {
                assert!(reply.get("error").is_none(), "{method}: {reply}");
                return reply["result"].clone();
            }
        }
    }

    /// The value of a JavaScript expression in the page, or the exception it threw.
    fn try_eval(&mut self, expression: &str) -> Result<Value, Value> {
        let r = self.send(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true}),
        );
        match r.get("exceptionDetails") {
            Some(e) => Err(e.clone()),
            None => Ok(r["result"]["value"].clone()),
        }
    }

    /// The value of a JavaScript expression in the page.
    pub fn eval(&mut self, expression: &str) -> Value {
        self.try_eval(expression)
            .unwrap_or_else(|e| panic!("{expression}: {e}"))
    }

    /// Evaluates `expression` until it is truthy (returning it) or `secs` pass (panics
    /// with `what`). Exceptions count as not yet: the page may still be loading.
    pub fn wait_for(&mut self, expression: &str, secs: u64, what: &str) -> Value {
        let start = Instant::now();
        loop {
            let v = self.try_eval(expression).unwrap_or(Value::Null);
            if !(v.is_null() || v == json!(false) || v == json!("")) {
                return v;
            }
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "waited {secs} s for {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A left click at (`x`, `y`) CSS pixels of the page, pressed and released as a mouse
    /// does.
    pub fn click(&mut self, x: f64, y: f64) {
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.send(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            );
        }
    }

    /// A PNG screenshot of the page.
    pub fn screenshot(&mut self, path: &Path) {
        use base64::Engine;
        let r = self.send("Page.captureScreenshot", json!({"format": "png"}));
        let png = base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().unwrap())
            .unwrap();
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port and browser path Chromium writes into its profile's DevToolsActivePort.
fn devtools_port(profile: &Path) -> (u16, String) {
    let file = profile.join("DevToolsActivePort");
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(&file) {
            let mut lines = text.lines();
            if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                return (port.parse().unwrap(), path.to_string());
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "Chromium wrote no DevToolsActivePort within 60 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
