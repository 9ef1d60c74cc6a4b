//! The command line: it parses arguments ([`args`]), maps them onto the library's options
//! ([`options`]), calls the products (`crate::products`) on one loaded run, and prints
//! what was written. No product logic lives here: a new command is a few lines that call
//! a product.

mod animate;
pub mod args;
mod bench;
mod inspect;
mod layers;
mod maps;
mod options;
mod progress;
mod report;
mod sample;
mod serve;
mod spread;
mod tiles;
mod zones;

pub use crate::run::SAMPLE_FILE;
pub use args::{Cli, Command};

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
