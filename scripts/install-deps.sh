#!/usr/bin/env bash
# Installs the Debian 12 packages optbench needs, only those missing (apt-get; needs root or sudo).
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache
  libtorch-dev libopenblas0-pthread  # Debian's LibTorch otherwise runs on the reference BLAS (~8x slower)
  libboost-dev libboost-program-options-dev libtomlplusplus-dev libspdlog-dev
  nlohmann-json3-dev zlib1g-dev libgtest-dev
  libutf8proc-dev                    # Unicode classes and NFD for the BERT WordPiece tokeniser
  libssl-dev                         # SHA-1 (CNN/DailyMail story names)
  libjpeg62-turbo-dev libpng-dev     # JPEG and PNG images (segmentation datasets)
  libcurl4-openssl-dev libarchive-dev  # `data fetch`: downloads and archive extraction
  python3-torch                      # bench/: the PyTorch side of the side-by-side benchmarks
  python3-pil                        # bench/: JPEG/PNG files for the segmentation data-wait benchmark
  dataset-fashion-mnist              # the quick start's data: /usr/share/datasets/fashion-mnist
  chromium                           # tests/browser: the report rendered in headless Chromium
  slurmctld slurmd slurm-client munge  # tests/slurm: a one-node Slurm cluster for the job-array test
  libgloo-dev                        # data-parallel training with c10d's Gloo process group
  clang-14 libclang-rt-14-dev        # tests/fuzz: libFuzzer targets, with ASan and UBSan
)
# npm fetches the report's plotting libraries (core/report/package-lock.json); Debian's nodejs
# and npm unless the machine already has them.
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi

# The versions pinned in the lock file, once per change of it.
report="$(dirname "$0")/../core/report"
if ! cmp -s "$report/package-lock.json" "$report/node_modules/.optbench-installed-lock"; then
  npm ci --prefix "$report" --no-audit --no-fund
  cp "$report/package-lock.json" "$report/node_modules/.optbench-installed-lock"
fi
