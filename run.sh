#!/usr/bin/env bash
# The main job: the zone tables, the yearly heatmap maps and the GIS layers of the study, on the shipped
# synthetic sample, into output/ (or pass a command and its arguments, e.g.
# ./run.sh zones --events my_acled_export.csv). Installs the system packages the build
# needs first (see scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
cargo build --release --quiet
bin=target/release/conflictmap
if [ $# -gt 0 ]; then
  exec "$bin" "$@"
fi
"$bin" zones --out output
"$bin" maps --out output
"$bin" layers --out output
echo "Products in output/: zones.csv, zones.json, zones.md, maps/*.png and layers/ (GeoJSON, GeoPackage, GeoTIFF, QGIS styles)"
