#!/usr/bin/env bash
# Installs what optbench needs on Debian 12, only what is missing:
#  - Debian packages (apt-get; needs root or sudo): compiler, build tools and libraries;
#  - into the project's .venv/ (pip; PyPI): the pinned torch wheel, whose LibTorch the build uses
#    (with its CUDA 13 runtime libraries; scripts/requirements/torch.txt says why that pin), the
#    report's plotting libraries (hash-checked) and bench/'s NumPy and Pillow.
# Prints how long each part took.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

packages=(
  g++ cmake ninja-build ccache
  python3-venv                       # .venv/, which holds the torch wheel
  libboost-dev libboost-program-options-dev libtomlplusplus-dev libspdlog-dev
  nlohmann-json3-dev zlib1g-dev libgtest-dev
  libutf8proc-dev                    # Unicode classes and NFD for the BERT WordPiece tokeniser
  libssl-dev                         # SHA-1 (CNN/DailyMail story names)
  libjpeg62-turbo-dev libpng-dev     # JPEG and PNG images (segmentation datasets)
  libcurl4-openssl-dev libarchive-dev  # `data fetch`: downloads and archive extraction
  dataset-fashion-mnist              # the quick start's data: /usr/share/datasets/fashion-mnist
  chromium                           # tests/browser: the report rendered in headless Chromium
  slurmctld slurmd slurm-client munge  # tests/slurm: a one-node Slurm cluster for the job-array test
  libgloo-dev                        # Gloo's headers, for c10d's Gloo process group (the torch wheel has none)
  clang-14 libclang-rt-14-dev        # tests/fuzz: libFuzzer targets, with ASan and UBSan
)
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
echo "install-deps: Debian packages: $((SECONDS - started)) s"

# The Python packages, once per change of the requirement files (Debian's python3, so that the
# environment is the same on every Debian 12 machine whatever else is on PATH).
started=$SECONDS
requirements=(scripts/requirements/torch.txt scripts/requirements/report.txt scripts/requirements/bench.txt)
stamp=.venv/optbench-requirements
if ! cat "${requirements[@]}" | cmp -s - "$stamp"; then
  [ -x .venv/bin/python3 ] || /usr/bin/python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check --require-hashes -r scripts/requirements/report.txt
  .venv/bin/pip install -q --disable-pip-version-check -r scripts/requirements/torch.txt \
    -r scripts/requirements/bench.txt
  cat "${requirements[@]}" > "$stamp"
fi
echo "install-deps: Python packages in .venv/ ($(.venv/bin/python3 -c 'import torch; print("torch", torch.__version__)' 2>/dev/null)): $((SECONDS - started)) s"
