#!/usr/bin/env bash
# Installs what a job needs on Debian 12, only what is missing, and says what and why first.
#   scripts/install-deps.sh [build] [test] [bench]
#   build  (the default; scripts/quickstart.sh): compiler, build tools, the libraries the host and
#          plugins link, Fashion-MNIST; in .venv/ the pinned torch wheel whose LibTorch the build
#          uses (with its CUDA 13 runtime; scripts/requirements/torch.txt says why that pin) and the
#          report's plotting libraries (hash-checked);
#   test   (scripts/test.sh): build's, and GoogleTest, Chromium, a one-node Slurm, clang for the
#          fuzz targets, and bench/'s Python packages for the benchmarks' quick checks;
#   bench  (bench/run.sh): build's, and NumPy and Pillow for the PyTorch side.
# Debian packages need root or sudo. Prints how long each part took.
set -euo pipefail
cd "$(dirname "$0")/.."
purposes=("$@")
[ ${#purposes[@]} -gt 0 ] || purposes=(build)

# "package ... # why", per purpose.
build_packages=(
  "g++ cmake ninja-build ccache          # the compiler and build tools"
  "python3-venv                          # .venv/, which holds the torch wheel"
  "libboost-dev libboost-program-options-dev libtomlplusplus-dev libspdlog-dev nlohmann-json3-dev zlib1g-dev
                                         # the host: plugin loading, the command line, TOML, logs, JSON"
  "libutf8proc-dev                       # Unicode classes and NFD for the BERT WordPiece tokeniser"
  "libssl-dev                            # SHA-1 of CNN/DailyMail story names"
  "libjpeg62-turbo-dev libpng-dev        # JPEG and PNG images of the segmentation datasets"
  "libcurl4-openssl-dev libarchive-dev   # data fetch: downloads and archive extraction"
  "libgloo-dev                           # data-parallel training: c10d's Gloo (the torch wheel has no headers)"
  "dataset-fashion-mnist                 # the quick start's data: /usr/share/datasets/fashion-mnist"
)
test_packages=(
  "libgtest-dev                          # the unit and integration tests"
  "chromium                              # tests/browser: the report rendered in headless Chromium"
  "slurmctld slurmd slurm-client munge   # tests/slurm: a one-node Slurm cluster for the job-array test"
  "clang-14 libclang-rt-14-dev           # tests/fuzz: libFuzzer targets with ASan and UBSan; SDK headers under clang"
)
build_requirements=(scripts/requirements/torch.txt scripts/requirements/report.txt)
test_requirements=(scripts/requirements/bench.txt)
bench_requirements=(scripts/requirements/bench.txt)

# Build's packages come without the packages Debian merely recommends (documentation, other
# compilers' runtimes); the test tools with them, as the browser and Slurm expect.
lean=() full=() requirements=()
seen=" "
for purpose in build "${purposes[@]}"; do
  [[ "$seen" == *" $purpose "* ]] && continue
  seen+="$purpose "
  case $purpose in
    build) lean+=("${build_packages[@]}"); requirements+=("${build_requirements[@]}") ;;
    test) full+=("${test_packages[@]}"); requirements+=("${test_requirements[@]}") ;;
    bench) requirements+=("${bench_requirements[@]}") ;;
    *) echo "install-deps: unknown purpose '$purpose' (accepted: build, test, bench)" >&2; exit 2 ;;
  esac
done

started=$SECONDS
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
updated=false
# install_missing [apt-get option...] -- "package... # why"...
install_missing() {
  local options=() missing=() why=() entry names reason p needed
  while [ "$1" != "--" ]; do options+=("$1"); shift; done
  shift
  for entry in "$@"; do
    names=${entry%%#*} reason=${entry#*# } needed=()
    for p in $names; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || needed+=("$p")
    done
    [ ${#needed[@]} -eq 0 ] || { missing+=("${needed[@]}"); why+=("  ${needed[*]}: $reason"); }
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "install-deps: installing ${#missing[@]} Debian packages and what they depend on:"
  printf '%s\n' "${why[@]}"
  $updated || { $sudo apt-get update -q; updated=true; }
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${options[@]}" "${missing[@]}"
}
install_missing --no-install-recommends -- "${lean[@]}"
[ ${#full[@]} -eq 0 ] || install_missing -- "${full[@]}"
echo "install-deps: Debian packages: $((SECONDS - started)) s"

# The Python packages, once per change of a requirement file (Debian's python3, so that the
# environment is the same on every Debian 12 machine whatever else is on PATH). A copy of each file
# installed is kept in .venv/installed/, so that `build` after `test` installs nothing.
started=$SECONDS
mapfile -t requirements < <(printf '%s\n' "${requirements[@]}" | sort -u)
pending=()
for r in "${requirements[@]}"; do
  cmp -s "$r" ".venv/installed/$(basename "$r")" || pending+=("$r")
done
if [ ${#pending[@]} -gt 0 ]; then
  echo "install-deps: installing into .venv/ from PyPI:"
  for r in "${pending[@]}"; do echo "  $(grep -o '^[A-Za-z0-9_.-]*==[^ ]*' "$r" | paste -sd' '): $r says why"; done
  [ -x .venv/bin/python3 ] || /usr/bin/python3 -m venv .venv
  mkdir -p .venv/installed
  for r in "${pending[@]}"; do
    hashes=()
    grep -q -- '--hash=' "$r" && hashes=(--require-hashes)
    .venv/bin/pip install -q --disable-pip-version-check "${hashes[@]}" -r "$r"
    cp "$r" .venv/installed/
  done
fi
echo "install-deps: Python packages in .venv/ ($(.venv/bin/python3 -c 'import torch; print("torch", torch.__version__)' 2>/dev/null)): $((SECONDS - started)) s"
