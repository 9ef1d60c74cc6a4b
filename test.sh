#!/usr/bin/env bash
# Runs the whole test suite (unit + integration tests, which run the real binary on
# real files, and the library's doc examples). Installs the system packages the build and the tests need first.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
cargo test --all-targets
cargo test --doc
