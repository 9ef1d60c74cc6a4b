//! The event filters shared by the commands (`--event-types`, `--min-precision`).

use crate::cli::args::FilterArgs;
use crate::model::{Event, EventSet};

/// True if the event passes `--event-types` and `--min-precision`.
pub fn passes(e: &Event, set: &EventSet, f: &FilterArgs) -> bool {
    let type_ok = f.event_types.is_empty()
        || f.event_types
            .iter()
            .any(|t| t.trim().eq_ignore_ascii_case(set.str(e.event_type)));
    let precision_ok = match f.min_precision {
        None | Some(3) => true,
        Some(max) => e.geo_precision.is_some_and(|p| p <= max),
    };
    type_ok && precision_ok
}
