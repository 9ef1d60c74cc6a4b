#!/usr/bin/env bash
# The main job: `conflictmap report` on the shipped synthetic sample into output/ (zone
# tables, yearly maps, GIS layers, charts, report.html/report.md and manifest.json). Or
# pass a command and its arguments, e.g. ./run.sh report --events my_acled_export.csv.
# Installs the system packages the build needs first (see scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
cargo build --release --quiet
bin=target/release/conflictmap
if [ $# -gt 0 ]; then
  exec "$bin" "$@"
fi
"$bin" report --out output
