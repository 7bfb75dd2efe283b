#!/usr/bin/env bash
# Sets up everything on Debian 12, builds, and runs the whole test suite three ways (what CI
# runs): as built for use (build/); again under AddressSanitizer, LeakSanitizer and
# UndefinedBehaviorSanitizer (build-sanitize/); and each fuzz target for 20 s (scripts/fuzz.sh).
# Prints how long each phase took. Extra arguments go to ctest, e.g. scripts/test.sh -R replay
set -euo pipefail
cd "$(dirname "$0")/.."
phases=()
started=$SECONDS
phase_done() {
  phases+=("$(printf '%-28s %5d s' "$1" $((SECONDS - started)))")
  echo "== $1: $((SECONDS - started)) s"
  started=$SECONDS
}
trap 'printf "%s\n" "== phase times:" "${phases[@]}"' EXIT

scripts/install-deps.sh build test
phase_done "set-up (packages, wheels)"
scripts/build.sh
phase_done "build"
ctest --test-dir build --output-on-failure -j2 "$@"
phase_done "suite"

if [ ! -f build-sanitize/build.ninja ]; then
  cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPTBENCH_SANITIZE=ON
fi
# Any sanitizer report (a leak too) fails the test whose process made it.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=86"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=86"
cmake --build build-sanitize
phase_done "sanitized build"
ctest --test-dir build-sanitize --output-on-failure -j2 "$@"
phase_done "sanitized suite"

scripts/fuzz.sh 20
phase_done "fuzzing (build, 20 s a target)"
