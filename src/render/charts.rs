//! Report charts in the maps' style and fonts: yearly bar charts (one panel per zone or
//! measure, the projected full year of an incomplete year drawn as a hatched, outlined bar
//! behind the solid observed count) and a small-multiples sheet of the yearly maps.
//!
//! Drawn by hand on tiny-skia with the bundled DejaVu text of the maps: the plotting
//! crates (plotters) bring their own font stack, which would give text that differs from
//! the maps and from machine to machine. A bar chart is a few rectangles and lines.
//!
//! [`render_bars`] returns the layout with the pixmap (every bar's rectangle and each
//! panel's axis), so tests can check bar heights against the values.

use serde::Serialize;
use tiny_skia::{Pixmap, PixmapPaint, Transform};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::model::{Colour, Style};
use crate::render::furniture::{SYNTHETIC_NOTICE, draw_watermark};
use crate::render::geom::{PxPoint, PxRect, px};
use crate::render::legend::format_value;
use crate::render::page::margin;
use crate::render::paint;
use crate::render::ramp::ColourScale;
use crate::render::raster::render;
use crate::render::scene::LineStyle;
use crate::render::scene::MapScene;
use crate::render::surface::{Fill, Surface};
use crate::render::svg::{SvgSurface, TextMode};
use crate::render::text::{self, Face, Ink, TextLine};

/// One bar: a year's observed count and, for an incomplete year, its projection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    pub label: String,
    pub observed: f64,
    /// The full-year projection of an incomplete year.
    pub projected: Option<f64>,
}

/// One panel: bars on their own axis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Panel {
    pub title: String,
    /// The axis label of this panel, if not the chart's.
    pub y_label: Option<String>,
    /// A short note on a line under the panel title (e.g. the trailing 12 months).
    pub note: Option<String>,
    pub bars: Vec<Bar>,
}

/// A sheet of bar panels with a shared title, legend and credits.
#[derive(Debug, Clone, Serialize)]
pub struct BarChart {
    pub title: String,
    pub subtitle: String,
    /// What the bars count ("events per year").
    pub y_label: String,
    pub panels: Vec<Panel>,
    /// Panels per row.
    pub columns: usize,
    /// Fill of the observed bars.
    #[serde(skip)]
    pub colour: Colour,
    /// Legend text of the projected bars ("projected full year (data to 2024-09-13)");
    /// `None` when no year is projected.
    pub projection_label: Option<String>,
    pub credits: Vec<String>,
    pub synthetic: bool,
}

/// Where a bar was drawn: its observed rectangle and the projected one behind it.
#[derive(Debug, Clone, Copy)]
pub struct BarLayout {
    pub observed: PxRect,
    pub projected: Option<PxRect>,
}

/// A panel's plot area and its y axis: value v is at `plot.y1 - v * px_per_unit`.
#[derive(Debug, Clone)]
pub struct PanelLayout {
    pub plot: PxRect,
    pub axis_max: f64,
    pub ticks: Vec<f64>,
    pub px_per_unit: f64,
    pub bars: Vec<BarLayout>,
}

const WIDTH: u32 = 1600;
const PANEL_HEIGHT: f32 = 400.0;

/// "Round" ticks from 0 covering `max`: steps of 1, 2 or 5 × 10^k, about `target` of them.
pub fn nice_ticks(max: f64, target: usize) -> Vec<f64> {
    if !(max.is_finite() && max > 0.0) {
        return vec![0.0, 1.0];
    }
    let raw = max / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
        // Counts: no fractional ticks.
        .max(1.0);
    let n = (max / step).ceil() as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// Renders a bar chart; returns the pixmap and where everything went.
pub fn render_bars(chart: &BarChart, style: &Style) -> (Pixmap, Vec<PanelLayout>) {
    draw_bars(chart, style, raster_page).expect("chart size is positive")
}

/// The SVG of a bar chart (the same drawing as [`render_bars`]).
pub fn bars_svg(chart: &BarChart, style: &Style, text: TextMode) -> String {
    let page = |w, h, bg| Some(SvgSurface::new(w, h, bg, text));
    draw_bars(chart, style, page).map_or_else(String::new, |(s, _)| s.finish())
}

/// A blank raster page.
fn raster_page(w: u32, h: u32, background: Colour) -> Option<Pixmap> {
    let mut p = Pixmap::new(w, h)?;
    p.fill(background.to_skia());
    Some(p)
}

/// Draws a bar chart on a page made by `page(width, height, background)`.
fn draw_bars<S: Surface>(
    chart: &BarChart,
    style: &Style,
    page: impl FnOnce(u32, u32, Colour) -> Option<S>,
) -> Option<(S, Vec<PanelLayout>)> {
    let cols = chart.columns.clamp(1, chart.panels.len().max(1));
    let rows = chart.panels.len().div_ceil(cols).max(1);
    let m = margin(WIDTH, WIDTH);
    let f = &style.fonts;
    let c = &style.colours;
    let header = m + f.title * 1.2 + f.subtitle * 1.5 + f.legend * 2.4;
    let credits = credit_lines(chart, style, WIDTH as f32 - 2.0 * m);
    let footer = m + credits.len() as f32 * f.credits * 1.4;
    let height = (header + rows as f32 * PANEL_HEIGHT + footer).ceil() as u32;
    let mut pixmap = page(WIDTH, height, c.page.opaque())?;
    let ts = Transform::identity();

    let mut y = m + f.title;
    draw_text(
        &mut pixmap,
        &chart.title,
        Face::Bold,
        f.title,
        px(m, y),
        c.text,
    );
    y += f.subtitle * 1.5;
    draw_text(
        &mut pixmap,
        &chart.subtitle,
        Face::Regular,
        f.subtitle,
        px(m, y),
        c.text_muted,
    );
    if chart.synthetic {
        notice(&mut pixmap, style, WIDTH as f32 - m, m);
    }
    y += f.legend * 2.0;
    draw_legend(&mut pixmap, chart, style, px(m, y));

    let panel_w = (WIDTH as f32 - 2.0 * m) / cols as f32;
    let layouts: Vec<PanelLayout> = chart
        .panels
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (r, k) = (i / cols, i % cols);
            let cell = PxRect::from_size(
                m + k as f32 * panel_w,
                header + r as f32 * PANEL_HEIGHT,
                panel_w,
                PANEL_HEIGHT,
            );
            draw_panel(&mut pixmap, p, chart, style, cell)
        })
        .collect();

    let plots = PxRect::new(
        0.0,
        header,
        WIDTH as f32,
        header + rows as f32 * PANEL_HEIGHT,
    );
    if chart.synthetic {
        draw_watermark(&mut pixmap, plots, style, ts, None);
    }
    draw_credits(
        &mut pixmap,
        &credits,
        px(m, height as f32 - footer + m * 0.5),
        f.credits,
        c.text_muted,
    );
    Some((pixmap, layouts))
}

fn credit_lines(chart: &BarChart, style: &Style, width: f32) -> Vec<String> {
    chart
        .credits
        .iter()
        .flat_map(|c| text::wrap(c, Face::Regular, style.fonts.credits, width))
        .collect()
}

fn draw_text(
    pixmap: &mut dyn Surface,
    s: &str,
    face: Face,
    size: f32,
    at: PxPoint,
    colour: Colour,
) {
    let line = text::shape(s, face, size, 0.0);
    text::draw(
        pixmap,
        &line,
        at.x,
        at.y,
        Ink::plain(colour),
        Transform::identity(),
    );
}

/// Text centred on `x` with its baseline at `y`.
fn draw_centred(pixmap: &mut dyn Surface, line: &TextLine, x: f32, y: f32, colour: Colour) {
    let ts = Transform::identity();
    text::draw(
        pixmap,
        line,
        x - line.width / 2.0,
        y,
        Ink::plain(colour),
        ts,
    );
}

/// The red "synthetic data" notice, its top-right corner at (`right`, `top`).
fn notice(pixmap: &mut dyn Surface, style: &Style, right: f32, top: f32) {
    let fs = style.fonts.legend * 1.1;
    let line = text::shape(SYNTHETIC_NOTICE, Face::Bold, fs, 0.0);
    let pad = fs * 0.6;
    let b = PxRect::new(
        right - line.width - 2.0 * pad,
        top,
        right,
        top + line.ascent + 2.0 * pad,
    );
    paint::fill_rect(
        pixmap,
        b,
        style.colours.notice.opaque(),
        Transform::identity(),
    );
    let y = b.centre().y + line.cap_height() / 2.0;
    draw_centred(pixmap, &line, b.centre().x, y, Colour::WHITE);
}

/// Swatches: the observed bar and, if any year is projected, the projected one.
fn draw_legend(pixmap: &mut dyn Surface, chart: &BarChart, style: &Style, at: PxPoint) {
    let fs = style.fonts.legend;
    let sw = PxRect::from_size(at.x, at.y - fs, fs * 1.6, fs * 1.1);
    paint::fill_rect(pixmap, sw, chart.colour, Transform::identity());
    let label = format!("observed: {}", chart.y_label);
    draw_text(
        pixmap,
        &label,
        Face::Regular,
        fs,
        px(sw.x1 + fs * 0.5, at.y),
        style.colours.text,
    );
    if let Some(p) = &chart.projection_label {
        let w = text::shape(&label, Face::Regular, fs, 0.0).width;
        let x = sw.x1 + fs * 2.5 + w;
        let sw2 = PxRect::from_size(x, sw.y0, sw.width(), sw.height());
        projected_bar(pixmap, sw2, chart.colour, style);
        draw_text(
            pixmap,
            p,
            Face::Regular,
            fs,
            px(sw2.x1 + fs * 0.5, at.y),
            style.colours.text,
        );
    }
}

/// A projected bar: page-coloured, hatched with the bar colour and outlined in it.
fn projected_bar(pixmap: &mut dyn Surface, r: PxRect, colour: Colour, style: &Style) {
    let ts = Transform::identity();
    paint::fill_rect(pixmap, r, style.colours.page.opaque(), ts);
    if let Some(clip) = paint::rect_path(r).and_then(|p| paint::clip(pixmap, &p, ts)) {
        let gap = 6.0;
        let mut lines = Vec::new();
        let mut x = r.x0 - r.height();
        while x < r.x1 {
            lines.push(vec![px(x, r.y1), px(x + r.height(), r.y0)]);
            x += gap;
        }
        if let Some(path) = paint::lines_path(&lines) {
            let hatch = LineStyle::solid(colour.fade(0.8), 1.5);
            paint::stroke(pixmap, &path, &hatch, ts, Some(&clip));
        }
    }
    paint::stroke_rect(pixmap, r.inflate(-0.75), &LineStyle::solid(colour, 1.5), ts);
}

fn draw_panel(
    pixmap: &mut dyn Surface,
    p: &Panel,
    chart: &BarChart,
    style: &Style,
    cell: PxRect,
) -> PanelLayout {
    let ts = Transform::identity();
    let c = &style.colours;
    let fs = style.fonts.legend;
    let max = p
        .bars
        .iter()
        .map(|b| b.observed.max(b.projected.unwrap_or(0.0)))
        .fold(0.0, f64::max);
    let ticks = nice_ticks(max, 5);
    let axis_max = *ticks.last().expect("at least two ticks");
    let tick_w = ticks
        .iter()
        .map(|t| text::shape(&format_value(*t), Face::Regular, fs, 0.0).width)
        .fold(0.0, f32::max);
    // A note takes a line of its own under the panel title.
    let note_h = if p.note.is_some() { fs * 1.5 } else { 0.0 };
    let plot = PxRect::new(
        cell.x0 + tick_w + fs * 1.2,
        cell.y0 + style.fonts.subtitle * 1.6 + fs * 2.6 + note_h,
        cell.x1 - fs * 2.0,
        cell.y1 - fs * 4.2,
    );
    let px_per_unit = f64::from(plot.height()) / axis_max;
    let y_of = |v: f64| plot.y1 - (v * px_per_unit) as f32;

    // The panel title, shrunk to fit its panel.
    let mut title = text::shape(&p.title, Face::Bold, style.fonts.subtitle, 0.0);
    let room = cell.width() - 2.5 * fs;
    if title.width > room {
        title = text::shape(
            &p.title,
            Face::Bold,
            style.fonts.subtitle * room / title.width,
            0.0,
        );
    }
    text::draw(
        pixmap,
        &title,
        cell.x0,
        cell.y0 + style.fonts.subtitle * 1.2,
        Ink::plain(c.text),
        ts,
    );
    // Axis label above the axis, year label below the years.
    draw_text(
        pixmap,
        p.y_label.as_deref().unwrap_or(&chart.y_label),
        Face::Regular,
        fs,
        px(cell.x0, plot.y0 - fs * 1.3),
        c.text_muted,
    );
    if let Some(note) = &p.note {
        draw_text(
            pixmap,
            note,
            Face::Regular,
            fs,
            px(cell.x0, cell.y0 + style.fonts.subtitle * 1.6 + fs * 0.9),
            c.text,
        );
    }
    let grid = LineStyle::solid(c.panel_border.fade(0.5), 1.0);
    for t in &ticks {
        let y = y_of(*t).round() + 0.5;
        if let Some(path) = paint::lines_path(&[vec![px(plot.x0, y), px(plot.x1, y)]]) {
            paint::stroke(pixmap, &path, &grid, ts, None);
        }
        let line = text::shape(&format_value(*t), Face::Regular, fs, 0.0);
        let x = plot.x0 - fs * 0.5 - line.width;
        text::draw(
            pixmap,
            &line,
            x,
            y + line.cap_height() / 2.0,
            Ink::plain(c.text_muted),
            ts,
        );
    }

    let n = p.bars.len().max(1);
    let slot = plot.width() / n as f32;
    let bar_w = (slot * 0.7).max(1.0);
    let value_size = if slot < fs * 3.2 { fs * 0.8 } else { fs };
    let bars = p
        .bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let cx = plot.x0 + slot * (i as f32 + 0.5);
            let x0 = cx - bar_w / 2.0;
            let observed = PxRect::new(x0, y_of(b.observed), x0 + bar_w, plot.y1);
            let projected = b
                .projected
                .map(|v| PxRect::new(x0, y_of(v), x0 + bar_w, plot.y1));
            if let Some(r) = projected {
                projected_bar(pixmap, r, chart.colour, style);
            }
            paint::fill_rect(pixmap, observed, chart.colour, ts);
            let top = projected.map_or(observed.y0, |r| r.y0.min(observed.y0));
            let mut label_y = top - fs * 0.4;
            let value = text::shape(&format_value(b.observed), Face::Bold, value_size, 0.0);
            if let Some(v) = b.projected {
                // The observed value on its bar when the projection sits above it.
                let proj = text::shape(
                    &format!("≈{}", format_value(v)),
                    Face::Oblique,
                    value_size,
                    0.0,
                );
                draw_centred(pixmap, &proj, cx, label_y, c.text);
                label_y -= value_size * 1.2;
            }
            draw_centred(pixmap, &value, cx, label_y, c.text);
            let year = text::shape(&b.label, Face::Regular, value_size, 0.0);
            draw_centred(pixmap, &year, cx, plot.y1 + fs * 1.4, c.text);
            BarLayout {
                observed,
                projected,
            }
        })
        .collect();
    let axis = LineStyle::solid(c.text, 1.0);
    if let Some(path) = paint::lines_path(&[vec![px(plot.x0, plot.y1), px(plot.x1, plot.y1)]]) {
        paint::stroke(pixmap, &path, &axis, ts, None);
    }
    let year = text::shape("Year", Face::Regular, fs, 0.0);
    draw_centred(
        pixmap,
        &year,
        plot.centre().x,
        plot.y1 + fs * 3.0,
        c.text_muted,
    );
    PanelLayout {
        plot,
        axis_max,
        ticks,
        px_per_unit,
        bars,
    }
}

/// A small-multiples sheet: `tiles` (label, map) in a grid of `columns`, a shared
/// legend (`key`: a colour bar or classes), title, subtitle and credits.
pub struct Sheet<'a> {
    pub title: String,
    pub subtitle: String,
    /// (label, map): every map drawn at its own size.
    pub tiles: Vec<(String, MapScene)>,
    pub columns: usize,
    pub key: SheetKey<'a>,
    /// The legend's title and unit.
    pub legend: String,
    pub credits: Vec<String>,
    pub synthetic: bool,
}

/// Columns of a small-multiples sheet of `n` maps: 3 to 5, the fewest empty cells, then
/// the fewest rows (13 years: 5 columns, 3 rows).
pub fn sheet_columns(n: usize) -> usize {
    (3..=5)
        .min_by_key(|c| (n.div_ceil(*c) * c - n, n.div_ceil(*c)))
        .expect("a non-empty range")
}

/// The narrowest sheet, px.
const SHEET_MIN_WIDTH: f32 = 1600.0;

/// The shared legend of a [`Sheet`].
pub enum SheetKey<'a> {
    /// A continuous colour scale: a horizontal bar with its stops labelled.
    Scale(&'a ColourScale),
    /// Classes: (label, colour) swatches in a row, in class order.
    Classes(Vec<(String, Colour)>),
}

/// Renders a [`Sheet`]: the maps rendered (in parallel), then placed as images.
pub fn render_sheet(sheet: &Sheet, style: &Style) -> Result<Pixmap> {
    let maps: Vec<Pixmap> = sheet
        .tiles
        .par_iter()
        .map(|(_, scene)| render(scene))
        .collect::<Result<_>>()?;
    let place = |s: &mut Pixmap, i: usize, x: f32, y: f32| {
        s.draw_pixmap(
            x.round() as i32,
            y.round() as i32,
            maps[i].as_ref(),
            &PixmapPaint::default(),
            Transform::identity(),
            None,
        );
        Ok(())
    };
    draw_sheet(sheet, style, raster_page, place)
}

/// The SVG of a [`Sheet`]: each map drawn in vector form at its place, clipped to its box.
pub fn sheet_svg(sheet: &Sheet, style: &Style, text: TextMode) -> Result<String> {
    let page = |w, h, bg| Some(SvgSurface::new(w, h, bg, text));
    let place = |s: &mut SvgSurface, i: usize, x: f32, y: f32| {
        let scene = &sheet.tiles[i].1;
        let (x, y) = (x.round(), y.round());
        let (w, h) = crate::render::raster::output_size(scene)?;
        let bx = PxRect::from_size(x, y, w as f32, h as f32);
        s.group(&format!("map {}", sheet.tiles[i].0));
        let clip = paint::rect_path(bx).and_then(|p| s.clip(&p, Transform::identity(), None));
        if let Some(p) = paint::rect_path(bx) {
            s.fill(
                &p,
                &Fill::Solid(scene.style.colours.page),
                tiny_skia::FillRule::Winding,
                Transform::identity(),
                clip.as_ref(),
            );
        }
        s.begin_clip(clip.as_ref());
        crate::render::raster::draw_at(s, scene, Transform::from_translate(x, y))?;
        s.end_clip(clip.as_ref());
        s.end_group();
        Ok(())
    };
    draw_sheet(sheet, style, page, place).map(SvgSurface::finish)
}

/// Draws a [`Sheet`] on a page made by `page`, each map put in place by `place(surface,
/// index, x, y)`.
fn draw_sheet<S: Surface>(
    sheet: &Sheet,
    style: &Style,
    page: impl FnOnce(u32, u32, Colour) -> Option<S>,
    mut place: impl FnMut(&mut S, usize, f32, f32) -> Result<()>,
) -> Result<S> {
    let cols = sheet.columns.clamp(1, sheet.tiles.len().max(1));
    let rows = sheet.tiles.len().div_ceil(cols).max(1);
    let (tw, th) = match sheet.tiles.first() {
        Some((_, scene)) => crate::render::raster::output_size(scene)?,
        None => (1, 1),
    };
    let f = &style.fonts;
    let c = &style.colours;
    let gap = 12.0;
    let label_h = f.subtitle * 1.6;
    let m = margin(WIDTH, WIDTH);
    // At least SHEET_MIN_WIDTH: a sheet of one or two maps still has room for its title,
    // the synthetic notice and its legend.
    let width = (2.0 * m + cols as f32 * tw as f32 + (cols - 1) as f32 * gap)
        .max(SHEET_MIN_WIDTH)
        .ceil() as u32;
    let header = m + f.title * 1.2 + f.subtitle * 1.5;
    let avail = width as f32 - 2.0 * m;
    let class_layout = match &sheet.key {
        SheetKey::Classes(classes) => Some(classes_layout(classes, &sheet.legend, style, avail)),
        SheetKey::Scale(_) => None,
    };
    let legend_h = match &class_layout {
        Some(l) => l.height + f.legend * 2.0,
        None => f.legend * 5.0,
    };
    let credits: Vec<String> = sheet
        .credits
        .iter()
        .flat_map(|s| text::wrap(s, Face::Regular, f.credits, avail))
        .collect();
    let footer = m + credits.len() as f32 * f.credits * 1.4;
    let grid_h = rows as f32 * (th as f32 + label_h + gap);
    let height = (header + grid_h + legend_h + footer).ceil() as u32;
    let mut pixmap = page(width, height, c.page.opaque())
        .ok_or_else(|| Error::Usage(format!("cannot allocate a {width}×{height} sheet")))?;
    let ts = Transform::identity();
    draw_text(
        &mut pixmap,
        &sheet.title,
        Face::Bold,
        f.title,
        px(m, m + f.title),
        c.text,
    );
    draw_text(
        &mut pixmap,
        &sheet.subtitle,
        Face::Regular,
        f.subtitle,
        px(m, m + f.title + f.subtitle * 1.5),
        c.text_muted,
    );
    if sheet.synthetic {
        notice(&mut pixmap, style, width as f32 - m, m);
    }
    for (i, (label, _)) in sheet.tiles.iter().enumerate() {
        let (r, k) = (i / cols, i % cols);
        let x = m + k as f32 * (tw as f32 + gap);
        let y = header + r as f32 * (th as f32 + label_h + gap);
        draw_text(
            &mut pixmap,
            label,
            Face::Bold,
            f.subtitle,
            px(x, y + f.subtitle * 1.1),
            c.text,
        );
        place(&mut pixmap, i, x, y + label_h)?;
    }
    if sheet.synthetic {
        let grid = PxRect::from_size(0.0, header, width as f32, grid_h);
        draw_watermark(&mut pixmap, grid, style, ts, None);
    }
    let ly = header + grid_h + f.legend * 1.2;
    match &sheet.key {
        SheetKey::Scale(scale) => draw_colour_bar(
            &mut pixmap,
            scale,
            &sheet.legend,
            style,
            PxRect::from_size(m, ly, avail.min(600.0), f.legend * 1.4),
        ),
        SheetKey::Classes(classes) => {
            let layout = class_layout.as_ref().expect("laid out above");
            draw_classes(&mut pixmap, classes, layout, style, px(m, ly))
        }
    }
    draw_credits(
        &mut pixmap,
        &credits,
        px(m, height as f32 - footer + m * 0.5),
        f.credits,
        c.text_muted,
    );
    Ok(pixmap)
}

/// Where a classed legend's parts go, relative to its top left: each swatch's left edge
/// and row, and the title's wrapped lines under the swatches.
struct ClassesLayout {
    swatches: Vec<(f32, usize)>,
    rows: usize,
    title: Vec<String>,
    height: f32,
}

/// Lays class swatches (each with its label to the right) out in rows no wider than
/// `width`, and the legend's `title` wrapped to `width` under them.
fn classes_layout(
    classes: &[(String, Colour)],
    title: &str,
    style: &Style,
    width: f32,
) -> ClassesLayout {
    let fs = style.fonts.legend;
    let side = fs * 1.4;
    let (mut x, mut row) = (0.0, 0);
    let mut swatches = Vec::with_capacity(classes.len());
    for (label, _) in classes {
        let w = side + fs * 0.4 + text::shape(label, Face::Regular, fs, 0.0).width;
        if x > 0.0 && x + w > width {
            (x, row) = (0.0, row + 1);
        }
        swatches.push((x, row));
        x += w + fs * 1.2;
    }
    let rows = row + 1;
    let title = text::wrap(title, Face::Regular, fs, width);
    let height = rows as f32 * side * 1.4 + title.len() as f32 * fs * 1.4;
    ClassesLayout {
        swatches,
        rows,
        title,
        height,
    }
}

/// Class swatches as laid out from `at` (top left), each with its label to the right,
/// the legend's title under them.
fn draw_classes(
    pixmap: &mut dyn Surface,
    classes: &[(String, Colour)],
    layout: &ClassesLayout,
    style: &Style,
    at: PxPoint,
) {
    let ts = Transform::identity();
    let c = &style.colours;
    let fs = style.fonts.legend;
    let side = fs * 1.4;
    for ((label, colour), (x, row)) in classes.iter().zip(&layout.swatches) {
        let r = PxRect::from_size(at.x + x, at.y + *row as f32 * side * 1.4, side, side);
        paint::fill_rect(pixmap, r, *colour, ts);
        paint::stroke_rect(pixmap, r, &LineStyle::solid(c.panel_border, 1.0), ts);
        draw_text(
            pixmap,
            label,
            Face::Regular,
            fs,
            px(r.x1 + fs * 0.4, r.centre().y + fs * 0.35),
            c.text,
        );
    }
    let mut y = at.y + layout.rows as f32 * side * 1.4 + fs * 0.9;
    for line in &layout.title {
        draw_text(pixmap, line, Face::Regular, fs, px(at.x, y), c.text);
        y += fs * 1.4;
    }
}

/// The shared colour scale as a horizontal bar with its stops labelled below, its
/// `title` to the right.
fn draw_colour_bar(
    pixmap: &mut dyn Surface,
    scale: &ColourScale,
    title: &str,
    style: &Style,
    r: PxRect,
) {
    let ts = Transform::identity();
    let c = &style.colours;
    let stops = scale.legend_stops(6);
    let (lo, hi) = (stops[0].0, scale.max);
    let steps = r.width().max(1.0) as usize;
    for i in 0..steps {
        let v = lo + (hi - lo) * (i as f32 + 0.5) / steps as f32;
        let colour = scale
            .colour(v)
            .map_or(c.page.opaque(), |[r, g, b, _]| Colour::rgb(r, g, b));
        paint::fill_rect(
            pixmap,
            PxRect::from_size(r.x0 + i as f32, r.y0, 1.0, r.height()),
            colour,
            ts,
        );
    }
    paint::stroke_rect(pixmap, r, &LineStyle::solid(c.panel_border, 1.0), ts);
    let fs = style.fonts.legend;
    for (v, _) in &stops {
        let x = r.x0 + r.width() * (v - lo) / (hi - lo).max(f32::EPSILON);
        if let Some(path) = paint::lines_path(&[vec![px(x, r.y1), px(x, r.y1 + 4.0)]]) {
            paint::stroke(pixmap, &path, &LineStyle::solid(c.text, 1.0), ts, None);
        }
        let line = text::shape(&format_value(f64::from(*v)), Face::Regular, fs, 0.0);
        draw_centred(pixmap, &line, x, r.y1 + 4.0 + fs * 1.1, c.text);
    }
    draw_text(
        pixmap,
        title,
        Face::Regular,
        fs,
        px(r.x1 + fs, r.centre().y + fs * 0.35),
        c.text,
    );
}

#[cfg(test)]
#[path = "charts_tests.rs"]
mod tests;

/// The credit lines, one under the other, the first baseline a line below `top`.
fn draw_credits(
    pixmap: &mut dyn Surface,
    credits: &[String],
    top: PxPoint,
    size: f32,
    colour: Colour,
) {
    let mut cy = top.y + size;
    for line in credits {
        draw_text(pixmap, line, Face::Regular, size, px(top.x, cy), colour);
        cy += size * 1.4;
    }
}
