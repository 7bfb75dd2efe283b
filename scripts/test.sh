#!/usr/bin/env bash
# Sets up everything on Debian 12, builds, and runs the whole test suite three ways (what CI
# runs): as built for use (build/); again under AddressSanitizer, LeakSanitizer and
# UndefinedBehaviorSanitizer (build-sanitize/); and each fuzz target for 20 s (scripts/fuzz.sh).
# Extra arguments go to ctest, e.g. scripts/test.sh -R replay
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j2 "$@"

if [ ! -f build-sanitize/build.ninja ]; then
  cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPTBENCH_SANITIZE=ON
fi
# Any sanitizer report (a leak too) fails the test whose process made it.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=86"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=86"
cmake --build build-sanitize
ctest --test-dir build-sanitize --output-on-failure -j2 "$@"

scripts/fuzz.sh 20
