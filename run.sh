#!/usr/bin/env bash
# The main job on the shipped synthetic sample (or pass your own arguments, e.g.
# ./run.sh inspect --events my_acled_export.csv). Installs the system packages the
# build needs first (see scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
if [ $# -eq 0 ]; then set -- inspect; fi
cargo run --release --quiet -- "$@"
