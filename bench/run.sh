#!/usr/bin/env bash
# The benchmarks, optbench beside PyTorch (Debian's python3-torch: the same LibTorch build), as
# ratios: `optimizer` (one step of every optimizer plugin, beside torch.optim and the memory
# bound) and `training` (end-to-end training throughput beside a PyTorch loop, data-loader
# throughput, start-up) and `segmentation` (data wait of segmentation training on JPEG/PNG files).
# `bench/run.sh --quick` only checks that they work.
# usage: bench/run.sh [--quick] [optimizer|training|segmentation]...
set -euo pipefail
cd "$(dirname "$0")/.."
quick=""
which=()
for a in "$@"; do
  case "$a" in
    --quick) quick="--quick" ;;
    optimizer|training|segmentation) which+=("$a") ;;
    *) echo "usage: bench/run.sh [--quick] [optimizer|training|segmentation]..." >&2; exit 2 ;;
  esac
done
[ ${#which[@]} -eq 0 ] && which=(optimizer training segmentation)
scripts/build.sh optbench-host optimizer_step data_loader plugins >/dev/null
# Debian's python3-torch lives in the system interpreter, which may not be the first python3.
torch_python=""
for p in python3 /usr/bin/python3; do
  if "$p" -c "import torch" 2>/dev/null; then torch_python=$p; break; fi
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for w in "${which[@]}"; do
  if [ "$w" = optimizer ]; then
    build/bin/optimizer_step $quick --json "$out/optbench.json" >/dev/null
    if [ -n "$torch_python" ]; then
      "$torch_python" bench/torch_optim_step.py "$out/optbench.json" $quick > "$out/torch.json"
    else
      echo '{}' > "$out/torch.json"
      echo "python3-torch is not installed: no torch.optim columns (apt-get install python3-torch)" >&2
    fi
    python3 bench/ratio_table.py "$out/optbench.json" "$out/torch.json"
  elif [ "$w" = training ]; then
    if [ -z "$torch_python" ]; then
      echo "the training benchmark needs python3-torch (apt-get install python3-torch)" >&2
      exit 1
    fi
    "$torch_python" bench/train_throughput.py build/bin/optbench-host $quick --json "$out/training.json"
  else
    /usr/bin/python3 bench/segmentation_data_wait.py build/bin/optbench-host $quick
  fi
done
