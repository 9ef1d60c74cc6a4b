//! The scene builder: resolves boundaries, zones and densities into a [`MapScene`]
//! (pixels), through the map projection. The renderer never projects; this module does.

use geo::{Area, BooleanOps, BoundingRect, InteriorPoint, MultiLineString, MultiPolygon, Rect};

use crate::analysis::density::GridSpec;
use crate::analysis::projection::MapProjection;
use crate::analysis::zones::{Zone, ZoneKind as AnalysisZone};
use crate::error::{Error, Result};
use crate::model::Boundaries;
use crate::model::style::Corner;
use crate::render::geom::{Polygon, PxPoint, PxRect, px};
use crate::render::scene::{Inset, InsetShape, MapScene, Role, ScaleBar, ZoneKind};
use crate::units::{Km, LonLat};

/// Samples per bbox edge when finding the projected extent of a lon/lat box.
const EDGE_SAMPLES: usize = 40;
/// Degrees of context drawn around the extent (neighbours beyond the frame edge).
const CONTEXT_DEG: f64 = 3.0;
/// Towns at least this populous get a label (the capital always does).
pub const TOWN_MIN_POPULATION: u64 = 15_000;
/// West Africa, for the inset locator: [west, south, east, north].
const INSET_BBOX: [f64; 4] = [-18.0, 3.5, 16.0, 26.0];
const INSET_WIDTH_PX: f32 = 210.0;

/// A lon/lat extent fitted into a pixel frame through a map projection.
pub struct MapView {
    proj: MapProjection,
    /// Map metres at the frame's left and top edges.
    left_m: f64,
    top_m: f64,
    /// Pixels per map metre.
    k: f64,
    frame: PxRect,
    extent: [f64; 4],
}

impl MapView {
    /// Fits `extent` ([west, south, east, north], degrees) into `frame`, centred, north
    /// up, keeping the projection's aspect ratio.
    pub fn fit(proj: MapProjection, extent: [f64; 4], frame: PxRect) -> Result<MapView> {
        let [w, s, e, n] = extent;
        if !(w < e && s < n) {
            return Err(Error::Usage(format!("map extent {extent:?} is empty")));
        }
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for i in 0..=EDGE_SAMPLES {
            let t = i as f64 / EDGE_SAMPLES as f64;
            for (lon, lat) in [
                (w + t * (e - w), s),
                (w + t * (e - w), n),
                (w, s + t * (n - s)),
                (e, s + t * (n - s)),
            ] {
                let p = LonLat::new(lon, lat)
                    .and_then(|p| proj.forward(p))
                    .ok_or_else(|| {
                        Error::Proj(format!("{} cannot project ({lon}, {lat})", proj.crs()))
                    })?;
                xs.push(p[0]);
                ys.push(p[1]);
            }
        }
        let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (x0, x1, y0, y1) = (min(&xs), max(&xs), min(&ys), max(&ys));
        let k = (f64::from(frame.width()) / (x1 - x0)).min(f64::from(frame.height()) / (y1 - y0));
        // Centre the extent in the frame: the frame shows a little more on one axis.
        let left_m = (x0 + x1) / 2.0 - f64::from(frame.width()) / (2.0 * k);
        let top_m = (y0 + y1) / 2.0 + f64::from(frame.height()) / (2.0 * k);
        Ok(MapView {
            proj,
            left_m,
            top_m,
            k,
            frame,
            extent,
        })
    }

    /// The extent fitted ([west, south, east, north], degrees): fit it into another
    /// frame for the same map at another size.
    pub fn extent(&self) -> [f64; 4] {
        self.extent
    }

    pub fn projection(&self) -> &MapProjection {
        &self.proj
    }

    pub fn frame(&self) -> PxRect {
        self.frame
    }

    /// [min x, min y, max x, max y] of the frame in map metres.
    pub fn frame_bbox_m(&self) -> [f64; 4] {
        [
            self.left_m,
            self.top_m - f64::from(self.frame.height()) / self.k,
            self.left_m + f64::from(self.frame.width()) / self.k,
            self.top_m,
        ]
    }

    /// Map metres per pixel.
    pub fn metres_per_px(&self) -> f64 {
        1.0 / self.k
    }

    pub fn px_xy(&self, xy: [f64; 2]) -> PxPoint {
        px(
            (f64::from(self.frame.x0) + (xy[0] - self.left_m) * self.k) as f32,
            (f64::from(self.frame.y0) + (self.top_m - xy[1]) * self.k) as f32,
        )
    }

    pub fn px(&self, p: LonLat) -> Option<PxPoint> {
        self.proj.forward(p).map(|xy| self.px_xy(xy))
    }

    fn ring(&self, ring: &geo::LineString<f64>) -> Vec<PxPoint> {
        ring.coords()
            .filter_map(|c| LonLat::new(c.x, c.y).and_then(|p| self.px(p)))
            .collect()
    }

    pub fn polygons(&self, mp: &MultiPolygon<f64>) -> Vec<Polygon> {
        mp.iter()
            .map(|p| {
                let mut rings = vec![self.ring(p.exterior())];
                rings.extend(p.interiors().iter().map(|r| self.ring(r)));
                Polygon::with_holes(rings)
            })
            .collect()
    }

    pub fn lines(&self, ml: &MultiLineString<f64>) -> Vec<Vec<PxPoint>> {
        ml.iter().map(|l| self.ring(l)).collect()
    }

    /// Pixels per kilometre on the ground at the centre of the extent.
    pub fn pixels_per_ground_km(&self) -> f32 {
        let c = self.centre();
        (1000.0 * self.k / self.proj.scale_factor_at(c)) as f32
    }

    /// Map metres spanned by `d` on the ground at the centre of the extent.
    pub fn map_metres(&self, d: Km) -> f64 {
        self.proj.map_metres(d, self.centre())
    }

    pub fn centre(&self) -> LonLat {
        let [w, s, e, n] = self.extent;
        LonLat::new((w + e) / 2.0, (s + n) / 2.0).expect("extent inside WGS84")
    }

    /// A density grid covering the frame with square cells of `cell_m` map metres.
    pub fn grid(&self, cell_m: f64) -> GridSpec {
        GridSpec::covering(self.frame_bbox_m(), cell_m)
    }

    /// Where a density grid lands in the frame.
    pub fn grid_rect(&self, spec: &GridSpec) -> PxRect {
        let [x0, y0, x1, y1] = spec.bbox();
        let a = self.px_xy([x0, y1]);
        let b = self.px_xy([x1, y0]);
        PxRect::new(a.x, a.y, b.x, b.y)
    }

    fn context_box(&self) -> MultiPolygon<f64> {
        let [w, s, e, n] = self.extent;
        Rect::new(
            (w - CONTEXT_DEG, s - CONTEXT_DEG),
            (e + CONTEXT_DEG, n + CONTEXT_DEG),
        )
        .to_polygon()
        .into()
    }

    fn extent_box(&self) -> MultiPolygon<f64> {
        let [w, s, e, n] = self.extent;
        Rect::new((w, s), (e, n)).to_polygon().into()
    }
}

/// The largest visible part's interior point, for a name label.
fn label_point(view: &MapView, shape: &MultiPolygon<f64>) -> Option<PxPoint> {
    let visible = shape.intersection(&view.extent_box());
    let largest = visible
        .iter()
        .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?;
    let ip = largest.interior_point()?;
    LonLat::new(ip.x(), ip.y()).and_then(|p| view.px(p))
}

/// Everything a map shows except the data: neighbours, the country, water, regions,
/// towns, zones, inset, scale bar and north arrow. One template serves every year.
pub fn basemap(scene: &mut MapScene, view: &MapView, b: &Boundaries, zones: &[Zone]) {
    let context = view.context_box();
    let country_code = b.iso3().unwrap_or_default().to_string();
    let mut neighbours = Vec::new();
    for n in &b.neighbours().items {
        if n.code == country_code {
            continue;
        }
        neighbours.extend(view.polygons(&n.geometry.intersection(&context)));
        if let Some(at) = label_point(view, &n.geometry) {
            scene.add_neighbour_name(&n.name, at);
        }
    }
    // Countries of the context layer that are not neighbours (e.g. further along the
    // coast) fill the rest of the land.
    for c in &b.context().items {
        let code = c.code.as_deref().unwrap_or_default();
        if code == country_code || b.neighbours().items.iter().any(|n| n.code == code) {
            continue;
        }
        neighbours.extend(view.polygons(&c.geometry.intersection(&context)));
    }
    scene.add_polygons(Role::Neighbours, neighbours);
    let outline = view.polygons(b.outline());
    scene.add_polygons(Role::Country, outline.clone());
    let lakes = b
        .lakes()
        .items
        .iter()
        .flat_map(|l| view.polygons(&l.geometry.intersection(&context)))
        .collect();
    scene.add_polygons(Role::Lakes, lakes);
    let rivers = b
        .rivers()
        .items
        .iter()
        .flat_map(|r| view.lines(&r.geometry))
        .collect();
    scene.add_lines(Role::Rivers, rivers);
    scene.add_polygons(
        Role::Adm1,
        b.regions()
            .items
            .iter()
            .flat_map(|r| view.polygons(&r.geometry))
            .collect(),
    );
    if scene.style.placement.auto {
        place_furniture(scene, &outline);
    }
    scene.add_polygons(Role::CountryOutline, outline);
    for r in &b.regions().items {
        // A district the size of a city gets no region label (its town label names it).
        if r.area_km2 < 2_000.0 {
            continue;
        }
        if let Some(at) = label_point(view, &r.geometry) {
            scene.add_region_name(&r.name, at);
        }
    }
    let capital_pop = b
        .places()
        .items
        .iter()
        .filter_map(|p| p.population)
        .max()
        .unwrap_or(0);
    for p in &b.places().items {
        let pop = p.population.unwrap_or(0);
        let capital = pop == capital_pop && pop > 0;
        if (pop >= TOWN_MIN_POPULATION || capital)
            && let Some(at) = view.px(p.pos)
        {
            scene.add_town(&p.name, at, p.population, capital);
        }
    }
    add_zones(scene, view, zones);
    scene.scale_bar = Some(ScaleBar {
        pixels_per_km: view.pixels_per_ground_km(),
    });
    scene.inset = inset(view, b, &country_code);
}

/// Share of the frame a legend and an inset take (width, height), for choosing corners.
const LEGEND_SHARE: (f32, f32) = (0.38, 0.22);
const INSET_SHARE: (f32, f32) = (0.18, 0.16);

/// Puts the legend, then the inset, in the free corners (not the scale bar's) that cover
/// the least of the country; ties keep the style's order.
fn place_furniture(scene: &mut MapScene, country: &[Polygon]) {
    let frame = scene.frame;
    let shapes: MultiPolygon<f64> = MultiPolygon::new(
        country
            .iter()
            .filter_map(|p| {
                let mut rings = p.rings.iter().map(|r| {
                    geo::LineString::from(
                        r.iter()
                            .map(|q| (f64::from(q.x), f64::from(q.y)))
                            .collect::<Vec<_>>(),
                    )
                });
                let exterior = rings.next()?;
                Some(geo::Polygon::new(exterior, rings.collect()))
            })
            .collect(),
    );
    let cover = |corner: Corner, (sw, sh): (f32, f32)| {
        let (w, h) = (
            f64::from(frame.width() * sw),
            f64::from(frame.height() * sh),
        );
        let (x0, y0) = match corner {
            Corner::TopLeft => (f64::from(frame.x0), f64::from(frame.y0)),
            Corner::TopRight => (f64::from(frame.x1) - w, f64::from(frame.y0)),
            Corner::BottomLeft => (f64::from(frame.x0), f64::from(frame.y1) - h),
            Corner::BottomRight => (f64::from(frame.x1) - w, f64::from(frame.y1) - h),
        };
        let rect: MultiPolygon<f64> = Rect::new((x0, y0), (x0 + w, y0 + h)).to_polygon().into();
        rect.intersection(&shapes).unsigned_area()
    };
    let p = scene.style.placement.clone();
    let order = |first: Corner| {
        let mut all = vec![first];
        all.extend(
            [
                Corner::TopLeft,
                Corner::TopRight,
                Corner::BottomLeft,
                Corner::BottomRight,
            ]
            .into_iter()
            .filter(|c| *c != first),
        );
        all.retain(|c| *c != p.scale_bar);
        all
    };
    let best = |candidates: Vec<Corner>, share| {
        candidates
            .into_iter()
            .map(|c| (c, cover(c, share)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(c, _)| c)
    };
    if let Some(legend) = best(order(p.legend), LEGEND_SHARE) {
        scene.style.placement.legend = legend;
        let rest: Vec<Corner> = order(p.inset)
            .into_iter()
            .filter(|c| *c != legend)
            .collect();
        if let Some(inset) = best(rest, INSET_SHARE) {
            scene.style.placement.inset = inset;
        }
    }
}

fn add_zones(scene: &mut MapScene, view: &MapView, zones: &[Zone]) {
    for z in zones {
        match &z.kind {
            AnalysisZone::Ring { .. } => {
                scene.add_zone(
                    ZoneKind::Ring,
                    view.polygons(&z.polygon),
                    &z.distance_label(),
                    Some(&z.name),
                );
            }
            AnalysisZone::Band { borders, .. } => {
                // The label goes on the first neighbour's part, inside the view.
                let at = borders
                    .first()
                    .and_then(|first| label_point(view, &first.polygon));
                let outline = scene.add_zone(
                    ZoneKind::Band,
                    view.polygons(&z.polygon),
                    &z.distance_label(),
                    Some(&z.name),
                );
                if at.is_some() {
                    outline.label_at = at;
                }
            }
            // Region sets are named by the region labels; they are not outlined.
            AnalysisZone::Regions { .. } => {}
        }
    }
}

/// A locator map of West Africa with the study country darker and the extent outlined.
fn inset(view: &MapView, b: &Boundaries, country_code: &str) -> Option<Inset> {
    let ctx = &b.context().items;
    if ctx.is_empty() {
        return None;
    }
    let bbox = INSET_BBOX;
    let height = INSET_WIDTH_PX * 0.78;
    let frame = PxRect::new(0.0, 0.0, INSET_WIDTH_PX, height);
    let inset_view = MapView::fit(view.proj.clone(), bbox, frame).ok()?;
    let clip = inset_view.context_box();
    let mut shapes = Vec::new();
    for c in ctx {
        let focus = c.code.as_deref() == Some(country_code);
        let part = c.geometry.intersection(&clip);
        if part.bounding_rect().is_none() {
            continue;
        }
        for polygon in inset_view.polygons(&part) {
            shapes.push(InsetShape { polygon, focus });
        }
    }
    let highlight = inset_view
        .polygons(&densified_box(view.extent))
        .into_iter()
        .next();
    Some(Inset {
        width: INSET_WIDTH_PX,
        height,
        shapes,
        highlight,
    })
}

/// A lon/lat box with points along its edges, so it projects as a curved outline.
fn densified_box(extent: [f64; 4]) -> MultiPolygon<f64> {
    let [w, s, e, n] = extent;
    let mut ring = Vec::new();
    let k = EDGE_SAMPLES;
    for i in 0..k {
        ring.push((w + (e - w) * i as f64 / k as f64, s));
    }
    for i in 0..k {
        ring.push((e, s + (n - s) * i as f64 / k as f64));
    }
    for i in 0..k {
        ring.push((e - (e - w) * i as f64 / k as f64, n));
    }
    for i in 0..k {
        ring.push((w, n - (n - s) * i as f64 / k as f64));
    }
    ring.push((w, s));
    MultiPolygon::new(vec![geo::Polygon::new(ring.into(), vec![])])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::geodesy;

    fn view() -> MapView {
        let proj = MapProjection::new(
            "+proj=lcc +lat_1=12 +lat_2=22 +lat_0=17 +lon_0=-4 +datum=WGS84 +units=m",
        )
        .unwrap();
        MapView::fit(
            proj,
            [-12.5, 10.0, 4.5, 25.2],
            PxRect::new(20.0, 60.0, 820.0, 660.0),
        )
        .unwrap()
    }

    #[test]
    fn the_extent_fits_inside_the_frame_and_fills_one_axis() {
        let v = view();
        let f = v.frame();
        let corners = [(-12.5, 10.0), (4.5, 10.0), (-12.5, 25.2), (4.5, 25.2)];
        for (lon, lat) in corners {
            let p = v.px(LonLat::new(lon, lat).unwrap()).unwrap();
            assert!(f.inflate(0.5).contains(p), "{lon},{lat} -> {p:?}");
        }
        // The frame's map bbox maps back to the frame's corners.
        let [x0, y0, x1, y1] = v.frame_bbox_m();
        let a = v.px_xy([x0, y1]);
        let b = v.px_xy([x1, y0]);
        assert!((a.x - f.x0).abs() < 1e-3 && (a.y - f.y0).abs() < 1e-3);
        assert!((b.x - f.x1).abs() < 1e-3 && (b.y - f.y1).abs() < 1e-3);
    }

    /// The scale bar's pixels per km agree with geodesic distance across the centre.
    #[test]
    fn pixels_per_km_match_geodesic_distance_across_the_centre() {
        let v = view();
        let c = v.centre();
        let west = geodesy::destination(c, 270.0, Km::new(100.0).unwrap());
        let east = geodesy::destination(c, 90.0, Km::new(100.0).unwrap());
        let (a, b) = (v.px(west).unwrap(), v.px(east).unwrap());
        let px_len = ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
        let want = 200.0 * v.pixels_per_ground_km();
        assert!((px_len - want).abs() / want < 0.005, "{px_len} vs {want}");
    }
}
