#!/usr/bin/env bash
# The benchmarks, optbench beside PyTorch (the torch wheel in .venv/ whose LibTorch the host is
# built against: one LibTorch build for both sides), as ratios: `optimizer` (one step of every
# optimizer plugin on ResNet-18's and gpt_small's parameter sets, beside torch.optim, Adam and the
# memory bound, with the state each keeps) and `training` (end-to-end training throughput beside a PyTorch loop, data-loader
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
# optimizer steps on ResNet-18's and gpt_small's parameter sets, on the CPU or the GPU
optimizer_steps() {
  for model in resnet18 gpt_small; do
    build/bin/optimizer_step $quick --device "$1" --model $model --json "$out/$model.json" >/dev/null
    "$torch_python" bench/torch_optim_step.py "$out/$model.json" $quick > "$out/torch_$model.json"
    python3 bench/ratio_table.py "$out/$model.json" "$out/torch_$model.json"
    echo
  done
}
for w in "${which[@]}"; do
  case "$w" in
    optimizer) optimizer_steps cpu ;;
    gpu)
      optimizer_steps cuda
      for precision in fp32 bf16; do
        "$torch_python" bench/train_throughput.py build/bin/optbench-host $quick --device cuda --precision $precision \
          --only resnet18,gpt_small --json "$out/training_gpu_$precision.json"
      done ;;
    training) "$torch_python" bench/train_throughput.py build/bin/optbench-host $quick --json "$out/training.json" ;;
    segmentation) "$torch_python" bench/segmentation_data_wait.py build/bin/optbench-host $quick ;;
  esac
done
