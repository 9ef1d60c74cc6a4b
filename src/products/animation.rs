//! The animation: the maps as an animation — an animated GIF (one global palette),
//! an APNG (full colour) and the frames as numbered PNGs — one frame per year, quarter or
//! month, every frame on one colour scale, with a large period label on the map face.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::analysis::periods::{self, DateIndex, Period, Step, Window};
use crate::error::{Error, Result};
use crate::model::{Colour, Style};
use crate::output::animation::{Timing, write_apng, write_gif};
use crate::output::palette::{Histogram, Palette, over};
use crate::output::{lock, write_bytes_atomic};
use crate::products::density::{self, DensityOptions, ViewOptions};
use crate::render::compose::basemap;
use crate::render::encode::demultiplied_rgba;
use crate::render::ramp::ColourScale;
use crate::render::scene::{DensityImage, LegendItem, MapScene, PeriodLabel, Symbol};
use crate::render::{encode_png, render};
use crate::run::{Filter, Loaded, Run};

/// Opacity of the trail for the previous frame; older frames fade linearly from it.
const TRAIL_OPACITY: f32 = 0.5;
/// Ramp colours (as drawn over the country) held exactly in the GIF palette.
const RAMP_SAMPLES: usize = 64;

/// What `animate` wrote.
#[derive(Debug, Clone)]
pub struct Animation {
    pub gif: PathBuf,
    pub apng: PathBuf,
    pub frames: Vec<PathBuf>,
    /// One line per frame: its period, events, deaths and highest density.
    pub table: PathBuf,
    pub periods: Vec<Period>,
    /// The one colour scale of every frame.
    pub scale: ColourScale,
    pub unit: String,
}

/// The animation: the map, the density, the events counted, the frames and their timing.
#[derive(Debug, Clone, PartialEq)]
pub struct AnimationOptions {
    pub view: ViewOptions,
    pub density: DensityOptions,
    pub filter: Filter,
    /// One frame per year, quarter or month.
    pub step: Step,
    /// What each frame counts.
    pub window: Window,
    /// Earlier frames shown faded under each frame (0–4; not with a cumulative window).
    pub trail: u32,
    /// Width in pixels (the height follows the style's aspect ratio).
    pub width: u32,
    /// Time each frame shows, and the last one before the loop starts again (ms).
    pub delay_ms: u32,
    pub hold_ms: u32,
    /// Plays N times then stops on the last frame; 0 loops forever.
    pub loops: u32,
    /// The output folder (`out`/animation/, frames in `out`/animation/frames/).
    pub out: PathBuf,
}

impl Default for AnimationOptions {
    fn default() -> Self {
        AnimationOptions {
            view: ViewOptions::default(),
            density: DensityOptions::default(),
            filter: Filter::default(),
            step: Step::Year,
            window: Window::Step,
            trail: 0,
            width: 1200,
            delay_ms: 800,
            hold_ms: 3000,
            loops: 0,
            out: PathBuf::from("output"),
        }
    }
}

/// The file stem of the animation: "<category>_<step>[_cumulative|_rolling12m][_trailN]".
fn stem(category: &str, args: &AnimationOptions, step: Step, window: Window) -> String {
    let mut s = format!("{category}_{}", step.name());
    match window {
        Window::Step => {}
        Window::Cumulative => s.push_str("_cumulative"),
        Window::Rolling { months } => s.push_str(&format!("_rolling{months}m")),
    }
    if args.trail > 0 {
        s.push_str(&format!("_trail{}", args.trail));
    }
    s
}

/// The first and last dates animated: `--years` (cut to the data's last date, so a partial
/// last step says so), else the data's.
fn date_span(args: &AnimationOptions, loaded: &Loaded) -> Result<(NaiveDate, NaiveDate)> {
    let data = loaded
        .read
        .events
        .date_range()
        .ok_or_else(|| Error::Usage(format!("{}: no events to animate", loaded.input)))?;
    Ok(match args.filter.years {
        None => data,
        Some((a, b)) => {
            let first = NaiveDate::from_ymd_opt(a, 1, 1)
                .ok_or_else(|| Error::Usage(format!("--years: {a} is out of range")))?;
            let last = NaiveDate::from_ymd_opt(b, 12, 31)
                .ok_or_else(|| Error::Usage(format!("--years: {b} is out of range")))?;
            (first, last.min(data.1).max(first))
        }
    })
}

fn progress(n: usize, what: &'static str) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(Some(n as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} frames, {elapsed}")
    {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what);
    pb
}

/// Renders the frames of the animation of the run's events and writes the GIF, the APNG,
/// the frame table and the frames into `args.out`/animation/.
pub fn write(run: &Run, args: &AnimationOptions) -> Result<Animation> {
    let (setup, loaded, out) = (&run.setup, &run.loaded, args.out.as_path());
    let (step, window) = (args.step, args.window);
    if args.trail > 0 && window == Window::Cumulative {
        return Err(Error::Usage(
            "--trail shows earlier frames faded; with --window cumulative every frame already holds them"
                .into(),
        ));
    }
    let mut style = density::style(&args.view)?;
    let aspect = f64::from(style.map.height) / f64::from(style.map.width);
    style.map.width = args.width;
    style.map.height = (f64::from(args.width) * aspect).round().max(1.0) as u32;
    let (first, last) = date_span(args, loaded)?;
    let periods = periods::periods(first, last, step, window)
        .map_err(|e| Error::Usage(format!("--step/--window: {e}")))?;

    // The category is needed for the title, which shapes the frame the map is fitted in.
    let cat = setup
        .categories
        .list()
        .iter()
        .find(|c| c.id == args.density.category_id)
        .cloned();
    let mut template = MapScene::new(style.clone(), "", "", run.credits());
    template.synthetic = loaded.synthetic;
    let span = step.range_label(periods[0].step, periods[periods.len() - 1].until);
    if let Some(c) = &cat {
        template.title = format!("{} in {}, {span}", c.label, setup.boundaries.name());
    }
    template.subtitle = " ".into();
    template.relayout();
    let view = density::view(&args.view, &style, setup, template.frame)?;
    basemap(&mut template, &view, &setup.boundaries, run.zones()?);

    let pts = density::points(&args.density, &args.filter, setup, loaded, &view)?;
    let cat = setup.categories.list()[pts.category].clone();
    let events = &loaded.read.events;
    let dates: Vec<NaiveDate> = pts
        .selected
        .iter()
        .map(|&i| events.events[i].date)
        .collect();
    let index = DateIndex::new(&dates);
    let plan = pts.plan();
    // The frames' densities are computed again where needed rather than all kept: a
    // monthly animation of a decade holds over a hundred grids of a million cells.
    let density_of = |p: &Period| plan.apply(&pts.bin(index.within(p).iter().copied()));
    let bar = progress(periods.len(), "density");
    let rows: Vec<FrameRow> = periods
        .par_iter()
        .map(|p| {
            let within = index.within(p);
            let row = FrameRow {
                events: within.len(),
                deaths: within
                    .iter()
                    .map(|&k| u64::from(events.events[pts.selected[k]].fatalities))
                    .sum(),
                max_density: density_of(p).max(),
            };
            bar.inc(1);
            row
        })
        .collect();
    bar.finish_and_clear();
    let top = rows.iter().map(|r| r.max_density).fold(0.0, f32::max);
    let scale = density::colour_scale_topped(&args.density, &style, top)?;
    let unit = density::unit(&args.density, &cat);
    let what = match window {
        Window::Step => format!("one frame per {}", step.name()),
        Window::Cumulative => format!("cumulative, one frame per {}", step.name()),
        Window::Rolling { months } => {
            format!(
                "{months}-month rolling window, one frame per {}",
                step.name()
            )
        }
    };
    template.subtitle = format!(
        "{}{}; {what}; one colour scale for every frame",
        density::describe(&args.density, &cat, pts.kernel),
        args.filter.note()
    );
    let stops = scale
        .legend_stops(6)
        .into_iter()
        .map(|(v, c)| (f64::from(v), c))
        .collect();
    template.set_ramp(&cat.label, &unit, stops);
    let trail_colour = style.colours.text_muted;
    for k in 1..=args.trail {
        let ago = match k {
            1 => format!("Density the {} before", step.name()),
            k => format!("Density {k} {}s before", step.name()),
        };
        template.legend.items.push(LegendItem {
            label: ago,
            symbol: Symbol::Area {
                fill: trail_colour.fade(trail_alpha(k, args.trail)),
                stroke: None,
            },
        });
    }

    // Where each frame's density shows (for trails).
    let visible: Vec<Cells> = if args.trail > 0 {
        periods
            .par_iter()
            .map(|p| {
                Cells::new(
                    density_of(p)
                        .values
                        .iter()
                        .map(|&v| scale.colour(v).is_some()),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let bar = progress(periods.len(), "rendering");
    let rendered: Vec<(Vec<u8>, Histogram)> = (0..periods.len())
        .into_par_iter()
        .map(|i| {
            let g = &density_of(&periods[i]);
            let mut scene = template.clone();
            scene.period = Some(PeriodLabel {
                text: periods[i].label.clone(),
                detail: periods[i].detail.clone(),
            });
            let image = |pixels| DensityImage {
                width: g.spec.width as u32,
                height: g.spec.height as u32,
                pixels,
                rect: view.grid_rect(&g.spec),
                opacity: 1.0,
                clip: Vec::new(),
                smooth: true,
            };
            if args.trail > 0 {
                scene.add_trail(image(trail_pixels(&visible, i, args.trail, trail_colour)));
            }
            scene.add_density(image(scale.colourize(g)));
            let pixmap = render(&scene)?;
            let hist = Histogram::of_rgba(&demultiplied_rgba(&pixmap));
            let png = encode_png(&pixmap, None)?;
            bar.inc(1);
            Ok((png, hist))
        })
        .collect::<Result<_>>()?;
    bar.finish_and_clear();
    drop(visible);
    let (pngs, hists): (Vec<Vec<u8>>, Vec<Histogram>) = rendered.into_iter().unzip();
    let seen = hists
        .into_iter()
        .fold(Histogram::default(), Histogram::merge);
    let palette = Palette::build(&palette_colours(&style, &scale, args.trail), &seen);

    // Everything is drawn: now the folder is written (one writer at a time).
    let _hold = lock::hold(&args.out)?;
    let dir = out.join("animation");
    let stem = stem(&cat.id, args, step, window);
    let frames = write_frames(&dir.join("frames"), &stem, &pngs)?;
    let table = dir.join(format!("{stem}.csv"));
    write_table(&table, &periods, &rows, &frames)?;
    let size = (args.width, style.map.height);
    let timing = Timing::new(pngs.len(), args.delay_ms, args.hold_ms, args.loops);
    let gif = dir.join(format!("{stem}.gif"));
    let bar = progress(pngs.len(), "GIF");
    write_gif(&gif, size, &palette, &timing, |i| {
        bar.inc(1);
        decode_rgba(&pngs[i]).map(|rgba| palette.map_rgba(&rgba))
    })?;
    bar.finish_and_clear();
    let apng = dir.join(format!("{stem}.png"));
    let bar = progress(pngs.len(), "APNG");
    write_apng(&apng, size, &timing, |i| {
        bar.inc(1);
        decode_rgba(&pngs[i]).map(|rgba| {
            rgba.chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect()
        })
    })?;
    bar.finish_and_clear();
    Ok(Animation {
        gif,
        apng,
        frames,
        table,
        periods,
        scale,
        unit,
    })
}

/// What a frame shows, for the frame table.
struct FrameRow {
    events: usize,
    deaths: u64,
    max_density: f32,
}

/// The frame table: frame number and file, the period (label, detail, first and last
/// day), events and deaths counted in it, and its highest density.
fn write_table(
    path: &Path,
    periods: &[Period],
    rows: &[FrameRow],
    frames: &[PathBuf],
) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut write = |rec: Vec<String>| {
        w.write_record(&rec)
            .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))
    };
    write(
        [
            "frame",
            "file",
            "label",
            "detail",
            "first_day",
            "last_day",
            "events",
            "deaths",
            "max_density",
        ]
        .map(String::from)
        .to_vec(),
    )?;
    for (i, ((p, r), f)) in periods.iter().zip(rows).zip(frames).enumerate() {
        write(vec![
            (i + 1).to_string(),
            f.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            p.label.clone(),
            p.detail.clone().unwrap_or_default(),
            p.from.to_string(),
            p.until.pred_opt().expect("a day before").to_string(),
            r.events.to_string(),
            r.deaths.to_string(),
            format!("{:.4}", r.max_density),
        ])?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    write_bytes_atomic(path, &bytes)
}

/// A set of grid cells, one bit each (a trail keeps one per frame).
struct Cells {
    bits: Vec<u64>,
    len: usize,
}

impl Cells {
    fn new(cells: impl Iterator<Item = bool>) -> Cells {
        let (mut bits, mut len) = (Vec::new(), 0);
        for on in cells {
            if len % 64 == 0 {
                bits.push(0u64);
            }
            if on {
                bits[len / 64] |= 1 << (len % 64);
            }
            len += 1;
        }
        Cells { bits, len }
    }

    fn get(&self, i: usize) -> bool {
        self.bits[i / 64] >> (i % 64) & 1 == 1
    }
}

/// Opacity of the trail `k` frames back, of `n`: [`TRAIL_OPACITY`] for the previous frame,
/// fading linearly.
fn trail_alpha(k: u32, n: u32) -> f32 {
    TRAIL_OPACITY * (n + 1 - k) as f32 / n as f32
}

/// The trail of frame `i`: each cell where one of the `n` previous frames showed density,
/// in `colour` at the opacity of the most recent such frame.
fn trail_pixels(visible: &[Cells], i: usize, n: u32, colour: Colour) -> Vec<[u8; 4]> {
    let cells = visible[i].len;
    (0..cells)
        .into_par_iter()
        .map(|c| {
            (1..=n)
                .filter(|&k| k as usize <= i)
                .find(|&k| visible[i - k as usize].get(c))
                .map_or([0; 4], |k| colour.fade(trail_alpha(k, n)).to_array())
        })
        .collect()
}

/// Colours the GIF palette holds exactly: the style's (translucent ones as drawn over the
/// page and the country), the colour ramp as drawn over the country and the neighbours,
/// and the trail's shades.
fn palette_colours(style: &Style, scale: &ColourScale, trail: u32) -> Vec<[u8; 3]> {
    let c = &style.colours;
    let rgb = |x: Colour| [x.r, x.g, x.b];
    let mut out = Vec::new();
    for x in c.all() {
        if x.a == 255 {
            out.push(rgb(x));
        } else if x.a > 0 {
            out.push(over(x.to_array(), rgb(c.page)));
            out.push(over(x.to_array(), rgb(c.country)));
        }
    }
    let opacity = style.density.opacity;
    for (i, (_, colour)) in scale.legend_stops(RAMP_SAMPLES).into_iter().enumerate() {
        let drawn = Colour::from_array(colour).fade(opacity).to_array();
        out.push(over(drawn, rgb(c.country)));
        if i % 4 == 0 {
            out.push(over(drawn, rgb(c.neighbours)));
        }
    }
    for k in 1..=trail {
        out.push(over(
            c.text_muted.fade(trail_alpha(k, trail)).to_array(),
            rgb(c.country),
        ));
    }
    out
}

/// Writes the frames as `<stem>_001.png`, … and removes numbered frames of this stem left
/// by an earlier, longer run.
fn write_frames(dir: &Path, stem: &str, pngs: &[Vec<u8>]) -> Result<Vec<PathBuf>> {
    let digits = pngs.len().to_string().len().max(3);
    let paths: Vec<PathBuf> = (0..pngs.len())
        .map(|i| dir.join(format!("{stem}_{:0digits$}.png", i + 1)))
        .collect();
    paths
        .par_iter()
        .zip(pngs)
        .try_for_each(|(p, png)| write_bytes_atomic(p, png))?;
    let read = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in read.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let number = name
            .strip_prefix(stem)
            .and_then(|r| r.strip_prefix('_'))
            .and_then(|r| r.strip_suffix(".png"));
        let stale = number.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if stale && !paths.contains(&entry.path()) {
            std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        }
    }
    Ok(paths)
}

/// The RGBA pixels of a PNG this command encoded.
fn decode_rgba(png_bytes: &[u8]) -> Result<Vec<u8>> {
    let bad = |e: png::DecodingError| Error::Usage(format!("re-reading a rendered frame: {e}"));
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .map_err(bad)?;
    let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let info = reader.next_frame(&mut buf).map_err(bad)?;
    buf.truncate(info.buffer_size());
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_sets_hold_every_bit() {
        let pattern: Vec<bool> = (0..130).map(|i| i % 3 == 0 || i == 64).collect();
        let c = Cells::new(pattern.iter().copied());
        assert_eq!(c.len, 130);
        assert!((0..130).all(|i| c.get(i) == pattern[i]));
    }

    #[test]
    fn trail_fades_with_age_and_keeps_the_most_recent() {
        // Three frames of two cells: cell 0 shows in frame 0 only, cell 1 in frames 0 and 1.
        let visible: Vec<Cells> = [[true, true], [false, true], [false, false]]
            .into_iter()
            .map(|f| Cells::new(f.into_iter()))
            .collect();
        let c = Colour::rgb(100, 100, 100);
        let t = trail_pixels(&visible, 2, 2, c);
        assert_eq!(t[0], c.fade(trail_alpha(2, 2)).to_array());
        assert_eq!(t[1], c.fade(trail_alpha(1, 2)).to_array());
        assert!(t[1][3] > t[0][3], "the most recent frame is darker");
        assert_eq!(
            trail_pixels(&visible, 0, 2, c),
            vec![[0; 4]; 2],
            "no frame before the first"
        );
    }
}
