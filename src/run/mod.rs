//! One loaded run: the resolved study (boundaries, zones, categories), the events read and
//! classified once, and what several products share computed on demand, once (zone
//! membership, the map set of yearly density grids with their colour scale). Every
//! product (`crate::products`) is a function of a [`Run`] and its own options.
//!
//! Where things go: a new *input format* is read in `crate::input` and lands in the
//! [`Loaded`] events; a new *product* is a module of `crate::products` taking `&Run`;
//! options are plain structs here or in the product's module, never command-line types.

mod filter;
mod hash;
mod load;
mod options;
mod stopwatch;

use std::sync::{Arc, Mutex, OnceLock};

use crate::analysis::zones::{self, Membership, Zone};
use crate::error::Result;
use crate::model::CercleId;
use crate::products::maps::{MapOptions, MapSet};

pub use filter::passes;
pub use hash::{InputHash, hash_inputs, hex};
pub use load::{
    Loaded, SAMPLE_FILE, Setup, load_events, load_events_timed, named_synthetic, sample_bytes,
    setup,
};
pub use options::{EventOptions, Filter, StudyOptions, ZoneOverrides};
pub use stopwatch::{Stage, Stopwatch};

/// The study's zones, resolved, and the zones each event is in.
#[derive(Clone, Copy)]
pub struct Zoned<'a> {
    pub zones: &'a [Zone],
    pub membership: &'a Membership,
}

/// A study and its events, loaded once; products borrow it.
pub struct Run {
    pub setup: Setup,
    pub loaded: Loaded,
    zones: OnceLock<Vec<Zone>>,
    membership: OnceLock<Membership>,
    cercles: OnceLock<Vec<Option<CercleId>>>,
    maps: Mutex<Vec<(MapOptions, Arc<MapSet>)>>,
    stopwatch: Mutex<Stopwatch>,
}

impl Run {
    /// Resolves the study and reads, classifies and places the events. Laps "setup",
    /// "read" and "classify" on the run's stopwatch.
    pub fn load(study: &StudyOptions, events: &EventOptions) -> Result<Run> {
        Run::load_with(study, |_| Ok(events.clone()))
    }

    /// [`Run::load`] with the event options chosen once the study is resolved (the
    /// report reads the events' details only if the study's products include the
    /// layers).
    pub fn load_with(
        study: &StudyOptions,
        events: impl FnOnce(&Setup) -> Result<EventOptions>,
    ) -> Result<Run> {
        let mut sw = Stopwatch::new();
        let setup = setup(study)?;
        sw.lap("setup");
        let events = events(&setup)?;
        let loaded = load::load_events_timed(&setup, &events, &mut sw)?;
        Ok(Run::with_stopwatch(setup, loaded, sw))
    }

    /// A run of a study and events loaded elsewhere.
    pub fn new(setup: Setup, loaded: Loaded) -> Run {
        Run::with_stopwatch(setup, loaded, Stopwatch::new())
    }

    fn with_stopwatch(setup: Setup, loaded: Loaded, sw: Stopwatch) -> Run {
        Run {
            setup,
            loaded,
            zones: OnceLock::new(),
            membership: OnceLock::new(),
            cercles: OnceLock::new(),
            maps: Mutex::new(Vec::new()),
            stopwatch: Mutex::new(sw),
        }
    }

    /// The study's zones, resolved (once).
    pub fn zones(&self) -> Result<&[Zone]> {
        if self.zones.get().is_none() {
            let z = zones::resolve(&self.setup.study.zones, &self.setup.boundaries)?;
            let _ = self.zones.set(z);
        }
        Ok(self.zones.get().expect("set above"))
    }

    /// Per event: its cercle (found once, on first use: only the layers and the
    /// choropleths ask, and at ten million events the search takes a tenth of a second
    /// on two cores). Laps "cercles" then.
    pub fn cercles(&self) -> &[Option<CercleId>] {
        if self.cercles.get().is_none() {
            let (b, loaded) = (&self.setup.boundaries, &self.loaded);
            let mut cercles = b.cercles_of_places(&loaded.places, &loaded.place_positions());
            // As the regions at load: coded events get the nearest cercle.
            let events = &loaded.read.events.events;
            load::place_coded(events, &mut cercles, |p| b.cercle_of_coded(p));
            let _ = self.cercles.set(cercles);
            self.lap("cercles");
        }
        self.cercles.get().expect("set above")
    }

    /// The zones and the zones each event is in (computed once, on first use; laps
    /// "zones" then).
    pub fn zoned(&self) -> Result<Zoned<'_>> {
        let zones = self.zones()?;
        if self.membership.get().is_none() {
            let regions = &self.loaded.regions;
            let verdicts = self.loaded.verdicts();
            let membership = zones::apply_places(
                zones,
                &self.setup.boundaries,
                &self.loaded.places,
                &self.loaded.place_positions(),
                regions,
                zones::InsideCountry::Verdicts(&verdicts),
            );
            let _ = self.membership.set(membership);
            self.lap("zones");
        }
        Ok(Zoned {
            zones,
            membership: self.membership.get().expect("set above"),
        })
    }

    /// The map set of `opts` (view, yearly densities on one grid, colour scales),
    /// computed once per distinct options and shared by the maps, the layers and the
    /// charts. Laps "basemap", "grid" and "density" when computed.
    pub fn maps(&self, opts: &MapOptions) -> Result<Arc<MapSet>> {
        let mut cache = self.maps.lock().expect("map cache");
        if let Some((_, m)) = cache.iter().find(|(o, _)| o == opts) {
            return Ok(m.clone());
        }
        let m = Arc::new(MapSet::prepare(self, opts)?);
        cache.push((opts.clone(), m.clone()));
        Ok(m)
    }

    /// Ends the current stage of the run's stopwatch under `name` (for `bench`).
    pub fn lap(&self, name: &str) {
        self.stopwatch.lock().expect("stopwatch").lap(name);
    }

    /// The stages timed so far.
    pub fn stages(&self) -> Vec<Stage> {
        self.stopwatch.lock().expect("stopwatch").stages().to_vec()
    }

    /// The data attribution and the boundaries' credits, printed under every map.
    pub fn credits(&self) -> Vec<String> {
        let mut c = vec![self.loaded.attribution()];
        c.extend(self.setup.boundaries.credits().iter().cloned());
        c
    }
}
