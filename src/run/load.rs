//! The stage every product shares: the study, its boundaries and categories, then the
//! events, classified once and assigned to regions once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::input::{
    Diagnostic, DiagnosticSink, Problem, ReadOptions, ReadOutput, merge, read_events,
    read_events_bytes,
};
use crate::model::{
    Boundaries, Categories, CategorySet, CountryBy, CountryMatch, Event, EventIds, RegionId, Study,
    StudyOverrides,
};
use crate::output::write_atomic;
use crate::run::{EventOptions, Stopwatch, StudyOptions, ZoneOverrides};
use crate::units::{LonLat, PlacePositions, Places};

use crate::run::{InputHash, hash_inputs};

/// The shipped synthetic sample: what commands read without `--events`. Built into the
/// binary so that it works from any folder.
pub const SAMPLE_FILE: &str = "data/mali_synthetic_sample.csv";
static SAMPLE_CSV: &[u8] = include_bytes!("../../data/mali_synthetic_sample.csv");

/// The bytes of the built-in sample (what a run without `--events` reads).
pub fn sample_bytes() -> &'static [u8] {
    SAMPLE_CSV
}

pub struct Setup {
    pub study: Study,
    pub boundaries: Boundaries,
    pub categories: Categories,
}

/// Resolves the study of `args`: its file (or the built-in Mali study) with the boundary
/// files and zone sizes of `args` laid over it, its boundaries and categories.
pub fn setup(args: &StudyOptions) -> Result<Setup> {
    let mut study = match &args.study {
        Some(path) => Study::load(path)?,
        None => Study::mali(),
    };
    study.apply(&StudyOverrides {
        country_name: args.country_name.clone(),
        iso3: args.country_iso3.clone(),
        outline: args.outline.clone(),
        outline_where: args.outline_where.clone(),
        adm1: args.adm1.clone(),
        adm2: args.adm2.clone(),
        neighbours: args.neighbours.clone(),
        borders: args.borders.clone(),
        places: args.places.clone(),
    })?;
    override_zones(&mut study.zones, &args.zones)?;
    let boundaries = Boundaries::load(&study)?;
    let categories = match &args.categories {
        Some(path) => Categories::load(path)?,
        None => study.load_categories()?,
    };
    Ok(Setup {
        study,
        boundaries,
        categories,
    })
}

/// Events read, classified and placed.
pub struct Loaded {
    /// The input as shown to users (several files: their names, comma separated).
    pub input: String,
    /// True for the shipped synthetic sample (or when any input file is named
    /// "synthetic"): every product made from it says so.
    pub synthetic: bool,
    pub read: ReadOutput,
    /// Per event: its categories.
    pub classes: Vec<CategorySet>,
    /// Per event: its first-level admin unit (the cercles, which few products use, are
    /// found on first use: [`crate::run::Run::cercles`]).
    pub regions: Vec<Option<RegionId>>,
    /// The events sorted into places (distinct positions), for work done per place.
    pub places: Places,
    /// The input files (empty for the shipped sample).
    pub files: Vec<PathBuf>,
    /// The input files' SHA-256 (with [`EventOptions::hash_inputs`]; else empty).
    pub hashes: Vec<InputHash>,
}

impl Loaded {
    /// Per event: whether it is the study country's (the reader's verdict), for zones.
    pub fn verdicts(&self) -> Vec<CountryMatch> {
        self.read
            .events
            .events
            .par_iter()
            .map(|e| e.country)
            .collect()
    }

    /// The positions of [`Self::places`].
    pub fn place_positions(&self) -> PlacePositions<'_, impl Fn(usize) -> LonLat + Sync + '_> {
        let events = &self.read.events.events;
        self.places.positions(move |i| events[i].position)
    }

    /// The data attribution for products.
    pub fn attribution(&self) -> String {
        if self.synthetic {
            return "Data: synthetic sample in ACLED's export format, made by conflictmap (not ACLED data)."
                .to_string();
        }
        match self.read.summary.format {
            Some(d) => d.attribution().to_string(),
            None => "Data: as named in the input".to_string(),
        }
    }
}

/// Prints the first `show` problems of each kind to stderr as they are found and, with
/// `--diagnostics`, writes all of them to a CSV file.
struct ProblemLog {
    show: usize,
    shown: Mutex<HashMap<Problem, usize>>,
    /// Bit `problem as u32`: that problem has been shown and said to be counted, so
    /// (without a diagnostics file) no more of it is wanted. Read without the lock:
    /// asked once per problem row, and a multi-country file has millions of rows
    /// outside the country.
    done: AtomicU64,
    csv: Option<Mutex<csv::Writer<Vec<u8>>>>,
}

impl ProblemLog {
    fn new(show: usize, csv: bool) -> Self {
        let csv = csv.then(|| {
            let mut w = csv::Writer::from_writer(Vec::new());
            let _ = w.write_record([
                "file", "line", "feature", "column", "problem", "outcome", "detail",
            ]);
            Mutex::new(w)
        });
        ProblemLog {
            show,
            shown: Mutex::new(HashMap::new()),
            done: AtomicU64::new(0),
            csv,
        }
    }

    fn finish(self, path: Option<&Path>) -> Result<()> {
        if let (Some(path), Some(w)) = (path, self.csv) {
            let bytes = w
                .into_inner()
                .expect("diagnostics csv")
                .into_inner()
                .map_err(|e| Error::io(path, e.into_error()))?;
            write_atomic(path, |out| out.write_all(&bytes))?;
        }
        Ok(())
    }
}

impl DiagnosticSink for ProblemLog {
    /// Everything for the diagnostics file; otherwise the problems still to be shown and
    /// the first one past them (which says that more were counted).
    fn wants(&self, problem: Problem) -> bool {
        if self.csv.is_some() {
            return true;
        }
        if self.done.load(Ordering::Relaxed) & done_bit(problem) != 0 {
            return false;
        }
        self.shown
            .lock()
            .expect("problem log")
            .get(&problem)
            .is_none_or(|&n| n <= self.show)
    }

    fn report(&self, d: &Diagnostic) {
        let mut shown = self.shown.lock().expect("problem log");
        let n = shown.entry(d.problem).or_default();
        *n += 1;
        if *n > self.show {
            self.done.fetch_or(done_bit(d.problem), Ordering::Relaxed);
        }
        if *n <= self.show {
            eprintln!("warning: {d}");
        } else if *n == self.show + 1 {
            eprintln!(
                "warning: more \"{}\" problems: counted in the summary{}",
                d.problem,
                if self.csv.is_some() {
                    ", all listed in the diagnostics file"
                } else {
                    " (--diagnostics FILE lists them all)"
                }
            );
        }
        if let Some(w) = &self.csv {
            let _ = w.lock().expect("diagnostics csv").write_record([
                d.file.display().to_string(),
                d.line.to_string(),
                d.feature.map(|f| f.to_string()).unwrap_or_default(),
                d.column.clone().unwrap_or_default(),
                d.problem.code().to_string(),
                format!("{:?}", d.outcome).to_lowercase(),
                d.detail.clone(),
            ]);
        }
    }
}

/// True if the file's name says its events are synthetic (contains "synthetic", any
/// case): the mark by which every product made from it says so.
pub fn named_synthetic(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().to_lowercase().contains("synthetic"))
}

/// The bit of `problem` in [`ProblemLog::done`] (none past the 64th kind: those are
/// always looked up).
fn done_bit(problem: Problem) -> u64 {
    1u64.checked_shl(problem as u32).unwrap_or(0)
}

/// Reads, classifies and places the events of `args` for the study of `setup`.
pub fn load_events(setup: &Setup, args: &EventOptions) -> Result<Loaded> {
    load_events_timed(setup, args, &mut Stopwatch::new())
}

/// [`load_events`], timing the "read" and "classify" stages.
pub fn load_events_timed(setup: &Setup, args: &EventOptions, sw: &mut Stopwatch) -> Result<Loaded> {
    if !args.hash_inputs {
        return read_and_place(setup, args, sw, Vec::new());
    }
    // The hashes are computed on another thread while the events are read.
    std::thread::scope(|s| {
        let hash = s.spawn(|| hash_inputs(&args.files));
        let mut loaded = read_and_place(setup, args, sw, Vec::new())?;
        loaded.hashes = hash.join().expect("the hashing thread does not panic")?;
        Ok(loaded)
    })
}

fn read_and_place(
    setup: &Setup,
    args: &EventOptions,
    sw: &mut Stopwatch,
    hashes: Vec<InputHash>,
) -> Result<Loaded> {
    let log = ProblemLog::new(args.show_problems, args.diagnostics.is_some());
    let codes = setup.study.country.codes();
    let opts = ReadOptions {
        format: args.format,
        strict: args.strict,
        keep_outside: args.keep_outside,
        territory: Some(&setup.boundaries),
        country: (args.country_by == CountryBy::Source).then_some(&codes),
        diagnostics_limit: args.show_problems.max(1),
        on_diagnostic: Some(&log),
        sheet: args.sheet.as_deref(),
        // Several files: each event's revision time tells which row is the newest.
        revisions: args.files.len() > 1,
        details: args.details,
    };
    let (input, synthetic, read) = if args.files.is_empty() {
        (
            format!("{SAMPLE_FILE} (built in)"),
            true,
            read_events_bytes(SAMPLE_CSV, &PathBuf::from(SAMPLE_FILE), &opts)?,
        )
    } else {
        let synthetic = args.files.iter().any(|path| named_synthetic(path));
        let names: Vec<String> = args.files.iter().map(|p| p.display().to_string()).collect();
        let reads = args
            .files
            .iter()
            .map(|path| read_events(path, &opts))
            .collect::<Result<Vec<_>>>()?;
        (names.join(", "), synthetic, merge(reads))
    };
    log.finish(args.diagnostics.as_deref())?;
    let mut read = read;
    if !args.ids {
        read.events.ids = EventIds::default();
    }
    sw.lap("read");
    let classes = setup.categories.classify_all(&read.events);
    let events = &read.events.events;
    let at = |i: usize| events[i].position;
    let places = Places::of(events.len(), at);
    let b = &setup.boundaries;
    let mut regions = b.regions_of_places(&places, &places.positions(at));
    place_coded(events, &mut regions, |p| b.region_of_coded(p));
    sw.lap("classify");
    Ok(Loaded {
        input,
        synthetic,
        read,
        classes,
        regions,
        places,
        files: args.files.clone(),
        hashes,
    })
}

/// Gives the events coded as the country outside its outline their unit from `coded`
/// (the nearest, [`Boundaries::region_of_coded`]) in place of the outline's answer. Few
/// events are; finding them is a pass over every event, in parallel.
pub(crate) fn place_coded<T: Send>(
    events: &[Event],
    units: &mut [Option<T>],
    coded: impl Fn(LonLat) -> Option<T> + Sync,
) {
    events.par_iter().zip(units).for_each(|(e, unit)| {
        if e.country == CountryMatch::CodedOutsideOutline {
            *unit = coded(e.position);
        }
    });
}

/// Lays the zone sizes of `o` over the study's zones (and renames them to match).
fn override_zones(z: &mut crate::model::study::ZonesConfig, o: &ZoneOverrides) -> Result<()> {
    for (flag, v) in [("--ring-km", o.ring_km), ("--band-km", o.band_km)] {
        if let Some(v) = v
            && !(v.is_finite() && v > 0.0)
        {
            return Err(Error::Usage(format!(
                "{flag} must be a positive number, not {v}"
            )));
        }
    }
    if let Some(km) = o.ring_km {
        for r in &mut z.ring {
            r.radius_km = km;
            if let Some(c) = &r.centre_name {
                r.name = format!("Within {km} km of {c}");
            }
        }
    }
    for b in &mut z.border_band {
        if let Some(km) = o.band_km {
            b.width_km = km;
        }
        if !o.band_neighbours.is_empty() {
            b.neighbours = o.band_neighbours.clone();
        }
        if o.band_km.is_some() || !o.band_neighbours.is_empty() {
            b.name = format!(
                "Within {} km of the borders with {}",
                b.width_km,
                b.neighbours.join(", ")
            );
        }
    }
    Ok(())
}
