//! What the readers need to know about the study country: whether a point is inside it.
//! Used to report events outside the country and apparently swapped coordinates.
//! [`crate::model::Boundaries`] implements it; tests can use a simple box.

use crate::units::LonLat;

pub trait Territory: Sync {
    /// The country's name, for messages ("outside Mali").
    fn name(&self) -> &str;
    /// True if `p` lies inside the country (boundary included).
    fn contains(&self, p: LonLat) -> bool;
    /// How far `p` lies outside the country, km (0 inside), if known and not too far to
    /// say. Only asked for the few events coded as the country outside its outline.
    fn km_outside(&self, _p: LonLat) -> Option<f64> {
        None
    }
    /// A hint that [`Self::contains`] will soon be asked about `p` (see
    /// [`crate::cache`]); changes nothing but timing.
    fn prefetch(&self, _p: LonLat) {}
}

/// A lon/lat box, for tests and for quick studies without an outline.
#[derive(Debug, Clone)]
pub struct BoxTerritory {
    pub name: String,
    pub min: LonLat,
    pub max: LonLat,
}

impl Territory for BoxTerritory {
    fn name(&self) -> &str {
        &self.name
    }

    fn contains(&self, p: LonLat) -> bool {
        (self.min.lon()..=self.max.lon()).contains(&p.lon())
            && (self.min.lat()..=self.max.lat()).contains(&p.lat())
    }
}
