//! The report page: `report.html` (one self-contained file: inline CSS, images and links
//! by relative path to the files beside it, nothing fetched from the network) and
//! `report.md`, both rendered from one list of blocks so they say the same thing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::charts::{ChartSet, charted_zones};
use super::manifest::{relative, stored_per_file};
use super::narrative::{lower_first, trend, window_sentence};
use super::{ReportConfig, Written, kernel_note};
use crate::error::Result;
use crate::output::tables::SYNTHETIC_NOTICE;
use crate::output::write_bytes_atomic;
use crate::products::maps::MapSet;
use crate::products::tables::ZoneTables;
use crate::render::legend::format_value;
use crate::run::{Loaded, Setup};

/// What the page is made from.
pub struct Facts<'a> {
    pub cfg: &'a ReportConfig,
    pub setup: &'a Setup,
    pub loaded: &'a Loaded,
    pub tables: &'a ZoneTables,
    pub maps: Option<&'a MapSet>,
    pub charts: Option<&'a ChartSet>,
    pub spread: Option<&'a super::SpreadSection>,
    pub written: &'a Written,
    pub out: &'a Path,
    /// The input's file name (no folder).
    pub input_name: &'a str,
}

enum Block {
    H2(String),
    P(String),
    Notice(String),
    List(Vec<String>),
    /// (label, relative path)
    Links(Vec<(String, String)>),
    /// (relative path, caption)
    Image(String, String),
    Table {
        caption: String,
        head: Vec<String>,
        rows: Vec<Vec<String>>,
        /// Rows drawn as projected (italic).
        marked: Vec<bool>,
    },
}

fn blocks(f: &Facts) -> Vec<Block> {
    let (cfg, loaded, table) = (f.cfg, f.loaded, &f.tables.table);
    let cats = &f.setup.categories;
    let cat = &cats.list()[cats.index_of(&cfg.category).expect("checked")];
    let s = &loaded.read.summary;
    let rel = |p: &PathBuf| relative(f.out, p);
    let mut b = Vec::new();
    if loaded.synthetic {
        b.push(Block::Notice(SYNTHETIC_NOTICE.to_string()));
    }
    let years = match (table.years.first(), table.years.last()) {
        (Some(a), Some(z)) if a != z => format!("{a}–{z}"),
        (Some(a), _) => a.to_string(),
        _ => "no years".into(),
    };
    b.push(Block::P(format!(
        "This report covers {}, {years}. It maps and charts {} ({}). Input: {} ({}), {} events kept of {} rows read.",
        cfg.country,
        lower_first(&cat.label),
        cat.describe(cats),
        f.input_name,
        s.format.map(|d| d.to_string()).unwrap_or_else(|| "unknown format".into()),
        format_value(s.events_kept as f64),
        format_value(s.rows_read as f64),
    )));

    b.push(Block::H2("Key numbers".into()));
    let mut key = Vec::new();
    for r in charted_zones(table, &cat.id) {
        let what = format!("{} — {}", r.key.zone_name, lower_first(&cat.label));
        key.extend(trend(table, r, false, &what));
        key.extend(trend(
            table,
            r,
            true,
            &format!("{} — {}", r.key.zone_name, cat.deaths_label),
        ));
        key.extend(window_sentence(table, r, false, &what));
    }
    if let Some(civ) = &cfg.civilians_category
        && let Some(r) = table.row("country", civ)
    {
        let c = &cats.list()[cats.index_of(civ).expect("checked")];
        key.extend(trend(
            table,
            r,
            false,
            &format!("{} — {}", cfg.country, lower_first(&c.label)),
        ));
        key.extend(trend(
            table,
            r,
            true,
            &format!("{} — {}", cfg.country, c.deaths_label),
        ));
    }
    if key.is_empty() {
        key.push(format!("No {} in the data.", lower_first(&cat.label)));
    }
    if let Some(sp) = f.spread {
        key.extend(sp.summary.sentences.iter().cloned());
        key.extend(sp.expansion.sentence.iter().cloned());
        key.extend(
            sp.choropleths
                .iter()
                .flat_map(|c| c.sentence.iter().cloned()),
        );
    }
    if let Some(p) = table.projection {
        key.push(format!(
            "{} is incomplete: the data run to {} ({} of {} days); projected values scale its counts by {}/{} and are marked as projected.",
            p.year, p.as_of, p.covered_days, p.days_in_year, p.days_in_year, p.covered_days
        ));
    }
    b.push(Block::List(key));

    if let Some(sp) = f.spread {
        spread_blocks(&mut b, sp, f.out);
    }
    if let Some(c) = f.charts {
        b.push(Block::H2("Charts".into()));
        for (name, chart) in &c.bars {
            b.push(Block::Image(format!("charts/{name}"), chart.title.clone()));
        }
    }
    if !f.written.maps.is_empty() || f.charts.and_then(|c| c.sheet.as_ref()).is_some() {
        b.push(Block::H2("Maps".into()));
        if let Some(m) = f.maps {
            b.push(Block::P(format!(
                "{}{}. Every yearly map uses one colour scale (top: {} {}), so equal density is equal colour in every year; the all-years map has its own scale.",
                m.described,
                m.filters,
                format_value(f64::from(m.densities.year_scale.max)),
                m.densities.unit
            )));
        }
        if let Some((name, title)) = f.charts.and_then(|c| c.sheet.as_ref()) {
            b.push(Block::Image(format!("charts/{name}"), title.clone()));
        }
        let all = f
            .written
            .maps
            .iter()
            .find(|p| p.to_string_lossy().ends_with("_all_years.png"));
        if let Some(p) = all {
            b.push(Block::Image(rel(p), format!("{}, all years", cat.label)));
        }
        let links: Vec<(String, String)> = f
            .written
            .maps
            .iter()
            .map(|p| {
                let name = p.file_stem().unwrap_or_default().to_string_lossy();
                let label = year_of(&name).to_string();
                let label = if name.ends_with("all_years") {
                    "all years".to_string()
                } else {
                    label
                };
                (label, rel(p))
            })
            .collect();
        if !links.is_empty() {
            b.push(Block::P("Full-size maps (1600 × 1200, for print):".into()));
            b.push(Block::Links(links));
        }
    }
    if let Some(gif) = f.written.animation.first() {
        b.push(Block::H2("Animation".into()));
        b.push(Block::Image(
            rel(gif),
            format!("{}, year by year, on the maps' colour scale", cat.label),
        ));
        // The APNG and the frame table (the frames follow them).
        let links = f.written.animation[1..]
            .iter()
            .take(2)
            .map(|p| (rel(p), rel(p)))
            .collect();
        b.push(Block::P(
            "Full colour (APNG) and the frame table (period, events, deaths, highest density):"
                .into(),
        ));
        b.push(Block::Links(links));
    }

    if let Some(viewer) = f
        .written
        .tiles
        .iter()
        .find(|p| p.ends_with("tiles/index.html"))
    {
        b.push(Block::H2("Web map".into()));
        let zooms = match f.cfg.tile_zooms {
            Some([a, z]) if a != z => format!("zooms {a}–{z}"),
            Some([a, _]) => format!("zoom {a}"),
            None => "every zoom".into(),
        };
        b.push(Block::P(format!(
            "A zoomable map of the yearly density ({zooms}, on the maps' colour scale) with the zones and the events, year by year. It opens offline from this folder, in any browser.",
        )));
        b.push(Block::Links(vec![(
            format!("Open the web map ({})", rel(viewer)),
            rel(viewer),
        )]));
        let sets: Vec<(String, String)> = f
            .written
            .tiles
            .iter()
            .filter(|p| {
                p.parent().is_some_and(|d| d.ends_with("tiles"))
                    && p.extension()
                        .is_some_and(|e| e == "mbtiles" || e == "pmtiles" || e == "json")
            })
            .map(|p| {
                let stem = p.file_stem().unwrap_or_default().to_string_lossy();
                let label = match p.extension().and_then(|e| e.to_str()) {
                    Some("mbtiles") => format!("{} MBTiles", year_of(&stem)),
                    Some("pmtiles") => format!("{} PMTiles", year_of(&stem)),
                    _ => relative(&f.out.join("tiles"), p),
                };
                (label, rel(p))
            })
            .collect();
        b.push(Block::P(
            "The same tiles, one file per year: MBTiles for QGIS (drag the file onto the map) and tile servers, PMTiles for a static web server; the PNG tiles are in tiles/xyz/YEAR/Z/X/Y.png and tiles.json describes them (zooms, bounds, legend).".into(),
        ));
        b.push(Block::Links(sets));
    }

    b.push(Block::H2("Zone tables".into()));
    b.push(Block::P(
        "Events and deaths per zone, category and year (also in zones.csv, zones.json and zones.md).".into(),
    ));
    let mut zones: Vec<(&str, &str)> = Vec::new();
    for r in &table.rows {
        let z = (r.key.zone_id.as_str(), r.key.zone_name.as_str());
        if !zones.contains(&z) {
            zones.push(z);
        }
    }
    for (id, name) in zones {
        let rows: Vec<_> = table.rows.iter().filter(|r| r.key.zone_id == id).collect();
        let mut head = vec!["Year".to_string()];
        for r in &rows {
            head.push(r.key.category_label.clone());
            head.push(r.key.deaths_label.clone());
        }
        let mut out_rows = Vec::new();
        let mut marked = Vec::new();
        for (i, y) in table.years.iter().enumerate() {
            let mut line = vec![y.to_string()];
            for r in &rows {
                line.push(format_value(r.cells[i].events as f64));
                line.push(format_value(r.cells[i].fatalities as f64));
            }
            out_rows.push(line);
            marked.push(false);
            if let Some(p) = table.projection.filter(|p| p.year == *y) {
                let mut line = vec![format!("{y} projected")];
                for r in &rows {
                    line.push(format_value(p.project(r.cells[i].events).round()));
                    line.push(format_value(p.project(r.cells[i].fatalities).round()));
                }
                out_rows.push(line);
                marked.push(true);
            }
        }
        // The trailing windows after the years, marked like the projection: not years.
        for (i, w) in table.windows.iter().enumerate() {
            let mut line = vec![w.label.clone()];
            for r in &rows {
                line.push(format_value(r.window_cells[i].events as f64));
                line.push(format_value(r.window_cells[i].fatalities as f64));
            }
            out_rows.push(line);
            marked.push(true);
        }
        b.push(Block::Table {
            caption: name.to_string(),
            head,
            rows: out_rows,
            marked,
        });
    }

    if !f.written.layers.is_empty() {
        b.push(Block::H2("GIS layers".into()));
        b.push(Block::P(
            "For QGIS: open conflictmap.qgs (every layer grouped and styled, with the basemap, in the map's CRS; press play in the Temporal Controller to see the years in turn), or drag conflictmap.gpkg onto the map (every vector layer, styled), or a GeoJSON/GeoTIFF file (its .qml style beside it loads with it). The density GeoTIFFs hold the grids of the maps, in the map's CRS.".into(),
        ));
        let links = f
            .written
            .layers
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e != "qml"))
            .map(|p| (rel(p), rel(p)))
            .collect();
        b.push(Block::Links(links));
    }

    b.push(Block::H2("Definitions".into()));
    let mut defs = f.tables.context.notes.clone();
    defs.push(format!(
        "Densities: {}, in {} on a grid of about one map pixel in the map's projection.",
        kernel_note(
            f.maps
                .map_or(crate::analysis::density::Kernel::Quartic, |m| m
                    .densities
                    .kernel),
            cfg.bandwidth_km
        ),
        f.maps
            .map_or("events per 1,000 km²", |m| m.densities.unit.as_str())
    ));
    defs.push("Projection of an incomplete year: count × days in the year / days covered, where coverage runs to the last event date in the data (or --as-of); always shown next to the raw count.".into());
    if let Some([a, z]) = cfg.years {
        defs.push(format!("Years: {a}–{z}."));
    }
    b.push(Block::List(defs));

    b.push(Block::H2("Input".into()));
    let stored = stored_per_file(s);
    b.push(Block::P(format!(
        "{}: {}{}, {} rows read{}, {} events kept, {} rows skipped{}{}.",
        f.input_name,
        s.format
            .map(|d| d.to_string())
            .unwrap_or_else(|| "unknown format".into()),
        if stored.is_empty() {
            String::new()
        } else {
            format!(" ({})", stored.join("; "))
        },
        format_value(s.rows_read as f64),
        if s.rows_merged > 0 {
            format!(
                ", {} merged into the row of the same event (one row per actor)",
                format_value(s.rows_merged as f64)
            )
        } else {
            String::new()
        },
        format_value(s.events_kept as f64),
        format_value(s.skipped_total() as f64),
        if s.outside_country > 0 {
            format!(
                "; {} events lie outside {}",
                format_value(s.outside_country as f64),
                cfg.country
            )
        } else {
            String::new()
        },
        match &s.merged {
            Some(m) => format!(
                "; {} events were in more than one file and are counted once ({} replaced by a newer revision)",
                format_value(m.shared as f64),
                format_value(m.replaced as f64)
            ),
            None => String::new(),
        },
    )));
    let reasons = |m: &std::collections::BTreeMap<crate::input::Problem, u64>| -> Vec<Vec<String>> {
        m.iter()
            .map(|(p, n)| vec![p.describe().to_string(), format_value(*n as f64)])
            .collect()
    };
    for (caption, map) in [
        ("Rows skipped, by reason", &s.skipped),
        ("Rows kept with a warning, by reason", &s.warnings),
    ] {
        if !map.is_empty() {
            let rows = reasons(map);
            b.push(Block::Table {
                caption: caption.into(),
                head: vec!["Reason".into(), "Rows".into()],
                marked: vec![false; rows.len()],
                rows,
            });
        }
    }

    b.push(Block::H2("Credits".into()));
    let mut credits = vec![loaded.attribution()];
    credits.extend(f.setup.boundaries.credits().iter().cloned());
    credits.push(format!(
        "Made with conflictmap {} (study: {}). Every file of this report and its SHA-256 are listed in manifest.json.",
        env!("CARGO_PKG_VERSION"),
        cfg.study
    ));
    b.push(Block::List(credits));
    let mut files: Vec<(String, String)> = f
        .written
        .tables
        .iter()
        .chain(
            f.written
                .charts
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == "json")),
        )
        .map(|p| (rel(p), rel(p)))
        .collect();
    files.push(("manifest.json".into(), "manifest.json".into()));
    b.push(Block::P("Data files:".into()));
    b.push(Block::Links(files));
    if loaded.synthetic {
        b.push(Block::Notice(SYNTHETIC_NOTICE.to_string()));
    }
    b
}

/// "2023" of "militant_islamist_attack_2023".
/// The Spread section: is the violence moving toward the capital and the borders?
fn spread_blocks(b: &mut Vec<Block>, sp: &super::SpreadSection, out: &Path) {
    let rel = |p: &PathBuf| relative(out, p);
    let png = |files: &[PathBuf], name: &str| {
        files
            .iter()
            .find(|p| p.file_name().is_some_and(|n| n == name))
            .map(&rel)
    };
    b.push(Block::H2("Spread".into()));
    b.push(Block::P(format!(
        "{}. Distances are geodesic (WGS84), from each ring's centre and from the border bands' borders, inside the country; the tables count the events and deaths of every year in distance bands.",
        sp.summary.title
    )));
    let s = &sp.summary;
    if let Some(p) = png(&s.files, crate::products::spread::CHART_FILE) {
        b.push(Block::Image(p, "Events per year in distance bands".into()));
    }
    if let Some(p) = png(&sp.expansion.files, crate::products::spread::EXPANSION_MAP) {
        b.push(Block::Image(p, sp.expansion.legend_title.clone()));
    }
    if let Some(c) = &sp.change
        && let Some(p) = png(&c.files, crate::products::spread::CHANGE_MAP)
    {
        b.push(Block::Image(
            p,
            format!("Change in density, {} ({})", c.compare, c.unit),
        ));
    }
    if let Some(c) = &sp.choropleths {
        b.push(Block::P(format!(
            "Choropleths: events per 1,000 km² in each region and cercle, year by year, on one classed scale for every year (classes: {}); areas are geodesic (WGS84).{}",
            c.method,
            c.sentence.as_ref().map(|s| format!(" {s}")).unwrap_or_default()
        )));
        for l in &c.levels {
            if let Some(p) = png(&c.files, &l.sheet) {
                b.push(Block::Image(
                    p,
                    format!("Events per 1,000 km² by {}, year by year", l.level),
                ));
            }
        }
    }
    let links: Vec<(String, String)> = s
        .files
        .iter()
        .chain(&sp.expansion.files)
        .chain(sp.change.iter().flat_map(|c| &c.files))
        .chain(sp.choropleths.iter().flat_map(|c| &c.files))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e != "png" && e != "svg" && e != "pdf")
        })
        .map(|p| {
            let r = rel(p);
            (r.clone(), r)
        })
        .collect();
    b.push(Block::Links(links));
}

fn year_of(stem: &str) -> &str {
    stem.rsplit('_').next().unwrap_or(stem)
}

/// HTML-escapes text. (Five replacements; not worth a dependency.)
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

const CSS: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1d1d1d;line-height:1.45}\
h1{font-size:1.9em;margin-bottom:.2em}h2{border-bottom:1px solid #b3afa6;padding-bottom:.2em;margin-top:1.8em}\
img{max-width:100%;border:1px solid #d8d4cc;margin:.5em 0}figure{margin:1em 0}figcaption{color:#6d6962;font-size:.9em}\
.notice{background:#c1121f;color:#fff;font-weight:bold;padding:.5em .8em}\
table{border-collapse:collapse;font-size:.82em;margin:.5em 0 1.5em;display:block;max-width:100%;overflow-x:auto}caption{text-align:left;font-weight:bold;padding:.3em 0}\
th,td{border:1px solid #d8d4cc;padding:.2em .5em;text-align:right}th:first-child,td:first-child{text-align:left}\
th{background:#f3f1ec}tr.projected td{font-style:italic;background:#fbf7ef}\
ul.links{columns:3;list-style:none;padding-left:0}ul.links li{overflow-wrap:anywhere}.meta{color:#6d6962}";

fn html(title: &str, blocks: &[Block]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(title),
        esc(title)
    );
    for b in blocks {
        match b {
            Block::H2(t) => {
                let _ = writeln!(s, "<h2>{}</h2>", esc(t));
            }
            Block::P(t) => {
                let _ = writeln!(s, "<p>{}</p>", esc(t));
            }
            Block::Notice(t) => {
                let _ = writeln!(s, "<p class=\"notice\">{}</p>", esc(t));
            }
            Block::List(items) => {
                s.push_str("<ul>\n");
                for i in items {
                    let _ = writeln!(s, "<li>{}</li>", esc(i));
                }
                s.push_str("</ul>\n");
            }
            Block::Links(items) => {
                s.push_str("<ul class=\"links\">\n");
                for (label, href) in items {
                    let _ = writeln!(s, "<li><a href=\"{}\">{}</a></li>", esc(href), esc(label));
                }
                s.push_str("</ul>\n");
            }
            Block::Image(src, caption) => {
                let _ = writeln!(
                    s,
                    "<figure><a href=\"{0}\"><img src=\"{0}\" alt=\"{1}\"></a><figcaption>{1}</figcaption></figure>",
                    esc(src),
                    esc(caption)
                );
            }
            Block::Table {
                caption,
                head,
                rows,
                marked,
            } => {
                let _ = writeln!(s, "<table>\n<caption>{}</caption>", esc(caption));
                s.push_str("<thead><tr>");
                for h in head {
                    let _ = write!(s, "<th>{}</th>", esc(h));
                }
                s.push_str("</tr></thead>\n<tbody>\n");
                for (r, m) in rows.iter().zip(marked) {
                    s.push_str(if *m {
                        "<tr class=\"projected\">"
                    } else {
                        "<tr>"
                    });
                    for c in r {
                        let _ = write!(s, "<td>{}</td>", esc(c));
                    }
                    s.push_str("</tr>\n");
                }
                s.push_str("</tbody>\n</table>\n");
            }
        }
    }
    s.push_str("</body>\n</html>\n");
    s
}

/// Markdown table cells: pipes escaped.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn markdown(title: &str, blocks: &[Block]) -> String {
    let mut s = format!("# {title}\n\n");
    for b in blocks {
        match b {
            Block::H2(t) => {
                let _ = writeln!(s, "## {t}\n");
            }
            Block::P(t) => {
                let _ = writeln!(s, "{t}\n");
            }
            Block::Notice(t) => {
                let _ = writeln!(s, "> **{t}**\n");
            }
            Block::List(items) => {
                for i in items {
                    let _ = writeln!(s, "- {i}");
                }
                s.push('\n');
            }
            Block::Links(items) => {
                for (label, href) in items {
                    let _ = writeln!(s, "- [{label}]({href})");
                }
                s.push('\n');
            }
            Block::Image(src, caption) => {
                let _ = writeln!(s, "![{caption}]({src})\n\n*{caption}*\n");
            }
            Block::Table {
                caption,
                head,
                rows,
                marked,
            } => {
                let _ = writeln!(s, "**{}**\n", md_cell(caption));
                let _ = writeln!(
                    s,
                    "| {} |",
                    head.iter()
                        .map(|h| md_cell(h))
                        .collect::<Vec<_>>()
                        .join(" | ")
                );
                let _ = writeln!(
                    s,
                    "|{}",
                    head.iter()
                        .enumerate()
                        .map(|(i, _)| if i == 0 { "---|" } else { "---:|" })
                        .collect::<String>()
                );
                for (r, m) in rows.iter().zip(marked) {
                    let cells: Vec<String> = r
                        .iter()
                        .map(|c| {
                            if *m {
                                format!("*{}*", md_cell(c))
                            } else {
                                md_cell(c)
                            }
                        })
                        .collect();
                    let _ = writeln!(s, "| {} |", cells.join(" | "));
                }
                s.push('\n');
            }
        }
    }
    s
}

/// Writes report.html and report.md to the output folder.
pub fn write(f: &Facts) -> Result<Vec<PathBuf>> {
    let b = blocks(f);
    let html_path = f.out.join("report.html");
    write_bytes_atomic(&html_path, html(&f.cfg.title, &b).as_bytes())?;
    let md_path = f.out.join("report.md");
    write_bytes_atomic(&md_path, markdown(&f.cfg.title, &b).as_bytes())?;
    Ok(vec![html_path, md_path])
}
