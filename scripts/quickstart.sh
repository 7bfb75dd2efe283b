#!/usr/bin/env bash
# Sets up everything on Debian 12 and trains the quick-start experiment on
# Fashion-MNIST: results land in results/quickstart/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
scripts/build.sh optbench-host plugins
build/bin/optbench-host run experiments/quickstart.toml "$@"
