#!/usr/bin/env bash
# Installs the Debian packages conflictmap needs to build and test.
#
# The proj crate compiles PROJ from source (Debian's PROJ is too old for it), which needs
# cmake, a C++ compiler and the sqlite3 command line (used to generate proj.db).
# Safe to run again: packages already present are skipped.
set -euo pipefail

build_pkgs=(cmake g++ make pkg-config sqlite3 libsqlite3-dev)
# Tools the test suite uses to check our outputs independently of our own readers
# (chromium: opens the report page and the web viewer headless; imagemagick: identify;
# poppler-utils: pdfinfo, pdffonts and pdftoppm check the PDF maps and charts).
test_pkgs=(gdal-bin python3-gdal imagemagick chromium poppler-utils python3-qgis qgis-providers)

missing=()
for p in "${build_pkgs[@]}" "${test_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all system packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
