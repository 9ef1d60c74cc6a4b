//! The web viewer in a real browser: `conflictmap tiles` on a fixture, `conflictmap serve`
//! on its folder, then headless Chromium (Debian's `chromium`, installed by
//! scripts/setup.sh) loads the page with `?year=` (which moves the slider and fires its
//! input handler, as a user would), takes a screenshot and dumps the DOM. The screenshot
//! must show heat (the legend's ramp colours) on the map for a year with events and none
//! for a year without; the DOM must show the year and no error.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "support/cdp.rs"]
mod cdp;
#[path = "support/chromium.rs"]
mod chromium;
#[path = "support/server.rs"]
mod server;
use chromium::{chromium, headless};
use server::Server;

const FIXTURE: &str = "tests/data/fixtures/maps_two_years.csv";
const EXTENT: &str = "-6.5,12.5,-1.5,16.5";
/// The browser window; the map fills it.
const WIDTH: u32 = 1000;
const HEIGHT: u32 = 800;

enum Take<'a> {
    Screenshot(&'a Path),
    Dom,
}

/// Loads `url` in headless Chromium; returns stdout (the DOM for `Take::Dom`).
fn browse(url: &str, take: Take) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = headless(profile.path());
    cmd.args([
        "--hide-scrollbars",
        &format!("--window-size={WIDTH},{HEIGHT}"),
        "--virtual-time-budget=5000",
    ]);
    match take {
        Take::Screenshot(p) => cmd.arg(format!("--screenshot={}", p.display())),
        Take::Dom => cmd.arg("--dump-dom"),
    };
    let out_file = profile.path().join("stdout");
    let mut child = cmd
        .arg(url)
        .stdout(std::fs::File::create(&out_file).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium failed on {url}: {status}");
            break;
        }
        if start.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            panic!("chromium did not finish on {url} within 180 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::read_to_string(out_file).unwrap()
}

/// The value of attribute `name` of the element with id `id` in a dumped DOM.
fn attr(dom: &str, id: &str, name: &str) -> Option<String> {
    let start = dom.find(&format!("id=\"{id}\""))?;
    let tag_start = dom[..start].rfind('<')?;
    let tag = &dom[tag_start..tag_start + dom[tag_start..].find('>')?];
    let key = format!(" {name}=\"");
    let v = tag.find(&key)? + key.len();
    Some(tag[v..v + tag[v..].find('"')?].to_string())
}

/// The text inside the element with id `id` (up to its closing `</tag>`).
fn inner(dom: &str, id: &str, tag: &str) -> String {
    let start = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in the page"));
    let open_end = start + dom[start..].find('>').unwrap() + 1;
    let close = open_end + dom[open_end..].find(&format!("</{tag}>")).unwrap();
    dom[open_end..close].to_string()
}

/// RGB pixels of a PNG screenshot.
fn read_rgb(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let mut decoder =
        png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let px = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    (info.width, info.height, px)
}

/// The legend's ramp (tiles.json stops), sampled finely between stops.
fn ramp(tiles: &serde_json::Value) -> Vec<[u8; 3]> {
    let hex = |s: &str| {
        let v = u32::from_str_radix(s.trim_start_matches('#'), 16).unwrap();
        [(v >> 16) as u8, (v >> 8) as u8, v as u8].map(f64::from)
    };
    let stops: Vec<[f64; 3]> = tiles["legend"]["stops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| hex(s[1].as_str().unwrap()))
        .collect();
    let mut out = Vec::new();
    for w in stops.windows(2) {
        for k in 0..=16 {
            let t = f64::from(k) / 16.0;
            out.push([0, 1, 2].map(|i| (w[0][i] + (w[1][i] - w[0][i]) * t).round() as u8));
        }
    }
    out
}

/// Pixels of the map area (left of the panel and legend, below the banner, above the
/// credits) whose colour is on the ramp: drawn heat.
fn heat_pixels(path: &Path, ramp: &[[u8; 3]]) -> usize {
    let (w, h, px) = read_rgb(path);
    assert_eq!((w, h), (WIDTH, HEIGHT), "screenshot size");
    let near = |p: [u8; 3]| {
        ramp.iter().any(|r| {
            (0..3)
                .map(|i| (i32::from(p[i]) - i32::from(r[i])).pow(2))
                .sum::<i32>()
                < 18 * 18
        })
    };
    (50..h - 60)
        .flat_map(|y| (0..640).map(move |x| (x, y)))
        .filter(|&(x, y)| near(px[(y * w + x) as usize]))
        .count()
}

/// `conflictmap tiles` on the fixture, for the area around Mopti where its events lie
/// (so the page fits it and the heat spans many pixels), into `out`.
fn tiles(out: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_conflictmap"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["tiles", "--events", FIXTURE, &format!("--extent={EXTENT}")])
        .args(["--out", out.to_str().unwrap()])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn the_viewer_shows_the_selected_years_heat_in_a_real_browser() {
    let _ = chromium(); // fail first, and clearly, without the browser
    let out = tempfile::tempdir().unwrap();
    let run = tiles(
        out.path(),
        &["--years", "2022-2024", "--zooms", "0-8", "--formats", "xyz"],
    );
    assert!(
        run.status.success(),
        "conflictmap tiles: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let dir = out.path().join("tiles");
    assert!(dir.join("index.html").is_file(), "tiles wrote no viewer");
    let tiles: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("tiles.json")).unwrap()).unwrap();
    let ramp = ramp(&tiles);
    let server = Server::start(&dir);
    let shots = tempfile::tempdir().unwrap();

    let mut heat = Vec::new();
    for year in [2024, 2023] {
        let url = format!("http://127.0.0.1:{}/index.html?year={year}", server.port);
        let dom = browse(&url, Take::Dom);
        let errors = inner(&dom, "errors", "ul");
        assert!(errors.is_empty(), "{year}: errors on the page: {errors}");
        assert_eq!(attr(&dom, "status", "data-ready").as_deref(), Some("true"));
        // The slider's input handler ran with the year the URL asked for...
        assert_eq!(attr(&dom, "status", "data-year"), Some(year.to_string()));
        assert_eq!(inner(&dom, "year-label", "div"), year.to_string());
        // ...and its heat tiles finished loading (missing, empty tiles included).
        assert_eq!(
            attr(&dom, "status", "data-tiles-year"),
            Some(year.to_string())
        );
        let events: usize = attr(&dom, "status", "data-events-drawn")
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(events > 0, year == 2024, "{year}: {events} event points");
        assert!(
            inner(&dom, "legend", "div").contains(tiles["category"]["label"].as_str().unwrap())
        );
        // The fixture is not the synthetic sample: no banner.
        assert!(dom.contains("id=\"synthetic\" class=\"banner\" hidden"));

        let shot = shots.path().join(format!("viewer_{year}.png"));
        browse(&url, Take::Screenshot(&shot));
        heat.push(heat_pixels(&shot, &ramp));
        // To look at them: VIEWER_SHOTS=folder cargo test --test viewer
        if let Some(keep) = std::env::var_os("VIEWER_SHOTS") {
            std::fs::copy(&shot, Path::new(&keep).join(shot.file_name().unwrap())).unwrap();
        }
    }
    assert!(heat[0] > 150, "2024 shows only {} heat pixels", heat[0]);
    assert!(
        heat[1] < 10,
        "2023 (no events) shows {} heat pixels",
        heat[1]
    );

    // The same page opened as a file, offline: data and tiles load through <script> and <img>.
    let file_url = format!("file://{}?year=2024", dir.join("index.html").display());
    let dom = browse(&file_url, Take::Dom);
    assert!(
        inner(&dom, "errors", "ul").is_empty(),
        "file://: {dom:.2000}"
    );
    assert_eq!(
        attr(&dom, "status", "data-tiles-year").as_deref(),
        Some("2024")
    );
    assert_ne!(
        attr(&dom, "status", "data-events-drawn").as_deref(),
        Some("0")
    );
}

#[test]
fn no_viewer_without_xyz_tiles_or_with_no_viewer() {
    let out = tempfile::tempdir().unwrap();
    let tiles = |extra: &[&str]| tiles(out.path(), extra);
    let dir = out.path().join("tiles");
    let no_page = || !dir.join("index.html").exists() && !dir.join("data").exists();
    // Without XYZ tiles there is nothing for the page to show: none, and it says why.
    let run = tiles(&["--zooms", "0-3", "--formats", "mbtiles"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("No web viewer") && err.contains("xyz"),
        "{err}"
    );
    assert!(no_page());

    let run = tiles(&["--zooms", "0-3", "--formats", "xyz", "--no-viewer"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(dir.join("tiles.json").is_file() && dir.join("xyz").is_dir());
    assert!(no_page());
}

/// `conflictmap tiles` of 2022-2024 at `zooms` with XYZ and PMTiles (so events.pmtiles)
/// into `out`; returns the tiles folder.
fn event_tiles(out: &Path, zooms: &str) -> std::path::PathBuf {
    let run = tiles(
        out,
        &[
            "--years",
            "2022-2024",
            "--zooms",
            zooms,
            "--formats",
            "xyz,pmtiles",
        ],
    );
    assert!(
        run.status.success(),
        "conflictmap tiles: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let dir = out.join("tiles");
    assert!(dir.join("events.pmtiles").is_file());
    dir
}

/// Served over HTTP, the page draws the events from events.pmtiles (every event of the
/// year, read by range requests through the vendored protomaps-leaflet), and a click on
/// an event opens a popup with its notes, read from the deepest zoom's tiles. A real
/// click, through the DevTools protocol; then a click at a low zoom, where the popup
/// counts the events under it.
#[test]
fn served_viewer_draws_the_event_tiles_and_a_click_shows_the_notes() {
    let out = tempfile::tempdir().unwrap();
    let dir = event_tiles(out.path(), "0-8");
    let server = Server::start(&dir);
    let status = |attr: &str| format!("document.getElementById('status').getAttribute('{attr}')");

    // A page of 2024 centred on (lat, lon) at `zoom`, once its event tiles are drawn.
    let open_2024 = |lat: f64, lon: f64, zoom: u8| {
        let url = format!(
            "http://127.0.0.1:{}/index.html?year=2024&lat={lat}&lon={lon}&zoom={zoom}",
            server.port
        );
        let mut page = cdp::Page::open(&url, WIDTH, HEIGHT);
        page.wait_for(
            &format!("{} === '2024'", status("data-event-tiles-year")),
            120,
            &format!("the event tiles of 2024 at zoom {zoom}"),
        );
        page
    };

    // Centred on MLIT4 (2024, Mopti) at zoom 10: its point is the page's centre.
    let mut page = open_2024(14.4843, -4.18296, 10);
    assert_eq!(page.eval(&status("data-events-source")), "pmtiles");
    let errors = page.eval("document.getElementById('errors').textContent");
    assert_eq!(errors, "", "errors on the page");
    page.click(f64::from(WIDTH) / 2.0, f64::from(HEIGHT) / 2.0);
    let popup = page.wait_for(
        "(document.querySelector('.leaflet-popup-content') || {}).textContent",
        60,
        "a popup after the click",
    );
    let popup = popup.as_str().unwrap();
    assert!(popup.contains("MLIT4"), "{popup}");
    assert!(
        popup.contains("Notes") && popup.contains("Test row."),
        "{popup}"
    );
    // MLIT5 and MLIT6 lie tens of pixels away at this zoom; the 2022 event on the same
    // spot (MLIT1) is another year's.
    assert!(
        !popup.contains("MLIT1") && !popup.contains("MLIT5"),
        "{popup}"
    );
    assert_eq!(page.eval(&status("data-popup-events")), "1");
    if let Some(keep) = std::env::var_os("VIEWER_SHOTS") {
        page.screenshot(&Path::new(&keep).join("viewer_popup.png"));
    }

    // The whole study at zoom 5: the ten events of Gao's spot (MLIT7-16) are one point
    // standing for ten.
    let mut page = open_2024(16.27167, -0.04472, 5);
    // Every event of the year is in the tiles read for the view.
    page.wait_for(
        &format!("{} === '13'", status("data-events-drawn")),
        60,
        "the 13 events of 2024 drawn",
    );
    page.click(f64::from(WIDTH) / 2.0, f64::from(HEIGHT) / 2.0);
    let popup = page.wait_for(
        "(document.querySelector('.leaflet-popup-content') || {}).textContent",
        60,
        "a popup after the click at zoom 5",
    );
    assert!(
        popup.as_str().unwrap().contains("10 events here in 2024"),
        "{popup}"
    );
}

/// A plain static server that ignores `Range` (Python's http.server answers 200 with
/// the whole file): the page cannot read events.pmtiles, falls back to the script
/// files, still draws the year's events and says why, without an error.
#[test]
fn without_range_requests_the_viewer_falls_back_to_the_script_files() {
    let out = tempfile::tempdir().unwrap();
    let dir = event_tiles(out.path(), "0-6");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _server = Kill(
        Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 for a static server without range requests"),
    );
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "http.server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let url = format!("http://127.0.0.1:{port}/index.html?year=2024");
    let mut page = cdp::Page::open(&url, WIDTH, HEIGHT);
    let status = |attr: &str| format!("document.getElementById('status').getAttribute('{attr}')");
    page.wait_for(
        &format!(
            "{} === 'scripts' && Number({}) > 0",
            status("data-events-source"),
            status("data-events-drawn")
        ),
        120,
        "the fallback to the script files",
    );
    let note = page.eval("document.getElementById('events-note').textContent");
    assert!(
        note.as_str()
            .unwrap()
            .contains("events.pmtiles could not be read here"),
        "{note}"
    );
    let errors = page.eval("document.getElementById('errors').textContent");
    assert_eq!(errors, "", "errors on the page");
}
