//! The `[report]` section of a study: what `conflictmap report` makes by default.
//! Command-line flags override every key.
//!
//! ```toml
//! [report]
//! title = "Militant Islamist violence in Mali"
//! years = [2019, 2024]          # default: the years in the data
//! category = "militant_islamist_attack"   # mapped and charted (default: the first category)
//! civilians_category = "state_violence_against_civilians"   # its own chart (optional)
//! style = "report"              # "report", "dark" or a style file
//! extent = "country"            # "country", a named extent of the style, or W,S,E,N
//! products = ["zones", "maps", "layers", "charts", "animation", "spread", "page"]
//! # add "tiles" for the web tiles and their offline viewer (as `report --tiles`)
//! formats = ["png", "svg", "pdf"]  # maps and charts (default: png)
//! qgis_layout = true            # a print layout in the QGIS project (default: none)
//! ```

use serde::{Deserialize, Serialize};

/// One product of `conflictmap report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Product {
    /// Zone tables: zones.csv, zones.json, zones.md.
    Zones,
    /// Yearly heatmap maps and the all-years map (maps/).
    Maps,
    /// GIS layers (layers/): GeoJSON, GeoPackage, GeoTIFF, QGIS styles.
    Layers,
    /// Bar charts and the small-multiples sheet of the yearly maps (charts/).
    Charts,
    /// The yearly maps as an animated GIF and APNG with their frames (animation/).
    Animation,
    /// Distance profiles to the rings' centres and the borders, the expansion and change
    /// maps (spread/).
    Spread,
    /// Web map tiles (tiles/): XYZ folders, MBTiles, PMTiles and the offline viewer.
    /// Not made by default (thousands of small files): `report --tiles` or
    /// `products = [..., "tiles"]`.
    Tiles,
    /// The report page: report.html and report.md.
    Page,
}

impl Product {
    /// Every product, in the order they are made.
    pub const ALL: [Product; 8] = [
        Product::Zones,
        Product::Maps,
        Product::Layers,
        Product::Charts,
        Product::Animation,
        Product::Spread,
        Product::Tiles,
        Product::Page,
    ];

    /// What a report makes when neither the study nor the command line says: every
    /// product but the tiles.
    pub const DEFAULT: [Product; 7] = [
        Product::Zones,
        Product::Maps,
        Product::Layers,
        Product::Charts,
        Product::Animation,
        Product::Spread,
        Product::Page,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Product::Zones => "zones",
            Product::Maps => "maps",
            Product::Layers => "layers",
            Product::Charts => "charts",
            Product::Animation => "animation",
            Product::Spread => "spread",
            Product::Tiles => "tiles",
            Product::Page => "page",
        }
    }
}

impl std::str::FromStr for Product {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Product::ALL
            .into_iter()
            .find(|p| p.id() == s.trim())
            .ok_or_else(|| {
                let ids: Vec<&str> = Product::ALL.iter().map(|p| p.id()).collect();
                format!("\"{s}\" is not a product; known: {}", ids.join(", "))
            })
    }
}

/// The image formats of maps and charts.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    clap::ValueEnum,
    serde::Deserialize,
    serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    /// PNG (raster).
    Png,
    /// SVG: vector shapes, text as text, layers as named groups; the density an embedded
    /// PNG at its grid's resolution.
    Svg,
    /// PDF: one page at the print size, fonts embedded, text selectable.
    Pdf,
}

impl ImageFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Svg => "svg",
            ImageFormat::Pdf => "pdf",
        }
    }
}

/// The `[report]` section. Every key is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSpec {
    /// The report's title (default: "<category> in <country>").
    pub title: Option<String>,
    /// First and last year (default: the years in the data).
    pub years: Option<[i32; 2]>,
    /// The category mapped and charted (default: the first category).
    pub category: Option<String>,
    /// A second category charted per year in the whole country (e.g. state violence
    /// against civilians). None: no such chart.
    pub civilians_category: Option<String>,
    /// Map style: "report", "dark" or a style file.
    pub style: Option<String>,
    /// Map extent: "country", a named extent of the style, or W,S,E,N.
    pub extent: Option<String>,
    /// The products to make (default: all of them but tiles).
    pub products: Option<Vec<Product>>,
    /// Image formats of the maps and charts (default: png).
    pub formats: Option<Vec<ImageFormat>>,
    /// A print layout in the layers' QGIS project (default: none).
    pub qgis_layout: Option<bool>,
}

impl ReportSpec {
    /// Checks what serde cannot.
    pub fn check(&self) -> Result<(), String> {
        if let Some([a, b]) = self.years
            && a > b
        {
            return Err(format!("report.years: {a} is after {b}"));
        }
        if let Some(p) = &self.products
            && p.is_empty()
        {
            return Err("report.products is empty".into());
        }
        if let Some(f) = &self.formats
            && f.is_empty()
        {
            return Err("report.formats is empty (png, svg, pdf)".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_an_empty_list_is_refused() {
        let spec: ReportSpec = toml::from_str("formats = [\"svg\", \"pdf\"]").unwrap();
        assert_eq!(spec.formats, Some(vec![ImageFormat::Svg, ImageFormat::Pdf]));
        assert!(toml::from_str::<ReportSpec>("formats = [\"tiff\"]").is_err());
        let empty: ReportSpec = toml::from_str("formats = []").unwrap();
        assert!(empty.check().unwrap_err().contains("formats"));
    }

    #[test]
    fn a_qgis_layout_is_asked_for_by_name() {
        let spec: ReportSpec = toml::from_str("qgis_layout = true").unwrap();
        assert_eq!(spec.qgis_layout, Some(true));
        assert_eq!(ReportSpec::default().qgis_layout, None);
    }

    #[test]
    fn tiles_is_a_product_but_not_a_default_one() {
        assert_eq!("tiles".parse::<Product>(), Ok(Product::Tiles));
        assert_eq!(" tiles ".parse::<Product>(), Ok(Product::Tiles));
        assert!(Product::ALL.contains(&Product::Tiles));
        assert!(!Product::DEFAULT.contains(&Product::Tiles));
        // Every id parses back to its product; DEFAULT is ALL without the tiles.
        for p in Product::ALL {
            assert_eq!(p.id().parse::<Product>(), Ok(p));
        }
        let no_tiles: Vec<Product> = Product::ALL
            .into_iter()
            .filter(|p| *p != Product::Tiles)
            .collect();
        assert_eq!(no_tiles, Product::DEFAULT);
        let err = "tile".parse::<Product>().unwrap_err();
        assert!(err.contains("tiles") && err.contains("\"tile\""), "{err}");
    }

    #[test]
    fn tiles_in_the_study_products() {
        let spec: ReportSpec = toml::from_str(r#"products = ["maps", "tiles", "page"]"#).unwrap();
        assert_eq!(
            spec.products,
            Some(vec![Product::Maps, Product::Tiles, Product::Page])
        );
        assert!(toml::from_str::<ReportSpec>(r#"products = ["tile"]"#).is_err());
    }
}
