#!/usr/bin/env bash
# Configures (Ninja, ccache, precompiled LibTorch headers) and builds into build/.
# Extra arguments are ninja targets, e.g. scripts/build.sh optbench-host adam_family
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build build -- "$@"
