//! `conflictmap spread`: maps the arguments to [`crate::products::spread`] options, runs
//! it on the loaded events and prints the key sentences.

use crate::cli::args::SpreadArgs;
use crate::error::Result;
use crate::products::choropleth::{self, ChoroplethOptions};
use crate::products::density::{self, DensityOptions, ViewOptions};
use crate::products::maps::MapOptions;
use crate::products::spread::{self, ChangeOptions, ExpansionOptions, ImageOptions, SpreadOptions};
use crate::run::Run;
use crate::units::Km;

pub fn run(args: &SpreadArgs) -> Result<()> {
    let run = Run::load(&args.study.options(), &args.events.without_ids())?;
    let loaded = &run.loaded;
    let image = ImageOptions {
        formats: args.image.formats(),
        svg_text: args.image.svg_text,
    };
    let view = ViewOptions {
        style: args.style.clone(),
        extent: args.extent.clone(),
    };
    let style = density::style(&view)?;
    // Flags override the study's [spread] section, which overrides the built-in defaults.
    let study = SpreadOptions::for_study(&run.setup.study)?;
    let opts = SpreadOptions {
        out: args.out.clone(),
        categories: args.category_ids.clone(),
        headline: args.headline.clone(),
        centres: args.centres.clone(),
        centre_bands: args.bands.clone().unwrap_or(study.centre_bands),
        border_bands: args.border_bands.clone().unwrap_or(study.border_bands),
        within: match args.within.is_empty() {
            true => study.within,
            false => args.within.iter().filter_map(|k| Km::new(*k)).collect(),
        },
        years: args.filter.years,
        event_types: args.filter.event_types.clone(),
        min_precision: args.filter.min_precision,
        style,
        image: image.clone(),
    };
    let s = spread::write(&run, &opts)?;
    // The expansion and change maps: densities of the headline category, as `maps`
    // computes them.
    let map = MapOptions {
        view,
        density: DensityOptions {
            category_id: s.headline.0.clone(),
            bandwidth_km: args.bandwidth_km,
            ..DensityOptions::default()
        },
        filter: args.filter.options(),
        scale: args.scale,
    };
    let map_set = run.maps(&map)?;
    let dpi = (args.scale >= 2).then_some(300);
    let expansion = spread::write_expansion(
        loaded,
        &map_set,
        &ExpansionOptions {
            out: args.out.clone(),
            threshold: args.threshold,
            dpi,
            image: image.clone(),
        },
    )?;
    let change = spread::write_change(
        loaded,
        &map_set,
        &ChangeOptions {
            out: args.out.clone(),
            compare: args.compare,
            dpi,
            image: image.clone(),
        },
    )?;
    let choropleths = match args.no_choropleth {
        true => None,
        false => {
            let c = choropleth::write(
                &run,
                &map_set,
                &ChoroplethOptions {
                    out: args.out.clone(),
                    image,
                },
            )?;
            if c.is_none() {
                eprintln!("No choropleth: the study has neither regions nor cercles.");
            }
            c
        }
    };
    eprint!("{}", loaded.read.summary);
    if change.is_none() {
        eprintln!(
            "No change map: the data have no two full years to compare by default (--compare picks periods)."
        );
    }
    let choropleth_sentence = choropleths.as_ref().and_then(|c| c.sentence.as_ref());
    for line in s
        .sentences
        .iter()
        .chain(&expansion.sentence)
        .chain(choropleth_sentence)
    {
        println!("{line}");
    }
    let names: Vec<String> = s
        .files
        .iter()
        .chain(&expansion.files)
        .chain(change.iter().flat_map(|c| &c.files))
        .chain(choropleths.iter().flat_map(|c| &c.files))
        .map(|p| p.display().to_string())
        .collect();
    eprintln!("Wrote {}", names.join(", "));
    Ok(())
}
