#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz: the experiment parser, archive extraction and every
# dataset parser, under ASan+UBSan) with clang into build-fuzz/, and runs each for SECONDS
# (default 20) from seed inputs. A crash, sanitizer report or unexpected exception fails the run,
# with the input saved in build-fuzz/crashes/. A long run: scripts/fuzz.sh 3600
# (tests/fuzz/README.md); each target's corpus grows in build-fuzz/corpus/ and the next run
# starts from it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
if [ ! -f build-fuzz/build.ninja ]; then
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPTBENCH_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14
fi
cmake --build build-fuzz --target fuzzers
/usr/bin/python3 tests/fuzz/make_seeds.py build-fuzz/seeds
mkdir -p build-fuzz/crashes build-fuzz/logs
failed=0
for fuzzer in build-fuzz/fuzz/*_fuzzer; do
  name=$(basename "$fuzzer" _fuzzer)
  mkdir -p "build-fuzz/corpus/$name"
  log="build-fuzz/logs/$name.log"
  if "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="build-fuzz/crashes/$name-" "build-fuzz/corpus/$name" "build-fuzz/seeds/$name" >"$log" 2>&1; then
    echo "fuzz $name: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') inputs, no failure"
  else
    echo "fuzz $name: FAILED (build-fuzz/crashes/, $log):"
    tail -40 "$log"
    failed=1
  fi
done
exit $failed
