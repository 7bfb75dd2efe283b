#!/usr/bin/env bash
# The benchmarks, optbench beside PyTorch (the torch wheel in .venv/ whose LibTorch the host is
# built against: one LibTorch build for both sides), as
# ratios: `optimizer` (one step of every optimizer plugin, beside torch.optim and the memory
# bound) and `training` (end-to-end training throughput beside a PyTorch loop, data-loader
# throughput, start-up) and `segmentation` (data wait of segmentation training on JPEG/PNG files);
# `gpu`, asked for by name, does the optimizer steps and the training of ResNet-18 and gpt_small
# (fp32 and bf16) on the first GPU.
# `bench/run.sh --quick` only checks that they work.
# usage: bench/run.sh [--quick] [optimizer|training|segmentation|gpu]...
set -euo pipefail
cd "$(dirname "$0")/.."
quick=""
which=()
for a in "$@"; do
  case "$a" in
    --quick) quick="--quick" ;;
    optimizer|training|segmentation|gpu) which+=("$a") ;;
    *) echo "usage: bench/run.sh [--quick] [optimizer|training|segmentation|gpu]..." >&2; exit 2 ;;
  esac
done
[ ${#which[@]} -eq 0 ] && which=(optimizer training segmentation)
scripts/install-deps.sh bench  # torch, NumPy and Pillow in .venv/
scripts/build.sh optbench-host optimizer_step data_loader plugins >/dev/null
torch_python=.venv/bin/python3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for w in "${which[@]}"; do
  if [ "$w" = optimizer ]; then
    build/bin/optimizer_step $quick --json "$out/optbench.json" >/dev/null
    "$torch_python" bench/torch_optim_step.py "$out/optbench.json" $quick > "$out/torch.json"
    python3 bench/ratio_table.py "$out/optbench.json" "$out/torch.json"
  elif [ "$w" = gpu ]; then
    build/bin/optimizer_step $quick --device cuda --json "$out/optbench_gpu.json" >/dev/null
    "$torch_python" bench/torch_optim_step.py "$out/optbench_gpu.json" $quick > "$out/torch_gpu.json"
    python3 bench/ratio_table.py "$out/optbench_gpu.json" "$out/torch_gpu.json"
    for precision in fp32 bf16; do
      "$torch_python" bench/train_throughput.py build/bin/optbench-host $quick --device cuda --precision $precision \
        --only resnet18,gpt_small --json "$out/training_gpu_$precision.json"
    done
  elif [ "$w" = training ]; then
    "$torch_python" bench/train_throughput.py build/bin/optbench-host $quick --json "$out/training.json"
  else
    "$torch_python" bench/segmentation_data_wait.py build/bin/optbench-host $quick
  fi
done
