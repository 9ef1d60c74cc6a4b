//! The command line: arguments, the shared load stage, and one module per command.

mod animate;
pub mod args;
mod bench;
pub mod density;
pub mod filter;
mod inspect;
mod layers;
pub mod load;
pub mod maps;
mod progress;
mod report;
mod sample;
mod serve;
mod spread;
pub mod stopwatch;
pub mod tiles;
mod viewer;
mod zones;

pub use args::{Cli, Command};
pub use load::SAMPLE_FILE;

use crate::error::Result;

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Inspect(a) => inspect::run(&a),
        Command::Sample(a) => sample::run(&a),
        Command::Zones(a) => zones::run(&a),
        Command::Spread(a) => spread::run(&a),
        Command::Maps(a) => maps::run(&a),
        Command::Layers(a) => layers::run(&a),
        Command::Report(a) => report::run(&a),
        Command::Animate(a) => animate::run(&a),
        Command::Tiles(a) => tiles::run(&a),
        Command::Bench(a) => bench::run(&a),
        Command::Serve(a) => serve::run(&a),
    }
}
