//! The map CRS: WGS84 longitude/latitude to metres in a projected CRS (PROJ).
//!
//! `proj::Proj` is neither `Send` nor `Sync`, so a [`MapProjection`] holds only the CRS
//! text and each thread builds its own transformation on first use (a thread-local cache
//! keyed by CRS). A `MapProjection` can therefore be shared freely between rayon threads;
//! [`MapProjection::project_all`] projects millions of points in parallel batches.
//!
//! Map coordinates are metres of the map CRS, which are ground metres only where the
//! projection's scale factor is 1: use [`MapProjection::scale_factor_at`] (or
//! [`MapProjection::map_metres`]) to turn a ground distance into map metres.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use proj::Proj;
use rayon::prelude::*;

use crate::analysis::geodesy;
use crate::error::{Error, Result};
use crate::units::{Km, LonLat};

/// The geographic CRS of every input position, in (longitude, latitude) order (the
/// `proj` crate normalises axis order for CRS-to-CRS transformations).
const WGS84: &str = "EPSG:4326";

/// Points per batch handed to PROJ in [`MapProjection::project_all`].
const BATCH: usize = 1 << 14;

/// Removes `PROJ_DATA` and `PROJ_LIB` from this process's environment.
///
/// PROJ is compiled into the binary with its own database (proj.db), but PROJ looks in
/// the directory named by these variables *first*. Machines with GDAL or QGIS often set
/// them to the system's PROJ data, whose older proj.db makes every CRS lookup of the
/// newer built-in PROJ fail ("DATABASE.LAYOUT.VERSION..."). Clearing them makes PROJ use
/// the database it was built with, on every machine.
///
/// # Safety
/// Changes the process environment, which is undefined behaviour while another thread
/// may read it (PROJ reads it from C). Call it first thing in `main`, before any thread
/// (rayon's included) is started.
pub unsafe fn isolate_proj_environment() {
    for var in ["PROJ_DATA", "PROJ_LIB"] {
        // SAFETY: the caller guarantees that no other thread is running.
        unsafe { std::env::remove_var(var) };
    }
}

/// The projection from WGS84 to a map CRS, usable from any thread.
#[derive(Debug, Clone, PartialEq)]
pub struct MapProjection {
    crs: String,
}

thread_local! {
    /// This thread's transformations, one per CRS text (a handful at most per run).
    static TRANSFORMS: RefCell<HashMap<String, Rc<Proj>>> = RefCell::new(HashMap::new());
}

impl MapProjection {
    /// A projection to `crs`: an authority code ("EPSG:32629", "ESRI:102022") or a PROJ
    /// string (`+type=crs` is added if missing). The CRS must be projected, in metres.
    pub fn new(crs: &str) -> Result<MapProjection> {
        let fail = |why: String| Error::Proj(format!("cannot use map CRS \"{crs}\": {why}"));
        let projection = MapProjection {
            crs: normalise_crs(crs),
        };
        check_projected_in_metres(&projection.crs).map_err(fail)?;
        // Build this thread's transformation now, so errors surface here, not later.
        projection.transform().map_err(fail)?;
        Ok(projection)
    }

    /// The CRS as used (a PROJ string has `+type=crs`).
    pub fn crs(&self) -> &str {
        &self.crs
    }

    /// The map CRS as WKT (PROJ's default, WKT2:2019), for files that describe a CRS in
    /// WKT (QGIS projects); `None` if PROJ cannot write it.
    pub fn wkt(&self) -> Option<String> {
        Proj::new(&self.crs).ok()?.as_wkt(None, None).ok()
    }

    /// Metres (easting, northing) in the map CRS; `None` where PROJ cannot project `p`.
    pub fn forward(&self, p: LonLat) -> Option<[f64; 2]> {
        let t = self.transform_or_panic();
        let (x, y) = t.convert((p.lon(), p.lat())).ok()?;
        (x.is_finite() && y.is_finite()).then_some([x, y])
    }

    /// The WGS84 position of map coordinates; `None` outside the projection's domain.
    pub fn inverse(&self, xy: [f64; 2]) -> Option<LonLat> {
        let t = self.transform_or_panic();
        // On a CRS-to-CRS transformation, PROJ's inverse direction returns the source
        // CRS's units: degrees here (not radians as for a bare projection).
        let (lon, lat) = t.project((xy[0], xy[1]), true).ok()?;
        LonLat::new(lon, lat)
    }

    /// Every point projected, in order, in parallel batches (one PROJ per thread).
    pub fn project_all(&self, points: &[LonLat]) -> Vec<Option<[f64; 2]>> {
        self.project_all_xy(points)
            .into_par_iter()
            .map(|xy| xy[0].is_finite().then_some(xy))
            .collect()
    }

    /// As [`MapProjection::project_all`] in 16 bytes a point instead of 24 (10 million
    /// events: 160 MB): points PROJ cannot project are [NaN, NaN], which
    /// [`crate::analysis::density::bin`] counts as outside the grid.
    pub fn project_all_xy(&self, points: &[LonLat]) -> Vec<[f64; 2]> {
        let mut out = vec![[f64::NAN; 2]; points.len()];
        out.par_chunks_mut(BATCH)
            .zip(points.par_chunks(BATCH))
            .for_each(|(out, chunk)| self.project_batch(chunk, out));
        out
    }

    fn project_batch(&self, chunk: &[LonLat], out: &mut [[f64; 2]]) {
        let t = self.transform_or_panic();
        let finite = |(x, y): (f64, f64)| {
            if x.is_finite() && y.is_finite() {
                [x, y]
            } else {
                [f64::NAN; 2]
            }
        };
        let mut xy: Vec<(f64, f64)> = chunk.iter().map(|p| (p.lon(), p.lat())).collect();
        if t.convert_array(&mut xy).is_ok() {
            out.iter_mut().zip(xy).for_each(|(o, xy)| *o = finite(xy));
            return;
        }
        // PROJ reports one error for the whole batch if any point fails: redo this batch
        // point by point so that only the failing points are lost.
        for (o, p) in out.iter_mut().zip(chunk) {
            *o = t.convert((p.lon(), p.lat())).map_or([f64::NAN; 2], finite);
        }
    }

    /// Ground kilometres per map kilometre at `p` (1.0 where the map is true to scale),
    /// measured with geodesics between points 1 km either side of `p` on the map, east–west
    /// and north–south (the geometric mean of the two: equal in a conformal CRS, and the
    /// linear scale of areas in an equal-area one). NaN where `p` cannot be projected.
    pub fn scale_factor_at(&self, p: LonLat) -> f64 {
        const D: f64 = 1000.0;
        let Some([x, y]) = self.forward(p) else {
            return f64::NAN;
        };
        let ground = |a: [f64; 2], b: [f64; 2]| match (self.inverse(a), self.inverse(b)) {
            (Some(a), Some(b)) => geodesy::distance(a, b).metres(),
            _ => f64::NAN,
        };
        let sx = ground([x - D, y], [x + D, y]) / (2.0 * D);
        let sy = ground([x, y - D], [x, y + D]) / (2.0 * D);
        (sx * sy).sqrt()
    }

    /// Map metres that measure `ground` on the ground at `at` (for bandwidths and scale
    /// bars: a 25 km bandwidth is 25 km on the ground at the map centre).
    pub fn map_metres(&self, ground: Km, at: LonLat) -> f64 {
        ground.metres() / self.scale_factor_at(at)
    }

    fn transform(&self) -> std::result::Result<Rc<Proj>, String> {
        if let Some(t) = TRANSFORMS.with_borrow(|m| m.get(&self.crs).cloned()) {
            return Ok(t);
        }
        let t = Rc::new(Proj::new_known_crs(WGS84, &self.crs, None).map_err(|e| e.to_string())?);
        TRANSFORMS.with_borrow_mut(|m| m.insert(self.crs.clone(), Rc::clone(&t)));
        Ok(t)
    }

    fn transform_or_panic(&self) -> Rc<Proj> {
        // `new` built the same transformation successfully, so this cannot fail unless
        // the environment changed under the process (see `isolate_proj_environment`).
        self.transform()
            .unwrap_or_else(|e| panic!("PROJ failed to rebuild map CRS \"{}\": {e}", self.crs))
    }
}

/// A PROJ string gets `+type=crs`, so PROJ reads it as a CRS rather than an operation.
fn normalise_crs(crs: &str) -> String {
    let crs = crs.trim();
    let is_proj_string = crs.starts_with('+') || crs.starts_with("proj=");
    if is_proj_string && !crs.split_whitespace().any(|t| t == "+type=crs") {
        format!("{crs} +type=crs")
    } else {
        crs.to_string()
    }
}

/// Everything downstream (cells, bandwidths, scale bars) works in metres, so a
/// geographic CRS or one in feet is refused rather than silently giving wrong sizes.
/// Read from PROJ's own description of the CRS (PROJJSON).
fn check_projected_in_metres(crs: &str) -> std::result::Result<(), String> {
    let obj = Proj::new(crs).map_err(|e| e.to_string())?;
    let json = obj
        .to_projjson(Some(false), None, None)
        .map_err(|e| e.to_string())?;
    let v: serde_json::Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    // A PROJ string with +towgs84 gives a BoundCRS around the projected CRS.
    let crs_json = if v["type"] == "BoundCRS" {
        &v["source_crs"]
    } else {
        &v
    };
    let kind = crs_json["type"].as_str().unwrap_or("unknown");
    if kind != "ProjectedCRS" {
        return Err(format!("not a projected CRS (PROJ says {kind})"));
    }
    let axes = crs_json["coordinate_system"]["axis"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for axis in &axes {
        let unit = &axis["unit"];
        let metres = unit == "metre" || unit["conversion_factor"].as_f64() == Some(1.0);
        if !metres {
            return Err(format!("map units must be metres, not {unit}"));
        }
    }
    Ok(())
}

/// A CRS for a map of `bbox` ([min lon, min lat, max lon, max lat], degrees) when the
/// style names none: Lambert conformal conic centred on the box, with standard parallels
/// at 1/6 and 5/6 of its latitude span (scale error under 1 % for a country the size of
/// Mali). A box centred on the equator gets Mercator, the conic's limit when the two
/// standard parallels are symmetric (where PROJ's conic is undefined). A box whose west
/// edge is east of its east edge crosses the antimeridian.
pub fn default_crs_for(bbox: [f64; 4]) -> String {
    let [west, south, east, north] = bbox;
    let lon_span = (east - west).rem_euclid(360.0);
    let mut lon_0 = west + lon_span / 2.0;
    if lon_0 > 180.0 {
        lon_0 -= 360.0;
    }
    let lat_span = north - south;
    let lat_0 = south + lat_span / 2.0;
    let lat_1 = south + lat_span / 6.0;
    let lat_2 = south + lat_span * 5.0 / 6.0;
    if (lat_1 + lat_2).abs() < 0.1 {
        let lat_ts = lat_1.abs().max(lat_2.abs());
        return format!(
            "+proj=merc +lat_ts={lat_ts:.6} +lon_0={lon_0:.6} +datum=WGS84 +units=m +no_defs +type=crs"
        );
    }
    format!(
        "+proj=lcc +lat_1={lat_1:.6} +lat_2={lat_2:.6} +lat_0={lat_0:.6} +lon_0={lon_0:.6} \
         +datum=WGS84 +units=m +no_defs +type=crs"
    )
}

#[cfg(test)]
#[path = "projection_tests.rs"]
mod tests;
