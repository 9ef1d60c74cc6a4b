//! Studies other than the built-in one: a second country, overrides, holes, unions, and
//! bad boundary files (each error must name the file, and the feature where there is one).

use std::path::{Path, PathBuf};

use conflictmap::input::Territory;
use conflictmap::model::{Boundaries, Study, StudyOverrides};
use conflictmap::{Error, LonLat};

fn ll(lon: f64, lat: f64) -> LonLat {
    LonLat::new(lon, lat).unwrap()
}

const OUAGADOUGOU: (f64, f64) = (-1.52, 12.37);
const BAMAKO: (f64, f64) = (-7.97522, 12.60915);

/// A temporary study folder: `study.toml` plus the given files.
struct Dir(tempfile::TempDir);

impl Dir {
    fn new(study: &str, files: &[(&str, &str)]) -> Dir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("study.toml"), study).unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        Dir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    fn load(&self) -> conflictmap::Result<Boundaries> {
        Boundaries::load(&Study::load(self.path("study.toml"))?)
    }
}

fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> String {
    format!("[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]")
}

fn feature(props: &str, geometry: &str) -> String {
    format!(r#"{{"type":"Feature","properties":{{{props}}},"geometry":{geometry}}}"#)
}

fn collection(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","metadata":{{"source":"test"}},"features":[{}]}}"#,
        features.join(",")
    )
}

fn polygon(rings: &[String]) -> String {
    format!(
        r#"{{"type":"Polygon","coordinates":[{}]}}"#,
        rings.join(",")
    )
}

const STUDY: &str = r#"
[study]
name = "Test"
[country]
name = "Testland"
outline = { file = "outline.geojson" }
[boundaries]
adm1 = { file = "adm1.geojson", name_field = "name" }
"#;

fn outline() -> String {
    collection(&[feature(
        r#""name":"Testland""#,
        &polygon(&[square(0., 0., 10., 10.)]),
    )])
}

#[test]
fn a_second_country_from_a_shipped_study() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/burkina.toml");
    let b = Boundaries::load(&Study::load(path).unwrap()).unwrap();
    assert_eq!(Territory::name(&b), "Burkina Faso");
    assert_eq!(b.iso3(), Some("BFA"));
    assert!(b.contains(ll(OUAGADOUGOU.0, OUAGADOUGOU.1)));
    assert!(!b.contains(ll(BAMAKO.0, BAMAKO.1)));
    assert_eq!(b.region_of(ll(OUAGADOUGOU.0, OUAGADOUGOU.1)), None);
    assert!(b.regions().is_empty() && b.regions().meta.is_none());
    assert!(b.cercles().is_empty() && b.cercles().meta.is_none());
    assert_eq!(b.neighbours().len(), 8);
}

#[test]
fn an_outline_override_changes_the_country() {
    let mut study = Study::mali();
    study
        .apply(&StudyOverrides {
            country_name: Some("Burkina Faso".into()),
            iso3: Some("BFA".into()),
            outline: Some("builtin:boundaries/mali_neighbours_ne10m.geojson".into()),
            outline_where: Some("ISO_A3=BFA".into()),
            ..Default::default()
        })
        .unwrap();
    let b = Boundaries::load(&study).unwrap();
    assert_eq!(b.name(), "Burkina Faso");
    assert!(b.contains(ll(OUAGADOUGOU.0, OUAGADOUGOU.1)));
    assert!(!b.contains(ll(BAMAKO.0, BAMAKO.1)));
}

#[test]
fn an_override_file_is_read_from_disk() {
    let dir = Dir::new(STUDY, &[("other.geojson", &outline())]);
    let mut study = Study::mali();
    study
        .apply(&StudyOverrides {
            outline: Some(dir.path("other.geojson")),
            ..Default::default()
        })
        .unwrap();
    let b = Boundaries::load(&study).unwrap();
    assert!(b.contains(ll(5., 5.)));
    assert!(!b.contains(ll(BAMAKO.0, BAMAKO.1)));
    assert!(b.outline_meta().file.ends_with("other.geojson"));
}

#[test]
fn holes_are_respected_whatever_their_orientation() {
    // The hole is wound the same way as the exterior (not RFC 7946): still a hole.
    let ring_with_hole = polygon(&[square(0., 0., 10., 10.), square(3., 3., 7., 7.)]);
    let adm1 = collection(&[feature(r#""name":"Ring""#, &ring_with_hole)]);
    let dir = Dir::new(
        STUDY,
        &[("outline.geojson", &outline()), ("adm1.geojson", &adm1)],
    );
    let b = dir.load().unwrap();
    assert_eq!(b.region_of(ll(1., 1.)).map(|r| r.index()), Some(0));
    assert!(b.contains(ll(5., 5.)), "the outline has no hole");
    assert_eq!(b.region_of(ll(5., 5.)), None, "220 km inside the hole");
    assert_eq!(
        b.region_of(ll(3., 5.)).map(|r| r.index()),
        Some(0),
        "on the hole's edge"
    );
    // 0.1° (11 km) inside the hole: within the snap distance of the region.
    assert_eq!(b.region_of(ll(3.1, 5.)).map(|r| r.index()), Some(0));
    let no_snap = STUDY.replace("[boundaries]", "[boundaries]\nsnap_km = 0");
    let dir = Dir::new(
        &no_snap,
        &[("outline.geojson", &outline()), ("adm1.geojson", &adm1)],
    );
    assert_eq!(dir.load().unwrap().region_of(ll(3.1, 5.)), None);
}

#[test]
fn several_outline_features_are_unioned() {
    let two = collection(&[
        feature(r#""n":"a""#, &polygon(&[square(0., 0., 5., 10.)])),
        feature(r#""n":"b""#, &polygon(&[square(5., 0., 10., 10.)])),
        feature(r#""n":"c""#, &polygon(&[square(20., 0., 21., 1.)])),
    ]);
    let study = STUDY.replace("adm1 = ", "# adm1 = ");
    let dir = Dir::new(&study, &[("outline.geojson", &two)]);
    let b = dir.load().unwrap();
    assert_eq!(b.outline().0.len(), 2, "{:?}", b.outline());
    assert!(
        b.contains(ll(5., 5.)),
        "on the seam between the two features"
    );
    assert!(b.contains(ll(20.5, 0.5)));
    assert!(!b.contains(ll(15., 5.)));
}

#[test]
fn cercles_get_parents_by_field_or_by_containment() {
    let adm1 = collection(&[
        feature(r#""name":"Ouest""#, &polygon(&[square(0., 0., 5., 10.)])),
        feature(r#""name":"Est""#, &polygon(&[square(5., 0., 10., 10.)])),
    ]);
    let adm2 = collection(&[
        feature(r#""n":"A","p":"EST""#, &polygon(&[square(0., 0., 2., 2.)])),
        feature(
            r#""n":"B","p":"nowhere""#,
            &polygon(&[square(6., 6., 9., 9.)]),
        ),
        feature(r#""n":"C""#, &polygon(&[square(1., 6., 3., 9.)])),
    ]);
    let study = format!(
        "{STUDY}adm2 = {{ file = \"adm2.geojson\", name_field = \"n\", parent_field = \"p\" }}\n"
    );
    let files = [
        ("outline.geojson", outline()),
        ("adm1.geojson", adm1),
        ("adm2.geojson", adm2),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let b = Dir::new(&study, &files).load().unwrap();
    let parent = |i: usize| b.cercles()[i].parent.map(|r| b.region(r).name.as_str());
    assert_eq!(
        parent(0),
        Some("Est"),
        "the field wins, even against the geometry"
    );
    assert_eq!(parent(1), Some("Est"), "unknown name: by containment");
    assert_eq!(parent(2), Some("Ouest"), "no field: by containment");
}

/// Loads a study whose ADM1 file has the given text, and returns the error.
fn adm1_error(adm1: &str) -> (Error, PathBuf) {
    let dir = Dir::new(
        STUDY,
        &[("outline.geojson", &outline()), ("adm1.geojson", adm1)],
    );
    let err = dir.load().unwrap_err();
    (err, dir.path("adm1.geojson"))
}

fn feature_error(err: &Error) -> (&Path, usize, Option<&str>, &str) {
    match err {
        Error::Feature {
            path,
            index,
            name,
            message,
        } => (path.as_path(), *index, name.as_deref(), message.as_str()),
        other => panic!("expected a feature error, got {other:?}"),
    }
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let dir = Dir::new(STUDY, &[("outline.geojson", &outline())]);
    let err = dir.load().unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with(&dir.path("adm1.geojson").display().to_string()),
        "{err}"
    );
}

#[test]
fn invalid_json_names_the_file_and_position() {
    let (err, path) = adm1_error("{\"type\": \"FeatureCollection\", \"features\": [\n  {,}]}");
    assert!(matches!(err, Error::Format { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.starts_with(&path.display().to_string()), "{msg}");
    assert!(
        msg.contains("invalid JSON") && msg.contains("line 2"),
        "{msg}"
    );
}

#[test]
fn a_wrong_geometry_type_names_the_feature() {
    let line = r#"{"type":"LineString","coordinates":[[0,0],[1,1]]}"#;
    let adm1 = collection(&[
        feature(r#""name":"Good""#, &polygon(&[square(0., 0., 1., 1.)])),
        feature(r#""name":"Wiggly""#, line),
    ]);
    let (err, path) = adm1_error(&adm1);
    let (p, index, name, message) = feature_error(&err);
    assert_eq!((p, index, name), (path.as_path(), 1, Some("Wiggly")));
    assert!(
        message.contains("LineString") && message.contains("Polygon"),
        "{message}"
    );
    assert!(err.to_string().contains("feature 1 (Wiggly)"), "{err}");
}

#[test]
fn a_missing_name_field_names_the_feature_and_the_setting() {
    let adm1 = collection(&[feature(
        r#""shapeName":"Kayes""#,
        &polygon(&[square(0., 0., 1., 1.)]),
    )]);
    let (err, path) = adm1_error(&adm1);
    let (p, index, name, message) = feature_error(&err);
    assert_eq!((p, index, name), (path.as_path(), 0, None));
    assert!(
        message.contains("\"name\"") && message.contains("boundaries.adm1.name_field"),
        "{message}"
    );
    assert!(
        message.contains("shapeName"),
        "lists the properties there are: {message}"
    );
}

#[test]
fn other_bad_files() {
    let cases = [
        (collection(&[]), "no features"),
        (r#"{"type":"Polygon","coordinates":[]}"#.to_string(), "FeatureCollection"),
        (
            collection(&[feature(r#""name":"M""#, &polygon(&[square(-1e6, 1e6, 2e6, 3e6)]))]),
            "EPSG:4326",
        ),
        (collection(&[r#"{"type":"Feature","properties":{"name":"N"},"geometry":null}"#.into()]), "no geometry"),
        (collection(&[r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygn","coordinates":[]}}"#.into()]), "valid GeoJSON feature"),
    ];
    for (text, needle) in cases {
        let (err, path) = adm1_error(&text);
        let msg = err.to_string();
        assert!(msg.starts_with(&path.display().to_string()), "{msg}");
        assert!(msg.contains(needle), "{needle}: {msg}");
    }
}

#[test]
fn a_filter_that_matches_nothing_is_an_error() {
    let study = STUDY.replace(
        "file = \"outline.geojson\"",
        "file = \"outline.geojson\", where = { name = \"Atlantis\" }",
    );
    let dir = Dir::new(&study, &[("outline.geojson", &outline())]);
    let msg = dir.load().unwrap_err().to_string();
    assert!(msg.contains("no feature has name = \"Atlantis\""), "{msg}");
}
