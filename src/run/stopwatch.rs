//! Wall time and peak memory per pipeline stage, for `conflictmap bench`.
//!
//! Peak memory is the kernel's resident high-water mark (VmHWM in /proc/self/status),
//! reset at the start of each stage through /proc/self/clear_refs, so each stage reports
//! its own peak. Where /proc is not available the memory column is empty.

use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Stage {
    pub name: String,
    pub wall: Duration,
    /// Peak resident memory during the stage, in kB.
    pub peak_kb: Option<u64>,
}

#[derive(Debug)]
pub struct Stopwatch {
    started: Instant,
    stages: Vec<Stage>,
}

impl Default for Stopwatch {
    fn default() -> Self {
        Stopwatch::new()
    }
}

impl Stopwatch {
    pub fn new() -> Self {
        reset_peak();
        Stopwatch {
            started: Instant::now(),
            stages: Vec::new(),
        }
    }

    /// Ends the current stage under `name` and starts the next.
    pub fn lap(&mut self, name: &str) {
        self.stages.push(Stage {
            name: name.to_string(),
            wall: self.started.elapsed(),
            peak_kb: peak_kb(),
        });
        reset_peak();
        self.started = Instant::now();
    }

    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    pub fn total(&self) -> Duration {
        self.stages.iter().map(|s| s.wall).sum()
    }

    pub fn max_peak_kb(&self) -> Option<u64> {
        self.stages.iter().filter_map(|s| s.peak_kb).max()
    }
}

fn reset_peak() {
    // "5" resets the peak resident set size (Linux ≥ 4.0); harmless elsewhere.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn laps_record_stages_in_order() {
        let mut sw = Stopwatch::new();
        sw.lap("a");
        let v = vec![1u8; 8 << 20];
        std::hint::black_box(&v);
        sw.lap("b");
        let names: Vec<&str> = sw.stages().iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert!(sw.total() >= sw.stages()[1].wall);
        if cfg!(target_os = "linux") {
            assert!(sw.stages()[1].peak_kb.unwrap() > 0);
        }
    }
}
