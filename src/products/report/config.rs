//! The report's settings: the study's `[report]` section with the command-line flags
//! laid over it, checked against the study's categories. Recorded in the manifest.

use serde::Serialize;

use super::ReportOptions;
use crate::analysis::density::Kernel;
use crate::error::{Error, Result};
use crate::model::ImageFormat;
use crate::model::study::Product;
use crate::products::density::Weight;
use crate::run::Setup;

#[derive(Debug, Clone, Serialize)]
pub struct ReportConfig {
    pub study: String,
    pub country: String,
    pub title: String,
    /// None: the years in the data.
    pub years: Option<[i32; 2]>,
    pub category: String,
    pub civilians_category: Option<String>,
    pub style: String,
    pub extent: String,
    pub products: Vec<Product>,
    /// Image formats of the maps and charts (listed only when not just PNG).
    #[serde(skip_serializing_if = "png_only")]
    pub formats: Vec<ImageFormat>,
    /// Zooms of the web tiles (when they are made).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tile_zooms: Option<[u8; 2]>,
    /// A print layout in the QGIS project (listed only when made).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub qgis_layout: bool,
    pub as_of: Option<String>,
    pub weight: String,
    pub kernel: String,
    pub bandwidth_km: f64,
    pub event_types: Vec<String>,
    pub min_precision: Option<u8>,
    /// The study's zones as declared.
    pub zones: crate::model::study::ZonesConfig,
    /// Category ids and labels, in table order.
    pub categories: Vec<[String; 2]>,
}

impl ReportConfig {
    pub fn resolve(setup: &Setup, args: &ReportOptions) -> Result<ReportConfig> {
        let spec = &setup.study.report;
        let cats = &setup.categories;
        let known = || -> String {
            cats.list()
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let check = |id: &str, flag: &str| -> Result<String> {
            match cats.index_of(id) {
                Some(_) => Ok(id.to_string()),
                None => Err(Error::Usage(format!(
                    "{flag} {id}: no such category; known: {}",
                    known()
                ))),
            }
        };
        let category = match args.category_id.as_deref().or(spec.category.as_deref()) {
            Some(id) => check(id, "--category (or [report] category)")?,
            None => cats
                .list()
                .first()
                .map(|c| c.id.clone())
                .ok_or_else(|| Error::Usage("the study has no categories".into()))?,
        };
        let civilians_category = match args
            .civilians_category
            .as_deref()
            .or(spec.civilians_category.as_deref())
        {
            Some(id) => Some(check(
                id,
                "--civilians-category (or [report] civilians_category)",
            )?),
            None => None,
        };
        let label = &cats.list()[cats.index_of(&category).expect("checked")].label;
        let title = args
            .title
            .clone()
            .or(spec.title.clone())
            .unwrap_or_else(|| format!("{label} in {}", setup.boundaries.name()));
        let mut products = if !args.products.is_empty() {
            args.products.clone()
        } else {
            spec.products.clone().unwrap_or(Product::DEFAULT.to_vec())
        };
        if args.tiles {
            products.push(Product::Tiles);
        }
        products.sort();
        products.dedup();
        Ok(ReportConfig {
            study: setup.study.study.name.clone(),
            country: setup.boundaries.name().to_string(),
            title,
            years: args.filter.years.map(|(a, b)| [a, b]).or(spec.years),
            category,
            civilians_category,
            style: args
                .style
                .clone()
                .or(spec.style.clone())
                .unwrap_or_else(|| "report".into()),
            extent: args
                .extent
                .clone()
                .or(spec.extent.clone())
                .unwrap_or_else(|| "country".into()),
            formats: {
                let mut f = if !args.formats.is_empty() {
                    args.formats.clone()
                } else {
                    spec.formats.clone().unwrap_or(vec![ImageFormat::Png])
                };
                f.sort();
                f.dedup();
                f
            },
            tile_zooms: products
                .contains(&Product::Tiles)
                .then_some([args.tile_zooms.0, args.tile_zooms.1]),
            products,
            qgis_layout: args.qgis_layout || spec.qgis_layout.unwrap_or(false),
            as_of: args.as_of.map(|d| d.to_string()),
            weight: match args.weight {
                Weight::Events => "events",
                Weight::Fatalities => "fatalities",
            }
            .into(),
            kernel: match args.kernel {
                Kernel::Quartic => "quartic",
                Kernel::Gaussian => "gaussian",
            }
            .into(),
            bandwidth_km: args.bandwidth_km,
            event_types: args.filter.event_types.clone(),
            min_precision: args.filter.min_precision,
            zones: setup.study.zones.clone(),
            categories: cats
                .list()
                .iter()
                .map(|c| [c.id.clone(), c.label.clone()])
                .collect(),
        })
    }

    pub fn wants(&self, p: Product) -> bool {
        self.products.contains(&p)
    }
}

fn png_only(f: &[ImageFormat]) -> bool {
    f == [ImageFormat::Png]
}
