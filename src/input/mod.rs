//! Reading event files (ACLED, UCDP GED, GeoJSON) into the [`crate::model::Event`] model.

pub mod diagnostics;
pub mod territory;

pub use diagnostics::{Diagnostic, Outcome, Problem, ReadSummary};
pub use territory::{BoxTerritory, Territory};
