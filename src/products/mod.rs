//! The products: each a library function of one loaded [`crate::run::Run`] and its own
//! options (plain structs with defaults), returning what it wrote. The command line only
//! maps its flags onto these options; `report` calls the same functions.
//!
//! Where things go: a new product is a module here (analysis in `crate::analysis`,
//! drawing in `crate::render`, file formats in `crate::output`); what several products
//! share is computed once by the run (`Run::zoned`, `Run::maps`).

pub mod animation;
pub mod choropleth;
pub mod density;
pub mod event_tiles;
pub mod layers;
pub mod maps;
pub mod report;
pub mod spread;
pub mod tables;
pub mod tiles;
mod viewer;

/// "Militant Islamist attacks" → "militant Islamist attacks", for a category label inside
/// a sentence (proper names keep their capitals).
pub(crate) fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}
