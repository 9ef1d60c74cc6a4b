//! GeoTIFF 1.0 GeoKeys for a map CRS: an EPSG projected code, or a user-defined
//! projection from the PROJ strings our styles and default CRSs use (Lambert conformal
//! conic, Albers equal area, Mercator, UTM), on WGS 84 in metres. Anything else is refused with the CRS named, rather
//! than written as a raster that QGIS would misplace.

use crate::analysis::projection::MapProjection;
use crate::error::{Error, Result};

// Key ids and codes from the GeoTIFF 1.0 specification (sections 6.2 and 6.3).
const GT_MODEL_TYPE: u16 = 1024;
const GT_RASTER_TYPE: u16 = 1025;
const GT_CITATION: u16 = 1026;
const GEOGRAPHIC_TYPE: u16 = 2048;
const GEOG_ANGULAR_UNITS: u16 = 2054;
const PROJECTED_CS_TYPE: u16 = 3072;
const PROJECTION: u16 = 3074;
const PROJ_COORD_TRANS: u16 = 3075;
const PROJ_LINEAR_UNITS: u16 = 3076;
const PROJ_STD_PARALLEL_1: u16 = 3078;
const PROJ_STD_PARALLEL_2: u16 = 3079;
const PROJ_NAT_ORIGIN_LONG: u16 = 3080;
const PROJ_NAT_ORIGIN_LAT: u16 = 3081;
const PROJ_FALSE_EASTING: u16 = 3082;
const PROJ_FALSE_NORTHING: u16 = 3083;
const PROJ_FALSE_ORIGIN_LONG: u16 = 3084;
const PROJ_FALSE_ORIGIN_LAT: u16 = 3085;
const PROJ_FALSE_ORIGIN_EASTING: u16 = 3086;
const PROJ_FALSE_ORIGIN_NORTHING: u16 = 3087;
const PROJ_SCALE_AT_NAT_ORIGIN: u16 = 3092;

const MODEL_TYPE_PROJECTED: u16 = 1;
const RASTER_PIXEL_IS_AREA: u16 = 1;
const USER_DEFINED: u16 = 32767;
const GCS_WGS_84: u16 = 4326;
const ANGULAR_DEGREE: u16 = 9102;
const LINEAR_METER: u16 = 9001;
const CT_TRANSVERSE_MERCATOR: u16 = 1;
const CT_MERCATOR: u16 = 7;
const CT_LAMBERT_CONF_CONIC_2SP: u16 = 8;
const CT_ALBERS_EQUAL_AREA: u16 = 11;

/// Tag ids where key values that are not SHORT live.
pub const GEO_KEY_DIRECTORY_TAG: u16 = 34735;
pub const GEO_DOUBLE_PARAMS_TAG: u16 = 34736;
pub const GEO_ASCII_PARAMS_TAG: u16 = 34737;

enum KeyValue {
    Short(u16),
    Double(f64),
    Ascii(String),
}

/// The three GeoTIFF tags, ready to write.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoTags {
    pub directory: Vec<u16>,
    /// Empty when no key needs it (the tag is then omitted).
    pub doubles: Vec<f64>,
    pub ascii: String,
}

/// GeoKeys for `crs` (as accepted by the map styles: `EPSG:nnnn` or a PROJ string).
pub fn geo_tags(crs: &str) -> Result<GeoTags> {
    let mut keys = vec![
        (GT_MODEL_TYPE, KeyValue::Short(MODEL_TYPE_PROJECTED)),
        (GT_RASTER_TYPE, KeyValue::Short(RASTER_PIXEL_IS_AREA)),
    ];
    let crs = crs.trim();
    if let Some(code) = epsg_code(crs) {
        // Only a projected CRS in metres can carry a grid in map metres; PROJ knows.
        MapProjection::new(crs).map_err(|e| {
            Error::Usage(format!(
                "GeoTIFF: CRS \"{crs}\" is not a projected CRS in metres ({e})"
            ))
        })?;
        keys.push((PROJECTED_CS_TYPE, KeyValue::Short(code)));
    } else if crs.starts_with('+') || crs.starts_with("proj=") {
        keys.push((GT_CITATION, KeyValue::Ascii(format!("conflictmap: {crs}"))));
        keys.extend(user_defined(crs)?);
    } else {
        return Err(unsupported(crs, "use an EPSG code or a PROJ string"));
    }
    Ok(encode(keys))
}

fn unsupported(crs: &str, why: &str) -> Error {
    Error::Usage(format!(
        "GeoTIFF: cannot write CRS \"{crs}\" as GeoKeys: {why} (supported: EPSG:nnnn \
         projected codes; +proj=lcc, aea, merc or utm on WGS 84 in metres)"
    ))
}

/// "EPSG:32630" → 32630 (a GeoKey value is a SHORT, so codes above 65535 do not fit).
fn epsg_code(crs: &str) -> Option<u16> {
    let (auth, code) = crs.split_once(':')?;
    auth.eq_ignore_ascii_case("EPSG")
        .then(|| code.trim().parse().ok())
        .flatten()
}

/// Parameters of a PROJ string, `+key=value` or `+flag` (value "").
struct ProjParams<'a>(Vec<(&'a str, &'a str)>);

impl<'a> ProjParams<'a> {
    fn parse(crs: &'a str) -> ProjParams<'a> {
        ProjParams(
            crs.split_whitespace()
                .map(|t| t.trim_start_matches('+'))
                .map(|t| t.split_once('=').unwrap_or((t, "")))
                .collect(),
        )
    }

    fn get(&self, key: &str) -> Option<&'a str> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    /// A number, `default` when absent.
    fn num(&self, crs: &str, key: &str, default: f64) -> Result<f64> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| unsupported(crs, &format!("+{key}={v} is not a number"))),
        }
    }
}

/// Keys accepted in a PROJ string; any other (+k_0 on a cone, +pm, +axis, +to_meter, ...)
/// would change the coordinates and is refused rather than silently dropped.
const KNOWN: &[&str] = &[
    "proj", "lat_0", "lat_1", "lat_2", "lat_ts", "lon_0", "x_0", "y_0", "zone", "south", "datum",
    "ellps", "units", "no_defs", "type", "towgs84", "wktext",
];

fn user_defined(crs: &str) -> Result<Vec<(u16, KeyValue)>> {
    let p = ProjParams::parse(crs);
    if let Some((k, _)) = p.0.iter().find(|(k, _)| !KNOWN.contains(k)) {
        return Err(unsupported(
            crs,
            &format!("parameter +{k} is not supported"),
        ));
    }
    let wgs84 = p.get("datum").or(p.get("ellps")) == Some("WGS84")
        && p.get("datum").is_none_or(|d| d == "WGS84")
        && p.get("ellps").is_none_or(|e| e == "WGS84")
        && p.get("towgs84")
            .is_none_or(|t| t.split(',').all(|v| v.parse() == Ok(0.0)));
    if !wgs84 {
        return Err(unsupported(crs, "the datum must be WGS84 (+datum=WGS84)"));
    }
    if p.get("units").is_some_and(|u| u != "m") {
        return Err(unsupported(crs, "units must be metres (+units=m)"));
    }
    let mut keys = vec![
        (GEOGRAPHIC_TYPE, KeyValue::Short(GCS_WGS_84)),
        (GEOG_ANGULAR_UNITS, KeyValue::Short(ANGULAR_DEGREE)),
        (PROJECTED_CS_TYPE, KeyValue::Short(USER_DEFINED)),
        (PROJECTION, KeyValue::Short(USER_DEFINED)),
        (PROJ_LINEAR_UNITS, KeyValue::Short(LINEAR_METER)),
    ];
    let num = |key, default| p.num(crs, key, default);
    let d = KeyValue::Double;
    match p.get("proj") {
        Some("lcc") => {
            let lat_1 = num("lat_1", f64::NAN)?;
            if lat_1.is_nan() {
                return Err(unsupported(crs, "+proj=lcc needs +lat_1"));
            }
            // PROJ's one-parallel form is the two-parallel form with both parallels equal.
            let lat_2 = num("lat_2", lat_1)?;
            keys.extend([
                (PROJ_COORD_TRANS, KeyValue::Short(CT_LAMBERT_CONF_CONIC_2SP)),
                (PROJ_STD_PARALLEL_1, d(lat_1)),
                (PROJ_STD_PARALLEL_2, d(lat_2)),
                (PROJ_FALSE_ORIGIN_LAT, d(num("lat_0", 0.0)?)),
                (PROJ_FALSE_ORIGIN_LONG, d(num("lon_0", 0.0)?)),
                (PROJ_FALSE_ORIGIN_EASTING, d(num("x_0", 0.0)?)),
                (PROJ_FALSE_ORIGIN_NORTHING, d(num("y_0", 0.0)?)),
            ]);
        }
        Some("aea") => keys.extend([
            (PROJ_COORD_TRANS, KeyValue::Short(CT_ALBERS_EQUAL_AREA)),
            (PROJ_STD_PARALLEL_1, d(num("lat_1", 0.0)?)),
            (PROJ_STD_PARALLEL_2, d(num("lat_2", 0.0)?)),
            // GDAL reads and writes the Albers origin as the natural origin.
            (PROJ_NAT_ORIGIN_LAT, d(num("lat_0", 0.0)?)),
            (PROJ_NAT_ORIGIN_LONG, d(num("lon_0", 0.0)?)),
            (PROJ_FALSE_EASTING, d(num("x_0", 0.0)?)),
            (PROJ_FALSE_NORTHING, d(num("y_0", 0.0)?)),
        ]),
        // The default CRS of an equatorial country (`default_crs_for`): Mercator with a
        // latitude of true scale, which GDAL reads as Mercator (2SP).
        Some("merc") => keys.extend([
            (PROJ_COORD_TRANS, KeyValue::Short(CT_MERCATOR)),
            (PROJ_STD_PARALLEL_1, d(num("lat_ts", 0.0)?)),
            (PROJ_NAT_ORIGIN_LAT, d(0.0)),
            (PROJ_NAT_ORIGIN_LONG, d(num("lon_0", 0.0)?)),
            (PROJ_FALSE_EASTING, d(num("x_0", 0.0)?)),
            (PROJ_FALSE_NORTHING, d(num("y_0", 0.0)?)),
        ]),
        Some("utm") => {
            let zone = num("zone", f64::NAN)?;
            if !(zone.fract() == 0.0 && (1.0..=60.0).contains(&zone)) {
                return Err(unsupported(crs, "+proj=utm needs +zone=1..60"));
            }
            let south = p.get("south").is_some();
            keys.extend([
                (PROJ_COORD_TRANS, KeyValue::Short(CT_TRANSVERSE_MERCATOR)),
                (PROJ_NAT_ORIGIN_LAT, d(0.0)),
                (PROJ_NAT_ORIGIN_LONG, d(zone * 6.0 - 183.0)),
                (PROJ_SCALE_AT_NAT_ORIGIN, d(0.9996)),
                (PROJ_FALSE_EASTING, d(500_000.0)),
                (
                    PROJ_FALSE_NORTHING,
                    d(if south { 10_000_000.0 } else { 0.0 }),
                ),
            ]);
        }
        other => {
            let what = other.unwrap_or("none");
            return Err(unsupported(
                crs,
                &format!("projection \"{what}\" is not supported"),
            ));
        }
    }
    Ok(keys)
}

/// The key directory (header 1,1,0,N then id, location, count, value per key, sorted by
/// id), with DOUBLE values in GeoDoubleParams and ASCII values, each ended by '|', in
/// GeoAsciiParams.
fn encode(mut keys: Vec<(u16, KeyValue)>) -> GeoTags {
    keys.sort_by_key(|(id, _)| *id);
    let mut directory = vec![1, 1, 0, keys.len() as u16];
    let mut doubles = Vec::new();
    let mut ascii = String::new();
    for (id, value) in keys {
        let entry = match value {
            KeyValue::Short(v) => [id, 0, 1, v],
            KeyValue::Double(v) => {
                doubles.push(v);
                [id, GEO_DOUBLE_PARAMS_TAG, 1, (doubles.len() - 1) as u16]
            }
            KeyValue::Ascii(s) => {
                // '|' ends a value in GeoAsciiParams and non-ASCII cannot go in a TIFF ASCII.
                let s: String = s
                    .chars()
                    .map(|c| if c == '|' || !c.is_ascii() { '_' } else { c })
                    .collect();
                let offset = ascii.len() as u16;
                ascii.push_str(&s);
                ascii.push('|');
                [id, GEO_ASCII_PARAMS_TAG, (s.len() + 1) as u16, offset]
            }
        };
        directory.extend(entry);
    }
    GeoTags {
        directory,
        doubles,
        ascii,
    }
}

#[cfg(test)]
#[path = "geokeys_tests.rs"]
mod tests;
