//! The command line's arguments mapped onto the library's options: the only bridge
//! between clap's types and the products.

use crate::analysis::periods::{Step, Window};
use crate::cli::args::{
    AnimateArgs, DensityArgs, EventArgs, FilterArgs, LayersArgs, MapsArgs, ReportArgs, StepArg,
    StudyArgs, TilesArgs, ViewArgs, WindowArg, ZonesArgs,
};
use crate::products::animation::AnimationOptions;
use crate::products::density::{DensityOptions, ViewOptions};
use crate::products::layers::LayersOptions;
use crate::products::maps::{MapOptions, MapsOptions};
use crate::products::report::ReportOptions;
use crate::products::tables::TablesOptions;
use crate::products::tiles::TilesOptions;
use crate::run::{EventOptions, Filter, StudyOptions, ZoneOverrides};

impl StudyArgs {
    pub fn options(&self) -> StudyOptions {
        StudyOptions {
            study: self.study.clone(),
            outline: self.outline.clone(),
            outline_where: self.outline_where.clone(),
            country_name: self.country_name.clone(),
            country_iso3: self.country_iso3.clone(),
            adm1: self.adm1.clone(),
            adm2: self.adm2.clone(),
            neighbours: self.neighbours.clone(),
            borders: self.borders.clone(),
            places: self.places.clone(),
            categories: self.categories.clone(),
            zones: ZoneOverrides::default(),
        }
    }
}

impl EventArgs {
    pub fn options(&self) -> EventOptions {
        EventOptions {
            files: self.events.clone(),
            sheet: self.sheet.clone(),
            format: self.format,
            strict: self.strict,
            keep_outside: self.keep_outside,
            country_by: self.country_by,
            diagnostics: self.diagnostics.clone(),
            show_problems: self.show_problems,
            hash_inputs: false,
            details: false,
            ids: true,
        }
    }

    /// [`Self::options`] for a command that prints no event ids: they are not kept
    /// once read.
    pub fn without_ids(&self) -> EventOptions {
        EventOptions {
            ids: false,
            ..self.options()
        }
    }
}

impl FilterArgs {
    pub fn options(&self) -> Filter {
        Filter {
            years: self.years,
            event_types: self.event_types.clone(),
            min_precision: self.min_precision,
        }
    }
}

impl DensityArgs {
    pub fn options(&self) -> DensityOptions {
        DensityOptions {
            category_id: self.category_id.clone(),
            weight: self.weight,
            bandwidth_km: self.bandwidth_km,
            kernel: self.kernel,
            cell_km: self.cell_km,
            max: self.max,
        }
    }
}

impl ViewArgs {
    pub fn options(&self) -> ViewOptions {
        ViewOptions {
            style: self.style.clone(),
            extent: self.extent.clone(),
        }
    }
}

impl ZonesArgs {
    /// The study with the zone sizes of `--ring-km --band-km --band-neighbours`.
    pub fn study_options(&self) -> StudyOptions {
        StudyOptions {
            zones: ZoneOverrides {
                ring_km: self.ring_km,
                band_km: self.band_km,
                band_neighbours: self.band_neighbours.clone(),
            },
            ..self.study.options()
        }
    }

    pub fn options(&self) -> TablesOptions {
        TablesOptions {
            filter: self.filter.options(),
            category_ids: self.category_ids.clone(),
            as_of: self.as_of,
            window_months: self.window_months,
            out: self.out.clone(),
        }
    }
}

/// The map set of the view, density and filter arguments, at pixel scale `scale`.
fn map_options(
    view: &ViewArgs,
    density: &DensityArgs,
    filter: &FilterArgs,
    scale: u32,
) -> MapOptions {
    MapOptions {
        view: view.options(),
        density: density.options(),
        filter: filter.options(),
        scale,
    }
}

impl MapsArgs {
    pub fn options(&self) -> MapsOptions {
        MapsOptions {
            map: map_options(&self.view, &self.density, &self.filter, self.scale),
            points: self.points,
            formats: self.image.formats(),
            svg_text: self.image.svg_text,
            out: self.out.clone(),
        }
    }
}

impl LayersArgs {
    pub fn options(&self) -> LayersOptions {
        LayersOptions {
            map: map_options(&self.view, &self.density, &self.filter, 1),
            out: self.out.clone(),
            qgis_layout: self.qgis_layout,
        }
    }
}

impl AnimateArgs {
    pub fn options(&self) -> AnimationOptions {
        AnimationOptions {
            view: self.view.options(),
            density: self.density.options(),
            filter: self.filter.options(),
            step: match self.step {
                StepArg::Year => Step::Year,
                StepArg::Quarter => Step::Quarter,
                StepArg::Month => Step::Month,
            },
            window: match self.window {
                WindowArg::Step => Window::Step,
                WindowArg::Cumulative => Window::Cumulative,
                WindowArg::Rolling => Window::Rolling {
                    months: self.window_months,
                },
            },
            trail: self.trail,
            width: self.width,
            delay_ms: self.delay_ms,
            hold_ms: self.hold_ms,
            loops: self.loops,
            out: self.out.clone(),
        }
    }
}

impl TilesArgs {
    pub fn options(&self) -> TilesOptions {
        TilesOptions {
            view: self.view.options(),
            density: self.density.options(),
            filter: self.filter.options(),
            zooms: self.zooms,
            formats: self.formats.clone(),
            tile_size: self.tile_size,
            overlays: self.overlays,
            viewer: !self.no_viewer,
            out: self.out.clone(),
        }
    }
}

impl ReportArgs {
    pub fn options(&self) -> ReportOptions {
        ReportOptions {
            title: self.title.clone(),
            category_id: self.category_id.clone(),
            civilians_category: self.civilians_category.clone(),
            style: self.style.clone(),
            extent: self.extent.clone(),
            products: self.products.clone(),
            formats: self.image.formats(),
            svg_text: self.image.svg_text,
            tiles: self.tiles,
            qgis_layout: self.qgis_layout,
            tile_zooms: self.tile_zooms,
            as_of: self.as_of,
            window_months: self.window_months,
            weight: self.weight,
            bandwidth_km: self.bandwidth_km,
            kernel: self.kernel,
            filter: self.filter.options(),
            out: self.out.clone(),
        }
    }
}
