//! The event filters every product shares (event types, location precision).

use crate::model::{Event, EventSet};
use crate::run::Filter;

/// True if the event passes the filter's event types and minimum precision (the years
/// are checked by each product, which may count other periods too).
pub fn passes(e: &Event, set: &EventSet, f: &Filter) -> bool {
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
