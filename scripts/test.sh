#!/usr/bin/env bash
# Sets up everything on Debian 12, builds, and runs the whole test suite.
# Extra arguments go to ctest, e.g. scripts/test.sh -R replay
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure "$@"
