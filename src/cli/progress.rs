//! Stage-by-stage progress on the terminal: a spinner per stage that ends as a line with
//! its wall time. indicatif draws nothing when stderr is not a terminal (CI, pipes).

use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

pub struct Stages {
    multi: MultiProgress,
    current: Option<(ProgressBar, Instant)>,
}

impl Default for Stages {
    fn default() -> Self {
        Self::new()
    }
}

impl Stages {
    pub fn new() -> Self {
        Stages {
            multi: MultiProgress::new(),
            current: None,
        }
    }

    /// Ends the running stage (if any) and starts `name`.
    pub fn start(&mut self, name: &str) {
        self.finish();
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .expect("the template is valid"),
        );
        bar.set_message(name.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        self.current = Some((bar, Instant::now()));
    }

    /// Ends the running stage, leaving "✓ name (0.42 s)" on the terminal.
    pub fn finish(&mut self) {
        if let Some((bar, t0)) = self.current.take() {
            bar.set_style(ProgressStyle::with_template("✓ {msg}").expect("the template is valid"));
            bar.finish_with_message(format!(
                "{} ({:.2} s)",
                bar.message(),
                t0.elapsed().as_secs_f64()
            ));
        }
    }
}

impl Drop for Stages {
    fn drop(&mut self) {
        self.finish();
    }
}
